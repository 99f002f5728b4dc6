/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle kernel-fetch and kernel-publish: a kernel store's entries from
 * and into mirrors (kstore.h). make runs kernel-fetch's logic while it plans
 * a kernel (kernel-plan --mirror); `make kernel-store-publish DIR=...` runs
 * kernel-publish for the tree's own kernels.
 */
#include "commands.h"
#include "kernel/kstore.h"
#include "shared/options.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void fetch_usage(FILE *f)
{
	fputs("usage: vmbundle kernel-fetch --store=DIR --key=KEY --mirror=URL [--mirror=URL]...\n"
	      "Fetch kernel KEY into DIR/KEY from the first mirror that has a good entry\n"
	      "(every file checked against the entry's MANIFEST). A mirror is a directory\n"
	      "(/DIR or file:///DIR) or an HTTP server (http://HOST/PATH). Exit status 0:\n"
	      "fetched (or already in DIR); 1: no mirror has it; 2: a usage or local error.\n",
	      f);
}

int cmd_kernel_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' }, { "key", required_argument, NULL, 'k' },
		{ "mirror", required_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *store = NULL, *key = NULL, *from = NULL;
	char **mirrors = xcalloc((size_t)argc, sizeof(*mirrors)), *why = NULL, *err = NULL;
	size_t n = 0;
	int c, rc = 2;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "m");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 's': store = optarg; break;
		case 'k': key = optarg; break;
		case 'm':
			if (!kstore_mirror_valid(optarg, &why)) {
				vmb_error("--mirror: %s", why);
				goto out;
			}
			mirrors[n++] = optarg;
			break;
		case 'h': fetch_usage(stdout); rc = 0; goto out;
		default: fetch_usage(stderr); goto out;
		}
	}
	if (!store || !key || !n || optind != argc) {
		fetch_usage(stderr);
		goto out;
	}
	switch (kstore_fetch(store, key, mirrors, n, &from, &err)) {
	case 0:
		printf("kernel %s from %s\n", key, from);
		rc = 0;
		break;
	case 1:
		vmb_error("no mirror has a good entry for kernel %s", key);
		rc = 1;
		break;
	default:
		vmb_report(err);
		free(err);
		rc = 2;
	}
out:
	free(why);
	free(mirrors);
	return rc;
}

int cmd_kernel_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' }, { "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *store = NULL, *to = NULL;
	int c, rc = 0;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "m");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 's': store = optarg; break;
		case 't': to = optarg; break;
		case 'h':
			fputs("usage: vmbundle kernel-publish --store=DIR --to=MIRROR KEY...\n"
			      "Copy kernel-store entries DIR/KEY into the mirror directory MIRROR, each\n"
			      "through a temporary directory renamed into place (a concurrent publisher\n"
			      "of the same key leaves one complete entry).\n",
			      stdout);
			return 0;
		default: goto usage;
		}
	}
	if (!store || !to || optind >= argc)
		goto usage;
	for (int i = optind; i < argc; i++) {
		char *err = NULL;

		if (kstore_publish(store, argv[i], to, &err) < 0) {
			vmb_error("%s", err);
			free(err);
			rc = 1;
		} else {
			printf("  PUBLISH %s -> %s\n", argv[i], to);
		}
	}
	return rc;
usage:
	fputs("usage: vmbundle kernel-publish --store=DIR --to=MIRROR KEY... (see --help)\n", stderr);
	return 2;
}
