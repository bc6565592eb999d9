# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The signing-key rules: fingerprints as settings, and GnuPG's colon listing (real keys: test_signing_key.py)."""

from __future__ import annotations

import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import signing_keys

DOCKER = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"
# gpg --with-colons --fixed-list-mode --show-keys: a primary key (cert only) with an expired and a valid signing
# subkey, then an expired key; fpr lines follow their key.
LISTING = """\
pub:-:4096:1:8D81803C0EBFCD88:1487788586:::-:::scSC::::::23::0:
fpr:::::::::9DC858229FC7DD38854AE2D88D81803C0EBFCD88:
uid:-::::1487792064::4AC2A9CF8F1E6FA1A0AD6D35D50C1C4C2D1D8E2D::Docker Release (CE deb) <docker@docker.com>::::::::::0:
sub:e:4096:1:7EA0A9C3F273FCD8:1487788586:1519324586:::::s::::::23:
fpr:::::::::D3306A018370199E527AE7997EA0A9C3F273FCD8:
sub:-:4096:1:AAAAAAAAAAAAAAAA:1487788586::::::s::::::23:
fpr:::::::::BBBBBBBBBBBBBBBBBBBBBBBBAAAAAAAAAAAAAAAA:
pub:e:255:22:C46F3E2BCB41B0F5:1577836800:1577923200::-:::sc:::::ed25519:::0:
fpr:::::::::D805FC1075898168B81B588CC46F3E2BCB41B0F5:
"""


@pytest.mark.parametrize("value", [DOCKER, DOCKER.lower(), "9DC8 5822 9FC7 DD38 854A  E2D8 8D81 8038 0EBF CD88".replace(
    "8038", "803C"), "A" * 64])
def test_fingerprints_in_any_case_and_spacing_are_accepted(value):
    assert signing_keys.fingerprint_problem(value) is None
    assert signing_keys.normalize(value) in (DOCKER, "A" * 64)


@pytest.mark.parametrize("value", ["", "0EBFCD88", DOCKER[:-1], DOCKER + "0", "G" * 40, None, 40])
def test_short_ids_and_other_values_are_refused_with_the_rule(value):
    problem = signing_keys.fingerprint_problem(value)
    assert problem.startswith("is %r, not an OpenPGP fingerprint (40 hex digits" % (value,))


def test_the_listing_gives_each_primary_key_not_its_subkeys():
    keys = signing_keys.parse_colons(LISTING)
    assert [key["fingerprint"] for key in keys] == [DOCKER, "D805FC1075898168B81B588CC46F3E2BCB41B0F5"]
    assert keys[0]["expires"] is None and keys[0]["capabilities"] == "scSC"
    assert keys[1]["validity"] == "e" and keys[1]["expires"] == 1577923200


def test_key_problems_name_what_is_wrong():
    keys = signing_keys.parse_colons(LISTING)
    assert signing_keys.key_problem(keys, DOCKER.lower(), now=1.8e9) is None
    assert signing_keys.key_problem(keys, "D805FC1075898168B81B588CC46F3E2BCB41B0F5", now=1.8e9) == (
        "holds D805FC1075898168B81B588CC46F3E2BCB41B0F5, which expired on 2020-01-02")
    assert signing_keys.key_problem(keys, "A" * 40, now=1.8e9) == (
        "holds the key(s) %s, D805FC1075898168B81B588CC46F3E2BCB41B0F5, not %s" % (DOCKER, "A" * 40))
    no_signing = [dict(keys[0], capabilities="scC")]
    assert "none of its signing keys is still valid" in signing_keys.key_problem(no_signing, DOCKER, now=1.8e9)
    revoked = [dict(keys[0], validity="r")]
    assert signing_keys.key_problem(revoked, DOCKER, now=1.8e9) == "holds %s, which was revoked" % DOCKER
    assert signing_keys.key_problem([], DOCKER, now=1.8e9) == "holds the key(s) none, not %s" % DOCKER
    assert signing_keys.expiry_text(keys, DOCKER) == "does not expire"


