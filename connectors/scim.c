/*
 * scim.c: any SCIM 2.0 service provider (RFC 7643 resources, RFC 7644
 * protocol): /Users and /Groups listed with startIndex/count.
 *
 * Paging trusts only what arrived: startIndex is 1-based, the next one is
 * the previous plus the number of Resources actually returned (servers cap
 * pages below the count asked for), and the listing goes on while the last
 * page was non-empty and either full or short of totalResults (some servers
 * put the page length in totalResults). Pages that overlap send an id twice;
 * the repeat is dropped and named in a data-quality note. A server that
 * ignores startIndex and sends the same full page again would loop: a page
 * with nothing new fails the pull.
 *
 * Groups become entitlements, members[] values memberships by id (nested
 * groups are members of type Group and resolve the same way). A provider
 * that leaves members out of the list view is asked for each group's
 * members (GET /Groups/ID?attributes=members). SCIM has no standard MFA or
 * last-login attribute: both stay unknown (meta.lastModified is not a
 * login).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/http.h"
#include "saas.h"

#define SCIM_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
/* Repeated ids named in the note; the rest are counted. */
#define MAX_DUPS_NAMED 20

enum phase {
	PH_USERS,
	PH_USERS_END,		/* notes about the user listing */
	PH_GROUPS,
	PH_MEMBERS,		/* members of the group just sent */
	PH_DONE,
};

struct listing {
	const char *what;	/* "Users", "Groups" */
	long	 start;		/* startIndex of the next request */
	int	 more;		/* another request is due */
	struct http_page page;	/* the page being handed out */
	int	 have_page;
	size_t	 idx;		/* next resource in page.body Resources */
	long	 total;		/* last totalResults seen; -1: none */
	long	 received;	/* resources received, repeats included */
	long	 unique;
	json_t	*seen;		/* object used as a set of ids */
	struct buf dups;	/* repeated ids, for the note */
	long	 ndups;
};

struct scimc {
	struct http *h;
	const char *name;	/* the source's name, for messages */
	long	 count;		/* page_size */
	const char *filter;
	enum phase phase;
	struct listing users, groups;
	/* members of the current group */
	const char *group_id;
	json_t	*members;	/* borrowed from the group or member_page */
	size_t	 midx;
	struct http_page member_page;
	int	 have_member_page;
	/* strings of the record handed out last */
	char	*email, *aliases, *display;
	char	*detail;
	int	 groups_skipped;
};

static const char *const scim_keys[] = {
	HTTP_KEYS, "filter", NULL,
};

static void
listing_init(struct listing *l, const char *what)
{
	memset(l, 0, sizeof(*l));
	l->what = what;
	l->start = 1;
	l->more = 1;
	l->total = -1;
	l->seen = json_object();
	l->dups.max = 4096;
}

static void
listing_release(struct listing *l)
{
	if (l->have_page)
		http_page_free(&l->page);
	l->have_page = 0;
	json_decref(l->seen);
	l->seen = NULL;
	buf_release(&l->dups);
}

static void
record_strings_free(struct scimc *s)
{
	free(s->email);
	free(s->aliases);
	free(s->display);
	free(s->detail);
	s->email = s->aliases = s->display = s->detail = NULL;
}

static int
scimc_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	struct http_options opt = {
		.auth = HTTP_AUTH_BEARER,
		.accept = "application/scim+json, application/json",
	};
	struct scimc *s;

	if (source_get(src, "url") == NULL) {
		err_set(err, "source '%s': scim needs url (the SCIM base,"
		    " ending in /scim/v2)", src->name);
		return -2;
	}
	if (source_get(src, "username") != NULL)
		opt.auth = HTTP_AUTH_BASIC;
	s = xcalloc(1, sizeof(*s));
	c->priv = s;
	s->name = src->name;
	s->filter = source_get(src, "filter");
	if (http_config_check(src, &opt, err) < 0)
		return -2;
	if ((s->h = http_open(src, &opt, err)) == NULL)
		return -1;
	c->origin = http_base(s->h);
	/* RFC 7644 3.4.2.4: count is a maximum; the server may send fewer. */
	s->count = http_page_size(s->h, 100);
	if (s->count < 1)
		s->count = 100;
	listing_init(&s->users, "Users");
	listing_init(&s->groups, "Groups");
	s->phase = PH_USERS;
	return 0;
}

