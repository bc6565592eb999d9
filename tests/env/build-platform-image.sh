#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build runnerops/<distro>-systemd:latest, the molecule platform image MOLECULE_DISTRO names, FROM the
# distribution's official image. Needs a registry (a pipeline with internet); here tests/env/build-images.sh
# builds debian12 and debian13 with debootstrap instead.
# Usage: build-platform-image.sh ubuntu2204|ubuntu2404|rockylinux9|almalinux9
set -euo pipefail
case "${1:?usage: build-platform-image.sh DISTRO}" in
	ubuntu2204) base=ubuntu:22.04 family=apt ;;
	ubuntu2404) base=ubuntu:24.04 family=apt ;;
	rockylinux9) base=rockylinux/rockylinux:9 family=dnf ;;
	almalinux9) base=almalinux:9 family=dnf ;;
	*) echo "build-platform-image: unknown distro '$1'" >&2; exit 2 ;;
esac
if [ "$family" = apt ]; then
	install='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 systemd systemd-sysv sudo ca-certificates iproute2 gnupg curl procps && rm -rf /var/lib/apt/lists/*'
else
	install='dnf install -y python3 systemd sudo ca-certificates iproute gnupg2 procps-ng && dnf clean all'
fi
docker build -t "runnerops/$1-systemd:latest" - <<DOCKERFILE
FROM $base
RUN $install
ENV container=docker
CMD ["/lib/systemd/systemd"]
DOCKERFILE
