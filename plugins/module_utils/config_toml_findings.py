# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): check a GitLab Runner config.toml against the runner's own schema.

GitLab Runner silently ignores keys it does not know and takes many values
without checking them, so a typo such as ``tls_verfy`` or a duration written
as ``30`` only shows up as odd behaviour in production. ``findings()`` reads
the file and reports, for every table and key:

- ``toml-syntax``: the text is not TOML (line and column given);
- ``unknown-key``: a table or key the runner does not know (with "did you mean");
- ``wrong-type``: a value of the wrong TOML type for its key;
- ``value-invalid``: a value of the right type that the runner rejects or
  misreads (``concurrent = 0``, an unknown executor, two runners with the
  same name, ``"30"`` as a duration...);
- ``value-meaning``: a valid value the runner gives a meaning that may surprise (``limit = 0`` is no limit):
  config_toml_meanings holds them, and a value it gives a meaning is never an error;

and, for every Docker executor runner, the socket / dind findings and the dangerous settings of
``docker_modes.findings()``. Each finding names the paths of the values it is about (``keys``).

The text is parsed by ``config_toml_reader.loads()`` (``tomllib``, or the
bundled parser on Python < 3.11).
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Mapping

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    config_toml_meanings,
    docker_api_versions,
    docker_executor,
    docker_modes,
    gitlab_rules,
    secrets,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import TomlSyntaxError, loads
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name as _kind

__all__ = [
    "ALL_FINDING_CODES",
    "DOCKER_EXECUTORS",
    "EXECUTORS",
    "FINDING_CODES",
    "check_data",
    "findings",
    "key_path",
    "runners_overview",
    "without_location",
]

# code -> (usual severity, what it means). Some value-invalid and unknown-key findings are
# warnings: the runner accepts the value, but not the way its author probably meant.
FINDING_CODES = {
    "toml-syntax": ("error", "config.toml is not valid TOML: GitLab Runner cannot load it."),
    "unknown-key": (
        "error",
        "A table or key GitLab Runner does not know: the runner silently ignores it, so the setting has no effect "
        "(warning when it only differs in letter case, which the runner tolerates).",
    ),
    "wrong-type": ("error", "A value of the wrong TOML type for its key: the runner refuses to load the file."),
    "value-invalid": (
        "error",
        "A value of the right type that the runner rejects or misreads (warning for integer durations, "
        "read as nanoseconds).",
    ),
    "value-meaning": (
        "warning",
        "A valid value the runner gives a meaning that may surprise (limit = 0 is no limit, check_interval = 0 the "
        "default of 3 s, a listen_address without a host every address): what the runner does with it.",
    ),
}

ALL_FINDING_CODES = dict(FINDING_CODES)
ALL_FINDING_CODES.update(docker_modes.FINDING_CODES)

# main.go provider registry of GitLab Runner v19.3.0.
EXECUTORS = (
    "shell",
    "custom",
    "instance",
    "docker",
    "docker-windows",
    "docker-autoscaler",
    "docker+machine",
    "kubernetes",
    "ssh",
    "parallels",
    "virtualbox",
)
# Executors that run Linux job containers from [runners.docker] (locally or on autoscaled
# machines): the socket / dind reasoning holds for each of them.
DOCKER_EXECUTORS = ("docker", "docker+machine", "docker-autoscaler")

_LOG_LEVELS = ("panic", "fatal", "error", "warn", "warning", "info", "debug", "trace")
_LOG_FORMATS = ("runner", "text", "json")
# The shells GitLab Runner registers (shells/bash.go, shells/powershell.go); cmd was removed from the runner.
_SHELLS = ("bash", "sh", "pwsh", "powershell")

# Go time.ParseDuration: "0", or one or more <number><unit> with an optional sign.
_DURATION = re.compile(r"^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$")
# Go time.Time.UnmarshalText: RFC 3339 with optional fractional seconds.
_RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[-+][0-9]{2}:[0-9]{2})$")

_TYPE_PHRASES = {
    "string": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "duration-string": 'a duration string such as "30s", "15m" or "1h30m"',
    "datetime": "a TOML date-time such as 2024-01-01T00:00:00Z (or an RFC 3339 string)",
    "string-or-list[string]": "a string or an array of strings",
    "int-or-string": "an integer or a string",
    "table": "a table",
    "array-of-tables": "an array of tables",
    "map[string]any": "a table",
}
# Element types with another name in the schema but the same TOML form.
_TYPE_ALIASES = {"api.Capability": "string"}


def findings(text, modes=None, host_mtu=None, docker_engine=None, runner_version=None, runner_types=None):
    """Return the findings for config.toml ``text``, errors first.

    Each finding is ``{"severity": "error"|"warning", "code", "message",
    "runner": name or None, "table": section or None, "keys": [...]}``; ``table`` is the
    schema section name of the table holding the problem (``global`` for the
    top level, ``runners.docker`` for any ``[runners.docker]``), so
    ``SCHEMA[finding["table"]]`` lists the keys allowed there. ``keys`` are the paths in the file of the values the
    finding is about (``runners[0].docker.volumes[2]``, ``concurrent``; several when it is about how they go
    together), so a caller that built the file can name where each came from; empty for the whole file.
    ``runner_types`` maps runner names to GitLab's runner type (``instance_type``, ``group_type``,
    ``project_type``) where known: a runner several projects share gets the pull-policy-shared check.

    ``modes`` maps runner names to ``"socket"`` or ``"dind"`` for the Docker
    checks (see check_data()); ``host_mtu``, the MTU of the host's Docker
    network where known, for the dind services' ``--mtu``. ``docker_engine``, the host's Docker Engine where known
    (its version, or a dict: docker_api_versions.engine_input()), which socket jobs' Docker CLI and gitlab-runner
    itself talk to, and ``runner_version``, gitlab-runner's version where known. A TOML syntax error is a finding,
    not an exception; ValueError is raised only for input of the wrong type.
    """
    _check_modes(modes)
    try:
        data = loads(text)
    except TomlSyntaxError as error:
        return [_finding("error", "toml-syntax", str(error), None, None)]
    return check_data(data, modes, host_mtu, docker_engine, runner_version, runner_types)


