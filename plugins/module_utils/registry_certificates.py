# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: CA certificates of private registries, as Docker looks them up.

Docker reads ``/etc/docker/certs.d/<host[:port]>/ca.crt`` for a registry: the
name is what images are named after, without scheme or path, and the file
holds PEM certificates only. Both roles (the host daemon's trust, the dind
image's) check their lists here. Messages never show a certificate: a private
key pasted by mistake must not reach a log.
"""

from __future__ import annotations

import re

__all__ = ["check_list", "registry_problem"]

_REGISTRY = re.compile(
    r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)"
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?\Z")
_CERTIFICATES = re.compile(r"^\s*(-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----\s*)+\Z")


def registry_problem(name):
    """Why ``name`` is not a registry as Docker names its certs.d directory (host[:port]), or None."""
    if not isinstance(name, str) or not _REGISTRY.match(name):
        return ("'%s' is not a host or host:port: Docker looks certificates up in /etc/docker/certs.d/<host[:port]>, "
                "without scheme or path; write it as images name the registry, e.g. registry.example.com:5000 (not "
                "https://registry.example.com:5000/v2)" % (name if isinstance(name, str) and len(name) < 80 else "..."))
    return None


def certificate_problem(text, what="the registry's CA certificate"):
    """Why ``text`` is not one or more PEM certificates, or None (never quoting it); ``what`` names the certificate."""
    if isinstance(text, str) and _CERTIFICATES.match(text):
        return None
    if isinstance(text, str) and "PRIVATE KEY" in text:
        return ("holds a private key (not shown): only %s belongs here, never a key; "
                "remove the key and give the CA certificate in PEM form" % what)
    return ("is not one or more PEM certificate blocks (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----): "
            "give %s in PEM form, e.g. \"{{ lookup('ansible.builtin.file', 'ca.pem') }}\"" % what)


def check_list(items, path, report):
    """Report the problems of a ``[{registry, certificate}]`` list found at ``path`` (each registry once)."""
    seen = {}
    for index, item in enumerate(items or []):
        where = "%s[%d]" % (path, index)
        if not isinstance(item, dict):
            continue  # the argument spec reports it
        problem = registry_problem(item.get("registry"))
        if problem:
            report.error(where + ".registry", problem)
        problem = certificate_problem(item.get("certificate"))
        if problem:
            report.error(where + ".certificate", problem)
        registry = item.get("registry")
        if isinstance(registry, str):
            if registry.lower() in seen:
                report.error(where + ".registry", "'%s' is also in %s[%d]: each registry has a single ca.crt, so one "
                                                  "entry would be lost; put all CA certificates of a registry into one "
                                                  "entry, one PEM block after the other"
                             % (registry, path, seen[registry.lower()]))
            else:
                seen[registry.lower()] = index
