/*
 * report.h: worksheet writers (reports/). Every format shows the same
 * columns, taken from the frozen campaign items (campaign.h) through
 * worksheet_cell(), so that CSV, XLSX and HTML never disagree.
 *
 * Adding a worksheet format:
 *  1. reports/worksheet_NAME.c defines `const struct worksheet_format
 *     worksheet_NAME` whose write() renders one reviewer's items (walk
 *     them with campaign_items_each(), cells with worksheet_cell());
 *  2. list it in formats[] in cmd/review.c (--format NAME);
 *  3. keep text cells safe: a value starting with = + - @ TAB or CR must
 *     never become a formula (CSV: csv_write_cell(); XLSX: string cells,
 *     never <f>; HTML: escape everything, no links from data);
 *  4. a test that opens case 18's worksheet in that format.
 */
#ifndef ROLLCALL_REPORT_H
#define ROLLCALL_REPORT_H

#include <stdio.h>

#include "rollcall.h"

struct store;
struct campaign;
struct campaign_item;
struct campaign_reviewer;

struct worksheet_format {
	const char *name;	/* the --format word */
	const char *ext;	/* file name extension, without the dot */
	/* Write (create or replace) path; 0, or -1 with err set. */
	int	(*write)(struct store *, const struct campaign *,
		    const struct campaign_reviewer *, const char *path,
		    struct errbuf *);
};

extern const struct worksheet_format worksheet_csv;
extern const struct worksheet_format worksheet_xlsx;
extern const struct worksheet_format worksheet_html;

enum cell_type {
	CELL_TEXT = 0,		/* from a source or HR: may be hostile */
	CELL_NUMBER,		/* computed by rollcall: digits only */
};

/* Worksheet columns, in order (decision and comment are left empty). */
extern const char *const worksheet_columns[];
extern const size_t worksheet_ncolumns;

/*
 * The text of column col for an item; never NULL ("" when empty). num is
 * scratch space for numbers; the result lives until the next call with the
 * same num or the end of the item's callback. *type says how to write it.
 */
const char *worksheet_cell(const struct campaign_item *, size_t col,
	    char num[32], enum cell_type *type);

/*
 * "E1800-lea-marchetti.EXT": the reviewer id and a slug of the name in
 * lower-case ASCII (accents folded, anything else a '-'), so that every
 * file system and mail attachment takes it. Caller frees.
 */
char	*worksheet_file_name(const struct campaign_reviewer *, const char *ext);

/*
 * Create dir and its parents (0700: worksheets hold identity data). An
 * existing dir that others may write to is refused: someone could swap a
 * worksheet in it.
 */
int	 report_mkdir(const char *dir, struct errbuf *);
/* Create or replace path (0600, no symlink followed). */
FILE	*report_create(const char *path, struct errbuf *);

struct index_row {
	const struct campaign_reviewer *reviewer;
	const char *file;	/* name in the folder, not a path */
};

/*
 * index.csv: one row per worksheet file: reviewer_id, reviewer_name,
 * reviewer_email, file, items, revoke_recommended.
 */
int	 worksheet_index_csv(const char *path, const struct index_row *,
	    size_t n, struct errbuf *);

#endif
