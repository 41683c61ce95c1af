/*
 * offboard.h: what terminated people can still get into (core/offboard.c).
 * Reads the links of a reconcile (reconcile.h) and the current HR roster.
 */
#ifndef ROLLCALL_OFFBOARD_H
#define ROLLCALL_OFFBOARD_H

#include <stdint.h>

#include "rollcall.h"

struct store;

struct offboard_query {
	const char *as_of;	/* "YYYY-MM-DD" */
	const char *person;	/* one employee id, or NULL: everybody */
	const char *since;	/* only terminations on/after, or NULL */
	int	 upcoming_days;	/* window for upcoming terminations */
};

/* An active account still linked to a terminated person. */
struct offboard_leftover {
	char	*person_id;
	char	*terminated_on;	/* NULL: terminated by status, no date */
	long	 days_since;	/* -1 when terminated_on is NULL */
	char	*source;
	char	*login;
	char	*status;	/* the source's word */
	char	**entitlements;	/* names, sorted */
	size_t	 nentitlements;
};

/* A termination from as_of to as_of + upcoming_days: information only. */
struct offboard_upcoming {
	char	*person_id;
	char	*terminates_on;
	long	 days_until;
	long	 accounts;	/* active accounts linked to them now */
};

struct offboard_report {
	struct offboard_leftover *left;
	size_t	 nleft;
	struct offboard_upcoming *up;
	size_t	 nup;
	int	 person_found;	/* q->person is in the roster */
};

/*
 * Fill rep from reconcile's links (see reconcile_current()). Leftovers
 * are ordered by person, source, login. 0, or -1 with err set.
 */
int	 offboard_run(struct store *, int64_t reconcile,
	    const struct offboard_query *, struct offboard_report *,
	    struct errbuf *);
void	 offboard_report_release(struct offboard_report *);

#endif
