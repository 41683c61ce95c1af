/*
 * http_auth.c: a source's credential for the HTTP layer: a static token
 * (Bearer, Okta SSWS), Basic, OAuth 2.0 client credentials and Google
 * service-account JWTs (RFC 7523), with the fetched tokens cached until
 * shortly before they expire. Secrets come only from source_secret() or
 * key_file, are wiped on close and never appear in a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/http.h"
#include "rollcall/rollcall.h"
#include "http_int.h"

#define GOOGLE_TOKEN_URI "https://oauth2.googleapis.com/token"
/* Refresh a token this long before the server says it expires. */
#define TOKEN_MARGIN	60
/* A Google assertion's lifetime (Google accepts at most an hour). */
#define JWT_LIFETIME	3600

static void
wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Which of base_env / base_file the source set, for messages. */
static const char *
secret_key(const struct source_cfg *s, const char *base)
{
	static const char *const keys[] = {
		"token_env", "token_file", "password_env", "password_file",
		"client_secret_env", "client_secret_file",
	};
	char k[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(k, sizeof(k), "%s_", base);
		if (strncmp(keys[i], k, strlen(k)) == 0 &&
		    source_get(s, keys[i]) != NULL)
			return keys[i];
	}
	return NULL;
}

static int
need_secret(struct http *h, const struct source_cfg *s, const char *base,
    struct errbuf *err)
{
	int rc = source_secret(s, base, &h->secret, err);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		err_set(err, "source '%s': set %s_env or %s_file", s->name,
		    base, base);
		return -1;
	}
	h->cred_key = secret_key(s, base);
	return 0;
}

static char *
b64(const unsigned char *p, size_t n, int url)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1), *c;
	int len = EVP_EncodeBlock((unsigned char *)out, p, (int)n);

	out[len] = '\0';
	if (url) {
		for (c = out; *c; c++)
			if (*c == '+')
				*c = '-';
			else if (*c == '/')
				*c = '_';
		while (len > 0 && out[len - 1] == '=')
			out[--len] = '\0';
	}
	return out;
}

/* Read the service-account key_file: client_email, private_key, token_uri. */
static int
google_key(struct http *h, const struct source_cfg *s, struct errbuf *err)
{
	const char *kf = source_get(s, "key_file");
	struct buf raw = BUF_INIT;
	json_t *j = NULL, *v;
	json_error_t je;
	const char *key;
	char *path, chunk[4096];
	size_t n;
	FILE *fp;
	int ret = -1;

	if (kf == NULL) {
		err_set(err, "source '%s': key_file (the service account's"
		    " JSON key) is not set", s->name);
		return -1;
	}
	h->cred_key = "key_file";
	path = config_path_resolve(s->config_path, kf);
	if ((fp = fopen(path, "r")) == NULL) {
		err_set(err, "source '%s': cannot read key_file '%s': %s",
		    s->name, path, strerror(errno));
		goto out;
	}
	raw.max = 1 << 20;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&raw, chunk, n) < 0)
			break;
	explicit_bzero(chunk, sizeof(chunk));
	fclose(fp);
	/* no json text in the message: it would quote the private key */
	if ((j = json_loadb(buf_str(&raw), raw.len, 0, &je)) == NULL) {
		err_set(err, "source '%s': key_file '%s' is not JSON (line %d,"
		    " column %d)", s->name, path, je.line, je.column);
		goto out;
	}
	key = json_string_value(json_object_get(j, "private_key"));
	if (key == NULL ||
	    json_string_value(json_object_get(j, "client_email")) == NULL) {
		err_set(err, "source '%s': key_file '%s' has no client_email"
		    " or private_key (a service account's JSON key has both)",
		    s->name, path);
		goto out;
	}
	h->key_pem = xstrdup(key);
	h->client_id = xstrdup(json_string_value(json_object_get(j,
	    "client_email")));
	v = json_object_get(j, "token_uri");
	h->token_url = xstrdup(json_is_string(v) ? json_string_value(v) :
	    GOOGLE_TOKEN_URI);
	ret = 0;
