/*
 * saas.h: small helpers the HTTP/JSON connectors share.
 */
#ifndef ROLLCALL_SAAS_H
#define ROLLCALL_SAAS_H

#include <jansson.h>

/* The string at o[key], or NULL when absent or not a string. */
static inline const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* 1 true, 0 false, -1 absent or not a boolean */
static inline int
jbool(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* Percent-encode a URL path segment (RFC 3986 unreserved pass); free it. */
char	*saas_path_escape(const char *s);

#endif
