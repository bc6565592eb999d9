# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import re

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_findings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import (
    ALL_FINDING_CODES,
    FINDING_CODES,
    check_data,
    findings,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import TomlSyntaxError, loads
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import (
    FINDING_CODES as DOCKER_FINDING_CODES,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

# The socket configuration of the article, as printed (token and url filled in).
ARTICLE_SOCKET = """\
[[runners]]
  name = "docker-socket"
  url = "https://gitlab.example.com"
  token = "glrt-0123456789abcdef"
  executor = "docker"
  [runners.custom_build_dir]
  [runners.cache]
    [runners.cache.s3]
    [runners.cache.gcs]
    [runners.cache.azure]
  [runners.docker]
    tls_verify = false
    image = "docker:edge-git"
    privileged = false
    disable_entrypoint_overwrite = false
    oom_kill_disable = false
    disable_cache = false
    # bind-mount the /builds directory to the host + pass through host Docker socket
    volumes = ["/builds:/builds", "/cache", "/var/run/docker.sock:/var/run/docker.sock"]
    shm_size = 0
"""

# The article's first socket attempt: the socket, but /builds not shared with the host.
BROKEN_SOCKET = ARTICLE_SOCKET.replace('"/builds:/builds", ', "")

DIND_TLS = """\
concurrent = 2
check_interval = 0
log_level = "info"

[session_server]
  session_timeout = 1800

[[runners]]
  name = "docker-dind"
  url = "https://gitlab.example.com"
  token = "glrt-0123456789abcdef"
  token_obtained_at = 2024-01-01T00:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"
  environment = ["DOCKER_TLS_CERTDIR=/certs"]
  [runners.docker]
    tls_verify = false
    image = "docker:24.0.7"
    privileged = true
    volumes = ["/certs/client", "/cache"]
    shm_size = 0
    [[runners.docker.services]]
      name = "docker:24.0.7-dind"
      alias = "docker"
"""

# The article's dind configuration as printed: no TLS volume, no service in config.toml.
ARTICLE_DIND = """\
[[runners]]
  name = "x"
  url = "https://gitlab.example.com"
  token = "glrt-0123456789abcdef"
  executor = "docker"
  [runners.docker]
    tls_verify = false
    image = "docker:edge-git"
    privileged = true
    # no volumes required
    volumes = []
"""


def _codes(found):
    return sorted(f["code"] for f in found)


def _runner(**settings):
    entry = {"name": "r", "url": "https://gitlab.example.com", "token": "glrt-x", "executor": "docker"}
    entry.update(settings)
    return entry


# --- the configurations of the article and of this collection ------------------------------


def test_article_socket_config_is_clean():
    assert findings(ARTICLE_SOCKET) == []
    assert findings(ARTICLE_SOCKET, {"docker-socket": "socket"}) == []


def test_article_first_socket_attempt_does_not_share_builds():
    found = findings(BROKEN_SOCKET)
    assert _codes(found) == ["builds-not-shared"]
    assert found[0]["runner"] == "docker-socket"
    assert found[0]["table"] == "runners.docker"
    assert found[0]["message"].startswith('runner "docker-socket" [runners.docker]: socket mode')


def test_dind_tls_config_is_clean():
    assert findings(DIND_TLS) == []
    assert findings(DIND_TLS, {"docker-dind": "dind"}) == []


def test_article_dind_as_printed_lacks_the_tls_volume():
    found = findings(ARTICLE_DIND, {"x": "dind"})
    assert _codes(found) == ["dind-image-unpinned", "dind-service-missing", "tls-certs-volume-missing"]
    by_code = {f["code"]: f for f in found}
    assert by_code["tls-certs-volume-missing"]["severity"] == "error"
    assert by_code["dind-service-missing"]["severity"] == "warning"
    assert [f["severity"] for f in found] == ["error", "error", "warning"]
    assert all(f["runner"] == "x" and f["table"] == "runners.docker" for f in found)


def test_written_config_reads_back_clean():
    data = loads(DIND_TLS)
    assert findings(dumps(data)) == []


# --- toml-syntax: the parse errors of config_toml_reader.loads() as findings -----------------


@pytest.mark.parametrize(
    "text, line, column, reason",
    [
        ("concurrent = 1\n[[runners]]\n  tls_verify = flase\n", 3, 16, "invalid value"),
        ('[[runners]]\n  name = "a"\n  url = "b" "c"\n', 3, 13, "expected newline or end of document after a statement"),
        ('[runners.docker]\n  image = "docker\\q"\n', 2, 20, "unescaped '\\' in a string"),
        ("[[runners]]\n[runners]\n", 2, 9, "cannot declare ('runners',) twice"),
        ("concurrent = 1\nvolumes = [\"/cache\",\n", 3, 1, "invalid value"),
        ('a = "unterminated', 1, 18, "unterminated string"),
    ],
)
def test_syntax_errors_name_line_and_column(text, line, column, reason):
    with pytest.raises(TomlSyntaxError) as caught:
        loads(text)
    assert (caught.value.line, caught.value.column, caught.value.reason) == (line, column, reason)
    assert isinstance(caught.value, ValueError)
    found = findings(text)
    assert found == [
        {"severity": "error", "code": "toml-syntax", "message": str(caught.value), "runner": None, "table": None,
         "keys": []}
    ]
    assert "line %d, column %d" % (line, column) in found[0]["message"]
    assert "GitLab Runner cannot load it" in found[0]["message"]


def test_non_utf8_bytes_are_a_syntax_finding():
    found = findings(b'name = "caf\xe9"\n')
    assert _codes(found) == ["toml-syntax"]
    assert "not UTF-8" in found[0]["message"] and "line 1, column 12" in found[0]["message"]


def test_valid_toml_has_no_syntax_finding():
    assert "toml-syntax" not in _codes(findings("concurrent = 1\n"))
    assert findings("") == []


@pytest.mark.parametrize("text", [None, 42, {"concurrent": 1}, ["a = 1"]])
def test_text_of_wrong_type_raises(text):
    with pytest.raises(ValueError, match="config.toml content must be a string"):
        findings(text)


# --- unknown-key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, table, fragment",
    [
        ({"runners": [_runner(docker={"tls_verfy": False})]}, "runners.docker", 'unknown key "tls_verfy": did you mean "tls_verify"?'),
        ({"concurent": 2}, "global", 'unknown key "concurent": did you mean "concurrent"?'),
        ({"runners": [_runner(cache={"Type": "s3", "BucketNam": "b"})]}, "runners.cache", 'did you mean "BucketName" in [runners.cache.s3]?'),
        ({"runners": [_runner(tls_verfy=False)]}, "runners", 'did you mean "tls_verify" in [runners.docker]?'),
        ({"runners": [_runner(privileged=True)]}, "runners", "it belongs in [runners.docker] or [runners.kubernetes]."),
        ({"runners": [_runner(docker={"executor": "docker"})]}, "runners.docker", "it belongs in [[runners]]."),
        ({"runners": [_runner(pre_clone_script="echo")]}, "runners", 'dropped it after v16.11.0 and now ignores it silently; use "pre_get_sources_script"'),
        ({"runners": [_runner(dockr={"image": "x"})]}, "runners", 'unknown key "dockr": did you mean "docker"?'),
        ({"zzz": 1}, "global", 'unknown key "zzz": the top level has no such key.'),
        ({"runners": [_runner(docker={"services": [{"name": "a", "qqq": 1}]})]}, "runners.docker.services",
         "[[runners.docker.services]] has no such key."),
    ],
)
def test_unknown_keys_are_errors_with_a_hint(data, table, fragment):
    found = [f for f in check_data(data) if f["code"] == "unknown-key"]
    assert len(found) == 1
    assert found[0]["severity"] == "error"
    assert found[0]["table"] == table
    assert fragment in found[0]["message"]
    if "dropped it" not in fragment and "newer than" not in fragment:
        assert "The runner silently ignores unknown keys" in found[0]["message"]


def _removed_keys():
    return [(section, key, meta) for section, keys in sorted(SCHEMA["_meta"]["removed"].items())
            for key, meta in sorted(keys.items())]


@pytest.mark.parametrize("section, key, meta", _removed_keys())
def test_every_removed_key_of_the_schema_says_what_replaced_it(section, key, meta):
    runner = _runner()
    table = runner.setdefault(section.split(".", 1)[1], {}) if "." in section else runner
    table[key] = "x"
    found = [f for f in check_data({"runners": [runner]}) if f["code"] == "unknown-key"]
    assert len(found) == 1 and found[0]["table"] == section
    assert 'dropped it after %s and now ignores it silently; use "%s"' % (
        meta["last_release"], meta["replaced_by"]) in found[0]["message"]


def test_unknown_key_in_text_names_runner_and_table():
    text = ARTICLE_SOCKET.replace("tls_verify = false", "tls_verfy = false")
    found = findings(text)
    assert found == [
        {
            "severity": "error",
            "code": "unknown-key",
            "message": 'runner "docker-socket" [runners.docker]: unknown key "tls_verfy": did you mean "tls_verify"? '
            "The runner silently ignores unknown keys, so this setting has no effect; fix the name or remove it",
            "runner": "docker-socket",
            "table": "runners.docker",
            "keys": ["runners[0].docker.tls_verfy"],
        }
    ]


def test_key_in_other_letter_case_is_a_warning_and_still_checked():
    entry = _runner(Executor="dockr", docker={"Privileged": "yes"})
    del entry["executor"]
    found = check_data({"runners": [entry]})
    warnings = [f for f in found if f["code"] == "unknown-key"]
    assert [f["severity"] for f in warnings] == ["warning", "warning"]
    assert 'key "Executor" is spelled "executor"' in warnings[0]["message"]
    assert "case-insensitive fallback" in warnings[0]["message"]
    # The respelled keys are still checked.
    assert _codes(f for f in found if f["severity"] == "error") == ["value-invalid", "wrong-type"]


def test_known_keys_are_not_reported():
    data = {"runners": [_runner(docker={"tls_verify": False}, cache={"Type": "s3", "s3": {"BucketName": "b"}})]}
    assert "unknown-key" not in _codes(check_data(data))


def test_free_form_tables_are_not_checked_for_keys():
    data = {"runners": [_runner(feature_flags={"FF_NETWORK_PER_BUILD": True}, docker={"sysctls": {"net.x": "1"}})]}
    assert check_data(data) == []


@pytest.mark.parametrize("section, key, value, message", [
    ("global", "listen_address", ":99999", "has port 99999"),
    ("global", "listen_address", "0.0.0.0:9252\n", "is not host:port"),
    ("global", "listen_address", "localhost:metrics", "is not host:port"),
    ("session_server", "listen_address", "[::]:0", "has port 0"),
    ("feature_flags", "FF_NETWORK_PER_BUILDS", True, 'did you mean "FF_NETWORK_PER_BUILD"'),
    ("cache", "Type", "s4", 'Type = "s4" is not one of s3, gcs, azure'),
    ("docker", "memory", "512", "is 512 bytes \\(a number without a unit is bytes\\)"),
    ("docker", "memory", "4mb", "Docker refuses a memory limit under 6 MB"),
    ("docker", "memory", "lots", "is not a size"),
    ("docker", "service_memory", "1k", "under 6 MB"),
])
def test_runtime_value_rules(section, key, value, message):
    if section == "global":
        data = {key: value}
    elif section == "session_server":
        data = {"session_server": {key: value}}
    elif section == "feature_flags":
        data = {"runners": [_runner(feature_flags={key: value})]}
    else:
        data = {"runners": [_runner(**{section: {key: value}})]}
    errors = [f["message"] for f in check_data(data) if f["severity"] == "error"]
    assert len(errors) == 1 and re.search(message, errors[0]), errors


@pytest.mark.parametrize("data", [
    {"listen_address": ":9252"}, {"listen_address": "0.0.0.0:9252"}, {"listen_address": "[::1]:9252"},
    {"listen_address": "localhost"}, {"session_server": {"listen_address": "[::]:8093"}},
])
def test_runtime_value_rules_accept(data):
    assert [f for f in check_data(data) if f["severity"] == "error"] == []


@pytest.mark.parametrize("value", ["512m", "2g", "1.5G", "512MiB", "8589934592", ".5g", "512 MB", "1e3m", "+6m"])
def test_memory_sizes_accepted(value):
    assert check_data({"runners": [_runner(docker={"memory": value})]}) == []


# --- wrong-type ------------------------------------------------------------------------------

# One good and one bad value for every type word of the schema.
TYPE_CASES = {
    "string": ("text", 1),
    "int": (3, "3"),
    "float": (1.5, "1.5"),
    "bool": (True, "true"),
    "duration-string": ("1h30m", 1.5),
    "datetime": (datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), datetime.date(2024, 1, 1)),
    "list[string]": (["a", "b"], ["a", 1]),
    "list[float]": ([0.5, 1], [0.5, "1"]),
    "list[int]": ([1, 2], [1, 2.5]),
    "list[api.Capability]": (["NET_ADMIN"], "NET_ADMIN"),
    "string-or-list[string]": ("always", 1),
    "map[string]string": ({"a": "b"}, {"a": 1}),
    "map[string]bool": ({"FF_USE_FASTZIP": True}, {"FF_USE_FASTZIP": "true"}),
    "map[string]int": ({"a": 1}, {"a": True}),
    "map[string]list[string]": ({"a": ["/dev/x"]}, {"a": "/dev/x"}),
    "map[string]any": ({"a": [1, {"b": None}]}, ["a"]),
    "int-or-string": (8080, 1.5),
    "table": ({}, "x"),
    "array-of-tables": ([{}], [1]),
}