out:
	if (j && (v = json_object_get(j, "private_key")) && json_is_string(v))
		explicit_bzero((char *)json_string_value(v),
		    json_string_length(v));
	json_decref(j);
	if (raw.s)
		explicit_bzero(raw.s, raw.cap);
	buf_release(&raw);
	free(path);
	return ret;
}

int
http_auth_open(struct http *h, const struct source_cfg *s,
    const struct http_options *o, struct errbuf *err)
{
	const char *v;

	h->auth = o->auth;
	v = source_get(s, "scope");
	h->scope = v ? xstrdup(v) : o->scopes ? xstrdup(o->scopes) : NULL;
	switch (h->auth) {
	case HTTP_AUTH_NONE:
		return 0;
	case HTTP_AUTH_BEARER:
		if ((v = http_token_url(s, o)) == NULL)
			return need_secret(h, s, "token", err);
		h->token_url = xstrdup(v);
		if ((v = source_get(s, "client_id")) == NULL) {
			err_set(err, "source '%s': token_url is set but"
			    " client_id is not", s->name);
			return -1;
		}
		h->client_id = xstrdup(v);
		return need_secret(h, s, "client_secret", err);
	case HTTP_AUTH_SSWS:
		return need_secret(h, s, "token", err);
	case HTTP_AUTH_BASIC:
		if ((v = source_get(s, "username")) == NULL) {
			err_set(err, "source '%s': username is not set",
			    s->name);
			return -1;
		}
		h->username = xstrdup(v);
		return need_secret(h, s, "password", err);
	case HTTP_AUTH_GOOGLE:
		if ((v = source_get(s, "subject")) != NULL)
			h->subject = xstrdup(v);
		return google_key(h, s, err);
	}
	return 0;
}

void
http_auth_close(struct http *h)
{
	wipe_free(h->secret);
	wipe_free(h->key_pem);
	wipe_free(h->access_token);
	free(h->username);
	free(h->token_url);
	free(h->client_id);
	free(h->scope);
	free(h->subject);
	h->secret = h->key_pem = h->access_token = NULL;
	h->username = h->token_url = h->client_id = h->scope = NULL;
	h->subject = NULL;
}

char *
http_jwt_rs256(const char *pem, const char *claims, struct errbuf *err)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	BIO *bio;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char *h64, *c64, *s64, *input, *jwt = NULL;

	h64 = b64((const unsigned char *)header, strlen(header), 1);
	c64 = b64((const unsigned char *)claims, strlen(claims), 1);
	input = xasprintf("%s.%s", h64, c64);
	if ((bio = BIO_new_mem_buf(pem, -1)) != NULL) {
		key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if (key == NULL) {
		err_set(err, "the private key is not a PEM private key");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, (unsigned char *)input,
	    strlen(input)) != 1) {
		err_set(err, "cannot sign with the private key (RS256)");
		goto out;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input,
	    strlen(input)) != 1) {
		err_set(err, "cannot sign with the private key (RS256)");
		goto out;
	}
	s64 = b64(sig, siglen, 1);
	jwt = xasprintf("%s.%s", input, s64);
	free(s64);
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	free(sig);
	free(h64);
	free(c64);
	free(input);
	return jwt;
}

/* Add "&key=value" (value percent-encoded) to a form. */
static void
form_add(struct buf *form, const char *key, const char *value)
{
	char *s = http_url_add("", key, value);

	/* http_url_add gives "?key=value": swap the '?' for '&' */
	if (form->len)
		buf_addc(form, '&');
	buf_adds(form, s + 1);
	explicit_bzero(s, strlen(s));
	free(s);
}

static char *
google_assertion(struct http *h, struct errbuf *err)
{
	json_t *c;
	char *claims, *jwt;
	time_t now = http_now();

	c = json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", h->client_id,
	    "scope", h->scope ? h->scope : "", "aud", h->token_url,
	    "iat", (json_int_t)now, "exp", (json_int_t)now + JWT_LIFETIME);
	if (h->subject)
		json_object_set_new(c, "sub", json_string(h->subject));
	claims = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	jwt = http_jwt_rs256(h->key_pem, claims, err);
	free(claims);
	if (jwt == NULL)
		err_prefix(err, "%s: key_file", h->name);
	return jwt;
}

