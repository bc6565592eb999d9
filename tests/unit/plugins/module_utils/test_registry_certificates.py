# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""registry_certificates (both roles' registry CA lists) and the docker role's package version format."""

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_inputs
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.registry_certificates import (
    certificate_problem,
    check_list,
    registry_problem,
)
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.role_inputs import Report

_CERT = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBoTCCAUegAwIBAgIUaqpPQvqkUbS6y3mVWR8WIJHxwOowCgYIKoZIzj0EAwIw\n"
    "5p0EAiBLEsFvdywDqXQ+j1GLGlO6Lub6NavaP6HkdJKxC/qiQA==\n"
    "-----END CERTIFICATE-----\n"
)
_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    "registry",
    [
        "registry.example.com",
        "registry.example.com:5000",
        "localhost:5000",
        "my-docker-registry.com",
        "10.0.0.1",
        "10.0.0.1:443",
        "[fd00::1]:5000",
        "a:65535",
    ],
)
def test_registry_pattern_accepts_host_and_port(registry):
    assert registry_problem(registry) is None


@pytest.mark.parametrize(
    "registry",
    [
        "",
        "https://registry.example.com",
        "registry.example.com/v2",
        "registry.example.com:5000/",
        "registry.example.com:0",
        "registry.example.com:65536",
        "registry.example.com:",
        "-registry.example.com",
        "registry..example.com",
        "registry example.com",
        "../../etc",
        "registry.example.com\n",
    ],
)
def test_registry_pattern_rejects_scheme_path_and_bad_ports(registry):
    assert "is not a host or host:port" in registry_problem(registry)


@pytest.mark.parametrize(
    "certificate",
    [_CERT, _CERT.rstrip("\n"), _CERT + _CERT, "\n" + _CERT + "\n" + _CERT + "\n", _CERT.replace("\n", "\r\n")],
)
def test_certificate_pattern_accepts_pem_certificates(certificate):
    assert certificate_problem(certificate) is None


@pytest.mark.parametrize(
    "certificate",
    [
        "",
        _KEY,
        _CERT + _KEY,
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        _CERT.replace("-----END CERTIFICATE-----\n", ""),
        "/etc/ssl/certs/registry-ca.pem",
        "garbage\n" + _CERT,
    ],
)
def test_certificate_pattern_rejects_keys_paths_and_broken_blocks(certificate):
    problem = certificate_problem(certificate)
    assert problem and "MIGHAgEA" not in problem


@pytest.mark.parametrize("version", ["27.3.1", "5:27.3.1-1~debian.12~bookworm", "3:28.0.4-1.el9", "5:27.3*", "20.10.24+dfsg1-1+b3"])
def test_version_pattern_accepts_package_versions(version):
    assert docker_inputs._VERSION.match(version)  # pylint: disable=protected-access


@pytest.mark.parametrize("version", ["v27.3.1", "latest", "27.3.1; rm -rf /", "27.3.1 ", " 27.3.1", "27 3"])
def test_version_pattern_rejects_other_text(version):
    assert not docker_inputs._VERSION.match(version)  # pylint: disable=protected-access


def test_a_private_key_is_named_never_shown():
    assert certificate_problem(_KEY).startswith("holds a private key (not shown)")


def test_each_registry_once_whatever_its_case():
    report = Report()
    check_list([{"registry": "Registry.example.com", "certificate": _CERT},
                {"registry": "registry.example.com", "certificate": _CERT}], "docker_registry_ca_certs", report)
    assert [path for path, _message in report.errors] == ["docker_registry_ca_certs[1].registry"]


@pytest.mark.parametrize("name, shown", [
    # A name is quoted while it is shorter than 80 characters, so a pasted certificate never is.
    ("h/" + "x" * 77, "'h/%s'" % ("x" * 77)),
    ("h/" + "x" * 78, "'...'"),
    (5, "'...'"),
])
def test_registry_problem_quotes_only_short_names(name, shown):
    assert registry_problem(name).startswith(shown + " is not a host")


@pytest.mark.parametrize("text", [None, 5, ["-----BEGIN CERTIFICATE-----"]])
def test_certificate_problem_of_what_is_no_text(text):
    assert certificate_problem(text).startswith("is not one or more PEM certificate blocks")


def test_check_list_reports_every_item_at_its_path():
    report = Report()
    check_list(["not a dict", {"registry": "https://r:5000", "certificate": "x"}, {"registry": "r2", "certificate": 1},
                {"registry": "r3:5000", "certificate": _CERT}], "docker_registry_ca_certs", report)
    assert [path for path, _message in report.errors] == [
        "docker_registry_ca_certs[1].registry", "docker_registry_ca_certs[1].certificate",
        "docker_registry_ca_certs[2].certificate"]
