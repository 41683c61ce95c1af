/*
 * pull.c: run one source's connector into a new snapshot.
 *
 * One transaction per source: accounts and groups are stored as they
 * stream in, group memberships go to a temporary table, and only after the
 * last record are members resolved (a member may name an account or a group
 * that comes later), nested groups expanded into grants with their path,
 * cycles and dangling members noted. A failure anywhere rolls all of it
 * back and records a failed snapshot: the previous one stays current.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollcall/buf.h"
#include "rollcall/config.h"
#include "rollcall/connector.h"
#include "rollcall/pull.h"
#include "rollcall/reader.h"

/* Data-quality notes printed during a pull; the rest are in the snapshot. */
#define MAX_ISSUES_SHOWN 20

struct pull {
	struct store *st;
	const struct source_cfg *src;
	int64_t	 snap;
	sqlite3_stmt *ins_account, *ins_ent, *ins_member;
	const char *privileged;		/* the source's globs */
	const char *service;
	struct pull_result *res;
	long	 shown;
};

static const char *
mfa_word(enum mfa_state m)
{
	switch (m) {
	case MFA_ENROLLED:
		return "enrolled";
	case MFA_NOT_ENROLLED:
		return "not_enrolled";
	default:
		return "unknown";
	}
}

static int
pull_issue(struct pull *p, const char *kind, const char *detail,
    struct errbuf *err)
{
	if (p->shown++ < MAX_ISSUES_SHOWN)
		warning("%s: %s", p->src->name, detail);
	else if (p->shown == MAX_ISSUES_SHOWN + 1)
		warning("%s: more data-quality notes; see `rollcall sources`",
		    p->src->name);
	p->res->issues++;
	return snapshot_issue(p->st, p->snap, kind, detail, err);
}

static int
put_account(struct pull *p, const struct rec_account *a, struct errbuf *err)
{
	sqlite3_stmt *s = p->ins_account;
	const char *kind = a->kind;
	int rc;

	if (str_empty(a->native_id)) {
		err_set(err, "an account without an id (login '%s')",
		    a->login ? a->login : "");
		return -1;
	}
	if (kind == NULL)
		kind = glob_list_match(p->service, a->login) ? "service" :
		    "human";
	/* Checked here: the pull runs with CHECK constraints off. */
	if (strcmp(kind, "human") != 0 && strcmp(kind, "service") != 0 &&
	    strcmp(kind, "shared") != 0 && strcmp(kind, "external") != 0) {
		err_set(err, "account '%s': unknown kind '%s'", a->native_id,
		    kind);
		return -1;
	}
	sqlite3_bind_int64(s, 1, p->snap);
	store_bind_text(s, 2, p->src->name);
	store_bind_text(s, 3, a->native_id);
	store_bind_text(s, 4, a->key ? a->key : a->native_id);
	store_bind_text(s, 5, a->login);
	store_bind_text(s, 6, a->email);
	store_bind_text(s, 7, a->aliases);
	store_bind_text(s, 8, a->display_name);
	store_bind_text(s, 9, a->status);
	sqlite3_bind_int(s, 10, a->active ? 1 : 0);
	store_bind_text(s, 11, mfa_word(a->mfa));
	store_bind_text(s, 12, a->last_login);
	store_bind_text(s, 13, a->created);
	store_bind_text(s, 14, kind);
	store_bind_text(s, 15, a->employee_id);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		/* A server that sends a page twice would double the list. */
		err_set(err, "the source returned account '%s' twice; the pull"
		    " is not trustworthy", a->native_id);
		return -1;
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot store account '%s': %s", a->native_id,
		    store_errmsg(p->st));
		return -1;
	}
	p->res->counts.records++;
	return 0;
}

static int
put_entitlement(struct pull *p, const struct rec_entitlement *e,
    struct errbuf *err)
{
	sqlite3_stmt *s = p->ins_ent;
	const char *name = str_empty(e->name) ? e->native_id : e->name;
	const char *key = e->key ? e->key : e->native_id;
	int priv = e->privileged;

