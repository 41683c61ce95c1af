/*
 * xlsx_read.h: read the cells of an XLSX workbook as any writer produces
 * it (Excel, LibreOffice, Google Sheets, openpyxl...), core/xlsx_read.c.
 *
 * The workbook is found through _rels/.rels, its sheets through
 * workbook.xml and its _rels (so sheet order and file names do not matter),
 * shared strings are loaded once (rich text runs joined, phonetic runs
 * left out), and a sheet is streamed row by row with libxml2's
 * xmlTextReader straight out of the ZIP: memory stays bounded by the
 * shared strings and one row, whatever the sheet's size. Every cell is
 * text: numbers as written, booleans TRUE/FALSE, a formula by its saved
 * value (<v>), an error as its code (#N/A). Missing rows and cells are
 * gaps, never errors.
 */
#ifndef ROLLCALL_XLSX_READ_H
#define ROLLCALL_XLSX_READ_H

#include <stddef.h>

#include "rollcall.h"

/* Column count and row count an XLSX sheet cannot exceed (Excel's limits). */
#define XLSX_MAX_COLS 16384
#define XLSX_MAX_ROWS 1048576

struct xlsx;
struct xlsx_sheet;

/* True when data starts like a ZIP archive (PK\3\4): an XLSX candidate. */
int	 xlsx_is_zip(const void *data, size_t len);

/*
 * Open a workbook from memory (data must outlive the handle); name is for
 * messages. NULL with err set ("name: not an XLSX workbook: ...").
 */
struct xlsx	*xlsx_open_mem(const void *data, size_t len, const char *name,
		    struct errbuf *);
void		 xlsx_close(struct xlsx *);		/* NULL is fine */

/* Sheets in workbook order; names are lent until xlsx_close(). */
size_t		 xlsx_nsheets(const struct xlsx *);
const char	*xlsx_sheet_name(const struct xlsx *, size_t i);

/*
 * When the file says it was last saved (docProps/core.xml
 * dcterms:modified) as UTC "YYYY-MM-DDTHH:MM:SSZ", or NULL when it does
 * not say. Lent until xlsx_close().
 */
const char	*xlsx_modified(const struct xlsx *);

/* Start streaming sheet i. NULL with err set. */
struct xlsx_sheet *xlsx_sheet_open(struct xlsx *, size_t i, struct errbuf *);
/*
 * The next row that has at least one cell: 1 with *row (1-based, as the
 * spreadsheet shows it) and cells[0..*ncells) (column A is 0; NULL for a
 * missing cell; lent until the next call); 0 at the end; -1 with err set.
 */
/*
 * A cell holding a formula but no saved value (openpyxl and other
 * generators write none; only a spreadsheet application computes it)
 * reads as this text, which no XML text can contain (U+0001).
 */
#define XLSX_FORMULA_UNSAVED "\001formula"

int	 xlsx_sheet_next(struct xlsx_sheet *, long *row, char ***cells,
	    size_t *ncells, struct errbuf *);
void	 xlsx_sheet_close(struct xlsx_sheet *);		/* NULL is fine */

/* "B12" -> column 1 (0-based) and row 12; -1 when not a reference. */
int	 xlsx_parse_ref(const char *ref, long *col, long *row);

#endif
