# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: a role's inputs read as its argument spec declares them, with every problem reported.

:class:`Report` collects errors and warnings, each with the path of the
variable as the user wrote it (``runner_entries[2].docker.volumes[1]``).
:func:`coerce` turns values into the types of a role's ``meta/argument_specs.yml``
options the way Ansible's argument spec does (``"8"`` from the command line is
the int 8, ``"yes"`` is true), using Ansible's own converters, and reports what
no conversion fixes: a null left by an empty YAML key, a number YAML read as a
float where a string is meant (``20.10`` is ``20.1``), a string where a list or
dict is meant, an unknown key (with the nearest known one). The rules of each
role (runner_inputs, docker_inputs) then run on the converted values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name

__all__ = ["Report", "coerce", "join_path"]

_EMPTY_OF = {"str": "''", "list": "[]", "dict": "{}"}
# Lists that may be given as one comma-separated string, as GitLab's tag_list (runner_plan splits them the same way).
_COMMA_LISTS = ("tags",)


class Report(object):
    """Errors and warnings as ``(path, message)``; messages are masked with the secrets it is told about."""

    def __init__(self, known_secrets=()):
        self.errors = []
        self.warnings = []
        self.secrets = set(known_secrets)

    def error(self, path, message):
        self.errors.append((path, message))

    def warning(self, path, message):
        self.warnings.append((path, message))

    @staticmethod
    def _lines(items, known):
        return [secrets.mask("%s: %s" % (path, message) if path else message, known) for path, message in items]

    def error_lines(self):
        return self._lines(self.errors, self.secrets)

    def warning_lines(self):
        return self._lines(self.warnings, self.secrets)


def join_path(path, key):
    """``path`` and a dict key or list index, written as the user would: ``a.b``, ``a[0]``."""
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return "%s.%s" % (path, key) if path else str(key)


def _shown(value, option):
    if option.get("no_log"):
        return "(hidden)"
    text = repr(value)
    return secrets.mask(text if len(text) <= 60 else text[:57] + "...")


def _convert(value, option, path, report):
    """``value`` as the option's type, or None after reporting why it cannot be one."""
    kind = option.get("type", "str")
    if kind in ("str", "path"):
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            report.error(path, "is the boolean %s, not a string: YAML reads yes/no/on/off/true/false unquoted as "
                               "booleans; quote the value" % value)
            return None
        if isinstance(value, float):
            report.error(path, "is the number %r, not a string: YAML reads an unquoted version such as 20.10 as a "
                               "float (20.1); quote it, e.g. \"20.10\"" % value)
            return None
        if isinstance(value, int):
            return str(value)
        report.error(path, "must be a string, got a %s %s" % (type_name(value), _shown(value, option)))
        return None
    if kind == "int":
        if isinstance(value, bool) or isinstance(value, (list, dict, Mapping)):
            report.error(path, "must be an integer, got a %s %s" % (type_name(value), _shown(value, option)))
            return None
        try:
            return check_type_int(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            report.error(path, "must be an integer, got %s" % _shown(value, option))
            return None
    if kind == "float":
        try:
            return check_type_float(value)
        except (TypeError, ValueError):
            report.error(path, "must be a number, got %s" % _shown(value, option))
            return None
    if kind == "bool":
        try:
            if isinstance(value, (list, dict, Mapping)):
                raise TypeError(value)
            return check_type_bool(value)
        except (TypeError, ValueError):
            report.error(path, "must be true or false, got %s" % _shown(value, option))
            return None
    if kind == "list":
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, str) and path.rpartition(".")[2] in _COMMA_LISTS:
            return [item.strip() for item in value.split(",") if item.strip()]
        example = value if isinstance(value, str) and not option.get("no_log") and len(value) < 40 else "..."
        report.error(path, "must be a list, got a %s %s: write it as a YAML list, e.g. [%s]" % (
            type_name(value), _shown(value, option), example))
        return None
    if kind == "dict":
        if isinstance(value, Mapping):
            return dict(value)
        report.error(path, "must be a dict (a YAML mapping), got a %s %s" % (type_name(value), _shown(value, option)))
        return None
    return value


def _coerce_value(value, option, path, report):
    value = _convert(value, option, path, report)
    if value is None:
        return None
    choices = option.get("choices")
    if choices and option.get("type") != "list" and value not in choices:
        hint = difflib.get_close_matches(str(value), [str(choice) for choice in choices], 1)
        report.error(path, "is %s, not one of %s%s" % (
            _shown(value, option), ", ".join(str(choice) for choice in choices),
            " (did you mean %s?)" % hint[0] if hint else ""))
        return None
    if option.get("type") == "list" and option.get("elements"):
        element = dict(option, type=option["elements"])
        element.pop("elements", None)
        items = []
        for index, item in enumerate(value):
            item_path = join_path(path, index)
            if item is None:
                report.error(item_path, "is null (an empty list item): remove it or give a value")
                continue
            converted = _coerce_value(item, element, item_path, report)
            if converted is not None:
                items.append(converted)
        return items
    if option.get("type") in ("dict", None) and option.get("options") and isinstance(value, Mapping):
        return coerce(option["options"], value, path, report, nested=True)
    return value


def coerce(options, values, path, report, nested=False):
    """Return ``values`` converted to the types of ``options`` (argument spec options); report every problem.

    At the top level (``nested=False``) every option is a role variable: a
    null value is an error. In a nested dict (a runner item) a missing or null
    key means "not given" and is left out; unknown keys and missing required
    ones are errors.
    """
    converted = {}
    if nested:
        for key in values:
            if key not in options:
                hint = difflib.get_close_matches(str(key), list(options), 1)
                report.error(join_path(path, key), "is not an option here%s; the options are %s" % (
                    " (did you mean %s?)" % hint[0] if hint else "", ", ".join(sorted(options))))
    for name, option in options.items():
        key_path = join_path(path, name) if nested else name
        if name not in values:
            if option.get("required"):
                report.error(key_path, "is required: %s" % _description(option))
            elif not nested and "default" in option:
                converted[name] = option["default"]
            continue
        value = values[name]
        if value is None:
            if option.get("required") or not nested:
                report.error(key_path, "is null (a key left empty in YAML?): give a value%s" % (
                    ", or %s for none" % _EMPTY_OF[option.get("type", "str")]
                    if option.get("type", "str") in _EMPTY_OF and not option.get("required") else ""))
            continue
        value = _coerce_value(value, option, key_path, report)
        if value is not None:
            converted[name] = value
    return converted


def _description(option):
    text = option.get("description") or ""
    if isinstance(text, list):
        text = " ".join(text)
    # Without the documentation markup: C(x), O(x), V(x) -> x.
    text = re.sub(r"\b[COVPRE]\(([^)]*)\)", r"\1", text)
    return text.split(". ")[0].rstrip(".") if text else "give a value"
