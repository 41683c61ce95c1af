/*
 * test_http.c: the HTTP layer (connectors/http.c, http_auth.c) against
 * build/tools/fakeapi replaying the transcripts in tests/data/http/common: Link
 * pagination (case 10), retries and their waits (through http_set_clock),
 * auth failures, broken bodies, pagination guards, OAuth client
 * credentials and Google service-account JWTs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/http.h"
#include "rollcall/rollcall.h"
#include "../connectors/http_int.h"

#define DATA	"tests/data/http/common/"
#define ORIGIN	"https://api.example.invalid"
#define TOKEN	"tok-SECRET-4242"

/* --- the fake clock: waits are recorded, not slept --------------------- */

static time_t fake_time;
static double waits[32];
static size_t nwaits;

static time_t
fake_now(void)
{
	return fake_time;
}

static void
fake_sleep(double s)
{
	if (nwaits < ARRAY_SIZE(waits))
		waits[nwaits] = s;
	nwaits++;
}

/* --- fakeapi ------------------------------------------------------------ */

struct srv {
	pid_t	 pid;
	char	 dir[64];
	char	 log[128];
	char	 bodies[128];
	char	 base[64];
};

/* Start fakeapi with the transcripts (NULL-terminated) for ORIGIN. */
static void
srv_start(struct srv *s, ...)
{
	char portfile[128], *argv[32];
	const char *t;
	va_list ap;
	int argc = 0, i, port = 0;
	FILE *fp;

	strcpy(s->dir, "/tmp/rollcall-http-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/log", s->dir);
	snprintf(s->bodies, sizeof(s->bodies), "%s/bodies", s->dir);
	argv[argc++] = "build/tools/fakeapi";
	argv[argc++] = "--port-file";
	argv[argc++] = portfile;
	argv[argc++] = "--log";
	argv[argc++] = s->log;
	argv[argc++] = "--bodies";
	argv[argc++] = s->bodies;
	argv[argc++] = "--host";
	argv[argc++] = ORIGIN;
	argv[argc++] = "--host";
	argv[argc++] = "https://acme.okta.example.invalid";
	va_start(ap, s);
	while ((t = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)t;
	va_end(ap);
	argv[argc] = NULL;
	if ((s->pid = fork()) == 0) {
		/* a failed assertion skips srv_stop(): die with the test */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	assert_true(s->pid > 0);
	for (i = 0; i < 500 && port == 0; i++) {
		struct timespec ts = { 0, 10000000 };

		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = 0;
			fclose(fp);
		}
		if (port == 0)
			nanosleep(&ts, NULL);
	}
	assert_true(port > 0);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", port);
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return xstrdup("");
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	if (b.s == NULL)
		return xstrdup("");
	return buf_detach(&b);
}

/* Stop the server; the request log's text (caller frees). */
static char *
srv_stop(struct srv *s)
{
	char *log, path[160];
	int st;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	log = slurp(s->log);
	unlink(s->log);
	unlink(s->bodies);
	snprintf(path, sizeof(path), "%s/port", s->dir);
	unlink(path);
	rmdir(s->dir);
	return log;
}

/* --- sources ------------------------------------------------------------ */

/* A source from key, value pairs (NULL-terminated). */
static struct source_cfg *
src_new(const char *first, ...)
{
	struct source_cfg *s = xcalloc(1, sizeof(*s));
	const char *k = first, *v;
	va_list ap;

	s->name = xstrdup("test-src");
	s->type = xstrdup("scim");
	va_start(ap, first);
	while (k != NULL) {
		v = va_arg(ap, const char *);
		s->kv.v = xrealloc(s->kv.v, (s->kv.n + 1) * sizeof(*s->kv.v));
		s->kv.v[s->kv.n].key = xstrdup(k);
		s->kv.v[s->kv.n].value = xstrdup(v);
		s->kv.v[s->kv.n].line = (int)s->kv.n + 2;
		s->kv.n++;
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	return s;
}

static void
src_free(struct source_cfg *s)
{
	size_t i;

	for (i = 0; i < s->kv.n; i++) {
		free(s->kv.v[i].key);
		free(s->kv.v[i].value);
	}
	free(s->kv.v);
	free(s->name);
	free(s->type);
	free(s);
}

static struct http *
open_or_fail(struct source_cfg *s, enum http_auth auth)
{
	struct http_options o = { .auth = auth };
	struct errbuf err = { "" };
	struct http *h = http_open(s, &o, &err);

	if (h == NULL)
		fail_msg("http_open: %s", err.msg);
	return h;
}

static int
setup(void **state)
{
	(void)state;
	setenv("TEST_HTTP_TOKEN", TOKEN, 1);
	fake_time = 1796299205 + 120;	/* 2026-12-03T12:02:05Z: 120 s ahead */
	nwaits = 0;
	http_set_clock(fake_now, fake_sleep);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_set_clock(NULL, NULL);
	return 0;
}

/* One GET expected to fail: the message, checked never to hold the token. */
static void
get_fails(struct http *h, const char *url, long status, const char *want)
{
	struct http_page p;
	struct errbuf err = { "" };

	assert_int_equal(http_get_json(h, url, &p, &err), -1);
	assert_int_equal(p.status, status);
	assert_null(p.body);
	if (strcmp(err.msg, want) != 0)
		fail_msg("got  '%s'\nwant '%s'", err.msg, want);
	assert_null(strstr(err.msg, TOKEN));
	assert_null(strstr(err.msg, "SECRET"));
	http_page_free(&p);
}

/* --- case 10: Okta Link paging, a 429 with a duplicated reset ----------- */

static void
test_case10_okta_link_rate_limit(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char *url, *log, ids[256] = "";
	size_t i, n = 0, pages = 0;
	json_t *u;

	(void)state;
	srv_start(&s, DATA "case10/http-transcript.json", NULL);
	src = src_new("url", s.base, "token_env", "TEST_HTTP_TOKEN", NULL);
	h = open_or_fail(src, HTTP_AUTH_SSWS);
	http_listing_reset(h);
	url = xstrdup("/api/v1/users?limit=2");
	while (url) {
		if (http_get_json(h, url, &p, &err) < 0)
			fail_msg("%s", err.msg);
		pages++;
		json_array_foreach(p.body, i, u) {
			strcat(ids, json_string_value(json_object_get(u, "id")));
			strcat(ids, " ");
			n++;
		}
		free(url);
		url = NULL;
		if (p.next) {
			if (http_check_next(h, p.next, &err) < 0)
				fail_msg("%s", err.msg);
			url = xstrdup(p.next);
		}
		http_page_free(&p);
	}
	assert_int_equal(pages, 3);
	assert_int_equal(n, 5);
	assert_string_equal(ids, "00u1aaaaaaaaaaaaa001 00u1aaaaaaaaaaaaa002 "
	    "00u1aaaaaaaaaaaaa003 00u1aaaaaaaaaaaaa004 00u1aaaaaaaaaaaaa005 ");
	/* one wait: reset 12:01:00 minus the 429's Date 12:00:05, + jitter */
	assert_int_equal(nwaits, 1);
	assert_true(waits[0] >= 55.0 && waits[0] < 56.0);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log,
	    "GET /api/v1/users?limit=2\n"
	    "GET /api/v1/users?after=00u1aaaaaaaaaaaaa002&limit=2\n"
	    "GET /api/v1/users?after=00u1aaaaaaaaaaaaa002&limit=2\n"
	    "GET /api/v1/users?after=00u1aaaaaaaaaaaaa004&limit=2\n");
	free(log);
}

/* --- Link forms ------------------------------------------------------------ */

static void
test_link_forms(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char want[256], *log;

	(void)state;
	srv_start(&s, DATA "links.json", NULL);
	src = src_new("url", s.base, NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);

	assert_int_equal(http_get_json(h, "/v1/items?page=1", &p, &err), 0);
	snprintf(want, sizeof(want), "%s/v1/items?page=2", s.base);
	assert_string_equal(p.next, want);	/* rel="last next" */
	assert_int_equal(json_array_size(p.body), 2);
	http_page_free(&p);

	assert_int_equal(http_get_json(h, want, &p, &err), 0);
	/* second LINK field, relative, unquoted rel after a quoted comma */
	snprintf(want, sizeof(want), "%s/v1/items?page=3&q=x%%20y", s.base);
	assert_string_equal(p.next, want);
	http_page_free(&p);

	assert_int_equal(http_get_json(h, want, &p, &err), 0);
	assert_null(p.next);		/* only the first rel counts */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    p.body, 0), "id")), "a4");
	http_page_free(&p);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "GET /v1/items?page=1\nGET /v1/items?page=2\n"
	    "GET /v1/items?page=3&q=x%20y\n");
	free(log);
}

