# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each module ships to a managed host: the module_utils it imports, directly or through another one.

Ansible sends a module with every collection module_utils file its imports reach (AnsiballZ follows the
imports of the module and of each module_utils file it adds, wherever they stand, in ``try`` blocks too). The
modules that only read config.toml or talk to GitLab must not carry the config.toml checker (schema, findings,
TOML writer, the socket/dind rules): reading is config_toml_reader's, checking config_toml_findings'.
"""

from __future__ import annotations

import ast
import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_drain

PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(runner_drain.__file__)))
MODULE_UTILS = "ansible_collections.runnerops.gitlab_runner.plugins.module_utils"

# What checks or builds a config.toml (and the role inputs): never needed to read one or to talk to GitLab.
CHECKER = {"config_toml_findings", "config_toml_schema", "toml_writer", "docker_modes", "docker_executor",
           "docker_volume", "docker_job", "runner_config_file", "runner_plan", "runner_inputs", "docker_inputs",
           "role_inputs", "docker_daemon_config"}


def _imported(path):
    """The collection module_utils that the file at ``path`` imports, anywhere in it."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == MODULE_UTILS:
                found.update(alias.name for alias in node.names)
            elif node.module.startswith(MODULE_UTILS + "."):
                found.add(node.module[len(MODULE_UTILS) + 1:].split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name[len(MODULE_UTILS) + 1:].split(".")[0] for alias in node.names
                         if alias.name.startswith(MODULE_UTILS + "."))
    return found


def shipped(module):
    """``{module_utils name: lines}`` that AnsiballZ sends with plugins/modules/<module>.py."""
    todo = _imported(os.path.join(PLUGINS, "modules", module + ".py"))
    done = {}
    while todo:
        name = todo.pop()
        path = os.path.join(PLUGINS, "module_utils", name + ".py")
        assert os.path.exists(path), "%s imports module_utils %s, which does not exist" % (module, name)
        with open(path) as handle:
            done[name] = len(handle.read().splitlines())
        todo |= _imported(path) - set(done)
    return done


def _modules():
    return sorted(name[:-3] for name in os.listdir(os.path.join(PLUGINS, "modules"))
                  if name.endswith(".py") and not name.startswith("_"))


@pytest.mark.parametrize("module, needs, never", [
    # Reads the runners' tokens from config.toml, talks to GitLab, writes its record.
    ("runner_drain", {"config_toml_reader", "_tomli", "gitlab_runner_api", "gitlab_connection", "atomic_file"},
     CHECKER | {"registration", "pending_credentials", "runner_attributes", "host_lock"}),
    # Reads the live tokens, talks to GitLab, keeps pending tokens and the attributes' record.
    ("runner_registration", {"config_toml_reader", "_tomli", "gitlab_runner_api", "gitlab_connection",
                             "registration", "pending_credentials", "runner_attributes", "atomic_file",
                             "host_lock"}, CHECKER),
    # Reads config.toml and runs a job as the docker executor would: the job rules, not the checker.
    ("ci_job", {"config_toml_reader", "_tomli", "docker_job"},
     {"config_toml_findings", "config_toml_schema", "toml_writer", "runner_config_file", "runner_plan",
      "gitlab_runner_api"}),
    # Builds and checks config.toml: the one module that ships the checker.
    ("runner_config", {"runner_config_file", "config_toml_findings", "config_toml_schema", "toml_writer",
                       "config_toml_reader"}, {"registration", "gitlab_connection"}),
])
def test_a_module_ships_what_it_needs_and_not_the_checker(module, needs, never):
    closure = shipped(module)
    assert needs <= set(closure), sorted(needs - set(closure))
    assert not set(closure) & never, sorted(set(closure) & never)


def test_the_gitlab_modules_ship_less_than_half_of_the_checker():
    """A measure, so a new import that drags the checker back in fails here with its size."""
    checker_lines = sum(shipped("runner_config").values())
    for module in ("runner_drain", "runner_registration"):
        lines = sum(shipped(module).values())
        assert lines < checker_lines / 2, "%s ships %d lines of module_utils: %s" % (
            module, lines, ", ".join("%s (%d)" % item for item in sorted(shipped(module).items())))


@pytest.mark.parametrize("module", _modules())
def test_every_module_utils_a_module_ships_exists(module):
    assert shipped(module) is not None
