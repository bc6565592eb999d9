# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import (
    FINDING_CODES,
    MODES,
    any_dind,
    dind_mtu,
    dind_registry_mirror_problem,
    environment_preset,
    findings,
    infer_mode,
    is_dind_service,
    parse_environment,
    preset,
    with_daemon_flags,
    with_registry_mirrors,
)

SOCKET = "/var/run/docker.sock:/var/run/docker.sock"
NO_TLS = {"DOCKER_TLS_CERTDIR": ""}
DIGEST = "sha256:" + "0123456789abcdef" * 4


def _socket(**overrides):
    """A socket-mode [runners.docker] table that has no findings (the article's TL;DR)."""
    docker = {
        "tls_verify": False,
        "image": "docker:edge-git",
        "privileged": False,
        "volumes": ["/builds:/builds", "/cache", SOCKET],
    }
    docker.update(overrides)
    return docker


def _dind(**overrides):
    """A dind-mode [runners.docker] table that has no findings with TLS on."""
    docker = {
        "tls_verify": False,
        "image": "docker:20.10.16",
        "privileged": True,
        "volumes": ["/certs/client", "/cache"],
        "services": [{"name": "docker:20.10.16-dind"}],
    }
    docker.update(overrides)
    return docker


def _codes(found):
    return [f["code"] for f in found]


def _only(found, code):
    matching = [f for f in found if f["code"] == code]
    assert len(matching) == 1, found
    return matching[0]


# --- the article's configurations -------------------------------------------------


def test_article_socket_config_has_no_findings():
    docker = {
        "tls_verify": False,
        "image": "docker:edge-git",
        "privileged": False,
        "disable_entrypoint_overwrite": False,
        "oom_kill_disable": False,
        "disable_cache": False,
        "volumes": ["/builds:/builds", "/cache", SOCKET],
        "shm_size": 0,
    }
    assert findings(docker, "socket") == []


def test_article_broken_socket_variant_misses_builds():
    docker = {"tls_verify": False, "image": "docker:edge-git", "privileged": False, "volumes": [SOCKET]}
    found = findings(docker, "socket")
    assert _codes(found) == ["builds-not-shared"]
    finding = found[0]
    assert finding["severity"] == "error"
    assert "resolved by the host daemon" in finding["message"]
    assert 'add "/builds:/builds" to [runners.docker] volumes' in finding["message"]


def test_article_dind_as_printed_misses_certs_volume():
    docker = {"tls_verify": False, "image": "docker:20.10.16", "privileged": True, "volumes": []}
    found = findings(docker, "dind", services=["docker:20.10.16-dind"])
    assert _codes(found) == ["tls-certs-volume-missing"]
    assert 'add "/certs/client" to [runners.docker] volumes' in found[0]["message"]


def test_article_dind_without_tls_only_warns():
    docker = {"tls_verify": False, "image": "docker:20.10.16", "privileged": True, "volumes": []}
    found = findings(docker, "dind", services=["docker:20.10.16-dind"], variables=NO_TLS)
    assert found == [
        {
            "severity": "warning",
            "code": "dind-without-tls",
            "message": found[0]["message"],
            "keys": ["variables.DOCKER_TLS_CERTDIR"],
        }
    ]
    assert "2375" in found[0]["message"] and "15 s" in found[0]["message"]


def test_article_private_registry_dind_service_matches_cli_version():
    service = {"name": "my-docker-registry.com/docker-with-certs:20.10.16-dind", "alias": "docker"}
    docker = {"image": "docker:20.10.16", "privileged": True, "volumes": ["/certs/client"]}
    assert findings(docker, "dind", services=[service]) == []


# --- mode-invalid -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["", "Socket", "docker", "dind "])
def test_mode_invalid(mode):
    found = findings(_socket(), mode)
    assert _codes(found) == ["mode-invalid"]
    assert '"socket"' in found[0]["message"] and '"dind"' in found[0]["message"]


def test_mode_invalid_still_checks_volumes_but_no_mode_checks():
    docker = {"privileged": True, "volumes": ["./x:/y"]}
    assert _codes(findings(docker, "other")) == ["mode-invalid", "volume-invalid"]


@pytest.mark.parametrize("mode", MODES)
def test_valid_modes_not_reported(mode):
    docker = _socket() if mode == "socket" else _dind()
    assert "mode-invalid" not in _codes(findings(docker, mode))


# --- volume-invalid -----------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, reason",
    [
        ("./x:/y", "use an absolute host path"),
        ("name:/data:nocopy", 'GitLab Runner refuses volume "name:/data:nocopy"'),
        ("/a:/b:ro,rw", "conflicting read/write mode"),
        ("/a:/b:z,ro", "in that order"),
        ("/a:/b:O", 'unknown option "O"'),
        ("/a:b", "relative container path"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
def test_volume_invalid(mode, spec, reason):
    docker = _socket() if mode == "socket" else _dind()
    docker["volumes"] = docker["volumes"] + [spec]
    finding = _only(findings(docker, mode), "volume-invalid")
    assert finding["severity"] == "error"
    assert '"%s"' % spec in finding["message"] and reason in finding["message"]


def test_volume_invalid_not_reported_for_valid_volumes():
    assert "volume-invalid" not in _codes(findings(_socket(volumes=["/builds:/builds", SOCKET, "cache:/cache:ro"]), "socket"))


@pytest.mark.parametrize("spec, dropped, writable", [("/data:ro", "ro", True), ("/data:rw,z", "rw,z", False)])
def test_volume_options_dropped(spec, dropped, writable):
    # The runner makes a volume without a source itself: it parses, but its options never reach Docker.
    docker = _socket()
    docker["volumes"] = docker["volumes"] + [spec]
    found = findings(docker, "socket")
    finding = _only(found, "volume-options-dropped")
    assert finding["severity"] == "warning" and "volume-invalid" not in _codes(found)
    assert finding["keys"] == ["volumes[%d]" % (len(docker["volumes"]) - 1)]
    assert 'drops "%s"' % dropped in finding["message"] and ("writable" in finding["message"]) is writable
    assert '"NAME:%s"' % spec in finding["message"]


def test_invalid_socket_volume_also_counts_as_missing_socket():
    docker = _socket(volumes=["/builds:/builds", SOCKET + ":rx"])
    assert _codes(findings(docker, "socket")) == ["volume-invalid", "socket-missing"]


# --- volume-duplicate-target --------------------------------------------------------


def test_volume_duplicate_target():
    docker = _socket(volumes=["/builds:/builds", SOCKET, "/cache", "/srv/cache:/cache/"])
    finding = _only(findings(docker, "socket"), "volume-duplicate-target")
    assert finding["severity"] == "error"
    assert '"/cache", "/srv/cache:/cache/"' in finding["message"] and "/cache" in finding["message"]


def test_volume_distinct_targets_not_duplicate():
    docker = _socket(volumes=["/builds:/builds", SOCKET, "/cache", "/srv/cache:/cache2"])
    assert "volume-duplicate-target" not in _codes(findings(docker, "socket"))


# --- sensitive-host-path ------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    ["/:/host", "/etc:/etc:ro", "/etc/:/host-etc", "/root:/root", "/boot:/boot", "/proc:/hostproc", "/sys:/sys",
     "/dev:/dev", "/var/lib/docker:/var/lib/docker", "/var/lib/docker/volumes:/vols"],
)
def test_sensitive_host_path(spec):
    docker = _socket(volumes=["/builds:/builds", SOCKET, spec])
    finding = _only(findings(docker, "socket"), "sensitive-host-path")
    assert finding["severity"] == "warning"
    assert '"%s"' % spec in finding["message"]


