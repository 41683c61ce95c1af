/*
 * offboard.c: the check IT runs after every termination: every account a
 * terminated person can still get into, with what it grants, and the
 * terminations coming up (as information). Terminated means what
 * DESIGN.md says, as in match.c: a termination date before the as-of date,
 * or no date and a terminated status.
 */
#include <stdlib.h>
#include <string.h>

#include "rollcall/offboard.h"
#include "rollcall/store.h"

#define TERMINATED(asof) \
	"((p.termination_date IS NOT NULL AND p.termination_date <> ''" \
	" AND substr(p.termination_date, 1, 10) < " asof ") OR" \
	" ((p.termination_date IS NULL OR p.termination_date = '')" \
	" AND p.status_class = 'terminated'))"

/* Links that are someone's own account (not a service account's owner). */
#define OWN_ACCOUNT "l.kind IN ('human','external')"

static const char sql_leftovers[] =
    "SELECT p.employee_id, substr(p.termination_date, 1, 10),"
    " CAST(julianday(?1) - julianday(substr(p.termination_date, 1, 10))"
    "  AS INTEGER), a.source, a.login, a.status, a.id"
    " FROM people p"
    " JOIN links l ON l.reconcile_id = ?3 AND l.person_id = p.employee_id"
    " JOIN accounts a ON a.id = l.account_id"
    " WHERE p.snapshot_id = ?2 AND " OWN_ACCOUNT " AND a.active = 1"
    " AND " TERMINATED("?1")
    " AND (?4 IS NULL OR p.employee_id = ?4)"
    " AND (?5 IS NULL OR substr(p.termination_date, 1, 10) >= ?5)"
    " ORDER BY p.employee_id, a.source, a.login, a.id";

static const char sql_entitlements[] =
    "SELECT e.name FROM grants g JOIN entitlements e"
    " ON e.id = g.entitlement_id WHERE g.account_id = ? ORDER BY e.name";

static const char sql_upcoming[] =
    "SELECT p.employee_id, substr(p.termination_date, 1, 10),"
    " CAST(julianday(substr(p.termination_date, 1, 10)) - julianday(?1)"
    "  AS INTEGER),"
    " (SELECT COUNT(*) FROM links l JOIN accounts a ON a.id = l.account_id"
    "  WHERE l.reconcile_id = ?3 AND l.person_id = p.employee_id"
    "  AND " OWN_ACCOUNT " AND a.active = 1)"
    " FROM people p WHERE p.snapshot_id = ?2"
    " AND p.termination_date IS NOT NULL"
    " AND substr(p.termination_date, 1, 10) >= ?1"
    " AND substr(p.termination_date, 1, 10) <= date(?1, ?5)"
    " AND (?4 IS NULL OR p.employee_id = ?4)"
    " ORDER BY 2, 1";

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
load_entitlements(struct store *st, sqlite3_stmt *q, int64_t account,
    struct offboard_leftover *l, struct errbuf *err)
{
	size_t cap = 0;
	int rc;

	sqlite3_bind_int64(q, 1, account);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (l->nentitlements == cap) {
			cap = cap ? cap * 2 : 8;
			l->entitlements = xrealloc(l->entitlements,
			    cap * sizeof(*l->entitlements));
		}
		l->entitlements[l->nentitlements++] =
		    xstrdup(store_col(q, 0));
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read grants: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

static void
bind_query(sqlite3_stmt *q, int64_t hr, int64_t reconcile,
    const struct offboard_query *oq)
{
	store_bind_text(q, 1, oq->as_of);
	sqlite3_bind_int64(q, 2, hr);
	sqlite3_bind_int64(q, 3, reconcile);
	store_bind_text(q, 4, oq->person);
}

static int
person_exists(struct store *st, int64_t hr, const char *id,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int rc;

	q = store_prepare(st, "SELECT 1 FROM people WHERE snapshot_id = ?"
	    " AND employee_id = ?", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, hr);
	store_bind_text(q, 2, id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
offboard_run(struct store *st, int64_t reconcile,
    const struct offboard_query *oq, struct offboard_report *rep,
    struct errbuf *err)
{
	sqlite3_stmt *q = NULL, *ents = NULL;
	struct offboard_leftover *l;
	struct offboard_upcoming *u;
	size_t cap = 0;
	int64_t hr;
	char window[32];
	int rc, ret = -1;

	memset(rep, 0, sizeof(*rep));
	if ((hr = snapshot_current(st, "hr")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	if (oq->person != NULL) {
		if ((rc = person_exists(st, hr, oq->person, err)) < 0)
			return -1;
		rep->person_found = rc;
	}

	if ((q = store_prepare(st, sql_leftovers, err)) == NULL ||
	    (ents = store_prepare(st, sql_entitlements, err)) == NULL)
		goto out;
	bind_query(q, hr, reconcile, oq);
	store_bind_text(q, 5, oq->since);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (rep->nleft == cap) {
			cap = cap ? cap * 2 : 16;
			rep->left = xrealloc(rep->left, cap * sizeof(*rep->left));
		}
		l = &rep->left[rep->nleft++];
		memset(l, 0, sizeof(*l));
		l->person_id = xstrdup(store_col(q, 0));
		l->terminated_on = dup_or_null(store_col(q, 1));
		if (l->terminated_on != NULL && *l->terminated_on == '\0') {
			free(l->terminated_on);
			l->terminated_on = NULL;
		}
		l->days_since = l->terminated_on ?
		    sqlite3_column_int(q, 2) : -1;
		l->source = xstrdup(store_col(q, 3));
		l->login = dup_or_null(store_col(q, 4));
		l->status = dup_or_null(store_col(q, 5));
		if (load_entitlements(st, ents, sqlite3_column_int64(q, 6), l,
		    err) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read links: %s", store_errmsg(st));
		goto out;
	}
	sqlite3_finalize(q);

	if ((q = store_prepare(st, sql_upcoming, err)) == NULL)
		goto out;
	bind_query(q, hr, reconcile, oq);
	snprintf(window, sizeof(window), "+%d days", oq->upcoming_days);
	store_bind_text(q, 5, window);
	cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (rep->nup == cap) {
			cap = cap ? cap * 2 : 16;
			rep->up = xrealloc(rep->up, cap * sizeof(*rep->up));
		}
		u = &rep->up[rep->nup++];
		u->person_id = xstrdup(store_col(q, 0));
		u->terminates_on = xstrdup(store_col(q, 1));
		u->days_until = sqlite3_column_int(q, 2);
		u->accounts = sqlite3_column_int(q, 3);
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read the HR roster: %s", store_errmsg(st));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ents);
	if (ret < 0)
		offboard_report_release(rep);
	return ret;
}

void
offboard_report_release(struct offboard_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->nleft; i++) {
		free(rep->left[i].person_id);
		free(rep->left[i].terminated_on);
		free(rep->left[i].source);
		free(rep->left[i].login);
		free(rep->left[i].status);
		for (j = 0; j < rep->left[i].nentitlements; j++)
			free(rep->left[i].entitlements[j]);
		free(rep->left[i].entitlements);
	}
	free(rep->left);
	for (i = 0; i < rep->nup; i++) {
		free(rep->up[i].person_id);
		free(rep->up[i].terminates_on);
	}
	free(rep->up);
	memset(rep, 0, sizeof(*rep));
}
