/*
 * remediation.c: after a campaign is closed, is every revoked access gone?
 * The states and what proves them are in remediation.h. Revocations are
 * few (hundreds, not millions), so each one asks SQLite through
 * statements prepared once; every lookup is on an index (accounts'
 * UNIQUE(snapshot_id, native_id), grants_by_account).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/reconcile.h"
#include "rollcall/remediation.h"
#include "rollcall/store.h"

struct checker {
	struct store *st;
	const char *closed_at;
	int64_t	 campaign_id;
	sqlite3_stmt *snap_q;
	sqlite3_stmt *account_q;
	sqlite3_stmt *grant_q;
	/* snapshot of the source asked last: decisions come by source */
	char	*source;
	int64_t	 snapshot;
	char	*finished_at;
};

const char *
remediation_state_name(enum remediation_state s)
{
	switch (s) {
	case REM_DONE:
		return "done";
	case REM_PENDING:
		return "pending";
	default:
		return "not_checked";
	}
}

/* The newest ok snapshot of source finished after the close; 0: none. */
static int
newest_after_close(struct checker *c, const char *source, struct errbuf *err)
{
	int rc;

	if (c->source != NULL && strcmp(c->source, source) == 0)
		return 0;
	free(c->source);
	free(c->finished_at);
	c->source = xstrdup(source);
	c->finished_at = NULL;
	c->snapshot = 0;
	store_bind_text(c->snap_q, 1, source);
	sqlite3_bind_int64(c->snap_q, 2, c->campaign_id);
	store_bind_text(c->snap_q, 3, c->closed_at);
	if ((rc = sqlite3_step(c->snap_q)) == SQLITE_ROW) {
		c->snapshot = sqlite3_column_int64(c->snap_q, 0);
		c->finished_at = xstrdup(store_col(c->snap_q, 1));
	}
	sqlite3_reset(c->snap_q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "cannot read snapshots: %s", store_errmsg(c->st));
		return -1;
	}
	return 0;
}