@pytest.mark.parametrize(
    "spec", ["/etc/ssl/certs:/etc/ssl/certs:ro", "/srv/etc:/etc", "/var/lib/dockerfiles:/x", "/var/lib:/x", "etc:/etc"]
)
def test_not_sensitive_host_path(spec):
    docker = _socket(volumes=["/builds:/builds", SOCKET, spec])
    assert "sensitive-host-path" not in _codes(findings(docker, "socket"))


def test_sensitive_host_path_checked_in_dind_mode_too():
    docker = _dind(volumes=["/certs/client", "/etc:/etc:ro"])
    assert _codes(findings(docker, "dind")) == ["sensitive-host-path"]


# --- socket-missing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "volumes",
    [
        ["/builds:/builds"],
        ["/builds:/builds", "/var/run/docker.sock:/docker.sock"],
        ["/builds:/builds", "/var/run/docker.sock"],
        ["/builds:/builds", "/run:/run"],
    ],
)
def test_socket_missing(volumes):
    finding = _only(findings(_socket(volumes=volumes), "socket"), "socket-missing")
    assert finding["severity"] == "error"
    assert 'add "/var/run/docker.sock:/var/run/docker.sock"' in finding["message"]


@pytest.mark.parametrize(
    "socket_volume",
    [SOCKET, "/run/docker.sock:/var/run/docker.sock", "/var/run/docker.sock/:/var/run/docker.sock/", "/var/run:/var/run"],
)
def test_socket_present(socket_volume):
    assert findings(_socket(volumes=["/builds:/builds", socket_volume]), "socket") == []


# --- builds-not-shared --------------------------------------------------------------


@pytest.mark.parametrize(
    "volumes, builds_dir, fix",
    [
        ([SOCKET], "/builds", '"/builds:/builds"'),
        ([SOCKET, "/srv/builds:/builds"], "/builds", 'set builds_dir to /srv/builds and bind "/srv/builds:/srv/builds"'),
        ([SOCKET, "builds:/builds"], "/builds", 'lies on the Docker volume of "builds:/builds"'),
        ([SOCKET, "/builds"], "/builds", "Docker volume"),
        ([SOCKET, "/builds:/builds"], "/srv/builds", '"/srv/builds:/srv/builds"'),
        ([SOCKET, "/srv:/srv", "/other:/srv/builds"], "/srv/builds", 'comes from "/other:/srv/builds"'),
        ([SOCKET, "/srv:/data"], "/data/builds", 'only inside the bind "/srv:/data"'),
        # The runner mounts its own volume at exactly builds_dir (pathList.Add), hiding a bind of a parent directory.
        ([SOCKET, "/srv:/srv"], "/srv/builds", 'builds_dir /srv/builds is only inside the bind "/srv:/srv": the runner '
                                               "mounts its own volume at exactly /srv/builds"),
        ([SOCKET, "/home/gitlab-runner:/home/gitlab-runner"], "/home/gitlab-runner/builds",
         'add "/home/gitlab-runner/builds:/home/gitlab-runner/builds"'),
    ],
)
def test_builds_not_shared(volumes, builds_dir, fix):
    finding = _only(findings(_socket(volumes=volumes), "socket", builds_dir=builds_dir), "builds-not-shared")
    assert finding["severity"] == "error"
    assert fix in finding["message"]
    assert "host daemon" in finding["message"]


@pytest.mark.parametrize(
    "volumes, builds_dir",
    [
        (["/builds:/builds", SOCKET], "/builds"),
        (["/builds/:/builds", SOCKET], "/builds/"),
        (["/srv/builds:/srv/builds:rw", SOCKET], "/srv/builds"),
        (["/builds:/builds", SOCKET], None),
    ],
)
def test_builds_shared(volumes, builds_dir):
    assert findings(_socket(volumes=volumes), "socket", builds_dir=builds_dir) == []


def test_builds_not_checked_in_dind_mode():
    assert "builds-not-shared" not in _codes(findings(_dind(), "dind"))


# --- privileged-with-socket ---------------------------------------------------------


def test_privileged_with_socket():
    finding = _only(findings(_socket(privileged=True), "socket"), "privileged-with-socket")
    assert finding["severity"] == "error"
    assert "set privileged = false" in finding["message"]


@pytest.mark.parametrize("overrides", [{"privileged": False}, {}, {"privileged": None}])
def test_unprivileged_socket(overrides):
    docker = _socket()
    docker.pop("privileged")
    docker.update(overrides)
    assert findings(docker, "socket") == []


# --- socket-readonly-ineffective ----------------------------------------------------


def test_socket_readonly_ineffective():
    found = findings(_socket(volumes=["/builds:/builds", SOCKET + ":ro"]), "socket")
    assert _codes(found) == ["socket-readonly-ineffective"]
    assert found[0]["severity"] == "warning"
    assert "Docker API" in found[0]["message"]


def test_socket_rw_not_reported_readonly():
    assert findings(_socket(volumes=["/builds:/builds", SOCKET + ":rw"]), "socket") == []


# --- dind-not-privileged ------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, state",
    [
        ({"privileged": False}, "neither privileged nor services_privileged is true"),
        ({"privileged": None}, "neither privileged nor services_privileged is true"),
        ({"privileged": False, "services_privileged": False}, "neither"),
        ({"privileged": True, "services_privileged": False}, "services_privileged = false overrides privileged = true"),
    ],
)
def test_dind_not_privileged(overrides, state):
    finding = _only(findings(_dind(**overrides), "dind"), "dind-not-privileged")
    assert finding["severity"] == "error"
    assert state in finding["message"]
    assert "set privileged = true, or services_privileged = true" in finding["message"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"privileged": True},
        {"privileged": False, "services_privileged": True},
        {"privileged": True, "services_privileged": True},
        {"privileged": True, "services_privileged": None},
        {"privileged": True, "allowed_privileged_services": ["docker:*-dind"]},
        {"privileged": True, "allowed_privileged_services": []},
    ],
)
def test_dind_privileged(overrides):
    assert findings(_dind(**overrides), "dind") == []


@pytest.mark.parametrize("allowed, flagged", [
    (["docker:*"], False),
    (["**/docker:*-dind"], False),  # "**/" is zero or more whole path segments
    (["postgres:*"], True),
    (["docker:20.10.16"], True),  # the tag is part of the name matched
    (["library/docker:*"], True),  # matched as written, not as Docker normalizes it
])
def test_a_dind_service_allowed_privileged_services_leaves_out_is_not_privileged(allowed, flagged):
    # executors/docker/docker.go createHostConfigForService: services_privileged or privileged, and the allow-list.
    found = findings(_dind(allowed_privileged_services=allowed), "dind")
    assert _codes(found) == (["dind-not-privileged"] if flagged else [])
    if flagged:
        assert 'has no pattern that matches the dind service "docker:20.10.16-dind"' in found[0]["message"]
        assert "add its image to allowed_privileged_services" in found[0]["message"]


# --- socket-in-dind -----------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, exposed_at",
    [
        (SOCKET, "/var/run/docker.sock"),
        ("/run/docker.sock:/docker.sock:ro", "/docker.sock"),
        ("/var/run:/host-run", "/host-run/docker.sock"),
    ],
)
def test_socket_in_dind(spec, exposed_at):
    finding = _only(findings(_dind(volumes=["/certs/client", spec]), "dind"), "socket-in-dind")
    assert finding["severity"] == "error"
    assert '"%s" exposes the host\'s Docker socket at %s' % (spec, exposed_at) in finding["message"]


def test_no_socket_in_dind():
    assert "socket-in-dind" not in _codes(findings(_dind(volumes=["/certs/client", "/var/run/other:/x"]), "dind"))


