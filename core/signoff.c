/*
 * signoff.c: `review import` and `review status` without the command
 * line: read a signed worksheet whatever came back from the spreadsheet
 * program, check that it is one reviewer's of one open campaign and not
 * older than what we have, and record it with its decisions on the hash
 * chain. The contract is in signoff.h and DESIGN.md.
 *
 * A file is read whole into memory (its bytes go into review_imports as
 * evidence anyway); an XLSX sheet is then streamed (xlsx_read.c) and a CSV
 * parsed in place, and only the four cells we need of each row are kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "rollcall/buf.h"
#include "rollcall/chain.h"
#include "rollcall/signoff.h"
#include "rollcall/store.h"
#include "rollcall/xlsx_read.h"

/* Rows searched for the header (a title line or two above it is fine). */
#define HEADER_ROWS 100

/* Columns we read, by header name (normalized: lower case, '_' for ' '). */
enum { H_ITEM, H_DECISION, H_COMMENT, H_REVIEWER_ID, H_REVIEWER, H_N };

static const char *const header_names[H_N][4] = {
	[H_ITEM] = { "item_id", "itemid", NULL },
	[H_DECISION] = { "decision", NULL },
	[H_COMMENT] = { "comment", "comments", NULL },
	[H_REVIEWER_ID] = { "reviewer_id", NULL },
	[H_REVIEWER] = { "reviewer", "reviewer_name", NULL },
};

struct rec {
	long	 row;
	char	*cell[H_N];	/* NULL when the column is absent or empty */
	int	 found;		/* item in the file's campaign */
	long	 dup_of;	/* row of an earlier line of the same item */
};

/* One table being read: a CSV in memory or an XLSX sheet. */
struct table {
	/* CSV */
	const char *s;
	size_t	 len, pos;
	int	 delim;
	long	 line;
	char	**f;
	size_t	 nf, cap;
	/* XLSX */
	struct xlsx_sheet *sh;
};

struct reader {
	const char *name;
	struct rec *r;
	size_t	 n;
	int	 has_col[H_N];
};

/* ------------------------------------------------------------------ */
/* decisions */

/* Bytes of white space at s: ASCII, NBSP, figure/narrow NBSP, ZWSP, BOM. */
static size_t
ws_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
	    *s == '\v' || *s == '\f')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x87 || s[2] == 0x8b || s[2] == 0xaf))
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* s without the white space around it, as [*start, *start + *len). */
static void
trim_span(const char *s, const char **start, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t n;

	while ((n = ws_len(p)) > 0)
		p += n;
	end = p;
	/* the end of the last non-space character */
	for (const unsigned char *q = p; *q; ) {
		if ((n = ws_len(q)) > 0) {
			q += n;
			continue;
		}
		q++;
		while ((*q & 0xc0) == 0x80)
			q++;
		end = q;
	}
	*start = (const char *)p;
	*len = (size_t)(end - p);
}

enum signoff_decision
signoff_parse_decision(const char *s)
{
	const char *p;
	size_t n;

	if (s == NULL)
		return DECISION_EMPTY;
	trim_span(s, &p, &n);
	if (n == 0)
		return DECISION_EMPTY;
	if (n == 4 && strncasecmp(p, "keep", 4) == 0)
		return DECISION_KEEP;
	if (n == 6 && strncasecmp(p, "revoke", 6) == 0)
		return DECISION_REVOKE;
	return DECISION_BAD;
}

/* A trimmed copy, NULL when nothing is left. */
static char *
trimmed(const char *s)
{
	const char *p;
	size_t n;

	if (s == NULL)
		return NULL;
	trim_span(s, &p, &n);
	return n ? xstrndup(p, n) : NULL;
}

/* What csv_write_cell() did to a value undone: "'=x" -> "=x". */
static const char *
undefused(const char *s)
{
	if (s && s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' ||
	    s[1] == '@' || s[1] == '\t' || s[1] == '\r'))
		return s + 1;
	return s;
}

/* ------------------------------------------------------------------ */
/* CSV: encodings, then RFC 4180 in memory */

