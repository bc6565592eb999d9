#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Documentation of the validate_inputs action plugin (plugins/action/validate_inputs.py): it runs on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
module: validate_inputs
short_description: Validate the variables of one of this collection's roles before any change
version_added: 0.2.0
author:
  - runnerops maintainers (@runnerops)
description:
  - Reads every variable that the role's C(meta/argument_specs.yml) declares, templating each one on its own so
    that a template error names the variable, and converts it the way the argument spec does (C("8") is the
    integer 8, C("yes") is true).
  - Reports what no conversion fixes, such as a null value left by an empty YAML key, a version that YAML read
    as a float (C(20.10) is C(20.1)), a string where a list is meant, or an unknown key with the nearest known one.
  - Then applies the role's rules. For C(runner), these are GitLab's rules for the URL, the credentials and the
    runner attributes, the runner list, and what gitlab-runner refuses in C(config.toml), checked on the rendered
    file. For C(docker), they are C(daemon.json) as dockerd reads it (keys, types, values, and keys that conflict
    with the systemd unit's flags), the registry CA certificates and the package version.
  - Every problem is reported at once, each with the path of the variable as the user wrote it
    (C(runner_entries[2].docker.volumes[1])) and the fix. Warnings are shown and do not fail the task.
  - No message shows a secret. Tokens, passwords in URLs and private keys are masked.
  - What needs the managed host, such as the live C(config.toml), files on the host or its users, is checked
    by the roles' preflight tasks.
options:
  role:
    description: The role whose variables are validated.
    type: str
    required: true
    choices: [docker, runner]
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to show.
  idempotent:
    support: full
    description: Never changes anything.
notes:
  - Runs on the controller as an action plugin; nothing is sent to the managed host.
seealso:
  - module: runnerops.gitlab_runner.runner_registration
  - module: runnerops.gitlab_runner.runner_config
"""

EXAMPLES = r"""
- name: Validate the runner settings
  runnerops.gitlab_runner.validate_inputs:
    role: runner
"""

RETURN = r"""
problems:
  description: "Every error found, as C(<variable path>: <what is wrong and the fix>) lines."
  returned: when the variables have errors
  type: list
  elements: str
  sample:
    - "runner_entries[0].tags[1]: 'a,b' contains a comma: GitLab splits tags at commas, so it would become 2 tags"
inputs_digest:
  description:
    - SHA-256 of the converted variables, so that a role's preflight can tell whether it already read the host for
      the same inputs earlier in the run (C(site.yml) validates every host first, then runs the roles).
  returned: always
  type: str
  sample: 3f1c0a9e5b7d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e
plan:
  description:
    - The plan of the host's runners (what C(config.toml) gets, the registrations, each runner's mode and the proxy's
      variables), as the filter P(runnerops.gitlab_runner.runner_plan#filter) returns it, so that the role computes it
      once. The result is hidden from the output then, as with C(no_log); warnings are still shown.
  returned: for O(role=runner), when the variables are valid
  type: dict
any_dind:
  description:
    - Whether any runner of the host is in dind mode (its own C(mode), else C(runner_mode); runners to remove do not
      count), for the preflight's host reads.
  returned: for O(role=runner)
  type: bool
  sample: true
"""
