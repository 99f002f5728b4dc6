/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declared programs and libraries, imported from the build machine with
 * their whole shared-library closure (elf-closure.c). A program named
 * without a '/' is looked up in PATH like a shell would, and lands in the
 * tree at its real directory (/sbin/ip on a merged-/usr machine is
 * /usr/sbin/ip); an absolute path is imported where it is.
 */
#include "rootfs/rootfs.h"
#include "shared/util.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Every executable name in PATH, for "did you mean". */
static char **path_names(size_t *n)
{
	char *path = xstrdup(getenv("PATH") ? getenv("PATH") : ""), *save = NULL;
	char **v = NULL;

	*n = 0;
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		DIR *dir = opendir(d);
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

static char *find_program(const struct rootfs_item *it, char **err)
{
	char *path, *save = NULL, **names;
	const char *near;
	size_t n;

	if (strchr(it->value, '/')) {
		if (it->value[0] == '/' && access(it->value, F_OK) == 0)
			return xstrdup(it->value);
		*err = rootfs_item_error(it, "program '%s' %s", it->value,
					 it->value[0] == '/' ? "does not exist"
							     : "must be a name looked up in PATH or an absolute path");
		return NULL;
	}
	path = xstrdup(getenv("PATH") ? getenv("PATH") : "");
	for (char *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", d, it->value), real[PATH_MAX];

		if (*d == '/' && is_executable_file(cand)) {
			char *r = realpath(d, real) ? xasprintf("%s/%s", streq(real, "/") ? "" : real,
								it->value)
						    : xstrdup(cand);

			free(cand);
			free(path);
			return r;
		}
		free(cand);
	}
	free(path);
	names = path_names(&n);
	near = closest_word(it->value, (const char *const *)names, n);
	*err = rootfs_item_error(it, "program '%s' not found in PATH%s%s%s; install it or give "
				 "its absolute path", it->value, near ? " (did you mean '" : "",
				 near ? near : "", near ? "'?)" : "");
	strlist_free(names, n);
	return NULL;
}

static int import_closure(const char *tree, struct rootfs_plan *p, const struct rootfs_item *it,
			  const char *path, const char *lib, char **err)
{
	size_t ndirs, nout = 0;
	char **dirs = elf_default_libdirs("", &ndirs), **out = NULL, *e = NULL;
	int r = elf_closure(path ? &path : NULL, path ? 1 : 0, lib ? &lib : NULL, lib ? 1 : 0,
			    (const char *const *)dirs, ndirs, &out, &nout, &e);

	if (r < 0) {
		*err = rootfs_item_error(it, "%s '%s': %s", path ? "program" : "library", it->value, e);
		free(e);
	}
	for (size_t i = 0; i < nout && r == 0; i++) {
		rootfs_add_dep(p, out[i]);
		r = import_path(tree, out[i], out[i], true, -1, err);
	}
	strlist_free(out, nout);
	strlist_free(dirs, ndirs);
	return r;
}

int programs_import(const char *tree, struct rootfs_plan *p, char **err)
{
	for (size_t i = 0; i < p->programs.n; i++) {
		char *path = find_program(&p->programs.v[i], err);
		int r;

		if (!path)
			return -1;
		r = import_closure(tree, p, &p->programs.v[i], path, NULL, err);
		free(path);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; i < p->libraries.n; i++)
		if (import_closure(tree, p, &p->libraries.v[i], NULL, p->libraries.v[i].value, err) < 0)
			return -1;
	return 0;
}
