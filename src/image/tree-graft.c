/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names added to a loaded tree: the stager's guest files (tree_graft), deferred content. */
#include "tree-node.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* The directory @path names, made with its parents when missing. */
static int graft_dir(struct tree *t, const char *path, struct tree_entry **out, char **err)
{
	struct tree_entry *cur = t->root;
	const char *p = path;

	while (*p) {
		size_t len;
		char *name;
		bool found;
		size_t at;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		name = xstrndup(p, len);
		at = tree_kid_slot(cur, name, &found);
		if (!found) {
			struct tree_inode *in = xcalloc(1, sizeof(*in));

			in->mode = S_IFDIR | 0755;
			tree_insert_kid(cur, tree_new_entry(cur, name, in));
			at = tree_kid_slot(cur, name, &found);
		}
		free(name);
		cur = cur->kids[at];
		if (!S_ISDIR(cur->inode->mode)) {
			*err = xasprintf("'%s' is %s in the root filesystem tree, not a directory; "
					 "staged files never go through links: make it a directory",
					 cur->path, tree_type_word(cur->inode->mode));
			return -ENOTDIR;
		}
		p += len;
	}
	*out = cur;
	return 0;
}

/* Size and data runs of a grafted file's host source. */
static int measure_source(struct tree_inode *in, char **err)
{
	struct region_count rc = { 0 };
	struct stat st;
	int fd = open(in->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = fd < 0 ? -errno : -EINVAL;
		*err = xasprintf("cannot read '%s': %s", in->src,
				 r == -EINVAL ? "not a regular file" : strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	in->size = (uint64_t)st.st_size;
	r = tree_data_runs(fd, in->size, tree_count_region, &rc);
	close(fd);
	if (r < 0) {
		*err = xasprintf("cannot read '%s': %s", in->src, strerror(-r));
		return r;
	}
	in->data_blocks = rc.blocks;
	in->regions = rc.regions;
	return 0;
}

int tree_defer(struct tree *t, const char *path, int (*hook)(void *ctx, char **err), void *ctx,
	       char **err)
{
	struct tree_entry *e = tree_lookup(t, path);

	if (!e || !S_ISREG(e->inode->mode)) {
		*err = xasprintf("'%s' is not a regular file in the tree; cannot defer its content",
				 path);
		return -EINVAL;
	}
	e->inode->late = true;
	t->late_hook = hook;
	t->late_ctx = ctx;
	t->late_ran = false;
	return 0;
}

int tree_run_late_hook(struct tree *t, char **err)
{
	char *why = NULL;

	if (!t->late_hook)
		return 0;
	if (!t->late_ran) {
		t->late_ran = true;
		t->late_rc = t->late_hook(t->late_ctx, &why) < 0 ? -EIO : 0;
		if (t->late_rc < 0)
			t->late_err = why ? why : xstrdup("the deferred content could not be made");
	}
	if (t->late_rc < 0)
		*err = xstrdup(t->late_err);
	return t->late_rc;
}

/* A new name at @path (absent so far), its parents made as needed. */
static struct tree_inode *graft_name(struct tree *t, const char *path, char **err, int *rc)
{
	const char *slash = strrchr(path, '/');
	char *dpath;
	struct tree_entry *dir = NULL;
	struct tree_inode *in;
	bool found;

	if (path[0] != '/' || !slash || !slash[1]) {
		*err = xasprintf("'%s' is not an absolute file path in the image", path);
		*rc = -EINVAL;
		return NULL;
	}
	dpath = xstrndup(path, (size_t)(slash - path));
	*rc = graft_dir(t, dpath, &dir, err);
	free(dpath);
	if (*rc < 0)
		return NULL;
	tree_kid_slot(dir, slash + 1, &found);
	if (found) {
		*err = xasprintf("'%s' is already in the root filesystem tree; the stager would "
				 "replace it: remove it from the tree", path);
		*rc = -EEXIST;
		return NULL;
	}
	in = xcalloc(1, sizeof(*in));
	tree_insert_kid(dir, tree_new_entry(dir, slash + 1, in));
	return in;
}

int tree_graft(struct tree *t, const char *path, const char *src, const char *target,
	       uint32_t mode, char **err)
{
	int r;
	struct tree_inode *in = graft_name(t, path, err, &r);

	if (!in)
		return r;
	if (!src) {
		in->mode = S_IFLNK | 0777;
		in->target = xstrdup(target);
		in->size = strlen(target);
		return 0;
	}
	in->mode = S_IFREG | (mode & 07777);
	in->src = xstrdup(src);
	return measure_source(in, err);
}

int tree_graft_measured(struct tree *t, const char *path, const char *src, uint32_t mode,
			uint64_t size, uint64_t data_blocks, uint32_t regions, char **err)
{
	int r;
	struct tree_inode *in = graft_name(t, path, err, &r);

	if (!in)
		return r;
	in->mode = S_IFREG | (mode & 07777);
	in->src = xstrdup(src);
	in->size = size;
	in->data_blocks = data_blocks;
	in->regions = regions;
	return 0;
}
