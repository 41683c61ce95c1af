/*
 * campaign.c: open a review campaign: freeze the current snapshots and one
 * reconcile into campaign_items, each with its reviewer, findings and
 * recommendation. What a reviewer gets to see is decided here once, so
 * that every worksheet format (reports/) shows the same thing.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/config.h"
#include "rollcall/delta.h"
#include "rollcall/store.h"

/* Managers above a terminated manager we try before giving up. */
#define MANAGER_DEPTH 16

/* Finding kinds in the order a worksheet lists them: gravest first. */
static const char *const kind_order[] = {
	"terminated_active", "orphan", "service_no_owner", "over_privileged",
	"sod_conflict", "no_mfa", "dormant", "duplicate",
};

struct person {
	char	*id;
	char	*name;
	char	*email;
	char	*manager_id;
	char	*title;
	char	*department;
	char	*termination_date;
	const char *status;	/* active, leave, terminated: as of the campaign */
};

struct roster {
	struct person *p;
	size_t	 n;
};

struct reviewer {
	const char *id;
	const char *name;
	const char *email;
};

struct finding {
	int64_t	 account;
	char	*kind;
	char	*entitlement;	/* NULL: on the whole account */
};

/* One override of the current overrides snapshot, the last line per login. */
struct ovr {
	char	*source;
	char	*login;
	char	*kind;
	char	*owner;
	long	 line;
};

struct grant {
	char	*name;
	char	*native_id;
	int	 privileged;
};

struct opener {
	struct store *st;
	const struct config *cfg;
	const char *name;
	const char *as_of;
	int64_t	 campaign_id;
	int64_t	 reconcile_id;
	int64_t	 overrides_snapshot;
	struct roster roster;
	/*
	 * Findings and overrides are read once and searched in memory: a
	 * query per account without an index on it made opening a campaign
	 * quadratic in the number of orphans (every one has a finding).
	 */
	struct finding *findings;	/* by account */
	size_t	 nfindings;
	struct ovr *ovr;		/* by source, login (ASCII nocase) */
	size_t	 novr;
	sqlite3_stmt *grants_q;
	sqlite3_stmt *insert;
	struct campaign_open_result *res;
	/* sources already warned about (no owner, owner not in roster) */
	char	**warned;
	size_t	 nwarned;
};

static void
add_warning(struct campaign_open_result *res, char *msg)
{
	res->warnings = xrealloc(res->warnings,
	    (res->nwarnings + 1) * sizeof(*res->warnings));
	res->warnings[res->nwarnings++] = msg;
}

void
campaign_result_release(struct campaign_open_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	res->warnings = NULL;
	res->nwarnings = 0;
}

void
campaign_item_id(const char *campaign, const char *source,
    const char *native_id, const char *entitlement, char out[ITEM_ID_SIZE])
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const char *parts[4];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, acc = 0, bits = 0;
	EVP_MD_CTX *ctx;
	size_t i, o = 3;

	parts[0] = campaign;
	parts[1] = source;
	parts[2] = native_id;
	parts[3] = entitlement ? entitlement : "";
	memset(md, 0, sizeof(md));
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		abort();		/* out of memory, as xmalloc() */
	/* The NUL ends each part so that ("ab","c") and ("a","bc") differ. */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	for (i = 0; i < ARRAY_SIZE(parts); i++)
		EVP_DigestUpdate(ctx, parts[i] ? parts[i] : "",
		    strlen(parts[i] ? parts[i] : "") + 1);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	memcpy(out, "RV-", 3);
	for (i = 0; o < ITEM_ID_SIZE - 1; ) {
		if (bits < 5) {
			acc = (acc << 8) | md[i++];
			bits += 8;
		}
		out[o++] = b32[(acc >> (bits - 5)) & 31];
		bits -= 5;
	}
	out[o] = '\0';
}

static char *
col_dup(sqlite3_stmt *stmt, int idx)
{
	const char *s = store_col(stmt, idx);

	return s && *s ? xstrdup(s) : NULL;
}

static int
person_cmp(const void *a, const void *b)
{
	return strcmp(((const struct person *)a)->id,
	    ((const struct person *)b)->id);
}

static const struct person *
roster_find(const struct roster *r, const char *id)
{
	struct person key;

	if (str_empty(id) || r->n == 0)
		return NULL;
	key.id = (char *)id;
	return bsearch(&key, r->p, r->n, sizeof(*r->p), person_cmp);
}

