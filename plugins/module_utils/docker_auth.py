# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): registry credentials as GitLab Runner looks them up.

The one home of the rules of GitLab Runner's ``helpers/docker/auth/auth.go``, which picks the
credentials the docker executor pulls an image with, and of ``DOCKER_AUTH_CONFIG``, the
variable (of a job, or of ``[[runners]] environment``) that gives them, in the form GitLab's
documentation "Use a private container registry" shows::

    {"auths": {"registry.example.com:5000": {"auth": "<base64 of user:password>"}}}

Functions (each raises ValueError with what is wrong and what to do, or returns problems as
``(path, message)`` pairs; no message shows a password or an ``auth`` value):

- ``normalize_image_ref(image)``: the path an image is matched with (the runner's
  normalizeImageRef): the tag cut off, ``docker.io/`` put before Docker Hub images (``nginx``,
  ``user/app``) and ``index.docker.io`` written ``docker.io``, the host lower-cased;
- ``registry_path(server_address)``: the path a credential is filed under (convertToRegistryPath):
  ``https://host/v1/`` -> ``host`` (a scheme drops the path, ``index.docker.io`` is ``docker.io``),
  else ``host[:port][/path]`` without a trailing ``/`` or an image tag, host lower-cased;
- ``config_for_image(image, auths)``: the credential the runner uses for ``image``: the longest
  registry path that is the image's path or one of its parents, or None. ``auths`` is the ``auths``
  object of a DOCKER_AUTH_CONFIG (``{server_address: {"auth": ...} or {"username", "password"}}``),
  taken in sorted order as the runner does, or a sequence of ``(server_address, credentials)`` pairs
  in priority order (the runner reads DOCKER_AUTH_CONFIG, then the runner user's Docker config, then
  the job's own registry credentials); the first credential of each registry path wins. Returns
  ``{"path", "server_address", "username", "password"}``;
- ``read_auth_config(text)``: the credentials of a DOCKER_AUTH_CONFIG text, as the Docker CLI's
  config reader gives them to the runner: a list of ``{"server_address", "path", "username",
  "password"}`` in the runner's order; ValueError where the runner would drop the whole variable
  (not JSON, ``auth`` not base64 of ``user:password``);
- ``auth_config_problems(text, path)``: ``(path, message)`` for what makes a DOCKER_AUTH_CONFIG text
  useless to the runner: the errors of read_auth_config, ``credsStore`` / ``credHelpers`` (programs
  the runner would run on the runner host, which this collection does not install), two entries of
  one registry path (the runner keeps the first, sorted, and ignores the other);
- ``credential_problems(entries, path)``: ``(path, message)`` for a list of
  ``{registry, username, password}``: ``registry`` is ``host[:port][/path]`` as images are named
  (no scheme, no tag, a host Docker does not take for a Docker Hub namespace), username and
  password non-empty strings (the username without ``:``), each registry path once (the runner
  logs "credentials for ... already set" and ignores a second one);
- ``check_list(entries, path, report)``: the same problems through ``report.error(path, message)``,
  as the other input rules report them;
- ``build_auth_config(entries, path)``: the DOCKER_AUTH_CONFIG JSON text for such a list (keys
  sorted, compact); ValueError naming every problem when the list has any.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import normalize_path

__all__ = [
    "DEFAULT_REGISTRY",
    "auth_config_problems",
    "build_auth_config",
    "check_list",
    "config_for_image",
    "credential_problems",
    "normalize_image_ref",
    "read_auth_config",
    "registry_path",
]

DEFAULT_REGISTRY = "docker.io"
_INDEX = "index." + DEFAULT_REGISTRY
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# github.com/distribution/reference: a host name (labels of letters, digits and inner hyphens) or a bracketed
# IPv6 address, an optional port; path components of lower-case letters and digits with . _ __ or - between.
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)"
                   r"(?::([0-9]+))?\Z")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*\Z")
_ENTRY_KEYS = ("registry", "username", "password")
_EXAMPLE = "registry.example.com:5000"