def runners_overview(text):
    """What each ``[[runners]]`` entry of config.toml ``text`` is, for an audit: a list of dicts, in file order.

    Each has ``name``, ``url`` (masked), ``executor``, ``mode`` (``socket``, ``dind`` or None, inferred as
    ``docker_modes.infer_mode`` does), ``mode_reason``, ``privileged`` (``privileged`` or ``services_privileged``
    is true) and ``docker_socket`` (the volumes through which jobs reach the host's Docker socket). Text that is
    not TOML gives ``[]``: findings() reports it.
    """
    try:
        data = loads(text)
    except TomlSyntaxError:
        return []
    runners = data.get("runners")
    overview = []
    for index, entry in enumerate(runners if isinstance(runners, list) else []):
        if not isinstance(entry, Mapping):
            continue
        docker = entry.get("docker") if isinstance(entry.get("docker"), Mapping) else {}
        services = [service for service in docker.get("services", []) if isinstance(service, Mapping)
                    and isinstance(service.get("name"), str)] if isinstance(docker.get("services"), list) else []
        try:
            mode, reason, _certain = docker_modes.infer_mode(docker, services)
        except (TypeError, AttributeError):  # values of the wrong type: findings() names them
            mode, reason = None, None
        name = entry.get("name")
        overview.append({
            "name": name if isinstance(name, str) and name else "#%d" % (index + 1),
            "url": secrets.mask_url(entry["url"]) if isinstance(entry.get("url"), str) else None,
            "executor": entry.get("executor"),
            "mode": mode,
            "mode_reason": reason,
            "privileged": any(docker.get(key) is True for key in ("privileged", "services_privileged")),
            "docker_socket": docker_modes.docker_socket_binds(docker),
        })
    return overview


def check_data(data, modes=None, host_mtu=None, docker_engine=None, runner_version=None, runner_types=None):
    """Return the findings for config.toml already parsed into a dict (see findings()).

    Docker executor runners (``docker``, ``docker+machine``,
    ``docker-autoscaler``) also get docker_modes's findings, in the mode
    ``modes[name]`` when given, otherwise the inferred one: ``socket`` when a
    volume binds the host's Docker socket, else ``dind`` when ``privileged``
    or ``services_privileged`` is true or a dind service is configured. With
    no mode (none given, none inferred) only the mode-independent volume
    checks run: a plain Docker runner is neither setup, and guessing would
    report problems it does not have.
    """
    _check_modes(modes)
    modes = modes or {}
    if runner_types is not None and not isinstance(runner_types, Mapping):
        raise ValueError("runner_types must be a dict of runner name -> instance_type, group_type or project_type, "
                         "got %s" % _kind(runner_types))
    if not isinstance(data, Mapping):
        raise ValueError("config.toml data must be a dict (the parsed document), got %s" % _kind(data))
    found = []
    _walk_table(data, "global", _Location(), found)
    runners = data.get("runners")
    found.extend(_runners_findings(runners if isinstance(runners, list) else [], modes, host_mtu, docker_engine,
                                   runner_types))
    found.extend(_runner_client_findings(runner_version, docker_engine))
    errors = [f for f in found if f["severity"] == "error"]
    return errors + [f for f in found if f["severity"] != "error"]


def _check_modes(modes):
    if modes is None:
        return
    if not isinstance(modes, Mapping):
        raise ValueError(
            'modes must be a dict of runner name -> "socket" or "dind", got %s %r' % (_kind(modes), modes)
        )
    for name, mode in modes.items():
        if not isinstance(name, str):
            raise ValueError("modes keys must be runner names (strings), got %s %r" % (_kind(name), name))
        if mode is not None and not isinstance(mode, str):
            raise ValueError(
                'modes["%s"] must be "socket", "dind" or null (infer), got %s %r' % (name, _kind(mode), mode)
            )


class _Location(object):
    """Where a table sits: its runner, its schema section, its path in the file and how to name it in messages."""

    def __init__(self, runner=None, runner_label=None, section="global", label="top level", path=""):
        self.runner = runner
        self.runner_label = runner_label
        self.section = section
        self.label = label
        self.path = path

    def child(self, section, index=None, count=None):
        if index is None:
            label = "[%s]" % section
        elif count == 1:
            label = "[[%s]]" % section
        else:
            label = "[[%s]] #%d" % (section, index + 1)
        key = section.rpartition(".")[2]
        path = key_path(self.path, key) + ("[%d]" % index if index is not None else "")
        return _Location(self.runner, self.runner_label, section, label, path)

    def runner_entry(self, entry, index):
        name = entry.get("name")
        if isinstance(name, str) and name:
            runner, runner_label = name, 'runner "%s"' % name
        else:
            runner, runner_label = None, "runner #%d (no name)" % (index + 1)
        return _Location(runner, runner_label, "runners", "[[runners]]", "runners[%d]" % index)

    def prefix(self):
        if self.runner_label:
            return "%s %s" % (self.runner_label, self.label)
        return self.label

    def key(self, key):
        """The path of ``key`` (a key of this table, or a path below it such as ``volumes[2]``) in the file."""
        return key_path(self.path, key)


def key_path(path, key):
    """``path`` extended by ``key``: ``runners[0]`` and ``docker`` give ``runners[0].docker``; ``[2]`` is appended."""
    if not path:
        return key
    return path + key if key.startswith("[") else "%s.%s" % (path, key)


def _finding(severity, code, message, runner, table, keys=()):
    return {"severity": severity, "code": code, "message": message, "runner": runner, "table": table,
            "keys": list(keys)}


def _report(found, location, severity, code, text, key=None):
    keys = [location.key(key)] if key is not None else ([location.path] if location.path else [])
    found.append(_finding(severity, code, "%s: %s" % (location.prefix(), text), location.runner, location.section,
                          keys))


