/*
 * ldap.c: the LDAP and Active Directory connectors (libldap).
 *
 * A pull is up to three subtree searches on one connection, each read with
 * the paged-results control (RFC 2696) one entry at a time: the users that
 * do not match disabled_filter, the users that do (so "active" needs no set
 * of DNs in memory), then the groups, each followed by its member values.
 * Only the page being read is in memory, so a pull of 100,000 users costs
 * what a pull of 1,000 does. A server that stops a search at its size limit
 * fails the pull: a short list of accounts would turn into false "no
 * account" findings (tests/data/cases/02-*).
 *
 * TLS (ldaps:// or starttls = yes) always demands a certificate that
 * chains to ca_file, or without it to the system trust store, and names
 * the host of the url; a failed check or a server without StartTLS fails
 * the pull, never a fall-back to an unverified or plain-text connection.
 *
 * Memberships go out as keys: member and uniqueMember values as normalized
 * DNs (ldap_dn.c), memberUid values as logins; core/pull.c resolves them
 * against the accounts and groups of the pull and expands nesting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

#include "rollcall/connector.h"
#include "rollcall/config.h"
#include "ldap_dn.h"

enum phase {
	PH_START = 0,
	PH_USERS,		/* (&USER(!(DISABLED))), or all users */
	PH_DISABLED,		/* (&USER(DISABLED)) */
	PH_GROUPS,
	PH_DONE,
};

/* Group member attributes, in the order they are read. */
static const struct {
	const char *attr;
	int	 is_dn;		/* 0: memberUid holds logins */
	int	 name_and_uid;	/* uniqueMember's optional #'bits'B */
} member_attrs[] = {
	{ "member", 1, 0 },
	{ "uniqueMember", 1, 1 },
	{ "memberUid", 0, 0 },
};

#define MAX_OWNED 16

struct ldapc {
	LDAP	*ld;
	ldap_conncb conncb;		/* sets is_connected; lives with ld */
	int	 is_connected;		/* TCP stood, TLS or not */
	int	 is_ad;
	char	*url;
	const char *name;		/* source name, for messages */
	/* settings */
	const char *base, *group_base;
	const char *user_filter, *disabled_filter, *group_filter;
	const char *login_attr, *email_attr, *empid_attr, *name_attr;
	const char *id_attr, *last_login_attr, *created_attr;
	const char *mfa_attr, *mfa_value, *group_name_attr;
	int	 page_size;
	struct timeval tv;
	/* the search being read */
	enum phase phase;
	const char *search_base;
	char	*filter;
	char	**attrs;
	int	 msgid;			/* -1: none outstanding */
	struct berval cookie;		/* of the page being read */
	long	 page;			/* 1-based, in this search */
	long	 page_entries;
	char	*first_dn;		/* first entry of page 1 */
	char	*prev_first_dn;		/* first entry of the page before */
	LDAPMessage *msg;		/* the entry handed out last */
	/* the members of the group handed out last */
	char	*group_key;
	int	 mattr;			/* index into member_attrs */
	struct berval **vals;
	size_t	 ival;
	/* strings lent out with the last record */
	char	*owned[MAX_OWNED];
	size_t	 nowned;
};

static const char *const ldap_keys[] = {
	"url", "bind_dn", "bind_password", "bind_password_env",
	"bind_password_file", "base", "group_base", "user_filter",
	"login_attribute", "email_attribute", "employee_id_attribute",
	"name_attribute", "id_attribute", "disabled_filter",
	"last_login_attribute", "created_attribute", "mfa_attribute",
	"mfa_enrolled_value", "group_filter", "group_name_attribute",
	"page_size", "starttls", "ca_file", "timeout", NULL,
};

static char *
own(struct ldapc *l, char *s)
{
	if (s == NULL)
		return NULL;
	/* a bug, not input: a record has a fixed number of strings */
	if (l->nowned == MAX_OWNED)
		abort();
	l->owned[l->nowned++] = s;
	return s;
}

static void
release_owned(struct ldapc *l)
{
	while (l->nowned > 0)
		free(l->owned[--l->nowned]);
}

/* "(x)" for "x" and "(x)" alike, so filters can be combined. */
static char *
paren(const char *f)
{
	if (f[0] == '(')
		return xstrdup(f);
	return xasprintf("(%s)", f);
}

