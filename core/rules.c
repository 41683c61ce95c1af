/*
 * rules.c: the rule files (imports.h): role matrix, SoD rules, overrides
 * and exceptions, and the load that every import shares with hr.c.
 *
 * The four files are small tables that admins edit by hand, so each is
 * one description (columns, which are required, the INSERT) and one row
 * checker; the reading, the error collection and the snapshot are common.
 * As with the roster, every row is checked before anything is written and
 * one bad row fails the whole file: a rule set loaded in part would make
 * findings appear or vanish for no visible reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/csv.h"
#include "rollcall/date.h"
#include "rollcall/imports.h"
#include "rollcall/store.h"

#define MAXV 8

struct rules;

struct table {
	const char *name;		/* snapshot source and kind */
	const char *const cols[MAXV + 1];	/* header names, NULL-terminated */
	unsigned required;		/* bit i: column i must be there */
	int	 nout;			/* values per row, bound after line */
	const char *sql;		/* (snapshot_id, line, out...) */
	/* in[i]: trimmed value of cols[i] or NULL; fills out; 0 or -1 */
	int	(*row)(struct rules *, char **in, char **out);
	/* after all rows: checks across rows (may be NULL) */
	void	(*across)(struct rules *);
	int	 empty_ok;		/* a header alone is a valid file */
};

struct rule_row {
	long	 line;
	char	*v[MAXV];
};

struct rules {
	const struct table *t;
	const char *path;
	struct csv csv;
	int	 col[MAXV];
	size_t	 ncols;
	struct rule_row *rows;
	size_t	 n;
	struct import_errors errs;
};

