/*
 * diff.c: changes in a source between two snapshots; see diff.h. Every
 * part is one statement whose lookups go through the UNIQUE(snapshot_id,
 * native_id) indexes of accounts and entitlements and the primary key of
 * grants (snapshot_id first), so the cost is a scan of each snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/buf.h"
#include "rollcall/diff.h"
#include "rollcall/store.h"

/* Snapshots of imports, which hold no accounts (core/findings.c too). */
#define NOT_A_PULL "('hr','matrix','sod','overrides','exceptions')"

static const char *const part_names[DIFF_NPARTS] = {
	[DIFF_ACCOUNTS_ADDED] = "accounts_added",
	[DIFF_ACCOUNTS_REMOVED] = "accounts_removed",
	[DIFF_STATUS_CHANGED] = "status_changed",
	[DIFF_MFA_CHANGED] = "mfa_changed",
	[DIFF_GRANTS_ADDED] = "grants_added",
	[DIFF_GRANTS_REMOVED] = "grants_removed",
};

/*
 * ?1 is the snapshot the rows describe, ?2 the other one: added is
 * (to, from), removed (from, to), so one statement serves both.
 */
static const char sql_accounts_only_in[] =
    "SELECT a.native_id, a.login, a.status, a.active, a.mfa"
    " FROM accounts a WHERE a.snapshot_id = ?1 AND a.native_id IN"
    " (SELECT native_id FROM accounts WHERE snapshot_id = ?1"
    "  EXCEPT SELECT native_id FROM accounts WHERE snapshot_id = ?2)"
    " ORDER BY a.login, a.native_id";

/* ?1 from, ?2 to */
static const char sql_status_changed[] =
    "SELECT b.native_id, b.login, a.status, b.status, a.active, b.active"
    " FROM accounts a JOIN accounts b"
    " ON b.snapshot_id = ?2 AND b.native_id = a.native_id"
    " WHERE a.snapshot_id = ?1"
    " AND (a.status IS NOT b.status OR a.active <> b.active)"
    " ORDER BY b.login, b.native_id";

static const char sql_mfa_changed[] =
    "SELECT b.native_id, b.login, a.mfa, b.mfa"
    " FROM accounts a JOIN accounts b"
    " ON b.snapshot_id = ?2 AND b.native_id = a.native_id"
    " WHERE a.snapshot_id = ?1 AND a.mfa IS NOT b.mfa"
    " ORDER BY b.login, b.native_id";

/* As sql_accounts_only_in: ?1 the snapshot described, ?2 the other. */
static const char sql_grants_only_in[] =
    "WITH g(acc, ent) AS ("
    "  SELECT a.native_id, e.native_id FROM grants g"
    "  JOIN accounts a ON a.id = g.account_id"
    "  JOIN entitlements e ON e.id = g.entitlement_id"
    "  WHERE g.snapshot_id = ?1"
    "  EXCEPT SELECT a.native_id, e.native_id FROM grants g"
    "  JOIN accounts a ON a.id = g.account_id"
    "  JOIN entitlements e ON e.id = g.entitlement_id"
    "  WHERE g.snapshot_id = ?2)"
    " SELECT a.native_id, a.login, e.name, e.native_id, e.privileged"
    " FROM g JOIN accounts a ON a.snapshot_id = ?1 AND a.native_id = g.acc"
    " JOIN entitlements e ON e.snapshot_id = ?1 AND e.native_id = g.ent"
    " ORDER BY a.login, a.native_id, e.name, e.native_id";

const char *
diff_part_name(enum diff_part p)
{
	return (unsigned)p < DIFF_NPARTS ? part_names[p] : NULL;
}

void
diff_range_release(struct diff_range *r)
{
	if (r == NULL)
		return;
	free(r->source);
	free(r->from_at);
	free(r->to_at);
	memset(r, 0, sizeof(*r));
}

struct snapinfo {
	char	*source;
	char	*kind;
	char	*status;
	char	*finished_at;
};

static void
snapinfo_release(struct snapinfo *s)
{
	free(s->source);
	free(s->kind);
	free(s->status);
	free(s->finished_at);
	memset(s, 0, sizeof(*s));
}

static char *
col_dup(sqlite3_stmt *q, int i)
{
	const char *s = store_col(q, i);

	return s ? xstrdup(s) : NULL;
}

