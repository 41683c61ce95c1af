/*
 * reader.c: a connector read in its own thread, records handed over in
 * batches through a small ring (see reader.h). Strings are copied out of
 * the connector's buffers, which are only valid until its next call.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/reader.h"

#define BATCH	512		/* records per hand-over */
#define RING	4		/* batches in flight: bounds memory */

struct batch {
	struct record rec[BATCH];
	char	*mem[BATCH];	/* each record's strings, one block */
	size_t	 n;
};

struct reader {
	struct connector *c;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t	changed;
	struct batch ring[RING];
	size_t	 head, count;	/* consumer reads ring[head] */
	int	 done;		/* producer finished: 0 end, -1 error */
	int	 result;
	int	 stop;		/* consumer gave up */
	struct errbuf err;
	struct batch *cur;	/* batch being read by the consumer */
	size_t	 pos;
};

/* The string fields of a record, so that one loop copies them all. */
static size_t
fields(struct record *r, const char ***out)
{
	static const char **f[16];
	size_t n = 0;

	switch (r->type) {
	case REC_ACCOUNT:
		f[n++] = &r->u.account.native_id;
		f[n++] = &r->u.account.key;
		f[n++] = &r->u.account.login;
		f[n++] = &r->u.account.email;
		f[n++] = &r->u.account.aliases;
		f[n++] = &r->u.account.display_name;
		f[n++] = &r->u.account.status;
		f[n++] = &r->u.account.last_login;
		f[n++] = &r->u.account.created;
		f[n++] = &r->u.account.kind;
		f[n++] = &r->u.account.employee_id;
		break;
	case REC_ENTITLEMENT:
		f[n++] = &r->u.ent.native_id;
		f[n++] = &r->u.ent.key;
		f[n++] = &r->u.ent.name;
		f[n++] = &r->u.ent.kind;
		break;
	case REC_MEMBER:
		f[n++] = &r->u.member.group;
		f[n++] = &r->u.member.member;
		break;
	case REC_ISSUE:
		f[n++] = &r->u.issue.kind;
		f[n++] = &r->u.issue.detail;
		break;
	}
	*out = (const char **)f;
	return n;
}

/* Copy rec's strings into one block owned by the batch. */
static char *
own_strings(struct record *rec)
{
	const char ***f;
	size_t n, i, len = 0, l;
	char *mem, *p;

	n = fields(rec, (const char ***)&f);
	for (i = 0; i < n; i++)
		if (*f[i] != NULL)
			len += strlen(*f[i]) + 1;
	p = mem = xmalloc(len ? len : 1);
	for (i = 0; i < n; i++) {
		if (*f[i] == NULL)
			continue;
		l = strlen(*f[i]) + 1;
		memcpy(p, *f[i], l);
		*f[i] = p;
		p += l;
	}
	return mem;
}

static void
batch_clear(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->mem[i]);
	b->n = 0;
}

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct batch local;
	struct errbuf err = { "" };
	int rc = 1;

	while (rc > 0) {
		local.n = 0;
		while (local.n < BATCH) {
			struct record *rec = &local.rec[local.n];

			memset(rec, 0, sizeof(*rec));
			if ((rc = r->c->ops->next(r->c, rec, &err)) <= 0)
				break;
			local.mem[local.n++] = own_strings(rec);
		}
		pthread_mutex_lock(&r->lock);
		while (r->count == RING && !r->stop)
			pthread_cond_wait(&r->changed, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			batch_clear(&local);
			return NULL;
		}
		if (local.n > 0) {
			struct batch *slot = &r->ring[(r->head + r->count) % RING];

			memcpy(slot, &local, sizeof(local));
			r->count++;
		}
		if (rc <= 0) {
			r->done = 1;
			r->result = rc;
			r->err = err;
		}
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

struct reader *
reader_start(struct connector *c, struct errbuf *err)
{
	struct reader *r = xcalloc(1, sizeof(*r));

	r->c = c;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	if (pthread_create(&r->thread, NULL, reader_main, r) != 0) {
		err_set(err, "cannot start a reader thread");
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->changed);
		free(r);
		return NULL;
	}
	return r;
}

int
reader_next(struct reader *r, const struct record **rec, struct errbuf *err)
{
	if (r->cur != NULL && r->pos < r->cur->n) {
		*rec = &r->cur->rec[r->pos++];
		return 1;
	}
	pthread_mutex_lock(&r->lock);
	if (r->cur != NULL) {		/* give the used batch back */
		batch_clear(r->cur);
		r->cur = NULL;
		r->head = (r->head + 1) % RING;
		r->count--;
		pthread_cond_broadcast(&r->changed);
	}
	while (r->count == 0 && !r->done)
		pthread_cond_wait(&r->changed, &r->lock);
	if (r->count == 0) {
		pthread_mutex_unlock(&r->lock);
		if (r->result < 0) {
			*err = r->err;
			return -1;
		}
		return 0;
	}
	r->cur = &r->ring[r->head];
	r->pos = 0;
	pthread_mutex_unlock(&r->lock);
	*rec = &r->cur->rec[r->pos++];
	return 1;
}

void
reader_stop(struct reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	/* The thread may be inside next(); it notices at its next hand-over. */
	pthread_join(r->thread, NULL);
	for (i = 0; i < r->count; i++)
		batch_clear(&r->ring[(r->head + i) % RING]);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->changed);
	free(r);
}
