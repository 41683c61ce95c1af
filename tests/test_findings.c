/* test_findings.c: reconcile_run()'s findings (core/findings.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rollcall/config.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"
#include "support/fixture.h"

#define AS_OF "2026-12-01"

struct world {
	struct store *st;
	int64_t	 hr, app;
};

/*
 * E1 active engineer, E2 terminated last month, E3 on leave, E4 whose
 * termination is dated today (still employed), E5 terminated by status
 * alone; one pulled source "app".
 */
static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	w->st = fx_open();
	w->hr = fx_snapshot(w->st, "hr", "hr");
	fx_person(w->st, w->hr, &(struct fx_person){ .employee_id = "E1",
	    .email = "e1@example.com", .department = "Engineering",
	    .title = "Engineer", .job_code = "J1" });
	fx_person(w->st, w->hr, &(struct fx_person){ .employee_id = "E2",
	    .email = "e2@example.com", .status = "Active",
	    .termination_date = "2026-11-01", .department = "Sales" });
	fx_person(w->st, w->hr, &(struct fx_person){ .employee_id = "E3",
	    .email = "e3@example.com", .status = "Leave of absence",
	    .status_class = "leave", .department = "Engineering",
	    .title = "Engineer" });
	fx_person(w->st, w->hr, &(struct fx_person){ .employee_id = "E4",
	    .email = "e4@example.com", .status = "Terminated",
	    .status_class = "terminated", .termination_date = AS_OF });
	fx_person(w->st, w->hr, &(struct fx_person){ .employee_id = "E5",
	    .email = "e5@example.com", .status = "Separated",
	    .status_class = "terminated" });
	w->app = fx_snapshot(w->st, "app", "csv");
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	store_close(w->st);
	free(w);
	return 0;
}

static struct reconcile_result
run(struct store *st, const struct config *cfg, const char *as_of)
{
	struct reconcile_result res;
	struct errbuf err = { "" };

	if (reconcile_run(st, cfg, as_of, &res, &err) != 0)
		fail_msg("reconcile_run: %s", err.msg);
	return res;
}

static int64_t
acct(struct world *w, const char *login, const char *mfa,
    const char *last_login)
{
	return fx_account(w->st, w->app, &(struct fx_account){
	    .source = "app", .login = login, .email = login, .mfa = mfa,
	    .last_login = last_login });
}

static void
test_terminated_active_alone(void **state)
{
	struct world *w = *state;
	int64_t a;

	a = acct(w, "e2@example.com", "not_enrolled", "2020-01-01");
	fx_grant_new(w->st, w->app, a, "app", "admin", 1);
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "E2-old", .employee_id = "E2", .inactive = 1 });
	acct(w, "e4@example.com", NULL, NULL);
	acct(w, "e5@example.com", NULL, NULL);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, NULL, "e2@example.com"), 1);
	assert_int_equal(fx_findings(w->st, "terminated_active",
	    "e2@example.com"), 1);
	assert_string_equal(fx_finding(w->st, "terminated_active",
	    "e2@example.com", "severity"), "critical");
	assert_string_equal(fx_finding(w->st, "terminated_active",
	    "e2@example.com", "detail"), "{\"rule\":\"email\","
	    "\"person_id\":\"E2\",\"termination_date\":\"2026-11-01\","
	    "\"hr_status\":\"Active\",\"account_status\":\"active\","
	    "\"entitlements\":[\"admin\"]}");
	/* the disabled account: nothing */
	assert_int_equal(fx_findings(w->st, NULL, "E2-old"), 0);
	/* termination dated today: still employed */
	assert_int_equal(fx_findings(w->st, NULL, "e4@example.com"), 0);
	/* no date, terminated status */
	assert_int_equal(fx_findings(w->st, "terminated_active",
	    "e5@example.com"), 1);
	/* the day after, E4 is terminated */
	run(w->st, NULL, "2026-12-02");
	assert_int_equal(fx_findings(w->st, "terminated_active",
	    "e4@example.com"), 1);
	assert_int_equal(fx_findings(w->st, "terminated_active", NULL), 3);
}