	if (str_empty(e->native_id)) {
		err_set(err, "a group or role without an id");
		return -1;
	}
	if (priv < 0)
		priv = glob_list_match(p->privileged, name) ||
		    glob_list_match(p->privileged, key);
	sqlite3_bind_int64(s, 1, p->snap);
	store_bind_text(s, 2, p->src->name);
	store_bind_text(s, 3, e->native_id);
	store_bind_text(s, 4, key);
	store_bind_text(s, 5, name);
	store_bind_text(s, 6, e->kind ? e->kind : "group");
	sqlite3_bind_int(s, 7, priv);
	if (store_step_done(p->st, s, err) < 0)
		return -1;
	if (sqlite3_changes(store_db(p->st)) > 0)
		p->res->counts.entitlements++;
	return 0;
}

static int
put_member(struct pull *p, const struct rec_member *m, struct errbuf *err)
{
	sqlite3_stmt *s = p->ins_member;

	if (str_empty(m->group) || str_empty(m->member))
		return 0;
	store_bind_text(s, 1, m->group);
	store_bind_text(s, 2, m->member);
	sqlite3_bind_int(s, 3, m->ref == MEMBER_BY_LOGIN);
	return store_step_done(p->st, s, err);
}

static int
prepare(struct pull *p, struct errbuf *err)
{
	/*
	 * Members wait in temporary tables until every key is known; the
	 * lookup indexes are built once after the load (a sort), not kept up
	 * row by row, and the page cache is large enough for a big directory
	 * (bounded: it does not grow with the source).
	 */
	if (store_exec(p->st,
	    "PRAGMA cache_size = -32768; PRAGMA temp.cache_size = -16384;"
	    "CREATE TEMP TABLE IF NOT EXISTS pull_members ("
	    "  group_key TEXT NOT NULL, member TEXT NOT NULL,"
	    "  by_login INTEGER NOT NULL);"
	    "CREATE TEMP TABLE IF NOT EXISTS pull_keys ("
	    "  key TEXT, login TEXT, account_id INTEGER, ent_id INTEGER);"
	    "CREATE TEMP TABLE IF NOT EXISTS pull_edges ("
	    "  member_row INTEGER NOT NULL, ent_id INTEGER NOT NULL,"
	    "  account_id INTEGER, child_id INTEGER);"
	    "DROP INDEX IF EXISTS temp.pull_keys_key;"
	    "DROP INDEX IF EXISTS temp.pull_keys_login;"
	    "DELETE FROM temp.pull_members; DELETE FROM temp.pull_keys;"
	    "DELETE FROM temp.pull_edges;",
	    err) < 0)
		return -1;
	p->ins_account = store_prepare(p->st, "INSERT INTO accounts"
	    " (snapshot_id, source, native_id, key, login, email, aliases,"
	    " display_name, status, active, mfa, last_login, created, kind,"
	    " employee_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err);
	p->ins_ent = store_prepare(p->st, "INSERT OR IGNORE INTO entitlements"
	    " (snapshot_id, source, native_id, key, name, kind, privileged)"
	    " VALUES (?,?,?,?,?,?,?)", err);
	p->ins_member = store_prepare(p->st, "INSERT INTO temp.pull_members"
	    " (group_key, member, by_login) VALUES (?,?,?)", err);
	if (!p->ins_account || !p->ins_ent || !p->ins_member)
		return -1;
	return 0;
}

static void
unprepare(struct pull *p)
{
	sqlite3_finalize(p->ins_account);
	sqlite3_finalize(p->ins_ent);
	sqlite3_finalize(p->ins_member);
	p->ins_account = p->ins_ent = p->ins_member = NULL;
}

/* Run a statement with the snapshot id bound to ?1. */
static int
exec_snap(struct pull *p, const char *sql, struct errbuf *err)
{
	sqlite3_stmt *s = store_prepare(p->st, sql, err);
	int ret;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, p->snap);
	ret = store_step_done(p->st, s, err);
	sqlite3_finalize(s);
	return ret;
}

/*
 * Members name accounts by key (DN) or login, and nested groups by key.
 * Logins compare exactly first; a login differing only in case (uid is
 * case-insensitive in LDAP) is taken after.
 */
