# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Draining a runner host at GitLab and resuming it (drain.py), with the API client against the test double."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.drain import (
    DrainError,
    drain,
    record_path,
    resume,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabRunnerAPI
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble

CREATOR = "glpat-creator-token-0001"
MANAGER = "glpat-manager-token-0002"
PUT = "PUT /api/v4/runners/:id"


@pytest.fixture
def gitlab():
    with GitLabAPIDouble(access_tokens={CREATOR: ["create_runner"], MANAGER: ["create_runner", "manage_runner"]}) \
            as double:
        yield double


@pytest.fixture
def api(gitlab):
    return GitLabRunnerAPI(gitlab.url, retries=0)


def _host(tmp_path, api, gitlab, names=("a", "b"), other=()):
    """A config.toml with one runner per name (created at the double); returns its path and {name: id}."""
    lines, ids = [], {}
    for name in names:
        created = api.create_runner(MANAGER, "instance_type", attributes={"description": name})
        ids[name] = created["id"]
        lines.append('[[runners]]\n  name = "%s"\n  url = "%s"\n  id = %d\n  token = "%s"\n  executor = "docker"\n'
                     % (name, gitlab.url, created["id"], created["token"]))
    for name in other:
        lines.append('[[runners]]\n  name = "%s"\n  url = "https://other.example.com"\n  token = "glrt-other"\n'
                     '  executor = "docker"\n' % name)
    path = tmp_path / "config.toml"
    path.write_text("".join(lines))
    return str(path), ids


def _paused(gitlab):
    return dict((runner["description"], runner["paused"]) for runner in gitlab.state()["runners"])


def test_drain_pauses_waits_for_running_jobs_and_resume_unpauses(tmp_path, api, gitlab, clock):
    config, ids = _host(tmp_path, api, gitlab, other=["elsewhere"])
    job = gitlab.start_job(ids["a"])

    def finish_after_two_looks(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 2:
            gitlab.set_job(job, "success")

    result = drain(api, MANAGER, config, timeout=60, interval=5, sleep=finish_after_two_looks, clock=clock)
    assert (result["changed"], result["paused"], result["waited"], result["other_gitlab"]) == (
        True, ["a", "b"], 10.0, ["elsewhere"])
    assert _paused(gitlab) == {"a": True, "b": True}
    with open(record_path(config)) as handle:
        assert json.load(handle)["paused"] == {"a": ids["a"], "b": ids["b"]}

    again = drain(api, MANAGER, config, timeout=60, sleep=clock.sleep, clock=clock)
    assert (again["changed"], again["paused"]) == (False, [])

    resumed = resume(api, MANAGER, config)
    assert (resumed["changed"], resumed["resumed"]) == (True, ["a", "b"])
    assert _paused(gitlab) == {"a": False, "b": False}
    assert not os.path.exists(record_path(config))
    assert resume(api, MANAGER, config)["changed"] is False


def test_a_runner_paused_by_hand_stays_paused(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    api.update_runner(MANAGER, ids["b"], {"paused": True})
    assert drain(api, MANAGER, config, timeout=0)["paused"] == ["a"]
    resume(api, MANAGER, config)
    assert _paused(gitlab) == {"a": False, "b": True}


def test_a_job_still_running_at_the_timeout_fails_and_the_runners_stay_paused(tmp_path, api, gitlab, clock):
    config, ids = _host(tmp_path, api, gitlab)
    job = gitlab.start_job(ids["b"])
    with pytest.raises(DrainError) as err:
        drain(api, MANAGER, config, timeout=12, interval=5, sleep=clock.sleep, clock=clock)
    assert 'still running after 12s: runner "b" job(s) %d' % job in str(err.value)
    assert "stay paused" in str(err.value)
    assert clock.sleeps == [5, 5, 2]
    assert _paused(gitlab) == {"a": True, "b": True}
    assert os.path.exists(record_path(config))


def test_a_token_without_manage_runner_fails_before_any_pause(tmp_path, api, gitlab):
    config, _ids = _host(tmp_path, api, gitlab)
    with pytest.raises(DrainError) as err:
        drain(api, CREATOR, config, timeout=0)
    assert "cannot be paused: GitLab answered 403" in str(err.value) and "manage_runner scope" in str(err.value)
    assert "glpat-" not in str(err.value)
    assert _paused(gitlab) == {"a": False, "b": False}
    assert PUT not in gitlab.calls()
    assert not os.path.exists(record_path(config))


def test_check_mode_only_reads(tmp_path, api, gitlab):
    config, _ids = _host(tmp_path, api, gitlab)
    assert drain(api, MANAGER, config, timeout=60, check_mode=True)["paused"] == ["a", "b"]
    assert _paused(gitlab) == {"a": False, "b": False}
    assert PUT not in gitlab.calls() and not os.path.exists(record_path(config))


def test_a_drain_that_died_is_resumed_from_its_record(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    gitlab.add_fault(path="/api/v4/runners/:id", method="PUT", status=500, times=1)
    # The first pause fails after the record was written (a play that dies half way looks the same).
    with pytest.raises(Exception):
        drain(api, MANAGER, config, timeout=0)
    assert os.path.exists(record_path(config))
    resumed = resume(api, MANAGER, config)
    assert resumed["resumed"] == ["a", "b"]
    assert _paused(gitlab) == {"a": False, "b": False}


def test_a_runner_deleted_at_gitlab_is_named(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    gitlab.delete_runner(ids["a"])
    with pytest.raises(DrainError) as err:
        drain(api, MANAGER, config, timeout=0)
    assert 'runner "a": GitLab has no runner %d' % ids["a"] in str(err.value)


@pytest.mark.parametrize("content", ["not json", '{"paused": []}'])
def test_a_damaged_record_is_a_clear_error(tmp_path, api, gitlab, content):
    config, _ids = _host(tmp_path, api, gitlab)
    with open(record_path(config), "w") as handle:
        handle.write(content)
    with pytest.raises(DrainError) as err:
        resume(api, MANAGER, config)
    assert ".runner_drained.json" in str(err.value) and "fix or remove it" in str(err.value)


def test_no_config_toml_drains_nothing(tmp_path, api):
    result = drain(api, MANAGER, str(tmp_path / "config.toml"), timeout=0)
    assert (result["changed"], result["paused"]) == (False, [])
