/*
 * findings.c: `rollcall findings`: list the findings of the newest
 * reconcile (reconciling first when the data or the as-of date moved on),
 * as an aligned table, CSV or JSON; --fail-on turns them into exit 3.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/csv.h"
#include "rollcall/reconcile.h"
#include "rollcall/store.h"

static const char findings_usage[] =
"usage: rollcall findings [--kind K] [--source S]\n"
"           [--severity S] [--format table|csv|json] [--fail-on S] [--all]\n"
"\n"
"List the findings as of --as-of (default today), reconciling first when\n"
"the current one is out of date.\n"
"\n"
"  --kind K         only this kind: terminated_active, orphan,\n"
"                   over_privileged, sod_conflict, no_mfa, dormant,\n"
"                   duplicate, service_no_owner, revocation_pending\n"
"  --source S       only this source\n"
"  --severity S     S and above: low, medium, high, critical\n"
"  --format F       table (default), csv or json\n"
"  --fail-on S      exit 3 when a finding at S or above is listed\n"
"  --all            include findings suppressed by an exception (marked)\n";

enum { FMT_TABLE, FMT_CSV, FMT_JSON };

#define SEV_RANK \
	"CASE severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2" \
	" WHEN 'high' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END"

static const char sql_findings[] =
    "SELECT kind, severity, source, login, person_id, entitlement, detail,"
    " suppressed_by FROM findings"
    " WHERE reconcile_id = ?1 AND (?2 IS NULL OR kind = ?2)"
    " AND (?3 IS NULL OR source = ?3 COLLATE NOCASE)"
    " AND " SEV_RANK " >= ?4"
    " ORDER BY " SEV_RANK " DESC, kind, source, login, entitlement, id";

enum { C_KIND, C_SEVERITY, C_SOURCE, C_LOGIN, C_PERSON, C_ENTITLEMENT,
	C_DETAIL, C_SUPPRESSED, NCOLS };

struct listing {
	int	 format;
	int	 all;
	int	 fail_on;	/* severity, or 0 */
	int	 worst;		/* highest severity listed, unsuppressed */
	long	 by_kind[FK_COUNT];
	long	 suppressed;
};

/* "orphan (external)" for an external orphan, else the kind. */
static const char *
kind_label(const char *kind, const char *detail, char *buf, size_t len)
{
	json_t *d;
	int external = 0;

	if (strcmp(kind, "orphan") != 0 || detail == NULL)
		return kind;
	if ((d = json_loads(detail, 0, NULL)) != NULL) {
		external = json_is_true(json_object_get(d, "external"));
		json_decref(d);
	}
	if (!external)
		return kind;
	snprintf(buf, len, "%s (external)", kind);
	return buf;
}

static const char *
col_or(sqlite3_stmt *q, int i, const char *def)
{
	const char *s = store_col(q, i);

	return s && *s ? s : def;
}

static int
is_suppressed(sqlite3_stmt *q)
{
	return sqlite3_column_type(q, C_SUPPRESSED) != SQLITE_NULL;
}

/*
 * Count the row for the summary and --fail-on. Suppressed rows are read
 * too, so that the summary can say how many there are; only --all shows
 * them.
 */
static void
tally(struct listing *ls, sqlite3_stmt *q)
{
	int k = finding_kind_parse(store_col(q, C_KIND));
	int sev = severity_parse(store_col(q, C_SEVERITY));

	if (is_suppressed(q)) {
		ls->suppressed++;
		return;
	}
	if (k >= 0)
		ls->by_kind[k]++;
	if (sev > ls->worst)
		ls->worst = sev;
}

static const char *const table_head[] = {
	"SEVERITY", "KIND", "SOURCE", "LOGIN", "PERSON", "ENTITLEMENT",
	"SUPPRESSED",
};

/* The table cells of a row; label is scratch for kind_label(). */
static void
table_cells(sqlite3_stmt *q, const char *cells[7], char *label, size_t len,
    char *until, size_t ulen)
{
	json_t *sup;

	cells[0] = col_or(q, C_SEVERITY, "-");
	cells[1] = kind_label(store_col(q, C_KIND), store_col(q, C_DETAIL),
	    label, len);
	cells[2] = col_or(q, C_SOURCE, "-");
	cells[3] = col_or(q, C_LOGIN, "-");
	cells[4] = col_or(q, C_PERSON, "-");
	cells[5] = col_or(q, C_ENTITLEMENT, "-");
	cells[6] = "";
	if (store_col(q, C_SUPPRESSED) != NULL) {
		sup = json_loads(store_col(q, C_SUPPRESSED), 0, NULL);
		snprintf(until, ulen, "until %s", sup && json_string_value(
		    json_object_get(sup, "expires")) ? json_string_value(
		    json_object_get(sup, "expires")) : "?");
		json_decref(sup);
		cells[6] = until;
	}
}

