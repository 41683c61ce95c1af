/*
 * date.c: ISO calendar dates as text (see date.h).
 *
 * HR exports write dates every way there is: 2026-03-04, 3/4/2026,
 * 04.03.2026. A day and month read the wrong way round make someone
 * terminated who is not, so parsing never guesses: 03/04/2026 without a
 * date_format is an error that says which setting fixes it, and with a
 * date_format anything that does not fit it is an error too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollcall/date.h"

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(long y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return mdays[m - 1];
}

static int
ymd_valid(long y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days_in_month(y, m);
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void
format_iso(long y, int m, int d, char out[11])
{
	char tmp[32];

	/* Bounded for the compiler's sake: callers pass valid dates. */
	snprintf(tmp, sizeof(tmp), "%04ld-%02d-%02d", y % 10000,
	    (m % 100 + 100) % 100, (d % 100 + 100) % 100);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

/* Up to max digits (at least min) at *p; the value, or -1. */
static long
digits(const char **p, int min, int max)
{
	long v = 0;
	int n = 0;

	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

static int
two_digits(const char **p)
{
	return (int)digits(p, 2, 2);
}

/*
 * What may follow a date: nothing, or a time ("T10:00", " 10:00:00.000Z",
 * "T10:00:00+02:00"), as exports of date-time columns have it.
 */
static int
time_part_ok(const char *p)
{
	int h;

	if (*p == '\0')
		return 1;
	if (*p != 'T' && *p != ' ')
		return 0;
	p++;
	if ((h = two_digits(&p)) < 0 || h > 23 || *p++ != ':' ||
	    two_digits(&p) < 0)
		return 0;
	if (*p == ':' && (p++, two_digits(&p) < 0))
		return 0;
	if (*p == '.' || *p == ',') {
		p++;
		if (digits(&p, 1, 9) < 0)
			return 0;
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		p++;
		if (two_digits(&p) < 0)
			return 0;
		if (*p == ':')
			p++;
		if (*p != '\0' && two_digits(&p) < 0)
			return 0;
	}
	return *p == '\0';
}

static int
bad_date(const char *s, const char *fmt, struct errbuf *err)
{
	if (fmt)
		err_set(err, "invalid date '%s' (date_format %s)", s, fmt);
	else
		err_set(err, "invalid date '%s' (expected YYYY-MM-DD, M/D/YYYY,"
		    " D/M/YYYY or D.M.YYYY; or set date_format)", s);
	return -1;
}

static int
finish(long y, int m, int d, const char *s, const char *fmt, char out[11],
    struct errbuf *err)
{
	if (!ymd_valid(y, m, d))
		return bad_date(s, fmt, err);
	format_iso(y, m, d, out);
	return 0;
}

/* Given a pattern of %Y %m %d and literal characters. */
static int
parse_fmt(const char *s, const char *fmt, char out[11], struct errbuf *err)
{
	const char *p = s, *f;
	long y = -1, v;
	int m = -1, d = -1;

	for (f = fmt; *f; f++) {
		if (*f != '%' || f[1] == '%') {
			if (*p++ != *f)
				return bad_date(s, fmt, err);
			f += *f == '%';
			continue;
		}
		f++;
		if (*f == 'Y')
			v = y = digits(&p, 4, 4);
		else if (*f == 'm')
			v = m = (int)digits(&p, 1, 2);
		else if (*f == 'd')
			v = d = (int)digits(&p, 1, 2);
		else {
			err_set(err, "date_format '%s': only %%Y, %%m and %%d"
			    " are understood", fmt);
			return -1;
		}
		if (v < 0)
			return bad_date(s, fmt, err);
	}
	if (y < 0 || m < 0 || d < 0) {
		err_set(err, "date_format '%s' needs %%Y, %%m and %%d", fmt);
		return -1;
	}
	if (!time_part_ok(p))
		return bad_date(s, fmt, err);
	return finish(y, m, d, s, fmt, out, err);
}

/* a SEP b SEP YYYY with one- or two-digit a and b; 0 or -1. */
static int
split3(const char *s, int sep, int *a, int *b, long *y)
{
	const char *p = s;

	if ((*a = (int)digits(&p, 1, 2)) < 0 || *p++ != sep ||
	    (*b = (int)digits(&p, 1, 2)) < 0 || *p++ != sep ||
	    (*y = digits(&p, 4, 4)) < 0 || *p != '\0')
		return -1;
	return 0;
}

static int
parse_auto(const char *s, char out[11], struct errbuf *err)
{
	const char *p = s;
	long y;
	int a, b;

	if (strlen(s) >= 8 && s[4] == '-') {
		y = digits(&p, 4, 4);
		if (*p++ != '-' || (a = (int)digits(&p, 1, 2)) < 0 ||
		    *p++ != '-' || (b = (int)digits(&p, 1, 2)) < 0 ||
		    !time_part_ok(p))
			return bad_date(s, NULL, err);
		return finish(y, a, b, s, NULL, out, err);
	}
	if (split3(s, '.', &a, &b, &y) == 0)	/* always D.M.YYYY */
		return finish(y, b, a, s, NULL, out, err);
	if (split3(s, '/', &a, &b, &y) < 0)
		return bad_date(s, NULL, err);
	if (a <= 12 && b <= 12 && a != b) {
		err_set(err, "ambiguous date '%s': set date_format (e.g."
		    " %%m/%%d/%%Y or %%d/%%m/%%Y)", s);
		return -1;
	}
	if (a > 12)				/* D/M/YYYY */
		return finish(y, b, a, s, NULL, out, err);
	return finish(y, a, b, s, NULL, out, err);	/* M/D/YYYY */
}

int
date_parse(const char *s, const char *fmt, char out[11], struct errbuf *err)
{
	if (s == NULL || *s == '\0') {
		err_set(err, "empty date");
		return -1;
	}
	if (fmt == NULL || *fmt == '\0' || strcmp(fmt, "auto") == 0)
		return parse_auto(s, out, err);
	return parse_fmt(s, fmt, out, err);
}

/* y, m, d of an ISO date (a time part after it is fine); 0 or -1. */
static int
iso_split(const char *iso, long *y, int *m, int *d)
{
	const char *p = iso;

	if (iso == NULL || (*y = digits(&p, 4, 4)) < 0 || *p++ != '-' ||
	    (*m = two_digits(&p)) < 0 || *p++ != '-' ||
	    (*d = two_digits(&p)) < 0 || !ymd_valid(*y, *m, *d))
		return -1;
	return 0;
}

int
date_valid(const char *iso)
{
	long y;
	int m, d;

	return iso != NULL && strlen(iso) == 10 && iso_split(iso, &y, &m, &d)
	    == 0;
}

int
date_days(const char *iso, long *days)
{
	long y;
	int m, d;

	if (iso_split(iso, &y, &m, &d) < 0)
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* Days since 1970-01-01 of an ISO date; 0 for an invalid one. */
static long
iso_days(const char *iso)
{
	long n = 0;

	date_days(iso, &n);
	return n;
}

long
date_diff(const char *a, const char *b)
{
	return iso_days(b) - iso_days(a);
}

void
date_add(const char *iso, long days, char out[11])
{
	long y;
	int m, d;

	civil_from_days(iso_days(iso) + days, &y, &m, &d);
	format_iso(y, m, d, out);
}

void
date_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