static void
roster_free(struct roster *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->p[i].id);
		free(r->p[i].name);
		free(r->p[i].email);
		free(r->p[i].manager_id);
		free(r->p[i].title);
		free(r->p[i].department);
		free(r->p[i].termination_date);
	}
	free(r->p);
	r->p = NULL;
	r->n = 0;
}

/*
 * DESIGN.md: terminated when the termination date is before the as-of
 * date whatever the status says; a date on or after it is an upcoming
 * leaver who still works here; no date: the status word decides.
 */
static const char *
status_as_of(const char *status_class, const char *term, const char *as_of)
{
	if (!str_empty(term)) {
		if (strcmp(term, as_of) < 0)
			return "terminated";
		return strcmp(status_class, "leave") == 0 ? "leave" : "active";
	}
	if (strcmp(status_class, "terminated") == 0)
		return "terminated";
	return strcmp(status_class, "leave") == 0 ? "leave" : "active";
}

/*
 * The whole HR snapshot, sorted by employee id for bsearch. A person's
 * name is the one they go by: the preferred name when HR has one (also
 * what case 18's hostile names arrive in), else the roster's full name.
 */
static int
roster_load(struct opener *o, int64_t hr, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	stmt = store_prepare(o->st, "SELECT employee_id,"
	    " COALESCE(NULLIF(preferred_name, ''), NULLIF(display_name, ''),"
	    "   TRIM(COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))),"
	    " email, manager_id, title, department, termination_date,"
	    " status_class FROM people WHERE snapshot_id = ?", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, hr);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct person *p;

		if (o->roster.n == cap) {
			cap = cap ? cap * 2 : 256;
			o->roster.p = xrealloc(o->roster.p,
			    cap * sizeof(*o->roster.p));
		}
		p = &o->roster.p[o->roster.n++];
		p->id = xstrdup(store_col(stmt, 0));
		p->name = col_dup(stmt, 1);
		if (p->name == NULL)
			p->name = xstrdup(p->id);
		p->email = col_dup(stmt, 2);
		p->manager_id = col_dup(stmt, 3);
		p->title = col_dup(stmt, 4);
		p->department = col_dup(stmt, 5);
		p->termination_date = col_dup(stmt, 6);
		p->status = status_as_of(store_col(stmt, 7),
		    p->termination_date, o->as_of);
	}
	if (rc != SQLITE_DONE)
		err_set(err, "cannot read the HR roster: %s",
		    store_errmsg(o->st));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return -1;
	qsort(o->roster.p, o->roster.n, sizeof(*o->roster.p), person_cmp);
	return 0;
}

/*
 * The person's manager, skipping managers who have left themselves (they
 * can no longer sign); NULL when there is none to ask, so that the source
 * owner reviews. A person is never their own reviewer.
 */
static const struct person *
manager_of(const struct roster *r, const struct person *p)
{
	const struct person *cur = p, *m;
	int depth;

	for (depth = 0; depth < MANAGER_DEPTH; depth++) {
		if ((m = roster_find(r, cur->manager_id)) == NULL || m == p ||
		    m == cur)
			return NULL;
		if (strcmp(m->status, "terminated") != 0)
			return m;
		cur = m;
	}
	return NULL;
}

static int
warned_once(struct opener *o, const char *source)
{
	size_t i;

	for (i = 0; i < o->nwarned; i++)
		if (strcmp(o->warned[i], source) == 0)
			return 1;
	o->warned = xrealloc(o->warned, (o->nwarned + 1) * sizeof(*o->warned));
	o->warned[o->nwarned++] = xstrdup(source);
	return 0;
}

/* ASCII-only case folding, as SQLite's NOCASE that overrides match with. */
static int
ascii_casecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
	} while (ca == cb && ca != '\0');
	return ca - cb;
}

static int
ovr_key_cmp(const void *a, const void *b)
{
	const struct ovr *x = a, *y = b;
	int c;

	if ((c = strcmp(x->source, y->source)) != 0)
		return c;
	return ascii_casecmp(x->login, y->login);
}

/* Within one (source, login) the latest line first: that one is in force. */
static int
ovr_cmp(const void *a, const void *b)
{
	const struct ovr *x = a, *y = b;
	int c;

	if ((c = ovr_key_cmp(a, b)) != 0)
		return c;
	return (x->line < y->line) - (x->line > y->line);
}

