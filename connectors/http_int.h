/*
 * http_int.h: what connectors/http.c (transport, retries, pagination) and
 * connectors/http_auth.c (credentials, token requests) share. Not for
 * connectors: they use include/rollcall/http.h.
 */
#ifndef ROLLCALL_HTTP_INT_H
#define ROLLCALL_HTTP_INT_H

#include <time.h>

#include <curl/curl.h>

#include "rollcall/buf.h"
#include "rollcall/http.h"

struct source_cfg;

struct http {
	CURL	*curl;
	char	*name;		/* the source's name, for messages */
	char	*base;		/* base URL, no trailing '/' */
	long	 timeout;
	long	 max_retries;
	long	 max_wait;
	long	 page_size;	/* 0: unset */
	char	*accept;
	char	*user_agent;
	char	 curl_err[CURL_ERROR_SIZE];

	/* credential (http_auth.c); every secret here is wiped on close */
	enum http_auth auth;
	const char *cred_key;	/* "token_file"...: which key, for messages */
	char	*secret;	/* static token, password or client secret */
	char	*username;
	char	*token_url;	/* OAuth token endpoint (or Google token_uri) */
	char	*client_id;	/* OAuth client id (or Google client_email) */
	char	*scope;
	char	*subject;	/* Google: the user to act as */
	char	*key_pem;	/* Google: the service account's private key */
	char	*access_token;	/* cached OAuth/Google token */
	time_t	 token_expires;

	/* the current listing's next links and cursors (http_check_next) */
	char	**seen;
	size_t	 nseen;
	size_t	 capseen;
};

/* The largest body accepted (256 MB); tests lower it. */
extern size_t http_body_max;

/* The clock the retry logic and token expiry use (http_set_clock). */
time_t	 http_now(void);

/* Set up h's credential from the source's keys; -1 with err set. */
int	 http_auth_open(struct http *, const struct source_cfg *,
	    const struct http_options *, struct errbuf *);
/* Wipe and free the credential. */
void	 http_auth_close(struct http *);
/*
 * Append "Authorization: ..." to hdr (nothing for HTTP_AUTH_NONE),
 * fetching or refreshing a token first when needed.
 */
int	 http_auth_header(struct http *, struct buf *hdr, struct errbuf *);
/* Forget a cached token after a 401; 1 if a new one can be fetched. */
int	 http_auth_refreshable(struct http *);

/* POST form (no Authorization), wiping the form and response copies. */
int	 http_post_secret(struct http *, const char *url, const char *form,
	    struct http_page *, struct errbuf *);

/* RS256 JWT of claims (a JSON object text) signed with pem; caller frees. */
char	*http_jwt_rs256(const char *pem, const char *claims, struct errbuf *);

#endif
