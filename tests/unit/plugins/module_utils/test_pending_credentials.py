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


@pytest.mark.parametrize("name, file_name", [
    ("ci", "ci.json"), ("a/b c", "a%2Fb%20c.json"), ("runner-01.example.com", "runner-01.example.com.json"),
    ("é", "%C3%A9.json"),
])
def test_file_name_is_the_name_url_encoded(name, file_name):
    assert pending_credentials.file_name(name) == file_name


@pytest.mark.parametrize("name, length", [
    # A file name holds at most 255 bytes: the name URL-encoded plus ".json".
    ("a" * 250, None), ("a" * 251, 256), ("/" * 83, None), ("/" * 84, 257), ("é" * 41, None), ("é" * 42, 257),
])
def test_name_problem_at_the_file_name_limit(name, length):
    problem = pending_credentials.name_problem(name)
    if length is None:
        assert problem is None
    else:
        assert problem.startswith("is too long: its pending-token file name (the name URL-encoded plus .json) would "
                                  "have %d bytes, more than the 255 a file name may have" % length)


def test_read_of_a_directory_names_why(tmp_path):
    with pytest.raises(ValueError) as error:
        pending_credentials.read(str(tmp_path))
    assert str(error.value) == "cannot read %s (Is a directory): run as root" % tmp_path


@pytest.mark.parametrize("mode, expected", [(0o700, 0o700), (0o500, 0o500), (0o755, 0o700), (0o644, 0o700),
                                            (0o707, 0o700)])
def test_ensure_directory_tightens_only_what_others_may_reach(tmp_path, mode, expected):
    directory = tmp_path / "pending"
    directory.mkdir()
    os.chmod(str(directory), mode)
    pending_credentials.ensure_directory(str(directory / "ci.json"))
    assert _mode(str(directory)) == expected


class _API:
    url = "https://gitlab.example.com"

    def __init__(self, known=(), delete_fails=False):
        self.known = set(known)
        self.delete_fails = delete_fails
        self.calls = []

    def verify_runner(self, token, system_id=None):
        self.calls.append(("verify_runner", token))
        return {"id": 12} if token in self.known else None

    def delete_runner_by_token(self, token):
        self.calls.append(("delete_runner_by_token", token))
        if self.delete_fails:
            raise pending_credentials.gitlab_runner_api.GitLabAPIError("GitLab at %s did not answer" % self.url)
        return token in self.known


@pytest.mark.parametrize("record, used, warning", [
    (dict(RECORD, url=None), True, None),
    (dict(RECORD, url="https://gitlab.example.com/"), True, None),
    (RECORD, True, None),
    (dict(RECORD, url="https://old:pw@old-gitlab.example.com"), False,
     "%s holds the token of runner 12 at https://old:********@old-gitlab.example.com, not at "
     "https://gitlab.example.com: it is ignored, and replaced if a runner is registered; delete that runner at its "
     "GitLab if nothing uses it"),
    (dict(RECORD, url="not a url"), False,
     "%s holds the token of runner 12 at not a url, not at https://gitlab.example.com: it is ignored, and replaced if "
     "a runner is registered; delete that runner at its GitLab if nothing uses it"),
])
def test_load_uses_only_a_token_of_this_gitlab(path, record, used, warning):
    pending_credentials.write(path, record)
    warnings = []
    loaded = pending_credentials.load(_API(), path, warnings)
    assert (loaded is not None) is used
    assert warnings == ([warning % path] if warning else [])


def test_load_of_a_damaged_file_warns_and_ignores_it(path):
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as handle:
        handle.write("{}")
    warnings = []
    assert pending_credentials.load(_API(), path, warnings) is None
    assert warnings == ["%s is not a pending credentials file (JSON with a token): it is ignored, and replaced if a "
                        "runner is registered; remove it if you did not put it there" % path]


def _drop(path, api, pending, check_mode, verified_id):
    pending_credentials.write(path, pending)
    result = {"changed": False, "deleted": False, "runner_id": None, "warnings": []}
    pending_credentials.drop(api, pending, path, check_mode, result, verified_id)
    return result


_HELD = "%s held the token of runner %s, registered by an earlier run that did not write config.toml, but %s: %s"


