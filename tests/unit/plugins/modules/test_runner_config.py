# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import fcntl
import grp
import json
import os
import pwd
import stat
import tomllib
from functools import partial

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_lock, pending_credentials
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.runner_plan import runner_plan
from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_config

URL = "https://gitlab.example.com"
TOKEN_A = "glrt-AAAAtokenAAAA1234"
TOKEN_B = "glrt-BBBBtokenBBBB5678"
OWNER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name
PLAN = runner_plan(
    [{"name": "socket"}, {"name": "dind", "mode": "dind"}, {"name": "old", "state": "absent"}],
    {"url": URL, "mode": "socket", "docker_version": "27.3.1", "dind_tls": True, "global": {"concurrent": 2}},
)


def _registration(name, token=None, runner_id=None, obtained="2026-03-01T10:00:00Z", expires=None):
    """A registered loop result of runner_registration."""
    result = {"item": {"name": name, "state": "present", "url": URL}, "runner_id": runner_id,
              "token_expires_at": expires, "changed": token is not None, "ansible_loop_var": "item"}
    if token is not None:
        result.update(token=token, token_obtained_at=obtained)
    return result


FIRST_CREDENTIALS = [
    _registration("socket", TOKEN_A, 1),
    _registration("dind", TOKEN_B, 2, expires="2026-06-01T00:00:00.000Z"),
    {"skipped": True, "item": {"name": "old", "state": "absent"}},
]
VERIFIED_CREDENTIALS = [_registration("socket", runner_id=1), _registration("dind", runner_id=2)]


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    # Module warnings are collected process-wide; each in-process run starts with none.
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    # Once any test imports controller code, module warnings go to Display instead of the result.
    monkeypatch.setattr(ansible_internal, "is_controller", False)


@pytest.fixture()
def path(tmp_path):
    return str(tmp_path / "gitlab-runner" / "config.toml")


def _run(capsys, path, credentials=None, check_mode=False, diff=False, **options):
    args = {
        "path": path,
        "config": copy.deepcopy(PLAN["config"]),
        "credentials": FIRST_CREDENTIALS if credentials is None else credentials,
        "absent": PLAN["absent"],
        "modes": PLAN["modes"],
        "owner": OWNER,
        "group": GROUP,
        "_ansible_check_mode": check_mode,
        "_ansible_diff": diff,
    }
    args.update(options)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            runner_config.main()
    output = capsys.readouterr().out
    for token in (TOKEN_A, TOKEN_B, "glrt-ROTATEDrotated99", "glrt-NEWnewNEWnew42", "glrt-HANDhand"):
        assert token not in output, "a token leaked into the module result"
    return json.loads(output)


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _runners(path):
    return {runner["name"]: runner for runner in tomllib.loads(_read(path).decode())["runners"]}


def _warnings(result):
    return [str(warning) for warning in result.get("warnings", [])]


def test_first_write(capsys, path):
    result = _run(capsys, path)
    assert result["changed"] is True
    assert (result["runners"], result["removed"], result["kept_unmanaged"]) == (["socket", "dind"], [], [])
    assert result["restart_required"] is False
    assert "backup_file" not in result
    assert _mode(path) == 0o600
    assert _mode(os.path.dirname(path)) == 0o700
    runners = _runners(path)
    assert list(runners) == ["socket", "dind"]
    assert runners["socket"]["token"] == TOKEN_A
    assert runners["socket"]["id"] == 1
    assert runners["socket"]["token_expires_at"].year == 1
    assert runners["dind"]["token_expires_at"].isoformat() == "2026-06-01T00:00:00+00:00"
    assert runners["dind"]["docker"]["services"] == [{"name": "docker:27.3.1-dind", "alias": "docker"}]
    assert os.listdir(os.path.dirname(path)) == ["config.toml"]


def test_rerun_unchanged(capsys, path):
    _run(capsys, path)
    before = _read(path)
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS)
    assert result["changed"] is False
    assert "backup_file" not in result
    assert _read(path) == before


