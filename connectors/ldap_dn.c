/*
 * ldap_dn.c: DN equality and LDAP value formats for the LDAP connector.
 * Group members are DNs written by whoever edited the group, in whatever
 * case, spacing and escaping they liked; accounts are found by the server's
 * own DN. Both go through ldapc_dn_normalize() so that equal DNs (by the
 * directory's rules for uid, cn, ou, dc: case-insensitive) are equal
 * strings. Parsing is libldap's (ldap_str2dn/ldap_dn2str), never ours.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "rollcall/rollcall.h"
#include "ldap_dn.h"

/* Attribute types that may come as OIDs, and the names servers print. */
static const struct {
	const char *oid;
	const char *name;
} dn_oids[] = {
	{ "0.9.2342.19200300.100.1.1", "uid" },
	{ "0.9.2342.19200300.100.1.25", "dc" },
	{ "2.5.4.3", "cn" },
	{ "2.5.4.6", "c" },
	{ "2.5.4.7", "l" },
	{ "2.5.4.8", "st" },
	{ "2.5.4.10", "o" },
	{ "2.5.4.11", "ou" },
};

static void
bv_lower(struct berval *bv)
{
	ber_len_t i;

	for (i = 0; i < bv->bv_len; i++)
		bv->bv_val[i] = (char)tolower((unsigned char)bv->bv_val[i]);
}

/* Drop leading and trailing spaces and fold runs of them into one. */
static void
bv_squeeze(struct berval *bv)
{
	ber_len_t i, j = 0;

	for (i = 0; i < bv->bv_len; i++) {
		if (bv->bv_val[i] == ' ' &&
		    (j == 0 || bv->bv_val[j - 1] == ' '))
			continue;
		bv->bv_val[j++] = bv->bv_val[i];
	}
	while (j > 0 && bv->bv_val[j - 1] == ' ')
		j--;
	bv->bv_len = j;
}

static int
bv_cmp(const struct berval *a, const struct berval *b)
{
	ber_len_t n = a->bv_len < b->bv_len ? a->bv_len : b->bv_len;
	int c = memcmp(a->bv_val, b->bv_val, n);

	if (c != 0)
		return c;
	return (a->bv_len > b->bv_len) - (a->bv_len < b->bv_len);
}

static int
ava_cmp(const void *pa, const void *pb)
{
	const LDAPAVA *a = *(LDAPAVA *const *)pa, *b = *(LDAPAVA *const *)pb;
	int c = bv_cmp(&a->la_attr, &b->la_attr);

	return c != 0 ? c : bv_cmp(&a->la_value, &b->la_value);
}

static void
ava_normalize(LDAPAVA *ava)
{
	size_t i;

	bv_lower(&ava->la_attr);
	for (i = 0; i < ARRAY_SIZE(dn_oids); i++) {
		if (ava->la_attr.bv_len != strlen(dn_oids[i].oid) ||
		    memcmp(ava->la_attr.bv_val, dn_oids[i].oid,
		    ava->la_attr.bv_len) != 0)
			continue;
		if (ava->la_flags & LDAP_AVA_FREE_ATTR)
			ber_memfree(ava->la_attr.bv_val);
		ava->la_flags &= ~LDAP_AVA_FREE_ATTR;
		/* dn2str only reads it; ldap_dnfree no longer frees it */
		ava->la_attr.bv_val = (char *)dn_oids[i].name;
		ava->la_attr.bv_len = strlen(dn_oids[i].name);
		break;
	}
	/* a #BER value is compared as the bytes it encodes */
	if (ava->la_flags & LDAP_AVA_BINARY)
		return;
	bv_lower(&ava->la_value);
	bv_squeeze(&ava->la_value);
}

/* uniqueMember is nameAndOptionalUID: DN ["#'" bits "'B"] */
static void
strip_optional_uid(char *s)
{
	size_t n = strlen(s), i;

	if (n < 4 || s[n - 1] != 'B' || s[n - 2] != '\'')
		return;
	for (i = n - 2; i > 0 && (s[i - 1] == '0' || s[i - 1] == '1'); i--)
		;
	if (i >= 2 && s[i - 1] == '\'' && s[i - 2] == '#' &&
	    (i < 3 || s[i - 3] != '\\'))
		s[i - 2] = '\0';
}

char *
ldapc_dn_normalize(const char *dn, int name_and_uid)
{
	char *copy, *str = NULL, *out = NULL;
	LDAPDN parsed = NULL;
	size_t i, j, n;

	if (dn == NULL)
		return NULL;
	copy = xstrdup(dn);
	if (name_and_uid)
		strip_optional_uid(copy);
	if (ldap_str2dn(copy, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		goto out;
	for (i = 0; parsed && parsed[i]; i++) {
		for (n = 0; parsed[i][n]; n++)
			ava_normalize(parsed[i][n]);
		qsort(parsed[i], n, sizeof(parsed[i][0]), ava_cmp);
	}
	if (ldap_dn2str(parsed, &str, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		goto out;
	out = xstrdup(str ? str : "");
	/* hex escapes of non-ASCII bytes come in either case */
	for (j = 0; out[j]; j++)
		out[j] = (char)tolower((unsigned char)out[j]);
out:
	ldap_memfree(str);
	ldap_dnfree(parsed);
	free(copy);
	return out;
}

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static void
secs_iso(long long t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
ldapc_gentime_iso(const char *s, char out[21])
{
	struct tm tm;
	int y, mo, d, h, mi = 0, sec = 0, oh, om, sign;
	long long t;
	const char *p;

	if (s == NULL || strlen(s) < 11 || digits(s, 4, &y) < 0 ||
	    digits(s + 4, 2, &mo) < 0 || digits(s + 6, 2, &d) < 0 ||
	    digits(s + 8, 2, &h) < 0)
		return -1;
	p = s + 10;
	if (isdigit((unsigned char)*p)) {
		if (digits(p, 2, &mi) < 0)
			return -1;
		p += 2;
		if (isdigit((unsigned char)*p)) {
			if (digits(p, 2, &sec) < 0)
				return -1;
			p += 2;
		}
	}
	if (*p == '.' || *p == ',') {		/* fraction: dropped */
		for (p++; isdigit((unsigned char)*p); p++)
			;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (long long)timegm(&tm);
	if (*p == 'Z' && p[1] == '\0') {
		;
	} else if ((*p == '+' || *p == '-') && strlen(p) >= 3) {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) < 0)
			return -1;
		om = 0;
		if (p[3] != '\0' && (strlen(p) != 5 || digits(p + 3, 2, &om) < 0))
			return -1;
		t -= sign * (oh * 3600LL + om * 60LL);
	} else {
		return -1;
	}
	secs_iso(t, out);
	return 0;
}

int
ldapc_filetime_secs(const char *s, long long *t)
{
	unsigned long long v = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return -1;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (v == 0 || v >= 9223372036854775807ULL)
		return 0;
	/* 11644473600: seconds from 1601-01-01 to 1970-01-01 */
	*t = (long long)(v / 10000000ULL) - 11644473600LL;
	return 1;
}

int
ldapc_filetime_iso(const char *s, char out[21])
{
	long long t;
	int rc = ldapc_filetime_secs(s, &t);

	if (rc == 1)
		secs_iso(t, out);
	return rc;
}

void
ldapc_guid_str(const unsigned char g[16], char out[37])
{
	/* the first three fields are little-endian on the wire */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0], g[5], g[4],
	    g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}
