# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the config.toml values GitLab Runner gives a meaning of its own.

Many keys are read through a getter with a default (common/config.go ``GetCheckInterval``: 0 or less is 3 s), so
values a reader would refuse or misread are valid: ``limit = 0`` is no limit, ``check_interval = 0`` the default
of 3 s, ``listen_address = "localhost"`` is completed to ``localhost:9252``. :data:`MEANINGS` is the one table of
them: what the runner does with each value (its source named), what to write instead where that surprises, and
whether it does (``say``). config_toml_findings accepts every value the table gives a meaning and reports the
surprising ones as ``value-meaning`` warnings; the runner role's checks read the same table.
"""

from __future__ import annotations

import re
from collections import namedtuple

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import gitlab_rules

__all__ = ["DEFAULT_METRICS_PORT", "LISTEN_ADDRESS", "MEANINGS", "Meaning", "listen_address_parts", "meaning"]

# common/consts.go DefaultMetricsServerPort: commands/multi.go listenAddress() adds it to an address without a port.
DEFAULT_METRICS_PORT = 9252

# section: the schema section (config_toml_schema); key; applies: whether the value has this meaning; means: what the
# runner does with it (a function of the value for the few that depend on it); source: where the runner decides it;
# instead: what to write for what the value seems to say; say: whether it surprises enough to be reported.
Meaning = namedtuple("Meaning", "section key applies means source instead say")

# host:port, [ipv6]:port, :port or a host alone, as Go's net.SplitHostPort reads them (a host alone is "missing port").
LISTEN_ADDRESS = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[^:\[\]\s]*)(?::(\d{1,5}))?\Z")
_EVERY_ADDRESS = ("", "0.0.0.0", "[::]")  # the host part as listen_address_parts() gives it: IPv6 in brackets
# A Go duration (time.ParseDuration: "0" alone, else every number with a unit) that is zero.
_ZERO_DURATION = re.compile(r"^[-+]?(?:0|(?:0+(?:\.0*)?(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)\Z")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_at_most(limit):
    return lambda value: _is_int(value) and value <= limit


def _int_equal(number):
    return lambda value: _is_int(value) and value == number


def _empty_string(value):
    return value == ""


def _zero_size(value):
    """An empty size, or a zero one: docker/go-units RAMInBytes and big.Rat read "0", "0m", "0.0" as 0."""
    return isinstance(value, str) and re.match(r"^\s*0*(?:\.0*)?\s?(?:[kKmMgGtTpP]?[iI]?[bB]?)\s*\Z", value) is not None


def _zero_number(value):
    """An empty CPU count, or a zero one: big.Rat reads "0", "0.0", "0/1" as 0."""
    return isinstance(value, str) and re.match(r"^0*(?:\.0*)?(?:/[0-9]+)?\Z", value) is not None


def _duration_zero(value):
    return (_is_int(value) and value == 0) or (isinstance(value, str) and _ZERO_DURATION.match(value) is not None)


def _duration_negative(value):
    if _is_int(value):
        return value < 0
    return isinstance(value, str) and value.startswith("-") and not _duration_zero(value)


def _duration_not_positive(value):
    return _duration_zero(value) or _duration_negative(value)


def _empty_list(value):
    return isinstance(value, list) and not value


def listen_address_parts(value):
    """``(host, port)`` of a listen address as Go's net.SplitHostPort splits it (``port`` None when absent), or None.

    ``":9252"`` is ``("", 9252)``, ``"localhost"`` is ``("localhost", None)``; an address Go cannot split (a bare
    IPv6 address, a trailing colon, a port past 65535, whitespace) is None.
    """
    if not isinstance(value, str):
        return None
    match = LISTEN_ADDRESS.match(value)
    if not match:  # a trailing colon, whitespace, a bare IPv6 address: no match
        return None
    port = match.group(2)
    if port is not None and not 1 <= int(port) <= 65535:
        return None
    return match.group(1), int(port) if port is not None else None


def _listen_address_applies(value):
    parts = listen_address_parts(value)
    return parts is not None and value != "" and (parts[1] is None or parts[0] in _EVERY_ADDRESS)


def _listen_address_means(value):
    host, port = listen_address_parts(value)
    said = []
    if port is None:
        said.append("the runner adds its default port: it listens on %s:%d" % (host, DEFAULT_METRICS_PORT))
    if host in _EVERY_ADDRESS:
        said.append("it listens on every address of the host, and /metrics, /debug/jobs/list and /debug/pprof "
                    "answer anyone who reaches the port, without authentication")
    return "; ".join(said)


def _legacy_ci_url(value):
    """A runner URL GitLab's rules accept that ends in the legacy /ci suffix (common/config.go WarnOnLegacyCIURL)."""
    return (isinstance(value, str) and re.search(r"/ci/*\Z", value) is not None
            and gitlab_rules.url_problem(value) is None)


def _legacy_ci_url_means(value):
    return ('the runner strips the legacy "/ci" suffix and asks %s for jobs; it warns about it at every start, and '
            "Git submodules may fail to clone with authentication errors while the suffix is there"
            % re.sub(r"/ci\Z", "", value.rstrip("/")))


