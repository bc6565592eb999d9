#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runner_registration
short_description: Register a GitLab Runner with GitLab, or remove it, through GitLab's REST API
version_added: 0.1.0
description:
  - Makes sure GitLab knows a runner and that the runner holds a working runner authentication token
    (C(glrt-...)), without running C(gitlab-runner register) (which appends a new C([[runners]]) entry
    to C(config.toml) every time it runs).
  - With O(state=present) and O(runner_token), the token is checked with C(POST /api/v4/runners/verify).
    A valid token changes nothing. A token GitLab rejects with 403 (the runner was deleted at GitLab,
    its token revoked, or rotated by the runner service) is an error, unless O(access_token) or
    O(registration_token) is given; then a new runner is created and its token returned.
  - With O(state=present) and no O(runner_token), a new runner is created every time, with
    C(POST /api/v4/user/runners) and O(access_token) (GitLab 15.10 and later), or with the legacy
    C(POST /api/v4/runners) and O(registration_token). Feed the returned RV(token) back as
    O(runner_token) (usually by reading it from the live C(config.toml)) so later runs only verify it.
  - With O(state=absent), the runner is deleted with C(DELETE /api/v4/runners) and O(runner_token), or
    with C(DELETE /api/v4/runners/:id) and O(access_token) plus O(runner_id). Without them, the token that
    O(config_path) holds for O(name), or that O(pending_path) keeps, is used; a runner none of them knows, or
    that is already gone, is not an error.
  - Runner attributes (O(description), O(tag_list), ...) are sent only when a runner is created; the
    module does not update an existing runner.
  - With O(pending_path), a new token is stored on the managed host before the module returns, so a play that
    dies before the token reaches C(config.toml) does not leave a runner at GitLab that nothing uses. The next
    run verifies the stored token when O(runner_token) is missing or rejected and returns it as RV(token) (the
    runner is reused, nothing is created); a stored token GitLab rejects is replaced by a new registration. When
    O(runner_token) is valid (or O(state=absent)), a stored token of another runner is a leftover duplicate; that
    runner is deleted at GitLab and the file removed.
  - Connection errors, timeouts, HTTP 429 and 5xx answers are retried O(retries) times with exponential
    backoff; every other refusal fails at once with a message naming the option or token at fault. No
    token is ever written to a message or warning.
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
  state:
    description:
      - V(present) makes sure the runner exists and its token works; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  runner_token:
    description:
      - An existing runner authentication token (C(glrt-...), or the token of a runner registered with
        a registration token), as kept in C(config.toml).
      - With O(state=present) it is verified; with O(state=absent) it identifies the runner to delete.
    type: str
  access_token:
    description:
      - A personal, group or project access token, sent as C(PRIVATE-TOKEN).
      - Creating a runner needs the C(create_runner) (or C(api)) scope and the right to create runners of
        O(runner_type) in that group or project (an administrator for instance runners).
      - Deleting by O(runner_id) needs the C(manage_runner) or C(api) scope (GitLab 17.1 and later);
        C(create_runner) alone is not enough.
      - Mutually exclusive with O(registration_token).
    type: str
  registration_token:
    description:
      - A legacy runner registration token.
      - Disabled by default since GitLab 17.0 (answered with HTTP 410) and removed in GitLab 20.0; prefer
        O(access_token).
      - The token decides whether the runner is an instance, group or project runner; O(runner_type),
        O(group_id) and O(project_id) are not used with it.
    type: str
  runner_type:
    description:
      - Kind of runner to create with O(access_token).
      - V(group_type) needs O(group_id), V(project_type) needs O(project_id).
    type: str
    choices: [instance_type, group_type, project_type]
    default: instance_type
  group_id:
    description:
      - Id of the group a V(group_type) runner belongs to.
    type: int
  project_id:
    description:
      - Id of the project a V(project_type) runner belongs to.
    type: int
  description:
    description:
      - Description of the runner, shown in GitLab.
    type: str
  tag_list:
    description:
      - Tags of the runner, one per item.
    type: list
    elements: str
  run_untagged:
    description:
      - Whether the runner also picks jobs without tags. GitLab's default is V(true).
    type: bool
  locked:
    description:
      - Whether the runner is locked to its current projects.
    type: bool
  access_level:
    description:
      - V(ref_protected) runs only jobs of protected branches and tags.
    type: str
    choices: [not_protected, ref_protected]
  maximum_timeout:
    description:
      - Longest a job may run on this runner, in seconds (at least 600).
    type: int
  paused:
    description:
      - Whether the runner is created paused (it takes no jobs).
    type: bool
  maintenance_note:
    description:
      - Free-form maintenance note shown in GitLab.
    type: str
  system_id:
    description:
      - System id of the runner host, V(s_) followed by 12 lowercase hex characters, as kept in
        C(<config dir>/.runner_system_id). Sent with the verification so GitLab shows which host uses
        the token.
    type: str
  runner_id:
    description:
      - Id of the runner to delete with O(access_token) when O(state=absent). Ignored with
        O(state=present), so the id kept beside a token may always be passed.
      - Also settles the case where O(runner_token) is rejected because the runner service rotated it;
        the runner is then deleted by id.
    type: int
  pending_path:
    description:
      - Absolute path of a file on the managed host that keeps a new runner token until C(config.toml) holds
        it, one file per runner, such as C(/etc/gitlab-runner/.runner_pending/<runner name>.json).
      - The file is JSON (C(url), C(id), C(token), C(token_obtained_at), C(token_expires_at)), mode C(0600), owned by
        the user the module runs as (root with C(become)), written atomically in a directory created with mode
        C(0700). It is written after GitLab created the runner and before the module returns. If it cannot be
        written, the new runner is deleted again at GitLab and the task fails.
      - M(runnerops.gitlab_runner.runner_config) removes it once C(config.toml) holds its token (RV(pending_path)
        in the registration results tells it where the file is).
      - A file that is not JSON with a token, or that holds the token of a runner at another O(url), is ignored with
        a warning (its token is never sent to another GitLab) and replaced if a runner is created.
      - Empty or omitted, nothing is kept on the host.
    type: path
  config_path:
    description:
      - The C(config.toml) of the managed host. With O(name), the token it holds for that runner when the task runs
        is used instead of O(runner_token) (and its C(id) instead of O(runner_id)), because the runner service may
        have rotated it, or a play running at the same time may have registered the runner, since the caller read
        the file. A token the file keeps for another GitLab than O(url) is never sent, and O(runner_token) is dropped
        when it is that token.
      - The module holds an exclusive lock on the file's directory while it reads it, talks to GitLab and writes
        O(pending_path); M(runnerops.gitlab_runner.runner_config) holds the same lock while it writes
        C(config.toml). Two plays started together against one host therefore register one runner per name.
    type: path
  name:
    description:
      - The runner's C(name) in O(config_path).
    type: str
  validate_certs:
    description:
      - Whether to verify GitLab's TLS certificate. Set V(false) only for throw-away test instances;
        give O(ca_path) for a private CA instead.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or CAs) that signed GitLab's certificate.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from GitLab.
    type: float
    default: 30.0
  retries:
    description:
      - How many times a request is repeated after a connection error, a timeout or an HTTP 429/5xx
        answer (0 to 10).
      - A runner creation whose answer timed out may still have created a runner at GitLab; the repeat
        then creates a second one and the first stays unused (GitLab shows it as never contacted).
    type: int
    default: 3
  backoff:
    description:
      - Seconds to wait before the first repeat; each further repeat waits twice as long as the one
        before (at most 30 seconds).
    type: float
    default: 1.0
