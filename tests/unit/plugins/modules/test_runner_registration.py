# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""runner_registration run in-process against the GitLab runner API test double on 127.0.0.1."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import socket
import stat
import subprocess
from functools import partial

import pytest

from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import host_lock, pending_credentials, system_id
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens
from ansible_collections.runnerops.gitlab_runner.plugins.modules import runner_registration
from ansible_collections.runnerops.gitlab_runner.tests.gitlab_api_double.server import GitLabAPIDouble

CREATOR = "glpat-creator-token-0001"  # create_runner
MANAGER = "glpat-manager-token-0002"  # create_runner + manage_runner
READER = "glpat-reader-token-0003"  # read_api only
REGISTRATION = "GR1348941registrationtoken0004"
UNKNOWN_ACCESS = "glpat-unknown-token-0005"
SECRETS = (CREATOR, MANAGER, READER, REGISTRATION, UNKNOWN_ACCESS)

CREATE = "POST /api/v4/user/runners"
VERIFY = "POST /api/v4/runners/verify"
REGISTER = "POST /api/v4/runners"
DELETE_BY_TOKEN = "DELETE /api/v4/runners"
GET_BY_ID = "GET /api/v4/runners/:id"
DELETE_BY_ID = "DELETE /api/v4/runners/:id"


