# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What runner_registration decides (registration.py), on a recording fake of the API client."""

from __future__ import annotations

import json
import re
import threading

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import pending_credentials, runner_attributes
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    MANAGE_RUNNER,
    GitLabAPIError,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.registration import (
    MAX_CONCURRENCY,
    RunnerError,
    ensure_runner,
    ensure_runners,
    validate_params,
)

CREATOR = "glpat-creator-token-0001"
MANAGER = "glpat-manager-token-0002"
READER = "glpat-reader-token-0003"

# -- option checks ---------------------------------------------------------------

_GOOD = {"url": "https://gitlab.example.com", "state": "present", "access_token": CREATOR,
         "runner_type": "instance_type"}


@pytest.mark.parametrize("changes, message", [
    ({"url": "gitlab"}, "is not an http(s) URL"),
    ({"runner_type": "shared"}, "runner_type is 'shared', not one of"),
    ({"runner_type": "group_type"}, "group_id is missing: a group_type runner"),
    ({"runner_type": "project_type"}, "project_id is missing: a project_type runner"),
    ({"runner_type": "group_type", "group_id": 0}, "group_id must be a positive GitLab ID"),
    ({"project_id": 42}, "project_id is set but runner_type is instance_type"),
    ({"registration_token": "GR1348941abc"}, "access_token and registration_token: an access token and a registration token are both given"),
    ({"access_token": None}, "state=present needs runner_token, access_token or registration_token"),
    ({"state": "absent"}, "state=absent needs runner_token, access_token and runner_id, or config_path and name"),
    ({"state": "absent", "runner_id": 0}, "state=absent needs runner_token"),
    ({"state": "absent", "runner_token": "glrt-x", "runner_id": -1}, "runner_id must be a positive"),
    ({"system_id": "s_0123456789a"}, "is not a runner system id"),
    ({"system_id": "s_0123456789ab-"}, "is not a runner system id"),
    ({"system_id": "0123456789ab"}, "is not a runner system id"),
    ({"maximum_timeout": 599}, "GitLab needs a whole number of seconds, at least 600"),
    ({"access_level": "protected"}, "access_level is 'protected', not one of not_protected, ref_protected"),
    ({"tag_list": ["docker", " "]}, "tag_list[1] is empty or not a string"),
    ({"tag_list": ["docker", 5]}, "tag_list[1] is empty or not a string (5)"),
])
def test_validate_params_rejects(changes, message):
    params = dict(_GOOD, **changes)
    with pytest.raises(ValueError) as err:
        validate_params(params)
    assert message in str(err.value)


@pytest.mark.parametrize("changes", [
    {},
    {"runner_type": "group_type", "group_id": 7, "system_id": "s_0123456789ab"},
    {"access_token": None, "registration_token": "GR1348941abc", "group_id": 7},
    {"state": "absent", "access_token": None, "runner_token": "glrt-x"},
    {"state": "absent", "runner_id": 4, "maximum_timeout": 600, "tag_list": ["a"]},
])
def test_validate_params_accepts(changes):
    validate_params(dict(_GOOD, **changes))


# -- ensure_runner decisions, on a recording fake -----------------------------------

class _FakeAPI:
    """Answers like GitLab would for one runner (id 5, token glrt-live-token); records calls."""

    url = "https://gitlab.example.com"
    WRITES = ("create_runner", "register_runner", "delete_runner_by_token", "delete_runner_by_id")

    def __init__(self, exists=True):
        self.exists = exists
        self.calls = []

    def verify_runner(self, token, system_id=None):
        self.calls.append("verify_runner")
        return {"id": 5, "token_expires_at": None} if self.exists and token == "glrt-live-token" else None

    def get_runner(self, access_token, runner_id):
        self.calls.append("get_runner")
        return {"id": runner_id} if self.exists and runner_id == 5 else None

    def create_runner(self, access_token, runner_type, group_id=None, project_id=None, attributes=None):
        self.calls.append("create_runner")
        self.created_with = (runner_type, group_id, project_id, attributes)
        return {"id": 6, "token": "glrt-new-token", "token_expires_at": None}

    def register_runner(self, registration_token, attributes=None):
        self.calls.append("register_runner")
        return {"id": 7, "token": "legacytoken", "token_expires_at": None}

    def delete_runner_by_token(self, token):
        self.calls.append("delete_runner_by_token")
        return self.exists and token == "glrt-live-token"

    def delete_runner_by_id(self, access_token, runner_id):
        self.calls.append("delete_runner_by_id")
        return self.exists and runner_id == 5


_BASE = {"url": "https://gitlab.example.com", "runner_type": "instance_type"}


