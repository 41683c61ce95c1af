/*
 * xlsx_read.c: read cells out of an XLSX workbook, whoever wrote it; the
 * contract is in xlsx_read.h.
 *
 * An XLSX file is a ZIP of XML parts tied together by relationship parts
 * (_rels/NAME.rels): nothing but the relationships says which part is the
 * workbook, which the sheets and which the shared strings, and writers
 * differ in part names, prefixes (x:sheet) and relative or absolute
 * targets. So every element is matched by its local name and every part
 * found by following the relationships, with the usual names as fallback.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "rollcall/buf.h"
#include "rollcall/xlsx_read.h"

/* Shared strings kept in memory at most (a hostile file cannot go past). */
#define SST_MAX_BYTES ((size_t)512 << 20)

struct rel {
	char	*id;
	char	*type;		/* the last path segment of the type URI */
	char	*target;	/* resolved part name, no leading '/' */
};

struct rels {
	struct rel *r;
	size_t	 n;
};

struct sheet_entry {
	char	*name;
	char	*part;
};

struct xlsx {
	zip_t	*zip;
	char	*name;
	struct sheet_entry *sheets;
	size_t	 nsheets;
	char	**sst;
	size_t	 nsst;
	char	*modified;
};

/* A part streamed out of the ZIP into an xmlTextReader. */
struct part {
	zip_file_t *zf;
	xmlTextReaderPtr rd;
};

struct xlsx_sheet {
	struct xlsx *x;
	struct part p;
	char	*part_name;
	char	**cells;
	size_t	 ncells;
	size_t	 cap;
	long	 row;		/* the row being read */
	int	 done;
};

int
xlsx_is_zip(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static int
zip_read_cb(void *ctx, char *out, int len)
{
	zip_int64_t n = zip_fread(ctx, out, (zip_uint64_t)len);

	return n < 0 ? -1 : (int)n;
}

static int
zip_close_cb(void *ctx)
{
	(void)ctx;		/* part_close() closes the zip_file_t */
	return 0;
}

static zip_int64_t
locate(struct xlsx *x, const char *name)
{
	return zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
}

static void
part_close(struct part *p)
{
	if (p->rd)
		xmlFreeTextReader(p->rd);
	if (p->zf)
		zip_fclose(p->zf);
	p->rd = NULL;
	p->zf = NULL;
}

/* 1 opened, 0 no such part, -1 error. */
static int
part_open(struct xlsx *x, const char *name, struct part *p, struct errbuf *err)
{
	zip_int64_t idx;

	memset(p, 0, sizeof(*p));
	if ((idx = locate(x, name)) < 0)
		return 0;
	if ((p->zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0)) == NULL) {
		err_set(err, "%s: cannot read part %s: %s", x->name, name,
		    zip_strerror(x->zip));
		return -1;
	}
	/*
	 * NONET: never fetch anything; no NOENT: entities are not expanded,
	 * so a billion-laughs part stays small.
	 */
	p->rd = xmlReaderForIO(zip_read_cb, zip_close_cb, p->zf, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (p->rd == NULL) {
		err_set(err, "%s: cannot parse part %s", x->name, name);
		part_close(p);
		return -1;
	}
	return 1;
}

static int
part_error(struct xlsx *x, struct part *p, struct errbuf *err)
{
	const xmlError *e = xmlGetLastError();
	char *name = (char *)xmlTextReaderConstBaseUri(p->rd);

	err_set(err, "%s: part %s: not well-formed XML%s%s", x->name,
	    name ? name : "?", e && e->message ? ": " : "",
	    e && e->message ? e->message : "");
	/* libxml2's message ends in a newline */
	if (strlen(err->msg) && err->msg[strlen(err->msg) - 1] == '\n')
		err->msg[strlen(err->msg) - 1] = '\0';
	return -1;
}

static const char *
lname(xmlTextReaderPtr rd)
{
	const xmlChar *n = xmlTextReaderConstLocalName(rd);

	return n ? (const char *)n : "";
}

/* Attribute by local name, whatever its prefix; caller frees. */
static char *
attr(xmlTextReaderPtr rd, const char *name, int want_ns)
{
	char *v = NULL;

	if (xmlTextReaderMoveToFirstAttribute(rd) != 1)
		return NULL;
	do {
		const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);

		if (strcmp(lname(rd), name) == 0 &&
		    (want_ns ? ns != NULL : ns == NULL)) {
			v = xstrdup((const char *)xmlTextReaderConstValue(rd));
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(rd) == 1);
	xmlTextReaderMoveToElement(rd);
	return v;
}

static int
is_text_node(int type)
{
	return type == XML_READER_TYPE_TEXT ||
	    type == XML_READER_TYPE_CDATA ||
	    type == XML_READER_TYPE_WHITESPACE ||
	    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* dir of base ("xl/workbook.xml" -> "xl/") joined with target, normalized. */
static char *
resolve(const char *base, const char *target)
{
	struct buf b = BUF_INIT;
	char *s, *out, *seg, *save = NULL, **parts = NULL;
	size_t n = 0, i;

	if (target[0] == '/') {
		buf_adds(&b, target + 1);
	} else {
		const char *slash = strrchr(base, '/');

		if (slash)
			buf_add(&b, base, (size_t)(slash - base + 1));
		buf_adds(&b, target);
	}
	s = buf_detach(&b);
	for (seg = strtok_r(s, "/", &save); seg; seg = strtok_r(NULL, "/",
	    &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (n)
				n--;
			continue;
		}
		parts = xrealloc(parts, (n + 1) * sizeof(*parts));
		parts[n++] = seg;
	}
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, '/');
		buf_adds(&b, parts[i]);
	}
	out = buf_detach(&b);
	if (out == NULL)
		out = xstrdup("");
	free(parts);
	free(s);
	return out;
}

