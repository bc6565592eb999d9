# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter apt_proxy_auth (documented in apt_proxy_auth.yml)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.http_proxy import apt_auth


def apt_proxy_auth(env):
    """Return the apt auth.conf.d text with the credentials of the proxies in ``env``."""
    if not isinstance(env, Mapping):
        raise AnsibleFilterError("apt_proxy_auth: the input must be the dict proxy_environment returns, got %s"
                                 % type(env).__name__)
    return apt_auth(env)


class FilterModule(object):
    def filters(self):
        return {"apt_proxy_auth": apt_proxy_auth}
