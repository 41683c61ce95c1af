/*
 * config.c: the INI configuration, parsed by libinih. We feed inih through
 * ini_parse_stream() with our own line reader so that every key keeps its
 * line number (Debian's inih is built without INI_HANDLER_LINENO) and every
 * error can name file:line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "rollcall/config.h"
#include "rollcall/connector.h"

static const char *const hr_keys[] = {
	"file", "date_format", "alias_domains", "delimiter",
	"id_column", "email_column", "first_name_column", "last_name_column",
	"preferred_name_column", "name_column", "status_column",
	"hire_date_column", "termination_date_column", "manager_id_column",
	"manager_email_column", "department_column", "title_column",
	"job_code_column", "worker_type_column", "terminated_statuses",
	"leave_statuses", NULL,
};

static const char *const policy_keys[] = {
	"dormant_days", "mfa_required", "upcoming_days", NULL,
};

/* Keys every source takes, whatever its type. */
static const char *const common_keys[] = {
	"type", "owner", "privileged", "service_accounts", "mfa_required",
	"match_login", "description", NULL,
};

/* Names that hold secrets: only NAME_env or NAME_file may be set. */
static const char *const secret_names[] = {
	"password", "bind_password", "token", "client_secret", "secret",
	"api_key", "api_token", "private_key", NULL,
};

struct parse {
	struct config *cfg;
	FILE	*fp;
	int	 line;
	struct errbuf *err;
	int	 failed;
	struct kvlist *cur;		/* section being read */
	struct source_cfg *cur_src;
	char	 last_section[256];
	int	 section_line;		/* line of the last [section] */
};

static int
in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

static int
kv_line(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].line;
	return 0;
}

static void
kv_push(struct kvlist *l, const char *key, const char *value, int line)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value);
	l->v[l->n].line = line;
	l->n++;
}

static void
kv_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
fail(struct parse *p, int line, const char *fmt, const char *a, const char *b)
{
	char msg[768];

	if (p->failed)
		return 0;
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	err_set(p->err, "%s:%d: %s", p->cfg->path, line, msg);
	p->failed = 1;
	return 0;
}

/* `source "NAME"` -> NAME (caller frees), or NULL. */
static char *
source_section_name(const char *section)
{
	size_t n;
	const char *q;

	if (strncmp(section, "source", 6) != 0)
		return NULL;
	q = section + 6;
	while (*q == ' ' || *q == '\t')
		q++;
	n = strlen(q);
	if (n < 3 || q[0] != '"' || q[n - 1] != '"')
		return NULL;
	return xstrndup(q + 1, n - 2);
}

static int
secret_inline(const char *key)
{
	return in_list(secret_names, key);
}

static int
on_section(struct parse *p, const char *section)
{
	char *name;
	size_t i;

	p->cur = NULL;
	p->cur_src = NULL;
	if (strcmp(section, "hr") == 0) {
		p->cur = &p->cfg->hr;
		return 1;
	}
	if (strcmp(section, "policy") == 0) {
		p->cur = &p->cfg->policy;
		return 1;
	}
	if ((name = source_section_name(section)) == NULL)
		return fail(p, p->section_line, "unknown section [%s] (expected [hr],"
		    " [policy] or [source \"NAME\"])", section, NULL);
	for (i = 0; i < p->cfg->nsrc; i++)
		if (strcmp(p->cfg->src[i].name, name) == 0) {
			fail(p, p->section_line, "source \"%s\" is defined twice",
			    name, NULL);
			free(name);
			return 0;
		}
	p->cfg->src = xrealloc(p->cfg->src,
	    (p->cfg->nsrc + 1) * sizeof(*p->cfg->src));
	p->cur_src = &p->cfg->src[p->cfg->nsrc++];
	memset(p->cur_src, 0, sizeof(*p->cur_src));
	p->cur_src->name = name;
	p->cur_src->line = p->section_line;
	p->cur_src->config_path = p->cfg->path;
	return 1;
}

