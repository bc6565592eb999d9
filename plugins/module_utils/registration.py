# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): what runner_registration decides, with the API client.

:func:`ensure_runner` brings one runner to its state; :func:`ensure_runners`
does it for all the runners of a host in one module call: config.toml is read
once, the verifications (reads) run concurrently in a small bounded pool, and
whatever creates or deletes a runner runs one at a time, so GitLab sees no
burst of creations and the order of new runners is the order asked.

Errors are ``GitLabAPIError`` (GitLab refused or could not be reached, from
``gitlab_runner_api``) or ``ValueError`` (bad options, found before any
request). Their messages name the option or token at fault and never hold a
token. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import os

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    gitlab_rules,
    pending_credentials,
    runner_attributes,
    secrets,
    system_id as system_ids,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import read_live_credentials
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import RUNNER_ATTRIBUTES, normalize_url
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    MANAGE_RUNNER,
    GitLabAPIError,
    explain_status,
)

__all__ = [
    "MAX_CONCURRENCY",
    "RunnerError",
    "ensure_runner",
    "ensure_runners",
    "validate_params",
]

# Verifications of one host's runners in flight at once: enough to hide latency, few enough for any GitLab.
MAX_CONCURRENCY = 8


def _rfc3339_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_params(params):
    """Check what the argument spec cannot; raise ValueError naming the option and the fix.

    The connection options are the module's to check (``gitlab_connection.check``): they are shared by all runners.
    """
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
    problem = system_ids.problem(system_id) if system_id is not None else None
    if problem:
        raise ValueError("system_id " + problem)
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


