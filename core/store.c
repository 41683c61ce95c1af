/*
 * store.c: the SQLite database: schema, migrations, snapshots.
 *
 * Tables (version 1):
 *   snapshots        one row per pull or import attempt (running/ok/failed)
 *   source_issues    data-quality notes of a snapshot (cycles, dangling members)
 *   people           HR roster rows, per snapshot
 *   accounts         accounts of a source, per snapshot
 *   entitlements     groups/roles of a source, per snapshot
 *   grants           account -> entitlement, direct or with its nesting path
 *   matrix_rules, sod_rules, overrides, exceptions   imported rule sets
 *   reconciles       one row per reconcile (as-of date, inputs)
 *   links            account -> person of a reconcile, with the rule and
 *                    the account's kind (service/shared: the person is
 *                    the owner who reviews it, not its holder)
 *   findings         findings of a reconcile (suppressed ones kept, marked)
 *   campaigns, campaign_items   review campaigns and their frozen items
 * The current snapshot of a source is its newest 'ok' one (view
 * current_snapshots); older ones stay as evidence.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rollcall/store.h"

struct store {
	sqlite3	*db;
};

static const char *const migrations[] = {	/* append only */
	/* 0 -> 1 */
	"CREATE TABLE snapshots ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  origin TEXT,"
	"  sha256 TEXT,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('running','ok','failed')),"
	"  error TEXT,"
	"  n_records INTEGER NOT NULL DEFAULT 0,"
	"  n_entitlements INTEGER NOT NULL DEFAULT 0,"
	"  n_grants INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX snapshots_by_source ON snapshots(source, status, id);"
	"CREATE VIEW current_snapshots AS"
	"  SELECT source, MAX(id) AS id FROM snapshots"
	"  WHERE status = 'ok' GROUP BY source;"
	"CREATE TABLE source_issues ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL);"
	"CREATE INDEX source_issues_by_snapshot ON source_issues(snapshot_id);"
	"CREATE TABLE people ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  employee_id TEXT NOT NULL,"
	"  email TEXT,"
	"  first_name TEXT, last_name TEXT, preferred_name TEXT,"
	"  display_name TEXT,"
	"  status TEXT,"			/* verbatim */
	"  status_class TEXT NOT NULL"		/* from the status word alone */
	"    CHECK (status_class IN ('active','leave','terminated')),"
	"  hire_date TEXT, termination_date TEXT,"	/* ISO */
	"  manager_id TEXT, department TEXT, title TEXT, job_code TEXT,"
	"  worker_type TEXT,"			/* employee / contractor */
	"  line INTEGER,"			/* in the imported file */
	"  PRIMARY KEY (snapshot_id, employee_id));"
	"CREATE INDEX people_by_email ON people(snapshot_id, email COLLATE NOCASE);"
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  source TEXT NOT NULL,"
	"  native_id TEXT NOT NULL,"
	"  key TEXT NOT NULL,"			/* membership key (DN) */
	"  login TEXT, email TEXT, aliases TEXT, display_name TEXT,"
	"  status TEXT,"			/* the source's word, verbatim */
	"  active INTEGER NOT NULL CHECK (active IN (0, 1)),"
	"  mfa TEXT NOT NULL DEFAULT 'unknown'"
	"    CHECK (mfa IN ('enrolled','not_enrolled','unknown')),"
	"  last_login TEXT,"			/* NULL unknown, 'never' */
	"  created TEXT,"
	"  kind TEXT NOT NULL DEFAULT 'human'"
	"    CHECK (kind IN ('human','service','shared','external')),"
	"  employee_id TEXT,"
	"  UNIQUE (snapshot_id, native_id));"
	"CREATE TABLE entitlements ("
	"  id INTEGER PRIMARY KEY,"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  source TEXT NOT NULL,"
	"  native_id TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'group',"
	"  privileged INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (snapshot_id, native_id));"
	"CREATE TABLE grants ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  entitlement_id INTEGER NOT NULL REFERENCES entitlements(id),"
	"  direct INTEGER NOT NULL CHECK (direct IN (0, 1)),"
	"  path TEXT,"		/* 'outer <- inner <- login' when nested */
	"  PRIMARY KEY (snapshot_id, account_id, entitlement_id));"
	"CREATE INDEX grants_by_account ON grants(account_id);"
	"CREATE TABLE matrix_rules ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  line INTEGER NOT NULL,"
	"  department TEXT, title TEXT, job_code TEXT,"	/* globs; NULL = any */
	"  source TEXT NOT NULL, entitlement TEXT NOT NULL,"
	"  privileged INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE sod_rules ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  line INTEGER NOT NULL,"
	"  left_source TEXT NOT NULL, left_entitlement TEXT NOT NULL,"
	"  right_source TEXT NOT NULL, right_entitlement TEXT NOT NULL,"
	"  reason TEXT);"
	"CREATE TABLE overrides ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  line INTEGER NOT NULL,"
	"  source TEXT NOT NULL, login TEXT NOT NULL,"
	"  person_id TEXT,"
	"  kind TEXT NOT NULL DEFAULT 'human'"
	"    CHECK (kind IN ('human','service','shared')),"
	"  owner TEXT, reason TEXT);"
	"CREATE TABLE exceptions ("
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  line INTEGER NOT NULL,"
	"  kind TEXT NOT NULL, source TEXT NOT NULL, login TEXT NOT NULL,"
	"  entitlement TEXT,"			/* NULL: any */
	"  reason TEXT NOT NULL, approved_by TEXT NOT NULL,"
	"  expires TEXT NOT NULL);"		/* ISO date */
	"CREATE TABLE reconciles ("
	"  id INTEGER PRIMARY KEY,"
	"  as_of TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  max_snapshot INTEGER NOT NULL);"	/* newest snapshot id it saw */
	"CREATE TABLE links ("
	"  reconcile_id INTEGER NOT NULL REFERENCES reconciles(id),"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  person_id TEXT NOT NULL,"
	"  rule TEXT NOT NULL CHECK (rule IN"
	"    ('override','employee_id','email','normalized_email','login')),"
	"  PRIMARY KEY (reconcile_id, account_id));"
	"CREATE TABLE findings ("
	"  id INTEGER PRIMARY KEY,"
	"  reconcile_id INTEGER NOT NULL REFERENCES reconciles(id),"
	"  kind TEXT NOT NULL,"
	"  severity TEXT NOT NULL"
	"    CHECK (severity IN ('low','medium','high','critical')),"
	"  source TEXT NOT NULL,"
	"  login TEXT,"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  person_id TEXT,"
	"  entitlement TEXT,"
	"  detail TEXT NOT NULL,"		/* JSON object: the evidence */
	"  suppressed_by TEXT);"		/* JSON of the exception, or NULL */
	"CREATE INDEX findings_by_reconcile ON findings(reconcile_id, kind);"
	"CREATE TABLE campaigns ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  opened_at TEXT NOT NULL,"
	"  as_of TEXT NOT NULL,"
	"  due TEXT,"
	"  reconcile_id INTEGER REFERENCES reconciles(id),"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (status IN ('open','closed')));"
	"CREATE TABLE campaign_snapshots ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  source TEXT NOT NULL,"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
	"  PRIMARY KEY (campaign_id, source));"
	"CREATE TABLE campaign_items ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  item_id TEXT NOT NULL,"
	"  reviewer_id TEXT,"
	"  reviewer_name TEXT,"
	"  person_id TEXT, person_name TEXT, title TEXT, department TEXT,"
	"  source TEXT NOT NULL, login TEXT, account_id INTEGER,"
	"  account_status TEXT, last_login TEXT, mfa TEXT,"
	"  entitlement TEXT, privileged INTEGER NOT NULL DEFAULT 0,"
	"  findings TEXT, recommendation TEXT,"
	"  PRIMARY KEY (campaign_id, item_id));"
	"CREATE INDEX campaign_items_by_reviewer"
	"  ON campaign_items(campaign_id, reviewer_id);",
	/* 1 -> 2: what a worksheet shows beyond version 1's item columns */
	"ALTER TABLE campaign_items ADD COLUMN account_name TEXT;"
	"ALTER TABLE campaign_items ADD COLUMN account_kind TEXT;"
	"ALTER TABLE campaign_items ADD COLUMN reviewer_email TEXT;"
	"ALTER TABLE campaign_items ADD COLUMN person_status TEXT;"
	"ALTER TABLE campaign_items ADD COLUMN termination_date TEXT;",
	/* 2 -> 3: a link of a service/shared account names its owner */
	"ALTER TABLE links ADD COLUMN kind TEXT NOT NULL DEFAULT 'human'"
	"  CHECK (kind IN ('human','service','shared','external'));"
	"CREATE INDEX links_by_person ON links(reconcile_id, person_id);",
	/* 3 -> 4: sign-off, close, evidence, audit trail, delta reviews */
	"CREATE TABLE review_imports ("
	"  id INTEGER PRIMARY KEY,"
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  reviewer_id TEXT NOT NULL,"
	"  file_name TEXT NOT NULL,"		/* base name, as given */
	"  sha256 TEXT NOT NULL,"
	"  content BLOB NOT NULL,"		/* the signed file, for the pack */
	"  file_time TEXT,"			/* when the file says it was saved */
	"  imported_at TEXT NOT NULL,"
	"  os_user TEXT,"
	"  rows_decided INTEGER NOT NULL DEFAULT 0,"
	"  rows_undecided INTEGER NOT NULL DEFAULT 0,"
	"  rows_rejected INTEGER NOT NULL DEFAULT 0,"
	"  superseded_by INTEGER REFERENCES review_imports(id));"
	"CREATE TABLE decisions ("
	"  id INTEGER PRIMARY KEY,"
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  item_id TEXT NOT NULL,"
	"  import_id INTEGER REFERENCES review_imports(id),"	/* NULL: carried */
	"  reviewer_id TEXT,"
	"  decision TEXT NOT NULL CHECK (decision IN ('keep','revoke')),"
	"  comment TEXT,"
	"  decided_at TEXT NOT NULL,"
	"  carried_from TEXT,"			/* campaign name of a delta review */
	"  current INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),"
	"  prev_hash TEXT NOT NULL,"		/* see core/chain.c */
	"  hash TEXT NOT NULL UNIQUE);"
	"CREATE INDEX decisions_by_item ON decisions(campaign_id, item_id, current);"
	"ALTER TABLE campaigns ADD COLUMN closed_at TEXT;"
	"ALTER TABLE campaigns ADD COLUMN closed_by TEXT;"
	"ALTER TABLE campaigns ADD COLUMN force_reason TEXT;"
	"ALTER TABLE campaigns ADD COLUMN manifest_sha256 TEXT;"
	"ALTER TABLE campaigns ADD COLUMN since_campaign_id INTEGER"
	"  REFERENCES campaigns(id);"
	"ALTER TABLE campaign_items ADD COLUMN fingerprint TEXT;"
	"ALTER TABLE campaign_items ADD COLUMN is_new INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE campaign_items ADD COLUMN native_id TEXT;"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  os_user TEXT,"
	"  command TEXT NOT NULL,"
	"  args TEXT NOT NULL,"			/* JSON array, no secrets */
	"  result INTEGER NOT NULL,"		/* exit code */
	"  counts TEXT,"			/* JSON object */
	"  campaign TEXT);",			/* name, when it concerns one */
	/* 4 -> 5: what "after the close" means for remediation */
	"ALTER TABLE campaigns ADD COLUMN close_snapshot INTEGER;",
};

