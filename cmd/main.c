/* main.c: global options and the command table, nothing else. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/date.h"
#include "rollcall/store.h"

static const char main_usage[] =
"usage: rollcall [-q] [-d DB] [-c CONFIG] [--as-of YYYY-MM-DD] COMMAND [ARGS]\n"
"\n"
"Take the roll of every account against the people who should hold it.\n"
"\n"
"commands:\n"
"  init                          create the database and a sample config\n"
"  import hr|matrix|sod|overrides|exceptions FILE\n"
"  import accounts SOURCE FILE   a system's accounts from its CSV export\n"
"  pull [SOURCE...]              run the configured connectors\n"
"  reconcile                     link accounts to people, compute findings\n"
"  findings [--kind K] [--source S] [--severity S] [--format F] [--fail-on S]\n"
"  offboard [--since DATE] [--person ID] [--format table|json]\n"
"  review open CAMPAIGN [--due DATE] [--out DIR] [--format csv,xlsx,html]\n"
"  review import FILE...         signed worksheets back (CSV or XLSX)\n"
"  review status|remind CAMPAIGN who has decided, who still has to\n"
"  review close CAMPAIGN [--out DIR]   close it: the evidence pack\n"
"  review remediation CAMPAIGN   are the revocations carried out?\n"
"  verify DIR                    check an evidence pack's integrity\n"
"  diff [--source S] [--from N] [--to N]   what changed between two pulls\n"
"  log [--since DATE]            the audit trail\n"
"  snapshots | sources           what has been pulled and imported\n"
"\n"
"options:\n"
"  -d, --db DB        database (default ./rollcall.db, env ROLLCALL_DB)\n"
"  -c, --config FILE  configuration (default ./rollcall.conf, env ROLLCALL_CONFIG)\n"
"      --as-of DATE   take DATE as today, for reproducible results\n"
"  -q, --quiet        no progress or notes on stderr\n"
"  -h, --help         this help; `rollcall COMMAND --help` for a command\n"
"      --version      print the version\n"
"\n"
"exit status: 0 success, 1 usage or configuration error, 2 runtime failure,\n"
"3 the command found what it checks for. See rollcall(1).\n";

enum { NEED_NOTHING = 0 };

struct command {
	const char *name;
	int	(*fn)(int, char **, struct ctx *);
};

static const struct command commands[] = {	/* sorted by name */
	{ "diff", cmd_diff },
	{ "findings", cmd_findings },
	{ "import", cmd_import },
	{ "init", cmd_init },
	{ "log", cmd_log },
	{ "offboard", cmd_offboard },
	{ "pull", cmd_pull },
	{ "reconcile", cmd_reconcile },
	{ "review", cmd_review },
	{ "snapshots", cmd_snapshots },
	{ "sources", cmd_sources },
	{ "verify", cmd_verify },
};

/*
 * getopt's own messages are off (opterr = 0) so that a bad option reads
 * "rollcall: findings: unrecognized option '--x'" like every other error.
 * Every command ends a '?' from getopt_long in usage_exit(), which says
 * what was wrong. glibc copies its internal optopt out after every call
 * and changes that only on an error, so arm_optopt() makes it a value no
 * real error gives (by one deliberate error); any other value then means
 * the last getopt failed, at argv[optind - 1].
 */
#define OPTOPT_NONE 0x01

static void
arm_optopt(void)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	char a0[] = "rollcall", a1[] = "-\x01", *av[] = { a0, a1, NULL };

	optind = 0;
	while (getopt_long(2, av, "", none, NULL) != -1)
		;
	optind = 0;
	optopt = OPTOPT_NONE;
}

static char cur_name[64];	/* the command, for messages; "": main */
static int cur_argc;
static char **cur_argv;

