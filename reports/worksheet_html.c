/*
 * worksheet_html.c: the HTML review worksheet, one self-contained page
 * per reviewer for a browser or for paper: inline CSS, no scripts, no
 * external assets, no links (a Content-Security-Policy says so too, in
 * case a value ever slipped through), a print stylesheet that keeps the
 * colours and keeps a person on one page where it fits.
 *
 * Items are grouped by person, in campaign_items_each() order (leavers
 * and orphans first): a heading per person with title and department,
 * then a table of that person's accounts and entitlements. Columns come
 * from worksheet_columns[] by name: the person-level ones (reviewer,
 * person, title, department) go to the headings, every other one, present
 * or future, is a table column. Decision is two boxes to tick, comment an
 * empty cell; a sign-off block ends the page.
 *
 * Every value goes through html_text(): & < > " ' escaped, bytes that are
 * not UTF-8 shown as U+FFFD and control characters as their visible
 * pictures (U+2400...), so a leading CR or TAB cannot hide in the page.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/campaign.h"
#include "rollcall/report.h"

#define NO_COL SIZE_MAX

/* Columns whose value is the person's (or the page's): headings, not cells. */
static const char *const heading_cols[] = {
	"reviewer", "reviewer_id", "reviewer_name", "reviewer_email",
	"person", "person_id", "title", "department",
};

static const char style[] =
"*{box-sizing:border-box}\n"
"body{font:13px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"Helvetica Neue\",Arial,sans-serif;color:#1a1a1a;margin:24px}\n"
"h1{font-size:20px;margin:0 0 4px}\n"
".meta{color:#444;margin:0 0 12px}\n"
".howto{background:#f3f6fa;border-left:4px solid #1f3864;padding:8px 12px;"
"margin:0 0 8px;max-width:70em}\n"
".legend{margin:0 0 8px}\n"
".sw{display:inline-block;width:14px;height:14px;border:1px solid #bbb;"
"vertical-align:-2px;margin:0 4px 0 12px}\n"
".sw.finding{background:#f8d7da}.sw.privileged{background:#ffe8b3}\n"
"section{margin-top:20px;break-inside:avoid-page}\n"
"h2{font-size:15px;margin:0 0 4px;break-after:avoid-page}\n"
"h2 .sub{font-weight:normal;color:#555;font-size:13px}\n"
".badge{display:inline-block;font-size:11px;font-weight:600;color:#fff;"
"background:#b42318;border-radius:3px;padding:0 6px;margin-left:6px;"
"vertical-align:2px}\n"
".badge.leave{background:#8a6d00}\n"
"table{border-collapse:collapse;width:100%}\n"
"th,td{border:1px solid #bfbfbf;padding:3px 6px;text-align:left;"
"vertical-align:top;overflow-wrap:break-word}\n"
"thead th{background:#e3e9f3;color:#1a1a1a;font-weight:600;"
"font-size:12px}\n"
"tr.privileged td{background:#ffe8b3}\n"
"tr.finding td{background:#f8d7da}\n"
"td.num{text-align:right}\n"
"td.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;"
"white-space:nowrap}\n"
"td.decide{white-space:nowrap;background:#fff!important}\n"
"td.comment{min-width:9em;background:#fff!important}\n"
".box{display:inline-block;width:11px;height:11px;border:1.5px solid #333;"
"background:#fff;vertical-align:-1px;margin:0 3px 0 2px}\n"
".signoff{margin-top:28px;break-inside:avoid-page}\n"
".signoff table{width:auto}\n"
".signoff th{border:0;text-align:right;padding-right:12px;"
"font-weight:600}\n"
".signoff td{border:0;border-bottom:1px solid #333;width:24em;"
"height:32px}\n"
"footer{margin-top:24px;color:#666;font-size:11px}\n"
"@page{size:landscape;margin:12mm}\n"
"@media print{\n"
"body{margin:0;font-size:10px}\n"
"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
"thead{display:table-header-group}\n"
"tr{break-inside:avoid}\n"
"}\n";

struct html {
	FILE	*fp;
	size_t	*cols;		/* the table's columns */
	size_t	 ncols;
	size_t	 col_person, col_title, col_department;
	size_t	 col_findings, col_privileged, col_decision, col_comment;
	char	*group;		/* key of the open section, NULL: none */
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

static int
is_heading_col(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(heading_cols); i++)
		if (strcmp(heading_cols[i], name) == 0)
			return 1;
	return 0;
}

