#!/bin/sh
# it_ldap_tls.sh: `rollcall pull` over TLS against a real slapd on 127.0.0.1
# with a throw-away CA (tests/lib/slapd.sh slapd_tls): ldaps:// and StartTLS
# with ca_file succeed; a certificate the system trust store does not know,
# a certificate for another host name, and StartTLS against a server without
# TLS all fail the pull (exit 2, URL named, previous snapshot kept) instead
# of going on unverified or in plain text. The bind password never shows.
set -u
. tests/lib/tap.sh
. tests/lib/slapd.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
if [ ! -x /usr/sbin/slapd ] || ! command -v sqlite3 >/dev/null; then
	skip ldap-tls "slapd or sqlite3 not installed"
	exit 0
fi
if ! command -v openssl >/dev/null; then
	skip ldap-tls "openssl not installed (scripts/deps.sh)"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-ldap-tls.XXXXXX)
cleanup() {
	slapd_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

DB=$T/rollcall.db
CONF=$T/rollcall.conf
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'corp-ldap'"; }
pull() {	# pull: run it, keep stdout and stderr of every run for the
		# password check at the end; $rc is its exit status
	"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/out" "$T/err" >>"$T/all-output"
	sed 's/^/# /' "$T/err"
}

# a few users (one locked), a service account and a group
cat >"$T/dir.ldif" <<'LDIF'
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example Org

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: uid=tls-ada,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tls-ada
cn: Ada Tester
sn: Tester
mail: tls-ada@example.com
employeeNumber: E9001

dn: uid=tls-bo,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tls-bo
cn: Bo Tester
sn: Tester
mail: tls-bo@example.com
employeeNumber: E9002

dn: uid=tls-cy,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tls-cy
cn: Cy Tester
sn: Tester
mail: tls-cy@example.com
employeeNumber: E9003
pwdAccountLockedTime: 000001010000Z

dn: uid=svc-tls,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: svc-tls
cn: TLS Service
sn: Service

dn: cn=tls-admins,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: tls-admins
member: uid=tls-ada,ou=people,dc=example,dc=com
member: uid=tls-bo,ou=people,dc=example,dc=com
LDIF
USERS=4

# server SLAPDDIR [SAN]: a fresh slapd with the directory; with SAN (or
# "default") also TLS with a certificate from the one test CA in $T/ca
server() {
	slapd_stop
	slapd_init "$T/$1" || exit 1
	slapd_add "$T/dir.ldif" || exit 1
	slapd_add_reader || exit 1
	if [ -n "${2:-}" ]; then
		if [ "$2" = default ]; then
			slapd_tls "$T/ca" || exit 1
		else
			slapd_tls "$T/ca" "$2" || exit 1
		fi
	fi
	slapd_start || exit 1
	# each server has its own reader password; it goes in through the
	# environment, and the check at the end looks for every one of them
	IT_LDAP_TLS_PW=$(cat "$SLAPD_READER_PW_FILE")
	export IT_LDAP_TLS_PW
	echo "$IT_LDAP_TLS_PW" >>"$T/passwords"
}

write_conf() {	# write_conf URL [EXTRA LINES]
	cat >"$CONF" <<CONF
[source "corp-ldap"]
type = ldap
url = $1
bind_dn = $SLAPD_READER_DN
bind_password_env = IT_LDAP_TLS_PW
base = ou=people,dc=example,dc=com
group_base = ou=groups,dc=example,dc=com
service_accounts = svc-*
${2:-}
CONF
}

server good default

# The fixture itself: the test CA verifies the server, the system's does not.
ok "slapd: ldaps:// verifies with the test CA" sh -c 'LDAPTLS_CACERT="$1" \
    LDAPTLS_REQCERT=demand ldapsearch -x -H "$2" -b "" -s base \
    -o nettimeout=5 >/dev/null 2>&1' - "$SLAPD_CA_FILE" "$SLAPD_LDAPS_URL"
ok "slapd: ldaps:// does not verify without it" sh -c '! LDAPTLS_REQCERT=demand \
    ldapsearch -x -H "$1" -b "" -s base -o nettimeout=5 >/dev/null 2>&1' \
    - "$SLAPD_LDAPS_URL"

"$ROLLCALL" -d "$DB" -c "$CONF" init >/dev/null 2>&1

# ldaps:// with ca_file: a complete pull
write_conf "$SLAPD_LDAPS_URL" "ca_file = $SLAPD_CA_FILE"
pull
is "ldaps with ca_file: exit 0" 0 "$rc"
SNAP=$(cur)
is "ldaps with ca_file: snapshot ok, origin the ldaps URL" "ok|$SLAPD_LDAPS_URL" \
    "$(q "SELECT status || '|' || origin FROM snapshots WHERE id = '$SNAP'")"
is "ldaps with ca_file: every account" $USERS \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = '$SNAP'")"
is "ldaps with ca_file: the group and its members" "tls-admins:tls-ada tls-bo" \
    "$(q "SELECT e.name || ':' || group_concat(a.login, ' ') FROM
        (SELECT * FROM grants ORDER BY account_id) g
        JOIN entitlements e ON e.id = g.entitlement_id
        JOIN accounts a ON a.id = g.account_id
        WHERE g.snapshot_id = '$SNAP' GROUP BY e.name")"

# ldap:// with StartTLS and ca_file
write_conf "$SLAPD_URL" "starttls = yes
ca_file = $SLAPD_CA_FILE"
pull
is "starttls with ca_file: exit 0" 0 "$rc"
is "starttls with ca_file: a new current snapshot" 1 \
    "$(q "SELECT count(*) FROM snapshots WHERE id = '$(cur)' AND id > '$SNAP'
        AND status = 'ok'")"
SNAP=$(cur)
is "starttls with ca_file: every account" $USERS \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = '$SNAP'")"

# ldaps:// without ca_file: the test CA is in no trust store, so no pull
write_conf "$SLAPD_LDAPS_URL"
pull
is "ldaps without ca_file: exit 2" 2 "$rc"
ok "ldaps without ca_file: a certificate error naming the URL" grep -q \
    "$SLAPD_LDAPS_URL.*certificate" "$T/err"
is "ldaps without ca_file: previous snapshot still current" "$SNAP" "$(cur)"
is "ldaps without ca_file: nothing of it kept" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id > '$SNAP'")"
# libldap reads LDAPTLS_REQCERT (and ldap.conf) for its defaults: they must
# not turn verification off
LDAPTLS_REQCERT=never pull
is "ldaps without ca_file, LDAPTLS_REQCERT=never: still exit 2" 2 "$rc"
is "ldaps without ca_file, LDAPTLS_REQCERT=never: still the old snapshot" \
    "$SNAP" "$(cur)"

# StartTLS without ca_file: the same, not a fall-back to plain text
write_conf "$SLAPD_URL" "starttls = yes"
pull
is "starttls without ca_file: exit 2" 2 "$rc"
ok "starttls without ca_file: a certificate error naming the URL" grep -q \
    "$SLAPD_URL.*certificate" "$T/err"
is "starttls without ca_file: previous snapshot still current" "$SNAP" "$(cur)"

# ca_file that does not exist: a clear error, not the system store instead
write_conf "$SLAPD_LDAPS_URL" "ca_file = $T/no-such-ca.pem"
pull
is "missing ca_file: exit 2" 2 "$rc"
ok "missing ca_file: names the file" grep -q "$T/no-such-ca.pem" "$T/err"
is "missing ca_file: previous snapshot still current" "$SNAP" "$(cur)"

# A certificate from the right CA for another host: refused
server wronghost DNS:other.invalid
write_conf "$SLAPD_LDAPS_URL" "ca_file = $SLAPD_CA_FILE"
pull
is "wrong host name, ldaps: exit 2" 2 "$rc"
ok "wrong host name, ldaps: says so, naming the URL" grep -q \
    "$SLAPD_LDAPS_URL.*for host '127.0.0.1'" "$T/err"
is "wrong host name, ldaps: previous snapshot still current" "$SNAP" "$(cur)"
write_conf "$SLAPD_URL" "starttls = yes
ca_file = $SLAPD_CA_FILE"
pull
is "wrong host name, starttls: exit 2" 2 "$rc"
ok "wrong host name, starttls: says so, naming the URL" grep -q \
    "$SLAPD_URL.*for host '127.0.0.1'" "$T/err"
is "wrong host name, starttls: previous snapshot still current" "$SNAP" "$(cur)"

# StartTLS against a server without TLS: a failure, never plain text
server plain
write_conf "$SLAPD_URL" "starttls = yes
ca_file = $SLAPD_CA_FILE"
pull
is "starttls, server without TLS: exit 2" 2 "$rc"
ok "starttls, server without TLS: says TLS could not start, naming the URL" \
    grep -q "cannot start TLS with $SLAPD_URL" "$T/err"
is "starttls, server without TLS: previous snapshot still current" "$SNAP" "$(cur)"
# ldaps:// to its plain port: a TLS failure, not "server down"
write_conf "ldaps://127.0.0.1:$SLAPD_PORT" "ca_file = $SLAPD_CA_FILE"
pull
is "ldaps to a port without TLS: exit 2" 2 "$rc"
ok "ldaps to a port without TLS: says TLS failed, naming the URL" grep -q \
    "TLS with ldaps://127.0.0.1:$SLAPD_PORT failed: " "$T/err"
ok "ldaps to a port without TLS: does not blame the certificate" sh -c \
    '! grep -q certificate "$1"' - "$T/err"
# the same server in plain text works: the failures above were TLS
write_conf "$SLAPD_URL"
pull
is "plain ldap:// to that server: exit 0" 0 "$rc"

# ldaps:// to a server that is not there: unreachable, not a TLS failure
slapd_stop
write_conf "ldaps://127.0.0.1:$SLAPD_PORT" "ca_file = $SLAPD_CA_FILE"
pull
is "ldaps, server down: exit 2" 2 "$rc"
ok "ldaps, server down: cannot connect, naming the URL" grep -q \
    "cannot connect to ldaps://127.0.0.1:$SLAPD_PORT: Can't contact LDAP server" "$T/err"

# The bind password: in no output of any run, nowhere in the database.
is "password: one for each server, none empty" 3 \
    "$(grep -c '^[0-9a-f]\{36\}$' "$T/passwords")"
ok "password: never in any output" sh -c '! grep -q -F -f "$1" "$2"' \
    - "$T/passwords" "$T/all-output"
ok "password: never in the database" sh -c '! sqlite3 "$1" .dump |
    grep -q -F -f "$2" && ! grep -a -q -F -f "$2" "$1"' - "$DB" "$T/passwords"

tap_done
