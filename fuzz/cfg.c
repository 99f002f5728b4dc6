/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel configuration fragments (src/scc/cfg.c), parsed from memory and
 * merged with themselves as a description taking a fragment twice would
 * (src/scc/merge.c); and the same bytes as the config.queue file the
 * resolver writes and the build reads back (src/scc/queue.c).
 */
#include "fuzz.h"
#include "scc/cfg.h"
#include "scc/merge.h"
#include "scc/queue.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_file f;
	struct queue q;
	char *err = NULL;

	if (cfg_parse_buffer("fuzz.cfg", (const char *)data, size, &f, &err) == 0) {
		const struct cfg_file *twice[] = { &f, &f };
		struct merge_result m;

		merge_fragments(twice, 2, &m);
		free(merge_text(&m));
		merge_result_free(&m);
		cfg_file_free(&f);
	}
	free(err);
	err = NULL;
	if (queue_parse("config.queue", (const char *)data, size, &q, &err) == 0)
		queue_free(&q);
	free(err);
	return 0;
}