def test_socket_in_root_bind_reported_with_sensitive_path():
    found = findings(_dind(volumes=["/certs/client", "/:/host:ro"]), "dind")
    assert _codes(found) == ["socket-in-dind", "sensitive-host-path"]


# --- dind-service-missing -----------------------------------------------------------


@pytest.mark.parametrize(
    "config_services, services",
    [
        (None, None),
        ([], []),
        (None, ["postgres:16", {"name": "redis:7", "alias": "cache"}]),
        (None, ["docker:20.10.16"]),
    ],
)
def test_dind_service_missing(config_services, services):
    found = findings(_dind(services=config_services), "dind", services=services)
    finding = _only(found, "dind-service-missing")
    assert finding["severity"] == "warning"
    assert "[[runners.docker.services]]" in finding["message"]


@pytest.mark.parametrize(
    "services",
    [
        ["docker:20.10.16-dind"],
        [{"name": "docker:20.10.16-dind"}],
        [{"name": "registry.example.com:5000/mirror/docker:20.10.16-dind", "alias": "docker"}],
        [{"name": "my-docker-registry.com/docker-with-certs:20.10.16-dind", "alias": "docker"}],
        [{"name": "registry.example.com/daemon:20.10.16", "alias": "dockerd, docker"}],
        [{"name": "registry.example.com/daemon:20.10.16", "alias": "foo docker"}],
        ["postgres:16", "docker:20.10.16-dind-rootless"],
    ],
)
def test_dind_service_present(services):
    assert findings(_dind(services=None), "dind", services=services) == []


def test_dind_service_from_config_toml_services():
    assert findings(_dind(services=[{"name": "docker:20.10.16-dind", "alias": "dockerd"}]), "dind") == []


# --- dind-image-unpinned ------------------------------------------------------------


@pytest.mark.parametrize(
    "image, service, flagged",
    [
        ("docker", "docker:20.10.16-dind", "docker"),
        ("docker:latest", "docker:20.10.16-dind", "docker:latest"),
        ("docker:stable", "docker:20.10.16-dind", "docker:stable"),
        ("docker:edge-git", "docker:20.10.16-dind", "docker:edge-git"),
        ("docker:git", "docker:20.10.16-dind", "docker:git"),
        ("docker:cli", "docker:20.10.16-dind", "docker:cli"),
        ("docker:rc", "docker:20.10.16-dind", "docker:rc"),
        ("registry.example.com:5000/docker", "docker:20.10.16-dind", "registry.example.com:5000/docker"),
        ("docker:20.10.16", "docker:dind", "docker:dind"),
        ("docker:20.10.16", "docker:dind-rootless", "docker:dind-rootless"),
        ("docker:20.10.16", "docker:rc-dind", "docker:rc-dind"),
        ("docker:20.10.16", "docker:stable-dind", "docker:stable-dind"),
    ],
)
def test_dind_image_unpinned(image, service, flagged):
    found = findings(_dind(image=image, services=[service]), "dind")
    assert _codes(found) == ["dind-image-unpinned"]
    assert found[0]["severity"] == "error"
    assert 'image "%s" is not pinned' % flagged in found[0]["message"]
    assert '"docker:20.10.16" and "docker:20.10.16-dind"' in found[0]["message"]


def test_dind_both_images_unpinned():
    found = findings(_dind(image="docker:latest", services=["docker:dind"]), "dind")
    assert _codes(found) == ["dind-image-unpinned", "dind-image-unpinned"]
    assert 'Docker CLI image "docker:latest"' in found[0]["message"]
    assert 'dind service image "docker:dind"' in found[1]["message"]
    assert '"docker:X.Y.Z"' in found[0]["message"]


@pytest.mark.parametrize(
    "image, service",
    [
        ("docker:20.10.16", "docker:20.10.16-dind"),
        ("docker:24.0.0-rc.1", "docker:24.0.0-rc.1-dind"),
        ("docker:20.10.16-git", "docker:20.10.16-dind"),
        ("docker:27.3.1-cli", "docker:27.3.1-dind-alpine3.20"),
        # A digest-only service is recognised as dind by its alias.
        ("docker@sha256:" + "a" * 64, {"name": "docker@sha256:" + "b" * 64, "alias": "docker"}),
        ("docker:latest@sha256:" + "a" * 64, "docker:20.10.16-dind"),
        # The job image default is not a docker CLI image: nothing to pin here.
        ("alpine:latest", "docker:20.10.16-dind"),
        ("python", "docker:20.10.16-dind"),
        (None, "docker:20.10.16-dind"),
    ],
)
def test_dind_images_pinned(image, service):
    assert findings(_dind(image=image, services=[service]), "dind") == []


def test_unpinned_images_not_checked_in_socket_mode():
    assert findings(_socket(image="docker:latest", services=["postgres:latest"]), "socket") == []
    # A dind service there is wrong for another reason (the socket bind reaches it), not for its tag.
    assert [f["code"] for f in findings(_socket(image="docker:latest", services=["docker:dind"]), "socket")] == [
        "socket-in-dind"]


# --- dind-version-mismatch ----------------------------------------------------------


@pytest.mark.parametrize(
    "image, service, versions",
    [
        ("docker:20.10.16", "docker:20.10.17-dind", ("20.10.16", "20.10.17")),
        ("docker:20.10", "docker:20.10.16-dind", ("20.10", "20.10.16")),
        ("docker:24.0.7-git", "docker:20.10.16-dind", ("24.0.7", "20.10.16")),
        ("registry.example.com:5000/ci/docker:27.3.1", "docker:27.3.0-dind", ("27.3.1", "27.3.0")),
        ("docker:20.10.16", {"name": "my-docker-registry.com/docker-with-certs:20.10.17-dind", "alias": "docker"},
         ("20.10.16", "20.10.17")),
        ("my-docker-registry.com/docker-with-certs:20.10.16", "docker:19.03.12-dind", ("20.10.16", "19.03.12")),
    ],
)
def test_dind_version_mismatch(image, service, versions):
    found = findings(_dind(image=image, services=[service]), "dind")
    assert _codes(found) == ["dind-version-mismatch"]
    assert found[0]["severity"] == "error"
    assert "is version %s but dind service image" % versions[0] in found[0]["message"]
    assert "is version %s:" % versions[1] in found[0]["message"]


@pytest.mark.parametrize(
    "image, service",
    [
        ("docker:20.10.16", "docker:20.10.16-dind"),
        ("docker:20.10.16-git", "docker:20.10.16-dind"),
        ("docker:20.10.16", {"name": "my-docker-registry.com/docker-with-certs:20.10.16-dind", "alias": "docker"}),
        ("docker:20.10.16@sha256:" + "c" * 64, "docker:20.10.16-dind"),
        # Not a docker CLI image: no version to compare.
        ("node:20.11.1", "docker:20.10.16-dind"),
    ],
)
def test_dind_versions_match(image, service):
    assert findings(_dind(image=image, services=[service]), "dind") == []


# --- tls-certs-volume-missing / dind-without-tls -------------------------------------


@pytest.mark.parametrize(
    "volumes, variables, client_dir",
    [
        ([], None, "/certs/client"),
        (["/cache"], {"DOCKER_TLS_CERTDIR": "/certs"}, "/certs/client"),
        (["/certs/server"], {"DOCKER_TLS_CERTDIR": "/certs/"}, "/certs/client"),
        (["/certs/client"], {"DOCKER_TLS_CERTDIR": "/tls"}, "/tls/client"),
    ],
)
def test_tls_certs_volume_missing(volumes, variables, client_dir):
    found = findings(_dind(volumes=volumes), "dind", variables=variables)
    finding = _only(found, "tls-certs-volume-missing")
    assert finding["severity"] == "error"
    assert 'add "%s" to [runners.docker] volumes' % client_dir in finding["message"]
    assert "dind-without-tls" not in _codes(found)


