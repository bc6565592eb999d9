# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import http_proxy, proxy_environment
from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.role_inputs import Report


@pytest.mark.parametrize("url", [
    "http://proxy.example.com:3128",
    "http://proxy.example.com:3128/",
    "http://10.0.0.41:8080",
    "http://[fd00::41]:8080",
    "https://proxy.example.com:443",
    "http://PROXY.EXAMPLE.COM:3128",
    "http://ci-bot:s3cr%40t@proxy.example.com:3128",
    "http://ci-bot@proxy.example.com:3128",
    "http://172.17.0.1:3128",
])
def test_proxy_urls_accepted(url):
    assert http_proxy.proxy_url_problem(url) is None


@pytest.mark.parametrize("url, words", [
    ("docker0_interface_ip:3128", "has no scheme"),
    ("proxy.example.com:3128", "has no scheme"),
    ("10.0.0.41:8080", "has no scheme"),
    ("http://proxy.example.com", "has no port"),
    ("http://proxy.example.com/", "has no port"),
    ("http://proxy.example.com:0", "has no port"),
    ("http://proxy.example.com:99999", "not a number from 1 to 65535"),
    ("http://proxy.example.com:31x8", "not a number from 1 to 65535"),
    (" http://proxy.example.com:3128", "whitespace"),
    ("http://proxy.example.com:3128\n", "whitespace"),
    ("http://proxy .example.com:3128", "whitespace"),
    ("socks5://proxy.example.com:1080", "scheme socks5"),
    ("ftp://proxy.example.com:21", "scheme ftp"),
    ("http://http://proxy.example.com:3128", "scheme twice"),
    # apt refuses it (Unsupported proxy configured), as the proxy of its configuration or of http_proxy.
    ("HTTP://proxy.example.com:3128", "scheme in capitals: apt refuses such a proxy"),
    ("Https://proxy.example.com:3128", "write https://"),
    ("http://proxy.example.com:3128/proxy.pac", "path, query or fragment"),
    ("http://proxy.example.com:3128?x=1", "path, query or fragment"),
    ("http://proxy.example.com:3128#x", "path, query or fragment"),
    ("http://user:pa/ss@proxy.example.com:3128", "percent-encoded"),
    ("http://:3128", "no valid host"),
    ("http://proxy_!.example.com:3128", "no valid host"),
    ("http://127.0.0.1:3128", "loopback"),
    ("http://127.0.1.1:3128", "loopback"),
    ("http://localhost:3128", "loopback"),
    ("http://LOCALHOST:3128", "loopback"),
    ("http://[::1]:3128", "loopback"),
    ("http://0.0.0.0:3128", "loopback"),
    ("", "empty"),
])
def test_proxy_urls_refused(url, words):
    problem = http_proxy.proxy_url_problem(url)
    assert problem is not None and words in problem, problem


def test_proxy_url_problem_never_shows_the_password():
    for url in ("http://bot:hunter2secret@127.0.0.1:3128", "http://bot:hunter2secret@proxy:3128/x",
                "http://bot:hunter2secret@proxy", "ftp://bot:hunter2secret@proxy:21"):
        problem = http_proxy.proxy_url_problem(url)
        assert problem and "hunter2secret" not in problem


def test_proxy_url_problem_of_a_non_string():
    assert "must be a string" in http_proxy.proxy_url_problem(3128)


@pytest.mark.parametrize("entry", [
    "gitlab.example.com", ".example.com", "example.com", "10.0.0.5", "10.0.0.0/8", "fd00::/8", "::1", "[::1]:2375",
    "docker:2376", "*", "*.example.com", "registry_1.internal", "gitlab.example.com.",
])
def test_no_proxy_entries_accepted(entry):
    assert http_proxy.no_proxy_problem(entry) is None


@pytest.mark.parametrize("entry, words", [
    ("", "empty"),
    ("gitlab.example.com ", "whitespace"),
    ("a.example.com,b.example.com", "comma"),
    ("https://gitlab.example.com", "is a URL"),
    ("gitlab.*.com", "wildcard inside"),
    ("gitlab*", "wildcard inside"),
    ("10.0.0.0/33", "neither a host nor a CIDR"),
    ("gitlab/api", "neither a host nor a CIDR"),
    ("docker:port", "port that is not a number"),
    ("docker:0", "port that is not a number"),
    ("docker:65536", "port that is not a number"),
    ("gitlab!.example.com", "not a host name"),
    (5, "must be a string"),
])
def test_no_proxy_entries_refused(entry, words):
    problem = http_proxy.no_proxy_problem(entry)
    assert problem is not None and words in problem, problem


