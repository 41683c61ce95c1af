# slapd.sh: a throw-away OpenLDAP server on 127.0.0.1 for tests, `make demo`
# and the benchmark. Source it (POSIX sh), then:
#
#	slapd_init DIR		write DIR/slapd.conf (mdb under DIR/db); exports
#				SLAPD_DIR SLAPD_BASE SLAPD_ROOTDN SLAPD_ROOTPW_FILE
#				and SLAPD_READER_DN SLAPD_READER_PW_FILE
#	slapd_add FILE.ldif	load offline with slapadd (before slapd_start)
#	slapd_add_reader	add cn=reader,BASE (password in SLAPD_READER_PW_FILE);
#				needs the base entry loaded first
#	slapd_tls CADIR [SAN]	optional, after slapd_init: a throw-away CA in
#				CADIR (made once, reused by later servers) and a
#				server certificate it signs for SAN (default
#				DNS:localhost,IP:127.0.0.1; e.g. DNS:other.invalid
#				for a wrong host), set up in slapd.conf; exports
#				SLAPD_CA_FILE. Needs the openssl command.
#	slapd_start		start on a free port; exports SLAPD_URL SLAPD_PORT
#				SLAPD_PID; after slapd_tls also listens on
#				ldaps:// and exports SLAPD_LDAPS_URL
#				SLAPD_LDAPS_PORT (SLAPD_URL still takes StartTLS)
#	slapd_stop		kill it and wait
#
# Callers set `trap slapd_stop EXIT` (or call it) so no slapd is left running.
# It never touches the system's slapd, its config or /var/lib/ldap: the
# rootdn ignores size limits, so tests read as cn=reader, which does not.
# SLAPD_SIZELIMIT=N sets the non-paged size limit; a paged search
# (RFC 2696) may still read everything (size.prtotal=unlimited) unless
# SLAPD_PRTOTAL=N caps paged searches too (a server that cuts a pull short).

SLAPD_BIN=${SLAPD_BIN:-/usr/sbin/slapd}
SLAPD_SCHEMA_DIR=${SLAPD_SCHEMA_DIR:-/etc/ldap/schema}
SLAPD_MODULE_DIR=${SLAPD_MODULE_DIR:-/usr/lib/ldap}

_slapd_randpw() {
	od -An -N18 -tx1 /dev/urandom | tr -d ' \n'
}

slapd_init() {
	SLAPD_DIR=$1
	mkdir -p "$SLAPD_DIR/db" || return 1
	SLAPD_DIR=$(cd "$SLAPD_DIR" && pwd) || return 1
	SLAPD_BASE=dc=example,dc=com
	SLAPD_ROOTDN=cn=admin,$SLAPD_BASE
	SLAPD_ROOTPW_FILE=$SLAPD_DIR/rootpw
	SLAPD_READER_DN=cn=reader,$SLAPD_BASE
	SLAPD_READER_PW_FILE=$SLAPD_DIR/readerpw
	# a new server has no TLS until slapd_tls says so
	unset SLAPD_LDAPS_URL SLAPD_LDAPS_PORT
	export SLAPD_DIR SLAPD_BASE SLAPD_ROOTDN SLAPD_ROOTPW_FILE \
	    SLAPD_READER_DN SLAPD_READER_PW_FILE
	(umask 077 && _slapd_randpw >"$SLAPD_ROOTPW_FILE" &&
	    _slapd_randpw >"$SLAPD_READER_PW_FILE") || return 1
	_hash=$(/usr/sbin/slappasswd -T "$SLAPD_ROOTPW_FILE") || return 1
	if [ -n "${SLAPD_SIZELIMIT:-}" ]; then
		_limit="sizelimit size.soft=$SLAPD_SIZELIMIT size.hard=$SLAPD_SIZELIMIT size.pr=unlimited size.prtotal=${SLAPD_PRTOTAL:-unlimited}"
	else
		_limit="sizelimit size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited"
	fi
	cat >"$SLAPD_DIR/slapd.conf" <<CONF
# written by tests/lib/slapd.sh; throw-away test server
include $SLAPD_SCHEMA_DIR/core.schema
include $SLAPD_SCHEMA_DIR/cosine.schema
include $SLAPD_SCHEMA_DIR/inetorgperson.schema
include $SLAPD_SCHEMA_DIR/nis.schema
modulepath $SLAPD_MODULE_DIR
moduleload back_mdb
moduleload ppolicy
moduleload lastbind
pidfile $SLAPD_DIR/slapd.pid
argsfile $SLAPD_DIR/slapd.args
$_limit
timelimit unlimited

database mdb
maxsize 4294967296
suffix "$SLAPD_BASE"
rootdn "$SLAPD_ROOTDN"
rootpw $_hash
directory $SLAPD_DIR/db
index objectClass eq
index uid,cn eq
index entryUUID eq
access to attrs=userPassword by anonymous auth by * none
access to * by * read
$_limit
overlay ppolicy
overlay lastbind
CONF
	chmod 600 "$SLAPD_DIR/slapd.conf"
	unset _hash _limit
}

slapd_add() {
	/usr/sbin/slapadd -q -f "$SLAPD_DIR/slapd.conf" -l "$1"
}

slapd_add_reader() {
	printf 'dn: %s\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: %s\n' \
	    "$SLAPD_READER_DN" "$(cat "$SLAPD_READER_PW_FILE")" \
	    >"$SLAPD_DIR/reader.ldif" || return 1
	slapd_add "$SLAPD_DIR/reader.ldif"
}

