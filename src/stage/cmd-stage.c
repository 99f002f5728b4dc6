/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle stage: write a carrier's images with its guests inside. */
#include "commands.h"
#include "decl/guest-defaults.h"
#include "image/image.h"
#include "stage/stage.h"
#include "shared/options.h"
#include "shared/input.h"
#include "shared/fsutil.h"
#include "shared/output.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle stage --tree DIR --deploy DIR --board BOARD --work DIR [OPTION...]\n"
	      "Write the images of a carrier (the host, or a guest that carries others) with\n"
	      "its guests' kernels, images and launch configuration inside, without root.\n"
	      "  --carrier NAME        host (default) or a guest name; outputs\n"
	      "                        DEPLOY/NAME-BOARD.rootfs.FMT\n"
	      "  --tree DIR            the carrier's assembled root filesystem\n"
	      "  --permissions FILE    its permissions table (makedevs format); repeatable\n"
	      "  --deploy DIR          kernels IMAGE-NAME, config-NAME and guest images\n"
	      "  --kernel-image IMAGE  the board's kernel image name: bzImage (default), Image\n"
	      "  --arch ARCH           the board's arch: x86_64 (default), arm64 (Xen: no PV guests, no tsc_mode);\n"
	      "                        a guest kernel for another (by its content) is refused\n"
	      "  --board BOARD         the board name in image file names\n"
	      "  --format FMT          a carrier image format; repeatable (default ext4)\n"
	      "  --guest NAME          a carried guest (guests/NAME.conf); repeatable\n"
	      "  --guests-dir DIR      where guests/NAME.conf are looked for; repeatable,\n"
	      "                        first match wins\n"
	      "  --external NAME:KERNEL:IMAGE  a prebuilt guest; repeatable\n"
	      "  --bundled 'IMG:KERNEL ...'    prebuilt guests, paths relative to --deploy;\n"
	      "                        each named after its image (up to the first '.')\n"
	      "  --xen-configs DIR     user-written xen-guest-bundle*.cfg files (Xen only)\n"
	      "  --hypervisor kvm|xen  layout and configs to write (default kvm)\n"
	      "  --work DIR            scratch directory for generated files\n"
	      "  --manifest FILE       also write the manifest here\n"
	      "  --packages FILE       the sysroot's resolved packages (sysroot/packages), for\n"
	      "                        the manifest's \"packages\"\n"
	      "  --source-root DIR     show build machine paths under DIR relative to it in\n"
	      "                        the manifest (make: the build and source trees);\n"
	      "                        repeatable\n"
	      "  --depfile FILE        write make dependencies (declarations read) here,\n"
	      "  --dep-target T        for target T\n"
	      "  --size SIZE           exact ext size; too small is an error\n"
	      "  --extra-space SIZE    free space on top of the computed size\n"
	      "  --epoch SECONDS       every timestamp (default: $SOURCE_DATE_EPOCH)\n"
	      "  --console DEV         guests' serial console (default ttyS0)\n"
	      "  --machine TYPE        qemu machine in launch configs (default q35)\n"
	      "  --check               resolve and check everything, write nothing\n",
	      f);
}

/* "a.ext4:bzImage" -> external guest "a". */
static int add_bundled(struct guest_set *set, struct namelist *carried, const char *deploy,
		       const char *list, char **err)
{
	struct namelist words = { 0 };
	int r = 0;

	namelist_split(&words, list);
	for (size_t i = 0; i < words.n && r == 0; i++) {
		char *colon = strchr(words.v[i], ':'), *img, *ker, *name, *slash;

		if (!colon || colon == words.v[i] || !colon[1] || strchr(colon + 1, ':')) {
			*err = xasprintf("--bundled: '%s' is not ROOTFS:KERNEL (e.g. "
					 "a.rootfs.ext4:bzImage)", words.v[i]);
			r = -1;
			break;
		}
		*colon = '\0';
		img = words.v[i][0] == '/' ? xstrdup(words.v[i]) :
		      xasprintf("%s/%s", deploy, words.v[i]);
		ker = colon[1] == '/' ? xstrdup(colon + 1) : xasprintf("%s/%s", deploy, colon + 1);
		slash = strrchr(img, '/');
		name = xstrndup(slash + 1, strcspn(slash + 1, "."));
		if (!guest_add_external(set, name, ker, img, err))
			r = -1;
		else
			namelist_push(carried, name);
		free(img);
		free(ker);
		free(name);
	}
	namelist_free(&words);
	return r;
}