static void
option_complaint(void)
{
	const char *arg, *eq;
	char where[80] = "";

	if (optopt == OPTOPT_NONE || cur_argv == NULL || optind < 1 ||
	    optind > cur_argc)
		return;
	arg = cur_argv[optind - 1];
	if (*cur_name)
		snprintf(where, sizeof(where), "%s: ", cur_name);
	if (strncmp(arg, "--", 2) == 0) {
		eq = strchr(arg, '=');
		if (optopt == 0)
			error("%sunrecognized option '%.*s'", where,
			    (int)(eq ? eq - arg : (long)strlen(arg)), arg);
		else if (eq)
			error("%soption '%.*s' doesn't allow an argument", where,
			    (int)(eq - arg), arg);
		else
			error("%soption '%s' requires an argument", where, arg);
	} else if (optopt > 0 && optopt < 128)
		error("%sinvalid option -- '%c'", where, optopt);
	else
		error("%sinvalid option '%s'", where, arg);
	optopt = OPTOPT_NONE;
}

void
usage_exit(const char *text, int help)
{
	if (!help)
		option_complaint();
	fputs(text, help ? stdout : stderr);
	exit(help ? RC_OK : RC_USAGE);
}

int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

/* Only `init` creates the database; set in main() from the command. */
static int may_create_db;

struct store *
ctx_store(struct ctx *ctx)
{
	struct errbuf err = { "" };
	struct stat sb;

	if (ctx->st != NULL)
		return ctx->st;
	/*
	 * A typo in -d must not quietly make an empty database that then
	 * reports "no findings" and exits 0.
	 */
	if (!may_create_db && strcmp(ctx->db_path, ":memory:") != 0 &&
	    stat(ctx->db_path, &sb) < 0 && errno == ENOENT)
		die(RC_FAILURE, "no database at '%s' (run `rollcall init`"
		    " first)", ctx->db_path);
	if ((ctx->st = store_open(ctx->db_path, &err)) == NULL)
		die(RC_FAILURE, "%s", err.msg);
	return ctx->st;
}

struct config *
ctx_config(struct ctx *ctx)
{
	struct errbuf err = { "" };

	if (ctx->cfg == NULL &&
	    (ctx->cfg = config_load(ctx->config_path, ctx->config_given,
	    &err)) == NULL)
		die(RC_USAGE, "%s", err.msg);
	return ctx->cfg;
}

/*
 * The audit trail: commands that always change the database are recorded
 * whatever their result; any other one when its connection wrote (findings
 * and offboard when they reconcile, say). One row per run, from main()'s
 * return or, when the command died, from the exit itself.
 */
static const char *const audited[] = {
	"init", "import", "pull", "reconcile", "review open", "review import",
	"review close",
};

/* Options of review verbs that take a value (not the campaign name). */
static const char *const value_options[] = {
	"--due", "--out", "--format", "--reason", "--since", "--to", "--from",
};

static struct {
	struct ctx *ctx;	/* NULL: nothing (more) to record */
	char	*command;	/* "review close" */
	char	*args;		/* JSON, before getopt permutes argv */
	char	*campaign;	/* guessed from review VERB NAME */
	int	 always;
} run;

static void
audit_start(struct ctx *ctx, int argc, char **argv)
{
	size_t i;
	int a;

	if (wants_help(argc, argv))
		return;
	run.ctx = ctx;
	if ((strcmp(argv[0], "import") == 0 || strcmp(argv[0], "review") == 0)
	    && argc > 1 && argv[1][0] != '-')
		run.command = xasprintf("%s %s", argv[0], argv[1]);
	else
		run.command = xstrdup(argv[0]);
	run.args = audit_args_json(argc, argv);
	for (i = 0; i < ARRAY_SIZE(audited); i++)
		if (strcmp(run.command, audited[i]) == 0 ||
		    (strcmp(audited[i], "import") == 0 &&
		    strcmp(argv[0], "import") == 0))
			run.always = 1;
	/* review VERB NAME: the first word that is no option nor its value */
	if (strcmp(argv[0], "review") != 0 || argc < 3 ||
	    strcmp(argv[1], "import") == 0)
		return;
	for (a = 2; a < argc; a++) {
		if (argv[a][0] != '-') {
			run.campaign = xstrdup(argv[a]);
			return;
		}
		for (i = 0; i < ARRAY_SIZE(value_options); i++)
			if (strcmp(argv[a], value_options[i]) == 0)
				a++;
	}
}

