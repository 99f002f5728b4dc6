/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle graph-size: where an image's bytes go, as SVG and CSV, and its
 * headroom (src/graph/sizes.c). It reads the image the way vmbundle sbom
 * does and takes the same options.
 */
#include "commands.h"
#include "graph/graph.h"
#include "shared/outfile.h"
#include "shared/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: vmbundle graph-size --name=NAME --board=BOARD --deploy=DIR --format=FMT... [OPTION...]\n"
		   "                           --svg=FILE --csv=FILE\n"
		   "Draw where image DIR/NAME-BOARD.rootfs.FMT's bytes go: each staged guest's kernel,\n"
		   "images and disks, the toolstack, libraries, busybox, kernel modules, the rest,\n"
		   "filesystem metadata and free space (the headroom).\n"
		   "  --svg=FILE            the picture\n"
		   "  --csv=FILE            the numbers: category,bytes,files,percent\n"
		   "%s", sbom_options_help);
}

int cmd_graph_size(int argc, char **argv)
{
	struct sbom_extra extra[] = { { "svg", true, NULL }, { "csv", true, NULL } };
	struct sbom_opts o = { .version = PACKAGE_VERSION };
	struct size_table t;
	struct sbom s;
	char *err = NULL;
	int rc = sbom_command_start(argc, argv, &o, extra, ARRAY_SIZE(extra), usage, &s);

	if (rc >= 0) {
		sbom_opts_free(&o);
		return rc;
	}
	size_table_build(&s, &t);
	char *svg = size_svg(&t), *csv = size_csv(&t), *head = size_headroom(&t);

	rc = 0;
	if (outfile_write(extra[0].value, svg, strlen(svg), &err) < 0 ||
	    outfile_write(extra[1].value, csv, strlen(csv), &err) < 0) {
		vmb_error("%s", err);
		rc = 1;
	} else {
		printf("%s (%s):\n", t.image, s.img.format);
		for (size_t i = 0; i < t.n; i++) {
			char *h = human_bytes(t.v[i].bytes);

			printf("  %-32s %12s %6.1f %%\n", t.v[i].label, h,
			       t.total ? 100.0 * (double)t.v[i].bytes / (double)t.total : 0.0);
			free(h);
		}
		printf("%s\nsizes: %s and %s\n", head, extra[0].value, extra[1].value);
	}
	free(svg);
	free(csv);
	free(head);
	free(err);
	size_table_free(&t);
	sbom_free(&s);
	sbom_opts_free(&o);
	return rc;
}
