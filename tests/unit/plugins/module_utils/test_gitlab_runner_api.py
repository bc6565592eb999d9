# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The GitLab runner API client against the test double, and the decisions of ensure_runner."""

from __future__ import annotations

import re

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import pending_credentials
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    GitLabAPIError,
    GitLabRunnerAPI,
    ensure_runner,
    validate_params,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import mask as mask_tokens
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble

CREATOR = "glpat-creator-token-0001"
MANAGER = "glpat-manager-token-0002"
READER = "glpat-reader-token-0003"


@pytest.fixture
def gitlab():
    double = GitLabAPIDouble(
        access_tokens={CREATOR: ["create_runner"], MANAGER: ["create_runner", "manage_runner"],
                       READER: ["read_api"]},
        groups=[7], projects=[42])
    with double:
        yield double


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def api(gitlab, sleeps):
    return GitLabRunnerAPI(gitlab.url, retries=3, backoff=1.0, sleep=sleeps.append)


# -- url -----------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("https://gitlab.example.com", "https://gitlab.example.com"),
    ("https://gitlab.example.com/", "https://gitlab.example.com"),
    (" http://10.0.0.5:8080/gitlab/ ", "http://10.0.0.5:8080/gitlab"),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url, message", [
    ("", "url is empty"),
    (None, "url is empty"),
    ("gitlab.example.com", "is not an http(s) URL"),
    ("ftp://gitlab.example.com", "is not an http(s) URL"),
    ("https://", "is not an http(s) URL"),
    ("https://user:glpat-secretsecret@gitlab.example.com", "carries credentials"),
    ("https://gitlab.example.com/?private_token=x", "has a query or fragment"),
    ("https://gitlab.example.com/api/v4/", "ends in /api/v4"),
])
def test_normalize_url_rejects(url, message):
    with pytest.raises(ValueError) as err:
        normalize_url(url)
    assert message in str(err.value)
    assert "glpat-" not in str(err.value)


# -- masking -------------------------------------------------------------------

@pytest.mark.parametrize("text, secrets, expected", [
    ("token glrt-AbC_123-xyz here", (), "token glrt-******** here"),
    ("glpat-abcdef12345 and gldt-abcdef12345", (), "glpat-******** and gldt-********"),
    ("registration GR1348941AbCdEf", (), "registration GR1348941********"),
    ("custom s3cr3t-value!", ("s3cr3t-value",), "custom ********!"),
    ("no token here, glrt- alone", (), "no token here, glrt- alone"),
])
def test_mask_tokens(text, secrets, expected):
    assert mask_tokens(text, secrets) == expected


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
    ({"system_id": "s_0123456789AB"}, "is not a runner system id"),
    ({"system_id": "0123456789ab"}, "is not a runner system id"),
    ({"maximum_timeout": 599}, "GitLab needs between 600 seconds"),
    ({"access_level": "protected"}, "access_level is 'protected', not one of not_protected, ref_protected"),
    ({"tag_list": ["docker", " "]}, "tag_list[1] is empty or not a string"),
    ({"tag_list": ["docker", 5]}, "tag_list[1] is empty or not a string (5)"),
    ({"timeout": -1}, "timeout must be more than 0 seconds"),
    ({"retries": -1}, "retries must be between 0 and 10"),
    ({"backoff": 31}, "backoff must be between 0 and 30 seconds"),
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
    {"state": "absent", "runner_id": 4, "maximum_timeout": 600, "tag_list": ["a"], "retries": 10},
])
def test_validate_params_accepts(changes):
    validate_params(dict(_GOOD, **changes))


# -- endpoints -------------------------------------------------------------------

def test_create_verify_rotate_delete(api, gitlab):
    created = api.create_runner(CREATOR, "project_type", project_id=42,
                                attributes={"description": "d", "tag_list": ["x"], "paused": True})
    assert created["token"].startswith("glrt-") and created["token_expires_at"] is None
    assert api.verify_runner(created["token"], "s_0123456789ab") == {"id": created["id"], "token_expires_at": None}

    rotated = api.reset_runner_token(created["token"])
    assert rotated["token"] != created["token"]
    assert api.verify_runner(created["token"]) is None
    assert api.verify_runner(rotated["token"])["id"] == created["id"]

    assert api.delete_runner_by_token(created["token"]) is False
    assert api.delete_runner_by_token(rotated["token"]) is True
    assert gitlab.state()["runners"] == []


def test_token_expiry_is_passed_through(api, gitlab):
    gitlab.add_tokens(token_expires_in=3600)
    created = api.create_runner(CREATOR, "instance_type")
    assert created["token_expires_at"].endswith("Z")
    assert api.verify_runner(created["token"])["token_expires_at"] == created["token_expires_at"]


