# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one atomic JSON write of the collection: 0600, whole or not at all, no temporary left behind."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("content", [{}, {"paused": {"a": 1}}, {"about": "caf\u00e9", "runners": {"x": [1, None]}}])
def test_written_json_reads_back_with_mode_0600(tmp_path, content):
    path = str(tmp_path / ".record.json")
    atomic_file.write_json(path, content)
    with open(path) as handle:
        assert json.load(handle) == content
    assert _mode(path) == 0o600
    assert os.listdir(str(tmp_path)) == [".record.json"]


def test_a_looser_file_is_replaced_by_a_0600_one(tmp_path):
    path = tmp_path / ".record.json"
    path.write_text("{}")
    os.chmod(str(path), 0o644)
    atomic_file.write_json(str(path), {"new": True})
    assert json.loads(path.read_text()) == {"new": True} and _mode(str(path)) == 0o600


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing):
    path = str(tmp_path / ".record.json")
    atomic_file.write_json(path, {"old": True})

    def _fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, _fail)
    with pytest.raises(OSError):
        atomic_file.write_json(path, {"new": True})
    monkeypatch.undo()
    with open(path) as handle:
        assert json.load(handle) == {"old": True}
    assert os.listdir(str(tmp_path)) == [".record.json"]


def test_a_missing_directory_is_an_error_not_created(tmp_path):
    with pytest.raises(OSError):
        atomic_file.write_json(str(tmp_path / "missing" / "x.json"), {})
    assert not (tmp_path / "missing").exists()


def test_remove_says_whether_the_file_existed(tmp_path):
    path = str(tmp_path / "x.json")
    assert atomic_file.remove(path) is False
    atomic_file.write_json(path, {})
    assert atomic_file.remove(path) is True
    assert not os.path.exists(path)


def test_the_same_record_is_the_same_bytes_sorted_and_indented_for_a_reader(tmp_path):
    first, second = str(tmp_path / "first.json"), str(tmp_path / "second.json")
    atomic_file.write_json(first, {"b": {"d": [1], "c": None}, "a": 1})
    atomic_file.write_json(second, {"a": 1, "b": {"c": None, "d": [1]}})
    with open(first) as handle:
        text = handle.read()
    with open(second) as handle:
        assert handle.read() == text
    assert text == '{\n  "a": 1,\n  "b": {\n    "c": null,\n    "d": [\n      1\n    ]\n  }\n}\n'


def test_the_temporary_is_hidden_beside_the_record_and_named_after_it(tmp_path, monkeypatch):
    """A crash between the write and the rename leaves ``.<name>.<random>.tmp`` beside the record, never a file
    a reader could take for it."""
    renamed = []
    replace = os.replace

    def _replace(source, target):
        renamed.append((source, target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", _replace)
    path = str(tmp_path / "record.json")
    atomic_file.write_json(path, {})
    [(source, target)] = renamed
    assert target == path and os.path.dirname(source) == str(tmp_path)
    name = os.path.basename(source)
    assert name.startswith(".record.json.") and name.endswith(".tmp") and len(name) > len(".record.json..tmp")
