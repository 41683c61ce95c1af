/*
 * audit.h: the audit trail (core/audit.c): one audit_log row for every
 * command that changed the database, failed ones included: when, which OS
 * user, the command and its arguments (never a secret), the exit code,
 * what it counted and the campaign it concerned. `rollcall log` reads it;
 * the evidence pack carries a campaign's part as audit.csv.
 *
 * cmd/main.c records the row once the command is over (or exits through
 * die()); a command adds its counts and campaign with audit_set_counts()
 * and audit_set_campaign() before it returns.
 */
#ifndef ROLLCALL_AUDIT_H
#define ROLLCALL_AUDIT_H

#include "rollcall.h"

struct store;
struct ctx;

struct audit_entry {
	long long id;
	const char *at;		/* "YYYY-MM-DDTHH:MM:SSZ", UTC */
	const char *os_user;	/* NULL: unknown */
	const char *command;	/* "import hr", "review close", "init" */
	const char *args;	/* JSON array, audit_args_json() */
	int	 result;	/* exit code */
	const char *counts;	/* JSON object or NULL */
	const char *campaign;	/* NULL: none */
};

/* The OS user running us (login name, else $USER, else the uid); static. */
const char	*audit_os_user(void);

/*
 * argv as a compact JSON array; caller frees. The value of any option
 * whose name holds "password", "token" or "secret" is dropped (the next
 * argument, or what follows '=' in --name=value): rollcall takes no secret
 * on the command line, and a mistaken one must not land in the log.
 */
char	*audit_args_json(int argc, char *const *argv);

/* Append one row (at NULL: now). 0, or -1 with err set. */
int	 audit_append(struct store *, const struct audit_entry *,
	    struct errbuf *);

/*
 * Call fn for every row at or after since (NULL: all; a date or a
 * date-time, compared as text) and of campaign (NULL: any), oldest first.
 * fn returns 0 to go on, -1 (err set) to stop; the result is then -1.
 */
int	 audit_each(struct store *, const char *since, const char *campaign,
	    int (*fn)(const struct audit_entry *, void *, struct errbuf *),
	    void *arg, struct errbuf *);

/* For cmd/ code: the counts (a JSON object) and campaign of this run. */
void	 audit_set_counts(struct ctx *, const char *json);
void	 audit_set_campaign(struct ctx *, const char *name);

#endif
