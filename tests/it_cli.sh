#!/bin/sh
# it_cli.sh: the command line itself: help, version, exit codes, init,
# config errors naming file:line, the database file mode.
set -u
R=${ROLLCALL:-build/rollcall}
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

"$R" --version >"$T/out" 2>&1
check "--version prints the version" grep -q '^rollcall [0-9]' "$T/out"

"$R" --help >"$T/out" 2>"$T/err"; rc=$?
check "--help exits 0 on stdout" test $rc -eq 0 -a -s "$T/out" -a ! -s "$T/err"

for c in init import pull reconcile findings offboard review snapshots sources verify diff log; do
	"$R" "$c" --help >"$T/out" 2>&1; rc=$?
	check "$c --help exits 0 and shows usage" sh -c \
	    "test $rc -eq 0 && grep -q '^usage: rollcall $c' '$T/out'"
done

"$R" frobnicate >"$T/out" 2>"$T/err"; rc=$?
check "unknown command exits 1" test $rc -eq 1
check "unknown command is named" grep -q "unknown command 'frobnicate'" "$T/err"

"$R" >/dev/null 2>&1; rc=$?
check "no command exits 1" test $rc -eq 1

"$R" --as-of 2026-13-01 snapshots >/dev/null 2>"$T/err"; rc=$?
check "bad --as-of exits 1" test $rc -eq 1

cd "$T" || exit 1
umask 022
"$R" -d "$T/r.db" -c "$T/r.conf" init 2>"$T/err"; rc=$?
check "init exits 0" test $rc -eq 0
check "database is mode 0600" test "$(stat -c %a "$T/r.db")" = 600
check "init writes a sample config" grep -q '^\[source "corp-ldap"\]' "$T/r.conf"
check "sample config holds no secret" sh -c "! grep -qi '^[a-z_]*password *=' '$T/r.conf'"
"$R" -d "$T/r.db" -c "$T/r.conf" init 2>"$T/err"; rc=$?
check "init again keeps the config" sh -c "test $rc -eq 0 && grep -q 'left as it is' '$T/err'"

printf '[source "x"]\ntype = ldap\nurl = ldap://127.0.0.1:9\nbind_password = hunter2\n' >"$T/bad.conf"
"$R" -d "$T/r.db" -c "$T/bad.conf" pull >"$T/out" 2>"$T/err"; rc=$?
check "inline secret: exit 1" test $rc -eq 1
check "inline secret: file:line named" grep -q "bad.conf:4: 'bind_password' must not be written" "$T/err"
check "inline secret: value never printed" sh -c "! grep -q hunter2 '$T/err' '$T/out'"

"$R" -d "$T/r.db" -c "$T/missing.conf" pull >/dev/null 2>"$T/err"; rc=$?
check "-c with a missing file: exit 1" test $rc -eq 1

printf 'not a database, just text\n' >"$T/junk.db"
"$R" -d "$T/junk.db" snapshots >/dev/null 2>"$T/err"; rc=$?
check "a file that is not a database: exit 2, named" sh -c "test $rc -eq 2 && grep -q junk.db '$T/err'"
check "... and left as it was" grep -q '^not a database' "$T/junk.db"

# An unwritable database or folder is named. root writes anywhere, so
# as root the check runs as nobody (if setpriv is there).
AS=
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 &&
	    AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$AS" ]; then
	mkdir "$T/ro" && cp "$T/r.db" "$T/ro/r.db" && chmod 755 "$T"
	chmod 444 "$T/ro/r.db" && chmod 755 "$T/ro"
	$AS "$R" -d "$T/ro/r.db" snapshots >/dev/null 2>"$T/err"; rc=$?
	check "read-only database: exit 2, file named" sh -c "test $rc -eq 2 &&
	    grep -qx \"rollcall: database '$T/ro/r.db' is not writable: Permission denied\" '$T/err'"
	chmod 666 "$T/ro/r.db"
	$AS "$R" -d "$T/ro/r.db" snapshots >/dev/null 2>"$T/err"; rc=$?
	check "unwritable folder: exit 2, database and folder named" sh -c "test $rc -eq 2 &&
	    grep -qF \"rollcall: database '$T/ro/r.db': cannot write in its folder '$T/ro'\" '$T/err'"
	chmod 700 "$T"
else
	echo "skip - read-only database: running as root without setpriv"
fi

"$R" -d "$T/r.db" -c "$T/r.conf" snapshots --format json >"$T/out" 2>"$T/err"; rc=$?
check "snapshots --format json on an empty database" sh -c "test $rc -eq 0 && grep -q '\"snapshots\": \[\]' '$T/out'"

"$R" -d "$T/r.db" -c "$T/nosuch.conf" pull >/dev/null 2>"$T/err"; rc=$?
check "pull -c with no such file: exit 1, says so" sh -c "test $rc -eq 1 &&
    grep -q 'nosuch.conf' '$T/err'"
(cd "$T" && mkdir noconf && cd noconf && "$R" -d "$T/r.db" pull) \
    >/dev/null 2>"$T/err"; rc=$?
check "pull without a config file says it does not exist" sh -c "test $rc -eq 1 &&
    grep -qxF \"rollcall: pull: config file 'rollcall.conf' does not exist (run \\\`rollcall init\\\` for a sample, or give one with -c)\" '$T/err'"

"$R" -d "$T/r.db" -c "$T/r.conf" pull nosuch >/dev/null 2>"$T/err"; rc=$?
check "pull of an unknown source: exit 1" sh -c "test $rc -eq 1 && grep -q \"no source 'nosuch'\" '$T/err'"

for c in findings snapshots sources reconcile offboard "import hr" pull; do
	# shellcheck disable=SC2086
	"$R" -d "$T/typo.db" -c "$T/r.conf" $c >/dev/null 2>"$T/err"; rc=$?
	check "$c on a missing database: exit 2, says init" sh -c "test $rc -eq 2 &&
	    grep -qF \"rollcall: no database at '$T/typo.db' (run \\\`rollcall init\\\` first)\" '$T/err'"
	check "$c on a missing database: no file left behind" test ! -e "$T/typo.db"
done

for c in findings snapshots sources offboard "import hr" "review open" pull; do
	# shellcheck disable=SC2086
	"$R" -d "$T/r.db" -c "$T/r.conf" $c --x >/dev/null 2>"$T/err"; rc=$?
	check "$c --x: exit 1, rollcall: $c: unrecognized option" sh -c "test $rc -eq 1 &&
	    head -n 1 '$T/err' | grep -qxF \"rollcall: $c: unrecognized option '--x'\""
done
"$R" -d "$T/r.db" findings --kind >/dev/null 2>"$T/err"
check "findings --kind without a value says so" grep -qxF \
    "rollcall: findings: option '--kind' requires an argument" "$T/err"
"$R" -d "$T/r.db" findings --all=1 >/dev/null 2>"$T/err"
check "findings --all=1 says it takes no value" grep -qxF \
    "rollcall: findings: option '--all' doesn't allow an argument" "$T/err"
"$R" -d "$T/r.db" findings -z >/dev/null 2>"$T/err"
check "findings -z: invalid option" grep -qxF \
    "rollcall: findings: invalid option -- 'z'" "$T/err"
"$R" --frob >/dev/null 2>"$T/err"
check "rollcall --frob: unrecognized option" grep -qxF \
    "rollcall: unrecognized option '--frob'" "$T/err"

[ $fails -eq 0 ]
