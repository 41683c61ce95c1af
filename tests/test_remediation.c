/*
 * test_remediation.c: after a campaign is closed, are its revocations
 * gone (core/remediation.c)? Campaign rows, items and decisions are
 * written straight into the store, as review open/import/close would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/reconcile.h"
#include "rollcall/remediation.h"
#include "rollcall/store.h"
#include "support/fixture.h"

#define CLOSED "2026-01-05T00:00:00Z"

struct fx {
	struct store *st;
	int64_t campaign;
	int64_t s1, s2;		/* ldap before and after the close */
	int64_t okta;		/* okta before the close only */
};

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

static void
finished(struct store *st, int64_t snap, const char *at)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "UPDATE snapshots SET finished_at = '%s'"
	    " WHERE id = %lld", at, (long long)snap);
	exec(st, sql);
}

static int64_t
campaign(struct store *st, const char *name, const char *status,
    const char *closed_at)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO campaigns (name, opened_at, as_of,"
	    " status, closed_at) VALUES (?, '2026-01-01T00:00:00Z',"
	    " '2026-01-01', ?, ?)", &err);
	assert_non_null(q);
	store_bind_text(q, 1, name);
	store_bind_text(q, 2, status);
	store_bind_text(q, 3, closed_at);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
	return sqlite3_last_insert_rowid(store_db(st));
}

