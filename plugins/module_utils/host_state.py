# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): what a host's package database and service manager say.

The roles' preflights read the host once per run, with one shell command each (dpkg-query, systemctl show). These
rules tell from that read whether the package and service tasks would change anything, so that a rerun skips them
where they would not: each such task is a module that a run otherwise packs and ships only to be told "ok".
Each rule answers "settled" only where the module it stands for is known to change nothing; anything else (an
unknown state, a comparison the module makes differently) answers "not settled", and the module runs as before.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping

from ansible.module_utils.parsing.convert_bool import boolean

__all__ = ["apt_packages_missing", "dpkg_status", "systemd_service_settled", "systemd_show"]

# dpkg-query -W -f='${db:Status-Want} ${Package} ${db:Status-Status} ${Version}\n': one line per package.
_DPKG_LINE = re.compile(r"^(unknown|install|hold|deinstall|purge) (\S+) ([a-z-]+)(?: (\S+))?$")
# systemctl show -p UnitFileState -p ActiveState -p DropInPaths: Key=Value lines.
_SHOW_LINE = re.compile(r"^([A-Za-z]+)=(.*)$")


def _lines(output):
    if output is None:
        return []
    if isinstance(output, str):
        return output.splitlines()
    return [str(line) for line in output]


def dpkg_status(output):
    """``{package: {"want", "status", "version"}}`` from the dpkg-query lines; other lines are ignored."""
    packages = {}
    for line in _lines(output):
        match = _DPKG_LINE.match(line.strip())
        if match:
            want, name, status, version = match.groups()
            packages[name] = {"want": want, "status": status, "version": version or ""}
    return packages


def apt_packages_missing(output, packages):
    """The items of ``packages`` (apt specs: ``name`` or ``name=version``) that the dpkg lines do not show installed.

    A version is matched as ansible.builtin.apt matches an installed one (fnmatch: ``5:27.5.1-*``); an installed
    package satisfies a spec without a version. A spec with another comparison (``>=``) is never satisfied here.
    """
    installed = dpkg_status(output)
    missing = []
    for spec in packages:
        spec = str(spec)
        name, _sep, version = spec.partition("=")
        entry = installed.get(name)
        satisfied = (entry is not None and entry["status"] == "installed" and not name.endswith((">", "<"))
                     and not version.startswith(("=", ">", "<"))
                     and (not version or fnmatch.fnmatch(entry["version"], version)))
        if not satisfied:
            missing.append(spec)
    return missing


def systemd_show(output):
    """``{property: value}`` from ``systemctl show -p ...`` lines (``Key=Value``); other lines are ignored."""
    if isinstance(output, Mapping):
        return dict(output)
    properties = {}
    for line in _lines(output):
        match = _SHOW_LINE.match(line.rstrip("\n"))
        if match:
            properties[match.group(1)] = match.group(2)
    return properties


def systemd_service_settled(output, enabled=None, state=None):
    """Tell whether ansible.builtin.systemd_service with ``enabled`` and ``state`` would leave the unit as it is.

    ``output`` is what systemctl show printed (or its systemd_show dict). Enabled is settled only for UnitFileState
    ``enabled`` (``disabled`` for enabled=false); started only for ActiveState ``active``, stopped for ``inactive``
    or ``failed``; restarted and reloaded never are. None leaves that side unmanaged.
    """
    properties = systemd_show(output)
    if enabled is not None:
        wanted = "enabled" if boolean(enabled, strict=False) else "disabled"
        if properties.get("UnitFileState") != wanted:
            return False
    if state is not None and state != "":
        active = properties.get("ActiveState")
        if state == "started":
            return active == "active"
        if state == "stopped":
            return active in ("inactive", "failed")
        return False
    return True
