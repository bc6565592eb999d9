# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): what GitLab Runner's docker executor does with its settings.

Each rule here follows the runner's source at the module version the tests read
(tests/runner_module.py DEFAULT_VERSION, a 19.4.0 development commit); the
docstring of each names the file and function. ci_job (docker_job) runs jobs
with them, and docker_modes and config_toml_findings check settings with them,
so that a job and a finding never read the same setting two ways.
"""

from __future__ import annotations

import ipaddress
import json
import re
from fractions import Fraction

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import (
    VolumeSpecError,
    parse_runner_volume,
    path_within,
)

__all__ = [
    "DEFAULT_BUILDS_DIR",
    "DEFAULT_WAIT_FOR_SERVICES_TIMEOUT",
    "LOG_OPTIONS",
    "PULL_POLICIES",
    "ULIMIT_NAMES",
    "allow_list",
    "cgroup_parent_problem",
    "cpus_over_host_problem",
    "cpus_problem",
    "derived_aliases",
    "device_problem",
    "extra_host_problem",
    "effective_pull_policies",
    "expand",
    "expand_variables",
    "feature_flag",
    "glob_match",
    "image_allowed",
    "job_privileged",
    "local_daemon",
    "nano_cpus",
    "network_per_build",
    "pull_policies",
    "service_privileged",
    "shared_builds_dir",
    "short_token",
    "split_aliases",
    "split_image",
    "ulimit_problem",
]

# executors/docker/docker.go setupDefaultExecutorOptions: the builds directory of Linux job containers.
DEFAULT_BUILDS_DIR = "/builds"
# common/consts.go DefaultWaitForServicesTimeout (seconds).
DEFAULT_WAIT_FOR_SERVICES_TIMEOUT = 30
# common/config.go DockerConfig.GetPullPolicies: the policies the runner knows.
PULL_POLICIES = ("always", "if-not-present", "never")


# common/config.go GetLogConfig: the only log_options keys; any other fails every job ("invalid log options").
LOG_OPTIONS = ("env", "labels")
# big.Rat.SetString's forms: a fraction of Go integer literals (base prefixes and _ allowed, the divisor unsigned
# and not zero), a decimal float with an e exponent, or a hexadecimal one with a p exponent.
_GO_INT = r"(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)"
_GO_RATIONAL = re.compile(r"^[+-]?(?:%s/%s|(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?"
                          r"|0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)(?:[pP][+-]?[0-9]+)?)\Z" % (_GO_INT, _GO_INT))


def _negative(value):
    """Whether a number _GO_RATIONAL accepts is below zero: a minus, then a digit other than 0 before the exponent."""
    if not value.startswith("-"):
        return False
    body = value[1:].partition("/")[0]
    if body[:2] in ("0x", "0X"):
        return re.search(r"[1-9a-fA-F]", re.split(r"[pP]", body[2:])[0]) is not None
    return re.search(r"[1-9]", body[2:] if body[:2].lower() in ("0o", "0b") else re.split(r"[eE]", body)[0]) is not None


def cpus_problem(key, value):
    """Why ``cpus`` or ``service_cpus`` fails every job, or None.

    common/config.go computeNanoCPUs reads it with big.Rat.SetString ("1.5", "3/2", "1e-1"; "" is no limit) and
    fails the job otherwise ("failed to parse ... as a rational number"); dockerd refuses a negative count (range of
    CPUs is from 0.01 to the host's).
    """
    if value == "":
        return None
    divisor = value.partition("/")[2]
    if not _GO_RATIONAL.match(value) or (divisor and not re.search(r"[1-9a-fA-F]", divisor.lstrip("0xXoObB"))):
        return ('%s = %s is not a number GitLab Runner reads (failed to parse it as a rational number): every job '
                'fails; write the CPUs as a decimal, e.g. "1.5"' % (key, json.dumps(value)))
    if _negative(value):
        return ("%s = %s is negative: Docker refuses every job container (range of CPUs is from 0.01 to the host's "
                "count); write a positive number, or leave it out for no limit" % (key, json.dumps(value)))
    return None


def local_daemon(host):
    """Whether ``[runners.docker] host`` names this host's Docker daemon: left out (the runner's default socket) or a
    unix:// socket; any other address is another machine's daemon (executors/docker's client, DOCKER_HOST's forms)."""
    return host is None or host == "" or (isinstance(host, str) and host.startswith("unix://"))