static const char *const resolve_sql[] = {
	"INSERT INTO temp.pull_keys (key, login, account_id)"
	" SELECT key, login, id FROM accounts WHERE snapshot_id = ?1",
	"INSERT INTO temp.pull_keys (key, ent_id)"
	" SELECT key, id FROM entitlements WHERE snapshot_id = ?1",
	/* covering: a lookup never goes back to the table */
	"CREATE INDEX temp.pull_keys_key ON pull_keys(key, ent_id, account_id)",
	"CREATE INDEX temp.pull_keys_login ON pull_keys(login COLLATE NOCASE)",
	"INSERT INTO temp.pull_edges (member_row, ent_id, account_id, child_id)"
	" SELECT m.rowid, g.ent_id, k.account_id, k.ent_id"
	" FROM temp.pull_members m"
	" JOIN temp.pull_keys g ON g.key = m.group_key AND g.ent_id IS NOT NULL"
	" JOIN temp.pull_keys k ON k.key = m.member"
	" WHERE m.by_login = 0",
	"INSERT INTO temp.pull_edges (member_row, ent_id, account_id)"
	" SELECT m.rowid, g.ent_id, COALESCE("
	"  (SELECT k.account_id FROM temp.pull_keys k WHERE k.login = m.member"
	"   COLLATE NOCASE AND k.login = m.member LIMIT 1),"
	"  (SELECT k.account_id FROM temp.pull_keys k WHERE k.login = m.member"
	"   COLLATE NOCASE LIMIT 1))"
	" FROM temp.pull_members m"
	" JOIN temp.pull_keys g ON g.key = m.group_key AND g.ent_id IS NOT NULL"
	" WHERE m.by_login = 1 AND EXISTS (SELECT 1 FROM temp.pull_keys k"
	"  WHERE k.login = m.member COLLATE NOCASE)",
	"CREATE INDEX IF NOT EXISTS temp.pull_edges_row ON pull_edges(member_row)",
	"INSERT OR IGNORE INTO grants"
	" (snapshot_id, account_id, entitlement_id, direct, path)"
	" SELECT ?1, account_id, ent_id, 1, NULL FROM temp.pull_edges"
	" WHERE account_id IS NOT NULL ORDER BY account_id, ent_id",
};

/* A member that resolved to nothing, or a membership in an unknown group. */
static int
note_dangling(struct pull *p, struct errbuf *err)
{
	sqlite3_stmt *s;
	char *msg;
	int rc, ret = 0;

	s = store_prepare(p->st, "SELECT m.group_key, m.member, m.by_login,"
	    " (SELECT e.name FROM temp.pull_keys g JOIN entitlements e"
	    "  ON e.id = g.ent_id WHERE g.key = m.group_key"
	    "  AND g.ent_id IS NOT NULL)"
	    " FROM temp.pull_members m WHERE NOT EXISTS (SELECT 1"
	    "  FROM temp.pull_edges d WHERE d.member_row = m.rowid)"
	    " ORDER BY m.group_key, m.member", err);
	if (s == NULL)
		return -1;
	while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_col(s, 3) == NULL)
			msg = xasprintf("membership in unknown group '%s'",
			    store_col(s, 0));
		else
			msg = xasprintf("dangling member of %s: %s%s",
			    store_col(s, 3), sqlite3_column_int(s, 2) ?
			    "memberUid " : "", store_col(s, 1));
		ret = pull_issue(p, "dangling_member", msg, err);
		free(msg);
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "database: %s", store_errmsg(p->st));
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

/* The group graph: group -> child groups, small next to the member lists. */
struct graph {
	int64_t	*id;		/* node -> entitlement id */
	char	**name;
	size_t	 n;
	size_t	*first, *next_edge, *to;	/* adjacency lists */
	size_t	 nedges;
};

static size_t
graph_node(struct graph *g, int64_t id, const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)	/* nested groups are few */
		if (g->id[i] == id)
			return i;
	g->id = xrealloc(g->id, (g->n + 1) * sizeof(*g->id));
	g->name = xrealloc(g->name, (g->n + 1) * sizeof(*g->name));
	g->first = xrealloc(g->first, (g->n + 1) * sizeof(*g->first));
	g->id[g->n] = id;
	g->name[g->n] = xstrdup(name);
	g->first[g->n] = (size_t)-1;
	return g->n++;
}

