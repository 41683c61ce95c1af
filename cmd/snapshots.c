/*
 * snapshots.c: `rollcall snapshots` (every pull and import attempt) and
 * `rollcall sources` (each source's current snapshot and last attempt).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/store.h"

static const char snapshots_usage[] =
"usage: rollcall snapshots [--source NAME] [--format table|json]\n"
"\n"
"List every pull and import: id, source, kind, status (ok, failed,\n"
"running), when, counts, and the error of a failed one.\n";

static const char sources_usage[] =
"usage: rollcall sources [--format table|json]\n"
"\n"
"List each source (configured, or seen in the database) with its current\n"
"snapshot, its counts, its last attempt and data-quality notes.\n";

enum { FMT_TABLE, FMT_JSON };

static int
parse_format(const char *s, const char *usage)
{
	if (strcmp(s, "table") == 0)
		return FMT_TABLE;
	if (strcmp(s, "json") == 0)
		return FMT_JSON;
	error("unknown format '%s' (table or json)", s);
	usage_exit(usage, 0);
}

/*
 * A table sized to its data: names of any length stay aligned. Cells are
 * copied (the statement's text dies at the next step); right-aligned
 * columns hold numbers. The last column is not padded.
 */
#define TMAXCOL 10

struct table {
	size_t	 ncols;
	const char *right;	/* "R" at i: column i right-aligned */
	size_t	 w[TMAXCOL];
	char	**cell;		/* rows * ncols */
	int64_t	*tag;		/* per row, for the caller (snapshot id) */
	size_t	 nrows;
};

static void
table_add(struct table *t, const char *const *cells, int64_t tag)
{
	size_t i, n;

	t->cell = xrealloc(t->cell, (t->nrows + 1) * t->ncols *
	    sizeof(*t->cell));
	t->tag = xrealloc(t->tag, (t->nrows + 1) * sizeof(*t->tag));
	for (i = 0; i < t->ncols; i++) {
		t->cell[t->nrows * t->ncols + i] = xstrdup(cells[i] ?
		    cells[i] : "");
		if ((n = strlen(cells[i] ? cells[i] : "")) > t->w[i])
			t->w[i] = n;
	}
	t->tag[t->nrows++] = tag;
}

static void
table_print_row(const struct table *t, size_t r)
{
	const char *c;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		c = t->cell[r * t->ncols + i];
		if (i + 1 == t->ncols)
			printf("%s\n", c);
		else if (t->right[i] == 'R')
			printf("%*s  ", (int)t->w[i], c);
		else
			printf("%-*s  ", (int)t->w[i], c);
	}
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->tag);
}

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int
print_json(json_t *root, const char *key, json_t *rows)
{
	json_object_set_new(root, key, rows);
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return -1;
	putchar('\n');
	json_decref(root);
	return 0;
}

/* Configured, or with a snapshot (hr, matrix... included). */
static int
source_known(struct ctx *ctx, const char *name)
{
	sqlite3_stmt *q;
	int known;

	if (config_source(ctx_config(ctx), name) != NULL)
		return 1;
	q = store_prepare(ctx_store(ctx), "SELECT 1 FROM snapshots"
	    " WHERE source = ?1 LIMIT 1", NULL);
	if (q == NULL)
		return 1;	/* the listing's query reports the error */
	store_bind_text(q, 1, name);
	known = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return known;
}

