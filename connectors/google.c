/*
 * google.c: the `google` source type: Google Workspace through the Admin
 * SDK Directory API (https://admin.googleapis.com/admin/directory/v1).
 *
 * A pull is four listings, each paged by nextPageToken and read one page
 * at a time:
 *   users        ?customer=C&maxResults=N&orderBy=email&projection=basic
 *   groups       ?customer=C&maxResults=N, then for every group
 *                /groups/{id}/members?maxResults=N
 *   roles        /customer/{C}/roles (names, which role is super admin)
 *   assignments  /customer/{C}/roleassignments
 * Only the group ids and the super-admin role ids are kept across pages
 * (both are few); users stream straight through.
 *
 * MFA is each user's isEnrolledIn2Sv in the full listing; isEnforcedIn2Sv
 * is a policy, not an enrolment, and a server-side query
 * (query=isEnrolledIn2Sv=false) disagrees with the records
 * (tests/data/cases/13-*), so neither is used. suspended or archived make
 * an account inactive. lastLoginTime of the Unix epoch is the API's
 * "never". Groups that the credential may not read (403) and role
 * assignments it may not read become an "incomplete" note, never an
 * empty list.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/http.h"
#include "recq.h"
#include "saas.h"

#define GOOGLE_URL	"https://admin.googleapis.com"
#define GOOGLE_SCOPES \
	"https://www.googleapis.com/auth/admin.directory.user.readonly" \
	" https://www.googleapis.com/auth/admin.directory.group.readonly" \
	" https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly"
#define DIR_PATH	"/admin/directory/v1"
/* lastLoginTime of an account that never signed in */
#define EPOCH_PREFIX	"1970-01-01T00:00:00"

#define SUPER_ADMIN	"role:super_admin"
#define DELEGATED_ADMIN	"role:delegated_admin"

enum gphase {
	G_USERS = 0,
	G_GROUPS,
	G_MEMBERS,
	G_ROLES,
	G_ASSIGN,
	G_DONE,
};

/* One paged listing: the URL of its first page and the page being read. */
struct listing {
	char	*url;
	const char *array;	/* "users", "groups", "members", "items" */
	struct http_page page;
	int	 loaded;
	size_t	 i;
	int	 last;		/* the page read is the last one */
};

struct googc {
	struct http *h;
	const char *src_name;
	char	*customer;
	long	 page_size;
	enum gphase phase;
	struct listing l;
	/* group ids from the groups listing, for the member listings */
	char	**groups;
	size_t	 ngroups, igroup;
	int	 groups_ok;
	/* role ids whose role is super admin: their holders are SUPER_ADMIN */
	char	**super;
	size_t	 nsuper;
	int	 roles_ok;
	/* records waiting to be handed out, and scratch for their strings */
	struct recq q;
	struct buf aliases, key, name, detail;
};

static const char *const google_keys[] = {
	HTTP_KEYS, "key_file", "subject", "customer", NULL,
};

/* An id the API documents as a string but may send as a number. */
static const char *
jid(const json_t *o, const char *key, struct buf *b)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		buf_reset(b);
		buf_addf(b, "%lld", (long long)json_integer_value(v));
		return buf_str(b);
	}
	return NULL;
}

static void
listing_start(struct googc *g, char *url, const char *array)
{
	http_page_free(&g->l.page);
	free(g->l.url);
	memset(&g->l, 0, sizeof(g->l));
	g->l.url = url;
	g->l.array = array;
	http_listing_reset(g->h);
}

static void
listing_end(struct googc *g)
{
	http_page_free(&g->l.page);
	memset(&g->l.page, 0, sizeof(g->l.page));
	free(g->l.url);
	g->l.url = NULL;
}

