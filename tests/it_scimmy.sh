#!/bin/sh
# it_scimmy.sh: `rollcall pull` of type scim against a real, independent
# SCIM 2.0 server: SCIMMY + scimmy-routers on express (tests/scimmy/),
# seeded with 2,500 users and a 1,200-member group. Checks exact counts and
# sample values against what server.js seeds.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	skip scimmy "node/npm not installed"
	exit 0
fi
if ! command -v sqlite3 >/dev/null; then
	skip scimmy "sqlite3 not installed"
	exit 0
fi
T=$(mktemp -d /tmp/rollcall-it-scimmy.XXXXXX)
SRV_PID=
cleanup() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The packages are cached in tests/scimmy/node_modules (gitignored).
if ! (cd tests/scimmy && npm install --no-audit --no-fund >"$T/npm.log" 2>&1); then
	sed 's/^/# /' "$T/npm.log"
	skip scimmy "npm install failed (offline?)"
	exit 0
fi

TOKEN=scimmy-tok-$$-Xc81
export SCIMMY_TOKEN=$TOKEN
node tests/scimmy/server.js >"$T/port" 2>"$T/server.err" &
SRV_PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
PORT=$(head -n 1 "$T/port")
if [ -z "$PORT" ]; then
	sed 's/^/# /' "$T/server.err"
	is "scimmy: the server starts" started failed
	tap_done
fi

DB=$T/rollcall.db
CONF=$T/rollcall.conf
cat >"$CONF" <<CONF
[source "scimmy"]
type = scim
url = http://127.0.0.1:$PORT/scim/v2
token_env = SCIMMY_TOKEN
timeout = 30
; SCIMMY builds every user per request: fewer, larger pages are faster.
; Past the end (startIndex=2501) it answers with page 1 again, which the
; connector must take as the end, not as new users or a loop.
page_size = 500
CONF
q() { sqlite3 "$DB" "$1"; }
"$ROLLCALL" -d "$DB" -c "$CONF" init >/dev/null 2>&1
"$ROLLCALL" -d "$DB" -c "$CONF" pull scimmy >"$T/out" 2>"$T/err"
rc=$?
is "scimmy: pull exits 0" 0 "$rc"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
S=$(q "SELECT id FROM current_snapshots WHERE source = 'scimmy'")
acct() { q "SELECT $2 FROM accounts WHERE snapshot_id = $S AND native_id = '$1'"; }

is "scimmy: 2,500 users, none twice" "2500|2500" \
    "$(q "SELECT count(*) || '|' || count(DISTINCT native_id) FROM accounts WHERE snapshot_id = $S")"
is "scimmy: every 10th user is inactive" 250 \
    "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $S AND active = 0")"
is "scimmy: 3 groups" "Admins Big Group Parent" \
    "$(q "SELECT name FROM entitlements WHERE snapshot_id = $S ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"
is "scimmy: the big group has 1,200 members" 1200 \
    "$(q "SELECT count(*) FROM grants g JOIN entitlements e ON e.id = g.entitlement_id WHERE g.snapshot_id = $S AND e.name = 'Big Group'")"
is "scimmy: Parent holds Admins' members through nesting" "u00002 u00003 u00004" \
    "$(q "SELECT a.native_id FROM grants g JOIN entitlements e ON e.id = g.entitlement_id JOIN accounts a ON a.id = g.account_id WHERE g.snapshot_id = $S AND e.name = 'Parent' AND g.direct = 0 ORDER BY a.native_id" | tr '\n' ' ' | sed 's/ $//')"
is "scimmy: user 1: login, e-mail, name, active, employee number" \
    "user00001|user00001@example.com|Given00001 Family00001|1|E00001" \
    "$(acct u00001 "login || '|' || email || '|' || display_name || '|' || active || '|' || employee_id")"
is "scimmy: user 7: the primary e-mail, not the first; the other an alias" \
    "user00007@example.com|alias00007@example.org" \
    "$(acct u00007 "email || '|' || aliases")"
is "scimmy: user 2,500: inactive" "user02500|0|inactive" \
    "$(acct u02500 "login || '|' || active || '|' || status")"
is "scimmy: no data-quality note" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S")"
sqlite3 "$DB" .dump >"$T/dump"
if grep -q "$TOKEN" "$T/out" "$T/err" "$T/dump"; then
	is "scimmy: the token appears in no output and not in the database" absent present
else
	is "scimmy: the token appears in no output and not in the database" absent absent
fi

tap_done
