# tap.sh: the `ok - name` / `not ok - name` lines tests/run-all.sh counts.
# Source it; `tap_done` at the end exits non-zero when anything failed.
tap_failed=0

# is NAME WANT GOT
is() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '#   want: %s\n#   got:  %s\n' "$2" "$3"
		tap_failed=$((tap_failed + 1))
	fi
}

# ok NAME COMMAND...: the command succeeds
ok() {
	_name=$1
	shift
	if "$@"; then
		echo "ok - $_name"
	else
		echo "not ok - $_name"
		tap_failed=$((tap_failed + 1))
	fi
}

skip() {
	echo "skip - $1: $2"
}

tap_done() {
	[ "$tap_failed" -eq 0 ]
	exit $?
}
