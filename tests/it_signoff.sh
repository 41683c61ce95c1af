#!/bin/sh
# it_signoff.sh: `review import`, `review status`, `review remind` end to
# end: worksheets saved by openpyxl, by hand-written XML, by LibreOffice
# (tests/data/signoff/*.xlsx) and as CSV in UTF-16 and Windows-1252.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/signoff
PY=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_signoff.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
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
q() { sqlite3 "$tmp/r.db" "$1"; }

if ! $PY -c 'import openpyxl' 2>/dev/null || ! command -v sqlite3 >/dev/null; then
	echo "skip - signoff: needs python3-openpyxl and sqlite3"
	exit 0
fi
for step in "init" "import hr $D/hr.csv" "import accounts git $D/accounts.csv" \
    "reconcile" "review open Q4-2026 --due 2026-12-15 --out $tmp/ws" \
    "review open Q4-OTHER --out $tmp/other"; do
	# shellcheck disable=SC2086
	if ! rc $step >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err"
		not_ok "setup: rollcall $step"
		exit 1
	fi
done
W=$tmp/ws/E1020-dmitri-volkov.csv
mk() { $PY "$D/mkxlsx.py" "$@"; }

# openpyxl: extra sheet first, renamed sheet, title row, reordered columns,
# sorted and filtered; " keep ", "REVOKE", "Maybe", trailing NBSP.
mk openpyxl "$W" "$tmp/E1020-a.xlsx" 2026-12-05T10:00:00Z \
    '[[" keep ","ok"],["REVOKE","gone"],["Maybe",null],["Revoke\u00a0","was admin"],[null,null]]'
rc review import "$tmp/E1020-a.xlsx" >"$tmp/out" 2>"$tmp/err"
check "a rejected row: exit 2" [ $? -eq 2 ]
check "summary line" grep -qx "imported E1020-a.xlsx: 3 decided (2 revoke), 1 undecided, 1 rejected" "$tmp/err"
check "rejected row names file, sheet and row" \
    grep -qx "E1020-a.xlsx:Signed by manager:7: decision 'Maybe' is not Keep or Revoke" "$tmp/err"
check "the import is recorded with its bytes and save time" \
    [ "$(q "SELECT file_name, file_time, length(content) = $(wc -c <"$tmp/E1020-a.xlsx"), sha256 = '$(sha256sum "$tmp/E1020-a.xlsx" | cut -c1-64)', os_user IS NOT NULL, rows_decided, rows_undecided, rows_rejected FROM review_imports")" = "E1020-a.xlsx|2026-12-05T10:00:00Z|1|1|1|3|1|1" ]

# hand-written XML: inline and rich-text strings, gaps, a formula's saved
# value, NBSP around Keep, and an empty decision after an earlier Revoke.
mk hand "$W" "$tmp/E1020-b.xlsx" 2026-12-06T09:30:00+02:00 \
    '[["=Revoke",null],["*Revoke","rich"],["\u00a0Keep\u00a0",null],[null,null],["keep","x < y & z"]]'
rc review import "$tmp/E1020-b.xlsx" >"$tmp/out" 2>"$tmp/err"
check "newer file imports: exit 0" [ $? -eq 0 ]
check "newer file summary" grep -qx "imported E1020-b.xlsx: 4 decided (2 revoke), 1 undecided, 0 rejected" "$tmp/err"
check "formula by its saved value, rich text joined" \
    [ "$(q "SELECT decision || '/' || ifnull(comment, '') FROM decisions WHERE current = 1 AND import_id = 2 ORDER BY id" | tr '\n' ' ')" = "revoke/ revoke/rich keep/ keep/x < y & z " ]
check "an empty decision keeps the earlier Revoke" \
    [ "$(q "SELECT decision, comment, import_id FROM decisions WHERE current = 1 AND item_id = (SELECT item_id FROM decisions WHERE id = 3)")" = "revoke|was admin|1" ]
check "supersede keeps history: 7 decisions, 5 current" \
    [ "$(q "SELECT COUNT(*), SUM(current) FROM decisions")" = "7|5" ]
check "the older import is marked superseded" \
    [ "$(q "SELECT superseded_by FROM review_imports WHERE id = 1")" = "2" ]

mk openpyxl "$W" "$tmp/E1020-old.xlsx" 2026-12-04T08:00:00Z '[["Keep",null]]'
rc review import "$tmp/E1020-old.xlsx" >"$tmp/out" 2>"$tmp/err"
check "an older file after a newer one: refused, exit 2" \
    sh -c "[ $? -eq 2 ] && grep -q 'E1020-old.xlsx: saved 2026-12-04T08:00:00Z, before E1020-b.xlsx (saved 2026-12-06T07:30:00Z)' '$tmp/err'"
