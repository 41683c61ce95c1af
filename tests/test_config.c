/* test_config.c: the INI config: values, defaults, secrets, errors with file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rollcall/config.h"

static char path[] = "/tmp/rollcall-conf-XXXXXX";

static struct config *
load_text(const char *text, struct errbuf *err)
{
	int fd;
	FILE *fp;

	strcpy(path, "/tmp/rollcall-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return config_load(path, 1, err);
}

static void
done(struct config *cfg)
{
	config_free(cfg);
	unlink(path);
}

static void
test_values_and_defaults(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;
	const struct source_cfg *s;

	(void)state;
	cfg = load_text("[hr]\nfile = hr.csv\nalias_domains = example.com,"
	    " example.io ; two brands\n\n[source \"corp-ldap\"]\n"
	    "type = ldap\nurl = ldap://127.0.0.1:3890\n"
	    "bind_password_env = RC_TEST_PW\npage_size = 100\n"
	    "owner = E1001\n\n[policy]\ndormant_days = 30\n", &err);
	assert_non_null(cfg);
	assert_string_equal(config_hr(cfg, "file"), "hr.csv");
	/* an inline comment after a value is not part of it */
	assert_string_equal(config_hr(cfg, "alias_domains"),
	    "example.com, example.io");
	assert_int_equal(cfg->dormant_days, 30);
	assert_int_equal(cfg->mfa_required, 1);
	assert_int_equal(cfg->upcoming_days, 14);
	assert_int_equal(cfg->nsrc, 1);
	s = config_source(cfg, "corp-ldap");
	assert_non_null(s);
	assert_string_equal(s->type, "ldap");
	assert_int_equal(source_get_long(s, "page_size", 500, 1, 10000, &err),
	    100);
	assert_int_equal(source_get_long(s, "timeout", 30, 1, 3600, &err), 30);
	assert_null(config_source(cfg, "other"));
	done(cfg);
}

static void
expect_error(const char *text, int line, const char *what)
{
	struct errbuf err = { "" };
	struct config *cfg = load_text(text, &err);
	char want[512];

	assert_null(cfg);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (strncmp(err.msg, want, strlen(want)) != 0 ||
	    strstr(err.msg, what) == NULL)
		fail_msg("got '%s', want '%s...%s'", err.msg, want, what);
	unlink(path);
}

static void
test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[hr]\nfile = hr.csv\nidcolumn = X\n", 3,
	    "unknown key 'idcolumn' in [hr]");
	expect_error("[source \"a\"]\ntype = ldap\nurl = ldap://x\n"
	    "bind_password = hunter2\n", 4, "must not be written in the"
	    " config");
	expect_error("[source \"a\"]\ntype = ldap\nbogus = 1\n", 3,
	    "unknown key 'bogus' in [source \"a\"]");
	expect_error("[source \"a\"]\ntype = nosuch\n", 2,
	    "unknown source type 'nosuch'");
	expect_error("[source \"a\"]\nurl = ldap://x\n", 1, "has no 'type'");
	expect_error("[sauce \"a\"]\ntype = ldap\n", 1, "unknown section");
	expect_error("[policy]\ndormant_days = ninety\n", 2,
	    "'dormant_days' must be a whole number");
	expect_error("[hr]\nfile = a\nfile = b\n", 3, "set twice");
	expect_error("[source \"a\"]\ntype = csv\n[source \"a\"]\ntype = csv\n",
	    3, "defined twice");
	expect_error("[hr]\nthis line is not ini\n", 2, "cannot parse");
}

static void
test_secret_never_in_message(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;

	(void)state;
	cfg = load_text("[source \"a\"]\ntype = ldap\n"
	    "bind_password = s3cr3t-value\n", &err);
	assert_null(cfg);
	assert_null(strstr(err.msg, "s3cr3t-value"));
	unlink(path);
}