int
store_schema_version(void)
{
	return (int)ARRAY_SIZE(migrations);
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int
store_exec(struct store *st, const char *sql, struct errbuf *err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "database: %s", msg ? msg : store_errmsg(st));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql, struct errbuf *err)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		err_set(err, "database: %s", store_errmsg(st));
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

int
store_step_done(struct store *st, sqlite3_stmt *stmt, struct errbuf *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		err_set(err, "database: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

int
store_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
	if (s == NULL || *s == '\0')
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT);
}

const char *
store_col(sqlite3_stmt *stmt, int idx)
{
	return (const char *)sqlite3_column_text(stmt, idx);
}

int
store_begin(struct store *st, struct errbuf *err)
{
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int
store_commit(struct store *st, struct errbuf *err)
{
	return store_exec(st, "COMMIT", err);
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
store_migrate(struct store *st, int v, struct errbuf *err)
{
	int want = store_schema_version();
	char sql[64];

	if (v == want)
		return 0;
	if (store_begin(st, err) < 0)
		return -1;
	while (v < want)
		if (store_exec(st, migrations[v++], err) < 0)
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", want);
	if (store_exec(st, sql, err) == 0 && store_commit(st, err) == 0)
		return 0;
fail:
	store_rollback(st);
	return -1;
}

static int
user_version(struct store *st, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	int v = -1;

	if ((stmt = store_prepare(st, "PRAGMA user_version", err)) == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	else
		err_set(err, "database: %s", store_errmsg(st));
	sqlite3_finalize(stmt);
	return v;
}

/* Create the file 0600 ourselves: SQLite would use the umask (often 0644). */
static int
create_private(const char *path, struct errbuf *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		err_set(err, "cannot create database '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Every command writes (snapshots, reconciles, the audit log), and in WAL
 * mode even a reader writes the -shm file: say which file cannot be
 * written, up front, instead of SQLite's "attempt to write a readonly
 * database" from somewhere later.
 */
static int
check_writable(const char *path, struct errbuf *err)
{
	static const char *const side[] = { "-wal", "-shm" };
	char *dir, *slash, *f;
	size_t i;
	int ret = 0, nside = 0;

	if (access(path, W_OK) < 0 && errno != ENOENT) {
		err_set(err, "database '%s' is not writable: %s", path,
		    strerror(errno));
		return -1;
	}
	for (i = 0; ret == 0 && i < ARRAY_SIZE(side); i++) {
		f = xasprintf("%s%s", path, side[i]);
		if (access(f, F_OK) == 0) {
			nside++;
			if (access(f, W_OK) < 0)
				ret = -1, err_set(err, "database '%s': its file"
				    " '%s' is not writable: %s", path, f,
				    strerror(errno));
		}
		free(f);
	}
	/* with both there, SQLite needs no new file in the folder */
	if (ret < 0 || nside == 2)
		return ret;
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir] = '\0';	/* "/x.db": "/" */
	if (access(slash ? dir : ".", W_OK) < 0) {
		err_set(err, "database '%s': cannot write in its folder '%s'"
		    " (SQLite keeps its -wal and -shm files there): %s", path,
		    slash ? dir : ".", strerror(errno));
		ret = -1;
	}
	free(dir);
	return ret;
}

struct store *
store_open(const char *path, struct errbuf *err)
{
	struct store *st;
	int v, memory = strcmp(path, ":memory:") == 0;

	if (!memory && (check_writable(path, err) < 0 ||
	    create_private(path, err) < 0))
		return NULL;
	st = xcalloc(1, sizeof(*st));
	if (sqlite3_open_v2(path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, "cannot open database '%s': %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	/* A file that is not a database fails here, before we write to it. */
	if ((v = user_version(st, err)) < 0) {
		err_prefix(err, "cannot read database '%s'", path);
		goto fail;
	}
	if (v > store_schema_version()) {
		err_set(err, "database '%s' has schema version %d; this rollcall"
		    " knows up to %d (a newer rollcall wrote it)", path, v,
		    store_schema_version());
		goto fail;
	}
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		err_set(err, "database '%s' is read-only", path);
		goto fail;
	}
	if ((!memory && store_exec(st, "PRAGMA journal_mode = WAL", err) < 0) ||
	    store_exec(st, "PRAGMA foreign_keys = ON", err) < 0 ||
	    store_exec(st, "PRAGMA synchronous = NORMAL", err) < 0) {
		err_prefix(err, "database '%s'", path);
		goto fail;
	}
	if (store_migrate(st, v, err) < 0) {
		err_prefix(err, "cannot migrate database '%s'", path);
		goto fail;
	}
	if (!memory)
		chmod(path, 0600);	/* an older file created with the umask */
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close_v2(st->db);
	free(st);
}

void
now_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t
snapshot_begin(struct store *st, const char *source, const char *kind,
    const char *origin, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	char now[21];
	int64_t id = -1;

	now_iso(now);
	stmt = store_prepare(st, "INSERT INTO snapshots (source, kind, origin,"
	    " started_at, status) VALUES (?, ?, ?, ?, 'running')", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, source);
	store_bind_text(stmt, 2, kind);
	store_bind_text(stmt, 3, origin);
	store_bind_text(stmt, 4, now);
	if (store_step_done(st, stmt, err) == 0)
		id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(stmt);
	return id;
}

int
snapshot_finish(struct store *st, int64_t id, const struct snapshot_counts *c,
    const char *sha256, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	char now[21];
	int ret;

	now_iso(now);
	stmt = store_prepare(st, "UPDATE snapshots SET status = 'ok',"
	    " finished_at = ?, n_records = ?, n_entitlements = ?, n_grants = ?,"
	    " sha256 = ? WHERE id = ?", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, now);
	sqlite3_bind_int64(stmt, 2, c ? c->records : 0);
	sqlite3_bind_int64(stmt, 3, c ? c->entitlements : 0);
	sqlite3_bind_int64(stmt, 4, c ? c->grants : 0);
	store_bind_text(stmt, 5, sha256);
	sqlite3_bind_int64(stmt, 6, id);
	ret = store_step_done(st, stmt, err);
	sqlite3_finalize(stmt);
	return ret;
}

int
snapshot_issue(struct store *st, int64_t id, const char *kind,
    const char *detail, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	int ret;

	stmt = store_prepare(st, "INSERT INTO source_issues (snapshot_id, kind,"
	    " detail) VALUES (?, ?, ?)", err);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, kind);
	sqlite3_bind_text(stmt, 3, detail ? detail : "", -1, SQLITE_TRANSIENT);
	ret = store_step_done(st, stmt, err);
	sqlite3_finalize(stmt);
	return ret;
}

void
snapshot_failed(struct store *st, const char *source, const char *kind,
    const char *origin, const char *errmsg)
{
	struct errbuf err = { "" };
	sqlite3_stmt *stmt;
	char now[21];

	store_rollback(st);
	if (store_begin(st, &err) < 0)
		return;
	now_iso(now);
	stmt = store_prepare(st, "INSERT INTO snapshots (source, kind, origin,"
	    " started_at, finished_at, status, error)"
	    " VALUES (?, ?, ?, ?, ?, 'failed', ?)", &err);
	if (stmt != NULL) {
		store_bind_text(stmt, 1, source);
		store_bind_text(stmt, 2, kind);
		store_bind_text(stmt, 3, origin);
		store_bind_text(stmt, 4, now);
		store_bind_text(stmt, 5, now);
		store_bind_text(stmt, 6, errmsg);
		if (store_step_done(st, stmt, &err) == 0 &&
		    store_commit(st, &err) == 0) {
			sqlite3_finalize(stmt);
			return;
		}
		sqlite3_finalize(stmt);
	}
	store_rollback(st);
}

int64_t
snapshot_current(struct store *st, const char *source)
{
	sqlite3_stmt *stmt;
	int64_t id = -1;
	int rc;

	stmt = store_prepare(st, "SELECT MAX(id) FROM snapshots"
	    " WHERE source = ? AND status = 'ok'", NULL);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, source);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);	/* NULL reads as 0 */
	sqlite3_finalize(stmt);
	return id;
}
