/*
 * remediation.h: is every access revoked in a closed campaign really gone?
 * (core/remediation.c). Each current `revoke` decision names an item: a
 * source, an account (native id, login) and an entitlement, or the whole
 * account for an item without one. It is checked against the newest
 * successful snapshot of its source that finished after the campaign was
 * closed (campaigns.closed_at < snapshots.finished_at):
 *
 *	done         the account is gone or no longer active, or (for an
 *	             entitlement) no grant of that name is left on it; the
 *	             snapshot id and its time prove it
 *	pending      still there in that snapshot
 *	not_checked  no snapshot of the source since the close (pull it)
 */
#ifndef ROLLCALL_REMEDIATION_H
#define ROLLCALL_REMEDIATION_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct reconcile_result;

/* Returned for a request refused (unknown or still open campaign): exit 1. */
#define REMEDIATION_REFUSED (-2)

enum remediation_state {
	REM_NOT_CHECKED,
	REM_DONE,
	REM_PENDING,
};

/* "not_checked", "done", "pending". */
const char	*remediation_state_name(enum remediation_state);

/* One revocation; strings are lent for the callback only. */
struct remediation_item {
	const char *campaign;
	const char *item_id;
	const char *source;
	const char *native_id;
	const char *login;		/* NULL when the source has none */
	const char *entitlement;	/* NULL: the whole account */
	const char *person_id;
	const char *reviewer_id;	/* who decided */
	const char *decided_at;
	enum remediation_state state;
	/*
	 * Why: account_gone, account_inactive, grant_gone (done);
	 * account_active, grant_present (pending); NULL (not checked).
	 */
	const char *evidence;
	int64_t	 snapshot;	/* the snapshot checked, 0: none yet */
	const char *checked_at;	/* its finished_at, NULL: none */
	int64_t	 account_id;	/* the account in it, 0: gone */
};

struct remediation_counts {
	long	 done;
	long	 pending;
	long	 not_checked;
};

/*
 * Call fn for each current revoke decision of the closed campaign name, by
 * source, login and entitlement; fn returns 0 to go on or -1 (err set) to
 * stop. counts (may be NULL) gets the tally. 0; REMEDIATION_REFUSED with
 * err set when there is no such campaign or it is not closed; -1 on error.
 */
int	 remediation_check(struct store *, const char *campaign,
	    int (*fn)(const struct remediation_item *, void *,
	    struct errbuf *), void *arg, struct remediation_counts *counts,
	    struct errbuf *);

/*
 * From reconcile_run(), inside its transaction: one finding of kind
 * revocation_pending (severity high, detail {"campaign", "item_id",
 * "decided_at", "reviewer"}) on reconcile reconcile_id for every pending
 * revocation of every closed campaign, unless a campaign closed later
 * holds a decision on the same access (that one stands now). An unexpired
 * exception of kind revocation_pending suppresses it as any finding. res
 * counts them. 0 or -1 with err set.
 */
int	 remediation_findings(struct store *, int64_t reconcile_id,
	    const char *as_of, struct reconcile_result *res, struct errbuf *);

#endif
