"""The audit playbook on this machine, with stand-ins for the docker and gitlab-runner commands of a host.

The stand-ins answer what a host's Docker Engine (``docker version --format``) and gitlab-runner (``--version``)
print, so that the report and the docker-api-incompatible findings run through the real playbook and filters; the
Docker side of the audit runs against real hosts in the molecule scenarios.
"""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets as secret_rules

COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(secret_rules.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
TOKEN = "glrt-audit-test-token-0001"

_CONFIG = """concurrent = 2

[[runners]]
  name = "socket-runner"
  url = "https://gitlab.example.com"
  token = "%s"
  executor = "docker"
  [runners.docker]
    image = "%s"
    volumes = ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"]
""" % (TOKEN, "{image}")


def _stand_in(directory, name, script):
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


def _audit(tmp_path, image, engine, runner):
    """Run audit.yml against this machine; the report's lines and the failed assertion's message, if any."""
    if not os.path.exists(ANSIBLE_PLAYBOOK):
        pytest.skip("ansible-playbook is not beside this Python")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stand_in(bin_dir, "docker", 'echo "%s"\n' % engine)
    _stand_in(bin_dir, "gitlab-runner", 'printf "Version:      %s\\nGit revision: 0123abcd\\n"\n' % runner)
    config = tmp_path / "config.toml"
    config.write_text(_CONFIG.replace("{image}", image))
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"gitlab_runners": {"hosts": {"runner-1": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="false",
               PATH="%s:%s" % (bin_dir, os.environ.get("PATH", "")))
    done = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), "runnerops.gitlab_runner.audit",
                           "-e", "ansible_become=false", "-e", "audit_config_path=%s" % config],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    assert TOKEN not in done.stdout + done.stderr
    document = json.loads(done.stdout)
    results = {task["task"]["name"]: task["hosts"]["runner-1"] for play in document["plays"] for task in play["tasks"]}
    report = results["Report the host"]["msg"]
    failure = results["Fail when config.toml cannot be read or has errors"]
    return report, (" ".join(failure["msg"].split()) if failure.get("failed") else None)


def test_the_november_2025_case_fails_the_audit(tmp_path):
    report, failure = _audit(tmp_path, "docker:24.0.9", "29.1.3 1.52 1.44", "19.3.1")
    assert "Docker Engine: 29.1.3 (API 1.52, minimum 1.44)" in report
    assert "gitlab-runner: 19.3.1" in report
    errors = [line for line in report if line.startswith("error docker-api-incompatible (runner socket-runner)")]
    assert len(errors) == 1 and 'the Docker CLI of image "docker:24.0.9" speaks API 1.43 at most' in errors[0]
    assert failure and "docker-api-incompatible" in failure


def test_a_lowered_minimum_the_engine_reports_passes(tmp_path):
    report, failure = _audit(tmp_path, "docker:24.0.9", "29.1.3 1.52 1.24", "19.3.1")
    assert "Docker Engine: 29.1.3 (API 1.52, minimum 1.24)" in report
    assert failure is None and report[-1] == "0 error(s), 0 warning(s)"


def test_gitlab_runner_whose_client_the_engine_refuses(tmp_path):
    report, failure = _audit(tmp_path, "docker:29.1.3", "29.1.3 1.52 1.44", "16.11.0")
    errors = [line for line in report if line.startswith("error docker-api-incompatible (global)")]
    assert len(errors) == 1 and "gitlab-runner 16.11.0's own Docker client" in errors[0]
    assert "upgrade gitlab-runner to 19.3.0 or newer" in errors[0]
    assert failure and "docker-api-incompatible" in failure


def test_an_engine_that_does_not_answer_checks_nothing(tmp_path):
    report, failure = _audit(tmp_path, "docker:24.0.9", "", "16.11.0")
    assert failure is None and not any("docker-api-incompatible" in line for line in report)
