# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): parse ``docker run -v`` style volume specs the way the Docker engine does on Linux.

The rules follow moby's ``volume/mounts/linux_parser.go`` (``ParseMountRaw``,
``linuxValidMountMode``, ``validateMountConfigImpl``) and the local volume
driver's name check, so a spec accepted here is one Docker accepts, and a spec
rejected here comes with the reason Docker would give and what to write instead.

A ``[runners.docker]`` ``volumes`` entry is read by GitLab Runner first
(:func:`parse_runner_volume`): its own parser, stricter in places and looser
in others, and only what it rebuilds reaches Docker.
"""

from __future__ import annotations

import posixpath
import re

__all__ = [
    "VolumeSpecError",
    "VOLUME_OPTIONS",
    "parse_runner_volume",
    "parse_volume",
    "normalize_path",
    "same_path",
    "path_within",
]


class VolumeSpecError(ValueError):
    """A volume spec that the Docker engine would reject."""


# Option -> group; Docker allows at most one option of each group (linuxValidMountMode).
_OPTION_GROUPS = {
    "rw": "read/write mode",
    "ro": "read/write mode",
    "z": "SELinux label",
    "Z": "SELinux label",
    "shared": "propagation",
    "rshared": "propagation",
    "slave": "propagation",
    "rslave": "propagation",
    "private": "propagation",
    "rprivate": "propagation",
    "nocopy": "copy mode",
    "consistent": "consistency",
    "cached": "consistency",
    "delegated": "consistency",
}

VOLUME_OPTIONS = tuple(_OPTION_GROUPS)

_PROPAGATION_OPTIONS = frozenset(o for o, group in _OPTION_GROUPS.items() if group == "propagation")

# The local volume driver's name rule (moby volume/local: RestrictedNamePattern).
_VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")

_SYNTAX = "[HOST-PATH-OR-VOLUME-NAME:]CONTAINER-PATH[:OPTIONS]"


def normalize_path(path):
    """Return ``path`` cleaned like Go's ``path.Clean``: ``/builds/`` and ``//builds`` become ``/builds``."""
    cleaned = posixpath.normpath(path)
    # posixpath keeps a leading "//" (POSIX leaves it implementation-defined); Go and Docker do not.
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def same_path(first, second):
    """Tell whether two POSIX paths name the same place once cleaned (``/builds/`` == ``/builds``)."""
    return normalize_path(first) == normalize_path(second)


def path_within(path, parent):
    """Tell whether ``path`` is ``parent`` or lies below it, comparing whole path components."""
    path = normalize_path(path)
    parent = normalize_path(parent)
    if path == parent or parent == "/":
        return True
    return path.startswith(parent + "/")


def _options_error(spec, mode):
    """Return why Docker rejects the option string ``mode``, or None when it is valid."""
    if mode == "":
        return None
    seen = {}
    for option in mode.split(","):
        if option == "":
            return (
                'volume spec "%s" has an empty option in "%s": separate options with single commas, '
                'e.g. "ro,z"' % (spec, mode)
            )
        group = _OPTION_GROUPS.get(option)
        if group is None:
            hint = ""
            if option.lower() in _OPTION_GROUPS and option.lower() != option:
                hint = ' (options are case-sensitive: write "%s")' % option.lower()
            return 'volume spec "%s" has unknown option "%s"%s: Docker accepts %s, comma-separated' % (
                spec,
                option,
                hint,
                ", ".join(VOLUME_OPTIONS),
            )
        if group in seen:
            first = seen[group]
            if first == option:
                return 'volume spec "%s" repeats option "%s": give each option once' % (spec, option)
            return (
                'volume spec "%s" has conflicting %s options "%s" and "%s": Docker allows one %s option; '
                "keep one of them" % (spec, group, first, option, group)
            )
        seen[group] = option
    return None


def _target_error(spec, target):
    """Return why Docker rejects the container path, or None when it is valid."""
    if target == "":
        return 'volume spec "%s" has an empty container path: give an absolute path such as "/data"' % spec
    # Docker checks these with backslashes read as slashes.
    checked = target.replace("\\", "/")
    if normalize_path(checked) == "/":
        return (
            'volume spec "%s" mounts over the container\'s root "/": Docker refuses that; '
            'mount on a sub-directory such as "/data"' % spec
        )
    if not checked.startswith("/"):
        return (
            'volume spec "%s" has a relative container path "%s": Docker needs an absolute container path; '
            'write "/%s"' % (spec, target, target.lstrip("./"))
        )
    return None


