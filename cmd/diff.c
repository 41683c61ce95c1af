/*
 * diff.c: `rollcall diff`: what changed in a source between two pulls.
 * core/diff.c computes it; rows are printed as they come, so a diff of a
 * million accounts needs no memory of its own (JSON too: written by hand
 * around each row's object).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/cmd.h"
#include "rollcall/diff.h"
#include "rollcall/store.h"

static const char diff_usage[] =
"usage: rollcall diff [--source S] [--from SNAPSHOT] [--to SNAPSHOT]\n"
"           [--format table|json]\n"
"\n"
"What changed in a source between two of its snapshots: accounts added and\n"
"removed (by native id), status changes (the source's status or active),\n"
"MFA changes, and grants added and removed.\n"
"\n"
"  --source S       the source (default: that of --from/--to, or the only\n"
"                   source pulled)\n"
"  --from SNAPSHOT  the older snapshot id (default: the successful pull\n"
"                   before --to)\n"
"  --to SNAPSHOT    the newer snapshot id (default: the current one)\n"
"  --format F       table (default) or json\n"
"\n"
"Both snapshots must be successful pulls of the same source (exit 1\n"
"otherwise); `rollcall snapshots` lists them.\n";

enum { FMT_TABLE, FMT_JSON };

struct printer {
	int	 format;
	int	 first;		/* no row printed yet in this part */
};

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
row_json(const struct diff_row *r)
{
	switch (r->part) {
	case DIFF_ACCOUNTS_ADDED:
	case DIFF_ACCOUNTS_REMOVED:
		return json_pack("{s:o,s:o,s:o,s:b,s:o}",
		    "native_id", jstr(r->native_id), "login", jstr(r->login),
		    "status", jstr(r->status), "active", r->active,
		    "mfa", jstr(r->mfa));
	case DIFF_STATUS_CHANGED:
		return json_pack("{s:o,s:o,s:o,s:o,s:b,s:b}",
		    "native_id", jstr(r->native_id), "login", jstr(r->login),
		    "from_status", jstr(r->before), "to_status",
		    jstr(r->after), "from_active", r->active_before,
		    "to_active", r->active_after);
	case DIFF_MFA_CHANGED:
		return json_pack("{s:o,s:o,s:o,s:o}",
		    "native_id", jstr(r->native_id), "login", jstr(r->login),
		    "from", jstr(r->before), "to", jstr(r->after));
	default:
		return json_pack("{s:o,s:o,s:o,s:o,s:b}",
		    "native_id", jstr(r->native_id), "login", jstr(r->login),
		    "entitlement", jstr(r->entitlement), "entitlement_id",
		    jstr(r->entitlement_id), "privileged", r->privileged);
	}
}

static const char *
nz(const char *s)
{
	return s ? s : "-";
}

static int
print_row(const struct diff_row *r, void *arg, struct errbuf *err)
{
	static const char *const label[DIFF_NPARTS] = {
		"account added", "account removed", "status", "mfa",
		"grant added", "grant removed",
	};
	struct printer *p = arg;
	char detail[512];
	json_t *j;
	char *s;

	if (p->format == FMT_JSON) {
		if ((j = row_json(r)) == NULL ||
		    (s = json_dumps(j, JSON_COMPACT)) == NULL) {
			json_decref(j);
			err_set(err, "cannot format a row");
			return -1;
		}
		json_decref(j);
		printf("%s\n    %s", p->first ? "" : ",", s);
		free(s);
		p->first = 0;
		return 0;
	}
	switch (r->part) {
	case DIFF_ACCOUNTS_ADDED:
	case DIFF_ACCOUNTS_REMOVED:
		snprintf(detail, sizeof(detail), "%s (%s), mfa %s",
		    nz(r->status), r->active ? "active" : "not active",
		    nz(r->mfa));
		break;
	case DIFF_STATUS_CHANGED:
		snprintf(detail, sizeof(detail), "%s (%s) -> %s (%s)",
		    nz(r->before), r->active_before ? "active" : "not active",
		    nz(r->after), r->active_after ? "active" : "not active");
		break;
	case DIFF_MFA_CHANGED:
		snprintf(detail, sizeof(detail), "%s -> %s", nz(r->before),
		    nz(r->after));
		break;
	default:
		snprintf(detail, sizeof(detail), "%s%s", nz(r->entitlement),
		    r->privileged ? " (privileged)" : "");
		break;
	}
	printf("%-16s %-24s %-24s %s\n", label[r->part], nz(r->login),
	    nz(r->native_id), detail);
	return 0;
}

