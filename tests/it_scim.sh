#!/bin/sh
# it_scim.sh: `rollcall pull` of type scim against build/tools/fakeapi
# replaying tests/data/http/scim/: case 09's three misbehaving servers
# (capped pages, a wrong totalResults, overlapping pages), a provider with a
# 429, a 503, a slow page, nested groups and a group listed without members;
# then pages that break mid-listing (malformed, 500, cut short, not a
# ListResponse, the same page again) must fail with exit 2 and keep the
# previous snapshot current, and the token never shows.
set -u
. tests/lib/tap.sh

ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
FAKEAPI=${FAKEAPI:-$(pwd)/build/tools/fakeapi}
if [ ! -x "$FAKEAPI" ] || ! command -v sqlite3 >/dev/null; then
	skip scim "build/tools/fakeapi or sqlite3 missing"
	exit 0
fi
D=tests/data/http/scim
T=$(mktemp -d /tmp/rollcall-it-scim.XXXXXX)
API_HOST="https://scim.acme.example.invalid https://scim.app.example.invalid"
API_LOG=$T/log API_PORT_FILE=$T/port
. tests/lib/fakeapi.sh
cleanup() {
	api_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM


DB=$T/rollcall.db
CONF=$T/rollcall.conf
TOKEN=tok-scim-7Hq2xVZ9
export SCIM_TOKEN=$TOKEN
q() { sqlite3 "$DB" "$1"; }
cur() { q "SELECT id FROM current_snapshots WHERE source = '$1'"; }
acct() {	# acct SOURCE NATIVE_ID COLUMNS
	q "SELECT $3 FROM accounts WHERE snapshot_id = $(cur "$1") AND native_id = '$2'"
}
write_conf() {	# write_conf NAME PAGE_SIZE [EXTRA]
	cat >"$CONF" <<CONF
[source "$1"]
type = scim
url = http://127.0.0.1:$PORT/scim/v2
token_env = SCIM_TOKEN
page_size = $2
max_retries = 3
timeout = 10
${3:-}
CONF
}
pull() {	# pull SOURCE: exit status in RC, output in $T/out, $T/err
	"$ROLLCALL" -d "$DB" -c "$CONF" pull "$1" >"$T/out" 2>"$T/err"
	RC=$?
	cat "$T/out" "$T/err" >>"$T/all"
	[ $RC -eq 0 ] || [ "${2:-}" = fail ] || sed 's/^/# /' "$T/err"
}
users_log() { grep '/Users' "$T/log"; }

: >"$T/all"
"$ROLLCALL" -d "$DB" -c "$T/init.conf" init >/dev/null 2>&1

# --- case 09, server A: pages capped at 3 whatever count asks ------------
api_start $D/case09/server-a-capped.http-transcript.json $D/case09-groups.json
write_conf scim-a 100
pull scim-a
is "09 A: pull exits 0" 0 "$RC"
is "09 A: startIndex advances by what arrived, 1-based" \
    "GET /scim/v2/Users?startIndex=1&count=100
GET /scim/v2/Users?startIndex=4&count=100
GET /scim/v2/Users?startIndex=7&count=100" "$(users_log)"
is "09 A: 7 users" 7 "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $(cur scim-a)")"
is "09 A: ids 001..007" "$(seq -f '2819c223-7f76-453a-919d-40000000000%g' 1 7)" \
    "$(q "SELECT native_id FROM accounts WHERE snapshot_id = $(cur scim-a) ORDER BY native_id")"
is "09 A: edda (active: false) is inactive" "0|inactive" \
    "$(acct scim-a 2819c223-7f76-453a-919d-400000000005 "active || '|' || status")"
is "09 A: bea's e-mail is the primary one, the other an alias" \
    "bea.rolfe@example.com|bea2@legacy.example.org" \
    "$(acct scim-a 2819c223-7f76-453a-919d-400000000002 "email || '|' || aliases")"
is "09 A: no data-quality note" 0 \
    "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $(cur scim-a)")"

# --- case 09, server B: totalResults echoes the page length --------------
api_start $D/case09/server-b-wrong-total.http-transcript.json $D/case09-groups.json
write_conf scim-b 5
pull scim-b
is "09 B: pull exits 0" 0 "$RC"
is "09 B: full pages are followed whatever totalResults says" \
    "GET /scim/v2/Users?startIndex=1&count=5
GET /scim/v2/Users?startIndex=6&count=5
GET /scim/v2/Users?startIndex=11&count=5" "$(users_log)"
is "09 B: 12 users" 12 "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $(cur scim-b)")"
is "09 B: the wrong totalResults is noted" \
    "inconsistent|Users: the server's totalResults (2) disagrees with the 12 received" \
    "$(q "SELECT kind || '|' || detail FROM source_issues WHERE snapshot_id = $(cur scim-b)")"

