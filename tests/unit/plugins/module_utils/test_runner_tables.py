# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitLab Runner's own unit-test tables, run against the rules this collection re-implements.

At test time ``runner-source tables`` (tools/runner-source) reads the table-driven tests of the
runner's Go module (downloaded by tests/runner_module.py; nothing of it is committed) and gives
each row as JSON; this collection's rule runs on every row:

- volume specs: the docker executor's Linux volume parser
  (executors/docker/internal/volumes/parser/linux_parser_test.go) against docker_volume.parse_runner_volume;
- service names: the aliases the runner derives from a service image
  (helpers/container/services/test/test.go, the table of services_test.go) against docker_executor.derived_aliases;
- registry credentials (helpers/docker/auth/auth_test.go): normalizeImageRef, convertToRegistryPath
  and ConfigForImage against docker_auth;
- job environments: ``NAME=value`` parsing (common/config_test.go parseVariable and the service
  environment of ToImageDefinition) against docker_modes.parse_environment;
- pull policies (common/config_test.go GetPullPolicies) against docker_executor.pull_policies (ci_job's),
  ComputeEffectivePullPolicies (helpers/pull_policies) against docker_executor.effective_pull_policies, and
  the TOML type of a string-or-array key (StringOrArray) against config_toml_findings;
- privileged services (executors/docker/services_test.go: privileged, services_privileged and
  allowed_privileged_services) and the privileged job (executors/docker/docker_test.go: privileged and
  allowed_privileged_images) against a ci_job plan;
- allow-lists (executors/docker/docker_test.go testAllowedImages: VerifyAllowedImage and
  isInAllowedPrivilegedImages) against a ci_job plan's allowed_images and allowed_privileged_images, and
  the runner's and the job's services (executors/docker/services_test.go TestGetServiceDefinitions:
  allowed_services, services_limit) against a ci_job plan;
- the job network (executors/docker/internal/networks/manager_test.go: FF_NETWORK_PER_BUILD,
  network_mode, network_mtu) against a ci_job plan.

Each row agrees, or is in KNOWN_DISAGREEMENTS with the reason: a rule this collection takes from the
Docker engine where the runner's parser is looser (the engine refuses those mounts after the runner
accepted them), or what ci_job does not reproduce ("ci_job: ..."). Each listed row must still
disagree, so the list cannot go stale. The number of rows checked per table is shown in the
terminal summary.
"""

from __future__ import annotations

import base64
import json
import tomllib

import pytest
import runner_module

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import (
    config_toml_findings,
    docker_auth,
    docker_executor,
    docker_job,
    docker_modes,
    docker_volume,
)

VOLUMES = "executors/docker/internal/volumes/parser/linux_parser_test.go"
SERVICES_DATA = "helpers/container/services/test/test.go"
AUTH = "helpers/docker/auth/auth_test.go"
CONFIG = "common/config_test.go"
DOCKER_SERVICES = "executors/docker/services_test.go"
DOCKER = "executors/docker/docker_test.go"
NETWORKS = "executors/docker/internal/networks/manager_test.go"
PULL_POLICIES = "helpers/pull_policies/pull_policies_test.go"
FILES = (VOLUMES, SERVICES_DATA, AUTH, CONFIG, DOCKER_SERVICES, DOCKER, NETWORKS, PULL_POLICIES)

_DOCKER_REFUSES = (
    "the Docker engine refuses it (moby volume/mounts/linux_parser.go), which docker_volume follows: the runner's "
    "parser accepts it, then dockerd fails the job's container create; "
)
_OVERLAY = _DOCKER_REFUSES + "'O' (overlay) is a Podman mount option Docker does not know"
# "<file>#<test function>#<table variable>#<row key>" -> why this collection disagrees with the runner's row.
KNOWN_DISAGREEMENTS = {
    VOLUMES + "#TestLinuxParser_ParseVolume#testCases#overlay mount": _OVERLAY,
    VOLUMES + "#TestLinuxParser_ParseVolume#testCases#overlay mount with SELinux label shared among multiple "
              "containers": _OVERLAY,
    VOLUMES + "#TestLinuxParser_ParseVolume#testCases#overlay mount with SELinux label private": _OVERLAY,
}


def _row_id(file, function, var, key):
    return "%s#%s#%s#%s" % (file, function, var, key)


class Table(object):
    """One of the runner's tables and the rule that checks its rows: ``check(row, data)`` returns None or a reason."""

    def __init__(self, name, file, function, var, check, applies=None):
        self.name, self.file, self.function, self.var = name, file, function, var
        self.check, self.applies = check, applies


