/*
 * test_worksheet_xlsx.c: the XLSX worksheet (reports/worksheet_xlsx.c),
 * read back from the file's XML (unzip -p): case 18's hostile names are
 * string cells holding the original text and no <f> exists anywhere, day
 * counts are number cells, the header is the shared column list, rows in
 * campaign order, the sheet frozen, filtered, protected without a
 * password, a Keep / Revoke drop-down on the decision column.
 * tests/it_worksheets.sh reads the same kind of file with openpyxl.
 */
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

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/report.h"
#include "data/worksheets/dataset.h"

struct fx {
	struct store	*st;
	struct config	*cfg;
	char		 dir[64];
	char		*sheet;		/* xl/worksheets/sheet1.xml */
	char		**ss;		/* shared strings, unescaped */
	size_t		 nss;
};

/* The member of zip file path, or NULL when there is none. */
static char *
unzip_member(const char *path, const char *member)
{
	struct buf b = BUF_INIT;
	char *cmd, chunk[4096];
	size_t n;
	FILE *p;

	/* mkdtemp's name and our own member names: no quoting needed */
	cmd = xasprintf("unzip -p '%s' '%s' 2>/dev/null", path, member);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&b, chunk, n);
	pclose(p);
	free(cmd);
	if (b.len == 0)
		return NULL;
	return buf_detach(&b);
}

/* XML text to the value: entities, and _xHHHH_ for control characters. */
static char *
unxml(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	const char *end = s + len;
	unsigned v;

	while (s < end) {
		if (strncmp(s, "&amp;", 5) == 0)
			buf_addc(&b, '&'), s += 5;
		else if (strncmp(s, "&lt;", 4) == 0)
			buf_addc(&b, '<'), s += 4;
		else if (strncmp(s, "&gt;", 4) == 0)
			buf_addc(&b, '>'), s += 4;
		else if (strncmp(s, "&quot;", 6) == 0)
			buf_addc(&b, '"'), s += 6;
		else if (strncmp(s, "&apos;", 6) == 0)
			buf_addc(&b, '\''), s += 6;
		else if (strncmp(s, "_x", 2) == 0 && end - s >= 7 &&
		    s[6] == '_' && sscanf(s + 2, "%4x", &v) == 1 && v < 0x20)
			buf_addc(&b, (int)v), s += 7;
		else
			buf_addc(&b, *s++);
	}
	return buf_detach(&b);
}

static void
load_xlsx(struct fx *fx, const char *path)
{
	char *sst, *p, *t, *e;

	fx->sheet = unzip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(fx->sheet);
	sst = unzip_member(path, "xl/sharedStrings.xml");
	assert_non_null(sst);
	for (p = sst; (p = strstr(p, "<si>")) != NULL; p = e) {
		t = strstr(p, "<t");
		t = strchr(t, '>') + 1;
		e = strstr(t, "</t>");
		assert_non_null(e);
		fx->ss = realloc(fx->ss, (fx->nss + 1) * sizeof(*fx->ss));
		assert_non_null(fx->ss);
		fx->ss[fx->nss++] = unxml(t, (size_t)(e - t));
	}
	free(sst);
}

/* "A", "B", ... "Z", "AA": the letters of column col. */
static void
col_name(size_t col, char out[4])
{
	if (col < 26) {
		out[0] = (char)('A' + col);
		out[1] = '\0';
	} else {
		out[0] = (char)('A' + col / 26 - 1);
		out[1] = (char)('A' + col % 26);
		out[2] = '\0';
	}
}

static size_t
col_index(const char *name)
{
	size_t i;

	for (i = 0; i < worksheet_ncolumns; i++)
		if (strcmp(worksheet_columns[i], name) == 0)
			return i;
	fail_msg("no column '%s'", name);
	return 0;
}

/*
 * The cell at (row, column name): its type into *t ('s' shared string,
 * 'n' number, 'b' blank, '-' absent) and its value (a copy in a static
 * buffer: the string for 's', the <v> text for 'n', "" otherwise).
 */
static const char *
cell_at(struct fx *fx, int row, const char *name, char *t)
{
	static char val[512];
	char ref[24], letters[4], *c, *end, *v, *tag;
	size_t idx;

	col_name(col_index(name), letters);
	snprintf(ref, sizeof(ref), "<c r=\"%s%d\"", letters, row);
	val[0] = '\0';
	if ((c = strstr(fx->sheet, ref)) == NULL) {
		*t = '-';
		return val;
	}
	end = strchr(c, '>');
	if (end[-1] == '/') {		/* <c r=".." s=".."/> */
		*t = 'b';
		return val;
	}
	tag = xstrndup(c, (size_t)(end - c));
	*t = strstr(tag, " t=\"s\"") ? 's' : 'n';
	free(tag);
	v = strstr(c, "<v>");
	assert_non_null(v);
	v += 3;
	idx = strcspn(v, "<");
	if (*t == 'n') {
		snprintf(val, sizeof(val), "%.*s", (int)idx, v);
		return val;
	}
	idx = strtoul(v, NULL, 10);
	assert_true(idx < fx->nss);
	snprintf(val, sizeof(val), "%s", fx->ss[idx]);
	return val;
}

