# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading config.toml (config_toml_reader): the parse, the bundled parser, the live credentials."""

from __future__ import annotations

import datetime
import os

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import _tomli, config_toml_reader
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_reader import (
    TomlSyntaxError,
    live_credentials,
    loads,
    read_live_credentials,
)

LIVE = """\
concurrent = 2

[[runners]]
  name = "rotated"
  url = "https://gitlab.example.com"
  id = 7
  token = "glrt-rotated-token-0001"
  token_obtained_at = 2026-05-01T10:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"
  [runners.docker]
    image = "docker:27.5.1"
    [[runners.docker.services]]
      name = "docker:27.5.1-dind"
      alias = "docker"

[[runners]]
  name = "never-registered"
  url = "https://gitlab.example.com"
  executor = "docker"

[[runners]]
  name = "elsewhere"
  url = "https://other.example.com"
  token = "glrt-other-token-0002"
  executor = "shell"
"""

ROTATED = {"url": "https://gitlab.example.com", "id": 7, "token": "glrt-rotated-token-0001",
           "token_obtained_at": "2026-05-01T10:00:00Z", "token_expires_at": "0001-01-01T00:00:00Z"}
ELSEWHERE = {"url": "https://other.example.com", "id": None, "token": "glrt-other-token-0002",
             "token_obtained_at": None, "token_expires_at": None}


# --- loads() ---------------------------------------------------------------------------------------

def test_loads_returns_the_document_with_toml_dates():
    data = loads(LIVE)
    assert data["runners"][0]["docker"]["services"] == [{"name": "docker:27.5.1-dind", "alias": "docker"}]
    assert data["runners"][0]["token_expires_at"] == datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ('name = "caf\u00e9"'.encode("utf-8"), {"name": "caf\u00e9"}),
    ("", {}),
    (b"", {}),
])
def test_loads_accepts_text_and_utf8_bytes(text, expected):
    assert loads(text) == expected


@pytest.mark.parametrize("text, line, column, at_end", [
    ("concurrent = 1\n[[runners]]\n  tls_verify = flase\n", 3, 16, False),
    ('a = "unterminated', 1, 18, True),
    ('volumes = ["/cache",\n', 2, 1, True),
    (b'name = "caf\xe9"\n', 1, 12, False),
    (b'a = 1\nb = 2\nname = "caf\xe9"\n', 3, 12, False),
    (b'\nname = "\xff"\n', 2, 9, False),
    (b'\xff = 1\n', 1, 1, False),
])
def test_syntax_errors_name_line_and_column(text, line, column, at_end):
    with pytest.raises(TomlSyntaxError) as caught:
        loads(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert isinstance(caught.value, ValueError)
    assert ("the end of the document (line %d, column %d)" % (line, column) in str(caught.value)) is at_end
    assert "GitLab Runner cannot load it" in str(caught.value)


@pytest.mark.parametrize("value", [None, 42, {"concurrent": 1}, ["a = 1"]])
def test_input_that_is_no_text_is_a_value_error_naming_its_type(value):
    with pytest.raises(ValueError, match="config.toml content must be a string, got") as caught:
        loads(value)
    assert not isinstance(caught.value, TomlSyntaxError)


def test_bundled_parser_reads_the_same_where_tomllib_is_missing(monkeypatch):
    """Managed hosts with Python < 3.11 read config.toml with the bundled tomli."""
    expected = loads(LIVE)
    monkeypatch.setattr(config_toml_reader, "_tomllib", _tomli)
    assert loads(LIVE) == expected
    with pytest.raises(TomlSyntaxError) as error:
        loads("concurrent = \n")
    assert (error.value.line, error.value.column) == (1, 14)


# --- live credentials ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    (LIVE, {"rotated": ROTATED, "elsewhere": ELSEWHERE}),
    ("", {}),
    (None, {}),
    ("concurrent = 1\n", {}),
    ('runners = "not tables"\n', {}),
    ('[[runners]]\n  name = ""\n  token = "glrt-nameless"\n', {}),
])
def test_live_credentials_lists_each_runner_with_a_name_and_a_token(text, expected):
    assert live_credentials(text) == expected


def test_live_credentials_of_text_that_is_not_toml_names_the_place_not_the_content():
    with pytest.raises(TomlSyntaxError) as caught:
        live_credentials('[[runners]]\n  token = "glrt-secret-unterminated\n')
    assert "line 2" in str(caught.value) and "glrt-secret" not in str(caught.value)


def test_read_live_credentials_reads_the_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(LIVE)
    assert read_live_credentials(str(path)) == {"rotated": ROTATED, "elsewhere": ELSEWHERE}


@pytest.mark.parametrize("path", [None, "", "missing/config.toml"])
def test_no_file_is_no_runner(tmp_path, path):
    assert read_live_credentials(str(tmp_path / path) if path else path) == {}


@pytest.mark.parametrize("content, message", [
    (b'[[runners]]\n  token = "glrt-secret-unterminated\n', r"config.toml: config.toml is not valid TOML: .* line 2"),
    # Not UTF-8: a fault of the file, named where it is, not a matter of rights.
    (b'concurrent = 1\nname = "\xff"\n', r"config.toml: config.toml is not valid TOML: bytes that are not UTF-8 .*"
                                         r"at line 2, column 9; .*fix or remove it"),
])
def test_an_unusable_file_is_an_error_naming_it_without_its_content(tmp_path, content, message):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as caught:
        read_live_credentials(str(path))
    assert "glrt-secret" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_asks_for_root(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(LIVE)
    path.chmod(0)
    with pytest.raises(ValueError, match="needs root"):
        read_live_credentials(str(path))


@pytest.mark.parametrize("text, reason", [
    ("concurrent = 1\n[[runners]]\n  tls_verify = flase\n", "invalid value"),
    ('a = "unterminated', "unterminated string"),
])
def test_the_reason_is_the_parsers_as_a_clause_without_its_position(text, reason):
    with pytest.raises(TomlSyntaxError) as caught:
        loads(text)
    assert caught.value.reason == reason
    assert "config.toml is not valid TOML: %s at " % reason in str(caught.value)


def test_a_directory_is_no_config_toml_and_no_matter_of_rights(tmp_path):
    with pytest.raises(ValueError) as caught:
        read_live_credentials(str(tmp_path))
    message = str(caught.value)
    assert message.startswith("cannot read %s (Is a directory): " % tmp_path)
    assert "config_path" in message and "become" not in message


def test_a_file_it_may_not_read_asks_for_root(tmp_path, monkeypatch):
    def _refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", _refuse)
    with pytest.raises(ValueError) as caught:
        read_live_credentials(str(tmp_path / "config.toml"))
    assert str(caught.value).startswith("cannot read %s (Permission denied): " % (tmp_path / "config.toml"))
    assert "needs root (become)" in str(caught.value)
