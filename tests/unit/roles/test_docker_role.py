# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The docker role's preflight formats (its interface is checked with the others in test_role_interfaces.py)."""

import os
import re

import pytest
import yaml

_ROLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "docker")


def _load(*parts):
    with open(os.path.join(_ROLE, *parts)) as handle:
        return yaml.safe_load(handle)


ROLE_VARS = _load("vars", "main.yml")

_CERT = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBoTCCAUegAwIBAgIUaqpPQvqkUbS6y3mVWR8WIJHxwOowCgYIKoZIzj0EAwIw\n"
    "5p0EAiBLEsFvdywDqXQ+j1GLGlO6Lub6NavaP6HkdJKxC/qiQA==\n"
    "-----END CERTIFICATE-----\n"
)
_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"


def _matches(var, value):
    # Jinja's `match` test is re.match on the whole pattern, which is anchored with ^...$.
    return re.match(ROLE_VARS[var], value) is not None


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
    assert _matches("_docker_registry_pattern", registry)


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
    assert not _matches("_docker_registry_pattern", registry)


@pytest.mark.parametrize(
    "certificate",
    [_CERT, _CERT.rstrip("\n"), _CERT + _CERT, "\n" + _CERT + "\n" + _CERT + "\n", _CERT.replace("\n", "\r\n")],
)
def test_certificate_pattern_accepts_pem_certificates(certificate):
    assert _matches("_docker_certificate_pattern", certificate)


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
    assert not _matches("_docker_certificate_pattern", certificate)


@pytest.mark.parametrize("version", ["27.3.1", "5:27.3.1-1~debian.12~bookworm", "3:28.0.4-1.el9", "5:27.3*", "20.10.24+dfsg1-1+b3"])
def test_version_pattern_accepts_package_versions(version):
    assert _matches("_docker_version_pattern", version)


@pytest.mark.parametrize("version", ["v27.3.1", "latest", "27.3.1; rm -rf /", "27.3.1 ", " 27.3.1", "27 3"])
def test_version_pattern_rejects_other_text(version):
    assert not _matches("_docker_version_pattern", version)
