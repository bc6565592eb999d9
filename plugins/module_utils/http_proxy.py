# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): the HTTP(S) proxy of a runner host, written once.

A host whose only way out is a proxy needs it in every program that goes out: the package manager and the roles'
downloads, the Docker daemon, the pull-through cache, the gitlab-runner service, the jobs and their helper, dind
services' daemons and the job's Docker CLI, and this collection's own calls to GitLab's API. Each of them reads the
same environment variables, in upper or lower case depending on the program, so the proxy is given once and
:func:`environment` turns it into that environment.

- :func:`proxy_url_problem`: what a proxy URL must be (scheme, host, port, nothing else). GitLab Runner's proxy page
  writes ``HTTPS_PROXY=docker0_interface_ip:3128`` without a scheme; Go then refuses it or reads it as a host name.
- :func:`no_proxy_problem`: a NO_PROXY entry every program of the host reads the same way (host name, domain, IP
  address or CIDR block, optionally with a port).
- :func:`no_proxy`: NO_PROXY completed with what must never go through the proxy: loopback, the dind service
  (``docker`` and ``docker:2375``/``docker:2376``; GitLab Runner's docs: ``docker push`` breaks without the ports,
  since the job's Docker CLI reads the variables for its connection to the daemon) and the hosts the caller names
  (a pull-through cache, an internal GitLab).
- :func:`check`: every rule for a role's three variables, reported with their names.
- :func:`environment`, :func:`environment_file`: the variables and a systemd ``EnvironmentFile=`` of them.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import gitlab_rules, secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.proxy_environment import VARIABLES

__all__ = [
    "ALWAYS_DIRECT",
    "DIND_DIRECT",
    "SCHEMES",
    "apt_auth",
    "check",
    "environment",
    "environment_file",
    "public_environment",
    "host_of",
    "no_proxy",
    "no_proxy_problem",
    "proxy_url_problem",
]

# Schemes every program here understands: apt's http method, Go (dockerd, gitlab-runner, the Docker CLI), curl and
# git, and Python's urllib (this collection's calls to GitLab). socks5 is Go's and curl's alone.
SCHEMES = ("http", "https")
# Never through a proxy: the host itself.
ALWAYS_DIRECT = ("localhost", "127.0.0.1", "::1")
# The dind service as jobs reach it, by name and with the ports of its daemon (2375 plain, 2376 TLS): programs that
# match NO_PROXY with the port (Go, Python) need the port form, those that ignore ports (curl) the bare name.
DIND_DIRECT = ("docker", "docker:2375", "docker:2376")
_EXAMPLE = "e.g. http://proxy.example.com:3128"
_CIDR_READERS = "apt, git and curl before 7.86, and this collection's own calls to GitLab (Python)"


def host_of(url):
    """The host of ``url`` as NO_PROXY names it (no brackets, no port, lower case), or None."""
    try:
        host = urllib.parse.urlsplit(url.strip()).hostname
    except (AttributeError, ValueError):
        return None
    return host.lower() if host else None


# Go's net/url validUserinfo, with each % starting an escape (unescape fails otherwise).
_GO_USERINFO = re.compile(r"^(?:[A-Za-z0-9\-._:~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})*$")


def _userinfo(url):
    """The user information of a proxy URL as Go reads it ("" when none): secrets.url_userinfo_span."""
    span = secrets.url_userinfo_span(url)
    return url[span[0]:span[1]] if span else ""


def proxy_url_problem(url):
    """Why ``url`` is not a proxy URL every program of a runner host reads the same way, or None.

    ``http://[user:password@]host:port``, the password percent-encoded; ``https://`` only for a proxy that itself
    speaks TLS. The answer never shows the password.
    """
    if not isinstance(url, str):
        return "must be a string such as http://proxy.example.com:3128, got %s" % type(url).__name__
    shown = secrets.mask_url(url)
    if not url:
        return "is empty"
    if re.search(r"\s", url):
        return "%r contains whitespace (a stray space or line break): give the URL alone, %s" % (shown, _EXAMPLE)
    if "://" not in url:
        return ("%r has no scheme: programs disagree on what a proxy without one means (Go refuses some forms, apt "
                "ignores it); write http://%s, the scheme most proxies take for https_proxy too" % (shown, shown))
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ("%r is not a URL: [ and ] belong only around an IPv6 address (in a user or password write them "
                "percent-encoded, %%5B and %%5D)" % shown)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return ("%r has the scheme %s: apt and this collection's own calls to GitLab take http:// and https:// proxies "
                "only; give the proxy's HTTP address, %s" % (shown, scheme, _EXAMPLE))
    if "://" in url[len(scheme) + 3:]:
        return "%r has a scheme twice: give it once, %s" % (shown, _EXAMPLE)
    if gitlab_rules.scheme_in_capitals(url):
        return ("%r has its scheme in capitals: apt refuses such a proxy (Unsupported proxy configured) and the "
                "package installs fail, while Go programs accept it; write %s://" % (shown, scheme))
    if parts.path not in ("", "/") or parts.query or parts.fragment or url.endswith(("?", "#")):
        return ("%r has a path, query or fragment: a proxy is a scheme, host and port (a password with / ? # or @ "
                "in it must be percent-encoded: %%2F %%3F %%23 %%40)" % shown)
    userinfo = _userinfo(url)
    if not _GO_USERINFO.match(userinfo):
        # Go's url.Parse refuses it ("invalid userinfo"), and its proxy lookup then reads a wrong host or none:
        # dockerd, gitlab-runner and the jobs' Go tools go out without the proxy while apt works.
        return ("%r has a user or password with a character Go's URL parser refuses (dockerd and gitlab-runner read "
                "it): percent-encode everything but letters, digits and -._~!$&'()*+,;=: in it, e.g. CORP%%5Cuser "
                "for CORP\\user, and a %% itself as %%25" % shown)
    try:
        port = parts.port
    except ValueError:
        return "%r has a port that is not a number from 1 to 65535" % shown
    host = parts.hostname
    if not host or not gitlab_rules.is_host(host):
        return "%r has no valid host name or address: %s" % (shown, _EXAMPLE)
    if not port:
        return ("%r has no port: programs disagree on the default (80, 443, 1080 or 3128): write the port the proxy "
                "listens on, %s" % (shown, _EXAMPLE))
    if gitlab_rules.is_loopback(host):
        return ("%r is the host's loopback address, which job containers and dind services cannot reach (there it is "
                "the container itself): give an address of the proxy that containers reach; for a local forwarder "
                "(cntlm), let it listen on the Docker bridge's address, such as 172.17.0.1" % shown)
    return None


def no_proxy_problem(entry):
    """Why ``entry`` is not a NO_PROXY entry that the programs of a runner host read alike, or None."""
    if not isinstance(entry, str):
        return "must be a string (a host name, domain, IP address or CIDR block), got %s" % type(entry).__name__
    if not entry:
        return "is empty: remove it"
    if re.search(r"\s", entry):
        return "%r contains whitespace: give one host, domain or address per item" % entry
    if "," in entry:
        return "%r holds a comma: give one entry per list item, the role joins them" % entry
    if "://" in entry:
        return "%r is a URL: NO_PROXY takes host names, domains and addresses, write %r" % (entry, host_of(entry) or "")
    if entry == "*":
        return None
    if "*" in entry.lstrip("*"):
        return "%r has a wildcard inside: NO_PROXY matches a domain and every name below it, write the domain" % entry
    if "/" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return "%r is neither a host nor a CIDR block (10.0.0.0/8, fd00::/8)" % entry
        return None
    host, port = _split_port(entry)
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        return "%r has a port that is not a number from 1 to 65535" % entry
    if not gitlab_rules.is_host(host.lstrip("*").lstrip(".")):
        return "%r is not a host name, domain (example.com) or IP address" % entry
    return None


def _split_port(entry):
    """``(host, port or None)`` of a NO_PROXY entry: ``[::1]:2375``, ``docker:2376``, ``::1``, ``example.com``."""
    if entry.startswith("["):
        host, _sep, rest = entry[1:].partition("]")
        return host, (rest[1:] if rest.startswith(":") else None)
    if entry.count(":") == 1:
        host, _sep, port = entry.partition(":")
        return host, port
    return entry, None


def _no_proxy_warning(entry):
    if entry == "*":
        return ("is '*', which sends nothing through the proxy: set no proxy instead, or list the hosts and domains "
                "to reach directly")
    if entry.startswith("*."):
        return ("%r: a leading '*.' is read by Go alone; apt, curl and Python ignore the entry; write %r, which every "
                "program matches with every name below it" % (entry, entry[2:]))
    if "/" in entry:
        return ("%r is a CIDR block, which %s do not read: requests to those addresses go through the proxy there; "
                "list the hosts they must reach directly by name or address too" % (entry, _CIDR_READERS))
    return None


def no_proxy(entries, hosts=()):
    """NO_PROXY as a list: the user's ``entries``, then loopback, the dind service and ``hosts``, each once."""
    completed = []
    seen = set()
    for entry in list(entries or []) + list(ALWAYS_DIRECT) + list(DIND_DIRECT) + list(hosts or []):
        if isinstance(entry, str) and entry.strip() and entry.strip().lower() not in seen:
            seen.add(entry.strip().lower())
            completed.append(entry.strip())
    return completed


def environment(http_proxy, https_proxy="", entries=(), hosts=()):
    """The proxy variables every program of the host reads, upper and lower case; ``{}`` without a proxy."""
    if not http_proxy and not https_proxy:
        return {}
    values = {"HTTP_PROXY": http_proxy, "HTTPS_PROXY": https_proxy, "NO_PROXY": ",".join(no_proxy(entries, hosts))}
    # In proxy_environment.VARIABLES order, each name upper and lower case.
    return dict((name, values[name.upper()]) for name in VARIABLES if values[name.upper()])


def public_environment(env):
    """``env`` with the user and password taken out of the proxy URLs: what may be shown at -vvv.

    Ansible prints a task's ``environment`` with the command it runs at -vvv (no_log does not hide it), so tasks that
    need the proxy get this, and the credentials reach their program another way (apt: :func:`apt_auth`).
    """
    return dict((name, _without_credentials(value) if name.lower() != "no_proxy" else value)
                for name, value in (env or {}).items())


def _without_credentials(url):
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def apt_auth(env):
    """The text of an apt auth.conf.d file with the proxies' credentials (apt_auth.conf(5): sources and proxies).

    Empty when no proxy URL holds a user. Each machine is written with its scheme, which apt requires of an http://
    proxy ("the protocol is not encrypted. Annotate with http:// to use"). netrc tokens end at whitespace, so
    :func:`check` refuses a user or password with whitespace.
    """
    entries = []
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        url = (env or {}).get(name)
        if not url:
            continue
        parts = urllib.parse.urlsplit(url)
        if parts.username is None:
            continue
        # With its scheme: apt uses credentials for an unencrypted http:// proxy only where the entry names http://.
        machine = "%s://%s" % (parts.scheme.lower(), parts.netloc.rpartition("@")[2])
        entry = "machine %s\nlogin %s\npassword %s\n" % (machine, urllib.parse.unquote(parts.username),
                                                         urllib.parse.unquote(parts.password or ""))
        if entry not in entries:
            entries.append(entry)
    return "".join(entries)


def environment_file(env):
    """``env`` as a systemd ``EnvironmentFile=``: ``NAME="value"`` lines, with what double quotes must escape."""
    lines = []
    for name in sorted(env):
        value = re.sub(r'(["\\`$])', r"\\\1", str(env[name]))
        lines.append('%s="%s"' % (name, value))
    return "".join(line + "\n" for line in lines)


def check(values, prefix, report, jobs_see_it=False):
    """Report the problems of ``<prefix>_http_proxy``, ``<prefix>_https_proxy`` and ``<prefix>_no_proxy``.

    ``jobs_see_it``: the proxy reaches the jobs' environment (the runner role), where a password is readable by every
    job. Passwords are added to ``report.secrets``.
    """
    names = dict((key, "%s_%s" % (prefix, key)) for key in ("http_proxy", "https_proxy", "no_proxy"))
    urls = {}
    for key in ("http_proxy", "https_proxy"):
        url = values.get(names[key])
        if not url:
            continue
        if isinstance(url, str):
            password = _userinfo(url).partition(":")[2]
            if password:
                report.secrets.add(password)
                report.secrets.add(urllib.parse.unquote(password))
        problem = proxy_url_problem(url)
        if problem:
            report.error(names[key], problem)
            continue
        urls[key] = url
        parts = urllib.parse.urlsplit(url)
        if any(re.search(r"\s", urllib.parse.unquote(part or "")) for part in (parts.username, parts.password)):
            report.error(names[key], "has a user or password with whitespace once decoded, which apt's auth.conf "
                                     "(where the role puts the proxy's credentials for apt) cannot hold: use an "
                                     "account without whitespace, or a local forwarder without credentials")
            continue
        if url.lower().startswith("https://"):
            report.warning(names[key], "is https://, which means TLS to the proxy itself; most proxies (squid "
                                       "included) take plain HTTP on their port, also for https_proxy: write "
                                       "http://%s unless the proxy serves TLS" % secrets.mask_url(url[8:]))
    entries = values.get(names["no_proxy"]) or []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        problem = no_proxy_problem(entry)
        if problem:
            report.error("%s[%d]" % (names["no_proxy"], index), problem)
        elif _no_proxy_warning(entry):
            report.warning("%s[%d]" % (names["no_proxy"], index), _no_proxy_warning(entry))
    given = [key for key in ("http_proxy", "https_proxy") if values.get(names[key])]
    if len(given) == 1:
        other = names["https_proxy" if given[0] == "http_proxy" else "http_proxy"]
        report.warning(other, "is empty while %s is set: requests to %s URLs (%s) then go out directly and fail on "
                              "a host whose only way out is the proxy; set it too, usually to the same URL"
                       % (names[given[0]], "https" if given[0] == "http_proxy" else "http",
                          "GitLab, registries, Docker Hub" if given[0] == "http_proxy" else "package mirrors"))
    elif not given and entries:
        report.warning(names["no_proxy"], "is set but neither %s nor %s is: it changes nothing"
                       % (names["http_proxy"], names["https_proxy"]))
    credentialed = [names[key] for key, url in sorted(urls.items()) if urllib.parse.urlsplit(url).username]
    if jobs_see_it and credentialed:
        report.warning(", ".join(credentialed),
                       "holds a user and password, which every job reads in its environment (http_proxy...) and can "
                       "print: prefer a local forwarder without credentials, such as cntlm listening on the Docker "
                       "bridge's address, that holds them for the host (see the runner role's README)")
