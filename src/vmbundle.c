/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle: one multi-call tool; each job is a subcommand in its own file.
 * configure builds a bootstrap copy with the subcommands it needs
 * (VMB_BOOTSTRAP) before the real build exists.
 */
#include "commands.h"
#include "shared/util.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_usage(const char *usage, int help)
{
	fputs(usage, help ? stdout : stderr);
	return help ? 0 : 2;
}

static const struct vmb_subcommand commands[] = {
	/* What configure's bootstrap copy needs (see vmb_bootstrap_sources). */
	{ "probe", cmd_probe, "identify a kernel or root filesystem image by its content" },
	{ "conf", cmd_conf, "check a board/rootfs/template/guest declaration and print it" },
	{ "suggest", cmd_suggest, "print the known name a mistyped one most likely means" },
	{ "guests", cmd_guests, "check guests, what they extend and carry; print the selection" },
	{ "kernel-find", cmd_kernel_find, "find the kernel descriptions configure's options name" },
#ifndef VMB_BOOTSTRAP
	/* The full build only: add new commands below this line. */
	{ "step", cmd_step, "run one build step quietly, logging its output (kbuild style)" },
	{ "kernel-plan", cmd_kernel_plan, "resolve a kernel's description and plan its build (for make)" },
	{ "kconfig", cmd_kconfig, "make a kernel's .config with kbuild from a base and a fragment" },
	{ "patch-tree", cmd_patch_tree, "make a patched, hard-linked copy of the kernel source" },
	{ "kernel-store", cmd_kernel_store, "store a finished kernel's results under its content key" },
	{ "kernel-deploy", cmd_kernel_deploy, "copy a stored kernel to the deploy directory" },
	{ "kernel-fetch", cmd_kernel_fetch, "fetch a finished kernel from a kernel-store mirror, verified" },
	{ "kernel-publish", cmd_kernel_publish, "publish finished kernels into a kernel-store mirror" },
	{ "diffconfig", cmd_diffconfig, "turn menuconfig changes into a fragment (or NAME.cfg)" },
	{ "mkimage", cmd_mkimage, "write an ext2/3/4, cpio, tar.bz2, qcow2 or uImage image of a tree" },
	{ "sysroot", cmd_sysroot, "resolve, fetch and unpack the target's Debian packages into a sysroot" },
	{ "rootfs", cmd_rootfs, "assemble a root filesystem tree and its permissions table from declarations" },
	{ "scc", cmd_scc, "resolve kernel descriptions (.scc) into a fragment queue and merge it" },
	{ "audit", cmd_audit, "explain which requested kernel options did not make it into .config" },
	{ "stage", cmd_stage, "write a host (or carrier guest) image with its guests inside" },
	{ "kvm-probe", cmd_kvm_probe, "say whether QEMU can use KVM here, by running it (else TCG)" },
	{ "sbom", cmd_sbom, "write an image's SPDX 2.3 document and package manifest" },
	{ "graph-build", cmd_graph_build, "draw a build's timeline (SVG) and print its critical path" },
	{ "graph-size", cmd_graph_size, "draw where an image's bytes go (SVG, CSV) and its headroom" },
	{ "graph-depends", cmd_graph_depends, "write what depends on what as a graphviz graph" },
	{ "deploy-link", cmd_deploy_link, "give a deployed file its versioned name and a stable link" },
#endif
};

static void usage(FILE *f)
{
	fputs("usage: vmbundle COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'vmbundle COMMAND --help' describes a command.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (streq(argv[1], "--version")) {
		printf("vmbundle %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(argv[1], commands[i].name)) {
			/* Every message from here on names the command (report.h). */
			vmb_command = commands[i].name;
			return commands[i].run(argc - 1, argv + 1);
		}
	vmb_error("unknown command '%s' (try 'vmbundle --help')", argv[1]);
	return 2;
}
