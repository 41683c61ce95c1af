/*
 * findings.c: reconcile_run() links every account of the current pulls to
 * a person (match.c) and computes DESIGN.md's findings, in one transaction.
 *
 * Size: 100,000 people and 1,000,000 accounts must take seconds and
 * bounded memory. People, rules and exceptions are held in hash tables;
 * accounts stream past once (one SELECT joined with their grants, one
 * account's rows at a time) and their links and findings go out through
 * statements prepared once. What needs more than one account at a time is
 * small (SoD hits) or asked of SQLite afterwards (duplicates, over the
 * links just written). Matrix decisions are cached per (department, title,
 * job code, source, entitlement): many people share a role.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
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

/*
 * Days since 1970-01-01 of an ISO date (a time part is ignored); -1 when
 * s does not start with a real YYYY-MM-DD. (Howard Hinnant's
 * days_from_civil.)
 */
static long
iso_days(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long y, m, d, era, yoe, doy, doe;
	int i;

	if (s == NULL || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -1;
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
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
	int	 match_login;
	int	 mfa_required;
	int	 mfa_by_source;		/* set in the source, not [policy] */
	int	 in_matrix;
};

struct grant {
	char	*name;
	int	 privileged;
	int	 direct;
	char	*path;
};

struct account {
	int64_t	 id;
	char	*source, *login, *email, *aliases, *employee_id, *kind;
	char	*mfa, *last_login, *created, *status;
	int	 active;
	struct grant *g;
	size_t	 ng, gcap;
};

struct sod_hit {
	long	 person;
	long	 rule;
	int	 side;			/* 0 left, 1 right */
	int64_t	 account;
	char	*source, *login, *entitlement;
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
	sqlite3_stmt *ins_link;
	sqlite3_stmt *ins_finding;
	struct reconcile_result *res;
	struct errbuf *err;
};

static char *
dup_or_null(const char *s)
{
	return str_empty(s) ? NULL : xstrdup(s);
}

static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	/* Not UTF-8 (a source's bytes): null rather than a broken document. */
	if ((j = json_string(s)) == NULL)
		return json_null();
	return j;
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

/* ---- writing ---- */

static json_t *
exception_json(const struct exception *e)
{
	json_t *j = json_object();

	json_object_set_new(j, "line", json_integer(e->line));
	json_object_set_new(j, "entitlement", jstr(e->entitlement));
	json_object_set_new(j, "reason", jstr(e->reason));
	json_object_set_new(j, "approved_by", jstr(e->approved_by));
	json_object_set_new(j, "expires", jstr(e->expires));
	return j;
}

/*
 * Store one finding; detail is consumed. An unexpired exception for the
 * same kind, source and login (and entitlement, or any) suppresses it; an
 * expired one only leaves a note in the evidence.
 */
static int
emit(struct run *r, enum finding_kind kind, enum severity sev,
    const char *source, const char *login, int64_t account,
    const char *person_id, const char *entitlement, json_t *detail)
{
	const struct exception *e, *best = NULL, *expired = NULL;
	sqlite3_stmt *q = r->ins_finding;
	char *k, *text, *sup = NULL;
	json_t *sj;
	long i;
	int ret;

	k = triple_key(kind_names[kind], source, login);
	if (!strmap_get(r->exc_index, k, &i))
		i = -1;
	free(k);
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
		sj = exception_json(best);
		sup = json_dumps(sj, JSON_COMPACT);
		json_decref(sj);
	} else if (expired != NULL) {
		json_object_set_new(detail, "exception_expired",
		    exception_json(expired));
	}
	text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);

	sqlite3_bind_int64(q, 1, r->reconcile);
	store_bind_text(q, 2, kind_names[kind]);
	store_bind_text(q, 3, severity_names[sev]);
	store_bind_text(q, 4, source);
	store_bind_text(q, 5, login);
	if (account > 0)
		sqlite3_bind_int64(q, 6, account);
	else
		sqlite3_bind_null(q, 6);
	store_bind_text(q, 7, person_id);
	store_bind_text(q, 8, entitlement);
	sqlite3_bind_text(q, 9, text ? text : "{}", -1, SQLITE_TRANSIENT);
	store_bind_text(q, 10, sup);
	ret = store_step_done(r->st, q, r->err);
	free(text);
	free(sup);
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

