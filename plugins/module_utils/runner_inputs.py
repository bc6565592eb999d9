# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: every rule about the runner role's inputs that needs no host.

:func:`check` takes the role variables already converted by
role_inputs.coerce() and reports, with the variable's path: GitLab's URL and
credential rules (gitlab_rules), the runner list (runner_plan, which applies
GitLab's attribute rules), the settings gitlab-runner refuses in config.toml
(config_toml_findings.findings() of the rendered file), versions, paths and the registry CA list. What needs the
host (the live config.toml, files on it) stays in the role's preflight.

A finding about the rendered file names the variable the user wrote and the runner it reached: the plan's
provenance says where each value came from (the runner's own option, runner_docker_defaults, the mode's preset,
the job image derived from runner_docker_version...), and :func:`plan_variable` turns that into the variable.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    config_toml_findings,
    docker_cleanup,
    docker_api_versions,
    docker_auth,
    docker_daemon_config,
    docker_executor,
    docker_modes,
    gitlab_rules,
    http_proxy,
    registry_certificates,
    runner_plan,
    signing_keys,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import MAX_BACKOFF_DELAY, MAX_RETRIES
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

__all__ = ["DEFAULT_VARIABLES", "GLOBAL_VARIABLES", "check", "listen_address", "plan_defaults", "plan_variable"]

# config.toml global key -> the role variable that sets it.
GLOBAL_VARIABLES = {
    "concurrent": "runner_concurrent",
    "check_interval": "runner_check_interval",
    "log_level": "runner_log_level",
    "log_format": "runner_log_format",
    "shutdown_timeout": "runner_shutdown_timeout",
    "listen_address": "runner_listen_address",
    "session_server": "runner_session_server",
}
# Each default of runner_plan (``defaults.<key>`` in its provenance) -> the role variable that sets it, as
# plan_defaults() passes them; None for what the role decides itself. The images and listen_address: plan_variable().
DEFAULT_VARIABLES = {
    "url": "runner_gitlab_url",
    "mode": "runner_mode",
    "docker_version": "runner_docker_version",
    "dind_tls": "runner_dind_tls",
    "builds_dir": "runner_builds_dir",
    "docker_defaults": "runner_docker_defaults",
    "dind_registry_mirrors": "runner_dind_registry_mirrors",
    "dind_mtu": "runner_dind_mtu",
    "proxy.http_proxy": "runner_http_proxy",
    "proxy.https_proxy": "runner_https_proxy",
    "proxy.no_proxy": "runner_no_proxy",
    "registry_credentials": "runner_registry_credentials",
    "executor": None,
}
_RUNNER_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+\Z")
_DOCKER_VERSION = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?\Z")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}\Z")
# What `docker ... prune --filter until=` takes as an age (a Go duration; timestamps are not ages).
_DURATION = re.compile(r"^(?:[0-9]+(?:h|m|s))+\Z")
# A label key, or key=value, as `--filter label!=` takes it.
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?(?:=[^\s,]*)?\Z")
_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}\Z")
# Ranges of the role's own settings (config.toml's, such as concurrent, are checked on the rendered file, and
# runner_check_interval's 0 and less are the runner's default of 3 s: config_toml_meanings).
_RANGES = (
    # The role adds it to the service's stop timeout (graceful-stop.conf), so it is not negative.
    ("runner_shutdown_timeout", 0, None, "seconds; 0 is the runner's default of 30"),
    ("runner_graceful_stop_timeout", 0, None, "seconds a stop waits for running jobs"),
    ("runner_api_timeout", 1, None, "seconds each request to GitLab may take"),
    ("runner_api_retries", 0, MAX_RETRIES, "retries of a failed request to GitLab"),
    ("runner_api_backoff", 0, int(MAX_BACKOFF_DELAY), "seconds before the first repeat of a failed request to GitLab"),
    ("runner_dind_mtu", 0, 65535, "the MTU of the dind services' daemons, 0 for Docker's default of 1500"),
    ("runner_docker_host_cpus", 0, None, "the CPUs of the host's Docker daemon, 0 for not known"),
)
# The smallest MTU IPv6 works with: a dind daemon's networks below it lose IPv6.
_IPV6_MIN_MTU = 1280


