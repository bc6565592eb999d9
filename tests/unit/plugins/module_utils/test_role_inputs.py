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


def _one(spec, values, nested=False, path=""):
    report = Report()
    converted = coerce(spec, values, path, report, nested=nested)
    return converted, report.errors, report.warnings


@pytest.mark.parametrize("value, shown", [
    # A value is shown whole up to 60 characters of its repr, else its first 57 and "...".
    ("x" * 58, repr("x" * 58)), ("x" * 59, repr("x" * 59)[:57] + "..."),
])
def test_a_long_value_is_shortened_in_messages(value, shown):
    _converted, errors, _warnings = _one({"count": {"type": "int"}}, {"count": value})
    assert errors == [("count", "must be an integer, got %s" % shown)]


@pytest.mark.parametrize("option, value, expected", [
    # An option without a type is a string, and so is a path.
    ({}, 8, "8"), ({"type": "path"}, 8, "8"), ({"type": "path"}, "/srv", "/srv"),
    ({"type": "float"}, "1.5", 1.5), ({"type": "float"}, 2, 2.0),
    ({"type": "raw"}, [1], [1]),
])
def test_types_of_the_argument_spec(option, value, expected):
    converted, errors, _warnings = _one({"x": option}, {"x": value})
    assert errors == [] and converted["x"] == expected


def test_a_float_option_refuses_what_is_no_number():
    _converted, errors, _warnings = _one({"x": {"type": "float"}}, {"x": "fast"})
    assert errors == [("x", "must be a number, got 'fast'")]


@pytest.mark.parametrize("option, value, example", [
    ({"type": "list"}, "root", "[root]"),
    ({"type": "list"}, "x" * 39, "[%s]" % ("x" * 39)),
    ({"type": "list"}, "x" * 40, "[...]"),
    ({"type": "list", "no_log": True}, "root", "[...]"),
    ({"type": "list"}, 5, "[...]"),
])
def test_a_list_given_as_something_else_gets_an_example(option, value, example):
    _converted, errors, _warnings = _one({"users": option}, {"users": value})
    assert errors[0][1].endswith("write it as a YAML list, e.g. %s" % example)


def test_choices_of_a_list_are_those_of_its_items():
    spec = {"policies": {"type": "list", "elements": "str", "choices": ["always", "never"]}}
    converted, errors, _warnings = _one(spec, {"policies": ["never", "always"]})
    assert errors == [] and converted["policies"] == ["never", "always"]
    _converted, errors, _warnings = _one(spec, {"policies": ["nevr", "always", "sometimes"]})
    assert errors == [("policies[0]", "is 'nevr', not one of always, never (did you mean never?)"),
                      ("policies[2]", "is 'sometimes', not one of always, never")]


def test_items_of_a_list_without_elements_are_kept_as_given():
    converted, errors, _warnings = _one({"x": {"type": "list", "options": {"a": {"type": "int"}}}},
                                        {"x": [{"a": "1"}, 5]})
    assert errors == [] and converted["x"] == [{"a": "1"}, 5]


def test_every_null_item_is_reported():
    _converted, errors, _warnings = _one(SPEC, {"users": [None, "a", None]})
    assert [path for path, _message in errors] == ["users[0]", "users[2]"]


def test_a_dict_with_options_is_checked_inside():
    converted, errors, _warnings = _one({"x": {"type": "dict", "options": {"a": {"type": "int"}}}},
                                        {"x": {"a": "2", "b": 1}})
    assert converted["x"] == {"a": 2} and [path for path, _message in errors] == ["x.b"]


def test_a_raw_option_with_options_is_kept_as_given():
    converted, errors, _warnings = _one({"x": {"type": "raw", "options": {"a": {"type": "int"}}}},
                                        {"x": {"a": "2", "b": 1}})
    assert errors == [] and converted["x"] == {"a": "2", "b": 1}


def test_a_dict_option_without_options_is_kept_as_given():
    converted, errors, _warnings = _one({"x": {"type": "str", "options": {"a": {"type": "int"}}}}, {"x": "s"})
    assert errors == [] and converted["x"] == "s"


def test_nested_defaults_are_not_filled_in():
    converted, errors, _warnings = _one({"a": {"type": "int", "default": 3}, "b": {"type": "int"}}, {}, nested=True)
    assert (converted, errors) == ({}, [])


