/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle probe: say what a kernel or image file is, by its content. */
#include "commands.h"
#include "fileprobe.h"
#include "shared/options.h"
#include "shared/input.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle probe [--expect=kernel|rootfs] [--arch=ARCH] [--shell] FILE...\n"
	      "Identify guest kernels and root filesystem images by content.\n"
	      "  --expect=CLASS  exit 1 unless every FILE is of CLASS\n"
	      "  --arch=ARCH     a board's architecture (x86_64, arm64, ...): exit 1 when a\n"
	      "                  kernel among the FILEs is for another\n"
	      "  --shell         print probe_class=, probe_format=, probe_description=, probe_version=,\n"
	      "                  probe_problem= (empty, or what is wrong with the file),\n"
	      "                  probe_arch= (a kernel's architecture) and with --arch\n"
	      "                  probe_fits= (yes or no: a kernel for ARCH) for eval\n"
	      "Exit status: 0, 1 when a FILE is damaged, not of --expect's CLASS or a kernel\n"
	      "for another architecture than --arch, 2 when a FILE cannot be read.\n",
	      f);
}

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "shell", no_argument, NULL, 's' },
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum probe_class expect = PROBE_UNKNOWN;
	const char *arch = NULL;
	bool shell = false;
	int c, rc = 0;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'e':
			if (streq(optarg, "kernel"))
				expect = PROBE_KERNEL;
			else if (streq(optarg, "rootfs"))
				expect = PROBE_ROOTFS;
			else {
				vmb_error("--expect takes 'kernel' or 'rootfs', not '%s'", optarg);
				return 2;
			}
			break;
		case 's':
			shell = true;
			break;
		case 'a':
			if (!*optarg) {
				vmb_error("--arch takes a board architecture (x86_64, arm64, ...)");
				return 2;
			}
			arch = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct probe_result r;
		int err = probe_file(argv[i], &r);

		if (err < 0) {
			char *why = input_problem(argv[i], -err);

			vmb_error("%s", why);
			free(why);
			rc = 2;
			continue;
		}
		if (shell) {
			printf("probe_class=%s probe_format=", probe_class_name(r.cls));
			fputs_shell_quoted(r.format, stdout);
			fputs(" probe_description=", stdout);
			fputs_shell_quoted(r.description, stdout);
			fputs(" probe_version=", stdout);
			fputs_shell_quoted(r.version, stdout);
			fputs(" probe_problem=", stdout);
			fputs_shell_quoted(r.problem, stdout);
			fputs(" probe_arch=", stdout);
			fputs_shell_quoted(r.arch, stdout);
			if (arch)
				printf(" probe_fits=%s", probe_kernel_fits_arch(&r, arch) ? "yes" : "no");
			putchar('\n');
		} else {
			printf("%s: %s %s: %s\n", argv[i], probe_class_name(r.cls), r.format, r.description);
		}
		/* A damaged file is what it claims to be, but unusable: with
		 * --shell configure reads probe_problem and says so itself. */
		if (r.problem[0] && !shell) {
			vmb_error("%s: %s, but %s", argv[i], r.description, r.problem);
			rc = rc ? rc : 1;
		}
		if (expect != PROBE_UNKNOWN && r.cls != expect && rc == 0)
			rc = 1;
		/* A kernel for another board (with --shell configure reads
		 * probe_fits and says so itself). */
		if (arch && !shell && r.cls == PROBE_KERNEL && !probe_kernel_fits_arch(&r, arch)) {
			vmb_error("%s: %s is not for %s boards; give %s", argv[i], r.description, arch,
				  probe_kernels_for_arch(arch));
			rc = rc ? rc : 1;
		}
	}
	return rc;
}
