"""Upgrades and restarts: a daemon.json change restarts Docker once and a rerun restarts nothing; a new gitlab-runner
binary restarts the service gracefully, letting a running job finish under the old process."""

import json
import os

import pytest

JOBS = "/home/gitlab-runner/.test-double-jobs"
OLD_VERSION = "17.11.0"
NEW_VERSION = "17.11.1"


def _environment(hosts):
    with open(hosts.environment_file, encoding="utf-8") as handle:
        return json.load(handle)


def _starts(hosts, unit):
    """How often the unit was started since the host booted, from the journal."""
    script = "journalctl --no-pager -o cat -u %s.service | grep -c '^Started %s.service' || true" % (unit, unit)
    return int(hosts.shell(hosts.runner, script).strip())


def _started_at(hosts):
    script = "for unit in docker gitlab-runner; do systemctl show -p ActiveEnterTimestampMonotonic --value $unit; done"
    return hosts.shell(hosts.runner, script).split()


def test_daemon_json_change_restarts_docker_once_and_a_rerun_restarts_nothing(hosts, report):
    options = dict(_environment(hosts).get("docker_daemon_options", {}), **{"log-level": "warn"})
    starts = _starts(hosts, "docker")
    assert starts >= 1, "the journal has no start of docker.service: cannot count restarts"
    runner_started = _started_at(hosts)[1]

    change = hosts.playbook({"docker_daemon_options": options}, label="restarts-daemon-json")
    assert change.rc == 0, change.describe()
    assert json.loads(hosts.shell(hosts.runner, "cat /etc/docker/daemon.json"))["log-level"] == "warn"
    assert _starts(hosts, "docker") == starts + 1, "Docker was not restarted exactly once"
    assert hosts.shell(hosts.runner, "docker info --format '{{.ServerVersion}}'").strip(), "Docker does not answer"
    assert _started_at(hosts)[1] == runner_started, "a daemon.json change restarted gitlab-runner"

    stamps = _started_at(hosts)
    rerun = hosts.playbook({"docker_daemon_options": options}, label="restarts-rerun")
    assert rerun.rc == 0, rerun.describe()
    assert rerun.changed == 0, "the rerun changed something:\n" + rerun.describe()
    assert _started_at(hosts) == stamps and _starts(hosts, "docker") == starts + 1, "the rerun restarted a service"

    hosts.converge(label="restarts-daemon-json-restore")
    assert _starts(hosts, "docker") == starts + 2
    report.append("restarts: daemon.json change restarted Docker once (%.0f s); a rerun changed and restarted nothing"
                  % change.seconds)


def test_a_run_that_fails_later_still_restarts_what_it_changed(hosts, report):
    """The unit changes, then GitLab refuses the registration of a new runner and the run fails: gitlab-runner is
    restarted all the same (site.yml's force_handlers). The next run finds the unit as asked: it would never restart
    the service for it, which would keep running with the old unit."""
    runner_started = _started_at(hosts)[1]
    entries = [{"name": "molecule-reliability", "tags": ["docker", "socket"], "run_untagged": True},
               {"name": "molecule-restart-fault"}]
    run = hosts.playbook({"runner_graceful_stop_timeout": 3500, "runner_access_token": "glpat-unknown-to-this-gitlab",
                          "runner_entries": entries}, label="restarts-failed-run")
    try:
        assert run.rc != 0, "the run did not fail at the registration:\n" + run.describe()
        assert "access_token is unknown, expired or revoked" in run.failure_text, run.failure_text
        unit = hosts.shell(hosts.runner, "systemctl show -p TimeoutStopUSec -p NeedDaemonReload gitlab-runner")
        assert "NeedDaemonReload=no" in unit and "TimeoutStopUSec=59min 5s" in unit, unit
        assert _started_at(hosts)[1] != runner_started, "the failed run left gitlab-runner running with the old unit"
    finally:
        hosts.converge(label="restarts-failed-run-restore")
    report.append("restarts: a run that failed at the registration after changing the unit restarted gitlab-runner")


def _reloads(hosts):
    """How often docker.service was reloaded (SIGHUP) since the host booted, from the journal."""
    script = "journalctl --no-pager -o cat -u docker.service | grep -c '^Reloaded docker.service' || true"
    return int(hosts.shell(hosts.runner, script).strip())


