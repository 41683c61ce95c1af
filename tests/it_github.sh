#!/bin/sh
# it_github.sh: `rollcall pull` of a GitHub organization against
# build/tools/fakeapi replaying tests/data/http/github/ (shaped as GitHub's
# REST API documents it): members over three Link-paged pages, the 2FA
# audit filter, owners, outside collaborators, teams and their members; a
# 429 and a 403 that are rate limits (x-ratelimit-remaining 0, reset 1 s
# after Date), a 503, a slow answer; then a token that may not use the 2FA
# filter (MFA unknown, noted incomplete), and the failures: a malformed
# page, a cut page, a rate limit that does not end, a timeout and a wrong
# token, each of which must leave the previous snapshot current.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=$(pwd)/build/tools/fakeapi
DATA=$(pwd)/tests/data/http/github
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip github "build/tools/fakeapi not built or sqlite3 not installed"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-github.XXXXXX)
API_HOST=https://api.github.com API_LOG=$T/requests.log API_PORT_FILE=$T/port
API_ERR=$T/fakeapi.err
. tests/lib/fakeapi.sh
stop_fake() { api_stop; }
cleanup() {
	stop_fake
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TOKEN=ghp_rollcallTEST0000000000000000000000
DB=$T/rollcall.db
CONF=$T/rollcall.conf
(umask 077 && printf '%s\n' "$TOKEN" >"$T/token")
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'gh'"; }
acct() {	# acct LOGIN COLUMN: a column of an account of the current snapshot
	q "SELECT $2 FROM accounts WHERE snapshot_id = $(cur) AND login = '$1'"
}
members_of() {	# members_of ENTITLEMENT: logins holding it, space-separated
	q "SELECT a.login FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
	    JOIN accounts a ON a.id = g.account_id
	    WHERE g.snapshot_id = $(cur) AND e.name = '$1' ORDER BY 1" |
	    tr '\n' ' ' | sed 's/ $//'
}

start_fake() {	# start_fake TRANSCRIPT...: serve them; sets PORT, URL
	api_start "$@" && URL=$API_URL
}

write_conf() {	# write_conf [EXTRA LINES]
	cat >"$CONF" <<CONF
[source "gh"]
type = github
url = $URL
org = acme-labs
token_file = $T/token
page_size = 2
max_retries = 3
identity_file = $DATA/identities.csv
privileged = team:security-*
${1:-}
CONF
}

pull() {	# pull: run it, output in $T/out and $T/err, status in $rc
	"$ROLLCALL" -d "$DB" -c "$CONF" pull gh >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/out" "$T/err" >>"$T/all-output"
}

no_token() {	# the token in no output, log or database file
	! grep -q "$TOKEN" "$T/all-output" "$T/requests.log" "$DB" \
	    "$T/fakeapi.err" 2>/dev/null
}

# --- an organization owner's token: everything readable -------------------
start_fake "$DATA/mfa.json" "$DATA/members.json" "$DATA/rest.json"
write_conf
"$ROLLCALL" -d "$DB" -c "$CONF" init >/dev/null 2>&1
start=$(date +%s)
pull
took=$(($(date +%s) - start))
is "pull: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
SNAP=$(cur)
is "pull: one snapshot, current" 1 \
    "$(q "SELECT count(*) FROM snapshots WHERE source = 'gh' AND status = 'ok'")"
is "pull: origin names the organization" "$URL/orgs/acme-labs" \
    "$(q "SELECT origin FROM snapshots WHERE id = $SNAP")"
is "pull: members and outside collaborators" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP")"
is "pull: every login" \
    "acme-release-bot bob-builder carol-ops dave-dev frank-contractor grace-auditor octo-alice" \
    "$(q "SELECT login FROM accounts WHERE snapshot_id = $SNAP ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "pull: native id is the numeric id" 1001 "$(acct octo-alice native_id)"
is "pull: last page's member" 1005 "$(acct acme-release-bot native_id)"
is "pull: members active" "1|active" "$(acct carol-ops "active || '|' || status")"
is "pull: every account active" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND active = 1")"
is "pull: member is human" human "$(acct octo-alice kind)"
is "pull: type Bot is a service account" service "$(acct acme-release-bot kind)"
is "pull: outside collaborators are external" "external external" \
    "$(acct frank-contractor kind) $(acct grace-auditor kind)"
is "pull: member with 2FA" enrolled "$(acct octo-alice mfa)"
is "pull: members listed by 2fa_disabled" "not_enrolled not_enrolled" \
    "$(acct bob-builder mfa) $(acct dave-dev mfa)"
is "pull: outside collaborator without 2FA" not_enrolled "$(acct frank-contractor mfa)"
is "pull: outside collaborator with 2FA" enrolled "$(acct grace-auditor mfa)"
is "pull: no MFA unknown" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND mfa = 'unknown'")"
is "pull: email from identity_file" "alice@example.com" "$(acct octo-alice email)"
is "pull: employee id from identity_file" "E1002" "$(acct bob-builder employee_id)"
is "pull: identity matched case-insensitively" "carol@example.com" "$(acct carol-ops email)"
is "pull: no identity, no email" "" "$(acct dave-dev email)"
is "pull: entitlements" "org:admin team:docs team:platform team:security-admins" \
    "$(q "SELECT name FROM entitlements WHERE snapshot_id = $SNAP ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "pull: org:admin is a privileged role" "role|1" \
    "$(q "SELECT kind || '|' || privileged FROM entitlements WHERE snapshot_id = $SNAP AND name = 'org:admin'")"
is "pull: team privileged by the source's globs" "1 0" \
    "$(q "SELECT privileged FROM entitlements WHERE snapshot_id = $SNAP AND name = 'team:security-admins'") $(q "SELECT privileged FROM entitlements WHERE snapshot_id = $SNAP AND name = 'team:platform'")"
is "pull: team native id is the numeric id" 501 \
    "$(q "SELECT native_id FROM entitlements WHERE snapshot_id = $SNAP AND name = 'team:platform'")"
is "pull: owners" "carol-ops octo-alice" "$(members_of org:admin)"
is "pull: team over two pages" "bob-builder carol-ops octo-alice" "$(members_of team:platform)"
is "pull: one-member team" "carol-ops" "$(members_of team:security-admins)"
is "pull: empty team" "" "$(members_of team:docs)"
is "pull: grants" 6 "$(q "SELECT count(*) FROM grants WHERE snapshot_id = $SNAP")"
is "pull: all grants direct" 6 \
    "$(q "SELECT count(*) FROM grants WHERE snapshot_id = $SNAP AND direct = 1")"
is "pull: no data-quality notes" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $SNAP")"
# 429 (1 s), 403 rate limit (1 s), 503 (backoff), slow page (1.5 s)
ok "pull: waited for the rate limits and the slow page ($took s)" \
    test "$took" -ge 3
cat >"$T/want.log" <<'LOG'
GET /orgs/acme-labs/members?filter=2fa_disabled&per_page=2
GET /orgs/acme-labs/outside_collaborators?filter=2fa_disabled&per_page=2
GET /orgs/acme-labs/members?per_page=2
GET /organizations/9001/members?per_page=2&page=2
GET /organizations/9001/members?per_page=2&page=2
GET /organizations/9001/members?per_page=2&page=3
GET /orgs/acme-labs/outside_collaborators?per_page=2
GET /orgs/acme-labs/members?role=admin&per_page=2
GET /orgs/acme-labs/members?role=admin&per_page=2
GET /orgs/acme-labs/teams?per_page=2
GET /orgs/acme-labs/teams?per_page=2
GET /organizations/9001/teams?per_page=2&page=2
GET /orgs/acme-labs/teams/platform/members?per_page=2
GET /organizations/9001/team/501/members?per_page=2&page=2
GET /orgs/acme-labs/teams/security-admins/members?per_page=2
GET /orgs/acme-labs/teams/docs/members?per_page=2
LOG
ok "pull: exactly the documented requests, in order" \
    cmp -s "$T/want.log" "$T/requests.log"
cmp -s "$T/want.log" "$T/requests.log" || diff "$T/want.log" "$T/requests.log" | sed 's/^/# /'
stop_fake

# --- a member's token: the 2FA filter is for owners only -------------------
start_fake "$DATA/mfa-denied.json" "$DATA/members.json" "$DATA/rest.json"
write_conf
pull
is "not owner: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
SNAP2=$(cur)
ok "not owner: a new snapshot" test "$SNAP2" != "$SNAP"
is "not owner: every account still there" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP2")"
is "not owner: MFA unknown for all, never not_enrolled" 7 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP2 AND mfa = 'unknown'")"
is "not owner: both parts noted incomplete" "incomplete|2" \
    "$(q "SELECT kind || '|' || count(*) FROM source_issues WHERE snapshot_id = $SNAP2 GROUP BY kind")"
ok "not owner: the note names the filter" \
    grep -q "2fa_disabled" "$T/err"
is "not owner: owners still read" "carol-ops octo-alice" "$(members_of org:admin)"
stop_fake

# --- failures: each leaves the last good snapshot current -----------------
fails() {	# fails NAME WANT_IN_ERR: the pull failed cleanly
	is "$1: exit 2" 2 "$rc"
	ok "$1: says which source" grep -q "'gh'" "$T/err"
	ok "$1: $2" grep -qi -- "$2" "$T/err"
	sed 's/^/# /' "$T/err"
	is "$1: previous snapshot still current" "$SNAP2" "$(cur)"
	is "$1: nothing of it kept" 0 \
	    "$(q "SELECT count(*) FROM accounts a JOIN snapshots s ON s.id = a.snapshot_id WHERE s.status <> 'ok'")"
}
nfailed() { q "SELECT count(*) FROM snapshots WHERE source = 'gh' AND status = 'failed'"; }

start_fake "$DATA/mfa.json" "$DATA/members-malformed.json"
write_conf
pull
fails "malformed page" "$URL/organizations/9001/members?per_page=2&page=2"
is "malformed page: failed attempt recorded" 1 "$(nfailed)"
stop_fake

start_fake "$DATA/mfa.json" "$DATA/members-truncated.json"
write_conf
pull
fails "cut page" "$URL/organizations/9001/members?per_page=2&page=2"
stop_fake

start_fake "$DATA/mfa.json" "$DATA/members-rate-limit-spent.json"
write_conf "max_retries = 2"
sed -i '/^max_retries = 3$/d' "$CONF"
pull
fails "rate limit that does not end" "rate limit"
ok "rate limit that does not end: not taken for a permission" \
    sh -c "! grep -qi 'incomplete' '$T/err'"
stop_fake

start_fake "$DATA/mfa.json" "$DATA/members-slow.json"
write_conf "timeout = 1
max_retries = 0"
sed -i "/^max_retries = 3$/d" "$CONF"
pull
fails "slow answer past the timeout" "$URL/orgs/acme-labs/members?per_page=2"
stop_fake

start_fake "$DATA/mfa.json"
write_conf
printf 'ghp_wrongwrongwrongwrongwrongwrong00\n' >"$T/token"
pull
fails "wrong token" "401"
ok "wrong token: the wrong token is not shown either" \
    sh -c "! grep -q ghp_wrong '$T/err'"
printf '%s\n' "$TOKEN" >"$T/token"
stop_fake

"$ROLLCALL" -d "$DB" -c "$CONF" snapshots >>"$T/all-output" 2>&1
"$ROLLCALL" -d "$DB" -c "$CONF" sources >>"$T/all-output" 2>&1
ok "token: in no output, request log or database" no_token

# config errors: no org
cat >"$CONF" <<CONF
[source "gh"]
type = github
url = http://127.0.0.1:9
token_file = $T/token
CONF
pull
is "no org: a configuration error, exit 1" 1 "$rc"
ok "no org: says so" grep -q "'org' is not set" "$T/err"

tap_done
