/*
 * test_campaign.c: opening a review campaign (core/campaign.c): item ids,
 * who reviews what, order, findings and recommendations on each item.
 * The store is filled by small helpers here, as reconcile would leave it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/campaign.h"
#include "rollcall/config.h"
#include "rollcall/store.h"

#define AS_OF "2026-12-03"

struct fx {
	struct store *st;
	struct config *cfg;
	int64_t hr, ldap, billing, rid;
};

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

static int64_t
snap(struct store *st, const char *source, const char *kind)
{
	struct errbuf err = { "" };
	int64_t id;

	id = snapshot_begin(st, source, kind, "test", &err);
	assert_true(id > 0);
	assert_int_equal(snapshot_finish(st, id, NULL, NULL, &err), 0);
	return id;
}

/* id, preferred name, status_class, termination date, manager, dept, title */
static void
person(struct store *st, int64_t s, const char *id, const char *name,
    const char *cls, const char *term, const char *mgr, const char *dept,
    const char *title)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO people (snapshot_id, employee_id,"
	    " email, preferred_name, status, status_class, termination_date,"
	    " manager_id, department, title) VALUES (?,?,?,?,?,?,?,?,?,?)",
	    &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, s);
	store_bind_text(q, 2, id);
	sqlite3_bind_text(q, 3, "x@example.com", -1, SQLITE_STATIC);
	store_bind_text(q, 4, name);
	store_bind_text(q, 5, cls);
	store_bind_text(q, 6, cls);
	store_bind_text(q, 7, term);
	store_bind_text(q, 8, mgr);
	store_bind_text(q, 9, dept);
	store_bind_text(q, 10, title);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

static int64_t
account(struct store *st, int64_t s, const char *source, const char *nid,
    const char *login, int active, const char *kind, const char *last)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	int64_t id;

	q = store_prepare(st, "INSERT INTO accounts (snapshot_id, source,"
	    " native_id, key, login, display_name, status, active, mfa,"
	    " last_login, kind) VALUES (?,?,?,?,?,?,?,?,'enrolled',?,?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, s);
	store_bind_text(q, 2, source);
	store_bind_text(q, 3, nid);
	store_bind_text(q, 4, nid);
	store_bind_text(q, 5, login);
	store_bind_text(q, 6, login);
	store_bind_text(q, 7, active ? "active" : "disabled");
	sqlite3_bind_int(q, 8, active);
	store_bind_text(q, 9, last);
	store_bind_text(q, 10, kind ? kind : "human");
	assert_int_equal(store_step_done(st, q, &err), 0);
	id = sqlite3_last_insert_rowid(store_db(st));
	sqlite3_finalize(q);
	return id;
}

static int64_t
entitlement(struct store *st, int64_t s, const char *source, const char *nid,
    const char *name, int priv)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	int64_t id;

	q = store_prepare(st, "INSERT INTO entitlements (snapshot_id, source,"
	    " native_id, key, name, privileged) VALUES (?,?,?,?,?,?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, s);
	store_bind_text(q, 2, source);
	store_bind_text(q, 3, nid);
	store_bind_text(q, 4, nid);
	store_bind_text(q, 5, name);
	sqlite3_bind_int(q, 6, priv);
	assert_int_equal(store_step_done(st, q, &err), 0);
	id = sqlite3_last_insert_rowid(store_db(st));
	sqlite3_finalize(q);
	return id;
}