/*
 * libldap's diagnostic message, or NULL. With GnuTLS a failed certificate
 * or host name check leaves "(unknown error code)" here, which says
 * nothing: that counts as none.
 */
static char *
ld_diag(struct ldapc *l)
{
	char *diag = NULL;

	if (l->ld)
		ldap_get_option(l->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag && (*diag == '\0' ||
	    strcmp(diag, "(unknown error code)") == 0)) {
		ldap_memfree(diag);
		diag = NULL;
	}
	return diag;
}

static const char *
ld_why(struct ldapc *l, int rc, char *buf, size_t len)
{
	char *diag = ld_diag(l);

	if (diag)
		snprintf(buf, len, "%s (%s)", ldap_err2string(rc), diag);
	else
		snprintf(buf, len, "%s", ldap_err2string(rc));
	ldap_memfree(diag);
	return buf;
}

static int
ld_errno(struct ldapc *l)
{
	int rc = LDAP_OTHER;

	ldap_get_option(l->ld, LDAP_OPT_RESULT_CODE, &rc);
	return rc;
}

static int
configure(struct ldapc *l, const struct source_cfg *src, int *starttls,
    long *timeout, char **ca_file, struct errbuf *err)
{
	const char *v;
	long n;

	l->name = src->name;
	if ((v = source_get(src, "url")) == NULL || *v == '\0') {
		err_set(err, "source '%s': 'url' is not set", src->name);
		return -1;
	}
	if (strncasecmp(v, "ldap://", 7) != 0 &&
	    strncasecmp(v, "ldaps://", 8) != 0 &&
	    strncasecmp(v, "ldapi://", 8) != 0) {
		err_set(err, "source '%s': url '%s' is not ldap://, ldaps://"
		    " or ldapi://", src->name, v);
		return -1;
	}
	l->url = xstrdup(v);
	if ((l->base = source_get(src, "base")) == NULL || *l->base == '\0') {
		err_set(err, "source '%s': 'base' is not set", src->name);
		return -1;
	}
	l->group_base = source_get_or(src, "group_base", l->base);
	l->user_filter = source_get_or(src, "user_filter", l->is_ad ?
	    "(&(objectCategory=person)(objectClass=user))" :
	    "(objectClass=inetOrgPerson)");
	/* AD: disabled and expired come from userAccountControl and
	 * accountExpires, read client side; a filter may add to them */
	l->disabled_filter = source_get_or(src, "disabled_filter", l->is_ad ?
	    "" : "(pwdAccountLockedTime=*)");
	l->login_attr = source_get_or(src, "login_attribute",
	    l->is_ad ? "sAMAccountName" : "uid");
	l->email_attr = source_get_or(src, "email_attribute", "mail");
	l->empid_attr = source_get_or(src, "employee_id_attribute",
	    l->is_ad ? "employeeID" : "employeeNumber");
	l->name_attr = source_get_or(src, "name_attribute",
	    l->is_ad ? "displayName" : "cn");
	l->id_attr = source_get_or(src, "id_attribute",
	    l->is_ad ? "objectGUID" : "entryUUID");
	l->last_login_attr = source_get_or(src, "last_login_attribute",
	    l->is_ad ? "lastLogonTimestamp" : "");
	l->created_attr = source_get_or(src, "created_attribute",
	    l->is_ad ? "whenCreated" : "createTimestamp");
	l->mfa_attr = source_get_or(src, "mfa_attribute", "");
	l->mfa_value = source_get(src, "mfa_enrolled_value");
	l->group_filter = source_get_or(src, "group_filter", l->is_ad ?
	    "(objectClass=group)" : "(|(objectClass=groupOfNames)"
	    "(objectClass=groupOfUniqueNames)(objectClass=posixGroup))");
	l->group_name_attr = source_get_or(src, "group_name_attribute", "cn");
	if ((n = source_get_long(src, "page_size", 500, 1, 10000, err)) < 0)
		return -1;
	l->page_size = (int)n;
	if ((*timeout = source_get_long(src, "timeout", 60, 1, 86400,
	    err)) < 0)
		return -1;
	l->tv.tv_sec = *timeout;
	l->tv.tv_usec = 0;
	if ((*starttls = source_get_bool(src, "starttls", 0, err)) < 0)
		return -1;
	if (*starttls && strncasecmp(l->url, "ldaps://", 8) == 0) {
		err_set(err, "source '%s': starttls = yes with an ldaps:// url",
		    src->name);
		return -1;
	}
	if ((v = source_get(src, "ca_file")) != NULL && *v != '\0')
		*ca_file = config_path_resolve(src->config_path, v);
	return 0;
}

