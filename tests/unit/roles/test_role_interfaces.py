# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's public variables: the same set in defaults, argument_specs and README, prefixed, typed."""

import os

import pytest
import yaml

_ROLES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")
ROLES = {"docker": "docker_", "runner": "runner_", "smoke_test": "smoke_test_"}


def _load(role, *parts):
    with open(os.path.join(_ROLES_DIR, role, *parts)) as handle:
        return yaml.safe_load(handle)


def _interface(role):
    defaults = _load(role, "defaults", "main.yml")
    specs = _load(role, "meta", "argument_specs.yml")["argument_specs"]
    with open(os.path.join(_ROLES_DIR, role, "README.md")) as handle:
        readme = handle.read()
    return defaults, specs, readme


VARIABLES = [(role, name) for role in ROLES for name in sorted(_interface(role)[0])]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_defaults_and_argument_specs_have_the_same_keys(role):
    defaults, specs, _readme = _interface(role)
    assert set(defaults) == set(specs["main"]["options"])


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_entry_point_checks_the_options_of_main(role):
    """Entry points declare main's options (and options of their own, prefixed and documented in the README), or
    (preflight) none and start with validate_inputs, which checks main's options itself and reports every problem
    at once."""
    _defaults, specs, readme = _interface(role)
    main = specs["main"]["options"]
    for name, spec in specs.items():
        own = dict((option, value) for option, value in spec["options"].items() if option not in main)
        if spec["options"] and all(spec["options"][option] == main[option] for option in main):
            for option, value in own.items():
                assert option.startswith(ROLES[role]) and value.get("description") and value.get("type"), option
                assert "%s" % option in readme, "entry point %s: %s not in roles/%s/README.md" % (name, option, role)
            continue
        assert spec["options"] == {}, "entry point %s of role %s" % (name, role)
        with open(os.path.join(_ROLES_DIR, role, "tasks", name + ".yml"), encoding="utf-8") as handle:
            first = yaml.safe_load(handle)[0]
        if "ansible.builtin.include_tasks" in first:
            # tasks/validate.yml, skipped only where validate.yml (the playbook) has just validated these inputs.
            assert first["ansible.builtin.include_tasks"] == "validate.yml", first
            assert first["when"] == "not (__%s_inputs_validated | default(false))" % role, first
            with open(os.path.join(_ROLES_DIR, role, "tasks", "validate.yml"), encoding="utf-8") as handle:
                first = yaml.safe_load(handle)[0]
        assert first.get("runnerops.gitlab_runner.validate_inputs") == {"role": role}, first


@pytest.mark.parametrize("role, name", VARIABLES)
def test_variable_is_prefixed_documented_typed_and_in_the_readme(role, name):
    defaults, specs, readme = _interface(role)
    spec = specs["main"]["options"][name]
    assert name.startswith(ROLES[role])
    assert spec.get("description"), "no description"
    assert spec.get("type") in ("str", "bool", "int", "dict", "list"), "no type"
    assert "%s:" % name in readme, "not in roles/%s/README.md" % role
    templated = isinstance(defaults[name], str) and "{{" in defaults[name]
    if templated:
        assert "default" not in spec, "a templated default is described, not repeated in the spec"
    else:
        assert spec.get("default") == defaults[name]
        if "choices" in spec and spec["type"] != "list":
            assert defaults[name] in spec["choices"]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_argument_spec_texts_hold_no_template(role):
    """Ansible templates the argument spec when the role starts: a {{ in a description stops every run."""
    with open(os.path.join(_ROLES_DIR, role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        text = handle.read()
    assert [line.strip() for line in text.splitlines() if "{{" in line or "{%" in line] == []
