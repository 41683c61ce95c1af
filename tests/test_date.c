/*
 * test_date.c: every date form HR exports use, the ambiguous slash date,
 * and formats that must refuse what does not fit them (case 15).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rollcall/date.h"

static void
expect_date(const char *s, const char *fmt, const char *want)
{
	struct errbuf err = { "" };
	char out[11] = "";

	if (date_parse(s, fmt, out, &err) != 0)
		fail_msg("'%s' with %s: %s", s, fmt ? fmt : "auto", err.msg);
	assert_string_equal(out, want);
}

static void
expect_bad(const char *s, const char *fmt, const char *msg)
{
	struct errbuf err = { "" };
	char out[11] = "";

	assert_int_equal(date_parse(s, fmt, out, &err), -1);
	assert_string_equal(err.msg, msg);
}

static void
test_iso(void **state)
{
	(void)state;
	expect_date("2026-03-04", NULL, "2026-03-04");
	expect_date("2026-03-04", "auto", "2026-03-04");
	expect_date("2026-3-4", NULL, "2026-03-04");
	expect_date("2026-11-30T09:00:00.000Z", NULL, "2026-11-30");
	expect_date("2026-11-30 09:00", NULL, "2026-11-30");
	expect_date("2026-11-30T09:00:00+02:00", NULL, "2026-11-30");
	expect_date("2024-02-29", NULL, "2024-02-29");
}

static void
test_us_and_european(void **state)
{
	(void)state;
	expect_date("7/1/2025", "%m/%d/%Y", "2025-07-01");
	expect_date("03/04/2026", "%m/%d/%Y", "2026-03-04");
	expect_date("03/04/2026", "%d/%m/%Y", "2026-04-03");
	expect_date("03.02.2025", "%d.%m.%Y", "2025-02-03");
	expect_date("1.4.2019", "%d.%m.%Y", "2019-04-01");
	expect_date("2021-03-15", "%Y-%m-%d", "2021-03-15");
	expect_date("2021-03-15 00:00:00", "%Y-%m-%d", "2021-03-15");
	expect_date("15/01/2024", "%d/%m/%Y", "2024-01-15");
}

/* Without a format, only what reads one way is taken. */
static void
test_auto_unambiguous(void **state)
{
	(void)state;
	expect_date("03.02.2025", NULL, "2025-02-03");	/* dotted: D.M.Y */
	expect_date("12/31/2026", NULL, "2026-12-31");	/* M/D */
	expect_date("31/12/2026", NULL, "2026-12-31");	/* D/M */
	expect_date("7/7/2025", NULL, "2025-07-07");	/* same either way */
}

static void
test_auto_ambiguous(void **state)
{
	(void)state;
	expect_bad("03/04/2026", NULL, "ambiguous date '03/04/2026': set"
	    " date_format (e.g. %m/%d/%Y or %d/%m/%Y)");
	expect_bad("7/1/2025", "auto", "ambiguous date '7/1/2025': set"
	    " date_format (e.g. %m/%d/%Y or %d/%m/%Y)");
}

static void
test_not_fitting_the_format(void **state)
{
	(void)state;
	expect_bad("2026-13-01", "%Y-%m-%d",
	    "invalid date '2026-13-01' (date_format %Y-%m-%d)");
	expect_bad("31.10.2026", "%m/%d/%Y",
	    "invalid date '31.10.2026' (date_format %m/%d/%Y)");
	expect_bad("10/31/2026", "%d/%m/%Y",
	    "invalid date '10/31/2026' (date_format %d/%m/%Y)");
	expect_bad("2026-02-30", "%Y-%m-%d",
	    "invalid date '2026-02-30' (date_format %Y-%m-%d)");
	expect_bad("2025-02-29", "%Y-%m-%d",
	    "invalid date '2025-02-29' (date_format %Y-%m-%d)");
	expect_bad("2026-01-01x", "%Y-%m-%d",
	    "invalid date '2026-01-01x' (date_format %Y-%m-%d)");
	expect_bad("26-01-01", "%Y-%m-%d",
	    "invalid date '26-01-01' (date_format %Y-%m-%d)");
	expect_bad("2026-01-01", "%d.%m.%Y",
	    "invalid date '2026-01-01' (date_format %d.%m.%Y)");
}