static int
on_value(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	struct kvlist *l;

	if (p->failed)
		return 0;
	if (*section == '\0')
		return fail(p, p->line, "'%s' outside any section", key, NULL);
	if (strcmp(p->last_section, section) != 0 || (p->cur == NULL &&
	    p->cur_src == NULL)) {
		snprintf(p->last_section, sizeof(p->last_section), "%s", section);
		if (!on_section(p, section))
			return 0;
	}
	l = p->cur_src ? &p->cur_src->kv : p->cur;
	if (kv_get(l, key) != NULL)
		return fail(p, p->line, "'%s' is set twice in [%s]", key,
		    section);
	if (secret_inline(key))
		return fail(p, p->line, "'%s' must not be written in the config:"
		    " give the name of an environment variable (%s_env) or a"
		    " file (%s_file)", key, key);
	kv_push(l, key, value, p->line);
	if (p->cur_src && strcmp(key, "type") == 0)
		p->cur_src->type = xstrdup(value);
	return 1;
}

static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->fp);

	if (r != NULL) {
		p->line++;
		r += strspn(r, " \t");
		if (*r == '[') {
			p->section_line = p->line;
			p->last_section[0] = '\0';	/* even if named as before */
		}
		r = str;
	}
	return r;
}

static int
check_keys(struct parse *p, const struct kvlist *l, const char *const *a,
    const char *const *b, const char *what)
{
	size_t i;
	const char *k;
	char base[128];
	size_t n;

	for (i = 0; i < l->n; i++) {
		k = l->v[i].key;
		if (in_list(a, k) || in_list(b, k))
			continue;
		n = strlen(k);
		/* NAME_env / NAME_file of a secret the driver takes */
		if ((n > 4 && strcmp(k + n - 4, "_env") == 0) ||
		    (n > 5 && strcmp(k + n - 5, "_file") == 0)) {
			snprintf(base, sizeof(base), "%.*s", (int)(n -
			    (k[n - 1] == 'v' ? 4 : 5)), k);
			if (secret_inline(base) && (in_list(b, base) ||
			    in_list(a, base)))
				continue;
		}
		return fail(p, l->v[i].line, "unknown key '%s' in %s", k, what);
	}
	return 1;
}

static int
check_source(struct parse *p, struct source_cfg *s)
{
	const struct connector_ops *ops;
	const char *const *t;
	char what[300], known[256] = "";

	snprintf(what, sizeof(what), "[source \"%s\"]", s->name);
	if (s->type == NULL || *s->type == '\0')
		return fail(p, s->line, "%s has no 'type'", what, NULL);
	if ((ops = connector_find(s->type)) == NULL) {
		for (t = connector_types(); *t; t++) {
			if (*known)
				strncat(known, ", ", sizeof(known) -
				    strlen(known) - 1);
			strncat(known, *t, sizeof(known) - strlen(known) - 1);
		}
		return fail(p, kv_line(&s->kv, "type"), "unknown source type"
		    " '%s' (this rollcall knows: %s)", s->type, known);
	}
	return check_keys(p, &s->kv, common_keys, ops->keys, what);
}

static int
parse_int(struct parse *p, const struct kvlist *l, const char *key, int def,
    int min, int max, int *out)
{
	const char *v = kv_get(l, key);
	char *end;
	long n;

	*out = def;
	if (v == NULL)
		return 1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max)
		return fail(p, kv_line(l, key), "'%s' must be a whole number"
		    " (got '%s')", key, v);
	*out = (int)n;
	return 1;
}

static int
parse_bool(const char *v, int def)
{
	if (v == NULL)
		return def;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcmp(v, "0") || !strcasecmp(v, "off"))
		return 0;
	return -1;
}

