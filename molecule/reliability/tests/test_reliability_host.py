"""What the reliability side effect leaves: a working runner host whose one runner is the only one at GitLab
(re-registered after its deletion there), config.toml and its backups private, the validator clean."""

import hashlib
import json
import os

import testinfra
from testinfra.utils.ansible_runner import AnsibleRunner

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import findings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import live_credentials

testinfra_hosts = ["ansible://gitlab_runners"]

CONFIG_DIR = "/etc/gitlab-runner"
CONFIG = CONFIG_DIR + "/config.toml"
RUNNER = "molecule-reliability"


def _gitlab_state():
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    gitlab = AnsibleRunner(inventory).get_hosts("gitlab")[0]
    host = testinfra.get_host("ansible://%s?ansible_inventory=%s" % (gitlab, inventory))
    return json.loads(host.check_output("curl -sf http://127.0.0.1:8929/_double/state"))


def test_services_run(host):
    assert host.service("gitlab-runner").is_running
    assert host.service("docker").is_running


def test_config_toml_and_backups_are_private(host):
    directory = host.file(CONFIG_DIR)
    assert (directory.user, directory.group, directory.mode) == ("root", "root", 0o700)
    backups = host.check_output("find %s -maxdepth 1 -name 'config.toml.*~'" % CONFIG_DIR).split()
    assert backups
    for path in [CONFIG] + backups:
        config = host.file(path)
        assert (path, config.user, config.group, config.mode) == (path, "root", "root", 0o600)


def test_the_runner_is_registered_once_with_the_token_in_config_toml(host):
    credentials = live_credentials(host.file(CONFIG).content_string)
    assert sorted(credentials) == [RUNNER]
    token = credentials[RUNNER]["token"]
    # The side effect creates, kills and removes other runners on purpose; none of them may be left at GitLab.
    state = _gitlab_state()
    assert [(runner["id"], runner["token_hash"]) for runner in state["runners"]] == [
        (credentials[RUNNER]["id"], hashlib.sha256(token.encode()).hexdigest())]


def test_config_toml_has_no_error(host):
    found = findings(host.file(CONFIG).content_string, {RUNNER: "socket"})
    assert [item["message"] for item in found if item["severity"] == "error"] == []
