#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build the images the tests need, locally (no registry is reachable):
#   runnerops/debian12-minbase:latest   base of the stand-ins (debootstrap minbase)
#   runnerops/debian12-systemd:latest   molecule platform image (systemd as CMD)
#   runnerops/debian13-systemd:latest   the same on Debian 13 (trixie), for the repositories scenario
#   hello-world:latest                  busybox stand-in
#   docker:<ver>, docker:<ver>-git      CLI stand-in   (<ver> from versions.env)
#   docker:<ver>-dind                   daemon stand-in
# Job images are also saved as tarballs under $RUNNEROPS_CACHE_DIR/images/ so
# runner hosts can `docker load` them. Idempotent: an image whose build key
# (its inputs) is unchanged is "cached"; a cached tarball is loaded instead of
# rebuilt; the debootstrap rootfs tarballs survive `docker system prune`.
#
# Usage: build-images.sh [--print-docker-version] [--rebuild]
# Environment:
#   RUNNEROPS_CACHE_DIR      cache root (default /var/cache/runnerops-test)
#   RUNNEROPS_DEBIAN_MIRROR  Debian mirror URL (default: the one apt uses here)
#   RUNNEROPS_BUILD_STANDINS auto (default: build job-image stand-ins unless a registry answers), always, never
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/env/versions.env
. "$HERE/versions.env"

CACHE_DIR="${RUNNEROPS_CACHE_DIR:-/var/cache/runnerops-test}"
IMAGES_DIR="$CACHE_DIR/images"
ROOTFS_DIR="$CACHE_DIR/rootfs"
DEBS_DIR="$CACHE_DIR/debootstrap-debs"
SUITE=bookworm
KEY_LABEL=org.runnerops.test.build-key
REBUILD=0

MINBASE_IMAGE=runnerops/debian12-minbase:latest
SYSTEMD_IMAGE=runnerops/debian12-systemd:latest
TRIXIE_SYSTEMD_IMAGE=runnerops/debian13-systemd:latest
SYSTEMD_INCLUDE=python3,systemd,systemd-sysv,sudo,ca-certificates,iproute2,gnupg,curl,procps
HELLO_IMAGE=hello-world:latest
CLI_IMAGE="docker:$DOCKER_STANDIN_VERSION"
CLI_GIT_IMAGE="docker:$DOCKER_STANDIN_VERSION-git"
DIND_IMAGE="docker:$DOCKER_STANDIN_VERSION-dind"

log() { printf 'build-images: %s\n' "$*" >&2; }
die() { printf 'build-images: ERROR: %s\n' "$*" >&2; exit 1; }

sha() { sha256sum | cut -c1-16; }

image_key() {
    docker image inspect --format "{{ index .Config.Labels \"$KEY_LABEL\" }}" "$1" 2>/dev/null || true
}

# The Debian mirror apt uses on this machine (debootstrap needs a URL).
debian_mirror() {
    if [[ -n "${RUNNEROPS_DEBIAN_MIRROR:-}" ]]; then echo "$RUNNEROPS_DEBIAN_MIRROR"; return; fi
    local url
    url="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -E '^[[:space:]]*(deb|URIs:)' | grep -oE 'https?://[^[:space:]]+' \
        | grep -E '/debian/?$' | head -n1 || true)"
    echo "${url:-http://deb.debian.org/debian}"
}

debian_security_mirror() {
    local url
    url="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -E '^[[:space:]]*(deb|URIs:)' | grep -oE 'https?://[^[:space:]]+' \
        | grep -E '/debian-security/?$' | head -n1 || true)"
    echo "${url:-http://deb.debian.org/debian-security}"
}

