# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter runner_tokens (documented in runner_tokens.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import live_credentials


def runner_tokens(text):
    """Return the credentials of each runner of a config.toml text, by runner name."""
    if text is not None and not isinstance(text, str):
        raise AnsibleFilterError("runner_tokens: the input must be config.toml text, got %s" % type(text).__name__)
    try:
        return live_credentials(text)
    except ValueError as error:
        raise AnsibleFilterError("runner_tokens: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"runner_tokens": runner_tokens}
