# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import copy
import json
import tomllib

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.runner_plan import FilterModule
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import findings
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.runner_plan import runner_plan
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.toml_writer import dumps

URL = "https://gitlab.example.com"
DEFAULTS = {
    "url": URL,
    "mode": "socket",
    "docker_version": "27.3.1",
    "docker_image": None,
    "dind_image": None,
    "dind_tls": True,
    "builds_dir": "/builds",
    "executor": "docker",
    "global": {
        "concurrent": 4,
        "check_interval": 3,
        "log_level": "info",
        "log_format": None,
        "shutdown_timeout": "",
        "listen_address": None,
        "session_server": {},
    },
}

SOCKET_DOCKER = {
    "tls_verify": False,
    "image": "docker:27.3.1",
    "privileged": False,
    "disable_cache": False,
    "volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds", "/cache"],
    "shm_size": 0,
}
DIND_SERVICE = {"name": "docker:27.3.1-dind", "alias": "docker"}


def _defaults(**changes):
    defaults = copy.deepcopy(DEFAULTS)
    defaults.update(changes)
    return defaults


def _table(entry, **defaults):
    return runner_plan([entry], _defaults(**defaults))["config"]["runners"][0]


def test_socket_preset():
    assert _table({"name": "build"}) == {
        "name": "build",
        "url": URL,
        "executor": "docker",
        "docker": SOCKET_DOCKER,
    }


@pytest.mark.parametrize(
    "dind_tls, volumes, certdir",
    [
        pytest.param(True, ["/certs/client", "/cache"], "DOCKER_TLS_CERTDIR=/certs", id="tls"),
        pytest.param(False, ["/cache"], "DOCKER_TLS_CERTDIR=", id="no-tls"),
    ],
)
def test_dind_preset(dind_tls, volumes, certdir):
    assert _table({"name": "dind", "mode": "dind"}, dind_tls=dind_tls) == {
        "name": "dind",
        "url": URL,
        "executor": "docker",
        "environment": [certdir],
        "docker": {
            "tls_verify": False,
            "image": "docker:27.3.1",
            "privileged": True,
            "disable_cache": False,
            "volumes": volumes,
            "shm_size": 0,
            "services": [DIND_SERVICE],
        },
    }


def test_dind_tls_defaults_to_true():
    defaults = _defaults()
    del defaults["dind_tls"]
    table = runner_plan([{"name": "dind", "mode": "dind"}], defaults)["config"]["runners"][0]
    assert table["environment"] == ["DOCKER_TLS_CERTDIR=/certs"]


def test_mode_from_defaults():
    table = _table({"name": "dind"}, mode="dind")
    assert table["docker"]["privileged"] is True


def test_explicit_images_win_over_docker_version():
    table = _table({"name": "dind", "mode": "dind"}, docker_image="registry.example.com/docker:27.3.1-cli",
                   dind_image="registry.example.com/docker:27.3.1-dind")
    assert table["docker"]["image"] == "registry.example.com/docker:27.3.1-cli"
    assert table["docker"]["services"] == [{"name": "registry.example.com/docker:27.3.1-dind", "alias": "docker"}]


def test_builds_dir_of_runner_is_bound_at_same_path():
    table = _table({"name": "build", "builds_dir": "/srv/builds", "cache_dir": "/srv/cache"})
    assert table["builds_dir"] == "/srv/builds"
    assert table["cache_dir"] == "/srv/cache"
    assert "/srv/builds:/srv/builds" in table["docker"]["volumes"]


def test_non_default_builds_dir_default_is_written():
    table = _table({"name": "build"}, builds_dir="/srv/builds")
    assert table["builds_dir"] == "/srv/builds"
    assert table["docker"]["volumes"][1] == "/srv/builds:/srv/builds"


def test_docker_keys_replace_preset_values():
    docker = {"image": "docker:27.3.1-git", "volumes": ["/var/run/docker.sock:/var/run/docker.sock",
                                                        "/builds:/builds"], "pull_policy": ["if-not-present"],
              "shm_size": None}
    table = _table({"name": "build", "docker": docker})
    assert table["docker"] == {
        "tls_verify": False,
        "image": "docker:27.3.1-git",
        "privileged": False,
        "disable_cache": False,
        "volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds"],
        "pull_policy": ["if-not-present"],
    }


def test_docker_defaults_between_preset_and_runner():
    docker_defaults = {"pull_policy": ["if-not-present"], "helper_image": "registry.example.com/helper:x86_64-v19.3.0",
                       "shm_size": None, "image": "docker:27.3.1-git"}
    table = _table({"name": "build", "docker": {"image": "docker:27.3.1-cli", "pull_policy": "always"}},
                   docker_defaults=docker_defaults)
    assert table["docker"] == {
        "tls_verify": False,
        "image": "docker:27.3.1-cli",
        "privileged": False,
        "disable_cache": False,
        "volumes": SOCKET_DOCKER["volumes"],
        "pull_policy": "always",
        "helper_image": "registry.example.com/helper:x86_64-v19.3.0",
    }


def test_docker_defaults_services_replaced_by_runner_services():
    docker_defaults = {"services": [{"name": "docker:27.3.1-dind", "alias": "docker,dind"}]}
    assert _table({"name": "d", "mode": "dind"}, docker_defaults=docker_defaults)["docker"]["services"] == [
        {"name": "docker:27.3.1-dind", "alias": "docker,dind"}]
    table = _table({"name": "d", "mode": "dind", "services": ["docker:27.3.1-dind"]}, docker_defaults=docker_defaults)
    assert table["docker"]["services"] == [{"name": "docker:27.3.1-dind"}]


