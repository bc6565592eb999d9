# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TEST DOUBLE of GitLab's runner REST API. It is not GitLab and holds no real data.

GitLab cannot run where the collection is tested, so registration is tested
against this small stand-in. It answers the runner endpoints the way GitLab's
API documentation says GitLab does (status codes and JSON bodies), keeps its
runners in memory (optionally in a JSON state file) and lets tests inject
faults. Stdlib only, Python 3.8+.

GitLab endpoints served (``/api/v4``):

- ``POST /user/runners``: create a runner with an access token
  (``PRIVATE-TOKEN`` header, scope ``create_runner`` or ``api``). 201, 400,
  401, 403.
- ``POST /runners/verify``: check a runner authentication token. 200, 403.
- ``POST /runners``: legacy registration with a registration token. 201,
  403 (bad token), 410 (registration tokens disallowed, the default, as on
  GitLab 17.0 and later).
- ``DELETE /runners``: delete the runner owning a runner token. 204, 403.
- ``GET /runners/:id`` (scope ``api``, ``read_api`` or ``manage_runner``) and
  ``DELETE /runners/:id`` (scope ``api`` or ``manage_runner``). 200/204, 401,
  403, 404.
- ``PUT /runners/:id`` (scope ``api`` or ``manage_runner``): change a runner's
  attributes (those given). 200 with the runner, 400, 401, 403, 404.
- ``GET /runners/:id/jobs`` (scope ``api``, ``read_api`` or ``manage_runner``,
  ``status`` filter, ``per_page``): the runner's jobs, newest first. 200, 400,
  401, 403, 404. Jobs exist only as tests start them (below).
- ``POST /runners/reset_authentication_token``: rotate a runner token. 201
  with the new token; the old one then gets 403.

Runner tokens are accepted in the JSON or form body (``token``) or in the
``RUNNER-TOKEN`` header.

Control endpoints for tests (``/_double``, no authentication):

- ``GET /_double/state``: runners (``token_hash`` = sha256 of the token,
  never the token), token hashes and scopes, ``calls`` per endpoint, the
  request log and the pending faults.
- ``POST /_double/faults``: queue a fault, or ``{"faults": [...]}``, each
  ``{"path": ..., "method": ..., "status": 503, "body": {...}, "delay": 2.5,
  "drop": true, "headers": {...}, "times": 2}``. ``path`` is a request path or an endpoint
  name such as ``/api/v4/runners/:id`` (absent: any GitLab endpoint). A
  ``delay`` alone delays the real answer; ``drop`` closes the connection
  without answering.
- ``DELETE /_double/faults``: drop the faults not yet used.
- ``POST /_double/reset``: back to the seeded tokens, no runners, no counters.
- ``POST /_double/tokens``: ``{"access_tokens": {"glpat-...": ["create_runner"]},
  "registration_tokens": ["GR1348941..."], "revoke_access_tokens": [...],
  "allow_registration_tokens": true, "groups": [7], "projects": [42],
  "token_expires_in": 3600}``.
- ``DELETE /_double/runners/:id``: delete a runner behind the play's back.
- ``POST /_double/runners/:id/rotate``: rotate a runner token as the runner
  service does; answers ``{"id", "token", "token_expires_at"}``.
- ``POST /_double/runners/:id/jobs``: the runner picked up a job
  (``{"status": "running", "name": ...}``); answers the job with its ``id``.
- ``PUT /_double/jobs/:id``: ``{"status": "success"}`` (or any job status).

Run it::

    python3 tests/gitlab_api_double/server.py --listen 127.0.0.1 --port 8929 \\
        --access-token glpat-example:create_runner,manage_runner --group 7

or, from Python, ``with GitLabAPIDouble(access_tokens={...}) as double:``
(``double.url`` is the base URL, on an ephemeral port by default).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import json
import os
import re
import secrets
import ssl
import sys
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["GitLabAPIDouble", "main", "token_hash"]

