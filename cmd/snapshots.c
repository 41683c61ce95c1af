/*
 * snapshots.c: `rollcall snapshots` (every pull and import attempt) and
 * `rollcall sources` (each source's current snapshot and last attempt).
 */
#include <getopt.h>
#include <stdio.h>
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

int
cmd_snapshots(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL;
	struct errbuf err = { "" };
	sqlite3_stmt *s;
	json_t *rows = json_array(), *row;
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
	if (fmt == FMT_TABLE)
		printf("%-5s %-16s %-10s %-7s %-20s %8s %7s %8s  %s\n", "ID",
		    "SOURCE", "KIND", "STATUS", "STARTED", "RECORDS", "GROUPS",
		    "GRANTS", "ORIGIN / ERROR");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fmt == FMT_TABLE) {
			printf("%-5lld %-16s %-10s %-7s %-20s %8lld %7lld %8lld"
			    "  %s\n", sqlite3_column_int64(s, 0),
			    store_col(s, 1), store_col(s, 2), store_col(s, 3),
			    store_col(s, 4), sqlite3_column_int64(s, 6),
			    sqlite3_column_int64(s, 7),
			    sqlite3_column_int64(s, 8),
			    store_col(s, 11) ? store_col(s, 11) :
			    store_col(s, 9) ? store_col(s, 9) : "");
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
		error("snapshots: %s", store_errmsg(ctx_store(ctx)));
		return RC_FAILURE;
	}
	if (fmt == FMT_JSON)
		print_json(json_object(), "snapshots", rows);
	else
		json_decref(rows);
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
	if (fmt == FMT_TABLE)
		printf("%-16s %-10s %8s %-20s %8s %7s %8s %6s  %s\n", "SOURCE",
		    "TYPE", "SNAPSHOT", "PULLED", "RECORDS", "GROUPS", "GRANTS",
		    "NOTES", "LAST ATTEMPT");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *last = store_col(s, 8);

		if (fmt == FMT_TABLE) {
			printf("%-16s %-10s %8s %-20s %8lld %7lld %8lld %6lld"
			    "  %s%s%s\n", store_col(s, 0),
			    store_col(s, 1) ? store_col(s, 1) : "",
			    store_col(s, 2) ? store_col(s, 2) : "-",
			    store_col(s, 3) ? store_col(s, 3) : "never",
			    sqlite3_column_int64(s, 4),
			    sqlite3_column_int64(s, 5),
			    sqlite3_column_int64(s, 6),
			    sqlite3_column_int64(s, 7), last ? last : "none",
			    store_col(s, 10) ? ": " : "",
			    store_col(s, 10) ? store_col(s, 10) : "");
			if (sqlite3_column_int64(s, 7) > 0)
				print_notes(ctx, sqlite3_column_int64(s, 2));
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
		error("sources: %s", store_errmsg(ctx_store(ctx)));
		return RC_FAILURE;
	}
	if (fmt == FMT_JSON)
		print_json(json_object(), "sources", rows);
	else
		json_decref(rows);
	return RC_OK;
}
