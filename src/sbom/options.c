/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line vmbundle sbom and vmbundle graph-size share (sbom.h). */
#include "sbom/sbom.h"
#include "shared/fsutil.h"
#include "shared/output.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdlib.h>

enum {
	OPT_NAME = 1000, OPT_BOARD, OPT_DEPLOY, OPT_ARCH, OPT_FORMAT, OPT_IMPORTS, OPT_SYSROOT,
	OPT_HOST_ROOT, OPT_ADMINDIR, OPT_KERNEL_DIR, OPT_KERNEL_IMAGE, OPT_KERNEL_SOURCE,
	OPT_OWN_KERNEL, OPT_KERNEL, OPT_PRODUCT, OPT_GUEST, OPT_PREBUILT, OPT_DECLS, OPT_ROOT,
};

static const struct option sbom_options[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "board", required_argument, NULL, OPT_BOARD },
	{ "deploy", required_argument, NULL, OPT_DEPLOY },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "imports", required_argument, NULL, OPT_IMPORTS },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "dpkg-admindir", required_argument, NULL, OPT_ADMINDIR },
	{ "kernel-dir", required_argument, NULL, OPT_KERNEL_DIR },
	{ "kernel-image", required_argument, NULL, OPT_KERNEL_IMAGE },
	{ "kernel-source", required_argument, NULL, OPT_KERNEL_SOURCE },
	{ "own-kernel", required_argument, NULL, OPT_OWN_KERNEL },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "product", required_argument, NULL, OPT_PRODUCT },
	{ "guest", required_argument, NULL, OPT_GUEST },
	{ "prebuilt", required_argument, NULL, OPT_PREBUILT },
	{ "decls", required_argument, NULL, OPT_DECLS },
	{ "source-root", required_argument, NULL, OPT_ROOT },
};
const char sbom_options_help[] =
	"  --name=NAME           the image: host or a guest (required)\n"
	"  --board=BOARD         the board (required): images are DEPLOY/NAME-BOARD.rootfs.FMT\n"
	"  --deploy=DIR          the deploy directory (required)\n"
	"  --format=FMT          one of NAME's image formats (repeat; the first is the one staged)\n"
	"  --arch=DEBARCH        the Debian architecture of the target (amd64, arm64)\n"
	"  --imports=FILE        rootfs/NAME/imports: DEST<TAB>SRC of every imported file\n"
	"  --sysroot=DIR         imported files came from this sysroot (its .vmb/ lists)\n"
	"  --host-root=DIR       imported files came from the build machine (default /)\n"
	"  --dpkg-admindir=DIR   dpkg's database (default HOST-ROOT/var/lib/dpkg)\n"
	"  --kernel-dir=DIR      the kernel plans (kernels/: NAME/key.mk, NAME/patches)\n"
	"  --kernel-image=NAME   the board's kernel image name (bzImage, Image)\n"
	"  --kernel-source=PATH  the kernel source tarball or tree\n"
	"  --own-kernel=K        the kernel whose modules are in the image's /lib/modules\n"
	"  --kernel=K            a kernel whose image may be staged in the image (repeat)\n"
	"  --product=DEST        a program of this project in the image (repeat)\n"
	"  --guest=G:FMT[,FMT]   a guest staged directly into this image, with its formats (repeat)\n"
	"  --prebuilt=PATH       a file given to configure that may be staged (repeat)\n"
	"  --decls=DEPFILE       rootfs/NAME/deps.mk: the declarations the image was made from\n"
	"  --source-root=DIR     paths in the document are shown relative to DIR (repeat)\n";

static int sbom_option(struct sbom_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_NAME: o->name = arg; break;
	case OPT_BOARD: o->board = arg; break;
	case OPT_DEPLOY: o->deploy = arg; break;
	case OPT_ARCH: o->arch = arg; break;
	case OPT_FORMAT: namelist_push(&o->formats, arg); break;
	case OPT_IMPORTS: o->imports = arg; break;
	case OPT_SYSROOT: o->sysroot = arg; break;
	case OPT_HOST_ROOT: o->host_root = arg; break;
	case OPT_ADMINDIR: o->dpkg_admindir = arg; break;
	case OPT_KERNEL_DIR: o->kernel_dir = arg; break;
	case OPT_KERNEL_IMAGE: o->kernel_image = arg; break;
	case OPT_KERNEL_SOURCE: o->kernel_source = arg; break;
	case OPT_OWN_KERNEL: o->own_kernel = arg; break;
	case OPT_KERNEL: namelist_push(&o->kernels, arg); break;
	case OPT_PRODUCT: namelist_push(&o->products, arg); break;
	case OPT_GUEST: namelist_push(&o->guests, arg); break;
	case OPT_PREBUILT: namelist_push(&o->prebuilt, arg); break;
	case OPT_DECLS: namelist_push(&o->decls, arg); break;
	case OPT_ROOT: {
		/* Files are compared by their real paths (build/../templates). */
		char *real = realpath(arg, NULL);

		namelist_push(&o->roots, real ? real : arg);
		free(real);
		break;
	}
	default: return -1;
	}
	return 0;
}

