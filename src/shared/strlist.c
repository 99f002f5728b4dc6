/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strlist.h"
#include "util.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

void strlist_push(char ***v, size_t *n, const char *s)
{
	*VEC_APPEND(*v, *n) = xstrdup(s);
}

void strlist_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool strlist_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

void namelist_push(struct namelist *l, const char *s)
{
	strlist_push(&l->v, &l->n, s);
}

bool namelist_has(const struct namelist *l, const char *s)
{
	return strlist_has(l->v, l->n, s);
}

void namelist_free(struct namelist *l)
{
	strlist_free(l->v, l->n);
	l->v = NULL;
	l->n = 0;
}

void namelist_split(struct namelist *l, const char *words)
{
	const char *p = words;

	namelist_free(l);
	while (*p) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len) {
			char *w = xstrndup(p, len);

			namelist_push(l, w);
			free(w);
		}
		p += len;
	}
}
