"""Mutation testing of the rule files: which changes to a rule the unit tests notice (``make mutation``).

For each file of ``plugins/module_utils/`` that holds rules (``TARGETS``), mutmut's mutation operators list every
mutant of the file (a ``<`` made ``<=``, a ``continue`` made ``break``, a string or a table entry changed, ...); a
sample of up to ``--sample`` of them, chosen by a hash of each mutant's text and ``--seed`` (so the same code gives
the same sample, and an edit elsewhere in the file changes it little), is applied one at a time to a copy of this
checkout, and the file's unit tests run against it. A mutant is killed when a test fails (or the run times out).

Prints ``mutation: <file> <killed>/<total> (non-equivalent) <percent>`` per file and a total; the mutants that
survived, each with its line, go to ``.build/mutation/<file>.survivors.txt`` (and to the terminal with
``--show-survivors``). A mutant that no test can observe is listed, with the reason, in ``equivalent.py`` beside this
file; the score is killed / (total - equivalent). Figures, not pass/fail: exits 0 unless it cannot run.

Runs with mutmut 2 importable (the make target's own virtualenv) and the tests in the project's virtualenv
(``--python``). The copy, not this checkout, is mutated: files edited meanwhile are never overwritten.
"""

import argparse
import ast
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

# pylint: disable=wrong-import-position
from equivalent import EQUIVALENT  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(_HERE))
_UNIT = "tests/unit/plugins/"

# The files that hold rules, each with the few unit tests that exercise it (a run of them takes about a second).
# Not here: the bundled _tomli.py, the generated config_toml_schema.py, I/O plumbing (host_lock), and type_names,
# one lookup of a value's plain type name for messages (mutmut finds a single mutant in it).
TARGETS = {
    "docker_volume": ["module_utils/test_docker_volume.py"],
    "gitlab_rules": ["module_utils/test_gitlab_rules.py"],
    "secrets": ["module_utils/test_secrets.py", "filter/test_mask_config_toml.py"],
    "runner_plan": ["module_utils/test_runner_plan.py"],
    "registration": ["module_utils/test_registration.py"],
    "http_proxy": ["module_utils/test_http_proxy.py"],
    "docker_auth": ["module_utils/test_docker_auth.py"],
    "docker_daemon_config": ["module_utils/test_docker_daemon_config.py"],
    "registry_certificates": ["module_utils/test_registry_certificates.py"],
    "signing_keys": ["module_utils/test_signing_keys.py"],
    "runner_attributes": ["module_utils/test_runner_attributes.py"],
    "drain": ["module_utils/test_drain.py"],
    "pending_credentials": ["module_utils/test_pending_credentials.py", "module_utils/test_registration.py"],
    "runner_inputs": ["module_utils/test_role_rules.py"],
    "docker_inputs": ["module_utils/test_role_rules.py"],
    "role_inputs": ["module_utils/test_role_inputs.py"],
    "config_toml_findings": ["module_utils/test_config_toml_findings.py"],
    "docker_modes": ["module_utils/test_docker_modes.py"],
    "docker_executor": ["module_utils/test_docker_executor.py"],
    "docker_api_versions": ["module_utils/test_docker_api_versions.py"],
    "config_toml_meanings": ["module_utils/test_config_toml_meanings.py"],
    "docker_cleanup": ["module_utils/test_docker_cleanup.py"],
    "proxy_environment": ["module_utils/test_http_proxy.py"],
    "docker_job": ["module_utils/test_docker_job.py", "modules/test_ci_job.py"],
    "config_toml_reader": ["module_utils/test_config_toml_reader.py"],
    "atomic_file": ["module_utils/test_atomic_file.py"],
    "gitlab_runner_api": ["module_utils/test_gitlab_runner_api.py"],
    "runner_config_file": ["module_utils/test_runner_config_file.py"],
    "gitlab_connection": ["module_utils/test_gitlab_connection.py"],
    "toml_writer": ["module_utils/test_toml_writer.py"],
}

