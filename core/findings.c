/*
 * findings.c: reconcile_run() links every account of the current pulls to
 * a person (match.c) and computes DESIGN.md's findings, in one transaction.
 *
 * Size: 100,000 people and 1,000,000 accounts must take seconds and
 * bounded memory. People, rules and exceptions are held in hash tables;
 * accounts stream past once (two cursors in account order, accounts and
 * their grants, merged; nothing for SQLite to sort) and their links and
 * findings go out through statements prepared once, the evidence JSON
 * written straight into a buffer. What needs more than one account at a
 * time is small: SoD hits, and 16 bytes and a login per linked account
 * for duplicates. Matrix decisions are cached per (department, title,
 * job code, source, entitlement): many people share a role.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/date.h"
#include "rollcall/reconcile.h"
#include "rollcall/remediation.h"
#include "rollcall/store.h"

static const char *const kind_names[FK_COUNT] = {
	[FK_TERMINATED_ACTIVE] = "terminated_active",
	[FK_ORPHAN] = "orphan",
	[FK_OVER_PRIVILEGED] = "over_privileged",
	[FK_SOD_CONFLICT] = "sod_conflict",
	[FK_NO_MFA] = "no_mfa",
	[FK_DORMANT] = "dormant",
	[FK_DUPLICATE] = "duplicate",
	[FK_SERVICE_NO_OWNER] = "service_no_owner",
	[FK_REVOCATION_PENDING] = "revocation_pending",
};

static const char *const severity_names[] = {
	[SEV_LOW] = "low",
	[SEV_MEDIUM] = "medium",
	[SEV_HIGH] = "high",
	[SEV_CRITICAL] = "critical",
};

/* Imports that are not a system's accounts. */
#define NOT_A_PULL "('hr','matrix','sod','overrides','exceptions')"

/* Matrix decisions cached at most; a role matrix rarely needs more. */
#define MATRIX_CACHE_MAX 500000

const char *
finding_kind_name(enum finding_kind k)
{
	return (unsigned)k < FK_COUNT ? kind_names[k] : NULL;
}

int
finding_kind_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < FK_COUNT; i++)
		if (strcasecmp(kind_names[i], s) == 0)
			return i;
	return -1;
}

const char *
severity_name(enum severity s)
{
	return s >= SEV_LOW && s <= SEV_CRITICAL ? severity_names[s] : NULL;
}

int
severity_parse(const char *s)
{
	int i;

	for (i = SEV_LOW; s != NULL && i <= SEV_CRITICAL; i++)
		if (strcasecmp(severity_names[i], s) == 0)
			return i;
	return -1;
}

struct matrix_row {
	long	 line;
	char	*department, *title, *job_code;	/* NULL: any */
	char	*source, *entitlement;
	int	 privileged;
};

struct sod_rule {
	long	 line;
	char	*ls, *le, *rs, *re;	/* left/right source and entitlement */
	char	*reason;
};

struct exception {
	long	 line;
	char	*entitlement;		/* NULL: any */
	char	*reason, *approved_by, *expires;
	long	 next;			/* same kind/source/login, or -1 */
};

struct srcinfo {
	char	*name;
	int	 match_login;
	int	 mfa_required;
	int	 mfa_by_source;		/* set in the source, not [policy] */
	int	 in_matrix;
};

struct grant {
	const char *name;
	int	 privileged;
	int	 direct;
	const char *path;
	size_t	 seq;			/* while reading: order, offsets */
	size_t	 name_off, path_off;
};

/* One account being checked; its strings belong to the cursor. */
struct account {
	int64_t	 id;
	const char *source, *login, *email, *aliases, *employee_id, *kind;
	const char *mfa, *last_login, *created, *status;
	int	 active;
	struct grant *g;
	size_t	 ng, gcap;
};

/* An active account linked as its person's own; see own_account(). */
struct own_account {
	uint32_t id;			/* account id - own_base */
	uint32_t login;			/* offset in own_logins, or none */
	int32_t	 person;		/* matcher index, then rank */
	uint16_t src;			/* r->src index, then rank */
	uint8_t	 rule;
};

struct sod_hit {
	long	 person;
	long	 rule;
	int	 side;			/* 0 left, 1 right */
	int64_t	 account;
	char	*source, *login, *entitlement;
};

/*
 * Rows for one table, written BATCH_ROWS at a time by a multi-row INSERT:
 * per statement SQLite opens and closes a cursor on the table and each
 * index, more than the row itself costs. Values are copied in (text into
 * one buffer) until the batch is full; the rest go one by one at the end.
 * Row order, and so every rowid, is as if each were inserted alone.
 */
#define BATCH_ROWS	64
#define BATCH_COLS	10

struct bval {
	int	 type;			/* SQLITE_INTEGER, _TEXT or _NULL */
	int64_t	 i;
	size_t	 off, len;		/* text in struct batch's buffer */
};

struct batch {
	sqlite3_stmt *many, *one;
	int	 ncols;
	int	 n;			/* complete rows held */
	int	 nv;			/* values held */
	struct bval v[BATCH_ROWS * BATCH_COLS];
	struct buf text;
};

/* A JSON document being written; see jw_start(). */
#define JW_DEPTH 8

struct jw {
	struct buf b;
	int	 depth;
	int	 key;			/* a member name was just written */
	unsigned char more[JW_DEPTH];	/* the container has an item */
};

struct run {
	struct store *st;
	const struct config *cfg;
	const char *as_of;
	long	 as_of_days;
	int	 dormant_days;
	int64_t	 reconcile;
	struct matcher *m;
	struct matrix_row *rows;
	size_t	 nrows;
	struct strmap *matrix_sources;	/* lower-case source names */
	struct strmap *matrix_cache;	/* role + grant -> row or -1 */
	struct strmap *priv_cache;	/* source + entitlement -> 0/1 */
	struct sod_rule *sod;
	size_t	 nsod;
	struct exception *exc;
	size_t	 nexc;
	struct strmap *exc_index;	/* kind + source + login -> first */
	struct strmap *src_index;
	struct srcinfo *src;
	size_t	 nsrc;
	struct sod_hit *hits;
	size_t	 nhits, hitcap;
	struct own_account *own;	/* for find_duplicates() */
	int64_t	 own_base;		/* the smallest account id */
	size_t	 nown, owncap;
	struct buf own_logins;
	struct batch links;
	struct batch findings;
	struct ent *ents;		/* current pulls', in id order */
	size_t	 nents;
	sqlite3_stmt *ent_q;		/* any other */
	struct jw jw, jw_sup;		/* a finding's detail, suppressed_by */
	struct reconcile_result *res;
	struct errbuf *err;
};

static char *
dup_or_null(const char *s)
{
	return str_empty(s) ? NULL : xstrdup(s);
}

/*
 * Evidence JSON, written straight into a buffer the way jansson's
 * json_dumps(JSON_COMPACT) printed the objects this file used to build
 * (members in order, the same escapes, text that is not UTF-8 as null):
 * a million findings spent a quarter of their time building and freeing
 * those objects.
 */
/* Bytes of the UTF-8 sequence at s (jansson's rules), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t v;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		n = 2;
		v = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		n = 3;
		v = s[0] & 0x0f;
	} else if (s[0] < 0xf5) {
		n = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
	    (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if ((n = utf8_len(p)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

static void
jw_item(struct jw *w)
{
	if (w->key) {
		w->key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->more[w->depth - 1])
			buf_addc(&w->b, ',');
		w->more[w->depth - 1] = 1;
	}
}

static void
jw_quoted(struct jw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[8];

	buf_addc(&w->b, '"');
	for (; *p; p++) {
		/* the common case: a run of bytes that need no escape */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			buf_add(&w->b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			buf_adds(&w->b, "\\\"");
			break;
		case '\\':
			buf_adds(&w->b, "\\\\");
			break;
		case '\b':
			buf_adds(&w->b, "\\b");
			break;
		case '\f':
			buf_adds(&w->b, "\\f");
			break;
		case '\n':
			buf_adds(&w->b, "\\n");
			break;
		case '\r':
			buf_adds(&w->b, "\\r");
			break;
		case '\t':
			buf_adds(&w->b, "\\t");
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", *p);
			buf_adds(&w->b, esc);
		}
	}
	buf_addc(&w->b, '"');
}

