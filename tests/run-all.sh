#!/bin/sh
# Run the unit test binaries (plain, then under ASan+UBSan) and the
# integration scripts tests/it_*.sh; print one closing line
# "N passed, N failed, N skipped" and exit non-zero if anything failed.
# Usage: run-all.sh [--unit-only] PLAIN_TESTS... -- ASAN_TESTS...
set -u
unit_only=0
if [ "${1:-}" = "--unit-only" ]; then
	unit_only=1
	shift
fi
passed=0 failed=0 skipped=0
failed_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_cmocka() {	# $1 name; parses cmocka's summary lines from $log
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

for t in "$@"; do
	[ "$t" = "--" ] && { export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; continue; }
	echo "== $t"
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count_cmocka
	if [ $rc -ne 0 ]; then
		if ! grep -q '^\[  FAILED  \]' "$log"; then
			failed=$((failed + 1))	# crashed or sanitizer report
		fi
		failed_names="$failed_names $t"
	fi
done

if [ $unit_only -eq 0 ]; then
	for s in tests/it_*.sh; do
		[ -f "$s" ] || continue
		echo "== $s"
		ROLLCALL=$(pwd)/build/rollcall sh "$s" >"$log" 2>&1
		rc=$?
		cat "$log"
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
		k=$(grep -c '^skip ' "$log")
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + k))
		if [ $rc -ne 0 ]; then
			[ "$f" -eq 0 ] && failed=$((failed + 1))
			failed_names="$failed_names $s"
		fi
	done
fi

echo
[ -n "$failed_names" ] && echo "failing:$failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$failed_names" ]
