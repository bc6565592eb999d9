# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): client for GitLab's runner registration REST API, and what runner_registration decides with it.

Stdlib and ``ansible.module_utils.urls`` only; runs on Python 3.8+.

Errors are :class:`GitLabAPIError` (GitLab refused or could not be reached)
or ``ValueError`` (bad options, found before any request). Their messages say
which option or token is at fault and never contain a token: every secret the
client sent, and anything shaped like a GitLab token, is masked out of text
that comes back from the server.
"""

from __future__ import annotations

import datetime
import http.client
import json
import re
import socket
import ssl
import time
import urllib.error

from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import SSLValidationError, open_url

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    gitlab_rules,
    pending_credentials,
    runner_config_file,
    secrets,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import RUNNER_ATTRIBUTES, normalize_url

__all__ = [
    "GitLabAPIError",
    "GitLabRunnerAPI",
    "MAX_RETRIES",
    "ensure_runner",
    "validate_params",
]

MAX_RETRIES = 10
MAX_BACKOFF_DELAY = 30.0
USER_AGENT = "runnerops.gitlab_runner"

# 429 and 5xx mean "try again later"; everything else is an answer.
_RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
_SYSTEM_ID = re.compile(r"^[rs]_[0-9a-f]{12}\Z")
_MAX_DETAIL = 300


class GitLabAPIError(Exception):
    """GitLab refused a request or could not be reached; ``status`` is the HTTP status if any."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def _rfc3339_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
                "GitLab at %s still answered %s to %s after %d attempt(s): GitLab is failing, overloaded or "
                "restarting; try again later, or raise retries (%d) and backoff (%ss)." % (
                    self.url, problem, call, self.retries + 1, self.retries, _number(self.backoff)),
                status=failing_status)
        raise GitLabAPIError(
            "GitLab at %s did not answer %s after %d attempt(s); last error: %s. Check that url is GitLab's "
            "address and reachable from this host (proxy, firewall, DNS); for a slow or restarting instance "
            "raise timeout (%ss) or retries (%d)." % (
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

    def _fail(self, answer, call, explanation):
        """Raise for an answer the caller does not expect; explain it for the usual statuses."""
        status = answer.status
        if 300 <= status < 400:
            location = answer.headers.get("Location") if answer.headers is not None else None
            explanation = (
                "url redirects (to %s): give the final address of GitLab in url, e.g. with https://"
                % self._mask(location or "an unknown place"))
        elif not explanation:
            explanation = "unexpected answer from GitLab's API; check that url is GitLab's base URL"
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
                400: "check system_id (s_ followed by 12 hex characters)",
                404: "no runner API at this address: url must be GitLab's base URL (GitLab 15.0 or later)",
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
            where = "for the whole instance (an administrator's token is needed)"
        body.update(attributes or {})
        answer = self._request("POST", "/api/v4/user/runners", body, private_token=access_token)
        if answer.status != 201:
            self._fail(answer, call, {
                400: "check runner_type, group_id/project_id (the group or project must exist) and the "
                     "runner attributes (maximum_timeout at least 600, access_level, tag_list)",
                401: "access_token is unknown, expired or revoked; give a personal, group or project access "
                     "token with the create_runner scope",
                403: "access_token lacks the create_runner scope, or its user may not create %s runners %s"
                     % (runner_type, where),
                404: "no POST /api/v4/user/runners here: GitLab 15.10 or later is needed, and url must be "
                     "GitLab's base URL",
            }.get(answer.status))
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
            self._fail(answer, call, self._by_id_explanation(answer.status, runner_id, "read"))
        return self._json(answer, call, ("id",))

    def delete_runner_by_id(self, access_token, runner_id):
        """DELETE /runners/:id: True when deleted, False when GitLab has no such runner (404)."""
        call = "DELETE /api/v4/runners/%d" % runner_id
        answer = self._request("DELETE", "/api/v4/runners/%d" % runner_id, private_token=access_token)
        if answer.status == 204:
            return True
        if answer.status == 404:
            return False
        return self._fail(answer, call, self._by_id_explanation(answer.status, runner_id, "delete"))

    def reset_runner_token(self, runner_token):
        """POST /runners/reset_authentication_token: ``{token, token_expires_at}`` of the rotated token."""
        call = "POST /api/v4/runners/reset_authentication_token"
        answer = self._request("POST", "/api/v4/runners/reset_authentication_token", {"token": runner_token},
                               runner_token=runner_token)
        if answer.status != 201:
            self._fail(answer, call, {
                403: "runner_token is not valid (runner deleted, token revoked or already rotated)",
            }.get(answer.status))
        body = self._json(answer, call, ("token",))
        self._secrets.add(body["token"])
        return {"token": body["token"], "token_expires_at": body.get("token_expires_at")}

    @staticmethod
    def _by_id_explanation(status, runner_id, verb):
        return {
            401: "access_token is unknown, expired or revoked",
            403: "access_token may not %s runner %d: that needs the manage_runner or api scope (create_runner "
                 "is not enough) and owner rights on the runner's group or project, or an administrator for "
                 "instance runners" % (verb, runner_id),
        }.get(status)

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


# -- decisions of the runner_registration module ---------------------------

def validate_params(params):
    """Check what the argument spec cannot; raise ValueError naming the option and the fix."""
    normalize_url(params.get("url"))
    problems = []
    if params.get("state", "present") == "present":
        credential = "access" if params.get("access_token") else (
            "registration" if params.get("registration_token") else None)
        attributes = dict((key, params.get(key)) for key in ("runner_type", "group_id", "project_id")
                          + RUNNER_ATTRIBUTES)
        problems += gitlab_rules.attribute_problems(attributes, credential)
    for option, use in (("runner_token", "runner"), ("access_token", "access"),
                        ("registration_token", "registration")):
        if params.get(option):
            problem = gitlab_rules.token_problem(params[option], use)
            if problem:
                problems.append((option, problem))
    if problems:
        raise ValueError("; ".join("%s %s" % problem for problem in problems))
    _validate_tokens(params)
    runner_id = params.get("runner_id")
    if runner_id is not None and runner_id < 1:
        raise ValueError("runner_id must be a positive GitLab runner id, got %s" % runner_id)
    system_id = params.get("system_id")
    if system_id is not None and not _SYSTEM_ID.match(system_id):
        raise ValueError(
            "system_id %r is not a runner system id: it is s_ followed by 12 lowercase hex characters, as in "
            "<config dir>/.runner_system_id" % system_id)
    timeout = params.get("timeout")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be more than 0 seconds, got %s" % timeout)
    retries = params.get("retries")
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        raise ValueError("retries must be between 0 and %d, got %s" % (MAX_RETRIES, retries))
    backoff = params.get("backoff")
    if backoff is not None and not 0 <= backoff <= MAX_BACKOFF_DELAY:
        raise ValueError("backoff must be between 0 and %g seconds, got %s" % (MAX_BACKOFF_DELAY, backoff))
    if params.get("pending_path"):
        pending_credentials.check_path(params["pending_path"])


def _validate_tokens(params):
    runner_token = params.get("runner_token")
    access_token = params.get("access_token")
    registration_token = params.get("registration_token")
    problem = gitlab_rules.credentials_problem(access_token, registration_token)
    if problem:
        raise ValueError("access_token and registration_token: %s" % problem)
    if params.get("state", "present") == "absent":
        on_host = params.get("pending_path") or (params.get("config_path") and params.get("name"))
        if not (runner_token or (access_token and params.get("runner_id")) or on_host):
            raise ValueError("state=absent needs runner_token, access_token and runner_id, or config_path and name "
                             "(or pending_path) to find the runner's token on the host")
    elif not (runner_token or access_token or registration_token):
        raise ValueError("state=present needs runner_token, access_token or registration_token")


def _attributes(params):
    attributes = {}
    for name in RUNNER_ATTRIBUTES:
        if params.get(name) is not None:
            attributes[name] = params[name]
    if "tag_list" in attributes:
        attributes["tag_list"] = [tag.strip() for tag in attributes["tag_list"]]
    return attributes


def _result(**values):
    result = {
        "changed": False,
        "created": False,
        "deleted": False,
        "runner_id": None,
        "token_expires_at": None,
        "warnings": [],
    }
    result.update(values)
    return result


def ensure_runner(api, params, check_mode=False, now=_rfc3339_now, keep_secret=None):
    """Bring the runner to ``params['state']``; return the module result.

    ``params`` are the module options. The result holds ``token`` only when a
    new runner token was obtained (or one kept in ``pending_path`` by an
    earlier run is reused), and ``warnings`` (a list) for the module to emit.
    In check mode only reads are sent (verify, GET runner by id) and no file
    is written. ``keep_secret`` is called with the token read from config_path
    into ``params``, so the module can hide it from its output
    (``AnsibleModule.no_log_values.add``).
    """
    validate_params(params)
    result = _result()
    _adopt_live_token(api, params, result["warnings"], keep_secret)
    path = params.get("pending_path") or None
    if path:
        result["pending_path"] = path
    # A pending token is not hidden that way: the result returns it when it is reused (the action plugin censors it).
    pending = _load_pending(api, path, result["warnings"])
    if params.get("state", "present") == "absent":
        _ensure_absent(api, params, check_mode, result)
        if pending is not None:
            if pending["token"] == params.get("runner_token"):
                if not check_mode:
                    _remove_pending(path, result["warnings"])
                result["changed"] = True
            else:
                _drop_pending(api, pending, path, check_mode, result, None)
        return result
    return _ensure_present(api, params, check_mode, now, result, pending)


def _adopt_live_token(api, params, warnings, keep_secret=None):
    """Use the token ``config_path`` holds for runner ``name`` now, if it was issued by this GitLab.

    The caller read config.toml earlier; since then the runner service may have
    rotated the token, or a play running at the same time may have registered
    the runner. A token kept for another GitLab is never sent to this one.
    """
    path, name = params.get("config_path"), params.get("name")
    if not path or not name:
        return
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        return
    except (IOError, OSError, UnicodeError) as err:
        raise ValueError("cannot read %s (%s): the module needs root (become) to read config.toml"
                         % (path, getattr(err, "strerror", None) or type(err).__name__))
    try:
        entry = runner_config_file.live_credentials(text).get(name)
    except ValueError as err:
        raise ValueError("%s: %s; fix or remove it, then run again" % (path, err))
    if not entry:
        return
    if keep_secret is not None and entry.get("token"):
        keep_secret(entry["token"])
    try:
        same_gitlab = normalize_url(entry.get("url") or "") == api.url
    except ValueError:
        same_gitlab = False
    if same_gitlab:
        params["runner_token"] = entry["token"]
        if isinstance(entry.get("id"), int) and not isinstance(entry["id"], bool):
            params["runner_id"] = entry["id"]
    elif params.get("runner_token") == entry["token"]:
        params["runner_token"] = params["runner_id"] = None
        warnings.append(
            "runner %s in %s is registered at %s, not at %s: its token is not sent there; delete that runner at its "
            "GitLab if nothing uses it" % (name, path, secrets.mask(str(entry.get("url"))), api.url))


def _load_pending(api, path, warnings):
    """Return the record kept in ``path`` worth trying, or None."""
    if not path:
        return None
    try:
        record = pending_credentials.read(path)
    except ValueError as err:
        warnings.append("%s: it is ignored, and replaced if a runner is registered; remove it if you did not put "
                        "it there" % err)
        return None
    if record is None:
        return None
    try:
        same_gitlab = record["url"] is None or normalize_url(record["url"]) == api.url
    except ValueError:
        same_gitlab = False
    if not same_gitlab:
        # Never send a token to a GitLab that did not issue it.
        warnings.append(
            "%s holds the token of runner %s at %s, not at %s: it is ignored, and replaced if a runner is "
            "registered; delete that runner at its GitLab if nothing uses it"
            % (path, record["id"], secrets.mask(record["url"]), api.url))
        return None
    return record


def _drop_pending(api, pending, path, check_mode, result, verified_id):
    """Settle a pending token that config.toml will not hold: delete its runner at GitLab and the file.

    ``verified_id`` is the id of the runner whose token did verify (None with
    state=absent). A pending token of that same runner (rotated since) is not
    an orphan: only the file goes.
    """
    verb = "would be" if check_mode else "was"
    if pending["id"] is not None and pending["id"] == verified_id:
        outcome = "it is the same runner (its token was rotated since); the file %s removed" % verb
    else:
        if check_mode:
            exists = api.verify_runner(pending["token"]) is not None
        else:
            exists = api.delete_runner_by_token(pending["token"])
        if exists:
            outcome = "that runner %s deleted at GitLab so it does not stay as an unused duplicate, and the file " \
                      "removed" % verb
            if verified_id is None and not result["deleted"]:
                # state=absent and the pending runner was the one to remove: say so.
                result.update(deleted=True, runner_id=pending["id"])
        else:
            outcome = "GitLab no longer knows that runner; the file %s removed" % verb
    if not check_mode:
        _remove_pending(path, result["warnings"])
    result["changed"] = True
    why = "runner_token is valid" if verified_id is not None else "state is absent"
    result["warnings"].append(
        "%s held the token of runner %s, registered by an earlier run that did not write config.toml, but %s: %s"
        % (path, pending["id"] if pending["id"] is not None else "(id unknown)", why, outcome))


def _remove_pending(path, warnings):
    try:
        pending_credentials.remove(path)
    except (IOError, OSError) as err:
        warnings.append("cannot remove %s (%s): remove it by hand, the token it holds is no longer needed"
                        % (path, err.strerror or type(err).__name__))


def _ensure_present(api, params, check_mode, now, result, pending):
    runner_token = params.get("runner_token")
    access_token = params.get("access_token")
    registration_token = params.get("registration_token")
    system_id = params.get("system_id")
    path = result.get("pending_path")
    rejected = False
    if runner_token:
        verified = api.verify_runner(runner_token, system_id)
        if verified is not None:
            result.update(runner_id=verified["id"], token_expires_at=verified["token_expires_at"])
            if pending is not None and pending["token"] != runner_token:
                _drop_pending(api, pending, path, check_mode, result, verified["id"])
            return result
        rejected = True
    rejected_note = (
        "runner_token was rejected (403) by %s (runner deleted, token revoked or rotated): " % api.url
        if rejected else "")
    if pending is not None and pending["token"] != runner_token:
        verified = api.verify_runner(pending["token"], system_id)
        if verified is not None:
            # The runner an interrupted run created: reuse it rather than leave it unused at GitLab.
            result.update(runner_id=verified["id"], token_expires_at=verified["token_expires_at"], recovered=True)
            if not check_mode:
                result.update(token=pending["token"], token_obtained_at=pending["token_obtained_at"] or now())
            result["warnings"].append(
                "%s%s runner %s, registered by an earlier run that did not write config.toml: its token was kept "
                "in %s and GitLab still accepts it" % (
                    rejected_note, "would reuse" if check_mode else "reused", verified["id"], path))
            return result
    if rejected and not (access_token or registration_token):
        raise GitLabAPIError(
            "runner token rejected (403) by %s: the runner was deleted or its token revoked (or rotated by "
            "the runner service: read the current token from config.toml); give access_token to register "
            "it again" % api.url, status=403)
    if rejected:
        result["warnings"].append(
            "%s%s a new runner; replace the old token everywhere it is kept"
            % (rejected_note, "would register" if check_mode else "registered"))
    if check_mode:
        result.update(changed=True, created=True)
        return result
    if access_token:
        created = api.create_runner(access_token, params.get("runner_type") or "instance_type",
                                    params.get("group_id"), params.get("project_id"), _attributes(params))
    else:
        created = api.register_runner(registration_token, _attributes(params))
    obtained = now()
    if path:
        _keep_pending(api, path, created, obtained)
    result.update(changed=True, created=True, runner_id=created["id"], token=created["token"],
                  token_expires_at=created["token_expires_at"], token_obtained_at=obtained)
    return result


def _keep_pending(api, path, created, obtained):
    """Store the new token in ``path``; if that fails, delete the new runner again and fail."""
    try:
        pending_credentials.write(path, {
            "url": api.url, "id": created["id"], "token": created["token"], "token_obtained_at": obtained,
            "token_expires_at": created["token_expires_at"]})
    except (IOError, OSError) as err:
        try:
            if api.delete_runner_by_token(created["token"]):
                undone = "the new runner %s was deleted again at GitLab" % created["id"]
            else:
                undone = "GitLab no longer knows the new runner %s" % created["id"]
        except GitLabAPIError as delete_err:
            undone = "deleting the new runner %s at GitLab failed too (%s): delete it there" % (
                created["id"], delete_err)
        raise ValueError(
            "cannot keep the new runner token in pending_path %s (%s), so a play that dies before config.toml is "
            "written would lose it; %s. Free space or fix the path, then run again"
            % (path, err.strerror or type(err).__name__, undone))


def _ensure_absent(api, params, check_mode, result):
    runner_token = params.get("runner_token")
    access_token = params.get("access_token")
    runner_id = params.get("runner_id")
    if not runner_token and not (access_token and runner_id):
        return  # nothing on the host or in the options names a runner: there is nothing to delete
    if runner_token:
        # verify first (a read) so the result names the runner, in check mode too.
        verified = api.verify_runner(runner_token, params.get("system_id"))
        if verified is not None:
            result["runner_id"] = verified["id"]
            if check_mode or api.delete_runner_by_token(runner_token):
                result.update(changed=True, deleted=True)
            return
        # 403: the runner is gone, or its token was rotated; the id (if given) settles it.
        if not (access_token and runner_id):
            return
    result["runner_id"] = runner_id
    if check_mode:
        exists = api.get_runner(access_token, runner_id) is not None
        result.update(changed=exists, deleted=exists)
    elif api.delete_runner_by_id(access_token, runner_id):
        result.update(changed=True, deleted=True)
