# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: every rule about the runner role's inputs that needs no host.

:func:`check` takes the role variables already converted by
role_inputs.coerce() and reports, with the variable's path: GitLab's URL and
credential rules (gitlab_rules), the runner list (runner_plan, which applies
GitLab's attribute rules), the settings gitlab-runner refuses in config.toml
(config_toml_findings.findings() of the rendered file, mapped back to the variable
that set them), versions, paths and the registry CA list. What needs the host
(the live config.toml, files on it) stays in the role's preflight.
"""

from __future__ import annotations

import os
import re

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    config_toml_findings,
    docker_cleanup,
    docker_api_versions,
    docker_auth,
    docker_daemon_config,
    docker_modes,
    gitlab_rules,
    http_proxy,
    registry_certificates,
    runner_plan,
    signing_keys,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import MAX_BACKOFF_DELAY, MAX_RETRIES
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

__all__ = ["GLOBAL_VARIABLES", "check", "listen_address", "plan_defaults"]

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
# [[runners]] keys the plan writes from the runner item's own options, not from its settings.
_PLAN_KEYS = ("name", "url", "executor", "builds_dir", "cache_dir", "environment", "docker", "token", "id")
_RUNNER_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+\Z")
_DOCKER_VERSION = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?\Z")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}\Z")
# What `docker ... prune --filter until=` takes as an age (a Go duration; timestamps are not ages).
_DURATION = re.compile(r"^(?:[0-9]+(?:h|m|s))+\Z")
# A label key, or key=value, as `--filter label!=` takes it.
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?(?:=[^\s,]*)?\Z")
_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}\Z")
# Ranges of the role's own settings (config.toml's, such as concurrent, are checked on the rendered file).
_RANGES = (
    ("runner_check_interval", 0, None, "seconds between job requests (0 means the runner's default of 3)"),
    ("runner_shutdown_timeout", 0, None, "seconds"),
    ("runner_graceful_stop_timeout", 0, None, "seconds a stop waits for running jobs"),
    ("runner_api_timeout", 1, None, "seconds each request to GitLab may take"),
    ("runner_api_retries", 0, MAX_RETRIES, "retries of a failed request to GitLab"),
    ("runner_api_backoff", 0, int(MAX_BACKOFF_DELAY), "seconds before the first repeat of a failed request to GitLab"),
    ("runner_dind_mtu", 0, 65535, "the MTU of the dind services' daemons, 0 for Docker's default of 1500"),
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
        if (values.get("runner_gitlab_url") or "").startswith("http://"):
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
            problem = gitlab_rules.http_url_problem(value)
            if problem:
                report.error(variable, problem)
    if values.get("runner_install_method") == "file":
        source = values.get("runner_binary_src") or ""
        if not source or not os.path.isfile(os.path.expanduser(source)):
            report.error("runner_binary_src", "is %r, not a file on the controller, but runner_install_method is "
                                              "'file': point it at a gitlab-runner binary" % source)


def _finding_path(finding, indexes):
    """The variable that set what a config.toml finding is about."""
    runner, table = finding.get("runner"), finding.get("table") or ""
    if runner is None:
        if table == "session_server":
            return "runner_session_server"
        key = re.match(r'"?([A-Za-z_]+)', finding["message"].split(": ", 1)[-1])
        return GLOBAL_VARIABLES.get(key.group(1) if key else "", "runner_entries")
    index = indexes.get(runner)
    base = "runner_entries[%d]" % index if index is not None else "runner_entries"
    if table.startswith("runners.docker"):
        return base + ".docker"
    if table.startswith("runners."):
        return base + ".settings." + table.split(".", 1)[1]
    # A [[runners]] key the role does not write itself came from the runner's settings.
    key = re.match(r'(?:unknown key )?"?([A-Za-z0-9_-]+)', finding["message"].split("]]: ", 1)[-1])
    if key and key.group(1) not in _PLAN_KEYS:
        return base + ".settings"
    return base


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


def _job_image_variable(values, entries, index):
    """The variable that set the job image of runner_entries[index]: its own, the role-wide keys, or the default."""
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else {}
    if isinstance(entry, dict) and isinstance(entry.get("docker"), dict) and "image" in entry["docker"]:
        return "runner_entries[%d].docker.image" % index
    if "image" in (values.get("runner_docker_defaults") or {}):
        return "runner_docker_defaults.image"
    if values.get("runner_docker_image") == "docker:%s" % values.get("runner_docker_version"):
        return "runner_docker_version"
    return "runner_docker_image"


def _docker_api(values, plan, report):
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
    entries = values.get("runner_entries") or []
    indexes = dict((entry.get("name"), index) for index, entry in enumerate(entries) if isinstance(entry, dict))
    reported = set()
    for table in plan["config"].get("runners", []):
        if plan["modes"].get(table.get("name")) != "socket":
            continue
        path = _job_image_variable(values, entries, indexes.get(table.get("name"), len(entries)))
        fixed = dict(item.partition("=")[::2] for item in table.get("environment", [])
                     if isinstance(item, str)).get("DOCKER_API_VERSION")
        problem = docker_api_versions.cli_problem(table.get("docker", {}).get("image"), engine, engine_name=engine_name,
                                                  fixed_api=fixed, names=dict(names, image_pin=path))
        if problem and (path, problem) not in reported:
            reported.add((path, problem))
            report.error(path, problem)
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
    indexes = dict((entry.get("name"), index) for index, entry in enumerate(entries or [])
                   if isinstance(entry, dict))
    for finding in config_toml_findings.findings(dumps(plan["config"]), plan["modes"]):
        path = _finding_path(finding, indexes)
        if path == "runner_listen_address":
            path = _listen_variable(values)
        if finding["severity"] == "error":
            report.error(path, finding["message"])
        else:
            report.warning(path, finding["message"])
    _docker_api(values, plan, report)
    return None if report.errors else plan