static int add_external(struct guest_set *set, struct namelist *carried, const char *spec,
			char **err)
{
	char *copy = xstrdup(spec), *k = strchr(copy, ':'), *i = k ? strchr(k + 1, ':') : NULL;
	int r = 0;

	if (!k || !i) {
		*err = xasprintf("--external: '%s' is not NAME:KERNEL:IMAGE", spec);
		r = -1;
	} else {
		*k++ = '\0';
		*i++ = '\0';
		if (!guest_add_external(set, copy, k, i, err))
			r = -1;
		else
			namelist_push(carried, copy);
	}
	free(copy);
	return r;
}

/* xen-guest-bundle*.cfg in @dir, sorted. */
static int add_xl_dir(struct stage_opts *o, const char *dir, char **err)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0) {
		*err = xasprintf("--xen-configs: cannot read directory '%s': %s", dir,
				 strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (startswith(ents[i]->d_name, "xen-guest-bundle") &&
		    endswith(ents[i]->d_name, ".cfg")) {
			char *p = xasprintf("%s/%s", dir, ents[i]->d_name);

			namelist_push(&o->xl_files, p);
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	namelist_push(&o->xl_dirs, dir);
	return 0;
}

static void write_depfile(const struct stage_opts *o, const struct guest_set *set,
			  const char *target)
{
	char *text = xasprintf("%s:", target), *err = NULL;

	for (size_t i = 0; i < set->n; i++)
		for (size_t j = 0; j < set->v[i]->nchain; j++)
			strappendf(&text, " %s", set->v[i]->chain[j]);
	for (size_t i = 0; i < o->xl_files.n; i++)
		strappendf(&text, " %s", o->xl_files.v[i]);
	strappendf(&text, "\n");
	if (output_write_buffer(o->depfile, text, strlen(text), &err) < 0)
		vmb_warn("%s", err);
	free(err);
	free(text);
}

int cmd_stage(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "carrier", required_argument, NULL, 'C' },
		{ "tree", required_argument, NULL, 't' },
		{ "permissions", required_argument, NULL, 'p' },
		{ "deploy", required_argument, NULL, 'd' },
		{ "board", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "guest", required_argument, NULL, 'g' },
		{ "guests-dir", required_argument, NULL, 'G' },
		{ "external", required_argument, NULL, 'E' },
		{ "bundled", required_argument, NULL, 'B' },
		{ "xen-configs", required_argument, NULL, 'X' },
		{ "hypervisor", required_argument, NULL, 'H' },
		{ "work", required_argument, NULL, 'w' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "packages", required_argument, NULL, 'P' },
		{ "source-root", required_argument, NULL, 'R' },
		{ "depfile", required_argument, NULL, 'D' },
		{ "dep-target", required_argument, NULL, 'T' },
		{ "size", required_argument, NULL, 's' },
		{ "extra-space", required_argument, NULL, 'x' },
		{ "epoch", required_argument, NULL, 'e' },
		{ "console", required_argument, NULL, 'c' },
		{ "machine", required_argument, NULL, 'M' },
		{ "kernel-image", required_argument, NULL, 'K' },
		{ "arch", required_argument, NULL, 'A' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stage_opts o = { .carrier = "host", .console = "ttyS0", .machine = "q35",
				  .kernel_image = "bzImage", .arch = "x86_64" };
	struct namelist carried = { 0 }, dirs = { 0 }, perms = { 0 }, ext = { 0 }, bundled = { 0 },
		       xl = { 0 };
	struct guest_set set = { 0 };
	struct stage_plan plan = { 0 };
	struct hash_cache cache = { 0 };
	const char *epoch = NULL, *dep_target = NULL;
	bool check_only = false, planned = false;
	char *err = NULL;
	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "pfgGEBXR");
	int c, rc = 2;

	/* Lists may repeat; every other option is given once. */
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'C': o.carrier = optarg; break;
		case 't': o.tree = optarg; break;
		case 'p': namelist_push(&perms, optarg); break;
		case 'd': o.deploy = optarg; break;
		case 'b': o.board = optarg; break;
		case 'f': namelist_push(&o.formats, optarg); break;
		case 'g': namelist_push(&carried, optarg); break;
		case 'G': namelist_push(&dirs, optarg); break;
		case 'E': namelist_push(&ext, optarg); break;
		case 'B': namelist_push(&bundled, optarg); break;
		case 'X': namelist_push(&xl, optarg); break;
		case 'H':
			if (!streq(optarg, "kvm") && !streq(optarg, "xen")) {
				vmb_error("--hypervisor '%s': valid are kvm and xen", optarg);
				goto out;
			}
			o.hv = streq(optarg, "xen") ? HV_XEN : HV_KVM;
			break;
		case 'w': o.work = optarg; break;
		case 'm': o.manifest = optarg; break;
		case 'P': {
			size_t len;
			char *why = NULL;

			if (input_read(optarg, 0, &o.packages, &len, &why) < 0) {
				vmb_error("--packages: %s", why);
				free(why);
				goto out;
			}
			break;
		}
		case 'R': {
			char real[PATH_MAX];

			if (!realpath(optarg, real)) {
				vmb_error("--source-root '%s': %s", optarg, strerror(errno));
				goto out;
			}
			namelist_push(&o.source_roots, real);
			break;
		}
		case 'D': o.depfile = optarg; break;
		case 'T': dep_target = optarg; break;
		case 's':
			if (image_size_arg("--size", optarg, &o.size, &err) < 0)
				goto fail;
			break;
		case 'x':
			if (image_size_arg("--extra-space", optarg, &o.extra, &err) < 0)
				goto fail;
			break;
		case 'e': epoch = optarg; break;
		case 'c': o.console = optarg; break;
		case 'M': o.machine = optarg; break;
		case 'K':
			if (!*optarg || strchr(optarg, '/')) {
				vmb_error("--kernel-image '%s': a file name prefix such as bzImage or Image, not a path",
					  optarg);
				goto out;
			}
			o.kernel_image = optarg;
			break;
		case 'A':
			if (!streq(optarg, "x86_64") && !streq(optarg, "arm64")) {
				vmb_error("--arch '%s': valid are x86_64 and arm64 (a board's arch)",
					  optarg);
				goto out;
			}
			o.arch = optarg;
			break;
		case 'k': check_only = true; break;
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
	if (!o.deploy || !o.board || (!check_only && (!o.tree || !o.work))) {
		vmb_error("--tree, --deploy, --board and --work are required (see --help)");
		goto out;
	}
	if (!streq(o.carrier, "host") && guest_name_problem(o.carrier)) {
		vmb_error("--carrier '%s': %s", o.carrier, guest_name_problem(o.carrier));
		goto out;
	}
	if (image_epoch_arg(epoch, &o.epoch, &err) < 0)
		goto fail;
	if (!o.formats.n)
		namelist_push(&o.formats, IMAGE_DEFAULT_FORMAT);
	for (size_t i = 0; i < o.formats.n; i++)
		if (!image_handler_find(o.formats.v[i])) {
			vmb_error("unknown image format '%s'", o.formats.v[i]);
			goto out;
		}
	if (check_only) {
		const struct given_option unused[] = { { "manifest", o.manifest },
						       { "depfile", o.depfile } };

		if (options_unused("--check (it writes nothing)", unused, ARRAY_SIZE(unused)))
			goto out;
	}
	if (o.manifest && output_check(o.manifest, true, &err) < 0) {
		vmb_error("--manifest: %s", err);
		free(err);
		goto out;
	}
	if (xl.n && o.hv != HV_XEN) {
		vmb_error("--xen-configs needs --hypervisor xen");
		goto out;
	}
	o.permtabs = (const char *const *)perms.v;
	o.npermtabs = perms.n;
	set.dirs = (const char *const *)dirs.v;
	set.ndirs = dirs.n;

	if (o.work) {
		char *path = xasprintf("%s/sha256-cache", o.work);

		hash_cache_open(&cache, path);
		o.cache = &cache;
		free(path);
	}
	rc = 1;
	for (size_t i = 0; i < ext.n; i++)
		if (add_external(&set, &carried, ext.v[i], &err) < 0)
			goto fail;
	for (size_t i = 0; i < bundled.n; i++)
		if (add_bundled(&set, &carried, o.deploy, bundled.v[i], &err) < 0)
			goto fail;
	for (size_t i = 0; i < xl.n; i++)
		if (add_xl_dir(&o, xl.v[i], &err) < 0)
			goto fail;
	planned = true;
	if (stage_plan(&plan, &o, &set, &carried, &err) < 0) {
		err_while(&err, "planning what %s carries", o.carrier);
		goto fail;
	}
	if (!check_only && stage_write(&plan, &err) < 0) {
		err_while(&err, "writing %s's image%s with its guests inside", o.carrier,
			  o.formats.n > 1 ? "s" : "");
		goto fail;
	}
	if (o.depfile && dep_target)
		write_depfile(&o, &set, dep_target);
	rc = 0;
	goto out;
fail:
	vmb_report(err);
	free(err);
out:
	if (planned)
		stage_plan_free(&plan);
	if (o.cache)
		hash_cache_close(&cache, rc == 0);
	guest_set_free(&set);
	namelist_free(&carried);
	namelist_free(&dirs);
	namelist_free(&perms);
	namelist_free(&ext);
	namelist_free(&bundled);
	namelist_free(&xl);
	namelist_free(&o.formats);
	namelist_free(&o.xl_files);
	namelist_free(&o.xl_dirs);
	namelist_free(&o.source_roots);
	free(o.packages);
	return rc;
}