@pytest.mark.parametrize(
    "volumes, variables",
    [
        (["/certs/client"], None),
        (["/certs/client/"], {"DOCKER_TLS_CERTDIR": "/certs"}),
        (["certs:/certs/client"], {}),
        (["/srv/runner-certs:/certs/client"], {"OTHER": "x"}),
        (["/tls/client"], {"DOCKER_TLS_CERTDIR": "/tls"}),
        # A volume on the whole certs dir holds the client dir too.
        (["/certs"], None),
    ],
)
def test_tls_certs_volume_present(volumes, variables):
    assert findings(_dind(volumes=volumes), "dind", variables=variables) == []


@pytest.mark.parametrize("certdir, builds_dir, missing", [
    # The builds directory's volume reaches the services too: certificates under it are shared.
    ("/builds/certs", "/builds", False),
    ("/srv/builds/.certs", "/srv/builds", False),
    ("/builds-certs", "/builds", True),
    ("/certs", "/builds", True),
])
def test_tls_certs_under_the_builds_dir_are_shared(certdir, builds_dir, missing):
    found = findings(_dind(volumes=[]), "dind", builds_dir=builds_dir, variables={"DOCKER_TLS_CERTDIR": certdir})
    assert ("tls-certs-volume-missing" in _codes(found)) is missing


def test_dind_without_tls():
    found = findings(_dind(volumes=[]), "dind", variables=NO_TLS)
    assert _codes(found) == ["dind-without-tls"]
    assert found[0]["severity"] == "warning"
    assert "without TLS" in found[0]["message"]


def test_dind_with_tls_not_warned():
    assert "dind-without-tls" not in _codes(findings(_dind(), "dind", variables={"DOCKER_TLS_CERTDIR": "/certs"}))


def test_tls_not_checked_in_socket_mode():
    assert findings(_socket(), "socket", variables=NO_TLS) == []
    assert findings(_socket(), "socket") == []


# --- shape of the result ------------------------------------------------------------


def test_errors_come_before_warnings_in_check_order():
    docker = {
        "image": "docker:latest",
        "privileged": False,
        "volumes": ["/etc:/etc", "./bad:/x", SOCKET, "/a:/y", "/b:/y"],
    }
    found = findings(docker, "dind", services=["docker:dind"], variables=NO_TLS)
    assert _codes(found) == [
        "volume-invalid",
        "volume-duplicate-target",
        "dind-not-privileged",
        "socket-in-dind",
        "dind-image-unpinned",
        "dind-image-unpinned",
        "sensitive-host-path",
        "dind-without-tls",
    ]
    assert found == findings(docker, "dind", services=["docker:dind"], variables=NO_TLS)
    for finding in found:
        assert set(finding) == {"severity", "code", "message", "keys"}
        assert finding["severity"] == FINDING_CODES[finding["code"]][0]


def test_finding_codes_table():
    assert set(FINDING_CODES) == {
        "mode-invalid", "volume-invalid", "volume-duplicate-target", "volume-options-dropped", "socket-missing",
        "builds-not-shared",
        "privileged-with-socket", "socket-readonly-ineffective", "dind-not-privileged", "socket-in-dind",
        "dind-service-missing", "dind-image-unpinned", "dind-version-mismatch", "tls-certs-volume-missing",
        "dind-without-tls", "sensitive-host-path", "dind-host-mismatch", "dind-mtu", "docker-api-incompatible",
        "host-namespace", "isolation-weakened", "pull-policy-shared", "oom-kill-disabled",
    }
    warnings = {code for code, (severity, _summary) in FINDING_CODES.items() if severity == "warning"}
    assert warnings == {"socket-readonly-ineffective", "dind-service-missing", "dind-without-tls", "sensitive-host-path",
                        "volume-options-dropped", "dind-mtu", "host-namespace", "isolation-weakened", "pull-policy-shared", "oom-kill-disabled"}
    for severity, summary in FINDING_CODES.values():
        assert severity in ("error", "warning") and summary


def test_inputs_not_changed():
    docker = _dind(services=["docker:20.10.16-dind"])
    services = [{"name": "postgres:16", "alias": "db"}]
    variables = {"A": "b"}
    findings(docker, "dind", services=services, variables=variables)
    assert docker == _dind(services=["docker:20.10.16-dind"])
    assert services == [{"name": "postgres:16", "alias": "db"}]
    assert variables == {"A": "b"}


# --- wrong input types --------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"docker": None}, "docker must be the [runners.docker] table as a dict"),
        ({"docker": ["/builds:/builds"]}, "docker must be the [runners.docker] table as a dict"),
        ({"mode": None}, 'mode must be "socket" or "dind"'),
        ({"mode": 1}, 'mode must be "socket" or "dind"'),
        ({"builds_dir": 5}, "builds_dir must be an absolute path string"),
        ({"builds_dir": "builds"}, 'builds_dir must be an absolute path such as "/builds"'),
        ({"docker": {"volumes": "/builds:/builds"}}, "[runners.docker] volumes must be a list of strings"),
        ({"docker": {"volumes": ["/builds:/builds", 5]}}, "[runners.docker] volumes[1] must be a string"),
        ({"docker": {"volumes": [None]}}, "[runners.docker] volumes[0] must be a string"),
        ({"docker": {"privileged": "true"}}, "[runners.docker] privileged must be true or false"),
        ({"docker": {"privileged": 1}}, "[runners.docker] privileged must be true or false"),
        ({"docker": {"services_privileged": "yes"}}, "[runners.docker] services_privileged must be true or false"),
        ({"docker": {"image": 3}}, "[runners.docker] image must be a string"),
        ({"docker": {"image": True}}, "[runners.docker] image must be a string"),
        ({"docker": {"services": "docker:dind"}}, "[[runners.docker.services]] must be a list of services"),
        ({"docker": {"services": [{"alias": "docker"}]}}, '[[runners.docker.services]][0] needs "name"'),
        ({"services": "docker:dind"}, "services must be a list of services"),
        ({"services": [5]}, 'services[0] must be an image string or a dict with "name"'),
        ({"services": [{"name": ""}]}, 'services[0] needs "name"'),
        ({"services": [{"name": "docker:dind", "alias": ["docker"]}]}, "services[0] alias must be a string"),
        ({"variables": ["DOCKER_TLS_CERTDIR="]}, "variables must be a dict of job variables"),
        ({"variables": {"DOCKER_TLS_CERTDIR": None}}, 'variables["DOCKER_TLS_CERTDIR"] must be a string'),
        ({"variables": {1: "x"}}, "variables key 1 must be a string"),
    ],
)
def test_wrong_input_types(kwargs, message):
    arguments = {"docker": {}, "mode": "dind"}
    arguments.update(kwargs)
    with pytest.raises(ValueError) as error:
        findings(**arguments)
    assert message in str(error.value)


# --- parse_environment --------------------------------------------------------------


@pytest.mark.parametrize(
    "entries, expected",
    [
        (None, {}),
        ([], {}),
        (["A=b", "C="], {"A": "b", "C": ""}),
        (["URL=http://x/?a=b"], {"URL": "http://x/?a=b"}),
        (["A=1", "A=2"], {"A": "2"}),
        (("DOCKER_TLS_CERTDIR=",), {"DOCKER_TLS_CERTDIR": ""}),
    ],
)
def test_parse_environment(entries, expected):
    assert parse_environment(entries) == expected


