"""Filter runner_tokens: credentials read back from a live config.toml."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter.runner_tokens import FilterModule

runner_tokens = FilterModule().filters()["runner_tokens"]

LIVE = """
concurrent = 2

[[runners]]
  name = "rotated"
  url = "https://gitlab.example.com"
  id = 7
  token = "glrt-rotated"
  token_obtained_at = 2026-05-01T10:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"

[[runners]]
  name = "never-registered"
  url = "https://gitlab.example.com"
  executor = "docker"
"""


def test_reads_each_registered_runner():
    assert runner_tokens(LIVE) == {
        "rotated": {
            "url": "https://gitlab.example.com",
            "id": 7,
            "token": "glrt-rotated",
            "token_obtained_at": "2026-05-01T10:00:00Z",
            "token_expires_at": "0001-01-01T00:00:00Z",
        }
    }


@pytest.mark.parametrize("text", ["", None, "concurrent = 1\n"])
def test_no_runners_gives_empty(text):
    assert runner_tokens(text) == {}


def test_bad_toml_is_a_clear_error_without_the_content():
    with pytest.raises(AnsibleFilterError) as error:
        runner_tokens('[[runners]]\n  token = "glrt-secret\n')
    assert "runner_tokens:" in str(error.value)
    assert "line 2" in str(error.value)
    assert "glrt-secret" not in str(error.value)


def test_non_text_input_is_rejected():
    with pytest.raises(AnsibleFilterError, match="must be config.toml text"):
        runner_tokens({"runners": []})
