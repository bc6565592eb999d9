# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: what GitLab accepts for a runner, stated once.

The GitLab base URL, the runner attributes of ``POST /api/v4/user/runners``
(GitLab's ``Ci::Runner`` validations: tags, untagged jobs, maximum timeout,
maintenance note, runner types and their ids) and which kind of token goes
where. The role's input validation, the registration module and the API
client call these; each returns problems as ``(key, message)`` pairs so a
caller can name the option in its own terms. Stdlib only.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets

__all__ = [
    "ACCESS_LEVELS",
    "MINIMUM_MAXIMUM_TIMEOUT",
    "RUNNER_ATTRIBUTES",
    "RUNNER_TYPES",
    "attribute_problems",
    "credentials_problem",
    "http_url_problem",
    "is_host",
    "is_loopback",
    "normalize_url",
    "scheme_in_capitals",
    "tag_list",
    "token_problem",
    "url_problem",
]

RUNNER_TYPES = ("instance_type", "group_type", "project_type")
ACCESS_LEVELS = ("not_protected", "ref_protected")
# Runner attributes GitLab takes when a runner is created (both workflows).
RUNNER_ATTRIBUTES = ("description", "tag_list", "run_untagged", "locked", "access_level", "maximum_timeout", "paused",
                     "maintenance_note")
# Ci::Runner: maximum_timeout "needs to be at least 10 minutes" (no upper bound; "between 10 minutes and 1 month" is
# a project's build_timeout, not a runner's).
MINIMUM_MAXIMUM_TIMEOUT = 600
MAX_TAGS = 50  # Ci::Runner::TAG_LIST_MAX_LENGTH
MAX_MAINTENANCE_NOTE = 1024

_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                   r"(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?)$")
_EXAMPLE = "e.g. https://gitlab.example.com"
# Where each kind of GitLab credential may be used (prefixes from secrets.TOKEN_KINDS; None: no prefix).
_TOKEN_USES = {
    "runner": ("glrt-", "glrtr-", None),
    # gloas- is an OAuth application's client secret: it signs in no API request.
    "access": ("glpat-", None),
    "registration": ("GR1348941", None),
}
_TOKEN_NAMES = {
    "runner": "a runner authentication token (glrt-...)",
    "access": "an access token with the create_runner scope (glpat-...)",
    "registration": "a runner registration token (GR1348941...)",
}


def _is_ipv6(host):
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def is_host(text):
    """Whether ``text`` is a host as a URL names it: a host name, an IPv4 address or an IPv6 one (bare or in [])."""
    return isinstance(text, str) and bool(_HOST.match(text) or _is_ipv6(text))


def is_loopback(host):
    """Whether ``host`` (a name or address, IPv6 with or without []) is the machine itself to whoever connects to it.

    localhost and its subdomains, 127.0.0.0/8, ::1 and the unspecified addresses (0.0.0.0, ::), which connect to
    the local machine: inside a container, that is the container, not the host.
    """
    if not isinstance(host, str):
        return False
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def url_problem(url):
    """Return why ``url`` is not a GitLab base URL (masked), or None when it is one."""
    if url is None:
        return "is empty: give GitLab's base URL, %s" % _EXAMPLE
    if not isinstance(url, str):
        return "must be a string such as https://gitlab.example.com, got %s" % type(url).__name__
    shown = secrets.mask_url(url.strip())
    if not url.strip():
        return "is empty: give GitLab's base URL, %s" % _EXAMPLE
    if re.search(r"\s", url.strip()):
        return "'%s' contains whitespace (a stray space or line break): give GitLab's base URL alone, %s" % (
            shown, _EXAMPLE)
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "'%s' is not an http(s) URL with a host: give GitLab's base URL, %s" % (shown, _EXAMPLE)
    if "://" in url[len(parts.scheme) + 3:]:
        return "'%s' has a scheme twice: give GitLab's base URL once, %s" % (shown, _EXAMPLE)
    if parts.username is not None or parts.password is not None:
        return ("'%s' carries credentials: GitLab's URL must not hold a user or password (the runner would send "
                "them with every request); give the token in runner_access_token instead" % shown)
    try:
        port = parts.port
    except ValueError:
        return "'%s' has a port that is not a number from 1 to 65535: %s, or https://gitlab.example.com:8443" % (
            shown, _EXAMPLE)
    if port == 0:
        return "'%s' has port 0: give a port from 1 to 65535 or none" % shown
    if not parts.hostname or not is_host(parts.hostname):
        return "'%s' has no valid host name: give GitLab's base URL, %s" % (shown, _EXAMPLE)
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "'%s' has a query or fragment: give GitLab's base URL without ? or #, %s" % (shown, _EXAMPLE)
    if parts.path.rstrip("/").endswith("/api/v4"):
        return ("'%s' ends in /api/v4: give GitLab's base URL without it (the runner and the registration API add "
                "the API path)" % shown)
    return None


def tag_list(tags):
    """The tags as GitLab keeps them (Gitlab::Ci::Tags::TagList): stripped, without blanks and repeats, in order.
    Items that are not strings are left out (attribute_problems reports them)."""
    return list(dict.fromkeys(tag.strip() for tag in tags if isinstance(tag, str) and tag.strip()))


def scheme_in_capitals(url):
    """Whether ``url`` (an http(s) URL) writes its scheme with a capital, which apt does not read: Go and Python
    lower it, apt takes it as written."""
    scheme = url.strip().partition(":")[0]
    return scheme != scheme.lower()


