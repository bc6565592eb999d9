# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os
import tomllib

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter import config_toml_findings as config_toml_plugin
from ansible_collections.runnerops.gitlab_runner.plugins.filter import to_toml as toml_plugin
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.config_toml_findings import ALL_FINDING_CODES

_FILTER_DIR = os.path.dirname(toml_plugin.__file__)

SOCKET_CONFIG = """\
[[runners]]
  name = "docker-socket"
  url = "https://gitlab.example.com"
  token = "glrt-0123456789abcdef"
  executor = "docker"
  [runners.docker]
    image = "docker:27.3.1"
    privileged = false
    volumes = ["/var/run/docker.sock:/var/run/docker.sock", "/cache"]
"""


def test_filters_registered():
    assert toml_plugin.FilterModule().filters() == {"to_toml": toml_plugin.to_toml}
    assert config_toml_plugin.FilterModule().filters() == {
        "config_toml_findings": config_toml_plugin.config_toml_findings
    }


def test_to_toml_round_trips():
    data = {"concurrent": 1, "runners": [{"name": "caf\u00e9", "docker": {"volumes": ["/cache"]}}]}
    assert tomllib.loads(toml_plugin.to_toml(data)) == data
    text = toml_plugin.to_toml(data, ascii_only=True)
    assert text.isascii() and tomllib.loads(text) == data


@pytest.mark.parametrize(
    "data, message",
    [
        ({"runners": [{"volumes": [None]}]}, r"^to_toml: runners\[0\]\.volumes\[0\]: TOML arrays cannot hold null"),
        ({"a": {1, 2}}, r"^to_toml: a: cannot write a set as TOML"),
        (["a"], r"^to_toml: TOML document must be a mapping"),
    ],
)
def test_to_toml_rejects_unsupported_values(data, message):
    with pytest.raises(AnsibleFilterError, match=message):
        toml_plugin.to_toml(data)


def test_to_toml_ascii_only_must_be_bool():
    with pytest.raises(AnsibleFilterError, match="to_toml: ascii_only must be true or false, got 'yes'"):
        toml_plugin.to_toml({}, ascii_only="yes")


def test_config_toml_findings():
    found = config_toml_plugin.config_toml_findings(SOCKET_CONFIG)
    assert [(f["severity"], f["code"], f["runner"], f["table"]) for f in found] == [
        ("error", "builds-not-shared", "docker-socket", "runners.docker")
    ]
    assert found[0]["message"].startswith('runner "docker-socket" [runners.docker]: socket mode, but builds_dir /builds')
    fixed = SOCKET_CONFIG.replace('"/cache"]', '"/cache", "/builds:/builds"]')
    assert config_toml_plugin.config_toml_findings(fixed, {"docker-socket": "socket"}) == []


def test_config_toml_findings_reports_syntax_errors_as_findings():
    found = config_toml_plugin.config_toml_findings("concurrent = 1\n[[runners]]\n  tls_verify = flase\n")
    assert [f["code"] for f in found] == ["toml-syntax"]
    assert "line 3, column 16" in found[0]["message"]


@pytest.mark.parametrize(
    "text, modes, message",
    [
        (None, None, r"^config_toml_findings: config.toml content must be a string"),
        ({"concurrent": 1}, None, r"^config_toml_findings: config.toml content must be a string"),
        (SOCKET_CONFIG, ["socket"], r"^config_toml_findings: modes must be a dict"),
        (SOCKET_CONFIG, {"docker-socket": True}, r'^config_toml_findings: modes\["docker-socket"\] must be'),
    ],
)
def test_config_toml_findings_rejects_wrong_argument_types(text, modes, message):
    with pytest.raises(AnsibleFilterError, match=message):
        config_toml_plugin.config_toml_findings(text, modes)


def _doc(name):
    with open(os.path.join(_FILTER_DIR, "%s.yml" % name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("name", ["to_toml", "config_toml_findings"])
def test_doc_files(name):
    doc = _doc(name)
    assert doc["DOCUMENTATION"]["name"] == name
    assert doc["DOCUMENTATION"]["version_added"] == "0.1.0"
    assert "_value" in doc["RETURN"]
    assert "ansible.builtin.set_fact" in doc["EXAMPLES"] and "# =>" in doc["EXAMPLES"]


def test_config_toml_findings_doc_lists_every_code():
    description = " ".join(_doc("config_toml_findings")["DOCUMENTATION"]["description"])
    missing = [code for code in ALL_FINDING_CODES if "C(%s)" % code not in description]
    assert missing == []