def _go_join(*elements):
    """Go's path.Join: the non-empty elements joined with ``/`` and cleaned, or "" when all are empty."""
    parts = [element for element in elements if element]
    return normalize_path("/".join(parts)) if parts else ""


def _with_lower_case_host(path):
    host, slash, rest = path.partition("/")
    return host.lower() + slash + rest


def _parent(path):
    index = path.rfind("/")
    return "" if index == -1 else path[:index]


def _string(value, what):
    if not isinstance(value, str):
        raise ValueError("%s must be a string, got %s" % (what, type(value).__name__))
    return value


def normalize_image_ref(image):
    """The path GitLab Runner matches registry credentials against for ``image`` (its normalizeImageRef)."""
    image = _string(image, "an image name")
    directory, _slash, name = image.rpartition("/")
    if _slash:
        directory += "/"
    name = name.partition(":")[0]
    normalized = _go_join(directory, name)
    host = normalized.split("/", 1)[0]
    if "/" not in normalized or ("." not in host and ":" not in host and host.lower() != "localhost"):
        normalized = _go_join(DEFAULT_REGISTRY, normalized)
    elif host.lower() == _INDEX:
        normalized = normalized.partition(".")[2]
    return _with_lower_case_host(normalized)


def registry_path(server_address):
    """The path GitLab Runner files the credentials of ``server_address`` under (its convertToRegistryPath)."""
    server_address = _string(server_address, "a registry server address")
    if _SCHEME.match(server_address):
        host = _SCHEME.sub("", server_address, count=1).split("/", 1)[0].lower()
        return DEFAULT_REGISTRY if host == _INDEX else host
    path = server_address[:-1] if server_address.endswith("/") else server_address
    tag, slash = path.rfind(":"), path.rfind("/")
    if slash != -1 and tag > slash:
        path = path[:tag]
    return _with_lower_case_host(path)


def _decode_auth(value, where):
    """Docker's decodeAuth: base64 of ``user:password``; the error never shows the value."""
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise ValueError("%s.auth is not base64 (not shown): the Docker config reader fails on it and GitLab Runner "
                         "ignores the whole DOCKER_AUTH_CONFIG; give base64 of \"username:password\"" % where)
    username, colon, password = decoded.partition(":")
    if not colon or not username:
        raise ValueError("%s.auth does not decode to \"username:password\" (not shown): the Docker config reader "
                         "fails on it and GitLab Runner ignores the whole DOCKER_AUTH_CONFIG; encode "
                         "\"username:password\" with base64" % where)
    return username, password.strip("\x00")


def _credentials(server_address, credentials, where):
    if not isinstance(credentials, dict):
        raise ValueError("%s must be an object with \"auth\" (or \"username\" and \"password\"), got %s"
                         % (where, type(credentials).__name__))
    auth = credentials.get("auth") or ""
    if not isinstance(auth, str):
        raise ValueError("%s.auth must be a string (base64 of \"username:password\"), got %s"
                         % (where, type(auth).__name__))
    if auth:
        username, password = _decode_auth(auth, where)
    else:
        username, password = credentials.get("username") or "", credentials.get("password") or ""
        if not isinstance(username, str) or not isinstance(password, str):
            raise ValueError("%s: username and password must be strings" % where)
    return {"path": registry_path(server_address), "server_address": server_address, "username": username,
            "password": password}


def _pairs(auths):
    if isinstance(auths, dict):
        return [(server, auths[server]) for server in sorted(auths)]
    if isinstance(auths, (list, tuple)):
        return list(auths)
    raise ValueError("auths must be the \"auths\" object of a DOCKER_AUTH_CONFIG or a list of (server address, "
                     "credentials) pairs, got %s" % type(auths).__name__)


def config_for_image(image, auths):
    """The credentials GitLab Runner pulls ``image`` with, from ``auths`` (see the module's doc), or None."""
    known = {}
    for index, pair in enumerate(_pairs(auths)):
        server_address, credentials = pair
        entry = _credentials(_string(server_address, "a registry server address"), credentials, "auths[%d]" % index)
        known.setdefault(entry["path"], entry)
    path = normalize_image_ref(image)
    while path:
        if path in known:
            return dict(known[path])
        path = _parent(path)
    return None


