# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy
import base64
import json
import os
import socket
import subprocess

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_job, docker_modes
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_job import (
    JobSetupError,
    build_script,
    plan_job,
    run_job,
    select_runner,
)

SOCKET_BIND = "/var/run/docker.sock:/var/run/docker.sock"
JOB_ID = 123456789
PREFIX = "runnerops-ci-job-123456789"
PROJECT_DIR = "/builds/runnerops-smoke/ci-job-123456789"
# A builds dir bound from the host is shared between jobs: <builds_dir>/<short token>/<project slot>/ (token glrt-x).
SHARED_PROJECT_DIR = "/builds/x/0/runnerops-smoke/ci-job-123456789"
DIGEST = "sha256:" + "0123456789abcdef" * 4
PER_BUILD = ["FF_NETWORK_PER_BUILD=1"]


def _config(name="docker-socket", environment=None, builds_dir=None, executor="docker", **docker):
    entry = {"name": name, "url": "https://gitlab.example.com", "token": "glrt-x", "executor": executor, "docker": docker}
    if environment is not None:
        entry["environment"] = environment
    if builds_dir is not None:
        entry["builds_dir"] = builds_dir
    return {"concurrent": 1, "runners": [entry]}


def _socket(**overrides):
    """The socket runner of the article's TL;DR, as the runner role writes it."""
    docker = {
        "image": "docker:20.10.24",
        "privileged": False,
        "volumes": [SOCKET_BIND, "/builds:/builds", "/cache"],
        "pull_policy": ["if-not-present"],
    }
    docker.update(overrides)
    return _config(**docker)


def _dind(**overrides):
    """A dind runner with TLS: client certificates shared through /certs/client."""
    docker = {
        "image": "docker:20.10.24",
        "privileged": True,
        "volumes": ["/certs/client", "/cache"],
        "services": [{"name": "docker:20.10.24-dind", "alias": "docker"}],
        "pull_policy": ["if-not-present"],
    }
    docker.update(overrides)
    return _config(name="docker-dind", environment=["DOCKER_TLS_CERTDIR=/certs"], **docker)


def _plan(config, **options):
    options.setdefault("job_id", JOB_ID)
    options.setdefault("marker", "runnerops-marker-test")
    options.setdefault("script", ["docker run --rm hello-world"])
    return plan_job(config, **options)


def _values(argv, flag):
    return [argv[index + 1] for index, word in enumerate(argv[:-1]) if word == flag]


def _env(argv):
    return dict(value.split("=", 1) for value in _values(argv, "-e"))


# --- aliases ---------------------------------------------------------------------


def test_service_gets_derived_then_explicit_aliases_once():
    plan = _plan(_dind(services=[{"name": "my-registry.com/docker-with-certs:20.10.24-dind", "alias": "docker, dind"}]))
    service = plan["services"][0]
    assert service["aliases"] == ["my-registry.com__docker-with-certs", "my-registry.com-docker-with-certs", "docker", "dind"]
    assert _values(service["argv"], "--network-alias") == service["aliases"]
    assert service["dind"] is True and plan["warnings"] == []


def test_a_name_an_earlier_service_holds_is_skipped_with_a_warning():
    plan = _plan(_dind(), services=[{"name": "registry.example.com/daemon:1", "alias": "docker,daemon"}])
    first, second = plan["services"]
    assert first["aliases"] == ["docker"]
    # Docker still gets every name of the service (the runner passes them all), but the runner warns.
    assert second["aliases"] == ["registry.example.com__daemon", "registry.example.com-daemon", "docker", "daemon"]
    assert len(plan["warnings"]) == 1 and 'its name "docker" is already taken' in plan["warnings"][0]


def test_a_service_whose_names_are_all_taken_is_not_started():
    plan = _plan(_dind(), services=["postgres:16", "postgres:16"])
    assert [service["image"] for service in plan["services"]] == ["docker:20.10.24-dind", "postgres:16"]
    assert [service["container"] for service in plan["services"]] == [PREFIX + "-svc0", PREFIX + "-svc1"]
    assert any('"postgres:16" is not started: all its names are taken' in warning for warning in plan["warnings"])


def test_a_service_image_docker_cannot_parse():
    plan = _plan(_dind(), services=["Postgres:16"])
    assert len(plan["services"]) == 1
    assert 'is not started: Docker cannot parse its image name' in plan["warnings"][0]
    with pytest.raises(ValueError, match='"Postgres:16" is not an image name Docker can parse'):
        _plan(_dind(), services=[{"name": "Postgres:16", "alias": "db"}])


# --- mode: the one rule of docker_modes -------------------------------------------------


@pytest.mark.parametrize(
    "docker, mode",
    [
        ({"volumes": [SOCKET_BIND, "/builds:/builds"]}, "socket"),
        ({"volumes": ["/run/docker.sock:/var/run/docker.sock"]}, "socket"),
        ({"volumes": ["/var/run:/host/run"]}, "socket"),
        ({"volumes": ["/:/host"]}, None),
        ({"privileged": True}, "dind"),
        ({"services_privileged": True}, "dind"),
        ({"services": [{"name": "docker:27.3.1-dind"}]}, "dind"),
        ({"services": [{"name": "docker:27.5.1-dind@" + DIGEST}]}, "dind"),
        ({"services": [{"name": "registry.example.com/dind-with-ca:27.3.1", "alias": "docker"}]}, "dind"),
        ({"services": [{"name": "postgres:16"}]}, None),
        ({"services": [{"name": "postgres:16@" + DIGEST}]}, None),
        ({"volumes": ["/cache"]}, None),
        ({}, None),
    ],
)
def test_the_plan_has_the_mode_docker_modes_infers(docker, mode):
    docker = dict(docker, image="alpine:3")
    assert _plan(_config(**docker))["mode"] == mode
    assert docker_modes.infer_mode(docker, docker.get("services", []))[0] == mode


@pytest.mark.parametrize("service, dind", [
    ({"name": "docker:27.5.1-dind@" + DIGEST}, True),  # pinned by digest, without an alias
    ({"name": "docker:27.5.1-dind"}, True),
    ({"name": "docker:27.5.1-dind-rootless"}, True),
    ({"name": "my/daemon:1", "alias": "db, docker"}, True),
    ({"name": "docker@" + DIGEST}, False),
    ({"name": "docker:27.5.1"}, False),  # named "docker" on the network, but no daemon
    ({"name": "postgres:16"}, False),
])
def test_a_dind_service_is_the_same_for_the_job_and_the_findings(service, dind):
    plan = _plan(_config(image="alpine:3"), services=[dict(service)])
    assert plan["services"][0]["dind"] is dind
    assert docker_modes.is_dind_service(service) is dind


# --- runner selection ------------------------------------------------------------


def test_select_runner_defaults_to_the_first():
    config = {"runners": [{"name": "a"}, {"name": "b"}]}
    assert select_runner(config)["name"] == "a"
    assert select_runner(config, "b")["name"] == "b"


@pytest.mark.parametrize(
    "config, name, message",
    [
        ({}, None, "has no \\[\\[runners\\]\\] table"),
        ({"runners": []}, None, "has no \\[\\[runners\\]\\] table"),
        ({"runners": [{"name": "a"}]}, "b", 'no runner named "b" \\(it has "a"\\)'),
        ([], None, "must be a dict"),
    ],
)
def test_select_runner_errors(config, name, message):
    with pytest.raises(ValueError, match=message):
        select_runner(config, name)


# --- the plan: volumes and builds dir --------------------------------------------