static int
set_tls(struct ldapc *l, const char *ca_file, struct errbuf *err)
{
	int demand = LDAP_OPT_X_TLS_DEMAND, zero = 0, rc;
	char why[512];

	/* libldap would only say "Can't contact LDAP server" */
	if (ca_file && access(ca_file, R_OK) != 0) {
		err_set(err, "cannot read ca_file '%s' for %s: %s", ca_file,
		    l->url, strerror(errno));
		return -1;
	}
	/* on the handle, not globally: ldap.conf or LDAPTLS_REQCERT=never in
	 * the environment must not turn verification off */
	if ((rc = ldap_set_option(l->ld, LDAP_OPT_X_TLS_REQUIRE_CERT,
	    &demand)) != LDAP_OPT_SUCCESS)
		goto fail;
	if (ca_file && (rc = ldap_set_option(l->ld,
	    LDAP_OPT_X_TLS_CACERTFILE, ca_file)) != LDAP_OPT_SUCCESS)
		goto fail;
	/* the options above take effect in a new context only */
	if ((rc = ldap_set_option(l->ld, LDAP_OPT_X_TLS_NEWCTX, &zero)) !=
	    LDAP_OPT_SUCCESS)
		goto fail;
	return 0;
fail:
	err_set(err, "cannot set up TLS for %s%s%s: %s", l->url,
	    ca_file ? " with ca_file " : "", ca_file ? ca_file : "",
	    ld_why(l, rc, why, sizeof(why)));
	return -1;
}

/* libldap calls this when the TCP connection stands, before any TLS. */
static int
on_connect(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
    struct ldap_conncb *ctx)
{
	struct ldapc *l = ctx->lc_arg;

	(void)ld;
	(void)sb;
	(void)srv;
	(void)addr;
	l->is_connected = 1;
	return 0;
}

static void
on_disconnect(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld;
	(void)sb;
	(void)ctx;
}

/*
 * A TLS handshake that failed once the server was reached. libldap's
 * reason when it has one (a server that does not speak TLS there, or
 * OpenSSL's verify message); with GnuTLS a failed certificate or host
 * name check comes without one, so say what was checked.
 */
static void
tls_failed(struct ldapc *l, const char *ca_file, struct errbuf *err)
{
	LDAPURLDesc *lud = NULL;
	char *diag = ld_diag(l);
	const char *host = "?";

	if (ldap_url_parse(l->url, &lud) == LDAP_URL_SUCCESS &&
	    !str_empty(lud->lud_host))
		host = lud->lud_host;
	if (diag)
		err_set(err, "TLS with %s failed: %s", l->url, diag);
	else if (ca_file)
		err_set(err, "TLS with %s failed: the server's certificate"
		    " was not accepted (it must be issued by the CA in"
		    " ca_file '%s', for host '%s', and be valid today)",
		    l->url, ca_file, host);
	else
		err_set(err, "TLS with %s failed: the server's certificate"
		    " was not accepted (it must be issued by a CA the system"
		    " trusts, for host '%s', and be valid today; ca_file names"
		    " another CA)", l->url, host);
	ldap_memfree(diag);
	ldap_free_urldesc(lud);
}