void
import_error(struct import_errors *e, const char *fmt, ...)
{
	va_list ap;

	if (e->n++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(e->first.msg, sizeof(e->first.msg), fmt, ap);
	va_end(ap);
}

int
import_errors_done(const struct import_errors *e, struct errbuf *err)
{
	if (e->n == 0)
		return 0;
	if (e->n == 1)
		err_set(err, "%s", e->first.msg);
	else
		err_set(err, "%.900s (and %ld more error%s)", e->first.msg,
		    e->n - 1, e->n == 2 ? "" : "s");
	return -1;
}

int
import_failed(struct store *st, const char *name, const char *path,
    struct errbuf *err)
{
	snapshot_failed(st, name, name, path, err->msg);
	return -1;
}

int
import_snapshot(struct store *st, const char *name, const char *path,
    int (*insert)(struct store *, int64_t, void *, long *, struct errbuf *),
    void *arg, struct import_result *res, struct errbuf *err)
{
	struct snapshot_counts counts = { 0, 0, 0 };
	int64_t snap;

	if (sha256_file(path, res->sha256, err) < 0)
		return import_failed(st, name, path, err);
	if (store_begin(st, err) < 0)
		return import_failed(st, name, path, err);
	if ((snap = snapshot_begin(st, name, name, path, err)) < 0 ||
	    insert(st, snap, arg, &res->rows, err) < 0)
		goto fail;
	counts.records = res->rows;
	if (snapshot_finish(st, snap, &counts, res->sha256, err) < 0 ||
	    store_commit(st, err) < 0)
		goto fail;
	res->snapshot = snap;
	return 0;
fail:
	store_rollback(st);
	res->rows = 0;
	return import_failed(st, name, path, err);
}

/* An error at column i of the current row. */
static int
rerr(struct rules *r, int i, const char *fmt, const char *a)
{
	const struct csv_field *f = &r->csv.f[r->col[i] >= 0 ? r->col[i] : 0];
	char msg[768];

	snprintf(msg, sizeof(msg), fmt, a ? a : "");
	import_error(&r->errs, "%s:%ld:%ld: %s", r->path, f->line,
	    r->col[i] >= 0 ? f->col : 1, msg);
	return -1;
}

static int
need(struct rules *r, char **in, int i)
{
	if (in[i] != NULL)
		return 0;
	return rerr(r, i, "empty '%s'", r->t->cols[i]);
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * fnmatch() takes an unbalanced '[' as a plain character, so "[a-" would
 * quietly match nothing: a rule that never applies. 0, or the 0-based
 * offset of the '[' that is never closed.
 */
static long
glob_bad_bracket(const char *p)
{
	const char *s = p, *open;

	while (*s) {
		if (*s == '\\' && s[1]) {
			s += 2;
			continue;
		}
		if (*s != '[') {
			s++;
			continue;
		}
		open = s++;
		if (*s == '!' || *s == '^')
			s++;
		if (*s == ']')		/* a leading ']' is literal */
			s++;
		while (*s && *s != ']')
			s++;
		if (*s != ']')
			return (long)(open - p) + 1;
		s++;
	}
	return 0;
}

/* A glob in column i, checked; 0 or -1 (error at the '['). */
static int
glob_ok(struct rules *r, char **in, int i)
{
	const struct csv_field *f;
	long at;

	if (in[i] == NULL || (at = glob_bad_bracket(in[i])) == 0)
		return 0;
	f = &r->csv.f[r->col[i]];
	import_error(&r->errs, "%s:%ld:%ld: %s '%s': '[' is never closed"
	    " (write [[] for a literal '[')", r->path, f->line, f->col +
	    (long)(strstr(f->s, in[i]) ? strstr(f->s, in[i]) - f->s : 0) +
	    at - 1, r->t->cols[i], in[i]);
	return -1;
}

/* "", "*": any. */
static char *
glob_or_any(const char *s)
{
	return s == NULL || strcmp(s, "*") == 0 ? NULL : xstrdup(s);
}

static int
yes_no(const char *s)
{
	if (s == NULL || !strcasecmp(s, "no") || !strcasecmp(s, "false") ||
	    !strcmp(s, "0") || !strcasecmp(s, "n"))
		return 0;
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") ||
	    !strcmp(s, "1") || !strcasecmp(s, "y"))
		return 1;
	return -1;
}

/* department,title,job_code,source,entitlement,privileged */
static int
matrix_row(struct rules *r, char **in, char **out)
{
	int priv, bad = 0;

	bad |= need(r, in, 3);
	bad |= need(r, in, 4);
	bad |= glob_ok(r, in, 0);
	bad |= glob_ok(r, in, 1);
	bad |= glob_ok(r, in, 2);
	bad |= glob_ok(r, in, 4);
	if ((priv = yes_no(in[5])) < 0)
		bad |= rerr(r, 5, "privileged must be yes or no (got '%s')",
		    in[5]);
	if (bad)
		return -1;
	out[0] = glob_or_any(in[0]);
	out[1] = glob_or_any(in[1]);
	out[2] = glob_or_any(in[2]);
	out[3] = xstrdup(in[3]);
	out[4] = xstrdup(in[4]);
	out[5] = xstrdup(priv ? "1" : "0");
	return 0;
}

/* "source:entitlement", split at the first ':' (entitlements may hold more). */
static int
sod_side(struct rules *r, char **in, int i, char **src, char **ent)
{
	const char *colon;
	char *a, *b;

	if (need(r, in, i) < 0)
		return -1;
	if ((colon = strchr(in[i], ':')) == NULL)
		return rerr(r, i, "'%s' must be source:entitlement", in[i]);
	a = str_trim(xstrndup(in[i], (size_t)(colon - in[i])));
	b = str_trim(xstrdup(colon + 1));
	if (*a == '\0' || *b == '\0') {
		free(a);
		free(b);
		return rerr(r, i, "'%s' must be source:entitlement", in[i]);
	}
	if (glob_bad_bracket(a) || glob_bad_bracket(b)) {
		free(a);
		free(b);
		return glob_ok(r, in, i);
	}
	*src = a;
	*ent = b;
	return 0;
}

/* left,right,reason */
static int
sod_row(struct rules *r, char **in, char **out)
{
	int bad = 0;

	bad |= sod_side(r, in, 0, &out[0], &out[1]);
	bad |= sod_side(r, in, 1, &out[2], &out[3]);
	if (bad)
		return -1;
	/* Anyone holding the entitlement would "hold both sides". */
	if (strcasecmp(out[0], out[2]) == 0 && strcasecmp(out[1], out[3]) == 0)
		return rerr(r, 1, "right side '%s' is the same as the left"
		    " side (a rule needs two different entitlements)", in[1]);
	out[4] = dup_or_null(in[2]);
	return 0;
}

static int
kind_ok(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(k, *list) == 0)
			return 1;
	return 0;
}

