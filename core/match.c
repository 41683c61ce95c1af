/*
 * match.c: which person holds an account. People are loaded into hash
 * tables once (employee id, e-mail, normalized e-mail, e-mail local part)
 * so that a million accounts can be matched while they stream past; the
 * rules run in DESIGN.md's order and the first that names exactly one
 * person wins. An index key shared by two people is kept as an ambiguity
 * (both people remembered for the evidence), never as "the first one".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/reconcile.h"

/* ---- string -> long hash map (open addressing, linear probing) ---- */

/*
 * Keys live in one buffer (an offset per entry, not a pointer and a
 * malloc per key): a roster of 100,000 people fills four maps, and the
 * per-key allocations were most of a reconcile's memory.
 */
struct strmap_entry {
	uint32_t hash;
	uint32_t key;		/* offset + 1 in keys; 0: empty slot */
	long	 value;
};

struct strmap {
	struct strmap_entry *v;
	size_t	 cap;		/* a power of two, or 0 */
	size_t	 n;
	char	*keys;
	size_t	 klen, kcap;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct strmap *
strmap_new(void)
{
	return xcalloc(1, sizeof(struct strmap));
}

void
strmap_clear(struct strmap *m)
{
	if (m->cap > 0)
		memset(m->v, 0, m->cap * sizeof(*m->v));
	m->n = 0;
	m->klen = 0;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	free(m->v);
	free(m->keys);
	free(m);
}

size_t
strmap_count(const struct strmap *m)
{
	return m->n;
}

static struct strmap_entry *
strmap_slot(const struct strmap *m, const char *key, uint32_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->v[i].key != 0) {
		if (m->v[i].hash == h &&
		    strcmp(m->keys + m->v[i].key - 1, key) == 0)
			break;
		i = (i + 1) & (m->cap - 1);
	}
	return &m->v[i];
}

int
strmap_get(const struct strmap *m, const char *key, long *value)
{
	struct strmap_entry *e;

	if (m->cap == 0)
		return 0;
	e = strmap_slot(m, key, (uint32_t)fnv1a(key));
	if (e->key == 0)
		return 0;
	*value = e->value;
	return 1;
}

static void
strmap_grow(struct strmap *m)
{
	struct strmap_entry *old = m->v, *e;
	size_t i, oldcap = m->cap;

	m->cap = oldcap ? oldcap * 2 : 64;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		for (e = &m->v[old[i].hash & (m->cap - 1)]; e->key != 0;
		    e = &m->v[(size_t)(e - m->v + 1) & (m->cap - 1)])
			;
		*e = old[i];
	}
	free(old);
}

void
strmap_put(struct strmap *m, const char *key, long value)
{
	struct strmap_entry *e;
	uint32_t h = (uint32_t)fnv1a(key);
	size_t len;

	/* Keep the load under 1/2 so that probes stay short. */
	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	e = strmap_slot(m, key, h);
	if (e->key == 0) {
		len = strlen(key) + 1;
		if (m->klen + len >= UINT32_MAX)
			die(RC_FAILURE, "out of memory: over 4 GB of keys");
		if (m->klen + len > m->kcap) {
			m->kcap = m->kcap ? m->kcap * 2 : 1024;
			while (m->klen + len > m->kcap)
				m->kcap *= 2;
			m->keys = xrealloc(m->keys, m->kcap);
		}
		memcpy(m->keys + m->klen, key, len);
		e->key = (uint32_t)m->klen + 1;
		m->klen += len;
		e->hash = h;
		m->n++;
	}
	e->value = value;
}

/* ---- the matcher ---- */

/*
 * The people's strings, in blocks that never move (struct person holds
 * pointers): one allocation per block, not eight per person.
 */
#define ARENA_BLOCK 65536

struct arena {
	char	**blocks;
	size_t	 nblocks;
	size_t	 used;		/* in the last block */
	size_t	 size;		/* of the last block */
};

static char *
arena_dup(struct arena *a, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if (a->nblocks == 0 || a->used + len > a->size) {
		a->size = len > ARENA_BLOCK ? len : ARENA_BLOCK;
		a->blocks = xrealloc(a->blocks,
		    (a->nblocks + 1) * sizeof(*a->blocks));
		a->blocks[a->nblocks++] = xmalloc(a->size);
		a->used = 0;
	}
	p = a->blocks[a->nblocks - 1] + a->used;
	memcpy(p, s, len);
	a->used += len;
	return p;
}

