#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Copy the real gitlab-runner package's files from its Go module into DEST:
#   DEST/scripts/{postinst,prerm}.deb      the maintainer scripts
#   DEST/root/usr/share/gitlab-runner/...  post-install, pre-remove, clear-docker-cache
#   DEST/MODULE                            module@version they came from
# The module comes through the Go module proxy (checked against GOSUMDB) into the
# cache shared with build-gitlab-runner.sh; nothing is built.
#
# Usage: fetch-runner-packaging.sh DEST [CACHE_DIR]
# Environment: GITLAB_RUNNER_PACKAGING_MODULE_VERSION (default in versions.env), GO.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/env/versions.env
. "$HERE/versions.env"
DEST="${1:?usage: fetch-runner-packaging.sh DEST [CACHE_DIR]}"
CACHE_DIR="${2:-${RUNNEROPS_CACHE_DIR:-/var/cache/runnerops-test}/gitlab-runner}"
MODULE=gitlab.com/gitlab-org/gitlab-runner
VERSION="$GITLAB_RUNNER_PACKAGING_MODULE_VERSION"
GO="${GO:-go}"

die() { printf 'fetch-runner-packaging: ERROR: %s\n' "$*" >&2; exit 1; }
command -v "$GO" >/dev/null || die "no Go toolchain ('$GO'): the package's maintainer scripts come from the Go module $MODULE"
export GOMODCACHE="$CACHE_DIR/gomodcache" GOFLAGS=-mod=mod GO111MODULE=on
mkdir -p "$GOMODCACHE"
json="$(cd "$(mktemp -d)" && "$GO" mod download -json "$MODULE@$VERSION" 2>&1)" ||
	die "the Go module proxy cannot serve $MODULE@$VERSION: $(printf '%s' "$json" | grep -m1 '"Error"' || printf '%s' "$json" | tail -n 2)"
dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -d "$dir/packaging/scripts" ] || die "$MODULE@$VERSION has no packaging/scripts"
rm -rf "$DEST"
mkdir -p "$DEST"
cp -r "$dir/packaging/scripts" "$dir/packaging/root" "$DEST/"
chmod -R u+w "$DEST"
echo "$MODULE@$VERSION" >"$DEST/MODULE"
echo "fetch-runner-packaging: $MODULE@$VERSION packaging/ in $DEST"
