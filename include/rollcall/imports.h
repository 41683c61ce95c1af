/*
 * imports.h: the CSV inputs that are not accounts: HR roster, role matrix,
 * SoD rules, overrides, exceptions (core/hr.c, core/rules.c). Each import
 * reads the whole file first and loads nothing if any row has an error;
 * the load is one snapshot in one transaction (see store.h).
 */
#ifndef ROLLCALL_IMPORTS_H
#define ROLLCALL_IMPORTS_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct config;

struct import_result {
	int64_t	 snapshot;	/* the new snapshot's id */
	long	 rows;		/* records loaded */
	long	 skipped;	/* e.g. older rows of a rehired person */
	char	 sha256[65];
};

/* [hr] settings from cfg (may be NULL: defaults). */
int	 import_hr(struct store *, const struct config *, const char *path,
	    struct import_result *, struct errbuf *);
int	 import_matrix(struct store *, const char *path,
	    struct import_result *, struct errbuf *);
int	 import_sod(struct store *, const char *path,
	    struct import_result *, struct errbuf *);
int	 import_overrides(struct store *, const char *path,
	    struct import_result *, struct errbuf *);
int	 import_exceptions(struct store *, const char *path,
	    struct import_result *, struct errbuf *);

/*
 * Shared by hr.c and rules.c: run insert(st, snapshot, arg, &rows, err)
 * inside one transaction as a new snapshot named `name` of file path, and
 * finish it with rows and the file's SHA-256 into res. On failure, roll
 * back and record a failed snapshot. 0 or -1.
 */
int	 import_snapshot(struct store *, const char *name, const char *path,
	    int (*insert)(struct store *, int64_t, void *, long *,
	    struct errbuf *), void *arg, struct import_result *,
	    struct errbuf *);
/*
 * Row errors of an import: all rows are checked so that the user sees how
 * many are bad, the first one in full.
 */
struct import_errors {
	struct errbuf first;
	long	 n;
};

void	 import_error(struct import_errors *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* 0 when there were none; else -1 with err = first "(and N more errors)". */
int	 import_errors_done(const struct import_errors *, struct errbuf *);

/* Record a failed import of path that never reached the load; -1. */
int	 import_failed(struct store *, const char *name, const char *path,
	    struct errbuf *);

#endif