def without_location(finding):
    """The message of ``finding`` without the place it starts with (``runner "a" [runners.docker]: ``), for callers
    that name the place themselves (its ``keys``); a message that starts otherwise is returned whole."""
    message = finding["message"]
    runner = finding.get("runner")
    owner = r'runner (?:"%s"|#\d+ \(no name\)) ' % re.escape(runner) if runner is not None else r"(?:runner #\d+ \(no name\) )?"
    match = re.match(r"^(?:%s)?(?:top level|\[\[?[A-Za-z0-9_.-]+\]\]?(?: #\d+)?): " % owner, message)
    return message[match.end():] if match else message


def _child_section(section, key):
    return key if section == "global" else "%s.%s" % (section, key)


def _walk_table(table, section, location, found):
    """Check every key of ``table`` (schema section ``section``) and recurse into sub-tables."""
    allowed = SCHEMA.get(section, {})
    for key, value in table.items():
        canonical = _canonical_key(key, allowed, section, location, found)
        if canonical is None:
            continue
        type_word = allowed[canonical]
        child = _child_section(section, canonical)
        if type_word == "table":
            if isinstance(value, Mapping):
                _walk_table(value, child, location.child(child), found)
            else:
                _report_wrong_type(found, location, canonical, value, type_word)
        elif type_word == "array-of-tables":
            if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
                for index, item in enumerate(value):
                    if child == "runners":
                        item_location = location.runner_entry(item, index)
                    else:
                        item_location = location.child(child, index, len(value))
                    _walk_table(item, child, item_location, found)
            else:
                _report_wrong_type(found, location, canonical, value, type_word)
        else:
            _check_value(found, location, canonical, value, type_word)
    _table_rules(table, section, location, found)


def _canonical_key(key, allowed, section, location, found):
    """Return the schema spelling of ``key`` in ``section``, or None (reported) when unknown."""
    if key in allowed:
        return key
    # BurntSushi/toml falls back to a case-insensitive match, so the runner does read these.
    folded = [known for known in allowed if known.lower() == key.lower()]
    if folded:
        _report(
            found,
            location,
            "warning",
            "unknown-key",
            'key "%s" is spelled "%s" by GitLab Runner: the runner only reads it through its case-insensitive '
            'fallback; write "%s"' % (key, folded[0], folded[0]),
            key=key,
        )
        return folded[0]
    _report(found, location, "error", "unknown-key", _unknown_key_text(key, allowed, section), key=key)
    return None


def _unknown_key_text(key, allowed, section):
    text = 'unknown key "%s"' % key
    # Keys of older releases, so that "unknown" can say why (tools/runner-source/schema_meta.json).
    removed = SCHEMA["_meta"].get("removed", {}).get(section, {}).get(key)
    if removed:
        return (
            '%s: GitLab Runner dropped it after %s and now ignores it silently; use "%s" instead'
            % (text, removed["last_release"], removed["replaced_by"])
        )
    hint = _unknown_key_hint(key, allowed, section)
    return (
        "%s: %s The runner silently ignores unknown keys, so this setting has no effect; fix the name or "
        "remove it" % (text, hint)
    )


def _unknown_key_hint(key, allowed, section):
    elsewhere = _sections_with_key(key, section)
    if elsewhere:
        return "it belongs in %s." % " or ".join(_section_label(other) for other in elsewhere)
    close = difflib.get_close_matches(key, list(allowed), n=3, cutoff=0.6)
    if close:
        return "did you mean %s?" % " or ".join('"%s"' % match for match in close)
    # A misspelled key put one level off, e.g. tls_verfy in [[runners]] instead of [runners.docker].
    for other in _neighbour_sections(section):
        close = difflib.get_close_matches(key, list(SCHEMA[other]), n=1, cutoff=0.75)
        if close:
            return 'did you mean "%s" in %s?' % (close[0], _section_label(other))
    return "%s has no such key." % _section_label(section)


def _section_label(section):
    if section == "global":
        return "the top level"
    parent, _dot, key = section.rpartition(".")
    if SCHEMA.get(parent or "global", {}).get(key) == "array-of-tables":
        return "[[%s]]" % section
    return "[%s]" % section


def _neighbour_sections(section):
    """The parent of ``section`` and its direct sub-sections, parent first."""
    neighbours = []
    if section != "global":
        neighbours.append(section.rpartition(".")[0] or "global")
    prefix = "" if section == "global" else section + "."
    for other in SCHEMA:
        if other != "_meta" and other.startswith(prefix) and other != section and "." not in other[len(prefix):]:
            neighbours.append(other)
    return neighbours


def _sections_with_key(key, section):
    """Return the neighbour sections of ``section`` that know ``key`` (a key put one level off)."""
    return [other for other in _neighbour_sections(section) if key in SCHEMA[other]]


