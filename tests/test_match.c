/* test_match.c: matching accounts to people (core/match.c), case 17. */
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

static struct matcher *
people(const char *alias_domains)
{
	struct matcher *m = matcher_new(alias_domains, AS_OF);

	matcher_add_person(m, &(struct person){ .employee_id = "E1",
	    .email = "Ann.Lee@Example.com", .status_class = "active" });
	matcher_add_person(m, &(struct person){ .employee_id = "E2",
	    .email = "bo.chan@example.com", .status_class = "active" });
	matcher_add_person(m, &(struct person){ .employee_id = " E3 ",
	    .email = "cy@freemail.test", .status_class = "active" });
	return m;
}

/* The employee id the account links to, or "-"; *rule its rule. */
static const char *
who(struct matcher *m, const struct match_account *a, const char **rule)
{
	struct match_result r;
	const struct person *p;

	matcher_match(m, a, &r);
	*rule = match_rule_name(r.rule);
	p = matcher_person(m, r.person);
	return p ? p->employee_id : "-";
}

static void
test_employee_id_exact_after_trim(void **state)
{
	struct matcher *m = people(NULL);
	const char *rule;

	(void)state;
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .employee_id = "  E3\t" }, &rule), "E3");
	assert_string_equal(rule, "employee_id");
	/* exact: case matters for employee ids */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .employee_id = "e1" }, &rule), "-");
	assert_null(rule);
	matcher_free(m);
}

static void
test_email_case_insensitive_and_aliases(void **state)
{
	struct matcher *m = people(NULL);
	const char *rule;

	(void)state;
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = " ANN.LEE@EXAMPLE.COM " }, &rule), "E1");
	assert_string_equal(rule, "email");
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "nobody@example.com",
	    .aliases = "x@y.test; Bo.Chan@example.com" }, &rule), "E2");
	assert_string_equal(rule, "email");
	matcher_free(m);
}

static void
test_normalized_email(void **state)
{
	struct matcher *m = people("example.com, example.io");
	const char *rule;
	char *k;

	(void)state;
	/* +tag and alias domain */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "ann.lee+ci@EXAMPLE.IO" }, &rule), "E1");
	assert_string_equal(rule, "normalized_email");
	/* dots stay significant */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "annlee@example.com" }, &rule), "-");
	/* a non-corporate address is never normalized */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "cy+x@freemail.test" }, &rule), "-");
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "CY@FREEMAIL.TEST" }, &rule), "E3");
	assert_string_equal(rule, "email");

	k = matcher_normalize_email(m, " Dana.Reyes+Git@Example.IO ");
	assert_string_equal(k, "dana.reyes@example.com");
	free(k);
	k = matcher_normalize_email(m, "Dana+x@Other.ORG");
	assert_string_equal(k, "dana+x@other.org");
	free(k);
	matcher_free(m);
}

static void
test_normalized_needs_alias_domains(void **state)
{
	struct matcher *m = people(NULL);
	const char *rule;

	(void)state;
	/* no corporate domains configured: nothing is normalized */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "ann.lee+ci@example.com" }, &rule), "-");
	matcher_free(m);
}

static void
test_login_only_when_allowed(void **state)
{
	struct matcher *m = people(NULL);
	const char *rule;

	(void)state;
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .login = "BO.CHAN" }, &rule), "-");
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .login = "BO.CHAN", .match_login = 1 }, &rule), "E2");
	assert_string_equal(rule, "login");
	matcher_free(m);
}

static void
test_earlier_rule_wins(void **state)
{
	struct matcher *m = people("example.com");
	const char *rule;

	(void)state;
	matcher_add_override(m, "vpn", "Shared-Login", "E2", "human", NULL, 2);
	/* employee id beats e-mail */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .employee_id = "E2", .email = "ann.lee@example.com" }, &rule),
	    "E2");
	assert_string_equal(rule, "employee_id");
	/* override beats employee id (source and login case-insensitive) */
	assert_string_equal(who(m, &(struct match_account){ .source = "VPN",
	    .login = "shared-login", .employee_id = "E1" }, &rule), "E2");
	assert_string_equal(rule, "override");
	/* e-mail beats login */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .login = "bo.chan", .match_login = 1,
	    .email = "ann.lee@example.com" }, &rule), "E1");
	assert_string_equal(rule, "email");
	matcher_free(m);
}

