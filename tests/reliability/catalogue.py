"""The catalogue of inputs (bad_inputs.yml) and how one run of a playbook checks all of it.

Each case becomes its own inventory host, an alias of the same runner host with the case's variables as host
variables, so that one ``ansible-playbook`` run validates every case at once (each host fails or passes on its
own). Used by tests/reliability/test_bad_inputs.py on the molecule runner host and by
tests/unit/playbooks/test_input_catalogue.py on the controller (validation only).
"""

import copy
import json
import os
import re

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

with open(os.path.join(HERE, "bad_inputs.yml"), encoding="utf-8") as _handle:
    _DOCUMENT = yaml.safe_load(_handle)

BAD = _DOCUMENT["bad"]
ACCEPTED = _DOCUMENT["accepted"]

# The inventory's runner item (molecule/reliability/molecule.yml) that a case's `runner` is merged into.
RUNNER = {"name": "molecule-reliability", "tags": ["docker", "socket"], "run_untagged": True}


def scenario_group_vars(scenario):
    """A molecule scenario's inventory group_vars, over the base all scenarios share (.config/molecule/config.yml)."""
    merged = {}
    for path in (os.path.join(ROOT, ".config", "molecule", "config.yml"),
                 os.path.join(ROOT, "molecule", scenario, "molecule.yml")):
        with open(path, encoding="utf-8") as handle:
            # molecule's interpolation of ${NAME:-default}, as molecule reads the file
            text = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m.group(1)) or m.group(2), handle.read())
        group_vars = yaml.safe_load(text).get("provisioner", {}).get("inventory", {}).get("group_vars", {})
        for group, variables in group_vars.items():
            merged.setdefault(group, {}).update(variables)
    return merged


def case_vars(case):
    """The variables a case sets: its `vars`, and its `runner` merged into the inventory's runner item."""
    variables = copy.deepcopy(case.get("vars") or {})
    if "runner" in case:
        variables["runner_entries"] = [dict(RUNNER, **case["runner"])]
    return variables


def host_name(case):
    return "case-" + re.sub(r"[^A-Za-z0-9-]", "-", case["id"])


def inventory(cases, base, group_vars=None):
    """An inventory of one host per case: ``base`` variables (connection, group vars), then the case's own.

    ``group_vars`` go to the group, below every host's variables (the controller-only run puts the roles'
    defaults there, as it runs no role).
    """
    hosts = {}
    for case in cases:
        variables = copy.deepcopy(base)
        variables.update(case_vars(case))
        hosts[host_name(case)] = variables
    group = {"hosts": hosts}
    if group_vars:
        group["vars"] = group_vars
    return {"gitlab_runners": group}


def write_inventory(path, cases, base, group_vars=None):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory(cases, base, group_vars), handle, indent=1, sort_keys=True)
    return path


def variable_pattern(variable):
    """A regular expression for the variable path a message must name: `runner_entries[].tags` matches
    `runner_entries[0].tags` (the validation's paths) and Ansible's argument spec's 'tags ... found in runner_entries'."""
    alternatives = []
    for one in variable.split(", "):
        parts = [re.escape(part) for part in re.split(r"\[\]\.?|\.", one) if part]
        exact = r"\[\d+\]\.?".join(re.escape(part) for part in one.split("[]."))
        exact = exact.replace(r"\[\]", r"\[\d+\]")
        alternatives.append(exact)
        if len(parts) > 1:
            # Ansible's argument spec: "<leaf> ... found in <parent>", "<parent>.<leaf>. Supported parameters"
            alternatives.append(r"%s.*found in %s" % (parts[-1], parts[0]))
            alternatives.append(r"%s\.%s" % (parts[0], parts[-1]))
        elif one.endswith("[]"):
            alternatives.append(r"%s.*(NoneType|null)" % parts[0])
    return "|".join(alternatives)
