# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The GitLab runner API client against the test double: endpoints, retries, errors, URL normalization."""

from __future__ import annotations

import io
import json
import socket
import ssl
import urllib.error

import pytest
from ansible.module_utils.urls import SSLValidationError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import gitlab_connection
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    GitLabAPIError,
    GitLabRunnerAPI,
    explain_status,
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


# -- endpoints -------------------------------------------------------------------

def test_create_verify_rotate_delete(api, gitlab):
    created = api.create_runner(CREATOR, "project_type", project_id=42,
                                attributes={"description": "d", "tag_list": ["x"], "paused": True})
    assert created["token"].startswith("glrt-") and created["token_expires_at"] is None
    assert api.verify_runner(created["token"], "s_0123456789ab") == {"id": created["id"], "token_expires_at": None}

    rotated = gitlab.rotate_token(created["id"])  # as the runner service rotates it
    assert rotated != created["token"]
    assert api.verify_runner(created["token"]) is None
    assert api.verify_runner(rotated)["id"] == created["id"]

    assert api.delete_runner_by_token(created["token"]) is False
    assert api.delete_runner_by_token(rotated) is True
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


def test_update_runner_changes_only_what_is_given(api, gitlab):
    created = api.create_runner(MANAGER, "instance_type", attributes={"tag_list": ["docker"], "description": "a"})
    updated = api.update_runner(MANAGER, created["id"], {"tag_list": ["docker", "linux"], "paused": True})
    assert (updated["tag_list"], updated["paused"], updated["active"], updated["description"]) == (
        ["docker", "linux"], True, False, "a")
    assert gitlab.calls()["PUT /api/v4/runners/:id"] == 1


@pytest.mark.parametrize("token, attributes, status, message", [
    (CREATOR, {"paused": True}, 403, "access_token is accepted but lacks the scope or the rights for this: it needs "
                                     "the manage_runner scope"),
    (READER, {"paused": True}, 403, "access_token is accepted but lacks the scope or the rights"),
    ("glpat-nobody-knows-me", {"paused": True}, 401, "access_token is unknown, expired or revoked (GitLab does not "
                                                     "accept it): give a current"),
    (MANAGER, {"maximum_timeout": 60}, 400, "needs to be at least 10 minutes"),
    (MANAGER, {"access_level": "everyone"}, 400, "check the runner attributes"),
])
def test_update_runner_refusals_are_explained(api, token, attributes, status, message):
    api.create_runner(MANAGER, "instance_type")
    with pytest.raises(GitLabAPIError) as err:
        api.update_runner(token, 1, attributes)
    assert err.value.status == status
    assert message in str(err.value)
    assert "glpat-" not in str(err.value)


def test_update_of_an_unknown_runner(api):
    with pytest.raises(GitLabAPIError) as err:
        api.update_runner(MANAGER, 99, {"paused": True})
    assert err.value.status == 404 and "GitLab has no runner 99" in str(err.value)


def test_running_jobs_lists_only_running_jobs_of_that_runner(api, gitlab):
    first = api.create_runner(MANAGER, "instance_type")["id"]
    second = api.create_runner(MANAGER, "instance_type")["id"]
    assert api.running_jobs(READER, first) == []
    done = gitlab.start_job(first, status="success")
    running = gitlab.start_job(first)
    gitlab.start_job(second)
    assert api.running_jobs(READER, first) == [running]
    gitlab.set_job(running, "success")
    assert api.running_jobs(MANAGER, first) == []
    assert done != running


def test_running_jobs_refusals_are_explained(api):
    api.create_runner(MANAGER, "instance_type")
    with pytest.raises(GitLabAPIError) as err:
        api.running_jobs(CREATOR, 1)
    assert err.value.status == 403 and "answered 403 Forbidden to GET /api/v4/runners/1/jobs" in str(err.value)
    assert "it needs the manage_runner scope" in str(err.value)
    with pytest.raises(GitLabAPIError) as err:
        api.running_jobs(MANAGER, 5)
    assert err.value.status == 404


