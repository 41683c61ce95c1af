/*
 * config.h: the INI configuration (libinih). One [hr], one [policy], and one
 * [source "NAME"] per source. Unknown sections and keys are errors naming
 * file:line; a secret written inline (bind_password = ...) is refused: secrets
 * come only from KEY_env (an environment variable) or KEY_file (a file).
 */
#ifndef ROLLCALL_CONFIG_H
#define ROLLCALL_CONFIG_H

#include "rollcall.h"

struct kv {
	char	*key;
	char	*value;
	int	 line;
};

struct kvlist {
	struct kv *v;
	size_t	 n;
};

struct source_cfg {
	char	*name;		/* NAME of [source "NAME"] */
	char	*type;		/* ldap, ad, csv, scim, okta, ... */
	int	 line;		/* where the section starts */
	struct kvlist kv;
	const char *config_path;	/* for messages and relative files */
};

struct config {
	char	*path;		/* NULL when no file was read */
	struct kvlist hr;	/* [hr] as written */
	struct kvlist policy;
	int	 dormant_days;	/* [policy] dormant_days, default 90 */
	int	 mfa_required;	/* [policy] mfa_required, default yes */
	int	 upcoming_days;	/* [policy] upcoming_days, default 14 */
	struct source_cfg *src;
	size_t	 nsrc;
};

/*
 * Load path. A missing file gives an empty config (defaults) unless
 * must_exist. NULL with err "file:line: ..." on any error.
 */
struct config	*config_load(const char *path, int must_exist, struct errbuf *);
void		 config_free(struct config *);

/* The value of key in a list, or NULL when not set. */
const char	*kv_get(const struct kvlist *, const char *key);
/* [hr] key, or NULL. */
const char	*config_hr(const struct config *, const char *key);
const struct source_cfg *config_source(const struct config *, const char *name);

const char	*source_get(const struct source_cfg *, const char *key);
/* The config line key is on, 0 when unset (for "file:line" messages). */
int		 source_key_line(const struct source_cfg *, const char *key);
/* key's value, or def when not set. */
const char	*source_get_or(const struct source_cfg *, const char *key,
		    const char *def);
/* yes/no/true/false/1/0/on/off; def when unset; -1 with err when invalid. */
int		 source_get_bool(const struct source_cfg *, const char *key,
		    int def, struct errbuf *);
/* A whole number in [min, max]; def when unset; -1 with err when invalid. */
long		 source_get_long(const struct source_cfg *, const char *key,
		    long def, long min, long max, struct errbuf *);
/*
 * A secret named base ("bind_password", "token", "client_secret"): from
 * base_env (the variable's value) or base_file (the file's first line).
 * *out is the caller's to free (and to wipe). 0: found; 1: neither key set;
 * -1: set but unreadable (err says which variable or file, never the value).
 */
int		 source_secret(const struct source_cfg *, const char *base,
		    char **out, struct errbuf *);
/*
 * 1 when name is taken by another import's snapshot (hr, matrix, sod,
 * overrides, exceptions, in any case) and so cannot name a source.
 */
int		 source_name_reserved(const char *name);
/* A path from the config, relative to the config file's folder; caller frees. */
char		*config_path_resolve(const char *config_path, const char *p);

#endif
