/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle kernel-plan: resolve one kernel's description and tell make how
 * to build it.
 *
 * The kernel's build is named by a content key: the SHA-256 of everything
 * that decides what kbuild produces (the merged configuration, the base it
 * is applied to, the kernel source, the patches, the compiler, the
 * architecture and image target). Two kernels with the same key share one
 * build (and one kernel-store entry); a change to anything else (a guest's
 * memory, its image formats) changes no key and rebuilds no kernel. The
 * key's build directory itself stays put (see link_build_dir).
 *
 * Every file is written only when its content changes, so make's timestamps
 * move only when something real did, and a no-op make never enters kbuild.
 */
#include "commands.h"
#include "kernel/kstore.h"
#include "shared/outfile.h"
#include "scc/pipeline.h"
#include "scc/queue.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "sha256.h"
#include "shared/util.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct plan_args {
	const char *name, *dir, *source, *arch, *image, *cc, *store;
	const char **dirs, **defines;
	char **mirrors;
	size_t ndirs, ndefines, nmirrors;
	const char *const *inputs;
	size_t ninputs;
};

/* Write @text to @path unless the file already holds exactly that. */
static int write_if_changed(const char *path, const char *text)
{
	char *err = NULL;

	if (outfile_update(path, text, strlen(text), &err) < 0) {
		vmb_error("kernel-plan: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

static int mkdirs(const char *path)
{
	int e = mkdir_p(path, 0755);

	if (e < 0)
		vmb_error("kernel-plan: cannot create %s: %s", path, strerror(-e));
	return e;
}

/* The key kernel @name had before this plan, from its key.mk (malloc'd), or NULL. */
static char *previous_key(const char *dir, const char *name)
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
				prev = previous_key(dir, slash ? slash + 1 : other);
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

/*
 * Give key @key a build directory. kbuild records absolute paths (Linux 6.1
 * builds objtool with them), so a build directory that moved would be
 * rebuilt from scratch: kernel @name therefore always builds in the same
 * place, DIR/build/NAME, and DIR/obj/KEY is a symbolic link to it. When
 * @name's configuration changes, the link for its old key goes and the
 * same directory serves the new key, so kbuild recompiles only what the
 * change touches. A key that already has a directory (another kernel with
 * the same configuration planned first) keeps it. If a kernel that still
 * uses @name's directory under another key exists, the new key gets a
 * fresh directory of its own instead.
 */
static int link_build_dir(const char *dir, const char *name, const char *key)
{
	char *odir = xasprintf("%s/obj/%s", dir, key);
	char *slot = xasprintf("%s/build/%s", dir, name);
	char *target = xasprintf("../build/%s", name);
	char *pattern = xasprintf("%s/obj/*", dir);
	bool busy = false;
	struct stat st;
	glob_t g;
	int rc = 0;

	if (lstat(odir, &st) == 0)
		goto out;
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !busy; i++) {
			char link[PATH_MAX];
			ssize_t n = readlink(g.gl_pathv[i], link, sizeof(link) - 1);

			if (n < 0)
				continue;
			link[n] = '\0';
			busy = streq(link, target) && key_shared(dir, name, strrchr(g.gl_pathv[i], '/') + 1);
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
		rc = mkdirs(odir);
		goto out;
	}
	if ((rc = mkdirs(slot)) < 0)
		goto out;
	remove_stamps(slot);
	if (symlink(target, odir) < 0 && errno != EEXIST) {
		vmb_error("kernel-plan: cannot link %s to %s: %s", odir, slot, strerror(errno));
		rc = -1;
	}
out:
	free(odir);
	free(slot);
	free(target);
	free(pattern);
	return rc;
}

/* Where key @key's build directory really is, relative to @dir: kbuild must
 * be given that path, not the link's (malloc'd). */
static char *build_dir_of(const char *dir, const char *key)
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

/* What identifies the kernel source: a tarball by its path, size and
 * modification time (hashing 140 MB on every plan would cost seconds); a tree
 * by its path and its top Makefile's time. */
/* The SHA-256 of tarball @real (size @st), from DIR/source-digest when that
 * was made for this very file (same path, size and modification time): a
 * kernel tarball takes a second to hash, and every plan needs it. */
static int tarball_digest(const char *dir, const char *real, const struct stat *st,
			  char hex[SHA256_HEX_LEN + 1])
{
	char *cache = xasprintf("%s/source-digest", dir), *text = NULL, *want;
	size_t len;
	int e;

	want = xasprintf("vmbundle source digest 1\t%s\t%lld\t%lld.%09ld\t", real, (long long)st->st_size,
			 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	if (read_file(cache, &text, &len) == 0 && startswith(text, want) &&
	    strlen(text + strlen(want)) == SHA256_HEX_LEN + 1 && text[len - 1] == '\n') {
		memcpy(hex, text + strlen(want), SHA256_HEX_LEN);
		hex[SHA256_HEX_LEN] = '\0';
		e = 0;
	} else {
		e = sha256_file(real, hex);
		if (e == 0) {
			char *line = xasprintf("%s%s\n", want, hex);

			if (write_if_changed(cache, line) < 0)
				vmb_warn("kernel-plan: cannot keep the source digest in %s", cache);
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
static int hash_source(struct sha256_ctx *h, const char *dir, const char *source)
{
	char real[PATH_MAX], buf[128], hex[SHA256_HEX_LEN + 1];
	struct stat st;
	int e;

	if (!realpath(source, real) || stat(real, &st) < 0) {
		vmb_error("kernel-plan: kernel source %s: %s (re-run configure)", source, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		char *mk = xasprintf("%s/Makefile", real);
		int r = stat(mk, &st);

		free(mk);
		if (r < 0) {
			vmb_error("kernel-plan: %s has no Makefile: it is not a kernel tree", real);
			return -1;
		}
		sha256_update_str(h, "tree");
		sha256_update_str(h, real);
		snprintf(buf, sizeof(buf), "%lld %lld.%09ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec);
		sha256_update_str(h, buf);
		return 0;
	}
	e = tarball_digest(dir, real, &st, hex);
	if (e < 0) {
		vmb_error("kernel-plan: cannot read kernel source %s: %s", real, strerror(-e));
		return -1;
	}
	sha256_update_str(h, "tarball");
	sha256_update_str(h, hex);
	return 0;
}

/* The compiler's own words about its version ("gcc (Debian 12.2.0-14) 12.2.0"):
 * a compiler upgrade must rebuild every kernel. */
static int hash_toolchain(struct sha256_ctx *h, const char *cc)
{
	const char *argv[] = { cc, "--version", NULL };
	struct run_opts o = { .out = { RUN_PIPE, NULL, -1 } };
	struct run_child child;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	char *err = NULL;

	if (run_start(argv, &o, &child, &err) < 0) {
		vmb_error("kernel-plan: %s", err);
		free(err);
		return -1;
	}
	while (len < sizeof(buf) - 1 && (n = read(child.out_fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (run_wait(&child, &err) < 0) {
		vmb_error("kernel-plan: %s", err);
		free(err);
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	sha256_update_str(h, buf);
	return 0;
}

/* Every file the description was made from, sorted and unique. */
static char **input_files(const struct scc_pipeline *p, size_t *n)
{
	size_t cap = p->res.nfiles + p->res.nfrags + p->res.npatches, k = 0;
	char **v = xcalloc(cap, sizeof(*v));

	for (size_t i = 0; i < p->res.nfiles; i++)
		if (p->res.files[i][0] == '/')
			v[k++] = p->res.files[i];
	for (size_t i = 0; i < p->res.nfrags; i++)
		v[k++] = p->res.frags[i].path;
	for (size_t i = 0; i < p->res.npatches; i++)
		if (p->res.patches[i].path)
			v[k++] = p->res.patches[i].path;
	qsort(v, k, sizeof(*v), cmp_strings);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || !streq(v[u - 1], v[i]))
			v[u++] = v[i];
	*n = u;
	return v;
}

/*
 * A kernel this tree has neither in its store nor in a live build is asked
 * of the mirrors, in order, before anything compiles: make reads key.mk
 * after this, and a stored kernel is not built again. A mirror without it
 * costs nothing; a bad entry is said in one line and skipped.
 */
static int fetch_from_mirrors(const struct plan_args *a, const char *key, const char *odir)
{
	char *have = xasprintf("%s/%s/config", a->store ? a->store : "", key);
	char *live = xasprintf("%s/.config", odir);
	const char *from = NULL;
	int r = 0;

	if (a->nmirrors && a->store && access(have, F_OK) < 0 && access(live, F_OK) < 0) {
		r = kstore_fetch(a->store, key, a->mirrors, a->nmirrors, &from);
		if (r == 0)
			printf("  %-7s %s (kernel %s from %s)\n", "FETCH", a->name, key, from);
		r = r < 0 ? -1 : 0;
	}
	free(have);
	free(live);
	return r;
}

static int plan(const struct plan_args *a)
{
	struct scc_options o = {
		.dirs = a->dirs, .ndirs = a->ndirs, .defines = a->defines, .ndefines = a->ndefines,
	};
	struct scc_pipeline p;
	char key[SHA256_HEX_LEN + 1], patchset[SHA256_HEX_LEN + 1] = "";
	char *err = NULL, *merged = NULL, *queue = NULL, *patches = xstrdup(""), *mk = NULL;
	char *kdir = NULL, *odir = NULL, *build = NULL, *path;
	const char *mode, *own_cfg = "";
	char **files = NULL;
	size_t nfiles = 0;
	int rc = -1;

	if (scc_pipeline_run(&o, a->inputs, a->ninputs, &p, &err) < 0) {
		vmb_error("kernel %s: %s", a->name, err);
		goto out;
	}
	for (size_t i = 0; i < p.res.nwarnings; i++)
		vmb_warn("%s", p.res.warnings[i]);
	merged = merge_text(&p.merged);
	queue = queue_format(&p.res, &err);
	if (!queue) {
		vmb_error("kernel %s: %s", a->name, err);
		goto out;
	}
	mode = scc_pipeline_var(&p, "KCONFIG_MODE");
	if (!mode)
		mode = "alldefconfig"; /* Yocto's default when nothing says otherwise */
	if (!endswith(mode, "config") || strchr(mode, ' ')) {
		vmb_error("kernel %s: KCONFIG_MODE '%s' is not a kbuild configuration target (allnoconfig, alldefconfig, tinyconfig, defconfig, ...)",
			  a->name, mode);
		goto out;
	}

	/* The patch set: its own identity, and part of the kernel's. */
	if (p.res.npatches) {
		struct sha256_ctx *ph = sha256_new();

		for (size_t i = 0; i < p.res.npatches; i++) {
			char hex[SHA256_HEX_LEN + 1];
			int e = sha256_file(p.res.patches[i].path, hex);

			if (e < 0) {
				vmb_error("kernel %s: patch %s: %s", a->name, p.res.patches[i].path, strerror(-e));
				sha256_finish(ph, hex);
				goto out;
			}
			sha256_update_str(ph, hex);
			strappendf(&patches, "%s\n", p.res.patches[i].path);
		}
		sha256_finish(ph, patchset);
		patchset[16] = '\0'; /* a short name for the patched tree's directory */
	}

	struct sha256_ctx *h = sha256_new();
	/* The store's format: 2 since the modules tarball leaves out the build
	 * tree's build/ and source links, and the audit report shows paths
	 * relative to the build tree (entries of format 1 name another tree);
	 * 3 since a tarball source counts by its content, not its path, and
	 * every entry has a MANIFEST. */
	sha256_update_str(h, "vmbundle kernel key 3");
	sha256_update_str(h, a->arch);
	sha256_update_str(h, a->image);
	sha256_update_str(h, mode);
	sha256_update_str(h, patchset);
	sha256_update_str(h, merged);
	if (mkdirs(a->dir) < 0 || hash_source(h, a->dir, a->source) < 0 || hash_toolchain(h, a->cc) < 0) {
		sha256_finish(h, key);
		goto out;
	}
	sha256_finish(h, key);
	key[20] = '\0'; /* 80 bits name a build directory without collisions in practice */

	for (size_t i = 0; i < p.res.nfrags; i++) {
		const char *base = strrchr(p.res.frags[i].path, '/');
		char *want = xasprintf("%s.cfg", a->name);

		if (base && streq(base + 1, want))
			own_cfg = p.res.frags[i].path;
		free(want);
	}

	kdir = xasprintf("%s/%s", a->dir, a->name);
	odir = xasprintf("%s/obj", a->dir);
	if (mkdirs(kdir) < 0 || mkdirs(odir) < 0 || link_build_dir(a->dir, a->name, key) < 0)
		goto out;
	strappendf(&odir, "/%s", key);
	build = build_dir_of(a->dir, key);
	struct { const char *dir, *file, *text; } outs[] = {
		{ kdir, "queue", queue }, { kdir, "merged.cfg", merged }, { kdir, "patches", patches },
		{ odir, "queue", queue }, { odir, "merged.cfg", merged },
	};
	for (size_t i = 0; i < ARRAY_SIZE(outs); i++) {
		path = xasprintf("%s/%s", outs[i].dir, outs[i].file);
		int r = write_if_changed(path, outs[i].text);

		free(path);
		if (r < 0)
			goto out;
	}

	files = input_files(&p, &nfiles);
	mk = xasprintf("# Generated by vmbundle kernel-plan for kernel %s; do not edit.\n"
		       "VMB_KEY_%s := %s\nVMB_KMODE_%s := %s\nVMB_KPATCHSET_%s := %s\n"
		       "VMB_KNAMES_%s += %s\nVMB_KBUILD_%s := %s\nVMB_KUPDATE_%s := %s\nVMB_KPATCHES_%s :=",
		       a->name, a->name, key, key, mode, key, patchset, key, a->name, key, build, a->name, own_cfg,
		       key);
	for (size_t i = 0; i < p.res.npatches; i++)
		strappendf(&mk, " %s", p.res.patches[i].path);
	strappendf(&mk, "\n%s/key.mk:", kdir);
	for (size_t i = 0; i < nfiles; i++)
		strappendf(&mk, " \\\n  %s", files[i]);
	/* Empty rules: a deleted description file re-plans instead of stopping make. */
	strappendf(&mk, "\n");
	for (size_t i = 0; i < nfiles; i++)
		strappendf(&mk, "%s:\n", files[i]);
	path = xasprintf("%s/key.mk", kdir);
	rc = write_if_changed(path, mk);
	free(path);
	if (rc == 0)
		rc = fetch_from_mirrors(a, key, odir);
out:
	free(err);
	free(files);
	free(mk);
	free(kdir);
	free(odir);
	free(build);
	free(merged);
	free(queue);
	free(patches);
	scc_pipeline_free(&p);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: vmbundle kernel-plan --name=NAME --dir=DIR --source=SRC --arch=ARCH --image=TARGET\n"
	      "                            --cc=CC [--store=DIR [--mirror=URL]...]\n"
	      "                            [-I DIR]... [-D VAR=VALUE]... INPUT...\n"
	      "Resolve kernel NAME's description (INPUTs, as for 'vmbundle scc') and write\n"
	      "DIR/NAME/{queue,merged.cfg,patches,key.mk} and DIR/obj/KEY/merged.cfg, where\n"
	      "DIR/obj/KEY links to NAME's build directory DIR/build/NAME. A kernel\n"
	      "neither in the store nor built here is fetched from the first mirror\n"
	      "that has a good entry for KEY (see vmbundle kernel-fetch --help).\n",
	      f);
}

int cmd_kernel_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },  { "dir", required_argument, NULL, 'd' },
		{ "source", required_argument, NULL, 's' }, { "arch", required_argument, NULL, 'a' },
		{ "image", required_argument, NULL, 'i' }, { "cc", required_argument, NULL, 'c' },
		{ "store", required_argument, NULL, 'S' }, { "mirror", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	struct plan_args a = { 0 };
	int c, rc;

	a.dirs = xcalloc((size_t)argc, sizeof(*a.dirs));
	a.defines = xcalloc((size_t)argc, sizeof(*a.defines));
	a.mirrors = xcalloc((size_t)argc, sizeof(*a.mirrors));
	while ((c = getopt_long(argc, argv, "I:D:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': a.name = optarg; break;
		case 'd': a.dir = optarg; break;
		case 's': a.source = optarg; break;
		case 'a': a.arch = optarg; break;
		case 'i': a.image = optarg; break;
		case 'c': a.cc = optarg; break;
		case 'I': a.dirs[a.ndirs++] = optarg; break;
		case 'D': a.defines[a.ndefines++] = optarg; break;
		case 'S': a.store = optarg; break;
		case 'm': {
			char *why = NULL;

			if (!kstore_mirror_valid(optarg, &why)) {
				vmb_error("kernel-plan: --mirror: %s", why);
				free(why);
				rc = 2;
				goto out;
			}
			a.mirrors[a.nmirrors++] = optarg;
			break;
		}
		case 'h': usage(stdout); rc = 0; goto out;
		default: usage(stderr); rc = 2; goto out;
		}
	}
	if (!a.name || !a.dir || !a.source || !a.arch || !a.image || !a.cc || optind >= argc) {
		usage(stderr);
		rc = 2;
		goto out;
	}
	if (!valid_object_name(a.name)) {
		vmb_error("kernel-plan: invalid kernel name '%s'", a.name);
		rc = 2;
		goto out;
	}
	a.inputs = (const char *const *)argv + optind;
	a.ninputs = (size_t)(argc - optind);
	rc = plan(&a) < 0 ? 1 : 0;
out:
	free(a.dirs);
	free(a.defines);
	free(a.mirrors);
	return rc;
}