static int
listing_fetch(struct googc *g, const char *url, struct errbuf *err)
{
	struct listing *l = &g->l;
	json_t *arr;

	http_page_free(&l->page);
	memset(&l->page, 0, sizeof(l->page));
	l->loaded = 1;
	l->i = 0;
	if (http_get_json(g->h, url, &l->page, err) < 0)
		return -1;
	if (!json_is_object(l->page.body)) {
		err_set(err, "%s: the response is not a JSON object", url);
		return -1;
	}
	arr = json_object_get(l->page.body, l->array);
	if (arr != NULL && !json_is_array(arr)) {
		err_set(err, "%s: \"%s\" is not an array", url, l->array);
		return -1;
	}
	/*
	 * Google leaves out an empty list's array, but always says what the
	 * answer is ("kind": "admin#directory#users"); an object without
	 * either (an error envelope sent with 200, a proxy's JSON) must fail
	 * the pull, not read as "no users".
	 */
	if (json_object_get(l->page.body, "error") != NULL ||
	    (arr == NULL && jstr(l->page.body, "kind") == NULL)) {
		struct buf why = BUF_INIT;
		json_t *e = json_object_get(l->page.body, "error");

		if (jstr(e, "message"))
			buf_addf(&why, " (%s)", jstr(e, "message"));
		else if (json_is_string(e))
			buf_addf(&why, " (%s)", json_string_value(e));
		err_set(err, "%s (%s): not a Directory API list (no \"%s\" and"
		    " no \"kind\")%s", g->src_name, url, l->array,
		    buf_str(&why));
		buf_release(&why);
		return -1;
	}
	l->last = jstr(l->page.body, "nextPageToken") == NULL;
	return 0;
}

/*
 * The next item of the listing: 1 and *item (valid until the next call),
 * 0 at its end, -1 with err set (g->l.page.status tells a 403 from others).
 */
static int
listing_next(struct googc *g, json_t **item, struct errbuf *err)
{
	struct listing *l = &g->l;
	const char *token;
	char *url;
	json_t *arr;
	int rc;

	for (;;) {
		if (!l->loaded) {
			if (listing_fetch(g, l->url, err) < 0)
				return -1;
		}
		arr = json_object_get(l->page.body, l->array);
		if (l->i < json_array_size(arr)) {
			*item = json_array_get(arr, l->i++);
			if (!json_is_object(*item)) {
				err_set(err, "%s: item %zu of \"%s\" is not"
				    " an object", l->page.url ? l->page.url :
				    l->url, l->i, l->array);
				return -1;
			}
			return 1;
		}
		if (l->last)
			return 0;
		token = jstr(l->page.body, "nextPageToken");
		if (*token == '\0')
			return 0;	/* "" is the end as well */
		if (http_check_next(g->h, token, err) < 0) {
			err_prefix(err, "%s", l->url);
			return -1;
		}
		url = http_url_add(l->url, "pageToken", token);
		rc = listing_fetch(g, url, err);
		free(url);
		if (rc < 0)
			return -1;
	}
}

static char *
dir_url(struct googc *g, const char *fmt, const char *arg)
{
	char *path = xasprintf(fmt, arg);
	char *url = http_url(g->h, path);

	free(path);
	return url;
}

/* A role entitlement that the API itself marks as an admin: privileged. */
static void
out_role(struct googc *g, const char *key, const char *name)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.type = REC_ENTITLEMENT;
	r.u.ent.native_id = key;
	r.u.ent.name = name;
	r.u.ent.kind = "role";
	r.u.ent.privileged = 1;
	recq_push(&g->q, &r);
}

