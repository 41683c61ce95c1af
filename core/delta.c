/*
 * delta.c: delta reviews: item fingerprints, and carrying unchanged Keep
 * decisions of an earlier campaign forward (the rules are in delta.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "rollcall/campaign.h"
#include "rollcall/chain.h"
#include "rollcall/delta.h"
#include "rollcall/store.h"

/* cmd/review.c maps both to exit 1 with one test. */
_Static_assert(DELTA_REFUSED == CAMPAIGN_REFUSED, "refusal codes differ");

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

int
delta_fingerprints(struct store *st, int64_t campaign_id, struct errbuf *err)
{
	sqlite3_stmt *q, *upd = NULL;
	char fp[65], *s;
	json_t *a;
	int rc, ret = -1;

	/*
	 * active comes from the account in the campaign's snapshot; an item
	 * whose account row is gone keeps null there (it cannot match one
	 * whose account is known).
	 */
	q = store_prepare(st, "SELECT i.rowid, i.source,"
	    " COALESCE(i.native_id, a.native_id), i.entitlement, i.person_id,"
	    " i.account_status, a.active, i.privileged"
	    " FROM campaign_items i LEFT JOIN accounts a ON a.id = i.account_id"
	    " WHERE i.campaign_id = ?", err);
	if (q == NULL)
		return -1;
	if ((upd = store_prepare(st, "UPDATE campaign_items SET native_id = ?,"
	    " fingerprint = ? WHERE rowid = ?", err)) == NULL)
		goto out;
	sqlite3_bind_int64(q, 1, campaign_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		a = json_pack("[o,o,o,o,o,o,i]", jstr(store_col(q, 1)),
		    jstr(store_col(q, 2)), jstr(store_col(q, 3)),
		    jstr(store_col(q, 4)), jstr(store_col(q, 5)),
		    sqlite3_column_type(q, 6) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int(q, 6) != 0),
		    sqlite3_column_int(q, 7) != 0);
		s = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(a);
		if (s == NULL) {
			err_set(err, "out of memory");
			goto out;
		}
		sha256_hex(s, strlen(s), fp);
		free(s);
		store_bind_text(upd, 1, store_col(q, 2));
		store_bind_text(upd, 2, fp);
		sqlite3_bind_int64(upd, 3, sqlite3_column_int64(q, 0));
		if (store_step_done(st, upd, err) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read campaign items: %s",
		    store_errmsg(st));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(upd);
	return ret;
}

/* One statement that only writes, ids a and b (0: none); 0 or -1. */
static int
exec_ids(struct store *st, const char *sql, int64_t a, int64_t b,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int ret;

	if ((q = store_prepare(st, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, a);
	if (b != 0)
		sqlite3_bind_int64(q, 2, b);
	ret = store_step_done(st, q, err);
	sqlite3_finalize(q);
	return ret;
}

struct carry {
	char	*item_id;
	char	*reviewer_id;
};

/*
 * The items of campaign q to carry from campaign p, by item id. P's items
 * are grouped by fingerprint first (one pass, then a hash join), so that
 * 20,000 items against 20,000 stay a matter of milliseconds.
 */
static int
carry_list(struct store *st, int64_t p, int64_t q, struct carry **out,
    size_t *n, struct errbuf *err)
{
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = store_prepare(st, "WITH prev AS (SELECT pi.fingerprint AS fp,"
	    "  COUNT(*) AS n, SUM(d.decision = 'keep') AS keeps,"
	    "  MIN(COALESCE(d.reviewer_id, pi.reviewer_id)) AS reviewer"
	    "  FROM campaign_items pi LEFT JOIN decisions d"
	    "  ON d.campaign_id = pi.campaign_id AND d.item_id = pi.item_id"
	    "  AND d.current = 1"
	    "  WHERE pi.campaign_id = ?1 AND pi.fingerprint IS NOT NULL"
	    "  GROUP BY pi.fingerprint)"
	    " SELECT qi.item_id, prev.reviewer FROM campaign_items qi"
	    " JOIN prev ON prev.fp = qi.fingerprint"
	    " WHERE qi.campaign_id = ?2 AND prev.keeps = prev.n"
	    " ORDER BY qi.item_id", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, p);
	sqlite3_bind_int64(s, 2, q);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].item_id = xstrdup(store_col(s, 0));
		(*out)[*n].reviewer_id = store_col(s, 1) ?
		    xstrdup(store_col(s, 1)) : NULL;
		(*n)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read campaign items: %s",
		    store_errmsg(st));
		return -1;
	}
	return 0;
}

static void
carry_free(struct carry *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].item_id);
		free(c[i].reviewer_id);
	}
	free(c);
}

