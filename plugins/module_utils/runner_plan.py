# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Turn the runner role's inventory data into the desired config.toml content.

``runner_plan(entries, defaults)`` takes the list of runners (one entry per
``[[runners]]`` table) and the role-wide defaults, applies the socket or dind
preset to each runner, and returns what the role needs next: the config
without tokens, the runners to remove, the registration requests and the
Docker mode of each runner. It checks the structure of the input only;
``[runners.docker]`` keys and values are checked later, on the rendered file,
by config_toml.findings().
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_executor import parse_environment

__all__ = ["MODES", "RESERVED_SETTINGS", "STATES", "runner_plan"]

MODES = ("socket", "dind")
STATES = ("present", "absent")
RUNNER_TYPES = ("instance_type", "group_type", "project_type")
ACCESS_LEVELS = ("not_protected", "ref_protected")

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
_ENTRY_KEYS = frozenset(("name", "url", "mode", "state", "token", "tags", "runner_type", "builds_dir", "cache_dir",
                         "environment", "docker", "services", "settings") + _REGISTRATION_KEYS)
_DEFAULT_KEYS = frozenset(("url", "mode", "docker_version", "docker_image", "dind_image", "dind_tls", "builds_dir",
                           "docker_defaults", "executor", "global"))
_SERVICE_KEYS = ("name", "alias", "command", "entrypoint", "environment")
_RUNNER_DEFAULT_BUILDS_DIR = "/builds"
_SOCKET_BIND = "/var/run/docker.sock:/var/run/docker.sock"
_TLS_CERTDIR = "DOCKER_TLS_CERTDIR"


def runner_plan(entries, defaults):
    """Return the desired config.toml data and the registration plan for ``entries``.

    ``entries`` is a list of runner dicts (see the role's argument spec);
    ``defaults`` holds ``url``, ``mode``, ``docker_version``, ``docker_image``,
    ``dind_image``, ``dind_tls``, ``builds_dir``, ``docker_defaults`` (``[runners.docker]``
    keys for every runner, over the preset), ``executor`` and ``global``.

    Returns ``{"config": {<global keys>, "runners": [...]}, "absent": [names],
    "registrations": [...], "modes": {name: mode}}``. Raises ValueError naming
    the runner and the fix for any bad input.
    """
    defaults = _defaults(defaults)
    if entries is None:
        entries = []
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, (list, tuple)):
        raise ValueError(
            "runners must be a list of runner dicts (one per [[runners]] table), got %s: "
            "write it as a YAML list of dicts, each with at least a name" % type(entries).__name__
        )

    config = dict(defaults["global"])
    tables = []
    absent = []
    registrations = []
    modes = {}
    seen = {}
    for index, entry in enumerate(entries):
        runner = _Runner(entry, index, defaults)
        if runner.name in seen:
            raise ValueError(
                'runners[%d] and runners[%d] are both named "%s": names identify [[runners]] tables and their '
                "registration, so they must be unique; rename one of them" % (seen[runner.name], index, runner.name)
            )
        seen[runner.name] = index
        registrations.append(runner.registration())
        if runner.state == "absent":
            absent.append(runner.name)
            continue
        tables.append(runner.table())
        modes[runner.name] = runner.mode
    config["runners"] = tables
    return {"config": config, "absent": absent, "registrations": registrations, "modes": modes}


