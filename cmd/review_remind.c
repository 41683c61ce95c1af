/*
 * review_remind.c: `rollcall review remind CAMPAIGN`: the reviewers who
 * still have pending items, as a CSV for a mail merge: reviewer_id,
 * reviewer_name, email, pending, due, file (their worksheet's name).
 * Every text cell is defused: the file is opened in a spreadsheet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/campaign.h"
#include "rollcall/cmd.h"
#include "rollcall/csv.h"
#include "rollcall/report.h"
#include "rollcall/signoff.h"

static const char remind_usage[] =
"usage: rollcall review remind CAMPAIGN [--out FILE] [--ext EXT]\n"
"\n"
"Write the reviewers with pending items as CSV (to stdout by default):\n"
"reviewer_id, reviewer_name, email, pending, due, file.\n"
"\n"
"  --out FILE    write there instead of stdout\n"
"  --ext EXT     worksheet extension the file column names (default csv)\n";

static void
cell(FILE *fp, const char *s, int first)
{
	if (!first)
		fputc(',', fp);
	csv_write_cell(fp, s ? s : "", ',');
}

int
review_remind(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_OUT = 256, OPT_EXT };
	static const struct option opts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "ext", required_argument, NULL, OPT_EXT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct signoff_status *s = NULL;
	struct campaign c;
	struct errbuf err = { "" };
	const char *out = NULL, *ext = "csv";
	char num[32];
	FILE *fp = stdout;
	size_t n = 0, i;
	long listed = 0;
	int ch, found, ret = RC_FAILURE;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_EXT:
			ext = optarg;
			break;
		case 'h':
			usage_exit(remind_usage, 1);
		default:
			usage_exit(remind_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(remind_usage, 0);
	if ((found = campaign_find(ctx_store(ctx), argv[optind], &c,
	    &err)) < 0)
		die(RC_FAILURE, "review remind: %s", err.msg);
	if (!found) {
		error("review remind: no campaign '%s'", argv[optind]);
		return RC_USAGE;
	}
	/* Nobody can answer a closed campaign any more: chase nobody. */
	if (strcmp(c.status, "closed") == 0) {
		error("review remind: campaign '%s' is closed", c.name);
		ret = RC_USAGE;
		goto out;
	}
	if (signoff_status(ctx_store(ctx), c.id, c.due, ctx->as_of, &s, &n,
	    &err) < 0) {
		error("review remind: %s", err.msg);
		goto out;
	}
	if (out && (fp = report_create(out, &err)) == NULL) {
		error("review remind: %s", err.msg);
		goto out;
	}
	fputs("\xEF\xBB\xBF", fp);	/* so Excel reads names as UTF-8 */
	fputs("reviewer_id,reviewer_name,email,pending,due,file\r\n", fp);
	for (i = 0; i < n; i++) {
		struct campaign_reviewer rv;
		char *file;

		if (s[i].pending == 0)
			continue;
		memset(&rv, 0, sizeof(rv));
		rv.id = s[i].reviewer_id;
		rv.name = s[i].reviewer_name;
		file = worksheet_file_name(&rv, ext);
		cell(fp, s[i].reviewer_id, 1);
		cell(fp, s[i].reviewer_name, 0);
		cell(fp, s[i].email, 0);
		snprintf(num, sizeof(num), "%ld", s[i].pending);
		fputc(',', fp);
		csv_write_field(fp, num, ',');
		cell(fp, c.due, 0);
		cell(fp, file, 0);
		fputs("\r\n", fp);
		free(file);
		listed++;
	}
	if (fp != stdout) {
		if (close_stream(fp) != 0) {
			error("review remind: cannot write '%s': %s", out,
			    strerror(errno));
			goto out;
		}
	} else if (fflush(stdout) != 0) {
		goto out;
	}
	note("%ld reviewer%s with pending items in campaign '%s'", listed,
	    listed == 1 ? "" : "s", c.name);
	ret = RC_OK;
out:
	signoff_status_free(s, n);
	campaign_release(&c);
	return ret;
}
