/*
 * fakeapi: an HTTP server on 127.0.0.1 that replays http-transcript.json
 * files (format: tests/data/cases/README.md), for the SaaS connector tests.
 *
 *	fakeapi --port-file PATH [--log PATH] [--bodies PATH]
 *	    [--cert PEM --key PEM] [--host ORIGIN]... TRANSCRIPT...
 *
 * - Listens on a free port, written to PATH (atomically) once ready.
 * - A request matches an exchange on method + path + query (the query as an
 *   unordered multiset of decoded key=value pairs); scheme and host are
 *   ignored. Exchanges with the same method+URL are replayed in order; an
 *   unmatched request, or one past the last replay, gets 404
 *   {"error":"unmatched"}.
 * - Every --host ORIGIN is replaced by http://127.0.0.1:PORT in response
 *   headers and bodies, so that next links point back here.
 * - Response: status, headers [[name, value]...] (repeats sent as given),
 *   body_file (relative to the transcript), body (a string) or body_json;
 *   delay_ms sleeps before answering; truncate N declares the whole
 *   Content-Length, sends N bytes of the body, then closes.
 * - A transcript's top-level "require_auth" ("Bearer tok-123") applies to
 *   its exchanges: a request without exactly that Authorization gets 401.
 * - --log PATH: one line per request, "METHOD PATH?QUERY", plus
 *   " UNMATCHED" or " 401". The Authorization value is never written.
 * - --bodies PATH: each request body, one line "METHOD PATH: BODY"
 *   (for tests that check what was posted, e.g. a JWT assertion; test only).
 * - --cert/--key: serve HTTPS with that certificate (the origin that
 *   replaces --host is then https://127.0.0.1:PORT), to test TLS checks.
 * - Exits 0 on SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

struct pair {
	char	*k;
	char	*v;
};

struct exchange {
	char	*method;
	char	*path;		/* decoded */
	struct pair *q;		/* decoded, sorted */
	size_t	 nq;
	const char *auth;	/* the transcript's require_auth or NULL */
	json_t	*resp;		/* borrowed from the transcript */
	char	*dir;		/* the transcript's folder */
	int	 used;
};

struct request {
	char	*uri;		/* as received */
	char	*body;
	size_t	 len;
	int	 started;	/* the handler has seen the headers */
};

static struct exchange *ex;
static size_t nex;
static char **hosts;
static size_t nhosts;
static char origin[64];
static FILE *logfp, *bodyfp;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		perror("fakeapi");
		exit(2);
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

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

/* Percent-decode s[0..n); '+' is a space when plus (query strings). */
static char *
decode(const char *s, size_t n, int plus)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (plus && s[i] == '+')
			*o++ = ' ';
		else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static int
paircmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c ? c : strcmp(x->v, y->v);
}

/* Split "PATH?QUERY" (or a whole URL: scheme and host are dropped). */
static void
split_uri(const char *uri, char **path, struct pair **q, size_t *nq)
{
	const char *p = uri, *qs, *amp, *eq;
	size_t n = 0, cap = 0;
	struct pair *v = NULL;

	if ((qs = strstr(p, "://")) != NULL && qs < p + strcspn(p, "/?")) {
		p = qs + 3;
		p += strcspn(p, "/?");
	}
	qs = p + strcspn(p, "?#");
	*path = decode(p, (size_t)(qs - p), 0);
	if (**path == '\0') {
		free(*path);
		*path = xstrndup("/", 1);
	}
	if (*qs == '?') {
		qs++;
		while (*qs && *qs != '#') {
			size_t len = strcspn(qs, "&#");

			amp = qs + len;
			if (len > 0) {
				eq = memchr(qs, '=', len);
				if (n == cap) {
					cap = cap ? cap * 2 : 8;
					v = realloc(v, cap * sizeof(*v));
					if (v == NULL)
						exit(2);
				}
				if (eq) {
					v[n].k = decode(qs, (size_t)(eq - qs), 1);
					v[n].v = decode(eq + 1,
					    (size_t)(amp - eq - 1), 1);
				} else {
					v[n].k = decode(qs, len, 1);
					v[n].v = xstrndup("", 0);
				}
				n++;
			}
			qs = *amp == '&' ? amp + 1 : amp;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), paircmp);
	*q = v;
	*nq = n;
}

static void
free_pairs(struct pair *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(q[i].k);
		free(q[i].v);
	}
	free(q);
}

static char *
dirname_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrndup(".", 1);
	return xstrndup(path, (size_t)(s - path));
}

