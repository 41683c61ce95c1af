#!/bin/sh
# it_no_roster.sh: without an HR roster, findings, reconcile, offboard and
# review open all fail alike (exit 2, "no HR roster imported") rather than
# call every account an orphan or report a clean result; with a roster but
# no account source, findings says so.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/review
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_no_roster.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
failed=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }

rc() {
	"$ROLLCALL" -d "$tmp/$db" -c "$D/rollcall.conf" --as-of 2026-12-03 "$@"
}

db=accounts-only.db
if ! rc init >/dev/null 2>&1 || ! rc import accounts okta "$D/okta-accounts.csv" >/dev/null 2>"$tmp/err"
then
	cat "$tmp/err"
	not_ok "setup: import accounts"
	exit 1
fi
for cmd in findings reconcile offboard "review open Q1 --out $tmp/q1"; do
	# shellcheck disable=SC2086
	rc $cmd >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status -eq 2 ] &&
	    grep -qF "no HR roster imported (rollcall import hr FILE)" \
	    "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "no HR roster: ${cmd%% --out*} exits 2 and says so"
	else
		cat "$tmp/err"
		not_ok "no HR roster: ${cmd%% --out*} exits 2 and says so (got $status)"
	fi
done
if [ -e "$tmp/q1" ]; then
	not_ok "no HR roster: review open writes no worksheet folder"
else
	ok "no HR roster: review open writes no worksheet folder"
fi

db=roster-only.db
if ! rc init >/dev/null 2>&1 || ! rc import hr "$D/hr.csv" >/dev/null 2>"$tmp/err"; then
	cat "$tmp/err"
	not_ok "setup: import hr"
	exit 1
fi
rc findings >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 0 ] &&
    grep -qF "no accounts pulled or imported yet" "$tmp/err"; then
	ok "roster but no accounts: findings says so on stderr"
else
	cat "$tmp/err"
	not_ok "roster but no accounts: findings says so on stderr (got $status)"
fi
exit $failed
