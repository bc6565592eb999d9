#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build the real gitlab-runner and gitlab-runner-helper binaries from the Go
# module gitlab.com/gitlab-org/gitlab-runner, through the Go module proxy only
# (no access to gitlab.com is needed), with every module checked against the
# checksum database (GOSUMDB) and recorded in go.sum.
#
# Upstream's go.mod has `replace .../helpers/runner_wrapper/api => ./...`, so
# `go install module@version` refuses it. Instead a small wrapper module under
# CACHE_DIR/src requires gitlab-runner and names both main packages as `tool`s;
# as a dependency, gitlab-runner's replace is ignored and the tagged
# helpers/runner_wrapper/api version it requires is used.
#
# Module versions: upstream tags (v19.3.0, ...) are NOT valid versions of this
# module path (its go.mod has no /v19 suffix), so a proxy can only serve
# pseudo-versions (v1.11.1-0.<commit time>-<commit>) of it. The default
# GITLAB_RUNNER_MODULE_VERSION=v<VERSION> therefore only works through a proxy
# that maps it; otherwise pass the pseudo-version of the release commit. The
# module's VERSION file must match VERSION (or VERSION must start with
# "<VERSION file>~", upstream's form for untagged builds, e.g. 19.4.0~pre.g1234abcd).
#
# ldflags follow upstream's Makefile (GO_LDFLAGS, -trimpath, CGO_ENABLED=0):
#   -X <common>.NAME=gitlab-runner|gitlab-runner-helper -X <common>.VERSION=VERSION
#   -X <common>.BRANCH=... -w, plus <common>.REVISION (8 hex of the commit) and
#   <common>.BUILT (the commit time), which upstream takes from Go's VCS stamp,
#   absent when gitlab-runner is built as a dependency.
#
# Usage: build-gitlab-runner.sh [VERSION] [CACHE_DIR]
#   VERSION    runner version that --version must print (default 19.3.0)
#   CACHE_DIR  default /var/cache/runnerops-test/gitlab-runner; holds gomodcache/,
#              gocache/, src/ (wrapper module), logs/ and bin/:
#              bin/gitlab-runner (host OS/arch) and bin/gitlab-runner-helper.linux-amd64
#              (the name dockerfiles/runner-helper/Dockerfile copies from binary_dir),
#              with bin/build.stamp (version, module version, sha256s) for the cache check.
# Environment:
#   GITLAB_RUNNER_MODULE_VERSION  module version to build (default v<VERSION>)
#   GITLAB_RUNNER_BRANCH          BRANCH ldflag (default <major>-<minor>-stable for
#                                 X.Y.Z, main otherwise)
#   GITLAB_RUNNER_REBUILD=1       ignore cached binaries
#   GITLAB_RUNNER_ALLOW_NO_SUMDB=1  accept GOSUMDB=off (only where no sum database is reachable)
#   GO                            go command (default: go on PATH; Go >= the module's go line)
# Exit codes: 0 ok, 2 usage/toolchain, 3 the proxy cannot serve the module,
#   4 the proxy cannot serve a dependency (or a checksum failed), 5 build failed,
#   6 a built binary does not report VERSION.
set -euo pipefail

VERSION="${1:-19.3.0}"
VERSION="${VERSION#v}"
CACHE_DIR="${2:-/var/cache/runnerops-test/gitlab-runner}"
MODULE=gitlab.com/gitlab-org/gitlab-runner
HELPER_PKG="$MODULE/apps/gitlab-runner-helper"
COMMON_PKG="$MODULE/common"
MODULE_VERSION="${GITLAB_RUNNER_MODULE_VERSION:-v$VERSION}"
GO="${GO:-go}"
PHASES=7

BIN_DIR="$CACHE_DIR/bin"
SRC_DIR="$CACHE_DIR/src"
LOG_DIR="$CACHE_DIR/logs"
RUNNER_BIN="$BIN_DIR/gitlab-runner"
HELPER_BIN="$BIN_DIR/gitlab-runner-helper.linux-amd64"
STAMP="$BIN_DIR/build.stamp"

