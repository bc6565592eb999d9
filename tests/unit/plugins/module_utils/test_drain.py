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
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    GitLabAPIError,
    GitLabRunnerAPI,
)
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


@pytest.mark.parametrize("token, status, meaning", [
    (CREATOR, 403, "access_token is accepted but lacks the scope or the rights for this: it needs the manage_runner "
                   "scope"),
    ("glpat-unknown-token-0009", 401, "access_token is unknown, expired or revoked (GitLab does not accept it): give "
                                      "a current"),
])
def test_a_token_gitlab_refuses_fails_before_any_pause_with_the_meaning_of_its_status(tmp_path, api, gitlab, token,
                                                                                      status, meaning):
    config, ids = _host(tmp_path, api, gitlab)
    with pytest.raises(DrainError) as err:
        drain(api, token, config, timeout=0)
    assert str(err.value).startswith('runner "a" (id %d) cannot be paused: GitLab at %s answered %d'
                                     % (ids["a"], gitlab.url, status))
    assert meaning in str(err.value) and err.value.status == status
    assert "glpat-" not in str(err.value)
    assert _paused(gitlab) == {"a": False, "b": False}
    assert PUT not in gitlab.calls()
    assert not os.path.exists(record_path(config))


def test_check_mode_only_reads(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    assert drain(api, MANAGER, config, timeout=60, check_mode=True)["paused"] == ["a", "b"]
    assert _paused(gitlab) == {"a": False, "b": False}
    assert PUT not in gitlab.calls() and not os.path.exists(record_path(config))
    drain(api, MANAGER, config, timeout=0)
    assert resume(api, MANAGER, config, check_mode=True)["resumed"] == ["a", "b"]
    assert _paused(gitlab) == {"a": True, "b": True} and _recorded(config) == ids


def _recorded(config):
    if not os.path.exists(record_path(config)):
        return None
    with open(record_path(config)) as handle:
        return json.load(handle)["paused"]


@pytest.mark.parametrize("fault, status, unconfirmed", [
    ({"status": 403}, 403, False),
    ({"status": 401}, 401, False),
    ({"status": 500}, 500, True),
])
def test_a_pause_gitlab_refuses_or_fails_is_not_recorded(tmp_path, api, gitlab, fault, status, unconfirmed):
    config, ids = _host(tmp_path, api, gitlab)
    gitlab.add_fault(path="/api/v4/runners/:id", method="PUT", times=1, **fault)
    with pytest.raises(DrainError) as err:
        drain(api, MANAGER, config, timeout=0)
    assert err.value.status == status
    assert 'runner "a" (id %d) cannot be paused' % ids["a"] in str(err.value)
    assert ("does not list it: if GitLab shows it paused, unpause it there" in str(err.value)) is unconfirmed
    assert _recorded(config) is None
    # Somebody pauses runner "a" by hand meanwhile: no later resume may undo that.
    api.update_runner(MANAGER, ids["a"], {"paused": True})
    assert resume(api, MANAGER, config) == {"changed": False, "resumed": [], "record": record_path(config)}
    assert _paused(gitlab) == {"a": True, "b": False}


def test_a_pause_that_timed_out_is_not_recorded_though_gitlab_may_have_done_it(tmp_path, gitlab):
    api = GitLabRunnerAPI(gitlab.url, retries=0, timeout=0.2)
    config, ids = _host(tmp_path, api, gitlab, names=("a",))
    gitlab.add_fault(path="/api/v4/runners/:id", method="PUT", delay=0.6, times=1)
    with pytest.raises(DrainError) as err:
        drain(api, MANAGER, config, timeout=0)
    assert err.value.status is None and "timed out after 0.2s" in str(err.value)
    assert "GitLab did not confirm it, so %s does not list it" % record_path(config) in str(err.value)
    assert _recorded(config) is None


def test_a_drain_that_died_half_way_is_resumed_from_what_gitlab_confirmed(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    gitlab.add_fault(path="/api/v4/runners/:id", method="PUT", status=500, times=1)
    with pytest.raises(DrainError):
        drain(api, MANAGER, config, timeout=0)
    assert _recorded(config) is None
    # Rerun: "a" is paused and recorded; the pause of "b" fails.
    gitlab.add_fault(path="/api/v4/runners/%d" % ids["b"], method="PUT", status=503, times=1)
    with pytest.raises(DrainError):
        drain(api, MANAGER, config, timeout=0)
    assert _recorded(config) == {"a": ids["a"]}
    assert _paused(gitlab) == {"a": True, "b": False}
    resumed = resume(api, MANAGER, config)
    assert (resumed["changed"], resumed["resumed"]) == (True, ["a"])
    assert _paused(gitlab) == {"a": False, "b": False}
    assert _recorded(config) is None


@pytest.mark.parametrize("status", [403, 500])
def test_a_resume_that_fails_half_way_keeps_only_the_runners_not_yet_unpaused(tmp_path, api, gitlab, status):
    config, ids = _host(tmp_path, api, gitlab)
    drain(api, MANAGER, config, timeout=0)
    gitlab.add_fault(path="/api/v4/runners/%d" % ids["b"], method="PUT", status=status, times=1)
    with pytest.raises(DrainError) as err:
        resume(api, MANAGER, config)
    assert err.value.status == status
    assert 'runner "b" (id %d) cannot be unpaused (%s still lists it)' % (ids["b"], record_path(config)) \
        in str(err.value)
    assert _recorded(config) == {"b": ids["b"]}
    # Somebody pauses "a" again by hand: the next resume unpauses "b" only.
    api.update_runner(MANAGER, ids["a"], {"paused": True})
    assert resume(api, MANAGER, config)["resumed"] == ["b"]
    assert _paused(gitlab) == {"a": True, "b": False}
    assert _recorded(config) is None


def test_a_runner_deleted_since_the_drain_leaves_the_record_on_resume(tmp_path, api, gitlab):
    config, ids = _host(tmp_path, api, gitlab)
    drain(api, MANAGER, config, timeout=0)
    gitlab.delete_runner(ids["a"])
    resumed = resume(api, MANAGER, config)
    assert (resumed["changed"], resumed["resumed"]) == (True, ["b"])
    assert _recorded(config) is None


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


# -- the rules alone, on a fake of the API client -------------------------------------------------

class _FakeGitLab:
    """GitLab as drain sees it: runners by id (their details), the jobs each runs, tokens that verify."""

    url = "https://gitlab.example.com"

    def __init__(self, runners, jobs=None, tokens=None):
        self.runners = runners
        self.jobs = jobs or {}
        self.tokens = tokens or {}
        self.updates = []

    def verify_runner(self, token):
        return {"id": self.tokens[token]} if token in self.tokens else None

    def get_runner(self, access_token, runner_id):
        return dict(self.runners[runner_id], id=runner_id) if runner_id in self.runners else None

    def update_runner(self, access_token, runner_id, attributes):
        self.updates.append((runner_id, attributes))
        self.runners[runner_id].update(attributes)
        return self.runners[runner_id]

    def running_jobs(self, access_token, runner_id):
        return self.jobs.get(runner_id, [])


def _config(tmp_path, runners):
    """config.toml with (name, url, id or None, token) runners."""
    path = tmp_path / "config.toml"
    path.write_text("".join(
        '[[runners]]\n  name = "%s"\n  url = "%s"\n%s  token = "%s"\n  executor = "docker"\n'
        % (name, url, "  id = %d\n" % runner_id if runner_id is not None else "", token)
        for name, url, runner_id, token in runners))
    return str(path)


_URL = "https://gitlab.example.com"


def test_the_record_is_named_and_written_as_documented(tmp_path):
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    drain(_FakeGitLab({3: {"paused": False}}), MANAGER, config, timeout=0)
    assert record_path(config) == str(tmp_path / ".runner_drained.json")
    with open(record_path(config)) as handle:
        record = json.load(handle)
    assert sorted(record) == ["about", "paused", "url"]
    assert (record["url"], record["paused"]) == (_URL, {"a": 3})
    assert "No secret" in record["about"]


def test_runners_of_another_gitlab_or_a_bad_url_are_left_alone(tmp_path):
    config = _config(tmp_path, [("a", _URL + "/", 3, "glrt-a"), ("b", "https://other.example.com", 4, "glrt-b"),
                                ("c", "not a url", 5, "glrt-c")])
    fake = _FakeGitLab({3: {"paused": False}, 4: {"paused": False}, 5: {"paused": False}})
    result = drain(fake, MANAGER, config, timeout=0)
    assert (result["paused"], result["other_gitlab"]) == (["a"], ["b", "c"])
    assert fake.updates == [(3, {"paused": True})]


def test_a_runner_without_an_id_in_config_toml_is_found_by_its_token(tmp_path):
    config = _config(tmp_path, [("a", _URL, None, "glrt-a")])
    fake = _FakeGitLab({7: {"paused": False}}, tokens={"glrt-a": 7})
    assert drain(fake, MANAGER, config, timeout=0)["paused"] == ["a"]
    assert fake.updates == [(7, {"paused": True})]


def test_a_runner_whose_token_gitlab_rejects_stops_the_drain(tmp_path):
    config = _config(tmp_path, [("a", _URL, None, "glrt-a")])
    with pytest.raises(DrainError) as err:
        drain(_FakeGitLab({}), MANAGER, config, timeout=0)
    assert str(err.value).startswith('runner "a": GitLab rejects its token (403)')


@pytest.mark.parametrize("details, paused", [
    ({"paused": True}, []), ({"paused": False}, ["a"]),
    # GitLabs older than "paused" say "active".
    ({"active": False}, []), ({"active": True}, ["a"]), ({}, ["a"]),
    ({"paused": False, "active": False}, ["a"]),
])
def test_which_runners_a_drain_pauses(tmp_path, details, paused):
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    assert drain(_FakeGitLab({3: details}), MANAGER, config, timeout=0, check_mode=True) == {
        "changed": bool(paused), "paused": paused, "waited": 0.0, "other_gitlab": [],
        "record": record_path(config)}


def test_the_wait_is_measured_from_its_start(tmp_path, clock):
    clock.now = 1000.0
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    fake = _FakeGitLab({3: {"paused": False}}, jobs={3: [41]})

    def job_done(seconds):
        clock.sleep(seconds)
        fake.jobs = {}

    result = drain(fake, MANAGER, config, timeout=60, interval=1.234, sleep=job_done, clock=clock)
    assert result["waited"] == 1.2


def test_the_wait_looks_every_5_seconds_by_default_and_last_at_the_timeout(tmp_path, clock):
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    fake = _FakeGitLab({3: {"paused": False}}, jobs={3: [41]})
    with pytest.raises(DrainError):
        drain(fake, MANAGER, config, timeout=10.05, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == pytest.approx([5.0, 5.0, 0.1])


def test_a_record_that_cannot_be_read_is_named_with_why(tmp_path):
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    os.mkdir(record_path(config))
    with pytest.raises(DrainError) as err:
        resume(_FakeGitLab({}), MANAGER, config)
    assert str(err.value) == "%s cannot be read (Is a directory): it lists the runners a drain paused; fix or " \
                             "remove it" % record_path(config)
    os.rmdir(record_path(config))
    with open(record_path(config), "w") as handle:
        handle.write("not json")
    with pytest.raises(DrainError, match=r"cannot be read \(JSONDecodeError\)"):
        resume(_FakeGitLab({}), MANAGER, config)


def test_a_record_that_lists_nothing(tmp_path):
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    with open(record_path(config), "w") as handle:
        json.dump({"url": _URL, "paused": {}}, handle)
    assert resume(_FakeGitLab({}), MANAGER, config, check_mode=True)["changed"] is False
    assert os.path.exists(record_path(config))
    assert resume(_FakeGitLab({}), MANAGER, config)["changed"] is False
    assert not os.path.exists(record_path(config))


def test_jobs_that_cannot_be_listed_stop_the_wait(tmp_path):
    class _NoJobs(_FakeGitLab):
        def running_jobs(self, access_token, runner_id):
            raise GitLabAPIError("GitLab at %s answered 500" % self.url, status=500)

    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    with pytest.raises(DrainError) as err:
        drain(_NoJobs({3: {"paused": False}}), MANAGER, config, timeout=0)
    assert str(err.value) == ('the jobs of runner "a" (id 3) cannot be listed (the runners paused stay paused): GitLab '
                              "at %s answered 500" % _URL)
    assert err.value.status == 500


@pytest.mark.parametrize("step", ["drain", "resume"])
def test_a_record_of_another_gitlab_is_never_acted_on_here(tmp_path, step):
    # Runner ids are GitLab's own: id 3 at another GitLab is another runner, maybe paused by somebody else there.
    config = _config(tmp_path, [("a", _URL, 3, "glrt-a")])
    with open(record_path(config), "w") as handle:
        json.dump({"url": "https://gitlab-old.example.com", "paused": {"a": 3}}, handle)
    fake = _FakeGitLab({3: {"paused": True}})
    with pytest.raises(DrainError) as err:
        (drain(fake, MANAGER, config, timeout=0) if step == "drain" else resume(fake, MANAGER, config))
    assert str(err.value) == (
        "%s lists runners a drain paused at https://gitlab-old.example.com, but this run talks to %s, where the same "
        "ids are other runners: resume them with url https://gitlab-old.example.com (or, if they were dealt with "
        "there, remove the record)" % (record_path(config), _URL))
    assert fake.updates == [] and fake.runners[3] == {"paused": True}
    with open(record_path(config)) as handle:
        assert json.load(handle)["paused"] == {"a": 3}