def _schema_key_for(type_word):
    for section, keys in SCHEMA.items():
        if section == "_meta":
            continue
        for key, word in keys.items():
            # environment lists have a rule of their own on each entry (NAME=value): not a type check.
            if word == type_word and key != "environment":
                return section, key
    raise AssertionError("no key of type %s" % type_word)


def _document_with(section, key, value):
    """A minimal document that puts ``key = value`` in ``section``."""
    table = {key: value}
    parts = section.split(".") if section != "global" else []
    while parts:
        name = parts.pop()
        parent = ".".join(parts) or "global"
        if parent == "global" and name == "runners":
            table = dict(_runner(), **table)
        table = {name: [table] if SCHEMA[parent][name] == "array-of-tables" else table}
    return table


def test_every_schema_type_word_is_covered():
    used = set(word for section, keys in SCHEMA.items() if section != "_meta" for word in keys.values())
    assert used <= set(TYPE_CASES), "add cases for %s" % sorted(used - set(TYPE_CASES))


@pytest.mark.parametrize("type_word", sorted(TYPE_CASES))
def test_wrong_type_per_type_word(type_word):
    if type_word not in set(w for s, k in SCHEMA.items() if s != "_meta" for w in k.values()):
        pytest.skip("type word not used by this schema release")
    good, bad = TYPE_CASES[type_word]
    section, key = _schema_key_for(type_word)
    good_found = [f for f in check_data(_document_with(section, key, good)) if f["code"] in ("wrong-type", "value-invalid")]
    good_found = [f for f in good_found if f["table"] == section]
    assert good_found == []
    bad_found = [f for f in check_data(_document_with(section, key, bad)) if f["code"] == "wrong-type"]
    assert len(bad_found) == 1
    assert bad_found[0]["table"] == section
    assert '"%s" must be %s' % (key, config_toml_findings._type_phrase(type_word)) in bad_found[0]["message"]
    assert "GitLab Runner refuses to load" in bad_found[0]["message"]