_COPY_IGNORED = shutil.ignore_patterns(".git", ".venv", ".build", ".cache", ".ansible", "tests/output", "__pycache__",
                                       "*.pyc", ".pytest_cache", "*.tar.gz")


def _copy_checkout(root, collections):
    """A copy of the checkout as ``<collections>/ansible_collections/runnerops/gitlab_runner``: the tests import it."""
    target = os.path.join(collections, "ansible_collections", "runnerops", "gitlab_runner")
    shutil.rmtree(collections, ignore_errors=True)
    try:
        listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                check=True, capture_output=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = None
    if listed is None:
        shutil.copytree(root, target, symlinks=True, ignore=_COPY_IGNORED)
        return target
    for relative in filter(None, listed):
        source = os.path.join(root, relative)
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet in the index
        destination = os.path.join(target, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    return target


def _message_lines(source):
    """The lines of message text: a ``%``-formatted literal, an f-string or the literal an exception is raised with,
    when it has a space in it, and any literal of four words or more (prose, not a value)."""
    texts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            texts.append((node.left, node.left.value))
        elif isinstance(node, ast.JoinedStr):
            texts.append((node, "".join(part.value for part in node.values if isinstance(part, ast.Constant))))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            texts.extend((argument, argument.value) for argument in node.exc.args if isinstance(argument, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count(" ") >= 3:
            texts.append((node, node.value))  # a phrase of four words or more: prose wherever it stands
    lines = set()
    for node, text in texts:
        if isinstance(text, str) and " " in text:
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def _wording_only(line, before, after, message_lines):
    """Whether a mutant only wraps a piece of a message's prose in mutmut's XX (see WORDING in equivalent.py)."""
    return line in message_lines and "\n" not in before and after.count("XX") == 2 and after.replace("XX", "") == before


def _mutants(path, source, seed, sample):
    """mutmut's mutants of one file, wording-only ones aside: a sample of ``(mutation id, mutated source, line
    number, original lines, mutated lines, the line before)``, the number of mutants listed and of wording-only ones."""
    # mutmut is in the make target's own virtualenv only, not in the one the tests and the sanity checks use.
    import mutmut  # pylint: disable=import-outside-toplevel,import-error

    message_lines = _message_lines(source)
    found = []
    wording = 0
    original_lines = source.splitlines()
    for mutation_id in mutmut.list_mutations(mutmut.Context(source=source, filename=path)):
        mutated, _count = mutmut.mutate(mutmut.Context(source=source, mutation_id=mutation_id, filename=path))
        mutated_lines = mutated.splitlines()
        matcher = difflib.SequenceMatcher(a=original_lines, b=mutated_lines, autojunk=False)
        changed = [code for code in matcher.get_opcodes() if code[0] != "equal"]
        first, last = changed[0][1], changed[-1][2]
        new_first, new_last = changed[0][3], changed[-1][4]
        before = "\n".join(line.strip() for line in original_lines[first:max(last, first + 1)])
        after = "\n".join(line.strip() for line in mutated_lines[new_first:new_last])
        if _wording_only(first + 1, before, after, message_lines):
            wording += 1
            continue
        previous = original_lines[first - 1].strip() if first else ""
        found.append((mutation_id, mutated, first + 1, before, after, previous))
    found.sort(key=lambda mutant: hashlib.sha256(
        ("%s\0%s\0%s\0%s\0%d" % (seed, os.path.basename(path), mutant[3], mutant[4], mutant[0].index)).encode()
    ).hexdigest())
    chosen = found[:sample]
    chosen.sort(key=lambda mutant: (mutant[2], mutant[0].index))
    return chosen, len(found) + wording, wording


def _equivalent_reason(name, before, after, previous):
    for entry in EQUIVALENT:
        if entry["file"] == name and entry["line"].strip() == before and entry["mutant"].strip() == after and (
                entry.get("previous") is None or entry["previous"].strip() == previous):
            return entry["reason"]
    return None


def _run_tests(python, copy, tests, timeout):
    environment = dict(os.environ, RUNNEROPS_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(copy))),
                       PYTHONDONTWRITEBYTECODE="1", PY_COLORS="0")
    command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts="] + tests
    try:
        completed = subprocess.run(command, cwd=copy, env=environment, capture_output=True, timeout=timeout,
                                   check=False)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    return ("passed" if completed.returncode == 0 else "killed"), completed.stdout.decode(errors="replace")


def _mutate_file(name, copy, python, seed, sample, show_survivors, out_dir):
    relative = os.path.join("plugins", "module_utils", name + ".py")
    path = os.path.join(copy, relative)
    tests = [_UNIT + test for test in TARGETS[name]]
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    started = time.time()
    status, output = _run_tests(python, copy, tests, timeout=600)
    if status != "passed":
        print("mutation: %s not measured: its tests fail without a mutant (%s)" % (name, " ".join(tests)))
        print("\n".join(output.splitlines()[-15:]))
        return None
    timeout = max(20.0, 10 * (time.time() - started))
    mutants, listed, wording = _mutants(path, source, seed, sample)
    killed = equivalent = 0
    survivors = []
    used_equivalents = set()
    try:
        for _mutation_id, mutated, line, before, after, previous in mutants:
            reason = _equivalent_reason(name, before, after, previous)
            if reason is not None:
                equivalent += 1
                used_equivalents.add((before, after))
                continue
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(mutated)
            status, _output = _run_tests(python, copy, tests, timeout)
            if status == "passed":
                shown = (before.replace("\n", "\n       "), after.replace("\n", "\n       "))
                survivors.append("%s:%d: %s\n    -> %s" % ((relative, line) + shown))
            else:
                killed += 1
    finally:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
    total = len(mutants) - equivalent
    with open(os.path.join(out_dir, name + ".survivors.txt"), "w", encoding="utf-8") as handle:
        handle.write("".join(survivor + "\n" for survivor in survivors))
    print("mutation: %s %d/%d (non-equivalent) %.0f%%   [%d mutants, %d wording-only aside, %d sampled, %d equivalent,"
          " %.0f s]" % (name, killed, total, 100.0 * killed / total if total else 100.0, listed, wording, len(mutants),
                        equivalent, time.time() - started), flush=True)
    if show_survivors:
        for survivor in survivors:
            print("  survived: " + survivor)
    return killed, total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="*", metavar="FILE", help="module_utils names (default: every file of TARGETS)")
    parser.add_argument("--python", default=sys.executable, help="the Python whose pytest runs the unit tests")
    parser.add_argument("--work", default=os.path.join(ROOT, ".build", "mutation"))
    parser.add_argument("--seed", default="1")
    parser.add_argument("--sample", type=int, default=150, help="mutants per file at most")
    parser.add_argument("--show-survivors", action="store_true")
    arguments = parser.parse_args(argv)
    unknown = [name for name in arguments.files if name not in TARGETS]
    if unknown:
        parser.error("not a rule file: %s (one of: %s)" % (", ".join(unknown), ", ".join(TARGETS)))
    python = os.path.abspath(arguments.python) if os.sep in arguments.python else arguments.python
    work = os.path.abspath(arguments.work)
    copy = _copy_checkout(ROOT, os.path.join(work, "collections"))
    killed_all = total_all = 0
    for name in arguments.files or list(TARGETS):
        result = _mutate_file(name, copy, python, arguments.seed, arguments.sample,
                              arguments.show_survivors, work)
        if result:
            killed_all += result[0]
            total_all += result[1]
    print("mutation: total %d/%d (non-equivalent) %.0f%%" % (
        killed_all, total_all, 100.0 * killed_all / total_all if total_all else 100.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
