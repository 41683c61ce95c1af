/*
 * cmd.h: what cmd/main.c hands to every subcommand. Each cmd/NAME.c holds
 * cmd_NAME() and its helpers; it parses its own options with getopt_long
 * (optind already reset), prints data to stdout and diagnostics to stderr,
 * and returns an exit code (RC_*).
 */
#ifndef ROLLCALL_CMD_H
#define ROLLCALL_CMD_H

#include "rollcall.h"

struct store;
struct config;

struct ctx {
	const char *db_path;	/* -d, ROLLCALL_DB, ./rollcall.db */
	const char *config_path; /* -c, ROLLCALL_CONFIG, ./rollcall.conf */
	int	 config_given;	/* -c or ROLLCALL_CONFIG: the file must exist */
	char	 as_of[11];	/* --as-of, else today (UTC) */
	int	 as_of_given;
	struct store *st;	/* opened by ctx_store() */
	struct config *cfg;	/* loaded by ctx_config() */
	/* for the audit log: audit_set_counts(), audit_set_campaign() */
	char	*audit_counts;	/* JSON object */
	char	*audit_campaign;
};

/* Open the database once (dies with RC_FAILURE on error). */
struct store	*ctx_store(struct ctx *);
/* Load the config once (dies with RC_USAGE on error). */
struct config	*ctx_config(struct ctx *);

/* Print usage text to stderr and exit RC_USAGE; to stdout and RC_OK for --help. */
void	 usage_exit(const char *text, int help) __attribute__((noreturn));
/* True when argv has -h or --help before any "--". */
int	 wants_help(int argc, char **argv);

int	cmd_init(int, char **, struct ctx *);
int	cmd_import(int, char **, struct ctx *);
int	cmd_pull(int, char **, struct ctx *);
int	cmd_reconcile(int, char **, struct ctx *);
int	cmd_findings(int, char **, struct ctx *);
int	cmd_offboard(int, char **, struct ctx *);
int	cmd_review(int, char **, struct ctx *);
int	cmd_snapshots(int, char **, struct ctx *);
int	cmd_verify(int, char **, struct ctx *);
int	cmd_diff(int, char **, struct ctx *);
int	cmd_log(int, char **, struct ctx *);

/* review verbs (cmd/review.c dispatches; cmd/review_VERB.c each) */
int	review_import(int, char **, struct ctx *);
int	review_status(int, char **, struct ctx *);
int	review_remind(int, char **, struct ctx *);
int	review_close(int, char **, struct ctx *);
int	review_remediation(int, char **, struct ctx *);
int	cmd_sources(int, char **, struct ctx *);

#endif
