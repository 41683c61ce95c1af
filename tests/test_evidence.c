/*
 * test_evidence.c: closing a campaign into an evidence pack and checking
 * the pack (core/evidence.c). The campaign, its signed imports and its
 * chained decisions are written straight into the store here, as
 * `review open` and `review import` leave them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "rollcall/campaign.h"
#include "rollcall/chain.h"
#include "rollcall/evidence.h"
#include "rollcall/store.h"
#include "support/fixture.h"

#define NAME "Q4-2026"

struct fx {
	struct store *st;
	struct campaign c;
	char	 tmp[64];
	char	 dir[96];
	char	 last[65];		/* the chain's head so far */
};

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

static void
item(struct store *st, const char *id, const char *person,
    const char *person_name, const char *login, const char *ent,
    const char *rec)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO campaign_items (campaign_id,"
	    " item_id, reviewer_id, reviewer_name, person_id, person_name,"
	    " source, login, entitlement, recommendation, account_name)"
	    " VALUES (1, ?, 'E1', 'Ann <Boss>', ?, ?, 'okta', ?, ?, ?, ?)",
	    &err);
	assert_non_null(q);
	store_bind_text(q, 1, id);
	store_bind_text(q, 2, person);
	store_bind_text(q, 3, person_name);
	store_bind_text(q, 4, login);
	store_bind_text(q, 5, ent);
	store_bind_text(q, 6, rec);
	store_bind_text(q, 7, login);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

/* A signed import of reviewer E1 holding content; its id. */
static int64_t
import(struct fx *f, const char *file, const char *content, char sha[65])
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	char path[128];
	FILE *fp;
	int64_t id;

	snprintf(path, sizeof(path), "%s/in", f->tmp);
	assert_non_null(fp = fopen(path, "wb"));
	fputs(content, fp);
	fclose(fp);
	assert_int_equal(sha256_file(path, sha, &err), 0);
	unlink(path);
	q = store_prepare(f->st, "INSERT INTO review_imports (campaign_id,"
	    " reviewer_id, file_name, sha256, content, imported_at)"
	    " VALUES (1, 'E1', ?, ?, ?, '2026-12-10T09:00:00Z')", &err);
	assert_non_null(q);
	store_bind_text(q, 1, file);
	store_bind_text(q, 2, sha);
	sqlite3_bind_blob(q, 3, content, (int)strlen(content), SQLITE_STATIC);
	assert_int_equal(store_step_done(f->st, q, &err), 0);
	id = sqlite3_last_insert_rowid(store_db(f->st));
	sqlite3_finalize(q);
	return id;
}