/* The link's evidence, the start of most details. */
static json_t *
link_json(struct run *r, const struct match_result *mr)
{
	const struct person *p = matcher_person(r->m, mr->person);
	json_t *j = json_object();

	json_object_set_new(j, "rule", jstr(match_rule_name(mr->rule)));
	json_object_set_new(j, "person_id", jstr(p ? p->employee_id : NULL));
	if (mr->override_line > 0)
		json_object_set_new(j, "override_line",
		    json_integer(mr->override_line));
	return j;
}

static json_t *
grant_json(const struct grant *g)
{
	json_t *j = json_object();

	json_object_set_new(j, "direct", json_boolean(g->direct));
	if (!g->direct)
		json_object_set_new(j, "path", jstr(g->path));
	return j;
}

static json_t *
entitlement_names(const struct account *a)
{
	json_t *j = json_array();
	size_t i;

	for (i = 0; i < a->ng; i++)
		json_array_append_new(j, jstr(a->g[i].name));
	return j;
}

/* ---- one account ---- */

static int
find_service(struct run *r, const struct account *a,
    const struct match_result *mr)
{
	const struct source_cfg *sc;
	json_t *d;

	if (mr->owner != NULL)
		return 0;
	d = json_object();
	json_object_set_new(d, "kind", json_string(mr->kind));
	json_object_set_new(d, "owner", json_null());
	if (mr->override_line > 0)
		json_object_set_new(d, "override_line",
		    json_integer(mr->override_line));
	else
		json_object_set_new(d, "marked_by", json_string("source"));
	/* Who reviews it meanwhile: the source's owner, if it has one. */
	sc = r->cfg ? config_source(r->cfg, a->source) : NULL;
	json_object_set_new(d, "source_owner",
	    jstr(sc ? source_get(sc, "owner") : NULL));
	return emit(r, FK_SERVICE_NO_OWNER, SEV_MEDIUM, a->source, a->login,
	    a->id, NULL, NULL, d);
}