@pytest.mark.parametrize(
    "entry, expected",
    [
        pytest.param(
            {"services": [{"name": "registry.example.com/docker-certs:27.3.1-dind", "alias": "docker",
                           "command": ["--mtu=1400"], "entrypoint": None, "environment": []}]},
            [{"name": "registry.example.com/docker-certs:27.3.1-dind", "alias": "docker", "command": ["--mtu=1400"]}],
            id="services-option",
        ),
        pytest.param(
            {"docker": {"services": [{"name": "docker:27.3.1-dind"}, {"name": "postgres:16", "alias": "db"}]}},
            [{"name": "docker:27.3.1-dind"}, {"name": "postgres:16", "alias": "db"}],
            id="docker-services-key",
        ),
        pytest.param({"services": ["docker:27.3.1-dind"]}, [{"name": "docker:27.3.1-dind"}], id="image-string"),
        pytest.param({"services": []}, None, id="none"),
    ],
)
def test_services_replace_preset(entry, expected):
    entry = dict(entry, name="dind", mode="dind")
    assert _table(entry)["docker"].get("services") == expected


MIRROR = "http://10.0.0.5:5000"


@pytest.mark.parametrize(
    "entry, expected",
    [
        pytest.param({}, [{"name": "docker:27.3.1-dind", "alias": "docker",
                           "command": ["--registry-mirror", MIRROR]}], id="preset"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "alias": "docker", "command": ["--mtu=1400"]},
                                   {"name": "postgres:16", "alias": "db"}]},
                     [{"name": "docker:27.3.1-dind", "alias": "docker",
                       "command": ["--mtu=1400", "--registry-mirror", MIRROR]},
                      {"name": "postgres:16", "alias": "db"}], id="flags-kept-other-service-untouched"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "command": ["--registry-mirror=https://m.example"]}]},
                     [{"name": "docker:27.3.1-dind", "command": ["--registry-mirror=https://m.example"]}],
                     id="own-mirror-kept"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "command": ["sh", "-c", "dockerd-entrypoint.sh"]}]},
                     [{"name": "docker:27.3.1-dind", "command": ["sh", "-c", "dockerd-entrypoint.sh"]}],
                     id="shell-command-kept"),
        pytest.param({"services": [{"name": "registry.example.com/daemon:1", "alias": "docker",
                                    "command": ["dockerd"]}]},
                     [{"name": "registry.example.com/daemon:1", "alias": "docker",
                       "command": ["dockerd", "--registry-mirror", MIRROR]}], id="alias-docker-dockerd"),
    ],
)
def test_dind_services_get_the_registry_mirrors(entry, expected):
    entry = dict(entry, name="dind", mode="dind")
    assert _table(entry, dind_registry_mirrors=[MIRROR])["docker"]["services"] == expected


def test_registry_mirrors_leave_socket_runners_and_the_input_alone():
    services = [{"name": "docker:27.3.1-dind", "alias": "docker"}]
    table = _table({"name": "s", "mode": "socket", "services": services}, dind_registry_mirrors=[MIRROR])
    assert table["docker"]["services"] == [{"name": "docker:27.3.1-dind", "alias": "docker"}]
    assert services == [{"name": "docker:27.3.1-dind", "alias": "docker"}]


def test_two_mirrors_in_order():
    table = _table({"name": "dind", "mode": "dind"}, dind_registry_mirrors=[MIRROR, "https://mirror.gcr.io"])
    assert table["docker"]["services"][0]["command"] == ["--registry-mirror", MIRROR,
                                                         "--registry-mirror", "https://mirror.gcr.io"]


@pytest.mark.parametrize(
    "environment, dind_tls, expected",
    [
        pytest.param(["FOO=bar", "A=b=c"], True, ["DOCKER_TLS_CERTDIR=/certs", "FOO=bar", "A=b=c"], id="appended"),
        pytest.param(["FOO=bar", "DOCKER_TLS_CERTDIR="], True, ["FOO=bar", "DOCKER_TLS_CERTDIR="], id="runner-wins"),
        pytest.param(["DOCKER_TLS_CERTDIR=/certs"], False, ["DOCKER_TLS_CERTDIR=/certs"], id="runner-wins-no-tls"),
        pytest.param([], False, ["DOCKER_TLS_CERTDIR="], id="preset-only"),
    ],
)
def test_dind_environment_merge(environment, dind_tls, expected):
    table = _table({"name": "dind", "mode": "dind", "environment": environment}, dind_tls=dind_tls)
    assert table["environment"] == expected


def test_socket_environment_kept_as_given():
    assert _table({"name": "build", "environment": ["FOO=bar"]})["environment"] == ["FOO=bar"]


def test_table_key_order_and_settings():
    settings = {"limit": 2, "request_concurrency": 2, "output_limit": 8192, "feature_flags": {"FF_X": True},
                "cache": {"Type": "s3", "Shared": True}, "shell": None}
    table = _table({"name": "build", "builds_dir": "/builds", "environment": ["A=b"], "settings": settings})
    assert list(table) == ["name", "url", "executor", "builds_dir", "environment", "limit", "request_concurrency",
                           "output_limit", "feature_flags", "cache", "docker"]


def test_globals_leave_out_empty_values():
    config = runner_plan([], _defaults())["config"]
    assert config == {"concurrent": 4, "check_interval": 3, "log_level": "info", "runners": []}


def test_globals_keep_other_keys_and_session_server():
    config = runner_plan([], _defaults(**{"global": {"sentry_dsn": "", "user": "gitlab-runner", "concurrent": 1,
                                                     "session_server": {"listen_address": "[::]:8093"}}}))["config"]
    assert list(config) == ["concurrent", "session_server", "user", "runners"]


