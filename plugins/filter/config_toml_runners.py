# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter config_toml_runners (documented in config_toml_runners.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import runners_overview


def config_toml_runners(text):
    """Return what each [[runners]] entry of a config.toml text is: mode, privileged, Docker socket binds."""
    if text is not None and not isinstance(text, str):
        raise AnsibleFilterError("config_toml_runners: the input must be config.toml text, got %s" % type(text).__name__)
    return runners_overview(text or "")


class FilterModule(object):
    def filters(self):
        return {"config_toml_runners": config_toml_runners}
