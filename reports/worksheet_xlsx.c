/*
 * worksheet_xlsx.c: the XLSX review worksheet (libxlsxwriter), one
 * workbook per reviewer, one sheet "Review":
 *
 *  - row 1 the header (the shared column names, so that `review import`
 *    finds its columns by name), frozen, with an autofilter;
 *  - one row per item, in campaign_items_each() order (leavers and orphans
 *    first); rows with a finding filled red, privileged grants amber;
 *  - decision (a Keep / Revoke drop-down) and comment are the only
 *    unlocked cells of a protected sheet; protection has no password, so
 *    nothing is hidden from an auditor, it only keeps slips out;
 *  - under the table: what to do, the legend, and a sign-off block
 *    (Reviewed by, Date, Signature), unlocked.
 *
 * Every text cell is a string cell (worksheet_write_string), never a
 * formula and never a guess by the library: a name like =HYPERLINK(...)
 * stays that text (case 18). Our own numbers are number cells.
 *
 * Columns are found by name in worksheet_columns[], never by position, so
 * a column added there shows up here without a change.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/report.h"

#define NO_COL SIZE_MAX
#define WIDTH_MAX 30.0		/* characters; longer text is cut off */
#define COMMENT_WIDTH 36.0
/* Excel's limit on a cell's text, in characters. */
#define CELL_CHARS_MAX 32767

#define RGB_HEADER	0x1F3864
#define RGB_FINDING	0xF8D7DA
#define RGB_PRIVILEGED	0xFFE8B3
#define RGB_INPUT	0xE6F0FB
#define RGB_BORDER	0xBFBFBF

enum highlight { HL_NONE, HL_FINDING, HL_PRIVILEGED, HL_N };

struct xlsx {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*text[HL_N], *number[HL_N];
	lxw_format	*head, *input, *input_wrap, *bold, *note, *label;
	lxw_format	*sign;
	size_t		 col_person, col_findings, col_privileged;
	size_t		 col_decision, col_comment;
	double		*width;		/* per column, in characters */
	lxw_row_t	 row;		/* the next one to write */
	struct buf	 clean;		/* a cleaned cell */
	lxw_error	 lerr;		/* the first libxlsxwriter error */
};

static size_t
col_of(const char *name)
{
	size_t i;

	for (i = 0; i < worksheet_ncolumns; i++)
		if (strcmp(worksheet_columns[i], name) == 0)
			return i;
	return NO_COL;
}

/* Characters in UTF-8 s (what a column width counts). */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * s as a cell may hold it: bytes that are not UTF-8 become U+FFFD (the
 * XML would be refused whole otherwise), cut at Excel's 32,767 characters.
 * The result lives in x->clean until the next call.
 */
static const char *
cell_text(struct xlsx *x, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, chars = 0;

	buf_reset(&x->clean);
	while (*p && chars < CELL_CHARS_MAX) {
		if ((n = utf8_seq(p)) == 0) {
			buf_adds(&x->clean, "\xEF\xBF\xBD");
			p++;
		} else {
			buf_add(&x->clean, p, n);
			p += n;
		}
		chars++;
	}
	return buf_str(&x->clean);
}

static void
note_err(struct xlsx *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->lerr == LXW_NO_ERROR)
		x->lerr = e;
}

static void
fit(struct xlsx *x, size_t col, const char *s)
{
	double w = (double)utf8_chars(s) + 1;

	if (w > x->width[col])
		x->width[col] = w > WIDTH_MAX ? WIDTH_MAX : w;
}

static lxw_format *
new_format(lxw_workbook *wb, lxw_color_t fill)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_border(f, LXW_BORDER_THIN);
	format_set_border_color(f, RGB_BORDER);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	if (fill != LXW_COLOR_UNSET) {
		format_set_pattern(f, LXW_PATTERN_SOLID);
		format_set_bg_color(f, fill);
	}
	return f;
}

