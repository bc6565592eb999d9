"""runner_inputs and docker_inputs: each role's rules that need no host, on converted values.

The whole path (templating, conversion, both roles) runs in tests/unit/playbooks/test_input_catalogue.py; here each
rule is checked alone, positive and negative.
"""

from __future__ import annotations

import copy
import os

import pytest
import yaml

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_inputs, runner_inputs
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.role_inputs import Report

_ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))), "roles")


def _defaults(role):
    with open(os.path.join(_ROLES, role, "defaults", "main.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


RUNNER = dict(_defaults("runner"), runner_gitlab_url="https://gitlab.example.com",
              runner_access_token="glpat-rules-test-0001", runner_docker_image="docker:27.5.1",
              runner_dind_base_image="docker:27.5.1-dind", runner_dind_image="docker:27.5.1-dind",
              runner_dind_registry_mirrors=[], runner_http_proxy="", runner_https_proxy="", runner_no_proxy=[],
              runner_docker_engine_version="", runner_docker_min_api_version="", runner_docker_host_cpus=0,
              runner_entries=[{"name": "r1", "tags": ["docker"]}])
DOCKER = _defaults("docker")


def _runner(**changes):
    report = Report()
    values = dict(copy.deepcopy(RUNNER), **changes)
    plan = runner_inputs.check(values, report)
    return report, plan


def _docker(**changes):
    report = Report()
    docker_inputs.check(dict(copy.deepcopy(DOCKER), **changes), report)
    return report


def test_defaults_are_valid():
    report, plan = _runner()
    assert report.errors == [] and plan["modes"] == {"r1": "socket"}
    assert _docker().errors == []


@pytest.mark.parametrize("changes, path, message", [
    ({"runner_version": "17.11"}, "runner_version", "not X.Y.Z"),
    ({"runner_docker_version": "latest"}, "runner_docker_version", "not X.Y or X.Y.Z"),
    ({"runner_dind_registry_mirrors": ["mirror.example.com"]}, "runner_dind_registry_mirrors[0]", "without http://"),
    ({"runner_dind_registry_mirrors": ["ftp://mirror.example.com"]}, "runner_dind_registry_mirrors[0]",
     "unsupported scheme"),
    ({"runner_dind_registry_mirrors": ["https://u:p@mirror.example.com"]}, "runner_dind_registry_mirrors[0]",
     "user name or password"),
    ({"runner_dind_registry_mirrors": ["https://mirror.example.com", "http://127.0.0.1:5000"], "runner_mode": "dind"},
     "runner_dind_registry_mirrors[1]", "the service itself"),
    ({"runner_dind_registry_mirrors": ["http://localhost:5000/"],
      "runner_entries": [{"name": "r1", "tags": ["docker"], "mode": "dind"}]}, "runner_dind_registry_mirrors[0]",
     "the service itself"),
    ({"runner_api_retries": 11}, "runner_api_retries", "from 0 to 10"),
    ({"runner_api_timeout": 0}, "runner_api_timeout", "at least 1"),
    ({"runner_user": "Root"}, "runner_user", "not a user name"),
    ({"runner_config_dir": "/etc/gitlab runner"}, "runner_config_dir", "without whitespace"),
    ({"runner_ca_path": "ca.pem"}, "runner_ca_path", "not an absolute path"),
    ({"runner_binary_sha256": "xyz"}, "runner_binary_sha256", "64 hex digits"),
    ({"runner_package_key_fingerprint": "F640 3F65"}, "runner_package_key_fingerprint", "not an OpenPGP fingerprint (40 hex digits"),
    ({"runner_binary_base_url": "s3://bucket"}, "runner_binary_base_url", "not an http(s) URL"),
    ({"runner_install_method": "file", "runner_binary_src": "/nonexistent"}, "runner_binary_src",
     "not a file on the controller"),
    ({"runner_gitlab_url": "https://gitlab.example.com/api/v4"}, "runner_gitlab_url", "ends in /api/v4"),
    ({"runner_access_token": "glrt-xyz"}, "runner_access_token", "is a runner authentication token"),
    ({"runner_registration_token": "GR1348941x"}, "runner_access_token, runner_registration_token", "both given"),
    ({"runner_concurrent": 0}, "runner_concurrent", "runs no jobs at all"),
    ({"runner_listen_address": ":0x"}, "runner_listen_address", "is not host:port"),
    ({"runner_session_server": {"listen_address": ":70000"}}, "runner_session_server.listen_address", "has port 70000"),
    ({"runner_registry_ca_certs": [{"registry": "a:b", "certificate": "x"}]}, "runner_registry_ca_certs[0].registry",
     "is not a host or host:port"),
    ({"runner_entries": [{"name": "r1", "docker": {"privileged": True}}]}, "runner_entries[0].docker.privileged",
     "privileged = true"),
    ({"runner_entries": [{"name": "r1", "settings": {"limitt": 1}}]}, "runner_entries[0].settings.limitt",
     'did you mean "limit"'),
])
def test_runner_rules(changes, path, message):
    report, plan = _runner(**changes)
    assert [m for p, m in report.errors if p == path and message in m], report.errors
    assert plan is None


@pytest.mark.parametrize("changes", [
    {"runner_version": "17.11.0"}, {"runner_docker_version": "27.5"}, {"runner_check_interval": 0},
    {"runner_check_interval": -1},
    {"runner_api_retries": 10}, {"runner_listen_address": "[::]:9252"}, {"runner_ca_path": "/etc/ssl/ca.pem"},
    {"runner_package_key_fingerprint": "f640 3f65 44a3 8863 daa0 b6e0 3f01 618a 5131 2f3f"},
    {"runner_access_token": "", "runner_registration_token": "GR1348941x"},
])
def test_runner_rules_accept(changes):
    report, _plan = _runner(**changes)
    assert report.errors == []


@pytest.mark.parametrize("changes, errors", [
    # The runner's own cpus and a role-wide service_cpus, each named by the variable that set it.
    ({"runner_entries": [{"name": "r1", "docker": {"cpus": "3"}}]},
     ['runner_entries[0].docker.cpus: cpus = "3" asks for more CPUs']),
    ({"runner_docker_defaults": {"service_cpus": "2.5"}},
     ['runner_docker_defaults.service_cpus (via runner_entries[0] "r1", [runners.docker] service_cpus): service_cpus = '
      '"2.5" asks for more CPUs']),
    ({"runner_entries": [{"name": "r1", "docker": {"cpus": "2"}}]}, []),
    # The daemon of another machine, or the host's count not known: not checked.
    ({"runner_entries": [{"name": "r1", "docker": {"cpus": "3", "host": "tcp://docker.example.com:2376"}}]}, []),
    ({"runner_docker_host_cpus": 0, "runner_entries": [{"name": "r1", "docker": {"cpus": "64"}}]}, []),
    ({"runner_docker_host_cpus": -1}, ["runner_docker_host_cpus: is -1, but must be at least 0 (the CPUs of the host's "
                                       "Docker daemon, 0 for not known)"]),
])
def test_cpus_against_the_host_daemons(changes, errors):
    report, plan = _runner(**dict({"runner_docker_host_cpus": 2}, **changes))
    lines = report.error_lines()
    assert len(lines) == len(errors), lines
    for line, start in zip(lines, errors):
        assert line.startswith(start), line
    if errors and "cpus =" in errors[0]:
        assert "only 2 CPUs available" in lines[0] and plan is None


def test_no_runner_is_a_warning_that_says_how_to_register_one():
    report, plan = _runner(runner_entries=[], runner_access_token="")
    assert report.errors == [] and plan["registrations"] == []
    assert [(p, m) for p, m in report.warnings if "no runner is configured" in m] == [
        ("runner_entries", "no runner is configured: config.toml gets the global settings only. To register one, set "
                           "runner_gitlab_url and runner_access_token (scope create_runner), or list runners with "
                           "their tokens in runner_entries")]
    report, _plan = _runner()
    assert not [m for _p, m in report.warnings if "no runner is configured" in m]


def test_a_dind_runner_without_tls_only_warns():
    report, plan = _runner(runner_mode="dind", runner_dind_tls=False)
    assert report.errors == [] and plan["modes"] == {"r1": "dind"}
    assert [p for p, m in report.warnings if "DOCKER_TLS_CERTDIR" in m] == [
        'runner_dind_tls (via runner_entries[0] "r1", [[runners]] environment DOCKER_TLS_CERTDIR)']


@pytest.mark.parametrize("changes, path, message", [
    ({"docker_version": "27.3.1 "}, "docker_version", "not a package version"),
    ({"docker_version": "27.3.1", "docker_packages_state": "latest"}, "docker_packages_state", "pins one"),
    ({"docker_users": ["ci user"]}, "docker_users[0]", "not a user name"),
    ({"docker_daemon_options": {"hosts": ["fd://"]}}, "docker_daemon_options.hosts", "flag"),
    ({"docker_registry_ca_certs": [{"registry": "r", "certificate": "-----BEGIN PRIVATE KEY-----\nx"}]},
     "docker_registry_ca_certs[0].certificate", "holds a private key"),
    ({"docker_registry_mirror": True, "docker_registry_mirror_remote_url": "registry-1.docker.io"},
     "docker_registry_mirror_remote_url", "not an http(s) URL"),
    ({"docker_registry_mirror": True, "docker_registry_mirror_remote_username": "ci"},
     "docker_registry_mirror_remote_username, docker_registry_mirror_remote_password", "only one of them"),
    ({"docker_registry_mirror": True, "docker_registry_mirror_port": 0}, "docker_registry_mirror_port", "1 to 65535"),
    ({"docker_registry_mirror": True, "docker_registry_mirror_address": "http://10.0.0.5:5000"},
     "docker_registry_mirror_address", "not an IP address or host name"),
    ({"docker_registry_mirror": True, "docker_registry_mirror_address": "0.0.0.0"},
     "docker_registry_mirror_address", "listens everywhere"),
])
def test_docker_rules(changes, path, message):
    report = _docker(**changes)
    assert [m for p, m in report.errors if p == path and message in m], report.errors


def test_docker_users_listed_twice_only_warn():
    report = _docker(docker_users=["ci", "ci"])
    assert report.errors == [] and report.warnings == [("docker_users", "lists 'ci' more than once")]


def test_registry_mirror_settings_accepted_and_loopback_warned():
    accepted = _docker(docker_registry_mirror=True, docker_registry_mirror_address="mirror-host.example.com",
                       docker_registry_mirror_remote_username="ci", docker_registry_mirror_remote_password="s3cret-pw")
    assert accepted.errors == [] and accepted.warnings == []
    for address in ("10.0.0.5", "fd00::5"):
        assert _docker(docker_registry_mirror=True, docker_registry_mirror_address=address).errors == []
    for address in ("127.0.0.1", "localhost", "::1"):
        loopback = _docker(docker_registry_mirror=True, docker_registry_mirror_address=address)
        assert loopback.errors == []
        assert [warning[0] for warning in loopback.warnings] == ["docker_registry_mirror_address"]
        assert "the service itself" in loopback.warnings[0][1]
    unspecified = _docker(docker_registry_mirror=True, docker_registry_mirror_address="::")
    assert [error[0] for error in unspecified.errors] == ["docker_registry_mirror_address"]
    # Off, its settings are not checked: the defaults of an unused feature never stop a play.
    assert _docker(docker_registry_mirror=False, docker_registry_mirror_port=0).errors == []


def test_registry_mirror_password_is_never_shown():
    report = _docker(docker_registry_mirror=True, docker_registry_mirror_remote_password="s3cret-pw",
                     docker_registry_mirror_remote_url="not a url s3cret-pw")
    assert report.errors and all("s3cret-pw" not in line for line in report.error_lines())


def test_loopback_dind_mirror_is_fine_without_dind_runners():
    report, plan = _runner(runner_dind_registry_mirrors=["http://127.0.0.1:5000"])
    assert report.errors == [] and plan["modes"] == {"r1": "socket"}


def test_a_loopback_daemon_mirror_is_a_warning_for_dind():
    report = _docker(docker_daemon_options={"registry-mirrors": ["http://127.0.0.1:5000", "https://mirror.gcr.io"]})
    assert report.errors == []
    assert [warning[0] for warning in report.warnings] == ["docker_daemon_options.registry-mirrors[0]"]
    assert "the service itself" in report.warnings[0][1]


PROXY = "http://proxy.corp.example.com:3128"


@pytest.mark.parametrize("role, prefix", [("runner", "runner"), ("docker", "docker")])
def test_both_roles_check_their_proxy(role, prefix):
    check = _runner if role == "runner" else (lambda **changes: (_docker(**changes), None))
    report, _plan = check(**{prefix + "_http_proxy": "proxy.corp.example.com:3128", prefix + "_https_proxy": PROXY,
                             prefix + "_no_proxy": ["https://gitlab.corp.example.com"]})
    assert [path for path, _message in report.errors] == [prefix + "_http_proxy", prefix + "_no_proxy[0]"]
    assert "has no scheme" in report.errors[0][1] and "is a URL" in report.errors[1][1]


def test_a_proxy_password_is_a_secret_and_a_warning_for_the_runner_only():
    url = "http://ci-bot:hunter2-secret@proxy.corp.example.com:3128"
    report, plan = _runner(runner_http_proxy=url, runner_https_proxy=url)
    assert report.errors == [] and "hunter2-secret" in report.secrets
    assert [path for path, _m in report.warnings] == ["runner_http_proxy, runner_https_proxy"]
    assert "hunter2-secret" not in " ".join(report.warning_lines())
    assert plan["proxy_environment"]["HTTP_PROXY"] == url
    docker_report = _docker(docker_http_proxy=url, docker_https_proxy=url)
    assert docker_report.errors == [] and docker_report.warnings == [] and "hunter2-secret" in docker_report.secrets


def test_a_proxy_reaches_the_plan_of_every_runner():
    report, plan = _runner(runner_http_proxy=PROXY, runner_https_proxy=PROXY, runner_no_proxy=[".corp.example.com"],
                           runner_gitlab_internal=True, runner_dind_registry_mirrors=["http://10.0.0.5:5000"],
                           runner_mode="dind")
    assert report.errors == []
    no_proxy = plan["proxy_environment"]["no_proxy"].split(",")
    assert no_proxy[0] == ".corp.example.com" and no_proxy[-2:] == ["10.0.0.5", "gitlab.example.com"]
    assert "https_proxy=" + PROXY in plan["config"]["runners"][0]["environment"]


def test_daemon_proxies_and_the_role_proxy_are_one_setting_too_many():
    report = _docker(docker_http_proxy=PROXY, docker_https_proxy=PROXY,
                     docker_daemon_options={"proxies": {"http-proxy": PROXY}})
    assert [path for path, _m in report.errors] == ["docker_daemon_options.proxies"]
    assert _docker(docker_daemon_options={"proxies": {"http-proxy": PROXY}}).errors == []


@pytest.mark.parametrize("mtu, errors, warnings", [
    (0, [], []), (1400, [], []), (1280, [], []), (9000, [], []),
    (1279, [], ["runner_dind_mtu"]), (68, [], ["runner_dind_mtu"]),
    (67, ["runner_dind_mtu"], []), (-1, ["runner_dind_mtu"], []), (65536, ["runner_dind_mtu"], []),
])
def test_dind_mtu_range(mtu, errors, warnings):
    report, _plan = _runner(runner_dind_mtu=mtu, runner_mode="dind")
    assert [path for path, _m in report.errors] == errors
    assert [path for path, _m in report.warnings if path == "runner_dind_mtu"] == warnings


def test_dind_mtu_reaches_the_dind_services():
    report, plan = _runner(runner_dind_mtu=1400, runner_mode="dind")
    assert report.errors == []
    assert plan["config"]["runners"][0]["docker"]["services"][0]["command"] == ["--mtu=1400"]


def test_registry_credentials_are_checked_and_secret():
    report, plan = _runner(runner_registry_credentials=[
        {"registry": "https://registry.example.com", "username": "ci", "password": "pull-s3cret"}])
    assert [path for path, _m in report.errors] == ["runner_registry_credentials[0].registry"]
    assert "pull-s3cret" in report.secrets and plan is None


def test_registry_credentials_reach_every_runner():
    report, plan = _runner(runner_registry_credentials=[
        {"registry": "registry.example.com:5000", "username": "ci", "password": "pull-s3cret"}])
    assert report.errors == [] and report.warnings == []
    assert [item.partition("=")[0] for item in plan["config"]["runners"][0]["environment"]] == ["DOCKER_AUTH_CONFIG"]


@pytest.mark.parametrize("method, url, errors", [
    ("binary", "http://ci-bot:secret@proxy.corp.example.com:3128", ["runner_http_proxy"]),
    ("binary", "http://proxy.corp.example.com:3128", []),
    ("repository", "http://ci-bot:secret@proxy.corp.example.com:3128", []),
])
def test_the_binary_download_takes_no_proxy_credentials(method, url, errors):
    report, _plan = _runner(runner_install_method=method, runner_http_proxy=url, runner_https_proxy=url)
    assert [path for path, _m in report.errors] == errors


# --- Docker clients and the host's engine (docker_api_versions) ---------------------------------------------------

@pytest.mark.parametrize("changes, path", [
    # The November 2025 case: the job image docker:24 and a host engine of Docker 29.0 to 29.2.
    ({"runner_docker_version": "24.0.9", "runner_docker_image": "docker:24.0.9"}, "runner_docker_version"),
    ({"runner_entries": [{"name": "r1", "tags": ["docker"], "docker": {"image": "docker:24-cli"}}]},
     "runner_entries[0].docker.image"),
    ({"runner_docker_defaults": {"image": "docker:23.0.6"}}, "runner_docker_defaults.image"),
    ({"runner_docker_image": "docker:24.0.9-cli"}, "runner_docker_image"),
])
def test_a_socket_job_image_the_engine_refuses(changes, path):
    report, plan = _runner(runner_docker_engine_version="29.1.3", **changes)
    # The variable, then (for a role-wide one) the runner it reached: 'runner_docker_version (via runner_entries[0]...'
    assert [p.split(" (via ")[0] for p, _m in report.errors] == [path] and plan is None
    message = report.errors[0][1]
    assert "Docker Engine 29.1.3 (runner_docker_engine_version) accepts API 1.44 and newer" in message
    assert "docker_daemon_options" in message and "pin docker_version" in message


@pytest.mark.parametrize("changes", [
    {"runner_docker_version": "25.0.5", "runner_docker_image": "docker:25.0.5"},
    {"runner_docker_version": "24.0.9", "runner_docker_image": "docker:24.0.9", "runner_docker_min_api_version": "1.24"},
    {"runner_docker_version": "24.0.9", "runner_docker_image": "docker:24.0.9", "runner_docker_engine_version": "29.3.1"},
    {"runner_docker_version": "24.0.9", "runner_docker_image": "docker:24.0.9", "runner_docker_engine_version": ""},
    {"runner_docker_version": "24.0.9", "runner_docker_image": "docker:24.0.9", "runner_mode": "dind",
     "runner_dind_image": "docker:24.0.9-dind"},
    {"runner_docker_image": "registry.example.com/ci/docker:24"},
    {"runner_docker_image": "docker:latest"},
    {"runner_entries": [{"name": "r1", "tags": ["docker"], "docker": {"image": "docker:24"},
                         "environment": ["DOCKER_API_VERSION=1.44"]}]},
])
def test_job_images_the_engine_accepts_or_that_are_unknown(changes):
    report, plan = _runner(**dict({"runner_docker_engine_version": "29.1.3"}, **changes))
    assert report.errors == [] and plan is not None, report.errors


def test_one_problem_per_variable_for_many_runners():
    report, _plan = _runner(runner_docker_engine_version="29.0.0", runner_docker_version="24.0.9",
                            runner_docker_image="docker:24.0.9",
                            runner_entries=[{"name": "r1", "tags": ["a"]}, {"name": "r2", "tags": ["b"]},
                                            {"name": "r3", "tags": ["c"], "docker": {"image": "docker:20.10.24"}}])
    assert [p for p, _m in report.errors] == [
        'runner_docker_version (via runner_entries[0] "r1" and runner_entries[1] "r2", [runners.docker] image)',
        "runner_entries[2].docker.image"]


def test_a_cli_too_new_for_the_engine_found_on_the_host():
    report, _plan = _runner(runner_docker_engine_version="Docker version 20.10.24+dfsg1, build 297e128",
                            runner_docker_version="29.1.3", runner_docker_image="docker:29.1.3")
    assert [p for p, _m in report.errors] == ['runner_docker_version (via runner_entries[0] "r1", [runners.docker] image)']
    assert "Docker Engine 20.10.24 (runner_docker_engine_version, found on the host) speaks API 1.41 at most" in (
        report.errors[0][1])


@pytest.mark.parametrize("runner_version, engine, errors, warnings", [
    ("16.11.0", "29.1.3", ["runner_version"], []),
    ("16.11.0", "29.3.0", [], []),
    ("18.5.0", "29.1.3", [], ["runner_version"]),
    ("19.3.0", "29.1.3", [], []),
    ("19.4.0", "18.09.7", ["runner_version"], []),
    ("", "29.1.3", [], []),
    ("16.11.0", "", [], []),
])
def test_runner_version_against_the_engine(runner_version, engine, errors, warnings):
    report, _plan = _runner(runner_version=runner_version, runner_docker_engine_version=engine,
                            runner_docker_version="27.5.1")
    assert [p for p, _m in report.errors] == errors
    assert [p for p, _m in report.warnings if p == "runner_version"] == warnings


@pytest.mark.parametrize("changes, path", [
    ({"runner_docker_engine_version": "twenty-nine"}, "runner_docker_engine_version"),
    ({"runner_docker_min_api_version": "v1.24"}, "runner_docker_min_api_version"),
    ({"runner_docker_min_api_version": "1.24.0"}, "runner_docker_min_api_version"),
])
def test_engine_inputs_are_versions(changes, path):
    report, _plan = _runner(**changes)
    assert [p for p, _m in report.errors] == [path]


def test_a_dind_job_image_the_dind_service_refuses():
    report, _plan = _runner(runner_docker_version="29.1.3", runner_docker_image="docker:29.1.3",
                            runner_dind_image="docker:29.1.3-dind",
                            runner_entries=[{"name": "r1", "tags": ["docker"], "mode": "dind",
                                             "docker": {"image": "docker:24.0.9"}}])
    messages = [m for p, m in report.errors if p == 'runner_entries[0].docker.image, runner_docker_version '
                '(via runner_entries[0] "r1", [runners.docker] services[0].name)']
    assert any("dind-version-mismatch" not in m and 'the Docker CLI of image "docker:24.0.9" speaks API 1.43' in m
               and 'dind service "docker:29.1.3-dind"' in m for m in messages), messages


@pytest.mark.parametrize("backoff, errors", [(0, []), (30, []), (31, ["runner_api_backoff"]), (-1, ["runner_api_backoff"])])
def test_api_backoff_range(backoff, errors):
    report, _plan = _runner(runner_api_backoff=backoff)
    assert [path for path, _m in report.errors] == errors


@pytest.mark.parametrize("changes, errors, warnings", [
    ({}, [], []),
    ({"docker_container_log_max_size": ""}, [], []),
    ({"docker_container_log_max_size": "100k", "docker_container_log_max_files": 1}, [], []),
    ({"docker_container_log_max_size": "10 mb"}, [], []),
    ({"docker_container_log_max_size": "ten megs"}, ["docker_container_log_max_size"], []),
    ({"docker_container_log_max_size": "0m"}, ["docker_container_log_max_size"], []),
    ({"docker_container_log_max_files": 0}, ["docker_container_log_max_files"], []),
    ({"docker_daemon_options": {"log-driver": "journald"}}, [], ["docker_container_log_max_size"]),
    ({"docker_daemon_options": {"log-driver": "local"}}, [], []),
    ({"docker_daemon_options": {"log-driver": "journald"}, "docker_container_log_max_size": ""}, [], []),
])
def test_container_log_rotation(changes, errors, warnings):
    report = _docker(**changes)
    assert [path for path, _m in report.errors] == errors
    assert [path for path, _m in report.warnings if path.startswith("docker_container_log")] == warnings


@pytest.mark.parametrize("changes, errors", [
    # daemon.json gets the rotation's max-size and max-file: compress alone in log-opts is fine with it...
    ({"docker_daemon_options": {"log-opts": {"compress": "true"}}}, []),
    ({"docker_daemon_options": {"log-driver": "local", "log-opts": {"compress": "true"}}}, []),
    # ...and not without it, with a single file, or with the options' own max-file of 1 (theirs win).
    ({"docker_daemon_options": {"log-opts": {"compress": "true"}}, "docker_container_log_max_size": ""},
     ["docker_daemon_options.log-opts.compress"]),
    ({"docker_daemon_options": {"log-opts": {"compress": "true"}}, "docker_container_log_max_files": 1},
     ["docker_daemon_options.log-opts.compress"]),
    ({"docker_daemon_options": {"log-opts": {"compress": "true", "max-file": "1"}}},
     ["docker_daemon_options.log-opts.compress"]),
    # A bad rotation value is reported once, as itself; the merge is checked as if it were good.
    ({"docker_daemon_options": {"log-opts": {"compress": "true"}}, "docker_container_log_max_size": "ten megs"},
     ["docker_container_log_max_size"]),
    ({"docker_daemon_options": {"log-opts": {"compress": "true"}}, "docker_container_log_max_files": 0},
     ["docker_container_log_max_files", "docker_daemon_options.log-opts.compress"]),
    ({"docker_container_log_max_files": 0}, ["docker_container_log_max_files"]),
    # journald takes no rotation: nothing merged, and its own rules apply.
    ({"docker_daemon_options": {"log-driver": "journald", "log-opts": {"max-file": "3"}}},
     ["docker_daemon_options.log-opts.max-file"]),
])
def test_daemon_options_checked_as_written_with_the_rotation(changes, errors):
    report = _docker(**changes)
    assert sorted(path for path, _m in report.errors) == errors
    for _path, message in report.errors:
        assert message


# --- docker_inputs, one rule per row ----------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["27.3.1", "5:27.3.1-1~debian.12~bookworm", "5:27.3*", "3:27.3.1-1.el9"])
def test_docker_versions_accepted(version):
    assert _docker(docker_version=version).errors == []


@pytest.mark.parametrize("state, version, errors", [
    ("latest", "", []), ("latest", "27.3.1", ["docker_packages_state"]), ("present", "27.3.1", []),
])
def test_latest_packages_and_a_pinned_version(state, version, errors):
    assert [path for path, _m in _docker(docker_version=version, docker_packages_state=state).errors] == errors


@pytest.mark.parametrize("port, errors", [(1, []), (65535, []), (0, ["docker_registry_mirror_port"]),
                                          (65536, ["docker_registry_mirror_port"])])
def test_registry_mirror_port_range(port, errors):
    report = _docker(docker_registry_mirror=True, docker_registry_mirror_port=port)
    assert [path for path, _m in report.errors] == errors


@pytest.mark.parametrize("address, errors", [("", []), ("X0.0.0.0", []), ("[::]", ["docker_registry_mirror_address"])])
def test_registry_mirror_addresses(address, errors):
    report = _docker(docker_registry_mirror=True, docker_registry_mirror_address=address)
    assert [path for path, _m in report.errors] == errors


@pytest.mark.parametrize("variable", ["docker_apt_key_fingerprint", "docker_rpm_key_fingerprint"])
def test_docker_key_fingerprints(variable):
    report = _docker(**{variable: "0EBFCD88"})
    assert [path for path, _m in report.errors] == [variable]
    assert _docker(**{variable: None}).errors == []


@pytest.mark.parametrize("variable, empty_ok", [
    ("docker_apt_repository_url", True), ("docker_apt_key_url", True), ("docker_rpm_repository_url", False),
    ("docker_rpm_key_url", False),
])
def test_docker_repository_urls(variable, empty_ok):
    assert [path for path, _m in _docker(**{variable: "ftp://mirror.example.com"}).errors] == [variable]
    assert [path for path, _m in _docker(**{variable: ""}).errors] == ([] if empty_ok else [variable])
    assert _docker(**{variable: None}).errors == []
    assert _docker(**{variable: "https://mirror.example.com/docker"}).errors == []
    apt = variable == "docker_apt_repository_url"
    assert [path for path, _m in _docker(**{variable: "HTTPS://mirror.example.com/docker"}).errors] == (
        [variable] if apt else [])


@pytest.mark.parametrize("version, wanted, error", [
    # Docker 29.1 speaks API 1.52: dockerd refuses a minimum above it (maximum supported API version is 1.52).
    ("29.1.3", "1.53", True), ("5:29.1*", "1.60", True), ("29.1.3", "1.52", False), ("29.1.3", "1.44", False),
    # Not pinned, or a release the table does not know: no verdict.
    ("", "1.99", False), ("31.0.0", "1.99", False),
])
def test_min_api_version_at_most_the_pinned_engine_api(version, wanted, error):
    report = _docker(docker_version=version, docker_daemon_options={"min-api-version": wanted})
    found = [message for path, message in report.errors if path == "docker_daemon_options.min-api-version"]
    assert bool(found) is error, report.errors
    if error:
        assert "above the Engine API 1.52 of Docker 29.1" in found[0] and "give at most 1.52" in found[0]


@pytest.mark.parametrize("source, dockerd", [("distro", "/usr/sbin/dockerd"), (None, "/usr/bin/dockerd"),
                                             ("docker-ce", "/usr/bin/dockerd")])
def test_daemon_options_are_checked_for_the_install_source(source, dockerd):
    report = _docker(docker_install_source=source, docker_daemon_options={"hosts": ["unix:///var/run/docker.sock"]})
    assert dockerd in report.errors[0][1]


@pytest.mark.parametrize("variable", ["docker_http_proxy", "docker_https_proxy"])
def test_either_role_proxy_and_daemon_proxies_are_one_setting_too_many(variable):
    report = _docker(**{variable: PROXY, "docker_daemon_options": {"proxies": {"http-proxy": PROXY}}})
    assert "docker_daemon_options.proxies" in [path for path, _m in report.errors]


def test_users_listed_once_are_not_warned():
    assert _docker(docker_users=["ci", "gitlab-runner"]).warnings == []


# --- findings of the rendered config.toml, named for what the user wrote -------------------------------------------

def _r(name, **options):
    return dict({"name": name, "tags": ["docker"]}, **options)


_VIA = ' (via runner_entries[0] "r1", %s)'


@pytest.mark.parametrize("changes, severity, path, message", [
    # A role-wide variable: the variable, the runner it reached and where in its table.
    ({"runner_docker_defaults": {"privileged": True}}, "error",
     "runner_docker_defaults.privileged" + _VIA % "[runners.docker] privileged", "socket mode with privileged = true"),
    ({"runner_docker_defaults": {"pull_policy": ""}}, "error",
     "runner_docker_defaults.pull_policy" + _VIA % "[runners.docker] pull_policy", 'pull_policy has ""'),
    ({"runner_mode": "dind", "runner_docker_defaults": {"services_limit": 0}}, "error",
     "runner_docker_defaults.services_limit" + _VIA % "[runners.docker] services_limit", "fails every job"),
    ({"runner_builds_dir": "/srv/builds",
      "runner_docker_defaults": {"volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/cache"]}},
     "error", "runner_docker_defaults.volumes" + _VIA % "[runners.docker] volumes",
     "builds_dir /srv/builds is not bind-mounted"),
    ({"runner_mode": "dind", "runner_docker_image": "docker:stable"}, "error",
     "runner_docker_image" + _VIA % "[runners.docker] image", 'Docker CLI image "docker:stable" is not pinned'),
    # A preset's key is the mode's: the variable that chose the mode.
    ({"runner_mode": "dind", "runner_docker_defaults": {"services_privileged": False}}, "error",
     "runner_docker_defaults.services_privileged, runner_mode"
     + _VIA % "[runners.docker] services_privileged, [runners.docker] privileged",
     "services_privileged = false overrides privileged = true"),
    ({"runner_docker_defaults": {"services_privileged": False},
      "runner_entries": [_r("r1", mode="dind")]}, "error",
     "runner_docker_defaults.services_privileged, runner_entries[0].mode"
     + _VIA % "[runners.docker] services_privileged, [runners.docker] privileged", "overrides privileged = true"),
    # The runner's own option: its path says where, no "via".
    ({"runner_entries": [_r("r1", mode="dind", docker={"privileged": False})]}, "error",
     "runner_entries[0].docker.privileged", "dind mode, but neither privileged nor services_privileged"),
    ({"runner_entries": [_r("r1", settings={"limit": 0})]}, "warning", "runner_entries[0].settings.limit",
     "limit = 0 means no limit of its own"),
    ({"runner_entries": [_r("r1", settings={"output_limit": -1})]}, "error", "runner_entries[0].settings.output_limit",
     "job logs are empty"),
    # Dangerous settings, and the variables that carry the runner's meanings.
    ({"runner_mode": "dind", "runner_docker_defaults": {"pull_policy": ["if-not-present"]}}, "warning",
     "runner_docker_defaults.pull_policy" + _VIA % "[runners.docker] pull_policy",
     "A runner several projects share (an instance or group runner) pulls with if-not-present"),
    ({"runner_mode": "dind", "runner_dind_tls": False}, "warning",
     "runner_dind_tls" + _VIA % "[[runners]] environment DOCKER_TLS_CERTDIR", 'dind with DOCKER_TLS_CERTDIR=""'),
    ({"runner_docker_defaults": {"network_mode": "host"}}, "warning",
     "runner_docker_defaults.network_mode" + _VIA % "[runners.docker] network_mode", 'network_mode = "host"'),
    ({"runner_concurrent": 0}, "error", "runner_concurrent", "concurrent = 0: GitLab Runner then runs no jobs"),
    ({"runner_check_interval": -1}, "warning", "runner_check_interval", "check_interval = -1 means the runner's default"),
    ({"runner_shutdown_timeout": 0}, "warning", "runner_shutdown_timeout", "the default of 30 s"),
    ({"runner_metrics_listen_address": ":9252"}, "warning", "runner_metrics_listen_address", "every address of the host"),
    ({"runner_listen_address": "localhost"}, "warning", "runner_listen_address", "it listens on localhost:9252"),
    ({"runner_session_server": {"listen_address": "[::]:8093", "session_timeout": 0}}, "warning",
     "runner_session_server.session_timeout", "the default of 1800 s"),
])
def test_config_findings_name_the_variable_and_the_runner(changes, severity, path, message):
    report, _plan = _runner(**changes)
    lines = report.errors if severity == "error" else report.warnings
    assert [m for p, m in lines if p == path and message in m], (report.errors, report.warnings)
    # The place is said once, in the path: the message starts with the problem.
    assert not [m for p, m in lines if p == path and m.startswith(("runner ", "top level"))]


def test_a_role_wide_finding_is_one_line_for_every_runner_it_reached():
    report, _plan = _runner(runner_mode="dind", runner_docker_defaults={"network_mode": "host"},
                            runner_entries=[_r("r1"), _r("r2"), _r("r3", mode="socket")])
    assert [p for p, _m in report.warnings if "network_mode" in p] == [
        'runner_docker_defaults.network_mode (via runner_entries[0] "r1" and runner_entries[1] "r2" and '
        'runner_entries[2] "r3", [runners.docker] network_mode)']


def test_a_project_runner_may_pull_if_not_present():
    report, _plan = _runner(runner_mode="dind", runner_docker_defaults={"pull_policy": ["if-not-present"]},
                            runner_entries=[_r("r1", runner_type="project_type", project_id=5),
                                            _r("r2", runner_type="group_type", group_id=7)])
    assert [p for p, _m in report.warnings if "pull_policy" in p] == [
        'runner_docker_defaults.pull_policy (via runner_entries[1] "r2", [runners.docker] pull_policy)']


@pytest.mark.parametrize("values, origin, variable", [
    ({}, "runner_entries[3].docker.image", "runner_entries[3].docker.image"),
    ({}, "defaults.docker_defaults.volumes[2]", "runner_docker_defaults.volumes[2]"),
    ({}, "defaults.proxy.no_proxy", "runner_no_proxy"),
    ({}, "defaults.global.session_server.listen_address", "runner_session_server.listen_address"),
    ({}, "defaults.global.listen_address", "runner_listen_address"),
    ({"runner_metrics_listen_address": ":9252"}, "defaults.global.listen_address", "runner_metrics_listen_address"),
    ({}, "defaults.executor", None),
    ({}, "defaults.unknown", None),
    ({"runner_docker_version": "27.5.1", "runner_docker_image": "docker:27.5.1"}, "defaults.docker_image",
     "runner_docker_version"),
    ({"runner_docker_version": "27.5.1", "runner_docker_image": "docker:27.5.1-cli"}, "defaults.docker_image",
     "runner_docker_image"),
    ({"runner_docker_version": "27.5.1", "runner_dind_image": "runnerops.invalid/dind-with-ca:27.5.1-dind",
      "runner_dind_base_image": "docker:27.5.1-dind"}, "defaults.dind_image", "runner_docker_version"),
    ({"runner_docker_version": "27.5.1", "runner_dind_image": "docker:24.0.7-dind",
      "runner_dind_base_image": "docker:24.0.7-dind"}, "defaults.dind_image", "runner_dind_base_image"),
    ({"runner_docker_version": "27.5.1", "runner_dind_image": "mirror/dind:27", "runner_dind_base_image": "docker:27"},
     "defaults.dind_image", "runner_dind_image"),
])
def test_plan_variable(values, origin, variable):
    assert runner_inputs.plan_variable(values, origin) == variable


def test_every_default_of_the_plan_has_its_variable():
    defaults = runner_inputs.plan_defaults(RUNNER)
    named = set(runner_inputs.DEFAULT_VARIABLES) | {"docker_image", "dind_image", "global"}
    assert {key for key in defaults if not isinstance(defaults[key], dict) or key in ("docker_defaults", "global")} | {
        "proxy." + key for key in defaults["proxy"] if key != "gitlab_internal"} <= named
    for default, variable in runner_inputs.DEFAULT_VARIABLES.items():
        assert variable is None or variable in RUNNER, default


# --- runner_inputs, one rule per row ----------------------------------------------------------------------------------

def test_plan_defaults_of_nothing_set():
    defaults = runner_inputs.plan_defaults({})
    assert (defaults["url"], defaults["dind_mtu"], defaults["dind_tls"]) == ("", 0, True)


@pytest.mark.parametrize("mtu, planned", [(1, 1), (65535, 65535), (65536, 0), (0, 0), (True, 0), ("1400", 0)])
def test_plan_defaults_take_an_mtu_in_range_only(mtu, planned):
    assert runner_inputs.plan_defaults({"runner_dind_mtu": mtu})["dind_mtu"] == planned


def test_plan_defaults_carry_every_global_variable():
    values = {"runner_concurrent": 4, "runner_check_interval": 7, "runner_log_level": "info", "runner_log_format": "json",
              "runner_shutdown_timeout": 40, "runner_listen_address": ":9252",
              "runner_session_server": {"listen_address": "[::]:8093"}}
    assert runner_inputs.plan_defaults(values)["global"] == {
        "concurrent": 4, "check_interval": 7, "log_level": "info", "log_format": "json", "shutdown_timeout": 40,
        "listen_address": ":9252", "session_server": {"listen_address": "[::]:8093"}}


_IMAGES = {"runner_docker_version": "27.5.1", "runner_docker_image": "docker:27.5.1",
           "runner_dind_base_image": "docker:27.5.1-dind", "runner_dind_image": "docker:27.5.1-dind"}


@pytest.mark.parametrize("changes, origin, variable", [
    ({}, "runner_entries[2].docker.image", "runner_entries[2].docker.image"),
    ({}, "defaults.docker_defaults.pull_policy", "runner_docker_defaults.pull_policy"),
    ({}, "defaults.global.check_interval", "runner_check_interval"),
    ({}, "defaults.global.log_format", "runner_log_format"),
    ({}, "defaults.global.session_server.listen_address", "runner_session_server.listen_address"),
    ({}, "defaults.global.listen_address", "runner_listen_address"),
    ({"runner_metrics_listen_address": ":9252"}, "defaults.global.listen_address", "runner_metrics_listen_address"),
    ({}, "defaults.global.other", None),
    ({}, "defaults.docker_image", "runner_docker_version"),
    ({"runner_docker_image": "registry.example.com/docker:27"}, "defaults.docker_image", "runner_docker_image"),
    ({}, "defaults.dind_image", "runner_docker_version"),
    ({"runner_dind_image": "runnerops.invalid/dind-with-ca:27.5.1-dind"}, "defaults.dind_image", "runner_docker_version"),
    ({"runner_dind_base_image": "mirror/docker:27-dind", "runner_dind_image": "mirror/docker:27-dind"},
     "defaults.dind_image", "runner_dind_base_image"),
    ({"runner_dind_image": "mirror/docker:27-dind"}, "defaults.dind_image", "runner_dind_image"),
    ({}, "defaults.dind_image.name", "runner_docker_version.name"),
    ({}, "defaults.url", "runner_gitlab_url"), ({}, "defaults.mode", "runner_mode"),
    ({}, "defaults.docker_version", "runner_docker_version"), ({}, "defaults.dind_tls", "runner_dind_tls"),
    ({}, "defaults.builds_dir", "runner_builds_dir"), ({}, "defaults.dind_mtu", "runner_dind_mtu"),
    ({}, "defaults.dind_registry_mirrors[1]", "runner_dind_registry_mirrors[1]"),
    ({}, "defaults.proxy.http_proxy", "runner_http_proxy"), ({}, "defaults.proxy.https_proxy", "runner_https_proxy"),
    ({}, "defaults.proxy.no_proxy[0]", "runner_no_proxy[0]"),
    ({}, "defaults.registry_credentials", "runner_registry_credentials"),
    ({}, "defaults.executor", None), ({}, "defaults.modes", None), ({}, "defaults.other", None),
])
def test_plan_variable_names_what_the_user_wrote(changes, origin, variable):
    assert runner_inputs.plan_variable(dict(_IMAGES, **changes), origin) == variable


@pytest.mark.parametrize("changes, errors", [
    ({"runner_shutdown_timeout": -1}, ["runner_shutdown_timeout"]), ({"runner_shutdown_timeout": 0}, []),
    ({"runner_graceful_stop_timeout": -1}, ["runner_graceful_stop_timeout"]),
    ({"runner_binary_sha256": "a" * 64}, []), ({"runner_binary_sha256": "a" * 63}, ["runner_binary_sha256"]),
    ({"runner_home": "home"}, ["runner_home"]),
    ({"runner_metrics_file_sd_path": "file_sd.json"}, ["runner_metrics_file_sd_path"]),
    ({"runner_metrics_listen_address": ":9252", "runner_listen_address": ":9252"}, []),
    ({"runner_metrics_listen_address": ":9252", "runner_listen_address": ":9253"}, ["runner_metrics_listen_address"]),
    ({"runner_docker_cleanup_keep_label": "keep me"}, ["runner_docker_cleanup_keep_label"]),
    ({"runner_metrics_target": ":0x"}, ["runner_metrics_target"]),
    ({"runner_package_repository_url": ""}, ["runner_package_repository_url"]),
    ({"runner_binary_base_url": ""}, ["runner_binary_base_url"]),
    ({"runner_package_key_url": ""}, []), ({"runner_package_rpm_repository_url": ""}, []),
    ({"runner_package_key_url": "ftp://keys.example.com/key"}, ["runner_package_key_url"]),
    ({"runner_package_repository_url": "HTTPS://packages.example.com/runner/gitlab-runner"},
     ["runner_package_repository_url"]),
    ({"runner_binary_base_url": "HTTPS://downloads.example.com/gitlab-runner"}, []),
    ({"runner_docker_min_api_version": "v1.24", "runner_docker_engine_version": "29.1.3"},
     ["runner_docker_min_api_version"]),
])
def test_runner_scalars(changes, errors):
    report, _plan = _runner(**changes)
    assert [path for path, _m in report.errors] == errors


def test_a_relative_builds_dir_is_refused_where_it_is_set():
    report, _plan = _runner(runner_builds_dir="builds")
    assert ("runner_builds_dir", "is 'builds', not an absolute path without whitespace") in report.errors


def test_a_binary_file_that_exists_is_accepted(tmp_path):
    binary = tmp_path / "gitlab-runner"
    binary.write_bytes(b"\x7fELF")
    report, _plan = _runner(runner_install_method="file", runner_binary_src=str(binary))
    assert report.errors == []


def _pem():
    """The CA certificate test_registry_certificates.py holds, as PEM text."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_registry_certificates.py")) as handle:
        certificate = handle.read().split('_CERT = (\n', 1)[1].split("\n)\n", 1)[0]
    return "".join(line.strip()[1:-1].replace("\\n", "\n") for line in certificate.splitlines())


@pytest.mark.parametrize("url, warned", [("http://gitlab.example.com", True), ("https://gitlab.example.com", False)])
def test_a_gitlab_ca_with_an_http_url_is_warned_about(url, warned):
    report, _plan = _runner(runner_gitlab_url=url, runner_gitlab_ca_cert=_pem())
    assert report.errors == []
    assert ("runner_gitlab_ca_cert" in [path for path, _m in report.warnings]) is warned


def test_a_registration_token_lets_gitlab_decide_the_scope():
    report, plan = _runner(runner_access_token="", runner_registration_token="GR1348941x",
                           runner_entries=[{"name": "r1", "tags": ["docker"], "group_id": 3}])
    assert report.errors == [] and plan is not None


def test_a_bad_gitlab_url_is_reported_once_where_it_is_set():
    report, _plan = _runner(runner_gitlab_url="gitlab.example.com")
    assert [path for path, _m in report.errors] == ["runner_gitlab_url"]


def test_defaults_the_plan_cannot_take_are_reported_on_the_runner_list():
    report, plan = _runner(runner_docker_version=None, runner_docker_image=None)
    assert [path for path, _m in report.errors] == ["runner_entries"] and plan is None


def test_runner_tokens_are_secrets():
    report, _plan = _runner(runner_entries=[{"name": "r1", "tags": ["a"], "token": "glrt-own-token-0001"}, "x"])
    assert "glrt-own-token-0001" in report.secrets


def test_a_proxy_path_holding_an_at_sign_is_no_credential():
    report, _plan = _runner(runner_install_method="binary", runner_http_proxy="http://proxy.example.com:3128/a@b",
                            runner_https_proxy="")
    assert not [m for _p, m in report.errors if "runner_install_method is binary" in m]


def test_a_min_api_version_in_error_is_left_out_of_the_engine():
    report, _plan = _runner(runner_docker_min_api_version="1", runner_docker_engine_version="29.1.3")
    assert [path for path, _m in report.errors] == ["runner_docker_min_api_version"]


@pytest.mark.parametrize("variable, value, problem", [
    ("runner_docker_cleanup_min_free", "20G", None),
    ("runner_docker_cleanup_min_free_inodes", "10%", None),
    ("runner_docker_cleanup_min_free_inodes", "20G", "is 20G: free inodes are given as a share (10%), not an amount"),
    ("runner_docker_cleanup_min_free", "lots", "is 'lots', not a share (15%) or an amount (20G, 500MiB) of free space"),
])
def test_cleanup_thresholds(variable, value, problem):
    report, _plan = _runner(**{variable: value, "runner_docker_cleanup_schedule": "*:0/15"})
    assert report.errors == ([(variable, problem)] if problem else [])


def test_a_relative_builds_dir_reaches_the_runner_too():
    report, _plan = _runner(runner_builds_dir="builds")
    assert [path for path, _m in report.errors] == [
        "runner_builds_dir", 'runner_builds_dir (via runner_entries[0] "r1", [[runners]] builds_dir)']


def test_a_metrics_target_problem_names_the_variable():
    report, _plan = _runner(runner_metrics_target=":0x")
    assert report.errors[0][1].startswith('runner_metrics_target = ":0x" is not host:port')


def test_a_runner_version_the_engine_refuses_names_what_to_change():
    report, _plan = _runner(runner_docker_engine_version="29.1.3", runner_version="16.11.0")
    (path, message), = report.errors
    assert path == "runner_version"
    assert "upgrade runner_version to" in message and "in docker_daemon_options" in message
    assert "pin docker_version to a release" in message


def test_a_socket_job_image_the_engine_refuses_names_the_variable_to_change():
    report, _plan = _runner(runner_docker_engine_version="29.1.3", runner_docker_version="24.0.9",
                            runner_docker_image="docker:24.0.9")
    assert "such as docker:29.1.3, the engine's own (runner_docker_version)" in report.errors[0][1]


def _registry_ca():
    return [{"registry": "registry.corp.example.com:5000", "certificate": _pem()}]


LOCAL_DIND = "runnerops.invalid/dind-with-ca:27.5.1-dind"


@pytest.mark.parametrize("docker_defaults, entry_docker, error_at", [
    ({}, {}, "runner_entries[0].docker.pull_policy"),  # the runner's default: always
    ({"pull_policy": ["always"]}, {}, "runner_entries[0].docker.pull_policy"),
    ({"pull_policy": ["always", "if-not-present"]}, {}, None),
    ({}, {"pull_policy": "if-not-present"}, None),
    ({}, {"pull_policy": ["never"]}, None),
    # allowed_pull_policies narrows what is in effect (helpers/pull_policies ComputeEffectivePullPolicies).
    ({"pull_policy": ["always", "if-not-present"], "allowed_pull_policies": ["always"]}, {},
     "runner_entries[0].docker.pull_policy"),
])
def test_a_dind_image_built_on_the_host_needs_a_pull_policy_that_takes_it(docker_defaults, entry_docker, error_at):
    entry = {"name": "r1", "tags": ["docker"]}
    if entry_docker:
        entry["docker"] = entry_docker
    report, plan = _runner(runner_mode="dind", runner_registry_ca_certs=_registry_ca(), runner_dind_image=LOCAL_DIND,
                           runner_docker_defaults=docker_defaults, runner_entries=[entry])
    errors = [(path, message) for path, message in report.errors if "built on this host" in message]
    if error_at is None:
        assert errors == [] and plan is not None
    else:
        (path, message), = errors
        assert path == error_at and plan is None
        assert ('whose dind service is %s: built on this host with runner_registry_ca_certs, it is in no registry, '
                'so the runner\'s pull fails every dind job; add if-not-present after always' % LOCAL_DIND) in message


def test_a_socket_runner_beside_the_built_dind_image_needs_no_pull_policy():
    report, plan = _runner(runner_mode="socket", runner_registry_ca_certs=_registry_ca(), runner_dind_image=LOCAL_DIND)
    assert [m for _p, m in report.errors if "built on this host" in m] == [] and plan is not None


def test_the_built_dind_image_has_a_name_no_registry_serves():
    # RFC 6761: .invalid never resolves, so no pull can fetch another image under this name.
    image = _defaults("runner")["runner_dind_image"]
    assert "('runnerops.invalid/dind-with-ca:' ~ runner_docker_version ~ '-dind')" in image
