# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter proxy_environment (documented in proxy_environment.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import http_proxy


def proxy_environment(http_proxy_url, https_proxy_url="", no_proxy=None, direct_hosts=None, credentials=True):
    """Return the proxy variables (upper and lower case) with NO_PROXY completed; {} without a proxy."""
    problems = []
    for name, url in (("http proxy", http_proxy_url), ("https proxy", https_proxy_url)):
        problem = url and http_proxy.proxy_url_problem(url)
        if problem:
            problems.append("the %s %s" % (name, problem))
    for kind, entries in (("no_proxy", no_proxy), ("direct_hosts", direct_hosts)):
        if entries is not None and not isinstance(entries, list):
            problems.append("%s must be a list of host names, domains or addresses, got %s" % (kind, type(entries).__name__))
            continue
        for entry in entries or []:
            problem = entry and http_proxy.no_proxy_problem(entry)
            if problem:
                problems.append("%s entry %s" % (kind, problem))
    if problems:
        raise AnsibleFilterError("proxy_environment: %s" % "; ".join(problems))
    env = http_proxy.environment(http_proxy_url, https_proxy_url, no_proxy, direct_hosts)
    return env if credentials else http_proxy.public_environment(env)


class FilterModule(object):
    def filters(self):
        return {"proxy_environment": proxy_environment}
