/*
 * http.c: the HTTP layer of the SaaS connectors (see rollcall/http.h):
 * one libcurl easy handle per source, JSON bodies with a ceiling, retries
 * that honour what the server asks, Link-header pagination and its guards.
 * Credentials are http_auth.c's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/rand.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/http.h"
#include "rollcall/rollcall.h"
#include "http_int.h"

/* A page larger than this is refused, not buffered (a hostile server). */
size_t http_body_max = (size_t)256 * 1024 * 1024;
/* Response headers kept per response; more is an error. */
#define HTTP_HEADERS_MAX 512

static time_t	 default_now(void);
static void	 default_sleep(double);

static time_t	(*clock_now)(void) = default_now;
static void	(*clock_sleep)(double) = default_sleep;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static time_t
default_now(void)
{
	return time(NULL);
}

static void
default_sleep(double s)
{
	struct timespec ts, rem;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

void
http_set_clock(time_t (*now)(void), void (*sleep_s)(double))
{
	clock_now = now ? now : default_now;
	clock_sleep = sleep_s ? sleep_s : default_sleep;
}

time_t
http_now(void)
{
	return clock_now();
}

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* A random fraction in [0, 1): retry jitter, so clients do not march in step. */
static double
jitter(void)
{
	uint32_t r;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)rand();
	return (double)r / 4294967296.0;
}

static const char *
reason(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return status >= 500 ? "Server Error" :
	    status >= 400 ? "Client Error" : "Unexpected Status";
	}
}

/* --- URLs --------------------------------------------------------------- */

static int
is_absolute(const char *url)
{
	return strncasecmp(url, "https://", 8) == 0 ||
	    strncasecmp(url, "http://", 7) == 0;
}

/*
 * url without its userinfo ("user:pass@"): the URL-for-messages helper, also
 * used for every URL fetched, so that a password written into a URL (or sent
 * in a next link or redirect) is neither sent nor printed. Caller frees.
 */
char *
http_url_public(const char *url)
{
	const char *auth, *end, *at;

	if (url == NULL)
		return NULL;
	if ((auth = strstr(url, "://")) == NULL)
		return xstrdup(url);
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	for (at = NULL; auth < end; auth++)
		if (*auth == '@')
			at = auth;
	if (at == NULL)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(strstr(url, "://") + 3 - url), url,
	    at + 1);
}

/* Whether url has a userinfo part ("user@" or "user:pass@"). */
int
http_url_has_userinfo(const char *url)
{
	char *pub = http_url_public(url);
	int has = url != NULL && strcmp(pub, url) != 0;

	free(pub);
	return has;
}

char *
http_url(const struct http *h, const char *path)
{
	if (path == NULL || *path == '\0')
		return xstrdup(h->base);
	return xasprintf("%s%s%s", h->base, *path == '/' ? "" : "/", path);
}

char *
http_url_add(const char *url, const char *key, const char *value)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;

	buf_adds(&b, url);
	buf_addc(&b, strchr(url, '?') ? '&' : '?');
	buf_adds(&b, key);
	buf_addc(&b, '=');
	for (p = (const unsigned char *)value; p && *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_addc(&b, *p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

const char *
http_base(const struct http *h)
{
	return h->base;
}

long
http_page_size(const struct http *h, long def)
{
	return h->page_size > 0 ? h->page_size : def;
}

/* ref resolved against base (RFC 3986 section 5); NULL if not a URL. */
static char *
resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *s = NULL, *out = NULL;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
		out = xstrdup(s);
		curl_free(s);
	}
	curl_url_cleanup(u);
	return out;
}

