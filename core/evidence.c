/*
 * evidence.c: close a review campaign and write its evidence pack; check a
 * pack again without the database. What the pack holds is in evidence.h,
 * the decision chain's format in chain.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "rollcall/audit.h"
#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/chain.h"
#include "rollcall/csv.h"
#include "rollcall/evidence.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"

/* ---- the chain, as stored and as read back from decisions.csv ---- */

static const char *
null_as_empty(const char *s)
{
	return s ? s : "";
}

/*
 * Does l follow prev with hash want? A stored empty value may have been
 * hashed as null (the usual way: chain.h) or as "".
 */
static int
link_follows(const char *prev, const struct chain_link *l, const char *want)
{
	struct chain_link v;
	char h[65];
	int empty;

	for (empty = 0; empty < 2; empty++) {
		v = *l;
		if (empty) {
			v.comment = null_as_empty(v.comment);
			v.reviewer_id = null_as_empty(v.reviewer_id);
			v.file_sha256 = null_as_empty(v.file_sha256);
		}
		chain_hash(prev, &v, h);
		if (want != NULL && strcmp(h, want) == 0)
			return 1;
	}
	return 0;
}

/* The decisions in chain order, with what decisions.csv shows of them. */
#define SQL_DECISIONS \
	"SELECT d.id, d.item_id, ci.source, ci.login, ci.entitlement," \
	" ci.person_id, d.reviewer_id, d.decision, d.comment, d.decided_at," \
	" d.current, d.import_id, ri.sha256, d.carried_from, d.prev_hash," \
	" d.hash FROM decisions d" \
	" LEFT JOIN campaign_items ci ON ci.campaign_id = d.campaign_id" \
	"  AND ci.item_id = d.item_id" \
	" LEFT JOIN review_imports ri ON ri.id = d.import_id" \
	" WHERE d.campaign_id = ? ORDER BY d.id"

enum {
	D_ID, D_ITEM, D_SOURCE, D_LOGIN, D_ENTITLEMENT, D_PERSON, D_REVIEWER,
	D_DECISION, D_COMMENT, D_DECIDED_AT, D_CURRENT, D_IMPORT, D_FILE_SHA,
	D_CARRIED, D_PREV, D_HASH,
};

static void
link_of_row(sqlite3_stmt *q, const char *campaign, struct chain_link *l)
{
	l->campaign = campaign;
	l->item_id = store_col(q, D_ITEM);
	l->decision = store_col(q, D_DECISION);
	l->comment = store_col(q, D_COMMENT);
	l->reviewer_id = store_col(q, D_REVIEWER);
	l->decided_at = store_col(q, D_DECIDED_AT);
	l->file_sha256 = store_col(q, D_FILE_SHA);
}