rc review import "$tmp/E1020-b.xlsx" >"$tmp/out" 2>"$tmp/err"
check "the same file again: nothing to do" \
    sh -c "[ $? -eq 0 ] && grep -q 'already imported' '$tmp/err' && [ \$(sqlite3 '$tmp/r.db' 'SELECT COUNT(*) FROM review_imports') -eq 2 ]"

# another reviewer's file: E1030's worksheet with a row of E1020's.
I=$tmp/ws/E1030-ines-moreau.csv
{ cat "$I"; tail -n 1 "$W"; } >"$tmp/mixed.csv"
rc review import "$tmp/mixed.csv" >"$tmp/out" 2>"$tmp/err"
check "items of two reviewers: refused whole" \
    sh -c "[ $? -eq 2 ] && grep -q 'mixed.csv: its item ids belong to reviewers E1020 and E1030' '$tmp/err'"
sed '2s/^Ines Moreau,E1030,/Dmitri Volkov,E1020,/' "$I" >"$tmp/claimed.csv"
rc review import "$tmp/claimed.csv" >"$tmp/out" 2>"$tmp/err"
check "a worksheet claiming another reviewer: refused" \
    sh -c "[ $? -eq 2 ] && grep -q \"claimed.csv: the worksheet is reviewer E1020's\" '$tmp/err'"
{ cat "$I"; tail -n 1 "$tmp/other/E1030-ines-moreau.csv"; } >"$tmp/twocamp.csv"
rc review import "$tmp/twocamp.csv" >"$tmp/out" 2>"$tmp/err"
check "items of two campaigns: refused" \
    sh -c "[ $? -eq 2 ] && grep -q \"campaigns 'Q4-2026' and 'Q4-OTHER'\" '$tmp/err'"
rc review import --campaign Q4-2026 "$tmp/other/E1030-ines-moreau.csv" >"$tmp/out" 2>"$tmp/err"
check "--campaign: another campaign's file refused" \
    sh -c "[ $? -eq 2 ] && grep -q \"belong to campaign 'Q4-OTHER', not 'Q4-2026'\" '$tmp/err'"
q "UPDATE campaigns SET status = 'closed' WHERE name = 'Q4-OTHER'"
rc review import "$tmp/other/E1030-ines-moreau.csv" >"$tmp/out" 2>"$tmp/err"
check "a closed campaign's file: refused" \
    sh -c "[ $? -eq 2 ] && grep -q \"campaign 'Q4-OTHER' is closed\" '$tmp/err'"
check "refused files leave nothing behind" \
    [ "$(q "SELECT COUNT(*) FROM review_imports")" = "2" ]

# CSV: UTF-16 with ';', then Windows-1252 with ';' (é in a comment).
$PY - "$I" "$tmp" <<'PYEOF'
import csv, io, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
d, c = rows[0].index("decision"), rows[0].index("comment")
rows[1][d], rows[1][c] = "Keep", "vérifié"
out = io.StringIO()
csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
open(sys.argv[2] + "/E1030-u16.csv", "wb").write(out.getvalue().encode("utf-16"))
rows[2][d], rows[2][c] = "revoke", "déjà parti"
out = io.StringIO()
csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
open(sys.argv[2] + "/E1030-1252.csv", "wb").write(out.getvalue().encode("cp1252"))
PYEOF
touch -d 2026-12-01T00:00:00 "$tmp/E1030-u16.csv"
touch -d 2026-12-02T00:00:00 "$tmp/E1030-1252.csv"
rc review import "$tmp/E1030-u16.csv" "$tmp/E1030-1252.csv" >"$tmp/out" 2>"$tmp/err"
check "UTF-16 and Windows-1252 CSV with ';': exit 0" [ $? -eq 0 ]
check "UTF-16 CSV: 1 decided, 2 undecided" grep -qx "imported E1030-u16.csv: 1 decided (0 revoke), 2 undecided, 0 rejected" "$tmp/err"
check "Windows-1252 comment arrives as UTF-8" \
    [ "$(q "SELECT comment FROM decisions WHERE decision = 'revoke' AND reviewer_id = 'E1030'")" = "déjà parti" ]

