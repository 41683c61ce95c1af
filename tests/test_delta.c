/*
 * test_delta.c: delta reviews (core/delta.c): fingerprints at open, and
 * `review open Q --since-campaign P` carrying only unchanged Keeps, in a
 * valid hash chain. Campaigns are opened with campaign_open() over
 * fixture data; P's decisions and close are written straight in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/campaign.h"
#include "rollcall/chain.h"
#include "rollcall/delta.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"
#include "support/fixture.h"

#define AS_OF "2026-03-01"

struct fx {
	struct store *st;
	int64_t p, q;
};

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

static int64_t
open_campaign(struct store *st, const char *name)
{
	struct reconcile_result rr;
	struct campaign_open_result res;
	struct errbuf err = { "" };

	if (reconcile_run(st, NULL, AS_OF, &rr, &err) < 0)
		fail_msg("reconcile: %s", err.msg);
	assert_int_equal(store_begin(st, &err), 0);
	if (campaign_open(st, NULL, name, AS_OF, NULL, rr.id, &res, &err) < 0)
		fail_msg("open %s: %s", name, err.msg);
	assert_int_equal(store_commit(st, &err), 0);
	campaign_result_release(&res);
	return res.id;
}

/* P's current decision on the item of login (+ entitlement). */
static void
decide(struct store *st, int64_t c, const char *login, const char *ent,
    const char *decision)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO decisions (campaign_id, item_id,"
	    " reviewer_id, decision, decided_at, prev_hash, hash)"
	    " SELECT campaign_id, item_id, 'M1', ?, '2026-02-01T09:00:00Z',"
	    " 'p', 'h-' || item_id FROM campaign_items"
	    " WHERE campaign_id = ? AND login = ? AND entitlement IS ?", &err);
	assert_non_null(q);
	store_bind_text(q, 1, decision);
	sqlite3_bind_int64(q, 2, c);
	store_bind_text(q, 3, login);
	store_bind_text(q, 4, ent);
	assert_int_equal(store_step_done(st, q, &err), 0);
	assert_int_equal(sqlite3_changes(store_db(st)), 1);
	sqlite3_finalize(q);
}

static void
person(struct store *st, int64_t hr, const char *id)
{
	fx_person(st, hr, &(struct fx_person){ .employee_id = id,
	    .manager_id = strcmp(id, "M1") ? "M1" : NULL });
}

/*
 * One ldap pull: login, employee id, status and whether "ops" is
 * privileged vary between P's and Q's.
 */
static void
pull(struct store *st, int q)
{
	int64_t s = fx_snapshot(st, "ldap", "ldap");
	int64_t dev = fx_entitlement(st, s, "ldap", "dev", 0);
	int64_t ops = fx_entitlement(st, s, "ldap", "ops", q);
	int64_t a;

	a = fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "alice", .employee_id = "E1" });
	fx_grant(st, s, a, dev, NULL);		/* unchanged, keep: carried */
	fx_grant(st, s, a, ops, NULL);		/* privileged in Q */
	fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "bob", .employee_id = "E2" });	/* revoked in P */
	a = fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "carol", .employee_id = "E3",
	    .status = q ? "locked" : "active" });	/* status changed */
	fx_grant(st, s, a, dev, NULL);
	a = fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "dave", .employee_id = q ? "E6" : "E4" });	/* holder */
	fx_grant(st, s, a, dev, NULL);
	a = fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "erin", .employee_id = "E5" });	/* undecided in P */
	fx_grant(st, s, a, dev, NULL);
	a = fx_account(st, s, &(struct fx_account){ .source = "ldap",
	    .login = "frank", .employee_id = "E7" });	/* carried */
	fx_grant(st, s, a, dev, NULL);
	if (q)		/* new in Q */
		fx_account(st, s, &(struct fx_account){ .source = "ldap",
		    .login = "gina", .employee_id = "E1" });
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int64_t hr;
	const char *ids[] = { "M1", "E1", "E2", "E3", "E4", "E5", "E6", "E7" };
	size_t i;

	f->st = fx_open();
	hr = fx_snapshot(f->st, "hr", "hr");
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		person(f->st, hr, ids[i]);
	pull(f->st, 0);
	f->p = open_campaign(f->st, "P");
	decide(f->st, f->p, "alice", "dev", "keep");
	decide(f->st, f->p, "alice", "ops", "keep");
	decide(f->st, f->p, "bob", NULL, "revoke");
	decide(f->st, f->p, "carol", "dev", "keep");
	decide(f->st, f->p, "dave", "dev", "keep");
	decide(f->st, f->p, "frank", "dev", "keep");
	pull(f->st, 1);
	f->q = open_campaign(f->st, "Q");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	free(f);
	return 0;
}

static long
is_new(struct store *st, const char *login, const char *ent)
{
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT is_new FROM campaign_items i"
	    " JOIN campaigns c ON c.id = i.campaign_id WHERE c.name = 'Q'"
	    " AND login = '%s' AND entitlement IS %s%s%s", login,
	    ent ? "'" : "", ent ? ent : "NULL", ent ? "'" : "");
	return fx_long(st, sql);
}

