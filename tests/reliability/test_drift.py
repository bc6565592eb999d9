"""Drift and the runner's own writes: a hand edit of config.toml is shown by --check --diff (tokens masked) and
undone by the next run; a token the service rotated is kept and nothing is registered again; a runner deleted at
GitLab is registered again and its new token replaces the dead one."""

import datetime
import hashlib
import re

from reliability_hosts import leaks

RUNNER = "molecule-reliability"
CREATE = "POST /api/v4/user/runners"


def _created(hosts):
    return hosts.gitlab_state()["calls"].get(CREATE, 0)


def _gitlab_runners(hosts):
    return hosts.gitlab_state()["runners"]


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def test_hand_edit_is_shown_masked_by_check_diff_and_undone_by_the_next_run(hosts, report):
    original = hosts.config_text()
    assert "\nconcurrent = 4\n" in original
    edited = original.replace("\nconcurrent = 4\n", "\nconcurrent = 9\n")
    hosts.write_config(edited)

    check = hosts.playbook(args=["--check", "--diff"], label="drift-check-diff", callback="ansible.builtin.default")
    assert check.rc == 0, check.describe()
    assert "-concurrent = 9" in check.stdout and "+concurrent = 4" in check.stdout, "--check --diff does not show the edit"
    assert not leaks({"--check --diff output": check.output}, hosts.seen_tokens), "a token in the --check --diff output"
    assert hosts.config_text() == edited, "--check changed config.toml"

    repair = hosts.playbook(label="drift-repair")
    assert repair.rc == 0, repair.describe()
    assert hosts.config_text() == original, "the next run did not restore config.toml byte for byte"
    report.append("drift: hand edit shown by --check --diff (%.0f s), masked, file untouched; restored by the next run (%.0f s)"
                  % (check.seconds, repair.seconds))


def test_token_rotated_by_the_service_is_kept(hosts, report):
    text = hosts.config_text()
    live = hosts.credentials(text)[RUNNER]
    created = _created(hosts)
    rotated = hosts.gitlab_api("POST", "/_double/runners/%d/rotate" % live["id"])
    hosts.seen_tokens.add(rotated["token"])
    # What the service writes after a rotation: the new token and when it was obtained.
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rewritten = text.replace(live["token"], rotated["token"])
    rewritten = re.sub(r"(?m)^(\s*token_obtained_at = ).*$", lambda match: match.group(1) + now, rewritten)
    hosts.write_config(rewritten)

    run = hosts.playbook(label="drift-after-rotation")
    assert run.rc == 0, run.describe()
    assert hosts.config_text() == rewritten, "the run rewrote config.toml after the service's rotation"
    assert hosts.credentials(hosts.config_text())[RUNNER]["token"] == rotated["token"]
    runners = _gitlab_runners(hosts)
    assert [(runner["id"], runner["token_hash"]) for runner in runners] == [(live["id"], _token_hash(rotated["token"]))]
    assert _created(hosts) == created, "the run registered a runner although its rotated token verifies"
    report.append("drift: token rotated by the service kept, no runner created (%.0f s)" % run.seconds)


def test_runner_deleted_at_gitlab_is_registered_again(hosts, report):
    live = hosts.credentials(hosts.config_text())[RUNNER]
    created = _created(hosts)
    hosts.gitlab_api("DELETE", "/_double/runners/%d" % live["id"])

    run = hosts.playbook(label="drift-after-delete")
    assert run.rc == 0, run.describe()
    now = hosts.credentials(hosts.config_text())[RUNNER]
    assert now["id"] != live["id"] and now["token"] != live["token"], "config.toml still has the deleted runner"
    runners = _gitlab_runners(hosts)
    assert [(runner["id"], runner["token_hash"]) for runner in runners] == [(now["id"], _token_hash(now["token"]))]
    assert _created(hosts) == created + 1
    report.append("drift: runner %d deleted at GitLab, registered again as %d, token replaced (%.0f s)"
                  % (live["id"], now["id"], run.seconds))