@pytest.mark.parametrize("option, nested, message", [
    # At the top level a null value is an error, with the empty value of its type when it is optional.
    ({"type": "str"}, False, "is null (a key left empty in YAML?): give a value, or '' for none"),
    ({}, False, "is null (a key left empty in YAML?): give a value, or '' for none"),
    ({"type": "int"}, False, "is null (a key left empty in YAML?): give a value"),
    ({"type": "str", "required": True}, False, "is null (a key left empty in YAML?): give a value"),
    ({"type": "str", "required": True}, True, "is null (a key left empty in YAML?): give a value"),
    ({"type": "str"}, True, None),
])
def test_null_values(option, nested, message):
    converted, errors, _warnings = _one({"x": option, "y": {"type": "int"}}, {"x": None, "y": None}, nested=nested)
    assert [m for p, m in errors if p.endswith("x")] == ([message] if message else [])
    assert "x" not in converted


@pytest.mark.parametrize("description, fix", [
    ("The runner's name. It identifies the runner.", "The runner's name"),
    (["Where jobs run, O(builds_dir) in C(config.toml).", "Second sentence."], "Where jobs run, builds_dir in config.toml"),
    ("Ends with a dot.", "Ends with a dot"),
    ("", "give a value"),
    (None, "give a value"),
])
def test_a_missing_required_option_says_what_it_is(description, fix):
    _converted, errors, _warnings = _one({"x": {"type": "str", "required": True, "description": description}},
                                         {}, nested=True, path="item")
    assert errors == [("item.x", "is required: %s" % fix)]


def test_a_report_lists_its_warnings():
    report = Report()
    report.warning("docker_users", "lists 'ci' more than once")
    assert report.warning_lines() == ["docker_users: lists 'ci' more than once"]


def test_a_list_of_lists_takes_its_items_as_lists():
    converted, errors, _warnings = _one({"x": {"type": "list", "elements": "list"}}, {"x": [[1, 2], "a"]})
    assert errors == [("x[1]", "must be a list, got a str 'a': write it as a YAML list, e.g. [a]")]
    assert converted["x"] == [[1, 2]]


def test_options_after_a_null_one_are_still_converted():
    converted, errors, _warnings = _one({"x": {"type": "str"}, "y": {"type": "int"}}, {"x": None, "y": "8"})
    assert converted == {"y": 8} and [path for path, _message in errors] == ["x"]


def test_the_description_keeps_a_sentence_ending_in_x():
    _converted, errors, _warnings = _one({"x": {"type": "str", "required": True, "description": "Runs on host X."}},
                                         {}, nested=True, path="item")
    assert errors == [("item.x", "is required: Runs on host X")]


# validate_inputs checks a role's variables with coerce; Ansible's own check of the same argument spec adds nothing
# where coerce refuses all it refuses (playbooks/site.yml skips that check after validate.yml).
_SAMPLES = (True, False, 0, 1, 2, -1, 1.5, "", "x", "yes", "5", " 5 ", "a,b", "a=1", '{"a": 1}', "[1]", [], ["x"], [1],
            [True], [None], [["x"]], [{"a": 1}], {}, {"a": 1}, {"name": "x"})


def _required_item(options):
    """A nested item Ansible accepts: its required options given a value of their type."""
    fill = {"str": "x", "path": "x", "int": 1, "bool": True, "list": [], "dict": {}, "float": 1.0, "raw": "x"}
    return dict((name, option["choices"][0] if option.get("choices") else fill[option.get("type", "str")])
                for name, option in options.items() if option.get("required"))


def _cases(role):
    from ansible_collections.runnerops.gitlab_runner.plugins.plugin_utils.role_specs import argument_spec
    for name, option in argument_spec(role).items():
        samples = _SAMPLES + tuple(option.get("choices") or ())
        for value in samples:
            yield {name: option}, {name: value}
        nested = option.get("options")
        if nested:
            for key, inner in nested.items():
                for value in _SAMPLES + tuple(inner.get("choices") or ()):
                    item = dict(_required_item(nested), **{key: value})
                    yield {name: option}, {name: [item] if option.get("type") == "list" else item}


@pytest.mark.parametrize("role", ["docker", "runner"])
def test_coerce_refuses_all_that_ansibles_argument_spec_check_refuses(role):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    checked = refused = 0
    for spec, values in _cases(role):
        ansible_errors = ArgumentSpecValidator(spec).validate(values).error_messages
        report = Report()
        coerce(spec, values, "", report)
        checked += 1
        if ansible_errors:
            refused += 1
            assert report.errors, "Ansible refuses %r (%s), coerce accepts it" % (values, ansible_errors[0])
    # The samples reach both sides of the check: values Ansible refuses and values it takes.
    assert 0 < refused < checked