def test_no_proxy_url_entry_says_what_to_write():
    assert "'gitlab.example.com'" in http_proxy.no_proxy_problem("https://gitlab.example.com:8443/x")


def test_no_proxy_completion_order_and_duplicates():
    hosts = ["10.0.0.5", "gitlab.corp.example", "10.0.0.5", "", None]
    completed = http_proxy.no_proxy([".corp.example", "LOCALHOST", "docker"], hosts=hosts)
    assert completed == [".corp.example", "LOCALHOST", "docker", "127.0.0.1", "::1", "docker:2375", "docker:2376",
                         "10.0.0.5", "gitlab.corp.example"]


def test_no_proxy_completion_without_user_entries():
    assert http_proxy.no_proxy(None) == list(http_proxy.ALWAYS_DIRECT + http_proxy.DIND_DIRECT)


def test_environment_upper_and_lower_case():
    env = http_proxy.environment("http://p:3128", "http://p:3129", ["gitlab.corp"], ["10.0.0.5"])
    assert env["HTTP_PROXY"] == env["http_proxy"] == "http://p:3128"
    assert env["HTTPS_PROXY"] == env["https_proxy"] == "http://p:3129"
    assert env["NO_PROXY"] == env["no_proxy"]
    assert env["NO_PROXY"].split(",") == ["gitlab.corp", "localhost", "127.0.0.1", "::1", "docker", "docker:2375",
                                          "docker:2376", "10.0.0.5"]
    assert len(env) == 6


def test_environment_of_one_proxy_only():
    env = http_proxy.environment("", "http://p:3128")
    assert sorted(env) == ["HTTPS_PROXY", "NO_PROXY", "https_proxy", "no_proxy"]


def test_no_environment_without_a_proxy():
    assert http_proxy.environment("", "", ["gitlab.corp"], ["10.0.0.5"]) == {}
    assert http_proxy.environment(None, None) == {}


def test_environment_file_quotes_what_systemd_would_read_otherwise():
    text = http_proxy.environment_file({"HTTP_PROXY": 'http://u:a"b\\c$d`e%f@p:3128', "NO_PROXY": "a,b"})
    assert text == 'HTTP_PROXY="http://u:a\\"b\\\\c\\$d\\`e%f@p:3128"\nNO_PROXY="a,b"\n'


def test_environment_file_of_nothing():
    assert http_proxy.environment_file({}) == ""


@pytest.mark.parametrize("url, host", [
    ("http://10.0.0.5:5000", "10.0.0.5"), ("https://Registry.Example.com/v2", "registry.example.com"),
    ("http://[fd00::5]:5000", "fd00::5"), ("", None), (None, None),
])
def test_host_of(url, host):
    assert http_proxy.host_of(url) == host


def _check(values, jobs_see_it=False):
    report = Report()
    http_proxy.check(values, "x", report, jobs_see_it=jobs_see_it)
    return report


def test_check_clean():
    report = _check({"x_http_proxy": "http://p:3128", "x_https_proxy": "http://p:3128", "x_no_proxy": ["gitlab.corp"]})
    assert report.errors == [] and report.warnings == []


def test_check_nothing_set():
    report = _check({"x_http_proxy": "", "x_https_proxy": "", "x_no_proxy": []})
    assert report.errors == [] and report.warnings == []


def test_check_names_each_variable():
    report = _check({"x_http_proxy": "p:3128", "x_https_proxy": "http://p", "x_no_proxy": ["ok.corp", "a,b"]})
    assert [path for path, _message in report.errors] == ["x_http_proxy", "x_https_proxy", "x_no_proxy[1]"]