# The forms of cpus whose value is computed here: a decimal (leading zeros are decimal in big.Rat's float form) and a
# fraction of decimal integers (a leading 0 there selects octal, as base 0 does: left out, as prefixes and _ are).
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_DECIMAL_FRACTION = re.compile(r"^([+-]?(?:0|[1-9][0-9]*))/([1-9][0-9]*)\Z")


def nano_cpus(value):
    """The NanoCPUs GitLab Runner asks Docker for, for ``cpus`` or ``service_cpus``, or None where not computed here.

    common/config.go computeNanoCPUs: the big.Rat times 1e9, to the nearest float64, truncated to an int64 ("" is 0,
    no limit). None for a value cpus_problem refuses and for the forms left out here (base prefixes, _ separators).
    """
    if value == "":
        return 0
    fraction = _DECIMAL_FRACTION.match(value)
    try:
        if fraction:
            number = Fraction(int(fraction.group(1)), int(fraction.group(2)))
        elif _DECIMAL.match(value):
            number = Fraction(value)
        else:
            return None
        return int(float(number * 10 ** 9))
    except OverflowError:
        # float64 is +-Inf there, and Go's int64 of it is out of Docker's range as well.
        return -1
    except (ValueError, ZeroDivisionError):
        return None


def cpus_over_host_problem(key, value, host_cpus):
    """Why Docker refuses every container ``cpus`` or ``service_cpus`` limits, on a daemon with ``host_cpus`` CPUs.

    daemon/daemon_unix.go verifyPlatformContainerResources: NanoCPUs below 0 or above sysinfo.NumCPU() * 1e9 (the
    CPUs of the daemon's affinity mask) is "Range of CPUs is from 0.01 to N.00, as there are only N CPUs available".
    None where it is within, where host_cpus is unknown (0), where nano_cpus does not compute the value and where
    cpus_problem has a reason already.
    """
    nano = nano_cpus(value) if host_cpus and host_cpus > 0 and cpus_problem(key, value) is None else None
    if nano is None or 0 <= nano <= host_cpus * 10 ** 9:
        return None
    containers = "service containers" if key == "service_cpus" else "job containers"
    return ('%s = %s asks for more CPUs than the host\'s Docker daemon has: Docker refuses every one of its %s '
            '("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available"); write at most "%d", or '
            'leave it out for no limit' % (key, json.dumps(value), containers, host_cpus, host_cpus, host_cpus))


# The ulimits a container can set: runc's RLIMIT_ types, which dockerd names in lower case
# (daemon/oci_linux.go: "RLIMIT_" + strings.ToUpper(name)).
ULIMIT_NAMES = ("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
                "rtprio", "rttime", "sigpending", "stack")
_INT64 = re.compile(r"^[+-]?[0-9]+\Z")


def ulimit_problem(name, limits):
    """Why a ``[runners.docker] ulimit`` entry fails every job, or None.

    common/config.go GetUlimits reads ``SOFT[:HARD]`` with strconv.ParseInt (base 10, 64 bits; HARD defaults to
    SOFT) and fails the job otherwise; dockerd hands the name to runc as ``RLIMIT_<NAME>``, which knows only
    :data:`ULIMIT_NAMES`; the kernel refuses a soft limit above the hard one (both as unsigned: -1 is unlimited).
    """
    if str(name).lower() not in ULIMIT_NAMES:
        return "%s is not a ulimit Docker knows: every job container fails to start; use one of %s" % (
            json.dumps(str(name)), ", ".join(ULIMIT_NAMES))
    soft, sep, hard = limits.partition(":")
    numbers = (soft, hard) if sep else (soft,)
    if not all(_INT64.match(part) and -2 ** 63 <= int(part) < 2 ** 63 for part in numbers):
        return ('%s = %s is not SOFT or SOFT:HARD in whole numbers: GitLab Runner fails every job (invalid soft limit '
                'value); write e.g. "1024:2048"' % (json.dumps(str(name)), json.dumps(limits)))
    if sep and int(soft) % 2 ** 64 > int(hard) % 2 ** 64:
        return ('%s = %s has a soft limit above the hard one: every job container fails to start (the kernel '
                'refuses it); make SOFT at most HARD' % (json.dumps(str(name)), json.dumps(limits)))
    return None


