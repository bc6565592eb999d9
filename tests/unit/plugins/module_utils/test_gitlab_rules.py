"""gitlab_rules: GitLab's base URL, runner attributes and which token goes where, stated once."""

from __future__ import annotations

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.gitlab_rules import (
    RUNNER_ATTRIBUTES,
    is_loopback,
    attribute_problems,
    credentials_problem,
    http_url_problem,
    is_host,
    normalize_url,
    token_problem,
    url_problem,
)


@pytest.mark.parametrize("url", [
    "https://gitlab.example.com", "http://gitlab:8929", "http://gitlab:8929/", "https://example.com/gitlab",
    "HTTPS://gitlab.example.com", "https://[fd00::1]:8443", "https://10.0.0.5", " https://gitlab.example.com ",
    "https://gitlab.example.com:443/",
])
def test_url_accepted(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url, message", [
    (None, "is empty"), ("", "is empty"), (5, "must be a string"),
    ("gitlab.example.com", "is not an http(s) URL with a host"), ("ftp://gitlab", "is not an http(s) URL"),
    ("https://", "is not an http(s) URL with a host"), ("https://gitlab .example.com", "contains whitespace"),
    ("https://git\nlab", "contains whitespace"), ("https://https://gitlab", "has a scheme twice"),
    ("https://user:pw@gitlab", "carries credentials"), ("https://gitlab:99999", "has a port that is not a number"),
    ("https://gitlab:abc", "has a port that is not a number"), ("https://gitlab:0", "has port 0"),
    ("https://gitlab/?a=b", "has a query or fragment"), ("https://gitlab/#x", "has a query or fragment"),
    ("https://gitlab/api/v4", "ends in /api/v4"), ("https://gitlab/api/v4/", "ends in /api/v4"),
    ("https://-bad-.example.com", "has no valid host name"),
])
def test_url_refused(url, message):
    problem = url_problem(url)
    assert problem and message in problem
    assert "pw@" not in problem


def test_normalize_url():
    assert normalize_url(" https://gitlab.example.com/ ") == "https://gitlab.example.com"
    with pytest.raises(ValueError, match="^url 'gitlab' is not an http"):
        normalize_url("gitlab")


@pytest.mark.parametrize("url, ok", [("https://packages.example.com/x", True), ("packages.example.com", False),
                                     ("https://m:70000/", False), ("", False)])
def test_http_url(url, ok):
    assert (http_url_problem(url) is None) is ok


@pytest.mark.parametrize("url, apt, problem", [
    # apt runs a method named after the scheme (/usr/lib/apt/methods/HTTP does not exist); Python reads any case.
    ("HTTP://mirror.example.com/debian", True, "has its scheme in capitals: apt looks for a method of that name"),
    ("Https://mirror.example.com/debian", True, "/usr/lib/apt/methods/Https could not be found); write https://"),
    ("HTTP://mirror.example.com/debian", False, None),
    ("https://MIRROR.example.com/debian", True, None),
])
def test_http_url_for_apt(url, apt, problem):
    found = http_url_problem(url, apt=apt)
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("value, use, message", [
    ("glrt-abc", "runner", None), ("glrtr-abc", "runner", None), ("0123abcd", "runner", None),
    ("glpat-abc", "access", None), ("oauth-token", "access", None), ("GR1348941abc", "registration", None),
    ("glpat-abc", "runner", "is a personal, project or group access token"),
    ("glrt-abc", "access", "is a runner authentication token"),
    ("GR1348941abc", "access", "is a runner registration token"),
    ("gldt-abc", "runner", "is a deploy token"), ("glptt-abc", "access", "is a pipeline trigger token"),
    ("glpat-a b", "access", "contains whitespace"), (["glrt-x"], "runner", "must be a string"),
])
def test_token_problem(value, use, message):
    problem = token_problem(value, use)
    assert (problem is None) if message is None else (message in problem)
    assert problem is None or "-abc" not in problem


