/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle sbom: the SPDX 2.3 document and the package manifest of one
 * image (src/sbom/sbom.h says how its content and origins are found).
 */
#include "commands.h"
#include "sbom/sbom.h"
#include "shared/outfile.h"
#include "shared/util.h"

#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: vmbundle sbom --name=NAME --board=BOARD --deploy=DIR --format=FMT... [OPTION...]\n"
		   "                     --spdx=FILE [--manifest=FILE]\n"
		   "Read image DIR/NAME-BOARD.rootfs.FMT back, find where each of its files came\n"
		   "from, and write its SPDX 2.3 JSON document (and Yocto-style package manifest).\n"
		   "  --spdx=FILE           the SPDX document\n"
		   "  --manifest=FILE       the package list: NAME ARCH VERSION per line\n"
		   "%s", sbom_options_help);
}

int sbom_command_start(int argc, char **argv, struct sbom_opts *o, struct sbom_extra *extra,
		       size_t nextra, void (*print_usage)(FILE *), struct sbom *s)
{
	char *err = NULL;
	int rc = sbom_parse_args(argc, argv, o, extra, nextra, &err);

	if (rc > 0) {
		print_usage(stdout);
		return 0;
	}
	if (rc < 0) {
		vmb_report(err);
		free(err);
		return 2;
	}
	if (sbom_build(s, o, &err) < 0) {
		vmb_report(err);
		free(err);
		return 1;
	}
	return -1;
}

int cmd_sbom(int argc, char **argv)
{
	struct sbom_extra extra[] = { { "spdx", true, NULL }, { "manifest", false, NULL } };
	struct sbom_opts o = { .version = PACKAGE_VERSION };
	struct sbom s;
	char *err = NULL;
	int rc = sbom_command_start(argc, argv, &o, extra, ARRAY_SIZE(extra), usage, &s);

	if (rc >= 0) {
		sbom_opts_free(&o);
		return rc;
	}
	char *doc = spdx_document(&s), *list = extra[1].value ? manifest_text(&s) : NULL;

	rc = 0;
	if (outfile_write(extra[0].value, doc, strlen(doc), &err) < 0 ||
	    (list && outfile_write(extra[1].value, list, strlen(list), &err) < 0)) {
		vmb_error("%s", err);
		rc = 1;
	}
	free(doc);
	free(list);
	free(err);
	sbom_free(&s);
	sbom_opts_free(&o);
	return rc;
}
