/*
 * okta.c: the Okta Management API (an org URL such as
 * https://acme.okta.com, an SSWS API token or an OAuth 2.0 bearer token).
 *
 * Parts, in order, each one listing paged by following Link rel="next"
 * verbatim (opaque cursors; http_check_next() refuses loops and other hosts):
 *  - users: GET /api/v1/users, then the same with
 *    filter=status eq "DEPROVISIONED", because the default list leaves
 *    deprovisioned users out; for every user not deprovisioned,
 *    GET /api/v1/users/ID/factors while the user's page is handed out, so
 *    records stream and memory stays one page;
 *  - roles: GET /api/v1/iam/assignees/users (only the users holding an admin
 *    role), then GET /api/v1/users/ID/roles for each: entitlements of kind
 *    role, privileged;
 *  - groups: GET /api/v1/groups and GET /api/v1/groups/ID/users.
 * `parts` turns factors, roles, groups or deprovisioned off (each is N
 * requests on a big org); what is not read is noted as incomplete, and a
 * part the credential may not read (403) likewise, never an empty list.
 * Rate limits (429, X-Rate-Limit-Reset against the server's Date) are
 * http.c's business.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/http.h"
#include "saas.h"

enum {
	PART_DEPROVISIONED = 1 << 0,
	PART_FACTORS = 1 << 1,
	PART_ROLES = 1 << 2,
	PART_GROUPS = 1 << 3,
	PART_ALL = 0xf,
};

static const struct {
	const char *word;
	int	 bit;
} part_words[] = {
	{ "deprovisioned", PART_DEPROVISIONED },
	{ "factors", PART_FACTORS },
	{ "roles", PART_ROLES },
	{ "groups", PART_GROUPS },
};

enum phase {
	PH_USERS,
	PH_DEPROV,
	PH_ROLES,		/* users holding roles */
	PH_USER_ROLES,		/* one user's roles: entitlement, member */
	PH_GROUPS,
	PH_GROUP_USERS,
	PH_NOTES,
	PH_DONE,
};

/* One Link-paged listing: a JSON array per page (or body.value). */
struct olist {
	char	*next;		/* URL of the next page; NULL: none */
	struct http_page page;
	int	 have_page;
	json_t	*items;		/* borrowed from page */
	size_t	 idx;
	int	 started;
};

#define MAX_PENDING 4

struct oktac {
	struct http *h;
	const char *name;
	long	 limit;
	int	 parts;
	enum phase phase;
	struct olist users, roles, groups, members;
	json_t	*seen;		/* user ids already sent */
	long	 ndups;
	int	 factors_forbidden;
	/* the user whose roles are being sent */
	const char *role_user;
	struct http_page role_page;
	int	 have_role_page;
	size_t	 ridx;
	int	 rstep;		/* 0: entitlement next, 1: member next */
	char	*role_key;
	const char *group_id;
	/* notes waiting to go out, oldest first */
	char	*pend_kind[MAX_PENDING], *pend_detail[MAX_PENDING];
	size_t	 npend;
	int	 notes_done;
	/* strings of the record handed out last */
	char	*display, *detail, *kind;
};

static const char *const okta_keys[] = {
	HTTP_KEYS, "parts", NULL,
};

static void
pend(struct oktac *o, const char *kind, char *detail)
{
	if (o->npend < MAX_PENDING) {
		o->pend_kind[o->npend] = xstrdup(kind);
		o->pend_detail[o->npend++] = detail;
	} else {
		free(detail);
	}
}

/* The oldest waiting note into *r; 1, or 0 when none waits. */
static int
unpend(struct oktac *o, struct record *r)
{
	size_t i;

	if (o->npend == 0)
		return 0;
	o->kind = o->pend_kind[0];
	o->detail = o->pend_detail[0];
	for (i = 1; i < o->npend; i++) {
		o->pend_kind[i - 1] = o->pend_kind[i];
		o->pend_detail[i - 1] = o->pend_detail[i];
	}
	o->npend--;
	memset(r, 0, sizeof(*r));
	r->type = REC_ISSUE;
	r->u.issue.kind = o->kind;
	r->u.issue.detail = o->detail;
	return 1;
}

