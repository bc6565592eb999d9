"""host_state: what a host read says, and whether apt and systemd_service would change anything.

The samples are what dpkg-query and systemctl show print on Debian 12 (taken from a runner host of the tests).
"""

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_state

# The docker role's read: dpkg-query lines, then systemctl show, in one stream (a package that is not installed
# has no version: dpkg prints a trailing space).
DOCKER_READ = [
    "install containerd installed 1.6.20~ds1-1+deb12u3",
    "unknown docker-ce not-installed ",
    "hold docker.io installed 20.10.24+dfsg1-1+deb12u1+b6",
    "install runc installed 1.1.5+ds1-1+deb12u1",
    "ActiveState=active",
    "DropInPaths=/etc/systemd/system/docker.service.d/http-proxy.conf /etc/systemd/system/docker.service.d/x.conf",
    "UnitFileState=enabled",
]


def test_dpkg_status_reads_each_package_and_ignores_other_lines():
    assert host_state.dpkg_status(DOCKER_READ) == {
        "containerd": {"want": "install", "status": "installed", "version": "1.6.20~ds1-1+deb12u3"},
        "docker-ce": {"want": "unknown", "status": "not-installed", "version": ""},
        "docker.io": {"want": "hold", "status": "installed", "version": "20.10.24+dfsg1-1+deb12u1+b6"},
        "runc": {"want": "install", "status": "installed", "version": "1.1.5+ds1-1+deb12u1"},
    }
    assert host_state.dpkg_status("\n".join(DOCKER_READ)) == host_state.dpkg_status(DOCKER_READ)
    assert host_state.dpkg_status(None) == {}


@pytest.mark.parametrize("packages, missing", [
    (["docker.io", "containerd", "runc"], []),
    # The pins the docker role writes: apt's fnmatch against the installed version.
    (["docker.io=20.10.24+*", "containerd", "runc"], []),
    (["docker.io=20.10.24+dfsg1-1+deb12u1+b6"], []),
    (["docker.io=27.5.1+*"], ["docker.io=27.5.1+*"]),
    (["docker.io=20.10.24"], ["docker.io=20.10.24"]),
    (["docker.io=20.10.2?+dfsg1-1+deb12u1+b6"], []),
    # Not installed, unknown to dpkg, or only its configuration left.
    (["docker-ce", "docker-ce-cli"], ["docker-ce", "docker-ce-cli"]),
    # Another comparison than = is apt's to decide.
    (["docker.io>=20.10"], ["docker.io>=20.10"]),
])
def test_apt_packages_missing(packages, missing):
    assert host_state.apt_packages_missing(DOCKER_READ, packages) == missing


@pytest.mark.parametrize("status", ["config-files", "half-installed", "unpacked", "half-configured"])
def test_a_package_not_fully_installed_is_missing(status):
    assert host_state.apt_packages_missing(["install runc %s 1.1.5" % status], ["runc"]) == ["runc"]


def test_systemd_show_reads_key_value_lines_only():
    assert host_state.systemd_show(DOCKER_READ) == {
        "ActiveState": "active",
        "DropInPaths": "/etc/systemd/system/docker.service.d/http-proxy.conf /etc/systemd/system/docker.service.d/x.conf",
        "UnitFileState": "enabled",
    }
    assert host_state.systemd_show({"ActiveState": "active"}) == {"ActiveState": "active"}
    assert host_state.systemd_show([]) == {}


@pytest.mark.parametrize("unit_file, active, enabled, state, settled", [
    ("enabled", "active", True, "started", True),
    ("enabled", "active", "yes", "started", True),
    ("disabled", "inactive", False, "stopped", True),
    ("disabled", "failed", False, "stopped", True),
    ("enabled", "active", None, None, True),
    ("enabled", "inactive", True, "started", False),
    ("enabled", "activating", True, "started", False),
    ("disabled", "active", True, "started", False),
    ("enabled", "active", False, "started", False),
    ("enabled", "active", True, "stopped", False),
    # A unit systemd does not know, or one the module would act on anyway.
    ("", "inactive", True, "started", False),
    ("masked", "inactive", False, "stopped", False),
    ("static", "active", True, "started", False),
    ("enabled", "active", True, "restarted", False),
    ("enabled", "active", True, "reloaded", False),
])
def test_systemd_service_settled(unit_file, active, enabled, state, settled):
    read = ["UnitFileState=%s" % unit_file, "ActiveState=%s" % active, "DropInPaths="]
    assert host_state.systemd_service_settled(read, enabled, state) is settled


def test_nothing_read_is_never_settled():
    assert host_state.systemd_service_settled([], True, "started") is False
    assert host_state.systemd_service_settled(None, False, "stopped") is False
