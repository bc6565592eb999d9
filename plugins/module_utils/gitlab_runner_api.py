# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): client for GitLab's runner REST API.

Requests, retries with backoff, errors and URL normalization; no file I/O and
no decisions (those are in ``registration.py`` and ``drain.py``). Stdlib and
``ansible.module_utils.urls`` only; runs on Python 3.8+. One client may be
used from several threads: it keeps no per-request state.

Errors are :class:`GitLabAPIError` (GitLab refused or could not be reached).
What each HTTP status of GitLab means, and what to do about it, is said by
:func:`explain_status` and nowhere else, so every module and message gives a
401 or a 403 the same meaning. Messages say which token is at fault and never
contain a token: every secret the client sent, and anything shaped like a
GitLab token, is masked out of text that comes back from the server.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.error

from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import SSLValidationError, open_url

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url

__all__ = [
    "CREATE_RUNNER",
    "GitLabAPIError",
    "GitLabRunnerAPI",
    "MANAGE_RUNNER",
    "MAX_BACKOFF_DELAY",
    "MAX_RETRIES",
    "explain_status",
]

MAX_RETRIES = 10
MAX_BACKOFF_DELAY = 30.0
USER_AGENT = "runnerops.gitlab_runner"

# 429 and 5xx mean "try again later"; everything else is an answer.
_RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
_MAX_DETAIL = 300

# What an access token needs for each kind of request (said with a 403).
CREATE_RUNNER = "the create_runner (or api) scope, from a user who may create %s runners %s"
MANAGE_RUNNER = ("the manage_runner scope (GitLab 17.1 and later) or api (create_runner is not enough), from a user "
                 "who owns the runner's group or project, or an administrator's for an instance runner")


def explain_status(status, needs=None, token="access_token"):
    """What GitLab's HTTP ``status`` means and what to do: the one wording of every module; None if it has none.

    ``token`` names the option whose value went as ``PRIVATE-TOKEN``, ``needs``
    what that token needs for the request (scope and rights), said with a 403.
    401 is a token GitLab does not accept at all; 403 one it accepts that may
    not do this. (The runner-token endpoints answer 403 for an unknown runner
    token: those say so themselves.)
    """
    if status == 401:
        return ("%s is unknown, expired or revoked (GitLab does not accept it): give a current personal, group or "
                "project access token%s" % (token, " with %s" % needs if needs else ""))
    if status == 403:
        return ("%s is accepted but lacks the scope or the rights for this: it needs %s"
                % (token, needs or "a scope and a role that allow it"))
    if status == 404:
        return "GitLab has no such object here, or %s may not see it" % token
    if status == 409:
        return "GitLab refused it as conflicting with a change made at the same time: run again"
    if status == 429:
        return ("GitLab limits the rate of requests from this host or token: raise backoff, or run fewer hosts at "
                "once (serial, forks)")
    if 500 <= status < 600:
        return "GitLab is failing, overloaded or restarting: try again later, or raise retries and backoff"
    return None