/* Fill it->state, evidence, snapshot, checked_at and account_id. */
static int
check_one(struct checker *c, struct remediation_item *it, struct errbuf *err)
{
	int rc, active = 0;

	it->state = REM_NOT_CHECKED;
	it->evidence = NULL;
	it->snapshot = 0;
	it->checked_at = NULL;
	it->account_id = 0;
	if (newest_after_close(c, it->source, err) < 0)
		return -1;
	if (c->snapshot == 0)
		return 0;
	it->snapshot = c->snapshot;
	it->checked_at = c->finished_at;
	sqlite3_bind_int64(c->account_q, 1, c->snapshot);
	store_bind_text(c->account_q, 2, it->native_id);
	if ((rc = sqlite3_step(c->account_q)) == SQLITE_ROW) {
		it->account_id = sqlite3_column_int64(c->account_q, 0);
		active = sqlite3_column_int(c->account_q, 1);
	}
	sqlite3_reset(c->account_q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	if (it->account_id == 0 || !active) {
		/* Whatever was revoked, an account nobody can use is enough. */
		it->state = REM_DONE;
		it->evidence = it->account_id ? "account_inactive" :
		    "account_gone";
		return 0;
	}
	if (it->entitlement == NULL) {
		it->state = REM_PENDING;
		it->evidence = "account_active";
		return 0;
	}
	/*
	 * By name, as the item was: the entitlement's native id may change
	 * with a rename or a move in the directory, its name is what the
	 * reviewer revoked.
	 */
	sqlite3_bind_int64(c->grant_q, 1, it->account_id);
	store_bind_text(c->grant_q, 2, it->entitlement);
	rc = sqlite3_step(c->grant_q);
	sqlite3_reset(c->grant_q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	it->state = rc == SQLITE_ROW ? REM_PENDING : REM_DONE;
	it->evidence = rc == SQLITE_ROW ? "grant_present" : "grant_gone";
	return 0;
fail:
	err_set(err, "cannot read snapshot %lld: %s", (long long)c->snapshot,
	    store_errmsg(c->st));
	return -1;
}

static void
checker_release(struct checker *c)
{
	sqlite3_finalize(c->snap_q);
	sqlite3_finalize(c->account_q);
	sqlite3_finalize(c->grant_q);
	free(c->source);
	free(c->finished_at);
}

/* Every current revoke decision of campaign id, checked; see the header. */
static int
check_campaign(struct store *st, int64_t id, const char *name,
    const char *closed_at,
    int (*fn)(const struct remediation_item *, void *, struct errbuf *),
    void *arg, struct remediation_counts *counts, struct errbuf *err)
{
	struct checker c;
	struct remediation_item it;
	sqlite3_stmt *q = NULL;
	int rc, ret = -1;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.closed_at = closed_at;
	c.campaign_id = id;
	/*
	 * After the close: a snapshot newer than every one there was when it
	 * closed (ids, not times: a pull in the same second as the close
	 * counts, one from before it never does).
	 */
	if ((c.snap_q = store_prepare(st, "SELECT id, finished_at"
	    " FROM snapshots WHERE source = ?1 AND status = 'ok'"
	    " AND (SELECT CASE WHEN close_snapshot IS NULL"	/* before v5 */
	    "  THEN snapshots.finished_at > ?3"
	    "  ELSE snapshots.id > close_snapshot END"
	    "  FROM campaigns WHERE id = ?2)"
	    " ORDER BY id DESC LIMIT 1", err)) == NULL ||
	    (c.account_q = store_prepare(st, "SELECT id, active FROM accounts"
	    " WHERE snapshot_id = ? AND native_id = ?", err)) == NULL ||
	    (c.grant_q = store_prepare(st, "SELECT 1 FROM grants g"
	    " JOIN entitlements e ON e.id = g.entitlement_id"
	    " WHERE g.account_id = ? AND e.name = ? LIMIT 1", err)) == NULL)
		goto out;
	/*
	 * The native id: the item's own, or (an item written before the
	 * column was filled) that of the account in the campaign's snapshot.
	 */
	q = store_prepare(st, "SELECT d.item_id, i.source,"
	    " COALESCE(i.native_id, a.native_id), i.login, i.entitlement,"
	    " i.person_id, COALESCE(d.reviewer_id, i.reviewer_id), d.decided_at"
	    " FROM decisions d JOIN campaign_items i"
	    " ON i.campaign_id = d.campaign_id AND i.item_id = d.item_id"
	    " LEFT JOIN accounts a ON a.id = i.account_id"
	    " WHERE d.campaign_id = ? AND d.current = 1"
	    " AND d.decision = 'revoke'"
	    " ORDER BY i.source, i.login, i.entitlement IS NOT NULL,"
	    " i.entitlement, d.item_id", err);
	if (q == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, id);
	ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		it.campaign = name;
		it.item_id = store_col(q, 0);
		it.source = store_col(q, 1);
		it.native_id = store_col(q, 2);
		it.login = store_col(q, 3);
		it.entitlement = store_col(q, 4);
		it.person_id = store_col(q, 5);
		it.reviewer_id = store_col(q, 6);
		it.decided_at = store_col(q, 7);
		if ((ret = check_one(&c, &it, err)) < 0)
			break;
		if (counts != NULL) {
			counts->done += it.state == REM_DONE;
			counts->pending += it.state == REM_PENDING;
			counts->not_checked += it.state == REM_NOT_CHECKED;
		}
		if ((ret = fn(&it, arg, err)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot read decisions: %s", store_errmsg(st));
		ret = -1;
	}
out:
	sqlite3_finalize(q);
	checker_release(&c);
	return ret;
}

int
remediation_check(struct store *st, const char *campaign,
    int (*fn)(const struct remediation_item *, void *, struct errbuf *),
    void *arg, struct remediation_counts *counts, struct errbuf *err)
{
	sqlite3_stmt *q;
	char *closed_at = NULL, *status = NULL;
	int64_t id = 0;
	int rc, ret;

	if (counts != NULL)
		memset(counts, 0, sizeof(*counts));
	q = store_prepare(st, "SELECT id, status, closed_at FROM campaigns"
	    " WHERE name = ?", err);
	if (q == NULL)
		return -1;
	store_bind_text(q, 1, campaign);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		status = xstrdup(store_col(q, 1));
		if (store_col(q, 2) != NULL)
			closed_at = xstrdup(store_col(q, 2));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "cannot read campaigns: %s", store_errmsg(st));
		return -1;
	}
	if (id == 0) {
		err_set(err, "no campaign '%s'", campaign);
		ret = REMEDIATION_REFUSED;
	} else if (strcmp(status, "closed") != 0 || closed_at == NULL) {
		err_set(err, "campaign '%s' is not closed yet (rollcall review"
		    " close %s): its decisions may still change", campaign,
		    campaign);
		ret = REMEDIATION_REFUSED;
	} else
		ret = check_campaign(st, id, campaign, closed_at, fn, arg,
		    counts, err);
	free(status);
	free(closed_at);
	return ret;
}

/* ---- findings ---- */

struct emitter {
	struct store *st;
	int64_t	 reconcile_id;
	const char *as_of;
	const char *closed_at;
	int64_t	 exceptions;	/* current exceptions snapshot, 0: none */
	sqlite3_stmt *later_q;
	sqlite3_stmt *exc_q;
	sqlite3_stmt *ins;
	struct reconcile_result *res;
};

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The unexpired exception that suppresses it, as JSON; NULL: none. */
static int
suppressed_by(struct emitter *e, const struct remediation_item *it,
    char **out, struct errbuf *err)
{
	sqlite3_stmt *q = e->exc_q;
	json_t *j;
	int rc;

	*out = NULL;
	if (e->exceptions == 0)
		return 0;
	sqlite3_bind_int64(q, 1, e->exceptions);
	store_bind_text(q, 2, it->source);
	store_bind_text(q, 3, it->login ? it->login : it->native_id);
	store_bind_text(q, 4, it->entitlement);
	store_bind_text(q, 5, e->as_of);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		/* The same evidence core/findings.c keeps for an exception. */
		j = json_object();
		json_object_set_new(j, "line",
		    json_integer(sqlite3_column_int64(q, 0)));
		json_object_set_new(j, "entitlement", jstr(store_col(q, 1)));
		json_object_set_new(j, "reason", jstr(store_col(q, 2)));
		json_object_set_new(j, "approved_by", jstr(store_col(q, 3)));
		json_object_set_new(j, "expires", jstr(store_col(q, 4)));
		*out = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "cannot read exceptions: %s", store_errmsg(e->st));
		return -1;
	}
	return 0;
}