def _table(data, file, function, var):
    for table in data["files"][file]["tables"]:
        if table["func"] == function and table["var"] == var:
            return table
    pytest.fail("%s has no table %s in %s any more: the runner's test changed; update TABLES" % (file, var, function))
    return None


def _calls(data, file, function):
    calls = [call for call in data["files"][file]["calls"] if call["func"] == function]
    if not calls:
        pytest.fail("%s has no function %s any more: the runner's test changed; update TABLES" % (file, function))
    return calls


# --- volume specs -------------------------------------------------------------------------------------------


def _check_volume(row, _data):
    value = row["value"]
    spec = value["volumeSpec"]
    expected = value.get("expectedParts")
    try:
        volume = docker_volume.parse_runner_volume(spec)
    except docker_volume.VolumeSpecError as error:
        if expected is None:
            return None
        return "the runner accepts %r as %s; docker_volume refuses it: %s" % (spec, expected, error)
    if expected is None:
        return "the runner refuses %r; docker_volume accepts it as %s" % (spec, volume)
    runner_options = set(expected.get(part) for part in ("Mode", "Label", "BindPropagation")) - {None, ""}
    ours = {"Source": volume["source"], "Destination": volume["target"],
            "options": set(volume["options"] + volume["dropped"])}
    theirs = {"Source": expected.get("Source", ""), "Destination": expected["Destination"], "options": runner_options}
    if ours != theirs:
        return "the runner reads %r as %s; docker_volume as %s" % (spec, theirs, ours)
    return None


# --- service names ----------------------------------------------------------------------------------------


def _check_service(row, _data):
    value = row["value"]
    expected = [value["Alias"]] + ([value["Alternative"]] if value["Alternative"] else [])
    ours = docker_executor.derived_aliases(value["Description"])
    if ours != expected:
        return "the runner names the service %r %s; docker_executor.derived_aliases gives %s" % (
            value["Description"], expected, ours)
    return None


# --- registry credentials -------------------------------------------------------------------------------------


def _check_normalize(row, _data):
    ours = docker_auth.normalize_image_ref(row["key"])
    return None if ours == row["value"] else "the runner: %r, docker_auth: %r" % (row["value"], ours)


def _check_registry_path(row, _data):
    ours = docker_auth.registry_path(row["key"])
    return None if ours == row["value"] else "the runner: %r, docker_auth: %r" % (row["value"], ours)


_JOB_PAYLOAD = "job payload (GitLab Registry)"


def _check_config_for_image(row, data):
    config = _table(data, AUTH, "TestCredsForImagesWithDifferentPaths", "testDockerAuthConfigs")
    auths = {}
    for entry in config["rows"]:
        registry = entry["value"]
        token = "%s:%s" % (registry["user"], registry["pass"])
        auths[registry["registry"]] = {"auth": base64.b64encode(token.encode()).decode()}
    # The runner reads DOCKER_AUTH_CONFIG (sorted by server address), then the job's registry credentials.
    pairs = [(server, auths[server]) for server in sorted(auths)]
    job = [(cred["URL"], {"username": cred["Username"], "password": cred["Password"]})
           for cred in row["value"].get("jobCreds") or [] if cred.get("Type") == "registry"]
    found = docker_auth.config_for_image(row["key"], pairs + job)
    value = row["value"]
    if value.get("expectNoResult"):
        return None if found is None else "the runner finds no credentials; docker_auth finds %s's" % found["path"]
    if found is None:
        return "the runner uses %s's credentials; docker_auth finds none" % value["expectedUsername"]
    source = _JOB_PAYLOAD if (found["server_address"], {"username": found["username"], "password": found[
        "password"]}) in job else "$DOCKER_AUTH_CONFIG"
    ours = (found["username"], found["password"], source)
    theirs = (value["expectedUsername"], value["expectedPassword"], value["expectedSource"])
    return None if ours == theirs else "the runner uses %s; docker_auth %s" % (theirs, ours)


# --- job environments -----------------------------------------------------------------------------------------


