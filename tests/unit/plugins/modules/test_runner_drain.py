# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""runner_drain run in-process against the GitLab runner API test double on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.testing import patch_module_args

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabRunnerAPI
from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_drain
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble

MANAGER = "glpat-manager-token-0002"


@pytest.fixture
def gitlab():
    with GitLabAPIDouble(access_tokens={MANAGER: ["create_runner", "manage_runner"]}) as double:
        yield double


@pytest.fixture
def run(capsys, monkeypatch):
    monkeypatch.setattr(ansible_internal, "is_controller", False)

    def _run(check_mode=False, **options):
        if check_mode:
            options["_ansible_check_mode"] = True
        with patch_module_args(options), pytest.raises(SystemExit) as exit_info:
            runner_drain.main()
        result = json.loads(capsys.readouterr().out)
        result["rc"] = exit_info.value.code
        return result
    return _run


@pytest.fixture
def config(tmp_path, gitlab):
    created = GitLabRunnerAPI(gitlab.url).create_runner(MANAGER, "instance_type", attributes={"description": "ci"})
    path = tmp_path / "config.toml"
    path.write_text('[[runners]]\n  name = "ci"\n  url = "%s"\n  id = %d\n  token = "%s"\n  executor = "docker"\n'
                    % (gitlab.url, created["id"], created["token"]))
    return str(path)


def test_drain_then_resume(run, gitlab, config):
    options = dict(url=gitlab.url, access_token=MANAGER, config_path=config, poll_interval=0.1)
    assert run(check_mode=True, **options)["paused"] == ["ci"]
    assert gitlab.state()["runners"][0]["paused"] is False
    drained = run(**options)
    assert (drained["rc"], drained["changed"], drained["paused"]) == (0, True, ["ci"])
    assert gitlab.state()["runners"][0]["paused"] is True
    assert run(**options)["changed"] is False
    resumed = run(state="resumed", **options)
    assert (resumed["changed"], resumed["resumed"]) == (True, ["ci"])
    assert gitlab.state()["runners"][0]["paused"] is False
    assert MANAGER not in json.dumps([drained, resumed])


def test_a_job_outlasting_the_timeout_fails_the_task(run, gitlab, config):
    gitlab.start_job(gitlab.state()["runners"][0]["id"])
    result = run(url=gitlab.url, access_token=MANAGER, config_path=config, timeout=0)
    assert result["rc"] == 1 and result["failed"]
    assert 'still running after 0s: runner "ci" job(s) 1' in result["msg"]


@pytest.mark.parametrize("options, message", [
    ({"timeout": -1}, "timeout must be 0 or more seconds"),
    ({"poll_interval": 0}, "poll_interval more than 0"),
])
def test_bad_options(run, gitlab, config, options, message):
    result = run(url=gitlab.url, access_token=MANAGER, config_path=config, **options)
    assert result["rc"] == 1 and message in result["msg"]
    assert gitlab.calls() == {"POST /api/v4/user/runners": 1}


@pytest.mark.parametrize("name", ["drain_timeout", "timeout"])
def test_the_drain_wait_keeps_its_old_name(run, gitlab, config, name):
    gitlab.start_job(gitlab.state()["runners"][0]["id"])
    result = run(url=gitlab.url, access_token=MANAGER, config_path=config, poll_interval=0.1, **{name: 0})
    assert result["rc"] == 1 and 'still running after 0s: runner "ci"' in result["msg"]
    assert "raise drain_timeout" in result["msg"]


@pytest.mark.parametrize("options, message", [
    ({"api_timeout": 0}, "api_timeout must be more than 0 seconds"),
    ({"retries": 11}, "retries must be between 0 and 10"),
    ({"backoff": 31}, "backoff must be between 0 and 30 seconds"),
])
def test_connection_options_are_checked_as_in_every_gitlab_module(run, gitlab, config, options, message):
    result = run(url=gitlab.url, access_token=MANAGER, config_path=config, **options)
    assert result["rc"] == 1 and message in result["msg"]
    assert gitlab.calls() == {"POST /api/v4/user/runners": 1}


def test_retries_and_backoff_reach_the_client(run, gitlab, config, monkeypatch):
    slept = []
    delay = GitLabRunnerAPI._delay
    monkeypatch.setattr(GitLabRunnerAPI, "_delay", lambda api, retry: slept.append(delay(api, retry)) or 0)
    gitlab.add_fault(path="/api/v4/runners/:id", method="GET", status=503, times=2)
    result = run(url=gitlab.url, access_token=MANAGER, config_path=config, retries=2, backoff=0.25,
                 check_mode=True)
    assert (result["rc"], result["paused"]) == (0, ["ci"])
    assert slept == [0.25, 0.5]


def test_a_refused_token_fails_with_its_status(run, gitlab, config):
    result = run(url=gitlab.url, access_token="glpat-unknown-token-0009", config_path=config)
    assert (result["rc"], result["status"]) == (1, 401)
    assert "access_token is unknown, expired or revoked" in result["msg"]
