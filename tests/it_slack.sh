#!/bin/sh
# it_slack.sh: `rollcall pull` of a Slack workspace against
# build/tools/fakeapi replaying tests/data/http/slack/ (shaped as Slack's
# Web API documents it): users.list over five cursor pages with a 429
# (Retry-After: 1), a 503 and a slow page on the way, then usergroups.list;
# a token without users:read.email, has_2fa or usergroups:read (noted
# incomplete, MFA unknown); and the failures: ok:false answers, a malformed
# page, a cut page, a rate limit that does not end, each of which must
# leave the previous snapshot current.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=$(pwd)/build/tools/fakeapi
DATA=$(pwd)/tests/data/http/slack
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip slack "build/tools/fakeapi not built or sqlite3 not installed"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-slack.XXXXXX)
API_HOST=https://slack.com API_LOG=$T/requests.log API_PORT_FILE=$T/port
API_ERR=$T/fakeapi.err
. tests/lib/fakeapi.sh
stop_fake() { api_stop; }
cleanup() {
	stop_fake
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TOKEN=xoxb-rollcall-test-0000-TOKEN
export ROLLCALL_TEST_SLACK_TOKEN="$TOKEN"
DB=$T/rollcall.db
CONF=$T/rollcall.conf
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = 'slack'"; }
acct() {	# acct LOGIN COLUMN: a column of an account of the current snapshot
	q "SELECT $2 FROM accounts WHERE snapshot_id = $(cur) AND login = '$1'"
}
members_of() {	# members_of ENTITLEMENT: logins holding it, space-separated
	q "SELECT a.login FROM grants g JOIN entitlements e ON e.id = g.entitlement_id
	    JOIN accounts a ON a.id = g.account_id
	    WHERE g.snapshot_id = $(cur) AND e.name = '$1' ORDER BY 1" |
	    tr '\n' ' ' | sed 's/ $//'
}
list() { tr '\n' ' ' | sed 's/ $//'; }

start_fake() {	# start_fake TRANSCRIPT...: serve them; sets PORT, URL
	api_start "$@" && URL=$API_URL/api
}

write_conf() {	# write_conf [EXTRA LINES]
	cat >"$CONF" <<CONF
[source "slack"]
type = slack
url = $URL
token_env = ROLLCALL_TEST_SLACK_TOKEN
page_size = 2
max_retries = 3
privileged = usergroup:finance-*
${1:-}
CONF
}

pull() {	# pull: run it, output in $T/out and $T/err, status in $rc
	"$ROLLCALL" -d "$DB" -c "$CONF" pull slack >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/out" "$T/err" >>"$T/all-output"
}

no_token() {	# the token in no output, log or database file
	! grep -q "$TOKEN" "$T/all-output" "$T/requests.log" "$DB" \
	    "$T/fakeapi.err" 2>/dev/null
}

# --- a token with every scope ----------------------------------------------
start_fake "$DATA/workspace.json"
write_conf
"$ROLLCALL" -d "$DB" -c "$CONF" init >/dev/null 2>&1
start=$(date +%s)
pull
took=$(($(date +%s) - start))
is "pull: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
SNAP=$(cur)
is "pull: one snapshot, current" 1 \
    "$(q "SELECT count(*) FROM snapshots WHERE source = 'slack' AND status = 'ok'")"
is "pull: every user of the five pages" 9 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP")"
is "pull: every login" \
    "alice bob carol dave deploy-bot erin.guest frank.guest greta slackbot" \
    "$(q "SELECT login FROM accounts WHERE snapshot_id = $SNAP ORDER BY 1" | list)"
is "pull: native id is the user id" U01ALICE01 "$(acct alice native_id)"
is "pull: email from profile.email" "bob@example.com" "$(acct bob email)"
is "pull: display name" "Carol Chen" "$(acct carol display_name)"
is "pull: deleted user not active" "0|deleted" "$(acct dave "active || '|' || status")"
is "pull: member active" "1|active" "$(acct bob "active || '|' || status")"
is "pull: invited user pending, active" "1|invited" "$(acct greta "active || '|' || status")"
is "pull: active accounts" 8 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND active = 1")"
is "pull: guests are external" "external external" \
    "$(acct erin.guest kind) $(acct frank.guest kind)"
is "pull: bot and Slackbot are service accounts" "service service" \
    "$(acct deploy-bot kind) $(acct slackbot kind)"
is "pull: members are human" "human human" "$(acct alice kind) $(acct greta kind)"
is "pull: has_2fa true" enrolled "$(acct alice mfa)"
is "pull: has_2fa false" not_enrolled "$(acct bob mfa)"
is "pull: guest without 2FA" not_enrolled "$(acct erin.guest mfa)"
is "pull: no has_2fa is unknown" "unknown unknown" \
    "$(acct slackbot mfa) $(acct deploy-bot mfa)"
is "pull: updated is not a last login" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP AND last_login IS NOT NULL")"
is "pull: entitlements" \
    "usergroup:finance-approvers usergroup:oncall workspace:admin workspace:owner workspace:primary_owner" \
    "$(q "SELECT name FROM entitlements WHERE snapshot_id = $SNAP ORDER BY 1" | list)"
is "pull: workspace roles privileged" "role|1 role|1 role|1" \
    "$(q "SELECT kind || '|' || privileged FROM entitlements WHERE snapshot_id = $SNAP AND name LIKE 'workspace:%' ORDER BY name" | list)"
is "pull: user groups privileged by the source's globs" "1 0" \
    "$(q "SELECT privileged FROM entitlements WHERE snapshot_id = $SNAP AND name LIKE 'usergroup:%' ORDER BY name" | list)"
is "pull: user group native id" S01ONCALL1 \
    "$(q "SELECT native_id FROM entitlements WHERE snapshot_id = $SNAP AND name = 'usergroup:oncall'")"
is "pull: admins" "alice carol" "$(members_of workspace:admin)"
is "pull: owners" "alice" "$(members_of workspace:owner)"
is "pull: primary owner" "alice" "$(members_of workspace:primary_owner)"
is "pull: user group members" "alice bob" "$(members_of usergroup:oncall)"
is "pull: user group with a deleted user and a guest" "carol dave erin.guest" \
    "$(members_of usergroup:finance-approvers)"
is "pull: grants" 9 "$(q "SELECT count(*) FROM grants WHERE snapshot_id = $SNAP")"
is "pull: no data-quality notes" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $SNAP")"
# Retry-After: 1, the 503's backoff, a 1.5 s page
ok "pull: waited for Retry-After and the slow page ($took s)" test "$took" -ge 2
cat >"$T/want.log" <<'LOG'
GET /api/users.list?limit=2
GET /api/users.list?limit=2&cursor=dXNlcjpVMDFDQVJPTDAx
GET /api/users.list?limit=2&cursor=dXNlcjpVMDFDQVJPTDAx
GET /api/users.list?limit=2&cursor=dXNlcjpVMDFFUklOMDAx
GET /api/users.list?limit=2&cursor=dXNlcjpVMDFFUklOMDAx
GET /api/users.list?limit=2&cursor=dXNlcjpVU0xBQ0tCT1Q%3D
GET /api/users.list?limit=2&cursor=dXNlcjpVMDFHUkVUQTAx
GET /api/usergroups.list?include_users=true
LOG
ok "pull: exactly the documented requests, in order" \
    cmp -s "$T/want.log" "$T/requests.log"
cmp -s "$T/want.log" "$T/requests.log" || diff "$T/want.log" "$T/requests.log" | sed 's/^/# /'
stop_fake

# --- a token with users:read only ------------------------------------------
start_fake "$DATA/noscope.json"
write_conf
pull
is "users:read only: exit 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
SNAP2=$(cur)
ok "users:read only: a new snapshot" test "$SNAP2" != "$SNAP"
is "users:read only: the users" "alice bob slackbot" \
    "$(q "SELECT login FROM accounts WHERE snapshot_id = $SNAP2 ORDER BY 1" | list)"
is "users:read only: no email" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP2 AND email IS NOT NULL")"
is "users:read only: MFA unknown, never not_enrolled" 3 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $SNAP2 AND mfa = 'unknown'")"
is "users:read only: admin flags still read" "alice" "$(members_of workspace:primary_owner)"
is "users:read only: three parts incomplete" "incomplete|3" \
    "$(q "SELECT kind || '|' || count(*) FROM source_issues WHERE snapshot_id = $SNAP2 GROUP BY kind")"
ok "users:read only: names the email scope" \
    grep -q "users:read.email" "$T/err"
ok "users:read only: names the user group scope" \
    grep -q "usergroups:read" "$T/err"
is "users:read only: no user groups" 0 \
    "$(q "SELECT count(*) FROM entitlements WHERE snapshot_id = $SNAP2 AND name LIKE 'usergroup:%'")"
stop_fake

# --- failures: each leaves the last good snapshot current -----------------
fails() {	# fails NAME WANT_IN_ERR: the pull failed cleanly
	is "$1: exit 2" 2 "$rc"
	ok "$1: says which source" grep -q "'slack'" "$T/err"
	ok "$1: $2" grep -qi -- "$2" "$T/err"
	sed 's/^/# /' "$T/err"
	is "$1: previous snapshot still current" "$SNAP2" "$(cur)"
	is "$1: nothing of it kept" 0 \
	    "$(q "SELECT count(*) FROM accounts a JOIN snapshots s ON s.id = a.snapshot_id WHERE s.status <> 'ok'")"
}
nfailed() { q "SELECT count(*) FROM snapshots WHERE source = 'slack' AND status = 'failed'"; }

start_fake "$DATA/malformed.json"
write_conf
pull
fails "malformed page" "$URL/users.list?limit=2&cursor=dXNlcjpVMDFDQVJPTDAx"
is "malformed page: failed attempt recorded" 1 "$(nfailed)"
stop_fake

start_fake "$DATA/truncated.json"
write_conf
pull
fails "cut page" "$URL/users.list?limit=2&cursor=dXNlcjpVMDFDQVJPTDAx"
stop_fake

start_fake "$DATA/missing-scope.json"
write_conf
pull
fails "ok:false missing_scope" "missing_scope (needs scope users:read)"
ok "ok:false missing_scope: names the URL" grep -q "$URL/users.list" "$T/err"
stop_fake

start_fake "$DATA/invalid-auth.json"
write_conf
pull
fails "ok:false invalid_auth on page 2" "invalid_auth"
stop_fake

start_fake "$DATA/ratelimited.json"
write_conf "max_retries = 2"
sed -i '/^max_retries = 3$/d' "$CONF"
pull
fails "429 that does not end" "rate limited"
stop_fake

start_fake "$DATA/workspace.json"
write_conf
ROLLCALL_TEST_SLACK_TOKEN=xoxb-wrong-wrong-wrong
pull
fails "wrong token" "401"
ok "wrong token: the wrong token is not shown either" \
    sh -c "! grep -q xoxb-wrong '$T/err'"
ROLLCALL_TEST_SLACK_TOKEN=$TOKEN
stop_fake

"$ROLLCALL" -d "$DB" -c "$CONF" snapshots >>"$T/all-output" 2>&1
"$ROLLCALL" -d "$DB" -c "$CONF" sources >>"$T/all-output" 2>&1
ok "token: in no output, request log or database" no_token

tap_done