/* source,login,person_id,kind,owner,reason */
static int
overrides_row(struct rules *r, char **in, char **out)
{
	static const char *const kinds[] = {
		"human", "service", "shared", NULL,
	};
	char *kind = in[3] ? str_lower(in[3]) : xstrdup("human");
	int bad = 0;

	bad |= need(r, in, 0);
	bad |= need(r, in, 1);
	if (!kind_ok(kind, kinds))
		bad |= rerr(r, 3, "kind must be human, service or shared (got"
		    " '%s')", in[3]);
	else if (strcmp(kind, "human") == 0 && in[2] == NULL)
		bad |= rerr(r, 2, "a human account needs a person_id%s", NULL);
	if (bad) {
		free(kind);
		return -1;
	}
	out[0] = xstrdup(in[0]);
	out[1] = xstrdup(in[1]);
	out[2] = dup_or_null(in[2]);
	out[3] = kind;
	out[4] = dup_or_null(in[4]);
	out[5] = dup_or_null(in[5]);
	return 0;
}

/* kind,source,login,entitlement,reason,approved_by,expires */
static int
exceptions_row(struct rules *r, char **in, char **out)
{
	static const char *const kinds[] = {
		"terminated_active", "orphan", "over_privileged",
		"sod_conflict", "no_mfa", "dormant", "duplicate",
		"service_no_owner", "revocation_pending", NULL,
	};
	struct errbuf derr = { "" };
	char expires[11] = "";
	int bad = 0, i;

	for (i = 0; i < 7; i++)
		if (i != 3)
			bad |= need(r, in, i);
	if (in[0] && !kind_ok(in[0], kinds))
		bad |= rerr(r, 0, "unknown finding kind '%s' (terminated_active,"
		    " orphan, over_privileged, sod_conflict, no_mfa, dormant,"
		    " duplicate, service_no_owner)", in[0]);
	if (in[6] && date_parse(in[6], NULL, expires, &derr) < 0)
		bad |= rerr(r, 6, "expires: %s", derr.msg);
	if (bad)
		return -1;
	for (i = 0; i < 6; i++)
		out[i] = dup_or_null(in[i]);
	out[6] = xstrdup(expires);
	return 0;
}

/* A stored value as the file has it: privileged is yes or no there. */
static const char *
shown(const struct rules *r, int k, const char *v)
{
	if (strcmp(r->t->cols[k], "privileged") == 0)
		return v && strcmp(v, "1") == 0 ? "yes" : "no";
	return v ? v : "";
}

static struct rules *cmp_rules;
static const int *cmp_key;	/* out indices, -1 terminated */

static int
cmp_nocase(const char *a, const char *b)
{
	return strcasecmp(a ? a : "*", b ? b : "*");
}

static int
by_key_line(const void *a, const void *b)
{
	const struct rule_row *p = &cmp_rules->rows[*(const size_t *)a];
	const struct rule_row *q = &cmp_rules->rows[*(const size_t *)b];
	const int *k;
	int c;

	for (k = cmp_key; *k >= 0; k++)
		if ((c = cmp_nocase(p->v[*k], q->v[*k])) != 0)
			return c;
	return p->line < q->line ? -1 : p->line > q->line;
}

/*
 * Rows equal on key (case-insensitively, empty = *) that differ on
 * the `differ` out indices: report each pair, naming both lines.
 */
static void
conflicts(struct rules *r, const int *key, const int *differ,
    const char *what)
{
	size_t *ix, i;
	const struct rule_row *a, *b;
	const int *k;
	int same;

	if (r->n < 2)
		return;
	ix = xcalloc(r->n, sizeof(*ix));
	for (i = 0; i < r->n; i++)
		ix[i] = i;
	cmp_rules = r;
	cmp_key = key;
	qsort(ix, r->n, sizeof(*ix), by_key_line);
	for (i = 0; i + 1 < r->n; i++) {
		a = &r->rows[ix[i]];
		b = &r->rows[ix[i + 1]];
		for (same = 1, k = key; same && *k >= 0; k++)
			same = cmp_nocase(a->v[*k], b->v[*k]) == 0;
		if (!same)
			continue;
		for (k = differ; *k >= 0; k++)
			if (cmp_nocase(a->v[*k], b->v[*k]) != 0) {
				import_error(&r->errs, "%s:%ld: %s as on line %ld"
				    " but a different %s ('%s' here, '%s' there)",
				    r->path, b->line, what, a->line,
				    r->t->cols[*k], shown(r, *k, b->v[*k]),
				    shown(r, *k, a->v[*k]));
				break;
			}
	}
	free(ix);
}

