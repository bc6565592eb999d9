# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The runner preflight's one check of what needs the host: every problem in one message, each as it was worded.

The task is taken from roles/runner/tasks/preflight.yml and run by ansible-playbook on localhost with the role's
defaults and vars, and with the host read (``__runner_host_state``) and the validation's plan given as a run would
have them. An assert only: nothing on the host changes.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets as secret_rules

ROLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "runner")
COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(secret_rules.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
TASK = "Check the runner settings against the host and the inventory"


def _run(tmp_path, config_toml=None, extra_lines=(), **variables):
    with open(os.path.join(ROLE, "tasks", "preflight.yml"), encoding="utf-8") as handle:
        task = [task for task in yaml.safe_load(handle) if task["name"] == TASK]
    assert task, "preflight.yml has no task %r any more" % TASK
    lines = ["read-for digest"] + list(extra_lines)
    if config_toml is not None:
        lines.append("config-toml " + base64.b64encode(config_toml.encode()).decode())
    plan = {"registrations": [{"name": "docker-1", "state": "present"}]}
    extra = dict({"__runner_host_state": {"stdout_lines": lines}, "__runner_inputs": {"plan": plan}}, **variables)
    playbook = tmp_path / "check.yml"
    playbook.write_text(yaml.safe_dump([{
        "hosts": "localhost", "connection": "local", "gather_facts": False,
        "vars_files": [os.path.abspath(os.path.join(ROLE, "defaults", "main.yml")),
                       os.path.abspath(os.path.join(ROLE, "vars", "main.yml"))],
        "tasks": task}]))
    (tmp_path / "extra.json").write_text(json.dumps(extra))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", str(playbook), "-e", "@%s" % (tmp_path / "extra.json")],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    result = json.loads(done.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return result


@pytest.fixture(autouse=True)
def _ansible_playbook():
    if not os.path.exists(ANSIBLE_PLAYBOOK):
        pytest.skip("ansible-playbook is not beside this Python")


def test_nothing_wrong_passes(tmp_path):
    result = _run(tmp_path, config_toml='concurrent = 1\n', runner_access_token="glpat-placeholder-0000000001")
    assert not result.get("failed"), result


def test_a_config_toml_that_does_not_parse_is_said_so_not_a_filter_error(tmp_path):
    # No credential either: the tokens of a file that does not parse cannot be read, so that is not reported.
    result = _run(tmp_path, config_toml='concurrent = 1\n[[runners]\n')
    assert result.get("failed"), result
    assert "/etc/gitlab-runner/config.toml is not valid TOML (" in result["msg"]
    assert "its tokens cannot be kept. Fix or remove the file, then run again." in result["msg"]
    assert "runner_tokens" not in result["msg"] and "have no token" not in result["msg"]


def test_a_runner_without_token_or_credential(tmp_path):
    result = _run(tmp_path, config_toml='concurrent = 1\n')
    assert result.get("failed"), result
    assert result["msg"].startswith("Runner(s) docker-1 have no token and there is no credential to create them")


def test_every_problem_in_one_message(tmp_path):
    result = _run(tmp_path, extra_lines=["calendar-error Failed to parse calendar specification 'every night'"],
                  runner_access_token="glpat-placeholder-0000000001", runner_metrics_file_sd_host="prometheus-gone",
                  runner_docker_cleanup_schedule="every night", runner_ca_path="/etc/ssl/no-such-ca.pem")
    assert result.get("failed"), result
    for part in ("runner_metrics_file_sd_host is 'prometheus-gone', which is not a host of this inventory",
                 "runner_docker_cleanup_schedule is 'every night', which systemd does not read as a calendar event "
                 "(Failed to parse calendar specification 'every night')",
                 "runner_ca_path ('/etc/ssl/no-such-ca.pem') is not a file on localhost"):
        assert part in result["msg"], result["msg"]


def test_a_ca_file_the_read_found_passes(tmp_path):
    result = _run(tmp_path, extra_lines=["ca-file"], runner_access_token="glpat-placeholder-0000000001",
                  runner_ca_path="/etc/ssl/gitlab-ca.pem")
    assert not result.get("failed"), result
