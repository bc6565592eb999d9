# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter systemd_service_settled (documented in systemd_service_settled.yml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_state


def _check(name, output):
    if output is not None and not isinstance(output, (str, Sequence, Mapping)):
        raise AnsibleFilterError("%s: the input must be what systemctl show printed, got %s"
                                 % (name, type(output).__name__))


def systemd_service_settled(output, enabled=None, state=None):
    """Tell whether ansible.builtin.systemd_service with ``enabled`` and ``state`` would change nothing."""
    _check("systemd_service_settled", output)
    if state is not None and state not in ("", "started", "stopped", "restarted", "reloaded"):
        raise AnsibleFilterError("systemd_service_settled: state must be started, stopped, restarted or reloaded, "
                                 "got %r" % (state,))
    return host_state.systemd_service_settled(output, enabled, state)


class FilterModule(object):
    def filters(self):
        return {"systemd_service_settled": systemd_service_settled}