def test_get_and_delete_by_id(api):
    created = api.create_runner(MANAGER, "group_type", group_id=7)
    assert api.get_runner(MANAGER, created["id"])["runner_type"] == "group_type"
    assert api.delete_runner_by_id(MANAGER, created["id"]) is True
    assert api.get_runner(MANAGER, created["id"]) is None
    assert api.delete_runner_by_id(MANAGER, created["id"]) is False


@pytest.mark.parametrize("runner_type, message", [
    (None, "(runner_type is missing)"),
    ("bogus_type", "(runner_type does not have a valid value)"),
])
def test_bad_runner_type_is_a_400_at_once(api, gitlab, runner_type, message):
    with pytest.raises(GitLabAPIError) as err:
        api.create_runner(CREATOR, runner_type)
    assert err.value.status == 400
    assert message in str(err.value)
    assert gitlab.calls() == {"POST /api/v4/user/runners": 1}


def test_delete_by_id_with_create_runner_scope_only(api, gitlab):
    with pytest.raises(GitLabAPIError) as err:
        api.delete_runner_by_id(CREATOR, 1)
    assert err.value.status == 403
    assert "access_token may not delete runner 1" in str(err.value)


def test_get_by_id_with_an_unknown_token(api):
    with pytest.raises(GitLabAPIError) as err:
        api.get_runner("glpat-nobody-knows-me", 1)
    assert err.value.status == 401
    assert "glpat-" not in str(err.value)


# -- retries -----------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_with_exponential_backoff(api, gitlab, sleeps, status):
    gitlab.add_fault(path="/api/v4/user/runners", status=status, times=3)
    assert api.create_runner(CREATOR, "instance_type")["id"] == 1
    assert sleeps == [1.0, 2.0, 4.0]
    assert gitlab.calls() == {"POST /api/v4/user/runners": 4}
    assert api.attempts == 4


def test_backoff_is_capped(gitlab, sleeps):
    api = GitLabRunnerAPI(gitlab.url, retries=4, backoff=20, sleep=sleeps.append)
    gitlab.add_fault(path="/api/v4/runners/verify", status=503, times=4)
    assert api.verify_runner("glrt-unknown-token") is None
    assert sleeps == [20, 30.0, 30.0, 30.0]


def test_retries_exhausted_on_5xx(api, gitlab, sleeps):
    gitlab.add_fault(path="/api/v4/runners/verify", status=502, times=10)
    with pytest.raises(GitLabAPIError) as err:
        api.verify_runner("glrt-unknown-token")
    assert err.value.status == 502
    assert str(err.value).startswith(
        "GitLab at %s still answered 502 Bad Gateway (502 Bad Gateway - injected by the test double) to POST "
        "/api/v4/runners/verify after 4 attempt(s)" % gitlab.url)
    assert len(sleeps) == 3


def test_zero_retries_means_one_attempt(gitlab, sleeps):
    api = GitLabRunnerAPI(gitlab.url, retries=0, sleep=sleeps.append)
    gitlab.add_fault(status=500, times=5)
    with pytest.raises(GitLabAPIError):
        api.verify_runner("glrt-unknown-token")
    assert (sleeps, gitlab.calls()) == ([], {"POST /api/v4/runners/verify": 1})


def test_dropped_connection_exhausts_retries(api, gitlab):
    gitlab.add_fault(drop=True, times=4)
    with pytest.raises(GitLabAPIError) as err:
        api.verify_runner("glrt-unknown-token")
    assert "last error: connection closed without an answer" in str(err.value)
    assert err.value.status is None


def test_4xx_is_not_retried(api, gitlab, sleeps):
    with pytest.raises(GitLabAPIError):
        api.create_runner(READER, "instance_type")
    assert (sleeps, api.attempts) == ([], 1)


# -- answers that are not GitLab's ----------------------------------------------------

def test_redirect_is_explained(api, gitlab):
    gitlab.add_fault(status=301, headers={"Location": "https://gitlab.example.com/api/v4/runners/verify"})
    with pytest.raises(GitLabAPIError) as err:
        api.verify_runner("glrt-whatever-token")
    assert err.value.status == 301
    assert "url redirects (to https://gitlab.example.com/api/v4/runners/verify)" in str(err.value)


def test_success_without_json_is_explained(api, gitlab):
    gitlab.add_fault(status=201, body="<html>login</html>")
    with pytest.raises(GitLabAPIError) as err:
        api.create_runner(CREATOR, "instance_type")
    assert "without the expected JSON fields id, token: is url a GitLab instance" in str(err.value)


def test_unexpected_status_names_the_call(api, gitlab):
    gitlab.add_fault(status=404, body={"message": "404 Not Found"})
    with pytest.raises(GitLabAPIError) as err:
        api.verify_runner("glrt-whatever-token")
    assert "answered 404 Not Found to POST /api/v4/runners/verify" in str(err.value)
    assert "url must be GitLab's base URL" in str(err.value)


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
    (b"\xff\xfe", r"^cannot read %s \(UnicodeDecodeError\)"),
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