static void
add_formats(struct xlsx *x)
{
	static const lxw_color_t fill[HL_N] = {
		LXW_COLOR_UNSET, RGB_FINDING, RGB_PRIVILEGED,
	};
	lxw_workbook *wb = x->wb;
	int i;

	for (i = 0; i < HL_N; i++) {
		x->text[i] = new_format(wb, fill[i]);
		x->number[i] = new_format(wb, fill[i]);
		format_set_num_format(x->number[i], "0");
	}
	x->head = new_format(wb, RGB_HEADER);
	format_set_bold(x->head);
	format_set_font_color(x->head, LXW_COLOR_WHITE);
	x->input = new_format(wb, RGB_INPUT);
	format_set_unlocked(x->input);
	x->input_wrap = new_format(wb, RGB_INPUT);
	format_set_unlocked(x->input_wrap);
	format_set_text_wrap(x->input_wrap);
	x->bold = workbook_add_format(wb);
	format_set_bold(x->bold);
	format_set_font_size(x->bold, 12);
	x->note = workbook_add_format(wb);
	format_set_italic(x->note);
	x->label = workbook_add_format(wb);
	format_set_bold(x->label);
	format_set_align(x->label, LXW_ALIGN_RIGHT);
	x->sign = workbook_add_format(wb);
	format_set_unlocked(x->sign);
	format_set_bottom(x->sign, LXW_BORDER_THIN);
	format_set_pattern(x->sign, LXW_PATTERN_SOLID);
	format_set_bg_color(x->sign, RGB_INPUT);
}

static void
write_header(struct xlsx *x)
{
	size_t i;

	for (i = 0; i < worksheet_ncolumns; i++) {
		note_err(x, worksheet_write_string(x->ws, 0, (lxw_col_t)i,
		    worksheet_columns[i], x->head));
		/* room for the filter button next to the name */
		x->width[i] = (double)strlen(worksheet_columns[i]) + 3;
	}
	x->row = 1;
}

static enum highlight
row_highlight(const struct xlsx *x, const struct campaign_item *it)
{
	enum cell_type type;
	char num[32];

	if (x->col_findings != NO_COL &&
	    *worksheet_cell(it, x->col_findings, num, &type) != '\0')
		return HL_FINDING;
	if (x->col_privileged != NO_COL &&
	    strcmp(worksheet_cell(it, x->col_privileged, num, &type),
	    "yes") == 0)
		return HL_PRIVILEGED;
	return HL_NONE;
}

static int
xlsx_item_row(const struct campaign_item *it, void *arg, struct errbuf *err)
{
	struct xlsx *x = arg;
	enum highlight hl = row_highlight(x, it);
	enum cell_type type;
	lxw_col_t c;
	char num[32];
	const char *v;
	size_t i;

	for (i = 0; i < worksheet_ncolumns; i++) {
		c = (lxw_col_t)i;
		v = worksheet_cell(it, i, num, &type);
		if (i == x->col_decision || i == x->col_comment) {
			note_err(x, worksheet_write_blank(x->ws, x->row, c,
			    i == x->col_comment ? x->input_wrap : x->input));
			continue;
		}
		if (type == CELL_NUMBER && *v != '\0') {
			note_err(x, worksheet_write_number(x->ws, x->row, c,
			    strtod(v, NULL), x->number[hl]));
			fit(x, i, v);
			continue;
		}
		v = cell_text(x, v);
		/* a blank, not "": filtering on (Blanks) then finds it */
		if (*v == '\0')
			note_err(x, worksheet_write_blank(x->ws, x->row, c,
			    x->text[hl]));
		else
			note_err(x, worksheet_write_string(x->ws, x->row, c,
			    v, x->text[hl]));
		fit(x, i, v);
	}
	if (x->lerr != LXW_NO_ERROR) {
		err_set(err, "cannot write row %lu: %s",
		    (unsigned long)x->row + 1, lxw_strerror(x->lerr));
		return -1;
	}
	x->row++;
	return 0;
}

