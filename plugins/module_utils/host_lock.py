# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): one run at a time: an exclusive lock on the config directory of the managed host.

runner_registration (read the live token, register, keep the pending token) and
runner_config (read config.toml, merge, write) each hold it, so two plays
started together against one host register one runner per name and leave a
valid config.toml. flock(2) on the directory itself: no lock file to leave
behind, and the kernel releases the lock when a process dies.

Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time

__all__ = ["DEFAULT_TIMEOUT", "exclusive"]

DEFAULT_TIMEOUT = 900.0
_POLL = 0.2


@contextlib.contextmanager
def exclusive(directory, timeout=DEFAULT_TIMEOUT, poll=_POLL, clock=time.monotonic, sleep=time.sleep):
    """Hold an exclusive flock on ``directory`` for the ``with`` block; wait at most ``timeout`` seconds.

    A directory that does not exist yet is not locked (nothing in it can be
    raced over; check mode creates nothing). Raises ValueError naming the
    directory when the lock stays taken.
    """
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except FileNotFoundError:
        yield False
        return
    try:
        deadline = clock() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    raise ValueError(
                        "another run has held the lock on %s for %g seconds (runner_registration or runner_config of "
                        "runnerops.gitlab_runner): let it finish, or find the process with 'fuser -v %s', then run "
                        "again" % (directory, timeout, directory))
                sleep(poll)
        yield True
    finally:
        os.close(descriptor)