/* --- retries ---------------------------------------------------------------- */

static void
test_retries_then_success(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char *log;

	(void)state;
	srv_start(&s, DATA "retry.json", NULL);
	src = src_new("url", s.base, NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);

	/* 503 then 200: one backoff of 1 s (+ jitter below 1 s) */
	assert_int_equal(http_get_json(h, "/v1/flaky", &p, &err), 0);
	assert_int_equal(p.status, 200);
	assert_int_equal(json_integer_value(json_object_get(p.body, "ok")), 1);
	http_page_free(&p);
	assert_int_equal(nwaits, 1);
	assert_true(waits[0] >= 1.0 && waits[0] < 2.0);

	/* 429 Retry-After: 1 */
	assert_int_equal(http_get_json(h, "/v1/limited", &p, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(p.body, "ok")), 2);
	http_page_free(&p);
	assert_int_equal(nwaits, 2);
	assert_true(waits[1] >= 1.0 && waits[1] < 2.0);

	/* Retry-After as an HTTP date: 20 s after the response's Date */
	assert_int_equal(http_get_json(h, "/v1/dated", &p, &err), 0);
	http_page_free(&p);
	assert_int_equal(nwaits, 3);
	assert_true(waits[2] >= 20.0 && waits[2] < 21.0);

	/* GitHub: 403 + X-RateLimit-Remaining: 0, reset 30 s after Date */
	assert_int_equal(http_get_json(h, "/v1/gh", &p, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(p.body, "ok")), 4);
	http_page_free(&p);
	assert_int_equal(nwaits, 4);
	assert_true(waits[3] >= 30.0 && waits[3] < 31.0);

	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "GET /v1/flaky\nGET /v1/flaky\n"
	    "GET /v1/limited\nGET /v1/limited\nGET /v1/dated\nGET /v1/dated\n"
	    "GET /v1/gh\nGET /v1/gh\n");
	free(log);
}

