/*
 * review.c: `rollcall review VERB`: review campaigns. This build has
 * `open`; import, status and close come in later milestones (add a row to
 * verbs[] and a review_VERB() here).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/audit.h"
#include "rollcall/campaign.h"
#include "rollcall/cmd.h"
#include "rollcall/config.h"
#include "rollcall/date.h"
#include "rollcall/delta.h"
#include "rollcall/reconcile.h"
#include "rollcall/report.h"
#include "rollcall/store.h"

static const char review_usage[] =
"usage: rollcall review open CAMPAIGN [--due DATE] [--out DIR] [--format csv,xlsx,html]\n"
"                          [--since-campaign PREVIOUS]\n"
"       rollcall review import [--campaign CAMPAIGN] FILE...\n"
"       rollcall review status CAMPAIGN [--due DATE] [--format table|json]\n"
"       rollcall review remind CAMPAIGN [--out FILE] [--ext EXT]\n"
"       rollcall review close CAMPAIGN [--out DIR] [--force --reason TEXT]\n"
"       rollcall review remediation CAMPAIGN [--format table|json]\n"
"\n"
"  open         freeze the current snapshots and findings into campaign\n"
"               CAMPAIGN and write one worksheet per reviewer, plus index.csv\n"
"               into a new or empty folder\n"
"  import       take signed worksheets (CSV or XLSX) back\n"
"  status       per reviewer: decided, pending, revoke, overdue\n"
"  remind       a mail-merge list of reviewers with pending items\n"
"  close        close the campaign and write its evidence pack\n"
"  remediation  whether the revoked access is gone in later pulls\n"
"\n"
"`rollcall review VERB --help` says more about each.\n"
"\n"
"options of open:\n"
"      --due DATE     when reviewers must be done (YYYY-MM-DD)\n"
"      --out DIR      where the worksheets go (default ./out/CAMPAIGN)\n"
"      --format LIST  worksheet formats, comma-separated: csv, xlsx, html\n"
"                     (default csv)\n"
"      --since-campaign PREVIOUS\n"
"                     a delta review: items unchanged since the closed\n"
"                     campaign PREVIOUS that were kept there are carried\n"
"                     forward as Keep (docs/review-delta.md)\n"
"\n"
"CAMPAIGN is a name such as Q4-2026: letters, digits, '.', '_' and '-'.\n"
"A reviewer is the person's manager; orphans, service accounts and people\n"
"without a manager go to the source's `owner`. Nobody reviews their own\n"
"access: then the holder's manager, else the source's owner, else\n"
"\"unassigned\".\n";

/* Worksheet formats, by --format word (see report.h to add one). */
static const struct worksheet_format *const formats[] = {
	&worksheet_csv,
	&worksheet_xlsx,
	&worksheet_html,
};

/* Formats DESIGN.md promises that this build does not write yet. */
static const char *const later_formats[] = { NULL };

static const struct worksheet_format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

/*
 * --format csv,xlsx: each known once, in the order given. Exits RC_USAGE
 * on a word this build cannot write.
 */
static size_t
parse_formats(const char *list, const struct worksheet_format **out)
{
	char *copy = xstrdup(list), *p, *tok, *save = NULL;
	size_t n = 0, i;

	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		const struct worksheet_format *f;
		const char *const *l;
		int dup = 0;

		str_trim(tok);
		if ((f = format_find(tok)) == NULL) {
			for (l = later_formats; *l; l++)
				if (strcmp(*l, tok) == 0)
					die(RC_USAGE, "review open: format '%s'"
					    " is not available in this build"
					    " (it writes: csv, xlsx, html)", tok);
			die(RC_USAGE, "review open: unknown format '%s'"
			    " (this build writes: csv, xlsx, html)", tok);
		}
		for (i = 0; i < n; i++)
			dup |= out[i] == f;
		if (!dup)
			out[n++] = f;
	}
	free(copy);
	if (n == 0)
		die(RC_USAGE, "review open: --format: no format given");
	return n;
}