static void
test_orphan_alone(void **state)
{
	struct world *w = *state;
	struct reconcile_result res;

	acct(w, "ghost@example.com", "not_enrolled", "2020-01-01");
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "old-ghost", .inactive = 1 });
	res = run(w->st, NULL, AS_OF);
	assert_int_equal(res.findings, 1);
	assert_int_equal(res.by_kind[FK_ORPHAN], 1);
	assert_string_equal(fx_finding(w->st, "orphan", "ghost@example.com",
	    "severity"), "high");
	assert_string_equal(fx_finding(w->st, "orphan", "ghost@example.com",
	    "detail"), "{\"external\":false,\"email\":\"ghost@example.com\","
	    "\"employee_id\":null}");
	assert_string_equal(fx_finding(w->st, "orphan", "ghost@example.com",
	    "person_id"), "(null)");
	/* linked: no orphan */
	assert_int_equal(fx_findings(w->st, "orphan", "e1@example.com"), 0);
}

static void
test_service_accounts(void **state)
{
	struct world *w = *state;
	int64_t ov = fx_snapshot(w->st, "overrides", "overrides");

	fx_override(w->st, ov, 2, "app", "svc-build", NULL, "service", "E1",
	    "CI");
	fx_override(w->st, ov, 3, "app", "team-inbox", NULL, "shared", NULL,
	    "who?");
	acct(w, "svc-build", "not_enrolled", "2020-01-01");
	acct(w, "team-inbox", NULL, NULL);
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "svc-marked", .kind = "service" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "svc-off", .kind = "service", .inactive = 1 });
	run(w->st, NULL, AS_OF);
	/* an owned service account: nothing, and linked to its owner */
	assert_int_equal(fx_findings(w->st, NULL, "svc-build"), 0);
	assert_string_equal(fx_text(w->st, "SELECT person_id || ' ' || l.kind"
	    " || ' ' || rule FROM links l JOIN accounts a ON a.id = account_id"
	    " WHERE a.login = 'svc-build'"), "E1 service override");
	assert_int_equal(fx_findings(w->st, "service_no_owner", "team-inbox"),
	    1);
	assert_int_equal(fx_findings(w->st, "service_no_owner", "svc-marked"),
	    1);
	assert_string_equal(fx_finding(w->st, "service_no_owner",
	    "svc-marked", "severity"), "medium");
	assert_int_equal(fx_findings(w->st, NULL, "svc-off"), 0);
	assert_int_equal(fx_findings(w->st, NULL, NULL), 2);
}

/*
 * An owner in the overrides who is not an active person is no owner
 * (overrides-bad-owner.csv): service_no_owner says who and why. Leave
 * and a termination dated today still own.
 */
static void
test_service_owner_gone(void **state)
{
	struct world *w = *state;
	int64_t ov = fx_snapshot(w->st, "overrides", "overrides");

	fx_override(w->st, ov, 2, "app", "svc-backup", NULL, "service", "E99",
	    "owner not in roster");
	fx_override(w->st, ov, 3, "app", "svc-report", NULL, "service", "E2",
	    "owner terminated");
	fx_override(w->st, ov, 4, "app", "svc-sep", NULL, "shared", "E5",
	    "terminated by status");
	fx_override(w->st, ov, 5, "app", "svc-leave", NULL, "service", "E3",
	    "owner on leave");
	fx_override(w->st, ov, 6, "app", "svc-today", NULL, "service", "E4",
	    "leaves today");
	acct(w, "svc-backup", NULL, NULL);
	acct(w, "svc-report", NULL, NULL);
	acct(w, "svc-sep", NULL, NULL);
	acct(w, "svc-leave", NULL, NULL);
	acct(w, "svc-today", NULL, NULL);
	run(w->st, NULL, AS_OF);
	assert_string_equal(fx_finding(w->st, "service_no_owner", "svc-backup",
	    "severity"), "medium");
	assert_string_equal(fx_finding(w->st, "service_no_owner", "svc-backup",
	    "detail"), "{\"kind\":\"service\",\"owner\":\"E99\","
	    "\"owner_state\":\"not_in_roster\",\"override_line\":2,"
	    "\"source_owner\":null}");
	assert_string_equal(fx_finding(w->st, "service_no_owner", "svc-report",
	    "detail"), "{\"kind\":\"service\",\"owner\":\"E2\","
	    "\"owner_state\":\"terminated\",\"override_line\":3,"
	    "\"source_owner\":null}");
	assert_string_equal(fx_finding(w->st, "service_no_owner", "svc-sep",
	    "detail"), "{\"kind\":\"shared\",\"owner\":\"E5\","
	    "\"owner_state\":\"terminated\",\"override_line\":4,"
	    "\"source_owner\":null}");
	/* the terminated owner's service account is no terminated_active */
	assert_int_equal(fx_findings(w->st, NULL, "svc-report"), 1);
	assert_int_equal(fx_findings(w->st, NULL, "svc-leave"), 0);
	assert_int_equal(fx_findings(w->st, NULL, "svc-today"), 0);
	assert_int_equal(fx_findings(w->st, NULL, NULL), 3);
}

