# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The GitLab runner API test double keeps the contract the other tests rely on."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double import server
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble, token_hash

CREATOR = "glpat-creator-token-0001"
REGISTRATION = "GR1348941registrationtoken0004"


@pytest.fixture
def gitlab():
    with GitLabAPIDouble(access_tokens={CREATOR: ["create_runner"]}, registration_tokens=[REGISTRATION],
                         groups=[7]) as double:
        yield double


def _call(base_url, method, path, body=None, headers=None, form=False):
    """Return (status, decoded JSON or None) of one raw HTTP request."""
    data = None
    headers = dict(headers or {})
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    return status, (json.loads(raw) if raw else None)


def _create(double, **body):
    body.setdefault("runner_type", "instance_type")
    return _call(double.url, "POST", "/api/v4/user/runners", body, {"PRIVATE-TOKEN": CREATOR})


# -- GitLab endpoints ---------------------------------------------------------------

@pytest.mark.parametrize("headers, body, status, answer", [
    ({}, {"runner_type": "instance_type"}, 401, {"message": "401 Unauthorized"}),
    ({"PRIVATE-TOKEN": "glpat-unknown"}, {"runner_type": "instance_type"}, 401, {"message": "401 Unauthorized"}),
    ({"PRIVATE-TOKEN": CREATOR}, {}, 400, {"error": "runner_type is missing"}),
    ({"PRIVATE-TOKEN": CREATOR}, {"runner_type": "shared"}, 400, {"error": "runner_type does not have a valid value"}),
    ({"PRIVATE-TOKEN": CREATOR}, {"runner_type": "group_type"}, 400,
     {"message": "400 Bad Request - Missing/invalid group ID"}),
    ({"PRIVATE-TOKEN": CREATOR}, {"runner_type": "project_type", "project_id": 1}, 400,
     {"message": "400 Bad Request - Missing/invalid project ID"}),
    ({"PRIVATE-TOKEN": CREATOR}, {"runner_type": "instance_type", "maximum_timeout": 60}, 400,
     {"message": {"maximum_timeout": ["needs to be at least 10 minutes"]}}),
    ({"PRIVATE-TOKEN": CREATOR}, {"runner_type": "instance_type", "access_level": "x"}, 400,
     {"error": "access_level does not have a valid value"}),
])
def test_create_refusals(gitlab, headers, body, status, answer):
    assert _call(gitlab.url, "POST", "/api/v4/user/runners", body, headers) == (status, answer)
    assert gitlab.state()["runners"] == []


def test_create_needs_the_create_runner_scope(gitlab):
    gitlab.add_tokens(access_tokens={"glpat-reader": ["read_api"], "glpat-api": ["api"]})
    status, answer = _call(gitlab.url, "POST", "/api/v4/user/runners", {"runner_type": "instance_type"},
                           {"PRIVATE-TOKEN": "glpat-reader"})
    assert (status, answer["error"], answer["scope"]) == (403, "insufficient_scope", "create_runner")
    assert _call(gitlab.url, "POST", "/api/v4/user/runners", {"runner_type": "instance_type"},
                 {"PRIVATE-TOKEN": "glpat-api"})[0] == 201


def test_create_with_a_form_body_and_comma_separated_tags(gitlab):
    status, created = _call(gitlab.url, "POST", "/api/v4/user/runners",
                            {"runner_type": "group_type", "group_id": "7", "tag_list": "a, b", "paused": "true"},
                            {"PRIVATE-TOKEN": CREATOR}, form=True)
    assert status == 201 and set(created) == {"id", "token", "token_expires_at"}
    runner = gitlab.state()["runners"][0]
    assert (runner["group_id"], runner["tag_list"], runner["paused"]) == (7, ["a", "b"], True)


def test_runner_token_in_body_or_header(gitlab):
    created = _create(gitlab)[1]
    token = created["token"]
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": token})[0] == 200
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {}, {"RUNNER-TOKEN": token}) == (
        200, {"id": created["id"], "token": token, "token_expires_at": None})
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": "glrt-nope"}) == (
        403, {"message": "403 Forbidden"})
    assert _call(gitlab.url, "DELETE", "/api/v4/runners", None, {"RUNNER-TOKEN": token}) == (204, None)
    assert _call(gitlab.url, "DELETE", "/api/v4/runners", {"token": token}) == (403, {"message": "403 Forbidden"})