/* Start a document: an object to fill. */
static struct jw *
jw_start(struct jw *w)
{
	buf_reset(&w->b);
	w->depth = 0;
	w->key = 0;
	buf_addc(&w->b, '{');
	w->more[w->depth++] = 0;
	return w;
}

static void
jw_open(struct jw *w, int c)
{
	jw_item(w);
	buf_addc(&w->b, c);
	if (w->depth < JW_DEPTH)
		w->more[w->depth++] = 0;
}

static void
jw_close(struct jw *w, int c)
{
	buf_addc(&w->b, c);
	if (w->depth > 0)
		w->depth--;
}

static void
jw_key(struct jw *w, const char *k)
{
	jw_item(w);
	jw_quoted(w, k);
	buf_addc(&w->b, ':');
	w->key = 1;
}

static void
jw_null(struct jw *w)
{
	jw_item(w);
	buf_adds(&w->b, "null");
}

/* Not UTF-8 (a source's bytes): null rather than a broken document. */
static void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL || !utf8_valid(s)) {
		jw_null(w);
		return;
	}
	jw_item(w);
	jw_quoted(w, s);
}

static void
jw_int(struct jw *w, long long v)
{
	jw_item(w);
	buf_addf(&w->b, "%lld", v);
}

static void
jw_bool(struct jw *w, int v)
{
	jw_item(w);
	buf_adds(&w->b, v ? "true" : "false");
}

/* Member helpers: "k":value. */
static void
jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

static void
jw_kint(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

static void
jw_kbool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* ---- loading the rule sets ---- */

static int
load_people(struct run *r)
{
	sqlite3_stmt *q;
	struct person p;
	int64_t snap;
	int rc;

	if ((snap = snapshot_current(r->st, "hr")) < 0) {
		err_set(r->err, "database: %s", store_errmsg(r->st));
		return -1;
	}
	q = store_prepare(r->st, "SELECT employee_id, email, status,"
	    " status_class, termination_date, department, title, job_code"
	    " FROM people WHERE snapshot_id = ?", r->err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, snap);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		/* The matcher copies; column text lives until the next step. */
		p.employee_id = (char *)store_col(q, 0);
		p.email = (char *)store_col(q, 1);
		p.status = (char *)store_col(q, 2);
		p.status_class = (char *)store_col(q, 3);
		p.termination_date = (char *)store_col(q, 4);
		p.department = (char *)store_col(q, 5);
		p.title = (char *)store_col(q, 6);
		p.job_code = (char *)store_col(q, 7);
		matcher_add_person(r->m, &p);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read the HR roster: %s",
		    store_errmsg(r->st));
		return -1;
	}
	return 0;
}

/* Prepare a SELECT over the current snapshot of an import. */
static sqlite3_stmt *
select_current(struct run *r, const char *import, const char *sql)
{
	sqlite3_stmt *q;
	int64_t snap;

	if ((snap = snapshot_current(r->st, import)) < 0) {
		err_set(r->err, "database: %s", store_errmsg(r->st));
		return NULL;
	}
	if ((q = store_prepare(r->st, sql, r->err)) != NULL)
		sqlite3_bind_int64(q, 1, snap);
	return q;
}

static int
load_overrides(struct run *r)
{
	sqlite3_stmt *q;
	int rc;

	q = select_current(r, "overrides", "SELECT source, login, person_id,"
	    " kind, owner, line FROM overrides WHERE snapshot_id = ?"
	    " ORDER BY line");
	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		matcher_add_override(r->m, store_col(q, 0), store_col(q, 1),
		    store_col(q, 2), store_col(q, 3), store_col(q, 4),
		    sqlite3_column_int(q, 5));
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read overrides: %s",
		    store_errmsg(r->st));
		return -1;
	}
	return 0;
}

static int
load_matrix(struct run *r)
{
	sqlite3_stmt *q;
	struct matrix_row *row;
	char *k;
	int rc;

	q = select_current(r, "matrix", "SELECT line, department, title,"
	    " job_code, source, entitlement, privileged FROM matrix_rules"
	    " WHERE snapshot_id = ? ORDER BY line");
	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r->rows = xrealloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
		row = &r->rows[r->nrows++];
		row->line = sqlite3_column_int(q, 0);
		row->department = dup_or_null(store_col(q, 1));
		row->title = dup_or_null(store_col(q, 2));
		row->job_code = dup_or_null(store_col(q, 3));
		row->source = xstrdup(store_col(q, 4));
		row->entitlement = xstrdup(store_col(q, 5));
		row->privileged = sqlite3_column_int(q, 6) != 0;
		k = str_lower(row->source);
		strmap_put(r->matrix_sources, k, 1);
		free(k);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read the role matrix: %s",
		    store_errmsg(r->st));
		return -1;
	}
	return 0;
}

static int
load_sod(struct run *r)
{
	sqlite3_stmt *q;
	struct sod_rule *s;
	int rc;

	q = select_current(r, "sod", "SELECT line, left_source,"
	    " left_entitlement, right_source, right_entitlement, reason"
	    " FROM sod_rules WHERE snapshot_id = ? ORDER BY line");
	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r->sod = xrealloc(r->sod, (r->nsod + 1) * sizeof(*r->sod));
		s = &r->sod[r->nsod++];
		s->line = sqlite3_column_int(q, 0);
		s->ls = xstrdup(store_col(q, 1));
		s->le = xstrdup(store_col(q, 2));
		s->rs = xstrdup(store_col(q, 3));
		s->re = xstrdup(store_col(q, 4));
		s->reason = dup_or_null(store_col(q, 5));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read SoD rules: %s",
		    store_errmsg(r->st));
		return -1;
	}
	return 0;
}

static char *
triple_key(const char *a, const char *b, const char *c)
{
	char *k = xasprintf("%s\037%s\037%s", a ? a : "", b ? b : "",
	    c ? c : ""), *l;

	l = str_lower(k);
	free(k);
	return l;
}

static int
load_exceptions(struct run *r)
{
	sqlite3_stmt *q;
	struct exception *e;
	char *k, *login;
	long first;
	int rc;

	q = select_current(r, "exceptions", "SELECT line, kind, source,"
	    " login, entitlement, reason, approved_by, expires"
	    " FROM exceptions WHERE snapshot_id = ? ORDER BY line");
	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r->exc = xrealloc(r->exc, (r->nexc + 1) * sizeof(*r->exc));
		e = &r->exc[r->nexc];
		e->line = sqlite3_column_int(q, 0);
		e->entitlement = dup_or_null(store_col(q, 4));
		e->reason = dup_or_null(store_col(q, 5));
		e->approved_by = dup_or_null(store_col(q, 6));
		e->expires = dup_or_null(store_col(q, 7));
		login = str_trim(xstrdup(store_col(q, 3)));
		k = triple_key(store_col(q, 1), store_col(q, 2), login);
		free(login);
		e->next = strmap_get(r->exc_index, k, &first) ? first : -1;
		strmap_put(r->exc_index, k, (long)r->nexc);
		free(k);
		r->nexc++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read exceptions: %s",
		    store_errmsg(r->st));
		return -1;
	}
	return 0;
}