/* A snapshot id from the command line: a positive number, else exit 1. */
static int64_t
parse_id(const char *opt, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		die(RC_USAGE, "diff: %s: '%s' is not a snapshot id", opt, s);
	return (int64_t)v;
}

int
cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff_range r;
	struct printer p;
	struct errbuf err = { "" };
	struct store *st;
	const char *source = NULL;
	int64_t from = 0, to = 0;
	long counts[DIFF_NPARTS];
	json_t *head;
	char *s;
	int ch, rc, k;

	memset(&p, 0, sizeof(p));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			source = optarg;
			break;
		case 'F':
			from = parse_id("--from", optarg);
			break;
		case 'T':
			to = parse_id("--to", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				p.format = FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				p.format = FMT_JSON;
			else
				die(RC_USAGE, "diff: --format: '%s' is not"
				    " table or json", optarg);
			break;
		case 'h':
			usage_exit(diff_usage, 1);
		default:
			usage_exit(diff_usage, 0);
		}
	}
	if (optind != argc)
		usage_exit(diff_usage, 0);
	st = ctx_store(ctx);
	if ((rc = diff_resolve(st, source, from, to, &r, &err)) != 0) {
		error("diff: %s", err.msg);
		return rc == DIFF_REFUSED ? RC_USAGE : RC_FAILURE;
	}
	if (p.format == FMT_JSON) {
		/* The head through jansson (escaping), without its "}". */
		head = json_pack("{s:s,s:I,s:I,s:o,s:o}", "source", r.source,
		    "from", (json_int_t)r.from, "to", (json_int_t)r.to,
		    "from_finished_at", jstr(r.from_at), "to_finished_at",
		    jstr(r.to_at));
		s = json_dumps(head, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(head);
		s[strlen(s) - 2] = '\0';	/* "\n}" */
		fputs(s, stdout);
		free(s);
	} else {
		printf("%s: snapshot %lld (%s) -> snapshot %lld (%s)\n",
		    r.source, (long long)r.from, nz(r.from_at),
		    (long long)r.to, nz(r.to_at));
		printf("%-16s %-24s %-24s %s\n", "CHANGE", "LOGIN",
		    "NATIVE ID", "DETAIL");
	}
	for (k = 0; k < DIFF_NPARTS; k++) {
		if (p.format == FMT_JSON)
			printf(",\n  \"%s\": [", diff_part_name(k));
		p.first = 1;
		if (diff_each(st, &r, k, print_row, &p, &counts[k],
		    &err) < 0) {
			if (p.format == FMT_JSON)
				putchar('\n');
			error("diff: %s", err.msg);
			diff_range_release(&r);
			return RC_FAILURE;
		}
		if (p.format == FMT_JSON)
			printf("%s]", p.first ? "" : "\n  ");
	}
	if (p.format == FMT_JSON)
		printf("\n}\n");
	note("%s, snapshot %lld -> %lld: %ld accounts added, %ld removed,"
	    " %ld status changes, %ld MFA changes, %ld grants added,"
	    " %ld removed", r.source, (long long)r.from, (long long)r.to,
	    counts[DIFF_ACCOUNTS_ADDED], counts[DIFF_ACCOUNTS_REMOVED],
	    counts[DIFF_STATUS_CHANGED], counts[DIFF_MFA_CHANGED],
	    counts[DIFF_GRANTS_ADDED], counts[DIFF_GRANTS_REMOVED]);
	diff_range_release(&r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error("diff: cannot write the output: %s", strerror(errno));
		return RC_FAILURE;
	}
	return RC_OK;
}
