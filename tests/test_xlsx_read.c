/*
 * test_xlsx_read.c: core/xlsx_read.c on a workbook built here part by part
 * (prefixed elements, an absolute target, sheets out of order, rich text
 * with a phonetic run, inline strings, gaps, a formula's saved value,
 * booleans, an offset save time) and on LibreOffice Calc's own file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zip.h>

#include "rollcall/xlsx_read.h"

#define NS "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define PR "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RELS "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"

static const char *const parts[][2] = {
	{ "_rels/.rels", RELS "<Relationship Id=\"a\" Type=\"" PR
	    "/officeDocument\" Target=\"/wb/book.xml\"/></Relationships>" },
	{ "wb/book.xml", "<x:workbook " NS " " RNS "><x:sheets>"
	    "<x:sheet name=\"Extra\" sheetId=\"1\" r:id=\"s2\"/>"
	    "<x:sheet name=\"Mine\" sheetId=\"2\" r:id=\"s1\"/>"
	    "</x:sheets></x:workbook>" },
	{ "wb/_rels/book.xml.rels", RELS
	    "<Relationship Id=\"s1\" Type=\"" PR "/worksheet\""
	    " Target=\"sheets/one.xml\"/>"
	    "<Relationship Id=\"s2\" Type=\"" PR "/worksheet\""
	    " Target=\"/wb/sheets/two.xml\"/>"
	    "<Relationship Id=\"t\" Type=\"" PR "/sharedStrings\""
	    " Target=\"../wb/strs.xml\"/></Relationships>" },
	{ "wb/strs.xml", "<x:sst " NS "><x:si><x:t>item_id</x:t></x:si>"
	    "<x:si><x:r><x:t>Re</x:t></x:r><x:r><x:t xml:space=\"preserve\">"
	    "voke </x:t></x:r><x:rPh><x:t>ZZ</x:t></x:rPh></x:si><x:si/>"
	    "</x:sst>" },
	{ "wb/sheets/one.xml", "<x:worksheet " NS "><x:sheetData>"
	    "<x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c></x:row>"
	    "<x:row r=\"5\" spans=\"1:9\"><x:c r=\"A5\" s=\"3\"/>"
	    "<x:c r=\"B5\" t=\"inlineStr\"><x:is><x:r><x:t>R</x:t></x:r>"
	    "<x:r><x:t>V-1</x:t></x:r></x:is></x:c>"
	    "<x:c r=\"D5\" t=\"s\"><x:v>1</x:v></x:c>"
	    "<x:c t=\"b\"><x:v>0</x:v></x:c>"
	    "<x:c r=\"AA5\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>Keep</x:v>"
	    "</x:c></x:row><x:row/>"
	    "<x:row><x:c r=\"C6\"><x:v>1.5</x:v></x:c>"
	    "<x:c r=\"D6\" t=\"e\"><x:v>#N/A</x:v></x:c></x:row>"
	    "</x:sheetData></x:worksheet>" },
	{ "wb/sheets/two.xml", "<worksheet xmlns=\"http://schemas."
	    "openxmlformats.org/spreadsheetml/2006/main\"><sheetData/>"
	    "</worksheet>" },
	{ "docProps/core.xml", "<cp:coreProperties xmlns:cp=\"urn:x\""
	    " xmlns:dcterms=\"http://purl.org/dc/terms/\"><dcterms:modified>"
	    "2026-12-06T09:30:00.123+02:00</dcterms:modified>"
	    "</cp:coreProperties>" },
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return s;
}

static char *
build(size_t *len)
{
	char path[] = "/tmp/test_xlsx_read.XXXXXX";
	zip_t *z;
	size_t i;
	char *s;
	int fd = mkstemp(path), zerr;

	assert_true(fd >= 0);
	close(fd);
	z = zip_open(path, ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		zip_source_t *src = zip_source_buffer(z, parts[i][1],
		    strlen(parts[i][1]), 0);

		assert_true(zip_file_add(z, parts[i][0], src, 0) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	s = slurp(path, len);
	unlink(path);
	return s;
}

static void
test_parse_ref(void **state)
{
	long c, r;

	(void)state;
	assert_int_equal(xlsx_parse_ref("B12", &c, &r), 0);
	assert_int_equal(c, 1);
	assert_int_equal(r, 12);
	assert_int_equal(xlsx_parse_ref("$AA$3", &c, &r), 0);
	assert_int_equal(c, 26);
	assert_int_equal(xlsx_parse_ref("XFD1", &c, &r), 0);
	assert_int_equal(c, 16383);
	assert_int_equal(xlsx_parse_ref("XFE1", &c, &r), -1);
	assert_int_equal(xlsx_parse_ref("A0", &c, &r), -1);
	assert_int_equal(xlsx_parse_ref("12", &c, &r), -1);
}

static void
test_hand_built(void **state)
{
	struct errbuf err = { "" };
	struct xlsx_sheet *sh;
	struct xlsx *x;
	char **cells, *data;
	size_t len, n;
	long row;

	(void)state;
	data = build(&len);
	assert_true(xlsx_is_zip(data, len));
	x = xlsx_open_mem(data, len, "hand.xlsx", &err);
	assert_non_null(x);
	assert_int_equal(xlsx_nsheets(x), 2);
	assert_string_equal(xlsx_sheet_name(x, 0), "Extra");
	assert_string_equal(xlsx_sheet_name(x, 1), "Mine");
	assert_string_equal(xlsx_modified(x), "2026-12-06T07:30:00Z");

	sh = xlsx_sheet_open(x, 0, &err);
	assert_non_null(sh);
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 0);
	xlsx_sheet_close(sh);

	sh = xlsx_sheet_open(x, 1, &err);
	assert_non_null(sh);
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 1);
	assert_int_equal(row, 2);
	assert_int_equal(n, 2);
	assert_null(cells[0]);
	assert_string_equal(cells[1], "item_id");
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 1);
	assert_int_equal(row, 5);
	assert_int_equal(n, 27);
	assert_null(cells[0]);			/* styled, no value */
	assert_string_equal(cells[1], "RV-1");	/* inline rich runs */
	assert_null(cells[2]);
	assert_string_equal(cells[3], "Revoke ");	/* no phonetic run */
	assert_string_equal(cells[4], "FALSE");	/* no r: after D */
	assert_string_equal(cells[26], "Keep");	/* the formula's value */
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 1);
	assert_int_equal(row, 7);		/* <row/> was 6 */
	assert_string_equal(cells[2], "1.5");
	assert_string_equal(cells[3], "#N/A");
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 0);
	xlsx_sheet_close(sh);
	xlsx_close(x);
	free(data);
}

