# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docker_api_versions: the table of Docker API versions and the rule of which clients and engines can talk."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_api_versions as dav
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_daemon_config, docker_modes

NAMES = {"image_pin": "runner_docker_version", "min_api": "docker_daemon_options", "engine_pin": "docker_version",
         "runner_pin": "runner_version"}


# --- the table ----------------------------------------------------------------------------------------------------

def test_rows_are_in_release_order_and_well_formed():
    keys = [tuple(int(part) for part in line.split(".")) for line, _api, _min, _floor in dav.RELEASES]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    apis = [dav.api_key(api) for _line, api, _min, _floor in dav.RELEASES]
    assert apis == sorted(apis), "a later release never speaks an older API"
    for line, api, engine_min, floor in dav.RELEASES:
        for value in (engine_min, floor):
            assert value is None or dav.api_key(value) <= dav.api_key(api), line


@pytest.mark.parametrize("line, api, engine_min, floor", [
    # Docker's API version matrix and the Go sources read for each (see the module's comments).
    ("17.03", "1.26", "1.12", None), ("17.03.1", "1.27", "1.12", None), ("18.09", "1.39", "1.12", None),
    ("19.03", "1.40", "1.12", None), ("20.10", "1.41", "1.12", None), ("23.0", "1.42", "1.12", None),
    ("24.0", "1.43", "1.12", None), ("25.0", "1.44", "1.24", None), ("26.1", "1.45", "1.24", None),
    ("27.1", "1.46", "1.24", None), ("27.5", "1.47", "1.24", None), ("28.0", "1.48", "1.24", None),
    ("28.2", "1.50", "1.24", None), ("28.5", "1.51", "1.24", None), ("29.0", "1.52", "1.44", "1.44"),
    ("29.2", "1.53", "1.44", "1.44"), ("29.3", "1.54", "1.40", "1.40"), ("29.6", "1.55", "1.40", "1.40"),
    ("29.8", "1.56", "1.40", "1.40"), ("29.10", "1.57", None, "1.40"),
])
def test_release_rows(line, api, engine_min, floor):
    assert dav.release(line) == {"line": line, "api": api, "engine_min": engine_min, "client_floor": floor}


@pytest.mark.parametrize("version, line", [
    ("27.5.1", "27.5"), ("24", "24.0"), ("27", "27.5"), ("28", "28.5"), ("29", "29.10"), ("20.10.24", "20.10"),
    ("17.03.0", "17.03"), ("17.03.2", "17.03.1"), ("17.03", "17.03"), ("29.1", "29.1"), ("29.10.0", "29.10"),
    ("5:27.3.1-1~debian.12~bookworm", "27.3"), ("5:27.3*", "27.3"), ("27.3*", "27.3"),
    ("Docker version 20.10.24+dfsg1, build 297e128", "20.10"), ("Docker version 29.1.3, build f52814d", "29.1"),
    ("26.1.5+dfsg1-9+b2", "26.1"),
])
def test_release_of_a_version(version, line):
    assert dav.release(version)["line"] == line


@pytest.mark.parametrize("version", ["", "latest", "1.13.1", "16.04", "22.06", "30.0.0", "29.11.0", "31", None, 27,
                                     "v27.5.1"])
def test_unknown_versions_have_no_row(version):
    assert dav.release(version) is None


@pytest.mark.parametrize("image, version", [
    ("docker:24.0.9", "24.0.9"), ("docker:24", "24"), ("docker:24-cli", "24"), ("docker:27.5.1-dind", "27.5.1"),
    ("docker:27.5.1-dind-rootless", "27.5.1"), ("docker:28.0.1-cli-alpine3.21", "28.0.1"),
    ("docker:29.0.0-rc.1-cli", "29.0.0"), ("docker:17.03.2-ce", "17.03.2"), ("docker:18.09.7-dind", "18.09.7"),
    ("library/docker:27.5", "27.5"), ("docker.io/library/docker:27.5.1", "27.5.1"),
    ("index.docker.io/library/docker:25.0.5", "25.0.5"), ("docker:20.10.24@sha256:" + "a" * 64, "20.10.24"),
    ("runnerops/dind-with-ca:27.5.1-dind", "27.5.1"), ("runnerops.invalid/dind-with-ca:27.5.1-dind", "27.5.1"), ("  docker:27.5.1  ", "27.5.1"),
])
def test_image_version(image, version):
    assert dav.image_version(image) == version