def cgroup_parent_problem(cgroup_parent, driver=None):
    """Why dockerd refuses ``cgroup_parent`` with the systemd cgroup driver, or None.

    moby daemon/daemon_unix.go (verifyDaemonSettings for daemon.json's cgroup-parent at start,
    verifyPlatformContainerSettings for a container's at create): with the systemd driver the parent must be a slice,
    "xxx.slice", longer than 6 characters. ``driver`` is exec-opts' native.cgroupdriver; None (not set) is systemd
    on the supported platforms (UsingSystemd: the default on a cgroup v2 host that runs systemd).
    """
    if not cgroup_parent or driver == "cgroupfs":
        return None
    if len(cgroup_parent) > 6 and cgroup_parent.endswith(".slice"):
        return None
    return ("is %s, not a systemd slice: with the systemd cgroup driver%s, dockerd refuses it (cgroup-parent for "
            "systemd cgroup should be a valid slice named as \"xxx.slice\")"
            % (json.dumps(cgroup_parent),
               "" if driver == "systemd" else
               " (dockerd's default on a cgroup v2 host with systemd: Debian 12 and 13, Ubuntu 22.04 and newer, "
               "RHEL 9; only exec-opts native.cgroupdriver=cgroupfs changes it)"))


def device_problem(entry):
    """Why GitLab Runner refuses a ``devices`` (or ``services_devices``) entry, or None: executors/docker/docker.go
    parseDeviceString reads ``HOST[:CONTAINER[:PERMISSIONS]]`` and fails the job with more parts."""
    if entry.count(":") > 2:
        return ("is %s, with more than HOST:CONTAINER:PERMISSIONS: GitLab Runner fails every job (failed to parse "
                "device string: too many colons); write e.g. \"/dev/kvm:/dev/kvm:rwm\"" % json.dumps(entry))
    return None


def extra_host_problem(entry):
    """Why dockerd refuses ``entry`` of a container's ExtraHosts, or None.

    moby opts.ValidateExtraHost, which the daemon runs on every container it creates: the name up to the first
    ":", then an IP address as Go's net.ParseIP reads it (no brackets, no zone) or "host-gateway". The "name=ip"
    and "[ipv6]" forms are the docker CLI's, which converts them; the API takes only "name:ip".
    """
    name, sep, address = entry.partition(":")
    if not sep or not name:
        return "is %s, not NAME:ADDRESS: Docker refuses it (bad format for add-host)" % json.dumps(entry)
    if address == "host-gateway":
        return None
    candidate = address.strip()
    try:
        ipaddress.ip_address(candidate)
        # Python refuses IPv4 octets with a leading zero as Go does; both accept zone-free IPv6 groups like "0db8".
        valid = "%" not in candidate
    except ValueError:
        valid = False
    if not valid:
        return ("is %s: %s is not an IP address as Docker reads it (invalid IP address in add-host)%s"
                % (json.dumps(entry), json.dumps(address),
                   "; write the IPv6 address without brackets" if candidate.startswith("[") else ""))
    return None