/*
 * A 200 body must be a ListResponse: an object with totalResults (an
 * integer) and Resources (an array), which RFC 7644 3.4.2 lets a server
 * leave out only when totalResults is 0. Anything else, a SCIM Error sent
 * with 200 above all, fails the pull: read as "no users" it would empty
 * the source. 0, or -1 with err naming the source, URL and the error.
 */
static int
check_list(struct scimc *s, struct listing *l, const char *url,
    struct errbuf *err)
{
	json_t *b = l->page.body, *res, *tot, *st, *sch;
	const char *detail, *type;
	size_t i;
	int is_error = 0;

	if (!json_is_object(b)) {
		err_set(err, "%s (%s): the answer is %s, not a SCIM"
		    " ListResponse", s->name, url, json_is_array(b) ? "a JSON"
		    " array" : "not a JSON object");
		return -1;
	}
	sch = json_object_get(b, "schemas");
	for (i = 0; i < json_array_size(sch); i++)
		if (json_string_value(json_array_get(sch, i)) && strcmp(
		    json_string_value(json_array_get(sch, i)),
		    "urn:ietf:params:scim:api:messages:2.0:Error") == 0)
			is_error = 1;
	st = json_object_get(b, "status");
	detail = json_string_value(json_object_get(b, "detail"));
	type = json_string_value(json_object_get(b, "scimType"));
	if (is_error || (st != NULL && detail != NULL)) {
		char num[32];

		if (json_is_integer(st))
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(st));
		err_set(err, "%s (%s): the server answered with a SCIM Error"
		    " (status %s%s%s%s%s)", s->name, url, json_is_string(st) ?
		    json_string_value(st) : json_is_integer(st) ? num : "?",
		    type ? ", " : "", type ? type : "", detail ? ": " : "",
		    detail ? detail : "");
		return -1;
	}
	res = json_object_get(b, "Resources");
	tot = json_object_get(b, "totalResults");
	if ((res != NULL && !json_is_array(res)) ||
	    (tot != NULL && !json_is_integer(tot)) ||
	    (res == NULL && (tot == NULL || json_integer_value(tot) != 0))) {
		err_set(err, "%s (%s): not a SCIM ListResponse (Resources and"
		    " totalResults expected)", s->name, url);
		return -1;
	}
	return 0;
}

/* GET the next page of a listing; 0, or -1 with err set. */
static int
fetch_page(struct scimc *s, struct listing *l, struct errbuf *err)
{
	char path[64], num[32], *url, *u2;
	json_t *tot;
	int rc;

	if (l->have_page)
		http_page_free(&l->page);
	l->have_page = 0;
	l->idx = 0;
	snprintf(path, sizeof(path), "/%s", l->what);
	url = http_url(s->h, path);
	snprintf(num, sizeof(num), "%ld", l->start);
	u2 = http_url_add(url, "startIndex", num);
	free(url);
	snprintf(num, sizeof(num), "%ld", s->count);
	url = http_url_add(u2, "count", num);
	free(u2);
	if (s->filter != NULL && l == &s->users) {
		u2 = http_url_add(url, "filter", s->filter);
		free(url);
		url = u2;
	}
	memset(&l->page, 0, sizeof(l->page));
	rc = http_get_json(s->h, url, &l->page, err);
	l->have_page = 1;
	if (rc < 0) {
		free(url);
		return -1;
	}
	if (check_list(s, l, url, err) < 0) {
		free(url);
		return -1;
	}
	tot = json_object_get(l->page.body, "totalResults");
	l->total = tot ? (long)json_integer_value(tot) : -1;
	free(url);
	return 0;
}