@pytest.mark.parametrize("params, exists, check_mode, calls, expected", [
    ({"access_token": CREATOR}, True, False, ["create_runner"], {"changed": True, "created": True, "runner_id": 6}),
    ({"access_token": CREATOR}, True, True, [], {"changed": True, "created": True, "runner_id": None}),
    ({"registration_token": "GR1348941x"}, True, False, ["register_runner"], {"created": True, "runner_id": 7}),
    ({"runner_token": "glrt-live-token"}, True, False, ["verify_runner"], {"changed": False, "runner_id": 5}),
    ({"runner_token": "glrt-live-token", "access_token": CREATOR}, True, True, ["verify_runner"],
     {"changed": False}),
    ({"runner_token": "glrt-old-token", "access_token": CREATOR}, True, False, ["verify_runner", "create_runner"],
     {"changed": True, "created": True, "runner_id": 6}),
    ({"runner_token": "glrt-old-token", "access_token": CREATOR}, True, True, ["verify_runner"],
     {"changed": True, "created": True}),
    ({"state": "absent", "runner_token": "glrt-live-token"}, True, False,
     ["verify_runner", "delete_runner_by_token"], {"changed": True, "deleted": True, "runner_id": 5}),
    ({"state": "absent", "runner_token": "glrt-live-token"}, True, True, ["verify_runner"],
     {"changed": True, "deleted": True}),
    ({"state": "absent", "runner_token": "glrt-live-token"}, False, False, ["verify_runner"],
     {"changed": False, "deleted": False}),
    ({"state": "absent", "runner_token": "glrt-old-token", "access_token": MANAGER, "runner_id": 5}, True, False,
     ["verify_runner", "delete_runner_by_id"], {"changed": True, "deleted": True, "runner_id": 5}),
    ({"state": "absent", "access_token": MANAGER, "runner_id": 5}, True, True, ["get_runner"],
     {"changed": True, "deleted": True}),
    ({"state": "absent", "access_token": MANAGER, "runner_id": 5}, False, False, ["delete_runner_by_id"],
     {"changed": False, "deleted": False}),
])
def test_ensure_runner_decisions(params, exists, check_mode, calls, expected):
    fake = _FakeAPI(exists)
    result = ensure_runner(fake, dict(_BASE, **params), check_mode=check_mode, now=lambda: "2026-01-02T03:04:05Z")
    assert fake.calls == calls
    assert {key: result[key] for key in expected} == expected
    if check_mode:
        assert not set(fake.calls) & set(_FakeAPI.WRITES)
    if "create_runner" in calls or "register_runner" in calls:
        assert result["token"] and result["token_obtained_at"] == "2026-01-02T03:04:05Z"
    else:
        assert "token" not in result and "token_obtained_at" not in result


def test_ensure_runner_sends_attributes_only_when_set():
    fake = _FakeAPI()
    ensure_runner(fake, dict(_BASE, access_token=CREATOR, runner_type="group_type", group_id=7,
                             description="ci", tag_list=[" docker "], run_untagged=False, locked=None))
    assert fake.created_with == ("group_type", 7, None,
                                 {"description": "ci", "tag_list": ["docker"], "run_untagged": False})


def test_ensure_runner_rejected_token_without_a_way_to_register():
    with pytest.raises(GitLabAPIError) as err:
        ensure_runner(_FakeAPI(), dict(_BASE, runner_token="glrt-old-token"))
    assert err.value.status == 403
    assert str(err.value).startswith("runner token rejected (403) by https://gitlab.example.com: the runner was "
                                     "deleted or its token revoked")
    assert "glrt-old" not in str(err.value)


def test_ensure_runner_warns_when_it_replaces_a_runner():
    result = ensure_runner(_FakeAPI(), dict(_BASE, runner_token="glrt-old-token", access_token=CREATOR))
    assert result["warnings"] == [
        "runner_token was rejected (403) by https://gitlab.example.com (runner deleted, token revoked or "
        "rotated): registered a new runner; replace the old token everywhere it is kept"]


# -- pending credentials ---------------------------------------------------------

_LIVE_PENDING = {"url": "https://gitlab.example.com", "id": 5, "token": "glrt-live-token",
                 "token_obtained_at": "2025-12-31T00:00:00Z", "token_expires_at": None}
_GONE_PENDING = dict(_LIVE_PENDING, id=4, token="glrt-gone-token")


