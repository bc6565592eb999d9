# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): run one CI job on a runner host the way GitLab Runner's docker executor would.

A smoke test of a deployed ``config.toml`` has to use the settings exactly as
the runner reads them: the same volumes, privileges, services and variables.
``plan_job()`` turns a parsed ``config.toml`` (one ``[[runners]]`` table) and
a job description into the ``docker`` command lines the executor would issue,
without running anything. ``run_job()`` runs such a plan through a ``docker``
callable and always removes what it created: containers, the job network,
per-job volumes, the project directory and any host directory it (or Docker
on its behalf) created.

What ci_job reproduces of the docker executor, each rule with the runner source
it follows, and what it does not reproduce, is written once: in the ci_job
module's DOCUMENTATION (plugins/modules/ci_job.py). The rules it shares with
the config.toml findings (image names, allow-lists, privileges, the job
network, variables) are docker_executor's; the mode and the dind-service test
are docker_modes's (infer_mode, is_dind_service), the same functions the
findings call.
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import random
import re
import shlex
import shutil
import socket
import tempfile
import time

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_auth, docker_executor, docker_modes
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import (
    VolumeSpecError,
    normalize_path,
    parse_runner_volume,
    path_within,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name as _kind

__all__ = [
    "DEFAULT_BUILDS_DIR",
    "JobSetupError",
    "build_script",
    "plan_job",
    "run_job",
    "select_runner",
]

DEFAULT_BUILDS_DIR = docker_executor.DEFAULT_BUILDS_DIR
_LABEL = "com.runnerops.ci-job"
_DIND_SOCKET = "unix://" + docker_modes.DOCKER_SOCKET
# Where the Docker CLI files Docker Hub's credential in its config.json.
_DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"
# Output kept from a job (its tail): enough for any smoke test, bounded for the task result.
_OUTPUT_LIMIT = 100000
_SERVICE_LOG_LIMIT = 4000
# executors/docker/docker.go getContainerIPAndExposedPorts: at most this many exposed ports are waited for.
_MAX_PORTS_CHECKED = 20
_PROJECT_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VOLUME_SLUG = re.compile(r"[^a-zA-Z0-9_.-]+")
# strconv.ParseInt(value, 10, 32), which reads HEALTHCHECK_TCP_PORT.
_INT32 = re.compile(r"^[+-]?[0-9]+\Z")


class JobSetupError(Exception):
    """The job could not be set up (image, network, volume, service...); ``details`` holds what is known."""

    def __init__(self, message, details=None):
        super(JobSetupError, self).__init__(message)
        self.details = details or {}


# --- input checks -----------------------------------------------------------------


def select_runner(config, name=None):
    """Return the ``[[runners]]`` table called ``name`` (the first one when ``name`` is empty)."""
    if not isinstance(config, dict):
        raise ValueError("config.toml data must be a dict (the parsed document), got %s" % _kind(config))
    runners = config.get("runners")
    if not isinstance(runners, list) or not runners or not all(isinstance(r, dict) for r in runners):
        raise ValueError(
            "config.toml has no [[runners]] table: register a runner first (the runner role writes one per "
            "runner), or point config_path at the deployed file"
        )
    if not name:
        return runners[0]
    for entry in runners:
        if entry.get("name") == name:
            return entry
    known = ", ".join('"%s"' % entry.get("name") for entry in runners)
    raise ValueError('config.toml has no runner named "%s" (it has %s): pass one of those names' % (name, known))


def _string_list(value, what):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError("%s must be a list of strings, got %s %r" % (what, _kind(value), value))
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ValueError("%s[%d] must be a string, got %s %r" % (what, index, _kind(item), item))
    return list(value)


def _command_list(value, what):
    """A service ``command``/``entrypoint``: a list of strings; None when unset."""
    if value is None:
        return None
    return _string_list(value, what)


def _variables(value, what):
    """Job variables as a dict of strings; numbers are written as strings, as YAML users expect."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("%s must be a dict of NAME: value, got %s %r" % (what, _kind(value), value))
    variables = {}
    for name, item in value.items():
        if not isinstance(name, str) or not _VARIABLE_NAME.match(name):
            raise ValueError(
                "%s: %r is not a variable name: use letters, digits and _ (not starting with a digit)" % (what, name)
            )
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise ValueError(
                '%s["%s"] must be a string, got %s %r: quote it (CI variables are strings)' % (what, name, _kind(item), item)
            )
        variables[name] = str(item)
    return variables


def _service(service, what, job_service):
    """Normalize a service to ``{image, alias, command, entrypoint, variables}`` as written (nothing expanded)."""
    if isinstance(service, str):
        service = {"name": service}
    if not isinstance(service, dict):
        raise ValueError('%s must be an image string or a dict with "name", got %s %r' % (what, _kind(service), service))
    allowed = ("name", "alias", "command", "entrypoint", "variables" if job_service else "environment")
    unknown = sorted(key for key in service if key not in allowed)
    if unknown:
        raise ValueError("%s has unknown keys %s: a service takes %s" % (what, ", ".join(unknown), ", ".join(allowed)))
    image = service.get("name")
    if image is None:
        image = ""
    if not isinstance(image, str):
        raise ValueError('%s "name", the image of the service, must be a string, got %s %r' % (what, _kind(image), image))
    alias = service.get("alias")
    if alias is not None and not isinstance(alias, str):
        raise ValueError("%s alias must be a string (several names separated by commas or spaces), got %s %r"
                         % (what, _kind(alias), alias))
    if job_service:
        variables = _variables(service.get("variables"), "%s variables" % what)
    else:
        # common/config.go Service.ToImageDefinition: the service's own environment, as the runner parses it.
        variables = docker_modes.parse_environment(service.get("environment"), "%s environment" % what)
    return {
        "what": what,
        "image": image.strip(),
        "alias": alias or "",
        "command": _command_list(service.get("command"), "%s command" % what),
        "entrypoint": _command_list(service.get("entrypoint"), "%s entrypoint" % what),
        "variables": list(variables.items()),
        "job_service": job_service,
    }


def _services(value, what, job_services=False):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError('%s must be a list of services, got %s %r' % (what, _kind(value), value))
    return [_service(item, "%s[%d]" % (what, index), job_services) for index, item in enumerate(value)]


def _project(project, job_id):
    if not project:
        return "runnerops-smoke", "ci-job-%s" % job_id
    if not isinstance(project, str):
        raise ValueError('project must be "namespace/project", got %s %r' % (_kind(project), project))
    parts = project.split("/")
    if len(parts) < 2 or not all(_PROJECT_PART.match(part) for part in parts):  # nor "." or "..": no dot first
        raise ValueError(
            'project "%s" must be "namespace/project" (or "group/subgroup/project"): path parts of letters, '
            'digits, ".", "_" and "-", as GitLab project paths are' % project
        )
    return "/".join(parts[:-1]), parts[-1]


def _network_mtu(docker):
    """``network_mtu`` of ``[runners.docker]``: the MTU of the job's network (0, the default, leaves Docker's)."""
    mtu = docker.get("network_mtu") or 0
    if isinstance(mtu, bool) or not isinstance(mtu, int) or mtu < 0:
        raise ValueError("[runners.docker] network_mtu must be a non-negative integer, got %r" % (mtu,))
    return mtu


def _wait_timeout(docker):
    """executors/docker/services.go waitForServices: 0 means the default, a negative value no wait."""
    value = docker.get("wait_for_services_timeout")
    if value is None or value == 0:
        return docker_executor.DEFAULT_WAIT_FOR_SERVICES_TIMEOUT
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            "[runners.docker] wait_for_services_timeout must be an integer (seconds), got %s %r" % (_kind(value), value)
        )
    return value


def _services_limit(docker):
    """common/config.go DockerConfig.GetServicesLimit: unset (or negative) is no limit."""
    value = docker.get("services_limit")
    if value is None:
        return -1
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("[runners.docker] services_limit must be an integer, got %s %r" % (_kind(value), value))
    return value


def _docker_host_args(docker):
    host = docker.get("host")
    if docker_executor.local_daemon(host):
        return ["--host", host] if host else []
    raise ValueError(
        "[runners.docker] host is %r: the runner's jobs run on that remote daemon, so a job started on this host "
        "would not test them; run the smoke test where that daemon runs (or drop host for the local socket)" % (host,)
    )


def _allowed(image, patterns, internal, key, name, what):
    """common/allowed_images.go VerifyAllowedImage, with the fix in the message."""
    if not docker_executor.image_allowed(image, patterns, internal):
        raise ValueError(
            '%s "%s" is not in [runners.docker] %s %s of runner "%s": GitLab Runner fails the job ("The %s image is '
            'not present on list of allowed %s"); use an image a pattern allows, or add one that matches it'
            % (what, image, key, json.dumps(patterns), name, json.dumps(image), key.replace("allowed_", "")))


def _user(docker):
    """The job container's user: the runner's ``user``, within ``allowed_users`` (DockerConfig.IsUserAllowed)."""
    user = docker.get("user") or ""
    if not isinstance(user, str):
        raise ValueError("[runners.docker] user must be a string, got %s %r" % (_kind(user), user))
    allowed = _string_list(docker.get("allowed_users"), "[runners.docker] allowed_users")
    if user and allowed and user not in allowed:
        raise ValueError('[runners.docker] user "%s" is not in allowed_users %s: GitLab Runner fails every job '
                         '("user is not an allowed user"); add it to allowed_users' % (user, json.dumps(allowed)))
    return user


# --- the plan ---------------------------------------------------------------------


def _volume_slug(target):
    slug = _VOLUME_SLUG.sub("-", target.strip("/")).strip("-.")
    return slug or "root"


def _mounts(volumes, builds_dir, prefix):
    """Map ``volumes`` specs to the ``-v`` arguments of the job; add the builds volume unless one is at builds_dir.

    executors/docker/internal/volumes/manager.go Create (a spec with a source is bound as written, an anonymous
    one becomes a volume) and executors/docker/docker.go createBuildVolume (a temporary volume at builds_dir,
    unless a volume is already defined at that very path).
    """
    mounts = []
    targets = {}
    for index, spec in enumerate(volumes):
        what = "[runners.docker] volumes[%d]" % index
        try:
            volume = parse_runner_volume(spec)
        except VolumeSpecError as error:
            raise ValueError("%s: %s" % (what, error))
        if volume["target"] in targets:
            raise ValueError(
                '%s "%s" mounts at %s like "%s": Docker refuses two volumes at one path; keep one of them'
                % (what, spec, volume["target"], targets[volume["target"]])
            )
        targets[volume["target"]] = spec
        mount = dict(volume, spec=spec, per_job=False)
        if volume["type"] == "anonymous":
            # The runner keeps these as named volumes of its own; a per-job volume is that, minus the persistence.
            mount["source"] = "%s-v%d-%s" % (prefix, index, _volume_slug(volume["target"]))
            mount["per_job"] = True
            mount["argument"] = "%s:%s" % (mount["source"], volume["target"])
        else:
            # As the runner rebuilds it: /a:/b:rw:rslave is bound as /a:/b:rw,rslave.
            mount["argument"] = volume["docker_spec"]
        mounts.append(mount)
    if builds_dir not in targets:
        mounts.append(
            {
                "type": "volume",
                "source": "%s-builds" % prefix,
                "target": builds_dir,
                "options": [],
                "read_only": False,
                "spec": None,
                "per_job": True,
                "argument": "%s-builds:%s" % (prefix, builds_dir),
            }
        )
    return mounts


def _covering(mounts, path):
    best = None
    for mount in mounts:
        if path_within(path, mount["target"]) and (best is None or len(mount["target"]) > len(best["target"])):
            best = mount
    return best


def _below(path, top):
    """The directories from just below ``top`` down to ``path`` (both cleaned), top first."""
    relative = posixpath.relpath(path, top)
    found = []
    current = top
    for part in relative.split("/"):
        if part in ("", "."):
            continue
        current = posixpath.join(current, part)
        found.append(current)
    return found


def _builds(mounts, builds_dir, project_dir):
    """Where the project lives: on the host (a bind covers it) or in a volume, prepared through a container.

    The deepest mount holding the project directory stores it, as Docker mounts nested volumes.
    """
    mount = _covering(mounts, project_dir)
    relative = posixpath.relpath(project_dir, mount["target"])
    builds = {
        "builds_dir": builds_dir,
        "project_dir": project_dir,
        "mount_target": mount["target"],
        "dirs": _below(project_dir, mount["target"]),
    }
    if mount["type"] == "bind":
        host_dir = normalize_path(posixpath.join(mount["source"], relative))
        builds.update(kind="host", host_project_dir=host_dir, volume=None)
    else:
        builds.update(kind="volume", host_project_dir=None, volume=mount["source"], persistent=not mount["per_job"])
    return builds


def build_script(lines):
    """The ``sh -c`` text for script ``lines``: stops at the first failing line, echoes each like a job log."""
    if isinstance(lines, str):
        lines = [lines]
    if not isinstance(lines, (list, tuple)) or not lines:
        raise ValueError("script must be a non-empty list of shell lines, got %s %r" % (_kind(lines), lines))
    text = ["set -e", "exec 2>&1"]
    for index, line in enumerate(lines):
        if not isinstance(line, str) or not line.strip():
            raise ValueError("script[%d] must be a non-empty string (a shell line), got %r" % (index, line))
        text.append("printf '%%s\\n' %s" % shlex.quote("$ " + line))
        text.append(line)
    return "\n".join(text) + "\n"


def _env_args(environment):
    args = []
    for name, value in environment.items():
        args.extend(["-e", "%s=%s" % (name, value)])
    return args


def _host_config_args(docker, privileged, mounts):
    """The settings the runner gives job and service containers alike (docker.go createHostConfig and
    createHostConfigForService): privileged as decided for each, the volumes' binds, extra_hosts, dns, dns_search."""
    args = []
    if privileged:
        args.append("--privileged")
    for mount in mounts:
        args.extend(["-v", mount["argument"]])
    for index, host in enumerate(_string_list(docker.get("extra_hosts"), "[runners.docker] extra_hosts")):
        # The docker CLI would convert NAME=ADDRESS and [ipv6]; the runner hands the entry to the API as written.
        problem = docker_executor.extra_host_problem(host)
        if problem:
            raise ValueError("[runners.docker] extra_hosts[%d] %s: every job of the runner fails" % (index, problem))
        args.extend(["--add-host", host])
    for server in _string_list(docker.get("dns"), "[runners.docker] dns"):
        args.extend(["--dns", server])
    for domain in _string_list(docker.get("dns_search"), "[runners.docker] dns_search"):
        args.extend(["--dns-search", domain])
    return args