/* 1 found, 0 no such snapshot, -1 error. */
static int
snap_get(struct store *st, int64_t id, struct snapinfo *s, struct errbuf *err)
{
	sqlite3_stmt *q;
	int rc;

	memset(s, 0, sizeof(*s));
	q = store_prepare(st, "SELECT source, kind, status, finished_at"
	    " FROM snapshots WHERE id = ?", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s->source = col_dup(q, 0);
		s->kind = col_dup(q, 1);
		s->status = col_dup(q, 2);
		s->finished_at = col_dup(q, 3);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "cannot read snapshots: %s", store_errmsg(st));
		return -1;
	}
	return rc == SQLITE_ROW;
}

/* A snapshot the user named: it must be a successful pull. */
static int
snap_check(struct store *st, const char *opt, int64_t id,
    struct snapinfo *s, struct errbuf *err)
{
	static const char *const imports[] = {
		"hr", "matrix", "sod", "overrides", "exceptions",
	};
	size_t i;
	int rc;

	if ((rc = snap_get(st, id, s, err)) < 0)
		return -1;
	if (rc == 0) {
		err_set(err, "%s: no snapshot %lld (rollcall snapshots lists"
		    " them)", opt, (long long)id);
		return DIFF_REFUSED;
	}
	for (i = 0; i < ARRAY_SIZE(imports); i++)
		if (strcmp(s->kind, imports[i]) == 0) {
			err_set(err, "%s: snapshot %lld is an import of %s,"
			    " not a pull of accounts", opt, (long long)id,
			    s->kind);
			return DIFF_REFUSED;
		}
	if (strcmp(s->status, "ok") != 0) {
		err_set(err, "%s: snapshot %lld of '%s' is %s, not a"
		    " successful pull", opt, (long long)id, s->source,
		    s->status);
		return DIFF_REFUSED;
	}
	return 0;
}

/* The newest ok snapshot of source below id (below everything: 0). */
static int64_t
snap_before(struct store *st, const char *source, int64_t below,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int64_t id = -1;

	q = store_prepare(st, "SELECT COALESCE(MAX(id), 0) FROM snapshots"
	    " WHERE source = ?1 AND status = 'ok' AND (?2 = 0 OR id < ?2)"
	    " AND kind NOT IN " NOT_A_PULL, err);
	if (q == NULL)
		return -1;
	store_bind_text(q, 1, source);
	sqlite3_bind_int64(q, 2, below);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	else
		err_set(err, "cannot read snapshots: %s", store_errmsg(st));
	sqlite3_finalize(q);
	return id;
}

/* The only source ever pulled; DIFF_REFUSED naming them when not one. */
static int
only_source(struct store *st, char **out, struct errbuf *err)
{
	sqlite3_stmt *q;
	struct buf b = BUF_INIT;
	long n = 0;
	int rc;

	*out = NULL;
	q = store_prepare(st, "SELECT DISTINCT source FROM snapshots"
	    " WHERE status = 'ok' AND kind NOT IN " NOT_A_PULL
	    " ORDER BY source", err);
	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n++ == 0)
			*out = xstrdup(store_col(q, 0));
		else
			buf_adds(&b, ", ");
		buf_adds(&b, store_col(q, 0));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read snapshots: %s", store_errmsg(st));
		rc = -1;
	} else if (n == 0) {
		err_set(err, "nothing pulled yet (rollcall pull)");
		rc = DIFF_REFUSED;
	} else if (n > 1) {
		err_set(err, "several sources (%s): name one with --source",
		    buf_str(&b));
		rc = DIFF_REFUSED;
	} else
		rc = 0;
	buf_release(&b);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
