# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docker_auth: GitLab Runner's registry credential rules (helpers/docker/auth/auth.go).

The runner's own tables for the same functions run in test_runner_tables.py.
"""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_auth

SECRET = "s3cr3t-Pa55word"


def _auth(user, password):
    return base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class _Report(object):
    def __init__(self):
        self.errors = []

    def error(self, path, message):
        self.errors.append((path, message))


@pytest.mark.parametrize("image, expected", [
    ("alpine", "docker.io/alpine"),
    ("alpine:3.20", "docker.io/alpine"),
    ("group/app:1", "docker.io/group/app"),
    ("docker.io/library/alpine", "docker.io/library/alpine"),
    ("Index.Docker.IO/group/app", "docker.io/group/app"),
    ("Registry.Example.com:5000/Group/App:tag", "registry.example.com:5000/Group/App"),
    ("localhost/app", "localhost/app"),
    ("localhost:5000/app:1", "localhost:5000/app"),
    ("myregistry/app", "docker.io/myregistry/app"),
    ("registry.example.com//group/app", "registry.example.com/group/app"),
])
def test_normalize_image_ref(image, expected):
    assert docker_auth.normalize_image_ref(image) == expected


@pytest.mark.parametrize("address, expected", [
    ("registry.example.com", "registry.example.com"),
    ("registry.example.com/", "registry.example.com"),
    ("Registry.Example.com:5000/Group", "registry.example.com:5000/Group"),
    ("registry.example.com/group/image:latest", "registry.example.com/group/image"),
    ("registry.example.com:5000", "registry.example.com:5000"),
    ("https://registry.example.com:5000/v1/", "registry.example.com:5000"),
    ("http://Registry.Example.com/group/path", "registry.example.com"),
    ("https://index.docker.io/v1/", "docker.io"),
    ("index.docker.io", "index.docker.io"),  # without a scheme the runner does not rewrite it
])
def test_registry_path(address, expected):
    assert docker_auth.registry_path(address) == expected


def test_wrong_types_raise():
    with pytest.raises(ValueError, match="an image name must be a string"):
        docker_auth.normalize_image_ref(None)
    with pytest.raises(ValueError, match="server address must be a string"):
        docker_auth.registry_path(5000)
    with pytest.raises(ValueError, match="auths must be"):
        docker_auth.config_for_image("alpine", "registry.example.com")


AUTHS = {
    "registry.local": {"auth": _auth("one", "p1")},
    "registry.local/ns": {"username": "two", "password": "p2"},
    "registry.local/ns/some/image": {"auth": _auth("three", "p3")},
    "https://index.docker.io/v1/": {"auth": _auth("hub", "p4")},
}


@pytest.mark.parametrize("image, user", [
    ("registry.local/foo/image:3", "one"),
    ("registry.local/ns/image:5", "two"),
    ("registry.local/ns/some/image:l", "three"),
    ("registry.local/ns/some/image/deeper", "three"),
    ("REGISTRY.LOCAL/ns/image", "two"),
    ("alpine:3.20", "hub"),
    ("index.docker.io/group/app", "hub"),
    ("other.example.com/app", None),
    ("registry.local.example.com/app", None),
])
def test_config_for_image_takes_the_longest_path(image, user):
    found = docker_auth.config_for_image(image, AUTHS)
    assert (found and found["username"]) == user


def test_config_for_image_first_credential_of_a_path_wins():
    pairs = [("registry.local/ns", {"username": "from-variable", "password": "a"}),
             ("registry.local/ns", {"username": "from-job", "password": "b"}),
             ("registry.local/ns/blipp", {"username": "job-specific", "password": "c"})]
    assert docker_auth.config_for_image("registry.local/ns/x:1", pairs)["username"] == "from-variable"
    assert docker_auth.config_for_image("registry.local/ns/blipp/x:1", pairs)["username"] == "job-specific"
    # A dict is taken in sorted order, as the runner orders DOCKER_AUTH_CONFIG's auths.
    sorted_first = {"https://registry.local/v1/": {"username": "b", "password": "x"},
                    "Registry.local": {"username": "a", "password": "x"}}
    assert docker_auth.config_for_image("registry.local/app", sorted_first)["username"] == "a"


def test_read_auth_config_decodes_like_the_docker_cli():
    text = json.dumps({"auths": {
        "registry.example.com:5000": {"auth": _auth("ci", SECRET)},
        "https://index.docker.io/v1/": {"username": "hub", "password": "pw"},
        "a.example.com": {"auth": base64.b64encode(b"user:pa:ss\x00").decode()},
    }})
    assert docker_auth.read_auth_config(text) == [
        {"path": "a.example.com", "server_address": "a.example.com", "username": "user", "password": "pa:ss"},
        {"path": "docker.io", "server_address": "https://index.docker.io/v1/", "username": "hub", "password": "pw"},
        {"path": "registry.example.com:5000", "server_address": "registry.example.com:5000", "username": "ci",
         "password": SECRET},
    ]
    assert docker_auth.read_auth_config("{}") == []


@pytest.mark.parametrize("text, message", [
    ("{not json", "is not JSON"),
    ("[]", "must be a JSON object"),
    ('{"auths": []}', '"auths" must be an object'),
    ('{"auths": {"r.example.com": "x"}}', "must be an object with"),
    ('{"auths": {"r.example.com": {"auth": "%%%%"}}}', "is not base64"),
    ('{"auths": {"r.example.com": {"auth": "%s"}}}' % base64.b64encode(SECRET.encode()).decode(),
     'does not decode to "username:password"'),
    ('{"auths": {"r.example.com": {"auth": "%s"}}}' % base64.b64encode((":" + SECRET).encode()).decode(),
     'does not decode to "username:password"'),
    (None, "must be a JSON text"),
])
def test_read_auth_config_errors_never_show_the_secret(text, message):
    with pytest.raises(ValueError, match=message) as error:
        docker_auth.read_auth_config(text)
    assert SECRET not in str(error.value)
    assert [path for path, _message in docker_auth.auth_config_problems(text)] == ["DOCKER_AUTH_CONFIG"]


def test_auth_config_problems():
    text = json.dumps({
        "credsStore": "desktop",
        "credHelpers": {"registry.example.com": "ecr-login"},
        "auths": {"https://registry.example.com/v1/": {"auth": _auth("a", SECRET)},
                  "registry.example.com": {"auth": _auth("b", SECRET)}},
    })
    problems = docker_auth.auth_config_problems(text, "runner_docker_auth_config")
    assert [path for path, _message in problems] == [
        "runner_docker_auth_config.credsStore",
        "runner_docker_auth_config.credHelpers",
        'runner_docker_auth_config.auths["registry.example.com"]',
    ]
    assert "docker-credential-" in problems[0][1]
    assert 'credentials for "registry.example.com" already set' in problems[2][1]
    assert not any(SECRET in message for _path, message in problems)
    assert docker_auth.auth_config_problems(docker_auth.build_auth_config(
        [{"registry": "registry.example.com", "username": "u", "password": SECRET}])) == []


def _entry(registry="registry.example.com:5000", username="ci-bot", password=SECRET, **extra):
    entry = {"registry": registry, "username": username, "password": password}
    entry.update(extra)
    return entry


@pytest.mark.parametrize("registry", [
    "registry.example.com", "registry.example.com:5000", "registry.example.com/group", "localhost:5000",
    "localhost", "10.0.0.5:5000", "[::1]:5000", "docker.io", "registry-1.example.com/group/sub_group",
    "my-registry:5000",
])
def test_accepted_registries(registry):
    assert docker_auth.credential_problems([_entry(registry)], "creds") == []


@pytest.mark.parametrize("registry, fragment", [
    ("https://registry.example.com:5000", "write 'registry.example.com:5000'"),
    ("https://registry.example.com/v2/", "write 'registry.example.com'"),
    ("https://registry.example.com/group", "or 'registry.example.com/group' for the credentials of that path only"),
    ("registry.example.com/", "ends with '/'"),
    ("index.docker.io", "write 'docker.io'"),
    ("myregistry", "read as a Docker Hub namespace"),
    ("myregistry/group", "read as a Docker Hub namespace"),
    ("registry.example.com/Group", "path component 'Group'"),
    ("registry.example.com/group/app:latest", "names a tag"),
    ("registry.example.com:99999", "port 99999"),
    ("-bad.example.com", "does not start with a host name"),
    ("registry.example.com /x", "whitespace"),
    ("", "an empty string"),
    (None, "got NoneType"),
])
def test_rejected_registries(registry, fragment):
    problems = docker_auth.credential_problems([_entry(registry)], "creds")
    assert [path for path, _message in problems] == ["creds[0].registry"]
    assert fragment in problems[0][1]


def test_credentials_in_a_registry_are_not_shown():
    problems = docker_auth.credential_problems([_entry("https://ci:%s@registry.example.com" % SECRET)], "creds")
    assert [path for path, _message in problems] == ["creds[0].registry"]
    assert SECRET not in problems[0][1] and "not shown" in problems[0][1]


@pytest.mark.parametrize("change, path, fragment", [
    ({"username": ""}, "creds[0].username", "non-empty string"),
    ({"username": None}, "creds[0].username", "non-empty string"),
    ({"username": "ci:bot"}, "creds[0].username", "contains ':'"),
    ({"password": ""}, "creds[0].password", "non-empty string"),
    ({"password": 1234}, "creds[0].password", "non-empty string"),
    ({"token": "x"}, "creds[0].token", "not a key of a registry credential"),
])
def test_rejected_credentials(change, path, fragment):
    entry = _entry()
    entry.update(change)
    problems = docker_auth.credential_problems([entry], "creds")
    assert [where for where, _message in problems] == [path]
    assert fragment in problems[0][1]
    assert SECRET not in problems[0][1] and "1234" not in problems[0][1]


@pytest.mark.parametrize("first, second", [
    ("registry.example.com", "registry.example.com"),
    ("registry.example.com", "Registry.Example.com"),
    ("registry.example.com/group", "REGISTRY.example.com/group"),
])
def test_duplicate_registry_paths(first, second):
    problems = docker_auth.credential_problems([_entry(first), _entry(second)], "creds")
    assert [path for path, _message in problems] == ["creds[1].registry"]
    assert "already given by creds[0]" in problems[0][1]
    assert "credentials for" in problems[0][1] and "already set" in problems[0][1]


def test_different_paths_of_one_host_are_not_duplicates():
    entries = [_entry("registry.example.com"), _entry("registry.example.com/group"),
               _entry("registry.example.com:5000")]
    assert docker_auth.credential_problems(entries, "creds") == []


@pytest.mark.parametrize("entries, fragment", [
    ("registry.example.com", "must be a list"),
    (["registry.example.com"], "must be a mapping"),
])
def test_list_shapes(entries, fragment):
    problems = docker_auth.credential_problems(entries, "creds")
    assert len(problems) == 1 and fragment in problems[0][1]
    assert docker_auth.credential_problems(None, "creds") == []


def test_check_list_reports_through_the_report():
    report = _Report()
    docker_auth.check_list([_entry("https://r.example.com"), _entry(password="")], "runner_registry_credentials",
                           report)
    assert [path for path, _message in report.errors] == [
        "runner_registry_credentials[0].registry", "runner_registry_credentials[1].password"]


def test_build_auth_config_is_the_documented_form():
    text = docker_auth.build_auth_config([
        _entry("registry.example.com:5000", "ci-bot", SECRET),
        _entry("docker.io", "hub-user", "hub:pass"),
    ])
    assert json.loads(text) == {"auths": {
        "docker.io": {"auth": _auth("hub-user", "hub:pass")},
        "registry.example.com:5000": {"auth": _auth("ci-bot", SECRET)},
    }}
    assert text == docker_auth.build_auth_config(list(reversed([
        _entry("registry.example.com:5000", "ci-bot", SECRET), _entry("docker.io", "hub-user", "hub:pass")])))
    assert docker_auth.config_for_image("registry.example.com:5000/group/app:1",
                                        json.loads(text)["auths"])["password"] == SECRET
    assert docker_auth.build_auth_config([]) == '{"auths":{}}'


def test_build_auth_config_refuses_a_bad_list_without_showing_secrets():
    with pytest.raises(ValueError) as error:
        docker_auth.build_auth_config([_entry("https://r.example.com"), _entry("r.example.com", password="")],
                                      "runner_registry_credentials")
    text = str(error.value)
    assert text.startswith("2 problem(s) with runner_registry_credentials: runner_registry_credentials[0].registry")
    assert SECRET not in text


@pytest.mark.parametrize("image, expected", [
    # Go's path.Clean: leading slashes become one, and what follows them stays.
    ("//Xreg.example.com/app", "docker.io/Xreg.example.com/app"),
    ("", "docker.io"),
])
def test_normalize_image_ref_cleans_as_go_does(image, expected):
    assert docker_auth.normalize_image_ref(image) == expected


@pytest.mark.parametrize("credentials, user, password", [
    ({"auth": _auth("u", "pX")}, "u", "pX"),
    ({"auth": _auth("u", "Xp\x00")}, "u", "Xp"),
    ({"password": "p"}, "", "p"),
    ({"username": "u"}, "u", ""),
])
def test_credentials_read_as_docker_reads_them(credentials, user, password):
    (entry,) = docker_auth.read_auth_config(json.dumps({"auths": {"r.example.com": credentials}}))
    assert (entry["username"], entry["password"]) == (user, password)


@pytest.mark.parametrize("credentials, message", [
    ({"auth": 5}, 'auths["r.example.com"].auth must be a string'),
    ({"username": "u", "password": 5}, 'auths["r.example.com"]: username and password must be strings'),
    ({"username": 5, "password": "p"}, 'auths["r.example.com"]: username and password must be strings'),
])
def test_credentials_of_the_wrong_type_name_their_entry(credentials, message):
    with pytest.raises(ValueError) as error:
        docker_auth.read_auth_config(json.dumps({"auths": {"r.example.com": credentials}}))
    assert str(error.value).startswith(message)


def test_config_for_image_names_the_entry_by_its_index():
    with pytest.raises(ValueError) as error:
        docker_auth.config_for_image("r.example.com/app", [("a.example.com", {}), ("r.example.com", {"auth": 5})])
    assert str(error.value).startswith("auths[1].auth must be a string")


@pytest.mark.parametrize("registry, fix", [
    ("https://r.example.com", "write 'r.example.com'"),
    ("https://r.example.com/v2/", "write 'r.example.com'"),
    ("https://R.example.com/team/app", "write 'r.example.com', or 'R.example.com/team/app' for the credentials of "
                                       "that path only"),
])
def test_a_registry_with_a_scheme_names_what_to_write(registry, fix):
    assert docker_auth.registry_problem(registry).endswith(fix)


@pytest.mark.parametrize("registry, ok", [
    ("r.example.com:1", True), ("r.example.com:65535", True), ("r.example.com:0", False),
    ("r.example.com:65536", False),
])
def test_registry_ports_from_1_to_65535(registry, ok):
    assert (docker_auth.registry_problem(registry) is None) is ok


@pytest.mark.parametrize("registry", ["", None])
def test_registry_problem_names_an_example(registry):
    assert "host[:port][/path] such as registry.example.com:5000, got " in docker_auth.registry_problem(registry)


def test_build_auth_config_names_the_list_by_default():
    with pytest.raises(ValueError) as error:
        docker_auth.build_auth_config([_entry(username="")])
    assert str(error.value).startswith("1 problem(s) with registry credentials: registry credentials[0].username ")


@pytest.mark.parametrize("registry, got", [("", "got an empty string"), (None, "got NoneType"), (5, "got int")])
def test_registry_problem_says_what_it_got(registry, got):
    assert docker_auth.registry_problem(registry).endswith(got)
