#!/bin/sh
# it_google.sh: `rollcall pull` of a google source against build/tools/fakeapi
# replaying Directory API transcripts (tests/data/http/google/): three pages
# of users behind a 429, a 503 and a slow answer, nested and paged groups,
# admin roles; then a refused part (incomplete), the failures that must
# keep the last snapshot (malformed, truncated, looping pages, 403), and
# case 13 (2SV enrolment vs enforcement, suspended/archived, "never") through
# reconcile.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=${FAKEAPI:-$(pwd)/build/tools/fakeapi}
D=$(pwd)/tests/data/http/google
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip google "build/tools/fakeapi or sqlite3 missing"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-google.XXXXXX)
API_HOST=https://admin.googleapis.com
. tests/lib/fakeapi.sh
cleanup() {
	api_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TOKEN=tok-google-5f3a9c
(umask 077 && printf '%s\n' "$TOKEN" >"$T/token")
DB=$T/rollcall.db
CONF=$T/rollcall.conf
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'gws'"; }
write_conf() {	# write_conf PAGE_SIZE
	cat >"$CONF" <<CONF
[source "gws"]
type = google
url = $API_URL
token_file = $T/token
page_size = $1
max_retries = 3
CONF
}
pull() {	# pull TRANSCRIPT...: runs the pull, rc in $rc, output in $T/out $T/err
	api_start "$@" || return 1
	write_conf 2
	"$ROLLCALL" -d "$DB" -c "$CONF" pull gws >"$T/out" 2>"$T/err"
	rc=$?
	api_stop
	cat "$T/out" "$T/err" "$T/api.log" >>"$T/all-output"
}
U=/admin/directory/v1/users?customer=my_customer\&maxResults=2\&orderBy=email\&projection=basic

"$ROLLCALL" -d "$DB" -c /dev/null init >/dev/null 2>&1

# 1. The whole listing, through a 429, a 503 and a slow page.
start=$(date +%s)
pull "$D/full.json"
end=$(date +%s)
is "full: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
is "full: the requests, in order (429 and 503 retried)" \
"GET $U
GET $U
GET $U&pageToken=tok-u2
GET $U&pageToken=tok-u2
GET $U&pageToken=tok-u3
GET /admin/directory/v1/groups?customer=my_customer&maxResults=2
GET /admin/directory/v1/groups/02ab00000000001/members?maxResults=2
GET /admin/directory/v1/groups/02ab00000000002/members?maxResults=2
GET /admin/directory/v1/groups/02ab00000000002/members?maxResults=2&pageToken=tok-m2
GET /admin/directory/v1/customer/my_customer/roles?maxResults=2
GET /admin/directory/v1/customer/my_customer/roleassignments?maxResults=2" \
    "$(cat "$T/api.log")"
is "full: waited for Retry-After and the slow page" 1 \
    "$([ $((end - start)) -ge 3 ] && echo 1 || echo 0)"
S=$(cur)
is "full: accounts, statuses, MFA, last login, employee id, aliases" \
"amara.diaz@example.com|118000000000000000001|Amara Diaz|active|1|enrolled|2026-11-30T10:00:00.000Z|2021-03-01T09:00:00.000Z|E2001|amara@example.org;a.diaz@example.com|human
bo.tanaka@example.com|118000000000000000002|Bo Tanaka|active|1|not_enrolled|never|2026-11-01T08:00:00.000Z|E2002||human
cy.okafor@example.com|118000000000000000003|Cy Okafor|suspended|0|not_enrolled|2026-11-30T10:00:00.000Z|2021-03-01T09:00:00.000Z|||human
dee.varga@example.com|118000000000000000004|Dee Varga|archived|0|enrolled|2026-11-30T10:00:00.000Z|2021-03-01T09:00:00.000Z|||human
eli.novak@example.com|118000000000000000005|Eli Novak|active|1|unknown|2026-06-01T12:00:00.000Z|2021-03-01T09:00:00.000Z|||human" \
    "$(q "SELECT login, native_id, display_name, status, active, mfa,
	last_login, created, employee_id, aliases, kind FROM accounts
	WHERE snapshot_id = $S ORDER BY login")"
is "full: entitlements and privileged flags" \
"02ab00000000001|eng@example.com|group|0
02ab00000000002|staff@example.com|group|0
role:9170516996784130|role:_GROUPS_ADMIN_ROLE|role|1
role:delegated_admin|role:delegated_admin|role|1
role:super_admin|role:super_admin|role|1" \
    "$(q "SELECT native_id, name, kind, privileged FROM entitlements
	WHERE snapshot_id = $S ORDER BY native_id")"
is "full: grants, nested through staff@ into eng@" \
"amara.diaz@example.com|eng@example.com|1|
amara.diaz@example.com|role:super_admin|1|
bo.tanaka@example.com|eng@example.com|0|eng@example.com <- staff@example.com <- bo.tanaka@example.com
bo.tanaka@example.com|role:_GROUPS_ADMIN_ROLE|1|
bo.tanaka@example.com|role:delegated_admin|1|
bo.tanaka@example.com|staff@example.com|1|
cy.okafor@example.com|eng@example.com|0|eng@example.com <- staff@example.com <- cy.okafor@example.com
cy.okafor@example.com|staff@example.com|1|
eli.novak@example.com|eng@example.com|0|eng@example.com <- staff@example.com <- eli.novak@example.com
eli.novak@example.com|staff@example.com|1|" \
    "$(q "SELECT a.login, e.name, g.direct, g.path FROM grants g
	JOIN accounts a ON a.id = g.account_id
	JOIN entitlements e ON e.id = g.entitlement_id
	WHERE g.snapshot_id = $S ORDER BY a.login, e.name")"
is "full: the CUSTOMER member is noted, not dropped" \
"incomplete|group 02ab00000000002 has every user of the account as a member (type CUSTOMER); not expanded" \
    "$(q "SELECT kind, detail FROM source_issues WHERE snapshot_id = $S")"

# 2. Role assignments refused: the pull works and says what it missed.
pull "$D/roles403.json"
is "roles 403: exit 0" 0 "$rc"
S2=$(cur)
is "roles 403: a new snapshot" 1 "$([ "$S2" -gt "$S" ] && echo 1 || echo 0)"
is "roles 403: one incomplete note naming the part and the URL" 1 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S2
	AND kind = 'incomplete' AND detail LIKE 'admin role assignments not read: HTTP 403 from $API_URL/admin/directory/v1/customer/my_customer/roleassignments%rolemanagement.readonly%'")"
is "roles 403: isAdmin still gives super admin" \
    "amara.diaz@example.com|role:super_admin" \
    "$(q "SELECT a.login, e.name FROM grants g
	JOIN accounts a ON a.id = g.account_id
	JOIN entitlements e ON e.id = g.entitlement_id
	WHERE g.snapshot_id = $S2 AND e.privileged = 1 AND e.name = 'role:super_admin'")"

# 3. Failures keep the last good snapshot current.
fail_case() {	# fail_case NAME TRANSCRIPT WHAT...: exit 2, error, S2 current
	pull "$2"
	is "$1: exit 2" 2 "$rc"
	is "$1: the previous snapshot stays current" "$S2" "$(cur)"
	is "$1: error names the source and URL" 1 \
	    "$(grep -c "^rollcall: .*'gws'.*$API_URL/admin/directory/v1/users" "$T/err")"
	[ "$(grep -c "^rollcall: .*'gws'.*$API_URL/admin/directory/v1/users" "$T/err")" = 1 ] ||
	    sed 's/^/# /' "$T/err"
	is "$1: the failure is recorded" failed \
	    "$(q "SELECT status FROM snapshots WHERE source = 'gws' ORDER BY id DESC LIMIT 1")"
}
fail_case "malformed page" "$D/malformed.json"
fail_case "truncated page" "$D/truncated.json"
fail_case "looping page token" "$D/loop.json"
is "looping page token: the repeated token is not followed" 1 \
    "$(grep -c 'pageToken=tok-u2' "$T/api.log")"
fail_case "users 403" "$D/unauthorized.json"
fail_case "error envelope sent with 200" "$D/error200.json"
ok "error envelope sent with 200: says what the server said" grep -q \
    "not a Directory API list (no \"users\" and no \"kind\") (Not Authorized to access this resource/api)" \
    "$T/err"

# 4. Case 13: 2SV enrolment, suspended and archived, "never".
DB13=$T/case13.db
"$ROLLCALL" -d "$DB13" -c /dev/null init >/dev/null 2>&1
api_start "$D/case13/http-transcript.json" "$D/case13-rest.json"
write_conf 3
"$ROLLCALL" -d "$DB13" -c "$CONF" pull gws >"$T/out" 2>"$T/err"
rc=$?
api_stop
cat "$T/out" "$T/err" "$T/api.log" >>"$T/all-output"
is "case 13: pull exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
is "case 13: three user requests" 3 "$(grep -c '^GET /admin/directory/v1/users' "$T/api.log")"
is "case 13: the isEnrolledIn2Sv query is never made" 0 \
    "$(grep -c 'isEnrolledIn2Sv' "$T/api.log")"
is "case 13: nothing unmatched" 0 "$(grep -c 'UNMATCHED' "$T/api.log")"
is "case 13: 8 users, active, MFA and last login as expected.md" \
"ana.lima@example.com|1|enrolled|2026-12-01
ben.okoro@example.com|1|not_enrolled|2026-12-02
chloe.renard@example.com|0|not_enrolled|2026-10-31
dario.sandoval@example.com|0|not_enrolled|2026-10-14
eva.holt@example.com|1|not_enrolled|2026-12-03
finn.moss@example.com|1|enrolled|never
gia.romano@example.com|1|enrolled|never
hal.ives@example.com|1|enrolled|2026-08-15" \
    "$(sqlite3 "$DB13" "SELECT login, active, mfa, substr(last_login, 1, 10)
	FROM accounts WHERE snapshot_id = (SELECT id FROM current_snapshots
	WHERE source = 'gws') ORDER BY login")"
"$ROLLCALL" -d "$DB13" -c "$CONF" import hr "$D/case13/hr-roster.csv" \
    >>"$T/all-output" 2>&1
is "case 13: import hr" 0 $?
"$ROLLCALL" -d "$DB13" -c "$CONF" --as-of 2026-12-03 reconcile \
    >>"$T/all-output" 2>&1
is "case 13: reconcile" 0 $?
# DESIGN.md: a terminated person's account gets terminated_active alone,
# so hal.ives is not also dormant (the case's expected.md lists both).
is "case 13: findings" \
"dormant|gia.romano@example.com|low
no_mfa|ben.okoro@example.com|medium
no_mfa|eva.holt@example.com|high
terminated_active|hal.ives@example.com|critical" \
    "$(sqlite3 "$DB13" "SELECT kind, login, severity FROM findings
	WHERE reconcile_id = (SELECT MAX(id) FROM reconciles)
	ORDER BY kind, login")"

# 5. The token is nowhere: not in any output, log or database.
is "the token appears in no output" 0 \
    "$(grep -c "$TOKEN" "$T/all-output")"
is "the token is not in the databases" 0 \
    "$(cat "$DB" "$DB13" | grep -ac "$TOKEN")"
tap_done
