/*
 * log.c: `rollcall log`: the audit trail, every command that changed the
 * database (core/audit.c), oldest first.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/date.h"
#include "rollcall/store.h"

static const char log_usage[] =
"usage: rollcall log [--since DATE] [--campaign NAME] [--format table|json]\n"
"\n"
"The audit trail: every command that changed the database, failed ones\n"
"included: when (UTC), which OS user, the command and its arguments, the\n"
"exit code, what it counted and the campaign it concerned.\n"
"\n"
"options:\n"
"      --since DATE     from DATE (YYYY-MM-DD) on\n"
"      --campaign NAME  only what concerned campaign NAME\n"
"      --format F       table (default) or json\n";

/* The arguments as one line: words with blanks or quotes in '...'. */
static void
print_args(const char *json)
{
	json_t *a = json_loads(json ? json : "[]", 0, NULL), *v;
	size_t i;

	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			continue;
		if (i > 0)
			putchar(' ');
		if (*s == '\0' || strpbrk(s, " \t\r\n'\"\\") != NULL) {
			putchar('\'');
			for (; *s; s++) {
				if (*s == '\'')
					fputs("'\\''", stdout);
				else if (*s == '\n' || *s == '\r' || *s == '\t')
					putchar(' ');
				else
					putchar(*s);
			}
			putchar('\'');
		} else
			fputs(s, stdout);
	}
	json_decref(a);
}

static int
table_row(const struct audit_entry *e, void *arg, struct errbuf *err)
{
	(void)arg;
	(void)err;
	printf("%-20s  %-12s  %4d  %-12s  ", e->at, e->os_user ? e->os_user :
	    "-", e->result, e->campaign ? e->campaign : "-");
	print_args(e->args);
	if (e->counts != NULL)
		printf("  %s", e->counts);
	putchar('\n');
	return 0;
}

static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL || (j = json_string(s)) == NULL)
		return json_null();
	return j;
}

static int
json_row(const struct audit_entry *e, void *arg, struct errbuf *err)
{
	json_t *o = json_object(), *args, *counts = NULL;

	(void)err;
	if ((args = json_loads(e->args ? e->args : "[]", 0, NULL)) == NULL)
		args = json_array();
	if (e->counts != NULL)
		counts = json_loads(e->counts, 0, NULL);
	json_object_set_new(o, "at", jstr(e->at));
	json_object_set_new(o, "os_user", jstr(e->os_user));
	json_object_set_new(o, "command", jstr(e->command));
	json_object_set_new(o, "args", args);
	json_object_set_new(o, "result", json_integer(e->result));
	json_object_set_new(o, "counts", counts ? counts : json_null());
	json_object_set_new(o, "campaign", jstr(e->campaign));
	json_array_append_new(arg, o);
	return 0;
}

int
cmd_log(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_SINCE = 256, OPT_CAMPAIGN, OPT_FORMAT };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "campaign", required_argument, NULL, OPT_CAMPAIGN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct errbuf err = { "" };
	const char *campaign = NULL, *format = "table";
	char since[11];
	json_t *root, *entries;
	int ch, has_since = 0, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SINCE:
			if (date_parse(optarg, "%Y-%m-%d", since, &err) < 0)
				die(RC_USAGE, "log: --since: %s", err.msg);
			has_since = 1;
			break;
		case OPT_CAMPAIGN:
			campaign = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'h':
			usage_exit(log_usage, 1);
		default:
			usage_exit(log_usage, 0);
		}
	}
	if (optind != argc)
		usage_exit(log_usage, 0);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		die(RC_USAGE, "log: unknown format '%s' (table or json)",
		    format);
	if (strcmp(format, "table") == 0) {
		printf("%-20s  %-12s  %4s  %-12s  %s\n", "AT", "USER", "EXIT",
		    "CAMPAIGN", "COMMAND");
		rc = audit_each(ctx_store(ctx), has_since ? since : NULL,
		    campaign, table_row, NULL, &err);
	} else {
		root = json_object();
		entries = json_array();
		json_object_set_new(root, "entries", entries);
		rc = audit_each(ctx_store(ctx), has_since ? since : NULL,
		    campaign, json_row, entries, &err);
		if (rc == 0) {
			json_dumpf(root, stdout, JSON_INDENT(2) |
			    JSON_PRESERVE_ORDER);
			putchar('\n');
		}
		json_decref(root);
	}
	if (rc < 0) {
		error("log: %s", err.msg);
		return RC_FAILURE;
	}
	return RC_OK;
}
