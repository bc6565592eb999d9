"""Filter mask_config_toml: a config.toml fit to print."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.mask_config_toml import FilterModule
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.secrets import find_tokens

mask_config_toml = FilterModule().filters()["mask_config_toml"]

LIVE = """
concurrent = 2

[[runners]]
  name = "demo"
  url = "https://ci:hunter2-password@gitlab.example.com"
  id = 7
  token = "glrt-t3_rotatedSecret"
  environment = ["DOCKER_TLS_CERTDIR=/certs", "DEPLOY_TOKEN=s3cr3t-value"]
  executor = "docker"
  [runners.cache]
    Type = "s3"
    [runners.cache.s3]
      AccessKey = "AKIAEXAMPLE"
      SecretKey = "wJalrXUtnFEMI"
"""


def test_masks_every_secret_and_keeps_the_rest():
    masked = mask_config_toml(LIVE)
    for secret in ("glrt-t3_rotatedSecret", "hunter2-password", "s3cr3t-value", "wJalrXUtnFEMI"):
        assert secret not in masked
    assert find_tokens(masked) == []
    assert 'token = "glrt-********"' in masked
    assert '"DOCKER_TLS_CERTDIR=/certs"' in masked
    assert 'name = "demo"' in masked and "id = 7" in masked and 'Type = "s3"' in masked


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_gives_empty_text(empty):
    assert mask_config_toml(empty) == ""


def test_refuses_what_is_not_text():
    with pytest.raises(AnsibleFilterError, match="must be config.toml text, got dict"):
        mask_config_toml({"token": "glrt-x"})
