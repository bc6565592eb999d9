#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runner_drain
short_description: Pause a runner host's runners at GitLab until they run no job, or resume them
version_added: 0.3.0
description:
  - With O(state=drained), pauses at GitLab every runner of O(config_path) registered at O(url)
    (C(PUT /api/v4/runners/:id) with C(paused)), so that GitLab gives them no new job, then waits until none of them
    runs a job (C(GET /api/v4/runners/:id/jobs?status=running)), at most O(drain_timeout) seconds. Jobs already
    running finish normally. A runner that still runs jobs after O(drain_timeout) fails the task; the runners stay
    paused.
  - With O(state=resumed), unpauses the runners that a drain paused, and only those (a runner somebody paused
    otherwise stays paused).
  - The runners a drain paused are listed in C(.runner_drained.json) beside O(config_path) (their names and ids, no
    secret). A runner is added once GitLab confirmed its pause, and removed once GitLab confirmed its unpause; the
    file goes when none is left. A play that dies in between leaves a host that the next drain or resume settles.
    A pause or unpause that GitLab refused or did not confirm (a timeout, a 5xx) leaves no trace in the file, so a
    later resume never unpauses a runner somebody else paused.
  - Runners of O(config_path) registered at another GitLab are left alone and listed in RV(other_gitlab).
extends_documentation_fragment:
  - runnerops.gitlab_runner.gitlab_connection
author:
  - runnerops maintainers (@runnerops)
requirements:
  - Python 3.8 or later on the managed host.
options:
  url:
    description:
      - Base URL of GitLab, such as V(https://gitlab.example.com), without C(/api/v4).
    type: str
    required: true
  access_token:
    description:
      - A personal, group or project access token with the C(manage_runner) scope (GitLab 17.1 and later) or C(api),
        of a user who owns the runners' group or project (an administrator for instance runners).
    type: str
    required: true
  config_path:
    description: The host's C(config.toml); its runners are the ones drained.
    type: path
    default: /etc/gitlab-runner/config.toml
  state:
    description: V(drained) pauses and waits; V(resumed) unpauses what a drain paused.
    type: str
    choices: [drained, resumed]
    default: drained
  drain_timeout:
    description:
      - Seconds to wait for running jobs to end (V(drained)); 0 or more.
      - C(timeout) is its old name, kept as an alias. The timeout of each request to GitLab is O(api_timeout).
    type: int
    default: 3600
    aliases: [timeout]
  poll_interval:
    description: Seconds between two looks at the running jobs.
    type: float
    default: 5.0
attributes:
  check_mode:
    description: Can run in check mode and tell whether it would change anything.
    support: full
    details:
      - Only reads are sent; nothing is paused or unpaused and nothing is waited for.
  diff_mode:
    description: Returns no diff.
    support: none
  idempotent:
    description: A host already drained changes nothing; one already resumed changes nothing.
    support: full
seealso:
  - name: GitLab runner API
    description: The REST endpoints this module calls.
    link: https://docs.gitlab.com/api/runners/
"""

EXAMPLES = r"""
- name: Stop GitLab from giving this host jobs, and wait for the running ones (an hour at most)
  runnerops.gitlab_runner.runner_drain:
    url: https://gitlab.example.com
    access_token: "{{ vault_gitlab_manage_runner_token }}"
    drain_timeout: 3600

- name: Let GitLab give this host jobs again
  runnerops.gitlab_runner.runner_drain:
    url: https://gitlab.example.com
    access_token: "{{ vault_gitlab_manage_runner_token }}"
    state: resumed
"""

RETURN = r"""
paused:
  description: The runners paused now (in check mode, that would be). Runners already paused are not listed.
  returned: when O(state=drained)
  type: list
  elements: str
  sample: [docker-1]
waited:
  description: Seconds waited until the runners ran no job.
  returned: when O(state=drained)
  type: float
  sample: 42.5
resumed:
  description: The runners unpaused (in check mode, that would be).
  returned: when O(state=resumed)
  type: list
  elements: str
  sample: [docker-1]
other_gitlab:
  description: Runners of O(config_path) registered at another GitLab than O(url), left alone.
  returned: when O(state=drained)
  type: list
  elements: str
  sample: []
record:
  description: The file that lists the runners a drain paused.
  returned: always
  type: str
  sample: /etc/gitlab-runner/.runner_drained.json
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import gitlab_connection
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.drain import DrainError, drain, resume
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabAPIError


def _argument_spec():
    spec = gitlab_connection.argument_spec(url={"required": True})
    spec.update(
        access_token=dict(type="str", required=True, no_log=True),
        config_path=dict(type="path", default="/etc/gitlab-runner/config.toml"),
        state=dict(type="str", default="drained", choices=["drained", "resumed"]),
        # "timeout" was this module's name of the drain wait (the API timeout is api_timeout): kept as an alias.
        drain_timeout=dict(type="int", default=3600, aliases=["timeout"]),
        poll_interval=dict(type="float", default=5.0),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=_argument_spec(), supports_check_mode=True)
    params = module.params
    if params["drain_timeout"] < 0 or params["poll_interval"] <= 0:
        module.fail_json(msg="drain_timeout must be 0 or more seconds and poll_interval more than 0, got %s and %s"
                         % (params["drain_timeout"], params["poll_interval"]))
    try:
        gitlab_connection.check(params)
        api = gitlab_connection.client(params)
        if params["state"] == "drained":
            result = drain(api, params["access_token"], params["config_path"], params["drain_timeout"],
                           params["poll_interval"], check_mode=module.check_mode)
        else:
            result = resume(api, params["access_token"], params["config_path"], check_mode=module.check_mode)
    except ValueError as err:
        module.fail_json(msg=str(err))
    except (DrainError, GitLabAPIError) as err:
        module.fail_json(msg=str(err), status=err.status)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