def plan_defaults(values):
    """The defaults runner_plan takes, from the role variables (as vars/main.yml passes them)."""
    return {
        "url": values.get("runner_gitlab_url", ""),
        "mode": values.get("runner_mode"),
        "docker_version": values.get("runner_docker_version"),
        "docker_image": values.get("runner_docker_image"),
        "dind_image": values.get("runner_dind_image"),
        "dind_tls": values.get("runner_dind_tls", True),
        "builds_dir": values.get("runner_builds_dir"),
        "docker_defaults": values.get("runner_docker_defaults") or {},
        "dind_registry_mirrors": values.get("runner_dind_registry_mirrors") or [],
        # Out of range is reported as runner_dind_mtu; the plan goes on without it.
        "dind_mtu": _in_range(values.get("runner_dind_mtu"), 1, 65535) or 0,
        "proxy": {
            "http_proxy": values.get("runner_http_proxy") or "",
            "https_proxy": values.get("runner_https_proxy") or "",
            "no_proxy": values.get("runner_no_proxy") or [],
            "gitlab_internal": bool(values.get("runner_gitlab_internal")),
        },
        # Wrong credentials are reported as runner_registry_credentials; the plan goes on without them.
        "registry_credentials": ([] if docker_auth.credential_problems(values.get("runner_registry_credentials"), "")
                                 else values.get("runner_registry_credentials") or []),
        "executor": "docker",
        "global": dict(dict((key, values.get(variable)) for key, variable in GLOBAL_VARIABLES.items()),
                       listen_address=listen_address(values)),
    }


