#!/usr/bin/env bash
# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The collection's main job on this machine, with nothing set up beforehand (Debian, as root):
#   demo.sh run socket|dind   virtualenv and collection, Docker engine, local images, a runner host and the
#                             GitLab API test double (containers), site.yml -e runner_mode=<mode> against the
#                             host, the article's jobs, a summary
#   demo.sh shell             a shell on the runner host
#   demo.sh clean             removes the containers, network and volume the demo created (label
#                             runnerops.demo=true) and its state directory; nothing else
# Each phase prints one line; its full output goes to a log under the state directory, and a failure prints
# the end of that log and what to do next. Called by `make demo`, `make demo-shell` and `make demo-clean`.
set -euo pipefail

cd "$(dirname "$0")/.."
CHECKOUT=$PWD
STATE=${RUNNEROPS_DEMO_STATE:-$CHECKOUT/.build/demo}
LOGS=$STATE/logs
BIN=${VENV:-.venv}/bin
CACHE_DIR=${RUNNEROPS_CACHE_DIR:-/var/cache/runnerops-test}
IMAGE_CACHE=${RUNNEROPS_IMAGE_CACHE:-$CACHE_DIR/images}
RUNNER_BUILD=${RUNNEROPS_RUNNER_BUILD:-$CACHE_DIR/gitlab-runner/bin/gitlab-runner}
LABEL=runnerops.demo=true
RUNNER_HOST=runnerops-demo-runner
# A subnet of its own, away from the scenarios' 10.203.3.0/24 and from Docker's default pools.
SUBNET=${RUNNEROPS_DEMO_SUBNET:-10.203.9.0/24}
PHASES=6
phase_number=0
last_log=

say() { printf 'demo: %s\n' "$*"; }

# phase ID NAME ADVICE COMMAND...: runs COMMAND with its output in the log $LOGS/<n>-ID.log (last_log); one
# line when it ends, with what its PLAY RECAP says changed.
phase() {
  local id=$1 name=$2 advice=$3 log started rc
  phase_number=$((phase_number + 1))
  log=$LOGS/$phase_number-$1.log
  last_log=$log
  shift 3
  printf 'demo: [%d/%d] %s ... ' "$phase_number" "$PHASES" "$name"
  started=$(date +%s)
  rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    printf 'FAILED after %d s (exit code %d)\n' "$(( $(date +%s) - started ))" "$rc"
    echo "---- the end of $log ----"
    tail -n 30 "$log"
    echo "----"
    say "what to do next: $advice"
    exit "$rc"
  fi
  # The jobs change nothing of the host's set-up; its containers come and go.
  if [ "$id" != jobs ] && grep -q '^PLAY RECAP' "$log"; then
    printf 'done in %d s, %s\n' "$(( $(date +%s) - started ))" "$(changed_in "$log" | sed 's/^0$/nothing/') changed"
  else
    printf 'done in %d s\n' "$(( $(date +%s) - started ))"
  fi
}

# The sum of the changed= counts of a log's PLAY RECAP (0 without one).
changed_in() {
  awk '/^PLAY RECAP/ { recap = 1 } recap { for (i = 1; i <= NF; i++) if ($i ~ /^changed=/) { split($i, n, "="); sum += n[2] } }
       END { print sum + 0 }' "$1"
}

ansible_playbook() {
  ANSIBLE_FORCE_COLOR=false "$BIN/ansible-playbook" "$@"
}

