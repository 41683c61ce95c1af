#!/bin/sh
# it_ldap.sh: `rollcall pull` against a real slapd on 127.0.0.1 with 3000+
# users, a size limit of 500 (so paging must work), a 2500-member group,
# nested groups of all three member kinds, locked and non-ASCII users; then
# the failures: a server that goes away mid-pull, a size limit that cuts a
# paged search, a wrong password.
set -u
. tests/lib/tap.sh
. tests/lib/slapd.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
if [ ! -x /usr/sbin/slapd ] || ! command -v sqlite3 >/dev/null; then
	skip ldap "slapd or sqlite3 not installed"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-ldap.XXXXXX)
PROXY_PID=
cleanup() {
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
	slapd_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

DB=$T/rollcall.db
CONF=$T/rollcall.conf
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'corp-ldap'"; }
acct() {	# acct LOGIN COLUMN: a column of an account of the current snapshot
	q "SELECT $2 FROM accounts WHERE snapshot_id = $(cur) AND login = '$1'"
}

USERS=3000
SLAPD_SIZELIMIT=500 slapd_init "$T/slapd" || exit 1
awk -v users=$USERS -v locked_every=100 -v extras=1 -v big_group=2500 \
    -f tests/tools/gen-ldif.awk >"$T/dir.ldif"
slapd_add "$T/dir.ldif" || exit 1
slapd_add_reader || exit 1
slapd_start || exit 1

# The fixture itself: a plain search stops at the limit, a paged one not.
n=$(ldapsearch -x -H "$SLAPD_URL" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
    -b ou=people,dc=example,dc=com -LLL '(objectClass=inetOrgPerson)' 1.1 2>/dev/null |
    grep -c '^dn:')
is "slapd: a non-paged search stops at the size limit" 500 "$n"
n=$(ldapsearch -x -H "$SLAPD_URL" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
    -E pr=200/noprompt -b ou=people,dc=example,dc=com -LLL \
    '(objectClass=inetOrgPerson)' 1.1 2>/dev/null | grep -c '^dn:')
is "slapd: a paged search reads past it" $((USERS + 1)) "$n"

write_conf() {	# write_conf URL [EXTRA LINES]
	cat >"$CONF" <<CONF
[source "corp-ldap"]
type = ldap
url = $1
bind_dn = $SLAPD_READER_DN
bind_password_file = $SLAPD_READER_PW_FILE
base = ou=people,dc=example,dc=com
group_base = ou=groups,dc=example,dc=com
page_size = 100
last_login_attribute = authTimestamp
mfa_attribute = employeeType
mfa_enrolled_value = mfa
service_accounts = svc-*
${2:-}
CONF
}

write_conf "$SLAPD_URL"
"$ROLLCALL" -d "$DB" -c "$CONF" init >/dev/null 2>&1
"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
rc=$?
is "pull: exit 0" 0 "$rc"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
SNAP=$(cur)
is "pull: one snapshot, current" 1 "$(q "SELECT count(*) FROM snapshots WHERE status = 'ok' AND id = '$SNAP'")"
is "pull: every account, past the size limit" $((USERS + 1)) \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP")"
is "pull: no account twice" $((USERS + 1)) \
    "$(q "SELECT count(DISTINCT key) FROM accounts WHERE snapshot_id = $SNAP")"
is "pull: the last user is there" "u03000@example.com" "$(acct u03000 email)"
is "pull: native id is entryUUID" 1 \
    "$(acct u00001 "native_id GLOB '[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*'")"
is "pull: key is the normalized DN" "uid=u00001,ou=people,dc=example,dc=com" "$(acct u00001 key)"
is "pull: employee id" "E00042" "$(acct u00042 employee_id)"
# byte-exact UTF-8: compare the hex of what is stored
want=$(printf 'Zo\303\253 \303\205ngstr\303\266m' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
is "pull: non-ASCII display name byte-exact" "$want" "$(acct u00007 'hex(display_name)')"
want=$(printf '\305\201ukasz \305\273\303\263\305\202\304\207' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
is "pull: another non-ASCII name byte-exact" "$want" "$(acct u00008 'hex(display_name)')"
is "pull: locked user not active" "0|disabled" "$(acct u00100 "active || '|' || status")"
is "pull: every locked user, and only they, not active" $((USERS / 100)) \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND active = 0")"
is "pull: plain user active" "1|active" "$(acct u00099 "active || '|' || status")"
is "pull: service account by service_accounts" "service" "$(acct svc-backup kind)"
is "pull: MFA value equal case-insensitively" 10 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND mfa = 'enrolled'")"
is "pull: MFA attribute absent is not_enrolled" "not_enrolled" "$(acct u00011 mfa)"
is "pull: last login from generalized time" "2024-01-15T10:30:00Z" "$(acct u00001 last_login)"
is "pull: no last login is unknown" "" "$(acct u00002 last_login)"
is "pull: created from createTimestamp" 1 \
    "$(acct u00002 "created GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'")"
is "pull: groups" 5 "$(q "SELECT count(*) FROM entitlements WHERE snapshot_id = $SNAP")"
is "pull: 2500-member group complete" 2500 \
    "$(q "SELECT count(*) FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
        WHERE g.snapshot_id = $SNAP AND e.name = 'all-staff' AND g.direct = 1")"
is "pull: nested grant with its path" "0|admins <- ops <- oncall <- u00004" \
    "$(q "SELECT g.direct || '|' || g.path FROM grants g
        JOIN entitlements e ON e.id = g.entitlement_id
        JOIN accounts a ON a.id = g.account_id
        WHERE g.snapshot_id = $SNAP AND e.name = 'admins' AND a.login = 'u00004'")"
is "pull: admins effective members" "u00002 u00003 u00004" \
    "$(q "SELECT a.login FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
        JOIN accounts a ON a.id = g.account_id
        WHERE g.snapshot_id = $SNAP AND e.name = 'admins' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "pull: memberUid members" "u00005 u00006" \
    "$(q "SELECT a.login FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
        JOIN accounts a ON a.id = g.account_id
        WHERE g.snapshot_id = $SNAP AND e.name = 'devs' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "pull: no data-quality notes" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $SNAP")"

# A server that goes away mid-pull: a proxy that cuts after 200 kB.
if [ -x build/tools/cutproxy ]; then
	build/tools/cutproxy "$SLAPD_PORT" 200000 "$T/proxy.port" &
	PROXY_PID=$!
	i=0
	while [ ! -s "$T/proxy.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	write_conf "ldap://127.0.0.1:$(cat "$T/proxy.port")"
	"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
	is "cut connection: exit 2" 2 "$?"
	ok "cut connection: says the server went away" \
	    grep -q "Can't contact LDAP server" "$T/err"
	ok "cut connection: names the search" grep -q "search of ou=people,dc=example,dc=com" "$T/err"
	sed 's/^/# /' "$T/err"
	is "cut connection: previous snapshot still current" "$SNAP" "$(cur)"
	is "cut connection: failed attempt recorded" 1 \
	    "$(q "SELECT count(*) FROM snapshots WHERE source = 'corp-ldap' AND status = 'failed'")"
	is "cut connection: nothing of it kept" 0 \
	    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id <> $SNAP")"
	kill "$PROXY_PID"
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
else
	skip "cut connection" "build/tools/cutproxy not built (make tests)"
fi

# A server gone entirely.
slapd_stop
write_conf "ldap://127.0.0.1:$SLAPD_PORT"
"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
is "server down: exit 2" 2 "$?"
ok "server down: names the URL" grep -q "ldap://127.0.0.1:$SLAPD_PORT" "$T/err"
is "server down: previous snapshot still current" "$SNAP" "$(cur)"

# A size limit that paging cannot pass is a failed pull, never a short list.
slapd_stop
SLAPD_SIZELIMIT=500 SLAPD_PRTOTAL=500 slapd_init "$T/slapd2" || exit 1
slapd_add "$T/dir.ldif" || exit 1
slapd_add_reader || exit 1
slapd_start || exit 1
write_conf "$SLAPD_URL"
"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
is "size limit: exit 2" 2 "$?"
ok "size limit: says the pull is incomplete" \
    grep -q "size limit reached; the pull is incomplete" "$T/err"
sed 's/^/# /' "$T/err"
is "size limit: previous snapshot still current" "$SNAP" "$(cur)"

# Wrong password: exit 2, the DN and URL named, the password never shown.
export IT_LDAP_BAD_PW=Wr0ng-S3cret-4711
write_conf "$SLAPD_URL"
sed -i 's/^bind_password_file = .*/bind_password_env = IT_LDAP_BAD_PW/' "$CONF"
"$ROLLCALL" -d "$DB" -c "$CONF" pull corp-ldap >"$T/out" 2>"$T/err"
is "bad password: exit 2" 2 "$?"
ok "bad password: says why, naming URL and DN" grep -q \
    "cannot bind to $SLAPD_URL as $SLAPD_READER_DN: Invalid credentials" "$T/err"
sed 's/^/# /' "$T/err"
if grep -q "$IT_LDAP_BAD_PW" "$T/err" "$T/out" || [ "$(q "SELECT count(*) FROM snapshots WHERE error LIKE '%$IT_LDAP_BAD_PW%'")" != 0 ]; then
	is "bad password: never shown or stored" "absent" "present"
else
	is "bad password: never shown or stored" "absent" "absent"
fi
is "bad password: previous snapshot still current" "$SNAP" "$(cur)"

tap_done
