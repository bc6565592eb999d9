# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real ansible-playbook run at -vvv never shows a runner token, yet the registered result holds it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_registration
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble

ACCESS = "glpat-playbook-token-0001"
# .../ansible_collections/runnerops/gitlab_runner/plugins/modules/runner_registration.py -> collections root
COLLECTIONS_PATH = os.path.abspath(os.path.join(os.path.dirname(runner_registration.__file__), *[".."] * 5))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

PLAYBOOK = """\
---
- name: Register a runner with the test double
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    gitlab_url: "{url}"
  tasks:
    - name: Create the runner
      runnerops.gitlab_runner.runner_registration:
        url: "{{{{ gitlab_url }}}}"
        access_token: "{access}"
        backoff: 0
      register: created

    - name: The registered result holds the new token
      ansible.builtin.assert:
        that:
          - created.token is match('glrt-')
          - created.runner_id == 1
        quiet: true

    - name: Verify it (nothing is hidden, nothing is secret)
      runnerops.gitlab_runner.runner_registration:
        url: "{{{{ gitlab_url }}}}"
        runner_token: "{{{{ created.token }}}}"
        access_token: "{access}"
      register: verified

    - name: Check that the second run changed nothing
      ansible.builtin.assert:
        that:
          - verified is not changed
          - verified.token is not defined
        quiet: true
"""


@pytest.mark.skipif(not os.path.exists(ANSIBLE_PLAYBOOK), reason="ansible-playbook is not beside this Python")
def test_playbook_output_hides_the_token(tmp_path):
    with GitLabAPIDouble(access_tokens={ACCESS: ["create_runner"]}) as gitlab:
        playbook = tmp_path / "play.yml"
        playbook.write_text(PLAYBOOK.format(url=gitlab.url, access=ACCESS))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_HOME=str(tmp_path / "home"))
        completed = subprocess.run(
            [ANSIBLE_PLAYBOOK, "-vvv", "-i", "localhost,", "-e", "ansible_python_interpreter=" + sys.executable,
             str(playbook)],
            cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=False)
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, output
        assert gitlab.calls() == {"POST /api/v4/user/runners": 1, "POST /api/v4/runners/verify": 1}

    assert "glrt-" not in output and ACCESS not in output
    assert "the output has been hidden due to the fact that 'no_log: true' was specified" in output
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in output  # the verify run shows its masked options
    assert "ok=4" in output and "changed=1" in output
