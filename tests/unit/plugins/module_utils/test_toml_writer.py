# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import math
import tomllib
from collections import OrderedDict

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

UTC = datetime.timezone.utc
CET = datetime.timezone(datetime.timedelta(hours=1))
NEWFOUNDLAND = datetime.timezone(-datetime.timedelta(hours=3, minutes=30))

TRICKY_VALUES = [
    pytest.param("plain", id="plain-string"),
    pytest.param("", id="empty-string"),
    pytest.param('say "hi"', id="double-quote"),
    pytest.param("C:\\Users\\runner", id="backslash"),
    pytest.param("it's", id="single-quote"),
    pytest.param("line1\nline2\r\n", id="newlines"),
    pytest.param("col1\tcol2", id="tab"),
    pytest.param("\x00\x01\x08\x0b\x0c\x1b\x1f\x7f", id="control-chars"),
    pytest.param("caf\u00e9 \u00fcber \u65e5\u672c \U0001F600", id="non-ascii"),
    pytest.param("\u2028\u2029\ufeff", id="unicode-separators"),
    pytest.param("\"\"\"'''", id="triple-quotes"),
    pytest.param("#not a comment", id="hash"),
    pytest.param("$VAR ${OTHER}", id="dollar"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(0, id="zero"),
    pytest.param(-42, id="negative-int"),
    pytest.param(2 ** 63 - 1, id="int64-max"),
    pytest.param(-(2 ** 63), id="int64-min"),
    pytest.param(1.0, id="integral-float"),
    pytest.param(-0.0, id="negative-zero"),
    pytest.param(0.1, id="float-fraction"),
    pytest.param(1e16, id="float-exponent"),
    pytest.param(1.5e-7, id="float-small"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(float("-inf"), id="negative-inf"),
    pytest.param(datetime.datetime(2024, 1, 1, tzinfo=UTC), id="datetime-utc"),
    pytest.param(datetime.datetime(1, 1, 1, tzinfo=UTC), id="datetime-never-expires"),
    pytest.param(datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=CET), id="datetime-offset-fraction"),
    pytest.param(datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=NEWFOUNDLAND), id="datetime-negative-offset"),
    pytest.param(datetime.datetime(2024, 5, 6, 7, 8, 9), id="local-datetime"),
    pytest.param(datetime.date(2024, 2, 29), id="date"),
    pytest.param(datetime.time(7, 32, 0, 999), id="time"),
    pytest.param([], id="empty-list"),
    pytest.param(["/builds:/builds", "/cache"], id="string-list"),
    pytest.param([[1, 2], ["a", [True]]], id="nested-lists"),
    pytest.param([1, "two", 3.0, False, {"k": "v"}], id="mixed-list"),
    pytest.param([{"a": 1}, 2], id="list-mapping-first"),
    pytest.param({"nested": {"deep": [1, {"x": "y"}]}}, id="table-with-inline-table-in-array"),
    pytest.param({}, id="empty-table"),
    pytest.param([{}, {"a": {}}], id="array-of-empty-tables"),
    pytest.param({"tls-ca-file": "/etc/ca.pem", "with.dot": 1, "with space": 2, "": 3, "\u00e9": 4, 'q"': 5},
                 id="keys-needing-quotes"),
]


@pytest.mark.parametrize("value", TRICKY_VALUES)
@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "ascii"])
def test_round_trip_tricky_values(value, ascii_only):
    document = {"value": value, "inside": {"value": value}, "entries": [{"value": value}, {"value": value}]}
    text = dumps(document, ascii_only=ascii_only)
    assert tomllib.loads(text) == document
    if ascii_only:
        assert text.isascii()


@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "ascii"])
def test_nan_round_trips(ascii_only):
    text = dumps({"ratio": float("nan")}, ascii_only=ascii_only)
    assert text == "ratio = nan\n"
    assert math.isnan(tomllib.loads(text)["ratio"])


