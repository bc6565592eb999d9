# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter to_toml (documented in to_toml.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps


def to_toml(data, ascii_only=False):
    """Return ``data`` (a dict) as a TOML 1.0 document laid out like GitLab Runner's config.toml."""
    if not isinstance(ascii_only, bool):
        raise AnsibleFilterError("to_toml: ascii_only must be true or false, got %r" % (ascii_only,))
    try:
        return dumps(data, ascii_only=ascii_only)
    except ValueError as error:
        raise AnsibleFilterError("to_toml: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"to_toml": to_toml}