def _in_range(value, low, high):
    """``value`` when it is an integer from ``low`` to ``high``, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else None


def listen_address(values):
    """The listen_address config.toml gets: runner_metrics_listen_address, else its older name runner_listen_address."""
    return values.get("runner_metrics_listen_address") or values.get("runner_listen_address")


def _listen_variable(values):
    return "runner_metrics_listen_address" if values.get("runner_metrics_listen_address") else "runner_listen_address"


def _credential(values, report):
    access, registration = values.get("runner_access_token"), values.get("runner_registration_token")
    problem = gitlab_rules.credentials_problem(access, registration)
    if problem:
        report.error("runner_access_token, runner_registration_token", problem + ": set runner_registration_token to \"\"")
    for variable, use in (("runner_access_token", "access"), ("runner_registration_token", "registration")):
        if values.get(variable):
            problem = gitlab_rules.token_problem(values[variable], use)
            if problem:
                report.error(variable, problem)
    return "access" if access else ("registration" if registration else None)


def _scalars(values, report):
    url = values.get("runner_gitlab_url")
    if url:
        problem = gitlab_rules.url_problem(url)
        if problem:
            report.error("runner_gitlab_url", problem)
    version = values.get("runner_version")
    if version and not _RUNNER_VERSION.match(version):
        report.error("runner_version", "is %r, not X.Y.Z (e.g. \"17.11.0\") or empty: it selects the gitlab-runner "
                                       "package and binary" % version)
    version = values.get("runner_docker_version")
    if version is not None and not _DOCKER_VERSION.match(version):
        report.error("runner_docker_version", "is %r, not X.Y or X.Y.Z (e.g. \"27.5.1\"): it is the tag of the docker "
                                              "CLI image and of the dind service image" % version)
    for variable, low, high, meaning in _RANGES:
        value = values.get(variable)
        if isinstance(value, int) and (value < low or (high is not None and value > high)):
            report.error(variable, "is %d, but must be %s (%s)" % (
                value, ("from %d to %d" % (low, high)) if high is not None else "at least %d" % low, meaning))
    user = values.get("runner_user")
    if user is not None and not _USER.match(user):
        report.error("runner_user", "is %r, not a user name (lower-case letters, digits, _ and -, at most 32)" % user)
    for variable in ("runner_builds_dir", "runner_config_dir", "runner_home", "runner_metrics_file_sd_path"):
        value = values.get(variable)
        if value is not None and (not value.startswith("/") or re.search(r"\s", value)):
            report.error(variable, "is %r, not an absolute path without whitespace" % value)
    metrics, listen = values.get("runner_metrics_listen_address"), values.get("runner_listen_address")
    if metrics and listen and metrics != listen:
        report.error("runner_metrics_listen_address", "is %r, but runner_listen_address (its older name) is %r: set only "
                                                      "runner_metrics_listen_address" % (metrics, listen))
    until = values.get("runner_docker_cleanup_until")
    if until is not None and not _DURATION.match(until):
        report.error("runner_docker_cleanup_until", "is %r, not an age like 24h, 90m or 1h30m (docker prune's until "
                                                    "filter takes a Go duration)" % until)
    label = values.get("runner_docker_cleanup_keep_label")
    if label is not None and not _LABEL.match(label):
        report.error("runner_docker_cleanup_keep_label", "is %r, not a label key (or key=value) without spaces or "
                                                         "commas, as docker's label filters take it" % label)
    for variable, what in (("runner_docker_cleanup_min_free", "free space"),
                           ("runner_docker_cleanup_min_free_inodes", "inodes")):
        threshold = values.get(variable)
        if threshold:
            problem = docker_cleanup.threshold_problem(threshold, what)
            if problem:
                report.error(variable, problem)
            elif not values.get("runner_docker_cleanup_schedule"):
                report.error(variable, "is set, but runner_docker_cleanup_schedule is empty, so no timer checks the "
                                       "free space: give a schedule such as '*:0/15' (every 15 minutes)")
    schedule = values.get("runner_docker_cleanup_schedule")
    if schedule and (schedule != schedule.strip() or "\n" in schedule):
        report.error("runner_docker_cleanup_schedule", "is %r: an OnCalendar expression is one line without "
                                                       "leading or trailing spaces" % schedule)
    target = values.get("runner_metrics_target")
    if target:
        problem = config_toml_findings.listen_address_problem("runner_metrics_target", target)
        if problem:
            report.error("runner_metrics_target", problem)
    gitlab_ca = values.get("runner_gitlab_ca_cert")
    if gitlab_ca:
        problem = registry_certificates.certificate_problem(gitlab_ca, "the CA certificate of GitLab's server")
        if problem:
            report.error("runner_gitlab_ca_cert", problem)
        if values.get("runner_ca_path"):
            report.error("runner_gitlab_ca_cert", "is set, and so is runner_ca_path (%r): give GitLab's CA one way, "
                                                  "runner_gitlab_ca_cert (written where gitlab-runner reads it) or "
                                                  "runner_ca_path (a bundle already on the host)"
                         % values["runner_ca_path"])
        if (values.get("runner_gitlab_url") or "").lower().startswith("http://"):
            report.warning("runner_gitlab_ca_cert", "is set, but runner_gitlab_url is http://: no certificate is "
                                                    "checked until it is https://")
    ca_path = values.get("runner_ca_path")
    if ca_path and not ca_path.startswith("/"):
        report.error("runner_ca_path", "is %r, not an absolute path: give the PEM bundle's path on the runner host"
                     % ca_path)
    sha = values.get("runner_binary_sha256")
    if sha and not _SHA256.match(sha):
        report.error("runner_binary_sha256", "must be 64 hex digits (the sha256 of the binary), or empty to use the "
                                             "release's checksums")
    fingerprint = values.get("runner_package_key_fingerprint")
    if fingerprint is not None and signing_keys.fingerprint_problem(fingerprint):
        report.error("runner_package_key_fingerprint", signing_keys.fingerprint_problem(fingerprint))
    for variable in ("runner_package_repository_url", "runner_binary_base_url", "runner_package_key_url",
                     "runner_package_rpm_repository_url"):
        value = values.get(variable)
        # The optional URLs are empty by default: derived from runner_package_repository_url.
        if value is not None and (value or variable in ("runner_package_repository_url", "runner_binary_base_url")):
            problem = gitlab_rules.http_url_problem(value, apt=variable == "runner_package_repository_url")
            if problem:
                report.error(variable, problem)
    if values.get("runner_install_method") == "file":
        source = values.get("runner_binary_src") or ""
        if not source or not os.path.isfile(os.path.expanduser(source)):
            report.error("runner_binary_src", "is %r, not a file on the controller, but runner_install_method is "
                                              "'file': point it at a gitlab-runner binary" % source)


def plan_variable(values, origin):
    """The variable path a user wrote for ``origin``, a path of runner_plan's provenance, or None (the role's own).

    ``runner_entries[2].docker.image`` stays as it is; ``defaults.docker_defaults.pull_policy`` is
    ``runner_docker_defaults.pull_policy``; the images are the variable their value comes from (the role's defaults
    derive ``runner_docker_image`` and ``runner_dind_image`` from ``runner_docker_version``).
    """
    if not origin.startswith("defaults."):
        return origin
    key = origin[len("defaults."):]
    if key.startswith("global."):
        name, rest = _split_first(key[len("global."):])
        variable = _listen_variable(values) if name == "listen_address" else GLOBAL_VARIABLES.get(name)
        return variable + rest if variable else None
    if key.startswith(("docker_image", "dind_image")):
        name, rest = _split_first(key)
        return _image_variable(values, name) + rest
    for default in sorted(DEFAULT_VARIABLES, key=len, reverse=True):
        if key == default or key.startswith((default + ".", default + "[")):
            variable = DEFAULT_VARIABLES[default]
            return variable + key[len(default):] if variable else None
    return None


def _split_first(path):
    """``path``'s first key and the rest: ``session_server.listen_address`` gives ``session_server``, ``.listen_address``."""
    match = re.match(r"^([^.\[]+)(.*)\Z", path)
    return match.group(1), match.group(2)