def test_registrations_absent_and_modes():
    entries = [
        {"name": "build", "tags": ["docker", "linux"], "run_untagged": False, "locked": True,
         "access_level": "ref_protected", "maximum_timeout": 3600, "paused": False, "maintenance_note": "",
         "token": "glrt-EXISTING", "description": "Build runner"},
        {"name": "group", "mode": "dind", "runner_type": "group_type", "group_id": 7, "tags": "a, b",
         "url": "http://gitlab.internal:8080/"},
        {"name": "old", "state": "absent"},
    ]
    plan = runner_plan(entries, _defaults())
    assert plan["absent"] == ["old"]
    assert plan["modes"] == {"build": "socket", "group": "dind"}
    assert [table["name"] for table in plan["config"]["runners"]] == ["build", "group"]
    assert plan["config"]["runners"][1]["url"] == "http://gitlab.internal:8080/"
    assert plan["registrations"] == [
        {"name": "build", "state": "present", "url": URL, "token": "glrt-EXISTING", "runner_type": "instance_type",
         "description": "Build runner", "tag_list": ["docker", "linux"], "run_untagged": False, "locked": True,
         "access_level": "ref_protected", "maximum_timeout": 3600, "paused": False, "maintenance_note": ""},
        {"name": "group", "state": "present", "url": "http://gitlab.internal:8080/", "runner_type": "group_type",
         "group_id": 7, "description": "group", "tag_list": ["a", "b"]},
        {"name": "old", "state": "absent", "url": URL, "runner_type": "instance_type", "description": "old"},
    ]


def test_tags_as_gitlab_keeps_them():
    # Stripped, without blanks and repeats, in their order: what GitLab stores (Gitlab::Ci::Tags::TagList).
    plan = runner_plan([{"name": "a", "tags": ["docker", " linux ", "docker", "", "Docker"]}], _defaults())
    assert plan["registrations"][0]["tag_list"] == ["docker", "linux", "Docker"]
    plan = runner_plan([{"name": "a", "tags": "x, y,x"}], _defaults())
    assert plan["registrations"][0]["tag_list"] == ["x", "y"]


def test_token_never_reaches_config():
    plan = runner_plan([{"name": "build", "token": "glrt-EXISTING"}], _defaults())
    assert "glrt-EXISTING" not in repr(plan["config"])


def test_input_is_not_changed():
    entries = [{"name": "dind", "mode": "dind", "environment": ["A=b"], "docker": {"volumes": ["/cache"]}}]
    defaults = _defaults()
    before = copy.deepcopy((entries, defaults))
    plan = runner_plan(entries, defaults)
    plan["config"]["runners"][0]["docker"]["volumes"].append("/x")
    plan["config"]["runners"][0]["environment"].append("X=y")
    assert (entries, defaults) == before


@pytest.mark.parametrize("mode", ["socket", "dind"])
@pytest.mark.parametrize("dind_tls", [True, False])
def test_rendered_presets_have_no_error_findings(mode, dind_tls):
    plan = runner_plan([{"name": "r", "mode": mode, "settings": {"limit": 1}}], _defaults(dind_tls=dind_tls))
    for runner in plan["config"]["runners"]:
        runner["token"] = "glrt-TEST"
    text = dumps(plan["config"])
    assert tomllib.loads(text)["runners"][0]["docker"] == plan["config"]["runners"][0]["docker"]
    errors = [f for f in findings(text, plan["modes"]) if f["severity"] == "error"]
    assert errors == []


