# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options every GitLab module shares: one spec, one doc fragment, one check, one meaning."""

from __future__ import annotations

import ast
import os
import urllib.request

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.runnerops.gitlab_runner.plugins.doc_fragments.gitlab_connection import ModuleDocFragment
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import gitlab_connection
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabRunnerAPI
from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_drain, runner_registration

MODULES = {"runner_drain": runner_drain, "runner_registration": runner_registration}
# The only aliases of connection options, each where the old name meant the same thing.
ALIASES = {"runner_registration": {"api_timeout": ["timeout"]}, "runner_drain": {}}


def _module_spec(module):
    if hasattr(module, "_argument_spec"):
        return module._argument_spec()
    raise AssertionError("%s has no _argument_spec()" % module.__name__)


def test_the_fragment_documents_exactly_the_shared_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = gitlab_connection.argument_spec()
    assert set(documented) == set(spec) == set(gitlab_connection.OPTIONS)
    for option, settings in spec.items():
        assert documented[option]["type"] == settings["type"], option
        assert documented[option].get("default") == settings.get("default"), option
        assert "aliases" not in settings and "aliases" not in documented[option], option


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_gitlab_module_takes_the_shared_options_with_one_meaning(name):
    spec = _module_spec(MODULES[name])
    shared = gitlab_connection.argument_spec()
    for option, settings in shared.items():
        mine = dict(spec[option])
        assert mine.pop("aliases", []) == ALIASES[name].get(option, []), (name, option)
        mine.pop("required", None)  # a module may require url
        assert mine == settings, (name, option)
    # No other option of the module takes the name of a connection option or of one's alias.
    other_names = set()
    for option, settings in spec.items():
        if option not in shared:
            other_names.add(option)
            other_names.update(settings.get("aliases", []))
    assert not other_names & set(shared)
    assert "extends_documentation_fragment:\n  - runnerops.gitlab_runner.gitlab_connection" in MODULES[name].DOCUMENTATION


def test_drain_timeout_keeps_its_old_name_in_runner_drain_only():
    assert _module_spec(runner_drain)["drain_timeout"]["aliases"] == ["timeout"]
    assert _module_spec(runner_registration)["api_timeout"]["aliases"] == ["timeout"]


def test_argument_spec_is_a_fresh_copy_with_changes():
    changed = gitlab_connection.argument_spec(url={"required": True})
    assert changed["url"] == {"type": "str", "required": True}
    assert gitlab_connection.argument_spec()["url"] == {"type": "str"}


_DEFAULTS = dict((option, settings.get("default")) for option, settings in gitlab_connection.argument_spec().items())


@pytest.mark.parametrize("changes, message", [
    ({"api_timeout": 0}, "api_timeout must be more than 0 seconds, got 0"),
    ({"api_timeout": -1.5}, "api_timeout must be more than 0 seconds, got -1.5"),
    ({"retries": -1}, "retries must be between 0 and 10, got -1"),
    ({"retries": 11}, "retries must be between 0 and 10, got 11"),
    ({"backoff": -0.1}, "backoff must be between 0 and 30 seconds, got -0.1"),
    ({"backoff": 31}, "backoff must be between 0 and 30 seconds, got 31"),
    ({"api_timeout": 0, "retries": 11}, "api_timeout must be more than 0 seconds, got 0; retries must be between"),
])
def test_check_rejects_what_the_spec_cannot(changes, message):
    with pytest.raises(ValueError) as err:
        gitlab_connection.check(dict(_DEFAULTS, **changes))
    assert message in str(err.value)


@pytest.mark.parametrize("changes", [{}, {"api_timeout": 0.1}, {"retries": 0}, {"retries": 10}, {"backoff": 0},
                                     {"backoff": 30}])
def test_check_accepts_the_range(changes):
    gitlab_connection.check(dict(_DEFAULTS, **changes))


def test_client_takes_every_connection_option():
    params = dict(_DEFAULTS, url="https://gitlab.example.com/", validate_certs=False, ca_path="/etc/ca.pem",
                  api_timeout=7.5, retries=2, backoff=0.5)
    api = gitlab_connection.client(params)
    assert isinstance(api, GitLabRunnerAPI)
    assert (api.url, api.validate_certs, api.ca_path, api.timeout, api.retries, api.backoff) == (
        "https://gitlab.example.com", False, "/etc/ca.pem", 7.5, 2, 0.5)
    assert gitlab_connection.client(params, "https://other.example.com").url == "https://other.example.com"


def test_no_module_builds_the_client_itself():
    """Every module makes its client through gitlab_connection.client, so no option is left out on the way."""
    plugins = os.path.dirname(os.path.dirname(os.path.abspath(runner_drain.__file__)))
    for name in sorted(os.listdir(os.path.join(plugins, "modules"))):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(plugins, "modules", name)) as handle:
            tree = ast.parse(handle.read())
        called = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
        names = [getattr(func, "id", None) or getattr(func, "attr", None) for func in called]
        assert "GitLabRunnerAPI" not in names, name


def test_a_password_in_the_proxy_url_is_hidden_from_the_log():
    """proxy_environment is an option, not the task's environment, so that its URLs never show: Ansible hides them."""
    proxy = "http://deploy:s3cret@proxy.example.com:3128"
    validated = ArgumentSpecValidator(gitlab_connection.argument_spec()).validate(
        {"url": "https://gitlab.example.com", "proxy_environment": {"HTTPS_PROXY": proxy}})
    assert validated.error_messages == []
    assert proxy in validated._no_log_values


def test_client_puts_the_proxy_where_urllib_looks(monkeypatch):
    for name in ("HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.setenv(name, "before")  # so that monkeypatch restores what client() changes
        monkeypatch.delenv(name)
    params = dict(_DEFAULTS, url="https://gitlab.example.com",
                  proxy_environment={"HTTPS_PROXY": "http://proxy.example.com:3128", "NO_PROXY": "localhost"})
    gitlab_connection.client(params)
    assert os.environ["HTTPS_PROXY"] == "http://proxy.example.com:3128"
    assert os.environ["NO_PROXY"] == "localhost"
    assert urllib.request.getproxies()["https"] == "http://proxy.example.com:3128"