def _toml_type_name(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return "a %s" % _kind(value)


def _shown(key, value):
    """The value for a message, unless the key may hold a secret."""
    if secrets.SECRET_NAME_ANYWHERE.search(key):
        return "(value hidden)"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_phrase(type_word):
    if type_word in _TYPE_PHRASES:
        return _TYPE_PHRASES[type_word]
    if type_word.startswith("list["):
        element = _TYPE_ALIASES.get(type_word[5:-1], type_word[5:-1])
        return "an array of %s" % _plural(element)
    if type_word.startswith("map[string]"):
        element = _TYPE_ALIASES.get(type_word[11:], type_word[11:])
        return "a table of %s" % _plural(element)
    return type_word


def _plural(element):
    return {
        "string": "strings",
        "int": "integers",
        "float": "numbers",
        "bool": "booleans",
        "list[string]": "string arrays",
    }.get(element, element + " values")


def _report_wrong_type(found, location, key, value, type_word, where=None):
    where = where or '"%s"' % key
    text = "%s must be %s, got %s %s: GitLab Runner refuses to load a config.toml with a wrongly typed value" % (
        where,
        _type_phrase(type_word),
        _toml_type_name(value),
        _shown(key, value),
    )
    if type_word == "array-of-tables" and isinstance(value, Mapping):
        text += "; write [[%s]] (double brackets) instead of [%s]" % (key, key)
    elif type_word == "duration-string" and isinstance(value, float):
        text += '; write it as a string with a unit, such as "%ss"' % value
    else:
        text += "; fix the value"
    _report(found, location, "error", "wrong-type", text, key=key)


def _matches(value, type_word):
    """Tell whether ``value`` has the TOML type ``type_word`` asks for (contents not validated)."""
    type_word = _TYPE_ALIASES.get(type_word, type_word)
    if type_word in ("string", "duration-string"):
        # Durations also take a bare integer (nanoseconds); reported apart.
        return isinstance(value, str) or (type_word == "duration-string" and _is_int(value))
    if type_word == "int":
        return _is_int(value)
    if type_word == "float":
        return _is_int(value) or isinstance(value, float)
    if type_word == "bool":
        return isinstance(value, bool)
    if type_word == "datetime":
        return isinstance(value, (str, datetime.datetime))
    if type_word == "string-or-list[string]":
        return isinstance(value, str) or _matches(value, "list[string]")
    if type_word == "int-or-string":
        return _is_int(value) or isinstance(value, str)
    if type_word in ("table", "map[string]any"):
        return isinstance(value, Mapping)
    if type_word == "array-of-tables":
        return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
    if type_word.startswith("list["):
        return isinstance(value, list) and all(_matches(item, type_word[5:-1]) for item in value)
    if type_word.startswith("map[string]"):
        return isinstance(value, Mapping) and all(_matches(item, type_word[11:]) for item in value.values())
    # A type word this module does not know: trust the value rather than guess.
    return True


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(found, location, key, value, type_word):
    if not _matches(value, type_word):
        _report_wrong_type(found, location, key, value, type_word)
        return
    if type_word == "duration-string":
        _check_duration(found, location, key, value)
    elif type_word == "datetime" and isinstance(value, str) and not _RFC3339.match(value):
        _report(
            found,
            location,
            "error",
            "value-invalid",
            '"%s" = %s is no RFC 3339 date-time: GitLab Runner refuses to load it; write a TOML date-time such '
            "as 2024-01-01T00:00:00Z (unquoted)" % (key, _shown(key, value)),
            key=key,
        )
    # A value the runner gives a meaning of its own is valid: the rules below are for the other values.
    meant = config_toml_meanings.meaning(location.section, key, value)
    if meant is not None:
        if meant.say:
            _report(found, location, "warning", "value-meaning", "%s = %s means %s (%s)%s" % (
                key, _shown(key, value), meant.means, meant.source,
                "; if that is not what you meant, write %s" % meant.instead if meant.instead else ""), key=key)
        return
    rule = _VALUE_RULES.get((location.section, key))
    if rule is not None:
        text = rule(value)
        # A rule gives the error's text, or ("warning", text) where the host decides (its cgroup driver, say).
        severity, text = text if isinstance(text, tuple) else ("error", text)
        if text:
            _report(found, location, severity, "value-invalid", text, key=key)


def _check_duration(found, location, key, value):
    if isinstance(value, str):
        if not _DURATION.match(value):
            _report(
                found,
                location,
                "error",
                "value-invalid",
                '"%s" = %s is no Go duration: GitLab Runner refuses to load it; write a number with a unit '
                '(ns, us, ms, s, m, h), such as "30s", "15m" or "1h30m"' % (key, _shown(key, value)),
                key=key,
            )
    elif value != 0:
        _report(
            found,
            location,
            "warning",
            "value-invalid",
            '"%s" = %d is an integer, which GitLab Runner reads as %d nanoseconds, not seconds; write it as a '
            'string with a unit, such as "%ds"' % (key, value, value, value),
            key=key,
        )


def _one_of(key, allowed, fold_case=False, hint=""):
    def rule(value):
        candidate = value.lower() if fold_case else value
        if candidate in allowed:
            return None
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
        suggestion = ' (did you mean "%s"?)' % close[0] if close else ""
        return '%s = "%s" is not one of %s%s: %s' % (
            key,
            value,
            ", ".join(allowed),
            suggestion,
            hint or "GitLab Runner rejects it; use one of those",
        )

    return rule


def _pull_policy_rule(key, empty_is_default=False):
    """Docker reads an empty policy as one it does not know (DockerConfig.GetPullPolicies); Kubernetes as the cluster's
    default (KubernetesConfig.ConvertFromDockerPullPolicy)."""
    def rule(value):
        policies = [value] if isinstance(value, str) else value
        bad = [policy for policy in policies
               if (policy or not empty_is_default) and policy not in docker_executor.PULL_POLICIES]
        if not bad:
            return None
        return '%s has %s: GitLab Runner only knows %s and fails every job with another value; use those' % (
            key,
            ", ".join('"%s"' % policy for policy in bad),
            ", ".join(docker_executor.PULL_POLICIES),
        )

    return rule


def _concurrent_rule(value):
    if value >= 1:
        return None
    return (
        "concurrent = %d: GitLab Runner then runs no jobs at all (it must be at least 1): it exits with a fatal "
        "error when it starts; set it to the number of jobs all runners of this host may run at once" % value
    )


def _executor_rule(value):
    if value == "":
        return 'executor is empty: the runner cannot run any job; set it, e.g. executor = "docker"'
    return _one_of("executor", EXECUTORS, hint="the runner fails every job with \"executor not found\"; use one of those")(
        value
    )


def _shell_rule(value):
    if value == "":
        return None
    return _one_of("shell", _SHELLS)(value)


# Feature flag names of GitLab Runner 19.x (helpers/featureflags/flags.go): the runner ignores any other name.
FEATURE_FLAGS = frozenset((
    "FF_CLEAN_UP_FAILED_CACHE_EXTRACT", "FF_CONCRETE", "FF_DISABLE_AUTOMATIC_TOKEN_ROTATION",
    "FF_DISABLE_POWERSHELL_STDIN", "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", "FF_DISABLE_UMASK_FOR_KUBERNETES_EXECUTOR",
    "FF_ENABLE_BASH_EXIT_CODE_CHECK", "FF_ENABLE_JOB_CLEANUP", "FF_ENABLE_JOB_INPUTS_INTERPOLATION",
    "FF_EXPORT_HIGH_CARDINALITY_METRICS", "FF_GIT_URLS_WITHOUT_TOKENS", "FF_HASH_CACHE_KEYS",
    "FF_KUBERNETES_HONOR_ENTRYPOINT", "FF_LOG_IMAGES_CONFIGURED_FOR_JOB", "FF_MASK_ALL_DEFAULT_TOKENS",
    "FF_NETWORK_PER_BUILD", "FF_POSIXLY_CORRECT_ESCAPES", "FF_PRINT_POD_EVENTS", "FF_RESOLVE_FULL_TLS_CHAIN",
    "FF_SCRIPT_SECTIONS", "FF_SCRIPT_TO_STEP_MIGRATION", "FF_SECRET_RESOLVING_FAILS_IF_MISSING",
    "FF_SUSPENDABLE_ENVIRONMENTS", "FF_TIMESTAMPS", "FF_USE_ADAPTIVE_REQUEST_CONCURRENCY",
    "FF_USE_ADVANCED_POD_SPEC_CONFIGURATION", "FF_USE_DIRECT_DOWNLOAD", "FF_USE_DOCKER_AUTOSCALER_DIAL_STDIO",
    "FF_USE_DUMB_INIT_WITH_KUBERNETES_EXECUTOR", "FF_USE_DYNAMIC_TRACE_FORCE_SEND_INTERVAL",
    "FF_USE_EXPONENTIAL_BACKOFF_STAGE_RETRY", "FF_USE_FASTZIP", "FF_USE_FLEETING_ACQUIRE_HEARTBEATS",
    "FF_USE_GITALY_CORRELATION_ID", "FF_USE_GIT_BUNDLE_URIS", "FF_USE_GIT_NATIVE_CLONE", "FF_USE_GIT_PROACTIVE_AUTH",
    "FF_USE_INIT_WITH_DOCKER_EXECUTOR", "FF_USE_JOB_ROUTER", "FF_USE_LEGACY_BASH_EVAL",
    "FF_USE_LEGACY_GCS_CACHE_ADAPTER", "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY",
    "FF_USE_LEGACY_S3_CACHE_ADAPTER", "FF_USE_NATIVE_CONTAINER_STOP", "FF_USE_PARALLEL_ARTIFACT_TRANSFER",
    "FF_USE_PARALLEL_CACHE_TRANSFER", "FF_USE_POD_ACTIVE_DEADLINE_SECONDS", "FF_USE_POWERSHELL_PATH_RESOLVER",
    "FF_USE_WINDOWS_JOB_OBJECT", "FF_USE_WINDOWS_LEGACY_PROCESS_STRATEGY", "FF_WAIT_FOR_POD_TO_BE_REACHABLE",
))
# Cache adapters the runner registers (cache/*/adapter.go).
_CACHE_TYPES = ("s3", "gcs", "azure", "s3v2", "gcsv2")
# Go's strconv.ParseFloat in decimal (go-units gives it the number part as written, no space trimmed).
_GO_DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_DOCKER_MINIMUM_MEMORY = 6 * 1024 * 1024  # dockerd: "Minimum memory limit allowed is 6MB"
_LISTEN_ADDRESS = config_toml_meanings.LISTEN_ADDRESS


def listen_address_problem(key, value):
    """Why ``value`` cannot be a listen address of the runner (host[:port], [ipv6][:port], :port), or None."""
    if value == "":
        return None
    match = _LISTEN_ADDRESS.match(value)
    if not match or (match.group(2) is None and value.count(":") > 0 and not value.startswith("[")):
        # commands/multi.go: an address net.SplitHostPort refuses is logged ("invalid listen address") and the
        # metrics and debug server stays off; the runner runs on.
        outcome = ('gitlab-runner logs "invalid listen address" and serves no metrics' if key == "listen_address"
                   else "gitlab-runner cannot open it")
        return ('%s = %s is not host:port, [ipv6]:port or :port (e.g. ":9252"): %s'
                % (key, json.dumps(value), outcome))
    if match.group(2) is not None and not 1 <= int(match.group(2)) <= 65535:
        return '%s = %s has port %s: a port is 1 to 65535; gitlab-runner stops at start' % (
            key, json.dumps(value), match.group(2))
    return None


def _listen_address_rule(key):
    return lambda value: listen_address_problem(key, value)


def _url_rule(value):
    if value == "":
        return None  # reported as missing with the runner's required keys
    problem = gitlab_rules.url_problem(value)
    return "url %s: the runner cannot ask it for jobs" % problem if problem else None


def _feature_flags_rule(value):
    unknown = sorted(name for name in value if name not in FEATURE_FLAGS)
    if not unknown:
        return None
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name.upper(), sorted(FEATURE_FLAGS), n=1, cutoff=0.7)
        hints.append("%s%s" % (name, ' (did you mean "%s"?)' % close[0] if close else ""))
    return ("feature_flags has %s, which GitLab Runner does not know: it ignores unknown flags, so the setting has no "
            "effect; use the names of GitLab Runner's feature flags documentation" % ", ".join(hints))


