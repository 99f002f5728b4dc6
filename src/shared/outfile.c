/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/output.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int outfile_write(const char *path, const char *data, size_t len, char **err)
{
	if (streq(path, "-")) {
		if (write_all(STDOUT_FILENO, data, len) < 0) {
			*err = xasprintf("cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	/* The output rules (shared/output.h): a FIFO or /dev/null is written in
	 * place, never replaced; a symlink's target is written. */
	return output_write_buffer(path, data, len, err);
}

int outfile_update(const char *path, const char *data, size_t len, char **err)
{
	char *old = NULL;
	size_t oldlen = 0;
	bool same = read_file(path, &old, &oldlen) == 0 && oldlen == len && memcmp(old, data, len) == 0;

	free(old);
	return same ? 0 : outfile_write(path, data, len, err);
}
