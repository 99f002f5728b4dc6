/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel modules: the kernel step's modules tarball (lib/modules/KVER/...)
 * extracted into the tree, pruned to the declared modules and whatever
 * they depend on (read from depmod's own modules.dep, so dependencies are
 * kmod's view, not ours), then depmod run once more for the target with -b.
 * The kernel's build/ and source/ links point into the build machine and
 * are left out. Without a tarball (a kernel with no modules) there is
 * nothing to do: declared modules may be built in.
 */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int normalise_mode(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_SL)
		return 0;
	return chmod(path, S_ISDIR(st->st_mode) ? 0755 : 0644) < 0 ? -1 : 0;
}

static char *find_kver(const char *tree, const char *tarball, char **err)
{
	char *dir = xasprintf("%s/lib/modules", tree), *kver = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (kver) {
				*err = xasprintf("'%s' holds two kernel versions (%s, %s); the kernel "
						 "step writes one", tarball, kver, e->d_name);
				free(kver);
				kver = NULL;
				break;
			}
			kver = xstrdup(e->d_name);
		}
		closedir(d);
	}
	if (!kver && !*err)
		*err = xasprintf("'%s' has no lib/modules/VERSION/ directory; is it a kernel "
				 "modules tarball?", tarball);
	free(dir);
	return kver;
}

static int depmod(const char *tree, const char *kver, char **err)
{
	const char *argv[] = { tool_path("depmod"), "-b", tree, kver, NULL };
	char *e = NULL;

	if (run(argv, NULL, &e) == 0)
		return 0;
	*err = xasprintf("depmod for the target failed: %s (Debian: kmod)", e);
	free(e);
	return -1;
}

/* "kernel/arch/x86/kvm/kvm-amd.ko" -> "kvm_amd", as modprobe names it. */
static char *module_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *n = xstrndup(base, strcspn(base, "."));

	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

struct modmap {
	char **paths, **names; /* module paths and names, parallel */
	size_t n;
	char **deps;           /* each module's dependencies, as the rest of its line */
	char *builtin;         /* modules.builtin, whole */
};

static int read_modmap(const char *base, struct modmap *m, char **err)
{
	char *path = xasprintf("%s/modules.dep", base), *data, *save = NULL;
	size_t len, ndeps = 0;
	int r = read_file(path, &data, &len);

	if (r < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(-r));
		free(path);
		return -1;
	}
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':'), *name;

		if (!colon)
			continue;
		*colon = '\0';
		name = module_name(l);
		strlist_push(&m->paths, &m->n, l);
		strlist_push(&m->deps, &ndeps, colon + 1);
		m->names = xrealloc(m->names, m->n * sizeof(*m->names));
		m->names[m->n - 1] = name;
	}
	free(data);
	free(path);
	path = xasprintf("%s/modules.builtin", base);
	if (read_file(path, &m->builtin, &len) < 0)
		m->builtin = xstrdup("");
	free(path);
	return 0;
}

static void modmap_free(struct modmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->deps[i]);
	free(m->deps);
	strlist_free(m->paths, m->n);
	strlist_free(m->names, m->n);
	free(m->builtin);
}

static bool builtin(const struct modmap *m, const char *name)
{
	char *copy = xstrdup(m->builtin), *save = NULL;
	bool found = false;

	for (char *l = strtok_r(copy, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save)) {
		char *n = module_name(l);

		found = streq(n, name);
		free(n);
	}
	free(copy);
	return found;
}

/* Mark @path and, transitively, what it depends on. */
static void keep(const struct modmap *m, const char *path, char ***kept, size_t *nkept)
{
	if (strlist_has(*kept, *nkept, path))
		return;
	strlist_push(kept, nkept, path);
	for (size_t i = 0; i < m->n; i++) {
		char *copy, *save = NULL;

		if (!streq(m->paths[i], path))
			continue;
		copy = xstrdup(m->deps[i]);
		for (char *d = strtok_r(copy, " \t", &save); d; d = strtok_r(NULL, " \t", &save))
			keep(m, d, kept, nkept);
		free(copy);
	}
}

static int prune(const char *base, const struct rootfs_plan *p, const char *kver, char **err)
{
	struct modmap m = { 0 };
	char **kept = NULL;
	size_t nkept = 0;
	int r = 0;

	if (read_modmap(base, &m, err) < 0)
		return -1;
	for (size_t i = 0; i < p->modules.n && r == 0; i++) {
		const struct rootfs_item *it = &p->modules.v[i];
		char *want = module_name(it->value);
		bool found = false;

		for (size_t k = 0; k < m.n; k++)
			if (streq(m.names[k], want)) {
				keep(&m, m.paths[k], &kept, &nkept);
				found = true;
			}
		if (!found && !builtin(&m, want)) {
			const char *near = closest_word(want, (const char *const *)m.names, m.n);

			*err = rootfs_item_error(it, "module '%s' is neither a module nor built into "
						 "kernel %s%s%s%s", it->value, kver,
						 near ? " (did you mean '" : "", near ? near : "",
						 near ? "'?)" : "");
			r = -1;
		}
		free(want);
	}
	for (size_t k = 0; k < m.n && r == 0; k++) {
		if (strlist_has(kept, nkept, m.paths[k]))
			continue;
		char *full = xasprintf("%s/%s", base, m.paths[k]);

		if (unlink(full) < 0) {
			*err = xasprintf("cannot remove '%s': %s", full, strerror(errno));
			r = -1;
		}
		free(full);
	}
	strlist_free(kept, nkept);
	modmap_free(&m);
	return r;
}

/* "all", or no modules key at all, keeps every module; "modules = none"
 * keeps none (and loads none). */
static bool keep_all(const struct rootfs_plan *p)
{
	for (size_t i = 0; i < p->modules.n; i++)
		if (streq(p->modules.v[i].value, "all"))
			return true;
	return p->modules.n == 0 && !p->modules.none;
}

int modules_install(const char *tree, const char *tarball, const struct rootfs_plan *p,
		    char **err)
{
	const char *tar[] = { tool_path("tar"), "-xzf", tarball, "-C", tree, "--no-same-owner",
			      "--exclude=lib/modules/*/build", "--exclude=lib/modules/*/source",
			      NULL };
	char *kver, *base, *e = NULL;
	int r;

	/* A kernel without modules (everything built in, or CONFIG_MODULES off)
	 * has nothing to install; rcS skips /etc/modules without /lib/modules. */
	if (!tarball)
		return 0;
	if (run(tar, NULL, &e) < 0) {
		*err = xasprintf("cannot extract the modules tarball '%s': %s", tarball, e);
		free(e);
		return -1;
	}
	kver = find_kver(tree, tarball, err);
	if (!kver)
		return -1;
	base = xasprintf("%s/lib/modules/%s", tree, kver);
	r = nftw(base, normalise_mode, 16, FTW_PHYS) == 0 ? 0 : -1;
	if (r < 0)
		*err = xasprintf("cannot set modes under '%s': %s", base, strerror(errno));
	if (r == 0 && !keep_all(p)) {
		r = depmod(tree, kver, err);
		if (r == 0)
			r = prune(base, p, kver, err);
	}
	if (r == 0)
		r = depmod(tree, kver, err);
	free(base);
	free(kver);
	return r;
}
