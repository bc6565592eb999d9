# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils.docker_volume import (
    VOLUME_OPTIONS,
    VolumeSpecError,
    normalize_path,
    parse_runner_volume,
    parse_volume,
    path_within,
    same_path,
)


def _volume(volume_type, source, target, options=(), read_only=False):
    return {
        "type": volume_type,
        "source": source,
        "target": target,
        "options": list(options),
        "read_only": read_only,
    }


VALID = [
    ("/data", _volume("anonymous", "", "/data")),
    ("/cache", _volume("anonymous", "", "/cache")),
    ("/certs/client", _volume("anonymous", "", "/certs/client")),
    ("/data/", _volume("anonymous", "", "/data")),
    ("cache:/cache", _volume("volume", "cache", "/cache")),
    ("my_vol-1.x:/data:ro", _volume("volume", "my_vol-1.x", "/data", ["ro"], True)),
    ("cache:/cache:nocopy", _volume("volume", "cache", "/cache", ["nocopy"])),
    ("cache:/cache:rw,nocopy,z", _volume("volume", "cache", "/cache", ["rw", "nocopy", "z"])),
    ("cache:/cache:cached", _volume("volume", "cache", "/cache", ["cached"])),
    ("/builds:/builds", _volume("bind", "/builds", "/builds")),
    ("/var/run/docker.sock:/var/run/docker.sock", _volume("bind", "/var/run/docker.sock", "/var/run/docker.sock")),
    ("/host:/data:ro", _volume("bind", "/host", "/data", ["ro"], True)),
    ("/host:/data:rw", _volume("bind", "/host", "/data", ["rw"])),
    ("/host:/data:Z", _volume("bind", "/host", "/data", ["Z"])),
    ("/host:/data:ro,z,rshared", _volume("bind", "/host", "/data", ["ro", "z", "rshared"], True)),
    ("/host:/data:rslave", _volume("bind", "/host", "/data", ["rslave"])),
    ("/host:/data:private,delegated", _volume("bind", "/host", "/data", ["private", "delegated"])),
    ("/host:/data:consistent", _volume("bind", "/host", "/data", ["consistent"])),
    ("/host/:/data/:ro", _volume("bind", "/host", "/data", ["ro"], True)),
    ("//srv//builds/:/builds/./x/..", _volume("bind", "/srv/builds", "/builds")),
    # An empty third part is an empty option string, which Docker accepts.
    ("/host:/data:", _volume("bind", "/host", "/data")),
    ("/:/host-root:ro", _volume("bind", "/", "/host-root", ["ro"], True)),
    ("/host dir:/data dir", _volume("bind", "/host dir", "/data dir")),
]


@pytest.mark.parametrize("spec, expected", VALID, ids=[v[0] for v in VALID])
def test_parse_valid(spec, expected):
    assert parse_volume(spec) == expected


INVALID = [
    ("", "empty volume spec"),
    (":/data", 'starts with ":"'),
    ("::", 'starts with ":"'),
    ("/a:/b:ro:x", 'has 4 ":"-separated parts'),
    ("c:/x:/y:ro", "at most 3 are allowed"),
    ("data", 'relative container path "data"'),
    ("/host:data", 'relative container path "data": Docker needs an absolute container path; write "/data"'),
    ("name:data:ro", 'relative container path "data"'),
    ("/host:/", 'mounts over the container\'s root "/"'),
    ("/host:/..", 'mounts over the container\'s root "/"'),
    ("/", 'mounts over the container\'s root "/"'),
    ("/host::ro", "has an empty container path"),
    ("/data:ro", 'write "/data" alone for an anonymous volume'),
    ("/data:rw,z", "has options but only one path"),
    ("cache:ro", 'add the container path, e.g. "cache:/data:ro"'),
    ("/data:", 'ends with ":" and has no container path'),
    ("./x:/y", 'relative host path "./x"'),
    ("x/y:/z", "use an absolute host path"),
    ("../up:/z", 'relative host path "../up"'),
    ("~/src:/src", 'relative host path "~/src"'),
    ("a:/data", 'invalid volume name "a"'),
    ("_vol:/data", 'invalid volume name "_vol"'),
    ("vol@x:/data", "[a-zA-Z0-9][a-zA-Z0-9_.-]+"),
    ("/a:/b:foo", 'unknown option "foo"'),
    ("/a:/b:RO", 'options are case-sensitive: write "ro"'),
    ("/a:/b:ro,", 'empty option in "ro,"'),
    ("/a:/b:ro,,z", "empty option"),
    ("/a:/b:ro,rw", 'conflicting read/write mode options "ro" and "rw"'),
    ("/a:/b:ro,ro", 'repeats option "ro"'),
    ("/a:/b:z,Z", 'conflicting SELinux label options "z" and "Z"'),
    ("/a:/b:shared,rslave", 'conflicting propagation options "shared" and "rslave"'),
    ("/a:/b:cached,delegated", 'conflicting consistency options "cached" and "delegated"'),
    ("vol:/b:nocopy,nocopy", 'repeats option "nocopy"'),
    ("/host:/data:nocopy", 'sets "nocopy" on a bind mount of "/host"'),
    ("/host:/data:ro,nocopy", 'remove "nocopy"'),
    ("vol:/data:shared", 'sets propagation "shared" on the named volume "vol"'),
    ("vol:/data:ro,rprivate", "propagation only applies to bind mounts"),
]


