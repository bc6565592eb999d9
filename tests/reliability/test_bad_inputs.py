"""Every bad input of bad_inputs.yml stops site.yml in validation, with a message naming the variable and the fix,
and the host is as before: config.toml bytes, packages, daemon.json, the config directory, the services and the
runners at GitLab (no request reaches it)."""

import copy
import os
import re

import pytest
import yaml

from reliability_hosts import state_difference

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROLES = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "roles")
_SITE = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "playbooks", "site.yml")

with open(os.path.join(_HERE, "bad_inputs.yml"), encoding="utf-8") as _handle:
    CASES = yaml.safe_load(_handle)

# The inventory's runner item (molecule/reliability/molecule.yml) that a case's `runner` is merged into.
RUNNER = {"name": "molecule-reliability", "tags": ["docker", "socket"], "run_untagged": True}


def _validation_tasks():
    """Names of the tasks that only validate: both roles' preflight, site.yml's pre_tasks, argument specs."""
    names = set()
    for path in (os.path.join(_ROLES, "runner", "tasks", "preflight.yml"),
                 os.path.join(_ROLES, "docker", "tasks", "preflight.yml"), _SITE):
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        tasks = document[0].get("pre_tasks", []) if path == _SITE else document
        names.update(task["name"] for task in tasks)
    return names


VALIDATION_TASKS = _validation_tasks()


def _extra_vars(case):
    extra_vars = copy.deepcopy(case.get("vars") or {})
    if "runner" in case:
        extra_vars["runner_entries"] = [dict(RUNNER, **case["runner"])]
    return extra_vars


def _stopped_in_validation(run):
    # The json callback names a role's task "<role> : <name>".
    names = [task.rpartition(" : ")[2] for task, _host, _message in run.failures]
    return bool(names) and all(name in VALIDATION_TASKS or name.startswith("Validating arguments against arg")
                               for name in names)


def test_catalogue_is_large_and_well_formed():
    assert len(CASES) >= 25
    assert len({case["id"] for case in CASES}) == len(CASES)
    for case in CASES:
        assert {"id", "variable", "expect"} <= set(case) and ({"vars", "runner"} & set(case)), case
        re.compile(case["expect"])


@pytest.fixture(scope="module")
def baseline(hosts):
    """The host state every case must leave; replaced after a case that changed it was repaired."""
    return {"state": hosts.state()}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input_stops_the_play_and_changes_nothing(case, hosts, baseline, report):
    run = hosts.playbook(_extra_vars(case), label=case["id"])
    before, after = baseline["state"], hosts.state()
    matched = re.search(case["expect"], run.failure_text)
    unchanged = after == before
    in_validation = _stopped_in_validation(run)
    report.append("%-36s %-44s rc=%-3s %4.0fs %-10s %-13s %s" % (
        case["id"], case["variable"], run.rc, run.seconds, "unchanged" if unchanged else "CHANGED",
        "validation" if in_validation else "NOT-IN-PREFLIGHT",
        ("matched: " + matched.group(0)[:150]) if matched else "NO MATCH: " + run.failure_text[:300]))
    if not unchanged:
        # Put the host back, so that one broken case does not fail all the later ones.
        hosts.converge(label="restore-after-" + case["id"])
        baseline["state"] = hosts.state()
    assert run.rc != 0, "site.yml accepted the bad input:\n" + run.describe()
    assert matched, "the failure does not match %r:\n%s" % (case["expect"], run.failure_text)
    assert in_validation, "the play did not stop in validation: %s" % run.failures
    assert run.changed == 0, "tasks reported changes before the failure:\n" + run.describe()
    assert unchanged, "the host changed:\n" + state_difference(before, after)