static void
test_exact_email_beats_normalized(void **state)
{
	struct matcher *m = matcher_new("example.com", AS_OF);
	const char *rule;

	(void)state;
	matcher_add_person(m, &(struct person){ .employee_id = "E1",
	    .email = "ann@example.com", .status_class = "active" });
	matcher_add_person(m, &(struct person){ .employee_id = "E2",
	    .email = "ann+ops@example.com", .status_class = "active" });
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "ANN+OPS@example.com" }, &rule), "E2");
	assert_string_equal(rule, "email");
	/* normalized, both people fold to ann@: ambiguous, no link */
	assert_string_equal(who(m, &(struct match_account){ .source = "s",
	    .email = "ann+x@example.com" }, &rule), "-");
	matcher_free(m);
}

static void
test_ambiguous_address(void **state)
{
	struct matcher *m = people(NULL);
	struct match_result r;

	(void)state;
	matcher_add_person(m, &(struct person){ .employee_id = "E4",
	    .email = "bo.chan@example.com", .status_class = "active" });
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "bo.chan@example.com" }, &r);
	assert_int_equal(r.person, -1);
	assert_int_equal(r.ambiguous_rule, MATCH_EMAIL);
	assert_string_equal(matcher_person(m, r.ambiguous[0])->employee_id,
	    "E2");
	assert_string_equal(matcher_person(m, r.ambiguous[1])->employee_id,
	    "E4");
	/* an address and an alias of two different people */
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "ann.lee@example.com", .aliases = "cy@freemail.test" },
	    &r);
	assert_int_equal(r.person, -1);
	assert_int_equal(r.ambiguous_rule, MATCH_EMAIL);
	assert_string_equal(matcher_person(m, r.ambiguous[0])->employee_id,
	    "E1");
	assert_string_equal(matcher_person(m, r.ambiguous[1])->employee_id,
	    "E3");
	matcher_free(m);
}

static void
test_service_overrides(void **state)
{
	struct matcher *m = people(NULL);
	struct match_result r;

	(void)state;
	matcher_add_override(m, "ldap", "svc-backup", NULL, "service", "E2", 2);
	matcher_add_override(m, "ldap", "svc-orphan", NULL, "service", NULL, 3);
	matcher_add_override(m, "ldap", "gone", "E9", "human", NULL, 4);
	matcher_match(m, &(struct match_account){ .source = "ldap",
	    .login = "svc-backup", .email = "ann.lee@example.com" }, &r);
	assert_string_equal(r.kind, "service");
	assert_string_equal(r.owner, "E2");
	assert_int_equal(r.rule, MATCH_OVERRIDE);
	assert_string_equal(matcher_person(m, r.person)->employee_id, "E2");
	matcher_match(m, &(struct match_account){ .source = "ldap",
	    .login = "svc-orphan" }, &r);
	assert_string_equal(r.kind, "service");
	assert_null(r.owner);
	assert_int_equal(r.person, -1);
	assert_int_equal(r.override_line, 3);
	/* an override naming nobody: not guessed by a weaker rule */
	matcher_match(m, &(struct match_account){ .source = "ldap",
	    .login = "gone", .email = "ann.lee@example.com" }, &r);
	assert_int_equal(r.person, -1);
	assert_string_equal(r.missing_person, "E9");
	/* a service account the source marked is not matched by address */
	matcher_match(m, &(struct match_account){ .source = "ldap",
	    .login = "svc-x", .kind = "service",
	    .email = "ann.lee@example.com" }, &r);
	assert_int_equal(r.person, -1);
	assert_string_equal(r.kind, "service");
	matcher_free(m);
}

