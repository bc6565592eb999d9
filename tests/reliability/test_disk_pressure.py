"""Disk pressure: the Docker cleanup's free-space mode on a runner host whose Docker data root is a small loop-mounted
file system, filled with job leftovers, a kept volume and a running job; and job containers' logs rotate."""

import json

LOOP_IMAGE = "/srv/docker-small.img"
DATA_ROOT = "/var/lib/docker"
MANAGED = "com.gitlab.gitlab-runner.managed=true"
KEEP = "runnerops.keep"
FILL_MB = 40


def _free_mb(hosts):
    return int(hosts.shell(hosts.runner, "df -Pm %s | awk 'NR == 2 {print $4}'" % DATA_ROOT).strip())


def _volumes(hosts):
    return sorted(hosts.shell(hosts.runner, "docker volume ls -q --filter name=pressure-").split())


def _small_data_root(hosts):
    """Docker on a 400 MB ext4 file system mounted over its data root; hello-world loaded into it."""
    hosts.shell(hosts.runner, """set -e
        systemctl stop docker.socket docker.service
        truncate -s 400M {image} && mkfs.ext4 -q -F {image}
        mount -o loop {image} {root}
        systemctl start docker.service
        docker load --input /images/hello-world_latest.tar >/dev/null
    """.format(image=LOOP_IMAGE, root=DATA_ROOT))


def _restore_data_root(hosts):
    hosts.shell(hosts.runner, """
        docker rm -f pressure-job >/dev/null 2>&1
        systemctl stop docker.socket docker.service
        umount {root}; rm -f {image}
        systemctl start docker.service
    """.format(image=LOOP_IMAGE, root=DATA_ROOT))


def _fill(hosts):
    """Four job leftovers a second apart (oldest first), a kept one, and a running job's volume: 40 MB each."""
    script = ["set -e"]
    for name, labels in (("pressure-1", [MANAGED]), ("pressure-2", [MANAGED]), ("pressure-3", [MANAGED]),
                         ("pressure-4", [MANAGED]), ("pressure-kept", [MANAGED, KEEP]), ("pressure-inuse", [MANAGED])):
        label_args = " ".join("--label %s" % label for label in labels)
        script.append("docker volume create %s %s >/dev/null" % (label_args, name))
        script.append("docker run --rm -v %s:/data hello-world /bin/busybox dd if=/dev/zero of=/data/fill bs=1M "
                      "count=%d 2>/dev/null" % (name, FILL_MB))
        script.append("sleep 1.1")
    script.append("docker run -d --name pressure-job --label %s -v pressure-inuse:/data hello-world "
                  "/bin/busybox sleep 600 >/dev/null" % MANAGED)
    hosts.shell(hosts.runner, "\n".join(script))


def _cleanup_run(hosts):
    """Run the cleanup service as the timer does; return what it wrote to the journal this time."""
    cursor = hosts.shell(hosts.runner, "journalctl -u runnerops-docker-cleanup -n 0 --show-cursor -q | "
                                       "sed -n 's/^-- cursor: //p'").strip()
    hosts.shell(hosts.runner, "systemctl start runnerops-docker-cleanup.service")
    after = ("--after-cursor '%s'" % cursor) if cursor else ""
    return hosts.shell(hosts.runner, "journalctl -u runnerops-docker-cleanup -o cat --no-pager %s" % after)


def test_free_space_mode_removes_oldest_leftovers_until_the_threshold_and_nothing_above_it(hosts, report):
    _small_data_root(hosts)
    try:
        _fill(hosts)
        free = _free_mb(hosts)
        # Enough room needs a little more than two of the 40 MB leftovers: the oldest three go, the rest stays.
        wanted = free + 2 * FILL_MB + FILL_MB // 2
        setting = {"runner_docker_cleanup_schedule": "*:0/15", "runner_docker_cleanup_min_free": "%dMiB" % wanted,
                   "runner_docker_cleanup_min_free_inodes": "5%"}
        converge = hosts.playbook(setting, label="disk-pressure-on")
        assert converge.rc == 0, converge.describe()
        journal = _cleanup_run(hosts)
        assert "is short: free space" in journal, journal
        assert _volumes(hosts) == ["pressure-4", "pressure-inuse", "pressure-kept"], journal
        assert "enough room again" in journal, journal
        assert hosts.shell(hosts.runner, "docker inspect -f '{{.State.Running}}' pressure-job").strip() == "true"
        assert _free_mb(hosts) >= wanted

        # Above the threshold: nothing goes.
        quiet = _cleanup_run(hosts)
        assert "nothing removed" in quiet, quiet
        assert _volumes(hosts) == ["pressure-4", "pressure-inuse", "pressure-kept"]
        report.append("disk pressure: free-space mode removed the 3 oldest leftovers to reach %d MB free, kept the "
                      "labelled and the in-use volume, and removed nothing above the threshold" % wanted)
    finally:
        _restore_data_root(hosts)
        hosts.converge(label="disk-pressure-off")


def test_job_containers_logs_rotate(hosts, report):
    """GitLab Runner starts job containers with the json-file driver: they get daemon.json's max-size and max-file."""
    options = json.loads(hosts.shell(hosts.runner, "cat /etc/docker/daemon.json"))
    assert options["log-opts"]["max-size"] == "10m" and options["log-opts"]["max-file"] == "3", options
    config = hosts.shell(hosts.runner, """set -e
        docker create --name rotate-check --log-driver json-file --label %s hello-world >/dev/null
        docker inspect -f '{{json .HostConfig.LogConfig}}' rotate-check
        docker rm rotate-check >/dev/null""" % MANAGED)
    log_config = json.loads(config)
    assert log_config["Type"] == "json-file" and log_config["Config"].get("max-size") == "10m", log_config
    report.append("disk pressure: a json-file job container gets max-size 10m and max-file 3 from daemon.json")