/* An item and its current decision (hash: unique per test run). */
static void
decided(struct store *st, int64_t c, const char *item, const char *source,
    const char *native_id, const char *login, const char *ent,
    const char *person, const char *decision)
{
	static int n;
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	char hash[32];

	q = store_prepare(st, "INSERT INTO campaign_items (campaign_id,"
	    " item_id, reviewer_id, person_id, source, login, native_id,"
	    " entitlement) VALUES (?, ?, 'M1', ?, ?, ?, ?, ?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, c);
	store_bind_text(q, 2, item);
	store_bind_text(q, 3, person);
	store_bind_text(q, 4, source);
	store_bind_text(q, 5, login);
	store_bind_text(q, 6, native_id);
	store_bind_text(q, 7, ent);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
	if (decision == NULL)
		return;
	snprintf(hash, sizeof(hash), "h%d", ++n);
	q = store_prepare(st, "INSERT INTO decisions (campaign_id, item_id,"
	    " reviewer_id, decision, decided_at, prev_hash, hash)"
	    " VALUES (?, ?, 'M1', ?, '2026-01-03T10:00:00Z', 'p', ?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, c);
	store_bind_text(q, 2, item);
	store_bind_text(q, 3, decision);
	store_bind_text(q, 4, hash);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

/*
 * Before the close: alice (dev, admins), bob, carol (dev), dan in ldap;
 * erin in okta. After it, ldap again: alice (dev), bob, carol disabled
 * (still in dev); dan gone. Revoked: alice/admins, bob, carol/dev, dan,
 * erin; alice/dev kept; an older revoke of bob superseded (not current).
 */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int64_t a, dev;

	f->st = fx_open();
	fx_snapshot(f->st, "hr", "hr");
	f->s1 = fx_snapshot(f->st, "ldap", "ldap");
	dev = fx_entitlement(f->st, f->s1, "ldap", "dev", 0);
	a = fx_account(f->st, f->s1, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-alice", .login = "alice" });
	fx_grant(f->st, f->s1, a, dev, NULL);
	fx_grant_new(f->st, f->s1, a, "ldap", "admins", 1);
	fx_account(f->st, f->s1, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-bob", .login = "bob" });
	a = fx_account(f->st, f->s1, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-carol", .login = "carol" });
	fx_grant(f->st, f->s1, a, dev, NULL);
	fx_account(f->st, f->s1, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-dan", .login = "dan" });
	f->okta = fx_snapshot(f->st, "okta", "okta");
	fx_account(f->st, f->okta, &(struct fx_account){ .source = "okta",
	    .native_id = "o-erin", .login = "erin" });
	finished(f->st, f->s1, "2026-01-01T00:00:00Z");
	finished(f->st, f->okta, "2026-01-02T00:00:00Z");

	f->s2 = fx_snapshot(f->st, "ldap", "ldap");
	dev = fx_entitlement(f->st, f->s2, "ldap", "dev", 0);
	a = fx_account(f->st, f->s2, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-alice", .login = "alice" });
	fx_grant(f->st, f->s2, a, dev, NULL);
	fx_account(f->st, f->s2, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-bob", .login = "bob" });
	a = fx_account(f->st, f->s2, &(struct fx_account){ .source = "ldap",
	    .native_id = "u-carol", .login = "carol", .inactive = 1 });
	fx_grant(f->st, f->s2, a, dev, NULL);
	finished(f->st, f->s2, "2026-01-06T00:00:00Z");

	f->campaign = campaign(f->st, "Q1", "closed", CLOSED);
	decided(f->st, f->campaign, "RV-ALICEADM", "ldap", "u-alice", "alice",
	    "admins", "E1", "revoke");
	decided(f->st, f->campaign, "RV-ALICEDEV", "ldap", "u-alice", "alice",
	    "dev", "E1", "keep");
	decided(f->st, f->campaign, "RV-BOB", "ldap", "u-bob", "bob", NULL,
	    "E2", "revoke");
	decided(f->st, f->campaign, "RV-CAROLDEV", "ldap", "u-carol", "carol",
	    "dev", "E3", "revoke");
	decided(f->st, f->campaign, "RV-DAN", "ldap", "u-dan", "dan", NULL,
	    NULL, "revoke");
	decided(f->st, f->campaign, "RV-ERIN", "okta", "o-erin", "erin", NULL,
	    "E5", "revoke");
	/* Bob's first answer was keep, then revoke: only revoke is current. */
	exec(f->st, "INSERT INTO decisions (campaign_id, item_id, reviewer_id,"
	    " decision, decided_at, current, prev_hash, hash) SELECT id,"
	    " 'RV-BOB', 'M1', 'keep', '2026-01-02T00:00:00Z', 0, 'p', 'old'"
	    " FROM campaigns WHERE name = 'Q1'");
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

struct seen {
	char	 lines[16][160];
	int	 n;
};

static int
collect(const struct remediation_item *it, void *arg, struct errbuf *err)
{
	struct seen *s = arg;

	(void)err;
	assert_true(s->n < 16);
	snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%s %s %s %lld %s",
	    it->item_id, remediation_state_name(it->state),
	    it->evidence ? it->evidence : "-", (long long)it->snapshot,
	    it->checked_at ? it->checked_at : "-");
	return 0;
}

static void
test_states_and_proof(void **state)
{
	struct fx *f = *state;
	struct remediation_counts c;
	struct errbuf err = { "" };
	struct seen s;
	char want[160];

	memset(&s, 0, sizeof(s));
	assert_int_equal(remediation_check(f->st, "Q1", collect, &s, &c,
	    &err), 0);
	assert_int_equal(s.n, 5);
	/* by source, login, whole account first, entitlement */
	snprintf(want, sizeof(want), "RV-ALICEADM done grant_gone %lld"
	    " 2026-01-06T00:00:00Z", (long long)f->s2);
	assert_string_equal(s.lines[0], want);
	snprintf(want, sizeof(want), "RV-BOB pending account_active %lld"
	    " 2026-01-06T00:00:00Z", (long long)f->s2);
	assert_string_equal(s.lines[1], want);
	snprintf(want, sizeof(want), "RV-CAROLDEV done account_inactive %lld"
	    " 2026-01-06T00:00:00Z", (long long)f->s2);
	assert_string_equal(s.lines[2], want);
	snprintf(want, sizeof(want), "RV-DAN done account_gone %lld"
	    " 2026-01-06T00:00:00Z", (long long)f->s2);
	assert_string_equal(s.lines[3], want);
	assert_string_equal(s.lines[4], "RV-ERIN not_checked - 0 -");
	assert_int_equal(c.done, 3);
	assert_int_equal(c.pending, 1);
	assert_int_equal(c.not_checked, 1);
}

/* A grant still there is pending; a snapshot before the close is no proof. */
static void
test_grant_still_there(void **state)
{
	struct fx *f = *state;
	struct remediation_counts c;
	struct errbuf err = { "" };
	struct seen s;

	/* carol enabled again in a newer pull: her dev grant is pending */
	int64_t s3 = fx_snapshot(f->st, "ldap", "ldap");
	int64_t a = fx_account(f->st, s3, &(struct fx_account){
	    .source = "ldap", .native_id = "u-carol", .login = "carol" });

	fx_grant_new(f->st, s3, a, "ldap", "dev", 0);
	finished(f->st, s3, "2026-01-07T00:00:00Z");
	memset(&s, 0, sizeof(s));
	assert_int_equal(remediation_check(f->st, "Q1", collect, &s, &c,
	    &err), 0);
	assert_int_equal(s.n, 5);
	assert_true(strncmp(s.lines[2], "RV-CAROLDEV pending grant_present ",
	    34) == 0);
	/* alice and bob are not in s3 at all: gone */
	assert_true(strncmp(s.lines[1], "RV-BOB done account_gone ", 25) == 0);
	assert_int_equal(c.pending, 1);
	assert_int_equal(c.done, 3);

	/* every ldap pull before the close: nothing checked there */
	finished(f->st, f->s2, "2026-01-04T00:00:00Z");
	finished(f->st, s3, "2026-01-04T12:00:00Z");
	memset(&s, 0, sizeof(s));
	assert_int_equal(remediation_check(f->st, "Q1", collect, &s, &c,
	    &err), 0);
	assert_int_equal(c.not_checked, 5);
	assert_int_equal(c.done + c.pending, 0);
}

static void
test_refused(void **state)
{
	struct fx *f = *state;
	struct errbuf err = { "" };
	struct seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(remediation_check(f->st, "Q9", collect, &s, NULL,
	    &err), REMEDIATION_REFUSED);
	assert_string_equal(err.msg, "no campaign 'Q9'");
	campaign(f->st, "Q2", "open", NULL);
	assert_int_equal(remediation_check(f->st, "Q2", collect, &s, NULL,
	    &err), REMEDIATION_REFUSED);
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(s.n, 0);
}

static void
test_reconcile_finding(void **state)
{
	struct fx *f = *state;
	struct reconcile_result res;
	struct errbuf err = { "" };

	assert_int_equal(reconcile_run(f->st, NULL, "2026-01-07", &res, &err),
	    0);
	assert_int_equal(fx_findings(f->st, "revocation_pending", NULL), 1);
	assert_int_equal(fx_findings(f->st, "revocation_pending", "bob"), 1);
	assert_int_equal(res.by_kind[FK_REVOCATION_PENDING], 1);
	assert_string_equal(fx_finding(f->st, "revocation_pending", "bob",
	    "severity"), "high");
	assert_string_equal(fx_finding(f->st, "revocation_pending", "bob",
	    "detail"), "{\"campaign\":\"Q1\",\"item_id\":\"RV-BOB\","
	    "\"decided_at\":\"2026-01-03T10:00:00Z\",\"reviewer\":\"M1\"}");
	assert_string_equal(fx_finding(f->st, "revocation_pending", "bob",
	    "person_id"), "E2");
	/* on bob's account of the current snapshot */
	assert_int_equal(fx_long(f->st, "SELECT a.snapshot_id FROM findings f"
	    " JOIN accounts a ON a.id = f.account_id"
	    " WHERE f.kind = 'revocation_pending'"), f->s2);
	assert_int_equal(finding_kind_parse("revocation_pending"),
	    FK_REVOCATION_PENDING);
}

static void
test_reconcile_exception_and_later_campaign(void **state)
{
	struct fx *f = *state;
	struct reconcile_result res;
	struct errbuf err = { "" };
	int64_t exc, q2;

	exc = fx_snapshot(f->st, "exceptions", "exceptions");
	fx_exception(f->st, exc, 2, "revocation_pending", "ldap", "BOB", NULL,
	    "ticket 42 open", "E9", "2026-02-01");
	assert_int_equal(reconcile_run(f->st, NULL, "2026-01-07", &res, &err),
	    0);
	assert_int_equal(fx_findings(f->st, "revocation_pending", "bob"), 0);
	assert_int_equal(fx_suppressed(f->st, "revocation_pending", "bob"), 1);
	assert_int_equal(res.suppressed, 1);
	/* expired: shows again */
	assert_int_equal(reconcile_run(f->st, NULL, "2026-02-02", &res, &err),
	    0);
	assert_int_equal(fx_findings(f->st, "revocation_pending", "bob"), 1);

	/* Q2, closed later, kept bob: Q1's revoke no longer stands */
	q2 = campaign(f->st, "Q2", "closed", "2026-01-06T12:00:00Z");
	decided(f->st, q2, "RV-BOB2", "ldap", "u-bob", "bob", NULL, "E2",
	    "keep");
	assert_int_equal(reconcile_run(f->st, NULL, "2026-02-02", &res, &err),
	    0);
	assert_int_equal(fx_findings(f->st, "revocation_pending", NULL), 0);
	assert_int_equal(fx_suppressed(f->st, "revocation_pending", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_states_and_proof, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grant_still_there, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile_finding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reconcile_exception_and_later_campaign, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
