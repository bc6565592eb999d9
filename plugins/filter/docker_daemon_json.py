# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter docker_daemon_json (documented in docker_daemon_json.yml)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_daemon_config import daemon_json


def docker_daemon_json(options, log_max_size="", log_max_files=3, registry_mirror_url=""):
    """Return daemon.json as the docker role writes it, from docker_daemon_options and the role's additions."""
    if not isinstance(options, Mapping):
        raise AnsibleFilterError("docker_daemon_json: docker_daemon_options must be a dict, got %s"
                                 % type(options).__name__)
    return daemon_json(options, log_max_size or "", log_max_files, registry_mirror_url or "")


class FilterModule(object):
    def filters(self):
        return {"docker_daemon_json": docker_daemon_json}