def _volume_name_error(spec, name):
    """Return why Docker's local driver rejects the volume name, or None when it is valid."""
    if _VOLUME_NAME.match(name):
        return None
    if "/" in name or name.startswith(".") or name.startswith("~"):
        return (
            'volume spec "%s" has a relative host path "%s": Docker only binds absolute host paths, reads '
            '"%s" as a volume name and rejects it (no "~" or "." expansion); use an absolute host path, '
            'e.g. "/srv/%s"' % (spec, name, name, name.lstrip("~./"))
        )
    return (
        'volume spec "%s" has an invalid volume name "%s": Docker\'s local driver wants at least two '
        'characters matching [a-zA-Z0-9][a-zA-Z0-9_.-]+; rename the volume, or use an absolute host path '
        "for a bind mount" % (spec, name)
    )


def parse_volume(spec):
    """Parse one volume spec as the Docker engine on Linux does.

    ``/data`` is an anonymous volume, ``name:/data[:opts]`` a named volume and
    ``/host:/data[:opts]`` a bind mount. Returns a dict with ``type``
    (``bind``, ``volume`` or ``anonymous``), ``source`` (cleaned host path,
    volume name, or ``""``), ``target`` (cleaned container path), ``options``
    (list, in the given order) and ``read_only``.

    Raises VolumeSpecError, saying why and what to write instead, for any spec
    Docker would reject.
    """
    if not isinstance(spec, str):
        raise VolumeSpecError(
            'a volume spec must be a string like "/host:/container:ro", got %s %r' % (type(spec).__name__, spec)
        )
    if spec == "":
        raise VolumeSpecError(
            'empty volume spec: write a container path ("/cache") for an anonymous volume, '
            '"name:/path" for a named volume or "/host/path:/path" for a bind mount'
        )
    parts = spec.split(":")
    if parts[0] == "":
        raise VolumeSpecError(
            'volume spec "%s" starts with ":": give a host path or volume name before it, or drop it for an '
            "anonymous volume; the syntax is %s" % (spec, _SYNTAX)
        )
    if len(parts) > 3:
        raise VolumeSpecError(
            'volume spec "%s" has %d ":"-separated parts, at most 3 are allowed (%s); a path containing ":" '
            "cannot be mounted with this syntax" % (spec, len(parts), _SYNTAX)
        )

    mode = ""
    if len(parts) == 1:
        source, target = "", parts[0]
    elif len(parts) == 2:
        if _options_error(spec, parts[1]) is None:
            # Docker reads "/data:ro" as path + options and rejects it: anonymous volumes take no options.
            if parts[1] == "":
                raise VolumeSpecError(
                    'volume spec "%s" ends with ":" and has no container path: write "%s" for an anonymous '
                    'volume or add the container path, e.g. "%s/data"' % (spec, parts[0], spec)
                )
            if parts[0].startswith("/"):
                fix = 'write "%s" alone for an anonymous volume (they take no options), or "NAME-OR-/HOST/PATH:%s:%s"' % (
                    parts[0],
                    parts[0],
                    parts[1],
                )
            else:
                fix = 'add the container path, e.g. "%s:/data:%s"' % (parts[0], parts[1])
            raise VolumeSpecError(
                'volume spec "%s" has options but only one path: Docker rejects it; %s' % (spec, fix)
            )
        source, target = parts
    else:
        source, target, mode = parts

    reason = _options_error(spec, mode)
    if reason is None:
        reason = _target_error(spec, target)
    if reason is not None:
        raise VolumeSpecError(reason)

    options = mode.split(",") if mode else []
    if source == "":
        volume_type = "anonymous"
    elif source.startswith("/"):
        volume_type = "bind"
        if "nocopy" in options:
            raise VolumeSpecError(
                'volume spec "%s" sets "nocopy" on a bind mount of "%s": nocopy only applies to volumes and '
                'Docker rejects it here; remove "nocopy"' % (spec, source)
            )
        source = normalize_path(source)
    else:
        volume_type = "volume"
        reason = _volume_name_error(spec, source)
        if reason is not None:
            raise VolumeSpecError(reason)
        propagation = [o for o in options if o in _PROPAGATION_OPTIONS]
        if propagation:
            raise VolumeSpecError(
                'volume spec "%s" sets propagation "%s" on the named volume "%s": propagation only applies '
                "to bind mounts and Docker rejects it here; remove it, or bind an absolute host path"
                % (spec, propagation[0], source)
            )

    return {
        "type": volume_type,
        "source": source,
        "target": normalize_path(target),
        "options": options,
        "read_only": "ro" in options,
    }