@pytest.mark.parametrize("values, path, words", [
    ({"x_http_proxy": "http://p:3128"}, "x_https_proxy", "is empty while x_http_proxy is set"),
    ({"x_https_proxy": "http://p:3128"}, "x_http_proxy", "is empty while x_https_proxy is set"),
    ({"x_http_proxy": "http://p:3128", "x_https_proxy": "https://p:3128"}, "x_https_proxy", "TLS to the proxy itself"),
    ({"x_no_proxy": ["gitlab.corp"]}, "x_no_proxy", "changes nothing"),
    ({"x_http_proxy": "http://p:3128", "x_https_proxy": "http://p:3128", "x_no_proxy": ["*"]}, "x_no_proxy[0]",
     "sends nothing through the proxy"),
    ({"x_http_proxy": "http://p:3128", "x_https_proxy": "http://p:3128", "x_no_proxy": ["*.corp"]}, "x_no_proxy[0]",
     "write 'corp'"),
    ({"x_http_proxy": "http://p:3128", "x_https_proxy": "http://p:3128", "x_no_proxy": ["10.0.0.0/8"]},
     "x_no_proxy[0]", "CIDR"),
])
def test_check_warnings(values, path, words):
    report = _check(values)
    assert report.errors == []
    assert [(p, m) for p, m in report.warnings if p == path and words in m], report.warnings


def test_check_credentials_warn_where_jobs_see_them_and_are_secret():
    values = {"x_http_proxy": "http://bot:hunter%402@p:3128", "x_https_proxy": "http://bot:hunter%402@p:3128"}
    report = _check(values, jobs_see_it=True)
    assert report.errors == []
    assert [path for path, _m in report.warnings] == ["x_http_proxy, x_https_proxy"]
    assert "cntlm" in report.warnings[0][1]
    assert {"hunter%402", "hunter@2"} <= report.secrets
    assert _check(values).warnings == []


def test_check_masks_the_password_of_a_bad_url():
    report = _check({"x_http_proxy": "http://bot:hunter2secret@127.0.0.1:3128", "x_https_proxy": ""})
    lines = " ".join(report.error_lines() + report.warning_lines())
    assert "loopback" in lines and "hunter2secret" not in lines
    assert not re.search(r"hunter2", lines)


def test_public_environment_takes_the_credentials_out():
    env = http_proxy.environment("http://bot:p%40ss@proxy:3128", "http://bot:p%40ss@proxy:3128", [".corp"])
    public = http_proxy.public_environment(env)
    assert public["HTTP_PROXY"] == public["https_proxy"] == "http://proxy:3128"
    assert public["NO_PROXY"] == env["NO_PROXY"]
    assert "p%40ss" not in repr(public) and "bot" not in repr(public)
    assert http_proxy.public_environment({"HTTP_PROXY": "http://proxy:3128"}) == {"HTTP_PROXY": "http://proxy:3128"}
    assert http_proxy.public_environment(None) == {}


def test_apt_auth_holds_each_proxy_credential_once_decoded():
    env = http_proxy.environment("http://bot:p%40ss@proxy:3128", "http://bot:p%40ss@proxy:3128")
    assert http_proxy.apt_auth(env) == "machine http://proxy:3128\nlogin bot\npassword p@ss\n"
    two = http_proxy.environment("http://a:1234@p1:3128", "http://b:5678@p2:3129")
    assert http_proxy.apt_auth(two) == "machine http://p1:3128\nlogin a\npassword 1234\nmachine http://p2:3129\nlogin b\npassword 5678\n"
    assert http_proxy.apt_auth(http_proxy.environment("http://proxy:3128", "http://proxy:3128")) == ""
    assert http_proxy.apt_auth({}) == ""


def test_apply_environment_sets_only_proxy_variables(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "PATH_X"):
        # setenv first, so that monkeypatch restores what apply() changes
        monkeypatch.setenv(name, "before")
        monkeypatch.delenv(name)
    proxy_environment.apply({"HTTP_PROXY": "http://p:3128", "http_proxy": "http://p:3128", "NO_PROXY": "a",
                             "PATH_X": "nope"})
    import os
    assert os.environ["HTTP_PROXY"] == os.environ["http_proxy"] == "http://p:3128" and os.environ["NO_PROXY"] == "a"
    assert "PATH_X" not in os.environ
    proxy_environment.apply(None)