def test_socket_plan_keeps_binds_and_puts_the_project_on_the_host():
    plan = _plan(_socket())
    assert plan["mode"] == "socket"
    assert [v["argument"] for v in plan["volumes"]] == [SOCKET_BIND, "/builds:/builds", PREFIX + "-v2-cache:/cache"]
    assert [v["per_job"] for v in plan["volumes"]] == [False, False, True]
    builds = plan["builds"]
    assert (builds["kind"], builds["project_dir"], builds["host_project_dir"]) == (
        "host", SHARED_PROJECT_DIR, SHARED_PROJECT_DIR)
    job = plan["job"]["argv"]
    assert _values(job, "-v") == [SOCKET_BIND, "/builds:/builds", PREFIX + "-v2-cache:/cache"]
    assert "--privileged" not in job
    assert _values(job, "-w") == [SHARED_PROJECT_DIR]
    assert _values(job, "--network") == [PREFIX + "-network"]
    # The image's own entrypoint stays: it chooses DOCKER_HOST.
    assert "--entrypoint" not in job
    assert job[-4:-1] == ["docker:20.10.24", "sh", "-c"]


def test_volumes_are_mounted_as_the_runner_hands_them_to_docker():
    # /a:/b:rw:rslave is rebuilt as /a:/b:rw,rslave; a volume without a source is the runner's own, options dropped.
    plan = _plan(_socket(volumes=[SOCKET_BIND, "/builds:/builds", "/srv/a:/a:rw:rslave", "/cache:ro"]))
    assert _values(plan["job"]["argv"], "-v") == [SOCKET_BIND, "/builds:/builds", "/srv/a:/a:rw,rslave",
                                                  PREFIX + "-v3-cache:/cache"]


def test_bind_from_another_host_path_puts_the_project_there():
    plan = _plan(_socket(volumes=[SOCKET_BIND, "/srv/ci-builds:/builds", "/cache"]), project="group/app")
    builds = plan["builds"]
    assert builds["project_dir"] == "/builds/x/0/group/app"
    assert builds["host_project_dir"] == "/srv/ci-builds/x/0/group/app"
    assert builds["dirs"] == ["/builds/x", "/builds/x/0", "/builds/x/0/group", "/builds/x/0/group/app"]


@pytest.mark.parametrize("token, short", [
    ("glrt-t1_AbCdEfGhIjKlMn", "AbCdEfGhI"), ("glrt-AbCdEfGhIjKl", "AbCdEfGhI"), ("t2_AbCdEfGhIjKl", "AbCdEfGhI"),
    ("GR1348941AbCdEfGhIjKl", "AbCdEfGhI"), ("abc", "abc"), ("-abcdefghij", "r-abcdefg"), ("abcdefgh-ij", "abcdefghr"),
])
def test_a_shared_builds_dir_holds_the_short_token_of_the_runner(token, short):
    config = _socket()
    config["runners"][0]["token"] = token
    plan = _plan(config, project="g/p")
    assert plan["builds"]["project_dir"] == "/builds/%s/0/g/p" % short
    assert plan["variables"]["CI_RUNNER_SHORT_TOKEN"] == short


def test_a_volume_at_a_parent_of_the_builds_dir_shares_it_but_the_builds_volume_stores_the_project():
    plan = _plan(_socket(volumes=[SOCKET_BIND, "/srv:/srv"]), project="ns/p")
    assert (plan["builds"]["kind"], plan["builds"]["project_dir"]) == ("volume", "/builds/ns/p")
    config = _config(volumes=["/srv:/srv"], image="alpine:3")
    config["runners"][0]["builds_dir"] = "/srv/builds"
    builds = _plan(config, project="ns/p")["builds"]
    # IsHostMountedVolume: /srv holds the builds dir, so it is shared; createBuildVolume: only a volume at
    # /srv/builds itself stops the job's own builds volume, which then holds the project.
    expected = ("volume", "/srv/builds/x/0/ns/p", "/srv/builds")
    assert (builds["kind"], builds["project_dir"], builds["mount_target"]) == expected


def test_dind_plan_gives_the_builds_dir_and_anonymous_volumes_per_job_volumes():
    plan = _plan(_dind())
    assert plan["mode"] == "dind"
    arguments = [v["argument"] for v in plan["volumes"]]
    assert arguments == [
        PREFIX + "-v0-certs-client:/certs/client",
        PREFIX + "-v1-cache:/cache",
        PREFIX + "-builds:/builds",
    ]
    assert all(v["per_job"] for v in plan["volumes"])
    assert plan["volumes"][2]["spec"] is None
    builds = plan["builds"]
    assert (builds["kind"], builds["volume"], builds["host_project_dir"], builds["persistent"]) == (
        "volume",
        PREFIX + "-builds",
        None,
        False,
    )
    # The job and its services share every volume: the dind service writes the client certificates there.
    assert _values(plan["job"]["argv"], "-v") == arguments
    assert _values(plan["services"][0]["argv"], "-v") == arguments


def test_named_volume_covering_the_builds_dir_is_used_as_is():
    plan = _plan(_dind(volumes=["ci-builds:/builds", "/certs/client"]))
    assert plan["volumes"][0]["argument"] == "ci-builds:/builds"
    assert plan["volumes"][0]["per_job"] is False
    assert len(plan["volumes"]) == 2
    builds = plan["builds"]
    assert (builds["kind"], builds["volume"], builds["persistent"]) == ("volume", "ci-builds", True)


def test_custom_builds_dir():
    config = _socket(volumes=[SOCKET_BIND, "/srv/ci:/srv/ci/"])
    config["runners"][0]["builds_dir"] = "/srv/ci/"
    plan = _plan(config, project="a/b/c")
    assert plan["builds"]["project_dir"] == "/srv/ci/x/0/a/b/c"
    assert plan["builds"]["host_project_dir"] == "/srv/ci/x/0/a/b/c"
    assert plan["variables"]["CI_BUILDS_DIR"] == "/srv/ci"
    assert plan["variables"]["CI_PROJECT_NAMESPACE"] == "a/b"
    assert plan["variables"]["CI_PROJECT_NAME"] == "c"


def test_docker_overrides_replace_the_runners_keys():
    plan = _plan(_socket(), docker_overrides={"volumes": [SOCKET_BIND, "/cache"]})
    assert [v["spec"] for v in plan["volumes"]] == [SOCKET_BIND, "/cache", None]
    assert plan["builds"]["kind"] == "volume"
    assert plan["image"] == "docker:20.10.24"


# --- the plan: privileges, services, variables -----------------------------------


@pytest.mark.parametrize(
    "privileged, services_privileged, job, services",
    [
        (True, None, True, True),
        (False, None, False, False),
        (True, False, True, False),
        (False, True, False, True),
    ],
)
def test_privileged_for_job_and_services(privileged, services_privileged, job, services):
    overrides = {"privileged": privileged}
    if services_privileged is not None:
        overrides["services_privileged"] = services_privileged
    plan = _plan(_dind(**overrides))
    assert ("--privileged" in plan["job"]["argv"]) is job
    assert ("--privileged" in plan["services"][0]["argv"]) is services
    assert plan["services"][0]["privileged"] is services


def test_variables_merge_runner_environment_then_ci_then_job():
    config = _dind()
    config["runners"][0]["environment"] = ["DOCKER_TLS_CERTDIR=/certs", "CI_PROJECT_DIR=/elsewhere", "KEEP=1"]
    plan = _plan(config, variables={"DOCKER_TLS_CERTDIR": "", "EXTRA": 7})
    job = _env(plan["job"]["argv"])
    assert job["DOCKER_TLS_CERTDIR"] == ""
    assert job["CI_PROJECT_DIR"] == PROJECT_DIR
    assert (job["KEEP"], job["EXTRA"], job["CI_JOB_ID"], job["CI"]) == ("1", "7", str(JOB_ID), "true")
    assert job["CI_BUILDS_DIR"] == "/builds"
    assert plan["environment"] == {"DOCKER_TLS_CERTDIR": "/certs", "CI_PROJECT_DIR": "/elsewhere", "KEEP": "1"}
    # Services get every job variable: that is how DOCKER_TLS_CERTDIR="" turns TLS off in the dind service.
    assert _env(plan["services"][0]["argv"]) == job


