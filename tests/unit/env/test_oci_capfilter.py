# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Spec rewriting of tests/env/oci-capfilter (the capability-filtering OCI runtime wrapper)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys

import pytest

_WRAPPER = os.path.join(os.path.dirname(__file__), "..", "..", "env", "oci-capfilter")


def _load_wrapper():
    loader = importlib.machinery.SourceFileLoader("oci_capfilter", _WRAPPER)
    spec = importlib.util.spec_from_loader("oci_capfilter", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


capfilter = _load_wrapper()

# This machine's kind of kernel: every capability up to 40 except CAP_SYS_RESOURCE (24).
SHORT_MASK = 0x000001FFFEFFFFFF
FULL_MASK = 0x000001FFFFFFFFFF
MISSING = frozenset({"CAP_SYS_RESOURCE"})


def _caps(names):
    return {set_name: list(names) for set_name in capfilter.CAPABILITY_SETS}


@pytest.mark.parametrize(
    "status, expected",
    [
        ("Name:\tx\nCapBnd:\t000001fffeffffff\n", SHORT_MASK),
        ("CapBnd:\t000001ffffffffff", FULL_MASK),
        ("CapBnd: 0000000000000000\n", 0),
    ],
)
def test_parse_capbnd(status, expected):
    assert capfilter.parse_capbnd(status) == expected


def test_parse_capbnd_without_line_says_why():
    with pytest.raises(ValueError, match="no CapBnd line"):
        capfilter.parse_capbnd("Name:\tx\n")


@pytest.mark.parametrize(
    "mask, missing",
    [
        (SHORT_MASK, {"CAP_SYS_RESOURCE"}),
        (FULL_MASK, set()),
        (FULL_MASK & ~(1 << 21) & ~(1 << 40), {"CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"}),
        # an old kernel (cap_last_cap 37) lacks the three newest capabilities
        ((1 << 38) - 1, {"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"}),
    ],
)
def test_missing_capabilities(mask, missing):
    assert capfilter.missing_capabilities(mask) == missing


def test_capability_table_matches_kernel_numbers():
    assert capfilter.CAPABILITY_NAMES[24] == "CAP_SYS_RESOURCE"
    assert capfilter.CAPABILITY_NAMES[21] == "CAP_SYS_ADMIN"
    assert len(capfilter.CAPABILITY_NAMES) == 41


@pytest.mark.parametrize(
    "capabilities, expected, removed",
    [
        (_caps(["CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_SYS_ADMIN"]),
         _caps(["CAP_CHOWN", "CAP_SYS_ADMIN"]), ["CAP_SYS_RESOURCE"]),
        (_caps(["CAP_CHOWN"]), _caps(["CAP_CHOWN"]), []),
        # sets that are absent or empty stay as they are
        ({"bounding": ["CAP_SYS_RESOURCE"], "effective": []},
         {"bounding": [], "effective": []}, ["CAP_SYS_RESOURCE"]),
        # names unknown to the wrapper are left to runc
        ({"permitted": ["CAP_FUTURE", "CAP_SYS_RESOURCE"]}, {"permitted": ["CAP_FUTURE"]}, ["CAP_SYS_RESOURCE"]),
        (None, None, []),
        ({}, {}, []),
    ],
)
def test_filter_capabilities(capabilities, expected, removed):
    assert capfilter.filter_capabilities(capabilities, MISSING) == (expected, removed)


def test_filter_capabilities_rejects_non_object():
    with pytest.raises(ValueError, match="must be an object"):
        capfilter.filter_capabilities(["CAP_CHOWN"], MISSING)


def test_filter_config_privileged_spec():
    config = {"ociVersion": "1.0.2", "process": {"args": ["sh"], "capabilities": _caps(["CAP_SYS_RESOURCE", "CAP_KILL"])}}
    filtered, removed = capfilter.filter_config(config, MISSING)
    assert removed == ["CAP_SYS_RESOURCE"]
    assert filtered["process"]["capabilities"] == _caps(["CAP_KILL"])
    assert filtered["process"]["args"] == ["sh"]
    assert config["process"]["capabilities"] == _caps(["CAP_SYS_RESOURCE", "CAP_KILL"]), "input must not change"


@pytest.mark.parametrize(
    "config",
    [
        {"ociVersion": "1.0.2"},
        {"process": {"args": ["sh"]}},
        {"process": {"args": ["sh"], "capabilities": None}},
        {"process": None},
    ],
)
def test_filter_config_without_capabilities_is_unchanged(config):
    assert capfilter.filter_config(config, MISSING) == (config, [])


def test_filter_process_exec_document():
    process = {"args": ["sh"], "capabilities": _caps(["CAP_SYS_RESOURCE", "CAP_NET_ADMIN"])}
    filtered, removed = capfilter.filter_process(process, MISSING)
    assert removed == ["CAP_SYS_RESOURCE"]
    assert filtered["capabilities"] == _caps(["CAP_NET_ADMIN"])


@pytest.mark.parametrize("process", [{"args": ["sh"]}, {"args": ["sh"], "capabilities": {}}])
def test_filter_process_without_capabilities_is_unchanged(process):
    assert capfilter.filter_process(process, MISSING) == (process, [])


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--root", "/run/r", "--log", "/l.json", "--log-format", "json", "create", "--bundle", "/b", "--pid-file", "/p", "id"],
         [("/b/config.json", "config")]),
        (["--systemd-cgroup", "create", "--bundle=/b", "id"], [("/b/config.json", "config")]),
        (["run", "-b", "/b", "id"], [("/b/config.json", "config")]),
        (["create", "id"], [("/cwd/config.json", "config")]),
        (["--root", "/run/r", "exec", "--process", "/tmp/proc.json", "--detach", "id"], [("/tmp/proc.json", "process")]),
        (["exec", "-p", "/tmp/proc.json", "id"], [("/tmp/proc.json", "process")]),
        (["exec", "id", "ls"], []),
        (["--root", "/run/r", "start", "id"], []),
        (["delete", "--force", "id"], []),
        (["--version"], []),
        ([], []),
    ],
)
def test_files_to_rewrite(argv, expected):
    assert capfilter.files_to_rewrite(argv, "/cwd") == expected


