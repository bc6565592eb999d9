# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The gitlab-runner test double (tests/doubles/gitlab-runner/gitlab-runner-test-double)."""

from __future__ import annotations

import ast
import collections
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
import urllib.request

import pytest

_DOUBLE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "doubles", "gitlab-runner",
                                       "gitlab-runner-test-double"))
_SECRET = "glrt-TESTSECRETTOKEN1234"
_POLL = "0.1"

SAMPLE_CONFIG = """concurrent = 2
check_interval = 3
shutdown_timeout = %(shutdown_timeout)d
%(listen)s
[[runners]]
  name = "alpha"
  url = "https://gitlab.example.com/"
  token = "%(secret)s"
  executor = "docker"
  [runners.docker]
    image = "alpine:3.20"
%(more)s"""

SECOND_RUNNER = """
[[runners]]
  name = "beta"
  url = "https://gitlab.example.com/"
  token = "%s"
  executor = "shell"
""" % _SECRET


def _load_double():
    loader = importlib.machinery.SourceFileLoader("gitlab_runner_test_double", _DOUBLE)
    spec = importlib.util.spec_from_loader("gitlab_runner_test_double", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


double = _load_double()


def _config_text(shutdown_timeout=10, listen="", more=""):
    return SAMPLE_CONFIG % {"shutdown_timeout": shutdown_timeout, "listen": listen, "more": more, "secret": _SECRET}


def _env(**extra):
    env = dict(os.environ)
    env.pop(double.ENV_VERSION, None)
    env.pop("CONFIG_FILE", None)
    env[double.ENV_POLL] = _POLL
    env.update(extra)
    return env


def _cli(*args, **env):
    return subprocess.run([_DOUBLE] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=_env(**env), timeout=20, check=False)


MainResult = collections.namedtuple("MainResult", "code out err")


@pytest.fixture
def run_main(capsys, monkeypatch):
    """Run the double's main() in this process: quicker than a subprocess for one-shot commands."""
    monkeypatch.delenv(double.ENV_VERSION, raising=False)
    monkeypatch.delenv("CONFIG_FILE", raising=False)

    def _run(*args, **env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = double.main(list(args))
        captured = capsys.readouterr()
        return MainResult(code, captured.out, captured.err)

    return _run


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))


class RunningDouble:
    """`gitlab-runner run` as the systemd unit starts it, with its log collected."""

    def __init__(self, tmp_path, config_text, executable=_DOUBLE, write_config=True):
        self.config = tmp_path / "config.toml"
        self.workdir = tmp_path / "home"
        self.workdir.mkdir(exist_ok=True)
        self.jobs = self.workdir / double.JOBS_DIR_NAME
        if write_config:
            self.config.write_text(config_text)
        self.lines = []
        self.process = subprocess.Popen(
            [executable, "run", "--config", str(self.config), "--working-directory", str(self.workdir),
             "--service", "gitlab-runner", "--user", "gitlab-runner"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=_env())
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def rewrite_config(self, text):
        """Replace config.toml while the double runs, atomically, as the role writes it: the double's poll must not
        load the truncated file between open and write (an empty file is a valid config without runners)."""
        temporary = self.config.with_name(self.config.name + ".tmp")
        temporary.write_text(text)
        os.replace(temporary, self.config)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def log(self):
        return "\n".join(self.lines)

    def count(self, text):
        return sum(1 for line in list(self.lines) if text in line)

    def wait_for_log(self, text, count=1, timeout=5.0):
        _wait_for(lambda: self.count(text) >= count, timeout, "%r x%d in the log:\n%s" % (text, count, self.log()))

    def add_job(self, job_id, content):
        self.jobs.mkdir(exist_ok=True)
        temporary = self.jobs / (job_id + ".tmp")
        temporary.write_text(content)
        temporary.rename(self.jobs / (job_id + ".job"))

    def job_file(self, job_id, suffix):
        return self.jobs / (job_id + suffix)

    def wait_for_job_state(self, job_id, suffix, timeout=5.0):
        _wait_for(self.job_file(job_id, suffix).exists, timeout, "%s%s" % (job_id, suffix))

    def send(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout=10.0):
        code = self.process.wait(timeout)
        self._reader.join(2)
        return code

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def start_double(tmp_path):
    started = []

    def _start(config_text, **kwargs):
        runner = RunningDouble(tmp_path, config_text, **kwargs)
        started.append(runner)
        # The metrics line (listening or disabled) comes once the configuration is loaded.
        runner.wait_for_log("etrics")
        return runner

    yield _start
    for runner in started:
        runner.stop()
        assert _SECRET not in runner.log(), "the double printed a token"


# ---------------------------------------------------------------- version, help, refusals

def test_version_prints_the_real_layout():
    result = _cli("--version")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Version", "Git revision", "Git branch", "GO version", "Built",
                                                      "OS/Arch"]
    assert lines[0] == "Version:      %s" % double.VERSION
    assert "test double" in result.stdout


