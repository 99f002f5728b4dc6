/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The atomic writer must never replace what is not a regular file: a run as
 * root with --queue=/dev/null once turned /dev/null into a plain file. */
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/vmb-outfile-XXXXXX";
	struct stat st;
	char *err = NULL, *data = NULL, *file, *fifo, *link, *p;
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
		char *want = xasprintf("output '%s' is a directory; give the output's file name", dir);

		is_str(err, want, "with a message naming it");
		free(want);
	}
	free(err);
	ok(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was not replaced");
	err = NULL;
	alarm(20); /* a FIFO nobody reads must fail, not block */
	ok(outfile_write(fifo, "x", 1, &err) < 0 && err && strstr(err, "it is a FIFO no one is reading"),
	   "a FIFO without a reader is an error, not a hang");
	free(err);
	err = NULL;

	/* A symlink: its target is written, the link stays. */
	link = xasprintf("%s/link", dir);
	ok(symlink("out.txt", link) == 0, "a symlink to the output");
	ok(outfile_write(link, "three\n", 6, &err) == 0, "writing through a symlink succeeds");
	ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the symlink is still a symlink");
	ok(read_file(file, &data, &len) == 0 && len == 6 && memcmp(data, "three\n", 6) == 0,
	   "and its target has the new content");
	free(data);
	unlink(link);
	ok(symlink("new.txt", link) == 0 && outfile_write(link, "x", 1, &err) == 0, "a dangling symlink");
	p = xasprintf("%s/new.txt", dir);
	ok(lstat(p, &st) == 0 && S_ISREG(st.st_mode) && lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
	   "gets its target created, the link kept");
	unlink(p);
	free(p);
	unlink(link);
	ok(symlink("link", link) == 0 && outfile_write(link, "x", 1, &err) < 0, "a symlink loop is refused");
	{
		char *want = xasprintf("output '%s' is a symlink loop; remove it or choose another name", link);

		is_str(err, want, "with a message naming it");
		free(want);
	}
	free(err);
	err = NULL;
	unlink(link);
	/* A block device is never written nor replaced (root can make one). */
	p = xasprintf("%s/blk", dir);
	if (mknod(p, S_IFBLK | 0600, makedev(7, 200)) == 0) {
		ok(outfile_write(p, "x", 1, &err) < 0 && strstr(err, "is a block device"), "a block device is refused");
		ok(stat(p, &st) == 0 && S_ISBLK(st.st_mode), "and is still a block device");
		free(err);
		err = NULL;
		unlink(p);
	} else {
		ok(1, "# SKIP mknod needs root");
		ok(1, "# SKIP mknod needs root");
	}
	free(p);
	ok(symlink("/dev/null", link) == 0 && outfile_write(link, "x", 1, &err) == 0, "a symlink to /dev/null");
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "writes /dev/null in place");
	unlink(link);
	free(link);

	unlink(fifo);
	unlink(file);
	rmdir(dir);
	free(fifo);
	free(file);
	return done_testing();
}
