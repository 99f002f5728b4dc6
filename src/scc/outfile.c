/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/outfile.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int outfile_write(const char *path, const char *data, size_t len, char **err)
{
	char *tmp;
	int fd, saved;

	if (streq(path, "-")) {
		if (write_all(STDOUT_FILENO, data, len) < 0) {
			*err = xasprintf("cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	/* Only a regular file (or nothing yet) is replaced by rename: renaming
	 * over /dev/null or a FIFO would replace the device itself (as root,
	 * for everyone). Those are written in place; a directory is refused. */
	{
		struct stat st;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			if (S_ISDIR(st.st_mode)) {
				*err = xasprintf("cannot write '%s': it is a directory", path);
				return -1;
			}
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write_all(fd, data, len) < 0) {
				saved = errno;
				if (fd >= 0)
					close(fd);
				*err = xasprintf("cannot write '%s': %s", path, strerror(saved));
				return -1;
			}
			close(fd);
			return 0;
		}
	}
	tmp = xasprintf("%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp makes 0600; outputs are ordinary files */
	if (fchmod(fd, 0644) < 0 || write_all(fd, data, len) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	*err = xasprintf("cannot write '%s': %s", path, strerror(saved));
	return -1;
}

int outfile_update(const char *path, const char *data, size_t len, char **err)
{
	char *old = NULL;
	size_t oldlen = 0;
	bool same = read_file(path, &old, &oldlen) == 0 && oldlen == len && memcmp(old, data, len) == 0;

	free(old);
	return same ? 0 : outfile_write(path, data, len, err);
}