def test_running_jobs_needs_a_list(api, gitlab):
    gitlab.add_fault(path="/api/v4/runners/:id/jobs", status=200, body={"message": "login"})
    with pytest.raises(GitLabAPIError) as err:
        api.running_jobs(MANAGER, 1)
    assert "without a JSON list of jobs" in str(err.value)


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
    assert "answered 403 Forbidden to DELETE /api/v4/runners/1" in str(err.value)
    assert "it needs the manage_runner scope" in str(err.value)


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
    assert "did not answer POST /api/v4/runners/verify after 4 attempt(s); last error: connection closed without an " \
           "answer" in str(err.value)
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


def test_an_orphaned_runner_is_said_as_such(api, gitlab):
    # POST /runners/verify answers 422 "Runner is orphaned" when the runner's project or group is gone.
    gitlab.add_fault(path="/api/v4/runners/verify", status=422, body={"message": "422 Unprocessable Entity"})
    with pytest.raises(GitLabAPIError) as err:
        api.verify_runner("glrt-whatever-token")
    assert err.value.status == 422
    assert "GitLab calls this runner orphaned: the project or group it belonged to is gone" in str(err.value)
    assert "base URL" not in str(err.value) and "glrt-whatever-token" not in str(err.value)


# -- what goes to GitLab and what comes back, without a server --------------------------------------------------------

class _Response:
    def __init__(self, status, body=b"", headers=None):
        self.status, self.body, self.headers = status, body, headers or {}

    def getcode(self):
        return self.status

    def read(self):
        return self.body


