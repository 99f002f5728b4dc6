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

static const struct vmb_command commands[] = {
	{ "probe", cmd_probe, "identify a kernel or root filesystem image by its content" },
	{ "conf", cmd_conf, "check a board/rootfs/template/guest declaration and print it" },
	{ "suggest", cmd_suggest, "print the known name a mistyped one most likely means" },
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
		if (streq(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	vmb_error("unknown command '%s' (try 'vmbundle --help')", argv[1]);
	return 2;
}