/* The .rels part of a part: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels". */
static char *
rels_name(const char *part)
{
	const char *slash = strrchr(part, '/');

	if (slash == NULL)
		return xasprintf("_rels/%s.rels", part);
	return xasprintf("%.*s/_rels/%s.rels", (int)(slash - part), part,
	    slash + 1);
}

static void
rels_free(struct rels *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->r[i].id);
		free(r->r[i].type);
		free(r->r[i].target);
	}
	free(r->r);
	memset(r, 0, sizeof(*r));
}

/* Relationships of part (NULL: the package's own); missing is empty. */
static int
rels_load(struct xlsx *x, const char *part, struct rels *out,
    struct errbuf *err)
{
	char *name = part ? rels_name(part) : xstrdup("_rels/.rels");
	struct part p;
	int rc, ret = -1;

	memset(out, 0, sizeof(*out));
	if ((rc = part_open(x, name, &p, err)) <= 0) {
		free(name);
		return rc;
	}
	while ((rc = xmlTextReaderRead(p.rd)) == 1) {
		char *id, *type, *target, *mode;
		const char *slash;
		struct rel *r;

		if (xmlTextReaderNodeType(p.rd) != XML_READER_TYPE_ELEMENT ||
		    strcmp(lname(p.rd), "Relationship") != 0)
			continue;
		id = attr(p.rd, "Id", 0);
		type = attr(p.rd, "Type", 0);
		target = attr(p.rd, "Target", 0);
		mode = attr(p.rd, "TargetMode", 0);
		if (id && type && target &&
		    (mode == NULL || strcasecmp(mode, "External") != 0)) {
			out->r = xrealloc(out->r, (out->n + 1) *
			    sizeof(*out->r));
			r = &out->r[out->n++];
			r->id = id;
			slash = strrchr(type, '/');
			r->type = xstrdup(slash ? slash + 1 : type);
			free(type);
			r->target = resolve(part ? part : "", target);
			free(target);
		} else {
			free(id);
			free(type);
			free(target);
		}
		free(mode);
	}
	if (rc < 0)
		part_error(x, &p, err);
	else
		ret = 0;
	part_close(&p);
	free(name);
	return ret;
}

static const struct rel *
rels_by_type(const struct rels *r, const char *type)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->r[i].type, type) == 0)
			return &r->r[i];
	return NULL;
}

static const struct rel *
rels_by_id(const struct rels *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->r[i].id, id) == 0)
			return &r->r[i];
	return NULL;
}

static int
load_sheets(struct xlsx *x, const char *wb, const struct rels *wbrels,
    struct errbuf *err)
{
	struct part p;
	int rc;

