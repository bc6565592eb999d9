"""The whole input catalogue (tests/reliability/bad_inputs.yml) through the real validate playbook, on the controller.

One ansible-playbook run of validate_inputs.yml (the controller side of runnerops.gitlab_runner.validate: the roles'
argument specs and validate_inputs), each case an inventory host:
every bad input fails validation with its message naming the variable, every accepted one passes, and no secret is
printed. The same catalogue runs against the molecule runner host in tests/reliability/test_bad_inputs.py, which
also shows that nothing changed on the host; this run takes seconds and needs no Docker.
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets as secret_rules
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "reliability"))
import catalogue  # noqa: E402  pylint: disable=wrong-import-position

# The collection these tests import, so that the playbook runs the same code.
COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(secret_rules.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
_PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate_inputs.yml")


def _base_vars():
    """The reliability scenario's group variables, with what its environment gives, on a local connection."""
    group_vars = catalogue.scenario_group_vars("reliability")
    base = dict(group_vars["all"], **group_vars["gitlab_runners"])
    base.update(
        ansible_connection="local",
        ansible_python_interpreter=sys.executable,
        ansible_become=False,
        runner_install_method="file",
        runner_binary_src=os.path.join(catalogue.ROOT, "tests", "doubles", "gitlab-runner",
                                       "gitlab-runner-test-double"),
        # Nothing of this machine's own gitlab-runner (if any) is read.
        runner_config_dir="/nonexistent/runnerops-catalogue",
    )
    return base


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory):
    if not os.path.exists(ANSIBLE_PLAYBOOK):
        pytest.skip("ansible-playbook is not beside this Python")
    cases = [case for case in catalogue.BAD + catalogue.ACCEPTED if not case.get("host_only")]
    defaults = {}
    for role in ("docker", "runner"):
        with open(os.path.join(catalogue.ROOT, "roles", role, "defaults", "main.yml"), encoding="utf-8") as handle:
            defaults.update(yaml.safe_load(handle))
    path = catalogue.write_inventory(str(tmp_path_factory.mktemp("catalogue") / "inventory.json"), cases, _base_vars(),
                                     defaults)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_HOST_KEY_CHECKING="false",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", path, _PLAYBOOK, "--forks", "8"],
                          capture_output=True, text=True, env=env, check=False, timeout=600)
    document = json.loads(done.stdout)
    failures = {}
    warnings = {}
    for play in document["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                warnings.setdefault(host, []).extend(result.get("warnings") or [])
                if result.get("failed") or result.get("unreachable"):
                    items = [item.get("msg", "") for item in result.get("results", []) if item.get("failed")]
                    failures.setdefault(host, []).append(
                        "%s: %s" % (task["task"]["name"], " | ".join(str(m) for m in items or [result.get("msg")])))
    return {"failures": failures, "warnings": warnings, "stats": document["stats"], "output": done.stdout + done.stderr}


def test_catalogue_is_large_and_well_formed():
    assert len(catalogue.BAD) >= 150 and len(catalogue.ACCEPTED) >= 20
    ids = [case["id"] for case in catalogue.BAD + catalogue.ACCEPTED]
    assert len(set(ids)) == len(ids)
    for case in catalogue.BAD:
        assert {"id", "variable", "expect"} <= set(case) and ({"vars", "runner"} & set(case)), case
        re.compile(case["expect"])
    for case in catalogue.ACCEPTED:
        assert {"id", "variable"} <= set(case) and ({"vars", "runner"} & set(case)), case
        re.compile(case.get("warns", ""))


@pytest.mark.parametrize("case", [c for c in catalogue.BAD if not c.get("host_only")], ids=lambda case: case["id"])
def test_bad_input_fails_validation(case, catalogue_run):
    host = catalogue.host_name(case)
    text = re.sub(r"\s+", " ", " || ".join(catalogue_run["failures"].get(host, [])))
    assert text, "validation accepted the bad input %s" % case["id"]
    assert re.search(case["expect"], text), "the failure does not match %r:\n%s" % (case["expect"], text)
    assert re.search(catalogue.variable_pattern(case["variable"]), text), (
        "the failure does not name %s:\n%s" % (case["variable"], text))
    assert catalogue_run["stats"][host]["changed"] == 0


@pytest.mark.parametrize("case", [c for c in catalogue.ACCEPTED if not c.get("host_only")], ids=lambda c: c["id"])
def test_accepted_input_passes_validation(case, catalogue_run):
    host = catalogue.host_name(case)
    assert host not in catalogue_run["failures"], catalogue_run["failures"].get(host)


@pytest.mark.parametrize("case", [c for c in catalogue.ACCEPTED if "warns" in c and not c.get("host_only")],
                         ids=lambda c: c["id"])
def test_accepted_input_warns_where_it_surprises(case, catalogue_run):
    text = re.sub(r"\s+", " ", " || ".join(catalogue_run["warnings"].get(catalogue.host_name(case), [])))
    assert re.search(case["warns"], text), "no warning matches %r:\n%s" % (case["warns"], text)
    assert re.search(catalogue.variable_pattern(case["variable"]), text), (
        "the warning does not name %s:\n%s" % (case["variable"], text))


def test_no_secret_in_the_output(catalogue_run):
    secrets = {"glpat-molecule-test-double"}
    for case in catalogue.BAD + catalogue.ACCEPTED:
        secrets.update(case.get("secrets", []))
    leaked = [secret for secret in secrets if secret in catalogue_run["output"]]
    assert not leaked and not find_tokens(catalogue_run["output"]), (leaked, find_tokens(catalogue_run["output"]))
