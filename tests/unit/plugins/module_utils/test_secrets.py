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


# GitLab's "Token overview": every prefix and the kind of token it marks.
GITLAB_TOKEN_PREFIXES = [
    ("glrt-", "runner authentication token"),
    ("glrtr-", "runner authentication token"),
    ("GR1348941", "runner registration token"),
    ("glpat-", "personal, project or group access token"),
    ("gloas-", "OAuth application secret"),
    ("gldt-", "deploy token"),
    ("glcbt-", "CI/CD job token"),
    ("glptt-", "pipeline trigger token"),
    ("glft-", "feed token"),
    ("glimt-", "incoming mail token"),
    ("glagent-", "agent for Kubernetes token"),
    ("glsoat-", "SCIM token"),
    ("glffct-", "feature flags client token"),
]


@pytest.mark.parametrize("prefix, kind", GITLAB_TOKEN_PREFIXES)
def test_every_gitlab_token_prefix_has_its_kind(prefix, kind):
    assert token_kind(prefix + "abcd1234") == (prefix, kind)


@pytest.mark.parametrize("prefix", [prefix for prefix, _kind in GITLAB_TOKEN_PREFIXES])
def test_every_gitlab_token_prefix_is_masked_in_text(prefix):
    assert mask("value %sAbCd_12-34 here" % prefix) == "value %s******** here" % prefix
    assert mask("known", secrets=[prefix + "abcd"]) == "known"
    assert mask("it is %sabcd" % prefix, secrets=[prefix + "abcd"]) == "it is %s********" % prefix


@pytest.mark.parametrize("secrets_given, text, expected", [
    # A secret of four characters or more is masked, a shorter one would hide common words.
    (["abcd"], "x abcd y", "x ******** y"),
    (["abc"], "x abc y", "x abc y"),
    # A longer secret that holds a shorter one is masked whole, whatever the order given.
    (["abcd", "abcdefgh"], "x abcdefgh y", "x ******** y"),
    (["abcdefgh", "abcd"], "x abcdefgh y", "x ******** y"),
    # What is not a string is no secret to look for.
    ([None, 12345, b"abcd"], "x 12345 abcd y", "x 12345 abcd y"),
])
def test_mask_known_secrets(secrets_given, text, expected):
    assert mask(text, secrets=secrets_given) == expected


@pytest.mark.parametrize("name, at_end, anywhere", [
    ("token", True, True), ("TOKENS", True, True), ("db_password", True, True), ("client_secret", True, True),
    ("AccountKey", True, True), ("sentry_dsn", True, True), ("registry_credential", True, True),
    ("credentials", True, True), ("token_obtained_at", False, True), ("secret_file", False, True),
    ("dsn_host", False, True), ("credential_helper", False, True), ("password_file", False, True),
    ("keep_alive", False, False), ("monkey_count", False, False), ("name", False, False), ("url", False, False),
])
def test_secret_names(name, at_end, anywhere):
    assert bool(secrets.SECRET_NAME.search(name)) is at_end
    assert bool(secrets.SECRET_NAME_ANYWHERE.search(name)) is anywhere


@pytest.mark.parametrize("url, shown", [
    ("http://bot:hunter2@proxy:3128", "http://bot:********@proxy:3128"),
    ("http://bot:hunter/2secret@proxy:3128", "http://bot:********@proxy:3128"),
    ("bot:hunter2@proxy:3128", "bot:********@proxy:3128"),
    ("https://Xq9fT2mZk8LpR4vB7nW1@gitlab.example.com", "https://********@gitlab.example.com"),
    ("https://gitlab.example.com/?private_token=AbCd1234&page=2#top",
     "https://gitlab.example.com/?private_token=********&page=********#top"),
    ("https://gitlab.example.com:8443", "https://gitlab.example.com:8443"),
    (None, None),
])
def test_mask_url_hides_credentials_and_query_values(url, shown):
    assert secrets.mask_url(url) == shown
