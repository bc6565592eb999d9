# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): free Docker's data root of what CI jobs left behind.

The runner role's cleanup timer runs this file on the runner host (``python3 docker_cleanup.py --min-free 15%``, the
role copies it there) in its free-space mode: when the file system of Docker's data root has less free space (or
fewer free inodes) than the threshold, it removes job leftovers, oldest first, until the threshold is met again;
above the threshold it removes nothing. Never what carries the keep label, never what a running container uses.

Job leftovers, as GitLab Runner leaves them: stopped containers and volumes it labels
``com.gitlab.gitlab-runner.managed=true`` (its build, cache and service containers, its cache volumes), and images
no container uses (pulled or built by jobs; pulled again when a job needs them). Stdlib only: it runs on the host
with the system's Python 3, and its rules are unit-tested on the controller.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import re
import subprocess
import sys
import time

__all__ = ["MANAGED_LABEL", "candidates", "free_space", "parse_threshold", "run", "threshold_problem"]

# The label GitLab Runner puts on what it creates (executors/docker/internal/labels).
MANAGED_LABEL = "com.gitlab.gitlab-runner.managed"
_THRESHOLD = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>%|[KMGT]i?B?|B)?\Z", re.IGNORECASE)
_CREATED = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})")


def threshold_problem(text, what="free space"):
    """Why ``text`` is not a threshold (``15%``, ``20G``, ``500MiB``), or None. Inodes take percentages only."""
    if not isinstance(text, str) or not _THRESHOLD.match(text.strip()):
        return ("is %r, not a share (15%%) or an amount (20G, 500MiB) of %s" % (text, what)
                if what == "free space" else "is %r, not a share of free inodes (10%%)" % (text,))
    kind, value = parse_threshold(text)
    if kind == "percent" and not 0 < value < 100:
        return "is %s, but a share of the file system is more than 0%% and less than 100%%" % text
    if kind == "bytes" and what != "free space":
        return "is %s: free inodes are given as a share (10%%), not an amount" % text
    if kind == "bytes" and value <= 0:
        return "is %s: give more than 0 bytes" % text
    return None


def parse_threshold(text):
    """``("percent", 15.0)`` or ``("bytes", 20000000000)``; decimal units (G) and binary ones (GiB) as Docker reads them."""
    match = _THRESHOLD.match(text.strip())
    if not match:
        raise ValueError("not a threshold: %r" % (text,))
    number, unit = float(match.group("number")), (match.group("unit") or "").upper()
    if unit == "%":
        return "percent", number
    base = 1024 if "I" in unit else 1000
    return "bytes", int(number * base ** "BKMGT".index(unit[0] if unit else "B"))


def free_space(path, statvfs=os.statvfs):
    """``{"bytes": free, "total": total, "inodes": free inodes, "total_inodes": total}`` of the file system of ``path``."""
    stats = statvfs(path)
    return {"bytes": stats.f_bavail * stats.f_frsize, "total": stats.f_blocks * stats.f_frsize,
            "inodes": stats.f_favail, "total_inodes": stats.f_files}


def shortfall(free, min_free=None, min_free_inodes=None):
    """The unmet thresholds of ``free`` (from free_space()), as words for a log line; empty when all are met."""
    missing = []
    if min_free:
        kind, value = parse_threshold(min_free)
        wanted = value / 100.0 * free["total"] if kind == "percent" else value
        if free["bytes"] < wanted:
            missing.append("free space %s < %s" % (_human(free["bytes"]), min_free))
    if min_free_inodes and free["total_inodes"]:
        _kind, value = parse_threshold(min_free_inodes)
        if free["inodes"] < value / 100.0 * free["total_inodes"]:
            missing.append("free inodes %d < %s" % (free["inodes"], min_free_inodes))
    return missing


def _human(count):
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000:
            return "%d %s" % (count, unit)
        count /= 1000.0
    return "%.1f TB" % count


def _created(text):
    """Seconds since the epoch of Docker's ``Created`` / ``CreatedAt`` (RFC 3339 with any fraction), 0 if unknown."""
    match = _CREATED.match(text or "")
    if not match:
        return 0.0
    return float(calendar.timegm(time.strptime("%s %s" % match.groups(), "%Y-%m-%d %H:%M:%S")))


