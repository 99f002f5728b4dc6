/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/merge.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <stdlib.h>

void merge_fragments(const struct cfg_file *const *frags, size_t n, struct merge_result *out)
{
	size_t seq = 0;

	memset(out, 0, sizeof(*out));
	symtab_init(&out->index);
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < frags[k]->nopts; i++) {
			const struct cfg_option *o = &frags[k]->opts[i];
			size_t at = symtab_get(&out->index, o->name);
			struct merge_entry *e;

			if (at == SYMTAB_NONE) {
				e = VEC_PUSH(out->v, out->n, out->cap);
				symtab_put(&out->index, o->name, out->n - 1);
			} else {
				e = &out->v[at];
				if (e->frag != k) {
					struct merge_change *c =
						VEC_PUSH(out->changes, out->nchanges, out->capchanges);

					c->old = e->opt;
					c->old_frag = e->frag;
					c->new = o;
					c->new_frag = k;
					c->redundant = cfg_same_value(e->opt->value, o->value);
				}
			}
			e->opt = o;
			e->frag = k;
			e->seq = seq++;
		}
	}
}

static int by_seq(const void *a, const void *b)
{
	size_t x = (*(const struct merge_entry *const *)a)->seq;
	size_t y = (*(const struct merge_entry *const *)b)->seq;

	return x < y ? -1 : x > y;
}

char *merge_text(const struct merge_result *m)
{
	const struct merge_entry **order = xcalloc(m->n, sizeof(*order));
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < m->n; i++) {
		order[i] = &m->v[i];
		len += strlen(m->v[i].opt->text) + 1;
	}
	qsort(order, m->n, sizeof(*order), by_seq);
	s = p = xmalloc(len);
	for (size_t i = 0; i < m->n; i++) {
		p = stpcpy(p, order[i]->opt->text);
		*p++ = '\n';
	}
	*p = '\0';
	free(order);
	return s;
}

void merge_result_free(struct merge_result *m)
{
	free(m->v);
	free(m->changes);
	symtab_free(&m->index);
	memset(m, 0, sizeof(*m));
}