@pytest.mark.parametrize("environment, variables, name, value", [
    # common/spec/variables.go Expand: one level, against the values as written; the last of a name wins.
    (["BASE=/opt", "TOOL=$BASE/tool"], {}, "TOOL", "/opt/tool"),
    (["BASE=/opt"], {"TOOL": "${BASE}/bin", "BASE": "/usr"}, "TOOL", "/usr/bin"),
    (["PASSWORD=pa$$word"], {}, "PASSWORD", "pa$word"),
    (["PASSWORD=pa$word"], {}, "PASSWORD", "pa"),
    (["PRICE=5$"], {}, "PRICE", "5$"),
    (["ARGS=a$1b$@c"], {}, "ARGS", "abc"),
    (["WHERE=$CI_PROJECT_DIR/x"], {}, "WHERE", PROJECT_DIR + "/x"),
    (["NESTED=$A", "A=$B", "B=end"], {}, "NESTED", "$B"),
])
def test_variables_are_expanded_as_the_runner_expands_them(environment, variables, name, value):
    plan = _plan(_config(image="alpine:3", environment=environment), variables=variables)
    assert plan["variables"][name] == value
    assert _env(plan["job"]["argv"])[name] == value


def test_variables_come_in_the_runners_order():
    config = _config(image="alpine:3", environment=["CI_SERVER=no", "CI_JOB_ID=1", "CI_DISPOSABLE_ENVIRONMENT=no",
                                                    "RUNNER_TEMP_PROJECT_DIR=/x"])
    plan = _plan(config, variables={"CI_PROJECT_DIR": "/mine", "CI_DISPOSABLE_ENVIRONMENT": "no"}, timeout=90)
    variables = plan["variables"]
    # The runner's defaults come after its environment, GitLab's and the job's after those, and a few at the end.
    assert (variables["CI_SERVER"], variables["CI_JOB_ID"], variables["CI_PROJECT_DIR"]) == ("yes", str(JOB_ID), "/mine")
    assert variables["CI_DISPOSABLE_ENVIRONMENT"] == "true" and variables["RUNNER_TEMP_PROJECT_DIR"] == PROJECT_DIR + ".tmp"
    assert (variables["CI_JOB_STATUS"], variables["CI_JOB_TIMEOUT"], variables["CI_CONCURRENT_PROJECT_ID"]) == (
        "running", "90", "0")
    assert "CI_JOB_TIMEOUT" not in _plan(config)["variables"]


def test_ci_job_image_is_the_jobs_own_image_only():
    assert "CI_JOB_IMAGE" not in _plan(_socket())["variables"]
    assert _plan(_socket(), image="alpine:3")["variables"]["CI_JOB_IMAGE"] == "alpine:3"


def test_images_names_and_aliases_are_expanded_with_the_jobs_variables():
    config = _config(image="alpine:$ALPINE", environment=["ALPINE=3.20", "DIND=27.5.1"],
                     services=[{"name": "docker:${DIND}-dind", "alias": "$ALIAS"}])
    plan = _plan(config, variables={"ALIAS": "daemon"}, services=[{"name": "postgres:$PG"}])
    assert plan["image"] == "alpine:3.20" and plan["job"]["argv"][-4] == "alpine:3.20"
    assert [s["image"] for s in plan["services"]] == ["docker:27.5.1-dind"]
    assert plan["services"][0]["aliases"] == ["docker", "daemon"]
    assert 'Docker cannot parse its image name' in plan["warnings"][0]  # "postgres:" with $PG unset


def test_service_variables_are_expanded_against_the_jobs_and_their_own():
    plan = _plan(_dind(), variables={"PORT": "8080"},
                 services=[{"name": "mock:1", "variables": {"LISTEN": ":$PORT", "URL": "http://x$LISTEN"}}])
    environment = plan["services"][1]["environment"]
    assert (environment["LISTEN"], environment["URL"]) == (":8080", "http://x:$PORT")
    assert "LISTEN" not in plan["variables"]


@pytest.mark.parametrize("entry, docker, per_build", [
    ({}, {}, False),
    ({"environment": PER_BUILD}, {}, True),
    ({"environment": ["FF_NETWORK_PER_BUILD=true"]}, {}, True),
    ({"environment": ["FF_NETWORK_PER_BUILD=yes"]}, {}, False),  # strconv.ParseBool refuses it: the default
    ({"feature_flags": {"FF_NETWORK_PER_BUILD": True}}, {}, True),
    # The runner's feature_flags table wins over a variable.
    ({"feature_flags": {"FF_NETWORK_PER_BUILD": False}, "environment": PER_BUILD}, {}, False),
    ({"environment": PER_BUILD}, {"network_mode": "host"}, False),
])
def test_the_job_network_is_per_build_as_the_runner_decides(entry, docker, per_build):
    config = _config(image="alpine:3", **docker)
    config["runners"][0].update(entry)
    plan = _plan(config)
    assert plan["network_per_build"] is per_build
    job = plan["job"]["argv"]
    assert (_values(job, "--network-alias") == ["build", PREFIX + "-job"]) is per_build
    assert (plan["variables"].get("CI_BUILD_NETWORK_NAME") == PREFIX + "-network") is per_build


def test_a_job_variable_turns_the_per_build_network_on():
    assert _plan(_config(image="alpine:3"), variables={"FF_NETWORK_PER_BUILD": "1"})["network_per_build"] is True


@pytest.mark.parametrize("docker, image, job", [
    ({"privileged": True}, None, True),
    ({"privileged": True, "allowed_privileged_images": ["alpine:*"]}, "alpine:3.20", True),
    ({"privileged": True, "allowed_privileged_images": ["alpine:*"]}, "debian:12", False),
    # Without a job image the runner matches the list against "" (the job names no image): only "*" allows it.
    ({"privileged": True, "allowed_privileged_images": ["docker:*"]}, None, False),
    ({"privileged": True, "allowed_privileged_images": ["*"]}, None, True),
    ({"privileged": False, "allowed_privileged_images": ["*"]}, "alpine:3.20", False),
])
def test_the_job_runs_privileged_when_allowed_privileged_images_allows_it(docker, image, job):
    plan = _plan(_config(**dict(docker, image="docker:27.5.1")), image=image)
    assert plan["privileged"] is job and ("--privileged" in plan["job"]["argv"]) is job


@pytest.mark.parametrize("allowed, services", [
    ([], [True, True]),
    (["docker:*-dind"], [True, False]),
    (["**/*"], [True, True]),
    (["registry.example.com/**"], [False, True]),
])
def test_services_run_privileged_when_allowed_privileged_services_allows_them(allowed, services):
    plan = _plan(_dind(allowed_privileged_services=allowed), services=["registry.example.com/tools/daemon:1"])
    assert [service["privileged"] for service in plan["services"]] == services
    assert [("--privileged" in service["argv"]) for service in plan["services"]] == services