@pytest.mark.parametrize(
    "value, expected",
    [
        ("caf\u00e9", '"caf\u00e9"'),
        ("\x01", '"\\u0001"'),
        ("\x7f", '"\\u007F"'),
        ("\t\n\r\b\f", '"\\t\\n\\r\\b\\f"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        (datetime.datetime(2024, 1, 1, tzinfo=UTC), "2024-01-01T00:00:00Z"),
        (datetime.datetime(2024, 1, 1, 12, tzinfo=NEWFOUNDLAND), "2024-01-01T12:00:00-03:30"),
        (datetime.datetime(2024, 1, 1, 12, 0, 0, 500000), "2024-01-01T12:00:00.500000"),
        (datetime.date(2024, 1, 1), "2024-01-01"),
        (datetime.time(7, 32), "07:32:00"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (1e16, "1e+16"),
        (3.0, "3.0"),
        ((1, "a"), '[1, "a"]'),
        ([{"a": 1, "b": None}, {}, 2], "[{ a = 1 }, {}, 2]"),
        ({}, None),
    ],
)
def test_scalar_formatting(value, expected):
    text = dumps({"k": value})
    if expected is None:
        assert text == "[k]\n"
    else:
        assert text == "k = %s\n" % expected


def test_ascii_only_escapes_non_ascii_in_values_and_keys():
    assert dumps({"k": "caf\u00e9 \U0001F600"}, ascii_only=True) == 'k = "caf\\u00E9 \\U0001F600"\n'
    assert dumps({"\u00e9": {}}, ascii_only=True) == '["\\u00E9"]\n'


@pytest.mark.parametrize(
    "key, expected",
    [
        ("tls-ca-file", "tls-ca-file"),
        ("BucketName", "BucketName"),
        ("snake_case_1", "snake_case_1"),
        ("with.dot", '"with.dot"'),
        ("with space", '"with space"'),
        ("", '""'),
        ("caf\u00e9", '"caf\u00e9"'),
        ('q"uote', '"q\\"uote"'),
    ],
)
def test_key_quoting(key, expected):
    assert dumps({key: 1}) == "%s = 1\n" % expected
    assert dumps({"t": {key: {}}}) == "[t]\n  [t.%s]\n" % expected


def test_none_values_are_skipped():
    assert dumps({"a": None, "b": 1, "t": {"c": None}, "inline": [{"d": None, "e": 2}, 3]}) == (
        "b = 1\ninline = [{ e = 2 }, 3]\n\n[t]\n"
    )


def test_scalars_come_before_sub_tables_and_input_order_is_kept():
    data = OrderedDict([("z_table", {"k": 1}), ("b", 2), ("a", 1), ("a_table", {}), ("c", 3)])
    assert dumps(data) == "b = 2\na = 1\nc = 3\n\n[z_table]\n  k = 1\n\n[a_table]\n"


def test_output_is_deterministic():
    data = {"runners": [{"name": "a", "docker": {"volumes": ["/cache"]}}], "concurrent": 2}
    assert dumps(data) == dumps(dict(data))


def test_empty_document():
    assert dumps({}) == ""
    assert dumps({"only": None}) == ""


def test_nested_arrays_of_tables_go_under_their_runner():
    data = {
        "runners": [
            {"name": "first", "docker": {"services": [{"name": "docker:24.0.7-dind", "alias": "docker"}]}},
            {"name": "second", "docker": {"services": [{"name": "postgres:16"}, {"name": "redis:7"}]}},
        ]
    }
    text = dumps(data)
    assert text == (
        "[[runners]]\n"
        '  name = "first"\n'
        "  [runners.docker]\n"
        "    [[runners.docker.services]]\n"
        '      name = "docker:24.0.7-dind"\n'
        '      alias = "docker"\n'
        "\n"
        "[[runners]]\n"
        '  name = "second"\n'
        "  [runners.docker]\n"
        "    [[runners.docker.services]]\n"
        '      name = "postgres:16"\n'
        "    [[runners.docker.services]]\n"
        '      name = "redis:7"\n'
    )
    assert tomllib.loads(text) == data


FULL_CONFIG = {
    "concurrent": 4,
    "check_interval": 0,
    "connection_max_age": "15m0s",
    "shutdown_timeout": 0,
    "log_level": "info",
    "session_server": {"session_timeout": 1800},
    "runners": [
        {
            "name": "docker-socket",
            "url": "https://gitlab.example.com",
            "id": 42,
            "token": "glrt-abc123",
            "token_obtained_at": datetime.datetime(2024, 1, 1, tzinfo=UTC),
            "token_expires_at": datetime.datetime(1, 1, 1, tzinfo=UTC),
            "tls-ca-file": "/etc/gitlab-runner/certs/ca.crt",
            "executor": "docker",
            "environment": ["GIT_DEPTH=10", 'QUOTED="yes"'],
            "pre_build_script": "set -e\necho \"start\"\n",
            "feature_flags": {"FF_DISABLE_AUTOMATIC_TOKEN_ROTATION": True},
            "custom_build_dir": {},
            "cache": {"MaxUploadedArchiveSize": 0, "s3": {}, "gcs": {}, "azure": {}},
            "docker": {
                "tls_verify": False,
                "image": "docker:24.0.7",
                "privileged": False,
                "volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"],
                "pull_policy": ["if-not-present", "always"],
                "shm_size": 0,
                "tmpfs": {"/var/lib/mysql": "rw,noexec"},
            },
        },
        {
            "name": "docker-dind",
            "url": "https://gitlab.example.com",
            "token": "glrt-def456",
            "executor": "docker",
            "environment": ["DOCKER_TLS_CERTDIR=/certs"],
            "docker": {
                "image": "docker:24.0.7",
                "privileged": True,
                "volumes": ["/certs/client", "/cache"],
                "services": [{"name": "docker:24.0.7-dind", "alias": "docker", "command": ["--mtu=1400"]}],
            },
        },
    ],
}


def test_full_runner_config_round_trips_and_reads_like_the_runners_own():
    text = dumps(FULL_CONFIG)
    assert tomllib.loads(text) == FULL_CONFIG
    assert text.startswith("concurrent = 4\ncheck_interval = 0\n")
    assert "\n\n[session_server]\n  session_timeout = 1800\n\n[[runners]]\n" in text
    assert "  token_expires_at = 0001-01-01T00:00:00Z\n" in text
    assert "  [runners.custom_build_dir]\n  [runners.cache]\n    MaxUploadedArchiveSize = 0\n    [runners.cache.s3]\n" in text
    assert '  tls-ca-file = "/etc/gitlab-runner/certs/ca.crt"\n' in text
    assert "\n    [[runners.docker.services]]\n      name = \"docker:24.0.7-dind\"\n" in text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"a": {1, 2}}, r"^a: cannot write a set as TOML"),
        ({"runners": [{"docker": {"volumes": [b"/cache"]}}]}, r"^runners\[0\]\.docker\.volumes\[0\]: cannot write a bytes"),
        ({"t": {"x.y": object()}}, r'^t\."x\.y": cannot write a object'),
        ({"a": [1, None]}, r"^a\[1\]: TOML arrays cannot hold null"),
        ({"a": 2 ** 63}, r"^a: integer 9223372036854775808 does not fit TOML's 64-bit signed range"),
        ({"a": -(2 ** 63) - 1}, r"^a: integer .* does not fit"),
        ({"a": "\udc80"}, r"^a: string holds the lone surrogate U\+DC80"),
        ({"t": {"\udc80": 1}}, r"^t\.\"\\udc80\": string holds the lone surrogate"),
        ({1: "x"}, r"^top level: TOML keys must be strings, got int 1"),
        ({"t": {("a",): 1}}, r"^t: TOML keys must be strings, got tuple"),
        ({"inline": [{2: "x"}]}, r"^inline\[0\]: TOML keys must be strings, got int"),
        ({"t": datetime.time(1, 2, tzinfo=UTC)}, r"^t: TOML local times cannot carry a UTC offset"),
        ({"t": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(seconds=30)))},
         r"^t: UTC offset .* has seconds"),
    ],
)
def test_unsupported_values_name_the_key_path(data, message):
    with pytest.raises(ValueError, match=message):
        dumps(data)