static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;

	while (i < len) {
		unsigned c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* from -> UTF-8 with iconv; a byte it cannot map becomes U+FFFD. */
static char *
convert(const char *from, const unsigned char *in, size_t len, size_t unit,
    size_t *outlen, struct errbuf *err)
{
	iconv_t cd = iconv_open("UTF-8", from);
	struct buf b = BUF_INIT;
	char chunk[4096], *ip = (char *)in;
	size_t il = len;

	if (cd == (iconv_t)-1) {
		err_set(err, "cannot convert from %s: %s", from,
		    strerror(errno));
		return NULL;
	}
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof(chunk);
		size_t rc = iconv(cd, &ip, &il, &op, &ol);

		buf_add(&b, chunk, sizeof(chunk) - ol);
		if (rc != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (errno == EILSEQ) {
			buf_adds(&b, "\xef\xbf\xbd");
			ip += unit;
			il = il > unit ? il - unit : 0;
			continue;
		}
		break;		/* EINVAL: a partial character at the end */
	}
	iconv_close(cd);
	*outlen = b.len;
	if (b.s == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* The CSV's bytes as UTF-8 without a BOM; *enc names what it was. */
static char *
csv_utf8(const unsigned char *d, size_t len, size_t *outlen,
    const char **enc, struct errbuf *err)
{
	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		*enc = "UTF-8";
		*outlen = len - 3;
		return xstrndup((const char *)d + 3, len - 3);
	}
	if (len >= 2 && d[0] == 0xff && d[1] == 0xfe) {
		*enc = "UTF-16LE";
		return convert("UTF-16LE", d + 2, len - 2, 2, outlen, err);
	}
	if (len >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		*enc = "UTF-16BE";
		return convert("UTF-16BE", d + 2, len - 2, 2, outlen, err);
	}
	/* UTF-16 without a BOM: the ASCII header has every other byte 0. */
	if (len >= 4 && d[0] != 0 && d[1] == 0 && d[2] != 0 && d[3] == 0) {
		*enc = "UTF-16LE";
		return convert("UTF-16LE", d, len, 2, outlen, err);
	}
	if (len >= 4 && d[0] == 0 && d[1] != 0 && d[2] == 0 && d[3] != 0) {
		*enc = "UTF-16BE";
		return convert("UTF-16BE", d, len, 2, outlen, err);
	}
	if (utf8_valid(d, len)) {
		*enc = "UTF-8";
		*outlen = len;
		return xstrndup((const char *)d, len);
	}
	*enc = "Windows-1252";
	return convert("WINDOWS-1252", d, len, 1, outlen, err);
}

/* The delimiter most used on the first line outside quotes; ',' on a tie. */
static int
csv_sniff(const char *s, size_t len)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int q = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == ';')
			semi++;
		else if (!q && s[i] == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

static void
table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		free(t->f[i]);
	t->nf = 0;
}

/* The next CSV record that is not an empty line; 1, or 0 at the end. */
static int
csv_mem_next(struct table *t, long *row, char ***cells, size_t *n)
{
	struct buf b = BUF_INIT;
	const char *s = t->s;
	int eor;

	table_clear(t);
	for (;;) {
		if (t->pos >= t->len)
			return 0;
		if (s[t->pos] == '\n' || s[t->pos] == '\r') {
			if (s[t->pos] == '\r' && t->pos + 1 < t->len &&
			    s[t->pos + 1] == '\n')
				t->pos++;
			t->pos++;
			t->line++;
			continue;
		}
		break;
	}
	*row = t->line;
	for (eor = 0; !eor; ) {
		buf_reset(&b);
		if (t->pos < t->len && s[t->pos] == '"') {
			t->pos++;
			while (t->pos < t->len) {
				char c = s[t->pos++];

				if (c == '"') {
					if (t->pos < t->len &&
					    s[t->pos] == '"') {
						buf_addc(&b, '"');
						t->pos++;
						continue;
					}
					break;
				}
				if (c == '\n' ||
				    (c == '\r' && (t->pos >= t->len ||
				    s[t->pos] != '\n')))
					t->line++;
				buf_addc(&b, c);
			}
		}
		/* unquoted, or what follows a closing quote: taken as is */
		while (t->pos < t->len && s[t->pos] != t->delim &&
		    s[t->pos] != '\n' && s[t->pos] != '\r')
			buf_addc(&b, s[t->pos++]);
		if (t->pos >= t->len) {
			eor = 1;
		} else if (s[t->pos] == t->delim) {
			t->pos++;
		} else {
			if (s[t->pos] == '\r' && t->pos + 1 < t->len &&
			    s[t->pos + 1] == '\n')
				t->pos++;
			t->pos++;
			t->line++;
			eor = 1;
		}
		if (t->nf == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 32;
			t->f = xrealloc(t->f, t->cap * sizeof(*t->f));
		}
		t->f[t->nf++] = buf_str(&b)[0] ? xstrdup(buf_str(&b)) : NULL;
	}
	buf_release(&b);
	*cells = t->f;
	*n = t->nf;
	return 1;
}

/* ------------------------------------------------------------------ */
/* header and rows, whatever the format */

static int
table_next(struct table *t, long *row, char ***cells, size_t *n,
    struct errbuf *err)
{
	if (t->sh)
		return xlsx_sheet_next(t->sh, row, cells, n, err);
	return csv_mem_next(t, row, cells, n);
}

/* "Item ID" -> "item_id" */
static char *
header_key(const char *s)
{
	char *k = trimmed(s), *p;

	if (k == NULL)
		return NULL;
	for (p = k; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == ' ' || *p == '-')
			*p = '_';
	}
	return k;
}

