/*
 * imports.h: the CSV inputs that are not accounts: HR roster, role matrix,
 * SoD rules, overrides, exceptions (core/hr.c, core/rules.c). Each import
 * reads the whole file first and loads nothing if any row has an error;
 * the load is one snapshot in one transaction (see store.h).
 */
#ifndef ROLLCALL_IMPORTS_H
#define ROLLCALL_IMPORTS_H

#include "rollcall.h"

struct store;
struct config;

struct import_result {
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

#endif