/* scheme://host:port of url, lower case, the port always given; or NULL. */
static char *
origin_of(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL, *l;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		l = xasprintf("%s://%s:%s", scheme, host, port);
		out = str_lower(l);
		free(l);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* --- pagination guards --------------------------------------------------- */

int
http_check_next(struct http *h, const char *next, struct errbuf *err)
{
	size_t i;

	if (next == NULL || *next == '\0')
		return 0;
	if (is_absolute(next) || strstr(next, "://") != NULL) {
		char *a = origin_of(h->base), *b = origin_of(next);
		int same = a && b && strcmp(a, b) == 0;

		free(a);
		free(b);
		if (!same) {
			char *pub = http_url_public(next);

			err_set(err, "%s: the next page %s is not on %s;"
			    " refusing to follow it (the credential is sent"
			    " only to the configured url)", h->name, pub,
			    h->base);
			free(pub);
			return -1;
		}
	}
	for (i = 0; i < h->nseen; i++)
		if (strcmp(h->seen[i], next) == 0) {
			err_set(err, "%s: the server sent the next page %s"
			    " again in one listing of %s; stopping a loop",
			    h->name, next, h->base);
			return -1;
		}
	if (h->nseen == h->capseen) {
		h->capseen = h->capseen ? h->capseen * 2 : 64;
		h->seen = xrealloc(h->seen, h->capseen * sizeof(*h->seen));
	}
	h->seen[h->nseen++] = xstrdup(next);
	return 0;
}

void
http_listing_reset(struct http *h)
{
	size_t i;

	for (i = 0; i < h->nseen; i++)
		free(h->seen[i]);
	h->nseen = 0;
}

/* --- open and close ------------------------------------------------------ */

int
http_config_check(const struct source_cfg *s, const struct http_options *o,
    struct errbuf *err)
{
	static const struct http_options defaults;
	const char *url, *base = NULL;
	char k[64];

	if (o == NULL)
		o = &defaults;
	url = source_get(s, "url");
	if (url == NULL)
		url = o->default_url;
	if (str_empty(url)) {
		err_set(err, "source '%s': url is not set", s->name);
		return -2;
	}
	if (http_url_has_userinfo(url)) {
		char *pub = http_url_public(url);

		/* the userinfo is a credential: never shown */
		err_set(err, "%s:%d: source '%s': url %s carries a user name"
		    " or password; set username/password_env or token_env"
		    " instead (the part before '@' is not shown)",
		    s->config_path ? s->config_path : "config",
		    source_key_line(s, "url"), s->name, pub);
		free(pub);
		return -2;
	}
	if (!is_absolute(url)) {
		err_set(err, "source '%s': url '%s' is not an http:// or"
		    " https:// URL", s->name, url);
		return -2;
	}
	if (source_get_long(s, "timeout", 60, 1, 3600, err) < 0 ||
	    source_get_long(s, "max_retries", 5, 0, 100, err) < 0 ||
	    source_get_long(s, "max_wait", 300, 0, 86400, err) < 0 ||
	    source_get_long(s, "page_size", 0, 1, 100000, err) < 0)
		return -2;
	switch (o->auth) {
	case HTTP_AUTH_BEARER:
		base = http_token_url(s, o) ? "client_secret" : "token";
		if (http_token_url(s, o) && !source_get(s, "client_id")) {
			err_set(err, "source '%s': token_url is set but"
			    " client_id is not", s->name);
			return -2;
		}
		break;
	case HTTP_AUTH_SSWS:
		base = "token";
		break;
	case HTTP_AUTH_BASIC:
		if (source_get(s, "username") == NULL) {
			err_set(err, "source '%s': username is not set",
			    s->name);
			return -2;
		}
		base = "password";
		break;
	case HTTP_AUTH_GOOGLE:
		if (source_get(s, "key_file") == NULL) {
			err_set(err, "source '%s': key_file (the service"
			    " account's JSON key) is not set", s->name);
			return -2;
		}
		break;
	case HTTP_AUTH_NONE:
		break;
	}
	if (base != NULL) {
		int has;

		snprintf(k, sizeof(k), "%s_env", base);
		has = source_get(s, k) != NULL;
		snprintf(k, sizeof(k), "%s_file", base);
		if (!has && source_get(s, k) == NULL) {
			err_set(err, "source '%s': set %s_env or %s_file",
			    s->name, base, base);
			return -2;
		}
	}
	return 0;
}

struct http *
http_open(const struct source_cfg *s, const struct http_options *o,
    struct errbuf *err)
{
	static const struct http_options defaults;
	struct http *h;
	const char *url, *ca;
	char *path;

	if (o == NULL)
		o = &defaults;
	pthread_once(&curl_once, curl_init_once);
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(s->name);
	if (http_config_check(s, o, err) < 0)
		goto fail;
	url = source_get(s, "url");
	if (url == NULL)
		url = o->default_url;
	h->base = xstrdup(url);
	while (h->base[0] && h->base[strlen(h->base) - 1] == '/')
		h->base[strlen(h->base) - 1] = '\0';
	if ((h->timeout = source_get_long(s, "timeout", 60, 1, 3600, err)) <
	    0 ||
	    (h->max_retries = source_get_long(s, "max_retries", 5, 0, 100,
	    err)) < 0 ||
	    (h->max_wait = source_get_long(s, "max_wait", 300, 0, 86400,
	    err)) < 0 ||
	    (h->page_size = source_get_long(s, "page_size", 0, 1, 100000,
	    err)) < 0)
		goto fail;
	h->accept = xstrdup(o->accept ? o->accept : "application/json");
	h->user_agent = xstrdup(o->user_agent ? o->user_agent :
	    "rollcall/" ROLLCALL_VERSION);
	if ((h->curl = curl_easy_init()) == NULL) {
		err_set(err, "source '%s': cannot set up libcurl", s->name);
		goto fail;
	}
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, h->timeout);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, h->timeout);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/*
	 * Redirects are followed by http_do() itself, and only within the
	 * origin of the URL asked for (docs/http.md): an answer from another
	 * host or port must not become a snapshot, nor get the credential.
	 */
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, h->user_agent);
	if ((ca = source_get(s, "ca_file")) != NULL) {
		path = config_path_resolve(s->config_path, ca);
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, path);
		free(path);
	}
	if (http_auth_open(h, s, o, err) < 0)
		goto fail;
	return h;