/* The name becomes a folder name and part of every item id. */
static int
campaign_name_ok(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '.' || *s == '-' || strlen(s) > 64)
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return 0;
	return 1;
}

/*
 * 1 when dir exists and holds anything: another campaign's worksheets
 * there would be overwritten or left beside ours under the same names.
 */
static int
dir_in_use(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int used = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;	/* absent, or not a folder: report_mkdir says */
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			used = 1;
	closedir(d);
	return used;
}

/* The newest reconcile if it is up to date, else a fresh one; -1 on error. */
static int64_t
current_reconcile(struct ctx *ctx)
{
	struct reconcile_result rr;
	struct errbuf err = { "" };
	int64_t id;

	if ((id = reconcile_current(ctx_store(ctx), ctx->as_of, &err)) < 0) {
		error("review open: %s", err.msg);
		return -1;
	}
	if (id > 0)
		return id;
	memset(&rr, 0, sizeof(rr));
	if (reconcile_run(ctx_store(ctx), ctx_config(ctx), ctx->as_of, &rr,
	    &err) < 0) {
		error("review open: cannot reconcile: %s", err.msg);
		return -1;
	}
	note("reconciled as of %s: %ld accounts, %ld linked, %ld findings",
	    ctx->as_of, rr.accounts, rr.linked, rr.findings);
	return rr.id;
}

/*
 * An empty file of a new, unguessable name in dir (0600, from mkstemp)
 * for name's content: renamed into place once every file is written.
 */
