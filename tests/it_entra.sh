#!/bin/sh
# it_entra.sh: `rollcall pull` of an entra source against build/tools/fakeapi
# replaying Microsoft Graph transcripts (tests/data/http/entra/): the MFA
# report behind a 429, three pages of users behind a 503 and a slow answer,
# transitive group members, directory roles; then a tenant without the
# premium license or AuditLog.Read.All (unknown, noted), a 400 naming
# signInActivity, and the failures that must keep the last snapshot.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=${FAKEAPI:-$(pwd)/build/tools/fakeapi}
D=$(pwd)/tests/data/http/entra
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip entra "build/tools/fakeapi or sqlite3 missing"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-entra.XXXXXX)
API_HOST=https://graph.microsoft.com
. tests/lib/fakeapi.sh
cleanup() {
	api_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TOKEN=tok-entra-7c1e42
(umask 077 && printf '%s\n' "$TOKEN" >"$T/token")
DB=$T/rollcall.db
CONF=$T/rollcall.conf
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'aad'"; }
write_conf() {
	cat >"$CONF" <<CONF
[source "aad"]
type = entra
tenant = 00000000-0000-4000-8000-00000000c0de
url = $API_URL
token_file = $T/token
page_size = 2
max_retries = 3
CONF
}
pull() {	# pull TRANSCRIPT: rc in $rc, output in $T/out $T/err
	api_start "$@" || return 1
	write_conf
	"$ROLLCALL" -d "$DB" -c "$CONF" pull aad >"$T/out" 2>"$T/err"
	rc=$?
	api_stop
	cat "$T/out" "$T/err" "$T/api.log" >>"$T/all-output"
}
SEL='$select=id,userPrincipalName,mail,displayName,accountEnabled,employeeId,createdDateTime,userType'
GUEST='lee.park_partner.example.org#EXT#@contoso.onmicrosoft.com'

"$ROLLCALL" -d "$DB" -c /dev/null init >/dev/null 2>&1

# 1. Everything, through a 429, a 503 and a slow page.
start=$(date +%s)
pull "$D/full.json"
end=$(date +%s)
is "full: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
is "full: 14 requests, none unmatched" "14 0" \
    "$(wc -l <"$T/api.log" | tr -d ' ') $(grep -c UNMATCHED "$T/api.log")"
is "full: waited for Retry-After and the slow page" 1 \
    "$([ $((end - start)) -ge 3 ] && echo 1 || echo 0)"
S=$(cur)
is "full: accounts, statuses, kinds, MFA, last login" \
"a1f0c3d2-0000-4000-8000-000000000001|ivy.chen@example.com|ivy.chen@example.com|Ivy Chen|enabled|1|enrolled|2026-12-01T09:00:00Z|E3001|human
a1f0c3d2-0000-4000-8000-000000000002|jon.reyes@example.com|jon.reyes@example.com|Jon Reyes|enabled|1|not_enrolled|never||human
a1f0c3d2-0000-4000-8000-000000000003|kai.moreau@example.com|kai.moreau@example.com|Kai Moreau|disabled|0|not_enrolled|2026-09-01T10:00:00Z|E3003|human
a1f0c3d2-0000-4000-8000-000000000004|$GUEST|lee.park@partner.example.org|Lee Park (Partner)|enabled|1|enrolled|2026-11-02T15:30:00Z||external
a1f0c3d2-0000-4000-8000-000000000005|max.olsen@example.com|max.olsen@example.com|Max Olsen|enabled|1|unknown|2026-10-10T10:00:00Z|E3005|human" \
    "$(q "SELECT native_id, login, email, display_name, status, active, mfa,
	last_login, employee_id, kind FROM accounts WHERE snapshot_id = $S
	ORDER BY native_id")"
is "full: entitlements" \
"c0ffee00-0000-4000-8000-000000000001|Finance Approvers|group|0
c0ffee00-0000-4000-8000-000000000002|All Staff|group|0
f1000000-0000-4000-8000-000000000001|role:Global Administrator|role|1
f1000000-0000-4000-8000-000000000002|role:User Administrator|role|1" \
    "$(q "SELECT native_id, name, kind, privileged FROM entitlements
	WHERE snapshot_id = $S ORDER BY native_id")"
is "full: grants (transitive members direct; groups, devices, apps left out)" \
"ivy.chen@example.com|Finance Approvers
ivy.chen@example.com|role:Global Administrator
jon.reyes@example.com|All Staff
jon.reyes@example.com|role:User Administrator
kai.moreau@example.com|All Staff
$GUEST|All Staff
max.olsen@example.com|Finance Approvers" \
    "$(q "SELECT a.login, e.name FROM grants g
	JOIN accounts a ON a.id = g.account_id
	JOIN entitlements e ON e.id = g.entitlement_id
	WHERE g.snapshot_id = $S ORDER BY a.login, e.name")"
is "full: no data-quality notes" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S")"

# 2. No premium license and no AuditLog.Read.All: unknown, and said so.
pull "$D/unlicensed.json"
is "unlicensed: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
S2=$(cur)
is "unlicensed: asked again without signInActivity" \
"GET /v1.0/users?$SEL,signInActivity&\$top=2
GET /v1.0/users?$SEL&\$top=2" \
    "$(grep '^GET /v1.0/users' "$T/api.log")"
is "unlicensed: MFA and last login unknown for all" "5|unknown|" \
    "$(q "SELECT count(*), group_concat(DISTINCT mfa), group_concat(DISTINCT last_login)
	FROM accounts WHERE snapshot_id = $S2")"
is "unlicensed: two incomplete notes" \
"incomplete|MFA registration (every account's MFA is unknown) not read: HTTP 403 from $API_URL/v1.0/reports/authenticationMethods/userRegistrationDetails (needs AuditLog.Read.All and a Reports Reader role)
incomplete|last sign-in (signInActivity; last login is unknown) not read: HTTP 403 from $API_URL/v1.0/users?$SEL,signInActivity&\$top=2 (needs AuditLog.Read.All and an Entra ID P1 or P2 tenant)" \
    "$(q "SELECT kind, detail FROM source_issues WHERE snapshot_id = $S2 ORDER BY detail")"

pull "$D/signin400.json"
is "signInActivity 400: exit 0" 0 "$rc"
S3=$(cur)
is "signInActivity 400: last login unknown, MFA from the report" \
"a1f0c3d2-0000-4000-8000-000000000001|unknown|
a1f0c3d2-0000-4000-8000-000000000003|not_enrolled|
a1f0c3d2-0000-4000-8000-000000000004|enrolled|" \
    "$(q "SELECT native_id, mfa, last_login FROM accounts WHERE snapshot_id = $S3
	AND native_id IN ('a1f0c3d2-0000-4000-8000-000000000001',
	'a1f0c3d2-0000-4000-8000-000000000003',
	'a1f0c3d2-0000-4000-8000-000000000004') ORDER BY native_id")"
is "signInActivity 400: one note" 1 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S3
	AND detail LIKE 'last sign-in (signInActivity%HTTP 400%'")"

# 3. Failures keep the last good snapshot current.
fail_case() {	# fail_case NAME TRANSCRIPT
	pull "$2"
	is "$1: exit 2" 2 "$rc"
	is "$1: the previous snapshot stays current" "$S3" "$(cur)"
	n=$(grep -c "^rollcall: .*'aad'.*$API_URL/v1.0/users" "$T/err")
	is "$1: error names the source and URL" 1 "$n"
	[ "$n" = 1 ] || sed 's/^/# /' "$T/err"
	is "$1: the failure is recorded" failed \
	    "$(q "SELECT status FROM snapshots WHERE source = 'aad' ORDER BY id DESC LIMIT 1")"
}
fail_case "malformed page" "$D/malformed.json"
fail_case "truncated page" "$D/truncated.json"
fail_case "looping nextLink" "$D/loop.json"
fail_case "users 403" "$D/unauthorized.json"

# 4. The token is nowhere: not in any output, log or database.
is "the token appears in no output" 0 "$(grep -c "$TOKEN" "$T/all-output")"
is "the token is not in the database" 0 "$(grep -ac "$TOKEN" "$DB")"
tap_done
