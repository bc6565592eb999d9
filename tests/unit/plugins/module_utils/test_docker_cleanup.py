# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import collections
import json

import pytest

from ansible_collections.runnerops.gitlab_runner.plugins.module_utils import docker_cleanup

MANAGED = {docker_cleanup.MANAGED_LABEL: "true"}
KEEP = "runnerops.keep"


@pytest.mark.parametrize("text, parsed", [
    ("15%", ("percent", 15.0)), ("0.5%", ("percent", 0.5)), ("20G", ("bytes", 20 * 1000 ** 3)),
    ("20GB", ("bytes", 20 * 1000 ** 3)), ("500MiB", ("bytes", 500 * 1024 ** 2)), ("1024", ("bytes", 1024)),
    ("2 T", ("bytes", 2 * 1000 ** 4)), ("10k", ("bytes", 10000)),
])
def test_parse_threshold(text, parsed):
    assert docker_cleanup.parse_threshold(text) == parsed
    assert docker_cleanup.threshold_problem(text) is None


@pytest.mark.parametrize("text, what, words", [
    ("", "free space", "not a share"), ("15", "inodes", "given as a share"),
    ("x%", "inodes", "not a share of free inodes"), ("0%", "free space", "more than 0%"),
    ("100%", "free space", "less than 100%"), ("-5%", "free space", "not a share"), ("lots", "free space", "not a share"),
    ("20G", "inodes", "given as a share"), ("0", "free space", "more than 0 bytes"), (15, "free space", "not a share"),
])
def test_threshold_problems(text, what, words):
    problem = docker_cleanup.threshold_problem(text, what)
    assert problem and words in problem


Stats = collections.namedtuple("Stats", "f_bavail f_frsize f_blocks f_favail f_files")


def _free(free_bytes, total=1000, inodes=100, total_inodes=100):
    return {"bytes": free_bytes, "total": total, "inodes": inodes, "total_inodes": total_inodes}


@pytest.mark.parametrize("free, min_free, min_inodes, short", [
    (_free(150), "15%", None, False), (_free(149), "15%", None, True), (_free(150), "150", None, False),
    (_free(149), "150", None, True), (_free(900, inodes=9), None, "10%", True), (_free(900, inodes=10), None, "10%", False),
    (_free(10, inodes=5), "15%", "10%", True), (_free(0), None, None, False),
])
def test_shortfall_boundaries(free, min_free, min_inodes, short):
    assert bool(docker_cleanup.shortfall(free, min_free, min_inodes)) is short


def test_free_space_reads_statvfs():
    stats = Stats(f_bavail=10, f_frsize=4096, f_blocks=100, f_favail=7, f_files=50)
    assert docker_cleanup.free_space("/x", statvfs=lambda path: stats) == {
        "bytes": 40960, "total": 409600, "inodes": 7, "total_inodes": 50}


def _container(cid, created, labels=None, running=False, image="sha256:img", volumes=()):
    return {"Id": cid, "Name": "/" + cid, "Created": created, "State": {"Running": running}, "Image": image,
            "Config": {"Labels": labels or {}}, "Mounts": [{"Type": "volume", "Name": v} for v in volumes]}


def _volume(name, created, labels=None):
    return {"Name": name, "CreatedAt": created, "Labels": labels}


def _image(iid, created, tags=(), labels=None):
    return {"Id": iid, "Created": created, "RepoTags": list(tags), "Config": {"Labels": labels}}


def test_candidates_oldest_first_never_kept_never_in_use():
    containers = [
        _container("job-old", "2026-01-01T00:00:00Z", MANAGED, image="sha256:old", volumes=["cache-old"]),
        _container("job-running", "2026-01-02T00:00:00Z", MANAGED, running=True, image="sha256:used",
                   volumes=["cache-used"]),
        _container("job-kept", "2026-01-03T00:00:00Z", dict(MANAGED, **{KEEP: "yes"}), image="sha256:keptbyuse"),
        _container("not-a-job", "2026-01-04T00:00:00Z", {}, image="sha256:mine", volumes=["cache-mine"]),
    ]
    volumes = [
        _volume("cache-old", "2026-01-01T01:00:00Z", MANAGED), _volume("cache-used", "2025-01-01T00:00:00Z", MANAGED),
        _volume("cache-kept", "2025-01-01T00:00:00Z", dict(MANAGED, **{KEEP: ""})),
        _volume("someone-elses", "2025-01-01T00:00:00Z", {}), _volume("cache-mine", "2025-01-01T00:00:00Z", MANAGED),
        _volume("cache-new", "2026-03-01T00:00:00.123456789Z", MANAGED),
    ]
    images = [_image("sha256:old", "2025-06-01T00:00:00Z", ["job:1"]), _image("sha256:used", "2025-01-01T00:00:00Z"),
              _image("sha256:keptbyuse", "2025-01-01T00:00:00Z"), _image("sha256:mine", "2025-01-01T00:00:00Z"),
              _image("sha256:labelled", "2025-01-01T00:00:00Z", labels={KEEP: "1"})]
    found = docker_cleanup.candidates(containers, volumes, images, KEEP)
    assert [(item["kind"], item["name"]) for item in found] == [
        ("image", "job:1"), ("container", "job-old"), ("volume", "cache-old"), ("volume", "cache-new")]
    assert found[0]["after"] == ["job-old"] and found[2]["after"] == ["job-old"]


