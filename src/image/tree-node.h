/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the parts of the tree model share (tree.c: entries, lookup, order;
 * tree-runs.c: data runs; tree-load.c: the walk of the staged directory;
 * tree-permtab.c: the permissions table; tree-graft.c: names added later).
 * Private to src/image/tree*.c; everyone else uses tree.h.
 */
#ifndef VMB_TREE_NODE_H
#define VMB_TREE_NODE_H

#include "tree.h"

#include <stdbool.h>
#include <stddef.h>

/* A new entry @name below @parent (NULL: the root) naming @inode; not yet
 * among @parent's kids. */
struct tree_entry *tree_new_entry(struct tree_entry *parent, const char *name,
				 struct tree_inode *inode);
/* qsort comparison of two entry pointers, by name, bytewise. */
int tree_cmp_entry(const void *a, const void *b);
/* Index where @name is or would go among @dir's sorted kids. */
size_t tree_kid_slot(const struct tree_entry *dir, const char *name, bool *found);
/* Add @kid at the end (the caller sorts), or at its sorted place. */
void tree_append_kid(struct tree_entry *dir, struct tree_entry *kid);
void tree_insert_kid(struct tree_entry *dir, struct tree_entry *kid);
/* The entry at image path @path, or NULL. */
struct tree_entry *tree_lookup(struct tree *t, const char *path);
/* "a regular file", "a directory", ...: what messages call a mode's type. */
const char *tree_type_word(uint32_t mode);

/* A file's data blocks and runs, counted through tree_data_runs. */
struct region_count {
	uint64_t blocks;
	uint32_t regions;
};
int tree_count_region(void *ctx, uint64_t off, uint64_t len);

#endif