static void
ovr_release(struct ovr *v)
{
	free(v->source);
	free(v->login);
	free(v->kind);
	free(v->owner);
}

/* The current overrides, sorted for bsearch, one per (source, login). */
static int
overrides_load(struct opener *o, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0, i, n;
	int rc;

	if (o->overrides_snapshot <= 0)
		return 0;
	stmt = store_prepare(o->st, "SELECT source, login, kind, owner, line"
	    " FROM overrides WHERE snapshot_id = ?", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, o->overrides_snapshot);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ovr *v;

		if (o->novr == cap) {
			cap = cap ? cap * 2 : 64;
			o->ovr = xrealloc(o->ovr, cap * sizeof(*o->ovr));
		}
		v = &o->ovr[o->novr++];
		v->source = xstrdup(store_col(stmt, 0));
		v->login = xstrdup(store_col(stmt, 1));
		v->kind = col_dup(stmt, 2);
		v->owner = col_dup(stmt, 3);
		v->line = (long)sqlite3_column_int64(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read overrides: %s", store_errmsg(o->st));
		return -1;
	}
	if (o->novr == 0)
		return 0;
	qsort(o->ovr, o->novr, sizeof(*o->ovr), ovr_cmp);
	for (i = 1, n = 1; i < o->novr; i++) {
		if (ovr_key_cmp(&o->ovr[n - 1], &o->ovr[i]) == 0)
			ovr_release(&o->ovr[i]);	/* an older line */
		else
			o->ovr[n++] = o->ovr[i];
	}
	o->novr = n;
	return 0;
}

/* The override in force for (source, login), or NULL. */
static const struct ovr *
override_of(const struct opener *o, const char *source, const char *login)
{
	struct ovr key;

	if (o->novr == 0 || str_empty(login))
		return NULL;
	key.source = (char *)source;
	key.login = (char *)login;
	return bsearch(&key, o->ovr, o->novr, sizeof(*o->ovr), ovr_key_cmp);
}

static void
findings_free(struct finding *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].kind);
		free(f[i].entitlement);
	}
	free(f);
}

/* Every finding of the reconcile that no exception suppresses, by account. */
static int
findings_load(struct opener *o, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	stmt = store_prepare(o->st, "SELECT account_id, kind, entitlement"
	    " FROM findings WHERE reconcile_id = ? AND account_id IS NOT NULL"
	    " AND suppressed_by IS NULL ORDER BY account_id, id", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, o->reconcile_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct finding *f;

		if (o->nfindings == cap) {
			cap = cap ? cap * 2 : 256;
			o->findings = xrealloc(o->findings,
			    cap * sizeof(*o->findings));
		}
		f = &o->findings[o->nfindings++];
		f->account = sqlite3_column_int64(stmt, 0);
		f->kind = xstrdup(store_col(stmt, 1));
		f->entitlement = col_dup(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read findings: %s", store_errmsg(o->st));
		return -1;
	}
	return 0;
}

/* The account's findings: a run of o->findings (lent), *n of them. */
static const struct finding *
findings_of(const struct opener *o, int64_t account, size_t *n)
{
	size_t lo = 0, hi = o->nfindings, end;

	while (lo < hi) {		/* the first one >= account */
		size_t mid = lo + (hi - lo) / 2;

		if (o->findings[mid].account < account)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < o->nfindings &&
	    o->findings[end].account == account; end++)
		;
	*n = end - lo;
	return *n ? &o->findings[lo] : NULL;
}

static void
grants_free(struct grant *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(g[i].name);
		free(g[i].native_id);
	}
	free(g);
}

/* Direct and nested grants, by entitlement name. */
static int
grants_of(struct opener *o, int64_t account, struct grant **out, size_t *n,
    struct errbuf *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	sqlite3_bind_int64(o->grants_q, 1, account);
	while ((rc = sqlite3_step(o->grants_q)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].name = xstrdup(store_col(o->grants_q, 0));
		(*out)[*n].privileged = sqlite3_column_int(o->grants_q, 1);
		(*out)[*n].native_id = xstrdup(store_col(o->grants_q, 2));
		(*n)++;
	}
	sqlite3_reset(o->grants_q);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read grants: %s", store_errmsg(o->st));
		return -1;
	}
	return 0;
}