/*
 * 1 and col[] when this row has item_id and decision; else 0. *dup (may
 * stay NULL) gets the header of a second column for one we read: which
 * of two decision columns counts is not ours to guess. Caller frees.
 */
static int
header_match(char **cells, size_t n, long col[H_N], char **dup)
{
	size_t i;
	int h, k;

	*dup = NULL;
	for (h = 0; h < H_N; h++)
		col[h] = -1;
	for (i = 0; i < n; i++) {
		char *key = header_key(cells[i]);

		if (key == NULL)
			continue;
		for (h = 0; h < H_N; h++)
			for (k = 0; header_names[h][k]; k++) {
				if (strcmp(key, header_names[h][k]) != 0)
					continue;
				if (col[h] < 0)
					col[h] = (long)i;
				else if (*dup == NULL)
					*dup = xstrdup(cells[i]);
			}
		free(key);
	}
	if (col[H_ITEM] >= 0 && col[H_DECISION] >= 0)
		return 1;
	free(*dup);
	*dup = NULL;
	return 0;
}

/*
 * Find the header within the first rows. 1: found (col[] set), 0: not a
 * worksheet, -1: read error, SIGNOFF_REFUSED (err set, naming the file
 * "name"): a column we read is there twice.
 */
static int
find_header(struct table *t, const char *name, long col[H_N],
    struct errbuf *err)
{
	char **cells, *dup;
	size_t n;
	long row;
	int rc, i;

	for (i = 0; i < HEADER_ROWS; i++) {
		if ((rc = table_next(t, &row, &cells, &n, err)) <= 0)
			return rc;
		if (header_match(cells, n, col, &dup)) {
			if (dup == NULL)
				return 1;
			err_set(err, "%s: row %ld: two '%s' columns: keep one",
			    name, row, dup);
			free(dup);
			return SIGNOFF_REFUSED;
		}
	}
	return 0;
}

static void
reader_free(struct reader *rd)
{
	size_t i;
	int h;

	for (i = 0; i < rd->n; i++)
		for (h = 0; h < H_N; h++)
			free(rd->r[i].cell[h]);
	free(rd->r);
	rd->r = NULL;
	rd->n = 0;
}

/* The rows after the header: the cells we read, trimmed. */
static int
read_rows(struct table *t, const long col[H_N], struct reader *rd,
    struct errbuf *err)
{
	size_t cap = 0, n;
	char **cells;
	long row;
	int rc, h;