/*
 * Decide whether another page is due once this one is fetched: the rules
 * of the file comment. start moves by what arrived, never by count.
 */
static void
advance(struct scimc *s, struct listing *l)
{
	long n = (long)json_array_size(json_object_get(l->page.body,
	    "Resources"));

	if (n == 0) {
		l->more = 0;
		return;
	}
	l->more = n >= s->count || (l->total >= 0 && l->start + n - 1 <
	    l->total);
	l->start += n;
}

/* Every id on the page just fetched was seen before. */
static int
page_all_seen(const struct listing *l)
{
	json_t *res = json_object_get(l->page.body, "Resources");
	size_t i;

	for (i = 0; i < json_array_size(res); i++) {
		const char *id = json_string_value(json_object_get(
		    json_array_get(res, i), "id"));

		if (id == NULL || json_object_get(l->seen, id) == NULL)
			return 0;
	}
	return 1;
}

/*
 * The next resource of a listing, fetching pages as needed; repeats are
 * skipped and noted. 1: *out set (borrowed from the page); 0: end; -1.
 */
static int
listing_next(struct scimc *s, struct listing *l, json_t **out,
    struct errbuf *err)
{
	json_t *res, *r, *id;

	for (;;) {
		res = l->have_page ? json_object_get(l->page.body,
		    "Resources") : NULL;
		while (res != NULL && l->idx < json_array_size(res)) {
			r = json_array_get(res, l->idx++);
			l->received++;
			id = json_object_get(r, "id");
			if (!json_is_object(r) || !json_is_string(id) ||
			    json_string_length(id) == 0) {
				err_set(err, "%s: a resource in %s without an"
				    " id (startIndex %ld)", l->page.url,
				    l->what, l->start);
				return -1;
			}
			if (json_object_get(l->seen, json_string_value(id))) {
				if (l->ndups++ < MAX_DUPS_NAMED)
					buf_addf(&l->dups, "%s%s",
					    l->dups.len ? ", " : "",
					    json_string_value(id));
				continue;
			}
			json_object_set_new(l->seen, json_string_value(id),
			    json_true());
			l->unique++;
			*out = r;
			return 1;
		}
		if (!l->more)
			return 0;
		if (fetch_page(s, l, err) < 0)
			return -1;
		res = json_object_get(l->page.body, "Resources");
		advance(s, l);
		progress("pull %s: %ld %s", s->name, l->unique +
		    (long)json_array_size(res), l->what);
		if (json_array_size(res) == 0 || !page_all_seen(l))
			continue;
		/*
		 * Past the end, some servers (SCIMMY) answer with the first
		 * page again: with totalResults already in hand, that is the
		 * end, not news.
		 */
		if (l->total >= 0 && l->unique >= l->total) {
			l->idx = json_array_size(res);
			l->more = 0;
			return 0;
		}
		/*
		 * A full page of nothing new short of the total: the server
		 * ignores startIndex and would hand out that page forever.
		 */
		if ((long)json_array_size(res) >= s->count) {
			err_set(err, "%s: the server sent the same %s again"
			    " (does it ignore startIndex?); the listing is"
			    " not trustworthy", l->page.url, l->what);
			return -1;
		}
	}
}

/* emails[]: the one flagged primary (else the first) and the others. */
static void
map_emails(struct scimc *s, json_t *emails, struct rec_account *a)
{
	struct buf al = BUF_INIT;
	json_t *e;
	size_t i, pick = 0;
	const char *v;

	if (!json_is_array(emails) || json_array_size(emails) == 0)
		return;
	json_array_foreach(emails, i, e) {
		if (json_is_true(json_object_get(e, "primary"))) {
			pick = i;
			break;
		}
	}
	json_array_foreach(emails, i, e) {
		if ((v = jstr(e, "value")) == NULL || *v == '\0')
			continue;
		if (i == pick)
			s->email = xstrdup(v);
		else
			buf_addf(&al, "%s%s", al.len ? ";" : "", v);
	}
	s->aliases = al.len ? buf_detach(&al) : NULL;
	buf_release(&al);
	a->email = s->email;
	a->aliases = s->aliases;
}

