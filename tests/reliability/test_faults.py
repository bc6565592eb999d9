"""GitLab faults, injected by the API double: 5xx is retried and registers once; 401, 403 and 410 fail at once with
the reason and write nothing; connection refused and timeouts are retried a bounded number of times, then fail
clearly; a run killed after GitLab created a runner but before config.toml held it leaves one runner, reused by the
next run."""

import pytest

from reliability_hosts import state_difference

RUNNER = {"name": "molecule-reliability", "tags": ["docker", "socket"], "run_untagged": True}
EXTRA = "molecule-fault"
# A second new runner, registered after EXTRA in the same call: holding its creation back is how a test stops a
# run after GitLab created EXTRA and before config.toml holds it.
EXTRA_AFTER = "molecule-fault-after"
CREATE = "POST /api/v4/user/runners"
VERIFY = "POST /api/v4/runners/verify"
PENDING = "/etc/gitlab-runner/.runner_pending/%s.json" % EXTRA
# Quick retries, so that the bounded ones below take seconds.
FAST_API = {"runner_api_timeout": 3, "runner_api_retries": 2}


def _with_extra(**extra):
    return dict(FAST_API, runner_entries=[RUNNER, dict({"name": EXTRA}, **extra)])


def _calls(hosts, endpoint):
    return hosts.gitlab_state()["calls"].get(endpoint, 0)


def _named(hosts, name):
    return [runner for runner in hosts.gitlab_state()["runners"] if runner["description"] == name]


def _forget_extra(hosts):
    """No fault left queued, no runner EXTRA at the double or on the host."""
    hosts.gitlab_api("DELETE", "/_double/faults")
    if EXTRA in hosts.credentials(hosts.config_text()):
        removal = hosts.playbook(dict(FAST_API, runner_entries=[RUNNER, {"name": EXTRA, "state": "absent"}]),
                                 label="faults-cleanup")
        assert removal.rc == 0, removal.describe()
    for runner in _named(hosts, EXTRA) + _named(hosts, EXTRA_AFTER):
        hosts.gitlab_api("DELETE", "/_double/runners/%d" % runner["id"])
    hosts.shell(hosts.runner, "rm -f " + PENDING)
    assert EXTRA not in hosts.credentials(hosts.config_text())


@pytest.fixture
def clean(hosts):
    """The host and the double as the inventory has them, before and after the test."""
    _forget_extra(hosts)
    yield
    _forget_extra(hosts)


def test_5xx_twice_then_success_registers_once(hosts, report, clean):
    created = _calls(hosts, CREATE)
    hosts.gitlab_api("POST", "/_double/faults", {"path": "/api/v4/user/runners", "method": "POST", "status": 502,
                                                 "times": 2})
    run = hosts.playbook(_with_extra(), label="faults-5xx")
    assert run.rc == 0, run.describe()
    assert _calls(hosts, CREATE) == created + 3, "two 502 answers and one success expected"
    assert len(_named(hosts, EXTRA)) == 1
    assert EXTRA in hosts.credentials(hosts.config_text())
    report.append("faults: 502 twice then 201: one runner registered, config.toml written (%.0f s)" % run.seconds)


@pytest.mark.parametrize("case, extra_vars, tokens, expect", [
    ("401", {"runner_access_token": "glpat-unknown-to-this-gitlab"}, None,
     "access_token is unknown, expired or revoked"),
    ("403", {"runner_access_token": "glpat-molecule-read-api-only"},
     {"access_tokens": {"glpat-molecule-read-api-only": ["read_api"]}},
     "access_token is accepted but lacks the scope or the rights for this: it needs the create_runner (or api) scope"),
    ("410", {"runner_access_token": "", "runner_registration_token": "GR1348941moleculeLegacyToken"},
     {"registration_tokens": ["GR1348941moleculeLegacyToken"]}, "GitLab 17.0 and later disable registration tokens"),
])
def test_refusals_fail_at_once_and_write_nothing(hosts, report, clean, case, extra_vars, tokens, expect):
    if tokens:
        hosts.gitlab_api("POST", "/_double/tokens", tokens)
    before = hosts.state()
    run = hosts.playbook(dict(_with_extra(), **extra_vars), label="faults-" + case)
    assert run.rc != 0, "the play went on after a %s:\n%s" % (case, run.describe())
    assert expect in run.failure_text, "%s: unclear message: %s" % (case, run.failure_text)
    assert run.failures[-1][0].endswith("Stop on the registration failure"), run.failures
    assert "Runner %s: " % EXTRA in run.failure_text and "Nothing was written to config.toml" in run.failure_text
    after = hosts.state()
    # Only the refused request itself may show in the double's counters.
    without_calls = [line for line in after if not line.startswith("gitlab calls:")]
    assert without_calls == [line for line in before if not line.startswith("gitlab calls:")], \
        state_difference(before, after)
    report.append("faults: %s refused at once, nothing written: %s" % (case, expect))


