/*
 * csv.c: an RFC 4180 reader and a formula-safe writer (see csv.h).
 *
 * HR and account exports come from Excel, Workday, BambooHR, ADP and
 * home-made scripts: BOMs, CRLF, ';' from European Excel, line breaks in
 * quoted fields. The reader takes all of that, and refuses what it cannot
 * read for sure (an unterminated quote, a stray quote, a NUL byte, bytes
 * that are not UTF-8) with path:line:column, because a silently mangled
 * roster turns into wrong findings.
 *
 * Three layers: raw bytes (the read-ahead header line first, then the
 * file), tokens (UTF-8 checked, CRLF folded into one token, line and column
 * kept), and records. The column counts characters, not bytes, so that an
 * editor's column matches ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/csv.h"

enum {
	TOK_CRLF = 256,		/* CR LF, one line break */
	TOK_EOF = -1,
	TOK_ERR = -2,
};

static int
raw_get(struct csv *c)
{
	if (c->ipending < c->npending)
		return (unsigned char)c->pending[c->ipending++];
	return getc(c->fp);
}

static int
raw_peek(struct csv *c)
{
	int ch;

	if (c->ipending < c->npending)
		return (unsigned char)c->pending[c->ipending];
	if ((ch = getc(c->fp)) != EOF)
		ungetc(ch, c->fp);
	return ch;
}

static void
pending_add(struct csv *c, int ch)
{
	if (c->npending + 1 >= c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->pending = xrealloc(c->pending, c->cap);
	}
	c->pending[c->npending++] = (char)ch;
}

/* A UTF-8 BOM says nothing about the data: Excel writes it, we drop it. */
static void
drop_bom(struct csv *c)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
	int ch, i;

	for (i = 0; i < 3; i++) {
		if ((ch = getc(c->fp)) == EOF)
			return;
		pending_add(c, ch);
		if (ch != bom[i])
			return;
	}
	c->npending = 0;
}

/*
 * Read the header line ahead (it stays in pending, to be parsed as usual)
 * and pick the delimiter that occurs most often outside quotes.
 */
static int
sniff(struct csv *c)
{
	static const int cand[3] = { ',', ';', '\t' };
	size_t n[3] = { 0, 0, 0 }, i;
	int ch, quoted = 0, best = 0;

	for (i = 0; i < c->npending; i++)
		if (c->pending[i] == '"')
			quoted = !quoted;
	while ((ch = getc(c->fp)) != EOF) {
		pending_add(c, ch);
		if (ch == '"')
			quoted = !quoted;
		else if (ch == '\n' && !quoted)
			break;
	}
	quoted = 0;
	for (i = 0; i < c->npending; i++) {
		ch = c->pending[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && ch == ',')
			n[0]++;
		else if (!quoted && ch == ';')
			n[1]++;
		else if (!quoted && ch == '\t')
			n[2]++;
	}
	for (i = 1; i < 3; i++)
		if (n[i] > n[best])
			best = (int)i;
	return cand[best];
}

int
csv_open(struct csv *c, const char *path, int delim, struct errbuf *err)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->line = 1;
	c->col = 1;
	if ((c->fp = fopen(path, "rb")) == NULL) {
		err_set(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	drop_bom(c);
	c->bom_checked = 1;
	c->delim = delim ? delim : sniff(c);
	if (ferror(c->fp)) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		csv_close(c);
		return -1;
	}
	return 0;
}

static int
bad_at(struct csv *c, long line, long col, struct errbuf *err,
    const char *what)
{
	err_set(err, "%s:%ld:%ld: %s", c->path, line, col, what);
	return TOK_ERR;
}

/* Start of a UTF-8 sequence: how many bytes follow and the next's range. */
static int
utf8_lead(struct csv *c, int b)
{
	c->u8lo = 0x80;
	c->u8hi = 0xbf;
	c->u8lead = (unsigned char)b;
	if (b >= 0xc2 && b <= 0xdf)
		c->u8need = 1;
	else if (b >= 0xe0 && b <= 0xef) {
		c->u8need = 2;
		if (b == 0xe0)
			c->u8lo = 0xa0;		/* no overlong forms */
		else if (b == 0xed)
			c->u8hi = 0x9f;		/* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		c->u8need = 3;
		if (b == 0xf0)
			c->u8lo = 0x90;
		else if (b == 0xf4)
			c->u8hi = 0x8f;		/* up to U+10FFFF */
	} else
		return -1;
	return 0;
}

