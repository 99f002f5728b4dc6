/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growing text buffer: appends in amortised constant time, for documents
 * of many thousand lines (an SBOM, an SVG) where strappendf's copy per call
 * would be quadratic.
 */
#ifndef VMB_STRBUF_H
#define VMB_STRBUF_H

#include "util.h"

#include <stddef.h>

struct strbuf {
	char *s;    /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) _printf_format_(2, 3);
/* Hand the text over (never NULL; "" when empty) and leave @b empty. */
char *strbuf_take(struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
