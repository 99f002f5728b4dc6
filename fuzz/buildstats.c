/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build-statistics records (src/buildstats/record.c), which make graph-build
 * reads back from the build directory. */
#include "fuzz.h"
#include "buildstats/buildstats.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *err = NULL;
	struct step_record r = { 0 };

	if (buildstats_parse("buildstats/BZIMAGE-host", text, &r, &err) == 0)
		step_record_free(&r);
	free(err);
	free(text);
	return 0;
}