static void
arena_free(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	free(a->blocks);
}

struct override {
	char	*person_id;
	char	*kind;
	char	*owner;
	long	 line;
};

struct matcher {
	char	 as_of[11];
	struct person *people;
	long	 npeople, cap;
	struct arena strings;	/* the people's */
	struct strmap *by_id;
	struct strmap *by_email;
	struct strmap *by_norm;
	struct strmap *by_local;	/* built when first needed */
	int	 local_built;
	long	(*amb)[2];	/* index values <= -2 point here */
	long	 namb, ambcap;
	char	**corp;		/* [hr] alias_domains, lower case */
	size_t	 ncorp;
	char	**hrdom;	/* domains of the roster's addresses */
	size_t	 nhrdom;
	struct strmap *hrdom_seen;
	struct override *ovr;
	long	 novr, ovrcap;
	struct strmap *by_override;	/* "source\037login", lower case */
};

static const char *const rule_names[] = {
	NULL, "override", "employee_id", "email", "normalized_email", "login",
};

const char *
match_rule_name(enum match_rule r)
{
	if ((size_t)r >= ARRAY_SIZE(rule_names))
		return NULL;
	return rule_names[r];
}

static char *
arena_dup_or_null(struct matcher *m, const char *s)
{
	return s ? arena_dup(&m->strings, s) : NULL;
}

/* A trimmed, lower-cased copy; NULL for NULL or blank. */
static char *
key_lower(const char *s)
{
	char *t, *k;

	if (s == NULL)
		return NULL;
	t = str_trim(xstrdup(s));
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	k = str_lower(t);
	free(t);
	return k;
}

struct matcher *
matcher_new(const char *alias_domains, const char *as_of)
{
	struct matcher *m = xcalloc(1, sizeof(*m));
	char *copy, *p, *tok, *save = NULL, *d;

	snprintf(m->as_of, sizeof(m->as_of), "%s", as_of ? as_of : "");
	m->by_id = strmap_new();
	m->by_email = strmap_new();
	m->by_norm = strmap_new();
	m->by_local = strmap_new();
	m->hrdom_seen = strmap_new();
	m->by_override = strmap_new();
	if (alias_domains != NULL) {
		copy = xstrdup(alias_domains);
		for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL;
		    p = NULL) {
			if ((d = key_lower(tok)) == NULL)
				continue;
			if (*d == '@')
				memmove(d, d + 1, strlen(d));
			m->corp = xrealloc(m->corp,
			    (m->ncorp + 1) * sizeof(*m->corp));
			m->corp[m->ncorp++] = d;
		}
		free(copy);
	}
	return m;
}

void
matcher_free(struct matcher *m)
{
	long i;
	size_t j;

	if (m == NULL)
		return;
	arena_free(&m->strings);
	free(m->people);
	for (i = 0; i < m->novr; i++) {
		free(m->ovr[i].person_id);
		free(m->ovr[i].kind);
		free(m->ovr[i].owner);
	}
	free(m->ovr);
	for (j = 0; j < m->ncorp; j++)
		free(m->corp[j]);
	free(m->corp);
	for (j = 0; j < m->nhrdom; j++)
		free(m->hrdom[j]);
	free(m->hrdom);
	free(m->amb);
	strmap_free(m->by_id);
	strmap_free(m->by_email);
	strmap_free(m->by_norm);
	strmap_free(m->by_local);
	strmap_free(m->hrdom_seen);
	strmap_free(m->by_override);
	free(m);
}

static int
is_corporate(const struct matcher *m, const char *domain)
{
	size_t i;

	for (i = 0; i < m->ncorp; i++)
		if (strcmp(m->corp[i], domain) == 0)
			return 1;
	return 0;
}

char *
matcher_normalize_email(const struct matcher *m, const char *addr)
{
	char *k, *at, *plus, *out;

	if ((k = key_lower(addr)) == NULL)
		return NULL;
	if ((at = strrchr(k, '@')) == NULL || !is_corporate(m, at + 1))
		return k;
	*at = '\0';
	/* "+tag" goes, but not a leading '+': that is the whole local part. */
	if ((plus = strchr(k, '+')) != NULL && plus != k)
		*plus = '\0';
	out = xasprintf("%s@%s", k, m->corp[0]);
	free(k);
	return out;
}

