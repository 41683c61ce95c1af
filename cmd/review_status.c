/*
 * review_status.c: `rollcall review status CAMPAIGN`: per reviewer, how
 * many items are decided, pending, to be revoked and overdue.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/campaign.h"
#include "rollcall/cmd.h"
#include "rollcall/date.h"
#include "rollcall/signoff.h"

static const char status_usage[] =
"usage: rollcall review status CAMPAIGN [--due DATE] [--format table|json]\n"
"\n"
"Per reviewer: items, decided, pending, revoke (decided so) and overdue\n"
"(pending items once the due date has passed, as of --as-of).\n"
"\n"
"  --due DATE     judge against DATE instead of the campaign's due date\n"
"  --format F     table (default) or json\n";

/* Columns a terminal gives code point c (UTF-8 decoded). */
static int
cp_width(unsigned long c)
{
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f))
		return 0;	/* combining marks, zero-width */
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;	/* East Asian wide, emoji */
	return 1;
}

/*
 * s left-aligned in width columns (cut at a whole character when longer):
 * printf's %-24s counts bytes, and "Zoë" or "山田" then shifted the rest.
 */
static void
put_cell(const char *s, int width)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int used = 0;

	while (*p) {
		unsigned long c = *p;
		int len = 1, w, k;

		if (c >= 0xf0 && c < 0xf8)
			len = 4, c &= 0x07;
		else if (c >= 0xe0)
			len = 3, c &= 0x0f;
		else if (c >= 0xc0)
			len = 2, c &= 0x1f;
		for (k = 1; k < len; k++) {
			if ((p[k] & 0xc0) != 0x80) {
				len = k;	/* broken: a byte each */
				break;
			}
			c = (c << 6) | (p[k] & 0x3f);
		}
		w = cp_width(c);
		if (used + w > width)
			break;
		fwrite(p, 1, len, stdout);
		used += w;
		p += len;
	}
	for (; used < width; used++)
		putchar(' ');
}

static void
print_table(const struct signoff_status *s, size_t n,
    const struct signoff_status *tot)
{
	size_t i;

	printf("%-14s %-24s %7s %7s %7s %7s %7s\n", "REVIEWER", "NAME",
	    "ITEMS", "DECIDED", "PENDING", "REVOKE", "OVERDUE");
	for (i = 0; i < n; i++) {
		/* an id longer than its column pushes on, as %-14s did */
		fputs(s[i].reviewer_id, stdout);
		if (strlen(s[i].reviewer_id) < 14)
			put_cell("", 14 - (int)strlen(s[i].reviewer_id));
		putchar(' ');
		put_cell(s[i].reviewer_name, 24);
		printf(" %7ld %7ld %7ld %7ld %7ld\n", s[i].items,
		    s[i].decided, s[i].pending, s[i].revoke, s[i].overdue);
	}
	printf("%-14s %-24s %7ld %7ld %7ld %7ld %7ld\n", "total", "",
	    tot->items, tot->decided, tot->pending, tot->revoke,
	    tot->overdue);
}

static json_t *
counts_json(const struct signoff_status *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "items", (json_int_t)s->items,
	    "decided", (json_int_t)s->decided,
	    "pending", (json_int_t)s->pending,
	    "revoke", (json_int_t)s->revoke,
	    "overdue", (json_int_t)s->overdue);
}

static int
print_json(const char *campaign, const char *as_of, const char *due,
    const struct signoff_status *s, size_t n,
    const struct signoff_status *tot)
{
	json_t *root, *arr = json_array(), *o, *c;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:s}", "reviewer_id", s[i].reviewer_id,
		    "reviewer_name", s[i].reviewer_name);
		c = counts_json(&s[i]);
		json_object_update(o, c);
		json_decref(c);
		json_array_append_new(arr, o);
	}
	root = json_pack("{s:s, s:s, s:o, s:o, s:o}", "campaign", campaign,
	    "as_of", as_of, "due", due ? json_string(due) : json_null(),
	    "reviewers", arr, "totals", counts_json(tot));
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
	return rc;
}

int
review_status(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_DUE = 256, OPT_FORMAT };
	static const struct option opts[] = {
		{ "due", required_argument, NULL, OPT_DUE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct signoff_status *s = NULL, tot;
	struct campaign c;
	struct errbuf err = { "" };
	const char *format = "table", *due;
	char due_arg[11];
	size_t n = 0, i;
	int ch, found, has_due = 0, ret = RC_FAILURE;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_DUE:
			if (date_parse(optarg, "%Y-%m-%d", due_arg, &err) < 0)
				die(RC_USAGE, "review status: --due: %s",
				    err.msg);
			has_due = 1;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'h':
			usage_exit(status_usage, 1);
		default:
			usage_exit(status_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(status_usage, 0);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		die(RC_USAGE, "review status: unknown format '%s' (table or"
		    " json)", format);
	if ((found = campaign_find(ctx_store(ctx), argv[optind], &c,
	    &err)) < 0)
		die(RC_FAILURE, "review status: %s", err.msg);
	if (!found) {
		error("review status: no campaign '%s'", argv[optind]);
		return RC_USAGE;
	}
	due = has_due ? due_arg : c.due;
	if (signoff_status(ctx_store(ctx), c.id, due, ctx->as_of, &s, &n,
	    &err) < 0) {
		error("review status: %s", err.msg);
		goto out;
	}
	memset(&tot, 0, sizeof(tot));
	for (i = 0; i < n; i++) {
		tot.items += s[i].items;
		tot.decided += s[i].decided;
		tot.pending += s[i].pending;
		tot.revoke += s[i].revoke;
		tot.overdue += s[i].overdue;
	}
	if (strcmp(format, "json") == 0) {
		if (print_json(c.name, ctx->as_of, due, s, n, &tot) < 0)
			goto out;
	} else {
		print_table(s, n, &tot);
	}
	ret = RC_OK;
out:
	signoff_status_free(s, n);
	campaign_release(&c);
	return ret;
}