def _image_variable(values, key):
    """The variable a default image came from: the role's defaults derive both from runner_docker_version."""
    version = values.get("runner_docker_version")
    image = values.get("runner_" + key)
    if key == "docker_image":
        return "runner_docker_version" if image == "docker:%s" % version else "runner_docker_image"
    if image in ("docker:%s-dind" % version, "runnerops.invalid/dind-with-ca:%s-dind" % version):
        return "runner_docker_version"
    return "runner_dind_base_image" if image == values.get("runner_dind_base_image") else "runner_dind_image"


def _origin_of(provenance, key):
    """``(origin path, as_written)`` of the config path ``key`` through its nearest recorded parent, or None.

    A value below one recorded as written is the same path below its input (``runners[0].docker.volumes[2]`` under
    ``runner_entries[0].docker.volumes``); below a derived one, it is the input itself. A runner's table as a whole
    (``runners[0]``) names no value: None.
    """
    rest = ""
    while key:
        origin = provenance.get(key)
        if origin is not None:
            if re.match(r"^runners\[\d+\]\Z", key):
                return None
            return (origin["from"] + rest, True) if origin["as_written"] else (origin["from"], False)
        match = re.match(r"^(.*?)(\[\d+\]|\.[^.\[]+)\Z", key)
        if not match:
            return None
        key, rest = match.group(1), match.group(2) + rest
    return None


def _config_label(table, location):
    """How a runner table's ``location`` reads in config.toml: ``[runners.docker] image``, ``[[runners]] environment
    NO_PROXY`` (an environment entry by its variable's name; its value may be secret)."""
    environment = re.match(r"^environment\[(\d+)\]\Z", location)
    if environment:
        entries = table.get("environment") or []
        index = int(environment.group(1))
        if index < len(entries) and isinstance(entries[index], str):
            return "[[runners]] environment %s" % entries[index].partition("=")[0]
    if location.startswith("docker."):
        return "[runners.docker] " + location[len("docker."):]
    return "[[runners]] " + location