# the hash chain, recomputed as chain.h says
check "the decisions' hash chain verifies" $PY - "$tmp/r.db" <<'PYEOF'
import hashlib, json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (cid, name) in db.execute("SELECT id, name FROM campaigns"):
    prev = hashlib.sha256(("rollcall:" + name).encode()).hexdigest()
    for row in db.execute("SELECT d.prev_hash, d.hash, d.item_id, d.decision,"
            " d.comment, d.reviewer_id, d.decided_at, i.sha256 FROM decisions d"
            " LEFT JOIN review_imports i ON i.id = d.import_id"
            " WHERE d.campaign_id = ? ORDER BY d.id", (cid,)):
        p, h, item, dec, com, rv, at, sha = row
        s = json.dumps([prev, name, item, dec, com, rv, at, sha],
                       separators=(",", ":"), ensure_ascii=True)
        # jansson writes \u escapes with upper-case hex digits
        s = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), s)
        if p != prev or h != hashlib.sha256(s.encode()).hexdigest():
            sys.exit("chain broken at " + item)
        prev = h
PYEOF

# LibreOffice Calc's own XLSX (committed; written by soffice --convert-to)
R="$ROLLCALL -d $tmp/lo.db -c $(pwd)/tests/data/review/rollcall.conf --as-of 2026-12-03"
$R init >/dev/null 2>&1 &&
    $R import hr "$(pwd)/tests/data/review/hr.csv" >/dev/null 2>&1 &&
    $R import accounts okta "$(pwd)/tests/data/review/okta-accounts.csv" >/dev/null 2>&1 &&
    $R reconcile >/dev/null 2>&1 &&
    $R review open Q4 --due 2026-12-31 --out "$tmp/lo" >/dev/null 2>&1
# The file was saved when Lea still reviewed her own account (no one does
# now: it goes to 'unassigned'); give that item back to her worksheet.
sqlite3 "$tmp/lo.db" "UPDATE campaign_items SET reviewer_id = 'E1800'
    WHERE reviewer_id = 'unassigned'"
$R review import "$D/E1800-lea-libreoffice.xlsx" >"$tmp/out" 2>"$tmp/err"
check "LibreOffice XLSX: 8 decided (4 revoke), 1 undecided" \
    grep -qx "imported E1800-lea-libreoffice.xlsx: 8 decided (4 revoke), 1 undecided, 0 rejected" "$tmp/err"

# status and remind
rc review status Q4-2026 --format json >"$tmp/st.json" 2>"$tmp/err"
check "status json: per reviewer and totals" $PY - "$tmp/st.json" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["campaign"] == "Q4-2026" and s["as_of"] == "2026-12-03", s
assert s["due"] == "2026-12-15", s
r = {x["reviewer_id"]: x for x in s["reviewers"]}
assert r["E1020"] == {"reviewer_id": "E1020", "reviewer_name": "Dmitri Volkov",
    "items": 5, "decided": 5, "pending": 0, "revoke": 3, "overdue": 0}, r
assert r["E1030"]["decided"] == 2 and r["E1030"]["pending"] == 1, r
assert s["totals"] == {"items": 8, "decided": 7, "pending": 1, "revoke": 4,
    "overdue": 0}, s
PYEOF
rc --as-of 2026-12-20 review status Q4-2026 >"$tmp/st.txt" 2>&1
"$ROLLCALL" -d "$tmp/r.db" -c "$D/rollcall.conf" --as-of 2026-12-20 \
    review status Q4-2026 >"$tmp/st.txt" 2>&1
check "status table: overdue after the due date" \
    grep -Eq "^E1030 +Ines Moreau +3 +2 +1 +1 +1$" "$tmp/st.txt"
rc review status Q4-2026 --due 2026-12-01 --format json | grep -q '"overdue": 1'
check "status --due overrides the campaign's" [ $? -eq 0 ]
rc review remind Q4-2026 --out "$tmp/remind.csv" 2>/dev/null
check "remind: the reviewers with pending items" \
    [ "$(tr -d '\r' <"$tmp/remind.csv" | sed '1s/^\xef\xbb\xbf//')" = "reviewer_id,reviewer_name,email,pending,due,file
E1030,Ines Moreau,ines.moreau@example.com,1,2026-12-15,E1030-ines-moreau.csv" ]

# 20,000 items in one XLSX (the speed is bench material, not a test)
q "INSERT INTO campaign_items (campaign_id, item_id, reviewer_id, reviewer_name, source)
 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
 SELECT (SELECT id FROM campaigns WHERE name = 'Q4-2026'), printf('RV-B%07d', i), 'E1020', 'Dmitri Volkov', 'git' FROM n"
mk big "$tmp/E1020-big.xlsx" 20000
rc review import "$tmp/E1020-big.xlsx" >"$tmp/out" 2>"$tmp/err"
check "20,000 rows imported" grep -qx "imported E1020-big.xlsx: 20000 decided (2000 revoke), 0 undecided, 0 rejected" "$tmp/err"

exit $failed
