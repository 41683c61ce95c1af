/*
 * campaign.h: review campaigns (core/campaign.c). Opening a campaign
 * freezes the current snapshots and one reconcile into items: one per
 * (person, account, entitlement) of every active account, plus one per
 * active account without entitlements. Each item knows its reviewer, the
 * findings on it and the recommendation. Formats (CSV, XLSX, HTML) are not
 * known here: reports/ reads the items through campaign_items_each().
 */
#ifndef ROLLCALL_CAMPAIGN_H
#define ROLLCALL_CAMPAIGN_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct config;

/* Returned by campaign_open() for a request it refuses (exit 1, not 2). */
#define CAMPAIGN_REFUSED (-2)

/* "RV-" + 10 base32 characters + NUL. */
#define ITEM_ID_SIZE 14

/* Reviewer id of items nobody owns (a source without `owner`). */
#define REVIEWER_UNASSIGNED "unassigned"

struct campaign {
	int64_t	 id;
	char	*name;
	char	*opened_at;
	char	 as_of[11];
	char	*due;		/* NULL: none */
	int64_t	 reconcile_id;
	char	*status;	/* open, closed */
};

struct campaign_open_result {
	int64_t	 id;
	long	 items;
	long	 reviewers;
	long	 revoke;	/* items recommended for revocation */
	long	 unassigned;	/* items of reviewer "unassigned" */
	char	**warnings;	/* for the caller to print; campaign_result_release() */
	size_t	 nwarnings;
};

/*
 * Open campaign name as of as_of ("YYYY-MM-DD"; due may be NULL) from
 * reconcile reconcile_id, which must be up to date with the current
 * snapshots. Run inside a transaction the caller opened (store_begin) and
 * commits once the worksheets are written, so that a campaign never exists
 * without them. 0 on success; CAMPAIGN_REFUSED with err set when the name
 * is taken; -1 with err when no HR roster was imported (as for findings,
 * a runtime failure) or on a database error.
 */
int	 campaign_open(struct store *, const struct config *, const char *name,
	    const char *as_of, const char *due, int64_t reconcile_id,
	    struct campaign_open_result *, struct errbuf *);
void	 campaign_result_release(struct campaign_open_result *);

/* 1 and *c filled (campaign_release() it), 0 not found, -1 on error. */
int	 campaign_find(struct store *, const char *name, struct campaign *,
	    struct errbuf *);
void	 campaign_release(struct campaign *);

/*
 * The stable item id: "RV-" and 10 base32 characters (A-Z, 2-7) of the
 * SHA-256 of campaign, source, account native id and entitlement (NULL or
 * "" for the item of an account without entitlements), NUL-separated.
 * Letters first, so no spreadsheet reads it as a number or a date.
 */
void	 campaign_item_id(const char *campaign, const char *source,
	    const char *native_id, const char *entitlement,
	    char out[ITEM_ID_SIZE]);

struct campaign_reviewer {
	char	*id;		/* employee id, or REVIEWER_UNASSIGNED */
	char	*name;
	char	*email;		/* NULL when unknown */
	long	 items;
	long	 revoke;
};

/* The campaign's reviewers by id; *out is freed by campaign_reviewers_free(). */
int	 campaign_reviewers(struct store *, int64_t campaign_id,
	    struct campaign_reviewer **out, size_t *n, struct errbuf *);
void	 campaign_reviewers_free(struct campaign_reviewer *, size_t n);

/*
 * One item as a worksheet shows it. Strings are NULL when unknown or not
 * applicable and are valid only during the callback.
 */
struct campaign_item {
	const char *item_id;
	const char *reviewer_id;
	const char *reviewer_name;
	const char *person_id;
	const char *person_name;
	const char *title;
	const char *department;
	const char *source;
	const char *login;
	const char *account_name;	/* the source's display name */
	const char *account_kind;	/* human, service, shared, external */
	const char *status;		/* the source's own word */
	const char *last_login;		/* "never" or an ISO date[-time] */
	const char *mfa;		/* enrolled, not_enrolled, unknown */
	const char *entitlement;	/* NULL: the account's own item */
	int	 privileged;
	const char *findings;		/* kinds, ';'-separated */
	const char *recommendation;	/* "revoke" or NULL */
	const char *person_status;	/* active, leave, terminated (as of) */
	const char *termination_date;
	long	 days_since_termination;	/* -1 unless terminated */
};

/*
 * Call fn for every item of the campaign's reviewer (all reviewers when
 * reviewer_id is NULL) in worksheet order: terminated people and orphans
 * first, then by person, source, login and entitlement. fn returns 0 to
 * go on, -1 (with err set) to stop; the result is then -1.
 */
int	 campaign_items_each(struct store *, const struct campaign *,
	    const char *reviewer_id,
	    int (*fn)(const struct campaign_item *, void *, struct errbuf *),
	    void *arg, struct errbuf *);

#endif
