/*
 * fixture.h: build a store's contents straight from a test, without the
 * importers or connectors: snapshots, people, accounts, entitlements,
 * grants, matrix rules, SoD rules, overrides and exceptions, each one
 * INSERT through a prepared statement. Any failure aborts the test with
 * the SQL error (these are the test's own setup, not what it checks).
 *
 *	struct store *st = fx_open();
 *	int64_t hr = fx_snapshot(st, "hr", "hr");
 *	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1",
 *	    .email = "a@example.com" });
 *	int64_t ok = fx_snapshot(st, "okta", "okta");
 *	int64_t a = fx_account(st, ok, &(struct fx_account){ .source = "okta",
 *	    .login = "a@example.com", .email = "a@example.com" });
 *
 * Unset string fields are NULL (SQL NULL); struct defaults are chosen so
 * that a zeroed struct is the common case (an active human account).
 */
#ifndef ROLLCALL_TESTS_FIXTURE_H
#define ROLLCALL_TESTS_FIXTURE_H

#include <stdint.h>

struct store;
struct config;

struct fx_person {
	const char *employee_id;	/* required */
	const char *email;
	const char *first_name, *last_name, *display_name;
	const char *status;		/* verbatim; default "Active" */
	const char *status_class;	/* default "active" */
	const char *hire_date, *termination_date;
	const char *manager_id, *department, *title, *job_code;
	const char *worker_type;
};

struct fx_account {
	const char *source;		/* required */
	const char *native_id;		/* default: login, else a counter */
	const char *login, *email, *aliases, *display_name;
	const char *status;		/* default "active" (or "disabled") */
	int	 inactive;		/* 0: active = 1 */
	const char *mfa;		/* default "unknown" */
	const char *last_login, *created;
	const char *kind;		/* default "human" */
	const char *employee_id;
};

/* A fresh ":memory:" store. */
struct store	*fx_open(void);
/* A finished ('ok') snapshot of source/kind; its id. */
int64_t	 fx_snapshot(struct store *, const char *source, const char *kind);
void	 fx_person(struct store *, int64_t snap, const struct fx_person *);
int64_t	 fx_account(struct store *, int64_t snap, const struct fx_account *);
int64_t	 fx_entitlement(struct store *, int64_t snap, const char *source,
	    const char *name, int privileged);
/* path NULL: a direct grant. */
void	 fx_grant(struct store *, int64_t snap, int64_t account,
	    int64_t entitlement, const char *path);
/* An account's grant of a new entitlement named name (not privileged). */
int64_t	 fx_grant_new(struct store *, int64_t snap, int64_t account,
	    const char *source, const char *name, int privileged);
void	 fx_matrix(struct store *, int64_t snap, long line,
	    const char *department, const char *title, const char *job_code,
	    const char *source, const char *entitlement, int privileged);
void	 fx_sod(struct store *, int64_t snap, long line, const char *ls,
	    const char *le, const char *rs, const char *re, const char *reason);
void	 fx_override(struct store *, int64_t snap, long line,
	    const char *source, const char *login, const char *person_id,
	    const char *kind, const char *owner, const char *reason);
void	 fx_exception(struct store *, int64_t snap, long line,
	    const char *kind, const char *source, const char *login,
	    const char *entitlement, const char *reason,
	    const char *approved_by, const char *expires);

/* A config from INI text (written to a temporary file); caller frees. */
struct config	*fx_config(const char *ini);

/* First column of the first row of sql as a number (0 when no row). */
long	 fx_long(struct store *, const char *sql);
/*
 * First column of the first row as text ("(null)" for NULL, "(none)"
 * when no row), copied into a buffer that the next call reuses.
 */
const char *fx_text(struct store *, const char *sql);


/*
 * Findings of the newest reconcile: how many of kind (NULL: any) on login
 * (NULL: any) are not suppressed; fx_suppressed() counts the suppressed.
 */
long	 fx_findings(struct store *, const char *kind, const char *login);
long	 fx_suppressed(struct store *, const char *kind, const char *login);
/*
 * A column (severity, entitlement, detail, person_id, suppressed_by...)
 * of the first such finding (by id), as fx_text() gives it.
 */
const char *fx_finding(struct store *, const char *kind, const char *login,
	    const char *column);

#endif
