# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters docker_volume and docker_executor_findings (documented in their .yml files)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_executor import findings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import parse_volume


def docker_volume(spec):
    """Parse a Docker volume spec as the engine does; fail with Docker's reason when it would reject it."""
    try:
        return parse_volume(spec)
    except ValueError as error:
        raise AnsibleFilterError("docker_volume: %s" % error)


def docker_executor_findings(docker, mode, builds_dir="/builds", services=None, variables=None):
    """Return the findings for a [runners.docker] table in socket or dind mode."""
    try:
        return findings(docker, mode, builds_dir=builds_dir, services=services, variables=variables)
    except ValueError as error:
        raise AnsibleFilterError("docker_executor_findings: %s" % error)


class FilterModule(object):
    def filters(self):
        return {
            "docker_volume": docker_volume,
            "docker_executor_findings": docker_executor_findings,
        }