@pytest.mark.parametrize("image", [
    "docker", "docker:latest", "docker:dind", "docker:stable", "docker:cli", "docker:rc", "docker:edge-git",
    "docker@sha256:" + "a" * 64, "registry.example.com/docker:24", "registry.example.com:5000/docker:24",
    "mirror.gcr.io/library/docker:24", "alpine:3.20", "my-docker:24", "docker-compose:24", "", None, 24,
])
def test_images_this_table_cannot_place(image):
    assert dav.image_version(image) is None


@pytest.mark.parametrize("api", [None, 1.44, "1.44 ", " 1.44", "+1.44", "1.4x", "1.44.1", "v1.44", ""])
def test_api_key_refuses_what_is_not_major_minor(api):
    with pytest.raises(ValueError, match="MAJOR.MINOR"):
        dav.api_key(api)


def test_every_docker_hub_name_of_the_docker_image_is_placed():
    for name in ("docker", "library/docker", "docker.io/docker", "docker.io/library/docker",
                 "index.docker.io/library/docker", "registry-1.docker.io/library/docker"):
        assert dav.image_version(name + ":24.0.9") == "24.0.9", name


# --- which clients and engines can talk ---------------------------------------------------------------------------

@pytest.mark.parametrize("image, engine_version, min_api, talks", [
    # November 2025: the job image docker:24 (API 1.43) and a host upgraded to Docker 29.
    ("docker:24", "29.0.0", None, False),
    ("docker:24.0.9", "29.1.3", None, False),
    ("docker:24.0.9", "29.2.1", None, False),
    ("docker:24-cli", "29.0.4", None, False),
    # Docker 25 (API 1.44) is the oldest CLI that Docker 29.0 to 29.2 accept.
    ("docker:25", "29.0.0", None, True),
    ("docker:25.0.5", "29.2.1", None, True),
    ("docker:23.0.6", "29.1.0", None, False),
    # Docker 29.3 lowered the engine's minimum to 1.40: docker:24 and docker:19.03 work again, 18.09 does not.
    ("docker:24.0.9", "29.3.0", None, True),
    ("docker:19.03.15", "29.5.1", None, True),
    ("docker:18.09.7", "29.5.1", None, False),
    # A newer CLI negotiates down to an older engine...
    ("docker:27.5.1", "20.10.24", None, True),
    ("docker:28.5.2", "19.03", None, True),
    ("docker:27", "24.0", None, True),
    # ...except Docker 29.0 to 29.2, whose CLI negotiates no lower than 1.44.
    ("docker:29.0.0", "24.0.9", None, False),
    ("docker:29.1.3-cli", "20.10.24", None, False),
    ("docker:29.2", "25.0.0", None, True),
    ("docker:29.3.0", "20.10.24", None, True),
    ("docker:29.3.0", "19.03.15", None, True),
    ("docker:29.3.0", "18.09.7", None, False),
    # Engines before 29 accepted API 1.12 (24.0 and older) or 1.24 (25.0 to 28.5).
    ("docker:17.03.2-ce", "24.0.9", None, True),
    ("docker:17.03.2-ce", "28.5.1", None, True),
    ("docker:20.10.24", "20.10.24", None, True),
    # min-api-version in daemon.json: Docker 29 reads it, down to 1.24; older engines never do.
    ("docker:20.10", "29.1.3", "1.24", True),
    ("docker:20.10", "29.1.3", "1.41", True),
    ("docker:20.10", "29.1.3", "1.42", False),
    ("docker:20.10", "29.1.3", "1.20", False),
    ("docker:17.09", "29.5.0", "1.32", True),
    ("docker:24", "29.1.3", "1.60", False),
    ("docker:24", "29.3.0", "1.44", False),
    ("docker:17.09", "28.5.1", "1.40", True),
])
def test_cli_and_engine(image, engine_version, min_api, talks):
    problem = dav.cli_problem(image, dav.engine(engine_version, min_api_version=min_api), names=NAMES)
    assert (problem is None) == talks, problem