@pytest.mark.parametrize("params, pending, check_mode, calls, expected, kept", [
    # the play died after creating runner 5: reused, whatever runner_token config.toml still has
    ({"access_token": CREATOR}, _LIVE_PENDING, False, ["verify_runner"],
     {"changed": False, "created": False, "recovered": True, "runner_id": 5, "token": "glrt-live-token",
      "token_obtained_at": "2025-12-31T00:00:00Z"}, "glrt-live-token"),
    ({"access_token": CREATOR, "runner_token": "glrt-old-token"}, _LIVE_PENDING, False,
     ["verify_runner", "verify_runner"], {"changed": False, "recovered": True, "token": "glrt-live-token"},
     "glrt-live-token"),
    ({"access_token": CREATOR}, dict(_LIVE_PENDING, token_obtained_at=None), False, ["verify_runner"],
     {"recovered": True, "token_obtained_at": "2026-01-02T03:04:05Z"}, "glrt-live-token"),
    ({"access_token": CREATOR}, _LIVE_PENDING, True, ["verify_runner"], {"changed": False, "recovered": True},
     "glrt-live-token"),
    # GitLab no longer knows the pending runner: a new one, and its token replaces the file
    ({"access_token": CREATOR}, _GONE_PENDING, False, ["verify_runner", "create_runner"],
     {"changed": True, "created": True, "runner_id": 6, "token": "glrt-new-token"}, "glrt-new-token"),
    ({"access_token": CREATOR}, _GONE_PENDING, True, ["verify_runner"], {"changed": True, "created": True},
     "glrt-gone-token"),
    # runner_token is valid: a pending token of another runner is a duplicate to delete
    ({"runner_token": "glrt-live-token"}, _GONE_PENDING, False, ["verify_runner", "delete_runner_by_token"],
     {"changed": True, "created": False, "runner_id": 5}, None),
    ({"runner_token": "glrt-live-token"}, _GONE_PENDING, True, ["verify_runner", "verify_runner"],
     {"changed": True, "created": False}, "glrt-gone-token"),
    ({"runner_token": "glrt-live-token"}, dict(_LIVE_PENDING, token="glrt-before-rotation"), False,
     ["verify_runner"], {"changed": True, "runner_id": 5}, None),
    ({"runner_token": "glrt-live-token"}, _LIVE_PENDING, False, ["verify_runner"], {"changed": False},
     "glrt-live-token"),
    # state=absent settles the pending file as well
    ({"state": "absent", "runner_token": "glrt-live-token"}, _LIVE_PENDING, False,
     ["verify_runner", "delete_runner_by_token"], {"changed": True, "deleted": True}, None),
    # the token given is gone, the pending runner (same name, an earlier run's) is the one deleted
    ({"state": "absent", "runner_token": "glrt-gone-token"}, _LIVE_PENDING, False,
     ["verify_runner", "delete_runner_by_token"], {"changed": True, "deleted": True, "runner_id": 5}, None),
    # only the pending file knows the runner: deleting it is deleting the runner
    ({"state": "absent"}, _LIVE_PENDING, False,
     ["delete_runner_by_token"], {"changed": True, "deleted": True, "runner_id": 5}, None),
    ({"state": "absent"}, _LIVE_PENDING, True,
     ["verify_runner"], {"changed": True, "deleted": True, "runner_id": 5}, "glrt-live-token"),
])
def test_ensure_runner_pending_decisions(tmp_path, params, pending, check_mode, calls, expected, kept):
    path = str(tmp_path / "pending" / "ci.json")
    pending_credentials.write(path, pending)
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, pending_path=path, **params), check_mode=check_mode,
                           now=lambda: "2026-01-02T03:04:05Z")
    assert fake.calls == calls
    assert {key: result.get(key) for key in expected} == expected
    assert result["pending_path"] == path
    if check_mode:
        assert "token" not in result and not set(fake.calls) & set(_FakeAPI.WRITES)
    record = pending_credentials.read(path)
    assert (record["token"] if record else None) == kept


def test_ensure_runner_without_pending_path_touches_no_file(tmp_path):
    result = ensure_runner(_FakeAPI(), dict(_BASE, access_token=CREATOR))
    assert "pending_path" not in result and "recovered" not in result
    assert ensure_runner(_FakeAPI(), dict(_BASE, access_token=CREATOR, pending_path=""))["created"] is True
    assert list(tmp_path.iterdir()) == []


def test_ensure_runner_failed_pending_write_deletes_the_runner_it_created(tmp_path, monkeypatch):
    class _DeleteFails(_FakeAPI):
        def delete_runner_by_token(self, token):
            self.calls.append("delete_runner_by_token")
            raise GitLabAPIError("GitLab at https://gitlab.example.com did not answer DELETE /api/v4/runners")

    def _read_only(path, record):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(pending_credentials, "write", _read_only)
    fake = _DeleteFails()
    with pytest.raises(ValueError) as error:
        ensure_runner(fake, dict(_BASE, access_token=CREATOR, pending_path=str(tmp_path / "ci.json")))
    assert fake.calls == ["create_runner", "delete_runner_by_token"]
    assert str(error.value) == (
        "cannot keep the new runner token in pending_path %s (Read-only file system), so a play that dies before "
        "config.toml is written would lose it; deleting the new runner 6 at GitLab failed too (GitLab at "
        "https://gitlab.example.com did not answer DELETE /api/v4/runners): delete it there. Free space or fix the "
        "path, then run again" % (tmp_path / "ci.json"))