def ram_in_bytes(size):
    """Bytes of ``size`` as docker/go-units v0.5.0 RAMInBytes reads it (the runner's memory settings), or None.

    A number (Go's decimal float syntax, no surrounding space), then optionally one space, then a unit of b, k, m,
    g, t or p (powers of 1024, any case), which may end in "b" or "ib": "512m", "2g", "1.5GiB", "512 MB". Kubernetes'
    "512Mi" is not a size here, nor " 512m" or "-1".
    """
    cut = max(size.rfind(c) for c in "0123456789. ")
    if cut < 0:
        return None
    number, suffix = (size[:cut], size[cut + 1:]) if size[cut] == " " else (size[:cut + 1], size[cut + 1:])
    if not _GO_DECIMAL.match(number) or number.startswith("-") and float(number) != 0:
        return None
    suffix = suffix.lower()
    if not suffix or suffix == "b":
        return int(float(number))
    if len(suffix) > 3 or suffix[0] not in "kmgtp" or suffix[1:] not in ("", "b", "ib"):
        return None
    return int(float(number) * 1024 ** ("bkmgtp".index(suffix[0])))


def _memory_rule(key, minimum=None):
    """Sizes as common/config.go getMemoryBytes reads them; "" and "0" (no limit) are config_toml_meanings'."""
    def rule(value):
        size = ram_in_bytes(value)
        if size is None:
            # getMemoryBytes calls logrus.Fatalf: the first job's preparation stops the whole runner process.
            hint = ""
            if value.strip().startswith("-"):
                hint = ', or leave it out for no limit (Docker\'s "-1" is not read here)'
            elif re.search(r"\d\s*[kmgtpKMGTP]i$", value):
                hint = ' (a unit in Kubernetes\' spelling, such as "Mi", is not read: write "512m" or "512MiB")'
            elif value != value.strip():
                hint = " without the spaces around it"
            return ('%s = %s is not a size: the runner stops (a fatal error) when it prepares a job; write a number '
                    'with a unit, e.g. "512m" or "2g"%s' % (key, json.dumps(value), hint))
        if minimum is not None and size < minimum:
            unit = "" if re.search(r"[kmgtpKMGTP]", value) else " (a number without a unit is bytes)"
            return ('%s = %s is %d bytes%s: Docker refuses a memory limit under 6 MB, so every job fails; write it '
                    'with a unit, e.g. "512m"' % (key, json.dumps(value), size, unit))
        return None

    return rule