static int
ldapc_open_type(struct connector *c, const struct source_cfg *src,
    int is_ad, struct errbuf *err)
{
	struct ldapc *l = xcalloc(1, sizeof(*l));
	char *password = NULL, *ca_file = NULL, why[512];
	const char *bind_dn;
	struct berval cred;
	int starttls = 0, is_ldaps, version = LDAP_VERSION3, rc, ret = -1;
	long timeout = 60;
	struct timeval tv;

	c->priv = l;
	l->is_ad = is_ad;
	l->msgid = -1;
	if (configure(l, src, &starttls, &timeout, &ca_file, err) < 0)
		goto out;
	c->origin = l->url;
	bind_dn = source_get(src, "bind_dn");
	if ((rc = source_secret(src, "bind_password", &password, err)) < 0)
		goto out;
	if (rc == 1 && !str_empty(bind_dn)) {
		err_set(err, "source '%s': bind_dn is set but neither"
		    " bind_password_env nor bind_password_file", src->name);
		goto out;
	}
	if ((rc = ldap_initialize(&l->ld, l->url)) != LDAP_SUCCESS) {
		err_set(err, "cannot use %s: %s", l->url, ldap_err2string(rc));
		goto out;
	}
	tv.tv_sec = timeout;
	tv.tv_usec = 0;
	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(l->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(l->ld, LDAP_OPT_TIMEOUT, &tv);
	is_ldaps = strncasecmp(l->url, "ldaps://", 8) == 0;
	if ((starttls || is_ldaps) && set_tls(l, ca_file, err) < 0)
		goto out;
	l->conncb.lc_add = on_connect;
	l->conncb.lc_del = on_disconnect;
	l->conncb.lc_arg = l;
	ldap_set_option(l->ld, LDAP_OPT_CONNECT_CB, &l->conncb);
	/* connect before the bind, so that a TLS failure is not reported
	 * as one of the bind */
	if ((rc = ldap_connect(l->ld)) != LDAP_SUCCESS) {
		if (is_ldaps && l->is_connected)
			tls_failed(l, ca_file, err);
		else
			err_set(err, "cannot connect to %s: %s", l->url,
			    ld_why(l, rc, why, sizeof(why)));
		goto out;
	}
	if (starttls && (rc = ldap_start_tls_s(l->ld, NULL, NULL)) !=
	    LDAP_SUCCESS) {
		/* CONNECT_ERROR: the server said yes, the handshake failed */
		if (rc == LDAP_CONNECT_ERROR)
			tls_failed(l, ca_file, err);
		else
			err_set(err, "cannot start TLS with %s: %s; not going"
			    " on in plain text", l->url,
			    ld_why(l, rc, why, sizeof(why)));
		goto out;
	}
	cred.bv_val = password ? password : "";
	cred.bv_len = password ? strlen(password) : 0;
	rc = ldap_sasl_bind_s(l->ld, password ? bind_dn : NULL,
	    LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		if (password)
			err_set(err, "cannot bind to %s as %s: %s", l->url,
			    bind_dn ? bind_dn : "(no bind_dn)",
			    ld_why(l, rc, why, sizeof(why)));
		else
			err_set(err, "cannot bind to %s anonymously: %s",
			    l->url, ld_why(l, rc, why, sizeof(why)));
		goto out;
	}
	l->phase = PH_START;
	ret = 0;
out:
	if (password) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	free(ca_file);
	return ret;
}

static int
ldapc_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	return ldapc_open_type(c, src, 0, err);
}

static int
adc_open(struct connector *c, const struct source_cfg *src,
    struct errbuf *err)
{
	return ldapc_open_type(c, src, 1, err);
}

static void
attrs_free(char **a)
{
	size_t i;

	for (i = 0; a && a[i]; i++)
		free(a[i]);
	free(a);
}

static void
attrs_add(char **a, size_t *n, const char *s)
{
	size_t i;

	if (str_empty(s))
		return;
	for (i = 0; i < *n; i++)
		if (strcasecmp(a[i], s) == 0)
			return;
	a[(*n)++] = xstrdup(s);
	a[*n] = NULL;
}

static void
search_reset(struct ldapc *l)
{
	if (l->msgid >= 0 && l->ld)
		ldap_abandon_ext(l->ld, l->msgid, NULL, NULL);
	l->msgid = -1;
	ber_memfree(l->cookie.bv_val);
	l->cookie.bv_val = NULL;
	l->cookie.bv_len = 0;
	free(l->filter);
	l->filter = NULL;
	attrs_free(l->attrs);
	l->attrs = NULL;
	free(l->first_dn);
	free(l->prev_first_dn);
	l->first_dn = l->prev_first_dn = NULL;
	l->page = 0;
	l->page_entries = 0;
}

