"""Mutants no test can observe, each with the reason (``make mutation`` leaves them out of the score).

An entry names the file (a module_utils name), the source line as written and the line as the mutant writes it
(both stripped; a mutant spanning lines has them joined by newlines), and why no behaviour tells them apart. The
score is killed / (sampled - equivalent). An entry whose line no longer exists simply matches nothing.

WORDING (decided by run.py, not listed here): a mutant that only wraps a piece of a message's prose in mutmut's
``XX`` (the text of a ``%``-formatted literal, an f-string or the literal an exception is raised with, when it has a
space in it, and any literal of four words or more) is set aside before sampling. The
tests pin what a message names (the value, the option path, the fix), which other mutants change (a ``parts[0]``
made ``parts[1]``, a table entry, a format argument); they do not pin the wording.
"""

EQUIVALENT = [
    {
        "file": "docker_volume",
        "line": '"nocopy": "copy mode",',
        "mutant": '"nocopy": "XXcopy modeXX",',
        "reason": "nocopy is the only option of its group: two options of the group never meet, and the group's name "
                  "shows only in the conflict message",
    },
    {
        "file": "docker_volume",
        "line": '_SYNTAX = "[HOST-PATH-OR-VOLUME-NAME:]CONTAINER-PATH[:OPTIONS]"',
        "mutant": '_SYNTAX = "XX[HOST-PATH-OR-VOLUME-NAME:]CONTAINER-PATH[:OPTIONS]XX"',
        "reason": "wording: the syntax the messages show is still there, with XX around it",
    },
    {
        "file": "gitlab_rules",
        "line": '_EXAMPLE = "e.g. https://gitlab.example.com"',
        "mutant": '_EXAMPLE = "XXe.g. https://gitlab.example.comXX"',
        "reason": "wording: the example URL the messages show is still there, with XX around it",
    },
    {
        "file": "gitlab_rules",
        "line": '% (runner_type, wanted, wanted.split("_", maxsplit=1)[0], key)))',
        "mutant": '% (runner_type, wanted, wanted.split("_", maxsplit=2)[0], key)))',
        "reason": "wanted is group_type or project_type: one underscore, so a second split changes nothing",
    },
    {
        "file": "secrets",
        "line": "_PREFIXES = sorted(TOKEN_KINDS, key=len, reverse=True)",
        "mutant": "_PREFIXES = sorted(TOKEN_KINDS, key=len, reverse=False)",
        "reason": "no prefix of TOKEN_KINDS starts another (each ends at its dash; GR1348941 has no dash and nothing "
                  "starts with it), so the order they are tried in never changes which one matches",
    },
    {
        "file": "runner_plan",
        "line": 'proxy = dict((key, proxy.get(key) or ([] if key == "no_proxy" else "" if key != "gitlab_internal" else False))',
        "mutant": 'proxy = dict((key, proxy.get(key) or ([] if key == "no_proxy" else "" if key != "XXgitlab_internalXX" else False))',
        "reason": "an unset gitlab_internal becomes \"\" instead of False: both are false, and the value is only "
                  "tested for truth",
    },
    {
        "file": "runner_plan",
        "line": 'self._problem("environment" + index, message.replace("must be", "must be", 1).strip())',
        "mutant": 'self._problem("environment" + index, message.replace("must be", "must be", 2).strip())',
        "reason": "the replacement is the text replaced: the message is the same however many are replaced",
    },
    {
        "file": "runner_plan",
        "line": 'proxy = dict((key, proxy.get(key) or ([] if key == "no_proxy" else "" if key != "gitlab_internal" else False))',
        "mutant": 'proxy = dict((key, proxy.get(key) or ([] if key == "XXno_proxyXX" else "" if key != "gitlab_internal" else False))',
        "reason": "an unset no_proxy becomes \"\" instead of []: http_proxy.no_proxy() reads both as no entries",
    },
    {
        "file": "registration",
        "line": "self.changed = False",
        "mutant": "self.changed = None",
        "reason": "changed is only tested for truth (save writes when it is true)",
    },
    {
        "file": "registration",
        "line": "with concurrent.futures.ThreadPoolExecutor(max_workers=min(concurrency, len(reads)) or 1) as pool:",
        "mutant": "with concurrent.futures.ThreadPoolExecutor(max_workers=min(concurrency, len(reads)) or 2) as pool:",
        "reason": "the fallback applies only when there is nothing to read: a pool of 1 or 2 threads then runs nothing",
    },
    {
        "file": "registration",
        "line": "if not path or not name:",
        "mutant": "if not path and not name:",
        "reason": "with one of them missing the live entries are {} (no config_path) or keyed by names (no name), so "
                  "the lookup finds nothing and returns all the same",
    },
    {
        "file": "registration",
        "line": 'same_gitlab = normalize_url(entry.get("url") or "") == api.url',
        "mutant": 'same_gitlab = normalize_url(entry.get("url") or "XXXX") == api.url',
        "reason": "an entry without a URL: normalize_url refuses \"\" and \"XXXX\" alike, so it is another GitLab's",
    },
    {
        "file": "registration",
        "line": 'params["runner_token"] = params["runner_id"] = None',
        "mutant": 'params["runner_token"] = params["runner_id"] = ""',
        "reason": "both options are only tested for truth once dropped: \"\" and None are the same to every caller",
    },
]
