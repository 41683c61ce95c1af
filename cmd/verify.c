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
"(altered, removed, added) and the decision chain of decisions.csv\n"
"against the manifest. Prints \"intact: ...\" and exits 0, or names each\n"
"problem and exits 2. Compare the manifest's SHA-256 it prints with the\n"
"one `rollcall review close` printed, or give it with --manifest-sha256.\n";

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
