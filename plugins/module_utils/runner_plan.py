# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): turn the runner role's inventory data into the desired config.toml content.

``runner_plan(entries, defaults)`` takes the list of runners (one entry per
``[[runners]]`` table) and the role-wide defaults, applies the socket or dind
preset to each runner, and returns what the role needs next: the config
without tokens, the runners to remove, the registration requests and the
Docker mode of each runner. It checks the structure of the input and
GitLab's rules for runner attributes, and reports every problem with the
path of the value (``runner_entries[2].tags[0]``); ``[runners.docker]`` keys
and values are checked on the rendered file by config_toml_findings.findings().
The mode presets come from docker_modes, their one home.

The plan also says where each value of the config came from (``provenance``): the runner's own option, a
role-wide default (``defaults.docker_defaults.pull_policy``), the mode's preset, the job image derived from
``docker_version``... so that a finding about the rendered file can name what the user wrote.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    docker_auth,
    docker_executor,
    docker_modes,
    gitlab_rules,
    http_proxy,
    pending_credentials,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import MODES, parse_environment
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name

__all__ = ["ENTRY_KEYS", "MODES", "PlanError", "RESERVED_SETTINGS", "STATES", "runner_plan"]

STATES = ("present", "absent")
DEFAULT_URL_PATH = "defaults.url"  # where a bad default URL is reported (the role names it runner_gitlab_url)

# [[runners]] keys the plan or the runner_config module write themselves, and the option to use instead.
RESERVED_SETTINGS = {
    "name": "the runner's name option",
    "url": "the runner's url option",
    "token": "the runner's token option (it goes to registration, never into config data)",
    "id": "registration (runner_config fills it in)",
    "token_obtained_at": "registration (runner_config fills it in)",
    "token_expires_at": "registration (runner_config fills it in)",
    "executor": "nothing: the role always uses the docker executor",
    "docker": "the runner's docker option",
    "builds_dir": "the runner's builds_dir option",
    "cache_dir": "the runner's cache_dir option",
    "environment": "the runner's environment option",
}

_GLOBAL_KEYS = ("concurrent", "check_interval", "log_level", "log_format", "shutdown_timeout", "listen_address",
                "session_server")
_REGISTRATION_KEYS = ("description", "run_untagged", "locked", "access_level", "maximum_timeout", "paused",
                      "maintenance_note", "group_id", "project_id")
# The options of a runner item: the role's argument spec declares them (a unit test holds the two together).
ENTRY_KEYS = frozenset(("name", "url", "mode", "state", "token", "tags", "runner_type", "builds_dir", "cache_dir",
                        "environment", "docker", "services", "settings") + _REGISTRATION_KEYS)
_DEFAULT_KEYS = frozenset(("url", "mode", "docker_version", "docker_image", "dind_image", "dind_tls",
                           "dind_registry_mirrors", "dind_mtu", "proxy", "registry_credentials", "builds_dir",
                           "docker_defaults", "executor", "global"))
_PROXY_KEYS = ("http_proxy", "https_proxy", "no_proxy", "gitlab_internal")
# The role-wide entries of a runner's environment, by variable name (lower case), and the default they come from;
# any other inherited entry is the dind preset's DOCKER_TLS_CERTDIR, which dind_tls decides.
_ENVIRONMENT_ORIGINS = {"http_proxy": "defaults.proxy.http_proxy", "https_proxy": "defaults.proxy.https_proxy",
                        "no_proxy": "defaults.proxy.no_proxy", "docker_auth_config": "defaults.registry_credentials"}
_SERVICE_KEYS = ("name", "alias", "command", "entrypoint", "environment")
_RUNNER_DEFAULT_BUILDS_DIR = docker_executor.DEFAULT_BUILDS_DIR


