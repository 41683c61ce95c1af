/* test_offboard.c: leftovers and upcoming terminations (core/offboard.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rollcall/offboard.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"
#include "support/fixture.h"

#define AS_OF "2026-12-01"

/*
 * E1 active; E2 terminated 2026-11-01 (two active accounts, one disabled,
 * and a service account they own); E5 terminated by status alone; E8
 * terminated 2026-11-20; E4 leaves today, E6 in 9 days, E7 in 19 days.
 */
static int
setup(void **state)
{
	struct store *st = fx_open();
	int64_t hr, app, crm, ov, a;

	hr = fx_snapshot(st, "hr", "hr");
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E2",
	    .termination_date = "2026-11-01", .status_class = "terminated" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E4",
	    .termination_date = AS_OF });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E5",
	    .status = "Separated", .status_class = "terminated" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E6",
	    .termination_date = "2026-12-10" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E7",
	    .termination_date = "2026-12-20" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E8",
	    .termination_date = "2026-11-20" });
	ov = fx_snapshot(st, "overrides", "overrides");
	fx_override(st, ov, 2, "app", "svc-e2", NULL, "service", "E2", NULL);
	app = fx_snapshot(st, "app", "csv");
	crm = fx_snapshot(st, "crm", "csv");
	a = fx_account(st, app, &(struct fx_account){ .source = "app",
	    .login = "e2", .employee_id = "E2", .status = "locked" });
	fx_grant_new(st, app, a, "app", "wheel", 1);
	fx_grant_new(st, app, a, "app", "billing", 0);
	fx_account(st, app, &(struct fx_account){ .source = "app",
	    .login = "e2-old", .employee_id = "E2", .inactive = 1 });
	fx_account(st, app, &(struct fx_account){ .source = "app",
	    .login = "svc-e2" });
	fx_account(st, crm, &(struct fx_account){ .source = "crm",
	    .login = "E2@crm", .employee_id = "E2" });
	fx_account(st, crm, &(struct fx_account){ .source = "crm",
	    .login = "e5", .employee_id = "E5" });
	fx_account(st, crm, &(struct fx_account){ .source = "crm",
	    .login = "e8", .employee_id = "E8" });
	fx_account(st, crm, &(struct fx_account){ .source = "crm",
	    .login = "e1", .employee_id = "E1" });
	fx_account(st, crm, &(struct fx_account){ .source = "crm",
	    .login = "e6", .employee_id = "E6" });
	fx_account(st, app, &(struct fx_account){ .source = "app",
	    .login = "e6", .employee_id = "E6", .inactive = 1 });
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void
offboard(struct store *st, const char *person, const char *since,
    struct offboard_report *rep)
{
	struct offboard_query q = { AS_OF, person, since, 14 };
	struct errbuf err = { "" };
	int64_t id = reconcile_ensure(st, NULL, AS_OF, NULL, &err);

	assert_true(id > 0);
	if (offboard_run(st, id, &q, rep, &err) != 0)
		fail_msg("offboard_run: %s", err.msg);
}

static void
test_leftovers(void **state)
{
	struct offboard_report rep;

	offboard(*state, NULL, NULL, &rep);
	assert_int_equal(rep.nleft, 4);
	/* ordered by person, source, login */
	assert_string_equal(rep.left[0].person_id, "E2");
	assert_string_equal(rep.left[0].source, "app");
	assert_string_equal(rep.left[0].login, "e2");
	assert_string_equal(rep.left[0].status, "locked");
	assert_string_equal(rep.left[0].terminated_on, "2026-11-01");
	assert_int_equal(rep.left[0].days_since, 30);
	assert_int_equal(rep.left[0].nentitlements, 2);
	assert_string_equal(rep.left[0].entitlements[0], "billing");
	assert_string_equal(rep.left[0].entitlements[1], "wheel");
	assert_string_equal(rep.left[1].login, "E2@crm");
	assert_int_equal(rep.left[1].nentitlements, 0);
	/* terminated by status, no date */
	assert_string_equal(rep.left[2].person_id, "E5");
	assert_null(rep.left[2].terminated_on);
	assert_int_equal(rep.left[2].days_since, -1);
	assert_string_equal(rep.left[3].person_id, "E8");
	assert_int_equal(rep.left[3].days_since, 11);
	offboard_report_release(&rep);
}

static void
test_upcoming(void **state)
{
	struct offboard_report rep;

	offboard(*state, NULL, NULL, &rep);
	/* today (still employed) and in 9 days; not in 19 days */
	assert_int_equal(rep.nup, 2);
	assert_string_equal(rep.up[0].person_id, "E4");
	assert_string_equal(rep.up[0].terminates_on, AS_OF);
	assert_int_equal(rep.up[0].days_until, 0);
	assert_int_equal(rep.up[0].accounts, 0);
	assert_string_equal(rep.up[1].person_id, "E6");
	assert_int_equal(rep.up[1].days_until, 9);
	assert_int_equal(rep.up[1].accounts, 1);
	offboard_report_release(&rep);
}

static void
test_person(void **state)
{
	struct offboard_report rep;

	offboard(*state, "E8", NULL, &rep);
	assert_true(rep.person_found);
	assert_int_equal(rep.nleft, 1);
	assert_string_equal(rep.left[0].login, "e8");
	assert_int_equal(rep.nup, 0);
	offboard_report_release(&rep);

	offboard(*state, "E1", NULL, &rep);
	assert_true(rep.person_found);
	assert_int_equal(rep.nleft, 0);
	offboard_report_release(&rep);

	offboard(*state, "E6", NULL, &rep);
	assert_int_equal(rep.nleft, 0);
	assert_int_equal(rep.nup, 1);
	offboard_report_release(&rep);

	offboard(*state, "E99", NULL, &rep);
	assert_false(rep.person_found);
	assert_int_equal(rep.nleft, 0);
	offboard_report_release(&rep);
}

static void
test_since(void **state)
{
	struct offboard_report rep;

	offboard(*state, NULL, "2026-11-20", &rep);
	assert_int_equal(rep.nleft, 1);
	assert_string_equal(rep.left[0].person_id, "E8");
	offboard_report_release(&rep);

	offboard(*state, NULL, "2026-11-21", &rep);
	assert_int_equal(rep.nleft, 0);
	offboard_report_release(&rep);
}

static void
test_clean_after_disable(void **state)
{
	struct store *st = *state;
	struct offboard_report rep;
	struct errbuf err = { "" };

	/* everything of terminated people disabled in a new pull */
	assert_int_equal(store_exec(st, "UPDATE accounts SET active = 0"
	    " WHERE login IN ('e2','E2@crm','e5','e8')", &err), 0);
	fx_snapshot(st, "noop", "csv");	/* makes the reconcile stale */
	offboard(st, NULL, NULL, &rep);
	assert_int_equal(rep.nleft, 0);
	offboard_report_release(&rep);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_leftovers),
		T(test_upcoming),
		T(test_person),
		T(test_since),
		T(test_clean_after_disable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
