# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter docker_volume (documented in docker_volume.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import (
    parse_runner_volume,
    parse_volume,
)


def docker_volume(spec, runner=False):
    """Parse a Docker volume spec as the engine does (with ``runner``, as GitLab Runner reads a config.toml entry
    first); fail with the reason when it would be refused."""
    try:
        return parse_runner_volume(spec) if runner else parse_volume(spec)
    except ValueError as error:
        raise AnsibleFilterError("docker_volume: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"docker_volume": docker_volume}
