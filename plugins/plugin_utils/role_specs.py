# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: the roles' argument specs, read where the controller-side plugins need them.

The argument spec of a role is the declaration of its variables; validate_inputs converts and checks a role's
variables with it, and the runner_plan filter converts a runner list with the runner item's options, so both read
the same values the same way.
"""

from __future__ import annotations

import os

import yaml

# libyaml's loader where PyYAML has it (as Ansible's own loader does): the runner spec takes about a tenth of the time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
_SPECS = {}


def argument_spec(role):
    """The options of ``role``'s main entry point, read from its meta/argument_specs.yml (once)."""
    if role not in _SPECS:
        with open(os.path.join(_ROLES, role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
            _SPECS[role] = yaml.load(handle, Loader=_LOADER)["argument_specs"]["main"]["options"]
    return _SPECS[role]
