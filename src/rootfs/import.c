/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bringing host files into the tree. A host path is reproduced at the same
 * literal path in the tree: when it is a symlink, the tree gets the same
 * symlink and the target is imported too, so every path a program or the
 * dynamic linker opens on the build machine opens the same bytes on the
 * target. Modes are normalised (never the build user's umask or a host
 * setuid bit: those come from the permissions table).
 */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

bool import_dest_ok(const char *dest)
{
	const char *p = dest;

	if (*p != '/')
		return false;
	while (*p) {
		const char *c = p + 1;
		size_t len = strcspn(c, "/");

		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + len;
	}
	return true;
}

/* Create the parents of @full (a path under @tree) one component at a time,
 * refusing any that is a symlink or not a directory: an overlay may have put
 * "usr/bin -> /opt/bin" in the tree, and following it would write outside
 * the tree, onto the build machine. */
static int make_dirs(const char *tree, const char *full, bool last, char **err)
{
	size_t base = strlen(tree);
	char *path = xasprintf("%s%s", full, last ? "/" : "");
	int r = 0;

	for (char *p = path + base + 1; r == 0 && (p = strchr(p, '/')); p++) {
		struct stat st;

		*p = '\0';
		if (lstat(path, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				*err = xasprintf("'%s' is %s in the tree; nothing can be installed below it",
						 path + base, S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
				r = -1;
			}
		} else if (mkdir(path, 0755) < 0) {
			*err = xasprintf("cannot create directory '%s': %s", path, strerror(errno));
			r = -1;
		}
		*p = '/';
	}
	free(path);
	return r;
}

static int copy_regular(const char *src, const char *full, int mode, char **err)
{
	struct stat st;

	if (stat(src, &st) < 0) {
		*err = input_problem(src, errno);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("'%s' is %s, not a regular file", src, file_kind(st.st_mode));
		return -1;
	}
	/* An earlier layer's symlink or file at this path is replaced, never
	 * written through. */
	if (unlink(full) < 0 && errno != ENOENT && errno != EISDIR) {
		*err = xasprintf("cannot replace '%s': %s", full, strerror(errno));
		return -1;
	}
	if (copy_file_atomic(src, full, err) < 0)
		return -1;
	if (mode < 0)
		mode = (st.st_mode & 0111) ? 0755 : 0644;
	if (chmod(full, (mode_t)mode) < 0) {
		*err = xasprintf("cannot set the mode of '%s': %s", full, strerror(errno));
		return -1;
	}
	return 0;
}

/* The tree path a symlink at @dest with @target points to, or NULL when it
 * leaves the root. */
static char *link_destination(const char *dest, const char *target)
{
	char *base, *joined, *out;
	size_t n = 0;

	if (*target == '/')
		base = xstrdup(target);
	else {
		char *dir = xstrndup(dest, (size_t)(strrchr(dest, '/') - dest));

		base = xasprintf("%s/%s", dir, target);
		free(dir);
	}
	/* Normalise lexically: ".", "..", doubled slashes. */
	joined = xmalloc(strlen(base) + 2);
	for (char *save = NULL, *c = strtok_r(base, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (streq(c, "."))
			continue;
		if (streq(c, "..")) {
			if (n == 0) {
				free(base);
				free(joined);
				return NULL;
			}
			while (n > 0 && joined[--n] != '/')
				;
			continue;
		}
		joined[n++] = '/';
		strcpy(joined + n, c);
		n += strlen(c);
	}
	joined[n] = '\0';
	out = n ? joined : xstrdup("/");
	if (!n)
		free(joined);
	free(base);
	return out;
}

/* "DEST<TAB>SRC" into the record, SRC marked as the sysroot's when it is. */
static void record(const struct rootfs_importer *im, const char *src, const char *dest)
{
	char *line;

	if (!im->record)
		return;
	line = xasprintf("%s\t%s%s", dest, *im->root ? "sysroot:" : "", src);
	if (!namelist_has(im->record, line))
		namelist_push(im->record, line);
	free(line);
}

static int import_one(const struct rootfs_importer *im, const char *src, const char *dest,
		      bool follow, int mode, int depth, char **err);

/* Everything below directory @src, its symlinks as they are. */
static int import_dir(const struct rootfs_importer *im, const char *src, const char *dest, int mode,
		      int depth, char **err)
{
	char *full = xasprintf("%s%s", im->root, src);
	struct dirent **names = NULL;
	int n = scandir(full, &names, NULL, alphasort), r = 0;

	if (n < 0) {
		*err = xasprintf("cannot read directory '%s': %s", full, strerror(errno));
		free(full);
		return -1;
	}
	r = import_mkdir(im->tree, dest, err);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (r == 0 && !streq(name, ".") && !streq(name, "..")) {
			char *s = xasprintf("%s/%s", streq(src, "/") ? "" : src, name);
			char *d = xasprintf("%s/%s", streq(dest, "/") ? "" : dest, name);

			r = import_one(im, s, d, false, mode, depth + 1, err);
			free(s);
			free(d);
		}
		free(names[i]);
	}
	free(names);
	free(full);
	return r;
}

static int import_one(const struct rootfs_importer *im, const char *src, const char *dest,
		      bool follow, int mode, int depth, char **err)
{
	char *full = xasprintf("%s%s", im->tree, dest), *from = xasprintf("%s%s", im->root, src);
	struct stat st;
	int r = -1;

	if (depth > 40) {
		*err = xasprintf("'%s': too many levels of symbolic links or directories", from);
		goto out;
	}
	if (lstat(from, &st) < 0) {
		*err = xasprintf("cannot read '%s': %s", from, strerror(errno));
		goto out;
	}
	if (make_dirs(im->tree, full, false, err) < 0)
		goto out;
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX], *next;
		ssize_t len = readlink(from, target, sizeof(target) - 1);

		if (len < 0) {
			*err = xasprintf("cannot read the link '%s': %s", from, strerror(errno));
			goto out;
		}
		target[len] = '\0';
		next = link_destination(dest, target);
		if (!next && follow) {
			*err = xasprintf("'%s' is a symlink to '%s', which leaves the root filesystem",
					 from, target);
			goto out;
		}
		if (follow || depth > 0) {
			if ((unlink(full) < 0 && errno != ENOENT) || symlink(target, full) < 0) {
				*err = xasprintf("cannot create the symlink '%s': %s", full, strerror(errno));
				free(next);
				goto out;
			}
			record(im, src, dest);
			/* The target resolves @next the same way (inside the root). */
			r = follow ? import_one(im, next, next, follow, mode, depth + 1, err) : 0;
			free(next);
			goto out;
		}
		free(next);
		/* Not following: the content it points to (resolved inside the root). */
		char *real = realpath_in_root(im->root, src);

		if (!real) {
			*err = xasprintf("cannot follow '%s': %s", from, strerror(errno));
			goto out;
		}
		r = import_one(im, real, dest, false, mode, depth + 1, err);
		free(real);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = import_dir(im, src, dest, mode, depth, err);
		goto out;
	}
	r = copy_regular(from, full, mode, err);
	if (r == 0)
		record(im, src, dest);