/* What a source's config says, asked once per source name. */
static const struct srcinfo *
source_info(struct run *r, const char *name)
{
	const struct source_cfg *sc = NULL;
	struct srcinfo *si;
	struct errbuf e = { "" };
	long idx;
	char *k;
	int b;

	if (strmap_get(r->src_index, name, &idx))
		return &r->src[idx];
	r->src = xrealloc(r->src, (r->nsrc + 1) * sizeof(*r->src));
	si = &r->src[r->nsrc];
	memset(si, 0, sizeof(*si));
	si->name = xstrdup(name);
	if (r->cfg != NULL)
		sc = config_source(r->cfg, name);
	si->mfa_required = r->cfg ? r->cfg->mfa_required : 1;
	if (sc != NULL) {
		/* config_load() checked these; a bad value reads as unset. */
		if ((b = source_get_bool(sc, "match_login", 0, &e)) >= 0)
			si->match_login = b;
		if (source_get(sc, "mfa_required") != NULL &&
		    (b = source_get_bool(sc, "mfa_required", 1, &e)) >= 0) {
			si->mfa_required = b;
			si->mfa_by_source = 1;
		}
	}
	k = str_lower(name);
	si->in_matrix = strmap_get(r->matrix_sources, k, &idx);
	free(k);
	strmap_put(r->src_index, name, (long)r->nsrc);
	return &r->src[r->nsrc++];
}

/* ---- matrix ---- */

static int
is_privileged(struct run *r, const char *source, const struct grant *g)
{
	size_t i;
	long v;
	char *k;

	if (g->privileged)
		return 1;
	if (r->nrows == 0)
		return 0;
	k = triple_key(source, g->name, NULL);
	if (!strmap_get(r->priv_cache, k, &v)) {
		v = 0;
		for (i = 0; i < r->nrows && !v; i++)
			v = r->rows[i].privileged &&
			    strcasecmp(r->rows[i].source, source) == 0 &&
			    glob_match(r->rows[i].entitlement, g->name);
		strmap_put(r->priv_cache, k, v);
	}
	free(k);
	return (int)v;
}

static int
glob_or_any(const char *pattern, const char *s)
{
	return pattern == NULL || glob_match(pattern, s ? s : "");
}

/* Index of the first matrix row allowing p to hold ent in source, or -1. */
static long
matrix_allows(struct run *r, const struct person *p, const char *source,
    const char *ent)
{
	char *raw, *k;
	size_t i;
	long v;

	raw = xasprintf("%s\037%s\037%s\037%s\037%s",
	    p->department ? p->department : "", p->title ? p->title : "",
	    p->job_code ? p->job_code : "", source, ent);
	k = str_lower(raw);
	free(raw);
	if (strmap_get(r->matrix_cache, k, &v)) {
		free(k);
		return v;
	}
	v = -1;
	for (i = 0; i < r->nrows; i++) {
		const struct matrix_row *row = &r->rows[i];

		if (strcasecmp(row->source, source) == 0 &&
		    glob_or_any(row->department, p->department) &&
		    glob_or_any(row->title, p->title) &&
		    glob_or_any(row->job_code, p->job_code) &&
		    glob_match(row->entitlement, ent)) {
			v = (long)i;
			break;
		}
	}
	if (strmap_count(r->matrix_cache) >= MATRIX_CACHE_MAX)
		strmap_clear(r->matrix_cache);
	strmap_put(r->matrix_cache, k, v);
	free(k);
	return v;
}

/* ---- batched inserts ---- */

/* "INSERT INTO table (cols) VALUES (?, ...)" for one row and for many. */
static int
batch_prepare(struct run *r, struct batch *b, const char *head, int ncols)
{
	struct buf sql = BUF_INIT;
	int i, j;

	b->ncols = ncols;
	for (i = 0; i < BATCH_ROWS; i++) {
		buf_adds(&sql, i == 0 ? head : ",");
		buf_addc(&sql, '(');
		for (j = 0; j < ncols; j++)
			buf_adds(&sql, j == 0 ? "?" : ",?");
		buf_addc(&sql, ')');
		if (i == 0)
			b->one = store_prepare(r->st, buf_str(&sql), r->err);
	}
	b->many = store_prepare(r->st, buf_str(&sql), r->err);
	buf_release(&sql);
	return b->one != NULL && b->many != NULL ? 0 : -1;
}

static void
batch_release(struct batch *b)
{
	sqlite3_finalize(b->one);
	sqlite3_finalize(b->many);
	buf_release(&b->text);
}

static void
batch_int(struct batch *b, int64_t i)
{
	struct bval *v = &b->v[b->nv++];

	v->type = SQLITE_INTEGER;
	v->i = i;
}

/* As store_bind_text(): NULL or "" is NULL. len < 0: strlen. */
static void
batch_text(struct batch *b, const char *s, long len)
{
	struct bval *v = &b->v[b->nv++];

	if (s == NULL || *s == '\0') {
		v->type = SQLITE_NULL;
		return;
	}
	v->type = SQLITE_TEXT;
	v->len = len < 0 ? strlen(s) : (size_t)len;
	v->off = b->text.len;
	buf_add(&b->text, s, v->len);
}

static void
batch_null(struct batch *b)
{
	b->v[b->nv++].type = SQLITE_NULL;
}

static void
bind_values(sqlite3_stmt *q, const struct batch *b, int first, int n)
{
	const struct bval *v;
	int i;

	for (i = 0; i < n; i++) {
		v = &b->v[first + i];
		if (v->type == SQLITE_INTEGER)
			sqlite3_bind_int64(q, i + 1, v->i);
		else if (v->type == SQLITE_TEXT)
			sqlite3_bind_text(q, i + 1, b->text.s + v->off,
			    (int)v->len, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, i + 1);
	}
}

/* Write the rows held. */
static int
batch_flush(struct run *r, struct batch *b)
{
	int i, ret = 0;

	if (b->n == BATCH_ROWS) {
		bind_values(b->many, b, 0, b->nv);
		ret = store_step_done(r->st, b->many, r->err);
	} else {
		for (i = 0; i < b->n && ret == 0; i++) {
			bind_values(b->one, b, i * b->ncols, b->ncols);
			ret = store_step_done(r->st, b->one, r->err);
		}
	}
	b->n = b->nv = 0;
	buf_reset(&b->text);
	return ret;
}

/* The row's values are in; write the batch when it is full. */
static int
batch_row(struct run *r, struct batch *b)
{
	if (++b->n < BATCH_ROWS)
		return 0;
	return batch_flush(r, b);
}

/* ---- writing ---- */

/* The exception's members, into an open object. */
static void
exception_json(struct jw *w, const struct exception *e)
{
	jw_kint(w, "line", e->line);
	jw_kstr(w, "entitlement", e->entitlement);
	jw_kstr(w, "reason", e->reason);
	jw_kstr(w, "approved_by", e->approved_by);
	jw_kstr(w, "expires", e->expires);
}

/*
 * Store one finding whose detail is r->jw, an object still open (see
 * detail()). An unexpired exception for the same kind, source and login
 * (and entitlement, or any) suppresses it; an expired one only leaves a
 * note in the evidence.
 */
