/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a staged directory into the tree model (tree_load). */
#include "tree-node.h"
#include "shared/input.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- hard-link index: (st_dev, st_ino) -> inode, open addressing ------- */

struct link_index {
	struct tree_inode **slot;
	size_t cap, used;
};

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4FULL;

	return (size_t)(h >> 17) & (cap - 1);
}

static struct tree_inode **link_find(struct link_index *x, dev_t dev, ino_t ino)
{
	size_t i;

	if (x->used * 2 >= x->cap) {
		struct link_index bigger = { .cap = x->cap ? x->cap * 2 : 64 };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t k = 0; k < x->cap; k++) {
			struct tree_inode *in = x->slot[k];

			if (!in)
				continue;
			i = link_hash(in->host_dev, in->host_ino, bigger.cap);
			while (bigger.slot[i])
				i = (i + 1) & (bigger.cap - 1);
			bigger.slot[i] = in;
		}
		bigger.used = x->used;
		free(x->slot);
		*x = bigger;
	}
	i = link_hash(dev, ino, x->cap);
	while (x->slot[i] && !(x->slot[i]->host_dev == dev && x->slot[i]->host_ino == ino))
		i = (i + 1) & (x->cap - 1);
	return &x->slot[i];
}

/* ---- walking the staged directory --------------------------------------- */

bool tree_symlink_escapes(unsigned dir_depth, const char *target)
{
	long depth = target[0] == '/' ? 0 : (long)dir_depth;
	const char *p = target;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len;
		while (*p == '/')
			p++;
	}
	return false;
}

struct walker {
	struct tree *t;
	struct link_index links;
	char **err;
};

_printf_format_(3, 4) static int walk_fail(struct walker *w, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*w->err = xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}

static int walk_dir(struct walker *w, int dfd, struct tree_entry *dir);

static int read_regular(struct walker *w, int dfd, const char *name, const char *host,
			struct tree_inode *in)
{
	struct region_count rc = { 0 };
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0)
		return walk_fail(w, -errno, "cannot read '%s': %s", host, strerror(errno));
	r = tree_data_runs(fd, in->size, tree_count_region, &rc);
	close(fd);
	if (r == -ESTALE)
		return walk_fail(w, r, "'%s' changed while it was being read; build the image "
				 "when nothing writes to the tree", host);
	if (r < 0)
		return walk_fail(w, r, "cannot read '%s': %s", host, strerror(-r));
	in->data_blocks = rc.blocks;
	in->regions = rc.regions;
	return 0;
}

/* One name found in a staged directory: make its entry (sharing the inode of
 * an earlier hard link) and read what the writers will need. */
static int add_found(struct walker *w, int dfd, struct tree_entry *dir, const char *name)
{
	struct tree_entry *e;
	struct tree_inode *in, **slot = NULL;
	struct stat st;
	char *host = xasprintf("%s%s/%s", w->t->dir, streq(dir->path, "/") ? "" : dir->path, name);
	int r = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = walk_fail(w, -errno, "cannot stat '%s': %s", host, strerror(errno));
		goto out;
	}
	if (S_ISSOCK(st.st_mode)) {
		r = walk_fail(w, -EINVAL, "'%s' is a socket; images cannot carry sockets (programs "
			      "create them at run time): remove it from the tree", host);
		goto out;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		slot = link_find(&w->links, st.st_dev, st.st_ino);
		if (*slot) {
			e = tree_new_entry(dir, name, *slot);
			tree_append_kid(dir, e);
			goto out;
		}
	}
	in = xcalloc(1, sizeof(*in));
	in->mode = (uint32_t)st.st_mode & (S_IFMT | 07777);
	in->host_dev = st.st_dev;
	in->host_ino = st.st_ino;
	if (slot) {
		*slot = in;
		w->links.used++;
	}
	e = tree_new_entry(dir, name, in);
	tree_append_kid(dir, e);
	if (S_ISREG(st.st_mode)) {
		in->size = (uint64_t)st.st_size;
		in->src = xstrdup(host);
		r = read_regular(w, dfd, name, host, in);
	} else if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		ssize_t len = readlinkat(dfd, name, buf, sizeof(buf));

		if (len < 0) {
			r = walk_fail(w, -errno, "cannot read symlink '%s': %s", host, strerror(errno));
			goto out;
		}
		if ((size_t)len == sizeof(buf) || len == 0) {
			r = walk_fail(w, -ENAMETOOLONG, "symlink '%s' has an %s target", host,
				      len ? "over-long" : "empty");
			goto out;
		}
		in->target = xstrndup(buf, (size_t)len);
		in->size = (uint64_t)len;
		in->mode = S_IFLNK | 0777;
		if (tree_symlink_escapes(dir->depth, in->target)) {
			r = walk_fail(w, -EXDEV, "'%s' is a symlink to '%s', which points outside the "
				      "root filesystem; make the target stay inside the tree (an "
				      "absolute target is read inside the image)", host, in->target);
			goto out;
		}
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		in->major = major(st.st_rdev);
		in->minor = minor(st.st_rdev);
	} else if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub < 0) {
			r = walk_fail(w, -errno, "cannot open directory '%s': %s", host, strerror(errno));
			goto out;
		}
		r = walk_dir(w, sub, e);
		close(sub);
	}
out:
	free(host);
	return r;
}

static int walk_dir(struct walker *w, int dfd, struct tree_entry *dir)
{
	int dup_fd = dup(dfd);
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return walk_fail(w, -errno, "cannot list '%s%s': %s", w->t->dir, dir->path,
				 strerror(errno));
	}
	/* Read all names first so only one directory stream is open per level. */
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		*VEC_PUSH(names, n, cap) = xstrdup(de->d_name);
	}
	if (errno)
		r = walk_fail(w, -errno, "cannot list '%s%s': %s", w->t->dir, dir->path,
			      strerror(errno));
	closedir(d);
	for (size_t i = 0; i < n && r == 0; i++)
		r = add_found(w, dfd, dir, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (dir->nkids > 1)
		qsort(dir->kids, dir->nkids, sizeof(*dir->kids), tree_cmp_entry);
	return r;
}

int tree_load(const char *dir, struct tree *t, char **err)
{
	struct walker w = { .t = t, .err = err };
	struct tree_inode *root;
	struct stat st;
	int fd, r;

	memset(t, 0, sizeof(*t));
	t->dir = xstrdup(dir);
	root = xcalloc(1, sizeof(*root));
	root->mode = S_IFDIR | 0755;
	t->root = tree_new_entry(NULL, "", root);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ELOOP) {
			char *why = input_problem(dir, -r); /* "does not exist" only when so */

			*err = xasprintf("root filesystem tree %s", why);
			free(why);
		} else if (r == -ENOTDIR) {
			struct stat what;

			/* Say what it is: a FIFO, a regular file, ... or a path
			 * through a file (the component that is not a directory). */
			if (stat(dir, &what) == 0)
				*err = xasprintf("root filesystem tree '%s' is %s, not a directory", dir,
						 file_kind(what.st_mode));
			else
				*err = xasprintf("root filesystem tree '%s' cannot be followed: a "
						 "component of it is not a directory", dir);
		} else
			*err = xasprintf("cannot open root filesystem tree '%s': %s", dir, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) == 0)
		root->host_dev = st.st_dev;
	r = walk_dir(&w, fd, t->root);
	close(fd);
	free(w.links.slot);
	return r;
}
