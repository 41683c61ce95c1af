/*
 * ldap_dn.h: the pure parts of the LDAP connector (connectors/ldap_dn.c),
 * apart so that tests/test_ldap_dn.c can check them without a server:
 * DN equality, LDAP time formats and AD's binary GUID.
 */
#ifndef ROLLCALL_LDAP_DN_H
#define ROLLCALL_LDAP_DN_H

#include <stddef.h>

/*
 * The form of a DN that two equal DNs share: attribute types lower case
 * (well-known OIDs by name), values lower case with insignificant spaces
 * dropped, escapes in RFC 4514's one form (`\2C` and `\,` both `\,`),
 * multi-valued RDNs sorted. With name_and_uid, uniqueMember's optional
 * `#'0101'B` suffix is removed first. Caller frees; NULL when the string
 * is not a DN.
 */
char	*ldapc_dn_normalize(const char *dn, int name_and_uid);

/*
 * Generalized time ("20240115103000Z", "20240115103000.5Z",
 * "202401151030+0100") into "YYYY-MM-DDTHH:MM:SSZ" (UTC). 0, or -1 when
 * it is not one.
 */
int	 ldapc_gentime_iso(const char *s, char out[21]);

/*
 * AD's FILETIME (100 ns ticks since 1601-01-01, as decimal text) into
 * "YYYY-MM-DDTHH:MM:SSZ". 1: converted; 0: "never" (0 or the largest
 * 64-bit value); -1: not a number.
 */
int	 ldapc_filetime_iso(const char *s, char out[21]);
/* The same as Unix seconds in *t; same results. */
int	 ldapc_filetime_secs(const char *s, long long *t);

/* 16 bytes of objectGUID as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
void	 ldapc_guid_str(const unsigned char g[16], char out[37]);

#endif
