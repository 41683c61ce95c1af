/*
 * rollcall.h: what every part of rollcall shares: exit codes, diagnostics,
 * the error buffer that library code fills instead of printing, and the
 * allocation wrappers (out of memory is fatal, as in tmux's xmalloc.c).
 */
#ifndef ROLLCALL_H
#define ROLLCALL_H

#include <stddef.h>
#include <stdio.h>

#define ROLLCALL_VERSION "0.1.0"

/* Exit codes: documented in rollcall(1) and DESIGN.md. */
enum {
	RC_OK = 0,		/* success */
	RC_USAGE = 1,		/* usage or configuration error */
	RC_FAILURE = 2,		/* runtime failure: source, input file, db */
	RC_FOUND = 3,		/* worked, and found what it checks for */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Library code reports through a struct errbuf and returns -1; only cmd/
 * prints and decides the exit code. The message names the file:line:column
 * or the source and URL; it never holds a secret.
 */
struct errbuf {
	char	msg[1024];
};

void	 err_set(struct errbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prefix the current message with "fmt: " (context from a caller). */
void	 err_prefix(struct errbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Diagnostics on stderr as "rollcall: ...". error() returns -1. */
int	 error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 die(int rc, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* -q turns off progress and informational notes (never errors). */
extern int rc_quiet;
/* Progress on stderr, only when stderr is a terminal and not quiet. */
void	 progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 progress_done(void);
/* Informational note on stderr unless quiet. */
void	 note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Case-insensitive glob match (fnmatch with FNM_CASEFOLD); NULL never matches. */
int	 glob_match(const char *pattern, const char *s);
/* Any of a comma-separated list of globs matches s. */
int	 glob_list_match(const char *patterns, const char *s);

/* Trim leading/trailing white space (ASCII and UTF-8 no-break space) in place. */
char	*str_trim(char *);
/* ASCII lower-case copy; caller frees. */
char	*str_lower(const char *);
int	 str_empty(const char *);	/* NULL or "" */

/* fclose() that also reports an earlier write error; 0 or EOF. */
int	 close_stream(FILE *);

/* Hex SHA-256 of len bytes at data (65 bytes incl. NUL). */
void	 sha256_hex(const void *data, size_t len, char out[65]);
/* Length of the valid UTF-8 sequence at p (1 for ASCII), or 0 if invalid. */
size_t	 utf8_seq(const unsigned char *p);

/* Hex SHA-256 of a file (65 bytes incl. NUL) or -1 with errbuf set. */
int	 sha256_file(const char *path, char out[65], struct errbuf *);

#endif