# GitLab Runner's Linux volume parser (executors/docker/internal/volumes/parser/linux_parser.go), the same language
# written without nested quantifiers: Go's regexp never backtracks, Python's would on `(?:[^/]+/?)*`. A directory is
# "/" then runs of _PATH_CHAR separated by single slashes, maybe one at the end.
_PATH_CHAR = r'[^\\/:*?"<>|\r\n]'
_RUNNER_DIR = r"/(?:%s+(?:/%s+)*/?)?" % (_PATH_CHAR, _PATH_CHAR)
_RUNNER_SPEC = re.compile(
    r"(?:(?P<source>%s|%s+):)?" % (_RUNNER_DIR, _PATH_CHAR)
    + r"(?P<destination>%s)" % _RUNNER_DIR
    + r"(?::(?P<mode>(?i:ro|rw|O)))?"
    + r"(?:[:,](?P<label>(?i:z)))?"
    + r"(?:[:,](?P<propagation>(?i:shared|slave|private|rshared|rslave|rprivate)))?\Z"
)
_RUNNER_SYNTAX = "[SOURCE:]DESTINATION[:ro|rw][:z|Z][:PROPAGATION], each option after a ':' or ','"


_RUNNER_OPTIONS = ("ro", "rw", "o", "z", "shared", "slave", "private", "rshared", "rslave", "rprivate")


def _runner_refusal(spec):
    """Why GitLab Runner's parser refuses ``spec`` (it matched nothing), as specifically as can be told."""
    what = ('GitLab Runner refuses volume "%s" (invalid volume specification: every job fails before it starts)'
            % spec)
    bad = sorted(set(re.findall(r'[\\*?"<>|\r\n]', spec)))
    if bad:
        return "%s: its paths may not hold %s; rename the path" % (what, " ".join(repr(char) for char in bad))
    if "//" in spec:
        return '%s: a path with "//" (an empty path component); write single slashes' % what
    parts = spec.split(":")
    # The options follow the destination: the second part when it is a path, else the first ("/cache:rw").
    destination = 1 if len(parts) > 1 and parts[1].startswith("/") else 0 if parts[0].startswith("/") else None
    options = ",".join(parts[destination + 1:]).split(",") if destination is not None else []
    unknown = [option for option in options if option and option.lower() not in _RUNNER_OPTIONS]
    # "/a:b" is a relative destination rather than an option: then Docker's reason says it.
    known = destination == 1 or any(option in VOLUME_OPTIONS or option.lower() in _RUNNER_OPTIONS
                                    for option in options)
    if unknown and known:
        return ("%s: its parser takes only ro or rw, z or Z and a propagation (shared, slave, private, rshared, "
                "rslave, rprivate), not %s; remove it" % (what, ", ".join('"%s"' % option for option in unknown)))
    try:
        parse_volume(spec)
    except VolumeSpecError as error:
        return "%s: %s" % (what, error)
    return "%s: write %s, in that order" % (what, _RUNNER_SYNTAX)


def parse_runner_volume(spec):
    """Parse a ``[runners.docker]`` ``volumes`` entry as GitLab Runner does, then what it hands to Docker.

    The runner's parser reads ``[SOURCE:]DESTINATION`` and at most a mode (ro, rw, O), an SELinux label and a
    propagation, in that order, each after ``:`` or ``,``. A spec without a source becomes a volume of the
    runner's own (a cache volume; its options are dropped: ``/cache:ro`` is writable). A spec with one is rebuilt
    as ``SOURCE:DESTINATION:OPTIONS`` (``/a:/b:rw:rslave`` becomes ``/a:/b:rw,rslave``) and bound by Docker,
    whose rules then apply (parse_volume). The destination may hold job variables (``/cache/$CI_PROJECT_PATH``),
    which the runner expands.

    Returns parse_volume's dict, plus ``dropped``, the options the runner drops, and ``docker_spec``, the spec it
    hands to Docker (empty for a volume it makes itself). Raises VolumeSpecError, saying
    why and what to write instead, for a spec the runner or then Docker refuses.
    """
    if not isinstance(spec, str):
        return parse_volume(spec)
    if spec == "":
        raise VolumeSpecError('an empty volume entry, which GitLab Runner skips: remove it, or write a container path '
                              '("/cache"), "name:/path" or "/host/path:/path"')
    match = _RUNNER_SPEC.match(spec)
    if match is None:
        raise VolumeSpecError(_runner_refusal(spec))
    source, destination = match.group("source") or "", match.group("destination")
    options = [match.group(name) for name in ("mode", "label", "propagation") if match.group(name)]
    if not source:
        reason = _target_error(spec, destination)
        if reason is not None:
            raise VolumeSpecError(reason)
        return {"type": "anonymous", "source": "", "target": normalize_path(destination), "options": [],
                "read_only": False, "dropped": options, "docker_spec": ""}
    rebuilt = ":".join([source, destination] + ([",".join(options)] if options else []))
    try:
        volume = parse_volume(rebuilt)
    except VolumeSpecError as error:
        if rebuilt == spec:
            raise
        raise VolumeSpecError('GitLab Runner hands volume "%s" to Docker as "%s": %s' % (spec, rebuilt, error))
    return dict(volume, dropped=[], docker_spec=rebuilt)
