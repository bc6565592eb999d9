# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter systemd_environment_file (documented in systemd_environment_file.yml)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.http_proxy import environment_file


def systemd_environment_file(env):
    """Return ``env`` as the text of a systemd EnvironmentFile."""
    if not isinstance(env, Mapping):
        raise AnsibleFilterError("systemd_environment_file: the input must be a dict of variables, got %s"
                                 % type(env).__name__)
    bad = [name for name in env if not isinstance(name, str) or not name.replace("_", "a").isalnum()
           or name[:1].isdigit()]
    if bad:
        raise AnsibleFilterError("systemd_environment_file: %s not a variable name (letters, digits and _)"
                                 % ", ".join(repr(name) for name in bad))
    return environment_file(env)


class FilterModule(object):
    def filters(self):
        return {"systemd_environment_file": systemd_environment_file}