static void
graph_edge(struct graph *g, size_t from, size_t to)
{
	g->next_edge = xrealloc(g->next_edge, (g->nedges + 1) *
	    sizeof(*g->next_edge));
	g->to = xrealloc(g->to, (g->nedges + 1) * sizeof(*g->to));
	g->to[g->nedges] = to;
	g->next_edge[g->nedges] = g->first[from];
	g->first[from] = g->nedges++;
}

static void
graph_free(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->name[i]);
	free(g->name);
	free(g->id);
	free(g->first);
	free(g->next_edge);
	free(g->to);
}

static int
graph_load(struct pull *p, struct graph *g, struct errbuf *err)
{
	sqlite3_stmt *s;
	size_t a, b;
	int rc;

	s = store_prepare(p->st, "SELECT DISTINCT d.ent_id, pe.name,"
	    " d.child_id, ce.name FROM temp.pull_edges d"
	    " JOIN entitlements pe ON pe.id = d.ent_id"
	    " JOIN entitlements ce ON ce.id = d.child_id"
	    " WHERE d.child_id IS NOT NULL ORDER BY pe.name, ce.name", err);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a = graph_node(g, sqlite3_column_int64(s, 0), store_col(s, 1));
		b = graph_node(g, sqlite3_column_int64(s, 2), store_col(s, 3));
		graph_edge(g, a, b);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		err_set(err, "database: %s", store_errmsg(p->st));
		return -1;
	}
	return 0;
}

/* "a -> b -> c -> a", rotated to start at the smallest name, so once only. */
static char *
cycle_text(struct graph *g, const size_t *stack, size_t len)
{
	struct buf b = BUF_INIT;
	size_t i, start = 0;

	for (i = 1; i < len; i++)
		if (strcmp(g->name[stack[i]], g->name[stack[start]]) < 0)
			start = i;
	buf_adds(&b, "group cycle: ");
	for (i = 0; i <= len; i++) {
		buf_adds(&b, g->name[stack[(start + i) % len]]);
		if (i < len)
			buf_adds(&b, " -> ");
	}
	return buf_detach(&b);
}

/* Depth-first search; a back edge to a node on the stack closes a cycle. */
static int
find_cycles(struct pull *p, struct graph *g, struct errbuf *err)
{
	unsigned char *color = xcalloc(g->n, 1);	/* 0 new, 1 open, 2 done */
	size_t *stack = xcalloc(g->n, sizeof(*stack));
	size_t *edge = xcalloc(g->n, sizeof(*edge));
	char **seen = NULL;
	size_t nseen = 0, depth, root, i, j, v, w;
	int ret = 0;

	for (root = 0; root < g->n && ret == 0; root++) {
		if (color[root])
			continue;
		depth = 0;
		stack[depth] = root;
		edge[depth] = g->first[root];
		color[root] = 1;
		while (ret == 0) {
			v = stack[depth];
			if (edge[depth] == (size_t)-1) {
				color[v] = 2;
				if (depth-- == 0)
					break;
				continue;
			}
			w = g->to[edge[depth]];
			edge[depth] = g->next_edge[edge[depth]];
			if (color[w] == 0) {
				color[w] = 1;
				stack[++depth] = w;
				edge[depth] = g->first[w];
			} else if (color[w] == 1) {
				char *t;

				for (i = 0; stack[i] != w; i++)
					;
				t = cycle_text(g, stack + i, depth - i + 1);
				for (j = 0; j < nseen; j++)
					if (strcmp(seen[j], t) == 0)
						break;
				if (j == nseen) {
					ret = pull_issue(p, "group_cycle", t, err);
					seen = xrealloc(seen, (nseen + 1) *
					    sizeof(*seen));
					seen[nseen++] = t;
				} else
					free(t);
			}
		}
	}
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	free(color);
	free(stack);
	free(edge);
	return ret;
}

/*
 * Every group reaches its nested groups breadth first, so the first path
 * found to an account is a shortest one; grants already present (direct, or
 * through a shorter path) are kept by INSERT OR IGNORE.
 */
