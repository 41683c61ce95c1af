#!/bin/sh
# it_evidence.sh: `review close`, the evidence pack, `verify` and the audit
# trail (`log`) end to end. tests/data/evidence/decide.py stands in for
# `review import` (signed files and chained decisions straight into the
# database) so that this runs whatever state that command is in.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/evidence
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_evidence.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
. "$(pwd)/tests/lib/tap.sh"

if ! command -v python3 >/dev/null 2>&1; then
	skip "evidence" "python3 is not installed (scripts/deps.sh)"
	exit 0
fi

rc() {
	"$ROLLCALL" -d "$tmp/r.db" -c "$D/rollcall.conf" --as-of 2026-12-03 "$@"
}
q() {	# one value from the database
	python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print("" if r is None or r[0] is None else r[0])' "$tmp/r.db" "$1"
}
item() {	# item id of campaign $1, login $2, entitlement $3
	q "SELECT item_id FROM campaign_items ci JOIN campaigns c
	    ON c.id = ci.campaign_id WHERE c.name = '$1' AND login = '$2'
	    AND entitlement = '$3'"
}
decide() {
	python3 "$D/decide.py" "$tmp/r.db" "$@"
}

for step in init "import hr $D/hr.csv" \
    "import accounts okta $D/okta-accounts.csv" reconcile \
    "review open Q4 --out $tmp/ws" "review open Q4-force --out $tmp/wsf"; do
	# shellcheck disable=SC2086
	if ! rc $step >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err"
		echo "not ok - setup: rollcall $step"
		exit 1
	fi
done
ws=$tmp/ws/E2000-ines.csv
t_all=$(item Q4 tomas.riedl@example.com Everyone)
t_fin=$(item Q4 tomas.riedl@example.com Finance)
p_all=$(item Q4 petra.lind@example.com Everyone)

# ---- close refuses while items are pending ----
decide Q4 E2000 "$ws" "$t_all=keep"
rc review close Q4 --out "$tmp/ev" >"$tmp/out" 2>"$tmp/err"
is "close with 2 pending items: exit 1" 1 $?
ok "close with pending items says how many and how to force" \
    grep -q "2 of 3 items of campaign 'Q4' have no decision yet.*--force --reason" "$tmp/err"
is "refused close: campaign still open" open \
    "$(q "SELECT status FROM campaigns WHERE name = 'Q4'")"
ok "refused close: no pack folder" test ! -e "$tmp/ev"
is "refused close: nothing on stdout" "" "$(cat "$tmp/out")"

# ---- --force needs --reason; records who and why ----
rc review close Q4-force --force --out "$tmp/evf" >/dev/null 2>"$tmp/err"
is "--force without --reason: exit 1" 1 $?
ok "--force without --reason says so" grep -q "needs --reason" "$tmp/err"
rc review close Q4-force --force --reason "auditor <deadline> & leave" \
    --out "$tmp/evf" >"$tmp/out" 2>"$tmp/err"
is "--force --reason: exit 0" 0 $?
is "forced close: closed_by is the OS user" "$(id -un)" \
    "$(q "SELECT closed_by FROM campaigns WHERE name = 'Q4-force'")"
is "forced close: force_reason kept" "auditor <deadline> & leave" \
    "$(q "SELECT force_reason FROM campaigns WHERE name = 'Q4-force'")"
ok "forced close: summary gives the reason, escaped" \
    grep -qF "auditor &lt;deadline&gt; &amp; leave" "$tmp/evf/summary.html"
ok "forced close: summary counts the undecided items" \
    grep -qF "items without a decision</th><td>3</td>" "$tmp/evf/summary.html"

# ---- a full close ----
decide Q4 E2000 "$ws" "$t_fin=keep:=SUM(A1)" "$p_all=keep"
decide Q4 E2000 "$ws" "$p_all=revoke:left, \"gone\""
rc review close Q4 --out "$tmp/ev" >"$tmp/out" 2>"$tmp/err"
is "close Q4: exit 0" 0 $?
printed=$(cut -d' ' -f1 "$tmp/out")
is "printed hash = sha256sum manifest.json" \
    "$(sha256sum "$tmp/ev/manifest.json" | cut -d' ' -f1)" "$printed"
is "manifest hash stored with the campaign" "$printed" \
    "$(q "SELECT manifest_sha256 FROM campaigns WHERE name = 'Q4'")"
is "campaign closed" closed \
    "$(q "SELECT status FROM campaigns WHERE name = 'Q4'")"
is "closed_at set" 1 \
    "$(q "SELECT closed_at LIKE '____-__-__T__:__:__Z' FROM campaigns WHERE name = 'Q4'")"