fail:
	http_close(h);
	return NULL;
}

void
http_close(struct http *h)
{
	if (h == NULL)
		return;
	http_auth_close(h);
	http_listing_reset(h);
	free(h->seen);
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->name);
	free(h->base);
	free(h->accept);
	free(h->user_agent);
	free(h);
}

/* --- pages and headers --------------------------------------------------- */

static void
page_clear_headers(struct http_page *p)
{
	size_t i;

	for (i = 0; i < p->nheaders; i++)
		free(p->headers[i]);
	free(p->headers);
	p->headers = NULL;
	p->nheaders = 0;
}

void
http_page_free(struct http_page *p)
{
	if (p == NULL)
		return;
	json_decref(p->body);
	free(p->next);
	free(p->url);
	page_clear_headers(p);
	memset(p, 0, sizeof(*p));
}

/* The value of header i if its name is name, else NULL. */
static const char *
header_is(const struct http_page *p, size_t i, const char *name)
{
	size_t n = strlen(name);
	const char *v;

	if (strncasecmp(p->headers[i], name, n) != 0 || p->headers[i][n] != ':')
		return NULL;
	v = p->headers[i] + n + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

const char *
http_header(const struct http_page *p, const char *name)
{
	const char *v, *last = NULL;
	size_t i;

	for (i = 0; i < p->nheaders; i++)
		if ((v = header_is(p, i, name)) != NULL)
			last = v;
	return last;
}

/*
 * The largest whole number among every field named name, each of which
 * may hold a comma-separated list (a proxy may fold duplicates); -1: none.
 */
static long long
header_max(const struct http_page *p, const char *name)
{
	long long best = -1, v;
	const char *s;
	char *end;
	size_t i;

	for (i = 0; i < p->nheaders; i++) {
		if ((s = header_is(p, i, name)) == NULL)
			continue;
		for (;;) {
			while (*s == ' ' || *s == '\t' || *s == ',')
				s++;
			if (*s == '\0')
				break;
			errno = 0;
			v = strtoll(s, &end, 10);
			if (end == s || errno)
				break;
			if (v > best)
				best = v;
			s = end;
		}
	}
	return best;
}

struct xfer {
	struct http_page *page;
	struct buf	 body;
	int		 too_big;
	int		 too_many;
};

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (buf_add(&x->body, data, size * n) < 0) {	/* past body.max */
		x->too_big = 1;
		return 0;			/* libcurl stops the transfer */
	}
	return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_page *p = x->page;
	size_t len = size * n;

	/* a new status line: a redirect or 100 Continue came first */
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		page_clear_headers(p);
		return len;
	}
	while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
		len--;
	if (len == 0)
		return size * n;
	if (p->nheaders >= HTTP_HEADERS_MAX) {
		x->too_many = 1;
		return 0;
	}
	p->headers = xrealloc(p->headers, (p->nheaders + 1) *
	    sizeof(*p->headers));
	p->headers[p->nheaders++] = xstrndup(data, len);
	return size * n;
}

