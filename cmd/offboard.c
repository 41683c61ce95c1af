/*
 * offboard.c: `rollcall offboard`: prove that terminated people have no
 * access left. Exit 3 when an account of a terminated person is still
 * active anywhere, 0 when clean; upcoming terminations are information.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/date.h"
#include "rollcall/offboard.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"

static const char offboard_usage[] =
"usage: rollcall offboard [--since DATE] [--person ID]\n"
"           [--format table|json]\n"
"\n"
"List every account still active in any source that belongs to a person\n"
"terminated before the as-of date (default today), with its entitlements.\n"
"Terminations in the next [policy] upcoming_days (14) are listed apart,\n"
"as information.\n"
"\n"
"  --since DATE   only people terminated on or after DATE\n"
"  --person ID    only this employee id\n"
"  --format F     table (default) or json\n"
"\n"
"exit status: 3 when access is left, 0 when clean.\n";

static json_t *
jstr(const char *s)
{
	json_t *j;

	if (s == NULL || (j = json_string(s)) == NULL)
		return json_null();
	return j;
}

static void
print_json(const struct offboard_report *rep, const char *as_of)
{
	json_t *root, *left, *up, *o, *ents;
	size_t i, j;
	char *text;

	root = json_object();
	left = json_array();
	up = json_array();
	json_object_set_new(root, "as_of", json_string(as_of));
	for (i = 0; i < rep->nleft; i++) {
		const struct offboard_leftover *l = &rep->left[i];

		o = json_object();
		ents = json_array();
		for (j = 0; j < l->nentitlements; j++)
			json_array_append_new(ents, jstr(l->entitlements[j]));
		json_object_set_new(o, "person_id", jstr(l->person_id));
		json_object_set_new(o, "terminated_on", jstr(l->terminated_on));
		json_object_set_new(o, "days_since", l->days_since < 0 ?
		    json_null() : json_integer(l->days_since));
		json_object_set_new(o, "source", jstr(l->source));
		json_object_set_new(o, "login", jstr(l->login));
		json_object_set_new(o, "status", jstr(l->status));
		json_object_set_new(o, "entitlements", ents);
		json_array_append_new(left, o);
	}
	for (i = 0; i < rep->nup; i++) {
		const struct offboard_upcoming *u = &rep->up[i];

		o = json_object();
		json_object_set_new(o, "person_id", jstr(u->person_id));
		json_object_set_new(o, "terminates_on", jstr(u->terminates_on));
		json_object_set_new(o, "days_until",
		    json_integer(u->days_until));
		json_object_set_new(o, "accounts", json_integer(u->accounts));
		json_array_append_new(up, o);
	}
	json_object_set_new(root, "leftovers", left);
	json_object_set_new(root, "upcoming", up);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (text != NULL)
		printf("%s\n", text);
	free(text);
}

/* Print rows of n cells with columns as wide as their widest cell. */
static void
print_table(const char *const *head, size_t ncols, char ***rows,
    size_t nrows)
{
	size_t w[8], i, j, n;

	for (j = 0; j < ncols; j++)
		w[j] = strlen(head[j]);
	for (i = 0; i < nrows; i++)
		for (j = 0; j < ncols; j++)
			if ((n = strlen(rows[i][j])) > w[j])
				w[j] = n;
	for (j = 0; j < ncols; j++)
		printf("%-*s%s", j + 1 < ncols ? (int)w[j] : 0, head[j],
		    j + 1 < ncols ? "  " : "\n");
	/* every cell is non-empty ("-" at least): no trailing blanks */
	for (i = 0; i < nrows; i++)
		for (j = 0; j < ncols; j++)
			printf("%-*s%s", j + 1 < ncols ? (int)w[j] : 0,
			    rows[i][j], j + 1 < ncols ? "  " : "\n");
}

static void
free_rows(char ***rows, size_t nrows, size_t ncols)
{
	size_t i, j;

	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
}

