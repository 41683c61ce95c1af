/*
 * test_signoff.c: core/signoff.c on a campaign built by hand: decisions
 * parsed in any case and space, CSV in its encodings, supersede with
 * history, an empty decision keeping the earlier one, refusals, and the
 * hash chain recomputed with chain_hash().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rollcall/buf.h"
#include "rollcall/chain.h"
#include "rollcall/signoff.h"
#include "rollcall/store.h"
#include "support/fixture.h"

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s", err.msg);
}

static int
setup(void **state)
{
	struct store *st = fx_open();

	exec(st, "INSERT INTO campaigns (id, name, opened_at, as_of, due)"
	    " VALUES (1, 'Q4', '2026-12-01T00:00:00Z', '2026-12-01',"
	    " '2026-12-15'), (2, 'Q3', '2026-09-01T00:00:00Z', '2026-09-01',"
	    " NULL);"
	    "INSERT INTO campaign_items (campaign_id, item_id, reviewer_id,"
	    " reviewer_name, source) VALUES"
	    " (1, 'RV-A1', 'E1', 'Ann', 's'), (1, 'RV-A2', 'E1', 'Ann', 's'),"
	    " (1, 'RV-A3', 'E1', 'Ann', 's'), (1, 'RV-B1', 'E2', 'Bob', 's'),"
	    " (2, 'RV-C1', 'E1', 'Ann', 's');");
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static int
import(struct store *st, const char *name, const char *text, time_t mtime,
    struct signoff_result *res, struct errbuf *err)
{
	struct signoff_options opt = { NULL, "2026-12-05T12:00:00Z", "tester" };

	return signoff_import_mem(st, name, text, strlen(text), mtime, &opt,
	    res, err);
}

static void
test_parse_decision(void **state)
{
	(void)state;
	assert_int_equal(signoff_parse_decision(" keep "), DECISION_KEEP);
	assert_int_equal(signoff_parse_decision("REVOKE"), DECISION_REVOKE);
	assert_int_equal(signoff_parse_decision("\xc2\xa0Revoke\xc2\xa0\t"),
	    DECISION_REVOKE);
	assert_int_equal(signoff_parse_decision("\xe2\x80\xafKeep"),
	    DECISION_KEEP);
	assert_int_equal(signoff_parse_decision(""), DECISION_EMPTY);
	assert_int_equal(signoff_parse_decision(" \xc2\xa0 "), DECISION_EMPTY);
	assert_int_equal(signoff_parse_decision(NULL), DECISION_EMPTY);
	assert_int_equal(signoff_parse_decision("Maybe"), DECISION_BAD);
	assert_int_equal(signoff_parse_decision("keeper"), DECISION_BAD);
	assert_int_equal(signoff_parse_decision("k eep"), DECISION_BAD);
}

static void
test_csv_reordered_semicolons(void **state)
{
	struct signoff_result res;
	struct errbuf err = { "" };

	assert_int_equal(import(*state, "ann.csv",
	    "\xef\xbb\xbf" "Decision;Comment;Item ID\r\n"
	    " keep ;fine;RV-A1\r\n"
	    "REVOKE;\"left; gone\";RV-A2\r\n"
	    "Maybe;;RV-A3\r\n", 1000, &res, &err), 0);
	assert_int_equal(res.decided, 2);
	assert_int_equal(res.revoke, 1);
	assert_int_equal(res.rejected, 1);
	assert_int_equal(res.nrejects, 1);
	assert_string_equal(res.rejects[0],
	    "ann.csv:4: decision 'Maybe' is not Keep or Revoke");
	assert_string_equal(res.campaign, "Q4");
	assert_string_equal(res.reviewer_id, "E1");
	assert_string_equal(res.file_time, "1970-01-01T00:16:40Z");
	assert_string_equal(fx_text(*state, "SELECT comment FROM decisions"
	    " WHERE item_id = 'RV-A2'"), "left; gone");
	assert_string_equal(fx_text(*state, "SELECT os_user || ' ' ||"
	    " imported_at FROM review_imports"), "tester 2026-12-05T12:00:00Z");
	signoff_result_release(&res);
}

static void
test_windows_1252_and_utf16(void **state)
{
	/* "item_id,decision,comment" / "RV-A1,Keep,d\xe9j\xe0" in UTF-16LE */
	static const char u16[] = "\xff\xfei\0t\0e\0m\0_\0i\0d\0,\0d\0e\0c\0"
	    "i\0s\0i\0o\0n\0\n\0R\0V\0-\0A\0""1\0,\0K\0e\0e\0p\0\n\0";
	struct signoff_options opt = { NULL, "2026-12-05T12:00:00Z", "t" };
	struct signoff_result res;
	struct errbuf err = { "" };

	assert_int_equal(signoff_import_mem(*state, "u16.csv", u16,
	    sizeof(u16) - 1, 1000, &opt, &res, &err), 0);
	assert_int_equal(res.decided, 1);
	signoff_result_release(&res);
	assert_int_equal(import(*state, "w.csv",
	    "item_id\tdecision\tcomment\nRV-A2\tRevoke\td\xe9j\xe0 parti\n",
	    2000, &res, &err), 0);
	assert_int_equal(res.decided, 1);
	assert_string_equal(fx_text(*state, "SELECT comment FROM decisions"
	    " WHERE item_id = 'RV-A2'"), "d\xc3\xa9j\xc3\xa0 parti");
	signoff_result_release(&res);
}

