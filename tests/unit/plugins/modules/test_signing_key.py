# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""signing_key run in-process with real GnuPG keys served over HTTP on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import os
import re
import stat
import subprocess
import threading
import time

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import signing_keys
from ansible_collections.runnerops.gitlab_runner.plugins.modules import signing_key


def _gpg(home, *args, data=None):
    return subprocess.run(["gpg", "--batch", "--quiet", "--homedir", home, "--passphrase", ""] + list(args),
                          input=data, capture_output=True, check=True).stdout


def _new_key(home, uid, *, past=False):
    """The fingerprint of a new ed25519 signing key (made in 2020 with a one-day expiry when ``past``)."""
    extra = ["--faked-system-time", "20200101T000000"] if past else []
    _gpg(home, *extra, "--quick-gen-key", uid, "ed25519", "sign", "1d" if past else "2y")
    listing = _gpg(home, "--with-colons", "--fixed-list-mode", "--list-keys", uid).decode()
    return signing_keys.parse_colons(listing)[0]["fingerprint"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Armored exports: A and B valid, A+B in one file, EXPIRED (then EXTENDED, the same key), REVOKED."""
    home = str(tmp_path_factory.mktemp("gnupg"))
    os.chmod(home, 0o700)
    found = {"A": _new_key(home, "Repo A <a@example.invalid>"), "B": _new_key(home, "Repo B <b@example.invalid>"),
             "K": _new_key(home, "Repo K <k@example.invalid>", past=True),
             "R": _new_key(home, "Repo R <r@example.invalid>")}
    material = {name: _gpg(home, "--armor", "--export", fingerprint) for name, fingerprint in found.items()}
    material["A+B"] = _gpg(home, "--armor", "--export", found["A"], found["B"])
    material["EXPIRED"] = material.pop("K")
    _gpg(home, "--quick-set-expire", found["K"], "1y")
    material["EXTENDED"] = _gpg(home, "--armor", "--export", found["K"])
    revocation = open(os.path.join(home, "openpgp-revocs.d", found["R"] + ".rev"), "rb").read()
    _gpg(home, "--import", data=revocation.replace(b":-----BEGIN", b"-----BEGIN"))
    material["REVOKED"] = _gpg(home, "--armor", "--export", found["R"])
    material.pop("R")
    found["EXPIRED"] = found["EXTENDED"] = found.pop("K")
    found["REVOKED"] = found.pop("R")
    # Key generation started a gpg-agent for this home: stop it, so that no daemon outlives the tests.
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True, check=False)
    return found, material


class _Server:
    """Serves ``documents[path]`` (bytes) and counts the requests."""

    def __init__(self):
        self.documents, self.requests = {}, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                body = server.documents.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture()
def server():
    served = _Server()
    yield served
    served.httpd.shutdown()


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    monkeypatch.setattr(ansible_internal, "is_controller", False)


def _run(capsys, check_mode=False, diff=False, **options):
    with patch_module_args(dict(options, _ansible_check_mode=check_mode, _ansible_diff=diff)):
        with pytest.raises(SystemExit):
            signing_key.main()
    return json.loads(capsys.readouterr().out)


def _fingerprints(path):
    keys, error = signing_keys.show_keys(_run_command, open(path, "rb").read())
    assert error is None
    return [key["fingerprint"] for key in keys]


def _run_command(args, data=None, binary_data=False):
    done = subprocess.run(args, input=data, capture_output=True, check=False)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _options(server, dest, fingerprint, **extra):
    return dict({"url": server.url + "/gpg", "dest": str(dest), "fingerprint": fingerprint, "mode": "0644",
                 "setting": "docker_apt_key_fingerprint"}, **extra)


def test_a_missing_key_is_downloaded_reduced_to_the_wanted_key_and_kept_on_rerun(capsys, server, keys, tmp_path):
    found, material = keys
    server.documents["/gpg"] = material["A+B"]
    dest = tmp_path / "docker.asc"
    result = _run(capsys, **_options(server, dest, found["A"]))
    assert result["changed"] is True and result["reason"] == "is missing"
    assert _fingerprints(dest) == [found["A"]], "only the wanted key may be trusted"
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o644
    assert re.match(r"expires \d{4}-\d\d-\d\d\Z", result["expiry"])

    again = _run(capsys, **_options(server, dest, found["A"].lower()[:20] + " " + found["A"].lower()[20:]))
    assert again["changed"] is False and again["reason"] == ""
    assert server.requests == ["/gpg"], "a key in place that is still good is not downloaded again"


def test_a_key_that_no_longer_matches_is_replaced(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "docker.asc"
    dest.write_bytes(material["B"])
    server.documents["/gpg"] = material["A"]
    result = _run(capsys, diff=True, **_options(server, dest, found["A"]))
    assert result["changed"] is True
    assert result["reason"] == "holds the key(s) %s, not %s" % (found["B"], found["A"])
    assert found["B"] in result["diff"]["before"] and found["A"] in result["diff"]["after"]
    assert _fingerprints(dest) == [found["A"]]


def test_an_expired_key_is_downloaded_again_when_the_repository_extended_it(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "gitlab.asc"
    dest.write_bytes(material["EXPIRED"])
    server.documents["/gpg"] = material["EXTENDED"]
    result = _run(capsys, **_options(server, dest, found["EXTENDED"]))
    assert result["changed"] is True
    assert result["reason"] == "holds %s, which expired on 2020-01-02" % found["EXPIRED"]
    keys_now, _error = signing_keys.show_keys(_run_command, dest.read_bytes())
    assert signing_keys.key_problem(keys_now, found["EXTENDED"], time.time()) is None


def test_a_revoked_key_is_downloaded_again(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "r.asc"
    dest.write_bytes(material["REVOKED"])
    server.documents["/gpg"] = material["REVOKED"]
    result = _run(capsys, **_options(server, dest, found["REVOKED"]))
    assert result["failed"] is True
    assert "holds %s, which was revoked" % found["REVOKED"] in result["msg"]
    assert dest.read_bytes() == material["REVOKED"]


def test_a_rotated_key_fails_with_the_setting_to_change_and_leaves_the_file(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "docker.asc"
    dest.write_bytes(material["EXPIRED"])
    server.documents["/gpg"] = material["B"]
    result = _run(capsys, **_options(server, dest, found["EXPIRED"]))
    assert result["failed"] is True
    assert "the key downloaded from %s/gpg holds the key(s) %s, not %s" % (
        server.url, found["B"], found["EXPIRED"]) in result["msg"]
    assert "set docker_apt_key_fingerprint to it" in result["msg"]
    assert dest.read_bytes() == material["EXPIRED"], "nothing changed"


def test_a_repository_that_still_serves_the_expired_key_fails_saying_so(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "gitlab.asc"
    server.documents["/gpg"] = material["EXPIRED"]
    result = _run(capsys, **_options(server, dest, found["EXPIRED"]))
    assert result["failed"] is True
    assert "which expired on 2020-01-02" in result["msg"] and "extended expiry" in result["msg"]
    assert not dest.exists()


def test_check_mode_downloads_and_checks_but_writes_nothing(capsys, server, keys, tmp_path):
    found, material = keys
    dest = tmp_path / "docker.asc"
    server.documents["/gpg"] = material["A"]
    result = _run(capsys, check_mode=True, diff=True, **_options(server, dest, found["A"]))
    assert result["changed"] is True and not dest.exists()
    assert result["diff"]["before"] == "" and found["A"] in result["diff"]["after"]
    server.documents["/gpg"] = material["B"]
    refused = _run(capsys, check_mode=True, **_options(server, dest, found["A"]))
    assert refused["failed"] is True and found["B"] in refused["msg"]


@pytest.mark.parametrize("content", [None, b"<html>proxy login</html>"])
def test_an_unreachable_or_garbled_key_fails_and_changes_nothing(capsys, server, keys, tmp_path, content):
    found, material = keys
    dest = tmp_path / "docker.asc"
    dest.write_bytes(material["B"])
    if content is not None:
        server.documents["/gpg"] = content
    result = _run(capsys, **_options(server, dest, found["A"]))
    assert result["failed"] is True
    assert ("cannot be downloaded from %s/gpg: HTTP Error 404" % server.url in result["msg"] if content is None
            else "holds no OpenPGP key" in result["msg"])
    assert dest.read_bytes() == material["B"]


def test_a_malformed_fingerprint_is_refused_before_any_download(capsys, server, tmp_path):
    result = _run(capsys, **_options(server, tmp_path / "k.asc", "9DC8 5822 9FC7"))
    assert result["failed"] is True
    assert result["msg"].startswith("docker_apt_key_fingerprint is '9DC8 5822 9FC7', not an OpenPGP fingerprint")
    assert server.requests == []
