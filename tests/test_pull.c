/*
 * test_pull.c: core/pull.c with a fake connector that replays records:
 * members resolved by DN key and by login, nested groups with paths,
 * cycles and dangling members noted, and failures that keep the previous
 * snapshot current.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/pull.h"

/* A record script: a NULL type ends it; FAIL makes next() fail there. */
#define FAIL 99
struct step {
	int	 type;
	const char *a, *b, *c;	/* account: id, login, key; ent: id, name, key; member: group, member, "login" */
	int	 flag;		/* account: active; ent: privileged */
};

static const struct step *script;
static size_t pos;

static int
fake_open(struct connector *c, const struct source_cfg *s, struct errbuf *err)
{
	(void)s;
	(void)err;
	pos = 0;
	c->origin = "fake://test";
	return 0;
}

static int
fake_next(struct connector *c, struct record *r, struct errbuf *err)
{
	const struct step *st = &script[pos++];

	(void)c;
	switch (st->type) {
	case 0:
		return 0;
	case FAIL:
		err_set(err, "connection reset by peer");
		return -1;
	case REC_ACCOUNT:
		r->type = REC_ACCOUNT;
		r->u.account.native_id = st->a;
		r->u.account.login = st->b;
		r->u.account.key = st->c;
		r->u.account.active = st->flag;
		r->u.account.mfa = MFA_UNKNOWN;
		return 1;
	case REC_ENTITLEMENT:
		r->type = REC_ENTITLEMENT;
		r->u.ent.native_id = st->a;
		r->u.ent.name = st->b;
		r->u.ent.key = st->c;
		r->u.ent.privileged = st->flag;
		return 1;
	case REC_MEMBER:
		r->type = REC_MEMBER;
		r->u.member.group = st->a;
		r->u.member.member = st->b;
		r->u.member.ref = st->c ? MEMBER_BY_LOGIN : MEMBER_BY_KEY;
		return 1;
	}
	return -1;
}

static void
fake_close(struct connector *c)
{
	(void)c;
}

static const struct connector_ops fake_connector = {
	.type = "fake", .open = fake_open, .next = fake_next,
	.close = fake_close,
};

static struct kv fake_kv[] = {
	{ "type", "fake", 2 },
	{ "privileged", "*admins*", 3 },
	{ "service_accounts", "svc-*", 4 },
};
static struct source_cfg fake_src = {
	"dir", "fake", 1, { fake_kv, 3 }, "test.conf",
};

#define ACC(id, login, key, active) { REC_ACCOUNT, id, login, key, active }
#define ENT(id, name, key, priv) { REC_ENTITLEMENT, id, name, key, priv }
#define MEM(group, member) { REC_MEMBER, group, member, NULL, 0 }
#define MEMUID(group, login) { REC_MEMBER, group, login, "login", 0 }

/* Case 05's graph: a cycle app-prod-admins > team-sre > oncall-primary > app-prod-admins. */
static const struct step nested[] = {
	MEM("cn=app-prod-admins", "uid=ldahlberg"),	/* before its account */
	ACC("u1", "ldahlberg", "uid=ldahlberg", 1),
	ACC("u2", "oferrant", "uid=oferrant", 1),
	ACC("u3", "ivarro", "uid=ivarro", 1),
	ACC("u4", "pvos", "uid=pvos", 1),
	ACC("u5", "svc-backup", "uid=svc-backup", 1),
	ENT("g1", "app-prod-admins", "cn=app-prod-admins", -1),
	ENT("g2", "team-sre", "cn=team-sre", -1),
	ENT("g3", "oncall-primary", "cn=oncall-primary", -1),
	ENT("g4", "contractors", "cn=contractors", -1),
	ENT("g5", "all-eng", "cn=all-eng", -1),
	ENT("g6", "devs", "cn=devs", -1),
	ENT("g6", "devs", "cn=devs", -1),		/* repeated: ignored */
	MEM("cn=app-prod-admins", "cn=team-sre"),
	MEM("cn=team-sre", "uid=oferrant"),
	MEM("cn=team-sre", "cn=oncall-primary"),
	MEM("cn=team-sre", "uid=gone"),			/* dangling */
	MEM("cn=oncall-primary", "uid=ivarro"),
	MEM("cn=oncall-primary", "cn=app-prod-admins"),
	MEM("cn=contractors", "uid=pvos"),
	MEM("cn=all-eng", "cn=team-sre"),
	MEM("cn=all-eng", "cn=contractors"),
	MEMUID("cn=devs", "PVOS"),			/* uid is case-insensitive */
	MEMUID("cn=devs", "olduser"),			/* dangling */
	{ 0, NULL, NULL, NULL, 0 },
};