def test_allowed_images_and_services_let_the_runners_own_images_through():
    # VerifyAllowedImage: the runner's default image and its own services are "internal" images.
    plan = _plan(_dind(allowed_images=["alpine:*"], allowed_services=["postgres:*"]), image="docker:20.10.24",
                 services=["postgres:16", "docker:20.10.24-dind"])
    assert plan["image"] == "docker:20.10.24" and len(plan["services"]) == 2
    assert _plan(_dind(allowed_images=["alpine:*"]))["image"] == "docker:20.10.24"  # no job image: not checked


@pytest.mark.parametrize("pull_policy, allowed, effective", [
    (None, None, ["always"]),
    (["always", "if-not-present"], ["if-not-present", "never"], ["if-not-present"]),
    (None, ["always", "never"], ["always"]),
    ("never", None, ["never"]),
])
def test_the_pull_policies_in_effect(pull_policy, allowed, effective):
    docker = {"image": "alpine:3"}
    if pull_policy is not None:
        docker["pull_policy"] = pull_policy
    if allowed is not None:
        docker["allowed_pull_policies"] = allowed
    assert _plan(_config(**docker))["pull_policy"] == effective


def test_plan_warnings_are_warnings_of_the_run():
    docker = FakeDocker()
    docker.present_images.add("postgres:16")
    result = _run(_plan(_dind(), services=["postgres:16", "postgres:16"]), docker)
    assert any("is not started" in warning for warning in result["warnings"])


def test_service_environment_and_job_services():
    plan = _plan(
        _dind(services=[{"name": "docker:20.10.24-dind", "environment": ["DOCKERD_FLAG=1"]}]),
        services=[
            "postgres:16",
            {"name": "registry.example.com:5000/tools/mock:1", "alias": "mock", "variables": {"PORT": "8080"},
             "entrypoint": ["/bin/sh", "-c"], "command": ["exec mock --port $PORT"]},
        ],
    )
    first, second, third = plan["services"]
    assert _env(first["argv"])["DOCKERD_FLAG"] == "1"
    assert second["aliases"] == ["postgres"] and second["dind"] is False
    assert "DOCKERD_FLAG" not in _env(second["argv"])
    assert third["aliases"] == ["registry.example.com__tools__mock", "registry.example.com-tools-mock", "mock"]
    assert _env(third["argv"])["PORT"] == "8080"
    # docker run takes one word for --entrypoint: the rest precedes the command.
    assert _values(third["argv"], "--entrypoint") == ["/bin/sh"]
    assert third["argv"][-3:] == ["registry.example.com:5000/tools/mock:1", "-c", "exec mock --port $PORT"]
    assert [s["container"] for s in plan["services"]] == [PREFIX + "-svc0", PREFIX + "-svc1", PREFIX + "-svc2"]


def test_an_empty_entrypoint_keeps_the_images():
    plan = _plan(_dind(), services=[{"name": "busybox:1", "entrypoint": [], "command": ["sleep", "60"]}])
    argv = plan["services"][1]["argv"]
    assert "--entrypoint" not in argv
    assert argv[-3:] == ["busybox:1", "sleep", "60"]


def test_disable_entrypoint_overwrite_keeps_the_images_with_a_warning():
    plan = _plan(_dind(disable_entrypoint_overwrite=True), services=[{"name": "busybox:1", "entrypoint": ["sh"]}])
    assert "--entrypoint" not in plan["services"][1]["argv"]
    assert "disable_entrypoint_overwrite" in plan["warnings"][0]


def test_job_only_and_shared_host_settings():
    plan = _plan(
        _socket(extra_hosts=["gitlab.example.com:10.0.0.5"], dns=["10.0.0.2"], cap_add=["NET_ADMIN"], user="1000"),
        services=["redis:7"],
    )
    job, service = plan["job"]["argv"], plan["services"][0]["argv"]
    for argv in (job, service):
        assert _values(argv, "--add-host") == ["gitlab.example.com:10.0.0.5"]
        assert _values(argv, "--dns") == ["10.0.0.2"]
    assert _values(job, "--cap-add") == ["NET_ADMIN"] and _values(job, "--user") == ["1000"]
    assert "--cap-add" not in service and "--user" not in service


def test_image_option_overrides_the_runners_image():
    plan = _plan(_socket(), image="docker:20.10.24-git")
    assert plan["image"] == "docker:20.10.24-git"
    assert plan["job"]["argv"][-4] == "docker:20.10.24-git"
    assert plan["variables"]["CI_JOB_IMAGE"] == "docker:20.10.24-git"


def test_default_project_and_generated_ids_are_unique():
    first = plan_job(_socket(), script=["true"])
    second = plan_job(_socket(), script=["true"])
    assert first["job_id"] != second["job_id"] and first["marker"] != second["marker"]
    assert first["builds"]["project_dir"] == "/builds/x/0/runnerops-smoke/ci-job-%s" % first["job_id"]


@pytest.mark.parametrize(
    "docker, expected",
    [({}, ["always"]), ({"pull_policy": "never"}, ["never"]), ({"pull_policy": ["always", "if-not-present"]}, ["always", "if-not-present"])],
)
def test_pull_policy(docker, expected):
    assert _plan(_socket(**docker) if docker else _config(image="alpine:3"))["pull_policy"] == expected


@pytest.mark.parametrize(
    "timeout, expected",
    [(None, 30), (0, 30), (90, 90), (-1, -1)],
)
def test_wait_for_services_timeout(timeout, expected):
    overrides = {} if timeout is None else {"wait_for_services_timeout": timeout}
    assert _plan(_dind(**overrides))["wait_for_services_timeout"] == expected


def test_local_docker_host_is_used_for_every_command():
    plan = _plan(_socket(host="unix:///run/user/0/docker.sock"))
    assert plan["docker_host_args"] == ["--host", "unix:///run/user/0/docker.sock"]


# --- the plan: bad input ---------------------------------------------------------