def _result(**values):
    result = {
        "changed": False,
        "created": False,
        "deleted": False,
        "runner_id": None,
        "token_expires_at": None,
        "attributes_changed": {},
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
    live = read_live_credentials(params.get("config_path")) if params.get("name") else {}
    records = _Records(params.get("config_path") if params.get("name") else None)
    result, pending = _prepare(api, params, live, keep_secret)
    try:
        result = _decide(api, params, check_mode, now, result, pending, records)
    finally:
        # What GitLab confirmed before a failure stays recorded; a refused or failed request left no trace.
        records.save(check_mode, result["warnings"])
    return result


class _Records:
    """The host's record of runner attributes (runner_attributes), read once and written once per call.

    An entry is put only after GitLab confirmed the attributes (a 2xx answer
    to the creation, the read or the change), or, with ``confirmed`` false, as
    the baseline of a runner whose attributes cannot be read; it is used to
    report differences, never to change anything at GitLab.
    """

    def __init__(self, config_path):
        self.path = runner_attributes.record_path(config_path) if config_path else None
        self.runners = runner_attributes.load_records(self.path) if self.path else {}
        self.changed = False

    def get(self, name, api, runner_id):
        entry = self.runners.get(name) if name else None
        if entry and entry.get("id") == runner_id and entry.get("url") == api.url:
            return entry
        return None

    def put(self, name, api, runner_id, attributes, confirmed):
        """Record ``attributes`` as GitLab's for runner ``name``; False when this host keeps no record."""
        if not name or not self.path:
            return False
        entry = {"url": api.url, "id": runner_id, "attributes": attributes, "confirmed": confirmed}
        if self.runners.get(name) != entry:
            self.runners[name] = entry
            self.changed = True
        return True

    def forget(self, name):
        if name and self.runners.pop(name, None) is not None:
            self.changed = True

    def save(self, check_mode, warnings):
        if not self.changed or check_mode or not os.path.isdir(os.path.dirname(self.path)):
            return
        try:
            runner_attributes.save_records(self.path, self.runners)
        except (IOError, OSError) as err:
            warnings.append("cannot write %s (%s): changes of runner attributes may go unnoticed without an "
                            "access token that may read them" % (self.path, err.strerror or type(err).__name__))


def _prepare(api, params, live, keep_secret):
    """What the host knows of the runner (no request): its token in config.toml, its pending token."""
    result = _result()
    _adopt_live_token(api, params, live, result["warnings"], keep_secret)
    path = params.get("pending_path") or None
    if path:
        result["pending_path"] = path
    # A pending token is not hidden that way: the result returns it when it is reused (the action plugin censors it).
    return result, pending_credentials.load(api, path, result["warnings"])


def _decide(api, params, check_mode, now, result, pending, records):
    if params.get("state", "present") == "absent":
        _ensure_absent(api, params, check_mode, result)
        if result["deleted"]:
            records.forget(params.get("name"))
        if pending is not None:
            if pending["token"] == params.get("runner_token"):
                if not check_mode:
                    pending_credentials.discard(params["pending_path"], result["warnings"])
                result["changed"] = True
            else:
                pending_credentials.drop(api, pending, params["pending_path"], check_mode, result, None)
        return result
    _ensure_present(api, params, check_mode, now, result, pending)
    if result["created"] and not check_mode:
        records.put(params.get("name"), api, result["runner_id"], runner_attributes.wanted(params), True)
    elif result["runner_id"] is not None and not result["created"]:
        _follow_attributes(api, params, check_mode, result, records)
    return result


class RunnerError(Exception):
    """Runner ``name`` of a batch failed with ``error`` (a GitLabAPIError or ValueError); nothing after it ran."""

    def __init__(self, name, error):
        super().__init__('runner "%s": %s' % (name, error))
        self.name = name
        self.error = error
        self.status = getattr(error, "status", None)


class _Prefetched:
    """An API client whose first answer to each prefetched read (a verification, a runner) comes from memory."""

    def __init__(self, api):
        self._api = api
        self._answers = {}

    def __getattr__(self, name):
        return getattr(self._api, name)

    def _prefetch(self, method, *args):
        try:
            self._answers[(method,) + args] = (getattr(self._api, method)(*args), None)
        except GitLabAPIError as err:
            self._answers[(method,) + args] = (None, err)

    def _answer(self, method, *args):
        # Used once: a second read of the same thing (after a change) asks GitLab again.
        answer = self._answers.pop((method,) + args, None)
        if answer is None:
            return getattr(self._api, method)(*args)
        if answer[1] is not None:
            raise answer[1]
        return answer[0]

    def prefetch(self, runner_token, system_id):
        self._prefetch("verify_runner", runner_token, system_id)

    def prefetch_runner(self, access_token, runner_id):
        self._prefetch("get_runner", access_token, runner_id)

    def verify_runner(self, runner_token, system_id=None):
        return self._answer("verify_runner", runner_token, system_id)

    def get_runner(self, access_token, runner_id):
        return self._answer("get_runner", access_token, runner_id)


def ensure_runners(make_api, runners, check_mode=False, now=_rfc3339_now, keep_secret=None,
                   concurrency=MAX_CONCURRENCY):
    """Bring each of ``runners`` (module options per runner, shared ones merged in) to its state, in order.

    ``make_api(url)`` returns the client for a GitLab URL (one per URL is made).
    Every runner's options are checked before any request, config.toml
    (``config_path``) is read once, and the verifications of the tokens the host
    holds run ``concurrency`` at a time; then each runner is settled in the
    given order, one at a time (creations, deletions, pending files). Returns
    the results in the order of ``runners``, each with its ``name``. A failure
    raises RunnerError naming the runner; the runners before it are settled
    (a new token is in its pending file) and those after it untouched.
    """
    for params in runners:
        try:
            validate_params(params)
        except ValueError as err:
            raise RunnerError(params.get("name"), err)
    apis, lives, records, prepared = {}, {}, {}, []
    for params in runners:
        url = normalize_url(params["url"])
        if url not in apis:
            apis[url] = _Prefetched(make_api(url))
        path = params.get("config_path")
        try:
            if path not in lives:
                lives[path] = read_live_credentials(path)
                records[path] = _Records(path)
            prepared.append((apis[url], params) + _prepare(apis[url], params, lives[path], keep_secret))
        except ValueError as err:
            raise RunnerError(params.get("name"), err)

    reads = []
    for api, params, _early_result, pending in prepared:
        for token in (params.get("runner_token"), pending and pending["token"]):
            if token:
                reads.append(lambda api=api, token=token, params=params: api.prefetch(token, params.get("system_id")))
        if _reads_attributes(params) and params.get("runner_id"):
            reads.append(lambda api=api, params=params: api.prefetch_runner(params["access_token"], params["runner_id"]))
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(concurrency, len(reads)) or 1) as pool:
        list(pool.map(lambda read: read(), reads))

    results = []
    try:
        for api, params, result, pending in prepared:
            try:
                result = _decide(api, params, check_mode, now, result, pending, records[params.get("config_path")])
            except (GitLabAPIError, ValueError) as err:
                raise RunnerError(params.get("name"), err)
            result["name"] = params.get("name")
            results.append(result)
    finally:
        # The runners settled before a failure keep what GitLab confirmed for them.
        warnings = results[-1]["warnings"] if results else []
        for host_records in records.values():
            host_records.save(check_mode, warnings)
    return results