class PlanError(ValueError):
    """The runner list has problems; ``problems`` lists them as ``(path, message)``."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(PlanError, self).__init__("; ".join("%s: %s" % problem for problem in self.problems))


def runner_plan(entries, defaults, source="runner_entries", credential="access"):
    """Return the desired config.toml data and the registration plan for ``entries``.

    ``entries`` is a list of runner dicts (see the role's argument spec);
    ``defaults`` holds ``url``, ``mode``, ``docker_version``, ``docker_image``,
    ``dind_image``, ``dind_tls``, ``dind_registry_mirrors`` (added to every dind service's command),
    ``dind_mtu`` (``--mtu`` of every dind service, and ``network_mtu`` where a runner asks for per-job networks),
    ``proxy`` (``http_proxy``, ``https_proxy``, ``no_proxy``, ``gitlab_internal``: the host's proxy, in every
    runner's environment), ``registry_credentials`` (``{registry, username, password}`` items, rendered as
    ``DOCKER_AUTH_CONFIG`` in every runner's environment: docker_auth.build_auth_config()), ``builds_dir``,
    ``docker_defaults`` (``[runners.docker]`` keys for every runner, over the preset), ``executor`` and ``global``.
    ``source`` names the list in messages (``runner_entries[2].url``);
    ``credential`` ('access', 'registration' or None) is how new runners are
    created, for GitLab's rules on runner types and their ids.

    Returns ``{"config": {<global keys>, "runners": [...]}, "absent": [names],
    "registrations": [...], "modes": {name: mode}, "proxy_environment": {...}, "provenance": {...}}``;
    ``proxy_environment`` holds the
    proxy variables the host's programs need (http_proxy.environment(), NO_PROXY completed with the dind mirrors'
    hosts and, when ``gitlab_internal``, GitLab's), ``{}`` without a proxy; ``proxy_task_environment`` the same
    without the proxies' credentials (for a task's environment keyword, which Ansible prints at -vvv).
    ``provenance`` maps paths in ``config`` (``concurrent``, ``runners[0].docker.volumes[1]``, ``runners[0]`` for
    the table itself) to ``{"from": path, "as_written": bool}``: the input the value came from, in the terms of
    the arguments (``runner_entries[2].docker.image``, ``runner_entries[2].mode`` for a preset's key,
    ``defaults.docker_version`` for the image derived from it, ``defaults.docker_defaults.pull_policy``).
    ``as_written`` means the value is that input as given, so a path below it (``volumes[1]``) is the same path
    below the input; a derived value names its input alone. Paths and names only: no value is in it. Raises
    PlanError (a ValueError) listing every problem, each with its path and the fix.
    """
    problems = []
    defaults = _defaults(defaults)
    if entries is None:
        entries = []
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, (list, tuple)):
        raise PlanError([(source, "must be a list of runner dicts (one per [[runners]] table), got %s: write it as "
                                  "a YAML list of dicts, each with at least a name" % type_name(entries))])
    proxy_environment = _proxy_environment(defaults, entries)
    # The runner expands $ in these values for jobs (Pa$$w0rd$1 reaches them as Pa$w0rd); a $ can only be in a
    # proxy's user or password, where %24 means $ to Go, curl and Python alike.
    defaults["environment"] = ["%s=%s" % (name, value.replace("$", "%24")) for name, value in proxy_environment.items()]
    if defaults["registry_credentials"]:
        # The runner pulls job and service images with these (and the job's own DOCKER_AUTH_CONFIG wins over them).
        defaults["environment"].append("DOCKER_AUTH_CONFIG=" + docker_auth.build_auth_config(
            defaults["registry_credentials"], "defaults registry_credentials"))

    if not _is_empty(defaults["url"]):
        problem = gitlab_rules.url_problem(defaults["url"])
        if problem:
            problems.append((DEFAULT_URL_PATH, problem))
    config = dict(defaults["global"])
    provenance = dict((key, _origin("defaults.global." + key)) for key in config)
    tables = []
    absent = []
    registrations = []
    modes = {}
    seen = {}
    for index, entry in enumerate(entries):
        runner = _Runner(entry, "%s[%d]" % (source, index), defaults, credential)
        problems.extend(runner.problems)
        if runner.name is None:
            continue
        if runner.name in seen:
            problems.append(("%s[%d].name" % (source, index),
                             '"%s" is also the name of %s[%d]: names identify [[runners]] tables and their '
                             "registration, so they must be unique; rename one of them"
                             % (runner.name, source, seen[runner.name])))
            continue
        seen[runner.name] = index
        if runner.problems:
            continue
        registrations.append(runner.registration())
        if runner.state == "absent":
            absent.append(runner.name)
            continue
        provenance["runners[%d]" % len(tables)] = _origin(runner.path, False)
        for location, origin in runner.origins.items():
            provenance["runners[%d].%s" % (len(tables), location)] = origin
        tables.append(runner.table())
        modes[runner.name] = runner.mode
    if problems:
        raise PlanError(problems)
    config["runners"] = tables
    return {"config": config, "absent": absent, "registrations": registrations, "modes": modes,
            "proxy_environment": proxy_environment,
            "proxy_task_environment": http_proxy.public_environment(proxy_environment),
            "provenance": provenance}


def _origin(path, as_written=True):
    """Where a value of the config came from: ``path`` of the input, and whether the value is that input as given."""
    return {"from": path, "as_written": as_written}


def _proxy_environment(defaults, entries):
    """The host's proxy variables: NO_PROXY completed with the dind mirrors and an internal GitLab's hosts."""
    proxy = defaults["proxy"]
    # Only dind services pull through these mirrors themselves (socket jobs use the host's daemon and its proxy).
    mirrors = defaults["dind_registry_mirrors"] if docker_modes.any_dind(defaults["mode"], entries) else []
    hosts = [http_proxy.host_of(url) for url in mirrors]
    if proxy["gitlab_internal"]:
        urls = [defaults["url"]] + [entry.get("url") for entry in entries if isinstance(entry, Mapping)]
        hosts += [http_proxy.host_of(url) for url in urls if isinstance(url, str) and url.strip()]
    return http_proxy.environment(proxy["http_proxy"], proxy["https_proxy"], proxy["no_proxy"],
                                  [host for host in hosts if host])


def _plain(value):
    """Deep-copy ``value`` into plain dicts and lists, so callers' data is never shared or changed."""
    if isinstance(value, Mapping):
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _is_empty(value):
    return value is None or value == "" or (isinstance(value, (list, tuple, Mapping)) and len(value) == 0)


def _defaults(defaults):
    if not isinstance(defaults, Mapping):
        raise ValueError(
            "runner_plan defaults must be a dict (url, mode, docker_version, ...), got %s: "
            "pass the role's defaults dict as the filter argument" % type_name(defaults)
        )
    defaults = _plain(defaults)
    unknown = sorted(key for key in defaults if key not in _DEFAULT_KEYS)
    if unknown:
        raise ValueError(
            "runner_plan defaults has unknown key(s) %s: known keys are %s"
            % (", ".join(unknown), ", ".join(sorted(_DEFAULT_KEYS)))
        )
    docker_defaults = defaults.get("docker_defaults") or {}
    if not isinstance(docker_defaults, Mapping):
        raise ValueError(
            "defaults docker_defaults must be a dict of [runners.docker] keys for every runner, got %s"
            % type_name(docker_defaults)
        )
    version = defaults.get("docker_version")
    if version is not None and not isinstance(version, str):
        version = str(version)
    docker_image = defaults.get("docker_image") or ("docker:%s" % version if version else None)
    dind_image = defaults.get("dind_image") or ("docker:%s-dind" % version if version else None)
    # Given, or derived from docker_version: findings about them name the one the user wrote.
    origins = dict((key, _origin("defaults." + key) if defaults.get(key) else _origin("defaults.docker_version", False))
                   for key in ("docker_image", "dind_image"))
    if not docker_image or not dind_image:
        raise ValueError(
            "defaults need docker_version (or both docker_image and dind_image): the job image and the dind "
            'service image are derived from it, e.g. docker_version "27.3.1" gives "docker:27.3.1" and '
            '"docker:27.3.1-dind"'
        )
    dind_tls = defaults.get("dind_tls")
    if dind_tls is not None and not isinstance(dind_tls, bool):
        raise ValueError("defaults dind_tls must be true or false, got %s %r" % (type_name(dind_tls), dind_tls))
    mirrors = defaults.get("dind_registry_mirrors") or []
    if not isinstance(mirrors, list) or not all(isinstance(url, str) for url in mirrors):
        raise ValueError("defaults dind_registry_mirrors must be a list of mirror URLs, got %r" % (mirrors,))
    mtu = defaults.get("dind_mtu") or 0
    if not isinstance(mtu, int) or isinstance(mtu, bool) or mtu < 0:
        raise ValueError("defaults dind_mtu must be a non-negative integer (0 for none), got %r" % (mtu,))
    proxy = defaults.get("proxy") or {}
    if not isinstance(proxy, Mapping) or set(proxy) - set(_PROXY_KEYS):
        raise ValueError("defaults proxy must be a dict of %s, got %r" % (", ".join(_PROXY_KEYS), proxy))
    proxy = dict((key, proxy.get(key) or ([] if key == "no_proxy" else "" if key != "gitlab_internal" else False))
                 for key in _PROXY_KEYS)
    global_settings = defaults.get("global") or {}
    if not isinstance(global_settings, Mapping):
        raise ValueError(
            "defaults global must be a dict of config.toml global keys (concurrent, check_interval, ...), got %s"
            % type_name(global_settings)
        )
    if "runners" in global_settings:
        raise ValueError(
            "defaults global must not hold runners: [[runners]] tables come from the runner list, not the globals"
        )
    # Known global keys first in a fixed order, then any other key the caller gives, in its order.
    ordered = [key for key in _GLOBAL_KEYS if key in global_settings]
    ordered += [key for key in global_settings if key not in _GLOBAL_KEYS]
    return {
        "url": defaults.get("url"),
        "mode": defaults.get("mode") or "socket",
        "docker_image": docker_image,
        "dind_image": dind_image,
        "dind_tls": True if dind_tls is None else dind_tls,
        "dind_registry_mirrors": list(mirrors),
        "dind_mtu": mtu,
        "proxy": proxy,
        "registry_credentials": list(defaults.get("registry_credentials") or []),
        "builds_dir": defaults.get("builds_dir") or _RUNNER_DEFAULT_BUILDS_DIR,
        "docker_defaults": docker_defaults,
        "executor": defaults.get("executor") or "docker",
        "global": dict((key, global_settings[key]) for key in ordered if not _is_empty(global_settings[key])),
        "origins": origins,
    }


class _Runner(object):
    """One runner entry with the role's defaults applied; ``problems`` lists what is wrong with it."""

    def __init__(self, entry, path, defaults, credential):
        self.path = path
        self.problems = []
        self.defaults = defaults
        self.name = None
        # Where each value of the [[runners]] table came from, by its path in the table (docker.volumes[1]).
        self.origins = {}
        if not isinstance(entry, Mapping):
            self._problem(None, "must be a dict with at least a name, got %s" % type_name(entry))
            return
        entry = self.entry = _plain(entry)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            self._problem("name", "is missing or empty: every runner needs a unique name, it identifies its "
                                  "[[runners]] table and its registration; add name: <something>")
            return
        self.name = name.strip()
        problem = pending_credentials.name_problem(self.name)
        if problem:
            self._problem("name", problem)
        unknown = sorted(key for key in entry if key not in ENTRY_KEYS)
        for key in unknown:
            hint = difflib.get_close_matches(key, sorted(ENTRY_KEYS), 1)
            self._problem(key, "is not a runner option%s: [[runners]] keys of config.toml go under settings, "
                               "[runners.docker] keys under docker" % (" (did you mean %s?)" % hint[0] if hint else ""))
        url = entry.get("url") or defaults["url"]
        if _is_empty(url):
            self._problem("url", "is not set and runner_gitlab_url is empty: set one of them to GitLab's base URL, "
                                 "e.g. https://gitlab.example.com")
        elif entry.get("url"):
            # A bad default URL is reported once, by runner_plan(), not for every runner that inherits it.
            problem = gitlab_rules.url_problem(url)
            if problem:
                self._problem("url", problem)
        self.url = url.strip() if isinstance(url, str) else url
        self.origins["name"] = _origin(path + ".name")
        self.origins["url"] = _origin(path + ".url" if entry.get("url") else "defaults.url")
        self.origins["executor"] = _origin("defaults.executor")
        self.mode = self._choice("mode", entry.get("mode") or defaults["mode"], MODES)
        # The preset of the mode: what it writes is derived from the mode, wherever the mode was set.
        self.mode_origin = _origin(path + ".mode" if entry.get("mode") else "defaults.mode", False)
        self.state = self._choice("state", entry.get("state") or "present", STATES)
        self.token = None if _is_empty(entry.get("token")) else entry.get("token")
        if self.token is not None:
            problem = gitlab_rules.token_problem(self.token, "runner")
            if problem:
                self._problem("token", problem)
        self.runner_type = entry.get("runner_type") or "instance_type"
        self.tags = self._tags(entry.get("tags"))
        attributes = dict((key, entry.get(key)) for key in _REGISTRATION_KEYS + ("runner_type",))
        attributes["tag_list"] = self.tags
        if self.state == "present":
            for key, message in gitlab_rules.attribute_problems(attributes, credential if self.token is None else None):
                self._problem("tags" if key.startswith("tag_list") else key, message)
        self.builds_dir = self._path("builds_dir")
        self.cache_dir = self._path("cache_dir")
        self.builds_dir_origin = _origin(path + ".builds_dir" if self.builds_dir else "defaults.builds_dir")
        self.origins["builds_dir"] = self.builds_dir_origin
        self.origins["cache_dir"] = _origin(path + ".cache_dir")
        self.environment = self._environment()
        self.settings = self._settings()
        self.docker = self._docker()

    def _problem(self, key, message):
        self.problems.append(("%s.%s" % (self.path, key) if key else self.path, message))

    def _choice(self, key, value, choices):
        if value not in choices:
            self._problem(key, "is %r, not one of %s" % (value, ", ".join(choices)))
            return choices[0]
        return value

    def _path(self, key):
        value = self.entry.get(key)
        if _is_empty(value):
            return None
        if not isinstance(value, str) or not value.strip().startswith("/"):
            self._problem(key, "is %r, not an absolute path: the runner resolves it inside the job container; write "
                               "it from / (e.g. /builds)" % (value,))
            return None
        return value.strip()

    def _tags(self, tags):
        if _is_empty(tags):
            return []
        if isinstance(tags, str):
            tags = tags.split(",")  # as Ansible's argument spec reads a string given for a list
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            self._problem("tags", "must be a list of strings, got %s: write e.g. [docker, linux]" % type_name(tags))
            return []
        return gitlab_rules.tag_list(tags)

    def _environment(self):
        given = self.entry.get("environment") or []
        try:
            own = parse_environment(given, "")
        except ValueError as error:
            # "[1] ... has no =" names the item: it goes into the path.
            index, _sep, message = str(error).partition(" ")
            if not index.startswith("["):
                index, message = "", str(error)
            self._problem("environment" + index, message.strip())
            return []
        preset = docker_modes.environment_preset(self.mode, self.defaults["dind_tls"])
        # The runner's own entries win: the preset and the role's (the proxy) keep only variables it does not set.
        inherited = [item for item in preset + self.defaults.get("environment", []) if item.partition("=")[0] not in own]
        # The list as a whole (a variable it lacks) is the runner's option; each entry says where it came from.
        self.origins["environment"] = _origin(self.path + ".environment", False)
        for index, item in enumerate(inherited):
            self.origins["environment[%d]" % index] = _origin(_ENVIRONMENT_ORIGINS.get(
                item.partition("=")[0].lower(), "defaults.dind_tls"), False)
        for index in range(len(given)):
            self.origins["environment[%d]" % (len(inherited) + index)] = _origin("%s.environment[%d]" % (self.path, index))
        return inherited + list(given)

    def _settings(self):
        settings = self.entry.get("settings") or {}
        if not isinstance(settings, Mapping):
            self._problem("settings", "must be a dict of [[runners]] keys (limit, request_concurrency, feature_flags, "
                                      "...), got %s" % type_name(settings))
            return {}
        for key in settings:
            if key in RESERVED_SETTINGS:
                self._problem("settings.%s" % key, "is written by the role itself: use %s instead"
                              % RESERVED_SETTINGS[key])
        kept = dict((key, value) for key, value in settings.items()
                    if value is not None and key not in RESERVED_SETTINGS)
        for key in kept:
            self.origins[key] = _origin("%s.settings.%s" % (self.path, key))
        return kept

    def _docker(self):
        given = self.entry.get("docker") or {}
        if not isinstance(given, Mapping):
            self._problem("docker", "must be a dict of [runners.docker] keys (image, volumes, privileged, ...), got %s"
                          % type_name(given))
            given = {}
        services = self.entry.get("services")
        if "services" in given and services is not None:
            self._problem("services", "is set twice, in docker.services and in services: keep one of them (services)")
        builds_dir = self.builds_dir or self.defaults["builds_dir"]
        docker = docker_modes.preset(self.mode, self.defaults["docker_image"], self.defaults["dind_image"],
                                     builds_dir, self.defaults["dind_tls"])
        for key in docker:
            self.origins["docker." + key] = self.mode_origin
        self.origins["docker.image"] = self.defaults["origins"]["docker_image"]
        for index, spec in enumerate(docker.get("volumes", [])):
            if spec == "%s:%s" % (builds_dir, builds_dir):
                self.origins["docker.volumes[%d]" % index] = _origin(self.builds_dir_origin["from"], False)
        if "services" in docker:
            self.origins["docker.services[0].name"] = self.defaults["origins"]["dind_image"]
        # Role-wide keys over the preset, then the runner's own; a key given replaces the value, null removes it.
        for layer, where in ((self.defaults["docker_defaults"], "defaults.docker_defaults"),
                             (given, self.path + ".docker")):
            for key, value in layer.items():
                self._replaced("docker." + key, "%s.%s" % (where, key))
                if value is None:
                    docker.pop(key, None)
                else:
                    docker[key] = _plain(value)
        if services is not None:
            self._replaced("docker.services", self.path + ".services")
            docker["services"] = services
        # The job's own network (FF_NETWORK_PER_BUILD) carries the MTU the dind daemons get.
        if self.mode == "dind" and self.defaults["dind_mtu"] and "network_mtu" not in docker and self._per_build_network(docker):
            docker["network_mtu"] = self.defaults["dind_mtu"]
            self.origins["docker.network_mtu"] = _origin("defaults.dind_mtu", False)
        if "services" in docker:
            source = self.origins["docker.services"]
            if source["as_written"] and isinstance(docker["services"], list):
                for index, service in enumerate(docker["services"]):
                    if isinstance(service, str):  # written as the image alone: its name is the item itself
                        self.origins["docker.services[%d].name" % index] = _origin("%s[%d]" % (source["from"], index))
            docker["services"] = self._services(docker["services"], "services" if services is not None
                                                else "docker.services")
            if self.mode == "dind":
                flagged = docker_modes.with_daemon_flags(
                    docker["services"], mirrors=self.defaults["dind_registry_mirrors"], mtu=self.defaults["dind_mtu"])
                for index, (before, after) in enumerate(zip(docker["services"], flagged)):
                    if before.get("command") != after.get("command"):
                        self.origins["docker.services[%d].command" % index] = _origin(
                            "defaults.dind_registry_mirrors" if self.defaults["dind_registry_mirrors"]
                            else "defaults.dind_mtu", False)
                docker["services"] = flagged
            if not docker["services"]:
                del docker["services"]
        return docker

    def _replaced(self, location, path):
        """``location`` now holds the value at ``path`` as written: what was recorded below it no longer holds."""
        for known in [known for known in self.origins if known.startswith((location + ".", location + "["))]:
            del self.origins[known]
        self.origins[location] = _origin(path)

    def _per_build_network(self, docker):
        """Whether the runner creates a network per job: docker_executor.network_per_build() of its settings."""
        flags = self.settings.get("feature_flags")
        variables = parse_environment(self.environment if isinstance(self.environment, list) else [], skip_invalid=True)
        return docker_executor.network_per_build(docker, flags if isinstance(flags, Mapping) else None, variables)

    def _services(self, services, key):
        if not isinstance(services, list):
            self._problem(key, "must be a list of {name, alias, command, entrypoint, environment} dicts, got %s"
                          % type_name(services))
            return []
        tables = []
        for index, service in enumerate(services):
            where = "%s[%d]" % (key, index)
            if isinstance(service, str):
                service = {"name": service}
            if not isinstance(service, Mapping):
                self._problem(where, "must be a dict with name (the image), got %s" % type_name(service))
                continue
            for unknown in sorted(item for item in service if item not in _SERVICE_KEYS):
                self._problem("%s.%s" % (where, unknown), "is not a [[runners.docker.services]] key: the keys are %s"
                              % ", ".join(_SERVICE_KEYS))
            name = service.get("name")
            if not isinstance(name, str) or not name.strip():
                self._problem("%s.name" % where, "is missing: give the service image, e.g. docker:27.5.1-dind")
                continue
            tables.append(dict((item, service[item]) for item in _SERVICE_KEYS if not _is_empty(service.get(item))))
        return tables

    def table(self):
        """Return the ``[[runners]]`` table (without credentials)."""
        table = {"name": self.name, "url": self.url, "executor": self.defaults["executor"]}
        builds_dir = self.builds_dir
        if builds_dir is None and self.defaults["builds_dir"] != _RUNNER_DEFAULT_BUILDS_DIR:
            # The socket preset binds the default builds_dir: the runner must use that same path.
            builds_dir = self.defaults["builds_dir"]
        if builds_dir is not None:
            table["builds_dir"] = builds_dir
        if self.cache_dir is not None:
            table["cache_dir"] = self.cache_dir
        if self.environment:
            table["environment"] = self.environment
        table.update(self.settings)
        table["docker"] = self.docker
        return table

    def registration(self):
        """Return the registration request: only the keys with a value."""
        entry = self.entry
        request = {
            "name": self.name,
            "state": self.state,
            "url": self.url,
            "token": self.token,
            "runner_type": self.runner_type,
            "group_id": entry.get("group_id"),
            "project_id": entry.get("project_id"),
            "description": entry.get("description") or self.name,
            "tag_list": self.tags,
        }
        for key in ("run_untagged", "locked", "access_level", "maximum_timeout", "paused", "maintenance_note"):
            request[key] = entry.get(key)
        # GitLab's attributes follow the inventory: no tags and an empty maintenance note are values too.
        kept = ("tag_list", "maintenance_note") if self.state == "present" else ()
        return dict((key, value) for key, value in request.items()
                    if (key in kept and value is not None) or not _is_empty(value))