@pytest.mark.parametrize(
    "config, options, message",
    [
        (_config(executor="shell", image="x:1"), {}, "uses executor 'shell': only the docker executor"),
        (_config(volumes=["/cache"]), {}, "has no \\[runners.docker\\] image and no job image"),
        (_socket(volumes=["name:/data:nocopy"]), {}, "volumes\\[0\\]: GitLab Runner refuses .*not \"nocopy\""),
        (_socket(volumes=["/cache", "cache:/cache"]), {}, 'mounts at /cache like "/cache"'),
        (_socket(volumes="/cache"), {}, "volumes must be a list of strings, got str"),
        (_socket(volumes=["/cache", 3]), {}, "volumes\\[1\\] must be a string, got int"),
        (_dind(services=[{"name": "x:1", "command": "sleep 1"}]), {}, "command must be a list of strings"),
        (_socket(), {"project": "single"}, 'must be "namespace/project"'),
        (_socket(), {"project": "ns/../etc"}, 'must be "namespace/project"'),
        (_socket(), {"variables": ["A=1"]}, "variables must be a dict"),
        (_socket(), {"variables": {"A": True}}, 'variables\\["A"\\] must be a string'),
        (_socket(), {"variables": {"1A": "x"}}, "is not a variable name"),
        (_socket(pull_policy=["sometimes"]), {}, 'pull_policy "sometimes" is not one the runner knows'),
        (_socket(host="tcp://10.0.0.9:2376"), {}, "jobs run on that remote daemon"),
        (_socket(privileged="yes"), {}, "privileged must be true or false"),
        (_socket(wait_for_services_timeout="30s"), {}, "wait_for_services_timeout must be an integer"),
        (_dind(services=[{"alias": "docker"}]), {}, 'services\\[0\\] has an alias but no "name"'),
        (_dind(services=[{"name": 3}]), {}, 'services\\[0\\] "name", the image of the service, must be a string'),
        (_dind(services=[{"name": "x:1", "alias": ["a"]}]), {}, "services\\[0\\] alias must be a string"),
        (_socket(allowed_images=["alpine:*"]), {"image": "debian:12"}, 'image "debian:12" is not in .* allowed_images'),
        (_dind(allowed_services=["docker:*"]), {"services": ["postgres:16"]},
         'service services\\[0\\] "postgres:16" is not in .* allowed_services'),
        (_dind(services_limit=1), {"services": ["postgres:16"]}, "the job has 2 services but .* services_limit .* is 1"),
        (_socket(pull_policy="always", allowed_pull_policies=["if-not-present"]), {}, "has no policy that allowed_pull"),
        (_socket(allowed_pull_policies=["sometimes"]), {}, 'allowed_pull_policies "sometimes" is not one'),
        (_socket(user="root", allowed_users=["ci"]), {}, 'user "root" is not in allowed_users'),
        (_socket(allowed_privileged_images="docker:*"), {}, "allowed_privileged_images must be a list"),
        (_config(image="x:1", builds_dir="/"), {}, 'builds_dir is "/"'),
        (_dind(services=[{"name": "docker:1-dind", "variables": {}}]), {}, "unknown keys variables"),
        (_dind(), {"services": [{"name": "x:1", "environment": ["A=1"]}]}, "unknown keys environment"),
        (_dind(), {"services": "postgres"}, "services must be a list"),
        (_socket(), {"script": []}, "script must be a non-empty list"),
        (_socket(), {"script": ["ok", " "]}, "script\\[1\\] must be a non-empty string"),
        (_socket(), {"docker_overrides": ["volumes"]}, "docker_overrides must be a dict"),
        (_config(image="x:1", builds_dir="builds"), {}, "builds_dir must be an absolute path"),
        (_socket(extra_hosts="a:1.2.3.4"), {}, "extra_hosts must be a list of strings"),
        (_socket(extra_hosts=["a:1.2.3.4", "gitlab=10.0.0.5"]), {},
         "extra_hosts\\[1\\] is \"gitlab=10.0.0.5\", not NAME:ADDRESS: Docker refuses it"),
        (_socket(user=1000), {}, "user must be a string"),
        ({"runners": [{"name": "x", "executor": "docker", "docker": "docker:1"}]}, {}, "must be a table"),
        (_socket(), {"project": "group/."}, 'project "group/." must be "namespace/project"'),
        (_socket(), {"project": "../project"}, 'project "../project" must be "namespace/project"'),
        (_socket(), {"timeout": "60"}, "timeout must be an integer \\(seconds\\), got str '60'"),
        (_socket(cap_drop="ALL"), {}, "\\[runners.docker\\] cap_drop must be a list of strings"),
        (_socket(security_opt=[1]), {}, "\\[runners.docker\\] security_opt\\[0\\] must be a string"),
        # services_limit = 0: no service at all (executors/docker/services.go getServicesDefinitions).
        (_dind(services_limit=0), {}, "the job has 1 services but .* services_limit .* is 0"),
        ({"runners": [{"executor": "shell"}]}, {}, 'runner "runner #1" uses executor \'shell\''),
    ],
)
def test_plan_errors(config, options, message):
    with pytest.raises(ValueError, match=message):
        _plan(config, **options)


def test_runner_environment_errors_name_the_table():
    with pytest.raises(ValueError, match='\\[\\[runners\\]\\] environment\\[0\\] "NOEQUALS" has no "="'):
        _plan(_config(image="x:1", environment=["NOEQUALS"]))


# --- the script ------------------------------------------------------------------


