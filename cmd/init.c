/* init.c: `rollcall init`: create the database and a sample config. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rollcall/cmd.h"
#include "rollcall/store.h"

static const char init_usage[] =
"usage: rollcall init\n"
"\n"
"Create the database (mode 0600) and, when the config file does not exist,\n"
"write a commented sample config there. Safe to run again.\n";

static const char sample_config[] =
"; rollcall configuration: see rollcall(1) and README.md.\n"
"; Secrets never go in this file: use KEY_env (an environment variable)\n"
"; or KEY_file (a file readable only by you).\n"
"\n"
"[hr]\n"
"file = hr.csv\n"
"; column names are auto-detected; override any, e.g.\n"
"; id_column = Worker ID\n"
"date_format = auto\n"
"; corporate e-mail domains, all equivalent (the first is the main one)\n"
"alias_domains = example.com\n"
"\n"
"[policy]\n"
"dormant_days = 90\n"
"mfa_required = yes\n"
"upcoming_days = 14\n"
"\n"
"[source \"corp-ldap\"]\n"
"type = ldap\n"
"url = ldaps://ldap.example.com\n"
"bind_dn = cn=reader,dc=example,dc=com\n"
"bind_password_env = LDAP_PASSWORD\n"
"base = ou=people,dc=example,dc=com\n"
"group_base = ou=groups,dc=example,dc=com\n"
"; who reviews orphans and service accounts here (an employee id)\n"
"owner = E1001\n"
"privileged = cn=admins,*\n"
"service_accounts = svc-*\n"
"\n"
"; a system that only exports CSV (load with: rollcall import accounts billing FILE)\n"
"; [source \"billing\"]\n"
"; type = csv\n"
"; owner = E1001\n";

int
cmd_init(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	FILE *fp;
	int ch, fd;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		usage_exit(init_usage, ch == 'h');
	if (optind != argc)
		usage_exit(init_usage, 0);
	ctx_store(ctx);
	note("database %s ready (schema %d)", ctx->db_path,
	    store_schema_version());
	fd = open(ctx->config_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			note("config %s exists; left as it is",
			    ctx->config_path);
			return RC_OK;
		}
		error("cannot create '%s': %s", ctx->config_path,
		    strerror(errno));
		return RC_FAILURE;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		error("cannot write '%s': %s", ctx->config_path,
		    strerror(errno));
		return RC_FAILURE;
	}
	fputs(sample_config, fp);
	if (close_stream(fp) != 0) {
		error("cannot write '%s': %s", ctx->config_path,
		    strerror(errno));
		return RC_FAILURE;
	}
	note("wrote a sample config to %s", ctx->config_path);
	return RC_OK;
}
