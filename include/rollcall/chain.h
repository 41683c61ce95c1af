/*
 * chain.h: the hash chain over a campaign's decisions (core/chain.c).
 *
 * Each decision's hash is SHA-256 over the JSON array
 *   [prev_hash, campaign_name, item_id, decision, comment, reviewer_id,
 *    decided_at, file_sha256]
 * (compact, in that order, null for an absent value, UTF-8), hex. The first
 * decision of a campaign has prev_hash = SHA-256 of "rollcall:" + campaign
 * name, so a chain cannot be moved to another campaign; every later one
 * takes the hash of the decision recorded before it (in id order) in the
 * same campaign, superseded ones included: history is part of the chain.
 * Editing, removing or reordering any decision breaks every hash after it.
 */
#ifndef ROLLCALL_CHAIN_H
#define ROLLCALL_CHAIN_H

struct chain_link {
	const char *campaign;
	const char *item_id;
	const char *decision;		/* keep, revoke */
	const char *comment;		/* NULL: none */
	const char *reviewer_id;
	const char *decided_at;		/* ISO date-time */
	const char *file_sha256;	/* NULL for a carried decision */
};

/* The chain's first prev_hash for a campaign. */
void	 chain_genesis(const char *campaign, char out[65]);
/* The hash of link given the previous hash. */
void	 chain_hash(const char *prev, const struct chain_link *, char out[65]);

#endif