/*
 * No roster: every account would be an orphan. reconcile_run() and
 * reconcile_ensure() (findings, offboard) refuse, and write nothing.
 */
static void
test_no_roster(void **state)
{
	struct world *w = *state;
	struct reconcile_result res;
	struct errbuf err = { "" };
	struct store *st = fx_open();
	int64_t app = fx_snapshot(st, "app", "csv");

	(void)w;
	fx_account(st, app, &(struct fx_account){ .source = "app",
	    .login = "e1@example.com", .email = "e1@example.com" });
	assert_int_equal(reconcile_run(st, NULL, AS_OF, &res, &err), -1);
	assert_string_equal(err.msg,
	    "no HR roster imported (rollcall import hr FILE)");
	err.msg[0] = '\0';
	assert_int_equal(reconcile_ensure(st, NULL, AS_OF, &res, &err), -1);
	assert_string_equal(err.msg,
	    "no HR roster imported (rollcall import hr FILE)");
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM reconciles"), 0);
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM findings"), 0);
	store_close(st);
}

static void
test_over_privileged(void **state)
{
	struct world *w = *state;
	int64_t mx = fx_snapshot(w->st, "matrix", "matrix");
	int64_t other = fx_snapshot(w->st, "other", "csv");
	int64_t a, b, e;
	char *list = NULL;
	int no_matrix = -1;
	struct errbuf err = { "" };

	fx_matrix(w->st, mx, 2, "Engineering", "*", NULL, "APP", "member", 0);
	fx_matrix(w->st, mx, 3, "*", "Staff*", NULL, "app", "admin", 1);
	a = acct(w, "e1@example.com", NULL, NULL);
	fx_grant_new(w->st, w->app, a, "app", "member", 0);
	fx_grant_new(w->st, w->app, a, "app", "Admin", 0);
	fx_grant_new(w->st, w->app, a, "app", "deploy", 0);
	e = fx_entitlement(w->st, w->app, "app", "root", 1);
	fx_grant(w->st, w->app, a, e, "root <- ops <- e1@example.com");
	b = fx_account(w->st, other, &(struct fx_account){ .source = "other",
	    .login = "e1", .email = "e1@example.com" });
	fx_grant_new(w->st, other, b, "other", "anything", 1);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, "over_privileged", NULL), 3);
	assert_string_equal(fx_finding(w->st, "over_privileged", NULL,
	    "group_concat(entitlement || ':' || severity)"),
	    "Admin:high,deploy:medium,root:high");
	assert_string_equal(fx_text(w->st, "SELECT detail FROM findings"
	    " WHERE entitlement = 'deploy'"), "{\"rule\":\"email\","
	    "\"person_id\":\"E1\",\"department\":\"Engineering\","
	    "\"title\":\"Engineer\",\"job_code\":\"J1\",\"matrix\":"
	    "\"no matrix row\",\"privileged\":false,\"grant\":"
	    "{\"direct\":true}}");
	assert_string_equal(fx_text(w->st, "SELECT json_extract(detail,"
	    " '$.grant.path') FROM findings WHERE entitlement = 'root'"),
	    "root <- ops <- e1@example.com");
	/* a source the matrix does not mention is not checked */
	assert_int_equal(fx_findings(w->st, NULL, "e1"), 0);
	assert_int_equal(reconcile_unchecked_sources(w->st, &list, &no_matrix,
	    &err), 0);
	assert_string_equal(list, "other");
	assert_int_equal(no_matrix, 0);
	free(list);
}

static void
test_over_privileged_absent(void **state)
{
	struct world *w = *state;
	int64_t mx = fx_snapshot(w->st, "matrix", "matrix");
	int64_t a;

	fx_matrix(w->st, mx, 2, "Eng*", "Engineer", "J1", "app", "dev-*", 0);
	a = acct(w, "e1@example.com", NULL, NULL);
	fx_grant_new(w->st, w->app, a, "app", "DEV-read", 0);
	fx_grant_new(w->st, w->app, a, "app", "dev-write", 0);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, NULL, NULL), 0);
}