int
evidence_chain_check(struct store *st, const struct campaign *c,
    char head[65], struct errbuf *err)
{
	struct chain_link l;
	sqlite3_stmt *q;
	int rc, ret = -1;

	chain_genesis(c->name, head);
	if ((q = store_prepare(st, SQL_DECISIONS, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, c->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *prev = store_col(q, D_PREV);
		const char *hash = store_col(q, D_HASH);

		link_of_row(q, c->name, &l);
		if (prev == NULL || strcmp(prev, head) != 0 ||
		    !link_follows(head, &l, hash)) {
			err_set(err, "the decision chain is broken at decision"
			    " %lld (item %s): a decision was changed, removed"
			    " or added outside rollcall",
			    (long long)sqlite3_column_int64(q, D_ID),
			    l.item_id ? l.item_id : "?");
			goto out;
		}
		snprintf(head, 65, "%s", hash);
	}
	if (rc == SQLITE_DONE)
		ret = 0;
	else
		err_set(err, "cannot read decisions: %s", store_errmsg(st));
out:
	sqlite3_finalize(q);
	return ret;
}

int
evidence_counts(struct store *st, int64_t campaign_id,
    struct evidence_counts *n, struct errbuf *err)
{
	sqlite3_stmt *q;
	int ret = -1;

	memset(n, 0, sizeof(*n));
	q = store_prepare(st, "SELECT"
	    " (SELECT COUNT(*) FROM campaign_items WHERE campaign_id = ?1),"
	    " (SELECT COUNT(*) FROM campaign_items ci WHERE campaign_id = ?1"
	    "  AND NOT EXISTS (SELECT 1 FROM decisions d"
	    "  WHERE d.campaign_id = ?1 AND d.item_id = ci.item_id"
	    "  AND d.current = 1)),"
	    " (SELECT COUNT(*) FROM decisions WHERE campaign_id = ?1),"
	    " (SELECT COUNT(*) FROM decisions WHERE campaign_id = ?1"
	    "  AND current = 1 AND decision = 'keep'),"
	    " (SELECT COUNT(*) FROM decisions WHERE campaign_id = ?1"
	    "  AND current = 1 AND decision = 'revoke'),"
	    " (SELECT COUNT(*) FROM review_imports WHERE campaign_id = ?1)",
	    err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, campaign_id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		n->items = sqlite3_column_int64(q, 0);
		n->pending = sqlite3_column_int64(q, 1);
		n->decisions = sqlite3_column_int64(q, 2);
		n->keep = sqlite3_column_int64(q, 3);
		n->revoke = sqlite3_column_int64(q, 4);
		n->imports = sqlite3_column_int64(q, 5);
		ret = 0;
	} else
		err_set(err, "cannot count decisions: %s", store_errmsg(st));
	sqlite3_finalize(q);
	return ret;
}

/* ---- the pack's folder and files ---- */

struct pack {
	const char *dir;
	char	**files;	/* relative paths written, for manifest.json */
	size_t	 nfiles;
	int	 made_dir;	/* we created dir (else it was empty) */
	int	 made_signed;
	int	 made_manifest;
};

int
evidence_dir_usable(const char *dir, struct errbuf *err)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int used = 0;

	if (stat(dir, &sb) < 0) {
		if (errno == ENOENT)
			return 0;
		err_set(err, "cannot use folder '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		err_set(err, "'%s' exists and is not a folder", dir);
		return EVIDENCE_REFUSED;
	}
	if ((d = opendir(dir)) == NULL) {
		err_set(err, "cannot read folder '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			used = 1;
	closedir(d);
	if (used) {
		err_set(err, "folder '%s' exists and is not empty: an evidence"
		    " pack goes into a folder of its own (choose another"
		    " --out)", dir);
		return EVIDENCE_REFUSED;
	}
	if (sb.st_mode & (S_IWOTH | S_IWGRP)) {
		err_set(err, "folder '%s' is writable by others: someone could"
		    " change the evidence there (choose another --out)", dir);
		return EVIDENCE_REFUSED;
	}
	return 0;
}

/* mkdir -p of dir's parents (0755 less the umask), then dir itself 0700. */
static int
pack_mkdir(struct pack *p, struct errbuf *err)
{
	char *path = xstrdup(p->dir), *s;
	int rc, ret = -1;

	if ((rc = evidence_dir_usable(p->dir, err)) != 0) {
		free(path);
		return rc;
	}
	for (s = path + 1; *s; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			err_set(err, "cannot create folder '%s': %s", path,
			    strerror(errno));
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p->dir, 0700) == 0)
		p->made_dir = 1;
	else if (errno != EEXIST) {
		err_set(err, "cannot create folder '%s': %s", p->dir,
		    strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(path);
	return ret;
}

/* Create rel in the pack, 0600, never through a symlink; NULL with err. */
static FILE *
pack_create(struct pack *p, const char *rel, struct errbuf *err)
{
	char *path = xasprintf("%s/%s", p->dir, rel);
	FILE *fp = NULL;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		err_set(err, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((fp = fdopen(fd, "wb")) == NULL) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	if (strcmp(rel, "manifest.json") == 0)
		p->made_manifest = 1;
	else {
		p->files = xrealloc(p->files, (p->nfiles + 1) *
		    sizeof(*p->files));
		p->files[p->nfiles++] = xstrdup(rel);
	}
out:
	free(path);
	return fp;
}

static int
pack_close(struct pack *p, FILE *fp, const char *rel, struct errbuf *err)
{
	if (close_stream(fp) != 0) {
		err_set(err, "cannot write '%s/%s': %s", p->dir, rel,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* After a failure: take back what we wrote, so that a retry finds room. */
static void
pack_undo(struct pack *p)
{
	char *path;
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		path = xasprintf("%s/%s", p->dir, p->files[i]);
		unlink(path);
		free(path);
	}
	if (p->made_manifest) {
		path = xasprintf("%s/manifest.json", p->dir);
		unlink(path);
		free(path);
	}
	if (p->made_signed) {
		path = xasprintf("%s/signed", p->dir);
		rmdir(path);
		free(path);
	}
	if (p->made_dir)
		rmdir(p->dir);
}

static void
pack_release(struct pack *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
}

/* ---- CSV files ---- */

static void
csv_row(FILE *fp, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			putc(',', fp);
		csv_write_cell(fp, cells[i], ',');
	}
	fputs("\r\n", fp);
}

static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL || (j = json_string(s)) == NULL)
		return json_null();
	return j;
}

static const char *const decisions_header[] = {
	"seq", "item_id", "source", "login", "entitlement", "person_id",
	"reviewer_id", "decision", "comment", "decided_at", "current",
	"import_id", "file_sha256", "carried_from", "prev_hash", "hash",
};

/*
 * decisions.csv and decisions.json, the same rows in chain order. The CSV
 * is for people and defuses formula-like cells with an apostrophe, which
 * cannot be told from one the reviewer typed; the JSON carries every value
 * as hashed (null for none), so `verify` recomputes the chain from it.
 */
static int
write_decisions(struct store *st, struct pack *p, const struct campaign *c,
    const char *genesis, struct errbuf *err)
{
	const char *cells[ARRAY_SIZE(decisions_header)];
	char seq[24], imp[24];
	json_t *root, *items;
	sqlite3_stmt *q;
	FILE *fp, *jp = NULL;
	size_t i;
	long n = 0;
	int rc, ret = -1;

	if ((fp = pack_create(p, "decisions.csv", err)) == NULL)
		return -1;
	root = json_object();
	items = json_array();
	json_object_set_new(root, "campaign", jstr(c->name));
	json_object_set_new(root, "genesis", jstr(genesis));
	json_object_set(root, "decisions", items);
	if ((q = store_prepare(st, SQL_DECISIONS, err)) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, c->id);
	csv_row(fp, decisions_header, ARRAY_SIZE(decisions_header));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		json_t *o = json_object();
		int has_imp = sqlite3_column_type(q, D_IMPORT) != SQLITE_NULL;

		snprintf(seq, sizeof(seq), "%ld", ++n);
		snprintf(imp, sizeof(imp), "%lld",
		    (long long)sqlite3_column_int64(q, D_IMPORT));
		cells[0] = seq;
		cells[1] = store_col(q, D_ITEM);
		cells[2] = store_col(q, D_SOURCE);
		cells[3] = store_col(q, D_LOGIN);
		cells[4] = store_col(q, D_ENTITLEMENT);
		cells[5] = store_col(q, D_PERSON);
		cells[6] = store_col(q, D_REVIEWER);
		cells[7] = store_col(q, D_DECISION);
		cells[8] = store_col(q, D_COMMENT);
		cells[9] = store_col(q, D_DECIDED_AT);
		cells[10] = sqlite3_column_int(q, D_CURRENT) ? "yes" : "no";
		cells[11] = has_imp ? imp : NULL;
		cells[12] = store_col(q, D_FILE_SHA);
		cells[13] = store_col(q, D_CARRIED);
		cells[14] = store_col(q, D_PREV);
		cells[15] = store_col(q, D_HASH);
		csv_row(fp, cells, ARRAY_SIZE(cells));
		json_object_set_new(o, "seq", json_integer(n));
		for (i = 1; i < ARRAY_SIZE(cells); i++)
			json_object_set_new(o, decisions_header[i],
			    i == 10 ? json_boolean(sqlite3_column_int(q,
			    D_CURRENT)) : i == 11 ? (has_imp ?
			    json_integer(sqlite3_column_int64(q, D_IMPORT)) :
			    json_null()) : jstr(cells[i]));
		json_array_append_new(items, o);
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read decisions: %s", store_errmsg(st));
		goto out;
	}
	if ((jp = pack_create(p, "decisions.json", err)) == NULL)
		goto out;
	if (json_dumpf(root, jp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		err_set(err, "cannot write '%s/decisions.json'", p->dir);
	else
		ret = 0;
	putc('\n', jp);
	if (pack_close(p, jp, "decisions.json", err) < 0)
		ret = -1;
out:
	sqlite3_finalize(q);
	json_decref(items);
	json_decref(root);
	if (pack_close(p, fp, "decisions.csv", err) < 0)
		ret = -1;
	return ret;
}

#define SQL_REVOCATIONS \
	"SELECT d.item_id, ci.source, ci.login, ci.entitlement, ci.person_id," \
	" ci.person_name, d.reviewer_id, ci.reviewer_name, d.comment," \
	" d.decided_at, ci.account_name, ci.privileged FROM decisions d" \
	" LEFT JOIN campaign_items ci ON ci.campaign_id = d.campaign_id" \
	"  AND ci.item_id = d.item_id" \
	" WHERE d.campaign_id = ? AND d.current = 1 AND d.decision = 'revoke'" \
	" ORDER BY ci.source, ci.login, ci.entitlement, d.item_id"

static const char *const revocations_header[] = {
	"item_id", "source", "login", "entitlement", "person_id",
	"person_name", "reviewer_id", "reviewer_name", "comment", "decided_at",
	"account_name", "privileged",
};

/* revocations.csv and revocations.json, the same rows. */
static int
write_revocations(struct store *st, struct pack *p, const struct campaign *c,
    struct errbuf *err)
{
	const char *cells[ARRAY_SIZE(revocations_header)];
	json_t *root = NULL, *items = NULL;
	sqlite3_stmt *q = NULL;
	FILE *fp, *jp = NULL;
	size_t i;
	int rc, ret = -1;

	if ((fp = pack_create(p, "revocations.csv", err)) == NULL)
		return -1;
	if ((q = store_prepare(st, SQL_REVOCATIONS, err)) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, c->id);
	root = json_object();
	items = json_array();
	json_object_set_new(root, "campaign", jstr(c->name));
	json_object_set(root, "items", items);
	csv_row(fp, revocations_header, ARRAY_SIZE(revocations_header));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		json_t *o = json_object();

		for (i = 0; i < ARRAY_SIZE(cells); i++)
			cells[i] = store_col(q, (int)i);
		cells[11] = sqlite3_column_int(q, 11) ? "yes" : "no";
		csv_row(fp, cells, ARRAY_SIZE(cells));
		for (i = 0; i < ARRAY_SIZE(cells) - 1; i++)
			json_object_set_new(o, revocations_header[i],
			    jstr(cells[i]));
		json_object_set_new(o, "privileged",
		    json_boolean(sqlite3_column_int(q, 11)));
		json_array_append_new(items, o);
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read revocations: %s", store_errmsg(st));
		goto out;
	}
	if ((jp = pack_create(p, "revocations.json", err)) == NULL)
		goto out;
	if (json_dumpf(root, jp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		err_set(err, "cannot write '%s/revocations.json'", p->dir);
	else
		ret = 0;
	putc('\n', jp);
	if (pack_close(p, jp, "revocations.json", err) < 0)
		ret = -1;
out:
	sqlite3_finalize(q);
	json_decref(items);
	json_decref(root);
	if (pack_close(p, fp, "revocations.csv", err) < 0)
		ret = -1;
	return ret;
}

/* "E1020" stays, "a/b c" becomes "a_b_c": a file name on any system. */
static char *
file_part(const char *s, size_t max)
{
	char *out = xstrndup(s ? s : "", max), *c;

	for (c = out; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '_';
	if (*out == '\0') {
		free(out);
		out = xstrdup("_");
	}
	return out;
}

/* signed/REVIEWER-IMPORTID.EXT: each import's bytes as they came in. */
static int
write_signed(struct store *st, struct pack *p, const struct campaign *c,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	char *path;
	int rc, ret = -1;

	q = store_prepare(st, "SELECT id, reviewer_id, file_name, content"
	    " FROM review_imports WHERE campaign_id = ? ORDER BY id", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, c->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = store_col(q, 2), *dot;
		const void *data = sqlite3_column_blob(q, 3);
		size_t len = (size_t)sqlite3_column_bytes(q, 3);
		char *who, *ext, *rel;
		FILE *fp;
		int bad;

		if (!p->made_signed) {
			path = xasprintf("%s/signed", p->dir);
			bad = mkdir(path, 0700) < 0;
			if (bad)
				err_set(err, "cannot create folder '%s': %s",
				    path, strerror(errno));
			free(path);
			if (bad)
				goto out;
			p->made_signed = 1;
		}
		dot = name ? strrchr(name, '.') : NULL;
		who = file_part(store_col(q, 1), 64);
		ext = dot && dot[1] ? file_part(dot + 1, 8) : xstrdup("bin");
		rel = xasprintf("signed/%s-%lld.%s", who,
		    (long long)sqlite3_column_int64(q, 0), ext);
		free(who);
		free(ext);
		if ((fp = pack_create(p, rel, err)) == NULL) {
			free(rel);
			goto out;
		}
		bad = len > 0 && fwrite(data, 1, len, fp) != len;
		if (pack_close(p, fp, rel, err) < 0)
			bad = 1;
		else if (bad)
			err_set(err, "cannot write '%s/%s'", p->dir, rel);
		free(rel);
		if (bad)
			goto out;
	}
	if (rc == SQLITE_DONE)
		ret = 0;
	else
		err_set(err, "cannot read signed files: %s", store_errmsg(st));
out:
	sqlite3_finalize(q);
	return ret;
}

static const char *const audit_header[] = {
	"at", "os_user", "command", "args", "result", "counts", "campaign",
};

static int
audit_row(const struct audit_entry *e, void *arg, struct errbuf *err)
{
	const char *cells[ARRAY_SIZE(audit_header)];
	char result[16];

	(void)err;
	snprintf(result, sizeof(result), "%d", e->result);
	cells[0] = e->at;
	cells[1] = e->os_user;
	cells[2] = e->command;
	cells[3] = e->args;
	cells[4] = result;
	cells[5] = e->counts;
	cells[6] = e->campaign;
	csv_row(arg, cells, ARRAY_SIZE(cells));
	return 0;
}

static int
write_audit(struct store *st, struct pack *p, const struct campaign *c,
    struct errbuf *err)
{
	FILE *fp;
	int ret;

	if ((fp = pack_create(p, "audit.csv", err)) == NULL)
		return -1;
	csv_row(fp, audit_header, ARRAY_SIZE(audit_header));
	ret = audit_each(st, NULL, c->name, audit_row, fp, err);
	if (pack_close(p, fp, "audit.csv", err) < 0)
		ret = -1;
	return ret;
}

/* ---- summary.html ---- */

static void
html(FILE *fp, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
}

/* <tr><td>..</td>...</tr> of every column of q's row, escaped. */
static void
html_row(FILE *fp, sqlite3_stmt *q, int ncols)
{
	int i;

	fputs("<tr>", fp);
	for (i = 0; i < ncols; i++) {
		int num = sqlite3_column_type(q, i) == SQLITE_INTEGER;

		fputs(num ? "<td class=\"n\">" : "<td>", fp);
		html(fp, store_col(q, i));
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

static void
html_head(FILE *fp, const char *const *cols, size_t n)
{
	size_t i;

	fputs("<table>\n<tr>", fp);
	for (i = 0; i < n; i++) {
		fputs("<th>", fp);
		html(fp, cols[i]);
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
}

/* A table of sql's rows (bound to the campaign id) under heading h. */
static int
html_table(struct store *st, FILE *fp, const char *h, const char *note,
    const char *const *cols, size_t ncols, const char *sql, int64_t id,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	long n = 0;
	int rc;

	if ((q = store_prepare(st, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	fputs("<h2>", fp);
	html(fp, h);
	fputs("</h2>\n", fp);
	if (note) {
		fputs("<p>", fp);
		html(fp, note);
		fputs("</p>\n", fp);
	}
	html_head(fp, cols, ncols);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		html_row(fp, q, (int)ncols);
		n++;
	}
	if (n == 0)
		fprintf(fp, "<tr><td colspan=\"%zu\">none</td></tr>\n", ncols);
	fputs("</table>\n", fp);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read '%s': %s", h, store_errmsg(st));
		return -1;
	}
	return 0;
}

static void
html_kv(FILE *fp, const char *k, const char *v)
{
	fputs("<tr><th>", fp);
	html(fp, k);
	fputs("</th><td>", fp);
	html(fp, v ? v : "-");
	fputs("</td></tr>\n", fp);
}

static const char *const population_cols[] = {
	"source", "snapshot", "kind", "started", "finished", "origin",
	"input sha256", "records", "entitlements", "grants",
	"items in this campaign",
};
static const char *const reviewer_cols[] = {
	"reviewer", "name", "items", "keep", "revoke", "pending",
	"recommended for revocation",
};
static const char *const findings_cols[] = {
	"kind", "findings", "suppressed by an exception",
};
static const char *const imports_cols[] = {
	"import", "reviewer", "file", "sha256", "saved", "imported at",
	"imported by", "decided rows", "undecided rows", "rejected rows",
	"superseded by import",
};

static int
write_summary(struct store *st, struct pack *p, const struct campaign *c,
    const struct evidence_close *o, const struct evidence_result *r,
    const char *genesis, struct errbuf *err)
{
	char num[32];
	FILE *fp;
	size_t i;
	int ret = -1;

	if ((fp = pack_create(p, "summary.html", err)) == NULL)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "\n<title>Access review ", fp);
	html(fp, c->name);
	fputs(": evidence</title>\n<style>\n"
	    "body{font-family:sans-serif;margin:2em;color:#222}\n"
	    "table{border-collapse:collapse;margin-bottom:1.5em}\n"
	    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
	    "vertical-align:top}\nth{background:#eee}\ntd.n{text-align:right}\n"
	    "code{font-size:.9em;word-break:break-all}\n"
	    "</style></head><body>\n<h1>Access review ", fp);
	html(fp, c->name);
	fputs(": evidence pack</h1>\n<table>\n", fp);
	html_kv(fp, "Campaign", c->name);
	html_kv(fp, "Status", "closed");
	html_kv(fp, "As of", c->as_of);
	html_kv(fp, "Opened at", c->opened_at);
	html_kv(fp, "Due", c->due);
	html_kv(fp, "Closed at", r->closed_at);
	html_kv(fp, "Closed by", o->closed_by);
	if (o->force_reason) {
		snprintf(num, sizeof(num), "%ld", r->counts.pending);
		html_kv(fp, "Closed with --force; items without a decision",
		    num);
		html_kv(fp, "Reason given", o->force_reason);
	}
	snprintf(num, sizeof(num), "%ld", r->counts.items);
	html_kv(fp, "Items", num);
	snprintf(num, sizeof(num), "%ld", r->counts.decisions);
	html_kv(fp, "Decisions recorded (current and superseded)", num);
	snprintf(num, sizeof(num), "%ld", r->counts.keep);
	html_kv(fp, "Kept", num);
	snprintf(num, sizeof(num), "%ld", r->counts.revoke);
	html_kv(fp, "To revoke", num);
	html_kv(fp, "Decision chain genesis", genesis);
	html_kv(fp, "Decision chain head", r->head);
	fputs("</table>\n<p>manifest.json lists the SHA-256 of every file of"
	    " this pack; its own SHA-256 was printed by <code>rollcall review"
	    " close</code> and is kept with the campaign. <code>rollcall verify"
	    " FOLDER</code> checks every file and the decision chain.</p>\n",
	    fp);
	if (html_table(st, fp, "Population per source",
	    "The snapshots this campaign froze: tie each to the source by its"
	    " time, origin and the input's SHA-256.", population_cols,
	    ARRAY_SIZE(population_cols),
	    "SELECT cs.source, s.id, s.kind, s.started_at, s.finished_at,"
	    " s.origin, s.sha256, s.n_records, s.n_entitlements, s.n_grants,"
	    " (SELECT COUNT(*) FROM campaign_items ci WHERE ci.campaign_id ="
	    " cs.campaign_id AND ci.source = cs.source)"
	    " FROM campaign_snapshots cs JOIN snapshots s ON s.id ="
	    " cs.snapshot_id WHERE cs.campaign_id = ? ORDER BY cs.source",
	    c->id, err) < 0 ||
	    html_table(st, fp, "Items, decisions and revocations per reviewer",
	    NULL, reviewer_cols, ARRAY_SIZE(reviewer_cols),
	    "SELECT ci.reviewer_id, MAX(ci.reviewer_name), COUNT(*),"
	    " SUM(d.decision IS 'keep'), SUM(d.decision IS 'revoke'),"
	    " SUM(d.id IS NULL), SUM(ci.recommendation IS 'revoke')"
	    " FROM campaign_items ci LEFT JOIN decisions d"
	    " ON d.campaign_id = ci.campaign_id AND d.item_id = ci.item_id"
	    " AND d.current = 1 WHERE ci.campaign_id = ?"
	    " GROUP BY ci.reviewer_id ORDER BY ci.reviewer_id", c->id,
	    err) < 0 ||
	    html_table(st, fp, "Findings by kind",
	    "Of the reconcile the campaign was opened from.", findings_cols,
	    ARRAY_SIZE(findings_cols),
	    "SELECT f.kind, SUM(f.suppressed_by IS NULL),"
	    " SUM(f.suppressed_by IS NOT NULL) FROM findings f"
	    " JOIN campaigns c ON f.reconcile_id = c.reconcile_id"
	    " WHERE c.id = ? GROUP BY f.kind ORDER BY f.kind", c->id,
	    err) < 0 ||
	    html_table(st, fp, "Signed worksheets imported",
	    "Each file's bytes are in signed/ as REVIEWER-IMPORT.EXT.",
	    imports_cols, ARRAY_SIZE(imports_cols),
	    "SELECT id, reviewer_id, file_name, sha256, file_time, imported_at,"
	    " os_user, rows_decided, rows_undecided, rows_rejected,"
	    " superseded_by FROM review_imports WHERE campaign_id = ?"
	    " ORDER BY id", c->id, err) < 0)
		goto out;
	fputs("<h2>Files of this pack</h2>\n", fp);
	html_head(fp, (const char *const[]){ "file", "sha256" }, 2);
	for (i = 0; i < p->nfiles; i++) {
		char *path = xasprintf("%s/%s", p->dir, p->files[i]);
		char sha[65];

		if (strcmp(p->files[i], "summary.html") != 0 &&
		    sha256_file(path, sha, err) == 0) {
			fputs("<tr><td>", fp);
			html(fp, p->files[i]);
			fprintf(fp, "</td><td><code>%s</code></td></tr>\n",
			    sha);
		}
		free(path);
	}
	fputs("<tr><td>summary.html, manifest.json</td><td>in"
	    " manifest.json; the manifest's own hash is on record with the"
	    " campaign</td></tr>\n</table>\n</body></html>\n", fp);
	ret = 0;
out:
	if (pack_close(p, fp, "summary.html", err) < 0)
		ret = -1;
	return ret;
}

/* ---- manifest.json ---- */

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
write_manifest(struct pack *p, const struct campaign *c,
    struct evidence_result *r, const char *genesis, struct errbuf *err)
{
	json_t *root = json_object(), *files = json_array(), *chain;
	struct stat sb;
	char sha[65], *path, *text = NULL;
	FILE *fp = NULL;
	size_t i, len;
	int ret = -1;

	if (p->nfiles > 0)
		qsort(p->files, p->nfiles, sizeof(*p->files), strp_cmp);
	json_object_set_new(root, "campaign", jstr(c->name));
	json_object_set_new(root, "closed_at", jstr(r->closed_at));
	json_object_set(root, "files", files);
	for (i = 0; i < p->nfiles; i++) {
		json_t *f = json_object();
		int bad;

		path = xasprintf("%s/%s", p->dir, p->files[i]);
		bad = sha256_file(path, sha, err) < 0 || stat(path, &sb) < 0;
		if (bad && err && err->msg[0] == '\0')
			err_set(err, "cannot read '%s': %s", path,
			    strerror(errno));
		free(path);
		json_object_set_new(f, "path", json_string(p->files[i]));
		json_object_set_new(f, "sha256", json_string(sha));
		json_object_set_new(f, "bytes",
		    json_integer((json_int_t)sb.st_size));
		json_array_append_new(files, f);
		if (bad)
			goto out;
	}
	chain = json_object();
	json_object_set_new(chain, "genesis", json_string(genesis));
	json_object_set_new(chain, "head", json_string(r->head));
	json_object_set_new(chain, "decisions",
	    json_integer(r->counts.decisions));
	json_object_set_new(root, "chain", chain);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		err_set(err, "out of memory");
		goto out;
	}
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	sha256_hex(text, len, r->manifest_sha256);
	r->files = (long)p->nfiles;
	if ((fp = pack_create(p, "manifest.json", err)) == NULL)
		goto out;
	fwrite(text, 1, len, fp);
	ret = pack_close(p, fp, "manifest.json", err);
out:
	free(text);
	json_decref(files);
	json_decref(root);
	return ret;
}

/* ---- close ---- */

static int
mark_closed(struct store *st, const struct campaign *c,
    const struct evidence_close *o, const struct evidence_result *r,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int ret = -1;

	q = store_prepare(st, "UPDATE campaigns SET status = 'closed',"
	    " closed_at = ?, closed_by = ?, force_reason = ?,"
	    " manifest_sha256 = ?, close_snapshot = (SELECT COALESCE(MAX(id),"
	    " 0) FROM snapshots) WHERE id = ? AND status = 'open'", err);
	if (q == NULL)
		return -1;
	store_bind_text(q, 1, r->closed_at);
	store_bind_text(q, 2, o->closed_by);
	store_bind_text(q, 3, o->force_reason);
	store_bind_text(q, 4, r->manifest_sha256);
	sqlite3_bind_int64(q, 5, c->id);
	if (store_step_done(st, q, err) == 0) {
		if (sqlite3_changes(store_db(st)) == 1)
			ret = 0;
		else
			err_set(err, "campaign '%s' is not open", c->name);
	}
	sqlite3_finalize(q);
	return ret;
}

int
evidence_close(struct store *st, const struct campaign *c,
    const struct evidence_close *o, struct evidence_result *r,
    struct errbuf *err)
{
	struct pack p;
	char genesis[65];
	int rc, ret = -1;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.dir = o->dir;
	if (c->status == NULL || strcmp(c->status, "open") != 0) {
		err_set(err, "campaign '%s' is %s already", c->name,
		    c->status ? c->status : "closed");
		return EVIDENCE_REFUSED;
	}
	now_iso(r->closed_at);
	chain_genesis(c->name, genesis);
	if (evidence_counts(st, c->id, &r->counts, err) < 0 ||
	    evidence_chain_check(st, c, r->head, err) < 0)
		return -1;
	if ((rc = pack_mkdir(&p, err)) != 0)
		return rc;
	/* summary.html last but the manifest: it lists the others' hashes. */
	if (write_decisions(st, &p, c, genesis, err) < 0 ||
	    write_revocations(st, &p, c, err) < 0 ||
	    write_signed(st, &p, c, err) < 0 ||
	    write_audit(st, &p, c, err) < 0 ||
	    write_summary(st, &p, c, o, r, genesis, err) < 0 ||
	    write_manifest(&p, c, r, genesis, err) < 0 ||
	    mark_closed(st, c, o, r, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		pack_undo(&p);
	pack_release(&p);
	return ret;
}

/* ---- verify ---- */

static void
problem(struct evidence_verify *v, char *msg)
{
	v->problems = xrealloc(v->problems, (v->nproblems + 1) *
	    sizeof(*v->problems));
	v->problems[v->nproblems++] = msg;
}

void
evidence_verify_release(struct evidence_verify *v)
{
	size_t i;

	for (i = 0; i < v->nproblems; i++)
		free(v->problems[i]);
	free(v->problems);
	memset(v, 0, sizeof(*v));
}

/* A manifest path that stays inside the pack. */
static int
path_ok(const char *rel)
{
	const char *s;

	if (rel[0] == '\0' || rel[0] == '/' ||
	    strcmp(rel, "manifest.json") == 0)
		return 0;
	for (s = rel; s != NULL; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
		if (strncmp(s, "..", 2) == 0 && (s[2] == '/' || s[2] == '\0'))
			return 0;
	return 1;
}

struct listed {
	const char **paths;
	size_t	 n;
};

static int
is_listed(const struct listed *l, const char *rel)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->paths[i], rel) == 0)
			return 1;
	return 0;
}

/* Every file under dir/rel that the manifest does not list. */
static void
find_added(const char *dir, const char *rel, const struct listed *l,
    struct buf *added_err, char ***added, size_t *nadded)
{
	char *path = rel ? xasprintf("%s/%s", dir, rel) : xstrdup(dir);
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		buf_addf(added_err, "cannot read folder '%s': %s", path,
		    strerror(errno));
		free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *r, *full;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		r = rel ? xasprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		full = xasprintf("%s/%s", dir, r);
		if (lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
			find_added(dir, r, l, added_err, added, nadded);
		else if (strcmp(r, "manifest.json") != 0 && !is_listed(l, r)) {
			*added = xrealloc(*added, (*nadded + 1) *
			    sizeof(**added));
			(*added)[(*nadded)++] = xstrdup(r);
		}
		free(full);
		free(r);
	}
	closedir(d);
	free(path);
}

static void
verify_files(const char *dir, json_t *files, struct evidence_verify *v)
{
	struct listed l = { NULL, 0 };
	struct buf werr = BUF_INIT;
	char **added = NULL;
	size_t i, nadded = 0;
	json_t *f;

	l.paths = xcalloc(json_array_size(files) + 1, sizeof(*l.paths));
	json_array_foreach(files, i, f) {
		const char *rel = json_string_value(json_object_get(f, "path"));
		const char *want = json_string_value(json_object_get(f,
		    "sha256"));
		json_t *bytes = json_object_get(f, "bytes");
		struct errbuf err = { "" };
		struct stat sb;
		char sha[65], *path;
		int gone;

		if (rel == NULL || want == NULL || !json_is_integer(bytes)) {
			problem(v, xasprintf("manifest: entry %zu lacks path,"
			    " sha256 or bytes", i + 1));
			continue;
		}
		if (!path_ok(rel)) {
			problem(v, xasprintf("manifest: path '%s' is outside"
			    " the pack", rel));
			continue;
		}
		l.paths[l.n++] = rel;
		v->files++;
		path = xasprintf("%s/%s", dir, rel);
		gone = lstat(path, &sb) < 0;
		if (gone)
			problem(v, xasprintf("%s: %s", errno == ENOENT ?
			    "removed" : "unreadable", rel));
		else if (!S_ISREG(sb.st_mode))
			problem(v, xasprintf("altered: %s (not a file)", rel));
		else if (sha256_file(path, sha, &err) < 0)
			problem(v, xasprintf("unreadable: %s: %s", rel,
			    err.msg));
		else if (strcmp(sha, want) != 0 ||
		    (json_int_t)sb.st_size != json_integer_value(bytes))
			problem(v, xasprintf("altered: %s", rel));
		free(path);
	}
	find_added(dir, NULL, &l, &werr, &added, &nadded);
	if (nadded > 0)
		qsort(added, nadded, sizeof(*added), strp_cmp);
	for (i = 0; i < nadded; i++) {
		problem(v, xasprintf("added: %s", added[i]));
		free(added[i]);
	}
	if (werr.len)
		problem(v, buf_detach(&werr));
	free(added);
	free(l.paths);
}

/*
 * rel is altered or removed by the manifest already: what its content
 * then says is no news.
 */
static int
reported(const struct evidence_verify *v, const char *rel)
{
	size_t i, n = strlen(rel);

	for (i = 0; i < v->nproblems; i++) {
		const char *p = v->problems[i], *c = strchr(p, ':');

		if (c != NULL && c[1] == ' ' && strncmp(c + 2, rel, n) == 0 &&
		    (c[2 + n] == '\0' || c[2 + n] == ' '))
			return 1;
	}
	return 0;
}

/* Load dir/rel as JSON; NULL (a problem noted) when it cannot. */
static json_t *
load_json(const char *dir, const char *rel, struct evidence_verify *v)
{
	json_error_t jerr;
	json_t *j;
	char *path = xasprintf("%s/%s", dir, rel);

	/* a missing one is "removed" or "missing" already */
	if ((j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL
	    && access(path, F_OK) == 0)
		problem(v, xasprintf("unreadable: %s: line %d: %s", rel,
		    jerr.line, jerr.text));
	free(path);
	return j;
}

/*
 * Recompute the chain from decisions.json, which holds the values exactly
 * as hashed; the first break is the problem. Returns its decisions array
 * (a new reference) for the checks that follow, or NULL.
 */
static json_t *
verify_chain(const char *dir, const char *campaign, json_t *chain,
    struct evidence_verify *v)
{
	const char *genesis = json_string_value(json_object_get(chain,
	    "genesis"));
	const char *mhead = json_string_value(json_object_get(chain, "head"));
	json_t *mn = json_object_get(chain, "decisions");
	json_t *root, *ds = NULL, *d;
	const char *jc;
	char head[65];
	size_t i;

	chain_genesis(campaign, head);
	if (genesis == NULL || strcmp(genesis, head) != 0)
		problem(v, xasprintf("chain: the manifest's genesis is not"
		    " campaign '%s''s", campaign));
	if ((root = load_json(dir, "decisions.json", v)) == NULL)
		return NULL;
	jc = json_string_value(json_object_get(root, "campaign"));
	ds = json_object_get(root, "decisions");
	if (jc == NULL || strcmp(jc, campaign) != 0 || !json_is_array(ds)) {
		problem(v, xasprintf("chain: decisions.json is not campaign"
		    " '%s''s decisions", campaign));
		json_decref(root);
		return NULL;
	}
	json_incref(ds);
	json_decref(root);
	v->decisions = (long)json_array_size(ds);
	json_array_foreach(ds, i, d) {
		const char *prev = json_string_value(json_object_get(d,
		    "prev_hash"));
		const char *hash = json_string_value(json_object_get(d,
		    "hash"));
		struct chain_link l;

		l.campaign = campaign;
		l.item_id = json_string_value(json_object_get(d, "item_id"));
		l.decision = json_string_value(json_object_get(d, "decision"));
		l.comment = json_string_value(json_object_get(d, "comment"));
		l.reviewer_id = json_string_value(json_object_get(d,
		    "reviewer_id"));
		l.decided_at = json_string_value(json_object_get(d,
		    "decided_at"));
		l.file_sha256 = json_string_value(json_object_get(d,
		    "file_sha256"));
		if (!json_is_object(d) || prev == NULL || hash == NULL ||
		    strcmp(prev, head) != 0 || !link_follows(head, &l, hash)) {
			problem(v, xasprintf("chain broken at decisions.json"
			    " decision %zu (item %s)", i + 1,
			    l.item_id ? l.item_id : "?"));
			json_decref(ds);
			return NULL;
		}
		snprintf(head, sizeof(head), "%s", hash);
	}
	if (!json_is_integer(mn) || json_integer_value(mn) !=
	    (json_int_t)json_array_size(ds))
		problem(v, xasprintf("chain: decisions.json has %zu decisions,"
		    " the manifest %lld", json_array_size(ds),
		    (long long)json_integer_value(mn)));
	else if (mhead == NULL || strcmp(mhead, head) != 0)
		problem(v, xasprintf("chain: the last decision's hash is not"
		    " the manifest's head"));
	return ds;
}

/*
 * The cell a pack's CSV holds for a JSON value: text as csv_write_cell()
 * writes it (the defusing apostrophe, nothing else), "" for null,
 * yes/no for a boolean. Caller frees.
 */
static char *
csv_form(json_t *j)
{
	const char *s;

	if (json_is_string(j)) {
		s = json_string_value(j);
		return csv_needs_defuse(s) ? xasprintf("'%s", s) : xstrdup(s);
	}
	if (json_is_integer(j))
		return xasprintf("%lld", (long long)json_integer_value(j));
	if (json_is_boolean(j))
		return xstrdup(json_is_true(j) ? "yes" : "no");
	return xstrdup("");
}

/*
 * dir/rel (a CSV) must show rows[] exactly, row by row and column by
 * column of its header ("seq": the row number). The first difference is
 * the problem.
 */
static void
verify_csv_rows(const char *dir, const char *rel, json_t *rows,
    const char *from, struct evidence_verify *v)
{
	struct errbuf err = { "" };
	struct csv c;
	char **names = NULL, *path;
	size_t i, nnames = 0;
	long row = 0;
	int rc, bad = 0;

	if (reported(v, rel) || reported(v, from))
		return;
	path = xasprintf("%s/%s", dir, rel);
	if (csv_open(&c, path, ',', &err) < 0) {
		problem(v, xasprintf("unreadable: %s", err.msg));
		free(path);
		return;
	}
	if ((rc = csv_next(&c, &err)) <= 0) {
		problem(v, xasprintf("%s: %s", rel, rc < 0 ? err.msg :
		    "no header"));
		goto out;
	}
	nnames = c.nf;
	names = xcalloc(nnames + 1, sizeof(*names));
	for (i = 0; i < nnames; i++)
		names[i] = xstrdup(c.f[i].s);
	while (!bad && (rc = csv_next(&c, &err)) > 0) {
		json_t *o = json_array_get(rows, (size_t)row);

		row++;
		if (o == NULL) {
			problem(v, xasprintf("%s: row %ld is not in %s", rel,
			    row, from));
			bad = 1;
			break;
		}
		for (i = 0; i < nnames && !bad; i++) {
			const char *cell = i < c.nf ? c.f[i].s : "";
			json_t *j = json_object_get(o, names[i]);
			char *want;

			if (j == NULL) {
				problem(v, xasprintf("%s: column '%s' is not"
				    " in %s", rel, names[i], from));
				bad = 1;
				break;
			}
			want = csv_form(j);
			if (strcmp(cell, want) != 0 || c.nf != nnames) {
				problem(v, xasprintf("%s: row %ld, column %s"
				    " differs from %s", rel, row, names[i],
				    from));
				bad = 1;
			}
			free(want);
		}
	}
	if (rc < 0)
		problem(v, xasprintf("unreadable: %s", err.msg));
	else if (!bad && (size_t)row != json_array_size(rows))
		problem(v, xasprintf("%s: %ld rows, %s %zu", rel, row, from,
		    json_array_size(rows)));
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	csv_close(&c);
	free(path);
}

static const char *
jfield(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/*
 * What the chain says must be revoked: each item's newest decision is
 * its current one. decisions.json's "current" must agree, and
 * revocations.json and .csv must hold exactly those, no more, no fewer.
 */
static void
verify_revocations(const char *dir, json_t *ds, struct evidence_verify *v)
{
	struct strmap *newest = strmap_new(), *listed = strmap_new();
	json_t *root, *items, *d;
	size_t i;
	long at, dummy, want = 0;

	json_array_foreach(ds, i, d)
		strmap_put(newest, null_as_empty(jfield(d, "item_id")),
		    (long)i);
	json_array_foreach(ds, i, d) {
		strmap_get(newest, null_as_empty(jfield(d, "item_id")), &at);
		if (json_is_true(json_object_get(d, "current")) !=
		    (at == (long)i)) {
			problem(v, xasprintf("decisions.json: decision %zu is"
			    " marked %s, but the chain says otherwise", i + 1,
			    at == (long)i ? "superseded" : "current"));
			break;
		}
		if (at == (long)i && same_text(jfield(d, "decision"),
		    "revoke"))
			want++;
	}
	if (reported(v, "revocations.json") ||
	    (root = load_json(dir, "revocations.json", v)) == NULL)
		goto out;
	items = json_object_get(root, "items");
	if (!json_is_array(items)) {
		problem(v, xasprintf("revocations.json: no items"));
		goto done;
	}
	json_array_foreach(items, i, d) {
		const char *item = null_as_empty(jfield(d, "item_id"));
		json_t *dec;

		if (!strmap_get(newest, item, &at) || strmap_get(listed, item,
		    &dummy) || (dec = json_array_get(ds, (size_t)at)) == NULL ||
		    !same_text(jfield(dec, "decision"), "revoke") ||
		    !same_text(jfield(dec, "reviewer_id"),
		    jfield(d, "reviewer_id")) ||
		    !same_text(jfield(dec, "comment"), jfield(d, "comment")) ||
		    !same_text(jfield(dec, "decided_at"),
		    jfield(d, "decided_at"))) {
			problem(v, xasprintf("revocations.json: item %s is not"
			    " a current revoke decision of the chain", item));
			goto done;
		}
		strmap_put(listed, item, 1);
	}
	if ((long)json_array_size(items) != want) {
		problem(v, xasprintf("revocations.json: %zu revocations, the"
		    " chain %ld", json_array_size(items), want));
		goto done;
	}
	verify_csv_rows(dir, "revocations.csv", items, "revocations.json", v);
done:
	json_decref(root);
out:
	strmap_free(newest);
	strmap_free(listed);
}

/*
 * Each import a decision came from has its signed file, signed/WHO-ID.EXT,
 * and it is the very file: its SHA-256 is the one the decisions hashed.
 */
static void
verify_signed(const char *dir, json_t *files, json_t *ds,
    struct evidence_verify *v)
{
	struct strmap *seen = strmap_new();
	struct dirent *de;
	char **names = NULL, *sdir = xasprintf("%s/signed", dir);
	size_t i, k, nnames = 0;
	long dummy;
	json_t *d;
	DIR *dp;

	if ((dp = opendir(sdir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			names = xrealloc(names, (nnames + 1) *
			    sizeof(*names));
			names[nnames++] = xstrdup(de->d_name);
		}
		closedir(dp);
	}
	json_array_foreach(ds, i, d) {
		json_t *imp = json_object_get(d, "import_id");
		const char *fsha = jfield(d, "file_sha256");
		char key[32], *suffix, sha[65];
		int found = 0;

		if (!json_is_integer(imp))
			continue;	/* carried from an earlier campaign */
		snprintf(key, sizeof(key), "%lld",
		    (long long)json_integer_value(imp));
		if (strmap_get(seen, key, &dummy))
			continue;
		strmap_put(seen, key, 1);
		suffix = xasprintf("-%s.", key);
		for (k = 0; k < nnames && !found; k++) {
			char *dash = strrchr(names[k], '-'), *path;
			struct errbuf err = { "" };

			if (dash == NULL || strncmp(dash, suffix,
			    strlen(suffix)) != 0 || strchr(dash +
			    strlen(suffix), '.') != NULL)
				continue;
			found = 1;
			path = xasprintf("%s/%s", sdir, names[k]);
			if (sha256_file(path, sha, &err) == 0 &&
			    (fsha == NULL || strcmp(sha, fsha) != 0))
				problem(v, xasprintf("altered: signed/%s (not"
				    " the file import %s's decisions came"
				    " from)", names[k], key));
			free(path);
		}
		/* one the manifest lists is "removed" already */
		json_array_foreach(files, k, imp) {
			const char *rel = jfield(imp, "path"), *dash;

			if (rel && strncmp(rel, "signed/", 7) == 0 &&
			    (dash = strrchr(rel, '-')) != NULL &&
			    strncmp(dash, suffix, strlen(suffix)) == 0)
				found = 1;
		}
		if (!found)
			problem(v, xasprintf("missing: the signed file of"
			    " import %s (signed/*-%s.*)", key, key));
		free(suffix);
	}
	for (k = 0; k < nnames; k++)
		free(names[k]);
	free(names);
	free(sdir);
	strmap_free(seen);
}

/* Files every pack has: a consistent rewrite cannot drop one. */
static void
verify_required(const char *dir, json_t *files, struct evidence_verify *v)
{
	static const char *const required[] = {
		"summary.html", "decisions.csv", "decisions.json",
		"revocations.csv", "revocations.json", "audit.csv",
	};
	size_t i, k;
	json_t *f;

	for (k = 0; k < ARRAY_SIZE(required); k++) {
		struct stat sb;
		char *path;
		int listed = 0;

		json_array_foreach(files, i, f)
			listed |= same_text(jfield(f, "path"), required[k]);
		if (listed)
			continue;	/* verify_files saw to it */
		path = xasprintf("%s/%s", dir, required[k]);
		if (lstat(path, &sb) < 0)
			problem(v, xasprintf("missing: %s (a pack always has"
			    " it)", required[k]));
		free(path);
	}
}

int
evidence_verify(const char *dir, struct evidence_verify *v,
    struct errbuf *err)
{
	json_error_t jerr;
	json_t *m, *files, *chain, *ds;
	const char *campaign;
	char *path;

	memset(v, 0, sizeof(*v));
	path = xasprintf("%s/manifest.json", dir);
	if (sha256_file(path, v->manifest_sha256, err) < 0) {
		err_prefix(err, "not an evidence pack");
		free(path);
		return -1;
	}
	m = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (m == NULL) {
		err_set(err, "%s:%d:%d: %s", path, jerr.line, jerr.column,
		    jerr.text);
		free(path);
		return -1;
	}
	free(path);
	campaign = json_string_value(json_object_get(m, "campaign"));
	files = json_object_get(m, "files");
	chain = json_object_get(m, "chain");
	if (campaign == NULL || !json_is_array(files) ||
	    !json_is_object(chain)) {
		err_set(err, "%s/manifest.json: not a rollcall manifest (it"
		    " needs campaign, files and chain)", dir);
		json_decref(m);
		return -1;
	}
	verify_files(dir, files, v);
	verify_required(dir, files, v);
	if ((ds = verify_chain(dir, campaign, chain, v)) != NULL) {
		verify_csv_rows(dir, "decisions.csv", ds, "decisions.json", v);
		verify_revocations(dir, ds, v);
		verify_signed(dir, files, ds, v);
		json_decref(ds);
	}
	json_decref(m);
	return 0;
}