is "no force reason on a complete close" "" \
    "$(q "SELECT force_reason FROM campaigns WHERE name = 'Q4'")"
is "pack files" "audit.csv decisions.csv decisions.json manifest.json revocations.csv revocations.json signed/E2000-1.csv signed/E2000-2.csv signed/E2000-3.csv summary.html" \
    "$(cd "$tmp/ev" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//')"
is "pack folder 0700" 700 "$(stat -c %a "$tmp/ev")"
is "pack files 0600" 600 "$(find "$tmp/ev" -type f -exec stat -c %a {} + | sort -u | tr '\n' ' ' | sed 's/ $//')"
is "manifest lists every other file with its hash and size" "ok" \
    "$(python3 - "$tmp/ev" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
files = sorted(os.path.relpath(os.path.join(r, f), d)
               for r, _, fs in os.walk(d) for f in fs)
files.remove("manifest.json")
got = [f["path"] for f in m["files"]]
ok = got == files and m["campaign"] == "Q4" and m["chain"]["decisions"] == 4
for f in m["files"]:
    b = open(os.path.join(d, f["path"]), "rb").read()
    ok = ok and f["sha256"] == hashlib.sha256(b).hexdigest() and f["bytes"] == len(b)
ok = ok and m["chain"]["genesis"] == hashlib.sha256(b"rollcall:Q4").hexdigest()
print("ok" if ok else json.dumps(m))
PY
)"
is "signed file's bytes as imported" "$(sha256sum <"$ws")" \
    "$(sha256sum <"$tmp/ev/signed/E2000-2.csv")"
is "decisions.csv: 4 decisions, one superseded" "4 1" \
    "$(tail -n +2 "$tmp/ev/decisions.csv" | wc -l) $(grep -c ',no,' "$tmp/ev/decisions.csv")"
ok "decisions.csv: formula comment defused" \
    grep -qF ",keep,'=SUM(A1)," "$tmp/ev/decisions.csv"
ok "revocations.csv: Petra's Okta access, with the comment" \
    grep -qF "$p_all,okta,petra.lind@example.com,Everyone,E2002,Petra,E2000,Ines,\"left, \"\"gone\"\"\"" "$tmp/ev/revocations.csv"
is "revocations.json: one item, Petra's" "Q4 1 petra.lind@example.com left, \"gone\"" \
    "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["campaign"], len(j["items"]), j["items"][0]["login"], j["items"][0]["comment"])' "$tmp/ev/revocations.json")"
ok "summary: population per source with snapshot and origin" \
    grep -q "<td>okta</td><td class=\"n\">2</td><td>[a-z]*</td>.*/okta-accounts.csv</td><td>[0-9a-f]*</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">3</td><td class=\"n\">3</td></tr>" "$tmp/ev/summary.html"
ok "summary: reviewer E2000: 3 items, 2 keep, 1 revoke, 0 pending" \
    grep -qF "<td>E2000</td><td>Ines</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">0</td>" "$tmp/ev/summary.html"
ok "summary: findings by kind" \
    grep -qF "<td>terminated_active</td><td class=\"n\">1</td>" "$tmp/ev/summary.html"
ok "audit.csv: the campaign's refused close" \
    grep -q "^[0-9TZ:-]*,$(id -un),review close,.*,1,,Q4" "$tmp/ev/audit.csv"

rc review close Q4 --out "$tmp/ev2" >/dev/null 2>"$tmp/err"
is "close a closed campaign: exit 1" 1 $?
ok "... says it is closed" grep -q "closed already" "$tmp/err"
rc review open Q4-next --out "$tmp/wsn" >/dev/null 2>&1
decide Q4-next E2000 "$ws" "$(item Q4-next tomas.riedl@example.com Everyone)=keep" \
    "$(item Q4-next tomas.riedl@example.com Finance)=keep" \
    "$(item Q4-next petra.lind@example.com Everyone)=revoke"
mkdir "$tmp/used" && touch "$tmp/used/x"
rc review close Q4-next --out "$tmp/used" >/dev/null 2>"$tmp/err"
is "close into a folder that is not empty: exit 1" 1 $?
ok "... says so" grep -q "exists and is not empty" "$tmp/err"
is "... and the campaign stays open" open \
    "$(q "SELECT status FROM campaigns WHERE name = 'Q4-next'")"
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && rc review close Q4-next >/dev/null 2>&1)
ok "default folder ./out/CAMPAIGN-evidence" test -f "$tmp/cwd/out/Q4-next-evidence/manifest.json"

# ---- verify ----
"$ROLLCALL" verify "$tmp/ev" >"$tmp/out" 2>"$tmp/err"
is "verify intact pack: exit 0" 0 $?
is "verify says intact" "intact: 9 files, 4 decisions, manifest sha256 $printed" \
    "$(cat "$tmp/out")"
