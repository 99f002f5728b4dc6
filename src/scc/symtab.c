/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/symtab.h"
#include "shared/util.h"

#include <stdint.h>
#include <stdlib.h>

/* FNV-1a: short keys, good spread, no dependencies. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void symtab_init(struct symtab *t)
{
	t->n = 0;
	t->cap = 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
}

void symtab_free(struct symtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].key);
	free(t->slots);
	t->slots = NULL;
	t->n = t->cap = 0;
}

static struct symtab_slot *find_slot(struct symtab_slot *slots, size_t cap, const char *key)
{
	size_t i = hash(key) & (cap - 1);

	while (slots[i].key && !streq(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

size_t symtab_get(const struct symtab *t, const char *key)
{
	const struct symtab_slot *s = find_slot(t->slots, t->cap, key);

	return s->key ? s->value : SYMTAB_NONE;
}

static void grow(struct symtab *t)
{
	size_t ncap = t->cap * 2;
	struct symtab_slot *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key)
			*find_slot(ns, ncap, t->slots[i].key) = t->slots[i];
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

void symtab_put(struct symtab *t, const char *key, size_t value)
{
	struct symtab_slot *s;

	/* Keep the table at most half full so probe chains stay short. */
	if (2 * (t->n + 1) > t->cap)
		grow(t);
	s = find_slot(t->slots, t->cap, key);
	if (!s->key) {
		s->key = xstrdup(key);
		t->n++;
	}
	s->value = value;
}