run() {
  local mode=${1:-}
  case "$mode" in
    socket|dind) ;;
    *) echo "make demo needs MODE=socket or MODE=dind (got '${mode}'), e.g. make demo MODE=dind" >&2; exit 2 ;;
  esac
  if [ "$(id -u)" -ne 0 ]; then
    echo "make demo installs and starts a Docker engine and starts privileged containers: run it as root" >&2
    exit 2
  fi
  mkdir -p "$LOGS"
  rm -f "$STATE/summary.txt"
  say "mode $mode; logs in ${LOGS#"$CHECKOUT"/}"

  phase venv "virtualenv and collection" \
    "check that python3 -m venv works and that PyPI answers (pip install -r requirements.txt), then make demo again" \
    make --no-print-directory build
  phase docker "Docker engine" \
    "see /var/log/runnerops-dockerd.log and tests/env/README.md, then make demo again" \
    bash tests/env/ensure-docker.sh
  phase images "local images" \
    "see tests/env/README.md (debootstrap needs Debian's mirror); tests/env/build-images.sh --rebuild starts over" \
    bash tests/env/build-images.sh
  phase hosts "runner host and GitLab API test double" \
    "docker ps -a --filter label=$LABEL shows the demo's containers; make demo-clean and make demo start over" \
    ansible_playbook demo/host.yml -i demo/inventory \
      -e "runnerops_checkout=$CHECKOUT" -e "demo_state_dir=$STATE" -e "demo_subnet=$SUBNET" \
      -e "demo_network=runnerops-demo" -e "demo_label=runnerops.demo" \
      -e "demo_image_cache=$IMAGE_CACHE" -e "demo_runner_build=$RUNNER_BUILD" \
      -e "demo_runner_double=$CHECKOUT/tests/doubles/gitlab-runner/gitlab-runner-test-double" \
      -e "demo_docker_version=$(bash tests/env/build-images.sh --print-docker-version)"
  local hosts_changed
  hosts_changed=$(changed_in "$last_log")

  # The collection's own play, exactly as it runs against real hosts; environment.yml only adds what this
  # machine needs (the capability-filtering runtime, the gitlab-runner binary to install, the image version).
  phase site "ansible-playbook site.yml -i demo/inventory -e runner_mode=$mode" \
    "the log says which task failed and why; fix the setting it names in demo/inventory, then make demo again" \
    ansible_playbook site.yml -i demo/inventory -i "$STATE/environment.yml" -e "runner_mode=$mode"
  local site_changed
  site_changed=$(changed_in "$last_log")

  phase jobs "the article's jobs" \
    "read $STATE/summary.txt for the failed job's output; make demo-shell to look at the host" \
    ansible_playbook demo/jobs.yml -i demo/inventory -i "$STATE/environment.yml" \
      -e "runner_mode=$mode" -e "demo_state_dir=$STATE"

  echo
  cat "$STATE/summary.txt"
  echo
  if [ "${hosts_changed:-0}" -eq 0 ] && [ "${site_changed:-0}" -eq 0 ]; then
    say "nothing changed: the hosts and the runner were already as asked (site.yml: 0 changed)"
  else
    say "site.yml changed ${site_changed:-0} thing(s) on $RUNNER_HOST; a second make demo MODE=$mode changes nothing"
  fi
  say "make demo-shell opens a shell on $RUNNER_HOST; make demo-clean removes what the demo created"
}

shell() {
  if ! docker inspect --format '{{.State.Running}}' "$RUNNER_HOST" 2>/dev/null | grep -qx true; then
    echo "$RUNNER_HOST is not running: make demo MODE=dind (or MODE=socket) starts it" >&2
    exit 1
  fi
  exec docker exec -it "$RUNNER_HOST" bash -l
}

clean() {
  local containers volumes networks
  if ! docker info >/dev/null 2>&1; then
    say "no Docker engine answers: nothing of the demo is running"
    rm -rf "$STATE"
    return 0
  fi
  # Ids are one word each: splitting the lists into arguments is what is meant.
  containers=$(docker ps -aq --filter "label=$LABEL")
  # shellcheck disable=SC2086
  [ -z "$containers" ] || docker rm --force --volumes $containers >/dev/null
  volumes=$(docker volume ls -q --filter "label=$LABEL")
  # shellcheck disable=SC2086
  [ -z "$volumes" ] || docker volume rm $volumes >/dev/null
  networks=$(docker network ls -q --filter "label=$LABEL")
  # shellcheck disable=SC2086
  [ -z "$networks" ] || docker network rm $networks >/dev/null
  rm -rf "$STATE"
  say "removed $(wc -w <<<"$containers") container(s), $(wc -w <<<"$volumes") volume(s), $(wc -w <<<"$networks") network(s)" \
    "and ${STATE#"$CHECKOUT"/}; the Docker engine, the image cache and the virtualenv stay (make test uses them too)"
}

case "${1:-}" in
  run) run "${2:-}" ;;
  shell) shell ;;
  clean) clean ;;
  *) echo "usage: demo/demo.sh run socket|dind | shell | clean" >&2; exit 2 ;;
esac