static int
emit(struct run *r, enum finding_kind kind, enum severity sev,
    const char *source, const char *login, int64_t account,
    const char *person_id, const char *entitlement)
{
	const struct exception *e, *best = NULL, *expired = NULL;
	struct batch *q = &r->findings;
	struct jw *detail = &r->jw;
	char *k;
	long i;
	int ret;

	i = -1;
	if (r->nexc > 0) {
		k = triple_key(kind_names[kind], source, login);
		if (!strmap_get(r->exc_index, k, &i))
			i = -1;
		free(k);
	}
	for (; i >= 0; i = e->next) {
		e = &r->exc[i];
		if (e->entitlement != NULL && (entitlement == NULL ||
		    strcasecmp(e->entitlement, entitlement) != 0))
			continue;
		if (e->expires != NULL && strncmp(e->expires, r->as_of, 10) >= 0) {
			if (best == NULL || strcmp(e->expires, best->expires) > 0)
				best = e;
		} else if (expired == NULL ||
		    strcmp(e->expires ? e->expires : "",
		    expired->expires ? expired->expires : "") > 0) {
			expired = e;
		}
	}
	if (best != NULL) {
		exception_json(jw_start(&r->jw_sup), best);
		jw_close(&r->jw_sup, '}');
	} else if (expired != NULL) {
		jw_key(detail, "exception_expired");
		jw_open(detail, '{');
		exception_json(detail, expired);
		jw_close(detail, '}');
	}
	jw_close(detail, '}');

	batch_int(q, r->reconcile);
	batch_text(q, kind_names[kind], -1);
	batch_text(q, severity_names[sev], -1);
	batch_text(q, source, -1);
	batch_text(q, login, -1);
	if (account > 0)
		batch_int(q, account);
	else
		batch_null(q);
	batch_text(q, person_id, -1);
	batch_text(q, entitlement, -1);
	batch_text(q, buf_str(&detail->b), (long)detail->b.len);
	if (best != NULL)
		batch_text(q, buf_str(&r->jw_sup.b), (long)r->jw_sup.b.len);
	else
		batch_null(q);
	ret = batch_row(r, q);
	if (ret == 0) {
		if (best != NULL) {
			r->res->suppressed++;
		} else {
			r->res->findings++;
			r->res->by_kind[kind]++;
		}
	}
	return ret;
}

/* A new detail object in r->jw, for emit(). */
static struct jw *
detail(struct run *r)
{
	return jw_start(&r->jw);
}

/* The link's evidence, the start of most details. */
static struct jw *
link_json(struct run *r, const struct match_result *mr)
{
	const struct person *p = matcher_person(r->m, mr->person);
	struct jw *w = detail(r);

	jw_kstr(w, "rule", match_rule_name(mr->rule));
	jw_kstr(w, "person_id", p ? p->employee_id : NULL);
	if (mr->override_line > 0)
		jw_kint(w, "override_line", mr->override_line);
	return w;
}

static void
grant_json(struct jw *w, const struct grant *g)
{
	jw_open(w, '{');
	jw_kbool(w, "direct", g->direct);
	if (!g->direct)
		jw_kstr(w, "path", g->path);
	jw_close(w, '}');
}

static void
entitlement_names(struct jw *w, const struct account *a)
{
	size_t i;

	jw_open(w, '[');
	for (i = 0; i < a->ng; i++)
		jw_str(w, a->g[i].name);
	jw_close(w, ']');
}

/* ---- one account ---- */

/*
 * Why the owner named in the overrides cannot own: "not_in_roster",
 * "terminated", or NULL when they are an active person (leave counts).
 */
static const char *
owner_state(struct run *r, const struct match_result *mr)
{
	const struct person *p = matcher_person(r->m, mr->person);

	if (p == NULL)
		return "not_in_roster";
	return p->terminated ? "terminated" : NULL;
}

static int
find_service(struct run *r, const struct account *a,
    const struct match_result *mr)
{
	const struct source_cfg *sc;
	const char *state = NULL;
	struct jw *d;

	/* An owner who is not an active person is no owner (DESIGN.md). */
	if (mr->owner != NULL && (state = owner_state(r, mr)) == NULL)
		return 0;
	d = detail(r);
	jw_kstr(d, "kind", mr->kind);
	jw_kstr(d, "owner", mr->owner);
	if (state != NULL)
		jw_kstr(d, "owner_state", state);
	if (mr->override_line > 0)
		jw_kint(d, "override_line", mr->override_line);
	else
		jw_kstr(d, "marked_by", "source");
	/* Who reviews it meanwhile: the source's owner, if it has one. */
	sc = r->cfg ? config_source(r->cfg, a->source) : NULL;
	jw_kstr(d, "source_owner", sc ? source_get(sc, "owner") : NULL);
	return emit(r, FK_SERVICE_NO_OWNER, SEV_MEDIUM, a->source, a->login,
	    a->id, NULL, NULL);
}

static int
find_orphan(struct run *r, const struct account *a,
    const struct match_result *mr)
{
	const struct person *p0, *p1;
	const char *id0, *id1;
	struct jw *d;

	d = detail(r);
	jw_kbool(d, "external", mr->external);
	jw_kstr(d, "email", a->email);
	jw_kstr(d, "employee_id", a->employee_id);
	if (mr->near_domain != NULL)
		jw_kstr(d, "near_domain", mr->near_domain);
	if (mr->ambiguous_rule != MATCH_NONE) {
		p0 = matcher_person(r->m, mr->ambiguous[0]);
		p1 = matcher_person(r->m, mr->ambiguous[1]);
		id0 = p0 ? p0->employee_id : "";
		id1 = p1 ? p1->employee_id : "";
		jw_key(d, "ambiguous");
		jw_open(d, '{');
		jw_kstr(d, "rule", match_rule_name(mr->ambiguous_rule));
		/* json_pack("[ss]") refused text that is not UTF-8: no key */
		if (utf8_valid(id0) && utf8_valid(id1)) {
			jw_key(d, "people");
			jw_open(d, '[');
			jw_str(d, id0);
			jw_str(d, id1);
			jw_close(d, ']');
		}
		jw_close(d, '}');
	}
	if (mr->missing_person != NULL) {
		jw_kint(d, "override_line", mr->override_line);
		jw_kstr(d, "override_person_not_in_roster",
		    mr->missing_person);
	}
	return emit(r, FK_ORPHAN, SEV_HIGH, a->source, a->login, a->id, NULL,
	    NULL);
}

static void
sod_collect(struct run *r, const struct account *a, long person)
{
	struct sod_hit *h;
	size_t i, j;
	int side;

	for (i = 0; i < r->nsod; i++) {
		const struct sod_rule *s = &r->sod[i];

		for (j = 0; j < a->ng; j++) {
			for (side = 0; side < 2; side++) {
				if (!glob_match(side ? s->rs : s->ls,
				    a->source) || !glob_match(side ? s->re :
				    s->le, a->g[j].name))
					continue;
				if (r->nhits == r->hitcap) {
					r->hitcap = r->hitcap ?
					    r->hitcap * 2 : 64;
					r->hits = xrealloc(r->hits,
					    r->hitcap * sizeof(*r->hits));
				}
				h = &r->hits[r->nhits++];
				h->person = person;
				h->rule = (long)i;
				h->side = side;
				h->account = a->id;
				h->source = xstrdup(a->source);
				h->login = dup_or_null(a->login);
				h->entitlement = xstrdup(a->g[j].name);
			}
		}
	}
}

/*
 * Remember an active account linked as its person's own (human or
 * external) for find_duplicates(). 16 bytes and the login per account:
 * asking SQLite afterwards meant a window function and two sorts over
 * the links, and a random read of every account row.
 */
static int
own_account(struct run *r, const struct account *a,
    const struct match_result *mr, const struct srcinfo *si)
{
	struct own_account *o;
	size_t off = r->own_logins.len;

	if (off > UINT32_MAX - 1 || a->id - r->own_base > UINT32_MAX ||
	    si - r->src > UINT16_MAX) {
		err_set(r->err, "too many accounts to check for duplicates");
		return -1;
	}
	if (r->nown == r->owncap) {
		r->owncap = r->owncap ? r->owncap * 2 : 1024;
		r->own = xrealloc(r->own, r->owncap * sizeof(*r->own));
	}
	o = &r->own[r->nown++];
	o->id = (uint32_t)(a->id - r->own_base);
	o->person = (int32_t)mr->person;
	o->src = (uint16_t)(si - r->src);
	o->rule = (uint8_t)mr->rule;
	if (a->login == NULL) {
		o->login = UINT32_MAX;
	} else {
		o->login = (uint32_t)off;
		buf_add(&r->own_logins, a->login, strlen(a->login) + 1);
	}
	return 0;
}