/*
 * The findings on one item, in kind_order, ';'-separated (NULL: none):
 * account-level findings on every item of the account, entitlement-level
 * ones on that entitlement's item only. *revoke: terminated_active or
 * orphan, or over_privileged on this very entitlement.
 */
static char *
item_findings(const struct finding *f, size_t nf, const char *entitlement,
    int *revoke)
{
	struct buf b = BUF_INIT;
	size_t k, i;

	*revoke = 0;
	for (k = 0; k < ARRAY_SIZE(kind_order); k++) {
		int on = 0;

		for (i = 0; i < nf && !on; i++) {
			if (strcmp(f[i].kind, kind_order[k]) != 0)
				continue;
			if (f[i].entitlement == NULL)
				on = 1;
			else if (entitlement &&
			    strcmp(f[i].entitlement, entitlement) == 0)
				on = 2;
		}
		if (!on)
			continue;
		if (k <= 1 || (on == 2 && strcmp(kind_order[k],
		    "over_privileged") == 0))
			*revoke = 1;
		if (b.len)
			buf_addc(&b, ';');
		buf_adds(&b, kind_order[k]);
	}
	/* Kinds we do not know yet still reach the reviewer, at the end. */
	for (i = 0; i < nf; i++) {
		int known = 0;

		for (k = 0; k < ARRAY_SIZE(kind_order); k++)
			known |= strcmp(f[i].kind, kind_order[k]) == 0;
		if (known || (f[i].entitlement && (entitlement == NULL ||
		    strcmp(f[i].entitlement, entitlement) != 0)))
			continue;
		if (b.len)
			buf_addc(&b, ';');
		buf_adds(&b, f[i].kind);
	}
	return b.len ? buf_detach(&b) : NULL;
}

struct account_row {
	int64_t	 id;
	const char *source;
	const char *native_id;
	const char *login;
	const char *display_name;
	const char *status;
	const char *last_login;
	const char *mfa;
	const char *kind;
	const char *person_id;
};

/*
 * The person with that id if they can sign a review: in the roster and
 * not terminated (leave counts as active). Else NULL and *why is
 * "not_in_roster" or "terminated", the words of service_no_owner.
 */
static const struct person *
active_person(const struct roster *r, const char *id, const char **why)
{
	const struct person *p = roster_find(r, id);

	if (p == NULL) {
		*why = "not_in_roster";
		return NULL;
	}
	if (strcmp(p->status, "terminated") == 0) {
		*why = "terminated";
		return NULL;
	}
	*why = NULL;
	return p;
}

static const char *
why_text(const char *why)
{
	return strcmp(why, "terminated") == 0 ?
	    "has left (terminated in the HR roster)" :
	    "is not in the HR roster";
}

/*
 * The source's `owner` if they can review; else NULL, and a warning once
 * per source: an owner who is gone is no owner, and a worksheet in their
 * name would reach nobody.
 */
static const struct person *
source_owner(struct opener *o, const char *source)
{
	const struct source_cfg *sc;
	const struct person *p;
	const char *owner = NULL, *why;

	if (o->cfg && (sc = config_source(o->cfg, source)) != NULL)
		owner = source_get(sc, "owner");
	if (str_empty(owner)) {
		if (!warned_once(o, source))
			add_warning(o->res, xasprintf("source '%s' has no"
			    " owner: its orphans, service accounts and people"
			    " without a manager go to reviewer '%s'", source,
			    REVIEWER_UNASSIGNED));
		return NULL;
	}
	if ((p = active_person(&o->roster, owner, &why)) != NULL)
		return p;
	if (!warned_once(o, source))
		add_warning(o->res, xasprintf("owner '%s' of source '%s' (its"
		    " `owner` setting) %s: its orphans, service accounts and"
		    " people without a manager go to reviewer '%s'", owner,
		    source, why_text(why), REVIEWER_UNASSIGNED));
	return NULL;
}

/*
 * Who reviews account a (README.md, "Reviewers"). holder: the person the
 * account is linked to (for a service account by override: its owner), or
 * NULL. The holder's manager reviews; orphans and people without a manager
 * go to the source's owner; service and shared accounts to their owner in
 * the overrides if that owner is still here, else to the source's owner.
 * Nobody reviews their own access: when that would be the holder, their
 * manager, else the source's owner if someone else, else "unassigned".
 * NULL: "unassigned".
 */