def test_wrong_type_runners_as_single_table_suggests_double_brackets():
    found = findings('[runners]\n  name = "a"\n')
    assert _codes(found) == ["wrong-type"]
    assert found[0]["table"] == "global"
    assert "write [[runners]] (double brackets) instead of [runners]" in found[0]["message"]


def test_wrong_type_hides_secret_values():
    found = check_data({"runners": [_runner(token=12345678)]})
    assert _codes(found) == ["wrong-type"]
    assert "12345678" not in found[0]["message"] and "(value hidden)" in found[0]["message"]


def test_wrong_type_shows_other_values():
    found = check_data({"runners": [_runner(docker={"privileged": "yes"})]})
    assert _codes(found) == ["wrong-type"]
    assert 'got a string "yes"' in found[0]["message"]


def test_ints_are_acceptable_floats_and_bools_are_not_ints():
    assert check_data({"runners": [_runner(autoscaler={"policy": [{"scale_factor": 2}]})]}) == []
    found = check_data({"concurrent": True})
    assert _codes(found) == ["wrong-type"]


def test_table_of_wrong_type_is_not_descended():
    found = check_data({"runners": [_runner(docker=["image"])]})
    assert _codes(found) == ["wrong-type"]
    assert found[0]["table"] == "runners"


# --- value-invalid ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, severity, fragment",
    [
        ({"concurrent": 0}, "error", "concurrent = 0: GitLab Runner then runs no jobs at all"),
        ({"concurrent": -1}, "error", "concurrent = -1"),
        ({"log_level": "infoo"}, "error", 'log_level = "infoo" is not one of panic, fatal, error, warn, warning, info, debug, trace (did you mean "info"?)'),
        ({"log_format": "yaml"}, "error", 'log_format = "yaml" is not one of runner, text, json'),
        ({"runners": [_runner(executor="dockr")]}, "error", 'executor = "dockr" is not one of shell, custom'),
        ({"runners": [_runner(executor="")]}, "error", "executor is empty"),
        ({"runners": [_runner(shell="zsh")]}, "error", 'shell = "zsh" is not one of bash, sh, pwsh, powershell'),
        ({"runners": [_runner(shell="cmd")]}, "error", 'shell = "cmd" is not one of bash, sh, pwsh, powershell'),
        ({"runners": [_runner(docker={"pull_policy": "if_not_present"})]}, "error", 'pull_policy has "if_not_present"'),
        ({"runners": [_runner(docker={"pull_policy": ["always", "sometimes"]})]}, "error", 'pull_policy has "sometimes"'),
        ({"runners": [_runner(docker={"allowed_pull_policies": ["newer"]})]}, "error", 'allowed_pull_policies has "newer"'),
        ({"runners": [_runner(executor="kubernetes", kubernetes={"pull_policy": "Always"})]}, "error", 'pull_policy has "Always"'),
        ({"connection_max_age": "15"}, "error", '"connection_max_age" = "15" is no Go duration'),
        ({"connection_max_age": "1 h"}, "error", "is no Go duration"),
        ({"connection_max_age": ""}, "error", "is no Go duration"),
        ({"connection_max_age": "1d"}, "error", "is no Go duration"),
        ({"connection_max_age": 900}, "warning", '"connection_max_age" = 900 is an integer, which GitLab Runner reads as 900 nanoseconds'),
        ({"runners": [_runner(token_expires_at="2024-01-01")]}, "error", "is no RFC 3339 date-time"),
        ({"runners": [_runner(environment=["A=1", "NOEQUALS"])]}, "error", 'environment[1] "NOEQUALS" has no "="'),
        ({"runners": [_runner(docker={"services": [{"name": "a", "environment": ["=x"]}]})]}, "error", "empty variable name"),
        ({"runners": [_runner(docker={"services": [{"alias": "docker"}]})]}, "error", 'the service has no "name"'),
        ({"runners": [_runner(builds_dir="builds")]}, "error", 'builds_dir = "builds" is not an absolute path'),
        # The daemon reads ExtraHosts as NAME:ADDRESS only (opts.ValidateExtraHost): the CLI's = and [ipv6] forms fail.
        ({"runners": [_runner(docker={"extra_hosts": ["gitlab.internal=10.0.0.5"]})]}, "error",
         'extra_hosts[0] is "gitlab.internal=10.0.0.5", not NAME:ADDRESS: Docker refuses it (bad format for add-host)'),
        ({"runners": [_runner(docker={"extra_hosts": ["a:10.0.0.5", "gitlab:[fd00::5]"]})]}, "error",
         'extra_hosts[1] is "gitlab:[fd00::5]": "[fd00::5]" is not an IP address as Docker reads it'),
        ({"runners": [_runner(docker={"extra_hosts": ["gitlab:gitlab.example.com"]})]}, "error",
         "Docker refuses every job container (and service) with it; write NAME:ADDRESS"),
        # common/config.go GetUlimits: SOFT[:HARD] whole numbers; runc knows the RLIMIT_ names only.
        ({"runners": [_runner(docker={"ulimit": {"nofile": "1k:2k"}})]}, "error",
         'ulimit "nofile" = "1k:2k" is not SOFT or SOFT:HARD in whole numbers: GitLab Runner fails every job'),
        ({"runners": [_runner(docker={"ulimit": {"nofiles": "1024"}})]}, "error",
         'ulimit "nofiles" is not a ulimit Docker knows'),
        ({"runners": [_runner(docker={"ulimit": {"nproc": "4096:1024"}})]}, "error",
         "has a soft limit above the hard one"),
        # parseDeviceString: HOST[:CONTAINER[:PERMISSIONS]], no more.
        ({"runners": [_runner(docker={"devices": ["/dev/kvm", "/dev/a:/dev/a:rwm:x"]})]}, "error",
         'devices[1] is "/dev/a:/dev/a:rwm:x", with more than HOST:CONTAINER:PERMISSIONS'),
        ({"runners": [_runner(docker={"services_devices": {"docker:*": ["/dev/a:/a:r:w"]}})]}, "error",
         'services_devices "docker:*" is "/dev/a:/a:r:w"'),
        # computeNanoCPUs (big.Rat) and GetLogConfig (env and labels only) fail every job otherwise.
        ({"runners": [_runner(docker={"cpus": "1,5"})]}, "error",
         'cpus = "1,5" is not a number GitLab Runner reads (failed to parse it as a rational number)'),
        ({"runners": [_runner(docker={"service_cpus": "-2"})]}, "error", 'service_cpus = "-2" is negative'),
        ({"runners": [_runner(docker={"log_options": {"max-size": "10m", "env": "A"}})]}, "error",
         'log_options has "max-size": GitLab Runner takes only env and labels'),
        # The host's cgroup driver decides: systemd (the default with cgroup v2) wants a slice.
        ({"runners": [_runner(docker={"cgroup_parent": "/ci"})]}, "warning",
         'cgroup_parent is "/ci", not a systemd slice'),
        ({"runners": [_runner(docker={"service_cgroup_parent": "ci"})]}, "warning",
         "at container create, so every job fails to start, unless the host's daemon.json sets exec-opts "
         "native.cgroupdriver=cgroupfs"),
    ],
)
def test_invalid_values(data, severity, fragment):
    found = [f for f in check_data(data) if f["code"] == "value-invalid"]
    assert [f["severity"] for f in found] == [severity]
    assert fragment in found[0]["message"]


