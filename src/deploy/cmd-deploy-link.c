/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle deploy-link: give a file just written to the deploy directory
 * its versioned name and make its stable name a link to it (deploy.h), for
 * the make rules whose producers write the stable name themselves (the
 * stager) or write the versioned one (mkimage).
 */
#include "commands.h"
#include "deploy/deploy.h"
#include "shared/options.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle deploy-link --dir=DEPLOY STABLE VERSIONED [STABLE VERSIONED]...\n"
	      "Make each DEPLOY/STABLE a symlink to DEPLOY/VERSIONED; a regular file at STABLE\n"
	      "(just written) becomes VERSIONED first. VERSIONED may contain @DATETIME@, replaced\n"
	      "by SOURCE_DATE_EPOCH as YYYYMMDDHHMMSS (UTC).\n",
	      f);
}

/* @name with @DATETIME@ replaced. */
static char *expand(const char *name, const char *datetime)
{
	const char *at = strstr(name, "@DATETIME@");

	if (!at)
		return xstrdup(name);
	return xasprintf("%.*s%s%s", (int)(at - name), name, datetime, at + strlen("@DATETIME@"));
}

int cmd_deploy_link(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	char datetime[DEPLOY_DATETIME_LEN + 1], *err = NULL;
	int c, rc = 0;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dir || optind == argc || (argc - optind) % 2) {
		usage(stderr);
		return 2;
	}
	if (deploy_datetime(datetime, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return 1;
	}
	for (int i = optind; i < argc && rc == 0; i += 2) {
		char *versioned = expand(argv[i + 1], datetime);

		if (deploy_link(dir, argv[i], versioned, &err) < 0) {
			vmb_error("%s", err);
			free(err);
			rc = 1;
		}
		free(versioned);
	}
	return rc;
}