/* Ask the token endpoint for an access token and cache it. */
static int
fetch_token(struct http *h, struct errbuf *err)
{
	struct buf form = BUF_INIT;
	struct http_page p;
	const char *tok;
	json_t *v;
	long long expires = 3600;
	char *jwt = NULL;
	int ret = -1;

	if (h->auth == HTTP_AUTH_GOOGLE) {
		if ((jwt = google_assertion(h, err)) == NULL)
			return -1;
		form_add(&form, "grant_type",
		    "urn:ietf:params:oauth:grant-type:jwt-bearer");
		form_add(&form, "assertion", jwt);
		wipe_free(jwt);
	} else {
		form_add(&form, "grant_type", "client_credentials");
		form_add(&form, "client_id", h->client_id);
		form_add(&form, "client_secret", h->secret);
		if (h->scope)
			form_add(&form, "scope", h->scope);
	}
	if (http_post_secret(h, h->token_url, buf_str(&form), &p, err) < 0) {
		/* name the credential; the message names the endpoint */
		size_t n = strlen(h->name);
		char *inner = xstrdup(strncmp(err->msg, h->name, n) == 0 &&
		    strncmp(err->msg + n, ": ", 2) == 0 ? err->msg + n + 2 :
		    err->msg);

		err_set(err, "%s: cannot get an access token (%s): %s",
		    h->name, h->cred_key ? h->cred_key : "client", inner);
		free(inner);
		goto out;
	}
	tok = json_string_value(json_object_get(p.body, "access_token"));
	if (tok == NULL || *tok == '\0') {
		err_set(err, "%s: cannot get an access token: %s answered"
		    " without an access_token", h->name, h->token_url);
		goto out;
	}
	v = json_object_get(p.body, "expires_in");
	if (json_is_integer(v))
		expires = json_integer_value(v);
	else if (json_is_string(v))
		expires = strtoll(json_string_value(v), NULL, 10);
	wipe_free(h->access_token);
	h->access_token = xstrdup(tok);
	/* short-lived tokens: refresh at half their life rather than never */
	h->token_expires = http_now() + (time_t)(expires > 2 * TOKEN_MARGIN ?
	    expires - TOKEN_MARGIN : expires / 2);
	ret = 0;
out:
	if (p.body && (v = json_object_get(p.body, "access_token")) &&
	    json_is_string(v))
		explicit_bzero((char *)json_string_value(v),
		    json_string_length(v));
	http_page_free(&p);
	if (form.s)
		explicit_bzero(form.s, form.cap);
	buf_release(&form);
	return ret;
}

int
http_auth_header(struct http *h, struct buf *hdr, struct errbuf *err)
{
	char *up, *enc;

	switch (h->auth) {
	case HTTP_AUTH_NONE:
		return 0;
	case HTTP_AUTH_SSWS:
		buf_addf(hdr, "Authorization: SSWS %s", h->secret);
		return 0;
	case HTTP_AUTH_BASIC:
		up = xasprintf("%s:%s", h->username, h->secret);
		enc = b64((unsigned char *)up, strlen(up), 0);
		buf_addf(hdr, "Authorization: Basic %s", enc);
		wipe_free(up);
		wipe_free(enc);
		return 0;
	case HTTP_AUTH_BEARER:
		if (h->token_url == NULL) {
			buf_addf(hdr, "Authorization: Bearer %s", h->secret);
			return 0;
		}
		/* FALLTHROUGH */
	case HTTP_AUTH_GOOGLE:
		if ((h->access_token == NULL ||
		    http_now() >= h->token_expires) && fetch_token(h, err) < 0)
			return -1;
		buf_addf(hdr, "Authorization: Bearer %s", h->access_token);
		return 0;
	}
	return 0;
}

int
http_auth_refreshable(struct http *h)
{
	if (h->access_token == NULL)
		return 0;
	wipe_free(h->access_token);
	h->access_token = NULL;
	return 1;
}
