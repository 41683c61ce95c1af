/*
 * test_diff.c: `rollcall diff` (core/diff.c): which snapshots are
 * compared, every kind of change, refusals, and a large pair of snapshots
 * in seconds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollcall/diff.h"
#include "rollcall/store.h"
#include "support/fixture.h"

struct fx {
	struct store *st;
	int64_t s1, s2, other, hr;
};

/* s1: alice (dev, ops), bob, carol; s2: alice (dev, admins), bob
 * disabled and enrolled, dave. */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int64_t a, dev;

	f->st = fx_open();
	f->hr = fx_snapshot(f->st, "hr", "hr");
	f->s1 = fx_snapshot(f->st, "app", "csv");
	dev = fx_entitlement(f->st, f->s1, "app", "dev", 0);
	a = fx_account(f->st, f->s1, &(struct fx_account){ .source = "app",
	    .login = "alice", .mfa = "enrolled" });
	fx_grant(f->st, f->s1, a, dev, NULL);
	fx_grant_new(f->st, f->s1, a, "app", "ops", 0);
	fx_account(f->st, f->s1, &(struct fx_account){ .source = "app",
	    .login = "bob", .mfa = "not_enrolled" });
	fx_account(f->st, f->s1, &(struct fx_account){ .source = "app",
	    .login = "carol" });
	f->other = fx_snapshot(f->st, "crm", "csv");
	fx_account(f->st, f->other, &(struct fx_account){ .source = "crm",
	    .login = "zed" });
	f->s2 = fx_snapshot(f->st, "app", "csv");
	dev = fx_entitlement(f->st, f->s2, "app", "dev", 0);
	a = fx_account(f->st, f->s2, &(struct fx_account){ .source = "app",
	    .login = "alice", .mfa = "enrolled" });
	fx_grant(f->st, f->s2, a, dev, NULL);
	fx_grant_new(f->st, f->s2, a, "app", "admins", 1);
	fx_account(f->st, f->s2, &(struct fx_account){ .source = "app",
	    .login = "bob", .inactive = 1, .mfa = "enrolled" });
	fx_account(f->st, f->s2, &(struct fx_account){ .source = "app",
	    .login = "dave" });
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

struct lines {
	char	 s[512];
};

static int
collect(const struct diff_row *r, void *arg, struct errbuf *err)
{
	struct lines *l = arg;
	size_t len = strlen(l->s);

	(void)err;
	snprintf(l->s + len, sizeof(l->s) - len, "%s%s:%s:%s:%s:%d:%d:%s",
	    len ? ";" : "", r->login, r->status ? r->status : "",
	    r->before ? r->before : "", r->after ? r->after : "",
	    r->active_before, r->active_after,
	    r->entitlement ? r->entitlement : "");
	return 0;
}

static int
collect_none(const struct diff_row *r, void *arg, struct errbuf *err)
{
	(void)r;
	(void)arg;
	(void)err;
	return 0;
}

static const char *
part(struct fx *f, const struct diff_range *r, enum diff_part p,
    long *n)
{
	static struct lines l;
	struct errbuf err = { "" };

	memset(&l, 0, sizeof(l));
	assert_int_equal(diff_each(f->st, r, p, collect, &l, n, &err), 0);
	return l.s;
}

static void
test_last_two(void **state)
{
	struct fx *f = *state;
	struct diff_range r;
	struct errbuf err = { "" };
	long n;

	assert_int_equal(diff_resolve(f->st, "app", 0, 0, &r, &err), 0);
	assert_string_equal(r.source, "app");
	assert_int_equal(r.from, f->s1);
	assert_int_equal(r.to, f->s2);
	assert_non_null(r.to_at);
	assert_string_equal(part(f, &r, DIFF_ACCOUNTS_ADDED, &n),
	    "dave:active:::0:0:");
	assert_int_equal(n, 1);
	assert_string_equal(part(f, &r, DIFF_ACCOUNTS_REMOVED, &n),
	    "carol:active:::0:0:");
	assert_string_equal(part(f, &r, DIFF_STATUS_CHANGED, &n),
	    "bob::active:disabled:1:0:");
	assert_string_equal(part(f, &r, DIFF_MFA_CHANGED, &n),
	    "bob::not_enrolled:enrolled:0:0:");
	assert_string_equal(part(f, &r, DIFF_GRANTS_ADDED, &n),
	    "alice::::0:0:admins");
	assert_string_equal(part(f, &r, DIFF_GRANTS_REMOVED, &n),
	    "alice::::0:0:ops");
	assert_string_equal(diff_part_name(DIFF_MFA_CHANGED), "mfa_changed");
	diff_range_release(&r);
}

static void
test_explicit_and_defaults(void **state)
{
	struct fx *f = *state;
	struct diff_range r;
	struct errbuf err = { "" };
	long n;

	/* backwards: what s2 -> s1 would undo */
	assert_int_equal(diff_resolve(f->st, NULL, f->s2, f->s1, &r, &err), 0);
	assert_string_equal(r.source, "app");
	assert_string_equal(part(f, &r, DIFF_ACCOUNTS_ADDED, &n),
	    "carol:active:::0:0:");
	diff_range_release(&r);
	/* --to alone: the pull before it */
	assert_int_equal(diff_resolve(f->st, NULL, 0, f->s2, &r, &err), 0);
	assert_int_equal(r.from, f->s1);
	diff_range_release(&r);
	/* --from alone: to the current one */
	assert_int_equal(diff_resolve(f->st, NULL, f->s1, 0, &r, &err), 0);
	assert_int_equal(r.to, f->s2);
	assert_string_equal(part(f, &r, DIFF_ACCOUNTS_ADDED, &n),
	    "dave:active:::0:0:");
	diff_range_release(&r);
}

