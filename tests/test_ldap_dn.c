/* test_ldap_dn.c: DN equality and value formats of the LDAP connector. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rollcall/rollcall.h"
#include "../connectors/ldap_dn.h"

static void
assert_norm(const char *dn, int uid, const char *want)
{
	char *got = ldapc_dn_normalize(dn, uid);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_case_of_types_and_values(void **state)
{
	(void)state;
	assert_norm("uid=MBianchi,ou=People,dc=Example,dc=COM", 0,
	    "uid=mbianchi,ou=people,dc=example,dc=com");
	assert_norm("UID=mbianchi,OU=people,DC=example,DC=com", 0,
	    "uid=mbianchi,ou=people,dc=example,dc=com");
}

static void
test_spaces_after_commas(void **state)
{
	(void)state;
	assert_norm("UID=rkahale, OU=people, DC=example, DC=com", 0,
	    "uid=rkahale,ou=people,dc=example,dc=com");
	assert_norm("cn=Tor  Nilsen ,ou=people,dc=example,dc=com", 0,
	    "cn=tor nilsen,ou=people,dc=example,dc=com");
}

static void
test_escapes(void **state)
{
	char *a, *b;

	(void)state;
	a = ldapc_dn_normalize("cn=Ortiz\\2C Lena,ou=people,dc=example,dc=com", 0);
	b = ldapc_dn_normalize("cn=Ortiz\\, Lena,ou=people,dc=example,dc=com", 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	/* libldap writes RFC 4514 hex escapes; lower-cased like the rest */
	assert_string_equal(a, "cn=ortiz\\2c lena,ou=people,dc=example,dc=com");
	free(a);
	free(b);
}

static void
test_utf8_values(void **state)
{
	char *a, *b;

	(void)state;
	a = ldapc_dn_normalize("cn=Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m,dc=example,dc=com", 0);
	b = ldapc_dn_normalize("cn=Zo\\C3\\AB \\C3\\85ngstr\\C3\\B6m,dc=example,dc=com", 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void
test_oid_types_and_multivalued_rdn(void **state)
{
	(void)state;
	assert_norm("2.5.4.3=Admins,0.9.2342.19200300.100.1.25=example", 0,
	    "cn=admins,dc=example");
	assert_norm("uid=a+cn=B,dc=example", 0, "cn=b+uid=a,dc=example");
	assert_norm("CN=B+UID=a,dc=example", 0, "cn=b+uid=a,dc=example");
}

static void
test_unique_member_suffix(void **state)
{
	(void)state;
	assert_norm("uid=tnilsen,ou=people,dc=example,dc=com#'0101'B", 1,
	    "uid=tnilsen,ou=people,dc=example,dc=com");
	assert_norm("uid=tnilsen,ou=people,dc=example,dc=com", 1,
	    "uid=tnilsen,ou=people,dc=example,dc=com");
	/* only uniqueMember values carry the suffix; elsewhere it is data */
	assert_norm("uid=tnilsen,ou=people,dc=example,dc=com#'0101'B", 0,
	    "uid=tnilsen,ou=people,dc=example,dc=com#'0101'b");
	/* an escaped '#' is part of the value */
	assert_norm("cn=a\\#'01'B,dc=example", 1, "cn=a#'01'b,dc=example");
}

static void
test_not_a_dn(void **state)
{
	(void)state;
	assert_norm("olduser", 0, NULL);
	assert_norm("uid=a,,dc=x", 0, NULL);
	assert_norm("", 0, "");
}

static void
test_gentime(void **state)
{
	char out[21];

	(void)state;
	assert_int_equal(ldapc_gentime_iso("20240115103000Z", out), 0);
	assert_string_equal(out, "2024-01-15T10:30:00Z");
	assert_int_equal(ldapc_gentime_iso("20240115103000.123Z", out), 0);
	assert_string_equal(out, "2024-01-15T10:30:00Z");
	assert_int_equal(ldapc_gentime_iso("20230101000000.0Z", out), 0);
	assert_string_equal(out, "2023-01-01T00:00:00Z");
	assert_int_equal(ldapc_gentime_iso("202401150030+0100", out), 0);
	assert_string_equal(out, "2024-01-14T23:30:00Z");
	assert_int_equal(ldapc_gentime_iso("20241315103000Z", out), -1);
	assert_int_equal(ldapc_gentime_iso("yesterday", out), -1);
	assert_int_equal(ldapc_gentime_iso("20240115103000", out), -1);
}

static void
test_filetime(void **state)
{
	char out[21];
	long long t;

	(void)state;
	/* 2024-01-15T10:30:00Z = 1705314600 s */
	assert_int_equal(ldapc_filetime_iso("133497882000000000", out), 1);
	assert_string_equal(out, "2024-01-15T10:30:00Z");
	assert_int_equal(ldapc_filetime_secs("116444736000000000", &t), 1);
	assert_int_equal(t, 0);
	assert_int_equal(ldapc_filetime_iso("0", out), 0);
	assert_int_equal(ldapc_filetime_iso("9223372036854775807", out), 0);
	assert_int_equal(ldapc_filetime_iso("-1", out), -1);
	assert_int_equal(ldapc_filetime_iso("", out), -1);
}

static void
test_guid(void **state)
{
	static const unsigned char g[16] = {
		0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	char out[37];

	(void)state;
	ldapc_guid_str(g, out);
	assert_string_equal(out, "00112233-4455-6677-8899-aabbccddeeff");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_of_types_and_values),
		cmocka_unit_test(test_spaces_after_commas),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf8_values),
		cmocka_unit_test(test_oid_types_and_multivalued_rdn),
		cmocka_unit_test(test_unique_member_suffix),
		cmocka_unit_test(test_not_a_dn),
		cmocka_unit_test(test_gentime),
		cmocka_unit_test(test_filetime),
		cmocka_unit_test(test_guid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
