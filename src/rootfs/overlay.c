/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Overlays: directories copied over the assembled tree (Buildroot's
 * BR2_ROOTFS_OVERLAY, seed 004's persistent skeleton). Symlinks are copied
 * as symlinks, never followed, and one whose relative target climbs above
 * the root is refused: on the target it would point somewhere the overlay's
 * author did not mean, and on the build machine at the builder's files.
 * Entries are visited in sorted order so any error is the same every run.
 */
#include "image/tree.h"
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_dir(const struct rootfs_importer *im, const char *src, const char *dest,
		    unsigned depth, char **err);

static int copy_symlink(const char *src, const char *full, unsigned depth, char **err)
{
	char target[PATH_MAX];
	ssize_t len = readlink(src, target, sizeof(target) - 1);

	if (len < 0) {
		*err = xasprintf("cannot read the link '%s': %s", src, strerror(errno));
		return -1;
	}
	target[len] = '\0';
	if (tree_symlink_escapes(depth, target)) {
		*err = xasprintf("'%s' is a symlink to '%s', which climbs out of the root "
				 "filesystem; point it inside the tree (an absolute target is "
				 "resolved on the target)", src, target);
		return -1;
	}
	if (remove_tree(full) < 0 || symlink(target, full) < 0) {
		*err = xasprintf("cannot create the symlink '%s': %s", full, strerror(errno));
		return -1;
	}
	return 0;
}

static int copy_entry(const struct rootfs_importer *im, const char *src, const char *dest,
		      unsigned depth, char **err)
{
	char *full = xasprintf("%s%s", im->tree, dest);
	struct stat st, have;
	int r = -1;

	if (lstat(src, &st) < 0) {
		*err = xasprintf("cannot read '%s': %s", src, strerror(errno));
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		r = copy_symlink(src, full, depth, err);
	} else if (S_ISREG(st.st_mode)) {
		if (lstat(full, &have) == 0 && S_ISDIR(have.st_mode)) {
			*err = xasprintf("'%s' is a file, but '%s' is a directory in the tree", src,
					 dest);
			goto out;
		}
		r = import_from(im, src, dest, false, -1, err);
	} else if (S_ISDIR(st.st_mode)) {
		/* A directory replaces a symlink or file of an earlier layer. */
		if (lstat(full, &have) == 0 && !S_ISDIR(have.st_mode) && unlink(full) < 0) {
			*err = xasprintf("cannot replace '%s': %s", full, strerror(errno));
			goto out;
		}
		if (mkdir(full, 0755) < 0 && errno != EEXIST) {
			*err = xasprintf("cannot create directory '%s': %s", full, strerror(errno));
			goto out;
		}
		r = copy_dir(im, src, dest, depth + 1, err);
	} else {
		*err = xasprintf("'%s' is neither a file, a directory nor a symlink; device nodes "
				 "and FIFOs belong in a permissions table", src);
	}
out:
	free(full);
	return r;
}

static int copy_dir(const struct rootfs_importer *im, const char *src, const char *dest,
		    unsigned depth, char **err)
{
	struct dirent **names = NULL;
	int n = scandir(src, &names, NULL, alphasort), r = 0;

	if (n < 0) {
		*err = xasprintf("cannot read directory '%s': %s", src, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (r == 0 && !streq(name, ".") && !streq(name, "..")) {
			char *s = xasprintf("%s/%s", src, name);
			char *d = xasprintf("%s/%s", streq(dest, "/") ? "" : dest, name);

			r = copy_entry(im, s, d, depth, err);
			free(s);
			free(d);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int overlay_apply(const struct rootfs_importer *im, const char *dir, char **err)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		char *problem = input_problem(dir, errno); /* "does not exist" only when so */

		*err = xasprintf("overlay %s; create it or remove it from the configuration", problem);
		free(problem);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("overlay '%s' is %s, not a directory; create it or remove it from the "
				 "configuration", dir, file_kind(st.st_mode));
		return -1;
	}
	return copy_dir(im, dir, "/", 0, err);
}