def test_reset_authentication_token(gitlab):
    created = _create(gitlab)[1]
    status, rotated = _call(gitlab.url, "POST", "/api/v4/runners/reset_authentication_token",
                            {"token": created["token"]})
    assert status == 201 and rotated["token"].startswith("glrt-") and rotated["token"] != created["token"]
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": created["token"]})[0] == 403
    assert _call(gitlab.url, "POST", "/api/v4/runners/reset_authentication_token",
                 {"token": created["token"]})[0] == 403


def test_legacy_registration_checks_the_token_before_the_instance_setting(gitlab):
    assert _call(gitlab.url, "POST", "/api/v4/runners", {"token": "GR1348941wrong"})[0] == 403
    assert _call(gitlab.url, "POST", "/api/v4/runners", {"token": REGISTRATION}) == (
        410, {"message": "410 Gone - runner registration disallowed"})
    gitlab.add_tokens(allow_registration_tokens=True)
    status, created = _call(gitlab.url, "POST", "/api/v4/runners", {"token": REGISTRATION, "description": "old"})
    assert status == 201 and not created["token"].startswith("glrt-")
    assert gitlab.state()["runners"][0]["created_with"] == "registration_token"


def test_runner_by_id_needs_manage_runner_or_api(gitlab):
    created = _create(gitlab)[1]
    path = "/api/v4/runners/%d" % created["id"]
    assert _call(gitlab.url, "DELETE", path, None, {"PRIVATE-TOKEN": CREATOR})[0] == 403
    assert _call(gitlab.url, "GET", path, None, {"PRIVATE-TOKEN": CREATOR})[0] == 403
    assert _call(gitlab.url, "GET", path)[0] == 401
    gitlab.add_tokens(access_tokens={"glpat-manager": ["manage_runner"]})
    status, runner = _call(gitlab.url, "GET", path, None, {"PRIVATE-TOKEN": "glpat-manager"})
    assert status == 200 and runner["id"] == created["id"] and "token" not in runner and "token_hash" not in runner
    assert _call(gitlab.url, "DELETE", path, None, {"PRIVATE-TOKEN": "glpat-manager"}) == (204, None)
    assert _call(gitlab.url, "DELETE", path, None, {"PRIVATE-TOKEN": "glpat-manager"}) == (
        404, {"message": "404 Not Found - Runner Not Found"})


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v4/user/runners", 405),
    ("PUT", "/api/v4/runners/verify", 405),
    ("GET", "/api/v4/projects", 404),
    ("GET", "/_double/nothing", 404),
])
def test_unknown_routes(gitlab, method, path, status):
    assert _call(gitlab.url, method, path)[0] == status


# -- control endpoints --------------------------------------------------------------

def test_state_shows_hashes_never_tokens(gitlab):
    created = _create(gitlab, description="d")[1]
    state = _call(gitlab.url, "GET", "/_double/state")[1]
    text = json.dumps(state)
    assert created["token"] not in text and CREATOR not in text and REGISTRATION not in text
    assert state["runners"][0]["token_hash"] == token_hash(created["token"])
    assert state["access_tokens"] == [{"token_hash": token_hash(CREATOR), "scopes": ["create_runner"]}]
    assert state["calls"] == {"POST /api/v4/user/runners": 1}
    assert state["requests"] == [{"method": "POST", "path": "/api/v4/user/runners",
                                  "endpoint": "POST /api/v4/user/runners", "status": 201}]


def test_control_endpoints_over_http(gitlab):
    assert _call(gitlab.url, "POST", "/_double/tokens", {
        "access_tokens": {"glpat-extra": ["create_runner"]}, "allow_registration_tokens": True,
        "groups": [8], "projects": [9]})[0] == 200
    created = _call(gitlab.url, "POST", "/api/v4/user/runners", {"runner_type": "project_type", "project_id": 9},
                    {"PRIVATE-TOKEN": "glpat-extra"})[1]

    status, rotated = _call(gitlab.url, "POST", "/_double/runners/%d/rotate" % created["id"])
    assert status == 200 and rotated["id"] == created["id"] and rotated["token"] != created["token"]
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": rotated["token"]})[0] == 200

    assert _call(gitlab.url, "DELETE", "/_double/runners/%d" % created["id"]) == (204, None)
    assert _call(gitlab.url, "DELETE", "/_double/runners/%d" % created["id"])[0] == 404
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": rotated["token"]})[0] == 403

    assert _call(gitlab.url, "POST", "/_double/tokens", {"revoke_access_tokens": ["glpat-extra"]})[0] == 200
    assert _create(gitlab)[0] == 201
    assert _call(gitlab.url, "POST", "/api/v4/user/runners", {"runner_type": "instance_type"},
                 {"PRIVATE-TOKEN": "glpat-extra"})[0] == 401

    status, state = _call(gitlab.url, "POST", "/_double/reset")
    assert status == 200
    assert (state["runners"], state["calls"], state["allow_registration_tokens"]) == ([], {}, False)
    assert state["groups"] == [7] and len(state["access_tokens"]) == 1


