/*
 * store.h: the SQLite database. Schema and migrations live in core/store.c;
 * the table list is there too. Every pull and import writes one snapshot
 * inside one transaction:
 *
 *	if (store_begin(st, err) < 0) ...
 *	snap = snapshot_begin(st, "hr", "hr", path, err);
 *	... insert rows with snapshot_id = snap ...
 *	snapshot_finish(st, snap, &counts, sha, err);
 *	store_commit(st, err);
 *
 * and on any failure store_rollback() then snapshot_failed(), so that the
 * failure is on record and the previous snapshot stays current.
 */
#ifndef ROLLCALL_STORE_H
#define ROLLCALL_STORE_H

#include <stdint.h>
#include <sqlite3.h>

#include "rollcall.h"

struct store;

/* Open (creating with mode 0600) and migrate; NULL with err set. ":memory:" works. */
struct store	*store_open(const char *path, struct errbuf *);
void		 store_close(struct store *);		/* NULL is fine */
sqlite3		*store_db(struct store *);
int		 store_schema_version(void);		/* what this build writes */

int		 store_exec(struct store *, const char *sql, struct errbuf *);
/* A prepared statement the caller finalizes; NULL with err set. */
sqlite3_stmt	*store_prepare(struct store *, const char *sql, struct errbuf *);
/* Step a statement expected to finish (INSERT/UPDATE); resets it. 0 or -1. */
int		 store_step_done(struct store *, sqlite3_stmt *, struct errbuf *);
/* Bind text, or NULL for a NULL/empty string. */
int		 store_bind_text(sqlite3_stmt *, int idx, const char *);
/* Column text or NULL; valid until the next step/reset. */
const char	*store_col(sqlite3_stmt *, int idx);
const char	*store_errmsg(struct store *);

/* BEGIN IMMEDIATE: a deferred one can get SQLITE_BUSY at its first write. */
int		 store_begin(struct store *, struct errbuf *);
int		 store_commit(struct store *, struct errbuf *);
void		 store_rollback(struct store *);

struct snapshot_counts {
	long	records;	/* accounts, people, rules: the main rows */
	long	entitlements;
	long	grants;
};

/*
 * Inside an open transaction: a new snapshot row in state 'running'.
 * source is the source name ("corp-ldap") or the import's name ("hr",
 * "matrix", "sod", "overrides", "exceptions"); kind is the connector type or
 * the import's name; origin the file or URL (never with a secret).
 * Returns the id (> 0) or -1.
 */
int64_t	 snapshot_begin(struct store *, const char *source, const char *kind,
	    const char *origin, struct errbuf *);
/* Mark it ok with its counts and the input's SHA-256 (may be NULL). */
int	 snapshot_finish(struct store *, int64_t id,
	    const struct snapshot_counts *, const char *sha256, struct errbuf *);
/* Record a data-quality note (group cycle, dangling member...) on a snapshot. */
int	 snapshot_issue(struct store *, int64_t id, const char *kind,
	    const char *detail, struct errbuf *);
/*
 * After store_rollback(): record the failed attempt in its own transaction
 * (status 'failed', with the error). Best effort: the caller still fails.
 */
void	 snapshot_failed(struct store *, const char *source, const char *kind,
	    const char *origin, const char *errmsg);
/* Id of the newest successful snapshot of source, 0 if none, -1 on error. */
int64_t	 snapshot_current(struct store *, const char *source);

/* UTC now as "YYYY-MM-DDTHH:MM:SSZ". */
void	 now_iso(char out[21]);

#endif
