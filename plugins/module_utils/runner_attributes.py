# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): a runner's attributes at GitLab against the wanted ones.

Tags, description, paused, locked, run_untagged, access_level,
maximum_timeout and maintenance_note live at GitLab, not in config.toml.
:func:`wanted` is what the options ask for (only the attributes given),
:func:`at_gitlab` what ``GET /api/v4/runners/:id`` says, :func:`differences`
compares them the way GitLab stores them (tags are a set, an empty
description is no description), and :func:`describe` says it in one line.

Reading and changing them needs an access token with the ``manage_runner``
(or ``api``) scope. Without one, the host's record of what was last sent to
or read from GitLab (``<config dir>/.runner_attributes.json``, no secret in
it) stands in for GitLab, so a change in the inventory is still noticed and
reported. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import json
import os

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import atomic_file, gitlab_rules
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import RUNNER_ATTRIBUTES

__all__ = [
    "RECORD_FILE",
    "at_gitlab",
    "describe",
    "diff_texts",
    "differences",
    "load_records",
    "record_path",
    "save_records",
    "wanted",
]

RECORD_FILE = ".runner_attributes.json"
_ABOUT = ("What runnerops.gitlab_runner last sent to or read from GitLab for each runner's attributes (no secret). "
          "Used to report inventory changes when its access token may not read the runners.")
# What GitLab answers for an attribute never set.
_UNSET = {"description": "", "maintenance_note": "", "tag_list": []}


def wanted(params):
    """The attributes ``params`` (module options) set, as GitLab takes them (tags as GitLab keeps them)."""
    attributes = {}
    for name in RUNNER_ATTRIBUTES:
        if params.get(name) is not None:
            attributes[name] = params[name]
    if "tag_list" in attributes:
        attributes["tag_list"] = gitlab_rules.tag_list(attributes["tag_list"])
    return attributes


def at_gitlab(details):
    """The attributes in GitLab's answer to ``GET /runners/:id`` (``active`` for GitLabs older than ``paused``)."""
    attributes = dict((name, details.get(name)) for name in RUNNER_ATTRIBUTES if name in details)
    if "paused" not in details and isinstance(details.get("active"), bool):
        attributes["paused"] = not details["active"]
    return attributes


def _same(name, before, after):
    if name == "tag_list":
        return sorted(set(before or [])) == sorted(set(after or []))
    if name in _UNSET:
        return (before or _UNSET[name]) == (after or _UNSET[name])
    return before == after


def differences(want, have):
    """``{name: (have, want)}`` for each attribute in ``want`` that ``have`` holds otherwise."""
    return dict((name, (have.get(name), value)) for name, value in sorted(want.items())
                if not _same(name, have.get(name), value))


def _show(name, value):
    if name == "tag_list":
        return "[%s]" % ", ".join(sorted(set(value or [])))
    return json.dumps(value)


def describe(changes):
    """One line for a diff: ``tag_list [a] -> [a, b], paused false -> true``."""
    return ", ".join("%s %s -> %s" % (name, _show(name, before), _show(name, after))
                     for name, (before, after) in sorted(changes.items()))


def diff_texts(changes):
    """``(before, after)`` texts of the changed attributes, one ``name: value`` per line, for diff mode."""
    return tuple("".join("%s: %s\n" % (name, _show(name, pair[side])) for name, pair in sorted(changes.items()))
                 for side in (0, 1))


def record_path(config_path):
    """The record beside ``config_path`` (the runner's config.toml)."""
    return os.path.join(os.path.dirname(config_path), RECORD_FILE)


def load_records(path):
    """``{runner name: {url, id, attributes}}`` kept in ``path``; {} when the file is missing or unreadable."""
    try:
        with open(path, "rb") as handle:
            content = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (IOError, OSError, ValueError):
        return {}  # a record is only a stand-in for GitLab: a damaged one is rewritten, never trusted
    runners = content.get("runners") if isinstance(content, dict) else None
    if not isinstance(runners, dict):
        return {}
    return dict((name, entry) for name, entry in runners.items()
                if isinstance(entry, dict) and isinstance(entry.get("attributes"), dict))


def save_records(path, records):
    """Write ``records`` to ``path`` atomically (mode 0600, beside config.toml)."""
    atomic_file.write_json(path, {"about": _ABOUT, "runners": records})
