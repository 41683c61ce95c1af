/* fixture.c: test data straight into a store; see fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/config.h"
#include "rollcall/store.h"
#include "fixture.h"

static void
fx_die(struct store *st, const char *what)
{
	fprintf(stderr, "fixture: %s: %s\n", what,
	    st ? store_errmsg(st) : "?");
	abort();
}

static sqlite3_stmt *
fx_prepare(struct store *st, const char *sql)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q = store_prepare(st, sql, &err);

	if (q == NULL)
		fx_die(st, sql);
	return q;
}

static void
fx_done(struct store *st, sqlite3_stmt *q, const char *what)
{
	struct errbuf err = { "" };

	if (store_step_done(st, q, &err) < 0)
		fx_die(st, what);
	sqlite3_finalize(q);
}

/* Bind text as is: unlike store_bind_text(), "" stays "". */
static void
bind(sqlite3_stmt *q, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
}

struct store *
fx_open(void)
{
	struct errbuf err = { "" };
	struct store *st = store_open(":memory:", &err);

	if (st == NULL) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		abort();
	}
	return st;
}

int64_t
fx_snapshot(struct store *st, const char *source, const char *kind)
{
	struct errbuf err = { "" };
	int64_t id = snapshot_begin(st, source, kind, "fixture", &err);

	if (id < 0 || snapshot_finish(st, id, NULL, NULL, &err) < 0)
		fx_die(st, "snapshot");
	return id;
}

void
fx_person(struct store *st, int64_t snap, const struct fx_person *p)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO people (snapshot_id,"
	    " employee_id, email, first_name, last_name, display_name, status,"
	    " status_class, hire_date, termination_date, manager_id,"
	    " department, title, job_code, worker_type)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	bind(q, 2, p->employee_id);
	bind(q, 3, p->email);
	bind(q, 4, p->first_name);
	bind(q, 5, p->last_name);
	bind(q, 6, p->display_name);
	bind(q, 7, p->status ? p->status : "Active");
	bind(q, 8, p->status_class ? p->status_class : "active");
	bind(q, 9, p->hire_date);
	bind(q, 10, p->termination_date);
	bind(q, 11, p->manager_id);
	bind(q, 12, p->department);
	bind(q, 13, p->title);
	bind(q, 14, p->job_code);
	bind(q, 15, p->worker_type);
	fx_done(st, q, "person");
}

int64_t
fx_account(struct store *st, int64_t snap, const struct fx_account *a)
{
	static long counter;
	char nid[32];
	const char *id = a->native_id ? a->native_id : a->login;
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO accounts (snapshot_id,"
	    " source, native_id, key, login, email, aliases, display_name,"
	    " status, active, mfa, last_login, created, kind, employee_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	if (id == NULL) {
		snprintf(nid, sizeof(nid), "fx-%ld", ++counter);
		id = nid;
	}
	sqlite3_bind_int64(q, 1, snap);
	bind(q, 2, a->source);
	bind(q, 3, id);
	bind(q, 4, id);
	bind(q, 5, a->login);
	bind(q, 6, a->email);
	bind(q, 7, a->aliases);
	bind(q, 8, a->display_name);
	bind(q, 9, a->status ? a->status : a->inactive ? "disabled" :
	    "active");
	sqlite3_bind_int(q, 10, !a->inactive);
	bind(q, 11, a->mfa ? a->mfa : "unknown");
	bind(q, 12, a->last_login);
	bind(q, 13, a->created);
	bind(q, 14, a->kind ? a->kind : "human");
	bind(q, 15, a->employee_id);
	fx_done(st, q, "account");
	return sqlite3_last_insert_rowid(store_db(st));
}

int64_t
fx_entitlement(struct store *st, int64_t snap, const char *source,
    const char *name, int privileged)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO entitlements"
	    " (snapshot_id, source, native_id, key, name, privileged)"
	    " VALUES (?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	bind(q, 2, source);
	bind(q, 3, name);
	bind(q, 4, name);
	bind(q, 5, name);
	sqlite3_bind_int(q, 6, privileged);
	fx_done(st, q, "entitlement");
	return sqlite3_last_insert_rowid(store_db(st));
}

void
fx_grant(struct store *st, int64_t snap, int64_t account, int64_t ent,
    const char *path)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO grants (snapshot_id,"
	    " account_id, entitlement_id, direct, path) VALUES (?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	sqlite3_bind_int64(q, 2, account);
	sqlite3_bind_int64(q, 3, ent);
	sqlite3_bind_int(q, 4, path == NULL);
	bind(q, 5, path);
	fx_done(st, q, "grant");
}

int64_t
fx_grant_new(struct store *st, int64_t snap, int64_t account,
    const char *source, const char *name, int privileged)
{
	int64_t e = fx_entitlement(st, snap, source, name, privileged);

	fx_grant(st, snap, account, e, NULL);
	return e;
}

void
fx_matrix(struct store *st, int64_t snap, long line, const char *department,
    const char *title, const char *job_code, const char *source,
    const char *entitlement, int privileged)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO matrix_rules"
	    " (snapshot_id, line, department, title, job_code, source,"
	    " entitlement, privileged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	sqlite3_bind_int64(q, 2, line);
	bind(q, 3, department);
	bind(q, 4, title);
	bind(q, 5, job_code);
	bind(q, 6, source);
	bind(q, 7, entitlement);
	sqlite3_bind_int(q, 8, privileged);
	fx_done(st, q, "matrix rule");
}