@pytest.mark.parametrize("case, extra_vars, fault, expect", [
    ("connection-refused", {"runner_entries": [RUNNER, {"name": EXTRA, "url": "http://gitlab:1"}]}, None,
     "last error: connection refused"),
    ("timeout", {}, {"path": "/api/v4/user/runners", "method": "POST", "delay": 6, "times": 3}, "timed out after 3s"),
])
def test_unreachable_gitlab_is_retried_then_a_clear_error(hosts, report, clean, case, extra_vars, fault, expect):
    if fault:
        hosts.gitlab_api("POST", "/_double/faults", fault)
    created = _calls(hosts, CREATE)
    config = hosts.config_text()
    run = hosts.playbook(dict(_with_extra(), **extra_vars), label="faults-" + case)
    assert run.rc != 0, run.describe()
    assert expect in run.failure_text and "after 3 attempt(s)" in run.failure_text, run.failure_text
    assert "retries runner_api_retries" in run.failure_text
    assert hosts.config_text() == config
    if fault:
        assert _calls(hosts, CREATE) == created + 3, "runner_api_retries: 2 means three attempts"
        # The documented limit: GitLab still creates a runner for each request whose answer came too late, and
        # nothing on the host knows their tokens. Wait for them, so that the next test starts from a known state.
        hosts.wait_until("the creations answered after the timeout", lambda: len(_named(hosts, EXTRA)) == 3, 60)
    report.append("faults: %s: 3 attempts, then a clear error after %.0f s; config.toml unchanged" % (case, run.seconds))


def test_run_killed_between_registration_and_config_toml_leaves_one_runner(hosts, report, clean):
    created = _calls(hosts, CREATE)
    # One registration call creates EXTRA, then EXTRA_AFTER, one at a time: the first creation is answered at once,
    # the second is held back, and the run is killed while it waits.
    hosts.gitlab_api("POST", "/_double/faults", {"faults": [
        {"path": "/api/v4/user/runners", "method": "POST", "delay": 0, "times": 1},
        {"path": "/api/v4/user/runners", "method": "POST", "delay": 20, "times": 1}]})
    started = hosts.start(dict(FAST_API, runner_api_timeout=90,
                               runner_entries=[{"name": EXTRA}, {"name": EXTRA_AFTER}, RUNNER]),
                          label="faults-killed")
    hosts.wait_until("the creation after EXTRA's", lambda: _calls(hosts, CREATE) >= created + 2, 300)
    assert hosts.shell(hosts.runner, "test -f %s && echo kept" % PENDING).strip() == "kept"
    killed = started.kill()
    assert killed.rc != 0
    assert EXTRA not in hosts.credentials(hosts.config_text()), "config.toml was written before the kill"
    assert len(_named(hosts, EXTRA)) == 1
    # The held-back creation still happens at GitLab, and its answer reaches no one: the documented limit.
    hosts.wait_until("the held-back creation", lambda: len(_named(hosts, EXTRA_AFTER)) == 1, 60)
    created = _calls(hosts, CREATE)

    again = hosts.playbook(_with_extra(), label="faults-after-kill")
    assert again.rc == 0, again.describe()
    runners = _named(hosts, EXTRA)
    live = hosts.credentials(hosts.config_text())
    assert len(runners) == 1 and live[EXTRA]["id"] == runners[0]["id"], "the orphan was not reused"
    assert _calls(hosts, CREATE) == created, "the next run created a second runner"
    assert hosts.shell(hosts.runner, "test -e %s || echo gone" % PENDING).strip() == "gone"
    report.append("faults: run killed after GitLab created runner %d: the next run reused it, no second runner"
                  % runners[0]["id"])
