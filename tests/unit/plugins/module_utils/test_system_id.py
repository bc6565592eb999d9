# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""system_id: the host's system id read and made as gitlab-runner reads and makes it.

The rule is checked against the runner's own source (commands/internal/configfile/system_id_state.go of the
module tests/runner_module.py downloads) and the HMAC against openssl, an implementation of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import system_id

SOURCE = "commands/internal/configfile/system_id_state.go"


def _machine(tmp_path, dbus=None, etc=None):
    """Machine id files as machineid reads them (None: the file is absent); returns the paths to read."""
    paths = (str(tmp_path / "dbus-machine-id"), str(tmp_path / "etc-machine-id"))
    for path, content in zip(paths, (dbus, etc)):
        if content is not None:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content)
    return paths


# -- reading: the rows of the runner's TestSystemIDStateLoadFromFile -----------------------------------------

@pytest.mark.parametrize("content, expected", [
    ("\n\t\t\ts_c2d22f638c25\n\t\t\t", "s_c2d22f638c25"),  # "parse system_id"
    ("", None),  # "parse empty system_id generates new"
    ("foooooooor_000000000000barrrrr", None),  # "parse invalid system_id generates new"
    ("\n\t\t\tgarbage\n\t\t\tr_c2d22f638c25", None),  # "... with garbage in the file header generates new"
    ("r_AbCdEf012345", "r_AbCdEf012345"),  # the random fallback's letters are mixed-case
    ("s_c2d22f638c25\n", "s_c2d22f638c25"),
    ("s_c2d22f638c2", None),
    ("s_c2d22f638c25x", None),
    ("x_c2d22f638c25", None),
    ("s_c2d22f638c2-", None),
])
def test_parse_reads_what_the_runner_reads_back(content, expected):
    assert system_id.parse(content) == expected


@pytest.mark.parametrize("value", ["s_XYZ", "s_0123456789ab\n", "t_0123456789ab", ""])
def test_problem_names_the_runner_rule(value):
    assert "is not a runner system id: gitlab-runner reads s_ or r_ followed by 12 letters or digits" in (
        system_id.problem(value))


@pytest.mark.parametrize("value", ["s_0123456789ab", "r_AbCdEf012345", "s_ABCDEF012345"])
def test_problem_accepts_what_the_runner_reads(value):
    assert system_id.problem(value) is None


# -- making: from the machine id, else random ----------------------------------------------------------------

@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is needed as the second HMAC implementation")
@pytest.mark.parametrize("machine", ["4c4c4544003957108052b4c04f384e32", "0123456789abcdef0123456789abcdef"])
def test_from_machine_id_is_the_hmac_openssl_computes(machine):
    digest = subprocess.run(["openssl", "dgst", "-sha256", "-hmac", machine], input=b"gitlab-runner",
                            capture_output=True, check=True).stdout.decode().split()[-1]
    assert system_id.from_machine_id(machine) == "s_" + digest[:12]


@pytest.mark.parametrize("dbus, etc, expected", [
    ("abc\n", "def\n", "abc"),
    (None, " def \n\n", "def"),
    (None, None, ""),
])
def test_the_machine_id_is_dbus_first_then_etc_trimmed(tmp_path, dbus, etc, expected):
    assert system_id.machine_id(_machine(tmp_path, dbus=dbus, etc=etc)) == expected


def test_an_empty_dbus_machine_id_is_no_machine_id(tmp_path):
    # machineid reads /var/lib/dbus/machine-id without error: it does not fall back to /etc/machine-id.
    paths = _machine(tmp_path, dbus="", etc="def\n")
    assert system_id.machine_id(paths) == ""
    made = system_id.make(paths)
    assert re.match(r"^r_[0-9a-zA-Z]{12}\Z", made), made


def test_make_is_stable_for_a_machine_and_random_without_one(tmp_path):
    paths = _machine(tmp_path, dbus="4c4c4544003957108052b4c04f384e32\n")
    assert system_id.make(paths) == system_id.make(paths) == system_id.from_machine_id(
        "4c4c4544003957108052b4c04f384e32")
    none = (str(tmp_path / "missing-1"), str(tmp_path / "missing-2"))
    picks = iter("aZ9" * 4)
    assert system_id.make(none, choice=lambda charset: next(picks)) == "r_aZ9aZ9aZ9aZ9"


# -- ensure: the file ------------------------------------------------------------------------------------------

def test_ensure_writes_a_missing_id_0600_and_reads_it_back(tmp_path):
    paths = _machine(tmp_path, dbus="4c4c4544003957108052b4c04f384e32\n")
    path = str(tmp_path / system_id.FILE_NAME)
    made, written = system_id.ensure(path, paths=paths)
    assert (made, written) == (system_id.from_machine_id("4c4c4544003957108052b4c04f384e32"), True)
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == made
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert system_id.ensure(path, paths=paths) == (made, False)


def test_ensure_keeps_an_id_the_runner_wrote(tmp_path):
    path = tmp_path / system_id.FILE_NAME
    path.write_text("r_AbCdEf012345\n")
    assert system_id.ensure(str(path), paths=_machine(tmp_path, dbus="abc")) == ("r_AbCdEf012345", False)
    assert path.read_text() == "r_AbCdEf012345\n"


def test_ensure_replaces_what_the_runner_would_not_read(tmp_path):
    path = tmp_path / system_id.FILE_NAME
    path.write_text("garbage\ns_c2d22f638c25")
    made, written = system_id.ensure(str(path), paths=_machine(tmp_path, dbus="abc"))
    assert (made, written) == (system_id.from_machine_id("abc"), True)
    assert path.read_text() == made


def test_ensure_in_check_mode_writes_nothing(tmp_path):
    path = tmp_path / system_id.FILE_NAME
    made, written = system_id.ensure(str(path), check_mode=True, paths=_machine(tmp_path, dbus="abc"))
    assert (made, written) == (system_id.from_machine_id("abc"), True)
    assert not path.exists()


def test_ensure_stops_where_the_file_cannot_be_read(tmp_path):
    path = tmp_path / system_id.FILE_NAME
    path.mkdir()
    with pytest.raises(OSError):
        system_id.ensure(str(path), paths=_machine(tmp_path, dbus="abc"))
    assert path.is_dir() and not list(path.iterdir())


# -- the runner's source ------------------------------------------------------------------------------------

def test_the_rule_is_the_runners():
    with open(os.path.join(runner_module.module_dir(), SOURCE), encoding="utf-8") as handle:
        source = handle.read()
    read_back = re.search(r'regexp\.MatchString\("([^"]+)", systemID\)', source)
    assert read_back, "%s no longer checks the id it reads with regexp.MatchString" % SOURCE
    assert read_back.group(1).rstrip("$") + r"\Z" == system_id.PATTERN.pattern
    assert "systemID := strings.TrimSpace(string(contents))" in source
    assert "const idLength = 12" in source
    assert 'mac := hmac.New(sha256.New, []byte(systemID))' in source
    assert 'mac.Write([]byte("gitlab-runner"))' in source
    assert 'return "s_" + systemID[0:idLength], nil' in source
    charset = re.search(r'const charset = "([^"]+)"', source)
    assert charset and set(charset.group(1)) == set(system_id._RANDOM_CHARSET)
    assert 'return "r_" + string(b), nil' in source
    assert "os.WriteFile(filePath, []byte(s.systemID), 0o600)" in source
    assert 'filepath.Join(filepath.Dir(cf.pathname), ".runner_system_id")' in open(
        os.path.join(runner_module.module_dir(), "commands/internal/configfile/configfile.go"),
        encoding="utf-8").read().replace("\t", "")
