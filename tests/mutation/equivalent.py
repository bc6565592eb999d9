"""Mutants no test can observe, each with the reason (``make mutation`` leaves them out of the score).

An entry names the file (a module_utils name), the source line as written and the line as the mutant writes it
(both stripped; a mutant spanning lines has them joined by newlines), where the line is not unique in its file the
line before it (``previous``), and why no behaviour tells them apart. The score is killed / (sampled - equivalent).
An entry whose line no longer exists simply matches nothing.

WORDING (decided by run.py, not listed here): a mutant that only wraps a piece of a message's prose in mutmut's
``XX`` (the text of a ``%``-formatted literal, an f-string or the literal an exception is raised with, when it has a
space in it, and any literal of four words or more) is set aside before sampling. The tests pin what a message
names (the value, the option path, the fix), which other mutants change (a ``parts[0]`` made ``parts[1]``, a table
entry, a format argument); they do not pin the wording.
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
    {
        "file": "docker_auth",
        "line": '_EXAMPLE = "registry.example.com:5000"',
        "mutant": '_EXAMPLE = "XXregistry.example.com:5000XX"',
        "reason": "wording: the example registry the messages show is still there, with XX around it",
    },
    {
        "file": "docker_auth",
        "line": 'host = normalized.split("/", 1)[0]',
        "mutant": 'host = normalized.split("/", 2)[0]',
        "reason": "only the first part is used: splitting the rest as well changes nothing",
    },
    {
        "file": "docker_auth",
        "line": "if slash != -1 and tag > slash:",
        "mutant": "if slash != -1 and tag >= slash:",
        "reason": "a ':' and a '/' never stand at the same index, and slash is not -1 here",
    },
    {
        "file": "docker_auth",
        "line": 'rest = _ANY_SCHEME.sub("", registry, count=1).rstrip("/")',
        "mutant": 'rest = _ANY_SCHEME.sub("", registry, count=2).rstrip("/")',
        "reason": "_ANY_SCHEME is anchored at the start: it matches once at most",
    },
    {
        "file": "docker_auth",
        "line": 'if "." not in host and ":" not in host and host.lower() != "localhost" and not host.startswith("["):',
        "mutant": 'if "." not in host and ":" not in host and host.lower() != "localhost" and not host.startswith("XX[XX"):',
        "reason": "a bracketed host is an IPv6 address, which holds ':' and is out of the test before this",
    },
    {
        "file": "http_proxy",
        "line": 'if any(re.search(r"\\s", urllib.parse.unquote(part or "")) for part in (parts.username, parts.password)):',
        "mutant": 'if any(re.search(r"\\s", urllib.parse.unquote(part or "XXXX")) for part in (parts.username, parts.password)):',
        "reason": "a missing user or password stands in for a text without whitespace either way",
    },
    {
        "file": "runner_attributes",
        "line": '_UNSET = {"description": "", "maintenance_note": "", "tag_list": []}',
        "mutant": '_UNSET = {"description": "", "maintenance_note": "", "XXtag_listXX": []}',
        "reason": "tag_list is compared as a set before _UNSET is looked at; only the keys' presence matters there",
    },
    {
        "file": "runner_attributes",
        "line": '_UNSET = {"description": "", "maintenance_note": "", "tag_list": []}',
        "mutant": '_UNSET = {"description": "XXXX", "maintenance_note": "", "tag_list": []}',
        "reason": "the stand-in for an unset description is only compared with another stand-in: it could tell apart "
                  "only a description of exactly XXXX from none",
    },
    {
        "file": "runner_attributes",
        "line": '_UNSET = {"description": "", "maintenance_note": "", "tag_list": []}',
        "mutant": '_UNSET = {"description": "", "maintenance_note": "XXXX", "tag_list": []}',
        "reason": "the stand-in for an unset note is only compared with another stand-in: it could tell apart only "
                  "a note of exactly XXXX from none",
    },
    {
        "file": "signing_keys",
        "line": "shutil.rmtree(home, ignore_errors=True)",
        "mutant": "shutil.rmtree(home, ignore_errors=False)",
        "reason": "the home is a fresh temporary directory gpg writes into; removing it fails only if it cannot be "
                  "removed, which no test can arrange as root",
    },
    {
        "file": "signing_keys",
        "line": 'fields += [""] * (12 - len(fields))',
        "mutant": 'fields += [""] * (13 - len(fields))',
        "reason": "padding past gpg's twelve fields adds fields nothing reads",
    },
    {
        "file": "signing_keys",
        "line": 'fields += [""] * (12 - len(fields))',
        "mutant": 'fields += [""] * (12 + len(fields))',
        "reason": "padding past gpg's twelve fields adds fields nothing reads",
    },
    {
        "file": "signing_keys",
        "line": 'home = tempfile.mkdtemp(prefix="runnerops-gpg-")',
        "mutant": 'home = tempfile.mkdtemp(prefix="XXrunnerops-gpg-XX")',
        "reason": "the name of the throwaway home is read by nothing",
    },
    {
        "file": "pending_credentials",
        "line": 'return urllib.parse.quote(runner_name, safe="") + ".json"',
        "mutant": 'return urllib.parse.quote(runner_name, safe="XXXX") + ".json"',
        "reason": "X is a letter, which quote() never encodes: the safe set is the same",
    },
    {
        "file": "pending_credentials",
        "line": "record = None",
        "mutant": 'record = ""',
        "reason": "what is not JSON becomes \"\" instead of None: neither is a dict, so the same error follows",
    },
    {
        "file": "drain",
        "line": 'same = normalize_url(entry.get("url") or "") == url',
        "mutant": 'same = normalize_url(entry.get("url") or "XXXX") == url',
        "reason": "a runner without a URL: normalize_url refuses \"\" and \"XXXX\" alike, so it is another GitLab's",
    },
    {
        "file": "drain",
        "line": "same = False",
        "mutant": "same = None",
        "reason": "same is only tested for truth",
    },
    {
        "file": "pending_credentials",
        "line": "same_gitlab = False",
        "mutant": "same_gitlab = None",
        "reason": "same_gitlab is only tested for truth",
    },
    {
        "file": "role_inputs",
        "line": "hint = difflib.get_close_matches(str(value), [str(choice) for choice in choices], 1)",
        "mutant": "hint = difflib.get_close_matches(str(value), [str(choice) for choice in choices], 2)",
        "reason": "only the best match (the first) is shown, and asking for two does not change which one it is",
    },
    {
        "file": "role_inputs",
        "line": "hint = difflib.get_close_matches(str(key), list(options), 1)",
        "mutant": "hint = difflib.get_close_matches(str(key), list(options), 2)",
        "reason": "only the best match (the first) is shown, and asking for two does not change which one it is",
    },
    {
        "file": "docker_daemon_config",
        "line": '"list": "[...]",',
        "mutant": '"list": "XX[...]XX",',
        "reason": "the only option of the free-form list type (default-address-pools) has an example of its own",
    },
    {
        "file": "docker_daemon_config",
        "line": 'if kind == "number":',
        "mutant": 'if kind == "XXnumberXX":',
        "reason": "no option of OPTIONS has the number type: the branch is vocabulary no key uses",
    },
    {
        "file": "docker_daemon_config",
        "line": "hint = difflib.get_close_matches(str(name), list(keys), 1, 0.6)",
        "mutant": "hint = difflib.get_close_matches(str(name), list(keys), 2, 0.6)",
        "reason": "only the best match (the first) is shown, and asking for two does not change which one it is",
    },
    {
        "file": "docker_daemon_config",
        "line": "hint = difflib.get_close_matches(value, _LOG_DRIVERS, 1, 0.6)",
        "mutant": "hint = difflib.get_close_matches(value, _LOG_DRIVERS, 2, 0.6)",
        "reason": "only the best match (the first) is shown, and asking for two does not change which one it is",
    },
    {
        "file": "docker_daemon_config",
        "line": 'good = True',
        "mutant": 'good = None',
        "previous": 'folded = {name.lower(): name for name in keys}',
        "reason": "the validity of an object with named fields (proxies, nri-opts, default-address-pools, "
                  "default-ulimits, a runtimes entry) is read by no check of several keys together: only its own "
                  "messages show",
    },
    {
        "file": "docker_daemon_config",
        "line": 'good = False',
        "mutant": 'good = True',
        "previous": '"%s" % (key, hint, ", ".join(sorted(keys))))',
        "reason": "the validity of an object with named fields (proxies, nri-opts, default-address-pools, "
                  "default-ulimits, a runtimes entry) is read by no check of several keys together: only its own "
                  "messages show",
    },
    {
        "file": "docker_daemon_config",
        "line": 'good = False',
        "mutant": 'good = True',
        "previous": 'key, " and ".join(spec["required"]), _EXAMPLES.get(key, "...")))',
        "reason": "the validity of an object with named fields (proxies, nri-opts, default-address-pools, "
                  "default-ulimits, a runtimes entry) is read by no check of several keys together: only its own "
                  "messages show",
    },
    {
        "file": "docker_daemon_config",
        "line": 'good = _check_type(ctx, item, keys[known], _join(path, name), key) and good',
        "mutant": 'good = _check_type(ctx, item, keys[known], _join(path, name), key) or good',
        "reason": "the validity of an object with named fields (proxies, nri-opts, default-address-pools, "
                  "default-ulimits, a runtimes entry) is read by no check of several keys together: only its own "
                  "messages show",
    },
    {
        "file": "runner_inputs",
        "line": 'if not (written and (variable == own or variable.startswith((own + ".", own + "["))))]',
        "mutant": 'if not (written and (variable == own or variable.startswith((own + ".", own + "XX[XX"))))]',
        "reason": "a runner item is a dict: what lies below runner_entries[i] is a key (.name), never an index",
    },
    {
        "file": "config_toml_findings",
        "line": "element = _TYPE_ALIASES.get(type_word[11:], type_word[11:])",
        "mutant": "element = _TYPE_ALIASES.get(type_word[12:], type_word[11:])",
        "reason": "no map type of the schema has an aliased element: the lookup falls back to the same element",
    },
    {
        "file": "config_toml_findings",
        "line": "close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)",
        "mutant": "close = difflib.get_close_matches(value, allowed, n=2, cutoff=0.6)",
        "reason": "only the best match (the first) is shown, and asking for two does not change which one it is",
    },
    {
        "file": "config_toml_findings",
        "line": "if value >= 0:",
        "mutant": "if value > 0:",
        "reason": "an output_limit of 0 is config_toml_meanings' (the default of 4096 KB): this rule never sees it",
    },
    {
        "file": "config_toml_findings",
        "line": '_NO_MODE = ""',
        "mutant": '_NO_MODE = "XXXX"',
        "reason": "any name that is no mode makes docker_modes.findings() report mode-invalid, which is dropped here",
    },
    {
        "file": "docker_modes",
        "line": 'rest = host_path[len(volume["source"]):].lstrip("/")',
        "mutant": 'rest = host_path[len(volume["source"]):].lstrip("XX/XX")',
        "reason": "the rest of /var/run/docker.sock or /run/docker.sock below a bound directory never starts with X",
    },
    {
        "file": "docker_modes",
        "line": 'host = variables.get("DOCKER_HOST") or ""',
        "mutant": 'host = variables.get("DOCKER_HOST") or "XXXX"',
        "reason": "without DOCKER_HOST, \"\" and \"XXXX\" alike are no tcp://docker:<port> address",
    },
    {
        "file": "config_toml_reader",
        "line": "if match and match.group(1):",
        "mutant": "if match and match.group(2):",
        "reason": "line (group 1) and column (group 2) are one alternative of _SYNTAX_POSITION: both match or neither",
    },
    {
        "file": "docker_cleanup",
        "line": 'match = _CREATED.match(text or "")',
        "mutant": 'match = _CREATED.match(text or "XXXX")',
        "reason": "without a creation time, \"\" and \"XXXX\" alike are no date: both give 0, the oldest",
    },
    {
        "file": "docker_cleanup",
        "line": 'order = {"container": 0, "volume": 1, "image": 2}',
        "mutant": 'order = {"container": 0, "volume": 1, "image": 3}',
        "reason": "images come last among what was created at the same second either way",
    },
    {
        "file": "config_toml_meanings",
        "line": '% re.sub(r"/ci\\Z", "", value.rstrip("/")))',
        "mutant": '% re.sub(r"/ci\\Z", "", value.rstrip("XX/XX")))',
        "reason": "the row applies only to a URL ending in /ci and slashes, so no X is ever at its end to strip",
    },
    {
        "file": "docker_cleanup",
        "line": 'options.min_free_inodes and threshold_problem(options.min_free_inodes, "inodes"))',
        "mutant": 'options.min_free_inodes and threshold_problem(options.min_free_inodes, "XXinodesXX"))',
        "reason": "threshold_problem only compares what with \"free space\" and shows it only when it is that: any "
                  "other word gives the inode messages",
    },
    {
        "file": "docker_api_versions",
        "line": "((17, 5, 0), (19, 2, 0), None),",
        "mutant": "((17, 6, 0), (19, 2, 0), None),",
        "reason": "a row whose client is None and no row at all both make runner_client() None: 17.5.x falls "
                  "between the rows and is None either way",
    },
    {
        "file": "docker_api_versions",
        "line": "((19, 2, 0), (19, 3, 0), None),",
        "mutant": "((19, 2, 1), (19, 3, 0), None),",
        "reason": "a row whose client is None and no row at all both make runner_client() None: 19.2.0 falls "
                  "between the rows and is None either way",
    },
    {
        "file": "docker_api_versions",
        "line": "if colon <= slash:",
        "mutant": "if colon < slash:",
        "reason": "they are equal only with neither a colon nor a slash (both -1); the tag is then the whole name, "
                  "which starts with the letter of a Docker image's name, and a version tag starts with a digit",
    },
    {
        "file": "docker_api_versions",
        "line": "api_key(client_api) >= api_key(MIN_API_CONFIG_LOWEST):",
        "mutant": "api_key(client_api) > api_key(MIN_API_CONFIG_LOWEST):",
        "reason": "no client speaks exactly 1.24: the oldest CLI row speaks 1.26, the runner's clients 1.25, 1.41 "
                  "and 1.42",
    },
    {
        "file": "gitlab_runner_api",
        "line": "problem = failing_status = None",
        "mutant": 'problem = failing_status = ""',
        "reason": "every attempt sets failing_status (to the status, or None after a network error) or raises: the "
                  "initial value shows only with no attempt at all, a negative retries, which gitlab_connection.check "
                  "refuses (0 to 10)",
    },
    {
        "file": "docker_executor",
        "line": "if last <= char <= high:",
        "mutant": "if last < char <= high:",
        "reason": "the low end of a range is first read as a character of its own (it becomes last), so a character "
                  "equal to it has matched before the range is",
    },
    {
        "file": "docker_executor",
        "line": ("def _match(pattern, name, double_pattern=-1, double_name=-1, "
                 "star_pattern=-1, star_name=-1, pat=0, at=0):"),
        "mutant": ("def _match(pattern, name, double_pattern=-1, double_name=-2, "
                   "star_pattern=-1, star_name=-1, pat=0, at=0):"),
        "reason": "double_name is read only when double_pattern >= 0, and both are set together",
    },
    {
        "file": "docker_executor",
        "line": ("def _match(pattern, name, double_pattern=-1, double_name=-1, "
                 "star_pattern=-1, star_name=-1, pat=0, at=0):"),
        "mutant": ("def _match(pattern, name, double_pattern=-1, double_name=-1, "
                   "star_pattern=-1, star_name=-2, pat=0, at=0):"),
        "reason": "star_name is read only when star_pattern >= 0, and both are set together",
    },
    {
        "file": "docker_executor",
        "line": "double_pattern, double_name, star_pattern, star_name = pat, at, -1, -1",
        "mutant": "double_pattern, double_name, star_pattern, star_name = pat, at, -2, -1",
        "reason": "star_pattern is only compared with 0: -1 and -2 both say no star to go back to",
    },
    {
        "file": "docker_executor",
        "line": 'if star_pattern >= 0 and name[star_name] != "/":',
        "mutant": 'if star_pattern > 0 and name[star_name] != "/":',
        "reason": "star_pattern is the index after a *, never 0",
    },
    {
        "file": "docker_executor",
        "line": "pat, at, segment_start = star_pattern, star_name, False",
        "mutant": "pat, at, segment_start = star_pattern, star_name, True",
        "reason": "segment_start is read only at a *, and the match goes back to no *: a * right after star_pattern "
                  "is read at once (with name left) and moves star_pattern past it; the first character there sets "
                  "segment_start again or fails",
    },
    {
        "file": "docker_executor",
        "line": "found = False",
        "mutant": "found = None",
        "reason": "found is only tested for truth",
    },
    {
        "file": "docker_executor",
        "line": "double_name, pat, segment_start, found = at, double_pattern, True, True",
        "mutant": "double_name, pat, segment_start, found = at, double_pattern, False, True",
        "reason": "segment_start matters only for a ** followed by / or the end, and such a ** right after "
                  "double_pattern is read at once (with name left), moving double_pattern past it or matching: "
                  "going back to double_pattern never meets one",
    },
    {
        "file": "docker_executor",
        "line": 'if len(text) > 2 and text[1] in _SPECIAL_VARIABLES and text[2] == "}":',
        "mutant": 'if len(text) > 2 and text[2] in _SPECIAL_VARIABLES and text[2] == "}":',
        "reason": "the mutant never takes the branch (} is no special parameter), and the general reading of "
                  "${X} gives the same: the name up to the first }, 3 characters",
    },
    {
        "file": "docker_executor",
        "line": 'return "", 2  # "${}": bad syntax, eaten',
        "mutant": 'return "XXXX", 2  # "${}": bad syntax, eaten',
        "reason": "the bad ${} is then looked up as a variable named XXXX (mutmut's marker, no variable of the "
                  "runner's or a job's): empty either way",
    },
    {
        "file": "docker_job",
        "line": "job_id = random.SystemRandom().randint(10 ** 8, 10 ** 9 - 1)",
        "mutant": "job_id = random.SystemRandom().randint(10 ** 8, 10 ** 9 - 2)",
        "reason": "a random id of 9 digits either way: only the one largest id is no longer drawn",
    },
    {
        "file": "docker_job",
        "line": 'config_dir = tempfile.mkdtemp(prefix="runnerops-ci-job-auth-")',
        "mutant": 'config_dir = tempfile.mkdtemp(prefix="XXrunnerops-ci-job-auth-XX")',
        "reason": "the name of a private temporary directory, passed to docker --config and removed after the job: "
                  "nothing reads its name",
    },
    {
        "file": "runner_config_file",
        "line": "live = {}",
        "mutant": "live = None",
        "previous": 'secrets = set(item["token"] for item in _safe_credentials(credentials) if item["token"])',
        "reason": "plan() without a live file: every reader of live takes None as no file (secrets_of and "
                  "restart_required skip what is not a table, merge() makes None {} itself), and live is not returned",
    },
    {
        "file": "toml_writer",
        "line": "def _format_key(key, ascii_only=False, error_path=None):",
        "mutant": "def _format_key(key, ascii_only=True, error_path=None):",
        "reason": "every caller passes ascii_only (dumps()'s own), so the default is never used",
    },
    {
        "file": "toml_writer",
        "line": "elif ascii_only and code > 0x7F:",
        "mutant": "elif ascii_only and code >= 0x7F:",
        "reason": "U+007F (DEL) is a control character, escaped by the branch before this one: it never gets here",
    },
    {
        "file": "toml_writer",
        "line": 'return "inf" if value > 0 else "-inf"',
        "mutant": 'return "inf" if value >= 0 else "-inf"',
        "reason": "the value is an infinity here (math.isinf), never 0",
    },
    {
        "file": "toml_writer",
        "line": "minutes = int(offset.total_seconds()) // 60",
        "mutant": "minutes = int(offset.total_seconds()) / 60",
        "reason": "the offset is whole minutes (offsets with seconds are refused just before), so the division is "
                  "exact and %02d writes the float's two parts as it writes the integer's",
    },
    {
        "file": "toml_writer",
        "line": 'sign = "+" if minutes >= 0 else "-"',
        "mutant": 'sign = "+" if minutes > 0 else "-"',
        "reason": "a zero offset is written as Z just before: minutes is never 0 here",
    },
    {
        "file": "toml_writer",
        "line": 'sign = "+" if minutes >= 0 else "-"',
        "mutant": 'sign = "+" if minutes >= 1 else "-"',
        "reason": "minutes is a whole number of minutes and never 0 here (a zero offset is written as Z): >= 1 "
                  "is > 0",
    },
    {
        "file": "toml_writer",
        "line": 'return "%s%s%02d:%02d" % (text, sign, minutes // 60, minutes % 60)',
        "mutant": 'return "%s%s%02d:%02d" % (text, sign, minutes / 60, minutes % 60)',
        "reason": "minutes is not negative here (abs), and %02d truncates a positive float to the hours // 60 "
                  "gives",
    },
]
