# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): read GitLab Runner's config.toml, without checking it.

:func:`loads` parses the text with ``tomllib``, or on Python < 3.11 (managed
hosts) with the same parser bundled as ``_tomli``, and names the line and
column of a syntax error. :func:`live_credentials` and
:func:`read_live_credentials` give the runners' credentials the file holds
now (the running service rotates tokens and rewrites it).

A module that only reads the file imports this and nothing else of the
config.toml code: the schema, the findings and the TOML writer live in
``config_toml_findings``, ``config_toml_schema`` and ``toml_writer``. Stdlib
only; runs on Python 3.8+.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.type_names import type_name

try:
    import tomllib as _tomllib
except ImportError:  # Python < 3.11 on a managed host: the same parser, bundled.
    from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import _tomli as _tomllib

__all__ = [
    "CREDENTIAL_FIELDS",
    "TomlSyntaxError",
    "live_credentials",
    "loads",
    "read_live_credentials",
]

# What live_credentials() gives for each runner.
CREDENTIAL_FIELDS = ("url", "id", "token", "token_obtained_at", "token_expires_at")

_SYNTAX_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


class TomlSyntaxError(ValueError):
    """config.toml text that is not TOML; ``line`` and ``column`` are 1-based."""

    def __init__(self, reason, line, column, at_end=False):
        self.reason = reason
        self.line = line
        self.column = column
        where = "line %d, column %d" % (line, column)
        if at_end:
            where = "the end of the document (%s)" % where
        super(TomlSyntaxError, self).__init__(
            "config.toml is not valid TOML: %s at %s; GitLab Runner cannot load it, fix the TOML there"
            % (reason, where)
        )


def loads(text):
    """Parse config.toml ``text`` (str or UTF-8 bytes) and return a dict.

    Raises TomlSyntaxError (a ValueError with ``line`` and ``column``) when the
    text is not TOML, and ValueError when the input is no text.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            line = text[:error.start].count(b"\n") + 1
            column = error.start - (text.rfind(b"\n", 0, error.start) + 1) + 1
            raise TomlSyntaxError("bytes that are not UTF-8 (TOML files must be UTF-8)", line, column)
    if not isinstance(text, str):
        raise ValueError(
            "config.toml content must be a string, got %s: pass the file's text (for example from "
            "ansible.builtin.slurp | b64decode)" % type_name(text)
        )
    try:
        return _tomllib.loads(text)
    except _tomllib.TOMLDecodeError as error:
        raise _syntax_error(text, str(error))


def _syntax_error(text, message):
    match = _SYNTAX_POSITION.search(message)
    reason = message[:match.start()] if match else message
    reason = reason[:1].lower() + reason[1:]
    if match and match.group(1):
        return TomlSyntaxError(reason, int(match.group(1)), int(match.group(2)))
    # tomllib says "at end of document": point at the end instead.
    lines = text.split("\n")
    return TomlSyntaxError(reason, len(lines), len(lines[-1]) + 1, at_end=True)


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def live_credentials(live_text):
    """Return ``{name: {url, id, token, token_obtained_at, token_expires_at}}`` of the runners in a config.toml text.

    Dates come back as RFC 3339 strings; runners without a name or token are
    left out. Empty or missing text gives ``{}``. Raises ValueError (message
    without any file content) when the text is not TOML.
    """
    if not live_text:
        return {}
    runners = loads(live_text).get("runners")
    found = {}
    for entry in runners if isinstance(runners, list) else []:
        if not isinstance(entry, Mapping) or not entry.get("name") or not entry.get("token"):
            continue
        found[entry["name"]] = dict(
            (key, _iso(entry[key]) if isinstance(entry.get(key), datetime.datetime) else entry.get(key))
            for key in CREDENTIAL_FIELDS
        )
    return found


def read_live_credentials(path):
    """``{name: {url, id, token, ...}}`` of the runners the config.toml at ``path`` holds now; {} without the file.

    Raises ValueError naming the file (never its content) when it cannot be
    read or is not TOML.
    """
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as err:
        fix = ("the module needs root (become) to read config.toml" if isinstance(err, PermissionError)
               else "config_path must name GitLab Runner's config.toml, a file")
        raise ValueError("cannot read %s (%s): %s" % (path, err.strerror or type(err).__name__, fix))
    try:
        # Bytes: a file that is not UTF-8 is a syntax error with its line and column, as loads() says.
        return live_credentials(text)
    except ValueError as err:
        raise ValueError("%s: %s; fix or remove it, then run again" % (path, err))
