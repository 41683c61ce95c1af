/*
 * recq.h: a small queue of records for connectors that turn one item of a
 * listing into several records (an account and its admin-role grants, a
 * group and a note). next() pops them one at a time.
 *
 * recq_push() copies the record and every string it points to, so that a
 * caller may build it from a scratch buffer or a JSON page that changes
 * before the record is handed out. The copies stay valid until the next
 * recq_reset() or recq_free(), which matches connector.h's promise (valid
 * until the next call of next()) when next() resets only to refill.
 */
#ifndef ROLLCALL_RECQ_H
#define ROLLCALL_RECQ_H

#include "rollcall/connector.h"

struct recq {
	struct record *r;
	size_t	 n, i, cap;
};

/* Append a copy of *rec, its strings included. */
void	recq_push(struct recq *, const struct record *);
/* Shorthands for the kinds most connectors queue. */
void	recq_issue(struct recq *, const char *kind, const char *detail);
void	recq_member(struct recq *, const char *group, const char *member);
/* 1 and *rec set to the oldest record not handed out yet; 0 when empty. */
int	recq_pop(struct recq *, struct record *rec);
/* Free every record's strings and empty the queue (keeps its array). */
void	recq_reset(struct recq *);
void	recq_free(struct recq *);

#endif
