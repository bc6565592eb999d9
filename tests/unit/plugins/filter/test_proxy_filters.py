# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.proxy_environment import proxy_environment
from ansible_collections.runnerops.gitlab_runner.plugins.filter.systemd_environment_file import (
    systemd_environment_file,
)


def test_proxy_environment_completes_no_proxy_with_the_direct_hosts():
    env = proxy_environment("http://proxy.corp:3128", "http://proxy.corp:3128", [".corp"], ["10.0.0.5"])
    assert env["no_proxy"] == ".corp,localhost,127.0.0.1,::1,docker,docker:2375,docker:2376,10.0.0.5"
    assert env["HTTPS_PROXY"] == "http://proxy.corp:3128"


def test_proxy_environment_without_a_proxy_is_empty():
    assert proxy_environment("", "", [".corp"], ["10.0.0.5"]) == {}


@pytest.mark.parametrize("args, words", [
    (("proxy.corp:3128",), "the http proxy 'proxy.corp:3128' has no scheme"),
    (("", "http://127.0.0.1:3128"), "the https proxy 'http://127.0.0.1:3128' is the host's loopback"),
    (("http://p:3128", "", ["a,b"]), "no_proxy entry 'a,b' holds a comma"),
    (("http://p:3128", "", "a.corp"), "no_proxy must be a list"),
    (("http://p:3128", "", [], ["http://10.0.0.5:5000"]), "direct_hosts entry 'http://10.0.0.5:5000' is a URL"),
])
def test_proxy_environment_refuses_bad_input(args, words):
    with pytest.raises(AnsibleFilterError, match="proxy_environment: ") as error:
        proxy_environment(*args)
    assert words in str(error.value)


def test_proxy_environment_error_hides_the_password():
    with pytest.raises(AnsibleFilterError) as error:
        proxy_environment("http://bot:hunter2secret@localhost:3128")
    assert "hunter2secret" not in str(error.value)


def test_systemd_environment_file():
    assert systemd_environment_file({"NO_PROXY": "a", "HTTP_PROXY": "http://u:p$1@p:3128"}) == (
        'HTTP_PROXY="http://u:p\\$1@p:3128"\nNO_PROXY="a"\n')


@pytest.mark.parametrize("env, words", [
    (["HTTP_PROXY=x"], "must be a dict"),
    ({"HTTP-PROXY": "x"}, "'HTTP-PROXY' not a variable name"),
    ({"1X": "x"}, "'1X' not a variable name"),
])
def test_systemd_environment_file_refuses(env, words):
    with pytest.raises(AnsibleFilterError) as error:
        systemd_environment_file(env)
    assert words in str(error.value)


def test_proxy_environment_without_credentials_for_task_environments():
    env = proxy_environment("http://bot:hunter2@proxy.corp:3128", "http://bot:hunter2@proxy.corp:3128", credentials=False)
    assert env["HTTP_PROXY"] == env["https_proxy"] == "http://proxy.corp:3128"
    assert "hunter2" not in repr(env)


def test_apt_proxy_auth():
    from ansible_collections.runnerops.gitlab_runner.plugins.filter.apt_proxy_auth import apt_proxy_auth
    env = proxy_environment("http://bot:p%40ss@proxy.corp:3128", "http://bot:p%40ss@proxy.corp:3128")
    assert apt_proxy_auth(env) == "machine http://proxy.corp:3128\nlogin bot\npassword p@ss\n"
    assert apt_proxy_auth({}) == ""
    with pytest.raises(AnsibleFilterError, match="apt_proxy_auth: the input must be the dict"):
        apt_proxy_auth("http://bot:x@p:1")
