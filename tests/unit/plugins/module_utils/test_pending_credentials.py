# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pending credentials file: written 0600 atomically in a 0700 directory, read back, removed."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file, pending_credentials

RECORD = {"url": "https://gitlab.example.com", "id": 12, "token": "glrt-pending-token-0001",
          "token_obtained_at": "2026-05-01T12:00:00Z", "token_expires_at": None}


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "gitlab-runner" / ".runner_pending" / "ci.json")


def test_write_then_read(path):
    pending_credentials.write(path, dict(RECORD, extra="dropped"))
    assert pending_credentials.read(path) == RECORD
    assert (_mode(path), _mode(os.path.dirname(path))) == (0o600, 0o700)
    assert os.listdir(os.path.dirname(path)) == ["ci.json"]
    with open(path) as handle:
        on_disk = json.load(handle)
    assert "extra" not in on_disk and "runner_config removes this file" in on_disk["about"]


def test_write_replaces_atomically_and_tightens_the_directory(path):
    pending_credentials.write(path, RECORD)
    os.chmod(os.path.dirname(path), 0o755)
    os.chmod(path, 0o644)
    pending_credentials.write(path, dict(RECORD, token="glrt-second-token-0002", id=13))
    assert pending_credentials.read(path)["token"] == "glrt-second-token-0002"
    assert (_mode(path), _mode(os.path.dirname(path))) == (0o600, 0o700)
    assert os.listdir(os.path.dirname(path)) == ["ci.json"]


def test_failed_write_leaves_the_old_file_and_no_temporary(path, monkeypatch):
    pending_credentials.write(path, RECORD)

    def _fail(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", _fail)
    with pytest.raises(OSError):
        pending_credentials.write(path, dict(RECORD, token="glrt-never-written-0003"))
    monkeypatch.undo()
    assert pending_credentials.read(path) == RECORD
    assert os.listdir(os.path.dirname(path)) == ["ci.json"]


def test_read_missing_is_none_and_a_removed_file_reads_as_missing(path):
    assert pending_credentials.read(path) is None
    pending_credentials.write(path, RECORD)
    assert atomic_file.remove(path) is True
    assert pending_credentials.read(path) is None


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"[]", b'{"id": 3}', b'{"token": ""}', b'{"token": 42}', b"\xff\xfe",
])
def test_read_rejects_what_is_not_a_pending_file_without_showing_it(path, content):
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as handle:
        handle.write(content)
    with pytest.raises(ValueError) as error:
        pending_credentials.read(path)
    assert str(error.value) == "%s is not a pending credentials file (JSON with a token)" % path


def test_read_ignores_fields_of_the_wrong_type(path):
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as handle:
        json.dump({"token": "glrt-x-token-0004", "id": "12", "url": 5, "token_obtained_at": True}, handle)
    assert pending_credentials.read(path) == {"url": None, "id": None, "token": "glrt-x-token-0004",
                                              "token_obtained_at": None, "token_expires_at": None}


def test_read_of_a_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="^cannot read %s " % tmp_path):
        pending_credentials.read(str(tmp_path))


@pytest.mark.parametrize("value, message", [
    ("relative/ci.json", "is not an absolute path"),
    ("", "is not an absolute path"),
    (None, "is not an absolute path"),
    ("/etc/gitlab-runner/.runner_pending/", "is a directory"),
])
def test_check_path_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        pending_credentials.check_path(value)


def test_check_path_rejects_an_existing_directory(tmp_path):
    with pytest.raises(ValueError, match="is a directory: give a file path inside it"):
        pending_credentials.check_path(str(tmp_path))
