/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declared programs and libraries, with their whole shared-library closure
 * (elf-closure.c), from the target's software: the sysroot unpacked from
 * Debian packages (doc/packages.md), or the build machine itself with
 * --with-userland=host. A program named without a '/' is looked up in the
 * sysroot's standard directories (the build machine's PATH for host
 * imports) and lands in the tree at its real directory (/sbin/ip on a
 * merged-/usr machine is /usr/sbin/ip); an absolute path is imported where
 * it is.
 */
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

/* Where a sysroot's programs are found: Debian's default PATH for root. */
static const char sysroot_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static const char *search_path(const char *root)
{
	return *root ? sysroot_path : getenv("PATH") ? getenv("PATH") : "";
}

/* Is @path (inside @root) an executable file, following symlinks inside
 * the root? */
static bool is_executable_file(const char *root, const char *path)
{
	char *real = realpath_in_root(root, path), *full;
	struct stat st;
	bool ok;

	if (!real)
		return false;
	full = xasprintf("%s%s", root, real);
	ok = stat(full, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
	free(full);
	free(real);
	return ok;
}

/* Every executable name in the search path, for "did you mean". */
static char **path_names(const char *root, size_t *n)
{
	char *path = xstrdup(search_path(root)), *save = NULL;
	char **v = NULL;

	*n = 0;
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s%s", root, d);
		DIR *dir = opendir(full);

		free(full);
		struct dirent *e;

		while (dir && (e = readdir(dir)))
			if (e->d_name[0] != '.' && !strlist_has(v, *n, e->d_name))
				strlist_push(&v, n, e->d_name);
		if (dir)
			closedir(dir);
	}
	free(path);
	return v;
}

/* What to say about a missing program: in the sysroot, a package is
 * missing from the declarations; on the build machine, an installation. */
static const char *missing_hint(const char *root)
{
	return *root ? "add the Debian package that provides it to a 'packages' declaration, or "
		       "give its absolute path in the sysroot"
		     : "install it or give its absolute path";
}

static char *find_program(const char *root, const struct rootfs_item *it, char **err)
{
	char *path, *save = NULL, **names;
	const char *near;
	size_t n;

	if (strchr(it->value, '/')) {
		char *real = it->value[0] == '/' ? realpath_in_root(root, it->value) : NULL;
		char *full = real ? xasprintf("%s%s", root, real) : NULL;
		bool there = full && access(full, F_OK) == 0;
		int e = there ? 0 : errno;

		free(full);
		free(real);
		if (there)
			return xstrdup(it->value);
		*err = rootfs_item_error(it, "program '%s' %s%s", it->value,
					 it->value[0] == '/' ? input_reason(e)
							     : "must be a name looked up in PATH or an absolute path",
					 it->value[0] == '/' && *root ? " in the sysroot" : "");
		return NULL;
	}
	path = xstrdup(search_path(root));
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", d, it->value);

		if (*d == '/' && is_executable_file(root, cand)) {
			char *real = realpath_in_root(root, d), *r;

			r = real ? xasprintf("%s/%s", streq(real, "/") ? "" : real, it->value) : xstrdup(cand);
			free(real);
			free(cand);
			free(path);
			return r;
		}
		free(cand);
	}
	free(path);
	names = path_names(root, &n);
	near = closest_word(it->value, (const char *const *)names, n);
	*err = rootfs_item_error(it, "program '%s' not found in %s%s%s%s; %s", it->value,
				 *root ? "the sysroot" : "PATH", near ? " (did you mean '" : "",
				 near ? near : "", near ? "'?)" : "", missing_hint(root));
	strlist_free(names, n);
	return NULL;
}

static int import_closure(const struct rootfs_importer *im, struct rootfs_plan *p,
			  const struct rootfs_item *it, const char *path, const char *lib, char **err)
{
	size_t ndirs, nout = 0;
	char **dirs = elf_default_libdirs(im->root, &ndirs), **out = NULL, *e = NULL;
	int r = elf_closure(im->root, path ? &path : NULL, path ? 1 : 0, lib ? &lib : NULL,
			    lib ? 1 : 0, (const char *const *)dirs, ndirs, &out, &nout, &e);

	if (r < 0) {
		*err = rootfs_item_error(it, "%s '%s': %s", path ? "program" : "library", it->value, e);
		free(e);
	}
	for (size_t i = 0; i < nout && r == 0; i++) {
		/* A sysroot changes as a whole: make follows its package list, not
		 * thousands of its files. */
		if (!*im->root)
			rootfs_add_dep(p, out[i]);
		r = import_from(im, out[i], out[i], true, -1, err);
	}
	strlist_free(out, nout);
	strlist_free(dirs, ndirs);
	return r;
}

int programs_import(const struct rootfs_importer *target, struct rootfs_plan *p, char **err)
{
	for (size_t i = 0; i < p->programs.n; i++) {
		char *path = find_program(target->root, &p->programs.v[i], err);
		int r;

		if (!path)
			return -1;
		r = import_closure(target, p, &p->programs.v[i], path, NULL, err);
		free(path);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; i < p->libraries.n; i++)
		if (import_closure(target, p, &p->libraries.v[i], NULL, p->libraries.v[i].value, err) < 0)
			return -1;
	return 0;
}