static void
assert_text(struct fx *fx, int row, const char *col, const char *want)
{
	char t;
	const char *got = cell_at(fx, row, col, &t);

	if (t != 's' || strcmp(got, want) != 0)
		fail_msg("row %d %s: want text '%s', got %c '%s'", row, col,
		    want, t, got);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->st = fx_open();
	dataset_load(fx->st, &fx->cfg);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollcall-xlsx-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);
	size_t i;

	assert_int_equal(system(cmd), 0);
	free(cmd);
	for (i = 0; i < fx->nss; i++)
		free(fx->ss[i]);
	free(fx->ss);
	free(fx->sheet);
	config_free(fx->cfg);
	store_close(fx->st);
	free(fx);
	return 0;
}

/* Write E1800's workbook into fx->dir and read its XML back. */
static char *
write_lea(struct fx *fx)
{
	struct campaign_reviewer rv = { "E1800", "Lea Marchetti", NULL,
	    NITEMS, 9 };
	struct errbuf err = { "" };
	struct campaign c;
	char *path = xasprintf("%s/lea.xlsx", fx->dir);

	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	if (worksheet_xlsx.write(fx->st, &c, &rv, path, &err) < 0)
		fail_msg("write: %s", err.msg);
	campaign_release(&c);
	load_xlsx(fx, path);
	return path;
}

static void
test_case18_string_cells(void **state)
{
	struct fx *fx = *state;
	char *path = write_lea(fx), *sst, t;
	size_t i;
	int row;

	/* no formula anywhere: not <f>, not <f t=...> */
	assert_null(strstr(fx->sheet, "<f>"));
	assert_null(strstr(fx->sheet, "<f "));
	for (i = 0; i < ARRAY_SIZE(leavers); i++) {
		row = 3 + (int)i;	/* 1 header, 2 the orphan */
		assert_text(fx, row, "login", leavers[i].email);
		assert_text(fx, row, "person", leavers[i].name);
		assert_text(fx, row, "title", leavers[i].title);
		assert_text(fx, row, "account_name", leavers[i].okta_name);
		assert_text(fx, row, "findings", "terminated_active");
		assert_text(fx, row, "recommendation", "revoke");
		/* 2026-11-16 to 2026-12-03: a number cell, not text */
		assert_string_equal(cell_at(fx, row, "days_since_termination",
		    &t), "17");
		assert_int_equal(t, 'n');
	}
	/* CR as Excel escapes it in XML (the value read back is the CR) */
	sst = unzip_member(path, "xl/sharedStrings.xml");
	assert_non_null(sst);
	assert_non_null(strstr(sst, "<t>_x000D_Finance</t>"));
	free(sst);
	/* no day count for people still employed: a blank cell */
	cell_at(fx, 12, "days_since_termination", &t);
	assert_int_equal(t, 'b');
	free(path);
}

static void
test_header_order_and_ids(void **state)
{
	struct fx *fx = *state;
	char *path = write_lea(fx), id[ITEM_ID_SIZE], t;
	size_t i;

	for (i = 0; i < worksheet_ncolumns; i++)
		assert_text(fx, 1, worksheet_columns[i], worksheet_columns[i]);
	/* orphans and leavers first, then people by name */
	assert_text(fx, 2, "login", "ghost@example.com");
	assert_text(fx, 2, "findings", "orphan");
	assert_text(fx, 11, "login", "lea.marchetti@example.com");
	assert_text(fx, 12, "entitlement", "Everyone");
	assert_text(fx, 12, "person", "Zoë Ångström");
	assert_text(fx, 12, "department", "R&D <Labs>");
	assert_text(fx, 13, "entitlement", "okta-admins");
	assert_text(fx, 13, "privileged", "yes");
	/* a byte that is not UTF-8 becomes U+FFFD, the XML stays valid */
	assert_text(fx, 13, "account_name", "Zoë\xEF\xBF\xBD" "A");
	/* every item id in its own column, as campaign_item_id() makes it */
	campaign_item_id("Q4-2026", "okta", "zoe.angstrom@example.com",
	    "okta-admins", id);
	assert_text(fx, 13, "item_id", id);
	campaign_item_id("Q4-2026", "okta", "ghost@example.com", NULL, id);
	assert_text(fx, 2, "item_id", id);
	/* decision and comment start empty; nothing after item 12 */
	cell_at(fx, 2, "decision", &t);
	assert_int_equal(t, 'b');
	cell_at(fx, 13, "comment", &t);
	assert_int_equal(t, 'b');
	cell_at(fx, 14, "item_id", &t);
	assert_int_equal(t, '-');
	free(path);
}