static void
test_sod_conflict(void **state)
{
	struct world *w = *state;
	int64_t sod = fx_snapshot(w->st, "sod", "sod");
	int64_t erp = fx_snapshot(w->st, "erp", "csv");
	int64_t a, b, c, clerk;

	fx_sod(w->st, sod, 2, "erp", "Payables*", "app", "Approver",
	    "pay and approve");
	a = fx_account(w->st, erp, &(struct fx_account){ .source = "erp",
	    .login = "e1-erp", .employee_id = "E1" });
	clerk = fx_grant_new(w->st, erp, a, "erp", "Payables-Clerk", 0);
	fx_grant_new(w->st, erp, a, "erp", "Payables-Lead", 0);
	b = acct(w, "e1@example.com", NULL, NULL);
	fx_grant_new(w->st, w->app, b, "app", "approver", 0);
	/* E3 holds only the left side */
	c = fx_account(w->st, erp, &(struct fx_account){ .source = "erp",
	    .login = "e3-erp", .employee_id = "E3" });
	fx_grant(w->st, erp, c, clerk, NULL);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, "sod_conflict", NULL), 1);
	assert_int_equal(fx_findings(w->st, "sod_conflict", "e1@example.com"),
	    1);
	assert_string_equal(fx_finding(w->st, "sod_conflict", NULL,
	    "severity || ' ' || entitlement || ' ' || person_id"),
	    "high approver E1");
	assert_string_equal(fx_finding(w->st, "sod_conflict", NULL, "detail"),
	    "{\"person_id\":\"E1\",\"rule_line\":2,\"reason\":"
	    "\"pay and approve\",\"left\":{\"source\":\"erp\",\"entitlement\":"
	    "\"Payables-Clerk\",\"login\":\"e1-erp\"},\"right\":{\"source\":"
	    "\"app\",\"entitlement\":\"approver\",\"login\":"
	    "\"e1@example.com\"}}");
}

static struct config *
mfa_config(const char *policy)
{
	char ini[512];

	snprintf(ini, sizeof(ini), "[policy]\nmfa_required = %s\n"
	    "[source \"lax\"]\ntype = csv\nmfa_required = no\n"
	    "[source \"app\"]\ntype = csv\n", policy);
	return fx_config(ini);
}

static void
test_no_mfa(void **state)
{
	struct world *w = *state;
	int64_t lax = fx_snapshot(w->st, "lax", "csv");
	int64_t priv = fx_snapshot(w->st, "priv", "csv");
	struct config *cfg = mfa_config("yes");
	int64_t a;

	acct(w, "e1@example.com", "not_enrolled", NULL);
	acct(w, "e3@example.com", "unknown", NULL);
	fx_account(w->st, lax, &(struct fx_account){ .source = "lax",
	    .login = "e1-lax", .email = "e1@example.com",
	    .mfa = "not_enrolled" });
	a = fx_account(w->st, priv, &(struct fx_account){ .source = "priv",
	    .login = "e1-priv", .email = "e1@example.com",
	    .mfa = "not_enrolled" });
	fx_grant_new(w->st, priv, a, "priv", "wheel", 1);
	run(w->st, cfg, AS_OF);
	assert_string_equal(fx_finding(w->st, "no_mfa", "e1@example.com",
	    "severity || ' ' || detail"), "medium {\"rule\":\"email\","
	    "\"person_id\":\"E1\",\"mfa\":\"not_enrolled\",\"required_by\":"
	    "\"policy\",\"privileged_entitlements\":[]}");
	assert_string_equal(fx_finding(w->st, "no_mfa", "e1-priv",
	    "severity"), "high");
	assert_int_equal(fx_findings(w->st, "no_mfa", "e3@example.com"), 0);
	assert_int_equal(fx_findings(w->st, "no_mfa", "e1-lax"), 0);
	assert_int_equal(fx_findings(w->st, "no_mfa", NULL), 2);
	config_free(cfg);

	/* policy off: only a source that asks for MFA would still count */
	cfg = mfa_config("no");
	run(w->st, cfg, AS_OF);
	assert_int_equal(fx_findings(w->st, "no_mfa", NULL), 0);
	config_free(cfg);
}