static void
put_user(struct googc *g, json_t *u)
{
	struct record r;
	struct rec_account *a = &r.u.account;
	const char *primary = jstr(u, "primaryEmail");
	const char *last, *id, *addr, *type;
	json_t *v, *e;
	size_t i;
	int suspended, archived, mfa;

	memset(&r, 0, sizeof(r));
	r.type = REC_ACCOUNT;
	id = jid(u, "id", &g->key);
	a->native_id = id;
	a->login = primary;
	a->email = primary;
	a->display_name = jstr(json_object_get(u, "name"), "fullName");
	suspended = jbool(u, "suspended") == 1;
	archived = jbool(u, "archived") == 1;
	a->status = suspended ? "suspended" : archived ? "archived" :
	    "active";
	a->active = !suspended && !archived;
	/* isEnforcedIn2Sv is whether 2SV is required, not whether it is set up */
	mfa = jbool(u, "isEnrolledIn2Sv");
	a->mfa = mfa == 1 ? MFA_ENROLLED : mfa == 0 ? MFA_NOT_ENROLLED :
	    MFA_UNKNOWN;
	last = jstr(u, "lastLoginTime");
	if (last != NULL && strncmp(last, EPOCH_PREFIX,
	    strlen(EPOCH_PREFIX)) == 0)
		last = "never";
	a->last_login = last;
	a->created = jstr(u, "creationTime");

	buf_reset(&g->aliases);
	json_array_foreach(json_object_get(u, "emails"), i, e) {
		addr = jstr(e, "address");
		if (addr == NULL || (primary && strcasecmp(addr, primary) == 0))
			continue;
		if (g->aliases.len)
			buf_addc(&g->aliases, ';');
		buf_adds(&g->aliases, addr);
	}
	a->aliases = g->aliases.len ? buf_str(&g->aliases) : NULL;
	json_array_foreach(json_object_get(u, "externalIds"), i, v) {
		type = jstr(v, "type");
		if (type && strcmp(type, "organization") == 0 &&
		    jstr(v, "value")) {
			a->employee_id = jstr(v, "value");
			break;
		}
	}
	recq_push(&g->q, &r);
	if (id == NULL)
		return;		/* the core refuses it, naming the login */
	if (jbool(u, "isAdmin") == 1) {
		out_role(g, SUPER_ADMIN, SUPER_ADMIN);
		recq_member(&g->q, SUPER_ADMIN, id);
	}
	if (jbool(u, "isDelegatedAdmin") == 1) {
		out_role(g, DELEGATED_ADMIN, DELEGATED_ADMIN);
		recq_member(&g->q, DELEGATED_ADMIN, id);
	}
}

static void
put_group(struct googc *g, json_t *grp)
{
	struct record r;
	const char *id = jid(grp, "id", &g->key);
	const char *email = jstr(grp, "email");

	memset(&r, 0, sizeof(r));
	r.type = REC_ENTITLEMENT;
	r.u.ent.native_id = id;
	r.u.ent.name = email ? email : jstr(grp, "name");
	r.u.ent.kind = "group";
	r.u.ent.privileged = -1;
	recq_push(&g->q, &r);
	if (id == NULL)
		return;
	g->groups = xrealloc(g->groups, (g->ngroups + 1) * sizeof(*g->groups));
	g->groups[g->ngroups++] = xstrdup(id);
}

static void
put_member(struct googc *g, json_t *m)
{
	const char *group = g->groups[g->igroup];
	const char *type = jstr(m, "type");
	const char *id = jid(m, "id", &g->key);

	if (type && strcmp(type, "CUSTOMER") == 0) {
		/* "everyone in the account": not a list we could check */
		buf_reset(&g->detail);
		buf_addf(&g->detail, "group %s has every user of the account"
		    " as a member (type CUSTOMER); not expanded", group);
		recq_issue(&g->q, "incomplete", buf_str(&g->detail));
		return;
	}
	if (id == NULL)
		return;
	/* USER and GROUP alike: a group member nests, by its id */
	recq_member(&g->q, group, id);
}

static int
is_super(struct googc *g, const char *role)
{
	size_t i;

	for (i = 0; i < g->nsuper; i++)
		if (strcmp(g->super[i], role) == 0)
			return 1;
	return 0;
}

static void
put_role(struct googc *g, json_t *role)
{
	const char *id = jid(role, "roleId", &g->key);
	const char *name = jstr(role, "roleName");

	if (id == NULL)
		return;
	if (jbool(role, "isSuperAdminRole") == 1) {
		/* the same right as isAdmin: one entitlement for both */
		g->super = xrealloc(g->super, (g->nsuper + 1) *
		    sizeof(*g->super));
		g->super[g->nsuper++] = xstrdup(id);
		return;
	}
	buf_reset(&g->name);
	buf_addf(&g->name, "role:%s", name ? name : id);
	buf_reset(&g->aliases);		/* not an account: free to borrow */
	buf_addf(&g->aliases, "role:%s", id);
	out_role(g, buf_str(&g->aliases), buf_str(&g->name));
}