def _job_only_args(docker, user):
    """What only the job container gets (docker.go createHostConfig, getBuildContainerUser)."""
    args = []
    for capability in _string_list(docker.get("cap_add"), "[runners.docker] cap_add"):
        args.extend(["--cap-add", capability])
    for capability in _string_list(docker.get("cap_drop"), "[runners.docker] cap_drop"):
        args.extend(["--cap-drop", capability])
    for option in _string_list(docker.get("security_opt"), "[runners.docker] security_opt"):
        args.extend(["--security-opt", option])
    for device in _string_list(docker.get("devices"), "[runners.docker] devices"):
        args.extend(["--device", device])
    if user:
        args.extend(["--user", user])
    return args


def _service_argv(service, prefix, network, docker, mounts):
    """executors/docker/docker.go createServiceContainerConfig and createHostConfigForService as docker run words."""
    argv = ["run", "-d", "--name", service["container"], "--label", "%s=%s" % (_LABEL, prefix), "--network", network]
    for alias in service["aliases"]:
        argv.extend(["--network-alias", alias])
    argv.extend(_host_config_args(docker, service["privileged"], mounts))
    argv.extend(_env_args(service["environment"]))
    command = list(service["command"] or [])
    # overwriteEntrypoint: a non-empty entrypoint replaces the image's, unless disable_entrypoint_overwrite.
    entrypoint = service["entrypoint"]
    if entrypoint:
        # docker run takes one word for --entrypoint; the rest goes before the command, as Docker would run it.
        argv.extend(["--entrypoint", entrypoint[0]])
        command = entrypoint[1:] + command
    argv.append(service["image"])
    argv.extend(command)
    return argv