static void
test_dormant(void **state)
{
	struct world *w = *state;
	struct config *cfg = fx_config("[policy]\ndormant_days = 90\n");

	acct(w, "e1@example.com", NULL, "2026-09-02");	/* exactly 90 */
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-b", .employee_id = "E1", .last_login = "2026-09-01" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-c", .employee_id = "E1", .last_login = "never",
	    .created = "2026-01-05T08:00:00Z" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-d", .employee_id = "E1", .last_login = "never" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-e", .employee_id = "E1",
	    .created = "2020-01-01" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-f", .employee_id = "E1",
	    .last_login = "2026-08-01T23:59:59Z" });
	run(w->st, cfg, AS_OF);
	assert_int_equal(fx_findings(w->st, "dormant", "e1@example.com"), 0);
	assert_string_equal(fx_finding(w->st, "dormant", "e1-b",
	    "severity || ' ' || detail"), "low {\"rule\":\"employee_id\","
	    "\"person_id\":\"E1\",\"basis\":\"last_login\",\"last_login\":"
	    "\"2026-09-01\",\"created\":null,\"days\":91,\"dormant_days\":90}");
	assert_string_equal(fx_finding(w->st, "dormant", "e1-c",
	    "json_extract(detail, '$.basis')"), "created");
	assert_int_equal(fx_findings(w->st, "dormant", "e1-d"), 0);
	assert_int_equal(fx_findings(w->st, "dormant", "e1-e"), 0);
	assert_int_equal(fx_findings(w->st, "dormant", "e1-f"), 1);
	assert_int_equal(fx_findings(w->st, "dormant", NULL), 3);
	config_free(cfg);
}

static void
test_duplicate(void **state)
{
	struct world *w = *state;

	acct(w, "e1@example.com", NULL, NULL);
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-admin", .employee_id = "E1" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-old", .employee_id = "E1", .inactive = 1 });
	acct(w, "e3@example.com", NULL, NULL);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, "duplicate", NULL), 2);
	assert_string_equal(fx_finding(w->st, "duplicate", "e1-admin",
	    "severity || ' ' || detail"), "low {\"rule\":\"employee_id\","
	    "\"person_id\":\"E1\",\"accounts\":2,\"logins\":"
	    "[\"e1@example.com\",\"e1-admin\"]}");
	assert_int_equal(fx_findings(w->st, "duplicate", "e1@example.com"), 1);
	assert_int_equal(fx_findings(w->st, NULL, "e3@example.com"), 0);
}

static void
test_leave_counts_as_active(void **state)
{
	struct world *w = *state;

	acct(w, "e3@example.com", "not_enrolled", NULL);
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, NULL, NULL), 1);
	assert_int_equal(fx_findings(w->st, "no_mfa", "e3@example.com"), 1);
}

static void
test_exceptions_expire(void **state)
{
	struct world *w = *state;
	int64_t mx = fx_snapshot(w->st, "matrix", "matrix");
	int64_t ex = fx_snapshot(w->st, "exceptions", "exceptions");
	struct reconcile_result res;
	int64_t a;

	fx_matrix(w->st, mx, 2, NULL, NULL, NULL, "app", "member", 0);
	fx_exception(w->st, ex, 2, "no_mfa", "APP", "E1@Example.com", NULL,
	    "hardware token on order", "E9", "2026-12-31");
	fx_exception(w->st, ex, 3, "over_privileged", "app", "e1@example.com",
	    "deploy", "release duty", "E9", "2026-12-01");
	a = acct(w, "e1@example.com", "not_enrolled", NULL);
	fx_grant_new(w->st, w->app, a, "app", "deploy", 0);
	fx_grant_new(w->st, w->app, a, "app", "billing", 0);

	res = run(w->st, NULL, AS_OF);
	assert_int_equal(res.suppressed, 2);
	assert_int_equal(res.findings, 1);
	assert_int_equal(fx_findings(w->st, "over_privileged", NULL), 1);
	assert_string_equal(fx_finding(w->st, "over_privileged", NULL,
	    "entitlement"), "billing");
	assert_int_equal(fx_suppressed(w->st, "no_mfa", "e1@example.com"), 1);
	assert_string_equal(fx_text(w->st, "SELECT suppressed_by FROM findings"
	    " WHERE reconcile_id = (SELECT MAX(id) FROM reconciles)"
	    " AND kind = 'no_mfa'"), "{\"line\":2,\"entitlement\":null,"
	    "\"reason\":\"hardware token on order\",\"approved_by\":\"E9\","
	    "\"expires\":\"2026-12-31\"}");

	/* the same data a day later: the deploy exception has expired */
	res = run(w->st, NULL, "2026-12-02");
	assert_int_equal(res.suppressed, 1);
	assert_int_equal(fx_findings(w->st, "over_privileged", NULL), 2);
	assert_string_equal(fx_text(w->st, "SELECT json_extract(detail,"
	    " '$.exception_expired.expires') FROM findings WHERE reconcile_id"
	    " = (SELECT MAX(id) FROM reconciles) AND entitlement = 'deploy'"),
	    "2026-12-01");
	/* and in the new year both show again */
	res = run(w->st, NULL, "2027-01-15");
	assert_int_equal(res.suppressed, 0);
	assert_int_equal(res.findings, 3);
	assert_int_equal(fx_findings(w->st, "no_mfa", "e1@example.com"), 1);
}