def test_check_refuses_credentials_apt_cannot_hold():
    report = _check({"x_http_proxy": "http://bot:a%20b@p:3128", "x_https_proxy": "http://bot:a%20b@p:3128"})
    assert [path for path, _m in report.errors] == ["x_http_proxy", "x_https_proxy"]
    assert "whitespace once decoded" in report.errors[0][1]


@pytest.mark.parametrize("url, words", [
    # The second scheme right after the first one's "://"; a bare "#" leaves no fragment for urlsplit.
    ("http://://proxy.example.com:3128", "has a scheme twice"),
    ("http://proxy.example.com:3128#", "has a path, query or fragment"),
    ("http://proxy.example.com:3128?", "has a path, query or fragment"),
])
def test_proxy_urls_refused_at_the_edges(url, words):
    assert words in http_proxy.proxy_url_problem(url)


@pytest.mark.parametrize("url", ["proxy.example.com:3128 ", "http://proxy:abc", "http://:3128", "ftp://p:21"])
def test_proxy_url_problem_shows_the_url_and_an_example(url):
    problem = http_proxy.proxy_url_problem(url)
    assert problem.startswith(repr(url))
    assert "None" not in problem


@pytest.mark.parametrize("url", ["http://proxy.example.com:3128 x", "http://p://q:3128", "http://:3128"])
def test_proxy_url_problem_ends_with_an_example_proxy(url):
    assert http_proxy.proxy_url_problem(url).endswith("e.g. http://proxy.example.com:3128")


@pytest.mark.parametrize("entry, ok", [
    # A port from 1 to 65535, with or without brackets around an IPv6 address.
    ("docker:1", True), ("docker:65535", True), ("docker:0", False), ("docker:65536", False),
    ("[::1]:1", True), ("[::1]:2375", True), ("[::1]:0", False), ("[::1]:x", False),
    # A CIDR block with host bits set is still the block (as Go and Python read it).
    ("10.0.0.1/8", True), ("fd00::1/8", True), ("10.0.0.0/33", False),
    # A leading "." (domain and below) or "*." (Go's form, warned about) is a domain.
    (".corp.example.com", True), ("*.corp.example.com", True), ("**.corp", True), ("corp.*", False),
    ("a*b.corp", False), ("*.-bad-", False),
])
def test_no_proxy_entries_table(entry, ok):
    assert (http_proxy.no_proxy_problem(entry) is None) is ok


def test_environment_with_the_http_proxy_alone_has_no_https_proxy():
    assert http_proxy.environment("http://p:3128") == {
        "http_proxy": "http://p:3128", "HTTP_PROXY": "http://p:3128",
        "no_proxy": ",".join(http_proxy.no_proxy([], [])), "NO_PROXY": ",".join(http_proxy.no_proxy([], []))}


@pytest.mark.parametrize("url, public", [
    ("http://u:p@proxy:3128", "http://proxy:3128"), ("http://u@proxy:3128", "http://proxy:3128"),
    ("http://:p@proxy:3128", "http://proxy:3128"), ("http://proxy:3128", "http://proxy:3128"),
])
def test_public_environment_drops_a_user_or_a_password(url, public):
    assert http_proxy.public_environment({"HTTPS_PROXY": url, "no_proxy": "u:p@x"}) == {
        "HTTPS_PROXY": public, "no_proxy": "u:p@x"}


def test_apt_auth_of_a_user_without_password():
    assert http_proxy.apt_auth({"HTTP_PROXY": "http://bot@proxy:3128"}) == (
        "machine http://proxy:3128\nlogin bot\npassword \n")


def test_check_warns_of_credentials_only_where_jobs_see_them():
    values = {"x_http_proxy": "http://bot:pw@p:3128", "x_https_proxy": "http://bot:pw@p:3128"}
    report = Report()
    http_proxy.check(values, "x", report)
    assert report.warnings == []


@pytest.mark.parametrize("url", ["http://bot@p:3128", "http://:pw@p:3128", "http://p:3128"])
def test_check_accepts_a_user_or_a_password_alone(url):
    report = _check({"x_http_proxy": url, "x_https_proxy": url})
    assert report.errors == []


def test_check_https_proxy_warning_names_the_http_url_to_write():
    report = _check({"x_http_proxy": "http://p:3128", "x_https_proxy": "https://proxy.corp:3128"})
    (path, message), = report.warnings
    assert path == "x_https_proxy" and "write http://proxy.corp:3128 unless" in message