static void
test_retry_budget(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	char want[512], *log;

	(void)state;
	srv_start(&s, DATA "exhausted.json", NULL);
	src = src_new("url", s.base, "token_env", "TEST_HTTP_TOKEN", NULL);
	free(src->name);
	src->name = xstrdup("okta-prod");
	h = open_or_fail(src, HTTP_AUTH_SSWS);
	snprintf(want, sizeof(want), "okta-prod (%s/api/v1/users?limit=200):"
	    " still rate limited after 5 retries", s.base);
	get_fails(h, "/api/v1/users?limit=200", 429, want);
	/* backoff 1, 2, 4, 8, 16 s, each at least Retry-After: 1 */
	assert_int_equal(nwaits, 5);
	assert_true(waits[0] >= 1 && waits[0] < 2);
	assert_true(waits[1] >= 2 && waits[1] < 3);
	assert_true(waits[2] >= 4 && waits[2] < 5);
	assert_true(waits[3] >= 8 && waits[3] < 9);
	assert_true(waits[4] >= 16 && waits[4] < 17);

	/* an hour asked for: beyond max_wait (300 s), fail without waiting */
	snprintf(want, sizeof(want), "okta-prod (%s/v1/far): 429 Too Many"
	    " Requests: waiting 3600 s more would pass max_wait (300 s)",
	    s.base);
	get_fails(h, "/v1/far", 429, want);
	assert_int_equal(nwaits, 5);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log,
	    "GET /api/v1/users?limit=200\nGET /api/v1/users?limit=200\n"
	    "GET /api/v1/users?limit=200\nGET /api/v1/users?limit=200\n"
	    "GET /api/v1/users?limit=200\nGET /api/v1/users?limit=200\n"
	    "GET /v1/far\n");
	free(log);
}

/* --- 401 and 403 ------------------------------------------------------------ */

static void
test_auth_errors(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	char want[512], *log;

	(void)state;
	srv_start(&s, DATA "auth.json", NULL);
	src = src_new("url", s.base, "token_env", "TEST_HTTP_TOKEN", NULL);
	free(src->name);
	src->name = xstrdup("okta-prod");
	h = open_or_fail(src, HTTP_AUTH_SSWS);

	snprintf(want, sizeof(want), "okta-prod: 401 Unauthorized from"
	    " %s/api/v1/users: the token (token_env) was refused: wrong,"
	    " expired or revoked (Bearer error=\"invalid_token\")", s.base);
	get_fails(h, "/api/v1/users", 401, want);
	snprintf(want, sizeof(want), "okta-prod: 403 Forbidden from"
	    " %s/api/v1/groups: the token (token_env) lacks a scope or role"
	    " this call needs (You do not have permission to perform the"
	    " requested action)", s.base);
	get_fails(h, "/api/v1/groups", 403, want);
	snprintf(want, sizeof(want), "okta-prod: 403 Forbidden from"
	    " %s/orgs/acme/members: the token (token_env) lacks a scope or"
	    " role this call needs (the call accepts the scopes: read:org,"
	    " admin:org)", s.base);
	get_fails(h, "/orgs/acme/members", 403, want);
	snprintf(want, sizeof(want), "okta-prod: 403 Forbidden from"
	    " %s/v1.0/reports/authenticationMethods/userRegistrationDetails:"
	    " the token (token_env) lacks a scope or role this call needs"
	    " (Authorization_RequestDenied: Insufficient privileges to"
	    " complete the operation.)", s.base);
	get_fails(h, "/v1.0/reports/authenticationMethods/"
	    "userRegistrationDetails", 403, want);
	snprintf(want, sizeof(want), "okta-prod: 403 Forbidden from"
	    " %s/scim/v2/Users: the token (token_env) lacks a scope or role"
	    " this call needs (Bearer error=\"insufficient_scope\","
	    " scope=\"scim.read\")", s.base);
	get_fails(h, "/scim/v2/Users", 403, want);
	assert_int_equal(nwaits, 0);	/* no retry of an auth failure */
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_null(strstr(log, TOKEN));
	assert_int_equal(strlen(log), strlen("GET /api/v1/users\n"
	    "GET /api/v1/groups\nGET /orgs/acme/members\n"
	    "GET /v1.0/reports/authenticationMethods/userRegistrationDetails\n"
	    "GET /scim/v2/Users\n"));
	free(log);
}