@pytest.mark.parametrize(
    "data",
    [
        {"concurrent": 1},
        {"log_level": "warning"},
        {"log_level": "DEBUG"},
        {"log_format": "json"},
        {"connection_max_age": "15m0s"},
        {"connection_max_age": "1.5h"},
        {"connection_max_age": "-30s"},
        {"connection_max_age": ".5s"},
        {"connection_max_age": "0"},
        {"connection_max_age": "300ms"},
        {"connection_max_age": "1\u00b5s"},
        {"connection_max_age": 0},
        {"runners": [_runner(shell="bash", environment=["A=1", "EMPTY="])]},
        {"runners": [_runner(shell="")]},
        {"runners": [_runner(token_expires_at="2024-01-01T00:00:00+01:00", token_obtained_at="2024-01-01T00:00:00.5Z")]},
        {"runners": [_runner(docker={"pull_policy": ["if-not-present", "always"], "allowed_pull_policies": ["never"]})]},
        {"runners": [_runner(executor=executor)] for executor in ("shell", "docker+machine", "docker-autoscaler")},
        {"runners": [_runner(builds_dir="/srv/builds", docker={"volumes": ["/srv/builds:/srv/builds"]})]},
        {"runners": [_runner(executor="shell", builds_dir="relative/ok/for/shell")]},
        {"runners": [_runner(docker={"cgroup_parent": "ci-jobs.slice", "service_cgroup_parent": ""})]},
        {"runners": [_runner(docker={"ulimit": {"nofile": "1024:2048", "NPROC": "4096", "core": "-1"}})]},
        {"runners": [_runner(docker={"cpus": "1.5", "service_cpus": "3/2", "log_options": {"env": "A", "labels": "b"}})]},
        {"runners": [_runner(docker={"devices": ["/dev/kvm", "/dev/fuse:/dev/fuse", "/dev/net/tun:/dev/net/tun:rwm"]})]},
        {"runners": [_runner(docker={"extra_hosts": ["gitlab.internal:10.0.0.5", "v6:fd00::5",
                                                     "host.docker.internal:host-gateway"]})]},
    ],
)
def test_valid_values(data):
    assert [f for f in check_data(data) if f["code"] in ("value-invalid", "wrong-type")] == []


@pytest.mark.parametrize("key", ["name", "url", "executor"])
def test_runner_needs_name_url_and_executor(key):
    entry = _runner()
    del entry[key]
    found = check_data({"runners": [entry]})
    assert _codes(found) == ["value-invalid"]
    assert '"%s" is missing' % key in found[0]["message"]
    entry[key] = "" if key != "executor" else "shell"
    if key != "executor":
        found = check_data({"runners": [entry]})
        assert '"%s" is empty' % key in found[0]["message"]


def test_runner_without_name_is_labelled_by_position():
    found = check_data({"runners": [_runner(), {"url": "u", "executor": "shell"}]})
    assert found[0]["runner"] is None
    assert found[0]["message"].startswith("runner #2 (no name) [[runners]]: ")


def test_duplicate_runner_names():
    found = check_data({"runners": [_runner(), _runner(executor="shell"), _runner(name="other")]})
    assert _codes(found) == ["value-invalid"]
    assert 'another [[runners]] entry (#1) has the same name "r"' in found[0]["message"]
    assert check_data({"runners": [_runner(), _runner(name="other")]}) == []


# --- Docker checks per runner ----------------------------------------------------------------


def test_socket_mode_is_inferred_from_the_socket_bind():
    docker = {"volumes": ["/var/run/docker.sock:/var/run/docker.sock"]}
    assert _codes(check_data({"runners": [_runner(docker=docker)]})) == ["builds-not-shared"]
    docker = {"volumes": ["/run:/host-run"]}
    assert _codes(check_data({"runners": [_runner(docker=docker)]})) == ["builds-not-shared", "socket-missing"]


@pytest.mark.parametrize(
    "docker",
    [
        {"privileged": True, "volumes": ["/cache"]},
        {"services_privileged": True, "volumes": ["/cache"]},
        {"volumes": ["/cache"], "services": [{"name": "registry.example.com/docker:24.0.7-dind"}]},
        {"volumes": ["/cache"], "services": [{"name": "my/daemon:1", "alias": "docker"}]},
    ],
)
def test_dind_mode_is_inferred(docker):
    assert "tls-certs-volume-missing" in _codes(check_data({"runners": [_runner(docker=docker)]}))


def test_without_a_mode_only_volume_checks_run():
    docker = {"image": "alpine:3", "volumes": ["/cache", "/cache", "relative:/x:zz"]}
    found = check_data({"runners": [_runner(docker=docker)]})
    assert _codes(found) == ["volume-duplicate-target", "volume-invalid"]
    assert check_data({"runners": [_runner(docker={"image": "alpine:3", "volumes": ["/cache"]})]}) == []


