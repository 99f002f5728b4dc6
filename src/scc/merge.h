/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Merging fragments with merge_config.sh's semantics: fragments are applied
 * in queue order, a later value replaces an earlier one and moves to the
 * later fragment's position, and every replacement is recorded (with both
 * values and both places) as a redefinition, or as redundant when the value
 * did not change. Unlike merge_config.sh, "=n" and "is not set" are the same
 * value, comments never count as values, and options set twice within one
 * fragment are left to the fragment's own report (cfg.h), the later line
 * winning as it does in Kconfig.
 */
#ifndef VMB_SCC_MERGE_H
#define VMB_SCC_MERGE_H

#include "scc/cfg.h"
#include "scc/symtab.h"

struct merge_entry {
	const struct cfg_option *opt; /* the winning line */
	size_t frag;                  /* index of its fragment */
	size_t seq;                   /* position in the merged output */
};

struct merge_change {
	const struct cfg_option *old, *new;
	size_t old_frag, new_frag;
	bool redundant; /* same value again */
};

struct merge_result {
	struct merge_entry *v;
	size_t n, cap;
	struct merge_change *changes;
	size_t nchanges, capchanges;
	struct symtab index; /* name -> index in v */
};

/* Merge @frags (in queue order). The result points into them: keep them
 * alive while it is used. */
void merge_fragments(const struct cfg_file *const *frags, size_t n, struct merge_result *out);
void merge_result_free(struct merge_result *m);

/* The merged fragment: one line per option, as written in the winning
 * fragment, in merge_config.sh's order (malloc'd). */
char *merge_text(const struct merge_result *m);

#endif
