# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The runner role's view of the host's Docker Engine, as its defaults give it to the validation.

runner_docker_engine_version follows the docker role's docker_version, else what the docker role's preflight read
on the host in the same play (``dockerd --version``); runner_docker_min_api_version follows min-api-version in
docker_daemon_options. Evaluated by Ansible's templar, as a play would, and then read by docker_api_versions.
"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_api_versions

_DEFAULTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "runner", "defaults", "main.yml")
_READ = {"rc": 0, "stdout": "Docker version 20.10.24+dfsg1, build 297e128", "changed": False}


def _evaluate(name, source=_DEFAULTS, **variables):
    """The role variable ``name`` of ``source`` (defaults/main.yml, or vars/main.yml), templated with ``variables``."""
    with open(source, encoding="utf-8") as handle:
        expression = yaml.safe_load(handle)[name]
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression)).strip()


@pytest.mark.parametrize("variables, expected, line", [
    ({}, "", None),                                                     # the runner role alone, nothing read
    ({"docker_version": ""}, "", None),
    ({"docker_version": "29.1.3"}, "29.1.3", "29.1"),
    ({"docker_version": "5:27.3.1-1~debian.12~bookworm"}, "5:27.3.1-1~debian.12~bookworm", "27.3"),
    ({"docker_version": "", "__docker_dockerd_version": _READ}, _READ["stdout"], "20.10"),
    ({"docker_version": "29.1.3", "__docker_dockerd_version": _READ}, "29.1.3", "29.1"),   # the pin wins
    ({"__docker_dockerd_version": {"rc": 127, "stdout": "", "msg": "No such file or directory"}}, "", None),
])
def test_engine_version(variables, expected, line):
    value = _evaluate("runner_docker_engine_version", **variables)
    assert value == expected
    release = docker_api_versions.release(value) if value else None
    assert (release["line"] if release else None) == line


@pytest.mark.parametrize("variables, expected", [
    ({}, ""), ({"docker_daemon_options": {}}, ""), ({"docker_daemon_options": {"min-api-version": "1.24"}}, "1.24"),
    ({"docker_daemon_options": {"log-driver": "journald"}}, ""), ({"docker_daemon_options": ["not", "a", "dict"]}, ""),
])
def test_min_api_version(variables, expected):
    assert _evaluate("runner_docker_min_api_version", **variables) == expected


_VARS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "runner", "vars", "main.yml")


@pytest.mark.parametrize("url, path", [
    ("https://gitlab.example.com", "/etc/gitlab-runner/certs/gitlab.example.com.crt"),
    ("https://gitlab.example.com:8443/", "/etc/gitlab-runner/certs/gitlab.example.com.crt"),
    # network/client.go: strings.Split(url.Host, ":")[0] + ".crt", the host as written.
    ("https://GitLab.Example.com", "/etc/gitlab-runner/certs/GitLab.Example.com.crt"),
    ("https://10.0.0.5:8443", "/etc/gitlab-runner/certs/10.0.0.5.crt"),
])
def test_gitlab_ca_file_is_where_the_runner_looks(url, path):
    assert _evaluate("__runner_gitlab_ca_path", _VARS, runner_config_dir="/etc/gitlab-runner",
                     runner_gitlab_url=url) == path
