# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.docker_daemon_json import docker_daemon_json

_CACHE = "http://10.0.0.5:5000"


@pytest.mark.parametrize("options, size, files, mirror, written", [
    ({}, "10m", 3, "", {"log-opts": {"max-size": "10m", "max-file": "3"}}),
    ({}, "", 3, "", {}),
    # The options' own log-opts win, key by key; the others stay.
    ({"log-opts": {"max-file": "5", "compress": "true"}}, "10m", 3, "",
     {"log-opts": {"max-size": "10m", "max-file": "5", "compress": "true"}}),
    ({"log-driver": "local"}, "20m", 2, "", {"log-driver": "local", "log-opts": {"max-size": "20m", "max-file": "2"}}),
    # Drivers without rotation get none.
    ({"log-driver": "journald", "log-opts": {"tag": "x"}}, "10m", 3, "",
     {"log-driver": "journald", "log-opts": {"tag": "x"}}),
    # The cache first, once, the other mirrors after it in their order.
    ({"registry-mirrors": ["https://mirror.example.com", _CACHE + "/"]}, "", 3, _CACHE,
     {"registry-mirrors": [_CACHE, "https://mirror.example.com"]}),
    ({"debug": True}, "", 3, _CACHE, {"debug": True, "registry-mirrors": [_CACHE]}),
])
def test_daemon_json_as_written(options, size, files, mirror, written):
    before = repr(options)
    assert docker_daemon_json(options, size, files, mirror) == written
    assert repr(options) == before


@pytest.mark.parametrize("options", [None, [], "{}"])
def test_daemon_json_refuses_other_types(options):
    with pytest.raises(AnsibleFilterError, match="docker_daemon_json: docker_daemon_options must be a dict"):
        docker_daemon_json(options, "10m", 3)