def test_candidates_keep_label_with_a_value():
    volumes = [_volume("a", "2025-01-01T00:00:00Z", dict(MANAGED, **{"keep": "yes"})),
               _volume("b", "2025-01-01T00:00:00Z", dict(MANAGED, **{"keep": "no"}))]
    assert [item["name"] for item in docker_cleanup.candidates([], volumes, [], "keep=yes")] == ["b"]


class FakeHost(object):
    """A Docker daemon and a file system that gains room as objects go."""

    def __init__(self, containers, volumes, images, sizes, free, total=1000):
        self.objects = {"container": containers, "volume": volumes, "image": images}
        self.sizes, self.free, self.total = sizes, free, total
        self.calls = []
        self.refuse = set()

    def statvfs(self, path):
        assert path == "/var/lib/docker"
        return Stats(f_bavail=self.free, f_frsize=1, f_blocks=self.total, f_favail=100, f_files=100)

    def _key(self, kind, item):
        return item["Name"] if kind == "volume" else item["Id"]

    def docker(self, argv):
        self.calls.append(argv)
        kind, verb = argv[0], argv[1]
        if kind == "info":
            return 0, "/var/lib/docker\n", ""
        if verb == "ls":
            return 0, "\n".join(self._key(kind, item) for item in self.objects[kind]), ""
        if verb == "inspect":
            return 0, json.dumps([item for item in self.objects[kind] if self._key(kind, item) in argv[2:]]), ""
        if verb == "rm":
            target = argv[-1]
            if target in self.refuse:
                return 1, "", "Error: in use"
            self.objects[kind] = [item for item in self.objects[kind] if self._key(kind, item) != target]
            self.free += self.sizes.get(target, 0)
            return 0, "", ""
        raise AssertionError(argv)

    def removed(self):
        return [argv[-1] for argv in self.calls if argv[1] == "rm"]


def _host(free):
    containers = [_container("job-1", "2026-01-01T00:00:00Z", MANAGED, image="sha256:i1", volumes=["v1"]),
                  _container("job-run", "2026-01-05T00:00:00Z", MANAGED, running=True, image="sha256:i2",
                             volumes=["v-run"])]
    volumes = [_volume("v1", "2026-01-01T00:00:01Z", MANAGED), _volume("v2", "2026-01-02T00:00:00Z", MANAGED),
               _volume("v3", "2026-01-03T00:00:00Z", MANAGED), _volume("v-run", "2025-01-01T00:00:00Z", MANAGED),
               _volume("v-kept", "2025-01-01T00:00:00Z", dict(MANAGED, **{KEEP: "true"}))]
    images = [_image("sha256:i1", "2025-12-01T00:00:00Z"), _image("sha256:i2", "2025-12-01T00:00:00Z")]
    sizes = {"sha256:i1": 50, "v1": 100, "v2": 100, "v3": 100, "v-run": 500, "v-kept": 500, "sha256:i2": 500}
    return FakeHost(containers, volumes, images, sizes, free)


def test_run_removes_oldest_first_until_the_threshold_is_met():
    host = _host(free=100)
    lines = []
    removed = docker_cleanup.run("25%", None, KEEP, docker=host.docker, statvfs=host.statvfs, log=lines.append)
    # 100 free of 1000: the image (oldest; its container first) gives 50, job-1 0, v1 100: 250 = 25 %, stop.
    assert host.removed() == ["job-1", "sha256:i1", "v1"]
    assert [item["name"] for item in removed] == ["sha256:i1", "v1"]
    assert host.free == 250
    assert "short" in lines[0] and "enough room again after 2" in lines[-1]