/* A rule listed twice, once privileged and once not: which is meant? */
static void
matrix_across(struct rules *r)
{
	static const int key[] = { 0, 1, 2, 3, 4, -1 };
	static const int differ[] = { 5, -1 };

	conflicts(r, key, differ, "same department, title, job_code, source"
	    " and entitlement");
}

/* One account, two people: which link is the override? */
static void
overrides_across(struct rules *r)
{
	static const int key[] = { 0, 1, -1 };
	static const int differ[] = { 2, 3, -1 };

	conflicts(r, key, differ, "same source and login");
}

static const struct table matrix_table = {
	"matrix",
	{ "department", "title", "job_code", "source", "entitlement",
	    "privileged", NULL },
	0x3f, 6,		/* a missing column would widen every rule */
	"INSERT INTO matrix_rules (snapshot_id, line, department, title,"
	" job_code, source, entitlement, privileged)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	matrix_row, matrix_across, 0,
};

static const struct table sod_table = {
	"sod",
	{ "left", "right", "reason", NULL },
	(1u << 0) | (1u << 1), 5,
	"INSERT INTO sod_rules (snapshot_id, line, left_source,"
	" left_entitlement, right_source, right_entitlement, reason)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)",
	sod_row, NULL, 1,
};

static const struct table overrides_table = {
	"overrides",
	{ "source", "login", "person_id", "kind", "owner", "reason", NULL },
	(1u << 0) | (1u << 1) | (1u << 2), 6,
	"INSERT INTO overrides (snapshot_id, line, source, login, person_id,"
	" kind, owner, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	overrides_row, overrides_across, 1,
};

static const struct table exceptions_table = {
	"exceptions",
	{ "kind", "source", "login", "entitlement", "reason", "approved_by",
	    "expires", NULL },
	0x77, 7,		/* entitlement may be left out: any */
	"INSERT INTO exceptions (snapshot_id, line, kind, source, login,"
	" entitlement, reason, approved_by, expires)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	exceptions_row, NULL, 1,
};

/* Free-text columns admins keep beside the rules; never read. */
static int
is_comment_column(const char *h)
{
	static const char *const names[] = {
		"note", "notes", "comment", "comments", NULL,
	};
	const char *const *n;

	for (n = names; *n; n++)
		if (strcasecmp(h, *n) == 0)
			return 1;
	return 0;
}

static int
find_cols(struct rules *r, struct errbuf *err)
{
	const char *names[2] = { NULL, NULL };
	char expected[256] = "", missing[256] = "", *h;
	size_t k;
	int i, nmiss;

	for (i = 0; r->t->cols[i]; i++) {
		names[0] = r->t->cols[i];
		r->col[i] = csv_find_column(&r->csv, names);
		snprintf(expected + strlen(expected), sizeof(expected) -
		    strlen(expected), "%s%s", i ? "," : "", r->t->cols[i]);
	}
	/*
	 * A column we do not know is a typo ("dept") whose values would be
	 * dropped without a word; one given twice leaves us to pick.
	 */
	for (k = 0; k < r->csv.nf; k++) {
		h = str_trim(xstrdup(r->csv.f[k].s));
		if (is_comment_column(h)) {
			free(h);
			continue;
		}
		for (i = 0; r->t->cols[i] && strcasecmp(h,
		    r->t->cols[i]) != 0; i++)
			;
		if (r->t->cols[i] == NULL)
			err_set(err, "%s:1:%ld: unknown column '%s' (expected"
			    " %s)", r->path, r->csv.f[k].col, h, expected);
		else if (r->col[i] != (int)k)
			err_set(err, "%s:1:%ld: column '%s' appears twice"
			    " (also column %ld)", r->path, r->csv.f[k].col, h,
			    r->csv.f[r->col[i]].col);
		free(h);
		if (r->t->cols[i] == NULL || r->col[i] != (int)k)
			return -1;
	}
	for (i = 0, nmiss = 0; r->t->cols[i]; i++)
		if (r->col[i] < 0 && (r->t->required & (1u << i)))
			snprintf(missing + strlen(missing), sizeof(missing) -
			    strlen(missing), "%s'%s'", nmiss++ ? ", " : "",
			    r->t->cols[i]);
	if (nmiss > 0) {
		err_set(err, "%s:1: missing column%s %s (expected %s)",
		    r->path, nmiss > 1 ? "s" : "", missing, expected);
		return -1;
	}
	r->ncols = r->csv.nf;
	return 0;
}

static int
row_is_empty(const struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (strspn(c->f[i].s, " \t") != strlen(c->f[i].s))
			return 0;
	return 1;
}

