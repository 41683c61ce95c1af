/*
 * github.c: a GitHub organization through the REST API (http.h).
 *
 * A pull is a series of paged listings (Link rel="next", 100 a page), read
 * one page at a time and handed out record by record:
 *
 *  1. /orgs/ORG/members?filter=2fa_disabled and the same filter on
 *     /orgs/ORG/outside_collaborators: the ids of the people without 2FA,
 *     kept in a sorted array (small: only those without 2FA). Only
 *     organization owners may use the filter; a 403 or 422 there makes MFA
 *     unknown for that part and notes the part as incomplete, never
 *     "not enrolled" for everyone;
 *  2. /orgs/ORG/members: the accounts (numeric id as native id, login);
 *  3. /orgs/ORG/outside_collaborators: accounts of kind "external";
 *  4. /orgs/ORG/members?role=admin: members of the privileged "org:admin";
 *  5. /orgs/ORG/teams, then /orgs/ORG/teams/SLUG/members for each team:
 *     entitlements "team:SLUG" (GitHub includes child teams' members).
 *
 * The member list carries no e-mail address: identity_file (CSV with a
 * login column and an email and/or employee_id column, e.g. exported from
 * the organization's SAML/SCIM identities) fills them in; without it the
 * accounts link through `import overrides` (or match_login).
 *
 * A 403 carrying X-RateLimit-Remaining: 0 or Retry-After is a rate limit
 * (http.c waits and retries); should it come back once the retries are
 * spent it fails the pull, it is never taken for a missing permission.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/csv.h"
#include "rollcall/http.h"

#define GH_DEFAULT_URL	"https://api.github.com"
#define GH_MAX_PAGE	100	/* the API's per_page ceiling */

enum gh_phase {
	GH_MFA_MEMBERS = 0,	/* collect ids without 2FA */
	GH_MFA_OUTSIDE,
	GH_MEMBERS,		/* accounts */
	GH_OUTSIDE,		/* accounts, external */
	GH_ADMIN_ROLE,		/* the org:admin entitlement */
	GH_ADMINS,		/* its members */
	GH_TEAMS,		/* team entitlements, slugs kept */
	GH_TEAM_MEMBERS,
	GH_DONE,
};

/* One paged listing: the page being read and where the next one is. */
struct listing {
	const char *what;	/* for messages: "organization members" */
	char	*next;		/* URL of the next page; NULL: none */
	struct http_page page;
	int	 have_page;
	size_t	 i;		/* next element of page.body */
};

struct identity {
	char	*login;		/* lower case */
	char	*email;
	char	*employee_id;
};

struct team {
	char	*id;
	char	*slug;
	char	*key;		/* "team:SLUG": ids may equal a user's id */
};

struct gh {
	struct http *http;
	const char *name;
	char	*org;
	char	*origin;
	long	 per_page;
	enum gh_phase phase;
	struct listing l;
	/* MFA: sorted ids of members and collaborators without 2FA */
	int64_t	*no2fa;
	size_t	 nno2fa, capno2fa;
	int	 mfa_members, mfa_outside;	/* 1: the filter answered */
	/* identities from identity_file, sorted by login */
	struct identity *ids;
	size_t	 nids;
	/* teams, read whole before their members (a few hundred at most) */
	struct team *teams;
	size_t	 nteams, capteams, iteam;
	/* strings lent out with the last record */
	char	 idbuf[32];
	char	 detail[1024];
};

static const char *const gh_keys[] = {
	HTTP_KEYS, "org", "identity_file", NULL,
};

static void
listing_clear(struct listing *l)
{
	if (l->have_page)
		http_page_free(&l->page);
	memset(&l->page, 0, sizeof(l->page));
	l->have_page = 0;
	free(l->next);
	l->next = NULL;
	l->i = 0;
}

/* Start a listing of path (relative to the base URL) with per_page. */
static void
listing_start(struct gh *g, const char *what, const char *path)
{
	char *url, *n;

	listing_clear(&g->l);
	http_listing_reset(g->http);
	g->l.what = what;
	url = http_url(g->http, path);
	n = xasprintf("%ld", g->per_page);
	g->l.next = http_url_add(url, "per_page", n);
	free(n);
	free(url);
}

/*
 * The next element of the listing: 1 with *item (lent until the next
 * call), 0 at the end, -1 with err set; after a failed request
 * g->l.page.status holds the HTTP status (0: no response).
 */
