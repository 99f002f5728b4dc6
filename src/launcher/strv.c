/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strv.h"

#include <stdarg.h>
#include <stdlib.h>

static void strv_take(struct strv *s, char *word)
{
	s->v = xrealloc(s->v, (s->n + 2) * sizeof(*s->v));
	s->v[s->n++] = word;
	s->v[s->n] = NULL;
}

void strv_add(struct strv *s, const char *word)
{
	strv_take(s, xstrdup(word));
}

void strv_addf(struct strv *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_take(s, xvasprintf(fmt, ap));
	va_end(ap);
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