def _plain(value):
    """Deep-copy ``value`` into plain dicts and lists, so callers' data is never shared or changed."""
    if isinstance(value, Mapping):
        return dict((key, _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _is_empty(value):
    return value is None or value == "" or (isinstance(value, (list, tuple, Mapping)) and len(value) == 0)


def _check_string(value, what, fix):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("%s must be a non-empty string, got %s %r: %s" % (what, type(value).__name__, value, fix))
    return value.strip()


def _check_url(url, what):
    if not isinstance(url, str) or not url.strip():
        raise ValueError(
            '%s has no GitLab URL (got %r): set url on the runner or the role-wide default, e.g. "https://gitlab.example.com"'
            % (what, url)
        )
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            'url "%s" of %s is not an http(s) URL with a host: the runner and the registration API need the '
            'GitLab base URL, e.g. "https://gitlab.example.com"' % (url, what)
        )
    return url


def _check_choice(value, choices, what, meaning):
    if value not in choices:
        raise ValueError(
            '%s is %r, which is not a known %s: use one of %s' % (what, value, meaning, ", ".join(choices))
        )
    return value


def _check_bool(value, what):
    if not isinstance(value, bool):
        raise ValueError("%s must be true or false, got %s %r" % (what, type(value).__name__, value))
    return value


def _defaults(defaults):
    if not isinstance(defaults, Mapping):
        raise ValueError(
            "runner_plan defaults must be a dict (url, mode, docker_version, ...), got %s: "
            "pass the role's defaults dict as the filter argument" % type(defaults).__name__
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
            % type(docker_defaults).__name__
        )
    version = defaults.get("docker_version")
    if version is not None and not isinstance(version, str):
        version = str(version)
    docker_image = defaults.get("docker_image") or ("docker:%s" % version if version else None)
    dind_image = defaults.get("dind_image") or ("docker:%s-dind" % version if version else None)
    if not docker_image or not dind_image:
        raise ValueError(
            "defaults need docker_version (or both docker_image and dind_image): the job image and the dind "
            'service image are derived from it, e.g. docker_version "27.3.1" gives "docker:27.3.1" and '
            '"docker:27.3.1-dind"'
        )
    builds_dir = defaults.get("builds_dir") or _RUNNER_DEFAULT_BUILDS_DIR
    dind_tls = defaults.get("dind_tls")
    global_settings = defaults.get("global") or {}
    if not isinstance(global_settings, Mapping):
        raise ValueError(
            "defaults global must be a dict of config.toml global keys (concurrent, check_interval, ...), got %s"
            % type(global_settings).__name__
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
        "dind_tls": True if dind_tls is None else _check_bool(dind_tls, "defaults dind_tls"),
        "builds_dir": builds_dir,
        "docker_defaults": docker_defaults,
        "executor": defaults.get("executor") or "docker",
        "global": dict((key, global_settings[key]) for key in ordered if not _is_empty(global_settings[key])),
    }


class _Runner(object):
    """One validated runner entry, with the role's defaults applied."""

    def __init__(self, entry, index, defaults):
        if not isinstance(entry, Mapping):
            raise ValueError(
                "runners[%d] must be a dict with at least a name, got %s %r" % (index, type(entry).__name__, entry)
            )
        entry = _plain(entry)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(
                "runners[%d] has no name (got %r): every runner needs a unique name, it identifies its "
                "[[runners]] table and its registration; add name: <something>" % (index, name)
            )
        self.name = name.strip()
        self.what = 'runner "%s"' % self.name
        unknown = sorted(key for key in entry if key not in _ENTRY_KEYS)
        if unknown:
            raise ValueError(
                "%s has unknown option(s) %s: known options are %s; [[runners]] keys of config.toml go under settings, "
                "[runners.docker] keys under docker" % (self.what, ", ".join(unknown), ", ".join(sorted(_ENTRY_KEYS)))
            )
        self.entry = entry
        self.defaults = defaults
        self.url = _check_url(entry.get("url") or defaults["url"], self.what)
        self.mode = _check_choice(entry.get("mode") or defaults["mode"], MODES, "mode of %s" % self.what,
                                  "Docker mode (socket binds the host's Docker socket, dind runs a dind service)")
        self.state = _check_choice(entry.get("state") or "present", STATES, "state of %s" % self.what, "state")
        token = entry.get("token")
        self.token = None if _is_empty(token) else _check_string(
            token, "token of %s" % self.what, "give the runner authentication token (glrt-...) or leave it out")
        self.runner_type = _check_choice(entry.get("runner_type") or "instance_type", RUNNER_TYPES,
                                         "runner_type of %s" % self.what, "runner type")
        for runner_type, key in (("group_type", "group_id"), ("project_type", "project_id")):
            if self.runner_type == runner_type and _is_empty(entry.get(key)):
                raise ValueError(
                    "%s is a %s runner but has no %s: GitLab needs to know which %s the runner belongs to; "
                    "set %s (the numeric ID) or use runner_type instance_type"
                    % (self.what, runner_type, key, key.split("_", 1)[0], key)
                )
        if not _is_empty(entry.get("access_level")):
            _check_choice(entry["access_level"], ACCESS_LEVELS, "access_level of %s" % self.what, "access level")
        self.tags = self._tags(entry.get("tags"))
        self.builds_dir = self._path("builds_dir")
        self.cache_dir = self._path("cache_dir")
        self.environment = self._environment()
        self.settings = self._settings()
        self.docker = self._docker()

    def _path(self, key):
        value = self.entry.get(key)
        if _is_empty(value):
            return None
        value = _check_string(value, "%s of %s" % (key, self.what), "give an absolute path such as /builds")
        if not value.startswith("/"):
            raise ValueError(
                '%s of %s is "%s", not an absolute path: the runner resolves it inside the job container; '
                "write it from / (e.g. /builds)" % (key, self.what, value)
            )
        return value

    def _tags(self, tags):
        if _is_empty(tags):
            return []
        if isinstance(tags, str):
            tags = tags.split(",")
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise ValueError(
                "tags of %s must be a list of strings, got %r: write e.g. [docker, linux]" % (self.what, tags)
            )
        return [tag.strip() for tag in tags if tag.strip()]

    def _environment(self):
        what = "environment of %s" % self.what
        given = self.entry.get("environment") or []
        own = parse_environment(given, what)
        if self.mode != "dind":
            return list(given)
        certdir = "/certs" if self.defaults["dind_tls"] else ""
        preset = ["%s=%s" % (_TLS_CERTDIR, certdir)]
        # The runner's own entries win: the preset keeps only variables the runner does not set.
        return [item for item in preset if item.partition("=")[0] not in own] + list(given)

    def _settings(self):
        settings = self.entry.get("settings") or {}
        if not isinstance(settings, Mapping):
            raise ValueError(
                "settings of %s must be a dict of [[runners]] keys (limit, request_concurrency, feature_flags, ...), "
                "got %s %r" % (self.what, type(settings).__name__, settings)
            )
        for key in settings:
            if key in RESERVED_SETTINGS:
                raise ValueError(
                    "settings of %s sets %s, which the role writes itself: use %s instead"
                    % (self.what, key, RESERVED_SETTINGS[key])
                )
        return dict((key, value) for key, value in settings.items() if value is not None)

    def _preset(self):
        builds_dir = self.builds_dir or self.defaults["builds_dir"]
        docker = {"tls_verify": False, "image": self.defaults["docker_image"]}
        if self.mode == "socket":
            docker["privileged"] = False
            docker["disable_cache"] = False
            docker["volumes"] = [_SOCKET_BIND, "%s:%s" % (builds_dir, builds_dir), "/cache"]
            docker["shm_size"] = 0
            return docker
        docker["privileged"] = True
        docker["disable_cache"] = False
        docker["volumes"] = ["/certs/client", "/cache"] if self.defaults["dind_tls"] else ["/cache"]
        docker["shm_size"] = 0
        docker["services"] = [{"name": self.defaults["dind_image"], "alias": "docker"}]
        return docker

    def _docker(self):
        given = self.entry.get("docker") or {}
        if not isinstance(given, Mapping):
            raise ValueError(
                "docker of %s must be a dict of [runners.docker] keys (image, volumes, privileged, ...), got %s %r"
                % (self.what, type(given).__name__, given)
            )
        services = self.entry.get("services")
        if "services" in given and services is not None:
            raise ValueError(
                "%s sets services twice, in docker.services and in services: keep one of them (services)" % self.what
            )
        docker = self._preset()
        # Role-wide keys over the preset, then the runner's own; a key given replaces the value, null removes it.
        for layer in (self.defaults["docker_defaults"], given):
            for key, value in layer.items():
                if value is None:
                    docker.pop(key, None)
                else:
                    docker[key] = _plain(value)
        if services is not None:
            docker["services"] = services
        if "services" in docker:
            docker["services"] = self._services(docker["services"])
            if not docker["services"]:
                del docker["services"]
        return docker

    def _services(self, services):
        if not isinstance(services, list):
            raise ValueError(
                "services of %s must be a list of {name, alias, command, entrypoint, environment} dicts, got %s %r"
                % (self.what, type(services).__name__, services)
            )
        tables = []
        for index, service in enumerate(services):
            what = "services[%d] of %s" % (index, self.what)
            if isinstance(service, str):
                service = {"name": service}
            if not isinstance(service, Mapping):
                raise ValueError("%s must be a dict with name (the image), got %s %r" % (what, type(service).__name__,
                                                                                         service))
            unknown = sorted(key for key in service if key not in _SERVICE_KEYS)
            if unknown:
                raise ValueError(
                    "%s has unknown key(s) %s: [[runners.docker.services]] knows %s"
                    % (what, ", ".join(unknown), ", ".join(_SERVICE_KEYS))
                )
            _check_string(service.get("name"), "name of %s" % what, "give the service image, e.g. docker:27.3.1-dind")
            tables.append(dict((key, service[key]) for key in _SERVICE_KEYS if not _is_empty(service.get(key))))
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
        return dict((key, value) for key, value in request.items() if not _is_empty(value))