static int
parse_parts(struct oktac *o, const char *v, struct errbuf *err)
{
	char *copy, *p, *w, *save = NULL;
	size_t i;
	int ret = 0;

	if (v == NULL) {
		o->parts = PART_ALL;
		return 0;
	}
	o->parts = 0;
	copy = xstrdup(v);
	for (p = copy; (w = strtok_r(p, ", \t", &save)) != NULL; p = NULL) {
		if (strcasecmp(w, "users") == 0)
			continue;	/* always read */
		for (i = 0; i < ARRAY_SIZE(part_words); i++)
			if (strcasecmp(w, part_words[i].word) == 0)
				break;
		if (i == ARRAY_SIZE(part_words)) {
			err_set(err, "source '%s': parts: unknown part '%s'"
			    " (users, deprovisioned, factors, roles, groups)",
			    o->name, w);
			ret = -1;
			break;
		}
		o->parts |= part_words[i].bit;
	}
	free(copy);
	return ret;
}

static int
oktac_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct http_options opt = {
		.auth = HTTP_AUTH_SSWS,
		.scopes = "okta.users.read okta.groups.read okta.roles.read",
	};
	struct oktac *o;

	if (source_get(src, "url") == NULL) {
		err_set(err, "source '%s': okta needs url (the org URL, such"
		    " as https://acme.okta.com)", src->name);
		return -2;
	}
	/* An OAuth app gets a bearer token; an API token goes as SSWS. */
	if (source_get(src, "token_url") != NULL)
		opt.auth = HTTP_AUTH_BEARER;
	o = xcalloc(1, sizeof(*o));
	c->priv = o;
	o->name = src->name;
	o->seen = json_object();
	if (parse_parts(o, source_get(src, "parts"), err) < 0 ||
	    http_config_check(src, &opt, err) < 0)
		return -2;
	if ((o->h = http_open(src, &opt, err)) == NULL)
		return -1;
	c->origin = http_base(o->h);
	/* 200 is the most /api/v1/users hands out per page. */
	o->limit = http_page_size(o->h, 200);
	if (o->limit < 1)
		o->limit = 200;
	o->phase = PH_USERS;
	return 0;
}

static void
olist_clear(struct olist *l)
{
	if (l->have_page)
		http_page_free(&l->page);
	free(l->next);
	memset(l, 0, sizeof(*l));
}

/* Start a listing at path (relative to the org URL) with limit=. */
static void
olist_start(struct oktac *o, struct olist *l, const char *path,
    const char *filter)
{
	char num[32], *url, *u2;

	olist_clear(l);
	url = http_url(o->h, path);
	if (filter != NULL) {
		u2 = http_url_add(url, "filter", filter);
		free(url);
		url = u2;
	}
	snprintf(num, sizeof(num), "%ld", o->limit);
	l->next = http_url_add(url, "limit", num);
	l->started = 1;
	free(url);
}

/*
 * The next item of a listing, fetching the next page when this one is
 * used up. 1: *item (borrowed until the next fetch); 0: end; -1 with err
 * (and l->page.status the HTTP status).
 */
static int
olist_next(struct oktac *o, struct olist *l, json_t **item,
    struct errbuf *err)
{
	const char *href;
	char *url;

	for (;;) {
		if (l->items != NULL && l->idx < json_array_size(l->items)) {
			*item = json_array_get(l->items, l->idx++);
			return 1;
		}
		if (l->next == NULL)
			return 0;
		url = l->next;
		l->next = NULL;
		if (l->have_page)
			http_page_free(&l->page);
		memset(&l->page, 0, sizeof(l->page));
		l->have_page = 1;
		l->items = NULL;
		l->idx = 0;
		if (http_get_json(o->h, url, &l->page, err) < 0) {
			free(url);
			return -1;
		}
		l->items = l->page.body;
		/* /api/v1/iam/... wraps the list: {"value": [...], "_links"} */
		if (json_is_object(l->items))
			l->items = json_object_get(l->page.body, "value");
		if (!json_is_array(l->items)) {
			err_set(err, "%s: not a list (a JSON array expected)",
			    url);
			free(url);
			return -1;
		}
		free(url);
		href = l->page.next;
		if (href == NULL)
			href = jstr(json_object_get(json_object_get(
			    l->page.body, "_links"), "next"), "href");
		if (href != NULL) {
			if (http_check_next(o->h, href, err) < 0)
				return -1;
			l->next = xstrdup(href);
		}
	}
}

/*
 * DESIGN.md: locked out, password expired, in recovery or not yet active
 * can still get in (or will without a new account); suspended and
 * deprovisioned cannot. 1, 0, or -1 for a word Okta did not document.
 */
