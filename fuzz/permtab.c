/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Permission tables (src/image/permtab.c), makedevs' format. */
#include "fuzz.h"
#include "image/permtab.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct permtab t = { 0 };
	char *err = NULL;

	permtab_parse_buffer("fuzz.table", (const char *)data, size, &t, &err);
	permtab_free(&t);
	free(err);
	return 0;
}