static void
grant(struct store *st, int64_t s, int64_t acc, int64_t ent)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO grants (snapshot_id, account_id,"
	    " entitlement_id, direct) VALUES (?,?,?,1)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, s);
	sqlite3_bind_int64(q, 2, acc);
	sqlite3_bind_int64(q, 3, ent);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

static void
link_to(struct store *st, int64_t rid, int64_t acc, const char *pid)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO links (reconcile_id, account_id,"
	    " person_id, rule) VALUES (?,?,?,'email')", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, rid);
	sqlite3_bind_int64(q, 2, acc);
	store_bind_text(q, 3, pid);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

static void
finding(struct store *st, int64_t rid, const char *kind, int64_t acc,
    const char *ent, int suppressed)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO findings (reconcile_id, kind,"
	    " severity, source, account_id, entitlement, detail,"
	    " suppressed_by) VALUES (?,?,'high','x',?,?,'{}',?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, rid);
	store_bind_text(q, 2, kind);
	sqlite3_bind_int64(q, 3, acc);
	store_bind_text(q, 4, ent);
	store_bind_text(q, 5, suppressed ? "{\"reason\":\"ok\"}" : NULL);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

static struct config *
load_config(const char *text)
{
	struct errbuf err = { "" };
	struct config *cfg;
	char path[] = "/tmp/rollcall-test-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg = config_load(path, 1, &err);
	unlink(path);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

/*
 * The people: E100 CEO (no manager), E200 manager of E201..E204, E300
 * terminated manager of E301 (so E301 goes up to E100), E201 terminated.
 * corp-ldap (owner E900), billing (no owner), hrapp (owner E100, the CEO),
 * legacy (owner E300, who left) and vendor (owner E999, not in the roster);
 * only corp-ldap and billing have a snapshot unless a test adds one.
 */
static int
setup(void **state)
{
	struct errbuf err = { "" };
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->st = store_open(":memory:", &err);
	assert_non_null(fx->st);
	fx->cfg = load_config(
	    "[source \"corp-ldap\"]\ntype = csv\nowner = E900\n"
	    "[source \"billing\"]\ntype = csv\n"
	    "[source \"hrapp\"]\ntype = csv\nowner = E100\n"
	    "[source \"legacy\"]\ntype = csv\nowner = E300\n"
	    "[source \"vendor\"]\ntype = csv\nowner = E999\n");
	fx->hr = snap(fx->st, "hr", "hr");
	person(fx->st, fx->hr, "E100", "Ada Chief", "active", NULL, NULL,
	    "Exec", "CEO");
	person(fx->st, fx->hr, "E200", "Bo Manager", "active", NULL, "E100",
	    "Engineering", "Head");
	person(fx->st, fx->hr, "E201", "Cy Leaver", "active", "2026-11-16",
	    "E200", "Engineering", "Engineer");
	person(fx->st, fx->hr, "E202", "Di Staff", "active", NULL, "E200",
	    "Engineering", "Engineer");
	person(fx->st, fx->hr, "E203", "Al Early", "active", "2026-12-03",
	    "E200", "Engineering", "Engineer");
	person(fx->st, fx->hr, "E300", "Ex Boss", "terminated", NULL, "E100",
	    "Finance", "Head");
	person(fx->st, fx->hr, "E301", "Fi Clerk", "active", NULL, "E300",
	    "Finance", "Clerk");
	person(fx->st, fx->hr, "E900", "Ole Owner", "active", NULL, "E100",
	    "IT", "Admin");
	fx->ldap = snap(fx->st, "corp-ldap", "ldap");
	fx->billing = snap(fx->st, "billing", "csv");
	exec(fx->st, "INSERT INTO reconciles (as_of, created_at, max_snapshot)"
	    " VALUES ('" AS_OF "', '2026-12-03T00:00:00Z', 99)");
	fx->rid = sqlite3_last_insert_rowid(store_db(fx->st));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->st);
	config_free(fx->cfg);
	free(fx);
	return 0;
}

/* One row of campaign_items as text, for exact comparisons. */
static char *
item_row(struct store *st, const char *source, const char *login,
    const char *ent)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	char *row = NULL;

	q = store_prepare(st, "SELECT COALESCE(reviewer_id, '-') || '|' ||"
	    " COALESCE(reviewer_name, '-') || '|' || COALESCE(person_id, '-')"
	    " || '|' || COALESCE(findings, '-') || '|' ||"
	    " COALESCE(recommendation, '-') || '|' || privileged"
	    " FROM campaign_items WHERE source = ? AND login = ?"
	    " AND entitlement IS ?", &err);
	assert_non_null(q);
	store_bind_text(q, 1, source);
	store_bind_text(q, 2, login);
	store_bind_text(q, 3, ent);
	if (sqlite3_step(q) == SQLITE_ROW)
		row = strdup(store_col(q, 0));
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);	/* exactly one */
	sqlite3_finalize(q);
	return row;
}

