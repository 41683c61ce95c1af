/*
 * csv.c: the `csv` source type: systems that only export their accounts
 * (DESIGN.md, "Accounts CSV").
 *
 *	login,email,name,employee_id,status,mfa,last_login,created,entitlements
 *
 * plus optional `id` (the native id; default: login), `aliases` (further
 * e-mails, ';'-separated) and `kind`. Header names are matched without
 * case; extra columns are ignored. Each row gives one REC_ACCOUNT, then per
 * entitlement a REC_ENTITLEMENT and a REC_MEMBER (the core ignores an
 * entitlement it has seen). A row that cannot be read fails the pull with
 * path:line:column: an account list with holes would turn into orphans.
 *
 * Beyond connector.h this reads through core's CSV reader (csv.h), takes
 * dates through date.h and resolves the file through config.h: a file
 * source has no protocol library of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/csv.h"
#include "rollcall/date.h"

enum acol {
	A_LOGIN, A_EMAIL, A_NAME, A_EMPLOYEE_ID, A_STATUS, A_MFA,
	A_LAST_LOGIN, A_CREATED, A_ENTITLEMENTS, A_ID, A_ALIASES, A_KIND, A_N
};

static const char *const acol_names[A_N] = {
	"login", "email", "name", "employee_id", "status", "mfa",
	"last_login", "created", "entitlements", "id", "aliases", "kind",
};

enum phase { P_ROW, P_ISSUE, P_ENTS };

/*
 * Keys seen so far, with the line of their row: a login or id given twice
 * is caught here, where the file and both lines are known (the core only
 * sees "account 'x' twice"). Open addressing; cap a power of two.
 */
struct seen {
	char	**key;
	long	*line;
	size_t	 cap, n;
};

struct csvc {
	struct csv csv;
	char	*path;
	const char *date_format;
	int	 col[A_N];
	size_t	 ncols;
	/* the current row; valid until the next row is read */
	char	*v[A_N];
	char	*last_login, *created, *kind, *issue;
	int	 active;
	enum mfa_state mfa;
	char	**ents;
	size_t	 nents, ient;
	int	 member_next;	/* entitlement sent, its member is next */
	enum phase phase;
	struct seen ids, logins;	/* logins in lower case */
};

static const char *const csvc_keys[] = {
	"file", "delimiter", "date_format", NULL,
};

static uint64_t
seen_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 0 and key added; or the line where key was seen first. */
static long
seen_add(struct seen *t, const char *key, long line)
{
	size_t i, mask;
	struct seen old;

	if ((t->n + 1) * 2 > t->cap) {
		old = *t;
		t->cap = old.cap ? old.cap * 2 : 1024;
		t->key = xcalloc(t->cap, sizeof(*t->key));
		t->line = xcalloc(t->cap, sizeof(*t->line));
		t->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.key[i]) {
				seen_add(t, old.key[i], old.line[i]);
				free(old.key[i]);
			}
		free(old.key);
		free(old.line);
	}
	mask = t->cap - 1;
	for (i = seen_hash(key) & mask; t->key[i]; i = (i + 1) & mask)
		if (strcmp(t->key[i], key) == 0)
			return t->line[i];
	t->key[i] = xstrdup(key);
	t->line[i] = line;
	t->n++;
	return 0;
}

