# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): build GitLab Runner's config.toml from desired data plus what the running service owns.

The desired data (global keys and ``[[runners]]`` tables, from runner_plan)
carries no credentials. Each runner's ``id``, ``token``, ``token_obtained_at``
and ``token_expires_at`` come from the live file or from registration:

- a token that registration has just obtained (it differs from the live one)
  replaces the live one, unless the live token was obtained later (the
  service rotated it after that registration);
- otherwise the live file's values are kept: the running service rotates its
  token and rewrites config.toml, and a rerun must never undo that.

``plan()`` does all of it without any I/O, so the module only reads and
writes files. Every text it returns for display goes through ``mask()``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import config_toml_findings, config_toml_reader
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets as secret_rules
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

__all__ = [
    "CREDENTIAL_KEYS",
    "ConfigInvalidError",
    "HEADER",
    "NEVER_EXPIRES",
    "credentials_by_name",
    "mask",
    "merge",
    "parse_datetime",
    "pending_paths",
    "plan",
    "render",
    "restart_required",
    "secret_values",
    "secrets_of",
    "token_of",
]

UTC = datetime.timezone.utc
# What GitLab Runner writes for a token that never expires (Go's zero time.Time).
NEVER_EXPIRES = datetime.datetime(1, 1, 1, tzinfo=UTC)
CREDENTIAL_KEYS = ("id", "token", "token_obtained_at", "token_expires_at")
# The runner writes these first in each [[runners]] table; the rest follows in the desired order.
_LEADING_KEYS = ("name", "url") + CREDENTIAL_KEYS + ("executor",)
# Global settings the running service reads only at start.
_RESTART_KEYS = ("listen_address", "session_server")

HEADER = (
    "# Managed by runnerops.gitlab_runner.runner_config: change the inventory, not this file.\n"
    "# gitlab-runner rewrites it when it rotates a token; the next run keeps the rotated token.\n"
)

_MASK = secret_rules.MASK
# A TOML key whose value is a secret (token, SecretKey, AccountKey, sentry_dsn...) and its string value.
_SECRET_ASSIGNMENT = re.compile(
    r"""((?:^|[\s{,])"?[A-Za-z0-9_\-]*(?:%s)s?"?\s*=\s*)""" % "|".join(secret_rules.SECRET_WORDS)
    + r"""("(?:[^"\\\n]|\\.)*"|'[^'\n]*')""",
    re.IGNORECASE,
)
# An environment entry "NAME=value" whose name says it holds a secret (API_TOKEN, DOCKER_AUTH_CONFIG...).
_SECRET_ENVIRONMENT = re.compile(
    r"""("[A-Za-z0-9_]*(?:%s|auth)[A-Za-z0-9_]*=)((?:[^"\\\n]|\\.)+)(")""" % "|".join(secret_rules.SECRET_WORDS),
    re.IGNORECASE,
)
_ANSIBLE_NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[-+]\d{2}:\d{2})$"
)


class ConfigInvalidError(ValueError):
    """The rendered config.toml has error findings; ``messages`` lists them (masked)."""

    def __init__(self, messages):
        self.messages = list(messages)
        super(ConfigInvalidError, self).__init__(
            "the new config.toml would not be valid, nothing was written: %s" % "; ".join(self.messages)
        )


def _mask_value(value):
    kind = secret_rules.token_kind(value)
    return (kind[0] + _MASK) if kind else _MASK


def mask(text, known=()):
    """Return ``text`` with every token and secret value replaced by a mask such as ``glrt-********``.

    Masks the given ``known`` secrets wherever they appear, the string value of any
    TOML key named like a secret (``token``, ``SecretKey``, ``sentry_dsn``...),
    the value of environment entries named like one (``"API_TOKEN=..."``),
    and anything that looks like a GitLab token (``glrt-``, ``glpat-``,
    ``GR1348941``...).
    """
    if not text:
        return text
    for secret in sorted((s for s in known if isinstance(s, str) and s), key=len, reverse=True):
        text = text.replace(secret, _mask_value(secret))

    def _assignment(match):
        quote = match.group(2)[0]
        inner = match.group(2)[1:-1]
        if inner == "" or inner.endswith(_MASK):
            return match.group(0)
        return "%s%s%s%s" % (match.group(1), quote, _mask_value(inner), quote)

    text = _SECRET_ASSIGNMENT.sub(_assignment, text)
    text = _SECRET_ENVIRONMENT.sub(
        lambda match: match.group(0) if match.group(2).endswith(_MASK) else
        match.group(1) + _mask_value(match.group(2)) + match.group(3), text)
    return secret_rules.mask(text)