phase() { printf '[%s/%s] %s\n' "$1" "$PHASES" "$2"; }
die() { # CODE LINE...
	local code="$1"
	shift
	printf 'build-gitlab-runner: ERROR: %s\n' "$1" >&2
	shift
	[ "$#" -eq 0 ] || printf '%s\n' "$@" >&2
	exit "$code"
}
show_log() { # last lines of a phase log, indented, on stderr
	[ ! -s "$1" ] || tail -n 25 "$1" | sed 's/^/    /' >&2
}

# The "Version:" line of a binary's --version (empty if it cannot run here).
binary_version() {
	[ -x "$1" ] || return 0
	"$1" --version 2>/dev/null | awk '/^Version:/ {print $2; exit}' || true
}
sha256() { sha256sum "$1" | awk '{print $1}'; }
stamp_get() { # KEY: value recorded in the stamp of the last successful build
	[ -f "$STAMP" ] || return 0
	awk -F= -v k="$1" '$1 == k {sub(/^[^=]*=/, ""); print; exit}' "$STAMP"
}
# Cached binaries are reused when the stamp of the build that made them matches
# their checksums, VERSION and (if given) GITLAB_RUNNER_MODULE_VERSION, and the
# runner's --version prints VERSION (the helper's too where linux/amd64 runs).
cache_ok() {
	local helper_version
	[ -x "$RUNNER_BIN" ] && [ -x "$HELPER_BIN" ] && [ -f "$STAMP" ] || return 1
	[ "$(stamp_get version)" = "$VERSION" ] || return 1
	[ -z "${GITLAB_RUNNER_MODULE_VERSION:-}" ] ||
		[ "$(stamp_get module_version)" = "$GITLAB_RUNNER_MODULE_VERSION" ] || return 1
	[ "$(stamp_get runner_sha256)" = "$(sha256 "$RUNNER_BIN")" ] || return 1
	[ "$(stamp_get helper_sha256)" = "$(sha256 "$HELPER_BIN")" ] || return 1
	[ "$(binary_version "$RUNNER_BIN")" = "$VERSION" ] || return 1
	helper_version="$(binary_version "$HELPER_BIN")"
	[ -z "$helper_version" ] || [ "$helper_version" = "$VERSION" ]
}

# Versions the first http(s) entry of GOPROXY lists for the module (pseudo-versions
# included, which `go list -m -versions` hides). Best effort, needs curl.
proxy_list() {
	local proxy
	command -v curl >/dev/null 2>&1 || return 0
	proxy="$("$GO" env GOPROXY | tr ',|' '\n' | grep -E '^https?://' | head -n 1)" || return 0
	[ -n "$proxy" ] || return 0
	curl -fsS -m 30 "${proxy%/}/$MODULE/@v/list" 2>/dev/null | tr '\n' ' '
}

mkdir -p "$BIN_DIR" "$SRC_DIR" "$LOG_DIR"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE_DIR/.lock"
	flock 9
fi

# --- 1: cached binaries ------------------------------------------------------
phase 1 "checking cached binaries in $BIN_DIR for version $VERSION"
if [ "${GITLAB_RUNNER_REBUILD:-0}" != 1 ] && cache_ok; then
	printf 'cached: %s built from %s@%s, nothing to build\n' \
		"$VERSION" "$MODULE" "$(stamp_get module_version)"
	printf 'gitlab-runner: %s\n' "$RUNNER_BIN"
	printf 'gitlab-runner-helper: %s\n' "$HELPER_BIN"
	exit 0
fi

# --- 2: toolchain and checksum settings ---------------------------------------
command -v "$GO" >/dev/null 2>&1 || die 2 "go not found: put Go on PATH or set GO"
export GOMODCACHE="$CACHE_DIR/gomodcache" GOCACHE="$CACHE_DIR/gocache"
export GOFLAGS="-mod=mod -buildvcs=false" GO111MODULE=on CGO_ENABLED=0
gosumdb="$("$GO" env GOSUMDB)"
gonosumdb="$("$GO" env GONOSUMDB)"
[ -z "$gonosumdb" ] ||
	die 2 "GONOSUMDB (or GOPRIVATE) is set ('$gonosumdb'): checksums must be verified, unset it"
