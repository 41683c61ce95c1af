/*
 * buf.h: a growable string with a ceiling (git's strbuf, curl's dynbuf).
 * buf_str() is never NULL; buf_add() fails past max so that a hostile
 * response cannot make us allocate without bound.
 */
#ifndef ROLLCALL_BUF_H
#define ROLLCALL_BUF_H

#include <stddef.h>

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* 0: no ceiling */
};

#define BUF_INIT { NULL, 0, 0, 0 }

int	 buf_add(struct buf *, const void *, size_t);	/* -1 past max */
int	 buf_addc(struct buf *, int);
int	 buf_adds(struct buf *, const char *);
int	 buf_addf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *buf_str(const struct buf *);
void	 buf_reset(struct buf *);		/* len = 0, keeps memory */
void	 buf_release(struct buf *);
char	*buf_detach(struct buf *);		/* caller frees; buf reset */

#endif