static void
test_external(void **state)
{
	struct matcher *m = people("example.com, example.io");
	struct match_result r;

	(void)state;
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "x@partner.example.org" }, &r);
	assert_true(r.external);
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "x@example.co" }, &r);
	assert_false(r.external);
	assert_string_equal(r.near_domain, "example.com");
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "x@EXAMPLE.IO" }, &r);
	assert_false(r.external);
	assert_null(r.near_domain);
	matcher_free(m);
	/* without alias_domains, the roster's own domains are corporate */
	m = people(NULL);
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "x@freemail.test" }, &r);
	assert_false(r.external);
	matcher_match(m, &(struct match_account){ .source = "s",
	    .email = "x@elsewhere.test" }, &r);
	assert_true(r.external);
	matcher_free(m);
}

static void
test_terminated_as_of(void **state)
{
	struct matcher *m = matcher_new(NULL, AS_OF);

	(void)state;
	matcher_add_person(m, &(struct person){ .employee_id = "T0",
	    .status_class = "terminated", .termination_date = AS_OF });
	matcher_add_person(m, &(struct person){ .employee_id = "T1",
	    .status_class = "active", .termination_date = "2026-11-30" });
	matcher_add_person(m, &(struct person){ .employee_id = "T2",
	    .status_class = "terminated" });
	matcher_add_person(m, &(struct person){ .employee_id = "T3",
	    .status_class = "leave" });
	assert_false(matcher_person(m, 0)->terminated);	/* dated today */
	assert_true(matcher_person(m, 1)->terminated);
	assert_true(matcher_person(m, 2)->terminated);
	assert_false(matcher_person(m, 3)->terminated);
	matcher_free(m);
}

/* ---- case 17, entire: tests/data/cases/17-identity-match-email-case-alias */

static const struct {
	const char *source, *id, *login, *aliases, *status;
	const char *want;		/* employee id, or NULL */
	const char *rule;
} case17[] = {
	{ "okta", "00u3ccccccccccccc001", "dana.reyes@example.com", NULL,
	    "ACTIVE", "E1701", "email" },
	{ "google", "117000000000000001701", "dreyes@example.com",
	    "dana.reyes@example.com;d.reyes@example.io", "active", "E1701",
	    "email" },
	{ "slack", "U0DEF00001", "DANA.REYES@EXAMPLE.IO", NULL, "active",
	    "E1701", "normalized_email" },
	{ "github-saml", "dana-r-gh", "dana.reyes+github@example.com", NULL,
	    "member", "E1701", "normalized_email" },
	{ "scim-app", "9a1f0000-0000-4000-8000-000000001701",
	    "Dana.Reyes@example.com ", NULL, "active", "E1701", "email" },
	{ "okta", "00u3ccccccccccccc002", "jo.ng@example.com", NULL, "ACTIVE",
	    "E1702", "email" },
	{ "okta", "00u3ccccccccccccc003", "jong@example.com", NULL, "ACTIVE",
	    "E1703", "email" },
	{ "slack", "U0DEF00004", "j.ong@example.com", NULL, "active", NULL,
	    NULL },
	{ "google", "117000000000000001799", "dana.reyes@example.co", NULL,
	    "active", NULL, NULL },
	{ "slack", "U0DEF00005", "dana.reyes@partner.example.org", NULL,
	    "active", NULL, NULL },
	{ "okta", "00u3ccccccccccccc004", "kemal.aydin@EXAMPLE.com", NULL,
	    "ACTIVE", "E1704", "email" },
	{ "slack", "U0DEF00006", "kemal.aydin+slack@example.io", NULL,
	    "active", "E1704", "normalized_email" },
};

static const char *const case17_sources[] = {
	"okta", "google", "slack", "github-saml", "scim-app",
};