/* Ask for the next page of the current search (cookie empty: the first). */
static int
request_page(struct ldapc *l, struct errbuf *err)
{
	LDAPControl *ctrl = NULL, *ctrls[2];
	char why[512];
	int rc;

	rc = ldap_create_page_control(l->ld, l->page_size,
	    l->cookie.bv_len ? &l->cookie : NULL, 0, &ctrl);
	if (rc != LDAP_SUCCESS) {
		err_set(err, "search of %s on %s failed: %s",
		    l->search_base, l->url,
		    ldap_err2string(rc));
		return -1;
	}
	ctrls[0] = ctrl;
	ctrls[1] = NULL;
	rc = ldap_search_ext(l->ld, l->search_base, LDAP_SCOPE_SUBTREE,
	    l->filter, l->attrs, 0, ctrls, NULL, &l->tv, LDAP_NO_LIMIT,
	    &l->msgid);
	ldap_control_free(ctrl);
	if (rc != LDAP_SUCCESS) {
		l->msgid = -1;
		err_set(err, "search of %s on %s failed: %s",
		    l->search_base, l->url,
		    ld_why(l, rc, why, sizeof(why)));
		return -1;
	}
	l->page++;
	l->page_entries = 0;
	return 0;
}

static int
start_phase(struct ldapc *l, struct errbuf *err)
{
	char *u, *d;
	size_t n = 0, i;

	search_reset(l);
	l->attrs = xcalloc(24, sizeof(char *));
	if (l->phase == PH_GROUPS) {
		l->search_base = l->group_base;
		l->filter = paren(l->group_filter);
		attrs_add(l->attrs, &n, l->id_attr);
		attrs_add(l->attrs, &n, l->group_name_attr);
		for (i = 0; i < ARRAY_SIZE(member_attrs); i++)
			attrs_add(l->attrs, &n, member_attrs[i].attr);
		return request_page(l, err);
	}
	l->search_base = l->base;
	u = paren(l->user_filter);
	if (str_empty(l->disabled_filter)) {
		l->filter = u;
	} else {
		d = paren(l->disabled_filter);
		l->filter = l->phase == PH_USERS ?
		    xasprintf("(&%s(!%s))", u, d) : xasprintf("(&%s%s)", u, d);
		free(u);
		free(d);
	}
	attrs_add(l->attrs, &n, l->id_attr);
	attrs_add(l->attrs, &n, l->login_attr);
	attrs_add(l->attrs, &n, l->email_attr);
	attrs_add(l->attrs, &n, l->empid_attr);
	attrs_add(l->attrs, &n, l->name_attr);
	attrs_add(l->attrs, &n, l->last_login_attr);
	attrs_add(l->attrs, &n, l->created_attr);
	attrs_add(l->attrs, &n, l->mfa_attr);
	if (l->is_ad) {
		attrs_add(l->attrs, &n, "userAccountControl");
		attrs_add(l->attrs, &n, "accountExpires");
	}
	return request_page(l, err);
}

/*
 * The end of a page: go on with the cookie, or stop. 1: next page asked
 * for; 0: the search is complete; -1: it is not, and err says why.
 */
static int
page_done(struct ldapc *l, LDAPMessage *res, struct errbuf *err)
{
	LDAPControl **sctrls = NULL, *pr;
	struct berval cookie = { 0, NULL };
	char *msg = NULL;
	ber_int_t count = 0;
	int code = LDAP_SUCCESS, rc, ret = -1;

	l->msgid = -1;
	rc = ldap_parse_result(l->ld, res, &code, NULL, &msg, NULL, &sctrls, 1);
	if (rc != LDAP_SUCCESS) {
		err_set(err, "search of %s on %s failed: %s",
		    l->search_base, l->url,
		    ldap_err2string(rc));
		goto out;
	}
	if (code == LDAP_SIZELIMIT_EXCEEDED ||
	    code == LDAP_ADMINLIMIT_EXCEEDED) {
		err_set(err, "search of %s on %s stopped after %ld entries:"
		    " size limit reached; the pull is incomplete",
		    l->search_base, l->url,
		    (l->page - 1) * (long)l->page_size + l->page_entries);
		goto out;
	}
	if (code != LDAP_SUCCESS) {
		err_set(err, "search of %s on %s failed: %s%s%s",
		    l->search_base, l->url,
		    ldap_err2string(code), msg && *msg ? ": " : "",
		    msg ? msg : "");
		goto out;
	}
	pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, sctrls, NULL);
	if (pr == NULL) {		/* no paging here: that was all */
		ret = 0;
		goto out;
	}
	if ((rc = ldap_parse_pageresponse_control(l->ld, pr, &count,
	    &cookie)) != LDAP_SUCCESS) {
		err_set(err, "search of %s: bad paged-results response: %s",
		    l->search_base, ldap_err2string(rc));
		goto out;
	}
	if (cookie.bv_len == 0) {
		ret = 0;
		goto out;
	}
	/* a server that hands out the same cookie again would loop for ever */
	if (l->cookie.bv_len == cookie.bv_len &&
	    memcmp(l->cookie.bv_val, cookie.bv_val, cookie.bv_len) == 0) {
		err_set(err, "search of %s: the server sent the same paging"
		    " cookie twice (page %ld); the pull is incomplete",
		    l->search_base, l->page);
		goto out;
	}
	ber_memfree(l->cookie.bv_val);
	l->cookie = cookie;
	cookie.bv_val = NULL;
	ret = request_page(l, err) < 0 ? -1 : 1;
