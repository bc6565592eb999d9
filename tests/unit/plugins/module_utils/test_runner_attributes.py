# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a runner's attributes at GitLab are compared with the wanted ones (runner_attributes.py)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import runner_attributes as attrs


def test_wanted_holds_only_the_attributes_given():
    params = {"description": "ci", "tag_list": [" docker ", "linux"], "paused": None, "runner_type": "group_type",
              "maximum_timeout": 600, "locked": False}
    assert attrs.wanted(params) == {"description": "ci", "tag_list": ["docker", "linux"], "maximum_timeout": 600,
                                    "locked": False}


def test_at_gitlab_reads_active_on_gitlabs_without_paused():
    assert attrs.at_gitlab({"id": 1, "active": False, "description": "x"}) == {"description": "x", "paused": True}
    assert attrs.at_gitlab({"id": 1, "active": False, "paused": False}) == {"paused": False}


@pytest.mark.parametrize("want, have, changed", [
    ({"tag_list": ["b", "a"]}, {"tag_list": ["a", "b"]}, []),
    ({"tag_list": ["a", "a"]}, {"tag_list": ["a"]}, []),
    ({"tag_list": []}, {"tag_list": None}, []),
    ({"tag_list": []}, {"tag_list": ["a"]}, ["tag_list"]),
    ({"description": ""}, {"description": None}, []),
    ({"maintenance_note": ""}, {}, []),
    ({"paused": False}, {"paused": True}, ["paused"]),
    ({"paused": False}, {}, ["paused"]),
    ({"maximum_timeout": 3600}, {"maximum_timeout": None}, ["maximum_timeout"]),
    ({"access_level": "ref_protected", "locked": True}, {"access_level": "ref_protected", "locked": False},
     ["locked"]),
    ({}, {"tag_list": ["a"], "paused": True}, []),
])
def test_differences(want, have, changed):
    assert sorted(attrs.differences(want, have)) == changed


def test_describe_and_diff_texts():
    changes = {"tag_list": (["b", "a"], ["a", "c"]), "paused": (True, False), "description": (None, "ci")}
    assert attrs.describe(changes) == 'description null -> "ci", paused true -> false, tag_list [a, b] -> [a, c]'
    assert attrs.diff_texts(changes) == (
        'description: null\npaused: true\ntag_list: [a, b]\n', 'description: "ci"\npaused: false\ntag_list: [a, c]\n')


def test_records_round_trip_beside_config_toml(tmp_path):
    path = attrs.record_path(str(tmp_path / "config.toml"))
    assert path == str(tmp_path / ".runner_attributes.json")
    assert attrs.load_records(path) == {}
    records = {"ci": {"url": "https://gitlab.example.com", "id": 4, "attributes": {"tag_list": ["a"]}}}
    attrs.save_records(path, records)
    assert attrs.load_records(path) == records
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "no secret" in json.loads(open(path).read())["about"]


@pytest.mark.parametrize("content", ["not json", "[]", '{"runners": []}', '{"runners": {"ci": {"id": 1}}}'])
def test_a_damaged_record_is_not_trusted(tmp_path, content):
    path = tmp_path / ".runner_attributes.json"
    path.write_text(content)
    assert attrs.load_records(str(path)) == {}


@pytest.mark.parametrize("want, have, changed", [
    # The same non-empty text is no change; another text, or text for none, is one.
    ({"description": "ci"}, {"description": "ci"}, []),
    ({"maintenance_note": "n"}, {"maintenance_note": "n"}, []),
    ({"description": "ci"}, {"description": "cd"}, ["description"]),
    ({"description": "ci"}, {}, ["description"]),
    ({"maintenance_note": ""}, {"maintenance_note": "n"}, ["maintenance_note"]),
])
def test_differences_of_texts(want, have, changed):
    assert sorted(attrs.differences(want, have)) == changed
