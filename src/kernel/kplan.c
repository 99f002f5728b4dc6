/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A kernel's content key and build directory (kplan.h says why each is so). */
#include "kplan.h"
#include "shared/fsutil.h"
#include "shared/outfile.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdirs(const char *path, char **err)
{
	int e = mkdir_p(path, 0755);

	if (e < 0)
		*err = xasprintf("cannot create %s: %s", path, strerror(-e));
	return e;
}

char *kplan_previous_key(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s/key.mk", dir, name), *text = NULL, *want, *at, *key = NULL;
	size_t len;

	if (read_file(path, &text, &len) == 0) {
		want = xasprintf("\nVMB_KEY_%s := ", name);
		at = strstr(text, want);
		if (at) {
			at += strlen(want);
			key = xstrndup(at, strcspn(at, "\n"));
		}
		free(want);
		free(text);
	}
	free(path);
	return key;
}

/* Does any kernel other than @name currently use build directory @key? */
static bool key_shared(const char *dir, const char *name, const char *key)
{
	char *pattern = xasprintf("%s/*/key.mk", dir);
	bool shared = false;
	glob_t g;

	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !shared; i++) {
			char *other = xstrdup(g.gl_pathv[i]);
			char *slash = strrchr(other, '/');
			char *prev;

			*slash = '\0';
			slash = strrchr(other, '/');
			if (!streq(slash ? slash + 1 : other, name)) {
				prev = kplan_previous_key(dir, slash ? slash + 1 : other);
				shared = prev && streq(prev, key);
				free(prev);
			}
			free(other);
		}
		globfree(&g);
	}
	free(pattern);
	return shared;
}

/* The stamps that claim a build directory is configured and built. */
static void remove_stamps(const char *build)
{
	static const char *const stamps[] = { ".vmb-built", ".config.vmb-generated", "kaudit.txt" };

	for (size_t i = 0; i < ARRAY_SIZE(stamps); i++) {
		char *f = xasprintf("%s/%s", build, stamps[i]);

		unlink(f);
		free(f);
	}
}

/* The layout and the reasons for it: kplan.h. */
int kplan_link_build_dir(const char *dir, const char *name, const char *key, char **err)
{
	char *odir = xasprintf("%s/obj/%s", dir, key);
	char *slot = xasprintf("%s/build/%s", dir, name);
	char *target = xasprintf("../build/%s", name);
	char *pattern = xasprintf("%s/obj/*", dir), *links;
	bool busy = false;
	struct stat st;
	glob_t g;
	int rc = 0;

	if (lstat(odir, &st) == 0)
		goto out;
	links = xasprintf("%s/obj", dir);
	rc = mkdirs(links, err);
	free(links);
	if (rc < 0)
		goto out;
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !busy; i++) {
			char link[PATH_MAX];
			ssize_t n = readlink(g.gl_pathv[i], link, sizeof(link) - 1);

			if (n < 0)
				continue;
			link[n] = '\0';
			busy = streq(link, target) &&
			       key_shared(dir, name, strrchr(g.gl_pathv[i], '/') + 1);
		}
		/* Links to our directory under keys nobody uses any more: their
		 * stamps would soon describe another configuration's build. */
		for (size_t i = 0; i < g.gl_pathc && !busy; i++) {
			char link[PATH_MAX];
			ssize_t n = readlink(g.gl_pathv[i], link, sizeof(link) - 1);

			if (n >= 0 && (link[n] = '\0', streq(link, target)))
				unlink(g.gl_pathv[i]);
		}
		globfree(&g);
	}
	if (busy) {
		rc = mkdirs(odir, err);
		goto out;
	}
	if ((rc = mkdirs(slot, err)) < 0)
		goto out;
	remove_stamps(slot);
	if (symlink(target, odir) < 0 && errno != EEXIST) {
		*err = xasprintf("cannot link %s to %s: %s", odir, slot, strerror(errno));
		rc = -1;
	}
out:
	free(odir);
	free(slot);
	free(target);
	free(pattern);
	return rc;
}

char *kplan_build_dir_of(const char *dir, const char *key)
{
	char *odir = xasprintf("%s/obj/%s", dir, key);
	char link[PATH_MAX];
	ssize_t n = readlink(odir, link, sizeof(link) - 1);

	free(odir);
	if (n < 0 || strncmp(link, "../", 3) != 0)
		return xasprintf("obj/%s", key);
	link[n] = '\0';
	return xstrdup(link + 3);
}

/* The SHA-256 of tarball @real (size @st), from DIR/source-digest when that
 * was made for this very file (same path, size and modification time): a
 * kernel tarball takes a second to hash, and every plan needs it. */
