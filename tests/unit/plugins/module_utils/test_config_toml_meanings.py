# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""config_toml_meanings: the values GitLab Runner gives a meaning, and what config_toml_findings says about them.

Each row names the runner's source that decides it; where the runner's module can be read (tests/runner_module.py),
the named file and function exist there and the defaults the meanings quote are the runner's constants.
"""

from __future__ import annotations

import re

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_meanings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import check_data
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_meanings import (
    MEANINGS,
    listen_address_parts,
    meaning,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_schema import SCHEMA


# (section, key, value, said, part of what it means); said None: no meaning, the value is the value.
@pytest.mark.parametrize("section, key, value, said, means", [
    ("global", "check_interval", 0, False, "every 3 s"),
    ("global", "check_interval", -5, True, "every 3 s"),
    ("global", "check_interval", 1, None, None),
    ("global", "shutdown_timeout", 0, True, "30 s"),
    ("global", "shutdown_timeout", -1, True, "30 s"),
    ("global", "shutdown_timeout", 1, None, None),
    ("global", "connection_max_age", "0s", True, "no maximum"),
    ("global", "connection_max_age", "0", True, "no maximum"),
    ("global", "connection_max_age", "0h0m", True, "no maximum"),
    ("global", "connection_max_age", "-1m", True, "before every request"),
    ("global", "connection_max_age", "15m", None, None),
    ("global", "connection_max_age", "0.5s", None, None),
    ("global", "connection_max_age", "0.0", None, None),
    ("global", "connection_max_age", 0, True, "no maximum"),  # an integer is nanoseconds to Go's TOML decoder
    ("global", "connection_max_age", 1, None, None),
    ("global", "connection_max_age", -1, True, "before every request"),
    ("global", "listen_address", ":9252", True, "every address of the host"),
    ("global", "listen_address", "0.0.0.0:9252", True, "every address of the host"),
    ("global", "listen_address", "[::]:9252", True, "/debug/pprof"),
    ("global", "listen_address", "localhost", True, "localhost:9252"),
    ("global", "listen_address", "10.0.0.5", True, "10.0.0.5:9252"),
    ("global", "listen_address", "0.0.0.0", True, "listens on 0.0.0.0:9252; it listens on every address of the host"),
    ("global", "listen_address", "[::]", True, "listens on [::]:9252; it listens on every address of the host"),
    ("global", "listen_address", "10.0.0.5:9252", None, None),
    ("global", "listen_address", "[::1]:9252", None, None),
    ("global", "listen_address", "", False, "no metrics server"),
    ("global", "listen_address", "host:", None, None),
    ("global", "listen_address", ":99999", None, None),
    ("session_server", "session_timeout", 0, True, "1800 s"),
    ("session_server", "session_timeout", 60, None, None),
    ("session_server", "session_timeout", 1, None, None),
    ("runners", "limit", 0, True, "no limit of its own"),
    ("runners", "limit", -3, True, "no limit of its own"),
    ("runners", "limit", 1, None, None),
    ("runners", "request_concurrency", 0, True, "1"),
    ("runners", "request_concurrency", 2, None, None),
    ("runners", "request_concurrency", 1, None, None),
    ("runners", "output_limit", 0, True, "4096 KB"),
    ("runners", "output_limit", -1, None, None),
    ("runners", "unhealthy_requests_limit", 0, True, "3"),
    ("runners", "unhealthy_requests_limit", 1, None, None),
    ("runners", "job_status_final_update_retry_limit", -1, True, "10"),
    ("runners", "job_status_final_update_retry_limit", 1, None, None),
    ("runners", "url", "https://gitlab.example.com/ci", True, "asks https://gitlab.example.com for jobs"),
    ("runners", "url", "https://gitlab.example.com/ci/", True, 'strips the legacy "/ci" suffix'),
    ("runners", "url", "https://gitlab.example.com/gitlab/ci", True, "asks https://gitlab.example.com/gitlab for"),
    ("runners", "url", "https://gitlab.example.com/cicd", None, None),
    ("runners", "url", "https://user:pw@gitlab.example.com/ci", None, None),
    ("runners", "builds_dir", "", False, "/builds"),
    ("runners", "shell", "", False, "default shell"),
    ("runners", "prepare_timeout", "0s", False, "job's timeout"),
    ("runners", "get_sources_timeout", "-5m", False, "job's timeout"),
    ("runners", "get_sources_timeout", "5m", None, None),
    ("runners.docker", "wait_for_services_timeout", 0, True, "30 s"),
    ("runners.docker", "wait_for_services_timeout", -1, False, "no wait"),
    ("runners.docker", "wait_for_services_timeout", 10, None, None),
    ("runners.docker", "services_limit", 0, True, "no service at all"),
    ("runners.docker", "services_limit", -1, False, "no limit"),
    ("runners.docker", "services_limit", 2, None, None),
    ("runners.docker", "shm_size", 0, False, "64 MB"),
    ("runners.docker", "helper_image", "", False, "this runner's version"),
    ("runners.docker", "pull_policy", [], False, "always"),
    ("runners.docker", "pull_policy", "", None, None),
    ("runners.docker", "memory", "0", False, "no limit"),
    ("runners.docker", "memory", "", False, "no limit"),
    ("runners.docker", "memory", "0m", False, "no limit"),
    ("runners.docker", "memory_swap", "0", False, "no limit"),
    ("runners.docker", "memory", "512m", None, None),
    ("runners.docker", "memory_swap", "-1", None, None),
    ("runners.docker", "cpus", "0", False, "no CPU limit"),
    ("runners.docker", "cpus", "0.0", False, "no CPU limit"),
    ("runners.docker", "cpus", "0m", None, None),
    ("runners.docker", "cpus", "1.5", None, None),
    ("runners.cache", "MaxUploadedArchiveSize", 0, False, "no limit"),
    ("runners", "concurrent", 0, None, None),
    ("global", "concurrent", 0, None, None),
    ("global", "check_interval", True, None, None),
])
def test_meanings(section, key, value, said, means):
    row = meaning(section, key, value)
    if said is None:
        assert row is None
        return
    assert row.say is said and means in row.means
    # What a surprising value means is said with what to write instead; a value that surprises nobody has none.
    assert bool(row.instead) is said


# The meanings and fixes that are values rather than sentences, whole.
@pytest.mark.parametrize("section, key, value, means, instead", [
    ("global", "listen_address", "", "no metrics server", ""),
    ("runners", "prepare_timeout", "0s", "the job's timeout", ""),
    ("runners", "get_sources_timeout", "-1m", "the job's timeout", ""),
    ("runners.docker", "pull_policy", [], "the default, always", ""),
    ("runners.docker", "cpus", "0", "no CPU limit", ""),
    ("runners.docker", "service_cpus", "0.0", "no CPU limit", ""),
    ("runners.docker", "services_limit", -1, "no limit on services", ""),
    ("runners.docker", "service_memory_reservation", "0", "no limit", ""),
    ("runners", "request_concurrency", 0, "1, one request for jobs at a time", "1 or more"),
    ("runners", "unhealthy_requests_limit", -1, "the default of 3 unhealthy answers", "1 or more"),
    ("runners", "job_status_final_update_retry_limit", 0, "the default of 10 retries", "1 or more"),
])
def test_short_meanings_and_fixes_whole(section, key, value, means, instead):
    row = meaning(section, key, value)
    assert (row.means, row.instead) == (means, instead)


def test_every_row_names_a_key_of_the_schema_and_its_source():
    for row in MEANINGS:
        assert row.key in SCHEMA[row.section], row
        assert re.match(r"^[a-z_/]+\.go\b", row.source), row
        assert row.means


def _check(section, key, value):
    """The findings of a config.toml whose only notable value is ``value`` of ``key`` in ``section``."""
    runner = {"name": "r", "url": "https://gitlab.example.com", "executor": "shell"}
    if section == "global":
        data = {key: value}
    elif section == "session_server":
        data = {"session_server": {key: value}}
    elif section == "runners":
        data = {"runners": [dict(runner, **{key: value})]}
    else:
        table = section.split(".", 1)[1]
        data = {"runners": [dict(runner, **{table: {key: value}})]}
    return check_data(data)


# Values of every kind the table gives meanings to; each row takes those it applies to.
_CANDIDATES = [0, -1, -2, "", "0", "0.0", "0s", "-1m", [], ":9252", "localhost", "https://gitlab.example.com/ci"]


@pytest.mark.parametrize("row", MEANINGS, ids=lambda row: "%s.%s-%s" % (row.section, row.key, row.say))
def test_a_value_with_a_meaning_is_no_error_and_said_only_where_it_surprises(row):
    values = [value for value in _CANDIDATES if row.applies(value)]
    assert values, row
    for value in values:
        found = _check(row.section, row.key, value)
        assert [f for f in found if f["severity"] == "error"] == [], (value, found)
        meant = [f for f in found if f["code"] == "value-meaning"]
        assert bool(meant) is row.say, (value, found)
        if meant:
            text = meant[0]["message"]
            assert "%s = " % row.key in text and meaning(row.section, row.key, value).means in text
            assert row.source in text and row.instead in text
            assert meant[0]["keys"] and meant[0]["keys"][0].endswith(row.key)


@pytest.mark.parametrize("value, parts", [
    (":9252", ("", 9252)), ("localhost", ("localhost", None)), ("[::1]:9252", ("[::1]", 9252)),
    ("0.0.0.0:1", ("0.0.0.0", 1)), (":65535", ("", 65535)), ("[::]", ("[::]", None)), ("host:", None),
    ("[::1]:", None), ("::1:9252", None), (":0", None), (":65536", None),
    (":9252\n", None), ("a b:1", None), (9252, None),
])
def test_listen_address_parts(value, parts):
    assert listen_address_parts(value) == parts


# --- against the runner's source --------------------------------------------------------------------------------

# The constants the meanings quote: (file, Go declaration, the number as the meanings say it).
_CONSTANTS = [
    ("common/consts.go", r"const CheckInterval = 3 \* time\.Second", "every 3 s"),
    ("common/consts.go", r"const DefaultShutdownTimeout = 30 \* time\.Second", "30 s for a forceful shutdown"),
    ("common/consts.go", r"const DefaultSessionTimeout = 30 \* time\.Minute", "1800 s"),
    ("common/consts.go", r"const DefaultMetricsServerPort = 9252", ":9252"),
    ("common/consts.go", r"DefaultTraceOutputLimit = 4 \* 1024 \* 1024", "4096 KB"),
    ("common/consts.go", r"const DefaultUnhealthyRequestsLimit = 3\b", "default of 3 unhealthy"),
    ("common/consts.go", r"const DefaultFinalUpdateRetryLimit = 10\b", "default of 10 retries"),
    ("common/consts.go", r"const DefaultWaitForServicesTimeout = 30\b", "the default of 30 s"),
]


def _module_text(path):
    return (runner_module.module_dir("the runner's source named by config_toml_meanings") / path).read_text(
        encoding="utf-8")


@pytest.mark.parametrize("row", MEANINGS, ids=lambda row: "%s.%s-%s" % (row.section, row.key, row.say))
def test_each_source_is_in_the_runner_module(row):
    words = row.source.split()
    text = _module_text(words[0])
    if len(words) > 1 and re.match(r"^[A-Za-z_]+(\.[A-Za-z_]+)?$", words[1]):
        function = words[1].rsplit(".", 1)[-1]
        assert re.search(r"^func (\([^)]*\) )?%s\b" % function, text, re.MULTILINE), row.source


@pytest.mark.parametrize("path, declaration, said", _CONSTANTS)
def test_the_defaults_said_are_the_runners(path, declaration, said):
    assert re.search(declaration, _module_text(path)), declaration
    texts = [row.means if not callable(row.means) else row.means(":9252") for row in MEANINGS] + [
        meaning("global", "listen_address", "localhost").means]
    assert any(said in text for text in texts), said


def test_the_default_metrics_port_is_the_runners():
    assert re.search(r"const DefaultMetricsServerPort = %d\b" % config_toml_meanings.DEFAULT_METRICS_PORT,
                     _module_text("common/consts.go"))
