/*
 * import.c: `rollcall import hr|matrix|sod|overrides|exceptions|accounts`.
 *
 * Each verb loads one CSV file as a new snapshot (core/hr.c, core/rules.c,
 * or a csv source through core/pull.c). A file with any bad row loads
 * nothing and exits 2 naming file:line:column; the previous snapshot stays
 * current. `import accounts` takes a csv source of the config: a name the
 * config does not define is refused (exit 1), so that a typo cannot start
 * a new source while the real one keeps its stale snapshot.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/imports.h"
#include "rollcall/pull.h"
#include "rollcall/store.h"

static const char import_usage[] =
"usage: rollcall import hr [FILE]\n"
"       rollcall import matrix|sod|overrides|exceptions FILE\n"
"       rollcall import accounts SOURCE FILE\n"
"\n"
"Load a CSV file as a new snapshot. A file with any bad row loads nothing\n"
"(the error names file:line:column) and the previous snapshot stays\n"
"current. `rollcall import VERB --help` for each file's columns.\n";

static const char hr_usage[] =
"usage: rollcall import hr [FILE]\n"
"\n"
"Load the HR roster. FILE defaults to [hr] file (relative to the config's\n"
"folder). Columns are found by name (Employee ID, Work Email, Status,\n"
"Hire Date, Termination Date, Manager ID or Manager Email, Department,\n"
"Job Title, ...); override any in [hr] (id_column = Worker ID), with\n"
"delimiter and date_format there too. A person with several rows is the\n"
"row with the latest hire date.\n";

static const char matrix_usage[] =
"usage: rollcall import matrix FILE\n"
"\n"
"Load the RBAC role matrix: department,title,job_code,source,entitlement,\n"
"privileged. Globs allowed; an empty or * department/title/job_code is any.\n";

static const char sod_usage[] =
"usage: rollcall import sod FILE\n"
"\n"
"Load separation-of-duties rules: left,right,reason, each side\n"
"source:entitlement (globs allowed).\n";

static const char overrides_usage[] =
"usage: rollcall import overrides FILE\n"
"\n"
"Load account links: source,login,person_id,kind,owner,reason. kind is\n"
"human (needs person_id), service or shared (owner: an employee id).\n";

static const char exceptions_usage[] =
"usage: rollcall import exceptions FILE\n"
"\n"
"Load accepted findings: kind,source,login,entitlement,reason,approved_by,\n"
"expires. An empty entitlement means any; expires is a date.\n";

static const char accounts_usage[] =
"usage: rollcall import accounts SOURCE FILE\n"
"\n"
"Load a system's accounts from its CSV export as a new snapshot of SOURCE:\n"
"login,email,name,employee_id,status,mfa,last_login,created,entitlements\n"
"(optional: id, aliases, kind; entitlements separated by ';'). SOURCE is a\n"
"csv source of the config ([source \"NAME\"] with type = csv).\n";

struct verb {
	const char *name;
	const char *usage;
	const char *what;	/* "people", "matrix rules" ... */
	int	 nargs;		/* FILE arguments: exactly this many */
	int	(*fn)(struct store *, const char *, struct import_result *,
		    struct errbuf *);
};

static const struct verb verbs[] = {
	{ "exceptions", exceptions_usage, "exceptions", 1, import_exceptions },
	{ "matrix", matrix_usage, "matrix rules", 1, import_matrix },
	{ "overrides", overrides_usage, "overrides", 1, import_overrides },
	{ "sod", sod_usage, "SoD rules", 1, import_sod },
};

/* What the audit log keeps of a file import. */
static void
set_import_counts(struct ctx *ctx, const struct import_result *res)
{
	char *json;

	json = xasprintf("{\"snapshot\":%lld,\"rows\":%ld,\"skipped\":%ld}",
	    (long long)res->snapshot, res->rows, res->skipped);
	audit_set_counts(ctx, json);
	free(json);
}

/* No options but --help; argv[0] is the verb. Returns optind. */
static int
verb_options(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1)
		usage_exit(usage, ch == 'h');
	return optind;
}

static int
import_rules_verb(struct ctx *ctx, const struct verb *v, int argc,
    char **argv)
{
	struct errbuf err = { "" };
	struct import_result res;
	int i = verb_options(argc, argv, v->usage);

	if (argc - i != v->nargs)
		usage_exit(v->usage, 0);
	if (v->fn(ctx_store(ctx), argv[i], &res, &err) < 0) {
		error("import %s: %s", v->name, err.msg);
		return RC_FAILURE;
	}
	set_import_counts(ctx, &res);
	note("imported %ld %s from %s (snapshot %lld)", res.rows, v->what,
	    argv[i], (long long)res.snapshot);
	return RC_OK;
}