static void
test_supersede_and_chain(void **state)
{
	struct store *st = *state;
	struct signoff_result res;
	struct errbuf err = { "" };
	sqlite3_stmt *q;
	char prev[65], hash[65];
	long n = 0;

	assert_int_equal(import(st, "a.csv", "item_id,decision,comment\n"
	    "RV-A1,Revoke,x\nRV-A2,Keep,\n", 1000, &res, &err), 0);
	signoff_result_release(&res);
	/* newer: A1 empty (keeps Revoke), A2 now Revoke, A3 Keep */
	assert_int_equal(import(st, "b.csv", "item_id,decision,comment\n"
	    "RV-A1,,\nRV-A2,revoke,changed\nRV-A3,keep,\n", 2000, &res,
	    &err), 0);
	assert_int_equal(res.undecided, 1);
	assert_int_equal(res.decided, 2);
	signoff_result_release(&res);
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM decisions"), 4);
	assert_int_equal(fx_long(st, "SELECT SUM(current) FROM decisions"), 3);
	assert_string_equal(fx_text(st, "SELECT decision || comment FROM"
	    " decisions WHERE current = 1 AND item_id = 'RV-A1'"), "revokex");
	assert_string_equal(fx_text(st, "SELECT decision FROM decisions"
	    " WHERE current = 0"), "keep");
	assert_int_equal(fx_long(st, "SELECT superseded_by FROM"
	    " review_imports WHERE id = 1"), 2);

	/* older than b.csv: refused, nothing recorded */
	assert_int_equal(import(st, "old.csv", "item_id,decision\n"
	    "RV-A1,Keep\n", 1500, &res, &err), SIGNOFF_REFUSED);
	assert_non_null(strstr(err.msg, "old.csv: saved 1970-01-01T00:25:00Z,"
	    " before b.csv"));
	signoff_result_release(&res);
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM review_imports"), 2);

	/* the chain, recomputed */
	chain_genesis("Q4", prev);
	q = store_prepare(st, "SELECT d.item_id, d.decision, d.comment,"
	    " d.reviewer_id, d.decided_at, i.sha256, d.prev_hash, d.hash"
	    " FROM decisions d JOIN review_imports i ON i.id = d.import_id"
	    " WHERE d.campaign_id = 1 ORDER BY d.id", &err);
	assert_non_null(q);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct chain_link l = { "Q4", store_col(q, 0), store_col(q, 1),
		    store_col(q, 2), store_col(q, 3), store_col(q, 4),
		    store_col(q, 5) };

		assert_string_equal(store_col(q, 6), prev);
		chain_hash(prev, &l, hash);
		assert_string_equal(store_col(q, 7), hash);
		memcpy(prev, hash, sizeof(prev));
		n++;
	}
	sqlite3_finalize(q);
	assert_int_equal(n, 4);
}

