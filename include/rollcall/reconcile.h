/*
 * reconcile.h: link accounts to people and compute findings
 * (core/match.c, core/findings.c). Works on the current snapshots only:
 * people of source "hr", accounts of every pulled source, and the current
 * matrix, sod, overrides and exceptions snapshots.
 */
#ifndef ROLLCALL_RECONCILE_H
#define ROLLCALL_RECONCILE_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct config;

/* The finding kinds, in DESIGN.md's order; finding_kind_name() spells them. */
enum finding_kind {
	FK_TERMINATED_ACTIVE,
	FK_ORPHAN,
	FK_OVER_PRIVILEGED,
	FK_SOD_CONFLICT,
	FK_NO_MFA,
	FK_DORMANT,
	FK_DUPLICATE,
	FK_SERVICE_NO_OWNER,
	FK_REVOCATION_PENDING,	/* core/remediation.c */
	FK_COUNT
};

/* Severities, lowest first, so that "S and above" is rank >= S. */
enum severity {
	SEV_LOW = 1,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

const char	*finding_kind_name(enum finding_kind);
/* The kind named s, or -1. */
int		 finding_kind_parse(const char *s);
const char	*severity_name(enum severity);
/* The severity named s (case-insensitive), or -1. */
int		 severity_parse(const char *s);

struct reconcile_result {
	int64_t	 id;		/* reconciles.id */
	long	 accounts;
	long	 linked;
	long	 findings;	/* not suppressed */
	long	 suppressed;	/* by an unexpired exception */
	long	 by_kind[FK_COUNT];	/* not suppressed, per kind */
};

/*
 * as_of: "YYYY-MM-DD"; cfg may be NULL (defaults). One transaction: a new
 * reconciles row, its links (older reconciles' links are deleted: they are
 * derived data) and its findings. 0, or -1 with err set and nothing written.
 */
int	 reconcile_run(struct store *, const struct config *, const char *as_of,
	    struct reconcile_result *, struct errbuf *);

/*
 * Id of the newest reconcile if it is still up to date for as_of (same
 * as-of, no snapshot newer than it), else 0; -1 on error. findings and
 * offboard reconcile again when this is 0.
 */
int64_t	 reconcile_current(struct store *, const char *as_of, struct errbuf *);

/*
 * The id of an up-to-date reconcile for as_of: the current one, or a new
 * one run now (res, may be NULL, then says what it found; res->id is 0
 * when nothing was run). -1 with err set on error.
 */
int64_t	 reconcile_ensure(struct store *, const struct config *,
	    const char *as_of, struct reconcile_result *res, struct errbuf *);

/*
 * Sources of the current pulls that the current role matrix does not
 * mention at all, so over_privileged was not checked there: a
 * comma-separated list the caller frees, or NULL when there is none;
 * *no_matrix is set when no matrix was imported at all. -1 on error.
 */
int	 reconcile_unchecked_sources(struct store *, char **list,
	    int *no_matrix, struct errbuf *);

/*
 * Identity matching (core/match.c), usable on its own: load people and
 * overrides, then ask for one account at a time. The rules run in
 * DESIGN.md's order and the first that names exactly one person wins; a
 * rule that names two people is ambiguous and ends the search unlinked
 * (a weaker rule must not guess).
 */
enum match_rule {
	MATCH_NONE = 0,
	MATCH_OVERRIDE,
	MATCH_EMPLOYEE_ID,
	MATCH_EMAIL,
	MATCH_NORMALIZED_EMAIL,
	MATCH_LOGIN,
};

/* "override", "employee_id", ...; NULL for MATCH_NONE. */
const char	*match_rule_name(enum match_rule);

struct person {
	char	*employee_id;
	char	*email;
	char	*status;		/* verbatim */
	char	*status_class;		/* active, leave, terminated */
	char	*termination_date;	/* ISO or NULL */
	char	*department;
	char	*title;
	char	*job_code;
	int	 terminated;		/* as of the matcher's date */
};

struct match_account {
	const char *source;
	const char *login;
	const char *email;
	const char *aliases;	/* further addresses, ';'-separated */
	const char *employee_id;
	const char *kind;	/* accounts.kind: human, service, shared, external */
	int	 match_login;	/* the source's match_login = yes */
};

struct match_result {
	long	 person;	/* index for matcher_person(), or -1 */
	enum match_rule rule;
	const char *kind;	/* human, service, shared or external */
	const char *owner;	/* service/shared owner (employee id) or NULL */
	long	 override_line;	/* line of the override used, 0 if none */
	const char *missing_person;	/* an override names nobody in the roster */
	/* Unlinked because a rule named two people: */
	enum match_rule ambiguous_rule;
	long	 ambiguous[2];	/* the two people (indexes) */
	/* Unlinked and the address lies outside the corporate domains: */
	int	 external;
	const char *near_domain;	/* ... but one edit from this one */
};

struct matcher;

/*
 * alias_domains: [hr] alias_domains, a comma list of corporate domains
 * that are all the same mailboxes (the first is the canonical one); may be
 * NULL. as_of decides who is terminated.
 */
struct matcher	*matcher_new(const char *alias_domains, const char *as_of);
void		 matcher_free(struct matcher *);
/* Copies p (terminated is computed here); returns its index. */
long		 matcher_add_person(struct matcher *, const struct person *p);
/* kind: human (person_id) or service/shared (owner, may be NULL). */
void		 matcher_add_override(struct matcher *, const char *source,
		    const char *login, const char *person_id, const char *kind,
		    const char *owner, long line);
long		 matcher_npeople(const struct matcher *);
/* Lent until matcher_free(). */
const struct person *matcher_person(const struct matcher *, long idx);
/* Index of the person with that employee id (trimmed), or -1. */
long		 matcher_find_person(const struct matcher *, const char *id);
/* Strings in r are lent until matcher_free(). */
void		 matcher_match(struct matcher *, const struct match_account *,
		    struct match_result *r);
/*
 * The key normalized_email compares: for a corporate address the local
 * part lower-cased without its +tag, at the first alias domain; any other
 * address only lower-cased. Trimmed. Caller frees.
 */
char		*matcher_normalize_email(const struct matcher *, const char *);

/*
 * A string -> long hash map (core/match.c) for the in-memory indexes of a
 * reconcile. Keys are copied.
 */
struct strmap;

struct strmap	*strmap_new(void);
void		 strmap_free(struct strmap *);
void		 strmap_clear(struct strmap *);
size_t		 strmap_count(const struct strmap *);
/* 1 and *value set when key is there, else 0. */
int		 strmap_get(const struct strmap *, const char *key, long *value);
/* Set key to value (replacing). */
void		 strmap_put(struct strmap *, const char *key, long value);

#endif