static int
tok_utf8(struct csv *c, int b, struct errbuf *err)
{
	char what[96];

	if (c->u8need > 0) {
		/*
		 * Windows-1252 "é" (0xE9) looks like the start of a 3-byte
		 * sequence; the byte to name is that one, where it stands
		 * (continuation bytes do not move the column).
		 */
		if (b < c->u8lo || b > c->u8hi) {
			snprintf(what, sizeof(what), "invalid UTF-8 (byte 0x%02X):"
			    " save the file as UTF-8", c->u8lead);
			return bad_at(c, c->tok_line, c->tok_col - 1, err, what);
		}
		c->u8need--;
		c->u8lo = 0x80;
		c->u8hi = 0xbf;
		return b;
	}
	if (utf8_lead(c, b) < 0)
		goto bad;
	c->col++;
	return b;
bad:
	snprintf(what, sizeof(what), "invalid UTF-8 (byte 0x%02X): save the"
	    " file as UTF-8", b);
	return bad_at(c, c->tok_line, c->tok_col, err, what);
}

/* The next byte as a token, checked, with its line and column. */
static int
tok_read(struct csv *c, struct errbuf *err)
{
	int b = raw_get(c);

	c->tok_line = c->line;
	c->tok_col = c->col;
	if (b == EOF) {
		if (ferror(c->fp)) {
			err_set(err, "cannot read '%s': %s", c->path,
			    strerror(errno));
			return TOK_ERR;
		}
		if (c->u8need > 0)
			return bad_at(c, c->line, c->col, err,
			    "invalid UTF-8 (truncated at end of file)");
		return TOK_EOF;
	}
	if (c->u8need > 0 || b >= 0x80)
		return tok_utf8(c, b, err);
	if (b == 0)
		return bad_at(c, c->line, c->col, err, "NUL byte (is this a"
		    " UTF-16 file? save it as UTF-8)");
	if (b == '\r' && raw_peek(c) == '\n') {
		raw_get(c);
		b = TOK_CRLF;
	}
	if (b == '\n' || b == '\r' || b == TOK_CRLF) {
		c->line++;
		c->col = 1;
	} else
		c->col++;
	return b;
}

static int
is_eol(int t)
{
	return t == '\n' || t == '\r' || t == TOK_CRLF;
}

static void
fbuf_add(struct csv *c, int t)
{
	if (c->flen + 3 >= c->fcap) {
		c->fcap = c->fcap ? c->fcap * 2 : 128;
		c->fbuf = xrealloc(c->fbuf, c->fcap);
	}
	if (t == TOK_CRLF) {
		c->fbuf[c->flen++] = '\r';
		t = '\n';
	}
	c->fbuf[c->flen++] = (char)t;
}

/* After the opening quote; returns the token that ends the field. */
static int
read_quoted(struct csv *c, long line, long col, struct errbuf *err)
{
	char what[96];
	int t;

	for (;;) {
		if ((t = tok_read(c, err)) == TOK_ERR)
			return t;
		if (t == TOK_EOF) {
			snprintf(what, sizeof(what), "quoted field opened here"
			    " is not closed before the end of the file");
			return bad_at(c, line, col, err, what);
		}
		if (t != '"') {
			fbuf_add(c, t);
			continue;
		}
		if ((t = tok_read(c, err)) == '"') {
			fbuf_add(c, '"');
			continue;
		}
		if (t == c->delim || is_eol(t) || t == TOK_EOF || t == TOK_ERR)
			return t;
		return bad_at(c, c->tok_line, c->tok_col, err, "text after a"
		    " closing quote (a quote inside a field must be doubled)");
	}
}