/* A decision chained after the last one, superseding the item's earlier. */
static void
decide(struct fx *f, int64_t imp, const char *sha, const char *item_id,
    const char *decision, const char *comment)
{
	struct chain_link l = { NAME, item_id, decision, comment, "E1",
	    "2026-12-10T09:00:00Z", sha };
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	char h[65];

	chain_hash(f->last, &l, h);
	q = store_prepare(f->st, "UPDATE decisions SET current = 0"
	    " WHERE campaign_id = 1 AND item_id = ?", &err);
	store_bind_text(q, 1, item_id);
	assert_int_equal(store_step_done(f->st, q, &err), 0);
	sqlite3_finalize(q);
	q = store_prepare(f->st, "INSERT INTO decisions (campaign_id, item_id,"
	    " import_id, reviewer_id, decision, comment, decided_at, prev_hash,"
	    " hash) VALUES (1, ?, ?, 'E1', ?, ?, ?, ?, ?)", &err);
	assert_non_null(q);
	store_bind_text(q, 1, item_id);
	sqlite3_bind_int64(q, 2, imp);
	store_bind_text(q, 3, decision);
	store_bind_text(q, 4, comment);
	store_bind_text(q, 5, l.decided_at);
	store_bind_text(q, 6, f->last);
	store_bind_text(q, 7, h);
	assert_int_equal(store_step_done(f->st, q, &err), 0);
	sqlite3_finalize(q);
	memcpy(f->last, h, sizeof(h));
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct errbuf err = { "" };
	int64_t hr, okta;

	f->st = fx_open();
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test_evidence.XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dir, sizeof(f->dir), "%s/pack", f->tmp);
	hr = fx_snapshot(f->st, "hr", "hr");
	okta = fx_snapshot(f->st, "okta", "okta");
	(void)hr;
	(void)okta;
	exec(f->st, "INSERT INTO reconciles (id, as_of, created_at,"
	    " max_snapshot) VALUES (1, '2026-12-03', '2026-12-03T08:00:00Z', 2);"
	    "INSERT INTO findings (reconcile_id, kind, severity, source, login,"
	    " detail) VALUES (1, 'terminated_active', 'critical', 'okta',"
	    " 'bo', '{}'), (1, 'dormant', 'low', 'okta', 'cy', '{}');"
	    "INSERT INTO findings (reconcile_id, kind, severity, source, login,"
	    " detail, suppressed_by) VALUES (1, 'dormant', 'low', 'okta', 'al',"
	    " '{}', '{}');"
	    "INSERT INTO campaigns (id, name, opened_at, as_of, due,"
	    " reconcile_id) VALUES (1, '" NAME "', '2026-12-03T08:00:00Z',"
	    " '2026-12-03', '2026-12-31', 1);"
	    "INSERT INTO campaign_snapshots SELECT 1, source, id FROM"
	    " current_snapshots;");
	item(f->st, "RV-AAAAAAAAAA", "E2", "Al", "al", "Everyone", NULL);
	item(f->st, "RV-BBBBBBBBBB", "E3", "<script>alert(1)</script>", "bo",
	    "Admins", "revoke");
	item(f->st, "RV-CCCCCCCCCC", "E4", "Cy", "cy", NULL, NULL);
	chain_genesis(NAME, f->last);
	assert_int_equal(campaign_find(f->st, NAME, &f->c, &err), 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	campaign_release(&f->c);
	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Three items decided over two imports; Bo's first keep superseded. */
static void
decide_all(struct fx *f)
{
	char sha1[65], sha2[65];
	int64_t i1, i2;

	i1 = import(f, "E1-ann.csv", "item_id,decision\nRV-AAAAAAAAAA,keep\n",
	    sha1);
	decide(f, i1, sha1, "RV-AAAAAAAAAA", "keep", NULL);
	decide(f, i1, sha1, "RV-BBBBBBBBBB", "keep", "=HYPERLINK(\"x\")");
	i2 = import(f, "E1 ann (2).xlsx", "PK\x03\x04 not really", sha2);
	decide(f, i2, sha2, "RV-BBBBBBBBBB", "revoke",
	    "left in November, \"gone\"\nsee ticket; Zoë");
	decide(f, i2, sha2, "RV-CCCCCCCCCC", "keep", "-");
}

static int
do_close(struct fx *f, const char *reason, struct evidence_result *r,
    struct errbuf *err)
{
	struct evidence_close o = { f->dir, "tester", reason };

	return evidence_close(f->st, &f->c, &o, r, err);
}

static char *
slurp(const char *dir, const char *rel)
{
	char path[256], *s;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return s;
}

static void
spew(const char *dir, const char *rel, const char *s)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(fp = fopen(path, "wb"));
	fputs(s, fp);
	fclose(fp);
}

static void
test_counts_and_pending(void **state)
{
	struct fx *f = *state;
	struct evidence_counts n;
	struct errbuf err = { "" };
	char sha[65];
	int64_t i1;

	assert_int_equal(evidence_counts(f->st, 1, &n, &err), 0);
	assert_int_equal(n.items, 3);
	assert_int_equal(n.pending, 3);
	i1 = import(f, "a.csv", "x", sha);
	decide(f, i1, sha, "RV-AAAAAAAAAA", "keep", NULL);
	decide(f, i1, sha, "RV-AAAAAAAAAA", "revoke", NULL);
	assert_int_equal(evidence_counts(f->st, 1, &n, &err), 0);
	assert_int_equal(n.pending, 2);
	assert_int_equal(n.decisions, 2);
	assert_int_equal(n.keep, 0);
	assert_int_equal(n.revoke, 1);
	assert_int_equal(n.imports, 1);
}

