# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): type names for error messages."""

from __future__ import annotations

from collections.abc import Mapping


def type_name(value):
    """The plain type name of ``value`` (Ansible passes subclasses with internal names)."""
    for kind in (bool, int, float, str, bytes, list, tuple, dict, set):
        if isinstance(value, kind):
            return kind.__name__
    if isinstance(value, Mapping):
        return "dict"
    return type(value).__name__