def _parse_variable_rows(data):
    rows = []
    for function, must_fail in (("TestParseVariable", False), ("TestInvalidParseVariable", True)):
        calls = _calls(data, CONFIG, function)
        equal = [call["args"][1] for call in calls if call["callee"] == "assert.Equal"]
        for call in calls:
            if call["callee"] == "parseVariable":
                rows.append({"key": "%s(%s)" % (function, json.dumps(call["args"][0])),
                             "value": {"text": call["args"][0], "error": must_fail,
                                       "expected": equal[0] if equal else None}})
    return rows


def _check_parse_variable(row, _data):
    value = row["value"]
    try:
        ours = docker_modes.parse_environment([value["text"]])
    except ValueError as error:
        return None if value["error"] else "the runner reads %r; parse_environment refuses it: %s" % (
            value["text"], error)
    if value["error"]:
        return "the runner refuses %r; parse_environment reads %s" % (value["text"], ours)
    theirs = {value["expected"]["Key"]: value["expected"]["Value"]}
    return None if ours == theirs else "the runner: %s, parse_environment: %s" % (theirs, ours)


def _has_environment(row):
    return bool(row["value"]["service"].get("Environment"))


def _check_service_environment(row, _data):
    value = row["value"]
    theirs = dict((variable["Key"], variable["Value"]) for variable in value["expectedImage"].get("Variables") or [])
    ours = docker_modes.parse_environment(value["service"]["Environment"])
    return None if ours == theirs else "the runner: %s, parse_environment: %s" % (theirs, ours)


# --- pull policies and string-or-array ------------------------------------------------------------------------


def _check_pull_policies(row, _data):
    value = row["value"]
    policies = (value.get("config") or {}).get("PullPolicy")
    try:
        ours = docker_executor.pull_policies({"pull_policy": policies})
    except ValueError as error:
        return None if value.get("expectedErr") else "the runner takes %r; ci_job refuses it: %s" % (policies, error)
    if value.get("expectedErr"):
        return "the runner refuses pull_policy %r; ci_job takes %s" % (policies, ours)
    theirs = value.get("expectedPullPolicies")
    return None if ours == theirs else "the runner: %s, ci_job: %s" % (theirs, ours)


def _check_string_or_array(row, _data):
    value = row["value"]
    document = tomllib.loads(value["toml"])
    runner = {"name": "r", "url": "https://gitlab.example.com", "token": "x", "executor": "docker",
              "docker": {"image": "alpine:3.20"}}
    if "string_or_array" in document:
        runner["docker"]["pull_policy"] = document["string_or_array"]
    wrong_type = [finding for finding in config_toml_findings.check_data({"runners": [runner]})
                  if finding["code"] == "wrong-type"]
    if bool(wrong_type) != bool(value.get("expectedErr")):
        return "the runner %s %r; config_toml_findings %s" % (
            "refuses" if value.get("expectedErr") else "decodes", value["toml"],
            "reports %s" % wrong_type[0]["message"] if wrong_type else "reports no wrong type")
    return None


def _plan(docker, environment=None, **options):
    """A ci_job plan of one docker runner with ``docker`` as its [runners.docker]."""
    runner = {"name": "r", "url": "https://gitlab.example.com", "token": "x", "executor": "docker", "docker": docker}
    if environment:
        runner["environment"] = environment
    return docker_job.plan_job({"runners": [runner]}, script=["true"], job_id=1, marker="m", **options)


def _check_privileged_service(row, _data):
    value = row["value"]
    privileged, allowed, expected = value["privileged"], value["allowedImages"], value["expectedPrivileged"]
    # The three configurations the runner's test runs each row with.
    configurations = {
        "services_privileged unset": {"privileged": privileged},
        "privileged, services_privileged = %s" % privileged: {"privileged": True, "services_privileged": privileged},
        "not privileged, services_privileged = %s" % privileged: {
            "privileged": False, "services_privileged": privileged},
    }
    wrong = []
    for label, settings in configurations.items():
        docker = dict(settings, image="alpine:3.20", allowed_privileged_services=allowed, services=[{"name": "alpine"}])
        if _plan(docker)["services"][0]["privileged"] != expected:
            wrong.append(label)
    if wrong:
        return "the runner runs service alpine %sprivileged with allowed_privileged_services %s; ci_job does not (%s)" % (
            "" if expected else "not ", allowed, "; ".join(wrong))
    return None


def _check_privileged_job(row, _data):
    value = row["value"]
    docker = {"image": "docker:27.5.1", "privileged": value["privileged"],
              "allowed_privileged_images": value["allowedImages"]}
    # TestDockerPrivilegedJobSetting: the job's image is "alpine".
    ours = _plan(docker, image="alpine")["privileged"]
    if ours != value["expectedPrivileged"]:
        return "the runner runs the job %sprivileged with %s; ci_job does not" % (
            "" if value["expectedPrivileged"] else "not ", docker)
    return None