static void
seen_free(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

/*
 * The same account twice: by id when the file has ids, and by login
 * whatever its case (logins are matched without case downstream).
 */
static int
check_unique(struct csvc *p, struct errbuf *err)
{
	const struct csv_field *f;
	char *low;
	long first;

	if (p->v[A_ID] && (first = seen_add(&p->ids, p->v[A_ID],
	    p->csv.record_line)) > 0) {
		f = &p->csv.f[p->col[A_ID]];
		err_set(err, "%s:%ld:%ld: id '%s' appears twice (first on line"
		    " %ld)", p->path, f->line, f->col, p->v[A_ID], first);
		return -1;
	}
	if (p->v[A_LOGIN] == NULL)
		return 0;
	low = str_lower(p->v[A_LOGIN]);
	first = seen_add(&p->logins, low, p->csv.record_line);
	free(low);
	if (first > 0) {
		f = &p->csv.f[p->col[A_LOGIN]];
		err_set(err, "%s:%ld:%ld: login '%s' appears twice (first on"
		    " line %ld; logins are compared without case)", p->path,
		    f->line, f->col, p->v[A_LOGIN], first);
		return -1;
	}
	return 0;
}

static void
row_free(struct csvc *p)
{
	size_t i;

	for (i = 0; i < A_N; i++) {
		free(p->v[i]);
		p->v[i] = NULL;
	}
	for (i = 0; i < p->nents; i++)
		free(p->ents[i]);
	free(p->ents);
	free(p->last_login);
	free(p->created);
	free(p->kind);
	free(p->issue);
	p->ents = NULL;
	p->nents = p->ient = 0;
	p->last_login = p->created = p->kind = p->issue = NULL;
}

static int
csvc_header(struct csvc *p, struct errbuf *err)
{
	const char *names[2] = { NULL, NULL };
	int rc, i;

	if ((rc = csv_next(&p->csv, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: empty file (expected a header line"
			    " with login,email,name,...)", p->path);
		return -1;
	}
	for (i = 0; i < A_N; i++) {
		names[0] = acol_names[i];
		p->col[i] = csv_find_column(&p->csv, names);
	}
	if (p->col[A_LOGIN] < 0) {
		err_set(err, "%s:1: expected columns not found: no 'login'"
		    " column among %zu columns (expected login,email,name,"
		    "employee_id,status,mfa,last_login,created,entitlements)",
		    p->path, p->csv.nf);
		return -1;
	}
	p->ncols = p->csv.nf;
	return 0;
}

static int
csvc_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct csvc *p = xcalloc(1, sizeof(*p));
	const char *file = source_get(src, "file");
	int delim;

	c->priv = p;
	if (c->input)
		p->path = xstrdup(c->input);
	else if (file)
		p->path = config_path_resolve(src->config_path, file);
	else {
		err_set(err, "source '%s': no 'file' set (or give one: rollcall"
		    " import accounts %s FILE)", src->name, src->name);
		return -2;
	}
	c->origin = p->path;
	p->date_format = source_get(src, "date_format");
	if (csv_delimiter(source_get(src, "delimiter"), &delim, err) < 0) {
		err_prefix(err, "source '%s'", src->name);
		return -2;
	}
	if (csv_open(&p->csv, p->path, delim, err) < 0)
		return -1;
	return csvc_header(p, err);
}

/* The value of column i in the current record, trimmed; NULL when empty. */
static char *
cell(struct csvc *p, int i)
{
	char *v;

	if (p->col[i] < 0)
		return NULL;
	v = str_trim(xstrdup(p->csv.f[p->col[i]].s));
	if (*v == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

static int
bad_cell(struct csvc *p, int i, const char *what, struct errbuf *err)
{
	const struct csv_field *f = &p->csv.f[p->col[i]];

	err_set(err, "%s:%ld:%ld: %s '%s'", p->path, f->line, f->col, what,
	    p->v[i]);
	return -1;
}

/* Lower case, ' ' and '-' as '_': "Locked Out" is locked_out. */
static char *
status_word(const char *s)
{
	char *w = str_lower(s), *q;

	for (q = w; *q; q++)
		if (*q == ' ' || *q == '-')
			*q = '_';
	return w;
}

static int
in_words(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* DESIGN.md: could the holder still get in without an admin's help? */
static void
set_status(struct csvc *p)
{
	static const char *const yes[] = {
		"active", "enabled", "locked", "locked_out", "lockedout",
		"password_expired", "pending", "staged", "provisioned",
		"recovery", "pending_activation", NULL,
	};
	static const char *const no[] = {
		"disabled", "suspended", "deleted", "deprovisioned",
		"inactive", "deactivated", NULL,
	};
	char *w;

	p->active = 1;
	if (p->v[A_STATUS] == NULL)
		return;
	w = status_word(p->v[A_STATUS]);
	if (in_words(w, no))
		p->active = 0;
	else if (!in_words(w, yes))
		p->issue = xasprintf("login '%s': unknown status '%s' (counted"
		    " as active)", p->v[A_LOGIN], p->v[A_STATUS]);
	free(w);
}

static int
set_mfa(struct csvc *p, struct errbuf *err)
{
	static const char *const yes[] = {
		"enrolled", "yes", "true", "y", "1", NULL,
	};
	static const char *const no[] = {
		"not_enrolled", "no", "false", "n", "0", NULL,
	};
	char *w;
	int ret = 0;

	p->mfa = MFA_UNKNOWN;
	if (p->v[A_MFA] == NULL)
		return 0;
	w = status_word(p->v[A_MFA]);
	if (in_words(w, yes))
		p->mfa = MFA_ENROLLED;
	else if (in_words(w, no))
		p->mfa = MFA_NOT_ENROLLED;
	else if (strcmp(w, "unknown") != 0)
		ret = bad_cell(p, A_MFA, "mfa must be enrolled, not_enrolled or"
		    " unknown, not", err);
	free(w);
	return ret;
}

/* ISO (a time part kept as written), else by date_format or unambiguous. */
static int
set_date(struct csvc *p, int i, char **out, struct errbuf *err)
{
	const struct csv_field *f = &p->csv.f[p->col[i]];
	struct errbuf derr = { "" };
	char iso[11];

	*out = NULL;
	if (p->v[i] == NULL)
		return 0;
	if (i == A_LAST_LOGIN && strcasecmp(p->v[i], "never") == 0) {
		*out = xstrdup("never");
		return 0;
	}
	if (date_parse(p->v[i], "%Y-%m-%d", iso, &derr) == 0) {
		*out = xstrdup(p->v[i]);
		return 0;
	}
	if (date_parse(p->v[i], p->date_format, iso, &derr) == 0) {
		*out = xstrdup(iso);
		return 0;
	}
	err_set(err, "%s:%ld:%ld: %s: %s", p->path, f->line, f->col,
	    acol_names[i], derr.msg);
	return -1;
}

static int
set_kind(struct csvc *p, struct errbuf *err)
{
	static const char *const kinds[] = {
		"human", "service", "shared", "external", NULL,
	};

	if (p->v[A_KIND] == NULL)
		return 0;
	p->kind = str_lower(p->v[A_KIND]);
	if (!in_words(p->kind, kinds))
		return bad_cell(p, A_KIND, "kind must be human, service, shared"
		    " or external, not", err);
	return 0;
}

/* Entitlement names, ';'-separated, each once. */
static void
split_entitlements(struct csvc *p)
{
	char *copy, *tok, *save = NULL, *s;
	size_t i;
	int seen;

	if (p->v[A_ENTITLEMENTS] == NULL)
		return;
	copy = xstrdup(p->v[A_ENTITLEMENTS]);
	for (s = copy; (tok = strtok_r(s, ";", &save)) != NULL; s = NULL) {
		str_trim(tok);
		for (i = 0, seen = 0; i < p->nents && !seen; i++)
			seen = strcmp(p->ents[i], tok) == 0;
		if (*tok == '\0' || seen)
			continue;
		p->ents = xrealloc(p->ents, (p->nents + 1) * sizeof(*p->ents));
		p->ents[p->nents++] = xstrdup(tok);
	}
	free(copy);
}

static int
row_blank(const struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (strspn(c->f[i].s, " \t") != strlen(c->f[i].s))
			return 0;
	return 1;
}

/* The next data row into p; 1, 0 at the end, -1 with err. */
static int
read_row(struct csvc *p, struct errbuf *err)
{
	const struct csv_field *f;
	int rc, i;

	row_free(p);
	while ((rc = csv_next(&p->csv, err)) == 1 && row_blank(&p->csv))
		;
	if (rc <= 0)
		return rc;
	if (p->csv.nf != p->ncols) {
		f = &p->csv.f[p->csv.nf > p->ncols ? p->ncols : p->csv.nf - 1];
		err_set(err, "%s:%ld:%ld: %zu fields where the header has %zu",
		    p->path, f->line, f->col, p->csv.nf, p->ncols);
		return -1;
	}
	for (i = 0; i < A_N; i++)
		p->v[i] = cell(p, i);
	if (p->v[A_LOGIN] == NULL && p->v[A_ID] == NULL) {
		f = &p->csv.f[p->col[A_LOGIN]];
		err_set(err, "%s:%ld:%ld: empty login", p->path, f->line,
		    f->col);
		return -1;
	}
	if (check_unique(p, err) < 0)
		return -1;
	set_status(p);
	if (set_mfa(p, err) < 0 ||
	    set_date(p, A_LAST_LOGIN, &p->last_login, err) < 0 ||
	    set_date(p, A_CREATED, &p->created, err) < 0 ||
	    set_kind(p, err) < 0)
		return -1;
	split_entitlements(p);
	return 1;
}

static const char *
native_id(const struct csvc *p)
{
	return p->v[A_ID] ? p->v[A_ID] : p->v[A_LOGIN];
}

static void
emit_account(struct csvc *p, struct record *rec)
{
	struct rec_account *a = &rec->u.account;

	memset(rec, 0, sizeof(*rec));
	rec->type = REC_ACCOUNT;
	a->native_id = native_id(p);
	a->login = p->v[A_LOGIN];
	a->email = p->v[A_EMAIL];
	a->aliases = p->v[A_ALIASES];
	a->display_name = p->v[A_NAME];
	a->status = p->v[A_STATUS];
	a->active = p->active;
	a->mfa = p->mfa;
	a->last_login = p->last_login;
	a->created = p->created;
	a->kind = p->kind;
	a->employee_id = p->v[A_EMPLOYEE_ID];
}

static void
emit_entitlement(struct csvc *p, struct record *rec)
{
	const char *name = p->ents[p->ient];

	memset(rec, 0, sizeof(*rec));
	if (!p->member_next) {
		rec->type = REC_ENTITLEMENT;
		rec->u.ent.native_id = name;
		rec->u.ent.key = name;
		rec->u.ent.name = name;
		rec->u.ent.kind = "group";
		rec->u.ent.privileged = -1;
		p->member_next = 1;
		return;
	}
	rec->type = REC_MEMBER;
	rec->u.member.group = name;
	rec->u.member.member = native_id(p);
	rec->u.member.ref = MEMBER_BY_KEY;
	p->member_next = 0;
	p->ient++;
}

static int
csvc_next(struct connector *c, struct record *rec, struct errbuf *err)
{
	struct csvc *p = c->priv;
	int rc;

	for (;;) {
		switch (p->phase) {
		case P_ROW:
			if ((rc = read_row(p, err)) <= 0)
				return rc;
			emit_account(p, rec);
			p->phase = p->issue ? P_ISSUE : P_ENTS;
			return 1;
		case P_ISSUE:
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_ISSUE;
			rec->u.issue.kind = "unknown_status";
			rec->u.issue.detail = p->issue;
			p->phase = P_ENTS;
			return 1;
		case P_ENTS:
			if (p->ient < p->nents) {
				emit_entitlement(p, rec);
				return 1;
			}
			p->phase = P_ROW;
			break;
		}
	}
}

static void
csvc_close(struct connector *c)
{
	struct csvc *p = c->priv;

	if (p == NULL)
		return;
	row_free(p);
	csv_close(&p->csv);
	seen_free(&p->ids);
	seen_free(&p->logins);
	free(p->path);
	free(p);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops csv_connector = {
	.type = "csv",
	.keys = csvc_keys,
	.open = csvc_open,
	.next = csvc_next,
	.close = csvc_close,
};
