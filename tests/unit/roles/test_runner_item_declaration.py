"""The runner item is declared once, in the runner role's argument spec; everything else that names its options agrees.

runner_plan's ENTRY_KEYS, the runner_plan filter's documented suboptions, the choices the Python rules use and the
runner_registration options that carry an item's GitLab attributes are checked against meta/argument_specs.yml.
"""

from __future__ import annotations

import os

import yaml

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_modes, gitlab_rules, runner_plan
from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_registration

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _load(*parts):
    with open(os.path.join(_ROOT, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ITEM = _load("roles", "runner", "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]["runner_entries"][
    "options"]
# A runner item option -> the runner_registration option it becomes (configure.yml passes them through).
TO_MODULE = {"token": "runner_token", "tags": "tag_list"}
REGISTERED = ("token", "runner_type", "group_id", "project_id", "description", "tags") + tuple(
    attribute for attribute in gitlab_rules.RUNNER_ATTRIBUTES if attribute != "tag_list")


def test_plan_knows_exactly_the_declared_options():
    assert runner_plan.ENTRY_KEYS == frozenset(ITEM)


def test_filter_documents_exactly_the_declared_options():
    documented = _load("plugins", "filter", "runner_plan.yml")["DOCUMENTATION"]["options"]["_input"]["suboptions"]
    assert set(documented) == set(ITEM)
    for name, option in ITEM.items():
        assert documented[name].get("type", "str") == option.get("type", "str"), name
        assert documented[name].get("choices") == option.get("choices"), name
        assert documented[name].get("elements") == option.get("elements"), name


def test_choices_agree_with_the_rules():
    assert tuple(ITEM["mode"]["choices"]) == docker_modes.MODES
    assert tuple(ITEM["state"]["choices"]) == runner_plan.STATES
    assert tuple(ITEM["runner_type"]["choices"]) == gitlab_rules.RUNNER_TYPES
    assert tuple(ITEM["access_level"]["choices"]) == gitlab_rules.ACCESS_LEVELS


def test_registration_module_takes_every_registered_option_with_the_same_type():
    module_options = runner_registration._argument_spec()  # pylint: disable=protected-access
    for name in REGISTERED:
        module_name = TO_MODULE.get(name, name)
        assert module_name in module_options, name
        assert module_options[module_name].get("type") == ITEM[name].get("type", "str"), name
        assert module_options[module_name].get("choices") == ITEM[name].get("choices"), name
        assert bool(module_options[module_name].get("no_log")) == bool(ITEM[name].get("no_log")), name
