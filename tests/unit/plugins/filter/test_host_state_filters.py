"""Filters apt_packages_missing, systemd_show and systemd_service_settled: thin layers over host_state."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.apt_packages_missing import apt_packages_missing
from ansible_collections.runnerops.gitlab_runner.plugins.filter.systemd_service_settled import systemd_service_settled
from ansible_collections.runnerops.gitlab_runner.plugins.filter.systemd_show import systemd_show

READ = ["hold docker.io installed 20.10.24+dfsg1-1+deb12u1+b6", "UnitFileState=enabled", "ActiveState=active"]


def test_the_filters_answer_from_the_read():
    assert apt_packages_missing(READ, ["docker.io=20.10.24+*", "runc"]) == ["runc"]
    assert systemd_show(READ) == {"UnitFileState": "enabled", "ActiveState": "active"}
    assert systemd_service_settled(READ, True, "started") is True
    assert systemd_service_settled(systemd_show(READ), True, "stopped") is False


@pytest.mark.parametrize("call, message", [
    (lambda: apt_packages_missing(5, ["runc"]), "apt_packages_missing: the input must be dpkg-query's lines, got int"),
    (lambda: apt_packages_missing(READ, "runc"), "apt_packages_missing: packages must be a list of apt specs, got str"),
    (lambda: systemd_show(3.5), "systemd_show: the input must be what systemctl show printed, got float"),
    (lambda: systemd_service_settled(READ, True, "running"),
     "systemd_service_settled: state must be started, stopped, restarted or reloaded, got 'running'"),
])
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(AnsibleFilterError) as raised:
        call()
    assert str(raised.value) == message
