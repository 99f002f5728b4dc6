/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle graph-build: one build's timeline as SVG, and its critical path
 * on standard output (src/graph/timeline.c says how both are found).
 */
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
	fputs("usage: vmbundle graph-build --stats=DIR [--build=BUILD] [--slots=N] --svg=FILE\n"
	      "Draw a build's steps as a timeline, one lane per job slot, and print its\n"
	      "critical path.\n"
	      "  --stats=DIR    the build statistics (DEPLOY/buildstats)\n"
	      "  --build=BUILD  which build (YYYYMMDDHHMMSS; default: the latest)\n"
	      "  --slots=N      draw at least N lanes (make's -j)\n"
	      "  --svg=FILE     where to write the picture\n",
	      f);
}

int cmd_graph_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", required_argument, NULL, 's' }, { "build", required_argument, NULL, 'b' },
		{ "slots", required_argument, NULL, 'j' }, { "svg", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *stats = NULL, *build = NULL, *svg_path = NULL;
	struct timeline_opts to = { 0 };
	struct step_records rs = { 0 };
	char *dir = NULL, *err = NULL, *svg = NULL, *path = NULL, *end;
	int c, rc = 1;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 's': stats = optarg; break;
		case 'b': build = optarg; break;
		case 'o': svg_path = optarg; break;
		case 'j':
			to.slots = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || to.slots > 255) {
				vmb_error("--slots '%s' is not a number from 0 to 255", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!stats || !svg_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (build && (!valid_object_name(build) || strlen(build) != 14 || strspn(build, "0123456789") != 14)) {
		vmb_error("--build '%s' is not a build name (YYYYMMDDHHMMSS, see %s)", build, stats);
		return 2;
	}
	if (output_check(svg_path, true, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return 1;
	}
	dir = build ? xasprintf("%s/%s", stats, build) : buildstats_latest(stats, &err);
	if (!dir || buildstats_load(dir, &rs, &err) < 0) {
		vmb_error("%s", err);
		goto out;
	}
	to.title = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	if (timeline_svg(&rs, &to, &svg, &path, &err) < 0 || outfile_write(svg_path, svg, strlen(svg), &err) < 0) {
		vmb_error("%s", err);
		goto out;
	}
	fputs(path, stdout);
	printf("timeline of build %s: %s\n", to.title, svg_path);
	rc = 0;
out:
	step_records_free(&rs);
	free(dir);
	free(err);
	free(svg);
	free(path);
	return rc;
}
