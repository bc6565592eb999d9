"""make demo, as a new user runs it: the summary, a second run that changes nothing, and a cleanup that removes
what the demo created and nothing else. On its hosts, the audit playbook too: the demo's runner host passes, and
a host the collection never provisioned, with the article's broken socket variant written by hand, fails.

Run by ``make demo-test`` (part of ``make test``), as root on a machine with a Docker engine or the means to
install one. It removes a demo that is already up: the demo's names are fixed.
"""

import os
import re
import subprocess
import uuid

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.path.join(ROOT, ".build", "demo")
MODE = os.environ.get("RUNNEROPS_DEMO_MODE", "dind")
CHECKS = {"dind": ["hello_world", "hello_world_no_tls"], "socket": ["bind_mount", "hello_world"]}[MODE]


def make(*args):
    result = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    print(result.stdout, result.stderr)
    return result


def docker_ids(kind, label="runnerops.demo=true"):
    command = {"container": ["ps", "-aq"], "volume": ["volume", "ls", "-q"], "network": ["network", "ls", "-q"]}
    listed = subprocess.run(["docker", *command[kind], "--filter", "label=" + label], capture_output=True,
                            text=True, check=True)
    return listed.stdout.split()


def phase_line(output, number):
    return re.search(r"^demo: \[%d/6\] .*$" % number, output, re.MULTILINE).group(0)


@pytest.fixture(scope="module")
def bystanders():
    """A container, a volume and a network of somebody else's, which make demo-clean must leave alone."""
    name = "runnerops-bystander-" + uuid.uuid4().hex[:8]
    label = "runnerops.bystander=" + name
    subprocess.run(["docker", "volume", "create", "--label", label, name], check=True, capture_output=True)
    subprocess.run(["docker", "network", "create", "--label", label, name], check=True, capture_output=True)
    subprocess.run(["docker", "create", "--label", label, "--name", name, "runnerops/debian12-minbase:latest", "true"],
                   check=True, capture_output=True)
    yield label
    subprocess.run(["docker", "rm", "-f", name], check=False, capture_output=True)
    subprocess.run(["docker", "volume", "rm", name], check=False, capture_output=True)
    subprocess.run(["docker", "network", "rm", name], check=False, capture_output=True)


@pytest.fixture(scope="module")
def runs(bystanders):
    """A first and a second make demo, from no demo at all."""
    assert make("demo-clean").returncode == 0
    first = make("demo", "MODE=" + MODE)
    second = make("demo", "MODE=" + MODE)
    return first, second


def test_a_mode_is_required_and_a_wrong_one_changes_nothing():
    for args in (["demo"], ["demo", "MODE=docker"]):
        result = make(*args)
        assert result.returncode != 0
        assert "make demo needs MODE=socket or MODE=dind" in result.stderr
        assert "[1/6]" not in result.stdout


def test_first_run_provisions_and_passes_the_articles_jobs(runs):
    first = runs[0]
    assert first.returncode == 0, first.stdout[-3000:]
    for number in range(1, 7):
        assert phase_line(first.stdout, number)
    assert re.search(r"changed$", phase_line(first.stdout, 5)) and "nothing changed" not in phase_line(first.stdout, 5)
    assert re.search(r"installed: Docker Engine \S+ .*gitlab-runner \S+", first.stdout)
    assert "[[runners]]" in first.stdout and 'token = "glrt-********"' in first.stdout
    for check in CHECKS:
        assert "PASS %s (" % check in first.stdout
    assert "FAIL" not in first.stdout


def test_no_token_in_any_output(runs):
    for run in runs:
        assert find_tokens(run.stdout + run.stderr) == []
    with open(os.path.join(STATE, "summary.txt"), encoding="utf-8") as summary:
        assert find_tokens(summary.read()) == []


def test_second_run_changes_nothing_and_says_so(runs):
    second = runs[1]
    assert second.returncode == 0, second.stdout[-3000:]
    assert phase_line(second.stdout, 4).endswith("nothing changed")
    assert phase_line(second.stdout, 5).endswith("nothing changed")
    assert "demo: nothing changed" in second.stdout
    for check in CHECKS:
        assert "PASS %s (" % check in second.stdout


