# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the options of every module that talks to GitLab.

One argument spec (:func:`argument_spec`), documented once by the doc fragment
``runnerops.gitlab_runner.gitlab_connection``, so ``url``, ``validate_certs``,
``ca_path``, ``api_timeout``, ``retries``, ``backoff`` and ``proxy_environment`` mean the same in every
module; :func:`check` says what the spec cannot, and :func:`client` makes the
API client from them. Stdlib only; runs on Python 3.8+.
"""

from __future__ import annotations

import copy

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import proxy_environment
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_runner_api import (
    MAX_BACKOFF_DELAY,
    MAX_RETRIES,
    GitLabRunnerAPI,
)

__all__ = ["OPTIONS", "argument_spec", "check", "client"]

_ARGUMENT_SPEC = dict(
    url=dict(type="str"),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    api_timeout=dict(type="float", default=30.0),
    retries=dict(type="int", default=3),
    backoff=dict(type="float", default=1.0),
    proxy_environment=dict(type="dict", default={}, no_log=True),
)
OPTIONS = tuple(_ARGUMENT_SPEC)


def argument_spec(**changes):
    """A fresh copy of the connection options' spec; ``changes`` (``url={"required": True}``) update an option's."""
    spec = copy.deepcopy(_ARGUMENT_SPEC)
    for option, settings in changes.items():
        spec[option].update(settings)
    return spec


def check(params):
    """Raise ValueError, naming each option and its range, for connection options the spec cannot reject."""
    problems = []
    api_timeout = params.get("api_timeout")
    if api_timeout is not None and api_timeout <= 0:
        problems.append("api_timeout must be more than 0 seconds, got %s" % api_timeout)
    retries = params.get("retries")
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        problems.append("retries must be between 0 and %d, got %s" % (MAX_RETRIES, retries))
    backoff = params.get("backoff")
    if backoff is not None and not 0 <= backoff <= MAX_BACKOFF_DELAY:
        problems.append("backoff must be between 0 and %g seconds, got %s" % (MAX_BACKOFF_DELAY, backoff))
    if problems:
        raise ValueError("; ".join(problems))


def client(params, url=None):
    """The API client for GitLab at ``url`` (default ``params['url']``) with the connection options of ``params``."""
    proxy_environment.apply(params.get("proxy_environment"))
    return GitLabRunnerAPI(url if url is not None else params["url"], validate_certs=params["validate_certs"],
                           ca_path=params["ca_path"], timeout=params["api_timeout"], retries=params["retries"],
                           backoff=params["backoff"])
