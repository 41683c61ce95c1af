/*
 * worksheet_csv.c: the CSV review worksheet and the folder's index.csv,
 * plus what every worksheet format shares: the columns and their cell
 * texts, file names, and creating the output folder.
 *
 * The CSV is written for Excel and LibreOffice as much as for scripts:
 * UTF-8 with a BOM (without it Excel reads Zoë as ZoÃ«), CRLF line ends,
 * RFC 4180 quoting, and every text cell through csv_write_cell() so that a
 * name like =HYPERLINK(...) arrives as text, never as a formula.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rollcall/buf.h"
#include "rollcall/campaign.h"
#include "rollcall/csv.h"
#include "rollcall/report.h"

#define UTF8_BOM "\xEF\xBB\xBF"
#define SLUG_MAX 48

const char *const worksheet_columns[] = {
	"reviewer", "reviewer_id", "person", "title", "department", "source",
	"login", "account_name", "status", "last_login", "mfa", "entitlement",
	"privileged", "findings", "days_since_termination", "recommendation",
	"item_id", "decision", "comment",
};
const size_t worksheet_ncolumns = ARRAY_SIZE(worksheet_columns);

enum {
	COL_REVIEWER, COL_REVIEWER_ID, COL_PERSON, COL_TITLE, COL_DEPARTMENT,
	COL_SOURCE, COL_LOGIN, COL_ACCOUNT_NAME, COL_STATUS, COL_LAST_LOGIN,
	COL_MFA, COL_ENTITLEMENT, COL_PRIVILEGED, COL_FINDINGS, COL_DAYS,
	COL_RECOMMENDATION, COL_ITEM_ID, COL_DECISION, COL_COMMENT,
};

static const char *
nz(const char *s)
{
	return s ? s : "";
}

const char *
worksheet_cell(const struct campaign_item *it, size_t col, char num[32],
    enum cell_type *type)
{
	*type = CELL_TEXT;
	switch (col) {
	case COL_REVIEWER:
		return nz(it->reviewer_name);
	case COL_REVIEWER_ID:
		/* Names repeat and change; the id says who signs. */
		return nz(it->reviewer_id);
	case COL_PERSON:
		return nz(it->person_name);
	case COL_TITLE:
		return nz(it->title);
	case COL_DEPARTMENT:
		return nz(it->department);
	case COL_SOURCE:
		return nz(it->source);
	case COL_LOGIN:
		return nz(it->login);
	case COL_ACCOUNT_NAME:
		return nz(it->account_name);
	case COL_STATUS:
		return nz(it->status);
	case COL_LAST_LOGIN:
		/* DESIGN.md: unknown is shown as such, never as a finding. */
		return it->last_login ? it->last_login : "unknown";
	case COL_MFA:
		return it->mfa ? it->mfa : "unknown";
	case COL_ENTITLEMENT:
		return nz(it->entitlement);
	case COL_PRIVILEGED:
		if (it->entitlement == NULL)
			return "";
		return it->privileged ? "yes" : "no";
	case COL_FINDINGS:
		return nz(it->findings);
	case COL_DAYS:
		if (it->days_since_termination < 0)
			return "";
		snprintf(num, 32, "%ld", it->days_since_termination);
		*type = CELL_NUMBER;
		return num;
	case COL_RECOMMENDATION:
		return nz(it->recommendation);
	case COL_ITEM_ID:
		return nz(it->item_id);
	default:		/* decision, comment: the reviewer's */
		return "";
	}
}

/*
 * Latin letters U+00C0..U+017F folded to ASCII; upper-case markers stand
 * for two letters (A ae, J ij, O oe, T th, S ss); '-' is not a letter.
 */
static const char fold[] =
	"aaaaaaAceeeeiiiidnooooo-ouuuuyTS"	/* U+00C0 */
	"aaaaaaAceeeeiiiidnooooo-ouuuuyTy"	/* U+00E0 */
	"aaaaaaccccccccdd" "ddeeeeeeeeeegggg"	/* U+0100 */
	"gggghhhhiiiiiiii" "iiJJjjkkklllllll"	/* U+0120 */
	"lllnnnnnnnnnoooo" "ooOOrrrrrrssssss"	/* U+0140 */
	"ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";	/* U+0160 */

static const char *
fold_letter(unsigned cp)
{
	static char one[2];
	char c;

	if (cp < 0xc0 || cp - 0xc0 >= sizeof(fold) - 1)
		return NULL;
	c = fold[cp - 0xc0];
	switch (c) {
	case 'A':
		return "ae";
	case 'J':
		return "ij";
	case 'O':
		return "oe";
	case 'T':
		return "th";
	case 'S':
		return "ss";
	case '-':
		return NULL;
	}
	one[0] = c;
	one[1] = '\0';
	return one;
}