@pytest.mark.parametrize("values, path, named", [
    ({"x_http_proxy": "http://p:3128"}, "x_https_proxy",
     "is empty while x_http_proxy is set: requests to https URLs (GitLab, registries, Docker Hub) then go out"),
    ({"x_https_proxy": "http://p:3128"}, "x_http_proxy",
     "is empty while x_https_proxy is set: requests to http URLs (package mirrors) then go out"),
])
def test_check_one_proxy_names_the_requests_that_miss_it(values, path, named):
    (warned, message), = _check(values).warnings
    assert warned == path and message.startswith(named)


@pytest.mark.parametrize("entry, ok", [
    # Names that start with the characters a leading wildcard or dot is stripped of.
    ("X", True), (".X", True), ("X*.corp", False), ("*X.corp", True),
])
def test_no_proxy_entries_near_the_wildcard_rules(entry, ok):
    assert (http_proxy.no_proxy_problem(entry) is None) is ok


def test_cidr_warning_names_the_programs_that_ignore_it():
    report = _check({"x_http_proxy": "http://p:3128", "x_https_proxy": "http://p:3128", "x_no_proxy": ["10.0.0.0/8"]})
    (_path, message), = report.warnings
    assert "apt, git and curl before 7.86, and this collection's own calls to GitLab (Python)" in message


@pytest.mark.parametrize("env", [
    {"HTTPS_PROXY": "HTTP://Proxy.corp:3128"},
    {"no_proxy": "http://u:p@x.corp", "NO_PROXY": "http://u:p@x.corp"},
])
def test_public_environment_keeps_what_holds_no_proxy_credentials_as_given(env):
    assert http_proxy.public_environment(env) == env


@pytest.mark.parametrize("entry", ["X*.corp", "a*b.corp", "corp.*"])
def test_a_wildcard_inside_an_entry_is_named(entry):
    assert "has a wildcard inside" in http_proxy.no_proxy_problem(entry)


@pytest.mark.parametrize("url, password", [
    ("http://bot:hunter/2secret@proxy.corp:3128", "hunter/2secret"),  # a raw / ends the host for a URL parser
    ("bot:hunter2secret@proxy.corp:3128", "hunter2secret"),  # no scheme
    ("http://bot:p[ss@proxy:3128", "p[ss"),  # not a URL at all
])
def test_a_password_the_url_parser_misreads_is_never_shown(url, password):
    report = _check({"x_http_proxy": url, "x_https_proxy": url})
    assert [path for path, _message in report.errors] == ["x_http_proxy", "x_https_proxy"]
    for _path, message in report.errors:
        assert password not in message and "bot:********@" in message
    assert password in report.secrets


@pytest.mark.parametrize("url", [
    "http://CORP\\bot:pw@proxy.corp:3128",  # an NTLM login as written
    "http://bot:50%off@proxy.corp:3128",  # a % that starts no escape
    "http://bot:p\u00e4ss@proxy.corp:3128",
    "http://bot:a{b}@proxy.corp:3128",
])
def test_a_user_or_password_go_refuses_is_an_error(url):
    # Go's url.Parse (dockerd, gitlab-runner) refuses it, and its proxy lookup then reads a wrong host or none.
    problem = http_proxy.proxy_url_problem(url)
    assert "a character Go's URL parser refuses (dockerd and gitlab-runner read it): percent-encode" in problem
    assert "bot:********@proxy.corp:3128" in problem


@pytest.mark.parametrize("url", [
    "http://CORP%5Cbot:pw@proxy.corp:3128", "http://bot:50%25off@proxy.corp:3128", "http://bot:a$b!c~(d)*@proxy.corp:3128",
])
def test_a_percent_encoded_user_or_password_is_accepted(url):
    assert http_proxy.proxy_url_problem(url) is None


def test_brackets_outside_an_ipv6_address_are_named_not_raised():
    assert http_proxy.proxy_url_problem("http://bot:p[ss@proxy:3128") == (
        "'http://bot:********@proxy:3128' is not a URL: [ and ] belong only around an IPv6 address (in a user or "
        "password write them percent-encoded, %5B and %5D)")
