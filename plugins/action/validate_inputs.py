# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validate a role's variables on the controller, all at once, before the role changes anything.

Each variable the role's argument spec declares is templated on its own, so a
template error names the variable; the values are converted as the argument
spec converts them and checked by the role's rules in module_utils
(runner_inputs, docker_inputs). Every problem is reported in one failure, each
with the variable's path and the fix; warnings do not stop the play. No
message shows a secret.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    docker_inputs,
    docker_modes,
    role_inputs,
    runner_inputs,
)
from ansible_collections.runnerops.gitlab_runner.plugins.plugin_utils.role_specs import argument_spec

_CHECKS = {"runner": runner_inputs.check, "docker": docker_inputs.check}


def _secret_values(options, values, found):
    """Collect the values of no_log options (nested ones too) so that no message can show them."""
    for name, option in options.items():
        value = values.get(name) if isinstance(values, dict) else None
        if value is None:
            continue
        if option.get("no_log") and isinstance(value, str):
            found.add(value)
        elif option.get("options") and isinstance(value, list):
            for item in value:
                _secret_values(option["options"], item, found)
    return found


class ActionModule(ActionBase):
    _supports_check_mode = True
    _VALID_ARGS = frozenset(("role",))
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused since ansible-core 2.10
        task_vars = task_vars or {}
        role = self._task.args.get("role")
        if role not in _CHECKS:
            return dict(result, failed=True, msg="role must be one of %s, got %r" % (", ".join(sorted(_CHECKS)), role))
        options = argument_spec(role)
        raw = {}
        report = role_inputs.Report()
        for name in options:
            if name not in task_vars:
                continue
            try:
                raw[name] = self._templar.template(task_vars[name])
            except AnsibleError as error:
                report.error(name, "cannot be evaluated: %s" % (getattr(error, "message", None) or error))
        _secret_values(options, raw, report.secrets)
        values = role_inputs.coerce(options, raw, "", report)
        # The role's rules run too, so one report holds every problem; a variable that could not be converted is
        # checked no further (its default stands in, so that the rules about the others still hold).
        failed = set(re.split(r"[.\[]", path, maxsplit=1)[0] for path, _message in report.errors)
        for name in failed:
            if name in options and "default" in options[name]:
                values.setdefault(name, copy.deepcopy(options[name]["default"]))
        plan = _CHECKS[role](values, report)
        result["warnings"] = report.warning_lines()
        result["changed"] = False
        # Tells the role's preflight whether it already read the host for these very inputs in this run.
        result["inputs_digest"] = hashlib.sha256(
            json.dumps(values, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        if role == "runner":
            # Whether any runner of the host runs dind: the one rule, for the preflight's host reads.
            result["any_dind"] = docker_modes.any_dind(values.get("runner_mode"), values.get("runner_entries"))
        if report.errors:
            problems = report.error_lines()
            result["failed"] = True
            result["problems"] = problems
            result["msg"] = "The %s role's variables have %d problem%s; nothing was changed. %s" % (
                role, len(problems), "" if len(problems) == 1 else "s",
                " ".join("(%d) %s" % (number, line) for number, line in enumerate(problems, 1)))
        else:
            result["msg"] = "The %s role's %d variables are valid" % (role, len(values))
            if plan is not None:
                # Planned once, for every later task of the role. The plan holds what config.toml gets (a runner's
                # own token, the proxy's password, DOCKER_AUTH_CONFIG): the result is hidden from the output.
                result["plan"] = plan
                result["_ansible_no_log"] = True
        return result