def _check_allowed_image(row, _data):
    """testAllowedImages: one table for VerifyAllowedImage (allowed_images) and isInAllowedPrivilegedImages."""
    value = row["value"]
    image, patterns, allowed = value["image"], value["allowedImages"], value["allowed"]
    try:
        _plan({"image": "runner-default:1", "allowed_images": patterns}, image=image)
        ours = True
    except ValueError:
        ours = False
    privileged = _plan({"image": "runner-default:1", "privileged": True, "allowed_privileged_images": patterns},
                       image=image)["privileged"]
    if (ours, privileged) != (allowed, allowed):
        return "the runner %s %r with %s; ci_job: allowed_images %s, allowed_privileged_images %s" % (
            "allows" if allowed else "refuses", image, patterns, ours, privileged)
    return None


def _service_option(service):
    return dict((key.lower(), item) for key, item in service.items() if key in ("Name", "Alias"))


def _check_service_definitions(row, _data):
    """getServicesDefinitions: allowed_services applies to the job's services, services_limit to all."""
    value = row["value"]
    docker = {"image": "alpine:3.20", "services": [_service_option(s) for s in value.get("services") or []]}
    if value.get("allowedServices"):
        docker["allowed_services"] = value["allowedServices"]
    limit = value.get("servicesLimit")
    if isinstance(limit, dict):  # testServicesLimit(n)
        docker["services_limit"] = limit["args"][0]
    try:
        _plan(docker, services=[_service_option(s) for s in value.get("buildServices") or []])
        ours = None
    except ValueError as error:
        ours = str(error)
    if bool(value.get("expectedErr")) != bool(ours):
        return "the runner %s; ci_job %s" % (
            "fails the job (%s)" % value["expectedErr"] if value.get("expectedErr") else "takes the services",
            "refuses them: %s" % ours if ours else "takes them")
    return None


def _is_network_mode_row(row):
    # The other rows test how the runner handles Docker's errors.
    return "expectedErr" not in row["value"] and "buildNetwork" not in row["value"]


def _check_job_network(row, _data):
    value = row["value"]
    docker = {"image": "alpine:3.20"}
    if value.get("networkMode"):
        docker["network_mode"] = value["networkMode"]
    flag = value.get("networkPerBuild")
    environment = ["FF_NETWORK_PER_BUILD=%s" % flag] if flag else None
    expected = value["expectedNetworkMode"]["args"][0] not in ("", value.get("networkMode", ""))
    ours = _plan(docker, environment)["network_per_build"]
    if ours != expected:
        return "the runner %s a network per job; ci_job %s" % ("creates" if expected else "creates no",
                                                               "does" if ours else "does not")
    return None


def _check_network_mtu(row, _data):
    value = row["value"]
    docker = {"image": "alpine:3.20", "network_mtu": value.get("mtu", 0)}
    environment = ["FF_NETWORK_PER_BUILD=true"] if value.get("networkPerBuild") else None
    ours = _plan(docker, environment)["network_mtu"]
    expected = value.get("expectedMTU", 0)
    return None if ours == expected else "the runner's job network MTU: %s, ci_job's: %s" % (expected, ours)


# Kubernetes' pull policy names (the test's v1.Pull* constants) as the docker executor's.
_K8S_POLICIES = {"v1.PullAlways": "always", "v1.PullNever": "never", "v1.PullIfNotPresent": "if-not-present"}


def _check_effective_pull_policies(row, _data):
    value = row["value"]

    def policies(key):
        return [_K8S_POLICIES[item["$expr"]] for item in value.get(key) or []]

    ours = docker_executor.effective_pull_policies(policies("pullPolicies"), policies("allowedPullPolicies"))
    if value.get("wantErr"):
        return None if ours == [] else "the runner refuses the policies; docker_executor gives %s" % ours
    theirs = policies("wantPullPolicies")
    return None if ours == theirs else "the runner: %s, docker_executor: %s" % (theirs, ours)


