# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: ``/etc/docker/daemon.json`` as dockerd reads it, checked before Docker is installed.

The docker role writes ``docker_daemon_options`` to daemon.json as JSON. A bad
value there is otherwise found by ``dockerd --validate`` (Docker 23 and newer)
or by a restart that leaves Docker down; :func:`check_daemon_options` reports
it first, every problem at once, with the path the user wrote
(``docker_daemon_options.log-opts.max-size``).

:data:`OPTIONS` is every key dockerd accepts in daemon.json on Linux, Docker
20.10 to 29, mapped to its JSON type. The keys are the ``json`` tags of moby's
``daemon/config`` structs (``Config``, ``CommonConfig``, ``BridgeConfig``,
``DNSConfig``, ``registry.ServiceOptions``, ...) that pass dockerd's
unknown-key check: ``findConfigurationConflicts`` accepts a file key only when
it is the name of a dockerd flag or of a named option ("the following
directives don't match any configuration option" otherwise), and the JSON
decoder then ignores a key that has no ``json`` tag. So flag names such as
``registry-mirror`` pass the check and silently do nothing, while tags such as
``containerd-plugin-namespace`` have no flag and are refused. The list was
confirmed key by key with ``dockerd --validate`` of builds of moby v20.10.24,
v23.0.18, v24.0.9, v25.0.17, v26.1.5, v27.5.1, v28.5.2 and docker-v29.7.2.

:data:`UNIT_FLAG_KEYS` is, per install source, the keys the systemd unit
already gives as flags: dockerd refuses to start when a key is both a flag and
in the file ("the following directives are specified both as a flag and in
the configuration file"), whatever the values.

The value rules are the ones dockerd enforces when it loads the file
(``config.Validate``), when the daemon starts (``verifyDaemonSettings``, the
bridge and address-pool setup, ``setupRuntimes``, the registry service, the
default log configuration) or when every container starts (the log driver,
ulimits). For ``docker-ce`` they follow the newest release (what the role
installs unless ``docker_version`` pins one); for ``distro`` the differences of
older releases (Debian 12's docker.io is 20.10) are warnings. Messages show
short values only and never a proxy or mirror URL's credentials.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Mapping

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_executor import (
    ULIMIT_NAMES,
    cgroup_parent_problem,
)

__all__ = ["OPTIONS", "RELOADABLE", "ROTATED_LOG_DRIVERS", "UNIT_FLAG_KEYS", "check_daemon_options",
           "check_registry_mirrors", "daemon_json", "reload_plan", "size_ok"]

# Type words: "string", "bool", "int", "number", "string-list" (list of strings), "string-map" (object of
# strings), "object" (free-form object), "list" (free-form list); a dict describes a nested structure:
# {"type": "object" | "list", "keys": {key: type} (an object with these keys), "values": type (an object of
# these), "items": type (a list of these), "required": (...), "unknown": "error" | "ignored" (a key not in
# "keys": refused by dockerd, or dropped by its JSON decoder), "fold_case": True (keys match case-insensitively,
# as Go's decoder matches struct fields)}.
_POOL = {"type": "object", "keys": {"base": "string", "size": "int"}, "required": ("base", "size"),
         "unknown": "ignored", "fold_case": True}
_RUNTIME = {"type": "object", "keys": {"path": "string", "runtimeArgs": "string-list", "runtimeType": "string",
                                       "options": "object"}, "unknown": "ignored", "fold_case": True}
_ULIMIT = {"type": "object", "keys": {"Name": "string", "Hard": "int", "Soft": "int"}, "required": ("Name",),
           "unknown": "ignored", "fold_case": True}

OPTIONS = {
    "allow-direct-routing": "bool",
    "allow-nondistributable-artifacts": "string-list",
    "api-cors-header": "string",
    "authorization-plugins": "string-list",
    "bip": "string",
    "bip6": "string",
    "bridge": "string",
    "bridge-accept-fwmark": "string",
    "builder": "object",
    "cdi-spec-dirs": "string-list",
    "cgroup-parent": "string",
    "cluster-advertise": "string",
    "cluster-store": "string",
    "cluster-store-opts": "string-map",
    "containerd": "string",
    "containerd-namespace": "string",
    "containerd-plugins-namespace": "string",
    "cpu-rt-period": "int",
    "cpu-rt-runtime": "int",
    "cri-containerd": "bool",
    "data-root": "string",
    "debug": "bool",
    "default-address-pools": {"type": "list", "items": _POOL},
    "default-cgroupns-mode": "string",
    "default-gateway": "string",
    "default-gateway-v6": "string",
    "default-ipc-mode": "string",
    "default-network-opts": {"type": "object", "values": "string-map"},
    "default-runtime": "string",
    "default-shm-size": "string",
    "default-stop-timeout": "int",
    "default-ulimits": {"type": "object", "values": _ULIMIT},
    "deprecated-key-path": "string",
    "dns": "string-list",
    "dns-opts": "string-list",
    "dns-search": "string-list",
    "exec-opts": "string-list",
    "exec-root": "string",
    "experimental": "bool",
    "features": {"type": "object", "values": "bool"},
    "firewall-backend": "string",
    "fixed-cidr": "string",
    "fixed-cidr-v6": "string",
    "graph": "string",
    "group": "string",
    "host-gateway-ip": "string",
    "host-gateway-ips": "string-list",
    "hosts": "string-list",
    "icc": "bool",
    "init": "bool",
    "init-path": "string",
    "insecure-registries": "string-list",
    "ip": "string",
    "ip-forward": "bool",
    "ip-forward-no-drop": "bool",
    "ip-masq": "bool",
    "ip6tables": "bool",
    "iptables": "bool",
    "ipv6": "bool",
    "labels": "string-list",
    "live-restore": "bool",
    "log-driver": "string",
    "log-format": "string",
    "log-level": "string",
    "log-opts": "string-map",
    "max-concurrent-downloads": "int",
    "max-concurrent-uploads": "int",
    "max-download-attempts": "int",
    "metrics-addr": "string",
    "min-api-version": "string",
    "mtu": "int",
    "network-control-plane-mtu": "int",
    "network-diagnostic-port": "int",
    "no-new-privileges": "bool",
    "node-generic-resources": "string-list",
    "nri-opts": {"type": "object", "keys": {"enable": "bool", "plugin-path": "string", "plugin-config-path": "string",
                                            "socket-path": "string"}, "unknown": "error"},
    "oom-score-adjust": "int",
    "pidfile": "string",
    "proxies": {"type": "object", "keys": {"http-proxy": "string", "https-proxy": "string", "no-proxy": "string"},
                "unknown": "error"},
    "raw-logs": "bool",
    "registry-mirrors": "string-list",
    "rootless": "bool",
    "runtimes": {"type": "object", "values": _RUNTIME},
    "seccomp-profile": "string",
    "selinux-enabled": "bool",
    "shutdown-timeout": "int",
    "storage-driver": "string",
    "storage-opts": "string-list",
    "swarm-default-advertise-addr": "string",
    "tls": "bool",
    "tlscacert": "string",
    "tlscert": "string",
    "tlskey": "string",
    "tlsverify": "bool",
    "userland-proxy": "bool",
    "userland-proxy-path": "string",
    "userns-remap": "string",
}

# The flags of the package's docker.service, as daemon.json keys (-H is "hosts", --containerd is "containerd"):
#   docker-ce (moby contrib/init/systemd/docker.service, installed by docker-ce-packaging's deb and rpm):
#     ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
#   distro (Debian's docker.io, /lib/systemd/system/docker.service):
#     ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
UNIT_FLAG_KEYS = {
    "docker-ce": ("hosts", "containerd"),
    "distro": ("hosts", "containerd"),
}

_DOCKERD = {"docker-ce": "/usr/bin/dockerd", "distro": "/usr/sbin/dockerd"}
_CONTAINERD_SOCKET = "/run/containerd/containerd.sock"

# Keys added after Docker 20.10 (the oldest docker.io a supported distribution ships, Debian 12's): the release
# that first accepts each. Older dockerd refuse them as unknown directives.
_SINCE = {
    "proxies": "23.0",
    "default-network-opts": "24.0",
    "cdi-spec-dirs": "25.0",
    "log-format": "25.0",
    "bip6": "28.0",
    "host-gateway-ips": "28.0",
    "ip-forward-no-drop": "28.0",
    "allow-direct-routing": "28.2",
    "bridge-accept-fwmark": "29.0",
    "firewall-backend": "29.0",
    "min-api-version": "29.0",
    "nri-opts": "29.2",
    "default-stop-timeout": "29.7",
}

# Keys dockerd no longer accepts: the release that refuses them first, and what to do instead.
_REMOVED = {
    "graph": ("23.0", "write data-root instead"),
    "cluster-store": ("23.0", "the external key/value store of legacy overlay networks is gone; use Swarm mode "
                              "or drop the key"),
    "cluster-store-opts": ("23.0", "the external key/value store of legacy overlay networks is gone; drop the key"),
    "cluster-advertise": ("23.0", "the external key/value store of legacy overlay networks is gone; drop the key"),
    "oom-score-adjust": ("25.0", "drop it; to change dockerd's own OOM score, set OOMScoreAdjust= in a systemd "
                                 "drop-in for docker.service"),
    "api-cors-header": ("28.0", "drop it and put a reverse proxy that sets the CORS headers in front of the API"),
}

# Keys dockerd accepts and then ignores.
_IGNORED = {
    "containerd-plugins-namespace": (
        "is accepted by dockerd (it is the flag's name) but not applied: the file's field is "
        "containerd-plugin-namespace, a name dockerd's key check refuses, so the plugin namespace cannot be set in "
        "daemon.json; give --containerd-plugins-namespace in a systemd drop-in for docker.service, or drop the key"),
    "deprecated-key-path": "is accepted and ignored by dockerd (the key file it named is no longer used): drop it",
    "allow-nondistributable-artifacts": (
        "is deprecated and ignored since Docker 28, which pushes nondistributable artifacts to any registry: "
        "drop it"),
}

# Flag names dockerd's key check accepts but its JSON decoder ignores (the file uses the plural of flags that
# take several values): the daemon.json key to write instead, or None for command-line-only flags.
_FLAG_NAMES = {
    "add-runtime": "runtimes",
    "authorization-plugin": "authorization-plugins",
    "cdi-spec-dir": "cdi-spec-dirs",
    "default-address-pool": "default-address-pools",
    "default-network-opt": "default-network-opts",
    "default-ulimit": "default-ulimits",
    "dns-opt": "dns-opts",
    "exec-opt": "exec-opts",
    "feature": "features",
    "host": "hosts",
    "insecure-registry": "insecure-registries",
    "label": "labels",
    "log-opt": "log-opts",
    "node-generic-resource": "node-generic-resources",
    "registry-mirror": "registry-mirrors",
    "storage-opt": "storage-opts",
    "http-proxy": "proxies.http-proxy",
    "https-proxy": "proxies.https-proxy",
    "no-proxy": "proxies.no-proxy",
    "config-file": None,
    "help": None,
    "validate": None,
    "version": None,
}

# Field names of dockerd's configuration that its key check refuses all the same.
_REFUSED = {
    "containerd-plugin-namespace": "the plugin namespace can only be set with the --containerd-plugins-namespace "
                                   "flag (a systemd drop-in for docker.service)",
    "default-init": "write init-path to choose the init binary",
    "resolv-conf": "the resolv.conf dockerd copies into containers cannot be chosen in daemon.json",
    "swarm-raft-heartbeat-tick": "swarm raft ticks cannot be set in daemon.json",
    "swarm-raft-election-tick": "swarm raft ticks cannot be set in daemon.json",
}

_EXAMPLES = {
    "default-address-pools": "[{base: 10.200.0.0/16, size: 24}]",
    "default-network-opts": "{bridge: {com.docker.network.driver.mtu: '1400'}}",
    "default-ulimits": "{nofile: {Name: nofile, Hard: 65536, Soft: 65536}}",
    "dns": "['8.8.8.8', '1.1.1.1']",
    "exec-opts": "['native.cgroupdriver=systemd']",
    "features": "{buildkit: true}",
    "host-gateway-ips": "['172.17.0.1']",
    "insecure-registries": "['registry.example.com:5000']",
    "labels": "['environment=ci']",
    "log-opts": "{max-size: '10m', max-file: '3'}",
    "nri-opts": "{enable: true}",
    "proxies": "{http-proxy: 'http://proxy.example.com:3128', no-proxy: localhost}",
    "registry-mirrors": "['https://mirror.gcr.io']",
    "runtimes": "{crun: {path: /usr/bin/crun}}",
    "storage-opts": "['overlay2.size=20G']",
}

_LOG_LEVELS = ("debug", "info", "warn", "error", "fatal", "panic", "trace")
_LOG_DRIVERS = ("json-file", "local", "journald", "syslog", "gelf", "fluentd", "awslogs", "splunk", "gcplogs", "none")
_LOG_ATTRIBUTES = ("labels", "labels-regex", "env", "env-regex", "tag")
# Options each built-in driver's validator accepts (daemon/logger/*), besides the common mode and max-buffer-size.
_LOG_DRIVER_OPTS = {
    "json-file": ("max-file", "max-size", "compress") + _LOG_ATTRIBUTES,
    "local": ("max-file", "max-size", "compress") + _LOG_ATTRIBUTES,
    "journald": _LOG_ATTRIBUTES,
}
_LOG_OPTS_SINCE = {("local", name): "29.5" for name in _LOG_ATTRIBUTES}
# Options every driver takes (daemon/logger builtInLogOpts, and the dual-logging cache of loggerutils/cache).
_LOG_COMMON_OPTS = ("mode", "max-buffer-size", "cache-disabled", "cache-max-file", "cache-max-size", "cache-compress")

# Storage drivers: graph drivers registered on Linux (daemon/graphdriver/register), the ones removed (the
# release that refuses them), and containerd's snapshotters (containerd docs/snapshotters), which Docker 29's
# containerd image store takes as storage-driver.
_GRAPH_DRIVERS = ("overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs")
_REMOVED_GRAPH_DRIVERS = {"aufs": "24.0", "overlay": "24.0", "devicemapper": "25.0"}
_SNAPSHOTTERS = ("overlayfs", "native", "btrfs", "zfs", "devmapper", "blockfile", "erofs", "fuse-overlayfs",
                 "stargz", "nydus", "overlaybd")

# Runtimes dockerd knows without a "runtimes" entry (daemon/runtime_unix.go stockRuntimes).
_STOCK_RUNTIMES = ("runc", "io.containerd.runc.v2")

# go-units parseSize (RAMInBytes, FromHumanSize): a number, an optional space, an optional unit.
_SIZE = re.compile(r"^[0-9]+(\.[0-9]+)? ?([kKmMgGtTpP]([bB]|[iI][bB])?|[bB])?\Z")
# distribution/reference DomainRegexp: host names, [IPv6], an optional port.
_DOMAIN = re.compile(r"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*"
                     r"[a-zA-Z0-9]))*(?::[0-9]+)?\Z|^\[[a-fA-F0-9:]+\](?::[0-9]+)?\Z")
# opts.ValidateDNSSearch: a domain name, an optional trailing dot.
_DNS_SEARCH = re.compile(r"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*"
                         r"[a-zA-Z0-9]))*\.?\s*\Z")
_API_VERSION = re.compile(r"^[0-9]+\.[0-9]+\Z")
# strconv.ParseBool, which the log drivers use for their true/false options.
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_BOOLS = _GO_TRUE + ("0", "f", "F", "FALSE", "false", "False")

_TYPE_NAMES = {
    "string": "a string",
    "bool": "a boolean (true or false)",
    "int": "an integer",
    "number": "a number",
    "string-list": "a list of strings",
    "string-map": "a mapping of strings",
    "object": "a mapping",
    "list": "a list",
}
_GO_TYPES = {
    "string": "string",
    "bool": "bool",
    "int": "int",
    "number": "float64",
    "string-list": "[]string",
    "string-map": "map[string]string",
    "object": "struct or map",
    "list": "slice",
}
_GENERIC_EXAMPLES = {
    "bool": "true",
    "int": "3",
    "number": "1.5",
    "string-list": "['value']",
    "string-map": "{name: 'value'}",
    "object": "{name: value}",
    "list": "[...]",
}


class _Context(object):
    def __init__(self, options, error, warning, install_source):
        self.options = options
        self.error = error
        self.warning = warning
        self.source = install_source if install_source in UNIT_FLAG_KEYS else "docker-ce"
        self.distro = self.source == "distro"
        self.valid = {}

    def older(self, path, message):
        """A problem of older Docker releases only: a warning for distro, nothing for docker-ce (the newest)."""
        if self.distro:
            self.warning(path, message)

    def newer(self, path, message):
        """A problem of newer Docker releases only: an error for docker-ce (the newest), a warning for distro."""
        (self.warning if self.distro else self.error)(path, message)


def _join(path, key):
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return "%s.%s" % (path, key) if path else str(key)


def _shown(value):
    """A short form of ``value`` for a message, without the credentials of a URL."""
    text = repr(value) if not isinstance(value, str) else "'%s'" % value
    text = re.sub(r"://[^/@\s]*@", "://(credentials hidden)@", text)
    return text if len(text) <= 40 else text[:37] + "..."


def _described(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean %s" % str(value).lower()
    if isinstance(value, (int, float)):
        return "the number %r" % value
    if isinstance(value, str):
        return "the string %s" % _shown(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a %s" % type(value).__name__


def _type_word(spec):
    return spec if isinstance(spec, str) else spec["type"]


def _fix_hint(value, kind, key):
    """How to write ``value`` as the JSON type ``kind``."""
    if kind == "bool" and isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "on",
                                                                               "off"):
        return "write %s without quotes" % ("true" if value.strip().lower() in ("true", "yes", "on") else "false")
    if kind in ("int", "number") and isinstance(value, str) and re.match(r"^\s*-?[0-9]+\s*\Z", value):
        return "write %s without quotes" % value.strip()
    if kind == "int" and isinstance(value, float) and not isinstance(value, bool):
        return "write %d" % value if value == int(value) else "give a whole number"
    if kind == "string" and isinstance(value, bool):
        return "YAML reads yes/no/on/off/true/false unquoted as booleans; quote it, e.g. '%s'" % str(value).lower()
    if kind == "string" and isinstance(value, (int, float)):
        return "quote it: '%s'" % value
    if kind == "string-list" and isinstance(value, str):
        return "write it as a YAML list, e.g. [%s]" % _shown(value)
    example = _EXAMPLES.get(key) or _GENERIC_EXAMPLES.get(kind)
    return "write it as %s%s" % (_TYPE_NAMES.get(kind, kind), ", e.g. %s" % example if example else "")


def _type_error(ctx, path, value, kind, key):
    ctx.error(path, "is %s, not %s: dockerd refuses to start (json: cannot unmarshal %s into Go value of type %s); "
                    "%s" % (_described(value), _TYPE_NAMES.get(kind, kind), _json_kind(value), _GO_TYPES[kind],
                            _fix_hint(value, kind, key)))


def _json_kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return "null" if value is None else type(value).__name__


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _kind_matches(value, kind):
    """Whether ``value`` is, at its top level, of the JSON type ``kind``."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return _is_int(value)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("string-list", "list"):
        return isinstance(value, (list, tuple))
    return isinstance(value, Mapping)  # string-map, object


def _null_item(ctx, path):
    ctx.error(path, "is null (a value left empty in YAML?): dockerd reads it as empty; give a value or remove it")


def _check_type(ctx, value, spec, path, key):
    """Report where ``value`` is not of the JSON type ``spec``; return whether it is, all the way down."""
    kind = _type_word(spec)
    if not _kind_matches(value, kind):
        _type_error(ctx, path, value, kind, key)
        return False
    good = True
    if kind in ("string-list", "string-map"):
        items = enumerate(value) if kind == "string-list" else value.items()
        for name, item in items:
            if item is None:
                _null_item(ctx, _join(path, name))
                good = False
            elif not isinstance(item, str):
                _type_error(ctx, _join(path, name), item, "string", key)
                good = False
    elif isinstance(spec, dict):
        items = enumerate(value) if kind == "list" else value.items() if "values" in spec else ()
        for name, item in items:
            if item is None:
                _null_item(ctx, _join(path, name))
                good = False
            else:
                good = _check_type(ctx, item, spec["items" if kind == "list" else "values"], _join(path, name),
                                   key) and good
        if "keys" in spec:
            good = _check_keys(ctx, value, spec, path, key) and good
    return good


def _check_keys(ctx, value, spec, path, key):
    keys = spec["keys"]
    folded = {name.lower(): name for name in keys}
    good = True
    present = set()
    for name, item in value.items():
        known = name if name in keys else folded.get(str(name).lower()) if spec.get("fold_case") else None
        if known is None:
            hint = difflib.get_close_matches(str(name), list(keys), 1, 0.6)
            hint = " (did you mean %s?)" % hint[0] if hint else ""
            if spec.get("unknown") == "error":
                ctx.error(_join(path, name), "is not an option of %s%s: dockerd refuses to start (\"the following "
                                             "directives don't match any configuration option\"); its options are "
                                             "%s" % (key, hint, ", ".join(sorted(keys))))
                good = False
            else:
                ctx.warning(_join(path, name), "is not a field dockerd reads here%s: it is ignored; the fields are "
                                               "%s" % (hint, ", ".join(sorted(keys))))
            continue
        if item is None:
            continue  # Go's decoder leaves the field unset
        present.add(known)
        good = _check_type(ctx, item, keys[known], _join(path, name), key) and good
    for name in spec.get("required", ()):
        if name not in present:
            ctx.error(_join(path, name), "is missing: %s needs %s here, e.g. %s" % (
                key, " and ".join(spec["required"]), _EXAMPLES.get(key, "...")))
            good = False
    return good


def _field(value, name):
    """``value[name]`` matched as Go's decoder matches a struct field (case-insensitively)."""
    for key, item in value.items():
        if str(key).lower() == name.lower():
            return item
    return None


def _network(text, version=None):
    """``text`` as ``net.ParseCIDR`` reads it (an address and a prefix length; host bits allowed), or None."""
    if not isinstance(text, str) or not re.match(r"^[0-9A-Fa-f:.]+/[0-9]{1,3}\Z", text):
        return None
    try:
        interface = ipaddress.ip_interface(text)
    except ValueError:
        return None
    return interface if version is None or interface.version == version else None


def _address(text):
    try:
        return ipaddress.ip_address(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _version_key(version):
    return tuple(int(part) for part in version.split("."))


# Value rules, one function per key; each runs on a value whose top-level type is right (its items may not be).

def _strings(value):
    """The (index, item) of the string items of a list (the others are reported as type errors)."""
    return [(index, item) for index, item in enumerate(value) if isinstance(item, str)]


def _rule_log_level(ctx, value, path):
    if value and value.lower() == "warning":
        ctx.newer(path, "is %s: Docker 25 and newer refuse to start (invalid logging level: warning), older ones "
                        "read it as warn; write warn" % _shown(value))
    elif value and value.lower() not in _LOG_LEVELS:
        ctx.error(path, "is %s, not a log level: dockerd refuses to start (invalid logging level); use one of %s" % (
            _shown(value), ", ".join(_LOG_LEVELS)))


def _rule_log_format(ctx, value, path):
    if value and value not in ("text", "json"):
        ctx.error(path, "is %s: dockerd refuses to start (invalid log format); use text or json" % _shown(value))


def _rule_log_driver(ctx, value, path):
    if value and value not in _LOG_DRIVERS and "/" not in value and ":" not in value:
        hint = difflib.get_close_matches(value, _LOG_DRIVERS, 1, 0.6)
        ctx.warning(path, "is %s, not one of Docker's log drivers (%s)%s: unless a logging plugin of that name is "
                          "installed, containers fail to start (logger: no log driver named %s is registered)" % (
                              _shown(value), ", ".join(_LOG_DRIVERS),
                              " (did you mean %s?)" % hint[0] if hint else "", _shown(value)))


def _rule_log_opts(ctx, value, path):
    value = {name: item for name, item in value.items() if isinstance(item, str)}
    mode = value.get("mode")
    if mode is not None and mode not in ("", "blocking", "non-blocking"):
        ctx.error(_join(path, "mode"), "is %s: dockerd refuses to start (logger: logging mode not supported); use "
                                       "blocking or non-blocking" % _shown(mode))
    if "max-buffer-size" in value:
        if mode != "non-blocking":
            ctx.error(_join(path, "max-buffer-size"), "only works with mode: non-blocking: dockerd refuses to start "
                                                      "(max-buffer-size option is only supported with "
                                                      "'mode=non-blocking'); add mode: non-blocking or drop it")
        if not _SIZE.match(value["max-buffer-size"]):
            ctx.error(_join(path, "max-buffer-size"), "is %s, not a size: dockerd refuses to start; write it like "
                                                      "'4m'" % _shown(value["max-buffer-size"]))
    disabled = value.get("cache-disabled")
    if disabled and disabled not in _GO_BOOLS:
        ctx.error(_join(path, "cache-disabled"), "is %s, not true or false: dockerd refuses to start (invalid value "
                                                 "for option cache-disabled); write 'true' or 'false'" % (
                                                     _shown(disabled)))


def _rule_count(what, zero):
    def rule(ctx, value, path):
        if value < 0:
            ctx.error(path, "is %d: dockerd refuses to start (invalid %s: %d); give a positive number" % (
                value, what, value))
        elif value == 0:
            ctx.warning(path, "is 0, which does not mean what it says: %s; give a positive number" % zero)
    return rule


def _rule_mtu(ctx, value, path):
    if value < 0:
        ctx.error(path, "is %d: dockerd refuses to start (invalid default MTU); give 68 to 65535, or 0 for the "
                        "default 1500" % value)
    elif value and not 68 <= value <= 65535:
        ctx.error(path, "is %d, outside the 68-65535 a Linux network interface takes: every container on the "
                        "default bridge fails to start (failed to set MTU on host interface); give 68 to 65535, "
                        "usually 1500 or the MTU of the host's uplink" % value)


def _rule_port(ctx, value, path):
    if not 0 <= value <= 65535:
        ctx.newer(path, "is %d, not a port: Docker 28 and newer refuse to start (invalid network-diagnostic-port: "
                        "value must be between 0 and 65535); give 1 to 65535, or 0 for none" % value)


def _rule_not_negative(what):
    def rule(ctx, value, path):
        if value < 0:
            ctx.error(path, "is %d: dockerd refuses to start (invalid %s); give 0 or more seconds" % (value, what))
    return rule


def _cidr_rule(option, version, host_address):
    family = "IPv4" if version == 4 else "IPv6"
    if host_address:
        wanted = "the bridge's %s address with its prefix length, e.g. %s" % (
            family, "172.26.0.1/16" if version == 4 else "fd00:1::1/64")
    else:
        wanted = "an %s subnet, e.g. %s" % (family, "172.26.5.0/24" if version == 4 else "2001:db8:1::/64")

    def rule(ctx, value, path):
        if not value:
            return
        network = _network(value)
        if network is None:
            problem = "an address without a prefix length" if _address(value) is not None else "not in CIDR notation"
            ctx.error(path, "is %s, %s: dockerd refuses to start (parse %s failed); give %s" % (
                _shown(value), problem, option, wanted))
        elif network.version != version:
            ctx.error(path, "is %s, not %s: dockerd refuses to start; give %s%s" % (
                _shown(value), "IPv4" if version == 4 else "IPv6", wanted,
                " (IPv6 goes in %s)" % ("bip6" if host_address else "fixed-cidr-v6") if version == 4 else ""))
        elif version == 6 and network.is_multicast:
            ctx.error(path, "is %s, a multicast subnet: dockerd refuses to start (multicast subnet is not allowed); "
                            "give %s" % (_shown(value), wanted))
        elif host_address and _reserved_in_subnet(network):
            # The bridge's address is the network's gateway; the IPAM keeps these for itself (ipams/defaultipam).
            ctx.error(path, "is %s, the %s of its subnet, which no interface can have: dockerd fails to start "
                            "(failed to allocate gateway (%s): Address already in use); give %s" % (
                                _shown(value), _reserved_in_subnet(network), network.ip, wanted))
    return rule


def _reserved_in_subnet(interface):
    """'network address' or 'broadcast address' when ``interface`` (an ip_interface) is one of them, else None.

    IPv6 keeps only the subnet's own (subnet-router anycast) address; prefixes too long for hosts have none.
    """
    network = interface.network
    if interface.version == 4 and network.prefixlen <= 30:
        if interface.ip == network.network_address:
            return "network address"
        if interface.ip == network.broadcast_address:
            return "broadcast address"
    if interface.version == 6 and network.prefixlen <= 126 and interface.ip == network.network_address:
        return "network address"
    return None


def _rule_ip(ctx, value, path):
    if value and _address(value) is None:
        ctx.error(path, "is %s, not an IP address: dockerd refuses to start (invalid IP address)" % _shown(value))


def _rule_ip_list(ctx, value, path):
    families = {}
    for index, item in _strings(value):
        address = _address(item)
        if address is None:
            ctx.error(_join(path, index), "is %s, not an IP address: dockerd refuses to start (invalid IP address); "
                                          "give addresses, not host names" % _shown(item))
        elif path.endswith("host-gateway-ips"):
            families.setdefault(address.version, []).append(index)
    for version, indexes in sorted(families.items()):
        if len(indexes) > 1:
            ctx.error(path, "has %d IPv%d addresses: dockerd refuses to start (only one IPv%d host gateway IP address "
                            "can be specified); keep one" % (len(indexes), version, version))


def _rule_dns_search(ctx, value, path):
    for index, item in _strings(value):
        name = item.strip(" ")
        if name != "." and (not re.search(r"[a-zA-Z]", name) or not _DNS_SEARCH.match(name) or len(name) >= 255):
            ctx.error(_join(path, index), "is %s: dockerd refuses to start (not a valid domain); give a domain name "
                                          "such as example.com" % _shown(item))


def _rule_labels(ctx, value, path):
    for index, item in _strings(value):
        if "=" not in item:
            ctx.error(_join(path, index), "is %s, not key=value: dockerd refuses to start (bad attribute format); "
                                          "write e.g. 'environment=ci'" % _shown(item))
        elif item.lower().startswith(("com.docker.", "io.docker.", "org.dockerproject.")):
            ctx.error(_join(path, index), "uses a namespace Docker reserves (com.docker.*, io.docker.*, "
                                          "org.dockerproject.*): dockerd refuses to start; choose another prefix")


def _rule_generic_resources(ctx, value, path):
    for index, item in _strings(value):
        name, sep, rest = item.partition("=")
        if not sep or not name.strip() or not rest.strip():
            ctx.error(_join(path, index), "is %s, not name=value: dockerd refuses to start (could not parse "
                                          "GenericResource); write e.g. 'gpu=1'" % _shown(item))


def _rule_exec_opts(ctx, value, path):
    for index, item in _strings(value):
        name, sep, setting = item.partition("=")
        name, setting = name.strip().lower(), setting.strip()
        where = _join(path, index)
        if not sep or not name or not setting:
            ctx.newer(where, "is %s, not opt=value: Docker 28 and newer refuse to start (invalid exec-opt: must be "
                             "formatted 'opt=value'), older ones ignore it; write e.g. 'native.cgroupdriver=systemd'"
                      % _shown(item))
        elif name == "native.cgroupdriver":
            if setting not in ("systemd", "cgroupfs"):
                ctx.error(where, "sets the cgroup driver to %s: dockerd refuses to start (native.cgroupdriver option "
                                 "not supported); use systemd or cgroupfs" % _shown(setting))
        elif name == "isolation":
            ctx.newer(where, "is a Windows option: Docker 28 and newer refuse to start with it on Linux (invalid "
                             "exec-opt), older ones ignore it; drop it")
        else:
            ctx.newer(where, "is not an exec option dockerd knows on Linux (only native.cgroupdriver): Docker 28 and "
                             "newer refuse to start (invalid exec-opt: unknown option %s), older ones ignore it; drop "
                             "it" % _shown(name))


def _choice_rule(choices, failure):
    def rule(ctx, value, path):
        if value and value not in choices:
            ctx.error(path, "is %s: dockerd refuses to start (%s); use %s" % (
                _shown(value), failure, " or ".join(choices)))
    return rule


def _rule_size(ctx, value, path):
    if not _SIZE.match(value):
        ctx.error(path, "is %s, not a size: dockerd refuses to start (invalid size); write a number with an optional "
                        "unit, e.g. '64m' or '1g'" % _shown(value))


def _rule_registry_mirrors(ctx, value, path):
    for index, item in _strings(value):
        where = _join(path, index)
        scheme, sep, rest = item.partition("://")
        host = rest.split("/", 1)[0]
        if not sep or not scheme:
            ctx.error(where, "is %s, without http:// or https://: dockerd refuses to start (invalid mirror: no "
                             "scheme specified); write e.g. %s" % (_shown(item), _shown("https://" + item.strip("/"))))
        # Go's url.Parse lowers the scheme: HTTPS:// is https://.
        elif scheme.lower() not in ("http", "https"):
            ctx.error(where, "uses the scheme %s: dockerd refuses to start (invalid mirror: unsupported scheme); a "
                             "mirror is an http:// or https:// URL" % _shown(scheme))
        elif "@" in host:
            ctx.error(where, "holds a user name or password (not shown): dockerd refuses to start (invalid mirror: "
                             "username/password not allowed); put the credentials in the Docker client's login, "
                             "not in the URL")
        elif "?" in rest or "#" in rest:
            ctx.error(where, "has a query or fragment: dockerd refuses to start (invalid mirror: query or fragment at "
                             "end of the URI); give scheme, host, port and path only")
        elif not host:
            ctx.error(where, "has no host: dockerd refuses to start (invalid mirror); write e.g. "
                             "'https://mirror.gcr.io'")
        elif rest.rstrip("/") != host:
            ctx.older(where, "has a path: Docker before 24 (Debian 12's docker.io is 20.10) refuses to start "
                             "(invalid mirror: path, query, or fragment at end of the URI)")


def check_registry_mirrors(mirrors, path, error, warning):
    """Report what dockerd refuses in a list of registry mirror URLs (daemon.json ``registry-mirrors`` or the
    ``--registry-mirror`` flags of a dind service), as ``error(path, message)`` and ``warning``.

    The release is not known here: what only older releases refuse is a warning.
    """
    _rule_registry_mirrors(_Context({}, error, warning, "distro"), mirrors, path)


def _split_host_port(text):
    """``net.SplitHostPort``: (host, port), or None where Go fails (no port, too many colons)."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or not text[end + 1:].startswith(":"):
            return None
        return text[1:end], text[end + 2:]
    if text.count(":") != 1:
        return None
    host, port = text.split(":")
    return host, port


def _rule_insecure_registries(ctx, value, path):
    for index, item in _strings(value):
        where = _join(path, index)
        entry = item
        if item.startswith("-") or item.endswith("-"):
            ctx.error(where, "is %s: dockerd refuses to start (invalid index name: cannot begin or end with a "
                             "hyphen)" % _shown(item))
            continue
        if item.lower().startswith(("http://", "https://")):
            ctx.warning(where, "starts with a scheme, which dockerd strips with a warning: write the registry as "
                               "images name it, e.g. registry.example.com:5000")
            entry = item.split("://", 1)[1]
        elif "://" in item:
            ctx.error(where, "has a scheme: dockerd refuses to start (insecure registry should not contain '://'); "
                             "write host[:port] or a CIDR, e.g. registry.example.com:5000 or 10.0.0.0/8")
            continue
        if _network(entry) is not None:
            continue
        host, port = _split_host_port(entry) or (entry, "")
        if not _DOMAIN.match(entry) and _address(host) is None:
            ctx.error(where, "is %s, neither host[:port] nor a CIDR: dockerd refuses to start (insecure registry is "
                             "not valid: invalid host); write e.g. registry.example.com:5000 (no scheme, no path) or "
                             "10.0.0.0/8" % _shown(item))
        elif port and (not port.isdigit() or int(port) > 65535):
            ctx.error(where, "has the port %s: dockerd refuses to start (invalid port); give 1 to 65535" % (
                _shown(port)))


def _rule_userland_proxy_path(ctx, value, path):
    if value and not value.startswith("/"):
        ctx.newer(path, "is %s, a relative path: Docker 25 and newer refuse to start (invalid userland-proxy-path: "
                        "must be an absolute path); give the full path, e.g. /usr/bin/docker-proxy" % _shown(value))


def _rule_metrics_addr(ctx, value, path):
    if value and not re.search(r":[0-9]+\Z", value):
        ctx.error(path, "is %s, without a port: dockerd refuses to start (failed to start metrics server: missing "
                        "port in address); write host:port, e.g. 127.0.0.1:9323" % _shown(value))


def _rule_firewall_backend(ctx, value, path):
    if value and value not in ("iptables", "nftables"):
        ctx.error(path, "is %s: dockerd refuses to start (invalid firewall-backend: allowed values are \"iptables\" "
                        "and \"nftables\")" % _shown(value))


def _rule_fwmark(ctx, value, path):
    mark, sep, mask = value.partition("/")
    for part in (mark, mask) if sep else (mark,):
        if not re.match(r"^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\Z", part) or int(part, 0) > 0xFFFFFFFF:
            ctx.error(path, "is %s, not a firewall mark: dockerd refuses to start (invalid bridge-accept-fwmark); "
                            "write mark[/mask] as numbers, e.g. '0x1/0x1'" % _shown(value))
            return


def _rule_min_api_version(ctx, value, path):
    if not _API_VERSION.match(value) or _version_key(value) < (1, 24):
        ctx.error(path, "is %s: dockerd refuses to start (invalid minimum API version: must be 1.24 or newer); "
                        "write a version like '1.24', without a v" % _shown(value))


def _rule_default_address_pools(ctx, value, path):
    for index, pool in enumerate(value):
        if not isinstance(pool, Mapping):
            continue
        where = _join(path, index)
        base, size = _field(pool, "base"), _field(pool, "size")
        network = _network(base) if isinstance(base, str) else None
        if isinstance(base, str) and network is None:
            ctx.error(_join(where, "base"), "is %s, not a CIDR: dockerd refuses to start (invalid base pool); give a "
                                            "network with its prefix length, e.g. 10.200.0.0/16" % _shown(base))
        if not _is_int(size):
            continue
        bits = network.max_prefixlen if network is not None else 128
        if size < 1 or size > bits:
            ctx.error(_join(where, "size"), "is %d: dockerd refuses to start (invalid pools size); give the prefix "
                                            "length of the networks cut from base, 1 to %d, e.g. 24" % (size, bits))
        elif network is not None and size < network.network.prefixlen:
            ctx.error(_join(where, "size"), "is %d, shorter than the /%d of base: dockerd refuses to start (smaller "
                                            "prefix than the target size of that pool); give a size of at least %d, "
                                            "e.g. %d" % (size, network.network.prefixlen, network.network.prefixlen,
                                                         max(24, network.network.prefixlen)))


def _rule_runtimes(ctx, value, path):
    for name, runtime in value.items():
        if not isinstance(runtime, Mapping):
            continue
        where = _join(path, name)
        if name == "runc":
            ctx.error(where, "redefines runc: dockerd refuses to start (runtime name 'runc' is reserved); give the "
                             "runtime another name")
        runtime_path, runtime_type = _field(runtime, "path"), _field(runtime, "runtimeType")
        if not runtime_path and not runtime_type:
            ctx.error(where, "has neither path nor runtimeType: Docker 24 and newer refuse to start (either a "
                             "runtimeType or a path must be configured), older ones fail every container that uses "
                             "it; e.g. {path: /usr/bin/crun} or {runtimeType: io.containerd.runsc.v1}")
        elif runtime_path and runtime_type:
            ctx.newer(where, "has both path and runtimeType: Docker 24 and newer refuse to start (cannot configure "
                             "both path and runtimeType for the same runtime); keep one")
        elif runtime_path and _field(runtime, "options"):
            ctx.newer(where, "has options with a path: Docker 24 and newer refuse to start (options cannot be used "
                             "with a path runtime); options go with runtimeType")
        elif runtime_type and _field(runtime, "runtimeArgs"):
            ctx.newer(where, "has runtimeArgs with a runtimeType: Docker 24 and newer refuse to start (args cannot be "
                             "used with a runtimeType runtime); runtimeArgs go with path")
        elif runtime_type:
            ctx.older(where, "uses runtimeType, which Docker before 24 (Debian 12's docker.io is 20.10) ignores: "
                             "there the runtime has no path and containers using it fail to start")


def _rule_default_ulimits(ctx, value, path):
    for name, ulimit in value.items():
        if not isinstance(ulimit, Mapping):
            continue
        where = _join(path, name)
        limit_name, hard, soft = _field(ulimit, "Name"), _field(ulimit, "Hard"), _field(ulimit, "Soft")
        if isinstance(limit_name, str):
            if limit_name not in ULIMIT_NAMES:
                ctx.error(_join(where, "Name"), "is %s, not a ulimit Docker knows: every container fails to start; "
                                                "use one of %s" % (_shown(limit_name), ", ".join(ULIMIT_NAMES)))
            elif limit_name != name:
                ctx.warning(_join(where, "Name"), "is %s under the key %s: dockerd applies Name and takes the key "
                                                  "only to merge with a container's own ulimits; make them equal" % (
                                                      _shown(limit_name), _shown(name)))
        if _is_int(hard) and _is_int(soft) and soft > hard:
            ctx.error(where, "has Soft %d above Hard %d: every container fails to start (the kernel refuses a soft "
                             "limit above the hard one); make Soft at most Hard" % (soft, hard))


_ZERO_TRANSFERS = "Docker 23 and newer use the default %s, and 20.10 (Debian 12's docker.io) sets no limit"

_RULES = {
    "log-level": _rule_log_level,
    "log-format": _rule_log_format,
    "log-driver": _rule_log_driver,
    "log-opts": _rule_log_opts,
    "max-concurrent-downloads": _rule_count("max concurrent downloads", _ZERO_TRANSFERS % "3"),
    "max-concurrent-uploads": _rule_count("max concurrent uploads", _ZERO_TRANSFERS % "5"),
    "max-download-attempts": _rule_count(
        "max download attempts",
        "Docker 23 and newer use the default 5, and 20.10 (Debian 12's docker.io) refuses to start (invalid max "
        "download attempts: 0)"),
    "mtu": _rule_mtu,
    "network-diagnostic-port": _rule_port,
    "default-stop-timeout": _rule_not_negative("default stop timeout"),
    "bip": _cidr_rule("bip", 4, True),
    "fixed-cidr": _cidr_rule("fixed-cidr", 4, False),
    "bip6": _cidr_rule("bip6", 6, True),
    "fixed-cidr-v6": _cidr_rule("fixed-cidr-v6", 6, False),
    "ip": _rule_ip,
    "default-gateway": _rule_ip,
    "default-gateway-v6": _rule_ip,
    "host-gateway-ip": _rule_ip,
    "host-gateway-ips": _rule_ip_list,
    "dns": _rule_ip_list,
    "dns-search": _rule_dns_search,
    "labels": _rule_labels,
    "node-generic-resources": _rule_generic_resources,
    "exec-opts": _rule_exec_opts,
    "default-ipc-mode": _choice_rule(("shareable", "private"), "IPC mode is not supported as default value"),
    "default-cgroupns-mode": _choice_rule(("host", "private"), "invalid default cgroup namespace"),
    "default-shm-size": _rule_size,
    "registry-mirrors": _rule_registry_mirrors,
    "insecure-registries": _rule_insecure_registries,
    "userland-proxy-path": _rule_userland_proxy_path,
    "metrics-addr": _rule_metrics_addr,
    "firewall-backend": _rule_firewall_backend,
    "bridge-accept-fwmark": _rule_fwmark,
    "min-api-version": _rule_min_api_version,
    "default-address-pools": _rule_default_address_pools,
    "runtimes": _rule_runtimes,
    "default-ulimits": _rule_default_ulimits,
}


def check_daemon_options(options, path, error, warning, install_source="docker-ce"):
    """Report every problem of ``options``, the daemon.json content, as ``error(path, message)`` and ``warning``.

    ``path`` is the variable's name as the user wrote it (``docker_daemon_options``); a problem's path adds the
    key and index (``docker_daemon_options.default-address-pools[0].base``). ``install_source`` (``docker-ce``
    or ``distro``) chooses the service unit whose flags the file must not repeat.
    """
    if not isinstance(options, Mapping):
        error(path, "is %s, not a dict: it is written to /etc/docker/daemon.json as a JSON object and dockerd does "
                    "not start with anything else; write it as a YAML mapping, e.g. {log-driver: journald}" % (
                        _described(options)))
        return
    ctx = _Context(options, error, warning, install_source)
    for key, value in options.items():
        where = _join(path, key)
        if not isinstance(key, str) or key not in OPTIONS:
            _unknown_key(ctx, key, value, where)
            continue
        if key in _REMOVED:
            _removed_key(ctx, key, where)
        if key in _IGNORED:
            warning(where, _IGNORED[key])
        if key in _SINCE:
            ctx.older(where, "needs Docker %s or newer: older dockerd (Debian 12's docker.io is 20.10) refuse it "
                             "(\"the following directives don't match any configuration option\") and do not start, "
                             "or ignore it; check `dockerd --version` on the host" % _SINCE[key])
        if value is None:
            if key == "proxies":
                error(where, "is null, not a mapping: dockerd refuses to start (\"the following directives don't "
                             "match any configuration option: proxies\"); give e.g. %s or drop the key"
                      % _EXAMPLES["proxies"])
            elif key not in UNIT_FLAG_KEYS[ctx.source]:
                warning(where, "is null (a key left empty in YAML?): dockerd takes it as not set; give a value or "
                               "drop the key")
            continue
        if _check_type(ctx, value, OPTIONS[key], where, key):
            ctx.valid[key] = value
        if _kind_matches(value, _type_word(OPTIONS[key])) and key in _RULES:
            _RULES[key](ctx, value, where)
    _check_unit_flags(ctx, path)
    _check_together(ctx, path)


def _unknown_key(ctx, key, value, where):
    name = str(key)
    if name in _FLAG_NAMES:
        target = _FLAG_NAMES[name]
        if target is None:
            ctx.error(where, "is the command-line flag --%s, not a daemon.json option: dockerd accepts the name but "
                             "does nothing with it; drop it" % name)
        elif target.startswith("proxies."):
            ctx.error(where, "belongs under proxies: at the top level Docker 23 and newer ignore it (it is only the "
                             "flag's name) and 20.10 refuses to start; write proxies: {%s: ...}" % name)
        else:
            ctx.error(where, "is the name of dockerd's --%s flag, not a daemon.json option: dockerd accepts the name "
                             "but ignores the value, so the setting does nothing; write %s (daemon.json uses the "
                             "plural of flags that take several values)" % (name, target))
        return
    if name in _REFUSED:
        ctx.error(where, "is not a daemon.json option: dockerd refuses to start (\"the following directives don't "
                         "match any configuration option: %s\"); %s" % (name, _REFUSED[name]))
        return
    known = [option for option in OPTIONS if option not in _REMOVED]
    normalized = name.strip().lower().replace("_", "-").replace(" ", "-")
    if normalized in OPTIONS:
        hint = normalized
    elif normalized in _FLAG_NAMES and _FLAG_NAMES[normalized]:
        hint = _FLAG_NAMES[normalized]
    else:
        matches = difflib.get_close_matches(normalized, known, 1, 0.75)
        hint = matches[0] if matches else None
    ctx.error(where, "is not a daemon.json option: dockerd refuses to start (\"the following directives don't match "
                     "any configuration option\"); %s" % (
                         "did you mean %s?" % hint if hint else "see the dockerd reference for the keys"))


def _removed_key(ctx, key, where):
    version, fix = _REMOVED[key]
    message = "was removed in Docker %s: %%s refuses it and does not start; %s" % (version, fix)
    if ctx.distro:
        ctx.warning(where, message % ("a docker.io of that version or newer (Debian 13's is 26.1)"))
    else:
        ctx.error(where, message % "the Docker Engine this role installs")


def _check_unit_flags(ctx, path):
    dockerd = _DOCKERD[ctx.source]
    unit = "%s -H fd:// --containerd=%s" % (dockerd, _CONTAINERD_SOCKET)
    for key in UNIT_FLAG_KEYS[ctx.source]:
        if key not in ctx.options:
            continue
        base = ("is also given as a flag by the %s service unit (ExecStart=%s): dockerd refuses to start (\"the "
                "following directives are specified both as a flag and in the configuration file: %s\"), whatever "
                "the values, so Docker stays down after the restart; " % (ctx.source, unit, key))
        if key == "hosts":
            fix = ("drop the key, or replace the unit's ExecStart in a systemd drop-in "
                   "(/etc/systemd/system/docker.service.d/override.conf: ExecStart= then ExecStart=%s "
                   "--containerd=%s) and keep the hosts here" % (dockerd, _CONTAINERD_SOCKET))
        elif key == "containerd":
            fix = "drop the key: the unit already points dockerd at %s" % _CONTAINERD_SOCKET
        else:
            fix = "drop the key"
        ctx.error(_join(path, key), base + fix)


def _check_together(ctx, path):
    valid = ctx.valid
    _check_default_runtime(ctx, path)
    _check_log_options(ctx, path)
    _check_storage_driver(ctx, path)
    if valid.get("bridge") and valid.get("bip"):
        ctx.error(_join(path, "bip"), "is set with bridge: dockerd refuses to start (You specified -b & --bip, "
                                      "mutually exclusive options); the address of a bridge you name is the "
                                      "bridge's own, so drop one of them")
    if valid.get("bridge") and valid.get("bip6"):
        ctx.error(_join(path, "bip6"), "is set with bridge: dockerd refuses to start (You specified -b & --bip6, "
                                       "mutually exclusive options); drop one of them")
    if valid.get("icc") is False and valid.get("iptables") is False:
        ctx.error(_join(path, "icc"), "is false with iptables false: dockerd refuses to start (ICC=false uses "
                                      "iptables to function); set icc or iptables to true")
    elif valid.get("icc") is False and valid.get("ipv6") is True and valid.get("ip6tables") is False:
        ctx.error(_join(path, "icc"), "is false with ipv6 true and ip6tables false: dockerd refuses to start "
                                      "(ICC=false uses ip6tables to function); set icc or ip6tables to true")
    if "host-gateway-ip" in ctx.options and "host-gateway-ips" in ctx.options:
        ctx.error(_join(path, "host-gateway-ip"), "is set with host-gateway-ips: dockerd refuses to start "
                                                  "(host-gateway-ip and host-gateway-ips must not both be "
                                                  "specified); keep host-gateway-ips")
    if valid.get("containerd-namespace") == "plugins.moby":
        ctx.error(_join(path, "containerd-namespace"), "is plugins.moby, the namespace dockerd keeps for plugins: it "
                                                       "refuses to start (containers namespace and plugins namespace "
                                                       "cannot be the same); choose another name")
    tls = "tlsverify" in valid or valid.get("tls") is True
    if tls and not (valid.get("tlscert") and valid.get("tlskey")):
        which = "tlsverify" if "tlsverify" in valid else "tls"
        ctx.newer(_join(path, which), "%s without tlscert and tlskey: Docker 23 and newer refuse to start (invalid TLS "
                                      "configuration: could not load X509 key pair); give the server certificate and "
                                      "key (and tlscacert to verify clients), or drop %s%s" % (
                                          "is set" if which == "tlsverify" else "is true", which,
                                          " (tlsverify: false turns TLS on all the same)"
                                          if valid.get("tlsverify") is False else ""))
    for gateway, network_key in (("default-gateway", "bip"), ("default-gateway-v6", "bip6")):
        try:
            address = ipaddress.ip_address(valid.get(gateway))
            network = ipaddress.ip_interface(valid.get(network_key)).network
        except ValueError:
            continue
        if address.version == network.version and address not in network:
            ctx.error(_join(path, gateway), "is %s, outside the bridge's network %s (%s): dockerd refuses to start "
                                            "(default gateway ip must be part of the network); give an address in "
                                            "%s, or drop %s" % (address, network, network_key, network, gateway))
    parent = valid.get("cgroup-parent")
    problem = parent and cgroup_parent_problem(parent, _cgroup_driver(valid.get("exec-opts")))
    if problem:
        # Only at start (verifyDaemonSettings): `dockerd --validate` accepts it, and the restart leaves Docker down.
        ctx.error(_join(path, "cgroup-parent"), problem + " and does not start; name a slice, e.g. 'ci-jobs.slice', "
                                                          "or set exec-opts: ['native.cgroupdriver=cgroupfs']")
    if valid.get("ip6tables") and not valid.get("experimental"):
        ctx.older(_join(path, "ip6tables"), "needs experimental: true on Docker 20.10 (Debian 12's docker.io), "
                                            "which otherwise refuses to start (ip6tables rules are only available "
                                            "if experimental features are enabled)")


def _cgroup_driver(exec_opts):
    """The cgroup driver exec-opts choose (the first native.cgroupdriver, as moby's getCD reads it), or None."""
    for item in exec_opts if isinstance(exec_opts, list) else []:
        name, sep, value = item.partition("=") if isinstance(item, str) else ("", "", "")
        if sep and name.strip().lower() == "native.cgroupdriver":
            return value.strip()
    return None


def _check_default_runtime(ctx, path):
    name = ctx.valid.get("default-runtime")
    if not name:
        return
    # A runtime named under runtimes is defined, even when its entry has a problem of its own (reported there).
    runtimes = ctx.options.get("runtimes")
    if name in _STOCK_RUNTIMES or (isinstance(runtimes, Mapping) and name in runtimes):
        return
    where = _join(path, "default-runtime")
    shim = not name.startswith(("/", ".")) and "/" not in name and "." in name and name.split(".", 1)[0]
    if shim:
        ctx.older(where, "names the containerd shim %s, which Docker before 23 (Debian 12's docker.io is 20.10) "
                         "refuses (specified default runtime does not exist) unless runtimes defines it" % (
                             _shown(name)))
        return
    ctx.error(where, "is %s, which is neither runc, io.containerd.runc.v2 nor a key of runtimes: dockerd refuses to "
                     "start (specified default runtime %s does not exist); define it under runtimes, e.g. "
                     "runtimes: {%s: {path: /usr/bin/%s}}" % (_shown(name), _shown(name), name, name))


def size_ok(text):
    """Whether ``text`` is a log size dockerd takes for max-size (units.FromHumanSize, more than 0)."""
    return isinstance(text, str) and bool(_SIZE.match(text)) and bool(re.search(r"[1-9]", text.split(" ")[0]))


def _check_log_options(ctx, path):
    opts = ctx.valid.get("log-opts")
    if not opts:
        return
    driver = ctx.valid.get("log-driver") or "json-file"
    where = _join(path, "log-opts")
    allowed = _LOG_DRIVER_OPTS.get(driver)
    if allowed is not None:
        for name in opts:
            if name in _LOG_COMMON_OPTS:
                continue
            if name not in allowed:
                hint = "" if ctx.valid.get("log-driver") else " (log-driver is not set: json-file)"
                ctx.error(_join(where, name), "is not an option of the %s log driver%s: dockerd refuses to start "
                                              "(failed to set log opts: unknown log opt %s for %s log driver); its "
                                              "options are %s" % (driver, hint, _shown(name), driver,
                                                                  ", ".join(allowed)))
            elif (driver, name) in _LOG_OPTS_SINCE:
                ctx.older(_join(where, name), "needs Docker %s or newer with the %s driver: older dockerd refuse to "
                                              "start (unknown log opt)" % (_LOG_OPTS_SINCE[(driver, name)], driver))
    if driver not in ("json-file", "local"):
        return
    max_size, max_file, compress = opts.get("max-size"), opts.get("max-file"), opts.get("compress")
    if max_size is not None and not size_ok(max_size):
        ctx.error(_join(where, "max-size"), "is %s, not a positive size: every container fails to start with the %s "
                                            "log driver; write e.g. '10m'" % (_shown(max_size), driver))
    if max_file is not None and (not re.match(r"^[0-9]+\Z", max_file) or int(max_file) < 1):
        ctx.error(_join(where, "max-file"), "is %s, not a whole number of at least 1: every container fails to "
                                            "start with the %s log driver (max-file cannot be less than 1); write "
                                            "e.g. '3'" % (_shown(max_file), driver))
    if compress is not None and compress not in _GO_BOOLS:
        ctx.error(_join(where, "compress"), "is %s, not true or false: every container fails to start with the %s "
                                            "log driver; write 'true' or 'false'" % (_shown(compress), driver))
    elif driver == "json-file" and compress in _GO_TRUE and (
            max_size is None or max_file is None or (max_file.isdigit() and int(max_file) < 2)):
        ctx.error(_join(where, "compress"), "is true without max-size and a max-file of 2 or more: every container "
                                            "fails to start (compress cannot be true when max-file is less than 2 or "
                                            "max-size is not set); set both, e.g. max-size: '10m', max-file: '3'")


def _check_storage_driver(ctx, path):
    driver = ctx.valid.get("storage-driver")
    if not driver or driver in _GRAPH_DRIVERS or driver in _SNAPSHOTTERS:
        return
    where = _join(path, "storage-driver")
    if driver in _REMOVED_GRAPH_DRIVERS:
        message = ("is the %s storage driver, removed in Docker %s: %%s refuses to start (the %s storage-driver has "
                   "been deprecated and removed); use overlay2" % (driver, _REMOVED_GRAPH_DRIVERS[driver], driver))
        if ctx.distro:
            ctx.warning(where, message % "a docker.io of that version or newer")
        else:
            ctx.error(where, message % "the Docker Engine this role installs")
        return
    hint = difflib.get_close_matches(driver, _GRAPH_DRIVERS + _SNAPSHOTTERS, 1, 0.6)
    hint = " (did you mean %s?)" % hint[0] if hint else ""
    features = ctx.valid.get("features") or {}
    if features.get("containerd-snapshotter") is True:
        ctx.warning(where, "is %s, not a storage driver Docker ships nor a known containerd snapshotter%s: dockerd "
                           "refuses to start unless containerd has a snapshotter plugin of that name" % (
                               _shown(driver), hint))
        return
    ctx.error(where, "is %s, not a storage driver dockerd has%s: it refuses to start (driver not supported, or "
                     "configured driver not available); use overlay2 (%s), or a containerd snapshotter with "
                     "features: {containerd-snapshotter: true}" % (_shown(driver), hint, ", ".join(_GRAPH_DRIVERS)))


# The log drivers that take max-size and max-file. GitLab Runner starts job containers with json-file, which gets
# daemon.json's log-opts only when json-file is the daemon's driver too.
ROTATED_LOG_DRIVERS = ("json-file", "local")


def daemon_json(options, log_max_size="", log_max_files=3, registry_mirror_url=""):
    """daemon.json as the docker role writes it: ``options`` (docker_daemon_options) with the role's additions.

    With ``log_max_size``, and a daemon log driver that rotates, ``log-opts`` gets ``max-size`` and ``max-file``
    (``log_max_files``) unless ``options``' own ``log-opts`` set them. With ``registry_mirror_url`` (the
    pull-through cache), that URL comes first among ``registry-mirrors``, any copy of it in ``options`` dropped.
    Returns a new dict; ``options`` is not changed.
    """
    written = dict(options)
    if log_max_size and written.get("log-driver", "json-file") in ROTATED_LOG_DRIVERS:
        own = written.get("log-opts")
        rotation = {"max-size": log_max_size, "max-file": str(log_max_files)}
        rotation.update(own if isinstance(own, Mapping) else {})
        written["log-opts"] = rotation
    if registry_mirror_url:
        mirrors = written.get("registry-mirrors")
        others = [url for url in (mirrors if isinstance(mirrors, list) else [])
                  if url not in (registry_mirror_url, registry_mirror_url + "/")]
        written["registry-mirrors"] = [registry_mirror_url] + others
    return written


# What dockerd applies on SIGHUP (systemctl reload docker) without stopping a container: Daemon.Reload
# (daemon/reload.go: reloadPlatform, reloadDebug, reloadMaxConcurrentDownloadsAndUploads, reloadMaxDownloadAttempts,
# reloadShutdownTimeout, reloadFeatures, reloadLabels, reloadRegistryConfig, reloadLiveRestore,
# reloadNetworkDiagnosticPort; reload_unix.go: runtimes, default-runtime, default-shm-size, default-cgroupns-mode,
# default-ipc-mode) and the authorization plugins (cmd/dockerd), Docker 20.10 to 29; the dockerd reference's
# "Configuration reload behavior" lists them. Value: whether removing the key is reloaded too. Most are applied only
# when the file sets them (conf.IsValueSet), so a reload keeps the old value of a removed key; these are reset.
RELOADABLE = {
    "debug": False,
    "labels": False,
    "live-restore": False,
    "max-concurrent-downloads": True,
    "max-concurrent-uploads": True,
    "max-download-attempts": True,
    "shutdown-timeout": False,
    "features": True,  # but see _START_ONLY_FEATURES
    "insecure-registries": False,
    "registry-mirrors": False,
    "allow-nondistributable-artifacts": False,
    "runtimes": False,
    "default-runtime": False,
    "default-shm-size": False,
    "default-cgroupns-mode": False,
    "default-ipc-mode": False,
    # cmd/dockerd reloadConfig hands the authorization middleware the new list each time, empty when removed.
    "authorization-plugins": True,
    "network-diagnostic-port": True,
    "default-stop-timeout": False,  # reloadDefaultStopTimeout, since 29.7 (when the key came)
    "nri-opts": True,  # reloadNRI, since 29.2 (when the key came); a removed key turns NRI off
}
# reloadFeatures only copies the map: of the features, only buildkit is read while dockerd runs; the others
# (containerd-snapshotter: the image store; cdi, containerd-migration...) are read once, when it starts.
_LIVE_FEATURES = frozenset(("buildkit",))


def reload_plan(before, after):
    """How dockerd takes a daemon.json change from ``before`` to ``after`` (dicts; ``before`` None: no file).

    Returns ``{"action": "none" | "reload" | "restart", "changed": [keys], "restart_keys": [keys], "message"}``:
    ``reload`` when every changed key is one dockerd applies on SIGHUP (a removed key only where the reload resets
    it), ``restart`` otherwise, with the keys that need it.
    """
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    changed = sorted(key for key in set(before) | set(after) if before.get(key, _ABSENT) != after.get(key, _ABSENT))
    restart_keys = [key for key in changed if key not in RELOADABLE or (key not in after and not RELOADABLE[key])
                    or key == "features" and _start_features_changed(before.get(key), after.get(key))]
    if not changed:
        return {"action": "none", "changed": [], "restart_keys": [], "message": "daemon.json is unchanged"}
    if restart_keys:
        return {"action": "restart", "changed": changed, "restart_keys": restart_keys,
                "message": "daemon.json changed %s; dockerd reads %s only when it starts, so Docker restarts (the "
                           "containers of running jobs stop unless live-restore is on)"
                           % (", ".join(changed), ", ".join(
                               ("%s (removed)" % key) if key not in after else key for key in restart_keys))}
    return {"action": "reload", "changed": changed, "restart_keys": [],
            "message": "daemon.json changed %s, which dockerd applies on SIGHUP: Docker is reloaded, not restarted, "
                       "and running containers keep running" % ", ".join(changed)}


_ABSENT = object()


def _start_features_changed(before, after):
    """Whether a feature dockerd reads only when it starts differs between two ``features`` maps."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    return any(before.get(name) != after.get(name) for name in set(before) | set(after) if name not in _LIVE_FEATURES)