int
cmd_snapshots(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[] = {
		"ID", "SOURCE", "KIND", "STATUS", "STARTED", "RECORDS",
		"GROUPS", "GRANTS", "ORIGIN / ERROR",
	};
	struct table tab = { 9, "R____RRR_", { 0 }, NULL, NULL, 0 };
	const char *source = NULL;
	struct errbuf err = { "" };
	sqlite3_stmt *s;
	json_t *rows = json_array(), *row;
	size_t i;
	int ch, fmt = FMT_TABLE, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			source = optarg;
			break;
		case 'f':
			fmt = parse_format(optarg, snapshots_usage);
			break;
		default:
			json_decref(rows);
			usage_exit(snapshots_usage, ch == 'h');
		}
	}
	if (optind != argc)
		usage_exit(snapshots_usage, 0);
	if (source != NULL && !source_known(ctx, source)) {
		json_decref(rows);
		error("snapshots: --source: unknown source '%s' (not in %s and"
		    " never pulled or imported; see rollcall sources)", source,
		    ctx_config(ctx)->path ? ctx_config(ctx)->path :
		    ctx->config_path);
		return RC_USAGE;
	}
	s = store_prepare(ctx_store(ctx), "SELECT id, source, kind, status,"
	    " started_at, finished_at, n_records, n_entitlements, n_grants,"
	    " origin, sha256, error FROM snapshots"
	    " WHERE ?1 IS NULL OR source = ?1 ORDER BY id", &err);
	if (s == NULL) {
		json_decref(rows);
		error("snapshots: %s", err.msg);
		return RC_FAILURE;
	}
	store_bind_text(s, 1, source);
	table_add(&tab, head, 0);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fmt == FMT_TABLE) {
			const char *cells[9];
			char num[4][24];

			for (i = 0; i < 4; i++)
				snprintf(num[i], sizeof(num[i]), "%" PRId64,
				    (int64_t)sqlite3_column_int64(s,
				    i == 0 ? 0 : (int)i + 5));
			cells[0] = num[0];
			cells[1] = store_col(s, 1);
			cells[2] = store_col(s, 2);
			cells[3] = store_col(s, 3);
			cells[4] = store_col(s, 4);
			cells[5] = num[1];
			cells[6] = num[2];
			cells[7] = num[3];
			cells[8] = store_col(s, 11) ? store_col(s, 11) :
			    store_col(s, 9);
			table_add(&tab, cells, 0);
			continue;
		}
		row = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o,"
		    "s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "source", jstr(store_col(s, 1)),
		    "kind", jstr(store_col(s, 2)),
		    "status", jstr(store_col(s, 3)),
		    "started_at", jstr(store_col(s, 4)),
		    "finished_at", jstr(store_col(s, 5)),
		    "records", (json_int_t)sqlite3_column_int64(s, 6),
		    "entitlements", (json_int_t)sqlite3_column_int64(s, 7),
		    "grants", (json_int_t)sqlite3_column_int64(s, 8),
		    "origin", jstr(store_col(s, 9)),
		    "sha256", jstr(store_col(s, 10)),
		    "error", jstr(store_col(s, 11)));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		table_free(&tab);
		error("snapshots: %s", store_errmsg(ctx_store(ctx)));
		return RC_FAILURE;
	}
	if (fmt == FMT_JSON)
		print_json(json_object(), "snapshots", rows);
	else {
		json_decref(rows);
		for (i = 0; i < tab.nrows; i++)
			table_print_row(&tab, i);
	}
	table_free(&tab);
	return RC_OK;
}

/* The data-quality notes of a snapshot, indented under its source. */
static void
print_notes(struct ctx *ctx, int64_t snap)
{
	sqlite3_stmt *s;
	long n = 0;

	s = store_prepare(ctx_store(ctx), "SELECT kind, detail FROM"
	    " source_issues WHERE snapshot_id = ? ORDER BY rowid", NULL);
	if (s == NULL)
		return;
	sqlite3_bind_int64(s, 1, snap);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (n++ < 20)
			printf("    %s: %s\n", store_col(s, 0), store_col(s, 1));
	if (n > 20)
		printf("    ... and %ld more\n", n - 20);
	sqlite3_finalize(s);
}

/* Every configured source, then any other name the database has seen. */
static const char sources_sql[] =
	"WITH names(source, type, ord) AS (SELECT value ->> '$[0]',"
	"  value ->> '$[1]', key FROM json_each(?1)"
	" UNION SELECT DISTINCT source, kind, 1000000 FROM snapshots"
	"  WHERE source NOT IN (SELECT value ->> '$[0]' FROM json_each(?1)))"
	" SELECT n.source, n.type, c.id, c.finished_at, c.n_records,"
	"  c.n_entitlements, c.n_grants,"
	"  (SELECT COUNT(*) FROM source_issues i WHERE i.snapshot_id = c.id),"
	"  l.status, l.finished_at, l.error"
	" FROM names n"
	" LEFT JOIN snapshots c ON c.id = (SELECT MAX(id) FROM snapshots"
	"  WHERE source = n.source AND status = 'ok')"
	" LEFT JOIN snapshots l ON l.id = (SELECT MAX(id) FROM snapshots"
	"  WHERE source = n.source)"
	" GROUP BY n.source ORDER BY MIN(n.ord), n.source";

