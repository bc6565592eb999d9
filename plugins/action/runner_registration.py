# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the runner_registration module; hide its result from all output when it carries a new token (of any runner).

A module cannot do this itself: ``no_log_values`` would mask the returned
token in the result too, and ``_ansible_*`` keys a module returns are removed
by the controller. An action plugin may set ``_ansible_no_log``, which makes
every callback show the result as censored (``-vvv`` included) while a
registered variable keeps the token.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused since ansible-core 2.10

        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)

        if result.get("token") or any(isinstance(runner, dict) and runner.get("token")
                                      for runner in result.get("runners") or ()):
            result["_ansible_no_log"] = True
        return result
