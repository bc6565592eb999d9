# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""config_toml_findings.findings() against the configurations GitLab Runner's own documentation ships.

The corpus is read at test time from the Go module ``gitlab.com/gitlab-org/gitlab-runner``,
downloaded by ``tests/runner_module.py`` (its environment variables choose the version and the
module cache; without go or the module, the tests skip and say why). Nothing of it is copied into
this repository.

What is checked:

- found: every fenced code block with the info string ``toml`` in ``docs/**/*.md``
  (indented fences in lists included), plus ``config.toml.example`` whole;
- parsed: the blocks ``config_toml_reader.loads()`` accepts, as they are or once the lines that only
  hold an elision mark (``...`` or ``(...)``, "keys left out here") are dropped; the others
  are skipped: placeholders such as ``%(concurrent)s``, YAML, INI or systemd units labelled
  toml;
- fragment (skipped): a parsed block with top-level keys of which none is a key of the
  top level of config.toml (``SCHEMA["global"]``), apart from ``runners``: the doc shows the
  keys of a table and left its header out (``volumes = [...]`` of ``[runners.docker]``), or
  the file of another tool (the Fargate driver's ``fargate.toml``), so which table the keys
  belong to is unknown;
- complete: the rest, when every ``[[runners]]`` entry sets a non-empty ``url`` and an
  ``executor`` (a global-level configuration without ``[[runners]]`` is complete too), and
  ``config.toml.example``. Checked as is with ``findings(text)``;
- excerpt: the rest of the rest. The docs leave ``url`` and ``executor`` out of a
  ``[[runners]]`` to show one setting, or redact ``url = ""``, or show a bare
  ``[runners.docker]`` / ``[runners.kubernetes]``... table without its ``[[runners]]``.
  A bare table is wrapped as the one ``[[runners]]`` entry; a missing or empty ``url`` is
  filled with a placeholder and a missing ``executor`` with the one its sub-tables name
  (``[runners.kubernetes]`` -> kubernetes, ``[runners.machine]`` -> docker+machine, ...,
  else shell), then the data is checked with ``check_data()``, the code findings() runs
  after parsing. Nothing else is filled in (a missing ``name`` is a warning anyway).

checked = complete + excerpt: none may get an error from findings(), except the blocks of
KNOWN_MISTAKES, where the doc itself is wrong or uses keys newer than the schema.
Each of those must still get an error (so the list cannot rot), and each of its errors
must name one of the `backquoted` words of its reason (so it hides nothing else).
"""

from __future__ import annotations

import copy
import hashlib
import re

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_findings, config_toml_reader
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA

# "<file relative to the module>#<first 12 hex digits of the block's sha256>" -> what the doc gets
# wrong. A content hash rather than the block's position, so that blocks added elsewhere in
# the page do not shift the keys; a fixed doc changes the hash and the entry is reported stale.
# Checked against common/config.go (toml tags) and main.go of the module and of v19.3.0.
# The kubernetes page's examples give the URL without its scheme: the runner's API client (network/client.go)
# cannot send a request to a URL without one.
_URL_WITHOUT_SCHEME = "`url` = `gitlab.example.com` has no scheme: write https://gitlab.example.com"

KNOWN_MISTAKES = {
    "docs/executors/kubernetes/_index.md#7c4836c2dbcd": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#812154cff8df": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#e8d78f43eaa4": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#663b630467db": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#9d3a2cacfb8a": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#6641cd8fc8cb": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#d29541ef88bc": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#ab3a62b85d2a": _URL_WITHOUT_SCHEME,
    "docs/executors/kubernetes/_index.md#b08923c16ced": _URL_WITHOUT_SCHEME,
    # advanced-configuration.md, "Configure the Metrics Runner Referee", block 44.
    "docs/configuration/advanced-configuration.md#b75cbbe34c14": (
        "`metric_queries` in [runners.referees.metrics]: the key is `queries` (referees/metrics.go "
        '`toml:"queries"`), so the runner ignores the whole list'
    ),
    # docker_autoscaler.md, "Docker-specific configuration" (slot-based cgroups), block 3.
    "docs/executors/docker_autoscaler.md#eb754b3599b3": (
        '`executor = "docker+autoscaler"`: main.go registers docker-autoscaler (and docker+machine); '
        "the runner fails with executor not found"
    ),
    # kubernetes/_index.md, "User namespaces", block 27.
    "docs/executors/kubernetes/_index.md#1c7bb8a77626": (
        "`allowPrivilegeEscalation` in [runners.kubernetes]: the toml tag is allow_privilege_escalation "
        "(common/config.go KubernetesConfig); BurntSushi/toml only folds letter case, not underscores, "
        "so the runner ignores it"
    ),
    # runner_autoscale_aws_fargate/_index.md, "Step 4", config.toml to add, block 0.
    "docs/configuration/runner_autoscale_aws_fargate/_index.md#ae4cf88af27e": (
        "`volumes` in [runners.custom]: CustomConfig (common/config.go) has no volumes key, the custom "
        "executor ignores it (the Fargate driver reads its own fargate.toml)"
    ),
    # runner_autoscale_aws_fargate/_index.md, "Step 4", section "created by the registration command", block 2.
    "docs/configuration/runner_autoscale_aws_fargate/_index.md#cc7b950fbdd6": (
        "the [[runners]] header is missing: name, url, token and executor follow `[session_server]` and "
        "land in it, whose SessionServer struct (common/config.go) has none of them"
    ),
    # tls-self-signed.md, "Docker" (trusting the certificate in jobs), Windows, block 4.
    "docs/configuration/tls-self-signed.md#57c0352171ee": (
        'a Windows container image and Windows paths in `[runners.docker] volumes` with executor = "docker": '
        'docs/executors/docker.md ("Supported configurations") lists Windows containers with the docker '
        'executor as not supported, and its Windows example uses executor = "docker-windows", which findings() '
        "does not check as Linux volume specs (the runner code picks its volume parser from the daemon's OS, "
        "so a Windows daemon may still take them)"
    ),
    # kubernetes/_index.md, "Define a list of services", block 24.
    "docs/executors/kubernetes/_index.md#bdce0199346f": _URL_WITHOUT_SCHEME,
}

# A line that only says "more keys here": dropped before parsing.
_ELISION = re.compile(r"^[ \t]*\(?\.\.\.\)?[ \t]*$", re.MULTILINE)
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*$")
# The executor a [[runners]] entry without one most likely has, from its executor sub-table.
_EXECUTOR_TABLES = (
    ("machine", "docker+machine"),
    ("kubernetes", "kubernetes"),
    ("custom", "custom"),
    ("ssh", "ssh"),
    ("parallels", "parallels"),
    ("virtualbox", "virtualbox"),
    ("instance", "instance"),
)
_PLACEHOLDER_URL = "https://gitlab.example.com"


def toml_blocks(markdown):
    """Yield (index, line, text) of each fenced block of ``markdown`` whose info string is toml.

    ``index`` counts the toml blocks of the page from 0, ``line`` is the fence's line (1-based);
    a fence indented in a list has that indentation taken off its lines.
    """
    lines = markdown.split("\n")
    index = 0
    number = 0
    while number < len(lines):
        opening = _FENCE_OPEN.match(lines[number])
        if not opening or (opening.group("fence")[0] == "`" and "`" in opening.group("info")):
            number += 1
            continue
        fence = opening.group("fence")
        indent = len(opening.group("indent"))
        body = []
        end = number + 1
        while end < len(lines):
            closing = _FENCE_CLOSE.match(lines[end])
            if closing and closing.group("fence")[0] == fence[0] and len(closing.group("fence")) >= len(fence):
                break
            line = lines[end]
            body.append(line[min(indent, len(line) - len(line.lstrip(" \t"))):])
            end += 1
        info = opening.group("info").split()
        if info and info[0].lower() == "toml":
            yield index, number + 1, "\n".join(body) + "\n"
            index += 1
        number = end + 1


def block_key(path, text):
    return "%s#%s" % (path, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12])


def _guess_executor(entry):
    if "autoscaler" in entry:
        return "docker-autoscaler" if "docker" in entry else "instance"
    for table, executor in _EXECUTOR_TABLES:
        if table in entry:
            return executor
    return "docker" if "docker" in entry else "shell"


def _is_placeholder(url):
    """A URL the doc leaves for the reader to fill in: "<URL of your GitLab instance>", "$GITLAB_URL"."""
    return not isinstance(url, str) or bool(re.search(r"[<>${}\s]", url))


def classify(data):
    """Return ("fragment" | "complete" | "excerpt", data to check) for a parsed block."""
    headerless = [key for key in data if key != "runners"]
    if not data or (headerless and not any(key in SCHEMA["global"] for key in headerless)):
        return "fragment", None
    runners = data.get("runners")
    if not isinstance(runners, (dict, list)) or (isinstance(runners, list) and all(
        isinstance(entry, dict) and entry.get("url") and not _is_placeholder(entry["url"]) and "executor" in entry
        for entry in runners
    )):
        return "complete", data
    data = copy.deepcopy(data)
    if isinstance(runners, dict):
        data["runners"] = [data["runners"]]
    for entry in data["runners"]:
        if isinstance(entry, dict):
            if not entry.get("url") or _is_placeholder(entry["url"]):
                entry["url"] = _PLACEHOLDER_URL
            entry.setdefault("executor", _guess_executor(entry))
    return "excerpt", data


class Corpus(object):
    def __init__(self, root):
        self.root = root
        self.found = []  # (key, where, text)
        self.parsed = 0
        self.elided = 0  # parsed only once elision lines were dropped
        self.kinds = {"fragment": 0, "complete": 0, "excerpt": 0}
        self.checked = []  # (key, where, kind, errors)
        for markdown in sorted(root.glob("docs/**/*.md")):
            path = markdown.relative_to(root).as_posix()
            for index, line, text in toml_blocks(markdown.read_text(encoding="utf-8")):
                self._add(path, "%s block %d (line %d)" % (path, index, line), text)
        example = root / "config.toml.example"
        if example.is_file():
            self._add("config.toml.example", "config.toml.example", example.read_text(encoding="utf-8"))

    def _add(self, path, where, text):
        key = block_key(path, text)
        self.found.append((key, where, text))
        try:
            data = config_toml_reader.loads(text)
        except ValueError:
            text = _ELISION.sub("", text)
            try:
                data = config_toml_reader.loads(text)
            except ValueError:
                return
            self.elided += 1
        self.parsed += 1
        kind, checked_data = classify(data)
        self.kinds[kind] += 1
        if kind == "fragment":
            return
        found = config_toml_findings.findings(text) if kind == "complete" else config_toml_findings.check_data(checked_data)
        errors = [finding for finding in found if finding["severity"] == "error"]
        self.checked.append((key, where, kind, errors))


@pytest.fixture(scope="module")
def corpus():
    return Corpus(runner_module.module_dir("GitLab Runner docs corpus"))


def test_elision_lines_are_dropped():
    text = '[[runners]]\n  (...)\n  name = "x"\n  ...\n  [runners.docker]\n    image = "a..."\n'
    assert config_toml_reader.loads(_ELISION.sub("", text)) == {"runners": [{"name": "x", "docker": {"image": "a..."}}]}


def test_toml_blocks_reads_fences_like_markdown():
    page = "\n".join([
        "```toml", "a = 1", "```",
        "```shell", "```toml", "not = 'a block'", "```",
        "1. step", "   ``` toml", "   [[runners]]", "     name = \"x\"", "   ```",
        "````markdown", "```toml", "b = 2", "```", "````",
    ])
    assert list(toml_blocks(page)) == [(0, 1, "a = 1\n"), (1, 9, '[[runners]]\n  name = "x"\n')]


@pytest.mark.parametrize("data, kind", [
    ({"concurrent": 1}, "complete"),
    ({"runners": [{"url": "https://gitlab.example.com", "executor": "shell"}]}, "complete"),
    ({"runners": [{"executor": "shell"}]}, "excerpt"),
    ({"runners": [{"url": "", "executor": "shell"}]}, "excerpt"),
    ({"runners": {"docker": {"image": "alpine"}}}, "excerpt"),
    ({"volumes": ["/cache"]}, "fragment"),
    ({"allow_privilege_escalation": False, "runners": {"kubernetes": {}}}, "fragment"),
    ({}, "fragment"),
])
def test_classify(data, kind):
    assert classify(data)[0] == kind


def test_excerpts_get_a_url_and_the_executor_of_their_sub_table():
    _kind, data = classify({"runners": {"docker": {}, "autoscaler": {}}})
    assert data == {
        "runners": [{"docker": {}, "autoscaler": {}, "url": _PLACEHOLDER_URL, "executor": "docker-autoscaler"}]
    }
    _kind, data = classify({"runners": [{"name": "k", "kubernetes": {}}, {"url": "", "executor": "ssh"}]})
    assert [(entry["url"], entry["executor"]) for entry in data["runners"]] == [
        (_PLACEHOLDER_URL, "kubernetes"), (_PLACEHOLDER_URL, "ssh")]


def test_corpus_counts(corpus):
    counts = {
        "found": len(corpus.found),
        "parsed": corpus.parsed,
        "parsed once elisions dropped": corpus.elided,
        "fragment (skipped)": corpus.kinds["fragment"],
        "complete": corpus.kinds["complete"],
        "excerpt": corpus.kinds["excerpt"],
        "checked": len(corpus.checked),
    }
    print("GitLab Runner docs corpus at %s: %s" % (corpus.root, ", ".join("%s %d" % pair for pair in counts.items())))
    assert all(counts[name] > 0 for name in ("found", "parsed", "complete", "excerpt", "checked")), counts
    assert counts["checked"] == counts["complete"] + counts["excerpt"]


def test_documented_configurations_have_no_errors(corpus):
    failures = []
    for key, where, kind, errors in corpus.checked:
        if errors and key not in KNOWN_MISTAKES:
            failures.append(
                "%s [%s, key %s]:\n%s" % (where, kind, key, "\n".join("  - " + error["message"] for error in errors))
            )
    assert not failures, (
        "findings() reports errors on %d documented configurations: fix the rule if the doc is right, or add the "
        "key to KNOWN_MISTAKES with what the doc gets wrong\n%s" % (len(failures), "\n".join(failures))
    )


def test_known_mistakes_still_fail_and_hide_nothing_else(corpus):
    checked = dict((key, (where, errors)) for key, where, _kind, errors in corpus.checked)
    problems = []
    for key, reason in sorted(KNOWN_MISTAKES.items()):
        if key not in checked:
            problems.append("%s: no such checked block in the docs any more; remove the entry" % key)
            continue
        where, errors = checked[key]
        if not errors:
            problems.append("%s (%s): findings() reports no error any more; remove the entry" % (key, where))
        words = re.findall(r"`([^`]+)`", reason)
        for error in errors:
            if not any(word in error["message"] for word in words):
                problems.append(
                    "%s (%s): error not explained by the reason %r: %s" % (key, where, reason, error["message"])
                )
    assert not problems, "\n".join(problems)