/* One aligned line, without trailing blanks. */
static void
print_row(const char *const *cells, const size_t *w, size_t ncols)
{
	size_t i, pad = 0;

	for (i = 0; i < ncols; i++) {
		if (*cells[i] != '\0') {
			printf("%*s%s", (int)pad, "", cells[i]);
			pad = 0;
		}
		pad += w[i] - strlen(cells[i]) + 2;
	}
	putchar('\n');
}

/* Two passes over the rows: widths first, then the aligned lines. */
static int
list_table(sqlite3_stmt *q, struct listing *ls)
{
	size_t w[7], n, i, ncols = ls->all ? 7 : 6;
	const char *cells[7];
	char label[64], until[64];
	int rc, pass;
	long rows = 0;

	for (i = 0; i < ncols; i++)
		w[i] = strlen(table_head[i]);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && rows > 0)
			print_row(table_head, w, ncols);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			if (pass == 0)
				tally(ls, q);
			if (!ls->all && is_suppressed(q))
				continue;
			table_cells(q, cells, label, sizeof(label), until,
			    sizeof(until));
			if (pass == 0) {
				rows++;
				for (i = 0; i < ncols; i++)
					if ((n = strlen(cells[i])) > w[i])
						w[i] = n;
				continue;
			}
			print_row(cells, w, ncols);
		}
		if (rc != SQLITE_DONE)
			return -1;
		sqlite3_reset(q);
	}
	return 0;
}

