#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Make sure a Docker engine answers on this machine, for the tests.
#
# Uses a running engine as it is. Otherwise (Debian, root): installs docker.io
# when dockerd is missing, registers the capability-filtering OCI runtime when
# this kernel's capability bounding set is short (where `--privileged` fails),
# and starts dockerd in the background (no systemd needed).
#
# Environment:
#   RUNNEROPS_DOCKERD_LOG        dockerd log file (default /var/log/runnerops-dockerd.log)
#   RUNNEROPS_DOCKERD_TIMEOUT    seconds to wait for the engine (default 60)
#   RUNNEROPS_FORCE_CAPFILTER=1  register the runtime even when the set is complete (testing)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKERD_LOG="${RUNNEROPS_DOCKERD_LOG:-/var/log/runnerops-dockerd.log}"
DOCKERD_TIMEOUT="${RUNNEROPS_DOCKERD_TIMEOUT:-60}"
DAEMON_JSON="${RUNNEROPS_DAEMON_JSON:-/etc/docker/daemon.json}"
RUNTIME_NAME="capfilter"
RUNTIME_PATH="/usr/local/bin/oci-capfilter"

actions=()

log() { printf 'ensure-docker: %s\n' "$*" >&2; }
die() { printf 'ensure-docker: ERROR: %s\n' "$*" >&2; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

engine_summary() {
    docker version --format 'server {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}' 2>/dev/null \
        || echo "server unknown"
}

# Prints "short" when the bounding set lacks capabilities this kernel knows, else "complete".
bounding_set_state() {
    local last bnd full
    last="$(cat /proc/sys/kernel/cap_last_cap)"
    bnd="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
    full=$(( (1 << (last + 1)) - 1 ))
    if (( (0x$bnd & full) == full )); then echo complete; else echo short; fi
}

# Merges the runtime into daemon.json without dropping the keys already there.
register_runtime() {
    mkdir -p "$(dirname "$DAEMON_JSON")"
    python3 - "$DAEMON_JSON" "$RUNTIME_NAME" "$RUNTIME_PATH" <<'PY'
import json, os, sys
path, name, runtime_path = sys.argv[1:4]
config = {}
if os.path.exists(path) and os.path.getsize(path) > 0:
    with open(path) as handle:
        try:
            config = json.load(handle)
        except ValueError as exc:
            sys.exit("%s is not valid JSON (%s): fix or remove it, then run again" % (path, exc))
if not isinstance(config, dict):
    sys.exit("%s must hold a JSON object: fix or remove it, then run again" % path)
wanted = dict(config)
wanted.setdefault("runtimes", {})
wanted["runtimes"] = dict(wanted["runtimes"], **{name: {"path": runtime_path}})
wanted["default-runtime"] = name
if wanted != config:
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(wanted, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, path)
    print("changed")
PY
}

install_runtime() {
    if ! cmp -s "$HERE/oci-capfilter" "$RUNTIME_PATH"; then
        install -m 0755 "$HERE/oci-capfilter" "$RUNTIME_PATH"
        actions+=("installed $RUNTIME_PATH")
    fi
    if [[ "$(register_runtime)" == changed ]]; then
        actions+=("registered runtime $RUNTIME_NAME as default in $DAEMON_JSON")
    fi
}

start_dockerd() {
    local pidfile=/var/run/docker.pid pid waited=0
    if [[ -s "$pidfile" ]]; then
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            die "dockerd (pid $pid) runs but 'docker info' does not answer: see $DOCKERD_LOG, stop that dockerd, then run again"
        fi
        rm -f "$pidfile"   # stale after an unclean stop; dockerd refuses to start while it exists
    fi
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    printf '\n==== %s ensure-docker starts dockerd ====\n' "$(date -Is)" >>"$DOCKERD_LOG"
    nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    pid=$!
    actions+=("started dockerd (pid $pid, log $DOCKERD_LOG)")
    until engine_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$DOCKERD_LOG" >&2 || true
            die "dockerd exited during startup (log tail above, full log $DOCKERD_LOG)"
        fi
        if (( waited >= DOCKERD_TIMEOUT )); then
            tail -n 40 "$DOCKERD_LOG" >&2 || true
            die "dockerd did not answer within ${DOCKERD_TIMEOUT}s (log tail above); raise RUNNEROPS_DOCKERD_TIMEOUT or fix the cause"
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

main() {
    local caps
    caps="$(bounding_set_state)"

    if engine_answers; then
        if [[ "$caps" == short ]] && ! docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q "\"$RUNTIME_NAME\""; then
            log "WARNING: the capability bounding set is short but the running engine has no '$RUNTIME_NAME' runtime: 'docker run --privileged' will fail; stop it and run this script again"
        fi
        echo "ensure-docker: using the running engine: $(engine_summary)"
        return 0
    fi

    [[ "$(id -u)" == 0 ]] || die "no Docker engine answers and starting one needs root: run this script as root (or start Docker yourself)"

    if ! command -v dockerd >/dev/null 2>&1; then
        [[ -r /etc/debian_version ]] || die "dockerd is missing and this is not Debian: install Docker Engine yourself, then run again"
        log "installing docker.io (dockerd missing)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y docker.io >/dev/null 2>&1 || {
            apt-get update >/dev/null
            apt-get install -y docker.io >/dev/null
        }
        actions+=("installed docker.io")
    fi

    if [[ "$caps" == short || "${RUNNEROPS_FORCE_CAPFILTER:-0}" == 1 ]]; then
        install_runtime
    fi

    start_dockerd
    local summary="bounding set $caps" action
    for action in "${actions[@]}"; do summary="$summary; $action"; done
    echo "ensure-docker: engine up: $(engine_summary); $summary"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