def _sh(text):
    return subprocess.run(["sh", "-c", text], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def test_script_echoes_each_line_and_stops_at_the_first_failure():
    done = _sh(build_script(["echo one", "echo 'two' >&2", "false", "echo never"]))
    assert done.returncode == 1
    # stderr goes to the same stream as stdout, in order.
    assert done.stdout == "$ echo one\none\n$ echo 'two' >&2\ntwo\n$ false\n"
    assert done.stderr == ""


def test_script_keeps_quotes_and_variables_for_the_shell():
    line = 'X="a b"; printf "%s|" "$X" \'$X\''
    done = _sh(build_script([line]))
    assert done.returncode == 0
    assert done.stdout == "$ %s\na b|$X|" % line


# --- running a plan (a fake docker CLI) -------------------------------------------


class FakeDocker(object):
    """Answers docker CLI calls like a daemon would for a job that works; tests change single answers."""

    def __init__(self, job_exit=0, job_polls=1, service_exposes=("2375/tcp", "2376/tcp")):
        self.calls = []
        self.job_exit = job_exit
        self.job_polls = job_polls
        self.service_exposes = service_exposes
        self.fail = {}
        self.present_images = {"docker:20.10.24", "docker:20.10.24-dind", "hello-world"}
        self.environments = {}

    def __call__(self, argv):
        self.calls.append(list(argv))
        if argv[:3] == ["run", "-d", "--name"]:
            self.environments[argv[3]] = _values(argv, "-e")
        key = tuple(argv[:2])
        for prefix, answer in self.fail.items():
            if tuple(argv[: len(prefix)]) == prefix:
                return answer
        if key == ("image", "inspect"):
            return (0, "sha256:1\n", "") if argv[-1] in self.present_images else (1, "", "Error: No such image")
        if key == ("volume", "inspect"):
            return 1, "", "Error: No such volume: %s" % argv[-1]
        if argv[0] == "inspect":
            return self._inspect(argv[-1])
        if argv[0] == "logs":
            if argv[-1].endswith("-job"):
                return 0, "$ docker run --rm hello-world\nHello from Docker!\n", ""
            return 0, "service log line\n", ""
        if argv[0] == "pull":
            return 1, "", "Error response from daemon: no registry"
        return 0, "", ""

    def _inspect(self, container):
        if container.endswith("-job"):
            self.job_polls -= 1
            running = self.job_polls >= 0
            return 0, json.dumps([{"State": {"Running": running, "ExitCode": 0 if running else self.job_exit}}]), ""
        network = container.rsplit("-svc", 1)[0] + "-network"
        info = {
            "State": {"Running": True, "ExitCode": 0},
            "Config": {"ExposedPorts": dict((port, {}) for port in self.service_exposes),
                       "Env": self.environments.get(container, [])},
            "NetworkSettings": {"Networks": {network: {"IPAddress": "172.19.0.2"}}},
        }
        return 0, json.dumps([info]), ""

    def commands(self, *words):
        return [call for call in self.calls if call[: len(words)] == list(words)]


class FakeClock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _run(plan, docker, probe=lambda address, port, timeout: True, **options):
    clock = FakeClock()
    return run_job(plan, docker, probe=probe, sleep=clock.sleep, clock=clock, **options)


def _cleanup_calls(docker):
    return [call for call in docker.calls if call[:2] in (["rm", "-f"], ["network", "rm"], ["volume", "rm"])]


def test_dind_job_runs_and_everything_it_created_is_removed():
    plan = _plan(_dind())
    docker = FakeDocker()
    result = _run(plan, docker, preload_images=["hello-world"])
    assert (result["rc"], result["timed_out"]) == (0, False)
    assert "Hello from Docker!" in result["output"]
    assert result["argv"] == ["docker"] + plan["job"]["argv"]
    assert result["services"][0]["ready"] is True and result["services"][0]["aliases"] == ["docker"]
    assert "logs" not in result["services"][0]
    assert set(result["durations"]) == {"setup", "services", "script", "cleanup", "total"}
    # The project was prepared through a container on the builds volume, with the marker.
    prepare = docker.commands("run", "--rm")[0]
    assert "RUNNEROPS_MARKER=runnerops-marker-test" in prepare and PREFIX + "-builds:/builds" in prepare
    # Services start before the job; the image is saved once and loaded into the dind service.
    order = [call[:2] for call in docker.calls if call[0] in ("run", "save", "cp", "exec")]
    assert order[:2] == [["run", "--rm"], ["run", "-d"]]
    assert docker.commands("save")[0][-1] == "hello-world"
    assert docker.commands("exec")[0][-4:] == ["docker", "load", "-i", "/runnerops-preload-0.tar"]
    assert order[-1] == ["run", "-d"] and docker.calls.index(docker.commands("run", "-d")[-1]) > docker.calls.index(
        docker.commands("exec")[0]
    )
    assert _cleanup_calls(docker) == [
        ["rm", "-f", "-v", PREFIX + "-job"],
        ["rm", "-f", "-v", PREFIX + "-svc0"],
        ["network", "rm", PREFIX + "-network"],
        ["volume", "rm", "-f", PREFIX + "-v0-certs-client"],
        ["volume", "rm", "-f", PREFIX + "-v1-cache"],
        ["volume", "rm", "-f", PREFIX + "-builds"],
    ]
    assert result["cleanup_errors"] == [] and result["warnings"] == []


def test_failing_job_reports_rc_and_service_logs():
    docker = FakeDocker(job_exit=125)
    result = _run(_plan(_dind()), docker)
    assert result["rc"] == 125
    assert result["services"][0]["logs"] == "service log line\n"


def test_service_that_cannot_start_fails_setup_and_still_cleans_up():
    docker = FakeDocker()
    docker.fail[("run", "-d", "--name", PREFIX + "-svc0")] = (125, "", "docker: Error response from daemon: bad")
    with pytest.raises(JobSetupError, match='starting service "docker:20.10.24-dind" failed .*bad') as error:
        _run(_plan(_dind()), docker)
    details = error.value.details
    assert "rc" not in details and details["durations"]["cleanup"] >= 0
    assert details["services"][0]["logs"] == "service log line\n"
    assert _cleanup_calls(docker)[0] == ["rm", "-f", "-v", PREFIX + "-svc0"]
    assert ["network", "rm", PREFIX + "-network"] in _cleanup_calls(docker)
    assert not docker.commands("run", "-d", "--name", PREFIX + "-job")


def test_service_that_never_answers_is_a_warning_and_the_job_runs():
    docker = FakeDocker()
    result = _run(_plan(_dind()), docker, probe=lambda address, port, timeout: False)
    service = result["services"][0]
    assert service["ready"] is False and service["waited"] >= 30
    assert service["status"] == "no answer on TCP 2375, 2376 within 30s"
    assert service["logs"] == "service log line\n"
    assert "probably did not start properly" in result["warnings"][0]
    assert result["rc"] == 0


def test_healthcheck_tcp_port_variable_chooses_the_port():
    probed = []

    def probe(address, port, timeout):
        probed.append((address, port))
        return True

    _run(_plan(_dind(), variables={"HEALTHCHECK_TCP_PORT": "2376"}), FakeDocker(), probe=probe)
    assert probed == [("172.19.0.2", 2376)]
    probed[:] = []
    # The name in any case, from the container's environment (the image's too).
    _run(_plan(_dind(), variables={"healthcheck_tcp_port": "2375"}), FakeDocker(), probe=probe)
    assert probed == [("172.19.0.2", 2375)]


@pytest.mark.parametrize("timeout", [None, -1])
def test_a_healthcheck_tcp_port_that_is_no_number_fails_the_job_as_in_the_runner(timeout):
    overrides = {} if timeout is None else {"wait_for_services_timeout": timeout}
    with pytest.raises(JobSetupError, match="HEALTHCHECK_TCP_PORT is 'hello', not a port number"):
        _run(_plan(_dind(**overrides), variables={"HEALTHCHECK_TCP_PORT": "hello"}), FakeDocker())


def test_at_most_20_exposed_ports_are_waited_for_the_lowest_first():
    probed = set()

    def probe(address, port, timeout):
        probed.add(port)
        return False

    ports = ["%d/tcp" % port for port in range(1030, 1000, -1)] + ["53/udp"]
    _run(_plan(_dind()), FakeDocker(service_exposes=ports), probe=probe)
    assert probed == set(range(1001, 1021))


def test_service_without_ports_fails_the_health_check_at_once():
    result = _run(_plan(_dind()), FakeDocker(service_exposes=()), probe=lambda *args: pytest.fail("probed"))
    assert (result["services"][0]["ready"], result["services"][0]["status"]) == (False, "no exposed TCP port to wait for")
    assert "probably did not start properly" in result["warnings"][0] and result["rc"] == 0


def test_job_that_runs_too_long_is_killed():
    docker = FakeDocker(job_polls=10 ** 6)
    result = _run(_plan(_socket(volumes=[SOCKET_BIND, "/cache"])), docker, timeout=5)
    assert (result["rc"], result["timed_out"]) == (-1, True)
    assert docker.commands("kill") == [["kill", PREFIX + "-job"]]
    assert "ran longer than 5s and was killed" in result["output"]


def test_missing_image_fails_with_the_policies_tried():
    docker = FakeDocker()
    docker.present_images = set()
    with pytest.raises(JobSetupError, match='image "docker:20.10.24" is not available with pull_policy \\["if-not-present"\\]'):
        _run(_plan(_dind()), docker)
    assert not docker.commands("network", "create")


def test_pull_policy_list_falls_back_like_the_runner():
    docker = FakeDocker()
    _run(_plan(_dind(pull_policy=["always", "if-not-present"])), docker)
    assert docker.commands("pull")[0] == ["pull", "docker:20.10.24"]
    assert docker.commands("run", "-d")


def test_never_pull_policy_suggests_if_not_present():
    docker = FakeDocker()
    docker.present_images = {"docker:20.10.24"}
    with pytest.raises(JobSetupError, match='"never": image not present.*add "if-not-present"'):
        _run(_plan(_dind(pull_policy="never")), docker)
    assert not docker.commands("pull")


def test_preload_needs_a_dind_service():
    docker = FakeDocker()
    with pytest.raises(JobSetupError, match="preload_images needs a dind service"):
        _run(_plan(_socket(volumes=[SOCKET_BIND, "/cache"])), docker, preload_images=["hello-world"])
    assert ["network", "rm", PREFIX + "-network"] in _cleanup_calls(docker)


def test_preload_waits_for_a_starting_daemon_but_not_for_other_errors():
    docker = FakeDocker()
    answers = [(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock")] * 2

    original = docker.__call__

    def flaky(argv):
        if argv[:1] == ["exec"] and "load" in argv and answers:
            docker.calls.append(list(argv))
            return answers.pop()
        return original(argv)

    result = _run(_plan(_dind()), flaky, preload_images=["hello-world"])
    assert result["rc"] == 0
    assert len([call for call in docker.calls if call[:1] == ["exec"] and "load" in call]) == 3
    docker = FakeDocker()
    docker.fail[("exec", "-e")] = (1, "", "open /runnerops-preload-0.tar: no such file or directory")
    with pytest.raises(JobSetupError, match="loading \"hello-world\" .* no such file"):
        _run(_plan(_dind()), docker, preload_images=["hello-world"])
    assert len(docker.commands("exec", "-e")) == 1


def test_named_volume_that_docker_creates_is_removed_and_its_project_cleaned():
    docker = FakeDocker()
    docker.fail[("run", "--rm")] = (0, "created /builds/x\ncreated /builds/x/0\ncreated %s\n" % SHARED_PROJECT_DIR, "")
    _run(_plan(_dind(volumes=["ci-builds:/builds", "/certs/client"])), docker)
    assert ["volume", "rm", "-f", "ci-builds"] in _cleanup_calls(docker)
    removal = docker.commands("run", "--rm")[-1]
    assert removal[-1] == "rm -rf %s\nrmdir /builds/x/0 2>/dev/null || true\nrmdir /builds/x 2>/dev/null || true" % (
        SHARED_PROJECT_DIR)


def test_existing_named_volume_is_kept():
    docker = FakeDocker()
    docker.fail[("volume", "inspect")] = (0, "[]", "")
    _run(_plan(_dind(volumes=["ci-builds:/builds", "/certs/client"])), docker)
    assert ["volume", "rm", "-f", "ci-builds"] not in _cleanup_calls(docker)


def test_cleanup_problems_are_reported_not_raised():
    docker = FakeDocker()
    docker.fail[("volume", "rm")] = (1, "", "Error: volume is in use")
    docker.fail[("network", "rm")] = (1, "", "Error: network runnerops-x not found")
    result = _run(_plan(_dind()), docker)
    assert result["rc"] == 0
    assert len(result["cleanup_errors"]) == 3
    assert all("volume is in use" in problem for problem in result["cleanup_errors"])


# --- running a plan whose project lives on the host --------------------------------


def _host_config(tmp_path, **docker):
    builds = str(tmp_path / "builds")
    config = _socket(volumes=[SOCKET_BIND, "%s:%s" % (builds, builds), "/cache"], **docker)
    config["runners"][0]["builds_dir"] = builds
    return config, builds


def test_project_on_the_host_holds_the_marker_and_is_removed(tmp_path):
    config, builds = _host_config(tmp_path)
    seen = {}

    docker = FakeDocker()
    original = docker.__call__

    def docker_that_looks(argv):
        if argv[:2] == ["run", "-d"]:
            marker = os.path.join(seen.setdefault("project", plan["builds"]["host_project_dir"]), "test", "int-00", "marker")
            with open(marker) as handle:
                seen["marker"] = handle.read()
        return original(argv)

    plan = _plan(config, project="group/app")
    result = _run(plan, docker_that_looks)
    assert seen == {"project": str(tmp_path / "builds" / "x" / "0" / "group" / "app"), "marker": "runnerops-marker-test\n"}
    assert result["host_project_dir"] == seen["project"]
    # Builds dir, namespace and project were all created by the job: nothing is left.
    assert os.listdir(str(tmp_path)) == []


def test_existing_parents_on_the_host_are_kept(tmp_path):
    config, builds = _host_config(tmp_path)
    os.makedirs(os.path.join(builds, "x", "0", "group", "other"))
    _run(_plan(config, project="group/app"), FakeDocker())
    assert os.listdir(os.path.join(builds, "x", "0", "group")) == ["other"]


def test_existing_project_on_the_host_is_never_touched(tmp_path):
    config, builds = _host_config(tmp_path)
    project = os.path.join(builds, "x", "0", "group", "app")
    os.makedirs(project)
    with open(os.path.join(project, "keep"), "w") as handle:
        handle.write("data")
    docker = FakeDocker()
    with pytest.raises(JobSetupError, match="project directory %s already exists" % project):
        _run(_plan(config, project="group/app"), docker)
    assert os.listdir(project) == ["keep"]
    assert ["network", "rm", PREFIX + "-network"] in _cleanup_calls(docker)


def test_host_path_a_job_made_the_host_daemon_create_is_removed(tmp_path):
    # Socket mode without the builds bind: the job's "docker run -v $CI_PROJECT_DIR/..." makes the
    # host daemon create the project path on the host, empty.
    builds = str(tmp_path / "builds")
    config = _socket(volumes=[SOCKET_BIND, "/cache"])
    config["runners"][0]["builds_dir"] = builds
    plan = _plan(config, project="group/app")
    docker = FakeDocker()
    original = docker.__call__

    def host_daemon(argv):
        if argv[:2] == ["run", "-d"]:
            os.makedirs(os.path.join(plan["builds"]["project_dir"], "test", "int-00"))
        return original(argv)

    _run(plan, host_daemon)
    assert os.listdir(str(tmp_path)) == []


def test_plan_is_not_changed_by_running_it():
    plan = _plan(_dind())
    before = copy.deepcopy(plan)
    _run(plan, FakeDocker())
    assert plan == before


# --- DOCKER_AUTH_CONFIG: the credential the runner pulls an image with ---------------------------------------------


def _auth_config(*entries):
    return json.dumps({"auths": dict(
        (server, {"auth": base64.b64encode(("%s:%s" % (user, password)).encode()).decode()})
        for server, user, password in entries)})


class AuthRecordingDocker(FakeDocker):
    """Pulls succeed; each pull's --config file is read while the call lasts (it is removed afterwards)."""

    def __init__(self):
        super(AuthRecordingDocker, self).__init__()
        self.present_images = set()
        self.pulls = []

    def __call__(self, argv):
        if "pull" in argv:
            config = None
            if argv[0] == "--config":
                with open(os.path.join(argv[1], "config.json")) as handle:
                    config = json.load(handle)
                assert os.stat(os.path.join(argv[1], "config.json")).st_mode & 0o777 == 0o600
            self.pulls.append((argv[-1], config))
            self.calls.append(list(argv))
            return 0, "", ""
        return super(AuthRecordingDocker, self).__call__(argv)


def _pulled_with(environment, image, variables=None):
    docker = AuthRecordingDocker()
    config = _config(name="r", environment=environment, image=image, pull_policy=["always"])
    _run(_plan(config, variables=variables or {}), docker)
    return dict(docker.pulls), docker


@pytest.mark.parametrize("image, key, user", [
    ("registry.example.com:5000/ci/job:1", "registry.example.com:5000", "ci"),
    ("registry.example.com:5000/team/app/job:1", "registry.example.com:5000", "team"),
    ("alpine:3.20", "https://index.docker.io/v1/", "hub"),
])
def test_the_image_is_pulled_with_the_credential_of_its_longest_registry_path(image, key, user):
    environment = ["DOCKER_AUTH_CONFIG=" + _auth_config(("registry.example.com:5000", "ci", "pw-ci"),
                                                        ("registry.example.com:5000/team", "team", "pw-team"),
                                                        ("docker.io", "hub", "pw-hub"))]
    pulls, _docker = _pulled_with(environment, image)
    auths = pulls[image]["auths"]
    assert list(auths) == [key]
    assert base64.b64decode(auths[key]["auth"]).decode().split(":")[0] == user


def test_an_image_of_another_registry_is_pulled_without_a_config():
    environment = ["DOCKER_AUTH_CONFIG=" + _auth_config(("registry.example.com:5000", "ci", "pw-ci"))]
    pulls, _docker = _pulled_with(environment, "other.example.com/job:1")
    assert pulls == {"other.example.com/job:1": None}


def test_the_job_variable_wins_over_the_runner_environment():
    environment = ["DOCKER_AUTH_CONFIG=" + _auth_config(("registry.example.com", "runner", "pw-runner"))]
    job = _auth_config(("registry.example.com", "job", "pw-job"))
    pulls, _docker = _pulled_with(environment, "registry.example.com/job:1", {"DOCKER_AUTH_CONFIG": job})
    auth = pulls["registry.example.com/job:1"]["auths"]["registry.example.com"]["auth"]
    assert base64.b64decode(auth).decode() == "job:pw-job"


def test_a_broken_auth_config_is_ignored_with_a_warning_as_the_runner_does():
    docker = AuthRecordingDocker()
    config = _config(name="r", environment=["DOCKER_AUTH_CONFIG={not json"], image="registry.example.com/j:1",
                     pull_policy=["always"])
    result = _run(_plan(config), docker)
    assert docker.pulls == [("registry.example.com/j:1", None)]
    assert any("DOCKER_AUTH_CONFIG is not used" in warning for warning in result["warnings"])


def test_the_auth_config_directory_is_removed_after_the_job():
    environment = ["DOCKER_AUTH_CONFIG=" + _auth_config(("registry.example.com", "ci", "pw-ci"))]
    _pulls, docker = _pulled_with(environment, "registry.example.com/job:1")
    config_dir = [call for call in docker.calls if call[0] == "--config"][0][1]
    assert not os.path.exists(config_dir)


def _per_build(config):
    config["runners"][0]["environment"] += PER_BUILD
    return config


def test_the_job_network_gets_network_mtu_as_the_runner_creates_it():
    docker = FakeDocker()
    _run(_plan(_per_build(_dind(network_mtu=1400))), docker)
    create = docker.commands("network", "create")[0]
    assert create[-3:] == ["-o", "com.docker.network.driver.mtu=1400", PREFIX + "-network"]


def test_network_mtu_needs_the_per_build_network():
    # networks/manager.go: without FF_NETWORK_PER_BUILD the runner creates no network, so network_mtu does nothing.
    plan = _plan(_dind(network_mtu=1400))
    assert (plan["network_per_build"], plan["network_mtu"]) == (False, 0)


def test_the_job_network_without_network_mtu_has_docker_default():
    docker = FakeDocker()
    _run(_plan(_dind()), docker)
    assert not any(word.startswith("com.docker.network.driver.mtu") for word in docker.commands("network", "create")[0])


@pytest.mark.parametrize("mtu", [-1, "1400", True])
def test_network_mtu_must_be_a_non_negative_integer(mtu):
    with pytest.raises(ValueError, match="network_mtu must be a non-negative integer"):
        _plan(_dind(network_mtu=mtu))


# --- what the plan and the run hold, in detail ---------------------------------------------------------------------


def test_job_only_settings_reach_the_job_container_and_no_user_means_the_images():
    argv = _plan(_socket(cap_drop=["NET_RAW"], security_opt=["no-new-privileges"], allowed_users=["ci"]))["job"]["argv"]
    assert _values(argv, "--cap-drop") == ["NET_RAW"] and _values(argv, "--security-opt") == ["no-new-privileges"]
    assert "--user" not in argv  # no user: the image's, which allowed_users does not restrict


def test_gitlabs_predefined_project_variables():
    plan = _plan(_socket(), project="group/sub/app")
    variables = dict(plan["variables"])
    assert (variables["CI_PROJECT_NAMESPACE"], variables["CI_PROJECT_NAME"], variables["CI_PROJECT_PATH"]) == (
        "group/sub", "app", "group/sub/app")
    assert variables["CI_RUNNER_DESCRIPTION"] == "docker-socket"


def test_without_a_script_the_job_runs_a_command_that_succeeds():
    plan = _plan(_socket(), script=None)
    assert plan["job"]["argv"][-3:] == ["sh", "-c", plan["job"]["script"]]
    done = _sh(plan["job"]["script"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_default_probe_is_a_tcp_connection():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        assert docker_job._tcp_open("127.0.0.1", port, 1.0) is True  # pylint: disable=protected-access
    finally:
        server.close()
    assert docker_job._tcp_open("127.0.0.1", port, 1.0) is False  # pylint: disable=protected-access


def test_a_long_job_log_keeps_its_end():
    docker = FakeDocker()
    docker.fail[("logs", PREFIX + "-job")] = (0, "x" * 100005 + "the end\n", "")
    output = _run(_plan(_socket(volumes=[SOCKET_BIND, "/cache"])), docker)["output"]
    assert output.startswith("[... 13 characters cut ...]\n") and output.endswith("the end\n")


def test_a_job_log_on_stderr_only():
    docker = FakeDocker()
    docker.fail[("logs", PREFIX + "-job")] = (0, "", "only on stderr\n")
    assert _run(_plan(_socket(volumes=[SOCKET_BIND, "/cache"])), docker)["output"] == "only on stderr\n"


def test_a_missing_image_with_if_not_present_is_not_told_to_add_it():
    docker = FakeDocker()
    docker.present_images = set()
    with pytest.raises(JobSetupError) as err:
        _run(_plan(_dind()), docker)
    assert str(err.value).endswith(": pull or load it on the host")


def test_the_project_in_a_volume_is_made_where_a_project_on_the_host_is():
    docker = FakeDocker()
    docker.fail[("run", "--rm")] = (0, "created %s\n" % SHARED_PROJECT_DIR, "")
    _run(_plan(_dind(volumes=["ci-builds:/builds", "/certs/client"])), docker)
    prepare, removal = docker.commands("run", "--rm")
    for argv in (prepare, removal):
        assert _values(argv, "-v") == ["ci-builds:/builds"] and argv[-3:-1] == ["docker:20.10.24", "-c"]
    assert "mkdir -p %s/test/int-00" % SHARED_PROJECT_DIR in prepare[-1]
    assert '> %s/test/int-00/marker' % SHARED_PROJECT_DIR in prepare[-1]


@pytest.mark.parametrize("port, valid", [("-2147483648", True), ("2147483647", True), ("-2147483649", False),
                                         ("2147483648", False)])
def test_healthcheck_tcp_port_is_any_32_bit_integer_as_strconv_parseint_reads_it(port, valid):
    probed = []

    def probe(address, number, timeout):
        probed.append(number)
        return True

    plan = _plan(_dind(), variables={"HEALTHCHECK_TCP_PORT": port})
    if valid:
        _run(plan, FakeDocker(), probe=probe)
        assert probed == [int(port)]
    else:
        with pytest.raises(JobSetupError, match="HEALTHCHECK_TCP_PORT is '%s', not a port number" % port):
            _run(plan, FakeDocker(), probe=probe)


def test_services_not_waited_for_are_reported_with_their_container():
    plan = _plan(_dind(wait_for_services_timeout=-1))
    services = _run(plan, FakeDocker())["services"]
    assert services == [{"image": "docker:20.10.24-dind", "aliases": ["docker"], "container":
                         plan["services"][0]["container"], "privileged": True, "ready": None, "waited": 0.0}]


def test_a_service_that_exited_says_its_exit_code():
    plan = _plan(_dind())
    container = plan["services"][0]["container"]
    docker = FakeDocker()
    inspect = docker._inspect  # pylint: disable=protected-access

    def exited(name):
        if name == container:
            return 0, json.dumps([{"State": {"Running": False, "ExitCode": 1}}]), ""
        return inspect(name)

    docker._inspect = exited  # pylint: disable=protected-access
    result = _run(plan, docker)
    assert result["services"][0]["status"] == "exited (code 1)" and result["services"][0]["ready"] is False
    assert any("probably did not start properly: exited (code 1)" in warning for warning in result["warnings"])


def test_preloaded_images_are_loaded_through_the_dind_socket_and_their_archives_removed():
    plan = _plan(_dind())
    container = plan["services"][0]["container"]
    assert plan["services"][0]["environment"].get("DOCKER_HOST", "") == ""
    docker = FakeDocker()
    _run(plan, docker, preload_images=["hello-world"])
    load = [call for call in docker.commands("exec") if "load" in call]
    assert load == [["exec", "-e", "DOCKER_HOST=unix:///var/run/docker.sock", "-e", "DOCKER_TLS_VERIFY=", container,
                     "docker", "load", "-i", "/runnerops-preload-0.tar"]]
    assert ["exec", container, "rm", "-f", "/runnerops-preload-0.tar"] in docker.calls