/* name.formatted, else givenName familyName, else displayName. */
static void
map_name(struct scimc *s, json_t *u, struct rec_account *a)
{
	json_t *name = json_object_get(u, "name");
	const char *given = jstr(name, "givenName");
	const char *family = jstr(name, "familyName");

	if (!str_empty(jstr(name, "formatted")))
		s->display = xstrdup(jstr(name, "formatted"));
	else if (!str_empty(given) || !str_empty(family))
		s->display = xasprintf("%s%s%s", given ? given : "",
		    !str_empty(given) && !str_empty(family) ? " " : "",
		    family ? family : "");
	else if (!str_empty(jstr(u, "displayName")))
		s->display = xstrdup(jstr(u, "displayName"));
	a->display_name = s->display;
}

static void
map_user(struct scimc *s, json_t *u, struct record *r)
{
	struct rec_account *a = &r->u.account;
	json_t *active = json_object_get(u, "active");

	memset(r, 0, sizeof(*r));
	r->type = REC_ACCOUNT;
	a->native_id = jstr(u, "id");
	a->key = a->native_id;		/* members[].value names it */
	a->login = jstr(u, "userName");
	map_emails(s, json_object_get(u, "emails"), a);
	map_name(s, u, a);
	/*
	 * active is SCIM's only lifecycle word; a provider that leaves it
	 * out says nothing, and an account nobody disabled can sign in.
	 */
	if (json_is_boolean(active)) {
		a->active = json_is_true(active);
		a->status = a->active ? "active" : "inactive";
	} else {
		a->active = 1;
	}
	a->mfa = MFA_UNKNOWN;
	a->last_login = NULL;
	a->created = jstr(json_object_get(u, "meta"), "created");
	a->employee_id = jstr(json_object_get(u, SCIM_ENTERPRISE),
	    "employeeNumber");
}

/* The note on repeats and a totalResults the data contradicts, or 0. */
static int
listing_notes(struct scimc *s, struct listing *l, struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->type = REC_ISSUE;
	if (l->ndups > 0) {
		s->detail = xasprintf("%s: the server sent %ld %s more than"
		    " once (pages overlap); kept once: %s%s", l->what,
		    l->ndups, l->ndups == 1 ? "resource" : "resources",
		    buf_str(&l->dups), l->ndups > MAX_DUPS_NAMED ? ", ..." :
		    "");
		r->u.issue.kind = "duplicate_id";
		r->u.issue.detail = s->detail;
		l->ndups = 0;
		return 1;
	}
	if (l->total >= 0 && l->total != l->unique) {
		s->detail = xasprintf("%s: the server's totalResults (%ld)"
		    " disagrees with the %ld received", l->what, l->total,
		    l->unique);
		r->u.issue.kind = "inconsistent";
		r->u.issue.detail = s->detail;
		l->total = -1;
		return 1;
	}
	return 0;
}

/*
 * Members of a group missing from the list view: ask for the group with
 * its members. 0 (s->members set, maybe NULL), or -1.
 */
static int
fetch_members(struct scimc *s, struct errbuf *err)
{
	char *id = saas_path_escape(s->group_id), *path, *url, *u2;
	int rc;

	path = xasprintf("/Groups/%s", id);
	url = http_url(s->h, path);
	u2 = http_url_add(url, "attributes", "members");
	if (s->have_member_page)
		http_page_free(&s->member_page);
	memset(&s->member_page, 0, sizeof(s->member_page));
	s->have_member_page = 1;
	rc = http_get_json(s->h, u2, &s->member_page, err);
	if (rc == 0 && !json_is_object(s->member_page.body)) {
		err_set(err, "%s: not a SCIM Group", u2);
		rc = -1;
	}
	if (rc == 0)
		s->members = json_object_get(s->member_page.body, "members");
	free(id);
	free(path);
	free(url);
	free(u2);
	return rc;
}

