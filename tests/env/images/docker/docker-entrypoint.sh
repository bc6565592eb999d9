#!/bin/sh
# Entry point of the docker:<version> stand-in; same logic as docker-library/docker's.
set -eu

# first arg is `-f` or `--some-option`
if [ "${1#-}" != "$1" ]; then
	set -- docker "$@"
fi

# a Docker subcommand runs through the CLI ("docker run docker:<version> ps")
if docker help "$1" > /dev/null 2>&1; then
	set -- docker "$@"
fi

_should_tls() {
	[ -n "${DOCKER_TLS_CERTDIR:-}" ] \
	&& [ -s "$DOCKER_TLS_CERTDIR/client/ca.pem" ] \
	&& [ -s "$DOCKER_TLS_CERTDIR/client/cert.pem" ] \
	&& [ -s "$DOCKER_TLS_CERTDIR/client/key.pem" ]
}

# The dind service writes the client certificates a moment after it starts:
# when a volume is mounted on the client certificate directory but still empty,
# wait briefly (DOCKER_TLS_CERT_WAIT seconds, default 10) rather than fall back
# to plain TCP. (Upstream does not wait; GitLab Runner's service health check
# usually hides the race.)
_certs_mounted() {
	awk -v dir="$DOCKER_TLS_CERTDIR/client" '$5 == dir { found = 1 } END { exit !found }' /proc/self/mountinfo
}
_wait_for_certs() {
	waited=0
	while ! _should_tls && [ "$waited" -lt "${DOCKER_TLS_CERT_WAIT:-10}" ]; do
		sleep 1
		waited=$((waited + 1))
	done
}

# no DOCKER_HOST but the default Unix socket (standard or rootless): use it explicitly
if [ -z "${DOCKER_HOST:-}" ] && [ -S /var/run/docker.sock ]; then
	export DOCKER_HOST=unix:///var/run/docker.sock
elif [ -z "${DOCKER_HOST:-}" ] && XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}" && [ -S "$XDG_RUNTIME_DIR/docker.sock" ]; then
	export DOCKER_HOST="unix://$XDG_RUNTIME_DIR/docker.sock"
fi

# no DOCKER_HOST (no custom setting, no default socket): the "docker" service
if [ -z "${DOCKER_HOST:-}" ]; then
	if [ -n "${DOCKER_TLS_CERTDIR:-}" ] && [ -z "${DOCKER_TLS_VERIFY:-}" ] && _certs_mounted; then
		_wait_for_certs
	fi
	if _should_tls || [ -n "${DOCKER_TLS_VERIFY:-}" ]; then
		export DOCKER_HOST='tcp://docker:2376'
	else
		export DOCKER_HOST='tcp://docker:2375'
	fi
fi
if [ "${DOCKER_HOST#tcp:}" != "$DOCKER_HOST" ] \
	&& [ -z "${DOCKER_TLS_VERIFY:-}" ] \
	&& [ -z "${DOCKER_CERT_PATH:-}" ] \
	&& _should_tls \
; then
	export DOCKER_TLS_VERIFY=1
	export DOCKER_CERT_PATH="$DOCKER_TLS_CERTDIR/client"
fi

if [ "$1" = 'dockerd' ]; then
	cat >&2 <<-'EOW'

		It looks like you are trying to run a Docker daemon.
		Use the "dind" image variant instead, something like:
		  docker run --privileged --name some-docker ... docker:<version>-dind ...

	EOW
	sleep 3
fi

exec "$@"