@pytest.mark.parametrize("pending, known, check_mode, verified_id, calls, deleted, warning", [
    # The runner whose token verified, rotated since: only the file goes.
    (RECORD, (), False, 12, [], False,
     ("12", "runner_token is valid", "it is the same runner (its token was rotated since); the file was removed")),
    (RECORD, (), True, 12, [], False,
     ("12", "runner_token is valid", "it is the same runner (its token was rotated since); the file would be removed")),
    # Another runner: a duplicate, deleted at GitLab.
    (RECORD, ("glrt-pending-token-0001",), False, 5, [("delete_runner_by_token", "glrt-pending-token-0001")], False,
     ("12", "runner_token is valid", "that runner was deleted at GitLab so it does not stay as an unused duplicate, "
                                     "and the file removed")),
    (RECORD, ("glrt-pending-token-0001",), True, 5, [("verify_runner", "glrt-pending-token-0001")], False,
     ("12", "runner_token is valid", "that runner would be deleted at GitLab so it does not stay as an unused "
                                     "duplicate, and the file removed")),
    (dict(RECORD, id=None), (), False, 5, [("delete_runner_by_token", "glrt-pending-token-0001")], False,
     ("(id unknown)", "runner_token is valid", "GitLab no longer knows that runner; the file was removed")),
    # state=absent: the pending runner is the one removed.
    (RECORD, ("glrt-pending-token-0001",), False, None, [("delete_runner_by_token", "glrt-pending-token-0001")], True,
     ("12", "state is absent", "that runner was deleted at GitLab so it does not stay as an unused duplicate, and the "
                               "file removed")),
    (RECORD, (), True, None, [("verify_runner", "glrt-pending-token-0001")], False,
     ("12", "state is absent", "GitLab no longer knows that runner; the file would be removed")),
])
def test_drop_settles_a_pending_token(path, pending, known, check_mode, verified_id, calls, deleted, warning):
    api = _API(known)
    result = _drop(path, api, pending, check_mode, verified_id)
    assert api.calls == calls
    assert result["changed"] is True and result["deleted"] is deleted
    assert result["runner_id"] == (12 if deleted else None)
    assert result["warnings"] == [_HELD % ((path,) + warning)]
    assert os.path.exists(path) is check_mode


def test_drop_keeps_the_runner_found_already(path):
    pending_credentials.write(path, RECORD)
    result = {"changed": False, "deleted": True, "runner_id": 5, "warnings": []}
    pending_credentials.drop(_API(("glrt-pending-token-0001",)), RECORD, path, False, result, None)
    assert (result["deleted"], result["runner_id"]) == (True, 5)


def test_discard_that_fails_is_a_warning(path, monkeypatch):
    def _busy(removed):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(atomic_file, "remove", _busy)
    warnings = []
    pending_credentials.discard(path, warnings)
    assert warnings == ["cannot remove %s (Device or resource busy): remove it by hand, the token it holds is no "
                        "longer needed" % path]


def test_keep_writes_the_new_token_with_where_it_came_from(path):
    created = {"id": 12, "token": "glrt-pending-token-0001", "token_expires_at": "2027-01-01T00:00:00Z"}
    pending_credentials.keep(_API(), path, created, "2026-05-01T12:00:00Z")
    with open(path) as handle:
        on_disk = json.load(handle)
    assert on_disk == {"url": "https://gitlab.example.com", "id": 12, "token": "glrt-pending-token-0001",
                       "token_obtained_at": "2026-05-01T12:00:00Z", "token_expires_at": "2027-01-01T00:00:00Z",
                       "about": on_disk["about"]}


@pytest.mark.parametrize("known, undone", [
    (("glrt-pending-token-0001",), "the new runner 12 was deleted again at GitLab"),
    ((), "GitLab no longer knows the new runner 12"),
])
def test_keep_that_cannot_write_undoes_the_registration(path, monkeypatch, known, undone):
    def _full(written, record):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pending_credentials, "write", _full)
    created = {"id": 12, "token": "glrt-pending-token-0001", "token_expires_at": None}
    with pytest.raises(ValueError) as error:
        pending_credentials.keep(_API(known), path, created, "2026-05-01T12:00:00Z")
    assert str(error.value) == (
        "cannot keep the new runner token in pending_path %s (No space left on device), so a play that dies before "
        "config.toml is written would lose it; %s. Free space or fix the path, then run again" % (path, undone))


def test_settled_lists_the_files_holding_the_token_config_toml_has(tmp_path):
    paths = {}
    for name, token in (("a", "glrt-a"), ("b", "glrt-old-b"), ("d", "glrt-d")):
        paths[name] = str(tmp_path / (name + ".json"))
        pending_credentials.write(paths[name], dict(RECORD, token=token))
    paths["c"] = str(tmp_path / "c.json")
    with open(paths["c"], "w") as handle:
        handle.write("not json")
    paths["e"] = str(tmp_path / "missing.json")
    warned = []
    done = pending_credentials.settled(paths, ["x", "c", "a", "b", "e", "d"],
                                       lambda name: "glrt-%s" % name, warned.append)
    assert done == ["a", "d"]
    assert warned == ["%s is not a pending credentials file (JSON with a token); it is left in place" % paths["c"]]