static void
test_refusals(void **state)
{
	struct store *st = *state;
	struct signoff_result res;
	struct errbuf err = { "" };

	assert_int_equal(import(st, "mix.csv", "item_id,decision\n"
	    "RV-A1,Keep\nRV-B1,Keep\n", 1000, &res, &err), SIGNOFF_REFUSED);
	assert_string_equal(err.msg, "mix.csv: its item ids belong to"
	    " reviewers E1 and E2: one file is one reviewer's worksheet");
	signoff_result_release(&res);
	assert_int_equal(import(st, "claim.csv", "reviewer_id,item_id,"
	    "decision\nE2,RV-A1,Keep\n", 1000, &res, &err), SIGNOFF_REFUSED);
	assert_string_equal(err.msg, "claim.csv: the worksheet is reviewer"
	    " E2's (row 2) but its item ids are E1's");
	signoff_result_release(&res);
	assert_int_equal(import(st, "two.csv", "item_id,decision\n"
	    "RV-A1,Keep\nRV-C1,Keep\n", 1000, &res, &err), SIGNOFF_REFUSED);
	assert_non_null(strstr(err.msg, "campaigns 'Q4' and 'Q3'"));
	signoff_result_release(&res);
	exec(st, "UPDATE campaigns SET status = 'closed' WHERE id = 2");
	assert_int_equal(import(st, "q3.csv", "item_id,decision\n"
	    "RV-C1,Keep\n", 1000, &res, &err), SIGNOFF_REFUSED);
	assert_string_equal(err.msg, "q3.csv: campaign 'Q3' is closed: its"
	    " decisions can no longer change");
	signoff_result_release(&res);
	assert_int_equal(import(st, "nohead.csv", "a,b\n1,2\n", 1000, &res,
	    &err), SIGNOFF_REFUSED);
	signoff_result_release(&res);
	/* an unknown item and a repeated one are rows, not the file */
	assert_int_equal(import(st, "rows.csv", "item_id,decision\n"
	    "RV-A1,Keep\nRV-ZZ,Keep\nRV-A1,Revoke\n", 1000, &res, &err), 0);
	assert_int_equal(res.decided, 1);
	assert_int_equal(res.rejected, 2);
	assert_string_equal(res.rejects[0],
	    "rows.csv:3: item RV-ZZ is not in campaign Q4");
	assert_string_equal(res.rejects[1],
	    "rows.csv:4: item RV-A1 is already on row 2");
	signoff_result_release(&res);
	assert_int_equal(fx_long(st, "SELECT COUNT(*) FROM review_imports"), 1);
}

static void
test_big_csv(void **state)
{
	struct store *st = *state;
	struct buf b = BUF_INIT;
	struct signoff_options opt = { NULL, "2026-12-05T12:00:00Z", "t" };
	struct signoff_result res;
	struct errbuf err = { "" };
	int i;

	exec(st, "INSERT INTO campaign_items (campaign_id, item_id,"
	    " reviewer_id, reviewer_name, source) WITH RECURSIVE n(i) AS"
	    " (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)"
	    " SELECT 1, printf('RV-X%05d', i), 'E3', 'Cy', 's' FROM n");
	buf_adds(&b, "item_id,decision\r\n");
	for (i = 0; i < 20000; i++)
		buf_addf(&b, "RV-X%05d,%s\r\n", i, i % 4 ? "Keep" : "Revoke");
	assert_int_equal(signoff_import_mem(st, "big.csv", b.s, b.len, 1000,
	    &opt, &res, &err), 0);
	assert_int_equal(res.decided, 20000);
	assert_int_equal(res.revoke, 5000);
	signoff_result_release(&res);
	buf_release(&b);
}

static void
test_status(void **state)
{
	struct store *st = *state;
	struct signoff_status *s;
	struct signoff_result res;
	struct errbuf err = { "" };
	size_t n;

	assert_int_equal(import(st, "a.csv", "item_id,decision\n"
	    "RV-A1,Revoke\nRV-A2,Keep\n", 1000, &res, &err), 0);
	signoff_result_release(&res);
	assert_int_equal(signoff_status(st, 1, "2026-12-15", "2026-12-20", &s,
	    &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].reviewer_id, "E1");
	assert_int_equal(s[0].items, 3);
	assert_int_equal(s[0].decided, 2);
	assert_int_equal(s[0].pending, 1);
	assert_int_equal(s[0].revoke, 1);
	assert_int_equal(s[0].overdue, 1);
	assert_int_equal(s[1].pending, 1);
	assert_int_equal(s[1].overdue, 1);
	signoff_status_free(s, n);
	assert_int_equal(signoff_status(st, 1, "2026-12-15", "2026-12-15", &s,
	    &n, &err), 0);
	assert_int_equal(s[0].overdue, 0);
	signoff_status_free(s, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_decision),
		cmocka_unit_test_setup_teardown(test_csv_reordered_semicolons,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_windows_1252_and_utf16,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_supersede_and_chain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