static void
load(const char *file)
{
	json_error_t je;
	json_t *root, *arr, *e, *auth;
	size_t i;
	char *dir;

	if ((root = json_load_file(file, 0, &je)) == NULL) {
		fprintf(stderr, "fakeapi: %s:%d:%d: %s\n", file, je.line,
		    je.column, je.text);
		exit(2);
	}
	arr = json_object_get(root, "exchanges");
	auth = json_object_get(root, "require_auth");
	if (!json_is_array(arr)) {
		fprintf(stderr, "fakeapi: %s: no \"exchanges\" array\n", file);
		exit(2);
	}
	dir = dirname_of(file);
	ex = realloc(ex, (nex + json_array_size(arr)) * sizeof(*ex));
	if (ex == NULL)
		exit(2);
	json_array_foreach(arr, i, e) {
		json_t *req = json_object_get(e, "request");
		const char *m = json_string_value(json_object_get(req,
		    "method"));
		const char *u = json_string_value(json_object_get(req, "url"));
		struct exchange *x = &ex[nex++];

		if (u == NULL || !json_is_object(json_object_get(e,
		    "response"))) {
			fprintf(stderr, "fakeapi: %s: exchange %zu: no"
			    " request.url or response\n", file, i);
			exit(2);
		}
		memset(x, 0, sizeof(*x));
		x->method = xstrndup(m ? m : "GET", strlen(m ? m : "GET"));
		split_uri(u, &x->path, &x->q, &x->nq);
		x->auth = json_string_value(auth);
		x->resp = json_object_get(e, "response");
		x->dir = dir;
	}
	/* root stays alive: exchanges borrow from it until exit */
}

static int
match(const struct exchange *x, const char *method, const char *path,
    const struct pair *q, size_t nq)
{
	size_t i;

	if (strcasecmp(x->method, method) != 0 || strcmp(x->path, path) != 0 ||
	    x->nq != nq)
		return 0;
	for (i = 0; i < nq; i++)
		if (paircmp(&x->q[i], &q[i]) != 0)
			return 0;
	return 1;
}

/* s with every --host origin replaced by ours; caller frees. */
static char *
subst(const char *s, size_t n, size_t *outlen)
{
	size_t cap = n + 1, len = 0, i, olen = strlen(origin);
	char *out = xmalloc(cap);
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *hit = NULL;
		size_t hl = 0;

		for (i = 0; i < nhosts; i++) {
			size_t l = strlen(hosts[i]);

			if (l && (size_t)(end - p) >= l &&
			    strncmp(p, hosts[i], l) == 0 && l > hl) {
				hit = hosts[i];
				hl = l;
			}
		}
		if (len + olen + 1 >= cap) {
			cap = cap * 2 + olen;
			if ((out = realloc(out, cap)) == NULL)
				exit(2);
		}
		if (hit) {
			memcpy(out + len, origin, olen);
			len += olen;
			p += hl;
		} else
			out[len++] = *p++;
	}
	out[len] = '\0';
	*outlen = len;
	return out;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap * 2 + 65536;
			if ((s = realloc(s, cap)) == NULL)
				exit(2);
		}
		if ((r = fread(s + n, 1, cap - n, fp)) == 0)
			break;
		n += r;
	}
	fclose(fp);
	*len = n;
	return s;
}

struct cut {
	char	*s;
	size_t	 len;		/* bytes to send before the cut */
};

static ssize_t
cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *c = cls;
	size_t n;

	if (pos >= c->len)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->s + pos, n);
	return (ssize_t)n;
}

static void
cut_free(void *cls)
{
	struct cut *c = cls;

	free(c->s);
	free(c);
}

