/*
 * test_csvconn.c: the `csv` source type driven directly through its ops
 * (open/next/close), record by record, on files in tests/data/inputs/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"

#define INPUTS "tests/data/inputs/"

static const char *
s(const char *v)
{
	return v ? v : "-";
}

static void
describe(struct buf *b, const struct record *r)
{
	const struct rec_account *a = &r->u.account;

	switch (r->type) {
	case REC_ACCOUNT:
		buf_addf(b, "account %s login=%s email=%s name=%s status=%s"
		    " active=%d mfa=%d last=%s created=%s kind=%s emp=%s"
		    " aliases=%s\n", s(a->native_id), s(a->login), s(a->email),
		    s(a->display_name), s(a->status), a->active, (int)a->mfa,
		    s(a->last_login), s(a->created), s(a->kind),
		    s(a->employee_id), s(a->aliases));
		break;
	case REC_ENTITLEMENT:
		buf_addf(b, "ent %s key=%s name=%s kind=%s priv=%d\n",
		    s(r->u.ent.native_id), s(r->u.ent.key), s(r->u.ent.name),
		    s(r->u.ent.kind), r->u.ent.privileged);
		break;
	case REC_MEMBER:
		buf_addf(b, "member %s <- %s ref=%d\n", s(r->u.member.group),
		    s(r->u.member.member), (int)r->u.member.ref);
		break;
	case REC_ISSUE:
		buf_addf(b, "issue %s: %s\n", s(r->u.issue.kind),
		    s(r->u.issue.detail));
		break;
	}
}

/*
 * Run the connector over a source with the given `file` key (relative to
 * tests/data/inputs/) or input; the records as text, or "error: ...".
 */
static char *
run(const char *file, const char *input, const char *delimiter)
{
	const struct connector_ops *ops = connector_find("csv");
	struct kv kv[2];
	struct source_cfg src;
	struct connector c;
	struct errbuf err = { "" };
	struct record rec;
	struct buf b = BUF_INIT;
	int rc;

	assert_non_null(ops);
	memset(&src, 0, sizeof(src));
	memset(&c, 0, sizeof(c));
	src.name = "legacy";
	src.type = "csv";
	src.config_path = INPUTS "rollcall.conf";
	kv[0].key = "file";
	kv[0].value = (char *)file;
	kv[1].key = "delimiter";
	kv[1].value = (char *)delimiter;
	src.kv.v = kv;
	src.kv.n = (file ? 1 : 0) + (delimiter ? 1 : 0);
	if (!file && delimiter)
		src.kv.v = kv + 1;
	c.ops = ops;
	c.input = input;
	if (ops->open(&c, &src, &err) == 0) {
		assert_non_null(c.origin);
		buf_addf(&b, "origin %s\n", c.origin);
		while ((rc = ops->next(&c, &rec, &err)) == 1)
			describe(&b, &rec);
		if (rc < 0)
			buf_addf(&b, "error: %s\n", err.msg);
	} else
		buf_addf(&b, "error: %s\n", err.msg);
	ops->close(&c);
	return buf_detach(&b);
}

static void
expect_run(const char *file, const char *input, const char *delim,
    const char *want)
{
	char *got = run(file, input, delim);

	assert_string_equal(got, want);
	free(got);
}

static void
test_accounts(void **state)
{
	(void)state;
	expect_run("accounts.csv", NULL, NULL,
	    "origin " INPUTS "accounts.csv\n"
	    "account jdoe login=jdoe email=jdoe@example.com name=Jane Doe"
	    " status=active active=1 mfa=1 last=2026-11-30T09:00:00Z"
	    " created=2020-01-01 kind=- emp=E1001"
	    " aliases=jane@example.io;j.doe@example.com\n"
	    "ent admins key=admins name=admins kind=group priv=-1\n"
	    "member admins <- jdoe ref=0\n"
	    "ent users key=users name=users kind=group priv=-1\n"
	    "member users <- jdoe ref=0\n"
	    "account svc-backup login=svc-backup email=- name=Backup Job"
	    " status=disabled active=0 mfa=2 last=never created=-"
	    " kind=service emp=- aliases=-\n"
	    "account mlock login=mlock email=m.lock@example.com name=Lock, M"
	    " status=Locked Out active=1 mfa=1 last=2026-10-01 created=-"
	    " kind=- emp=E1002 aliases=-\n"
	    "ent users key=users name=users kind=group priv=-1\n"
	    "member users <- mlock ref=0\n"
	    "account weird login=weird email=w@example.com name=W"
	    " status=member active=1 mfa=0 last=- created=- kind=- emp=-"
	    " aliases=-\n"
	    "issue unknown_status: login 'weird': unknown status 'member'"
	    " (counted as active)\n"
	    "account susp login=susp email=s@example.com name=S"
	    " status=SUSPENDED active=0 mfa=0 last=- created=- kind=external"
	    " emp=E1003 aliases=-\n");
}