static void
test_missing_credential(void **state)
{
	struct source_cfg *src = src_new("url", "https://x.example.invalid",
	    NULL);
	struct source_cfg *src2 = src_new("url", "https://x.example.invalid",
	    "token_env", "TEST_HTTP_UNSET_VAR", NULL);
	struct http_options o = { .auth = HTTP_AUTH_BEARER };
	struct errbuf err = { "" };

	(void)state;
	unsetenv("TEST_HTTP_UNSET_VAR");
	assert_null(http_open(src, &o, &err));
	assert_string_equal(err.msg, "source 'test-src': set token_env or"
	    " token_file");
	assert_null(http_open(src2, &o, &err));
	assert_string_equal(err.msg, "source 'test-src': environment variable"
	    " TEST_HTTP_UNSET_VAR (token_env) is not set");
	src_free(src);
	src_free(src2);
}

/* --- broken bodies and guards ------------------------------------------------ */

static void
test_bad_bodies(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char want[512], *log;

	(void)state;
	srv_start(&s, DATA "bad.json", NULL);
	src = src_new("url", s.base, "timeout", "1", "max_retries", "0",
	    "token_env", "TEST_HTTP_TOKEN", NULL);
	h = open_or_fail(src, HTTP_AUTH_BEARER);

	snprintf(want, sizeof(want), "test-src (%s/v1/malformed): invalid"
	    " JSON at line 4, column 20: '}' expected near '\"name\"'",
	    s.base);
	get_fails(h, "/v1/malformed", 200, want);
	snprintf(want, sizeof(want), "test-src (%s/v1/cut): the response was"
	    " cut short after 20 of 76 bytes", s.base);
	get_fails(h, "/v1/cut", 0, want);
	snprintf(want, sizeof(want), "test-src (%s/v1/html): the response is"
	    " of type 'text/html; charset=utf-8', not JSON", s.base);
	get_fails(h, "/v1/html", 200, want);
	snprintf(want, sizeof(want), "test-src (%s/v1/slow): no complete"
	    " response within 1 s (timeout)", s.base);
	get_fails(h, "/v1/slow", 0, want);
	snprintf(want, sizeof(want), "test-src: 404 Not Found from"
	    " %s/v1/notfound (Not found: Resource not found: nobody (User))",
	    s.base);
	get_fails(h, "/v1/notfound", 404, want);

	/* JSON types other than application/json */
	assert_int_equal(http_get_json(h, "/v1/scim", &p, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(p.body,
	    "totalResults")), 0);
	http_page_free(&p);
	assert_int_equal(http_get_json(h, "/v1/vnd", &p, &err), 0);
	http_page_free(&p);

	/* a next link to another host is refused */
	assert_int_equal(http_get_json(h, "/v1/away", &p, &err), 0);
	assert_string_equal(p.next,
	    "https://evil.example.invalid/v1/away?page=2");
	http_listing_reset(h);
	assert_int_equal(http_check_next(h, p.next, &err), -1);
	snprintf(want, sizeof(want), "test-src: the next page"
	    " https://evil.example.invalid/v1/away?page=2 is not on %s;"
	    " refusing to follow it (the credential is sent only to the"
	    " configured url)", s.base);
	assert_string_equal(err.msg, want);
	http_page_free(&p);
	/* same host, other port or scheme: also another origin */
	assert_int_equal(http_check_next(h, "https://127.0.0.1/v1/x", &err),
	    -1);
	assert_int_equal(http_check_next(h, "HTTP://127.0.0.1:1/v1/x", &err),
	    -1);

	/* a listing that loops: p1 -> p2 -> p1 -> p2 again is refused */
	{
		char *url = xstrdup("/v1/loop?page=1");
		int rc = 0, n = 0;

		http_listing_reset(h);
		while (rc == 0 && url) {
			assert_int_equal(http_get_json(h, url, &p, &err), 0);
			n++;
			free(url);
			url = NULL;
			if ((rc = http_check_next(h, p.next, &err)) == 0)
				url = xstrdup(p.next);
			http_page_free(&p);
		}
		free(url);
		assert_int_equal(rc, -1);
		assert_int_equal(n, 3);
		snprintf(want, sizeof(want), "test-src: the server sent the"
		    " next page %s/v1/loop?page=2 again in one listing of %s;"
		    " stopping a loop", s.base, s.base);
		assert_string_equal(err.msg, want);
		/* a new listing forgets what it saw */
		http_listing_reset(h);
		assert_int_equal(http_check_next(h, "cursor-1", &err), 0);
		assert_int_equal(http_check_next(h, "cursor-2", &err), 0);
		assert_int_equal(http_check_next(h, "cursor-1", &err), -1);
	}
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "GET /v1/malformed\nGET /v1/cut\n"
	    "GET /v1/html\nGET /v1/slow\nGET /v1/notfound\nGET /v1/scim\n"
	    "GET /v1/vnd\nGET /v1/away\nGET /v1/loop?page=1\n"
	    "GET /v1/loop?page=2\nGET /v1/loop?page=1\n");
	free(log);
}