static void
test_sheet_settings(void **state)
{
	struct fx *fx = *state;
	char *path = write_lea(fx), *want, dec[4], last[4], top[4], *prot;
	struct stat sb;
	mode_t mask;

	col_name(col_index("decision"), dec);
	col_name(worksheet_ncolumns - 1, last);
	/* header frozen, and the columns up to the person */
	col_name(col_index("person") + 1, top);
	want = xasprintf("<pane xSplit=\"%zu\" ySplit=\"1\" topLeftCell=\"%s2\""
	    " activePane=\"bottomRight\" state=\"frozen\"/>",
	    col_index("person") + 1, top);
	assert_non_null(strstr(fx->sheet, want));
	free(want);
	/* the filter covers the header and the 12 items */
	want = xasprintf("<autoFilter ref=\"A1:%s13\"/>", last);
	assert_non_null(strstr(fx->sheet, want));
	free(want);
	/* Keep / Revoke on every item's decision cell, nowhere else */
	want = xasprintf("sqref=\"%s2:%s13\"><formula1>\"Keep,Revoke\""
	    "</formula1>", dec, dec);
	assert_non_null(strstr(fx->sheet, want));
	assert_non_null(strstr(fx->sheet, "<dataValidation type=\"list\""));
	free(want);
	/* protected, with no password: filtering and sorting still work */
	prot = strstr(fx->sheet, "<sheetProtection ");
	assert_non_null(prot);
	*strchr(prot, '>') = '\0';
	assert_string_equal(prot, "<sheetProtection sheet=\"1\" objects=\"1\""
	    " scenarios=\"1\" formatColumns=\"0\" formatRows=\"0\" sort=\"0\""
	    " autoFilter=\"0\"/");
	/* names and logins: owner only, whatever the umask (022 here) */
	assert_int_equal(stat(path, &sb), 0);
	mask = umask(022);
	umask(mask);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(path);
}

static void
test_sign_off_block(void **state)
{
	struct fx *fx = *state;
	char *path = write_lea(fx), *cmd;
	size_t i, found = 0;
	static const char *const want[] = {
		"Reviewed by", "Date", "Signature", "Sign-off",
	};

	for (i = 0; i < fx->nss; i++) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(want); k++)
			found += strcmp(fx->ss[i], want[k]) == 0;
	}
	assert_int_equal(found, ARRAY_SIZE(want));
	/* the three sign-off cells are merged, under the table */
	assert_non_null(strstr(fx->sheet, "<mergeCell ref=\"B22:D22\"/>"));
	assert_non_null(strstr(fx->sheet, "<mergeCell ref=\"B24:D24\"/>"));
	/* nothing but the workbook in the folder */
	cmd = xasprintf("[ $(ls '%s' | wc -l) -eq 1 ]", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
}

static void
test_symlink_replaced_not_followed(void **state)
{
	struct fx *fx = *state;
	struct campaign_reviewer rv = { "E1800", "Lea", NULL, NITEMS, 9 };
	struct errbuf err = { "" };
	struct campaign c;
	char *path = xasprintf("%s/lea.xlsx", fx->dir);
	char *target = xasprintf("%s/target", fx->dir);
	struct stat sb;
	FILE *fp;

	fp = fopen(target, "w");
	assert_non_null(fp);
	fputs("keep me", fp);
	fclose(fp);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	assert_int_equal(worksheet_xlsx.write(fx->st, &c, &rv, path, &err),
	    0);
	campaign_release(&c);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_size, 7);
	free(path);
	free(target);
}

static void
test_unwritable_folder(void **state)
{
	struct fx *fx = *state;
	struct campaign_reviewer rv = { "E1800", "Lea", NULL, NITEMS, 9 };
	struct errbuf err = { "" };
	struct campaign c;
	char *path = xasprintf("%s/no/such/lea.xlsx", fx->dir);

	assert_int_equal(campaign_find(fx->st, "Q4-2026", &c, &err), 1);
	assert_int_equal(worksheet_xlsx.write(fx->st, &c, &rv, path, &err),
	    -1);
	assert_non_null(strstr(err.msg, "cannot create '"));
	assert_non_null(strstr(err.msg, "No such file or directory"));
	campaign_release(&c);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case18_string_cells,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_order_and_ids,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sheet_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sign_off_block, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_symlink_replaced_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_folder, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