ERRORS = [
    pytest.param([{"url": URL}], "runner_entries[0].name: is missing or empty", id="missing-name"),
    pytest.param([{"name": "  "}], "runner_entries[0].name: is missing or empty", id="empty-name"),
    pytest.param(["build"], "runner_entries[0]: must be a dict", id="entry-not-dict"),
    pytest.param([{"name": "a"}, {"name": "a", "state": "absent"}], 'runner_entries[1].name: "a" is also the name of runner_entries[0]',
                 id="duplicate-name"),
    pytest.param([{"name": "a", "url": "gitlab.example.com"}], "runner_entries[0].url: 'gitlab.example.com' is not an http(s)",
                 id="url-no-scheme"),
    pytest.param([{"name": "a", "url": "ftp://gitlab.example.com"}], "is not an http(s) URL", id="url-bad-scheme"),
    pytest.param([{"name": "a", "url": "https://"}], "is not an http(s) URL with a host", id="url-no-host"),
    pytest.param([{"name": "a", "mode": "docker"}], "runner_entries[0].mode: is 'docker', not one of socket, dind", id="unknown-mode"),
    pytest.param([{"name": "a", "state": "started"}], "runner_entries[0].state: is 'started'", id="unknown-state"),
    pytest.param([{"name": "a", "runner_type": "shared"}], "runner_entries[0].runner_type: is 'shared'",
                 id="unknown-runner-type"),
    pytest.param([{"name": "a", "runner_type": "group_type"}], "runner_entries[0].group_id: is missing: a group_type runner",
                 id="group-without-id"),
    pytest.param([{"name": "a", "runner_type": "project_type", "group_id": 3}],
                 "runner_entries[0].project_id: is missing: a project_type runner", id="project-without-id"),
    pytest.param([{"name": "a", "access_level": "protected"}], "runner_entries[0].access_level: is 'protected'", id="access-level"),
    pytest.param([{"name": "a", "docker": ["image"]}], "runner_entries[0].docker: must be a dict", id="docker-not-dict"),
    pytest.param([{"name": "a", "settings": "limit=2"}], "runner_entries[0].settings: must be a dict",
                 id="settings-not-dict"),
    pytest.param([{"name": "a", "settings": {"limit": 1, "token": "x"}}],
                 "runner_entries[0].settings.token: is written by the role itself: use the runner's token option",
                 id="settings-token"),
    pytest.param([{"name": "a", "settings": {"executor": "shell"}}], "settings.executor: is written by the role itself",
                 id="settings-executor"),
    pytest.param([{"name": "a", "settings": {"docker": {}}}], "use the runner's docker option", id="settings-docker"),
    pytest.param([{"name": "a", "settings": {"name": "b"}}], "use the runner's name option", id="settings-name"),
    pytest.param([{"name": "a", "settings": {"url": URL}}], "use the runner's url option", id="settings-url"),
    pytest.param([{"name": "a", "settings": {"id": 3}}], "settings.id: is written by the role itself", id="settings-id"),
    pytest.param([{"name": "a", "settings": {"environment": []}}], "use the runner's environment option",
                 id="settings-environment"),
    pytest.param([{"name": "a", "tag": ["x"]}], "runner_entries[0].tag: is not a runner option (did you mean tags?)", id="unknown-option"),
    pytest.param([{"name": "a", "tags": [1]}], "runner_entries[0].tags: must be a list of strings", id="tags-not-strings"),
    pytest.param([{"name": "a", "environment": ["NOVALUE"]}], 'has no "="', id="environment-entry"),
    pytest.param([{"name": "a", "environment": "A=b"}], "must be a list", id="environment-string"),
    pytest.param([{"name": "a", "builds_dir": "builds"}], "runner_entries[0].builds_dir: is 'builds', not an absolute path",
                 id="builds-dir-relative"),
    pytest.param([{"name": "a", "services": {"name": "x"}}], "runner_entries[0].services: must be a list", id="services-dict"),
    pytest.param([{"name": "a", "services": [{"alias": "docker"}]}], "runner_entries[0].services[0].name: is missing",
                 id="service-without-name"),
    pytest.param([{"name": "a", "services": [{"name": "x", "aliases": "y"}]}], "services[0].aliases: is not a [[runners.docker.services]] key",
                 id="service-unknown-key"),
    pytest.param([{"name": "a", "services": [], "docker": {"services": []}}], "services: is set twice",
                 id="services-twice"),
    pytest.param([{"name": "a", "token": 5}], "runner_entries[0].token: must be a string", id="token-type"),
    pytest.param({"name": "a"}, "runner_entries: must be a list", id="entries-not-list"),
]


@pytest.mark.parametrize("entries, message", ERRORS)
def test_errors(entries, message):
    with pytest.raises(ValueError) as error:
        runner_plan(entries, _defaults())
    assert message in str(error.value)


@pytest.mark.parametrize(
    "defaults, message",
    [
        pytest.param("socket", "runner_plan defaults must be a dict", id="not-dict"),
        pytest.param(_defaults(url=None), 'runner_entries[0].url: is not set and runner_gitlab_url is empty', id="no-url"),
        pytest.param(_defaults(docker_version=None), "defaults need docker_version", id="no-version"),
        pytest.param(_defaults(dind_tls="yes"), "defaults dind_tls must be true or false", id="dind-tls-type"),
        pytest.param(_defaults(**{"global": ["concurrent"]}), "defaults global must be a dict", id="global-type"),
        pytest.param(_defaults(**{"global": {"runners": []}}), "defaults global must not hold runners",
                     id="global-runners"),
        pytest.param(_defaults(docker={"image": "x"}), "runner_plan defaults has unknown key(s) docker",
                     id="unknown-key"),
        pytest.param(_defaults(docker_defaults=["pull_policy"]), "defaults docker_defaults must be a dict",
                     id="docker-defaults-type"),
        pytest.param(_defaults(dind_registry_mirrors="http://m:5000"), "defaults dind_registry_mirrors must be a list",
                     id="mirrors-type"),
        pytest.param(_defaults(dind_mtu=-1), "defaults dind_mtu must be a non-negative integer", id="mtu-negative"),
        pytest.param(_defaults(dind_mtu="1400"), "defaults dind_mtu must be a non-negative integer", id="mtu-type"),
        pytest.param(_defaults(dind_mtu=True), "defaults dind_mtu must be a non-negative integer", id="mtu-bool"),
        pytest.param(_defaults(proxy={"http": "http://p:3128"}), "defaults proxy must be a dict of http_proxy",
                     id="proxy-key"),
        pytest.param(_defaults(proxy="http://p:3128"), "defaults proxy must be a dict of http_proxy", id="proxy-type"),
    ],
)
def test_default_errors(defaults, message):
    with pytest.raises(ValueError) as error:
        runner_plan([{"name": "a"}], defaults)
    assert message in str(error.value)


def test_no_entries():
    assert runner_plan(None, _defaults())["config"]["runners"] == []


def test_filter_wraps_errors():
    runner_plan_filter = FilterModule().filters()["runner_plan"]
    assert runner_plan_filter([{"name": "a"}], _defaults())["modes"] == {"a": "socket"}
    with pytest.raises(AnsibleFilterError) as error:
        runner_plan_filter([{"name": "a", "mode": "kubernetes"}], _defaults())
    assert str(error.value).startswith("runner_plan: runner_entries[0].mode: is")