/* Nothing listens: retried with backoff, then the connection error. */
static void
test_connection_refused(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	char want[512], *log;

	(void)state;
	srv_start(&s, DATA "basic.json", NULL);
	log = srv_stop(&s);		/* a port that was free a moment ago */
	free(log);
	src = src_new("url", s.base, "max_retries", "2", NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);
	snprintf(want, sizeof(want), "test-src (%s/api/users): Failed to"
	    " connect to 127.0.0.1 port %s after", s.base,
	    strrchr(s.base, ':') + 1);
	{
		struct http_page p;
		struct errbuf err = { "" };

		assert_int_equal(http_get_json(h, "/api/users", &p, &err), -1);
		assert_int_equal(p.status, 0);
		if (strncmp(err.msg, want, strlen(want)) != 0)
			fail_msg("got  '%s'\nwant '%s...'", err.msg, want);
		assert_non_null(strstr(err.msg, " (and on every retry)"));
		http_page_free(&p);
	}
	assert_int_equal(nwaits, 2);
	assert_true(waits[0] >= 1 && waits[0] < 2);
	assert_true(waits[1] >= 2 && waits[1] < 3);
	http_close(h);
	src_free(src);
}

/* A body past the ceiling is refused, not buffered. */
static void
test_body_ceiling(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char want[512], *log;

	(void)state;
	srv_start(&s, DATA "links.json", NULL);
	src = src_new("url", s.base, NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);
	http_body_max = 16;
	snprintf(want, sizeof(want), "test-src (%s/v1/items?page=1): the"
	    " response is larger than 16 bytes; refusing it", s.base);
	get_fails(h, "/v1/items?page=1", 0, want);
	http_body_max = (size_t)256 * 1024 * 1024;
	assert_int_equal(http_get_json(h, "/v1/items?page=2", &p, &err), 0);
	http_page_free(&p);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	free(log);
}

/* HTTPS: the certificate is verified, ca_file adds a CA. */
static void
test_tls_verified(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char dir[] = "/tmp/rollcall-tls-XXXXXX", cmd[1024], cert[64], key[64];
	char *log;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048"
	    " -nodes -keyout %s -out %s -days 2 -subj /CN=127.0.0.1"
	    " -addext subjectAltName=IP:127.0.0.1 2>/dev/null", key, cert);
	if (system(cmd) != 0) {
		rmdir(dir);
		skip();
	}
	srv_start(&s, "--cert", cert, "--key", key, DATA "links.json", NULL);
	{
		int port = atoi(strrchr(s.base, ':') + 1);

		snprintf(s.base, sizeof(s.base), "https://127.0.0.1:%d", port);
	}

	src = src_new("url", s.base, "max_retries", "0", NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);
	assert_int_equal(http_get_json(h, "/v1/items?page=1", &p, &err), -1);
	assert_int_equal(p.status, 0);
	assert_non_null(strstr(err.msg, "certificate"));
	http_page_free(&p);
	http_close(h);
	src_free(src);

	src = src_new("url", s.base, "ca_file", cert, NULL);
	h = open_or_fail(src, HTTP_AUTH_NONE);
	if (http_get_json(h, "/v1/items?page=1", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(json_array_size(p.body), 2);
	http_page_free(&p);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "GET /v1/items?page=1\n");
	free(log);
	unlink(cert);
	unlink(key);
	rmdir(dir);
}

