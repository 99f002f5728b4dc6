/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A string-keyed hash table mapping names to small integers (indexes into the
 * caller's own arrays). Used for Kconfig symbols and file paths, where a
 * description touches thousands of names and a linear search would dominate.
 */
#ifndef VMB_SCC_SYMTAB_H
#define VMB_SCC_SYMTAB_H

#include <stddef.h>

struct symtab {
	struct symtab_slot {
		char *key; /* owned copy; NULL when the slot is empty */
		size_t value;
	} *slots;
	size_t n, cap;
};

#define SYMTAB_NONE ((size_t)-1)

void symtab_init(struct symtab *t);
void symtab_free(struct symtab *t);
/* The value stored for @key, or SYMTAB_NONE. */
size_t symtab_get(const struct symtab *t, const char *key);
/* Store @value for @key (replacing any previous value). */
void symtab_put(struct symtab *t, const char *key, size_t value);

#endif