# -- the live config.toml under the lock ------------------------------------------

def _live_config(tmp_path, url="https://gitlab.example.com", token="glrt-live-token", runner_id=5):
    path = tmp_path / "config.toml"
    path.write_text('concurrent = 1\n\n[[runners]]\n  name = "ci"\n  url = "%s"\n  id = %d\n  token = "%s"\n'
                    '  executor = "docker"\n' % (url, runner_id, token))
    return str(path)


@pytest.mark.parametrize("params, calls, expected", [
    # a concurrent play registered "ci" after the caller read config.toml: verified and kept, nothing created
    ({"access_token": CREATOR}, ["verify_runner"], {"changed": False, "created": False, "runner_id": 5}),
    # the service rotated the token the caller passes: the live one is verified instead
    ({"access_token": CREATOR, "runner_token": "glrt-old-token"}, ["verify_runner"],
     {"changed": False, "runner_id": 5}),
    ({"state": "absent", "runner_token": "glrt-old-token"}, ["verify_runner", "delete_runner_by_token"],
     {"changed": True, "deleted": True, "runner_id": 5}),
])
def test_ensure_runner_uses_the_token_config_path_holds_now(tmp_path, params, calls, expected):
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, config_path=_live_config(tmp_path), name="ci", **params))
    assert fake.calls == calls
    assert {key: result.get(key) for key in expected} == expected
    assert "token" not in result and result["warnings"] == []


@pytest.mark.parametrize("config, name", [(False, "ci"), (True, "other"), (True, None)])
def test_ensure_runner_without_a_live_token_registers(tmp_path, config, name):
    path = _live_config(tmp_path) if config else str(tmp_path / "missing.toml")
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, access_token=CREATOR, config_path=path, name=name))
    assert fake.calls == ["create_runner"] and result["created"] is True


def test_ensure_runner_never_sends_a_token_kept_for_another_gitlab(tmp_path):
    path = _live_config(tmp_path, url="https://old-gitlab.example.com")
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, access_token=CREATOR, runner_token="glrt-live-token",
                                      config_path=path, name="ci"))
    assert fake.calls == ["create_runner"]
    assert result["warnings"] == [
        "runner ci in %s is registered at https://old-gitlab.example.com, not at https://gitlab.example.com: its "
        "token is not sent there; delete that runner at its GitLab if nothing uses it" % path]


def test_ensure_runner_keeps_a_given_token_for_another_gitlab_than_the_live_one(tmp_path):
    path = _live_config(tmp_path, url="https://old-gitlab.example.com", token="glrt-other-token")
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, runner_token="glrt-live-token", config_path=path, name="ci"))
    assert fake.calls == ["verify_runner"] and result["runner_id"] == 5 and result["warnings"] == []


@pytest.mark.parametrize("content, message", [
    ('[[runners]\n  token = "glrt-secret-token"\n', r"^%s: .*line 1.*; fix or remove it, then run again$"),
    (b"\xff\xfe", r"^%s: .*not UTF-8 .*at line 1, column 1; .*fix or remove it, then run again$"),
])
def test_ensure_runner_unreadable_config_path_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "config.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    fake = _FakeAPI()
    with pytest.raises(ValueError, match=message % re.escape(str(path))) as error:
        ensure_runner(fake, dict(_BASE, access_token=CREATOR, config_path=str(path), name="ci"))
    assert fake.calls == [] and "glrt-secret" not in str(error.value)


# -- ensure_runners: one host's runners in one call --------------------------------------------

class _ConcurrentFake:
    """Tokens glrt-<name> verify; each verification waits until ``together`` of them are in flight at once."""

    url = "https://gitlab.example.com"

    def __init__(self, together):
        self.barrier = threading.Barrier(together, timeout=5)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0
        self.calls = []

    def verify_runner(self, token, system_id=None):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.barrier.wait()
        finally:
            with self.lock:
                self.in_flight -= 1
                self.calls.append(("verify_runner", token))
        return {"id": int(token.rsplit("-", 1)[1]), "token_expires_at": None} if token != "glrt-gone-0" else None

    def get_runner(self, access_token, runner_id):
        with self.lock:
            self.calls.append(("get_runner", runner_id))
        # As GitLab answers a token with only the create_runner scope.
        raise GitLabAPIError("insufficient_scope", status=403)

    def create_runner(self, access_token, runner_type, group_id=None, project_id=None, attributes=None):
        with self.lock:
            self.calls.append(("create_runner", attributes["description"]))
        return {"id": 100 + len(self.calls), "token": "glrt-new-%d" % len(self.calls), "token_expires_at": None}