static void
test_chain_check(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	char head[65], genesis[65];

	assert_int_equal(evidence_chain_check(f->st, &f->c, head, &err), 0);
	chain_genesis(NAME, genesis);
	assert_string_equal(head, genesis);
	decide_all(f);
	assert_int_equal(evidence_chain_check(f->st, &f->c, head, &err), 0);
	assert_string_equal(head, f->last);
	exec(f->st, "UPDATE decisions SET comment = 'fine' WHERE id = 3");
	assert_int_equal(evidence_chain_check(f->st, &f->c, head, &err), -1);
	assert_string_equal(err.msg, "the decision chain is broken at decision"
	    " 3 (item RV-BBBBBBBBBB): a decision was changed, removed or added"
	    " outside rollcall");
}

static void
test_chain_check_removed_decision(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	char head[65];

	decide_all(f);
	exec(f->st, "DELETE FROM decisions WHERE id = 2");
	assert_int_equal(evidence_chain_check(f->st, &f->c, head, &err), -1);
	assert_non_null(strstr(err.msg, "at decision 3 (item RV-BBBBBBBBBB)"));
}

static void
test_close_writes_pack(void **state)
{
	struct fx *f = *state;
	struct evidence_result r;
	struct errbuf err = { "" };
	struct stat sb;
	json_t *m, *files;
	char *s, sha[65], path[256];
	const char *want[] = { "audit.csv", "decisions.csv", "decisions.json",
	    "revocations.csv",
	    "revocations.json", "signed/E1-1.csv", "signed/E1-2.xlsx",
	    "summary.html" };
	size_t i;

	decide_all(f);
	exec(f->st, "INSERT INTO audit_log (at, os_user, command, args, result,"
	    " campaign) VALUES ('2026-12-03T08:00:00Z', 'ops', 'review open',"
	    " '[\"review\",\"open\",\"" NAME "\"]', 0, '" NAME "'),"
	    " ('2026-12-04T08:00:00Z', 'ops', 'review open', '[]', 0, 'Q1')");
	assert_int_equal(do_close(f, NULL, &r, &err), 0);
	assert_int_equal(r.counts.items, 3);
	assert_int_equal(r.counts.pending, 0);
	assert_int_equal(r.counts.decisions, 4);
	assert_int_equal(r.counts.revoke, 1);
	assert_int_equal(r.files, 8);
	assert_string_equal(r.head, f->last);

	/* the campaign row */
	assert_string_equal(fx_text(f->st, "SELECT status || ' ' || closed_by"
	    " || ' ' || (force_reason IS NULL) FROM campaigns"), "closed tester 1");
	assert_string_equal(fx_text(f->st, "SELECT manifest_sha256 FROM"
	    " campaigns"), r.manifest_sha256);
	assert_string_equal(fx_text(f->st, "SELECT closed_at FROM campaigns"),
	    r.closed_at);

	/* modes */
	assert_int_equal(stat(f->dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/decisions.csv", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* the manifest: its hash, the files in order, the chain */
	snprintf(path, sizeof(path), "%s/manifest.json", f->dir);
	assert_int_equal(sha256_file(path, sha, &err), 0);
	assert_string_equal(sha, r.manifest_sha256);
	m = json_load_file(path, 0, NULL);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "campaign")),
	    NAME);
	files = json_object_get(m, "files");
	assert_int_equal(json_array_size(files), ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		json_t *e = json_array_get(files, i);

		assert_string_equal(json_string_value(json_object_get(e,
		    "path")), want[i]);
		snprintf(path, sizeof(path), "%s/%s", f->dir, want[i]);
		assert_int_equal(sha256_file(path, sha, &err), 0);
		assert_string_equal(json_string_value(json_object_get(e,
		    "sha256")), sha);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(json_integer_value(json_object_get(e,
		    "bytes")), sb.st_size);
	}
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(m, "chain"), "head")), f->last);
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(m, "chain"), "decisions")), 4);
	json_decref(m);

	/* the signed file as imported */
	s = slurp(f->dir, "signed/E1-2.xlsx");
	assert_string_equal(s, "PK\x03\x04 not really");
	free(s);

	/* revocations: Bo's Admins, current decision only */
	s = slurp(f->dir, "revocations.csv");
	assert_string_equal(s, "item_id,source,login,entitlement,person_id,"
	    "person_name,reviewer_id,reviewer_name,comment,decided_at,"
	    "account_name,privileged\r\n"
	    "RV-BBBBBBBBBB,okta,bo,Admins,E3,<script>alert(1)</script>,E1,"
	    "Ann <Boss>,\"left in November, \"\"gone\"\"\nsee ticket; Zoë\","
	    "2026-12-10T09:00:00Z,bo,no\r\n");
	free(s);
	s = slurp(f->dir, "revocations.json");
	m = json_loads(s, 0, NULL);
	free(s);
	assert_int_equal(json_array_size(json_object_get(m, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(m, "items"), 0), "login")), "bo");
	json_decref(m);

	/* decisions: all four, the formula defused */
	s = slurp(f->dir, "decisions.csv");
	assert_non_null(strstr(s, "\r\n2,RV-BBBBBBBBBB,okta,bo,Admins,E3,E1,"
	    "keep,\"'=HYPERLINK(\"\"x\"\")\",2026-12-10T09:00:00Z,no,1,"));
	assert_non_null(strstr(s, ",keep,'-,"));
	free(s);

	/* audit.csv: this campaign's rows only */
	s = slurp(f->dir, "audit.csv");
	assert_string_equal(s, "at,os_user,command,args,result,counts,"
	    "campaign\r\n2026-12-03T08:00:00Z,ops,review open,\"[\"\"review\"\","
	    "\"\"open\"\",\"\"" NAME "\"\"]\",0,," NAME "\r\n");
	free(s);

	/* summary: escaped, counted */
	s = slurp(f->dir, "summary.html");
	assert_null(strstr(s, "<script>"));
	assert_null(strstr(s, "<Boss>"));
	assert_non_null(strstr(s, "<td>E1</td><td>Ann &lt;Boss&gt;</td>"
	    "<td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td>"
	    "<td class=\"n\">0</td><td class=\"n\">1</td>"));
	assert_non_null(strstr(s, "<td>dormant</td><td class=\"n\">1</td>"
	    "<td class=\"n\">1</td>"));
	assert_non_null(strstr(s, "<td>terminated_active</td><td class=\"n\">1"
	    "</td><td class=\"n\">0</td>"));
	assert_non_null(strstr(s, f->last));
	assert_null(strstr(s, "Reason given"));
	free(s);
}