/* --- Link headers (RFC 8288) --------------------------------------------- */

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Does the space-separated relation list rel[0..n) hold "next"? */
static int
rel_has_next(const char *rel, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		while (i < n && (rel[i] == ' ' || rel[i] == '\t'))
			i++;
		j = i;
		while (j < n && rel[j] != ' ' && rel[j] != '\t')
			j++;
		if (j - i == 4 && strncasecmp(rel + i, "next", 4) == 0)
			return 1;
		i = j;
	}
	return 0;
}

/*
 * The target of the first rel="next" link in one Link field value, or
 * NULL. Link values are separated by commas outside <...> and quotes;
 * parameters by ';'; a parameter's value is a token or a quoted string.
 */
static char *
link_next(const char *v)
{
	const char *s = v, *uri, *uend;

	for (;;) {
		int is_next = 0, seen_rel = 0;

		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s != '<')
			return NULL;	/* not a link-value: give up on it */
		uri = ++s;
		if ((uend = strchr(s, '>')) == NULL)
			return NULL;
		s = uend + 1;
		for (;;) {
			const char *name, *nend, *val = NULL;
			struct buf q = BUF_INIT;
			size_t vlen = 0;

			s = skip_ws(s);
			if (*s != ';')
				break;
			s = skip_ws(s + 1);
			name = s;
			while (*s && !strchr("=;, \t", *s))
				s++;
			nend = s;
			s = skip_ws(s);
			if (*s == '=') {
				s = skip_ws(s + 1);
				if (*s == '"') {
					for (s++; *s && *s != '"'; s++) {
						if (*s == '\\' && s[1])
							s++;
						buf_addc(&q, *s);
					}
					if (*s == '"')
						s++;
					val = buf_str(&q);
					vlen = q.len;
				} else {
					val = s;
					while (*s && !strchr(";, \t", *s))
						s++;
					vlen = (size_t)(s - val);
				}
			}
			/* only the first rel parameter counts (RFC 8288 3.3) */
			if (!seen_rel && nend - name == 3 &&
			    strncasecmp(name, "rel", 3) == 0 && val) {
				seen_rel = 1;
				is_next = rel_has_next(val, vlen);
			}
			buf_release(&q);
		}
		if (is_next)
			return xstrndup(uri, (size_t)(uend - uri));
		s = skip_ws(s);
		if (*s != ',')
			return NULL;
	}
}

static char *
find_next(const struct http_page *p, const char *request_url)
{
	const char *v;
	char *ref, *abs;
	size_t i;

	for (i = 0; i < p->nheaders; i++) {
		if ((v = header_is(p, i, "link")) == NULL)
			continue;
		if ((ref = link_next(v)) != NULL) {
			abs = resolve(request_url, ref);
			free(ref);
			if (abs)
				return abs;
		}
	}
	return NULL;
}

/* --- retries ------------------------------------------------------------- */

/*
 * Seconds the server asks us to wait before retrying; 0 when it does not
 * say. Resets given as epoch seconds are measured against the response's
 * own Date header so that our clock's skew does not count.
 */
static double
server_wait(const struct http_page *p, long status)
{
	const char *ra = http_header(p, "Retry-After");
	const char *date = http_header(p, "Date");
	time_t server_now = date ? curl_getdate(date, NULL) : -1;
	double w = 0, d;
	long long reset, remaining;

	if (server_now < 0)
		server_now = http_now();
	if (ra) {
		char *end;

		errno = 0;
		d = (double)strtoll(ra, &end, 10);
		if (end != ra && *skip_ws(end) == '\0' && errno == 0)
			w = d;
		else {
			time_t t = curl_getdate(ra, NULL);

			if (t >= 0)
				w = (double)(t - server_now);
		}
	}
	/* Okta: X-Rate-Limit-Reset on a 429 */
	if (status == 429 && (reset = header_max(p, "X-Rate-Limit-Reset")) >
	    0 && (d = (double)(reset - (long long)server_now)) > w)
		w = d;
	/* GitHub: X-RateLimit-Reset once X-RateLimit-Remaining is 0 */
	remaining = header_max(p, "X-RateLimit-Remaining");
	if (remaining == 0 &&
	    (reset = header_max(p, "X-RateLimit-Reset")) > 0 &&
	    (d = (double)(reset - (long long)server_now)) > w)
		w = d;
	return w > 0 ? w : 0;
}