/* Lower-case ASCII letters and digits, runs of anything else one '-'. */
static void
slug_add(struct buf *b, const char *s, int keep_case)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = b->len;
	int dash = 0;

	while (*p && b->len - start < SLUG_MAX) {
		const char *fl = NULL;
		char one[2] = { 0, 0 };

		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')) {
			one[0] = (char)*p++;
			fl = one;
		} else if (*p >= 'A' && *p <= 'Z') {
			one[0] = (char)(keep_case ? *p : *p - 'A' + 'a');
			p++;
			fl = one;
		} else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			fl = fold_letter(((unsigned)(*p & 0x1f) << 6) |
			    (p[1] & 0x3f));
			p += 2;
		} else {
			p++;
			/* the rest of a multi-byte sequence */
			while ((*p & 0xc0) == 0x80)
				p++;
		}
		if (fl == NULL) {
			dash = 1;
			continue;
		}
		if (dash && b->len > start)
			buf_addc(b, '-');
		dash = 0;
		buf_adds(b, fl);
	}
}

char *
worksheet_file_name(const struct campaign_reviewer *r, const char *ext)
{
	struct buf id = BUF_INIT, name = BUF_INIT, out = BUF_INIT;

	slug_add(&id, r->id, 1);
	slug_add(&name, r->name ? r->name : "", 0);
	if (id.len == 0)
		buf_adds(&id, "reviewer");
	buf_adds(&out, buf_str(&id));
	/* "unassigned", or an owner known by id only: no name to add. */
	if (name.len && strcasecmp(buf_str(&name), buf_str(&id)) != 0) {
		buf_addc(&out, '-');
		buf_adds(&out, buf_str(&name));
	}
	buf_addf(&out, ".%s", ext);
	buf_release(&id);
	buf_release(&name);
	return buf_detach(&out);
}

int
report_mkdir(const char *dir, struct errbuf *err)
{
	char *p = xstrdup(dir), *s;
	struct stat sb;
	int ret = -1;

	/* mkdir -p: each parent in turn, an existing one is fine. */
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			/* Worksheets hold identity data: owner only. */
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				err_set(err, "cannot create folder '%s': %s",
				    p, strerror(errno));
				goto out;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	if (stat(dir, &sb) < 0) {
		err_set(err, "cannot use folder '%s': %s", dir,
		    strerror(errno));
		goto out;
	}
	if (!S_ISDIR(sb.st_mode)) {
		err_set(err, "'%s' is not a folder", dir);
		goto out;
	}
	if (sb.st_mode & S_IWOTH) {
		err_set(err, "folder '%s' is writable by everyone: choose"
		    " another --out (someone could swap a worksheet there)",
		    dir);
		goto out;
	}
	ret = 0;
out:
	free(p);
	return ret;
}

FILE *
report_create(const char *path, struct errbuf *err)
{
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	/* An existing file keeps its mode through O_TRUNC: set it again. */
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		err_set(err, "cannot create '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

static void
csv_end_row(FILE *fp)
{
	fputs("\r\n", fp);
}

static void
write_header(FILE *fp, const char *const *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		csv_write_cell(fp, cols[i], ',');
	}
	csv_end_row(fp);
}

static int
csv_item_row(const struct campaign_item *it, void *arg, struct errbuf *err)
{
	FILE *fp = arg;
	enum cell_type type;
	char num[32];
	const char *v;
	size_t i;

	(void)err;
	for (i = 0; i < worksheet_ncolumns; i++) {
		if (i)
			fputc(',', fp);
		v = worksheet_cell(it, i, num, &type);
		/* Our own numbers stay numbers: no apostrophe on them. */
		if (type == CELL_NUMBER)
			csv_write_field(fp, v, ',');
		else
			csv_write_cell(fp, v, ',');
	}
	csv_end_row(fp);
	return 0;
}

static int
csv_write(struct store *st, const struct campaign *c,
    const struct campaign_reviewer *r, const char *path, struct errbuf *err)
{
	FILE *fp;
	int ret;

	if ((fp = report_create(path, err)) == NULL)
		return -1;
	fputs(UTF8_BOM, fp);
	write_header(fp, worksheet_columns, worksheet_ncolumns);
	ret = campaign_items_each(st, c, r->id, csv_item_row, fp, err);
	if (close_stream(fp) != 0 && ret == 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		ret = -1;
	}
	return ret;
}

const struct worksheet_format worksheet_csv = {
	.name = "csv",
	.ext = "csv",
	.write = csv_write,
};

int
worksheet_index_csv(const char *path, const struct index_row *rows, size_t n,
    struct errbuf *err)
{
	static const char *const cols[] = {
		"reviewer_id", "reviewer_name", "reviewer_email", "file",
		"items", "revoke_recommended",
	};
	char num[32];
	FILE *fp;
	size_t i;

	if ((fp = report_create(path, err)) == NULL)
		return -1;
	fputs(UTF8_BOM, fp);
	write_header(fp, cols, ARRAY_SIZE(cols));
	for (i = 0; i < n; i++) {
		const struct campaign_reviewer *r = rows[i].reviewer;

		csv_write_cell(fp, r->id, ',');
		fputc(',', fp);
		csv_write_cell(fp, nz(r->name), ',');
		fputc(',', fp);
		csv_write_cell(fp, nz(r->email), ',');
		fputc(',', fp);
		csv_write_cell(fp, rows[i].file, ',');
		fputc(',', fp);
		snprintf(num, sizeof(num), "%ld", r->items);
		csv_write_field(fp, num, ',');
		fputc(',', fp);
		snprintf(num, sizeof(num), "%ld", r->revoke);
		csv_write_field(fp, num, ',');
		csv_end_row(fp);
	}
	if (close_stream(fp) != 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