@pytest.mark.parametrize(
    "entries, message",
    [
        ("A=b", 'environment must be a list of "NAME=value" strings'),
        ({"A": "b"}, 'environment must be a list of "NAME=value" strings'),
        (["A=b", 5], 'environment[1] must be a "NAME=value" string'),
        (["A"], 'environment[0] "A" has no "=": the runner drops it (no job sees it); write "A=value"'),
        (["API_TOKEN: Xq9fT2mZk8LpR4vB7nW1"],
         'environment[0] "API_TOKEN********" has no "=": the runner drops it (no job sees it); write "API_TOKEN=value"'),
        (["=b"], 'environment[0] "=b" has an empty variable name'),
    ],
)
def test_parse_environment_invalid(entries, message):
    with pytest.raises(ValueError) as error:
        parse_environment(entries)
    assert message in str(error.value)


@pytest.mark.parametrize("entries, expected", [
    (["A=1", "NOEQUALS", 5, "=x", "B=2=3"], {"A": "1", "B": "2=3"}),
    (None, {}),
])
def test_parse_environment_can_skip_what_the_runner_skips(entries, expected):
    # common/config.go RunnerConfig.GetVariables leaves out entries parseVariable refuses.
    assert parse_environment(entries, skip_invalid=True) == expected


def test_parse_environment_names_the_setting():
    with pytest.raises(ValueError, match=r"^\[\[runners\]\] environment\[0\]"):
        parse_environment(["A"], what="[[runners]] environment")


def test_parsed_environment_feeds_findings():
    variables = parse_environment(["DOCKER_TLS_CERTDIR="])
    assert _codes(findings(_dind(volumes=[]), "dind", variables=variables)) == ["dind-without-tls"]


@pytest.mark.parametrize("variables, failing", [
    ({"DOCKER_TLS_CERTDIR": "/certs", "DOCKER_HOST": "tcp://docker:2375"}, True),
    ({"DOCKER_HOST": "tcp://docker:2375"}, True),
    ({"DOCKER_TLS_CERTDIR": "", "DOCKER_HOST": "tcp://docker:2376"}, True),
    ({"DOCKER_TLS_CERTDIR": "/certs", "DOCKER_HOST": "tcp://docker:2376"}, False),
    ({"DOCKER_TLS_CERTDIR": "", "DOCKER_HOST": "tcp://docker:2375"}, False),
    ({"DOCKER_TLS_CERTDIR": "/certs"}, False),
])
def test_dind_host_port_follows_tls(variables, failing):
    docker = {"image": "docker:27.5.1", "privileged": True, "volumes": ["/certs/client", "/cache"],
              "services": [{"name": "docker:27.5.1-dind", "alias": "docker"}]}
    codes = [f["code"] for f in findings(docker, "dind", variables=variables)]
    assert ("dind-host-mismatch" in codes) is failing, codes


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tls", [True, False])
def test_each_mode_preset_has_no_error_finding(mode, tls):
    from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import (
        environment_preset, parse_environment, preset)
    docker = preset(mode, "docker:27.5.1", "docker:27.5.1-dind", "/builds", tls)
    services = docker.pop("services", [])
    variables = parse_environment(environment_preset(mode, tls))
    errors = [f for f in findings(docker, mode, services=services, variables=variables) if f["severity"] == "error"]
    assert errors == []


@pytest.mark.parametrize("service, dind", [
    ({"name": "docker:27.5.1-dind"}, True),
    # Pinned by digest, without an alias: the tag is read as Docker reads image names (issue 25).
    ({"name": "docker:27.5.1-dind@" + DIGEST}, True),
    ({"name": "registry.example.com:5000/runnerops/dind-with-ca:27.5.1-dind@" + DIGEST}, True),
    ({"name": "registry.example.com:5000/runnerops/dind-with-ca:27.5.1-dind"}, True),
    ({"name": "docker:27.5.1-dind-rootless"}, True),
    ({"name": "my/daemon:1", "alias": "db, docker"}, True),
    ({"name": "docker:27.5.1"}, False),
    ({"name": "docker@" + DIGEST}, False),
    ({"name": "dind:1"}, False),
    ({"name": "postgres:16", "alias": "db"}, False),
])
def test_is_dind_service_and_the_inference_agree(service, dind):
    assert is_dind_service(service) is dind
    assert (infer_mode({"volumes": []}, [service])[0] == "dind") is dind
    # The findings read the same service the same way: a dind service pinned by digest counts as one.
    docker = {"image": "docker:27.5.1", "privileged": True, "volumes": ["/certs/client"], "services": [service]}
    assert ("dind-service-missing" not in _codes(findings(docker, "dind"))) is dind


@pytest.mark.parametrize("mode, entries, dind", [
    ("dind", [{"name": "a"}], True),
    ("", [{"name": "a"}], False),  # the role's default mode is socket
    (None, [{"name": "a", "mode": "dind"}], True),
    ("dind", [{"name": "a", "mode": "socket"}], False),  # an entry's own mode wins
    ("dind", [], False),  # no runner at all
    ("dind", None, False),
    ("socket", [{"name": "a"}, {"name": "b", "mode": "dind"}], True),
    ("socket", [{"name": "b", "mode": "dind", "state": "absent"}], False),  # a runner to remove
    ("dind", ["not a runner"], False),
])
def test_any_dind(mode, entries, dind):
    assert any_dind(mode, entries) is dind


@pytest.mark.parametrize("url, refused", [
    ("http://127.0.0.1:5000", True),
    ("http://localhost:5000/", True),
    ("https://LOCALHOST", True),
    ("http://[::1]:5000", True),
    ("http://0.0.0.0:5000", True),
    ("http://10.0.0.5:5000", False),
    ("https://mirror.gcr.io", False),
    ("http://localhost.example.com:5000", False),
])
def test_dind_registry_mirror_on_loopback_is_refused(url, refused):
    problem = dind_registry_mirror_problem(url)
    assert (problem is not None) is refused
    if refused:
        assert "the service itself" in problem


def _dind_docker(*commands):
    services = [{"name": "docker:27.5.1-dind", "alias": "docker"}]
    if commands:
        services = [{"name": "docker:27.5.1-dind", "alias": "docker", "command": list(command)} for command in commands]
    return {"image": "docker:27.5.1", "privileged": True, "volumes": ["/certs/client", "/cache"], "services": services}


@pytest.mark.parametrize("docker, host_mtu, flagged", [
    pytest.param(_dind_docker(), 1400, True, id="no-mtu-small-link"),
    pytest.param(_dind_docker(), 1500, False, id="no-mtu-full-link"),
    pytest.param(_dind_docker(), 9000, False, id="jumbo-link"),
    pytest.param(_dind_docker(), None, False, id="unknown-link"),
    pytest.param(_dind_docker(["--mtu=1400"]), 1400, False, id="mtu-equal"),
    pytest.param(_dind_docker(["--mtu", "1300"]), 1400, False, id="mtu-below-two-words"),
    pytest.param(_dind_docker(["--mtu=1450"]), 1400, True, id="mtu-above-link"),
    pytest.param(_dind_docker(["--registry-mirror", "http://m:5000"]), 1400, True, id="other-flags-only"),
    pytest.param(_dind_docker(["--mtu=big"]), 1400, True, id="mtu-not-a-number"),
])
def test_dind_mtu_finding(docker, host_mtu, flagged):
    found = [f for f in findings(docker, "dind", variables={"DOCKER_TLS_CERTDIR": "/certs"}, host_mtu=host_mtu)
             if f["code"] == "dind-mtu"]
    assert len(found) == (1 if flagged else 0)
    if flagged:
        assert found[0]["severity"] == "warning"
        assert '"--mtu=%d"' % host_mtu in found[0]["message"] and "runner_dind_mtu: %d" % host_mtu in found[0]["message"]


