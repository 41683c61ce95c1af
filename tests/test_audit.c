/*
 * test_audit.c: the audit trail's rows (core/audit.c): arguments without
 * secrets, appending, reading back by date and campaign.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/store.h"
#include "support/fixture.h"

static void
test_args_json_plain(void **state)
{
	char *argv[] = { "review", "close", "Q4", "--reason", "a \"b\"\n" };
	char *s;

	(void)state;
	s = audit_args_json(5, argv);
	assert_string_equal(s,
	    "[\"review\",\"close\",\"Q4\",\"--reason\",\"a \\\"b\\\"\\n\"]");
	free(s);
}

static void
test_args_json_drops_secrets(void **state)
{
	char *argv[] = { "pull", "--password", "hunter2", "--api-token=abc",
	    "--Client-SECRET", "xyz", "okta", "--token" };
	char *s;

	(void)state;
	s = audit_args_json(8, argv);
	assert_string_equal(s, "[\"pull\",\"--password\",\"--api-token=\","
	    "\"--Client-SECRET\",\"okta\",\"--token\"]");
	free(s);
}

static void
test_args_json_not_utf8(void **state)
{
	char bad[] = { 'a', (char)0xff, 'b', '\0' };
	char *argv[] = { "import", bad };
	char *s;

	(void)state;
	s = audit_args_json(2, argv);
	assert_string_equal(s, "[\"import\",\"(not UTF-8)\"]");
	free(s);
}

struct seen {
	char	 text[1024];
	int	 n;
};

static int
collect(const struct audit_entry *e, void *arg, struct errbuf *err)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	(void)err;
	snprintf(s->text + len, sizeof(s->text) - len, "%s|%s|%s|%s|%d|%s|%s;",
	    e->at, e->os_user ? e->os_user : "-", e->command, e->args,
	    e->result, e->counts ? e->counts : "-",
	    e->campaign ? e->campaign : "-");
	s->n++;
	return 0;
}

static int
stop_at_second(const struct audit_entry *e, void *arg, struct errbuf *err)
{
	int *n = arg;

	(void)e;
	if (++*n == 2) {
		err_set(err, "enough");
		return -1;
	}
	return 0;
}

static void
add(struct store *st, const char *at, const char *command, int result,
    const char *counts, const char *campaign)
{
	struct audit_entry e;
	struct errbuf err = { "" };

	memset(&e, 0, sizeof(e));
	e.at = at;
	e.os_user = "ops";
	e.command = command;
	e.args = "[\"x\"]";
	e.result = result;
	e.counts = counts;
	e.campaign = campaign;
	assert_int_equal(audit_append(st, &e, &err), 0);
}

static void
test_append_and_read_back(void **state)
{
	struct store *st = fx_open();
	struct errbuf err = { "" };
	struct seen s;
	int n = 0;

	(void)state;
	add(st, "2026-11-30T08:00:00Z", "import hr", 0, "{\"people\":3}", NULL);
	add(st, "2026-12-01T09:00:00Z", "review open", 0, NULL, "Q4");
	add(st, "2026-12-02T10:00:00Z", "review close", 1, NULL, "Q4");
	add(st, "2026-12-02T11:00:00Z", "review open", 2, NULL, "Q1");

	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_each(st, NULL, NULL, collect, &s, &err), 0);
	assert_int_equal(s.n, 4);

	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_each(st, "2026-12-01", "Q4", collect, &s, &err),
	    0);
	assert_string_equal(s.text,
	    "2026-12-01T09:00:00Z|ops|review open|[\"x\"]|0|-|Q4;"
	    "2026-12-02T10:00:00Z|ops|review close|[\"x\"]|1|-|Q4;");

	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_each(st, "2026-12-02", NULL, collect, &s, &err),
	    0);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_each(st, NULL, "nope", collect, &s, &err), 0);
	assert_int_equal(s.n, 0);

	assert_int_equal(audit_each(st, NULL, NULL, stop_at_second, &n, &err),
	    -1);
	assert_int_equal(n, 2);
	assert_string_equal(err.msg, "enough");
	store_close(st);
}

static void
test_append_now_when_no_time(void **state)
{
	struct store *st = fx_open();

	(void)state;
	add(st, NULL, "init", 0, NULL, NULL);
	assert_int_equal(fx_long(st, "SELECT at LIKE '____-__-__T__:__:__Z'"
	    " FROM audit_log"), 1);
	assert_string_equal(fx_text(st, "SELECT counts IS NULL AND campaign"
	    " IS NULL FROM audit_log"), "1");
	store_close(st);
}

static void
test_os_user(void **state)
{
	struct passwd *pw = getpwuid(geteuid());

	(void)state;
	assert_non_null(pw);
	assert_string_equal(audit_os_user(), pw->pw_name);
}

static void
test_set_counts_and_campaign(void **state)
{
	struct ctx ctx;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	audit_set_counts(&ctx, "{\"a\":1}");
	audit_set_counts(&ctx, "{\"a\":2}");
	audit_set_campaign(&ctx, "Q4");
	assert_string_equal(ctx.audit_counts, "{\"a\":2}");
	assert_string_equal(ctx.audit_campaign, "Q4");
	audit_set_campaign(&ctx, NULL);
	assert_null(ctx.audit_campaign);
	free(ctx.audit_counts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_json_plain),
		cmocka_unit_test(test_args_json_drops_secrets),
		cmocka_unit_test(test_args_json_not_utf8),
		cmocka_unit_test(test_append_and_read_back),
		cmocka_unit_test(test_append_now_when_no_time),
		cmocka_unit_test(test_os_user),
		cmocka_unit_test(test_set_counts_and_campaign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