	if ((rc = part_open(x, wb, &p, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: not an XLSX workbook (no %s)",
			    x->name, wb);
		return -1;
	}
	while ((rc = xmlTextReaderRead(p.rd)) == 1) {
		char *name, *rid;
		const struct rel *r;

		if (xmlTextReaderNodeType(p.rd) != XML_READER_TYPE_ELEMENT ||
		    strcmp(lname(p.rd), "sheet") != 0)
			continue;
		name = attr(p.rd, "name", 0);
		rid = attr(p.rd, "id", 1);
		r = rid ? rels_by_id(wbrels, rid) : NULL;
		/* a chart sheet or dialog sheet has no cells to read */
		if (name && r && strcmp(r->type, "worksheet") == 0) {
			x->sheets = xrealloc(x->sheets, (x->nsheets + 1) *
			    sizeof(*x->sheets));
			x->sheets[x->nsheets].name = name;
			x->sheets[x->nsheets].part = xstrdup(r->target);
			x->nsheets++;
		} else {
			free(name);
		}
		free(rid);
	}
	if (rc < 0)
		part_error(x, &p, err);
	part_close(&p);
	if (rc == 0 && x->nsheets == 0) {
		err_set(err, "%s: the workbook has no worksheet", x->name);
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

static int
load_sst(struct xlsx *x, const char *name, struct errbuf *err)
{
	struct buf b = BUF_INIT;
	struct part p;
	size_t total = 0, cap = 0;
	int rc, in_si = 0, in_t = 0, rph = 0, type;

	if ((rc = part_open(x, name, &p, err)) <= 0)
		return rc;
	while ((rc = xmlTextReaderRead(p.rd)) == 1) {
		const char *n = lname(p.rd);

		type = xmlTextReaderNodeType(p.rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(p.rd);

			if (strcmp(n, "si") == 0) {
				buf_reset(&b);
				in_si = !empty;
				if (!empty)
					continue;
			} else if (strcmp(n, "rPh") == 0 && !empty) {
				rph++;	/* phonetic reading: not the text */
				continue;
			} else if (strcmp(n, "t") == 0 && in_si && !empty) {
				in_t = 1;
				continue;
			} else {
				continue;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(n, "t") == 0)
				in_t = 0;
			else if (strcmp(n, "rPh") == 0 && rph)
				rph--;
			if (strcmp(n, "si") != 0)
				continue;
			in_si = 0;
		} else {
			if (in_t && !rph && is_text_node(type))
				buf_adds(&b, (const char *)
				    xmlTextReaderConstValue(p.rd));
			continue;
		}
		/* the end of an <si>, or an empty <si/> */
		total += b.len + sizeof(char *);
		if (total > SST_MAX_BYTES) {
			err_set(err, "%s: shared strings past %zu MB", x->name,
			    SST_MAX_BYTES >> 20);
			rc = -2;
			break;
		}
		if (x->nsst == cap) {
			cap = cap ? 2 * cap : 256;
			x->sst = xrealloc(x->sst, cap * sizeof(*x->sst));
		}
		x->sst[x->nsst++] = xstrdup(buf_str(&b));
	}
	if (rc == -1)
		part_error(x, &p, err);
	part_close(&p);
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

/* ISO 8601 with Z, an offset or nothing (taken as UTC) -> UTC. */
static char *
utc_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0, sign = 0;
	const char *p;
	time_t t;
	char out[21];

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6)
		return NULL;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return NULL;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return xstrdup(out);
}

static int
load_core(struct xlsx *x, const char *name, struct errbuf *err)
{
	struct buf b = BUF_INIT;
	struct part p;
	int rc, in = 0, type;

	if ((rc = part_open(x, name, &p, err)) <= 0)
		return rc;
	while ((rc = xmlTextReaderRead(p.rd)) == 1) {
		type = xmlTextReaderNodeType(p.rd);
		if (type == XML_READER_TYPE_ELEMENT &&
		    strcmp(lname(p.rd), "modified") == 0)
			in = !xmlTextReaderIsEmptyElement(p.rd);
		else if (type == XML_READER_TYPE_END_ELEMENT && in)
			break;
		else if (in && is_text_node(type))
			buf_adds(&b, (const char *)xmlTextReaderConstValue(p.rd));
	}
	if (rc < 0) {
		/* the save time is a nicety: a broken core.xml is not fatal */
		rc = 0;
	}
	if (b.len)
		x->modified = utc_time(str_trim(b.s));
	part_close(&p);
	buf_release(&b);
	(void)err;
	return 0;
}

struct xlsx *
xlsx_open_mem(const void *data, size_t len, const char *name,
    struct errbuf *err)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	struct rels pkg = { NULL, 0 }, wb = { NULL, 0 };
	const struct rel *r;
	zip_source_t *src;
	zip_error_t ze;
	char *wbpart = NULL, *sst = NULL, *core = NULL;

	x->name = xstrdup(name);
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		err_set(err, "%s: not an XLSX workbook: %s", name,
		    zip_error_strerror(&ze));
		zip_source_free(src);
		goto fail;
	}
	if (rels_load(x, NULL, &pkg, err) < 0)
		goto fail;
	r = rels_by_type(&pkg, "officeDocument");
	wbpart = xstrdup(r ? r->target : "xl/workbook.xml");
	r = rels_by_type(&pkg, "core-properties");
	core = xstrdup(r ? r->target : "docProps/core.xml");
	if (rels_load(x, wbpart, &wb, err) < 0)
		goto fail;
	r = rels_by_type(&wb, "sharedStrings");
	sst = r ? xstrdup(r->target) : resolve(wbpart, "sharedStrings.xml");
	if (load_sheets(x, wbpart, &wb, err) < 0 ||
	    load_sst(x, sst, err) < 0 || load_core(x, core, err) < 0)
		goto fail;
	zip_error_fini(&ze);
	rels_free(&pkg);
	rels_free(&wb);
	free(wbpart);
	free(sst);
	free(core);
	return x;
fail:
	zip_error_fini(&ze);
	rels_free(&pkg);
	rels_free(&wb);
	free(wbpart);
	free(sst);
	free(core);
	xlsx_close(x);
	return NULL;
}