"$ROLLCALL" verify --manifest-sha256 "$printed" "$tmp/ev" >/dev/null 2>&1
is "verify --manifest-sha256 (the one on record): exit 0" 0 $?
"$ROLLCALL" -d /nonexistent/no.db verify "$tmp/evf" >/dev/null 2>&1
is "verify needs no database (forced pack)" 0 $?

fresh() { rm -rf "$tmp/t"; cp -r "$tmp/ev" "$tmp/t"; }
fresh
printf 'X' | dd of="$tmp/t/revocations.csv" bs=1 seek=10 conv=notrunc 2>/dev/null
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>"$tmp/err"
is "one byte altered: exit 2" 2 $?
is "... names the file" "altered: revocations.csv" "$(cat "$tmp/out")"
ok "... and says the pack is not intact" grep -q "1 problem: the pack is not as it was closed" "$tmp/err"

fresh
rm "$tmp/t/signed/E2000-1.csv"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "file removed: exit 2" 2 $?
is "... named" "removed: signed/E2000-1.csv" "$(cat "$tmp/out")"

fresh
echo "nothing to see" >"$tmp/t/notes.txt"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "file added: exit 2" 2 $?
is "... named" "added: notes.txt" "$(cat "$tmp/out")"

fresh
"$ROLLCALL" verify --manifest-sha256 0000 "$tmp/t" >"$tmp/out" 2>/dev/null
is "manifest not the one on record: exit 2" 2 $?

# A comment changed in decisions.csv and the manifest fixed to match:
# decisions.json, from which the chain is recomputed, tells.
fresh
sed -i 's/"left, ""gone"""/"still needed"/' "$tmp/t/decisions.csv"
python3 - "$tmp/t" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
p = os.path.join(d, "manifest.json")
m = json.load(open(p))
for f in m["files"]:
    if f["path"] == "decisions.csv":
        b = open(os.path.join(d, "decisions.csv"), "rb").read()
        f["sha256"] = hashlib.sha256(b).hexdigest()
        f["bytes"] = len(b)
open(p, "w").write(json.dumps(m, indent=2) + "\n")
PY
ok "comment edit made" grep -q "still needed" "$tmp/t/decisions.csv"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "decision edited, manifest fixed: exit 2" 2 $?
is "... decisions.csv differs from decisions.json at that row" \
    "decisions.csv: row 4, column comment differs from decisions.json" \
    "$(cat "$tmp/out")"

# fixman DIR REL...: the manifest made to agree with each REL as it is now
# (its entry dropped when the file is gone): a consistent rewrite.
fixman() {
	python3 - "$@" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
p = os.path.join(d, "manifest.json")
m = json.load(open(p))
for rel in sys.argv[2:]:
    f = os.path.join(d, rel)
    if not os.path.exists(f):
        m["files"] = [e for e in m["files"] if e["path"] != rel]
        continue
    b = open(f, "rb").read()
    for e in m["files"]:
        if e["path"] == rel:
            e["sha256"] = hashlib.sha256(b).hexdigest()
            e["bytes"] = len(b)
open(p, "w").write(json.dumps(m, indent=2) + "\n")
PY
}

fresh
sed -i 's/"left, \\"gone\\""/"still needed"/' "$tmp/t/decisions.json"
ok "decisions.json edit made" grep -q "still needed" "$tmp/t/decisions.json"
fixman "$tmp/t" decisions.json
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "decisions.json edited, manifest fixed: exit 2" 2 $?
is "... the chain breaks at that decision" \
    "chain broken at decisions.json decision 4 (item $p_all)" "$(cat "$tmp/out")"

fresh
sed -i '2d' "$tmp/t/revocations.csv"
fixman "$tmp/t" revocations.csv
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "a revocation dropped from revocations.csv, manifest fixed: exit 2" 2 $?
is "... named" "revocations.csv: 0 rows, revocations.json 1" "$(cat "$tmp/out")"

fresh
python3 - "$tmp/t/revocations.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["items"] = []
open(sys.argv[1], "w").write(json.dumps(m, indent=2) + "\n")
PY
fixman "$tmp/t" revocations.json
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "revocations.json emptied, manifest fixed: exit 2" 2 $?
is "... named" "revocations.json: 0 revocations, the chain 1" "$(cat "$tmp/out")"

for f in audit.csv summary.html decisions.json revocations.json; do
	fresh
	rm "$tmp/t/$f"
	fixman "$tmp/t" "$f"
	"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
	is "$f deleted with its manifest entry: exit 2" 2 $?
	ok "... missing: $f" grep -qx "missing: $f (a pack always has it)" "$tmp/out"