struct config *
config_load(const char *path, int must_exist, struct errbuf *err)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct parse p;
	size_t i;
	int rc, b;

	cfg->dormant_days = 90;
	cfg->mfa_required = 1;
	cfg->upcoming_days = 14;
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.err = err;
	if ((p.fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return cfg;
		err_set(err, "cannot open config '%s': %s", path,
		    strerror(errno));
		free(cfg);
		return NULL;
	}
	cfg->path = xstrdup(path);
	rc = ini_parse_stream(read_line, &p, on_value, &p);
	fclose(p.fp);
	if (rc != 0 && !p.failed)
		fail(&p, rc > 0 ? rc : 0, "cannot parse this line%s%s",
		    " (expected 'key = value', '[section]' or a ; comment)",
		    NULL);
	if (!p.failed)
		check_keys(&p, &cfg->hr, hr_keys, NULL, "[hr]");
	if (!p.failed)
		check_keys(&p, &cfg->policy, policy_keys, NULL, "[policy]");
	for (i = 0; !p.failed && i < cfg->nsrc; i++)
		check_source(&p, &cfg->src[i]);
	if (!p.failed)
		parse_int(&p, &cfg->policy, "dormant_days", 90, 1, 36500,
		    &cfg->dormant_days);
	if (!p.failed)
		parse_int(&p, &cfg->policy, "upcoming_days", 14, 0, 3650,
		    &cfg->upcoming_days);
	if (!p.failed) {
		b = parse_bool(kv_get(&cfg->policy, "mfa_required"), 1);
		if (b < 0)
			fail(&p, kv_line(&cfg->policy, "mfa_required"),
			    "'%s' must be yes or no (got '%s')", "mfa_required",
			    kv_get(&cfg->policy, "mfa_required"));
		cfg->mfa_required = b;
	}
	if (p.failed) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nsrc; i++) {
		free(cfg->src[i].name);
		free(cfg->src[i].type);
		kv_free(&cfg->src[i].kv);
	}
	free(cfg->src);
	kv_free(&cfg->hr);
	kv_free(&cfg->policy);
	free(cfg->path);
	free(cfg);
}

const char *
config_hr(const struct config *cfg, const char *key)
{
	return cfg ? kv_get(&cfg->hr, key) : NULL;
}

const struct source_cfg *
config_source(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; cfg && i < cfg->nsrc; i++)
		if (strcmp(cfg->src[i].name, name) == 0)
			return &cfg->src[i];
	return NULL;
}

const char *
source_get(const struct source_cfg *s, const char *key)
{
	const char *v = kv_get(&s->kv, key);

	return v && *v ? v : NULL;
}

const char *
source_get_or(const struct source_cfg *s, const char *key, const char *def)
{
	const char *v = source_get(s, key);

	return v ? v : def;
}

int
source_get_bool(const struct source_cfg *s, const char *key, int def,
    struct errbuf *err)
{
	const char *v = source_get(s, key);
	int b = parse_bool(v, def);

	if (b < 0)
		err_set(err, "%s:%d: '%s' must be yes or no (got '%s')",
		    s->config_path ? s->config_path : "config",
		    kv_line(&s->kv, key), key, v);
	return b;
}

long
source_get_long(const struct source_cfg *s, const char *key, long def,
    long min, long max, struct errbuf *err)
{
	const char *v = source_get(s, key);
	char *end;
	long n;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		err_set(err, "%s:%d: '%s' must be a whole number from %ld to"
		    " %ld (got '%s')", s->config_path ? s->config_path :
		    "config", kv_line(&s->kv, key), key, min, max, v);
		return -1;
	}
	return n;
}

char *
config_path_resolve(const char *config_path, const char *p)
{
	const char *slash;

	if (p == NULL)
		return NULL;
	if (p[0] == '/' || config_path == NULL ||
	    (slash = strrchr(config_path, '/')) == NULL)
		return xstrdup(p);
	return xasprintf("%.*s/%s", (int)(slash - config_path), config_path, p);
}

int
source_secret(const struct source_cfg *s, const char *base, char **out,
    struct errbuf *err)
{
	char key[128], line[4096];
	const char *v;
	char *path;
	FILE *fp;
	size_t n;

	*out = NULL;
	snprintf(key, sizeof(key), "%s_env", base);
	if ((v = source_get(s, key)) != NULL) {
		const char *val = getenv(v);

		if (val == NULL || *val == '\0') {
			err_set(err, "source '%s': environment variable %s"
			    " (%s) is not set", s->name, v, key);
			return -1;
		}
		*out = xstrdup(val);
		return 0;
	}
	snprintf(key, sizeof(key), "%s_file", base);
	if ((v = source_get(s, key)) == NULL)
		return 1;
	path = config_path_resolve(s->config_path, v);
	if ((fp = fopen(path, "r")) == NULL) {
		err_set(err, "source '%s': cannot read %s '%s': %s", s->name,
		    key, path, strerror(errno));
		free(path);
		return -1;
	}
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0) {
		err_set(err, "source '%s': %s '%s' is empty", s->name, key,
		    path);
		free(path);
		return -1;
	}
	free(path);
	*out = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}