static int
listing_item(struct gh *g, json_t **item, struct errbuf *err)
{
	struct listing *l = &g->l;
	char *url;

	for (;;) {
		if (l->have_page && l->i < json_array_size(l->page.body)) {
			*item = json_array_get(l->page.body, l->i++);
			return 1;
		}
		if (l->next == NULL)
			return 0;
		if (l->have_page)
			http_page_free(&l->page);
		memset(&l->page, 0, sizeof(l->page));
		l->have_page = 1;
		l->i = 0;
		url = l->next;
		l->next = NULL;
		if (http_get_json(g->http, url, &l->page, err) < 0) {
			err_prefix(err, "cannot list %s of '%s'", l->what,
			    g->org);
			free(url);
			return -1;
		}
		if (!json_is_array(l->page.body)) {
			err_set(err, "cannot list %s of '%s': %s: the response"
			    " is not a JSON array", l->what, g->org, url);
			free(url);
			return -1;
		}
		free(url);
		if (l->page.next) {
			if (http_check_next(g->http, l->page.next, err) < 0) {
				err_prefix(err, "cannot list %s of '%s'",
				    l->what, g->org);
				return -1;
			}
			l->next = xstrdup(l->page.next);
		}
	}
}

/*
 * A failed optional listing (the 2FA filter, outside collaborators, a
 * team's members): 1 when it is a missing permission we note as
 * incomplete, 0 when it must fail the pull. A 403 is a permission unless
 * it is a rate limit the retries did not outlast; a 422 answers a
 * non-owner's 2FA filter (also_422); a 404 a team deleted during the
 * pull (also_404). Anything else, a timeout included, fails the pull.
 */
