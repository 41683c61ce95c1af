/*
 * slack.c: a Slack workspace through the Web API (http.h).
 *
 * users.list is read with cursor paging (limit = page_size, 200 by
 * default; response_metadata.next_cursor, empty at the end), one page at a
 * time, handed out user by user. Every Web API answer carries "ok": an
 * ok:false is an error naming Slack's `error` (and the scope it `needed`),
 * even under HTTP 200. HTTP 429 with Retry-After is http.c's to wait out.
 *
 * Admin, owner and primary-owner flags become members of the privileged
 * entitlements workspace:admin, workspace:owner, workspace:primary_owner;
 * guests (is_restricted, is_ultra_restricted) are accounts of kind
 * "external"; bots, app users and Slackbot of kind "service"; deleted
 * users are not active. has_2fa gives MFA only when the token sees it:
 * without it MFA stays unknown and, like e-mail addresses without the
 * users:read.email scope, the part is noted as incomplete once. `updated`
 * is a profile change, not a sign-in: no last login is claimed.
 *
 * User groups (usergroups.list?include_users=true) become entitlements
 * "usergroup:HANDLE" with their members; a token without usergroups:read
 * notes the groups as incomplete rather than failing the pull.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/http.h"

#define SL_DEFAULT_URL	"https://slack.com/api"
#define SL_PAGE_SIZE	200
#define SL_MAX_PAGE	1000	/* Slack's documented ceiling for limit */

enum sl_phase {
	SL_ROLES = 0,		/* the three privileged entitlements */
	SL_USERS,
	SL_USER_ROLES,		/* memberships of the user handed out last */
	SL_USERS_END,		/* notes on what the token could not see */
	SL_GROUPS,
	SL_GROUP_MEMBERS,
	SL_DONE,
};

static const struct {
	const char *flag;
	const char *ent;
} sl_roles[] = {
	{ "is_admin", "workspace:admin" },
	{ "is_owner", "workspace:owner" },
	{ "is_primary_owner", "workspace:primary_owner" },
};

struct sl {
	struct http *http;
	const char *name;
	char	*origin;
	long	 limit;
	enum sl_phase phase;
	size_t	 irole;
	/* the page being read */
	struct http_page page;
	int	 have_page;
	json_t	*items;		/* members or usergroups of page.body */
	size_t	 i;
	char	*cursor;	/* next_cursor to ask for; NULL: last page */
	json_t	*user;		/* the user handed out last */
	json_t	*group;		/* the group whose members go out */
	size_t	 imember;
	/* what the token let us see, over the humans of the listing */
	long	 humans, with_email, with_2fa;
	int	 noted_email, noted_2fa;
	char	*lent;
	char	 detail[1024];
};

static const char *const sl_keys[] = {
	HTTP_KEYS, NULL,
};

static void
page_clear(struct sl *s)
{
	if (s->have_page)
		http_page_free(&s->page);
	memset(&s->page, 0, sizeof(s->page));
	s->have_page = 0;
	s->items = NULL;
	s->user = NULL;
	s->group = NULL;
	s->i = 0;
}

/*
 * GET a Web API method into s->page. 0: ok:true; 1: ok:false with
 * *error set to Slack's error word (lent with the page); -1: err set.
 */
static int
api_get(struct sl *s, const char *url, const char *method,
    const char **error, struct errbuf *err)
{
	json_t *ok;

	page_clear(s);
	s->have_page = 1;
	if (http_get_json(s->http, url, &s->page, err) < 0) {
		err_prefix(err, "%s", method);
		return -1;
	}
	ok = json_object_get(s->page.body, "ok");
	if (!json_is_boolean(ok)) {
		err_set(err, "%s: %s: not a Slack API response (no \"ok\")",
		    method, url);
		return -1;
	}
	if (json_is_true(ok))
		return 0;
	*error = json_string_value(json_object_get(s->page.body, "error"));
	if (*error == NULL)
		*error = "unknown error";
	return 1;
}

/* "missing_scope (needs users:read)" for messages; lent until next call. */
static const char *
why(struct sl *s, const char *error)
{
	const char *needed;

	needed = json_string_value(json_object_get(s->page.body, "needed"));
	free(s->lent);
	if (needed)
		s->lent = xasprintf("%s (needs scope %s)", error, needed);
	else
		s->lent = xstrdup(error);
	return s->lent;
}