static int
status_active(const char *st)
{
	static const char *const yes[] = {
		"ACTIVE", "PROVISIONED", "STAGED", "RECOVERY", "LOCKED_OUT",
		"PASSWORD_EXPIRED",
	};
	size_t i;

	if (st == NULL)
		return -1;
	for (i = 0; i < ARRAY_SIZE(yes); i++)
		if (strcmp(st, yes[i]) == 0)
			return 1;
	if (strcmp(st, "SUSPENDED") == 0 || strcmp(st, "DEPROVISIONED") == 0)
		return 0;
	return -1;
}

/*
 * Enrolled when any factor but the password is ACTIVE. A 403 makes MFA
 * unknown for everyone (noted once), never not_enrolled.
 */
static int
user_mfa(struct oktac *o, const char *id, enum mfa_state *mfa,
    struct errbuf *err)
{
	struct http_page pg;
	char *eid, *path;
	json_t *f;
	size_t i;
	int rc;

	*mfa = MFA_UNKNOWN;
	if (!(o->parts & PART_FACTORS) || o->factors_forbidden)
		return 0;
	eid = saas_path_escape(id);
	path = xasprintf("/api/v1/users/%s/factors", eid);
	memset(&pg, 0, sizeof(pg));
	rc = http_get_json(o->h, path, &pg, err);
	if (rc < 0 && pg.status == 403) {
		o->factors_forbidden = 1;
		pend(o, "incomplete", xasprintf("factors: GET %s was refused"
		    " (403); MFA is unknown for every user (the credential"
		    " needs okta.factors.read or okta.users.read)", path));
		rc = 0;
	} else if (rc < 0 && pg.status == 404) {
		rc = 0;		/* gone since the listing: unknown */
	} else if (rc == 0 && !json_is_array(pg.body)) {
		err_set(err, "%s: not a list of factors", pg.url ? pg.url :
		    path);
		rc = -1;
	} else if (rc == 0) {
		*mfa = MFA_NOT_ENROLLED;
		json_array_foreach(pg.body, i, f) {
			const char *type = jstr(f, "factorType");
			const char *st = jstr(f, "status");

			if (st != NULL && strcmp(st, "ACTIVE") == 0 &&
			    (type == NULL || strcmp(type, "password") != 0))
				*mfa = MFA_ENROLLED;
		}
	}
	http_page_free(&pg);
	free(eid);
	free(path);
	return rc;
}

/* 1: *r holds the account; 0: u was a repeat, skipped; -1. */
static int
map_user(struct oktac *o, json_t *u, struct record *r, struct errbuf *err)
{
	struct rec_account *a = &r->u.account;
	json_t *p = json_object_get(u, "profile");
	json_t *last = json_object_get(u, "lastLogin");
	const char *first, *lastn;
	int act;

	memset(r, 0, sizeof(*r));
	r->type = REC_ACCOUNT;
	a->native_id = jstr(u, "id");
	if (str_empty(a->native_id)) {
		err_set(err, "%s: a user without an id", o->users.page.url ?
		    o->users.page.url : "/api/v1/users");
		return -1;
	}
	/* A user deprovisioned between the two listings comes twice. */
	if (json_object_get(o->seen, a->native_id) != NULL) {
		o->ndups++;
		return 0;
	}
	json_object_set_new(o->seen, a->native_id, json_true());
	a->login = jstr(p, "login");
	a->email = jstr(p, "email");
	a->aliases = jstr(p, "secondEmail");
	a->employee_id = jstr(p, "employeeNumber");
	first = jstr(p, "firstName");
	lastn = jstr(p, "lastName");
	if (!str_empty(jstr(p, "displayName")))
		o->display = xstrdup(jstr(p, "displayName"));
	else if (!str_empty(first) || !str_empty(lastn))
		o->display = xasprintf("%s%s%s", first ? first : "",
		    !str_empty(first) && !str_empty(lastn) ? " " : "",
		    lastn ? lastn : "");
	a->display_name = o->display;
	a->status = jstr(u, "status");
	if ((act = status_active(a->status)) < 0) {
		act = 1;
		pend(o, "unknown_status", xasprintf("user '%s': unknown Okta"
		    " status '%s', counted as active", a->login ? a->login :
		    a->native_id, a->status ? a->status : ""));
	}
	a->active = act;
	/* lastLogin null: never signed in; absent: not said. */
	if (json_is_null(last))
		a->last_login = "never";
	else
		a->last_login = json_string_value(last);
	a->created = jstr(u, "created");
	if (a->status == NULL || strcmp(a->status, "DEPROVISIONED") != 0) {
		if (user_mfa(o, a->native_id, &a->mfa, err) < 0)
			return -1;
	}
	return 1;
}