static int
is_forbidden(const struct listing *l, int also_422, int also_404)
{
	const char *rem;

	if (!l->have_page)
		return 0;
	switch (l->page.status) {
	case 403:
		rem = http_header(&l->page, "X-RateLimit-Remaining");
		if (rem && strcmp(rem, "0") == 0)
			return 0;
		return http_header(&l->page, "Retry-After") == NULL;
	case 422:
		return also_422;
	case 404:
		return also_404;
	default:
		return 0;
	}
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
no2fa_has(const struct gh *g, int64_t id)
{
	return g->nno2fa > 0 && bsearch(&id, g->no2fa, g->nno2fa,
	    sizeof(*g->no2fa), cmp_id) != NULL;
}

static int
user_id(json_t *u, int64_t *id)
{
	json_t *v = json_object_get(u, "id");

	if (!json_is_integer(v))
		return -1;
	*id = (int64_t)json_integer_value(v);
	return 0;
}

static int
cmp_identity(const void *a, const void *b)
{
	return strcmp(((const struct identity *)a)->login,
	    ((const struct identity *)b)->login);
}

static const struct identity *
identity_find(const struct gh *g, const char *login)
{
	struct identity key;
	const struct identity *found;

	if (g->nids == 0 || login == NULL)
		return NULL;
	key.login = str_lower(login);
	found = bsearch(&key, g->ids, g->nids, sizeof(*g->ids),
	    cmp_identity);
	free(key.login);
	return found;
}

static char *
cell_dup(const struct csv *c, int i)
{
	char *s;

	if (i < 0 || (size_t)i >= c->nf)
		return NULL;
	s = str_trim(c->f[i].s);
	return *s ? xstrdup(s) : NULL;
}

/* identity_file: login plus email and/or employee_id, by header name. */
static int
identities_load(struct gh *g, const char *path, struct errbuf *err)
{
	static const char *const login_names[] = {
		"login", "github_login", "username", "user", NULL,
	};
	static const char *const email_names[] = {
		"email", "e-mail", "mail", "saml_name_id", "name_id", NULL,
	};
	static const char *const empid_names[] = {
		"employee_id", "employee id", "employeeid", "employee_number",
		NULL,
	};
	struct csv c;
	size_t cap = 0, i;
	int il, ie, ii, rc, ret = -1;

	if (csv_open(&c, path, 0, err) < 0)
		return -1;
	if ((rc = csv_next(&c, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: empty identity file", path);
		goto out;
	}
	il = csv_find_column(&c, login_names);
	ie = csv_find_column(&c, email_names);
	ii = csv_find_column(&c, empid_names);
	if (il < 0 || (ie < 0 && ii < 0)) {
		err_set(err, "%s:1: the identity file needs a login column and"
		    " an email or employee_id column", path);
		goto out;
	}
	while ((rc = csv_next(&c, err)) > 0) {
		struct identity *id;
		char *login = cell_dup(&c, il);

		if (login == NULL)
			continue;
		if (g->nids == cap) {
			cap = cap ? cap * 2 : 64;
			g->ids = xrealloc(g->ids, cap * sizeof(*g->ids));
		}
		id = &g->ids[g->nids++];
		id->login = str_lower(login);
		free(login);
		id->email = cell_dup(&c, ie);
		id->employee_id = cell_dup(&c, ii);
	}
	if (rc < 0)
		goto out;
	qsort(g->ids, g->nids, sizeof(*g->ids), cmp_identity);
	for (i = 1; i < g->nids; i++)
		if (strcmp(g->ids[i - 1].login, g->ids[i].login) == 0) {
			err_set(err, "%s: login '%s' appears twice", path,
			    g->ids[i].login);
			goto out;
		}
	ret = 0;
out:
	csv_close(&c);
	return ret;
}

/* An organization name goes into URL paths: letters, digits, - _ . only. */
static int
org_valid(const char *org)
{
	const char *p;

	if (str_empty(org))
		return 0;
	for (p = org; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return 0;
	return 1;
}

static int
gh_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct gh *g = xcalloc(1, sizeof(*g));
	struct http_options opt;
	const char *v;
	char *path;
	int rc;

	c->priv = g;
	g->name = src->name;
	v = source_get(src, "org");
	if (str_empty(v)) {
		err_set(err, "source '%s': 'org' is not set", src->name);
		return -2;
	}
	if (!org_valid(v)) {
		err_set(err, "source '%s': org '%s' is not an organization"
		    " name", src->name, v);
		return -2;
	}
	g->org = xstrdup(v);
	if ((v = source_get(src, "identity_file")) != NULL && *v) {
		path = config_path_resolve(src->config_path, v);
		rc = identities_load(g, path, err);
		free(path);
		if (rc < 0) {
			err_prefix(err, "source '%s'", src->name);
			return -1;
		}
	}
	memset(&opt, 0, sizeof(opt));
	opt.auth = HTTP_AUTH_BEARER;
	opt.accept = "application/vnd.github+json";
	opt.default_url = GH_DEFAULT_URL;
	if (http_config_check(src, &opt, err) < 0)
		return -2;
	if ((g->http = http_open(src, &opt, err)) == NULL)
		return -1;
	g->per_page = http_page_size(g->http, GH_MAX_PAGE);
	if (g->per_page < 1 || g->per_page > GH_MAX_PAGE)
		g->per_page = GH_MAX_PAGE;
	g->origin = xasprintf("%s/orgs/%s", http_base(g->http), g->org);
	c->origin = g->origin;
	g->phase = GH_MFA_MEMBERS;
	path = xasprintf("/orgs/%s/members?filter=2fa_disabled", g->org);
	listing_start(g, "members without 2FA", path);
	free(path);
	return 0;
}

static void
set_issue(struct gh *g, struct record *rec, const char *kind,
    const char *detail)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = REC_ISSUE;
	rec->u.issue.kind = kind;
	snprintf(g->detail, sizeof(g->detail), "%s", detail);
	rec->u.issue.detail = g->detail;
}

/* Collect the ids of one 2FA listing; 1: an issue in *rec; 0: done. */
static int
collect_no2fa(struct gh *g, int *known, const char *part,
    struct record *rec, struct errbuf *err)
{
	json_t *u;
	int64_t id;
	int rc;
	char why[sizeof(err->msg)];

	while ((rc = listing_item(g, &u, err)) > 0) {
		if (user_id(u, &id) < 0)
			continue;
		if (g->nno2fa == g->capno2fa) {
			g->capno2fa = g->capno2fa ? g->capno2fa * 2 : 64;
			g->no2fa = xrealloc(g->no2fa,
			    g->capno2fa * sizeof(*g->no2fa));
		}
		g->no2fa[g->nno2fa++] = id;
	}
	if (rc == 0) {
		*known = 1;
		qsort(g->no2fa, g->nno2fa, sizeof(*g->no2fa), cmp_id);
		return 0;
	}
	if (!is_forbidden(&g->l, 1, 0))
		return -1;
	*known = 0;
	snprintf(why, sizeof(why), "2FA status of %s unknown: the token may"
	    " not use filter=2fa_disabled (HTTP %ld; it needs an organization"
	    " owner)", part, g->l.page.status);
	set_issue(g, rec, "incomplete", why);
	return 1;
}

static void
set_account(struct gh *g, json_t *u, int outside, struct record *rec)
{
	struct rec_account *a = &rec->u.account;
	const struct identity *id;
	const char *type;
	int64_t n = 0;

	memset(rec, 0, sizeof(*rec));
	rec->type = REC_ACCOUNT;
	user_id(u, &n);
	snprintf(g->idbuf, sizeof(g->idbuf), "%" PRId64, n);
	a->native_id = g->idbuf;
	a->login = json_string_value(json_object_get(u, "login"));
	if ((id = identity_find(g, a->login)) != NULL) {
		a->email = id->email;
		a->employee_id = id->employee_id;
	}
	/* organization membership is the account: listed means active */
	a->status = "active";
	a->active = 1;
	if (outside ? g->mfa_outside : g->mfa_members)
		a->mfa = no2fa_has(g, n) ? MFA_NOT_ENROLLED : MFA_ENROLLED;
	else
		a->mfa = MFA_UNKNOWN;
	type = json_string_value(json_object_get(u, "type"));
	if (type && strcasecmp(type, "Bot") == 0)
		a->kind = "service";
	else if (outside)
		a->kind = "external";
}

/* An account of the listing; 1: *rec; 0: end; -1: err. */
static int
next_account(struct gh *g, int outside, struct record *rec,
    struct errbuf *err)
{
	json_t *u;
	int64_t n;
	int rc;

	while ((rc = listing_item(g, &u, err)) > 0) {
		if (user_id(u, &n) < 0 ||
		    !json_is_string(json_object_get(u, "login"))) {
			err_set(err, "%s of '%s': %s: an entry without a"
			    " numeric id or a login", g->l.what, g->org,
			    g->l.page.url ? g->l.page.url : "");
			return -1;
		}
		set_account(g, u, outside, rec);
		return 1;
	}
	return rc;
}

static void
team_add(struct gh *g, const char *id, const char *slug)
{
	if (g->nteams == g->capteams) {
		g->capteams = g->capteams ? g->capteams * 2 : 16;
		g->teams = xrealloc(g->teams,
		    g->capteams * sizeof(*g->teams));
	}
	g->teams[g->nteams].id = xstrdup(id);
	g->teams[g->nteams].slug = xstrdup(slug);
	g->teams[g->nteams].key = xasprintf("team:%s", slug);
	g->nteams++;
}

/* Slugs go into URL paths; GitHub makes them of [a-z0-9-_.]. */
static int
slug_valid(const char *s)
{
	return org_valid(s);
}

static void
start_team_members(struct gh *g)
{
	char *path;

	path = xasprintf("/orgs/%s/teams/%s/members",
	    g->org, g->teams[g->iteam].slug);
	listing_start(g, "team members", path);
	free(path);
}

static int
gh_next(struct connector *c, struct record *rec, struct errbuf *err)
{
	struct gh *g = c->priv;
	json_t *t;
	int64_t n;
	int rc;
	char *path, why[sizeof(err->msg)];

	for (;;) {
		switch (g->phase) {
		case GH_MFA_MEMBERS:
			rc = collect_no2fa(g, &g->mfa_members,
			    "organization members", rec, err);
			if (rc < 0)
				return -1;
			g->phase = GH_MFA_OUTSIDE;
			path = xasprintf("/orgs/%s/outside_collaborators"
			    "?filter=2fa_disabled", g->org);
			listing_start(g, "outside collaborators without 2FA",
			    path);
			free(path);
			if (rc == 1)
				return 1;
			break;
		case GH_MFA_OUTSIDE:
			rc = collect_no2fa(g, &g->mfa_outside,
			    "outside collaborators", rec, err);
			if (rc < 0)
				return -1;
			g->phase = GH_MEMBERS;
			path = xasprintf("/orgs/%s/members", g->org);
			listing_start(g, "organization members", path);
			free(path);
			if (rc == 1)
				return 1;
			break;
		case GH_MEMBERS:
			if ((rc = next_account(g, 0, rec, err)) != 0)
				return rc;
			g->phase = GH_OUTSIDE;
			path = xasprintf("/orgs/%s/outside_collaborators",
			    g->org);
			listing_start(g, "outside collaborators", path);
			free(path);
			break;
		case GH_OUTSIDE:
			rc = next_account(g, 1, rec, err);
			if (rc > 0)
				return 1;
			g->phase = GH_ADMIN_ROLE;
			if (rc < 0) {
				if (!is_forbidden(&g->l, 0, 0))
					return -1;
				snprintf(why, sizeof(why), "outside"
				    " collaborators not readable (HTTP %ld):"
				    " the list may miss external accounts",
				    g->l.page.status);
				set_issue(g, rec, "incomplete", why);
				return 1;
			}
			break;
		case GH_ADMIN_ROLE:
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_ENTITLEMENT;
			rec->u.ent.native_id = "org:admin";
			rec->u.ent.name = "org:admin";
			rec->u.ent.kind = "role";
			rec->u.ent.privileged = 1;
			g->phase = GH_ADMINS;
			path = xasprintf("/orgs/%s/members?role=admin", g->org);
			listing_start(g, "organization owners", path);
			free(path);
			return 1;
		case GH_ADMINS:
			rc = listing_item(g, &t, err);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				if (user_id(t, &n) < 0)
					continue;
				snprintf(g->idbuf, sizeof(g->idbuf), "%" PRId64,
				    n);
				memset(rec, 0, sizeof(*rec));
				rec->type = REC_MEMBER;
				rec->u.member.group = "org:admin";
				rec->u.member.member = g->idbuf;
				rec->u.member.ref = MEMBER_BY_KEY;
				return 1;
			}
			g->phase = GH_TEAMS;
			path = xasprintf("/orgs/%s/teams", g->org);
			listing_start(g, "teams", path);
			free(path);
			break;
		case GH_TEAMS:
			rc = listing_item(g, &t, err);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				const char *slug = json_string_value(
				    json_object_get(t, "slug"));

				if (user_id(t, &n) < 0 || slug == NULL ||
				    !slug_valid(slug)) {
					err_set(err, "teams of '%s': %s: a team"
					    " without a numeric id or a slug",
					    g->org, g->l.page.url ?
					    g->l.page.url : "");
					return -1;
				}
				snprintf(g->idbuf, sizeof(g->idbuf), "%" PRId64,
				    n);
				team_add(g, g->idbuf, slug);
				memset(rec, 0, sizeof(*rec));
				rec->type = REC_ENTITLEMENT;
				rec->u.ent.native_id =
				    g->teams[g->nteams - 1].id;
				rec->u.ent.key = g->teams[g->nteams - 1].key;
				rec->u.ent.name = g->teams[g->nteams - 1].key;
				rec->u.ent.kind = "group";
				rec->u.ent.privileged = -1;
				return 1;
			}
			g->phase = GH_TEAM_MEMBERS;
			g->iteam = 0;
			if (g->nteams > 0)
				start_team_members(g);
			break;
		case GH_TEAM_MEMBERS:
			if (g->iteam >= g->nteams) {
				g->phase = GH_DONE;
				break;
			}
			rc = listing_item(g, &t, err);
			if (rc > 0) {
				if (user_id(t, &n) < 0)
					continue;
				snprintf(g->idbuf, sizeof(g->idbuf), "%" PRId64,
				    n);
				memset(rec, 0, sizeof(*rec));
				rec->type = REC_MEMBER;
				rec->u.member.group = g->teams[g->iteam].key;
				rec->u.member.member = g->idbuf;
				rec->u.member.ref = MEMBER_BY_KEY;
				return 1;
			}
			if (rc < 0 && !is_forbidden(&g->l, 0, 1))
				return -1;
			if (rc < 0)
				snprintf(why, sizeof(why), "members of team"
				    " '%s' not readable (HTTP %ld)",
				    g->teams[g->iteam].slug, g->l.page.status);
			if (++g->iteam < g->nteams)
				start_team_members(g);
			if (rc < 0) {
				set_issue(g, rec, "incomplete", why);
				return 1;
			}
			break;
		case GH_DONE:
			listing_clear(&g->l);
			return 0;
		}
	}
}

static void
gh_close(struct connector *c)
{
	struct gh *g = c->priv;
	size_t i;

	if (g == NULL)
		return;
	listing_clear(&g->l);
	http_close(g->http);
	for (i = 0; i < g->nids; i++) {
		free(g->ids[i].login);
		free(g->ids[i].email);
		free(g->ids[i].employee_id);
	}
	free(g->ids);
	for (i = 0; i < g->nteams; i++) {
		free(g->teams[i].id);
		free(g->teams[i].slug);
		free(g->teams[i].key);
	}
	free(g->teams);
	free(g->no2fa);
	free(g->org);
	free(g->origin);
	free(g);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops github_connector = {
	.type = "github",
	.keys = gh_keys,
	.open = gh_open,
	.next = gh_next,
	.close = gh_close,
};
