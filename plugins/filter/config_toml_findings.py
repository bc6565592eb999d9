# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter config_toml_findings (documented in config_toml_findings.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import findings


def config_toml_findings(text, modes=None, host_mtu=None, docker_engine=None, runner_version=None, runner_types=None):
    """Return the findings for a config.toml text; TOML syntax errors are findings too."""
    try:
        return findings(text, modes, host_mtu, docker_engine, runner_version, runner_types)
    except ValueError as error:
        raise AnsibleFilterError("config_toml_findings: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"config_toml_findings": config_toml_findings}
