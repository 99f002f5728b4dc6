/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The content prober (src/probe/fileprobe.c) on an in-memory file. */
#include "fuzz.h"
#include "probe/fileprobe.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct probe_result r;

	if (fd < 0 && (fd = memfd_create("fuzz-probe", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (probe_fd(fd, &r) == 0) {
		/* What the messages print must be terminated text. */
		if (!memchr(r.format, '\0', sizeof(r.format)) ||
		    !memchr(r.description, '\0', sizeof(r.description)))
			abort();
		(void)probe_class_name(r.cls);
	}
	return 0;
}