static int
fetch_users(struct sl *s, struct errbuf *err)
{
	char *base, *url, *n;
	const char *error, *next;
	json_t *md;
	int rc;

	base = http_url(s->http, "/users.list");
	n = xasprintf("%ld", s->limit);
	url = http_url_add(base, "limit", n);
	free(base);
	free(n);
	if (s->cursor) {
		base = url;
		url = http_url_add(base, "cursor", s->cursor);
		free(base);
		free(s->cursor);
		s->cursor = NULL;
	}
	rc = api_get(s, url, "users.list", &error, err);
	if (rc == 1) {
		err_set(err, "users.list: %s: %s", url, why(s, error));
		rc = -1;
	}
	if (rc != 0)
		goto out;
	rc = -1;
	s->items = json_object_get(s->page.body, "members");
	if (!json_is_array(s->items)) {
		err_set(err, "users.list: %s: no \"members\" array", url);
		goto out;
	}
	md = json_object_get(s->page.body, "response_metadata");
	next = json_string_value(json_object_get(md, "next_cursor"));
	if (!str_empty(next)) {
		/* a cursor seen before is a server going round in circles */
		if (http_check_next(s->http, next, err) < 0) {
			err_prefix(err, "users.list: %s", url);
			goto out;
		}
		s->cursor = xstrdup(next);
	}
	rc = 0;
out:
	free(url);
	return rc;
}

static int
flag(json_t *u, const char *name)
{
	return json_is_true(json_object_get(u, name));
}

static const char *
str_of(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));

	return str_empty(v) ? NULL : v;
}

static int
set_account(struct sl *s, json_t *u, struct record *rec, struct errbuf *err)
{
	struct rec_account *a = &rec->u.account;
	json_t *profile = json_object_get(u, "profile"), *tfa;
	int service;

	memset(rec, 0, sizeof(*rec));
	rec->type = REC_ACCOUNT;
	if ((a->native_id = str_of(u, "id")) == NULL) {
		err_set(err, "users.list: %s: a user without an id",
		    s->page.url ? s->page.url : "");
		return -1;
	}
	a->login = str_of(u, "name");
	a->email = str_of(profile, "email");
	if ((a->display_name = str_of(u, "real_name")) == NULL &&
	    (a->display_name = str_of(profile, "real_name")) == NULL)
		a->display_name = str_of(profile, "display_name");
	if (flag(u, "deleted")) {
		a->status = "deleted";
		a->active = 0;
	} else if (flag(u, "is_invited_user")) {
		/* pending activation: the invitee can still get in */
		a->status = "invited";
		a->active = 1;
	} else {
		a->status = "active";
		a->active = 1;
	}
	service = flag(u, "is_bot") || flag(u, "is_app_user") ||
	    strcmp(a->native_id, "USLACKBOT") == 0;
	if (service)
		a->kind = "service";
	else if (flag(u, "is_restricted") || flag(u, "is_ultra_restricted"))
		a->kind = "external";
	tfa = json_object_get(u, "has_2fa");
	if (json_is_boolean(tfa))
		a->mfa = json_is_true(tfa) ? MFA_ENROLLED : MFA_NOT_ENROLLED;
	else
		a->mfa = MFA_UNKNOWN;
	if (!service && a->active) {
		s->humans++;
		if (a->email)
			s->with_email++;
		if (json_is_boolean(tfa))
			s->with_2fa++;
	}
	return 0;
}

static void
set_issue(struct sl *s, struct record *rec, const char *kind,
    const char *detail)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = REC_ISSUE;
	rec->u.issue.kind = kind;
	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	rec->u.issue.detail = s->detail;
}

static int
fetch_groups(struct sl *s, struct record *rec, struct errbuf *err)
{
	char *base, *url;
	const char *error;
	char msg[sizeof(s->detail)];
	int rc;

	base = http_url(s->http, "/usergroups.list");
	url = http_url_add(base, "include_users", "true");
	free(base);
	rc = api_get(s, url, "usergroups.list", &error, err);
	if (rc == 1) {
		/*
		 * A free workspace has no user groups at all: the empty list
		 * is then complete. Anything else the token may not read.
		 */
		if (strcmp(error, "plan_upgrade_required") == 0) {
			rc = 0;
			s->items = NULL;
			goto out;
		}
		if (strcmp(error, "missing_scope") == 0 ||
		    strcmp(error, "not_allowed_token_type") == 0 ||
		    strcmp(error, "no_permission") == 0) {
			snprintf(msg, sizeof(msg), "user groups not readable:"
			    " %s", why(s, error));
			set_issue(s, rec, "incomplete", msg);
			rc = 2;
			goto out;
		}
		err_set(err, "usergroups.list: %s: %s", url, why(s, error));
		rc = -1;
		goto out;
	}
	if (rc < 0)
		goto out;
	s->items = json_object_get(s->page.body, "usergroups");
	if (!json_is_array(s->items)) {
		err_set(err, "usergroups.list: %s: no \"usergroups\" array",
		    url);
		rc = -1;
	}
out:
	free(url);
	return rc;
}

