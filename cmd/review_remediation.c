/*
 * review_remediation.c: `rollcall review remediation CAMPAIGN`: is every
 * access revoked in a closed campaign gone from the sources? The check is
 * core/remediation.c's; this file prints it and picks the exit code.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/cmd.h"
#include "rollcall/remediation.h"
#include "rollcall/store.h"

static const char remediation_usage[] =
"usage: rollcall review remediation CAMPAIGN [--format table|json]\n"
"\n"
"Check every Revoke decision of the closed campaign CAMPAIGN against the\n"
"newest snapshot of its source pulled after the campaign was closed:\n"
"  done         the account is gone or disabled, or the entitlement is no\n"
"               longer granted (the snapshot id and time prove it)\n"
"  pending      still there in that snapshot\n"
"  not checked  no pull of the source since the close (pull SOURCE)\n"
"\n"
"Exit status: 0 every revocation is done (or there is none); 3 at least\n"
"one is pending; 2 none is pending but some could not be checked yet;\n"
"1 no such campaign, or it is not closed.\n";

enum { FMT_TABLE, FMT_JSON };

struct printer {
	int	 format;
	json_t	*items;
	struct buf table;	/* printed only once the check succeeded */
};

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int
print_item(const struct remediation_item *it, void *arg, struct errbuf *err)
{
	struct printer *p = arg;
	char state[256];

	(void)err;
	if (p->format == FMT_JSON) {
		json_array_append_new(p->items, json_pack("{s:o,s:o,s:o,s:o,"
		    "s:o,s:s,s:o,s:o,s:o,s:o}",
		    "item_id", jstr(it->item_id),
		    "source", jstr(it->source),
		    "login", jstr(it->login ? it->login : it->native_id),
		    "entitlement", jstr(it->entitlement),
		    "decision", jstr("revoke"),
		    "state", remediation_state_name(it->state),
		    "evidence", jstr(it->evidence),
		    "snapshot", it->snapshot ? json_integer(it->snapshot) :
		    json_null(),
		    "checked_at", jstr(it->checked_at),
		    "decided_at", jstr(it->decided_at)));
		return 0;
	}
	if (it->state == REM_NOT_CHECKED)
		snprintf(state, sizeof(state), "not checked yet (pull %s)",
		    it->source);
	else
		snprintf(state, sizeof(state), "%s (%s in snapshot %lld, %s)",
		    remediation_state_name(it->state), it->evidence,
		    (long long)it->snapshot, it->checked_at);
	buf_addf(&p->table, "%-13s  %-16s  %-24s  %-24s  %s\n", it->item_id,
	    it->source,
	    it->login ? it->login : it->native_id,
	    it->entitlement ? it->entitlement : "(whole account)", state);
	return 0;
}

int
review_remediation(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct remediation_counts counts;
	struct printer p;
	struct errbuf err = { "" };
	json_t *root;
	int ch, rc;

	memset(&p, 0, sizeof(p));
	p.table = (struct buf)BUF_INIT;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "table") == 0)
				p.format = FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				p.format = FMT_JSON;
			else
				die(RC_USAGE, "review remediation: --format:"
				    " '%s' is not table or json", optarg);
			break;
		case 'h':
			usage_exit(remediation_usage, 1);
		default:
			usage_exit(remediation_usage, 0);
		}
	}
	if (optind + 1 != argc)
		usage_exit(remediation_usage, 0);
	p.items = json_array();
	if (p.format == FMT_TABLE)
		buf_addf(&p.table, "%-13s  %-16s  %-24s  %-24s  %s\n", "ITEM",
		    "SOURCE", "LOGIN", "ENTITLEMENT", "STATE");
	rc = remediation_check(ctx_store(ctx), argv[optind], print_item, &p,
	    &counts, &err);
	if (rc < 0) {
		json_decref(p.items);
		buf_release(&p.table);
		error("review remediation: %s", err.msg);
		return rc == REMEDIATION_REFUSED ? RC_USAGE : RC_FAILURE;
	}
	if (p.format == FMT_JSON) {
		root = json_pack("{s:s,s:o}", "campaign", argv[optind],
		    "items", p.items);
		if (json_dumpf(root, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) < 0) {
			json_decref(root);
			error("review remediation: cannot write the output");
			return RC_FAILURE;
		}
		putchar('\n');
		json_decref(root);
	} else {
		json_decref(p.items);
		fputs(buf_str(&p.table), stdout);
	}
	buf_release(&p.table);
	note("%ld revocations: %ld done, %ld pending, %ld not checked yet",
	    counts.done + counts.pending + counts.not_checked, counts.done,
	    counts.pending, counts.not_checked);
	if (counts.pending > 0)
		return RC_FOUND;
	return counts.not_checked > 0 ? RC_FAILURE : RC_OK;
}
