# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection: GitLab token shapes and the masking rules every plugin uses.

One home for "what a secret looks like": the modules, filters, the input
validation and the tests mask with :func:`mask`, and tell token kinds apart
with :func:`token_kind`. A masked token keeps its prefix (``glrt-********``) so
a message can still say which kind of token it was.
"""

from __future__ import annotations

import re
import urllib.parse

__all__ = ["MASK", "SECRET_NAME", "SECRET_NAME_ANYWHERE", "SECRET_WORDS", "TOKEN_KINDS", "environment_secrets",
           "find_tokens", "mask", "mask_url", "token_kind", "url_userinfo_span"]

MASK = "********"

# GitLab's token prefixes (GitLab's "Token overview" documentation) and what each one is.
TOKEN_KINDS = {
    "glrt-": "runner authentication token",
    "glrtr-": "runner authentication token",
    "GR1348941": "runner registration token",
    "glpat-": "personal, project or group access token",
    "gloas-": "OAuth application secret",
    "gldt-": "deploy token",
    "glcbt-": "CI/CD job token",
    "glptt-": "pipeline trigger token",
    "glft-": "feed token",
    "glimt-": "incoming mail token",
    "glagent-": "agent for Kubernetes token",
    "glsoat-": "SCIM token",
    "glffct-": "feature flags client token",
}

# Longest prefix first, so a prefix that another one begins with could never win over it. (No generic gl<letters>- rule: it would hide "gitlab-runner".)
_PREFIXES = sorted(TOKEN_KINDS, key=len, reverse=True)
# Routable tokens hold dots (glrt-t1_<payload>.01.<crc>); a dot ending a sentence is not part of one.
_TOKEN_ANYWHERE = re.compile(
    r"(?<![A-Za-z0-9])(%s)(?=[0-9A-Za-z_\-]{4})[0-9A-Za-z_.\-]*[0-9A-Za-z_\-]"
    % "|".join(re.escape(prefix) for prefix in _PREFIXES))
# Words that make a setting's name say it holds a secret (token, SecretKey, AccountKey, sentry_dsn...).
SECRET_WORDS = ("token", "password", "secret", "key", "dsn", "credential")
# A name that ends in such a word: token, SecretKey, sentry_dsn, but not token_obtained_at.
SECRET_NAME = re.compile(r"(?:%s)s?$" % "|".join(SECRET_WORDS), re.IGNORECASE)
# A name that holds such a word anywhere, for messages that would rather hide too much (token_obtained_at too).
# ("key" only at the end: "keep_alive", "monkey" are not secrets.)
SECRET_NAME_ANYWHERE = re.compile("|".join(word for word in SECRET_WORDS if word != "key") + "|key$", re.IGNORECASE)
# The password of user:password@ in a URL (a GitLab URL with credentials, a proxy, a registry mirror).
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:)([^/\s@]+)(@)")
# A PEM private key pasted where a certificate belongs: the whole block goes.
_PRIVATE_KEY = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.DOTALL)


def token_kind(value):
    """Return ``(prefix, kind)`` when ``value`` starts with a GitLab token prefix, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    for prefix in _PREFIXES:
        if value.startswith(prefix):
            return prefix, TOKEN_KINDS[prefix]
    return None


def _masked_value(value):
    kind = token_kind(value)
    return (kind[0] + MASK) if kind else MASK


def mask(text, secrets=()):
    """Return ``text`` with every secret hidden.

    Hides each of ``secrets`` wherever it appears, anything shaped like a GitLab
    token, the password of a URL's ``user:password@`` and PEM private keys.
    """
    if text is None:
        return text
    text = str(text)
    for secret in sorted((s for s in secrets if isinstance(s, str) and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, _masked_value(secret))
    text = _PRIVATE_KEY.sub(lambda match: "-----BEGIN %s-----%s" % (match.group(1), MASK), text)
    text = _URL_PASSWORD.sub(lambda match: match.group(1) + MASK + match.group(3), text)
    return _TOKEN_ANYWHERE.sub(lambda match: match.group(1) + MASK, text)


def find_tokens(text):
    """The unmasked GitLab tokens in ``text`` (a masked ``glrt-********`` is not one): for leak checks."""
    return [match.group(0) for match in _TOKEN_ANYWHERE.finditer(str(text))]


# A variable whose name says it holds a secret: SECRET_NAME_ANYWHERE, and DOCKER_AUTH_CONFIG-like *AUTH* names.
_SECRET_VARIABLE = re.compile(SECRET_NAME_ANYWHERE.pattern + "|auth", re.IGNORECASE)


def environment_secrets(environment):
    """The secret values of an environment (a dict, or "NAME=value" items) for a module's no_log_values.

    The values of variables named like a secret (API_TOKEN, DB_PASSWORD, DOCKER_AUTH_CONFIG), the passwords of
    URLs in any value (HTTPS_PROXY=http://user:password@proxy:3128, percent-encoded and decoded) and GitLab tokens.
    """
    if isinstance(environment, dict):
        items = environment.items()
    else:
        items = [str(item).partition("=")[::2] for item in environment or []]
    found = set()
    for name, value in items:
        if not isinstance(value, str) or not value:
            continue
        if _SECRET_VARIABLE.search(str(name)):
            found.add(value)
        for match in _URL_PASSWORD.finditer(value):
            found.add(match.group(2))
            found.add(urllib.parse.unquote(match.group(2)))
        found.update(find_tokens(value))
    return found


def url_userinfo_span(text):
    """``(start, end)`` of the user information in ``text`` (one URL, with or without a scheme), or None.

    Everything between the scheme's ``//`` and the URL's last "@", as Go's url.Parse reads it: a password with a raw
    / ? # or @ (which Python's urlsplit reads as the end of the host) is included whole.
    """
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://", text)
    start = scheme.end() if scheme else 0
    at = text.rfind("@")
    return (start, at) if at >= start else None


def mask_url(url):
    """``url`` (one URL, with or without a scheme) fit to print: its credentials, query values and tokens masked.

    The user information (url_userinfo_span) is hidden whole but for the user before a password; a user without a
    password may be a token and is hidden too. Query values (``?private_token=...``) are hidden, their names kept.
    """
    if url is None:
        return url
    text = str(url)
    span = url_userinfo_span(text)
    if span:
        start, at = span
        user, colon, _password = text[start:at].partition(":")
        text = text[:start] + (user + ":" + MASK if colon and user else MASK) + text[at:]
    head, question, query = text.partition("?")
    if question:
        query, hash_, fragment = query.partition("#")
        query = re.sub(r"(^|&)([^=&]*)=[^&]*", lambda match: match.group(1) + match.group(2) + "=" + MASK, query)
        text = head + "?" + query + hash_ + fragment
    return mask(text)