int
cmd_sources(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[] = {
		"SOURCE", "TYPE", "SNAPSHOT", "PULLED", "RECORDS", "GROUPS",
		"GRANTS", "NOTES", "LAST ATTEMPT",
	};
	struct table tab = { 9, "__R_RRRR_", { 0 }, NULL, NULL, 0 };
	struct errbuf err = { "" };
	struct config *cfg;
	sqlite3_stmt *s;
	json_t *names, *rows, *row;
	char *names_json;
	size_t i;
	int ch, fmt = FMT_TABLE, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'f')
			fmt = parse_format(optarg, sources_usage);
		else
			usage_exit(sources_usage, ch == 'h');
	}
	if (optind != argc)
		usage_exit(sources_usage, 0);
	cfg = ctx_config(ctx);
	names = json_array();
	for (i = 0; i < cfg->nsrc; i++)
		json_array_append_new(names, json_pack("[ss]", cfg->src[i].name,
		    cfg->src[i].type));
	names_json = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	s = store_prepare(ctx_store(ctx), sources_sql, &err);
	if (s == NULL) {
		free(names_json);
		error("sources: %s", err.msg);
		return RC_FAILURE;
	}
	sqlite3_bind_text(s, 1, names_json, -1, SQLITE_TRANSIENT);
	free(names_json);
	rows = json_array();
	table_add(&tab, head, -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *last = store_col(s, 8);

		if (fmt == FMT_TABLE) {
			const char *cells[9];
			char num[4][24], *attempt;

			for (i = 0; i < 4; i++)
				snprintf(num[i], sizeof(num[i]), "%" PRId64,
				    (int64_t)sqlite3_column_int64(s,
				    (int)i + 4));
			attempt = xasprintf("%s%s%s", last ? last : "none",
			    store_col(s, 10) ? ": " : "",
			    store_col(s, 10) ? store_col(s, 10) : "");
			cells[0] = store_col(s, 0);
			cells[1] = store_col(s, 1);
			cells[2] = store_col(s, 2) ? store_col(s, 2) : "-";
			cells[3] = store_col(s, 3) ? store_col(s, 3) : "never";
			cells[4] = num[0];
			cells[5] = num[1];
			cells[6] = num[2];
			cells[7] = num[3];
			cells[8] = attempt;
			table_add(&tab, cells, sqlite3_column_int64(s, 7) > 0 ?
			    sqlite3_column_int64(s, 2) : -1);
			free(attempt);
			continue;
		}
		row = json_pack("{s:o,s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:o,s:o,s:o}",
		    "source", jstr(store_col(s, 0)),
		    "type", jstr(store_col(s, 1)),
		    "snapshot", sqlite3_column_type(s, 2) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 2)),
		    "pulled_at", jstr(store_col(s, 3)),
		    "records", (json_int_t)sqlite3_column_int64(s, 4),
		    "entitlements", (json_int_t)sqlite3_column_int64(s, 5),
		    "grants", (json_int_t)sqlite3_column_int64(s, 6),
		    "notes", (json_int_t)sqlite3_column_int64(s, 7),
		    "last_status", jstr(last),
		    "last_attempt_at", jstr(store_col(s, 9)),
		    "last_error", jstr(store_col(s, 10)));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		table_free(&tab);
		error("sources: %s", store_errmsg(ctx_store(ctx)));
		return RC_FAILURE;
	}
	if (fmt == FMT_JSON)
		print_json(json_object(), "sources", rows);
	else {
		json_decref(rows);
		for (i = 0; i < tab.nrows; i++) {
			table_print_row(&tab, i);
			if (tab.tag[i] >= 0)	/* a snapshot with notes */
				print_notes(ctx, tab.tag[i]);
		}
	}
	table_free(&tab);
	return RC_OK;
}