def _runners(count, **extra):
    return [dict(_BASE, name="r%d" % index, description="r%d" % index, runner_token="glrt-r-%d" % (index + 1),
                 access_token=CREATOR, **extra) for index in range(count)]


def test_verifications_run_concurrently_within_the_bound():
    fake = _ConcurrentFake(together=MAX_CONCURRENCY)
    results = ensure_runners(lambda url: fake, _runners(3 * MAX_CONCURRENCY))
    # A barrier of MAX_CONCURRENCY parties only opens when that many verifications are in flight at once.
    assert fake.most_in_flight == MAX_CONCURRENCY
    assert [result["name"] for result in results] == ["r%d" % index for index in range(3 * MAX_CONCURRENCY)]
    assert [result["runner_id"] for result in results] == list(range(1, 3 * MAX_CONCURRENCY + 1))
    assert not any(result["changed"] for result in results)


def test_creations_run_one_at_a_time_in_the_order_given():
    fake = _ConcurrentFake(together=1)
    runners = _runners(4)
    runners[1]["runner_token"] = runners[3]["runner_token"] = "glrt-gone-0"
    results = ensure_runners(lambda url: fake, runners)
    assert [call for call in fake.calls if call[0] == "create_runner"] == [
        ("create_runner", "r1"), ("create_runner", "r3")]
    assert [(result["name"], result["created"]) for result in results] == [
        ("r0", False), ("r1", True), ("r2", False), ("r3", True)]


def test_a_bad_runner_stops_the_batch_before_any_request():
    fake = _ConcurrentFake(together=1)
    runners = _runners(3)
    runners[2]["runner_id"] = 0
    runners[2]["state"] = "absent"
    with pytest.raises(RunnerError) as error:
        ensure_runners(lambda url: fake, runners)
    assert error.value.name == "r2" and str(error.value).startswith('runner "r2": runner_id must be a positive')
    assert fake.calls == []


def test_a_failed_verification_is_reported_for_its_runner_in_order():
    class _Failing(_ConcurrentFake):
        def verify_runner(self, token, system_id=None):
            if token == "glrt-r-2":
                raise GitLabAPIError("GitLab at https://gitlab.example.com did not answer", status=None)
            return super().verify_runner(token, system_id)

    fake = _Failing(together=1)
    with pytest.raises(RunnerError) as error:
        ensure_runners(lambda url: fake, _runners(3), concurrency=1)
    assert error.value.name == "r1" and isinstance(error.value.error, GitLabAPIError)


# -- option checks, one rule per row -----------------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"registration_token": "glpat-abcd", "access_token": None}, "registration_token is a personal, project or group "
                                                                 "access token"),
    ({"runner_token": "glpat-abcd"}, "runner_token is a personal, project or group access token"),
    ({"pending_path": "ci.json"}, "pending_path 'ci.json' is not an absolute path"),
    ({"state": "absent", "access_token": None, "config_path": "/etc/gitlab-runner/config.toml"},
     "state=absent needs runner_token"),
    ({"state": "absent", "access_token": None, "name": "ci"}, "state=absent needs runner_token"),
])
def test_validate_params_rejects_one_rule(changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_params(dict(_GOOD, **changes))


@pytest.mark.parametrize("changes", [
    {"state": "absent", "access_token": None, "config_path": "/etc/gitlab-runner/config.toml", "name": "ci"},
    {"state": "absent", "access_token": None, "pending_path": "/etc/gitlab-runner/.runner_pending/ci.json"},
    {"pending_path": "/etc/gitlab-runner/.runner_pending/ci.json"},
])
def test_validate_params_accepts_the_runner_found_on_the_host(changes):
    validate_params(dict(_GOOD, **changes))


# -- what reaches GitLab ------------------------------------------------------------------------

class _SeeingAPI(_FakeAPI):
    """_FakeAPI that also records the arguments of each call."""

    def __init__(self, exists=True):
        super().__init__(exists)
        self.arguments = []

    def verify_runner(self, token, system_id=None):
        self.arguments.append(("verify_runner", token, system_id))
        return super().verify_runner(token, system_id)

    def register_runner(self, registration_token, attributes=None):
        self.arguments.append(("register_runner", registration_token))
        return super().register_runner(registration_token, attributes)

    def delete_runner_by_id(self, access_token, runner_id):
        self.arguments.append(("delete_runner_by_id", runner_id))
        return super().delete_runner_by_id(access_token, runner_id)


def test_the_registration_token_and_the_system_id_reach_gitlab():
    fake = _SeeingAPI()
    ensure_runner(fake, dict(_BASE, registration_token="GR1348941abcd", runner_token="glrt-old-token",
                             system_id="s_0123456789ab"))
    assert fake.arguments == [("verify_runner", "glrt-old-token", "s_0123456789ab"),
                              ("register_runner", "GR1348941abcd")]


def test_a_project_runner_is_created_in_its_project():
    fake = _FakeAPI()
    ensure_runner(fake, dict(_BASE, access_token=CREATOR, runner_type="project_type", project_id=9))
    assert fake.created_with == ("project_type", None, 9, {})


def test_absent_with_an_id_and_no_access_token_deletes_nothing(tmp_path):
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, state="absent", runner_id=5,
                                      pending_path=str(tmp_path / "pending" / "ci.json")))
    assert fake.calls == [] and result["changed"] is False


