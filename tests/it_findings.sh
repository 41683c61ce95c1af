#!/bin/sh
# it_findings.sh: reconcile, findings and offboard end to end on a small
# database (tests/data/reconcile/small.sql, loaded with the sqlite3 shell):
# exit codes, JSON, CSV and table output.
set -u
: "${ROLLCALL:=$(pwd)/build/rollcall}"
data=$(pwd)/tests/data/reconcile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; failed=1; }
# check NAME EXPECTED_RC CMD...: run, keep stdout/stderr in $tmp/out, err
check() {
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name (exit $rc)"
	else
		notok "$name: exit $rc, want $want"
		sed 's/^/#   /' "$tmp/err"
	fi
}
# has NAME STRING FILE: FILE contains STRING (fixed string)
has() {
	if grep -qF -- "$2" "$3"; then ok "$1"; else
		notok "$1: no '$2' in:"; sed 's/^/#   /' "$3"; fi
}
hasnt() {
	if grep -qF -- "$2" "$3"; then notok "$1: '$2' in $3"; else ok "$1"; fi
}

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "skip - it_findings: sqlite3 shell not installed"
	exit 0
fi

db=$tmp/rc.db
rc_() { "$ROLLCALL" -d "$db" -c "$data/rollcall.conf" --as-of 2026-12-01 "$@"; }

# rollcall creates the schema; the data goes in with the shell
rc_ init >/dev/null 2>&1 || { notok "init"; exit 1; }
check "reconcile on an empty database: no HR roster" 2 rc_ reconcile
has "no HR roster: says which import is missing" \
    "no HR roster imported (rollcall import hr FILE)" "$tmp/err"
sqlite3 "$db" <"$data/small.sql" || { notok "load small.sql"; exit 1; }

check "reconcile" 0 rc_ reconcile
has "reconcile summary on stderr" \
    "reconcile as of 2026-12-01: 7 accounts, 4 linked, 6 findings (2 terminated_active, 3 orphan, 1 over_privileged), 1 suppressed" \
    "$tmp/err"

check "findings json" 0 rc_ findings --format json
has "json: header" '{"as_of":"2026-12-01","findings":[' "$tmp/out"
has "json: terminated_active first, with its evidence" \
    '{"as_of":"2026-12-01","findings":[{"kind":"terminated_active","severity":"critical","source":"okta","login":"ben.ortiz@example.com","person_id":"E2","entitlement":null,"detail":{"rule":"normalized_email","person_id":"E2","termination_date":"2026-11-01","hr_status":"Terminated","account_status":"ACTIVE","entitlements":["admin"]}}' \
    "$tmp/out"
has "json: external orphan" \
    '{"kind":"orphan","severity":"high","source":"okta","login":"guest@partner.test","person_id":null,"entitlement":null,"detail":{"external":true,' \
    "$tmp/out"
has "json: over_privileged with the person's role" \
    '{"kind":"over_privileged","severity":"medium","source":"okta","login":"ada.moss@example.com","person_id":"E1","entitlement":"deploy","detail":{"rule":"email","person_id":"E1","department":"Engineering","title":"Engineer","job_code":"J1","matrix":"no matrix row","privileged":false,"grant":{"direct":true}}}' \
    "$tmp/out"
hasnt "json: suppressed no_mfa left out" '"kind":"no_mfa"' "$tmp/out"
has "unchecked source said once on stderr" \
    "over_privileged not checked for sources the role matrix does not mention: wiki" "$tmp/err"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["findings"]) == 6 else 1)' "$tmp/out" 2>/dev/null; then
	ok "json parses, 6 findings"
else
	notok "json parses, 6 findings"
fi

check "--all shows the suppressed one" 0 rc_ findings --format json --all
has "--all: marked" '"kind":"no_mfa","severity":"medium","source":"okta","login":"ada.moss@example.com"' "$tmp/out"
has "--all: suppressed_by" '"suppressed_by":{"line":2,"entitlement":null,"reason":"token on order","approved_by":"E9","expires":"2026-12-31"}' "$tmp/out"

check "--fail-on critical" 3 rc_ findings --format json --fail-on critical
check "--fail-on high, only medium listed" 0 rc_ findings --kind over_privileged --fail-on high
check "--fail-on medium, medium listed" 3 rc_ findings --kind over_privileged --fail-on medium
check "--fail-on low, suppressed only" 0 rc_ findings --kind no_mfa --fail-on low
check "--severity high" 0 rc_ findings --severity high --format csv
hasnt "--severity high: no medium" ',medium,' "$tmp/out"
has "--severity high: critical in" 'terminated_active,critical,okta' "$tmp/out"
check "--source filter" 0 rc_ findings --source WIKI --format csv
has "csv header" "kind,severity,source,login,person_id,entitlement,detail" "$tmp/out"
hasnt "--source: okta left out" ',okta,' "$tmp/out"
has "csv: formula defused" "orphan,high,wiki,'=cmd|calc,,," "$tmp/out"
has "csv: detail quoted" ',"{""external"":false,' "$tmp/out"

check "table" 0 rc_ findings
has "table: external orphan labelled" "orphan (external)" "$tmp/out"
has "table: header" "SEVERITY  KIND" "$tmp/out"
has "table: summary per kind" "3 orphan" "$tmp/err"
has "table: suppressed counted" "1 suppressed by exceptions" "$tmp/err"