static int
find_orphan(struct run *r, const struct account *a,
    const struct match_result *mr)
{
	const struct person *p0, *p1;
	json_t *d, *amb;

	d = json_object();
	json_object_set_new(d, "external", json_boolean(mr->external));
	json_object_set_new(d, "email", jstr(a->email));
	json_object_set_new(d, "employee_id", jstr(a->employee_id));
	if (mr->near_domain != NULL)
		json_object_set_new(d, "near_domain",
		    json_string(mr->near_domain));
	if (mr->ambiguous_rule != MATCH_NONE) {
		p0 = matcher_person(r->m, mr->ambiguous[0]);
		p1 = matcher_person(r->m, mr->ambiguous[1]);
		amb = json_object();
		json_object_set_new(amb, "rule",
		    json_string(match_rule_name(mr->ambiguous_rule)));
		json_object_set_new(amb, "people", json_pack("[ss]",
		    p0 ? p0->employee_id : "", p1 ? p1->employee_id : ""));
		json_object_set_new(d, "ambiguous", amb);
	}
	if (mr->missing_person != NULL) {
		json_object_set_new(d, "override_line",
		    json_integer(mr->override_line));
		json_object_set_new(d, "override_person_not_in_roster",
		    jstr(mr->missing_person));
	}
	return emit(r, FK_ORPHAN, SEV_HIGH, a->source, a->login, a->id, NULL,
	    NULL, d);
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

static int
find_person_account(struct run *r, const struct account *a,
    const struct match_result *mr, const struct srcinfo *si)
{
	const struct person *p = matcher_person(r->m, mr->person);
	json_t *d, *priv;
	const char *ref, *basis;
	long days, row;
	size_t i;
	int is_priv, any_priv = 0;

	priv = json_array();
	for (i = 0; i < a->ng; i++) {
		const struct grant *g = &a->g[i];

		is_priv = is_privileged(r, a->source, g);
		if (is_priv) {
			any_priv = 1;
			json_array_append_new(priv, jstr(g->name));
		}
		if (!si->in_matrix ||
		    (row = matrix_allows(r, p, a->source, g->name)) >= 0)
			continue;
		d = link_json(r, mr);
		json_object_set_new(d, "department", jstr(p->department));
		json_object_set_new(d, "title", jstr(p->title));
		json_object_set_new(d, "job_code", jstr(p->job_code));
		json_object_set_new(d, "matrix", json_string("no matrix row"));
		json_object_set_new(d, "privileged", json_boolean(is_priv));
		json_object_set_new(d, "grant", grant_json(g));
		if (emit(r, FK_OVER_PRIVILEGED, is_priv ? SEV_HIGH : SEV_MEDIUM,
		    a->source, a->login, a->id, p->employee_id, g->name,
		    d) < 0)
			goto fail;
	}
	if (r->nsod > 0)
		sod_collect(r, a, mr->person);

	if (a->mfa != NULL && strcmp(a->mfa, "not_enrolled") == 0 &&
	    si->mfa_required) {
		d = link_json(r, mr);
		json_object_set_new(d, "mfa", json_string("not_enrolled"));
		json_object_set_new(d, "required_by", json_string(
		    si->mfa_by_source ? "source" : "policy"));
		json_object_set_new(d, "privileged_entitlements", priv);
		priv = NULL;
		if (emit(r, FK_NO_MFA, any_priv ? SEV_HIGH : SEV_MEDIUM,
		    a->source, a->login, a->id, p->employee_id, NULL, d) < 0)
			goto fail;
	}

	/* Unknown last login (NULL) is never a finding. */
	ref = a->last_login;
	basis = "last_login";
	if (ref != NULL && strcasecmp(ref, "never") == 0) {
		ref = a->created;
		basis = "created";
	}
	if (ref != NULL && iso_days(ref) >= 0 &&
	    (days = r->as_of_days - iso_days(ref)) > r->dormant_days) {
		d = link_json(r, mr);
		json_object_set_new(d, "basis", json_string(basis));
		json_object_set_new(d, "last_login", jstr(a->last_login));
		json_object_set_new(d, "created", jstr(a->created));
		json_object_set_new(d, "days", json_integer(days));
		json_object_set_new(d, "dormant_days",
		    json_integer(r->dormant_days));
		if (emit(r, FK_DORMANT, SEV_LOW, a->source, a->login, a->id,
		    p->employee_id, NULL, d) < 0)
			goto fail;
	}
	json_decref(priv);
	return 0;
fail:
	json_decref(priv);
	return -1;
}

static int
process_account(struct run *r, const struct account *a)
{
	struct match_account ma;
	struct match_result mr;
	const struct srcinfo *si = source_info(r, a->source);
	const struct person *p;
	json_t *d;

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
		sqlite3_bind_int64(r->ins_link, 1, r->reconcile);
		sqlite3_bind_int64(r->ins_link, 2, a->id);
		store_bind_text(r->ins_link, 3, p->employee_id);
		store_bind_text(r->ins_link, 4, match_rule_name(mr.rule));
		store_bind_text(r->ins_link, 5, mr.kind);
		if (store_step_done(r->st, r->ins_link, r->err) < 0)
			return -1;
		r->res->linked++;
	}
	if (!a->active)
		return 0;
	if (strcmp(mr.kind, "service") == 0 || strcmp(mr.kind, "shared") == 0)
		return find_service(r, a, &mr);
	if (p == NULL)
		return find_orphan(r, a, &mr);
	if (p->terminated) {
		d = link_json(r, &mr);
		json_object_set_new(d, "termination_date",
		    jstr(p->termination_date));
		json_object_set_new(d, "hr_status", jstr(p->status));
		json_object_set_new(d, "account_status", jstr(a->status));
		json_object_set_new(d, "entitlements", entitlement_names(a));
		return emit(r, FK_TERMINATED_ACTIVE, SEV_CRITICAL, a->source,
		    a->login, a->id, p->employee_id, NULL, d);
	}
	return find_person_account(r, a, &mr, si);
}

static void
account_reset(struct account *a)
{
	size_t i;

	free(a->source);
	free(a->login);
	free(a->email);
	free(a->aliases);
	free(a->employee_id);
	free(a->kind);
	free(a->mfa);
	free(a->last_login);
	free(a->created);
	free(a->status);
	for (i = 0; i < a->ng; i++) {
		free(a->g[i].name);
		free(a->g[i].path);
	}
	a->ng = 0;
	a->id = 0;
}

/*
 * Every account of the current pulls with its grants, one row per grant
 * (or one with NULLs), in account order so that one account's rows come
 * together.
 */
static const char sql_accounts[] =
    "SELECT a.id, a.source, a.login, a.email, a.aliases, a.employee_id,"
    " a.kind, a.active, a.mfa, a.last_login, a.created, a.status,"
    " e.name, e.privileged, g.direct, g.path"
    " FROM accounts a"
    " LEFT JOIN grants g ON g.account_id = a.id"
    " LEFT JOIN entitlements e ON e.id = g.entitlement_id"
    " WHERE a.snapshot_id IN (SELECT c.id FROM current_snapshots c"
    "  JOIN snapshots s ON s.id = c.id WHERE s.kind NOT IN " NOT_A_PULL ")"
    " ORDER BY a.id, e.name";

