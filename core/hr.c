/*
 * hr.c: the HR roster import (imports.h).
 *
 * Every HRIS exports its own dialect: Workday's "Employee ID", BambooHR's
 * "Employee #" in a ';' file from German Excel, ADP's "Associate ID" with
 * leading zeros and US dates. Columns are found by name (compared without
 * case, spaces, '_', '-' or '.'), each overridable in [hr]; a file where
 * the employee id column cannot be found is refused, never loaded as rows
 * without ids. The whole file is read and checked before anything is
 * written, and one bad row fails the import: a half-loaded roster would
 * turn everyone missing from it into an orphan.
 *
 * Free text (names, title, department) is kept as written, only plain
 * spaces trimmed: a title starting with TAB or CR is data the worksheet
 * writers must defuse, not something to hide here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rollcall/config.h"
#include "rollcall/csv.h"
#include "rollcall/date.h"
#include "rollcall/imports.h"
#include "rollcall/store.h"

enum hr_col {
	C_ID, C_EMAIL, C_FIRST, C_LAST, C_PREFERRED, C_NAME, C_STATUS,
	C_HIRE, C_TERM, C_MANAGER, C_MANAGER_EMAIL, C_DEPT, C_TITLE,
	C_JOB_CODE, C_WORKER_TYPE, C_N
};

enum value_kind { V_WORD, V_TEXT, V_DATE };

struct colspec {
	const char *key;		/* [hr] KEY_column */
	enum value_kind kind;
	const char *const *names;	/* normalized, most specific first */
};

static const char *const id_names[] = {
	"employeeid", "employeenumber", "employee#", "employeeno",
	"employeecode", "empid", "emp#", "empno", "workerid", "associateid",
	"personnelnumber", "personid", "staffid", "id", NULL,
};
static const char *const email_names[] = {
	"workemail", "workemailaddress", "businessemail", "primaryworkemail",
	"email", "emailaddress", "mail", NULL,
};
static const char *const first_names[] = {
	"firstname", "legalfirstname", "givenname", "first", NULL,
};
static const char *const last_names[] = {
	"lastname", "legallastname", "surname", "familyname", "last", NULL,
};
static const char *const preferred_names[] = {
	"preferredname", "preferredfirstname", "nickname", NULL,
};
static const char *const name_names[] = {
	"legalname", "fullname", "name", "displayname", "employeename",
	"workername", NULL,
};
static const char *const status_names[] = {
	"status", "employmentstatus", "positionstatus", "workerstatus",
	"employeestatus", NULL,
};
static const char *const hire_names[] = {
	"hiredate", "startdate", "mostrecenthiredate", "latesthiredate",
	"dateofhire", NULL,
};
static const char *const term_names[] = {
	"terminationdate", "termdate", "enddate", "separationdate",
	"dateoftermination", NULL,
};
static const char *const manager_names[] = {
	"managerid", "supervisorid", "manageremployeeid", "reportstoid",
	"managerworkerid", "manageremployeenumber", "supervisoremployeeid",
	NULL,
};
static const char *const manager_email_names[] = {
	"manageremail", "supervisoremail", "managerworkemail",
	"reportstoemail", NULL,
};
static const char *const dept_names[] = {
	"department", "dept", "departmentname", NULL,
};
static const char *const title_names[] = {
	"jobtitle", "title", "positiontitle", "businesstitle", NULL,
};
static const char *const job_code_names[] = {
	"jobcode", "jobfamily", "jobprofile", NULL,
};
static const char *const worker_type_names[] = {
	"workertype", "employeetype", "workercategory", "employmenttype", NULL,
};