static void
test_case17(void **state)
{
	struct store *st = fx_open();
	struct config *cfg = fx_config("[hr]\n"
	    "alias_domains = example.com, example.io\n");
	struct reconcile_result res;
	struct errbuf err = { "" };
	int64_t hr, snap[ARRAY_SIZE(case17_sources)], acct[ARRAY_SIZE(case17)];
	sqlite3_stmt *q;
	size_t i, j;

	(void)state;
	hr = fx_snapshot(st, "hr", "hr");
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1701",
	    .first_name = "Dana", .last_name = "Reyes",
	    .email = "Dana.Reyes@Example.COM" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1702",
	    .first_name = "Jo", .last_name = "Ng",
	    .email = "jo.ng@example.com" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1703",
	    .first_name = "Jon", .last_name = "Gale",
	    .email = "jong@example.com" });
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1704",
	    .first_name = "Kemal", .last_name = "Aydin",
	    .email = "kemal.aydin@example.com", .status = "Terminated",
	    .status_class = "terminated", .termination_date = "2026-11-02" });
	for (j = 0; j < ARRAY_SIZE(case17_sources); j++)
		snap[j] = fx_snapshot(st, case17_sources[j], "csv");
	for (i = 0; i < ARRAY_SIZE(case17); i++) {
		for (j = 0; strcmp(case17_sources[j], case17[i].source); j++)
			;
		acct[i] = fx_account(st, snap[j], &(struct fx_account){
		    .source = case17[i].source, .native_id = case17[i].id,
		    .login = case17[i].login, .email = case17[i].login,
		    .aliases = case17[i].aliases,
		    .status = case17[i].status });
	}
	assert_int_equal(reconcile_run(st, cfg, AS_OF, &res, &err), 0);
	assert_int_equal(res.accounts, 12);
	assert_int_equal(res.linked, 9);

	/* the match table, exactly */
	q = store_prepare(st, "SELECT person_id, rule FROM links"
	    " WHERE account_id = ?", &err);
	assert_non_null(q);
	for (i = 0; i < ARRAY_SIZE(case17); i++) {
		sqlite3_bind_int64(q, 1, acct[i]);
		if (case17[i].want == NULL) {
			assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		} else {
			assert_int_equal(sqlite3_step(q), SQLITE_ROW);
			assert_string_equal(store_col(q, 0), case17[i].want);
			assert_string_equal(store_col(q, 1), case17[i].rule);
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);

	/* findings: two terminated_active, three orphans, nothing else */
	assert_int_equal(res.findings, 5);
	assert_int_equal(fx_findings(st, NULL, NULL), 5);
	assert_int_equal(fx_findings(st, "terminated_active",
	    "kemal.aydin@EXAMPLE.com"), 1);
	assert_int_equal(fx_findings(st, "terminated_active",
	    "kemal.aydin+slack@example.io"), 1);
	assert_string_equal(fx_finding(st, "terminated_active",
	    "kemal.aydin+slack@example.io", "person_id"), "E1704");
	assert_int_equal(fx_findings(st, "orphan", "j.ong@example.com"), 1);
	assert_int_equal(fx_findings(st, "orphan", "dana.reyes@example.co"), 1);
	assert_int_equal(fx_findings(st, "orphan",
	    "dana.reyes@partner.example.org"), 1);
	assert_string_equal(fx_finding(st, "orphan", "j.ong@example.com",
	    "json_extract(detail, '$.external')"), "0");
	assert_string_equal(fx_finding(st, "orphan", "dana.reyes@example.co",
	    "json_extract(detail, '$.external')"), "0");
	assert_string_equal(fx_finding(st, "orphan",
	    "dana.reyes@partner.example.org",
	    "json_extract(detail, '$.external')"), "1");
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM links"
	    " WHERE person_id = 'E1701'"), 5);
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM findings"
	    " WHERE person_id IN ('E1701','E1702','E1703')"), 0);
	config_free(cfg);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_employee_id_exact_after_trim),
		cmocka_unit_test(test_email_case_insensitive_and_aliases),
		cmocka_unit_test(test_normalized_email),
		cmocka_unit_test(test_normalized_needs_alias_domains),
		cmocka_unit_test(test_login_only_when_allowed),
		cmocka_unit_test(test_earlier_rule_wins),
		cmocka_unit_test(test_exact_email_beats_normalized),
		cmocka_unit_test(test_ambiguous_address),
		cmocka_unit_test(test_service_overrides),
		cmocka_unit_test(test_external),
		cmocka_unit_test(test_terminated_as_of),
		cmocka_unit_test(test_case17),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
