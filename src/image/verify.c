/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every image is checked the way its own format's tool checks it before it
 * is renamed into place: a writer bug or a short write on a full disk ends
 * as an error, never as an image that boots into fsck or a kernel panic.
 */
#include "image.h"
#include "probe/fileprobe.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <stdlib.h>
#include <unistd.h>

/* The checker's verdict: the last line it printed (a checker's summary
 * comes last), then how it ended ("'e2fsck' failed with exit status 4").
 * Malloc'd. */
static char *verdict(char *text, const char *how)
{
	size_t n = strlen(text);
	char *said;

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	said = strrchr(text, '\n');
	said = said ? said + 1 : text;
	return *said ? xasprintf("%s; %s", said, how) : xstrdup(how);
}

/* Run @argv with its output (standard error folded in: e2fsck writes its
 * banner there) in a log beside @path, read back for the message. */
static int run_checker(const char *const argv[], const char *what, const char *path, char **err)
{
	char *log = xasprintf("%s.check", path), *why = NULL, *text = NULL;
	struct run_opts ro = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_FILE, log, 0 },
			       .err = { RUN_STDOUT, NULL, 0 } };
	size_t len;
	int r = run(argv, &ro, &why);

	if (r < 0) {
		char *said = read_file(log, &text, &len) == 0 ? verdict(text, why) : xstrdup(why);

		*err = xasprintf("the written image fails %s (%s); the previous output was kept", what, said);
		free(said);
	}
	unlink(log);
	free(text);
	free(why);
	free(log);
	return r < 0 ? -1 : 0;
}

int image_verify(const struct image_handler *h, const char *path, char **err)
{
	struct probe_result pr;
	int e;

	if (h->check_tool) {
		const char *const argv[] = { tool_path(h->check_tool), h->check_arg, path, NULL };
		char *what = xasprintf("%s %s", h->check_tool, h->check_arg);
		int r = run_checker(argv, what, path, err);

		free(what);
		return r;
	}
	if (!(h->caps & IMAGE_CAP_CPIO))
		return 0; /* uImage: mkimage wrote and checksummed the cpio.gz we verified */
	/* cpio: every entry listed to the trailer (and the gzip stream to its
	 * checksum), in process, as 'cpio -t' would. */
	e = probe_file(path, &pr);
	if (e < 0) {
		char *why = input_problem(path, -e);

		*err = xasprintf("the written image cannot be checked: %s", why);
		free(why);
		return -1;
	}
	if (!streq(pr.format, h->type) || pr.problem[0]) {
		*err = xasprintf("the written %s archive is not whole (%s); the previous output was kept", h->type,
				 pr.problem[0] ? pr.problem : pr.description);
		return -1;
	}
	return 0;
}