diff_resolve(struct store *st, const char *source, int64_t from,
    int64_t to, struct diff_range *r, struct errbuf *err)
{
	struct snapinfo fs, ts;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&fs, 0, sizeof(fs));
	memset(&ts, 0, sizeof(ts));
	if (from > 0 && (rc = snap_check(st, "--from", from, &fs, err)) != 0)
		goto out;
	if (to > 0 && (rc = snap_check(st, "--to", to, &ts, err)) != 0)
		goto out;
	if (from > 0 && to > 0 && strcmp(fs.source, ts.source) != 0) {
		err_set(err, "snapshots %lld and %lld belong to different"
		    " sources ('%s', '%s')", (long long)from, (long long)to,
		    fs.source, ts.source);
		rc = DIFF_REFUSED;
		goto out;
	}
	if (source != NULL && ((fs.source && strcmp(fs.source, source)) ||
	    (ts.source && strcmp(ts.source, source)))) {
		err_set(err, "snapshot %lld belongs to '%s', not '%s'",
		    (long long)(fs.source && strcmp(fs.source, source) ? from :
		    to), fs.source && strcmp(fs.source, source) ? fs.source :
		    ts.source, source);
		rc = DIFF_REFUSED;
		goto out;
	}
	if (source != NULL)
		r->source = xstrdup(source);
	else if (fs.source != NULL || ts.source != NULL)
		r->source = xstrdup(fs.source ? fs.source : ts.source);
	else if ((rc = only_source(st, &r->source, err)) != 0)
		goto out;
	r->from = from;
	r->to = to;
	if (r->to == 0) {
		if ((r->to = snap_before(st, r->source, 0, err)) < 0) {
			rc = -1;
			goto out;
		}
		if (r->to == 0) {
			err_set(err, "source '%s' has no successful pull",
			    r->source);
			rc = DIFF_REFUSED;
			goto out;
		}
	}
	if (r->from == 0) {
		if ((r->from = snap_before(st, r->source, r->to, err)) < 0) {
			rc = -1;
			goto out;
		}
		if (r->from == 0) {
			err_set(err, "source '%s' has no successful pull before"
			    " snapshot %lld: nothing to compare it with",
			    r->source, (long long)r->to);
			rc = DIFF_REFUSED;
			goto out;
		}
	}
	snapinfo_release(&fs);
	snapinfo_release(&ts);
	if ((rc = snap_get(st, r->from, &fs, err)) < 0 ||
	    (rc = snap_get(st, r->to, &ts, err)) < 0)
		goto out;
	r->from_at = fs.finished_at ? xstrdup(fs.finished_at) : NULL;
	r->to_at = ts.finished_at ? xstrdup(ts.finished_at) : NULL;
	rc = 0;
out:
	snapinfo_release(&fs);
	snapinfo_release(&ts);
	if (rc != 0)
		diff_range_release(r);
	return rc;
}

int
diff_each(struct store *st, const struct diff_range *r, enum diff_part part,
    int (*fn)(const struct diff_row *, void *, struct errbuf *), void *arg,
    long *n, struct errbuf *err)
{
	sqlite3_stmt *q;
	struct diff_row row;
	const char *sql;
	int64_t first = r->from, second = r->to;
	int rc, ret = 0;

	if (n != NULL)
		*n = 0;
	switch (part) {
	case DIFF_ACCOUNTS_ADDED:
		first = r->to;
		second = r->from;
		/* FALLTHROUGH */
	case DIFF_ACCOUNTS_REMOVED:
		sql = sql_accounts_only_in;
		break;
	case DIFF_STATUS_CHANGED:
		sql = sql_status_changed;
		break;
	case DIFF_MFA_CHANGED:
		sql = sql_mfa_changed;
		break;
	case DIFF_GRANTS_ADDED:
		first = r->to;
		second = r->from;
		/* FALLTHROUGH */
	case DIFF_GRANTS_REMOVED:
		sql = sql_grants_only_in;
		break;
	default:
		err_set(err, "diff: no part %d", (int)part);
		return -1;
	}
	if ((q = store_prepare(st, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, first);
	sqlite3_bind_int64(q, 2, second);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.part = part;
		row.native_id = store_col(q, 0);
		row.login = store_col(q, 1);
		switch (part) {
		case DIFF_ACCOUNTS_ADDED:
		case DIFF_ACCOUNTS_REMOVED:
			row.status = store_col(q, 2);
			row.active = sqlite3_column_int(q, 3);
			row.mfa = store_col(q, 4);
			break;
		case DIFF_STATUS_CHANGED:
			row.before = store_col(q, 2);
			row.after = store_col(q, 3);
			row.active_before = sqlite3_column_int(q, 4);
			row.active_after = sqlite3_column_int(q, 5);
			break;
		case DIFF_MFA_CHANGED:
			row.before = store_col(q, 2);
			row.after = store_col(q, 3);
			break;
		default:
			row.entitlement = store_col(q, 2);
			row.entitlement_id = store_col(q, 3);
			row.privileged = sqlite3_column_int(q, 4);
			break;
		}
		if (n != NULL)
			(*n)++;
		if ((ret = fn(&row, arg, err)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot compare snapshots %lld and %lld: %s",
		    (long long)r->from, (long long)r->to, store_errmsg(st));
		ret = -1;
	}
	sqlite3_finalize(q);
	return ret;
}