/*
 * Add key -> idx. A key that already names another person becomes an
 * ambiguity: -2 - k, where amb[k] holds the first two people.
 */
static void
index_put(struct matcher *m, struct strmap *map, const char *key, long idx)
{
	long v;

	if (key == NULL)
		return;
	if (!strmap_get(map, key, &v)) {
		strmap_put(map, key, idx);
		return;
	}
	if (v == idx || v <= -2)
		return;
	if (m->namb == m->ambcap) {
		m->ambcap = m->ambcap ? m->ambcap * 2 : 16;
		m->amb = xrealloc(m->amb, (size_t)m->ambcap * sizeof(*m->amb));
	}
	m->amb[m->namb][0] = v;
	m->amb[m->namb][1] = idx;
	strmap_put(map, key, -2 - m->namb);
	m->namb++;
}

static int
is_terminated(const char *as_of, const char *termination_date,
    const char *status_class)
{
	if (!str_empty(termination_date))
		return strncmp(termination_date, as_of, 10) < 0;
	return status_class != NULL && strcmp(status_class, "terminated") == 0;
}

long
matcher_add_person(struct matcher *m, const struct person *src)
{
	struct person *p;
	char *k, *at, *t;
	long idx;

	if (m->npeople == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->people = xrealloc(m->people,
		    (size_t)m->cap * sizeof(*m->people));
	}
	idx = m->npeople++;
	p = &m->people[idx];
	t = str_trim(xstrdup(src->employee_id));
	p->employee_id = arena_dup(&m->strings, t);
	free(t);
	p->email = NULL;
	if (src->email != NULL) {
		t = str_trim(xstrdup(src->email));
		p->email = arena_dup(&m->strings, t);
		free(t);
	}
	p->status = arena_dup_or_null(m, src->status);
	p->status_class = arena_dup_or_null(m, src->status_class);
	p->termination_date = arena_dup_or_null(m, src->termination_date);
	p->department = arena_dup_or_null(m, src->department);
	p->title = arena_dup_or_null(m, src->title);
	p->job_code = arena_dup_or_null(m, src->job_code);
	p->terminated = is_terminated(m->as_of, p->termination_date,
	    p->status_class);

	index_put(m, m->by_id, *p->employee_id ? p->employee_id : NULL, idx);
	if ((k = key_lower(p->email)) == NULL)
		return idx;
	index_put(m, m->by_email, k, idx);
	if ((at = strrchr(k, '@')) != NULL) {
		if (!strmap_get(m->hrdom_seen, at + 1, &(long){ 0 })) {
			strmap_put(m->hrdom_seen, at + 1, 1);
			m->hrdom = xrealloc(m->hrdom,
			    (m->nhrdom + 1) * sizeof(*m->hrdom));
			m->hrdom[m->nhrdom++] = xstrdup(at + 1);
		}
	}
	free(k);
	/*
	 * Without alias domains a normalized address is the lower-cased
	 * one: by_norm would be by_email again (see matcher_match()).
	 */
	if (m->ncorp > 0) {
		k = matcher_normalize_email(m, p->email);
		index_put(m, m->by_norm, k, idx);
		free(k);
	}
	m->local_built = 0;
	return idx;
}

/*
 * The local parts, indexed on the first account of a source that allows
 * login matching (most do not), in roster order as if built as people
 * came.
 */
static void
build_local(struct matcher *m)
{
	char *k, *at;
	long idx;

	strmap_clear(m->by_local);
	for (idx = 0; idx < m->npeople; idx++) {
		if ((k = key_lower(m->people[idx].email)) == NULL)
			continue;
		if ((at = strrchr(k, '@')) != NULL) {
			*at = '\0';
			if (*k)
				index_put(m, m->by_local, k, idx);
		}
		free(k);
	}
	m->local_built = 1;
}

static char *
override_key(const char *source, const char *login)
{
	char *s = key_lower(source), *l = key_lower(login), *k;

	k = xasprintf("%s\037%s", s ? s : "", l ? l : "");
	free(s);
	free(l);
	return k;
}