/* s as HTML text, safe in an element or a quoted attribute. */
static void
html_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		case '\n':
			fputc(' ', fp);
			break;
		case 0x7f:
			fputs("&#x2421;", fp);
			break;
		default:
			if (*p < 0x20) {
				/* U+2409 for TAB, U+240D for CR... */
				fprintf(fp, "&#x%X;", 0x2400u + *p);
				break;
			}
			if ((n = utf8_seq(p)) == 0) {
				fputs("&#xFFFD;", fp);
				break;
			}
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		}
		p++;
	}
}

/* "days_since_termination" -> "Days since termination"; "mfa" -> "MFA". */
static void
html_label(FILE *fp, const char *name)
{
	const char *p;

	if (strcmp(name, "mfa") == 0) {
		fputs("MFA", fp);
		return;
	}
	if (strcmp(name, "item_id") == 0) {
		fputs("Item id", fp);
		return;
	}
	for (p = name; *p; p++) {
		if (*p == '_')
			fputc(' ', fp);
		else if (p == name && *p >= 'a' && *p <= 'z')
			fputc(*p - 'a' + 'A', fp);
		else if (*p == '<' || *p == '>' || *p == '&' || *p == '"' ||
		    *p == '\'')
			fputc('?', fp);		/* our own names: never */
		else
			fputc(*p, fp);
	}
}

static const char *
cell(const struct campaign_item *it, size_t col, char num[32],
    enum cell_type *type)
{
	if (col == NO_COL) {
		*type = CELL_TEXT;
		return "";
	}
	return worksheet_cell(it, col, num, type);
}

static void
section_close(struct html *h)
{
	if (h->group == NULL)
		return;
	fputs("</tbody>\n</table>\n</section>\n", h->fp);
	free(h->group);
	h->group = NULL;
}

