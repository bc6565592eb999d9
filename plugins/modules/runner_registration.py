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
  - Runner attributes (O(description), O(tag_list), O(paused), ...) are sent when a runner is created, and follow
    the options afterwards. For an existing runner, those given are compared with GitLab's
    (C(GET /api/v4/runners/:id)) and what differs is changed (C(PUT /api/v4/runners/:id)), reported as changed, in
    check mode too, with a diff. A runner is never registered again to change an attribute. An attribute left out
    is left as GitLab has it.
  - Reading and changing attributes needs O(access_token) with the C(manage_runner) (GitLab 17.1 and later) or C(api)
    scope, of a user who owns the runner's group or project (an administrator for instance runners). Without one,
    the attributes are compared with what the module last set or read, kept beside O(config_path) in
    C(.runner_attributes.json) (no secret in it), and a warning per runner says what differs and what to grant;
    GitLab is left as it is.
  - With O(runners), one call settles all the runners of a host. Every runner's options are checked before any
    request, O(config_path) is read once, the tokens the host holds are verified a few at a time in parallel, then
    each runner is settled in the order given, one at a time (creations, deletions, pending files). The result
    lists each runner's outcome in RV(runners).
  - With O(pending_path), a new token is stored on the managed host before the module returns, so a play that
    dies before the token reaches C(config.toml) does not leave a runner at GitLab that nothing uses. The next
    run verifies the stored token when O(runner_token) is missing or rejected and returns it as RV(token) (the
    runner is reused, nothing is created); a stored token GitLab rejects is replaced by a new registration. When
    O(runner_token) is valid (or O(state=absent)), a stored token of another runner is a leftover duplicate; that
    runner is deleted at GitLab and the file removed.
  - Connection errors, timeouts, HTTP 429 and 5xx answers are retried O(retries) times with exponential
    backoff; every other refusal fails at once with a message naming the option or token at fault. No
    token is ever written to a message or warning.
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
      - Required, unless each item of O(runners) gives its own C(url).
    type: str
  api_timeout:
    description:
      - Seconds to wait for each answer from GitLab (each request and each repeat of it); more than 0.
      - C(timeout) is its old name, kept as an alias.
    type: float
    default: 30.0
    aliases: [timeout]
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
      - Deleting by O(runner_id), and reading and changing the attributes of an existing runner, need the
        C(manage_runner) or C(api) scope (GitLab 17.1 and later); C(create_runner) alone is not enough.
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
      - System id of the runner host, V(s_) or V(r_) followed by 12 letters or digits, as gitlab-runner keeps it in
        C(<config dir>/.runner_system_id). Sent with the verification so GitLab shows which host uses
        the token.
      - Mutually exclusive with O(system_id_path).
    type: str
  system_id_path:
    description:
      - gitlab-runner's system id file, C(<config dir>/.runner_system_id), on the managed host. Its id is sent as
        O(system_id). Where the file is missing or holds no id gitlab-runner reads back, a new one is made as
        gitlab-runner makes it (from the host's machine id, else random) and written there (mode 0600; not in check
        mode), so the service and GitLab see the same id. Reported as RV(system_id) and as a change.
    type: path
    version_added: 0.2.0
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
      - Must be given with O(config_path), and not with O(runners) (each item has its own).
    type: str
  runners:
    description:
      - Settle several runners in one call. Each item is one runner; an option an item does not set is taken from
        the module's option of the same name (O(url), O(state), O(runner_type), the attributes...), so shared
        settings such as O(access_token), O(system_id), O(config_path) and the connection options are given once.
      - Not together with O(runner_token), O(runner_id), O(pending_path) or O(name), which belong to one runner.
    type: list
    elements: dict
    suboptions:
      name:
        description: The runner's name, in O(config_path) and in RV(runners).
        type: str
        required: true
      url:
        description: As O(url), for this runner.
        type: str
      state:
        description: As O(state), for this runner.
        type: str
        choices: [present, absent]
      runner_token:
        description: As O(runner_token), for this runner.
        type: str
        aliases: [token]
      runner_id:
        description: As O(runner_id), for this runner.
        type: int
      pending_path:
        description: As O(pending_path), for this runner; by default the runner's file in O(pending_dir).
        type: path
      runner_type:
        description: As O(runner_type), for this runner.
        type: str
        choices: [instance_type, group_type, project_type]
      group_id:
        description: As O(group_id), for this runner.
        type: int
      project_id:
        description: As O(project_id), for this runner.
        type: int
      description:
        description: As O(description), for this runner.
        type: str
      tag_list:
        description: As O(tag_list), for this runner.
        type: list
        elements: str
      run_untagged:
        description: As O(run_untagged), for this runner.
        type: bool
      locked:
        description: As O(locked), for this runner.
        type: bool
      access_level:
        description: As O(access_level), for this runner.
        type: str
        choices: [not_protected, ref_protected]
      maximum_timeout:
        description: As O(maximum_timeout), for this runner.
        type: int
      paused:
        description: As O(paused), for this runner.
        type: bool
      maintenance_note:
        description: As O(maintenance_note), for this runner.
        type: str
  pending_dir:
    description:
      - With O(runners), the directory of the pending files (see O(pending_path)); each runner's file is its name
        URL-encoded (C(/) included) with C(.json), unless its item sets C(pending_path).
    type: path