@pytest.mark.parametrize("image, engine_version", [
    ("docker:latest", "29.0.0"), ("docker:dind", "29.0.0"), ("docker@sha256:" + "b" * 64, "29.0.0"),
    ("registry.example.com/ci/docker:24", "29.0.0"), ("docker:1.13", "29.0.0"),
    ("docker:24", "30.0.0"), ("docker:24", "29.10.0"), ("docker:24", ""), ("docker:24", None),
])
def test_what_the_table_does_not_know_is_no_problem(image, engine_version):
    assert dav.cli_problem(image, dav.engine(engine_version)) is None


def test_the_november_2025_message_says_what_why_and_the_fixes():
    problem = dav.cli_problem("docker:24.0.9", dav.engine("29.1.3"), engine_name="docker_version", names=NAMES)
    assert problem.startswith("the Docker CLI of docker:24.0.9 speaks API 1.43 at most, and Docker Engine 29.1.3 "
                              "(docker_version) accepts API 1.44 and newer")
    assert '"client version 1.43 is too old"' in problem
    assert "docker:25.0 or newer" in problem and "runner_docker_version" in problem
    assert '"min-api-version": "1.43" in docker_daemon_options' in problem
    assert "pin docker_version to a release that accepts API 1.43, such as 29.9" in problem


def test_an_old_engine_min_api_version_is_not_offered():
    problem = dav.cli_problem("docker:17.09", dav.engine("28.5.1", min_api_version="1.40"), names=NAMES)
    assert problem is None
    problem = dav.cli_problem("docker:1.13", dav.engine("28.5.1"), names=NAMES)
    assert problem is None  # 1.13 is older than the table


def test_a_cli_too_new_for_the_engine_says_so():
    problem = dav.cli_problem("docker:29.1.3", dav.engine("Docker version 20.10.24+dfsg1, build 297e128"),
                              engine_name="found on the host", names=NAMES)
    assert "negotiates no lower than API 1.44, and Docker Engine 20.10.24 (found on the host) speaks API 1.41" in problem
    assert "docker:29.3 or newer" in problem and "upgrade the engine to 25.0 or newer (docker_version)" in problem


def test_the_message_names_the_image_variable_and_the_job_image_by_default():
    problem = dav.cli_problem("docker:24.0.9", dav.engine("29.1.3"), image_name="runner_docker_image")
    assert problem.startswith('the Docker CLI of runner_docker_image "docker:24.0.9" speaks API 1.43 at most')
    assert "use a job image of docker:25.0 or newer, such as docker:29.1.3, the engine's own (the job image)" in problem


def test_an_engine_newer_than_every_cli_asks_for_a_newer_job_image():
    info = dav.engine_input({"api_version": "1.70", "min_api_version": "1.65"})
    problem = dav.cli_problem("docker:29.9", info, names=NAMES)
    assert "accepts API 1.65 and newer (as it reports)" in problem
    assert "use a newer job image (runner_docker_version)" in problem


@pytest.mark.parametrize("engine_version, reason", [
    ("29.1.3", "(Docker 29.1's default: Docker 29.0 to 29.2 refuse clients older than Docker 25.0)"),
    ("29.5.1", "(Docker 29.5's default)"),
])
def test_the_message_says_why_the_engine_has_its_minimum(engine_version, reason):
    image = "docker:24.0.9" if engine_version.startswith("29.1") else "docker:18.09.7"
    assert reason in dav.cli_problem(image, dav.engine(engine_version), names=NAMES)


@pytest.mark.parametrize("fixed, talks", [("1.44", True), ("1.52", True), ("1.43", False), ("1.53", False),
                                          ("", None), ("latest", None)])
def test_docker_api_version_turns_negotiation_off(fixed, talks):
    problem = dav.cli_problem("docker:24.0.9", dav.engine("29.1.3"), fixed_api=fixed)
    if talks is None:  # not a version: the CLI negotiates as usual, and 24 is too old for 29.1
        assert problem is not None and "DOCKER_API_VERSION" not in problem
    else:
        assert (problem is None) == talks, problem
        assert talks or "DOCKER_API_VERSION=%s" % fixed in problem