def test_dind_mtu_finding_is_for_dind_services_and_dind_mode_only():
    docker = _dind_docker()
    docker["services"].append({"name": "postgres:16", "alias": "db"})
    assert len([f for f in findings(docker, "dind", host_mtu=1400) if f["code"] == "dind-mtu"]) == 1
    socket = {"image": "docker:27.5.1", "volumes": ["/var/run/docker.sock:/var/run/docker.sock", "/builds:/builds"]}
    assert [f for f in findings(socket, "socket", host_mtu=1400) if f["code"] == "dind-mtu"] == []


@pytest.mark.parametrize("host_mtu", [0, -1, "1400", True, 1400.0])
def test_dind_mtu_finding_needs_a_positive_integer(host_mtu):
    with pytest.raises(ValueError, match="host_mtu must be a positive integer"):
        findings(_dind_docker(), "dind", host_mtu=host_mtu)


@pytest.mark.parametrize("service, mtu", [
    ({"name": "docker:dind"}, None), ({"name": "docker:dind", "command": ["--mtu=1400"]}, 1400),
    ({"name": "docker:dind", "command": "--mtu=1300"}, 1300), ({"name": "docker:dind", "command": ["--mtu", "9000"]}, 9000),
    ({"name": "docker:dind", "command": ["--mtu"]}, None), ({"name": "docker:dind", "command": ["--mtu=x"]}, None),
])
def test_dind_mtu_of_a_service(service, mtu):
    assert dind_mtu(service) == mtu


# --- settings that are legal but dangerous ----------------------------------------------------------------------------

# A dind table whose job containers are unprivileged (services_privileged): the one where isolation settings matter.
def _unprivileged_dind(**overrides):
    return _dind(privileged=False, services_privileged=True, **overrides)


@pytest.mark.parametrize("docker, mode, shared, expected", [
    # network_mode host: in every mode (ports and loopback, whatever else jobs may do).
    (_socket(network_mode="host"), "socket", None, [("host-namespace", ["network_mode"])]),
    (_dind(network_mode="host"), "dind", None, [("host-namespace", ["network_mode"])]),
    (_dind(network_mode="bridge"), "dind", None, []),
    # The other namespaces only where jobs are not root on the host already.
    (_unprivileged_dind(pid_mode="host"), "dind", None, [("host-namespace", ["pid_mode"])]),
    (_unprivileged_dind(ipcmode="host", userns_mode="host"), "dind", None,
     [("host-namespace", ["ipcmode"]), ("host-namespace", ["userns_mode"])]),
    (_dind(pid_mode="host", userns_mode="host"), "dind", None, []),
    (_socket(pid_mode="host"), "socket", None, []),
    (_unprivileged_dind(pid_mode="container:abc"), "dind", None, []),
    # Capabilities that reach past the container, in any spelling Docker takes.
    (_unprivileged_dind(cap_add=["NET_ADMIN", "sys_admin", "CAP_SYS_PTRACE"]), "dind", None,
     [("isolation-weakened", ["cap_add[1]", "cap_add[2]"])]),
    (_unprivileged_dind(cap_add=["NET_ADMIN", "SYS_NICE"]), "dind", None, []),
    (_dind(cap_add=["ALL"]), "dind", None, []),
    (_socket(cap_add=["SYS_ADMIN"]), "socket", None, []),
    (_unprivileged_dind(cap_add="SYS_ADMIN"), "dind", None, []),  # not a list: the schema check's to report
    # Security options that switch a protection off, with either separator; services have their own list.
    (_unprivileged_dind(security_opt=["no-new-privileges", "seccomp=unconfined", "apparmor:unconfined"]), "dind", None,
     [("isolation-weakened", ["security_opt[1]"]), ("isolation-weakened", ["security_opt[2]"])]),
    (_unprivileged_dind(security_opt=["seccomp=/etc/docker/seccomp.json", "label=type:svirt_apache_t"]), "dind", None,
     []),
    (_dind(privileged=False, services_security_opt=["label=disable"]), "dind", None,
     [("isolation-weakened", ["services_security_opt[0]"])]),
    (_unprivileged_dind(services_security_opt=["label=disable"]), "dind", None, []),
    # Devices holding the host's memory or disks.
    (_unprivileged_dind(devices=["/dev/kvm", "/dev/net/tun", "/dev/sda:/dev/xvda:rw", "/dev/nvme0n1p2"]), "dind", None,
     [("isolation-weakened", ["devices[2]"]), ("isolation-weakened", ["devices[3]"])]),
    (_unprivileged_dind(devices=["/dev"]), "dind", None, [("isolation-weakened", ["devices[0]"])]),
    (_dind(privileged=False, services_devices={"**/*": ["/dev/mem"], "emu/*": ["/dev/kvm"]}), "dind", None,
     [("isolation-weakened", ['services_devices."**/*"[0]'])]),
    (_unprivileged_dind(device_cgroup_rules=["c 10:200 rwm", "a *:* rwm", "b *:* r"]), "dind", None,
     [("isolation-weakened", ["device_cgroup_rules[1]"]), ("isolation-weakened", ["device_cgroup_rules[2]"])]),
    # The host's memory.
    (_dind(oom_kill_disable=True), "dind", None, [("oom-kill-disabled", ["oom_kill_disable"])]),
    (_socket(oom_kill_disable=True, memory="0"), "socket", None, [("oom-kill-disabled", ["oom_kill_disable"])]),
    (_dind(oom_kill_disable=True, memory="4g"), "dind", None, []),
    (_dind(oom_kill_disable=False), "dind", None, []),
    # if-not-present where several projects may share the images (not socket: jobs read the host's images anyway).
    (_dind(pull_policy="if-not-present"), "dind", None, [("pull-policy-shared", ["pull_policy"])]),
    (_dind(pull_policy=["always", "if-not-present"]), "dind", True, [("pull-policy-shared", ["pull_policy"])]),
    (_dind(allowed_pull_policies=["always", "if-not-present"]), "dind", True,
     [("pull-policy-shared", ["allowed_pull_policies"])]),
    (_dind(pull_policy="if-not-present"), "dind", False, []),
    (_dind(pull_policy=["never"]), "dind", True, []),
    (_dind(), "dind", True, []),
    (_socket(pull_policy="if-not-present"), "socket", True, []),
    ({"image": "alpine:3", "pull_policy": "if-not-present"}, "", True, [("pull-policy-shared", ["pull_policy"])]),
])
def test_dangerous_settings(docker, mode, shared, expected):
    codes = ("host-namespace", "isolation-weakened", "oom-kill-disabled", "pull-policy-shared")
    found = [f for f in findings(docker, mode, shared=shared) if f["code"] in codes]
    assert [(f["code"], f["keys"]) for f in found] == expected
    for finding in found:
        assert finding["severity"] == "warning" and "; " in finding["message"]


def test_a_dangerous_setting_says_what_happens_and_what_to_do():
    message = _only(findings(_dind(network_mode="host"), "dind"), "host-namespace")["message"]
    assert message.startswith('network_mode = "host": every job and service container uses the host\'s network stack')
    assert "remove network_mode" in message
    message = _only(findings(_unprivileged_dind(cap_add=["SYS_ADMIN"]), "dind"), "isolation-weakened")["message"]
    assert "SYS_ADMIN (mounting file systems" in message and "add only the capabilities the jobs need" in message
    shared = _only(findings(_dind(pull_policy="if-not-present"), "dind", shared=True), "pull-policy-shared")["message"]
    unknown = _only(findings(_dind(pull_policy="if-not-present"), "dind"), "pull-policy-shared")["message"]
    assert shared.startswith("A runner several projects share (an instance or group runner) pulls with if-not-present")
    assert unknown.startswith("A runner pulls with if-not-present") and unknown.endswith(
        "; if only one project uses this runner, ignore this")
    assert 'use "always"' in shared and "ignore this" not in shared