@pytest.mark.parametrize("spec, message", INVALID, ids=[v[0] or "<empty>" for v in INVALID])
def test_parse_invalid(spec, message):
    with pytest.raises(VolumeSpecError) as error:
        parse_volume(spec)
    assert message in str(error.value)
    if spec:
        # Every message names the spec so it can be found in a long volumes list.
        assert '"%s"' % spec in str(error.value)


@pytest.mark.parametrize("spec", [None, 5, ["/data"], {"/a": "/b"}, b"/data"])
def test_parse_non_string(spec):
    with pytest.raises(VolumeSpecError, match="a volume spec must be a string"):
        parse_volume(spec)


def test_volume_spec_error_is_value_error():
    assert issubclass(VolumeSpecError, ValueError)


def test_unknown_option_lists_all_valid_options():
    with pytest.raises(VolumeSpecError) as error:
        parse_volume("/a:/b:bogus")
    for option in VOLUME_OPTIONS:
        assert option in str(error.value)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/builds/", "/builds"),
        ("/builds", "/builds"),
        ("//builds", "/builds"),
        ("///builds//x/", "/builds/x"),
        ("/builds/./x/../y", "/builds/y"),
        ("/", "/"),
        ("//", "/"),
    ],
)
def test_normalize_path(path, expected):
    assert normalize_path(path) == expected


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("/builds/", "/builds", True),
        ("//builds", "/builds/.", True),
        ("/builds", "/builds2", False),
        ("/srv/builds", "/builds", False),
    ],
)
def test_same_path(first, second, expected):
    assert same_path(first, second) is expected


@pytest.mark.parametrize(
    "path, parent, expected",
    [
        ("/srv/builds", "/srv", True),
        ("/srv/builds", "/srv/", True),
        ("/srv", "/srv", True),
        ("/srv/builds", "/", True),
        ("/srvx/builds", "/srv", False),
        ("/srv", "/srv/builds", False),
    ],
)
def test_path_within(path, parent, expected):
    assert path_within(path, parent) is expected


# Docker's option groups (linuxValidMountMode), written out here rather than read from the module under test.
DOCKER_OPTION_GROUPS = [
    ("rw", "ro"),
    ("z", "Z"),
    ("shared", "rshared", "slave", "rslave", "private", "rprivate"),
    ("nocopy",),
    ("consistent", "cached", "delegated"),
]
DOCKER_OPTIONS = [option for group in DOCKER_OPTION_GROUPS for option in group]


@pytest.mark.parametrize("option", DOCKER_OPTIONS)
def test_every_docker_option_is_accepted_alone_on_a_volume_or_a_bind(option):
    source = "/host" if option != "nocopy" else "vol"
    assert parse_volume("%s:/data:%s" % (source, option))["options"] == [option]


def test_the_options_are_docker_options_in_its_order():
    assert list(VOLUME_OPTIONS) == DOCKER_OPTIONS


@pytest.mark.parametrize(
    "first, second",
    [(a, b) for group in DOCKER_OPTION_GROUPS for a in group for b in group if a != b],
)
def test_two_options_of_one_group_conflict(first, second):
    with pytest.raises(VolumeSpecError, match='conflicting .* options "%s" and "%s"' % (first, second)):
        parse_volume("/host:/data:%s,%s" % (first, second))


