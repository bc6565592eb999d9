"""What site.yml leaves on a runner host: gitlab-runner, Docker and a config.toml that works for its mode."""

import json
import os
import tomllib

import pytest
import testinfra
from testinfra.utils.ansible_runner import AnsibleRunner

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import findings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import live_credentials

testinfra_hosts = ["ansible://gitlab_runners"]

CONFIG = "/etc/gitlab-runner/config.toml"


def _var(host, name):
    """A variable as the play sees it (templated), not as the inventory spells it."""
    return host.ansible("ansible.builtin.debug", "var=%s" % name, check=False)[name]


def _optional(host, name, default=""):
    """A variable the inventory may leave unset (a role default, which the inventory does not see)."""
    value = _var(host, name)
    undefined = isinstance(value, str) and ("is undefined" in value or value == "VARIABLE IS NOT DEFINED!")
    return default if undefined else value


def _runner_names(host):
    return sorted(entry["name"] for entry in _var(host, "runner_entries"))


def _config_text(host):
    return host.file(CONFIG).content_string


def test_gitlab_runner_is_installed_and_running(host):
    assert "Version:" in host.check_output("gitlab-runner --version")
    assert host.user("gitlab-runner").exists
    service = host.service("gitlab-runner")
    assert service.is_running
    assert service.is_enabled


def test_docker_answers(host):
    assert host.check_output("docker info --format '{{ .ServerVersion }}'")


def test_docker_users_are_in_the_docker_group(host):
    users = _optional(host, "docker_users", [])
    if not users:
        pytest.skip("the inventory gives this host no docker_users")
    assert [user for user in users if "docker" not in host.user(user).groups] == []


def test_config_toml_is_private(host):
    config = host.file(CONFIG)
    assert (config.user, config.group, config.mode) == ("root", "root", 0o600)
    directory = host.file(os.path.dirname(CONFIG))
    assert (directory.user, directory.mode) == ("root", 0o700)


def test_every_runner_is_registered_with_its_token(host):
    credentials = live_credentials(_config_text(host))
    assert sorted(credentials) == _runner_names(host)
    assert all(entry["token"].startswith("glrt-") and entry["id"] for entry in credentials.values())


def _runner_modes(host):
    """Each runner's mode: its own, else runner_mode."""
    mode = _var(host, "runner_mode")
    return dict((entry["name"], entry.get("mode") or mode) for entry in _var(host, "runner_entries"))


def test_config_toml_has_no_error_for_its_mode(host):
    found = findings(_config_text(host), _runner_modes(host))
    assert [item["message"] for item in found if item["severity"] == "error"] == []


def test_gitlab_created_each_runner_once():
    """Converge created the runners; idempotence (a second converge) created none."""
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    runner = AnsibleRunner(inventory)
    configured = sum(
        len(_var(testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, inventory)), "runner_entries"))
        for name in runner.get_hosts("gitlab_runners")
    )
    gitlab = testinfra.get_host("ansible://%s?ansible_inventory=%s" % (runner.get_hosts("gitlab")[0], inventory))
    first = testinfra.get_host("ansible://%s?ansible_inventory=%s" % (runner.get_hosts("gitlab_runners")[0], inventory))
    scheme = _var(first, "runner_gitlab_url").split(":", 1)[0]
    state = json.loads(gitlab.check_output("curl -sfk %s://127.0.0.1:8929/_double/state" % scheme))
    assert len(state["runners"]) == configured
    assert state["calls"].get("POST /api/v4/user/runners", 0) == configured


def _metrics_address(host):
    """What the inventory sets (the role's defaults are empty); not templated by the role here."""
    return _optional(host, "runner_metrics_listen_address") or _optional(host, "runner_listen_address")


def test_metrics_answer_where_the_inventory_turns_them_on(host):
    """listen_address reaches config.toml, and the restarted service answers /metrics there."""
    address = _metrics_address(host)
    text = _config_text(host)
    if not address:
        assert "listen_address" not in text
        return
    assert 'listen_address = "%s"' % address in text
    port = address.rsplit(":", 1)[1]
    metrics = host.check_output("curl -sf http://127.0.0.1:%s/metrics" % port)
    assert "gitlab_runner_version_info" in metrics


