# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): findings for a runner's ``[runners.docker]`` settings in socket or dind mode.

``findings()`` answers "will jobs of this runner be able to use Docker, and
safely?" for the two ways this collection sets a Docker executor up:

- ``socket``: the host's Docker socket is bound into the job container, and
  every ``docker`` command of a job is run by the host daemon;
- ``dind``: a privileged ``docker:<version>-dind`` service runs a daemon of its
  own for each job, reached as host ``docker``.
"""

from __future__ import annotations

import re

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    config_toml_meanings,
    docker_api_versions,
    docker_executor,
    gitlab_rules,
    secrets,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import (
    VolumeSpecError,
    normalize_path,
    parse_runner_volume,
    path_within,
)

__all__ = ["DOCKER_SOCKET", "FINDING_CODES", "MODES", "any_dind", "dind_registry_mirror_problem", "docker_socket_binds",
           "environment_preset", "findings", "dind_mtu", "infer_mode", "is_dind_service", "parse_environment", "preset",
           "with_daemon_flags", "with_registry_mirrors"]

MODES = ("socket", "dind")

FINDING_CODES = {
    "mode-invalid": ("error", "The Docker mode is neither socket nor dind."),
    "volume-invalid": (
        "error", "A [runners.docker] volumes entry is a spec GitLab Runner or the Docker engine rejects.",
    ),
    "volume-duplicate-target": ("error", "Two volumes mount at the same container path, which Docker refuses."),
    "volume-options-dropped": (
        "warning",
        "A volume without a source has options, which GitLab Runner drops (it makes the volume itself).",
    ),
    "sensitive-host-path": (
        "warning",
        "A volume binds a sensitive host path (/, /etc, /root, /boot, /proc, /sys, /dev, /var/lib/docker...).",
    ),
    "socket-missing": ("error", "Socket mode without a bind of the host's Docker socket to /var/run/docker.sock."),
    "builds-not-shared": (
        "error",
        "Socket mode without builds_dir bind-mounted from the same host path, so job bind mounts find empty dirs.",
    ),
    "privileged-with-socket": ("error", "Socket mode with privileged = true: host root access twice over, for no gain."),
    "socket-readonly-ineffective": ("warning", "The socket bind is :ro, which does not restrict the Docker API."),
    "dind-not-privileged": ("error", "Dind mode, but the services would not run privileged, so dockerd cannot start."),
    "socket-in-dind": (
        "error",
        "The host's Docker socket bound beside a dind service: in dind mode services and jobs reach the host daemon; "
        "in socket mode the dind daemon cannot start.",
    ),
    "dind-service-missing": ("warning", "Dind mode without a dind service configured: every job must declare one."),
    "dind-image-unpinned": ("error", "The Docker CLI image or the dind service image has no version tag (latest, stable, edge...)."),
    "dind-version-mismatch": ("error", "The Docker CLI image and the dind service image have different versions."),
    "tls-certs-volume-missing": (
        "error",
        "Dind with TLS but no volume at $DOCKER_TLS_CERTDIR/client to share the client certificates with the job.",
    ),
    "dind-host-mismatch": (
        "error",
        "Jobs would not reach the dind daemon: DOCKER_HOST (or the docker image's default, tcp://docker) names a host "
        "no dind service answers as, a unix socket, a name the TLS certificate lacks, or the port of the other TLS "
        "setting (2375 with TLS on, 2376 off).",
    ),
    "dind-without-tls": ("warning", "Dind with DOCKER_TLS_CERTDIR=\"\": unauthenticated TCP daemon and a ~15 s slower start."),
    "dind-mtu": ("warning", "The host's Docker network MTU is below 1500, but a dind service's daemon has no --mtu at or below it."),
    "docker-api-incompatible": (
        "error",
        "A Docker client and the Docker Engine it talks to have no API version in common: the job image's CLI and "
        "the host's engine (socket mode) or the dind service's (dind mode), or gitlab-runner and the host's engine.",
    ),
    "host-namespace": (
        "warning",
        "Job containers share a namespace of the host: network_mode, pid_mode, ipcmode or userns_mode \"host\".",
    ),
    "isolation-weakened": (
        "warning",
        "cap_add, security_opt, devices or device_cgroup_rules give unprivileged job or service containers a way "
        "past their isolation (SYS_ADMIN, seccomp=unconfined, the host's disks...).",
    ),
    "pull-policy-shared": (
        "warning",
        "A runner several projects share uses, or lets jobs ask for, the if-not-present pull policy: a private image "
        "one project pulled runs for another without its credentials.",
    ),
    "oom-kill-disabled": (
        "warning",
        "oom_kill_disable = true without a memory limit: a job that runs out of memory exhausts the host's instead.",
    ),
}
# The MTU a Docker daemon gives its networks unless told otherwise.
DEFAULT_MTU = 1500

# Where a Docker daemon listens, in its container or on its host (/run is /var/run's target on current systems).
DOCKER_SOCKET = "/var/run/docker.sock"
_SOCKET_HOST_PATHS = (DOCKER_SOCKET, "/run/docker.sock")
_SOCKET_TARGET = DOCKER_SOCKET
_SOCKET_BIND = "%s:%s" % (DOCKER_SOCKET, DOCKER_SOCKET)

_SENSITIVE_HOST_PATHS = ("/", "/etc", "/root", "/boot", "/proc", "/sys", "/dev")
_DOCKER_DATA_ROOT = "/var/lib/docker"

# Tags that move to new Docker releases: a first word among these means "not a version".
_MOVING_TAG_WORDS = frozenset(("latest", "stable", "dind", "rc", "git", "cli", "edge"))
# Docker CLI image variants that follow the version in docker's tags (20.10.16-git, 27.3.1-cli).
_CLI_TAG_WORDS = frozenset(("cli", "git"))
_VERSION_TAG = re.compile(r"^(\d+(?:\.\d+)*(?:-(?:rc|beta|alpha)\.?\d+)?)(?:-(.+))?$")
_DEFAULT_TLS_CERTDIR = "/certs"


def _finding(code, message, keys=()):
    """A finding; ``keys`` name the settings it is about (``image``, ``volumes[2]``, ``services[0].name``,
    ``variables.DOCKER_HOST``), so that a caller can say where each came from."""
    return {"severity": FINDING_CODES[code][0], "code": code, "message": message, "keys": list(keys)}


def parse_environment(entries, what="environment", skip_invalid=False):
    """Turn a runner ``environment`` list (``["A=b", "C="]``) into a dict.

    Later entries win, as in the runner. ``None`` gives ``{}``. Raises
    ValueError for a non-list, a non-string entry, an entry without ``=`` or
    an empty name; with ``skip_invalid`` such entries are left out instead, as
    the runner does when it builds a job's variables (common/config.go
    RunnerConfig.GetVariables), and only a non-list raises.
    """
    if entries is None:
        return {}
    if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
        raise ValueError(
            '%s must be a list of "NAME=value" strings, got %s %r' % (what, type(entries).__name__, entries)
        )
    variables = {}
    for index, entry in enumerate(entries):
        if skip_invalid:
            try:
                variables.update(parse_environment([entry], what))
            except ValueError:
                pass
            continue
        if not isinstance(entry, str):
            raise ValueError(
                '%s[%d] must be a "NAME=value" string, got %s %r' % (what, index, type(entry).__name__, entry)
            )
        name, separator, value = entry.partition("=")
        if not separator:
            # What follows a name may be a value written with another separator ("API_TOKEN: secret"): not shown.
            lead = re.match(r"[A-Za-z_][A-Za-z0-9_]*", entry)
            key = lead.group(0) if lead else "NAME"
            shown = entry if lead and lead.end() == len(entry) else key + secrets.MASK
            raise ValueError(
                '%s[%d] "%s" has no "=": the runner drops it (no job sees it); write "%s=value" (or "%s=" for an '
                'empty value)' % (what, index, shown, key, key)
            )
        if name == "":
            raise ValueError('%s[%d] "%s" has an empty variable name before "="' % (what, index, entry))
        variables[name] = value
    return variables


class _Image(object):
    """An image reference split into the parts the checks look at."""

    def __init__(self, ref):
        self.ref = ref
        parts = docker_executor.split_image(ref)
        if parts is not None:
            self.repo, self.tag, self.digest = parts
        else:
            # Docker cannot parse it (the runner then cannot start it); split it as far as it goes, for messages.
            name, _sep, self.digest = ref.partition("@")
            slash = name.rfind("/")
            colon = name.rfind(":")
            # A ":" before the last "/" is a registry port, not a tag.
            if colon > slash:
                self.repo, self.tag = name[:colon], name[colon + 1:]
            else:
                self.repo, self.tag = name, ""
        self.last_component = self.repo.rsplit("/", 1)[-1].lower()
        match = _VERSION_TAG.match(self.tag)
        if match:
            self.version = match.group(1)
            self.words = match.group(2).lower().split("-") if match.group(2) else []
        else:
            self.version = ""
            self.words = self.tag.lower().split("-") if self.tag else []

    @property
    def is_dind(self):
        return "dind" in self.words

    @property
    def is_docker_cli(self):
        if self.is_dind:
            return False
        if self.last_component == "docker" or self.last_component.startswith(("docker-", "docker_")):
            return True
        return bool(self.version) and bool(_CLI_TAG_WORDS.intersection(self.words))

    def unpinned_reason(self):
        """Say why the reference follows a moving tag, or return None when it is pinned."""
        if self.digest:
            return None
        if self.tag == "":
            return "no tag, which means latest"
        if not self.version and self.words and self.words[0] in _MOVING_TAG_WORDS:
            return 'tag "%s" moves to new releases' % self.tag
        return None


def _check_type(value, types, what, expected):
    if not isinstance(value, types) or (bool not in _as_tuple(types) and isinstance(value, bool)):
        raise ValueError("%s must be %s, got %s %r" % (what, expected, type(value).__name__, value))


def _as_tuple(types):
    return types if isinstance(types, tuple) else (types,)


def _optional(docker, key, types, expected):
    value = docker.get(key)
    if value is not None:
        _check_type(value, types, "[runners.docker] %s" % key, expected)
    return value


def _string_list(value, what):
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError("%s must be a list of strings, got %s %r" % (what, type(value).__name__, value))
    for index, item in enumerate(value):
        _check_type(item, str, "%s[%d]" % (what, index), "a string")
    return list(value)


def _services(value, what):
    """Normalize services to dicts with ``name`` and a list of ``aliases``."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(
            '%s must be a list of services (image strings or dicts with "name"), got %s %r'
            % (what, type(value).__name__, value)
        )
    services = []
    for index, service in enumerate(value):
        label = "%s[%d]" % (what, index)
        if isinstance(service, str):
            service = {"name": service}
        if not isinstance(service, dict):
            raise ValueError(
                '%s must be an image string or a dict with "name", got %s %r' % (label, type(service).__name__, service)
            )
        name = service.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError('%s needs "name", the image of the service as a non-empty string, got %r' % (label, name))
        alias = service.get("alias")
        if alias is None:
            alias = ""
        _check_type(alias, str, "%s alias" % label, "a string (several aliases separated by commas or spaces)")
        normalized = {"name": name.strip(), "aliases": [a for a in re.split(r"[,\s]+", alias) if a], "alias": alias}
        if service.get("command") is not None:
            normalized["command"] = service["command"]
        services.append(normalized)
    return services


