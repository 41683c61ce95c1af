/*
 * reader.h: read a connector's records in a second thread (core/reader.c),
 * so that a pull parses the source's next page while the database stores the
 * last one. The queue between them is bounded: memory stays flat whatever
 * the source's size. The connector is used by the reader thread only.
 */
#ifndef ROLLCALL_READER_H
#define ROLLCALL_READER_H

#include "connector.h"

struct reader;

/* Start reading c (already open). NULL with err set if no thread. */
struct reader	*reader_start(struct connector *c, struct errbuf *err);
/*
 * The next record: 1 and *rec (valid until the next call), 0 at the end,
 * -1 with err set to the connector's error.
 */
int		 reader_next(struct reader *, const struct record **rec,
		    struct errbuf *err);
/* Stop (even mid-source), wait for the thread and free. NULL is fine. */
void		 reader_stop(struct reader *);

#endif