def _pairs_dict(pairs):
    """Variables as the container gets them: the last value of a name wins (docker run -e, the API's Env)."""
    variables = {}
    for name, value in pairs:
        variables.pop(name, None)
        variables[name] = value
    return variables


def _job_variables(entry, environment, job_image, given_variables, ci, after):
    """The job's variables in the runner's order (common/build.go GetAllVariables), then expanded (Variables.Expand).

    Before the job's own: CI_JOB_IMAGE (when the job names an image), the runner's (CI_RUNNER_SHORT_TOKEN, its
    ``environment``: RunnerConfig.GetVariables), the runner's defaults (Build.GetDefaultVariables); then the job's
    (GitLab's predefined ones, then the job's ``variables``); then CI_DISPOSABLE_ENVIRONMENT and the others of
    getBaseVariablesAfterJob. A later value of a name wins.
    """
    pairs = []
    if job_image:
        pairs.append(("CI_JOB_IMAGE", job_image))
    pairs.append(("CI_RUNNER_SHORT_TOKEN", docker_executor.short_token(entry.get("token"))))
    pairs.extend(environment.items())
    pairs.extend(ci)
    pairs.extend(given_variables.items())
    pairs.extend(after)
    return docker_executor.expand_variables(pairs)


def _plan_services(written, pairs, docker, runner, warnings):
    """The services that start, with their names on the job network, privileges and environment.

    executors/docker/services.go getServicesDefinitions (the runner's services, then the job's, which must be in
    allowed_services; at most services_limit) and createFromServiceDefinition: each service is named after its
    image (SplitNameAndVersion) and then its aliases; a name an earlier service holds is skipped with a warning,
    and a service whose names are all taken is not started. Names and aliases are expanded with the job's
    variables first (common/config.go GetExpandedServices, common/build.go expandContainerOptions).
    """
    internal = []
    for service in written:
        service["name"] = docker_executor.expand(service["image"], pairs)
        service["alias_expanded"] = docker_executor.expand(service["alias"], pairs)
        if not service["job_service"]:
            internal.append(service["name"])
    allowed = docker_executor.allow_list(docker, "allowed_services")
    for service in written:
        if service["job_service"]:
            _allowed(service["name"], allowed, internal, "allowed_services", runner, "service %s" % service["what"])
    limit = _services_limit(docker)
    if 0 <= limit < len(written):
        raise ValueError("the job has %d services but [runners.docker] services_limit of runner \"%s\" is %d: GitLab "
                         "Runner fails the job (\"too many services requested\"); use fewer services or raise the limit"
                         % (len(written), runner, limit))
    names_taken = set()
    planned = []
    for service in written:
        names = docker_executor.derived_aliases(service["name"]) + docker_executor.split_aliases(
            service["alias_expanded"])
        # Once each: the runner also warns when an alias repeats the service's own image name (docker:dind with
        # alias docker), which changes nothing and is left out here.
        names = [alias for index, alias in enumerate(names) if alias not in names[:index]]
        started = False
        for alias in names:
            if alias in names_taken:
                warnings.append('%s "%s": its name "%s" is already taken by another service, so it is not reachable '
                                "under it (GitLab Runner skips it too)" % (service["what"], service["name"], alias))
                continue
            if not started and docker_executor.split_image(service["name"]) is None:
                if not service["name"]:
                    raise ValueError('%s has an alias but no "name": GitLab Runner fails the job ("invalid service '
                                     'image name"); give the image of the service' % service["what"])
                raise ValueError('%s "%s" is not an image name Docker can parse: GitLab Runner fails the job '
                                 '("invalid service image name"); write it as [registry/]path[:tag][@digest], in '
                                 "lower case" % (service["what"], service["name"]))
            started = True
            names_taken.add(alias)
        if not started:
            why = ("all its names are taken by earlier services" if names else
                   "it has no image name" if not service["name"] else
                   "Docker cannot parse its image name, so it has no name to be reached under")
            warnings.append('%s "%s" is not started: %s; GitLab Runner skips it the same way'
                            % (service["what"], service["name"], why))
            continue
        service["aliases"] = names
        planned.append(service)
    return planned


