"""Every bad input of bad_inputs.yml stops site.yml in validation, with a message naming the variable and the fix,
and the host is as before: config.toml bytes, packages, daemon.json, the config directory, the services and the
runners at GitLab (no request reaches it). Every accepted input passes the validate playbook. No secret is printed.

All bad cases run in one site.yml run (each an alias of the runner host, see catalogue.py); a case that slipped
through validation shows as a host that did not fail, and the host state taken before and after shows any change.
"""

import glob
import os
import re

import pytest
import yaml

import catalogue
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens
from reliability_hosts import VALIDATE, state_difference

_ROLES = os.path.join(catalogue.ROOT, "roles")
_VALIDATE = os.path.join(catalogue.ROOT, "playbooks", "validate.yml")


def _validation_tasks():
    """Names of the tasks that only validate or read: validate.yml's and both roles' preflight*.yml tasks."""
    names = set()
    for path in [path for role in ("runner", "docker")
                 for path in glob.glob(os.path.join(_ROLES, role, "tasks", "preflight*.yml"))]:
        with open(path, encoding="utf-8") as handle:
            names.update(task["name"] for task in yaml.safe_load(handle))
    with open(_VALIDATE, encoding="utf-8") as handle:
        names.update(task["name"] for task in yaml.safe_load(handle)[0]["tasks"])
    return names


VALIDATION_TASKS = _validation_tasks()


@pytest.fixture(scope="module")
def bad_run(hosts, report):
    """One site.yml run with every bad case; the host state before and after it."""
    before = hosts.state()
    run = hosts.batch(catalogue.BAD, label="bad-inputs")
    after = hosts.state()
    report.append("bad inputs: %d cases in one run, rc=%s, %.0f s" % (len(catalogue.BAD), run.rc, run.seconds))
    yield {"run": run, "before": before, "after": after}
    if after != before:
        hosts.converge(label="restore-after-bad-inputs")


@pytest.fixture(scope="module")
def accepted_run(hosts, report):
    run = hosts.batch(catalogue.ACCEPTED, playbook=VALIDATE, label="accepted-inputs")
    report.append("accepted inputs: %d cases in one validate run, rc=%s, %.0f s"
                  % (len(catalogue.ACCEPTED), run.rc, run.seconds))
    return run


def test_the_host_and_gitlab_are_unchanged(bad_run):
    assert bad_run["run"].changed == 0, "tasks reported changes:\n" + bad_run["run"].describe()
    assert bad_run["after"] == bad_run["before"], "the host changed:\n" + state_difference(
        bad_run["before"], bad_run["after"])


@pytest.mark.parametrize("case", catalogue.BAD, ids=[case["id"] for case in catalogue.BAD])
def test_bad_input_stops_the_play_in_validation(case, bad_run, report):
    run = bad_run["run"]
    host = catalogue.host_name(case)
    failures = run.failures_of(host)
    text = re.sub(r"\s+", " ", " || ".join("%s: %s" % failure for failure in failures))
    tasks = [task.rpartition(" : ")[2] for task, _message in failures]
    matched = re.search(case["expect"], text)
    in_validation = bool(tasks) and all(task in VALIDATION_TASKS for task in tasks)
    report.append("%-44s %-44s %-10s %s" % (case["id"], case["variable"], "validation" if in_validation else
                                            "NOT-IN-PREFLIGHT", ("matched: " + matched.group(0)[:120]) if matched
                                            else "NO MATCH: " + text[:300]))
    assert failures, "site.yml accepted the bad input %s" % case["id"]
    assert matched, "the failure does not match %r:\n%s" % (case["expect"], text)
    assert re.search(catalogue.variable_pattern(case["variable"]), text), "the failure does not name %s:\n%s" % (
        case["variable"], text)
    assert in_validation, "the play did not stop in validation: %s" % failures
    assert run.stats.get(host, {}).get("changed", 0) == 0, run.stats.get(host)


@pytest.mark.parametrize("case", catalogue.ACCEPTED, ids=[case["id"] for case in catalogue.ACCEPTED])
def test_accepted_input_passes_validation(case, accepted_run):
    failures = accepted_run.failures_of(catalogue.host_name(case))
    assert not failures, failures


def test_no_secret_in_the_output(bad_run, accepted_run, hosts):
    secrets = set(hosts.seen_tokens)
    for case in catalogue.BAD + catalogue.ACCEPTED:
        secrets.update(case.get("secrets", []))
    for run in (bad_run["run"], accepted_run):
        leaked = [secret[:6] for secret in secrets if secret and secret in run.output]
        assert not leaked and not find_tokens(run.output), (leaked, [t[:6] for t in find_tokens(run.output)])
