#!/bin/sh
# it_okta.sh: `rollcall pull` of type okta against build/tools/fakeapi
# replaying tests/data/http/okta/: case 10 (Link paging, a 429 whose reset is
# 1 s after its Date in this adjusted copy), an org with every status, a
# deprovisioned user listed by filter, factors, admin roles, paged groups and
# members, a 503 and a slow page; factors refused (403: MFA unknown, noted
# once); pages that break mid-listing keep the previous snapshot; the token
# never shows.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=${FAKEAPI:-$(pwd)/build/tools/fakeapi}
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip okta "build/tools/fakeapi or sqlite3 missing"
	exit 0
fi
D=tests/data/http/okta
T=$(mktemp -d /tmp/rollcall-it-okta.XXXXXX)
API_HOST=https://acme.okta.example.invalid API_LOG=$T/log API_PORT_FILE=$T/port
. tests/lib/fakeapi.sh
cleanup() {
	api_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM


DB=$T/rollcall.db
CONF=$T/rollcall.conf
TOKEN=00okta-tok-Rk93LmQ2
export OKTA_TOKEN=$TOKEN
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = '$1'"; }
acct() {	# acct SOURCE NATIVE_ID COLUMNS
	q "SELECT $3 FROM accounts WHERE snapshot_id = $(cur "$1") AND native_id = '$2'"
}
write_conf() {	# write_conf NAME PAGE_SIZE [EXTRA]
	cat >"$CONF" <<CONF
[source "$1"]
type = okta
url = http://127.0.0.1:$PORT
token_env = OKTA_TOKEN
page_size = $2
max_retries = 3
timeout = 10
${3:-}
CONF
}
pull() {	# pull SOURCE [fail]: exit status in RC
	"$ROLLCALL" -d "$DB" -c "$CONF" pull "$1" >"$T/out" 2>"$T/err"
	RC=$?
	cat "$T/out" "$T/err" >>"$T/all"
	[ $RC -eq 0 ] || [ "${2:-}" = fail ] || sed 's/^/# /' "$T/err"
}
lines() { tr '\n' ' ' | sed 's/ $//'; }

: >"$T/all"
"$ROLLCALL" -d "$DB" -c "$T/init.conf" init >/dev/null 2>&1

# --- case 10: Link paging and a 429 --------------------------------------
api_start $D/case10/http-transcript.adjusted.json
write_conf okta-10 2 "parts = users"
pull okta-10
is "10: pull exits 0 through the 429" 0 "$RC"
is "10: exactly 4 requests: p1, p2 -> 429, p2 again, p3 (next links verbatim)" \
    "GET /api/v1/users?limit=2
GET /api/v1/users?after=00u1aaaaaaaaaaaaa002&limit=2
GET /api/v1/users?after=00u1aaaaaaaaaaaaa002&limit=2
GET /api/v1/users?after=00u1aaaaaaaaaaaaa004&limit=2" "$(cat "$T/log")"
is "10: 5 users" "00u1aaaaaaaaaaaaa001 00u1aaaaaaaaaaaaa002 00u1aaaaaaaaaaaaa003 00u1aaaaaaaaaaaaa004 00u1aaaaaaaaaaaaa005" \
    "$(q "SELECT native_id FROM accounts WHERE snapshot_id = $(cur okta-10) ORDER BY native_id" | lines)"
is "10: Dmitri Volkov is SUSPENDED, not active" "SUSPENDED|0|Dmitri Volkov" \
    "$(acct okta-10 00u1aaaaaaaaaaaaa004 "status || '|' || active || '|' || display_name")"
is "10: Elif Demir (page 3 only) is there" "elif.demir@example.com|1" \
    "$(acct okta-10 00u1aaaaaaaaaaaaa005 "login || '|' || active")"
is "10: the parts left out are noted" 4 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $(cur okta-10) AND kind = 'incomplete'")"

# --- an org with everything ----------------------------------------------
api_start $D/acme/http-transcript.json $D/acme/factors.json
write_conf acme-okta 3
pull acme-okta
is "acme: pull exits 0 through a 429, a 503 and a slow page" 0 "$RC"
S1=$(cur acme-okta)
is "acme: every request in order, retries included" \
    "GET /api/v1/users?limit=3
GET /api/v1/users/00u2aaaaaaaaaaaaa001/factors
GET /api/v1/users/00u2aaaaaaaaaaaaa002/factors
GET /api/v1/users/00u2aaaaaaaaaaaaa003/factors
GET /api/v1/users?after=00u2aaaaaaaaaaaaa003&limit=3
GET /api/v1/users?after=00u2aaaaaaaaaaaaa003&limit=3
GET /api/v1/users/00u2aaaaaaaaaaaaa004/factors
GET /api/v1/users/00u2aaaaaaaaaaaaa005/factors
GET /api/v1/users/00u2aaaaaaaaaaaaa006/factors
GET /api/v1/users?filter=status%20eq%20%22DEPROVISIONED%22&limit=3
GET /api/v1/iam/assignees/users?limit=3
GET /api/v1/users/00u2aaaaaaaaaaaaa001/roles
GET /api/v1/groups?limit=3
GET /api/v1/groups?limit=3
GET /api/v1/groups/00g2aaaaaaaaaaaaa001/users?limit=3
GET /api/v1/groups/00g2aaaaaaaaaaaaa001/users?after=00u2aaaaaaaaaaaaa003&limit=3
GET /api/v1/groups/00g2aaaaaaaaaaaaa002/users?limit=3
GET /api/v1/groups?after=00g2aaaaaaaaaaaaa002&limit=3
GET /api/v1/groups/00g2aaaaaaaaaaaaa003/users?limit=3" "$(cat "$T/log")"
is "acme: 7 users, the deprovisioned one included" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $S1")"
is "acme: status, active, MFA, last login per user" \
    "00u2aaaaaaaaaaaaa001|ACTIVE|1|enrolled|2026-11-28T08:00:00.000Z 00u2aaaaaaaaaaaaa002|LOCKED_OUT|1|not_enrolled|never 00u2aaaaaaaaaaaaa003|PASSWORD_EXPIRED|1|not_enrolled|2026-11-28T08:00:00.000Z 00u2aaaaaaaaaaaaa004|SUSPENDED|0|enrolled|2026-11-28T08:00:00.000Z 00u2aaaaaaaaaaaaa005|STAGED|1|not_enrolled|never 00u2aaaaaaaaaaaaa006|PENDING_REVIEW|1|not_enrolled|2026-11-28T08:00:00.000Z 00u2aaaaaaaaaaaaa007|DEPROVISIONED|0|unknown|2026-11-28T08:00:00.000Z" \
    "$(q "SELECT native_id || '|' || status || '|' || active || '|' || mfa || '|' || last_login FROM accounts WHERE snapshot_id = $S1 ORDER BY native_id" | lines)"
is "acme: login, e-mail, second e-mail, name, employee number, created" \
    "alice.moreau@example.com|alice.moreau@example.com|alice@old.example.org|Alice Moreau|E200|2024-06-01T09:00:00.000Z" \
    "$(acct acme-okta 00u2aaaaaaaaaaaaa001 "login || '|' || email || '|' || aliases || '|' || display_name || '|' || employee_id || '|' || created")"
is "acme: profile.displayName wins" "Chen Wu (Ops)" \
    "$(acct acme-okta 00u2aaaaaaaaaaaaa003 display_name)"
is "acme: the unknown status is noted" \
    "unknown_status|user 'finn.lund@example.com': unknown Okta status 'PENDING_REVIEW', counted as active" \
    "$(q "SELECT kind || '|' || detail FROM source_issues WHERE snapshot_id = $S1")"
is "acme: entitlements: 3 groups, 2 privileged roles" \
    "Engineering|group|0 Everyone|group|0 Finance|group|0 Help Desk Administrator|role|1 Super Administrator|role|1" \
    "$(q "SELECT name || '|' || kind || '|' || privileged FROM entitlements WHERE snapshot_id = $S1 ORDER BY name" | lines)"
is "acme: grants" \
    "Everyone|6 Finance|2 Help Desk Administrator|1 Super Administrator|1" \
    "$(q "SELECT e.name || '|' || count(*) FROM grants g JOIN entitlements e ON e.id = g.entitlement_id WHERE g.snapshot_id = $S1 GROUP BY e.name ORDER BY e.name" | lines)"
is "acme: the roles are Alice's" "00u2aaaaaaaaaaaaa001 00u2aaaaaaaaaaaaa001" \
    "$(q "SELECT a.native_id FROM grants g JOIN accounts a ON a.id = g.account_id JOIN entitlements e ON e.id = g.entitlement_id WHERE g.snapshot_id = $S1 AND e.kind = 'role'" | lines)"

# --- factors refused: unknown, never not_enrolled ------------------------
api_start $D/acme/http-transcript.json $D/acme/factors-403.json
write_conf acme-okta 3
pull acme-okta
is "factors 403: pull exits 0" 0 "$RC"
S2=$(cur acme-okta)
is "factors 403: asked once, not per user" 1 "$(grep -c '/factors' "$T/log")"
is "factors 403: MFA unknown for all 7" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $S2 AND mfa = 'unknown'")"
is "factors 403: one incomplete note naming factors" 1 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S2 AND kind = 'incomplete' AND detail LIKE 'factors:%okta.factors.read%'")"

# --- failures mid-listing keep the previous snapshot ---------------------
for f in malformed http500 truncated; do
	api_start $D/acme/fail-$f.json $D/acme/factors.json
	write_conf acme-okta 3
	pull acme-okta fail
	is "fail $f: exit 2" 2 "$RC"
	ok "fail $f: the error names the source and the URL" \
	    grep -q "acme-okta.*http://127.0.0.1:$PORT/api/v1/users?after=00u2aaaaaaaaaaaaa003&limit=3" "$T/err"
	is "fail $f: the previous snapshot stays current" "$S2" "$(cur acme-okta)"
	is "fail $f: recorded as failed" failed \
	    "$(q "SELECT status FROM snapshots WHERE source = 'acme-okta' ORDER BY id DESC LIMIT 1")"
done

# --- a wrong token -------------------------------------------------------
api_start $D/acme/http-transcript.json $D/acme/factors.json
write_conf acme-okta 3
OKTA_TOKEN=00okta-wrong-0000
pull acme-okta fail
OKTA_TOKEN=$TOKEN
is "wrong token: exit 2" 2 "$RC"
is "wrong token: the previous snapshot stays current" "$S2" "$(cur acme-okta)"

sqlite3 "$DB" .dump >"$T/dump"
if grep -q -e "$TOKEN" -e 00okta-wrong-0000 "$T/all" "$T/dump"; then
	is "the token appears in no output and not in the database" absent present
else
	is "the token appears in no output and not in the database" absent absent
fi

# --- configuration errors exit 1 and name file:line (tester's 06, 07) ----
(umask 077 && printf 'x\n' >"$T/cfgtok")
cfg_pull() {	# cfg_pull TYPE KEYS: exit status in RC, stderr in $T/err
	printf '[source "s"]\ntype = %s\n%b' "$1" "$2" >"$T/c.conf"
	"$ROLLCALL" -d "$DB" -c "$T/c.conf" pull s >"$T/out" 2>"$T/err"
	RC=$?
	cat "$T/err" >>"$T/all"
}
cfg_is() {	# cfg_is NAME TYPE KEYS MESSAGE: exit 1 and exactly that line
	cfg_pull "$2" "$3"
	is "config error, $1: exit 1" 1 "$RC"
	is "config error, $1: the message" "$4" "$(cat "$T/err")"
}
U='url = http://127.0.0.1:1\n'
cfg_is "page_size = abc" okta "${U}token_file = cfgtok\npage_size = abc\n" \
    "rollcall: cannot pull 's': $T/c.conf:5: 'page_size' must be a whole number from 1 to 100000 (got 'abc')"
cfg_is "timeout = -1" okta "${U}token_file = cfgtok\ntimeout = -1\n" \
    "rollcall: cannot pull 's': $T/c.conf:5: 'timeout' must be a whole number from 1 to 3600 (got '-1')"
cfg_is "max_retries too large" okta "${U}token_file = cfgtok\nmax_retries = 99999999999\n" \
    "rollcall: cannot pull 's': $T/c.conf:5: 'max_retries' must be a whole number from 0 to 100 (got '99999999999')"
cfg_is "okta without url" okta "token_file = cfgtok\n" \
    "rollcall: cannot pull 's': source 's': okta needs url (the org URL, such as https://acme.okta.com)"
cfg_is "no token_env or token_file" okta "$U" \
    "rollcall: cannot pull 's': source 's': set token_env or token_file"
cfg_is "github without org" github "token_file = cfgtok\n" \
    "rollcall: cannot pull 's': source 's': 'org' is not set"
cfg_is "a token pasted into token_env" okta "${U}token_env = 00aBcD-SECRET-okta-token\n" \
    "rollcall: $T/c.conf:4: [source \"s\"] token_env is not a variable name (is a token written there? it is not shown)"
cfg_is "a password in the url" okta "url = http://admin:SECRET-PASSWORD@127.0.0.1:1\ntoken_file = cfgtok\n" \
    "rollcall: $T/c.conf:3: [source \"s\"] url carries a user name or password before '@': refused (not shown); use username and password_env or token_env"
cfg_pull okta "${U}token_file = 00aBcD-SECRET-okta-token\n"
is "a token pasted into token_file: exit 2, key and line named, value not" \
    "2|rollcall: cannot pull 's': source 's': cannot read the token_file of $T/c.conf:4: No such file or directory (the value is not shown: it does not look like a path)" \
    "$RC|$(cat "$T/err")"
if grep -q SECRET "$T/all"; then
	is "no pasted secret shown in any message" absent present
else
	is "no pasted secret shown in any message" absent absent
fi

tap_done