@pytest.mark.parametrize("min_api, minimum, source", [
    (None, "1.44", "default"), ("1.24", "1.24", "min-api-version"), ("1.52", "1.52", "min-api-version"),
    ("1.23", "1.44", "default"), ("1.53", "1.44", "default"), ("v1.24", "1.44", "default"), ("", "1.44", "default"),
])
def test_min_api_version_bounds_on_docker_29(min_api, minimum, source):
    info = dav.engine("29.1.3", min_api_version=min_api)
    assert (info["min"], info["min_from"]) == (minimum, source)


@pytest.mark.parametrize("version", ["28.5.1", "27.5.1", "25.0.0", "24.0.9", "20.10.24"])
def test_min_api_version_is_ignored_before_docker_29(version):
    info = dav.engine(version, min_api_version="1.30")
    assert info["min_from"] == "default" and info["min"] == dav.release(version)["engine_min"]


def test_what_the_engine_reports_wins():
    info = dav.engine_input({"version": "29.1.3", "api_version": "1.52", "min_api_version": "1.24"})
    assert (info["min"], info["api"], info["min_from"]) == ("1.24", "1.52", "reported")
    assert dav.cli_problem("docker:20.10", info) is None
    unknown = dav.engine_input({"version": "31.0.0", "api_version": "1.60", "min_api_version": "1.45"})
    assert unknown["line"] is None and "(as it reports)" in dav.cli_problem("docker:24", unknown)


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("29.1.3", "1.44"), ({"version": "29.3.0"}, "1.40"),
    ({"version": "29.1.3", "min_api_config": "1.24"}, "1.24"), ({"version": "unknown"}, None),
])
def test_engine_input(value, expected):
    info = dav.engine_input(value)
    assert (info["min"] if info else None) == expected