out:
	free(from);
	free(full);
	return r;
}

int import_from(const struct rootfs_importer *im, const char *src, const char *dest,
		bool follow_links, int mode, char **err)
{
	if (!import_dest_ok(dest)) {
		*err = xasprintf("'%s' is not an absolute path inside the root filesystem (no '.' "
				 "or '..' components)", dest);
		return -1;
	}
	return import_one(im, src, dest, follow_links, mode, 0, err);
}

int import_path(const char *tree, const char *src, const char *dest, bool follow_links, int mode,
		char **err)
{
	const struct rootfs_importer im = { tree, "", NULL };

	return import_from(&im, src, dest, follow_links, mode, err);
}

int import_mkdir(const char *tree, const char *dest, char **err)
{
	char *full = xasprintf("%s%s", tree, dest);
	int r = make_dirs(tree, full, true, err);

	free(full);
	return r;
}

int import_write(const char *tree, const char *dest, const char *data, int mode, char **err)
{
	char *full = xasprintf("%s%s", tree, dest), *tmp = NULL;
	int r = -1;

	if (make_dirs(tree, full, false, err) < 0)
		goto out;
	tmp = xasprintf("%s.tmp", full);
	{
		FILE *f = fopen(tmp, "we");

		if (!f || fputs(data, f) == EOF || fclose(f) == EOF) {
			*err = xasprintf("cannot write '%s': %s", tmp, strerror(errno));
			goto out;
		}
	}
	if (chmod(tmp, (mode_t)mode) < 0 || rename(tmp, full) < 0) {
		*err = xasprintf("cannot write '%s': %s", full, strerror(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	free(tmp);
	free(full);
	return r;
}
