# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter apt_packages_missing (documented in apt_packages_missing.yml)."""

from __future__ import annotations

from collections.abc import Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_state


def apt_packages_missing(output, packages):
    """Return the apt specs of ``packages`` that the dpkg-query lines ``output`` do not show installed."""
    if output is not None and not isinstance(output, (str, Sequence)):
        raise AnsibleFilterError("apt_packages_missing: the input must be dpkg-query's lines, got %s"
                                 % type(output).__name__)
    if isinstance(packages, str) or not isinstance(packages, Sequence):
        raise AnsibleFilterError("apt_packages_missing: packages must be a list of apt specs, got %s"
                                 % type(packages).__name__)
    return host_state.apt_packages_missing(output, packages)


class FilterModule(object):
    def filters(self):
        return {"apt_packages_missing": apt_packages_missing}
