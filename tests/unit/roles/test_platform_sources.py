# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each platform the roles accept gets from its facts: package names, repository URLs and version pins.

The roles' own defaults and vars are evaluated by Ansible's templar with each platform's facts, so platforms whose
images cannot be had here (Ubuntu, Enterprise Linux) are still checked for what they would install from where.
"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

_ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")

FACTS = {
    "debian12": {"distribution": "Debian", "distribution_release": "bookworm", "distribution_version": "12.8",
                 "distribution_major_version": "12", "os_family": "Debian", "architecture": "x86_64"},
    "debian13": {"distribution": "Debian", "distribution_release": "trixie", "distribution_version": "13.1",
                 "distribution_major_version": "13", "os_family": "Debian", "architecture": "aarch64"},
    "ubuntu2204": {"distribution": "Ubuntu", "distribution_release": "jammy", "distribution_version": "22.04",
                   "distribution_major_version": "22", "os_family": "Debian", "architecture": "x86_64"},
    "ubuntu2404": {"distribution": "Ubuntu", "distribution_release": "noble", "distribution_version": "24.04",
                   "distribution_major_version": "24", "os_family": "Debian", "architecture": "x86_64"},
    "rocky9": {"distribution": "Rocky", "distribution_release": "Blue Onyx", "distribution_version": "9.5",
               "distribution_major_version": "9", "os_family": "RedHat", "architecture": "x86_64"},
    "alma9": {"distribution": "AlmaLinux", "distribution_release": "Teal Serval", "distribution_version": "9.5",
              "distribution_major_version": "9", "os_family": "RedHat", "architecture": "x86_64"},
}


