/*
 * recq.c: see recq.h.
 */
#include <stdlib.h>
#include <string.h>

#include "rollcall/rollcall.h"
#include "recq.h"

static const char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The string fields of a record, by type, for copying and freeing. */
static size_t
strings_of(struct record *r, const char ***out)
{
	struct rec_account *a = &r->u.account;
	struct rec_entitlement *e = &r->u.ent;
	size_t n = 0;

	switch (r->type) {
	case REC_ACCOUNT:
		out[n++] = &a->native_id;
		out[n++] = &a->key;
		out[n++] = &a->login;
		out[n++] = &a->email;
		out[n++] = &a->aliases;
		out[n++] = &a->display_name;
		out[n++] = &a->status;
		out[n++] = &a->last_login;
		out[n++] = &a->created;
		out[n++] = &a->kind;
		out[n++] = &a->employee_id;
		break;
	case REC_ENTITLEMENT:
		out[n++] = &e->native_id;
		out[n++] = &e->key;
		out[n++] = &e->name;
		out[n++] = &e->kind;
		break;
	case REC_MEMBER:
		out[n++] = &r->u.member.group;
		out[n++] = &r->u.member.member;
		break;
	case REC_ISSUE:
		out[n++] = &r->u.issue.kind;
		out[n++] = &r->u.issue.detail;
		break;
	}
	return n;
}

#define MAX_STRINGS 11

void
recq_push(struct recq *q, const struct record *rec)
{
	const char **s[MAX_STRINGS];
	struct record *r;
	size_t i, n;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->r = xrealloc(q->r, q->cap * sizeof(*q->r));
	}
	r = &q->r[q->n++];
	*r = *rec;
	n = strings_of(r, s);
	for (i = 0; i < n; i++)
		*s[i] = dup_or_null(*s[i]);
}

void
recq_issue(struct recq *q, const char *kind, const char *detail)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.type = REC_ISSUE;
	r.u.issue.kind = kind;
	r.u.issue.detail = detail;
	recq_push(q, &r);
}

void
recq_member(struct recq *q, const char *group, const char *member)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.type = REC_MEMBER;
	r.u.member.group = group;
	r.u.member.member = member;
	r.u.member.ref = MEMBER_BY_KEY;
	recq_push(q, &r);
}

int
recq_pop(struct recq *q, struct record *rec)
{
	if (q->i >= q->n)
		return 0;
	*rec = q->r[q->i++];
	return 1;
}

void
recq_reset(struct recq *q)
{
	const char **s[MAX_STRINGS];
	size_t i, j, n;

	for (i = 0; i < q->n; i++) {
		n = strings_of(&q->r[i], s);
		for (j = 0; j < n; j++)
			free((char *)*s[j]);
	}
	q->n = q->i = 0;
}

void
recq_free(struct recq *q)
{
	recq_reset(q);
	free(q->r);
	q->r = NULL;
	q->cap = 0;
}