static void
test_secret_from_env_and_file(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;
	char *secret = NULL;
	char spath[] = "/tmp/rollcall-secret-XXXXXX";
	char text[512];
	int fd = mkstemp(spath);

	(void)state;
	assert_true(write(fd, "from-file\n", 10) == 10);
	close(fd);
	setenv("RC_TEST_PW", "from-env", 1);
	snprintf(text, sizeof(text), "[source \"e\"]\ntype = ldap\n"
	    "url = ldap://x\nbind_password_env = RC_TEST_PW\n"
	    "[source \"f\"]\ntype = ldap\nurl = ldap://x\n"
	    "bind_password_file = %s\n[source \"n\"]\ntype = ldap\n"
	    "url = ldap://x\n[source \"u\"]\ntype = ldap\nurl = ldap://x\n"
	    "bind_password_env = RC_UNSET_VAR\n", spath);
	cfg = load_text(text, &err);
	assert_non_null(cfg);
	assert_int_equal(source_secret(config_source(cfg, "e"),
	    "bind_password", &secret, &err), 0);
	assert_string_equal(secret, "from-env");
	free(secret);
	assert_int_equal(source_secret(config_source(cfg, "f"),
	    "bind_password", &secret, &err), 0);
	assert_string_equal(secret, "from-file");
	free(secret);
	assert_int_equal(source_secret(config_source(cfg, "n"),
	    "bind_password", &secret, &err), 1);
	assert_null(secret);
	unsetenv("RC_UNSET_VAR");
	assert_int_equal(source_secret(config_source(cfg, "u"),
	    "bind_password", &secret, &err), -1);
	assert_non_null(strstr(err.msg, "RC_UNSET_VAR"));
	unlink(spath);
	done(cfg);
}

/* mode & 004: refused, naming the file and chmod 600; 040: allowed. */
static void
test_secret_file_mode(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;
	char *secret = NULL;
	char spath[] = "/tmp/rollcall-secret-XXXXXX";
	char text[512], want[512];
	int fd = mkstemp(spath);

	(void)state;
	assert_true(write(fd, "pw\n", 3) == 3);
	close(fd);
	snprintf(text, sizeof(text), "[source \"f\"]\ntype = ldap\n"
	    "url = ldap://x\nbind_password_file = %s\n", spath);
	cfg = load_text(text, &err);
	assert_non_null(cfg);
	assert_int_equal(chmod(spath, 0644), 0);
	assert_int_equal(source_secret(config_source(cfg, "f"),
	    "bind_password", &secret, &err), -1);
	assert_null(secret);
	snprintf(want, sizeof(want), "source 'f': bind_password_file '%s' is"
	    " readable by others (mode 0644): chmod 600 '%s'", spath, spath);
	assert_string_equal(err.msg, want);
	assert_int_equal(chmod(spath, 0640), 0);
	assert_int_equal(source_secret(config_source(cfg, "f"),
	    "bind_password", &secret, &err), 0);
	assert_string_equal(secret, "pw");
	free(secret);
	unlink(spath);
	done(cfg);
}

/* Names other imports' snapshots use, and an empty name, are refused. */
static void
test_reserved_source_names(void **state)
{
	static const char *const names[] = {
		"hr", "matrix", "sod", "overrides", "exceptions", "HR", NULL,
	};
	const char *const *n;
	char text[128], what[160];

	(void)state;
	for (n = names; *n; n++) {
		snprintf(text, sizeof(text), "[policy]\n[source \"%s\"]\n"
		    "type = csv\n", *n);
		snprintf(what, sizeof(what), "'%s' is reserved for `rollcall"
		    " import %s`", *n, *n);
		expect_error(text, 2, what);
	}
	expect_error("[source \"\"]\ntype = csv\n", 1, "a source needs a"
	    " name");
	expect_error("[source \" \"]\ntype = csv\n", 1, "a source needs a"
	    " name");
	assert_int_equal(source_name_reserved("Matrix"), 1);
	assert_int_equal(source_name_reserved("matrix2"), 0);
}