static int
find_person_account(struct run *r, const struct account *a,
    const struct match_result *mr, const struct srcinfo *si)
{
	const struct person *p = matcher_person(r->m, mr->person);
	struct jw *d;
	const char *ref, *basis;
	long days, row;
	size_t i;
	int is_priv, any_priv = 0;

	for (i = 0; i < a->ng; i++) {
		const struct grant *g = &a->g[i];

		is_priv = is_privileged(r, a->source, g);
		if (is_priv)
			any_priv = 1;
		if (!si->in_matrix ||
		    (row = matrix_allows(r, p, a->source, g->name)) >= 0)
			continue;
		d = link_json(r, mr);
		jw_kstr(d, "department", p->department);
		jw_kstr(d, "title", p->title);
		jw_kstr(d, "job_code", p->job_code);
		jw_kstr(d, "matrix", "no matrix row");
		jw_kbool(d, "privileged", is_priv);
		jw_key(d, "grant");
		grant_json(d, g);
		if (emit(r, FK_OVER_PRIVILEGED, is_priv ? SEV_HIGH : SEV_MEDIUM,
		    a->source, a->login, a->id, p->employee_id, g->name) < 0)
			return -1;
	}
	if (r->nsod > 0)
		sod_collect(r, a, mr->person);

	if (a->mfa != NULL && strcmp(a->mfa, "not_enrolled") == 0 &&
	    si->mfa_required) {
		d = link_json(r, mr);
		jw_kstr(d, "mfa", "not_enrolled");
		jw_kstr(d, "required_by",
		    si->mfa_by_source ? "source" : "policy");
		jw_key(d, "privileged_entitlements");
		jw_open(d, '[');
		/* is_privileged() answers from its cache the second time */
		for (i = 0; i < a->ng; i++)
			if (is_privileged(r, a->source, &a->g[i]))
				jw_str(d, a->g[i].name);
		jw_close(d, ']');
		if (emit(r, FK_NO_MFA, any_priv ? SEV_HIGH : SEV_MEDIUM,
		    a->source, a->login, a->id, p->employee_id, NULL) < 0)
			return -1;
	}

	/* Unknown last login (NULL) is never a finding. */
	ref = a->last_login;
	basis = "last_login";
	if (ref != NULL && strcasecmp(ref, "never") == 0) {
		ref = a->created;
		basis = "created";
	}
	if (ref != NULL && date_days(ref, &days) == 0 &&
	    (days = r->as_of_days - days) > r->dormant_days) {
		d = link_json(r, mr);
		jw_kstr(d, "basis", basis);
		jw_kstr(d, "last_login", a->last_login);
		jw_kstr(d, "created", a->created);
		jw_kint(d, "days", days);
		jw_kint(d, "dormant_days", r->dormant_days);
		if (emit(r, FK_DORMANT, SEV_LOW, a->source, a->login, a->id,
		    p->employee_id, NULL) < 0)
			return -1;
	}
	return 0;
}

static int
process_account(struct run *r, const struct account *a)
{
	struct match_account ma;
	struct match_result mr;
	const struct srcinfo *si = source_info(r, a->source);
	const struct person *p;
	struct jw *d;

	ma.source = a->source;
	ma.login = a->login;
	ma.email = a->email;
	ma.aliases = a->aliases;
	ma.employee_id = a->employee_id;
	ma.kind = a->kind;
	ma.match_login = si->match_login;
	matcher_match(r->m, &ma, &mr);
	r->res->accounts++;

	p = matcher_person(r->m, mr.person);
	if (p != NULL) {
		batch_int(&r->links, r->reconcile);
		batch_int(&r->links, a->id);
		batch_text(&r->links, p->employee_id, -1);
		batch_text(&r->links, match_rule_name(mr.rule), -1);
		batch_text(&r->links, mr.kind, -1);
		if (batch_row(r, &r->links) < 0)
			return -1;
		r->res->linked++;
	}
	if (!a->active)
		return 0;
	if (p != NULL && (strcmp(mr.kind, "human") == 0 ||
	    strcmp(mr.kind, "external") == 0) && own_account(r, a, &mr, si) < 0)
		return -1;
	if (strcmp(mr.kind, "service") == 0 || strcmp(mr.kind, "shared") == 0)
		return find_service(r, a, &mr);
	if (p == NULL)
		return find_orphan(r, a, &mr);
	if (p->terminated) {
		d = link_json(r, &mr);
		jw_kstr(d, "termination_date", p->termination_date);
		jw_kstr(d, "hr_status", p->status);
		jw_kstr(d, "account_status", a->status);
		jw_key(d, "entitlements");
		entitlement_names(d, a);
		return emit(r, FK_TERMINATED_ACTIVE, SEV_CRITICAL, a->source,
		    a->login, a->id, p->employee_id, NULL);
	}
	return find_person_account(r, a, &mr, si);
}

/*
 * The account rows and the grant rows are two cursors, both in account id
 * order, merged here: one joined SELECT with ORDER BY a.id, e.name had
 * SQLite sort every grant row of a million accounts first. The accounts
 * come from a rowid range (the current pulls' accounts lie in one, and
 * rows of older snapshots inside it are skipped) and the grants from
 * grants_by_account, so neither needs a sort; one account's few grants
 * are put in name order here.
 */
#define CURRENT_PULLS \
    "(SELECT c.id FROM current_snapshots c JOIN snapshots s ON s.id = c.id" \
    " WHERE s.kind NOT IN " NOT_A_PULL ")"

static const char sql_account_range[] =
    "SELECT MIN(a.id), MAX(a.id) FROM accounts a"
    " WHERE a.snapshot_id IN " CURRENT_PULLS;

/* The unary + keeps SQLite on the rowid range (in order, no sort). */
static const char sql_accounts[] =
    "SELECT a.id, a.source, a.login, a.email, a.aliases, a.employee_id,"
    " a.kind, a.active, a.mfa, a.last_login, a.created, a.status"
    " FROM accounts a WHERE a.id BETWEEN ?1 AND ?2"
    " AND +a.snapshot_id IN " CURRENT_PULLS " ORDER BY a.id";

static const char sql_grants[] =
    "SELECT g.account_id, g.entitlement_id, g.direct, g.path"
    " FROM grants g WHERE g.account_id BETWEEN ?1 AND ?2"
    " ORDER BY g.account_id";

/*
 * The current pulls' entitlements, held in id order: two million grants
 * looked their entitlement up in SQLite one by one. A grant naming any
 * other still asks SQLite (ent_lookup).
 */
static const char sql_entitlements[] =
    "SELECT e.id, e.name, e.privileged FROM entitlements e"
    " WHERE e.snapshot_id IN " CURRENT_PULLS " ORDER BY e.id";

struct ent {
	int64_t	 id;
	char	*name;
	int	 privileged;
};