def _load(text):
    if not isinstance(text, str):
        raise ValueError("DOCKER_AUTH_CONFIG must be a JSON text, got %s" % type(text).__name__)
    try:
        config = json.loads(text)
    except ValueError as error:
        where = getattr(error, "msg", "invalid JSON")
        if getattr(error, "lineno", None):
            where = "%s at line %d, column %d" % (where, error.lineno, error.colno)
        raise ValueError("DOCKER_AUTH_CONFIG is not JSON (%s): GitLab Runner ignores it; give "
                         "{\"auths\": {\"%s\": {\"auth\": \"<base64 of username:password>\"}}}"
                         % (where, _EXAMPLE))
    if not isinstance(config, dict):
        raise ValueError("DOCKER_AUTH_CONFIG must be a JSON object with \"auths\", got a JSON %s"
                         % type(config).__name__)
    auths = config.get("auths")
    if auths is None:
        auths = {}
    if not isinstance(auths, dict):
        raise ValueError("DOCKER_AUTH_CONFIG \"auths\" must be an object of registry -> credentials, got %s"
                         % type(auths).__name__)
    return config, auths


def read_auth_config(text):
    """The credentials of a DOCKER_AUTH_CONFIG ``text``, in GitLab Runner's order (see the module's doc)."""
    _config, auths = _load(text)
    return [_credentials(server, auths[server], "auths[%s]" % json.dumps(server)) for server in sorted(auths)]


def auth_config_problems(text, path="DOCKER_AUTH_CONFIG"):
    """``(path, message)`` for what makes the DOCKER_AUTH_CONFIG ``text`` useless to GitLab Runner."""
    try:
        config, _auths = _load(text)
        entries = read_auth_config(text)
    except ValueError as error:
        return [(path, str(error))]
    problems = []
    for key in ("credsStore", "credHelpers"):
        if config.get(key):
            problems.append((
                "%s.%s" % (path, key),
                "makes GitLab Runner run a docker-credential-* program on the runner host for every pull, which "
                "this collection does not install (and a missing one only leaves a warning in the job log); give "
                "the credentials in \"auths\" as {\"auth\": \"<base64 of username:password>\"} instead"))
    seen = {}
    for entry in entries:
        where = "%s.auths[%s]" % (path, json.dumps(entry["server_address"]))
        if entry["path"] in seen:
            problems.append((where, _duplicate_text(entry["path"], seen[entry["path"]])))
        else:
            seen[entry["path"]] = where
    return problems


def _duplicate_text(path, first):
    return ("is the registry path %s again, already given by %s: GitLab Runner keeps the first and ignores this one "
            "(it logs 'credentials for \"%s\" already set'); keep one entry per registry" % (path, first, path))