attributes:
  check_mode:
    description: Can run in check mode and tell whether it would change anything.
    support: full
    details:
      - Only reads are sent (C(POST /api/v4/runners/verify), C(GET /api/v4/runners/:id)); nothing is
        created or deleted, O(pending_path) is only read, and no token is returned.
  diff_mode:
    description: Would show what it changes in diff mode.
    support: none
  idempotent:
    description: Running it again with the same options changes nothing.
    support: partial
    details:
      - Idempotent when the token it returned is given back as O(runner_token) on the next run. Without
        O(runner_token), O(state=present) creates a new runner every time, unless O(pending_path) still holds the
        token of the runner the previous run created.
notes:
  - RV(token) is a secret. When the result carries one, the module's action plugin marks the result
    C(no_log), so every output (C(-vvv) included) shows it censored while a registered variable still
    holds the token. With C(async) the result bypasses the action plugin; set C(no_log=true) on the task
    anyway, and store the token only where secrets belong (C(config.toml) with mode C(0600), a vault).
  - The module does not write C(config.toml); the caller puts the token there.
  - O(pending_path) cannot recover a runner whose creation answer was lost (a timeout after GitLab created it),
    as its token never reached the host.
seealso:
  - name: GitLab runner API
    description: The REST endpoints this module calls.
    link: https://docs.gitlab.com/api/runners/
  - name: Create a runner with a runner authentication token
    description: GitLab's registration workflow since GitLab 15.10.
    link: https://docs.gitlab.com/ci/runners/new_creation_workflow/
"""

EXAMPLES = r"""
- name: Verify the runner token kept in config.toml, or create a project runner if it is gone
  runnerops.gitlab_runner.runner_registration:
    url: https://gitlab.example.com
    config_path: /etc/gitlab-runner/config.toml
    name: docker
    pending_path: /etc/gitlab-runner/.runner_pending/docker.json
    access_token: "{{ vault_gitlab_create_runner_token }}"
    runner_type: project_type
    project_id: 42
    description: "{{ inventory_hostname }} docker"
    tag_list: [docker, linux]
    run_untagged: false
    system_id: "{{ runner_system_id | default(omit) }}"
  register: runner_registration
  no_log: true