/* A part the credential may not read: noted, and the pull goes on. */
static int
part_refused(struct oktac *o, struct olist *l, const char *part,
    const char *scope, struct errbuf *err)
{
	if (l->page.status != 403 && l->page.status != 404)
		return 0;
	pend(o, "incomplete", xasprintf("%s: GET %s answered %ld; the"
	    " snapshot has no %s (the credential needs %s): %s", part,
	    l->page.url ? l->page.url : "?", l->page.status, part, scope,
	    err->msg));
	olist_clear(l);
	return 1;
}

/* Entitlement then membership for each role of o->role_user. */
static int
next_user_role(struct oktac *o, struct record *r)
{
	json_t *role;
	const char *type, *label;

	while (o->ridx < json_array_size(o->role_page.body)) {
		role = json_array_get(o->role_page.body, o->ridx);
		type = jstr(role, "type");
		label = jstr(role, "label");
		if (str_empty(type)) {
			o->ridx++;
			continue;
		}
		memset(r, 0, sizeof(*r));
		if (o->rstep == 0) {
			/* A custom role is known by its id, a standard one by type. */
			free(o->role_key);
			o->role_key = xasprintf("role:%s", strcmp(type,
			    "CUSTOM") == 0 && jstr(role, "role") ?
			    jstr(role, "role") : type);
			r->type = REC_ENTITLEMENT;
			r->u.ent.native_id = o->role_key;
			r->u.ent.key = o->role_key;
			r->u.ent.name = str_empty(label) ? type : label;
			r->u.ent.kind = "role";
			r->u.ent.privileged = 1;
			o->rstep = 1;
			return 1;
		}
		r->type = REC_MEMBER;
		r->u.member.group = o->role_key;
		r->u.member.member = o->role_user;
		r->u.member.ref = MEMBER_BY_KEY;
		o->rstep = 0;
		o->ridx++;
		return 1;
	}
	return 0;
}

static int
fetch_user_roles(struct oktac *o, const char *id, struct errbuf *err)
{
	char *eid = saas_path_escape(id), *path;
	int rc;

	path = xasprintf("/api/v1/users/%s/roles", eid);
	if (o->have_role_page)
		http_page_free(&o->role_page);
	memset(&o->role_page, 0, sizeof(o->role_page));
	o->have_role_page = 1;
	rc = http_get_json(o->h, path, &o->role_page, err);
	if (rc == 0 && !json_is_array(o->role_page.body)) {
		err_set(err, "%s: not a list of roles", o->role_page.url ?
		    o->role_page.url : path);
		rc = -1;
	}
	o->role_user = id;
	o->ridx = 0;
	o->rstep = 0;
	free(eid);
	free(path);
	return rc;
}

static void
skipped_parts(struct oktac *o)
{
	if (!(o->parts & PART_DEPROVISIONED))
		pend(o, "incomplete", xstrdup("deprovisioned users not read"
		    " (parts)"));
	if (!(o->parts & PART_FACTORS))
		pend(o, "incomplete", xstrdup("factors not read (parts):"
		    " MFA is unknown"));
	if (!(o->parts & PART_ROLES))
		pend(o, "incomplete", xstrdup("admin roles not read (parts)"));
	if (!(o->parts & PART_GROUPS))
		pend(o, "incomplete", xstrdup("groups not read (parts)"));
	if (o->ndups > 0)
		pend(o, "duplicate_id", xasprintf("users: %ld listed twice"
		    " (status changed during the pull?), kept once",
		    o->ndups));
}

static void
record_strings_free(struct oktac *o)
{
	free(o->display);
	free(o->detail);
	free(o->kind);
	o->display = o->detail = o->kind = NULL;
}

