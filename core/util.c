/* util.c: diagnostics, allocation, small string helpers shared by all. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "rollcall/rollcall.h"

int rc_quiet;
static int progress_shown;

void
err_set(struct errbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
err_prefix(struct errbuf *err, const char *fmt, ...)
{
	char head[512], old[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is fine: the head is what matters most. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: ", head) > 0) {
		size_t n = strlen(err->msg);

		memcpy(err->msg + n, old, sizeof(err->msg) - n - 1);
		err->msg[sizeof(err->msg) - 1] = '\0';
	}
}

static void
vreport(const char *prefix, const char *fmt, va_list ap)
{
	progress_done();
	fputs("rollcall: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, fmt, ap);
	va_end(ap);
	return -1;
}

void
warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void
die(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, fmt, ap);
	va_end(ap);
	exit(rc);
}

void
progress(const char *fmt, ...)
{
	va_list ap;

	if (rc_quiet || !isatty(STDERR_FILENO))
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = 1;
}

void
progress_done(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

void
note(const char *fmt, ...)
{
	va_list ap;

	if (rc_quiet)
		return;
	progress_done();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
oom(void)
{
	fputs("rollcall: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

int
glob_match(const char *pattern, const char *s)
{
	if (pattern == NULL || s == NULL)
		return 0;
	return fnmatch(pattern, s, FNM_CASEFOLD) == 0;
}

int
glob_list_match(const char *patterns, const char *s)
{
	char *copy, *p, *tok, *save = NULL;
	int hit = 0;

	if (patterns == NULL || s == NULL)
		return 0;
	copy = xstrdup(patterns);
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		str_trim(tok);
		if (*tok && glob_match(tok, s)) {
			hit = 1;
			break;
		}
	}
	free(copy);
	return hit;
}

/* Length of white space at s: ASCII space/tab/CR/LF or U+00A0 (C2 A0). */
static size_t
space_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
	    *s == '\v' || *s == '\f')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return 0;
}

char *
str_trim(char *s)
{
	size_t n, len;
	unsigned char *p = (unsigned char *)s;

	if (s == NULL)
		return NULL;
	while ((n = space_len(p)) > 0)
		p += n;
	if ((char *)p != s)
		memmove(s, p, strlen((char *)p) + 1);
	len = strlen(s);
	for (;;) {
		if (len >= 1 && space_len((unsigned char *)s + len - 1) == 1)
			len -= 1;
		else if (len >= 2 && (unsigned char)s[len - 2] == 0xc2 &&
		    (unsigned char)s[len - 1] == 0xa0)
			len -= 2;
		else
			break;
		s[len] = '\0';
	}
	return s;
}

char *
str_lower(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

int
str_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

int
close_stream(FILE *fp)
{
	int bad = ferror(fp);

	if (fclose(fp) != 0 || bad) {
		if (bad && errno == 0)
			errno = EIO;
		return EOF;
	}
	return 0;
}

int
sha256_file(const char *path, char out[65], struct errbuf *err)
{
	unsigned char md[EVP_MAX_MD_SIZE], chunk[65536];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx;
	FILE *fp;
	size_t n;
	int ret = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		err_set(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (EVP_DigestUpdate(ctx, chunk, n) != 1)
			goto out;
	if (ferror(fp)) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		goto out;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
	ret = 0;
out:
	if (ret < 0 && err && err->msg[0] == '\0')
		err_set(err, "cannot hash '%s'", path);
	EVP_MD_CTX_free(ctx);
	fclose(fp);
	return ret;
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

size_t
utf8_seq(const unsigned char *p)
{
	size_t n, i;
	unsigned cp;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}