void
xlsx_close(struct xlsx *x)
{
	size_t i;

	if (x == NULL)
		return;
	if (x->zip)
		zip_discard(x->zip);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].part);
	}
	for (i = 0; i < x->nsst; i++)
		free(x->sst[i]);
	free(x->sheets);
	free(x->sst);
	free(x->modified);
	free(x->name);
	free(x);
}

size_t
xlsx_nsheets(const struct xlsx *x)
{
	return x->nsheets;
}

const char *
xlsx_sheet_name(const struct xlsx *x, size_t i)
{
	return i < x->nsheets ? x->sheets[i].name : NULL;
}

const char *
xlsx_modified(const struct xlsx *x)
{
	return x->modified;
}

int
xlsx_parse_ref(const char *ref, long *col, long *row)
{
	const char *p = ref;
	long c = 0, r = 0;

	if (*p == '$')
		p++;
	while (isalpha((unsigned char)*p)) {
		c = c * 26 + (toupper((unsigned char)*p) - 'A' + 1);
		if (c > XLSX_MAX_COLS)
			return -1;
		p++;
	}
	if (*p == '$')
		p++;
	while (isdigit((unsigned char)*p)) {
		r = r * 10 + (*p - '0');
		if (r > XLSX_MAX_ROWS)
			return -1;
		p++;
	}
	if (*p != '\0' || c == 0 || r == 0)
		return -1;
	*col = c - 1;
	*row = r;
	return 0;
}