# --- case 09, server C: overlapping pages --------------------------------
api_start $D/case09/server-c-overlap.http-transcript.json $D/case09-groups.json
write_conf scim-c 3
pull scim-c
is "09 C: pull exits 0" 0 "$RC"
is "09 C: startIndex 1, 4, 7, 10; never 0" \
    "GET /scim/v2/Users?startIndex=1&count=3
GET /scim/v2/Users?startIndex=4&count=3
GET /scim/v2/Users?startIndex=7&count=3
GET /scim/v2/Users?startIndex=10&count=3" "$(users_log)"
is "09 C: 8 unique users" 8 "$(q "SELECT count(DISTINCT native_id) || '/' || count(*) FROM accounts WHERE snapshot_id = $(cur scim-c)" | cut -d/ -f2)"
is "09 C: ids 001..008" "$(seq -f '2819c223-7f76-453a-919d-40000000000%g' 1 8)" \
    "$(q "SELECT native_id FROM accounts WHERE snapshot_id = $(cur scim-c) ORDER BY native_id")"
is "09 C: a warning names the repeated ids" \
    "duplicate_id|Users: the server sent 2 resources more than once (pages overlap); kept once: 2819c223-7f76-453a-919d-400000000002, 2819c223-7f76-453a-919d-400000000003" \
    "$(q "SELECT kind || '|' || detail FROM source_issues WHERE snapshot_id = $(cur scim-c)")"
ok "09 C: the warning is printed" grep -q "400000000002, 2819c223-7f76-453a-919d-400000000003" "$T/err"
is "09: per-source counts 7, 12, 8" "scim-a|7 scim-b|12 scim-c|8" \
    "$(q "SELECT s.source || '|' || s.n_records FROM snapshots s JOIN current_snapshots c ON c.id = s.id WHERE s.source LIKE 'scim-_' ORDER BY s.source" | tr '\n' ' ' | sed 's/ $//')"

# --- a provider with retries, a slow page and groups ---------------------
api_start $D/acme/http-transcript.json
write_conf acme-scim 2
start=$(date +%s)
pull acme-scim
end=$(date +%s)
is "acme: pull exits 0 through a 429, a 503 and a slow page" 0 "$RC"
S1=$(cur acme-scim)
is "acme: every request, retries included" \
    "GET /scim/v2/Users?startIndex=1&count=2
GET /scim/v2/Users?startIndex=3&count=2
GET /scim/v2/Users?startIndex=3&count=2
GET /scim/v2/Users?startIndex=3&count=2
GET /scim/v2/Users?startIndex=5&count=2
GET /scim/v2/Groups?startIndex=1&count=2
GET /scim/v2/Groups/g2?attributes=members
GET /scim/v2/Groups?startIndex=3&count=2" "$(cat "$T/log")"
ok "acme: the retries waited (Retry-After: 1, twice) and the slow page" \
    test $((end - start)) -ge 3
is "acme: 5 users" 5 "$(q "SELECT count(*) FROM accounts WHERE snapshot_id = $S1")"
is "acme: formatted name, primary mail, employee number, created" \
    "ana.lind|ana.lind@example.com||Ana Lind|1|active|E100|2024-02-01T10:00:00Z" \
    "$(acct acme-scim a1 "login || '|' || email || '|' || ifnull(aliases, '') || '|' || display_name || '|' || active || '|' || status || '|' || employee_id || '|' || created")"
is "acme: given + family; the others are aliases" \
    "bo.rask@example.com|bo@old.example.org;bo.home@example.net|Bo Rask|E101" \
    "$(acct acme-scim a2 "email || '|' || aliases || '|' || display_name || '|' || employee_id")"
is "acme: no primary: the first e-mail; displayName; inactive" \
    "cy.mott@example.com|cy@example.org|Cy Mott|0|inactive" \
    "$(acct acme-scim a3 "email || '|' || aliases || '|' || display_name || '|' || active || '|' || status")"
is "acme: no active attribute: active, status unset" "1|null|null|null" \
    "$(acct acme-scim a4 "active || '|' || ifnull(status, 'null') || '|' || ifnull(email, 'null') || '|' || ifnull(display_name, 'null')")"
is "acme: MFA and last login unknown (lastModified is not a login)" "5|5" \
    "$(q "SELECT sum(mfa = 'unknown') || '|' || sum(last_login IS NULL) FROM accounts WHERE snapshot_id = $S1")"
is "acme: 3 groups" "Admins|group|g2 Engineering|group|g1 Oncall|group|g3" \
    "$(q "SELECT name || '|' || kind || '|' || native_id FROM entitlements WHERE snapshot_id = $S1 ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"
