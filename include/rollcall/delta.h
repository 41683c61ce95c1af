/*
 * delta.h: delta reviews (core/delta.c). `review open Q --since-campaign P`
 * carries P's Keep decisions forward to the items of Q that have not
 * changed since P, so that reviewers look at what is new or different.
 *
 * An item's fingerprint (campaign_items.fingerprint) is the hex SHA-256 of
 * the compact JSON array
 *	[source, native_id, entitlement, person_id, account_status,
 *	 active, privileged]
 * (null for an absent value, active and privileged 0 or 1): every
 * campaign's items get one when it is opened. An item of Q is unchanged
 * when an item of P has the same fingerprint; it is carried when every
 * such item of P has a current decision and all of them are keep. A
 * change of status, holder or privileged flag, a Revoke, or no decision
 * in P leaves the item new (is_new = 1) for its reviewer.
 *
 * A carried item gets a decision in Q's hash chain (chain.h): keep, no
 * comment, no import (import_id NULL, file_sha256 NULL), carried_from =
 * P's name, decided_at = now, reviewer = who decided it in P; and is_new
 * = 0. Its findings and recommendation in the worksheet stay what Q's
 * reconcile says: a carried Keep is a decision, not a reason to hide.
 */
#ifndef ROLLCALL_DELTA_H
#define ROLLCALL_DELTA_H

#include <stdint.h>

#include "rollcall.h"

struct store;

/* Returned for a request refused (P unknown, not closed, or Q): exit 1. */
#define DELTA_REFUSED (-2)

/*
 * Fill native_id (when campaign.c did not) and fingerprint of every item
 * of campaign_id. Inside the caller's transaction. 0 or -1 with err set.
 */
int	 delta_fingerprints(struct store *, int64_t campaign_id,
	    struct errbuf *);

/*
 * Make campaign_id (just opened, no decisions yet) a delta review of the
 * closed campaign named since: set campaigns.since_campaign_id, is_new,
 * and carry the unchanged Keep decisions as above. *carried (may be NULL)
 * counts them. Inside the caller's transaction. 0; DELTA_REFUSED with err
 * set when since is unknown, not closed or the campaign itself; -1 on a
 * database error.
 */
int	 delta_carry(struct store *, int64_t campaign_id, const char *since,
	    long *carried, struct errbuf *);

#endif
