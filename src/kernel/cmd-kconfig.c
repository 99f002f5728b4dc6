/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle kconfig: produce a kernel's .config with kbuild, from its kernel
 * type's base and its merged fragment.
 *
 * allnoconfig and alldefconfig take the fragment as KCONFIG_ALLCONFIG, in
 * one kbuild run. Any other base (tinyconfig, defconfig, x86_64_defconfig, ...)
 * is made first; the fragment is then merged over the resulting .config
 * with merge_config.sh's rule (the fragment wins), and olddefconfig lets
 * Kconfig settle every dependency. Kconfig does the resolving either way: we
 * never decide a symbol's value ourselves.
 *
 * The result is also saved as .config.vmb-generated, so that diffconfig can
 * later tell what a menuconfig session changed.
 */
#include "commands.h"
#include "scc/cfg.h"
#include "scc/merge.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct kconfig_args {
	const char *ksrc, *obj, *arch, *mode, *fragment, *make;
	const char **vars; /* NAME=VALUE for kbuild's make (CC=ccache gcc) */
	size_t nvars;
};

static int kbuild(const struct kconfig_args *a, const char *target, const char *allconfig)
{
	char *o = xasprintf("O=%s", a->obj);
	char *arch = xasprintf("ARCH=%s", a->arch);
	char *ac = allconfig ? xasprintf("KCONFIG_ALLCONFIG=%s", allconfig) : NULL;
	const char **argv = xcalloc(a->nvars + 8, sizeof(*argv));
	size_t n = 0;
	char *err = NULL;
	int r;

	argv[n++] = a->make;
	argv[n++] = "-C";
	argv[n++] = a->ksrc;
	argv[n++] = o;
	argv[n++] = arch;
	for (size_t i = 0; i < a->nvars; i++)
		argv[n++] = a->vars[i];
	argv[n++] = target;
	argv[n++] = ac;
	r = run(argv, NULL, &err);
	free(argv);

	if (r < 0) {
		vmb_error("kbuild '%s' in %s failed: %s", target, a->obj, err);
		free(err);
	}
	free(o);
	free(arch);
	free(ac);
	return r;
}

/* .config := .config with @fragment merged over it (the fragment wins). */
static int merge_into_config(const char *config, const char *fragment)
{
	struct cfg_file base, frag;
	const struct cfg_file *files[2] = { &base, &frag };
	struct merge_result m;
	char *err = NULL, *text;
	int r;

	if (cfg_parse_file(config, &base, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return -1;
	}
	if (cfg_parse_file(fragment, &frag, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		cfg_file_free(&base);
		return -1;
	}
	merge_fragments(files, 2, &m);
	text = merge_text(&m);
	r = outfile_write(config, text, strlen(text), &err);
	if (r < 0) {
		vmb_error("%s", err);
		free(err);
	}
	free(text);
	merge_result_free(&m);
	cfg_file_free(&frag);
	cfg_file_free(&base);
	return r;
}

static void usage(FILE *f)
{
	fputs("usage: vmbundle kconfig --ksrc=DIR --obj=DIR --arch=ARCH --mode=BASE --fragment=FILE\n"
	      "                       [--make=MAKE] [--make-var=NAME=VALUE]...\n"
	      "Make DIR/.config with kbuild: BASE (allnoconfig, alldefconfig, tinyconfig, defconfig or\n"
	      "any *config target of the kernel) with FILE's options merged over it.\n",
	      f);
}

/* The whole job, once the arguments are parsed. Returns the exit status. */
static int configure_kernel(const struct kconfig_args *a)
{
	char fragment[PATH_MAX];
	char *config, *saved, *err = NULL;
	int r;

	if (!a->ksrc || !a->obj || !a->arch || !a->mode || !a->fragment) {
		usage(stderr);
		return 2;
	}
	if (!endswith(a->mode, "config")) {
		vmb_error("'%s' is not a kbuild configuration target (allnoconfig, alldefconfig, tinyconfig, defconfig, ...)",
			  a->mode);
		return 2;
	}
	/* kbuild runs in the source tree: every path it is given must be absolute. */
	if (!realpath(a->fragment, fragment)) {
		vmb_error("%s: %s", a->fragment, strerror(errno));
		return 1;
	}
	r = mkdir_p(a->obj, 0755);
	if (r < 0) {
		vmb_error("%s: cannot create: %s", a->obj, strerror(-r));
		return 1;
	}
	config = xasprintf("%s/.config", a->obj);
	saved = xasprintf("%s/.config.vmb-generated", a->obj);
	/* The saved copy is make's sign of success: it goes first and comes back
	 * last, so an interrupted or failed run never looks finished. */
	if (unlink(saved) < 0 && errno != ENOENT) {
		vmb_error("%s: cannot remove: %s", saved, strerror(errno));
		r = -1;
	} else if (streq(a->mode, "allnoconfig") || streq(a->mode, "alldefconfig")) {
		r = kbuild(a, a->mode, fragment);
	} else {
		r = kbuild(a, a->mode, NULL);
		if (r == 0)
			r = merge_into_config(config, fragment);
		if (r == 0)
			r = kbuild(a, "olddefconfig", NULL);
	}
	if (r == 0 && copy_file_atomic(config, saved, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		r = -1;
	}
	free(config);
	free(saved);
	return r < 0 ? 1 : 0;
}

int cmd_kconfig(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ksrc", required_argument, NULL, 'k' },     { "obj", required_argument, NULL, 'o' },
		{ "arch", required_argument, NULL, 'a' },     { "mode", required_argument, NULL, 'm' },
		{ "fragment", required_argument, NULL, 'f' }, { "make", required_argument, NULL, 'M' },
		{ "make-var", required_argument, NULL, 'V' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kconfig_args a = { .make = "make" };
	const char **vars = xcalloc((size_t)argc, sizeof(*vars));
	int c, rc;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "V");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'k': a.ksrc = optarg; break;
		case 'o': a.obj = optarg; break;
		case 'a': a.arch = optarg; break;
		case 'm': a.mode = optarg; break;
		case 'f': a.fragment = optarg; break;
		case 'M': a.make = optarg; break;
		case 'V':
			if (!strchr(optarg, '=')) {
				vmb_error("--make-var wants NAME=VALUE, not '%s'", optarg);
				free(vars);
				return 2;
			}
			vars[a.nvars++] = optarg;
			break;
		case 'h': usage(stdout); free(vars); return 0;
		default: usage(stderr); free(vars); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(vars);
		return 2;
	}
	a.vars = vars;
	rc = configure_kernel(&a);
	free(vars);
	return rc;
}