/* A response asking us to come back later (GitHub says so with a 403). */
static int
is_retryable_status(const struct http_page *p, long status)
{
	if (status == 429 || status == 502 || status == 503 || status == 504)
		return 1;
	if (status == 403 && (header_max(p, "X-RateLimit-Remaining") == 0 ||
	    http_header(p, "Retry-After") != NULL))
		return 1;
	return 0;
}

static int
is_retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return 1;
	default:
		return 0;
	}
}

/* --- error messages ------------------------------------------------------ */

/* A short explanation from an error body, as each vendor words it. */
static void
error_detail(const char *body, size_t len, struct buf *out)
{
	json_t *j, *e;
	const char *s;

	if ((j = json_loadb(body, len, 0, NULL)) == NULL)
		return;
	if ((s = json_string_value(json_object_get(j, "errorSummary"))))
		buf_adds(out, s);			/* Okta */
	else if (json_is_object(e = json_object_get(j, "error"))) {
		const char *c = json_string_value(json_object_get(e, "code"));
		const char *m = json_string_value(json_object_get(e,
		    "message"));

		if (c && m)				/* Graph */
			buf_addf(out, "%s: %s", c, m);
		else if (m)				/* Google */
			buf_adds(out, m);
		else if (c)
			buf_adds(out, c);
	} else if ((s = json_string_value(json_object_get(j, "error")))) {
		const char *d = json_string_value(json_object_get(j,
		    "error_description"));

		buf_adds(out, s);			/* OAuth, Slack */
		if (d)
			buf_addf(out, ": %s", d);
	} else if ((s = json_string_value(json_object_get(j, "detail"))))
		buf_adds(out, s);			/* SCIM */
	else if ((s = json_string_value(json_object_get(j, "message"))))
		buf_adds(out, s);			/* GitHub */
	json_decref(j);
	if (out->len > 300) {
		out->len = 300;
		out->s[out->len] = '\0';
		buf_adds(out, "...");
	}
}

static void
auth_error(struct http *h, const struct http_page *p, const char *body,
    size_t len, struct errbuf *err)
{
	struct buf why = BUF_INIT;
	const char *v, *what = h->auth == HTTP_AUTH_BASIC ? "password" :
	    h->auth == HTTP_AUTH_GOOGLE ? "service account" :
	    h->token_url ? "client" : "token";

	if ((v = http_header(p, "WWW-Authenticate")) != NULL &&
	    strstr(v, "error") != NULL)
		buf_adds(&why, v);
	if ((v = http_header(p, "X-Accepted-OAuth-Scopes")) != NULL &&
	    *v != '\0') {
		if (why.len)
			buf_adds(&why, "; ");
		buf_addf(&why, "the call accepts the scopes: %s", v);
	}
	if (why.len == 0)
		error_detail(body, len, &why);
	if (p->status == 401)
		err_set(err, "%s: 401 Unauthorized from %s: the %s (%s) was"
		    " refused: wrong, expired or revoked%s%s%s", h->name,
		    p->url, what, h->cred_key ? h->cred_key : "no credential",
		    why.len ? " (" : "", buf_str(&why), why.len ? ")" : "");
	else
		err_set(err, "%s: 403 Forbidden from %s: the %s (%s) lacks a"
		    " scope or role this call needs%s%s%s", h->name, p->url,
		    what, h->cred_key ? h->cred_key : "no credential",
		    why.len ? " (" : "", buf_str(&why), why.len ? ")" : "");
	buf_release(&why);
}

/* application/json, application/scim+json, anything/x+json; charset ok. */
static int
is_json_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, "; \t");
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return 1;
	return n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0 &&
	    memchr(ct, '/', n) != NULL;
}

/* --- the request --------------------------------------------------------- */

static void
slist_wipe_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

struct req {
	const char *method;	/* GET or POST */
	const char *form;	/* POST body */
	int	 with_auth;
	int	 secret;	/* wipe the response body: it holds a token */
};

/*
 * A 3xx answer: move p->url to its Location when that is on the same origin
 * (scheme, host and port) as the URL asked for, at most 5 times, for a GET;
 * 0, or -1 with err naming both URLs (userinfo stripped). Another origin is
 * refused: its answer must not become a snapshot, and the credential goes
 * only to the configured url.
 */