void
matcher_add_override(struct matcher *m, const char *source, const char *login,
    const char *person_id, const char *kind, const char *owner, long line)
{
	struct override *o;
	char *k = override_key(source, login);
	long v;

	/* The first row for an account wins; import refuses repeats anyway. */
	if (strmap_get(m->by_override, k, &v)) {
		free(k);
		return;
	}
	if (m->novr == m->ovrcap) {
		m->ovrcap = m->ovrcap ? m->ovrcap * 2 : 16;
		m->ovr = xrealloc(m->ovr, (size_t)m->ovrcap * sizeof(*m->ovr));
	}
	o = &m->ovr[m->novr];
	o->person_id = person_id ? str_trim(xstrdup(person_id)) : NULL;
	o->kind = xstrdup(str_empty(kind) ? "human" : kind);
	o->owner = str_empty(owner) ? NULL : str_trim(xstrdup(owner));
	if (o->owner != NULL && *o->owner == '\0') {
		free(o->owner);
		o->owner = NULL;
	}
	o->line = line;
	strmap_put(m->by_override, k, m->novr++);
	free(k);
}

long
matcher_npeople(const struct matcher *m)
{
	return m->npeople;
}

const struct person *
matcher_person(const struct matcher *m, long idx)
{
	if (idx < 0 || idx >= m->npeople)
		return NULL;
	return &m->people[idx];
}

long
matcher_find_person(const struct matcher *m, const char *id)
{
	char *k;
	long v = -1;

	if (id == NULL)
		return -1;
	k = str_trim(xstrdup(id));
	if (!strmap_get(m->by_id, k, &v) || v < 0)
		v = -1;
	free(k);
	return v;
}

/* The account's addresses: email, then each alias; trimmed, non-empty. */
struct addrs {
	char	*v[16];
	size_t	 n;
	char	*copy;
};

static void
addrs_split(struct addrs *a, const char *email, const char *aliases)
{
	char *p, *tok, *save = NULL;

	a->n = 0;
	a->copy = xasprintf("%s;%s", email ? email : "",
	    aliases ? aliases : "");
	for (p = a->copy; (tok = strtok_r(p, ";", &save)) != NULL; p = NULL) {
		str_trim(tok);
		if (*tok && a->n < ARRAY_SIZE(a->v))
			a->v[a->n++] = tok;
	}
}

/*
 * One rule over a list of keys: 1 when it decided (linked or ambiguous),
 * 0 when it named nobody. Distinct people across the keys are ambiguous
 * too: an address and an alias of two different people.
 */
static int
try_keys(const struct matcher *m, const struct strmap *map, char **keys,
    size_t n, enum match_rule rule, struct match_result *r)
{
	long cand = -1, v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (keys[i] == NULL || !strmap_get(map, keys[i], &v))
			continue;
		if (v <= -2) {
			r->ambiguous_rule = rule;
			r->ambiguous[0] = m->amb[-2 - v][0];
			r->ambiguous[1] = m->amb[-2 - v][1];
			return 1;
		}
		if (cand == -1) {
			cand = v;
		} else if (cand != v) {
			r->ambiguous_rule = rule;
			r->ambiguous[0] = cand;
			r->ambiguous[1] = v;
			return 1;
		}
	}
	if (cand < 0)
		return 0;
	r->person = cand;
	r->rule = rule;
	return 1;
}

/* Optimal string alignment distance, capped: only "0, 1 or more" matters. */
static int
one_edit_apart(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (la > lb + 1 || lb > la + 1)
		return 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (i == la && i == lb)
		return 1;
	if (la == lb) {
		/* substitution, or a transposition of two neighbours */
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return 1;
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    strcmp(a + i + 2, b + i + 2) == 0;
	}
	if (la > lb)
		return strcmp(a + i + 1, b + i) == 0;
	return strcmp(a + i, b + i + 1) == 0;
}

/*
 * Is an unlinked account's address outside the company? Corporate means
 * [hr] alias_domains, or when that is unset the roster's own domains. A
 * domain one typing error away from a corporate one is not "external": it
 * looks like an employee's mistyped address and stays a plain orphan.
 */