static int
load_entitlements(struct run *r)
{
	sqlite3_stmt *q;
	size_t cap = 0;
	int rc;

	if ((q = store_prepare(r->st, sql_entitlements, r->err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (r->nents == cap) {
			cap = cap ? cap * 2 : 256;
			r->ents = xrealloc(r->ents, cap * sizeof(*r->ents));
		}
		r->ents[r->nents].id = sqlite3_column_int64(q, 0);
		r->ents[r->nents].name = xstrdup(store_col(q, 1) ?
		    store_col(q, 1) : "");
		r->ents[r->nents].privileged = sqlite3_column_int(q, 2) != 0;
		r->nents++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read entitlements: %s",
		    store_errmsg(r->st));
		return -1;
	}
	r->ent_q = store_prepare(r->st, "SELECT name, privileged"
	    " FROM entitlements WHERE id = ?", r->err);
	return r->ent_q != NULL ? 0 : -1;
}

/*
 * Name and privileged flag of entitlement id; 0 when there is no such
 * entitlement (the grant is skipped, as the join did), -1 on error.
 */
static int
ent_lookup(struct run *r, int64_t id, struct buf *names, size_t *off,
    int *privileged)
{
	size_t lo = 0, hi = r->nents, mid;
	const char *name;
	int rc;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->ents[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->nents && r->ents[lo].id == id) {
		*off = names->len;
		buf_add(names, r->ents[lo].name,
		    strlen(r->ents[lo].name) + 1);
		*privileged = r->ents[lo].privileged;
		return 1;
	}
	sqlite3_bind_int64(r->ent_q, 1, id);
	rc = sqlite3_step(r->ent_q);
	if (rc == SQLITE_ROW && sqlite3_column_type(r->ent_q, 0) !=
	    SQLITE_NULL) {
		name = store_col(r->ent_q, 0);
		*off = names->len;
		buf_add(names, name, strlen(name) + 1);
		*privileged = sqlite3_column_int(r->ent_q, 1) != 0;
		rc = 1;
	} else {
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_reset(r->ent_q);
	return rc;
}

/* Column text, NULL when NULL or empty; valid until the cursor moves. */
static const char *
col_or_null(sqlite3_stmt *q, int i)
{
	const char *s = store_col(q, i);

	return str_empty(s) ? NULL : s;
}

/* Name order, then the order the grants came in (qsort is not stable). */
static int
grant_cmp(const void *va, const void *vb)
{
	const struct grant *a = va, *b = vb;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * The grants of account id: the cursor's rows for it, copied (the names
 * into one buffer), in name order. Rows of smaller ids belong to accounts
 * of no current pull. *rc is the grants cursor's last sqlite3_step().
 */
static int
read_grants(struct run *r, struct account *a, sqlite3_stmt *g, int *rc,
    struct buf *names)
{
	struct grant *gr;
	int64_t gid;
	size_t i, off;
	int priv, found;

	a->ng = 0;
	buf_reset(names);
	while (*rc == SQLITE_ROW &&
	    (gid = sqlite3_column_int64(g, 0)) <= a->id) {
		found = 0;
		if (gid == a->id && (found = ent_lookup(r,
		    sqlite3_column_int64(g, 1), names, &off, &priv)) < 0)
			return -1;
		if (found) {
			if (a->ng == a->gcap) {
				a->gcap = a->gcap ? a->gcap * 2 : 8;
				a->g = xrealloc(a->g, a->gcap * sizeof(*a->g));
			}
			gr = &a->g[a->ng];
			gr->seq = a->ng++;
			/* offsets until the buffer stops moving */
			gr->name_off = off;
			gr->privileged = priv;
			gr->direct = sqlite3_column_type(g, 2) == SQLITE_NULL ||
			    sqlite3_column_int(g, 2) != 0;
			if (str_empty(store_col(g, 3))) {
				gr->path_off = (size_t)-1;
			} else {
				gr->path_off = names->len;
				buf_add(names, store_col(g, 3),
				    (size_t)sqlite3_column_bytes(g, 3) + 1);
			}
		}
		*rc = sqlite3_step(g);
	}
	for (i = 0; i < a->ng; i++) {
		gr = &a->g[i];
		gr->name = names->s + gr->name_off;
		gr->path = gr->path_off == (size_t)-1 ? NULL :
		    names->s + gr->path_off;
	}
	if (a->ng > 1)
		qsort(a->g, a->ng, sizeof(*a->g), grant_cmp);
	return 0;
}

static int
stream_accounts(struct run *r)
{
	struct account a;
	struct buf names = BUF_INIT;
	sqlite3_stmt *q = NULL, *g = NULL;
	int64_t lo, hi;
	int rc, grc, ret = -1;

	memset(&a, 0, sizeof(a));
	if ((q = store_prepare(r->st, sql_account_range, r->err)) == NULL)
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW) {
		err_set(r->err, "cannot read accounts: %s", store_errmsg(r->st));
		goto out;
	}
	if (sqlite3_column_type(q, 0) == SQLITE_NULL) {
		ret = 0;		/* no accounts at all */
		goto out;
	}
	lo = sqlite3_column_int64(q, 0);
	hi = sqlite3_column_int64(q, 1);
	r->own_base = lo;
	sqlite3_finalize(q);
	q = NULL;
	if (load_entitlements(r) < 0)
		goto out;
	if ((q = store_prepare(r->st, sql_accounts, r->err)) == NULL ||
	    (g = store_prepare(r->st, sql_grants, r->err)) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, lo);
	sqlite3_bind_int64(q, 2, hi);
	sqlite3_bind_int64(g, 1, lo);
	sqlite3_bind_int64(g, 2, hi);
	grc = sqlite3_step(g);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		/* Borrowed: the account cursor stays on this row meanwhile. */
		a.id = sqlite3_column_int64(q, 0);
		a.source = store_col(q, 1) ? store_col(q, 1) : "";
		a.login = col_or_null(q, 2);
		a.email = col_or_null(q, 3);
		a.aliases = col_or_null(q, 4);
		a.employee_id = col_or_null(q, 5);
		a.kind = col_or_null(q, 6);
		a.active = sqlite3_column_int(q, 7) != 0;
		a.mfa = col_or_null(q, 8);
		a.last_login = col_or_null(q, 9);
		a.created = col_or_null(q, 10);
		a.status = col_or_null(q, 11);
		if (read_grants(r, &a, g, &grc, &names) < 0) {
			err_set(r->err, "cannot read entitlements: %s",
			    store_errmsg(r->st));
			goto out;
		}
		if (grc != SQLITE_ROW && grc != SQLITE_DONE)
			break;
		if (process_account(r, &a) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE || (grc != SQLITE_ROW && grc != SQLITE_DONE)) {
		err_set(r->err, "cannot read accounts: %s", store_errmsg(r->st));
		goto out;
	}
	ret = 0;
out:
	free(a.g);
	buf_release(&names);
	sqlite3_finalize(q);
	sqlite3_finalize(g);
	return ret;
}

/* ---- what needs more than one account ---- */

static int
hit_cmp(const void *va, const void *vb)
{
	const struct sod_hit *a = va, *b = vb;

	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->side != b->side)
		return a->side - b->side;
	if (a->account != b->account)
		return a->account < b->account ? -1 : 1;
	return strcmp(a->entitlement, b->entitlement);
}

static void
hit_json(struct jw *w, const char *key, const struct sod_hit *h)
{
	jw_key(w, key);
	jw_open(w, '{');
	jw_kstr(w, "source", h->source);
	jw_kstr(w, "entitlement", h->entitlement);
	jw_kstr(w, "login", h->login);
	jw_close(w, '}');
}