is "acme: grants, Admins' members fetched, Oncall nested in Engineering" \
    "a5|Admins|1 a1|Engineering|1 a2|Engineering|1 a3|Engineering|0 a3|Oncall|1" \
    "$(q "SELECT a.native_id || '|' || e.name || '|' || g.direct FROM grants g JOIN accounts a ON a.id = g.account_id JOIN entitlements e ON e.id = g.entitlement_id WHERE g.snapshot_id = $S1 ORDER BY e.name, a.native_id" | tr '\n' ' ' | sed 's/ $//')"
is "acme: no data-quality note" 0 "$(q "SELECT count(*) FROM source_issues WHERE snapshot_id = $S1")"

# --- failures mid-listing keep the previous snapshot ---------------------
for f in malformed http500 truncated notlist error200 noresources sameagain; do
	api_start $D/acme/fail-$f.json
	write_conf acme-scim 2
	pull acme-scim fail
	is "fail $f: exit 2" 2 "$RC"
	ok "fail $f: the error names the source and the URL" \
	    grep -q "acme-scim.*http://127.0.0.1:$PORT/scim/v2/Users?startIndex=3&count=2" "$T/err"
	is "fail $f: the previous snapshot stays current" "$S1" "$(cur acme-scim)"
	is "fail $f: recorded as failed, with the URL" "failed|1" \
	    "$(q "SELECT status || '|' || (error LIKE '%127.0.0.1:$PORT/scim/v2/Users%') FROM snapshots WHERE source = 'acme-scim' ORDER BY id DESC LIMIT 1")"
done
ok "fail sameagain: says the server ignores startIndex" grep -q "ignore startIndex" "$T/err"

# --- a SCIM Error sent with 200 on the first page: not an empty source ----
api_start $D/acme/error200-first.json
write_conf acme-scim 2
pull acme-scim fail
is "error body first: exit 2" 2 "$RC"
ok "error body first: names source, URL, status and detail" grep -q \
    "acme-scim (http://127.0.0.1:$PORT/scim/v2/Users?startIndex=1&count=2): the server answered with a SCIM Error (status 403: not allowed)" \
    "$T/err"
is "error body first: the previous snapshot stays current" "$S1" "$(cur acme-scim)"

# --- a provider that is really empty: totalResults 0, Resources left out --
api_start $D/acme/empty.json
write_conf empty-scim 2
pull empty-scim
is "empty provider: exit 0" 0 "$RC"
is "empty provider: a good snapshot of no accounts" "ok|0" \
    "$(q "SELECT status || '|' || n_records FROM snapshots WHERE source = 'empty-scim' ORDER BY id DESC LIMIT 1")"

# --- redirects: within the origin followed, to another refused -----------
api_start $D/acme/redirect-same.json
write_conf empty-scim 2
pull empty-scim
is "redirect within the origin: followed, exit 0" 0 "$RC"
is "redirect within the origin: the moved listing fetched with the token" \
    "GET /scim/v2/moved/Users?startIndex=1&count=2" \
    "$(grep moved "$T/log")"
api_start $D/acme/redirect-other.json
write_conf acme-scim 2
pull acme-scim fail
is "redirect to another origin: exit 2" 2 "$RC"
ok "redirect to another origin: names both URLs, without the userinfo" grep -qF \
    "http://127.0.0.1:$PORT/scim/v2/Users?startIndex=1&count=2 redirects (302) to http://other.example.invalid:8443/scim/v2/Users?startIndex=1&count=2, another host or port" \
    "$T/err"
is "redirect to another origin: the previous snapshot stays current" "$S1" "$(cur acme-scim)"
if grep -q SECRET-PW-302 "$T/all"; then
	is "redirect to another origin: the Location's password not shown" absent present
else
	is "redirect to another origin: the Location's password not shown" absent absent
fi

# --- a wrong token -------------------------------------------------------
api_start $D/acme/http-transcript.json
write_conf acme-scim 2
SCIM_TOKEN=tok-wrong-0000
pull acme-scim fail
SCIM_TOKEN=$TOKEN
is "wrong token: exit 2" 2 "$RC"
is "wrong token: the previous snapshot stays current" "$S1" "$(cur acme-scim)"
is "wrong token: one request, no retry" 1 "$(grep -c ' 401$' "$T/log")"

# --- the token never shows -----------------------------------------------
sqlite3 "$DB" .dump >"$T/dump"
if grep -q -e "$TOKEN" -e tok-wrong-0000 "$T/all" "$T/dump"; then
	is "the token appears in no output and not in the database" absent present
else
	is "the token appears in no output and not in the database" absent absent
fi

tap_done