class _Named(object):
    """Findings named for what the user wrote: one line per variable and message, listing every runner it reached."""

    def __init__(self):
        self.lines = []

    def add(self, severity, variables, message, runner=None, labels=()):
        """``runner`` (its ``runner_entries[i] "name"``) and ``labels`` (where in its table) give the "via" part;
        a finding that names one runner's own options has none."""
        for line in self.lines:
            if line["key"] == (severity, variables, tuple(labels), message) and runner and runner not in line["runners"]:
                line["runners"].append(runner)
                return
        self.lines.append({"key": (severity, variables, tuple(labels), message), "severity": severity,
                           "variables": variables, "labels": list(labels), "message": message,
                           "runners": [runner] if runner else []})

    def report(self, report):
        for line in self.lines:
            path = ", ".join(line["variables"])
            via = [" and ".join(line["runners"])] if line["runners"] else []
            via += [", ".join(line["labels"])] if line["labels"] else []
            if via:
                path += " (via %s)" % ", ".join(via)
            (report.error if line["severity"] == "error" else report.warning)(path, line["message"])


def _name_finding(named, values, plan, finding, indexes):
    """Add a config.toml finding of the rendered plan, named for the variables the user wrote (see check())."""
    provenance = plan.get("provenance") or {}
    tables = plan["config"].get("runners", [])
    resolved = []
    for key in finding.get("keys") or []:
        origin = _origin_of(provenance, key)
        variable = plan_variable(values, origin[0]) if origin else None
        if variable and variable not in [item[0] for item in resolved]:
            resolved.append((variable, origin[1], key))
    runner = finding.get("runner")
    index = indexes.get(runner)
    if not resolved:
        # Nothing of what the finding is about came from a known input: the runner, or the list, and the whole message.
        named.add(finding["severity"], ("runner_entries[%d]" % index if index is not None else "runner_entries",),
                  finding["message"])
        return
    message = config_toml_findings.without_location(finding)
    if runner is None or index is None:
        named.add(finding["severity"], tuple(variable for variable, _w, _k in resolved), message)
        return
    own = "runner_entries[%d]" % index
    # A value the runner item holds as written needs no "via": its path says where it is.
    elsewhere = [(variable, key) for variable, written, key in resolved
                 if not (written and (variable == own or variable.startswith((own + ".", own + "["))))]
    if not elsewhere:
        named.add(finding["severity"], tuple(variable for variable, _w, _k in resolved), message)
        return
    number = next(number for number, table in enumerate(tables) if table.get("name") == runner)
    labels = [_config_label(tables[number], key.split(".", 1)[1]) for _variable, key in elsewhere if "." in key]
    named.add(finding["severity"], tuple(variable for variable, _w, _k in resolved), message,
              '%s "%s"' % (own, runner), labels)


def _dind_registry_mirrors(values, report):
    mirrors = values.get("runner_dind_registry_mirrors") or []
    docker_daemon_config.check_registry_mirrors(mirrors, "runner_dind_registry_mirrors", report.error, report.warning)
    entries = values.get("runner_entries")
    if not docker_modes.any_dind(values.get("runner_mode"), entries if isinstance(entries, list) else []):
        return
    for index, url in enumerate(mirrors):
        problem = isinstance(url, str) and docker_modes.dind_registry_mirror_problem(url)
        if problem:
            report.error("runner_dind_registry_mirrors[%d]" % index, problem + ", or set runner_dind_registry_mirrors "
                                                                               "to mirrors the services can reach")