def test_rewrite_file_in_place(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"process": {"capabilities": _caps(["CAP_SYS_RESOURCE", "CAP_CHOWN"])}}))
    path.chmod(0o600)
    assert capfilter.rewrite_file(str(path), "config", MISSING) == ["CAP_SYS_RESOURCE"]
    assert json.loads(path.read_text())["process"]["capabilities"] == _caps(["CAP_CHOWN"])
    assert path.stat().st_mode & 0o777 == 0o600


def test_rewrite_file_leaves_clean_spec_untouched(tmp_path):
    path = tmp_path / "process.json"
    text = '{"args": ["sh"],   "capabilities": {"bounding": ["CAP_CHOWN"]}}'
    path.write_text(text)
    assert capfilter.rewrite_file(str(path), "process", MISSING) == []
    assert path.read_text() == text


def test_find_runc_override():
    assert capfilter.find_runc({"RUNNEROPS_REAL_RUNC": "/opt/runc"}) == "/opt/runc"


def test_find_runc_missing_says_fix(monkeypatch):
    monkeypatch.setattr(capfilter, "RUNC_CANDIDATES", ("/nonexistent/runc",))
    with pytest.raises(FileNotFoundError, match="RUNNEROPS_REAL_RUNC"):
        capfilter.find_runc({"PATH": "/nonexistent"})


def test_wrapper_execs_runc_with_same_arguments(tmp_path):
    """End to end through sh and python3: the bundle is filtered, runc gets argv unchanged."""
    fake_runc = tmp_path / "runc"
    fake_runc.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/argv"\n')
    fake_runc.chmod(0o755)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    all_caps = list(capfilter.CAPABILITY_NAMES)
    (bundle / "config.json").write_text(json.dumps({"process": {"capabilities": _caps(all_caps)}}))
    argv = ["--root", "/run/x", "create", "--bundle", str(bundle), "cid"]
    env = dict(os.environ, RUNNEROPS_REAL_RUNC=str(fake_runc), PATH=os.path.dirname(sys.executable) + ":/usr/bin:/bin")
    subprocess.run([_WRAPPER] + argv, env=env, check=True)
    assert (tmp_path / "argv").read_text().splitlines() == argv
    with open("/proc/self/status") as handle:
        expected_missing = capfilter.missing_capabilities(capfilter.parse_capbnd(handle.read()))
    kept = json.loads((bundle / "config.json").read_text())["process"]["capabilities"]["bounding"]
    assert set(kept) == set(all_caps) - expected_missing