TABLES = (
    Table("volume specs (Linux parser)", VOLUMES, "TestLinuxParser_ParseVolume", "testCases", _check_volume),
    Table("service image names and aliases", SERVICES_DATA, "", "Services", _check_service),
    Table("image path normalization (normalizeImageRef)", AUTH, "TestDockerImagePathNormalization", "tests",
          _check_normalize),
    Table("registry paths (convertToRegistryPath)", AUTH, "TestConvertToRegistryPath", "tests",
          _check_registry_path),
    Table("credentials per image path (ConfigForImage)", AUTH, "TestCredsForImagesWithDifferentPaths", "tests",
          _check_config_for_image),
    Table("NAME=value variables (parseVariable)", CONFIG, "TestParseVariable", _parse_variable_rows,
          _check_parse_variable),
    Table("service environment (ToImageDefinition)", CONFIG, "TestService_ToImageDefinition", "tests",
          _check_service_environment, applies=_has_environment),
    Table("pull_policy values (GetPullPolicies)", CONFIG, "TestDockerConfig_GetPullPolicies", "tests",
          _check_pull_policies),
    Table("string-or-array TOML values (StringOrArray)", CONFIG, "TestStringOrArray_UnmarshalTOML", "tests",
          _check_string_or_array),
    Table("privileged services (allowed_privileged_services)", DOCKER_SERVICES, "",
          "testAllowedPrivilegedService", _check_privileged_service),
    Table("privileged job (allowed_privileged_images)", DOCKER, "", "testAllowedPrivilegedJob", _check_privileged_job),
    Table("allowed images (VerifyAllowedImage, isInAllowedPrivilegedImages)", DOCKER, "", "testAllowedImages",
          _check_allowed_image),
    Table("services of a job (allowed_services, services_limit)", DOCKER_SERVICES, "TestGetServiceDefinitions",
          "tests", _check_service_definitions),
    Table("the job network (FF_NETWORK_PER_BUILD, network_mode)", NETWORKS, "TestCreateNetwork", "testCases",
          _check_job_network, applies=_is_network_mode_row),
    Table("the job network's MTU (network_mtu)", NETWORKS, "TestCreateNetworkWithCustomMTU", "testCases",
          _check_network_mtu),
    Table("effective pull policies (ComputeEffectivePullPolicies)", PULL_POLICIES, "Test_ComputeEffectivePullPolicies",
          "tests", _check_effective_pull_policies),
)


@pytest.fixture(scope="module")
def runner_tables():
    module = runner_module.module_dir("GitLab Runner's test tables")
    return json.loads(runner_module.runner_source("tables", "-module", module, *FILES))


def _rows(table, data):
    if callable(table.var):
        rows = table.var(data)
        var = "calls"
    else:
        rows = _table(data, table.file, table.function, table.var)["rows"]
        var = table.var
    return [(_row_id(table.file, table.function, var, row["key"]), row) for row in rows]


def _results(table, data):
    """(row id, disagreement or None) for every row the table's rule applies to, and the number of rows."""
    rows = _rows(table, data)
    checked = [(row_id, table.check(row, data)) for row_id, row in rows if table.applies is None or table.applies(row)]
    return checked, len(rows)


@pytest.mark.parametrize("table", TABLES, ids=[table.name for table in TABLES])
def test_runner_rows_agree(table, runner_tables, summary_line):
    checked, total = _results(table, runner_tables)
    failures = ["%s: %s" % (row_id, reason) for row_id, reason in checked
                if reason is not None and row_id not in KNOWN_DISAGREEMENTS]
    listed = sum(1 for row_id, _reason in checked if row_id in KNOWN_DISAGREEMENTS)
    summary_line("GitLab Runner %s#%s: %d row(s) checked%s%s" % (
        table.file, table.function or table.var, len(checked),
        "" if total == len(checked) else " of %d (the others test what this collection does not re-implement)" % total,
        ", %d known disagreement(s)" % listed if listed else ""))
    assert checked, "no row of %s was checked" % table.name
    assert not failures, (
        "this collection disagrees with GitLab Runner's own test rows: fix the rule, or list the row in "
        "KNOWN_DISAGREEMENTS with the reason\n%s" % "\n".join(failures))


def test_known_disagreements_still_disagree(runner_tables):
    results = {}
    for table in TABLES:
        results.update(_results(table, runner_tables)[0])
    problems = []
    for row_id in sorted(KNOWN_DISAGREEMENTS):
        if row_id not in results:
            problems.append("%s: no such row in the runner's tests any more; remove the entry" % row_id)
        elif results[row_id] is None:
            problems.append("%s: agrees now; remove the entry" % row_id)
    assert not problems, "\n".join(problems)
