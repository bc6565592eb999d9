# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): drain a runner host at GitLab before work on it, and resume it.

:func:`drain` pauses the host's runners at GitLab (``PUT /runners/:id``,
``paused``), so GitLab gives them no new job, and waits until they run none
(``GET /runners/:id/jobs?status=running``), at most ``timeout`` seconds.
:func:`resume` unpauses the runners that the drain paused, and only those:
a runner somebody paused by hand stays paused. Which runners the drain paused
is kept in ``<config dir>/.runner_drained.json`` (ids, no secret). The record
holds only what GitLab confirmed: a runner goes in once GitLab answered its
pause with a 2xx, and out once GitLab answered its unpause; a refused or
failed request leaves no trace, so a later resume never unpauses a runner
somebody else paused. A play that dies half way leaves a host that the next
drain or resume settles. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import json
import os
import time

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file, secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import read_live_credentials
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabAPIError

__all__ = ["DRAIN_FILE", "DrainError", "drain", "host_runners", "record_path", "resume"]

DRAIN_FILE = ".runner_drained.json"
_ABOUT = ("Runners runnerops.gitlab_runner paused at GitLab to drain this host (each once GitLab confirmed it); "
          "resuming unpauses them and removes this file. No secret.")


class DrainError(Exception):
    """The drain or resume could not finish; the message says what stays paused and what to do.

    ``status`` is GitLab's HTTP status when GitLab's answer was the cause.
    """

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def record_path(config_path):
    return os.path.join(os.path.dirname(config_path), DRAIN_FILE)


def host_runners(config_path, url):
    """``([(name, id, token)], [names of runners at another GitLab])`` from the config.toml at ``config_path``."""
    try:
        live = read_live_credentials(config_path)
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


def _same_gitlab(record, api, path):
    """A record's runner ids are those of the GitLab it was made at: never pause or unpause them at another."""
    url = record.get("url")
    if isinstance(url, str) and url and normalize_url(url) != api.url:
        raise DrainError(
            "%s lists runners a drain paused at %s, but this run talks to %s, where the same ids are other runners: "
            "resume them with url %s (or, if they were dealt with there, remove the record)"
            % (path, secrets.mask_url(url), api.url, secrets.mask_url(url)))


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


def _save(path, record):
    """Write the record, or remove it when it lists no runner."""
    if record["paused"]:
        atomic_file.write_json(path, dict(record, about=_ABOUT))
    else:
        atomic_file.remove(path)


def _failed(err, what):
    """A DrainError that says ``what`` failed, then GitLab's answer as the client explains it."""
    return DrainError("%s: %s" % (what, err), status=err.status)


def _unconfirmed(err):
    """Whether GitLab may have done what it did not confirm (no answer, or a 5xx after the retries)."""
    return err.status is None or err.status >= 500


def _read(api, access_token, name, runner_id, what):
    try:
        details = api.get_runner(access_token, runner_id)
    except GitLabAPIError as err:
        raise _failed(err, 'runner "%s" (id %d) cannot be %s' % (name, runner_id, what))
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
    _same_gitlab(record, api, path)
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
    for name in to_pause:
        try:
            api.update_runner(access_token, ids[name], {"paused": True})
        except GitLabAPIError as err:
            raise _failed(err, 'runner "%s" (id %d) cannot be paused%s' % (
                name, ids[name], " (GitLab did not confirm it, so %s does not list it: if GitLab shows it paused, "
                                 "unpause it there once the work is done)" % path if _unconfirmed(err) else ""))
        record["paused"][name] = ids[name]
        _save(path, record)
    started = clock()
    while True:
        running = {}
        for name, runner_id in sorted(ids.items()):
            try:
                jobs = api.running_jobs(access_token, runner_id)
            except GitLabAPIError as err:
                raise _failed(err, 'the jobs of runner "%s" (id %d) cannot be listed (the runners paused stay '
                                   "paused)" % (name, runner_id))
            if jobs:
                running[name] = jobs
        waited = clock() - started
        if not running:
            result["waited"] = round(waited, 1)
            return result
        if waited >= timeout:
            raise DrainError(
                "still running after %ds: %s. The host's runners stay paused at GitLab (no new job starts there); "
                "wait for those jobs or cancel them, raise drain_timeout (upgrade_drain_timeout of the upgrade "
                "playbook), then run again (or resume the host)"
                % (timeout, "; ".join('runner "%s" job(s) %s' % (name, ", ".join(str(job) for job in jobs))
                                      for name, jobs in sorted(running.items()))))
        sleep(min(interval, max(timeout - waited, 0.1)))


def resume(api, access_token, config_path, check_mode=False):
    """Unpause the runners a drain paused (and that still exist), then remove the record; the module result.

    Each runner leaves the record once GitLab confirmed its unpause (or said
    it has no such runner); the record goes with the last one.
    """
    path = record_path(config_path)
    record = _load(path)
    result = {"changed": False, "resumed": [], "record": path}
    if record is None:
        return result
    _same_gitlab(record, api, path)
    result["changed"] = bool(record["paused"])
    for name, runner_id in sorted(record["paused"].items()):
        if check_mode:
            result["resumed"].append(name)
            continue
        try:
            api.update_runner(access_token, runner_id, {"paused": False})
        except GitLabAPIError as err:
            if err.status != 404:
                raise _failed(err, 'runner "%s" (id %d) cannot be unpaused (%s still lists it)'
                              % (name, runner_id, path))
            # Deleted since: nothing to resume.
        else:
            result["resumed"].append(name)
        del record["paused"][name]
        _save(path, record)
    if not check_mode and not record["paused"]:
        atomic_file.remove(path)
    return result