static void
test_close_forced(void **state)
{
	struct fx *f = *state;
	struct evidence_result r;
	struct errbuf err = { "" };
	char *s;

	assert_int_equal(do_close(f, "quarter ends <today>", &r, &err), 0);
	assert_int_equal(r.counts.pending, 3);
	assert_int_equal(r.counts.decisions, 0);
	assert_string_equal(fx_text(f->st, "SELECT force_reason FROM"
	    " campaigns"), "quarter ends <today>");
	s = slurp(f->dir, "summary.html");
	assert_non_null(strstr(s, "<th>Reason given</th><td>quarter ends"
	    " &lt;today&gt;</td>"));
	free(s);
	s = slurp(f->dir, "decisions.csv");
	assert_string_equal(s, "seq,item_id,source,login,entitlement,"
	    "person_id,reviewer_id,decision,comment,decided_at,current,"
	    "import_id,file_sha256,carried_from,prev_hash,hash\r\n");
	free(s);
}

static void
test_close_refusals(void **state)
{
	struct fx *f = *state;
	struct evidence_result r;
	struct errbuf err = { "" };

	assert_int_equal(mkdir(f->dir, 0700), 0);
	spew(f->dir, "old.txt", "x");
	assert_int_equal(do_close(f, NULL, &r, &err), EVIDENCE_REFUSED);
	assert_non_null(strstr(err.msg, "exists and is not empty"));
	assert_string_equal(fx_text(f->st, "SELECT status FROM campaigns"),
	    "open");
	snprintf(f->dir, sizeof(f->dir), "%s/pack/old.txt", f->tmp);
	assert_int_equal(do_close(f, NULL, &r, &err), EVIDENCE_REFUSED);
	assert_non_null(strstr(err.msg, "is not a folder"));

	/* an empty folder is fine; a closed campaign is not */
	snprintf(f->dir, sizeof(f->dir), "%s/empty", f->tmp);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_int_equal(do_close(f, NULL, &r, &err), 0);
	campaign_release(&f->c);
	assert_int_equal(campaign_find(f->st, NAME, &f->c, &err), 1);
	snprintf(f->dir, sizeof(f->dir), "%s/again", f->tmp);
	assert_int_equal(do_close(f, NULL, &r, &err), EVIDENCE_REFUSED);
	assert_string_equal(err.msg, "campaign '" NAME "' is closed already");
	assert_int_equal(access(f->dir, F_OK), -1);
}