out:
	ber_memfree(cookie.bv_val);
	ldap_memfree(msg);
	ldap_controls_free(sctrls);
	return ret;
}

/* A page that starts where an earlier one did is a server going round. */
static int
check_page_start(struct ldapc *l, const char *dn, struct errbuf *err)
{
	if (l->page_entries != 1)
		return 0;
	if (l->page > 1 && ((l->first_dn && strcmp(l->first_dn, dn) == 0) ||
	    (l->prev_first_dn && strcmp(l->prev_first_dn, dn) == 0))) {
		err_set(err, "search of %s: the server sent the same page twice"
		    " (page %ld starts again at %s); the pull is incomplete",
		    l->search_base, l->page, dn);
		return -1;
	}
	if (l->first_dn == NULL)
		l->first_dn = xstrdup(dn);
	free(l->prev_first_dn);
	l->prev_first_dn = xstrdup(dn);
	return 0;
}

/*
 * The next entry of the current search into l->msg. 1: an entry; 0: the
 * search is done; -1: err set.
 */
static int
read_entry(struct ldapc *l, struct errbuf *err)
{
	LDAPMessage *res = NULL;
	struct timeval tv;
	char why[512];
	int rc;

	ldap_msgfree(l->msg);
	l->msg = NULL;
	for (;;) {
		if (l->msgid < 0)
			return 0;
		tv = l->tv;
		rc = ldap_result(l->ld, l->msgid, LDAP_MSG_ONE, &tv, &res);
		if (rc == 0) {
			err_set(err, "search of %s: no answer from %s in %ld"
			    " seconds", l->search_base, l->url,
			    (long)l->tv.tv_sec);
			return -1;
		}
		if (rc < 0) {
			l->msgid = -1;
			err_set(err, "search of %s on %s failed: %s",
			    l->search_base, l->url,
			    ld_why(l, ld_errno(l), why, sizeof(why)));
			return -1;
		}
		switch (rc) {
		case LDAP_RES_SEARCH_ENTRY:
			l->msg = res;
			l->page_entries++;
			return 1;
		case LDAP_RES_SEARCH_RESULT:
			if ((rc = page_done(l, res, err)) <= 0)
				return rc;
			break;
		default:		/* references: we do not chase them */
			ldap_msgfree(res);
			break;
		}
	}
}

/* The first value of attr as a string we own, or NULL. */
static char *
first_value(struct ldapc *l, const char *attr)
{
	struct berval **v;
	char *s = NULL;

	if (str_empty(attr))
		return NULL;
	v = ldap_get_values_len(l->ld, l->msg, attr);
	if (v && v[0] && v[0]->bv_len > 0)
		s = xstrndup(v[0]->bv_val, v[0]->bv_len);
	ldap_value_free_len(v);
	return s;
}

static char *
entry_id(struct ldapc *l)
{
	struct berval **v;
	char *s = NULL;

	if (strcasecmp(l->id_attr, "objectGUID") != 0)
		return first_value(l, l->id_attr);
	v = ldap_get_values_len(l->ld, l->msg, l->id_attr);
	if (v && v[0] && v[0]->bv_len == 16) {
		s = xmalloc(37);
		ldapc_guid_str((const unsigned char *)v[0]->bv_val, s);
	}
	ldap_value_free_len(v);
	return s;
}

/* Generalized time or FILETIME into ISO; NULL when neither. */
static char *
time_value(struct ldapc *l, const char *attr, int *never)
{
	char *v = first_value(l, attr), out[21];
	int rc;

	*never = 0;
	if (v == NULL)
		return NULL;
	if (ldapc_gentime_iso(v, out) == 0) {
		free(v);
		return xstrdup(out);
	}
	rc = ldapc_filetime_iso(v, out);
	free(v);
	if (rc == 0)
		*never = 1;
	return rc == 1 ? xstrdup(out) : NULL;
}