@pytest.fixture
def gitlab():
    double = GitLabAPIDouble(
        access_tokens={CREATOR: ["create_runner"], MANAGER: ["create_runner", "manage_runner"],
                       READER: ["read_api"]},
        registration_tokens=[REGISTRATION], groups=[7], projects=[42])
    with double:
        yield double


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the module with options; return its JSON result (``rc`` added)."""
    outputs = []
    # Once any test imports controller code, module warnings go to Display instead of the result.
    monkeypatch.setattr(ansible_internal, "is_controller", False)

    def _run(check_mode=False, **options):
        options.setdefault("backoff", 0)
        if check_mode:
            options["_ansible_check_mode"] = True
        monkeypatch.setattr(ansible_warnings, "_global_warnings", {})  # module warnings are process-global
        with patch_module_args(options), pytest.raises(SystemExit) as exit_info:
            runner_registration.main()
        result = json.loads(capsys.readouterr().out)
        result["rc"] = exit_info.value.code
        outputs.append(result)
        return result

    _run.outputs = outputs
    return _run


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- idempotence -------------------------------------------------------------

def test_three_runs_create_one_runner(gitlab, run):
    options = dict(url=gitlab.url, access_token=CREATOR, description="ci-1", tag_list=["docker", "linux"],
                   run_untagged=False, maximum_timeout=3600, system_id="s_0123456789ab")
    first = run(**options)
    assert first["rc"] == 0
    assert (first["changed"], first["created"], first["deleted"]) == (True, True, False)
    assert first["token"].startswith("glrt-")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", first["token_obtained_at"])

    second = run(runner_token=first["token"], **options)
    third = run(runner_token=first["token"], **options)
    for again in (second, third):
        assert (again["changed"], again["created"], again["runner_id"]) == (False, False, first["runner_id"])
        assert "token" not in again and "token_obtained_at" not in again

    state = gitlab.state()
    assert len(state["runners"]) == 1
    runner = state["runners"][0]
    assert (runner["description"], runner["tag_list"], runner["run_untagged"], runner["maximum_timeout"]) == (
        "ci-1", ["docker", "linux"], False, 3600)
    assert runner["system_ids"] == ["s_0123456789ab"]
    assert gitlab.calls() == {CREATE: 1, VERIFY: 2, GET_BY_ID: 2}  # the reads are refused: create_runner only


@pytest.mark.parametrize("runner_type, where", [
    ("group_type", {"group_id": 7}),
    ("project_type", {"project_id": 42}),
])
def test_group_and_project_runners(gitlab, run, runner_type, where):
    result = run(url=gitlab.url, access_token=CREATOR, runner_type=runner_type, **where)
    assert result["created"] is True
    runner = gitlab.state()["runners"][0]
    assert runner["runner_type"] == runner_type
    assert {key: runner[key] for key in where} == where


def test_runner_id_beside_a_token_is_ignored_when_present(gitlab, run):
    gitlab.add_tokens(allow_registration_tokens=True)
    created = run(url=gitlab.url, registration_token=REGISTRATION)
    again = run(url=gitlab.url, registration_token=REGISTRATION, runner_token=created["token"],
                runner_id=created["runner_id"])
    assert (again["rc"], again["changed"], again["runner_id"]) == (0, False, created["runner_id"])


def test_legacy_registration_token_when_the_instance_allows_it(gitlab, run):
    gitlab.add_tokens(allow_registration_tokens=True)
    result = run(url=gitlab.url, registration_token=REGISTRATION, description="legacy")
    assert (result["rc"], result["changed"], result["created"]) == (0, True, True)
    assert result["token"]
    assert gitlab.calls() == {REGISTER: 1}
    again = run(url=gitlab.url, registration_token=REGISTRATION, runner_token=result["token"])
    assert (again["changed"], again["runner_id"]) == (False, result["runner_id"])


# -- check mode ----------------------------------------------------------------

def _unchanged_view(runners):
    # A verification is a read, but GitLab records when and from which system a runner called.
    return [{key: value for key, value in runner.items() if key not in ("contacted_at", "system_ids")}
            for runner in runners]


@pytest.mark.parametrize("name, options, changed, reads", [
    ("new runner", lambda r: dict(access_token=CREATOR), True, {}),
    ("valid token", lambda r: dict(runner_token=r["token"], access_token=CREATOR), False, {VERIFY: 1}),
    ("rejected token", lambda r: dict(runner_token="glrt-deadbeefdeadbeef", access_token=CREATOR), True,
     {VERIFY: 1}),
    ("absent by token", lambda r: dict(state="absent", runner_token=r["token"]), True, {VERIFY: 1}),
    ("absent, gone", lambda r: dict(state="absent", runner_token="glrt-deadbeefdeadbeef"), False, {VERIFY: 1}),
    ("absent by id", lambda r: dict(state="absent", access_token=MANAGER, runner_id=r["runner_id"]), True,
     {GET_BY_ID: 1}),
    ("absent by id, gone", lambda r: dict(state="absent", access_token=MANAGER, runner_id=999), False,
     {GET_BY_ID: 1}),
])
def test_check_mode_sends_only_reads(gitlab, run, name, options, changed, reads):
    existing = run(url=gitlab.url, access_token=MANAGER)
    before = gitlab.state()

    result = run(check_mode=True, url=gitlab.url, **options(existing))

    assert result["rc"] == 0, result["msg"]
    assert result["changed"] is changed, name
    assert "token" not in result
    after = gitlab.state()
    assert _unchanged_view(after["runners"]) == _unchanged_view(before["runners"])
    new_calls = {key: after["calls"][key] - before["calls"].get(key, 0) for key in after["calls"]}
    assert {key: count for key, count in new_calls.items() if count} == reads


# -- retries and failures ------------------------------------------------------

def test_5xx_twice_then_success_creates_one_runner(gitlab, run):
    gitlab.add_fault(path="/api/v4/user/runners", status=503, times=2)
    result = run(url=gitlab.url, access_token=CREATOR, retries=3)
    assert (result["rc"], result["changed"]) == (0, True)
    assert len(gitlab.state()["runners"]) == 1
    assert [entry["status"] for entry in gitlab.state()["requests"]] == [503, 503, 201]


@pytest.mark.parametrize("name, options, endpoint, status, message", [
    ("unknown access token", dict(access_token=UNKNOWN_ACCESS), CREATE, 401,
     "access_token is unknown, expired or revoked"),
    ("access token without create_runner", dict(access_token=READER), CREATE, 403,
     "access_token is accepted but lacks the scope or the rights for this: it needs the create_runner (or api) "
     "scope, from a user who may create instance_type runners"),
    ("group that does not exist", dict(access_token=CREATOR, runner_type="group_type", group_id=99), CREATE, 400,
     "Missing/invalid group ID"),
    ("project that does not exist", dict(access_token=CREATOR, runner_type="project_type", project_id=99),
     CREATE, 400, "check runner_type, group_id/project_id"),
    ("registration tokens disabled", dict(registration_token=REGISTRATION), REGISTER, 410,
     "GitLab 17.0 and later disable registration tokens by default"),
    ("wrong registration token", dict(registration_token="GR1348941wrongwrongwrong"), REGISTER, 403,
     "registration_token is wrong or was reset"),
    ("runner token rejected", dict(runner_token="glrt-deadbeefdeadbeef"), VERIFY, 403,
     "runner token rejected (403) by http://127.0.0.1:"),
    ("delete by id needs manage_runner", dict(state="absent", access_token=CREATOR, runner_id=1), DELETE_BY_ID,
     403, "it needs the manage_runner scope (GitLab 17.1 and later) or api"),
    ("delete by id with an unknown token", dict(state="absent", access_token=UNKNOWN_ACCESS, runner_id=1),
     DELETE_BY_ID, 401, "access_token is unknown"),
])
def test_refusals_fail_at_once_with_a_clear_message(gitlab, run, name, options, endpoint, status, message):
    result = run(url=gitlab.url, retries=3, **options)
    assert result["rc"] == 1 and result["failed"] is True, name
    assert result["status"] == status
    assert message in result["msg"]
    assert gitlab.calls() == {endpoint: 1}  # no retry
    assert gitlab.state()["runners"] == []


def test_410_message_names_the_way_out(gitlab, run):
    result = run(url=gitlab.url, registration_token=REGISTRATION)
    assert "create the runner with access_token" in result["msg"]
    assert "create_runner scope" in result["msg"]


def test_connection_refused_is_retried_then_fails_clearly(run):
    url = "http://127.0.0.1:%d" % _free_port()
    result = run(url=url, access_token=CREATOR, retries=2)
    assert result["rc"] == 1
    assert result["msg"].startswith("GitLab at %s did not answer POST /api/v4/user/runners after 3 attempt(s)" % url)
    assert "connection refused" in result["msg"]


def test_timeout_is_retried_then_fails_clearly(gitlab, run):
    gitlab.add_fault(path="/api/v4/runners/verify", delay=5, times=2)
    result = run(url=gitlab.url, runner_token="glrt-whatever-token", api_timeout=0.3, retries=1)
    assert result["rc"] == 1
    assert "after 2 attempt(s); last error: timed out after 0.3s" in result["msg"]
    assert "raise api_timeout (0.3s) or retries (1)" in result["msg"]
    assert gitlab.calls() == {VERIFY: 2}


def test_dropped_connection_is_retried(gitlab, run):
    gitlab.add_fault(path="/api/v4/user/runners", drop=True)
    result = run(url=gitlab.url, access_token=CREATOR, retries=1)
    assert (result["rc"], result["created"]) == (0, True)
    assert [entry["status"] for entry in gitlab.state()["requests"]] == ["dropped", 201]


# -- absent --------------------------------------------------------------------

def test_absent_by_token_twice(gitlab, run):
    created = run(url=gitlab.url, access_token=CREATOR)
    first = run(url=gitlab.url, state="absent", runner_token=created["token"])
    second = run(url=gitlab.url, state="absent", runner_token=created["token"])
    assert (first["rc"], first["changed"], first["deleted"], first["runner_id"]) == (0, True, True, 1)
    assert (second["rc"], second["changed"], second["deleted"]) == (0, False, False)
    assert gitlab.state()["runners"] == []


def test_absent_by_id_twice(gitlab, run):
    created = run(url=gitlab.url, access_token=MANAGER)
    options = dict(url=gitlab.url, state="absent", access_token=MANAGER, runner_id=created["runner_id"])
    first, second = run(**options), run(**options)
    assert (first["changed"], first["deleted"]) == (True, True)
    assert (second["rc"], second["changed"], second["deleted"]) == (0, False, False)


def test_absent_with_a_rotated_token_deletes_by_id(gitlab, run):
    created = run(url=gitlab.url, access_token=MANAGER)
    gitlab.rotate_token(created["runner_id"])  # the runner service rotated it behind the play's back
    result = run(url=gitlab.url, state="absent", runner_token=created["token"], access_token=MANAGER,
                 runner_id=created["runner_id"])
    assert (result["changed"], result["deleted"]) == (True, True)
    assert gitlab.state()["runners"] == []


# -- runner deleted at GitLab ----------------------------------------------------

def test_runner_deleted_at_gitlab_is_registered_again(gitlab, run):
    first = run(url=gitlab.url, access_token=CREATOR, description="ci")
    gitlab.delete_runner(first["runner_id"])
    again = run(url=gitlab.url, access_token=CREATOR, runner_token=first["token"], description="ci")
    assert (again["rc"], again["changed"], again["created"]) == (0, True, True)
    assert again["token"] != first["token"] and again["runner_id"] != first["runner_id"]
    assert "runner_token was rejected (403) by %s" % gitlab.url in json.dumps(again["warnings"])
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [again["runner_id"]]


def test_runner_deleted_at_gitlab_without_access_token_fails(gitlab, run):
    first = run(url=gitlab.url, access_token=CREATOR)
    gitlab.delete_runner(first["runner_id"])
    result = run(url=gitlab.url, runner_token=first["token"])
    assert result["rc"] == 1
    assert result["msg"] == (
        "runner token rejected (403) by %s: the runner was deleted or its token revoked (or rotated by the "
        "runner service: read the current token from config.toml); give access_token to register it again"
        % gitlab.url)


# -- option errors ----------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    (dict(), "state is present but any of the following are missing: runner_token, access_token, "
             "registration_token"),
    (dict(state="absent", access_token=MANAGER), "state=absent needs runner_token, access_token and runner_id, or "
                                                 "config_path and name"),
    (dict(state="absent", runner_id=3), "state=absent needs runner_token, access_token and runner_id"),
    (dict(access_token=CREATOR, registration_token=REGISTRATION), "mutually exclusive"),
    (dict(access_token=CREATOR, runner_type="group_type"), "runner_type is group_type but all of the following"),
    (dict(access_token=CREATOR, runner_type="project_type"), "runner_type is project_type but all of the"),
    (dict(access_token=CREATOR, runner_type="weird_type"), "value of runner_type must be one of"),
    (dict(access_token=CREATOR, group_id=7), "group_id is set but runner_type is instance_type"),
    (dict(access_token=CREATOR, system_id="s_XYZ"), "system_id 's_XYZ' is not a runner system id"),
    (dict(access_token=CREATOR, maximum_timeout=60), "GitLab needs a whole number of seconds, at least 600"),
    (dict(access_token=CREATOR, tag_list=["a,b"]), "tag_list[0] 'a,b' contains a comma"),
    (dict(access_token=CREATOR, retries=11), "retries must be between 0 and 10"),
    (dict(access_token=CREATOR, timeout=0), "timeout must be more than 0 seconds"),
    (dict(access_token=CREATOR, url="gitlab.example.com"), "is not an http(s) URL"),
    (dict(access_token=CREATOR, url="https://gitlab.example.com/api/v4"), "ends in /api/v4"),
])
def test_bad_options_fail_before_any_request(gitlab, run, options, message):
    options.setdefault("url", gitlab.url)
    result = run(**options)
    assert result["rc"] == 1
    assert message in result["msg"]
    assert gitlab.calls() == {}


# -- TLS -------------------------------------------------------------------------

@pytest.fixture
def tls_files(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return str(cert), str(key)


def test_tls_untrusted_certificate_fails_at_once_and_ca_path_fixes_it(run, tls_files):
    cert, key = tls_files
    with GitLabAPIDouble(access_tokens={CREATOR: ["create_runner"]}, tls_cert=cert, tls_key=key) as double:
        assert double.url.startswith("https://")
        refused = run(url=double.url, access_token=CREATOR, retries=3)
        assert refused["rc"] == 1
        assert "TLS certificate at %s is not trusted" % double.url in refused["msg"]
        assert "ca_path" in refused["msg"]
        trusted = run(url=double.url, access_token=CREATOR, ca_path=cert)
        assert (trusted["rc"], trusted["created"]) == (0, True)
        assert double.calls() == {CREATE: 1}


# -- secrets -----------------------------------------------------------------------

def test_no_token_in_any_output_but_token(gitlab, run):
    """Every result (success, warning, failure) is free of tokens outside ``token``."""
    gitlab.add_tokens(allow_registration_tokens=False)
    created = run(url=gitlab.url, access_token=MANAGER, description="secret-check")
    gitlab.delete_runner(created["runner_id"])
    run(url=gitlab.url, access_token=MANAGER, runner_token=created["token"])  # warning path
    run(url=gitlab.url, runner_token=created["token"])  # 403 failure
    run(url=gitlab.url, access_token=UNKNOWN_ACCESS)  # 401
    run(url=gitlab.url, access_token=READER)  # 403 scope
    run(url=gitlab.url, registration_token=REGISTRATION)  # 410
    run(url=gitlab.url, registration_token="GR1348941wrongwrongwrong")  # 403
    run(url=gitlab.url, access_token=MANAGER, runner_type="group_type", group_id=99)  # 400
    gitlab.add_fault(status=500, body={"message": "boom with %s and glrt-leaked-in-body" % MANAGER}, times=2)
    run(url=gitlab.url, access_token=MANAGER, retries=1)  # 5xx, the body echoes a token
    run(url="http://127.0.0.1:%d" % _free_port(), access_token=MANAGER, retries=0)
    run(url=gitlab.url, state="absent", access_token=MANAGER, runner_id=created["runner_id"], check_mode=True)

    issued = [result.pop("token") for result in run.outputs if "token" in result]
    assert issued and all(token.startswith("glrt-") for token in issued)
    text = json.dumps(run.outputs)
    assert not find_tokens(text), find_tokens(text)
    for secret in SECRETS + tuple(issued):
        assert secret not in text
    assert text.count("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER") >= len(run.outputs)
    assert sum(result["rc"] for result in run.outputs) == 8


# -- pending credentials: a play that dies between registration and config.toml -----

def _pending(tmp_path, name="ci"):
    return str(tmp_path / "gitlab-runner" / ".runner_pending" / ("%s.json" % name))


def _record(path):
    with open(path) as handle:
        return json.load(handle)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _warnings(result):
    """The text of each module warning (ansible-core returns them as warning summaries)."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning
            for warning in result.get("warnings", [])]