# The CA and the server key are made fresh for each run and never leave
# the test directories; EC P-256 keeps key generation quick.
slapd_tls() {
	_ca=$1
	_san=${2:-DNS:localhost,IP:127.0.0.1}
	mkdir -p "$_ca" || return 1
	_ca=$(cd "$_ca" && pwd) || return 1
	if [ ! -s "$_ca/ca.pem" ]; then
		(umask 077 && openssl req -x509 -newkey ec \
		    -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
		    -subj "/CN=rollcall throw-away test CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    -keyout "$_ca/ca.key" -out "$_ca/ca.pem") \
		    >>"$_ca/openssl.log" 2>&1 || {
			echo "slapd_tls: cannot make a CA (see $_ca/openssl.log)" >&2
			return 1
		}
	fi
	# the subject CN is the first name, for tools that still look there
	_cn=$(printf '%s\n' "$_san" | sed 's/,.*//; s/^[A-Za-z]*://')
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
	    "$_san" >"$SLAPD_DIR/server.ext" || return 1
	(umask 077 && openssl req -new -newkey ec \
	    -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$_cn" \
	    -keyout "$SLAPD_DIR/server.key" -out "$SLAPD_DIR/server.csr" &&
	    openssl x509 -req -in "$SLAPD_DIR/server.csr" -days 7 \
	    -CA "$_ca/ca.pem" -CAkey "$_ca/ca.key" \
	    -CAserial "$_ca/ca.srl" -CAcreateserial \
	    -extfile "$SLAPD_DIR/server.ext" -out "$SLAPD_DIR/server.pem") \
	    >>"$SLAPD_DIR/openssl.log" 2>&1 || {
		echo "slapd_tls: cannot make a server certificate (see $SLAPD_DIR/openssl.log)" >&2
		return 1
	}
	# TLS directives are global: they go before the database section
	{
		printf 'TLSCACertificateFile %s\n' "$_ca/ca.pem"
		printf 'TLSCertificateFile %s\n' "$SLAPD_DIR/server.pem"
		printf 'TLSCertificateKeyFile %s\n' "$SLAPD_DIR/server.key"
		cat "$SLAPD_DIR/slapd.conf"
	} >"$SLAPD_DIR/slapd.conf.new" &&
	    chmod 600 "$SLAPD_DIR/slapd.conf.new" &&
	    mv "$SLAPD_DIR/slapd.conf.new" "$SLAPD_DIR/slapd.conf" || return 1
	SLAPD_CA_FILE=$_ca/ca.pem
	export SLAPD_CA_FILE
	unset _ca _san _cn
}

_slapd_port() {	# a random port in 20000..59999 (clear of well-known and
		# most ephemeral ranges) that nothing listens on, or fail
	_p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000 ))
	_slapd_port_free "$_p" || return 1
	echo "$_p"
}

_slapd_port_free() {	# $1 port: nothing listening on it (best effort)
	if command -v ss >/dev/null 2>&1; then
		! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
	else
		return 0
	fi
}

slapd_start() {
	_tries=0
	while [ $_tries -lt 20 ]; do
		_tries=$((_tries + 1))
		SLAPD_PORT=$(_slapd_port) || continue
		SLAPD_URL=ldap://127.0.0.1:$SLAPD_PORT
		_urls="$SLAPD_URL/"
		if grep -q '^TLSCertificateFile ' "$SLAPD_DIR/slapd.conf"; then
			SLAPD_LDAPS_PORT=$(_slapd_port) || continue
			[ "$SLAPD_LDAPS_PORT" != "$SLAPD_PORT" ] || continue
			SLAPD_LDAPS_URL=ldaps://127.0.0.1:$SLAPD_LDAPS_PORT
			_urls="$_urls $SLAPD_LDAPS_URL/"
			export SLAPD_LDAPS_URL SLAPD_LDAPS_PORT
		fi
		# -d 0: stay in the foreground, so $! is slapd itself
		"$SLAPD_BIN" -f "$SLAPD_DIR/slapd.conf" -h "$_urls" -d 0 \
		    >>"$SLAPD_DIR/slapd.log" 2>&1 &
		SLAPD_PID=$!
		export SLAPD_URL SLAPD_PORT SLAPD_PID
		_n=0
		while [ $_n -lt 100 ]; do
			if ! kill -0 "$SLAPD_PID" 2>/dev/null; then
				wait "$SLAPD_PID" 2>/dev/null
				break	# port taken or bad config: next try
			fi
			if ldapsearch -x -H "$SLAPD_URL" -b "" -s base \
			    -o nettimeout=1 >/dev/null 2>&1; then
				unset _tries _n _urls _p
				return 0
			fi
			_n=$((_n + 1))
			sleep 0.1
		done
		if kill -0 "$SLAPD_PID" 2>/dev/null; then
			kill "$SLAPD_PID"
			wait "$SLAPD_PID" 2>/dev/null
		fi
		SLAPD_PID=
	done
	echo "slapd_start: cannot start slapd (see $SLAPD_DIR/slapd.log)" >&2
	tail -n 20 "$SLAPD_DIR/slapd.log" >&2
	return 1
}

slapd_stop() {
	if [ -n "${SLAPD_PID:-}" ]; then
		kill "$SLAPD_PID" 2>/dev/null
		wait "$SLAPD_PID" 2>/dev/null
		SLAPD_PID=
	fi
	return 0
}
