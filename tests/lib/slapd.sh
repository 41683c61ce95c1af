# slapd.sh: a throw-away OpenLDAP server on 127.0.0.1 for tests, `make demo`
# and the benchmark. Source it (POSIX sh), then:
#
#	slapd_init DIR		write DIR/slapd.conf (mdb under DIR/db); exports
#				SLAPD_DIR SLAPD_BASE SLAPD_ROOTDN SLAPD_ROOTPW_FILE
#				and SLAPD_READER_DN SLAPD_READER_PW_FILE
#	slapd_add FILE.ldif	load offline with slapadd (before slapd_start)
#	slapd_add_reader	add cn=reader,BASE (password in SLAPD_READER_PW_FILE);
#				needs the base entry loaded first
#	slapd_start		start on a free port; exports SLAPD_URL SLAPD_PORT
#				SLAPD_PID
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
		# 20000..59999: clear of well-known and most ephemeral ranges
		SLAPD_PORT=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000 ))
		_slapd_port_free "$SLAPD_PORT" || continue
		SLAPD_URL=ldap://127.0.0.1:$SLAPD_PORT
		# -d 0: stay in the foreground, so $! is slapd itself
		"$SLAPD_BIN" -f "$SLAPD_DIR/slapd.conf" -h "$SLAPD_URL/" -d 0 \
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
				unset _tries _n
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