def plan_job(
    config,
    runner=None,
    image=None,
    services=None,
    variables=None,
    script=None,
    docker_overrides=None,
    project=None,
    job_id=None,
    marker=None,
    timeout=None,
):
    """Return the plan of one job of runner ``runner`` of the parsed ``config`` (see run_job()).

    Nothing runs here. ``docker_overrides`` is merged over ``[runners.docker]``
    key by key (a key given replaces the runner's). ``services`` are added
    after the runner's (image strings or dicts with ``name``, ``alias``,
    ``command``, ``entrypoint``, ``variables``). ``timeout`` (seconds) is the
    job's CI_JOB_TIMEOUT. Raises ValueError, saying what to fix, for settings
    the runner or Docker would refuse. The plan's ``warnings`` say what the
    runner would warn about (a service name taken twice, a service not started).
    """
    entry = select_runner(config, runner)
    name = entry.get("name") or "runner #1"
    executor = entry.get("executor")
    if executor != "docker":
        raise ValueError(
            'runner "%s" uses executor %r: only the docker executor runs jobs on this host\'s Docker, '
            "which is what this job reproduces; pick a docker runner" % (name, executor)
        )
    docker = entry.get("docker") or {}
    if not isinstance(docker, dict):
        raise ValueError("[runners.docker] of runner \"%s\" must be a table, got %s" % (name, _kind(docker)))
    if docker_overrides is not None and not isinstance(docker_overrides, dict):
        raise ValueError("docker_overrides must be a dict of [runners.docker] keys, got %s" % _kind(docker_overrides))
    docker = dict(docker, **(docker_overrides or {}))
    warnings = []

    if job_id is None:
        job_id = random.SystemRandom().randint(10 ** 8, 10 ** 9 - 1)
    if marker is None:
        marker = "runnerops-marker-%032x" % random.SystemRandom().getrandbits(128)
    prefix = "runnerops-ci-job-%s" % job_id
    network = "%s-network" % prefix
    job_container = "%s-job" % prefix

    default_image = docker.get("image") or ""
    if not isinstance(default_image, str):
        raise ValueError("[runners.docker] image must be a string, got %s %r" % (_kind(default_image), default_image))
    job_image = (image or "").strip()
    if not job_image and not default_image.strip():
        raise ValueError(
            'runner "%s" has no [runners.docker] image and no job image was given: set image (the job image)' % name
        )

    builds_dir = entry.get("builds_dir") or DEFAULT_BUILDS_DIR
    if not isinstance(builds_dir, str) or not builds_dir.startswith("/"):
        raise ValueError('[[runners]] builds_dir must be an absolute path such as "/builds", got %r' % (builds_dir,))
    builds_dir = normalize_path(builds_dir)
    if builds_dir == "/":
        raise ValueError('[[runners]] builds_dir is "/": GitLab Runner refuses the root path; use e.g. "/builds"')
    volumes = _string_list(docker.get("volumes"), "[runners.docker] volumes")
    namespace, project_name = _project(project, job_id)
    project_root = builds_dir
    if docker_executor.shared_builds_dir(builds_dir, volumes):
        # common/build.go ProjectUniqueDir: a builds dir shared between jobs holds <short token>/<project slot>/.
        project_root = posixpath.join(builds_dir, docker_executor.short_token(entry.get("token")), "0")
    project_dir = posixpath.join(project_root, namespace, project_name)
    mounts = _mounts(volumes, builds_dir, prefix)
    builds = _builds(mounts, builds_dir, project_dir)

    environment = docker_modes.parse_environment(entry.get("environment"), "[[runners]] environment")
    given_variables = _variables(variables, "variables")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int)):
        raise ValueError("timeout must be an integer (seconds), got %s %r" % (_kind(timeout), timeout))
    defaults = [("CI_BUILDS_DIR", builds_dir), ("CI_PROJECT_DIR", project_dir), ("CI_CONCURRENT_ID", "0"),
                ("CI_CONCURRENT_PROJECT_ID", "0"), ("CI_SERVER", "yes"), ("CI_JOB_STATUS", "running")]
    if timeout is not None:
        defaults.append(("CI_JOB_TIMEOUT", str(timeout)))
    # What GitLab sends with the job (its predefined variables), before the job's own.
    gitlab = [("CI", "true"), ("GITLAB_CI", "true"), ("CI_JOB_ID", str(job_id)), ("CI_JOB_NAME", "ci_job"),
              ("CI_PROJECT_NAMESPACE", namespace), ("CI_PROJECT_NAME", project_name),
              ("CI_PROJECT_PATH", "%s/%s" % (namespace, project_name)), ("CI_RUNNER_DESCRIPTION", name)]
    after = [("CI_DISPOSABLE_ENVIRONMENT", "true"), ("RUNNER_TEMP_PROJECT_DIR", project_dir + ".tmp")]
    pairs = _job_variables(entry, environment, job_image, given_variables, defaults + gitlab, after)
    feature_flags = entry.get("feature_flags")
    network_mtu = _network_mtu(docker)
    per_build = docker_executor.network_per_build(docker, feature_flags, _pairs_dict(pairs))
    if per_build:
        pairs.append(("CI_BUILD_NETWORK_NAME", network))
    job_variables = _pairs_dict(pairs)

    # executors/docker/docker.go expandImageName: a job's image must be allowed; the runner's default always is.
    if job_image:
        job_image = docker_executor.expand(job_image, pairs)
        _allowed(job_image, docker_executor.allow_list(docker, "allowed_images"),
                 [docker_executor.expand(default_image, pairs)], "allowed_images", name, "image")
    run_image = job_image or docker_executor.expand(default_image.strip(), pairs)

    written = _services(docker.get("services"), "[runners.docker] services") + _services(
        services, "services", job_services=True)
    mode = docker_modes.infer_mode(docker, [{"name": s["image"], "alias": s["alias"]} for s in written])[0]
    disable_entrypoint = docker.get("disable_entrypoint_overwrite") is True
    planned_services = []
    for index, service in enumerate(_plan_services(written, pairs, docker, name, warnings)):
        environment_pairs = list(job_variables.items()) + service["variables"]
        service_variables = [(key, docker_executor.expand(value, environment_pairs))
                             for key, value in service["variables"]]
        entrypoint = service["entrypoint"]
        if entrypoint and disable_entrypoint:
            warnings.append('%s "%s": its entrypoint is not used, as disable_entrypoint_overwrite is set (GitLab '
                            "Runner warns \"Entrypoint override disabled\")" % (service["what"], service["name"]))
            entrypoint = None
        planned = {
            "image": service["name"],
            "aliases": service["aliases"],
            "command": service["command"],
            "entrypoint": entrypoint,
            "container": "%s-svc%d" % (prefix, index),
            "privileged": docker_executor.service_privileged(docker, service["name"]),
            "dind": docker_modes.is_dind_service({"name": service["name"], "alias": service["alias_expanded"]}),
            # common/build.go GetServiceVariables: the job's variables, then the service's own, expanded.
            "environment": _pairs_dict(list(job_variables.items()) + service_variables),
        }
        planned["argv"] = _service_argv(planned, prefix, network, docker, mounts)
        planned_services.append(planned)

    privileged = docker_executor.job_privileged(docker, job_image)
    script_text = build_script(script if script is not None else ["true"])
    job_argv = ["run", "-d", "--name", job_container, "--label", "%s=%s" % (_LABEL, prefix), "--network", network]
    if per_build:
        # docker.go createContainer: the job container is "build" (and its name) on the job's own network.
        job_argv.extend(["--network-alias", "build", "--network-alias", job_container])
    job_argv.extend(["-w", project_dir])
    job_argv.extend(_host_config_args(docker, privileged, mounts))
    job_argv.extend(_job_only_args(docker, _user(docker)))
    job_argv.extend(_env_args(job_variables))
    job_argv.extend([run_image, "sh", "-c", script_text])

    return {
        "runner": name,
        "mode": mode,
        "job_id": job_id,
        "prefix": prefix,
        "marker": marker,
        "image": run_image,
        "pull_policy": docker_executor.pull_policies(docker),
        "docker_host_args": _docker_host_args(docker),
        "network": network,
        "network_per_build": per_build,
        # networks/manager.go: network_mtu is an option of the per-build network only.
        "network_mtu": network_mtu if per_build else 0,
        "privileged": privileged,
        # The setting, for reference: each service's own "privileged" has allowed_privileged_services applied.
        "services_privileged": (docker.get("services_privileged") if isinstance(docker.get("services_privileged"), bool)
                                else docker.get("privileged") is True),
        "volumes": [
            dict((key, mount[key]) for key in ("spec", "type", "source", "target", "read_only", "per_job", "argument"))
            for mount in mounts
        ],
        "builds": builds,
        "environment": environment,
        "variables": job_variables,
        "services": planned_services,
        "wait_for_services_timeout": _wait_timeout(docker),
        "job": {"container": job_container, "argv": job_argv, "script": script_text},
        "warnings": warnings,
    }