static const struct person *
choose_reviewer(struct opener *o, const struct account_row *a,
    const struct person *holder, int service, const char *kind,
    const char *oowner)
{
	const struct person *r = NULL, *so;
	const char *why;

	if (service && !str_empty(oowner) &&
	    (r = active_person(&o->roster, oowner, &why)) == NULL) {
		so = source_owner(o, a->source);
		add_warning(o->res, xasprintf("owner '%s' of %s account '%s'"
		    " (source '%s', overrides) %s: it goes to %s '%s'",
		    oowner, kind, a->login, a->source, why_text(why),
		    so ? "the source's owner" : "reviewer",
		    so ? so->id : REVIEWER_UNASSIGNED));
		return so;
	}
	if (r == NULL && !service && holder != NULL)
		r = manager_of(&o->roster, holder);
	if (r == NULL)
		r = source_owner(o, a->source);
	if (r == NULL || holder == NULL || r != holder)
		return r;
	/* The holder would sign for their own access: escalate. */
	if ((r = manager_of(&o->roster, holder)) != NULL)
		return r;
	if ((so = source_owner(o, a->source)) != NULL && so != holder)
		return so;
	add_warning(o->res, xasprintf("%s would review their own account"
	    " '%s' in source '%s' (no manager, no other owner of the"
	    " source): it goes to reviewer '%s'", holder->id,
	    a->login ? a->login : a->native_id, a->source,
	    REVIEWER_UNASSIGNED));
	return NULL;
}

static int
insert_item(struct opener *o, const struct account_row *a,
    const struct person *p, const char *kind, const struct reviewer *rv,
    const struct grant *g, int unique_name, const struct finding *f,
    size_t nf, struct errbuf *err)
{
	sqlite3_stmt *s = o->insert;
	char id[ITEM_ID_SIZE], *kinds, *ent_key = NULL;
	const char *ent = g ? g->name : NULL;
	int revoke, ret;

	/*
	 * The name is what stays put across pulls; two entitlements of one
	 * name on one account (same cn in two OUs) also need the native id.
	 */
	if (g && !unique_name)
		ent_key = xasprintf("%s#%s", g->name, g->native_id);
	campaign_item_id(o->name, a->source, a->native_id,
	    ent_key ? ent_key : ent, id);
	free(ent_key);
	kinds = item_findings(f, nf, ent, &revoke);
	sqlite3_bind_int64(s, 1, o->campaign_id);
	store_bind_text(s, 2, id);
	store_bind_text(s, 3, rv->id);
	store_bind_text(s, 4, rv->name);
	store_bind_text(s, 5, p ? p->id : NULL);
	store_bind_text(s, 6, p ? p->name : NULL);
	store_bind_text(s, 7, p ? p->title : NULL);
	store_bind_text(s, 8, p ? p->department : NULL);
	store_bind_text(s, 9, a->source);
	store_bind_text(s, 10, a->login);
	sqlite3_bind_int64(s, 11, a->id);
	store_bind_text(s, 12, a->status);
	store_bind_text(s, 13, a->last_login);
	store_bind_text(s, 14, a->mfa);
	store_bind_text(s, 15, ent);
	sqlite3_bind_int(s, 16, g ? g->privileged != 0 : 0);
	store_bind_text(s, 17, kinds);
	store_bind_text(s, 18, revoke ? "revoke" : NULL);
	store_bind_text(s, 19, a->display_name);
	store_bind_text(s, 20, kind);
	store_bind_text(s, 21, rv->email);
	store_bind_text(s, 22, p ? p->status : NULL);
	store_bind_text(s, 23, p && strcmp(p->status, "terminated") == 0 ?
	    p->termination_date : NULL);
	ret = store_step_done(o->st, s, err);
	if (ret < 0)
		err_prefix(err, "cannot add item %s (%s %s)", id, a->source,
		    a->login ? a->login : a->native_id);
	free(kinds);
	if (ret == 0) {
		o->res->items++;
		o->res->revoke += revoke;
		if (strcmp(rv->id, REVIEWER_UNASSIGNED) == 0)
			o->res->unassigned++;
	}
	return ret;
}