def test_explicit_mode_wins_over_inference():
    found = check_data({"runners": [_runner(docker={"privileged": True, "volumes": ["/cache"]})]}, {"r": "socket"})
    assert _codes(found) == ["builds-not-shared", "privileged-with-socket", "socket-missing"]


def test_null_mode_means_infer():
    assert findings(ARTICLE_DIND, {"x": None}) == findings(ARTICLE_DIND)


def test_privileged_alone_is_only_a_guess_of_dind():
    """The article's dind runner declares no service (its jobs do): dind problems are warnings that say why."""
    guessed = findings(ARTICLE_DIND)
    assert guessed and all(f["severity"] == "warning" for f in guessed)
    assert all("dind mode inferred from privileged = true alone" in f["message"] for f in guessed)
    given = findings(ARTICLE_DIND, {"x": "dind"})
    assert _codes(given) == _codes(guessed) and [f for f in given if f["severity"] == "error"]


def test_a_dind_service_is_certain():
    docker = {"privileged": True, "volumes": ["/cache"], "services": [{"name": "docker:27.5.1-dind"}]}
    found = check_data({"runners": [_runner(docker=docker)]})
    errors = [f for f in found if f["code"] == "tls-certs-volume-missing"]
    assert errors[0]["severity"] == "error"
    assert "(dind mode inferred from the dind service docker:27.5.1-dind)" in errors[0]["message"]


def test_empty_builds_dir_means_the_default():
    entry = _runner(builds_dir="", docker={"image": "alpine:3", "volumes": ["/cache"]})
    assert check_data({"runners": [entry]}) == []


def test_a_runner_without_a_name_is_only_a_warning():
    entry = {"url": "https://gitlab.example.com", "token": "glrt-x", "executor": "docker"}
    found = check_data({"runners": [entry]})
    assert [f["severity"] for f in found] == ["warning"] and '"name" is missing' in found[0]["message"]


def test_unknown_mode_is_a_finding():
    found = findings(ARTICLE_SOCKET, {"docker-socket": "sockett"})
    assert _codes(found) == ["mode-invalid"]
    assert found[0]["runner"] == "docker-socket"


def test_builds_dir_of_the_runner_is_used():
    text = ARTICLE_SOCKET.replace('executor = "docker"', 'executor = "docker"\n  builds_dir = "/srv/builds"')
    found = findings(text)
    assert _codes(found) == ["builds-not-shared"]
    assert "builds_dir /srv/builds" in found[0]["message"]


def test_runner_environment_reaches_the_dind_checks():
    text = DIND_TLS.replace('"DOCKER_TLS_CERTDIR=/certs"', '"DOCKER_TLS_CERTDIR="').replace('"/certs/client", ', "")
    assert _codes(findings(text)) == ["dind-without-tls"]


def test_docker_checks_cover_each_runner_separately():
    data = loads(DIND_TLS)
    data["runners"].append(loads(BROKEN_SOCKET)["runners"][0])
    found = check_data(data)
    assert [(f["runner"], f["code"]) for f in found] == [("docker-socket", "builds-not-shared")]


def test_docker_checks_skip_runners_with_wrong_types():
    data = {"runners": [_runner(docker={"privileged": "yes", "volumes": "/cache"})]}
    assert _codes(check_data(data)) == ["wrong-type", "wrong-type"]


def test_docker_checks_skip_other_executors():
    data = {"runners": [_runner(executor="shell", docker={"volumes": ["/var/run/docker.sock:/var/run/docker.sock"]})]}
    assert check_data(data) == []


def test_mode_for_a_non_docker_runner_is_a_warning():
    found = check_data({"runners": [_runner(executor="shell")]}, {"r": "socket"})
    assert _codes(found) == ["value-invalid"]
    assert found[0]["severity"] == "warning"
    assert "executor \"shell\" does not run Docker job containers" in found[0]["message"]


def test_mode_for_an_unknown_runner_is_a_warning():
    found = findings(ARTICLE_SOCKET, {"docker-sock": "socket"})
    assert _codes(found) == ["value-invalid"]
    assert found[0]["severity"] == "warning"
    assert found[0]["runner"] == "docker-sock"
    assert 'has no [[runners]] entry with that name (it has "docker-socket")' in found[0]["message"]
    assert _codes(check_data({}, {"a": "dind"})) == ["value-invalid"]


@pytest.mark.parametrize(
    "modes, message",
    [
        (["socket"], "modes must be a dict of runner name"),
        ("socket", "modes must be a dict of runner name"),
        ({1: "socket"}, "modes keys must be runner names"),
        ({"r": 1}, 'modes\\["r"\\] must be "socket", "dind" or null'),
    ],
)
def test_modes_of_wrong_type_raise(modes, message):
    with pytest.raises(ValueError, match=message):
        findings(ARTICLE_SOCKET, modes)


def test_data_of_wrong_type_raises():
    with pytest.raises(ValueError, match="config.toml data must be a dict"):
        check_data([{"concurrent": 1}])


# --- codes -----------------------------------------------------------------------------------


def test_finding_codes():
    assert sorted(FINDING_CODES) == ["toml-syntax", "unknown-key", "value-invalid", "value-meaning", "wrong-type"]
    assert set(ALL_FINDING_CODES) == set(FINDING_CODES) | set(DOCKER_FINDING_CODES)
    for severity, description in ALL_FINDING_CODES.values():
        assert severity in ("error", "warning") and description.endswith(".")


def test_findings_have_the_documented_shape():
    found = findings(BROKEN_SOCKET.replace("concurrent", "x") + "\nconcurent = 1\n")
    assert found
    for finding in found:
        assert set(finding) == {"severity", "code", "message", "runner", "table", "keys"}
        assert finding["code"] in ALL_FINDING_CODES
        assert finding["table"] in SCHEMA


