"""Run site.yml against the hosts of the molecule scenario ``reliability`` and read their state.

The scenario's side effect runs this directory with these variables set (without them every test is skipped):

- ``RELIABILITY_INVENTORY``: the molecule inventory file;
- ``RELIABILITY_ENVIRONMENT``: JSON extra vars with converge.yml's choices for this machine (the gitlab-runner
  test double, the capability-filtering runtime), given to every run before the case's own;
- ``RELIABILITY_RUNNER_HOST``, ``RELIABILITY_GITLAB_HOST``: the containers of the runner host and the GitLab API double;
- ``RELIABILITY_REPORT``: where the table of results goes;
- ``RELIABILITY_WORKDIR``: the output of every run, for a look after a failure.
"""

import difflib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

import catalogue
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import live_credentials
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens

SITE = "runnerops.gitlab_runner.site"
VALIDATE = "runnerops.gitlab_runner.validate"
CONFIG_DIR = "/etc/gitlab-runner"
CONFIG = CONFIG_DIR + "/config.toml"
GITLAB_DOUBLE = "http://127.0.0.1:8929"

# What a bad input must leave alone on the runner host: one shell call, one line per item.
_RUNNER_STATE_SCRIPT = r"""
echo "config.toml sha256: $(sha256sum < /etc/gitlab-runner/config.toml | cut -d' ' -f1)"
echo "packages sha256: $(dpkg-query -W | sha256sum | cut -d' ' -f1)"
echo "daemon.json sha256: $(sha256sum < /etc/docker/daemon.json | cut -d' ' -f1)"
for file in /etc/gitlab-runner/* /etc/gitlab-runner/.[!.]*; do
  [ -e "$file" ] && echo "file: $(stat -c '%n %U:%G %a %s' "$file")"
done
for unit in gitlab-runner docker; do
  echo "$unit started: $(systemctl show -p ActiveEnterTimestampMonotonic --value "$unit")"
done
"""


