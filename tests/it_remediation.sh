#!/bin/sh
# it_remediation.sh: the CLI end to end for `review remediation`, the
# revocation_pending finding, `diff` and `review open --since-campaign`.
# Decisions and the close are written with sqlite3, as review import and
# review close would leave them (tests/data/remediation/).
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/remediation
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_remediation.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
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
sql() { sqlite3 "$tmp/r.db" "$1"; }
status_is() {	# want, then the command
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "# exit $got, want $want"; \
	    cat "$tmp/err"; return 1; }
}

if ! command -v sqlite3 >/dev/null; then
	echo "skip - remediation: no sqlite3 shell"
	exit 0
fi
for step in "init" "import hr $D/hr.csv" "import accounts app $D/app-1.csv" \
    "review open P --out $tmp/P"; do
	# shellcheck disable=SC2086
	if ! rc $step >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err"
		not_ok "setup: rollcall $step"
		exit 1
	fi
done

# P's decisions: revoke tomas/deploy, kai/reports, rhea/dev; keep tomas/dev.
decide() {	# login, entitlement, decision
	sql "INSERT INTO decisions (campaign_id, item_id, reviewer_id,
	    decision, decided_at, prev_hash, hash) SELECT campaign_id, item_id,
	    'E100', '$3', '2026-12-04T10:00:00Z', 'p', 'h-' || item_id
	    FROM campaign_items WHERE login = '$1' AND entitlement = '$2'"
}
decide tomas deploy revoke
decide tomas dev keep
decide kai reports revoke
decide rhea dev revoke

check "remediation refuses an open campaign (exit 1)" \
    status_is 1 rc review remediation P
sql "UPDATE campaigns SET status = 'closed', closed_at = (SELECT finished_at
    FROM snapshots WHERE id = 2) WHERE name = 'P'"
check "remediation before any pull: not checked, exit 2" \
    status_is 2 rc review remediation P
check "table says which source to pull" \
    grep -q "not checked yet (pull app)" "$tmp/out"
check "remediation of an unknown campaign exits 1" \
    status_is 1 rc review remediation Nope

sleep 1		# the next pull must finish after the close, to the second
check "second pull" status_is 0 rc import accounts app "$D/app-2.csv"
check "remediation with rhea's grant still there: exit 3" \
    status_is 3 rc review remediation P --format json
check "json: deploy done, kai done, rhea pending, with the snapshot" \
    python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["campaign"] == "P", d
s = {(i["login"], i["entitlement"]): i for i in d["items"]}
assert len(s) == 3, s
assert s[("tomas", "deploy")]["state"] == "done"
assert s[("kai", "reports")]["state"] == "done"
assert s[("kai", "reports")]["evidence"] == "account_inactive"
r = s[("rhea", "dev")]
assert r["state"] == "pending" and r["snapshot"] == 3 and r["decision"] == "revoke", r
assert r["checked_at"] and r["item_id"].startswith("RV-"), r
PY
check "findings show the pending revocation" \
    status_is 0 rc findings --kind revocation_pending --format json
check "revocation_pending on rhea, high" python3 - "$tmp/out" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert [(x["kind"], x["login"], x["severity"]) for x in f] == \
    [("revocation_pending", "rhea", "high")], f
PY

check "diff --source app --format json" \
    status_is 0 rc diff --source app --format json
check "diff: status, mfa and grant changes" python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["source"], d["from"], d["to"]) == ("app", 2, 3), d
assert d["accounts_added"] == [] and d["accounts_removed"] == [], d
assert [(x["login"], x["from_status"], x["to_status"], x["to_active"])
    for x in d["status_changed"]] == [("kai", "active", "disabled", False)]
assert [(x["login"], x["from"], x["to"]) for x in d["mfa_changed"]] == \
    [("rhea", "not_enrolled", "enrolled")]
assert [(x["login"], x["entitlement"]) for x in d["grants_removed"]] == \
    [("tomas", "deploy")]
assert d["grants_added"] == []
PY
check "diff of snapshots of two sources exits 1" \
    status_is 1 rc diff --from 1 --to 3

check "review open Q --since-campaign Nope exits 1" \
    status_is 1 rc review open Q --since-campaign Nope --out "$tmp/Q"
check "review open Q --since-campaign P" \
    status_is 0 rc review open Q --since-campaign P --out "$tmp/Q"
check "only tomas/dev (kept, unchanged) is carried" test \
    "$(sql "SELECT i.login || '/' || i.entitlement FROM decisions d
    JOIN campaign_items i ON i.campaign_id = d.campaign_id
    AND i.item_id = d.item_id WHERE d.carried_from = 'P'")" = "tomas/dev"
check "carried item is not new, the rest are" test \
    "$(sql "SELECT group_concat(login || '=' || is_new, ' ') FROM
    (SELECT login, is_new FROM campaign_items WHERE campaign_id =
    (SELECT id FROM campaigns WHERE name = 'Q') ORDER BY login)")" = \
    "rhea=1 tomas=0"

# Without rhea's revoke, everything revoked is gone.
sql "UPDATE decisions SET current = 0 WHERE item_id = (SELECT item_id
    FROM campaign_items WHERE login = 'rhea' AND campaign_id =
    (SELECT id FROM campaigns WHERE name = 'P'))"
check "remediation: all done, exit 0" status_is 0 rc review remediation P
check "table: done with the snapshot that proves it" \
    grep -q "done (grant_gone in snapshot 3, " "$tmp/out"

exit $failed
