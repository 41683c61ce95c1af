/* audit.c: the audit trail's rows; what goes in them is in audit.h. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "rollcall/audit.h"
#include "rollcall/cmd.h"
#include "rollcall/store.h"

const char *
audit_os_user(void)
{
	static char name[64];
	struct passwd *pw;
	const char *s;

	if (name[0] != '\0')
		return name;
	/* The uid's name first: $USER is whatever the caller set. */
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
		s = pw->pw_name;
	else if ((s = getenv("USER")) == NULL || *s == '\0')
		s = NULL;
	if (s != NULL)
		snprintf(name, sizeof(name), "%s", s);
	else
		snprintf(name, sizeof(name), "uid %ld", (long)geteuid());
	return name;
}

/* An option (--x or -x) whose name says its value is a secret. */
static int
is_secret_option(const char *arg, size_t len)
{
	static const char *const words[] = { "password", "passwd", "token",
	    "secret" };
	char *name;
	size_t i;
	int hit = 0;

	if (arg[0] != '-')
		return 0;
	name = str_lower(arg);
	name[len] = '\0';
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(name, words[i]) != NULL)
			hit = 1;
	free(name);
	return hit;
}

char *
audit_args_json(int argc, char *const *argv)
{
	json_t *a = json_array(), *j;
	char *s;
	int i;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '=');

		if (arg[0] == '-' && eq != NULL &&
		    is_secret_option(arg, (size_t)(eq - arg))) {
			/* --token=VALUE: keep the name, drop the value */
			s = xstrndup(arg, (size_t)(eq - arg + 1));
			json_array_append_new(a, json_string(s));
			free(s);
			continue;
		}
		if ((j = json_string(arg)) == NULL)
			j = json_string("(not UTF-8)");
		json_array_append_new(a, j);
		if (eq == NULL && is_secret_option(arg, strlen(arg)) &&
		    i + 1 < argc)
			i++;		/* its value, dropped */
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (s == NULL)
		s = xstrdup("[]");
	return s;
}

int
audit_append(struct store *st, const struct audit_entry *e,
    struct errbuf *err)
{
	sqlite3_stmt *stmt;
	char now[21];
	int ret;

	now_iso(now);
	stmt = store_prepare(st, "INSERT INTO audit_log (at, os_user, command,"
	    " args, result, counts, campaign) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, e->at ? e->at : now);
	store_bind_text(stmt, 2, e->os_user);
	sqlite3_bind_text(stmt, 3, e->command ? e->command : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, e->args ? e->args : "[]", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(stmt, 5, e->result);
	store_bind_text(stmt, 6, e->counts);
	store_bind_text(stmt, 7, e->campaign);
	ret = store_step_done(st, stmt, err);
	sqlite3_finalize(stmt);
	return ret;
}

int
audit_each(struct store *st, const char *since, const char *campaign,
    int (*fn)(const struct audit_entry *, void *, struct errbuf *),
    void *arg, struct errbuf *err)
{
	sqlite3_stmt *stmt;
	struct audit_entry e;
	int rc, ret = -1;

	stmt = store_prepare(st, "SELECT id, at, os_user, command, args,"
	    " result, counts, campaign FROM audit_log"
	    " WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR campaign = ?2)"
	    " ORDER BY id", err);
	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, since);
	store_bind_text(stmt, 2, campaign);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(stmt, 0);
		e.at = store_col(stmt, 1);
		e.os_user = store_col(stmt, 2);
		e.command = store_col(stmt, 3);
		e.args = store_col(stmt, 4);
		e.result = sqlite3_column_int(stmt, 5);
		e.counts = store_col(stmt, 6);
		e.campaign = store_col(stmt, 7);
		if (fn(&e, arg, err) < 0)
			goto out;
	}
	if (rc == SQLITE_DONE)
		ret = 0;
	else
		err_set(err, "cannot read the audit log: %s",
		    store_errmsg(st));
out:
	sqlite3_finalize(stmt);
	return ret;
}

void
audit_set_counts(struct ctx *ctx, const char *json)
{
	free(ctx->audit_counts);
	ctx->audit_counts = json ? xstrdup(json) : NULL;
}

void
audit_set_campaign(struct ctx *ctx, const char *name)
{
	free(ctx->audit_campaign);
	ctx->audit_campaign = name ? xstrdup(name) : NULL;
}