static int
follow_redirect(struct http *h, const struct req *rq, struct http_page *p,
    int *redirects, struct errbuf *err)
{
	char *loc = NULL, *to = NULL, *a, *b;
	int same;

	if (curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &loc) !=
	    CURLE_OK || loc == NULL) {
		err_set(err, "%s: %ld %s from %s without a Location to"
		    " follow", h->name, p->status, reason(p->status), p->url);
		return -1;
	}
	to = http_url_public(loc);
	a = origin_of(p->url);
	b = origin_of(to);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	if (!same) {
		err_set(err, "%s: %s redirects (%ld) to %s, another host or"
		    " port; refusing to follow it (the credential is sent only"
		    " to the configured url; set url to the new address if it"
		    " moved)", h->name, p->url, p->status, to);
		free(to);
		return -1;
	}
	if (rq->form != NULL || ++*redirects > 5) {
		err_set(err, "%s: %s redirects (%ld) to %s: %s", h->name,
		    p->url, p->status, to, rq->form ? "a POST is not"
		    " redirected" : "more than 5 redirects");
		free(to);
		return -1;
	}
	free(p->url);
	p->url = to;
	return 0;
}

static int
http_do(struct http *h, const struct req *rq, const char *url,
    struct http_page *p, struct errbuf *err)
{
	struct xfer x;
	struct curl_slist *hdrs = NULL;
	struct buf auth = BUF_INIT, line = BUF_INIT;
	double waited = 0, w, backoff;
	long attempt, status = 0;
	int refreshed = 0, redirects = 0, ret = -1;
	CURLcode rc;
	const char *ct;
	char *eff = NULL;
	json_error_t je;

