/*
 * review_close.c: `rollcall review close CAMPAIGN`: close a campaign and
 * write its evidence pack (core/evidence.c); the manifest's SHA-256 goes
 * to stdout, for the auditor's record.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/audit.h"
#include "rollcall/campaign.h"
#include "rollcall/cmd.h"
#include "rollcall/evidence.h"
#include "rollcall/store.h"

static const char close_usage[] =
"usage: rollcall review close CAMPAIGN [--out DIR] [--force --reason TEXT]\n"
"\n"
"Close campaign CAMPAIGN and write its evidence pack into DIR (default\n"
"./out/CAMPAIGN-evidence; a new or empty folder): summary.html,\n"
"decisions.csv, revocations.csv and .json, the signed worksheets, the\n"
"campaign's audit trail and manifest.json. Prints the manifest's SHA-256;\n"
"`rollcall verify DIR` checks the pack later.\n"
"\n"
"options:\n"
"      --out DIR      where the pack goes\n"
"      --force        close although items have no decision yet\n"
"      --reason TEXT  why (required with --force; kept with the campaign)\n";

static void
set_counts(struct ctx *ctx, const struct evidence_result *r)
{
	char *json;

	json = xasprintf("{\"items\":%ld,\"pending\":%ld,\"decisions\":%ld,"
	    "\"keep\":%ld,\"revoke\":%ld,\"imports\":%ld,\"files\":%ld}",
	    r->counts.items, r->counts.pending, r->counts.decisions,
	    r->counts.keep, r->counts.revoke, r->counts.imports, r->files);
	audit_set_counts(ctx, json);
	free(json);
}

int
review_close(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_OUT = 256, OPT_FORCE, OPT_REASON };
	static const struct option opts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct evidence_close o;
	struct evidence_counts n;
	struct evidence_result r;
	struct errbuf err = { "" };
	struct campaign c;
	struct store *st;
	const char *name, *out = NULL, *reason = NULL;
	char *dir = NULL, *why = NULL;
	int ch, rc, found, force = 0, ret = RC_FAILURE;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case OPT_REASON:
			reason = optarg;
			break;
		case 'h':
			usage_exit(close_usage, 1);
		default:
			usage_exit(close_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(close_usage, 0);
	name = argv[optind];
	audit_set_campaign(ctx, name);
	if (reason != NULL) {
		why = str_trim(xstrdup(reason));
		if (*why == '\0')
			die(RC_USAGE, "review close: --reason: say why");
	}
	if (force && why == NULL)
		die(RC_USAGE, "review close: --force needs --reason TEXT (it"
		    " is kept with the campaign, for the auditor)");
	if (!force && why != NULL)
		die(RC_USAGE, "review close: --reason goes with --force");
	st = ctx_store(ctx);
	if ((found = campaign_find(st, name, &c, &err)) < 0)
		die(RC_FAILURE, "review close: %s", err.msg);
	if (!found) {
		error("review close: no campaign '%s' (see rollcall review"
		    " status)", name);
		free(why);
		return RC_USAGE;
	}
	dir = out ? xstrdup(out) : xasprintf("out/%s-evidence", name);
	if (strcmp(c.status, "open") != 0) {
		error("review close: campaign '%s' is %s already", name,
		    c.status);
		ret = RC_USAGE;
		goto out;
	}
	/* Refuse early: before a transaction, a pack or a half-done close. */
	if ((rc = evidence_dir_usable(dir, &err)) != 0) {
		error("review close: %s", err.msg);
		ret = rc == EVIDENCE_REFUSED ? RC_USAGE : RC_FAILURE;
		goto out;
	}
	if (store_begin(st, &err) < 0 ||
	    evidence_counts(st, c.id, &n, &err) < 0) {
		store_rollback(st);
		error("review close: %s", err.msg);
		goto out;
	}
	if (n.pending > 0 && !force) {
		store_rollback(st);
		error("review close: %ld of %ld items of campaign '%s' have no"
		    " decision yet (rollcall review status %s); to close"
		    " anyway: --force --reason TEXT", n.pending, n.items, name,
		    name);
		ret = RC_USAGE;
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.closed_by = audit_os_user();
	o.force_reason = force ? why : NULL;
	rc = evidence_close(st, &c, &o, &r, &err);
	if (rc == 0 && store_commit(st, &err) < 0)
		rc = -1;
	if (rc != 0) {
		store_rollback(st);
		error("review close: %s", err.msg);
		ret = rc == EVIDENCE_REFUSED ? RC_USAGE : RC_FAILURE;
		goto out;
	}
	set_counts(ctx, &r);
	printf("%s  %s/manifest.json\n", r.manifest_sha256, dir);
	note("campaign '%s' closed%s: %ld items, %ld decisions (%ld to"
	    " revoke)%s; evidence pack in %s/", name,
	    force && r.counts.pending ? " by force" : "", r.counts.items,
	    r.counts.decisions, r.counts.revoke,
	    r.counts.pending ? ", some items without a decision" : "", dir);
	ret = RC_OK;
out:
	campaign_release(&c);
	free(dir);
	free(why);
	return ret;
}