# --- running it -------------------------------------------------------------------


def _tcp_open(address, port, timeout):
    try:
        connection = socket.create_connection((address, port), timeout=timeout)
    except (OSError, socket.error):
        return False
    connection.close()
    return True


def _tail(text, limit):
    if len(text) <= limit:
        return text
    return "[... %d characters cut ...]\n%s" % (len(text) - limit, text[-limit:])


class _Job(object):
    """Runs a plan and remembers everything it created, so cleanup removes exactly that."""

    def __init__(self, plan, docker, probe, sleep, clock):
        self.plan = plan
        self._docker = docker
        self.probe = probe
        self.sleep = sleep
        self.clock = clock
        self.containers = []
        self.networks = []
        self.volumes = []
        self.host_trees = []
        self.host_dirs = []
        self.temp_dirs = []
        self.volume_cleanup = None
        self.warnings = []
        self.cleanup_errors = []

    def docker(self, argv):
        return self._docker(self.plan["docker_host_args"] + list(argv))

    def must(self, argv, what):
        rc, out, err = self.docker(argv)
        if rc != 0:
            raise JobSetupError(
                "%s failed (docker %s, rc %d): %s" % (what, " ".join(argv[:2]), rc, (err or out).strip())
            )
        return out

    # -- images

    def _auth_args(self, image):
        """``--config <dir>`` with the DOCKER_AUTH_CONFIG credential the runner would pull ``image`` with, or [].

        The runner looks in DOCKER_AUTH_CONFIG (the job's variables, the runner's environment below them) first
        and in the Docker configuration of the user it runs as next (helpers/docker/auth: Resolver.ConfigForImage);
        without a credential from the variable the CLI's own configuration is that second source.
        """
        text = self.plan["variables"].get("DOCKER_AUTH_CONFIG")
        if not text:
            return []
        try:
            credential = docker_auth.config_for_image(image, [
                (entry["server_address"], {"username": entry["username"], "password": entry["password"]})
                for entry in docker_auth.read_auth_config(text)])
        except ValueError as error:
            self.warnings.append("DOCKER_AUTH_CONFIG is not used, as the runner would not use it: %s" % error)
            return []
        if credential is None:
            return []
        registry = docker_auth.normalize_image_ref(image).split("/", 1)[0]
        key = _DOCKER_HUB_AUTH_KEY if registry == docker_auth.DEFAULT_REGISTRY else registry
        auth = base64.b64encode(("%s:%s" % (credential["username"], credential["password"])).encode("utf-8"))
        config_dir = tempfile.mkdtemp(prefix="runnerops-ci-job-auth-")
        self.temp_dirs.append(config_dir)
        descriptor = os.open(os.path.join(config_dir, "config.json"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"auths": {key: {"auth": auth.decode("ascii")}}}, handle)
        return ["--config", config_dir]

    def ensure_image(self, image):
        """Make ``image`` present as the runner's pull_policy list would, trying each policy in turn."""
        errors = []
        for policy in self.plan["pull_policy"]:
            if policy != "always":
                rc, _out, err = self.docker(["image", "inspect", "--format", "{{.Id}}", image])
                if rc == 0:
                    return
                if policy == "never":
                    errors.append('"never": image not present on this host')
                    continue
            rc, out, err = self.docker(self._auth_args(image) + ["pull", image])
            if rc == 0:
                return
            errors.append('"%s": docker pull failed: %s' % (policy, (err or out).strip()))
        fix = "pull or load it on the host"
        if "if-not-present" not in self.plan["pull_policy"]:
            fix += ', and add "if-not-present" to pull_policy where no registry is reachable'
        raise JobSetupError(
            'image "%s" is not available with pull_policy %s (%s): %s'
            % (image, json.dumps(self.plan["pull_policy"]), "; ".join(errors), fix)
        )

    # -- host paths

    def remember_missing_host_dirs(self, path):
        """Record the missing directories down to ``path``; Docker or we will create them, cleanup removes them."""
        missing = []
        current = path
        while current not in ("/", "") and not os.path.lexists(current):
            missing.append(current)
            current = posixpath.dirname(current)
        for directory in reversed(missing):
            if directory not in self.host_dirs:
                self.host_dirs.append(directory)

    def prepare_on_host(self, builds, marker):
        project = builds["host_project_dir"]
        if os.path.lexists(project):
            raise JobSetupError(
                "project directory %s already exists on the host: it is not this job's to overwrite; pass another "
                "project, or remove it" % project
            )
        self.remember_missing_host_dirs(project)
        if project not in self.host_trees:
            self.host_trees.append(project)
        data_dir = os.path.join(project, "test", "int-00")
        os.makedirs(data_dir)
        with open(os.path.join(data_dir, "marker"), "w") as handle:
            handle.write(marker + "\n")

    def prepare_in_volume(self, builds, marker):
        """Create the project through a short-lived container that mounts the builds volume."""
        project = builds["project_dir"]
        data_dir = posixpath.join(project, "test", "int-00")
        script = ["set -e"]
        for directory in builds["dirs"]:
            script.append('[ -e %s ] || echo "created %s"' % (shlex.quote(directory), directory))
        script.append("if [ -e %s ]; then echo 'project directory exists' >&2; exit 3; fi" % shlex.quote(project))
        script.append("mkdir -p %s" % shlex.quote(data_dir))
        script.append('printf "%%s\\n" "$RUNNEROPS_MARKER" > %s' % shlex.quote(posixpath.join(data_dir, "marker")))
        mount = "%s:%s" % (builds["volume"], builds["mount_target"])
        base = ["run", "--rm", "--label", "%s=%s" % (_LABEL, self.plan["prefix"]), "--entrypoint", "/bin/sh"]
        out = self.must(
            base + ["-e", "RUNNEROPS_MARKER=%s" % marker, "-v", mount, self.plan["image"], "-c", "\n".join(script)],
            "preparing the project in volume %s" % builds["volume"],
        )
        if builds.get("persistent"):
            created = [line[len("created "):] for line in out.splitlines() if line.startswith("created ")]
            removal = ["rm -rf %s" % shlex.quote(project)]
            removal.extend("rmdir %s 2>/dev/null || true" % shlex.quote(d) for d in reversed(created) if d != project)
            self.volume_cleanup = base + ["-v", mount, self.plan["image"], "-c", "\n".join(removal)]

    # -- services

    def start_services(self):
        for service in self.plan["services"]:
            # Recorded first: a container that was created but failed to start must still be removed.
            self.containers.append(service["container"])
            self.must(service["argv"], 'starting service "%s"' % service["image"])

    def _inspect(self, container):
        rc, out, err = self.docker(["inspect", "--format", "{{json .}}", container])
        if rc != 0:
            return None
        try:
            data = json.loads(out)
        except ValueError:
            return None
        return data[0] if isinstance(data, list) else data

    def _ports(self, service, info):
        """executors/docker/docker.go getContainerIPAndExposedPorts: HEALTHCHECK_TCP_PORT of the container's
        environment (the image's and the service's, name in any case), else its exposed TCP ports, at most 20."""
        config = (info or {}).get("Config") or {}
        for entry in config.get("Env") or []:
            key, separator, value = entry.partition("=")
            if separator and key.upper() == "HEALTHCHECK_TCP_PORT":
                if not _INT32.match(value) or not -2 ** 31 <= int(value) < 2 ** 31:
                    raise JobSetupError('service "%s": HEALTHCHECK_TCP_PORT is %r, not a port number: GitLab Runner '
                                        "fails the job (invalid health check tcp port); set it to the port the "
                                        "service listens on" % (service["image"], value))
                return [int(value)]
        exposed = config.get("ExposedPorts") or {}
        ports = sorted(int(key.split("/")[0]) for key in exposed if key.endswith("/tcp") and key.split("/")[0].isdigit())
        return ports[:_MAX_PORTS_CHECKED]

    def wait_for_services(self):
        """Wait until a TCP port of each service answers, like the runner's health check; report, never fail.

        executors/docker/services.go waitForServices: the runner waits for all services at once, each for at most
        the timeout; here they are probed one after the other against the same deadline.
        """
        timeout = self.plan["wait_for_services_timeout"]
        states = []
        started = self.clock()
        deadline = started + timeout
        for service in self.plan["services"]:
            state = {
                "image": service["image"],
                "aliases": service["aliases"],
                "container": service["container"],
                "privileged": service["privileged"],
                "ready": None,
                "waited": 0.0,
            }
            states.append(state)
            if timeout < 0:
                # No wait, but the runner reads the ports anyway, and fails on a bad HEALTHCHECK_TCP_PORT.
                self._ports(service, self._inspect(service["container"]))
                continue
            state["ready"] = False
            while True:
                info = self._inspect(service["container"])
                running = bool(info and (info.get("State") or {}).get("Running"))
                if not running:
                    exit_code = (info or {}).get("State", {}).get("ExitCode")
                    state["status"] = "exited (code %s)" % exit_code
                    break
                ports = self._ports(service, info)
                if not ports:
                    # The runner's health check fails at once: "service ... has no exposed ports".
                    state["status"] = "no exposed TCP port to wait for"
                    break
                networks = (info.get("NetworkSettings") or {}).get("Networks") or {}
                address = (networks.get(self.plan["network"]) or {}).get("IPAddress")
                if address and any(self.probe(address, port, 1.0) for port in ports):
                    state["ready"] = True
                    state["status"] = "listening on %s" % ", ".join(str(p) for p in ports)
                    break
                if self.clock() >= deadline:
                    state["status"] = "no answer on TCP %s within %ds" % (", ".join(str(p) for p in ports), timeout)
                    break
                self.sleep(0.5)
            state["waited"] = round(self.clock() - started, 1)
            if not state["ready"]:
                state["logs"] = self.service_logs(service["container"])
                self.warnings.append(
                    'service "%s" (%s) probably did not start properly: %s; the job runs anyway, as with the runner'
                    % (service["image"], service["container"], state["status"])
                )
        return states

    def service_logs(self, container):
        rc, out, err = self.docker(["logs", "--tail", "200", container])
        return _tail((out or "") + (err or ""), _SERVICE_LOG_LIMIT)

    def preload(self, images):
        """``docker save`` images from the host daemon and ``docker load`` them into each dind service."""
        if not images:
            return
        targets = [service for service in self.plan["services"] if service["dind"]]
        if not targets:
            raise JobSetupError(
                "preload_images needs a dind service to load images into, and this job has none: drop "
                "preload_images, or add a docker:<version>-dind service"
            )
        temp_dir = tempfile.mkdtemp(prefix="runnerops-ci-job-")
        self.temp_dirs.append(temp_dir)
        archives = []
        for index, image in enumerate(images):
            archive = os.path.join(temp_dir, "image%d.tar" % index)
            self.must(["save", "-o", archive, image], 'saving image "%s" from the host daemon' % image)
            archives.append((image, archive))
        for service in targets:
            socket_url = service["environment"].get("DOCKER_HOST", "")
            if not socket_url.startswith("unix://"):
                socket_url = _DIND_SOCKET
            for index, (image, archive) in enumerate(archives):
                # Not /tmp: the dind entrypoint mounts a tmpfs there, which hides what docker cp writes.
                inside = "/runnerops-preload-%d.tar" % index
                self.must(["cp", archive, "%s:%s" % (service["container"], inside)], "copying %s into %s" % (image, service["container"]))
                load = ["exec", "-e", "DOCKER_HOST=%s" % socket_url, "-e", "DOCKER_TLS_VERIFY=", service["container"]]
                self._retry(load + ["docker", "load", "-i", inside], 'loading "%s" into %s' % (image, service["container"]))
                self.docker(["exec", service["container"], "rm", "-f", inside])

    def _retry(self, argv, what, attempts=20):
        """Run a command in a dind service whose daemon may still be starting; retry for a few seconds."""
        for attempt in range(attempts):
            rc, out, err = self.docker(argv)
            if rc == 0:
                return out
            if "cannot connect to the docker daemon" not in (err or out).lower():
                break
            if attempt + 1 < attempts:
                self.sleep(1)
        raise JobSetupError("%s failed (rc %d): %s" % (what, rc, (err or out).strip()))

    # -- the job

    def run_script(self, timeout):
        job = self.plan["job"]
        self.containers.insert(0, job["container"])
        self.must(job["argv"], "starting the job container")
        deadline = self.clock() + timeout
        exit_code = None
        timed_out = False
        while True:
            info = self._inspect(job["container"])
            state = (info or {}).get("State") or {}
            if info is None or not state.get("Running"):
                exit_code = state.get("ExitCode", -1)
                break
            if self.clock() >= deadline:
                self.docker(["kill", job["container"]])
                timed_out = True
                exit_code = -1
                break
            self.sleep(0.5)
        rc, out, err = self.docker(["logs", job["container"]])
        output = (out or "") + (err or "")
        if timed_out:
            output += "\n[ci_job: the job ran longer than %ds and was killed]\n" % timeout
        return exit_code, _tail(output, _OUTPUT_LIMIT), timed_out

    # -- cleanup

    def _remove(self, argv, missing_words):
        rc, out, err = self.docker(argv)
        if rc != 0 and not any(word in (err or out).lower() for word in missing_words):
            self.cleanup_errors.append("docker %s: %s" % (" ".join(argv), (err or out).strip()))

    def cleanup(self):
        for container in self.containers:
            # -v also drops the anonymous volumes of images such as dind's /var/lib/docker.
            self._remove(["rm", "-f", "-v", container], ("no such container",))
        if self.volume_cleanup:
            self._remove(self.volume_cleanup, ())
        for network in self.networks:
            self._remove(["network", "rm", network], ("not found", "no such network"))
        for volume in self.volumes:
            self._remove(["volume", "rm", "-f", volume], ("no such volume",))
        for tree in self.host_trees:
            if not os.path.lexists(tree):
                continue
            try:
                shutil.rmtree(tree)
            except OSError as error:
                if os.path.lexists(tree):
                    self.cleanup_errors.append("removing %s: %s" % (tree, error))
        # Deepest first; a directory something else has put files into since stays.
        for directory in sorted(self.host_dirs, key=len, reverse=True):
            try:
                os.rmdir(directory)
            except OSError:
                pass
        for temp_dir in self.temp_dirs:
            shutil.rmtree(temp_dir, ignore_errors=True)


