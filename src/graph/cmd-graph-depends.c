/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle graph-depends: what depends on what, as graphviz dot (depends.c). */
#include "commands.h"
#include "graph/graph.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/output.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle graph-depends --image=NAME:ROOTFS:KERNEL... [OPTION...] --dot=FILE\n"
	      "Write the images, the guests they carry, their kernels, rootfs types, templates,\n"
	      "description files and layers as a graphviz graph (render it with dot -Tsvg).\n"
	      "  --image=NAME:ROOTFS:KERNEL  an image, its rootfs type and kernel (a kernel name,\n"
	      "                              or the path of a prebuilt kernel)\n"
	      "  --carries=CARRIER:GUEST     CARRIER's image holds GUEST's\n"
	      "  --template=NAME:TEMPLATE    a feature template of image NAME\n"
	      "  --decl=NAME:FILE            a declaration image NAME is read from\n"
	      "  --layer=NAME:DIR            files under DIR belong to layer NAME (first wins)\n"
	      "  --kernel-dir=DIR            the kernel plans (DIR/KERNEL/key.mk lists its files)\n"
	      "  --dot=FILE                  where to write the graph\n",
	      f);
}

int cmd_graph_depends(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' }, { "carries", required_argument, NULL, 'c' },
		{ "template", required_argument, NULL, 't' }, { "decl", required_argument, NULL, 'd' },
		{ "layer", required_argument, NULL, 'l' }, { "kernel-dir", required_argument, NULL, 'k' },
		{ "dot", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct depends_opts o = { 0 };
	const char *out = NULL;
	char *dot = NULL, *err = NULL;
	int c, rc = 2;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "ictdl");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'i': namelist_push(&o.images, optarg); break;
		case 'c': namelist_push(&o.carries, optarg); break;
		case 't': namelist_push(&o.templates, optarg); break;
		case 'd': namelist_push(&o.decls, optarg); break;
		case 'l': namelist_push(&o.layers, optarg); break;
		case 'k': o.kernel_dir = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); rc = 0; goto done;
		default: usage(stderr); goto done;
		}
	}
	if (!out || !o.images.n || optind != argc) {
		usage(stderr);
		goto done;
	}
	rc = 1;
	if (output_check(out, true, &err) < 0 || depends_dot(&o, &dot, &err) < 0 ||
	    outfile_write(out, dot, strlen(dot), &err) < 0)
		vmb_error("%s", err);
	else
		rc = 0;
done:
	free(dot);
	free(err);
	namelist_free(&o.images);
	namelist_free(&o.carries);
	namelist_free(&o.templates);
	namelist_free(&o.decls);
	namelist_free(&o.layers);
	return rc;
}