@pytest.mark.parametrize("data", [[{"a": 1}], "a = 1", None, 3])
def test_document_must_be_a_mapping(data):
    with pytest.raises(ValueError, match="TOML document must be a mapping"):
        dumps(data)


@pytest.mark.parametrize("code", [0xD800, 0xDBFF, 0xDC00, 0xDFFF])
def test_every_surrogate_code_point_is_refused(code):
    """TOML files are UTF-8 and strings hold Unicode scalar values: U+D800 to U+DFFF cannot be written."""
    with pytest.raises(ValueError, match=r"^k: string holds the lone surrogate U\+%04X" % code):
        dumps({"k": "x" + chr(code)})


@pytest.mark.parametrize("code", [0xD7FF, 0xE000])
def test_the_code_points_around_the_surrogates_are_written(code):
    for ascii_only in (False, True):
        assert tomllib.loads(dumps({"k": chr(code)}, ascii_only=ascii_only)) == {"k": chr(code)}


@pytest.mark.parametrize("text, escaped", [
    ("\x7e", "~"),
    ("\x80", "\\u0080"),
    ("\xff", "\\u00FF"),
    ("\uffff", "\\uFFFF"),
    ("\U00010000", "\\U00010000"),
    ("\U0010FFFF", "\\U0010FFFF"),
])
def test_ascii_only_escapes_each_code_point_above_ascii_with_four_or_eight_hex_digits(text, escaped):
    """TOML's \\uXXXX takes a code point up to U+FFFF, \\UXXXXXXXX any other; the output is then plain ASCII."""
    written = dumps({"k": text}, ascii_only=True)
    assert written == 'k = "%s"\n' % escaped
    assert written.isascii()
    assert tomllib.loads(written) == {"k": text}
