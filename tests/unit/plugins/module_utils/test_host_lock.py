"""host_lock: one play at a time in the config directory."""

from __future__ import annotations

import fcntl
import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.host_lock import exclusive


def _held_elsewhere(directory):
    """A lock taken through another open file description, as another process would."""
    descriptor = os.open(str(directory), os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def test_the_lock_is_held_inside_the_block_and_released_after(tmp_path):
    with exclusive(str(tmp_path)) as locked:
        assert locked is True
        probe = os.open(str(tmp_path), os.O_RDONLY)
        with pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(probe)
    os.close(_held_elsewhere(tmp_path))


def test_waits_for_the_other_holder(tmp_path, clock):
    holder = _held_elsewhere(tmp_path)

    def _release_on_third_wait(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 3:
            os.close(holder)

    with exclusive(str(tmp_path), timeout=10, poll=0.5, clock=clock, sleep=_release_on_third_wait) as locked:
        assert locked is True
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_a_lock_that_stays_taken_is_a_clear_error(tmp_path, clock):
    holder = _held_elsewhere(tmp_path)
    try:
        with pytest.raises(ValueError) as error:
            with exclusive(str(tmp_path), timeout=2, poll=0.5, clock=clock, sleep=clock.sleep):
                pytest.fail("the block ran without the lock")
    finally:
        os.close(holder)
    assert str(error.value) == (
        "another run has held the lock on %s for 2 seconds (runner_registration or runner_config of "
        "runnerops.gitlab_runner): let it finish, or find the process with 'fuser -v %s', then run again"
        % (tmp_path, tmp_path))
    assert clock.now == 2.0


def test_a_missing_directory_is_not_locked(tmp_path):
    with exclusive(str(tmp_path / "not-yet")) as locked:
        assert locked is False
    assert not (tmp_path / "not-yet").exists()