	for (h = 0; h < H_N; h++)
		rd->has_col[h] = col[h] >= 0;
	while ((rc = table_next(t, &row, &cells, &n, err)) == 1) {
		struct rec r;
		int any = 0;

		memset(&r, 0, sizeof(r));
		r.row = row;
		for (h = 0; h < H_N; h++) {
			if (col[h] < 0 || (size_t)col[h] >= n)
				continue;
			r.cell[h] = trimmed(cells[col[h]]);
			any |= r.cell[h] != NULL;
		}
		if (!any)
			continue;
		if (rd->n == cap) {
			cap = cap ? 2 * cap : 256;
			rd->r = xrealloc(rd->r, cap * sizeof(*rd->r));
		}
		rd->r[rd->n++] = r;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* reading a file */

struct source {
	const char *name;
	char	*sheet;		/* XLSX: the sheet read */
	char	*file_time;
};

static int
read_csv(const unsigned char *data, size_t len, struct source *src,
    struct reader *rd, struct errbuf *err)
{
	struct table t;
	long col[H_N];
	const char *enc;
	char *text;
	size_t tlen;
	int rc;

	if ((text = csv_utf8(data, len, &tlen, &enc, err)) == NULL)
		return -1;
	memset(&t, 0, sizeof(t));
	t.s = text;
	t.len = tlen;
	t.line = 1;
	t.delim = csv_sniff(text, tlen);
	rc = find_header(&t, src->name, col, err);
	if (rc == 0) {
		err_set(err, "%s: no header row with item_id and decision"
		    " (read as %s CSV)", src->name, enc);
		rc = SIGNOFF_REFUSED;
	} else if (rc > 0) {
		rc = read_rows(&t, col, rd, err);
	}
	table_clear(&t);
	free(t.f);
	free(text);
	return rc;
}

static int
read_xlsx(const unsigned char *data, size_t len, struct source *src,
    struct reader *rd, struct errbuf *err)
{
	struct xlsx *x;
	struct table t;
	long col[H_N], other[H_N];
	size_t i, found = (size_t)-1;
	int rc = 0, ret = -1;

	if ((x = xlsx_open_mem(data, len, src->name, err)) == NULL)
		return SIGNOFF_REFUSED;
	if (xlsx_modified(x))
		src->file_time = xstrdup(xlsx_modified(x));
	/* whichever sheet has the header, wherever it stands */
	for (i = 0; i < xlsx_nsheets(x); i++) {
		memset(&t, 0, sizeof(t));
		if ((t.sh = xlsx_sheet_open(x, i, err)) == NULL)
			goto out;
		rc = find_header(&t, src->name, found == (size_t)-1 ? col :
		    other, err);
		if (rc > 0 && found == (size_t)-1) {
			found = i;
			rc = read_rows(&t, col, rd, err);
		} else if (rc > 0) {
			err_set(err, "%s: sheets '%s' and '%s' both have"
			    " item_id and decision columns: keep one",
			    src->name, xlsx_sheet_name(x, found),
			    xlsx_sheet_name(x, i));
			xlsx_sheet_close(t.sh);
			ret = SIGNOFF_REFUSED;
			goto out;
		}
		xlsx_sheet_close(t.sh);
		if (rc == SIGNOFF_REFUSED)
			ret = rc;
		if (rc < 0)
			goto out;
	}
	if (found == (size_t)-1) {
		err_set(err, "%s: no sheet has a header row with item_id and"
		    " decision", src->name);
		ret = SIGNOFF_REFUSED;
		goto out;
	}
	src->sheet = xstrdup(xlsx_sheet_name(x, found));
	ret = 0;
out:
	xlsx_close(x);
	return ret;
}

/* ------------------------------------------------------------------ */
/* the database side */

struct importer {
	struct store *st;
	const struct signoff_options *opt;
	struct signoff_result *res;
	struct source *src;
	struct reader *rd;
	const unsigned char *data;
	size_t	 len;
	int64_t	 campaign_id;
	char	*reviewer_name;
	char	 now[21];
};

static void
reject(struct importer *im, const struct rec *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
reject(struct importer *im, const struct rec *r, const char *fmt, ...)
{
	struct signoff_result *res = im->res;
	struct buf b = BUF_INIT;
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (im->src->sheet)
		buf_addf(&b, "%s:%s:%ld: %s", res->file, im->src->sheet,
		    r->row, why);
	else
		buf_addf(&b, "%s:%ld: %s", res->file, r->row, why);
	res->rejects = xrealloc(res->rejects, (res->nrejects + 1) *
	    sizeof(*res->rejects));
	res->rejects[res->nrejects++] = buf_detach(&b);
	res->rejected++;
}

static int
rec_item_cmp(const void *a, const void *b)
{
	const struct rec *const *x = a, *const *y = b;
	int c = strcmp((*x)->cell[H_ITEM], (*y)->cell[H_ITEM]);

	if (c)
		return c;
	return (*x)->row < (*y)->row ? -1 : (*x)->row > (*y)->row;
}

static int
rec_key_cmp(const void *a, const void *b)
{
	const struct rec *const *x = a, *const *y = b;

	return strcmp((*x)->cell[H_ITEM], (*y)->cell[H_ITEM]);
}

/*
 * Which campaign and reviewer the file's item ids belong to. Marks
 * rec.found. 0, SIGNOFF_REFUSED or -1 (err set).
 */
static int
resolve_items(struct importer *im, struct rec **sorted, size_t ns,
    struct errbuf *err)
{
	sqlite3_stmt *ins = NULL, *q = NULL;
	struct signoff_result *res = im->res;
	char *other_rv = NULL, *other_c = NULL;
	size_t i;
	int rc, ret = -1;

	if (store_exec(im->st, "CREATE TEMP TABLE IF NOT EXISTS signoff_items"
	    " (item_id TEXT PRIMARY KEY); DELETE FROM temp.signoff_items",
	    err) < 0)
		return -1;
	if ((ins = store_prepare(im->st, "INSERT OR IGNORE INTO"
	    " temp.signoff_items VALUES (?)", err)) == NULL)
		goto out;
	for (i = 0; i < ns; i++) {
		store_bind_text(ins, 1, sorted[i]->cell[H_ITEM]);
		if (store_step_done(im->st, ins, err) < 0)
			goto out;
	}
	/* one pass over campaign_items: it has no index on item_id alone */
	q = store_prepare(im->st, "SELECT i.item_id, c.id, c.name, c.status,"
	    " i.reviewer_id, i.reviewer_name FROM campaign_items i"
	    " JOIN campaigns c ON c.id = i.campaign_id"
	    " WHERE i.item_id IN (SELECT item_id FROM temp.signoff_items)"
	    " ORDER BY c.id, i.reviewer_id", err);
	if (q == NULL)
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *item = store_col(q, 0), *cname = store_col(q, 2);
		const char *rv = store_col(q, 4);
		struct rec key, *kp = &key, **hit;
		size_t at;

		if (res->campaign == NULL) {
			res->campaign = xstrdup(cname);
			im->campaign_id = sqlite3_column_int64(q, 1);
			res->reviewer_id = xstrdup(rv ? rv : "");
			im->reviewer_name = xstrdup(store_col(q, 5) ?
			    store_col(q, 5) : "");
			if (strcmp(store_col(q, 3), "open") != 0) {
				err_set(err, "%s: campaign '%s' is %s: its"
				    " decisions can no longer change",
				    res->file, cname, store_col(q, 3));
				ret = SIGNOFF_REFUSED;
				goto out;
			}
		}
		if (sqlite3_column_int64(q, 1) != im->campaign_id) {
			if (other_c == NULL)
				other_c = xstrdup(cname);
			continue;
		}
		if (strcmp(rv ? rv : "", res->reviewer_id) != 0) {
			if (other_rv == NULL)
				other_rv = xstrdup(rv ? rv : "");
			continue;
		}
		memset(&key, 0, sizeof(key));
		key.cell[H_ITEM] = (char *)item;
		hit = bsearch(&kp, sorted, ns, sizeof(*sorted), rec_key_cmp);
		if (hit == NULL)
			continue;
		/* any line of the item: mark them all */
		for (at = (size_t)(hit - sorted); at > 0 &&
		    strcmp(sorted[at - 1]->cell[H_ITEM], item) == 0; at--)
			;
		for (; at < ns && strcmp(sorted[at]->cell[H_ITEM], item) == 0;
		    at++)
			sorted[at]->found = 1;
	}
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read campaign items: %s",
		    store_errmsg(im->st));
		goto out;
	}
	if (res->campaign == NULL) {
		err_set(err, "%s: none of its %zu item ids belongs to a"
		    " campaign in this database", res->file, ns);
		ret = SIGNOFF_REFUSED;
	} else if (other_c) {
		err_set(err, "%s: its item ids belong to campaigns '%s' and"
		    " '%s': one file is one reviewer's worksheet of one"
		    " campaign", res->file, res->campaign, other_c);
		ret = SIGNOFF_REFUSED;
	} else if (im->opt->campaign &&
	    strcmp(im->opt->campaign, res->campaign) != 0) {
		err_set(err, "%s: its item ids belong to campaign '%s', not"
		    " '%s'", res->file, res->campaign, im->opt->campaign);
		ret = SIGNOFF_REFUSED;
	} else if (other_rv) {
		err_set(err, "%s: its item ids belong to reviewers %s and %s:"
		    " one file is one reviewer's worksheet", res->file,
		    res->reviewer_id, other_rv);
		ret = SIGNOFF_REFUSED;
	} else {
		ret = 0;
	}
out:
	free(other_rv);
	free(other_c);
	sqlite3_finalize(ins);
	sqlite3_finalize(q);
	return ret;
}

