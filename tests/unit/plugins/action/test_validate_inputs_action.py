# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""validate_inputs' inputs_digest: the same for the same inputs (however they are spelled), another for others.

The roles' preflights read the host once per run for one digest (site.yml validates every host first, then runs
the roles), so a digest that missed a change would skip a read the new inputs need.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import role_inputs

COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(role_inputs.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

PLAYBOOK = """\
---
- name: Validate the same inputs three ways
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    runner_gitlab_url: https://gitlab.example.com
    runner_access_token: glpat-digest-test-0001
    runner_entries: [{name: r1}]
  tasks:
    - name: As written
      runnerops.gitlab_runner.validate_inputs:
        role: runner
      register: first

    - name: The concurrency as a string, as -e gives it
      runnerops.gitlab_runner.validate_inputs:
        role: runner
      vars:
        runner_concurrent: "{{ '4' }}"
      register: converted

    - name: Another config directory
      runnerops.gitlab_runner.validate_inputs:
        role: runner
      vars:
        runner_config_dir: /etc/gitlab-runner-2
      register: other

    - name: One dind runner among socket ones
      runnerops.gitlab_runner.validate_inputs:
        role: runner
      vars:
        runner_entries: [{name: r1}, {name: r2, mode: dind}, {name: r3, mode: dind, state: absent}]
      register: dind

    - name: Hand the digests to the test
      ansible.builtin.debug:
        msg: "DIGESTS {{ [first.inputs_digest, converted.inputs_digest, other.inputs_digest] | to_json }}"

    - name: Hand the dind answers to the test
      ansible.builtin.debug:
        msg: "DIND {{ [first.any_dind, dind.any_dind] | to_json }}"
"""


@pytest.mark.skipif(not os.path.exists(ANSIBLE_PLAYBOOK), reason="ansible-playbook is not beside this Python")
def test_the_digest_follows_the_converted_inputs(tmp_path):
    playbook = tmp_path / "digest.yml"
    playbook.write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    run = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", str(playbook)], capture_output=True, text=True,
                         env=env, check=False, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if "DIGESTS" in line)
    first, converted, other = json.loads(line.split("DIGESTS", 1)[1].strip().rstrip('"').replace('\\"', '"'))
    # runner_concurrent's default is 4: "4" converts to the same value, so the digest is the same.
    assert first == converted and len(first) == 64
    assert other != first
    assert "glpat-digest-test-0001" not in run.stdout
    dind = next(line for line in run.stdout.splitlines() if "DIND" in line)
    assert json.loads(dind.split("DIND", 1)[1].strip().rstrip('"').replace('\\"', '"')) == [False, True]