static void
decision_dropdown(struct xlsx *x)
{
	static char *choices[] = { "Keep", "Revoke", NULL };
	lxw_data_validation dv;

	if (x->col_decision == NO_COL || x->row < 2)
		return;
	memset(&dv, 0, sizeof(dv));
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	dv.value_list = choices;
	dv.ignore_blank = LXW_VALIDATION_ON;
	dv.dropdown = LXW_VALIDATION_ON;
	dv.show_input = LXW_VALIDATION_ON;
	dv.input_title = "Decision";
	dv.input_message = "Keep: the access stays. Revoke: IT removes it.";
	dv.show_error = LXW_VALIDATION_ON;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	dv.error_title = "Keep or Revoke";
	dv.error_message = "Choose Keep or Revoke from the list.";
	note_err(x, worksheet_data_validation_range(x->ws, 1,
	    (lxw_col_t)x->col_decision, x->row - 1,
	    (lxw_col_t)x->col_decision, &dv));
}

/* Under the table: what to do, the legend, the sign-off block. */
static void
write_footer(struct xlsx *x, const struct campaign *c,
    const struct campaign_reviewer *r)
{
	static const char *const sign[] = {
		"Reviewed by", "Date", "Signature",
	};
	lxw_worksheet *ws = x->ws;
	lxw_row_t row = x->row + 1;
	char *s;
	size_t i;

	s = xasprintf("Campaign %s, as of %s%s%s. Reviewer: %s (%s).",
	    c->name, c->as_of, c->due ? ", due " : "", c->due ? c->due : "",
	    cell_text(x, r->name ? r->name : r->id), r->id);
	note_err(x, worksheet_write_string(ws, row++, 0, cell_text(x, s),
	    x->bold));
	free(s);
	note_err(x, worksheet_write_string(ws, row++, 0, "For every line,"
	    " choose Keep or Revoke in the decision column and add a comment"
	    " where it helps; then fill in the sign-off below, save the file"
	    " and send it back. Only the blue cells can be edited.", x->note));
	row++;
	note_err(x, worksheet_merge_range(ws, row, 0, row, 2,
	    "Red: this access has a finding (see the findings column)",
	    x->text[HL_FINDING]));
	row++;
	note_err(x, worksheet_merge_range(ws, row, 0, row, 2,
	    "Amber: a privileged entitlement",
	    x->text[HL_PRIVILEGED]));
	row += 2;
	note_err(x, worksheet_write_string(ws, row++, 0, "Sign-off",
	    x->bold));
	for (i = 0; i < ARRAY_SIZE(sign); i++, row++) {
		note_err(x, worksheet_write_string(ws, row, 0, sign[i],
		    x->label));
		note_err(x, worksheet_merge_range(ws, row, 1, row, 3, "",
		    x->sign));
		worksheet_set_row(ws, row, i == 2 ? 36 : 22, NULL);
	}
}

static void
layout(struct xlsx *x, const struct campaign *c)
{
	lxw_protection prot;
	lxw_col_t last = (lxw_col_t)(worksheet_ncolumns - 1), xfrozen;
	size_t i;
	char *foot;

	for (i = 0; i < worksheet_ncolumns; i++) {
		double w = x->width[i];

		if (i == x->col_comment)
			w = COMMENT_WIDTH;
		/*
		 * The item id ties a line to the campaign; the manager has
		 * no use for it, so the column is hidden (not removed: the
		 * import reads it, and anyone may unhide it).
		 */
		if (strcmp(worksheet_columns[i], "item_id") == 0) {
			lxw_row_col_options hide = { .hidden = 1 };

			note_err(x, worksheet_set_column_opt(x->ws,
			    (lxw_col_t)i, (lxw_col_t)i, w, NULL, &hide));
			continue;
		}
		note_err(x, worksheet_set_column(x->ws, (lxw_col_t)i,
		    (lxw_col_t)i, w, NULL));
	}
	/*
	 * The header, and the columns up to the person: scrolled right to
	 * the decision, a manager still sees whose line it is.
	 */
	xfrozen = x->col_person == NO_COL ? 0 : (lxw_col_t)x->col_person + 1;
	worksheet_freeze_panes(x->ws, 1, xfrozen);
	note_err(x, worksheet_autofilter(x->ws, 0, 0,
	    x->row > 1 ? x->row - 1 : 1, last));
	decision_dropdown(x);

	/* No password: it stops slips, and hides nothing from an auditor. */
	memset(&prot, 0, sizeof(prot));
	prot.autofilter = 1;		/* these are what stays allowed */
	prot.sort = 1;
	prot.format_columns = 1;
	prot.format_rows = 1;
	worksheet_protect(x->ws, NULL, &prot);

	/*
	 * On paper: two pages wide, left then right, each with the header
	 * and the person (one page wide would shrink the columns to a blur).
	 */
	worksheet_set_landscape(x->ws);
	worksheet_fit_to_pages(x->ws, 2, 0);
	worksheet_print_across(x->ws);
	note_err(x, worksheet_repeat_rows(x->ws, 0, 0));
	if (xfrozen > 0)
		note_err(x, worksheet_repeat_columns(x->ws, 0, xfrozen - 1));
	/* The campaign name is letters, digits and . _ - only: no & codes. */
	foot = xasprintf("&LAccess review %s&RPage &P of &N", c->name);
	note_err(x, worksheet_set_footer(x->ws, foot));
	free(foot);
}