ensure_tools() {
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v docker >/dev/null || missing+=(docker.io)
    if (( ${#missing[@]} )); then
        [[ "$(id -u)" == 0 && -r /etc/debian_version ]] || die "missing ${missing[*]}: install them (Debian packages), then run again"
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null 2>&1 || {
            apt-get update >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
        }
    fi
    docker info >/dev/null 2>&1 || die "no Docker engine answers: run tests/env/ensure-docker.sh first"
}

# ensure_rootfs NAME INCLUDE [SUITE] -> prints the path of a cached rootfs tarball.
ensure_rootfs() {
    local name="$1" include="$2" SUITE="${3:-$SUITE}" mirror security key tarball dir
    mirror="$(debian_mirror)"
    security="$(debian_security_mirror)"
    key="$(printf '%s|%s|%s|%s|v1' "$SUITE" "$include" "$mirror" "$security" | sha)"
    tarball="$ROOTFS_DIR/$name.tar"
    if [[ -s "$tarball" && "$(cat "$tarball.key" 2>/dev/null)" == "$key" ]]; then
        log "$name rootfs: cached ($tarball)"
        echo "$tarball"
        return
    fi
    mkdir -p "$ROOTFS_DIR" "$DEBS_DIR"
    dir="$(mktemp -d "$ROOTFS_DIR/.$name.XXXXXX")"
    log "$name rootfs: debootstrap --variant=minbase ${include:+--include=$include} $SUITE ($mirror)"
    local start=$SECONDS
    debootstrap --variant=minbase ${include:+--include="$include"} --cache-dir="$DEBS_DIR" \
        "$SUITE" "$dir" "$mirror" >"$dir.log" 2>&1 \
        || { tail -n 30 "$dir.log" >&2; rm -rf "$dir"; die "debootstrap of $name failed (log tail above, full log $dir.log)"; }
    # updates and security, like the host; no package lists or archives in the image
    cat >"$dir/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
EOF
    rm -rf "${dir:?}"/var/cache/apt/archives/*.deb "${dir:?}"/var/lib/apt/lists/* "${dir:?}"/dev/*
    : >"$dir/etc/machine-id"   # each container gets its own (systemd fills an empty one)
    tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    echo "$key" >"$tarball.key"
    rm -rf "$dir" "$dir.log"
    log "$name rootfs: built in $((SECONDS - start))s ($tarball)"
    echo "$tarball"
}

# ensure_import IMAGE TARBALL [--change ...]: docker import unless the key matches.
ensure_import() {
    local image="$1" tarball="$2"; shift 2
    local key
    key="$( { cat "$tarball.key"; printf '%s\n' "$@"; } | sha)"
    if [[ "$REBUILD" == 0 && "$(image_key "$image")" == "$key" ]]; then
        log "$image: cached"
        return
    fi
    docker import "$@" --change "LABEL $KEY_LABEL=$key" "$tarball" "$image" >/dev/null
    log "$image: imported from $tarball"
}

# context_key DIR [FILE...] [--parent IMAGE]: hash of a build's inputs.
context_key() {
    local files=() parent_key=""
    while (( $# )); do
        if [[ "$1" == --parent ]]; then parent_key="$(image_key "$2")"; shift 2; else files+=("$1"); shift; fi
    done
    { find "${files[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | awk '{print $1}'; echo "$parent_key"; } | sha
}

# save_tarball NAME IMAGE... : docker save to $IMAGES_DIR/NAME.tar with its key.
save_tarball() {
    local name="$1"; shift
    local tarball="$IMAGES_DIR/$name.tar" key image
    # one build key a line, one line per image in the tarball
    key="$(for image in "$@"; do image_key "$image"; done)"
    if [[ -s "$tarball" && "$(cat "$tarball.key" 2>/dev/null)" == "$key" ]]; then
        return
    fi
    mkdir -p "$IMAGES_DIR"
    docker save -o "$tarball.tmp" "$@"
    mv "$tarball.tmp" "$tarball"
    echo "$key" >"$tarball.key"
    log "$name: saved $tarball"
}

# ensure_build IMAGE TARBALL_NAME KEY CONTEXT [docker build args...]
# CONTEXT is a prepared directory; build only when neither the image nor the tarball matches KEY.
ensure_build() {
    local image="$1" name="$2" key="$3" context="$4"; shift 4
    local tarball="$IMAGES_DIR/$name.tar"
    if [[ "$REBUILD" == 0 && "$(image_key "$image")" == "$key" ]]; then
        log "$image: cached"
    elif [[ "$REBUILD" == 0 && -s "$tarball" ]] && grep -qxF "$key" "$tarball.key" 2>/dev/null; then
        docker load -i "$tarball" >/dev/null
        log "$image: loaded from cached $tarball"
    else
        local start=$SECONDS
        log "$image: building"
        DOCKER_BUILDKIT=0 docker build -q --label "$KEY_LABEL=$key" -t "$image" "$@" "$context" >"$context.log" 2>&1 \
            || { tail -n 40 "$context.log" >&2; die "docker build of $image failed (log tail above, full log $context.log)"; }
        log "$image: built in $((SECONDS - start))s"
    fi
}

stage_dir() { mktemp -d "${TMPDIR:-/tmp}/runnerops-image.XXXXXX"; }

build_hello_world() {
    local src="$HERE/images/hello-world" key context deb_dir
    key="$(context_key "$src")"
    context="$(stage_dir)"
    if [[ "$REBUILD" == 1 || "$(image_key "$HELLO_IMAGE")" != "$key" ]]; then
        cp -a "$src/." "$context/"
        deb_dir="$(mktemp -d)"
        # busybox-static from the mirror, unpacked here: no dpkg install on this machine
        (cd "$deb_dir" && { apt-get download busybox-static >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download busybox-static >/dev/null; }; })
        dpkg-deb -x "$deb_dir"/busybox-static_*.deb "$deb_dir/x"
        mkdir -p "$context/rootfs/bin"
        install -m 0755 "$deb_dir/x/bin/busybox" "$context/rootfs/bin/busybox"
        ln -s busybox "$context/rootfs/bin/sh"
        rm -rf "$deb_dir"
    fi
    ensure_build "$HELLO_IMAGE" hello-world_latest "$key" "$context"
    rm -rf "$context" "$context.log"
    save_tarball hello-world_latest "$HELLO_IMAGE"
}

build_docker_standins() {
    local key context
    key="$(context_key "$HERE/images/docker" --parent "$MINBASE_IMAGE")"
    context="$(stage_dir)"
    cp -a "$HERE/images/docker/." "$context/"
    ensure_build "$CLI_IMAGE" "docker_$DOCKER_STANDIN_VERSION" "$key" "$context" \
        --build-arg "BASE_IMAGE=$MINBASE_IMAGE"
    rm -rf "$context" "$context.log"

    key="$(context_key "$HERE/images/docker-git" --parent "$CLI_IMAGE")"
    context="$(stage_dir)"
    cp -a "$HERE/images/docker-git/." "$context/"
    ensure_build "$CLI_GIT_IMAGE" "docker_$DOCKER_STANDIN_VERSION" "$key" "$context" \
        --build-arg "CLI_IMAGE=$CLI_IMAGE"
    rm -rf "$context" "$context.log"
    # one tarball for both flavors: they share every layer but git's
    save_tarball "docker_$DOCKER_STANDIN_VERSION" "$CLI_GIT_IMAGE" "$CLI_IMAGE"

    key="$(context_key "$HERE/images/docker-dind" "$HERE/oci-capfilter" --parent "$CLI_IMAGE")"
    context="$(stage_dir)"
    cp -a "$HERE/images/docker-dind/." "$context/"
    cp "$HERE/oci-capfilter" "$context/"
    ensure_build "$DIND_IMAGE" "docker_$DOCKER_STANDIN_VERSION-dind" "$key" "$context" \
        --build-arg "CLI_IMAGE=$CLI_IMAGE"
    rm -rf "$context" "$context.log"
    save_tarball "docker_$DOCKER_STANDIN_VERSION-dind" "$DIND_IMAGE"

    local built
    built="$(docker run --rm --entrypoint dockerd "$DIND_IMAGE" --version)"
    [[ "$built" == *" $DOCKER_STANDIN_VERSION"* ]] \
        || die "$DIND_IMAGE holds '$built', not $DOCKER_STANDIN_VERSION: Debian's docker.io moved; update DOCKER_STANDIN_VERSION in tests/env/versions.env"
}

report() {
    echo "Images:"
    docker image ls --format '{{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}' \
        | grep -E "^(runnerops/debian1[23]-[a-z]+:latest|hello-world:latest|docker:$DOCKER_STANDIN_VERSION(-git|-dind)?) " | sed 's/^/  /' || true
    echo "Tarballs ($CACHE_DIR):"
    du -h "$ROOTFS_DIR"/*.tar "$IMAGES_DIR"/*.tar 2>/dev/null | sed 's/^/  /'
}

registry_reachable() {
    [[ "${RUNNEROPS_BUILD_STANDINS:-auto}" != always ]] || return 1
    [[ "${RUNNEROPS_BUILD_STANDINS:-auto}" == never ]] && return 0
    timeout 30 docker pull --quiet hello-world:latest >/dev/null 2>&1 \
        && [[ "$(image_key "$HELLO_IMAGE")" == "" ]]
}

main() {
    while (( $# )); do
        case "$1" in
            --print-docker-version) echo "$DOCKER_STANDIN_VERSION"; return 0 ;;
            --rebuild) REBUILD=1 ;;
            -h|--help) sed -n '5,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;;
            *) die "unknown argument '$1': use --print-docker-version, --rebuild or --help" ;;
        esac
        shift
    done
    [[ "$(id -u)" == 0 ]] || die "debootstrap and the image cache need root: run as root"
    ensure_tools
    local start=$SECONDS tarball

    tarball="$(ensure_rootfs debian12-minbase "")"
    ensure_import "$MINBASE_IMAGE" "$tarball" --change 'CMD ["/bin/bash"]'

    tarball="$(ensure_rootfs debian12-systemd "$SYSTEMD_INCLUDE")"
    ensure_import "$SYSTEMD_IMAGE" "$tarball" \
        --change 'ENV container=docker' \
        --change 'CMD ["/lib/systemd/systemd"]'

    tarball="$(ensure_rootfs debian13-systemd "$SYSTEMD_INCLUDE" trixie)"
    ensure_import "$TRIXIE_SYSTEMD_IMAGE" "$tarball" \
        --change 'ENV container=docker' \
        --change 'CMD ["/lib/systemd/systemd"]'

    # Where a registry answers (a user's CI), the tests pull the real job images instead of stand-ins.
    if registry_reachable; then
        log "a registry answers: job images (hello-world, docker:<ver>, docker:<ver>-dind) will be pulled, not built"
    else
        build_hello_world
        build_docker_standins
    fi

    report
    echo "build-images: done in $((SECONDS - start))s"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
