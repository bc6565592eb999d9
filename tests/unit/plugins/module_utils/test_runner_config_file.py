# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import tomllib

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import runner_config_file as rcf
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

UTC = datetime.timezone.utc
URL = "https://gitlab.example.com"
T0 = datetime.datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime.datetime(2026, 2, 1, tzinfo=UTC)
SOCKET_DOCKER = {
    "tls_verify": False,
    "image": "docker:27.3.1",
    "privileged": False,
    "volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"],
}


def _desired(name, **extra):
    table = {"name": name, "url": URL, "executor": "docker"}
    table.update(extra)
    table["docker"] = dict(SOCKET_DOCKER)
    return table


def _config(*names, **global_keys):
    config = {"concurrent": 2}
    config.update(global_keys)
    config["runners"] = [_desired(name) for name in names]
    return config


def _live(*runners, **global_keys):
    document = {"concurrent": 1}
    document.update(global_keys)
    document["runners"] = [dict(runner) for runner in runners]
    return document


def _live_runner(name, token, obtained=T0, expires=rcf.NEVER_EXPIRES, runner_id=7, **extra):
    runner = {"name": name, "url": URL, "id": runner_id, "token": token, "token_obtained_at": obtained,
              "token_expires_at": expires, "executor": "docker"}
    runner.update(extra)
    runner["docker"] = dict(SOCKET_DOCKER)
    return runner


def _raw_result(name, token=None, runner_id=42, obtained="2026-03-01T10:00:00Z", expires=None, **extra):
    """A registered loop result of runner_registration, as the role passes it."""
    result = {"item": {"name": name, "state": "present", "url": URL}, "runner_id": runner_id,
              "token_expires_at": expires, "changed": token is not None, "created": token is not None,
              "ansible_loop_var": "item"}
    if token is not None:
        result["token"] = token
        result["token_obtained_at"] = obtained
    result.update(extra)
    return result


def _runner(document, name):
    return next(table for table in document["runners"] if table["name"] == name)


# --- credentials -----------------------------------------------------------------------------------------------


def test_credentials_raw_and_plain_shapes():
    credentials = [
        _raw_result("a", token="glrt-NEW-A", runner_id=1, expires="2026-12-31T00:00:00.000Z"),
        _raw_result("b"),
        {"skipped": True, "item": {"name": "c"}},
        {"name": "d", "id": "4", "token": "glrt-D", "token_obtained_at": "2026-01-01T01:02:03+01:00",
         "token_expires_at": None},
    ]
    assert rcf.credentials_by_name(credentials) == {
        "a": {"id": 1, "token": "glrt-NEW-A", "token_obtained_at": datetime.datetime(2026, 3, 1, 10, tzinfo=UTC),
              "token_expires_at": datetime.datetime(2026, 12, 31, tzinfo=UTC)},
        "b": {"id": 42, "token": None, "token_obtained_at": None, "token_expires_at": None},
        "d": {"id": 4, "token": "glrt-D",
              "token_obtained_at": datetime.datetime(2026, 1, 1, 0, 2, 3, tzinfo=UTC),
              "token_expires_at": None},
    }


def test_credentials_registered_dict_with_results():
    assert list(rcf.credentials_by_name({"results": [_raw_result("a", token="glrt-A")]})) == ["a"]


@pytest.mark.parametrize(
    "credentials, message",
    [
        pytest.param("glrt-x", "credentials must be a list", id="not-list"),
        pytest.param(["glrt-x"], "credentials[0] must be a dict", id="item-not-dict"),
        pytest.param([{"token": "glrt-x"}], "credentials[0] names no runner", id="no-name"),
        pytest.param([{"name": "a", "token": 5}], 'credentials of runner "a": token must be a string', id="token-type"),
        pytest.param([{"name": "a", "token": "glrt-1"}, {"name": "a", "token": "glrt-2"}], "appear twice",
                     id="duplicate"),
        pytest.param([{"name": "a", "token": "glrt-1", "id": "x7"}], "id must be the numeric runner ID", id="id-type"),
        pytest.param([{"name": "a", "token": "glrt-1", "token_expires_at": "tomorrow"}],
                     "token_expires_at is 'tomorrow', not an RFC 3339 date-time", id="date"),
    ],
)
def test_credentials_errors(credentials, message):
    with pytest.raises(ValueError) as error:
        rcf.credentials_by_name(credentials)
    assert message in str(error.value)
    assert "glrt-" not in str(error.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(None, None, id="none"),
        pytest.param("", None, id="empty"),
        pytest.param("0001-01-01T00:00:00Z", rcf.NEVER_EXPIRES, id="never"),
        pytest.param("2026-05-01T12:00:00.123456789Z", datetime.datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
                     id="nanoseconds"),
        pytest.param("2026-05-01T12:00:00-02:30",
                     datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.timezone(-datetime.timedelta(hours=2.5))),
                     id="offset"),
        pytest.param(datetime.datetime(2026, 5, 1), datetime.datetime(2026, 5, 1, tzinfo=UTC), id="naive"),
    ],
)
def test_parse_datetime(value, expected):
    assert rcf.parse_datetime(value, "x") == expected