def _setup(job, plan):
    """Images, network, volumes and the project: everything the services and the job need."""
    images = [plan["image"]] + [service["image"] for service in plan["services"]]
    for image in sorted(set(images), key=images.index):
        job.ensure_image(image)
    for mount in plan["volumes"]:
        if mount["type"] == "bind":
            job.remember_missing_host_dirs(mount["source"])
        elif mount["type"] == "volume" and not mount["per_job"]:
            rc, _out, _err = job.docker(["volume", "inspect", mount["source"]])
            if rc != 0:
                # Docker creates a missing named volume on first use; it is this job's to remove.
                job.volumes.append(mount["source"])
    label = "%s=%s" % (_LABEL, plan["prefix"])
    job.networks.append(plan["network"])
    # networks/manager.go networkOptionsFromConfig: network_mtu becomes the bridge driver's MTU option.
    mtu_option = ["-o", "com.docker.network.driver.mtu=%d" % plan["network_mtu"]] if plan.get("network_mtu") else []
    job.must(["network", "create", "--label", label] + mtu_option + [plan["network"]], "creating the job network")
    for mount in plan["volumes"]:
        if mount["per_job"]:
            job.volumes.append(mount["source"])
            job.must(["volume", "create", "--label", label, mount["source"]], "creating volume %s" % mount["source"])
    # With the host's socket, a job's own "docker run -v $CI_PROJECT_DIR/..." makes the host daemon create
    # that path on the host when it is missing: it is this job's to remove too.
    project_dir = plan["builds"]["project_dir"]
    if not os.path.lexists(project_dir):
        job.remember_missing_host_dirs(project_dir)
        job.host_trees.append(project_dir)
    if plan["builds"]["kind"] == "host":
        job.prepare_on_host(plan["builds"], plan["marker"])
    else:
        job.prepare_in_volume(plan["builds"], plan["marker"])