static void
audit_finish(int rc)
{
	struct ctx *ctx = run.ctx;
	struct audit_entry e;
	struct errbuf err = { "" };
	struct store *st = NULL;
	int wrote;

	if (ctx == NULL)
		return;
	run.ctx = NULL;		/* once, whichever way we leave */
	wrote = ctx->st != NULL && sqlite3_total_changes(store_db(ctx->st)) > 0;
	if (!run.always && !wrote)
		goto out;
	if (ctx->st != NULL) {
		store_rollback(ctx->st);	/* what a dying command left */
		st = ctx->st;
	} else if (access(ctx->db_path, F_OK) == 0) {
		/* It failed before opening one: none made just for this. */
		if ((st = store_open(ctx->db_path, &err)) == NULL)
			goto out;
	} else
		goto out;
	memset(&e, 0, sizeof(e));
	e.os_user = audit_os_user();
	e.command = run.command;
	e.args = run.args;
	e.result = rc;
	e.counts = ctx->audit_counts;
	e.campaign = ctx->audit_campaign ? ctx->audit_campaign : run.campaign;
	if (audit_append(st, &e, &err) < 0)
		warning("cannot record '%s' in the audit log: %s", run.command,
		    err.msg);
	if (st != ctx->st)
		store_close(st);
out:
	free(run.command);
	free(run.args);
	free(run.campaign);
	free(ctx->audit_counts);
	free(ctx->audit_campaign);
	ctx->audit_counts = ctx->audit_campaign = NULL;
}

/* exit() from die() or usage_exit() inside a command: record it too. */
static void
audit_on_exit(int status, void *arg)
{
	(void)arg;
	audit_finish(status);
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "as-of", required_argument, NULL, 'A' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx ctx;
	struct errbuf err = { "" };
	const struct command *cmd;
	const char *env;
	int ch, rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.db_path = "rollcall.db";
	ctx.config_path = "rollcall.conf";
	if ((env = getenv("ROLLCALL_DB")) != NULL && *env)
		ctx.db_path = env;
	if ((env = getenv("ROLLCALL_CONFIG")) != NULL && *env) {
		ctx.config_path = env;
		ctx.config_given = 1;
	}
	date_today(ctx.as_of);
	opterr = 0;
	arm_optopt();
	cur_argc = argc;
	cur_argv = argv;
	while ((ch = getopt_long(argc, argv, "+d:c:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			ctx.db_path = optarg;
			break;
		case 'c':
			ctx.config_path = optarg;
			ctx.config_given = 1;
			break;
		case 'A':
			if (date_parse(optarg, "%Y-%m-%d", ctx.as_of, &err) < 0)
				die(RC_USAGE, "--as-of: %s", err.msg);
			ctx.as_of_given = 1;
			break;
		case 'q':
			rc_quiet = 1;
			break;
		case 'h':
			usage_exit(main_usage, 1);
		case 'V':
			printf("rollcall %s (schema %d)\n", ROLLCALL_VERSION,
			    store_schema_version());
			return RC_OK;
		default:
			usage_exit(main_usage, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_exit(main_usage, 0);
	if (strcmp(argv[0], "help") == 0)
		usage_exit(main_usage, 1);
	if ((cmd = find_command(argv[0])) == NULL) {
		error("unknown command '%s' (see rollcall --help)", argv[0]);
		return RC_USAGE;
	}
	arm_optopt();		/* optind = 0: glibc re-initializes getopt */
	audit_start(&ctx, argc, argv);
	on_exit(audit_on_exit, NULL);
	cur_argc = argc;
	cur_argv = argv;
	snprintf(cur_name, sizeof(cur_name), "%s", cmd->name);
	/* import and review hand argv + 1 to their verb, which parses it */
	if ((strcmp(cmd->name, "import") == 0 ||
	    strcmp(cmd->name, "review") == 0) && argc > 1 &&
	    argv[1][0] != '-') {
		cur_argc = argc - 1;
		cur_argv = argv + 1;
		snprintf(cur_name, sizeof(cur_name), "%s %s", cmd->name,
		    argv[1]);
	}
	may_create_db = cmd->fn == cmd_init;
	rc = cmd->fn(argc, argv, &ctx);
	audit_finish(rc);
	store_close(ctx.st);
	config_free(ctx.cfg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error("cannot write to standard output");
		return RC_FAILURE;
	}
	return rc;
}