def test_shell_reaches_the_runner_host(runs):
    probe = subprocess.run(["docker", "exec", "runnerops-demo-runner", "systemctl", "is-active", "gitlab-runner"],
                           capture_output=True, text=True, check=False)
    assert probe.stdout.strip() == "active"


# The article's socket variant, written by hand: the Docker socket is passed through, /builds is not shared.
ARTICLE_BROKEN_SOCKET = """concurrent = 1

[[runners]]
  name = "docker-socket"
  url = "https://gitlab.example.com"
  token = "glrt-handwritten-secret-token"
  executor = "docker"
  [runners.docker]
    tls_verify = false
    image = "docker:edge-git"
    privileged = false
    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]
"""


def audit(host):
    result = subprocess.run(
        [os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "runnerops.gitlab_runner.audit", "-i", "demo/inventory",
         "-e", "audit_hosts=" + host], cwd=ROOT, capture_output=True, text=True, check=False,
        env=dict(os.environ, ANSIBLE_FORCE_COLOR="false"))
    print(result.stdout, result.stderr)
    return result


def test_audit_reports_the_demo_host_and_passes(runs):
    result = audit("runnerops-demo-runner")
    assert result.returncode == 0
    assert re.search(r'"Docker Engine: \d+\.\d+', result.stdout)
    assert re.search(r'"runner runnerops-demo-runner: executor docker, mode %s \(' % MODE, result.stdout)
    assert '"0 error(s), ' in result.stdout and re.search(r"changed=0 .*failed=0", result.stdout)
    assert find_tokens(result.stdout + result.stderr) == []


def test_audit_fails_on_the_articles_broken_socket_variant_and_changes_nothing(runs):
    host = "runnerops-demo-gitlab"  # never provisioned by the collection: no Docker, no gitlab-runner
    write = "mkdir -p /etc/gitlab-runner && cat > /etc/gitlab-runner/config.toml"
    subprocess.run(["docker", "exec", "-i", host, "sh", "-c", write], input=ARTICLE_BROKEN_SOCKET, text=True,
                   check=True)
    fingerprint = ["docker", "exec", host, "sh", "-c", "sha256sum /etc/gitlab-runner/config.toml; stat -c %Y "
                   "/etc/gitlab-runner/config.toml; ls -A /etc/gitlab-runner"]
    before = subprocess.run(fingerprint, capture_output=True, text=True, check=True).stdout
    result = audit(host)
    assert result.returncode == 2
    assert "Docker Engine: not answering: no docker command: Docker Engine is not installed" in result.stdout
    assert ("runner docker-socket: executor docker, mode socket (the bind of the host's Docker socket), not "
            "privileged, binds the host Docker socket: /var/run/docker.sock:/var/run/docker.sock") in result.stdout
    assert '"error builds-not-shared (runner docker-socket): ' in result.stdout
    assert "1 error(s) in /etc/gitlab-runner/config.toml on runnerops-demo-gitlab: builds-not-shared" in result.stdout
    assert re.search(r"changed=0 .*failed=1", result.stdout)
    assert "glrt-handwritten" not in result.stdout + result.stderr
    assert subprocess.run(fingerprint, capture_output=True, text=True, check=True).stdout == before


def test_clean_removes_the_demo_and_nothing_else(runs, bystanders):
    assert docker_ids("container") and docker_ids("volume") and docker_ids("network")
    result = make("demo-clean")
    assert result.returncode == 0
    assert re.search(r"removed 2 container\(s\), 1 volume\(s\), 1 network\(s\)", result.stdout)
    assert docker_ids("container") == docker_ids("volume") == docker_ids("network") == []
    assert not os.path.exists(STATE)
    for kind in ("container", "volume", "network"):
        assert len(docker_ids(kind, bystanders)) == 1, kind
    shell = make("demo-shell")
    assert shell.returncode != 0 and "is not running: make demo MODE=dind" in shell.stderr
    assert make("demo-clean").returncode == 0