def parse_datetime(value, what):
    """Return ``value`` (datetime, RFC 3339 string or None) as an aware datetime, or None.

    Naive datetimes are taken as UTC; fractions below a microsecond are dropped.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        match = _RFC3339.match(value.strip())
        if match:
            year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
            micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
            offset = match.group(8)
            if offset in ("Z", "z"):
                tzinfo = UTC
            else:
                sign = -1 if offset[0] == "-" else 1
                tzinfo = datetime.timezone(sign * datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
            try:
                return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tzinfo)
            except ValueError:
                pass
    raise ValueError(
        '%s is %r, not an RFC 3339 date-time: give it as returned by the GitLab API, e.g. "2026-01-31T12:00:00Z", '
        "or null" % (what, value)
    )


def _credential_name(item, index):
    name = item.get("name")
    if isinstance(name, str) and name:
        return name
    loop_item = item.get("item")
    if isinstance(loop_item, Mapping):
        name = loop_item.get("name")
    elif isinstance(loop_item, str):
        name = loop_item
    if isinstance(name, str) and name:
        return name
    raise ValueError(
        "credentials[%d] names no runner: give each item a name, or pass the registered results of the "
        "runner_registration loop (their item.name is the runner name)" % index
    )


def credentials_by_name(credentials):
    """Return ``{name: {id, token, token_obtained_at, token_expires_at}}`` from ``credentials``.

    Accepts the ``results`` of a registered loop over runner_registration
    (``item.name``, ``runner_id``, ``token``, ...) and plain dicts (``name``,
    ``id``, ``token``, ...). Skipped items are left out; ``token`` is None
    for an item without one (runner_registration returns a token only when it
    created the runner).
    """
    if credentials is None:
        return {}
    if isinstance(credentials, Mapping) and isinstance(credentials.get("results"), list):
        credentials = credentials["results"]
    if isinstance(credentials, (str, bytes, Mapping)) or not isinstance(credentials, (list, tuple)):
        raise ValueError(
            "credentials must be a list (the results of the runner_registration loop), got %s"
            % type(credentials).__name__
        )
    by_name = {}
    for index, item in enumerate(credentials):
        if not isinstance(item, Mapping):
            raise ValueError(
                "credentials[%d] must be a dict with name and token, got %s" % (index, type(item).__name__)
            )
        if item.get("skipped"):
            continue
        name = _credential_name(item, index)
        what = 'credentials of runner "%s"' % name
        token = item.get("token")
        if token == "":
            token = None
        if token is not None and not isinstance(token, str):
            raise ValueError("%s: token must be a string, got %s" % (what, type(token).__name__))
        if name in by_name:
            raise ValueError(
                '%s appear twice (credentials[%d] and another item): each runner has one token; pass each '
                "runner's registration result once" % (what, index)
            )
        runner_id = item.get("id") if item.get("id") is not None else item.get("runner_id")
        if runner_id is not None and (isinstance(runner_id, bool) or not isinstance(runner_id, int)):
            if isinstance(runner_id, str) and runner_id.isdigit():
                runner_id = int(runner_id)
            else:
                raise ValueError("%s: id must be the numeric runner ID, got %r" % (what, runner_id))
        by_name[name] = {
            "id": runner_id,
            "token": token,
            "token_obtained_at": parse_datetime(item.get("token_obtained_at"), "%s token_obtained_at" % what),
            "token_expires_at": parse_datetime(item.get("token_expires_at"), "%s token_expires_at" % what),
        }
    return by_name


def pending_paths(credentials):
    """Return ``{name: pending_path}`` of the ``credentials`` items that carry a ``pending_path``.

    runner_registration returns ``pending_path`` when it keeps a new token on
    the host until config.toml holds it. Call after credentials_by_name()
    accepted ``credentials``.
    """
    if isinstance(credentials, Mapping) and isinstance(credentials.get("results"), list):
        credentials = credentials["results"]
    found = {}
    for index, item in enumerate(credentials or []):
        if not isinstance(item, Mapping) or item.get("skipped") or not item.get("pending_path"):
            continue
        path = item["pending_path"]
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(
                "credentials[%d] pending_path must be an absolute path (as runner_registration returns it), got %r"
                % (index, path)
            )
        found[_credential_name(item, index)] = path
    return found


def token_of(document, name):
    """Return the token of runner ``name`` in a config.toml ``document``, or None."""
    runners = document.get("runners") if isinstance(document, Mapping) else None
    for entry in runners if isinstance(runners, list) else []:
        if isinstance(entry, Mapping) and entry.get("name") == name:
            token = entry.get("token")
            return token if isinstance(token, str) and token else None
    return None


def secret_values(data):
    """Return the secret strings anywhere in ``data``: values of keys named like a secret, and GitLab tokens.

    Used to hide them in module output; ``token_obtained_at`` and the like are not secrets.
    """
    found = set()
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(value, str) and isinstance(key, str) and secret_rules.SECRET_NAME.search(key):
                if value and value != _ANSIBLE_NO_LOG_PLACEHOLDER:
                    found.add(value)
            else:
                found |= secret_values(value)
    elif isinstance(data, (list, tuple)):
        for item in data:
            found |= secret_values(item)
    elif isinstance(data, str) and secret_rules.find_tokens(data):
        found.add(data)
    return found


def _check_config(config):
    if not isinstance(config, Mapping):
        raise ValueError(
            "config must be a dict of config.toml global keys plus runners (the config of runner_plan), got %s"
            % type(config).__name__
        )
    runners = config.get("runners")
    if runners is None:
        runners = []
    if not isinstance(runners, (list, tuple)):
        raise ValueError("config runners must be a list of [[runners]] tables, got %s" % type(runners).__name__)
    names = {}
    for index, table in enumerate(runners):
        if not isinstance(table, Mapping):
            raise ValueError("config runners[%d] must be a dict ([[runners]] table), got %s"
                             % (index, type(table).__name__))
        name = table.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(
                "config runners[%d] has no name: names tie a [[runners]] table to its token; give every runner one"
                % index
            )
        if name in names:
            raise ValueError(
                'config runners[%d] and runners[%d] are both named "%s": rename one of them'
                % (names[name], index, name)
            )
        names[name] = index
        given = [key for key in CREDENTIAL_KEYS if key in table]
        if given:
            raise ValueError(
                'config of runner "%s" sets %s: credentials never go into config data; pass registration results '
                "through credentials" % (name, ", ".join(given))
            )
    return list(runners)


def _check_absent(absent, managed):
    if absent is None:
        return []
    if isinstance(absent, (str, bytes)) or not isinstance(absent, (list, tuple)):
        raise ValueError("absent must be a list of runner names, got %s" % type(absent).__name__)
    for name in absent:
        if not isinstance(name, str) or not name:
            raise ValueError("absent must hold runner names (non-empty strings), got %r" % (name,))
        if name in managed:
            raise ValueError(
                'runner "%s" is both in config and in absent: it cannot be written and removed; drop it from one'
                % name
            )
    return list(absent)


def _pick_live(entries, credential):
    """Return the live entry to take credentials from among same-named ``entries``, and the others."""
    if credential is not None and credential["token"] is not None:
        for index, entry in enumerate(entries):
            if entry.get("token") == credential["token"]:
                return entry, entries[:index] + entries[index + 1:]
    return entries[0], entries[1:]


def _credentials(name, live, credential, warnings, allow_missing_token=False):
    """Return the credential values for runner ``name`` (see the module docstring for the rule)."""
    what = 'runner "%s"' % name
    live_token = live.get("token") if live is not None else None
    if not isinstance(live_token, str) or live_token == "":
        live_token = None
    new_token = credential["token"] if credential is not None else None
    use_new = new_token is not None and new_token != live_token
    if use_new and live_token is not None:
        live_obtained = _live_datetime(live, "token_obtained_at", what)
        new_obtained = credential["token_obtained_at"]
        if live_obtained is not None and new_obtained is not None and live_obtained > new_obtained:
            use_new = False
            warnings.append(
                "%s: the token in config.toml was obtained at %s, after the one in credentials (%s): the service "
                "rotated it since that registration, so the token in config.toml is kept"
                % (what, _iso(live_obtained), _iso(new_obtained))
            )
    if use_new:
        values = dict(credential)
        if values["token_obtained_at"] is None:
            # The runner times its rotation from it; "now" is when this token reaches the file.
            values["token_obtained_at"] = datetime.datetime.now(UTC).replace(microsecond=0)
    elif live_token is not None:
        values = {
            "id": live.get("id"),
            "token": live_token,
            "token_obtained_at": _live_datetime(live, "token_obtained_at", what),
            "token_expires_at": _live_datetime(live, "token_expires_at", what),
        }
        if values["id"] is None and credential is not None:
            values["id"] = credential["id"]
    elif allow_missing_token:
        return {"id": credential["id"] if credential is not None else None}
    else:
        raise ValueError(
            "%s has no token, neither in config.toml nor in credentials: a [[runners]] table without a token cannot "
            "fetch jobs; register the runner first (runner_registration) and pass its result in credentials" % what
        )
    if values["token_expires_at"] is None:
        values["token_expires_at"] = NEVER_EXPIRES
    return values


def _live_datetime(live, key, what):
    try:
        return parse_datetime(live.get(key), "%s %s in config.toml" % (what, key))
    except ValueError:
        # The runner could not have loaded such a value either; treat it as unknown.
        return None


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def _ordered_table(desired, credentials):
    table = {}
    for key in _LEADING_KEYS:
        if key in credentials:
            if credentials[key] is not None:
                table[key] = credentials[key]
        elif key in desired:
            table[key] = desired[key]
    for key, value in desired.items():
        if key not in table:
            table[key] = value
    return table


def merge(live, config, credentials=None, absent=None, prune_unmanaged=False, allow_missing_token=False):
    """Return the config.toml document for ``config`` with credentials, and what happened to each runner.

    ``live`` is the parsed live file (``{}`` when there is none). Returns
    ``{"document", "runners", "removed", "kept_unmanaged", "warnings"}``.
    Raises ValueError (no secret in the message) for bad input or a runner
    without any token, unless ``allow_missing_token`` (check mode, where
    registration creates no runner): such a runner is then written without
    one, with a warning.
    """
    if live is None:
        live = {}
    if not isinstance(live, Mapping):
        raise ValueError("the live config.toml must parse into a table, got %s" % type(live).__name__)
    desired_runners = _check_config(config)
    managed = [table["name"] for table in desired_runners]
    absent = _check_absent(absent, managed)
    by_name = credentials_by_name(credentials)

    live_runners = live.get("runners") or []
    if not isinstance(live_runners, list):
        raise ValueError(
            "the live config.toml has runners that are not [[runners]] tables (%s): fix or move the file aside"
            % type(live_runners).__name__
        )
    live_by_name = {}
    for entry in live_runners:
        if isinstance(entry, Mapping):
            live_by_name.setdefault(entry.get("name"), []).append(entry)

    warnings = []
    removed = []
    tables = []
    for desired in desired_runners:
        name = desired["name"]
        credential = by_name.get(name)
        same_name = live_by_name.get(name, [])
        live_entry = None
        if same_name:
            live_entry, extra = _pick_live(same_name, credential)
            if extra:
                removed.extend(name for _entry in extra)
                warnings.append(
                    'config.toml had %d [[runners]] tables named "%s" (left by repeated gitlab-runner register): '
                    "kept one, dropped %d; the dropped ones stay registered in GitLab until you delete them there"
                    % (len(same_name), name, len(extra))
                )
        values = _credentials(name, live_entry, credential, warnings, allow_missing_token)
        if "token" not in values:
            warnings.append(
                'runner "%s" has no token yet (registration creates it when not in check mode): shown without one'
                % name
            )
        tables.append(_ordered_table(desired, values))

    kept = []
    for entry in live_runners:
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if name in managed:
            continue
        if name in absent or prune_unmanaged:
            removed.append(name)
            continue
        kept.append(name)
        tables.append(entry)

    document = dict((key, value) for key, value in config.items() if key != "runners")
    if tables:
        document["runners"] = tables
    return {"document": document, "runners": managed, "removed": removed, "kept_unmanaged": kept,
            "warnings": warnings}


def render(document):
    """Return config.toml text for ``document``: the managed-file header, then TOML."""
    return HEADER + "\n" + dumps(document)


def secrets_of(*documents):
    """Return every token value held by the ``[[runners]]`` tables of ``documents``."""
    secrets = set()
    for document in documents:
        runners = document.get("runners") if isinstance(document, Mapping) else None
        for entry in runners if isinstance(runners, list) else []:
            token = entry.get("token") if isinstance(entry, Mapping) else None
            if isinstance(token, str) and token:
                secrets.add(token)
    return secrets


def restart_required(live, document):
    """Tell whether a global setting the service reads only at start differs between ``live`` and ``document``."""
    live = live if isinstance(live, Mapping) else {}
    return any(live.get(key) != document.get(key) for key in _RESTART_KEYS)


def plan(live_text, config, credentials=None, absent=None, prune_unmanaged=False, modes=None,
         allow_missing_token=False, validated=False):
    """Work out the new config.toml from the live text (str, bytes or None) and the desired data.

    Returns ``{"text", "document", "runners", "removed", "kept_unmanaged",
    "warnings", "restart_required", "secrets"}``; ``warnings`` are masked.
    ``allow_missing_token`` is for check mode (see merge()). ``validated``: ``config`` was checked before and its
    warnings shown, so only the warnings of unmanaged runners kept as found (and, with them, the file's global
    ones) are given again; errors are always raised.
    Raises ValueError (ConfigInvalidError when the result has error findings),
    its message masked, when nothing must be written.
    """
    secrets = set(item["token"] for item in _safe_credentials(credentials) if item["token"])
    live = {}
    if live_text:
        try:
            live = config_toml_reader.loads(live_text)
        except ValueError as error:
            raise ValueError(mask(
                "the live config.toml cannot be read (%s): it may hold runner tokens that exist nowhere else, so "
                "it is not overwritten; fix it, or move it aside if you have the tokens elsewhere (registration "
                "then writes a new one)" % error, secrets))
    secrets |= secrets_of(live)
    try:
        merged = merge(live, config, credentials, absent, prune_unmanaged, allow_missing_token)
        text = render(merged["document"])
    except ValueError as error:
        raise ValueError(mask(str(error), secrets))
    secrets |= secrets_of(merged["document"])

    errors = []
    warnings = [mask(message, secrets) for message in merged["warnings"]]
    kept = merged["kept_unmanaged"]
    for finding in config_toml_findings.findings(text, modes):
        message = mask(finding["message"], secrets)
        if finding["severity"] != "error":
            # Credentials are not checked, so the rest of the file warns as the validated config did.
            if not validated or (kept and finding.get("runner") in kept + [None]):
                warnings.append(message)
        elif finding.get("runner") is not None and finding["runner"] in kept:
            # Not ours to fix, and already live: writing it back makes nothing worse.
            warnings.append("unmanaged runner kept as found: %s" % message)
        else:
            errors.append(message)
    if errors:
        raise ConfigInvalidError(errors)
    merged.update({
        "text": text,
        "warnings": warnings,
        "restart_required": restart_required(live, merged["document"]),
        "secrets": secrets,
    })
    return merged


def _safe_credentials(credentials):
    """Return the credential dicts of ``credentials`` for masking, ignoring anything malformed."""
    try:
        return list(credentials_by_name(credentials).values())
    except ValueError:
        return []