def _variables(value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("variables must be a dict of job variables, got %s %r" % (type(value).__name__, value))
    for name, item in value.items():
        _check_type(name, str, "variables key %r" % (name,), "a string")
        _check_type(item, str, 'variables["%s"]' % name, 'a string (quote it, e.g. "%s")' % (item,))
    return value


def _volume_key(volume):
    return "volumes[%d]" % volume["index"]


def _socket_exposure(volume):
    """Return where a bind makes the host's Docker socket appear in the container, or None."""
    if volume["type"] != "bind":
        return None
    for host_path in _SOCKET_HOST_PATHS:
        if path_within(host_path, volume["source"]):
            rest = host_path[len(volume["source"]):].lstrip("/")
            return normalize_path(volume["target"] + "/" + rest) if rest else volume["target"]
    return None


def _is_sensitive(source):
    return source in _SENSITIVE_HOST_PATHS or path_within(source, _DOCKER_DATA_ROOT)


def _covering_volume(volumes, path):
    """Return the (spec, volume) whose container path is the deepest one holding ``path``."""
    best = None
    for spec, volume in volumes:
        if path_within(path, volume["target"]):
            if best is None or len(volume["target"]) > len(best[1]["target"]):
                best = (spec, volume)
    return best


def _volume_findings(volumes):
    """Check each spec; return the findings and the (spec, parsed) pairs that Docker accepts."""
    found = []
    parsed = []
    for index, spec in enumerate(volumes):
        try:
            # The volume's place in the list goes with it: findings name it (volumes[2]).
            parsed.append((spec, dict(parse_runner_volume(spec), index=index)))
        except VolumeSpecError as error:
            found.append(
                _finding(
                    "volume-invalid",
                    'volume "%s" in [runners.docker] volumes would fail every job: %s' % (spec, error),
                    ["volumes[%d]" % index],
                )
            )
    for spec, volume in parsed:
        if volume["dropped"]:
            found.append(
                _finding(
                    "volume-options-dropped",
                    'volume "%s" has no source: GitLab Runner makes it a cache volume of its own and drops "%s"%s; '
                    'remove the options, or name the volume ("NAME:%s") to keep them'
                    % (spec, ",".join(volume["dropped"]),
                       " (the volume is writable)" if any(o.lower() == "ro" for o in volume["dropped"]) else "",
                       spec),
                    [_volume_key(volume)],
                )
            )
    by_target = {}
    for spec, volume in parsed:
        by_target.setdefault(volume["target"], []).append((spec, volume))
    for target, pairs in by_target.items():
        if len(pairs) > 1:
            found.append(
                _finding(
                    "volume-duplicate-target",
                    "volumes %s all mount at container path %s: Docker refuses duplicate mount points and "
                    "every job fails to start; keep only one of them"
                    % (", ".join('"%s"' % spec for spec, _volume in pairs), target),
                    [_volume_key(volume) for _spec, volume in pairs],
                )
            )
    for spec, volume in parsed:
        if volume["type"] == "bind" and _is_sensitive(volume["source"]):
            access = "read" if volume["read_only"] else "read and change"
            if path_within(volume["source"], _DOCKER_DATA_ROOT):
                what = "Docker's own data (images, containers, volumes)"
            else:
                what = "host system files"
            found.append(
                _finding(
                    "sensitive-host-path",
                    'volume "%s" binds the host\'s %s into every job and service container: any job can %s %s; '
                    "bind only the directory the jobs need" % (spec, volume["source"], access, what),
                    [_volume_key(volume)],
                )
            )
    return found, parsed


def _socket_findings(docker, volumes, builds_dir):
    found = []
    socket_binds = [(spec, v) for spec, v in volumes if _socket_exposure(v) == _SOCKET_TARGET]
    if not socket_binds:
        found.append(
            _finding(
                "socket-missing",
                "socket mode, but no volume binds the host's Docker socket to %s: docker commands in jobs find "
                'no daemon ("Cannot connect to the Docker daemon"); add "%s" to [runners.docker] volumes'
                % (_SOCKET_TARGET, _SOCKET_BIND),
                ["volumes"],
            )
        )

    covering = _covering_volume(volumes, builds_dir)
    same_path_fix = 'add "%s:%s" to [runners.docker] volumes' % (builds_dir, builds_dir)
    why = (
        "`docker run -v $CI_PROJECT_DIR/...` in a job is resolved by the host daemon, which looks for %s on the "
        "host and finds an empty or missing directory" % builds_dir
    )
    if covering is not None and normalize_path(covering[1]["target"]) != normalize_path(builds_dir):
        # The runner mounts its own build volume at builds_dir unless a volume's target is builds_dir itself
        # (volumes manager: pathList.Add matches the exact path), and that volume hides the bind around it.
        found.append(
            _finding(
                "builds-not-shared",
                'socket mode, but builds_dir %s is only inside the bind "%s": the runner mounts its own volume at '
                "exactly %s (unless a volume's target is that path), which hides the bind, so %s; %s"
                % (builds_dir, covering[0], builds_dir, why, same_path_fix),
                [_volume_key(covering[1])],
            )
        )
    elif covering is None:
        found.append(
            _finding(
                "builds-not-shared",
                "socket mode, but builds_dir %s is not bind-mounted from the same host path: %s; %s"
                % (builds_dir, why, same_path_fix),
                ["volumes"],
            )
        )
    else:
        spec, volume = covering
        if volume["type"] != "bind":
            found.append(
                _finding(
                    "builds-not-shared",
                    'socket mode, but builds_dir %s lies on the Docker volume of "%s", not on a bind of the same '
                    "host path: %s; replace it: %s" % (builds_dir, spec, why, same_path_fix),
                    [_volume_key(volume)],
                )
            )
        elif volume["source"] != volume["target"]:
            found.append(
                _finding(
                    "builds-not-shared",
                    'socket mode, but builds_dir %s comes from "%s", a different host path: %s; bind it at the '
                    'same path ("%s:%s"), or set builds_dir to %s and bind "%s:%s"'
                    % (
                        builds_dir,
                        spec,
                        why,
                        builds_dir,
                        builds_dir,
                        volume["source"],
                        volume["source"],
                        volume["source"],
                    ),
                    [_volume_key(volume)],
                )
            )

    if docker.get("privileged") is True:
        found.append(
            _finding(
                "privileged-with-socket",
                "socket mode with privileged = true: jobs already control the host daemon through the socket, and "
                "privileged also gives every job container all devices and capabilities of the host, which socket "
                "mode never needs; set privileged = false",
                ["privileged"],
            )
        )
    for spec, volume in socket_binds:
        if volume["read_only"]:
            found.append(
                _finding(
                    "socket-readonly-ineffective",
                    'the Docker socket bind "%s" is read-only, but :ro only protects the socket file, not the Docker '
                    "API behind it: jobs still control the host daemon (root-equivalent); drop \":ro\" so the "
                    "config does not suggest a restriction, or use dind mode to keep jobs off the host daemon" % spec,
                    [_volume_key(volume)],
                )
            )
    return found


def _dind_beside_socket_findings(volumes, services):
    """A dind service next to the socket bind: runner volumes are mounted into services too (the socket included)."""
    binds = [spec for spec, volume in volumes if _socket_exposure(volume) == _SOCKET_TARGET]
    if not binds:
        return []
    return [_finding(
        "socket-in-dind",
        'socket mode with the dind service "%s": [runners.docker] volumes are mounted into service containers too, '
        'so "%s" puts the host\'s socket where the dind daemon makes its own, and it fails to start ("device or '
        'resource busy"); choose one: remove the service (socket mode) or the socket bind (dind mode)'
        % (service["name"], binds[0]),
        ["services[%d].name" % number])
        for number, service in enumerate(services) if is_dind_service(service)]


def _dind_findings(docker, volumes, services, variables, builds_dir):
    found = []
    privileged = docker.get("privileged") is True
    services_privileged = docker.get("services_privileged")
    if not (privileged if services_privileged is None else services_privileged):
        if services_privileged is False and privileged:
            state = "services_privileged = false overrides privileged = true for services"
        else:
            state = "neither privileged nor services_privileged is true"
        found.append(
            _finding(
                "dind-not-privileged",
                "dind mode, but %s: dockerd in the dind service needs a privileged container and fails to start, so "
                "jobs cannot reach tcp://docker:2375/2376; set privileged = true, or services_privileged = true to "
                "keep job containers unprivileged" % state,
                [key for key in ("services_privileged", "privileged") if key in docker] or ["privileged"],
            )
        )
    else:
        for number, service in enumerate(services):
            if is_dind_service(service) and not docker_executor.service_privileged(docker, service["name"]):
                found.append(_finding(
                    "dind-not-privileged",
                    'dind mode, but allowed_privileged_services %s has no pattern that matches the dind service "%s": '
                    "the runner starts it unprivileged, and dockerd fails to start; add its image to "
                    "allowed_privileged_services (the patterns match the image as written, tag included)"
                    % (docker.get("allowed_privileged_services"), service["name"]),
                    ["allowed_privileged_services", "services[%d].name" % number]))

    for spec, volume in volumes:
        exposed_at = _socket_exposure(volume)
        if exposed_at is not None:
            found.append(
                _finding(
                    "socket-in-dind",
                    'dind mode, but volume "%s" exposes the host\'s Docker socket at %s: [runners.docker] volumes '
                    "are mounted into service containers too, so jobs and services reach the host daemon (root on "
                    "the host) and the isolation dind is for is lost; remove that volume" % (spec, exposed_at),
                    [_volume_key(volume)],
                )
            )

    dind_numbers = [number for number, service in enumerate(services) if is_dind_service(service)]
    dind_images = [_Image(services[number]["name"]) for number in dind_numbers]
    if not dind_images:
        found.append(
            _finding(
                "dind-service-missing",
                "dind mode, but no Docker-in-Docker service is configured: every job that runs docker must declare "
                'a service such as "docker:<version>-dind" (reached as host "docker"), or docker fails with '
                '"Cannot connect to the Docker daemon at tcp://docker:2375"; add it to [[runners.docker.services]] '
                "to give it to every job",
                ["services"],
            )
        )

    image = docker.get("image")
    cli = _Image(image) if image else None
    if cli is not None and not cli.is_docker_cli:
        cli = None
    dind_version = next((d.version for d in dind_images if d.version and not d.unpinned_reason()), "")
    example = dind_version or (cli.version if cli is not None and cli.version else "X.Y.Z")
    pin_fix = 'pin both to the same version, e.g. "docker:%s" and "docker:%s-dind"' % (example, example)
    for role, ref, key in ([("Docker CLI image", cli, "image")] if cli is not None else []) + [
        ("dind service image", d, "services[%d].name" % number) for number, d in zip(dind_numbers, dind_images)
    ]:
        reason = ref.unpinned_reason()
        if reason:
            found.append(
                _finding(
                    "dind-image-unpinned",
                    '%s "%s" is not pinned to a version (%s): the CLI and the dind daemon drift apart whenever the '
                    "tag moves; %s" % (role, ref.ref, reason, pin_fix),
                    [key],
                )
            )
    if cli is not None and cli.version:
        for number, dind in zip(dind_numbers, dind_images):
            if dind.version and dind.version != cli.version:
                found.append(
                    _finding(
                        "dind-version-mismatch",
                        'Docker CLI image "%s" is version %s but dind service image "%s" is version %s: the docker '
                        "images are made to run at the same version, a mismatch fails with API version errors or "
                        'missing features; use one version for both, e.g. "docker:%s" with "%s"'
                        % (cli.ref, cli.version, dind.ref, dind.version, dind.version, dind.ref),
                        ["image", "services[%d].name" % number],
                    )
                )

    certdir = variables.get("DOCKER_TLS_CERTDIR")
    if certdir == "":
        found.append(
            _finding(
                "dind-without-tls",
                'dind with DOCKER_TLS_CERTDIR="": the dind daemon listens on tcp://docker:2375 without TLS, so '
                "anything on the job network can drive it, and dockerd waits about 15 s before it listens on TCP "
                'without TLS; prefer TLS: leave DOCKER_TLS_CERTDIR at "/certs" and add "/certs/client" to '
                "[runners.docker] volumes",
                ["variables.DOCKER_TLS_CERTDIR"],
            )
        )
    else:
        shown = "DOCKER_TLS_CERTDIR=%s" % certdir if certdir is not None else "DOCKER_TLS_CERTDIR unset, the images use /certs"
        client_dir = normalize_path((certdir or _DEFAULT_TLS_CERTDIR) + "/client")
        # The job and its services share every runner volume, and the builds directory's volume too (the runner
        # creates it before the services and gives them all its binds: executors/docker/docker.go).
        if not any(path_within(client_dir, v["target"]) for _spec, v in volumes) \
                and not path_within(client_dir, builds_dir):
            found.append(
                _finding(
                    "tls-certs-volume-missing",
                    "dind with TLS (%s) but no volume at %s: the dind service writes the client certificates there "
                    "and the job container cannot see them, so docker fails to connect to tcp://docker:2376; add "
                    '"%s" to [runners.docker] volumes (runner volumes are shared by the job and its services), or '
                    'set DOCKER_TLS_CERTDIR="" to run without TLS' % (shown, client_dir, client_dir),
                    ["volumes"],
                )
            )
    written = variables.get("DOCKER_HOST") or ""
    host = written.strip()
    wanted = "2375" if certdir == "" else "2376"
    if dind_images:
        found.extend(_dind_reach_findings(services, dind_numbers, variables, certdir, host, wanted))
    port = re.match(r"^tcp://docker:(\d+)/?$", host)
    if port and port.group(1) in ("2375", "2376") and port.group(1) != wanted:
        found.append(
            _finding(
                "dind-host-mismatch",
                "DOCKER_HOST=%s but the dind service %s, so every docker command of a job fails to connect; set "
                "DOCKER_HOST=tcp://docker:%s or leave it out (the docker image picks the right one)" % (
                    written, "listens on 2376 with TLS (DOCKER_TLS_CERTDIR is set)" if wanted == "2376"
                    else 'listens on 2375 without TLS (DOCKER_TLS_CERTDIR="")', wanted),
                ["variables.DOCKER_HOST"],
            )
        )
    return found


def _dind_reach_findings(services, dind_numbers, variables, certdir, host, wanted):
    """Whether jobs reach a dind daemon at the host their DOCKER_HOST (else the docker image's tcp://docker) names.

    A service answers at its aliases and the names derived from its image (helpers/container/services); the dind
    image's TLS certificate names "docker", localhost, the container's host name and DOCKER_TLS_SAN's DNS: entries.
    """
    names = set()
    for number in dind_numbers:
        service = services[number]
        alias = service.get("alias")
        names.update(docker_executor.split_aliases(alias) if isinstance(alias, str) else [])
        names.update(docker_executor.derived_aliases(str(service.get("name") or "")))
    dind = ", ".join('"%s"' % services[number]["name"] for number in dind_numbers)
    if host.startswith(("unix://", "npipe://")) or host.startswith("/"):
        return [_finding(
            "dind-host-mismatch",
            "dind mode, but DOCKER_HOST=%s: in dind mode the daemon is the service %s, reached over TCP, not a socket "
            "in the job container, so docker commands fail to connect; leave DOCKER_HOST out (the docker image then "
            "uses tcp://docker) or set DOCKER_HOST=tcp://docker:%s" % (host, dind, wanted),
            ["variables.DOCKER_HOST"])]
    match = re.match(r"^tcp://(\[[^]]*\]|[^:/]+)", host)
    target = match.group(1).lower() if match else "docker"
    shown = "DOCKER_HOST=%s" % host if match else "the docker image's default host, docker,"
    if target not in names:
        return [_finding(
            "dind-host-mismatch",
            "dind mode, but %s names %s, and no dind service answers as that (the service %s answers as %s), so "
            'docker commands fail to connect; give the dind service alias = "docker"%s' % (
                shown, target, dind, ", ".join(sorted(names)) or "nothing",
                " and set DOCKER_HOST=tcp://docker:%s" % wanted if match else ""),
            ["variables.DOCKER_HOST"] if match else ["services[%d].alias" % dind_numbers[0]])]
    sans = (variables.get("DOCKER_TLS_SAN") or "").replace(",", " ").split()
    if certdir != "" and target not in ("docker", "localhost") and "DNS:%s" % target not in sans:
        return [_finding(
            "dind-host-mismatch",
            "dind with TLS, but DOCKER_HOST=%s names %s, which the dind service's certificate does not (it names "
            "docker, localhost and DOCKER_TLS_SAN's entries), so docker commands fail the TLS check; use "
            "tcp://docker:2376, or add DNS:%s to DOCKER_TLS_SAN" % (host, target, target),
            ["variables.DOCKER_HOST"])]
    return []


def findings(docker, mode, builds_dir=docker_executor.DEFAULT_BUILDS_DIR, services=None, variables=None, host_mtu=None,
             docker_engine=None, shared=None):
    """Check a runner's ``[runners.docker]`` settings for ``mode`` (``socket`` or ``dind``).

    ``docker`` is the ``[runners.docker]`` table as a dict; its ``services``
    (``[[runners.docker.services]]``) count together with ``services``, the
    services jobs declare (image strings or dicts with ``name`` and ``alias``).
    ``variables`` are the job's environment (runner ``environment`` parsed with
    parse_environment(), plus job variables). ``builds_dir`` ``None`` means
    the default ``/builds``. ``host_mtu`` is the MTU of the host's Docker network (the smaller of its bridge and the
    link it goes out on) where known: below 1500, a dind service needs ``--mtu`` at or below it. ``docker_engine``
    is the host's Docker Engine where known (its version, or a dict, see docker_api_versions.engine_input()): in
    socket mode the job image's CLI must be able to talk to it. ``shared`` tells whether several projects use the
    runner (GitLab's instance and group runners), None when unknown: such a runner should not pull if-not-present.

    Returns a list of ``{"severity", "code", "message", "keys"}`` dicts, errors before
    warnings, each group in check order; an empty list when all is well. ``keys`` name the settings a finding is
    about: ``[runners.docker]`` keys (``volumes[2]``), the services (``services[0].name``, counting ``docker``'s
    before ``services``), ``variables.NAME``.
    Raises ValueError when an input has the wrong type.
    """
    if not isinstance(docker, dict):
        raise ValueError("docker must be the [runners.docker] table as a dict, got %s %r" % (type(docker).__name__, docker))
    if not isinstance(mode, str):
        raise ValueError('mode must be "socket" or "dind", got %s %r' % (type(mode).__name__, mode))
    if builds_dir is None:
        builds_dir = docker_executor.DEFAULT_BUILDS_DIR
    _check_type(builds_dir, str, "builds_dir", "an absolute path string")
    if not builds_dir.startswith("/"):
        raise ValueError('builds_dir must be an absolute path such as "/builds", got %r' % (builds_dir,))
    builds_dir = normalize_path(builds_dir)
    _optional(docker, "image", str, "a string")
    _optional(docker, "privileged", bool, "true or false")
    _optional(docker, "services_privileged", bool, "true or false")
    volume_specs = _string_list(docker.get("volumes"), "[runners.docker] volumes")
    all_services = _services(docker.get("services"), "[[runners.docker.services]]") + _services(services, "services")
    variables = _variables(variables)
    host_engine = docker_api_versions.engine_input(docker_engine)
    if shared is not None and not isinstance(shared, bool):
        raise ValueError("shared must be true, false or null (not known), got %s %r" % (type(shared).__name__, shared))

    found = []
    if mode not in MODES:
        found.append(
            _finding(
                "mode-invalid",
                'mode "%s" is neither "socket" nor "dind", so its checks cannot run; use "socket" to bind the host\'s '
                'Docker socket into jobs, or "dind" for a Docker-in-Docker service per job' % mode,
            )
        )
    volume_found, volumes = _volume_findings(volume_specs)
    found.extend(volume_found)
    if mode == "socket":
        found.extend(_socket_findings(docker, volumes, builds_dir))
        found.extend(_dind_beside_socket_findings(volumes, all_services))
    elif mode == "dind":
        found.extend(_dind_findings(docker, volumes, all_services, variables, builds_dir))
        found.extend(_dind_mtu_findings(all_services, host_mtu))
    if mode in MODES:
        found.extend(_api_findings(docker.get("image"), mode, all_services, variables, host_engine))
    found.extend(_isolation_findings(docker, mode))
    found.extend(_pull_policy_findings(docker, mode, shared))
    return [f for f in found if f["severity"] == "error"] + [f for f in found if f["severity"] == "warning"]


# Capabilities that reach past a container (Docker's default set holds none of them), and what each allows
# (capabilities(7)); any other capability stays within the container's own namespaces.
_RISKY_CAPABILITIES = {
    "ALL": "every capability",
    "SYS_ADMIN": "mounting file systems and most of what root may do",
    "SYS_MODULE": "loading kernel modules",
    "SYS_RAWIO": "raw access to devices and memory",
    "SYS_PTRACE": "tracing any process it sees",
    "SYS_BOOT": "rebooting the host",
    "SYS_TIME": "setting the host's clock",
    "DAC_READ_SEARCH": "opening any file of a bind-mounted file system by handle, outside the mounted directory",
    "BPF": "loading BPF programs into the host's kernel",
    "MAC_ADMIN": "changing the host's AppArmor or SELinux policy",
    "MAC_OVERRIDE": "overriding the host's AppArmor or SELinux policy",
}
# Security options that switch a protection off (docker run --security-opt, either separator).
_RISKY_SECURITY_OPTS = {
    ("seccomp", "unconfined"): "no seccomp filter (every system call allowed, those Docker's default profile blocks "
                               "included)",
    ("apparmor", "unconfined"): "no AppArmor profile",
    ("label", "disable"): "no SELinux separation",
    ("systempaths", "unconfined"): "/proc and /sys without their masked and read-only paths",
}
# Host devices that hold the host's memory or disks: with one, a job reads and writes any file of the host.
_RISKY_DEVICE = re.compile(r"^/dev(?:/(?:mem|kmem|port|sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(?:n\d+)?"
                           r"(?:p\d+)?|dm-\d+|md\d*|mapper(?:/.*)?|disk(?:/.*)?))?/?\Z")
# device_cgroup_rules that allow every device (a, any major and minor) or every block device.
_RISKY_CGROUP_RULE = re.compile(r"^\s*[ab]\s+\*:\*\s+\S*[rw]")
_HOST_NAMESPACES = (
    ("network_mode", "every job and service container uses the host's network stack: jobs reach whatever listens "
                     "on the host's loopback (a Docker API on tcp://127.0.0.1, the registry mirror, the runner's "
                     "metrics), and services of concurrent jobs compete for the host's ports",
     'remove network_mode (the default bridge; FF_NETWORK_PER_BUILD gives each job a network of its own)'),
    ("pid_mode", "job containers see every process of the host and, as root, can signal or trace them (gitlab-runner "
                 "and dockerd too); the runner's docs rate it like privileged mode",
     "remove pid_mode, or keep this runner to trusted projects"),
    ("ipcmode", "job containers share the host's System V IPC and /dev/shm: they read and write the shared memory of "
                "the host's processes", "remove ipcmode (or use \"shareable\" between job containers)"),
    ("userns_mode", "job and service containers run without the daemon's user namespace remapping (userns-remap): "
                    "root in a job is root on the host for every file it reaches through a bind mount",
     "remove userns_mode, unless the host's daemon does not remap users at all"),
)


def _strings(value, one_string=False):
    """A list's strings (other types are the schema's to report); with ``one_string``, a string alone too (config.toml's
    string-or-array keys, such as pull_policy)."""
    if isinstance(value, str) and one_string:
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _isolation_findings(docker, mode):
    """Settings that take job or service containers past their isolation, where they have any left to lose.

    A socket job already drives the host's daemon and a privileged container already has every capability and
    device: saying more about them would only repeat privileged-with-socket and the dind preset's design.
    """
    found = []
    jobs_have_host = mode == "socket" or docker.get("privileged") is True
    services_privileged = docker.get("services_privileged")
    services_have_host = mode == "socket" or (
        docker.get("privileged") is True if services_privileged is None else services_privileged is True)
    for key, what, fix in _HOST_NAMESPACES:
        # The host's network is a matter of ports and reach whatever the containers may do otherwise.
        if docker.get(key) == "host" and (key == "network_mode" or not jobs_have_host):
            found.append(_finding("host-namespace", '%s = "host": %s; %s' % (key, what, fix), [key]))
    # cap_add reaches job containers only (services get privileged or nothing: createServiceHostConfig).
    risky = []
    for index, capability in enumerate(_strings(docker.get("cap_add")) if not jobs_have_host else []):
        name = capability.upper()
        name = name[4:] if name.startswith("CAP_") else name
        if name in _RISKY_CAPABILITIES:
            risky.append((index, capability, _RISKY_CAPABILITIES[name]))
    if risky:
        found.append(_finding(
            "isolation-weakened",
            "cap_add %s: every job container gets %s, a way past its isolation into the host; add only the "
            "capabilities the jobs need (NET_ADMIN for a VPN client, say), and give jobs that need more a runner of "
            "their own" % (", ".join(capability for _index, capability, _what in risky),
                           "; ".join("%s (%s)" % (capability, what) for _index, capability, what in risky)),
            ["cap_add[%d]" % index for index, _capability, _what in risky]))
    for key, containers, have_host in (("security_opt", "job", jobs_have_host),
                                       ("services_security_opt", "service", services_have_host)):
        if have_host:
            continue
        for index, option in enumerate(_strings(docker.get(key))):
            name, _separator, value = option.partition("=") if "=" in option else option.partition(":")
            what = _RISKY_SECURITY_OPTS.get((name.strip().lower(), value.strip().lower()))
            if what:
                found.append(_finding(
                    "isolation-weakened",
                    '%s "%s": every %s container runs with %s, one protection fewer between a job and the host, so '
                    "a kernel flaw or a stray mount reaches further; remove it, or give the jobs that need it a runner "
                    "of their own" % (key, option, containers, what),
                    ["%s[%d]" % (key, index)]))
    device_lists = [("devices", "job", jobs_have_host, docker.get("devices"))]
    services_devices = docker.get("services_devices")
    if isinstance(services_devices, dict):
        device_lists += [('services_devices."%s"' % pattern, "service", services_have_host, devices)
                         for pattern, devices in services_devices.items()]
    for key, containers, have_host, devices in device_lists:
        if have_host:
            continue
        for index, device in enumerate(_strings(devices)):
            if _RISKY_DEVICE.match(device.split(":", 1)[0]):
                found.append(_finding(
                    "isolation-weakened",
                    '%s "%s": every %s container gets this device of the host, which holds its memory or disks: '
                    "a job reads and writes any file of the host through it; give only the devices the jobs need "
                    "(/dev/kvm, /dev/net/tun...)" % (key, device, containers),
                    ["%s[%d]" % (key, index)]))
    if not jobs_have_host:
        for index, rule in enumerate(_strings(docker.get("device_cgroup_rules"))):
            if _RISKY_CGROUP_RULE.match(rule):
                found.append(_finding(
                    "isolation-weakened",
                    'device_cgroup_rules "%s" lets job containers use every %sdevice of the host they can create '
                    "(mknod), its disks included; allow the device numbers the jobs need, e.g. \"c 10:200 rwm\""
                    % (rule, "block " if rule.strip().startswith("b") else ""),
                    ["device_cgroup_rules[%d]" % index]))
    memory = docker.get("memory")
    unlimited = not isinstance(memory, str) or config_toml_meanings.meaning("runners.docker", "memory", memory)
    if docker.get("oom_kill_disable") is True and unlimited:
        found.append(_finding(
            "oom-kill-disabled",
            "oom_kill_disable = true without a memory limit: a job that runs out of memory is not stopped, it takes "
            "the host's memory until the host's own processes (gitlab-runner, dockerd) are killed instead; set "
            'memory (e.g. "4g") with it, or remove oom_kill_disable', ["oom_kill_disable"]))
    return found


def _pull_policy_findings(docker, mode, shared):
    """The runner's security docs: if-not-present on a runner several projects share leaks private images.

    A job's own pull_policy wins when allowed_pull_policies (or, without it, pull_policy) allows it
    (executors/docker/internal/pull/manager.go). A socket job reads every image of the host's daemon anyway.
    """
    if mode == "socket" or shared is False:
        return []
    policies = _strings(docker.get("pull_policy"), one_string=True)
    allowed = _strings(docker.get("allowed_pull_policies"), one_string=True)
    if "if-not-present" in (policies or ["always"]):
        key, how = "pull_policy", "pulls with if-not-present"
    elif "if-not-present" in allowed:
        key, how = "allowed_pull_policies", "lets jobs ask for if-not-present (allowed_pull_policies)"
    else:
        return []
    who = "A runner several projects share (an instance or group runner)" if shared else "A runner"
    return [_finding(
        "pull-policy-shared",
        "%s %s: an image one project pulled with its own credentials (a private image) stays on the host, and a "
        "job of another project that names it runs it without them (the runner's security docs, \"Usage of private "
        "Docker images with if-not-present pull policy\"); use \"always\" (or \"never\" with images you load "
        "yourself), or keep if-not-present to a project runner%s"
        % (who, how, "" if shared else "; if only one project uses this runner, ignore this"), [key])]


def _api_findings(image, mode, services, variables, host_engine):
    """The job image's Docker CLI against the engine it drives: the host's (socket) or each dind service's."""
    if not image:
        return []
    fixed = variables.get("DOCKER_API_VERSION")
    if mode == "socket":
        engines = [(host_engine, "the host's", {"min_api": "/etc/docker/daemon.json",
                                                "engine_pin": "the host's Docker Engine"}, [])]
    else:
        engines = [(docker_api_versions.engine(docker_api_versions.image_version(service["name"])),
                    'dind service "%s"' % service["name"], {"engine_pin": "the dind service's image"},
                    ["services[%d].name" % number])
                   for number, service in enumerate(services) if is_dind_service(service)]
    found = []
    for engine, engine_name, names, keys in engines:
        problem = docker_api_versions.cli_problem(image, engine, image_name="image", engine_name=engine_name,
                                                  fixed_api=fixed, names=dict(names, image_pin="its image key"))
        if problem:
            found.append(_finding("docker-api-incompatible", problem, ["image"] + keys))
    return found


def _dind_mtu_findings(services, host_mtu):
    if host_mtu is None:
        return []
    if isinstance(host_mtu, bool) or not isinstance(host_mtu, int) or host_mtu < 1:
        raise ValueError("host_mtu must be a positive integer (the MTU of the host's Docker network), got %r"
                         % (host_mtu,))
    if host_mtu >= DEFAULT_MTU:
        return []
    found = []
    for number, service in enumerate(services):
        if not is_dind_service(service):
            continue
        mtu = dind_mtu(service)
        if mtu is not None and mtu <= host_mtu:
            continue
        given = ("an MTU of %d (--mtu)" % mtu) if mtu is not None else "Docker's default MTU of 1500"
        found.append(_finding(
            "dind-mtu",
            'the host\'s Docker network carries packets of at most %d bytes, but the dind service "%s" gives its '
            "containers %s: their large packets vanish where ICMP \"fragmentation needed\" is filtered, and "
            "clones, pulls and downloads in dind jobs stall; add \"--mtu=%d\" to the service's command "
            "(the runner role's runner_dind_mtu: %d does it for every dind service)"
            % (host_mtu, service.get("name"), given, host_mtu, host_mtu), ["services[%d].command" % number]))
    return found


# -- what each mode writes: the one home of the presets ------------------------------------------------------------

SOCKET_BIND = _SOCKET_BIND
TLS_CERTDIR_VARIABLE = "DOCKER_TLS_CERTDIR"


def preset(mode, docker_image, dind_image, builds_dir=docker_executor.DEFAULT_BUILDS_DIR, tls=True):
    """The ``[runners.docker]`` table a runner in ``mode`` starts from (before the user's keys are applied).

    Registry mirrors are added afterwards, to whichever dind services the runner ends up with: with_registry_mirrors.
    """
    docker = {"tls_verify": False, "image": docker_image, "privileged": mode == "dind", "disable_cache": False}
    if mode == "socket":
        docker["volumes"] = [_SOCKET_BIND, "%s:%s" % (builds_dir, builds_dir), "/cache"]
    else:
        docker["volumes"] = ["%s/client" % _DEFAULT_TLS_CERTDIR, "/cache"] if tls else ["/cache"]
    docker["shm_size"] = 0
    if mode == "dind":
        docker["services"] = [{"name": dind_image, "alias": "docker"}]
    return docker


def environment_preset(mode, tls=True):
    """The ``[[runners]] environment`` entries a runner in ``mode`` starts from."""
    if mode != "dind":
        return []
    return ["%s=%s" % (TLS_CERTDIR_VARIABLE, _DEFAULT_TLS_CERTDIR if tls else "")]


def docker_socket_binds(docker):
    """The ``volumes`` specs of a ``[runners.docker]`` table through which a job reaches the host's Docker socket.

    A bind of the socket itself, or of a directory holding it (``/var/run``, ``/run``, ``/``), counts; a spec the
    engine would refuse does not.
    """
    binds = []
    for spec in docker.get("volumes", []) if isinstance(docker.get("volumes"), list) else []:
        try:
            volume = parse_runner_volume(spec)
        except (VolumeSpecError, TypeError):
            continue
        if _socket_exposure(volume) is not None:
            binds.append(spec)
    return binds


def infer_mode(docker, services):
    """The mode a ``[runners.docker]`` table set up by hand is in: ``(mode, reason, certain)``, or ``(None, ...)``.

    A bind of the host's Docker socket means socket mode and a dind service (a ``*-dind`` image or the alias
    ``docker``) dind mode, for certain. Privileged containers alone suggest dind mode but prove nothing (a job may
    need them for something else): ``certain`` is False, and the caller reports dind-only problems as warnings.
    """
    for spec in docker.get("volumes") or []:
        try:
            volume = parse_runner_volume(spec)
        except VolumeSpecError:
            continue
        if volume["type"] == "bind" and any(path_within(socket, volume["source"]) for socket in _SOCKET_HOST_PATHS):
            if volume["source"] != "/":
                return "socket", "the bind of the host's Docker socket", True
    for service in services:
        if is_dind_service(service):
            return "dind", "the dind service %s" % service["name"], True
    for key in ("privileged", "services_privileged"):
        if docker.get(key) is True:
            return "dind", "%s = true alone" % key, False
    return None, None, False


def is_dind_service(service):
    """Whether a service (``name``, ``alias`` as in ``[[runners.docker.services]]``) runs a Docker daemon for the job.

    A ``dind`` word in its tag (``docker:27.5.1-dind``, ``docker:27.5.1-dind@sha256:<digest>``,
    ``registry/dind-with-ca:27.5.1-dind-rootless``) or the alias ``docker``, which is how jobs find their daemon.
    The tag is read as Docker reads image names (docker_executor.split_image). ci_job and the findings both ask this.
    """
    alias = service.get("alias")
    aliases = docker_executor.split_aliases(alias) if isinstance(alias, str) else []
    return _Image(str(service.get("name") or "")).is_dind or "docker" in aliases


def any_dind(mode, entries):
    """Whether any runner of the runner role is in dind mode: ``runner_mode`` and ``runner_entries`` as the role takes them.

    An entry's own ``mode`` wins over ``mode`` (the role's default, itself "socket" when empty), as in runner_plan;
    runners to remove (``state: absent``) and items that are not dicts do not count.
    """
    default = mode or "socket"
    return any((entry.get("mode") or default) == "dind" for entry in entries or []
               if isinstance(entry, dict) and entry.get("state") != "absent")


_MIRROR_FLAG = "--registry-mirror"
_MTU_FLAG = "--mtu"


def _takes_daemon_flags(command):
    """Whether the dind entrypoint reads ``command`` as dockerd flags: none, flags first, or ``dockerd ...``."""
    return not command or command[0].startswith("-") or command[0] == "dockerd"


def with_daemon_flags(services, mirrors=(), mtu=0):
    """``services`` with the host's daemon settings every dind service's dockerd needs too.

    ``--registry-mirror <url>`` for each of ``mirrors`` and ``--mtu=<mtu>`` (when non-zero) go after the flags the
    command has: the docker:dind entrypoint runs ``dockerd`` with a command that starts with a flag. A flag the service
    already gives is left as it is (the user chose it), as is a command that is not dockerd's flags (a shell, say).
    A dind daemon does not inherit the MTU of the network it runs on (GitLab Runner's docs, "Docker-in-Docker MTU does
    not inherit from the runner"): on a link below 1500 its containers' large packets vanish without ``--mtu``.
    """
    if not mirrors and not mtu:
        return services
    changed = []
    for service in services:
        command = service.get("command")
        command = [command] if isinstance(command, str) else list(command or [])
        if is_dind_service(service) and _takes_daemon_flags(command):
            added = []
            if not _has_flag(command, _MIRROR_FLAG):
                added += [word for url in mirrors or () for word in (_MIRROR_FLAG, url)]
            if mtu and not _has_flag(command, _MTU_FLAG):
                added.append("%s=%d" % (_MTU_FLAG, mtu))
            if added:
                service = dict(service)
                service["command"] = command + added
        changed.append(service)
    return changed


def with_registry_mirrors(services, mirrors):
    """``services`` with ``--registry-mirror <url>`` for each of ``mirrors`` on every dind service's command."""
    return with_daemon_flags(services, mirrors=mirrors)


def dind_mtu(service):
    """The ``--mtu`` a dind service's command gives its daemon, or None (then the daemon uses 1500)."""
    command = service.get("command")
    command = [command] if isinstance(command, str) else list(command or [])
    for index, word in enumerate(command):
        if isinstance(word, str) and word.startswith(_MTU_FLAG + "="):
            value = word.partition("=")[2]
        elif word == _MTU_FLAG and index + 1 < len(command):
            value = command[index + 1]
        else:
            continue
        return int(value) if str(value).isdigit() else None
    return None


def _has_flag(command, flag):
    return any(word == flag or (isinstance(word, str) and word.startswith(flag + "=")) for word in command)


def dind_registry_mirror_problem(url):
    """Why a dind service cannot use the registry mirror ``url``, or None.

    The service's daemon runs in its own network namespace: localhost there is the service itself, not the host.
    (The URL's syntax, which dockerd checks, is docker_daemon_config.check_registry_mirrors.)
    """
    host = url.partition("://")[2].split("/", 1)[0].rpartition("@")[2]
    if gitlab_rules.is_loopback(re.sub(r"(\]|^[^:\[]*):[0-9]*\Z", r"\1", host)):
        return ("names %s, which inside a dind service is the service itself, not the host: the job's daemon cannot "
                "reach the mirror there; give an address of the host that containers reach (its IP address)" % host)
    return None