def http_url_problem(url, apt=False):
    """Why ``url`` is not an http(s) URL with a host (a package repository, a download base), or None.

    ``apt``: apt reads the URL (a repository), and takes its scheme as the name of a method to run: HTTP:// fails
    ("The method driver /usr/lib/apt/methods/HTTP could not be found").
    """
    if not isinstance(url, str) or not url.strip():
        return "is empty: give an http(s) URL"
    parts = urllib.parse.urlsplit(url.strip())
    if re.search(r"\s", url.strip()) or parts.scheme not in ("http", "https") or not parts.hostname:
        return "'%s' is not an http(s) URL with a host" % secrets.mask_url(url.strip())
    if apt and scheme_in_capitals(url):
        return ("'%s' has its scheme in capitals: apt looks for a method of that name and fails (The method driver "
                "/usr/lib/apt/methods/%s could not be found); write %s://" % (
                    secrets.mask_url(url.strip()), url.strip().partition(":")[0], parts.scheme))
    try:
        parts.port
    except ValueError:
        return "'%s' has a port that is not a number from 1 to 65535" % secrets.mask_url(url.strip())
    return None


def normalize_url(url):
    """Return the GitLab base URL without a trailing slash; ValueError naming the problem when it is not one."""
    problem = url_problem(url)
    if problem:
        raise ValueError("url %s" % problem)
    return url.strip().rstrip("/")


def token_problem(value, use):
    """Why ``value`` cannot serve as the ``use`` credential ('runner', 'access' or 'registration'), or None."""
    if not isinstance(value, str):
        return "must be a string (the token itself), got %s" % type(value).__name__
    if re.search(r"\s", value.strip()):
        return "contains whitespace: give the token alone, on one line"
    kind = secrets.token_kind(value)
    prefix = kind[0] if kind else None
    if prefix in _TOKEN_USES[use]:
        return None
    article = "an" if kind[1][:1] in "aeiouAEIOU" else "a"
    return "is %s %s (%s%s), but %s is needed here" % (article, kind[1], prefix, secrets.MASK, _TOKEN_NAMES[use])


def credentials_problem(access_token, registration_token):
    """Why a runner cannot be created with these credentials given together, or None: GitLab takes one of them."""
    if access_token and registration_token:
        return ("an access token and a registration token are both given, but a runner is created with one of them: "
                "keep the access token (scope create_runner; GitLab 17.0 and later disable registration tokens by "
                "default) and drop the registration token")
    return None


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def attribute_problems(attributes, credential="access"):
    """Problems of a runner's GitLab attributes, as ``(key, message)`` pairs.

    ``attributes`` holds any of runner_type, group_id, project_id and the
    RUNNER_ATTRIBUTES, already of their declared types (tag_list a list).
    ``credential`` is how the runner is created: 'access' (POST /user/runners,
    where runner_type and its id decide the scope), 'registration' (the
    registration token decides it) or None (not created here).
    """
    problems = []
    runner_type = attributes.get("runner_type") or "instance_type"
    if runner_type not in RUNNER_TYPES:
        problems.append(("runner_type", "is %r, not one of %s" % (runner_type, ", ".join(RUNNER_TYPES))))
    for key, wanted in (("group_id", "group_type"), ("project_id", "project_type")):
        value = attributes.get(key)
        if value is None:
            if runner_type == wanted and credential == "access":
                problems.append((key, "is missing: a %s runner belongs to one %s; set %s (its numeric ID) or use "
                                      "runner_type instance_type" % (wanted, key.split("_", maxsplit=1)[0], key)))
            continue
        if not _is_id(value):
            problems.append((key, "must be a positive GitLab ID (an integer from 1), got %r" % (value,)))
        elif runner_type != wanted and credential != "registration":
            problems.append((key, "is set but runner_type is %s: set runner_type %s for a %s runner, or remove %s"
                                  % (runner_type, wanted, wanted.split("_", maxsplit=1)[0], key)))
    access_level = attributes.get("access_level")
    if access_level is not None and access_level not in ACCESS_LEVELS:
        problems.append(("access_level", "is %r, not one of %s" % (access_level, ", ".join(ACCESS_LEVELS))))
    tags = attributes.get("tag_list") or []
    for index, tag in enumerate(tags):
        key = "tag_list[%d]" % index
        if not isinstance(tag, str) or not tag.strip():
            problems.append((key, "is empty or not a string (%r): give one tag per list item" % (tag,)))
        elif "," in tag:
            problems.append((key, "'%s' contains a comma: GitLab splits tags at commas, so it would become %d "
                                  "tags; give one tag per list item" % (tag, len(tag.split(",")))))
    # GitLab counts its tag list, repeats and blanks dropped.
    distinct = len(tag_list(tags))
    if distinct > MAX_TAGS:
        problems.append(("tag_list", "has %d tags: GitLab allows at most %d per runner" % (distinct, MAX_TAGS)))
    if attributes.get("run_untagged") is False and not [tag for tag in tags if isinstance(tag, str) and tag.strip()]:
        problems.append(("run_untagged", "is false but the runner has no tags: GitLab refuses a runner that may run "
                                         "neither tagged nor untagged jobs; add tags or set run_untagged true"))
    timeout = attributes.get("maximum_timeout")
    if timeout is not None:
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < MINIMUM_MAXIMUM_TIMEOUT:
            problems.append(("maximum_timeout", "is %r: GitLab needs a whole number of seconds, at least %d "
                                                "(10 minutes)" % (timeout, MINIMUM_MAXIMUM_TIMEOUT)))
    note = attributes.get("maintenance_note")
    if isinstance(note, str) and len(note) > MAX_MAINTENANCE_NOTE:
        problems.append(("maintenance_note", "has %d characters: GitLab allows at most %d"
                                             % (len(note), MAX_MAINTENANCE_NOTE)))
    return problems
