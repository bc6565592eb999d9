# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import shutil
import subprocess

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_daemon_config
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_daemon_config import (
    OPTIONS,
    UNIT_FLAG_KEYS,
    check_daemon_options,
)

VAR = "docker_daemon_options"


def _check(options, install_source="docker-ce"):
    errors, warnings = [], []
    check_daemon_options(options, VAR, lambda path, message: errors.append((path, message)),
                         lambda path, message: warnings.append((path, message)), install_source=install_source)
    return errors, warnings


# Real-world daemon.json contents that dockerd (28.5 and 29.7, started by the docker-ce unit) accepts.
ACCEPTED = [
    {},
    {"log-driver": "journald"},
    {"log-driver": "json-file", "log-opts": {"max-size": "10m", "max-file": "3"}},
    {"log-driver": "local", "log-opts": {"max-size": "20m", "max-file": "5", "compress": "true"}},
    {"log-driver": "journald", "log-opts": {"tag": "{{.Name}}", "labels": "com.example.team"}},
    {"log-opts": {"mode": "non-blocking", "max-buffer-size": "4m", "max-size": "10m", "max-file": "3",
                  "compress": "true", "cache-disabled": "false"}},
    {"registry-mirrors": ["https://mirror.gcr.io", "https://registry-mirror.example.com:5000/dockerhub"]},
    # Go's url.Parse lowers the scheme, as dockerd reads it.
    {"registry-mirrors": ["HTTPS://mirror.example.com", "Http://10.0.0.5:5000/"]},
    {"cgroup-parent": "ci-jobs.slice"},
    {"bip": "172.26.0.1/16", "default-gateway": "172.26.255.254"},
    {"cgroup-parent": "/docker-ci", "exec-opts": ["native.cgroupdriver=cgroupfs"]},
    # The first native.cgroupdriver counts (moby getCD).
    {"cgroup-parent": "/docker-ci", "exec-opts": ["native.cgroupdriver=cgroupfs", "native.cgroupdriver=systemd"]},
    {"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}, {"base": "fd00:dead:beef::/48", "size": 64}]},
    {"runtimes": {"crun": {"path": "/usr/bin/crun"}}, "default-runtime": "crun"},
    {"runtimes": {"runsc": {"runtimeType": "io.containerd.runsc.v1"}}, "default-runtime": "runsc"},
    {"default-runtime": "io.containerd.runc.v2"},
    {"live-restore": True},
    {"features": {"buildkit": True}},
    {"storage-driver": "overlay2"},
    {"storage-driver": "overlayfs", "features": {"containerd-snapshotter": True}},
    {"data-root": "/srv/docker"},
    {"dns": ["8.8.8.8", "2001:4860:4860::8888"], "dns-search": ["example.com"], "dns-opts": ["ndots:2"]},
    {"exec-opts": ["native.cgroupdriver=systemd"]},
    {"insecure-registries": ["registry.example.com:5000", "10.0.0.0/8", "[2001:db8::1]:5000"]},
    {"bip": "172.26.0.1/16", "fixed-cidr": "172.26.5.0/24", "mtu": 1450},
    {"ipv6": True, "fixed-cidr-v6": "2001:db8:1::/64", "ip6tables": True},
    {"default-ulimits": {"nofile": {"Name": "nofile", "Hard": 65536, "Soft": 65536}}},
    {"proxies": {"http-proxy": "http://proxy.example.com:3128", "https-proxy": "http://proxy.example.com:3128",
                 "no-proxy": "localhost,127.0.0.1,.example.com"}},
    {"metrics-addr": "127.0.0.1:9323", "experimental": True},
    {"default-shm-size": "128M", "max-concurrent-downloads": 10, "max-concurrent-uploads": 5,
     "max-download-attempts": 3},
    {"log-level": "warn", "debug": False, "labels": ["environment=ci", "team=platform"]},
    {"userland-proxy": False, "iptables": True, "ip-forward": True, "icc": False},
    {"default-network-opts": {"bridge": {"com.docker.network.driver.mtu": "1400"}}},
    {"cdi-spec-dirs": ["/etc/cdi", "/var/run/cdi"]},
    {"shutdown-timeout": 30, "no-new-privileges": True, "selinux-enabled": False, "default-cgroupns-mode": "private",
     "default-ipc-mode": "shareable"},
    {"host-gateway-ip": "172.17.0.1", "ip": "127.0.0.1"},
    {"group": "docker", "tls": False},
]


@pytest.mark.parametrize("options", ACCEPTED, ids=lambda options: ",".join(options) or "empty")
def test_accepted(options):
    errors, warnings = _check(options)
    assert errors == []
    assert warnings == []


@pytest.mark.parametrize("options", ACCEPTED, ids=lambda options: ",".join(options) or "empty")
def test_accepted_for_distro_too(options):
    errors, _warnings = _check(options, install_source="distro")
    assert errors == []


# (options, install source, path of the error (regex), message (regex)).
REFUSED = [
    ("debug=true", "docker-ce", r"docker_daemon_options\Z", r"the string 'debug=true', not a dict: .*YAML mapping"),
    (["debug", True], "docker-ce", r"docker_daemon_options\Z", r"a list, not a dict"),
    ({"log_driver": "journald"}, "docker-ce", r"\.log_driver\Z",
     r"don't match any configuration option.*did you mean log-driver\?"),
    ({"Debug": True}, "docker-ce", r"\.Debug\Z", r"did you mean debug\?"),
    ({"max-concurrent-download": 3}, "docker-ce", r"\.max-concurrent-download\Z",
     r"did you mean max-concurrent-downloads\?"),
    ({"registry-mirror": ["https://mirror.gcr.io"]}, "docker-ce", r"\.registry-mirror\Z",
     r"--registry-mirror flag.*ignores the value.*write registry-mirrors"),
    ({"log-opt": {"max-size": "10m"}}, "docker-ce", r"\.log-opt\Z", r"write log-opts"),
    ({"containerd-plugin-namespace": "plugins"}, "docker-ce", r"\.containerd-plugin-namespace\Z",
     r"refuses to start.*--containerd-plugins-namespace flag"),
    ({"http-proxy": "http://proxy.example.com:3128"}, "docker-ce", r"\.http-proxy\Z", r"belongs under proxies"),
    ({"proxies": {"http_proxy": "http://proxy.example.com:3128"}}, "docker-ce", r"\.proxies\.http_proxy\Z",
     r"did you mean http-proxy\?.*refuses to start"),
    ({"proxies": None}, "docker-ce", r"\.proxies\Z", r"null, not a mapping"),
    ({"debug": "true"}, "docker-ce", r"\.debug\Z",
     r"the string 'true', not a boolean.*refuses to start.*write true without quotes"),
    ({"live-restore": "yes"}, "docker-ce", r"\.live-restore\Z", r"not a boolean.*write true without quotes"),
    ({"max-concurrent-downloads": "3"}, "docker-ce", r"\.max-concurrent-downloads\Z",
     r"the string '3', not an integer.*write 3 without quotes"),
    ({"mtu": 1500.0}, "docker-ce", r"\.mtu\Z", r"the number 1500\.0, not an integer.*write 1500"),
    ({"dns": "8.8.8.8"}, "docker-ce", r"\.dns\Z", r"not a list of strings.*\['8\.8\.8\.8'\]"),
    ({"log-opts": {"max-file": 3}}, "docker-ce", r"\.log-opts\.max-file\Z", r"the number 3, not a string.*quote it: '3'"),
    ({"log-opts": ["max-size=10m"]}, "docker-ce", r"\.log-opts\Z", r"a list, not a mapping of strings.*max-size: '10m'"),
    ({"features": {"buildkit": "true"}}, "docker-ce", r"\.features\.buildkit\Z", r"not a boolean"),
    ({"default-shm-size": 67108864}, "docker-ce", r"\.default-shm-size\Z", r"not a string.*quote it"),
    ({"runtimes": [{"path": "/usr/bin/crun"}]}, "docker-ce", r"\.runtimes\Z", r"a list, not a mapping.*crun: \{path"),
    ({"hosts": ["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"]}, "docker-ce", r"\.hosts\Z",
     r"docker-ce service unit \(ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd\.sock\)"
     r".*specified both as a flag and in the configuration file: hosts.*Docker stays down.*drop-in.*ExecStart="),
    ({"hosts": ["unix:///var/run/docker.sock"]}, "distro", r"\.hosts\Z", r"distro service unit.*/usr/sbin/dockerd"),
    ({"containerd": "/run/containerd/containerd.sock"}, "docker-ce", r"\.containerd\Z",
     r"specified both as a flag.*drop the key"),
    ({"log-level": "verbose"}, "docker-ce", r"\.log-level\Z", r"not a log level.*debug, info, warn"),
    ({"log-level": "warning"}, "docker-ce", r"\.log-level\Z", r"Docker 25 and newer refuse.*write warn"),
    ({"log-format": "logfmt"}, "docker-ce", r"\.log-format\Z", r"text or json"),
    ({"log-driver": "journald", "log-opts": {"max-size": "10m"}}, "docker-ce", r"\.log-opts\.max-size\Z",
     r"not an option of the journald log driver.*unknown log opt"),
    ({"log-opts": {"max-sise": "10m"}}, "docker-ce", r"\.log-opts\.max-sise\Z",
     r"json-file log driver \(log-driver is not set: json-file\)"),
    ({"log-opts": {"max-size": "10 megs"}}, "docker-ce", r"\.log-opts\.max-size\Z", r"not a positive size.*'10m'"),
    ({"log-opts": {"max-file": "0"}}, "docker-ce", r"\.log-opts\.max-file\Z", r"at least 1"),
    ({"log-opts": {"compress": "true"}}, "docker-ce", r"\.log-opts\.compress\Z", r"without max-size.*max-file"),
    ({"log-opts": {"max-buffer-size": "4m"}}, "docker-ce", r"\.log-opts\.max-buffer-size\Z", r"mode: non-blocking"),
    ({"log-opts": {"mode": "fast"}}, "docker-ce", r"\.log-opts\.mode\Z", r"blocking or non-blocking"),
    ({"max-concurrent-uploads": -1}, "docker-ce", r"\.max-concurrent-uploads\Z", r"invalid max concurrent uploads"),
    ({"max-download-attempts": -2}, "docker-ce", r"\.max-download-attempts\Z", r"positive number"),
    ({"mtu": -1}, "docker-ce", r"\.mtu\Z", r"invalid default MTU"),
    ({"mtu": 70000}, "docker-ce", r"\.mtu\Z", r"68 to 65535"),
    ({"bip": "172.17.0.1"}, "docker-ce", r"\.bip\Z", r"an address without a prefix length.*172\.26\.0\.1/16"),
    ({"bip": "fd00::1/64"}, "docker-ce", r"\.bip\Z", r"not IPv4.*bip6"),
    ({"fixed-cidr": "10.0.0.0/33"}, "docker-ce", r"\.fixed-cidr\Z", r"not in CIDR notation"),
    ({"fixed-cidr": "10.0.0.0/255.255.0.0"}, "docker-ce", r"\.fixed-cidr\Z", r"not in CIDR notation"),
    ({"fixed-cidr-v6": "10.0.0.0/8"}, "docker-ce", r"\.fixed-cidr-v6\Z", r"not IPv6"),
    ({"default-address-pools": [{"base": "10.200.0.0", "size": 24}]}, "docker-ce",
     r"\.default-address-pools\[0\]\.base\Z", r"not a CIDR"),
    ({"default-address-pools": [{"base": "10.200.0.0/16", "size": 8}]}, "docker-ce",
     r"\.default-address-pools\[0\]\.size\Z", r"shorter than the /16 of base"),
    ({"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}, {"base": "10.201.0.0/16", "size": 33}]},
     "docker-ce", r"\.default-address-pools\[1\]\.size\Z", r"1 to 32"),
    ({"default-address-pools": [{"base": "10.200.0.0/16"}]}, "docker-ce", r"\.default-address-pools\[0\]\.size\Z",
     r"is missing"),
    ({"default-address-pools": [{"base": "10.200.0.0/16", "size": "24"}]}, "docker-ce",
     r"\.default-address-pools\[0\]\.size\Z", r"write 24 without quotes"),
    ({"default-address-pools": {"base": "10.200.0.0/16", "size": 24}}, "docker-ce", r"\.default-address-pools\Z",
     r"a mapping, not a list.*\[\{base: 10\.200\.0\.0/16, size: 24\}\]"),
    ({"registry-mirrors": ["mirror.gcr.io"]}, "docker-ce", r"\.registry-mirrors\[0\]\Z",
     r"without http:// or https://.*'https://mirror\.gcr\.io'"),
    ({"registry-mirrors": ["ftp://mirror.example.com"]}, "docker-ce", r"\.registry-mirrors\[0\]\Z",
     r"unsupported scheme"),
    ({"bip": "172.26.0.1/16", "default-gateway": "10.0.0.1"}, "docker-ce", r"\.default-gateway\Z",
     r"is 10\.0\.0\.1, outside the bridge's network 172\.26\.0\.0/16 \(bip\).*default gateway ip must be part"),
    ({"bip6": "fd00:1::1/64", "default-gateway-v6": "fd00:2::1"}, "docker-ce", r"\.default-gateway-v6\Z",
     r"outside the bridge's network fd00:1::/64 \(bip6\)"),
    ({"cgroup-parent": "/docker-ci"}, "docker-ce", r"\.cgroup-parent\Z",
     r'is "/docker-ci", not a systemd slice.*default on a cgroup v2 host.*does not start; name a slice'),
    ({"cgroup-parent": ".slice"}, "docker-ce", r"\.cgroup-parent\Z", r"not a systemd slice"),
    ({"cgroup-parent": "ci", "exec-opts": ["Native.CgroupDriver = systemd"]}, "docker-ce", r"\.cgroup-parent\Z",
     r"not a systemd slice: with the systemd cgroup driver, dockerd refuses"),
    ({"registry-mirrors": ["https://mirror.example.com/?x=1"]}, "docker-ce", r"\.registry-mirrors\[0\]\Z",
     r"query or fragment"),
    ({"insecure-registries": ["registry.example.com:5000/v2"]}, "docker-ce", r"\.insecure-registries\[0\]\Z",
     r"neither host\[:port\] nor a CIDR"),
    ({"insecure-registries": ["ftp://registry.example.com"]}, "docker-ce", r"\.insecure-registries\[0\]\Z",
     r"should not contain '://'"),
    ({"insecure-registries": ["registry.example.com:99999"]}, "docker-ce", r"\.insecure-registries\[0\]\Z",
     r"invalid port"),
    ({"storage-driver": "overlay3"}, "docker-ce", r"\.storage-driver\Z", r"did you mean overlay2\?"),
    ({"storage-driver": "devicemapper"}, "docker-ce", r"\.storage-driver\Z", r"removed in Docker 25\.0"),
    ({"default-runtime": "crun"}, "docker-ce", r"\.default-runtime\Z",
     r"neither runc, io\.containerd\.runc\.v2 nor a key of runtimes.*does not exist"),
    ({"default-runtime": "crun", "runtimes": {"kata": {"path": "/usr/bin/kata-runtime"}}}, "docker-ce",
     r"\.default-runtime\Z", r"does not exist"),
    ({"runtimes": {"crun": {}}}, "docker-ce", r"\.runtimes\.crun\Z", r"neither path nor runtimeType"),
    ({"runtimes": {"crun": {"path": "/usr/bin/crun", "runtimeType": "io.containerd.runc.v2"}}}, "docker-ce",
     r"\.runtimes\.crun\Z", r"both path and runtimeType"),
    ({"runtimes": {"runc": {"path": "/usr/local/bin/runc"}}}, "docker-ce", r"\.runtimes\.runc\Z",
     r"'runc' is reserved"),
    ({"exec-opts": ["native.cgroupdriver=foo"]}, "docker-ce", r"\.exec-opts\[0\]\Z", r"systemd or cgroupfs"),
    ({"exec-opts": ["cgroupdriver=systemd"]}, "docker-ce", r"\.exec-opts\[0\]\Z", r"unknown option"),
    ({"labels": ["foo"]}, "docker-ce", r"\.labels\[0\]\Z", r"not key=value"),
    ({"labels": ["com.docker.team=x"]}, "docker-ce", r"\.labels\[0\]\Z", r"reserves"),
    ({"dns": ["dns.google"]}, "docker-ce", r"\.dns\[0\]\Z", r"not an IP address"),
    ({"dns-search": ["-bad-"]}, "docker-ce", r"\.dns-search\[0\]\Z", r"not a valid domain"),
    ({"default-ipc-mode": "host"}, "docker-ce", r"\.default-ipc-mode\Z", r"shareable or private"),
    ({"default-cgroupns-mode": "bogus"}, "docker-ce", r"\.default-cgroupns-mode\Z", r"host or private"),
    ({"default-shm-size": "lots"}, "docker-ce", r"\.default-shm-size\Z", r"not a size"),
    ({"graph": "/srv/docker"}, "docker-ce", r"\.graph\Z", r"removed in Docker 23\.0.*data-root"),
    ({"oom-score-adjust": -500}, "docker-ce", r"\.oom-score-adjust\Z", r"removed in Docker 25\.0.*OOMScoreAdjust="),
    ({"api-cors-header": "*"}, "docker-ce", r"\.api-cors-header\Z", r"removed in Docker 28\.0"),
    ({"bridge": "br0", "bip": "10.0.0.1/24"}, "docker-ce", r"\.bip\Z", r"mutually exclusive"),
    ({"icc": False, "iptables": False}, "docker-ce", r"\.icc\Z", r"set icc or iptables to true"),
    ({"host-gateway-ip": "172.17.0.1", "host-gateway-ips": ["172.17.0.1"]}, "docker-ce", r"\.host-gateway-ip\Z",
     r"must not both be specified"),
    ({"host-gateway-ips": ["172.17.0.1", "172.18.0.1"]}, "docker-ce", r"\.host-gateway-ips\Z",
     r"only one IPv4 host gateway"),
    ({"default-ulimits": {"nofile": {"Name": "nofile", "Hard": 1024, "Soft": 4096}}}, "docker-ce",
     r"\.default-ulimits\.nofile\Z", r"Soft 4096 above Hard 1024"),
    ({"default-ulimits": {"nofiles": {"Name": "nofiles", "Hard": 1024, "Soft": 1024}}}, "docker-ce",
     r"\.default-ulimits\.nofiles\.Name\Z", r"not a ulimit Docker knows"),
    ({"tlsverify": True}, "docker-ce", r"\.tlsverify\Z", r"without tlscert and tlskey"),
    ({"metrics-addr": "127.0.0.1"}, "docker-ce", r"\.metrics-addr\Z", r"without a port.*127\.0\.0\.1:9323"),
    ({"userland-proxy-path": "docker-proxy"}, "docker-ce", r"\.userland-proxy-path\Z", r"absolute path"),
    ({"containerd-namespace": "plugins.moby"}, "docker-ce", r"\.containerd-namespace\Z", r"cannot be the same"),
    ({"firewall-backend": "ipfw"}, "docker-ce", r"\.firewall-backend\Z", r"\"iptables\" and \"nftables\""),
    ({"min-api-version": "v1.24"}, "docker-ce", r"\.min-api-version\Z", r"without a v"),
    ({"nri-opts": {"enabled": True}}, "docker-ce", r"\.nri-opts\.enabled\Z", r"did you mean enable\?"),
]


@pytest.mark.parametrize("options, install_source, path, message", REFUSED,
                         ids=["%d-%s" % (index, case[2].strip("\\Z.")) for index, case in enumerate(REFUSED)])
def test_refused(options, install_source, path, message):
    errors, _warnings = _check(options, install_source)
    assert any(re.search(path, where) and re.search(message, text) for where, text in errors), errors


def test_every_problem_is_reported_at_once():
    errors, _warnings = _check({"debug": "true", "log_level": "debug", "mtu": "1500", "dns": "8.8.8.8",
                                "hosts": ["tcp://0.0.0.0:2375"], "default-address-pools": [{"base": "x", "size": 0}]})
    paths = sorted(path for path, _message in errors)
    assert paths == sorted([
        VAR + ".debug", VAR + ".log_level", VAR + ".mtu", VAR + ".dns", VAR + ".hosts",
        VAR + ".default-address-pools[0].base", VAR + ".default-address-pools[0].size"])


# (options, install source, path of the warning (regex), message (regex)): accepted, but worth saying.
WARNED = [
    ({"max-concurrent-downloads": 0}, "docker-ce", r"\.max-concurrent-downloads\Z", r"default 3.*no limit"),
    ({"containerd-plugins-namespace": "plugins"}, "docker-ce", r"\.containerd-plugins-namespace\Z", r"not applied"),
    ({"allow-nondistributable-artifacts": ["registry.example.com"]}, "docker-ce",
     r"\.allow-nondistributable-artifacts\Z", r"ignored since Docker 28"),
    ({"debug": None}, "docker-ce", r"\.debug\Z", r"null"),
    ({"insecure-registries": ["http://registry.example.com:5000"]}, "docker-ce", r"\.insecure-registries\[0\]\Z",
     r"strips"),
    ({"default-address-pools": [{"base": "10.200.0.0/16", "size": 24, "scope": "local"}]}, "docker-ce",
     r"\.default-address-pools\[0\]\.scope\Z", r"ignored"),
    ({"log-driver": "loki"}, "docker-ce", r"\.log-driver\Z", r"plugin"),
    ({"storage-driver": "stargazer", "features": {"containerd-snapshotter": True}}, "docker-ce",
     r"\.storage-driver\Z", r"snapshotter plugin"),
    ({"log-format": "json"}, "distro", r"\.log-format\Z", r"needs Docker 25\.0 or newer.*20\.10"),
    ({"proxies": {"http-proxy": "http://proxy.example.com:3128"}}, "distro", r"\.proxies\Z", r"Docker 23\.0"),
    ({"graph": "/srv/docker"}, "distro", r"\.graph\Z", r"removed in Docker 23\.0"),
    ({"ip6tables": True}, "distro", r"\.ip6tables\Z", r"experimental"),
    ({"default-runtime": "io.containerd.runsc.v1"}, "distro", r"\.default-runtime\Z", r"before 23"),
    ({"exec-opts": ["isolation=hyperv"]}, "distro", r"\.exec-opts\[0\]\Z", r"Windows option"),
]


@pytest.mark.parametrize("options, install_source, path, message", WARNED,
                         ids=["%d-%s" % (index, case[2].strip("\\Z.")) for index, case in enumerate(WARNED)])
def test_warned(options, install_source, path, message):
    errors, warnings = _check(options, install_source)
    assert errors == []
    assert any(re.search(path, where) and re.search(message, text) for where, text in warnings), warnings


def test_messages_hide_credentials_and_long_values():
    long_name = "x" * 200
    errors, _warnings = _check({"registry-mirrors": ["https://user:s3cret@mirror.example.com"], long_name: 1,
                                "log-level": long_name})
    text = " ".join(message for _path, message in errors)
    assert "s3cret" not in text
    assert long_name not in text
    assert len(errors) == 3


def test_unit_flag_keys_are_the_units_flags():
    # Both units run dockerd -H fd:// --containerd=/run/containerd/containerd.sock.
    assert UNIT_FLAG_KEYS == {"docker-ce": ("hosts", "containerd"), "distro": ("hosts", "containerd")}
    assert all(key in OPTIONS for keys in UNIT_FLAG_KEYS.values() for key in keys)


def _type_words(spec):
    if isinstance(spec, str):
        yield spec
        return
    yield spec["type"]
    for key in ("items", "values"):
        if key in spec:
            yield from _type_words(spec[key])
    for item in spec.get("keys", {}).values():
        yield from _type_words(item)


def test_options_use_the_type_vocabulary():
    words = {"string", "bool", "int", "number", "string-list", "string-map", "object", "list"}
    assert {word for spec in OPTIONS.values() for word in _type_words(spec)} <= words


# The keys of the "full example of the allowed configuration options on Linux" in the dockerd reference
# (docker/cli docs/reference/dockerd.md, v28.5.2).
REFERENCE_EXAMPLE_KEYS = [
    "allow-direct-routing", "authorization-plugins", "bip", "bip6", "bridge", "builder", "cgroup-parent",
    "containerd", "containerd-namespace", "containerd-plugins-namespace", "data-root", "debug",
    "default-address-pools", "default-cgroupns-mode", "default-gateway", "default-gateway-v6",
    "default-network-opts", "default-runtime", "default-shm-size", "default-ulimits", "dns", "dns-opts",
    "dns-search", "exec-opts", "exec-root", "experimental", "features", "fixed-cidr", "fixed-cidr-v6", "group",
    "host-gateway-ip", "hosts", "icc", "init", "init-path", "insecure-registries", "ip", "ip-forward", "ip-masq",
    "ip6tables", "iptables", "ipv6", "labels", "live-restore", "log-driver", "log-format", "log-level", "log-opts",
    "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "mtu", "no-new-privileges",
    "node-generic-resources", "pidfile", "proxies", "raw-logs", "registry-mirrors", "runtimes", "seccomp-profile",
    "selinux-enabled", "shutdown-timeout", "storage-driver", "storage-opts", "swarm-default-advertise-addr", "tls",
    "tlscacert", "tlscert", "tlskey", "tlsverify", "userland-proxy", "userland-proxy-path", "userns-remap",
]


def test_options_hold_the_reference_example():
    assert [key for key in REFERENCE_EXAMPLE_KEYS if key not in OPTIONS] == []


def _validating_dockerd():
    dockerd = shutil.which("dockerd")
    if not dockerd:
        return None
    result = subprocess.run([dockerd, "--help"], capture_output=True, text=True, timeout=30, check=False)
    return dockerd if "--validate" in result.stdout else None


@pytest.mark.skipif(_validating_dockerd() is None, reason="no dockerd with --validate (Docker 23+) on this machine")
@pytest.mark.parametrize("options", ACCEPTED, ids=lambda options: ",".join(options) or "empty")
def test_accepted_passes_dockerd_validate(options, tmp_path):
    config = tmp_path / "daemon.json"
    config.write_text(json.dumps(options))
    result = subprocess.run([_validating_dockerd(), "--validate", "--config-file", str(config), "-H", "fd://",
                             "--containerd=/run/containerd/containerd.sock"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr


ODD_VALUES = [None, True, 0, -1, 1.5, "", "x", "x=y", [], [None], [1], ["x"], [{}], [{"base": None, "size": None}],
              {}, {"a": None}, {"a": 1}, {"a": "b"}, {"a": [1]}, {"a": {"path": 1, "runtimeType": None}},
              {"Name": None, "Hard": "1"}]


@pytest.mark.parametrize("key", sorted(OPTIONS))
def test_any_value_is_reported_not_raised(key):
    for value in ODD_VALUES:
        for install_source in ("docker-ce", "distro"):
            _check({key: value, "log-driver": "json-file", "runtimes": {"x": {"path": "/x"}}}, install_source)


@pytest.mark.parametrize("before, after, action, restart_keys", [
    pytest.param({}, {}, "none", [], id="nothing"),
    pytest.param(None, {}, "none", [], id="no-file-empty"),
    pytest.param({"debug": True}, {"debug": True}, "none", [], id="same"),
    pytest.param({}, {"registry-mirrors": ["http://10.0.0.5:5000"]}, "reload", [], id="mirror-added"),
    pytest.param({"registry-mirrors": ["http://a:5000"]}, {"registry-mirrors": ["http://b:5000"]}, "reload", [],
                 id="mirror-changed"),
    pytest.param({"registry-mirrors": ["http://a:5000"]}, {}, "restart", ["registry-mirrors"], id="mirror-removed"),
    pytest.param({"max-concurrent-downloads": 6}, {}, "reload", [], id="reset-on-reload-removed"),
    pytest.param({}, {"debug": True, "labels": ["a=b"], "live-restore": True}, "reload", [], id="several"),
    pytest.param({}, {"log-opts": {"max-size": "10m"}}, "restart", ["log-opts"], id="log-opts"),
    pytest.param({}, {"mtu": 1400, "debug": True}, "restart", ["mtu"], id="mixed"),
    pytest.param({"runtimes": {"x": {"path": "/x"}}}, {"runtimes": {"x": {"path": "/y"}}}, "reload", [],
                 id="runtime-changed"),
    pytest.param({"default-runtime": "x"}, {}, "restart", ["default-runtime"], id="default-runtime-removed"),
])
def test_reload_plan(before, after, action, restart_keys):
    plan = docker_daemon_config.reload_plan(before, after)
    assert plan["action"] == action
    assert plan["restart_keys"] == restart_keys
    if action == "restart":
        assert "restarts" in plan["message"] and all(key in plan["message"] for key in restart_keys)
    if action == "reload":
        assert "reloaded, not restarted" in plan["message"]


def test_reloadable_keys_are_daemon_json_keys():
    assert set(docker_daemon_config.RELOADABLE) <= set(docker_daemon_config.OPTIONS)


# -- Docker's tables, row by row (dockerd's reference and release notes, written out here) -------------------------

# Flag names dockerd's key check accepts and its JSON decoder ignores, and the daemon.json key to write instead.
FLAG_NAMES = [
    ("add-runtime", "runtimes"), ("authorization-plugin", "authorization-plugins"), ("cdi-spec-dir", "cdi-spec-dirs"),
    ("default-address-pool", "default-address-pools"), ("default-network-opt", "default-network-opts"),
    ("default-ulimit", "default-ulimits"), ("dns-opt", "dns-opts"), ("exec-opt", "exec-opts"),
    ("feature", "features"), ("host", "hosts"), ("insecure-registry", "insecure-registries"), ("label", "labels"),
    ("log-opt", "log-opts"), ("node-generic-resource", "node-generic-resources"),
    ("registry-mirror", "registry-mirrors"), ("storage-opt", "storage-opts"),
]


@pytest.mark.parametrize("flag, key", FLAG_NAMES)
def test_a_flag_name_names_the_daemon_json_key(flag, key):
    errors, _warnings = _check({flag: ["x"]})
    assert errors == [("%s.%s" % (VAR, flag), errors[0][1])]
    assert "is the name of dockerd's --%s flag" % flag in errors[0][1] and errors[0][1].endswith(
        "write %s (daemon.json uses the plural of flags that take several values)" % key)


@pytest.mark.parametrize("flag", ["http-proxy", "https-proxy", "no-proxy"])
def test_a_proxy_flag_belongs_under_proxies(flag):
    errors, _warnings = _check({flag: "http://proxy.example.com:3128"})
    assert [path for path, _m in errors] == ["%s.%s" % (VAR, flag)]
    assert errors[0][1].endswith("write proxies: {%s: ...}" % flag)


@pytest.mark.parametrize("flag", ["config-file", "help", "validate", "version"])
def test_a_command_line_flag_is_no_option(flag):
    errors, _warnings = _check({flag: True})
    assert errors == [("%s.%s" % (VAR, flag), "is the command-line flag --%s, not a daemon.json option: dockerd "
                                              "accepts the name but does nothing with it; drop it" % flag)]


@pytest.mark.parametrize("name, typo, hint", [
    # A name written with _ or spaces, or in another case, is matched to the option or the flag's plural.
    ("Storage_Opt", ["x"], "did you mean storage-opts?"), ("log level", "info", "did you mean log-level?"),
    ("registry_mirror", [], "did you mean registry-mirrors?"),
])
def test_a_misspelt_key_names_the_option(name, typo, hint):
    errors, _warnings = _check({name: typo})
    assert errors[0][1].endswith(hint)


# The release that first accepts each key added after Docker 20.10.
SINCE = [
    ("proxies", "23.0"), ("default-network-opts", "24.0"), ("cdi-spec-dirs", "25.0"), ("log-format", "25.0"),
    ("bip6", "28.0"), ("host-gateway-ips", "28.0"), ("ip-forward-no-drop", "28.0"), ("allow-direct-routing", "28.2"),
    ("bridge-accept-fwmark", "29.0"), ("firewall-backend", "29.0"), ("min-api-version", "29.0"), ("nri-opts", "29.2"),
    ("default-stop-timeout", "29.7"),
]


@pytest.mark.parametrize("key, version", SINCE)
def test_a_key_newer_than_debian_12s_docker_is_warned_about_for_distro_only(key, version):
    _errors, warnings = _check({key: None}, install_source="distro")
    assert [m for p, m in warnings if p == "%s.%s" % (VAR, key) and m.startswith("needs Docker %s or newer" % version)]
    _errors, warnings = _check({key: None})
    assert not [m for _p, m in warnings if m.startswith("needs Docker")]


# Keys dockerd no longer accepts, and the release that refuses them first.
REMOVED = [("graph", "23.0"), ("cluster-store", "23.0"), ("cluster-store-opts", "23.0"), ("cluster-advertise", "23.0"),
           ("oom-score-adjust", "25.0"), ("api-cors-header", "28.0")]


@pytest.mark.parametrize("key, version", REMOVED)
def test_a_removed_key_is_an_error_for_docker_ce_and_a_warning_for_distro(key, version):
    errors, _warnings = _check({key: None})
    assert [m for p, m in errors if p == "%s.%s" % (VAR, key) and m.startswith("was removed in Docker %s: the Docker "
                                                                               "Engine this role installs" % version)]
    errors, warnings = _check({key: None}, install_source="distro")
    assert not errors
    assert [m for p, m in warnings if m.startswith("was removed in Docker %s: a docker.io of that version" % version)]


@pytest.mark.parametrize("key", ["containerd-plugins-namespace", "deprecated-key-path",
                                 "allow-nondistributable-artifacts"])
def test_keys_dockerd_ignores_are_warned_about(key):
    errors, warnings = _check({key: ["x"] if key == "allow-nondistributable-artifacts" else "x"})
    assert errors == [] and [p for p, _m in warnings] == ["%s.%s" % (VAR, key)]


@pytest.mark.parametrize("key, fix", [
    ("containerd-plugin-namespace", "--containerd-plugins-namespace"), ("default-init", "init-path"),
    ("resolv-conf", "cannot be chosen in daemon.json"), ("swarm-raft-heartbeat-tick", "raft ticks"),
    ("swarm-raft-election-tick", "raft ticks"),
])
def test_field_names_dockerd_refuses(key, fix):
    errors, _warnings = _check({key: "x"})
    assert [p for p, _m in errors] == ["%s.%s" % (VAR, key)] and fix in errors[0][1]


@pytest.mark.parametrize("level", ["debug", "info", "warn", "error", "fatal", "panic", "trace", "INFO"])
def test_every_log_level(level):
    assert _check({"log-level": level}) == ([], [])


def test_an_unknown_log_level_lists_them():
    errors, _warnings = _check({"log-level": "verbose"})
    assert errors[0][1].endswith("use one of debug, info, warn, error, fatal, panic, trace")


@pytest.mark.parametrize("driver", ["json-file", "local", "journald", "syslog", "gelf", "fluentd", "awslogs", "splunk",
                                    "gcplogs", "none", "vendor/plugin:1"])
def test_every_log_driver(driver):
    assert _check({"log-driver": driver}) == ([], [])


def test_an_unknown_log_driver_is_a_warning_naming_the_close_one():
    errors, warnings = _check({"log-driver": "journal"})
    assert errors == [] and "(did you mean journald?)" in warnings[0][1]


@pytest.mark.parametrize("option", ["mode", "max-buffer-size", "cache-disabled", "cache-max-file", "cache-max-size",
                                    "cache-compress"])
@pytest.mark.parametrize("driver", ["json-file", "local", "journald"])
def test_options_every_log_driver_takes(driver, option):
    value = {"mode": "non-blocking", "cache-disabled": "false"}.get(option, "4m" if "size" in option else "1")
    opts = {option: value, "mode": "non-blocking"}
    errors, _warnings = _check({"log-driver": driver, "log-opts": opts})
    assert errors == []


@pytest.mark.parametrize("value, ok", [("true", True), ("0", True), ("F", True), ("no", False), ("", True)])
def test_log_cache_disabled_takes_go_booleans(value, ok):
    errors, _warnings = _check({"log-opts": {"cache-disabled": value}})
    assert (errors == []) is ok
    assert ok or errors[0][1].startswith("is '%s', not true or false" % value)


@pytest.mark.parametrize("name", ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
                                  "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"])
def test_every_ulimit_name(name):
    assert _check({"default-ulimits": {name: {"Name": name, "Hard": 10, "Soft": 10}}}) == ([], [])


@pytest.mark.parametrize("key, example", [
    ("default-address-pools", "[{base: 10.200.0.0/16, size: 24}]"),
    ("default-network-opts", "{bridge: {com.docker.network.driver.mtu: '1400'}}"),
    ("default-ulimits", "{nofile: {Name: nofile, Hard: 65536, Soft: 65536}}"),
    ("exec-opts", "['native.cgroupdriver=systemd']"),
    ("features", "{buildkit: true}"),
    ("host-gateway-ips", "['172.17.0.1']"),
    ("log-opts", "{max-size: '10m', max-file: '3'}"),
    ("nri-opts", "{enable: true}"),
    ("proxies", "{http-proxy: 'http://proxy.example.com:3128', no-proxy: localhost}"),
    ("runtimes", "{crun: {path: /usr/bin/crun}}"),
    ("dns", "['8.8.8.8', '1.1.1.1']"), ("insecure-registries", "['registry.example.com:5000']"),
    ("labels", "['environment=ci']"), ("registry-mirrors", "['https://mirror.gcr.io']"),
    ("storage-opts", "['overlay2.size=20G']"),
])
def test_a_value_of_the_wrong_type_gets_the_keys_example(key, example):
    errors, _warnings = _check({key: 5})
    assert errors[0][1].endswith(", e.g. %s" % example)


@pytest.mark.parametrize("key, value, fix", [
    ("debug", 5, "write it as a boolean (true or false), e.g. true"),
    ("max-concurrent-downloads", [], "write it as an integer, e.g. 3"),
    ("authorization-plugins", 5, "write it as a list of strings, e.g. ['value']"),
    ("debug", "yes", "write true without quotes"),
    ("debug", "off", "write false without quotes"),
    ("max-concurrent-downloads", " 3 ", "write 3 without quotes"),
    ("max-concurrent-downloads", 3.0, "write 3"),
    ("max-concurrent-downloads", 3.5, "give a whole number"),
    ("data-root", True, "YAML reads yes/no/on/off/true/false unquoted as booleans; quote it, e.g. 'true'"),
    ("data-root", 5, "quote it: '5'"),
    ("authorization-plugins", "authz", "write it as a YAML list, e.g. ['authz']"),
])
def test_a_value_of_the_wrong_type_names_the_fix(key, value, fix):
    errors, _warnings = _check({key: value})
    assert errors[0][1].endswith(fix)


def test_a_runtime_with_a_problem_of_its_own_is_still_defined_for_default_runtime():
    errors, _warnings = _check({"default-runtime": "crun", "runtimes": {"crun": {"path": 5}}})
    assert [path for path, _m in errors] == ["%s.runtimes.crun.path" % VAR]


@pytest.mark.parametrize("options, paths", [
    # A value with a problem inside is reported once: the checks of several keys together leave it out.
    ({"log-opts": {"max-size": 5}}, ["log-opts.max-size"]),
    ({"log-opts": {"max-size": "10m", "max-file": None, "compress": "true"}}, ["log-opts.max-file"]),
    ({"storage-driver": "stargz2", "features": {"containerd-snapshotter": True, "buildkit": "yes"}},
     ["features.buildkit", "storage-driver"]),
    ({"storage-driver": "stargz2", "features": {"containerd-snapshotter": True, "buildkit": None}},
     ["features.buildkit", "storage-driver"]),
])
def test_cross_key_checks_see_only_values_without_problems(options, paths):
    errors, _warnings = _check(options)
    assert [path for path, _m in errors] == ["%s.%s" % (VAR, path) for path in paths]


@pytest.mark.parametrize("source", ["other", None, ""])
def test_an_unknown_install_source_is_read_as_docker_ce(source):
    errors, _warnings = _check({"hosts": ["unix:///var/run/docker.sock"]}, install_source=source)
    assert "/usr/bin/dockerd" in errors[0][1]


@pytest.mark.parametrize("value, shown", [("x" * 38, "'%s'" % ("x" * 38)), ("x" * 39, "'%s..." % ("x" * 36))])
def test_values_are_shortened_at_40_characters(value, shown):
    errors, _warnings = _check({"log-level": value})
    assert errors[0][1].startswith("is %s, not a log level" % shown)


@pytest.mark.parametrize("mtu, ok", [(68, True), (67, False), (65535, True), (65536, False), (0, True)])
def test_mtu_range(mtu, ok):
    errors, _warnings = _check({"mtu": mtu})
    assert (errors == []) is ok


@pytest.mark.parametrize("label, ok", [
    ("environment=ci", True), ("com.docker.x=1", False), ("IO.Docker.x=1", False), ("org.dockerproject.x=1", False),
    ("io.dockerx=1", True),
])
def test_labels_in_dockers_namespaces(label, ok):
    errors, _warnings = _check({"labels": [label]})
    assert (errors == []) is ok


@pytest.mark.parametrize("resource, ok", [("gpu=1", True), ("gpu=", False), ("=1", False), ("gpu", False),
                                          (" gpu = 1 ", True)])
def test_generic_resources(resource, ok):
    errors, _warnings = _check({"node-generic-resources": [resource]})
    assert (errors == []) is ok


@pytest.mark.parametrize("opt, ok", [
    ("native.cgroupdriver=systemd", True), ("native.cgroupdriver=cgroupfs", True),
    ("native.cgroupdriver=other", False), ("native.cgroupdriver", False), ("=systemd", False),
    ("native.cgroupdriver=", False),
])
def test_exec_opts(opt, ok):
    errors, _warnings = _check({"exec-opts": [opt]})
    assert (errors == []) is ok


@pytest.mark.parametrize("registry, ok", [("[fd00::1]:5000", True), ("registry.example.com:5000", True),
                                          ("10.0.0.0/8", True), ("-registry", False), ("[fd00::1]:70000", False),
                                          ("registry.example.com:70000", False)])
def test_insecure_registries(registry, ok):
    errors, _warnings = _check({"insecure-registries": [registry]})
    assert (errors == []) is ok


@pytest.mark.parametrize("base, size, ok", [
    ("10.200.0.0/16", 32, True), ("10.200.0.0/16", 33, False), ("fd00::/48", 64, True), ("fd00::/48", 128, True),
    ("fd00::/48", 129, False), ("10.200.0.0/16", 0, False),
])
def test_address_pool_sizes(base, size, ok):
    errors, _warnings = _check({"default-address-pools": [{"base": base, "size": size}]})
    assert (errors == []) is ok


@pytest.mark.parametrize("key, value, wanted", [
    ("bip", "172.26.0.0", "give the bridge's IPv4 address with its prefix length, e.g. 172.26.0.1/16"),
    ("bip6", "fd00:1::1", "give the bridge's IPv6 address with its prefix length, e.g. fd00:1::1/64"),
    ("fixed-cidr", "172.26.5.0", "give an IPv4 subnet, e.g. 172.26.5.0/24"),
    ("fixed-cidr-v6", "2001:db8:1::", "give an IPv6 subnet, e.g. 2001:db8:1::/64"),
    ("bip", "fd00:1::1/64", "give the bridge's IPv4 address with its prefix length, e.g. 172.26.0.1/16 (IPv6 goes "
                            "in bip6)"),
    ("fixed-cidr", "2001:db8::/64", "give an IPv4 subnet, e.g. 172.26.5.0/24 (IPv6 goes in fixed-cidr-v6)"),
])
def test_a_cidr_option_names_what_it_wants(key, value, wanted):
    errors, _warnings = _check({key: value}, install_source="distro")
    assert errors[0][1].endswith(wanted)


@pytest.mark.parametrize("key", ["ip", "default-gateway", "default-gateway-v6", "host-gateway-ip"])
def test_address_options(key):
    assert [path for path, _m in _check({key: "gateway.local"})[0]] == ["%s.%s" % (VAR, key)]
    assert _check({key: "10.0.0.1"})[0] == []


@pytest.mark.parametrize("mark, ok", [("0x1/0x1", True), ("1", True), ("0x100000000", False), ("mark", False),
                                      ("1/", False)])
def test_bridge_accept_fwmark(mark, ok):
    errors, _warnings = _check({"bridge-accept-fwmark": mark})
    assert (errors == []) is ok


@pytest.mark.parametrize("options, path", [
    ({"bridge": "br0", "bip6": "fd00:1::1/64"}, "bip6"),
    ({"bridge": "br0", "bip": "172.26.0.1/16"}, "bip"),
    ({"icc": False, "ipv6": True, "ip6tables": False}, "icc"),
    ({"icc": False, "iptables": False}, "icc"),
])
def test_options_dockerd_refuses_together(options, path):
    errors, _warnings = _check(options)
    assert ("%s.%s" % (VAR, path)) in [p for p, _m in errors]


@pytest.mark.parametrize("options", [
    {"icc": False, "ipv6": False, "ip6tables": False}, {"icc": False, "ipv6": True, "ip6tables": True},
    {"icc": False, "ipv6": True}, {"bridge": "br0"},
])
def test_options_dockerd_takes_together(options):
    errors, _warnings = _check(options)
    assert errors == []


# Daemon.Reload: each key dockerd applies on SIGHUP, and whether removing it is applied too.
RELOAD = [
    ("debug", False), ("labels", False), ("live-restore", False), ("max-concurrent-downloads", True),
    ("max-concurrent-uploads", True), ("max-download-attempts", True), ("shutdown-timeout", False),
    ("features", True), ("insecure-registries", False), ("registry-mirrors", False),
    ("allow-nondistributable-artifacts", False), ("runtimes", False), ("default-runtime", False),
    ("default-shm-size", False), ("default-cgroupns-mode", False), ("default-ipc-mode", False),
    ("authorization-plugins", True), ("network-diagnostic-port", True), ("default-stop-timeout", False),
    # reloadNRI (Docker 29.2 and later): an unset nri-opts turns NRI off on a reload.
    ("nri-opts", True),
]


@pytest.mark.parametrize("key, removal_reloads", RELOAD)
def test_what_a_reload_applies(key, removal_reloads):
    assert docker_daemon_config.reload_plan({}, {key: 1})["action"] == "reload"
    assert docker_daemon_config.reload_plan({key: 1}, {})["action"] == ("reload" if removal_reloads else "restart")


@pytest.mark.parametrize("before, after, action", [
    ({}, {"features": {"buildkit": True}}, "reload"),
    ({"features": {"buildkit": True}}, {}, "reload"),
    # The image store is chosen when dockerd starts: a reload would leave it, and a later restart switch it.
    ({}, {"features": {"containerd-snapshotter": True}}, "restart"),
    ({"features": {"containerd-snapshotter": True}}, {"features": {"containerd-snapshotter": False}}, "restart"),
    ({"features": {"cdi": True, "buildkit": True}}, {"features": {"cdi": True, "buildkit": False}}, "reload"),
    ({"features": {"cdi": True}}, {}, "restart"),
])
def test_only_buildkit_of_the_features_is_reloaded(before, after, action):
    plan = docker_daemon_config.reload_plan(before, after)
    assert plan["action"] == action
    assert plan["restart_keys"] == (["features"] if action == "restart" else [])


@pytest.mark.parametrize("options, reserved", [
    ({"bip": "172.26.0.0/16"}, "network address"), ({"bip": "172.26.255.255/16"}, "broadcast address"),
    ({"bip": "192.168.5.0/24"}, "network address"), ({"bip6": "fd00:1::/64"}, "network address"),
    ({"bip": "172.26.0.1/16"}, None), ({"bip": "172.26.5.9/16"}, None), ({"bip6": "fd00:1::1/64"}, None),
    ({"fixed-cidr": "172.26.0.0/16"}, None),  # a subnet, not an address
])
def test_the_bridge_address_is_no_reserved_address_of_its_subnet(options, reserved):
    # ipams/defaultipam reserves these; dockerd then fails "failed to allocate gateway ...: Address already in use".
    errors, _warnings = _check(options)
    if reserved is None:
        assert errors == []
    else:
        (path, message), = errors
        key, value = next(iter(options.items()))
        assert path == "%s.%s" % (VAR, key)
        assert message.startswith("is '%s', the %s of its subnet, which no interface can have: dockerd fails to "
                                  "start (failed to allocate gateway (%s): Address already in use)"
                                  % (value, reserved, value.split("/")[0]))


def test_a_reload_plan_without_a_change():
    assert docker_daemon_config.reload_plan({"debug": True}, {"debug": True}) == {
        "action": "none", "changed": [], "restart_keys": [], "message": "daemon.json is unchanged"}


@pytest.mark.parametrize("address, ok", [("[::1]:9323", True), ("127.0.0.1:9323", True), ("[::1]", False)])
def test_metrics_addresses(address, ok):
    errors, _warnings = _check({"metrics-addr": address})
    assert (errors == []) is ok
