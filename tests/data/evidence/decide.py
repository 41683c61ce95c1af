#!/usr/bin/env python3
"""decide.py: stand in for `rollcall review import` in it_evidence.sh.

    decide.py DB CAMPAIGN REVIEWER FILE ITEM=keep|revoke[:COMMENT]...

Records FILE as one signed import of REVIEWER and a decision per ITEM,
superseding the item's earlier one, each linked into the campaign's hash
chain as include/rollcall/chain.h describes it (ASCII comments only: this
JSON is not jansson's for other characters).
"""
import datetime
import hashlib
import json
import os
import sqlite3
import sys


def sha(b):
    return hashlib.sha256(b).hexdigest()


def main():
    db, campaign, reviewer, path = sys.argv[1:5]
    con = sqlite3.connect(db)
    cid = con.execute("SELECT id FROM campaigns WHERE name = ?",
                      (campaign,)).fetchone()[0]
    data = open(path, "rb").read()
    fsha = sha(data)
    now = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    cur = con.execute(
        "INSERT INTO review_imports (campaign_id, reviewer_id, file_name,"
        " sha256, content, imported_at, os_user, rows_decided)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (cid, reviewer, os.path.basename(path), fsha, data, now, "tester",
         len(sys.argv) - 5))
    imp = cur.lastrowid
    row = con.execute("SELECT hash FROM decisions WHERE campaign_id = ?"
                      " ORDER BY id DESC LIMIT 1", (cid,)).fetchone()
    prev = row[0] if row else sha(("rollcall:" + campaign).encode())
    for spec in sys.argv[5:]:
        item, rest = spec.split("=", 1)
        decision, _, comment = rest.partition(":")
        comment = comment or None
        h = sha(json.dumps([prev, campaign, item, decision, comment,
                            reviewer, now, fsha],
                           separators=(",", ":")).encode())
        con.execute("UPDATE decisions SET current = 0 WHERE campaign_id = ?"
                    " AND item_id = ?", (cid, item))
        con.execute(
            "INSERT INTO decisions (campaign_id, item_id, import_id,"
            " reviewer_id, decision, comment, decided_at, current,"
            " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (cid, item, imp, reviewer, decision, comment, now, prev, h))
        prev = h
    con.commit()


main()
