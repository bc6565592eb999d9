# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: every rule about the docker role's inputs that needs no host.

:func:`check` takes the role variables already converted by
role_inputs.coerce() and reports: the package version and sources, daemon.json as dockerd
reads it (docker_daemon_config), the registry CA list (registry_certificates),
the host's proxy (http_proxy) and the user names. The platform, the users' existence and the installed
engine are the preflight's: they need the host.
"""

from __future__ import annotations

import re

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    docker_api_versions,
    docker_daemon_config,
    docker_modes,
    gitlab_rules,
    http_proxy,
    registry_certificates,
    signing_keys,
)

__all__ = ["check"]

# An upstream version (27.3.1), a package version (5:27.3.1-1~debian.12~bookworm) or an apt glob (5:27.3*).
_VERSION = re.compile(r"^[0-9][0-9A-Za-z.:~+*-]*\Z")
_USER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?\Z")


def _registry_mirror(values, report):
    """The pull-through cache's settings: where it fetches from, with which account, where it listens."""
    password = values.get("docker_registry_mirror_remote_password")
    if password:
        report.secrets.add(password)
    if not values.get("docker_registry_mirror"):
        return
    url = values.get("docker_registry_mirror_remote_url")
    problem = gitlab_rules.http_url_problem(url)
    if problem:
        report.error("docker_registry_mirror_remote_url", problem + ": the registry the cache fetches from, e.g. "
                                                                    "https://registry-1.docker.io")
    if bool(values.get("docker_registry_mirror_remote_username")) != bool(password):
        report.error("docker_registry_mirror_remote_username, docker_registry_mirror_remote_password",
                     "only one of them is set: the cache logs in upstream with both, or pulls anonymously with "
                     "neither; set the missing one, or empty both")
    port = values.get("docker_registry_mirror_port")
    if isinstance(port, int) and not 1 <= port <= 65535:
        report.error("docker_registry_mirror_port", "is %d: a port is 1 to 65535" % port)
    address = values.get("docker_registry_mirror_address") or ""
    if not address:
        return
    if not gitlab_rules.is_host(address):
        report.error("docker_registry_mirror_address", "is %r, not an IP address or host name: give the address "
                                                       "alone (no scheme, port or path), e.g. 10.0.0.5, or empty it "
                                                       "for the host's default IPv4 address" % address)
    elif address.strip("[]") in ("0.0.0.0", "::"):
        report.error("docker_registry_mirror_address", "is %s, which listens everywhere but is no address to reach: "
                                                       "the daemons need one they can connect to; give the host's IP "
                                                       "address, or empty it for its default IPv4 address" % address)
    else:
        problem = docker_modes.dind_registry_mirror_problem("http://%s" % address)
        if problem:
            report.warning("docker_registry_mirror_address", "serves the host's daemon, but the dind services use the "
                                                             "cache too, and it " + problem)


def _min_api_version(values, report):
    """min-api-version above the Engine API of the pinned Docker: dockerd refuses to start (moby
    daemon/config ValidateMinAPIVersion, "maximum supported API version is ..."). Its syntax and lower bound are
    docker_daemon_config's; an unpinned or unknown version gives no verdict."""
    options = values.get("docker_daemon_options")
    wanted = options.get("min-api-version") if isinstance(options, dict) else None
    version = values.get("docker_version")
    row = docker_api_versions.release(version) if isinstance(version, str) and version else None
    try:
        above = row is not None and docker_api_versions.api_key(wanted) > docker_api_versions.api_key(row["api"])
    except ValueError:
        return
    if above:
        report.error("docker_daemon_options.min-api-version",
                     "is %s, above the Engine API %s of Docker %s (docker_version %s): dockerd refuses to start "
                     "(maximum supported API version is %s); give at most %s" % (
                         wanted, row["api"], row["line"], version, row["api"], row["api"]))