def test_filter_converts_the_runners_as_the_argument_spec():
    """What validate_inputs accepts (numeric strings from an inventory), the filter plans with the same types."""
    runner_plan_filter = FilterModule().filters()["runner_plan"]
    plan = runner_plan_filter([{"name": "a", "runner_type": "group_type", "group_id": "42", "maximum_timeout": "3600",
                                "run_untagged": "no", "tags": "docker, linux"}], _defaults())
    assert plan["registrations"][0]["group_id"] == 42 and plan["registrations"][0]["maximum_timeout"] == 3600
    assert plan["registrations"][0]["run_untagged"] is False
    assert plan["registrations"][0]["tag_list"] == ["docker", "linux"]


PROXY = {"http_proxy": "http://proxy.corp:3128", "https_proxy": "http://proxy.corp:3128", "no_proxy": [".corp"],
         "gitlab_internal": False}
PROXY_ENVIRONMENT = [
    "HTTP_PROXY=http://proxy.corp:3128", "http_proxy=http://proxy.corp:3128",
    "HTTPS_PROXY=http://proxy.corp:3128", "https_proxy=http://proxy.corp:3128",
    "NO_PROXY=.corp,localhost,127.0.0.1,::1,docker,docker:2375,docker:2376",
    "no_proxy=.corp,localhost,127.0.0.1,::1,docker,docker:2375,docker:2376",
]


@pytest.mark.parametrize("mode, preset", [("socket", []), ("dind", ["DOCKER_TLS_CERTDIR=/certs"])])
def test_every_runner_gets_the_proxy_after_its_preset(mode, preset):
    table = _table({"name": "r", "mode": mode, "environment": ["FOO=bar"]}, proxy=PROXY)
    assert table["environment"] == preset + PROXY_ENVIRONMENT + ["FOO=bar"]


def test_a_runner_own_proxy_variables_win():
    table = _table({"name": "r", "environment": ["no_proxy=.other", "HTTPS_PROXY=http://other:8080"]}, proxy=PROXY)
    names = [item.partition("=")[0] for item in table["environment"]]
    assert names == ["HTTP_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "HTTPS_PROXY"]
    assert table["environment"][-2:] == ["no_proxy=.other", "HTTPS_PROXY=http://other:8080"]


def test_no_proxy_no_environment():
    plan = runner_plan([{"name": "r"}], _defaults(proxy={"http_proxy": "", "https_proxy": "", "no_proxy": [".corp"]}))
    assert "environment" not in plan["config"]["runners"][0]
    assert plan["proxy_environment"] == {}
    assert runner_plan([{"name": "r"}], _defaults())["proxy_environment"] == {}


def test_proxy_environment_of_the_host_reaches_mirrors_and_an_internal_gitlab_directly():
    entries = [{"name": "a"}, {"name": "b", "url": "https://gitlab.other.corp:8443", "mode": "dind"}, "not a runner"]
    defaults = _defaults(proxy=dict(PROXY, gitlab_internal=True), dind_registry_mirrors=["http://10.0.0.5:5000"])
    with pytest.raises(ValueError):
        runner_plan(entries, defaults)
    plan = runner_plan(entries[:2], defaults)
    expected = ".corp,localhost,127.0.0.1,::1,docker,docker:2375,docker:2376,10.0.0.5,gitlab.example.com,gitlab.other.corp"
    assert plan["proxy_environment"]["NO_PROXY"] == plan["proxy_environment"]["no_proxy"] == expected
    assert "NO_PROXY=" + expected in plan["config"]["runners"][1]["environment"]


@pytest.mark.parametrize("mode, entries, mirror_direct", [
    ("socket", [{"name": "a"}], False),
    ("dind", [{"name": "a"}], True),
    ("dind", [{"name": "a", "mode": "socket"}], False),
    ("socket", [{"name": "a"}, {"name": "b", "mode": "dind"}], True),
])
def test_the_dind_mirrors_bypass_the_proxy_only_where_a_runner_is_dind(mode, entries, mirror_direct):
    # docker_modes.any_dind: socket jobs pull through the host's daemon, which has its own proxy settings.
    plan = runner_plan(entries, _defaults(mode=mode, proxy=PROXY, dind_registry_mirrors=["http://10.0.0.5:5000"]))
    assert ("10.0.0.5" in plan["proxy_environment"]["NO_PROXY"].split(",")) is mirror_direct


def test_gitlab_goes_through_the_proxy_unless_internal():
    plan = runner_plan([{"name": "a"}], _defaults(proxy=PROXY))
    assert "gitlab.example.com" not in plan["proxy_environment"]["NO_PROXY"]


def test_the_proxy_password_stays_in_the_environment_it_belongs_to():
    proxy = dict(PROXY, http_proxy="http://bot:s3cret@proxy.corp:3128")
    plan = runner_plan([{"name": "a"}], _defaults(proxy=proxy))
    assert "HTTP_PROXY=http://bot:s3cret@proxy.corp:3128" in plan["config"]["runners"][0]["environment"]
    assert plan["registrations"][0].get("environment") is None


def test_a_dollar_in_the_proxy_password_reaches_jobs_percent_encoded():
    # The runner expands $ in [[runners]] environment values for jobs; %24 is $ to Go, curl and Python.
    proxy = dict(PROXY, http_proxy="http://bot:Pa$$w0rd$1@proxy.corp:3128")
    plan = runner_plan([{"name": "a"}], _defaults(proxy=proxy))
    assert "HTTP_PROXY=http://bot:Pa%24%24w0rd%241@proxy.corp:3128" in plan["config"]["runners"][0]["environment"]
    # The host's own services read the proxy unexpanded: they get it as written.
    assert plan["proxy_environment"]["HTTP_PROXY"] == "http://bot:Pa$$w0rd$1@proxy.corp:3128"


@pytest.mark.parametrize(
    "entry, expected_command",
    [
        pytest.param({}, ["--mtu=1400"], id="preset"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "alias": "docker", "command": ["--mtu=1300"]}]},
                     ["--mtu=1300"], id="own-mtu-kept"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "alias": "docker", "command": ["--mtu", "1300"]}]},
                     ["--mtu", "1300"], id="own-mtu-two-words-kept"),
        pytest.param({"services": [{"name": "docker:27.3.1-dind", "command": ["--tls=false"]}]},
                     ["--tls=false", "--mtu=1400"], id="after-own-flags"),
    ],
)
def test_dind_services_get_the_mtu(entry, expected_command):
    table = _table(dict(entry, name="dind", mode="dind"), dind_mtu=1400)
    assert table["docker"]["services"][0]["command"] == expected_command
    assert "network_mtu" not in table["docker"]