static void
put_assignment(struct googc *g, json_t *ra)
{
	const char *role = jid(ra, "roleId", &g->name);
	const char *to = jstr(ra, "assignedTo");

	if (role == NULL || to == NULL)
		return;
	if (is_super(g, role)) {
		out_role(g, SUPER_ADMIN, SUPER_ADMIN);
		recq_member(&g->q, SUPER_ADMIN, to);
		return;
	}
	buf_reset(&g->aliases);
	buf_addf(&g->aliases, "role:%s", role);
	/* assigned to a group: the core nests it like a member group */
	recq_member(&g->q, buf_str(&g->aliases), to);
}

/* A part the credential may not read: a note, and the pull goes on. */
static int
part_refused(struct googc *g, const char *part, const char *scope,
    struct errbuf *err)
{
	long status = g->l.page.status;

	if (status != 403 && status != 401)
		return -1;
	buf_reset(&g->detail);
	buf_addf(&g->detail, "%s not read: HTTP %ld from %s (the admin"
	    " needs the scope %s and a role that may read them)", part,
	    status, g->l.url, scope);
	listing_end(g);
	recq_issue(&g->q, "incomplete", buf_str(&g->detail));
	err->msg[0] = '\0';
	return 0;
}

static void
start_phase(struct googc *g)
{
	char *url, *t;
	char ps[32];

	switch (g->phase) {
	case G_USERS:
		snprintf(ps, sizeof(ps), "%ld", g->page_size > 500 ? 500 :
		    g->page_size);
		url = dir_url(g, "%s/users", DIR_PATH);
		t = http_url_add(url, "customer", g->customer);
		free(url);
		url = http_url_add(t, "maxResults", ps);
		free(t);
		t = http_url_add(url, "orderBy", "email");
		free(url);
		url = http_url_add(t, "projection", "basic");
		free(t);
		listing_start(g, url, "users");
		break;
	case G_GROUPS:
		snprintf(ps, sizeof(ps), "%ld", g->page_size > 200 ? 200 :
		    g->page_size);
		url = dir_url(g, "%s/groups", DIR_PATH);
		t = http_url_add(url, "customer", g->customer);
		free(url);
		url = http_url_add(t, "maxResults", ps);
		free(t);
		listing_start(g, url, "groups");
		break;
	case G_MEMBERS:
		snprintf(ps, sizeof(ps), "%ld", g->page_size > 200 ? 200 :
		    g->page_size);
		t = xasprintf(DIR_PATH "/groups/%s/members",
		    g->groups[g->igroup]);
		url = dir_url(g, "%s", t);
		free(t);
		t = http_url_add(url, "maxResults", ps);
		free(url);
		listing_start(g, t, "members");
		progress("pull %s: members of group %zu of %zu", g->src_name,
		    g->igroup + 1, g->ngroups);
		break;
	case G_ROLES:
		snprintf(ps, sizeof(ps), "%ld", g->page_size > 100 ? 100 :
		    g->page_size);
		t = xasprintf(DIR_PATH "/customer/%s/roles", g->customer);
		url = dir_url(g, "%s", t);
		free(t);
		t = http_url_add(url, "maxResults", ps);
		free(url);
		listing_start(g, t, "items");
		break;
	case G_ASSIGN:
		snprintf(ps, sizeof(ps), "%ld", g->page_size > 200 ? 200 :
		    g->page_size);
		t = xasprintf(DIR_PATH "/customer/%s/roleassignments",
		    g->customer);
		url = dir_url(g, "%s", t);
		free(t);
		t = http_url_add(url, "maxResults", ps);
		free(url);
		listing_start(g, t, "items");
		break;
	case G_DONE:
		listing_end(g);
		break;
	}
}

/* The listing of the phase ended: on to the next one that applies. */
static void
next_phase(struct googc *g)
{
	listing_end(g);
	switch (g->phase) {
	case G_USERS:
		g->phase = G_GROUPS;
		break;
	case G_GROUPS:
		g->igroup = 0;
		g->phase = g->groups_ok && g->ngroups ? G_MEMBERS : G_ROLES;
		break;
	case G_MEMBERS:
		if (++g->igroup < g->ngroups)
			break;
		g->phase = G_ROLES;
		break;
	case G_ROLES:
		g->phase = g->roles_ok ? G_ASSIGN : G_DONE;
		break;
	case G_ASSIGN:
	case G_DONE:
		g->phase = G_DONE;
		break;
	}
	start_phase(g);
}