class _Phases(object):
    """Seconds spent in each phase of the job, the one under way included when it is cut short."""

    def __init__(self, clock):
        self.clock = clock
        self.started = clock()
        self.durations = {}
        self._name = None
        self._since = self.started

    def enter(self, name):
        now = self.clock()
        if self._name:
            self.durations[self._name] = round(now - self._since, 1)
        self._name = name
        self._since = now

    def done(self):
        self.enter(None)
        self.durations["total"] = round(self.clock() - self.started, 1)
        return self.durations


def run_job(plan, docker, timeout=600, preload_images=None, probe=None, sleep=None, clock=None):
    """Run ``plan`` (from plan_job()) and return what the job did; always clean up.

    ``docker(argv)`` runs the docker CLI with ``argv`` and returns ``(rc,
    stdout, stderr)``. Returns ``rc`` (the script's exit code, -1 when it was
    killed after ``timeout`` seconds), ``output``, ``timed_out``, ``argv`` (the
    job's ``docker`` command line), ``marker``, ``services``, ``warnings``,
    ``cleanup_errors`` and ``durations`` (seconds of each phase: ``setup``,
    ``services``, ``script``, ``cleanup``, ``total``). Raises JobSetupError
    when the job cannot be set up; its ``details`` hold the same keys, as far
    as the job got.
    """
    clock = clock or time.monotonic
    job = _Job(plan, docker, probe or _tcp_open, sleep or time.sleep, clock)
    job.warnings.extend(plan.get("warnings") or [])
    phases = _Phases(clock)
    result = {
        "runner": plan["runner"],
        "mode": plan["mode"],
        "image": plan["image"],
        "marker": plan["marker"],
        "project_dir": plan["builds"]["project_dir"],
        "host_project_dir": plan["builds"]["host_project_dir"],
        "argv": ["docker"] + plan["docker_host_args"] + plan["job"]["argv"],
        "services": [],
    }
    try:
        try:
            phases.enter("setup")
            _setup(job, plan)
            phases.enter("services")
            job.start_services()
            result["services"] = job.wait_for_services()
            job.preload(list(preload_images or []))
            phases.enter("script")
            rc, output, timed_out = job.run_script(timeout)
            result.update(rc=rc, output=output, timed_out=timed_out)
            if rc != 0:
                for state, service in zip(result["services"], plan["services"]):
                    state.setdefault("logs", job.service_logs(service["container"]))
        finally:
            if not result["services"]:
                result["services"] = [
                    {"image": s["image"], "container": s["container"], "logs": job.service_logs(s["container"])}
                    for s in plan["services"]
                    if s["container"] in job.containers
                ]
            phases.enter("cleanup")
            job.cleanup()
            result.update(warnings=job.warnings, cleanup_errors=job.cleanup_errors, durations=phases.done())
    except JobSetupError as error:
        error.details = result
        raise
    except (OSError, IOError) as error:
        raise JobSetupError("setting up the job failed: %s" % error, result)
    return result