def test_faults_queue(gitlab):
    status, answer = _call(gitlab.url, "POST", "/_double/faults", {"faults": [
        {"path": "/api/v4/runners/:id", "method": "DELETE", "status": 502, "times": 2},
        {"path": "/api/v4/runners/verify", "status": 500, "body": {"message": "custom"}},
    ]})
    assert status == 201 and len(answer["faults"]) == 2
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": "x"}) == (500, {"message": "custom"})
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": "x"})[0] == 403
    assert _call(gitlab.url, "GET", "/api/v4/runners/3")[0] == 401  # method does not match the fault
    assert _call(gitlab.url, "DELETE", "/api/v4/runners/3")[0] == 502
    assert _call(gitlab.url, "DELETE", "/api/v4/runners/3")[0] == 502
    assert _call(gitlab.url, "DELETE", "/api/v4/runners/3")[0] == 401
    assert gitlab.state()["faults"] == []


def test_faults_not_yet_used_can_be_dropped(gitlab):
    gitlab.add_fault(path="/api/v4/runners/verify", status=500, times=5)
    assert _call(gitlab.url, "DELETE", "/_double/faults")[0] == 204
    assert gitlab.state()["faults"] == []
    assert _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": "x"})[0] == 403


@pytest.mark.parametrize("fault", [{"path": "/x"}, {"times": 3}])
def test_a_fault_needs_an_effect(gitlab, fault):
    status, answer = _call(gitlab.url, "POST", "/_double/faults", fault)
    assert status == 400 and "a fault needs status, delay or drop" in answer["error"]


def test_drop_closes_without_an_answer(gitlab):
    gitlab.add_fault(drop=True)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        _call(gitlab.url, "POST", "/api/v4/runners/verify", {"token": "x"})
    assert gitlab.state()["requests"][-1]["status"] == "dropped"


# -- persistence and command line -----------------------------------------------------

def test_state_file_survives_a_restart(tmp_path):
    state_file = str(tmp_path / "gitlab.json")
    with GitLabAPIDouble(access_tokens={CREATOR: ["create_runner"]}, state_file=state_file) as first:
        created = _create(first)[1]
    with open(state_file, encoding="utf-8") as handle:
        assert created["token"] in handle.read()  # the file is test data; tokens stay in it
    with GitLabAPIDouble(state_file=state_file, groups=[5]) as second:
        assert _call(second.url, "POST", "/api/v4/runners/verify", {"token": created["token"]})[0] == 200
        assert _create(second)[1]["id"] == created["id"] + 1
        assert second.state()["groups"] == [5]


def test_command_line(tmp_path):
    script = server.__file__
    process = subprocess.Popen(
        [sys.executable, script, "--listen", "127.0.0.1", "--port", "0", "--quiet",
         "--access-token", "glpat-cli-token:create_runner,manage_runner", "--group", "3",
         "--state-file", str(tmp_path / "s.json")],
        stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert "TEST DOUBLE, not GitLab" in line
        url = line.rsplit(" ", 1)[1].strip()
        assert _call(url, "POST", "/api/v4/user/runners", {"runner_type": "group_type", "group_id": 3},
                     {"PRIVATE-TOKEN": "glpat-cli-token"})[0] == 201
        assert _call(url, "GET", "/_double/state")[1]["access_tokens"][0]["scopes"] == [
            "create_runner", "manage_runner"]
    finally:
        process.terminate()
        process.wait(5)
        process.stderr.close()


@pytest.mark.parametrize("argv, message", [
    (["--access-token", "glpat-no-scope"], "--access-token wants TOKEN:SCOPE"),
    (["--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"),
])
def test_command_line_errors(capsys, argv, message):
    with pytest.raises(SystemExit):
        server.main(argv)
    assert message in capsys.readouterr().err


def test_health_check_answers_without_a_token(gitlab):
    assert _call(gitlab.url, "GET", "/-/health") == (200, "GitLab OK")
    assert _call(gitlab.url, "POST", "/-/health")[0] == 405