static int
list_csv(sqlite3_stmt *q, struct listing *ls)
{
	static const char *const head[] = {
		"kind", "severity", "source", "login", "person_id",
		"entitlement", "detail", "suppressed_by",
	};
	size_t i, ncols = ls->all ? 8 : 7;
	char label[64];
	const char *cell;
	int rc;

	for (i = 0; i < ncols; i++) {
		csv_write_cell(stdout, head[i], ',');
		fputs(i + 1 < ncols ? "," : "\r\n", stdout);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		tally(ls, q);
		if (!ls->all && is_suppressed(q))
			continue;
		for (i = 0; i < ncols; i++) {
			cell = i == C_KIND ? kind_label(store_col(q, C_KIND),
			    store_col(q, C_DETAIL), label, sizeof(label)) :
			    col_or(q, (int)i, "");
			csv_write_cell(stdout, cell, ',');
			fputs(i + 1 < ncols ? "," : "\r\n", stdout);
		}
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static json_t *
json_col(sqlite3_stmt *q, int i)
{
	const char *s = store_col(q, i);
	json_t *j;

	if (s == NULL || (j = json_string(s)) == NULL)
		return json_null();
	return j;
}

static json_t *
json_parsed(sqlite3_stmt *q, int i, json_t *def)
{
	const char *s = store_col(q, i);
	json_t *j;

	if (s == NULL || (j = json_loads(s, 0, NULL)) == NULL)
		return def;
	json_decref(def);
	return j;
}

/* One finding per element, written as it is read: no document in memory. */
static int
list_json(sqlite3_stmt *q, struct listing *ls, const char *as_of)
{
	json_t *o;
	char *text;
	int rc, first = 1;

	printf("{\"as_of\":\"%s\",\"findings\":[", as_of);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		tally(ls, q);
		if (!ls->all && is_suppressed(q))
			continue;
		o = json_object();
		json_object_set_new(o, "kind", json_col(q, C_KIND));
		json_object_set_new(o, "severity", json_col(q, C_SEVERITY));
		json_object_set_new(o, "source", json_col(q, C_SOURCE));
		json_object_set_new(o, "login", json_col(q, C_LOGIN));
		json_object_set_new(o, "person_id", json_col(q, C_PERSON));
		json_object_set_new(o, "entitlement",
		    json_col(q, C_ENTITLEMENT));
		json_object_set_new(o, "detail",
		    json_parsed(q, C_DETAIL, json_object()));
		if (ls->all)
			json_object_set_new(o, "suppressed_by",
			    json_parsed(q, C_SUPPRESSED, json_null()));
		text = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		printf("%s%s", first ? "" : ",", text ? text : "{}");
		free(text);
		first = 0;
	}
	printf("]}\n");
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
summary(const struct listing *ls)
{
	long total = 0;
	int k;

	for (k = 0; k < FK_COUNT; k++) {
		if (ls->by_kind[k] == 0)
			continue;
		total += ls->by_kind[k];
		note("%ld %s", ls->by_kind[k], finding_kind_name(k));
	}
	if (total == 0)
		note("no findings");
	if (ls->suppressed > 0 && !ls->all)
		note("%ld suppressed by exceptions (--all shows them)",
		    ls->suppressed);
	else if (ls->suppressed > 0)
		note("%ld suppressed by exceptions", ls->suppressed);
}

/*
 * --source names an account source: configured, or pulled or imported
 * into the database. A typo must not read as "no findings" and exit 0.
 */
static int
source_known(struct ctx *ctx, struct store *st, const char *name)
{
	const struct config *cfg = ctx_config(ctx);
	sqlite3_stmt *q;
	size_t i;
	int known = 0;

	if (source_name_reserved(name))
		return 0;
	for (i = 0; i < cfg->nsrc; i++)
		if (strcasecmp(cfg->src[i].name, name) == 0)
			return 1;
	q = store_prepare(st, "SELECT 1 FROM snapshots WHERE source = ?1"
	    " COLLATE NOCASE LIMIT 1", NULL);
	if (q == NULL)
		return 1;	/* not ours to fail on; the query will */
	store_bind_text(q, 1, name);
	known = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return known;
}

/* Once: which sources over_privileged could not check, and why. */
static void
note_unchecked(struct store *st)
{
	struct errbuf err = { "" };
	char *list = NULL;
	int no_matrix;

	if (reconcile_unchecked_sources(st, &list, &no_matrix, &err) < 0) {
		warning("%s", err.msg);
		return;
	}
	if (no_matrix && list != NULL)
		note("over_privileged not checked: no role matrix imported"
		    " (rollcall import matrix FILE)");
	else if (list != NULL)
		note("over_privileged not checked for sources the role matrix"
		    " does not mention: %s", list);
	free(list);
}

int
cmd_findings(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_KIND = 256, OPT_SOURCE, OPT_SEVERITY, OPT_FORMAT,
		OPT_FAIL_ON, OPT_ALL };
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct listing ls;
	struct errbuf err = { "" };
	struct store *st;
	sqlite3_stmt *q;
	const char *kind = NULL, *source = NULL;
	int64_t id;
	int ch, min_sev = SEV_LOW, rc;

	memset(&ls, 0, sizeof(ls));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_KIND:
			if (finding_kind_parse(optarg) < 0)
				die(RC_USAGE, "--kind: unknown kind '%s'"
				    " (see rollcall findings --help)", optarg);
			kind = finding_kind_name(finding_kind_parse(optarg));
			break;
		case OPT_SOURCE:
			source = optarg;
			break;
		case OPT_SEVERITY:
			if ((min_sev = severity_parse(optarg)) < 0)
				die(RC_USAGE, "--severity: '%s' is not low,"
				    " medium, high or critical", optarg);
			break;
		case OPT_FAIL_ON:
			if ((ls.fail_on = severity_parse(optarg)) < 0)
				die(RC_USAGE, "--fail-on: '%s' is not low,"
				    " medium, high or critical", optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0)
				ls.format = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				ls.format = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				ls.format = FMT_JSON;
			else
				die(RC_USAGE, "--format: '%s' is not table,"
				    " csv or json", optarg);
			break;
		case OPT_ALL:
			ls.all = 1;
			break;
		case 'h':
			usage_exit(findings_usage, 1);
		default:
			usage_exit(findings_usage, 0);
		}
	}
	if (optind != argc)
		usage_exit(findings_usage, 0);

	st = ctx_store(ctx);
	if (source != NULL && source_name_reserved(source)) {
		error("findings: --source: '%s' is not an account source (it"
		    " names the `rollcall import %s` file)", source, source);
		return RC_USAGE;
	}
	if (source != NULL && !source_known(ctx, st, source)) {
		error("findings: --source: unknown source '%s' (not in %s and"
		    " never pulled or imported; see rollcall sources)", source,
		    ctx_config(ctx)->path ? ctx_config(ctx)->path :
		    ctx->config_path);
		return RC_USAGE;
	}
	if ((id = reconcile_ensure(st, ctx_config(ctx), ctx->as_of, NULL,
	    &err)) < 0) {
		error("cannot reconcile: %s", err.msg);
		return RC_FAILURE;
	}
	if ((q = store_prepare(st, sql_findings, &err)) == NULL) {
		error("%s", err.msg);
		return RC_FAILURE;
	}
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, kind);
	store_bind_text(q, 3, source);
	sqlite3_bind_int(q, 4, min_sev);
	if (kind == NULL || strcmp(kind, "over_privileged") == 0)
		note_unchecked(st);
	if (ls.format == FMT_JSON)
		rc = list_json(q, &ls, ctx->as_of);
	else if (ls.format == FMT_CSV)
		rc = list_csv(q, &ls);
	else
		rc = list_table(q, &ls);
	if (rc < 0) {
		error("cannot read findings: %s", store_errmsg(st));
		sqlite3_finalize(q);
		return RC_FAILURE;
	}
	sqlite3_finalize(q);
	if (ls.format == FMT_TABLE)
		summary(&ls);
	if (ls.fail_on > 0 && ls.worst >= ls.fail_on)
		return RC_FOUND;
	return RC_OK;
}
