# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The options of every module that talks to GitLab (module_utils/gitlab_connection.py holds their spec)."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of GitLab, such as V(https://gitlab.example.com), without C(/api/v4).
    type: str
  validate_certs:
    description:
      - Whether to verify GitLab's TLS certificate. Set V(false) only for throw-away test instances;
        give O(ca_path) for a private CA instead.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA (or CAs) that signed GitLab's certificate.
    type: path
  api_timeout:
    description:
      - Seconds to wait for each answer from GitLab (each request and each repeat of it); more than 0.
    type: float
    default: 30.0
  retries:
    description:
      - How many times a request is repeated after a connection error, a timeout or an HTTP 429 or 5xx
        answer (0 to 10). Every other answer is final at once.
      - "GitLab's answers mean the same in every module of the collection. A 401 is an access token GitLab does
        not accept (unknown, expired or revoked), to be replaced by a current one. A 403 is a token GitLab accepts
        that lacks the scope or the rights for the request; the message says which. A 429 or 5xx is repeated, then
        reported with the advice to raise O(retries) and O(backoff)."
    type: int
    default: 3
  backoff:
    description:
      - Seconds to wait before the first repeat; each further repeat waits twice as long as the one
        before (at most 30 seconds).
    type: float
    default: 1.0
  proxy_environment:
    description:
      - The proxy variables for the requests to GitLab (C(HTTP_PROXY), C(HTTPS_PROXY), C(NO_PROXY) and their lower
        case forms), as the filter P(runnerops.gitlab_runner.proxy_environment#filter) returns them.
      - An option rather than the task's C(environment) keyword, which Ansible prints with the command at C(-vvv),
        so a password in the proxy URL stays hidden here. The task's own environment still applies when this is empty.
    type: dict
    default: {}
"""