static void
test_refused(void **state)
{
	struct fx *f = *state;
	struct diff_range r;
	struct errbuf err = { "" };
	char want[200];

	assert_int_equal(diff_resolve(f->st, NULL, f->s1, f->other, &r, &err),
	    DIFF_REFUSED);
	snprintf(want, sizeof(want), "snapshots %lld and %lld belong to"
	    " different sources ('app', 'crm')", (long long)f->s1,
	    (long long)f->other);
	assert_string_equal(err.msg, want);
	assert_int_equal(diff_resolve(f->st, "crm", f->s1, 0, &r, &err),
	    DIFF_REFUSED);
	assert_int_equal(diff_resolve(f->st, NULL, 999, 0, &r, &err),
	    DIFF_REFUSED);
	assert_string_equal(err.msg, "--from: no snapshot 999 (rollcall"
	    " snapshots lists them)");
	assert_int_equal(diff_resolve(f->st, NULL, f->hr, 0, &r, &err),
	    DIFF_REFUSED);
	/* one pull of crm: nothing before it */
	assert_int_equal(diff_resolve(f->st, "crm", 0, 0, &r, &err),
	    DIFF_REFUSED);
	/* no --source with two sources pulled */
	assert_int_equal(diff_resolve(f->st, NULL, 0, 0, &r, &err),
	    DIFF_REFUSED);
	assert_string_equal(err.msg, "several sources (app, crm): name one"
	    " with --source");
	assert_null(r.source);
}

/*
 * BIG accounts and 3 * BIG grants each side, 1,000 accounts in and out:
 * the diff itself takes under 2 s at 100,000 (DIFF_TIME=1 prints it);
 * make check runs a smaller one.
 */
#define BIG 30000
static void
test_large(void **state)
{
	struct fx *f = *state;
	struct diff_range r;
	struct errbuf err = { "" };
	sqlite3_stmt *acc, *grant;
	int64_t snap[2], ents[2][3];
	long n[DIFF_NPARTS];
	clock_t t0;
	char id[32];
	int s, i, k;

	(void)f;
	store_close(f->st);
	f->st = fx_open();
	assert_int_equal(store_begin(f->st, &err), 0);
	acc = store_prepare(f->st, "INSERT INTO accounts (snapshot_id,"
	    " source, native_id, key, login, status, active) VALUES"
	    " (?, 'big', ?, ?, ?, ?, 1)", &err);
	grant = store_prepare(f->st, "INSERT INTO grants (snapshot_id,"
	    " account_id, entitlement_id, direct) VALUES (?, ?, ?, 1)", &err);
	assert_non_null(acc);
	assert_non_null(grant);
	for (s = 0; s < 2; s++) {
		snap[s] = fx_snapshot(f->st, "big", "ldap");
		for (k = 0; k < 3; k++) {
			snprintf(id, sizeof(id), "g%d", k);
			ents[s][k] = fx_entitlement(f->st, snap[s], "big", id,
			    0);
		}
		for (i = s * 1000; i < BIG + s * 1000; i++) {
			int64_t a;

			snprintf(id, sizeof(id), "u%06d", i);
			sqlite3_bind_int64(acc, 1, snap[s]);
			store_bind_text(acc, 2, id);
			store_bind_text(acc, 3, id);
			store_bind_text(acc, 4, id);
			store_bind_text(acc, 5, s && i % 100 == 0 ?
			    "locked" : "active");
			assert_int_equal(store_step_done(f->st, acc, &err), 0);
			a = sqlite3_last_insert_rowid(store_db(f->st));
			for (k = 0; k < 3; k++) {
				if (s && k == 2 && i % 50 == 0)
					continue;
				sqlite3_bind_int64(grant, 1, snap[s]);
				sqlite3_bind_int64(grant, 2, a);
				sqlite3_bind_int64(grant, 3, ents[s][k]);
				assert_int_equal(store_step_done(f->st, grant,
				    &err), 0);
			}
		}
	}
	sqlite3_finalize(acc);
	sqlite3_finalize(grant);
	assert_int_equal(store_commit(f->st, &err), 0);

	t0 = clock();
	assert_int_equal(diff_resolve(f->st, "big", 0, 0, &r, &err), 0);
	for (k = 0; k < DIFF_NPARTS; k++) {
		struct lines l;

		memset(&l, 0, sizeof(l));
		assert_int_equal(diff_each(f->st, &r, k, collect_none, &l,
		    &n[k], &err), 0);
	}
	diff_range_release(&r);
	if (getenv("DIFF_TIME"))
		fprintf(stderr, "diff: %.2fs\n",
		    (double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_int_equal(n[DIFF_ACCOUNTS_ADDED], 1000);
	assert_int_equal(n[DIFF_ACCOUNTS_REMOVED], 1000);
	assert_int_equal(n[DIFF_STATUS_CHANGED], (BIG - 1000) / 100);
	assert_int_equal(n[DIFF_MFA_CHANGED], 0);
	assert_int_equal(n[DIFF_GRANTS_ADDED], 1000 * 3 - 20);
	assert_int_equal(n[DIFF_GRANTS_REMOVED], 1000 * 3 + (BIG - 1000) / 50);
	/* seconds, not minutes, even under ASan */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_last_two, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_explicit_and_defaults,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