void
fx_sod(struct store *st, int64_t snap, long line, const char *ls,
    const char *le, const char *rs, const char *re, const char *reason)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO sod_rules (snapshot_id,"
	    " line, left_source, left_entitlement, right_source,"
	    " right_entitlement, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	sqlite3_bind_int64(q, 2, line);
	bind(q, 3, ls);
	bind(q, 4, le);
	bind(q, 5, rs);
	bind(q, 6, re);
	bind(q, 7, reason);
	fx_done(st, q, "sod rule");
}

void
fx_override(struct store *st, int64_t snap, long line, const char *source,
    const char *login, const char *person_id, const char *kind,
    const char *owner, const char *reason)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO overrides (snapshot_id,"
	    " line, source, login, person_id, kind, owner, reason)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	sqlite3_bind_int64(q, 2, line);
	bind(q, 3, source);
	bind(q, 4, login);
	bind(q, 5, person_id);
	bind(q, 6, kind ? kind : "human");
	bind(q, 7, owner);
	bind(q, 8, reason);
	fx_done(st, q, "override");
}

void
fx_exception(struct store *st, int64_t snap, long line, const char *kind,
    const char *source, const char *login, const char *entitlement,
    const char *reason, const char *approved_by, const char *expires)
{
	sqlite3_stmt *q = fx_prepare(st, "INSERT INTO exceptions (snapshot_id,"
	    " line, kind, source, login, entitlement, reason, approved_by,"
	    " expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");

	sqlite3_bind_int64(q, 1, snap);
	sqlite3_bind_int64(q, 2, line);
	bind(q, 3, kind);
	bind(q, 4, source);
	bind(q, 5, login);
	bind(q, 6, entitlement);
	bind(q, 7, reason ? reason : "accepted");
	bind(q, 8, approved_by ? approved_by : "E0001");
	bind(q, 9, expires);
	fx_done(st, q, "exception");
}

struct config *
fx_config(const char *ini)
{
	struct errbuf err = { "" };
	struct config *cfg;
	char path[] = "/tmp/rollcall-fixture-XXXXXX";
	int fd = mkstemp(path);
	size_t len = strlen(ini);

	if (fd < 0 || write(fd, ini, len) != (ssize_t)len) {
		perror("fixture: config");
		abort();
	}
	close(fd);
	cfg = config_load(path, 1, &err);
	unlink(path);
	if (cfg == NULL) {
		fprintf(stderr, "fixture: config: %s\n", err.msg);
		abort();
	}
	return cfg;
}

long
fx_long(struct store *st, const char *sql)
{
	sqlite3_stmt *q = fx_prepare(st, sql);
	long v = 0;
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		v = (long)sqlite3_column_int64(q, 0);
	else if (rc != SQLITE_DONE)
		fx_die(st, sql);
	sqlite3_finalize(q);
	return v;
}

const char *
fx_text(struct store *st, const char *sql)
{
	static char buf[8192];
	sqlite3_stmt *q = fx_prepare(st, sql);
	const char *s;
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(q, 0);
		snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	} else if (rc == SQLITE_DONE) {
		snprintf(buf, sizeof(buf), "(none)");
	} else {
		fx_die(st, sql);
	}
	sqlite3_finalize(q);
	return buf;
}

static long
count_findings(struct store *st, const char *kind, const char *login,
    int suppressed)
{
	sqlite3_stmt *q = fx_prepare(st, "SELECT COUNT(*) FROM findings"
	    " WHERE reconcile_id = (SELECT MAX(id) FROM reconciles)"
	    " AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR login = ?2)"
	    " AND (suppressed_by IS NOT NULL) = ?3");
	long n = 0;

	bind(q, 1, kind);
	bind(q, 2, login);
	sqlite3_bind_int(q, 3, suppressed);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	else
		fx_die(st, "count findings");
	sqlite3_finalize(q);
	return n;
}

long
fx_findings(struct store *st, const char *kind, const char *login)
{
	return count_findings(st, kind, login, 0);
}

long
fx_suppressed(struct store *st, const char *kind, const char *login)
{
	return count_findings(st, kind, login, 1);
}

const char *
fx_finding(struct store *st, const char *kind, const char *login,
    const char *column)
{
	char sql[512];
	sqlite3_stmt *q;
	static char buf[8192];
	const char *s;
	int rc;

	/* column is the test's own literal, never data */
	snprintf(sql, sizeof(sql), "SELECT %s FROM findings WHERE"
	    " reconcile_id = (SELECT MAX(id) FROM reconciles)"
	    " AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR login = ?2)"
	    " ORDER BY id LIMIT 1", column);
	q = fx_prepare(st, sql);
	bind(q, 1, kind);
	bind(q, 2, login);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(q, 0);
		snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	} else if (rc == SQLITE_DONE) {
		snprintf(buf, sizeof(buf), "(none)");
	} else {
		fx_die(st, sql);
	}
	sqlite3_finalize(q);
	return buf;
}
