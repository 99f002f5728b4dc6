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
#include "kernel/kplan.h"
#include "kernel/kstore.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "scc/pipeline.h"
#include "scc/queue.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "sha256.h"
#include "shared/util.h"

#include <errno.h>
#include <getopt.h>
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
		vmb_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

static int mkdirs(const char *path)
{
	int e = mkdir_p(path, 0755);

	if (e < 0)
		vmb_error("cannot create %s: %s", path, strerror(-e));
	return e;
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
		char *err = NULL;

		r = kstore_fetch(a->store, key, a->mirrors, a->nmirrors, &from, &err);
		if (r == 0)
			printf("  %-7s %s (kernel %s from %s)\n", "FETCH", a->name, key, from);
		if (r < 0) {
			err_while(&err, "fetching kernel %s for '%s' from its mirrors", key, a->name);
			vmb_report(err);
			free(err);
		}
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

	struct kplan_key_in kin = {
		.dir = a->dir, .arch = a->arch, .image = a->image, .mode = mode, .patchset = patchset,
		.merged = merged, .source = a->source, .cc = a->cc,
	};
	if (kplan_key(&kin, key, &err) < 0) {
		err_while(&err, "computing kernel %s's content key", a->name);
		vmb_report(err);
		goto out;
	}

	for (size_t i = 0; i < p.res.nfrags; i++) {
		const char *base = strrchr(p.res.frags[i].path, '/');
		char *want = xasprintf("%s.cfg", a->name);

		if (base && streq(base + 1, want))
			own_cfg = p.res.frags[i].path;
		free(want);
	}

	kdir = xasprintf("%s/%s", a->dir, a->name);
	if (mkdirs(kdir) < 0)
		goto out;
	/* It makes DIR/obj and the key's link in it. */
	if (kplan_link_build_dir(a->dir, a->name, key, &err) < 0) {
		vmb_report(err);
		goto out;
	}
	odir = xasprintf("%s/obj/%s", a->dir, key);
	build = kplan_build_dir_of(a->dir, key);
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
	struct opt_parser op = OPT_PARSER(argc, argv, "I:D:", opts, "IDm");
	while ((c = opt_next(&op)) != -1) {
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
				vmb_error("--mirror: %s", why);
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
		vmb_error("invalid kernel name '%s'", a.name);
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
