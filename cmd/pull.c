/* pull.c: `rollcall pull [SOURCE...]`: run the configured connectors. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/pull.h"

static const char pull_usage[] =
"usage: rollcall pull [SOURCE...]\n"
"\n"
"Pull accounts, groups and grants from each named source (all configured\n"
"sources when none is named) into a new snapshot. A source that fails keeps\n"
"its previous snapshot current; the others are still pulled. A csv source\n"
"without `file` is skipped (load it with `rollcall import accounts`).\n"
"Exit 0 when every source was pulled, 2 when any failed, 1 when a source's\n"
"configuration is wrong (a key missing, malformed or out of range).\n";

/* 0, or -1 (failed) or -2 (configuration error) with the error printed. */
static int
pull_one(struct ctx *ctx, const struct source_cfg *src)
{
	/* the audit row's counts: this run's sources together */
	static long sources, accounts, entitlements, grants;
	struct errbuf err = { "" };
	struct pull_result res;
	char *json;

	int rc;

	if ((rc = pull_source(ctx_store(ctx), src, NULL, &res, &err)) < 0) {
		error("cannot pull '%s': %s", src->name, err.msg);
		return rc;
	}
	sources++;
	accounts += res.counts.records;
	entitlements += res.counts.entitlements;
	grants += res.counts.grants;
	json = xasprintf("{\"sources\":%ld,\"accounts\":%ld,"
	    "\"entitlements\":%ld,\"grants\":%ld}", sources, accounts,
	    entitlements, grants);
	audit_set_counts(ctx, json);
	free(json);
	note("pulled %s: %ld accounts, %ld groups/roles, %ld grants"
	    " (snapshot %lld%s)", src->name, res.counts.records,
	    res.counts.entitlements, res.counts.grants,
	    (long long)res.snapshot, res.issues ? ", with data-quality notes"
	    " (rollcall sources)" : "");
	return 0;
}

int
cmd_pull(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct source_cfg *src;
	struct config *cfg;
	size_t i;
	int ch, i_arg, rc, failed = 0, config_err = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		usage_exit(pull_usage, ch == 'h');
	cfg = ctx_config(ctx);
	for (i_arg = optind; i_arg < argc; i_arg++)
		if (config_source(cfg, argv[i_arg]) == NULL) {
			error("pull: no source '%s' in %s", argv[i_arg],
			    cfg->path ? cfg->path : ctx->config_path);
			return RC_USAGE;
		}
	if (cfg->path == NULL) {
		error("pull: config file '%s' does not exist (run `rollcall"
		    " init` for a sample, or give one with -c)",
		    ctx->config_path);
		return RC_USAGE;
	}
	if (optind == argc && cfg->nsrc == 0) {
		error("pull: no sources configured in %s",
		    cfg->path ? cfg->path : ctx->config_path);
		return RC_USAGE;
	}
	if (optind < argc) {
		for (i_arg = optind; i_arg < argc; i_arg++) {
			rc = pull_one(ctx, config_source(cfg, argv[i_arg]));
			failed |= rc == -1;
			config_err |= rc == -2;
		}
		return config_err ? RC_USAGE : failed ? RC_FAILURE : RC_OK;
	}
	for (i = 0; i < cfg->nsrc; i++) {
		src = &cfg->src[i];
		if (strcmp(src->type, "csv") == 0 &&
		    source_get(src, "file") == NULL) {
			note("skipped %s: a csv source without 'file'; load it"
			    " with `rollcall import accounts %s FILE`",
			    src->name, src->name);
			continue;
		}
		rc = pull_one(ctx, src);
		failed |= rc == -1;
		config_err |= rc == -2;
	}
	return config_err ? RC_USAGE : failed ? RC_FAILURE : RC_OK;
}