static const struct colspec cols[C_N] = {
	[C_ID] = { "id_column", V_WORD, id_names },
	[C_EMAIL] = { "email_column", V_WORD, email_names },
	[C_FIRST] = { "first_name_column", V_TEXT, first_names },
	[C_LAST] = { "last_name_column", V_TEXT, last_names },
	[C_PREFERRED] = { "preferred_name_column", V_TEXT, preferred_names },
	[C_NAME] = { "name_column", V_TEXT, name_names },
	[C_STATUS] = { "status_column", V_WORD, status_names },
	[C_HIRE] = { "hire_date_column", V_DATE, hire_names },
	[C_TERM] = { "termination_date_column", V_DATE, term_names },
	[C_MANAGER] = { "manager_id_column", V_WORD, manager_names },
	[C_MANAGER_EMAIL] = { "manager_email_column", V_WORD,
	    manager_email_names },
	[C_DEPT] = { "department_column", V_TEXT, dept_names },
	[C_TITLE] = { "title_column", V_TEXT, title_names },
	[C_JOB_CODE] = { "job_code_column", V_TEXT, job_code_names },
	[C_WORKER_TYPE] = { "worker_type_column", V_WORD, worker_type_names },
};

static const char *const terminated_builtin =
    "terminated,terminate,term,termed,laid off,contract ended,ended,"
    "resigned,dismissed,deceased,retired,left,separated,inactive,"
    "withdrawn,former";
/*
 * Words that mean employed. Anything in none of the three lists counts
 * as active (a roster must not make people terminated by guessing) but
 * is reported, so that "Garden Leave" or "Exited" gets configured.
 */
static const char *const active_builtin =
    "active,employed,current,working,hired,new hire,rehire,rehired,"
    "onboarding,pending start,regular,permanent,full time,full-time,"
    "part time,part-time,probation,probationary,temporary,seasonal,intern";
static const char *const leave_builtin =
    "leave,on leave,leave of absence,loa,parental leave,medical leave,"
    "maternity leave,paternity leave,sabbatical,furlough,furloughed";

struct person {
	char	*v[C_N];	/* NULL when empty; dates in ISO */
	char	*display;
	const char *status_class;
	long	 line;
	long	 manager_col;	/* for the warning */
	int	 skip;		/* an older row of a rehired person */
};

struct hr {
	const struct config *cfg;
	const char *path;
	struct csv csv;
	int	 col[C_N];
	char	*hname[C_N];	/* header names, for messages */
	size_t	 ncols;		/* header width */
	const char *date_format;
	struct person *p;
	size_t	 n;
	long	 skipped;
	struct import_errors errs;
	/* date_format auto: where a slash date only fits D/M, or M/D */
	long	 dm_line, dm_col, md_line, md_col;
	char	*dm_value, *md_value;
};

/* Lower case, letters, digits and '#' only: "Work Email " = "work_email". */
static char *
norm(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *q = out;

	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '#' || (unsigned char)*s >= 0x80)
			*q++ = *s;
		else if (*s >= 'A' && *s <= 'Z')
			*q++ = (char)(*s - 'A' + 'a');
	*q = '\0';
	return out;
}

static int
header_find(const struct csv *c, const char *want_norm)
{
	size_t i;
	char *h;
	int hit;

	for (i = 0; i < c->nf; i++) {
		h = norm(c->f[i].s);
		hit = strcmp(h, want_norm) == 0;
		free(h);
		if (hit)
			return (int)i;
	}
	return -1;
}

/* "Employee #, Full Name, ..." for messages, cut to fit. */
static void
header_list(const struct csv *c, char *out, size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < c->nf && len + 8 < size; i++) {
		snprintf(out + len, size - len, "%s%s", i ? ", " : "",
		    c->f[i].s);
		len = strlen(out);
	}
	if (len + 8 >= size && size > 4)
		strcpy(out + size - 4, "...");
}

static int
no_column(struct hr *h, const char *what, struct errbuf *err)
{
	char list[600];

	header_list(&h->csv, list, sizeof(list));
	err_set(err, "%s:1: expected columns not found: %s among %zu columns"
	    " (%s)", h->path, what, h->csv.nf, list);
	return -1;
}

/* Two header cells with the same name: which one holds the data? */
static int
duplicate_header(struct hr *h, struct errbuf *err)
{
	size_t i, j;
	char *a, *b;
	int dup;

	for (i = 0; i < h->csv.nf; i++) {
		a = norm(h->csv.f[i].s);
		for (j = i + 1, dup = 0; *a && !dup && j < h->csv.nf; j++) {
			b = norm(h->csv.f[j].s);
			dup = strcmp(a, b) == 0;
			free(b);
		}
		free(a);
		if (dup) {
			err_set(err, "%s:1:%ld: column '%s' appears twice (also"
			    " column %ld): rename one", h->path,
			    h->csv.f[j - 1].col, h->csv.f[j - 1].s,
			    h->csv.f[i].col);
			return -1;
		}
	}
	return 0;
}