RUNNER_TYPES = ("instance_type", "group_type", "project_type")
ACCESS_LEVELS = ("not_protected", "ref_protected")
RUNNER_TOKEN_PREFIX = "glrt-"
MINIMUM_MAXIMUM_TIMEOUT = 600
_REQUEST_LOG_LENGTH = 500

# Scopes GitLab accepts per endpoint (manage_runner exists since GitLab 17.1).
_SCOPES_CREATE = frozenset(("create_runner", "api"))
_SCOPES_READ = frozenset(("api", "read_api", "manage_runner"))
_SCOPES_MANAGE = frozenset(("api", "manage_runner"))

_JOB_STATUSES = ("created", "pending", "running", "failed", "success", "canceled", "skipped", "manual",
                 "scheduled")

_ATTRIBUTE_DEFAULTS = {
    "description": "",
    "tag_list": [],
    "run_untagged": True,
    "locked": False,
    "access_level": "not_protected",
    "maximum_timeout": None,
    "paused": False,
    "maintenance_note": "",
}

_REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 410: "Gone", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}


def token_hash(token):
    """Return the sha256 hex digest the state view shows instead of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _message(status, detail=None):
    text = "%d %s" % (status, _REASONS.get(status, ""))
    return {"message": "%s - %s" % (text, detail) if detail else text}


class _Reply(Exception):
    """Raised by an endpoint to answer at once with ``status`` and ``body``."""

    def __init__(self, status, body=None):
        super().__init__(status)
        self.status = status
        self.body = body


def _empty_state(seed):
    state = copy.deepcopy(seed)
    state.update(runners={}, next_id=1, jobs={}, next_job_id=1, calls={}, requests=[], faults=[])
    return state


class _DoubleState:
    """All data of the double, guarded by one lock, saved after each change."""

    def __init__(self, seed, state_file=None):
        self._lock = threading.RLock()
        self._seed = seed
        self._state_file = state_file
        self.data = _empty_state(seed)
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as handle:
                self.data.update(json.load(handle))
            self.data.setdefault("jobs", {})
            self.data.setdefault("next_job_id", 1)
            # Seeds given on the command line add to what the file holds.
            self._merge_tokens(seed)

    # -- persistence -----------------------------------------------------
    def save(self):
        if not self._state_file:
            return
        directory = os.path.dirname(os.path.abspath(self._state_file))
        fd, tmp = tempfile.mkstemp(prefix=".gitlab-double-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # Compact: it is rewritten after every request.
            json.dump(self.data, handle, separators=(",", ":"), sort_keys=True)
        os.replace(tmp, self._state_file)

    # -- helpers ---------------------------------------------------------
    def _merge_tokens(self, changes):
        data = self.data
        for token, scopes in (changes.get("access_tokens") or {}).items():
            data["access_tokens"][token] = sorted(set(scopes))
        for token in changes.get("revoke_access_tokens") or []:
            data["access_tokens"].pop(token, None)
        for token in changes.get("registration_tokens") or []:
            if token not in data["registration_tokens"]:
                data["registration_tokens"].append(token)
        for key in ("groups", "projects"):
            for item in changes.get(key) or []:
                if int(item) not in data[key]:
                    data[key].append(int(item))
        if "allow_registration_tokens" in changes:
            data["allow_registration_tokens"] = bool(changes["allow_registration_tokens"])
        if "token_expires_in" in changes:
            data["token_expires_in"] = changes["token_expires_in"]

    def _new_token(self, prefix):
        return prefix + secrets.token_urlsafe(15)

    def _expires_at(self):
        seconds = self.data.get("token_expires_in")
        if not seconds:
            return None
        return _rfc3339(_now() + datetime.timedelta(seconds=seconds))

    def _runner_by_token(self, token):
        if not token:
            return None
        for runner in self.data["runners"].values():
            if runner["token"] != token:
                continue
            expires = runner.get("token_expires_at")
            if expires and expires < _rfc3339(_now()):
                return None
            return runner
        return None

    def _scopes_of(self, access_token):
        if not access_token or access_token not in self.data["access_tokens"]:
            raise _Reply(401, _message(401))
        return set(self.data["access_tokens"][access_token])

    def _require_scope(self, access_token, allowed, scope_name):
        if not self._scopes_of(access_token) & allowed:
            raise _Reply(403, {
                "error": "insufficient_scope",
                "error_description": "The request requires higher privileges than provided by the access token.",
                "scope": scope_name,
            })

    def _attributes(self, params, given=None):
        """The attributes of ``params`` (a creation), or of ``given`` over ``params`` (an update), validated."""
        attributes = {}
        for name, default in _ATTRIBUTE_DEFAULTS.items():
            value = params.get(name, default) if given is None or name not in given else given[name]
            if name == "tag_list" and isinstance(value, str):
                value = [tag.strip() for tag in value.split(",") if tag.strip()]
            attributes[name] = value
        for name in ("run_untagged", "locked", "paused"):
            attributes[name] = _boolean(attributes[name])
        if attributes["access_level"] not in ACCESS_LEVELS:
            raise _Reply(400, {"error": "access_level does not have a valid value"})
        timeout = attributes["maximum_timeout"]
        if timeout not in (None, ""):
            try:
                timeout = int(timeout)
            except (TypeError, ValueError):
                raise _Reply(400, {"error": "maximum_timeout is invalid"})
            if timeout < MINIMUM_MAXIMUM_TIMEOUT:
                raise _Reply(400, {"message": {"maximum_timeout": ["needs to be at least 10 minutes"]}})
            attributes["maximum_timeout"] = timeout
        else:
            attributes["maximum_timeout"] = None
        return attributes

    def _add_runner(self, params, runner_type, created_with, prefix, group_id=None, project_id=None):
        runner_id = self.data["next_id"]
        self.data["next_id"] += 1
        runner = {
            "id": runner_id,
            "token": self._new_token(prefix),
            "token_expires_at": self._expires_at(),
            "runner_type": runner_type,
            "group_id": group_id,
            "project_id": project_id,
            "created_with": created_with,
            "created_at": _rfc3339(_now()),
            "contacted_at": None,
            "system_ids": [],
        }
        runner.update(self._attributes(params))
        self.data["runners"][str(runner_id)] = runner
        return runner

    # -- GitLab endpoints ------------------------------------------------
    def create_user_runner(self, request):
        self._require_scope(request.private_token, _SCOPES_CREATE, "create_runner")
        params = request.params
        runner_type = params.get("runner_type")
        if not runner_type:
            raise _Reply(400, {"error": "runner_type is missing"})
        if runner_type not in RUNNER_TYPES:
            raise _Reply(400, {"error": "runner_type does not have a valid value"})
        group_id = project_id = None
        if runner_type == "group_type":
            group_id = _int_or_none(params.get("group_id"))
            if group_id is None or group_id not in self.data["groups"]:
                raise _Reply(400, _message(400, "Missing/invalid group ID"))
        elif runner_type == "project_type":
            project_id = _int_or_none(params.get("project_id"))
            if project_id is None or project_id not in self.data["projects"]:
                raise _Reply(400, _message(400, "Missing/invalid project ID"))
        runner = self._add_runner(params, runner_type, "access_token", RUNNER_TOKEN_PREFIX, group_id, project_id)
        return 201, {"id": runner["id"], "token": runner["token"], "token_expires_at": runner["token_expires_at"]}

    def health(self, request):  # pylint: disable=unused-argument
        return 200, "GitLab OK"

    def verify(self, request):
        runner = self._runner_by_token(request.runner_token)
        if runner is None:
            raise _Reply(403, _message(403))
        system_id = request.params.get("system_id")
        if system_id and system_id not in runner["system_ids"]:
            runner["system_ids"].append(system_id)
        runner["contacted_at"] = _rfc3339(_now())
        return 200, {"id": runner["id"], "token": runner["token"], "token_expires_at": runner["token_expires_at"]}

    def register(self, request):
        token = request.runner_token
        if not token or token not in self.data["registration_tokens"]:
            raise _Reply(403, _message(403))
        if not self.data["allow_registration_tokens"]:
            raise _Reply(410, _message(410, "runner registration disallowed"))
        # Legacy runner tokens carry no glrt- prefix on GitLab either.
        runner = self._add_runner(request.params, "instance_type", "registration_token", "")
        return 201, {"id": runner["id"], "token": runner["token"], "token_expires_at": runner["token_expires_at"]}

    def delete_by_token(self, request):
        runner = self._runner_by_token(request.runner_token)
        if runner is None:
            raise _Reply(403, _message(403))
        del self.data["runners"][str(runner["id"])]
        return 204, None

    def reset_token(self, request):
        runner = self._runner_by_token(request.runner_token)
        if runner is None:
            raise _Reply(403, _message(403))
        return 201, self._rotate(runner)

    def _runner(self, runner_id):
        runner = self.data["runners"].get(str(runner_id))
        if runner is None:
            raise _Reply(404, _message(404, "Runner Not Found"))
        return runner

    def get_runner(self, request, runner_id):
        self._require_scope(request.private_token, _SCOPES_READ, "read_api")
        return 200, _api_view(self._runner(runner_id))

    def update_runner(self, request, runner_id):
        self._require_scope(request.private_token, _SCOPES_MANAGE, "manage_runner")
        runner = self._runner(runner_id)
        given = dict((name, value) for name, value in request.params.items() if name in _ATTRIBUTE_DEFAULTS)
        if "active" in request.params and "paused" not in given:
            given["paused"] = not _boolean(request.params["active"])
        if not given:
            raise _Reply(400, {"error": "description, active, paused, tag_list, run_untagged, locked, access_level, "
                                        "maximum_timeout, maintenance_note are missing, at least one parameter must "
                                        "be provided"})
        attributes = self._attributes(dict((name, runner[name]) for name in _ATTRIBUTE_DEFAULTS), given)
        runner.update(attributes)
        runner["updates"] = runner.get("updates", 0) + 1
        return 200, _api_view(runner)

    def runner_jobs(self, request, runner_id):
        self._require_scope(request.private_token, _SCOPES_READ, "read_api")
        self._runner(runner_id)
        status = request.params.get("status")
        if status and status not in _JOB_STATUSES:
            raise _Reply(400, {"error": "status does not have a valid value"})
        jobs = [job for job in self.data["jobs"].values()
                if job["runner_id"] == runner_id and (not status or job["status"] == status)]
        return 200, sorted(jobs, key=lambda job: -job["id"])[:int(request.params.get("per_page") or 20)]

    def delete_by_id(self, request, runner_id):
        self._require_scope(request.private_token, _SCOPES_MANAGE, "manage_runner")
        if self.data["runners"].pop(str(runner_id), None) is None:
            raise _Reply(404, _message(404, "Runner Not Found"))
        return 204, None

    def _rotate(self, runner):
        prefix = RUNNER_TOKEN_PREFIX if runner["created_with"] == "access_token" else ""
        runner["token"] = self._new_token(prefix)
        runner["token_expires_at"] = self._expires_at()
        return {"token": runner["token"], "token_expires_at": runner["token_expires_at"]}

    # -- control -----------------------------------------------------------
    def view(self):
        data = self.data
        return {
            "allow_registration_tokens": data["allow_registration_tokens"],
            "token_expires_in": data.get("token_expires_in"),
            "access_tokens": [{"token_hash": token_hash(token), "scopes": scopes}
                              for token, scopes in sorted(data["access_tokens"].items())],
            "registration_tokens": [{"token_hash": token_hash(token)} for token in data["registration_tokens"]],
            "groups": sorted(data["groups"]),
            "projects": sorted(data["projects"]),
            "runners": [_runner_view(data["runners"][key]) for key in sorted(data["runners"], key=int)],
            "jobs": [data["jobs"][key] for key in sorted(data["jobs"], key=int)],
            "calls": dict(data["calls"]),
            "requests": list(data["requests"]),
            "faults": copy.deepcopy(data["faults"]),
        }

    def add_faults(self, faults):
        if isinstance(faults, dict):
            faults = [faults]
        for fault in faults:
            if not isinstance(fault, dict) or not ({"status", "delay", "drop"} & set(fault)):
                raise _Reply(400, {"error": "a fault needs status, delay or drop: %r" % (fault,)})
            entry = dict(fault)
            entry["times"] = int(entry.get("times", 1))
            self.data["faults"].append(entry)

    def take_fault(self, method, path, endpoint):
        for fault in self.data["faults"]:
            if fault.get("method") and fault["method"].upper() != method:
                continue
            if fault.get("path") and fault["path"] not in (path, endpoint, endpoint.split(" ", 1)[-1]):
                continue
            fault["times"] -= 1
            if fault["times"] <= 0:
                self.data["faults"].remove(fault)
            return fault
        return None

    def reset(self):
        self.data = _empty_state(self._seed)

    def tokens(self, changes):
        self._merge_tokens(changes)

    def delete_behind_back(self, runner_id):
        if self.data["runners"].pop(str(runner_id), None) is None:
            raise _Reply(404, _message(404, "Runner Not Found"))

    def start_job(self, runner_id, body):
        """A job the runner picked up (GitLab's side of it): ``{"status": "running"}`` by default."""
        self._runner(runner_id)
        status = body.get("status", "running")
        if status not in _JOB_STATUSES:
            raise _Reply(400, {"error": "status does not have a valid value"})
        job = {"id": self.data["next_job_id"], "status": status, "runner_id": runner_id,
               "name": body.get("name", "job"), "created_at": _rfc3339(_now())}
        self.data["next_job_id"] += 1
        self.data["jobs"][str(job["id"])] = job
        return job

    def set_job(self, job_id, body):
        job = self.data["jobs"].get(str(job_id))
        if job is None:
            raise _Reply(404, _message(404, "Job Not Found"))
        if body.get("status") not in _JOB_STATUSES:
            raise _Reply(400, {"error": "status does not have a valid value"})
        job["status"] = body["status"]
        return job

    def rotate_behind_back(self, runner_id):
        runner = self.data["runners"].get(str(runner_id))
        if runner is None:
            raise _Reply(404, _message(404, "Runner Not Found"))
        answer = self._rotate(runner)
        answer["id"] = runner["id"]
        return answer

    def count(self, endpoint):
        calls = self.data["calls"]
        calls[endpoint] = calls.get(endpoint, 0) + 1

    def record(self, method, path, endpoint, status):
        log = self.data["requests"]
        log.append({"method": method, "path": path, "endpoint": endpoint, "status": status})
        del log[:-_REQUEST_LOG_LENGTH]

    @property
    def lock(self):
        return self._lock


def _boolean(value):
    return value.lower() in ("true", "1", "yes") if isinstance(value, str) else bool(value)


def _api_view(runner):
    """A runner as GET /runners/:id shows it: no token, ``active`` (deprecated) beside ``paused``."""
    view = _runner_view(runner)
    view.pop("token_hash")
    view["active"] = not runner["paused"]
    return view


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _runner_view(runner):
    view = {key: value for key, value in runner.items() if key != "token"}
    view["token_hash"] = token_hash(runner["token"])
    return view


class _ParsedRequest:
    """What an endpoint needs from a request: merged parameters and tokens."""

    def __init__(self, handler, query, body):
        self.params = dict(query)
        self.params.update(body)
        self.private_token = handler.headers.get("PRIVATE-TOKEN")
        self.runner_token = self.params.get("token") or handler.headers.get("RUNNER-TOKEN")


# (method, path pattern, endpoint name, state method, is control)
_ROUTES = [
    # GitLab's health check: answers without a token (GitLab returns the text "GitLab OK").
    ("GET", r"/-/health", "GET /-/health", "health"),
    ("POST", r"/api/v4/user/runners", "POST /api/v4/user/runners", "create_user_runner"),
    ("POST", r"/api/v4/runners/verify", "POST /api/v4/runners/verify", "verify"),
    ("POST", r"/api/v4/runners/reset_authentication_token",
     "POST /api/v4/runners/reset_authentication_token", "reset_token"),
    ("POST", r"/api/v4/runners", "POST /api/v4/runners", "register"),
    ("DELETE", r"/api/v4/runners", "DELETE /api/v4/runners", "delete_by_token"),
    ("GET", r"/api/v4/runners/(\d+)", "GET /api/v4/runners/:id", "get_runner"),
    ("PUT", r"/api/v4/runners/(\d+)", "PUT /api/v4/runners/:id", "update_runner"),
    ("DELETE", r"/api/v4/runners/(\d+)", "DELETE /api/v4/runners/:id", "delete_by_id"),
    ("GET", r"/api/v4/runners/(\d+)/jobs", "GET /api/v4/runners/:id/jobs", "runner_jobs"),
]
_ROUTES = [(method, re.compile("^%s$" % pattern), endpoint, name) for method, pattern, endpoint, name in _ROUTES]


class _Handler(BaseHTTPRequestHandler):
    server_version = "gitlab-api-double/1"
    # Headers and body go out in separate writes; without this each answer waits for a delayed ACK.
    disable_nagle_algorithm = True

    # -- plumbing ----------------------------------------------------------
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.quiet:
            sys.stderr.write("gitlab-api-double: %s - %s\n" % (self.address_string(), format % args))

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type == "application/x-www-form-urlencoded":
            return _form(raw.decode("utf-8"))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise _Reply(400, {"error": "body is not valid JSON"})
        if not isinstance(body, dict):
            raise _Reply(400, {"error": "body must be a JSON object"})
        return body

    def _send(self, status, body=None, headers=None):
        payload = b"" if body is None or status == 204 else json.dumps(body).encode("utf-8")
        try:
            self.send_response(status, _REASONS.get(status))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (timeout test); nothing left to tell it.
            pass

    def _dispatch(self):
        split = urllib.parse.urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        query = _form(split.query)
        if path.startswith("/_double/") or path == "/_double":
            self._control(path)
            return
        state = self.server.double_state
        method = self.command
        route, args, path_known = None, (), False
        for route_method, pattern, endpoint, name in _ROUTES:
            match = pattern.match(path)
            if match:
                path_known = True
                if route_method == method:
                    route, args = (endpoint, name), tuple(int(group) for group in match.groups())
                    break
        endpoint = route[0] if route else "%s %s" % (method, path)
        with state.lock:
            # Counted on arrival, so a request still held by a delay fault is seen too; saved with its answer.
            state.count(endpoint)
            fault = state.take_fault(method, path, endpoint)
        status, body = self._answer_fault(fault, state, method, path, endpoint)
        if status is None and fault and fault.get("drop"):
            return
        headers = fault.get("headers") if fault and status is not None else None
        if status is None:
            try:
                request = _ParsedRequest(self, query, self._read_body())
                if route is None:
                    raise _Reply(405 if path_known else 404, _message(405 if path_known else 404))
                with state.lock:
                    status, body = getattr(state, route[1])(request, *args)
            except _Reply as reply:
                status, body = reply.status, reply.body
        with state.lock:
            state.record(method, path, endpoint, status)
            state.save()
        self._send(status, body, headers)

    def _answer_fault(self, fault, state, method, path, endpoint):
        if not fault:
            return None, None
        delay = float(fault.get("delay") or 0)
        if delay:
            self.server.stop_event.wait(delay)
        if fault.get("drop"):
            with state.lock:
                state.record(method, path, endpoint, "dropped")
                state.save()
            self.close_connection = True
            return None, None
        if fault.get("status"):
            status = int(fault["status"])
            try:
                self._read_body()
            except _Reply:
                pass
            return status, fault.get("body", _message(status, "injected by the test double"))
        return None, None

    def _control(self, path):
        state = self.server.double_state
        method = self.command
        try:
            body = self._read_body()
            with state.lock:
                answer = self._control_answer(state, method, path, body)
                state.save()
        except _Reply as reply:
            answer = (reply.status, reply.body)
        except (TypeError, ValueError, KeyError) as err:
            answer = (400, {"error": "bad control request: %s" % err})
        self._send(*answer)

    @staticmethod
    def _control_answer(state, method, path, body):
        runner_match = re.match(r"^/_double/runners/(\d+)(/rotate|/jobs)?$", path)
        job_match = re.match(r"^/_double/jobs/(\d+)$", path)
        if method == "GET" and path == "/_double/state":
            return 200, state.view()
        if method == "POST" and path == "/_double/faults":
            state.add_faults(body.get("faults", body) if isinstance(body, dict) else body)
            return 201, {"faults": state.view()["faults"]}
        if method == "DELETE" and path == "/_double/faults":
            state.data["faults"] = []
            return 204, None
        if method == "POST" and path == "/_double/reset":
            state.reset()
            return 200, state.view()
        if method == "POST" and path == "/_double/tokens":
            state.tokens(body)
            return 200, state.view()
        if runner_match and method == "DELETE" and not runner_match.group(2):
            state.delete_behind_back(int(runner_match.group(1)))
            return 204, None
        if runner_match and method == "POST" and runner_match.group(2) == "/rotate":
            return 200, state.rotate_behind_back(int(runner_match.group(1)))
        if runner_match and method == "POST" and runner_match.group(2) == "/jobs":
            return 201, state.start_job(int(runner_match.group(1)), body)
        if job_match and method in ("PUT", "POST"):
            return 200, state.set_job(int(job_match.group(1)), body)
        raise _Reply(404, _message(404, "no such control endpoint"))

    # -- verbs -------------------------------------------------------------
    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_POST(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_PUT(self):  # pylint: disable=invalid-name
        self._dispatch()


def _form(text):
    params = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        if key.endswith("[]"):
            params.setdefault(key[:-2], []).append(value)
        else:
            params[key] = value
    return params


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, double_state, tls_context=None, quiet=True):
        self.double_state = double_state
        self.tls_context = tls_context
        self.quiet = quiet
        self.stop_event = threading.Event()
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the request thread so a stuck client cannot block accept().
        if self.tls_context is not None:
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


class GitLabAPIDouble:
    """Test double of GitLab's runner REST API, run in a background thread.

    ``access_tokens`` maps token -> list of scopes. Tests talk to it over HTTP
    (``url``) like the module does, and use the methods below as shortcuts
    for the ``/_double/`` control endpoints.
    """

    def __init__(self, listen="127.0.0.1", port=0, state_file=None, access_tokens=None,
                 registration_tokens=(), allow_registration_tokens=False, groups=(), projects=(),
                 token_expires_in=None, tls_cert=None, tls_key=None, quiet=True):
        seed = {
            "access_tokens": {token: sorted(set(scopes)) for token, scopes in (access_tokens or {}).items()},
            "registration_tokens": list(registration_tokens),
            "allow_registration_tokens": bool(allow_registration_tokens),
            "groups": [int(group) for group in groups],
            "projects": [int(project) for project in projects],
            "token_expires_in": token_expires_in,
        }
        self._state = _DoubleState(seed, state_file)
        context = None
        if tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls_cert, tls_key)
        self._server = _Server((listen, port), self._state, context, quiet)
        self._scheme = "https" if context else "http"
        self._thread = None

    @property
    def url(self):
        """Base URL of the double, as a GitLab ``url`` option would be given."""
        host, port = self._server.server_address[:2]
        if ":" in host:
            host = "[%s]" % host
        return "%s://%s:%d" % (self._scheme, host, port)

    @property
    def port(self):
        return self._server.server_address[1]

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="gitlab-api-double", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        self._server.stop_event.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # Shortcuts for the control endpoints.
    def state(self):
        with self._state.lock:
            return copy.deepcopy(self._state.view())

    def calls(self, endpoint=None):
        calls = self.state()["calls"]
        return calls.get(endpoint, 0) if endpoint else calls

    def add_fault(self, **fault):
        with self._state.lock:
            self._state.add_faults(fault)
            self._state.save()

    def add_tokens(self, **changes):
        with self._state.lock:
            self._state.tokens(changes)
            self._state.save()

    def reset(self):
        with self._state.lock:
            self._state.reset()
            self._state.save()

    def delete_runner(self, runner_id):
        with self._state.lock:
            self._state.delete_behind_back(runner_id)
            self._state.save()

    def rotate_token(self, runner_id):
        with self._state.lock:
            answer = self._state.rotate_behind_back(runner_id)
            self._state.save()
        return answer["token"]

    def start_job(self, runner_id, status="running", name="job"):
        with self._state.lock:
            job = self._state.start_job(runner_id, {"status": status, "name": name})
            self._state.save()
        return job["id"]

    def set_job(self, job_id, status):
        with self._state.lock:
            self._state.set_job(job_id, {"status": status})
            self._state.save()

    def edit_runner(self, runner_id, **attributes):
        """Change attributes as a user would in GitLab's UI."""
        with self._state.lock:
            runner = self._state._runner(runner_id)  # pylint: disable=protected-access
            runner.update(attributes)
            self._state.save()