@pytest.mark.parametrize(
    "first, second",
    [(a[0], b[-1]) for a in DOCKER_OPTION_GROUPS for b in DOCKER_OPTION_GROUPS if a is not b and "nocopy" not in a + b],
)
def test_options_of_different_groups_go_together(first, second):
    assert parse_volume("/host:/data:%s,%s" % (first, second))["options"] == [first, second]


@pytest.mark.parametrize("option", ["shared", "rshared", "slave", "rslave", "private", "rprivate"])
def test_every_propagation_option_is_refused_on_a_named_volume(option):
    with pytest.raises(VolumeSpecError, match='sets propagation "%s" on the named volume "vol"' % option):
        parse_volume("vol:/data:%s" % option)


@pytest.mark.parametrize(
    "spec, expected",
    [
        # Docker reads a backslash in the container path as a slash when it checks it, and keeps the path as given.
        ("/host:\\data", _volume("bind", "/host", "\\data")),
        ("vol:\\data:ro", _volume("volume", "vol", "\\data", ["ro"], True)),
    ],
)
def test_backslash_container_paths(spec, expected):
    assert parse_volume(spec) == expected


def test_a_backslash_alone_is_the_container_root():
    with pytest.raises(VolumeSpecError, match="mounts over the container's root"):
        parse_volume("/host:\\")


@pytest.mark.parametrize(
    "spec, kind, fix",
    [
        # A name with a slash, or starting with "." or "~", is a relative host path: the fix is an absolute path.
        ("src/data:/data", "relative host path", 'e.g. "/srv/src/data"'),
        (".hidden:/data", "relative host path", 'e.g. "/srv/hidden"'),
        ("~data:/data", "relative host path", 'e.g. "/srv/data"'),
        # Anything else that is no volume name stays an invalid name.
        ("a:/data", "invalid volume name", "rename the volume"),
        ("data@x:/data", "invalid volume name", "rename the volume"),
    ],
)
def test_host_part_that_is_neither_path_nor_name_names_its_fix(spec, kind, fix):
    with pytest.raises(VolumeSpecError) as error:
        parse_volume(spec)
    assert kind in str(error.value)
    assert fix in str(error.value)


@pytest.mark.parametrize(
    "spec, fix",
    [
        ("/data:", 'write "/data" for an anonymous volume or add the container path, e.g. "/data:/data"'),
        ("/data:ro", 'write "/data" alone for an anonymous volume (they take no options), or "NAME-OR-/HOST/PATH:/data:ro"'),
        (":/data", "[HOST-PATH-OR-VOLUME-NAME:]CONTAINER-PATH[:OPTIONS]"),
        ("/a:/b:c:d", "[HOST-PATH-OR-VOLUME-NAME:]CONTAINER-PATH[:OPTIONS]"),
    ],
)
def test_message_names_the_fix_for_the_spec_given(spec, fix):
    with pytest.raises(VolumeSpecError) as error:
        parse_volume(spec)
    assert fix in str(error.value)


@pytest.mark.parametrize("option, hint", [("RO", 'write "ro"'), ("Rshared", 'write "rshared"'), ("Foo", None), ("foo", None)])
def test_case_hint_only_for_a_known_option_in_another_case(option, hint):
    with pytest.raises(VolumeSpecError) as error:
        parse_volume("/a:/b:%s" % option)
    if hint:
        assert "options are case-sensitive: %s" % hint in str(error.value)
    else:
        assert 'unknown option "%s": Docker accepts ' % option in str(error.value)


def test_unknown_option_message_lists_the_options_comma_separated():
    with pytest.raises(VolumeSpecError) as error:
        parse_volume("/a:/b:bogus")
    listed = str(error.value).split("Docker accepts ", 1)[1].rsplit(", comma-separated", 1)[0]
    assert listed.split(", ") == DOCKER_OPTIONS


@pytest.mark.parametrize("path, expected", [("//Xfer/a", "/Xfer/a"), ("///X", "/X")])
def test_normalize_path_keeps_what_follows_the_leading_slashes(path, expected):
    assert normalize_path(path) == expected


# --- config.toml volumes, as GitLab Runner reads them first ----------------------------------------------------------