def test_docker_check_errors_become_findings(monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("[runners.docker] something unexpected")

    monkeypatch.setattr(config_toml_findings.docker_modes, "findings", refuse)
    found = findings(ARTICLE_SOCKET)
    assert found == [
        {
            "severity": "error",
            "code": "value-invalid",
            "message": 'runner "docker-socket" [runners.docker]: [runners.docker] something unexpected',
            "runner": "docker-socket",
            "table": "runners.docker",
            "keys": [],
        }
    ]


def test_exact_key_wins_over_case_variant():
    entry = _runner(docker={"Privileged": True, "privileged": False, "volumes": ["/cache"]})
    found = check_data({"runners": [entry]})
    # privileged = false is the one read: no dind mode inferred, so no dind findings.
    assert _codes(found) == ["unknown-key"]


def test_service_keys_in_other_case_reach_the_dind_checks():
    text = DIND_TLS.replace('name = "docker:24.0.7-dind"', 'Name = "docker:24.0.7-dind"')
    assert _codes(findings(text)) == ["unknown-key"]


@pytest.mark.parametrize("url, ok", [("https://gitlab.example.com/", True), ("http://gitlab:8929", True),
                                     ("gitlab.example.com", False), ("https://user:pw@gitlab", False)])
def test_runner_url_is_checked(url, ok):
    errors = [f for f in check_data({"runners": [_runner(url=url)]}) if f["severity"] == "error"]
    assert (errors == []) is ok, errors
    assert all("pw@" not in f["message"] for f in errors)


# --- the keys a finding is about ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, code, keys", [
    ({"concurrent": 0}, "value-invalid", ["concurrent"]),
    ({"concurent": 1}, "unknown-key", ["concurent"]),
    ({"session_server": {"listen_address": ":70000"}}, "value-invalid", ["session_server.listen_address"]),
    ({"runners": [_runner(), _runner(name="s", limitt=1)]}, "unknown-key", ["runners[1].limitt"]),
    ({"runners": [_runner(cache={"Type": "minio"})]}, "value-invalid", ["runners[0].cache.Type"]),
    ({"runners": [_runner(environment=["A=b", "NOEQUALS"])]}, "value-invalid", ["runners[0].environment[1]"]),
    ({"runners": [_runner(builds_dir="builds")]}, "value-invalid", ["runners[0].builds_dir"]),
    ({"runners": [_runner(url="")]}, "value-invalid", ["runners[0].url"]),
    ({"runners": [_runner(docker={"services": [{"name": "postgres:16"}, {"alias": "db"}]})]}, "value-invalid",
     ["runners[0].docker.services[1].name"]),
    ({"runners": [_runner(docker={"privileged": "yes"})]}, "wrong-type", ["runners[0].docker.privileged"]),
    ({"runners": [_runner(docker={"volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/cache", "x:/y:z:w"]})]},
     "volume-invalid", ["runners[0].docker.volumes[2]"]),
    # Services: their place in config.toml, past one without a name (which the Docker checks leave out).
    ({"runners": [_runner(docker={"image": "docker:24.0.7", "privileged": True, "volumes": ["/certs/client"],
                                  "services": [{"alias": "x"}, {"name": "docker:27.5.1-dind", "alias": "docker"}]})]},
     "dind-version-mismatch", ["runners[0].docker.image", "runners[0].docker.services[1].name"]),
    # A job variable: the environment entry that sets it, the last of several.
    ({"runners": [_runner(environment=["DOCKER_HOST=tcp://docker:2376", "DOCKER_HOST=tcp://docker:2375"],
                          docker={"image": "docker:27.5.1", "privileged": True, "volumes": ["/certs/client"],
                                  "services": [{"name": "docker:27.5.1-dind", "alias": "docker"}]})]},
     "dind-host-mismatch", ["runners[0].environment[1]"]),
])
def test_findings_name_the_keys_they_are_about(data, code, keys):
    assert [f["keys"] for f in check_data(data) if f["code"] == code] == [keys]


@pytest.mark.parametrize("message, runner, text", [
    ('runner "a" [runners.docker]: socket mode...', "a", "socket mode..."),
    ('runner "a.b" [[runners.docker.services]] #2: the service...', "a.b", "the service..."),
    ("runner #2 (no name) [[runners]]: \"name\" is missing", None, '"name" is missing'),
    ("top level: concurrent = 0: no jobs", None, "concurrent = 0: no jobs"),
    ("[session_server]: unknown key", None, "unknown key"),
    ('runner "a" [runners.docker]: x', "b", 'runner "a" [runners.docker]: x'),
    ("config.toml is not valid TOML: at line 1", None, "config.toml is not valid TOML: at line 1"),
])
def test_without_location(message, runner, text):
    assert config_toml_findings.without_location({"message": message, "runner": runner}) == text


# --- values the runner refuses, and values it gives a meaning (config_toml_meanings) --------------------------------

@pytest.mark.parametrize("docker, codes, text", [
    ({"pull_policy": ""}, ["value-invalid"], 'pull_policy has ""'),
    ({"pull_policy": ["always", ""]}, ["value-invalid"], 'pull_policy has ""'),
    ({"allowed_pull_policies": [""]}, ["value-invalid"], 'allowed_pull_policies has ""'),
    ({"pull_policy": []}, [], None),
    ({"memory_swap": "-1"}, ["value-invalid"], 'memory_swap = "-1" is not a size: the runner stops'),
    ({"service_memory_swap": "lots"}, ["value-invalid"], "is not a size"),
    ({"memory_swap": "1g"}, [], None),
    ({"memory": "0"}, [], None),
    ({"services_limit": 0, "services": [{"name": "postgres:16", "alias": "db"}]},
     ["value-invalid", "value-meaning"], "services_limit = 0, but [[runners.docker.services]] gives every job 1 service"),
    ({"services_limit": 1, "services": [{"name": "postgres:16"}, {"name": "redis:7"}]}, ["value-invalid"],
     "raise services_limit to at least 2"),
    ({"services_limit": 2, "services": [{"name": "postgres:16"}, {"name": "redis:7"}]}, [], None),
    ({"services_limit": -1, "services": [{"name": "postgres:16"}]}, [], None),
])
def test_docker_values_refused_or_meant(docker, codes, text):
    found = check_data({"runners": [_runner(docker=dict({"image": "alpine:3"}, **docker))]})
    assert _codes(found) == codes
    if text:
        assert any(text in f["message"] for f in found), found


def test_an_empty_kubernetes_pull_policy_is_the_clusters_default():
    entry = _runner(executor="kubernetes", kubernetes={"pull_policy": ""})
    assert check_data({"runners": [entry]}) == []


@pytest.mark.parametrize("settings, codes", [
    ({"output_limit": -1}, ["value-invalid"]), ({"output_limit": 0}, ["value-meaning"]), ({"output_limit": 8192}, []),
    ({"limit": 0}, ["value-meaning"]), ({"limit": 2}, []), ({"request_concurrency": -1}, ["value-meaning"]),
])
def test_runner_values_refused_or_meant(settings, codes):
    assert _codes(check_data({"runners": [_runner(executor="shell", **settings)]})) == codes


def test_a_meaning_says_what_happens_where_and_what_to_write():
    found = check_data({"runners": [_runner(executor="shell", limit=0)]})
    assert found == [{
        "severity": "warning", "code": "value-meaning", "runner": "r", "table": "runners", "keys": ["runners[0].limit"],
        "message": 'runner "r" [[runners]]: limit = 0 means no limit of its own: this runner takes jobs until '
                   "concurrent is reached (commands/builds_helper.go acquireBuild); if that is not "
                   "what you meant, write 1 or more to cap this runner's jobs; to stop it taking jobs, pause it at "
                   "GitLab"}]