/* Fill g->q from the next item; 0 when a phase ended, -1 on error. */
static int
refill(struct googc *g, struct errbuf *err)
{
	json_t *item;
	int rc;

	recq_reset(&g->q);
	rc = listing_next(g, &item, err);
	if (rc < 0) {
		switch (g->phase) {
		case G_GROUPS:
			g->groups_ok = 0;
			rc = part_refused(g, "groups", "admin.directory.group"
			    ".readonly", err);
			break;
		case G_MEMBERS:
			rc = part_refused(g, "members of a group",
			    "admin.directory.group.readonly", err);
			break;
		case G_ROLES:
			g->roles_ok = 0;
			rc = part_refused(g, "admin roles and role"
			    " assignments", "admin.directory.rolemanagement"
			    ".readonly", err);
			break;
		case G_ASSIGN:
			rc = part_refused(g, "admin role assignments",
			    "admin.directory.rolemanagement.readonly", err);
			break;
		default:
			break;
		}
		if (rc < 0)
			return -1;
		next_phase(g);
		return 0;
	}
	if (rc == 0) {
		next_phase(g);
		return 0;
	}
	switch (g->phase) {
	case G_USERS:
		put_user(g, item);
		break;
	case G_GROUPS:
		put_group(g, item);
		break;
	case G_MEMBERS:
		put_member(g, item);
		break;
	case G_ROLES:
		put_role(g, item);
		break;
	case G_ASSIGN:
		put_assignment(g, item);
		break;
	case G_DONE:
		break;
	}
	return 0;
}

static int
google_next(struct connector *c, struct record *rec, struct errbuf *err)
{
	struct googc *g = c->priv;

	while (!recq_pop(&g->q, rec)) {
		if (g->phase == G_DONE)
			return 0;
		if (refill(g, err) < 0)
			return -1;
	}
	return 1;
}

static int
google_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct http_options opt;
	struct googc *g;

	g = xcalloc(1, sizeof(*g));
	c->priv = g;
	g->src_name = src->name;
	g->customer = xstrdup(source_get_or(src, "customer", "my_customer"));
	memset(&opt, 0, sizeof(opt));
	opt.default_url = GOOGLE_URL;
	/*
	 * key_file: the service account, acting as `subject` through
	 * domain-wide delegation; without it a bearer token (token_env,
	 * token_file), which the tests use.
	 */
	opt.auth = source_get(src, "key_file") ? HTTP_AUTH_GOOGLE :
	    HTTP_AUTH_BEARER;
	opt.scopes = source_get_or(src, "scope", GOOGLE_SCOPES);
	if (opt.auth == HTTP_AUTH_GOOGLE && source_get(src, "subject") ==
	    NULL) {
		err_set(err, "source '%s': key_file needs subject (the admin"
		    " the service account acts as)", src->name);
		return -2;
	}
	if (http_config_check(src, &opt, err) < 0)
		return -2;
	if ((g->h = http_open(src, &opt, err)) == NULL)
		return -1;
	c->origin = http_base(g->h);
	g->page_size = http_page_size(g->h, 500);
	if (g->page_size < 1)
		g->page_size = 500;
	g->groups_ok = g->roles_ok = 1;
	g->phase = G_USERS;
	start_phase(g);
	return 0;
}

static void
google_close(struct connector *c)
{
	struct googc *g = c->priv;
	size_t i;

	if (g == NULL)
		return;
	listing_end(g);
	http_close(g->h);
	for (i = 0; i < g->ngroups; i++)
		free(g->groups[i]);
	free(g->groups);
	for (i = 0; i < g->nsuper; i++)
		free(g->super[i]);
	free(g->super);
	free(g->customer);
	recq_free(&g->q);
	buf_release(&g->aliases);
	buf_release(&g->key);
	buf_release(&g->name);
	buf_release(&g->detail);
	free(g);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops google_connector = {
	.type = "google",
	.keys = google_keys,
	.open = google_open,
	.next = google_next,
	.close = google_close,
};