static int tarball_digest(const char *dir, const char *real, const struct stat *st,
			  char hex[SHA256_HEX_LEN + 1])
{
	char *cache = xasprintf("%s/source-digest", dir), *text = NULL, *want;
	size_t len;
	int e;

	want = xasprintf("vmbundle source digest 1\t%s\t%lld\t%lld.%09ld\t", real,
			 (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	if (read_file(cache, &text, &len) == 0 && startswith(text, want) &&
	    strlen(text + strlen(want)) == SHA256_HEX_LEN + 1 && text[len - 1] == '\n') {
		memcpy(hex, text + strlen(want), SHA256_HEX_LEN);
		hex[SHA256_HEX_LEN] = '\0';
		e = 0;
	} else {
		e = sha256_file(real, hex);
		if (e == 0) {
			char *line = xasprintf("%s%s\n", want, hex);

			char *werr = NULL;

			if (outfile_update(cache, line, strlen(line), &werr) < 0)
				vmb_warn("cannot keep the source digest (%s); it is made again next time",
					 werr);
			free(werr);
			free(line);
		}
	}
	free(text);
	free(want);
	free(cache);
	return e;
}

/*
 * The kernel source's part of the key. A tarball counts by its content, so
 * the same tarball anywhere (another checkout, another machine, another
 * path) gives the same key and kernel-store entries can be shared. A tree
 * counts by where it is and when its top directory last changed: hashing a
 * live tree would cost more than the builds it saves, and a tree being
 * edited is kbuild's business (its build directory is kept, so kbuild
 * rebuilds what changed).
 */
static int hash_source(struct sha256_ctx *h, const char *dir, const char *source, char **err)
{
	char real[PATH_MAX], buf[128], hex[SHA256_HEX_LEN + 1];
	struct stat st;
	int e;

	if (!realpath(source, real) || stat(real, &st) < 0) {
		*err = xasprintf("kernel source %s: %s (re-run configure)", source, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		char *mk = xasprintf("%s/Makefile", real);
		int r = stat(mk, &st);

		free(mk);
		if (r < 0) {
			*err = xasprintf("%s has no Makefile: it is not a kernel tree", real);
			return -1;
		}
		sha256_update_str(h, "tree");
		sha256_update_str(h, real);
		snprintf(buf, sizeof(buf), "%lld %lld.%09ld", (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		sha256_update_str(h, buf);
		return 0;
	}
	e = tarball_digest(dir, real, &st, hex);
	if (e < 0) {
		*err = xasprintf("cannot read kernel source %s: %s", real, strerror(-e));
		return -1;
	}
	sha256_update_str(h, "tarball");
	sha256_update_str(h, hex);
	return 0;
}

/* The compiler's own words about its version ("gcc (Debian 12.2.0-14) 12.2.0"):
 * a compiler upgrade must rebuild every kernel. */
static int hash_toolchain(struct sha256_ctx *h, const char *cc, char **err)
{
	const char *argv[] = { cc, "--version", NULL };
	struct run_opts o = { .out = { RUN_PIPE, NULL, -1 } };
	struct run_child child;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	if (run_start(argv, &o, &child, err) < 0)
		return -1;
	while (len < sizeof(buf) - 1 && (n = read(child.out_fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (run_wait(&child, err) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	sha256_update_str(h, buf);
	return 0;
}

int kplan_key(const struct kplan_key_in *in, char key[SHA256_HEX_LEN + 1], char **err)
{
	struct sha256_ctx *h = sha256_new();
	int rc;

	/* The store's format: 2 since the modules tarball leaves out the build
	 * tree's build/ and source links, and the audit report shows paths
	 * relative to the build tree (entries of format 1 name another tree);
	 * 3 since a tarball source counts by its content, not its path, and
	 * every entry has a MANIFEST. */
	sha256_update_str(h, "vmbundle kernel key 3");
	sha256_update_str(h, in->arch);
	sha256_update_str(h, in->image);
	sha256_update_str(h, in->mode);
	sha256_update_str(h, in->patchset);
	sha256_update_str(h, in->merged);
	rc = mkdirs(in->dir, err);
	if (rc == 0)
		rc = hash_source(h, in->dir, in->source, err);
	if (rc == 0)
		rc = hash_toolchain(h, in->cc, err);
	sha256_finish(h, key);
	key[KPLAN_KEY_LEN] = '\0'; /* 80 bits name a build directory without collisions in practice */
	return rc < 0 ? -1 : 0;
}