static void
classify_external(const struct matcher *m, const struct match_account *a,
    const struct addrs *ad, struct match_result *r)
{
	char **dom = m->ncorp ? m->corp : m->hrdom;
	size_t i, ndom = m->ncorp ? m->ncorp : m->nhrdom;
	const char *at;
	char *d;

	if (a->kind != NULL && strcmp(a->kind, "external") == 0) {
		r->external = 1;
		return;
	}
	if (ad->n == 0 || ndom == 0 || (at = strrchr(ad->v[0], '@')) == NULL)
		return;
	d = str_lower(at + 1);
	for (i = 0; i < ndom; i++) {
		if (strcmp(dom[i], d) == 0)
			goto out;
	}
	for (i = 0; i < ndom; i++) {
		if (one_edit_apart(dom[i], d)) {
			r->near_domain = dom[i];
			goto out;
		}
	}
	r->external = 1;
out:
	free(d);
}

void
matcher_match(struct matcher *m, const struct match_account *a,
    struct match_result *r)
{
	struct addrs ad;
	char *keys[ARRAY_SIZE(ad.v)];
	const struct override *o;
	char *k;
	size_t i;
	long v;

	memset(r, 0, sizeof(*r));
	r->person = -1;
	r->ambiguous[0] = r->ambiguous[1] = -1;
	r->kind = str_empty(a->kind) ? "human" : a->kind;
	ad.copy = NULL;

	/* 1. override */
	k = m->novr > 0 ? override_key(a->source, a->login) : NULL;
	if (k != NULL && strmap_get(m->by_override, k, &v)) {
		free(k);
		o = &m->ovr[v];
		r->override_line = o->line;
		if (strcmp(o->kind, "human") == 0) {
			r->kind = "human";
			if ((r->person = matcher_find_person(m,
			    o->person_id)) >= 0)
				r->rule = MATCH_OVERRIDE;
			else
				r->missing_person = o->person_id ?
				    o->person_id : "";
			goto unlinked;
		}
		/* service/shared: reviewed by the owner, whoever holds it */
		r->kind = o->kind;
		r->owner = o->owner;
		if (o->owner != NULL &&
		    (r->person = matcher_find_person(m, o->owner)) >= 0)
			r->rule = MATCH_OVERRIDE;
		return;
	}
	free(k);
	/* A service account the source names as such belongs to nobody. */
	if (strcmp(r->kind, "service") == 0 || strcmp(r->kind, "shared") == 0)
		return;

	/* 2. employee id, exact after trimming */
	if (!str_empty(a->employee_id)) {
		k = str_trim(xstrdup(a->employee_id));
		if (*k && try_keys(m, m->by_id, &k, 1, MATCH_EMPLOYEE_ID, r)) {
			free(k);
			goto unlinked;
		}
		free(k);
	}

	addrs_split(&ad, a->email, a->aliases);

	/* 3. e-mail, case-insensitive, aliases too */
	for (i = 0; i < ad.n; i++)
		keys[i] = str_lower(ad.v[i]);
	v = try_keys(m, m->by_email, keys, ad.n, MATCH_EMAIL, r);
	for (i = 0; i < ad.n; i++)
		free(keys[i]);
	if (v)
		goto unlinked;

	/*
	 * 4. normalized e-mail. Without alias domains the keys and the map
	 * would be rule 3's again, which found nobody: skipped.
	 */
	if (m->ncorp > 0) {
		for (i = 0; i < ad.n; i++)
			keys[i] = matcher_normalize_email(m, ad.v[i]);
		v = try_keys(m, m->by_norm, keys, ad.n,
		    MATCH_NORMALIZED_EMAIL, r);
		for (i = 0; i < ad.n; i++)
			free(keys[i]);
		if (v)
			goto unlinked;
	}

	/* 5. login = local part of the person's address, when allowed */
	if (a->match_login && !m->local_built)
		build_local(m);
	if (a->match_login && (k = key_lower(a->login)) != NULL) {
		v = try_keys(m, m->by_local, &k, 1, MATCH_LOGIN, r);
		free(k);
		if (v)
			goto unlinked;
	}

unlinked:
	if (r->person < 0 && r->missing_person == NULL) {
		if (ad.copy == NULL)
			addrs_split(&ad, a->email, a->aliases);
		classify_external(m, a, &ad, r);
	}
	free(ad.copy);
}
