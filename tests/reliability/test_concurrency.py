"""Two site.yml runs started together against one host, both adding the same new runner, leave a valid config.toml
and one runner per name at GitLab."""

import os
import shutil

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import findings

RUNNER = {"name": "molecule-reliability", "tags": ["docker", "socket"], "run_untagged": True}
EXTRA = "molecule-concurrent"
CREATE = "POST /api/v4/user/runners"


def _named(hosts, name):
    return [runner for runner in hosts.gitlab_state()["runners"] if runner["description"] == name]


def test_two_runs_at_once_register_one_runner_and_write_a_valid_config(hosts, report):
    created = hosts.gitlab_state()["calls"].get(CREATE, 0)
    # GitLab takes 3 s to create a runner: without the lock both runs would be inside that window together.
    hosts.gitlab_api("POST", "/_double/faults", {"path": "/api/v4/user/runners", "method": "POST", "delay": 3,
                                                 "times": 2})
    extra_vars = {"runner_entries": [RUNNER, {"name": EXTRA}]}
    # Each run its own fact cache, as two controllers would have.
    facts = hosts.workdir + "/facts"
    if os.path.isdir(facts):
        shutil.copytree(facts, facts + "-second", dirs_exist_ok=True)
    runs = [hosts.start(extra_vars, label="concurrent-first"),
            hosts.start(extra_vars, label="concurrent-second",
                        env={"ANSIBLE_CACHE_PLUGIN_CONNECTION": facts + "-second"})]
    first, second = [started.finish() for started in runs]
    hosts.gitlab_api("DELETE", "/_double/faults")
    assert first.rc == 0, first.describe()
    assert second.rc == 0, second.describe()

    text = hosts.config_text()
    assert [finding for finding in findings(text) if finding["severity"] == "error"] == []
    live = hosts.credentials(text)
    assert sorted(live) == sorted([RUNNER["name"], EXTRA])
    runners = _named(hosts, EXTRA)
    assert [runner["id"] for runner in runners] == [live[EXTRA]["id"]], "GitLab has %d runners named %s" % (
        len(runners), EXTRA)
    assert hosts.gitlab_state()["calls"].get(CREATE, 0) == created + 1, "both runs created a runner"
    assert hosts.shell(hosts.runner, "ls -A /etc/gitlab-runner/.runner_pending 2>/dev/null | wc -l").strip() == "0"
    report.append("concurrency: two runs at once (%.0f s, %.0f s): one runner %s at GitLab, config.toml valid"
                  % (first.seconds, second.seconds, EXTRA))

    removal = hosts.playbook({"runner_entries": [RUNNER, {"name": EXTRA, "state": "absent"}]},
                             label="concurrent-cleanup")
    assert removal.rc == 0, removal.describe()
    assert _named(hosts, EXTRA) == [] and EXTRA not in hosts.credentials(hosts.config_text())