static void
test_urls(void **state)
{
	struct source_cfg *src = src_new("url", "https://api.example.invalid/v1/",
	    "page_size", "50", NULL);
	struct http *h = open_or_fail(src, HTTP_AUTH_NONE);
	char *u, *v;

	(void)state;
	assert_string_equal(http_base(h), "https://api.example.invalid/v1");
	assert_int_equal(http_page_size(h, 200), 50);
	u = http_url(h, "/users");
	assert_string_equal(u, "https://api.example.invalid/v1/users");
	v = http_url_add(u, "filter", "status eq \"ACTIVE\"&x=1");
	assert_string_equal(v, "https://api.example.invalid/v1/users?filter="
	    "status%20eq%20%22ACTIVE%22%26x%3D1");
	free(u);
	u = http_url_add(v, "limit", "200");
	assert_string_equal(u + strlen(v), "&limit=200");
	free(u);
	free(v);
	http_close(h);
	src_free(src);
}

/* --- OAuth 2.0 client credentials ------------------------------------------- */

static void
test_oauth_client_credentials(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char tokurl[128], *log, *bodies, path[160], want[256];
	const char *next;

	(void)state;
	setenv("TEST_HTTP_SECRET", "cs-SECRET-9~9", 1);
	srv_start(&s, DATA "oauth-token.json", DATA "oauth-api.json", NULL);
	snprintf(tokurl, sizeof(tokurl), "%s/oauth2/v2.0/token", s.base);
	src = src_new("url", s.base, "token_url", tokurl, "client_id",
	    "app-123", "client_secret_env", "TEST_HTTP_SECRET", "scope",
	    "https://graph.microsoft.com/.default", NULL);
	h = open_or_fail(src, HTTP_AUTH_BEARER);
	assert_int_equal(http_get_json(h, "/v1.0/users?$top=2", &p, &err), 0);
	next = json_string_value(json_object_get(p.body, "@odata.nextLink"));
	assert_non_null(next);
	assert_int_equal(http_check_next(h, next, &err), 0);
	{
		char *n = xstrdup(next);

		http_page_free(&p);
		if (http_get_json(h, n, &p, &err) < 0)
			fail_msg("%s", err.msg);
		free(n);
	}
	assert_int_equal(json_array_size(json_object_get(p.body, "value")), 1);
	http_page_free(&p);
	/* the token expires (3599 - 60 s): the next call fetches anew */
	fake_time += 3600;
	snprintf(want, sizeof(want), "test-src: 404 Not Found from"
	    " %s/v1.0/users?$top=2 (unmatched)", s.base);
	get_fails(h, "/v1.0/users?$top=2", 404, want);
	http_close(h);
	src_free(src);
	snprintf(path, sizeof(path), "%s", s.bodies);
	bodies = slurp(path);
	log = srv_stop(&s);
	assert_string_equal(log, "POST /oauth2/v2.0/token\n"
	    "GET /v1.0/users?$top=2\n"
	    "GET /v1.0/users?$top=2&$skiptoken=X1\n"
	    "POST /oauth2/v2.0/token\n"
	    "GET /v1.0/users?$top=2 UNMATCHED\n");
	assert_string_equal(bodies, "POST /oauth2/v2.0/token: grant_type="
	    "client_credentials&client_id=app-123&client_secret=cs-SECRET-9~9&"
	    "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default\n"
	    "POST /oauth2/v2.0/token: grant_type="
	    "client_credentials&client_id=app-123&client_secret=cs-SECRET-9~9&"
	    "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default\n");
	free(log);
	free(bodies);
}

static void
test_oauth_refresh_on_401(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char tokurl[128], want[512], *log;

	(void)state;
	setenv("TEST_HTTP_SECRET", "cs-SECRET-9~9", 1);
	srv_start(&s, DATA "refresh-token.json", DATA "refresh-api.json",
	    NULL);
	snprintf(tokurl, sizeof(tokurl), "%s/token", s.base);
	src = src_new("url", s.base, "token_url", tokurl, "client_id",
	    "app-123", "client_secret_env", "TEST_HTTP_SECRET", NULL);
	h = open_or_fail(src, HTTP_AUTH_BEARER);
	/* the first token is refused: fetched anew once, then it works */
	if (http_get_json(h, "/v1/users", &p, &err) < 0)
		fail_msg("%s", err.msg);
	http_page_free(&p);
	if (http_get_json(h, "/v1/users", &p, &err) < 0)
		fail_msg("%s", err.msg);
	http_page_free(&p);
	/* expired; the token endpoint now refuses the client secret */
	fake_time += 4000;
	snprintf(want, sizeof(want), "test-src: cannot get an access token"
	    " (client_secret_env): 400 Bad Request from %s/token"
	    " (invalid_client: AADSTS7000215: Invalid client secret"
	    " provided.)", s.base);
	get_fails(h, "/v1/users", 0, want);	/* the GET was not sent */
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "POST /token\nGET /v1/users 401\n"
	    "POST /token\nGET /v1/users\nGET /v1/users\nPOST /token\n");
	free(log);
}

