# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.docker_daemon_reload_plan import (
    docker_daemon_reload_plan,
)


@pytest.mark.parametrize("before, after, action", [
    ('{"debug": true}', {"debug": True, "registry-mirrors": ["http://10.0.0.5:5000"]}, "reload"),
    ("{}\n", {"mtu": 1400}, "restart"),
    ("", {}, "none"),
    (None, {"debug": True}, "reload"),
    ("{not json", {}, "restart"),
    ({"debug": True}, {}, "restart"),
])
def test_reload_plan_from_the_file_text(before, after, action):
    assert docker_daemon_reload_plan(before, after)["action"] == action


@pytest.mark.parametrize("before, after", [([], {}), ("{}", "{}")])
def test_reload_plan_refuses_other_types(before, after):
    with pytest.raises(AnsibleFilterError, match="docker_daemon_reload_plan: "):
        docker_daemon_reload_plan(before, after)