@pytest.mark.parametrize("value", ["2026-13-01T00:00:00Z", "2026-05-01", 1714564800, datetime.date(2026, 5, 1)])
def test_parse_datetime_errors(value):
    with pytest.raises(ValueError, match="not an RFC 3339 date-time"):
        rcf.parse_datetime(value, "token_expires_at")


# --- merge ------------------------------------------------------------------------------------------------------


def test_first_write_uses_credentials_in_runner_key_order():
    merged = rcf.merge({}, _config("a"), [_raw_result("a", token="glrt-A", runner_id=1)])
    table = _runner(merged["document"], "a")
    assert list(table) == ["name", "url", "id", "token", "token_obtained_at", "token_expires_at", "executor",
                           "docker"]
    assert table["id"] == 1
    assert table["token"] == "glrt-A"
    assert table["token_obtained_at"] == datetime.datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert table["token_expires_at"] == rcf.NEVER_EXPIRES
    assert merged["runners"] == ["a"]
    assert merged["document"]["concurrent"] == 2


def test_missing_obtained_at_becomes_now():
    merged = rcf.merge({}, _config("a"), [{"name": "a", "token": "glrt-A"}])
    obtained = _runner(merged["document"], "a")["token_obtained_at"]
    assert abs(datetime.datetime.now(UTC) - obtained) < datetime.timedelta(minutes=1)
    assert "id" not in _runner(merged["document"], "a")


def test_rotated_live_token_is_kept_without_credentials():
    live = _live(_live_runner("a", "glrt-ROTATED", obtained=T1, expires=T1 + datetime.timedelta(days=30)))
    table = _runner(rcf.merge(live, _config("a"), [_raw_result("a")])["document"], "a")
    assert table["token"] == "glrt-ROTATED"
    assert table["token_obtained_at"] == T1
    assert table["token_expires_at"] == T1 + datetime.timedelta(days=30)
    assert table["id"] == 7


def test_rotated_live_token_wins_over_older_credential():
    live = _live(_live_runner("a", "glrt-ROTATED", obtained=T1))
    credentials = [{"name": "a", "token": "glrt-FIRST", "token_obtained_at": "2026-01-01T00:00:00Z"}]
    merged = rcf.merge(live, _config("a"), credentials)
    assert _runner(merged["document"], "a")["token"] == "glrt-ROTATED"
    assert len(merged["warnings"]) == 1
    assert "rotated it since that registration" in merged["warnings"][0]
    assert "glrt-" not in merged["warnings"][0]


def test_new_credential_token_replaces_live():
    live = _live(_live_runner("a", "glrt-OLD", obtained=T0))
    merged = rcf.merge(live, _config("a"), [_raw_result("a", token="glrt-NEW", runner_id=99)])
    table = _runner(merged["document"], "a")
    assert (table["token"], table["id"]) == ("glrt-NEW", 99)
    assert table["token_obtained_at"] == datetime.datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert merged["warnings"] == []


def test_same_token_keeps_live_values_and_fills_missing_id():
    live_runner = _live_runner("a", "glrt-SAME", obtained=T1)
    del live_runner["id"]
    credentials = [{"name": "a", "id": 5, "token": "glrt-SAME", "token_obtained_at": "2026-03-01T00:00:00Z"}]
    table = _runner(rcf.merge(_live(live_runner), _config("a"), credentials)["document"], "a")
    assert (table["id"], table["token_obtained_at"]) == (5, T1)