@pytest.mark.parametrize("runner_types, expected", [
    (None, ["pull-policy-shared"]), ({"docker-dind": "instance_type"}, ["pull-policy-shared"]),
    ({"docker-dind": "group_type"}, ["pull-policy-shared"]), ({"docker-dind": "project_type"}, []),
    ({"other": "project_type"}, ["pull-policy-shared"]),
])
def test_runner_types_reach_the_pull_policy_check(runner_types, expected):
    text = DIND_TLS.replace("  [runners.docker]\n", '  [runners.docker]\n    pull_policy = "if-not-present"\n', 1)
    found = findings(text, runner_types=runner_types)
    assert [f["code"] for f in found if f["code"] == "pull-policy-shared"] == expected


@pytest.mark.parametrize("runner_types", [["r"], "instance_type"])
def test_runner_types_must_be_a_dict(runner_types):
    with pytest.raises(ValueError, match="runner_types must be a dict"):
        findings(ARTICLE_SOCKET, runner_types=runner_types)


# -- rules row by row --------------------------------------------------------------------------------------------------

def _entry_of(**changes):
    entry = {"name": "a", "url": "https://gitlab.example.com", "token": "glrt-0123456789abcdef", "executor": "docker",
             "docker": {"image": "docker:27.5.1", "volumes": ["/cache"]}}
    entry.update(changes)
    return entry


def _found(data, **options):
    return [(finding["severity"], finding["code"], finding["message"]) for finding in check_data(data, **options)]


def test_feature_flags_are_gitlab_runners():
    """Every flag helpers/featureflags/flags.go declares, and no other (read from the runner's module, or skipped)."""
    source = runner_module.module_dir("GitLab Runner's feature flags") / "helpers" / "featureflags" / "flags.go"
    declared = set(re.findall(r'string\s*=\s*"(FF_[A-Z0-9_]+)"', source.read_text(encoding="utf-8")))
    assert declared and set(config_toml_findings.FEATURE_FLAGS) == declared


@pytest.mark.parametrize("executor", ["shell", "custom", "instance", "docker", "docker-windows", "docker-autoscaler",
                                      "docker+machine", "kubernetes", "ssh", "parallels", "virtualbox"])
def test_every_executor_of_gitlab_entry_of(executor):
    assert not [f for f in _found({"runners": [_entry_of(executor=executor)]}) if "executor" in f[2]]


@pytest.mark.parametrize("key, value, phrase", [
    ("concurrent", "4", "an integer"), ("log_level", 5, "a string"), ("check_interval", "3", "an integer"),
    ("shutdown_timeout", "30", "an integer"),
])
def test_a_wrong_type_names_the_type_wanted(key, value, phrase):
    (_severity, code, message), = _found({key: value})
    assert code == "wrong-type" and message.startswith('top level: "%s" must be %s, got ' % (key, phrase))


@pytest.mark.parametrize("docker, phrase", [
    ({"volumes": 5}, "an array of strings"), ({"cpus": 1}, "a string"), ({"memory": 512}, "a string"),
])
def test_a_wrong_type_in_the_docker_table_names_the_type_wanted(docker, phrase):
    messages = [m for _s, code, m in _found({"runners": [_entry_of(docker=dict(docker, image="docker:27.5.1"))]})
                if code == "wrong-type"]
    assert len(messages) == 1 and (" must be %s, got " % phrase) in messages[0]


def test_runners_as_a_single_table_says_what_is_wrong_and_the_fix():
    (_severity, code, message), = [f for f in _found({"runners": _entry_of()}) if f[1] == "wrong-type"]
    assert message.startswith('top level: "runners" must be an array of tables, got a table ')
    assert message.endswith("; write [[runners]] (double brackets) instead of [runners]")


@pytest.mark.parametrize("data, fragment", [
    ({"log_format": "JSON"}, 'top level: log_format = "JSON" is not one of runner, text, json: GitLab Runner rejects '
                             "it; use one of those"),
    ({"log_format": "jsn"}, 'top level: log_format = "jsn" is not one of runner, text, json (did you mean "json"?): '
                            "GitLab Runner rejects it; use one of those"),
    ({"log_level": "INFO"}, None),
    ({"log_level": "verbose"}, 'top level: log_level = "verbose" is not one of panic, fatal, error, warn, warning, info, debug, '
                               "trace: GitLab Runner rejects it; use one of those"),
])
def test_choices_and_their_case(data, fragment):
    messages = [m for _s, _c, m in _found(data)]
    assert messages == ([fragment] if fragment else [])


@pytest.mark.parametrize("address, ok", [
    (":9252", True), (":1", True), (":65535", True), (":0", False), (":65536", False), ("[::1]", True),
    ("[::1]:9252", True), ("::1", False), ("localhost", True), ("0.0.0.0:9252", True),
])
def test_listen_addresses(address, ok):
    assert (config_toml_findings.listen_address_problem("listen_address", address) is None) is ok


@pytest.mark.parametrize("table, key", [("session_server", "listen_address"), ("session_server", "advertise_address"),
                                        (None, "listen_address")])
def test_every_listen_address_is_checked(table, key):
    data = {table: {key: ":0x"}} if table else {key: ":0x"}
    messages = [m for _s, _c, m in _found(data)]
    assert len(messages) == 1 and ('%s = ":0x" is not host:port' % key) in messages[0]


@pytest.mark.parametrize("key, value, ok", [
    ("memory", "6m", True), ("memory", "6291456", True), ("memory", "6291455", False), ("memory", "5.9m", False),
    ("service_memory", "6291455", False), ("memory_reservation", "1", True), ("service_memory_reservation", "x", False),
    ("memory_swap", "x", False), ("service_memory_swap", "1g", True),
    # go-units v0.5.0 RAMInBytes: no Kubernetes units, no space before the number, one decimal point.
    ("memory", "512Mi", False), ("memory", "2Gi", False), ("service_memory", "1Ki", False), ("memory", " 512m", False),
    ("memory", "1.5.5g", False), ("memory", "512kbb", False), ("memory", "512mab", False),
])
def test_memory_sizes(key, value, ok):
    messages = [m for _s, _c, m in _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", key: value})]})
                if key in m]
    assert (messages == []) is ok


def test_a_negative_memory_names_what_docker_means_by_it():
    message, = [m for _s, _c, m in _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "memory": "-1"})]})
                if "memory" in m]
    assert message.endswith(', or leave it out for no limit (Docker\'s "-1" is not read here)')
    message, = [m for _s, _c, m in _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "memory": "x"})]})
                if "memory" in m]
    assert message.endswith('write a number with a unit, e.g. "512m" or "2g"')


def test_a_kubernetes_memory_unit_is_named_as_such():
    message, = [m for _s, _c, m in _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "memory": "512Mi"})]})
                if "memory" in m]
    assert 'memory = "512Mi" is not a size: the runner stops (a fatal error)' in message
    assert 'Kubernetes\' spelling, such as "Mi", is not read: write "512m" or "512MiB"' in message