class GitLabAPIError(Exception):
    """GitLab refused a request or could not be reached; ``status`` is the HTTP status if any."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class _Answer:
    """A status and decoded JSON body from GitLab (``body`` is None when empty or not JSON)."""

    def __init__(self, status, raw, headers=None):
        self.status = status
        self.raw = raw or b""
        self.headers = headers
        self.body = None
        if self.raw:
            try:
                self.body = json.loads(self.raw.decode("utf-8", "replace"))
            except ValueError:
                self.body = None


class GitLabRunnerAPI:
    """GitLab's runner endpoints over ``ansible.module_utils.urls``.

    Connection errors, timeouts, 429 and 5xx answers are retried ``retries``
    times with exponential backoff (``backoff``, then twice that, ... capped
    at 30 s); every other answer returns at once. ``sleep`` is injectable so
    tests do not wait.
    """

    def __init__(self, url, validate_certs=True, ca_path=None, timeout=30.0, retries=3, backoff=1.0,
                 sleep=time.sleep, opener=open_url):
        self.url = normalize_url(url)
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._opener = opener
        self._secrets = set()
        self.attempts = 0

    # -- transport -------------------------------------------------------
    def _mask(self, text):
        return secrets.mask(text, self._secrets)

    def _delay(self, retry_number):
        return min(self.backoff * (2 ** (retry_number - 1)), MAX_BACKOFF_DELAY)

    def _request(self, method, path, body=None, private_token=None, runner_token=None):
        """Send one API call, retrying transient failures; return an :class:`_Answer`."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if private_token:
            self._secrets.add(private_token)
            headers["PRIVATE-TOKEN"] = private_token
        if runner_token:
            # GitLab Runner sends its token in the body and in this header; so do we.
            self._secrets.add(runner_token)
            headers["RUNNER-TOKEN"] = runner_token
        call = "%s %s" % (method, path)
        problem = failing_status = None
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self._delay(attempt))
            self.attempts += 1
            try:
                response = self._opener(
                    self.url + path, data=data, headers=headers, method=method, timeout=self.timeout,
                    validate_certs=self.validate_certs, ca_path=self.ca_path, follow_redirects="none",
                    http_agent=USER_AGENT, use_proxy=True, use_netrc=False)
                return _Answer(response.getcode(), response.read(), response.headers)
            except urllib.error.HTTPError as err:
                answer = _Answer(err.code, _read_error_body(err), err.headers)
                if err.code not in _RETRY_STATUSES:
                    return answer
                problem = "%d %s%s" % (err.code, http.client.responses.get(err.code, ""), self._detail(answer))
                failing_status = err.code
            except (urllib.error.URLError, UrlsConnectionError, http.client.HTTPException, OSError) as err:
                self._raise_if_tls(err)
                problem = self._describe_network_error(err)
                failing_status = None
            except ValueError as err:
                # urllib's verdict on a URL it cannot use: retrying will not help.
                raise GitLabAPIError("url %s cannot be used: %s" % (self.url, self._mask(err)))
        if failing_status is not None:
            raise GitLabAPIError(
                "GitLab at %s still answered %s to %s after %d attempt(s): %s (retries %d, backoff %ss)." % (
                    self.url, problem, call, self.retries + 1, explain_status(failing_status), self.retries,
                    _number(self.backoff)),
                status=failing_status)
        raise GitLabAPIError(
            "GitLab at %s did not answer %s after %d attempt(s); last error: %s. Check that url is GitLab's "
            "address and reachable from this host (proxy, firewall, DNS); for a slow or restarting instance "
            "raise api_timeout (%ss) or retries (%d)." % (
                self.url, call, self.retries + 1, problem, _number(self.timeout), self.retries))

    def _raise_if_tls(self, err):
        reason = getattr(err, "reason", err)
        if isinstance(reason, ssl.SSLCertVerificationError) or isinstance(err, SSLValidationError):
            raise GitLabAPIError(
                "GitLab's TLS certificate at %s is not trusted: %s. Give the CA that signed it in ca_path "
                "(validate_certs=false only for throw-away test instances)." % (self.url, self._mask(reason)))
        if isinstance(reason, ssl.SSLError) or isinstance(err, ssl.SSLError):
            raise GitLabAPIError(
                "TLS with GitLab at %s failed: %s. Check that url's scheme matches the server (https:// only "
                "where GitLab speaks TLS)." % (self.url, self._mask(reason)))

    def _describe_network_error(self, err):
        reason = getattr(err, "reason", None) or err
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return "timed out after %ss" % _number(self.timeout)
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused"
        if isinstance(reason, socket.gaierror):
            return "host name not resolved (%s)" % self._mask(reason)
        if isinstance(err, (http.client.RemoteDisconnected, ConnectionResetError)):
            return "connection closed without an answer"
        return self._mask("%s: %s" % (type(reason).__name__, reason))

    def _detail(self, answer):
        """GitLab's own error text (``message`` / ``error``), masked and shortened, as '': ...'."""
        body = answer.body
        text = ""
        if isinstance(body, dict):
            parts = [body.get(key) for key in ("message", "error", "error_description") if body.get(key)]
            text = "; ".join(p if isinstance(p, str) else json.dumps(p, sort_keys=True) for p in parts)
        elif answer.raw:
            text = answer.raw.decode("utf-8", "replace").strip()
        text = self._mask(" ".join(text.split()))
        if text == "%d %s" % (answer.status, http.client.responses.get(answer.status, "")):
            return ""  # GitLab's bare "401 Unauthorized" says nothing the caller does not already say
        if len(text) > _MAX_DETAIL:
            text = text[:_MAX_DETAIL] + "..."
        return " (%s)" % text if text else ""

    def _fail(self, answer, call, explanation, needs=None):
        """Raise for an answer the caller does not expect.

        ``explanation`` is what this endpoint's answer means, when it means
        more than :func:`explain_status` says (a 400, a 404, the runner-token
        endpoints' 403); ``needs`` is what the access token needs for it.
        """
        status = answer.status
        if 300 <= status < 400:
            location = answer.headers.get("Location") if answer.headers is not None else None
            explanation = (
                "url redirects (to %s): give the final address of GitLab in url, e.g. with https://"
                % self._mask(location or "an unknown place"))
        elif not explanation:
            # 401, 403 and 404 speak of the access token: the runner-token endpoints give their own meaning.
            if needs or status not in (401, 403, 404):
                explanation = explain_status(status, needs)
            explanation = explanation or "unexpected answer from GitLab's API; check that url is GitLab's base URL"
        raise GitLabAPIError(
            "GitLab at %s answered %d %s to %s%s: %s" % (
                self.url, status, http.client.responses.get(status, ""), call, self._detail(answer),
                explanation),
            status=status)

    def _json(self, answer, call, keys):
        body = answer.body
        if not isinstance(body, dict) or any(key not in body for key in keys):
            raise GitLabAPIError(
                "GitLab at %s answered %d to %s without the expected JSON fields %s: is url a GitLab "
                "instance (and not a proxy or login page)?" % (self.url, answer.status, call, ", ".join(keys)),
                status=answer.status)
        return body

    # -- endpoints ---------------------------------------------------------
    def verify_runner(self, runner_token, system_id=None):
        """POST /runners/verify: the runner's ``{id, token_expires_at}``, or None when GitLab says 403."""
        call = "POST /api/v4/runners/verify"
        body = {"token": runner_token}
        if system_id:
            body["system_id"] = system_id
        answer = self._request("POST", "/api/v4/runners/verify", body, runner_token=runner_token)
        if answer.status == 403:
            return None
        if answer.status != 200:
            self._fail(answer, call, {
                400: "check system_id (s_ or r_ followed by 12 letters or digits, as gitlab-runner keeps it)",
                404: "no runner API at this address: url must be GitLab's base URL (GitLab 15.0 or later)",
                # lib/api/ci/runner.rb: unprocessable_entity!('Runner is orphaned') when its owner is gone.
                422: "GitLab calls this runner orphaned: the project or group it belonged to is gone, so it takes no "
                     "jobs. Delete it at GitLab (its token then stops working) and rerun to create it anew, or point "
                     "runner_entries at a project or group that exists",
            }.get(answer.status))
        verified = self._json(answer, call, ("id",))
        return {"id": verified["id"], "token_expires_at": verified.get("token_expires_at")}

    def create_runner(self, access_token, runner_type, group_id=None, project_id=None, attributes=None):
        """POST /user/runners (GitLab 15.10+): the new runner's ``{id, token, token_expires_at}``."""
        call = "POST /api/v4/user/runners"
        body = {"runner_type": runner_type}
        if runner_type == "group_type":
            body["group_id"] = group_id
            where = "in group %s" % group_id
        elif runner_type == "project_type":
            body["project_id"] = project_id
            where = "in project %s" % project_id
        else:
            where = "for the whole instance (an administrator)"
        body.update(attributes or {})
        answer = self._request("POST", "/api/v4/user/runners", body, private_token=access_token)
        if answer.status != 201:
            self._fail(answer, call, {
                400: "check runner_type, group_id/project_id (the group or project must exist) and the "
                     "runner attributes (maximum_timeout at least 600, access_level, tag_list)",
                404: "no POST /api/v4/user/runners here: GitLab 15.10 or later is needed, and url must be "
                     "GitLab's base URL",
            }.get(answer.status), needs=CREATE_RUNNER % (runner_type, where))
        return self._new_token(answer, call)

    def register_runner(self, registration_token, attributes=None):
        """POST /runners with a legacy registration token: ``{id, token, token_expires_at}``."""
        call = "POST /api/v4/runners"
        body = {"token": registration_token}
        body.update(attributes or {})
        self._secrets.add(registration_token)
        answer = self._request("POST", "/api/v4/runners", body)
        if answer.status != 201:
            self._fail(answer, call, {
                400: "check the runner attributes (maximum_timeout at least 600, access_level, tag_list)",
                403: "registration_token is wrong or was reset; copy the current one from GitLab's runner "
                     "settings, or better create the runner with access_token (create_runner scope)",
                410: "GitLab 17.0 and later disable registration tokens by default (they are removed in "
                     "GitLab 20.0): create the runner with access_token (an access token with the "
                     "create_runner scope) and runner_type/group_id/project_id instead of registration_token",
            }.get(answer.status))
        return self._new_token(answer, call)

    def delete_runner_by_token(self, runner_token):
        """DELETE /runners: True when deleted, False when GitLab does not know the token (403)."""
        answer = self._request("DELETE", "/api/v4/runners", {"token": runner_token}, runner_token=runner_token)
        if answer.status == 204:
            return True
        if answer.status == 403:
            return False
        return self._fail(answer, "DELETE /api/v4/runners", None)

    def get_runner(self, access_token, runner_id):
        """GET /runners/:id: the runner's details, or None when GitLab has no such runner (404)."""
        call = "GET /api/v4/runners/%d" % runner_id
        answer = self._request("GET", "/api/v4/runners/%d" % runner_id, private_token=access_token)
        if answer.status == 404:
            return None
        if answer.status != 200:
            self._fail(answer, call, None, needs=MANAGE_RUNNER)
        return self._json(answer, call, ("id",))

    def update_runner(self, access_token, runner_id, attributes):
        """PUT /runners/:id: change the runner's ``attributes`` at GitLab; its details as GitLab now has them."""
        call = "PUT /api/v4/runners/%d" % runner_id
        answer = self._request("PUT", "/api/v4/runners/%d" % runner_id, dict(attributes), private_token=access_token)
        if answer.status != 200:
            self._fail(answer, call, {
                400: "check the runner attributes (maximum_timeout at least 600, access_level, tag_list)",
                404: "GitLab has no runner %d, or access_token may not see it" % runner_id,
            }.get(answer.status), needs=MANAGE_RUNNER)
        return self._json(answer, call, ("id",))

    def running_jobs(self, access_token, runner_id):
        """GET /runners/:id/jobs?status=running: the ids of the jobs the runner runs now."""
        path = "/api/v4/runners/%d/jobs?status=running&per_page=100" % runner_id
        call = "GET /api/v4/runners/%d/jobs" % runner_id
        answer = self._request("GET", path, private_token=access_token)
        if answer.status != 200:
            self._fail(answer, call, {
                404: "GitLab has no runner %d, or access_token may not see it" % runner_id,
            }.get(answer.status), needs=MANAGE_RUNNER)
        if not isinstance(answer.body, list) or not all(isinstance(job, dict) and "id" in job for job in answer.body):
            raise GitLabAPIError(
                "GitLab at %s answered %d to %s without a JSON list of jobs: is url a GitLab instance (and not a "
                "proxy or login page)?" % (self.url, answer.status, call), status=answer.status)
        return [job["id"] for job in answer.body]

    def delete_runner_by_id(self, access_token, runner_id):
        """DELETE /runners/:id: True when deleted, False when GitLab has no such runner (404)."""
        call = "DELETE /api/v4/runners/%d" % runner_id
        answer = self._request("DELETE", "/api/v4/runners/%d" % runner_id, private_token=access_token)
        if answer.status == 204:
            return True
        if answer.status == 404:
            return False
        return self._fail(answer, call, None, needs=MANAGE_RUNNER)

    def _new_token(self, answer, call):
        body = self._json(answer, call, ("id", "token"))
        self._secrets.add(body["token"])
        return {"id": body["id"], "token": body["token"], "token_expires_at": body.get("token_expires_at")}


def _read_error_body(err):
    try:
        return err.read()
    except (OSError, http.client.HTTPException, AttributeError):
        return b""


def _number(value):
    return ("%g" % value) if isinstance(value, float) else str(value)