static enum MHD_Result
send_simple(struct MHD_Connection *conn, unsigned status, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
log_line(const char *method, const char *uri, const char *what)
{
	if (logfp == NULL)
		return;
	fprintf(logfp, "%s %s%s\n", method, uri, what);
	fflush(logfp);
}

static enum MHD_Result
reply(struct MHD_Connection *conn, const struct exchange *x)
{
	json_t *resp = x->resp, *h, *hv;
	struct MHD_Response *r;
	const char *bf, *bs;
	char *raw = NULL, *body;
	size_t rawlen = 0, len, i;
	long delay = (long)json_integer_value(json_object_get(resp,
	    "delay_ms"));
	json_t *trunc = json_object_get(resp, "truncate");
	unsigned status = (unsigned)json_integer_value(json_object_get(resp,
	    "status"));
	enum MHD_Result ret;

	if (status == 0)
		status = 200;
	if ((bf = json_string_value(json_object_get(resp, "body_file")))) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", x->dir, bf);
		if ((raw = read_file(path, &rawlen)) == NULL) {
			fprintf(stderr, "fakeapi: cannot read %s: %s\n", path,
			    strerror(errno));
			return send_simple(conn, 500,
			    "{\"error\":\"fakeapi: body_file unreadable\"}");
		}
	} else if ((bs = json_string_value(json_object_get(resp, "body")))) {
		rawlen = json_string_length(json_object_get(resp, "body"));
		raw = xstrndup(bs, rawlen);
	} else if ((h = json_object_get(resp, "body_json")) != NULL) {
		raw = json_dumps(h, JSON_COMPACT | JSON_ENCODE_ANY);
		rawlen = strlen(raw);
	}
	body = subst(raw ? raw : "", rawlen, &len);
	free(raw);
	if (delay > 0) {
		struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (json_is_integer(trunc) && (size_t)json_integer_value(trunc) < len) {
		struct cut *c = xmalloc(sizeof(*c));

		c->s = body;
		c->len = (size_t)json_integer_value(trunc);
		r = MHD_create_response_from_callback(len, 4096, cut_reader, c,
		    cut_free);
	} else {
		r = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
	}
	h = json_object_get(resp, "headers");
	json_array_foreach(h, i, hv) {
		const char *n = json_string_value(json_array_get(hv, 0));
		const char *v = json_string_value(json_array_get(hv, 1));
		char *sv;
		size_t svlen;

		if (n == NULL || v == NULL ||
		    strcasecmp(n, "Content-Length") == 0 ||
		    strcasecmp(n, "Transfer-Encoding") == 0 ||
		    strcasecmp(n, "Connection") == 0)
			continue;
		sv = subst(v, strlen(v), &svlen);
		MHD_add_response_header(r, n, sv);
		free(sv);
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *rq = xmalloc(sizeof(*rq));

	(void)cls;
	(void)conn;
	rq->uri = xstrndup(uri, strlen(uri));
	rq->body = NULL;
	rq->len = 0;
	rq->started = 0;
	return rq;
}

static void
on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (rq) {
		free(rq->uri);
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct request *rq = *con_cls;
	struct exchange *x = NULL;
	struct pair *q;
	size_t nq, i;
	char *path;
	const char *auth;

	(void)cls;
	(void)url;
	(void)version;
	if (!rq->started) {
		/* headers only; the body (if any) comes in the next calls */
		rq->started = 1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		rq->body = realloc(rq->body, rq->len + *upload_size + 1);
		if (rq->body == NULL)
			exit(2);
		memcpy(rq->body + rq->len, upload, *upload_size);
		rq->len += *upload_size;
		rq->body[rq->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	split_uri(rq->uri, &path, &q, &nq);
	pthread_mutex_lock(&mu);
	if (bodyfp && rq->len > 0) {
		fprintf(bodyfp, "%s %s: %s\n", method, path, rq->body);
		fflush(bodyfp);
	}
	for (i = 0; i < nex; i++)
		if (!ex[i].used && match(&ex[i], method, path, q, nq)) {
			x = &ex[i];
			break;
		}
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Authorization");
	if (x && x->auth && (auth == NULL || strcmp(auth, x->auth) != 0)) {
		log_line(method, rq->uri, " 401");
		x = NULL;
		pthread_mutex_unlock(&mu);
		free(path);
		free_pairs(q, nq);
		return send_simple(conn, 401, "{\"error\":\"unauthorized\"}");
	}
	if (x == NULL) {
		log_line(method, rq->uri, " UNMATCHED");
		pthread_mutex_unlock(&mu);
		free(path);
		free_pairs(q, nq);
		return send_simple(conn, 404, "{\"error\":\"unmatched\"}");
	}
	x->used = 1;
	log_line(method, rq->uri, "");
	pthread_mutex_unlock(&mu);
	free(path);
	free_pairs(q, nq);
	return reply(conn, x);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("fakeapi: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static void
usage(void)
{
	fprintf(stderr, "usage: fakeapi --port-file PATH [--log PATH]"
	    " [--bodies PATH] [--cert PEM --key PEM] [--host ORIGIN]..."
	    " TRANSCRIPT...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *portfile = NULL;
	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	size_t len;
	struct MHD_OptionItem tls[3] = {
		{ MHD_OPTION_END, 0, NULL }, { MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	char tmp[4096];
	FILE *fp;
	int i, sig;

	hosts = xmalloc((size_t)argc * sizeof(*hosts));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc)
			portfile = argv[++i];
		else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
			if ((logfp = fopen(argv[++i], "w")) == NULL) {
				perror(argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--bodies") == 0 && i + 1 < argc) {
			if ((bodyfp = fopen(argv[++i], "w")) == NULL) {
				perror(argv[i]);
				return 2;
			}
		} else if ((strcmp(argv[i], "--cert") == 0 ||
		    strcmp(argv[i], "--key") == 0) && i + 1 < argc) {
			char **dst = argv[i][2] == 'c' ? &cert : &key;

			if ((*dst = read_file(argv[++i], &len)) == NULL) {
				perror(argv[i]);
				return 2;
			}
			*dst = realloc(*dst, len + 1);
			(*dst)[len] = '\0';
		} else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			hosts[nhosts++] = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			usage();
		else
			load(argv[i]);
	}
	if (portfile == NULL || (cert == NULL) != (key == NULL))
		usage();
	if (cert) {
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
		    cert };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
		    key };
	}

	/* Block the signals before any thread starts; sigwait below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "fakeapi: cannot start the server\n");
		return 2;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(origin, sizeof(origin), "%s://127.0.0.1:%u",
	    cert ? "https" : "http", (unsigned)info->port);
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((fp = fopen(tmp, "w")) == NULL) {
		perror(tmp);
		return 2;
	}
	fprintf(fp, "%u\n", (unsigned)info->port);
	if (fclose(fp) != 0 || rename(tmp, portfile) != 0) {
		perror(portfile);
		return 2;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	if (logfp)
		fclose(logfp);
	if (bodyfp)
		fclose(bodyfp);
	return 0;
}