struct xlsx_sheet *
xlsx_sheet_open(struct xlsx *x, size_t i, struct errbuf *err)
{
	struct xlsx_sheet *s;
	int rc;

	if (i >= x->nsheets) {
		err_set(err, "%s: no sheet %zu", x->name, i + 1);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->x = x;
	s->part_name = x->sheets[i].part;
	if ((rc = part_open(x, s->part_name, &s->p, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: sheet '%s': part %s is missing",
			    x->name, x->sheets[i].name, s->part_name);
		free(s);
		return NULL;
	}
	return s;
}

static void
row_clear(struct xlsx_sheet *s)
{
	size_t i;

	for (i = 0; i < s->ncells; i++) {
		free(s->cells[i]);
		s->cells[i] = NULL;
	}
	s->ncells = 0;
}

static void
cell_put(struct xlsx_sheet *s, long col, char *v)
{
	size_t c = (size_t)col;

	if (c >= s->cap) {
		size_t ncap = s->cap ? s->cap : 32;

		while (ncap <= c)
			ncap *= 2;
		s->cells = xrealloc(s->cells, ncap * sizeof(*s->cells));
		memset(s->cells + s->cap, 0, (ncap - s->cap) *
		    sizeof(*s->cells));
		s->cap = ncap;
	}
	while (s->ncells <= c)
		s->cells[s->ncells++] = NULL;
	free(s->cells[c]);
	s->cells[c] = v;
}

/* The text of a cell from its type and what was read. */
static char *
cell_value(struct xlsx_sheet *s, const char *type, struct buf *v,
    struct buf *is, int has_is, struct errbuf *err)
{
	char *end;
	long idx;

	if (type && strcmp(type, "s") == 0) {
		idx = strtol(buf_str(v), &end, 10);
		if (v->len == 0 || *end != '\0' || idx < 0 ||
		    (size_t)idx >= s->x->nsst) {
			err_set(err, "%s: %s row %ld: shared string '%s' does"
			    " not exist", s->x->name, s->part_name, s->row,
			    buf_str(v));
			return NULL;
		}
		return xstrdup(s->x->sst[idx]);
	}
	if (type && strcmp(type, "b") == 0 && v->len)
		return xstrdup(strcmp(buf_str(v), "0") == 0 ? "FALSE" : "TRUE");
	if (has_is && (v->len == 0 || (type && strcmp(type, "inlineStr") == 0)))
		return xstrdup(buf_str(is));
	return xstrdup(buf_str(v));
}

int
xlsx_sheet_next(struct xlsx_sheet *s, long *row, char ***cells,
    size_t *ncells, struct errbuf *err)
{
	xmlTextReaderPtr rd = s->p.rd;
	struct buf v = BUF_INIT, is = BUF_INIT;
	char *type = NULL, *val;
	long col = -1, c, r;
	int rc, nt, in_row = 0, in_c = 0, in_v = 0, in_is = 0, in_t = 0;
	int rph = 0, has_is = 0, has_f = 0, ret = -1;

	if (s->done)
		return 0;
	row_clear(s);
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		const char *n = lname(rd);

		nt = xmlTextReaderNodeType(rd);
		if (nt == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(rd);

			if (strcmp(n, "row") == 0) {
				char *ref = attr(rd, "r", 0);

				r = ref ? strtol(ref, NULL, 10) : s->row + 1;
				free(ref);
				if (r <= s->row || r > XLSX_MAX_ROWS)
					r = s->row + 1;	/* keep going */
				s->row = r;
				col = -1;
				in_row = !empty;
			} else if (strcmp(n, "c") == 0 && in_row) {
				char *ref = attr(rd, "r", 0);

				if (ref == NULL || xlsx_parse_ref(ref, &c,
				    &r) < 0)
					c = col + 1;
				free(ref);
				if (c >= XLSX_MAX_COLS) {
					err_set(err, "%s: %s row %ld: more than"
					    " %d columns", s->x->name,
					    s->part_name, s->row,
					    XLSX_MAX_COLS);
					goto out;
				}
				col = c;
				free(type);
				type = attr(rd, "t", 0);
				buf_reset(&v);
				buf_reset(&is);
				has_is = has_f = 0;
				in_c = !empty;
			} else if (in_c && strcmp(n, "v") == 0) {
				in_v = !empty;
			} else if (in_c && strcmp(n, "f") == 0) {
				has_f = 1;
			} else if (in_c && strcmp(n, "is") == 0) {
				in_is = !empty;
				has_is = 1;
			} else if (in_is && strcmp(n, "rPh") == 0 && !empty) {
				rph++;
			} else if (in_is && strcmp(n, "t") == 0) {
				in_t = !empty;
			}
		} else if (nt == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(n, "v") == 0) {
				in_v = 0;
			} else if (strcmp(n, "t") == 0) {
				in_t = 0;
			} else if (strcmp(n, "rPh") == 0 && rph) {
				rph--;
			} else if (strcmp(n, "is") == 0) {
				in_is = 0;
			} else if (strcmp(n, "c") == 0 && in_c) {
				in_c = 0;
				/*
				 * A formula with no value, or an empty one that
				 * is no text (t="str"): nothing computed it
				 * (openpyxl writes <v></v>).
				 */
				if (has_f && v.len == 0 && !has_is &&
				    (type == NULL || strcmp(type, "str") != 0)) {
					cell_put(s, col,
					    xstrdup(XLSX_FORMULA_UNSAVED));
					continue;
				}
				if (v.len == 0 && !has_is)
					continue;	/* styled, no value */
				if ((val = cell_value(s, type, &v, &is, has_is,
				    err)) == NULL)
					goto out;
				cell_put(s, col, val);
			} else if (strcmp(n, "row") == 0 && in_row) {
				in_row = 0;
				if (s->ncells > 0)
					break;
			} else if (strcmp(n, "sheetData") == 0) {
				rc = 0;
				break;
			}
		} else if (is_text_node(nt)) {
			const char *t = (const char *)xmlTextReaderConstValue(rd);

			if (in_v)
				buf_adds(&v, t);
			else if (in_t && !rph)
				buf_adds(&is, t);
		}
	}
	if (rc < 0) {
		part_error(s->x, &s->p, err);
		goto out;
	}
	if (rc == 0) {
		s->done = 1;
		ret = s->ncells > 0;
		if (ret == 0)
			goto out;
	}
	*row = s->row;
	*cells = s->cells;
	*ncells = s->ncells;
	ret = 1;
out:
	free(type);
	buf_release(&v);
	buf_release(&is);
	return ret;
}

void
xlsx_sheet_close(struct xlsx_sheet *s)
{
	if (s == NULL)
		return;
	part_close(&s->p);
	row_clear(s);
	free(s->cells);
	free(s);
}