def test_the_live_runner_id_settles_a_rotated_token(tmp_path):
    # config.toml holds a token GitLab no longer takes, and the runner's id: the access token deletes it by id.
    fake = _SeeingAPI()
    path = _live_config(tmp_path, token="glrt-stale-token", runner_id=5)
    result = ensure_runner(fake, dict(_BASE, state="absent", access_token=MANAGER, config_path=path, name="ci"))
    assert fake.arguments == [("verify_runner", "glrt-stale-token", None), ("delete_runner_by_id", 5)]
    assert result["deleted"] is True


def test_the_live_token_is_handed_to_keep_secret(tmp_path):
    kept = []
    ensure_runner(_FakeAPI(), dict(_BASE, access_token=CREATOR, config_path=_live_config(tmp_path), name="ci"),
                  keep_secret=kept.append)
    assert kept == ["glrt-live-token"]


# -- attributes followed at GitLab, and the host's record of them ---------------------------------

class _AttributesAPI(_FakeAPI):
    """Runner 5 with attributes at GitLab; ``refuse`` maps get_runner/update_runner to an HTTP status it answers."""

    def __init__(self, attributes=None, refuse=None, exists=True):
        super().__init__(exists)
        self.attributes = dict(attributes or {"description": "ci", "tag_list": ["docker"], "paused": False})
        self.refuse = refuse or {}
        self.updates = []

    def _refused(self, method):
        if method in self.refuse:
            raise GitLabAPIError("GitLab at https://gitlab.example.com answered %d" % self.refuse[method],
                                 status=self.refuse[method])

    def get_runner(self, access_token, runner_id):
        self.calls.append("get_runner")
        self._refused("get_runner")
        return dict(self.attributes, id=runner_id) if self.exists and runner_id == 5 else None

    def update_runner(self, access_token, runner_id, attributes):
        self.calls.append("update_runner")
        self._refused("update_runner")
        self.updates.append(attributes)
        self.attributes.update(attributes)
        return dict(self.attributes, id=runner_id)


def _records(tmp_path):
    path = tmp_path / ".runner_attributes.json"
    return json.loads(path.read_text())["runners"] if path.exists() else None


def _write_records(tmp_path, runners):
    (tmp_path / ".runner_attributes.json").write_text(json.dumps({"runners": runners}))


def _follow(tmp_path, fake, check_mode=False, **params):
    values = dict(_BASE, config_path=_live_config(tmp_path), name="ci", description="ci", tag_list=["docker"],
                  paused=False, runner_token="glrt-live-token")
    values.update(params)
    return ensure_runner(fake, values, check_mode=check_mode)


def test_attributes_as_asked_are_recorded_as_confirmed(tmp_path):
    fake = _AttributesAPI()
    result = _follow(tmp_path, fake, access_token=MANAGER)
    assert fake.calls == ["verify_runner", "get_runner"] and result["changed"] is False
    assert _records(tmp_path) == {"ci": {"url": "https://gitlab.example.com", "id": 5, "confirmed": True,
                                         "attributes": {"description": "ci", "tag_list": ["docker"], "paused": False}}}


def test_attributes_that_differ_are_changed_at_gitlab(tmp_path):
    fake = _AttributesAPI()
    result = _follow(tmp_path, fake, access_token=MANAGER, paused=True, tag_list=["docker", "linux"])
    assert fake.updates == [{"paused": True, "tag_list": ["docker", "linux"]}]
    assert result["changed"] is True
    assert result["attributes_changed"] == {"paused": {"before": False, "after": True},
                                            "tag_list": {"before": ["docker"], "after": ["docker", "linux"]}}
    assert _records(tmp_path)["ci"]["attributes"] == {"description": "ci", "tag_list": ["docker", "linux"],
                                                      "paused": True}


