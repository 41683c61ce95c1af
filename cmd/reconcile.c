/* reconcile.c: `rollcall reconcile`: link accounts to people, find. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "rollcall/audit.h"
#include "rollcall/buf.h"
#include "rollcall/cmd.h"
#include "rollcall/reconcile.h"

static const char reconcile_usage[] =
"usage: rollcall reconcile\n"
"\n"
"Link every account of the current pulls to a person of the HR roster\n"
"(override, employee id, e-mail, normalized e-mail, login) and compute the\n"
"findings as of the --as-of date (default today). Prints a one-line\n"
"summary on stderr; `rollcall findings` lists them.\n";

/* "2 terminated_active, 3 orphan" (caller frees), or "none". */
static char *
by_kind(const struct reconcile_result *res)
{
	struct buf b = BUF_INIT;
	int k;

	for (k = 0; k < FK_COUNT; k++) {
		if (res->by_kind[k] == 0)
			continue;
		buf_addf(&b, "%s%ld %s", b.len ? ", " : "", res->by_kind[k],
		    finding_kind_name(k));
	}
	if (b.len == 0)
		buf_adds(&b, "none");
	return buf_detach(&b);
}

int
cmd_reconcile(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reconcile_result res;
	struct errbuf err = { "" };
	char *kinds;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage_exit(reconcile_usage, 1);
		default:
			usage_exit(reconcile_usage, 0);
		}
	}
	if (optind != argc)
		usage_exit(reconcile_usage, 0);
	if (reconcile_run(ctx_store(ctx), ctx_config(ctx), ctx->as_of, &res,
	    &err) < 0) {
		error("cannot reconcile: %s", err.msg);
		return RC_FAILURE;
	}
	kinds = xasprintf("{\"reconcile\":%lld,\"accounts\":%ld,\"linked\":%ld,"
	    "\"findings\":%ld,\"suppressed\":%ld}", (long long)res.id,
	    res.accounts, res.linked, res.findings, res.suppressed);
	audit_set_counts(ctx, kinds);
	free(kinds);
	kinds = by_kind(&res);
	note("reconcile as of %s: %ld accounts, %ld linked, %ld findings (%s),"
	    " %ld suppressed", ctx->as_of, res.accounts, res.linked,
	    res.findings, kinds, res.suppressed);
	free(kinds);
	return RC_OK;
}
