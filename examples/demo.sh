#!/bin/sh
# demo.sh: `make demo`: the whole job on examples/, as of 2026-12-03.
# Starts a throw-away slapd on 127.0.0.1 (never the system's), loads
# examples/directory.ldif, then: init, import hr/matrix/sod/overrides/
# exceptions, pull, reconcile, findings, offboard and review open Q4-2026.
# Leaves out/demo.db and the worksheets in out/Q4-2026/.
set -eu

ROLLCALL=${ROLLCALL:-build/rollcall}
AS_OF=2026-12-03
EX=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$EX/.." && pwd)
cd "$TOP"
case $ROLLCALL in /*) ;; *) ROLLCALL=$TOP/$ROLLCALL ;; esac
[ -x "$ROLLCALL" ] || { echo "demo: $ROLLCALL not built (make)" >&2; exit 1; }

. "$TOP/tests/lib/slapd.sh"
FAKEAPI=$TOP/build/tools/fakeapi
[ -x "$FAKEAPI" ] || { echo "demo: $FAKEAPI not built (make demo builds it)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rollcall-demo.XXXXXX")
cleanup() {
	slapd_stop
	command -v api_stop >/dev/null && api_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
	printf '\n== %s\n' "$*"
}

step "directory: slapd on 127.0.0.1 with examples/directory.ldif"
slapd_init "$tmp/slapd"
slapd_add "$EX/directory.ldif"
slapd_add_reader
slapd_start
echo "slapd at $SLAPD_URL (base $SLAPD_BASE)"

step "okta: the Okta API's documented pages, served on 127.0.0.1 from examples/okta/"
T=$tmp API_HOST=https://example-health.okta.com
. "$TOP/tests/lib/fakeapi.sh"
api_start "$EX/okta/http-transcript.json" || exit 2
okta_url=$API_URL
# The demo org's token; a real one lives in a file only rollcall's user reads.
printf '%s\n' 00demo-okta-token-not-a-secret >"$tmp/okta.token"
chmod 600 "$tmp/okta.token"
echo "Okta API at $okta_url"

mkdir -p out
chmod go-w out
db=out/demo.db
conf=$tmp/rollcall.conf
rm -f "$db" "$db-wal" "$db-shm"
rm -rf out/Q4-2026
# The example config, pointed at this slapd and at the files in examples/.
sed -e "s|^url = ldap://.*|url = $SLAPD_URL|" \
    -e "s|^url = https://example-health.okta.com|url = $okta_url|" \
    -e "s|^token_file = .*|token_file = $tmp/okta.token|" \
    -e "s|^bind_password_file = .*|bind_password_file = $SLAPD_READER_PW_FILE|" \
    -e "s|^file = |file = $EX/|" \
    "$EX/rollcall.conf" >"$conf"

rc() {	# rollcall with the demo's database, config and date
	"$ROLLCALL" -d "$db" -c "$conf" --as-of "$AS_OF" "$@"
}

step "init: $db"
rc init
step "import hr examples/hr.csv (BambooHR export)"
rc import hr "$EX/hr.csv"
step "import matrix, sod, overrides, exceptions"
rc import matrix "$EX/matrix.csv"
rc import sod "$EX/sod.csv"
rc import overrides "$EX/overrides.csv"
rc import exceptions "$EX/exceptions.csv"
step "pull: corp-ldap (slapd), billing (CSV export) and okta (SaaS API)"
rc pull
step "reconcile as of $AS_OF"
rc reconcile
step "findings"
rc findings --format table
step "offboard: what terminated people can still use"
status=0
rc offboard || status=$?
# 3: it found leftovers, which the demo data has on purpose
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || exit "$status"
step "review open Q4-2026"
rc review open Q4-2026 --due 2026-12-31 --out out/Q4-2026
ls -l out/Q4-2026
echo
echo "demo: database $db, worksheets in out/Q4-2026/ (index.csv lists them)"