def test_attributes_that_differ_in_check_mode(tmp_path):
    fake = _AttributesAPI()
    result = _follow(tmp_path, fake, check_mode=True, access_token=MANAGER, paused=True)
    assert fake.calls == ["verify_runner", "get_runner"] and fake.updates == []
    assert result["changed"] is True and result["attributes_changed"] == {"paused": {"before": False, "after": True}}
    assert _records(tmp_path) is None


@pytest.mark.parametrize("status", [401, 403])
def test_attributes_gitlab_will_not_show(tmp_path, status):
    result = _follow(tmp_path, _AttributesAPI(refuse={"get_runner": status}), access_token=READER)
    assert result["changed"] is False
    assert result["warnings"] == [
        "its attributes at GitLab cannot be compared with the ones asked, as GitLab at https://gitlab.example.com "
        "answered %d, and this host has no record of them: the ones asked are recorded as GitLab's, and later "
        "changes reported; to have them followed, fix access_token as that answer says" % status]
    assert _records(tmp_path)["ci"]["confirmed"] is False


@pytest.mark.parametrize("status", [401, 403])
def test_attributes_gitlab_will_not_change(tmp_path, status):
    fake = _AttributesAPI(refuse={"update_runner": status})
    _write_records(tmp_path, {"ci": {"url": "https://gitlab.example.com", "id": 5, "confirmed": True,
                                     "attributes": {"paused": False}}})
    result = _follow(tmp_path, fake, access_token=READER, paused=True)
    assert result["changed"] is False
    assert result["warnings"] == [
        "its attributes at GitLab differ from the ones asked (paused false -> true) and were not changed: GitLab at "
        "https://gitlab.example.com answered %d" % status]
    assert _records(tmp_path)["ci"]["attributes"] == {"paused": False}


@pytest.mark.parametrize("method", ["get_runner", "update_runner"])
def test_other_answers_of_gitlab_stop_the_run(tmp_path, method):
    with pytest.raises(GitLabAPIError):
        _follow(tmp_path, _AttributesAPI(refuse={method: 500}), access_token=MANAGER, paused=True)


def test_a_runner_gitlab_does_not_find(tmp_path):
    class _Gone(_AttributesAPI):
        def get_runner(self, access_token, runner_id):
            self.calls.append("get_runner")
            return None

    result = _follow(tmp_path, _Gone(), access_token=MANAGER)
    assert result["warnings"][0].startswith(
        "its attributes at GitLab cannot be compared with the ones asked, as GitLab at https://gitlab.example.com "
        "answered 404 to GET /api/v4/runners/5: ")


@pytest.mark.parametrize("check_mode, recorded", [(False, "are"), (True, "would be")])
def test_without_an_access_token_the_first_run_records_what_is_asked(tmp_path, check_mode, recorded):
    fake = _AttributesAPI()
    result = _follow(tmp_path, fake, check_mode=check_mode)
    assert fake.calls == ["verify_runner"]
    assert result["warnings"] == [
        "its attributes at GitLab cannot be compared with the ones asked, as no access_token was given, and this host "
        "has no record of them: the ones asked %s recorded as GitLab's, and later changes reported; to have them "
        "followed, give access_token (the runner role's runner_access_token) %s" % (recorded, MANAGE_RUNNER)]
    assert (_records(tmp_path) is None) is check_mode


def test_without_an_access_token_a_change_from_the_record_is_reported(tmp_path):
    _write_records(tmp_path, {"ci": {"url": "https://gitlab.example.com", "id": 5, "confirmed": True,
                                     "attributes": {"description": "ci", "tag_list": ["docker"], "paused": False}}})
    result = _follow(tmp_path, _AttributesAPI(), paused=True)
    assert result["changed"] is False
    assert result["warnings"] == [
        "its attributes differ from the ones last set at GitLab (paused false -> true) and were not changed, as no "
        "access_token was given; to have them followed, give access_token (the runner role's runner_access_token) "
        "%s (the runner is never registered again to change them)" % MANAGE_RUNNER]


@pytest.mark.parametrize("entry", [
    {"url": "https://gitlab.example.com", "id": 4, "confirmed": True, "attributes": {"paused": False}},
    {"url": "https://old-gitlab.example.com", "id": 5, "confirmed": True, "attributes": {"paused": False}},
])
def test_a_record_of_another_runner_is_not_used(tmp_path, entry):
    _write_records(tmp_path, {"ci": entry})
    result = _follow(tmp_path, _AttributesAPI(), paused=False)
    assert "this host has no record of them" in result["warnings"][0]
    assert _records(tmp_path)["ci"] == {"url": "https://gitlab.example.com", "id": 5, "confirmed": False,
                                        "attributes": {"description": "ci", "tag_list": ["docker"], "paused": False}}


