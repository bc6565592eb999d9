#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# TEST PACKAGES for the repositories scenario's mirror, built with dpkg-deb:
#   docker-ce 5:<ver>-1~debian.<N>~<suite> for each DOCKER_VERSION: Debian's own docker.io of that suite (its files
#                                   and maintainer scripts) renamed, so the role's docker-ce path runs as against
#                                   download.docker.com with the distribution's engine; Debian's docker.io
#                                   conflicts with docker-ce, so it cannot simply be a dependency
#   docker-ce-cli                   Debian's docker-cli renamed (trixie), or empty (bookworm: the CLI is in docker.io)
#   containerd.io, docker-buildx-plugin, docker-compose-plugin   empty, with versions of Docker's form
#   gitlab-runner <ver>-1 (amd64)   RUNNER_BIN as /usr/bin/gitlab-runner, with the real package's maintainer
#                                   scripts and /usr/share/gitlab-runner files (PACKAGING, from the Go module)
#                                   and its dependencies (git, curl, tar, ca-certificates,
#                                   gitlab-runner-helper-images (= <ver>-1))
#   gitlab-runner-helper-images <ver>-1 (all)   a placeholder archive where the real one holds helper images
# Usage: build-test-packages.sh OUT PACKAGING RUNNER_BIN "RUNNER_VERSIONS" "DOCKER_VERSIONS" "SUITE:N ..." DEBIAN_MIRROR
set -euo pipefail
OUT="$1" PACKAGING="$2" RUNNER_BIN="$3" RUNNER_VERSIONS="$4" DOCKER_VERSIONS="$5" SUITES="$6" MIRROR="$7"
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
# Uncompressed: the repacked engine is large, and the packages only travel over the test network.
finish() { dpkg-deb --root-owner-group -Znone --build "$1" "$OUT/" >/dev/null; }

# download SUITE PACKAGE... -> the suite's .deb files in $WORK/SUITE (signed lists, the host's Debian keyring).
download() {
	local suite="$1" dir="$WORK/apt-$1"
	shift
	mkdir -p "$dir/lists/partial" "$dir/cache" "$WORK/$suite"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $suite main" >"$dir/sources.list"
	local options=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache" -o Dir::State::Status=/dev/null -o APT::Sandbox::User=root)
	apt-get "${options[@]}" update >/dev/null
	(cd "$WORK/$suite" && apt-get "${options[@]}" download "$@" >/dev/null)
}

# repack DEB NAME VERSION DEPENDS_EXTRA CONFLICTS: Debian's package renamed as Docker's, replacing the original.
repack() {
	local dir="$WORK/repack-$2_$3"
	dpkg-deb -R "$1" "$dir"
	sed -i -e "s/^Package: .*/Package: $2/" -e "s/^Version: .*/Version: $3/" \
		-e '/^\(Conflicts\|Breaks\|Replaces\|Provides\|Built-Using\|Source\):/d' \
		-e 's/\bdocker-cli\b/docker-ce-cli/g' "$dir/DEBIAN/control"
	[ -z "$4" ] || sed -i "s/^Depends: .*/&, $4/" "$dir/DEBIAN/control"
	printf 'Conflicts: %s\nReplaces: %s\n' "$5" "$5" >>"$dir/DEBIAN/control"
	finish "$dir"
}

for entry in $SUITES; do
	suite="${entry%%:*}" number="${entry##*:}"
	cli=""
	download "$suite" docker.io
	# Since Debian 13 the CLI is a package of its own.
	if download "$suite" docker-cli 2>/dev/null; then cli=yes; fi
	for version in $DOCKER_VERSIONS; do
		full="5:$version-1~debian.$number~$suite"
		repack "$WORK/$suite"/docker.io_*.deb docker-ce "$full" "docker-ce-cli, containerd.io" "docker.io, docker-cli"
		if [ -n "$cli" ]; then
			repack "$WORK/$suite"/docker-cli_*.deb docker-ce-cli "$full" "" "docker-cli"
		else
			finish "$(deb docker-ce-cli "$full" amd64 "")"
		fi
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