#define assert_item(fx, src, login, ent, want) do {			\
	char *row_ = item_row((fx)->st, src, login, ent);		\
	assert_non_null(row_);						\
	assert_string_equal(row_, want);				\
	free(row_);							\
} while (0)

static long
count(struct store *st, const char *sql)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q = store_prepare(st, sql, &err);
	long n;

	assert_non_null(q);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static int
open_q4(struct fx *fx, struct campaign_open_result *res)
{
	struct errbuf err = { "" };
	int rc;

	assert_int_equal(store_begin(fx->st, &err), 0);
	rc = campaign_open(fx->st, fx->cfg, "Q4-2026", AS_OF, "2026-12-31",
	    fx->rid, res, &err);
	if (rc == 0)
		assert_int_equal(store_commit(fx->st, &err), 0);
	else
		store_rollback(fx->st);
	return rc;
}

static void
test_item_id_known_value(void **state)
{
	char id[ITEM_ID_SIZE];

	(void)state;
	/* base32 of SHA-256("Q4-2026\0okta\000u1\0Admins\0"), 10 chars */
	campaign_item_id("Q4-2026", "okta", "00u1", "Admins", id);
	assert_string_equal(id, "RV-QTJ3HMY5PI");
	/* the account's own item: entitlement NULL hashes as "" */
	campaign_item_id("Q4-2026", "okta", "00u1", NULL, id);
	assert_string_equal(id, "RV-2OH2BRUA4V");
	campaign_item_id("Q4-2026", "okta", "00u1", "", id);
	assert_string_equal(id, "RV-2OH2BRUA4V");
}

static void
test_item_id_letters_first_and_distinct(void **state)
{
	static const char *const v[][4] = {
		{ "Q4-2026", "okta", "00u1", "Admins" },
		{ "Q3-2026", "okta", "00u1", "Admins" },	/* campaign */
		{ "Q4-2026", "ldap", "00u1", "Admins" },	/* source */
		{ "Q4-2026", "okta", "00u2", "Admins" },	/* account */
		{ "Q4-2026", "okta", "00u1", "admins" },	/* entitlement */
		{ "Q4-2026", "okt", "a00u1", "Admins" },	/* boundaries */
	};
	char ids[ARRAY_SIZE(v)][ITEM_ID_SIZE], again[ITEM_ID_SIZE];
	size_t i, j, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		campaign_item_id(v[i][0], v[i][1], v[i][2], v[i][3], ids[i]);
		assert_int_equal(strlen(ids[i]), 13);
		assert_memory_equal(ids[i], "RV-", 3);
		for (k = 3; k < 13; k++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
			    ids[i][k]));
		campaign_item_id(v[i][0], v[i][1], v[i][2], v[i][3], again);
		assert_string_equal(again, ids[i]);		/* stable */
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