static int
import_hr_verb(struct ctx *ctx, int argc, char **argv)
{
	struct errbuf err = { "" };
	struct import_result res;
	struct config *cfg;
	const char *file;
	char *path, skipped[64] = "";
	int i = verb_options(argc, argv, hr_usage), ret = RC_OK;

	if (argc - i > 1)
		usage_exit(hr_usage, 0);
	cfg = ctx_config(ctx);
	if (argc - i == 1)
		path = xstrdup(argv[i]);
	else if ((file = config_hr(cfg, "file")) != NULL && *file)
		path = config_path_resolve(cfg->path, file);
	else {
		error("import hr: no FILE given and no [hr] file in %s",
		    cfg->path ? cfg->path : ctx->config_path);
		return RC_USAGE;
	}
	if (import_hr(ctx_store(ctx), cfg, path, &res, &err) < 0) {
		error("import hr: %s", err.msg);
		ret = RC_FAILURE;
	} else {
		set_import_counts(ctx, &res);
		if (res.skipped)
			snprintf(skipped, sizeof(skipped), ", %ld older rehire"
			    " row%s skipped", res.skipped,
			    res.skipped == 1 ? "" : "s");
		note("imported %ld people from %s (snapshot %lld%s)", res.rows,
		    path, (long long)res.snapshot, skipped);
	}
	free(path);
	return ret;
}

static int
import_accounts_verb(struct ctx *ctx, int argc, char **argv)
{
	struct errbuf err = { "" };
	struct pull_result res;
	const struct source_cfg *src;
	struct config *cfg;
	char *counts;
	int rc, i = verb_options(argc, argv, accounts_usage);

	if (argc - i != 2)
		usage_exit(accounts_usage, 0);
	if (str_empty(argv[i]) || strspn(argv[i], " \t") == strlen(argv[i])) {
		error("import accounts: SOURCE must not be empty");
		usage_exit(accounts_usage, 0);
	}
	/* The other imports' snapshots go by these names. */
	if (source_name_reserved(argv[i])) {
		error("import accounts: '%s' is reserved for `rollcall import"
		    " %s`; give the source another name", argv[i], argv[i]);
		return RC_USAGE;
	}
	cfg = ctx_config(ctx);
	if ((src = config_source(cfg, argv[i])) == NULL) {
		error("import accounts: no [source \"%s\"] in %s (add one with"
		    " type = csv)", argv[i], cfg->path ? cfg->path :
		    ctx->config_path);
		return RC_USAGE;
	} else if (strcmp(src->type, "csv") != 0) {
		error("import accounts: source '%s' is of type %s; only a csv"
		    " source takes a file", src->name, src->type);
		return RC_USAGE;
	}
	if ((rc = pull_source(ctx_store(ctx), src, argv[i + 1], &res,
	    &err)) < 0) {
		error("import accounts: %s", err.msg);
		return rc == -2 ? RC_USAGE : RC_FAILURE;
	}
	counts = xasprintf("{\"snapshot\":%lld,\"accounts\":%ld,"
	    "\"entitlements\":%ld,\"grants\":%ld,\"issues\":%ld}",
	    (long long)res.snapshot, res.counts.records,
	    res.counts.entitlements, res.counts.grants, res.issues);
	audit_set_counts(ctx, counts);
	free(counts);
	note("imported %ld accounts, %ld entitlements, %ld grants into %s from"
	    " %s (snapshot %lld%s)", res.counts.records,
	    res.counts.entitlements, res.counts.grants, src->name,
	    argv[i + 1], (long long)res.snapshot, res.issues ?
	    ", with data-quality notes (rollcall sources)" : "");
	return RC_OK;
}

int
cmd_import(int argc, char **argv, struct ctx *ctx)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)
		usage_exit(import_usage, argc >= 2);
	if (strcmp(argv[1], "hr") == 0)
		return import_hr_verb(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "accounts") == 0)
		return import_accounts_verb(ctx, argc - 1, argv + 1);
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return import_rules_verb(ctx, &verbs[i], argc - 1,
			    argv + 1);
	error("import: unknown file kind '%s' (hr, matrix, sod, overrides,"
	    " exceptions, accounts)", argv[1]);
	return RC_USAGE;
}
