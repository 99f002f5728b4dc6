/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF reader behind imported programs' library closure
 * (src/rootfs/elf-closure.c, through libelf): interpreter, DT_NEEDED and
 * run paths of whatever file a declaration imports.
 */
#include "fuzz.h"
#include "rootfs/rootfs.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_needs n = { 0 };
	char *path, *err = NULL;

	fuzz_scratch();
	path = fuzz_write("program", data, size);
	if (elf_read_needs(path, &n, &err) == 0)
		elf_needs_free(&n);
	free(err);
	free(path);
	return 0;
}