def _output_limit_rule(value):
    if value >= 0:
        return None
    return ("output_limit = %d: the runner cuts every job log at its first byte (a negative limit leaves no room), "
            "so job logs are empty; write a size in KB, or leave it out for 4096" % value)


def _entry_problems(entries, problem, label):
    """``label[index] <problem>`` for each string of ``entries`` that ``problem(entry)`` finds fault with."""
    return ["%s[%d] %s" % (label, index, found) for index, found in
            ((index, problem(entry)) for index, entry in enumerate(entries) if isinstance(entry, str)) if found]


def _devices_rule(value):
    return "; ".join(_entry_problems(value, docker_executor.device_problem, "devices")) or None


def _services_devices_rule(value):
    problems = ["services_devices %s %s" % (json.dumps(image), found) for image, entries in value.items()
                if isinstance(entries, list)
                for found in (docker_executor.device_problem(entry) for entry in entries if isinstance(entry, str))
                if found]
    return "; ".join(problems) or None


def _extra_hosts_rule(value):
    problems = _entry_problems(value, docker_executor.extra_host_problem, "extra_hosts")
    if not problems:
        return None
    return ("%s: Docker refuses every job container (and service) with it; write NAME:ADDRESS, e.g. "
            "\"gitlab.internal:10.0.0.5\" or \"host.docker.internal:host-gateway\"" % "; ".join(problems))


def _ulimit_rule(value):
    problems = [problem for problem in (docker_executor.ulimit_problem(name, limits) for name, limits in value.items()
                                        if isinstance(limits, str)) if problem]
    return "ulimit " + "; ".join(problems) if problems else None


def _cpus_rule(key):
    return lambda value: docker_executor.cpus_problem(key, value)


def _log_options_rule(value):
    unknown = sorted(key for key in value if key not in docker_executor.LOG_OPTIONS)
    if not unknown:
        return None
    return ("log_options has %s: GitLab Runner takes only %s (the job containers log with json-file) and fails every "
            "job with another key (invalid log options); rotate logs in the host's daemon.json instead"
            % (", ".join(json.dumps(key) for key in unknown), " and ".join(docker_executor.LOG_OPTIONS)))


def _cgroup_parent_rule(key):
    def rule(value):
        problem = docker_executor.cgroup_parent_problem(value)
        if problem:
            return ("warning", "%s %s at container create, so every job fails to start, unless the host's daemon.json "
                               "sets exec-opts native.cgroupdriver=cgroupfs; name a slice, e.g. \"ci-jobs.slice\""
                    % (key, problem))
        return None

    return rule


_VALUE_RULES = {
    ("global", "concurrent"): _concurrent_rule,
    ("global", "log_level"): _one_of("log_level", _LOG_LEVELS, fold_case=True),
    ("global", "log_format"): _one_of("log_format", _LOG_FORMATS),
    ("runners", "executor"): _executor_rule,
    ("runners", "shell"): _shell_rule,
    ("runners.docker", "pull_policy"): _pull_policy_rule("pull_policy"),
    ("runners.docker", "allowed_pull_policies"): _pull_policy_rule("allowed_pull_policies"),
    ("runners.kubernetes", "pull_policy"): _pull_policy_rule("pull_policy", empty_is_default=True),
    ("runners.kubernetes", "allowed_pull_policies"): _pull_policy_rule("allowed_pull_policies", empty_is_default=True),
    ("global", "listen_address"): _listen_address_rule("listen_address"),
    ("session_server", "listen_address"): _listen_address_rule("listen_address"),
    ("session_server", "advertise_address"): _listen_address_rule("advertise_address"),
    ("runners", "feature_flags"): _feature_flags_rule,
    ("runners", "url"): _url_rule,
    ("runners.cache", "Type"): _one_of("Type", _CACHE_TYPES, hint="the runner then uses no cache at all"),
    ("runners.docker", "memory"): _memory_rule("memory", _DOCKER_MINIMUM_MEMORY),
    ("runners.docker", "service_memory"): _memory_rule("service_memory", _DOCKER_MINIMUM_MEMORY),
    ("runners.docker", "memory_reservation"): _memory_rule("memory_reservation"),
    ("runners.docker", "service_memory_reservation"): _memory_rule("service_memory_reservation"),
    ("runners.docker", "memory_swap"): _memory_rule("memory_swap"),
    ("runners.docker", "service_memory_swap"): _memory_rule("service_memory_swap"),
    ("runners", "output_limit"): _output_limit_rule,
    ("runners.docker", "extra_hosts"): _extra_hosts_rule,
    ("runners.docker", "ulimit"): _ulimit_rule,
    ("runners.docker", "devices"): _devices_rule,
    ("runners.docker", "services_devices"): _services_devices_rule,
    ("runners.docker", "cpus"): _cpus_rule("cpus"),
    ("runners.docker", "service_cpus"): _cpus_rule("service_cpus"),
    ("runners.docker", "log_options"): _log_options_rule,
    ("runners.docker", "cgroup_parent"): _cgroup_parent_rule("cgroup_parent"),
    ("runners.docker", "service_cgroup_parent"): _cgroup_parent_rule("service_cgroup_parent"),
}


