# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter runner_plan (documented in runner_plan.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.runner_plan import runner_plan as _runner_plan


def runner_plan(entries, defaults):
    """Return the desired config.toml data and the registration plan for the role's runner list."""
    try:
        return _runner_plan(entries, defaults)
    except ValueError as error:
        raise AnsibleFilterError("runner_plan: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"runner_plan": runner_plan}