static void
test_reviewers(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t a;

	/* E202's manager reviews */
	a = account(fx->st, fx->ldap, "corp-ldap", "u202", "di", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E202");
	/* E301's manager left: her manager's manager, E100 */
	a = account(fx->st, fx->ldap, "corp-ldap", "u301", "fi", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E301");
	/* E100 has no manager: the source owner E900 */
	a = account(fx->st, fx->ldap, "corp-ldap", "u100", "ada", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E100");
	/* orphan: the owner */
	a = account(fx->st, fx->ldap, "corp-ldap", "u999", "ghost", 1, NULL,
	    NULL);
	finding(fx->st, fx->rid, "orphan", a, NULL, 0);
	/* service account: the owner, even when linked to someone */
	a = account(fx->st, fx->ldap, "corp-ldap", "svc1", "svc-backup", 1,
	    "service", NULL);
	link_to(fx->st, fx->rid, a, "E202");
	/* service account by override, with its own owner E200 */
	a = account(fx->st, fx->ldap, "corp-ldap", "svc2", "build", 1, NULL,
	    NULL);
	exec(fx->st, "INSERT INTO snapshots (source, kind, started_at, status)"
	    " VALUES ('overrides', 'overrides', 'now', 'ok')");
	exec(fx->st, "INSERT INTO overrides (snapshot_id, line, source, login,"
	    " kind, owner) VALUES ((SELECT MAX(id) FROM snapshots), 2,"
	    " 'corp-ldap', 'BUILD', 'service', 'E200')");
	/* billing has no owner: orphan goes to "unassigned" */
	a = account(fx->st, fx->billing, "billing", "b1", "nobody", 1, NULL,
	    NULL);
	/* not active: no item at all */
	a = account(fx->st, fx->ldap, "corp-ldap", "u0", "gone", 0, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E202");

	assert_int_equal(open_q4(fx, &res), 0);
	assert_item(fx, "corp-ldap", "di", NULL, "E200|Bo Manager|E202|-|-|0");
	assert_item(fx, "corp-ldap", "fi", NULL, "E100|Ada Chief|E301|-|-|0");
	assert_item(fx, "corp-ldap", "ada", NULL, "E900|Ole Owner|E100|-|-|0");
	assert_item(fx, "corp-ldap", "ghost", NULL,
	    "E900|Ole Owner|-|orphan|revoke|0");
	assert_item(fx, "corp-ldap", "svc-backup", NULL,
	    "E900|Ole Owner|-|-|-|0");
	assert_item(fx, "corp-ldap", "build", NULL, "E200|Bo Manager|-|-|-|0");
	assert_item(fx, "billing", "nobody", NULL,
	    "unassigned|unassigned|-|-|-|0");
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE login = 'gone'"), 0);
	assert_int_equal(res.items, 7);
	assert_int_equal(res.reviewers, 4);	/* E100 E200 E900 unassigned */
	assert_int_equal(res.unassigned, 1);
	assert_int_equal(res.revoke, 1);
	assert_int_equal(res.nwarnings, 1);
	assert_string_equal(res.warnings[0], "source 'billing' has no owner:"
	    " its orphans, service accounts and people without a manager go"
	    " to reviewer 'unassigned'");
	/* every current snapshot is frozen with it, hr included */
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM"
	    " campaign_snapshots WHERE campaign_id = 1"), 4);
	assert_int_equal(count(fx->st, "SELECT snapshot_id FROM"
	    " campaign_snapshots WHERE source = 'hr'"), fx->hr);
	campaign_result_release(&res);
}

static void
test_findings_and_recommendation(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t leaver, staff, admins, payables, wiki, a;

	admins = entitlement(fx->st, fx->ldap, "corp-ldap", "g1", "admins", 1);
	payables = entitlement(fx->st, fx->ldap, "corp-ldap", "g2",
	    "payables", 0);
	wiki = entitlement(fx->st, fx->ldap, "corp-ldap", "g3", "wiki", 0);
	/* a leaver: everything on the account is to be revoked */
	leaver = account(fx->st, fx->ldap, "corp-ldap", "u201", "cy", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, leaver, "E201");
	grant(fx->st, fx->ldap, leaver, admins);
	grant(fx->st, fx->ldap, leaver, wiki);
	finding(fx->st, fx->rid, "terminated_active", leaver, NULL, 0);
	/* staff: over_privileged on admins only, dormant on the account,
	 * sod_conflict on payables, no_mfa suppressed by an exception */
	staff = account(fx->st, fx->ldap, "corp-ldap", "u202", "di", 1, NULL,
	    "2026-01-01");
	link_to(fx->st, fx->rid, staff, "E202");
	grant(fx->st, fx->ldap, staff, admins);
	grant(fx->st, fx->ldap, staff, payables);
	grant(fx->st, fx->ldap, staff, wiki);
	finding(fx->st, fx->rid, "over_privileged", staff, "admins", 0);
	finding(fx->st, fx->rid, "sod_conflict", staff, "payables", 0);
	finding(fx->st, fx->rid, "dormant", staff, NULL, 0);
	finding(fx->st, fx->rid, "no_mfa", staff, NULL, 1);
	/* terminated today: still employed, not first, no day count */
	a = account(fx->st, fx->ldap, "corp-ldap", "u203", "al", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E203");

	assert_int_equal(open_q4(fx, &res), 0);
	assert_item(fx, "corp-ldap", "cy", "admins",
	    "E200|Bo Manager|E201|terminated_active|revoke|1");
	assert_item(fx, "corp-ldap", "cy", "wiki",
	    "E200|Bo Manager|E201|terminated_active|revoke|0");
	assert_item(fx, "corp-ldap", "di", "admins",
	    "E200|Bo Manager|E202|over_privileged;dormant|revoke|1");
	assert_item(fx, "corp-ldap", "di", "payables",
	    "E200|Bo Manager|E202|sod_conflict;dormant|-|0");
	assert_item(fx, "corp-ldap", "di", "wiki",
	    "E200|Bo Manager|E202|dormant|-|0");
	/* an account with grants has no entitlement-less item */
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE login = 'di' AND entitlement IS NULL"), 0);
	assert_item(fx, "corp-ldap", "al", NULL, "E200|Bo Manager|E203|-|-|0");
	assert_int_equal(res.items, 6);
	assert_int_equal(res.revoke, 3);
	campaign_result_release(&res);
}

struct order {
	char	 text[1024];
};

static int
collect(const struct campaign_item *it, void *arg, struct errbuf *err)
{
	struct order *o = arg;
	size_t n = strlen(o->text);

	(void)err;
	snprintf(o->text + n, sizeof(o->text) - n, "%s/%s/%s/%ld\n",
	    it->person_id ? it->person_id : "-", it->login,
	    it->entitlement ? it->entitlement : "-",
	    it->days_since_termination);
	return 0;
}

static void
test_order(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	struct errbuf err = { "" };
	struct campaign c;
	struct order o = { "" };
	int64_t a, g1, g2;

	g1 = entitlement(fx->st, fx->ldap, "corp-ldap", "g1", "b-group", 0);
	g2 = entitlement(fx->st, fx->ldap, "corp-ldap", "g2", "a-group", 0);
	/* E202 Di Staff: two sources, two logins */
	a = account(fx->st, fx->ldap, "corp-ldap", "u202b", "di2", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E202");
	a = account(fx->st, fx->ldap, "corp-ldap", "u202", "di", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E202");
	grant(fx->st, fx->ldap, a, g1);
	grant(fx->st, fx->ldap, a, g2);
	a = account(fx->st, fx->billing, "billing", "b202", "di", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E202");
	/* E203 Al Early: terminated today, so still employed */
	a = account(fx->st, fx->ldap, "corp-ldap", "u203", "al", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E203");
	/* E201 Cy Leaver: terminated 17 days ago, first */
	a = account(fx->st, fx->ldap, "corp-ldap", "u201", "cy", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E201");
	assert_int_equal(open_q4(fx, &res), 0);
	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	assert_string_equal(c.as_of, AS_OF);
	assert_string_equal(c.due, "2026-12-31");
	assert_int_equal(campaign_items_each(fx->st, &c, "E200", collect, &o,
	    &err), 0);
	assert_string_equal(o.text,
	    "E201/cy/-/17\n"
	    "E203/al/-/-1\n"
	    "E202/di/-/-1\n"		/* billing before corp-ldap */
	    "E202/di/a-group/-1\n"
	    "E202/di/b-group/-1\n"
	    "E202/di2/-/-1\n");
	campaign_release(&c);
	campaign_result_release(&res);
}

static void
test_orphans_first_for_owner(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	struct errbuf err = { "" };
	struct campaign c;
	struct order o = { "" };
	int64_t a;

	account(fx->st, fx->ldap, "corp-ldap", "s1", "svc-a", 1, "service",
	    NULL);
	a = account(fx->st, fx->ldap, "corp-ldap", "u100", "ada", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E100");
	a = account(fx->st, fx->ldap, "corp-ldap", "x1", "zed", 1, NULL, NULL);
	finding(fx->st, fx->rid, "orphan", a, NULL, 0);
	assert_int_equal(open_q4(fx, &res), 0);
	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	assert_int_equal(campaign_items_each(fx->st, &c, "E900", collect, &o,
	    &err), 0);
	/* the orphan, then by person name: "" (service) before Ada */
	assert_string_equal(o.text,
	    "-/zed/-/-1\n"
	    "-/svc-a/-/-1\n"
	    "E100/ada/-/-1\n");
	campaign_release(&c);
	campaign_result_release(&res);
}

static void
test_refusals(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	struct errbuf err = { "" };
	struct store *empty;

	account(fx->st, fx->ldap, "corp-ldap", "x1", "zed", 1, NULL, NULL);
	assert_int_equal(open_q4(fx, &res), 0);
	campaign_result_release(&res);
	assert_int_equal(store_begin(fx->st, &err), 0);
	assert_int_equal(campaign_open(fx->st, fx->cfg, "Q4-2026", AS_OF, NULL,
	    fx->rid, &res, &err), CAMPAIGN_REFUSED);
	store_rollback(fx->st);
	assert_non_null(strstr(err.msg, "campaign 'Q4-2026' already exists"));
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaigns"), 1);

	empty = store_open(":memory:", &err);
	assert_non_null(empty);
	assert_int_equal(campaign_open(empty, fx->cfg, "Q1", AS_OF, NULL, 0,
	    &res, &err), -1);
	assert_string_equal(err.msg, "no HR roster imported (rollcall import"
	    " hr FILE): reviewers come from it");
	store_close(empty);
}

static void
test_duplicate_entitlement_names(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t a, g1, g2;

	/* the same cn in two OUs: two items, two ids */
	g1 = entitlement(fx->st, fx->ldap, "corp-ldap", "cn=ops,ou=a", "ops", 0);
	g2 = entitlement(fx->st, fx->ldap, "corp-ldap", "cn=ops,ou=b", "ops", 0);
	a = account(fx->st, fx->ldap, "corp-ldap", "u202", "di", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E202");
	grant(fx->st, fx->ldap, a, g1);
	grant(fx->st, fx->ldap, a, g2);
	assert_int_equal(open_q4(fx, &res), 0);
	assert_int_equal(res.items, 2);
	assert_int_equal(count(fx->st, "SELECT COUNT(DISTINCT item_id) FROM"
	    " campaign_items WHERE entitlement = 'ops'"), 2);
	campaign_result_release(&res);
}

static void
override(struct store *st, long line, const char *source, const char *login,
    const char *kind, const char *owner)
{
	struct errbuf err = { "" };
	sqlite3_stmt *q;

	q = store_prepare(st, "INSERT INTO overrides (snapshot_id, line,"
	    " source, login, kind, owner) VALUES ((SELECT MAX(id) FROM"
	    " snapshots WHERE source = 'overrides'), ?, ?, ?, ?, ?)", &err);
	assert_non_null(q);
	sqlite3_bind_int64(q, 1, line);
	store_bind_text(q, 2, source);
	store_bind_text(q, 3, login);
	store_bind_text(q, 4, kind);
	store_bind_text(q, 5, owner);
	assert_int_equal(store_step_done(st, q, &err), 0);
	sqlite3_finalize(q);
}

static int
has_warning(const struct campaign_open_result *res, const char *want)
{
	size_t i;

	for (i = 0; i < res->nwarnings; i++)
		if (strcmp(res->warnings[i], want) == 0)
			return 1;
	return 0;
}

/*
 * The repro of overrides-bad-owner.csv: a service account whose owner in
 * the overrides is not in the roster (E99) or has left (E300) is no one's:
 * it goes to the source's owner, or to "unassigned", and the warning says
 * whose owner is missing.
 */
static void
test_service_owner_gone(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t a;

	snap(fx->st, "overrides", "overrides");
	override(fx->st, 2, "corp-ldap", "svc-backup", "service", "E99");
	override(fx->st, 3, "corp-ldap", "svc-report", "service", "E300");
	override(fx->st, 4, "billing", "svc-pay", "shared", "E300");
	a = account(fx->st, fx->ldap, "corp-ldap", "s1", "svc-backup", 1,
	    NULL, NULL);
	finding(fx->st, fx->rid, "service_no_owner", a, NULL, 0);
	/* reconcile links a service account to its owner, even a leaver */
	a = account(fx->st, fx->ldap, "corp-ldap", "s2", "svc-report", 1,
	    NULL, NULL);
	link_to(fx->st, fx->rid, a, "E300");
	finding(fx->st, fx->rid, "service_no_owner", a, NULL, 0);
	a = account(fx->st, fx->billing, "billing", "s3", "svc-pay", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E300");

	assert_int_equal(open_q4(fx, &res), 0);
	assert_item(fx, "corp-ldap", "svc-backup", NULL,
	    "E900|Ole Owner|-|service_no_owner|-|0");
	assert_item(fx, "corp-ldap", "svc-report", NULL,
	    "E900|Ole Owner|-|service_no_owner|-|0");
	assert_item(fx, "billing", "svc-pay", NULL,
	    "unassigned|unassigned|-|-|-|0");
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE reviewer_id IN ('E99', 'E300')"), 0);
	assert_int_equal(res.reviewers, 2);
	assert_int_equal(res.unassigned, 1);
	assert_int_equal(res.nwarnings, 4);
	assert_true(has_warning(&res, "owner 'E99' of service account"
	    " 'svc-backup' (source 'corp-ldap', overrides) is not in the HR"
	    " roster: it goes to the source's owner 'E900'"));
	assert_true(has_warning(&res, "owner 'E300' of service account"
	    " 'svc-report' (source 'corp-ldap', overrides) has left"
	    " (terminated in the HR roster): it goes to the source's owner"
	    " 'E900'"));
	assert_true(has_warning(&res, "owner 'E300' of shared account"
	    " 'svc-pay' (source 'billing', overrides) has left (terminated in"
	    " the HR roster): it goes to reviewer 'unassigned'"));
	assert_true(has_warning(&res, "source 'billing' has no owner: its"
	    " orphans, service accounts and people without a manager go to"
	    " reviewer 'unassigned'"));
	campaign_result_release(&res);
}

/* A source owner who is gone is no owner either. */
static void
test_source_owner_gone(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t legacy, vendor;

	legacy = snap(fx->st, "legacy", "csv");
	vendor = snap(fx->st, "vendor", "csv");
	account(fx->st, legacy, "legacy", "l1", "ghost", 1, NULL, NULL);
	account(fx->st, vendor, "vendor", "v1", "ghost", 1, "service", NULL);
	assert_int_equal(open_q4(fx, &res), 0);
	assert_item(fx, "legacy", "ghost", NULL,
	    "unassigned|unassigned|-|-|-|0");
	assert_item(fx, "vendor", "ghost", NULL,
	    "unassigned|unassigned|-|-|-|0");
	assert_int_equal(res.nwarnings, 2);
	assert_string_equal(res.warnings[0], "owner 'E300' of source 'legacy'"
	    " (its `owner` setting) has left (terminated in the HR roster):"
	    " its orphans, service accounts and people without a manager go"
	    " to reviewer 'unassigned'");
	assert_string_equal(res.warnings[1], "owner 'E999' of source 'vendor'"
	    " (its `owner` setting) is not in the HR roster: its orphans,"
	    " service accounts and people without a manager go to reviewer"
	    " 'unassigned'");
	campaign_result_release(&res);
}

/*
 * Nobody reviews their own access: the holder's manager instead, else
 * the source's owner if someone else, else "unassigned" with a warning.
 */
static void
test_no_self_review(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	int64_t hrapp, a;

	hrapp = snap(fx->st, "hrapp", "csv");
	snap(fx->st, "overrides", "overrides");
	/* the source owner's own account: their manager, as anyone's */
	a = account(fx->st, fx->ldap, "corp-ldap", "u900", "ole", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E900");
	/* the CEO owns hrapp and has no manager: nobody else can */
	a = account(fx->st, hrapp, "hrapp", "h100", "ada", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E100");
	/* the CEO in corp-ldap: its owner E900 */
	a = account(fx->st, fx->ldap, "corp-ldap", "u100", "ada", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E100");
	/* a service account linked to its owner E200: E200's manager */
	override(fx->st, 2, "corp-ldap", "build", "service", "E200");
	a = account(fx->st, fx->ldap, "corp-ldap", "s1", "build", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E200");
	/* owned by the CEO: corp-ldap's owner; in hrapp: nobody */
	override(fx->st, 3, "corp-ldap", "svc-ceo", "shared", "E100");
	a = account(fx->st, fx->ldap, "corp-ldap", "s2", "svc-ceo", 1, NULL,
	    NULL);
	link_to(fx->st, fx->rid, a, "E100");
	override(fx->st, 4, "hrapp", "svc-ceo", "service", "E100");
	a = account(fx->st, hrapp, "hrapp", "s3", "svc-ceo", 1, NULL, NULL);
	link_to(fx->st, fx->rid, a, "E100");

	assert_int_equal(open_q4(fx, &res), 0);
	assert_item(fx, "corp-ldap", "ole", NULL, "E100|Ada Chief|E900|-|-|0");
	assert_item(fx, "hrapp", "ada", NULL,
	    "unassigned|unassigned|E100|-|-|0");
	assert_item(fx, "corp-ldap", "ada", NULL, "E900|Ole Owner|E100|-|-|0");
	assert_item(fx, "corp-ldap", "build", NULL, "E100|Ada Chief|-|-|-|0");
	assert_item(fx, "corp-ldap", "svc-ceo", NULL, "E900|Ole Owner|-|-|-|0");
	assert_item(fx, "hrapp", "svc-ceo", NULL,
	    "unassigned|unassigned|-|-|-|0");
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE reviewer_id = person_id"), 0);
	assert_int_equal(res.unassigned, 2);
	assert_int_equal(res.nwarnings, 2);
	assert_string_equal(res.warnings[0], "E100 would review their own"
	    " account 'ada' in source 'hrapp' (no manager, no other owner of"
	    " the source): it goes to reviewer 'unassigned'");
	assert_string_equal(res.warnings[1], "E100 would review their own"
	    " account 'svc-ceo' in source 'hrapp' (no manager, no other owner"
	    " of the source): it goes to reviewer 'unassigned'");
	campaign_result_release(&res);
}

/*
 * Thousands of orphans open as fast as linked accounts (their findings
 * used to be looked up with a scan per account: quadratic), and each
 * item gets its own account's findings and override, no other's.
 */
static void
test_many_orphans(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	struct errbuf err = { "" };
	char nid[32], login[32];
	int64_t a;
	int i;

	snap(fx->st, "overrides", "overrides");
	assert_int_equal(store_begin(fx->st, &err), 0);
	for (i = 0; i < 4000; i++) {
		snprintf(nid, sizeof(nid), "x%d", i);
		snprintf(login, sizeof(login), "user%d", i);
		a = account(fx->st, fx->ldap, "corp-ldap", nid, login, 1, NULL,
		    NULL);
		if (i % 2 == 0) {
			finding(fx->st, fx->rid, "orphan", a, NULL, 0);
		} else {
			link_to(fx->st, fx->rid, a, "E202");
			if (i % 10 == 1)
				finding(fx->st, fx->rid, "dormant", a, NULL, 0);
		}
		/* upper case, the older line first, another source's too */
		if (i % 1000 == 3) {
			snprintf(login, sizeof(login), "USER%d", i);
			override(fx->st, i, "corp-ldap", login, "service",
			    "E300");
			override(fx->st, i + 5000, "corp-ldap", login,
			    "shared", "E100");
			override(fx->st, i + 9000, "billing", login,
			    "service", "E200");
		}
	}
	assert_int_equal(store_commit(fx->st, &err), 0);
	assert_int_equal(open_q4(fx, &res), 0);
	assert_int_equal(res.items, 4000);
	assert_int_equal(res.revoke, 2000);
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE reviewer_id = 'E900' AND person_id IS NULL"
	    " AND findings = 'orphan'"), 2000);
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE reviewer_id = 'E200' AND findings = 'dormant'"), 400);
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE reviewer_id = 'E200' AND findings IS NULL"), 1596);
	assert_int_equal(count(fx->st, "SELECT COUNT(*) FROM campaign_items"
	    " WHERE account_kind = 'shared'"), 4);
	/* the latest line wins: shared, owner E100, linked to E202 */
	assert_item(fx, "corp-ldap", "user1003", NULL,
	    "E100|Ada Chief|-|-|-|0");
	assert_item(fx, "corp-ldap", "user3999", NULL,
	    "E200|Bo Manager|E202|-|-|0");
	assert_item(fx, "corp-ldap", "user3998", NULL,
	    "E900|Ole Owner|-|orphan|revoke|0");
	campaign_result_release(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_id_known_value),
		cmocka_unit_test(test_item_id_letters_first_and_distinct),
		cmocka_unit_test_setup_teardown(test_reviewers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_findings_and_recommendation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphans_first_for_owner,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicate_entitlement_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_owner_gone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_owner_gone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_self_review, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_orphans, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
