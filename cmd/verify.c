/*
 * verify.c: `rollcall verify DIR`: check an evidence pack against its
 * manifest and its decision chain. Needs no database: an auditor runs it
 * on the folder they were given.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rollcall/cmd.h"
#include "rollcall/evidence.h"

static const char verify_usage[] =
"usage: rollcall verify DIR [--manifest-sha256 HEX]\n"
"\n"
"Check the evidence pack in DIR: every file against manifest.json\n"
"(altered, removed, added), that the pack has every file it always has\n"
"(summary.html, decisions.csv and .json, revocations.csv and .json,\n"
"audit.csv, the signed worksheet of every import a decision came from),\n"
"the decision chain recomputed from decisions.json against the manifest,\n"
"decisions.csv row by row against decisions.json, and the revocations\n"
"against the chain's current revoke decisions. Prints \"intact: ...\" and\n"
"exits 0, or names each problem and exits 2.\n"
"\n"
"  --manifest-sha256 HEX  the manifest's SHA-256 as `rollcall review close`\n"
"                         printed it (and the auditor has on record). Only\n"
"                         this proves the manifest itself untouched: a pack\n"
"                         rewritten consistently, manifest included, passes\n"
"                         every other check.\n";

int
cmd_verify(int argc, char **argv, struct ctx *ctx)
{
	enum { OPT_SHA = 256 };
	static const struct option opts[] = {
		{ "manifest-sha256", required_argument, NULL, OPT_SHA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct evidence_verify v;
	struct errbuf err = { "" };
	const char *dir, *want = NULL;
	size_t i;
	int ch;

	(void)ctx;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SHA:
			want = optarg;
			break;
		case 'h':
			usage_exit(verify_usage, 1);
		default:
			usage_exit(verify_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(verify_usage, 0);
	dir = argv[optind];
	if (evidence_verify(dir, &v, &err) < 0) {
		error("verify: %s", err.msg);
		return RC_FAILURE;
	}
	if (want != NULL && strcasecmp(want, v.manifest_sha256) != 0)
		printf("manifest: sha256 %s, not %s as on record\n",
		    v.manifest_sha256, want);
	for (i = 0; i < v.nproblems; i++)
		printf("%s\n", v.problems[i]);
	if (v.nproblems == 0 && (want == NULL ||
	    strcasecmp(want, v.manifest_sha256) == 0)) {
		printf("intact: %ld files, %ld decisions, manifest sha256 %s\n",
		    v.files, v.decisions, v.manifest_sha256);
		evidence_verify_release(&v);
		return RC_OK;
	}
	error("verify: %s: %zu problem%s: the pack is not as it was closed",
	    dir, v.nproblems + (want != NULL &&
	    strcasecmp(want, v.manifest_sha256) != 0),
	    v.nproblems == 1 ? "" : "s");
	evidence_verify_release(&v);
	return RC_FAILURE;
}