/*
 * The reviewer the file says it is for (reviewer_id column, else the
 * reviewer name column) must be the one its items belong to.
 */
static int
check_claimed_reviewer(struct importer *im, struct errbuf *err)
{
	struct signoff_result *res = im->res;
	size_t i;

	for (i = 0; i < im->rd->n; i++) {
		const struct rec *r = &im->rd->r[i];
		const char *id = undefused(r->cell[H_REVIEWER_ID]);
		const char *name = undefused(r->cell[H_REVIEWER]);

		/* Lines without an item id (a title, the sign-off block under
		 * the table) are not items and claim nothing. */
		if (str_empty(r->cell[H_ITEM]))
			continue;
		if (id && strcmp(id, res->reviewer_id) != 0) {
			err_set(err, "%s: the worksheet is reviewer %s's (row"
			    " %ld) but its item ids are %s's", res->file, id,
			    r->row, res->reviewer_id);
			return SIGNOFF_REFUSED;
		}
		if (!im->rd->has_col[H_REVIEWER_ID] && name &&
		    strcmp(name, im->reviewer_name) != 0) {
			err_set(err, "%s: the worksheet is %s's (row %ld) but"
			    " its item ids are %s's (%s)", res->file, name,
			    r->row, res->reviewer_id, im->reviewer_name);
			return SIGNOFF_REFUSED;
		}
	}
	return 0;
}

