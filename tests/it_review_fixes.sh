#!/bin/sh
# it_review_fixes.sh: the review and evidence faults a tester found, each
# with the input that broke it: verify of a pack whose values start with
# '-' or "'-"; the audit rows of review import; XLSX modes; review open
# into a used folder or with a bad --since-campaign; duplicated columns;
# formulas without a saved value; remind on a closed campaign;
# remediation's stdout on failure; the small messages.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_review_fixes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
. "$(pwd)/tests/lib/tap.sh"
cd "$tmp" || exit 1
umask 022

R() { "$ROLLCALL" -d "$tmp/r.db" -c "$tmp/rollcall.conf" "$@"; }
q() { sqlite3 "$tmp/r.db" "$1"; }

# invented people; the manager's HR id starts with '-', one name is not ASCII
printf 'employee_id,email,first_name,last_name,status,hire_date,termination_date,manager_id,department,title\nE1,boss@example.com,Bea,Boss,Active,2015-01-01,,,Exec,CEO\n-E2,mgr@example.com,Zoë,Ångström,Active,2016-01-01,,E1,IT,IT Lead\nE3,alice@example.com,Alice,Smith,Active,2017-01-01,,-E2,IT,Engineer\n' >hr.csv
printf 'department,title,job_code,source,entitlement,privileged\nIT,*,,billing,Viewer,no\n' >matrix.csv
printf 'login,email,name,employee_id,status,mfa,last_login,created,entitlements\nalice,alice@example.com,Alice,E3,active,enrolled,2026-11-01,2020-01-01,Viewer;Admin;Ops;Audit;Billing;Root\n' >acc.csv
printf '[hr]\ndate_format = %%Y-%%m-%%d\n[source "billing"]\ntype = csv\nowner = E1\n' >rollcall.conf
R -q init && R -q import hr hr.csv && R -q import matrix matrix.csv &&
    R -q import accounts billing acc.csv || { echo "not ok - setup"; exit 1; }

