"""secrets: the one vocabulary of GitLab token shapes and of masking."""

from __future__ import annotations

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import secrets
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens, mask, token_kind


@pytest.mark.parametrize("text, expected", [
    ("token glrt-AbC_123-xyz here", "token glrt-******** here"),
    ("routable glrt-t1_abcDEF.01.0abc12345.", "routable glrt-********."),
    ("glpat-abcdef12345 and gldt-abcdef12345", "glpat-******** and gldt-********"),
    ("registration GR1348941AbCdEf", "registration GR1348941********"),
    ("glrtr-abcdef1234", "glrtr-********"),
    ("https://root:S3cr3t@gitlab.example.com/x", "https://root:********@gitlab.example.com/x"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----********"),
    ("-----BEGIN EC PRIVATE KEY-----\nMHcC", "-----BEGIN EC PRIVATE KEY-----********"),
    ("no token here, glrt- alone, gitlab-runner-helper", "no token here, glrt- alone, gitlab-runner-helper"),
    ("already masked glrt-********", "already masked glrt-********"),
])
def test_mask(text, expected):
    assert mask(text) == expected


def test_mask_known_secrets_first():
    assert mask("value opaque-secret-123 here", {"opaque-secret-123"}) == "value ******** here"
    assert mask("a glpat-known-token-1 b", {"glpat-known-token-1"}) == "a glpat-******** b"


@pytest.mark.parametrize("value, prefix", [
    ("glrt-x", "glrt-"), ("glrtr-x", "glrtr-"), ("GR1348941x", "GR1348941"), ("glpat-x", "glpat-"),
    ("glptt-x", "glptt-"), ("gldt-x", "gldt-"), (" glpat-x ", "glpat-"), ("plain", None), (5, None),
])
def test_token_kind(value, prefix):
    kind = token_kind(value)
    assert (kind[0] if kind else None) == prefix


def test_find_tokens_ignores_masks():
    assert find_tokens("glrt-******** and glpat-live-token-1") == ["glpat-live-token-1"]


def test_environment_secrets_of_a_runner_environment():
    found = secrets.environment_secrets([
        "HTTPS_PROXY=http://ci-bot:p%40ss-word@proxy:3128", "DOCKER_AUTH_CONFIG={\"auths\": {}}",
        "DB_PASSWORD=hunter2", "CI_JOB_TOKEN_FILE=", "PATH=/usr/bin", "FOO=glrt-abcdef123456", "EMPTY"])
    assert found == {"p%40ss-word", "p@ss-word", "{\"auths\": {}}", "hunter2", "glrt-abcdef123456"}


def test_environment_secrets_of_a_dict():
    assert secrets.environment_secrets({"HTTP_PROXY": "http://u:pw12@p:1", "NO_PROXY": "docker"}) == {"pw12"}
    assert secrets.environment_secrets(None) == set()