def test_mtu_after_the_mirrors_and_not_for_socket_runners():
    table = _table({"name": "dind", "mode": "dind"}, dind_mtu=1400, dind_registry_mirrors=[MIRROR])
    assert table["docker"]["services"][0]["command"] == ["--registry-mirror", MIRROR, "--mtu=1400"]
    services = [{"name": "docker:27.3.1-dind", "alias": "docker"}]
    socket = _table({"name": "s", "mode": "socket", "services": services}, dind_mtu=1400)
    assert socket["docker"]["services"] == services and "network_mtu" not in socket["docker"]


@pytest.mark.parametrize(
    "entry, network_mtu",
    [
        pytest.param({"settings": {"feature_flags": {"FF_NETWORK_PER_BUILD": True}}}, 1400, id="feature-flag"),
        pytest.param({"settings": {"feature_flags": {"FF_NETWORK_PER_BUILD": False}}}, None, id="feature-flag-off"),
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=1"]}, 1400, id="variable-1"),
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=true"]}, 1400, id="variable-true"),
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=yes"]}, None, id="variable-not-parsebool"),
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=0"]}, None, id="variable-0"),
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=1"], "docker": {"network_mtu": 1280}}, 1280,
                     id="own-network-mtu-kept"),
        # The runner's feature_flags table wins over the variable (common/build_settings.go populateFeatureFlags).
        pytest.param({"settings": {"feature_flags": {"FF_NETWORK_PER_BUILD": False}},
                      "environment": ["FF_NETWORK_PER_BUILD=1"]}, None, id="feature-flag-off-wins"),
        # With network_mode the runner creates no network of its own (networks/manager.go Create).
        pytest.param({"environment": ["FF_NETWORK_PER_BUILD=1"], "docker": {"network_mode": "ci-net"}}, None,
                     id="network-mode"),
        pytest.param({}, None, id="no-per-build-network"),
    ],
)
def test_network_mtu_where_jobs_get_their_own_network(entry, network_mtu):
    table = _table(dict(entry, name="dind", mode="dind"), dind_mtu=1400)
    assert table["docker"].get("network_mtu") == network_mtu


def test_no_mtu_no_flag():
    table = _table({"name": "dind", "mode": "dind", "environment": ["FF_NETWORK_PER_BUILD=1"]}, dind_mtu=0)
    assert "command" not in table["docker"]["services"][0] and "network_mtu" not in table["docker"]


CREDENTIALS = [{"registry": "registry.example.com:5000", "username": "ci-pull", "password": "pull-secret"}]


def test_registry_credentials_become_docker_auth_config_after_the_proxy():
    table = _table({"name": "r", "environment": ["FOO=bar"]}, registry_credentials=CREDENTIALS, proxy=PROXY)
    names = [item.partition("=")[0] for item in table["environment"]]
    assert names == [item.partition("=")[0] for item in PROXY_ENVIRONMENT] + [
        "DOCKER_AUTH_CONFIG", "FOO"]
    auth = json.loads(table["environment"][-2].partition("=")[2])
    assert list(auth["auths"]) == ["registry.example.com:5000"]
    assert base64.b64decode(auth["auths"]["registry.example.com:5000"]["auth"]).decode() == "ci-pull:pull-secret"


def test_a_runner_own_docker_auth_config_wins():
    own = 'DOCKER_AUTH_CONFIG={"auths": {}}'
    table = _table({"name": "r", "environment": [own]}, registry_credentials=CREDENTIALS)
    assert [item for item in table["environment"] if item.startswith("DOCKER_AUTH_CONFIG=")] == [own]


def test_bad_registry_credentials_stop_the_plan():
    with pytest.raises(ValueError, match="defaults registry_credentials"):
        runner_plan([{"name": "r"}], _defaults(registry_credentials=[{"registry": "https://r.example.com"}]))


def _problems(entries, defaults=None):
    with pytest.raises(ValueError) as error:
        runner_plan(entries, defaults or _defaults())
    return [path for path, _message in error.value.problems]


def test_runners_after_an_absent_one_are_planned():
    plan = runner_plan([{"name": "a"}, {"name": "old", "state": "absent"}, {"name": "b"}, {"name": "c"}], _defaults())
    assert [table["name"] for table in plan["config"]["runners"]] == ["a", "b", "c"]
    assert plan["absent"] == ["old"]
    assert [request["name"] for request in plan["registrations"]] == ["a", "old", "b", "c"]


