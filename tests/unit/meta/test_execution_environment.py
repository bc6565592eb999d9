# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/execution-environment.yml: the build context ansible-builder makes of it, and what it says of the collection.

``ansible-builder create`` writes the context (a Containerfile and what it copies) without building an image, so no
container engine is needed. The same file, shipped in the collection, is what ansible-builder reads when another
execution environment lists this collection: it must ask for nothing beyond ansible-core.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from checkout_collection import ROOT, collections_path

DEFINITION = os.path.join(ROOT, "meta", "execution-environment.yml")


def _builder():
    beside = os.path.join(os.path.dirname(sys.executable), "ansible-builder")
    found = beside if os.path.exists(beside) else shutil.which("ansible-builder")
    assert found, "ansible-builder is missing: it is in requirements.txt (make venv installs it)"
    return found


def _version(text):
    """``(2, 16)`` of "2.16.0" or "2.16": trailing zeros do not count."""
    numbers = [int(part) for part in text.split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ee-context")
    made = subprocess.run([_builder(), "create", "-f", DEFINITION, "-c", str(directory),
                           "--output-filename", "Containerfile"], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    return directory


def _containerfile(context):
    with open(os.path.join(str(context), "Containerfile")) as handle:
        return handle.read()


def test_the_image_gets_ansible_core_of_the_collection_and_no_other_python_package(context):
    text = _containerfile(context)
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', text, re.MULTILINE).group(1).split()
    core = [ref for ref in refs if ref.startswith("ansible-core")]
    assert sorted(refs) == sorted(core + ["ansible-runner"]) and len(core) == 1
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        requires = yaml.safe_load(handle)["requires_ansible"]
    assert re.fullmatch(r">=[0-9.]+", requires) and re.fullmatch(r"ansible-core>=[0-9.]+", core[0])
    assert _version(core[0].split(">=")[1]) == _version(requires[2:]), "meta/runtime.yml and the EE disagree"
    # No python or system requirements of the definition's own: nothing for pip or bindep to add.
    assert sorted(os.listdir(os.path.join(str(context), "_build"))) == ["requirements.yml", "scripts"]


def test_the_image_installs_the_collection_with_ansible_galaxy(context):
    with open(os.path.join(str(context), "_build", "requirements.yml")) as handle:
        assert yaml.safe_load(handle) == {"collections": [{"name": "runnerops.gitlab_runner"}]}
    text = _containerfile(context)
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in text
    assert "openssh-clients" in text  # the controller's side of the SSH connections


def test_the_collection_asks_an_execution_environment_for_nothing_beyond_ansible_core(context):
    """What ansible-builder's introspection (run in every EE build) reads from the collection as installed."""
    installed = os.path.join(collections_path(), "ansible_collections", "runnerops", "gitlab_runner")
    assert os.path.exists(os.path.join(installed, "meta", "execution-environment.yml"))
    found = subprocess.run([sys.executable, os.path.join(str(context), "_build", "scripts", "introspect.py"),
                            "introspect", collections_path()], capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stderr
    assert yaml.safe_load(found.stdout) == {"python": [], "system": []}


def test_without_the_file_the_checkout_would_ask_for_its_test_tools(tmp_path, context):
    """The checkout's requirements.txt (lint and test tools) is what ansible-builder takes when the file is missing."""
    copy = tmp_path / "ansible_collections" / "runnerops" / "gitlab_runner"
    copy.mkdir(parents=True)
    for name in ("galaxy.yml", "requirements.txt"):
        shutil.copy(os.path.join(ROOT, name), str(copy / name))
    found = subprocess.run([sys.executable, os.path.join(str(context), "_build", "scripts", "introspect.py"),
                            "introspect", str(tmp_path)], capture_output=True, text=True, check=False)
    assert any(line.startswith("molecule") for line in yaml.safe_load(found.stdout)["python"])
