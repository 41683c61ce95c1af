#!/bin/sh
# bench/run.sh (`make bench`): `rollcall pull` against a local slapd with
# 100,000 users and 1,000 groups, next to `ldapsearch -E pr=1000/noprompt`
# dumping the same entries to /dev/null. Prints both times, the ratio and
# rollcall's peak RSS. Targets: ratio <= 1.5, peak RSS < 100 MB.
# BENCH_USERS / BENCH_GROUPS / BENCH_GROUP_SIZE change the size.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib/slapd.sh

USERS=${BENCH_USERS:-100000}
GROUPS=${BENCH_GROUPS:-1000}
GROUP_SIZE=${BENCH_GROUP_SIZE:-100}
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
T=$(mktemp -d /tmp/rollcall-bench.XXXXXX)
cleanup() {
	slapd_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

echo "generating $USERS users, $GROUPS groups of $GROUP_SIZE members"
awk -v users="$USERS" -v groups="$GROUPS" -v group_size="$GROUP_SIZE" \
    -v locked_every=50 -f tests/tools/gen-ldif.awk >"$T/dir.ldif" || exit 1
slapd_init "$T/slapd" || exit 1
t0=$(now)
slapd_add "$T/dir.ldif" || exit 1
slapd_add_reader || exit 1
echo "slapadd: $(elapsed "$t0" "$(now)") s"
slapd_start || exit 1

cat >"$T/rollcall.conf" <<CONF
[source "bench"]
type = ldap
url = $SLAPD_URL
bind_dn = $SLAPD_READER_DN
bind_password_file = $SLAPD_READER_PW_FILE
base = ou=people,dc=example,dc=com
group_base = ou=groups,dc=example,dc=com
page_size = 1000
CONF
"$ROLLCALL" -d "$T/rollcall.db" -c "$T/rollcall.conf" init >/dev/null 2>&1 || exit 1

# warm the server's cache once so neither side pays for the first read
ldapsearch -x -H "$SLAPD_URL" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
    -E pr=1000/noprompt -b dc=example,dc=com '(objectClass=*)' >/dev/null

# the baseline: the same three searches, same attributes, to /dev/null
t0=$(now)
for f in '(&(objectClass=inetOrgPerson)(!(pwdAccountLockedTime=*)))' \
    '(&(objectClass=inetOrgPerson)(pwdAccountLockedTime=*))'; do
	ldapsearch -x -H "$SLAPD_URL" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
	    -E pr=1000/noprompt -b ou=people,dc=example,dc=com "$f" \
	    entryUUID uid mail employeeNumber cn createTimestamp >/dev/null || exit 1
done
ldapsearch -x -H "$SLAPD_URL" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
    -E pr=1000/noprompt -b ou=groups,dc=example,dc=com \
    '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))' \
    entryUUID cn member uniqueMember memberUid >/dev/null || exit 1
t_ldapsearch=$(elapsed "$t0" "$(now)")

t0=$(now)
/usr/bin/time -v -o "$T/time.txt" "$ROLLCALL" -d "$T/rollcall.db" \
    -c "$T/rollcall.conf" pull bench >"$T/out" 2>&1 || { cat "$T/out"; exit 2; }
t_rollcall=$(elapsed "$t0" "$(now)")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time.txt")
accounts=$(sqlite3 "$T/rollcall.db" "SELECT count(*) FROM accounts")
grants=$(sqlite3 "$T/rollcall.db" "SELECT count(*) FROM grants")

ratio=$(echo "scale=2; $t_rollcall / $t_ldapsearch" | bc)
rss_mb=$(echo "scale=1; $rss_kb / 1024" | bc)
cat <<OUT
entries:            $accounts accounts, $GROUPS groups, $grants grants
ldapsearch (paged): $t_ldapsearch s
rollcall pull:      $t_rollcall s
ratio:              $ratio (target <= 1.5)
peak RSS:           $rss_mb MB (target < 100 MB)
OUT
fail=0
[ "$(echo "$ratio <= 1.5" | bc)" -eq 1 ] || { echo "ratio above target"; fail=1; }
[ "$rss_kb" -lt 102400 ] || { echo "peak RSS above target"; fail=1; }
exit $fail