attributes:
  check_mode:
    description: Can run in check mode and tell whether it would change anything.
    support: full
    details:
      - Only reads are sent (C(POST /api/v4/runners/verify), C(GET /api/v4/runners/:id)); nothing is
        created, changed or deleted, O(pending_path) is only read, and no token is returned.
  diff_mode:
    description: Shows the runner attributes it changes (or would change) at GitLab.
    support: full
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
    as its token never reached the host. The repeat of such a creation (O(retries)) creates a second runner and the
    first stays unused (GitLab shows it as never contacted).
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

- name: Settle all the runners of a host in one call
  runnerops.gitlab_runner.runner_registration:
    url: https://gitlab.example.com
    access_token: "{{ vault_gitlab_create_runner_token }}"
    config_path: /etc/gitlab-runner/config.toml
    pending_dir: /etc/gitlab-runner/.runner_pending
    runners:
      - name: docker-1
        tag_list: [docker]
      - name: docker-2
        tag_list: [docker]
      - name: old
        state: absent
  register: runner_registrations
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
attributes_changed:
  description:
    - The runner attributes changed at GitLab (in check mode, that would be), each with C(before) (GitLab's) and
      C(after) (the option's). Empty when nothing differs, or when they could not be read (see the warnings).
  returned: always
  type: dict
  sample: {tag_list: {before: [docker], after: [docker, linux]}, paused: {before: true, after: false}}
system_id:
  description:
    - The host's system id read from O(system_id_path), or made and written there (in check mode, the one that would
      be written).
  returned: when O(system_id_path) is set
  type: str
  sample: s_0123456789ab
runners:
  description:
    - With O(runners), one result per item in the same order, each with C(name) and the keys above (RV(runner_id),
      RV(token), RV(created), ...). The top-level keys other than C(changed) are then not returned.
    - Pass it as the C(credentials) of M(runnerops.gitlab_runner.runner_config).
  returned: when O(runners) is given
  type: list
  elements: dict
  sample: [{name: docker-1, runner_id: 12, created: false, deleted: false, changed: false}]
"""

import contextlib
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    gitlab_connection,
    pending_credentials,
    runner_attributes,
    system_id,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import ACCESS_LEVELS, RUNNER_TYPES
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import GitLabAPIError
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.host_lock import exclusive
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.registration import (
    RunnerError,
    ensure_runner,
    ensure_runners,
)

# The options that belong to one runner: an item of runners sets them, or takes the module's own.
_PER_RUNNER = ("name", "url", "state", "runner_token", "runner_id", "pending_path", "runner_type", "group_id",
               "project_id", "description", "tag_list", "run_untagged", "locked", "access_level", "maximum_timeout",
               "paused", "maintenance_note")


def _argument_spec():
    # "timeout" was this module's name of the API timeout: kept as an alias.
    spec = gitlab_connection.argument_spec(api_timeout={"aliases": ["timeout"]})
    spec.update(
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
        system_id_path=dict(type="path"),
        runner_id=dict(type="int"),
        pending_path=dict(type="path"),
        config_path=dict(type="path"),
        name=dict(type="str"),
        pending_dir=dict(type="path"),
    )
    # An item's option left out (None) is the module's; so the items have no defaults of their own.
    item = dict((key, dict((k, v) for k, v in spec[key].items() if k != "default")) for key in _PER_RUNNER)
    item["name"]["required"] = True
    item["runner_token"]["aliases"] = ["token"]  # the key runner_plan gives a runner's own token
    spec["runners"] = dict(type="list", elements="dict", options=item)
    return spec


def _single_mode_problem(params):
    """What the argument spec cannot require only when runners is absent (Ansible's own wording)."""
    if params["url"] is None:
        return "missing required arguments: url"
    if bool(params["config_path"]) != bool(params["name"]):
        return "parameters are required together: config_path, name"
    if params["state"] == "present" and not (
            params["runner_token"] or params["access_token"] or params["registration_token"]):
        return "state is present but any of the following are missing: runner_token, access_token, registration_token"
    return None


def _runner_params(params):
    """One options dict per item of runners: the item's options over the module's."""
    shared = dict((key, value) for key, value in params.items() if key not in ("runners", "pending_dir"))
    runners = []
    for item in params["runners"]:
        merged = dict(shared)
        merged.update((key, value) for key, value in item.items() if value is not None)
        if not merged.get("pending_path") and params["pending_dir"]:
            merged["pending_path"] = os.path.join(params["pending_dir"], pending_credentials.file_name(item["name"]))
        if merged.get("url") is None:
            raise ValueError('runner "%s": give url, for this item or for the module' % item["name"])
        runners.append(merged)
    return runners


def _system_id(path, check_mode):
    """The id at path, or a new one written there: (id, written); ValueError where the file cannot be used."""
    try:
        return system_id.ensure(path, check_mode=check_mode)
    except OSError as err:
        raise ValueError("system_id_path %s cannot be read or written: %s (gitlab-runner needs it too)" % (path, err))


def main():
    module = AnsibleModule(
        argument_spec=_argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("access_token", "registration_token"), ("group_id", "project_id"),
                            ("system_id", "system_id_path"),
                            ("runners", "runner_token"), ("runners", "runner_id"), ("runners", "pending_path"),
                            ("runners", "name")],
        required_if=[
            ("runner_type", "group_type", ("group_id",)),
            ("runner_type", "project_type", ("project_id",)),
        ],
    )
    params = module.params
    batch = params["runners"] is not None
    if not batch and _single_mode_problem(params):
        module.fail_json(msg=_single_mode_problem(params))
    if not batch and params["pending_dir"]:
        module.fail_json(msg="pending_dir is for runners; give pending_path for one runner")

    def make_api(url):
        return gitlab_connection.client(params, url)

    written = {}
    try:
        gitlab_connection.check(params)
        lock = exclusive(os.path.dirname(params["config_path"])) if params["config_path"] else contextlib.nullcontext()
        with lock:
            if params["system_id_path"]:
                params["system_id"], written["system_id"] = _system_id(params["system_id_path"], module.check_mode)
            if batch:
                results = ensure_runners(make_api, _runner_params(params), check_mode=module.check_mode,
                                         keep_secret=module.no_log_values.add)
            else:
                result = ensure_runner(make_api(params["url"]), params, check_mode=module.check_mode,
                                       keep_secret=module.no_log_values.add)
    except RunnerError as err:
        module.fail_json(msg=str(err), status=err.status, runner=err.name, error=str(err.error))
    except GitLabAPIError as err:
        module.fail_json(msg=str(err), status=err.status)
    except ValueError as err:
        module.fail_json(msg=str(err))
    # The id read or made at system_id_path: a new one is a change on the host.
    extra = {"system_id": params["system_id"]} if params["system_id_path"] else {}
    # The action plugin of the same name hides a result that carries a token.
    if batch:
        for result in results:
            for warning in result.pop("warnings"):
                module.warn('runner "%s": %s' % (result["name"], warning))
        diff = [_diff(result, result["name"]) for result in results if result["attributes_changed"]]
        module.exit_json(changed=any(result["changed"] for result in results) or written.get("system_id", False),
                         runners=results, **dict(extra, **({"diff": diff} if diff and module._diff else {})))
    for warning in result.pop("warnings"):
        module.warn(warning)
    if result["attributes_changed"] and module._diff:
        result["diff"] = _diff(result, params["name"] or "runner %s" % result["runner_id"])
    result.update(extra, changed=result["changed"] or written.get("system_id", False))
    module.exit_json(**result)


def _diff(result, name):
    changes = dict((key, (pair["before"], pair["after"])) for key, pair in result["attributes_changed"].items())
    before, after = runner_attributes.diff_texts(changes)
    return {"before_header": "%s at GitLab" % name, "after_header": "%s as asked" % name,
            "before": before, "after": after}


if __name__ == "__main__":
    main()