static void
test_auto_invalid(void **state)
{
	static const char *const msg = " (expected YYYY-MM-DD, M/D/YYYY,"
	    " D/M/YYYY or D.M.YYYY; or set date_format)";
	char want[256];

	(void)state;
	strcpy(want, "invalid date '2026-02-30'");
	strcat(want, msg);
	expect_bad("2026-02-30", NULL, want);
	strcpy(want, "invalid date '13/13/2026'");
	strcat(want, msg);
	expect_bad("13/13/2026", NULL, want);
	strcpy(want, "invalid date 'soon'");
	strcat(want, msg);
	expect_bad("soon", NULL, want);
	strcpy(want, "invalid date '2026-12-03T25:00'");
	strcat(want, msg);
	expect_bad("2026-12-03T25:00", NULL, want);
	strcpy(want, "invalid date '30.2.2026'");
	strcat(want, msg);
	expect_bad("30.2.2026", NULL, want);
	expect_bad("", NULL, "empty date");
}

static void
test_bad_format(void **state)
{
	(void)state;
	expect_bad("2026", "%Y", "date_format '%Y' needs %Y, %m and %d");
	expect_bad("03 Jan 2026", "%d %b %Y",
	    "date_format '%d %b %Y': only %Y, %m and %d are understood");
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(date_valid("2026-12-03"));
	assert_true(date_valid("2000-02-29"));
	assert_false(date_valid("1900-02-29"));
	assert_false(date_valid("2026-12-3"));
	assert_false(date_valid("2026-12-03T10:00"));
	assert_false(date_valid(NULL));
	assert_false(date_valid("2026-00-10"));
}

static void
test_days(void **state)
{
	long n = -99;

	(void)state;
	assert_int_equal(date_days("1970-01-01", &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(date_days("2026-12-03T12:00:00Z", &n), 0);
	assert_int_equal(n, 20790);
	assert_int_equal(date_days("1969-12-31", &n), 0);
	assert_int_equal(n, -1);
	n = 7;
	assert_int_equal(date_days("2026-02-30", &n), -1);
	assert_int_equal(date_days("never", &n), -1);
	assert_int_equal(date_days(NULL, &n), -1);
	assert_int_equal(n, 7);		/* untouched on error */
}

static void
test_diff_and_add(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(date_diff("2026-11-16", "2026-12-03"), 17);
	assert_int_equal(date_diff("2026-12-03", "2026-11-16"), -17);
	assert_int_equal(date_diff("2024-02-28", "2024-03-01"), 2);
	assert_int_equal(date_diff("2026-09-04T12:00:00Z", "2026-12-03"), 90);
	assert_int_equal(date_diff("1970-01-01", "2000-01-01"), 10957);
	date_add("2026-12-03", -90, out);
	assert_string_equal(out, "2026-09-04");
	date_add("2026-12-20", 14, out);
	assert_string_equal(out, "2027-01-03");
	date_add("2024-02-28", 1, out);
	assert_string_equal(out, "2024-02-29");
}

static void
test_today(void **state)
{
	char out[11];

	(void)state;
	date_today(out);
	assert_true(date_valid(out));
	assert_true(strcmp(out, "2025-01-01") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_us_and_european),
		cmocka_unit_test(test_auto_unambiguous),
		cmocka_unit_test(test_auto_ambiguous),
		cmocka_unit_test(test_not_fitting_the_format),
		cmocka_unit_test(test_auto_invalid),
		cmocka_unit_test(test_bad_format),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_diff_and_add),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