@pytest.mark.parametrize("spelling", ["--version", "-v", "version"])
def test_every_version_spelling_works(run_main, spelling):
    result = run_main(spelling)
    assert result.code == 0 and result.out.startswith("Version:      ")


def test_version_comes_from_the_environment_variable(run_main):
    result = run_main("--version", **{double.ENV_VERSION: "18.0.1"})
    assert result.out.splitlines()[0] == "Version:      18.0.1"


def test_a_copy_with_the_version_line_rewritten_reports_the_new_version(tmp_path):
    copy = tmp_path / "gitlab-runner"
    text = open(_DOUBLE, encoding="utf-8").read()
    assert text.count('\nVERSION = "%s"\n' % double.VERSION) == 1, "tests rewrite this exact line"
    copy.write_text(text.replace('\nVERSION = "%s"\n' % double.VERSION, '\nVERSION = "17.11.1"\n'))
    copy.chmod(0o755)
    result = subprocess.run([str(copy), "--version"], stdout=subprocess.PIPE, universal_newlines=True, env=_env(),
                            check=True)
    assert result.stdout.splitlines()[0] == "Version:      17.11.1"


def test_help_says_it_is_a_test_double():
    result = _cli("--help")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("gitlab-runner (test double)")


@pytest.mark.parametrize("command", ["register", "unregister", "reset-token"])
def test_commands_that_need_gitlab_are_refused(run_main, command):
    result = run_main(command, "--url", "https://gitlab.example.com", "--token", _SECRET)
    assert result.code == 1
    assert "not supported" in result.err and "REST API" in result.err
    assert _SECRET not in result.err + result.out


def test_an_unknown_command_prints_usage_and_fails(run_main):
    result = run_main("frobnicate")
    assert result.code == 1
    assert "no such command 'frobnicate'" in result.err
    assert "USAGE:" in result.err


@pytest.mark.parametrize("args, message", [
    (["list", "--bogus", "x"], "flag provided but not defined: --bogus"),
    (["list", "--config"], "flag needs an argument: --config"),
    (["list", "extra"], "unexpected argument 'extra'"),
    (["--log-level"], "flag needs an argument: --log-level"),
])
def test_bad_command_lines_are_explained(run_main, args, message):
    result = run_main(*args)
    assert result.code == 1
    assert message in result.err


@pytest.mark.parametrize("value, message", [("soon", "number of seconds"), ("0", "must be greater than 0")])
def test_a_bad_poll_interval_is_explained(run_main, tmp_path, value, message):
    result = run_main("run", "--config", str(tmp_path / "c.toml"), **{double.ENV_POLL: value})
    assert result.code == 1
    assert double.ENV_POLL in result.err and message in result.err


# ---------------------------------------------------------------- list, verify, lint

@pytest.fixture
def sample_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(_config_text(more=SECOND_RUNNER))
    return path


def test_list_prints_names_and_executors_but_no_token(run_main, sample_config):
    result = run_main("list", "--config", str(sample_config))
    assert result.code == 0
    assert re.search(r"^alpha\s+Executor=docker URL=https://gitlab.example.com/$", result.err, re.M)
    assert re.search(r"^beta\s+Executor=shell", result.err, re.M)
    assert _SECRET not in result.out + result.err and "Token" not in result.out + result.err


def test_list_reads_config_file_from_the_environment(run_main, sample_config):
    result = run_main("list", CONFIG_FILE=str(sample_config))
    assert result.code == 0 and "ConfigFile=%s" % sample_config in result.err