static int
mfa_state(struct ldapc *l)
{
	struct berval **v;
	size_t i;
	int st = MFA_NOT_ENROLLED;

	if (str_empty(l->mfa_attr))
		return MFA_UNKNOWN;
	v = ldap_get_values_len(l->ld, l->msg, l->mfa_attr);
	for (i = 0; v && v[i]; i++) {
		if (str_empty(l->mfa_value) ? v[i]->bv_len > 0 :
		    (v[i]->bv_len == strlen(l->mfa_value) &&
		    strncasecmp(v[i]->bv_val, l->mfa_value,
		    v[i]->bv_len) == 0)) {
			st = MFA_ENROLLED;
			break;
		}
	}
	ldap_value_free_len(v);
	return st;
}

/* AD: 0x2 in userAccountControl, or accountExpires in the past. */
static const char *
ad_status(struct ldapc *l)
{
	char *uac = first_value(l, "userAccountControl");
	char *exp = first_value(l, "accountExpires");
	const char *st = NULL;
	long long t;

	if (uac && (strtoll(uac, NULL, 10) & 0x2))
		st = "disabled";
	else if (exp && ldapc_filetime_secs(exp, &t) == 1 &&
	    t < (long long)time(NULL))
		st = "expired";
	free(uac);
	free(exp);
	return st;
}

static int
entry_dn(struct ldapc *l, char **raw, char **key, struct errbuf *err)
{
	char *dn = ldap_get_dn(l->ld, l->msg);

	*raw = *key = NULL;
	if (dn == NULL) {
		err_set(err, "search of %s: an entry without a DN",
		    l->search_base);
		return -1;
	}
	*raw = xstrdup(dn);
	ldap_memfree(dn);
	if ((*key = ldapc_dn_normalize(*raw, 0)) == NULL)
		*key = str_lower(*raw);
	if (check_page_start(l, *raw, err) < 0) {
		free(*raw);
		free(*key);
		*raw = *key = NULL;
		return -1;
	}
	return 0;
}

static int
fill_account(struct ldapc *l, struct rec_account *a, struct errbuf *err)
{
	char *raw, *key;
	const char *st;
	int never;

	if (entry_dn(l, &raw, &key, err) < 0)
		return -1;
	own(l, raw);
	memset(a, 0, sizeof(*a));
	a->key = own(l, key);
	if ((a->native_id = own(l, entry_id(l))) == NULL)
		a->native_id = key;
	a->login = own(l, first_value(l, l->login_attr));
	a->email = own(l, first_value(l, l->email_attr));
	a->employee_id = own(l, first_value(l, l->empid_attr));
	a->display_name = own(l, first_value(l, l->name_attr));
	a->created = own(l, time_value(l, l->created_attr, &never));
	a->last_login = own(l, time_value(l, l->last_login_attr, &never));
	/* AD keeps lastLogonTimestamp on every account that ever logged on */
	if (a->last_login == NULL && !str_empty(l->last_login_attr) &&
	    (never || (l->is_ad &&
	    strcasecmp(l->last_login_attr, "lastLogonTimestamp") == 0)))
		a->last_login = "never";
	a->mfa = mfa_state(l);
	a->active = l->phase == PH_USERS;
	a->status = a->active ? "active" : "disabled";
	if (l->is_ad && (st = ad_status(l)) != NULL) {
		a->active = 0;
		a->status = st;
	}
	return 0;
}

static int
fill_group(struct ldapc *l, struct rec_entitlement *e, struct errbuf *err)
{
	char *raw, *key, *name;
	LDAPDN dn = NULL;

	if (entry_dn(l, &raw, &key, err) < 0)
		return -1;
	own(l, raw);
	memset(e, 0, sizeof(*e));
	e->key = own(l, key);
	if ((e->native_id = own(l, entry_id(l))) == NULL)
		e->native_id = key;
	if ((name = first_value(l, l->group_name_attr)) == NULL &&
	    ldap_str2dn(raw, &dn, LDAP_DN_FORMAT_LDAP) == LDAP_SUCCESS &&
	    dn && dn[0] && dn[0][0])
		name = xstrndup(dn[0][0]->la_value.bv_val,
		    dn[0][0]->la_value.bv_len);
	ldap_dnfree(dn);
	e->name = name ? own(l, name) : raw;
	e->kind = "group";
	e->privileged = -1;
	free(l->group_key);
	l->group_key = xstrdup(key);
	l->mattr = 0;
	l->ival = 0;
	l->vals = ldap_get_values_len(l->ld, l->msg, member_attrs[0].attr);
	return 0;
}