/* Refuse a file older than one imported for the reviewer; note a repeat. */
static int
check_newer(struct importer *im, struct errbuf *err)
{
	struct signoff_result *res = im->res;
	sqlite3_stmt *q;
	int rc, ret = 0;

	q = store_prepare(im->st, "SELECT file_name, sha256, file_time,"
	    " imported_at FROM review_imports WHERE campaign_id = ?"
	    " AND reviewer_id = ? ORDER BY file_time DESC, id DESC", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, im->campaign_id);
	store_bind_text(q, 2, res->reviewer_id);
	while (ret == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *ft = store_col(q, 2);

		if (strcmp(store_col(q, 1), res->sha256) == 0) {
			res->already = 1;
			ret = 1;
		} else if (ft && strcmp(res->file_time, ft) < 0) {
			err_set(err, "%s: saved %s, before %s (saved %s) that"
			    " was imported on %s for reviewer %s: the newer"
			    " file stands", res->file, res->file_time,
			    store_col(q, 0), ft, store_col(q, 3),
			    res->reviewer_id);
			ret = SIGNOFF_REFUSED;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		err_set(err, "cannot read review imports: %s",
		    store_errmsg(im->st));
		ret = -1;
	}
	sqlite3_finalize(q);
	return ret;
}

static const char *
os_user(const struct signoff_options *opt, char num[32])
{
	struct passwd *pw;

	if (opt->os_user)
		return opt->os_user;
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name)
		return pw->pw_name;
	snprintf(num, 32, "%lu", (unsigned long)geteuid());
	return num;
}

