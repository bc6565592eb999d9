# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import re

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_job
from ansible_collections.runnerops.gitlab_runner.plugins.modules import ci_job

CONFIG = """
concurrent = 2

[[runners]]
  name = "docker-socket"
  url = "https://gitlab.example.com"
  token = "glrt-socket"
  executor = "docker"
  [runners.docker]
    image = "docker:20.10.24"
    volumes = ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"]
    pull_policy = ["if-not-present"]

[[runners]]
  name = "docker-dind"
  url = "https://gitlab.example.com"
  token = "glrt-dind"
  executor = "docker"
  environment = ["DOCKER_TLS_CERTDIR=/certs"]
  [runners.docker]
    image = "docker:20.10.24"
    privileged = true
    volumes = ["/certs/client", "/cache"]
    [[runners.docker.services]]
      name = "docker:20.10.24-dind"
      alias = "docker"
"""


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    # Module warnings are collected process-wide; each in-process run starts with none.
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    monkeypatch.setattr(ansible_internal, "is_controller", False)


@pytest.fixture()
def config_path(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    return str(path)


def _run(capsys, check_mode=False, **options):
    args = {"script": ["docker run --rm hello-world"], "_ansible_check_mode": check_mode}
    args.update(options)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ci_job.main()
    return json.loads(capsys.readouterr().out)


def test_plan_only_reads_the_named_runner(capsys, config_path):
    result = _run(capsys, config_path=config_path, runner="docker-dind", plan_only=True)
    assert result["changed"] is False
    assert (result["runner"], result["mode"]) == ("docker-dind", "dind")
    plan = result["plan"]
    assert [v["target"] for v in plan["volumes"]] == ["/certs/client", "/cache", "/builds"]
    assert plan["services"][0]["aliases"] == ["docker"]
    assert plan["environment"] == {"DOCKER_TLS_CERTDIR": "/certs"}


def test_plan_only_applies_overrides_and_works_in_check_mode(capsys, config_path):
    result = _run(
        capsys,
        check_mode=True,
        config_path=config_path,
        plan_only=True,
        docker_overrides={"volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/cache"]},
    )
    assert result["runner"] == "docker-socket"
    assert [v["spec"] for v in result["plan"]["volumes"]] == ["/var/run/docker.sock:/var/run/docker.sock", "/cache", None]
    assert result["plan"]["builds"]["kind"] == "volume"


def test_check_mode_runs_nothing(capsys, config_path, monkeypatch):
    monkeypatch.setattr(docker_job, "run_job", lambda *args, **kwargs: pytest.fail("ran in check mode"))
    result = _run(capsys, check_mode=True, config_path=config_path)
    assert result["skipped"] is True
    assert "skipped in check mode" in result["msg"]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"runner": "nope"}, 'no runner named "nope" \\(it has "docker-socket", "docker-dind"\\)'),
        ({"project": "flat"}, 'project "flat" must be "namespace/project"'),
        ({"timeout": 0}, "timeout must be at least 1 second"),
        ({"variables": {"A": ["x"]}}, 'variables\\["A"\\] must be a string'),
    ],
)
def test_bad_options_fail_before_anything_runs(capsys, config_path, monkeypatch, options, message):
    monkeypatch.setattr(docker_job, "run_job", lambda *args, **kwargs: pytest.fail("ran with bad options"))
    result = _run(capsys, config_path=config_path, **options)
    assert result["failed"] is True
    assert re.search(message, result["msg"]), result["msg"]


def test_missing_config_says_where_and_what_to_do(capsys, tmp_path):
    result = _run(capsys, config_path=str(tmp_path / "none.toml"))
    assert result["failed"] is True
    assert result["msg"].startswith("cannot read %s" % (tmp_path / "none.toml"))
    assert "run as root (become)" in result["msg"]


def test_config_that_is_not_toml(capsys, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[[runners]\nname = 1\n")
    result = _run(capsys, config_path=str(path))
    assert result["failed"] is True
    assert "config.toml is not valid TOML" in result["msg"] and "line 1" in result["msg"]


def _fake_docker_bin(monkeypatch):
    monkeypatch.setattr(AnsibleModule, "get_bin_path", lambda self, name, required=False, opt_dirs=None: "/usr/bin/docker")


def test_job_result_and_warnings(capsys, config_path, monkeypatch):
    _fake_docker_bin(monkeypatch)
    seen = {}

    def fake_run_job(plan, docker, timeout, preload_images):
        seen.update(plan=plan, timeout=timeout, preload_images=preload_images)
        return {
            "runner": plan["runner"],
            "mode": plan["mode"],
            "rc": 1,
            "output": "cat: /app/data/marker: No such file or directory\n",
            "timed_out": False,
            "marker": plan["marker"],
            "argv": ["docker"] + plan["job"]["argv"],
            "services": [],
            "warnings": ['service "x" probably did not start properly'],
            "cleanup_errors": ["docker volume rm -f v: in use"],
            "durations": {"total": 1.0},
        }

    monkeypatch.setattr(docker_job, "run_job", fake_run_job)
    result = _run(capsys, config_path=config_path, timeout=42, preload_images=["hello-world"], variables={"A": 1})
    # A job that fails is a result, not a task failure.
    assert result.get("failed") is not True and result["changed"] is False
    assert result["rc"] == 1 and result["argv"][0] == "docker"
    assert (seen["timeout"], seen["preload_images"]) == (42, ["hello-world"])
    assert seen["plan"]["variables"]["A"] == "1"
    warnings = [str(warning) for warning in result["warnings"]]
    assert any("probably did not start properly" in warning for warning in warnings)
    assert any("cleanup: docker volume rm -f v: in use" in warning for warning in warnings)


def test_setup_error_fails_with_the_details(capsys, config_path, monkeypatch):
    _fake_docker_bin(monkeypatch)

    def fake_run_job(plan, docker, timeout, preload_images):
        raise docker_job.JobSetupError(
            'image "docker:20.10.24" is not available',
            {"runner": plan["runner"], "services": [], "warnings": [], "cleanup_errors": [], "durations": {"total": 0.1}},
        )

    monkeypatch.setattr(docker_job, "run_job", fake_run_job)
    result = _run(capsys, config_path=config_path)
    assert result["failed"] is True
    assert result["msg"] == 'image "docker:20.10.24" is not available'
    assert result["durations"] == {"total": 0.1} and "rc" not in result


def test_docker_cli_calls_go_through_run_command(capsys, config_path, monkeypatch):
    _fake_docker_bin(monkeypatch)
    calls = []

    def fake_run_command(self, args, **kwargs):
        calls.append((args, kwargs))
        return 0, "", ""

    def fake_run_job(plan, docker, timeout, preload_images):
        docker(["version"])
        raise docker_job.JobSetupError("stop here", {})

    monkeypatch.setattr(AnsibleModule, "run_command", fake_run_command)
    monkeypatch.setattr(docker_job, "run_job", fake_run_job)
    _run(capsys, config_path=config_path)
    assert calls == [(["/usr/bin/docker", "version"], {"errors": "surrogate_then_replace"})]