def test_runner_without_token_fails_unless_allowed():
    with pytest.raises(ValueError, match='runner "a" has no token, neither in config.toml nor in credentials'):
        rcf.merge({}, _config("a"), [_raw_result("a")])
    merged = rcf.merge({}, _config("a"), [_raw_result("a")], allow_missing_token=True)
    assert "token" not in _runner(merged["document"], "a")
    assert 'runner "a" has no token yet' in merged["warnings"][0]


def test_absent_unmanaged_and_prune():
    live = _live(_live_runner("hand", "glrt-H"), _live_runner("a", "glrt-A"), _live_runner("old", "glrt-O"),
                 _live_runner("other", "glrt-X"))
    merged = rcf.merge(live, _config("a", "b"), [{"name": "b", "token": "glrt-B"}], absent=["old", "gone"])
    assert [t["name"] for t in merged["document"]["runners"]] == ["a", "b", "hand", "other"]
    assert (merged["removed"], merged["kept_unmanaged"]) == (["old"], ["hand", "other"])
    assert _runner(merged["document"], "hand") == live["runners"][0]

    pruned = rcf.merge(live, _config("a", "b"), [{"name": "b", "token": "glrt-B"}], absent=["old"],
                       prune_unmanaged=True)
    assert [t["name"] for t in pruned["document"]["runners"]] == ["a", "b"]
    assert (pruned["removed"], pruned["kept_unmanaged"]) == (["hand", "old", "other"], [])


def test_duplicate_live_tables_keep_the_one_matching_credentials():
    live = _live(_live_runner("a", "glrt-FIRST", runner_id=1), _live_runner("a", "glrt-SECOND", runner_id=2))
    credentials = [{"name": "a", "token": "glrt-SECOND", "id": 2}]
    merged = rcf.merge(live, _config("a"), credentials)
    assert [(t["name"], t["id"]) for t in merged["document"]["runners"]] == [("a", 2)]
    assert merged["removed"] == ["a"]
    assert "had 2 [[runners]] tables named \"a\"" in merged["warnings"][0]


def test_live_globals_not_in_config_are_dropped():
    live = _live(_live_runner("a", "glrt-A"), log_level="debug", session_server={"session_timeout": 1800})
    document = rcf.merge(live, _config("a"))["document"]
    assert list(document) == ["concurrent", "runners"]


def test_no_runners_means_no_runners_key():
    assert rcf.merge({}, {"concurrent": 1, "runners": []})["document"] == {"concurrent": 1}


@pytest.mark.parametrize(
    "config, absent, message",
    [
        pytest.param(["a"], None, "config must be a dict", id="config-type"),
        pytest.param({"runners": {"name": "a"}}, None, "config runners must be a list", id="runners-type"),
        pytest.param({"runners": ["a"]}, None, "config runners[0] must be a dict", id="runner-type"),
        pytest.param({"runners": [{"url": URL}]}, None, "config runners[0] has no name", id="runner-no-name"),
        pytest.param({"runners": [{"name": "a"}, {"name": "a"}]}, None, 'both named "a"', id="duplicate"),
        pytest.param({"runners": [{"name": "a", "token": "glrt-SECRET"}]}, None,
                     'config of runner "a" sets token: credentials never go into config data', id="token-in-config"),
        pytest.param(_config("a"), "a", "absent must be a list of runner names", id="absent-type"),
        pytest.param(_config("a"), [""], "absent must hold runner names", id="absent-empty"),
        pytest.param(_config("a"), ["a"], 'runner "a" is both in config and in absent', id="absent-and-config"),
    ],
)
def test_merge_errors(config, absent, message):
    with pytest.raises(ValueError) as error:
        rcf.merge({}, config, [{"name": "a", "token": "glrt-A"}], absent)
    assert message in str(error.value)
    assert "glrt-SECRET" not in str(error.value)


