/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .scc engine (src/scc/scc.c) on a small tree of files: the input is
 * split at "--- NAME" lines into main.scc and the files it may include or
 * take (fuzz.h), all in one -I directory, with the -D variables a kernel
 * build passes.
 */
#include "fuzz.h"
#include "scc/scc.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *paths[16];
	size_t n = fuzz_write_files(data, size, "main.scc", paths, 16);
	const char *dirs[] = { fuzz_scratch_path() };
	const char *defines[] = { "KARCH=x86_64", "KMACHINE=qemux86-64", "KTYPE=standard" };
	struct scc_options o = { .dirs = dirs, .ndirs = 1, .defines = defines, .ndefines = 3,
				 .config_only = (size & 1) != 0, .explain = (size & 2) != 0 };
	struct scc_result r = { 0 };
	char *err = NULL;

	if (n > 0)
		scc_process(&o, (const char *const *)paths, 1, &r, &err);
	scc_result_free(&r);
	free(err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return 0;
}