static void
section_open(struct html *h, const struct campaign_item *it, char *key)
{
	FILE *fp = h->fp;
	enum cell_type type;
	char num[32];
	const char *title, *dept;
	size_t i;

	h->group = key;
	fputs("<section>\n<h2>", fp);
	if (it->person_id == NULL) {
		if (it->account_kind != NULL &&
		    (strcmp(it->account_kind, "service") == 0 ||
		    strcmp(it->account_kind, "shared") == 0))
			fputs("Service and shared accounts you own", fp);
		else
			fputs("Accounts linked to no one in HR (orphans)", fp);
	} else {
		html_text(fp, cell(it, h->col_person, num, &type));
		title = cell(it, h->col_title, num, &type);
		dept = cell(it, h->col_department, num, &type);
		fputs(" <span class=\"sub\">", fp);
		if (*title) {
			fputs("&middot; ", fp);
			html_text(fp, title);
		}
		if (*dept) {
			fputs(" &middot; ", fp);
			html_text(fp, dept);
		}
		fputs(" &middot; ", fp);
		html_text(fp, it->person_id);
		fputs("</span>", fp);
		if (it->person_status &&
		    strcmp(it->person_status, "terminated") == 0) {
			fputs("<span class=\"badge\">left", fp);
			if (it->termination_date) {
				fputs(" ", fp);
				html_text(fp, it->termination_date);
			}
			fputs("</span>", fp);
		} else if (it->person_status &&
		    strcmp(it->person_status, "leave") == 0)
			fputs("<span class=\"badge leave\">on leave</span>", fp);
	}
	fputs("</h2>\n<table>\n<thead><tr>", fp);
	for (i = 0; i < h->ncols; i++) {
		fputs("<th>", fp);
		html_label(fp, worksheet_columns[h->cols[i]]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
}

static int
html_item_row(const struct campaign_item *it, void *arg, struct errbuf *err)
{
	struct html *h = arg;
	FILE *fp = h->fp;
	enum cell_type type;
	char num[32], *key;
	const char *v;
	int finding, privileged;
	size_t i, col;

	(void)err;
	/* People by id; no-person items by kind (orphans, service...). */
	key = it->person_id ? xasprintf("p:%s", it->person_id) :
	    xasprintf("k:%s", it->account_kind ? it->account_kind : "");
	if (h->group == NULL || strcmp(h->group, key) != 0) {
		section_close(h);
		section_open(h, it, key);
	} else
		free(key);

	finding = *cell(it, h->col_findings, num, &type) != '\0';
	privileged = strcmp(cell(it, h->col_privileged, num, &type),
	    "yes") == 0;
	fputs("<tr", fp);
	if (finding || privileged)
		fprintf(fp, " class=\"%s%s%s\"", finding ? "finding" : "",
		    finding && privileged ? " " : "",
		    privileged ? "privileged" : "");
	fputs(">", fp);
	for (i = 0; i < h->ncols; i++) {
		col = h->cols[i];
		if (col == h->col_decision) {
			fputs("<td class=\"decide\"><span class=\"box\"></span>"
			    "Keep <span class=\"box\"></span>Revoke</td>", fp);
			continue;
		}
		if (col == h->col_comment) {
			fputs("<td class=\"comment\"></td>", fp);
			continue;
		}
		v = worksheet_cell(it, col, num, &type);
		if (type == CELL_NUMBER)
			fputs("<td class=\"num\">", fp);
		else if (strcmp(worksheet_columns[col], "item_id") == 0)
			fputs("<td class=\"id\">", fp);
		else
			fputs("<td>", fp);
		html_text(fp, v);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
	return 0;
}

static void
page_head(struct html *h, const struct campaign *c,
    const struct campaign_reviewer *r)
{
	FILE *fp = h->fp;
	const char *name = r->name ? r->name : r->id;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>Access review ", fp);
	html_text(fp, c->name);
	fputs(": ", fp);
	html_text(fp, name);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	fputs("<header>\n<h1>Access review ", fp);
	html_text(fp, c->name);
	fputs("</h1>\n<p class=\"meta\">Reviewer: <strong>", fp);
	html_text(fp, name);
	fputs("</strong> (", fp);
	html_text(fp, r->id);
	fputs(") &middot; as of ", fp);
	html_text(fp, c->as_of);
	if (c->due) {
		fputs(" &middot; due <strong>", fp);
		html_text(fp, c->due);
		fputs("</strong>", fp);
	}
	fprintf(fp, " &middot; %ld line%s, %ld recommended for revocation"
	    "</p>\n", r->items, r->items == 1 ? "" : "s", r->revoke);
	fputs("<p class=\"howto\">For every line, tick <strong>Keep</strong>"
	    " or <strong>Revoke</strong> and add a comment where it helps."
	    " People who left and accounts nobody in HR holds come first."
	    " Then fill in the sign-off at the end and return this page to"
	    " IT.</p>\n<p class=\"legend\">Highlighted:"
	    "<span class=\"sw finding\"></span>a finding on this access (see"
	    " Findings)<span class=\"sw privileged\"></span>a privileged"
	    " entitlement</p>\n</header>\n<main>\n", fp);
}

static void
page_foot(struct html *h, const struct campaign *c)
{
	FILE *fp = h->fp;

	fputs("</main>\n<div class=\"signoff\">\n<h2>Sign-off</h2>\n"
	    "<p>I have reviewed every line above; my decisions are"
	    " final.</p>\n<table>\n"
	    "<tr><th>Reviewed by</th><td></td></tr>\n"
	    "<tr><th>Date</th><td></td></tr>\n"
	    "<tr><th>Signature</th><td></td></tr>\n"
	    "</table>\n</div>\n<footer>Campaign ", fp);
	html_text(fp, c->name);
	fputs(", opened ", fp);
	html_text(fp, c->opened_at ? c->opened_at : "");
	fputs(" by rollcall. Item ids let IT match each line to the"
	    " campaign.</footer>\n</body>\n</html>\n", fp);
}

static int
html_write(struct store *st, const struct campaign *c,
    const struct campaign_reviewer *r, const char *path, struct errbuf *err)
{
	struct html h;
	size_t i;
	int ret;

	memset(&h, 0, sizeof(h));
	h.cols = xcalloc(worksheet_ncolumns, sizeof(*h.cols));
	for (i = 0; i < worksheet_ncolumns; i++)
		if (!is_heading_col(worksheet_columns[i]))
			h.cols[h.ncols++] = i;
	h.col_person = col_of("person");
	h.col_title = col_of("title");
	h.col_department = col_of("department");
	h.col_findings = col_of("findings");
	h.col_privileged = col_of("privileged");
	h.col_decision = col_of("decision");
	h.col_comment = col_of("comment");
	if ((h.fp = report_create(path, err)) == NULL) {
		free(h.cols);
		return -1;
	}
	page_head(&h, c, r);
	ret = campaign_items_each(st, c, r->id, html_item_row, &h, err);
	section_close(&h);
	page_foot(&h, c);
	if (close_stream(h.fp) != 0 && ret == 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		ret = -1;
	}
	free(h.cols);
	return ret;
}

const struct worksheet_format worksheet_html = {
	.name = "html",
	.ext = "html",
	.write = html_write,
};