def _table_rules(table, section, location, found):
    """Rules about a whole table: required keys and environment lists."""
    if section in SCHEMA:
        table = _with_schema_keys(table, section)
    if section == "runners":
        for key, why in (
            ("name", "GitLab and the runner's logs show it by token only, and this collection finds runners by name"),
            ("url", "the runner does not know which GitLab to ask for jobs"),
            ("executor", "the runner cannot run any job"),
        ):
            # The runner accepts a runner without a name: only this collection needs one, so that is a warning.
            severity = "warning" if key == "name" else "error"
            if key not in table:
                _report(found, location, severity, "value-invalid", '"%s" is missing: %s; set it' % (key, why), key=key)
            elif key != "executor" and table[key] == "":
                _report(found, location, severity, "value-invalid", '"%s" is empty: %s; set it' % (key, why), key=key)
        builds_dir = table.get("builds_dir")
        executor = table.get("executor")
        # An empty builds_dir is unset: the runner uses its default (executors/abstract.go).
        if isinstance(builds_dir, str) and builds_dir and executor in DOCKER_EXECUTORS and not builds_dir.startswith("/"):
            _report(
                found,
                location,
                "error",
                "value-invalid",
                'builds_dir = "%s" is not an absolute path: the %s executor uses it inside the job container and '
                'needs an absolute path such as "/builds"' % (builds_dir, executor),
                key="builds_dir",
            )
    if section == "runners.docker.services" and not (isinstance(table.get("name"), str) and table.get("name")):
        _report(
            found,
            location,
            "error",
            "value-invalid",
            'the service has no "name": the runner cannot start a service without an image; set name = "image:tag"',
            key="name",
        )
    if section == "runners.docker":
        _services_limit_rule(table, location, found)
    environment = table.get("environment")
    if SCHEMA.get(section, {}).get("environment") == "list[string]" and _matches(environment, "list[string]"):
        for index, entry in enumerate(environment):
            try:
                docker_modes.parse_environment([entry], what="environment")
            except ValueError as error:
                # Checked one by one to report every bad entry; put its real index back.
                text = str(error).replace("environment[0]", "environment[%d]" % index, 1)
                _report(found, location, "error", "value-invalid", text, key="environment[%d]" % index)


def _services_limit_rule(docker, location, found):
    """executors/docker/services.go getServicesDefinitions counts [[runners.docker.services]] against services_limit."""
    limit, services = docker.get("services_limit"), docker.get("services")
    if not (_is_int(limit) and _matches(services, "array-of-tables")) or limit < 0 or len(services) <= limit:
        return
    _report(found, location, "error", "value-invalid",
            "services_limit = %d, but [[runners.docker.services]] gives every job %d service%s: the runner counts "
            "them too and fails every job (\"too many services requested\"); raise services_limit to at least %d "
            "plus what jobs may add, or leave it out for no limit"
            % (limit, len(services), "" if len(services) == 1 else "s", len(services)), key="services_limit")


def _runners_findings(runners, modes, host_mtu=None, docker_engine=None, runner_types=None):
    """Findings across [[runners]] entries, and the Docker findings of each."""
    found = []
    seen = {}
    for index, entry in enumerate(runners):
        if not isinstance(entry, Mapping):
            continue
        entry = _with_schema_keys(entry, "runners")
        location = _Location().runner_entry(entry, index)
        name = entry.get("name")
        if isinstance(name, str) and name:
            if name in seen:
                # The runner runs both: a warning here; runner_plan refuses duplicates for the role's own runners.
                _report(
                    found,
                    location,
                    "warning",
                    "value-invalid",
                    'another [[runners]] entry (#%d) has the same name "%s": the runner runs both, but GitLab, its '
                    "logs and this collection cannot tell them apart (re-running gitlab-runner register appends such "
                    "duplicates); remove or rename one" % (seen[name] + 1, name),
                    key="name",
                )
            else:
                seen[name] = index
        found.extend(_docker_findings(entry, location, modes, host_mtu, docker_engine, runner_types))
    for name in modes:
        if name not in seen:
            found.append(
                _finding(
                    "warning",
                    "value-invalid",
                    'modes names runner "%s", but config.toml has no [[runners]] entry with that name (it has %s): '
                    "its Docker mode checks did not run; fix the name in modes"
                    % (name, ", ".join('"%s"' % known for known in seen) or "none"),
                    name,
                    "runners",
                )
            )
    return found