def _dind_mtu(values, report):
    mtu = values.get("runner_dind_mtu")
    if isinstance(mtu, int) and 0 < mtu < 68:
        report.error("runner_dind_mtu", "is %d, below IPv4's minimum of 68: give the MTU of the hosts' link "
                                        "(ip link), e.g. 1400, or 0 for Docker's default" % mtu)
    elif isinstance(mtu, int) and 68 <= mtu < _IPV6_MIN_MTU:
        report.warning("runner_dind_mtu", "is %d, below IPv6's minimum of 1280: the dind daemons' networks carry "
                                          "IPv4 only" % mtu)


def _proxy_for_binary(values, report):
    """The binary's download (get_url) reads the proxy from its task's environment, which Ansible prints at -vvv."""
    if values.get("runner_install_method") != "binary":
        return
    for variable in ("runner_http_proxy", "runner_https_proxy"):
        url = values.get(variable)
        if isinstance(url, str) and "@" in url.partition("://")[2].split("/", 1)[0]:
            report.error(variable, "holds a user and password, and runner_install_method is binary, whose download "
                                   "would need them in its task's environment, which Ansible prints at -vvv: use "
                                   "runner_install_method: repository (apt and dnf get the credentials privately), or "
                                   "a proxy (a local forwarder) without credentials")
            return


def _registry_credentials(values, report):
    entries = values.get("runner_registry_credentials") or []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("password"), str) and entry["password"]:
            report.secrets.add(entry["password"])
    docker_auth.check_list(entries, "runner_registry_credentials", report)


def _docker_api(values, plan, report, named):
    """Socket jobs' Docker CLI and gitlab-runner itself against the host's Docker Engine (docker_api_versions).

    The engine is runner_docker_engine_version: the docker role's docker_version, else what ``dockerd --version``
    printed on the host when the docker role's preflight read it in this play. Dind jobs' CLI and services are
    config.toml findings (docker_modes). An engine, image or runner version the table does not know is no problem.
    """
    version = values.get("runner_docker_engine_version") or ""
    min_api = values.get("runner_docker_min_api_version") or ""
    if min_api and not re.match(r"^[0-9]+\.[0-9]+\Z", min_api):
        report.error("runner_docker_min_api_version", "is %r, not an API version such as 1.24 (the min-api-version of "
                                                      "the host's daemon.json) or empty" % min_api)
        min_api = ""
    if version and not docker_api_versions.parse_version(version):
        report.error("runner_docker_engine_version", "is %r, not a Docker version such as 29.1.3 or empty" % version)
        return
    engine = docker_api_versions.engine(version, min_api_version=min_api or None) if version else None
    if engine is None:
        return
    engine_name = "runner_docker_engine_version%s" % (
        ", found on the host" if version.startswith("Docker version") else "")
    names = {"min_api": "docker_daemon_options",
             "engine_pin": "docker_version", "runner_pin": "runner_version"}
    indexes = _entry_indexes(values)
    for number, table in enumerate(plan["config"].get("runners", [])):
        if plan["modes"].get(table.get("name")) != "socket":
            continue
        key = "runners[%d].docker.image" % number
        origin = _origin_of(plan.get("provenance") or {}, key)
        variable = (origin and plan_variable(values, origin[0])) or "runner_entries"
        fixed = dict(item.partition("=")[::2] for item in table.get("environment", [])
                     if isinstance(item, str)).get("DOCKER_API_VERSION")
        problem = docker_api_versions.cli_problem(table.get("docker", {}).get("image"), engine, engine_name=engine_name,
                                                  fixed_api=fixed, names=dict(names, image_pin=variable))
        if problem:
            _name_finding(named, values, plan, {"severity": "error", "message": problem, "runner": table.get("name"),
                                                "keys": [key]}, indexes)
    result = docker_api_versions.runner_problem(values.get("runner_version"), engine, engine_name=engine_name,
                                                names=names)
    if result:
        (report.error if result[0] == "error" else report.warning)("runner_version", result[1])