def _trusted(value):
    """Role files are templates Ansible trusts; values read here with yaml must be marked so too."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    if isinstance(value, dict):
        return {key: _trusted(item) for key, item in value.items()}
    return value


def _role_vars(role):
    found = {}
    for part in ("defaults", "vars"):
        with open(os.path.join(_ROLES, role, part, "main.yml")) as handle:
            found.update(_trusted(yaml.safe_load(handle)))
    return found


def _evaluate(role, platform, expression, **overrides):
    variables = dict(_role_vars(role), ansible_facts=FACTS[platform], **overrides)
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression))


@pytest.mark.parametrize("platform, repository, release", [
    ("debian12", "https://download.docker.com/linux/debian", "12"),
    ("debian13", "https://download.docker.com/linux/debian", "13"),
    ("ubuntu2204", "https://download.docker.com/linux/ubuntu", "22.04"),
    ("ubuntu2404", "https://download.docker.com/linux/ubuntu", "24.04"),
])
def test_docker_apt_platforms_get_dockers_repository_for_their_distribution(platform, repository, release):
    assert _evaluate("docker", platform, "{{ _docker_apt_repository_url }}") == repository
    assert _evaluate("docker", platform, "{{ _docker_apt_key_url }}") == repository + "/gpg"
    assert _evaluate("docker", platform, "{{ _docker_release }}") == release
    supported = _evaluate("docker", platform, "{{ _docker_supported_releases[ansible_facts['distribution']] }}")
    assert release in supported


def test_a_docker_mirror_replaces_the_repository_and_the_key_url_follows_it():
    mirror = {"docker_apt_repository_url": "https://mirror.example.com/docker-debian/"}
    assert _evaluate("docker", "debian12", "{{ _docker_apt_repository_url }}", **mirror) == mirror[
        "docker_apt_repository_url"]
    assert _evaluate("docker", "debian12", "{{ _docker_apt_key_url }}", **mirror) == (
        "https://mirror.example.com/docker-debian/gpg")
    key = dict(mirror, docker_apt_key_url="https://mirror.example.com/keys/docker.asc")
    assert _evaluate("docker", "ubuntu2404", "{{ _docker_apt_key_url }}", **key) == key["docker_apt_key_url"]


@pytest.mark.parametrize("platform, version, source, expected", [
    ("debian12", "", "docker-ce", ["docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin",
                                   "docker-compose-plugin"]),
    ("ubuntu2404", "27.3.1", "docker-ce", ["docker-ce=5:27.3.1-*", "docker-ce-cli=5:27.3.1-*", "containerd.io",
                                           "docker-buildx-plugin", "docker-compose-plugin"]),
    ("debian13", "5:27.3.1-1~debian.13~trixie", "docker-ce", ["docker-ce=5:27.3.1-1~debian.13~trixie",
                                                              "docker-ce-cli=5:27.3.1-1~debian.13~trixie",
                                                              "containerd.io", "docker-buildx-plugin",
                                                              "docker-compose-plugin"]),
    # apt pins glob with * and ?, not [...]: Debian's docker.io is <ver>+dfsg<n>-<rev>, Ubuntu's <ver>-0ubuntu<n>.
    ("debian12", "20.10.24", "distro", ["docker.io=20.10.24+*"]),
    ("ubuntu2404", "27.5.1", "distro", ["docker.io=27.5.1-*"]),
    ("ubuntu2204", "", "distro", ["docker.io"]),
])
def test_docker_apt_packages_and_pins(platform, version, source, expected):
    assert _evaluate("docker", platform, "{{ _docker_apt_packages }}", docker_version=version,
                     docker_install_source=source) == expected


@pytest.mark.parametrize("platform", ["rocky9", "alma9"])
def test_enterprise_linux_gets_dockers_rhel_repository_and_dnf_pins(platform):
    assert _evaluate("docker", platform, "{{ docker_rpm_repository_url }}") == (
        "https://download.docker.com/linux/rhel/9/$basearch/stable")
    assert _evaluate("docker", platform, "{{ _docker_release in _docker_supported_releases[ansible_facts['distribution']] }}")
    assert _evaluate("docker", platform, "{{ _docker_rpm_packages }}", docker_version="27.3.1") == [
        "docker-ce-27.3.1", "docker-ce-cli-27.3.1", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"]


def test_debian13_on_arm_gets_the_debian_architecture_name():
    assert _evaluate("docker", "debian13", "{{ _docker_apt_architectures[ansible_facts['architecture']] }}") == "arm64"


@pytest.mark.parametrize("platform, apt_url", [
    ("debian12", "https://packages.gitlab.com/runner/gitlab-runner/debian/"),
    ("debian13", "https://packages.gitlab.com/runner/gitlab-runner/debian/"),
    ("ubuntu2204", "https://packages.gitlab.com/runner/gitlab-runner/ubuntu/"),
    ("ubuntu2404", "https://packages.gitlab.com/runner/gitlab-runner/ubuntu/"),
])
def test_runner_apt_platforms_get_gitlabs_repository_and_one_pin_for_both_packages(platform, apt_url):
    assert _evaluate("runner", platform, "{{ __runner_package_apt_repository_url }}") == apt_url
    assert _evaluate("runner", platform, "{{ __runner_package_key_url }}") == (
        "https://packages.gitlab.com/runner/gitlab-runner/gpgkey")
    assert _evaluate("runner", platform, "{{ __runner_packages }}", runner_version="17.11.0") == [
        "gitlab-runner=17.11.0-1", "gitlab-runner-helper-images=17.11.0-1"]
    assert _evaluate("runner", platform, "{{ __runner_packages }}") == ["gitlab-runner", "gitlab-runner-helper-images"]


@pytest.mark.parametrize("platform", ["rocky9", "alma9"])
def test_runner_on_enterprise_linux_gets_the_el_repository_and_dnf_pins(platform):
    assert _evaluate("runner", platform, "{{ __runner_package_rpm_repository_url }}") == (
        "https://packages.gitlab.com/runner/gitlab-runner/el/9/$basearch")
    assert _evaluate("runner", platform, "{{ __runner_packages }}", runner_version="17.11.0") == [
        "gitlab-runner-17.11.0", "gitlab-runner-helper-images-17.11.0"]


def test_a_runner_mirror_moves_every_url_and_the_package_prune_is_off_by_default():
    mirror = {"runner_package_repository_url": "https://aptly.internal/gitlab-runner/"}
    assert _evaluate("runner", "debian12", "{{ __runner_package_apt_repository_url }}", **mirror) == (
        "https://aptly.internal/gitlab-runner/debian/")
    assert _evaluate("runner", "rocky9", "{{ __runner_package_rpm_repository_url }}", **mirror) == (
        "https://aptly.internal/gitlab-runner/el/9/$basearch")
    assert _evaluate("runner", "debian12", "{{ __runner_package_key_url }}", **mirror) == (
        "https://aptly.internal/gitlab-runner/gpgkey")
    assert _evaluate("runner", "debian12", "{{ __runner_package_environment }}") == {"NO_DOCKER_PRUNE": "1"}
    assert _evaluate("runner", "debian12", "{{ __runner_package_environment }}", runner_package_docker_prune=True) == {}
