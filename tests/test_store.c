/* test_store.c: the database file, schema version and snapshots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rollcall/store.h"

static char *
tmp_db(void)
{
	char tmpl[] = "/tmp/rollcall-test-XXXXXX";
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	close(fd);
	unlink(tmpl);		/* store_open creates it */
	return strdup(tmpl);
}

static void
remove_db(const char *path)
{
	char p[256];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void
test_file_is_private_and_versioned(void **state)
{
	struct errbuf err = { "" };
	struct store *st;
	struct stat sb;
	sqlite3_stmt *s;
	char *path = tmp_db();
	mode_t old = umask(022);

	(void)state;
	st = store_open(path, &err);
	umask(old);
	assert_non_null(st);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	s = store_prepare(st, "PRAGMA user_version", &err);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), store_schema_version());
	sqlite3_finalize(s);
	s = store_prepare(st, "PRAGMA journal_mode", &err);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal(store_col(s, 0), "wal");
	sqlite3_finalize(s);
	store_close(st);
	remove_db(path);
	free(path);
}

static void
test_newer_schema_is_refused(void **state)
{
	struct errbuf err = { "" };
	struct store *st;
	char *path = tmp_db();
	char sql[64];

	(void)state;
	st = store_open(path, &err);
	assert_non_null(st);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_version() + 1);
	assert_int_equal(store_exec(st, sql, &err), 0);
	store_close(st);
	assert_null(store_open(path, &err));
	assert_non_null(strstr(err.msg, "a newer rollcall wrote it"));
	remove_db(path);
	free(path);
}

static void
test_not_a_database(void **state)
{
	struct errbuf err = { "" };
	char *path = tmp_db();
	FILE *fp = fopen(path, "w");

	(void)state;
	fputs("employee_id,email\nE1,a@example.com\n", fp);
	fclose(fp);
	assert_null(store_open(path, &err));
	assert_non_null(strstr(err.msg, path));
	/* and the file is left alone */
	fp = fopen(path, "r");
	assert_non_null(fp);
	fclose(fp);
	remove_db(path);
	free(path);
}

static void
test_failed_snapshot_keeps_current(void **state)
{
	struct errbuf err = { "" };
	struct snapshot_counts c = { 3, 0, 0 };
	struct store *st = store_open(":memory:", &err);
	int64_t a, b;
	sqlite3_stmt *s;

	(void)state;
	assert_non_null(st);
	assert_int_equal(snapshot_current(st, "hr"), 0);
	assert_int_equal(store_begin(st, &err), 0);
	a = snapshot_begin(st, "hr", "hr", "hr.csv", &err);
	assert_true(a > 0);
	assert_int_equal(snapshot_finish(st, a, &c, "abc", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(snapshot_current(st, "hr"), a);

	assert_int_equal(store_begin(st, &err), 0);
	b = snapshot_begin(st, "hr", "hr", "hr2.csv", &err);
	assert_true(b > a);
	store_rollback(st);
	snapshot_failed(st, "hr", "hr", "hr2.csv", "hr2.csv:4:1: bad date");
	assert_int_equal(snapshot_current(st, "hr"), a);
	s = store_prepare(st, "SELECT status, error, origin FROM snapshots"
	    " WHERE id > ?", &err);
	sqlite3_bind_int64(s, 1, a);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal(store_col(s, 0), "failed");
	assert_string_equal(store_col(s, 1), "hr2.csv:4:1: bad date");
	assert_string_equal(store_col(s, 2), "hr2.csv");
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_is_private_and_versioned),
		cmocka_unit_test(test_newer_schema_is_refused),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_failed_snapshot_keeps_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