def test_the_file_sd_targets_list_every_runner_host_with_metrics():
    """The Prometheus host's file_sd file names each runner host with metrics, and each target answers from there."""
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    runner = AnsibleRunner(inventory)
    hosts = {name: testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, inventory))
             for name in runner.get_hosts("gitlab_runners")}
    prometheus = {_optional(host, "runner_metrics_file_sd_host") for host in hosts.values()} - {""}
    if not prometheus:
        return
    (name,) = prometheus
    server = testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, inventory))
    path = _optional(next(iter(hosts.values())), "runner_metrics_file_sd_path", "/etc/prometheus/file_sd/gitlab-runner.json")
    groups = json.loads(server.file(path).content_string)
    with_metrics = sorted(name for name, host in hosts.items() if _metrics_address(host))
    assert sorted(group["labels"]["runner_host"] for group in groups) == with_metrics
    for group in groups:
        (target,) = group["targets"]
        assert "gitlab_runner_version_info" in server.check_output("curl -sf http://%s/metrics" % target)


def test_the_pull_through_cache_serves_the_host_and_every_dind_service(host):
    """docker_registry_mirror: the registry runs as a cache, first in daemon.json, and in each dind service's command."""
    if not _optional(host, "docker_registry_mirror", False):
        assert not host.file("/etc/systemd/system/docker-registry.service.d/runnerops.conf").exists
        return
    service = host.service("docker-registry")
    assert service.is_running and service.is_enabled
    config = host.file("/etc/docker/registry/config.yml")
    assert (config.user, config.group, config.mode) == ("root", "docker-registry", 0o640)
    assert "remoteurl: %s" % _var(host, "docker_registry_mirror_remote_url") in config.content_string
    mirror = json.loads(host.file("/etc/docker/daemon.json").content_string)["registry-mirrors"][0]
    assert mirror.startswith("http://") and mirror.endswith(":5000")
    # The daemon took it (it answers with the mirrors it uses, normalized with a trailing slash).
    assert mirror + "/" in host.check_output("docker info --format '{{ json .RegistryConfig.Mirrors }}'")
    dind = [name for name, mode in _runner_modes(host).items() if mode == "dind"]
    if not dind:
        return
    runners = [runner for runner in tomllib.loads(_config_text(host))["runners"] if runner["name"] in dind]
    services = [service for runner in runners for service in runner["docker"].get("services", [])]
    pair = ["--registry-mirror", mirror]
    assert services and all(any(service["command"][index:index + 2] == pair for index in range(len(service["command"])))
                            for service in services)


def test_a_proxy_reaches_the_services_through_files_only_root_reads(host):
    """docker_http_proxy: EnvironmentFile drop-ins for Docker and gitlab-runner, the files 0600 root; none without."""
    files = {"/etc/docker/http-proxy.env": "/etc/systemd/system/docker.service.d/http-proxy.conf",
             "/etc/gitlab-runner/http-proxy.env": "/etc/systemd/system/gitlab-runner.service.d/http-proxy.conf"}
    proxy = _optional(host, "docker_http_proxy") or _optional(host, "docker_https_proxy")
    for env_file, dropin in files.items():
        if not proxy:
            assert not host.file(env_file).exists and not host.file(dropin).exists
            continue
        assert (host.file(env_file).user, host.file(env_file).mode) == ("root", 0o600)
        assert "EnvironmentFile=%s" % env_file in host.file(dropin).content_string
        assert env_file in host.check_output("systemctl show -p EnvironmentFiles %s"
                                             % ("docker" if "docker" in dropin else "gitlab-runner"))
    if proxy:
        # systemctl show prints Environment= lines to every user: the proxy is not among them.
        assert "PROXY" not in host.check_output("systemctl show -p Environment docker gitlab-runner")