/*
 * libxlsxwriter writes the file by name at workbook_close(): it goes to a
 * fresh temporary name in the same folder, then replaces path by
 * rename(), which never follows a symlink at path (report_create's rule).
 */
static int
xlsx_write(struct store *st, const struct campaign *c,
    const struct campaign_reviewer *r, const char *path, struct errbuf *err)
{
	lxw_doc_properties props;
	struct xlsx x;
	char *tmp, *title = NULL;
	lxw_error e;
	int fd, ret = -1;

	memset(&x, 0, sizeof(x));
	memset(&props, 0, sizeof(props));
	x.clean = (struct buf)BUF_INIT;
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		err_set(err, "cannot create '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	if ((x.wb = workbook_new(tmp)) == NULL) {
		err_set(err, "cannot create '%s': out of memory", path);
		goto out;
	}
	x.ws = workbook_add_worksheet(x.wb, "Review");
	x.width = xcalloc(worksheet_ncolumns, sizeof(*x.width));
	x.col_person = col_of("person");
	x.col_findings = col_of("findings");
	x.col_privileged = col_of("privileged");
	x.col_decision = col_of("decision");
	x.col_comment = col_of("comment");
	add_formats(&x);

	title = xasprintf("Access review %s: %s", c->name,
	    r->name ? r->name : r->id);
	props.title = (char *)cell_text(&x, title);
	props.title = xstrdup(props.title);
	props.author = "rollcall";
	props.comments = "Choose Keep or Revoke on every line, sign, send back.";
	note_err(&x, workbook_set_properties(x.wb, &props));

	write_header(&x);
	if (campaign_items_each(st, c, r->id, xlsx_item_row, &x, err) < 0) {
		err_prefix(err, "%s", path);
		goto out;
	}
	layout(&x, c);
	write_footer(&x, c, r);
	if (x.lerr != LXW_NO_ERROR) {
		err_set(err, "cannot write '%s': %s", path,
		    lxw_strerror(x.lerr));
		goto out;
	}
	e = workbook_close(x.wb);
	x.wb = NULL;
	if (e != LXW_NO_ERROR) {
		err_set(err, "cannot write '%s': %s", path, lxw_strerror(e));
		goto out;
	}
	/*
	 * Names, logins and findings: owner only, as the CSV and HTML ones,
	 * whatever the umask or however libxlsxwriter opened the file.
	 */
	if (chmod(tmp, 0600) < 0 || rename(tmp, path) < 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (x.wb != NULL)
		workbook_close(x.wb);	/* frees it; the file goes below */
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	free(title);
	free(props.title);
	free(x.width);
	buf_release(&x.clean);
	return ret;
}

const struct worksheet_format worksheet_xlsx = {
	.name = "xlsx",
	.ext = "xlsx",
	.write = xlsx_write,
};
