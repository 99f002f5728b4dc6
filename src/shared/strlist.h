/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growing arrays of owned strings: as a bare (vector, count) pair inside
 * larger structs (strlist_*), or as a struct of their own (namelist_*).
 */
#ifndef VMB_STRLIST_H
#define VMB_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

void strlist_push(char ***v, size_t *n, const char *s);
void strlist_free(char **v, size_t n);
bool strlist_has(char *const *v, size_t n, const char *s);

struct namelist {
	char **v;
	size_t n;
};

void namelist_push(struct namelist *l, const char *s);
bool namelist_has(const struct namelist *l, const char *s);
/* Free the strings and leave @l empty, ready for reuse. */
void namelist_free(struct namelist *l);
/* Replace @l's contents with the blank-separated words of @words. */
void namelist_split(struct namelist *l, const char *words);

#endif
