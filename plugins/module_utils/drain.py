# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): drain a runner host at GitLab before work on it, and resume it.

:func:`drain` pauses the host's runners at GitLab (``PUT /runners/:id``,
``paused``), so GitLab gives them no new job, and waits until they run none
(``GET /runners/:id/jobs?status=running``), at most ``timeout`` seconds.
:func:`resume` unpauses the runners that the drain paused, and only those:
a runner somebody paused by hand stays paused. Which runners the drain paused
is kept in ``<config dir>/.runner_drained.json`` (ids, no secret), written
before the first pause, so a play that dies half way leaves a host that the
next drain or resume settles. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import json
import os
import time

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import pending_credentials, registration
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabAPIError

__all__ = ["DRAIN_FILE", "DrainError", "drain", "host_runners", "record_path", "resume"]

DRAIN_FILE = ".runner_drained.json"
_ABOUT = ("Runners runnerops.gitlab_runner paused at GitLab to drain this host; resuming unpauses them and removes "
          "this file. No secret.")
_GRANT = ("give access_token (the runner role's runner_access_token) the manage_runner scope (GitLab 17.1 and later; "
          "or api), from a user who owns the runners' group or project, or an administrator's for instance runners")


class DrainError(Exception):
    """The drain or resume could not finish; the message says what stays paused and what to do."""


def record_path(config_path):
    return os.path.join(os.path.dirname(config_path), DRAIN_FILE)


def host_runners(config_path, url):
    """``([(name, id, token)], [names of runners at another GitLab])`` from the config.toml at ``config_path``."""
    try:
        live = registration.read_live_credentials(config_path)
    except ValueError as err:
        raise DrainError(str(err))
    mine, elsewhere = [], []
    for name, entry in sorted(live.items()):
        try:
            same = normalize_url(entry.get("url") or "") == url
        except ValueError:
            same = False
        if same:
            mine.append((name, entry.get("id") if isinstance(entry.get("id"), int) else None, entry["token"]))
        else:
            elsewhere.append(name)
    return mine, elsewhere


def _load(path):
    try:
        with open(path, "rb") as handle:
            content = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        return None
    except (IOError, OSError, ValueError) as err:
        raise DrainError("%s cannot be read (%s): it lists the runners a drain paused; fix or remove it"
                         % (path, getattr(err, "strerror", None) or type(err).__name__))
    paused = content.get("paused") if isinstance(content, dict) else None
    if not isinstance(paused, dict):
        raise DrainError("%s does not list paused runners: fix or remove it" % path)
    return content


def _ids(api, access_token, runners):
    """``{name: id}``; an id config.toml lacks comes from verifying the runner's own token."""
    ids = {}
    for name, runner_id, token in runners:
        if runner_id is None:
            verified = api.verify_runner(token)
            if verified is None:
                raise DrainError('runner "%s": GitLab rejects its token (403): it was deleted or its token revoked; '
                                 "remove it from config.toml or register it again" % name)
            runner_id = verified["id"]
        ids[name] = runner_id
    return ids


def _read(api, access_token, name, runner_id, what):
    try:
        details = api.get_runner(access_token, runner_id)
    except GitLabAPIError as err:
        if err.status in (401, 403):
            raise DrainError('runner "%s" (id %d) cannot be %s: GitLab answered %d; %s'
                             % (name, runner_id, what, err.status, _GRANT))
        raise
    if details is None:
        raise DrainError('runner "%s": GitLab has no runner %d (deleted there?); run the runner role to register it '
                         "again" % (name, runner_id))
    return details


def drain(api, access_token, config_path, timeout, interval=5.0, check_mode=False, sleep=time.sleep,
          clock=time.monotonic):
    """Pause the host's runners and wait until they run no job; the module result.

    Raises DrainError when a runner cannot be paused or still runs jobs after
    ``timeout`` seconds; the runners paused by then stay paused (and recorded).
    """
    runners, elsewhere = host_runners(config_path, api.url)
    path = record_path(config_path)
    record = _load(path) or {"url": api.url, "paused": {}}
    ids = _ids(api, access_token, runners)
    to_pause = []
    for name, runner_id in sorted(ids.items()):
        details = _read(api, access_token, name, runner_id, "paused")
        already = details.get("paused") if "paused" in details else not details.get("active", True)
        if not already:
            to_pause.append(name)
    result = {"changed": bool(to_pause), "paused": to_pause, "waited": 0.0,
              "other_gitlab": elsewhere, "record": path}
    if check_mode:
        return result
    if to_pause:
        record["paused"].update((name, ids[name]) for name in to_pause)
        pending_credentials.write_json(path, dict(record, about=_ABOUT), make_directory=False)
        for name in to_pause:
            try:
                api.update_runner(access_token, ids[name], {"paused": True})
            except GitLabAPIError as err:
                if err.status in (401, 403):
                    raise DrainError('runner "%s" (id %d) cannot be paused: GitLab answered %d; %s'
                                     % (name, ids[name], err.status, _GRANT))
                raise
    started = clock()
    while True:
        running = {}
        for name, runner_id in sorted(ids.items()):
            try:
                jobs = api.running_jobs(access_token, runner_id)
            except GitLabAPIError as err:
                if err.status in (401, 403):
                    raise DrainError('the jobs of runner "%s" (id %d) cannot be listed: GitLab answered %d; %s; it '
                                     "stays paused" % (name, runner_id, err.status, _GRANT))
                raise
            if jobs:
                running[name] = jobs
        waited = clock() - started
        if not running:
            result["waited"] = round(waited, 1)
            return result
        if waited >= timeout:
            raise DrainError(
                "still running after %ds: %s. The host's runners stay paused at GitLab (no new job starts there); "
                "wait for those jobs or cancel them, raise the drain timeout, then run again (or resume the host)"
                % (timeout, "; ".join('runner "%s" job(s) %s' % (name, ", ".join(str(job) for job in jobs))
                                      for name, jobs in sorted(running.items()))))
        sleep(min(interval, max(timeout - waited, 0.1)))


def resume(api, access_token, config_path, check_mode=False):
    """Unpause the runners a drain paused (and that still exist), then remove the record; the module result."""
    path = record_path(config_path)
    record = _load(path)
    result = {"changed": False, "resumed": [], "record": path}
    if record is None:
        return result
    for name, runner_id in sorted(record["paused"].items()):
        if check_mode:
            result["resumed"].append(name)
            continue
        try:
            api.update_runner(access_token, runner_id, {"paused": False})
        except GitLabAPIError as err:
            if err.status == 404:
                continue  # deleted since: nothing to resume
            if err.status in (401, 403):
                raise DrainError('runner "%s" (id %d) cannot be unpaused: GitLab answered %d; %s; %s still lists it'
                                 % (name, runner_id, err.status, _GRANT, path))
            raise
        result["resumed"].append(name)
    result["changed"] = bool(record["paused"])
    if not check_mode:
        pending_credentials.remove(path)
    return result
