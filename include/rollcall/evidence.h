/*
 * evidence.h: closing a review campaign and its evidence pack
 * (core/evidence.c), and checking a pack without the database.
 *
 * The pack, in a folder of its own (0700, files 0600):
 *   summary.html      the campaign, its population per source (each
 *                     snapshot's id, time, origin, SHA-256, counts), items,
 *                     decisions and revocations per reviewer, findings by
 *                     kind, the signed files, the chain's head
 *   decisions.json    every decision, current and superseded, in chain order,
 *                     with the exact values the chain hashes (the record
 *                     verify recomputes the chain from)
 *   decisions.csv     the same for people and spreadsheets (row n is the
 *                     n-th decision; cells defused), with prev_hash and hash
 *   revocations.csv   current revoke decisions, for ticketing
 *   revocations.json  the same: {"campaign", "items": [...]}
 *   signed/           each imported worksheet's bytes as imported,
 *                     REVIEWER-IMPORTID.EXT
 *   audit.csv         the campaign's rows of the audit log
 *   manifest.json     {"campaign", "closed_at", "files": [{"path",
 *                     "sha256", "bytes"}], "chain": {"genesis", "head",
 *                     "decisions"}}: every file above
 * The manifest cannot name its own hash, nor can a file it lists: the
 * manifest's SHA-256 is printed by `review close` and kept in
 * campaigns.manifest_sha256, to be put on record with the auditor.
 */
#ifndef ROLLCALL_EVIDENCE_H
#define ROLLCALL_EVIDENCE_H

#include <stdint.h>

#include "rollcall.h"

struct store;
struct campaign;

/* A refusal (exit 1): pending items, a used folder, a closed campaign. */
#define EVIDENCE_REFUSED (-2)

struct evidence_counts {
	long	 items;
	long	 pending;	/* items without a current decision */
	long	 decisions;	/* current and superseded */
	long	 keep;		/* current */
	long	 revoke;	/* current */
	long	 imports;
};

/* Count the campaign's items, decisions and pending items. 0 or -1. */
int	 evidence_counts(struct store *, int64_t campaign_id,
	    struct evidence_counts *, struct errbuf *);

/*
 * Check the campaign's decision chain as stored: -1 with err naming the
 * first decision whose prev_hash or hash does not follow, else 0 and
 * head (the last hash, or the genesis when there are none) filled.
 */
int	 evidence_chain_check(struct store *, const struct campaign *,
	    char head[65], struct errbuf *);

/* dir may be used: it does not exist, or is an empty folder. */
int	 evidence_dir_usable(const char *dir, struct errbuf *);

struct evidence_close {
	const char *dir;
	const char *closed_by;	/* OS user */
	const char *force_reason;	/* NULL unless --force */
};

struct evidence_result {
	struct evidence_counts counts;
	long	 files;			/* in the manifest */
	char	 closed_at[21];
	char	 head[65];
	char	 manifest_sha256[65];
};

/*
 * Close campaign c and write its pack into o->dir. Runs inside a
 * transaction the caller opened and commits once this returns 0, so that a
 * closed campaign always has its pack; on failure the files written are
 * removed again. Pending items are the caller's to refuse. 0;
 * EVIDENCE_REFUSED (closed already, dir in use) or -1, with err set.
 */
int	 evidence_close(struct store *, const struct campaign *c,
	    const struct evidence_close *o, struct evidence_result *,
	    struct errbuf *);

struct evidence_verify {
	char	**problems;	/* "altered: decisions.csv", ... */
	size_t	 nproblems;
	long	 files;		/* listed in the manifest */
	long	 decisions;	/* decisions in decisions.json */
	char	 manifest_sha256[65];
};

/*
 * Check the pack in dir: every file against the manifest (altered,
 * removed, added), the required files, the decision chain of
 * decisions.json against the manifest's genesis and head, and
 * decisions.csv and the revocations against that chain. 0 when it could look (the problems, if
 * any, are in v; evidence_verify_release() it); -1 with err when there
 * is no readable manifest at all.
 */
int	 evidence_verify(const char *dir, struct evidence_verify *v,
	    struct errbuf *);
void	 evidence_verify_release(struct evidence_verify *);

#endif