static int
read_unquoted(struct csv *c, int t, struct errbuf *err)
{
	for (;;) {
		if (t == c->delim || is_eol(t) || t == TOK_EOF || t == TOK_ERR)
			return t;
		if (t == '"')
			return bad_at(c, c->tok_line, c->tok_col, err,
			    "quote inside an unquoted field (quote the whole"
			    " field and double the quote)");
		fbuf_add(c, t);
		t = tok_read(c, err);
	}
}

static void
push_field(struct csv *c, long line, long col)
{
	if (c->nf % 16 == 0)
		c->f = xrealloc(c->f, (c->nf + 16) * sizeof(*c->f));
	c->f[c->nf].s = xstrndup(c->fbuf ? c->fbuf : "", c->flen);
	c->f[c->nf].line = line;
	c->f[c->nf].col = col;
	c->nf++;
}

static void
clear_fields(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		free(c->f[i].s);
	c->nf = 0;
}

/* Skip empty lines; TOK_EOF, TOK_ERR or the record's first token. */
static int
skip_empty(struct csv *c, struct errbuf *err)
{
	int t;

	while (is_eol(t = tok_read(c, err)))
		;
	return t;
}

int
csv_next(struct csv *c, struct errbuf *err)
{
	long line, col;
	int t;

	clear_fields(c);
	if ((t = skip_empty(c, err)) == TOK_ERR)
		return -1;
	if (t == TOK_EOF)
		return 0;
	c->record_line = c->tok_line;
	for (;;) {
		line = c->tok_line;
		col = c->tok_col;
		c->flen = 0;
		if (t == '"')
			t = read_quoted(c, line, col, err);
		else
			t = read_unquoted(c, t, err);
		if (t == TOK_ERR)
			return -1;
		push_field(c, line, col);
		if (t != c->delim)
			return 1;
		t = tok_read(c, err);
	}
}

void
csv_close(struct csv *c)
{
	clear_fields(c);
	free(c->f);
	free(c->pending);
	free(c->fbuf);
	if (c->fp)
		fclose(c->fp);
	c->fp = NULL;
	c->f = NULL;
	c->pending = NULL;
	c->fbuf = NULL;
}

int
csv_delimiter(const char *d, int *delim, struct errbuf *err)
{
	*delim = 0;
	if (d == NULL || *d == '\0' || strcasecmp(d, "auto") == 0)
		return 0;
	if (strcasecmp(d, "comma") == 0 || strcmp(d, ",") == 0)
		*delim = ',';
	else if (strcasecmp(d, "semicolon") == 0 || strcmp(d, ";") == 0)
		*delim = ';';
	else if (strcasecmp(d, "tab") == 0 || strcmp(d, "\t") == 0)
		*delim = '\t';
	else if (strcasecmp(d, "pipe") == 0 || strcmp(d, "|") == 0)
		*delim = '|';
	else {
		err_set(err, "delimiter must be comma, semicolon, tab, pipe or"
		    " auto (got '%s')", d);
		return -1;
	}
	return 0;
}

int
csv_find_column(const struct csv *c, const char *const *names)
{
	const char *const *n;
	char *h;
	size_t i;
	int hit;

	for (n = names; n && *n; n++)
		for (i = 0; i < c->nf; i++) {
			h = str_trim(xstrdup(c->f[i].s));
			hit = strcasecmp(h, *n) == 0;
			free(h);
			if (hit)
				return (int)i;
		}
	return -1;
}

void
csv_write_field(FILE *fp, const char *s, int delim)
{
	const char *p;

	if (s == NULL)
		return;
	if (delim == 0)
		delim = ',';
	if (strchr(s, delim) == NULL && strpbrk(s, "\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (p = s; *p; p++) {
		if (*p == '"')
			putc('"', fp);
		putc(*p, fp);
	}
	putc('"', fp);
}

int
csv_needs_defuse(const char *s)
{
	return s != NULL && *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

/*
 * A spreadsheet runs a cell starting with = + - @ (and TAB or CR, which it
 * strips first) as a formula; the apostrophe makes it text.
 */
void
csv_write_cell(FILE *fp, const char *s, int delim)
{
	char *d;

	if (!csv_needs_defuse(s)) {
		csv_write_field(fp, s, delim);
		return;
	}
	d = xasprintf("'%s", s);
	csv_write_field(fp, d, delim);
	free(d);
}
