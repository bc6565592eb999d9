# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter systemd_show (documented in systemd_show.yml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_state


def _check(name, output):
    if output is not None and not isinstance(output, (str, Sequence, Mapping)):
        raise AnsibleFilterError("%s: the input must be what systemctl show printed, got %s"
                                 % (name, type(output).__name__))


def systemd_show(output):
    """Return the properties of ``systemctl show -p ...`` lines as a dict."""
    _check("systemd_show", output)
    return host_state.systemd_show(output)


class FilterModule(object):
    def filters(self):
        return {"systemd_show": systemd_show}
