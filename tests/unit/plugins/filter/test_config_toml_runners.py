"""Filter config_toml_runners: what each runner of a hand-written config.toml is."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.config_toml_runners import FilterModule

config_toml_runners = FilterModule().filters()["config_toml_runners"]

# The article's socket variant without /builds:/builds, a dind runner, one that only runs privileged, a shell runner.
HAND_WRITTEN = """
concurrent = 4

[[runners]]
  name = "docker-socket"
  url = "https://ci:secret-password@gitlab.example.com"
  token = "glrt-handwritten-token"
  executor = "docker"
  [runners.docker]
    image = "docker:edge-git"
    privileged = false
    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]

[[runners]]
  name = "docker-dind"
  url = "https://gitlab.example.com"
  executor = "docker"
  [runners.docker]
    image = "docker:27.5.1"
    privileged = true
    volumes = ["/certs/client", "/cache"]
    [[runners.docker.services]]
      name = "docker:27.5.1-dind"
      alias = "docker"

[[runners]]
  url = "https://gitlab.example.com"
  executor = "docker"
  [runners.docker]
    services_privileged = true
    volumes = ["/run:/host-run", 5]

[[runners]]
  name = "shell"
  executor = "shell"
"""


def test_each_runner_in_file_order():
    socket, dind, unnamed, shell = config_toml_runners(HAND_WRITTEN)
    assert socket == {"name": "docker-socket", "url": "https://ci:********@gitlab.example.com", "executor": "docker",
                      "mode": "socket", "mode_reason": "the bind of the host's Docker socket", "privileged": False,
                      "docker_socket": ["/var/run/docker.sock:/var/run/docker.sock"]}
    assert (dind["mode"], dind["privileged"], dind["docker_socket"]) == ("dind", True, [])
    assert dind["mode_reason"] == "the dind service docker:27.5.1-dind"
    # A bind of the directory that holds the socket exposes it too; a spec that is no string is left out.
    assert (unnamed["name"], unnamed["privileged"], unnamed["docker_socket"]) == ("#3", True, ["/run:/host-run"])
    assert (shell["executor"], shell["mode"], shell["privileged"], shell["docker_socket"]) == ("shell", None, False, [])


@pytest.mark.parametrize("text", [None, "", "concurrent = 1\n", "[[runners]\n", "runners = 3\n"])
def test_no_runner_or_no_toml_gives_an_empty_list(text):
    assert config_toml_runners(text) == []


def test_refuses_what_is_not_text():
    with pytest.raises(AnsibleFilterError, match="must be config.toml text, got list"):
        config_toml_runners([])