/*
 * The columns that decide who is terminated, and who is who, must not be
 * guessed between two candidates ("Employment Status" and "Status").
 */
static int
ambiguous_column(struct hr *h, int i, struct errbuf *err)
{
	const char *const *n;
	int k, other = -1;

	if (i != C_ID && i != C_EMAIL && i != C_STATUS && i != C_TERM)
		return 0;
	for (n = cols[i].names; *n && other < 0; n++)
		if ((k = header_find(&h->csv, *n)) >= 0 && k != h->col[i])
			other = k;
	if (other < 0)
		return 0;
	err_set(err, "%s:1: both '%s' and '%s' could be the %s column: set"
	    " %s in [hr]", h->path, h->csv.f[h->col[i]].s, h->csv.f[other].s,
	    i == C_ID ? "employee id" : i == C_EMAIL ? "e-mail" :
	    i == C_STATUS ? "status" : "termination date", cols[i].key);
	return -1;
}

static int
find_columns(struct hr *h, struct errbuf *err)
{
	const char *over, *const *n;
	char *want, what[256];
	int i;

	if (duplicate_header(h, err) < 0)
		return -1;
	for (i = 0; i < C_N; i++) {
		h->col[i] = -1;
		if ((over = config_hr(h->cfg, cols[i].key)) != NULL &&
		    *over != '\0') {
			want = norm(over);
			h->col[i] = header_find(&h->csv, want);
			free(want);
			if (h->col[i] < 0) {
				snprintf(what, sizeof(what), "no column '%s'"
				    " (%s in [hr])", over, cols[i].key);
				return no_column(h, what, err);
			}
			continue;
		}
		for (n = cols[i].names; *n && h->col[i] < 0; n++)
			h->col[i] = header_find(&h->csv, *n);
		if (h->col[i] >= 0 && ambiguous_column(h, i, err) < 0)
			return -1;
	}
	if (h->col[C_ID] < 0)
		return no_column(h, "no employee id column", err);
	for (i = 0; i < C_N; i++)
		if (h->col[i] >= 0)
			h->hname[i] = str_trim(xstrdup(h->csv.f[h->col[i]].s));
	return 0;
}

/* comma-separated words; status matches one, or starts with one + a non-letter. */
static int
status_in(const char *status, const char *list)
{
	char *copy = xstrdup(list), *p, *tok, *save = NULL;
	size_t n;
	int hit = 0;

	for (p = copy; !hit && (tok = strtok_r(p, ",", &save)); p = NULL) {
		str_trim(tok);
		n = strlen(tok);
		if (n && strncasecmp(status, tok, n) == 0 &&
		    (status[n] == '\0' || !((status[n] | 0x20) >= 'a' &&
		    (status[n] | 0x20) <= 'z')))
			hit = 1;
	}
	free(copy);
	return hit;
}

static const char *
status_class(const struct config *cfg, const char *status)
{
	const char *term = config_hr(cfg, "terminated_statuses");
	const char *leave = config_hr(cfg, "leave_statuses");

	if (status == NULL)
		return "active";
	if (status_in(status, term ? term : terminated_builtin))
		return "terminated";
	if (status_in(status, leave ? leave : leave_builtin))
		return "leave";
	return "active";
}

/* A status none of the lists knows (it was counted as active). */
static int
status_unknown(const struct config *cfg, const char *status)
{
	const char *term = config_hr(cfg, "terminated_statuses");
	const char *leave = config_hr(cfg, "leave_statuses");
	const char *active = config_hr(cfg, "active_statuses");

	return status != NULL && !status_in(status, term ? term :
	    terminated_builtin) && !status_in(status, leave ? leave :
	    leave_builtin) && !status_in(status, active_builtin) &&
	    !(active && status_in(status, active));
}

