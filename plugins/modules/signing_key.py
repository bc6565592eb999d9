#!/usr/bin/python
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: signing_key
short_description: Keep a package repository's OpenPGP signing key in a file, checked by its fingerprint
version_added: 0.2.0
description:
  - Writes the key O(fingerprint) downloaded from O(url) to O(dest), ASCII-armored, for apt's C(signed-by). Only that
    key is written, even when O(url) serves several.
  - A key already at O(dest) is kept, and nothing is downloaded, while it carries O(fingerprint) and is neither
    expired, revoked nor without a valid signing key. Otherwise (missing, another key, expired, revoked, unreadable)
    the key is downloaded again, so that a key whose expiry the repository extended, as GitLab's and Docker's have
    been, is picked up on the next run.
  - The download is checked before anything is written. When it does not carry O(fingerprint), or carries it
    expired, the module fails, says which key and URL, and leaves O(dest) as it was.
author:
  - runnerops maintainers (@runnerops)
requirements:
  - Python 3.8 or later and GnuPG (C(gpg)) on the managed host.
options:
  url:
    description:
      - Where the repository publishes its key (armored or binary), for example C(https://download.docker.com/linux/debian/gpg).
    type: str
    required: true
  dest:
    description:
      - File to write, for example C(/etc/apt/keyrings/docker.asc).
    type: path
    required: true
  fingerprint:
    description:
      - Fingerprint of the primary key to trust (40 or 64 hex digits; spaces and case do not matter).
    type: str
    required: true
  setting:
    description:
      - Name of the variable that set O(fingerprint), used in messages that say what to change.
    type: str
    default: fingerprint
  validate_certs:
    description:
      - Verify the server's TLS certificate (with the host's trusted CAs).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for the download.
    type: int
    default: 30
  proxy_environment:
    description:
      - The proxy variables for the download (C(HTTP_PROXY), C(HTTPS_PROXY), C(NO_PROXY) and their lower case
        forms), as the filter P(runnerops.gitlab_runner.proxy_environment#filter) returns them. An option rather
        than the task's C(environment) keyword, which Ansible prints at C(-vvv), so a password in the URL stays hidden.
    type: dict
    default: {}
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    description: Can run in check mode and tell whether it would change anything.
    support: full
    details: The key is downloaded and checked, but not written.
  diff_mode:
    description: Shows what the key file holds before and after.
    support: full
    details: The diff shows the fingerprint and expiry of the key before and after, not the key's text.
"""

EXAMPLES = r"""
- name: Keep Docker's apt signing key
  runnerops.gitlab_runner.signing_key:
    url: https://download.docker.com/linux/debian/gpg
    dest: /etc/apt/keyrings/docker.asc
    fingerprint: 9DC858229FC7DD38854AE2D88D81803C0EBFCD88
    setting: docker_apt_key_fingerprint
    mode: "0644"
"""

RETURN = r"""
fingerprint:
  description: Fingerprint of the key now at O(dest).
  returned: success
  type: str
expiry:
  description: C(expires YYYY-MM-DD) or C(does not expire), for the key now at O(dest).
  returned: success
  type: str
reason:
  description: Why the key was (or in check mode would be) downloaded; empty when the key in place was kept.
  returned: success
  type: str
  sample: holds 9DC858229FC7DD38854AE2D88D81803C0EBFCD88, which expired on 2026-01-01
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import proxy_environment, secrets, signing_keys


def _describe(keys):
    """One line per key: its fingerprint and expiry (the diff never shows key material)."""
    return "".join("%s (%s)\n" % (key["fingerprint"], signing_keys.expiry_text(keys, key["fingerprint"]))
                   for key in keys) or "no key\n"


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            dest=dict(type="path", required=True),
            fingerprint=dict(type="str", required=True),
            setting=dict(type="str", default="fingerprint"),
            validate_certs=dict(type="bool", default=True),
            timeout=dict(type="int", default=30),
            proxy_environment=dict(type="dict", default={}, no_log=True),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    dest, setting = params["dest"], params["setting"]
    url = secrets.mask_url(params["url"])
    problem = signing_keys.fingerprint_problem(params["fingerprint"])
    if problem:
        module.fail_json(msg="%s %s" % (setting, problem))
    fingerprint = signing_keys.normalize(params["fingerprint"])
    now = time.time()

    current = signing_keys.read_file(dest)
    if current is None:
        current_keys, reason = [], "is missing"
    else:
        current_keys, error = signing_keys.show_keys(module.run_command, current)
        reason = ("cannot be read (%s)" % error) if error else signing_keys.key_problem(current_keys, fingerprint, now)

    changed = False
    if reason:
        proxy_environment.apply(params["proxy_environment"])
        response, info = fetch_url(module, params["url"], timeout=params["timeout"])
        if response is None or info.get("status") != 200:
            module.fail_json(msg="%s %s, and its key cannot be downloaded from %s: %s. Nothing was changed." % (
                dest, reason, url, info.get("msg") or "HTTP %s" % info.get("status")))
        data = response.read()
        keys, error = signing_keys.show_keys(module.run_command, data)
        problem = ("holds no OpenPGP key (%s)" % error) if error else signing_keys.key_problem(keys, fingerprint, now)
        if problem:
            hint = ("If the repository rotated its signing key, check the new fingerprint with its owner (or your "
                    "mirror's) and set %s to it; if a proxy rewrites this URL, fix the proxy." % setting)
            if keys and any(key["fingerprint"] == fingerprint for key in keys):
                hint = ("The repository (or your mirror) must publish the key again with its extended expiry or "
                        "a new key; then set %s to the key it names." % setting)
            module.fail_json(msg="%s %s; the key downloaded from %s %s. %s %s was left as it was." % (
                dest, reason, url, problem, hint, dest), fingerprint=fingerprint)
        armored, error = signing_keys.export_key(module.run_command, data, fingerprint)
        if error:
            module.fail_json(msg="The key downloaded from %s cannot be exported: %s" % (url, error))
        changed = True
        if not module.check_mode:
            tmp = module.tmpdir + "/key.asc"
            with open(tmp, "w") as handle:
                handle.write(armored)
            module.atomic_move(tmp, dest)
    else:
        keys = current_keys

    diff = {"before_header": dest, "after_header": dest, "before": _describe(current_keys)
            if current is not None else "", "after": _describe(keys)}
    file_args = module.load_file_common_arguments(params, path=dest)
    # In check mode a key not yet written has no attributes to compare.
    if current is not None or not module.check_mode:
        changed = module.set_fs_attributes_if_different(file_args, changed)
    module.exit_json(changed=changed, fingerprint=fingerprint, expiry=signing_keys.expiry_text(keys, fingerprint),
                     reason=reason or "", dest=dest, diff=diff)


if __name__ == "__main__":
    main()