static int64_t
insert_import(struct importer *im, struct errbuf *err)
{
	struct signoff_result *res = im->res;
	sqlite3_stmt *s;
	char num[32];
	int64_t id = -1;

	s = store_prepare(im->st, "INSERT INTO review_imports (campaign_id,"
	    " reviewer_id, file_name, sha256, content, file_time,"
	    " imported_at, os_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, im->campaign_id);
	sqlite3_bind_text(s, 2, res->reviewer_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, res->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, res->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 5, im->data, im->len, SQLITE_STATIC);
	store_bind_text(s, 6, res->file_time);
	sqlite3_bind_text(s, 7, im->now, -1, SQLITE_STATIC);
	store_bind_text(s, 8, os_user(im->opt, num));
	if (store_step_done(im->st, s, err) == 0)
		id = sqlite3_last_insert_rowid(store_db(im->st));
	sqlite3_finalize(s);
	return id;
}

/* The hash of the campaign's last decision, or its genesis. */
static int
chain_tip(struct importer *im, char out[65], struct errbuf *err)
{
	sqlite3_stmt *q;
	int rc;

	q = store_prepare(im->st, "SELECT hash FROM decisions WHERE"
	    " campaign_id = ? ORDER BY id DESC LIMIT 1", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, im->campaign_id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		snprintf(out, 65, "%s", store_col(q, 0));
	else if (rc == SQLITE_DONE)
		chain_genesis(im->res->campaign, out);
	else
		err_set(err, "cannot read decisions: %s", store_errmsg(im->st));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Every row: rejected, undecided, or a decision on the chain. */
static int
record_rows(struct importer *im, struct errbuf *err)
{
	struct signoff_result *res = im->res;
	sqlite3_stmt *old = NULL, *ins = NULL, *upd = NULL;
	char prev[65], hash[65];
	size_t i;
	int ret = -1;

	if (chain_tip(im, prev, err) < 0)
		return -1;
	old = store_prepare(im->st, "UPDATE decisions SET current = 0 WHERE"
	    " campaign_id = ? AND item_id = ? AND current = 1", err);
	ins = store_prepare(im->st, "INSERT INTO decisions (campaign_id,"
	    " item_id, import_id, reviewer_id, decision, comment, decided_at,"
	    " current, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
	    err);
	if (old == NULL || ins == NULL)
		goto out;
	for (i = 0; i < im->rd->n; i++) {
		const struct rec *r = &im->rd->r[i];
		const char *item = r->cell[H_ITEM], *raw = r->cell[H_DECISION];
		enum signoff_decision d = signoff_parse_decision(raw);
		struct chain_link l;

		if (item == NULL) {
			/* A line under the table (legend, sign-off block) is
			 * no item; a decision without an item id is an error. */
			if (!str_empty(raw))
				reject(im, r, "a decision but no item id");
			continue;
		}
		if (r->dup_of) {
			reject(im, r, "item %s is already on row %ld", item,
			    r->dup_of);
			continue;
		}
		if (!r->found) {
			reject(im, r, "item %s is not in campaign %s", item,
			    res->campaign);
			continue;
		}
		if ((raw && strcmp(raw, XLSX_FORMULA_UNSAVED) == 0) ||
		    (r->cell[H_COMMENT] && strcmp(r->cell[H_COMMENT],
		    XLSX_FORMULA_UNSAVED) == 0)) {
			/* what it computes is only known to a spreadsheet */
			reject(im, r, "a formula without a saved value: open"
			    " the file in Excel or LibreOffice and save it");
			continue;
		}
		if (d == DECISION_BAD) {
			reject(im, r, "decision '%s' is not Keep or Revoke",
			    raw);
			continue;
		}
		if (d == DECISION_EMPTY) {
			res->undecided++;
			continue;
		}
		memset(&l, 0, sizeof(l));
		l.campaign = res->campaign;
		l.item_id = item;
		l.decision = d == DECISION_KEEP ? "keep" : "revoke";
		l.comment = r->cell[H_COMMENT];
		l.reviewer_id = res->reviewer_id;
		l.decided_at = im->now;
		l.file_sha256 = res->sha256;
		chain_hash(prev, &l, hash);
		sqlite3_bind_int64(old, 1, im->campaign_id);
		sqlite3_bind_text(old, 2, item, -1, SQLITE_STATIC);
		if (store_step_done(im->st, old, err) < 0)
			goto out;
		sqlite3_bind_int64(ins, 1, im->campaign_id);
		sqlite3_bind_text(ins, 2, item, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, res->import_id);
		sqlite3_bind_text(ins, 4, res->reviewer_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, l.decision, -1, SQLITE_STATIC);
		store_bind_text(ins, 6, l.comment);
		sqlite3_bind_text(ins, 7, im->now, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, prev, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 9, hash, -1, SQLITE_STATIC);
		if (store_step_done(im->st, ins, err) < 0)
			goto out;
		memcpy(prev, hash, sizeof(prev));
		res->decided++;
		if (d == DECISION_REVOKE)
			res->revoke++;
	}
	upd = store_prepare(im->st, "UPDATE review_imports SET"
	    " rows_decided = ?, rows_undecided = ?, rows_rejected = ?"
	    " WHERE id = ?", err);
	if (upd == NULL)
		goto out;
	sqlite3_bind_int64(upd, 1, res->decided);
	sqlite3_bind_int64(upd, 2, res->undecided);
	sqlite3_bind_int64(upd, 3, res->rejected);
	sqlite3_bind_int64(upd, 4, res->import_id);
	if (store_step_done(im->st, upd, err) < 0)
		goto out;
	sqlite3_finalize(upd);
	/* the reviewer's earlier files now stand behind this one */
	upd = store_prepare(im->st, "UPDATE review_imports SET superseded_by"
	    " = ? WHERE campaign_id = ? AND reviewer_id = ? AND id != ?"
	    " AND superseded_by IS NULL", err);
	if (upd == NULL)
		goto out;
	sqlite3_bind_int64(upd, 1, res->import_id);
	sqlite3_bind_int64(upd, 2, im->campaign_id);
	sqlite3_bind_text(upd, 3, res->reviewer_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(upd, 4, res->import_id);
	if (store_step_done(im->st, upd, err) < 0)
		goto out;
	ret = 0;
out:
	sqlite3_finalize(old);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return ret;
}

/* Inside the transaction: check, then record. */
static int
import_rows(struct importer *im, struct errbuf *err)
{
	struct reader *rd = im->rd;
	struct rec **sorted;
	size_t i, ns = 0;
	int rc;

	sorted = xcalloc(rd->n + 1, sizeof(*sorted));
	for (i = 0; i < rd->n; i++)
		if (rd->r[i].cell[H_ITEM])
			sorted[ns++] = &rd->r[i];
	if (ns == 0) {
		err_set(err, "%s: no row has an item id", im->res->file);
		free(sorted);
		return SIGNOFF_REFUSED;
	}
	qsort(sorted, ns, sizeof(*sorted), rec_item_cmp);
	for (i = 1; i < ns; i++)
		if (strcmp(sorted[i]->cell[H_ITEM],
		    sorted[i - 1]->cell[H_ITEM]) == 0)
			sorted[i]->dup_of = sorted[i - 1]->dup_of ?
			    sorted[i - 1]->dup_of : sorted[i - 1]->row;
	rc = resolve_items(im, sorted, ns, err);
	free(sorted);
	if (rc != 0)
		return rc;
	if ((rc = check_claimed_reviewer(im, err)) != 0)
		return rc;
	if ((rc = check_newer(im, err)) != 0)
		return rc > 0 ? 0 : rc;
	if ((im->res->import_id = insert_import(im, err)) < 0) {
		im->res->import_id = 0;
		return -1;
	}
	return record_rows(im, err);
}

static char *
time_iso(time_t t)
{
	struct tm tm;
	char out[21];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return xstrdup("1970-01-01T00:00:00Z");
	return xstrdup(out);
}

int
signoff_import_mem(struct store *st, const char *name, const void *data,
    size_t len, time_t mtime, const struct signoff_options *opt,
    struct signoff_result *res, struct errbuf *err)
{
	static const struct signoff_options defaults;
	struct importer im;
	struct source src;
	struct reader rd;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&src, 0, sizeof(src));
	memset(&rd, 0, sizeof(rd));
	memset(&im, 0, sizeof(im));
	if (opt == NULL)
		opt = &defaults;
	res->file = xstrdup(name);
	src.name = res->file;
	sha256_hex(data, len, res->sha256);
	if (xlsx_is_zip(data, len))
		rc = read_xlsx(data, len, &src, &rd, err);
	else
		rc = read_csv(data, len, &src, &rd, err);
	if (rc != 0)
		goto out;
	if (src.file_time == NULL)
		src.file_time = time_iso(mtime);
	res->sheet = src.sheet ? xstrdup(src.sheet) : NULL;
	res->file_time = xstrdup(src.file_time);

	im.st = st;
	im.opt = opt;
	im.res = res;
	im.src = &src;
	im.rd = &rd;
	im.data = data;
	im.len = len;
	if (opt->now)
		snprintf(im.now, sizeof(im.now), "%s", opt->now);
	else
		now_iso(im.now);
	if ((rc = store_begin(st, err)) < 0)
		goto out;
	rc = import_rows(&im, err);
	if (rc == 0 && !res->already && (rc = store_commit(st, err)) == 0)
		goto out;
	store_rollback(st);
	if (rc == 0)
		goto out;	/* already imported: nothing to keep */
	res->import_id = 0;
	res->decided = res->revoke = res->undecided = 0;
out:
	if (rc == SIGNOFF_REFUSED)
		res->rejected = 0;
	free(im.reviewer_name);
	free(src.sheet);
	free(src.file_time);
	reader_free(&rd);
	return rc;
}

int
signoff_import(struct store *st, const char *path,
    const struct signoff_options *opt, struct signoff_result *res,
    struct errbuf *err)
{
	const char *base = strrchr(path, '/');
	unsigned char *data = NULL;
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	base = base ? base + 1 : path;
	memset(res, 0, sizeof(*res));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) < 0) {
		err_set(err, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > SIGNOFF_MAX_FILE) {
		err_set(err, "'%s': not a worksheet (%s)", path,
		    S_ISREG(sb.st_mode) ? "too large" : "not a file");
		rc = SIGNOFF_REFUSED;
		goto fail;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, data + got, (size_t)sb.st_size - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(err, "cannot read '%s': %s", path,
			    strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	rc = signoff_import_mem(st, base, data, got, sb.st_mtime, opt, res,
	    err);
	free(data);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(data);
	res->file = xstrdup(base);
	return rc;
}

void
signoff_result_release(struct signoff_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	free(res->file);
	free(res->sheet);
	free(res->campaign);
	free(res->reviewer_id);
	free(res->file_time);
	for (i = 0; i < res->nrejects; i++)
		free(res->rejects[i]);
	free(res->rejects);
	memset(res, 0, sizeof(*res));
}

/* ------------------------------------------------------------------ */
/* status */

int
signoff_status(struct store *st, int64_t campaign_id, const char *due,
    const char *as_of, struct signoff_status **out, size_t *n,
    struct errbuf *err)
{
	sqlite3_stmt *q;
	int rc, late = due && as_of && strcmp(due, as_of) < 0;

	*out = NULL;
	*n = 0;
	q = store_prepare(st, "SELECT i.reviewer_id, MAX(i.reviewer_name),"
	    " MAX(i.reviewer_email), COUNT(*), COUNT(d.id),"
	    " SUM(d.decision IS NOT NULL AND d.decision = 'revoke')"
	    " FROM campaign_items i LEFT JOIN decisions d"
	    " ON d.campaign_id = i.campaign_id AND d.item_id = i.item_id"
	    " AND d.current = 1"
	    " WHERE i.campaign_id = ? GROUP BY i.reviewer_id"
	    " ORDER BY i.reviewer_id", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, campaign_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct signoff_status *s;
		const char *v;

		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		s = &(*out)[(*n)++];
		memset(s, 0, sizeof(*s));
		v = store_col(q, 0);
		s->reviewer_id = xstrdup(v ? v : "");
		v = store_col(q, 1);
		s->reviewer_name = xstrdup(v ? v : "");
		v = store_col(q, 2);
		s->email = v ? xstrdup(v) : NULL;
		s->items = (long)sqlite3_column_int64(q, 3);
		s->decided = (long)sqlite3_column_int64(q, 4);
		s->revoke = (long)sqlite3_column_int64(q, 5);
		s->pending = s->items - s->decided;
		s->overdue = late ? s->pending : 0;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot read the campaign's decisions: %s",
		    store_errmsg(st));
		signoff_status_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
signoff_status_free(struct signoff_status *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].reviewer_id);
		free(s[i].reviewer_name);
		free(s[i].email);
	}
	free(s);
}
