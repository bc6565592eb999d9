# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): pending credentials: a new runner token kept on the runner host until config.toml holds it.

GitLab shows a new runner token once. runner_registration stores it here
before it returns (:func:`keep`), so a play that dies before runner_config
writes config.toml leaves the token on the host instead of an unreachable
runner at GitLab; the next run verifies and reuses it (:func:`load`), or
deletes its runner when another token won (:func:`drop`). runner_config
removes the file once config.toml holds that token (:func:`settled`,
:func:`discard`). This file owns that whole lifecycle.

One JSON file per runner, mode 0600 in a 0700 directory, written atomically.
Stdlib only; runs on Python 3.8+. Error messages name the file, never its
content.
"""

from __future__ import annotations

import json
import os
import urllib.parse

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file, gitlab_runner_api, secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import normalize_url

__all__ = [
    "DIRECTORY_MODE",
    "check_path",
    "discard",
    "drop",
    "ensure_directory",
    "file_name",
    "keep",
    "load",
    "name_problem",
    "read",
    "settled",
    "write",
]

DIRECTORY_MODE = 0o700
_ABOUT = (
    "Runner token registered by runnerops.gitlab_runner.runner_registration and not yet in config.toml; "
    "runner_config removes this file once config.toml holds it. Secret: keep mode 0600."
)
_FIELDS = ("url", "id", "token", "token_obtained_at", "token_expires_at")


NAME_MAX = 255  # bytes in one file name on Linux file systems


def file_name(runner_name):
    """The pending file of ``runner_name``: the name URL-encoded, "/" included, as the runner role writes it."""
    return urllib.parse.quote(runner_name, safe="") + ".json"


def name_problem(runner_name):
    """Why ``runner_name`` cannot name its pending file (too long once URL-encoded), or None."""
    length = len(file_name(runner_name).encode("utf-8"))
    if length > NAME_MAX:
        return ("is too long: its pending-token file name (the name URL-encoded plus .json) would have %d bytes, "
                "more than the %d a file name may have; shorten the name (non-ASCII and punctuation take 3 "
                "bytes each)" % (length, NAME_MAX))
    return None


def check_path(path):
    """Raise ValueError unless ``path`` is usable as a pending credentials file."""
    if not isinstance(path, str) or not os.path.isabs(path):
        raise ValueError(
            "pending_path %r is not an absolute path: give the file that keeps a new token until config.toml "
            "holds it, e.g. /etc/gitlab-runner/.runner_pending/<runner name>.json" % (path,))
    if path.endswith("/") or os.path.isdir(path):
        raise ValueError("pending_path %s is a directory: give a file path inside it, e.g. <runner name>.json" % path)


def read(path):
    """Return the record in ``path`` (``url, id, token, token_obtained_at, token_expires_at``), None if missing.

    Raises ValueError (the message names the file, never its content) when it
    cannot be read or holds no token.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except (IOError, OSError) as error:
        raise ValueError("cannot read %s (%s): run as root" % (path, error.strerror or type(error).__name__))
    try:
        record = json.loads(raw.decode("utf-8"))
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("token"), str) or not record["token"]:
        raise ValueError("%s is not a pending credentials file (JSON with a token)" % path)
    runner_id = record.get("id")
    if isinstance(runner_id, bool) or not isinstance(runner_id, int):
        runner_id = None
    found = dict((key, record.get(key) if isinstance(record.get(key), str) else None) for key in _FIELDS)
    found["id"] = runner_id
    return found


def ensure_directory(path):
    """Create the directory of ``path`` with mode 0700 if missing; tighten it to 0700 if looser."""
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory, DIRECTORY_MODE)
    if os.stat(directory).st_mode & 0o077:
        os.chmod(directory, DIRECTORY_MODE)


def write(path, record):
    """Store ``record`` in ``path`` atomically (``atomic_file.write_json``), its directory made or tightened to 0700."""
    content = dict((key, record.get(key)) for key in _FIELDS)
    content["about"] = _ABOUT
    ensure_directory(path)
    atomic_file.write_json(path, content)


# -- the lifecycle: what runner_registration and runner_config do with these files ------------------

def load(api, path, warnings):
    """Return the record kept in ``path`` worth trying, or None."""
    if not path:
        return None
    try:
        record = read(path)
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


def drop(api, pending, path, check_mode, result, verified_id):
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
        discard(path, result["warnings"])
    result["changed"] = True
    why = "runner_token is valid" if verified_id is not None else "state is absent"
    result["warnings"].append(
        "%s held the token of runner %s, registered by an earlier run that did not write config.toml, but %s: %s"
        % (path, pending["id"] if pending["id"] is not None else "(id unknown)", why, outcome))


def discard(path, warnings):
    try:
        atomic_file.remove(path)
    except (IOError, OSError) as err:
        warnings.append("cannot remove %s (%s): remove it by hand, the token it holds is no longer needed"
                        % (path, err.strerror or type(err).__name__))


def keep(api, path, created, obtained):
    """Store the new token in ``path``; if that fails, delete the new runner again and fail."""
    try:
        write(path, {
            "url": api.url, "id": created["id"], "token": created["token"], "token_obtained_at": obtained,
            "token_expires_at": created["token_expires_at"]})
    except (IOError, OSError) as err:
        try:
            if api.delete_runner_by_token(created["token"]):
                undone = "the new runner %s was deleted again at GitLab" % created["id"]
            else:
                undone = "GitLab no longer knows the new runner %s" % created["id"]
        except gitlab_runner_api.GitLabAPIError as delete_err:
            undone = "deleting the new runner %s at GitLab failed too (%s): delete it there" % (
                created["id"], delete_err)
        raise ValueError(
            "cannot keep the new runner token in pending_path %s (%s), so a play that dies before config.toml is "
            "written would lose it; %s. Free space or fix the path, then run again"
            % (path, err.strerror or type(err).__name__, undone))


def settled(paths, names, token_of, warn):
    """The ``names`` whose pending file (``paths[name]``) holds the token config.toml has now (``token_of(name)``).

    Those files can go; the others stay: until config.toml holds a token, its pending file is its one copy.
    """
    done = []
    for name in names:
        path = paths.get(name)
        if path is None:
            continue
        try:
            record = read(path)
        except ValueError as error:
            warn("%s; it is left in place" % error)
            continue
        if record is not None and record["token"] == token_of(name):
            done.append(name)
    return done