static char *
stage_file(const char *dir, const char *name, struct errbuf *err)
{
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd;

	if ((fd = mkstemp(tmp)) < 0) {
		err_set(err, "cannot create a file in '%s': %s", dir,
		    strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

struct staged {
	char	*tmp;		/* written here first */
	char	*path;		/* then renamed to this */
	int	 placed;
};

/*
 * Every reviewer's worksheet in every format, then index.csv. Each is
 * written under a temporary name in dir, and only when all of them are
 * complete are they renamed into place: a failure leaves no partial file
 * and none of this campaign's (the campaign is rolled back with them).
 */
static int
write_worksheets(struct store *st, const struct campaign *c, const char *dir,
    const struct worksheet_format **fmts, size_t nfmts,
    const struct campaign_reviewer *rv, size_t nrv, struct errbuf *err)
{
	struct index_row *rows;
	struct staged *sg;
	struct strmap *taken = strmap_new();
	char **files;
	size_t i, j, k, n = 0, nsg = 0;
	long dummy;
	int ret = -1;

	rows = xcalloc(nfmts * nrv + 1, sizeof(*rows));
	files = xcalloc(nfmts * nrv + 1, sizeof(*files));
	sg = xcalloc(nfmts * nrv + 1, sizeof(*sg));
	for (j = 0; j < nfmts; j++) {
		for (i = 0; i < nrv; i++) {
			char *name = worksheet_file_name(&rv[i], fmts[j]->ext);

			/*
			 * Ids that slug alike ("a/b", "a_b") must not share a
			 * file. A map, not a search of the list: one per
			 * reviewer made thousands of reviewers quadratic.
			 */
			while (strmap_get(taken, name, &dummy)) {
				char *dot = strrchr(name, '.'), *alt;

				*dot = '\0';
				alt = xasprintf("%s-%zu.%s", name, i + 1,
				    fmts[j]->ext);
				free(name);
				name = alt;
			}
			strmap_put(taken, name, 1);
			files[n] = name;
			rows[n].reviewer = &rv[i];
			rows[n].file = name;
			n++;
			sg[nsg].path = xasprintf("%s/%s", dir, name);
			sg[nsg].tmp = stage_file(dir, name, err);
			if (sg[nsg++].tmp == NULL || fmts[j]->write(st, c,
			    &rv[i], sg[nsg - 1].tmp, err) < 0)
				goto out;
		}
	}
	sg[nsg].path = xasprintf("%s/index.csv", dir);
	if ((sg[nsg++].tmp = stage_file(dir, "index.csv", err)) == NULL ||
	    worksheet_index_csv(sg[nsg - 1].tmp, rows, n, err) < 0)
		goto out;
	for (k = 0; k < nsg; k++) {
		if (rename(sg[k].tmp, sg[k].path) < 0) {
			err_set(err, "cannot rename '%s' to '%s': %s",
			    sg[k].tmp, sg[k].path, strerror(errno));
			goto out;
		}
		sg[k].placed = 1;
	}
	ret = 0;
out:
	for (k = 0; k < nsg; k++) {
		if (ret < 0 && sg[k].placed)
			unlink(sg[k].path);
		else if (ret < 0 && sg[k].tmp != NULL)
			unlink(sg[k].tmp);
		free(sg[k].tmp);
		free(sg[k].path);
	}
	free(sg);
	strmap_free(taken);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(rows);
	return ret;
}

static int
review_open(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_DUE = 256, OPT_OUT, OPT_FORMAT, OPT_SINCE };
	static const struct option opts[] = {
		{ "due", required_argument, NULL, OPT_DUE },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "since-campaign", required_argument, NULL, OPT_SINCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct worksheet_format *fmts[ARRAY_SIZE(formats)];
	struct campaign_open_result res;
	struct campaign_reviewer *rv = NULL;
	struct campaign c;
	struct errbuf err = { "" };
	struct store *st;
	const char *name, *out = NULL, *fmtlist = "csv", *since = NULL;
	char due[11], *dir = NULL;
	int64_t rid, hr;
	long carried = 0;
	size_t nfmts, nrv = 0, i;
	int ch, rc, found, has_due = 0, ret = RC_FAILURE;

	memset(&res, 0, sizeof(res));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_DUE:
			if (date_parse(optarg, "%Y-%m-%d", due, &err) < 0)
				die(RC_USAGE, "review open: --due: %s", err.msg);
			has_due = 1;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_FORMAT:
			fmtlist = optarg;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case 'h':
			usage_exit(review_usage, 1);
		default:
			usage_exit(review_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(review_usage, 0);
	name = argv[optind];
	if (!campaign_name_ok(name))
		die(RC_USAGE, "review open: bad campaign name '%s' (letters,"
		    " digits, '.', '_' and '-'; up to 64)", name);
	nfmts = parse_formats(fmtlist, fmts);
	if (has_due && strcmp(due, ctx->as_of) < 0)
		warning("review open: due date %s is before %s", due,
		    ctx->as_of);
	st = ctx_store(ctx);
	ctx_config(ctx);

	/* Refuse early, before a reconcile that would be for nothing. */
	if ((found = campaign_find(st, name, &c, &err)) < 0)
		die(RC_FAILURE, "review open: %s", err.msg);
	if (found) {
		error("review open: campaign '%s' already exists (opened %s,"
		    " %s)", name, c.opened_at, c.status);
		campaign_release(&c);
		return RC_USAGE;
	}
	/* As findings, reconcile and offboard: no roster is a failure. */
	if ((hr = snapshot_current(st, "hr")) <= 0) {
		if (hr < 0)
			error("review open: database: %s", store_errmsg(st));
		else
			error("review open: no HR roster imported (rollcall"
			    " import hr FILE): reviewers come from it");
		return RC_FAILURE;
	}
	/* --since-campaign: delta_carry checks again, inside the open */
	if (since != NULL) {
		if ((found = campaign_find(st, since, &c, &err)) < 0)
			die(RC_FAILURE, "review open: %s", err.msg);
		if (!found) {
			error("review open: --since-campaign: no earlier"
			    " campaign '%s'", since);
			return RC_USAGE;
		}
		rc = strcmp(c.status, "closed") != 0;
		campaign_release(&c);
		if (rc) {
			error("review open: --since-campaign: campaign '%s' is"
			    " not closed (rollcall review close %s): its"
			    " decisions may still change", since, since);
			return RC_USAGE;
		}
	}
	dir = out ? xstrdup(out) : xasprintf("out/%s", name);
	if (dir_in_use(dir)) {
		error("review open: folder '%s' is not empty: worksheets go"
		    " into a folder of their own (choose another --out)", dir);
		free(dir);
		return RC_USAGE;
	}
	if ((rid = current_reconcile(ctx)) < 0) {
		free(dir);
		return RC_FAILURE;
	}

	if (store_begin(st, &err) < 0) {
		error("review open: %s", err.msg);
		goto out;
	}
	rc = campaign_open(st, ctx->cfg, name, ctx->as_of,
	    has_due ? due : NULL, rid, &res, &err);
	if (rc == 0 && since != NULL)	/* delta.h: DELTA_REFUSED is -2 too */
		rc = delta_carry(st, res.id, since, &carried, &err);
	for (i = 0; i < res.nwarnings; i++)
		warning("%s", res.warnings[i]);
	if (rc < 0) {
		store_rollback(st);
		error("review open: %s", err.msg);
		ret = rc == CAMPAIGN_REFUSED ? RC_USAGE : RC_FAILURE;
		goto out;
	}
	/*
	 * Worksheets before COMMIT: a campaign whose worksheets could not be
	 * written does not exist, and running the command again retries.
	 */
	if (campaign_find(st, name, &c, &err) != 1 ||
	    campaign_reviewers(st, c.id, &rv, &nrv, &err) < 0 ||
	    report_mkdir(dir, &err) < 0 ||
	    write_worksheets(st, &c, dir, fmts, nfmts, rv, nrv, &err) < 0 ||
	    store_commit(st, &err) < 0) {
		store_rollback(st);
		error("review open: %s", err.msg);
		campaign_release(&c);
		goto out;
	}
	{
		char *json = xasprintf("{\"items\":%ld,\"reviewers\":%ld,"
		    "\"revoke\":%ld,\"unassigned\":%ld,\"carried\":%ld}",
		    res.items, res.reviewers, res.revoke, res.unassigned,
		    carried);

		audit_set_counts(ctx, json);
		free(json);
	}
	if (res.items == 0)
		warning("campaign '%s' has no items: no active account in"
		    " any current snapshot", name);
	note("campaign '%s' opened as of %s%s%s: %ld items (%ld recommended"
	    " for revocation) for %ld reviewer%s; worksheets in %s/",
	    name, ctx->as_of, has_due ? ", due " : "", has_due ? due : "",
	    res.items, res.revoke, res.reviewers,
	    res.reviewers == 1 ? "" : "s", dir);
	if (since != NULL)
		note("%ld items unchanged and kept in '%s': carried as Keep",
		    carried, since);
	if (res.unassigned)
		warning("%ld items have no reviewer and went to '%s' (see the"
		    " warnings above)", res.unassigned, REVIEWER_UNASSIGNED);
	campaign_release(&c);
	ret = RC_OK;
out:
	campaign_result_release(&res);
	campaign_reviewers_free(rv, nrv);
	free(dir);
	return ret;
}

static const struct {
	const char *name;
	int	(*fn)(int, char **, struct ctx *);
} verbs[] = {		/* each verb but open in cmd/review_VERB.c */
	{ "close", review_close },
	{ "import", review_import },
	{ "open", review_open },
	{ "remediation", review_remediation },
	{ "remind", review_remind },
	{ "status", review_status },
};

int
cmd_review(int argc, char **argv, struct ctx *ctx)
{
	size_t i;

	if (argc < 2)
		usage_exit(review_usage, 0);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage_exit(review_usage, 1);
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, argv[1]) == 0) {
			optind = 0;
			return verbs[i].fn(argc - 1, argv + 1, ctx);
		}
	error("review: unknown command '%s' (close, import, open, remediation,"
	    " remind, status)", argv[1]);
	return RC_USAGE;
}
