/*
 * date.h: calendar dates as ISO "YYYY-MM-DD" strings, which sort and compare
 * as text. Parsing never guesses: a date that reads two ways is an error.
 */
#ifndef ROLLCALL_DATE_H
#define ROLLCALL_DATE_H

#include "rollcall.h"

/*
 * Parse s into out ("YYYY-MM-DD"). fmt NULL or "auto" accepts ISO
 * (YYYY-MM-DD, also with a time after it), US M/D/YYYY, European D.M.YYYY
 * and D/M/YYYY; a slash date whose day and month are both <= 12 and differ
 * is ambiguous and an error unless fmt says which. fmt otherwise is a
 * strftime-like pattern of %Y %m %d (e.g. "%m/%d/%Y", "%d.%m.%Y"); one-digit
 * days and months are accepted. Returns 0, or -1 with err naming the value.
 */
int	 date_parse(const char *s, const char *fmt, char out[11],
	    struct errbuf *);
/* A valid ISO date (YYYY-MM-DD, real calendar day)? */
int	 date_valid(const char *iso);
/* Days since 1970-01-01 of an ISO date (a time part is ignored); -1 if invalid. */
int	 date_days(const char *iso, long *days);
/* Days from a to b (b - a); both ISO dates (a time part is ignored). */
long	 date_diff(const char *a, const char *b);
/* iso + days, into out. */
void	 date_add(const char *iso, long days, char out[11]);
/* Today in UTC. */
void	 date_today(char out[11]);

#endif