# github.com/distribution/reference ReferenceRegexp, which the runner parses image names with.
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*(?::[0-9]+)?"
_NAME = r"(?:" + _DOMAIN + r"/)?" + _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_REFERENCE = re.compile(
    r"^(" + _NAME + r")(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)
# helpers/container/services/services.go referenceRegexpNoPort: the registry port is dropped from derived aliases.
_NO_PORT = re.compile(r"^(.*?)(|:[0-9]+)(|/.*)$")
# helpers/shorten_token.go prefixRes and shortTokenLen.
_TOKEN_PREFIXES = (re.compile(r"^glrt-(t[123]_)?|^t[123]_|^glrtr-"), re.compile(r"^glcbt-"),
                   re.compile(r"^GR[0-9A-Fa-f]{7}"))
_SHORT_TOKEN_LENGTH = 9
# strconv.ParseBool, which the runner reads feature flags given as variables with.
_TRUE_WORDS = ("1", "t", "T", "TRUE", "true", "True")
# The shell's special parameters (os.Expand isShellSpecialVar); common/spec/variables.go value() answers
# "$" for "$" and nothing for the others except "-", which it looks up as a name.
_SPECIAL_VARIABLES = "*#$@!?-0123456789"


# --- image names ------------------------------------------------------------------------------------------------


def split_image(image):
    """``(name, tag, digest)`` of an image reference as Docker parses it (distribution/reference), or None.

    ``docker:27.5.1-dind@sha256:<digest>`` gives ``("docker", "27.5.1-dind", "sha256:<digest>")``; a missing
    tag or digest is ``""``. A reference Docker cannot parse (upper case, an empty tag...) gives None: the
    runner neither names nor starts such a service.
    """
    match = _REFERENCE.match(image) if isinstance(image, str) else None
    if not match:
        return None
    return match.group(1), match.group(2) or "", match.group(3) or ""


def derived_aliases(image):
    """The host names GitLab Runner gives a service from its image name.

    helpers/container/services/services.go SplitNameAndVersion: tag, digest and registry port are dropped, then
    ``/`` becomes ``__`` for the first name and ``-`` for the second (only when different):
    ``docker:20.10.24-dind`` -> ``["docker"]``; ``registry.example.com:5000/group/img:tag`` ->
    ``["registry.example.com__group__img", "registry.example.com-group-img"]``. An image name Docker cannot
    parse gives no name at all.
    """
    parts = split_image(image)
    if parts is None:
        return []
    name = _NO_PORT.match(parts[0])
    service = name.group(1) + name.group(3)
    first = service.replace("/", "__")
    second = service.replace("/", "-")
    return [first] if first == second else [first, second]


def split_aliases(alias):
    """A service's ``alias`` as names: separated by commas and/or white space (common/spec/spec.go Image.Aliases)."""
    if alias is None:
        return []
    if not isinstance(alias, str):
        raise ValueError("a service alias must be a string (several separated by commas or spaces), got %s %r"
                         % (type(alias).__name__, alias))
    return alias.replace(",", " ").split()


# --- allow-lists: bmatcuk/doublestar v4 Match ----------------------------------------------------------------------


_NO_RUNE = "\ufffd"  # what utf8.DecodeRuneInString gives past the end


def _closing_alt(text):
    """doublestar indexMatchedClosingAlt: the index of the ``}`` closing an open ``{`` before ``text``, or -1."""
    depth, index = 1, 0
    while index < len(text):
        if text[index] == "\\":
            index += 1
        elif text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _next_alt(text):
    """doublestar indexNextAlt: the index of the next ``,`` of the innermost ``{...}``, or -1."""
    depth, index = 1, 0
    while index < len(text):
        if text[index] == "\\":
            index += 1
        elif text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
        elif text[index] == "," and depth == 1:
            return index
        index += 1
    return -1


def _unescaped(text, char):
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 1
        elif text[index] == char:
            return index
        index += 1
    return -1


def _valid(pattern):
    """doublestar doValidatePattern: classes closed and not empty, braces balanced, no trailing ``\\``."""
    depth, index = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 1
            if index >= len(pattern):
                return False
        elif char == "[":
            index += 1
            if index < len(pattern) and pattern[index] in "!^":
                index += 1
            if index >= len(pattern) or pattern[index] == "]":
                return False
            closing = _unescaped(pattern[index:], "]")
            if closing == -1:
                return False
            index += closing
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return False
            depth -= 1
        index += 1
    return depth == 0


# The matcher answers as doublestar does: (matched, bad pattern). A bad pattern found in an alternative ends the
# search there (doublestar returns its ErrBadPattern at once), so a later alternative cannot match.
_BAD = (False, True)


def _zero_length(pattern):
    """doublestar isZeroLengthPattern: whether the rest of the pattern matches an empty rest of the name."""
    if pattern in ("", "*", "**", "/**", "**/", "/**/"):
        return True, False
    if pattern.startswith("{"):
        closing = _closing_alt(pattern[1:])
        if closing == -1:
            return _BAD
        closing += 1
        index = 1
        while True:
            comma = _next_alt(pattern[index:closing])
            if comma == -1:
                break
            comma += index
            result = _zero_length(pattern[index:comma] + pattern[closing + 1:])
            if result != (False, False):
                return result
            index = comma + 1
        return _zero_length(pattern[index:closing] + pattern[closing + 1:])
    return False, not _valid(pattern)


def _class_matches(pattern, index, char):
    """A character class at ``pattern[index]`` (after ``[``) against ``char``: (matched, index after the class) or
    (None, None) for a malformed class, as doublestar's ``[`` case reads it."""
    if index >= len(pattern):
        return None, None
    negate = pattern[index] in "!^"
    if negate:
        index += 1
    if index >= len(pattern) or pattern[index] == "]":
        return None, None
    matched, last = False, None
    while index < len(pattern) and pattern[index] != "]":
        rune = pattern[index]
        index += 1
        if last is not None and rune == "-" and index < len(pattern) and pattern[index] != "]":
            if pattern[index] == "\\":
                index += 1
            high = pattern[index] if index < len(pattern) else _NO_RUNE
            index += 1 if index < len(pattern) else 0
            if last <= char <= high:
                matched = True
                break
            last = None
            continue
        if rune == "\\":
            rune = pattern[index] if index < len(pattern) else _NO_RUNE
            index += 1 if index < len(pattern) else 0
        if rune == char:
            matched = True
            break
        last = rune
    if matched == negate:
        return (None, None) if index >= len(pattern) else (False, index)
    closing = _unescaped(pattern[index:], "]")
    if closing == -1:
        return None, None
    return True, index + closing + 1


def _match(pattern, name, double_pattern=-1, double_name=-1, star_pattern=-1, star_name=-1, pat=0, at=0):
    """doublestar doMatchWithSeparator with ``/`` as separator and validation on: ``(matched, bad pattern)``."""
    segment_start = True
    while at < len(name):
        if pat < len(pattern):
            char = pattern[pat]
            if char == "*":
                pat += 1
                if pat < len(pattern) and pattern[pat] == "*":
                    pat += 1
                    if segment_start:
                        if pat >= len(pattern):
                            return True, False  # a trailing "/**" takes the rest
                        if pattern[pat] == "/":
                            pat += 1
                            double_pattern, double_name, star_pattern, star_name = pat, at, -1, -1
                            continue
                segment_start = False
                star_pattern, star_name = pat, at
                continue
            if char == "?":
                segment_start = False
                if name[at] != "/":
                    pat += 1
                    at += 1
                    continue
            elif char == "[":
                segment_start = False
                matched, after = _class_matches(pattern, pat + 1, name[at])
                if matched is None:
                    return _BAD
                if matched:
                    pat, at = after, at + 1
                    continue
                pat = after
            elif char == "{":
                segment_start = False
                before, pat = pat, pat + 1
                closing = _closing_alt(pattern[pat:])
                if closing == -1:
                    return _BAD
                closing += pat
                while True:
                    comma = _next_alt(pattern[pat:closing])
                    if comma == -1:
                        break
                    comma += pat
                    result = _match(pattern[:before] + pattern[pat:comma] + pattern[closing + 1:], name, double_pattern,
                                    double_name, star_pattern, star_name, before, at)
                    if result != (False, False):
                        return result
                    pat = comma + 1
                return _match(pattern[:before] + pattern[pat:closing] + pattern[closing + 1:], name, double_pattern,
                              double_name, star_pattern, star_name, before, at)
            else:
                if char == "\\":
                    pat += 1
                    if pat >= len(pattern):
                        return _BAD
                rune = pattern[pat]
                if rune == name[at]:
                    pat += 1
                    at += 1
                    segment_start = rune == "/"
                    continue
                if pat > 0 and pattern[pat - 1] == "\\":
                    pat -= 1
        if star_pattern >= 0 and name[star_name] != "/":
            star_name += 1
            pat, at, segment_start = star_pattern, star_name, False
            continue
        if double_pattern >= 0:
            at = double_name
            found = False
            while at < len(name):
                at += 1
                if name[at - 1] == "/":
                    double_name, pat, segment_start, found = at, double_pattern, True, True
                    break
            if found:
                continue
        return False, pat < len(pattern) and not _valid(pattern[pat:])
    return _zero_length(pattern[pat:])


def glob_match(pattern, name):
    """Whether ``name`` matches the allow-list entry ``pattern``, as bmatcuk/doublestar v4.10.0 Match tells it.

    ``*`` matches within a path segment (not ``/``), a whole segment ``**`` any number of segments, ``?`` one
    character but ``/``, ``[...]`` (``[!...]``, ``[^...]``) a class, ``{a,b}`` alternatives, ``\\`` escapes.
    A malformed pattern matches nothing: the runner ignores doublestar's error, and an alternative found
    malformed before one that matches ends the match as in doublestar. A port of its algorithm, so that the
    edge cases (an empty name, a trailing ``**/``) come out as in the runner.
    """
    return _match(pattern, name)[0]


def allow_list(docker, key):
    """An allow-list of ``[runners.docker]`` (``allowed_images``, ``allowed_services``...): its patterns, [] when unset."""
    value = docker.get(key)
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("[runners.docker] %s must be a list of image patterns (strings), got %r" % (key, value))
    return list(value)


def image_allowed(image, patterns, internal=()):
    """Whether a job may use ``image`` with the allow-list ``patterns`` (``allowed_images``, ``allowed_services``).

    common/allowed_images.go VerifyAllowedImage: a pattern matches, or the image is one of the runner's own
    (``internal``: its default image for job images, its ``[[runners.docker.services]]`` for services), or the
    list is empty.
    """
    return not patterns or any(glob_match(pattern, image) for pattern in patterns) or image in internal


def _privilege_allowed(image, patterns):
    """executors/docker/docker.go isInAllowedPrivilegedImages: an empty list allows every image."""
    return not patterns or any(glob_match(pattern, image) for pattern in patterns)


def _flag(docker, key):
    value = docker.get(key)
    if value is not None and not isinstance(value, bool):
        raise ValueError("[runners.docker] %s must be true or false, got %s %r" % (key, type(value).__name__, value))
    return value


def service_privileged(docker, image):
    """Whether a service of image ``image`` runs privileged (executors/docker/docker.go createHostConfigForService).

    ``services_privileged`` when set, else ``privileged``; and the image must match ``allowed_privileged_services``
    (when that list is not empty), as written in the job or config.toml, tag included.
    """
    patterns = allow_list(docker, "allowed_privileged_services")
    privileged = _flag(docker, "services_privileged")
    if privileged is None:
        privileged = bool(_flag(docker, "privileged"))
    return privileged and _privilege_allowed(image, patterns)


def job_privileged(docker, image):
    """Whether the job container runs privileged (executors/docker/docker.go createHostConfig).

    ``privileged``, and ``image`` must match ``allowed_privileged_images`` when that list is not empty. ``image``
    is the job's own ``image:``: ``""`` when the job names none and the runner's default image runs, as in the
    runner (then only a pattern that matches the empty name, such as ``*``, allows it).
    """
    patterns = allow_list(docker, "allowed_privileged_images")
    return bool(_flag(docker, "privileged")) and _privilege_allowed(image, patterns)


def pull_policies(docker):
    """The pull policies in effect for an image: ``pull_policy`` within ``allowed_pull_policies``.

    common/config.go GetPullPolicies (default ``always``) and GetAllowedPullPolicies (default: the pull
    policies), helpers/pull_policies ComputeEffectivePullPolicies (their intersection, in pull_policy's order).
    Raises ValueError for a policy the runner does not know, or when none is allowed.
    """
    lists = []
    for key in ("pull_policy", "allowed_pull_policies"):
        value = docker.get(key)
        if value is None:
            value = []
        elif isinstance(value, str):
            value = [value]  # a string or an array of strings in config.toml
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise ValueError("[runners.docker] %s must be a string or a list of strings, got %r" % (key, value))
        for policy in value:
            if policy not in PULL_POLICIES:
                raise ValueError('[runners.docker] %s "%s" is not one the runner knows: use %s'
                                 % (key, policy, ", ".join(PULL_POLICIES)))
        lists.append(list(value))
    policies = lists[0] or ["always"]
    allowed = lists[1] or policies
    effective = effective_pull_policies(policies, allowed)
    if not effective:
        raise ValueError("[runners.docker] pull_policy %s has no policy that allowed_pull_policies %s allows: the "
                         "runner fails every job; make them share a policy" % (policies, allowed))
    return effective


def effective_pull_policies(policies, allowed):
    """helpers/pull_policies/pull_policies.go ComputeEffectivePullPolicies: ``policies`` that ``allowed`` holds.

    No policies gives the allowed ones, no allowed ones gives the policies; an empty intersection gives ``[]``
    (the runner's error: "invalid pull policy for image").
    """
    if not policies:
        return list(allowed)
    if not allowed:
        return list(policies)
    return [policy for policy in policies if policy in allowed]


# --- feature flags and the job network ---------------------------------------------------------------------------


def feature_flag(name, feature_flags=None, variables=None):
    """Whether the feature flag ``name`` is on (common/build_settings.go populateFeatureFlags; default off).

    The runner's ``feature_flags`` table wins; otherwise the variable of that name (the runner's ``environment``
    or the job's), read with strconv.ParseBool: ``1``, ``t``, ``true``... A value ParseBool refuses leaves the
    flag off.
    """
    if isinstance(feature_flags, dict) and isinstance(feature_flags.get(name), bool):
        return feature_flags[name]
    value = (variables or {}).get(name)
    return value in _TRUE_WORDS


def network_per_build(docker, feature_flags=None, variables=None):
    """Whether jobs get a network of their own (executors/docker/internal/networks/manager.go Create).

    Only with ``FF_NETWORK_PER_BUILD`` on and no ``network_mode``: otherwise the job and its services use
    ``network_mode`` or Docker's default bridge, and ``network_mtu`` has no effect.
    """
    return not docker.get("network_mode") and feature_flag("FF_NETWORK_PER_BUILD", feature_flags, variables)


# --- variables -----------------------------------------------------------------------------------------------------


def _shell_name(text):
    """os.Expand getShellName: the name after ``$`` and how many characters it takes."""
    if text[0] == "{":
        if len(text) > 2 and text[1] in _SPECIAL_VARIABLES and text[2] == "}":
            return text[1], 3
        closing = text.find("}", 1)
        if closing == 1:
            return "", 2  # "${}": bad syntax, eaten
        if closing == -1:
            return "", 1  # "${" without "}": eaten
        return text[1:closing], closing + 1
    if text[0] in _SPECIAL_VARIABLES:
        return text[0], 1
    match = re.match(r"[A-Za-z0-9_]*", text)
    return match.group(0), len(match.group(0))


def expand(value, variables):
    """``value`` with ``$NAME`` and ``${NAME}`` replaced as the runner does (common/spec/variables.go ExpandValue).

    Go's os.Expand with the runner's lookup: ``variables`` is a list of ``(name, value)`` pairs (or a dict) and
    the last pair of a name wins; ``$$`` is ``$``; an unknown name and ``$1``, ``$@``... are empty; a ``$``
    that no name follows stays.
    """
    pairs = list(variables.items()) if isinstance(variables, dict) else list(variables)
    if "$" not in value:
        return value

    def lookup(name):
        if name == "$":
            return "$"
        if len(name) == 1 and name in _SPECIAL_VARIABLES and name != "-":
            return ""
        for key, item in reversed(pairs):
            if key == name:
                return item
        return ""

    out = []
    start = index = 0
    while index < len(value):
        if value[index] == "$" and index + 1 < len(value):
            out.append(value[start:index])
            name, width = _shell_name(value[index + 1:])
            if name:
                out.append(lookup(name))
            elif width == 0:
                out.append("$")
            index += width
            start = index + 1
        index += 1
    return "".join(out) + value[start:]


def expand_variables(pairs):
    """Every value of the ``(name, value)`` pairs expanded against the pairs as given (Variables.Expand).

    One level, as in the runner: a reference resolves to the other variable's value as written.
    """
    pairs = list(pairs)
    return [(name, expand(value, pairs)) for name, value in pairs]


# --- the builds directory ------------------------------------------------------------------------------------------


def short_token(token):
    """The runner's short form of its token (helpers/shorten_token.go ShortenToken): 9 characters, no prefix."""
    token = token if isinstance(token, str) else ""
    for prefix in _TOKEN_PREFIXES:
        token = prefix.sub("", token, count=1)
    short = token[:_SHORT_TOKEN_LENGTH]
    if short and not short[0].isalnum():
        short = "r" + short[:-1]
    if short and not short[-1].isalnum():
        short = short[:-1] + "r"
    return short


def shared_builds_dir(builds_dir, volumes):
    """Whether a volume with a source (a bind or a named volume) holds ``builds_dir``.

    executors/docker/internal/volumes/utils.go IsHostMountedVolume: then the runner shares the builds directory
    between jobs and puts each project under ``<builds_dir>/<short token>/<concurrent project id>/``
    (common/build.go ProjectUniqueDir). Volumes Docker cannot parse are skipped (the job refuses them first).
    """
    for spec in volumes:
        try:
            volume = parse_runner_volume(spec)
        except (VolumeSpecError, TypeError):
            continue
        if volume["type"] != "anonymous" and path_within(builds_dir, volume["target"]):
            return True
    return False