def _environment(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip("%s is not set: these tests run in the molecule scenario reliability (molecule test -s reliability)"
                    % name)
    return value


def _squeeze(text):
    """One line: messages wrap and indent differently in each callback."""
    return re.sub(r"\s+", " ", text or "").strip()


class Run:
    """One ansible-playbook run: its exit code, output and, with the json callback, the failed tasks."""

    def __init__(self, argv, rc, stdout, stderr, seconds):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.failures = []
        self.changed = 0
        self.task_names = []
        try:
            self._read_json(json.loads(stdout))
        except ValueError:
            pass

    def _read_json(self, document):
        for play in document.get("plays", []):
            for task in play.get("tasks", []):
                name = task["task"]["name"]
                self.task_names.append(name)
                for host, result in task.get("hosts", {}).items():
                    if result.get("failed") or result.get("unreachable"):
                        messages = [item.get("msg", "") for item in result.get("results", []) if item.get("failed")]
                        messages = messages or [result.get("msg", "")]
                        self.failures.append((name, host, " | ".join(str(message) for message in messages)))
        self.stats = document.get("stats", {})
        self.changed = sum(stats.get("changed", 0) for stats in self.stats.values())

    def failures_of(self, host):
        """The failed tasks of one host, as ``(task, message)``."""
        return [(task, message) for task, failed_host, message in self.failures if failed_host == host]

    @property
    def output(self):
        return self.stdout + "\n" + self.stderr

    @property
    def failure_text(self):
        """The failed tasks' messages and the errors on stderr, on one line."""
        failures = ["%s: %s" % (task, message) for task, _host, message in self.failures]
        errors = [line for line in self.stderr.splitlines() if "ERROR" in line or "error" in line]
        return _squeeze(" || ".join(failures + errors))

    def describe(self, limit=6000):
        """The command, its exit code and the end of its output (all of it with ``limit=None``)."""
        start = -limit if limit else 0
        return "%s\nrc=%s after %.0f s\n--- stdout\n%s\n--- stderr\n%s" % (
            shlex.join(self.argv), self.rc, self.seconds, self.stdout[start:], self.stderr[start:])


class Hosts:
    """The scenario's hosts: run plays against them, read and change their state."""

    def __init__(self):
        self.inventory = _environment("RELIABILITY_INVENTORY")
        self.environment_file = _environment("RELIABILITY_ENVIRONMENT")
        self.runner = _environment("RELIABILITY_RUNNER_HOST")
        self.gitlab = _environment("RELIABILITY_GITLAB_HOST")
        self.workdir = _environment("RELIABILITY_WORKDIR")
        # A fresh directory: no facts cached from hosts of an earlier run, no logs of another session.
        shutil.rmtree(self.workdir, ignore_errors=True)
        os.makedirs(self.workdir)
        self.ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        self.runs = 0
        # Every runner token seen in config.toml or from the API double during the session: none may be printed.
        self.seen_tokens = set()

    # -- hosts -------------------------------------------------------------
    def shell(self, host, script, stdin=None):
        argv = ["docker", "exec"] + (["-i"] if stdin is not None else []) + [host, "sh", "-c", script]
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AssertionError("%s failed (rc=%s): %s" % (shlex.join(argv), done.returncode, done.stderr))
        return done.stdout

    def gitlab_api(self, method, path, body=None):
        """A call to the API double's control endpoints, from the GitLab host itself."""
        if body is None:
            text = self.shell(self.gitlab, "curl -sSf -X %s %s%s" % (method, GITLAB_DOUBLE, path))
        else:
            text = self.shell(self.gitlab, "curl -sSf -X %s -H 'Content-Type: application/json' --data-binary @- %s%s"
                              % (method, GITLAB_DOUBLE, path), stdin=json.dumps(body))
        return json.loads(text) if text.strip() else None

    def config_text(self):
        text = self.shell(self.runner, "cat " + CONFIG)
        self.seen_tokens.update(entry["token"] for entry in self.credentials(text).values() if entry.get("token"))
        return text

    @staticmethod
    def credentials(text):
        """name -> {id, token, token_obtained_at, token_expires_at} of config.toml's runners."""
        return live_credentials(text)

    def gitlab_state(self):
        return self.gitlab_api("GET", "/_double/state")

    def write_config(self, text):
        """Rewrite config.toml in place (same inode, owner and mode), as the runner service does."""
        self.shell(self.runner, "cat > " + CONFIG, stdin=text)

    def state(self):
        """What a failed run must not change: files, packages, services and the runners at GitLab."""
        gitlab = self.gitlab_state()
        lines = self.shell(self.runner, _RUNNER_STATE_SCRIPT).splitlines()
        # Verifying a token is contact with GitLab: it moves contacted_at and nothing else.
        runners = [dict(runner, contacted_at=None) for runner in gitlab["runners"]]
        lines.append("gitlab runners: %s" % json.dumps(runners, sort_keys=True))
        lines.append("gitlab calls: %s" % json.dumps(gitlab["calls"], sort_keys=True))
        return lines

    # -- plays ---------------------------------------------------------------
    def _command(self, extra_vars, args, callback, fast, env):
        argv = [self.ansible_playbook, "-i", self.inventory, SITE, "-e", "@" + self.environment_file]
        if extra_vars is not None:
            argv += ["--extra-vars", json.dumps(extra_vars)]
        argv += list(args)
        run_env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK=callback, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        if fast:
            # Transport only: one connection round trip per task and the facts of the first run reused.
            run_env.update(
                ANSIBLE_PIPELINING="true",
                ANSIBLE_GATHERING="smart",
                ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile",
                ANSIBLE_CACHE_PLUGIN_CONNECTION=os.path.join(self.workdir, "facts"),
                ANSIBLE_CACHE_PLUGIN_TIMEOUT="7200",
            )
        run_env.update(env or {})
        return argv, run_env

    def _keep(self, run, label):
        self.runs += 1
        path = os.path.join(self.workdir, "%02d-%s.log" % (self.runs, re.sub(r"[^A-Za-z0-9_.-]", "_", label)))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(run.describe(limit=None))
        return run

    def playbook(self, extra_vars=None, args=(), label="run", callback="ansible.posix.json", fast=True, env=None):
        """Run site.yml with the environment's variables, then ``extra_vars``; keep the output in the workdir."""
        argv, run_env = self._command(extra_vars, args, callback, fast, env)
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, env=run_env, check=False)
        return self._keep(Run(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - started), label)

    def batch(self, cases, playbook=SITE, label="batch", forks=8):
        """Run ``playbook`` once for many cases, each an alias of the runner host with the case's variables.

        The aliases get the runner host's inventory variables and the environment's (as host variables, below
        nothing but extra vars), then the case's own: one run checks every case, and each host passes or fails on
        its own.
        """
        inventory_vars = json.loads(subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", self.inventory, "--host",
             self.runner], capture_output=True, text=True, check=True).stdout)
        with open(self.environment_file, encoding="utf-8") as handle:
            inventory_vars.update(json.load(handle))
        inventory_vars["ansible_host"] = self.runner
        path = catalogue.write_inventory(os.path.join(self.workdir, label + "-inventory.json"), cases, inventory_vars)
        argv = [self.ansible_playbook, "-i", path, playbook, "--forks", str(forks)]
        _argv, run_env = self._command(None, (), "ansible.posix.json", True, None)
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, env=run_env, check=False)
        return self._keep(Run(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - started), label)

    def start(self, extra_vars=None, label="run", env=None):
        """Start site.yml like playbook() without waiting; finish() collects it, kill() ends it at once."""
        argv, run_env = self._command(extra_vars, (), "ansible.posix.json", True, env)
        output = tempfile.TemporaryFile(mode="w+", encoding="utf-8"), tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        process = subprocess.Popen(argv, stdout=output[0], stderr=output[1], text=True, env=run_env,
                                   start_new_session=True)
        return Started(self, argv, process, output, label)

    def wait_until(self, what, predicate, timeout=60, interval=0.5):
        """Poll ``predicate()`` until it returns something true; fail naming ``what`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("waited %s s for %s" % (timeout, what))
            time.sleep(interval)

    def converge(self, label="converge"):
        """Bring the host back to the inventory's settings."""
        run = self.playbook(label=label)
        assert run.rc == 0, "the converge that restores the host failed:\n" + run.describe()
        return run


class Started:
    """A site.yml run in the background (Hosts.start)."""

    def __init__(self, hosts, argv, process, output, label):
        self.hosts, self.argv, self.process, self.output, self.label = hosts, argv, process, output, label
        self.started = time.monotonic()

    def finish(self, timeout=900):
        self.process.wait(timeout)
        texts = []
        for handle in self.output:
            handle.seek(0)
            texts.append(handle.read())
            handle.close()
        run = Run(self.argv, self.process.returncode, texts[0], texts[1], time.monotonic() - self.started)
        return self.hosts._keep(run, self.label)

    def kill(self):
        """SIGKILL the run and everything it started on the controller, as a crash or a lost CI job would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.finish()


def state_difference(before, after):
    return "\n".join(difflib.unified_diff(before, after, "before", "after", lineterm=""))


def leaks(sources, secrets):
    """Where a secret or a token-shaped string appears in ``sources`` ({label: text}), shown masked."""
    found = []
    for label, text in sources.items():
        for number, line in enumerate(text.splitlines(), 1):
            hits = [secret for secret in secrets if secret and secret in line]
            hits += find_tokens(line)
            found += ["%s line %d: %s... (%d characters)" % (label, number, hit[:6], len(hit)) for hit in sorted(set(hits))]
    return found