# --- mask, restart, plan ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param('  token = "glrt-abc_DEF-123"', '  token = "glrt-********"', id="runner-token"),
        pytest.param('token = "GR1348941abcdef"', 'token = "GR1348941********"', id="legacy-token"),
        pytest.param('token = "plainvalue"', 'token = "********"', id="unknown-format"),
        pytest.param('token = ""', 'token = ""', id="empty"),
        pytest.param("    SecretKey = 'abc'", "    SecretKey = '********'", id="cache-secret"),
        pytest.param('sentry_dsn = "https://k@sentry.example.com/1"', 'sentry_dsn = "********"', id="dsn"),
        pytest.param('x = { bearer_token = "abc" }', 'x = { bearer_token = "********" }', id="inline-table"),
        pytest.param('environment = ["API_TOKEN=s3cr3t", "FOO=bar", "AUTH=a\\"b"]',
                     'environment = ["API_TOKEN=********", "FOO=bar", "AUTH=********"]', id="environment"),
        pytest.param("message about glpat-abc123 and glrt-t1_xyz.", "message about glpat-******** and glrt-********.",
                     id="anywhere"),
        pytest.param("token_expires_at = 0001-01-01T00:00:00Z", "token_expires_at = 0001-01-01T00:00:00Z",
                     id="dates-untouched"),
        pytest.param('tls-key-file = "/etc/gitlab-runner/key.pem"', 'tls-key-file = "/etc/gitlab-runner/key.pem"',
                     id="key-file-path-untouched"),
    ],
)
def test_mask(text, expected):
    assert rcf.mask(text) == expected


def test_mask_known_secrets_anywhere():
    assert rcf.mask("value opaque-secret-123 here", {"opaque-secret-123"}) == "value ******** here"


