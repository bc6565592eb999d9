"""Benchmark: no-op reruns for 1 to 50 runners and 1 to 8 hosts, the first converge, task and module-call counts,
and job starts, on local runner hosts (systemd containers started by demo/host.yml, as make demo starts them).

Prints each figure as ``bench: <name> <value>`` as soon as it is measured. Run with ``make bench`` (root, a
Docker engine and the test images: the Makefile sets them up); it takes about half an hour and removes its
hosts at the end (RUNNEROPS_BENCH_KEEP=1 keeps them). RUNNEROPS_BENCH_SECTIONS (comma-separated, of runners,
hosts, job-start, dind-pull, baseline) runs some sections only; baseline compares a no-op rerun of this checkout with
one of RUNNEROPS_BENCH_BASELINE (a git revision, default HEAD~1), alternately on the same host. Nothing here asserts
a time: compare the ratios, which come from one run on one machine.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_STATE = os.path.join(_ROOT, ".build", "bench")
_BIN = os.path.join(_ROOT, ".venv", "bin")
_LABEL = "runnerops.bench"
_NETWORK = "runnerops-bench"
_GITLAB = "runnerops-bench-gitlab"
# As many forks as hosts: the README's advice for a fleet (forks at least the number of hosts in a batch).
_FORKS = 8


def _runner(number):
    return "runnerops-bench-runner-%d" % number


def _inventory(hosts):
    """The demo's inventory with ``hosts`` runner hosts; returns its directory."""
    directory = os.path.join(_STATE, "inventory")
    os.makedirs(directory, exist_ok=True)
    group_vars = os.path.join(directory, "group_vars")
    if not os.path.lexists(group_vars):
        os.symlink(os.path.join(_ROOT, "demo", "inventory", "group_vars"), group_vars)
    with open(os.path.join(directory, "hosts.yml"), "w", encoding="utf-8") as handle:
        json.dump({"all": {"vars": {"ansible_connection": "community.docker.docker"}},
                   "gitlab": {"hosts": {_GITLAB: None}},
                   "gitlab_runners": {"hosts": dict((_runner(number), None) for number in range(1, hosts + 1))}},
                  handle)
    return directory


def _entries(runners):
    path = os.path.join(_STATE, "runners-%d.json" % runners)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"runner_entries": [{"name": "bench-%d" % number, "tags": ["bench"], "run_untagged": True}
                                      for number in range(1, runners + 1)],
                   "runner_prune_unmanaged": True}, handle)
    return path


def _busy():
    """CPU seconds this machine has spent busy (all cores, from /proc/stat), and its core count."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(field) for field in handle.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    return (sum(fields[:8]) - fields[3] - fields[4]) / float(ticks), os.cpu_count() or 1


def _hosts_cpu():
    """CPU seconds the bench's runner host containers have used (cgroup v1 cpuacct; 0 where it cannot be read)."""
    ids = subprocess.run(["docker", "ps", "-q", "--no-trunc", "--filter", "label=%s=true" % _LABEL,
                          "--filter", "name=runnerops-bench-runner-"], capture_output=True, text=True,
                         check=True).stdout.split()
    total = 0
    for container in ids:
        try:
            with open("/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage" % container, encoding="ascii") as handle:
                total += int(handle.read())
        except (OSError, ValueError):
            pass
    return total / 1e9