/* One finding per person and rule, on the account holding the right side. */
static int
find_sod(struct run *r)
{
	const struct sod_hit *left, *right;
	const struct person *p;
	const struct sod_rule *s;
	size_t i, j, k, l;
	struct jw *d;

	if (r->nhits == 0)
		return 0;	/* qsort() wants a non-NULL base */
	qsort(r->hits, r->nhits, sizeof(*r->hits), hit_cmp);
	for (i = 0; i < r->nhits; i = j) {
		for (j = i; j < r->nhits && r->hits[j].person ==
		    r->hits[i].person && r->hits[j].rule == r->hits[i].rule;
		    j++)
			;
		left = right = NULL;
		/* A single grant matching both globs is not two duties. */
		for (k = i; k < j && right == NULL; k++) {
			if (r->hits[k].side != 1)
				continue;
			for (l = i; l < j && r->hits[l].side == 0; l++) {
				if (r->hits[l].account != r->hits[k].account ||
				    strcasecmp(r->hits[l].entitlement,
				    r->hits[k].entitlement) != 0) {
					left = &r->hits[l];
					right = &r->hits[k];
					break;
				}
			}
		}
		if (right == NULL)
			continue;
		p = matcher_person(r->m, right->person);
		s = &r->sod[right->rule];
		d = detail(r);
		jw_kstr(d, "person_id", p->employee_id);
		jw_kint(d, "rule_line", s->line);
		jw_kstr(d, "reason", s->reason);
		hit_json(d, "left", left);
		hit_json(d, "right", right);
		if (emit(r, FK_SOD_CONFLICT, SEV_HIGH, right->source,
		    right->login, right->account, p->employee_id,
		    right->entitlement) < 0)
			return -1;
	}
	return 0;
}

struct dup_row {
	int64_t	 account;
	const char *login;
	const char *rule;
};

static int
emit_duplicates(struct run *r, const char *person_id, const char *source,
    struct dup_row *v, size_t n)
{
	struct jw *d;
	size_t i, j;
	long idx;
	const struct person *p;

	idx = matcher_find_person(r->m, person_id);
	if ((p = matcher_person(r->m, idx)) == NULL || p->terminated)
		return 0;
	for (i = 0; i < n; i++) {
		d = detail(r);
		jw_kstr(d, "rule", v[i].rule);
		jw_kstr(d, "person_id", person_id);
		jw_kint(d, "accounts", (long long)n);
		jw_key(d, "logins");
		jw_open(d, '[');
		for (j = 0; j < n; j++)
			jw_str(d, v[j].login);
		jw_close(d, ']');
		if (emit(r, FK_DUPLICATE, SEV_LOW, source, v[i].login,
		    v[i].account, person_id, NULL) < 0)
			return -1;
	}
	return 0;
}

struct ranked {
	const char *s;
	long	 idx;
};

static int
ranked_cmp(const void *va, const void *vb)
{
	const struct ranked *a = va, *b = vb;

	return strcmp(a->s, b->s);
}

/*
 * rank[i]: the position of s[i] in byte order (SQLite's BINARY), equal
 * strings sharing one; first[k]: an index holding rank k.
 */
static void
rank_strings(const char *const *s, size_t n, uint32_t *rank, long *first)
{
	struct ranked *v = xcalloc(n ? n : 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		v[i].s = s[i];
		v[i].idx = (long)i;
	}
	qsort(v, n, sizeof(*v), ranked_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i].s, v[i - 1].s) != 0)
			k++;
		rank[v[i].idx] = (uint32_t)k;
		first[k] = v[i].idx;
	}
	free(v);
}