def _log_rotation(values, report):
    """docker_container_log_max_size / _max_files, merged into daemon.json's log-opts (see vars/main.yml)."""
    size, files = values.get("docker_container_log_max_size"), values.get("docker_container_log_max_files")
    if not size:
        return
    if not docker_daemon_config.size_ok(size):
        report.error("docker_container_log_max_size", "is %r, not a size as Docker reads it: a number with k, m or g "
                                                      "(10m, 100k, 1g), or empty for no rotation" % size)
    if isinstance(files, int) and files < 1:
        report.error("docker_container_log_max_files", "is %d: keep at least 1 file" % files)
    options = values.get("docker_daemon_options")
    driver = options.get("log-driver", "json-file") if isinstance(options, dict) else "json-file"
    if driver not in docker_daemon_config.ROTATED_LOG_DRIVERS:
        report.warning("docker_container_log_max_size", "has no effect: docker_daemon_options sets log-driver %s, and "
                                                        "GitLab Runner starts job containers with json-file, which "
                                                        "then gets no log-opts from daemon.json: job logs grow "
                                                        "without bound; keep json-file, or rotate in %s itself"
                       % (driver, driver))


def _as_written(values):
    """docker_daemon_options merged with the log rotation, as daemon.json gets it: dockerd's rules apply to the merge
    (compress: 'true' alone in log-opts is fine, as the rotation adds max-size and max-file). A bad rotation value is
    _log_rotation's to report, as itself: the merge is checked with a good one in its place (the smallest, 1 file)."""
    options = values.get("docker_daemon_options")
    size, files = values.get("docker_container_log_max_size"), values.get("docker_container_log_max_files")
    if not isinstance(options, dict) or not size:
        return options
    return docker_daemon_config.daemon_json(options, size if docker_daemon_config.size_ok(size) else "1m",
                                            files if isinstance(files, int) and files >= 1 else 1)


def check(values, report):
    """Report every problem of the docker role's inputs."""
    version = values.get("docker_version")
    if version and not _VERSION.match(version):
        report.error("docker_version", "is %r, not a package version: give the upstream version, like '27.3.1', or a "
                                       "full package version as `apt-cache madison docker-ce` or `dnf list "
                                       "--showduplicates docker-ce` print it" % version)
    if version and values.get("docker_packages_state") == "latest":
        report.error("docker_packages_state", "is latest, which asks for the newest version, but docker_version %r "
                                              "pins one: keep the pin with docker_packages_state: present, or empty "
                                              "docker_version to follow the newest release" % version)
    for variable in ("docker_apt_key_fingerprint", "docker_rpm_key_fingerprint"):
        value = values.get(variable)
        if value is not None and signing_keys.fingerprint_problem(value):
            report.error(variable, signing_keys.fingerprint_problem(value))
    for variable in ("docker_apt_repository_url", "docker_apt_key_url", "docker_rpm_repository_url",
                     "docker_rpm_key_url"):
        value = values.get(variable)
        # The apt URLs are empty by default: Docker's own for the host's distribution.
        if value is not None and (value or variable.startswith("docker_rpm")):
            problem = gitlab_rules.http_url_problem(value, apt=variable == "docker_apt_repository_url")
            if problem:
                report.error(variable, problem)
    options = values.get("docker_daemon_options")
    if options is not None:
        docker_daemon_config.check_daemon_options(
            _as_written(values), "docker_daemon_options", report.error, report.warning,
            install_source=values.get("docker_install_source") or "docker-ce")
        mirrors = options.get("registry-mirrors") if isinstance(options, dict) else None
        for index, url in enumerate(mirrors if isinstance(mirrors, list) else []):
            problem = isinstance(url, str) and docker_modes.dind_registry_mirror_problem(url)
            if problem:
                report.warning("docker_daemon_options.registry-mirrors[%d]" % index,
                               "serves the host's daemon, but the runner role gives the daemon's mirrors to dind "
                               "services too, and it " + problem + ", or set runner_dind_registry_mirrors")
    _min_api_version(values, report)
    _registry_mirror(values, report)
    _log_rotation(values, report)
    http_proxy.check(values, "docker", report)
    role_proxy = values.get("docker_http_proxy") or values.get("docker_https_proxy")
    if isinstance(options, dict) and "proxies" in options and role_proxy:
        report.error("docker_daemon_options.proxies", "is set, and so is docker_http_proxy/docker_https_proxy: give "
                                                      "the daemon's proxy once; the role's variables also reach the "
                                                      "package manager, the cache and the runner role")
    registry_certificates.check_list(values.get("docker_registry_ca_certs"), "docker_registry_ca_certs", report)
    for index, user in enumerate(values.get("docker_users") or []):
        if not _USER.match(user):
            report.error("docker_users[%d]" % index, "is %r, not a user name" % user)
    users = values.get("docker_users") or []
    for user in sorted(set(user for user in users if users.count(user) > 1)):
        report.warning("docker_users", "lists %r more than once" % user)
