/*
 * signoff.h: signed worksheets back in, and where a campaign stands
 * (core/signoff.c). DESIGN.md "Review campaign" is the contract: rows are
 * matched by item id and columns by header name; a decision is Keep or
 * Revoke whatever its case and surrounding white space; an empty one never
 * erases an earlier one; a bad row is rejected alone, while a file of
 * another reviewer, of another or a closed campaign, or older than one
 * already imported for its reviewer is refused whole. Every accepted file
 * is kept (bytes, SHA-256, save time, who imported it) and every decision
 * joins the campaign's hash chain (chain.h).
 */
#ifndef ROLLCALL_SIGNOFF_H
#define ROLLCALL_SIGNOFF_H

#include <stdint.h>
#include <time.h>

#include "rollcall.h"

struct store;

/* signoff_import*() refuses the whole file (err says why; exit 2). */
#define SIGNOFF_REFUSED (-2)

/* Files larger than this are not worksheets. */
#define SIGNOFF_MAX_FILE ((size_t)256 << 20)

enum signoff_decision {
	DECISION_EMPTY,		/* undecided: never erases an earlier one */
	DECISION_KEEP,
	DECISION_REVOKE,
	DECISION_BAD,		/* anything else: the row is rejected */
};

/* Keep / Revoke in any case, white space and no-break spaces around. */
enum signoff_decision signoff_parse_decision(const char *);

struct signoff_result {
	char	*file;		/* base name, as given */
	char	*sheet;		/* the sheet read (XLSX), else NULL */
	char	*campaign;	/* NULL when refused before it was known */
	char	*reviewer_id;
	char	*file_time;	/* UTC ISO: when the file says it was saved */
	char	 sha256[65];
	long	 decided;	/* keep + revoke */
	long	 revoke;
	long	 undecided;
	long	 rejected;
	char	**rejects;	/* "file:sheet:row: why" (CSV: "file:row: why") */
	size_t	 nrejects;
	int64_t	 import_id;	/* review_imports.id; 0 if nothing recorded */
	int	 already;	/* this very file was imported before: no-op */
};

struct signoff_options {
	const char *campaign;	/* NULL: the one the item ids belong to */
	const char *now;	/* decided_at / imported_at; NULL: the clock */
	const char *os_user;	/* NULL: getpwuid(geteuid()) */
};

/*
 * Import the worksheet at path (CSV or XLSX, by content) in one
 * transaction. 0: imported, or nothing to do (res->already), rejected rows
 * in res; SIGNOFF_REFUSED: nothing recorded, err says why; -1: cannot
 * read or a database error, err set. res is filled in every case and
 * released with signoff_result_release().
 */
int	 signoff_import(struct store *, const char *path,
	    const struct signoff_options *, struct signoff_result *,
	    struct errbuf *);
/*
 * The same from memory: data/len are the file's bytes, name its base name,
 * mtime its modification time (the save time of a CSV, or of an XLSX that
 * does not say).
 */
int	 signoff_import_mem(struct store *, const char *name, const void *data,
	    size_t len, time_t mtime, const struct signoff_options *,
	    struct signoff_result *, struct errbuf *);
void	 signoff_result_release(struct signoff_result *);

struct signoff_status {
	char	*reviewer_id;
	char	*reviewer_name;
	char	*email;		/* NULL when unknown */
	long	 items;
	long	 decided;	/* items with a current decision */
	long	 pending;	/* items - decided */
	long	 revoke;	/* current decisions to revoke */
	long	 overdue;	/* pending items once due < as_of, else 0 */
};

/*
 * Where each reviewer of campaign_id stands as of as_of against due (NULL:
 * no due date, nothing overdue), by reviewer id. *out is freed with
 * signoff_status_free().
 */
int	 signoff_status(struct store *, int64_t campaign_id, const char *due,
	    const char *as_of, struct signoff_status **out, size_t *n,
	    struct errbuf *);
void	 signoff_status_free(struct signoff_status *, size_t n);

#endif
