/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle patch-tree: a kernel whose description carries patches gets its
 * own tree: a hard-linked copy of the pristine one (seconds, almost no disk),
 * then the patches in queue order. GNU patch writes each changed file anew
 * and renames it into place, so the pristine tree's files are never touched
 * through the shared links. The tree is built under a temporary name and
 * renamed when every patch applied.
 */
#include "commands.h"
#include "shared/options.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cmd_patch_tree(int argc, char **argv)
{
	static const char synopsis[] = "usage: vmbundle patch-tree --from=TREE --to=DIR PATCH...\n";
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	char *tmp, *err = NULL, *stamp;
	int c, rc = 1;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'h': return cmd_usage(synopsis, 1);
		default: goto usage;
		}
	}
	if (!from || !to || optind >= argc)
		goto usage;

	printf("  PATCH   %s (%d patch%s)\n", strrchr(to, '/') ? strrchr(to, '/') + 1 : to, argc - optind,
	       argc - optind == 1 ? "" : "es");
	fflush(stdout);
	tmp = xasprintf("%s.tmp", to);
	stamp = xasprintf("%s/.patched", to);
	{
		const char *cp[] = { "cp", "-al", from, tmp, NULL };
		int e = remove_tree(tmp);

		if (e == 0)
			e = remove_tree(to);
		if (e < 0) {
			vmb_error("cannot remove an old %s: %s", to, strerror(-e));
			goto out;
		}
		if (run(cp, NULL, &err) < 0) {
			vmb_error("%s", err);
			goto out;
		}
	}
	for (int i = optind; i < argc; i++) {
		const char *patch[] = { tool_path("patch"), "-d", tmp, "-p1", "--forward", "--batch",
					"--no-backup-if-mismatch", "-s", "-i", argv[i], NULL };

		if (run(patch, NULL, &err) < 0) {
			vmb_error("%s does not apply to %s (%s); fix the patch or remove it from the description",
				  argv[i], from, err);
			goto out;
		}
	}
	if (rename(tmp, to) < 0) {
		vmb_error("cannot rename %s to %s: %s", tmp, to, strerror(errno));
		goto out;
	}
	int fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vmb_error("cannot create %s: %s", stamp, strerror(errno));
		goto out;
	}
	close(fd);
	rc = 0;
out:
	if (rc && remove_tree(tmp) < 0)
		vmb_warn("could not remove %s", tmp);
	free(err);
	free(tmp);
	free(stamp);
	return rc;
usage:
	return cmd_usage(synopsis, 0);
}
