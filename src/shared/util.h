/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every vmbundle module and by the unit tests. */
#ifndef VMB_UTIL_H
#define VMB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define _printf_format_(a, b) __attribute__((format(printf, a, b)))
#define _must_check_ __attribute__((warn_unused_result))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool endswith(const char *s, const char *suffix);

/* Messages (vmb_error, vmb_warn, err_while) are report.h's. */
#include "report.h"

/* Allocation that cannot fail: on exhaustion the process ends with a message,
 * because no caller can do anything sensible without memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_format_(1, 2);
#include <stdarg.h>
char *xvasprintf(const char *fmt, va_list ap) _printf_format_(1, 0);
/* "file:line: message" (line 0: "file: message"), malloc'd: the shape of
 * every error about parsed input. */
char *where_vmsg(const char *file, unsigned line, const char *fmt, va_list ap) _printf_format_(3, 0);
/* Append formatted text to the malloc'd string *s (NULL is empty). */
void strappendf(char **s, const char *fmt, ...) _printf_format_(2, 3);

/* qsort comparator for an array of C strings (char *). */
int cmp_strings(const void *a, const void *b);

/* Levenshtein distance, capped: used for "did you mean" suggestions. */
size_t edit_distance(const char *a, const char *b);

/* The candidate closest to @word, or NULL when none is close enough to be a
 * plausible typo: within max(2, len/4) edits, or else the shortest candidate
 * that @word is a prefix of (for a word of 3+ characters). */
const char *closest_word(const char *word, const char *const *candidates, size_t n);

/* Valid object name: [A-Za-z0-9._-]+, not containing "..", not starting with
 * '-' or '.' (so it can never look like an option or a hidden/relative path). */
bool valid_object_name(const char *name);

/* Why @name is not a host name (RFC 1123: dot-separated labels of 1-63
 * letters, digits and '-', not starting or ending with '-', 253 characters
 * at most), or NULL when it is one. */
const char *hostname_problem(const char *name);

/* Why @text cannot be passed to the target as a kernel command line (a
 * control character, or both kinds of quote, which no xl or shell quoting
 * of ours could carry), or NULL. */
const char *cmdline_problem(const char *text);

/* Linux's limits on a path: 4095 bytes in all (PATH_MAX with its NUL), 255
 * in each name (NAME_MAX, and what an ext directory entry holds). */
#define VMB_PATH_MAX 4095
#define VMB_NAME_MAX 255
enum path_limit { PATH_FITS, PATH_TOO_LONG, PATH_NAME_TOO_LONG };
/* Which limit @path breaks; for PATH_NAME_TOO_LONG, *name points at the
 * first name that is too long and *len says how long it is. */
enum path_limit path_check_limits(const char *path, const char **name, size_t *len);

#endif

#include <stdio.h>
/* Write @s as one single-quoted shell word (for output that configure evals). */
void fputs_shell_quoted(const char *s, FILE *f);