@pytest.mark.parametrize("shared", ["yes", 1, []])
def test_shared_is_true_false_or_none(shared):
    with pytest.raises(ValueError, match="shared must be true, false or null"):
        findings(_dind(), "dind", shared=shared)


# --- the keys each finding is about ---------------------------------------------------------------------------------

@pytest.mark.parametrize("docker, mode, kwargs, code, keys", [
    (_socket(volumes=["/builds:/builds", "/cache"]), "socket", {}, "socket-missing", ["volumes"]),
    (_socket(volumes=[SOCKET, "/cache"]), "socket", {}, "builds-not-shared", ["volumes"]),
    (_socket(volumes=[SOCKET, "/srv/builds:/builds"]), "socket", {}, "builds-not-shared", ["volumes[1]"]),
    (_socket(privileged=True), "socket", {}, "privileged-with-socket", ["privileged"]),
    (_socket(volumes=["/builds:/builds", SOCKET + ":ro"]), "socket", {}, "socket-readonly-ineffective", ["volumes[1]"]),
    (_socket(volumes=["/builds:/builds", SOCKET, "/etc:/host-etc"]), "socket", {}, "sensitive-host-path",
     ["volumes[2]"]),
    (_dind(privileged=False), "dind", {}, "dind-not-privileged", ["privileged"]),
    (_dind(privileged=True, services_privileged=False), "dind", {}, "dind-not-privileged",
     ["services_privileged", "privileged"]),
    (_dind(allowed_privileged_services=["postgres:*"]), "dind", {}, "dind-not-privileged",
     ["allowed_privileged_services", "services[0].name"]),
    (_dind(volumes=["/certs/client", SOCKET]), "dind", {}, "socket-in-dind", ["volumes[1]"]),
    (_dind(services=[]), "dind", {}, "dind-service-missing", ["services"]),
    (_dind(image="docker:latest"), "dind", {}, "dind-image-unpinned", ["image"]),
    (_dind(services=[{"name": "postgres:16"}, {"name": "docker:dind"}]), "dind", {}, "dind-image-unpinned",
     ["services[1].name"]),
    (_dind(services=[]), "dind", {"services": ["docker:24.0.7-dind"]}, "dind-version-mismatch",
     ["image", "services[0].name"]),
    (_dind(volumes=["/cache"]), "dind", {}, "tls-certs-volume-missing", ["volumes"]),
    (_dind(), "dind", {"variables": {"DOCKER_HOST": "tcp://docker:2375"}}, "dind-host-mismatch",
     ["variables.DOCKER_HOST"]),
    (_dind(volumes=[]), "dind", {"variables": NO_TLS}, "dind-without-tls", ["variables.DOCKER_TLS_CERTDIR"]),
    (_dind(), "dind", {"host_mtu": 1400}, "dind-mtu", ["services[0].command"]),
    (_dind(image="docker:24.0.9", services=[{"name": "docker:29.1.3-dind"}]), "dind", {}, "docker-api-incompatible",
     ["image", "services[0].name"]),
    (_socket(image="docker:24.0.9"), "socket", {"docker_engine": "29.1.3"}, "docker-api-incompatible", ["image"]),
])
def test_each_finding_names_its_keys(docker, mode, kwargs, code, keys):
    assert _only(findings(docker, mode, **kwargs), code)["keys"] == keys


def test_duplicate_targets_name_every_volume():
    found = findings(_socket(volumes=["/builds:/builds", SOCKET, "/cache", "/srv/cache:/cache"]), "socket")
    assert _only(found, "volume-duplicate-target")["keys"] == ["volumes[2]", "volumes[3]"]
    assert _only(findings(_socket(volumes=["x:/y:z:w"]), ""), "volume-invalid")["keys"] == ["volumes[0]"]


# --- rules row by row ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, dind", [
    # Names Docker cannot parse (upper case) are still split at the tag's colon, after the last slash.
    ("Docker:dind", True), ("Docker:27.5.1-dind", True), ("Docker:27", False), ("Registry:5000/Docker", False),
    ("Registry:5000/Docker:dind", True),
])
def test_is_dind_service_of_names_docker_cannot_parse(name, dind):
    assert is_dind_service({"name": name}) is dind


def test_a_dind_image_as_the_job_image_is_not_checked_as_the_docker_cli():
    assert [f for f in findings(_dind(image="docker:dind"), "dind") if f["keys"] == ["image"]] == []


@pytest.mark.parametrize("volume, access, what", [
    ("/etc:/host-etc", "read and change", "host system files"),
    ("/etc:/host-etc:ro", "read", "host system files"),
    ("/var/lib/docker:/docker", "read and change", "Docker's own data (images, containers, volumes)"),
])
def test_a_sensitive_host_path_says_what_jobs_can_do_with_it(volume, access, what):
    finding = _only(findings(_socket(volumes=_socket()["volumes"] + [volume]), "socket"), "sensitive-host-path")
    assert "any job can %s %s; bind only" % (access, what) in finding["message"]


@pytest.mark.parametrize("option, what", [
    ("seccomp=unconfined", "no seccomp filter"), ("apparmor=unconfined", "no AppArmor profile"),
    ("apparmor:unconfined", "no AppArmor profile"), ("label=disable", "no SELinux separation"),
    ("systempaths=unconfined", "/proc and /sys without their masked and read-only paths"),
])
def test_every_risky_security_option_names_what_it_removes(option, what):
    finding = _only(findings(_dind(privileged=False, services_privileged=True, security_opt=[option]), "dind"),
                    "isolation-weakened")
    assert "every job container runs with %s" % what in finding["message"]


@pytest.mark.parametrize("overrides, weakened", [
    # Privileged services already have every device: listing one says nothing more.
    ({"services_devices": {"*": ["/dev/sda"]}}, False),
    ({"privileged": False, "services_privileged": True, "services_devices": {"*": ["/dev/sda"]}}, False),
    ({"privileged": True, "services_privileged": False, "services_devices": {"*": ["/dev/sda"]}}, True),
])
def test_service_devices_matter_only_for_unprivileged_services(overrides, weakened):
    assert ("isolation-weakened" in _codes(findings(_dind(**overrides), "dind"))) is weakened


@pytest.mark.parametrize("rule, every", [("b *:* rwm", "every block device"), ("a *:* rwm", "every device"),
                                         ("c *:* rwm", None)])
def test_device_cgroup_rules_that_allow_every_device(rule, every):
    found = findings(_dind(privileged=False, services_privileged=True, device_cgroup_rules=[rule]), "dind")
    weakened = [f for f in found if f["code"] == "isolation-weakened"]
    assert (every in weakened[0]["message"]) if every else weakened == []


@pytest.mark.parametrize("overrides", [{"allowed_pull_policies": "if-not-present"},
                                       {"allowed_pull_policies": ["always", "if-not-present"]},
                                       {"pull_policy": "if-not-present"}])
def test_if_not_present_on_a_shared_runner_given_as_a_string_or_a_list(overrides):
    assert "pull-policy-shared" in _codes(findings(_dind(**overrides), "dind", shared=True))


def test_docker_api_version_fixed_by_the_job_environment():
    docker = _socket(image="docker:24.0.9")
    assert "docker-api-incompatible" in _codes(findings(docker, "socket", docker_engine="29.1.3"))
    assert findings(docker, "socket", docker_engine="29.1.3", variables={"DOCKER_API_VERSION": "1.44"}) == []


