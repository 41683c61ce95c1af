/*
 * entra.c: the `entra` source type: Microsoft Entra ID (Azure AD) through
 * Microsoft Graph v1.0, each listing paged by @odata.nextLink:
 *   MFA     /reports/authenticationMethods/userRegistrationDetails
 *   users   /users?$select=...,signInActivity,...&$top=N
 *   groups  /groups?$select=id,displayName&$top=N, then for every group
 *           /groups/{id}/transitiveMembers?$select=id&$top=N
 *   roles   /directoryRoles, then /directoryRoles/{id}/members
 *
 * The MFA report is a listing of its own; it is read first into a sorted
 * table of 17 bytes per user (the object id as 16 bytes and a state), so
 * that users then stream one page at a time and take their MFA from it.
 * A credential without AuditLog.Read.All gets a 403 there: MFA is unknown
 * for everyone and the pull says so ("incomplete"), never not_enrolled.
 * signInActivity needs AuditLog.Read.All and an Entra ID P1/P2 tenant;
 * when Graph refuses it (403, or a 400 naming it) the listing is asked
 * again without it and last login is unknown, with one "incomplete" note.
 *
 * transitiveMembers is already flat (nested groups expanded by Graph), so
 * its users become direct grants of the group; member groups, devices and
 * service principals are left out. Directory role members (users and
 * role-assignable groups) become grants of a privileged role entitlement
 * "role:NAME"; a group there is nested by the core.
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

#define GRAPH_URL	"https://graph.microsoft.com"
#define GRAPH_SCOPE	"https://graph.microsoft.com/.default"
#define TOKEN_URL_FMT	"https://login.microsoftonline.com/%s/oauth2/v2.0/token"
#define USER_FIELDS	"id,userPrincipalName,mail,displayName,accountEnabled," \
			"employeeId,createdDateTime,userType"

enum ephase {
	E_MFA = 0,
	E_USERS,
	E_GROUPS,
	E_MEMBERS,
	E_ROLES,
	E_ROLE_MEMBERS,
	E_DONE,
};

struct listing {
	char	*url;		/* first page */
	struct http_page page;
	int	 loaded;
	size_t	 i;
	int	 pages;		/* fetched in this listing */
};

/* One user's MFA registration, found by object id (a GUID). */
struct mfa_ent {
	unsigned char id[16];
	unsigned char state;	/* enum mfa_state */
};

struct entrac {
	struct http *h;
	char	*token_url;	/* the tenant's token endpoint, by default */
	const char *src_name;
	long	 page_size;
	enum ephase phase;
	struct listing l;
	/* MFA table, sorted once the report is read */
	struct mfa_ent *mfa;
	size_t	 nmfa, capmfa;
	int	 mfa_ok;
	int	 signin;	/* users listed with signInActivity */
	/* group or role ids, for their member listings */
	char	**ids;
	size_t	 nids, iid;
	int	 part_ok;
	struct recq q;		/* records waiting to be handed out */
	struct buf detail, name;
};

