#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: runner_config
short_description: Write GitLab Runner's config.toml from data, keeping the tokens the runner service owns
version_added: 0.1.0
description:
  - Writes the whole C(config.toml) of GitLab Runner from O(config) (global keys and C([[runners]]) tables, as
    returned by the P(runnerops.gitlab_runner.runner_plan#filter) filter) and fills in each runner's C(id),
    C(token), C(token_obtained_at) and C(token_expires_at).
  - "Credentials of a runner come from O(credentials) when registration obtained a new token there (one that
    differs from the token in the live file, and was not obtained before it). Otherwise they come from the live
    file: the running service rotates expiring tokens and rewrites C(config.toml) itself, and a later run must
    never undo that rotation."
  - Runners of the live file that are neither in O(config) nor in O(absent) are kept as found, after the managed
    ones, unless O(prune_unmanaged=true). Runners named in O(absent) are removed. Duplicate C([[runners]]) tables
    of a managed runner (left by repeated C(gitlab-runner register)) are dropped with a warning.
  - The new file is validated before it is written, with the same checks as the
    P(runnerops.gitlab_runner.config_toml_findings#filter) filter (unknown keys, wrong types, invalid values,
    and the Docker socket/dind checks in the mode O(modes) gives). Any error fails the task and nothing is
    written; errors in kept unmanaged runners are only warned about. Warnings are shown as task warnings.
  - The file is written atomically (a temporary file in the same directory, then a rename), with mode O(mode),
    owned by O(owner) and O(group); its directory is created or fixed to mode C(0700). It is only written when its
    content changes.
  - From reading the live file to writing the new one, the module holds an exclusive lock on its directory, the one
    M(runnerops.gitlab_runner.runner_registration) holds with its C(config_path), so plays running at the same
    time write one after the other, each over the other's result.
  - No token is ever returned. Tokens in the diff, in warnings and in error messages are masked
    (C(glrt-********)).
author:
  - runnerops maintainers (@runnerops)
requirements:
  - Python 3.8 or later on the managed host.
options:
  path:
    description:
      - Path of C(config.toml).
    type: path
    default: /etc/gitlab-runner/config.toml
  config:
    description:
      - The desired content without credentials, as the C(config) of
        P(runnerops.gitlab_runner.runner_plan#filter) returns it; global keys plus C(runners), a list of
        C([[runners]]) tables, each with a unique C(name).
      - A table that sets C(id), C(token), C(token_obtained_at) or C(token_expires_at) is an error; those come
        from O(credentials) or the live file.
      - Global keys of the live file that O(config) does not hold are not kept.
    type: dict
    required: true
  credentials:
    description:
      - Registration results. Either the C(results) of a registered loop over
        M(runnerops.gitlab_runner.runner_registration) (each with C(item.name), C(runner_id), C(token),
        C(token_obtained_at), C(token_expires_at)), or plain dicts with C(name), C(id), C(token),
        C(token_obtained_at) and C(token_expires_at).
      - Skipped items are ignored; an item without C(token) (a verified, not newly created runner) only supplies
        C(id) when the live file has none.
      - An item with C(pending_path) (returned by M(runnerops.gitlab_runner.runner_registration) when it keeps a new
        token on the host) has that file removed once the written C(config.toml) holds the token it keeps; a file
        holding another token is left for the next registration run to settle.
      - C(token_expires_at) V(null) means the token never expires, written as C(0001-01-01T00:00:00Z) as the
        runner does. Dates are RFC 3339 strings and are written as TOML date-times.
    type: list
    elements: dict
    default: []
  absent:
    description:
      - Names of runners to remove from the file.
    type: list
    elements: str
    default: []
  prune_unmanaged:
    description:
      - Whether to remove runners of the live file that are neither in O(config) nor in O(absent).
    type: bool
    default: false
  modes:
    description:
      - Docker mode of each runner, V(socket) or V(dind), by runner name, for the Docker checks. A runner without
        a mode gets the mode its settings suggest, or only the mode-independent checks.
    type: dict
    default: {}
  validated:
    description:
      - Whether O(config) was checked before and its warnings shown, as the runner role's validation does with
        the findings of P(runnerops.gitlab_runner.config_toml_findings#filter). Then only the warnings of
        unmanaged runners kept as found (and, with them, the file's global ones) are shown again, so that a run
        does not print each warning twice.
      - Errors fail the module either way.
    type: bool
    default: false
    version_added: 0.2.0
  backup:
    description:
      - Whether to keep a copy of the previous file, with a timestamp in its name, before changing it.
      - The copy gets mode C(0600), as it holds tokens too.
    type: bool
    default: true
  mode:
    description:
      - Permissions of C(config.toml). It holds tokens; GitLab Runner itself writes it C(0600).
    type: raw
    default: "0600"
  owner:
    description:
      - Owner of C(config.toml) and its directory.
    type: str
    default: root
  group:
    description:
      - Group of C(config.toml) and its directory.
    type: str
    default: root
attributes:
  check_mode:
    description: Can run in check mode and tell whether it would change anything.
    support: full
    details:
      - Nothing is written or removed. A runner that has no token yet (registration creates none in check mode) is shown
        without one, with a warning, instead of failing.
  diff_mode:
    description: Shows the changes of C(config.toml) in diff mode, with every token masked.
    support: full
  idempotent:
    description: Running it again with the same options changes nothing.
    support: full
    details:
      - After the runner service rotated a token, the next run rewrites the file in this module's layout once
        (the rotated token is kept).
notes:
  - The running service re-reads C(config.toml) when it changes; only C(listen_address) and C([session_server])
    need a restart, which RV(restart_required) reports.
seealso:
  - plugin: runnerops.gitlab_runner.runner_plan
    plugin_type: filter
  - module: runnerops.gitlab_runner.runner_registration
"""

EXAMPLES = r"""
- name: Plan the runners
  ansible.builtin.set_fact:
    runner_plan: "{{ runners | runnerops.gitlab_runner.runner_plan(plan_defaults) }}"

- name: Register the runners
  runnerops.gitlab_runner.runner_registration:
    url: "{{ item.url }}"
    state: "{{ item.state }}"
    runner_token: "{{ item.token | default(omit) }}"
    access_token: "{{ vault_gitlab_create_runner_token }}"
    runner_type: "{{ item.runner_type }}"
    description: "{{ item.description }}"
    tag_list: "{{ item.tag_list | default(omit) }}"
  loop: "{{ runner_plan.registrations }}"
  loop_control:
    label: "{{ item.name }}"
  register: runner_registrations
  no_log: true

- name: Write config.toml
  runnerops.gitlab_runner.runner_config:
    config: "{{ runner_plan.config }}"
    credentials: "{{ runner_registrations.results }}"
    absent: "{{ runner_plan.absent }}"
    modes: "{{ runner_plan.modes }}"
  register: runner_config

- name: Restart gitlab-runner for the settings it reads only at start
  ansible.builtin.systemd_service:
    name: gitlab-runner
    state: restarted
  when: runner_config.restart_required

- name: Write config.toml and drop runners nobody manages
  runnerops.gitlab_runner.runner_config:
    config:
      concurrent: 2
      runners:
        - name: build
          url: https://gitlab.example.com
          executor: docker
          docker:
            image: docker:27.3.1
            volumes: ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"]
    credentials:
      - name: build
        id: 42
        token: "{{ vault_build_runner_token }}"
        token_obtained_at: "2026-01-31T12:00:00Z"
        token_expires_at: null
    modes:
      build: socket
    prune_unmanaged: true
"""

RETURN = r"""
path:
  description: Path of C(config.toml).
  returned: always
  type: str
  sample: /etc/gitlab-runner/config.toml
runners:
  description: Names of the managed runners written, in file order.
  returned: success
  type: list
  elements: str
  sample: [build, dind]
removed:
  description:
    - Names of the runners removed from the file (O(absent), duplicates, and with O(prune_unmanaged) the
      unmanaged ones).
  returned: success
  type: list
  elements: str
  sample: [old]
kept_unmanaged:
  description: Names of the runners of the live file kept as found because nothing manages them.
  returned: success
  type: list
  elements: str
  sample: [hand-made]
restart_required:
  description:
    - Whether C(listen_address) or C([session_server]) differ from the live file; the runner service reads them
      only when it starts.
  returned: success
  type: bool
  sample: false
pending_removed:
  description:
    - Names of the runners whose pending credentials file (C(pending_path) in O(credentials)) was removed because
      C(config.toml) now holds its token (in check mode, would be removed).
  returned: success
  type: list
  elements: str
  sample: [build]
backup_file:
  description: Path of the copy of the previous file.
  returned: when O(backup=true) and the file changed (not in check mode)
  type: str
  sample: /etc/gitlab-runner/config.toml.2345.2026-01-31@12:00:00~
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import pending_credentials, runner_config_file, secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.host_lock import exclusive

_DIRECTORY_MODE = 0o700
_BACKUP_MODE = 0o600


def _argument_spec():
    return dict(
        path=dict(type="path", default="/etc/gitlab-runner/config.toml"),
        config=dict(type="dict", required=True),
        credentials=dict(type="list", elements="dict", default=[], no_log=True),
        absent=dict(type="list", elements="str", default=[]),
        prune_unmanaged=dict(type="bool", default=False),
        validated=dict(type="bool", default=False),
        modes=dict(type="dict", default={}),
        backup=dict(type="bool", default=True),
        mode=dict(type="raw", default="0600"),
        owner=dict(type="str", default="root"),
        group=dict(type="str", default="root"),
    )


def _read(module, path):
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError) as error:
        module.fail_json(msg="cannot read %s: %s; the module needs root to read config.toml" % (path, to_native(error)))


def _ensure_directory(module, directory, changed):
    """Create the directory of config.toml (mode 0700) or fix its mode and ownership; return changed."""
    if not os.path.isdir(directory):
        if module.check_mode:
            return True
        os.makedirs(directory)
        os.chmod(directory, _DIRECTORY_MODE)
        changed = True
    elif (os.stat(directory).st_mode & 0o7777) != _DIRECTORY_MODE:
        changed = True
        if not module.check_mode:
            os.chmod(directory, _DIRECTORY_MODE)
    changed = module.set_owner_if_different(directory, module.params["owner"], changed)
    return module.set_group_if_different(directory, module.params["group"], changed)


def _fix_attributes(module, path, changed):
    params = module.params
    changed = module.set_mode_if_different(path, params["mode"], changed)
    changed = module.set_owner_if_different(path, params["owner"], changed)
    return module.set_group_if_different(path, params["group"], changed)


def _write(module, path, content):
    """Write ``content`` next to ``path`` with mode 0600 and move it into place atomically."""
    directory = os.path.dirname(path)
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(content)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        # Attributes first: atomic_move copies those of an existing file (already made 0600 by then).
        _fix_attributes(module, temp_path, False)
        module.atomic_move(temp_path, path)
    finally:
        module.cleanup(temp_path)
    # A new file gets the default mode from atomic_move; the directory (0700) keeps it private meanwhile.
    _fix_attributes(module, path, False)


def main():
    module = AnsibleModule(argument_spec=_argument_spec(), supports_check_mode=True)
    params = module.params
    # no_log on credentials hides every value in it from output, names and dates too, which would mangle the
    # result and the diff; credentials is the only no_log option, so keep only its secret values hidden.
    module.no_log_values.clear()
    module.no_log_values.update(runner_config_file.secret_values(params["credentials"]))
    # The runners' environment may hold a proxy password or DOCKER_AUTH_CONFIG: not in the shown arguments either.
    for runner in (params["config"] or {}).get("runners") or []:
        if isinstance(runner, dict):
            module.no_log_values.update(secret for secret in secrets.environment_secrets(runner.get("environment"))
                                        if len(secret) >= 4)
    path = params["path"]
    directory = os.path.dirname(path) or "."
    # Another play may be registering a runner or writing this file: one at a time, from read to write.
    try:
        with exclusive(directory):
            output = _apply(module, path, directory)
    except ValueError as error:
        module.fail_json(msg=str(error), path=path)
    module.exit_json(**output)


def _apply(module, path, directory):
    """Read, merge, write; return the module result."""
    params = module.params
    live_bytes = _read(module, path)
    try:
        result = runner_config_file.plan(
            live_bytes,
            params["config"],
            credentials=params["credentials"],
            absent=params["absent"],
            prune_unmanaged=params["prune_unmanaged"],
            modes=params["modes"],
            allow_missing_token=module.check_mode,
            validated=params["validated"],
        )
        paths = runner_config_file.pending_paths(params["credentials"])
    except runner_config_file.ConfigInvalidError as error:
        module.fail_json(msg=str(error), errors=error.messages, path=path)
    except ValueError as error:
        module.fail_json(msg=str(error), path=path)

    secrets = result["secrets"]
    # Belt and braces: the result is also scrubbed of every token value the module has seen.
    module.no_log_values.update(secrets)
    for warning in result["warnings"]:
        module.warn(warning)

    content = to_bytes(result["text"])
    content_changed = content != live_bytes
    changed = _ensure_directory(module, directory, False)
    backup_file = None
    if content_changed:
        changed = True
        if not module.check_mode:
            if live_bytes is not None:
                # The copy inherits the old file's mode: make that 0600 first, it holds tokens.
                _fix_attributes(module, path, False)
                if params["backup"]:
                    backup_file = module.backup_local(path)
                    os.chmod(backup_file, _BACKUP_MODE)
            _write(module, path, content)
    elif live_bytes is not None:
        changed = _fix_attributes(module, path, changed)
    # Only after config.toml holds the token: until then the pending file is its one copy on the host.
    pending_removed = pending_credentials.settled(
        paths, result["runners"], lambda name: runner_config_file.token_of(result["document"], name), module.warn)
    if pending_removed:
        changed = True
        if not module.check_mode:
            warnings = []
            for name in pending_removed:
                pending_credentials.discard(paths[name], warnings)
            for warning in warnings:
                module.warn(warning)

    output = dict(
        changed=changed,
        path=path,
        runners=result["runners"],
        removed=result["removed"],
        kept_unmanaged=result["kept_unmanaged"],
        restart_required=result["restart_required"],
        pending_removed=pending_removed,
    )
    if backup_file:
        output["backup_file"] = backup_file
    if module._diff:
        before = live_bytes.decode("utf-8", errors="replace") if live_bytes is not None else ""
        output["diff"] = dict(
            before=runner_config_file.mask(before, secrets),
            after=runner_config_file.mask(result["text"], secrets),
            before_header=path,
            after_header=path,
        )
    return output


if __name__ == "__main__":
    main()