static struct store *
setup_store(void)
{
	struct errbuf err = { "" };
	struct store *st = store_open(":memory:", &err);

	assert_non_null(st);
	return st;
}

static long
count(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_prepare(st, sql, NULL);
	long n;

	assert_non_null(s);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* The effective members of a group, as "login,login,..." sorted. */
static char *
members(struct store *st, const char *group)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT group_concat(login, ',')"
	    " FROM (SELECT a.login FROM grants g"
	    " JOIN accounts a ON a.id = g.account_id"
	    " JOIN entitlements e ON e.id = g.entitlement_id"
	    " WHERE e.name = ? ORDER BY a.login)", NULL);
	char *r;

	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	r = strdup(store_col(s, 0) ? store_col(s, 0) : "");
	sqlite3_finalize(s);
	return r;
}

static char *
path_of(struct store *st, const char *group, const char *login)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT g.direct, g.path"
	    " FROM grants g JOIN accounts a ON a.id = g.account_id"
	    " JOIN entitlements e ON e.id = g.entitlement_id"
	    " WHERE e.name = ? AND a.login = ?", NULL);
	char *r;

	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	r = strdup(sqlite3_column_int(s, 0) ? "direct" : store_col(s, 1));
	sqlite3_finalize(s);
	return r;
}

#define PULL_OK(st, res, err) do {				\
	if (pull_source(st, &fake_src, NULL, res, err) != 0)		\
		fail_msg("pull failed: %s", (err)->msg);		\
} while (0)

#define ASSERT_STR_FREE(expr, want) do {		\
	char *got_ = (expr);				\
	assert_string_equal(got_, want);		\
	free(got_);					\
} while (0)

static void
test_nested_groups_cycle_and_dangling(void **state)
{
	struct errbuf err = { "" };
	struct pull_result res;
	struct store *st = setup_store();

	(void)state;
	script = nested;
	PULL_OK(st, &res, &err);
	assert_int_equal(res.counts.records, 5);
	assert_int_equal(res.counts.entitlements, 6);
	/* case 05's table of effective members, each user once */
	ASSERT_STR_FREE(members(st, "app-prod-admins"),
	    "ivarro,ldahlberg,oferrant");
	ASSERT_STR_FREE(members(st, "team-sre"), "ivarro,ldahlberg,oferrant");
	ASSERT_STR_FREE(members(st, "oncall-primary"),
	    "ivarro,ldahlberg,oferrant");
	ASSERT_STR_FREE(members(st, "contractors"), "pvos");
	ASSERT_STR_FREE(members(st, "all-eng"),
	    "ivarro,ldahlberg,oferrant,pvos");
	ASSERT_STR_FREE(members(st, "devs"), "pvos");
	assert_int_equal(res.counts.grants, 3 + 3 + 3 + 1 + 4 + 1);
	/* the path from the granting group down to the user */
	ASSERT_STR_FREE(path_of(st, "app-prod-admins", "ivarro"),
	    "app-prod-admins <- team-sre <- oncall-primary <- ivarro");
	ASSERT_STR_FREE(path_of(st, "app-prod-admins", "ldahlberg"), "direct");
	ASSERT_STR_FREE(path_of(st, "all-eng", "pvos"),
	    "all-eng <- contractors <- pvos");
	/* the cycle once, rotated to its smallest name; two dangling members */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM source_issues"
	    " WHERE kind = 'group_cycle' AND detail = 'group cycle:"
	    " app-prod-admins -> team-sre -> oncall-primary ->"
	    " app-prod-admins'"), 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM source_issues"
	    " WHERE kind = 'group_cycle'"), 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM source_issues"
	    " WHERE kind = 'dangling_member' AND (detail ="
	    " 'dangling member of team-sre: uid=gone' OR detail ="
	    " 'dangling member of devs: memberUid olduser')"), 2);
	assert_int_equal(res.issues, 3);
	/* globs from the config */
	assert_int_equal(count(st, "SELECT privileged FROM entitlements"
	    " WHERE name = 'app-prod-admins'"), 1);
	assert_int_equal(count(st, "SELECT privileged FROM entitlements"
	    " WHERE name = 'team-sre'"), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM accounts"
	    " WHERE kind = 'service' AND login = 'svc-backup'"), 1);
	assert_int_equal(snapshot_current(st, "dir"), res.snapshot);
	store_close(st);
}

