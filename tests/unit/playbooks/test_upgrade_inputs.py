"""The upgrade playbook's own settings are checked before any host is touched (runnerops.gitlab_runner.upgrade)."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets as secret_rules

COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(secret_rules.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
ACCESS_TOKEN = "glpat-upgrade-inputs-0001"


@pytest.mark.parametrize("extra, named", [
    ({"upgrade_serial": 0}, "upgrade_serial (0) must be a number of hosts or a percentage"),
    ({"upgrade_serial": "150%"}, "upgrade_serial (150%)"),
    ({"upgrade_serial": "half"}, "upgrade_serial (half)"),
    ({"upgrade_drain_timeout": -1}, "upgrade_drain_timeout (-1) a number of seconds"),
    ({"upgrade_drain_timeout": "soon"}, "upgrade_drain_timeout (soon)"),
    ({"upgrade_docker": "maybe"}, "upgrade_docker (maybe) true or false"),
    ({"runner_access_token": ""}, "runner_gitlab_url and runner_access_token (with the manage_runner scope) set"),
])
def test_a_bad_setting_stops_the_upgrade_before_any_task_on_a_host(tmp_path, extra, named):
    if not os.path.exists(ANSIBLE_PLAYBOOK):
        pytest.skip("ansible-playbook is not beside this Python")
    host_vars = dict(ansible_connection="local", ansible_python_interpreter=sys.executable,
                     runner_gitlab_url="https://gitlab.example.com", runner_access_token=ACCESS_TOKEN,
                     runner_config_dir=str(tmp_path / "gitlab-runner"))
    host_vars.update(extra)
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"gitlab_runners": {"hosts": {"runner-1": host_vars}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="false")
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), "runnerops.gitlab_runner.upgrade"],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    assert done.returncode != 0
    document = json.loads(done.stdout)
    tasks = [task for play in document["plays"] for task in play["tasks"]]
    assert [task["task"]["name"] for task in tasks] == ["Check the upgrade's own settings"]
    assert named in " ".join(tasks[0]["hosts"]["runner-1"]["msg"].split())
    assert ACCESS_TOKEN not in done.stdout + done.stderr
    assert not (tmp_path / "gitlab-runner").exists()