def candidates(containers, volumes, images, keep_label):
    """What may go, oldest first: ``[{"kind", "id", "name", "created", "after"}]``.

    ``containers``, ``volumes`` and ``images`` are ``docker inspect`` objects. A container goes when GitLab Runner
    labelled it and it is not running; a volume when GitLab Runner labelled it and no other container mounts it; an
    image when no other container uses it. ``after`` lists the leftover containers that hold a volume or image and
    go first. Nothing that carries ``keep_label`` (a key, or key=value) goes, nor what a container that stays uses.
    """
    def labels(item):
        return (item.get("Config") or {}).get("Labels") or item.get("Labels") or {}

    def kept(item):
        key, sep, value = keep_label.partition("=")
        found = labels(item)
        return key in found and (not sep or found[key] == value)

    leaving, staying = [], []
    for container in containers:
        running = (container.get("State") or {}).get("Running")
        if not running and labels(container).get(MANAGED_LABEL) == "true" and not kept(container):
            leaving.append(container)
        else:
            staying.append(container)

    def volumes_of(container):
        return set(mount.get("Name") for mount in container.get("Mounts") or [] if mount.get("Type") == "volume")

    used_volumes = set(name for container in staying for name in volumes_of(container))
    used_images = set(container.get("Image") for container in staying)
    found = [{"kind": "container", "id": item["Id"], "name": item.get("Name", "").lstrip("/"),
              "created": _created(item.get("Created")), "after": []} for item in leaving]
    for volume in volumes:
        if (labels(volume).get(MANAGED_LABEL) == "true" and not kept(volume)
                and volume.get("Name") not in used_volumes):
            found.append({"kind": "volume", "id": volume["Name"], "name": volume["Name"],
                          "created": _created(volume.get("CreatedAt")),
                          "after": [item["Id"] for item in leaving if volume["Name"] in volumes_of(item)]})
    for image in images:
        if image.get("Id") not in used_images and not kept(image):
            found.append({"kind": "image", "id": image["Id"], "name": ",".join(image.get("RepoTags") or []) or image["Id"],
                          "created": _created(image.get("Created")),
                          "after": [item["Id"] for item in leaving if item.get("Image") == image["Id"]]})
    order = {"container": 0, "volume": 1, "image": 2}
    return sorted(found, key=lambda item: (item["created"], order[item["kind"]], item["id"]))


def _docker(argv):
    done = subprocess.run(["docker"] + argv, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def _inspect(docker, kind, ids):
    if not ids:
        return []
    rc, out, err = docker([kind, "inspect"] + ids)
    if rc != 0:
        raise RuntimeError("docker %s inspect failed: %s" % (kind, err.strip()))
    return json.loads(out or "[]")


def _ids(docker, argv):
    rc, out, err = docker(argv)
    if rc != 0:
        raise RuntimeError("docker %s failed: %s" % (" ".join(argv[:2]), err.strip()))
    return [line for line in out.split() if line]


def _say(line):
    sys.stdout.write(line + "\n")


def run(min_free=None, min_free_inodes=None, keep_label="runnerops.keep", data_root=None, docker=_docker,
        statvfs=os.statvfs, log=_say):
    """Remove job leftovers, oldest first, while a threshold is unmet; return what was removed."""
    if data_root is None:
        data_root = _ids(docker, ["info", "--format", "{{.DockerRootDir}}"])[0]
    missing = shortfall(free_space(data_root, statvfs), min_free, min_free_inodes)
    if not missing:
        log("docker cleanup: %s has enough room (%s), nothing removed" % (data_root, ", ".join(
            filter(None, ["free space at least %s" % min_free if min_free else "",
                          "free inodes at least %s" % min_free_inodes if min_free_inodes else ""]))))
        return []
    log("docker cleanup: %s is short: %s; removing job leftovers, oldest first" % (data_root, ", ".join(missing)))
    containers = _inspect(docker, "container", _ids(docker, ["container", "ls", "-aq", "--no-trunc"]))
    volumes = _inspect(docker, "volume", _ids(docker, ["volume", "ls", "-q"]))
    images = _inspect(docker, "image", _ids(docker, ["image", "ls", "-aq", "--no-trunc"]))
    removed, gone = [], set()
    for item in candidates(containers, volumes, images, keep_label):
        if item["id"] in gone:
            continue
        # The leftover containers that hold it go first; a container that cannot go keeps it.
        for container in item["after"]:
            if container not in gone and docker(["container", "rm", container])[0] == 0:
                gone.add(container)
        argv = [item["kind"], "rm"] + (["--force"] if item["kind"] == "image" else []) + [item["id"]]
        rc, _out, err = docker(argv)
        if rc != 0:
            # In use since the listing: left, and said.
            log("docker cleanup: kept %s %s: %s" % (item["kind"], item["name"], err.strip()))
            continue
        gone.add(item["id"])
        removed.append(item)
        log("docker cleanup: removed %s %s" % (item["kind"], item["name"]))
        missing = shortfall(free_space(data_root, statvfs), min_free, min_free_inodes)
        if not missing:
            log("docker cleanup: %s has enough room again after %d removal(s)" % (data_root, len(removed)))
            return removed
    log("docker cleanup: %s is still short (%s) with no job leftover left to remove" % (data_root, ", ".join(missing)))
    return removed


def main(argv=None):
    parser = argparse.ArgumentParser(description="Free Docker's data root of CI job leftovers, oldest first.")
    parser.add_argument("--min-free", help="free space to keep: a share (15%%) or an amount (20G)")
    parser.add_argument("--min-free-inodes", help="free inodes to keep, as a share (10%%)")
    parser.add_argument("--keep-label", default="runnerops.keep", help="never remove what carries this label")
    parser.add_argument("--data-root", help="Docker's data root (default: what docker info says)")
    options = parser.parse_args(argv)
    problems = [problem for problem in (options.min_free and threshold_problem(options.min_free),
                                        options.min_free_inodes and threshold_problem(options.min_free_inodes, "inodes"))
                if problem]
    if problems or not (options.min_free or options.min_free_inodes):
        parser.error("; ".join(problems) or "give --min-free and/or --min-free-inodes")
    try:
        run(options.min_free, options.min_free_inodes, options.keep_label, options.data_root)
    except (RuntimeError, OSError, ValueError) as error:
        sys.stderr.write("docker cleanup: %s\n" % error)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