/* --- Basic ----------------------------------------------------------------- */

static void
test_basic(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	char *log;

	(void)state;
	setenv("TEST_HTTP_PW", "pw-basic-99", 1);
	srv_start(&s, DATA "basic.json", NULL);
	src = src_new("url", s.base, "username", "svc-review", "password_env",
	    "TEST_HTTP_PW", NULL);
	h = open_or_fail(src, HTTP_AUTH_BASIC);
	if (http_get_json(h, "/api/users", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(json_array_size(p.body), 1);
	http_page_free(&p);
	http_close(h);
	src_free(src);
	log = srv_stop(&s);
	assert_string_equal(log, "GET /api/users\n");
	free(log);
}

/* --- Google service account ------------------------------------------------- */

static char *
b64url_decode(const char *s, size_t n, size_t *outlen)
{
	char *t = xmalloc(n + 4), *out = xmalloc(n + 4);
	size_t i;
	int len;

	for (i = 0; i < n; i++)
		t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (i % 4)
		t[i++] = '=';
	len = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)t,
	    (int)i);
	assert_true(len >= 0);
	while (i > 0 && t[i - 1] == '=') {	/* DecodeBlock counts padding */
		len--;
		i--;
	}
	free(t);
	out[len] = '\0';
	*outlen = (size_t)len;
	return out;
}

static void
test_google_jwt(void **state)
{
	struct srv s;
	struct source_cfg *src;
	struct http *h;
	struct http_page p;
	struct errbuf err = { "" };
	EVP_PKEY *key;
	EVP_MD_CTX *ctx;
	BIO *bio;
	char *pem, keyfile[160], tokuri[128], *bodies, *log, *a, *d1, *d2;
	char *sig, *hdr, *claims;
	size_t siglen, hlen, clen;
	long pemlen;
	json_t *kj, *cj;
	FILE *fp;

	(void)state;
	/* a throwaway key made here: nothing secret is committed */
	key = EVP_RSA_gen(2048);
	assert_non_null(key);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0,
	    NULL, NULL), 1);
	pemlen = BIO_get_mem_data(bio, &pem);

	srv_start(&s, DATA "google-token.json", DATA "google-api.json", NULL);
	snprintf(tokuri, sizeof(tokuri), "%s/token", s.base);
	snprintf(keyfile, sizeof(keyfile), "%s/sa.json", s.dir);
	kj = json_pack("{s:s, s:s#, s:s, s:s}", "client_email",
	    "rollcall@acme-review.iam.gserviceaccount.com", "private_key", pem,
	    (int)pemlen, "token_uri", tokuri, "type", "service_account");
	assert_int_equal(json_dump_file(kj, keyfile, 0), 0);
	json_decref(kj);
	BIO_free(bio);

	src = src_new("url", s.base, "key_file", keyfile, "subject",
	    "admin@example.com", NULL);
	{
		struct http_options o = { .auth = HTTP_AUTH_GOOGLE, .scopes =
		    "https://www.googleapis.com/auth/admin.directory.user."
		    "readonly" };

		h = http_open(src, &o, &err);
		if (h == NULL)
			fail_msg("%s", err.msg);
	}
	if (http_get_json(h, "/admin/directory/v1/users?customer=my_customer",
	    &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(p.body, "users"), 0), "primaryEmail")),
	    "ada@example.com");
	http_page_free(&p);
	http_close(h);
	src_free(src);
	unlink(keyfile);
	bodies = slurp(s.bodies);
	log = srv_stop(&s);
	assert_string_equal(log, "POST /token\n"
	    "GET /admin/directory/v1/users?customer=my_customer\n");
	free(log);

	/* the posted form: grant_type, then the assertion */
	a = strstr(bodies, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3A"
	    "grant-type%3Ajwt-bearer&assertion=");
	assert_non_null(a);
	a = strchr(a, '&') + strlen("&assertion=");
	a[strcspn(a, "\n")] = '\0';
	d1 = strchr(a, '.');
	assert_non_null(d1);
	d2 = strchr(d1 + 1, '.');
	assert_non_null(d2);
	assert_null(strchr(a, '='));		/* no padding */
	hdr = b64url_decode(a, (size_t)(d1 - a), &hlen);
	assert_string_equal(hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	claims = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &clen);
	cj = json_loads(claims, 0, NULL);
	assert_non_null(cj);
	assert_string_equal(json_string_value(json_object_get(cj, "iss")),
	    "rollcall@acme-review.iam.gserviceaccount.com");
	assert_string_equal(json_string_value(json_object_get(cj, "sub")),
	    "admin@example.com");
	assert_string_equal(json_string_value(json_object_get(cj, "aud")),
	    tokuri);
	assert_string_equal(json_string_value(json_object_get(cj, "scope")),
	    "https://www.googleapis.com/auth/admin.directory.user.readonly");
	assert_int_equal(json_integer_value(json_object_get(cj, "iat")),
	    fake_time);
	assert_int_equal(json_integer_value(json_object_get(cj, "exp")),
	    fake_time + 3600);
	json_decref(cj);

	/* the signature verifies with the public key over header.claims */
	sig = b64url_decode(d2 + 1, strlen(d2 + 1), &siglen);
	assert_int_equal(siglen, 256);
	ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    key), 1);
	assert_int_equal(EVP_DigestVerify(ctx, (unsigned char *)sig, siglen,
	    (unsigned char *)a, (size_t)(d2 - a)), 1);
	/* and not over anything else */
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    key), 1);
	assert_int_not_equal(EVP_DigestVerify(ctx, (unsigned char *)sig,
	    siglen, (unsigned char *)a, (size_t)(d2 - a) - 1), 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	free(hdr);
	free(claims);
	free(sig);
	free(bodies);
	(void)fp;
}