/* Every item of one active account. */
static int
open_account(struct opener *o, const struct account_row *a,
    struct errbuf *err)
{
	const struct person *p = NULL, *holder, *r;
	const struct finding *f;
	const struct ovr *ov;
	struct reviewer rv;
	struct grant *g = NULL;
	const char *kind;
	size_t nf = 0, ng = 0, i;
	int ret = -1, service;

	ov = override_of(o, a->source, a->login);
	kind = ov && ov->kind ? ov->kind : a->kind ? a->kind : "human";
	service = strcmp(kind, "service") == 0 || strcmp(kind, "shared") == 0;
	holder = roster_find(&o->roster, a->person_id);
	/* A service account is reviewed by its owner, not held by a person. */
	if (!service)
		p = holder;
	r = choose_reviewer(o, a, holder, service, kind,
	    service && ov ? ov->owner : NULL);
	rv.id = r ? r->id : REVIEWER_UNASSIGNED;
	rv.name = r ? r->name : REVIEWER_UNASSIGNED;
	rv.email = r ? r->email : NULL;
	f = findings_of(o, a->id, &nf);
	if (grants_of(o, a->id, &g, &ng, err) < 0)
		goto out;
	if (ng == 0)
		ret = insert_item(o, a, p, kind, &rv, NULL, 1, f, nf, err);
	for (i = 0; i < ng; i++) {
		int unique = (i == 0 || strcmp(g[i - 1].name, g[i].name)) &&
		    (i + 1 == ng || strcmp(g[i + 1].name, g[i].name));

		if ((ret = insert_item(o, a, p, kind, &rv, &g[i], unique, f,
		    nf, err)) < 0)
			break;
	}
out:
	grants_free(g, ng);
	return ret;
}

