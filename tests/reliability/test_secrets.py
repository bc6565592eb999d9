"""No token reaches the output: two converges with -vvv and --diff that change config.toml (one with the default
callback and every result logged by a notification callback, one with the json callback), then the files that
hold tokens: 0600 root, their directory 0700, no copy elsewhere on the host."""

import glob
import os
import re

import yaml

from reliability_hosts import CONFIG, CONFIG_DIR, leaks

RUNNER = "molecule-reliability"
# Given instead of the access token in one run: the live token still verifies, so it is passed but never used.
REGISTRATION_TOKEN = "GR1348941-reliability-registration-secret"


def _access_token(hosts):
    """The access token as the inventory gives it."""
    group_vars = os.path.join(os.path.dirname(hosts.inventory), "group_vars", "gitlab_runners")
    with open(group_vars if os.path.exists(group_vars) else group_vars + ".yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["runner_access_token"]


def _read_tree(path):
    texts = {}
    for name in sorted(glob.glob(os.path.join(path, "**", "*"), recursive=True)):
        if os.path.isfile(name):
            with open(name, encoding="utf-8", errors="replace") as handle:
                texts[name] = handle.read()
    return texts


def test_verbose_diff_runs_print_no_token(hosts, report):
    hosts.config_text()
    access_token = _access_token(hosts)
    assert access_token.startswith("glpat-")
    log_folder = os.path.join(hosts.workdir, "log_plays")
    log_path = os.path.join(hosts.workdir, "secrets-display.log")

    # concurrent 4 -> 5: config.toml changes, so --diff has a diff to show and runner_config writes a backup.
    first = hosts.playbook(
        {"runner_concurrent": 5, "runner_access_token": "", "runner_registration_token": REGISTRATION_TOKEN},
        args=["-vvv", "--diff"], label="secrets-vvv-diff-default", callback="ansible.builtin.default", fast=False,
        env={"ANSIBLE_CALLBACKS_ENABLED": "community.general.log_plays", "ANSIBLE_LOG_FOLDER": log_folder,
             "ANSIBLE_LOG_PATH": log_path})
    assert first.rc == 0, first.describe()
    assert "-concurrent = 4" in first.stdout and "+concurrent = 5" in first.stdout, "no diff of config.toml shown"

    # And back, with the json callback (every result as the callbacks receive it) and pipelining.
    second = hosts.playbook(args=["-vvv", "--diff"], label="secrets-vvv-diff-json")
    assert second.rc == 0, second.describe()
    assert re.search(r'"before": "[^"]*concurrent = 5', second.stdout) and re.search(
        r'"after": "[^"]*concurrent = 4', second.stdout), "no diff of config.toml in the json results"

    hosts.config_text()
    sources = {"default callback stdout": first.stdout, "default callback stderr": first.stderr,
               "json callback stdout": second.stdout, "json callback stderr": second.stderr}
    sources.update(_read_tree(log_folder))
    with open(log_path, encoding="utf-8") as handle:
        sources["ANSIBLE_LOG_PATH " + log_path] = handle.read()
    found = leaks(sources, hosts.seen_tokens | {access_token, REGISTRATION_TOKEN})
    assert leaks({"config.toml": hosts.config_text()}, hosts.seen_tokens), "the search finds no token where one is"
    report.append("secrets: -vvv --diff runs %.0f s + %.0f s, %d outputs checked for %d token values and token shapes: %s"
                  % (first.seconds, second.seconds, len(sources), len(hosts.seen_tokens) + 2,
                     "none found" if not found else "%d FOUND" % len(found)))
    assert not found, "tokens in the output:\n" + "\n".join(found)


def test_files_holding_tokens_are_private(hosts, report):
    listing = hosts.shell(hosts.runner, "find %s -exec stat -c '%%n %%U:%%G %%a' {} +" % CONFIG_DIR)
    entries = {}
    for line in listing.splitlines():
        name, owner, mode = line.split()
        entries[name] = "%s %s" % (owner, mode)
    backups = [name for name in entries if name.startswith(CONFIG + ".") and name.endswith("~")]
    report.append("secrets: %d config.toml backups, modes %s" % (len(backups), sorted({entries[name] for name in backups})))
    assert entries[CONFIG_DIR] == "root:root 700"
    assert entries[CONFIG] == "root:root 600"
    assert backups, "the runs that changed config.toml left no backup"
    holding = hosts.shell(hosts.runner, "grep -rlsF -e glrt- %s || true" % CONFIG_DIR).split()
    wrong = ["%s %s" % (name, entries.get(name)) for name in holding if entries.get(name) != "root:root 600"]
    assert not wrong, "files holding a token that are not 0600 root: %s" % wrong


def test_no_token_copy_outside_the_config_directory(hosts):
    assert hosts.seen_tokens
    # The tokens go in on stdin, so that they are in no command line and no error message.
    found = hosts.shell(hosts.runner, "grep -rlsF -f - /etc /root /home /tmp /var/tmp /var/log /run /var/lib/gitlab-runner "
                        "| grep -v '^%s/' || true" % CONFIG_DIR, stdin="\n".join(sorted(hosts.seen_tokens)) + "\n").split()
    assert not found, "files outside %s hold a runner token: %s" % (CONFIG_DIR, found)
