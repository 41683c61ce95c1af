#!/bin/sh
# it_import.sh: `rollcall import ...` end to end: exit codes, the one-line
# notes, error messages naming file:line:column, and that a failed import
# keeps the previous snapshot current (checked with the sqlite3 shell).
set -u
R=${ROLLCALL:-build/rollcall}
D=$(pwd)/tests/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() {	# name, then a command that must succeed
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
run() {		# rollcall with the test's database and config
	"$R" -d "$T/db" -c "$T/rollcall.conf" "$@" >"$T/out" 2>"$T/err"
}
sql() {
	sqlite3 "$T/db" "$1"
}
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "skip - import: sqlite3 shell not installed"
	exit 0
fi

C15=$D/cases/15-hr-csv-dialects
cp "$C15/adp-us.csv" "$T/hr.csv"
cat >"$T/rollcall.conf" <<'CONF'
[hr]
file = hr.csv
date_format = %m/%d/%Y
id_column = Associate ID
CONF
run init

run import hr; rc=$?
check "import hr with [hr] file exits 0" test $rc -eq 0
check "import hr notes people and snapshot" grep -qx \
    "imported 3 people from $T/hr.csv (snapshot 1)" "$T/err"
check "000456 keeps its zeros, US date read as configured" test \
    "$(sql "SELECT hire_date FROM people WHERE employee_id = '000456'")" \
    = 2026-03-04

printf '[hr]\n' >"$T/rollcall.conf"
run import hr "$D/inputs/hr-rehire.csv"; rc=$?
check "import hr FILE exits 0" test $rc -eq 0
check "rehire rows skipped are counted" grep -qx "imported 3 people from\
 $D/inputs/hr-rehire.csv (snapshot 2, 2 older rehire rows skipped)" "$T/err"

run import hr "$D/inputs/hr-many-errors.csv"; rc=$?
check "bad roster exits 2" test $rc -eq 2
check "bad roster error names file:line:column" grep -qx "rollcall: import\
 hr: $D/inputs/hr-many-errors.csv:3:1: empty employee id (and 2 more\
 errors)" "$T/err"
check "failed import keeps the previous roster current" test \
    "$(sql "SELECT MAX(id) FROM snapshots WHERE source = 'hr' AND
    status = 'ok'")" = 2
check "failed import is on record" test "$(sql "SELECT COUNT(*) FROM
    snapshots WHERE source = 'hr' AND status = 'failed'")" = 1

cat >"$T/rollcall.conf" <<'CONF'
[hr]
delimiter = comma
CONF
run import hr "$C15/bamboohr-de.csv"; rc=$?
check "';' file read as comma exits 2" test $rc -eq 2
check "';' file read as comma: expected columns not found" grep -q \
    "expected columns not found: no employee id column among 1 columns" \
    "$T/err"

printf '[hr]\n' >"$T/rollcall.conf"
run import hr "$C15/adp-us.csv"; rc=$?
check "ambiguous date without date_format exits 2" test $rc -eq 2
check "ambiguous date message says what to set" grep -q \
    "adp-us.csv:2:51: Hire Date: ambiguous date '03/04/2026': set\
 date_format (e.g. %m/%d/%Y or %d/%m/%Y)" "$T/err"

for v in matrix sod overrides exceptions; do
	run import $v "$D/inputs/$v-good.csv"; rc=$?
	check "import $v exits 0" test $rc -eq 0
	run import $v "$D/inputs/$v-bad.csv"; rc=$?
	check "import $v of a bad file exits 2" test $rc -eq 2
	check "import $v error is prefixed and names the file" grep -q \
	    "^rollcall: import $v: $D/inputs/$v-bad.csv:2:" "$T/err"
	check "bad $v keeps the good one current" test "$(sql "SELECT
	    status FROM snapshots WHERE source = '$v' ORDER BY id DESC
	    LIMIT 1")" = failed -a "$(sql "SELECT COUNT(*) FROM snapshots
	    WHERE source = '$v' AND status = 'ok'")" = 1
done
run import matrix "$D/inputs/matrix-good.csv"
check "matrix note counts rules" grep -q "^imported 4 matrix rules from" \
    "$T/err"

printf '[hr]\n[source "legacy"]\ntype = csv\n' >"$T/rollcall.conf"
n0=$(sql "SELECT COUNT(*) FROM snapshots")
run import accounts legcy "$D/inputs/accounts.csv"; rc=$?
check "import accounts into an unconfigured source (a typo) exits 1" \
    test $rc -eq 1
check "unconfigured source: says how to add it" grep -qxF \
    "rollcall: import accounts: no [source \"legcy\"] in $T/rollcall.conf (add one with type = csv)" \
    "$T/err"
check "unconfigured source: nothing recorded" test \
    "$(sql "SELECT COUNT(*) FROM snapshots")" = "$n0"

run import accounts legacy "$D/inputs/accounts.csv"; rc=$?
check "import accounts into a configured csv source exits 0" test $rc -eq 0
check "import accounts records the input's SHA-256" test "$(sql "SELECT
    sha256 FROM snapshots WHERE source = 'legacy' AND status = 'ok'")" = \
    "$(sha256sum "$D/inputs/accounts.csv" | cut -d' ' -f1)"
check "accounts stored with their source" test "$(sql "SELECT COUNT(*)
    FROM accounts WHERE source = 'legacy'")" = 5
check "accounts grants stored" test "$(sql "SELECT COUNT(*) FROM grants
    g JOIN accounts a ON a.id = g.account_id WHERE a.login = 'jdoe'")" = 2
check "unknown status is a data-quality note" test "$(sql "SELECT COUNT(*)
    FROM source_issues WHERE kind = 'unknown_status'")" = 1

cp "$D/inputs/accounts.csv" "$T/legacy-export.csv"
printf '[source "legacy2"]\ntype = csv\nfile = legacy-export.csv\n' >"$T/rollcall.conf"
run pull legacy2; rc=$?
check "pull of a csv source with file exits 0" test $rc -eq 0
check "pull of a csv source records its file's SHA-256" test "$(sql "SELECT
    sha256 FROM snapshots WHERE source = 'legacy2' AND status = 'ok'")" = \
    "$(sha256sum "$D/inputs/accounts.csv" | cut -d' ' -f1)"

cat >"$T/rollcall.conf" <<'CONF'
[source "corp"]
type = ldap
url = ldap://127.0.0.1:1
[source "legacy"]
type = csv
CONF
run import accounts corp "$D/inputs/accounts.csv"; rc=$?
check "import accounts into a non-csv source exits 1" test $rc -eq 1
check "non-csv source is named" grep -q "source 'corp' is of type ldap" \
    "$T/err"

run import accounts legacy "$D/inputs/accounts-bad-mfa.csv"; rc=$?
check "bad accounts file exits 2" test $rc -eq 2
check "bad accounts file names file:line:column" grep -q \
    "accounts-bad-mfa.csv:2:22: mfa must be enrolled" "$T/err"
check "bad accounts file keeps the previous snapshot" test "$(sql "SELECT
    MAX(id) FROM snapshots WHERE source = 'legacy' AND status = 'ok'")" \
    = "$(sql "SELECT MIN(id) FROM snapshots WHERE source = 'legacy'")"

for v in hr matrix sod overrides exceptions HR; do
	n0=$(sql "SELECT COUNT(*) FROM snapshots")
	run import accounts $v "$D/inputs/accounts.csv"; rc=$?
	check "import accounts $v: reserved name, exit 1" sh -c "test $rc -eq 1 &&
	    grep -qF \"rollcall: import accounts: '$v' is reserved for\" '$T/err'"
	check "import accounts $v: nothing recorded" test \
	    "$(sql "SELECT COUNT(*) FROM snapshots")" = "$n0"
done
run import accounts '' "$D/inputs/accounts.csv"; rc=$?
check "import accounts with an empty SOURCE: usage, exit 1" sh -c "test $rc -eq 1 &&
    grep -qx 'rollcall: import accounts: SOURCE must not be empty' '$T/err'"

run import; rc=$?
check "import without a kind exits 1" test $rc -eq 1
run import payroll x.csv; rc=$?
check "unknown import kind exits 1" test $rc -eq 1
run import matrix; rc=$?
check "import matrix without FILE exits 1" test $rc -eq 1
run import hr; rc=$?
check "import hr without FILE or [hr] file exits 1" test $rc -eq 1
for v in hr matrix sod overrides exceptions accounts; do
	run import $v --help; rc=$?
	check "import $v --help exits 0" sh -c "test $rc -eq 0 && grep -q\
	    '^usage: rollcall import $v' '$T/out'"
done

[ $fails -eq 0 ]