static int
expand_nested(struct pull *p, struct graph *g, struct errbuf *err)
{
	size_t *queue = xcalloc(g->n ? g->n : 1, sizeof(*queue));
	size_t *parent = xcalloc(g->n ? g->n : 1, sizeof(*parent));
	unsigned char *seen = xcalloc(g->n ? g->n : 1, 1);
	sqlite3_stmt *s;
	struct buf path = BUF_INIT;
	size_t root, head, tail, v, e, w, k;
	int ret = 0;

	s = store_prepare(p->st, "INSERT OR IGNORE INTO grants"
	    " (snapshot_id, account_id, entitlement_id, direct, path)"
	    " SELECT ?1, d.account_id, ?2, 0, ?3 || ' <- ' ||"
	    "  COALESCE(a.login, a.native_id)"
	    " FROM temp.pull_edges d JOIN accounts a ON a.id = d.account_id"
	    " WHERE d.ent_id = ?4", err);
	if (s == NULL)
		ret = -1;
	for (root = 0; ret == 0 && root < g->n; root++) {
		memset(seen, 0, g->n);
		head = tail = 0;
		queue[tail++] = root;
		seen[root] = 1;
		while (ret == 0 && head < tail) {
			v = queue[head++];
			for (e = g->first[v]; e != (size_t)-1;
			    e = g->next_edge[e]) {
				if (seen[w = g->to[e]])
					continue;
				seen[w] = 1;
				parent[w] = v;
				queue[tail++] = w;
			}
			if (v == root)
				continue;
			/* path: root <- ... <- v, written from the root down */
			buf_reset(&path);
			buf_adds(&path, g->name[v]);
			for (k = v; k != root; k = parent[k]) {
				char *t = xasprintf("%s <- %s",
				    g->name[parent[k]], buf_str(&path));

				buf_reset(&path);
				buf_adds(&path, t);
				free(t);
			}
			sqlite3_bind_int64(s, 1, p->snap);
			sqlite3_bind_int64(s, 2, g->id[root]);
			sqlite3_bind_text(s, 3, buf_str(&path), -1,
			    SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 4, g->id[v]);
			ret = store_step_done(p->st, s, err);
		}
	}
	sqlite3_finalize(s);
	buf_release(&path);
	free(queue);
	free(parent);
	free(seen);
	return ret;
}

static int
resolve_members(struct pull *p, struct errbuf *err)
{
	struct graph g;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(resolve_sql); i++)
		if (exec_snap(p, resolve_sql[i], err) < 0)
			return -1;
	if (note_dangling(p, err) < 0)
		return -1;
	memset(&g, 0, sizeof(g));
	if (graph_load(p, &g, err) < 0 || find_cycles(p, &g, err) < 0 ||
	    expand_nested(p, &g, err) < 0)
		ret = -1;
	graph_free(&g);
	return ret;
}