/* A group: its entitlement, then its members (PH_MEMBERS). */
static int
map_group(struct scimc *s, json_t *g, struct record *r, struct errbuf *err)
{
	struct rec_entitlement *e = &r->u.ent;

	memset(r, 0, sizeof(*r));
	r->type = REC_ENTITLEMENT;
	e->native_id = jstr(g, "id");
	e->key = e->native_id;
	e->name = jstr(g, "displayName");
	e->kind = "group";
	e->privileged = -1;
	s->group_id = e->native_id;
	s->members = json_object_get(g, "members");
	s->midx = 0;
	if (s->members == NULL && fetch_members(s, err) < 0)
		return -1;
	s->phase = PH_MEMBERS;
	return 1;
}

static int
next_member(struct scimc *s, struct record *r)
{
	json_t *m;
	const char *v;

	while (json_is_array(s->members) &&
	    s->midx < json_array_size(s->members)) {
		m = json_array_get(s->members, s->midx++);
		if ((v = jstr(m, "value")) == NULL || *v == '\0')
			continue;
		memset(r, 0, sizeof(*r));
		r->type = REC_MEMBER;
		r->u.member.group = s->group_id;
		r->u.member.member = v;
		r->u.member.ref = MEMBER_BY_KEY;
		return 1;
	}
	return 0;
}

/*
 * A provider without /Groups (404, 501) or a credential that may not read
 * it (403) leaves the groups out, and the snapshot says so.
 */
static int
groups_unreadable(struct scimc *s, struct record *r, struct errbuf *err)
{
	long st = s->groups.page.status;

	if (st != 403 && st != 404 && st != 501)
		return 0;
	s->detail = xasprintf("groups: GET %s answered %ld; the snapshot has"
	    " no groups or memberships (%s)", s->groups.page.url ?
	    s->groups.page.url : "/Groups", st, err->msg);
	memset(r, 0, sizeof(*r));
	r->type = REC_ISSUE;
	r->u.issue.kind = "incomplete";
	r->u.issue.detail = s->detail;
	s->groups_skipped = 1;
	return 1;
}

static int
scimc_next(struct connector *c, struct record *r, struct errbuf *err)
{
	struct scimc *s = c->priv;
	json_t *res;
	int rc;

	record_strings_free(s);
	for (;;) {
		switch (s->phase) {
		case PH_USERS:
			if ((rc = listing_next(s, &s->users, &res, err)) < 0)
				return -1;
			if (rc > 0) {
				map_user(s, res, r);
				return 1;
			}
			s->phase = PH_USERS_END;
			break;
		case PH_USERS_END:
			if (listing_notes(s, &s->users, r))
				return 1;
			listing_release(&s->users);
			s->phase = PH_GROUPS;
			break;
		case PH_GROUPS:
			rc = listing_next(s, &s->groups, &res, err);
			if (rc < 0 && s->groups.received == 0 &&
			    groups_unreadable(s, r, err)) {
				s->phase = PH_DONE;
				return 1;
			}
			if (rc < 0)
				return -1;
			if (rc > 0)
				return map_group(s, res, r, err);
			if (listing_notes(s, &s->groups, r))
				return 1;
			s->phase = PH_DONE;
			break;
		case PH_MEMBERS:
			if (next_member(s, r))
				return 1;
			s->phase = PH_GROUPS;
			break;
		case PH_DONE:
			return 0;
		}
	}
}

static void
scimc_close(struct connector *c)
{
	struct scimc *s = c->priv;

	if (s == NULL)
		return;
	record_strings_free(s);
	if (s->users.seen)
		listing_release(&s->users);
	if (s->groups.seen)
		listing_release(&s->groups);
	if (s->have_member_page)
		http_page_free(&s->member_page);
	http_close(s->h);
	free(s);
	c->priv = NULL;
}

const struct connector_ops scim_connector = {
	.type = "scim",
	.keys = scim_keys,
	.open = scimc_open,
	.next = scimc_next,
	.close = scimc_close,
};
