# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the runner host's system id, as gitlab-runner keeps it.

gitlab-runner (commands/internal/configfile/system_id_state.go) reads
``.runner_system_id`` beside config.toml and uses its content, trimmed, where it
matches ``^[sr]_[0-9a-zA-Z]{12}$``; otherwise it makes one and writes it (0600):
``s_`` and the first 12 hex digits of HMAC-SHA256(key=the machine id,
"gitlab-runner"), the machine id being the first of /var/lib/dbus/machine-id and
/etc/machine-id it can read (github.com/denisbrodbeck/machineid), trimmed; where
there is none, ``r_`` and 12 random letters and digits. Made here the same way,
a host's id is the one gitlab-runner would have made, and GitLab lists one
runner manager per host whichever of the two wrote the file first.

Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file

__all__ = ["FILE_NAME", "PATTERN", "ensure", "from_machine_id", "machine_id", "make", "parse", "problem"]

FILE_NAME = ".runner_system_id"
PATTERN = re.compile(r"^[sr]_[0-9a-zA-Z]{12}\Z")
MACHINE_ID_PATHS = ("/var/lib/dbus/machine-id", "/etc/machine-id")
_RANDOM_CHARSET = string.ascii_lowercase + string.ascii_uppercase + string.digits
_LENGTH = 12


def parse(text):
    """The system id ``text`` (a file's content) holds, or None where gitlab-runner would make a new one."""
    candidate = text.strip()
    return candidate if PATTERN.match(candidate) else None


def problem(system_id):
    """Why ``system_id`` is not one gitlab-runner reads back, or None."""
    if PATTERN.match(system_id):
        return None
    return ("%r is not a runner system id: gitlab-runner reads s_ or r_ followed by 12 letters or digits from "
            "<config dir>/%s (and makes a new one otherwise)" % (system_id, FILE_NAME))


def from_machine_id(machine):
    """``s_`` and the first 12 hex digits of HMAC-SHA256 of "gitlab-runner" keyed with the machine id."""
    digest = hmac.new(machine.encode("utf-8"), b"gitlab-runner", hashlib.sha256).hexdigest()
    return "s_" + digest[:_LENGTH]


def machine_id(paths=MACHINE_ID_PATHS):
    """The host's machine id as machineid.ID() reads it: the first readable file, trimmed ('' if it is empty)."""
    for path in paths:
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            continue
        return content.decode("utf-8", "replace").strip("\n").strip()
    return ""


def make(paths=MACHINE_ID_PATHS, choice=secrets.choice):
    """A new system id: from the machine id, else random (``r_``), as gitlab-runner makes one."""
    machine = machine_id(paths)
    if machine:
        return from_machine_id(machine)
    return "r_" + "".join(choice(_RANDOM_CHARSET) for _position in range(_LENGTH))


def ensure(path, check_mode=False, paths=MACHINE_ID_PATHS):
    """``(system id, written)``: the id ``path`` holds, else a new one written there (not in check mode).

    Raises OSError where the file exists but cannot be read (gitlab-runner stops there too) or cannot be written.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            current = parse(handle.read())
    except FileNotFoundError:
        current = None
    if current:
        return current, False
    new = make(paths)
    if not check_mode:
        atomic_file.write_text(path, new)
    return new, True
