/*
 * reconcile.h: link accounts to people and compute findings
 * (core/match.c, core/findings.c). Works on the current snapshots only.
 */
#ifndef ROLLCALL_RECONCILE_H
#define ROLLCALL_RECONCILE_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct config;

struct reconcile_result {
	int64_t	 id;		/* reconciles.id */
	long	 accounts;
	long	 linked;
	long	 findings;	/* not suppressed */
	long	 suppressed;	/* by an unexpired exception */
};

/* as_of: "YYYY-MM-DD". One transaction; replaces the links. */
int	 reconcile_run(struct store *, const struct config *, const char *as_of,
	    struct reconcile_result *, struct errbuf *);

/*
 * Id of the newest reconcile if it is still up to date for as_of (same
 * as-of, no snapshot newer than it), else 0; -1 on error. findings and
 * offboard reconcile again when this is 0.
 */
int64_t	 reconcile_current(struct store *, const char *as_of, struct errbuf *);

#endif