static void
test_google_bad_key_file(void **state)
{
	struct source_cfg *src = src_new("url", "https://x.example.invalid",
	    "key_file", "tests/data/http/common/auth.json", NULL);
	struct http_options o = { .auth = HTTP_AUTH_GOOGLE };
	struct errbuf err = { "" };

	(void)state;
	assert_null(http_open(src, &o, &err));
	assert_string_equal(err.msg, "source 'test-src': key_file"
	    " 'tests/data/http/common/auth.json' has no client_email or"
	    " private_key (a service account's JSON key has both)");
	src_free(src);
}

/* The URL-for-messages helper drops userinfo, and only userinfo. */
static void
test_url_public(void **state)
{
	static const char *const cases[][2] = {
		{ "http://admin:SECRET@127.0.0.1:1/api?x=1",
		  "http://127.0.0.1:1/api?x=1" },
		{ "https://tok@host.example/a@b", "https://host.example/a@b" },
		{ "https://a:b@c:d@host/", "https://host/" },
		{ "https://host.example/p?q=u@x", "https://host.example/p?q=u@x" },
		{ "https://host.example", "https://host.example" },
		{ "cursor-abc", "cursor-abc" },
	};
	size_t i;
	char *p;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		p = http_url_public(cases[i][0]);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
	assert_int_equal(http_url_has_userinfo("http://u:p@h/"), 1);
	assert_int_equal(http_url_has_userinfo("http://h/?a=u@x"), 0);
	assert_null(http_url_public(NULL));
}

/* A vendor's default token endpoint serves client credentials only. */
static void
test_token_url_default(void **state)
{
	struct kv with_id[] = { { "type", "entra", 1 },
	    { "client_id", "app-1", 2 } };
	struct kv own[] = { { "type", "entra", 1 },
	    { "client_id", "app-1", 2 },
	    { "token_url", "https://idp.example.invalid/token", 3 } };
	struct kv static_token[] = { { "type", "entra", 1 },
	    { "token_env", "X", 2 } };
	struct source_cfg a = { "a", "entra", 1, { with_id, 2 }, NULL };
	struct source_cfg b = { "b", "entra", 1, { own, 3 }, NULL };
	struct source_cfg c = { "c", "entra", 1, { static_token, 2 }, NULL };
	struct http_options o = { .auth = HTTP_AUTH_BEARER,
	    .default_token_url = "https://login.example.invalid/t/token" };

	(void)state;
	assert_string_equal(http_token_url(&a, &o),
	    "https://login.example.invalid/t/token");
	assert_string_equal(http_token_url(&b, &o),
	    "https://idp.example.invalid/token");
	assert_null(http_token_url(&c, &o));
	assert_null(http_token_url(&a, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_public),
		cmocka_unit_test(test_token_url_default),
		cmocka_unit_test_setup_teardown(
		    test_case10_okta_link_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retries_then_success,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_budget, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_auth_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_credential,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_bodies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connection_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_ceiling, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls_verified, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oauth_client_credentials,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_oauth_refresh_on_401,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_google_jwt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_google_bad_key_file,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
