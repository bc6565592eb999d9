# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter mask_config_toml (documented in mask_config_toml.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.runner_config_file import mask


def mask_config_toml(text):
    """Return a config.toml text with every token and secret value masked, fit to print."""
    if text is not None and not isinstance(text, str):
        raise AnsibleFilterError("mask_config_toml: the input must be config.toml text, got %s" % type(text).__name__)
    return mask(text or "")


class FilterModule(object):
    def filters(self):
        return {"mask_config_toml": mask_config_toml}