done

# the import each decision names must have its signed file, the very one
imp=$(python3 -c 'import json,sys; print([d["import_id"] for d in json.load(open(sys.argv[1]))["decisions"]][-1])' "$tmp/ev/decisions.json")
fresh
rm "$tmp/t/signed/E2000-$imp.csv"
fixman "$tmp/t" "signed/E2000-$imp.csv"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "a signed file deleted with its manifest entry: exit 2" 2 $?
is "... named" "missing: the signed file of import $imp (signed/*-$imp.*)" "$(cat "$tmp/out")"

fresh
echo "item_id,decision" >"$tmp/t/signed/E2000-$imp.csv"
fixman "$tmp/t" "signed/E2000-$imp.csv"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "a signed file rewritten, manifest fixed: exit 2" 2 $?
is "... named" "altered: signed/E2000-$imp.csv (not the file import $imp's decisions came from)" "$(cat "$tmp/out")"

fresh
sed -i '3d' "$tmp/t/decisions.csv"
"$ROLLCALL" verify "$tmp/t" >"$tmp/out" 2>/dev/null
is "decision removed: exit 2" 2 $?
is "... altered (its content is no news then)" "altered: decisions.csv" \
    "$(cat "$tmp/out")"

mkdir "$tmp/notapack"
"$ROLLCALL" verify "$tmp/notapack" >/dev/null 2>"$tmp/err"
is "verify a folder without manifest: exit 2" 2 $?
ok "... says it is no pack" grep -q "not an evidence pack" "$tmp/err"
"$ROLLCALL" verify >/dev/null 2>&1
is "verify without DIR: exit 1" 1 $?

# ---- the audit trail ----
rc import hr "$D/hr.csv" --password hunter2 --api-token=s3cr3t >/dev/null 2>&1
rc findings >/dev/null 2>&1
rc snapshots >/dev/null 2>&1
rc log --format json >"$tmp/log.json" 2>"$tmp/err"
is "log --format json: exit 0" 0 $?
is "audit rows: command, result, campaign in order" \
    "init 0 -|import hr 0 -|import accounts 0 -|reconcile 0 -|review open 0 Q4|review open 0 Q4-force|review close 1 Q4|review close 1 Q4-force|review close 0 Q4-force|review close 0 Q4|review close 1 Q4|review open 0 Q4-next|review close 1 Q4-next|review close 0 Q4-next|import hr 1 -" \
    "$(python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["entries"]
print("|".join("%s %d %s" % (x["command"], x["result"], x["campaign"] or "-") for x in e))' "$tmp/log.json")"
is "audit row fields, the close's counts" \
    "at os_user command args result counts campaign|$(id -un)|[\"review\", \"close\", \"Q4\", \"--out\", \"$tmp/ev\"]|{\"items\": 3, \"pending\": 0, \"decisions\": 4, \"keep\": 2, \"revoke\": 1, \"imports\": 3, \"files\": 9}" \
    "$(python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["entries"][9]
print(" ".join(e.keys()), e["os_user"], json.dumps(e["args"]), json.dumps(e["counts"]), sep="|")' "$tmp/log.json")"
ok "secrets on argv never reach the log" \
    sh -c "! grep -q 'hunter2\|s3cr3t' '$tmp/log.json' && ! grep -q 'hunter2\|s3cr3t' '$tmp/r.db'"
ok "... the option names do" \
    sh -c "grep -q '\"--password\"' '$tmp/log.json' && grep -q '\"--api-token=\"' '$tmp/log.json'"
rc log --since 2999-01-01 --format json >"$tmp/out" 2>&1
is "log --since a later date: no entries" '{
  "entries": []
}' "$(cat "$tmp/out")"
rc log >"$tmp/out" 2>&1
is "log as a table: header and 15 rows" 16 "$(wc -l <"$tmp/out")"
ok "table row of the forced close" \
    grep -q "  0  Q4-force *review close Q4-force --force --reason 'auditor <deadline> & leave'" "$tmp/out"
rc log --format yaml >/dev/null 2>&1
is "log --format yaml: exit 1" 1 $?

# findings writes only when it has to reconcile: then it is on record
rc import hr "$D/hr.csv" >/dev/null 2>&1
rc findings >/dev/null 2>&1
rc findings >/dev/null 2>&1
rc snapshots >/dev/null 2>&1
rc log --format json >"$tmp/log.json" 2>/dev/null
is "findings that reconciled is recorded, once; snapshots never" \
    "17 import hr 0|findings 0" \
    "$(python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["entries"]
print(len(e), "|".join("%s %d" % (x["command"], x["result"]) for x in e[-2:]))' "$tmp/log.json")"

tap_done