static void
test_close_undone_on_broken_chain(void **state)
{
	struct fx *f = *state;
	struct evidence_result r;
	struct errbuf err = { "" };

	decide_all(f);
	exec(f->st, "UPDATE decisions SET decision = 'keep' WHERE id = 3");
	assert_int_equal(do_close(f, NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "broken at decision 3"));
	assert_int_equal(access(f->dir, F_OK), -1);
	assert_string_equal(fx_text(f->st, "SELECT status FROM campaigns"),
	    "open");
}

/* verify's findings as one string, "intact" when none. */
static char *
verify(struct fx *f)
{
	struct evidence_verify v;
	struct errbuf err = { "" };
	char buf[2048] = "";
	size_t i;

	if (evidence_verify(f->dir, &v, &err) < 0)
		return strdup(err.msg);
	for (i = 0; i < v.nproblems; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    i ? "|" : "", v.problems[i]);
	if (v.nproblems == 0)
		snprintf(buf, sizeof(buf), "intact %ld %ld", v.files,
		    v.decisions);
	evidence_verify_release(&v);
	return strdup(buf);
}

static void
closed_pack(struct fx *f)
{
	struct evidence_result r;
	struct errbuf err = { "" };

	decide_all(f);
	assert_int_equal(do_close(f, NULL, &r, &err), 0);
}

/* Make the manifest agree with the file as it is now. */
static void
rehash(struct fx *f, const char *rel)
{
	struct errbuf err = { "" };
	char path[256], sha[65], *s;
	json_t *m, *e;
	struct stat sb;
	size_t i;

	snprintf(path, sizeof(path), "%s/manifest.json", f->dir);
	m = json_load_file(path, 0, NULL);
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	assert_int_equal(sha256_file(path, sha, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	json_array_foreach(json_object_get(m, "files"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "path")),
		    rel) != 0)
			continue;
		json_object_set_new(e, "sha256", json_string(sha));
		json_object_set_new(e, "bytes", json_integer(sb.st_size));
	}
	s = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	spew(f->dir, "manifest.json", s);
	free(s);
	json_decref(m);
}

static void
replace(struct fx *f, const char *rel, const char *from, const char *to)
{
	char *s = slurp(f->dir, rel), *p, *out;

	assert_non_null(s);
	assert_non_null(p = strstr(s, from));
	out = calloc(1, strlen(s) + strlen(to) + 1);
	memcpy(out, s, (size_t)(p - s));
	strcat(out, to);
	strcat(out, p + strlen(from));
	spew(f->dir, rel, out);
	free(out);
	free(s);
}

static void
test_verify_intact(void **state)
{
	struct fx *f = *state;
	char *s;

	closed_pack(f);
	/* the formula, the new line, the UTF-8 and "-" read back as hashed */
	assert_string_equal(s = verify(f), "intact 8 4");
	free(s);
}