def test_a_new_runner_is_recorded_as_created(tmp_path):
    fake = _AttributesAPI()
    ensure_runner(fake, dict(_BASE, access_token=CREATOR, config_path=str(tmp_path / "config.toml"), name="ci",
                             paused=True))
    assert _records(tmp_path) == {"ci": {"url": "https://gitlab.example.com", "id": 6, "confirmed": True,
                                         "attributes": {"paused": True}}}


def test_a_deleted_runner_leaves_the_record(tmp_path):
    _write_records(tmp_path, {"ci": {"url": "https://gitlab.example.com", "id": 5, "confirmed": True,
                                     "attributes": {"paused": False}},
                              "other": {"url": "https://gitlab.example.com", "id": 8, "confirmed": True,
                                        "attributes": {"paused": True}}})
    ensure_runner(_FakeAPI(), dict(_BASE, state="absent", config_path=_live_config(tmp_path), name="ci"))
    assert list(_records(tmp_path)) == ["other"]


def test_deleting_a_runner_without_a_record_writes_none(tmp_path):
    ensure_runner(_FakeAPI(), dict(_BASE, state="absent", config_path=_live_config(tmp_path), name="ci"))
    assert _records(tmp_path) is None


def test_a_record_that_cannot_be_written_is_a_warning(tmp_path, monkeypatch):
    def _full(path, records):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner_attributes, "save_records", _full)
    result = _follow(tmp_path, _AttributesAPI(), access_token=MANAGER)
    assert result["warnings"] == [
        "cannot write %s (No space left on device): changes of runner attributes may go unnoticed without an access "
        "token that may read them" % (tmp_path / ".runner_attributes.json")]


# -- ensure_runners: reads first, then each runner in order ---------------------------------------

class _BatchAPI(_AttributesAPI):
    url = "https://gitlab.example.com"

    def verify_runner(self, token, system_id=None):
        self.calls.append(("verify_runner", token))
        return {"id": 5, "token_expires_at": None} if token == "glrt-live-token" else None

    def get_runner(self, access_token, runner_id):
        self.calls.append(("get_runner", runner_id))
        return dict(self.attributes, id=runner_id)

    def create_runner(self, access_token, runner_type, group_id=None, project_id=None, attributes=None):
        self.calls.append(("create_runner", attributes.get("description")))
        return {"id": 6, "token": "glrt-new-token", "token_expires_at": None}

    def delete_runner_by_token(self, token):
        self.calls.append(("delete_runner_by_token", token))
        return True

    def delete_runner_by_id(self, access_token, runner_id):
        self.calls.append(("delete_runner_by_id", runner_id))
        return True


def test_a_batch_reads_first_then_settles_each_runner_in_order(tmp_path):
    fake = _BatchAPI()
    made = []
    pending_path = str(tmp_path / "pending" / "old.json")
    pending_credentials.write(pending_path, _LIVE_PENDING)

    def make_api(url):
        made.append(url)
        return fake

    runners = [
        dict(_BASE, url="https://gitlab.example.com/", name="new", description="new", access_token=CREATOR),
        dict(_BASE, name="kept", runner_token="glrt-live-token", runner_id=5, access_token=MANAGER,
             description="ci", config_path=str(tmp_path / "config.toml")),
        dict(_BASE, name="old", state="absent", pending_path=pending_path, access_token=MANAGER, runner_id=7,
             description="old"),
    ]
    results = ensure_runners(make_api, runners, concurrency=1)
    assert made == ["https://gitlab.example.com"]
    assert fake.calls == [("verify_runner", "glrt-live-token"), ("get_runner", 5),
                          ("verify_runner", "glrt-live-token"), ("create_runner", "new"),
                          ("delete_runner_by_id", 7), ("delete_runner_by_token", "glrt-live-token")]
    assert [(result["name"], result["created"], result["deleted"]) for result in results] == [
        ("new", True, False), ("kept", False, False), ("old", False, True)]
    assert _records(tmp_path) == {"kept": {"url": "https://gitlab.example.com", "id": 5, "confirmed": True,
                                           "attributes": {"description": "ci"}}}


def test_a_batch_names_the_runner_whose_config_cannot_be_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[[runners]\n")
    with pytest.raises(RunnerError) as error:
        ensure_runners(lambda url: _BatchAPI(), [dict(_BASE, name="ci", access_token=CREATOR, config_path=str(path))])
    assert error.value.name == "ci"


def test_absent_with_a_rejected_token_and_an_id_but_no_access_token_deletes_nothing():
    fake = _FakeAPI()
    result = ensure_runner(fake, dict(_BASE, state="absent", runner_token="glrt-old-token", runner_id=5))
    assert fake.calls == ["verify_runner"] and result["changed"] is False and result["runner_id"] is None