if [ "$gosumdb" = off ] && [ "${GITLAB_RUNNER_ALLOW_NO_SUMDB:-0}" != 1 ]; then
	die 2 "GOSUMDB=off: set GITLAB_RUNNER_ALLOW_NO_SUMDB=1 only where no checksum database is reachable"
fi
phase 2 "$("$GO" version | awk '{print $3}'), GOPROXY=$("$GO" env GOPROXY), GOSUMDB=$gosumdb"

# --- 3: the gitlab-runner module ----------------------------------------------
phase 3 "downloading $MODULE@$MODULE_VERSION"
t0=$SECONDS
dl_json="$LOG_DIR/module-download.json"
if ! (cd "$CACHE_DIR" && "$GO" mod download -json "$MODULE@$MODULE_VERSION") >"$dl_json" 2>"$LOG_DIR/module-download.log"; then
	err="$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' "$dl_json" | head -n 1 |
		sed 's/\\n\\t/ /g; s/\\n/ /g')"
	[ -n "$err" ] || err="$(tail -n 3 "$LOG_DIR/module-download.log")"
	msg="the Go module proxy cannot serve $MODULE@$MODULE_VERSION: $err"
	if [[ "$MODULE_VERSION" =~ ^v([2-9]|[1-9][0-9]+)\. ]]; then
		msg+=$'\n'"  upstream tags from v2 on are not valid versions of $MODULE (its go.mod has no"
		msg+=$'\n'"  major-version suffix): set GITLAB_RUNNER_MODULE_VERSION to the pseudo-version"
		msg+=$'\n'"  (v1.11.1-0.<yyyymmddhhmmss>-<12 hex>) of the commit that tag points at"
	fi
	listed="$(proxy_list)"
	[ -z "$listed" ] || msg+=$'\n'"  the proxy lists: $listed"
	die 3 "$msg"
fi
time_module=$((SECONDS - t0))
field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$dl_json" | head -n 1; }
mod_dir="$(field Dir)"
mod_gomod="$(field GoMod)"
mod_info="$(field Info)"
[ -d "$mod_dir" ] || die 3 "go mod download reported no source directory for $MODULE@$MODULE_VERSION"
file_version="$(tr -d '[:space:]' <"$mod_dir/VERSION" 2>/dev/null || true)"
if [ -n "$file_version" ] && [ "$file_version" != "$VERSION" ] && [[ "$VERSION" != "$file_version~"* ]]; then
	die 3 "$MODULE@$MODULE_VERSION is version $file_version (its VERSION file), not $VERSION;" \
		"  pass $file_version (release commit) or $file_version~<suffix> (development commit) as VERSION"
fi
go_line="$(awk '$1 == "go" {print $2; exit}' "$mod_gomod")"
revision=""
if [[ "$MODULE_VERSION" =~ [.-][0-9]{14}-([0-9a-f]{12})$ ]]; then
	revision="${BASH_REMATCH[1]:0:8}"
fi
built="$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$mod_info" | head -n 1)"
if [ -n "${GITLAB_RUNNER_BRANCH:-}" ]; then
	branch="$GITLAB_RUNNER_BRANCH"