def test_rotated_token_in_live_file_is_kept(capsys, path):
    _run(capsys, path)
    # What the service does when it rotates: new token, new dates, file rewritten.
    text = _read(path).decode().replace(TOKEN_A, "glrt-ROTATEDrotated99", 1)
    text = text.replace("token_obtained_at = 2026-03-01T10:00:00Z", "token_obtained_at = 2026-04-01T00:00:00Z", 1)
    with open(path, "w") as handle:
        handle.write(text)
    # The same registration results as the first run: older than the rotation.
    result = _run(capsys, path)
    assert result["changed"] is False
    assert _runners(path)["socket"]["token"] == "glrt-ROTATEDrotated99"
    assert any("rotated it since that registration" in warning for warning in _warnings(result))
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS)
    assert result["changed"] is False
    assert _runners(path)["socket"]["token"] == "glrt-ROTATEDrotated99"


def test_new_credential_token_replaces_and_backs_up(capsys, path):
    _run(capsys, path)
    os.chmod(path, 0o644)
    before = _read(path)
    credentials = [_registration("socket", "glrt-NEWnewNEWnew42", 9, obtained="2026-05-01T00:00:00Z"),
                   _registration("dind", runner_id=2)]
    result = _run(capsys, path, credentials=credentials)
    assert result["changed"] is True
    runners = _runners(path)
    assert (runners["socket"]["token"], runners["socket"]["id"]) == ("glrt-NEWnewNEWnew42", 9)
    assert runners["dind"]["token"] == TOKEN_B
    assert _mode(path) == 0o600
    backup = result["backup_file"]
    assert _read(backup) == before
    assert _mode(backup) == 0o600


def test_no_backup(capsys, path):
    _run(capsys, path)
    result = _run(capsys, path, credentials=[_registration("socket", "glrt-NEWnewNEWnew42", 9)], backup=False)
    assert result["changed"] is True
    assert "backup_file" not in result
    assert os.listdir(os.path.dirname(path)) == ["config.toml"]


def _write_live(path, extra):
    """A live file with this module's runners plus hand-made ones (as the runner would write them)."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path, "w") as handle:
        handle.write(extra)
    os.chmod(path, 0o600)


HAND_MADE = """concurrent = 1

[[runners]]
  name = "hand"
  url = "https://gitlab.example.com"
  token = "glrt-HANDhand"
  executor = "shell"

[[runners]]
  name = "old"
  url = "https://gitlab.example.com"
  token = "glrt-OLD-TOKEN"
  executor = "shell"
