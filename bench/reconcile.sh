#!/bin/sh
# bench/reconcile.sh: `rollcall reconcile` on 100,000 HR people and
# 1,000,000 accounts (CSV imports), next to the sqlite3 shell running the
# equivalent join (employee id, then e-mail case-insensitively) on the same
# database. Prints both times and the ratio.
# BENCH_PEOPLE / BENCH_ACCOUNTS change the size.
set -u
cd "$(dirname "$0")/.." || exit 1
PEOPLE=${BENCH_PEOPLE:-100000}
ACCOUNTS=${BENCH_ACCOUNTS:-1000000}
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
T=$(mktemp -d /tmp/rollcall-bench-rec.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

echo "generating $PEOPLE people and $ACCOUNTS accounts"
awk -v n="$PEOPLE" 'BEGIN {
	print "employee_id,email,first_name,last_name,status,hire_date,termination_date,manager_id,department,title"
	for (i = 1; i <= n; i++) {
		term = (i % 20 == 0) ? "2024-03-31" : ""
		st = term == "" ? "Active" : "Terminated"
		printf "E%06d,person%06d@example.com,First%d,Last%d,%s,2019-01-%02d,%s,E%06d,Dept%d,Title%d\n",
		    i, i, i, i, st, i % 28 + 1, term, (i > 10 ? int(i / 10) : 1), i % 40, i % 100
	}
}' >"$T/hr.csv"
awk -v n="$ACCOUNTS" -v people="$PEOPLE" 'BEGIN {
	print "login,email,name,employee_id,status,mfa,last_login,created,entitlements"
	for (i = 1; i <= n; i++) {
		p = (i - 1) % (people + people / 10) + 1	# some orphans
		# a third by employee id, the rest by e-mail in another case
		eid = (i % 3 == 0 && p <= people) ? sprintf("E%06d", p) : ""
		printf "acct%07d,Person%06d@Example.com,Account %d,%s,%s,%s,2025-%02d-15,2019-01-01,app%d;app%d\n",
		    i, p, i, eid, (i % 50 == 0 ? "disabled" : "active"),
		    (i % 4 == 0 ? "not_enrolled" : "enrolled"), i % 12 + 1, i % 30, i % 7
	}
}' >"$T/accounts.csv"
cat >"$T/rollcall.conf" <<CONF
[source "bulk"]
type = csv
CONF
R="$ROLLCALL -d $T/rollcall.db -c $T/rollcall.conf --as-of 2025-06-30"
$R init >/dev/null 2>&1 || exit 1
t0=$(now)
$R import hr "$T/hr.csv" >/dev/null || exit 2
$R import accounts bulk "$T/accounts.csv" >/dev/null || exit 2
echo "imports: $(elapsed "$t0" "$(now)") s"

t0=$(now)
/usr/bin/time -v -o "$T/time.txt" $R reconcile >"$T/out" 2>&1 || { cat "$T/out"; exit 2; }
t_rollcall=$(elapsed "$t0" "$(now)")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time.txt")

# the baseline: link every current account to a current person, by
# employee id first and then by e-mail, into a table, in one transaction
# (people's primary key and people_by_email are the indexes it uses; SQLite
# refuses a TEMP index on a main table)
t0=$(now)
sqlite3 "$T/rollcall.db" >/dev/null <<'SQL' || exit 2
BEGIN;
CREATE TEMP TABLE cur AS SELECT source, id FROM current_snapshots;
CREATE TEMP TABLE bench_links AS
SELECT a.id AS account_id,
    coalesce(
	(SELECT p.employee_id FROM people p WHERE
	    p.snapshot_id = (SELECT id FROM cur WHERE source = 'hr')
	    AND p.employee_id = a.employee_id),
	(SELECT p.employee_id FROM people p WHERE
	    p.snapshot_id = (SELECT id FROM cur WHERE source = 'hr')
	    AND p.email = a.email COLLATE NOCASE)) AS person_id
FROM accounts a WHERE a.snapshot_id IN (SELECT id FROM cur);
SELECT count(*), count(person_id) FROM bench_links;
COMMIT;
SQL
t_sqlite=$(elapsed "$t0" "$(now)")
ratio=$(echo "scale=2; $t_rollcall / $t_sqlite" | bc)
cat <<OUT
rollcall reconcile: $t_rollcall s (peak RSS $(echo "scale=1; $rss_kb / 1024" | bc) MB)
sqlite3 join:       $t_sqlite s
ratio:              $ratio
OUT
