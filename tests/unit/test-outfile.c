/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The atomic writer must never replace what is not a regular file: a run as
 * root with --queue=/dev/null once turned /dev/null into a plain file. */
#include "scc/outfile.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/vmb-outfile-XXXXXX";
	struct stat st;
	char *err = NULL, *data = NULL, *file, *fifo;
	size_t len;

	if (!mkdtemp(dir))
		return 99;
	file = xasprintf("%s/out.txt", dir);
	ok(outfile_write(file, "one\n", 4, &err) == 0, "writes a new file");
	ok(outfile_write(file, "two\n", 4, &err) == 0, "replaces a regular file");
	ok(read_file(file, &data, &len) == 0 && len == 4 && memcmp(data, "two\n", 4) == 0, "with the new content");
	free(data);

	ok(outfile_write("/dev/null", "x\n", 2, &err) == 0, "writing to /dev/null succeeds");
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "and /dev/null is still a character device");

	fifo = xasprintf("%s/fifo", dir);
	ok(mkfifo(fifo, 0600) == 0, "a FIFO to write to");
	ok(outfile_write(dir, "x", 1, &err) < 0, "a directory is refused");
	{
		char *want = xasprintf("cannot write '%s': it is a directory", dir);

		is_str(err, want, "with a message naming it");
		free(want);
	}
	free(err);
	ok(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was not replaced");

	unlink(fifo);
	unlink(file);
	rmdir(dir);
	free(fifo);
	free(file);
	return done_testing();
}