MEANINGS = (
    # -- the top level -----------------------------------------------------------------------------------------------
    # The runner writes check_interval = 0 itself (no omitempty on Config.CheckInterval): 0 surprises nobody.
    Meaning("global", "check_interval", _int_equal(0), "the runner's default: a request for jobs every 3 s",
            "common/config.go Config.GetCheckInterval", "", False),
    Meaning("global", "check_interval", _int_at_most(-1), "the runner's default: a request for jobs every 3 s",
            "common/config.go Config.GetCheckInterval", "a number of seconds from 1 (or 0 for 3)", True),
    Meaning("global", "shutdown_timeout", _int_at_most(0), "the default of 30 s for a forceful shutdown",
            "common/config.go Config.GetShutdownTimeout", "a number of seconds from 1 (or leave it out for 30)", True),
    Meaning("global", "connection_max_age", _duration_zero, "no maximum: connections to GitLab are kept as long as "
            "they last", "network/client.go ensureTransportMaxAge", 'a duration such as "15m" (the default)', True),
    Meaning("global", "connection_max_age", _duration_negative, "idle connections to GitLab are closed before every "
            "request, so each request opens a new TLS connection", "network/client.go ensureTransportMaxAge",
            '"0" for no maximum, or a positive duration such as "15m"', True),
    Meaning("global", "listen_address", _listen_address_applies, _listen_address_means,
            "commands/multi.go listenAddress", "the address of the monitoring network with its port, such as "
            '"10.0.0.5:9252", or firewall the port', True),
    Meaning("global", "listen_address", _empty_string, "no metrics server", "commands/multi.go "
            "setupMetricsAndDebugServer", "", False),
    Meaning("session_server", "session_timeout", _int_at_most(0), "the default of 1800 s",
            "common/config.go SessionServer.GetSessionTimeout", "a number of seconds from 1", True),
    # -- [[runners]] -------------------------------------------------------------------------------------------------
    Meaning("runners", "limit", _int_at_most(0), "no limit of its own: this runner takes jobs until concurrent is "
            "reached", "commands/builds_helper.go acquireBuild",
            "1 or more to cap this runner's jobs; to stop it taking jobs, pause it at GitLab", True),
    Meaning("runners", "request_concurrency", _int_at_most(0), "1, one request for jobs at a time",
            "common/config.go RunnerConfig.GetRequestConcurrency", "1 or more", True),
    Meaning("runners", "output_limit", _int_equal(0), "the default of 4096 KB of job log",
            "network/trace.go setupLogLimit", "a size in KB from 1 (or leave it out for 4096)", True),
    Meaning("runners", "unhealthy_requests_limit", _int_at_most(0), "the default of 3 unhealthy answers",
            "common/config.go RunnerConfig.GetUnhealthyRequestsLimit", "1 or more", True),
    Meaning("runners", "job_status_final_update_retry_limit", _int_at_most(0), "the default of 10 retries",
            "common/config.go RunnerConfig.GetJobStatusFinalUpdateRetryLimit", "1 or more", True),
    Meaning("runners", "url", _legacy_ci_url, _legacy_ci_url_means, "network/client.go fixCIURL",
            "the URL without /ci", True),
    Meaning("runners", "builds_dir", _empty_string, "the executor's default (/builds for Docker)",
            "executors/abstract.go", "", False),
    Meaning("runners", "shell", _empty_string, "the executor's default shell", "executors/abstract.go", "", False),
    Meaning("runners", "prepare_timeout", _duration_not_positive, "the job's timeout",
            "common/build.go GetPrepareTimeout", "", False),
    Meaning("runners", "get_sources_timeout", _duration_not_positive, "the job's timeout",
            "common/build.go GetGetSourcesTimeout", "", False),
    # -- [runners.docker] --------------------------------------------------------------------------------------------
    Meaning("runners.docker", "wait_for_services_timeout", _int_equal(0), "the default of 30 s",
            "executors/docker/services.go waitForServices", "a number of seconds from 1, or -1 not to wait", True),
    Meaning("runners.docker", "wait_for_services_timeout", _int_at_most(-1), "no wait for services to answer (the "
            "health check is skipped)", "executors/docker/services.go waitForServices", "", False),
    Meaning("runners.docker", "services_limit", _int_at_most(-1), "no limit on services",
            "common/config.go DockerConfig.GetServicesLimit", "", False),
    Meaning("runners.docker", "services_limit", _int_equal(0), "no service at all: a job that names a service "
            "fails", "executors/docker/services.go getServicesDefinitions", "leave it out for no limit", True),
    Meaning("runners.docker", "shm_size", _int_equal(0), "Docker's default of 64 MB", "executors/docker/docker.go",
            "", False),
    Meaning("runners.docker", "helper_image", _empty_string, "the helper image of this runner's version",
            "executors/docker/docker.go getHelperImage", "", False),
    Meaning("runners.docker", "pull_policy", _empty_list, "the default, always",
            "common/config.go DockerConfig.GetPullPolicies", "", False),
    Meaning("runners.docker", "cpus", _zero_number, "no CPU limit", "common/config.go DockerConfig.computeNanoCPUs",
            "", False),
    Meaning("runners.docker", "service_cpus", _zero_number, "no CPU limit",
            "common/config.go DockerConfig.computeNanoCPUs", "", False),
) + tuple(
    Meaning("runners.docker", key, _zero_size, "no limit", "common/config.go DockerConfig.getMemoryBytes", "", False)
    for key in ("memory", "memory_swap", "memory_reservation", "service_memory", "service_memory_swap",
                "service_memory_reservation")
) + (
    Meaning("runners.cache", "MaxUploadedArchiveSize", _int_equal(0), "no limit on the cache archive",
            "commands/helpers/cache_archiver.go", "", False),
)


def meaning(section, key, value):
    """The row of :data:`MEANINGS` that gives ``value`` of ``key`` in ``section`` its meaning, or None.

    ``means`` of the row returned is text (a function of the value is applied).
    """
    for row in MEANINGS:
        if row.section == section and row.key == key and row.applies(value):
            means = row.means(value) if callable(row.means) else row.means
            return row._replace(means=means)
    return None
