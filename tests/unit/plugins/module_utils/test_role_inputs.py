"""role_inputs: values converted as the argument spec converts them, and every problem reported with its path."""

from __future__ import annotations

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.role_inputs import Report, coerce

SPEC = {
    "count": {"type": "int", "default": 4},
    "flag": {"type": "bool", "default": True},
    "name": {"type": "str", "default": ""},
    "secret": {"type": "str", "default": "", "no_log": True},
    "mode": {"type": "str", "choices": ["socket", "dind"], "default": "socket"},
    "users": {"type": "list", "elements": "str", "default": []},
    "options": {"type": "dict", "default": {}},
    "items": {"type": "list", "elements": "dict", "default": [], "options": {
        "name": {"type": "str", "required": True},
        "tags": {"type": "list", "elements": "str"},
        "id": {"type": "int"},
    }},
}


def _coerce(values):
    report = Report()
    return coerce(SPEC, values, "", report), report


@pytest.mark.parametrize("values, expected", [
    ({"count": "8"}, {"count": 8}),
    ({"count": " 8 "}, {"count": 8}),
    ({"count": 8.0}, {"count": 8}),
    ({"flag": "no"}, {"flag": False}),
    ({"flag": "yes"}, {"flag": True}),
    ({"flag": 0}, {"flag": False}),
    ({"name": 27}, {"name": "27"}),
    ({"items": [{"name": "a", "tags": "x, y", "id": "3"}]}, {"items": [{"name": "a", "tags": ["x", "y"], "id": 3}]}),
    ({"items": [{"name": "a", "id": None}]}, {"items": [{"name": "a"}]}),
])
def test_converts_as_the_argument_spec(values, expected):
    converted, report = _coerce(values)
    assert report.errors == []
    for key, value in expected.items():
        assert converted[key] == value


def test_defaults_fill_what_is_not_given():
    converted, report = _coerce({})
    assert report.errors == [] and converted["count"] == 4 and converted["mode"] == "socket"


@pytest.mark.parametrize("values, path, message", [
    ({"count": "eight"}, "count", "must be an integer, got 'eight'"),
    ({"count": 2.5}, "count", "must be an integer"),
    ({"count": True}, "count", "must be an integer, got a bool"),
    ({"flag": "maybe"}, "flag", "must be true or false"),
    ({"name": 20.1}, "name", "is the number 20.1, not a string"),
    ({"name": False}, "name", "is the boolean False, not a string"),
    ({"name": ["a"]}, "name", "must be a string, got a list"),
    ({"name": None}, "name", "is null (a key left empty in YAML?): give a value, or '' for none"),
    ({"users": None}, "users", "or [] for none"),
    ({"options": None}, "options", "or {} for none"),
    ({"users": "root"}, "users", "must be a list, got a str 'root': write it as a YAML list, e.g. [root]"),
    ({"users": ["root", None]}, "users[1]", "is null (an empty list item)"),
    ({"options": "a=b"}, "options", "must be a dict (a YAML mapping), got a str"),
    ({"mode": "sockets"}, "mode", "is 'sockets', not one of socket, dind (did you mean socket?)"),
    ({"items": [{"tags": []}]}, "items[0].name", "is required"),
    ({"items": [{"name": "a", "tag": []}]}, "items[0].tag", "is not an option here (did you mean tags?)"),
    ({"items": ["a"]}, "items[0]", "must be a dict"),
    ({"items": [{"name": "a", "id": "x"}]}, "items[0].id", "must be an integer"),
])
def test_reports_each_problem_with_its_path(values, path, message):
    _converted, report = _coerce(values)
    assert [(p, m) for p, m in report.errors if p == path and message in m], report.errors


def test_every_problem_is_reported_not_only_the_first():
    _converted, report = _coerce({"count": "x", "flag": "maybe", "mode": "z", "items": [{"tag": 1}, {"name": 5.5}]})
    assert sorted(path for path, _message in report.errors) == [
        "count", "flag", "items[0].name", "items[0].tag", "items[1].name", "mode"]


def test_secrets_are_never_shown():
    report = Report()
    coerce(SPEC, {"secret": ["glpat-abcdefgh1234"]}, "", report)
    assert report.error_lines() == ["secret: must be a string, got a list (hidden)"]
    report = Report({"s3cr3t-value"})
    report.error("name", "has s3cr3t-value and glrt-abcdefgh1234 in https://u:pw@host")
    assert report.error_lines() == ["name: has ******** and glrt-******** in https://u:********@host"]