/* import accounts SOURCE FILE: the input wins over the `file` key. */
static void
test_input_and_native_id(void **state)
{
	(void)state;
	expect_run("accounts.csv", INPUTS "accounts-semicolon.csv", NULL,
	    "origin " INPUTS "accounts-semicolon.csv\n"
	    "account 9a1f-01 login=alice email=- name=- status=staged active=1"
	    " mfa=0 last=2026-03-04 created=- kind=- emp=- aliases=-\n"
	    "ent Finance Approvers key=Finance Approvers name=Finance"
	    " Approvers kind=group priv=-1\n"
	    "member Finance Approvers <- 9a1f-01 ref=0\n"
	    "account bob login=bob email=- name=- status=- active=1 mfa=0"
	    " last=- created=- kind=- emp=- aliases=-\n");
}

static void
test_delimiter_key(void **state)
{
	(void)state;
	expect_run(NULL, INPUTS "accounts-semicolon.csv", "comma",
	    "error: " INPUTS "accounts-semicolon.csv:1: expected columns not"
	    " found: no 'login' column among 1 columns (expected login,email,"
	    "name,employee_id,status,mfa,last_login,created,entitlements)\n");
	expect_run(NULL, INPUTS "accounts.csv", "colon",
	    "error: source 'legacy': delimiter must be comma, semicolon, tab,"
	    " pipe or auto (got 'colon')\n");
}

static void
test_bad_rows(void **state)
{
	(void)state;
	expect_run("accounts-bad-mfa.csv", NULL, NULL,
	    "origin " INPUTS "accounts-bad-mfa.csv\n"
	    "error: " INPUTS "accounts-bad-mfa.csv:2:22: mfa must be enrolled,"
	    " not_enrolled or unknown, not 'maybe'\n");
	expect_run("accounts-bad-date.csv", NULL, NULL,
	    "origin " INPUTS "accounts-bad-date.csv\n"
	    "error: " INPUTS "accounts-bad-date.csv:2:15: last_login:"
	    " ambiguous date '03/04/2026': set date_format (e.g. %m/%d/%Y or"
	    " %d/%m/%Y)\n");
	expect_run("accounts-no-login.csv", NULL, NULL,
	    "error: " INPUTS "accounts-no-login.csv:1: expected columns not"
	    " found: no 'login' column among 2 columns (expected login,email,"
	    "name,employee_id,status,mfa,last_login,created,entitlements)\n");
}

/* The same account twice: the file, the second line, and the first. */
static void
test_duplicates_named(void **state)
{
	char *got;

	(void)state;
	got = run("accounts-dup-login.csv", NULL, NULL);
	assert_non_null(strstr(got, "\nerror: " INPUTS "accounts-dup-login.csv"
	    ":4:1: login 'Ann' appears twice (first on line 2; logins are"
	    " compared without case)\n"));
	free(got);
	got = run("accounts-dup-id.csv", NULL, NULL);
	assert_non_null(strstr(got, "\nerror: " INPUTS "accounts-dup-id.csv"
	    ":4:1: id 'u1' appears twice (first on line 2)\n"));
	free(got);
}

static void
test_missing_file_and_key(void **state)
{
	(void)state;
	expect_run("nope.csv", NULL, NULL, "error: cannot open '" INPUTS
	    "nope.csv': No such file or directory\n");
	expect_run(NULL, NULL, NULL, "error: source 'legacy': no 'file' set"
	    " (or give one: rollcall import accounts legacy FILE)\n");
}

static void
test_registered(void **state)
{
	const struct connector_ops *ops = connector_find("csv");
	const char *const *k;
	int n = 0;

	(void)state;
	assert_non_null(ops);
	assert_string_equal(ops->type, "csv");
	for (k = ops->keys; *k; k++)
		n++;
	assert_int_equal(n, 3);
	assert_string_equal(ops->keys[0], "file");
	assert_string_equal(ops->keys[1], "delimiter");
	assert_string_equal(ops->keys[2], "date_format");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_input_and_native_id),
		cmocka_unit_test(test_delimiter_key),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_duplicates_named),
		cmocka_unit_test(test_missing_file_and_key),
		cmocka_unit_test(test_registered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