def _docker_findings(entry, location, modes, host_mtu=None, docker_engine=None, runner_types=None):
    executor = entry.get("executor")
    name = entry.get("name")
    mode = modes.get(name) if isinstance(name, str) else None
    runner_type = (runner_types or {}).get(name) if isinstance(name, str) else None
    docker = entry.get("docker", {})
    if executor not in DOCKER_EXECUTORS:
        if mode is not None:
            return [
                _finding(
                    "warning",
                    "value-invalid",
                    '%s: modes asks for "%s" checks, but executor %s does not run Docker job containers: '
                    "the Docker mode checks did not run; drop the runner from modes or use the docker executor"
                    % (location.prefix(), mode, json.dumps(executor)),
                    location.runner,
                    "runners",
                )
            ]
        return []
    if not isinstance(docker, Mapping):
        return []
    docker = _with_schema_keys(docker, "runners.docker")
    if "services" in docker and _matches(docker["services"], "array-of-tables"):
        docker["services"] = [_with_schema_keys(s, "runners.docker.services") for s in docker["services"]]
    if not _docker_inputs_valid(entry, docker):
        # Wrong types are reported by the schema walk already; guessing past them adds only noise.
        return []
    # Services without a name are reported by the schema walk; the runner cannot start them.
    service_indexes = [index for index, service in enumerate(docker.get("services", [])) if service.get("name")]
    services = [docker["services"][index] for index in service_indexes]
    # Entries the runner cannot read are reported by _table_rules and left out, as the runner leaves them out.
    variables = docker_modes.parse_environment(entry.get("environment"), skip_invalid=True)
    builds_dir = entry.get("builds_dir") or docker_executor.DEFAULT_BUILDS_DIR
    docker_settings = dict((key, value) for key, value in docker.items() if key != "services")
    inferred = certain = None
    if mode is None:
        mode, inferred, certain = docker_modes.infer_mode(docker_settings, services)
    checked_mode = mode if mode is not None else _NO_MODE
    try:
        results = docker_modes.findings(
            docker_settings, checked_mode, builds_dir=builds_dir, services=services, variables=variables,
            host_mtu=host_mtu, docker_engine=docker_engine, shared=_SHARED_TYPES.get(runner_type))
    except ValueError as error:
        results = [{"severity": "error", "code": "value-invalid", "message": str(error), "keys": []}]
    if mode is None:
        results = [r for r in results if r["code"] != "mode-invalid"]
    if inferred:
        for result in results:
            if result["code"] in _MODE_INDEPENDENT_CODES:
                continue
            result["message"] += " (%s mode inferred from %s)" % (mode, inferred)
            if not certain and result["severity"] == "error":
                # Only a guess: say it, do not fail a configuration that may not be dind at all.
                result["severity"] = "warning"
                result["message"] += "; if this runner is not meant for Docker-in-Docker, ignore this"
    docker_location = location.child("runners.docker")
    return [
        _finding(
            r["severity"], r["code"], "%s: %s" % (docker_location.prefix(), r["message"]), location.runner,
            "runners.docker", [location.key(key) for key in (_docker_key(key, entry, service_indexes)
                                                             for key in r["keys"]) if key]
        )
        for r in results
    ]


def _docker_key(key, entry, service_indexes):
    """Where a docker_modes finding's key (``image``, ``services[0].name``, ``variables.DOCKER_HOST``) is in the
    runner's table: ``docker.image``, the service's own index, the environment entry that sets the variable."""
    if key.startswith("variables."):
        name = key.partition(".")[2]
        environment = entry.get("environment") if isinstance(entry.get("environment"), list) else []
        # The runner reads the entries in order: the last one that sets the variable wins.
        indexes = [index for index, item in enumerate(environment)
                   if isinstance(item, str) and item.partition("=")[0] == name]
        return "environment[%d]" % indexes[-1] if indexes else "environment"
    match = re.match(r"^services\[(\d+)\](.*)\Z", key)
    if match:
        number = int(match.group(1))
        if number >= len(service_indexes):
            return None  # a job's own service: not in config.toml
        return "docker.services[%d]%s" % (service_indexes[number], match.group(2))
    if key == "builds_dir":
        return key
    return "docker." + key


def _runner_client_findings(runner_version, docker_engine):
    """gitlab-runner's own Docker client against the host's engine (docker_api_versions.runner_problem())."""
    if runner_version is not None and not isinstance(runner_version, str):
        raise ValueError("runner_version must be gitlab-runner's version as a string, got %s" % _kind(runner_version))
    result = docker_api_versions.runner_problem(runner_version, docker_api_versions.engine_input(docker_engine),
                                                engine_name="the host's",
                                                names={"runner_pin": "gitlab-runner",
                                                       "min_api": "/etc/docker/daemon.json",
                                                       "engine_pin": "the host's Docker Engine"})
    if result is None:
        return []
    severity, message = result
    return [_finding(severity, "docker-api-incompatible", message, None, "global")]


# GitLab's runner types that several projects share: a project runner serves one project.
_SHARED_TYPES = {"instance_type": True, "group_type": True, "project_type": False}


# Passed to docker_modes.findings() when no mode applies: it runs the mode-independent
# volume checks and reports "mode-invalid", which is dropped.
_NO_MODE = ""
# Findings that hold whatever the mode: they are never softened when the mode is only inferred.
_MODE_INDEPENDENT_CODES = ("volume-invalid", "volume-duplicate-target", "volume-options-dropped", "sensitive-host-path",
                           "value-invalid")


def _with_schema_keys(table, section):
    """Return ``table`` with keys respelled as the schema does (the runner matches them case-insensitively)."""
    allowed = SCHEMA[section]
    respelled = dict((key, value) for key, value in table.items() if key in allowed)
    for key, value in table.items():
        if key not in allowed:
            # An exact spelling wins over a case variant, as in BurntSushi/toml.
            key = next((known for known in allowed if known.lower() == key.lower()), key)
            respelled.setdefault(key, value)
    return respelled


def _docker_inputs_valid(entry, docker):
    """Tell whether the keys the Docker checks read have the types the schema asks for."""
    docker_types = SCHEMA["runners.docker"]
    for key in ("image", "privileged", "services_privileged", "volumes", "allowed_privileged_services"):
        if key in docker and not _matches(docker[key], docker_types[key]):
            return False
    if "services" in docker and not _matches(docker["services"], "array-of-tables"):
        return False
    for service in docker.get("services", []):
        for key in ("name", "alias"):
            if key in service and not _matches(service[key], "string"):
                return False
    if "environment" in entry and not _matches(entry["environment"], "list[string]"):
        return False
    builds_dir = entry.get("builds_dir")
    return builds_dir is None or (isinstance(builds_dir, str) and (builds_dir == "" or builds_dir.startswith("/")))