static int
own_cmp(const void *va, const void *vb)
{
	const struct own_account *a = va, *b = vb;

	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Two or more active accounts of one person in one source: one finding on
 * each, groups in (person id, source, account id) order. A person id is
 * compared as text, as the links table holds it.
 */
static int
find_duplicates(struct run *r)
{
	long npeople = matcher_npeople(r->m), *pfirst, *sfirst;
	const char **names;
	uint32_t *prank, *srank;
	struct dup_row *v = NULL;
	size_t i, j, k, cap = 0;
	const struct own_account *o;
	int ret = 0;

	if (r->nown < 2)
		return 0;
	names = xcalloc((size_t)npeople + r->nsrc, sizeof(*names));
	prank = xcalloc((size_t)npeople + r->nsrc, sizeof(*prank));
	pfirst = xcalloc((size_t)npeople + r->nsrc, sizeof(*pfirst));
	for (i = 0; i < (size_t)npeople; i++)
		names[i] = matcher_person(r->m, (long)i)->employee_id;
	rank_strings(names, (size_t)npeople, prank, pfirst);
	for (i = 0; i < r->nsrc; i++)
		names[npeople + i] = r->src[i].name;
	srank = prank + npeople;
	sfirst = pfirst + npeople;
	rank_strings(names + npeople, r->nsrc, srank, sfirst);
	for (i = 0; i < r->nown; i++) {
		r->own[i].person = (int32_t)prank[r->own[i].person];
		r->own[i].src = (uint16_t)srank[r->own[i].src];
	}
	qsort(r->own, r->nown, sizeof(*r->own), own_cmp);
	for (i = 0; i < r->nown && ret == 0; i = j) {
		for (j = i + 1; j < r->nown && r->own[j].person ==
		    r->own[i].person && r->own[j].src == r->own[i].src; j++)
			;
		if (j - i < 2)
			continue;
		if (j - i > cap) {
			cap = j - i;
			v = xrealloc(v, cap * sizeof(*v));
		}
		for (k = i; k < j; k++) {
			o = &r->own[k];
			v[k - i].account = r->own_base + o->id;
			v[k - i].login = o->login == UINT32_MAX ? NULL :
			    r->own_logins.s + o->login;
			v[k - i].rule = match_rule_name(o->rule);
		}
		o = &r->own[i];
		ret = emit_duplicates(r, names[pfirst[o->person]],
		    r->src[sfirst[o->src]].name, v, j - i);
	}
	free(v);
	free(names);
	free(prank);
	free(pfirst);
	return ret;
}

/* ---- the run ---- */


static int64_t
newest_snapshot(struct store *st, struct errbuf *err)
{
	sqlite3_stmt *q;
	int64_t id = -1;

	q = store_prepare(st, "SELECT COALESCE(MAX(id), 0) FROM snapshots"
	    " WHERE status = 'ok'", err);
	if (q == NULL)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	else
		err_set(err, "database: %s", store_errmsg(st));
	sqlite3_finalize(q);
	return id;
}

/*
 * Without a roster every account would come out an orphan and offboard
 * would find nobody terminated: refuse rather than report that.
 */
static int
require_roster(struct store *st, struct errbuf *err)
{
	int64_t hr;

	if ((hr = snapshot_current(st, "hr")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	if (hr == 0) {
		err_set(err, "no HR roster imported (rollcall import hr FILE)");
		return -1;
	}
	return 0;
}

/* Current snapshots of account sources (not HR or a rule set); -1 on error. */
static int64_t
account_sources(struct store *st, struct errbuf *err)
{
	sqlite3_stmt *q;
	int64_t n = -1;

	q = store_prepare(st, "SELECT COUNT(*) FROM current_snapshots c"
	    " JOIN snapshots s ON s.id = c.id WHERE s.kind NOT IN "
	    NOT_A_PULL, err);
	if (q == NULL)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	else
		err_set(err, "database: %s", store_errmsg(st));
	sqlite3_finalize(q);
	return n;
}

static int
begin_reconcile(struct run *r)
{
	sqlite3_stmt *q;
	char now[21];
	int64_t max;
	int ret;

	if ((max = newest_snapshot(r->st, r->err)) < 0)
		return -1;
	now_iso(now);
	q = store_prepare(r->st, "INSERT INTO reconciles (as_of, created_at,"
	    " max_snapshot) VALUES (?, ?, ?)", r->err);
	if (q == NULL)
		return -1;
	store_bind_text(q, 1, r->as_of);
	store_bind_text(q, 2, now);
	sqlite3_bind_int64(q, 3, max);
	ret = store_step_done(r->st, q, r->err);
	sqlite3_finalize(q);
	if (ret < 0)
		return -1;
	r->reconcile = sqlite3_last_insert_rowid(store_db(r->st));
	r->res->id = r->reconcile;
	/*
	 * Links are derived data: only the newest reconcile's are kept. The
	 * new reconcile has none yet, so all go, and a DELETE without WHERE
	 * drops the pages instead of a million rows one by one.
	 */
	return store_exec(r->st, "DELETE FROM links", r->err);
}

static void
run_release(struct run *r)
{
	size_t i;

	matcher_free(r->m);
	for (i = 0; i < r->nrows; i++) {
		free(r->rows[i].department);
		free(r->rows[i].title);
		free(r->rows[i].job_code);
		free(r->rows[i].source);
		free(r->rows[i].entitlement);
	}
	free(r->rows);
	for (i = 0; i < r->nsod; i++) {
		free(r->sod[i].ls);
		free(r->sod[i].le);
		free(r->sod[i].rs);
		free(r->sod[i].re);
		free(r->sod[i].reason);
	}
	free(r->sod);
	for (i = 0; i < r->nexc; i++) {
		free(r->exc[i].entitlement);
		free(r->exc[i].reason);
		free(r->exc[i].approved_by);
		free(r->exc[i].expires);
	}
	free(r->exc);
	for (i = 0; i < r->nhits; i++) {
		free(r->hits[i].source);
		free(r->hits[i].login);
		free(r->hits[i].entitlement);
	}
	free(r->hits);
	free(r->own);
	buf_release(&r->own_logins);
	buf_release(&r->jw.b);
	buf_release(&r->jw_sup.b);
	for (i = 0; i < r->nsrc; i++)
		free(r->src[i].name);
	free(r->src);
	strmap_free(r->matrix_sources);
	strmap_free(r->matrix_cache);
	strmap_free(r->priv_cache);
	strmap_free(r->exc_index);
	strmap_free(r->src_index);
	for (i = 0; i < r->nents; i++)
		free(r->ents[i].name);
	free(r->ents);
	sqlite3_finalize(r->ent_q);
	batch_release(&r->links);
	batch_release(&r->findings);
}

int
reconcile_run(struct store *st, const struct config *cfg, const char *as_of,
    struct reconcile_result *res, struct errbuf *err)
{
	struct run r;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.st = st;
	r.cfg = cfg;
	r.as_of = as_of;
	r.res = res;
	r.err = err;
	if (date_days(as_of, &r.as_of_days) < 0) {
		err_set(err, "bad as-of date '%s'", as_of ? as_of : "");
		return -1;
	}
	if (require_roster(st, err) < 0)
		return -1;
	r.dormant_days = cfg ? cfg->dormant_days : 90;
	r.m = matcher_new(cfg ? config_hr(cfg, "alias_domains") : NULL, as_of);
	r.matrix_sources = strmap_new();
	r.matrix_cache = strmap_new();
	r.priv_cache = strmap_new();
	r.exc_index = strmap_new();
	r.src_index = strmap_new();

	/*
	 * A million links and findings are written with their constraints
	 * unchecked, row by row: the CHECKs (rule, kind, severity IN (...))
	 * cost SQLite a temporary B-tree per row and the foreign keys a
	 * lookup in accounts and reconciles and a statement journal, most
	 * of a big run. They hold by construction: every value comes from
	 * this file's own tables or from columns checked on import, every
	 * account id from the accounts just read, the reconcile id from the
	 * row just inserted. Both pragmas apply to statements prepared
	 * afterwards (and expire older ones); foreign_keys only outside a
	 * transaction. Both are put back in all cases below.
	 */
	if (store_exec(st, "PRAGMA foreign_keys = OFF;"
	    " PRAGMA ignore_check_constraints = ON", err) < 0)
		goto out;
	if (store_begin(st, err) < 0)
		goto out;
	if (load_people(&r) < 0 || load_overrides(&r) < 0 ||
	    load_matrix(&r) < 0 || load_sod(&r) < 0 ||
	    load_exceptions(&r) < 0 || begin_reconcile(&r) < 0)
		goto out;
	if (batch_prepare(&r, &r.links, "INSERT INTO links (reconcile_id,"
	    " account_id, person_id, rule, kind) VALUES ", 5) < 0 ||
	    batch_prepare(&r, &r.findings, "INSERT INTO findings"
	    " (reconcile_id, kind, severity, source, login, account_id,"
	    " person_id, entitlement, detail, suppressed_by) VALUES ",
	    BATCH_COLS) < 0)
		goto out;
	if (stream_accounts(&r) < 0 || find_sod(&r) < 0 ||
	    find_duplicates(&r) < 0 || batch_flush(&r, &r.links) < 0 ||
	    batch_flush(&r, &r.findings) < 0)
		goto out;
	if (remediation_findings(st, r.reconcile, as_of, res, err) < 0)
		goto out;
	if (store_commit(st, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0) {
		store_rollback(st);
		memset(res, 0, sizeof(*res));
	}
	run_release(&r);
	store_exec(st, "PRAGMA ignore_check_constraints = OFF;"
	    " PRAGMA foreign_keys = ON", NULL);
	return ret;
}

int64_t
reconcile_current(struct store *st, const char *as_of, struct errbuf *err)
{
	sqlite3_stmt *q;
	int64_t id = 0, max;
	int rc;

	if ((max = newest_snapshot(st, err)) < 0)
		return -1;
	q = store_prepare(st, "SELECT id, as_of, max_snapshot FROM reconciles"
	    " ORDER BY id DESC LIMIT 1", err);
	if (q == NULL)
		return -1;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (store_col(q, 1) != NULL &&
		    strcmp(store_col(q, 1), as_of) == 0 &&
		    sqlite3_column_int64(q, 2) == max)
			id = sqlite3_column_int64(q, 0);
	} else if (rc != SQLITE_DONE) {
		err_set(err, "database: %s", store_errmsg(st));
		id = -1;
	}
	sqlite3_finalize(q);
	return id;
}

int
reconcile_unchecked_sources(struct store *st, char **list, int *no_matrix,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	struct buf b = BUF_INIT;
	int64_t matrix;
	int rc;

	*list = NULL;
	*no_matrix = 0;
	if ((matrix = snapshot_current(st, "matrix")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	*no_matrix = matrix == 0;
	q = store_prepare(st, "SELECT c.source FROM current_snapshots c"
	    " JOIN snapshots s ON s.id = c.id WHERE s.kind NOT IN " NOT_A_PULL
	    " AND lower(c.source) NOT IN (SELECT lower(source)"
	    "  FROM matrix_rules WHERE snapshot_id = ?)"
	    " ORDER BY c.source", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, matrix);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, store_col(q, 0));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(err, "database: %s", store_errmsg(st));
		buf_release(&b);
		return -1;
	}
	if (b.len > 0)
		*list = buf_detach(&b);
	return 0;
}

int64_t
reconcile_ensure(struct store *st, const struct config *cfg,
    const char *as_of, struct reconcile_result *res, struct errbuf *err)
{
	struct reconcile_result tmp;
	int64_t id, n;

	if (res == NULL)
		res = &tmp;
	memset(res, 0, sizeof(*res));
	/* Before reusing one: a reconcile made without a roster is no use. */
	if (require_roster(st, err) < 0 || (n = account_sources(st, err)) < 0)
		return -1;
	/* An empty list must not read as "all clear". */
	if (n == 0)
		warning("no accounts pulled or imported yet (rollcall pull,"
		    " or rollcall import accounts SOURCE FILE)");
	if ((id = reconcile_current(st, as_of, err)) != 0)
		return id;
	if (reconcile_run(st, cfg, as_of, res, err) < 0)
		return -1;
	return res->id;
}