static int
emit_pending(const struct remediation_item *it, void *arg,
    struct errbuf *err)
{
	struct emitter *e = arg;
	char *detail, *sup = NULL;
	json_t *d;
	int rc, ret;

	if (it->state != REM_PENDING)
		return 0;
	/* A campaign closed later decided on this access again: it stands. */
	store_bind_text(e->later_q, 1, e->closed_at);
	store_bind_text(e->later_q, 2, it->source);
	store_bind_text(e->later_q, 3, it->native_id);
	store_bind_text(e->later_q, 4, it->entitlement);
	rc = sqlite3_step(e->later_q);
	sqlite3_reset(e->later_q);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read decisions: %s", store_errmsg(e->st));
		return -1;
	}
	if (suppressed_by(e, it, &sup, err) < 0)
		return -1;
	d = json_pack("{s:o,s:o,s:o,s:o}", "campaign", jstr(it->campaign),
	    "item_id", jstr(it->item_id), "decided_at", jstr(it->decided_at),
	    "reviewer", jstr(it->reviewer_id));
	detail = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	sqlite3_bind_int64(e->ins, 1, e->reconcile_id);
	store_bind_text(e->ins, 2, it->source);
	store_bind_text(e->ins, 3, it->login ? it->login : it->native_id);
	sqlite3_bind_int64(e->ins, 4, it->account_id);
	store_bind_text(e->ins, 5, it->person_id);
	store_bind_text(e->ins, 6, it->entitlement);
	sqlite3_bind_text(e->ins, 7, detail ? detail : "{}", -1,
	    SQLITE_TRANSIENT);
	store_bind_text(e->ins, 8, sup);
	ret = store_step_done(e->st, e->ins, err);
	if (ret == 0 && sup != NULL)
		e->res->suppressed++;
	else if (ret == 0) {
		e->res->findings++;
		e->res->by_kind[FK_REVOCATION_PENDING]++;
	}
	free(detail);
	free(sup);
	return ret;
}

int
remediation_findings(struct store *st, int64_t reconcile_id,
    const char *as_of, struct reconcile_result *res, struct errbuf *err)
{
	struct emitter e;
	sqlite3_stmt *q = NULL;
	int rc, ret = -1;

	memset(&e, 0, sizeof(e));
	e.st = st;
	e.reconcile_id = reconcile_id;
	e.as_of = as_of;
	e.res = res;
	if ((e.exceptions = snapshot_current(st, "exceptions")) < 0) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	if ((e.later_q = store_prepare(st, "SELECT 1 FROM campaigns c"
	    " JOIN decisions d ON d.campaign_id = c.id AND d.current = 1"
	    " JOIN campaign_items i ON i.campaign_id = d.campaign_id"
	    "  AND i.item_id = d.item_id"
	    " WHERE c.status = 'closed' AND c.closed_at > ?1"
	    " AND i.source = ?2 AND i.native_id = ?3 AND i.entitlement IS ?4"
	    " LIMIT 1", err)) == NULL ||
	    (e.exc_q = store_prepare(st, "SELECT line, entitlement, reason,"
	    " approved_by, expires FROM exceptions WHERE snapshot_id = ?1"
	    " AND lower(kind) = 'revocation_pending'"
	    " AND lower(source) = lower(?2)"
	    " AND lower(trim(login)) = lower(?3)"
	    " AND (entitlement IS NULL OR lower(entitlement) = lower(?4))"
	    " AND substr(expires, 1, 10) >= ?5"
	    " ORDER BY expires DESC, line LIMIT 1", err)) == NULL ||
	    (e.ins = store_prepare(st, "INSERT INTO findings (reconcile_id,"
	    " kind, severity, source, login, account_id, person_id,"
	    " entitlement, detail, suppressed_by)"
	    " VALUES (?1, 'revocation_pending', 'high', ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8)", err)) == NULL)
		goto out;
	if ((q = store_prepare(st, "SELECT id, name, closed_at FROM campaigns"
	    " WHERE status = 'closed' AND closed_at IS NOT NULL ORDER BY id",
	    err)) == NULL)
		goto out;
	ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		e.closed_at = store_col(q, 2);
		if ((ret = check_campaign(st, sqlite3_column_int64(q, 0),
		    store_col(q, 1), e.closed_at, emit_pending, &e, NULL,
		    err)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot read campaigns: %s", store_errmsg(st));
		ret = -1;
	}
	if (ret < 0)
		err_prefix(err, "revocation check");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(e.later_q);
	sqlite3_finalize(e.exc_q);
	sqlite3_finalize(e.ins);
	return ret;
}