static void
test_inactive_accounts_get_nothing(void **state)
{
	struct world *w = *state;

	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "nobody", .inactive = 1, .mfa = "not_enrolled",
	    .last_login = "2019-01-01" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e1-off", .employee_id = "E1", .inactive = 1,
	    .mfa = "not_enrolled", .last_login = "2019-01-01" });
	fx_account(w->st, w->app, &(struct fx_account){ .source = "app",
	    .login = "e2-off", .employee_id = "E2", .inactive = 1 });
	run(w->st, NULL, AS_OF);
	assert_int_equal(fx_findings(w->st, NULL, NULL), 0);
	assert_int_equal(fx_long(w->st, "SELECT COUNT(*) FROM links"), 2);
}

static void
test_reconcile_current(void **state)
{
	struct world *w = *state;
	struct reconcile_result res;
	struct errbuf err = { "" };
	int64_t id;

	acct(w, "e1@example.com", NULL, NULL);
	assert_int_equal(reconcile_current(w->st, AS_OF, &err), 0);
	res = run(w->st, NULL, AS_OF);
	id = res.id;
	assert_true(id > 0);
	assert_int_equal(reconcile_current(w->st, AS_OF, &err), id);
	assert_int_equal(reconcile_current(w->st, "2026-12-02", &err), 0);
	assert_int_equal(reconcile_ensure(w->st, NULL, AS_OF, &res, &err), id);
	assert_int_equal(res.id, 0);	/* nothing run */
	/* a new snapshot makes it stale; links of the old one go */
	fx_snapshot(w->st, "other", "csv");
	assert_int_equal(reconcile_current(w->st, AS_OF, &err), 0);
	assert_int_equal(reconcile_ensure(w->st, NULL, AS_OF, &res, &err),
	    id + 1);
	assert_int_equal(fx_long(w->st, "SELECT COUNT(*) FROM links"
	    " WHERE reconcile_id <> (SELECT MAX(id) FROM reconciles)"), 0);
	assert_int_equal(fx_long(w->st, "SELECT COUNT(*) FROM links"), 1);
	assert_int_equal(fx_long(w->st, "SELECT max_snapshot FROM reconciles"
	    " WHERE id = (SELECT MAX(id) FROM reconciles)"),
	    fx_long(w->st, "SELECT MAX(id) FROM snapshots"));
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(finding_kind_parse("SOD_CONFLICT"), FK_SOD_CONFLICT);
	assert_int_equal(finding_kind_parse("nope"), -1);
	assert_string_equal(finding_kind_name(FK_SERVICE_NO_OWNER),
	    "service_no_owner");
	assert_int_equal(severity_parse("High"), SEV_HIGH);
	assert_int_equal(severity_parse("severe"), -1);
	assert_true(SEV_CRITICAL > SEV_HIGH && SEV_HIGH > SEV_MEDIUM &&
	    SEV_MEDIUM > SEV_LOW);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_terminated_active_alone),
		T(test_orphan_alone),
		T(test_service_accounts),
		T(test_service_owner_gone),
		T(test_no_roster),
		T(test_over_privileged),
		T(test_over_privileged_absent),
		T(test_sod_conflict),
		T(test_no_mfa),
		T(test_dormant),
		T(test_duplicate),
		T(test_leave_counts_as_active),
		T(test_exceptions_expire),
		T(test_inactive_accounts_get_nothing),
		T(test_reconcile_current),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