elif [[ "$VERSION" =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	branch="${BASH_REMATCH[1]}-${BASH_REMATCH[2]}-stable"
else
	branch=main
fi

# --- 4: wrapper module and dependencies ----------------------------------------
phase 4 "resolving and verifying the dependencies in $SRC_DIR"
t0=$SECONDS
cat >"$SRC_DIR/go.mod" <<EOF
// Generated by build-gitlab-runner.sh: builds $MODULE as a dependency.
module runnerops.invalid/gitlab-runner-build

go ${go_line:-1.26}

require $MODULE $MODULE_VERSION

tool (
	$MODULE
	$HELPER_PKG
)
EOF
deps_log="$LOG_DIR/dependencies.log"
if ! (cd "$SRC_DIR" && "$GO" list -deps -f '{{.ImportPath}}' "$MODULE" "$HELPER_PKG") >/dev/null 2>"$deps_log"; then
	refused="$(grep -oE 'reading [^ ]+/@v/[^ ]+: [0-9]{3}' "$deps_log" |
		sed -E 's#^reading https?://[^/]+/##; s#/@v/#@#; s#\.(zip|mod|info):#:#' | sort -u)" || true
	if [ -n "$refused" ]; then
		die 4 "the Go module proxy cannot serve dependencies of $MODULE@$MODULE_VERSION:" \
			"$(printf '%s\n' "$refused" | sed 's/^/  /')" "  (log: $deps_log)"
	fi
	show_log "$deps_log"
	die 4 "resolving the dependencies of $MODULE@$MODULE_VERSION failed (checksum or download error; log: $deps_log)"
fi
time_deps=$((SECONDS - t0))

ldflags() { # NAME
	local f="-X $COMMON_PKG.NAME=$1 -X $COMMON_PKG.VERSION=$VERSION -X $COMMON_PKG.BRANCH=$branch"
	[ -z "$revision" ] || f+=" -X $COMMON_PKG.REVISION=$revision"
	[ -z "$built" ] || f+=" -X $COMMON_PKG.BUILT=$built"
	printf '%s -w' "$f"
}

# --- 5: gitlab-runner ----------------------------------------------------------
phase 5 "building gitlab-runner $VERSION ($("$GO" env GOOS)/$("$GO" env GOARCH))"
t0=$SECONDS
if ! (cd "$SRC_DIR" && nice -n 10 "$GO" build -trimpath -ldflags "$(ldflags gitlab-runner)" \
	-o "$RUNNER_BIN.new" "$MODULE") >"$LOG_DIR/build-runner.log" 2>&1; then
	show_log "$LOG_DIR/build-runner.log"
	die 5 "building gitlab-runner failed (log: $LOG_DIR/build-runner.log)"
fi
mv -f "$RUNNER_BIN.new" "$RUNNER_BIN"
time_runner=$((SECONDS - t0))

# --- 6: gitlab-runner-helper -----------------------------------------------------
phase 6 "building gitlab-runner-helper $VERSION (linux/amd64)"
t0=$SECONDS
if ! (cd "$SRC_DIR" && GOOS=linux GOARCH=amd64 nice -n 10 "$GO" build -trimpath \
	-ldflags "$(ldflags gitlab-runner-helper)" -o "$HELPER_BIN.new" "$HELPER_PKG") >"$LOG_DIR/build-helper.log" 2>&1; then
	show_log "$LOG_DIR/build-helper.log"
	die 5 "building gitlab-runner-helper failed (log: $LOG_DIR/build-helper.log)"
fi
mv -f "$HELPER_BIN.new" "$HELPER_BIN"
time_helper=$((SECONDS - t0))

# --- 7: check ---------------------------------------------------------------------
phase 7 "checking that the binaries report version $VERSION"
got="$(binary_version "$RUNNER_BIN")"
[ "$got" = "$VERSION" ] || die 6 "$RUNNER_BIN reports version '${got:-nothing}', expected $VERSION"
got="$(binary_version "$HELPER_BIN")" # empty where linux/amd64 cannot run
[ -z "$got" ] || [ "$got" = "$VERSION" ] || die 6 "$HELPER_BIN reports version '$got', expected $VERSION"
cat >"$STAMP" <<EOF
version=$VERSION
module_version=$MODULE_VERSION
revision=$revision
branch=$branch
go=$("$GO" version | awk '{print $3}')
runner_sha256=$(sha256 "$RUNNER_BIN")
helper_sha256=$(sha256 "$HELPER_BIN")
EOF
printf 'built from %s@%s (revision %s, branch %s) in module %ss, dependencies %ss, runner %ss, helper %ss\n' \
	"$MODULE" "$MODULE_VERSION" "${revision:-unknown}" "$branch" \
	"$time_module" "$time_deps" "$time_runner" "$time_helper"
printf 'gitlab-runner: %s\n' "$RUNNER_BIN"
printf 'gitlab-runner-helper: %s\n' "$HELPER_BIN"