static int
sl_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct sl *s = xcalloc(1, sizeof(*s));
	struct http_options opt;

	c->priv = s;
	s->name = src->name;
	memset(&opt, 0, sizeof(opt));
	opt.auth = HTTP_AUTH_BEARER;
	opt.default_url = SL_DEFAULT_URL;
	if (http_config_check(src, &opt, err) < 0)
		return -2;
	if ((s->http = http_open(src, &opt, err)) == NULL)
		return -1;
	s->limit = http_page_size(s->http, SL_PAGE_SIZE);
	if (s->limit < 1 || s->limit > SL_MAX_PAGE)
		s->limit = SL_PAGE_SIZE;
	s->origin = xstrdup(http_base(s->http));
	c->origin = s->origin;
	s->phase = SL_ROLES;
	return 0;
}

static int
sl_next(struct connector *c, struct record *rec, struct errbuf *err)
{
	struct sl *s = c->priv;
	json_t *v;
	const char *handle, *id;
	int rc;

	for (;;) {
		switch (s->phase) {
		case SL_ROLES:
			if (s->irole == ARRAY_SIZE(sl_roles)) {
				s->phase = SL_USERS;
				http_listing_reset(s->http);
				if (fetch_users(s, err) < 0)
					return -1;
				break;
			}
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_ENTITLEMENT;
			rec->u.ent.native_id = sl_roles[s->irole].ent;
			rec->u.ent.name = sl_roles[s->irole].ent;
			rec->u.ent.kind = "role";
			rec->u.ent.privileged = 1;
			s->irole++;
			return 1;
		case SL_USERS:
			if (s->i < json_array_size(s->items)) {
				s->user = json_array_get(s->items, s->i++);
				if (set_account(s, s->user, rec, err) < 0)
					return -1;
				s->phase = SL_USER_ROLES;
				s->irole = 0;
				return 1;
			}
			if (s->cursor == NULL) {
				s->phase = SL_USERS_END;
				break;
			}
			if (fetch_users(s, err) < 0)
				return -1;
			break;
		case SL_USER_ROLES:
			while (s->irole < ARRAY_SIZE(sl_roles) &&
			    !flag(s->user, sl_roles[s->irole].flag))
				s->irole++;
			if (s->irole == ARRAY_SIZE(sl_roles)) {
				s->phase = SL_USERS;
				break;
			}
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_MEMBER;
			rec->u.member.group = sl_roles[s->irole].ent;
			rec->u.member.member = str_of(s->user, "id");
			rec->u.member.ref = MEMBER_BY_KEY;
			s->irole++;
			return 1;
		case SL_USERS_END:
			if (s->humans > 0 && s->with_email == 0 &&
			    !s->noted_email) {
				s->noted_email = 1;
				set_issue(s, rec, "incomplete", "e-mail"
				    " addresses not readable: the token lacks"
				    " the users:read.email scope");
				return 1;
			}
			if (s->humans > 0 && s->with_2fa == 0 &&
			    !s->noted_2fa) {
				s->noted_2fa = 1;
				set_issue(s, rec, "incomplete", "2FA status not"
				    " visible to this token (no has_2fa):"
				    " MFA unknown");
				return 1;
			}
			s->phase = SL_GROUPS;
			rc = fetch_groups(s, rec, err);
			if (rc < 0)
				return -1;
			if (rc == 2) {
				s->phase = SL_DONE;
				return 1;
			}
			break;
		case SL_GROUPS:
			if (s->i >= json_array_size(s->items)) {
				s->phase = SL_DONE;
				break;
			}
			s->group = json_array_get(s->items, s->i++);
			if ((id = str_of(s->group, "id")) == NULL) {
				err_set(err, "usergroups.list: %s: a group"
				    " without an id", s->page.url ?
				    s->page.url : "");
				return -1;
			}
			if ((handle = str_of(s->group, "handle")) == NULL)
				handle = id;
			free(s->lent);
			s->lent = xasprintf("usergroup:%s", handle);
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_ENTITLEMENT;
			rec->u.ent.native_id = id;
			rec->u.ent.name = s->lent;
			rec->u.ent.kind = "group";
			rec->u.ent.privileged = -1;
			s->imember = 0;
			s->phase = SL_GROUP_MEMBERS;
			return 1;
		case SL_GROUP_MEMBERS:
			v = json_array_get(json_object_get(s->group, "users"),
			    s->imember);
			if (v == NULL) {
				s->phase = SL_GROUPS;
				break;
			}
			s->imember++;
			if (!json_is_string(v))
				continue;
			memset(rec, 0, sizeof(*rec));
			rec->type = REC_MEMBER;
			rec->u.member.group = str_of(s->group, "id");
			rec->u.member.member = json_string_value(v);
			rec->u.member.ref = MEMBER_BY_KEY;
			return 1;
		case SL_DONE:
			page_clear(s);
			return 0;
		}
	}
}

static void
sl_close(struct connector *c)
{
	struct sl *s = c->priv;

	if (s == NULL)
		return;
	page_clear(s);
	http_close(s->http);
	free(s->cursor);
	free(s->lent);
	free(s->origin);
	free(s);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops slack_connector = {
	.type = "slack",
	.keys = sl_keys,
	.open = sl_open,
	.next = sl_next,
	.close = sl_close,
};