static int
stream_accounts(struct run *r)
{
	struct account a;
	struct grant *g;
	sqlite3_stmt *q;
	int64_t id;
	int rc, ret = -1;

	memset(&a, 0, sizeof(a));
	if ((q = store_prepare(r->st, sql_accounts, r->err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		if (id != a.id) {
			if (a.id != 0 && process_account(r, &a) < 0)
				goto out;
			account_reset(&a);
			a.id = id;
			a.source = xstrdup(store_col(q, 1));
			a.login = dup_or_null(store_col(q, 2));
			a.email = dup_or_null(store_col(q, 3));
			a.aliases = dup_or_null(store_col(q, 4));
			a.employee_id = dup_or_null(store_col(q, 5));
			a.kind = dup_or_null(store_col(q, 6));
			a.active = sqlite3_column_int(q, 7) != 0;
			a.mfa = dup_or_null(store_col(q, 8));
			a.last_login = dup_or_null(store_col(q, 9));
			a.created = dup_or_null(store_col(q, 10));
			a.status = dup_or_null(store_col(q, 11));
		}
		if (sqlite3_column_type(q, 12) == SQLITE_NULL)
			continue;
		if (a.ng == a.gcap) {
			a.gcap = a.gcap ? a.gcap * 2 : 8;
			a.g = xrealloc(a.g, a.gcap * sizeof(*a.g));
		}
		g = &a.g[a.ng++];
		g->name = xstrdup(store_col(q, 12));
		g->privileged = sqlite3_column_int(q, 13) != 0;
		g->direct = sqlite3_column_type(q, 14) == SQLITE_NULL ||
		    sqlite3_column_int(q, 14) != 0;
		g->path = dup_or_null(store_col(q, 15));
	}
	if (rc != SQLITE_DONE) {
		err_set(r->err, "cannot read accounts: %s", store_errmsg(r->st));
		goto out;
	}
	if (a.id != 0 && process_account(r, &a) < 0)
		goto out;
	ret = 0;
out:
	account_reset(&a);
	free(a.g);
	sqlite3_finalize(q);
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

static json_t *
hit_json(const struct sod_hit *h)
{
	json_t *j = json_object();

	json_object_set_new(j, "source", jstr(h->source));
	json_object_set_new(j, "entitlement", jstr(h->entitlement));
	json_object_set_new(j, "login", jstr(h->login));
	return j;
}

/* One finding per person and rule, on the account holding the right side. */
static int
find_sod(struct run *r)
{
	const struct sod_hit *left, *right;
	const struct person *p;
	const struct sod_rule *s;
	size_t i, j, k, l;
	json_t *d;

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
		d = json_object();
		json_object_set_new(d, "person_id", jstr(p->employee_id));
		json_object_set_new(d, "rule_line", json_integer(s->line));
		json_object_set_new(d, "reason", jstr(s->reason));
		json_object_set_new(d, "left", hit_json(left));
		json_object_set_new(d, "right", hit_json(right));
		if (emit(r, FK_SOD_CONFLICT, SEV_HIGH, right->source,
		    right->login, right->account, p->employee_id,
		    right->entitlement, d) < 0)
			return -1;
	}
	return 0;
}

struct dup_row {
	int64_t	 account;
	char	*login;
	char	*rule;
};

static int
emit_duplicates(struct run *r, const char *person_id, const char *source,
    struct dup_row *v, size_t n)
{
	json_t *d, *logins;
	size_t i, j;
	long idx;
	const struct person *p;

	idx = matcher_find_person(r->m, person_id);
	if ((p = matcher_person(r->m, idx)) == NULL || p->terminated)
		return 0;
	for (i = 0; i < n; i++) {
		logins = json_array();
		for (j = 0; j < n; j++)
			json_array_append_new(logins, jstr(v[j].login));
		d = json_object();
		json_object_set_new(d, "rule", jstr(v[i].rule));
		json_object_set_new(d, "person_id", jstr(person_id));
		json_object_set_new(d, "accounts", json_integer((long)n));
		json_object_set_new(d, "logins", logins);
		if (emit(r, FK_DUPLICATE, SEV_LOW, source, v[i].login,
		    v[i].account, person_id, NULL, d) < 0)
			return -1;
	}
	return 0;
}

/* Two or more active accounts of one person in one source: one on each. */
static int
find_duplicates(struct run *r)
{
	sqlite3_stmt *q;
	struct dup_row *v = NULL;
	size_t n = 0, cap = 0, i;
	char *person = NULL, *source = NULL;
	const char *pid, *src;
	int rc, ret = -1;

	q = store_prepare(r->st, "SELECT person_id, source, id, login, rule"
	    " FROM (SELECT l.person_id, a.source, a.id, a.login, l.rule,"
	    "  COUNT(*) OVER (PARTITION BY l.person_id, a.source) AS n"
	    "  FROM links l JOIN accounts a ON a.id = l.account_id"
	    "  WHERE l.reconcile_id = ? AND l.kind IN ('human','external')"
	    "  AND a.active = 1)"
	    " WHERE n >= 2 ORDER BY person_id, source, id", r->err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, r->reconcile);
	for (;;) {
		rc = sqlite3_step(q);
		pid = rc == SQLITE_ROW ? store_col(q, 0) : NULL;
		src = rc == SQLITE_ROW ? store_col(q, 1) : NULL;
		if (n > 0 && (pid == NULL || strcmp(pid, person) != 0 ||
		    strcmp(src, source) != 0)) {
			if (emit_duplicates(r, person, source, v, n) < 0)
				goto out;
			for (i = 0; i < n; i++) {
				free(v[i].login);
				free(v[i].rule);
			}
			n = 0;
		}
		if (rc != SQLITE_ROW)
			break;
		if (n == 0) {
			free(person);
			free(source);
			person = xstrdup(pid);
			source = xstrdup(src);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].account = sqlite3_column_int64(q, 2);
		v[n].login = dup_or_null(store_col(q, 3));
		v[n].rule = dup_or_null(store_col(q, 4));
		n++;
	}
	if (rc != SQLITE_DONE)
		err_set(r->err, "cannot read links: %s", store_errmsg(r->st));
	else
		ret = 0;
out:
	for (i = 0; i < n; i++) {
		free(v[i].login);
		free(v[i].rule);
	}
	free(v);
	free(person);
	free(source);
	sqlite3_finalize(q);
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
	/* Links are derived data: only the newest reconcile's are kept. */
	q = store_prepare(r->st, "DELETE FROM links WHERE reconcile_id <> ?",
	    r->err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, r->reconcile);
	ret = store_step_done(r->st, q, r->err);
	sqlite3_finalize(q);
	return ret;
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
	free(r->src);
	strmap_free(r->matrix_sources);
	strmap_free(r->matrix_cache);
	strmap_free(r->priv_cache);
	strmap_free(r->exc_index);
	strmap_free(r->src_index);
	sqlite3_finalize(r->ins_link);
	sqlite3_finalize(r->ins_finding);
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
	if ((r.as_of_days = iso_days(as_of)) < 0) {
		err_set(err, "bad as-of date '%s'", as_of ? as_of : "");
		return -1;
	}
	r.dormant_days = cfg ? cfg->dormant_days : 90;
	r.m = matcher_new(cfg ? config_hr(cfg, "alias_domains") : NULL, as_of);
	r.matrix_sources = strmap_new();
	r.matrix_cache = strmap_new();
	r.priv_cache = strmap_new();
	r.exc_index = strmap_new();
	r.src_index = strmap_new();

	if (store_begin(st, err) < 0)
		goto out;
	if (load_people(&r) < 0 || load_overrides(&r) < 0 ||
	    load_matrix(&r) < 0 || load_sod(&r) < 0 ||
	    load_exceptions(&r) < 0 || begin_reconcile(&r) < 0)
		goto out;
	r.ins_link = store_prepare(st, "INSERT INTO links (reconcile_id,"
	    " account_id, person_id, rule, kind) VALUES (?, ?, ?, ?, ?)", err);
	r.ins_finding = store_prepare(st, "INSERT INTO findings (reconcile_id,"
	    " kind, severity, source, login, account_id, person_id,"
	    " entitlement, detail, suppressed_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (r.ins_link == NULL || r.ins_finding == NULL)
		goto out;
	if (stream_accounts(&r) < 0 || find_sod(&r) < 0 ||
	    find_duplicates(&r) < 0)
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
	int64_t id;

	if (res == NULL)
		res = &tmp;
	memset(res, 0, sizeof(*res));
	if ((id = reconcile_current(st, as_of, err)) != 0)
		return id;
	if (reconcile_run(st, cfg, as_of, res, err) < 0)
		return -1;
	return res->id;
}
