/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growing arrays of owned strings, with a count beside them. */
#include "rootfs/rootfs.h"
#include "shared/util.h"

#include <stdlib.h>

void strlist_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
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
