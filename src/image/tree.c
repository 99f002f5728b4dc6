/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tree model (tree.h): entries and their order, lookup, statistics, freeing. */
#include "tree-node.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- building blocks ---------------------------------------------------- */

struct tree_entry *tree_new_entry(struct tree_entry *parent, const char *name,
				    struct tree_inode *inode)
{
	struct tree_entry *e = xcalloc(1, sizeof(*e));

	e->name = xstrdup(name);
	e->parent = parent;
	e->inode = inode;
	if (!parent) {
		e->path = xstrdup("/");
	} else {
		e->path = xasprintf("%s/%s", streq(parent->path, "/") ? "" : parent->path, name);
		e->depth = parent->depth + 1;
	}
	return e;
}

int tree_cmp_entry(const void *a, const void *b)
{
	const struct tree_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* Index where @name is or would go among @dir's sorted kids. */
size_t tree_kid_slot(const struct tree_entry *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->nkids;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dir->kids[mid]->name, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void tree_append_kid(struct tree_entry *dir, struct tree_entry *kid)
{
	*VEC_PUSH(dir->kids, dir->nkids, dir->cap) = kid;
}

void tree_insert_kid(struct tree_entry *dir, struct tree_entry *kid)
{
	bool found;
	size_t at = tree_kid_slot(dir, kid->name, &found);

	tree_append_kid(dir, kid);
	memmove(&dir->kids[at + 1], &dir->kids[at], (dir->nkids - 1 - at) * sizeof(*dir->kids));
	dir->kids[at] = kid;
}

struct tree_entry *tree_lookup(struct tree *t, const char *path)
{
	struct tree_entry *cur = t->root;
	const char *p = path;

	while (*p == '/')
		p++;
	while (*p && cur) {
		size_t len = strcspn(p, "/");
		char *name = xstrndup(p, len);
		bool found;
		size_t at;

		if (!S_ISDIR(cur->inode->mode)) {
			free(name);
			return NULL;
		}
		at = tree_kid_slot(cur, name, &found);
		free(name);
		cur = found ? cur->kids[at] : NULL;
		p += len;
		while (*p == '/')
			p++;
	}
	return cur;
}

const char *tree_type_word(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symlink";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a fifo";
	default: return "a special file";
	}
}

/* ---- order and statistics ----------------------------------------------- */

static void visit(struct tree *t, struct tree_entry *e, size_t *cap)
{
	struct tree_inode *in = e->inode;
	struct tree_stats *s = &t->stats;

	*VEC_PUSH(t->order, t->n, *cap) = e;
	s->entries++;
	if (!in->first) {
		in->first = e;
		in->nlink = 0;
		s->inodes++;
		switch (in->mode & S_IFMT) {
		case S_IFDIR: s->dirs++; break;
		case S_IFREG:
			s->regular++;
			s->data_blocks += in->data_blocks;
			s->apparent_bytes += in->size;
			break;
		case S_IFLNK:
			s->symlinks++;
			if (in->size >= 60)
				s->long_symlinks++;
			break;
		case S_IFIFO: s->fifos++; break;
		default: s->devices++; break;
		}
	} else {
		s->hardlinks++;
	}
	in->nlink++;
	if (S_ISDIR(in->mode)) {
		s->dir_bytes += 24; /* "." and ".." */
		for (size_t i = 0; i < e->nkids; i++)
			s->dir_bytes += (8 + strlen(e->kids[i]->name) + 3) & ~3ULL;
	}
	for (size_t i = 0; i < e->nkids; i++)
		visit(t, e->kids[i], cap);
}

void tree_finish(struct tree *t)
{
	size_t cap = 0;

	for (size_t i = 0; i < t->n; i++)
		t->order[i]->inode->first = NULL;
	t->n = 0;
	memset(&t->stats, 0, sizeof(t->stats));
	visit(t, t->root, &cap);
}

static void free_entry(struct tree_entry *e)
{
	struct tree_inode *in = e->inode;

	for (size_t i = 0; i < e->nkids; i++)
		free_entry(e->kids[i]);
	free(e->kids);
	free(e->name);
	free(e->path);
	/* The last name to go frees the inode: count down the names here. */
	if (in && --in->nlink == 0) {
		free(in->target);
		free(in->src);
		free(in);
	}
	free(e);
}

/* Count names per inode (tree_finish may not have run). */
static void count_names(struct tree_entry *e, bool reset)
{
	if (reset)
		e->inode->nlink = 0;
	else
		e->inode->nlink++;
	for (size_t i = 0; i < e->nkids; i++)
		count_names(e->kids[i], reset);
}

void tree_free(struct tree *t)
{
	if (t->root) {
		count_names(t->root, true);
		count_names(t->root, false);
		free_entry(t->root);
	}
	free(t->order);
	free(t->dir);
	free(t->late_err);
	memset(t, 0, sizeof(*t));
}