def test_new_token_is_kept_in_pending_path_before_return(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    result = run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    assert (result["rc"], result["created"], result["pending_path"]) == (0, True, pending)
    assert "recovered" not in result
    record = _record(pending)  # on disk by the time the module returned
    assert {key: record[key] for key in ("url", "id", "token", "token_obtained_at", "token_expires_at")} == {
        "url": gitlab.url, "id": result["runner_id"], "token": result["token"],
        "token_obtained_at": result["token_obtained_at"], "token_expires_at": result["token_expires_at"]}
    assert (_mode(pending), _mode(os.path.dirname(pending))) == (0o600, 0o700)
    assert os.listdir(os.path.dirname(pending)) == ["ci.json"]  # no temporary file left


def test_rerun_after_a_crash_reuses_the_pending_runner(gitlab, run, tmp_path):
    options = dict(url=gitlab.url, access_token=CREATOR, pending_path=_pending(tmp_path), description="ci")
    first = run(**options)
    # The play died before config.toml was written: the next run has no runner_token for this runner.
    again = run(**options)
    assert again["rc"] == 0
    assert (again["changed"], again["created"], again["recovered"]) == (False, False, True)
    assert (again["runner_id"], again["token"]) == (first["runner_id"], first["token"])
    assert again["token_obtained_at"] == first["token_obtained_at"]
    assert "reused runner %d, registered by an earlier run that did not write config.toml" % first["runner_id"] \
        in _warnings(again)[0]
    assert len(gitlab.state()["runners"]) == 1
    assert gitlab.calls() == {CREATE: 1, VERIFY: 1, GET_BY_ID: 1}
    assert _record(options["pending_path"])["token"] == first["token"]  # runner_config removes it, not this


def test_pending_token_rejected_is_replaced_by_a_new_runner(gitlab, run, tmp_path):
    options = dict(url=gitlab.url, access_token=CREATOR, pending_path=_pending(tmp_path))
    first = run(**options)
    gitlab.delete_runner(first["runner_id"])
    again = run(**options)
    assert (again["rc"], again["changed"], again["created"]) == (0, True, True)
    assert "recovered" not in again and again["token"] != first["token"]
    assert _record(options["pending_path"])["token"] == again["token"]
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [again["runner_id"]]


def test_rejected_runner_token_then_valid_pending_token_reuses(gitlab, run, tmp_path):
    """config.toml still holds the token of a runner deleted at GitLab; the replacement's token is pending."""
    pending = _pending(tmp_path)
    old = run(url=gitlab.url, access_token=CREATOR)
    gitlab.delete_runner(old["runner_id"])
    replacement = run(url=gitlab.url, access_token=CREATOR, runner_token=old["token"], pending_path=pending)
    again = run(url=gitlab.url, access_token=CREATOR, runner_token=old["token"], pending_path=pending)
    assert (again["changed"], again["recovered"], again["token"]) == (False, True, replacement["token"])
    assert _warnings(again)[0].startswith("runner_token was rejected (403) by %s" % gitlab.url)
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [replacement["runner_id"]]
    assert gitlab.calls()[CREATE] == 2  # the old runner's and its replacement, no third


def test_valid_runner_token_deletes_a_superseded_pending_runner(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    kept = run(url=gitlab.url, access_token=CREATOR)
    orphan = run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    result = run(url=gitlab.url, access_token=CREATOR, runner_token=kept["token"], pending_path=pending)
    expected = (0, True, False, kept["runner_id"])
    assert (result["rc"], result["changed"], result["created"], result["runner_id"]) == expected
    assert "token" not in result
    assert "held the token of runner %d" % orphan["runner_id"] in _warnings(result)[0]
    assert "deleted at GitLab" in _warnings(result)[0]
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [kept["runner_id"]]
    assert not os.path.exists(pending)
    again = run(url=gitlab.url, access_token=CREATOR, runner_token=kept["token"], pending_path=pending)
    assert (again["changed"], _warnings(again)) == (False, [])


def test_pending_token_of_the_same_runner_rotated_since_only_goes_away(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    created = run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    rotated = gitlab.rotate_token(created["runner_id"])  # the service rotated it after config.toml got it
    result = run(url=gitlab.url, access_token=CREATOR, runner_token=rotated, pending_path=pending)
    assert (result["changed"], result["runner_id"]) == (True, created["runner_id"])
    assert "same runner" in _warnings(result)[0]
    assert not os.path.exists(pending)
    assert DELETE_BY_TOKEN not in gitlab.calls()
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [created["runner_id"]]


def test_absent_deletes_the_pending_runner_too(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    live = run(url=gitlab.url, access_token=CREATOR)
    run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    result = run(url=gitlab.url, state="absent", runner_token=live["token"], pending_path=pending)
    assert (result["rc"], result["changed"], result["deleted"]) == (0, True, True)
    assert gitlab.state()["runners"] == []
    assert not os.path.exists(pending)


def test_absent_with_nothing_on_the_host_changes_nothing(gitlab, run, tmp_path):
    other = run(url=gitlab.url, access_token=CREATOR)
    config = tmp_path / "config.toml"
    config.write_text('concurrent = 1\n')
    result = run(url=gitlab.url, state="absent", access_token=MANAGER, config_path=str(config), name="gone",
                 pending_path=_pending(tmp_path))
    assert (result["rc"], result["changed"], result["deleted"], result["runner_id"]) == (0, False, False, None)
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [other["runner_id"]]
    assert DELETE_BY_TOKEN not in gitlab.calls()


def test_absent_without_a_token_deletes_the_runner_of_a_run_that_died(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    run(url=gitlab.url, access_token=CREATOR, pending_path=pending)  # config.toml never got this token
    result = run(url=gitlab.url, state="absent", pending_path=pending)
    assert (result["rc"], result["changed"]) == (0, True)
    assert gitlab.state()["runners"] == []
    assert not os.path.exists(pending)


def test_check_mode_reads_the_pending_file_and_writes_nothing(gitlab, run, tmp_path):
    pending = _pending(tmp_path)
    new = run(check_mode=True, url=gitlab.url, access_token=CREATOR, pending_path=pending)
    assert (new["changed"], new["created"]) == (True, True)
    assert not os.path.exists(os.path.dirname(pending))

    created = run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    before = gitlab.state()
    with open(pending, "rb") as handle:
        kept = handle.read()
    reuse = run(check_mode=True, url=gitlab.url, access_token=CREATOR, pending_path=pending)
    assert (reuse["changed"], reuse["recovered"], reuse["runner_id"]) == (False, True, created["runner_id"])
    assert "token" not in reuse and "would reuse" in _warnings(reuse)[0]
    other = run(url=gitlab.url, access_token=CREATOR)
    drop = run(check_mode=True, url=gitlab.url, access_token=CREATOR, runner_token=other["token"],
               pending_path=pending)
    assert drop["changed"] is True and "would be deleted at GitLab" in _warnings(drop)[0]
    with open(pending, "rb") as handle:
        assert handle.read() == kept
    after = gitlab.state()
    assert len(after["runners"]) == len(before["runners"]) + 1  # only the one created outside check mode
    assert after["calls"][CREATE] == before["calls"][CREATE] + 1


def test_pending_file_that_cannot_be_written_deletes_the_new_runner(gitlab, run, tmp_path, monkeypatch):
    def _disk_full(path, record):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pending_credentials, "write", _disk_full)
    result = run(url=gitlab.url, access_token=CREATOR, pending_path=_pending(tmp_path))
    assert result["rc"] == 1
    assert result["msg"] == (
        "cannot keep the new runner token in pending_path %s (No space left on device), so a play that dies "
        "before config.toml is written would lose it; the new runner 1 was deleted again at GitLab. Free space "
        "or fix the path, then run again" % _pending(tmp_path))
    assert gitlab.state()["runners"] == []
    assert gitlab.calls() == {CREATE: 1, DELETE_BY_TOKEN: 1}


@pytest.mark.parametrize("content, warning", [
    (b"{not json", "is not a pending credentials file (JSON with a token): it is ignored"),
    (b'{"token": ""}', "is not a pending credentials file (JSON with a token): it is ignored"),
    (b'{"url": "https://other.example.com", "id": 9, "token": "glrt-from-another-gitlab"}',
     "holds the token of runner 9 at https://other.example.com, not at http://127.0.0.1:"),
])
def test_unusable_pending_file_is_ignored_and_replaced(gitlab, run, tmp_path, content, warning):
    pending = _pending(tmp_path)
    os.makedirs(os.path.dirname(pending), mode=0o700)
    with open(pending, "wb") as handle:
        handle.write(content)
    result = run(url=gitlab.url, access_token=CREATOR, pending_path=pending)
    assert (result["rc"], result["created"]) == (0, True)
    assert warning in _warnings(result)[0]
    assert gitlab.calls() == {CREATE: 1}  # the other GitLab's token was never sent here
    assert _record(pending)["token"] == result["token"]
    assert not find_tokens(json.dumps(result["warnings"]))


@pytest.mark.parametrize("name, options, status", [
    ("unknown access token", dict(access_token=UNKNOWN_ACCESS), 401),
    ("access token without create_runner", dict(access_token=READER), 403),
    ("registration tokens disabled", dict(registration_token=REGISTRATION), 410),
    ("5xx until retries run out", dict(access_token=CREATOR, retries=1), 503),
])
def test_refusals_write_no_pending_file(gitlab, run, tmp_path, name, options, status):
    if status == 503:
        gitlab.add_fault(path="/api/v4/user/runners", status=503, times=2)
    result = run(url=gitlab.url, pending_path=_pending(tmp_path), **options)
    assert (result["rc"], result["status"]) == (1, status), name
    assert not os.path.exists(tmp_path / "gitlab-runner")


def test_5xx_twice_then_success_keeps_the_one_token(gitlab, run, tmp_path):
    gitlab.add_fault(path="/api/v4/user/runners", status=502, times=2)
    result = run(url=gitlab.url, access_token=CREATOR, retries=3, pending_path=_pending(tmp_path))
    assert (result["rc"], result["created"]) == (0, True)
    assert gitlab.calls() == {CREATE: 3}
    assert len(gitlab.state()["runners"]) == 1
    assert _record(_pending(tmp_path))["token"] == result["token"]


@pytest.mark.parametrize("pending_path, message", [
    ("relative/ci.json", "pending_path 'relative/ci.json' is not an absolute path"),
    ("/tmp/", "is a directory"),
])
def test_bad_pending_path_fails_before_any_request(gitlab, run, pending_path, message):
    result = run(url=gitlab.url, access_token=CREATOR, pending_path=pending_path)
    assert result["rc"] == 1
    assert message in result["msg"]
    assert gitlab.calls() == {}


def test_pending_tokens_appear_only_in_token(gitlab, run, tmp_path):
    """Every way through the pending file: no token anywhere in a result but its ``token``."""
    pending = _pending(tmp_path)
    first = run(url=gitlab.url, access_token=MANAGER, pending_path=pending)
    run(url=gitlab.url, access_token=MANAGER, pending_path=pending)  # reused
    run(check_mode=True, url=gitlab.url, access_token=MANAGER, pending_path=pending)  # would reuse
    gitlab.delete_runner(first["runner_id"])
    run(url=gitlab.url, access_token=MANAGER, runner_token=first["token"], pending_path=pending)  # replaced
    other = run(url=gitlab.url, access_token=MANAGER)
    run(url=gitlab.url, access_token=MANAGER, runner_token=other["token"], pending_path=pending)  # superseded
    run(url=gitlab.url, access_token=MANAGER, pending_path=pending)
    run(url=gitlab.url, state="absent", runner_token=other["token"], pending_path=pending)

    issued = [result.pop("token") for result in run.outputs if "token" in result]
    assert len(issued) == 5
    text = json.dumps(run.outputs)
    assert not find_tokens(text), find_tokens(text)
    for secret in SECRETS + tuple(issued):
        assert secret not in text
    assert all(result["rc"] == 0 for result in run.outputs)


# -- config_path: the token config.toml holds when the task runs, under the lock ----

def _write_config(path, url, runner_id, token):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write('[[runners]]\n  name = "ci"\n  url = "%s"\n  id = %d\n  token = "%s"\n  executor = "docker"\n'
                     % (url, runner_id, token))


def test_a_play_that_read_config_toml_before_another_registered_creates_nothing(gitlab, run, tmp_path):
    config = str(tmp_path / "gitlab-runner" / "config.toml")
    options = dict(url=gitlab.url, access_token=CREATOR, config_path=config, name="ci",
                   pending_path=_pending(tmp_path))
    first = run(**options)
    # The first play writes config.toml; the second read it before that and passes no runner_token.
    _write_config(config, gitlab.url, first["runner_id"], first["token"])
    os.unlink(options["pending_path"])
    second = run(**options)
    assert (second["rc"], second["changed"], second["created"], second["runner_id"]) == (
        0, False, False, first["runner_id"])
    assert "token" not in second
    assert gitlab.calls() == {CREATE: 1, VERIFY: 1}


def test_config_path_needs_name(gitlab, run, tmp_path):
    result = run(url=gitlab.url, access_token=CREATOR, config_path=str(tmp_path / "config.toml"))
    assert result["rc"] == 1 and result["msg"] == "parameters are required together: config_path, name"
    assert gitlab.calls() == {}


def test_a_lock_held_by_another_run_is_waited_for_then_a_clear_error(gitlab, run, tmp_path, monkeypatch):
    monkeypatch.setattr(runner_registration, "exclusive", partial(host_lock.exclusive, timeout=0.3, poll=0.1))
    holder = os.open(str(tmp_path), os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        result = run(url=gitlab.url, access_token=CREATOR, config_path=str(tmp_path / "config.toml"), name="ci")
    finally:
        os.close(holder)
    assert result["rc"] == 1
    assert result["msg"].startswith("another run has held the lock on %s for 0.3 seconds" % tmp_path)
    assert gitlab.calls() == {}


# -- runners: all the runners of a host in one call ------------------------------------------------

def _write_batch_config(path, url, results):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        for result in results:
            handle.write('[[runners]]\n  name = "%s"\n  url = "%s"\n  id = %d\n  token = "%s"\n  executor = "docker"\n'
                         % (result["name"], url, result["runner_id"], result["token"]))


def _batch(gitlab, tmp_path, names, **options):
    base = tmp_path / "gitlab-runner"
    return dict(dict(url=gitlab.url, access_token=CREATOR, config_path=str(base / "config.toml"),
                     pending_dir=str(base / ".runner_pending"), runners=[{"name": name} for name in names]),
                **options)


def test_one_call_creates_each_runner_in_order_then_only_verifies(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["a", "b", "team/c"], tag_list=["docker"])
    options["runners"][1]["tag_list"] = ["b-only"]
    first = run(**options)
    assert (first["rc"], first["changed"]) == (0, True)
    assert [result["name"] for result in first["runners"]] == ["a", "b", "team/c"]
    assert all(result["created"] and result["token"].startswith("glrt-") for result in first["runners"])
    ids = [result["runner_id"] for result in first["runners"]]
    assert ids == sorted(ids)  # created one at a time, in the order given
    assert [runner["tag_list"] for runner in gitlab.state()["runners"]] == [["docker"], ["b-only"], ["docker"]]
    assert sorted(os.listdir(options["pending_dir"])) == ["a.json", "b.json", "team%2Fc.json"]
    assert _record(os.path.join(options["pending_dir"], "team%2Fc.json"))["token"] == first["runners"][2]["token"]
    assert gitlab.calls() == {CREATE: 3}

    # runner_config writes config.toml and removes the pending files; the rerun reads config.toml once.
    _write_batch_config(options["config_path"], gitlab.url, first["runners"])
    shutil.rmtree(options["pending_dir"])
    again = run(**options)
    assert (again["rc"], again["changed"]) == (0, False)
    assert [(result["name"], result["runner_id"], result["created"]) for result in again["runners"]] == [
        (name, runner_id, False) for name, runner_id in zip(["a", "b", "team/c"], ids)]
    assert not any("token" in result for result in again["runners"])
    assert gitlab.calls() == {CREATE: 3, VERIFY: 3, GET_BY_ID: 3}


def test_one_call_mixes_present_and_absent(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["keep", "old"])
    first = run(**options)
    _write_batch_config(options["config_path"], gitlab.url, first["runners"])
    shutil.rmtree(options["pending_dir"])
    options["runners"][1]["state"] = "absent"
    checked = run(check_mode=True, **options)
    assert [(result["name"], result["changed"], result["deleted"]) for result in checked["runners"]] == [
        ("keep", False, False), ("old", True, True)]
    assert len(gitlab.state()["runners"]) == 2
    removed = run(**options)
    assert [(result["name"], result["deleted"]) for result in removed["runners"]] == [("keep", False), ("old", True)]
    assert [runner["id"] for runner in gitlab.state()["runners"]] == [first["runners"][0]["runner_id"]]


def test_a_bad_item_fails_the_call_before_any_request(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["a", "b"])
    options["runners"][1].update(runner_type="group_type", group_id=0)
    result = run(**options)
    assert result["rc"] == 1
    assert result["msg"].startswith('runner "b": ') and result["runner"] == "b"
    assert gitlab.calls() == {} and not os.path.exists(options["pending_dir"])


def test_a_refusal_names_its_runner_and_tries_nothing_after_it(gitlab, run, tmp_path):
    gitlab.add_fault(path="/api/v4/user/runners", status=403)
    options = _batch(gitlab, tmp_path, ["a", "b"])
    result = run(**options)
    assert (result["rc"], result["runner"], result["status"]) == (1, "a", 403)
    assert result["msg"] == 'runner "a": ' + result["error"]
    assert gitlab.calls() == {CREATE: 1} and not gitlab.state()["runners"]
    assert not os.path.exists(options["pending_dir"])


def test_a_failure_after_a_creation_keeps_the_new_token_for_the_next_run(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["a", "b"], retries=0)
    first = run(**dict(options, runners=[{"name": "a"}]))
    assert first["rc"] == 0
    gitlab.add_fault(path="/api/v4/user/runners", status=503, times=1)
    second = run(**options)
    assert (second["rc"], second["runner"]) == (1, "b")
    # a's token waits in its pending file (the next run reuses that runner); b created nothing.
    assert os.listdir(options["pending_dir"]) == ["a.json"]
    assert _record(os.path.join(options["pending_dir"], "a.json"))["token"] == first["runners"][0]["token"]
    assert len(gitlab.state()["runners"]) == 1
    third = run(**options)
    assert [(result["name"], result["created"], result.get("recovered")) for result in third["runners"]] == [
        ("a", False, True), ("b", True, None)]
    assert len(gitlab.state()["runners"]) == 2


def test_items_take_the_modules_options_and_may_set_their_own_url(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["a"])
    del options["url"]
    missing = run(**options)
    assert missing["rc"] == 1 and missing["msg"] == 'runner "a": give url, for this item or for the module'
    options["runners"][0]["url"] = gitlab.url + "/"
    assert run(**options)["runners"][0]["created"]


@pytest.mark.parametrize("extra", [dict(name="a"), dict(runner_token="glrt-x" * 4), dict(runner_id=3),
                                   dict(pending_path="/tmp/x.json")])
def test_options_of_one_runner_do_not_go_with_runners(gitlab, run, tmp_path, extra):
    result = run(**_batch(gitlab, tmp_path, ["a"], **extra))
    assert result["rc"] == 1 and "mutually exclusive: runners|%s" % next(iter(extra)) in result["msg"]
    assert gitlab.calls() == {}


def test_pending_dir_is_for_runners(gitlab, run, tmp_path):
    result = run(url=gitlab.url, access_token=CREATOR, pending_dir=str(tmp_path))
    assert result["rc"] == 1 and result["msg"] == "pending_dir is for runners; give pending_path for one runner"
    assert gitlab.calls() == {}


# -- attributes follow the options ----------------------------------------------

UPDATE = "PUT /api/v4/runners/:id"


def _attribute_options(gitlab, tmp_path, access_token, **attributes):
    config = str(tmp_path / "gitlab-runner" / "config.toml")
    return dict(url=gitlab.url, access_token=access_token, config_path=config, name="ci",
                pending_path=_pending(tmp_path), **attributes)


def _created(gitlab, run, tmp_path, access_token, **attributes):
    """A runner created with ``attributes`` whose token config.toml holds, as the role leaves it."""
    options = _attribute_options(gitlab, tmp_path, access_token, **attributes)
    first = run(**options)
    assert first["created"]
    _write_config(options["config_path"], gitlab.url, first["runner_id"], first["token"])
    os.unlink(options["pending_path"])
    return first["runner_id"], options


def _at_gitlab(gitlab, runner_id):
    return next(runner for runner in gitlab.state()["runners"] if runner["id"] == runner_id)


def test_changed_attributes_are_updated_at_gitlab_without_registering_again(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["docker"],
                                  run_untagged=True, maximum_timeout=3600)
    options.update(tag_list=["docker", "linux"], run_untagged=False, maximum_timeout=7200, locked=True,
                   access_level="ref_protected", maintenance_note="moved to rack 4")
    changed = run(**options)
    assert (changed["rc"], changed["changed"], changed["created"], changed["runner_id"]) == (0, True, False, runner_id)
    assert changed["attributes_changed"] == {
        "tag_list": {"before": ["docker"], "after": ["docker", "linux"]},
        "run_untagged": {"before": True, "after": False},
        "maximum_timeout": {"before": 3600, "after": 7200},
        "locked": {"before": False, "after": True},
        "access_level": {"before": "not_protected", "after": "ref_protected"},
        "maintenance_note": {"before": "", "after": "moved to rack 4"},
    }
    runner = _at_gitlab(gitlab, runner_id)
    assert (sorted(runner["tag_list"]), runner["run_untagged"], runner["maximum_timeout"], runner["locked"],
            runner["access_level"], runner["maintenance_note"]) == (
        ["docker", "linux"], False, 7200, True, "ref_protected", "moved to rack 4")
    again = run(**options)
    assert (again["changed"], again["attributes_changed"], _warnings(again)) == (False, {}, [])
    calls = gitlab.calls()
    assert (calls[CREATE], calls[UPDATE], calls.get(REGISTER)) == (1, 1, None)
    assert calls[GET_BY_ID] == 2


def test_tags_compare_as_a_set_and_an_attribute_left_out_stays_as_gitlab_has_it(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["b", "a"])
    gitlab.edit_runner(runner_id, paused=True)  # paused in GitLab's UI: no option says otherwise
    options["tag_list"] = [" a", "b "]
    again = run(**options)
    assert (again["changed"], again["attributes_changed"]) == (False, {})
    assert _at_gitlab(gitlab, runner_id)["paused"] is True
    assert UPDATE not in gitlab.calls()


def test_a_change_made_at_gitlab_is_set_back(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["docker"],
                                  paused=False)
    gitlab.edit_runner(runner_id, tag_list=["gpu"], description="renamed by hand", paused=True)
    again = run(**options)
    assert again["changed"] and set(again["attributes_changed"]) == {"tag_list", "description", "paused"}
    runner = _at_gitlab(gitlab, runner_id)
    assert (runner["tag_list"], runner["description"], runner["paused"]) == (["docker"], "ci", False)


def test_check_mode_reports_the_change_and_sends_only_reads(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["docker"])
    options["tag_list"] = ["linux"]
    options["_ansible_diff"] = True
    checked = run(check_mode=True, **options)
    assert (checked["rc"], checked["changed"]) == (0, True)
    assert checked["attributes_changed"] == {"tag_list": {"before": ["docker"], "after": ["linux"]}}
    assert checked["diff"] == {"before_header": "ci at GitLab", "after_header": "ci as asked",
                               "before": "tag_list: [docker]\n", "after": "tag_list: [linux]\n"}
    assert _at_gitlab(gitlab, runner_id)["tag_list"] == ["docker"]
    assert UPDATE not in gitlab.calls()


def test_batch_diff_lists_each_changed_runner(gitlab, run, tmp_path):
    config = str(tmp_path / "gitlab-runner" / "config.toml")
    common = dict(url=gitlab.url, access_token=MANAGER, config_path=config,
                  pending_dir=str(tmp_path / "gitlab-runner" / ".runner_pending"))
    first = run(runners=[{"name": "a", "tag_list": ["x"]}, {"name": "b", "tag_list": ["y"]}], **common)
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as handle:
        for result in first["runners"]:
            handle.write('[[runners]]\n  name = "%s"\n  url = "%s"\n  id = %d\n  token = "%s"\n  executor = "docker"\n'
                         % (result["name"], gitlab.url, result["runner_id"], result["token"]))
    again = run(runners=[{"name": "a", "tag_list": ["x"]}, {"name": "b", "tag_list": ["z"]}], _ansible_diff=True,
                **common)
    assert again["changed"] and [result["changed"] for result in again["runners"]] == [False, True]
    assert again["diff"] == [{"before_header": "b at GitLab", "after_header": "b as asked",
                              "before": "tag_list: [y]\n", "after": "tag_list: [z]\n"}]
    assert gitlab.calls()[UPDATE] == 1


def test_without_manage_runner_a_change_is_reported_and_gitlab_left_alone(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, CREATOR, description="ci", tag_list=["docker"])
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    assert _record(record_file)["runners"]["ci"]["attributes"]["tag_list"] == ["docker"]
    assert _mode(record_file) == 0o600
    unchanged = run(**options)
    assert (unchanged["changed"], _warnings(unchanged)) == (False, [])
    options["tag_list"] = ["docker", "linux"]
    changed = run(**options)
    assert (changed["rc"], changed["changed"], changed["created"]) == (0, False, False)
    warnings = _warnings(changed)
    assert len(warnings) == 1
    assert "tag_list [docker] -> [docker, linux]" in warnings[0]
    assert "answered 403 Forbidden to GET /api/v4/runners/%d" % runner_id in warnings[0]
    assert "manage_runner scope" in warnings[0] and "never registered again" in warnings[0]
    assert not any(secret in warnings[0] for secret in SECRETS)
    assert _at_gitlab(gitlab, runner_id)["tag_list"] == ["docker"]
    calls = gitlab.calls()
    assert (calls[CREATE], calls.get(UPDATE)) == (1, None)


def test_a_token_that_reads_but_may_not_update_warns(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, CREATOR, description="ci", tag_list=["docker"])
    options.update(access_token=READER, tag_list=["gpu"])
    result = run(**options)
    assert (result["rc"], result["changed"]) == (0, False)
    assert "answered 403 Forbidden to PUT /api/v4/runners/%d" % runner_id in _warnings(result)[0]
    assert _at_gitlab(gitlab, runner_id)["tag_list"] == ["docker"]


def test_a_runner_without_a_record_is_recorded_once_with_a_warning(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, CREATOR, description="ci", tag_list=["docker"])
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    with open(record_file, "w") as handle:
        handle.write("not json")  # damaged (or made before attributes were followed): never trusted
    first = run(**options)
    assert "this host has no record of them: the ones asked are recorded" in _warnings(first)[0]
    assert _record(record_file)["runners"]["ci"]["confirmed"] is False
    assert _warnings(run(**options)) == []


def test_attributes_of_a_runner_deleted_are_forgotten(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci")
    removed = run(**dict(options, state="absent"))
    assert removed["deleted"]
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    assert "ci" not in _record(record_file)["runners"]


def test_check_mode_without_a_record_writes_none(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, CREATOR, description="ci")
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    os.unlink(record_file)
    checked = run(check_mode=True, **options)
    assert "the ones asked would be recorded" in _warnings(checked)[0]
    assert not os.path.exists(record_file)


@pytest.mark.parametrize("fault, failed", [
    ({"status": 403}, False),  # refused: a warning, the task goes on
    ({"status": 401}, False),
    ({"status": 500}, True),  # failed after the retries
    ({"delay": 0.6}, True),  # no answer in time: GitLab may have made the change, it did not confirm it
])
def test_a_change_gitlab_did_not_confirm_leaves_the_record_as_it_was(gitlab, run, tmp_path, fault, failed):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["docker"])
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    with open(record_file, "rb") as handle:
        before = handle.read()
    assert json.loads(before)["runners"]["ci"]["attributes"]["tag_list"] == ["docker"]
    gitlab.add_fault(path="/api/v4/runners/:id", method="PUT", times=1, **fault)
    result = run(**dict(options, tag_list=["linux"], retries=0, api_timeout=0.3))
    assert (result["rc"], result.get("failed", False)) == ((1, True) if failed else (0, False))
    assert gitlab.calls()[UPDATE] == 1
    with open(record_file, "rb") as handle:
        assert handle.read() == before


def test_a_confirmed_change_is_recorded_as_gitlab_answered(gitlab, run, tmp_path):
    runner_id, options = _created(gitlab, run, tmp_path, MANAGER, description="ci", tag_list=["docker"])
    record_file = os.path.join(os.path.dirname(options["config_path"]), ".runner_attributes.json")
    result = run(**dict(options, tag_list=["linux", "gpu"], description="ci two"))
    assert result["changed"] and result["rc"] == 0
    entry = _record(record_file)["runners"]["ci"]
    assert (sorted(entry["attributes"]["tag_list"]), entry["attributes"]["description"], entry["confirmed"]) == (
        sorted(_at_gitlab(gitlab, runner_id)["tag_list"]), "ci two", True)


@pytest.mark.parametrize("name", ["timeout", "api_timeout"])
def test_the_api_timeout_keeps_its_old_name(gitlab, run, name):
    gitlab.add_fault(path="/api/v4/runners/verify", delay=1, times=1)
    result = run(url=gitlab.url, runner_token="glrt-whatever-token", retries=0, **{name: 0.3})
    assert result["rc"] == 1 and "timed out after 0.3s" in result["msg"]


# -- the host's system id ------------------------------------------------------------

def test_system_id_path_is_made_once_as_the_runner_makes_it_and_sent(gitlab, run, tmp_path):
    options = _batch(gitlab, tmp_path, ["a", "b"])
    os.makedirs(os.path.dirname(options["config_path"]))
    path = os.path.join(os.path.dirname(options["config_path"]), system_id.FILE_NAME)
    first = run(system_id_path=path, **options)
    assert (first["rc"], first["changed"], first["system_id"]) == (0, True, system_id.make())
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == first["system_id"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    _write_batch_config(options["config_path"], gitlab.url, first["runners"])
    again = run(system_id_path=path, **options)
    assert (again["rc"], again["changed"], again["system_id"]) == (0, False, first["system_id"])
    assert [runner["system_ids"] for runner in gitlab.state()["runners"]] == [[first["system_id"]]] * 2


def test_system_id_path_keeps_the_id_the_runner_wrote(gitlab, run, tmp_path):
    path = tmp_path / system_id.FILE_NAME
    path.write_text("r_AbCdEf012345")
    created = run(url=gitlab.url, access_token=CREATOR, system_id_path=str(path))
    verified = run(url=gitlab.url, runner_token=created["token"], system_id_path=str(path))
    assert [(result["rc"], result["changed"], result["system_id"]) for result in (created, verified)] == [
        (0, True, "r_AbCdEf012345"), (0, False, "r_AbCdEf012345")]
    assert gitlab.state()["runners"][0]["system_ids"] == ["r_AbCdEf012345"]  # sent with the verification
    assert path.read_text() == "r_AbCdEf012345"


def test_system_id_path_in_check_mode_writes_nothing(gitlab, run, tmp_path):
    path = tmp_path / system_id.FILE_NAME
    result = run(check_mode=True, url=gitlab.url, access_token=CREATOR, system_id_path=str(path))
    assert (result["rc"], result["changed"], result["system_id"]) == (0, True, system_id.make())
    assert not path.exists()


@pytest.mark.parametrize("options, message", [
    (dict(system_id="s_0123456789ab", system_id_path="/tmp/.runner_system_id"),
     "parameters are mutually exclusive: system_id|system_id_path"),
    (dict(system_id_path="/nonexistent/dir/.runner_system_id"),
     "system_id_path /nonexistent/dir/.runner_system_id cannot be read or written"),
])
def test_bad_system_id_path_fails_before_any_request(gitlab, run, options, message):
    result = run(url=gitlab.url, access_token=CREATOR, **options)
    assert result["rc"] == 1
    assert message in result["msg"]
    assert gitlab.calls() == {}
