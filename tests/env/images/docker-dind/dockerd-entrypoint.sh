#!/bin/sh
# Entry point of the docker:<version>-dind stand-in; same logic as
# docker-library/docker's dockerd-entrypoint.sh (rootless mode left out),
# plus the capfilter OCI runtime where the capability bounding set is short.
set -eu

_tls_ensure_private() {
	f="$1"; shift
	[ -s "$f" ] || openssl genrsa -out "$f" 4096
}
_tls_san() {
	{
		ip -oneline address | awk '{ gsub(/\/.+$/, "", $4); print "IP:" $4 }'
		{
			cat /etc/hostname
			echo 'docker'
			echo 'localhost'
			hostname -f
			hostname -s
		} | sed 's/^/DNS:/'
		[ -z "${DOCKER_TLS_SAN:-}" ] || echo "$DOCKER_TLS_SAN"
	} | sort -u | xargs printf '%s,' | sed "s/,\$//"
}
_tls_generate_certs() {
	dir="$1"; shift

	# if ca/key.pem || !ca/cert.pem, generate CA public if necessary
	# if ca/key.pem, generate server public
	# if ca/key.pem, generate client public
	# (public certs are regenerated every startup to follow SAN/IP changes and expiry)
	certValidDays='825'

	if [ -s "$dir/ca/key.pem" ] || [ ! -s "$dir/ca/cert.pem" ]; then
		# a CA private key, or no CA public key: create/manage the CA
		mkdir -p "$dir/ca"
		_tls_ensure_private "$dir/ca/key.pem"
		openssl req -new -key "$dir/ca/key.pem" \
			-out "$dir/ca/cert.pem" \
			-subj '/CN=docker:dind CA' -x509 -days "$certValidDays"
	fi

	if [ -s "$dir/ca/key.pem" ]; then
		mkdir -p "$dir/server"
		_tls_ensure_private "$dir/server/key.pem"
		openssl req -new -key "$dir/server/key.pem" \
			-out "$dir/server/csr.pem" \
			-subj '/CN=docker:dind server'
		cat > "$dir/server/openssl.cnf" <<-EOC
			[ x509_exts ]
			subjectAltName = $(_tls_san)
		EOC
		openssl x509 -req \
				-in "$dir/server/csr.pem" \
				-CA "$dir/ca/cert.pem" \
				-CAkey "$dir/ca/key.pem" \
				-CAcreateserial \
				-out "$dir/server/cert.pem" \
				-days "$certValidDays" \
				-extfile "$dir/server/openssl.cnf" \
				-extensions x509_exts
		cp "$dir/ca/cert.pem" "$dir/server/ca.pem"
		openssl verify -CAfile "$dir/server/ca.pem" "$dir/server/cert.pem"
	fi

	if [ -s "$dir/ca/key.pem" ]; then
		mkdir -p "$dir/client"
		_tls_ensure_private "$dir/client/key.pem"
		chmod 0644 "$dir/client/key.pem" # shared with arbitrary client containers
		openssl req -new \
				-key "$dir/client/key.pem" \
				-out "$dir/client/csr.pem" \
				-subj '/CN=docker:dind client'
		cat > "$dir/client/openssl.cnf" <<-'EOC'
			[ x509_exts ]
			extendedKeyUsage = clientAuth
		EOC
		openssl x509 -req \
				-in "$dir/client/csr.pem" \
				-CA "$dir/ca/cert.pem" \
				-CAkey "$dir/ca/key.pem" \
				-CAcreateserial \
				-out "$dir/client/cert.pem" \
				-days "$certValidDays" \
				-extfile "$dir/client/openssl.cnf" \
				-extensions x509_exts
		cp "$dir/ca/cert.pem" "$dir/client/ca.pem"
		openssl verify -CAfile "$dir/client/ca.pem" "$dir/client/cert.pem"
	fi
}

# True when this container's capability bounding set lacks capabilities the
# kernel knows: runc then cannot grant what --privileged asks for.
_bounding_set_short() {
	last="$(cat /proc/sys/kernel/cap_last_cap)"
	bnd="$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)"
	full=$(( (1 << (last + 1)) - 1 ))
	[ $(( 0x$bnd & full )) -ne "$full" ]
}

# no arguments, or the first one is `-f` or `--some-option`
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	dockerSocket='unix:///var/run/docker.sock'
	case "${DOCKER_HOST:-}" in
		unix://*)
			dockerSocket="$DOCKER_HOST"
			;;
	esac

	if [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
		_tls_generate_certs "$DOCKER_TLS_CERTDIR"
		[ -s "$DOCKER_TLS_CERTDIR/server/ca.pem" ]
		[ -s "$DOCKER_TLS_CERTDIR/server/cert.pem" ]
		[ -s "$DOCKER_TLS_CERTDIR/server/key.pem" ]
		# TLS when requested (the default since 19.03)
		set -- dockerd \
			--host="$dockerSocket" \
			--host=tcp://0.0.0.0:2376 \
			--tlsverify \
			--tlscacert "$DOCKER_TLS_CERTDIR/server/ca.pem" \
			--tlscert "$DOCKER_TLS_CERTDIR/server/cert.pem" \
			--tlskey "$DOCKER_TLS_CERTDIR/server/key.pem" \
			"$@"
	else
		# TLS disabled (-e DOCKER_TLS_CERTDIR=''); saying so explicitly spares
		# the deliberate ~15 s startup delay dockerd adds for plain TCP
		set -- dockerd \
			--host="$dockerSocket" \
			--host=tcp://0.0.0.0:2375 \
			--tls=false \
			"$@"
	fi
fi

if [ "$1" = 'dockerd' ]; then
	# a PID file left by an unclean stop keeps dockerd from starting
	find /run /var/run -iname 'docker*.pid' -delete || :

	# Only where needed (a short bounding set, as on some CI machines), and not
	# when a daemon.json already declares runtimes (the flag would conflict).
	if [ "${RUNNEROPS_CAPFILTER:-auto}" != 'off' ] && _bounding_set_short \
		&& ! grep -qs '"runtimes"' /etc/docker/daemon.json; then
		shift
		set -- dockerd \
			--add-runtime capfilter=/usr/local/bin/oci-capfilter \
			--default-runtime capfilter \
			"$@"
		echo >&2 "dockerd-entrypoint.sh: capability bounding set is short: using the capfilter OCI runtime"
	fi

	if dockerd --version | grep -qF ' 20.10.'; then
		# docker-init (tini) as pid 1 reaps zombie containerd-shim processes (docker-library/docker#318)
		set -- docker-init -- "$@"
	fi

	if ! iptables -nL > /dev/null 2>&1; then
		# iptables failing usually means its kernel modules are not loaded
		modprobe ip_tables 2>/dev/null || :
	fi

	if [ "$(id -u)" != '0' ]; then
		echo >&2 "error: this docker:dind stand-in runs dockerd as root only (rootless mode is not built in)"
		exit 1
	fi
	if [ -x '/usr/local/bin/dind' ]; then
		set -- '/usr/local/bin/dind' "$@"
	fi
else
	# not dockerd: go through docker-entrypoint.sh so DOCKER_HOST is set as well
	set -- docker-entrypoint.sh "$@"
fi

exec "$@"