static void
test_verify_altered_removed_added(void **state)
{
	struct fx *f = *state;
	char path[256], *s;

	closed_pack(f);
	replace(f, "summary.html", "Ann", "Anne");
	snprintf(path, sizeof(path), "%s/signed/E1-1.csv", f->dir);
	assert_int_equal(unlink(path), 0);
	spew(f->dir, "signed/E1-9.csv", "slipped in");
	spew(f->dir, "notes.txt", "x");
	assert_string_equal(s = verify(f), "removed: signed/E1-1.csv|"
	    "altered: summary.html|added: notes.txt|added: signed/E1-9.csv");
	free(s);
}

static void
test_verify_chain_only(void **state)
{
	struct fx *f = *state;
	char *s;

	closed_pack(f);
	replace(f, "decisions.csv", "see ticket", "see no ticket");
	rehash(f, "decisions.csv");
	assert_string_equal(s = verify(f),
	    "decisions.csv: row 3, column comment differs from"
	    " decisions.json");
	free(s);
	replace(f, "decisions.json", "see ticket", "see no ticket");
	rehash(f, "decisions.json");
	assert_string_equal(s = verify(f),
	    "chain broken at decisions.json decision 3 (item RV-BBBBBBBBBB)");
	free(s);
}

static void
test_verify_chain_rewritten_head(void **state)
{
	struct fx *f = *state;
	char *s;

	closed_pack(f);
	/* drop the last decision: every row still links, the head does not */
	replace(f, "decisions.csv", "\r\n4,RV-CCCCCCCCCC", "\r\nX");
	s = slurp(f->dir, "decisions.csv");
	*strstr(s, "\r\nX") = '\0';
	strcat(s, "\r\n");
	spew(f->dir, "decisions.csv", s);
	free(s);
	rehash(f, "decisions.csv");
	assert_string_equal(s = verify(f), "decisions.csv: 3 rows,"
	    " decisions.json 4");
	free(s);
}

static void
test_verify_bad_manifests(void **state)
{
	struct fx *f = *state;
	char *s;

	assert_int_equal(mkdir(f->dir, 0700), 0);
	s = verify(f);
	assert_non_null(strstr(s, "not an evidence pack"));
	free(s);
	spew(f->dir, "manifest.json", "{\"campaign\": ");
	s = verify(f);
	assert_non_null(strstr(s, "manifest.json:1:"));
	free(s);
	spew(f->dir, "manifest.json", "{\"campaign\": \"x\"}");
	s = verify(f);
	assert_non_null(strstr(s, "not a rollcall manifest"));
	free(s);
	spew(f->dir, "decisions.csv", "item_id,decision,comment,reviewer_id,"
	    "decided_at,file_sha256,prev_hash,hash\n");
	spew(f->dir, "manifest.json", "{\"campaign\": \"x\", \"files\":"
	    " [{\"path\": \"../etc/passwd\", \"sha256\": \"00\", \"bytes\": 1}],"
	    " \"chain\": {\"genesis\": \"00\", \"head\": \"00\","
	    " \"decisions\": 0}}");
	assert_string_equal(s = verify(f), "manifest: path '../etc/passwd' is"
	    " outside the pack|added: decisions.csv|missing: summary.html (a"
	    " pack always has it)|missing: decisions.json (a pack always has"
	    " it)|missing: revocations.csv (a pack always has it)|missing:"
	    " revocations.json (a pack always has it)|missing: audit.csv (a"
	    " pack always has it)|chain: the manifest's genesis is not"
	    " campaign 'x''s");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_counts_and_pending),
		T(test_chain_check),
		T(test_chain_check_removed_decision),
		T(test_close_writes_pack),
		T(test_close_forced),
		T(test_close_refusals),
		T(test_close_undone_on_broken_chain),
		T(test_verify_intact),
		T(test_verify_altered_removed_added),
		T(test_verify_chain_only),
		T(test_verify_chain_rewritten_head),
		T(test_verify_bad_manifests),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
