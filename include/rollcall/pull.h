/*
 * pull.h: run one source's connector into a new snapshot (core/pull.c).
 * One transaction: the snapshot becomes current only when every record is
 * stored and every membership resolved; a failure rolls back, is recorded
 * as a failed snapshot, and leaves the previous one current.
 */
#ifndef ROLLCALL_PULL_H
#define ROLLCALL_PULL_H

#include <stdint.h>

#include "rollcall.h"
#include "store.h"

struct source_cfg;

struct pull_result {
	int64_t	 snapshot;
	struct snapshot_counts counts;
	long	 issues;	/* data-quality notes recorded */
};

/*
 * input: a file for `import accounts SOURCE FILE`, else NULL. 0; -1 with err
 * set; -2 with err set when the connector found a configuration error
 * (connector.h: the caller exits 1 rather than 2).
 */
int	 pull_source(struct store *, const struct source_cfg *,
	    const char *input, struct pull_result *, struct errbuf *);

#endif