def test_secret_values():
    credentials = [_raw_result("a", token="glrt-NEW", invocation={"module_args": {
        "access_token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "runner_token": "opaque-old", "url": URL}}),
        {"name": "b", "note": "see glrt-INLINE", "token_expires_at": "2026-01-01T00:00:00Z"}]
    assert rcf.secret_values(credentials) == {"glrt-NEW", "opaque-old", "see glrt-INLINE"}


@pytest.mark.parametrize(
    "live, config, expected",
    [
        pytest.param({}, {}, False, id="none"),
        pytest.param({}, {"listen_address": ":9252"}, True, id="added"),
        pytest.param({"listen_address": ":9252"}, {"listen_address": ":9252"}, False, id="same"),
        pytest.param({"session_server": {"listen_address": "[::]:8093"}}, {}, True, id="session-removed"),
        pytest.param({"concurrent": 1}, {"concurrent": 4}, False, id="other-key"),
    ],
)
def test_restart_required(live, config, expected):
    assert rcf.restart_required(live, config) is expected


def test_plan_round_trip_is_stable():
    first = rcf.plan(None, _config("a", listen_address=":9252"), [_raw_result("a", token="glrt-A")],
                     modes={"a": "socket"})
    assert first["text"].startswith(rcf.HEADER)
    assert tomllib.loads(first["text"])["runners"][0]["token"] == "glrt-A"
    assert first["restart_required"] is True
    assert "glrt-A" in first["secrets"]
    second = rcf.plan(first["text"], _config("a", listen_address=":9252"), [_raw_result("a")], modes={"a": "socket"})
    assert second["text"] == first["text"]
    assert second["restart_required"] is False


def test_plan_validation_errors_are_masked():
    config = _config("a")
    config["runners"][0]["docker"]["tls_verfy"] = False
    config["runners"][0]["docker"]["volumes"] = ["/cache"]
    with pytest.raises(rcf.ConfigInvalidError) as error:
        rcf.plan(None, config, [{"name": "a", "token": "glrt-SECRET"}], modes={"a": "socket"})
    assert len(error.value.messages) >= 2
    assert any("tls_verfy" in message for message in error.value.messages)
    assert any("socket mode" in message for message in error.value.messages)
    assert "glrt-SECRET" not in str(error.value)


def test_plan_unmanaged_errors_are_warnings():
    hand = _live_runner("hand", "glrt-H", limt=3)
    live_text = dumps(_live(hand))
    result = rcf.plan(live_text, _config("a"), [{"name": "a", "token": "glrt-A"}], modes={"a": "socket"})
    assert any(w.startswith("unmanaged runner kept as found: ") and "limt" in w for w in result["warnings"])


@pytest.mark.parametrize("validated, shown", [(False, True), (True, False)])
def test_plan_warnings_of_a_validated_config_are_not_repeated(validated, shown):
    config = _config(check_interval=-1)  # warned about too, as a global setting
    config["runners"] = [_desired("a", limit=0)]  # 0: no limit, which the findings warn about
    result = rcf.plan(None, config, [{"name": "a", "token": "glrt-A"}], modes={"a": "socket"}, validated=validated)
    assert any("limit" in warning for warning in result["warnings"]) is shown
    assert any("check_interval" in warning for warning in result["warnings"]) is shown
    assert "glrt-A" in result["text"]


def test_plan_warnings_of_unmanaged_runners_are_given_when_validated():
    live_text = dumps(_live(_live_runner("hand", "glrt-H", limit=0)))
    config = _config(check_interval=-1)
    config["runners"] = [_desired("a", limit=0)]
    result = rcf.plan(live_text, config, [{"name": "a", "token": "glrt-A"}], modes={"a": "socket"}, validated=True)
    limits = [warning for warning in result["warnings"] if "limit" in warning]
    assert len(limits) == 1 and '"hand"' in limits[0]
    # The file is no longer the config that was checked: its global settings are warned about again.
    assert any("check_interval" in warning for warning in result["warnings"])


def test_plan_errors_of_a_validated_config_still_fail():
    config = _config("a")
    config["runners"][0]["docker"]["tls_verfy"] = False
    with pytest.raises(rcf.ConfigInvalidError) as error:
        rcf.plan(None, config, [{"name": "a", "token": "glrt-A"}], modes={"a": "socket"}, validated=True)
    assert any("tls_verfy" in message for message in error.value.messages)


def test_plan_unreadable_live_file():
    with pytest.raises(ValueError) as error:
        rcf.plan('concurrent = 1\n[[runners]]\n  token = "glrt-LIVE\n', _config("a"), [])
    message = str(error.value)
    assert "the live config.toml cannot be read" in message
    assert "it is not overwritten" in message
    assert "glrt-LIVE" not in message


# -- pending credentials files named by registration results -----------------------

def test_pending_paths_of_registration_results():
    results = [
        {"item": {"name": "a"}, "token": "glrt-a", "pending_path": "/etc/gitlab-runner/.runner_pending/a.json"},
        {"item": {"name": "b"}, "runner_id": 2},
        {"skipped": True, "item": {"name": "c"}, "pending_path": "/etc/gitlab-runner/.runner_pending/c.json"},
        {"name": "d", "token": "glrt-d", "pending_path": "/srv/d.json"},
    ]
    assert rcf.pending_paths(results) == {"a": "/etc/gitlab-runner/.runner_pending/a.json", "d": "/srv/d.json"}
    assert rcf.pending_paths({"results": results[:1]}) == {"a": "/etc/gitlab-runner/.runner_pending/a.json"}
    assert rcf.pending_paths(None) == {}


@pytest.mark.parametrize("path", ["relative.json", 5, ["/x.json"]])
def test_pending_paths_rejects_a_relative_path(path):
    with pytest.raises(ValueError, match=r"credentials\[0\] pending_path must be an absolute path"):
        rcf.pending_paths([{"name": "a", "pending_path": path}])


def test_token_of():
    document = {"runners": [{"name": "a", "token": "glrt-a"}, {"name": "b"}, "junk"]}
    assert [rcf.token_of(document, name) for name in ("a", "b", "c")] == ["glrt-a", None, None]
    assert rcf.token_of({}, "a") is None


# -- the edges of each rule ---------------------------------------------------------------------------------------

def test_mask_leaves_text_alone_for_empty_or_non_string_known_values():
    text = 'concurrent = 2\nlog_level = "info"'
    assert rcf.mask(text, ["", None, 5]) == text


def test_mask_keeps_a_masked_environment_value_as_it_is():
    """A value masked already (a known secret inside it) keeps what it shows: masking it again hides nothing more."""
    assert rcf.mask('environment = ["API_TOKEN=v1:opaque"]', {"opaque"}) == 'environment = ["API_TOKEN=v1:********"]'
    assert rcf.mask('environment = ["API_TOKEN=v1:********"]') == 'environment = ["API_TOKEN=v1:********"]'


@pytest.mark.parametrize("credentials", [5, 2.5, True])
def test_credentials_of_another_type_are_refused(credentials):
    with pytest.raises(ValueError, match="credentials must be a list .* got %s" % type(credentials).__name__):
        rcf.credentials_by_name(credentials)


def test_an_empty_credential_token_is_no_token():
    """An empty token in credentials is none: the live token stays, it is never replaced by an empty one."""
    assert rcf.credentials_by_name([{"name": "a", "token": ""}])["a"]["token"] is None
    live = _live(_live_runner("a", "glrt-LIVE", obtained=T0))
    table = _runner(rcf.merge(live, _config("a"), [{"name": "a", "token": "", "id": 7}])["document"], "a")
    assert table["token"] == "glrt-LIVE"


@pytest.mark.parametrize("name", ["", 5, None])
def test_a_runner_needs_a_non_empty_string_name(name):
    with pytest.raises(ValueError, match=r"config runners\[0\] has no name"):
        rcf.merge({}, {"runners": [{"name": name, "url": URL}]})


def test_duplicate_live_tables_keep_the_first_when_credentials_carry_no_token():
    live = _live(_live_runner("a", "glrt-FIRST", runner_id=1), dict(name="a", url=URL, executor="docker"))
    merged = rcf.merge(live, _config("a"), [_raw_result("a", runner_id=1)])
    assert [(t["name"], t["token"]) for t in merged["document"]["runners"]] == [("a", "glrt-FIRST")]
    assert merged["removed"] == ["a"]


@pytest.mark.parametrize("matching", [0, 1, 2])
def test_duplicate_live_tables_drop_every_other_one(matching):
    live = _live(*[_live_runner("a", "glrt-%d" % index, runner_id=index) for index in range(3)])
    merged = rcf.merge(live, _config("a"), [{"name": "a", "token": "glrt-%d" % matching, "id": matching}])
    assert [t["id"] for t in merged["document"]["runners"]] == [matching]
    assert merged["removed"] == ["a", "a"]
    assert "had 3 [[runners]] tables named \"a\"" in merged["warnings"][0]
    assert "dropped 2" in merged["warnings"][0]


def test_a_new_token_obtained_at_the_same_time_as_the_live_one_replaces_it():
    """Only a live token obtained later than the registered one wins; at the same second the new one is written."""
    live = _live(_live_runner("a", "glrt-LIVE", obtained=T1))
    merged = rcf.merge(live, _config("a"), [{"name": "a", "token": "glrt-NEW", "token_obtained_at": T1}])
    assert _runner(merged["document"], "a")["token"] == "glrt-NEW"
    assert merged["warnings"] == []


def test_missing_obtained_at_is_now_in_whole_seconds():
    """gitlab-runner register writes token_obtained_at as time.Now().UTC().Truncate(time.Second)."""
    for _attempt in range(3):
        merged = rcf.merge({}, _config("a"), [{"name": "a", "token": "glrt-A"}])
        obtained = _runner(merged["document"], "a")["token_obtained_at"]
        assert obtained.microsecond == 0
        assert obtained.tzinfo is not None and obtained.utcoffset() == datetime.timedelta(0)


def test_a_runner_without_a_token_in_check_mode_keeps_its_id():
    merged = rcf.merge({}, _config("a"), [_raw_result("a", runner_id=42)], allow_missing_token=True)
    table = _runner(merged["document"], "a")
    assert table["id"] == 42
    assert "token" not in table
    no_credentials = rcf.merge({}, _config("a"), None, allow_missing_token=True)
    assert "id" not in _runner(no_credentials["document"], "a")


def test_merge_takes_no_live_file_as_empty():
    assert rcf.merge(None, _config("a"), [{"name": "a", "token": "glrt-A", "id": 1}]) == rcf.merge(
        {}, _config("a"), [{"name": "a", "token": "glrt-A", "id": 1}])


def test_secrets_of_every_runner_table():
    first = {"runners": [{"name": "a", "token": "glrt-A"}, {"name": "b", "token": ""}, "junk"]}
    second = {"runners": [{"name": "legacy", "token": "opaque-legacy"}]}
    assert rcf.secrets_of(first, second, None, {"runners": "x"}) == {"glrt-A", "opaque-legacy"}


def test_plan_secrets_hold_the_tokens_of_removed_runners_too():
    """The old file's tokens are secrets of the change too: a diff shows the removed table."""
    live_text = dumps(_live(_live_runner("a", "opaque-a"), _live_runner("old", "opaque-old")))
    result = rcf.plan(live_text, _config("a"), [{"name": "a", "token": "glrt-NEW"}], absent=["old"],
                      modes={"a": "socket"})
    assert result["removed"] == ["old"]
    assert {"glrt-NEW", "opaque-a", "opaque-old"} <= result["secrets"]
