/*
 * http.h: the HTTP layer every SaaS connector uses (connectors/http.c,
 * connectors/http_auth.c), on libcurl and jansson.
 *
 * One struct http per source: one curl handle (connections are reused),
 * the source's credential, timeouts and retry budget. http_get_json() is
 * the only way a connector talks to its API:
 *  - TLS is verified (ca_file adds a CA); the standard proxy variables
 *    (https_proxy, no_proxy...) are honoured by libcurl;
 *  - 429 and 502/503/504 are retried with exponential backoff and jitter,
 *    waiting at least what the server asked: Retry-After (seconds or an
 *    HTTP date), Okta's X-Rate-Limit-Reset and GitHub's X-RateLimit-Reset
 *    with X-RateLimit-Remaining: 0 — epoch resets are measured against the
 *    server's own Date header, never our clock (clock skew), and a header
 *    sent twice takes its largest value; retries and total waiting are
 *    bounded (max_retries, max_wait), then the pull fails;
 *  - 401/403 fail at once, naming the credential and the scope it needs;
 *  - a body that is not JSON, is cut short, has a wrong content type or is
 *    larger than the ceiling fails with the URL and where it broke;
 *  - a secret never appears in a message, a log line, the database or argv.
 * Messages name the source and the URL (query strings holding a secret are
 * never built: tokens go in headers).
 */
#ifndef ROLLCALL_HTTP_H
#define ROLLCALL_HTTP_H

#include <time.h>

#include <jansson.h>

#include "rollcall.h"

struct source_cfg;
struct http;

/* Config keys every HTTP source takes: put them in a connector's keys[]. */
#define HTTP_KEYS "url", "ca_file", "timeout", "max_retries", "page_size", \
	"token_env", "token_file", "token_url", "client_id", \
	"client_secret_env", "client_secret_file", "scope", \
	"username", "password_env", "password_file", "max_wait"

/* How the source's credential is sent. */
enum http_auth {
	HTTP_AUTH_NONE = 0,
	HTTP_AUTH_BEARER,	/* Authorization: Bearer <token_env|token_file>,
				   or OAuth 2.0 client credentials when token_url is set */
	HTTP_AUTH_SSWS,		/* Okta: Authorization: SSWS <token> */
	HTTP_AUTH_BASIC,	/* username + password_env|password_file */
	HTTP_AUTH_GOOGLE,	/* service-account JWT (key_file, subject), RS256 */
};

struct http_options {
	enum http_auth auth;
	const char *scopes;	/* OAuth/Google scopes to ask for, space-separated */
	const char *accept;	/* Accept header; default application/json */
	const char *user_agent;	/* default "rollcall/VERSION" */
	const char *default_url; /* the vendor's base URL when `url` is unset */
	/* the token endpoint for client credentials (client_id set) when
	 * `token_url` is unset, e.g. Entra's per-tenant one */
	const char *default_token_url;
};

/*
 * Keys and defaults: timeout 60 (seconds, connect and whole transfer),
 * max_retries 5, max_wait 300 (seconds of waiting in all for one request).
 * Retried: 429, 502, 503, 504 (and a 403 carrying X-RateLimit-Remaining: 0
 * or Retry-After), connection failures and timeouts; a body cut short is
 * not retried. Tests that want the failure itself set max_retries = 0.
 *
 * Read the source's keys (url, ca_file, timeout, max_retries, page_size,
 * token_env/token_file, token_url, client_id, client_secret_env/_file,
 * scope, key_file, subject...) and set up a client. NULL with err set.
 */
struct http	*http_open(const struct source_cfg *, const struct http_options *,
		    struct errbuf *);
void		 http_close(struct http *);	/* NULL is fine; wipes secrets */
/*
 * The configuration checks of http_open() alone, reading no secret: url set,
 * absolute and without userinfo, timeout/max_retries/max_wait/page_size in
 * range, the credential's keys present (config.c checks that *_env
 * keys are variable names). 0, or -2 with
 * err set (a configuration error: connector.h). A connector's open() calls
 * it first and returns what it returns.
 */
int		 http_config_check(const struct source_cfg *,
		    const struct http_options *, struct errbuf *);
/* url without "user:pass@" (for messages; caller frees); NULL for NULL. */
char		*http_url_public(const char *url);
int		 http_url_has_userinfo(const char *url);

/* The source's base URL (the `url` key, or the vendor default given). */
const char	*http_base(const struct http *);
/* page_size key, or def. */
long		 http_page_size(const struct http *, long def);

struct http_page {
	long	 status;
	json_t	*body;		/* parsed; owned by the page */
	char	*next;		/* Link: <...>; rel="next", absolute, or NULL */
	char	*url;		/* the URL fetched (for messages) */
	/* private */
	char	**headers;	/* "name: value" as received */
	size_t	 nheaders;
};

/*
 * GET url (absolute, or relative to the base URL) and parse the JSON body.
 * 0 on a 2xx response; -1 with err set otherwise, page->status then holds
 * the final status (0: no response), so that a connector can treat a 403 on
 * an optional part (MFA) as "unknown, incomplete" rather than a failure.
 * Free with http_page_free() in both cases.
 */
int	 http_get_json(struct http *, const char *url, struct http_page *,
	    struct errbuf *);
/*
 * POST a form (application/x-www-form-urlencoded), e.g. a token request:
 * sent without the source's Authorization header.
 */
int	 http_post_form(struct http *, const char *url, const char *form,
	    struct http_page *, struct errbuf *);
void	 http_page_free(struct http_page *);
/* A header of the response (case-insensitive name); the last one if repeated. */
const char *http_header(const struct http_page *, const char *name);

/*
 * Pagination guards. http_check_next() refuses a next link or cursor on
 * another host than the base URL's, and a cursor or URL already seen in this
 * listing (a server that loops); 0 or -1 with err naming both URLs.
 * http_listing_reset() starts a new listing (forgets the cursors seen).
 * An absolute URL is checked against the base URL's scheme, host and port;
 * anything else is an opaque cursor (only the repeat check applies).
 */
int	 http_check_next(struct http *, const char *next, struct errbuf *);
void	 http_listing_reset(struct http *);

/* url + "?"/"&" + key=escaped(value); caller frees. */
char	*http_url_add(const char *url, const char *key, const char *value);
/*
 * The token endpoint of OAuth client credentials for this source: the
 * `token_url` key, else o->default_token_url when client_id is set, else
 * NULL (a static token).
 */
const char	*http_token_url(const struct source_cfg *,
	    const struct http_options *);

/* base URL + path (path starting with '/'); caller frees. */
char	*http_url(const struct http *, const char *path);

/* Test hooks: the clock and the sleep the retry logic uses. */
void	 http_set_clock(time_t (*now)(void), void (*sleep_s)(double));

#endif