def test_run_above_the_threshold_removes_nothing():
    host = _host(free=300)
    lines = []
    assert docker_cleanup.run("25%", "10%", KEEP, docker=host.docker, statvfs=host.statvfs, log=lines.append) == []
    assert host.removed() == [] and [call for call in host.calls if call[0] != "info"] == []
    assert "nothing removed" in lines[0]


def test_run_never_takes_what_is_kept_or_in_use_even_when_still_short():
    host = _host(free=0)
    lines = []
    docker_cleanup.run("90%", None, KEEP, docker=host.docker, statvfs=host.statvfs, log=lines.append)
    assert sorted(host.removed()) == sorted(["job-1", "sha256:i1", "v1", "v2", "v3"])
    assert "still short" in lines[-1]


def test_run_goes_on_when_a_removal_is_refused():
    host = _host(free=100)
    host.refuse.add("v1")
    lines = []
    docker_cleanup.run("25%", None, KEEP, docker=host.docker, statvfs=host.statvfs, log=lines.append)
    assert host.removed() == ["job-1", "sha256:i1", "v1", "v2"]
    assert any("kept volume v1: Error: in use" in line for line in lines)


def test_main_refuses_bad_thresholds(capsys):
    with pytest.raises(SystemExit):
        docker_cleanup.main(["--min-free", "lots"])
    assert "not a share" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        docker_cleanup.main([])


@pytest.mark.parametrize("text, what, ok", [
    ("1", "free space", True), ("1B", "free space", True), ("0B", "free space", False), ("0.5", "free space", False),
    ("99.9%", "free space", True), ("0.1%", "inodes", True), ("100%", "inodes", False),
])
def test_threshold_boundaries(text, what, ok):
    assert (docker_cleanup.threshold_problem(text, what) is None) is ok


@pytest.mark.parametrize("text", ["lots", "", "15%%", "-1G", "1.5.2G"])
def test_parse_threshold_refuses_what_is_no_threshold_naming_it(text):
    with pytest.raises(ValueError, match="not a threshold: %r" % text):
        docker_cleanup.parse_threshold(text)


@pytest.mark.parametrize("free, min_free, min_inodes, said", [
    (_free(149), "150", None, ["free space 149 B < 150"]),
    (_free(999, total=10 ** 6), "50%", None, ["free space 999 B < 50%"]),
    (_free(1000, total=10 ** 7), "50%", None, ["free space 1 kB < 50%"]),
    (_free(1500000, total=10 ** 8), "50%", None, ["free space 1 MB < 50%"]),
    (_free(2 * 10 ** 9, total=10 ** 11), "50%", None, ["free space 2 GB < 50%"]),
    (_free(2500 * 10 ** 9, total=10 ** 13), "50%", None, ["free space 2.5 TB < 50%"]),
    (_free(10, inodes=5), "15%", "10%", ["free space 10 B < 15%", "free inodes 5 < 10%"]),
    (_free(900, inodes=0, total_inodes=0), None, "10%", []),  # a file system without inode limits
])
def test_shortfall_names_each_unmet_threshold_with_the_amount_in_decimal_units(free, min_free, min_inodes, said):
    assert docker_cleanup.shortfall(free, min_free, min_inodes) == said


def test_candidates_are_whole_records_with_creation_times_from_docker():
    containers = [_container("c1", "2026-01-01T00:00:00.123456789Z", MANAGED, image="sha256:i", volumes=["v"]),
                  dict(_container("c2", None, MANAGED, image="sha256:other"), Name="/XX-build")]
    volumes = [_volume("v", "2026-01-02 00:00:00 +0000 UTC", MANAGED)]
    images = [_image("sha256:i", "2025-12-31T23:59:59Z", ["a:1", "b:2"]), _image("sha256:untagged", "bad date")]
    assert docker_cleanup.candidates(containers, volumes, images, KEEP) == [
        # No creation time known: the oldest of all.
        {"kind": "container", "id": "c2", "name": "XX-build", "created": 0.0, "after": []},
        {"kind": "image", "id": "sha256:untagged", "name": "sha256:untagged", "created": 0.0, "after": []},
        {"kind": "image", "id": "sha256:i", "name": "a:1,b:2", "created": 1767225599.0, "after": ["c1"]},
        {"kind": "container", "id": "c1", "name": "c1", "created": 1767225600.0, "after": []},
        {"kind": "volume", "id": "v", "name": "v", "created": 1767312000.0, "after": ["c1"]},
    ]