/* The campaign's name and the hash its next decision chains to. */
static int
chain_head(struct store *st, int64_t id, char **name, char prev[65],
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int rc;

	*name = NULL;
	q = store_prepare(st, "SELECT c.name, (SELECT hash FROM decisions d"
	    " WHERE d.campaign_id = c.id ORDER BY d.id DESC LIMIT 1)"
	    " FROM campaigns c WHERE c.id = ?", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*name = xstrdup(store_col(q, 0));
		if (store_col(q, 1) != NULL)
			snprintf(prev, 65, "%s", store_col(q, 1));
		else
			chain_genesis(*name, prev);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW) {
		err_set(err, "cannot read campaign %lld: %s", (long long)id,
		    rc == SQLITE_DONE ? "not found" : store_errmsg(st));
		return -1;
	}
	return 0;
}

static int
carry_all(struct store *st, int64_t q, const char *since,
    const struct carry *c, size_t n, struct errbuf *err)
{
	sqlite3_stmt *ins = NULL, *mark = NULL;
	struct chain_link l;
	char prev[65], hash[65], now[21], *name = NULL;
	size_t i;
	int ret = -1;

	if (chain_head(st, q, &name, prev, err) < 0)
		return -1;
	if ((ins = store_prepare(st, "INSERT INTO decisions (campaign_id,"
	    " item_id, import_id, reviewer_id, decision, comment, decided_at,"
	    " carried_from, current, prev_hash, hash)"
	    " VALUES (?, ?, NULL, ?, 'keep', NULL, ?, ?, 1, ?, ?)",
	    err)) == NULL ||
	    (mark = store_prepare(st, "UPDATE campaign_items SET is_new = 0"
	    " WHERE campaign_id = ? AND item_id = ?", err)) == NULL)
		goto out;
	now_iso(now);
	for (i = 0; i < n; i++) {
		memset(&l, 0, sizeof(l));
		l.campaign = name;
		l.item_id = c[i].item_id;
		l.decision = "keep";
		l.reviewer_id = c[i].reviewer_id;
		l.decided_at = now;
		chain_hash(prev, &l, hash);
		sqlite3_bind_int64(ins, 1, q);
		store_bind_text(ins, 2, c[i].item_id);
		store_bind_text(ins, 3, c[i].reviewer_id);
		store_bind_text(ins, 4, now);
		store_bind_text(ins, 5, since);
		store_bind_text(ins, 6, prev);
		store_bind_text(ins, 7, hash);
		if (store_step_done(st, ins, err) < 0)
			goto out;
		sqlite3_bind_int64(mark, 1, q);
		store_bind_text(mark, 2, c[i].item_id);
		if (store_step_done(st, mark, err) < 0)
			goto out;
		memcpy(prev, hash, sizeof(prev));
	}
	ret = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(mark);
	free(name);
	return ret;
}

int
delta_carry(struct store *st, int64_t campaign_id, const char *since,
    long *carried, struct errbuf *err)
{
	sqlite3_stmt *q;
	struct carry *c = NULL;
	char status[16] = "";
	int64_t p = 0;
	size_t n = 0;
	int rc, ret = -1;

	if (carried != NULL)
		*carried = 0;
	if ((q = store_prepare(st, "SELECT id, status FROM campaigns"
	    " WHERE name = ?", err)) == NULL)
		return -1;
	store_bind_text(q, 1, since);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		p = sqlite3_column_int64(q, 0);
		snprintf(status, sizeof(status), "%s", store_col(q, 1));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "cannot read campaigns: %s", store_errmsg(st));
		return -1;
	}
	if (p == 0 || p == campaign_id) {
		err_set(err, "--since-campaign: no earlier campaign '%s'",
		    since);
		return DELTA_REFUSED;
	}
	/* Only signed-off decisions may stand in for a reviewer's. */
	if (strcmp(status, "closed") != 0) {
		err_set(err, "--since-campaign: campaign '%s' is not closed"
		    " (rollcall review close %s): its decisions may still"
		    " change", since, since);
		return DELTA_REFUSED;
	}
	if (exec_ids(st, "UPDATE campaigns SET since_campaign_id = ?"
	    " WHERE id = ?", p, campaign_id, err) < 0 ||
	    exec_ids(st, "UPDATE campaign_items SET is_new = 1"
	    " WHERE campaign_id = ?", campaign_id, 0, err) < 0)
		return -1;
	if (carry_list(st, p, campaign_id, &c, &n, err) < 0 ||
	    carry_all(st, campaign_id, since, c, n, err) < 0)
		goto out;
	if (carried != NULL)
		*carried = (long)n;
	ret = 0;
out:
	carry_free(c, n);
	return ret;
}