static int
oktac_next(struct connector *c, struct record *r, struct errbuf *err)
{
	struct oktac *o = c->priv;
	json_t *item;
	char *eid, *path;
	int rc;

	record_strings_free(o);
	for (;;) {
		if (unpend(o, r))
			return 1;
		switch (o->phase) {
		case PH_USERS:
		case PH_DEPROV:
			if (!o->users.started) {
				http_listing_reset(o->h);
				olist_start(o, &o->users, "/api/v1/users",
				    o->phase == PH_DEPROV ?
				    "status eq \"DEPROVISIONED\"" : NULL);
			}
			if ((rc = olist_next(o, &o->users, &item, err)) < 0)
				return -1;
			if (rc > 0) {
				if ((rc = map_user(o, item, r, err)) != 0) {
					if (rc > 0 && json_object_size(o->seen) %
					    200 == 0)
						progress("pull %s: %zu users",
						    o->name,
						    json_object_size(o->seen));
					/* a note it raised goes out next */
					return rc;
				}
				break;
			}
			olist_clear(&o->users);
			if (o->phase == PH_USERS &&
			    (o->parts & PART_DEPROVISIONED))
				o->phase = PH_DEPROV;
			else
				o->phase = PH_ROLES;
			break;
		case PH_ROLES:
			if (!(o->parts & PART_ROLES)) {
				o->phase = PH_GROUPS;
				break;
			}
			if (!o->roles.started) {
				http_listing_reset(o->h);
				olist_start(o, &o->roles,
				    "/api/v1/iam/assignees/users", NULL);
			}
			rc = olist_next(o, &o->roles, &item, err);
			if (rc < 0 && part_refused(o, &o->roles, "admin roles",
			    "okta.roles.read", err)) {
				o->phase = PH_GROUPS;
				break;
			}
			if (rc < 0)
				return -1;
			if (rc == 0) {
				olist_clear(&o->roles);
				o->phase = PH_GROUPS;
				break;
			}
			if (str_empty(jstr(item, "id")))
				break;
			if (fetch_user_roles(o, jstr(item, "id"), err) < 0)
				return -1;
			o->phase = PH_USER_ROLES;
			break;
		case PH_USER_ROLES:
			if (next_user_role(o, r))
				return 1;
			o->phase = PH_ROLES;
			break;
		case PH_GROUPS:
			if (!(o->parts & PART_GROUPS)) {
				o->phase = PH_NOTES;
				break;
			}
			if (!o->groups.started) {
				http_listing_reset(o->h);
				olist_start(o, &o->groups, "/api/v1/groups",
				    NULL);
			}
			rc = olist_next(o, &o->groups, &item, err);
			if (rc < 0 && part_refused(o, &o->groups, "groups",
			    "okta.groups.read", err)) {
				o->phase = PH_NOTES;
				break;
			}
			if (rc < 0)
				return -1;
			if (rc == 0) {
				olist_clear(&o->groups);
				o->phase = PH_NOTES;
				break;
			}
			if (str_empty(jstr(item, "id")))
				break;
			memset(r, 0, sizeof(*r));
			r->type = REC_ENTITLEMENT;
			r->u.ent.native_id = jstr(item, "id");
			r->u.ent.key = r->u.ent.native_id;
			r->u.ent.name = jstr(json_object_get(item,
			    "profile"), "name");
			r->u.ent.kind = "group";
			r->u.ent.privileged = -1;
			o->group_id = r->u.ent.native_id;
			eid = saas_path_escape(o->group_id);
			path = xasprintf("/api/v1/groups/%s/users", eid);
			olist_start(o, &o->members, path, NULL);
			free(eid);
			free(path);
			o->phase = PH_GROUP_USERS;
			return 1;
		case PH_GROUP_USERS:
			if ((rc = olist_next(o, &o->members, &item, err)) < 0)
				return -1;
			if (rc == 0) {
				olist_clear(&o->members);
				o->phase = PH_GROUPS;
				break;
			}
			if (str_empty(jstr(item, "id")))
				break;
			memset(r, 0, sizeof(*r));
			r->type = REC_MEMBER;
			r->u.member.group = o->group_id;
			r->u.member.member = jstr(item, "id");
			r->u.member.ref = MEMBER_BY_KEY;
			return 1;
		case PH_NOTES:
			if (!o->notes_done) {
				o->notes_done = 1;
				skipped_parts(o);
				break;
			}
			o->phase = PH_DONE;
			break;
		case PH_DONE:
			return 0;
		}
	}
}

static void
oktac_close(struct connector *c)
{
	struct oktac *o = c->priv;
	size_t i;

	if (o == NULL)
		return;
	record_strings_free(o);
	olist_clear(&o->users);
	olist_clear(&o->roles);
	olist_clear(&o->groups);
	olist_clear(&o->members);
	if (o->have_role_page)
		http_page_free(&o->role_page);
	free(o->role_key);
	for (i = 0; i < o->npend; i++) {
		free(o->pend_kind[i]);
		free(o->pend_detail[i]);
	}
	json_decref(o->seen);
	http_close(o->h);
	free(o);
	c->priv = NULL;
}

const struct connector_ops okta_connector = {
	.type = "okta",
	.keys = okta_keys,
	.open = oktac_open,
	.next = oktac_next,
	.close = oktac_close,
};
