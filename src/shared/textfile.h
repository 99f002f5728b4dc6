/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading description and fragment files: whole files into memory, then
 * lines. Limits keep hostile input (binary files, a 10 MB line) from costing
 * more than a clear error.
 */
#ifndef VMB_TEXTFILE_H
#define VMB_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* No description or fragment is anywhere near this; anything bigger is a
 * mistake (a kernel image, a tarball) and is refused before it is read. */
#define TEXT_MAX_FILE (32u * 1024 * 1024)
/* The longest line a description or fragment may have. */
#define TEXT_MAX_LINE (64u * 1024)

/* Read all of @path (NUL-terminated copy in *buf). On error returns -1 with
 * *err = "cannot read 'path': reason" (malloc'd). */
int text_read(const char *path, char **buf, size_t *len, char **err);

struct text_line {
	char *text;      /* NUL-terminated, without the newline (and a trailing CR) */
	unsigned lineno; /* first physical line of this logical line */
};

struct text_lines {
	struct text_line *v;
	size_t n, cap;
};

/* Split @buf into lines. With @join_continuations a line ending in a
 * backslash continues on the next one (the backslash and newline vanish), as
 * in the shell that runs .scc files in the reference tools. Errors (a NUL
 * byte, a line longer than TEXT_MAX_LINE) come back as "name:line: what". */
int text_split(const char *name, const char *buf, size_t len, bool join_continuations,
	       struct text_lines *out, char **err);
void text_lines_free(struct text_lines *l);

#endif
