#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prove the test environment works: the engine runs hello-world and privileged
# containers, and the docker:<ver> / docker:<ver>-dind stand-ins work together
# like the official images, with TLS (2376) and without (2375).
# Needs the images of build-images.sh. Cleans up what it creates, always.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/env/versions.env
. "$HERE/versions.env"
CLI_IMAGE="docker:$DOCKER_STANDIN_VERSION"
DIND_IMAGE="docker:$DOCKER_STANDIN_VERSION-dind"
PREFIX="runnerops-selftest-$$"
WAIT_SECONDS="${RUNNEROPS_SELFTEST_WAIT:-60}"
GREETING="Hello from Docker!"
failures=0

cleanup() {
    docker ps -aq --filter "label=$PREFIX" | xargs -r docker rm -fv >/dev/null 2>&1 || true
    docker network ls -q --filter "label=$PREFIX" | xargs -r docker network rm >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=$PREFIX" | xargs -r docker volume rm >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; failures=$((failures + 1)); }

# expect_greeting NAME COMMAND...: the command's output holds the hello-world greeting.
expect_greeting() {
    local name="$1" output; shift
    if output="$("$@" 2>&1)" && grep -qF "$GREETING" <<<"$output"; then
        pass "$name"
    else
        fail "$name: no '$GREETING' in the output:"
        printf '%s\n' "$output" | tail -n 20 | sed 's/^/    /' >&2
    fi
}

require_images() {
    local image
    for image in hello-world:latest "$CLI_IMAGE" "$DIND_IMAGE"; do
        docker image inspect "$image" >/dev/null 2>&1 \
            || { echo "selftest: image $image missing: run tests/env/build-images.sh first" >&2; exit 1; }
    done
}

# dind_pair MODE CERTDIR: start the dind stand-in as service "docker" on its own
# network, feed it hello-world, and run hello-world through the CLI stand-in.
dind_pair() {
    local mode="$1" certdir="$2" net="$PREFIX-$1" certs="$PREFIX-$1-certs" dind="$PREFIX-$1-dind" started=$SECONDS
    docker network create --label "$PREFIX" "$net" >/dev/null
    docker volume create --label "$PREFIX" "$certs" >/dev/null
    docker run --privileged -d --label "$PREFIX" --name "$dind" --network "$net" --network-alias docker \
        -e DOCKER_TLS_CERTDIR="$certdir" -v "$certs:/certs/client" "$DIND_IMAGE" >/dev/null

    # the entrypoint sets DOCKER_HOST: this waits for the port the CLI will use, TLS included
    until docker exec "$dind" docker-entrypoint.sh docker info >/dev/null 2>&1; do
        if (( SECONDS - started >= WAIT_SECONDS )) || [[ "$(docker inspect -f '{{.State.Running}}' "$dind")" != true ]]; then
            fail "dind ($mode): inner dockerd did not answer within ${WAIT_SECONDS}s; its log:"
            docker logs --tail 30 "$dind" 2>&1 | sed 's/^/    /' >&2
            return
        fi
        sleep 1
    done
    pass "dind ($mode): inner dockerd answers $((SECONDS - started))s after docker run"

    # the inner daemon starts empty and cannot pull
    docker save hello-world:latest | docker exec -i "$dind" docker load >/dev/null

    # the inner dockerd must start privileged containers too (capfilter where the set is short)
    if docker exec "$dind" docker run --rm --privileged hello-world 2>&1 | grep -qF "$GREETING"; then
        pass "dind ($mode): privileged hello-world on the inner dockerd"
    else
        fail "dind ($mode): privileged hello-world on the inner dockerd failed; dind log tail:"
        docker logs --tail 20 "$dind" 2>&1 | sed 's/^/    /' >&2
    fi

    local listen
    listen="$(docker exec "$dind" sh -c 'cat /proc/net/tcp6 /proc/net/tcp 2>/dev/null' | awk '$4 == "0A" {print $2}' | grep -ciE ':(094[78])$' || true)"
    [[ "$listen" -ge 1 ]] || fail "dind ($mode): dockerd listens on neither 2375 nor 2376"

    local host
    host="$(docker run --rm --label "$PREFIX" --network "$net" -e DOCKER_TLS_CERTDIR="$certdir" \
        -v "$certs:/certs/client" "$CLI_IMAGE" sh -c 'echo "$DOCKER_HOST ${DOCKER_TLS_VERIFY:-}"')"
    local want="tcp://docker:2375 "
    [[ "$mode" == tls ]] && want="tcp://docker:2376 1"
    if [[ "$host" == "$want" ]]; then pass "dind ($mode): CLI stand-in chose DOCKER_HOST $host"; else fail "dind ($mode): CLI stand-in chose '$host', expected '$want'"; fi

    expect_greeting "dind ($mode): hello-world inside the dind service" \
        docker run --rm --label "$PREFIX" --network "$net" -e DOCKER_TLS_CERTDIR="$certdir" \
        -v "$certs:/certs/client" "$CLI_IMAGE" docker run --rm hello-world
}

main() {
    local start=$SECONDS
    require_images
    expect_greeting "hello-world on the engine" docker run --rm --label "$PREFIX" hello-world

    if docker run --rm --label "$PREFIX" --privileged --entrypoint sh "$CLI_IMAGE" -c 'echo privileged-ok' | grep -qx privileged-ok; then
        pass "docker run --privileged"
    else
        fail "docker run --privileged (a short capability bounding set needs the capfilter runtime: tests/env/ensure-docker.sh)"
    fi

    dind_pair tls /certs
    dind_pair plain ""

    echo "selftest: $failures failure(s) in $((SECONDS - start))s"
    (( failures == 0 ))
}

main "$@"