static const struct step small[] = {
	ACC("u1", "alice", NULL, 1),
	ACC("u2", "bob", NULL, 0),
	ENT("g1", "staff", NULL, 0),
	MEM("g1", "u1"),
	{ 0, NULL, NULL, NULL, 0 },
};

static const struct step twice[] = {
	ACC("u1", "alice", NULL, 1),
	ACC("u2", "bob", NULL, 1),
	ACC("u1", "alice", NULL, 1),	/* a page sent again */
	{ 0, NULL, NULL, NULL, 0 },
};

static const struct step broken[] = {
	ACC("u1", "alice", NULL, 1),
	ACC("u3", "carol", NULL, 1),
	{ FAIL, NULL, NULL, NULL, 0 },
};

static void
assert_failed_keeps(struct store *st, int64_t good, const char *why)
{
	assert_int_equal(snapshot_current(st, "dir"), good);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM snapshots"
	    " WHERE source = 'dir' AND status = 'failed'"), 1);
	/* the good snapshot's rows are all still there, nothing else */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM accounts"), 2);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM grants"), 1);
	{
		sqlite3_stmt *s = store_prepare(st, "SELECT error, origin FROM"
		    " snapshots WHERE status = 'failed'", NULL);

		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_non_null(strstr(store_col(s, 0), why));
		assert_string_equal(store_col(s, 1), "fake://test");
		sqlite3_finalize(s);
	}
}

static void
test_duplicate_account_fails_the_pull(void **state)
{
	struct errbuf err = { "" };
	struct pull_result res;
	struct store *st = setup_store();
	int64_t good;

	(void)state;
	script = small;
	PULL_OK(st, &res, &err);
	good = res.snapshot;
	script = twice;
	assert_int_equal(pull_source(st, &fake_src, NULL, &res, &err), -1);
	assert_non_null(strstr(err.msg, "returned account 'u1' twice"));
	assert_failed_keeps(st, good, "twice");
	store_close(st);
}

static void
test_source_failure_mid_pull_keeps_previous(void **state)
{
	struct errbuf err = { "" };
	struct pull_result res;
	struct store *st = setup_store();
	int64_t good;

	(void)state;
	script = small;
	PULL_OK(st, &res, &err);
	good = res.snapshot;
	script = broken;
	assert_int_equal(pull_source(st, &fake_src, NULL, &res, &err), -1);
	assert_string_equal(err.msg, "connection reset by peer");
	assert_failed_keeps(st, good, "connection reset by peer");
	/* and a later good pull becomes current */
	script = small;
	PULL_OK(st, &res, &err);
	assert_true(res.snapshot > good);
	assert_int_equal(snapshot_current(st, "dir"), res.snapshot);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_groups_cycle_and_dangling),
		cmocka_unit_test(test_duplicate_account_fails_the_pull),
		cmocka_unit_test(test_source_failure_mid_pull_keeps_previous),
	};

	connector_add(&fake_connector);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
