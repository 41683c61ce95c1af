#!/usr/bin/python3
# mkxlsx.py: signed worksheets as other programs write them, for
# tests/it_signoff.sh. Run with Debian's /usr/bin/python3 (python3-openpyxl).
#
#   mkxlsx.py openpyxl SRC.csv OUT.xlsx MODIFIED DECISIONS.json
#   mkxlsx.py hand SRC.csv OUT.xlsx MODIFIED DECISIONS.json
#   mkxlsx.py big OUT.xlsx N
#
# SRC.csv is a worksheet `review open` wrote; DECISIONS.json a list, one
# [decision, comment] per worksheet row in its order (null: leave empty).
import csv
import datetime
import json
import sys
import zipfile
from xml.sax.saxutils import escape


def rows_of(src):
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def when(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def with_openpyxl(src, out, modified, decisions):
    import openpyxl
    head, rows = rows_of(src)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"			# an extra sheet first
    notes.append(["item_id", "notes"])		# no decision column: not it
    notes.append(["RV-NOTHING", "signed on paper too"])
    ws = wb.create_sheet("Signed by manager")	# renamed sheet
    ws.append(["Access review, signed"])	# title row, then a gap
    ws.append([])
    cols = ["Comment", "Decision", "login", "Item ID", "reviewer"]
    ws.append(cols)				# reordered, renamed, fewer
    body = []
    for r, (d, c) in zip(rows, decisions):
        body.append([c, d, r[head.index("login")], r[head.index("item_id")],
                     r[head.index("reviewer")]])
    body.sort(key=lambda b: b[2], reverse=True)	# sorted by login
    for b in body:
        ws.append(b)
    ws.auto_filter.ref = "A3:E%d" % (3 + len(body))	# a filtered sheet
    wb.properties.modified = when(modified)
    wb.save(out)


def cell_inline(ref, s):
    return ('<x:c r="%s" t="inlineStr"><x:is><x:t xml:space="preserve">%s'
            '</x:t></x:is></x:c>' % (ref, escape(s)))


def with_hand(src, out, modified, decisions):
    # Shared strings with rich text runs and a phonetic run, inline
    # strings, gaps in rows and columns, a formula with its saved value, a
    # boolean and a number, prefixed elements, an absolute target.
    head, rows = rows_of(src)
    sst = ['item_id', 'Decision', 'comment',
           '<x:r><x:t>Re</x:t></x:r><x:r><x:rPr><x:b/></x:rPr>'
           '<x:t>voke</x:t></x:r><x:rPh sb="0" eb="1"><x:t>XX</x:t></x:rPh>']
    sheet = ['<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c>'
             '<x:c r="C2" t="s"><x:v>1</x:v></x:c>'
             '<x:c r="E2" t="s"><x:v>2</x:v></x:c>'
             '<x:c r="F2" t="b"><x:v>1</x:v></x:c></x:row>']
    n = 4
    for i, (r, (d, c)) in enumerate(zip(rows, decisions)):
        n += 1 + i % 2				# rows 5, 7, 8, 10...
        item = r[head.index("item_id")]
        cells = [cell_inline("A%d" % n, item)]
        if d == "=Revoke":			# a formula, by its saved value
            cells.append('<x:c r="C%d" t="str"><x:f>PROPER("revoke")</x:f>'
                         '<x:v>Revoke</x:v></x:c>' % n)
        elif d == "*Revoke":			# the rich text shared string
            cells.append('<x:c r="C%d" t="s"><x:v>3</x:v></x:c>' % n)
        elif d is not None:
            cells.append(cell_inline("C%d" % n, d))
        if c is not None:
            cells.append(cell_inline("E%d" % n, c))
        cells.append('<x:c r="G%d"><x:v>%d</x:v></x:c>' % (n, 42 + i))
        sheet.append('<x:row r="%d">%s</x:row>' % (n, "".join(cells)))
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = ('xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships"')
    pr = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="%s/officeDocument" Target="book/'
        'main.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="meta/core.xml"/></Relationships>' % pr,
        "book/main.xml": '<?xml version="1.0"?><x:workbook %s %s><x:sheets>'
        '<x:sheet name="Decisions" sheetId="7" r:id="rIdS"/></x:sheets>'
        '</x:workbook>' % (ns, rns),
        "book/_rels/main.xml.rels": '<?xml version="1.0"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rIdS" Type="%s/worksheet" '
        'Target="/book/sheets/data.xml"/><Relationship Id="rIdT" '
        'Type="%s/sharedStrings" Target="strings.xml"/></Relationships>'
        % (pr, pr),
        "book/strings.xml": '<?xml version="1.0"?><x:sst %s>%s</x:sst>' % (
            ns, "".join("<x:si>%s</x:si>" % (
                s if s.startswith("<") else "<x:t>%s</x:t>" % s)
                for s in sst)),
        "book/sheets/data.xml": '<?xml version="1.0"?><x:worksheet %s>'
        '<x:sheetData>%s</x:sheetData></x:worksheet>' % (ns, "".join(sheet)),
        "meta/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp='
        '"http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dcterms="http://purl.org/dc/terms/">'
        '<dcterms:modified>%s</dcterms:modified></cp:coreProperties>'
        % modified,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))


def big(out, n):
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Review")
    ws.append(["reviewer", "item_id", "decision", "comment"])
    for i in range(n):
        ws.append(["Dmitri Volkov", "RV-B%07d" % i,
                   "Revoke" if i % 10 == 0 else "Keep", "row %d" % i])
    wb.properties.modified = when("2026-12-10T00:00:00Z")
    wb.save(out)


if __name__ == "__main__":
    if sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]))
    else:
        fn = with_openpyxl if sys.argv[1] == "openpyxl" else with_hand
        fn(sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5]))
