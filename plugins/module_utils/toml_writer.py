# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): write TOML 1.0 from plain Python data (stdlib only, Python 3.8+).

The layout follows the file GitLab Runner writes itself: root keys first,
then ``[table]`` / ``[[array.of.tables]]`` headers, nested headers and their
keys indented by two spaces per level, a blank line before each top-level
header. Strings are always basic strings (``"..."``) with escapes, so the
output never depends on the content of a value.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Mapping
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name as _kind

__all__ = ["dumps"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_INDENT = "  "
_INT64_MIN = -(2 ** 63)
_INT64_MAX = 2 ** 63 - 1
_SHORT_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def dumps(data, ascii_only=False):
    """Return ``data`` (a mapping) as a TOML 1.0 document.

    ``None`` values of mappings are left out (TOML has no null). A list whose
    items are all mappings becomes an array of tables; any other list is an
    inline array. With ``ascii_only`` every non-ASCII character is written as
    a ``\\uXXXX`` / ``\\UXXXXXXXX`` escape; otherwise it is kept as UTF-8.

    Raises ValueError naming the key path of the first value TOML cannot hold.
    """
    if not isinstance(data, Mapping):
        raise ValueError(
            "TOML document must be a mapping (dict) at the top, got %s: "
            "wrap the value in a dict of key = value pairs" % _kind(data)
        )
    lines = []
    _write_table(lines, data, (), (), ascii_only)
    return "\n".join(lines) + "\n" if lines else ""


def _is_table_array(value):
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(item, Mapping) for item in value)
    )


def _write_table(lines, table, header_path, error_path, ascii_only):
    """Append the keys of ``table`` and then its sub-tables to ``lines``."""
    indent = _INDENT * len(header_path)
    sub_tables = []
    for key, value in table.items():
        key_error_path = error_path + (key,)
        if not isinstance(key, str):
            raise ValueError(
                "%s: TOML keys must be strings, got %s %r: convert the key to a string"
                % (_format_path(error_path) or "top level", _kind(key), key)
            )
        if value is None:
            continue
        if isinstance(value, Mapping) or _is_table_array(value):
            sub_tables.append((key, value, key_error_path))
            continue
        lines.append("%s%s = %s" % (
            indent, _format_key(key, ascii_only, key_error_path), _format_value(value, key_error_path, ascii_only)))

    for key, value, key_error_path in sub_tables:
        child_path = header_path + (key,)
        child_indent = _INDENT * (len(child_path) - 1)
        header = ".".join(_format_key(part, ascii_only, key_error_path) for part in child_path)
        if isinstance(value, Mapping):
            _blank_line_before_top_level(lines, child_path)
            lines.append("%s[%s]" % (child_indent, header))
            _write_table(lines, value, child_path, key_error_path, ascii_only)
            continue
        for index, item in enumerate(value):
            _blank_line_before_top_level(lines, child_path)
            lines.append("%s[[%s]]" % (child_indent, header))
            _write_table(lines, item, child_path, key_error_path + (index,), ascii_only)


def _blank_line_before_top_level(lines, child_path):
    if len(child_path) == 1 and lines:
        lines.append("")


def _format_path(path):
    text = ""
    for part in path:
        if isinstance(part, int):
            text += "[%d]" % part
        else:
            # json.dumps never fails (lone surrogates included): safe inside error messages.
            shown = part if _BARE_KEY.match(part) else json.dumps(part)
            text = text + "." + shown if text else shown
    return text


def _format_key(key, ascii_only=False, error_path=None):
    if _BARE_KEY.match(key):
        return key
    return _format_string(key, ascii_only, error_path)


def _format_string(text, ascii_only, error_path):
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append("\\u%04X" % code)
        elif 0xD800 <= code <= 0xDFFF:
            # A lone surrogate is no Unicode scalar value: TOML (UTF-8) cannot carry it.
            raise ValueError(
                "%s: string holds the lone surrogate U+%04X, which TOML cannot encode: "
                "decode the text properly (it usually comes from bytes read with errors='surrogateescape')"
                % (_format_path(error_path), code)
            )
        elif ascii_only and code > 0x7F:
            out.append("\\u%04X" % code if code <= 0xFFFF else "\\U%08X" % code)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _format_value(value, error_path, ascii_only):
    """Return ``value`` as an inline TOML value (no headers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(
                "%s: integer %d does not fit TOML's 64-bit signed range: "
                "store it as a string or a float" % (_format_path(error_path), value)
            )
        return "%d" % value
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, str):
        return _format_string(value, ascii_only, error_path)
    if isinstance(value, datetime.datetime):
        return _format_datetime(value, error_path)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        if value.utcoffset() is not None:
            raise ValueError(
                "%s: TOML local times cannot carry a UTC offset (%s): "
                "drop the tzinfo or use a full datetime" % (_format_path(error_path), value.isoformat())
            )
        return value.isoformat()
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(
                    "%s: TOML keys must be strings, got %s %r: convert the key to a string"
                    % (_format_path(error_path), _kind(key), key)
                )
            if item is None:
                continue
            items.append("%s = %s" % (
                _format_key(key, ascii_only, error_path + (key,)), _format_value(item, error_path + (key,), ascii_only)))
        return "{ %s }" % ", ".join(items) if items else "{}"
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            if item is None:
                raise ValueError(
                    "%s: TOML arrays cannot hold null (None): remove the item or give it a value"
                    % _format_path(error_path + (index,))
                )
            items.append(_format_value(item, error_path + (index,), ascii_only))
        return "[%s]" % ", ".join(items)
    raise ValueError(
        "%s: cannot write a %s as TOML (supported: str, int, float, bool, datetime, date, time, "
        "list, tuple, dict): convert it first, for example to a string or a list"
        % (_format_path(error_path), _kind(value))
    )


def _format_float(value):
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    # repr() keeps the fraction of integral floats ("1.0") and gives "1e+16" for
    # large ones: both read back as the same float.
    return float.__repr__(value)


def _format_datetime(value, error_path):
    offset = value.utcoffset()
    text = value.replace(tzinfo=None).isoformat()
    if offset is None:
        return text
    if offset.microseconds or offset.seconds % 60:
        raise ValueError(
            "%s: UTC offset %s has seconds, TOML offsets are whole minutes: "
            "convert the datetime to UTC first" % (_format_path(error_path), offset)
        )
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return "%s%s%02d:%02d" % (text, sign, minutes // 60, minutes % 60)
