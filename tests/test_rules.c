/*
 * test_rules.c: role matrix, SoD rules, overrides and exceptions: what a
 * good file stores (row by row), what a bad one reports, and that a bad
 * one loads nothing and keeps the previous rule set current.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/imports.h"
#include "rollcall/store.h"

#define INPUTS "tests/data/inputs/"

typedef int (*import_fn)(struct store *, const char *,
    struct import_result *, struct errbuf *);

static int
setup(void **state)
{
	struct errbuf err = { "" };

	*state = store_open(":memory:", &err);
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* Every row of the current snapshot of `source`, one line each. */
static char *
dump(struct store *st, const char *source, const char *table,
    const char *cols)
{
	sqlite3_stmt *stmt;
	char *sql, *out;

	sql = sqlite3_mprintf("SELECT group_concat(r, '\n') FROM (SELECT %s"
	    " AS r FROM %w WHERE snapshot_id = (SELECT MAX(id) FROM snapshots"
	    " WHERE source = %Q AND status = 'ok') ORDER BY line)", cols,
	    table, source);
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	out = strdup(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? "" :
	    (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	return out;
}

static void
expect_dump(struct store *st, const char *source, const char *table,
    const char *cols, const char *want)
{
	char *got = dump(st, source, table, cols);

	assert_string_equal(got, want);
	free(got);
}

static void
ok(struct store *st, import_fn fn, const char *path, long rows)
{
	struct errbuf err = { "" };
	struct import_result res;

	if (fn(st, path, &res, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.rows, rows);
	assert_true(res.snapshot > 0);
	assert_int_equal(strlen(res.sha256), 64);
}

static void
bad(struct store *st, import_fn fn, const char *path, const char *msg)
{
	struct errbuf err = { "" };
	struct import_result res;

	assert_int_equal(fn(st, path, &res, &err), -1);
	assert_string_equal(err.msg, msg);
}

#define MATRIX_COLS "line || '|' || quote(department) || '|' ||" \
	" quote(title) || '|' || quote(job_code) || '|' || source || '|' ||" \
	" entitlement || '|' || privileged"

static void
test_matrix_good(void **state)
{
	struct store *st = *state;

	ok(st, import_matrix, INPUTS "matrix-good.csv", 4);
	expect_dump(st, "matrix", "matrix_rules", MATRIX_COLS,
	    "2|'Engineering'|NULL|NULL|github|member|0\n"
	    "3|'Engineering'|'Staff*'|NULL|github|admin|1\n"
	    "4|NULL|NULL|NULL|okta|Everyone|0\n"
	    "5|'Finance'|NULL|'FIN-*'|billing|Payables|1");
	assert_int_equal(snapshot_current(st, "matrix"), 1);
}

static void
test_matrix_bad_keeps_previous(void **state)
{
	struct store *st = *state;

	ok(st, import_matrix, INPUTS "matrix-good.csv", 4);
	bad(st, import_matrix, INPUTS "matrix-bad.csv", INPUTS
	    "matrix-bad.csv:2:23: empty 'entitlement' (and 1 more error)");
	assert_int_equal(snapshot_current(st, "matrix"), 1);
	bad(st, import_matrix, INPUTS "matrix-no-source.csv", INPUTS
	    "matrix-no-source.csv:1: missing columns 'job_code', 'source'"
	    " (expected"
	    " department,title,job_code,source,entitlement,privileged)");
	assert_int_equal(snapshot_current(st, "matrix"), 1);
	expect_dump(st, "matrix", "matrix_rules", "entitlement",
	    "member\nadmin\nEveryone\nPayables");
}

static void
test_matrix_failures_recorded(void **state)
{
	struct store *st = *state;
	sqlite3_stmt *stmt;

	bad(st, import_matrix, INPUTS "matrix-bad.csv", INPUTS
	    "matrix-bad.csv:2:23: empty 'entitlement' (and 1 more error)");
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT source,"
	    " kind, status, error FROM snapshots", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(stmt, 0), "matrix");
	assert_string_equal(sqlite3_column_text(stmt, 1), "matrix");
	assert_string_equal(sqlite3_column_text(stmt, 2), "failed");
	assert_string_equal(sqlite3_column_text(stmt, 3), INPUTS
	    "matrix-bad.csv:2:23: empty 'entitlement' (and 1 more error)");
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	assert_int_equal(snapshot_current(st, "matrix"), 0);
}

static void
test_matrix_bad_privileged(void **state)
{
	struct store *st = *state;
	char path[] = "/tmp/test_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs("department,title,job_code,source,entitlement,privileged\n"
	    ",,,crm,user,maybe\n", fp);
	fclose(fp);
	{
		char want[256];

		snprintf(want, sizeof(want), "%s:2:13: privileged must be yes"
		    " or no (got 'maybe')", path);
		bad(st, import_matrix, path, want);
	}
	unlink(path);
}

/* Write text to a temporary file, import it with fn, expect "PATH:want". */
static void
bad_text(struct store *st, import_fn fn, const char *text, const char *want)
{
	char path[] = "/tmp/test_rules.XXXXXX", full[1024];
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs(text, fp);
	fclose(fp);
	snprintf(full, sizeof(full), "%s%s", path, want);
	bad(st, fn, path, full);
	unlink(path);
}

#define MX_HEAD "department,title,job_code,source,entitlement,privileged\n"
#define MX_EXPECTED " (expected department,title,job_code,source," \
	"entitlement,privileged)"

/* A typo in the matrix header would widen every rule: refused, named. */
static void
test_matrix_header_strict(void **state)
{
	struct store *st = *state;

	bad_text(st, import_matrix, "dept,title,job_code,source,entitlement,"
	    "privileged\n*,*,,app,User,no\n", ":1:1: unknown column 'dept'"
	    MX_EXPECTED);
	bad_text(st, import_matrix, "Department,title,job_code,source,"
	    "entitlement,privileged,Owner\nIT,*,,app,User,no,x\n",
	    ":1:57: unknown column 'Owner'" MX_EXPECTED);
	bad_text(st, import_matrix, "title,job_code,source,entitlement,"
	    "privileged\n*,,app,User,no\n", ":1: missing column 'department'"
	    MX_EXPECTED);
	bad_text(st, import_matrix, "department,title,job_code,source,"
	    "entitlement\nIT,*,,app,User\n", ":1: missing column 'privileged'"
	    MX_EXPECTED);
	bad_text(st, import_matrix, MX_HEAD "IT,*,,app,User,no\n"
	    "department\n", ":3:1: 1 fields where the header has 6");
	bad_text(st, import_matrix, "department,title,job_code,source,"
	    "entitlement,privileged,TITLE\nIT,*,,app,User,no,x\n",
	    ":1:57: column 'TITLE' appears twice (also column 12)");
	assert_int_equal(snapshot_current(st, "matrix"), 0);
}

static void
test_matrix_empty_refused(void **state)
{
	bad_text(*state, import_matrix, MX_HEAD, ": no rules after the header"
	    " line (an empty matrix would make every grant over-privileged)");
	bad_text(*state, import_matrix, MX_HEAD "\n , ,,,,\n", ": no rules"
	    " after the header line (an empty matrix would make every grant"
	    " over-privileged)");
}

static void
test_matrix_bad_glob(void **state)
{
	bad_text(*state, import_matrix, MX_HEAD "IT,[a-,,app,User,no\n",
	    ":2:4: title '[a-': '[' is never closed (write [[] for a literal"
	    " '[')");
	bad_text(*state, import_matrix, MX_HEAD "IT,*,,app,grp [x,no\n",
	    ":2:15: entitlement 'grp [x': '[' is never closed (write [[] for"
	    " a literal '[')");
	/* closed brackets, and a ']' first inside them, are fine */
	{
		char path[] = "/tmp/test_rules.XXXXXX";
		int fd = mkstemp(path);
		FILE *fp = fdopen(fd, "w");

		fputs(MX_HEAD "IT,[A-Z]*,,app,[]x]y,no\n", fp);
		fclose(fp);
		ok(*state, import_matrix, path, 1);
		unlink(path);
	}
}

static void
test_matrix_conflicting_privileged(void **state)
{
	bad_text(*state, import_matrix, MX_HEAD "IT,*,,app,User,no\n"
	    "HR,*,,app,User,no\nit,,,APP,user,yes\n", ":4: same department,"
	    " title, job_code, source and entitlement as on line 2 but a"
	    " different privileged ('yes' here, 'no' there)");
}

static void
test_sod_same_sides(void **state)
{
	bad_text(*state, import_sod, "left,right,reason\n"
	    "app:Payables,APP:payables,x\n", ":2:14: right side 'APP:payables'"
	    " is the same as the left side (a rule needs two different"
	    " entitlements)");
	bad_text(*state, import_sod, "left,right,reson\napp:A,app:B,x\n",
	    ":1:12: unknown column 'reson' (expected left,right,reason)");
	bad_text(*state, import_sod, "left,right\napp:A[,app:B\n",
	    ":2:6: left 'app:A[': '[' is never closed (write [[] for a"
	    " literal '[')");
}

static void
test_overrides_conflict(void **state)
{
	bad_text(*state, import_overrides, "source,login,person_id,kind,owner,"
	    "reason\napp,ghost,E01,human,,x\napp,other,E01,human,,x\n"
	    "app,GHOST,E02,human,,y\n", ":4: same source and login as on"
	    " line 2 but a different person_id ('E02' here, 'E01' there)");
	bad_text(*state, import_overrides, "source,login,person,kind\n"
	    "app,ghost,E01,human\n", ":1:14: unknown column 'person'"
	    " (expected source,login,person_id,kind,owner,reason)");
}

static void
test_exceptions_unknown_column(void **state)
{
	bad_text(*state, import_exceptions, "kind,source,login,entitlement,"
	    "reason,approved_by,expires,expiry\n", ":1:58: unknown column"
	    " 'expiry' (expected kind,source,login,entitlement,reason,"
	    "approved_by,expires)");
}

#define SOD_COLS "line || '|' || left_source || '|' || left_entitlement ||" \
	" '|' || right_source || '|' || right_entitlement || '|' ||" \
	" quote(reason)"

static void
test_sod(void **state)
{
	struct store *st = *state;

	ok(st, import_sod, INPUTS "sod-good.csv", 2);
	expect_dump(st, "sod", "sod_rules", SOD_COLS,
	    "2|billing|Payables|billing|Approver|'pay and approve'\n"
	    "3|erp|role:admin|erp|Auditor*|'self-audit, no'");
	bad(st, import_sod, INPUTS "sod-bad.csv", INPUTS "sod-bad.csv:2:1:"
	    " 'billing-Payables' must be source:entitlement");
	assert_int_equal(snapshot_current(st, "sod"), 1);
}

#define OVR_COLS "line || '|' || source || '|' || login || '|' ||" \
	" quote(person_id) || '|' || kind || '|' || quote(owner) || '|' ||" \
	" quote(reason)"

static void
test_overrides(void **state)
{
	struct store *st = *state;

	ok(st, import_overrides, INPUTS "overrides-good.csv", 3);
	expect_dump(st, "overrides", "overrides", OVR_COLS,
	    "2|corp-ldap|jdoe2|'E1001'|human|NULL|'second account'\n"
	    "3|corp-ldap|svc-backup|NULL|service|'E1002'|'backup job'\n"
	    "4|okta|frontdesk|NULL|shared|NULL|'kiosk'");
	bad(st, import_overrides, INPUTS "overrides-bad.csv", INPUTS
	    "overrides-bad.csv:2:17: a human account needs a person_id"
	    " (and 1 more error)");
	assert_int_equal(snapshot_current(st, "overrides"), 1);
}

static void
test_overrides_bad_kind(void **state)
{
	struct store *st = *state;
	char path[] = "/tmp/test_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	char want[256];

	fputs("Source,Login,Person_ID,Kind\ncorp-ldap,bot,,robot\n", fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:2:16: kind must be human, service"
	    " or shared (got 'robot')", path);
	bad(st, import_overrides, path, want);
	unlink(path);
}

#define EXC_COLS "line || '|' || kind || '|' || source || '|' || login ||" \
	" '|' || quote(entitlement) || '|' || reason || '|' || approved_by" \
	" || '|' || expires"

static void
test_exceptions(void **state)
{
	struct store *st = *state;

	ok(st, import_exceptions, INPUTS "exceptions-good.csv", 2);
	expect_dump(st, "exceptions", "exceptions", EXC_COLS,
	    "2|dormant|corp-ldap|oncall1|NULL|break-glass account|E1000|"
	    "2027-03-31\n"
	    "3|over_privileged|github|jdoe|'admin'|migration|E1000|"
	    "2026-12-31");
	bad(st, import_exceptions, INPUTS "exceptions-bad.csv", INPUTS
	    "exceptions-bad.csv:2:1: unknown finding kind 'stale'"
	    " (terminated_active, orphan, over_privileged, sod_conflict,"
	    " no_mfa, dormant, duplicate, service_no_owner)"
	    " (and 2 more errors)");
	assert_int_equal(snapshot_current(st, "exceptions"), 1);
}

static void
test_exceptions_each_error(void **state)
{
	struct store *st = *state;
	char path[] = "/tmp/test_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	char want[512];

	fputs("kind,source,login,entitlement,reason,approved_by,expires\n"
	    "orphan,okta,z,,r,E1000,03/04/2027\n", fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:2:24: expires: ambiguous date"
	    " '03/04/2027': set date_format (e.g. %%m/%%d/%%Y or %%d/%%m/%%Y)",
	    path);
	bad(st, import_exceptions, path, want);
	fp = fopen(path, "w");
	fputs("kind,source,login,reason,approved_by,expires\n"
	    "orphan,okta,z,r,,2027-01-01\n", fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:2:17: empty 'approved_by'", path);
	bad(st, import_exceptions, path, want);
	fp = fopen(path, "w");
	fputs("kind,source,login,entitlement,reason,approved_by\n", fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:1: missing column 'expires'"
	    " (expected kind,source,login,entitlement,reason,approved_by,"
	    "expires)", path);
	bad(st, import_exceptions, path, want);
	unlink(path);
}

/* A header-only exceptions file is a valid, empty set (all expired). */
static void
test_exceptions_empty_set(void **state)
{
	struct store *st = *state;
	char path[] = "/tmp/test_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs("kind,source,login,entitlement,reason,approved_by,expires\r\n",
	    fp);
	fclose(fp);
	ok(st, import_exceptions, path, 0);
	assert_int_equal(snapshot_current(st, "exceptions"), 1);
	unlink(path);
}

static void
test_wrong_field_count(void **state)
{
	struct store *st = *state;
	char path[] = "/tmp/test_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	char want[256];

	fputs("left,right,reason\na:b,c:d,x,extra\n", fp);
	fclose(fp);
	snprintf(want, sizeof(want), "%s:2:11: 4 fields where the header has"
	    " 3", path);
	bad(st, import_sod, path, want);
	unlink(path);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_matrix_good),
		T(test_matrix_bad_keeps_previous),
		T(test_matrix_failures_recorded),
		T(test_matrix_bad_privileged),
		T(test_matrix_header_strict),
		T(test_matrix_empty_refused),
		T(test_matrix_bad_glob),
		T(test_matrix_conflicting_privileged),
		T(test_sod_same_sides),
		T(test_overrides_conflict),
		T(test_exceptions_unknown_column),
		T(test_sod),
		T(test_overrides),
		T(test_overrides_bad_kind),
		T(test_exceptions),
		T(test_exceptions_each_error),
		T(test_exceptions_empty_set),
		T(test_wrong_field_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