"""


def test_absent_removed_unmanaged_kept(capsys, path):
    _write_live(path, HAND_MADE)
    result = _run(capsys, path)
    assert (result["removed"], result["kept_unmanaged"]) == (["old"], ["hand"])
    runners = _runners(path)
    assert list(runners) == ["socket", "dind", "hand"]
    assert runners["hand"] == {"name": "hand", "url": URL, "token": "glrt-HANDhand", "executor": "shell"}


def test_unmanaged_pruned(capsys, path):
    _write_live(path, HAND_MADE)
    result = _run(capsys, path, prune_unmanaged=True)
    assert (result["removed"], result["kept_unmanaged"]) == (["hand", "old"], [])
    assert list(_runners(path)) == ["socket", "dind"]


def test_check_mode_writes_nothing(capsys, path):
    result = _run(capsys, path, check_mode=True, diff=True)
    assert result["changed"] is True
    assert not os.path.exists(os.path.dirname(path))
    assert 'token = "glrt-********"' in result["diff"]["after"]
    assert result["diff"]["before"] == ""

    _write_live(path, HAND_MADE)
    before = _read(path)
    result = _run(capsys, path, check_mode=True, diff=True)
    assert result["changed"] is True
    assert "backup_file" not in result
    assert _read(path) == before


def test_check_mode_runner_without_token_yet(capsys, path):
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS, check_mode=True)
    assert result["changed"] is True
    assert any('runner "socket" has no token yet' in warning for warning in _warnings(result))


def test_runner_without_token_fails(capsys, path):
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS)
    assert result["failed"] is True
    assert 'runner "socket" has no token' in result["msg"]
    assert not os.path.exists(path)


def test_diff_masks_tokens(capsys, path):
    _write_live(path, HAND_MADE)
    result = _run(capsys, path, diff=True)
    diff = result["diff"]
    assert diff["before_header"] == diff["after_header"] == path
    assert 'token = "glrt-********"' in diff["before"]
    assert diff["after"].count('token = "glrt-********"') == 3
    for secret in ("glrt-OLD-TOKEN", "glrt-HAND", "AAAAtoken", "BBBBtoken"):
        assert secret not in json.dumps(result)
    # Names and dates are not secrets: they stay readable.
    assert 'name = "socket"' in diff["after"]
    assert "token_obtained_at = 2026-03-01T10:00:00Z" in diff["after"]
    assert result["runners"] == ["socket", "dind"]


def test_validation_error_writes_nothing(capsys, path):
    _run(capsys, path)
    before = _read(path)
    config = copy.deepcopy(PLAN["config"])
    config["runners"][0]["docker"]["privileged"] = True
    config["runners"][1]["docker"]["tls_verfy"] = False
    result = _run(capsys, path, config=config, credentials=VERIFIED_CREDENTIALS)
    assert result["failed"] is True
    assert result["msg"].startswith("the new config.toml would not be valid, nothing was written")
    assert any("privileged" in error for error in result["errors"])
    assert any("tls_verfy" in error for error in result["errors"])
    assert _read(path) == before


def test_unparsable_live_file_fails(capsys, path):
    _write_live(path, '[[runners]]\n  name = "socket"\n  token = "glrt-AAAAtokenAAAA1234\n')
    before = _read(path)
    result = _run(capsys, path)
    assert result["failed"] is True
    assert "the live config.toml cannot be read" in result["msg"]
    assert _read(path) == before


def test_directory_and_file_modes_fixed(capsys, path):
    _run(capsys, path)
    os.chmod(os.path.dirname(path), 0o755)
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS)
    assert result["changed"] is True
    assert _mode(os.path.dirname(path)) == 0o700
    os.chmod(path, 0o640)
    result = _run(capsys, path, credentials=VERIFIED_CREDENTIALS)
    assert result["changed"] is True
    assert _mode(path) == 0o600
    assert _run(capsys, path, credentials=VERIFIED_CREDENTIALS)["changed"] is False


def test_restart_required_for_listen_address(capsys, path):
    _run(capsys, path)
    config = copy.deepcopy(PLAN["config"])
    config["listen_address"] = "127.0.0.1:9252"
    result = _run(capsys, path, config=config, credentials=VERIFIED_CREDENTIALS)
    assert (result["changed"], result["restart_required"]) == (True, True)
    result = _run(capsys, path, config=config, credentials=VERIFIED_CREDENTIALS)
    assert (result["changed"], result["restart_required"]) == (False, False)


def test_invocation_hides_tokens_but_not_names(capsys, path):
    result = _run(capsys, path)
    credentials = result["invocation"]["module_args"]["credentials"]
    assert credentials[0]["item"]["name"] == "socket"
    assert credentials[0]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


# -- pending credentials files -------------------------------------------------------

def _pending_file(path, name, token):
    """A pending credentials file as runner_registration leaves it; return its path."""
    pending = os.path.join(os.path.dirname(path), ".runner_pending", "%s.json" % name)
    pending_credentials.write(pending, {"url": URL, "id": 1, "token": token, "token_obtained_at": None,
                                        "token_expires_at": None})
    return pending


def _with_pending(credentials, paths):
    """Registration results carrying pending_path, as runner_registration returns it."""
    results = copy.deepcopy(credentials)
    for result in results:
        name = result.get("item", {}).get("name")
        if name in paths:
            result["pending_path"] = paths[name]
    return results


def test_pending_file_removed_once_config_holds_its_token(capsys, path):
    paths = {"socket": _pending_file(path, "socket", TOKEN_A), "dind": _pending_file(path, "dind", TOKEN_B)}
    result = _run(capsys, path, credentials=_with_pending(FIRST_CREDENTIALS, paths))
    assert (result["changed"], result["pending_removed"]) == (True, ["socket", "dind"])
    assert _runners(path)["socket"]["token"] == TOKEN_A
    assert os.listdir(os.path.join(os.path.dirname(path), ".runner_pending")) == []


def test_pending_file_removed_when_config_already_holds_its_token(capsys, path):
    """The play died after writing config.toml but before the pending file went: the rerun removes it."""
    _run(capsys, path)
    before = _read(path)
    paths = {"socket": _pending_file(path, "socket", TOKEN_A)}
    result = _run(capsys, path, credentials=_with_pending(VERIFIED_CREDENTIALS, paths))
    assert (result["changed"], result["pending_removed"]) == (True, ["socket"])
    assert _read(path) == before and "backup_file" not in result
    assert not os.path.exists(paths["socket"])
    again = _run(capsys, path, credentials=_with_pending(VERIFIED_CREDENTIALS, paths))
    assert (again["changed"], again["pending_removed"]) == (False, [])


def test_pending_file_with_another_token_is_left(capsys, path):
    paths = {"socket": _pending_file(path, "socket", "glrt-ROTATEDrotated99")}
    result = _run(capsys, path, credentials=_with_pending(FIRST_CREDENTIALS, paths))
    assert result["pending_removed"] == []
    assert pending_credentials.read(paths["socket"])["token"] == "glrt-ROTATEDrotated99"


def test_pending_file_kept_when_config_is_not_written(capsys, path):
    paths = {"socket": _pending_file(path, "socket", TOKEN_A)}
    config = copy.deepcopy(PLAN["config"])
    config["runners"][0]["docker"]["privileged"] = True
    result = _run(capsys, path, config=config, credentials=_with_pending(FIRST_CREDENTIALS, paths))
    assert result["failed"] is True
    assert not os.path.exists(path)
    assert pending_credentials.read(paths["socket"])["token"] == TOKEN_A

    _write_live(path, 'concurrent = 1\nrunners = "not tables"\n')  # the write fails on the live file
    result = _run(capsys, path, credentials=_with_pending(FIRST_CREDENTIALS, paths))
    assert result["failed"] is True and "runners that are not [[runners]] tables" in result["msg"]
    assert pending_credentials.read(paths["socket"])["token"] == TOKEN_A


def test_check_mode_removes_no_pending_file(capsys, path):
    _run(capsys, path)
    paths = {"socket": _pending_file(path, "socket", TOKEN_A)}
    result = _run(capsys, path, credentials=_with_pending(VERIFIED_CREDENTIALS, paths), check_mode=True)
    assert (result["changed"], result["pending_removed"]) == (True, ["socket"])
    assert pending_credentials.read(paths["socket"])["token"] == TOKEN_A


def test_unreadable_pending_file_is_left_with_a_warning(capsys, path):
    pending = os.path.join(os.path.dirname(path), ".runner_pending", "socket.json")
    os.makedirs(os.path.dirname(pending))
    with open(pending, "w") as handle:
        handle.write("{broken")
    result = _run(capsys, path, credentials=_with_pending(FIRST_CREDENTIALS, {"socket": pending}))
    assert (result["changed"], result["pending_removed"]) == (True, [])
    assert any("is not a pending credentials file" in warning for warning in _warnings(result))
    assert os.path.exists(pending)


def test_relative_pending_path_fails_before_writing(capsys, path):
    result = _run(capsys, path, credentials=_with_pending(FIRST_CREDENTIALS, {"socket": "socket.json"}))
    assert result["failed"] is True
    assert result["msg"] == "credentials[0] pending_path must be an absolute path (as runner_registration returns " \
                            "it), got 'socket.json'"
    assert not os.path.exists(path)


def test_waits_for_the_lock_of_another_run_then_fails_clearly_without_writing(capsys, path, monkeypatch):
    first = _run(capsys, path)
    assert first["changed"] is True
    before = _read(path)
    monkeypatch.setattr(runner_config, "exclusive", partial(host_lock.exclusive, timeout=0.3, poll=0.1))
    holder = os.open(os.path.dirname(path), os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        result = _run(capsys, path, config=dict(PLAN["config"], concurrent=9))
    finally:
        os.close(holder)
    assert result["failed"] is True
    assert result["msg"].startswith("another run has held the lock on %s for 0.3 seconds" % os.path.dirname(path))
    assert _read(path) == before


@pytest.mark.parametrize("validated", [False, True])
def test_validated_config_warns_only_once(capsys, path, validated):
    config = copy.deepcopy(PLAN["config"])
    config["runners"][0]["limit"] = 0
    result = _run(capsys, path, config=config, validated=validated)
    assert result["changed"] is True
    assert any("limit" in warning for warning in _warnings(result)) is not validated
