/*
 * connector.h: the one interface every source type implements.
 *
 * Adding a connector:
 *  1. connectors/NAME.c defines `const struct connector_ops NAME_connector`
 *     with open/next/close and the config keys it takes beyond the common
 *     ones (config.c checks them);
 *  2. list it in drivers[] in connectors/connector.c;
 *  3. document its keys in README.md and man/rollcall.1;
 *  4. tests/test_NAME.c or an integration script against a real server.
 * A connector includes only connector.h, buf.h and rollcall.h (and its
 * protocol library); it never touches the store: core/pull.c does.
 *
 * next() hands out records one at a time so that a pull streams page by
 * page into SQLite and memory does not grow with the source's size. The
 * strings in a record belong to the connector and stay valid until the
 * next call of next() or close().
 *
 * Order: a connector may send records in any order; group memberships
 * (REC_MEMBER) name groups and members by key and are resolved by the core
 * after the last record, against every account and group of the pull.
 */
#ifndef ROLLCALL_CONNECTOR_H
#define ROLLCALL_CONNECTOR_H

#include "rollcall.h"

struct source_cfg;

enum mfa_state {
	MFA_UNKNOWN = 0,	/* the source does not say, or we may not see it */
	MFA_ENROLLED,
	MFA_NOT_ENROLLED,
};

enum record_type {
	REC_ACCOUNT = 1,
	REC_ENTITLEMENT,
	REC_MEMBER,
	REC_ISSUE,		/* a data-quality note for the snapshot */
};

struct rec_account {
	const char *native_id;	/* required; unique in the source */
	const char *key;	/* membership key (normalized DN); NULL: native_id */
	const char *login;
	const char *email;
	const char *aliases;	/* further e-mail addresses, ';'-separated */
	const char *display_name;
	const char *status;	/* the source's own word, verbatim */
	int	 active;	/* 1/0 by DESIGN.md's rule (locked counts as active) */
	enum mfa_state mfa;
	const char *last_login;	/* ISO date[-time]; NULL unknown; "never" */
	const char *created;	/* ISO date[-time] or NULL */
	const char *kind;	/* NULL: human (or service by service_accounts); service, shared, external */
	const char *employee_id;
};

struct rec_entitlement {
	const char *native_id;	/* required; unique in the source */
	const char *key;	/* membership key (normalized DN); NULL: native_id */
	const char *name;	/* what people call it: cn, role name */
	const char *kind;	/* group, role, permission */
	int	 privileged;	/* -1: by the source's `privileged` globs; 0/1: the source says */
};

enum member_ref {
	MEMBER_BY_KEY = 0,	/* member is an account's or a group's key */
	MEMBER_BY_LOGIN,	/* member is an account's login (posixGroup memberUid) */
};

struct rec_member {
	const char *group;	/* the entitlement's key */
	const char *member;
	enum member_ref ref;
};

struct rec_issue {
	const char *kind;	/* incomplete, dangling_member, group_cycle, unknown_status... */
	const char *detail;	/* no secrets, no PHI beyond logins */
};

struct record {
	enum record_type type;
	union {
		struct rec_account account;
		struct rec_entitlement ent;
		struct rec_member member;
		struct rec_issue issue;
	} u;
};

struct connector;

struct connector_ops {
	const char *type;		/* "type =" in the config */
	const char *const *keys;	/* extra config keys, NULL-terminated */
	/*
	 * 0, or -1 with err set ("cannot bind as ...: Invalid credentials");
	 * -2 with err set for a configuration error (a key missing, malformed
	 * or out of range: file:line where the key is, when it is set), which
	 * `pull` and `import accounts` report with exit 1 (RC_USAGE) rather
	 * than 2. HTTP connectors return -2 when http_config_check() fails.
	 */
	int	(*open)(struct connector *, const struct source_cfg *,
		    struct errbuf *);
	/* 1: *rec filled in; 0: no more records; -1: see err */
	int	(*next)(struct connector *, struct record *, struct errbuf *);
	void	(*close)(struct connector *);	/* even after a failed open */
};

struct connector {
	const struct connector_ops *ops;
	void	*priv;
	const char *input;	/* import accounts SOURCE FILE: the file; else NULL */
	const char *origin;	/* set by open: URL or file for messages (no secrets) */
};

/* The driver for a config type, or NULL. */
const struct connector_ops *connector_find(const char *type);
/* Add a driver at run time (tests use it for a fake source). */
void	 connector_add(const struct connector_ops *);
/* NULL-terminated list of every type, for --help and config checks. */
const char *const *connector_types(void);

#endif