def _parse_access_token(text):
    token, scopes = text.partition(":")[::2]
    if not token or not scopes:
        raise argparse.ArgumentTypeError(
            "--access-token wants TOKEN:SCOPE[,SCOPE...], e.g. glpat-example:create_runner; got %r" % token)
    return token, [scope.strip() for scope in scopes.split(",") if scope.strip()]


def _arguments(argv):
    parser = argparse.ArgumentParser(
        description="TEST DOUBLE of GitLab's runner REST API (for tests; not GitLab).")
    parser.add_argument("--listen", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8929, help="port (default 8929, 0 picks a free one)")
    parser.add_argument("--state-file", help="JSON file to keep runners and tokens across restarts")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM key of --tls-cert")
    parser.add_argument("--access-token", action="append", type=_parse_access_token, default=[],
                        metavar="TOKEN:SCOPES", help="access token and its comma-separated scopes (repeatable)")
    parser.add_argument("--registration-token", action="append", default=[], metavar="TOKEN",
                        help="legacy instance registration token (repeatable)")
    parser.add_argument("--allow-registration-tokens", action="store_true",
                        help="accept registration tokens (off by default, as on GitLab 17.0+)")
    parser.add_argument("--group", action="append", type=int, default=[], metavar="ID", help="existing group id")
    parser.add_argument("--project", action="append", type=int, default=[], metavar="ID", help="existing project id")
    parser.add_argument("--token-expires-in", type=int, metavar="SECONDS",
                        help="give runner tokens an expiry (default: no expiry, token_expires_at null)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    args = _arguments(argv)
    double = GitLabAPIDouble(
        listen=args.listen, port=args.port, state_file=args.state_file,
        access_tokens=dict(args.access_token), registration_tokens=args.registration_token,
        allow_registration_tokens=args.allow_registration_tokens, groups=args.group, projects=args.project,
        token_expires_in=args.token_expires_in, tls_cert=args.tls_cert, tls_key=args.tls_key, quiet=args.quiet)
    sys.stderr.write("gitlab-api-double (TEST DOUBLE, not GitLab) listening on %s\n" % double.url)
    sys.stderr.flush()
    try:
        double.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        double.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