/* A name given twice in @l (compared up to @sep when not 0). */
static int duplicate(const struct namelist *l, char sep, const char *option, char **err)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < i; j++) {
			size_t a = sep ? strcspn(l->v[i], ":") : strlen(l->v[i]);
			size_t b = sep ? strcspn(l->v[j], ":") : strlen(l->v[j]);

			if (a == b && strncmp(l->v[i], l->v[j], a) == 0) {
				*err = xasprintf("%s '%.*s' is given twice", option, (int)a, l->v[i]);
				return -1;
			}
		}
	return 0;
}

static int sbom_opts_check(const struct sbom_opts *o, char **err)
{
	if (!o->name || !o->board || !o->deploy || !o->formats.n) {
		*err = xstrdup("--name, --board, --deploy and --format are required (see --help)");
		return -1;
	}
	if (!valid_object_name(o->name) || !valid_object_name(o->board)) {
		*err = xasprintf("'%s' is not a valid %s name", valid_object_name(o->name) ? o->board : o->name,
				 valid_object_name(o->name) ? "board" : "image");
		return -1;
	}
	if (o->sysroot && o->host_root) {
		*err = xstrdup("--sysroot and --host-root exclude each other: files come from one");
		return -1;
	}
	for (size_t i = 0; i < o->formats.n; i++)
		if (img_format_rank(o->formats.v[i]) < 0) {
			*err = xasprintf("unknown image format '%s'", o->formats.v[i]);
			return -1;
		}
	/* Each image, guest and kernel is one element of the document. */
	if (duplicate(&o->formats, 0, "--format", err) < 0 || duplicate(&o->guests, ':', "--guest", err) < 0 ||
	    duplicate(&o->kernels, 0, "--kernel", err) < 0)
		return -1;
	for (size_t i = 0; i < o->guests.n; i++) {
		const char *g = o->guests.v[i], *colon = strchr(g, ':');
		char *name = colon ? xstrndup(g, (size_t)(colon - g)) : NULL;
		bool ok = name && valid_object_name(name) && colon[1];

		free(name);
		if (!ok) {
			*err = xasprintf("--guest '%s' is not NAME:FORMAT[,FORMAT...]", g);
			return -1;
		}
	}
	for (size_t i = 0; i < o->kernels.n; i++)
		if (!valid_object_name(o->kernels.v[i])) {
			*err = xasprintf("--kernel '%s' is not a kernel name", o->kernels.v[i]);
			return -1;
		}
	if (o->own_kernel && !valid_object_name(o->own_kernel)) {
		*err = xasprintf("--own-kernel '%s' is not a kernel name", o->own_kernel);
		return -1;
	}
	if ((o->kernels.n || o->own_kernel) && !o->kernel_image) {
		*err = xstrdup("--kernel needs --kernel-image (the board's image name, e.g. bzImage)");
		return -1;
	}
	return 0;
}

void sbom_opts_free(struct sbom_opts *o)
{
	namelist_free(&o->formats);
	namelist_free(&o->kernels);
	namelist_free(&o->products);
	namelist_free(&o->guests);
	namelist_free(&o->prebuilt);
	namelist_free(&o->decls);
	namelist_free(&o->roots);
}

int sbom_parse_args(int argc, char **argv, struct sbom_opts *o, struct sbom_extra *extra, size_t nextra,
		    char **err)
{
	size_t n = ARRAY_SIZE(sbom_options);
	struct option *opts = xcalloc(n + nextra + 2, sizeof(*opts));
	int c, rc = 0;

	memcpy(opts, sbom_options, n * sizeof(*opts));
	for (size_t i = 0; i < nextra; i++) {
		opts[n + i] = (struct option){ extra[i].name, required_argument, NULL, (int)i + 1 };
		extra[i].value = NULL;
	}
	opts[n + nextra] = (struct option){ "help", no_argument, NULL, 'h' };
	optind = 1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			rc = 1;
		else if (c >= 1 && (size_t)c <= nextra)
			extra[c - 1].value = optarg;
		else if (sbom_option(o, c, optarg) < 0) {
			*err = xasprintf("unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
			rc = -1;
		}
	}
	if (rc == 0 && optind != argc) {
		*err = xasprintf("unexpected argument '%s' (options only; see --help)", argv[optind]);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < nextra; i++)
		if (extra[i].required && !extra[i].value) {
			*err = xasprintf("--%s is required (see --help)", extra[i].name);
			rc = -1;
		}
	if (rc == 0)
		rc = sbom_opts_check(o, err);
	for (size_t i = 0; rc == 0 && i < nextra; i++)
		if (extra[i].value)
			rc = output_check(extra[i].value, true, err);
	free(opts);
	return rc;
}