@pytest.mark.parametrize("spec, volume", [
    # A spec with a source is rebuilt from what the runner's parser read; Docker then binds that.
    ("/a:/b:rw:rslave", dict(_volume("bind", "/a", "/b", ["rw", "rslave"]), dropped=[], docker_spec="/a:/b:rw,rslave")),
    ("/a:/b:ro:z", dict(_volume("bind", "/a", "/b", ["ro", "z"], True), dropped=[], docker_spec="/a:/b:ro,z")),
    ("/a/:/b:ro,z,shared", dict(_volume("bind", "/a", "/b", ["ro", "z", "shared"], True), dropped=[],
                                docker_spec="/a/:/b:ro,z,shared")),
    ("cache:/cache:ro", dict(_volume("volume", "cache", "/cache", ["ro"], True), dropped=[],
                             docker_spec="cache:/cache:ro")),
    ("/my host path:/builds dir", dict(_volume("bind", "/my host path", "/builds dir"), dropped=[],
                                       docker_spec="/my host path:/builds dir")),
    # The destination may name job variables, which the runner expands.
    ("/srv/cache:/cache/$CI_PROJECT_PATH", dict(_volume("bind", "/srv/cache", "/cache/$CI_PROJECT_PATH"),
                                                dropped=[], docker_spec="/srv/cache:/cache/$CI_PROJECT_PATH")),
    # Without a source, the runner makes a cache volume of its own and drops the options: /cache:ro is writable.
    ("/cache", dict(_volume("anonymous", "", "/cache"), dropped=[], docker_spec="")),
    ("/cache:ro", dict(_volume("anonymous", "", "/cache"), dropped=["ro"], docker_spec="")),
    ("/cache:rw,Z", dict(_volume("anonymous", "", "/cache"), dropped=["rw", "Z"], docker_spec="")),
])
def test_runner_volume_accepted(spec, volume):
    assert parse_runner_volume(spec) == volume


@pytest.mark.parametrize("spec, message", [
    # The runner's parser refuses these, although Docker would take them: each job fails before it starts.
    ("name:/data:nocopy", r'GitLab Runner refuses volume "name:/data:nocopy" \(invalid volume specification.*'
                          r'not "nocopy"; remove it'),
    ("/a:/b:cached", r'not "cached"'),
    ("/a:/b:delegated", r'not "delegated"'),
    ("/a:/b:z,ro", r"in that order"),
    ("/a:/b:rshared,ro", r"in that order"),
    ("/data*:/data", r"may not hold '\*'"),
    ("/a:/b?c", r"may not hold '\?'"),
    ("/a//b:/c", r'"//"'),
    ("/a:/b:ro:z:shared:x", r'not "x"'),
    # Refused by both: the runner's refusal, with Docker's reason.
    (":/data", r'GitLab Runner refuses volume ":/data".*starts with ":"'),
    ("/a:b", r"relative container path"),
    ("./x:/x", r"relative host path"),
    ("", r"empty volume entry, which GitLab Runner skips: remove it"),
    # Accepted by the runner, then refused by Docker, in the spelling the runner hands it.
    ("/a:/b:O", r'unknown option "O"'),
    ("/a:/b:RO", r'unknown option "RO" \(options are case-sensitive: write "ro"\)'),
    ("/a:/b:ro:Shared", r'hands volume "/a:/b:ro:Shared" to Docker as "/a:/b:ro,Shared".*unknown option "Shared"'),
    ("my vol:/data", r'invalid volume name "my vol"'),
    ("cache:/cache:rshared", r"propagation only applies to bind mounts"),
    ("/cache:/", r"mounts over the container's root"),
    ("/:ro", r"mounts over the container's root"),
])
def test_runner_volume_refused_with_the_reason(spec, message):
    with pytest.raises(VolumeSpecError, match=message):
        parse_runner_volume(spec)


def test_runner_volume_parser_does_not_backtrack_on_long_specs():
    # Go's regexp is linear; the translation keeps it so on a long spec that fails at its end.
    with pytest.raises(VolumeSpecError, match="may not hold"):
        parse_runner_volume("/" + "a/" * 20000 + "*")
    with pytest.raises(VolumeSpecError):
        parse_runner_volume("/" + "a" * 20000 + ":/b:" + "r" * 50)