- name: Delete the runner at GitLab
  runnerops.gitlab_runner.runner_registration:
    url: https://gitlab.example.com
    state: absent
    runner_token: "{{ current_runner_token }}"
  no_log: true

- name: Delete a runner by id (token with the manage_runner scope)
  runnerops.gitlab_runner.runner_registration:
    url: https://gitlab.example.com
    state: absent
    access_token: "{{ vault_gitlab_manage_runner_token }}"
    runner_id: 1234
  no_log: true
"""

RETURN = r"""
runner_id:
  description:
    - Id of the runner at GitLab.
    - V(null) when the runner is unknown (O(state=absent) with a token GitLab rejects, or a runner that
      would be created in check mode).
  returned: always
  type: int
  sample: 1234
token:
  description:
    - The new runner authentication token. GitLab shows it only once.
    - Also the token kept in O(pending_path) when RV(recovered) is V(true).
    - A secret; the result is marked C(no_log) when it is present. Register the result on a task with
      C(no_log=true) and write the token only to C(config.toml) or a vault.
  returned: when a runner was created or RV(recovered) (not in check mode)
  type: str
  sample: glrt-EXAMPLEEXAMPLEEXAMPLE
recovered:
  description:
    - Whether RV(token) is the token kept in O(pending_path) by an earlier run that created the runner but did
      not finish; the runner was verified and reused, nothing was created (in check mode, whether it would be
      reused; no token is returned then).
  returned: when O(state=present) and O(pending_path) held a token GitLab accepts
  type: bool
  sample: true
pending_path:
  description:
    - O(pending_path) as given, for M(runnerops.gitlab_runner.runner_config) to remove the file once
      C(config.toml) holds the token.
  returned: when O(pending_path) is set
  type: str
  sample: /etc/gitlab-runner/.runner_pending/build.json
token_expires_at:
  description:
    - When the runner token expires (RFC 3339), V(null) when it does not expire.
  returned: always
  type: str
  sample: "2026-12-31T00:00:00.000Z"
token_obtained_at:
  description:
    - When the module obtained RV(token), RFC 3339 in UTC (for a recovered token, when the earlier run obtained it).
  returned: when a runner was created or RV(recovered) (not in check mode)
  type: str
  sample: "2026-05-01T12:00:00Z"
created:
  description:
    - Whether a runner was created (in check mode, whether one would be).
  returned: always
  type: bool
  sample: true
deleted:
  description:
    - Whether the runner was deleted (in check mode, whether it would be).
  returned: always
  type: bool
  sample: false
"""

import contextlib
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import ACCESS_LEVELS, RUNNER_TYPES
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    GitLabAPIError,
    GitLabRunnerAPI,
    ensure_runner,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.host_lock import exclusive


def _argument_spec():
    return dict(
        url=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        runner_token=dict(type="str", no_log=True),
        access_token=dict(type="str", no_log=True),
        registration_token=dict(type="str", no_log=True),
        runner_type=dict(type="str", default="instance_type", choices=list(RUNNER_TYPES)),
        group_id=dict(type="int"),
        project_id=dict(type="int"),
        description=dict(type="str"),
        tag_list=dict(type="list", elements="str"),
        run_untagged=dict(type="bool"),
        locked=dict(type="bool"),
        access_level=dict(type="str", choices=list(ACCESS_LEVELS)),
        maximum_timeout=dict(type="int"),
        paused=dict(type="bool"),
        maintenance_note=dict(type="str"),
        system_id=dict(type="str"),
        runner_id=dict(type="int"),
        pending_path=dict(type="path"),
        config_path=dict(type="path"),
        name=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30.0),
        retries=dict(type="int", default=3),
        backoff=dict(type="float", default=1.0),
    )


def main():
    module = AnsibleModule(
        argument_spec=_argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("access_token", "registration_token"), ("group_id", "project_id")],
        required_together=[("config_path", "name")],
        required_if=[
            ("state", "present", ("runner_token", "access_token", "registration_token"), True),
            ("runner_type", "group_type", ("group_id",)),
            ("runner_type", "project_type", ("project_id",)),
        ],
    )
    params = module.params
    try:
        api = GitLabRunnerAPI(
            params["url"], validate_certs=params["validate_certs"], ca_path=params["ca_path"],
            timeout=params["timeout"], retries=params["retries"], backoff=params["backoff"])
        lock = exclusive(os.path.dirname(params["config_path"])) if params["config_path"] else contextlib.nullcontext()
        with lock:
            result = ensure_runner(api, params, check_mode=module.check_mode, keep_secret=module.no_log_values.add)
    except GitLabAPIError as err:
        module.fail_json(msg=str(err), status=err.status)
    except ValueError as err:
        module.fail_json(msg=str(err))
    for warning in result.pop("warnings"):
        module.warn(warning)
    # The action plugin of the same name hides a result that carries a token.
    module.exit_json(**result)


if __name__ == "__main__":
    main()