def test_turning_the_cache_on_reloads_docker_and_a_running_socket_job_survives(hosts, report):
    """registry-mirrors is one of the keys dockerd applies on SIGHUP: the role reloads, and says so."""
    starts, reloads = _starts(hosts, "docker"), _reloads(hosts)
    hosts.shell(hosts.runner, "docker rm -f reload-job >/dev/null 2>&1; "
                              "docker run -d --name reload-job hello-world /bin/busybox sleep 600 >/dev/null")
    job_started = hosts.shell(hosts.runner, "docker inspect -f '{{.State.StartedAt}}' reload-job").strip()
    try:
        turn_on = hosts.playbook({"docker_registry_mirror": True}, label="restarts-cache-on", callback="default")
        assert turn_on.rc == 0, turn_on.describe()
        # The callback wraps long messages: compare with the whitespace folded.
        assert "which dockerd applies on SIGHUP: Docker is reloaded, not restarted" in " ".join(
            turn_on.output.split()), turn_on.describe()
        assert _starts(hosts, "docker") == starts, "turning the cache on restarted Docker"
        assert _reloads(hosts) == reloads + 1, "Docker was not reloaded once"
        state = hosts.shell(hosts.runner, "docker inspect -f '{{.State.Running}} {{.State.StartedAt}}' reload-job")
        assert state.split() == ["true", job_started], "the running job did not survive: %s" % state
        mirrors = hosts.shell(hosts.runner, "docker info --format '{{json .RegistryConfig.Mirrors}}'")
        assert ":5000/" in mirrors, "the daemon does not pull through the cache: %s" % mirrors
    finally:
        # Removing registry-mirrors is no reload (dockerd keeps a key the file no longer sets): a restart.
        back = hosts.converge(label="restarts-cache-off")
        hosts.shell(hosts.runner, "docker rm -f reload-job >/dev/null 2>&1 || true")
    assert "so Docker restarts" in " ".join(back.output.split()), back.describe()
    assert _starts(hosts, "docker") == starts + 1, "taking the cache out did not restart Docker once"
    report.append("restarts: turning the cache on reloaded Docker (a running container kept running, %.0f s); taking "
                  "it out restarted Docker once" % turn_on.seconds)


def _job(hosts, name, suffix):
    text = hosts.shell(hosts.runner, "cat %s/%s.%s 2>/dev/null || true" % (JOBS, name, suffix))
    return json.loads(text) if text.strip() else None


def test_new_runner_binary_restarts_gracefully_and_the_running_job_finishes(hosts, report):
    environment = _environment(hosts)
    if environment.get("runner_install_method") != "file":
        pytest.skip("the real gitlab-runner package is installed here: this test swaps the test double's binary")
    with open(environment["runner_binary_src"], encoding="utf-8") as handle:
        old = handle.read()
    assert 'VERSION = "%s"' % OLD_VERSION in old
    upgraded = os.path.join(hosts.workdir, "gitlab-runner-" + NEW_VERSION)
    with open(upgraded, "w", encoding="utf-8") as handle:
        handle.write(old.replace('VERSION = "%s"' % OLD_VERSION, 'VERSION = "%s"' % NEW_VERSION, 1))
    os.chmod(upgraded, 0o755)

    hosts.shell(hosts.runner, "mkdir -p %s && rm -f %s/upgrade-* && echo 25 > %s/upgrade-long.job" % (JOBS, JOBS, JOBS))
    running = hosts.wait_until("the job to start", lambda: _job(hosts, "upgrade-long", "running"), 30)
    assert running["version"] == OLD_VERSION

    upgrade = hosts.playbook({"runner_binary_src": upgraded}, label="restarts-upgrade")
    assert upgrade.rc == 0, upgrade.describe()
    done = _job(hosts, "upgrade-long", "done")
    assert done and done["status"] == "success" and done["version"] == OLD_VERSION, (
        "the job under the old runner did not finish: %s, aborted: %s" % (done, _job(hosts, "upgrade-long", "aborted")))
    assert "Version:      %s" % NEW_VERSION in hosts.shell(hosts.runner, "gitlab-runner --version")
    assert hosts.shell(hosts.runner, "systemctl is-active gitlab-runner").strip() == "active"

    hosts.shell(hosts.runner, "echo 1 > %s/upgrade-after.job" % JOBS)
    after = hosts.wait_until("a job under the new runner", lambda: _job(hosts, "upgrade-after", "done"), 30)
    assert after["version"] == NEW_VERSION and after["pid"] != done["pid"]
    report.append("restarts: %s -> %s waited for the running job (play %.0f s), which finished; the new process runs jobs"
                  % (OLD_VERSION, NEW_VERSION, upgrade.seconds))

    restore = hosts.converge(label="restarts-downgrade")
    assert "Version:      %s" % OLD_VERSION in hosts.shell(hosts.runner, "gitlab-runner --version"), restore.describe()
