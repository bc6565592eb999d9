# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback for make bench: counts the tasks a run executed and the module calls it sent to the hosts.

Writes ``{"tasks": n, "module_calls": n}`` to the file named by RUNNEROPS_BENCH_COUNTS when the run ends.
A task counts once per host it ran on (skipped ones are left out); a module call is a result of a task whose
action runs on the host (each loop item counts), so set_fact, assert, debug and the validation action plugin,
which run on the controller, are tasks but not module calls.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_counts
type: aggregate
short_description: Count tasks and module calls of a run (make bench)
description:
  - Writes the counts to the file named by RUNNEROPS_BENCH_COUNTS.
"""

_CONTROLLER = frozenset(
    "ansible.builtin." + name for name in (
        "set_fact", "assert", "debug", "fail", "include_tasks", "include_role", "import_tasks", "import_role",
        "meta", "validate_argument_spec", "include_vars", "add_host", "group_by")) | {"runnerops.gitlab_runner.validate_inputs"}


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_counts"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = 0
        self.module_calls = 0

    @staticmethod
    def _action(result):
        action = result._task.action
        return action if "." in action else "ansible.builtin." + action

    def _count(self, result):
        self.tasks += 1
        if self._action(result) in _CONTROLLER:
            return
        items = result._result.get("results")
        if isinstance(items, list):
            self.module_calls += sum(1 for item in items if not item.get("skipped"))
        else:
            self.module_calls += 1

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("RUNNEROPS_BENCH_COUNTS")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"tasks": self.tasks, "module_calls": self.module_calls}, handle)
