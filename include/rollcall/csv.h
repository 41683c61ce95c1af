/*
 * csv.h: an RFC 4180 reader. Quoted fields may hold the delimiter, doubled
 * quotes and line breaks; CRLF and LF both end records; a UTF-8 BOM is
 * dropped; the delimiter is sniffed among ',', ';' and TAB from the header
 * line unless given. Every field knows its line and column for errors.
 */
#ifndef ROLLCALL_CSV_H
#define ROLLCALL_CSV_H

#include <stdio.h>

#include "rollcall.h"

struct csv_field {
	char	*s;		/* NUL-terminated, unquoted */
	long	 line;		/* 1-based line where the field starts */
	long	 col;		/* 1-based column (in characters) */
};

struct csv {
	FILE	*fp;
	const char *path;	/* for messages */
	int	 delim;		/* 0: sniff */
	long	 line;		/* current physical line */
	long	 record_line;	/* line where the last record started */
	struct csv_field *f;	/* fields of the last record */
	size_t	 nf;
	/* private */
	size_t	 cap;
	char	*pending;	/* the header line, read ahead to sniff */
	size_t	 npending, ipending;
	int	 bom_checked;
	long	 col;		/* column of the next character */
	long	 tok_line, tok_col;	/* where the last token was */
	int	 u8need;	/* UTF-8 continuation bytes still due */
	unsigned char u8lo, u8hi;	/* range of the next one */
	unsigned char u8lead;	/* the sequence's first byte, for errors */
	char	*fbuf;		/* the field being read */
	size_t	 flen, fcap;
};

/* Open path for reading (delim 0 to sniff); -1 with err set. */
int	 csv_open(struct csv *, const char *path, int delim, struct errbuf *);
/*
 * Read the next record into c->f/c->nf. 1: a record; 0: end of file;
 * -1: malformed (an unterminated quote, a quote inside an unquoted field),
 * err names path:line:column. Empty lines are skipped.
 */
int	 csv_next(struct csv *, struct errbuf *);
void	 csv_close(struct csv *);

/*
 * A delimiter setting: comma, semicolon, tab, pipe (or the character
 * itself), or auto/empty/NULL (0: sniff). 0, or -1 with err naming it.
 */
int	 csv_delimiter(const char *setting, int *delim, struct errbuf *);

/*
 * Header lookup: index of the first column whose name (trimmed, case-
 * insensitive) equals one of the names in the NULL-terminated list, or -1.
 */
int	 csv_find_column(const struct csv *, const char *const *names);

/*
 * Writing. csv_cell_safe() is what goes into a worksheet: a value starting
 * with = + - @ TAB or CR gets a leading apostrophe, so no spreadsheet runs
 * it; csv_write_field() then quotes as RFC 4180 requires.
 */
void	 csv_write_field(FILE *, const char *, int delim);
void	 csv_write_cell(FILE *, const char *, int delim);	/* defused */
int	 csv_needs_defuse(const char *);

#endif