	memset(p, 0, sizeof(*p));
	/* never send (or print) a user:pass@ from a next link or the config */
	p->url = is_absolute(url) ? http_url_public(url) : http_url(h, url);
	memset(&x, 0, sizeof(x));
	x.page = p;
	x.body.max = http_body_max;
	for (attempt = 0;; attempt++) {
		page_clear_headers(p);
		if (rq->secret && x.body.s)
			explicit_bzero(x.body.s, x.body.cap);
		buf_reset(&x.body);
		x.too_big = x.too_many = 0;
		h->curl_err[0] = '\0';

		buf_reset(&auth);
		if (rq->with_auth && http_auth_header(h, &auth, err) < 0)
			goto out;
		buf_reset(&line);
		buf_addf(&line, "Accept: %s", h->accept);
		hdrs = curl_slist_append(NULL, buf_str(&line));
		if (auth.len)
			hdrs = curl_slist_append(hdrs, buf_str(&auth));
		if (auth.s)
			explicit_bzero(auth.s, auth.cap);
		/* no "Expect: 100-continue" round trip for small forms */
		hdrs = curl_slist_append(hdrs, "Expect:");

		curl_easy_setopt(h->curl, CURLOPT_URL, p->url);
		if (rq->form) {
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, rq->form);
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE,
			    (long)strlen(rq->form));
		} else
			curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &x);
		curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &x);
		rc = curl_easy_perform(h->curl);
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
		slist_wipe_free(hdrs);
		hdrs = NULL;
		if (rq->form)
			curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);

		backoff = (double)(1L << (attempt < 20 ? attempt : 20));
		if (rc != CURLE_OK) {
			p->status = 0;
			if (x.too_big) {
				err_set(err, "%s (%s): the response is larger"
				    " than %zu bytes; refusing it", h->name,
				    p->url, http_body_max);
				goto out;
			}
			if (x.too_many) {
				err_set(err, "%s (%s): more than %d response"
				    " header fields", h->name, p->url,
				    HTTP_HEADERS_MAX);
				goto out;
			}
			if (rc == CURLE_PARTIAL_FILE) {
				curl_off_t cl = -1;

				curl_easy_getinfo(h->curl,
				    CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
				if (cl >= 0)
					err_set(err, "%s (%s): the response was"
					    " cut short after %zu of %lld bytes",
					    h->name, p->url, x.body.len,
					    (long long)cl);
				else
					err_set(err, "%s (%s): the response was"
					    " cut short after %zu bytes",
					    h->name, p->url, x.body.len);
				goto out;
			}
			if (is_retryable_curl(rc) && attempt < h->max_retries &&
			    waited + backoff <= (double)h->max_wait) {
				w = backoff + jitter();
				clock_sleep(w);
				waited += w;
				continue;
			}
			if (rc == CURLE_OPERATION_TIMEDOUT)
				err_set(err, "%s (%s): no complete response"
				    " within %ld s (timeout)%s", h->name,
				    p->url, h->timeout, attempt ?
				    ", also on every retry" : "");
			else
				err_set(err, "%s (%s): %s%s", h->name, p->url,
				    h->curl_err[0] ? h->curl_err :
				    curl_easy_strerror(rc), attempt ?
				    " (and on every retry)" : "");
			goto out;
		}
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		p->status = status;
		if (status >= 300 && status <= 399 && status != 304) {
			if (follow_redirect(h, rq, p, &redirects, err) < 0)
				goto out;
			attempt--;	/* a redirect is not a retry */
			continue;
		}
		if (status == 401 && rq->with_auth && !refreshed &&
		    http_auth_refreshable(h)) {
			refreshed = 1;	/* a token that expired early: once */
			attempt--;
			continue;
		}
		if (!is_retryable_status(p, status))
			break;
		if (attempt >= h->max_retries) {
			if (status == 429 || status == 403)
				err_set(err, "%s (%s): still rate limited"
				    " after %ld retries", h->name, p->url,
				    attempt);
			else
				err_set(err, "%s (%s): %ld %s after %ld"
				    " retries", h->name, p->url, status,
				    reason(status), attempt);
			goto out;
		}
		w = server_wait(p, status);
		if (w < backoff)
			w = backoff;
		if (waited + w > (double)h->max_wait) {
			err_set(err, "%s (%s): %ld %s: waiting %.0f s more"
			    " would pass max_wait (%ld s)", h->name, p->url,
			    status, reason(status), w, h->max_wait);
			goto out;
		}
		/* jitter: clients told the same reset must not return at once */
		w += jitter();
		if (waited + w > (double)h->max_wait)
			w = (double)h->max_wait - waited;
		clock_sleep(w);
		waited += w;
	}

	if (status == 401 || status == 403) {
		auth_error(h, p, buf_str(&x.body), x.body.len, err);
		goto out;
	}
	if (status < 200 || status > 299) {
		struct buf why = BUF_INIT;

		error_detail(buf_str(&x.body), x.body.len, &why);
		err_set(err, "%s: %ld %s from %s%s%s%s", h->name, status,
		    reason(status), p->url, why.len ? " (" : "",
		    buf_str(&why), why.len ? ")" : "");
		buf_release(&why);
		goto out;
	}
	if (status == 204 && x.body.len == 0) {
		p->body = json_null();
		ret = 0;
		goto out;
	}
	ct = http_header(p, "Content-Type");
	if (!is_json_type(ct)) {
		err_set(err, "%s (%s): the response is %s%s%s, not JSON",
		    h->name, p->url, ct ? "of type '" : "untyped",
		    ct ? ct : "", ct ? "'" : "");
		goto out;
	}
	p->body = json_loadb(buf_str(&x.body), x.body.len, 0, &je);
	if (p->body == NULL) {
		err_set(err, "%s (%s): invalid JSON at line %d, column %d: %s",
		    h->name, p->url, je.line, je.column, je.text);
		goto out;
	}
	/* relative links are relative to where the page came from */
	if (curl_easy_getinfo(h->curl, CURLINFO_EFFECTIVE_URL, &eff) !=
	    CURLE_OK || eff == NULL)
		eff = p->url;
	p->next = find_next(p, eff);
	ret = 0;
out:
	if (rq->secret && x.body.s)
		explicit_bzero(x.body.s, x.body.cap);
	buf_release(&x.body);
	if (auth.s)
		explicit_bzero(auth.s, auth.cap);
	buf_release(&auth);
	buf_release(&line);
	return ret;
}

int
http_get_json(struct http *h, const char *url, struct http_page *p,
    struct errbuf *err)
{
	struct req rq = { "GET", NULL, 1, 0 };

	return http_do(h, &rq, url, p, err);
}

int
http_post_form(struct http *h, const char *url, const char *form,
    struct http_page *p, struct errbuf *err)
{
	struct req rq = { "POST", form, 0, 0 };

	return http_do(h, &rq, url, p, err);
}

int
http_post_secret(struct http *h, const char *url, const char *form,
    struct http_page *p, struct errbuf *err)
{
	struct req rq = { "POST", form, 0, 1 };

	return http_do(h, &rq, url, p, err);
}

const char *
http_token_url(const struct source_cfg *s, const struct http_options *o)
{
	const char *v = source_get(s, "token_url");

	if (v == NULL && o != NULL && source_get(s, "client_id") != NULL)
		v = o->default_token_url;
	return v;
}