static char *
worker_type(const char *v)
{
	static const char *const contractor = "contractor,contingent,temp,"
	    "temporary,vendor,consultant,freelancer";

	if (v == NULL)
		return NULL;
	if (strcasecmp(v, "employee") == 0 || strcasecmp(v, "regular") == 0)
		return xstrdup("employee");
	if (status_in(v, contractor))
		return xstrdup("contractor");
	return str_lower(v);
}

/* Trim plain spaces only (free text keeps a leading TAB or CR). */
static char *
trim_spaces(const char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return xstrndup(s, n);
}

static char *
cell_value(const char *raw, enum value_kind kind)
{
	char *v = kind == V_TEXT ? trim_spaces(raw) : str_trim(xstrdup(raw));

	if (*v == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

static void
row_error(struct hr *h, const struct csv_field *f, const char *fmt,
    const char *a, const char *b)
{
	char msg[768];

	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	import_error(&h->errs, "%s:%ld:%ld: %s", h->path, f->line, f->col,
	    msg);
}

static int
row_width_ok(struct hr *h)
{
	const struct csv *c = &h->csv;
	const struct csv_field *f;
	char got[32], want[32];

	if (c->nf == h->ncols)
		return 1;
	f = &c->f[c->nf > h->ncols ? h->ncols : c->nf - 1];
	snprintf(got, sizeof(got), "%zu", c->nf);
	snprintf(want, sizeof(want), "%zu", h->ncols);
	row_error(h, f, "%s fields where the header has %s (a quote or"
	    " delimiter out of place?)", got, want);
	return 0;
}

static int
row_empty(const struct csv *c)
{
	size_t i;
	char *v;
	int empty = 1;

	for (i = 0; empty && i < c->nf; i++) {
		v = str_trim(xstrdup(c->f[i].s));
		empty = *v == '\0';
		free(v);
	}
	return empty;
}

/*
 * date_format auto reads 13/06/2026 as D/M and 06/13/2026 as M/D, each
 * on its own. One file has one convention: seeing both means some dates
 * were read the wrong way round, so note where each first shows.
 */
static void
slash_convention(struct hr *h, const struct csv_field *f, const char *v)
{
	const char *s = v;
	long a = 0, b = 0;
	int na = 0, nb = 0;

	if (h->date_format && *h->date_format && strcmp(h->date_format,
	    "auto") != 0)
		return;
	for (; *s >= '0' && *s <= '9'; s++, na++)
		a = a * 10 + (*s - '0');
	if (*s++ != '/' || na == 0 || na > 2)
		return;
	for (; *s >= '0' && *s <= '9'; s++, nb++)
		b = b * 10 + (*s - '0');
	if (*s != '/' || nb == 0 || nb > 2)
		return;
	if (a > 12 && b <= 12 && h->dm_line == 0) {
		h->dm_line = f->line;
		h->dm_col = f->col;
		h->dm_value = xstrdup(v);
	} else if (b > 12 && a <= 12 && h->md_line == 0) {
		h->md_line = f->line;
		h->md_col = f->col;
		h->md_value = xstrdup(v);
	}
}

static int
parse_date(struct hr *h, struct person *p, int i)
{
	const struct csv_field *f = &h->csv.f[h->col[i]];
	struct errbuf err = { "" };
	char iso[11];

	if (p->v[i] == NULL)
		return 0;
	if (date_parse(p->v[i], h->date_format, iso, &err) < 0) {
		row_error(h, f, "%s: %s", h->hname[i], err.msg);
		return -1;
	}
	slash_convention(h, f, p->v[i]);
	free(p->v[i]);
	p->v[i] = xstrdup(iso);
	return 0;
}

static char *
display_name(const struct person *p)
{
	if (p->v[C_NAME])
		return xstrdup(p->v[C_NAME]);
	if (p->v[C_FIRST] && p->v[C_LAST])
		return xasprintf("%s %s", p->v[C_FIRST], p->v[C_LAST]);
	if (p->v[C_FIRST] || p->v[C_LAST] || p->v[C_PREFERRED])
		return xstrdup(p->v[C_FIRST] ? p->v[C_FIRST] :
		    p->v[C_LAST] ? p->v[C_LAST] : p->v[C_PREFERRED]);
	return NULL;
}

static void
person_free(struct person *p)
{
	int i;

	for (i = 0; i < C_N; i++)
		free(p->v[i]);
	free(p->display);
}

/* One data row into h->p, or a row error. */
static void
read_row(struct hr *h)
{
	const struct csv *c = &h->csv;
	struct person p;
	char *wt;
	int i, bad = 0;

	if (row_empty(c) || !row_width_ok(h))
		return;
	memset(&p, 0, sizeof(p));
	p.line = c->record_line;
	for (i = 0; i < C_N; i++)
		if (h->col[i] >= 0)
			p.v[i] = cell_value(c->f[h->col[i]].s, cols[i].kind);
	if (p.v[C_ID] == NULL) {
		row_error(h, &c->f[h->col[C_ID]], "empty employee id%s%s",
		    NULL, NULL);
		bad = 1;
	}
	for (i = 0; i < C_N; i++)
		if (cols[i].kind == V_DATE && h->col[i] >= 0 &&
		    parse_date(h, &p, i) < 0)
			bad = 1;
	if (!bad && p.v[C_HIRE] && p.v[C_TERM] &&
	    strcmp(p.v[C_TERM], p.v[C_HIRE]) < 0) {
		row_error(h, &c->f[h->col[C_TERM]], "termination date %s is"
		    " before the hire date %s", p.v[C_TERM], p.v[C_HIRE]);
		bad = 1;
	}
	if (bad) {
		person_free(&p);
		return;
	}
	wt = worker_type(p.v[C_WORKER_TYPE]);
	free(p.v[C_WORKER_TYPE]);
	p.v[C_WORKER_TYPE] = wt;
	p.status_class = status_class(h->cfg, p.v[C_STATUS]);
	p.display = display_name(&p);
	if (h->col[C_MANAGER_EMAIL] >= 0)
		p.manager_col = c->f[h->col[C_MANAGER_EMAIL]].col;
	if (h->n % 256 == 0)
		h->p = xrealloc(h->p, (h->n + 256) * sizeof(*h->p));
	h->p[h->n++] = p;
}

static struct person *sort_base;

/* By id, then hire date (none first), then line: the last one wins. */
static int
by_id_hire_line(const void *a, const void *b)
{
	const struct person *p = &sort_base[*(const size_t *)a];
	const struct person *q = &sort_base[*(const size_t *)b];
	const char *ph = p->v[C_HIRE] ? p->v[C_HIRE] : "";
	const char *qh = q->v[C_HIRE] ? q->v[C_HIRE] : "";
	int r;

	if ((r = strcmp(p->v[C_ID], q->v[C_ID])) != 0)
		return r;
	if ((r = strcmp(ph, qh)) != 0)
		return r;
	return p->line < q->line ? -1 : p->line > q->line;
}

static int
same_value(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/*
 * Two rows of one person with the same hire date (or none): the latest
 * hire cannot pick one, and the line order is no rule. When they differ
 * that is an error; a row repeated as it is does no harm.
 */
static void
same_hire_check(struct hr *h, const struct person *a, const struct person *b)
{
	int i;

	if (!same_value(a->v[C_HIRE], b->v[C_HIRE]))
		return;
	for (i = 0; i < C_N; i++)
		if (!same_value(a->v[i], b->v[i]))
			break;
	if (i == C_N)
		return;
	import_error(&h->errs, "%s:%ld: employee '%s' has two rows with %s%s"
	    " (lines %ld and %ld) that disagree on %s: keep one, or give the"
	    " current one the later hire date", h->path, b->line, a->v[C_ID],
	    a->v[C_HIRE] ? "the same hire date " : "no hire date",
	    a->v[C_HIRE] ? a->v[C_HIRE] : "", a->line, b->line,
	    h->hname[i] ? h->hname[i] : cols[i].key);
}

/* A rehired person is the row with the latest hire date, wherever it is. */
static void
mark_rehires(struct hr *h)
{
	size_t *ix = xcalloc(h->n, sizeof(*ix)), i;

	for (i = 0; i < h->n; i++)
		ix[i] = i;
	sort_base = h->p;
	qsort(ix, h->n, sizeof(*ix), by_id_hire_line);
	for (i = 0; i + 1 < h->n; i++)
		if (strcmp(h->p[ix[i]].v[C_ID], h->p[ix[i + 1]].v[C_ID]) == 0) {
			same_hire_check(h, &h->p[ix[i]], &h->p[ix[i + 1]]);
			h->p[ix[i]].skip = 1;
			h->skipped++;
		}
	free(ix);
}

static int
by_email(const void *a, const void *b)
{
	const struct person *p = *(struct person *const *)a;
	const struct person *q = *(struct person *const *)b;

	return strcasecmp(p->v[C_EMAIL], q->v[C_EMAIL]);
}

/* Manager given by e-mail only: the id of the person with that address. */
static void
resolve_managers(struct hr *h)
{
	struct person **by = xcalloc(h->n, sizeof(*by)), key, *kp, **hit;
	size_t i, n = 0;

	for (i = 0; i < h->n; i++)
		if (!h->p[i].skip && h->p[i].v[C_EMAIL])
			by[n++] = &h->p[i];
	qsort(by, n, sizeof(*by), by_email);
	memset(&key, 0, sizeof(key));
	kp = &key;
	for (i = 0; i < h->n; i++) {
		if (h->p[i].skip || (key.v[C_EMAIL] =
		    h->p[i].v[C_MANAGER_EMAIL]) == NULL)
			continue;
		hit = bsearch(&kp, by, n, sizeof(*by), by_email);
		if (hit)
			h->p[i].v[C_MANAGER] = xstrdup((*hit)->v[C_ID]);
		else
			warning("%s:%ld:%ld: manager e-mail '%s' matches nobody"
			    " in the roster (no manager set)", h->path,
			    h->p[i].line, h->p[i].manager_col, key.v[C_EMAIL]);
	}
	free(by);
}

static int
hr_delimiter(const struct config *cfg, int *delim, struct errbuf *err)
{
	if (csv_delimiter(config_hr(cfg, "delimiter"), delim, err) < 0) {
		err_prefix(err, "[hr]");
		return -1;
	}
	return 0;
}

/* One warning per status word no list knows, with how many rows. */
static void
warn_unknown_statuses(struct hr *h)
{
	struct { const char *word; long n; } *u = NULL;
	size_t nu = 0, i, k;

	for (i = 0; i < h->n; i++) {
		if (!status_unknown(h->cfg, h->p[i].v[C_STATUS]))
			continue;
		for (k = 0; k < nu && strcasecmp(u[k].word,
		    h->p[i].v[C_STATUS]) != 0; k++)
			;
		if (k == nu) {
			u = xrealloc(u, (nu + 1) * sizeof(*u));
			u[nu].word = h->p[i].v[C_STATUS];
			u[nu++].n = 0;
		}
		u[k].n++;
	}
	for (k = 0; k < nu; k++)
		warning("%s: status '%s' (%ld row%s) is not a known word and"
		    " counts as active: add it to terminated_statuses,"
		    " leave_statuses or active_statuses in [hr]", h->path,
		    u[k].word, u[k].n, u[k].n == 1 ? "" : "s");
	free(u);
}

/* Read and check the whole file into h; -1 with err on any error. */
static int
hr_read(struct hr *h, struct errbuf *err)
{
	struct errbuf cerr = { "" };
	int delim, rc;

	if (hr_delimiter(h->cfg, &delim, err) < 0)
		return -1;
	if (csv_open(&h->csv, h->path, delim, err) < 0)
		return -1;
	if ((rc = csv_next(&h->csv, err)) <= 0) {
		if (rc == 0)
			err_set(err, "%s: empty file (expected a header line)",
			    h->path);
		return -1;
	}
	if (find_columns(h, err) < 0)
		return -1;
	h->ncols = h->csv.nf;
	while ((rc = csv_next(&h->csv, &cerr)) == 1)
		read_row(h);
	if (rc < 0)
		import_error(&h->errs, "%s", cerr.msg);
	if (h->dm_line && h->md_line)
		import_error(&h->errs, "%s: dates in both day/month and"
		    " month/day order: '%s' (line %ld, column %ld) is D/M,"
		    " '%s' (line %ld, column %ld) is M/D; set date_format in"
		    " [hr] (%%d/%%m/%%Y or %%m/%%d/%%Y)", h->path, h->dm_value,
		    h->dm_line, h->dm_col, h->md_value, h->md_line, h->md_col);
	if (h->errs.n == 0 && h->n > 0)
		mark_rehires(h);
	if (import_errors_done(&h->errs, err) < 0)
		return -1;
	if (h->n == 0) {
		err_set(err, "%s: no people after the header line (an empty"
		    " roster would make every account an orphan)", h->path);
		return -1;
	}
	if (h->col[C_STATUS] < 0 && h->col[C_TERM] < 0)
		warning("%s: no status and no termination date column: nobody"
		    " can be found terminated (set status_column or"
		    " termination_date_column in [hr])", h->path);
	warn_unknown_statuses(h);
	if (h->col[C_MANAGER] < 0 && h->col[C_MANAGER_EMAIL] >= 0)
		resolve_managers(h);
	return 0;
}

#define SQL_PERSON \
	"INSERT INTO people (snapshot_id, employee_id, email, first_name," \
	" last_name, preferred_name, display_name, status, status_class," \
	" hire_date, termination_date, manager_id, department, title," \
	" job_code, worker_type, line)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static void
bind_person(sqlite3_stmt *stmt, int64_t snap, const struct person *p)
{
	static const int order[] = {
		C_ID, C_EMAIL, C_FIRST, C_LAST, C_PREFERRED,
	};
	static const int order2[] = {
		C_HIRE, C_TERM, C_MANAGER, C_DEPT, C_TITLE, C_JOB_CODE,
		C_WORKER_TYPE,
	};
	size_t i;
	int k = 1;

	sqlite3_bind_int64(stmt, k++, snap);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		store_bind_text(stmt, k++, p->v[order[i]]);
	store_bind_text(stmt, k++, p->display);
	store_bind_text(stmt, k++, p->v[C_STATUS]);
	store_bind_text(stmt, k++, p->status_class);
	for (i = 0; i < ARRAY_SIZE(order2); i++)
		store_bind_text(stmt, k++, p->v[order2[i]]);
	sqlite3_bind_int64(stmt, k, p->line);
}

static int
hr_insert(struct store *st, int64_t snap, void *arg, long *rows,
    struct errbuf *err)
{
	struct hr *h = arg;
	sqlite3_stmt *stmt;
	size_t i;
	int ret = 0;

	if ((stmt = store_prepare(st, SQL_PERSON, err)) == NULL)
		return -1;
	for (i = 0; ret == 0 && i < h->n; i++) {
		if (h->p[i].skip)
			continue;
		bind_person(stmt, snap, &h->p[i]);
		if ((ret = store_step_done(st, stmt, err)) == 0)
			(*rows)++;
	}
	sqlite3_finalize(stmt);
	return ret;
}

int
import_hr(struct store *st, const struct config *cfg, const char *path,
    struct import_result *res, struct errbuf *err)
{
	struct hr h;
	size_t i;
	int ret = -1;

	memset(&h, 0, sizeof(h));
	memset(res, 0, sizeof(*res));
	h.cfg = cfg;
	h.path = path;
	h.date_format = config_hr(cfg, "date_format");
	if (hr_read(&h, err) < 0)
		import_failed(st, "hr", path, err);
	else if (import_snapshot(st, "hr", path, hr_insert, &h, res, err) == 0) {
		res->skipped = h.skipped;
		ret = 0;
	}
	csv_close(&h.csv);
	for (i = 0; i < h.n; i++)
		person_free(&h.p[i]);
	free(h.p);
	for (i = 0; i < C_N; i++)
		free(h.hname[i]);
	free(h.dm_value);
	free(h.md_value);
	return ret;
}