def test_verify_names_the_runners_without_contacting_gitlab(run_main, sample_config):
    result = run_main("verify", "--config", str(sample_config))
    assert result.code == 0
    assert "does not contact GitLab" in result.err
    assert "runner_name=alpha" in result.err and "runner_name=beta" in result.err
    assert _SECRET not in result.out + result.err


def test_verify_of_an_unknown_runner_name_fails(run_main, sample_config):
    result = run_main("verify", "--config", str(sample_config), "--name", "gamma")
    assert result.code == 1
    assert "No runner matches" in result.err


def test_lint_accepts_a_valid_config(run_main, sample_config):
    result = run_main("lint", "--config", str(sample_config))
    assert result.code == 0
    assert "2 runner(s)" in result.out


@pytest.mark.parametrize("text, message", [
    ('concurrent = \n[[runners]]\ntoken = "%s"\n' % _SECRET, "toml: Invalid value"),
    ('concurrent = "4"\n', 'key "concurrent": incompatible types: TOML value has type string; destination has type integer'),
    ('[[runners]]\ntoken = 42\n', 'key "runners[0].token": incompatible types'),
    ('runners = ["%s"]\n' % _SECRET, "[[runners]] entries must be tables"),
])
def test_lint_rejects_a_broken_config_without_echoing_values(run_main, tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    result = run_main("lint", "--config", str(path))
    assert result.code == 1
    assert message in result.err
    assert _SECRET not in result.err + result.out


@pytest.mark.parametrize("command", ["lint", "list", "verify"])
def test_a_missing_config_file_fails(run_main, tmp_path, command):
    result = run_main(command, "--config", str(tmp_path / "absent.toml"))
    assert result.code == 1
    assert "no such file or directory" in result.err


# ---------------------------------------------------------------- systemd unit

def test_default_unit_constant_is_what_install_renders():
    rendered = double.render_systemd_unit(
        "/usr/bin/gitlab-runner",
        double.service_arguments("/etc/gitlab-runner/config.toml", "/home/gitlab-runner", "gitlab-runner",
                                 "gitlab-runner"))
    assert rendered == double.DEFAULT_SYSTEMD_UNIT


def test_default_unit_has_the_documented_settings():
    lines = double.DEFAULT_SYSTEMD_UNIT.splitlines()
    assert ('ExecStart=/usr/bin/gitlab-runner "run" "--config" "/etc/gitlab-runner/config.toml" "--working-directory" '
            '"/home/gitlab-runner" "--service" "gitlab-runner" "--user" "gitlab-runner"') in lines
    for setting in ("Restart=always", "RestartSec=120", "After=network.target ", "StartLimitInterval=5",
                    "StartLimitBurst=10", "EnvironmentFile=-/etc/sysconfig/gitlab-runner", "WantedBy=multi-user.target"):
        assert setting in lines
    assert "KillSignal" not in double.DEFAULT_SYSTEMD_UNIT, "graceful stops belong in a drop-in"


@pytest.mark.parametrize("executable, argument, exec_start", [
    ("/opt/my runner/gitlab-runner", "/srv/runner home", 'ExecStart=/opt/my\\x20runner/gitlab-runner "run" "--config" '
     '"/c.toml" "--working-directory" "/srv/runner home" "--service" "gitlab-runner"'),
    ("/usr/bin/gitlab-runner", 'odd"dir', 'ExecStart=/usr/bin/gitlab-runner "run" "--config" "/c.toml" '
     '"--working-directory" "odd\\"dir" "--service" "gitlab-runner"'),
])
def test_unit_paths_are_escaped_like_the_go_template(executable, argument, exec_start):
    unit = double.render_systemd_unit(executable, double.service_arguments("/c.toml", argument))
    assert exec_start in unit.splitlines()


def test_init_user_becomes_the_units_user():
    unit = double.render_systemd_unit("/usr/bin/gitlab-runner", ["run"], user_name="ci")
    assert "User=ci" in unit.splitlines()


def test_install_writes_the_unit_and_a_private_fresh_config(tmp_path):
    unit_dir = tmp_path / "systemd"
    unit_dir.mkdir()
    config = tmp_path / "etc" / "config.toml"
    result = _cli("install", "--user", "gitlab-runner", "--working-directory", "/home/gitlab-runner",
                  "--config", str(config), **{double.ENV_SYSTEMD_DIR: str(unit_dir)})
    assert result.returncode == 0, result.stderr
    unit = (unit_dir / "gitlab-runner.service").read_text()
    assert unit == double.render_systemd_unit(
        os.path.realpath(_DOUBLE),
        double.service_arguments(str(config), "/home/gitlab-runner", "gitlab-runner", "gitlab-runner"))
    assert stat.S_IMODE((unit_dir / "gitlab-runner.service").stat().st_mode) & 0o022 == 0
    assert config.read_text() == double.FRESH_CONFIG_TOML
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700

    again = _cli("install", "--user", "gitlab-runner", "--config", str(config), **{double.ENV_SYSTEMD_DIR: str(unit_dir)})
    assert again.returncode == 1
    assert "Init already exists: %s" % (unit_dir / "gitlab-runner.service") in again.stderr

    removed = _cli("uninstall", **{double.ENV_SYSTEMD_DIR: str(unit_dir)})
    assert removed.returncode == 0, removed.stderr
    assert not (unit_dir / "gitlab-runner.service").exists()


def test_install_keeps_an_existing_config(run_main, tmp_path, sample_config):
    before = sample_config.read_text()
    result = run_main("install", "--user", "gitlab-runner", "--config", str(sample_config),
                      **{double.ENV_SYSTEMD_DIR: str(tmp_path)})
    assert result.code == 0, result.err
    assert sample_config.read_text() == before


def test_install_stops_on_a_config_that_does_not_parse(run_main, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("concurrent = [\n")
    result = run_main("install", "--user", "gitlab-runner", "--config", str(config),
                      **{double.ENV_SYSTEMD_DIR: str(tmp_path)})
    assert result.code == 1 and "toml:" in result.err
    assert not (tmp_path / "gitlab-runner.service").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="the real install insists on --user only as root")
def test_install_as_root_needs_a_user(run_main, tmp_path):
    result = run_main("install", "--config", str(tmp_path / "c.toml"), **{double.ENV_SYSTEMD_DIR: str(tmp_path)})
    assert result.code == 1
    assert "Please specify user that will run gitlab-runner service" in result.err


def test_install_refuses_user_and_init_user_together(run_main, tmp_path):
    result = run_main("install", "--user", "a", "--init-user", "b", **{double.ENV_SYSTEMD_DIR: str(tmp_path)})
    assert result.code == 1
    assert "Only one of 'user' or 'init-user'" in result.err


def test_uninstall_of_a_missing_unit_fails(run_main, tmp_path):
    result = run_main("uninstall", **{double.ENV_SYSTEMD_DIR: str(tmp_path)})
    assert result.code == 1 and "no such file or directory" in result.err


# ---------------------------------------------------------------- pure helpers

@pytest.mark.parametrize("text, expected", [
    ("2", (2.0, 0.0)),
    (" 0.5\n", (0.5, 0.0)),
    ("30 5", (30.0, 5.0)),
])
def test_job_files_hold_seconds(text, expected):
    assert double.parse_job_file(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "found 0 field(s)"),
    ("1 2 3", "found 3 field(s)"),
    ("soon", "expected numbers of seconds"),
    ("-1", "must not be negative"),
])
def test_bad_job_files_are_explained(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        double.parse_job_file(text)


@pytest.mark.parametrize("value, expected", [(0, 30), (-5, 30), (1, 1), (120, 120)])
def test_shutdown_timeout_zero_or_less_means_the_default(value, expected):
    assert double.Config(shutdown_timeout=value).shutdown_timeout_seconds() == expected


def test_parsed_config_keeps_no_token():
    config = double.parse_config(_config_text(more=SECOND_RUNNER))
    assert config.runner_names() == ["alpha", "beta"]
    assert config.concurrent == 2 and config.shutdown_timeout == 10
    assert _SECRET not in repr([vars(runner) for runner in config.runners])


@pytest.mark.parametrize("address, expected", [
    ("127.0.0.1:9252", (socket.AF_INET, "127.0.0.1", 9252)),
    (":9252", (socket.AF_INET, "0.0.0.0", 9252)),
    ("[::1]:9252", (socket.AF_INET6, "::1", 9252)),
])
def test_listen_addresses(address, expected):
    assert double._parse_listen_address(address) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("address", ["9252", "localhost:", "host:port"])
def test_bad_listen_addresses_are_explained(address):
    with pytest.raises(ValueError, match="must be host:port"):
        double._parse_listen_address(address)  # pylint: disable=protected-access


# ---------------------------------------------------------------- run

def _metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as response:
        return response.read().decode("utf-8")


def test_run_reloads_on_mtime_change_and_sighup_and_serves_metrics(start_double):
    port = _free_port()
    runner = start_double(_config_text(listen='listen_address = "127.0.0.1:%d"' % port))
    assert runner.lines[0].startswith("gitlab-runner (test double)")
    runner.wait_for_log("Configuration loaded")
    assert "runner_names=alpha runners=1" in runner.log()
    assert 'gitlab_runner_version_info{' in _metrics(port)
    assert 'version="%s"} 1' % double.VERSION in _metrics(port)
    assert (runner.workdir / double.PID_FILE_NAME).read_text().strip() == str(runner.process.pid)

    runner.rewrite_config(_config_text(listen='listen_address = "127.0.0.1:%d"' % port, more=SECOND_RUNNER))
    runner.wait_for_log("runner_names=alpha,beta runners=2")

    runner.send(signal.SIGHUP)
    runner.wait_for_log("runner_names=alpha,beta runners=2", count=2)

    runner.send(signal.SIGQUIT)
    assert runner.wait() == 0
    assert not (runner.workdir / double.PID_FILE_NAME).exists()


def test_a_broken_config_on_reload_keeps_the_old_one(start_double):
    runner = start_double(_config_text())
    runner.rewrite_config("concurrent = [\n")
    runner.wait_for_log("ERROR: Failed to load config toml:")
    runner.add_job("7", "0.2")
    runner.wait_for_job_state("7", ".done")
    runner.send(signal.SIGTERM)
    assert runner.wait() == 0


def test_a_missing_config_is_reported_until_it_appears(start_double):
    runner = start_double("", write_config=False)
    runner.wait_for_log("ERROR: Failed to load config stat %s: no such file or directory" % runner.config, count=2)
    runner.rewrite_config(_config_text())
    runner.wait_for_log("runner_names=alpha runners=1")
    runner.send(signal.SIGTERM)
    assert runner.wait() == 0


def test_a_config_that_does_not_parse_at_start_stops_the_process(tmp_path):
    runner = RunningDouble(tmp_path, 'concurrent = "x"\n')
    assert runner.wait() == 1
    assert 'FATAL: Service run failed' in runner.log() and "incompatible types" in runner.log()


def test_sigquit_waits_for_a_running_job_then_exits_0(start_double):
    runner = start_double(_config_text(shutdown_timeout=10))
    runner.add_job("101", "2")
    runner.wait_for_job_state("101", ".running")
    running = json.loads(runner.job_file("101", ".running").read_text())
    assert running["pid"] == runner.process.pid and running["runner_name"] == "alpha"

    stopped_at = time.monotonic()
    runner.send(signal.SIGQUIT)
    runner.wait_for_log("Starting graceful shutdown, waiting for builds to finish")
    runner.add_job("102", "0.1")  # arrives after the stop: must not be taken
    assert runner.wait(timeout=10) == 0
    assert time.monotonic() - stopped_at > 1.0, "exited before the job could finish"

    done = json.loads(runner.job_file("101", ".done").read_text())
    assert done["status"] == "success" and done["pid"] == runner.process.pid and done["version"] == double.VERSION
    assert not runner.job_file("101", ".running").exists()
    assert runner.job_file("102", ".job").exists()
    assert "All workers stopped. Can exit now" in runner.log()


def test_sigquit_waits_past_shutdown_timeout_and_sigterm_then_aborts(start_double):
    # Like the real runner: shutdown_timeout bounds the forceful stop, not the graceful one.
    runner = start_double(_config_text(shutdown_timeout=1))
    runner.add_job("201", "30")
    runner.wait_for_job_state("201", ".running")
    runner.send(signal.SIGQUIT)
    runner.wait_for_log("Starting graceful shutdown")
    time.sleep(1.3)
    assert runner.process.poll() is None, "graceful shutdown gave up on a running job"

    runner.send(signal.SIGTERM)
    assert runner.wait(timeout=5) == 0
    assert runner.job_file("201", ".aborted").exists()
    assert not runner.job_file("201", ".done").exists()
    assert "Starting forceful shutdown" in runner.log() and "shutdown-timeout=1s" in runner.log()


def test_sigterm_aborts_running_jobs_and_exits_at_once(start_double):
    runner = start_double(_config_text(shutdown_timeout=10))
    runner.add_job("301", "30")
    runner.wait_for_job_state("301", ".running")
    stopped_at = time.monotonic()
    runner.send(signal.SIGTERM)
    assert runner.wait(timeout=5) == 0
    assert time.monotonic() - stopped_at < 2.0
    aborted = json.loads(runner.job_file("301", ".aborted").read_text())
    assert aborted["status"] == "aborted"
    assert not runner.job_file("301", ".done").exists()
    assert "Graceful shutdown not finished properly" in runner.log()


def test_sigterm_gives_up_after_shutdown_timeout_when_a_job_is_slow_to_abort(start_double):
    runner = start_double(_config_text(shutdown_timeout=1))
    runner.add_job("401", "30 5")
    runner.wait_for_job_state("401", ".running")
    stopped_at = time.monotonic()
    runner.send(signal.SIGINT)
    assert runner.wait(timeout=5) == 1
    assert 0.8 < time.monotonic() - stopped_at < 3.0
    assert "error=\"shutdown timed out\"" in runner.log()
    assert not runner.job_file("401", ".done").exists()


def test_jobs_respect_concurrent_and_need_a_runner(start_double):
    runner = start_double(_config_text().replace("concurrent = 2", "concurrent = 1"))
    runner.add_job("a", "0.25")
    runner.add_job("b", "0.25")
    runner.add_job("bad", "soon")
    runner.wait_for_job_state("b", ".done")
    first = json.loads(runner.job_file("a", ".done").read_text())
    second = json.loads(runner.job_file("b", ".done").read_text())
    assert second["started_at"] >= first["finished_at"], "concurrent = 1 ran two jobs at once"
    runner.wait_for_job_state("bad", ".invalid")
    # The log line is written before the rename, but the reader thread may not have taken it yet.
    runner.wait_for_log("Job file is invalid")

    runner.rewrite_config("concurrent = 1\n")
    runner.wait_for_log("runners=0")
    runner.add_job("c", "0.1")
    time.sleep(0.5)
    assert runner.job_file("c", ".job").exists(), "a config without [[runners]] took a job"
    runner.send(signal.SIGQUIT)
    assert runner.wait() == 0


def test_an_upgraded_copy_takes_new_jobs_while_the_old_one_finishes_its_own(tmp_path, start_double):
    old = start_double(_config_text(shutdown_timeout=10))
    old.add_job("501", "1")
    old.wait_for_job_state("501", ".running")
    old.send(signal.SIGQUIT)
    old.wait_for_log("Starting graceful shutdown")

    upgraded = tmp_path / "gitlab-runner-new"
    shutil.copy(_DOUBLE, upgraded)
    upgraded.write_text(upgraded.read_text().replace('\nVERSION = "%s"\n' % double.VERSION, '\nVERSION = "17.11.1"\n'))
    upgraded.chmod(0o755)
    new = start_double(_config_text(shutdown_timeout=10), executable=str(upgraded), write_config=False)
    new.add_job("502", "0.1")
    new.wait_for_job_state("502", ".done")

    assert old.wait(timeout=10) == 0
    assert json.loads(old.job_file("501", ".done").read_text())["version"] == double.VERSION
    assert json.loads(new.job_file("502", ".done").read_text())["version"] == "17.11.1"
    new.send(signal.SIGQUIT)
    assert new.wait() == 0


def test_the_double_parses_with_python_3_9_grammar():
    # Test hosts may run an older python3 than the controller.
    source = open(_DOUBLE, encoding="utf-8").read()
    assert ast.parse(source, feature_version=(3, 9))
