# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter runner_plan (documented in runner_plan.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.role_inputs import Report, coerce
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.runner_plan import runner_plan as _runner_plan
from ansible_collections.runnerops.gitlab_runner.plugins.plugin_utils.role_specs import argument_spec


def runner_plan(entries, defaults):
    """Return the desired config.toml data and the registration plan for the role's runner list.

    The runners are first converted as the runner role's argument spec declares its items (``group_id: "42"`` is
    the integer 42), as validate_inputs converts them.
    """
    if isinstance(entries, list):
        report = Report()
        spec = {"runner_entries": argument_spec("runner")["runner_entries"]}
        entries = coerce(spec, {"runner_entries": entries}, "", report).get("runner_entries", entries)
        if report.errors:
            raise AnsibleFilterError("runner_plan: %s" % "; ".join(report.error_lines()))
    try:
        return _runner_plan(entries, defaults)
    except ValueError as error:
        raise AnsibleFilterError("runner_plan: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"runner_plan": runner_plan}