# ---- 1: verify an untouched pack whose values look like formulas ----
R -q --as-of 2026-12-01 review open Q --format csv,xlsx --out o 2>/dev/null
is "review open: exit 0" 0 $?
ws=$(ls o/*.csv | grep -v index.csv)
python3 - "$ws" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
h = rows[0]
comments = ["'-quoted", "=1+1", "@x", "tab\there", "two\nlines", "Zoë ✓ 山田"]
for r, c in zip(rows[1:], comments):
    r[h.index("decision")] = "Keep"
    r[h.index("comment")] = c
csv.writer(open("back.csv", "w", newline="")).writerows(rows)
PY
R review import back.csv 2>err
is "import of the formula-like comments: exit 0" 0 $?
ok "... 6 decided" grep -q "6 decided" err
is "the reviewer id as stored" "-E2" "$(q "SELECT DISTINCT reviewer_id FROM decisions")"
R -q review close Q --out ev >sha 2>/dev/null
is "close: exit 0" 0 $?
R verify ev >out 2>&1
is "verify of the untouched pack: exit 0" 0 $?
ok "... intact" grep -q "^intact: 7 files, 6 decisions" out
R verify --manifest-sha256 "$(cut -d" " -f1 sha)" ev >/dev/null 2>&1
is "verify --manifest-sha256 (the one close printed): exit 0" 0 $?
is "decisions.json holds the raw values" \
    "-E2|'-quoted|=1+1|@x|tab	here|two\\nlines|Zoë ✓ 山田" \
    "$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["decisions"]
print("|".join([d[0]["reviewer_id"]] + sorted((x["comment"].replace("\n", "\\n") for x in d), key=["'"'"'-quoted", "=1+1", "@x", "tab\there", "two\nlines".replace("\n", "\\n"), "Zoë ✓ 山田"].index)))' ev/decisions.json)"
ok "decisions.csv defuses the reviewer id" grep -q ",'-E2," ev/decisions.csv
# the reviewer's own apostrophe is one more apostrophe in the CSV
ok "... and keeps the reviewer's apostrophe" grep -q ",'-quoted," ev/decisions.csv
# a typed apostrophe removed from the CSV (manifest fixed) is caught
cp -r ev t
sed -i "s/,'-E2,/,-E2,/" t/decisions.csv
python3 - t decisions.csv <<'PY'
import hashlib, json, os, sys
d, rel = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json")))
b = open(os.path.join(d, rel), "rb").read()
for e in m["files"]:
    if e["path"] == rel:
        e["sha256"] = hashlib.sha256(b).hexdigest(); e["bytes"] = len(b)
open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m))
PY
R verify t >out 2>/dev/null
is "an apostrophe dropped from decisions.csv: exit 2" 2 $?
is "... named" "decisions.csv: row 1, column reviewer_id differs from decisions.json" "$(head -1 out)"
R verify --manifest-sha256 "$(cut -d" " -f1 sha)" t >out 2>/dev/null
ok "... and --manifest-sha256 tells the manifest changed" grep -q "not .* as on record" out

# ---- 3: review import in the campaign's audit trail, with counts ----
is "review import: campaign and counts in the log" \
    'Q|{"files":1,"refused":0,"decided":6,"undecided":0,"rejected":0,"revoke":0}' \
    "$(q "SELECT campaign || '|' || counts FROM audit_log WHERE command = 'review import'")"
ok "... and in the pack's audit.csv" grep -q "^[^,]*,[^,]*,review import," ev/audit.csv
is "import matrix: counts" '{"snapshot":2,"rows":1,"skipped":0}' \
    "$(q "SELECT counts FROM audit_log WHERE command = 'import matrix'")"
ok "import hr, import accounts, review open: counts" test "$(q "SELECT count(*) FROM audit_log WHERE command IN ('import hr', 'import accounts', 'review open') AND counts IS NOT NULL")" = 3
R review import --campaign NOPE back.csv 2>err
is "review import --campaign NOPE: exit 1" 1 $?
is "... says so" "rollcall: review import: no campaign 'NOPE'" "$(cat err)"

# ---- 4: XLSX worksheets are 0600 under umask 022 ----
is "xlsx worksheet mode" 600 "$(stat -c %a "$(ls o/*.xlsx)")"

# ---- 5, 8: review open refuses before reconciling ----
nrec=$(q "SELECT count(*) FROM reconciles")
R -q --as-of 2026-12-02 review open QB --out o 2>err
is "review open into a used folder: exit 1" 1 $?
ok "... names it" grep -q "folder 'o' is not empty" err
R --as-of 2026-06-01 review open P --out p 2>/dev/null
R --as-of 2026-06-01 reconcile 2>/dev/null
nrec=$(q "SELECT count(*) FROM reconciles")
R review open N --since-campaign P --out n 2>err
is "--since-campaign of an open campaign: exit 1" 1 $?
ok "... says it is not closed" grep -q "campaign 'P' is not closed" err
R review open N --since-campaign NOPE --out n 2>err
is "--since-campaign NOPE: exit 1" 1 $?
is "... and no reconcile was run" "$nrec" "$(q "SELECT count(*) FROM reconciles")"

# ---- 6: a second decision column ----
python3 - "$(ls p/*.csv | grep -v index.csv)" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
h = rows[0]; d = h.index("decision")
out = [h + ["Decision"]]
for r in rows[1:]:
    r[d] = "Keep"; out.append(r + ["Revoke"])
csv.writer(open("dup.csv", "w", newline="")).writerows(out)
PY
R review import --campaign P dup.csv 2>err
is "two decision columns: exit 2" 2 $?
ok "... the file refused, the header named" grep -q "two 'Decision' columns: keep one (file refused)" err
is "... nothing recorded" 0 "$(q "SELECT count(*) FROM decisions d JOIN campaigns c ON c.id = d.campaign_id WHERE c.name = 'P'")"
is "... the refusal in P's trail" "P 2" \
    "$(q "SELECT campaign || ' ' || result FROM audit_log WHERE command = 'review import' ORDER BY id DESC LIMIT 1")"

R review import back.csv 2>err
is "an import into the closed campaign: exit 2" 2 $?
is "... in that campaign's trail" "Q 2" \
    "$(q "SELECT campaign || ' ' || result FROM audit_log WHERE command = 'review import' ORDER BY id DESC LIMIT 1")"

# ---- 9: a formula decision without a saved value (as openpyxl writes) ----
python3 - "$(ls p/*.csv | grep -v index.csv)" <<'PY'
import csv, sys, zipfile
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
ids = [r[rows[0].index("item_id")] for r in rows[1:]]
def c(ref, t):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, t)
data = '<row r="1">%s%s</row>' % (c("A1", "item_id"), c("B1", "decision"))
for n, i in enumerate(ids, 2):
    data += '<row r="%d">%s<c r="B%d"><f>IF(TRUE,"Revoke","Keep")</f><v></v></c></row>' % (n, c("A%d" % n, i), n)
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
z = zipfile.ZipFile("formula.xlsx", "w")
z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % RL)
z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Review" sheetId="1" r:id="rId1"/></sheets></workbook>' % (M, RL))
z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % RL)
z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (M, data))
z.close()
PY
R review import formula.xlsx 2>err
is "formula decisions without a saved value: exit 2" 2 $?
is "... each row rejected and told why" 6 \
    "$(grep -c "formula.xlsx:Review:[2-7]: a formula without a saved value: open the file in Excel or LibreOffice and save it" err)"

# ---- 7, 10: remind on a closed campaign; remediation's stdout ----
R review remind Q >out 2>err
is "remind on a closed campaign: exit 1" 1 $?
is "... says so" "rollcall: review remind: campaign 'Q' is closed" "$(cat err)"
is "... and lists nobody" "" "$(cat out)"
R review remediation NOPE >out 2>/dev/null
is "remediation NOPE: exit 1" 1 $?
is "... nothing on stdout" "" "$(cat out)"

# ---- 11: help, alignment, plural ----
R review --help >out 2>&1
ok "review --help lists every verb" sh -c "for v in open import status remind close remediation; do grep -q \"rollcall review \$v \" out || exit 1; done"
R review status P >out 2>/dev/null
is "review status: columns align with a non-ASCII name" 1 \
    "$(python3 -c 'import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(len({w(l.rstrip("\n")) for l in open("out", encoding="utf-8")}))')"
ok "... the name is there" grep -q "Zoë Ångström" out
R --as-of 2026-06-01 review open S --out s 2>err
ok "\"1 reviewer\", not \"1 reviewers\"" grep -q "for 1 reviewer;" err

tap_done
