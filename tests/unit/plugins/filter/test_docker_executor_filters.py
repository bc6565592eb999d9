# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.runnerops.gitlab_runner.plugins.filter import docker_executor_findings as filter_plugin
from ansible_collections.runnerops.gitlab_runner.plugins.filter import docker_volume as volume_plugin
from ansible_collections.runnerops.gitlab_runner.plugins.filter.docker_executor_findings import docker_executor_findings
from ansible_collections.runnerops.gitlab_runner.plugins.filter.docker_volume import docker_volume
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_modes import FINDING_CODES

# The doc files beside the plugin that was imported (the built collection under `make test`).
_FILTER_DIR = os.path.dirname(filter_plugin.__file__)


def test_filters_registered_each_in_the_file_named_after_it():
    assert filter_plugin.FilterModule().filters() == {"docker_executor_findings": docker_executor_findings}
    assert volume_plugin.FilterModule().filters() == {"docker_volume": docker_volume}


def test_docker_volume():
    assert docker_volume("/a/:/b:ro") == {
        "type": "bind",
        "source": "/a",
        "target": "/b",
        "options": ["ro"],
        "read_only": True,
    }


@pytest.mark.parametrize(
    "spec, message",
    [
        ("./x:/y", "use an absolute host path"),
        ("/data:ro", "only one path"),
        ("", "empty volume spec"),
        (None, "a volume spec must be a string"),
    ],
)
def test_docker_volume_bad_spec(spec, message):
    with pytest.raises(AnsibleFilterError) as error:
        docker_volume(spec)
    assert str(error.value).startswith("docker_volume: ")
    assert message in str(error.value)


def test_docker_executor_findings_defaults():
    docker = {"privileged": False, "volumes": ["/builds:/builds", "/var/run/docker.sock:/var/run/docker.sock"]}
    assert docker_executor_findings(docker, "socket") == []
    found = docker_executor_findings(docker, "socket", "/srv/builds")
    assert [f["code"] for f in found] == ["builds-not-shared"]


def test_docker_executor_findings_dind_arguments():
    docker = {"image": "docker:20.10.16", "privileged": True, "volumes": []}
    found = docker_executor_findings(docker, "dind", "/builds", ["docker:20.10.16-dind"], {"DOCKER_TLS_CERTDIR": ""})
    assert [f["code"] for f in found] == ["dind-without-tls"]


@pytest.mark.parametrize(
    "args, message",
    [
        ((None, "socket"), "docker must be the [runners.docker] table as a dict"),
        (({}, 5), 'mode must be "socket" or "dind"'),
        (({"volumes": "/builds"}, "socket"), "[runners.docker] volumes must be a list of strings"),
        (({"privileged": "yes"}, "dind"), "[runners.docker] privileged must be true or false"),
        (({}, "dind", "/builds", "docker:dind"), "services must be a list of services"),
        (({}, "dind", "/builds", [], ["A=b"]), "variables must be a dict of job variables"),
        (({}, "socket", "builds"), "builds_dir must be an absolute path"),
    ],
)
def test_docker_executor_findings_bad_input(args, message):
    with pytest.raises(AnsibleFilterError) as error:
        docker_executor_findings(*args)
    assert str(error.value).startswith("docker_executor_findings: ")
    assert message in str(error.value)


def _doc(name):
    with open(os.path.join(_FILTER_DIR, name + ".yml")) as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("name", ["docker_volume", "docker_executor_findings"])
def test_filter_doc(name):
    doc = _doc(name)
    assert doc["DOCUMENTATION"]["name"] == name
    assert doc["DOCUMENTATION"]["version_added"] == "0.1.0"
    assert "_input" in doc["DOCUMENTATION"]["options"]
    assert "# =>" in doc["EXAMPLES"]
    assert "_value" in doc["RETURN"]


def test_findings_doc_lists_every_code_with_severity():
    description = _doc("docker_executor_findings")["DOCUMENTATION"]["description"]
    for code, (severity, _summary) in FINDING_CODES.items():
        assert any(line.startswith("C(%s), %s: " % (code, severity)) for line in description), code
