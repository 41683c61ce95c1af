/*
 * diff.h: what changed in a source between two of its snapshots
 * (core/diff.c): accounts added and removed (by native id), status
 * changes (the source's word or active), MFA changes, and grants added
 * and removed (account native id + entitlement native id). Each part is
 * one SQL statement over the two snapshots (set differences and joins on
 * accounts' and entitlements' UNIQUE(snapshot_id, native_id)), streamed
 * to a callback: a million accounts take seconds and no memory of ours.
 */
#ifndef ROLLCALL_DIFF_H
#define ROLLCALL_DIFF_H

#include <stdint.h>

#include "rollcall.h"

struct store;

/* Returned for a request refused (bad snapshot ids, no source): exit 1. */
#define DIFF_REFUSED (-2)

struct diff_range {
	char	*source;
	int64_t	 from;
	int64_t	 to;
	char	*from_at;	/* the snapshots' finished_at */
	char	*to_at;
};

/*
 * Resolve the snapshots to compare. source may be NULL (then the one of
 * from or to, or the only source ever pulled); from and to are snapshot
 * ids or 0: to defaults to the source's current snapshot, from to the
 * successful one before to. Both must be successful pulls (not imports of
 * hr, matrix...) of the same source. 0 and *r filled (diff_range_release()
 * it); DIFF_REFUSED with err set; -1 on a database error.
 */
int	 diff_resolve(struct store *, const char *source, int64_t from,
	    int64_t to, struct diff_range *r, struct errbuf *);
void	 diff_range_release(struct diff_range *);

enum diff_part {
	DIFF_ACCOUNTS_ADDED,
	DIFF_ACCOUNTS_REMOVED,
	DIFF_STATUS_CHANGED,
	DIFF_MFA_CHANGED,
	DIFF_GRANTS_ADDED,
	DIFF_GRANTS_REMOVED,
	DIFF_NPARTS
};

/* The JSON key: "accounts_added", ... */
const char	*diff_part_name(enum diff_part);

/*
 * One change; strings are lent for the callback only. Accounts added and
 * grants added describe the account in `to`; removed ones in `from`.
 */
struct diff_row {
	enum diff_part part;
	const char *native_id;
	const char *login;
	const char *status;		/* added/removed: its status */
	int	 active;
	const char *mfa;
	/* status_changed: before/after status and active; mfa_changed: mfa */
	const char *before;
	const char *after;
	int	 active_before;
	int	 active_after;
	/* grants */
	const char *entitlement;	/* name */
	const char *entitlement_id;	/* native id */
	int	 privileged;
};

/*
 * Call fn for every change of part between r->from and r->to, by login
 * and native id (and entitlement); fn returns 0 to go on or -1 (err set)
 * to stop. *n (may be NULL) counts the rows. 0 or -1 with err set.
 */
int	 diff_each(struct store *, const struct diff_range *r,
	    enum diff_part part,
	    int (*fn)(const struct diff_row *, void *, struct errbuf *),
	    void *arg, long *n, struct errbuf *);

#endif
