/*
 * review_import.c: `rollcall review import FILE...`: signed worksheets
 * back in (core/signoff.c does the work). Each file is its own
 * transaction: a refused file leaves the others alone, and so does a
 * rejected row; either makes the command exit 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/audit.h"
#include "rollcall/campaign.h"
#include "rollcall/cmd.h"
#include "rollcall/signoff.h"
#include "rollcall/store.h"

static const char import_usage[] =
"usage: rollcall review import [--campaign CAMPAIGN] FILE...\n"
"\n"
"Take signed worksheets back (CSV or XLSX, as Excel, LibreOffice or\n"
"Google Sheets saved them). Rows are matched by item id and columns by\n"
"header name; a decision is Keep or Revoke in any case; an empty one\n"
"leaves an earlier decision standing. A row with anything else is\n"
"rejected and named (FILE:SHEET:ROW); a file of another reviewer, of a\n"
"closed or another campaign, or older than one already imported for its\n"
"reviewer is refused whole. Exit 2 when anything was rejected or refused.\n"
"\n"
"  --campaign C   refuse files whose items are not campaign C's\n";

int
review_import(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_CAMPAIGN = 256 };
	static const struct option opts[] = {
		{ "campaign", required_argument, NULL, OPT_CAMPAIGN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct signoff_options opt;
	struct store *st;
	struct campaign c;
	struct errbuf cerr = { "" };
	long files = 0, refused = 0, decided = 0, revoke = 0, undecided = 0,
	    rejected = 0;
	char *json;
	int ch, i, rc, found, ret = RC_OK;
	size_t j;

	memset(&opt, 0, sizeof(opt));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_CAMPAIGN:
			opt.campaign = optarg;
			break;
		case 'h':
			usage_exit(import_usage, 1);
		default:
			usage_exit(import_usage, 0);
		}
	}
	if (optind >= argc)
		usage_exit(import_usage, 0);
	st = ctx_store(ctx);
	if (opt.campaign != NULL) {
		audit_set_campaign(ctx, opt.campaign);
		if ((found = campaign_find(st, opt.campaign, &c, &cerr)) < 0)
			die(RC_FAILURE, "review import: %s", cerr.msg);
		if (!found) {
			error("review import: no campaign '%s'", opt.campaign);
			return RC_USAGE;
		}
		campaign_release(&c);
	}
	for (i = optind; i < argc; i++) {
		struct signoff_result res;
		struct errbuf err = { "" };

		rc = signoff_import(st, argv[i], &opt, &res, &err);
		/* the log's campaign: the one the (first) file belongs to */
		if (opt.campaign == NULL && res.campaign != NULL &&
		    ctx->audit_campaign == NULL)
			audit_set_campaign(ctx, res.campaign);
		files++;
		if (rc < 0) {
			refused++;
			error("review import: %s%s", err.msg,
			    rc == SIGNOFF_REFUSED ? " (file refused)" : "");
			ret = RC_FAILURE;
		} else if (res.already) {
			note("%s: already imported (same SHA-256), nothing"
			    " to do", res.file);
		} else {
			for (j = 0; j < res.nrejects; j++)
				fprintf(stderr, "%s\n", res.rejects[j]);
			note("imported %s: %ld decided (%ld revoke), %ld"
			    " undecided, %ld rejected", res.file, res.decided,
			    res.revoke, res.undecided, res.rejected);
			if (res.rejected)
				ret = RC_FAILURE;
			decided += res.decided;
			revoke += res.revoke;
			undecided += res.undecided;
			rejected += res.rejected;
		}
		signoff_result_release(&res);
	}
	json = xasprintf("{\"files\":%ld,\"refused\":%ld,\"decided\":%ld,"
	    "\"undecided\":%ld,\"rejected\":%ld,\"revoke\":%ld}", files,
	    refused, decided, undecided, rejected, revoke);
	audit_set_counts(ctx, json);
	free(json);
	return ret;
}