def test_candidates_without_a_name_are_named_empty():
    container = _container("c", "2026-01-01T00:00:00Z", MANAGED)
    del container["Name"]
    assert docker_cleanup.candidates([container], [], [], KEEP)[0]["name"] == ""


def test_candidates_created_together_go_containers_then_volumes_then_images():
    created = "2026-01-01T00:00:00Z"
    containers = [_container("zzz-container", created, MANAGED, image="sha256:other")]
    volumes = [_volume("zz-volume", created, MANAGED)]
    images = [_image("sha256:image", created)]
    found = docker_cleanup.candidates(containers, volumes, images, KEEP)
    assert [item["kind"] for item in found] == ["container", "volume", "image"]


def test_run_lists_everything_by_full_id_and_forces_images_out_by_id():
    host = _host(free=100)
    docker_cleanup.run("25%", None, KEEP, docker=host.docker, statvfs=host.statvfs, log=lambda line: None)
    assert host.calls[:2] == [["info", "--format", "{{.DockerRootDir}}"], ["container", "ls", "-aq", "--no-trunc"]]
    assert ["volume", "ls", "-q"] in host.calls and ["image", "ls", "-aq", "--no-trunc"] in host.calls
    # An image with several tags goes by its id only with --force; containers and volumes need none.
    assert ["image", "rm", "--force", "sha256:i1"] in host.calls
    assert ["volume", "rm", "v1"] in host.calls and ["container", "rm", "job-1"] in host.calls


class _Completed(object):
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _fake_subprocess(monkeypatch, answers):
    """docker_cleanup's docker CLI, answering each command line from ``answers`` as subprocess.run would."""
    calls = []

    def _run(argv, capture_output=False, text=False, check=True):
        calls.append(argv)
        rc, out, err = answers[tuple(argv[1:3])]
        encode = (lambda value: value) if text else (lambda value: value.encode())
        return _Completed(rc, encode(out), encode(err))

    monkeypatch.setattr(docker_cleanup.subprocess, "run", _run)
    return calls


def test_main_says_what_docker_refused_and_fails(monkeypatch, capsys):
    calls = _fake_subprocess(monkeypatch, {("info", "--format"): (1, "", "Cannot connect to the Docker daemon\n")})
    assert docker_cleanup.main(["--min-free", "15%"]) == 1
    assert capsys.readouterr().err == "docker cleanup: docker info --format failed: Cannot connect to the Docker daemon\n"
    assert calls == [["docker", "info", "--format", "{{.DockerRootDir}}"]]


def test_a_failed_inspect_names_what_was_inspected(monkeypatch, tmp_path):
    _fake_subprocess(monkeypatch, {("container", "ls"): (0, "c1\n", ""),
                                   ("container", "inspect"): (1, "", "Error: No such container: c1\n")})
    with pytest.raises(RuntimeError) as caught:
        docker_cleanup.run("99.9%", None, KEEP, data_root=str(tmp_path), statvfs=lambda path: Stats(0, 1, 1000, 0, 0),
                           log=lambda line: None)
    assert str(caught.value) == "docker container inspect failed: Error: No such container: c1"


def test_an_empty_inspect_answer_is_nothing():
    assert docker_cleanup._inspect(lambda argv: (0, "", ""), "volume", ["v"]) == []  # pylint: disable=protected-access


@pytest.mark.parametrize("argv, rc, words", [
    (["--min-free", "15%", "--min-free-inodes", "20G"], 2, "free inodes are given as a share"),
    (["--min-free-inodes", "lots"], 2, "not a share of free inodes"),
    (["--min-free", "1"], 0, None),
    (["--min-free-inodes", "0.001%"], 0, None),
])
def test_main_takes_either_threshold_alone_and_checks_each(argv, rc, words, tmp_path, capsys, monkeypatch):
    _fake_subprocess(monkeypatch, {})  # enough room: docker is never asked
    if rc:
        with pytest.raises(SystemExit) as caught:
            docker_cleanup.main(argv + ["--data-root", str(tmp_path)])
        assert caught.value.code == rc and words in capsys.readouterr().err
    else:
        assert docker_cleanup.main(argv + ["--data-root", str(tmp_path)]) == 0
        assert "has enough room" in capsys.readouterr().out
