/* chain.c: the decisions' hash chain; the format is in chain.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "rollcall/chain.h"
#include "rollcall/rollcall.h"

void
chain_genesis(const char *campaign, char out[65])
{
	char *s = xasprintf("rollcall:%s", campaign);

	sha256_hex(s, strlen(s), out);
	free(s);
}

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

void
chain_hash(const char *prev, const struct chain_link *l, char out[65])
{
	json_t *a = json_array();
	char *s;

	json_array_append_new(a, jstr(prev));
	json_array_append_new(a, jstr(l->campaign));
	json_array_append_new(a, jstr(l->item_id));
	json_array_append_new(a, jstr(l->decision));
	json_array_append_new(a, jstr(l->comment));
	json_array_append_new(a, jstr(l->reviewer_id));
	json_array_append_new(a, jstr(l->decided_at));
	json_array_append_new(a, jstr(l->file_sha256));
	s = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(a);
	if (s == NULL) {
		fputs("rollcall: out of memory\n", stderr);
		abort();
	}
	sha256_hex(s, strlen(s), out);
	free(s);
}
