# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitLab Runner's Go module for the tests that read it, and tools/runner-source to read it with.

The module ``gitlab.com/gitlab-org/gitlab-runner`` is downloaded (or found in the cache) with
``go mod download -json`` at test time; nothing of it is copied into this repository. The release
v19.3.0 cannot be served by a Go proxy (its go.mod path lacks the /v19 suffix), so the default is a
pseudo-version of a 19.4.0 development commit. Environment:

- ``GITLAB_RUNNER_MODULE_VERSION``: the module version (default ``DEFAULT_VERSION``);
- ``GITLAB_RUNNER_GOMODCACHE``: the Go module cache to use (default ``DEFAULT_GOMODCACHE``).

``go`` is taken from PATH, else ``FALLBACK_GO``. Without it, or when the download or the build of
tools/runner-source fails, the test that needs them is skipped with a one-line reason.
"""

from __future__ import annotations

import atexit
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

MODULE = "gitlab.com/gitlab-org/gitlab-runner"
# A 19.4.0 development commit (its VERSION file says 19.4.0) that the Go proxy serves.
DEFAULT_VERSION = "v1.11.1-0.20260903214710-fc1f1862bd91"
DEFAULT_GOMODCACHE = "/var/cache/runnerops-test/gitlab-runner/gomodcache"
FALLBACK_GO = "/usr/local/go/bin/go"
DOWNLOAD_TIMEOUT = 120
BUILD_TIMEOUT = 300
RUN_TIMEOUT = 120

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
RUNNER_SOURCE = REPOSITORY / "tools" / "runner-source"

_FETCH_REMEDY = (
    "set GITLAB_RUNNER_MODULE_VERSION and GITLAB_RUNNER_GOMODCACHE to a version and a Go module cache that "
    "hold %s, or let go reach a Go module proxy" % MODULE
)
_cache = {}


def _skip(what, tried, remedy):
    pytest.skip(" ".join(("%s not available: %s; %s" % (what, tried, remedy)).split()))


def version():
    return os.environ.get("GITLAB_RUNNER_MODULE_VERSION") or DEFAULT_VERSION


def find_go(what="GitLab Runner's Go module"):
    """The go command, or skip."""
    go = shutil.which("go") or (FALLBACK_GO if os.access(FALLBACK_GO, os.X_OK) else None)
    if go is None:
        _skip(what, "no go on PATH nor at %s" % FALLBACK_GO, "install Go or put it on PATH")
    return go


def _go_env(**extra):
    # No toolchain download, no go.work of an enclosing directory.
    env = dict(os.environ, GOTOOLCHAIN="local", GOWORK="off", GOFLAGS="-mod=mod")
    env.update(extra)
    return env


def module_dir(what="GitLab Runner's Go module"):
    """Download (or find in the cache) the GitLab Runner module and return its directory, or skip."""
    if "module" in _cache:
        return _cache["module"]
    gomodcache = os.environ.get("GITLAB_RUNNER_GOMODCACHE") or DEFAULT_GOMODCACHE
    go = find_go(what)
    command = [go, "mod", "download", "-json", "%s@%s" % (MODULE, version())]
    tried = "go %s (GOMODCACHE=%s)" % (" ".join(command[1:]), gomodcache)
    try:
        # Outside any go.mod / go.work, so that only the module asked for is resolved.
        with tempfile.TemporaryDirectory() as workdir:
            result = subprocess.run(
                command, cwd=workdir, env=_go_env(GOMODCACHE=gomodcache), capture_output=True, text=True,
                timeout=DOWNLOAD_TIMEOUT, check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as error:
        _skip(what, "%s did not finish: %s" % (tried, error), _FETCH_REMEDY)
    try:
        info = json.loads(result.stdout)
    except ValueError:
        info = {}
    directory = info.get("Dir")
    if result.returncode != 0 or info.get("Error") or not directory or not os.path.isdir(directory):
        reason = info.get("Error") or result.stderr.strip() or "no Dir in its output"
        _skip(what, "%s failed: %s" % (tried, reason), _FETCH_REMEDY)
    _cache["module"] = pathlib.Path(directory)
    return _cache["module"]


def runner_source_binary(what="tools/runner-source"):
    """Build tools/runner-source (standard library only, no network) once per test run; return its path, or skip."""
    if "binary" in _cache:
        return _cache["binary"]
    go = find_go(what)
    build_dir = tempfile.mkdtemp(prefix="runner-source-")
    atexit.register(shutil.rmtree, build_dir, True)
    binary = os.path.join(build_dir, "runner-source")
    command = [go, "build", "-o", binary, "."]
    extra = {"GOPROXY": "off"}
    if not any(os.environ.get(name) for name in ("GOCACHE", "XDG_CACHE_HOME", "HOME")):
        extra["GOCACHE"] = os.path.join(build_dir, "gocache")  # go needs a build cache somewhere
    try:
        result = subprocess.run(
            command, cwd=str(RUNNER_SOURCE), env=_go_env(**extra), capture_output=True, text=True,
            timeout=BUILD_TIMEOUT, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _skip(what, "go build in %s did not finish: %s" % (RUNNER_SOURCE, error), "check the Go installation")
    if result.returncode != 0:
        # A compile error of the tool is a failure of this repository, not a missing prerequisite.
        pytest.fail("go build of %s failed:\n%s" % (RUNNER_SOURCE, result.stderr))
    _cache["binary"] = binary
    return binary


def runner_source(*args):
    """Run ``runner-source ARGS...`` and return its standard output; a failure fails the test."""
    command = [runner_source_binary()] + [str(arg) for arg in args]
    result = subprocess.run(
        command, cwd=str(RUNNER_SOURCE), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    if result.returncode != 0:
        pytest.fail("%s failed (exit %d):\n%s" % (" ".join(command), result.returncode, result.stderr))
    return result.stdout
