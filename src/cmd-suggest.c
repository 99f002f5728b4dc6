/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle suggest WORD CANDIDATE...: print the candidate WORD is most likely a
 * typo of (nothing, exit 1, when none is close). configure uses it so that its
 * errors can say "did you mean ...?" exactly like the C parsers do. */
#include "commands.h"
#include "shared/util.h"

#include <stdio.h>

int cmd_suggest(int argc, char **argv)
{
	const char *best;

	if (argc < 2 || streq(argv[1], "--help"))
		return cmd_usage("usage: vmbundle suggest WORD [CANDIDATE...]\n", argc == 2);
	best = closest_word(argv[1], (const char *const *)argv + 2, (size_t)(argc - 2));
	if (!best)
		return 1;
	puts(best);
	return 0;
}
