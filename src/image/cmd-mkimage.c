/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle mkimage: turn a staged root filesystem tree into one image. */
#include "commands.h"
#include "image/image.h"
#include "image/permtab.h"
#include "image/tree.h"
#include "shared/options.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle mkimage --tree DIR --format FORMAT --output FILE [OPTION...]\n"
	      "Write an image of the staged root filesystem DIR, without root privileges.\n"
	      "  --tree DIR           the staged root filesystem\n"
	      "  --permissions FILE   permissions table (makedevs format); may be repeated,\n"
	      "                       later lines win\n"
	      "  --format FORMAT      one of the formats below\n"
	      "  --output FILE        the image; replaced only when the new one is complete\n"
	      "  --size SIZE          ext size (e.g. 512M); default: content + 30% + extra space\n"
	      "  --extra-space SIZE   free space added to the automatic ext size\n"
	      "  --label LABEL        ext volume label (16 bytes at most)\n"
	      "  --name NAME          seeds the ext UUID and hash seed, names the uImage\n"
	      "                       (default: the output's file name)\n"
	      "  --epoch SECONDS      every timestamp (default: $SOURCE_DATE_EPOCH)\n"
	      "  --arch ARCH          uImage architecture for mkimage -A (default: x86_64)\n"
	      "SIZE is bytes, or a number with K, M, G or T (binary units).\n\n"
	      "formats (and the options each uses; the others are refused with it):\n",
	      f);
	for (size_t i = 0; i < image_nhandlers; i++) {
		unsigned caps = image_handlers[i]->caps;

		fprintf(f, "  %-10s %s\n", image_handlers[i]->type, image_handlers[i]->summary);
		if (caps & (IMAGE_CAP_EXT | IMAGE_CAP_NAMED | IMAGE_CAP_ARCH))
			fprintf(f, "  %-10s uses%s%s%s\n", "",
				caps & IMAGE_CAP_EXT ? " --size --extra-space --label" : "",
				caps & IMAGE_CAP_NAMED ? " --name" : "",
				caps & IMAGE_CAP_ARCH ? " --arch" : "");
	}
}

/* Options that format @h has no use for (the handler's capabilities say
 * which): a usage error naming the formats that do use them, never
 * silently ignored. Returns true after printing. */
static bool unused_by_format(const struct image_handler *h, const struct given_option *opts,
			     size_t n, unsigned cap, const char *why)
{
	char *users, *mode;
	bool refused;

	if (h->caps & cap)
		return false;
	users = image_formats_with(cap);
	mode = xasprintf("--format %s (%s; used by %s)", h->type, why, users);
	refused = options_unused(mode, opts, n);
	free(mode);
	free(users);
	return refused;
}

/* Whether an option given is one format @h has no use for (then said). */
static bool format_ignores(const struct image_handler *h, bool size_given, bool extra_given,
			   const struct image_opts *o, bool name_given)
{
	const struct given_option ext_opts[] = {
		{ "size", size_given }, { "extra-space", extra_given }, { "label", o->label != NULL },
	};
	const struct given_option name_opt[] = { { "name", name_given } };
	const struct given_option arch_opt[] = { { "arch", o->arch != NULL } };

	return unused_by_format(h, ext_opts, ARRAY_SIZE(ext_opts), IMAGE_CAP_EXT,
				"it holds no ext filesystem") ||
	       unused_by_format(h, name_opt, 1, IMAGE_CAP_NAMED, "it has no UUID or name to seed") ||
	       unused_by_format(h, arch_opt, 1, IMAGE_CAP_ARCH, "it has no architecture field");
}

/* Read the tree and the tables; on error print and return -1. */
static int load(const char *dir, char **tables, size_t ntables, struct tree *t)
{
	struct permtab p = { 0 };
	char *err = NULL;
	int r = tree_load(dir, t, &err);

	for (size_t i = 0; i < ntables && r == 0; i++)
		r = permtab_parse_file(tables[i], &p, &err);
	if (r == 0)
		r = tree_apply_permtab(t, &p, &err);
	permtab_free(&p);
	if (r < 0) {
		vmb_error("%s", err);
		free(err);
		return -1;
	}
	tree_finish(t);
	return 0;
}

int cmd_mkimage(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tree", required_argument, NULL, 't' },
		{ "permissions", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "extra-space", required_argument, NULL, 'x' },
		{ "label", required_argument, NULL, 'L' },
		{ "name", required_argument, NULL, 'n' },
		{ "epoch", required_argument, NULL, 'e' },
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct image_opts o = { 0 };
	const char *dir = NULL, *format = NULL, *epoch = NULL;
	const struct image_handler *h;
	char **tables = NULL, *err = NULL;
	size_t ntables = 0;
	bool size_given = false, extra_given = false, name_given = false;
	struct tree t;
	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "p");
	int c, rc = 2;

	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 't': dir = optarg; break;
		case 'p':
			*VEC_APPEND(tables, ntables) = optarg;
			break;
		case 'f': format = optarg; break;
		case 'o': o.output = optarg; break;
		case 's':
			if (image_size_arg("--size", optarg, &o.size, &err) < 0)
				goto refuse;
			size_given = true;
			break;
		case 'x':
			if (image_size_arg("--extra-space", optarg, &o.extra, &err) < 0)
				goto refuse;
			extra_given = true;
			break;
		case 'L': o.label = optarg; break;
		case 'n':
			o.name = optarg;
			name_given = true;
			break;
		case 'e': epoch = optarg; break;
		case 'a': o.arch = optarg; break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc) {
		vmb_error("unexpected argument '%s' (options only; see --help)", argv[optind]);
		goto out;
	}
	if (!dir || !format || !o.output) {
		vmb_error("--tree, --format and --output are required (see --help)");
		goto out;
	}
	h = image_handler_find(format);
	if (!h) {
		const char *names[32];
		const char *near;
		char *list = image_format_list();

		for (size_t i = 0; i < image_nhandlers && i < ARRAY_SIZE(names); i++)
			names[i] = image_handlers[i]->type;
		near = closest_word(format, names, image_nhandlers);
		if (near)
			vmb_error("unknown format '%s' (did you mean '%s'?); valid: %s", format,
				  near, list);
		else
			vmb_error("unknown format '%s'; valid: %s", format, list);
		free(list);
		goto out;
	}
	if (format_ignores(h, size_given, extra_given, &o, name_given))
		goto out;
	if (size_given && o.size == 0) {
		vmb_error("--size 0 is not a size; leave --size out for the automatic size");
		goto out;
	}
	if (image_epoch_arg(epoch, &o.epoch, &err) < 0)
		goto refuse;

	rc = 1;
	if (load(dir, tables, ntables, &t) == 0) {
		if (image_build(h, &t, &o, &err) == 0) {
			rc = 0;
		} else {
			vmb_error("%s: %s", o.output, err);
			free(err);
		}
	}
	tree_free(&t);
	goto out;
refuse:
	vmb_report(err);
	free(err);
out:
	free(tables);
	return rc;
}