/* The next member of the group handed out last. 1: *r filled; 0: none. */
static int
next_member(struct ldapc *l, struct record *r)
{
	struct berval *v;
	char *s, *key;

	for (;;) {
		if (l->group_key == NULL)
			return 0;
		if (l->vals == NULL || l->vals[l->ival] == NULL) {
			ldap_value_free_len(l->vals);
			l->vals = NULL;
			l->ival = 0;
			if (++l->mattr >= (int)ARRAY_SIZE(member_attrs)) {
				free(l->group_key);
				l->group_key = NULL;
				return 0;
			}
			l->vals = ldap_get_values_len(l->ld, l->msg,
			    member_attrs[l->mattr].attr);
			continue;
		}
		v = l->vals[l->ival++];
		if (v->bv_len == 0)
			continue;
		s = own(l, xstrndup(v->bv_val, v->bv_len));
		memset(r, 0, sizeof(*r));
		if (!member_attrs[l->mattr].is_dn) {
			r->type = REC_MEMBER;
			r->u.member.group = l->group_key;
			r->u.member.member = s;
			r->u.member.ref = MEMBER_BY_LOGIN;
			return 1;
		}
		key = ldapc_dn_normalize(s,
		    member_attrs[l->mattr].name_and_uid);
		if (key == NULL) {
			r->type = REC_ISSUE;
			r->u.issue.kind = "invalid_member";
			r->u.issue.detail = own(l, xasprintf("group %s: %s"
			    " value '%s' is not a DN", l->group_key,
			    member_attrs[l->mattr].attr, s));
			return 1;
		}
		r->type = REC_MEMBER;
		r->u.member.group = l->group_key;
		r->u.member.member = own(l, key);
		r->u.member.ref = MEMBER_BY_KEY;
		return 1;
	}
}

static int
ldapc_next(struct connector *c, struct record *r, struct errbuf *err)
{
	struct ldapc *l = c->priv;
	int rc;

	release_owned(l);
	for (;;) {
		if (l->group_key && next_member(l, r) == 1)
			return 1;
		switch (l->phase) {
		case PH_DONE:
			return 0;
		case PH_START:
			l->phase = PH_USERS;
			if (start_phase(l, err) < 0)
				return -1;
			continue;
		default:
			break;
		}
		if ((rc = read_entry(l, err)) < 0)
			return -1;
		if (rc == 0) {
			if (l->phase == PH_USERS &&
			    str_empty(l->disabled_filter))
				l->phase = PH_GROUPS;
			else
				l->phase++;
			if (l->phase != PH_DONE && start_phase(l, err) < 0)
				return -1;
			if (l->phase == PH_DONE)
				search_reset(l);
			continue;
		}
		if (l->phase == PH_GROUPS) {
			r->type = REC_ENTITLEMENT;
			return fill_group(l, &r->u.ent, err) < 0 ? -1 : 1;
		}
		r->type = REC_ACCOUNT;
		return fill_account(l, &r->u.account, err) < 0 ? -1 : 1;
	}
}

static void
ldapc_close(struct connector *c)
{
	struct ldapc *l = c->priv;

	if (l == NULL)
		return;
	release_owned(l);
	search_reset(l);
	ldap_value_free_len(l->vals);
	free(l->group_key);
	ldap_msgfree(l->msg);
	if (l->ld)
		ldap_unbind_ext_s(l->ld, NULL, NULL);
	free(l->url);
	free(l);
	c->priv = NULL;
	c->origin = NULL;
}

const struct connector_ops ldap_connector = {
	.type = "ldap",
	.keys = ldap_keys,
	.open = ldapc_open,
	.next = ldapc_next,
	.close = ldapc_close,
};

const struct connector_ops ad_connector = {
	.type = "ad",
	.keys = ldap_keys,
	.open = adc_open,
	.next = ldapc_next,
	.close = ldapc_close,
};