static void
test_not_xlsx(void **state)
{
	static const char junk[] = "PK\x03\x04 not really a zip";
	struct errbuf err = { "" };

	(void)state;
	assert_null(xlsx_open_mem(junk, sizeof(junk) - 1, "junk.xlsx", &err));
	assert_non_null(strstr(err.msg, "junk.xlsx: not an XLSX workbook"));
}

static void
test_libreoffice(void **state)
{
	struct errbuf err = { "" };
	struct xlsx_sheet *sh;
	struct xlsx *x;
	char **cells, *data;
	size_t len, n, i, item = 0, dec = 0;
	long row, rows = 0, revoke = 0;

	(void)state;
	data = slurp("tests/data/signoff/E1800-lea-libreoffice.xlsx", &len);
	x = xlsx_open_mem(data, len, "lo.xlsx", &err);
	assert_non_null(x);
	assert_int_equal(xlsx_nsheets(x), 1);
	assert_null(xlsx_modified(x));		/* LibreOffice left it out */
	sh = xlsx_sheet_open(x, 0, &err);
	assert_non_null(sh);
	assert_int_equal(xlsx_sheet_next(sh, &row, &cells, &n, &err), 1);
	for (i = 0; i < n; i++) {
		if (cells[i] && strcmp(cells[i], "item_id") == 0)
			item = i;
		if (cells[i] && strcmp(cells[i], "decision") == 0)
			dec = i;
	}
	assert_int_equal(item, 15);
	assert_int_equal(dec, 16);
	while (xlsx_sheet_next(sh, &row, &cells, &n, &err) == 1) {
		rows++;
		assert_int_equal(strncmp(cells[item], "RV-", 3), 0);
		revoke += n > dec && cells[dec] &&
		    strcasecmp(cells[dec], "revoke") == 0;
	}
	assert_int_equal(rows, 9);
	assert_int_equal(revoke, 4);
	xlsx_sheet_close(sh);
	xlsx_close(x);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ref),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_not_xlsx),
		cmocka_unit_test(test_libreoffice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
