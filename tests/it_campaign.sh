#!/bin/sh
# it_campaign.sh: a whole review campaign end to end, as IT, a manager and
# an auditor live it: open (CSV, XLSX, HTML), the manager edits the XLSX in
# another program (openpyxl), import, status, close with the evidence pack,
# verify intact, then tamper (one byte of a file, one decision) and see
# verify fail; finally the revocations are carried out, the source is
# loaded again and remediation confirms them.
set -u
R0=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/review
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
PY=/usr/bin/python3
if ! "$PY" -c 'import openpyxl' 2>/dev/null; then
	echo "skip - campaign: /usr/bin/python3 with openpyxl not installed (make deps)"
	exit 0
fi

cd "$T" || exit 1
R="$R0 -d $T/r.db -c $D/rollcall.conf --as-of 2026-12-03"
$R -q init && $R -q import hr "$D/hr.csv" &&
    $R -q import accounts okta "$D/okta-accounts.csv"
check "set-up" test $? -eq 0

$R -q review open Q4 --due 2026-12-20 --out "$T/ws" --format csv,xlsx,html
check "open: exit 0" test $? -eq 0
check "open: worksheets in three formats" test -f "$T/ws/E1800-lea.xlsx" -a \
    -f "$T/ws/E1800-lea.csv" -a -f "$T/ws/E1800-lea.html"

