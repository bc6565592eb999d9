# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): which Docker clients and engines can talk.

A Docker client (the ``docker`` CLI of a job image, gitlab-runner itself) talks to a Docker Engine in an Engine
API version. The client starts at the newest version it knows and, when the engine is older, negotiates down to
the engine's newest. The engine refuses a version below its minimum ("client version 1.43 is too old. Minimum
supported API version is 1.44"), and a client of the moby/moby/client module (Docker 29 and later) refuses to
negotiate below a floor of its own. Docker Engine 29.0 raised the engine's minimum to 1.44, so in November 2025 a
job image ``docker:24`` (API 1.43) driving the host's engine through its socket stopped working the day the
host got Docker 29.

This module is the one home of those facts (:data:`RELEASES`, :func:`runner_client`) and of the rule
(:func:`cli_problem`, :func:`runner_problem`); validation (runner_inputs), the config.toml findings (docker_modes)
and the audit call it. A version this table does not know (``latest``, a digest, a private image, a release newer
than the table) gives no verdict: nothing is reported for it.
"""

from __future__ import annotations

import re

__all__ = [
    "MIN_API_CONFIG_LOWEST",
    "MIN_API_CONFIG_SINCE",
    "RELEASES",
    "api_key",
    "cli_problem",
    "engine",
    "engine_input",
    "image_version",
    "parse_version",
    "release",
    "runner_client",
    "runner_problem",
]

# One row per Docker release line: (line, api, engine_min, client_floor).
#   api           the Engine API version the release's CLI and engine speak: the newest each knows.
#   engine_min    the oldest API version its engine accepts unless configured otherwise; None: not established.
#   client_floor  the oldest API version its CLI negotiates down to; None: no floor (the client before the
#                 moby/moby/client module downgrades to whatever the engine speaks).
# Sources:
#   [matrix]  Docker's API version matrix, docs.docker.com/reference/api/engine/#api-version-matrix
#             (docker/docs content/reference/api/engine/_index.md, revision listing 19.03 to 29.5 with minimum
#             API versions, and its "Deprecated API versions" table for 17.03 to 18.09).
#   [moby]    moby source: api/common.go DefaultVersion and api/common_unix.go MinVersion "1.12" of
#             github.com/docker/docker v20.10.24 and v24.0.9; daemon/config defaultMinAPIVersion "1.24" of
#             v25.0.0 (moby#46887) and v28.5.2; daemon/config/config.go of the Go module github.com/moby/moby/v2:
#             v2.0.0-beta.1 (2025-10-31, Docker 29.0: MaxAPIVersion 1.52, defaultMinAPIVersion 1.44, moby#51186),
#             v2.0.0-beta.15 (2026-05-20: 1.54, 1.40), v2.0.0-beta.18 (tagged with 29.6.0 on 2026-06-18: 1.55,
#             1.40), v2.0.0-beta.23 (tagged with 29.8.0 on 2026-09-03: 1.56, 1.40), v2.0.0-beta.24 (2026-09-15:
#             1.56, 1.40).
#   [client]  the client each docker/cli release vendors (its vendor.mod) and that client's constants:
#             29.0.0 moby/moby/client v0.1.0 (MaxAPIVersion 1.52, refuses below fallbackAPIVersion 1.44,
#             moby#51119); 29.1.0 v0.2.1 (1.52, MinAPIVersion 1.44); 29.2.0 v0.2.2 (1.53, 1.44); 29.3.0 v0.3.0
#             (1.54, 1.40; the 29.3.0 release notes: "Lower minimum API version from v1.44 to v1.40", moby#52067);
#             29.4.0 v0.4.0 and 29.5.0 v0.4.1 (1.54, 1.40); 29.6.0 v0.5.0 and 29.7.0 v0.5.1 (1.55, 1.40); 29.8.0
#             v0.6.0 and 29.9.0 v0.6.2 (1.56, 1.40); 29.10.0 v0.6.3 (1.57, 1.40). Docker 28 and older vendor
#             github.com/docker/docker/client, whose negotiateAPIVersionPing only downgrades (v20.10.24, v28.5.2).
# Not established, so left out: the engine of 29.10 (released 2026-11-13, after the newest moby/moby/v2 tag read
# here; its CLI row is known), any release line after 29.10, and lines before 17.03.
_V112, _V124, _V140, _V144 = "1.12", "1.24", "1.40", "1.44"
RELEASES = (
    # [matrix] deprecated versions table; engines accepted 1.12 and newer; the CLI negotiates since 1.13 (moby#27745).
    ("17.03", "1.26", _V112, None),
    ("17.03.1", "1.27", _V112, None),
    ("17.04", "1.28", _V112, None),
    ("17.05", "1.29", _V112, None),
    ("17.06", "1.30", _V112, None),
    ("17.07", "1.31", _V112, None),
    ("17.09", "1.32", _V112, None),
    ("17.10", "1.33", _V112, None),
    ("17.11", "1.34", _V112, None),
    ("17.12", "1.35", _V112, None),
    ("18.02", "1.36", _V112, None),
    ("18.03", "1.37", _V112, None),
    ("18.04", "1.37", _V112, None),
    ("18.05", "1.37", _V112, None),
    ("18.06", "1.38", _V112, None),
    ("18.09", "1.39", _V112, None),
    # [matrix], [moby] (v20.10.24, v24.0.9: MinVersion 1.12)
    ("19.03", "1.40", _V112, None),
    ("20.10", "1.41", _V112, None),
    ("23.0", "1.42", _V112, None),
    ("24.0", "1.43", _V112, None),
    # [matrix], [moby] (v25.0.0, v28.5.2: 1.24)
    ("25.0", "1.44", _V124, None),
    ("26.0", "1.45", _V124, None),
    ("26.1", "1.45", _V124, None),
    ("27.0", "1.46", _V124, None),
    ("27.1", "1.46", _V124, None),
    ("27.2", "1.47", _V124, None),
    ("27.3", "1.47", _V124, None),
    ("27.4", "1.47", _V124, None),
    ("27.5", "1.47", _V124, None),
    ("28.0", "1.48", _V124, None),
    ("28.1", "1.49", _V124, None),
    ("28.2", "1.50", _V124, None),
    ("28.3", "1.51", _V124, None),
    ("28.4", "1.51", _V124, None),
    ("28.5", "1.51", _V124, None),
    # [matrix], [moby] beta.1, [client]: Docker 29.0 raised the engine's minimum and the CLI's floor to 1.44.
    ("29.0", "1.52", _V144, _V144),
    ("29.1", "1.52", _V144, _V144),
    ("29.2", "1.53", _V144, _V144),
    # [matrix], [moby] beta.15, [client]: 29.3 lowered both to 1.40 (Docker 19.03).
    ("29.3", "1.54", _V140, _V140),
    ("29.4", "1.54", _V140, _V140),
    ("29.5", "1.54", _V140, _V140),
    # [moby] beta.18 and beta.23, tagged with 29.6.0 and 29.8.0; 29.7 and 29.9 were released between tags of
    # master that both have the minimum 1.40, and speak the API of their CLI [client].
    ("29.6", "1.55", _V140, _V140),
    ("29.7", "1.55", _V140, _V140),
    ("29.8", "1.56", _V140, _V140),
    ("29.9", "1.56", _V140, _V140),
    ("29.10", "1.57", None, _V140),
)

# daemon.json "min-api-version" (moby#51371, in moby/moby/v2 v2.0.0-beta.1, Docker 29.0) sets the engine's minimum;
# dockerd refuses to start with a value below 1.24 (config.MinAPIVersion) or above its own API version. Older engines
# refuse the key itself (an unknown directive; docker_daemon_config lists the release each key needs).
MIN_API_CONFIG_SINCE = "29.0"
MIN_API_CONFIG_LOWEST = _V124

# What gitlab-runner's own Docker client speaks, by runner version: (first version, last version or None,
# client). client is None where not established, else (api, floor, negotiates, what).
# Sources: GitLab Runner's CHANGELOG.md, docs/executors/docker.md and go.mod of its Go module
# gitlab.com/gitlab-org/gitlab-runner v1.11.1-0.20260903214710-fc1f1862bd91 (a 19.4.0 development commit).
_RUNNER_CLIENTS = (
    # 11.9.0 "Update Docker API version !1187"; the docs say the runner uses API v1.25; negotiation came in 14.10.0.
    ((11, 9, 0), (14, 10, 0), ("1.25", None, False, "a fixed API version in GitLab Runner before 14.10")),
    # 14.10.0 "Add support for Docker client version negotiation !3322", on Docker's 20.10 client (13.9.0 !2658).
    ((14, 10, 0), (15, 10, 0), ("1.41", None, True, "Docker's 20.10 client in GitLab Runner 14.10 to 15.9")),
    # 15.10.0 "Update Docker engine client to v23.0.1 !3935", 16.0.0 "Upgrade ... to 23.0.6 !4086".
    ((15, 10, 0), (17, 5, 0), ("1.42", None, True, "Docker's 23.0 client in GitLab Runner 15.10 to 17.4")),
    # 17.5.0 upgraded github.com/docker/docker for CVE-2024-41110 without saying to which version (!4925).
    ((17, 5, 0), (19, 2, 0), None),
    # 19.2.0 "Migrate Docker SDK to moby/moby v29" (!6902) without naming the client's version: every
    # moby/moby/client speaks 1.52 or newer, but its floor is 1.44 before v0.3.0 and 1.40 from it.
    ((19, 2, 0), (19, 3, 0), None),
    # 19.3.0 "Update module github.com/moby/moby/client to v0.5.1 !7105"; the 19.4 development commit's go.mod
    # requires it too, helpers/docker creates it with client.New (negotiation is the default) and
    # WithAPIVersionFromEnv; its MaxAPIVersion is 1.55 and MinAPIVersion 1.40. (docs/executors/docker.md still says
    # "uses Docker Engine API v1.25", which the code no longer does.)
    ((19, 3, 0), (19, 5, 0), ("1.55", _V140, True, "moby/moby/client v0.5.1 in GitLab Runner 19.3 and 19.4")),
)
# What the runner's own client spoke up to 17.4; which client 17.5 to 19.1 carry is not established, and an engine
# that refuses this may refuse them too.
_RUNNER_LAST_KNOWN_OLD_API = "1.42"

_VERSION = re.compile(r"^(?:Docker version\s+)?(?:[0-9]+:)?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?")
_API = re.compile(r"^[0-9]+\.[0-9]+\Z")
# Docker's own image, on Docker Hub under any of its names, and this collection's dind image built FROM it
# (roles/runner: runnerops.invalid/dind-with-ca:<version>-dind; runnerops/dind-with-ca before 0.2.0).
_DOCKER_IMAGES = frozenset(("docker", "library/docker", "docker.io/docker", "docker.io/library/docker",
                            "index.docker.io/library/docker", "registry-1.docker.io/library/docker",
                            "runnerops.invalid/dind-with-ca", "runnerops/dind-with-ca"))
_TAG_VERSION = re.compile(r"^([0-9]+(?:\.[0-9]+){0,2})(?:-ce)?(?:-(?:rc|beta|alpha)\.?[0-9]+)?(?:-[a-z0-9.-]+)?\Z")


def api_key(api):
    """``"1.44"`` -> ``(1, 44)``, for comparing API versions; ValueError for anything else."""
    if not isinstance(api, str) or not _API.match(api):
        raise ValueError("an API version is MAJOR.MINOR, such as 1.44, got %r" % (api,))
    major, minor = api.split(".")
    return int(major), int(minor)


def parse_version(text):
    """The numbers of a Docker version as Docker, apt or ``dockerd --version`` write it, or None.

    ``"27.5.1"`` -> ``(27, 5, 1)``; ``"5:27.3.1-1~debian.12~bookworm"`` and the apt glob ``"5:27.3*"`` ->
    ``(27, 3, 1)`` and ``(27, 3)``; ``"Docker version 20.10.24+dfsg1, build 297e128"`` -> ``(20, 10, 24)``;
    ``"24"`` -> ``(24,)``.
    """
    if not isinstance(text, str):
        return None
    match = _VERSION.match(text.strip())
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def _line_key(line):
    return tuple(int(part) for part in line.split("."))


def release(version):
    """The row of :data:`RELEASES` a Docker version belongs to, as a dict, or None when the table does not know it.

    ``{"line": "27.5", "api": "1.47", "engine_min": "1.24", "client_floor": None}``. A version without a minor
    (``"27"``, a floating tag or an apt glob) is the newest line of that major the table knows.
    """
    numbers = parse_version(version) if isinstance(version, str) else version if isinstance(version, tuple) else None
    if not numbers:
        return None
    found = None
    for row in RELEASES:
        key = _line_key(row[0])
        if key[0] != numbers[0]:
            continue
        if len(numbers) == 1:
            found = row  # the newest of the major: the rows are in release order
        elif key[1] == numbers[1] and key[2:] <= tuple(numbers[2:3]):
            found = row  # 17.03.1 over 17.03 for 17.03.1 and later patches
    if found is None:
        return None
    line, api, engine_min, client_floor = found
    return {"line": line, "api": api, "engine_min": engine_min, "client_floor": client_floor}


def image_version(image):
    """The Docker version an image of Docker's own ``docker`` image carries in its tag, or None.

    ``docker:24.0.9``, ``docker:24-cli``, ``docker:27.5.1-dind``, ``docker.io/library/docker:27.5`` and this
    collection's ``runnerops/dind-with-ca:27.5.1-dind`` give ``24.0.9``, ``24``, ``27.5.1``, ``27.5`` and
    ``27.5.1``; a moving tag (``latest``, ``dind``, ``stable``), a digest without a tag or another image gives None.
    """
    if not isinstance(image, str):
        return None
    name = image.strip().partition("@")[0]
    slash, colon = name.rfind("/"), name.rfind(":")
    if colon <= slash:
        return None
    repository, tag = name[:colon].lower(), name[colon + 1:].lower()
    if repository not in _DOCKER_IMAGES:
        return None
    match = _TAG_VERSION.match(tag)
    return match.group(1) if match else None


def engine(version=None, min_api_version=None, api_version=None, reported_min_api_version=None):
    """What a Docker Engine accepts: ``{"version", "line", "api", "min", "min_from"}``, or None when unknown.

    ``version`` is its version (as :func:`parse_version` reads it); ``min_api_version`` the ``min-api-version`` of
    its daemon.json, which Docker 29.0 and later read (a value dockerd refuses, or an older engine, leaves the
    default). ``api_version`` and ``reported_min_api_version`` are what the engine itself reports (``docker
    version``: ``.Server.APIVersion``, ``.Server.MinAPIVersion``) and win over the table: the reported minimum
    is the one in force, however it was set. ``min_from`` says where the minimum comes from: ``default``,
    ``min-api-version`` or ``reported``.
    """
    row = release(version) if version else None
    api = api_version if _is_api(api_version) else (row["api"] if row else None)
    if _is_api(reported_min_api_version):
        # The minimum in force: the release's default, or what min-api-version or DOCKER_MIN_API_VERSION made it.
        minimum = reported_min_api_version
        source = "default" if row and row["engine_min"] == minimum else "reported"
    else:
        minimum, source = (row["engine_min"] if row else None), "default"
        if row and minimum and _is_api(min_api_version) and _reads_min_api_config(row["line"]) and api and (
                api_key(MIN_API_CONFIG_LOWEST) <= api_key(min_api_version) <= api_key(api)):
            minimum, source = min_api_version, "min-api-version"
    if not api or not minimum:
        return None
    shown = _VERSION.match(version.strip()) if isinstance(version, str) else None
    return {"version": ".".join(part for part in shown.groups() if part is not None) if shown else None,
            "line": row["line"] if row else None, "api": api, "min": minimum, "min_from": source}


_ENGINE_KEYS = ("version", "api_version", "min_api_version", "min_api_config")


def engine_input(value):
    """:func:`engine` of a host's Docker Engine as filters and findings take it, or None when unknown.

    ``value`` is None or ``""`` (unknown), its version (``"29.1.3"``, ``dockerd --version``'s line), or a dict
    with ``version`` and optionally what the engine reports, ``api_version`` and ``min_api_version`` (``docker
    version --format '{{.Server.APIVersion}} {{.Server.MinAPIVersion}}'``), and ``min_api_config``, the
    ``min-api-version`` of its daemon.json. Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return engine(value)
    if not isinstance(value, dict):
        raise ValueError("the Docker Engine must be its version as a string, or a dict with version, api_version, "
                         "min_api_version and min_api_config, got %s %r" % (type(value).__name__, value))
    unknown = sorted(str(key) for key in value if key not in _ENGINE_KEYS)
    if unknown:
        raise ValueError("the Docker Engine dict takes %s, not %s" % (", ".join(_ENGINE_KEYS), ", ".join(unknown)))
    for key in _ENGINE_KEYS:
        if value.get(key) is not None and not isinstance(value[key], str):
            raise ValueError("the Docker Engine's %s must be a string, got %s %r"
                             % (key, type(value[key]).__name__, value[key]))
    return engine(value.get("version") or None, min_api_version=value.get("min_api_config") or None,
                  api_version=value.get("api_version") or None,
                  reported_min_api_version=value.get("min_api_version") or None)


def _is_api(value):
    return isinstance(value, str) and bool(_API.match(value))


def _reads_min_api_config(line):
    return _line_key(line)[:2] >= _line_key(MIN_API_CONFIG_SINCE)


def _negotiate(client_api, client_floor, fixed, engine_info):
    """``(version, None)`` they speak, or ``(None, why)``: ``engine-refuses`` or ``client-refuses``."""
    low, high = api_key(engine_info["min"]), api_key(engine_info["api"])
    if fixed:
        spoken = api_key(fixed)
        if spoken < low:
            return None, "engine-refuses"
        return (fixed, None) if spoken <= high else (None, "too-new")
    spoken = min(api_key(client_api), high)
    if client_floor and spoken < api_key(client_floor):
        return None, "client-refuses"
    if spoken < low:
        return None, "engine-refuses"
    return "%d.%d" % spoken, None


def _engine_text(engine_info, engine_name):
    what = "Docker Engine %s" % engine_info["version"] if engine_info["version"] else "the Docker Engine"
    return "%s (%s)" % (what, engine_name) if engine_name else what


def _accepting_engine(api):
    """The newest engine line of the table that accepts ``api`` by default, or None."""
    best = None
    for line, _api, engine_min, _floor in RELEASES:
        if engine_min and api_key(engine_min) <= api_key(api):
            best = line
    return best


def _oldest_cli(minimum):
    """The oldest release line that speaks ``minimum`` or newer, or None."""
    return next((line for line, api, _min, _floor in RELEASES if api_key(api) >= api_key(minimum)), None)


def _fixes_for_old_client(engine_info, client_api, names, client_fix):
    """The ways out when the engine refuses a client that speaks ``client_api`` at most."""
    fixes = [client_fix]
    if names.get("min_api") and engine_info["line"] and _reads_min_api_config(engine_info["line"]) and \
            api_key(client_api) >= api_key(MIN_API_CONFIG_LOWEST):
        fixes.append("set \"min-api-version\": \"%s\" in %s (Docker 29 and later read it, and the engine then "
                     "accepts that API version again)" % (client_api, names["min_api"]))
    accepting = _accepting_engine(client_api)
    if accepting and names.get("engine_pin"):
        fixes.append("pin %s to a release that accepts API %s, such as %s"
                     % (names["engine_pin"], client_api, accepting))
    return fixes


def cli_problem(image, engine_info, image_name=None, engine_name=None, fixed_api=None, names=None):
    """Why the Docker CLI of job image ``image`` cannot talk to the engine ``engine_info``, or None.

    ``engine_info`` comes from :func:`engine`; ``image_name`` and ``engine_name`` say where each was set (a
    variable, a config.toml key), and ``names`` names the settings the fixes change: ``image_pin`` (the job image),
    ``min_api`` (where min-api-version is set, for a host engine) and ``engine_pin`` (the engine's version).
    ``fixed_api`` is the job's ``DOCKER_API_VERSION``, which turns negotiation off. An image or an engine this
    table does not know gives None.
    """
    names = names or {}
    version = image_version(image)
    row = release(version) if version else None
    if row is None or engine_info is None:
        return None
    fixed = fixed_api if _is_api(fixed_api) else None
    spoken, why = _negotiate(row["api"], row["client_floor"], fixed, engine_info)
    if spoken:
        return None
    where = '%s "%s"' % (image_name, image) if image_name else image
    target = _engine_text(engine_info, engine_name)
    pin = names.get("image_pin") or "the job image"
    if fixed:
        return ("the Docker CLI of %s runs with DOCKER_API_VERSION=%s, and %s accepts API %s to %s: every docker "
                "command of a job fails; remove DOCKER_API_VERSION, so that the CLI negotiates, or set it within that "
                "range"
                % (where, fixed, target, engine_info["min"], engine_info["api"]))
    if why == "engine-refuses":
        newer = _oldest_cli(engine_info["min"])
        own = (", such as docker:%s, the engine's own" % engine_info["version"]) if engine_info["version"] else ""
        client_fix = ("use a job image of docker:%s or newer%s (%s)" % (newer, own, pin) if newer
                      else "use a newer job image (%s)" % pin)
        fixes = _fixes_for_old_client(engine_info, row["api"], names, client_fix)
        return ("the Docker CLI of %s speaks API %s at most, and %s accepts API %s and newer (%s): every docker "
                "command of a job fails with \"client version %s is too old\"; %s"
                % (where, row["api"], target, engine_info["min"], _min_reason(engine_info), row["api"],
                   ", or ".join(fixes)))
    # The CLI's floor is above what the engine speaks: Docker 29.0 to 29.2 against an engine older than 25.0.
    fixes = ["use a job image of docker:29.3 or newer, whose CLI negotiates down to API 1.40, or of the engine's own "
             "version (%s)" % pin]
    if names.get("engine_pin"):
        fixes.append("upgrade the engine to %s or newer (%s)" % (_oldest_cli(row["client_floor"]), names["engine_pin"]))
    return ("the Docker CLI of %s (Docker %s) negotiates no lower than API %s, and %s speaks API %s at most: every "
            "docker command of a job fails with \"API version %s is not supported by this client\"; %s"
            % (where, row["line"], row["client_floor"], target, engine_info["api"], engine_info["api"],
               ", or ".join(fixes)))


def _min_reason(engine_info):
    if engine_info["min_from"] == "min-api-version":
        return "its min-api-version"
    if engine_info["min_from"] == "reported":
        return "as it reports"
    line = engine_info["line"]
    if api_key(engine_info["min"]) == api_key(_V144):
        return "Docker %s's default: Docker 29.0 to 29.2 refuse clients older than Docker 25.0" % line
    return "Docker %s's default" % line


def runner_client(runner_version):
    """What gitlab-runner ``runner_version`` speaks to the engine: ``{"api", "floor", "negotiates", "what"}``.

    None where this module cannot establish it (an empty version: the repository's newest; before 11.9; 17.5 to
    19.2; after 19.4).
    """
    numbers = parse_version(runner_version) if isinstance(runner_version, str) and runner_version else None
    if not numbers or len(numbers) < 3:
        return None
    for first, last, client in _RUNNER_CLIENTS:
        if first <= numbers and (last is None or numbers < last):
            if client is None:
                return None
            api, floor, negotiates, what = client
            return {"api": api, "floor": floor, "negotiates": negotiates, "what": what}
    return None


def runner_problem(runner_version, engine_info, engine_name=None, names=None):
    """``(severity, message)`` when gitlab-runner ``runner_version``'s own client cannot talk to the engine, or None.

    An error where the runner's client is established and refused; a warning where it is not established (GitLab
    Runner 17.5 to 19.1, on Docker's client before its moby/moby v29 migration) and the engine refuses what the runner
    spoke before (API 1.42): in November 2025 runners failed so against Docker 29.0. ``names`` as for
    :func:`cli_problem`, with ``runner_pin`` for the runner version.
    """
    names = names or {}
    if engine_info is None or not runner_version:
        return None
    target = _engine_text(engine_info, engine_name)
    upgrade = "upgrade %s to 19.3.0 or newer (moby/moby/client v0.5.1, API 1.40 to 1.55)" % (
        names.get("runner_pin") or "gitlab-runner")
    client = runner_client(runner_version)
    if client is None:
        numbers = parse_version(runner_version)
        if numbers and (17, 5) <= numbers[:2] < (19, 2) and \
                api_key(engine_info["min"]) > api_key(_RUNNER_LAST_KNOWN_OLD_API):
            fixes = _fixes_for_old_client(engine_info, _RUNNER_LAST_KNOWN_OLD_API, names, upgrade)
            return ("warning", "which Docker client gitlab-runner %s carries is not established (GitLab Runner's "
                               "changelog does not say); up to 17.4 the runner spoke API %s at most, and %s accepts "
                               "API %s and newer (%s): if its client is that old, every job fails in preparation with "
                               "\"client version ... is too old\"; %s"
                    % (runner_version, _RUNNER_LAST_KNOWN_OLD_API, target, engine_info["min"],
                       _min_reason(engine_info), ", or ".join(fixes)))
        return None
    spoken, why = _negotiate(client["api"], client["floor"], None if client["negotiates"] else client["api"],
                             engine_info)
    if spoken or why == "too-new":  # too new: a fixed version above an engine older than Docker 1.13
        return None
    if why == "client-refuses":
        return ("error", "gitlab-runner %s's own Docker client (%s) negotiates no lower than API %s, and %s speaks API "
                         "%s at most: every job fails in preparation; upgrade the engine to %s or newer%s"
                % (runner_version, client["what"], client["floor"], target, engine_info["api"],
                   _oldest_cli(client["floor"]), " (%s)" % names["engine_pin"] if names.get("engine_pin") else ""))
    fixes = _fixes_for_old_client(engine_info, client["api"], names, upgrade)
    return ("error", "gitlab-runner %s's own Docker client (%s) speaks API %s %s, and %s accepts API %s and newer "
                     "(%s): every job fails in preparation with \"client version %s is too old\"; %s"
            % (runner_version, client["what"], client["api"], "at most" if client["negotiates"] else "only", target,
               engine_info["min"], _min_reason(engine_info), client["api"], ", or ".join(fixes)))