@pytest.mark.parametrize("size, expected", [
    ("512m", 512 << 20), ("2g", 2 << 30), ("1.5GiB", 3 << 29), ("512 MB", 512 << 20), ("512 ", 512), (".5k", 512),
    ("0", 0), ("512Mi", None), (" 512m", None), ("-1", None), ("1.5.5g", None), ("", None), ("m", None),
])
def test_ram_in_bytes_reads_sizes_as_go_units_does(size, expected):
    assert config_toml_findings.ram_in_bytes(size) == expected


@pytest.mark.parametrize("limit, ok", [(0, True), (4096, True), (-1, False)])
def test_output_limit(limit, ok):
    assert (not [m for _s, _c, m in _found({"runners": [_entry_of(output_limit=limit)]})
                 if "output_limit = %d: the runner cuts every job log" % limit in m]) is ok


@pytest.mark.parametrize("key", ["name", "url", "executor"])
def test_the_severity_of_a_missing_runner_key(key):
    entry = _entry_of()
    del entry[key]
    severities = [s for s, _c, m in _found({"runners": [entry]}) if '"%s"' % key in m or key in m.split(":")[0]]
    assert severities and set(severities) == {"warning" if key == "name" else "error"}


def test_a_mode_for_a_runner_config_toml_lacks():
    (severity, code, message), = _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "volumes": [
        "/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"]})]}, modes={"b": "socket", "a": None})
    assert (severity, code) == ("warning", "value-invalid")
    assert 'modes names runner "b", but config.toml has no [[runners]] entry with that name (it has "a")' in message
    (_severity, _code, message), = _found({}, modes={"b": "socket"})
    assert "(it has none)" in message


def test_a_sensitive_host_path_is_reported_without_a_mode():
    docker = {"image": "docker:27.5.1", "volumes": ["/etc:/host-etc"]}
    codes = [c for _s, c, _m in _found({"runners": [_entry_of(docker=docker)]})]
    assert "sensitive-host-path" in codes


@pytest.mark.parametrize("docker", [{"allowed_privileged_services": "docker:*-dind"}, {"privileged": "true"},
                                    {"volumes": "/cache"}])
def test_docker_checks_wait_for_values_of_the_right_type(docker):
    codes = [c for _s, c, _m in _found({"runners": [_entry_of(docker=dict(docker, image="docker:27.5.1"))]},
                                       modes={"a": "dind"})]
    assert codes == ["wrong-type"]


def test_the_runner_client_finding_names_the_hosts_engine():
    (_severity, code, message), = _found({}, runner_version="16.11.0", docker_engine="29.1.3")
    assert code == "docker-api-incompatible" and "the host's" in message and "gitlab-runner" in message


@pytest.mark.parametrize("entry, overview", [
    ({"name": 5, "url": "https://u:pw@gitlab.example.com", "executor": "docker",
      "docker": {"privileged": True, "volumes": ["/var/run/docker.sock:/var/run/docker.sock"]}},
     {"name": "#1", "url": "https://u:********@gitlab.example.com", "executor": "docker", "mode": "socket",
      "privileged": True, "docker_socket": ["/var/run/docker.sock:/var/run/docker.sock"]}),
    ({"name": "", "executor": "docker", "docker": {"privileged": False, "services_privileged": False}},
     {"name": "#1", "url": None, "executor": "docker", "mode": None, "privileged": False, "docker_socket": []}),
    ({"name": "d", "executor": "docker",
      "docker": {"services_privileged": True, "services": [{"name": "docker:27.5.1-dind"}]}},
     {"name": "d", "url": None, "executor": "docker", "mode": "dind", "privileged": True, "docker_socket": []}),
])
def test_runners_overview(entry, overview):
    (found,) = config_toml_findings.runners_overview(dumps({"runners": [entry]}))
    assert dict((key, found[key]) for key in overview) == overview


@pytest.mark.parametrize("data, where, phrase", [
    ({"session_server": "x"}, 'top level: "session_server"', "a table"),
    ({"runners": [_entry_of(machine={"IdleScaleFactor": "x"})]}, '"IdleScaleFactor"', "a number"),
    ({"runners": [_entry_of(executor="kubernetes", kubernetes={"build_container_security_context": {
        "capabilities": {"add": 5}}})]}, '"add"', "an array of strings"),
    ({"runners": [_entry_of(docker={"image": "docker:27.5.1", "sysctls": 5})]}, '"sysctls"', "a table of strings"),
])
def test_wrong_types_name_the_toml_type_wanted(data, where, phrase):
    messages = [m for _s, code, m in _found(data) if code == "wrong-type"]
    assert len(messages) == 1 and ("%s must be %s, got " % (where, phrase)) in messages[0]


@pytest.mark.parametrize("services, label", [
    ([{"name": "docker:27.5.1-dind", "bogus": 1}], "[[runners.docker.services]]:"),
    ([{"name": "redis:7"}, {"name": "docker:27.5.1-dind", "bogus": 1}], "[[runners.docker.services]] #2:"),
])
def test_a_service_is_named_by_its_number_only_among_several(services, label):
    messages = [m for _s, _c, m in _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "services": services})]})
                if '"bogus"' in m]
    assert len(messages) == 1 and label in messages[0]


def test_runners_overview_of_docker_values_of_the_wrong_type():
    (found,) = config_toml_findings.runners_overview(dumps({"runners": [
        {"name": "a", "executor": "docker", "docker": {"volumes": 5, "privileged": "yes"}}]}))
    assert (found["mode"], found["mode_reason"]) == (None, None)


def test_duplicate_runner_names_are_a_warning():
    found = _found({"runners": [_entry_of(), _entry_of()]})
    assert [(s, c) for s, c, m in found if "has the same name" in m] == [("warning", "value-invalid")]


def test_the_runner_client_finding_names_the_hosts_engine_as_such():
    (_severity, _code, message), = _found({}, runner_version="16.11.0", docker_engine="29.1.3")
    assert "Docker Engine 29.1.3 (the host's) accepts API 1.44" in message


def test_a_mode_independent_finding_does_not_say_the_mode_was_inferred():
    found = _found({"runners": [_entry_of(docker={"image": "docker:27.5.1", "privileged": True,
                                                  "volumes": ["/etc:/host-etc"]})]})
    (message,) = [m for _s, c, m in found if c == "sensitive-host-path"]
    assert "mode inferred" not in message
    assert [m for _s, c, m in found if c == "tls-certs-volume-missing" and "(dind mode inferred from" in m]


def test_what_the_runner_does_with_a_bad_listen_address_or_concurrent():
    # commands/multi.go: an unparsable metrics address is logged and the metrics server stays off; concurrent < 1
    # is fatal (Fatalln) when the workers start.
    listen = config_toml_findings.listen_address_problem("listen_address", "a:b:c")
    assert listen.endswith('is not host:port, [ipv6]:port or :port (e.g. ":9252"): gitlab-runner logs "invalid listen '
                           'address" and serves no metrics')
    (_s, _c, concurrent), = _found({"concurrent": 0})
    assert "runs no jobs at all (it must be at least 1): it exits with a fatal error when it starts" in concurrent
