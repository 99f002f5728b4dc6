/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void *check_alloc(void *p)
{
	if (p)
		return p;
	fprintf(stderr, "%s: out of memory\n", vmb_progname);
	exit(EXIT_FAILURE);
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return check_alloc(NULL);
	return s;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return check_alloc(NULL);
	return s;
}

char *where_vmsg(const char *file, unsigned line, const char *fmt, va_list ap)
{
	char *what = xvasprintf(fmt, ap), *msg;

	msg = line ? xasprintf("%s:%u: %s", file, line, what) : xasprintf("%s: %s", file, what);
	free(what);
	return msg;
}

void strappendf(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add = NULL, *joined;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		add = check_alloc(NULL);
	va_end(ap);
	joined = xasprintf("%s%s", *s ? *s : "", add);
	free(add);
	free(*s);
	*s = joined;
}

bool endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row;
	size_t i, j, result;

	/* Names we compare are short; anything long is never a typo of them. */
	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	result = row[lb];
	free(row);
	return result;
}

const char *closest_word(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = (size_t)-1;
	size_t len = strlen(word), limit = len / 4;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
		/* A truncated name ("qemux86" for "qemux86-64") is a typo too. */
		if (len >= 3 && startswith(candidates[i], word) &&
		    (!prefixed || strlen(candidates[i]) < strlen(prefixed)))
			prefixed = candidates[i];
	}
	if (best_d <= limit)
		return best;
	return prefixed;
}

bool valid_object_name(const char *name)
{
	if (!name[0] || name[0] == '-' || name[0] == '.')
		return false;
	if (strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void fputs_shell_quoted(const char *s, FILE *f)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

const char *hostname_problem(const char *name)
{
	size_t label = 0, total = strlen(name);

	if (total == 0)
		return "it is empty";
	if (total > 253)
		return "it is longer than 253 characters";
	for (const char *p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0)
				return "it has an empty label (two dots, or a dot at an end)";
			if (p[-1] == '-')
				return "a label ends with '-'";
			if (!*p)
				return NULL;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return "only letters, digits, '-' and '.' may be in a host name";
		if (label == 0 && *p == '-')
			return "a label starts with '-'";
		if (++label > 63)
			return "a label is longer than 63 characters";
	}
}

const char *cmdline_problem(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "it holds a control character";
	if (strchr(text, '"') && strchr(text, '\''))
		return "it holds both ' and \" (use one kind of quote)";
	return NULL;
}

enum path_limit path_check_limits(const char *path, const char **name, size_t *len)
{
	if (strlen(path) > VMB_PATH_MAX)
		return PATH_TOO_LONG;
	for (const char *p = path; *p; ) {
		size_t n = strcspn(p, "/");

		if (n > VMB_NAME_MAX) {
			*name = p;
			*len = n;
			return PATH_NAME_TOO_LONG;
		}
		p += n + (p[n] == '/');
	}
	return PATH_FITS;
}