/* Checked at load, so a typo fails every command, not a later import. */
static void
test_values_checked_at_load(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;

	(void)state;
	expect_error("[hr]\ndate_format = %Q\n", 2, "[hr] date_format '%Q':"
	    " only %Y, %m and %d are understood");
	expect_error("[hr]\ndate_format = %Y\n", 2, "needs each of %Y, %m"
	    " and %d once");
	expect_error("[hr]\ndate_format = %dx%m%Y\n", 2, "only separators");
	expect_error("[hr]\ndelimiter = colon\n", 2, "[hr] delimiter must"
	    " be comma, semicolon, tab, pipe or auto (got 'colon')");
	expect_error("[source \"c\"]\ntype = csv\ndate_format = %m-%m-%Y\n",
	    3, "[source \"c\"] date_format");
	expect_error("[source \"c\"]\ntype = csv\ndelimiter = x\n", 3,
	    "[source \"c\"] delimiter must be");
	expect_error("[source \"l\"]\ntype = ldap\nbase = dc=x\n", 1,
	    "[source \"l\"] has no 'url'");
	expect_error("[source \"l\"]\ntype = ad\nurl = http://dc1\n", 3,
	    "url 'http://dc1' must start with ldap:// or ldaps://");
	expect_error("[source \"o\"]\ntype = okta\nurl = acme.okta.com\n", 3,
	    "[source \"o\"] url 'acme.okta.com' must start with https://");
	{
		static const char nul[] = "[policy]\ndormant_days = 90\n\0[x]\n";
		char npath[] = "/tmp/rollcall-conf-XXXXXX", want[256];
		int fd = mkstemp(npath);

		assert_true(write(fd, nul, sizeof(nul) - 1) ==
		    (ssize_t)sizeof(nul) - 1);
		close(fd);
		assert_null(config_load(npath, 1, &err));
		snprintf(want, sizeof(want), "%s:3: NUL byte: not a text file"
		    " (is it UTF-16? save it as UTF-8)", npath);
		assert_string_equal(err.msg, want);
		unlink(npath);
	}
	cfg = load_text("[hr]\ndate_format = %d.%m.%Y\ndelimiter = pipe\n"
	    "[source \"o\"]\ntype = okta\nurl = https://acme.okta.com\n"
	    "[source \"l\"]\ntype = ldap\nurl = LDAPS://dc1\n", &err);
	assert_non_null(cfg);
	done(cfg);
}

/* A secret key in capitals is still a secret; the hint names both keys. */
static void
test_inline_secret_message(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;
	char want[512];

	(void)state;
	cfg = load_text("[source \"x\"]\ntype = ldap\nurl = ldap://x\n"
	    "BIND_PASSWORD = hunter2\n", &err);
	assert_null(cfg);
	snprintf(want, sizeof(want), "%s:4: 'BIND_PASSWORD' must not be"
	    " written in the config: give the name of an environment variable"
	    " (bind_password_env) or a file (bind_password_file)", path);
	assert_string_equal(err.msg, want);
	unlink(path);
}

static void
test_missing_file(void **state)
{
	struct errbuf err = { "" };
	struct config *cfg;

	(void)state;
	cfg = config_load("/nonexistent/rollcall.conf", 0, &err);
	assert_non_null(cfg);		/* defaults */
	assert_int_equal(cfg->dormant_days, 90);
	config_free(cfg);
	assert_null(config_load("/nonexistent/rollcall.conf", 1, &err));
	assert_non_null(strstr(err.msg, "/nonexistent/rollcall.conf"));
}

static void
test_path_resolve(void **state)
{
	char *p;

	(void)state;
	p = config_path_resolve("/etc/rollcall/rollcall.conf", "hr.csv");
	assert_string_equal(p, "/etc/rollcall/hr.csv");
	free(p);
	p = config_path_resolve("/etc/rollcall/rollcall.conf", "/data/hr.csv");
	assert_string_equal(p, "/data/hr.csv");
	free(p);
	p = config_path_resolve("rollcall.conf", "hr.csv");
	assert_string_equal(p, "hr.csv");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_defaults),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_secret_never_in_message),
		cmocka_unit_test(test_secret_from_env_and_file),
		cmocka_unit_test(test_secret_file_mode),
		cmocka_unit_test(test_reserved_source_names),
		cmocka_unit_test(test_values_checked_at_load),
		cmocka_unit_test(test_inline_secret_message),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_path_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