static int
count_grants(struct pull *p, struct errbuf *err)
{
	sqlite3_stmt *s = store_prepare(p->st,
	    "SELECT COUNT(*) FROM grants WHERE snapshot_id = ?", err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, p->snap);
	if (sqlite3_step(s) == SQLITE_ROW)
		p->res->counts.grants = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int
pull_records(struct pull *p, struct connector *c, struct errbuf *err)
{
	const struct record *rec;
	struct reader *r;
	int rc;

	if ((r = reader_start(c, err)) == NULL)
		return -1;
	while ((rc = reader_next(r, &rec, err)) > 0) {
		switch (rec->type) {
		case REC_ACCOUNT:
			rc = put_account(p, &rec->u.account, err);
			if (p->res->counts.records % 1000 == 0)
				progress("pull %s: %ld accounts, %ld groups",
				    p->src->name, p->res->counts.records,
				    p->res->counts.entitlements);
			break;
		case REC_ENTITLEMENT:
			rc = put_entitlement(p, &rec->u.ent, err);
			break;
		case REC_MEMBER:
			rc = put_member(p, &rec->u.member, err);
			break;
		case REC_ISSUE:
			rc = pull_issue(p, rec->u.issue.kind ?
			    rec->u.issue.kind : "note", rec->u.issue.detail,
			    err);
			break;
		default:
			err_set(err, "connector returned an unknown record");
			rc = -1;
		}
		if (rc < 0)
			break;
	}
	reader_stop(r);
	return rc;
}

int
pull_source(struct store *st, const struct source_cfg *src, const char *input,
    struct pull_result *res, struct errbuf *err)
{
	struct connector c;
	struct pull p;
	const char *origin;
	char *origin_copy = NULL;
	char sha[65], *file = NULL;
	int rc, ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p.st = st;
	p.src = src;
	p.res = res;
	p.privileged = source_get(src, "privileged");
	p.service = source_get(src, "service_accounts");
	if ((c.ops = connector_find(src->type)) == NULL) {
		err_set(err, "source '%s': unknown type '%s'", src->name,
		    src->type ? src->type : "");
		return -1;
	}
	c.input = input;
	/* Connect and authenticate before taking the database's write lock. */
	if ((rc = c.ops->open(&c, src, err)) < 0) {
		origin = c.origin ? c.origin : input ? input :
		    source_get(src, "url");
		origin_copy = origin ? xstrdup(origin) : NULL;
		c.ops->close(&c);
		snapshot_failed(st, src->name, src->type, origin_copy, err->msg);
		free(origin_copy);
		return rc == -2 ? -2 : -1;
	}
	/*
	 * The evidence names the input file's SHA-256: `import accounts`
	 * FILE, or a csv source's `file`. The connector has it open already.
	 */
	if (input != NULL)
		file = xstrdup(input);
	else if (strcmp(src->type, "csv") == 0 && source_get(src, "file"))
		file = config_path_resolve(src->config_path,
		    source_get(src, "file"));
	if (file != NULL && sha256_file(file, sha, err) < 0) {
		free(file);
		origin = c.origin ? c.origin : input;
		origin_copy = origin ? xstrdup(origin) : NULL;
		c.ops->close(&c);
		snapshot_failed(st, src->name, src->type, origin_copy, err->msg);
		free(origin_copy);
		return -1;
	}
	origin = c.origin ? c.origin : input ? input : source_get(src, "url");
	/*
	 * Every value a pull writes is set or checked in this file (active
	 * 0/1, mfa from an enum, kind above, ids from rows it just wrote), so
	 * SQLite's per-row CHECK and foreign-key lookups, a large share of a
	 * big pull's time, are off for it; foreign_keys can only change
	 * outside a transaction.
	 */
	if (store_exec(st, "PRAGMA foreign_keys = OFF;"
	    " PRAGMA ignore_check_constraints = ON", err) < 0)
		goto out;
	if (store_begin(st, err) < 0)
		goto out;
	if ((p.snap = snapshot_begin(st, src->name, src->type, origin,
	    err)) < 0 || prepare(&p, err) < 0)
		goto out;
	res->snapshot = p.snap;
	if (pull_records(&p, &c, err) < 0)
		goto out;
	unprepare(&p);
	progress("pull %s: resolving group members", src->name);
	if (resolve_members(&p, err) < 0 || count_grants(&p, err) < 0 ||
	    snapshot_finish(st, p.snap, &res->counts, file ? sha : NULL,
	    err) < 0 ||
	    store_exec(st, "DELETE FROM temp.pull_members;"
	    " DELETE FROM temp.pull_keys; DELETE FROM temp.pull_edges;"
	    " PRAGMA cache_size = -2000", err) < 0 ||
	    store_commit(st, err) < 0)
		goto out;
	ret = 0;
out:
	progress_done();
	unprepare(&p);
	if (ret < 0)
		store_rollback(st);
	store_exec(st, "PRAGMA ignore_check_constraints = OFF;"
	    " PRAGMA foreign_keys = ON", NULL);
	if (ret < 0) {
		origin_copy = origin ? xstrdup(origin) : NULL;
		snapshot_failed(st, src->name, src->type, origin_copy, err->msg);
		free(origin_copy);
		res->snapshot = 0;
	}
	c.ops->close(&c);
	free(file);
	return ret;
}
