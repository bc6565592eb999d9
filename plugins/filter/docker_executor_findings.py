# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter docker_executor_findings (documented in docker_executor_findings.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import findings


def docker_executor_findings(docker, mode, builds_dir="/builds", services=None, variables=None, host_mtu=None,
                             docker_engine=None, shared=None):
    """Return the findings for a [runners.docker] table in socket or dind mode."""
    try:
        return findings(docker, mode, builds_dir=builds_dir, services=services, variables=variables, host_mtu=host_mtu,
                        docker_engine=docker_engine, shared=shared)
    except ValueError as error:
        raise AnsibleFilterError("docker_executor_findings: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"docker_executor_findings": docker_executor_findings}
