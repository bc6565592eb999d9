# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter docker_daemon_reload_plan (documented in docker_daemon_reload_plan.yml)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_daemon_config import reload_plan


def docker_daemon_reload_plan(before, after):
    """Return whether a daemon.json change from ``before`` (its text, or a dict) to ``after`` needs a restart."""
    if isinstance(before, str):
        try:
            before = json.loads(before) if before.strip() else {}
        except ValueError:
            # A file dockerd could not read tells nothing of what it runs with: restart.
            before = {"": "unreadable"}
    if before is not None and not isinstance(before, Mapping):
        raise AnsibleFilterError("docker_daemon_reload_plan: the input must be daemon.json's text or a dict, got %s"
                                 % type(before).__name__)
    if not isinstance(after, Mapping):
        raise AnsibleFilterError("docker_daemon_reload_plan: the new daemon.json must be a dict, got %s"
                                 % type(after).__name__)
    return reload_plan(dict(before or {}), dict(after))


class FilterModule(object):
    def filters(self):
        return {"docker_daemon_reload_plan": docker_daemon_reload_plan}