static int
open_items(struct opener *o, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	struct account_row a;
	int rc, ret = 0;

	stmt = store_prepare(o->st, "SELECT a.id, a.source, a.native_id,"
	    " a.login, a.display_name, a.status, a.last_login, a.mfa, a.kind,"
	    " l.person_id"
	    " FROM accounts a JOIN current_snapshots cs ON cs.id = a.snapshot_id"
	    " LEFT JOIN links l ON l.reconcile_id = ? AND l.account_id = a.id"
	    " WHERE a.active = 1 ORDER BY a.source, a.id", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, o->reconcile_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(stmt, 0);
		a.source = store_col(stmt, 1);
		a.native_id = store_col(stmt, 2);
		a.login = store_col(stmt, 3);
		a.display_name = store_col(stmt, 4);
		a.status = store_col(stmt, 5);
		a.last_login = store_col(stmt, 6);
		a.mfa = store_col(stmt, 7);
		a.kind = store_col(stmt, 8);
		a.person_id = store_col(stmt, 9);
		if ((ret = open_account(o, &a, err)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot read accounts: %s", store_errmsg(o->st));
		ret = -1;
	}
	sqlite3_finalize(stmt);
	return ret;
}

static int64_t
insert_campaign(struct opener *o, const char *due, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	char now[21];
	int64_t id = -1;

	now_iso(now);
	stmt = store_prepare(o->st, "INSERT INTO campaigns (name, opened_at,"
	    " as_of, due, reconcile_id) VALUES (?, ?, ?, ?, ?)", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, o->name);
	store_bind_text(stmt, 2, now);
	store_bind_text(stmt, 3, o->as_of);
	store_bind_text(stmt, 4, due);
	sqlite3_bind_int64(stmt, 5, o->reconcile_id);
	if (store_step_done(o->st, stmt, err) == 0)
		id = sqlite3_last_insert_rowid(store_db(o->st));
	sqlite3_finalize(stmt);
	if (id < 0)
		return -1;
	/* Every source's current snapshot, hr and the rule sets included. */
	stmt = store_prepare(o->st, "INSERT INTO campaign_snapshots"
	    " (campaign_id, source, snapshot_id)"
	    " SELECT ?, source, id FROM current_snapshots", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (store_step_done(o->st, stmt, err) < 0)
		id = -1;
	sqlite3_finalize(stmt);
	return id;
}

static int
count_reviewers(struct opener *o, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	int ret = -1;

	stmt = store_prepare(o->st, "SELECT COUNT(DISTINCT reviewer_id)"
	    " FROM campaign_items WHERE campaign_id = ?", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, o->campaign_id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		o->res->reviewers = sqlite3_column_int64(stmt, 0);
		ret = 0;
	} else
		err_set(err, "database: %s", store_errmsg(o->st));
	sqlite3_finalize(stmt);
	return ret;
}

int
campaign_open(struct store *st, const struct config *cfg, const char *name,
    const char *as_of, const char *due, int64_t reconcile_id,
    struct campaign_open_result *res, struct errbuf *err)
{
	struct opener o;
	struct campaign c;
	int64_t hr;
	size_t i;
	int found, ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&o, 0, sizeof(o));
	o.st = st;
	o.cfg = cfg;
	o.name = name;
	o.as_of = as_of;
	o.reconcile_id = reconcile_id;
	o.res = res;
	if ((found = campaign_find(st, name, &c, err)) < 0)
		return -1;
	if (found) {
		err_set(err, "campaign '%s' already exists (opened %s, %s)",
		    name, c.opened_at, c.status);
		campaign_release(&c);
		return CAMPAIGN_REFUSED;
	}
	if ((hr = snapshot_current(st, "hr")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	if (hr == 0) {
		err_set(err, "no HR roster imported (rollcall import hr FILE):"
		    " reviewers come from it");
		return -1;
	}
	if ((o.overrides_snapshot = snapshot_current(st, "overrides")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	if (roster_load(&o, hr, err) < 0)
		goto out;
	if (overrides_load(&o, err) < 0 || findings_load(&o, err) < 0 ||
	    (o.grants_q = store_prepare(st, "SELECT e.name, e.privileged,"
	    " e.native_id FROM grants g JOIN entitlements e"
	    " ON e.id = g.entitlement_id WHERE g.account_id = ?"
	    " ORDER BY e.name, e.native_id", err)) == NULL ||
	    (o.insert = store_prepare(st, "INSERT INTO campaign_items"
	    " (campaign_id, item_id, reviewer_id, reviewer_name, person_id,"
	    " person_name, title, department, source, login, account_id,"
	    " account_status, last_login, mfa, entitlement, privileged,"
	    " findings, recommendation, account_name, account_kind,"
	    " reviewer_email, person_status, termination_date) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?)", err)) == NULL)
		goto out;
	if ((o.campaign_id = insert_campaign(&o, due, err)) < 0)
		goto out;
	res->id = o.campaign_id;
	if (open_items(&o, err) < 0 || count_reviewers(&o, err) < 0)
		goto out;
	if (delta_fingerprints(st, o.campaign_id, err) < 0)	/* delta.h */
		goto out;
	ret = 0;
out:
	for (i = 0; i < o.novr; i++)
		ovr_release(&o.ovr[i]);
	free(o.ovr);
	findings_free(o.findings, o.nfindings);
	sqlite3_finalize(o.grants_q);
	sqlite3_finalize(o.insert);
	roster_free(&o.roster);
	for (i = 0; i < o.nwarned; i++)
		free(o.warned[i]);
	free(o.warned);
	return ret;
}

int
campaign_find(struct store *st, const char *name, struct campaign *c,
    struct errbuf *err)
{
	sqlite3_stmt *stmt;
	const char *s;
	int rc;

	memset(c, 0, sizeof(*c));
	stmt = store_prepare(st, "SELECT id, name, opened_at, as_of, due,"
	    " reconcile_id, status FROM campaigns WHERE name = ?", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, name);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c->id = sqlite3_column_int64(stmt, 0);
		c->name = xstrdup(store_col(stmt, 1));
		c->opened_at = xstrdup(store_col(stmt, 2));
		s = store_col(stmt, 3);
		snprintf(c->as_of, sizeof(c->as_of), "%s", s ? s : "");
		c->due = col_dup(stmt, 4);
		c->reconcile_id = sqlite3_column_int64(stmt, 5);
		c->status = xstrdup(store_col(stmt, 6));
	} else if (rc != SQLITE_DONE)
		err_set(err, "cannot read campaigns: %s", store_errmsg(st));
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

void
campaign_release(struct campaign *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->opened_at);
	free(c->due);
	free(c->status);
	memset(c, 0, sizeof(*c));
}

int
campaign_reviewers(struct store *st, int64_t campaign_id,
    struct campaign_reviewer **out, size_t *n, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	*n = 0;
	stmt = store_prepare(st, "SELECT reviewer_id, MAX(reviewer_name),"
	    " MAX(reviewer_email), COUNT(*),"
	    " SUM(recommendation IS NOT NULL AND recommendation = 'revoke')"
	    " FROM campaign_items WHERE campaign_id = ?"
	    " GROUP BY reviewer_id ORDER BY reviewer_id", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, campaign_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct campaign_reviewer *r;

		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		r = &(*out)[(*n)++];
		r->id = xstrdup(store_col(stmt, 0));
		r->name = xstrdup(store_col(stmt, 1));
		r->email = col_dup(stmt, 2);
		r->items = (long)sqlite3_column_int64(stmt, 3);
		r->revoke = (long)sqlite3_column_int64(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read reviewers: %s", store_errmsg(st));
		campaign_reviewers_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
campaign_reviewers_free(struct campaign_reviewer *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].id);
		free(r[i].name);
		free(r[i].email);
	}
	free(r);
}

int
campaign_items_each(struct store *st, const struct campaign *c,
    const char *reviewer_id,
    int (*fn)(const struct campaign_item *, void *, struct errbuf *),
    void *arg, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	struct campaign_item it;
	int rc, ret = 0;

	/*
	 * Two statements, not "?2 IS NULL OR reviewer_id = ?2": that OR
	 * keeps SQLite off campaign_items_by_reviewer, and one worksheet
	 * per reviewer then scanned every item of the campaign: quadratic.
	 */
#define ITEMS_SELECT "SELECT item_id, reviewer_id, reviewer_name," \
	    " person_id, person_name, title, department, source, login," \
	    " account_name, account_kind, account_status, last_login, mfa," \
	    " entitlement, privileged, findings, recommendation," \
	    " person_status, termination_date," \
	    " CASE WHEN person_status = 'terminated'" \
	    "   AND termination_date IS NOT NULL" \
	    "  THEN CAST(julianday(?3) - julianday(termination_date)" \
	    "   AS INTEGER)" \
	    "  ELSE -1 END" \
	    " FROM campaign_items WHERE campaign_id = ?1"
	/* Leavers and orphans first: they are what the review is for. */
#define ITEMS_ORDER " ORDER BY reviewer_id," \
	    " CASE WHEN person_status = 'terminated' OR (person_id IS NULL AND" \
	    "   COALESCE(account_kind, 'human') NOT IN ('service', 'shared'))" \
	    "  THEN 0 ELSE 1 END," \
	    " person_name COLLATE NOCASE, person_id, source, login," \
	    " entitlement IS NOT NULL, entitlement, item_id"
	if (reviewer_id != NULL)
		stmt = store_prepare(st, ITEMS_SELECT " AND reviewer_id = ?2"
		    ITEMS_ORDER, err);
	else
		stmt = store_prepare(st, ITEMS_SELECT ITEMS_ORDER, err);
#undef ITEMS_SELECT
#undef ITEMS_ORDER
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, c->id);
	if (reviewer_id != NULL)
		store_bind_text(stmt, 2, reviewer_id);
	store_bind_text(stmt, 3, c->as_of);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		it.item_id = store_col(stmt, 0);
		it.reviewer_id = store_col(stmt, 1);
		it.reviewer_name = store_col(stmt, 2);
		it.person_id = store_col(stmt, 3);
		it.person_name = store_col(stmt, 4);
		it.title = store_col(stmt, 5);
		it.department = store_col(stmt, 6);
		it.source = store_col(stmt, 7);
		it.login = store_col(stmt, 8);
		it.account_name = store_col(stmt, 9);
		it.account_kind = store_col(stmt, 10);
		it.status = store_col(stmt, 11);
		it.last_login = store_col(stmt, 12);
		it.mfa = store_col(stmt, 13);
		it.entitlement = store_col(stmt, 14);
		it.privileged = sqlite3_column_int(stmt, 15);
		it.findings = store_col(stmt, 16);
		it.recommendation = store_col(stmt, 17);
		it.person_status = store_col(stmt, 18);
		it.termination_date = store_col(stmt, 19);
		it.days_since_termination = (long)sqlite3_column_int64(stmt, 20);
		if ((ret = fn(&it, arg, err)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot read campaign items: %s",
		    store_errmsg(st));
		ret = -1;
	}
	sqlite3_finalize(stmt);
	return ret;
}