check "bad --kind" 1 rc_ findings --kind nonsense
has "bad --kind named" "rollcall: --kind: unknown kind 'nonsense'" "$tmp/err"
check "bad --format" 1 rc_ findings --format xml
check "bad --severity" 1 rc_ findings --severity severe
has "bad --severity named" "rollcall: --severity: 'severe' is not low" "$tmp/err"
check "bad --fail-on" 1 rc_ findings --fail-on severe
has "bad --fail-on named" "rollcall: --fail-on: 'severe' is not low" "$tmp/err"
check "--source of an unknown source" 1 rc_ findings --source nosuch
has "--source: unknown source named" "rollcall: findings: --source: unknown source 'nosuch'" "$tmp/err"
hasnt "--source: unknown source is not 'no findings'" "no findings" "$tmp/err"
check "--source hr is not an account source" 1 rc_ findings --source hr
has "--source hr: says why" "'hr' is not an account source" "$tmp/err"
check "snapshots --source of an unknown source" 1 rc_ snapshots --source nosuch
has "snapshots --source: named" "rollcall: snapshots: --source: unknown source 'nosuch'" "$tmp/err"
check "snapshots --source hr" 0 rc_ snapshots --source hr
has "snapshots --source hr lists the roster" "hr.csv" "$tmp/out"
check "findings --all (table)" 0 rc_ findings --all
has "--all: suppressed counted" "1 suppressed by exceptions" "$tmp/err"
hasnt "--all: no '(--all shows them)'" "--all shows them" "$tmp/err"
check "findings without --all" 0 rc_ findings
has "without --all: says --all shows them" "1 suppressed by exceptions (--all shows them)" "$tmp/err"

# tables sized to the data: a long source name keeps the columns aligned
sqlite3 "$db" "INSERT INTO snapshots (source, kind, started_at, status, error) VALUES ('a-very-long-source-name-for-alignment', 'csv', '2026-11-30T09:00:00Z', 'failed', 'boom')"
for c in sources snapshots; do
	check "$c table" 0 rc_ $c
	col=$(awk 'NR == 1 { print index($0, "RECORDS") + 7 }' "$tmp/out")
	if awk -v c="$col" 'NR > 1 && /^ *[^ ]/ && substr($0, c - 1, 1) !~ /[0-9]/ { bad = 1 } END { exit bad }' "$tmp/out"; then
		ok "$c: RECORDS column aligned under a long name"
	else
		notok "$c: RECORDS column not aligned"; sed 's/^/#   /' "$tmp/out"
	fi
done
sqlite3 "$db" "DELETE FROM snapshots WHERE source = 'a-very-long-source-name-for-alignment'"

# staleness: a new snapshot makes findings reconcile again
n1=$(sqlite3 "$db" "SELECT COUNT(*) FROM reconciles")
check "findings with the reconcile current" 0 rc_ findings --format json
n2=$(sqlite3 "$db" "SELECT COUNT(*) FROM reconciles")
sqlite3 "$db" "INSERT INTO snapshots (source, kind, started_at, status) VALUES ('crm', 'csv', '2026-12-01T00:00:00Z', 'ok')"
check "findings after a new snapshot" 0 rc_ findings --format json
n3=$(sqlite3 "$db" "SELECT COUNT(*) FROM reconciles")
if [ "$n1" -eq "$n2" ] && [ "$n3" -eq $((n2 + 1)) ]; then
	ok "reconciles only when stale ($n1 $n2 $n3)"
else
	notok "reconciles only when stale ($n1 $n2 $n3)"
fi

check "offboard finds leftovers" 3 rc_ offboard --format json
has "offboard json" \
    '{"as_of":"2026-12-01","leftovers":[{"person_id":"E2","terminated_on":"2026-11-01","days_since":30,"source":"okta","login":"ben.ortiz@example.com","status":"ACTIVE","entitlements":["admin"]},{"person_id":"E2","terminated_on":"2026-11-01","days_since":30,"source":"wiki","login":"ben","status":"active","entitlements":[]}],"upcoming":[{"person_id":"E3","terminates_on":"2026-12-05","days_until":4,"accounts":1}]}' \
    "$tmp/out"
check "offboard --person clean" 0 rc_ offboard --person E1
check "offboard --person unknown" 1 rc_ offboard --person E404
check "offboard --since after the termination" 0 rc_ offboard --since 2026-11-02
check "offboard table" 3 rc_ offboard
has "offboard table: upcoming apart" "Upcoming terminations (next 14 days, information only):" "$tmp/out"
has "offboard table: entitlements" "admin" "$tmp/out"
check "offboard as of the termination day" 0 rc_ --as-of 2026-11-01 offboard --format json
has "offboard upcoming on the day" '"upcoming":[{"person_id":"E2","terminates_on":"2026-11-01","days_until":0,"accounts":2}' "$tmp/out"

"$ROLLCALL" -q -d "$tmp/empty.db" -c "$data/rollcall.conf" init
check "offboard without a roster" 2 "$ROLLCALL" -d "$tmp/empty.db" -c "$data/rollcall.conf" offboard

exit $failed
