#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# TEST PACKAGES for the repositories scenario's mirror, built with dpkg-deb:
#   docker-ce, docker-ce-cli        5:<ver>-1~debian.<N>~<suite> for each DOCKER_VERSION: they bring Debian's
#                                   Docker engine (Depends: docker.io), so the role's docker-ce path runs as
#                                   against download.docker.com while the engine is the distribution's
#   containerd.io, docker-buildx-plugin, docker-compose-plugin   empty, with versions of Docker's form
#   gitlab-runner <ver>-1 (amd64)   RUNNER_BIN as /usr/bin/gitlab-runner, with the real package's maintainer
#                                   scripts and /usr/share/gitlab-runner files (PACKAGING, from the Go module)
#                                   and its dependencies (git, curl, tar, ca-certificates,
#                                   gitlab-runner-helper-images (= <ver>-1))
#   gitlab-runner-helper-images <ver>-1 (all)   a placeholder archive where the real one holds helper images
# Usage: build-test-packages.sh OUT PACKAGING RUNNER_BIN "RUNNER_VERSIONS" "DOCKER_VERSIONS" "SUITE:N ..."
set -euo pipefail
OUT="$1" PACKAGING="$2" RUNNER_BIN="$3" RUNNER_VERSIONS="$4" DOCKER_VERSIONS="$5" SUITES="$6"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# deb NAME VERSION ARCH DEPENDS [DESCRIPTION] -> $WORK/NAME_VERSION/ ready for files; build with finish.
deb() {
	local dir="$WORK/$1_$2"
	mkdir -p "$dir/DEBIAN"
	cat >"$dir/DEBIAN/control" <<CONTROL
Package: $1
Version: $2
Architecture: $3
Maintainer: runnerops test packages <test@runnerops.invalid>
${4:+Depends: $4
}Section: admin
Priority: optional
Description: ${5:-runnerops test package standing in for $1}
CONTROL
	echo "$dir"
}
finish() { dpkg-deb --root-owner-group -Zgzip --build "$1" "$OUT/" >/dev/null; }

for entry in $SUITES; do
	suite="${entry%%:*}" number="${entry##*:}"
	for version in $DOCKER_VERSIONS; do
		full="5:$version-1~debian.$number~$suite"
		finish "$(deb docker-ce "$full" amd64 "docker.io, docker-ce-cli (= $full), containerd.io")"
		finish "$(deb docker-ce-cli "$full" amd64 docker.io)"
	done
	finish "$(deb containerd.io "1.7.25-1~debian.$number~$suite" amd64 "")"
	finish "$(deb docker-buildx-plugin "0.20.0-1~debian.$number~$suite" amd64 "")"
	finish "$(deb docker-compose-plugin "2.32.4-1~debian.$number~$suite" amd64 "")"
done

for version in $RUNNER_VERSIONS; do
	dir="$(deb gitlab-runner "$version-1" amd64 \
		"ca-certificates, git, curl, tar, gitlab-runner-helper-images (= $version-1)" "GitLab Runner")"
	cat >>"$dir/DEBIAN/control" <<CONTROL
Conflicts: gitlab-runner-beta, gitlab-ci-multi-runner, gitlab-ci-multi-runner-beta
Provides: gitlab-ci-multi-runner
Replaces: gitlab-ci-multi-runner
CONTROL
	install -D -m 0755 "$PACKAGING/scripts/postinst.deb" "$dir/DEBIAN/postinst"
	install -D -m 0755 "$PACKAGING/scripts/prerm.deb" "$dir/DEBIAN/prerm"
	cp -r "$PACKAGING/root/." "$dir/"
	chmod 0755 "$dir"/usr/share/gitlab-runner/*
	# The test double reports the version in this line; a real binary would be packaged as it is.
	install -D -m 0755 "$RUNNER_BIN" "$dir/usr/bin/gitlab-runner"
	sed -i "s/^VERSION = \".*\"/VERSION = \"$version\"/" "$dir/usr/bin/gitlab-runner"
	finish "$dir"

	dir="$(deb gitlab-runner-helper-images "$version-1" all "" "GitLab Runner Helper Docker Images")"
	echo "Replaces: gitlab-runner" >>"$dir/DEBIAN/control"
	mkdir -p "$dir/usr/lib/gitlab-runner/helper-images"
	printf 'placeholder for the helper images of %s\n' "$version" | xz >"$dir/usr/lib/gitlab-runner/helper-images/prebuilt-x86_64.tar.xz"
	finish "$dir"
done
ls "$OUT"