@pytest.mark.parametrize("entries, paths", [
    # Every runner is checked, whatever the ones before it: a nameless one, a duplicate name, a runner with problems.
    ([{"mode": "dind"}, {"name": "b", "mode": "x"}],
     ["runner_entries[0].name", "runner_entries[1].mode"]),
    ([{"name": "a"}, {"name": "a"}, {"name": "b", "mode": "x"}],
     ["runner_entries[1].name", "runner_entries[2].mode"]),
    ([{"name": "a", "mode": "x"}, {"name": "b", "state": "gone"}],
     ["runner_entries[0].mode", "runner_entries[1].state"]),
    # Every service is checked, whatever the ones before it.
    ([{"name": "a", "services": [5, {"alias": "b"}, {"name": "c", "port": 1}]}],
     ["runner_entries[0].services[0]", "runner_entries[0].services[1].name", "runner_entries[0].services[2].port"]),
    ([{"name": "a", "docker": {"services": [{"alias": "b"}, 7]}}],
     ["runner_entries[0].docker.services[0].name", "runner_entries[0].docker.services[1]"]),
])
def test_every_problem_of_the_list_is_reported(entries, paths):
    assert _problems(entries) == paths


@pytest.mark.parametrize("entries", [5, 3.5, True, "a", {"name": "a"}, b"a"])
def test_entries_that_are_no_list(entries):
    assert _problems(entries) == ["runner_entries"]


@pytest.mark.parametrize("url, paths", [
    # A bad default URL is reported once, where it is set; an empty one for each runner that needs it.
    ("gitlab.example.com", ["defaults.url"]),
    ("", ["runner_entries[0].url", "runner_entries[1].url"]),
    (None, ["runner_entries[0].url", "runner_entries[1].url"]),
])
def test_where_a_default_url_problem_is_reported(url, paths):
    assert _problems([{"name": "a"}, {"name": "b"}], _defaults(url=url)) == paths


def test_the_default_mode_is_socket():
    defaults = _defaults()
    del defaults["mode"]
    assert runner_plan([{"name": "a"}], defaults)["modes"] == {"a": "socket"}


@pytest.mark.parametrize("key", ["name", "url", "token", "id", "token_obtained_at", "token_expires_at", "executor",
                                 "docker", "builds_dir", "cache_dir", "environment"])
def test_every_reserved_setting_is_refused(key):
    with pytest.raises(ValueError) as error:
        runner_plan([{"name": "a", "settings": {key: "x"}}], _defaults())
    (path, message), = error.value.problems
    assert path == "runner_entries[0].settings.%s" % key
    assert message.startswith("is written by the role itself: use ")


def test_known_global_keys_come_first_in_their_order():
    settings = {"extra": 1, "session_server": {"listen_address": "[::]:8093"}, "listen_address": ":9252",
                "shutdown_timeout": 30, "log_format": "json", "log_level": "info", "check_interval": 3,
                "concurrent": 4}
    config = runner_plan([], _defaults(**{"global": settings}))["config"]
    assert list(config) == ["concurrent", "check_interval", "log_level", "log_format", "shutdown_timeout",
                            "listen_address", "session_server", "extra", "runners"]


def test_the_proxy_environment_for_tasks_has_no_credentials():
    plan = runner_plan([{"name": "a"}], _defaults(proxy={"https_proxy": "http://u:secret@proxy.corp:3128"}))
    assert plan["proxy_environment"]["https_proxy"] == "http://u:secret@proxy.corp:3128"
    assert plan["proxy_task_environment"]["https_proxy"] == "http://proxy.corp:3128"


def test_a_name_too_long_for_its_pending_file_is_reported_on_name():
    assert _problems([{"name": "n" * 300}]) == ["runner_entries[0].name"]


def test_an_environment_item_without_equals_is_reported_on_the_item():
    with pytest.raises(ValueError) as error:
        runner_plan([{"name": "a", "environment": ["A=1", "B"]}], _defaults())
    (path, message), = error.value.problems
    assert path == "runner_entries[0].environment[1]"
    assert not message.startswith("[")


def test_a_project_runner_registers_with_its_project():
    plan = runner_plan([{"name": "a", "runner_type": "project_type", "project_id": 5}], _defaults())
    assert plan["registrations"][0]["project_id"] == 5
    assert "group_id" not in plan["registrations"][0]


# --- provenance: where each value of the config came from -------------------------------------------------------------

def _written(path):
    return {"from": path, "as_written": True}


def _derived(path):
    return {"from": path, "as_written": False}


