# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The docker executor's rules (docker_executor); the runner's own tables for them run in test_runner_tables.py."""

from __future__ import annotations

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_executor import (
    DEFAULT_BUILDS_DIR,
    cgroup_parent_problem,
    cpus_over_host_problem,
    cpus_problem,
    derived_aliases,
    device_problem,
    effective_pull_policies,
    expand,
    expand_variables,
    extra_host_problem,
    feature_flag,
    glob_match,
    image_allowed,
    job_privileged,
    local_daemon,
    nano_cpus,
    network_per_build,
    pull_policies,
    service_privileged,
    shared_builds_dir,
    short_token,
    split_aliases,
    split_image,
    ulimit_problem,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize("image, parts", [
    ("docker:27.5.1-dind@" + DIGEST, ("docker", "27.5.1-dind", DIGEST)),
    ("docker@" + DIGEST, ("docker", "", DIGEST)),
    ("docker", ("docker", "", "")),
    ("registry.example.com:5000/group/img:tag", ("registry.example.com:5000/group/img", "tag", "")),
    ("localhost:5000/dind-with-ca:27.5.1-dind-rootless", ("localhost:5000/dind-with-ca", "27.5.1-dind-rootless", "")),
    ("Docker:27", None),
    ("docker:", None),
    ("docker@sha256:abc", None),
    ("", None),
    (None, None),
])
def test_split_image(image, parts):
    assert split_image(image) == parts


@pytest.mark.parametrize("image, aliases", [
    ("docker:20.10.24-dind", ["docker"]),
    ("docker", ["docker"]),
    ("postgres:14@sha256:" + "a" * 64, ["postgres"]),
    ("tutum/wordpress:latest", ["tutum__wordpress", "tutum-wordpress"]),
    ("registry.example.com:5000/group/img:tag", ["registry.example.com__group__img", "registry.example.com-group-img"]),
    # GitLab's documented example: the registry port is dropped.
    ("registry.gitlab-wp.com:4999/tutum/wordpress",
     ["registry.gitlab-wp.com__tutum__wordpress", "registry.gitlab-wp.com-tutum-wordpress"]),
    # Docker cannot parse these, and the runner derives no name from them.
    ("Bad/Name", []),
    ("docker:", []),
])
def test_derived_aliases(image, aliases):
    assert derived_aliases(image) == aliases


@pytest.mark.parametrize("alias, aliases", [
    (None, []), ("", []), ("docker", ["docker"]), ("docker,dind  daemon", ["docker", "dind", "daemon"]),
    (" a , b ", ["a", "b"]), ("a\tb", ["a", "b"]),
])
def test_split_aliases(alias, aliases):
    assert split_aliases(alias) == aliases


def test_split_aliases_rejects_a_list():
    with pytest.raises(ValueError, match="alias must be a string"):
        split_aliases(["docker"])


# bmatcuk/doublestar v4.10.0 Match, as GitLab Runner's allow-lists use it (checked against the Go package).
@pytest.mark.parametrize("pattern, name, matches", [
    ("*", "ruby:3.3", True),
    ("*", "library/ruby", False),  # * stays within a path segment
    ("*/*", "library/ruby:3.3", True),
    ("**/*", "ruby", True),  # **/ is zero or more whole segments
    ("**/*", "my.registry.tld/group/subgroup/ruby:3.3", True),
    ("**/*:*", "library/ruby", False),
    ("my.registry.tld/**", "my.registry.tld", True),  # a trailing /** matches the directory itself
    ("my.registry.tld/**", "my.registry.tld/a/b:1", True),
    ("docker:*-dind", "docker:27.5.1-dind", True),
    ("docker:*-dind", "docker:27.5.1-dind-rootless", False),
    ("a**b", "axxb", True),  # ** inside a segment is a single star
    ("a**b", "ax/xb", False),
    ("docker:2?.*", "docker:27.5.1", True),
    ("docker:2?.*", "docker:2/.5", False),  # ? is no separator
    ("{alpine,debian}:*", "debian:12", True),
    ("{alpine,debian}:*", "ubuntu:24.04", False),
    ("docker:{2{6,7},28}.*", "docker:27.5.1", True),
    ("[a-c]x", "bx", True),
    ("[!a]x", "ax", False),
    ("[^a]x", "bx", True),
    ("\\*", "*", True),
    ("\\*", "a", False),
    ("*", "", True),  # what a job without an image is matched as
    ("**/*", "", False),
    ("alpine", "", False),
    ("[", "[", False),  # malformed: nothing matches
    ("[]a]", "a", False),
    ("{a,b", "a", False),
])
def test_glob_match(pattern, name, matches):
    assert glob_match(pattern, name) is matches


# The edges of doublestar's parser (v4.10.0 Match, its answers): escapes, nested alternatives and classes inside
# them, empty alternatives, an empty name, and the malformed patterns that match nothing.
@pytest.mark.parametrize("pattern, name, matches", [
    ("{}", "", True), ("{,}", "", True), ("{-,}", "", True), ("{,\\*}", "", True), ("{\\,,}", "", True),
    ("{\\*}", "", False), ("{,\\}", "", False), ("{?\\", "", False), ("{", "", False), ("*{", "{", False),
    ("{,{,}", "", False), ("{\\,{,{},-},}", "", True), ("{-,}}", "}", False), ("{\\\\,}\\}", "}", True),
    ("{[!a],}", "", True), ("{[\\]],}", "", True), ("{[],}", "", False), ("{[,}", "", False), ("{[,}{}", "", False),
    ("{*[,,}", "", False), ("/**/", "", True),
    ("[a-c]", "c", True), ("[a-\\c]", "a", True), ("[a-\\c]", "b", True), ("[-a]", "-", True),
    ("[[\\]]", "[]", False), ("[!]", "^", False), ("[\\", "", False), ("[*", "", False), ("[/", "/", False),
])
def test_glob_match_at_the_edges_of_doublestars_parser(pattern, name, matches):
    assert glob_match(pattern, name) is matches


@pytest.mark.parametrize("image, patterns, internal, allowed", [
    ("ruby:3.3", [], (), True),
    ("ruby:3.3", ["alpine:*"], (), False),
    ("ruby:3.3", ["alpine:*"], ("ruby:3.3",), True),  # the runner's own images are always allowed
    ("ruby:3.3", ["alpine:*", "ruby:*"], (), True),
])
def test_image_allowed(image, patterns, internal, allowed):
    assert image_allowed(image, patterns, internal) is allowed


@pytest.mark.parametrize("docker, image, privileged", [
    ({}, "docker:dind", False),
    ({"privileged": True}, "docker:dind", True),
    ({"privileged": True, "services_privileged": False}, "docker:dind", False),
    ({"privileged": False, "services_privileged": True}, "docker:dind", True),
    ({"privileged": True, "allowed_privileged_services": ["docker:*"]}, "docker:dind", True),
    ({"privileged": True, "allowed_privileged_services": ["docker:*"]}, "registry.example.com/docker:dind", False),
])
def test_service_privileged(docker, image, privileged):
    assert service_privileged(docker, image) is privileged


@pytest.mark.parametrize("docker, image, privileged", [
    ({"privileged": True}, "", True),
    ({"privileged": True, "allowed_privileged_images": ["alpine"]}, "alpine", True),
    ({"privileged": True, "allowed_privileged_images": ["alpine"]}, "", False),
    ({"services_privileged": True}, "alpine", False),
])
def test_job_privileged(docker, image, privileged):
    assert job_privileged(docker, image) is privileged


@pytest.mark.parametrize("docker, message", [
    ({"privileged": "true"}, "privileged must be true or false"),
    ({"allowed_privileged_services": "docker:*"}, "allowed_privileged_services must be a list of image patterns"),
    ({"allowed_privileged_services": [1]}, "allowed_privileged_services must be a list of image patterns"),
])
def test_privilege_settings_of_the_wrong_type(docker, message):
    with pytest.raises(ValueError, match=message):
        service_privileged(docker, "docker:dind")


@pytest.mark.parametrize("docker, effective", [
    ({}, ["always"]),
    ({"pull_policy": "if-not-present"}, ["if-not-present"]),
    ({"pull_policy": ["always", "if-not-present"], "allowed_pull_policies": ["if-not-present"]}, ["if-not-present"]),
    ({"allowed_pull_policies": ["never", "always"]}, ["always"]),
])
def test_pull_policies(docker, effective):
    assert pull_policies(docker) == effective


@pytest.mark.parametrize("docker, message", [
    ({"pull_policy": ["sometimes"]}, 'pull_policy "sometimes" is not one the runner knows'),
    ({"allowed_pull_policies": "Always"}, 'allowed_pull_policies "Always" is not one the runner knows'),
    ({"pull_policy": [1]}, "pull_policy must be a string or a list of strings"),
    ({"pull_policy": "never", "allowed_pull_policies": ["always"]}, "has no policy that allowed_pull_policies"),
])
def test_pull_policies_the_runner_refuses(docker, message):
    with pytest.raises(ValueError, match=message):
        pull_policies(docker)


@pytest.mark.parametrize("policies, allowed, effective", [
    ([], ["never"], ["never"]), (["always"], [], ["always"]), (["always", "never"], ["never"], ["never"]),
    (["always"], ["never"], []),
])
def test_effective_pull_policies(policies, allowed, effective):
    assert effective_pull_policies(policies, allowed) == effective


@pytest.mark.parametrize("flags, variables, on", [
    (None, None, False),
    ({"FF_NETWORK_PER_BUILD": True}, None, True),
    ({"FF_NETWORK_PER_BUILD": False}, {"FF_NETWORK_PER_BUILD": "true"}, False),  # the runner's table wins
    ({"FF_OTHER": True}, {"FF_NETWORK_PER_BUILD": "1"}, True),
    (None, {"FF_NETWORK_PER_BUILD": "T"}, True),
    (None, {"FF_NETWORK_PER_BUILD": "true"}, True),
    (None, {"FF_NETWORK_PER_BUILD": "True"}, True),
    (None, {"FF_NETWORK_PER_BUILD": "TRUE"}, True),
    (None, {"FF_NETWORK_PER_BUILD": "tRUE"}, False),  # ParseBool takes three spellings of each word
    (None, {"FF_NETWORK_PER_BUILD": "yes"}, False),  # not a strconv.ParseBool word
    (None, {"FF_NETWORK_PER_BUILD": "0"}, False),
])
def test_feature_flag(flags, variables, on):
    assert feature_flag("FF_NETWORK_PER_BUILD", flags, variables) is on


@pytest.mark.parametrize("docker, per_build", [({}, True), ({"network_mode": "bridge"}, False), ({"network_mode": ""}, True)])
def test_network_per_build_needs_no_network_mode(docker, per_build):
    assert network_per_build(docker, {"FF_NETWORK_PER_BUILD": True}) is per_build
    assert network_per_build(docker) is False


# Go's os.Expand with the runner's lookup (common/spec/variables_test.go TestSpecialVariablesExpansion and
# TestVariablesExpansion; checked against Go's os.Expand).
@pytest.mark.parametrize("value, expanded", [
    ("$$", "$"),
    ("$/dsa", "$/dsa"),
    ("aa$@bb", "aabb"),
    ("aa${@}bb", "aabb"),
    ("${public} ${private}", "value_of_ value_of_value_of_$undefined"),
    ("$public$", "value_of_$"),
    ("${}x", "x"),
    ("${public", "public"),
    ("$1x", "x"),
    ("$-", ""),
    ("no dollar", "no dollar"),
])
def test_expand(value, expanded):
    variables = [("public", "some_value"), ("private", "value_of_value_of_$undefined"), ("public", "value_of_")]
    assert expand(value, variables) == expanded


@pytest.mark.parametrize("value, expanded", [
    ("$p/${p}", "v/v"),  # a name of one letter, bare or braced
    ("$-", "dash"),  # "-" is no special parameter to the runner: looked up as a name
    ("$1$@${?}", ""),
    ("${}$p", "v"),
])
def test_expand_short_names(value, expanded):
    assert expand(value, {"p": "v", "-": "dash", "1": "one", "@": "at", "?": "what"}) == expanded


def test_expand_variables_is_one_level_against_the_values_as_written():
    pairs = [("key", "value_of_$public"), ("public", "some_value"), ("private", "value_of_${public}"),
             ("public", "value_of_$undefined")]
    assert expand_variables(pairs) == [("key", "value_of_value_of_$undefined"), ("public", "some_value"),
                                       ("private", "value_of_value_of_$undefined"), ("public", "value_of_")]


@pytest.mark.parametrize("token, short", [
    ("glrt-t1_AbCdEfGhIjKlMn", "AbCdEfGhI"), ("glrtr-AbCdEfGhIjKl", "AbCdEfGhI"), ("glcbt-AbCdEfGhIjKl", "AbCdEfGhI"),
    ("GR1348941AbCdEfGhIjKl", "AbCdEfGhI"), ("abc", "abc"), ("", ""), (None, ""),
    ("_abcdefghij", "r_abcdefg"), ("abcdefgh_ij", "abcdefghr"),
])
def test_short_token(token, short):
    assert short_token(token) == short


@pytest.mark.parametrize("volumes, shared", [
    ([], False),
    (["/cache", "/builds"], False),  # anonymous volumes have no source: not shared
    (["/builds:/builds"], True),
    (["ci-builds:/builds"], True),
    (["/srv:/srv"], False),
    (["/srv/builds:/builds/sub"], False),
    (["not a spec::x:y", "/builds:/builds:ro"], True),
])
def test_shared_builds_dir(volumes, shared):
    assert shared_builds_dir(DEFAULT_BUILDS_DIR, volumes) is shared


@pytest.mark.parametrize("entry, problem", [
    ("gitlab.internal:10.0.0.5", None), ("v6:fd00::5", None), ("v4mapped:::ffff:10.0.0.5", None),
    ("host.docker.internal:host-gateway", None), ("spaced: 10.0.0.5", None), ("v6zeros:2001:0db8::0001", None),
    ("v6lead:0123::1", None),
    # The daemon splits at the first ":" and parses the rest with net.ParseIP: the CLI's forms fail.
    ("gitlab.internal=10.0.0.5", "bad format for add-host"), ("gitlab", "bad format for add-host"),
    (":10.0.0.5", "bad format for add-host"),
    ("gitlab:[fd00::5]", "without brackets"), ("gitlab:gitlab.example.com", "invalid IP address in add-host"),
    ("gitlab:10.0.0.05", "invalid IP address"), ("gitlab:fe80::1%eth0", "invalid IP address"),
    ("gitlab:010.0.0.5", "invalid IP address"), ("v4mapped:::ffff:10.0.0.05", "invalid IP address"),
    ("gitlab:Host-Gateway", "invalid IP address"),
])
def test_extra_host_problem(entry, problem):
    found = extra_host_problem(entry)
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("parent, driver, bad", [
    ("ci-jobs.slice", None, False), ("a.slice", "systemd", False), ("/ci", "cgroupfs", False), ("", None, False),
    ("/ci", None, True), ("/ci", "systemd", True), (".slice", None, True), ("ci.slice/x", None, True),
])
def test_cgroup_parent_problem(parent, driver, bad):
    found = cgroup_parent_problem(parent, driver)
    assert (found is not None) is bad
    if bad:
        assert "not a systemd slice" in found and ("default on a cgroup v2 host" in found) is (driver is None)


@pytest.mark.parametrize("name, limits, problem", [
    ("nofile", "1024:2048", None), ("nofile", "1024", None), ("NOFILE", "+1024", None), ("core", "-1", None),
    ("stack", "8192:-1", None), ("nofile", "-1:-1", None),
    ("nofile", "1k", "in whole numbers"), ("nofile", "", "in whole numbers"), ("nofile", "1:2:3", "in whole numbers"),
    ("nofile", "9223372036854775808", "in whole numbers"), ("nofile", "1_024", "in whole numbers"),
    ("nofiles", "1024", "not a ulimit Docker knows"),
    # Unsigned, as the kernel compares them: -1 is unlimited, above any hard limit.
    ("nofile", "2048:1024", "soft limit above the hard one"), ("nofile", "-1:1024", "soft limit above the hard one"),
])
def test_ulimit_problem(name, limits, problem):
    found = ulimit_problem(name, limits)
    assert (found is None) if problem is None else (problem in found), found


# Each row as Go's big.Rat.SetString reads it (computeNanoCPUs), then Docker's lower bound.
@pytest.mark.parametrize("value, problem", [
    ("", None), ("0", None), ("1.5", None), ("3/2", None), ("1e-1", None), (".5", None), ("2.", None), ("+1.5", None),
    ("1_000", None), ("0x10/2", None), ("0x1p-2", None), ("010", None), ("-0", None),
    ("two", "rational number"), ("1,5", "rational number"), (" 1.5", "rational number"), ("1/0", "rational number"),
    ("inf", "rational number"), ("1.5e", "rational number"), ("1/2/3", "rational number"), ("3/-2", "rational number"),
    ("50%", "rational number"),
    ("-1", "is negative"), ("-0.5", "is negative"), ("-3/2", "is negative"), ("-0x0e", "is negative"),
])
def test_cpus_problem(value, problem):
    found = cpus_problem("cpus", value)
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("host, local", [
    (None, True), ("", True), ("unix:///var/run/docker.sock", True), ("unix:///run/user/1000/docker.sock", True),
    ("tcp://docker.example.com:2376", False), ("ssh://ci@docker.example.com", False), ("npipe:////./pipe/docker", False),
    (0, False), (["unix:///var/run/docker.sock"], False),
])
def test_local_daemon(host, local):
    assert local_daemon(host) is local


# computeNanoCPUs: the rational times 1e9, to the nearest float64, truncated; None for the forms not computed here.
@pytest.mark.parametrize("value, nano", [
    ("", 0), ("0", 0), ("1.5", 1500000000), ("3/2", 1500000000), (".5", 500000000), ("2.", 2000000000),
    ("1e-1", 100000000), ("+2", 2000000000), ("010.5", 10500000000), ("2.0000000001", 2000000000),
    ("2.000000001", 2000000001), ("1/3", 333333333), ("-1", -1000000000), ("1e400", -1),
    ("010/2", None), ("0x10/2", None), ("0x1p-2", None), ("1_000", None), ("two", None), ("1/0", None),
])
def test_nano_cpus(value, nano):
    assert nano_cpus(value) == nano


# verifyPlatformContainerResources: NanoCPUs within 0 to NumCPU * 1e9 of the daemon's host.
@pytest.mark.parametrize("key, value, host_cpus, bad", [
    ("cpus", "2", 2, False), ("cpus", "2.0000000001", 2, False), ("cpus", "1.5", 2, False), ("cpus", "", 2, False),
    ("cpus", "2.000000001", 2, True), ("cpus", "3", 2, True), ("service_cpus", "5/2", 2, True), ("cpus", "1e1", 8, True),
    ("cpus", "1e400", 2, True),
    # The host's count unknown, or a form not computed here: no finding.
    ("cpus", "3", 0, False), ("cpus", "0x10", 2, False),
    # Negative: cpus_problem's finding, not this one.
    ("cpus", "-3", 2, False),
])
def test_cpus_over_host_problem(key, value, host_cpus, bad):
    found = cpus_over_host_problem(key, value, host_cpus)
    assert (found is not None) is bad, found
    if bad:
        assert found.startswith('%s = "%s" asks for more CPUs' % (key, value))
        assert "only %d CPUs available" % host_cpus in found and 'write at most "%d"' % host_cpus in found
        assert ("service containers" if key == "service_cpus" else "job containers") in found


@pytest.mark.parametrize("entry, bad", [("/dev/kvm", False), ("/dev/kvm:/dev/kvm", False), ("/dev/kvm:/dev/kvm:rwm", False),
                                        ("/dev/kvm:/dev/kvm:rwm:x", True), (":::", True)])
def test_device_problem(entry, bad):
    assert (device_problem(entry) is not None) is bad