@pytest.mark.parametrize("mode, tls, docker", [
    ("socket", True, {"tls_verify": False, "image": "docker:27.5.1", "privileged": False, "disable_cache": False,
                      "volumes": [SOCKET, "/builds:/builds", "/cache"], "shm_size": 0}),
    ("dind", True, {"tls_verify": False, "image": "docker:27.5.1", "privileged": True, "disable_cache": False,
                    "volumes": ["/certs/client", "/cache"], "shm_size": 0,
                    "services": [{"name": "docker:27.5.1-dind", "alias": "docker"}]}),
    ("dind", False, {"tls_verify": False, "image": "docker:27.5.1", "privileged": True, "disable_cache": False,
                     "volumes": ["/cache"], "shm_size": 0,
                     "services": [{"name": "docker:27.5.1-dind", "alias": "docker"}]}),
])
def test_presets(mode, tls, docker):
    assert preset(mode, "docker:27.5.1", "docker:27.5.1-dind", tls=tls) == docker


def test_environment_presets():
    assert environment_preset("dind") == ["DOCKER_TLS_CERTDIR=/certs"]
    assert environment_preset("dind", tls=False) == ["DOCKER_TLS_CERTDIR="]
    assert environment_preset("socket") == []


@pytest.mark.parametrize("docker, services, inferred", [
    ({"volumes": [SOCKET]}, [], ("socket", "the bind of the host's Docker socket", True)),
    ({"volumes": ["/var/run:/host-run"]}, [], ("socket", "the bind of the host's Docker socket", True)),
    ({"volumes": ["/:/host"]}, [], (None, None, False)),
    ({"volumes": ["/:/host"], "privileged": True}, [], ("dind", "privileged = true alone", False)),
    ({"services_privileged": True}, [], ("dind", "services_privileged = true alone", False)),
    ({"privileged": False, "services_privileged": False}, [], (None, None, False)),
    ({}, [{"name": "docker:27.5.1-dind"}], ("dind", "the dind service docker:27.5.1-dind", True)),
    ({"volumes": ["bad::spec:x:y"]}, [], (None, None, False)),
])
def test_infer_mode(docker, services, inferred):
    assert infer_mode(docker, services) == inferred


DIND = {"name": "docker:27.5.1-dind", "alias": "docker"}
MIRROR = "http://10.0.0.5:5000"


@pytest.mark.parametrize("service, mirrors, mtu, command", [
    (DIND, [MIRROR], 0, ["--registry-mirror", MIRROR]),
    (DIND, [], 1400, ["--mtu=1400"]),
    (DIND, [MIRROR], 1400, ["--registry-mirror", MIRROR, "--mtu=1400"]),
    (dict(DIND, command=["--tls=false"]), [MIRROR], 0, ["--tls=false", "--registry-mirror", MIRROR]),
    (dict(DIND, command="--debug"), [MIRROR], 0, ["--debug", "--registry-mirror", MIRROR]),
    (dict(DIND, command=["dockerd"]), [MIRROR], 0, ["dockerd", "--registry-mirror", MIRROR]),
    (dict(DIND, command=["sh", "-c", "dockerd"]), [MIRROR], 1400, ["sh", "-c", "dockerd"]),
    (dict(DIND, command=["--registry-mirror=http://other:5000"]), [MIRROR], 0,
     ["--registry-mirror=http://other:5000"]),
    (dict(DIND, command=["--mtu", "1300"]), [], 1400, ["--mtu", "1300"]),
    ({"name": "redis:7"}, [MIRROR], 1400, None),
])
def test_with_daemon_flags(service, mirrors, mtu, command):
    given = copy.deepcopy(service)
    (result,) = with_daemon_flags([service], mirrors=mirrors, mtu=mtu)
    assert result.get("command") == command
    assert service == given


def test_with_daemon_flags_of_nothing_to_add_is_the_list_given():
    services = [dict(DIND)]
    assert with_daemon_flags(services) is services
    assert with_registry_mirrors(services, []) is services


# --- dind-host-mismatch: where jobs look for the daemon -------------------------------------------------------------


@pytest.mark.parametrize("services, variables, says, keys", [
    # helpers/container/services: a registry prefix gives the names registry.example.com__docker and ...-docker.
    ([{"name": "registry.example.com:5000/docker:20.10.16-dind"}], {},
     "the docker image's default host, docker, names docker, and no dind service answers as that (the service "
     '"registry.example.com:5000/docker:20.10.16-dind" answers as registry.example.com-docker, '
     'registry.example.com__docker), so docker commands fail to connect; give the dind service alias = "docker"',
     ["services[0].alias"]),
    ([{"name": "mirror.gcr.io/library/docker:20.10.16-dind"}], {}, 'give the dind service alias = "docker"',
     ["services[0].alias"]),
    ([{"name": "docker:20.10.16-dind"}], {"DOCKER_HOST": "tcp://localhost:2376"},
     "DOCKER_HOST=tcp://localhost:2376 names localhost, and no dind service answers as that", ["variables.DOCKER_HOST"]),
    ([{"name": "docker:20.10.16-dind"}], {"DOCKER_HOST": "unix:///var/run/docker.sock"},
     "dind mode, but DOCKER_HOST=unix:///var/run/docker.sock: in dind mode the daemon is the service",
     ["variables.DOCKER_HOST"]),
    # The dind image's certificate names docker, localhost and DOCKER_TLS_SAN's DNS: entries.
    ([{"name": "docker:20.10.16-dind", "alias": "dind"}], {"DOCKER_HOST": "tcp://dind:2376"},
     "names dind, which the dind service's certificate does not", ["variables.DOCKER_HOST"]),
])
def test_jobs_that_would_not_reach_the_dind_daemon(services, variables, says, keys):
    found = [f for f in findings(_dind(services=services), "dind", variables=variables)
             if f["code"] == "dind-host-mismatch"]
    assert len(found) == 1, found
    assert says in found[0]["message"] and found[0]["keys"] == keys and found[0]["severity"] == "error"


@pytest.mark.parametrize("services, variables", [
    ([{"name": "docker:20.10.16-dind"}], {}),
    ([{"name": "docker:20.10.16-dind"}], {"DOCKER_HOST": "tcp://docker:2376"}),
    ([{"name": "registry.example.com:5000/docker:20.10.16-dind", "alias": "docker"}], {}),
    ([{"name": "docker:20.10.16-dind", "alias": "dind"}], {"DOCKER_HOST": "tcp://dind:2376", "DOCKER_TLS_SAN": "DNS:dind"}),
    ([{"name": "docker:20.10.16-dind", "alias": "dind"}], {"DOCKER_HOST": "tcp://dind:2375", "DOCKER_TLS_CERTDIR": ""}),
])
def test_jobs_that_reach_the_dind_daemon(services, variables):
    assert [f for f in findings(_dind(services=services), "dind", variables=variables)
            if f["code"] == "dind-host-mismatch"] == []


def test_a_dind_service_beside_the_socket_bind_is_named_in_socket_mode():
    # Runner volumes are mounted into service containers too: the host's socket sits where dockerd makes its own.
    docker = _socket(services=[{"name": "postgres:16"}, {"name": "docker:20.10.16-dind"}])
    (finding,) = [f for f in findings(docker, "socket") if f["code"] == "socket-in-dind"]
    assert finding["severity"] == "error" and finding["keys"] == ["services[1].name"]
    assert finding["message"].startswith('socket mode with the dind service "docker:20.10.16-dind": [runners.docker] '
                                         "volumes are mounted into service containers too")
    assert [f for f in findings(_socket(services=[{"name": "postgres:16"}]), "socket")
            if f["code"] == "socket-in-dind"] == []