class _Gpg:
    """A run_command that answers each gpg command from a table and records the command lines and homes."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.commands = []
        self.homes = []

    def __call__(self, command, data=None, binary_data=False):
        home = command[command.index("--homedir") + 1]
        self.homes.append(home)
        self.commands.append((command[:5] + command[6:], data, binary_data))
        assert os.path.isdir(home)
        return self.answers.pop(0)


_GPG = ["gpg", "--batch", "--quiet", "--no-tty", "--homedir"]


def test_show_keys_reads_the_listing_in_a_throwaway_home():
    gpg = _Gpg([(0, LISTING, "")])
    keys, error = signing_keys.show_keys(gpg, b"key material")
    assert error is None and [key["fingerprint"] for key in keys][0] == DOCKER
    assert gpg.commands == [(_GPG + ["--with-colons", "--fixed-list-mode", "--show-keys"], b"key material", True)]
    assert not os.path.exists(gpg.homes[0])


@pytest.mark.parametrize("answer, error", [
    ((2, "", "gpg: no valid OpenPGP data found.\n"), "gpg: no valid OpenPGP data found."),
    ((2, LISTING, ""), LISTING.strip()),
    ((0, "", ""), "no OpenPGP key"),
    ((0, "tru::1:1\n", "warning\n"), "warning"),
])
def test_show_keys_without_a_key_says_what_gpg_said(answer, error):
    assert signing_keys.show_keys(_Gpg([answer]), b"x") == ([], error)


def test_export_key_keeps_the_one_key_armored():
    armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...\n-----END PGP PUBLIC KEY BLOCK-----\n"
    gpg = _Gpg([(0, "", ""), (0, armored, "")])
    assert signing_keys.export_key(gpg, b"keys", DOCKER) == (armored, None)
    assert gpg.commands == [(_GPG + ["--import"], b"keys", True),
                            (_GPG + ["--armor", "--export-options", "export-clean", "--export", DOCKER], None, False)]
    assert gpg.homes[0] == gpg.homes[1] and not os.path.exists(gpg.homes[0])


@pytest.mark.parametrize("answers, error", [
    ([(2, "", "gpg: no valid OpenPGP data found.\n")], "gpg: no valid OpenPGP data found."),
    ([(2, "", "")], "gpg --import failed"),
    ([(0, "", ""), (2, "", "gpg: key not found\n")], "gpg: key not found"),
    ([(0, "", ""), (0, "", "")], "gpg --export returned no key"),
    ([(0, "", ""), (1, "-----BEGIN PGP PUBLIC KEY BLOCK-----", "")], "gpg --export returned no key"),
])
def test_export_key_failures(answers, error):
    assert signing_keys.export_key(_Gpg(answers), b"keys", DOCKER) == (None, error)


@pytest.mark.parametrize("line, key", [
    # A short pub line is padded to gpg's twelve fields.
    ("pub:-:255:22:C46F3E2BCB41B0F5:1577836800\nfpr:::::::::%s:" % DOCKER,
     {"fingerprint": DOCKER, "validity": "-", "created": 1577836800, "expires": None, "capabilities": ""}),
    ("pub:-:255:22:C46F3E2BCB41B0F5:1577836800:1577923200::-:::sc\nfpr:::::::::%s" % DOCKER.lower(),
     {"fingerprint": DOCKER, "validity": "-", "created": 1577836800, "expires": 1577923200, "capabilities": "sc"}),
])
def test_parse_colons_fields(line, key):
    assert signing_keys.parse_colons(line) == [key]


@pytest.mark.parametrize("text", [
    # A key whose fingerprint line is missing or short is left out, and its subkeys' do not stand for it.
    "pub:-:255:22:C46F3E2BCB41B0F5:1577836800::::::sc\nuid:-::::1::X::name::\nfpr:::::::::%s:" % DOCKER,
    "pub:-:255:22:C46F3E2BCB41B0F5:1577836800::::::sc\nfpr::::::::",
    "fpr:::::::::%s:" % DOCKER,
])
def test_parse_colons_needs_the_fingerprint_right_after_the_key(text):
    assert signing_keys.parse_colons(text) == []


@pytest.mark.parametrize("expires, now, problem", [
    (1577923200, 1577923199, None),
    (1577923200, 1577923200, "holds %s, which expired on 2020-01-02" % DOCKER),
    (None, 1.8e9, None),
])
def test_a_key_expires_at_its_expiry_time(expires, now, problem):
    keys = [{"fingerprint": DOCKER, "validity": "-", "created": 1, "expires": expires, "capabilities": "scS"}]
    assert signing_keys.key_problem(keys, DOCKER, now=now) == problem


def test_an_expired_key_without_a_date():
    keys = [{"fingerprint": DOCKER, "validity": "e", "created": 1, "expires": None, "capabilities": "scS"}]
    assert signing_keys.key_problem(keys, DOCKER, now=1) == "holds %s, which expired" % DOCKER


def test_expiry_text():
    keys = signing_keys.parse_colons(LISTING)
    assert signing_keys.expiry_text(keys, "D805FC1075898168B81B588CC46F3E2BCB41B0F5") == "expires 2020-01-02"
    assert signing_keys.expiry_text(keys, "A" * 40) == ""


def test_normalize_of_nothing():
    assert signing_keys.normalize(None) == "" and signing_keys.normalize("") == ""


def test_read_file(tmp_path):
    (tmp_path / "key.gpg").write_bytes(b"\x99\x01binary")
    assert signing_keys.read_file(str(tmp_path / "key.gpg")) == b"\x99\x01binary"
    assert signing_keys.read_file(str(tmp_path / "missing.gpg")) is None