def _controller_cpu():
    """CPU seconds of this process's finished children: ansible-playbook with its forks and connection commands."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_LAST = {}


def _playbook(args, counts=False, collections=None):
    """Run ansible-playbook; return (seconds, counts or None). Fails the benchmark on a failed run.

    _LAST["busy"] is the share of the machine's CPU time the run kept busy (1.0: every core, all the time):
    the controller and the runner hosts share these cores here, unlike a real fleet.
    """
    env = dict(os.environ, ANSIBLE_FORCE_COLOR="false", ANSIBLE_FORKS=str(_FORKS))
    if collections:
        env["ANSIBLE_COLLECTIONS_PATH"] = collections
    counts_path = os.path.join(_STATE, "counts.json")
    if counts:
        env.update(ANSIBLE_CALLBACK_PLUGINS=os.path.join(_ROOT, "tests", "bench", "callback_plugins"),
                   ANSIBLE_CALLBACKS_ENABLED="bench_counts", RUNNEROPS_BENCH_COUNTS=counts_path)
    busy_before, cores = _busy()
    controller_before, hosts_before = _controller_cpu(), _hosts_cpu()
    started = time.perf_counter()
    run = subprocess.run([os.path.join(_BIN, "ansible-playbook")] + args, cwd=_ROOT, env=env,
                         capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    busy = _busy()[0] - busy_before
    _LAST.update(busy=busy / (seconds * cores), cpu=busy, cores=cores, controller=_controller_cpu() - controller_before,
                 hosts=_hosts_cpu() - hosts_before)
    with open(os.path.join(_STATE, "last-run.log"), "w", encoding="utf-8") as log:
        log.write(run.stdout + run.stderr)
    if run.returncode != 0:
        sys.exit("bench: ansible-playbook %s failed (exit code %d); its output: %s"
                 % (" ".join(args), run.returncode, os.path.join(_STATE, "last-run.log")))
    if counts:
        with open(counts_path, encoding="utf-8") as handle:
            return seconds, json.load(handle)
    return seconds, None


def _hosts(inventory):
    docker_version = subprocess.run(["bash", "tests/env/build-images.sh", "--print-docker-version"], cwd=_ROOT,
                                    capture_output=True, text=True, check=True).stdout.strip()
    cache = _image_cache()
    _playbook(["demo/host.yml", "-i", inventory, "-e", "runnerops_checkout=" + _ROOT, "-e", "demo_state_dir=" + _STATE,
               "-e", "demo_subnet=10.203.10.0/24", "-e", "demo_network=" + _NETWORK, "-e", "demo_label=" + _LABEL,
               "-e", "demo_image_cache=" + cache, "-e", "demo_runner_build=/nonexistent",
               "-e", "demo_runner_double=" + os.path.join(_ROOT, "tests/doubles/gitlab-runner/gitlab-runner-test-double"),
               "-e", "demo_docker_version=" + docker_version])


def _site(inventory, runners, mode="dind", counts=False, limit=None, extra=(), collections=None):
    """site.yml of this checkout, or of the collection installed under ``collections`` (the baseline)."""
    playbook = "site.yml" if collections is None else "runnerops.gitlab_runner.site"
    args = [playbook, "-i", inventory, "-i", os.path.join(_STATE, "environment.yml"), "-e", "runner_mode=" + mode,
            "-e", "@" + _entries(runners)] + list(extra)
    if limit:
        args += ["--limit", limit]
    return _playbook(args, counts, collections)


def _clean():
    for kind, listing in (("container", ["ps", "-aq"]), ("volume", ["volume", "ls", "-q"]),
                          ("network", ["network", "ls", "-q"])):
        ids = subprocess.run(["docker"] + listing + ["--filter", "label=%s=true" % _LABEL], capture_output=True,
                             text=True, check=True).stdout.split()
        if ids:
            remove = {"container": ["rm", "-f", "-v"], "volume": ["volume", "rm"], "network": ["network", "rm"]}[kind]
            subprocess.run(["docker"] + remove + ids, capture_output=True, check=True)


def say(name, value):
    print("bench: %s %s" % (name, value), flush=True)


def _address(container):
    return subprocess.run(["docker", "inspect", "--format", "{{ (index .NetworkSettings.Networks \"%s\").IPAddress }}"
                           % _NETWORK, container], capture_output=True, text=True, check=True).stdout.strip()


def _image_cache():
    return os.environ.get("RUNNEROPS_IMAGE_CACHE") or os.path.join(
        os.environ.get("RUNNEROPS_CACHE_DIR", "/var/cache/runnerops-test"), "images")


_RERUNS = 3


def _runners_section(inventory):
    """No-op reruns of 1, 10 and 50 runners: the median of _RERUNS each (one rerun varies by seconds here)."""
    reruns = {}
    for runners in (1, 10, 50):
        if runners != 1:
            _site(inventory, runners)
        seconds, counts = _site(inventory, runners, counts=True)
        seconds = statistics.median([seconds] + [_site(inventory, runners)[0] for _round in range(_RERUNS - 1)])
        reruns[runners] = seconds
        say("rerun-noop runners=%d hosts=1" % runners, "%.1f" % seconds)
        if runners == 1:
            say("tasks-noop", counts["tasks"])
        if runners == 50:
            say("module-calls-noop runners=50", counts["module_calls"])
    say("ratio runners 50/1", "%.2f" % (reruns[50] / reruns[1]))


def _hosts_section():
    by_hosts = {}
    for hosts in (1, 4, 8):
        inventory = _inventory(hosts)
        _hosts(inventory)
        _site(inventory, 5)
        seconds = _site(inventory, 5)[0]
        by_hosts[hosts] = seconds
        say("rerun-noop runners=5 hosts=%d" % hosts, "%.1f" % seconds)
        say("cpu-busy rerun-noop runners=5 hosts=%d" % hosts, "%.2f" % _LAST["busy"])
        # Where the CPU time went: the controller (ansible-playbook, its forks and docker exec clients), the runner
        # hosts (their modules, in their containers) and the rest (the Docker engine serving the execs, other work).
        for part in ("controller", "hosts"):
            say("cpu-seconds %s rerun-noop runners=5 hosts=%d" % (part, hosts), "%.1f" % _LAST[part])
        say("cpu-seconds other rerun-noop runners=5 hosts=%d" % hosts,
            "%.1f" % (_LAST["cpu"] - _LAST["controller"] - _LAST["hosts"]))
        if hosts == 8:
            # The best 8/1 ratio this machine allows: the CPU work the 8-host run did, spread over every core.
            say("ratio hosts 8/1 cpu-bound", "%.2f" % (_LAST["cpu"] / _LAST["cores"] / by_hosts[1]))
    say("ratio hosts 8/1", "%.2f" % (by_hosts[8] / by_hosts[1]))


def _job_start_section(inventory):
    # Host 1 stays dind, host 2 becomes a socket host; five jobs of each kind on each.
    _site(inventory, 5, mode="socket", limit=_runner(2))
    output = os.path.join(_STATE, "job-start.json")
    starts = {}
    for host, mode in ((_runner(2), "socket"), (_runner(1), "dind")):
        _playbook(["tests/bench/job_start.yml", "-i", inventory, "-i", os.path.join(_STATE, "environment.yml"),
                   "--limit", host, "-e", "runner_mode=" + mode, "-e", "bench_runner=bench-1",
                   "-e", "bench_output=" + output])
        with open(output, encoding="utf-8") as handle:
            for kind, durations in json.load(handle):
                starts.setdefault(kind, []).append(durations["setup"] + durations.get("services", 0.0))
    medians = dict((kind, statistics.median(seconds)) for kind, seconds in starts.items())
    for kind in ("socket", "dind-tls", "dind-notls"):
        say("job-start %s" % kind, "%.1f" % medians[kind])
    # The same service with and without TLS: the difference is the entrypoint generating the CA, server and client keys.
    say("job-start dind-tls-keys", "%.1f" % (medians["dind-tls"] - medians["dind-notls"]))


_LINK_MBIT = 100


def _dind_pull_section(inventory):
    """Host 1 (dind) gets a pull-through cache of a registry on the GitLab host, behind a link of _LINK_MBIT."""
    upstream = _address(_GITLAB)
    cache = ["-e", "docker_registry_mirror=true", "-e", "docker_registry_mirror_remote_url=http://%s:5000" % upstream]
    _site(inventory, 5, limit=_runner(1), extra=cache)
    docker_version = subprocess.run(["bash", "tests/env/build-images.sh", "--print-docker-version"], cwd=_ROOT,
                                    capture_output=True, text=True, check=True).stdout.strip()
    output = os.path.join(_STATE, "dind-pull.json")
    _playbook(["tests/bench/dind_pull.yml", "-i", inventory, "-i", os.path.join(_STATE, "environment.yml"),
               "--limit", "%s,%s" % (_runner(1), _GITLAB), "-e", "bench_runner=bench-1", "-e", "bench_output=" + output,
               "-e", "bench_upstream=" + upstream, "-e", "bench_link_rate=%dmbit" % _LINK_MBIT,
               "-e", "bench_image_tar=" + os.path.join(_image_cache(), "docker_%s.tar" % docker_version),
               "-e", "bench_image_ref=docker:%s" % docker_version])
    pulls = {}
    with open(output, encoding="utf-8") as handle:
        for kind, seconds in json.load(handle):
            pulls.setdefault(kind, []).append(seconds)
    say("dind-pull link-mbit", _LINK_MBIT)
    for kind in ("cold", "mirror"):
        say("dind-pull %s" % kind, "%.1f" % statistics.median(pulls[kind]))


def _baseline_collection(revision):
    """The collection of ``revision``, built and installed under .build/bench/baseline; returns its collections path."""
    root = os.path.join(_STATE, "baseline")
    subprocess.run(["rm", "-rf", root], check=True)
    os.makedirs(os.path.join(root, "src"))
    archive = subprocess.run(["git", "archive", revision], cwd=_ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", os.path.join(root, "src")], input=archive, check=True)
    galaxy = os.path.join(_BIN, "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--force", "--output-path", os.path.join(root, "dist"),
                    os.path.join(root, "src")], capture_output=True, check=True)
    tarball = [name for name in os.listdir(os.path.join(root, "dist")) if name.endswith(".tar.gz")][0]
    subprocess.run([galaxy, "collection", "install", "--force", "-p", os.path.join(root, "collections"),
                    os.path.join(root, "dist", tarball)], capture_output=True, check=True)
    return os.path.join(root, "collections")


def _baseline_section(inventory):
    """A no-op rerun (5 runners, 1 host): this checkout against RUNNEROPS_BENCH_BASELINE, alternately, medians of 3."""
    revision = os.environ.get("RUNNEROPS_BENCH_BASELINE", "HEAD~1")
    baseline = _baseline_collection(revision)
    figures = {"this": [], "baseline": []}
    tasks = {}
    # Settings whose defaults changed since are pinned to the baseline's, so that both sides rerun a no-op.
    same = ["-e", "docker_container_log_max_size="]
    sides = (("baseline", baseline), ("this", None))
    for side, collections in sides:
        _site(inventory, 5, collections=collections, extra=same)
        tasks[side] = _site(inventory, 5, counts=True, collections=collections, extra=same)[1]["tasks"]
    # Round by round, each side converged just before its rerun: a slow spell of the machine hits both.
    for _round in range(_RERUNS):
        for side, collections in sides:
            _site(inventory, 5, collections=collections, extra=same)
            _site(inventory, 5, collections=collections, extra=same)
            figures[side].append(_LAST["controller"])
    for side in ("baseline", "this"):
        say("cpu-seconds controller rerun-noop runners=5 hosts=1 %s" % side, "%.1f" % statistics.median(figures[side]))
        say("tasks-noop runners=5 %s" % side, tasks[side])
    say("ratio cpu-seconds controller this/baseline (%s)" % revision,
        "%.2f" % (statistics.median(figures["this"]) / statistics.median(figures["baseline"])))


def main():
    sections = [name.strip() for name in
                os.environ.get("RUNNEROPS_BENCH_SECTIONS", "runners,hosts,job-start,dind-pull,baseline").split(",")]
    _clean()
    os.makedirs(_STATE, exist_ok=True)
    inventory = _inventory(1)
    _hosts(inventory)
    seconds = _site(inventory, 1)[0]
    say("converge-first runners=1 hosts=1", "%.1f" % seconds)
    if "runners" in sections:
        _runners_section(inventory)
    if "hosts" in sections:
        _hosts_section()
    if "job-start" in sections or "dind-pull" in sections:
        # Both use hosts 1 and 2.
        inventory = _inventory(2)
        _hosts(inventory)
        _site(inventory, 5)
    if "job-start" in sections:
        _job_start_section(inventory)
    if "dind-pull" in sections:
        _dind_pull_section(inventory)
    if "baseline" in sections:
        _baseline_section(_inventory(1))
    if not os.environ.get("RUNNEROPS_BENCH_KEEP"):
        _clean()


if __name__ == "__main__":
    main()
