# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the proxy variables, and putting them where urllib looks.

The modules that go out (to GitLab, for a signing key) take the host's proxy as an option, ``proxy_environment``,
rather than from the task's ``environment`` keyword, which Ansible prints with the command at -vvv: a password in a
proxy URL would show. :func:`apply` puts them into the module's own environment, where Python's urllib (and
Ansible's open_url) reads them. Small on purpose: every such module ships it; the rules are in http_proxy.
"""

from __future__ import annotations

import os

__all__ = ["VARIABLES", "apply"]

# The names programs read, upper and lower case (no standard says which).
VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")


def apply(env):
    """Put the proxy variables of ``env`` into this process's environment; other names are ignored."""
    for name, value in (env or {}).items():
        if name in VARIABLES and isinstance(value, str):
            os.environ[name] = value