@pytest.mark.parametrize("attributes, credential, key, message", [
    ({"runner_type": "group_type"}, "access", "group_id", "is missing"),
    ({"runner_type": "project_type"}, "access", "project_id", "is missing"),
    ({"group_id": 3}, "access", "group_id", "is set but runner_type is instance_type"),
    ({"runner_type": "group_type", "group_id": 0}, "access", "group_id", "must be a positive GitLab ID"),
    ({"runner_type": "group_type", "group_id": True}, "access", "group_id", "must be a positive GitLab ID"),
    ({"runner_type": "shared"}, "access", "runner_type", "not one of"),
    ({"access_level": "protected"}, "access", "access_level", "not one of not_protected, ref_protected"),
    ({"tag_list": ["a,b"]}, "access", "tag_list[0]", "contains a comma"),
    ({"tag_list": [" "]}, "access", "tag_list[0]", "is empty"),
    ({"tag_list": ["t%d" % n for n in range(51)]}, "access", "tag_list", "has 51 tags: GitLab allows at most 50"),
    # Case counts: Docker and docker are two tags at GitLab.
    ({"tag_list": ["t%d" % n for n in range(50)] + ["T0"]}, "access", "tag_list", "has 51 tags"),
    ({"run_untagged": False}, "access", "run_untagged", "has no tags"),
    ({"run_untagged": False, "tag_list": [" "]}, "access", "run_untagged", "has no tags"),
    ({"maximum_timeout": 599}, "access", "maximum_timeout", "at least 600 (10 minutes)"),
    ({"maintenance_note": "x" * 1025}, "access", "maintenance_note", "at most 1024"),
])
def test_attribute_problems(attributes, credential, key, message):
    problems = attribute_problems(attributes, credential)
    assert [p for p in problems if p[0] == key and message in p[1]], problems


@pytest.mark.parametrize("attributes, credential", [
    ({}, "access"), ({"runner_type": "group_type", "group_id": 4}, "access"),
    ({"runner_type": "group_type"}, "registration"), ({"runner_type": "group_type"}, None),
    ({"group_id": 3}, "registration"), ({"run_untagged": False, "tag_list": ["docker"]}, "access"),
    ({"maximum_timeout": 600}, "access"), ({"maximum_timeout": 2629745}, "access"),
    ({"tag_list": ["t%d" % n for n in range(50)]}, "access"), ({"maintenance_note": "x" * 1024}, "access"),
    # GitLab counts its tags once each, stripped (Gitlab::Ci::Tags::TagList): 50 distinct of 52 items.
    ({"tag_list": ["t%d" % n for n in range(50)] + ["t0", " t1 "]}, "access"),
])
def test_attributes_accepted(attributes, credential):
    assert attribute_problems(attributes, credential) == []


@pytest.mark.parametrize("text, host", [
    ("gitlab.example.com", True), ("10.0.0.5", True), ("fd00::5", True), ("[fd00::5]", True), ("runner_01", True),
    ("http://10.0.0.5", False), ("10.0.0.5:5000", False), ("a b", False), ("", False), (None, False),
])
def test_is_host(text, host):
    assert is_host(text) is host


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("LOCALHOST", True), ("runner.localhost", True), ("localhost.", True),
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("0.0.0.0", True), ("::", True),
    ("172.17.0.1", False), ("10.0.0.5", False), ("fd00::1", False), ("localhost.example.com", False),
    ("gitlab.example.com", False), ("", False), (None, False), (127, False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("url, message", [
    # The second scheme right after the first one's "://".
    ("https://://gitlab.example.com", "has a scheme twice"),
    # A bare "?" or "#" leaves no query or fragment for urlsplit, and is refused all the same.
    ("https://gitlab.example.com?", "has a query or fragment"),
    ("https://gitlab.example.com/#", "has a query or fragment"),
])
def test_url_refused_at_the_edges(url, message):
    assert message in url_problem(url)


@pytest.mark.parametrize("url", [None, "", "gitlab.example.com", "https://gitlab .example.com", "https://gitlab:abc",
                                 "https://gitlab/?a=b", "https://-bad-.example.com"])
def test_url_problem_names_an_example_of_a_base_url(url):
    assert "e.g. https://gitlab.example.com" in url_problem(url)


@pytest.mark.parametrize("url, expected", [
    ("https://gitlab.example.com/", "https://gitlab.example.com"),
    ("https://gitlab.example.com/X/", "https://gitlab.example.com/X"),
    ("https://X", "https://X"),
])
def test_normalize_url_drops_only_trailing_slashes(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url, ok", [
    ("http://packages.example.com/x", True), ("https://packages.example.com", True),
    ("http://packages .example.com/", False), ("ftp://packages.example.com/", False), ("https:///x", False),
    (None, False), (5, False), ("   ", False),
])
def test_http_url_table(url, ok):
    problem = http_url_problem(url)
    assert (problem is None) is ok
    assert problem is None or problem.startswith(("is empty", "'"))