check "xlsx: the item id column is there but hidden" "$PY" -c "
import openpyxl, sys
from openpyxl.utils import get_column_letter
ws = openpyxl.load_workbook('$T/ws/E1800-lea.xlsx')['Review']
hdr = [c.value for c in ws[1]]
col = get_column_letter(hdr.index('item_id') + 1)
sys.exit(0 if ws.column_dimensions[col].hidden else 1)"
# Lea's own account goes to 'unassigned' (nobody reviews their own access).
check "open: Lea's own account is not on her worksheet" test -f "$T/ws/unassigned.xlsx"
# The reviewers: Revoke for the leavers' items, Keep for Lea's, a comment.
for f in "$T"/ws/*.xlsx; do
"$PY" - "$f" "$T/signed-$(basename "$f")" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Review"]
hdr = [c.value for c in ws[1]]
col = {h: i for i, h in enumerate(hdr)}
for row in ws.iter_rows(min_row=2):
    if not row[col["item_id"]].value:
        continue
    login = row[col["login"]].value or ""
    if login.startswith("lea."):
        row[col["decision"]].value = " keep "
    else:
        row[col["decision"]].value = "REVOKE"
        row[col["comment"]].value = "left in November; ticket OPS-1"
wb.save(sys.argv[2])
PYEOF
check "a reviewer's edit (openpyxl): $(basename "$f")" test $? -eq 0
done

$R review import "$T/signed-E1800-lea.xlsx" "$T/signed-unassigned.xlsx" 2>"$T/err"
check "import: exit 0" test $? -eq 0
check "import: Lea's 8 decided, 8 revoke" grep -q "signed-E1800-lea.xlsx: 8 decided (8 revoke), 0 undecided, 0 rejected" "$T/err"
check "import: the other 1 decided, keep" grep -q "signed-unassigned.xlsx: 1 decided (0 revoke), 0 undecided, 0 rejected" "$T/err"

$R review status Q4 --format json >"$T/status.json"
check "status: nothing pending" "$PY" -c "
import json,sys; s=json.load(open('$T/status.json'))
t=s['totals']
sys.exit(0 if (t['items'],t['decided'],t['pending'],t['revoke'])==(9,9,0,8) else 1)"

$R review close Q4 --out "$T/pack" >"$T/close.out" 2>&1
check "close: exit 0" test $? -eq 0
sum=$(sha256sum "$T/pack/manifest.json" | cut -d' ' -f1)
check "close: prints the manifest's SHA-256" grep -q "$sum" "$T/close.out"
check "pack: revocations.json lists 8" "$PY" -c "
import json,sys; j=json.load(open('$T/pack/revocations.json'))
sys.exit(0 if len(j['items'])==8 else 1)"
check "pack: the signed worksheets as imported" sh -c \
    "for f in '$T'/pack/signed/*; do cmp -s \"\$f\" '$T/signed-E1800-lea.xlsx' || cmp -s \"\$f\" '$T/signed-unassigned.xlsx' || exit 1; done; [ \$(ls '$T'/pack/signed | wc -l) -eq 2 ]"

"$R0" verify "$T/pack" >"$T/v.out" 2>&1
check "verify: intact, exit 0" sh -c "test $? -eq 0 && grep -q '^intact' '$T/v.out'"

$R review import "$T/signed-E1800-lea.xlsx" >/dev/null 2>"$T/err"
check "import into a closed campaign is refused" sh -c "test $? -eq 2"

# IT carries out the revocations but one: the source is loaded again.
sed -e '2,$s/,active,/,disabled,/' -e '/^yann.vidal/s/,disabled,/,active,/' \
    -e '/^lea.marchetti/s/,disabled,/,active,/' "$D/okta-accounts.csv" >"$T/okta-after.csv"
$R review remediation Q4 >"$T/rem0.out" 2>&1
check "remediation before a new pull: not checked yet, exit 2" test $? -eq 2
$R -q import accounts okta "$T/okta-after.csv"
$R review remediation Q4 --format json >"$T/rem1.json" 2>"$T/err"
check "remediation: one still there, exit 3" test $? -eq 3
check "remediation: 7 done with the snapshot that proves it, 1 pending" "$PY" -c "
import json,sys; j=json.load(open('$T/rem1.json'))
st=[i['state'] for i in j['items']]
ok = st.count('done')==7 and st.count('pending')==1 and all(i['snapshot'] for i in j['items'])
sys.exit(0 if ok else 1)"
$R findings --kind revocation_pending --format json >"$T/f.json" 2>/dev/null
check "findings: revocation_pending for the one left" "$PY" -c "
import json,sys; j=json.load(open('$T/f.json'))
f=j['findings']
sys.exit(0 if len(f)==1 and f[0]['login']=='yann.vidal@example.com' and f[0]['severity']=='high' else 1)"
# ... and then the last one too.
sed -e '/^yann.vidal/s/,active,/,disabled,/' "$T/okta-after.csv" >"$T/okta-final.csv"
$R -q import accounts okta "$T/okta-final.csv"
$R review remediation Q4 >"$T/rem2.out" 2>&1
check "remediation: all confirmed, exit 0" test $? -eq 0
$R findings --kind revocation_pending --format json >"$T/f2.json" 2>/dev/null
check "findings: no revocation_pending left" "$PY" -c "
import json,sys; sys.exit(0 if json.load(open('$T/f2.json'))['findings']==[] else 1)"

# The auditor's copy is tampered with: one byte of one file ...
cp -r "$T/pack" "$T/p1"
printf 'X' | dd of="$T/p1/revocations.csv" bs=1 seek=40 conv=notrunc 2>/dev/null
"$R0" verify "$T/p1" >"$T/v1.out" 2>&1
check "verify: one altered byte, exit 2 naming the file" sh -c \
    "test $? -eq 2 && grep -q 'altered: revocations.csv' '$T/v1.out'"

# ... and one decision, with the manifest made to agree: decisions.json,
# the chain's own values, catches it.
cp -r "$T/pack" "$T/p2"
"$PY" - "$T/p2" <<'PYEOF'
import csv, hashlib, io, json, os, sys
d = sys.argv[1]
p = os.path.join(d, "decisions.csv")
raw = open(p, "rb").read()
text = raw.decode("utf-8-sig")
rows = list(csv.reader(io.StringIO(text)))
hdr = rows[0]
i = hdr.index("decision")
rows[1][i] = "keep" if rows[1][i] == "revoke" else "revoke"
out = io.StringIO()
csv.writer(out, lineterminator="\r\n").writerows(rows)
data = (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + out.getvalue().encode()
open(p, "wb").write(data)
m = json.load(open(os.path.join(d, "manifest.json")))
for f in m["files"]:
    if f["path"] == "decisions.csv":
        f["sha256"] = hashlib.sha256(data).hexdigest()
        f["bytes"] = len(data)
json.dump(m, open(os.path.join(d, "manifest.json"), "w"))
PYEOF
"$R0" verify "$T/p2" >"$T/v2.out" 2>&1
check "verify: one changed decision differs from decisions.json, exit 2" sh -c \
    "test $? -eq 2 && grep -q 'decisions.csv: row 1, column decision differs from decisions.json' '$T/v2.out'"

[ $fails -eq 0 ]
