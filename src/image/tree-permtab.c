/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applying a permissions table to the tree model (tree_apply_permtab). */
#include "tree-node.h"
#include "shared/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


_printf_format_(3, 4) static int entry_fail(const struct perm_entry *pe, char **err,
					    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = where_vmsg(pe->file, pe->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void set_attrs(struct tree_inode *in, const struct perm_entry *pe)
{
	if (pe->mode != PERM_KEEP && !S_ISLNK(in->mode))
		in->mode = (in->mode & S_IFMT) | (uint32_t)pe->mode;
	if (pe->uid != PERM_KEEP)
		in->uid = (uint32_t)pe->uid;
	if (pe->gid != PERM_KEEP)
		in->gid = (uint32_t)pe->gid;
}

static void set_attrs_below(struct tree_entry *e, const struct perm_entry *pe)
{
	set_attrs(e->inode, pe);
	for (size_t i = 0; i < e->nkids; i++)
		set_attrs_below(e->kids[i], pe);
}

/* The directory that will hold @path, which must already exist. */
static int parent_of(struct tree *t, const struct perm_entry *pe, const char *path,
		     struct tree_entry **dir, char **err)
{
	const char *slash = strrchr(path, '/');
	char *ppath = xstrndup(path, (size_t)(slash - path));
	struct tree_entry *p = tree_lookup(t, ppath[0] ? ppath : "/");
	int r = 0;

	if (!p)
		r = entry_fail(pe, err, "parent directory '%s' of '%s' is neither in the tree nor "
			       "made by an earlier 'd' line; add '%s d 755 0 0 - - - - -' before "
			       "this line", ppath, path, ppath);
	else if (!S_ISDIR(p->inode->mode))
		r = entry_fail(pe, err, "parent '%s' of '%s' is %s, not a directory", ppath, path,
			       tree_type_word(p->inode->mode));
	free(ppath);
	*dir = p;
	return r;
}

static int make_node(struct tree *t, const struct perm_entry *pe, const char *path,
		     uint32_t type, uint32_t minor, char **err)
{
	struct tree_entry *dir, *e = tree_lookup(t, path);
	struct tree_inode *in;
	int r;

	if (e) {
		if ((e->inode->mode & S_IFMT) != type)
			return entry_fail(pe, err, "'%s' is already in the tree as %s; remove it "
					  "from the tree or change the table", path,
					  tree_type_word(e->inode->mode));
		in = e->inode;
	} else {
		r = parent_of(t, pe, path, &dir, err);
		if (r < 0)
			return r;
		in = xcalloc(1, sizeof(*in));
		in->mode = type | (type == S_IFDIR ? 0755 : 0644);
		tree_insert_kid(dir, tree_new_entry(dir, strrchr(path, '/') + 1, in));
	}
	set_attrs(in, pe);
	in->major = type == S_IFCHR || type == S_IFBLK ? pe->major : 0;
	in->minor = type == S_IFCHR || type == S_IFBLK ? minor : 0;
	return 0;
}

static int apply_one(struct tree *t, const struct perm_entry *pe, char **err)
{
	struct tree_entry *e;
	uint32_t type;

	switch (pe->type) {
	case 'f':
	case 'r':
		e = tree_lookup(t, pe->path);
		if (!e)
			return entry_fail(pe, err, "'%s' is not in the tree (the table sets owners "
					  "and modes of existing files; use 'd' to make a "
					  "directory)", pe->path);
		if (pe->type == 'f' && S_ISDIR(e->inode->mode))
			return entry_fail(pe, err, "'%s' is a directory; use type 'd' (or 'r' for "
					  "everything below it)", pe->path);
		if (pe->type == 'r')
			set_attrs_below(e, pe);
		else
			set_attrs(e->inode, pe);
		return 0;
	case 'd':
		return make_node(t, pe, pe->path, S_IFDIR, 0, err);
	case 'p':
		return make_node(t, pe, pe->path, S_IFIFO, 0, err);
	default:
		break;
	}
	type = pe->type == 'c' ? S_IFCHR : S_IFBLK;
	if (pe->count == 0)
		return make_node(t, pe, pe->path, type, pe->minor, err);
	for (uint32_t i = 0; i < pe->count; i++) {
		char *path = xasprintf("%s%llu", pe->path, (unsigned long long)pe->start + i);
		int r = make_node(t, pe, path, type, pe->minor + i * pe->inc, err);

		free(path);
		if (r < 0)
			return r;
	}
	return 0;
}

int tree_apply_permtab(struct tree *t, const struct permtab *p, char **err)
{
	for (size_t i = 0; i < p->n; i++) {
		int r = apply_one(t, &p->v[i], err);

		if (r < 0)
			return r;
	}
	return 0;
}