@pytest.mark.parametrize("value, use, named", [
    ("gloas-abc", "access", "an access token with the create_runner scope (glpat-...) is needed here"),
    ("glpat-abc", "registration", "a runner registration token (GR1348941...) is needed here"),
    ("glrt-abc", "access", "an access token with the create_runner scope (glpat-...) is needed here"),
    ("GR1348941abc", "runner", "a runner authentication token (glrt-...) is needed here"),
])
def test_token_problem_names_the_token_needed(value, use, named):
    problem = token_problem(value, use)
    assert (problem is None) if named is None else problem.endswith(named)


def test_an_oauth_application_secret_is_no_access_token():
    # An OAuth application's client secret (gloas-) authenticates no API request (GitLab's token prefixes).
    assert token_problem("gloas-Xq9fT2mZk8LpR4vB7nW1", "access") == (
        "is an OAuth application secret (gloas-********), but an access token with the create_runner scope "
        "(glpat-...) is needed here")


@pytest.mark.parametrize("access_token, registration_token, both", [
    ("glpat-a", "GR1348941b", True), ("glpat-a", "", False), ("", "GR1348941b", False), (None, None, False),
])
def test_credentials_problem_only_for_both(access_token, registration_token, both):
    assert (credentials_problem(access_token, registration_token) is not None) is both


@pytest.mark.parametrize("runner_type, key, value, ok", [
    ("group_type", "group_id", 1, True), ("group_type", "group_id", 0, False), ("project_type", "project_id", 1, True),
    ("project_type", "project_id", 0, False), ("project_type", "project_id", -1, False),
])
def test_the_smallest_gitlab_id_is_1(runner_type, key, value, ok):
    problems = attribute_problems({"runner_type": runner_type, key: value})
    assert [problem_key for problem_key, _message in problems] == ([] if ok else [key])


@pytest.mark.parametrize("attributes, problem", [
    # The default credential is the access token: runner_type and its id decide the scope.
    ({"runner_type": "group_type"}, ("group_id", "is missing: a group_type runner belongs to one group; set group_id "
                                                 "(its numeric ID) or use runner_type instance_type")),
    ({"runner_type": "project_type"}, ("project_id", "is missing: a project_type runner belongs to one project; set "
                                                     "project_id (its numeric ID) or use runner_type instance_type")),
    ({"project_id": 3}, ("project_id", "is set but runner_type is instance_type: set runner_type project_type for a "
                                       "project runner, or remove project_id")),
    ({"runner_type": "project_type", "group_id": 3, "project_id": 4},
     ("group_id", "is set but runner_type is project_type: set runner_type group_type for a group runner, or remove "
                  "group_id")),
])
def test_attribute_problem_names_the_fix(attributes, problem):
    assert attribute_problems(attributes) == [problem]


@pytest.mark.parametrize("timeout", ["600", 600.0, None])
def test_maximum_timeout_of_another_type(timeout):
    problems = attribute_problems({"maximum_timeout": timeout})
    assert [key for key, _message in problems] == ([] if timeout is None else ["maximum_timeout"])


def test_maximum_timeout_message_names_the_bound_accepted():
    (_key, message), = attribute_problems({"maximum_timeout": 1})
    assert message == "is 1: GitLab needs a whole number of seconds, at least 600 (10 minutes)"


@pytest.mark.parametrize("timeout", [600, 2629745, 2629746, 31536000])
def test_maximum_timeout_has_no_upper_bound(timeout):
    # Ci::Runner validates only greater_than_or_equal_to: 600; a month is a project's build_timeout limit.
    assert attribute_problems({"maximum_timeout": timeout}) == []


@pytest.mark.parametrize("host, loopback", [("localhostX", False), ("X.localhostX", False), ("[::1]X", False)])
def test_is_loopback_names_that_merely_contain_localhost(host, loopback):
    assert is_loopback(host) is loopback


def test_runner_attributes_are_those_of_gitlabs_create_runner_endpoint():
    # POST /api/v4/user/runners takes these besides runner_type, group_id and project_id (GitLab's "Runners API").
    assert sorted(RUNNER_ATTRIBUTES) == sorted(["description", "paused", "locked", "run_untagged", "tag_list",
                                                "access_level", "maximum_timeout", "maintenance_note"])
