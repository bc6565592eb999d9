#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Publish ROOT/POOL (.deb files, every version kept, as Docker's and GitLab's repositories do) as the apt
# suite SUITE, component COMPONENT, amd64, signed with the default key of GNUPGHOME: Packages, Release,
# InRelease and Release.gpg, made by apt-ftparchive and gpg (Debian's apt-utils and gnupg).
# Usage: publish-apt-repository.sh ROOT SUITE COMPONENT POOL
set -euo pipefail
ROOT="$1" SUITE="$2" COMPONENT="$3" POOL="$4"
: "${GNUPGHOME:?set GNUPGHOME to the GnuPG home of the signing key}"
cd "$ROOT"
binary="dists/$SUITE/$COMPONENT/binary-amd64"
mkdir -p "$binary"
apt-ftparchive packages "$POOL" >"$binary/Packages"
gzip -9nkf "$binary/Packages"
apt-ftparchive \
	-o APT::FTPArchive::Release::Origin="runnerops test mirror" \
	-o APT::FTPArchive::Release::Suite="$SUITE" \
	-o APT::FTPArchive::Release::Codename="$SUITE" \
	-o APT::FTPArchive::Release::Components="$COMPONENT" \
	-o APT::FTPArchive::Release::Architectures=amd64 \
	release "dists/$SUITE" >"dists/$SUITE/Release.tmp"
mv "dists/$SUITE/Release.tmp" "dists/$SUITE/Release"
gpg --batch --yes --clearsign -o "dists/$SUITE/InRelease" "dists/$SUITE/Release"
gpg --batch --yes --armor --detach-sign -o "dists/$SUITE/Release.gpg" "dists/$SUITE/Release"
echo "published $ROOT $SUITE/$COMPONENT: $(grep -c '^Package:' "$binary/Packages") packages"
