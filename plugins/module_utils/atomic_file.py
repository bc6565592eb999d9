# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the JSON files the modules keep on a host, written atomically.

The pending runner tokens (``pending_credentials``), the drain's record of the
runners it paused (``drain``) and the record of runner attributes
(``runner_attributes``) are written by :func:`write_json`, the host's system id
(``system_id``) by :func:`write_text`: a 0600 temporary file in the same
directory, flushed and fsynced, renamed over the old file, then the directory
fsynced. A reader sees the old file or the new one, never half of one, also
after a crash. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import json
import os
import tempfile

__all__ = ["FILE_MODE", "remove", "write_json", "write_text"]

FILE_MODE = 0o600


def write_json(path, content):
    """Write ``content`` as JSON to ``path`` atomically, mode 0600; the directory must exist."""
    write_text(path, json.dumps(content, indent=2, sort_keys=True) + "\n")


def write_text(path, text):
    """Write ``text`` to ``path`` atomically, mode 0600; the directory must exist."""
    directory = os.path.dirname(path)
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "w", encoding="utf-8") as temp_file:
            temp_file.write(text)
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