static void
read_rule_row(struct rules *r)
{
	const struct csv *c = &r->csv;
	char *in[MAXV] = { NULL }, *out[MAXV] = { NULL };
	int i;

	if (row_is_empty(c))
		return;
	if (c->nf != r->ncols) {
		const struct csv_field *f = &c->f[c->nf > r->ncols ? r->ncols :
		    c->nf - 1];

		import_error(&r->errs, "%s:%ld:%ld: %zu fields where the header"
		    " has %zu", r->path, f->line, f->col, c->nf, r->ncols);
		return;
	}
	for (i = 0; r->t->cols[i]; i++)
		if (r->col[i] >= 0) {
			in[i] = str_trim(xstrdup(c->f[r->col[i]].s));
			if (*in[i] == '\0') {
				free(in[i]);
				in[i] = NULL;
			}
		}
	if (r->t->row(r, in, out) == 0) {
		if (r->n % 64 == 0)
			r->rows = xrealloc(r->rows, (r->n + 64) *
			    sizeof(*r->rows));
		r->rows[r->n].line = c->record_line;
		memcpy(r->rows[r->n].v, out, sizeof(out));
		r->n++;
	} else
		for (i = 0; i < MAXV; i++)	/* what a checker filled in */
			free(out[i]);
	for (i = 0; i < MAXV; i++)
		free(in[i]);
}

static int
rules_read(struct rules *r, struct errbuf *err)
{
	struct errbuf cerr = { "" };
	int rc;

	if (csv_open(&r->csv, r->path, 0, err) < 0)
		return -1;
	if ((rc = csv_next(&r->csv, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: empty file (expected a header line)",
			    r->path);
		return -1;
	}
	if (find_cols(r, err) < 0)
		return -1;
	while ((rc = csv_next(&r->csv, &cerr)) == 1)
		read_rule_row(r);
	if (rc < 0)
		import_error(&r->errs, "%s", cerr.msg);
	if (r->errs.n == 0 && r->t->across)
		r->t->across(r);
	if (r->errs.n == 0 && r->n == 0 && !r->t->empty_ok) {
		err_set(err, "%s: no rules after the header line (an empty %s"
		    " would make every grant over-privileged)", r->path,
		    r->t->name);
		return -1;
	}
	return import_errors_done(&r->errs, err);
}

static int
rules_insert(struct store *st, int64_t snap, void *arg, long *rows,
    struct errbuf *err)
{
	struct rules *r = arg;
	sqlite3_stmt *stmt;
	size_t i;
	int k, ret = 0;

	if ((stmt = store_prepare(st, r->t->sql, err)) == NULL)
		return -1;
	for (i = 0; ret == 0 && i < r->n; i++) {
		sqlite3_bind_int64(stmt, 1, snap);
		sqlite3_bind_int64(stmt, 2, r->rows[i].line);
		for (k = 0; k < r->t->nout; k++)
			store_bind_text(stmt, k + 3, r->rows[i].v[k]);
		if ((ret = store_step_done(st, stmt, err)) == 0)
			(*rows)++;
	}
	sqlite3_finalize(stmt);
	return ret;
}

static int
import_rules(struct store *st, const struct table *t, const char *path,
    struct import_result *res, struct errbuf *err)
{
	struct rules r;
	size_t i;
	int k, ret;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.t = t;
	r.path = path;
	if (rules_read(&r, err) < 0)
		ret = import_failed(st, t->name, path, err);
	else
		ret = import_snapshot(st, t->name, path, rules_insert, &r, res,
		    err);
	csv_close(&r.csv);
	for (i = 0; i < r.n; i++)
		for (k = 0; k < MAXV; k++)
			free(r.rows[i].v[k]);
	free(r.rows);
	return ret;
}

int
import_matrix(struct store *st, const char *path, struct import_result *res,
    struct errbuf *err)
{
	return import_rules(st, &matrix_table, path, res, err);
}

int
import_sod(struct store *st, const char *path, struct import_result *res,
    struct errbuf *err)
{
	return import_rules(st, &sod_table, path, res, err);
}

int
import_overrides(struct store *st, const char *path,
    struct import_result *res, struct errbuf *err)
{
	return import_rules(st, &overrides_table, path, res, err);
}

int
import_exceptions(struct store *st, const char *path,
    struct import_result *res, struct errbuf *err)
{
	return import_rules(st, &exceptions_table, path, res, err);
}
