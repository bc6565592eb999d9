# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): pending credentials: a new runner token kept on the runner host until config.toml holds it.

GitLab shows a new runner token once. runner_registration stores it here
before it returns, so a play that dies before runner_config writes
config.toml leaves the token on the host instead of an unreachable runner at
GitLab; the next run verifies and reuses it. runner_config removes the file
once config.toml holds that token.

One JSON file per runner, mode 0600 in a 0700 directory, written atomically.
Stdlib only; runs on Python 3.8+. Error messages name the file, never its
content.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse

__all__ = [
    "DIRECTORY_MODE",
    "FILE_MODE",
    "check_path",
    "ensure_directory",
    "file_name",
    "name_problem",
    "read",
    "remove",
    "write",
]

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
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
    """Store ``record`` in ``path`` atomically: a 0600 temporary file in the same directory, fsync, rename."""
    ensure_directory(path)
    directory = os.path.dirname(path)
    content = dict((key, record.get(key)) for key in _FIELDS)
    content["about"] = _ABOUT
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "w") as temp_file:
            json.dump(content, temp_file, indent=2, sort_keys=True)
            temp_file.write("\n")
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise
    _sync_directory(directory)


def remove(path):
    """Remove ``path``; return whether it existed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    _sync_directory(os.path.dirname(path))
    return True


def _sync_directory(directory):
    # The rename or unlink survives a crash only once the directory entry is on disk.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
