# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: package repositories' OpenPGP signing keys.

The rules about a key that apt (signed-by) or dnf will trust: its fingerprint
as a setting (:func:`fingerprint_problem`, :func:`normalize`), and what GnuPG
says of a key file (:func:`parse_colons`, :func:`show_keys`, :func:`key_problem`):
a key is kept only while it carries the expected fingerprint, is neither
expired nor revoked, and can still sign. Reading a key never touches a
keyring: GnuPG runs with a throwaway home directory.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import shutil
import tempfile

__all__ = ["expiry_text", "export_key", "fingerprint_problem", "key_problem", "normalize", "parse_colons", "read_file",
           "show_keys"]

# v4 keys have 40 hex digits (SHA-1), v5/v6 keys 64 (SHA-256).
_FINGERPRINT = re.compile(r"^(?:[0-9A-F]{40}|[0-9A-F]{64})\Z")


def normalize(fingerprint):
    """A fingerprint as GnuPG prints it: upper-case hex, no spaces."""
    return re.sub(r"\s", "", fingerprint or "").upper()


def fingerprint_problem(value):
    """Why ``value`` is not an OpenPGP fingerprint (40 or 64 hex digits, spaces allowed), or None."""
    if not isinstance(value, str) or not _FINGERPRINT.match(normalize(value)):
        return ("is %r, not an OpenPGP fingerprint (40 hex digits, or 64 for a v5 key; spaces allowed): apt and dnf "
                "trust the repository's packages only after the key is checked against it" % (value,))
    return None


def _time(field):
    return int(field) if field.isdigit() else None


def parse_colons(text):
    """The primary keys of ``gpg --with-colons`` output.

    Each is a dict: ``fingerprint``, ``validity`` (gpg's field 2: ``e`` expired, ``r`` revoked...), ``created`` and
    ``expires`` (epoch seconds or None) and ``capabilities`` (field 12; an upper-case letter is a capability some
    usable part of the key still has, ``S`` signing).
    """
    keys = []
    primary = None
    for line in text.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            fields += [""] * (12 - len(fields))
            primary = {"fingerprint": None, "validity": fields[1], "created": _time(fields[5]),
                       "expires": _time(fields[6]), "capabilities": fields[11]}
            keys.append(primary)
            continue
        # The fpr line right after pub names the key; later ones are its subkeys'.
        if fields[0] == "fpr" and primary is not None and primary["fingerprint"] is None and len(fields) > 9:
            primary["fingerprint"] = fields[9].upper()
        elif primary is not None and primary["fingerprint"] is None:
            primary["fingerprint"] = ""
    return [key for key in keys if key["fingerprint"]]


@contextlib.contextmanager
def _gpg():
    """The gpg command line with a throwaway home, removed afterwards: reading a key touches no keyring."""
    home = tempfile.mkdtemp(prefix="runnerops-gpg-")
    try:
        yield ["gpg", "--batch", "--quiet", "--no-tty", "--homedir", home]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def show_keys(run_command, data):
    """(keys, error) for key material ``data`` (armored or binary bytes), read with ``gpg --show-keys``.

    ``run_command`` is AnsibleModule.run_command. ``error`` is GnuPG's message when it reads no key.
    """
    with _gpg() as gpg:
        rc, out, err = run_command(gpg + ["--with-colons", "--fixed-list-mode", "--show-keys"], data=data,
                                   binary_data=True)
    keys = parse_colons(out) if rc == 0 else []
    if not keys:
        return [], (err.strip() or out.strip() or "no OpenPGP key")
    return keys, None


def export_key(run_command, data, fingerprint):
    """``data`` reduced to the one key ``fingerprint``, ASCII-armored, as apt's signed-by reads it.

    Other keys the file held are left out, so that apt trusts no one else. Returns (armored text, error).
    """
    with _gpg() as gpg:
        rc, out, err = run_command(gpg + ["--import"], data=data, binary_data=True)
        if rc != 0:
            return None, err.strip() or "gpg --import failed"
        rc, out, err = run_command(gpg + ["--armor", "--export-options", "export-clean", "--export", fingerprint])
        if rc != 0 or "BEGIN PGP PUBLIC KEY BLOCK" not in out:
            return None, err.strip() or "gpg --export returned no key"
        return out, None


def _date(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%d")


def key_problem(keys, fingerprint, now):
    """Why ``keys`` cannot stand for ``fingerprint`` at epoch ``now`` (a phrase), or None.

    The problem is the first of: the key is not there; it expired; it is revoked; no part of it can sign.
    """
    wanted = normalize(fingerprint)
    key = next((key for key in keys if key["fingerprint"] == wanted), None)
    if key is None:
        found = ", ".join(key["fingerprint"] for key in keys) or "none"
        return "holds the key(s) %s, not %s" % (found, wanted)
    if key["validity"] == "e" or (key["expires"] is not None and key["expires"] <= now):
        return "holds %s, which expired on %s" % (wanted, _date(key["expires"])) if key["expires"] else (
            "holds %s, which expired" % wanted)
    if key["validity"] == "r":
        return "holds %s, which was revoked" % wanted
    if "S" not in key["capabilities"]:
        return "holds %s, but none of its signing keys is still valid (all expired or revoked)" % wanted
    return None


def expiry_text(keys, fingerprint):
    """'expires YYYY-MM-DD' or 'does not expire' for the key ``fingerprint`` of ``keys`` ('' if absent)."""
    key = next((key for key in keys if key["fingerprint"] == normalize(fingerprint)), None)
    if key is None:
        return ""
    return ("expires %s" % _date(key["expires"])) if key["expires"] else "does not expire"


def read_file(path):
    """The bytes of ``path``, or None when there is no such file."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return handle.read()