static void
test_fingerprints_at_open(void **state)
{
	struct fx *f = *state;

	/* 7 items in P, 8 in Q: every one with a native id and fingerprint */
	assert_int_equal(fx_long(f->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE length(fingerprint) = 64 AND native_id IS NOT NULL"), 15);
	/* frank's dev did not change: same fingerprint in P and Q */
	assert_int_equal(fx_long(f->st, "SELECT COUNT(DISTINCT fingerprint)"
	    " FROM campaign_items WHERE login = 'frank'"), 1);
	assert_int_equal(fx_long(f->st, "SELECT COUNT(DISTINCT fingerprint)"
	    " FROM campaign_items WHERE login = 'carol'"), 2);
	assert_int_equal(fx_long(f->st, "SELECT COUNT(DISTINCT fingerprint)"
	    " FROM campaign_items WHERE login = 'dave'"), 2);
	assert_int_equal(fx_long(f->st, "SELECT COUNT(DISTINCT fingerprint)"
	    " FROM campaign_items WHERE login = 'alice' AND entitlement ="
	    " 'ops'"), 2);
	/* no delta asked: nothing carried, everything new */
	assert_int_equal(fx_long(f->st, "SELECT COUNT(*) FROM decisions d"
	    " JOIN campaigns c ON c.id = d.campaign_id WHERE c.name = 'Q'"), 0);
	assert_int_equal(fx_long(f->st, "SELECT SUM(is_new) FROM campaign_items"
	    " i JOIN campaigns c ON c.id = i.campaign_id WHERE c.name = 'Q'"),
	    8);
}

static void
test_carry_unchanged_keeps(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	long carried = -1;

	exec(f->st, "UPDATE campaigns SET status = 'closed',"
	    " closed_at = '2026-02-10T00:00:00Z' WHERE name = 'P'");
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(delta_carry(f->st, f->q, "P", &carried, &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(carried, 2);
	assert_int_equal(is_new(f->st, "alice", "dev"), 0);
	assert_int_equal(is_new(f->st, "frank", "dev"), 0);
	assert_int_equal(is_new(f->st, "alice", "ops"), 1);	/* privileged */
	assert_int_equal(is_new(f->st, "bob", NULL), 1);	/* revoked */
	assert_int_equal(is_new(f->st, "carol", "dev"), 1);	/* status */
	assert_int_equal(is_new(f->st, "dave", "dev"), 1);	/* person */
	assert_int_equal(is_new(f->st, "erin", "dev"), 1);	/* undecided */
	assert_int_equal(is_new(f->st, "gina", NULL), 1);	/* new */
	assert_int_equal(fx_long(f->st, "SELECT since_campaign_id FROM"
	    " campaigns WHERE name = 'Q'"), f->p);
	/* the carried decisions: keep, no import, from P, P's reviewer */
	assert_int_equal(fx_long(f->st, "SELECT COUNT(*) FROM decisions"
	    " WHERE campaign_id = (SELECT id FROM campaigns WHERE name = 'Q')"
	    " AND decision = 'keep' AND import_id IS NULL AND current = 1"
	    " AND carried_from = 'P' AND reviewer_id = 'M1'"
	    " AND comment IS NULL"), 2);
	assert_string_equal(fx_text(f->st, "SELECT group_concat(login || '/'"
	    " || entitlement, ',') FROM (SELECT i.login, i.entitlement"
	    " FROM decisions d JOIN campaign_items i"
	    " ON i.campaign_id = d.campaign_id AND i.item_id = d.item_id"
	    " WHERE d.carried_from = 'P' ORDER BY i.login)"),
	    "alice/dev,frank/dev");
}

/* Recompute Q's chain from its rows, as `rollcall verify` would. */
static void
test_chain_valid(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	struct chain_link l;
	sqlite3_stmt *q;
	char prev[65], hash[65];
	long carried, n = 0;

	exec(f->st, "UPDATE campaigns SET status = 'closed',"
	    " closed_at = '2026-02-10T00:00:00Z' WHERE name = 'P'");
	assert_int_equal(delta_carry(f->st, f->q, "P", &carried, &err), 0);
	chain_genesis("Q", prev);
	q = store_prepare(f->st, "SELECT item_id, decision, comment,"
	    " reviewer_id, decided_at, prev_hash, hash FROM decisions"
	    " WHERE campaign_id = ? ORDER BY id", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, f->q);
	while (sqlite3_step(q) == SQLITE_ROW) {
		memset(&l, 0, sizeof(l));
		l.campaign = "Q";
		l.item_id = store_col(q, 0);
		l.decision = store_col(q, 1);
		l.comment = store_col(q, 2);
		l.reviewer_id = store_col(q, 3);
		l.decided_at = store_col(q, 4);
		assert_string_equal(store_col(q, 5), prev);
		chain_hash(prev, &l, hash);
		assert_string_equal(store_col(q, 6), hash);
		memcpy(prev, hash, sizeof(prev));
		n++;
	}
	sqlite3_finalize(q);
	assert_int_equal(n, 2);
	assert_int_equal(carried, 2);
}

static void
test_refused(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	long carried = -1;

	/* P still open: its decisions may change */
	assert_int_equal(delta_carry(f->st, f->q, "P", &carried, &err),
	    DELTA_REFUSED);
	assert_non_null(strstr(err.msg, "'P' is not closed"));
	assert_int_equal(delta_carry(f->st, f->q, "Nope", &carried, &err),
	    DELTA_REFUSED);
	assert_int_equal(delta_carry(f->st, f->q, "Q", &carried, &err),
	    DELTA_REFUSED);
	assert_int_equal(carried, 0);
	assert_int_equal(fx_long(f->st, "SELECT COUNT(*) FROM decisions"
	    " WHERE carried_from IS NOT NULL"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fingerprints_at_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_carry_unchanged_keeps,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_valid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