def _adopt_live_token(api, params, live, warnings, keep_secret=None):
    """Use the token config.toml (``live``, read under the lock) holds for runner ``name``, if this GitLab issued it.

    The role read config.toml earlier; since then the runner service may have
    rotated the token, or a play running at the same time may have registered
    the runner. A token kept for another GitLab is never sent to this one.
    """
    path, name = params.get("config_path"), params.get("name")
    if not path or not name:
        return
    entry = live.get(name)
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
                pending_credentials.drop(api, pending, path, check_mode, result, verified["id"])
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
                                    params.get("group_id"), params.get("project_id"), runner_attributes.wanted(params))
    else:
        created = api.register_runner(registration_token, runner_attributes.wanted(params))
    obtained = now()
    if path:
        pending_credentials.keep(api, path, created, obtained)
    result.update(changed=True, created=True, runner_id=created["id"], token=created["token"],
                  token_expires_at=created["token_expires_at"], token_obtained_at=obtained)
    return result


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


def _reads_attributes(params):
    """Whether the runner's attributes are compared with GitLab's (an access token and attributes to follow)."""
    return (params.get("state", "present") == "present" and bool(params.get("access_token"))
            and bool(runner_attributes.wanted(params)))


_GRANT = "give access_token (the runner role's runner_access_token) %s" % MANAGE_RUNNER


def _confirmed(want, have):
    """The wanted attributes as GitLab answered them (``have``), for the record; one it did not return as wanted."""
    return dict((key, have[key] if key in have else value) for key, value in want.items())


def _follow_attributes(api, params, check_mode, result, records):
    """Make GitLab's attributes of the existing runner the wanted ones (PUT /runners/:id); never re-register.

    Without an access token that may read them, compare with the host's record
    instead and warn with what differs; GitLab is then left as it is. The
    record changes only with what GitLab confirmed: a refused or failed PUT
    leaves it as it was.
    """
    want = runner_attributes.wanted(params)
    if not want:
        return
    name, runner_id, access_token = params.get("name"), result["runner_id"], params.get("access_token")
    refused, advice = "no access_token was given", _GRANT
    if access_token:
        try:
            details = api.get_runner(access_token, runner_id)
            refused = None if details is not None else "GitLab at %s answered 404 to GET /api/v4/runners/%d: %s" % (
                api.url, runner_id, explain_status(404))
        except GitLabAPIError as err:
            if err.status not in (401, 403):
                raise
            refused, advice = str(err), "fix access_token as that answer says"
        if refused is None:
            have = runner_attributes.at_gitlab(details)
            changes = runner_attributes.differences(want, have)
            if not changes:
                records.put(name, api, runner_id, _confirmed(want, have), True)
                return
            if not check_mode:
                try:
                    updated = api.update_runner(access_token, runner_id, dict((key, want[key]) for key in changes))
                except GitLabAPIError as err:
                    if err.status not in (401, 403):
                        raise
                    result["warnings"].append(
                        "its attributes at GitLab differ from the ones asked (%s) and were not changed: %s" % (
                            runner_attributes.describe(changes), err))
                    return
                records.put(name, api, runner_id, _confirmed(want, runner_attributes.at_gitlab(updated)), True)
            result.update(changed=True, attributes_changed=dict(
                (key, {"before": before, "after": after}) for key, (before, after) in changes.items()))
            return
    record = records.get(name, api, runner_id)
    if record is None:
        kept = records.put(name, api, runner_id, want, False)
        result["warnings"].append(
            "its attributes at GitLab cannot be compared with the ones asked, as %s, and this host has no record of "
            "them%s; to have them followed, %s" % (
                refused, (": the ones asked %s recorded as GitLab's, and later changes reported"
                          % ("would be" if check_mode else "are")) if kept else "",
                advice))
        return
    changes = runner_attributes.differences(want, record["attributes"])
    if changes:
        result["warnings"].append(
            "its attributes differ from the ones last set at GitLab (%s) and were not changed, as %s; to have them "
            "followed, %s (the runner is never registered again to change them)" % (
                runner_attributes.describe(changes), refused, advice))