def check(values, report):
    """Report every problem of the runner role's inputs; return the plan when there is none."""
    credential = _credential(values, report)
    _scalars(values, report)
    _dind_registry_mirrors(values, report)
    _dind_mtu(values, report)
    http_proxy.check(values, "runner", report, jobs_see_it=True)
    _registry_credentials(values, report)
    _proxy_for_binary(values, report)
    registry_certificates.check_list(values.get("runner_registry_ca_certs"), "runner_registry_ca_certs", report)
    entries = values.get("runner_entries")
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("token"), str):
            report.secrets.add(entry["token"])
    try:
        plan = runner_plan.runner_plan(entries, plan_defaults(values), credential=credential)
    except runner_plan.PlanError as error:
        for path, message in error.problems:
            if path != runner_plan.DEFAULT_URL_PATH:  # reported above as runner_gitlab_url
                report.error(path, message)
        return None
    except ValueError as error:
        report.error("runner_entries", str(error))
        return None
    indexes = _entry_indexes(values)
    named = _Named()
    runner_types = dict((request["name"], request.get("runner_type")) for request in plan["registrations"])
    for finding in config_toml_findings.findings(dumps(plan["config"]), plan["modes"], runner_types=runner_types):
        _name_finding(named, values, plan, finding, indexes)
    _docker_api(values, plan, report, named)
    _host_cpus(values, plan, named, indexes)
    _local_dind_image(values, plan, report, indexes)
    named.report(report)
    if not plan["registrations"]:
        report.warning("runner_entries", "no runner is configured: config.toml gets the global settings only. To "
                                         "register one, set runner_gitlab_url and runner_access_token (scope "
                                         "create_runner), or list runners with their tokens in runner_entries")
    return None if report.errors else plan


def _host_cpus(values, plan, named, indexes):
    """cpus and service_cpus against the CPUs of the host's Docker daemon (runner_docker_host_cpus; 0 is unknown).

    Only for runners that use the host's daemon: a [runners.docker] host other than a unix socket is another machine.
    """
    host_cpus = values.get("runner_docker_host_cpus") or 0
    for number, table in enumerate(plan["config"].get("runners", [])):
        docker = table.get("docker") or {}
        if not docker_executor.local_daemon(docker.get("host")):
            continue
        for key in ("cpus", "service_cpus"):
            value = docker.get(key)
            problem = docker_executor.cpus_over_host_problem(key, value, host_cpus) if isinstance(value, str) else None
            if problem:
                _name_finding(named, values, plan, {"severity": "error", "message": problem,
                                                    "runner": table.get("name"),
                                                    "keys": ["runners[%d].docker.%s" % (number, key)]}, indexes)


def _local_dind_image(values, plan, report, indexes):
    """A dind service image built on the host (runner_registry_ca_certs) needs a pull policy that takes a local image.

    No registry serves it (runnerops.invalid/...): with the runner's default, always, every dind job fails its pull.
    """
    image = values.get("runner_dind_image")
    if not values.get("runner_registry_ca_certs") or not isinstance(image, str):
        return
    for runner in plan["config"].get("runners", []):
        docker = runner.get("docker") or {}
        if image not in [service.get("name") for service in docker.get("services") or [] if isinstance(service, dict)]:
            continue
        try:
            policies = docker_executor.pull_policies(docker)
        except ValueError:
            continue  # the config.toml findings name it
        if "if-not-present" in policies or "never" in policies:
            continue
        index = indexes.get(runner.get("name"))
        where = "runner_entries[%d].docker.pull_policy" % index if index is not None else "runner_docker_defaults"
        report.error(where, "is %s for runner %s, whose dind service is %s: built on this host with "
                            "runner_registry_ca_certs, it is in no registry, so the runner's pull fails every dind "
                            "job; add if-not-present after always (pull_policy: [always, if-not-present]: other "
                            "images are still pulled each time, this one falls back to the local copy)"
                     % (json.dumps(policies), json.dumps(runner.get("name")), image))


def _entry_indexes(values):
    """runner_entries' index of each runner name."""
    entries = values.get("runner_entries")
    return dict((entry.get("name"), index) for index, entry in enumerate(entries if isinstance(entries, list) else [])
                if isinstance(entry, dict))
