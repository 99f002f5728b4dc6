/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A map from strings to pointers (open addressing, FNV-1a): dpkg's
 * database maps some hundred thousand paths to their packages.
 */
#ifndef VMB_STRMAP_H
#define VMB_STRMAP_H

#include <stddef.h>

struct strmap {
	struct strmap_slot {
		char *key;
		void *value;
	} *slots;
	size_t n, cap;
};

/* Set @key (copied) to @value, replacing an earlier value. */
void strmap_put(struct strmap *m, const char *key, void *value);
void *strmap_get(const struct strmap *m, const char *key);
/* Free the keys (not the values) and leave @m empty. */
void strmap_free(struct strmap *m);

#endif