@pytest.mark.parametrize("value, message", [
    (29, "as a string, or a dict"), ({"version": 29.1}, "version must be a string"),
    ({"versoin": "29.1"}, "not versoin"), (["29.1"], "as a string, or a dict"),
])
def test_engine_input_refuses_wrong_types(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        dav.engine_input(value)


def test_min_api_version_facts_agree_with_daemon_config():
    """The release that reads min-api-version and its lowest value, as the daemon.json rules have them."""
    since = docker_daemon_config._SINCE["min-api-version"]  # pylint: disable=protected-access
    assert since == dav.MIN_API_CONFIG_SINCE
    errors = []
    docker_daemon_config.check_daemon_options({"min-api-version": "1.23"}, "o", lambda p, m: errors.append(m),
                                              lambda p, m: None)
    assert errors and dav.MIN_API_CONFIG_LOWEST in errors[0]


# --- gitlab-runner's own client -----------------------------------------------------------------------------------

@pytest.mark.parametrize("version, api, floor, negotiates", [
    ("11.9.0", "1.25", None, False), ("14.9.2", "1.25", None, False), ("14.10.0", "1.41", None, True),
    ("15.9.1", "1.41", None, True), ("15.10.0", "1.42", None, True), ("16.11.0", "1.42", None, True),
    ("17.4.2", "1.42", None, True), ("19.3.0", "1.55", "1.40", True), ("19.4.0", "1.55", "1.40", True),
    ("19.4.3", "1.55", "1.40", True),
])
def test_runner_clients(version, api, floor, negotiates):
    client = dav.runner_client(version)
    assert (client["api"], client["floor"], client["negotiates"]) == (api, floor, negotiates)


@pytest.mark.parametrize("version", ["", None, "11.8.0", "17.5.0", "18.5.0", "19.2.3", "19.5.0", "20.0.0", "19.4"])
def test_runner_clients_not_established(version):
    assert dav.runner_client(version) is None


@pytest.mark.parametrize("runner, engine_version, severity", [
    ("16.11.0", "29.1.3", "error"),      # Docker's 23.0 client (1.42) against Docker 29.0 to 29.2 (1.44)
    ("16.11.0", "29.3.0", None),         # 29.3 accepts 1.40 again
    ("15.9.0", "29.5.1", None),          # 1.41
    ("14.9.0", "29.5.1", "error"),       # a fixed 1.25, below 1.40
    ("14.9.0", "28.5.1", None),          # 28.5 accepts 1.24
    ("19.3.1", "29.1.3", None),          # moby client: 1.40 to 1.55
    ("19.4.0", "18.09.7", "error"),      # ...which refuses an engine older than 19.03
    ("19.4.0", "19.03.15", None),
    ("18.5.0", "29.1.3", "warning"),     # not established, and the engine refuses what 17.4 spoke
    ("18.5.0", "29.3.0", None),
    ("19.1.2", "29.2.0", "warning"),
    ("17.5.0", "29.1.3", "warning"),     # the first release whose client is not established
    ("17.4.2", "29.1.3", "error"),       # the last on Docker's 23.0 client (1.42)
    ("19.2.0", "29.1.3", None),          # moby/moby v29's client speaks 1.52 or newer
    ("19.2.0", "27.5.1", None),
    ("", "29.1.3", None), ("20.1.0", "29.1.3", None),
])
def test_runner_and_engine(runner, engine_version, severity):
    result = dav.runner_problem(runner, dav.engine(engine_version), names=NAMES)
    assert (result[0] if result else None) == severity, result


@pytest.mark.parametrize("runner", ["16.11.0", "17.5.0", "19.4.0", "", None])
def test_an_unknown_engine_is_no_runner_problem(runner):
    assert dav.runner_problem(runner, None, names=NAMES) is None


def test_runner_message_names_the_version_and_the_fixes():
    severity, message = dav.runner_problem("16.11.0", dav.engine("29.1.3"), engine_name="runner_docker_engine_version",
                                           names=NAMES)
    assert severity == "error"
    assert message.startswith("gitlab-runner 16.11.0's own Docker client (Docker's 23.0 client in GitLab Runner 15.10 "
                              "to 17.4) speaks API 1.42 at most, and Docker Engine 29.1.3 (runner_docker_engine_version)")
    assert "upgrade runner_version to 19.3.0 or newer" in message and '"min-api-version": "1.42"' in message


# --- GitLab Runner's own source, where the test environment has it ------------------------------------------------

_MODULE = os.environ.get("GITLAB_RUNNER_MODULE_VERSION", "v1.11.1-0.20260903214710-fc1f1862bd91")
_GOMODCACHE = os.environ.get("GITLAB_RUNNER_GOMODCACHE", "/var/cache/runnerops-test/gitlab-runner/gomodcache")
_SOURCE = os.path.join(_GOMODCACHE, "gitlab.com", "gitlab-org", "gitlab-runner@" + _MODULE)


@pytest.mark.skipif(not os.path.isdir(_SOURCE), reason="GitLab Runner's Go module is not in GITLAB_RUNNER_GOMODCACHE")
def test_the_runner_module_uses_the_client_the_table_names():
    with open(os.path.join(_SOURCE, "go.mod"), encoding="utf-8") as handle:
        go_mod = handle.read()
    assert re.search(r"^\s*github\.com/moby/moby/client v0\.5\.1$", go_mod, re.M)
    with open(os.path.join(_SOURCE, "helpers", "docker", "official_docker_client.go"), encoding="utf-8") as handle:
        client = handle.read()
    # Negotiation is the moby client's default; only DOCKER_API_VERSION fixes a version.
    assert "client.WithAPIVersionFromEnv()" in client and "WithAPIVersion(" not in client.replace(
        "WithAPIVersionFromEnv(", "")
    with open(os.path.join(_SOURCE, "CHANGELOG.md"), encoding="utf-8") as handle:
        changelog = handle.read()
    for entry in ("Update module github.com/moby/moby/client to v0.5.1", "Add support for Docker client version "
                  "negotiation", "Update Docker engine client to v23.0.1", "Upgrade GitHub.com/Docker/Docker to 23.0.6"):
        assert entry in changelog, entry
    assert dav.runner_client(re.search(r"^## v(\d+\.\d+\.\d+)", changelog, re.M).group(1)) is not None


def test_docker_modes_reports_it_as_a_finding():
    assert docker_modes.FINDING_CODES["docker-api-incompatible"][0] == "error"