static void
print_text(const struct offboard_report *rep, int upcoming_days)
{
	static const char *const lhead[] = {
		"PERSON", "TERMINATED", "DAYS", "SOURCE", "LOGIN", "STATUS",
		"ENTITLEMENTS",
	};
	static const char *const uhead[] = {
		"PERSON", "TERMINATES", "IN DAYS", "ACCOUNTS",
	};
	struct buf b = BUF_INIT;
	char ***rows;
	size_t i, j;

	if (rep->nleft > 0) {
		rows = xcalloc(rep->nleft, sizeof(*rows));
		for (i = 0; i < rep->nleft; i++) {
			const struct offboard_leftover *l = &rep->left[i];

			buf_reset(&b);
			for (j = 0; j < l->nentitlements; j++)
				buf_addf(&b, "%s%s", j ? ", " : "",
				    l->entitlements[j]);
			rows[i] = xcalloc(7, sizeof(char *));
			rows[i][0] = xstrdup(l->person_id);
			rows[i][1] = xstrdup(l->terminated_on ?
			    l->terminated_on : "(status)");
			rows[i][2] = l->days_since < 0 ? xstrdup("-") :
			    xasprintf("%ld", l->days_since);
			rows[i][3] = xstrdup(l->source);
			rows[i][4] = xstrdup(l->login ? l->login : "-");
			rows[i][5] = xstrdup(l->status ? l->status : "-");
			rows[i][6] = xstrdup(b.len ? buf_str(&b) : "-");
		}
		print_table(lhead, 7, rows, rep->nleft);
		free_rows(rows, rep->nleft, 7);
	}
	buf_release(&b);
	if (rep->nup == 0)
		return;
	printf("%sUpcoming terminations (next %d days, information only):\n",
	    rep->nleft ? "\n" : "", upcoming_days);
	rows = xcalloc(rep->nup, sizeof(*rows));
	for (i = 0; i < rep->nup; i++) {
		rows[i] = xcalloc(4, sizeof(char *));
		rows[i][0] = xstrdup(rep->up[i].person_id);
		rows[i][1] = xstrdup(rep->up[i].terminates_on);
		rows[i][2] = xasprintf("%ld", rep->up[i].days_until);
		rows[i][3] = xasprintf("%ld", rep->up[i].accounts);
	}
	print_table(uhead, 4, rows, rep->nup);
	free_rows(rows, rep->nup, 4);
}

/* How many different people the leftovers name (they are sorted). */
static size_t
count_people(const struct offboard_report *rep)
{
	size_t i, n = 0;

	for (i = 0; i < rep->nleft; i++)
		if (i == 0 || strcmp(rep->left[i].person_id,
		    rep->left[i - 1].person_id) != 0)
			n++;
	return n;
}

int
cmd_offboard(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_SINCE = 256, OPT_PERSON, OPT_FORMAT };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "person", required_argument, NULL, OPT_PERSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct offboard_query oq;
	struct offboard_report rep;
	struct errbuf err = { "" };
	struct store *st;
	struct config *cfg;
	char since[11];
	int64_t id;
	int ch, json = 0, rc;

	memset(&oq, 0, sizeof(oq));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SINCE:
			if (date_parse(optarg, "%Y-%m-%d", since, &err) < 0)
				die(RC_USAGE, "--since: %s", err.msg);
			oq.since = since;
			break;
		case OPT_PERSON:
			oq.person = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "table") != 0)
				die(RC_USAGE, "--format: '%s' is not table or"
				    " json", optarg);
			break;
		case 'h':
			usage_exit(offboard_usage, 1);
		default:
			usage_exit(offboard_usage, 0);
		}
	}
	if (optind != argc)
		usage_exit(offboard_usage, 0);

	st = ctx_store(ctx);
	cfg = ctx_config(ctx);
	oq.as_of = ctx->as_of;
	oq.upcoming_days = cfg->upcoming_days;
	/* Without a roster every check would pass: that is not "clean". */
	if ((id = snapshot_current(st, "hr")) <= 0) {
		error("no HR roster imported (rollcall import hr FILE)");
		return RC_FAILURE;
	}
	if ((id = reconcile_ensure(st, cfg, ctx->as_of, NULL, &err)) < 0) {
		error("cannot reconcile: %s", err.msg);
		return RC_FAILURE;
	}
	if (offboard_run(st, id, &oq, &rep, &err) < 0) {
		error("offboard: %s", err.msg);
		return RC_FAILURE;
	}
	if (oq.person != NULL && !rep.person_found) {
		offboard_report_release(&rep);
		error("--person: no '%s' in the current HR roster", oq.person);
		return RC_USAGE;
	}
	if (json)
		print_json(&rep, ctx->as_of);
	else
		print_text(&rep, oq.upcoming_days);
	if (rep.nleft > 0)
		note("%zu active account%s of %zu terminated %s",
		    rep.nleft, rep.nleft == 1 ? "" : "s", count_people(&rep),
		    count_people(&rep) == 1 ? "person" : "people");
	else
		note("no access left: no active account of a terminated"
		    " person");
	rc = rep.nleft > 0 ? RC_FOUND : RC_OK;
	offboard_report_release(&rep);
	return rc;
}