@pytest.mark.parametrize("entries, defaults, location, origin", [
    # The globals, as given.
    ([], {}, "concurrent", _written("defaults.global.concurrent")),
    # A runner's table, and its own options.
    ([{"name": "a"}], {}, "runners[0]", _derived("runner_entries[0]")),
    ([{"name": "a"}], {}, "runners[0].name", _written("runner_entries[0].name")),
    ([{"name": "a", "url": URL + "/x"}], {}, "runners[0].url", _written("runner_entries[0].url")),
    ([{"name": "a"}], {}, "runners[0].url", _written("defaults.url")),
    ([{"name": "a", "settings": {"limit": 2}}], {}, "runners[0].limit", _written("runner_entries[0].settings.limit")),
    ([{"name": "a", "builds_dir": "/b"}], {}, "runners[0].builds_dir", _written("runner_entries[0].builds_dir")),
    ([{"name": "a"}], {"builds_dir": "/srv/builds"}, "runners[0].builds_dir", _written("defaults.builds_dir")),
    # The preset: derived from the mode, wherever it was set; its image from docker_version unless given.
    ([{"name": "a"}], {}, "runners[0].docker.privileged", _derived("defaults.mode")),
    ([{"name": "a", "mode": "dind"}], {}, "runners[0].docker.privileged", _derived("runner_entries[0].mode")),
    ([{"name": "a"}], {}, "runners[0].docker.image", _derived("defaults.docker_version")),
    ([{"name": "a"}], {"docker_image": "docker:27.3.1-cli"}, "runners[0].docker.image",
     _written("defaults.docker_image")),
    ([{"name": "a", "mode": "dind"}], {}, "runners[0].docker.services[0].name", _derived("defaults.docker_version")),
    ([{"name": "a", "mode": "dind"}], {"dind_image": "registry.example.com/dind:27.3.1-dind"},
     "runners[0].docker.services[0].name", _written("defaults.dind_image")),
    ([{"name": "a"}], {}, "runners[0].docker.volumes", _derived("defaults.mode")),
    ([{"name": "a"}], {}, "runners[0].docker.volumes[1]", _derived("defaults.builds_dir")),
    ([{"name": "a", "builds_dir": "/b"}], {}, "runners[0].docker.volumes[1]", _derived("runner_entries[0].builds_dir")),
    # The role-wide keys over the preset, the runner's own over both; null removes a key, and says who did.
    ([{"name": "a"}], {"docker_defaults": {"pull_policy": ["always"]}}, "runners[0].docker.pull_policy",
     _written("defaults.docker_defaults.pull_policy")),
    ([{"name": "a", "docker": {"pull_policy": "never"}}], {"docker_defaults": {"pull_policy": ["always"]}},
     "runners[0].docker.pull_policy", _written("runner_entries[0].docker.pull_policy")),
    ([{"name": "a", "docker": {"volumes": ["/cache"]}}], {}, "runners[0].docker.volumes",
     _written("runner_entries[0].docker.volumes")),
    ([{"name": "a", "docker": {"volumes": None}}], {}, "runners[0].docker.volumes",
     _written("runner_entries[0].docker.volumes")),
    # Services: the runner's list as written, an image alone as the item itself; the dind flags added.
    ([{"name": "a", "mode": "dind", "services": [{"name": "docker:27.3.1-dind", "alias": "docker"}]}], {},
     "runners[0].docker.services", _written("runner_entries[0].services")),
    ([{"name": "a", "mode": "dind", "services": ["docker:27.3.1-dind"]}], {}, "runners[0].docker.services[0].name",
     _written("runner_entries[0].services[0]")),
    ([{"name": "a", "mode": "dind"}], {"dind_registry_mirrors": ["http://10.0.0.1:5000"]},
     "runners[0].docker.services[0].command", _derived("defaults.dind_registry_mirrors")),
    ([{"name": "a", "mode": "dind"}], {"dind_mtu": 1400}, "runners[0].docker.services[0].command",
     _derived("defaults.dind_mtu")),
    ([{"name": "a", "mode": "dind", "settings": {"feature_flags": {"FF_NETWORK_PER_BUILD": True}}}], {"dind_mtu": 1400},
     "runners[0].docker.network_mtu", _derived("defaults.dind_mtu")),
    # The environment: the dind preset's TLS, the proxy, the registry credentials, the runner's own.
    ([{"name": "a", "mode": "dind"}], {}, "runners[0].environment[0]", _derived("defaults.dind_tls")),
    ([{"name": "a"}], {"proxy": {"http_proxy": "http://proxy:3128"}}, "runners[0].environment[0]",
     _derived("defaults.proxy.http_proxy")),
    ([{"name": "a"}], {"proxy": {"http_proxy": "http://proxy:3128"}}, "runners[0].environment[2]",
     _derived("defaults.proxy.no_proxy")),
    ([{"name": "a"}], {"registry_credentials": [{"registry": "r.example.com", "username": "u", "password": "p"}]},
     "runners[0].environment[0]", _derived("defaults.registry_credentials")),
    ([{"name": "a", "mode": "dind", "environment": ["A=b"]}], {}, "runners[0].environment[1]",
     _written("runner_entries[0].environment[0]")),
    # Absent runners have no table: the next one is runners[0].
    ([{"name": "gone", "state": "absent"}, {"name": "a"}], {}, "runners[0].name", _written("runner_entries[1].name")),
])
def test_provenance(entries, defaults, location, origin):
    plan = runner_plan(entries, _defaults(**defaults))
    assert plan["provenance"][location] == origin


def test_every_value_of_the_config_has_a_provenance():
    entries = [{"name": "a", "mode": "dind", "environment": ["A=b"], "settings": {"limit": 1, "cache": {"Type": "s3"}},
                "docker": {"cap_add": ["NET_ADMIN"]}},
               {"name": "b", "services": ["postgres:16"]}]
    plan = runner_plan(entries, _defaults(docker_defaults={"pull_policy": ["always"]},
                                          proxy={"http_proxy": "http://proxy:3128"}, dind_mtu=1400))

    def paths(value, path):
        if not isinstance(value, dict):  # a value; a table is only where values are
            yield path
        if isinstance(value, dict):
            for key, item in value.items():
                yield from paths(item, "%s.%s" % (path, key) if path else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from paths(item, "%s[%d]" % (path, index))

    for path in paths(plan["config"], ""):
        if path == "runners":
            continue
        known = path
        while known not in plan["provenance"]:
            assert "." in known or "[" in known, path
            known = known[:max(known.rfind("."), known.rfind("["))]
        assert known != "runners[0]" and known != "runners[1]", path  # every value is named, not only its runner


def test_provenance_holds_no_value():
    secret = "s3cr3t-password-value"
    plan = runner_plan([{"name": "a", "environment": ["TOKEN=%s" % secret]}],
                       _defaults(proxy={"http_proxy": "http://u:%s@proxy:3128" % secret},
                                 registry_credentials=[{"registry": "r.example.com", "username": "u",
                                                        "password": secret}]))
    assert secret not in json.dumps(plan["provenance"])