static const char *const entra_keys[] = {
	HTTP_KEYS, "tenant", NULL,
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "8-4-4-4-12" hex digits into 16 bytes; -1 if s is not a GUID. */
static int
guid_parse(const char *s, unsigned char out[16])
{
	size_t i, n = 0;
	int hi, lo;

	if (s == NULL || strlen(s) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

static int
mfa_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static enum mfa_state
mfa_lookup(const struct entrac *e, const char *id)
{
	struct mfa_ent key, *hit;

	if (!e->mfa_ok || guid_parse(id, key.id) < 0)
		return MFA_UNKNOWN;
	hit = bsearch(&key, e->mfa, e->nmfa, sizeof(*e->mfa), mfa_cmp);
	/* a user the report does not list: unknown, not not_enrolled */
	return hit ? (enum mfa_state)hit->state : MFA_UNKNOWN;
}

/* Vendor defaults added as keys, for http_open() to read. */
static void
listing_end(struct entrac *e)
{
	http_page_free(&e->l.page);
	memset(&e->l.page, 0, sizeof(e->l.page));
	free(e->l.url);
	e->l.url = NULL;
	e->l.loaded = 0;
}

static void
listing_start(struct entrac *e, char *url)
{
	listing_end(e);
	e->l.url = url;
	e->l.i = 0;
	e->l.pages = 0;
	http_listing_reset(e->h);
}

static int
listing_fetch(struct entrac *e, const char *url, struct errbuf *err)
{
	struct listing *l = &e->l;
	json_t *arr;

	http_page_free(&l->page);
	memset(&l->page, 0, sizeof(l->page));
	l->loaded = 1;
	l->i = 0;
	l->pages++;
	if (http_get_json(e->h, url, &l->page, err) < 0)
		return -1;
	if (!json_is_object(l->page.body)) {
		err_set(err, "%s: the response is not a JSON object", url);
		return -1;
	}
	arr = json_object_get(l->page.body, "value");
	if (!json_is_array(arr)) {
		err_set(err, "%s: the response has no \"value\" array", url);
		return -1;
	}
	return 0;
}

/* 1 and *item, 0 at the end, -1 with err (e->l.page.status: why). */
static int
listing_next(struct entrac *e, json_t **item, struct errbuf *err)
{
	struct listing *l = &e->l;
	const char *next;
	char *url;
	json_t *arr;
	int rc;

	for (;;) {
		if (!l->loaded && listing_fetch(e, l->url, err) < 0)
			return -1;
		arr = json_object_get(l->page.body, "value");
		if (l->i < json_array_size(arr)) {
			*item = json_array_get(arr, l->i++);
			if (!json_is_object(*item)) {
				err_set(err, "%s: item %zu of \"value\" is not"
				    " an object", l->url, l->i);
				return -1;
			}
			return 1;
		}
		next = jstr(l->page.body, "@odata.nextLink");
		if (str_empty(next))
			return 0;
		if (http_check_next(e->h, next, err) < 0) {
			err_prefix(err, "%s", l->url);
			return -1;
		}
		url = xstrdup(next);	/* the page holding it goes */
		rc = listing_fetch(e, url, err);
		free(url);
		if (rc < 0)
			return -1;
	}
}

static int
is_type(const json_t *o, const char *type)
{
	const char *t = jstr(o, "@odata.type");

	return t && strcmp(t, type) == 0;
}

static void
add_mfa(struct entrac *e, json_t *d)
{
	struct mfa_ent m;
	int reg = jbool(d, "isMfaRegistered");

	if (reg < 0 || guid_parse(jstr(d, "id"), m.id) < 0)
		return;		/* stays unknown */
	m.state = reg ? MFA_ENROLLED : MFA_NOT_ENROLLED;
	if (e->nmfa == e->capmfa) {
		e->capmfa = e->capmfa ? e->capmfa * 2 : 1024;
		e->mfa = xrealloc(e->mfa, e->capmfa * sizeof(*e->mfa));
	}
	e->mfa[e->nmfa++] = m;
}

/* The later of two ISO date-times (same format: they compare as text). */
static const char *
later(const char *a, const char *b)
{
	if (str_empty(a))
		return str_empty(b) ? NULL : b;
	if (str_empty(b))
		return a;
	return strcmp(a, b) >= 0 ? a : b;
}

static void
put_user(struct entrac *e, json_t *u)
{
	struct record r;
	struct rec_account *a = &r.u.account;
	const char *upn = jstr(u, "userPrincipalName");
	const char *mail = jstr(u, "mail");
	const char *type = jstr(u, "userType");
	json_t *sia;
	int enabled;

	memset(&r, 0, sizeof(r));
	r.type = REC_ACCOUNT;
	a->native_id = jstr(u, "id");
	a->login = upn;
	a->email = !str_empty(mail) ? mail : upn;
	a->display_name = jstr(u, "displayName");
	a->employee_id = jstr(u, "employeeId");
	a->created = jstr(u, "createdDateTime");
	enabled = jbool(u, "accountEnabled");
	a->status = enabled == 1 ? "enabled" : enabled == 0 ? "disabled" :
	    "unknown";
	a->active = enabled != 0;
	if (type && strcasecmp(type, "Guest") == 0)
		a->kind = "external";
	a->mfa = mfa_lookup(e, a->native_id);
	if (e->signin) {
		/*
		 * Interactive or not (a refreshed token), either is use; no
		 * sign-in recorded at all is "never".
		 */
		sia = json_object_get(u, "signInActivity");
		a->last_login = later(jstr(sia, "lastSignInDateTime"),
		    jstr(sia, "lastNonInteractiveSignInDateTime"));
		if (a->last_login == NULL)
			a->last_login = "never";
	}
	recq_push(&e->q, &r);
	if (enabled < 0) {
		buf_reset(&e->detail);
		buf_addf(&e->detail, "account %s has no accountEnabled;"
		    " counted as active", upn ? upn : "?");
		recq_issue(&e->q, "unknown_status", buf_str(&e->detail));
	}
}

static void
put_group(struct entrac *e, json_t *g, int is_role)
{
	struct record r;
	const char *id = jstr(g, "id");
	const char *name = jstr(g, "displayName");

	memset(&r, 0, sizeof(r));
	r.type = REC_ENTITLEMENT;
	r.u.ent.native_id = id;
	if (is_role) {
		buf_reset(&e->name);
		buf_addf(&e->name, "role:%s", name ? name : id ? id : "");
		r.u.ent.name = buf_str(&e->name);
		r.u.ent.kind = "role";
		r.u.ent.privileged = 1;	/* every directory role is admin */
	} else {
		r.u.ent.name = name;
		r.u.ent.kind = "group";
		r.u.ent.privileged = -1;
	}
	recq_push(&e->q, &r);
	if (id == NULL)
		return;
	e->ids = xrealloc(e->ids, (e->nids + 1) * sizeof(*e->ids));
	e->ids[e->nids++] = xstrdup(id);
}

static void
put_member(struct entrac *e, json_t *m, int is_role)
{
	const char *id = jstr(m, "id");

	if (id == NULL)
		return;
	if (!is_type(m, "#microsoft.graph.user") &&
	    !(is_role && is_type(m, "#microsoft.graph.group")))
		return;
	recq_member(&e->q, e->ids[e->iid], id);
}

static char *
graph_url(struct entrac *e, const char *fmt, const char *arg, int top)
{
	char *path = xasprintf(fmt, arg);
	char *url, *t;

	url = http_url(e->h, path);
	free(path);
	if (top) {
		/* literal: Graph's own examples write $select and $top so */
		t = xasprintf("%s%c$top=%ld", url, strchr(url, '?') ? '&' :
		    '?', e->page_size > 999 ? 999 : e->page_size);
		free(url);
		url = t;
	}
	return url;
}

static void
start_phase(struct entrac *e)
{
	char *url;

	switch (e->phase) {
	case E_MFA:
		url = graph_url(e, "%s", "/v1.0/reports/authenticationMethods"
		    "/userRegistrationDetails", 0);
		break;
	case E_USERS:
		url = graph_url(e, "/v1.0/users?$select=%s", e->signin ?
		    USER_FIELDS ",signInActivity" : USER_FIELDS, 1);
		break;
	case E_GROUPS:
		url = graph_url(e, "%s", "/v1.0/groups?$select=id,displayName",
		    1);
		break;
	case E_MEMBERS:
		url = graph_url(e, "/v1.0/groups/%s/transitiveMembers"
		    "?$select=id", e->ids[e->iid], 1);
		progress("pull %s: members of group %zu of %zu", e->src_name,
		    e->iid + 1, e->nids);
		break;
	case E_ROLES:
		url = graph_url(e, "%s", "/v1.0/directoryRoles", 0);
		break;
	case E_ROLE_MEMBERS:
		url = graph_url(e, "/v1.0/directoryRoles/%s/members",
		    e->ids[e->iid], 0);
		break;
	default:
		listing_end(e);
		return;
	}
	listing_start(e, url);
}

static void
free_ids(struct entrac *e)
{
	size_t i;

	for (i = 0; i < e->nids; i++)
		free(e->ids[i]);
	free(e->ids);
	e->ids = NULL;
	e->nids = e->iid = 0;
}

/* Member listings done (or refused): on to the next part. */
static void
part_done(struct entrac *e, enum ephase next)
{
	free_ids(e);
	e->part_ok = 1;
	e->phase = next;
}

static void
next_phase(struct entrac *e)
{
	listing_end(e);
	switch (e->phase) {
	case E_MFA:
		if (e->mfa_ok)
			qsort(e->mfa, e->nmfa, sizeof(*e->mfa), mfa_cmp);
		e->phase = E_USERS;
		break;
	case E_USERS:
		part_done(e, E_GROUPS);
		break;
	case E_GROUPS:
		e->iid = 0;
		if (e->part_ok && e->nids)
			e->phase = E_MEMBERS;
		else
			part_done(e, E_ROLES);
		break;
	case E_MEMBERS:
		if (++e->iid >= e->nids)
			part_done(e, E_ROLES);
		break;
	case E_ROLES:
		e->iid = 0;
		if (e->part_ok && e->nids)
			e->phase = E_ROLE_MEMBERS;
		else
			part_done(e, E_DONE);
		break;
	case E_ROLE_MEMBERS:
		if (++e->iid >= e->nids)
			part_done(e, E_DONE);
		break;
	case E_DONE:
		break;
	}
	start_phase(e);
}

static int
refused(const struct entrac *e)
{
	return e->l.page.status == 403 || e->l.page.status == 401;
}

/* s contains w, ignoring case */
static int
has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (strncasecmp(s, w, n) == 0)
			return 1;
	return 0;
}

/* Graph's refusal of signInActivity: 403, or a 400 that names it. */
static int
signin_refused(const struct entrac *e, const struct errbuf *err)
{
	char *body;
	int hit;

	if (e->l.page.status == 403)
		return 1;
	if (e->l.page.status != 400)
		return 0;
	if (has_word(err->msg, "signInActivity"))
		return 1;
	if (e->l.page.body == NULL)
		return 0;
	body = json_dumps(e->l.page.body, JSON_COMPACT);
	hit = body && has_word(body, "signInActivity");
	free(body);
	return hit;
}

/* A part the credential may not read: one note, the pull goes on. */
static void
incomplete(struct entrac *e, const char *part, const char *perm,
    struct errbuf *err)
{
	buf_reset(&e->detail);
	buf_addf(&e->detail, "%s not read: HTTP %ld from %s (needs %s)", part,
	    e->l.page.status, e->l.url, perm);
	recq_issue(&e->q, "incomplete", buf_str(&e->detail));
	err->msg[0] = '\0';
}

static int
refill(struct entrac *e, struct errbuf *err)
{
	json_t *item;
	int rc;

	recq_reset(&e->q);
	rc = listing_next(e, &item, err);
	if (rc < 0) {
		switch (e->phase) {
		case E_MFA:
			if (!refused(e))
				return -1;
			incomplete(e, "MFA registration (every account's MFA"
			    " is unknown)", "AuditLog.Read.All and a Reports"
			    " Reader role", err);
			e->mfa_ok = 0;
			e->nmfa = 0;
			break;
		case E_USERS:
			/* only the first page can say so; ask without it */
			if (!e->signin || e->l.pages != 1 ||
			    !signin_refused(e, err))
				return -1;
			incomplete(e, "last sign-in (signInActivity; last"
			    " login is unknown)", "AuditLog.Read.All and an"
			    " Entra ID P1 or P2 tenant", err);
			e->signin = 0;
			start_phase(e);
			return 0;
		case E_GROUPS:
		case E_MEMBERS:
			if (!refused(e))
				return -1;
			incomplete(e, e->phase == E_GROUPS ? "groups" :
			    "group members", "GroupMember.Read.All", err);
			e->part_ok = 0;
			if (e->phase == E_MEMBERS)
				e->iid = e->nids;	/* same for all */
			break;
		case E_ROLES:
		case E_ROLE_MEMBERS:
			if (!refused(e))
				return -1;
			incomplete(e, "directory roles",
			    "RoleManagement.Read.Directory", err);
			e->part_ok = 0;
			if (e->phase == E_ROLE_MEMBERS)
				e->iid = e->nids;
			break;
		default:
			return -1;
		}
		next_phase(e);
		return 0;
	}
	if (rc == 0) {
		next_phase(e);
		return 0;
	}
	switch (e->phase) {
	case E_MFA:
		add_mfa(e, item);
		break;
	case E_USERS:
		put_user(e, item);
		break;
	case E_GROUPS:
		put_group(e, item, 0);
		break;
	case E_ROLES:
		put_group(e, item, 1);
		break;
	case E_MEMBERS:
		put_member(e, item, 0);
		break;
	case E_ROLE_MEMBERS:
		put_member(e, item, 1);
		break;
	default:
		break;
	}
	return 0;
}

static int
entra_next(struct connector *c, struct record *rec, struct errbuf *err)
{
	struct entrac *e = c->priv;

	while (!recq_pop(&e->q, rec)) {
		if (e->phase == E_DONE)
			return 0;
		if (refill(e, err) < 0)
			return -1;
	}
	return 1;
}

static int
entra_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct http_options opt;
	struct entrac *e;
	const char *tenant = source_get(src, "tenant");

	e = xcalloc(1, sizeof(*e));
	c->priv = e;
	e->src_name = src->name;
	/* client credentials: the tenant's token endpoint unless given */
	if (source_get(src, "client_id") && !source_get(src, "token_url")) {
		if (str_empty(tenant)) {
			err_set(err, "source '%s': client_id needs tenant (or"
			    " token_url)", src->name);
			return -2;
		}
		e->token_url = xasprintf(TOKEN_URL_FMT, tenant);
	}
	memset(&opt, 0, sizeof(opt));
	opt.default_url = GRAPH_URL;
	opt.default_token_url = e->token_url;
	opt.auth = HTTP_AUTH_BEARER;
	opt.scopes = source_get_or(src, "scope", GRAPH_SCOPE);
	if (http_config_check(src, &opt, err) < 0)
		return -2;
	if ((e->h = http_open(src, &opt, err)) == NULL)
		return -1;
	c->origin = http_base(e->h);
	e->page_size = http_page_size(e->h, 999);
	if (e->page_size < 1)
		e->page_size = 999;
	e->mfa_ok = 1;
	e->signin = 1;
	e->part_ok = 1;
	e->phase = E_MFA;
	start_phase(e);
	return 0;
}

static void
entra_close(struct connector *c)
{
	struct entrac *e = c->priv;

	if (e == NULL)
		return;
	listing_end(e);
	http_close(e->h);
	free_ids(e);
	free(e->mfa);
	recq_free(&e->q);
	buf_release(&e->detail);
	buf_release(&e->name);
	free(e->token_url);
	free(e);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops entra_connector = {
	.type = "entra",
	.keys = entra_keys,
	.open = entra_open,
	.next = entra_next,
	.close = entra_close,
};