def registry_problem(registry):
    """Why ``registry`` is not a ``host[:port][/path]`` that GitLab Runner matches images against, or None."""
    if not isinstance(registry, str) or not registry:
        return ("must be the registry as images name it, host[:port][/path] such as %s, got %s"
                % (_EXAMPLE, "an empty string" if registry == "" else type(registry).__name__))
    if registry != registry.strip() or any(character.isspace() for character in registry):
        return "contains whitespace: give the registry alone, e.g. %s" % _EXAMPLE
    if "@" in registry:
        return ("contains '@' (not shown): a user or password does not belong in the registry name; give them as "
                "username and password, and the registry as host[:port][/path], e.g. %s" % _EXAMPLE)
    if _ANY_SCHEME.match(registry):
        rest = _ANY_SCHEME.sub("", registry, count=1).rstrip("/")
        host, _slash, tail = rest.partition("/")
        fix = "write '%s'" % host.lower()
        if tail and not re.match(r"^v[12](/|\Z)", tail):
            fix += ", or '%s' for the credentials of that path only" % rest
        return ("'%s' has a scheme: images are named without one, and GitLab Runner keeps only the host of an "
                "address with a scheme (dropping any path); %s" % (registry, fix))
    if registry.endswith("/"):
        return "'%s' ends with '/': write '%s'" % (registry, registry.rstrip("/"))
    host, _slash, rest = registry.partition("/")
    match = _HOST.match(host)
    if not match:
        return ("'%s' does not start with a host name or [IPv6] address and an optional port: write it as images "
                "name the registry, e.g. %s" % (registry, _EXAMPLE))
    port = match.group(1)
    if port is not None and not 1 <= int(port) <= 65535:
        return "'%s' has port %s: a port is 1 to 65535" % (registry, port)
    if host.lower() == _INDEX:
        return ("'%s' is Docker Hub, whose images GitLab Runner matches as docker.io (it rewrites index.docker.io "
                "only in image names and in https:// addresses): write '%s'"
                % (registry, DEFAULT_REGISTRY + registry[len(host):]))
    if "." not in host and ":" not in host and host.lower() != "localhost" and not host.startswith("["):
        return ("'%s' has a host without a dot or a port, which Docker and GitLab Runner read as a Docker Hub "
                "namespace (an image '%s/app' is docker.io/%s/app), so these credentials would match no image of "
                "that host; give its full name or its port, e.g. %s:5000" % (registry, host, host, host))
    for component in rest.split("/") if rest else ():
        if ":" in component:
            return ("'%s' names a tag: credentials are per registry and path, not per tag; write '%s'"
                    % (registry, registry.rsplit(":", 1)[0]))
        if not _PATH_COMPONENT.match(component):
            return ("'%s' has the path component '%s', which no image name can have (lower-case letters and "
                    "digits, separated by '.', '_', '__' or '-'), so these credentials would match no image"
                    % (registry, component))
    return None


def credential_problems(entries, path):
    """``(path, message)`` for each problem of a ``[{registry, username, password}]`` list found at ``path``."""
    if entries is None:
        return []
    if not isinstance(entries, (list, tuple)):
        return [(path, "must be a list of {registry, username, password}, got %s" % type(entries).__name__)]
    problems = []
    seen = {}
    for index, entry in enumerate(entries):
        where = "%s[%d]" % (path, index)
        if not isinstance(entry, dict):
            problems.append((where, "must be a mapping with registry, username and password, got %s"
                             % type(entry).__name__))
            continue
        for key in sorted(set(entry) - set(_ENTRY_KEYS), key=str):
            problems.append(("%s.%s" % (where, key), "is not a key of a registry credential: give registry, "
                                                     "username and password only"))
        registry = entry.get("registry")
        problem = registry_problem(registry)
        if problem:
            problems.append((where + ".registry", problem))
        username, password = entry.get("username"), entry.get("password")
        if not isinstance(username, str) or not username:
            problems.append((where + ".username", "must be a non-empty string: the registry login name (or the "
                                                  "deploy token's username)"))
        elif ":" in username:
            problems.append((where + ".username", "contains ':' (not shown): Docker splits the credential at the "
                                                  "first ':', so the registry would get a wrong user and password"))
        if not isinstance(password, str) or not password:
            problems.append((where + ".password", "must be a non-empty string: the password or access token (from "
                                                  "a vaulted variable)"))
        if problem is None:
            key = registry_path(registry)
            if key in seen:
                problems.append((where + ".registry", _duplicate_text(key, "%s[%d]" % (path, seen[key]))))
            else:
                seen[key] = index
    return problems


def check_list(entries, path, report):
    """Report the problems of a ``[{registry, username, password}]`` list at ``path`` through ``report.error``."""
    for where, message in credential_problems(entries, path):
        report.error(where, message)


def build_auth_config(entries, path="registry credentials"):
    """The DOCKER_AUTH_CONFIG JSON text for a ``[{registry, username, password}]`` list; ValueError on problems."""
    problems = credential_problems(entries, path)
    if problems:
        raise ValueError("%d problem(s) with %s: %s" % (
            len(problems), path, "; ".join("%s %s" % (where, message) for where, message in problems)))
    auths = {}
    for entry in entries or ():
        token = "%s:%s" % (entry["username"], entry["password"])
        auths[entry["registry"]] = {"auth": base64.b64encode(token.encode("utf-8")).decode("ascii")}
    return json.dumps({"auths": auths}, sort_keys=True, separators=(",", ":"))
