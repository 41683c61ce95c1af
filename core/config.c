/*
 * config.c: the INI configuration, parsed by libinih. We feed inih through
 * ini_parse_stream() with our own line reader so that every key keeps its
 * line number (Debian's inih is built without INI_HANDLER_LINENO) and every
 * error can name file:line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/csv.h"

static const char *const hr_keys[] = {
	"file", "date_format", "alias_domains", "delimiter",
	"id_column", "email_column", "first_name_column", "last_name_column",
	"preferred_name_column", "name_column", "status_column",
	"hire_date_column", "termination_date_column", "manager_id_column",
	"manager_email_column", "department_column", "title_column",
	"job_code_column", "worker_type_column", "terminated_statuses",
	"leave_statuses", "active_statuses", NULL,
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

static int fail(struct parse *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parse *p, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (p->failed)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(p->err, "%s:%d: %s", p->cfg->path, line, msg);
	p->failed = 1;
	return 0;
}

/*
 * The snapshot names of the other imports: a source called "hr" would
 * replace the HR roster's current snapshot with its accounts.
 */
static const char *const reserved_names[] = {
	"hr", "matrix", "sod", "overrides", "exceptions", NULL,
};

int
source_name_reserved(const char *name)
{
	const char *const *r;

	for (r = reserved_names; *r; r++)
		if (strcasecmp(name, *r) == 0)
			return 1;
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

/* BIND_PASSWORD too: a secret is refused whatever the case of its key. */
static int
secret_inline(const char *key)
{
	char *low = str_lower(key);
	int hit = in_list(secret_names, low);

	free(low);
	return hit;
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
	if ((name = source_section_name(section)) == NULL) {
		if (strcmp(section, "source \"\"") == 0)
			return fail(p, p->section_line, "[source \"\"]: a source"
			    " needs a name");
		return fail(p, p->section_line, "unknown section [%s] (expected"
		    " [hr], [policy] or [source \"NAME\"])", section);
	}
	if (str_empty(str_trim(name)) || source_name_reserved(name)) {
		if (*name)
			fail(p, p->section_line, "[source \"%s\"]: '%s' is"
			    " reserved for `rollcall import %s`; give the"
			    " source another name", name, name, name);
		else
			fail(p, p->section_line, "[%s]: a source needs a"
			    " name", section);
		free(name);
		return 0;
	}
	for (i = 0; i < p->cfg->nsrc; i++)
		if (strcmp(p->cfg->src[i].name, name) == 0) {
			fail(p, p->section_line, "source \"%s\" is defined twice",
			    name);
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
		return fail(p, p->line, "'%s' outside any section", key);
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
	if (secret_inline(key)) {
		char *low = str_lower(key);

		fail(p, p->line, "'%s' must not be written in the config:"
		    " give the name of an environment variable (%s_env) or a"
		    " file (%s_file)", key, low, low);
		free(low);
		return 0;
	}
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

static int	check_urls(struct parse *, const struct source_cfg *,
		    const char *);
static int	check_delimiter(struct parse *, const struct kvlist *,
		    const char *);
static int	check_date_format(struct parse *, const struct kvlist *,
		    const char *);

static int
check_source(struct parse *p, struct source_cfg *s)
{
	const struct connector_ops *ops;
	const char *const *t;
	char what[300], known[256] = "";

	snprintf(what, sizeof(what), "[source \"%s\"]", s->name);
	if (s->type == NULL || *s->type == '\0')
		return fail(p, s->line, "%s has no 'type'", what);
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
	if (!check_keys(p, &s->kv, common_keys, ops->keys, what) ||
	    !check_urls(p, s, what))
		return 0;
	if (in_list(ops->keys, "delimiter") && !check_delimiter(p, &s->kv,
	    what))
		return 0;
	if (in_list(ops->keys, "date_format") && !check_date_format(p,
	    &s->kv, what))
		return 0;
	return 1;
}

/*
 * A date_format: auto, or %Y, %m and %d once each between separators
 * ("%d.%m.%Y"). Checked here so that a typo is a config error at load,
 * not a failed import later. 1 when fine.
 */
static int
check_date_format(struct parse *p, const struct kvlist *l, const char *what)
{
	const char *v = kv_get(l, "date_format"), *f;
	int y = 0, m = 0, d = 0;

	if (v == NULL || *v == '\0' || strcasecmp(v, "auto") == 0)
		return 1;
	for (f = v; *f; f++) {
		if (*f == '%') {
			f++;
			if (*f == 'Y')
				y++;
			else if (*f == 'm')
				m++;
			else if (*f == 'd')
				d++;
			else
				return fail(p, kv_line(l, "date_format"),
				    "%s date_format '%s': only %%Y, %%m and %%d"
				    " are understood (got '%%%.1s')", what, v,
				    f);
			continue;
		}
		if ((*f >= '0' && *f <= '9') || ((*f | 0x20) >= 'a' &&
		    (*f | 0x20) <= 'z') || (unsigned char)*f < 0x20)
			return fail(p, kv_line(l, "date_format"), "%s"
			    " date_format '%s': between %%Y, %%m and %%d only"
			    " separators such as / . - or a space", what, v);
	}
	if (y != 1 || m != 1 || d != 1)
		return fail(p, kv_line(l, "date_format"), "%s date_format '%s'"
		    " needs each of %%Y, %%m and %%d once (or auto)", what, v);
	return 1;
}

static int
check_delimiter(struct parse *p, const struct kvlist *l, const char *what)
{
	struct errbuf derr = { "" };
	int delim;

	if (csv_delimiter(kv_get(l, "delimiter"), &delim, &derr) < 0)
		return fail(p, kv_line(l, "delimiter"), "%s %s", what,
		    derr.msg);
	return 1;
}

static int
url_has_scheme(const char *url, const char *const *schemes)
{
	for (; *schemes; schemes++)
		if (strncasecmp(url, *schemes, strlen(*schemes)) == 0 &&
		    url[strlen(*schemes)] != '\0')
			return 1;
	return 0;
}

/* [A-Za-z_][A-Za-z0-9_]*: what a *_env key must hold. */
static int
var_name(const char *v)
{
	if (!(*v == '_' || ((*v | 0x20) >= 'a' && (*v | 0x20) <= 'z')))
		return 0;
	for (v++; *v; v++)
		if (!(*v == '_' || (*v >= '0' && *v <= '9') ||
		    ((*v | 0x20) >= 'a' && (*v | 0x20) <= 'z')))
			return 0;
	return 1;
}

/* scheme://user[:pass]@host...: a credential written into a URL. */
static int
url_has_userinfo(const char *url)
{
	const char *a = strstr(url, "://");
	size_t n;

	if (a == NULL)
		return 0;
	a += 3;
	n = strcspn(a, "/?#");
	return memchr(a, '@', n) != NULL;
}

/* The url of a source, checked by its kind: directory or HTTP API. */
static int
check_urls(struct parse *p, const struct source_cfg *s, const char *what)
{
	static const char *const ldap_types[] = { "ldap", "ad", NULL };
	static const char *const http_types[] = {
		"scim", "okta", "github", "google", "slack", "entra", NULL,
	};
	static const char *const ldap_schemes[] = {
		"ldap://", "ldaps://", "ldapi://", NULL,
	};
	static const char *const http_schemes[] = {
		"http://", "https://", NULL,
	};
	static const char *const http_url_keys[] = { "url", "token_url", NULL };
	const char *const *k;
	const char *v;
	size_t i;

	if (in_list(ldap_types, s->type)) {
		v = kv_get(&s->kv, "url");
		if (v == NULL || *v == '\0')
			return fail(p, v ? kv_line(&s->kv, "url") : s->line,
			    "%s has no 'url' (ldap://HOST or ldaps://HOST)",
			    what);
		if (!url_has_scheme(v, ldap_schemes))
			return fail(p, kv_line(&s->kv, "url"), "%s url '%s'"
			    " must start with ldap:// or ldaps://", what, v);
	}
	for (i = 0; i < s->kv.n; i++) {
		size_t n = strlen(s->kv.v[i].key);

		/* most likely the secret itself: never shown */
		if (n > 4 && strcmp(s->kv.v[i].key + n - 4, "_env") == 0 &&
		    !var_name(s->kv.v[i].value))
			return fail(p, s->kv.v[i].line, "%s %s is not a"
			    " variable name (is a token written there? it is"
			    " not shown)", what, s->kv.v[i].key);
	}
	for (k = http_url_keys; *k; k++)
		if ((v = kv_get(&s->kv, *k)) != NULL && url_has_userinfo(v))
			/* the URL is not shown: its userinfo is a password */
			return fail(p, kv_line(&s->kv, *k), "%s %s carries a"
			    " user name or password before '@': refused (not"
			    " shown); use username and password_env or"
			    " token_env", what, *k);
	if (in_list(http_types, s->type))
		for (k = http_url_keys; *k; k++) {
			v = kv_get(&s->kv, *k);
			if (v != NULL && *v != '\0' &&
			    !url_has_scheme(v, http_schemes))
				return fail(p, kv_line(&s->kv, *k), "%s %s '%s'"
				    " must start with https:// (or http://)",
				    what, *k, v);
		}
	return 1;
}

/*
 * A config is text: a NUL byte or other control characters mean a binary
 * or UTF-16 file, which inih would read as a few truncated lines.
 */
static int
check_text(struct parse *p)
{
	int ch, line = 1;

	while ((ch = getc(p->fp)) != EOF) {
		if (ch == '\n')
			line++;
		else if (ch == 0)
			return fail(p, line, "NUL byte: not a text file (is it"
			    " UTF-16? save it as UTF-8)");
		else if ((ch < 0x20 && ch != '\t' && ch != '\r' &&
		    ch != '\f') || ch == 0x7f)
			return fail(p, line, "control character 0x%02X: not a"
			    " text file", ch);
	}
	if (ferror(p->fp))
		return fail(p, line, "cannot read: %s", strerror(errno));
	rewind(p->fp);
	return 1;
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
	rc = check_text(&p) ? ini_parse_stream(read_line, &p, on_value, &p) :
	    0;
	fclose(p.fp);
	if (rc != 0 && !p.failed)
		fail(&p, rc > 0 ? rc : 0, "cannot parse this line (expected"
		    " 'key = value', '[section]' or a ; comment)");
	if (!p.failed)
		check_keys(&p, &cfg->hr, hr_keys, NULL, "[hr]");
	if (!p.failed)
		check_keys(&p, &cfg->policy, policy_keys, NULL, "[policy]");
	if (!p.failed)
		check_delimiter(&p, &cfg->hr, "[hr]");
	if (!p.failed)
		check_date_format(&p, &cfg->hr, "[hr]");
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

int
source_key_line(const struct source_cfg *s, const char *key)
{
	return kv_line(&s->kv, key);
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
	struct stat sb;
	FILE *fp;
	size_t n;

	*out = NULL;
	snprintf(key, sizeof(key), "%s_env", base);
	if ((v = source_get(s, key)) != NULL) {
		const char *val = getenv(v);

		if (!var_name(v)) {
			/* most likely the secret itself: never shown */
			err_set(err, "source '%s': %s in %s:%d is not a"
			    " variable name (is a token written there? it is"
			    " not shown)", s->name, key, s->config_path ?
			    s->config_path : "config", kv_line(&s->kv, key));
			return -1;
		}
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
		/* a value with no '/' and no '.' may be the secret pasted in */
		if (strchr(v, '/') == NULL && strchr(v, '.') == NULL)
			err_set(err, "source '%s': cannot read the %s of"
			    " %s:%d: %s (the value is not shown: it does not"
			    " look like a path)", s->name, key, s->config_path ?
			    s->config_path : "config", kv_line(&s->kv, key),
			    strerror(errno));
		else
			err_set(err, "source '%s': cannot read %s '%s' (%s:%d):"
			    " %s", s->name, key, path, s->config_path ?
			    s->config_path : "config", kv_line(&s->kv, key),
			    strerror(errno));
		free(path);
		return -1;
	}
	/* A secret anyone on the machine can read is no secret: refuse it. */
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & S_IROTH)) {
		err_set(err, "source '%s': %s '%s' is readable by others"
		    " (mode %04o): chmod 600 '%s'", s->name, key, path,
		    (unsigned)(sb.st_mode & 07777), path);
		fclose(fp);
		free(path);
		return -1;
	}
	if (sb.st_mode & S_IRGRP)
		warning("source '%s': %s '%s' is readable by its group (mode"
		    " %04o): chmod 600 '%s'", s->name, key, path,
		    (unsigned)(sb.st_mode & 07777), path);
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