class _Opener:
    """ansible.module_utils.urls.open_url as the client calls it: records each call, answers from ``answers`` (a
    response, or an exception raised)."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), []

    def __call__(self, url, **kwargs):
        self.calls.append(dict(kwargs, url=url))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer


def _http_error(status, body=b"", headers=None):
    return urllib.error.HTTPError("https://gitlab.example.com/api/v4", status, "", headers or {}, io.BytesIO(body))


def _offline(opener, sleeps=None, **kwargs):
    sleeps = [] if sleeps is None else sleeps
    return GitLabRunnerAPI("https://gitlab.example.com", opener=opener, sleep=sleeps.append, **kwargs)


def test_requests_verify_certificates_by_default_use_the_proxy_and_say_who_they_are():
    opener = _Opener(_Response(200, b'{"id": 5}'))
    _offline(opener).verify_runner("glrt-some-runner-token")
    call = opener.calls[0]
    assert call["url"] == "https://gitlab.example.com/api/v4/runners/verify" and call["method"] == "POST"
    assert (call["validate_certs"], call["ca_path"], call["timeout"]) == (True, None, 30.0)
    # proxy_environment puts the proxy into the environment: only use_proxy=True lets the request take it.
    assert (call["use_proxy"], call["use_netrc"], call["follow_redirects"]) == (True, False, "none")
    assert call["http_agent"] == "runnerops.gitlab_runner"
    # GitLab Runner sends its token in this header too (network/gitlab.go RunnerTokenHeader).
    assert call["headers"]["RUNNER-TOKEN"] == "glrt-some-runner-token"
    assert json.loads(call["data"]) == {"token": "glrt-some-runner-token"}


def test_the_connection_options_reach_each_request():
    opener = _Opener(_Response(200, b'{"id": 5}'))
    _offline(opener, validate_certs=False, ca_path="/etc/ssl/gitlab-ca.pem", timeout=5).verify_runner("glrt-x-token")
    call = opener.calls[0]
    assert (call["validate_certs"], call["ca_path"], call["timeout"]) == (False, "/etc/ssl/gitlab-ca.pem", 5)


def test_the_documented_range_of_retries_is_0_to_10():
    gitlab_connection.check({"retries": 10, "backoff": 30.0})
    for retries in (11, -1):
        with pytest.raises(ValueError, match="retries must be between 0 and 10"):
            gitlab_connection.check({"retries": retries})


@pytest.mark.parametrize("status, meaning", [
    (429, "GitLab limits the rate of requests"), (409, "conflicting with a change made at the same time"),
    (503, "GitLab is failing"), (418, None), (400, None), (302, None),
])
def test_explain_status(status, meaning):
    explained = explain_status(status)
    assert (explained is None) if meaning is None else meaning in explained


@pytest.mark.parametrize("error, said", [
    (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "last error: connection refused."),
    (urllib.error.URLError(socket.timeout("timed out")), "last error: timed out after 5s."),
    (socket.timeout("timed out"), "last error: timed out after 5s."),
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "last error: host name not resolved"),
])
def test_network_errors_are_said_plainly(error, said):
    sleeps = []
    with pytest.raises(GitLabAPIError) as err:
        _offline(_Opener(error), sleeps, retries=2, timeout=5).verify_runner("glrt-x-token")
    assert said in str(err.value)
    assert "did not answer POST /api/v4/runners/verify after 3 attempt(s)" in str(err.value)
    assert err.value.status is None and sleeps == [1.0, 2.0]


@pytest.mark.parametrize("error, said", [
    (urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")),
     "GitLab's TLS certificate at https://gitlab.example.com is not trusted: certificate verify failed: self-signed "
     "certificate. Give the CA that signed it in ca_path"),
    (SSLValidationError("Failed to validate the SSL certificate for gitlab.example.com:443"),
     "GitLab's TLS certificate at https://gitlab.example.com is not trusted: Failed to validate"),
    (urllib.error.URLError(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")),
     "TLS with GitLab at https://gitlab.example.com failed: [SSL: WRONG_VERSION_NUMBER] wrong version number. Check "
     "that url's scheme matches the server"),
])
def test_tls_failures_are_said_at_once(error, said):
    opener = _Opener(error)
    with pytest.raises(GitLabAPIError) as err:
        _offline(opener).verify_runner("glrt-x-token")
    assert str(err.value).startswith(said)
    assert len(opener.calls) == 1, "retrying cannot make a certificate trusted"


def test_a_url_urllib_cannot_use_is_said_at_once():
    opener = _Opener(ValueError("unknown url type: 'htps'"))
    with pytest.raises(GitLabAPIError) as err:
        _offline(opener).verify_runner("glrt-x-token")
    assert str(err.value) == "url https://gitlab.example.com cannot be used: unknown url type: 'htps'"
    assert len(opener.calls) == 1


@pytest.mark.parametrize("body, detail", [
    (b'{"message": "runner is locked", "error": "forbidden"}', " (runner is locked; forbidden)"),
    (b'{"message": {"maximum_timeout": ["needs to be at least 10 minutes"]}}',
     ' ({"maximum_timeout": ["needs to be at least 10 minutes"]})'),
    (b"<html>Bad  request\n</html>", " (<html>Bad request </html>)"),
    (b"", ""),
    (b"400 Bad Request", ""),
    (b"x" * 400, " (" + "x" * 300 + "...)"),
])
def test_gitlabs_own_error_text_is_shown_once_and_short(body, detail):
    with pytest.raises(GitLabAPIError) as err:
        _offline(_Opener(_http_error(400, body))).update_runner(MANAGER, 1, {"paused": True})
    assert "answered 400 Bad Request to PUT /api/v4/runners/1%s: check the runner attributes" % detail in str(err.value)


def test_a_redirect_without_location():
    with pytest.raises(GitLabAPIError) as err:
        _offline(_Opener(_http_error(302))).verify_runner("glrt-x-token")
    assert "url redirects (to an unknown place): give the final address of GitLab in url" in str(err.value)


@pytest.mark.parametrize("status, explanation", [
    # The runner-token endpoints: 401, 403 and 404 say nothing about an access token.
    (401, "unexpected answer from GitLab's API; check that url is GitLab's base URL"),
    (404, "unexpected answer from GitLab's API; check that url is GitLab's base URL"),
    (409, "GitLab refused it as conflicting with a change made at the same time: run again"),
    (400, "unexpected answer from GitLab's API; check that url is GitLab's base URL"),
])
def test_the_runner_token_endpoints_do_not_blame_an_access_token(status, explanation):
    with pytest.raises(GitLabAPIError) as err:
        _offline(_Opener(_http_error(status))).delete_runner_by_token("glrt-x-token")
    assert str(err.value).endswith("to DELETE /api/v4/runners: " + explanation)
    assert "access_token" not in str(err.value)


def test_a_list_of_jobs_without_ids_is_not_gitlabs(api, gitlab):
    for body in ([{"status": "running"}], [7], {"message": "login"}):
        gitlab.add_fault(path="/api/v4/runners/:id/jobs", status=200, body=body)
        with pytest.raises(GitLabAPIError) as err:
            api.running_jobs(MANAGER, 1)
        assert "answered 200 to GET /api/v4/runners/1/jobs without a JSON list of jobs" in str(err.value)


# -- creation: what the access token needs, and the calls named ------------------------------------------------------

@pytest.mark.parametrize("runner_type, ids, needs", [
    ("group_type", {"group_id": 7}, "may create group_type runners in group 7"),
    ("project_type", {"project_id": 42}, "may create project_type runners in project 42"),
    ("instance_type", {}, "may create instance_type runners for the whole instance (an administrator)"),
])
def test_create_runner_says_what_the_access_token_needs(api, runner_type, ids, needs):
    with pytest.raises(GitLabAPIError) as err:
        api.create_runner(READER, runner_type, **ids)
    assert err.value.status == 403
    assert "answered 403 Forbidden to POST /api/v4/user/runners" in str(err.value)
    assert "it needs the create_runner (or api) scope, from a user who " + needs in str(err.value)


def test_create_runner_where_gitlab_has_no_such_endpoint(api, gitlab):
    gitlab.add_fault(path="/api/v4/user/runners", status=404)
    with pytest.raises(GitLabAPIError) as err:
        api.create_runner(CREATOR, "instance_type")
    assert "no POST /api/v4/user/runners here: GitLab 15.10 or later is needed" in str(err.value)


def test_get_runner_names_the_call(api):
    api.create_runner(MANAGER, "instance_type")
    with pytest.raises(GitLabAPIError) as err:
        api.get_runner(CREATOR, 1)
    assert err.value.status == 403 and "answered 403 Forbidden to GET /api/v4/runners/1 (" in str(err.value)


# -- legacy registration ---------------------------------------------------------------------------------------------

REGISTRATION = "GR1348941registration-0001"


@pytest.fixture
def legacy():
    double = GitLabAPIDouble(registration_tokens=[REGISTRATION], allow_registration_tokens=True)
    with double:
        yield double


def test_register_runner_with_its_attributes(legacy):
    api = GitLabRunnerAPI(legacy.url, sleep=[].append)
    registered = api.register_runner(REGISTRATION, {"description": "legacy", "tag_list": ["docker"]})
    assert registered["token"] and registered["id"] == 1
    runner = legacy.state()["runners"][0]
    assert (runner["description"], runner["tag_list"], runner["created_with"]) == (
        "legacy", ["docker"], "registration_token")
    assert legacy.calls() == {"POST /api/v4/runners": 1}


@pytest.mark.parametrize("token, attributes, allowed, status, said", [
    ("GR1348941wrong-token-0002", {}, True, 403, "registration_token is wrong or was reset"),
    (REGISTRATION, {}, False, 410, "GitLab 17.0 and later disable registration tokens by default"),
    (REGISTRATION, {"maximum_timeout": 60}, True, 400, "check the runner attributes (maximum_timeout at least 600"),
])
def test_register_runner_refusals_are_explained(token, attributes, allowed, status, said):
    with GitLabAPIDouble(registration_tokens=[REGISTRATION], allow_registration_tokens=allowed) as double:
        with pytest.raises(GitLabAPIError) as err:
            GitLabRunnerAPI(double.url, sleep=[].append).register_runner(token, attributes)
    assert err.value.status == status
    assert "to POST /api/v4/runners" in str(err.value) and said in str(err.value)
    assert "GR1348941wrong" not in str(err.value) and "registration-0001" not in str(err.value)
