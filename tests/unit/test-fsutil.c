/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void touch(const char *path)
{
	int e = 0;
	FILE *f = fopen(path, "w");

	if (!f || fputs("x", f) < 0)
		e = 1;
	if (f)
		fclose(f);
	if (e)
		exit(99);
}

struct seen {
	uint64_t off[8], len[8];
	size_t n, stop_at; /* stop_at: return -EINTR at that call (0: never) */
};

static int note_extent(void *ctx, uint64_t off, uint64_t len)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->off[s->n] = off;
		s->len[s->n] = len;
	}
	return ++s->n == s->stop_at ? -EINTR : 0;
}

/* file_extents on a sparse file: 4 KiB of data, a 1 MiB hole, 4 KiB of data,
 * a hole to the end. A file system that cannot tell gives one range; every
 * file system here can (tmpfs, ext4). */
static void test_extents(const char *dir)
{
	char *path = xasprintf("%s/sparse", dir);
	static const char block[4096] = { 1 };
	struct seen s = { 0 };
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int r;

	if (fd < 0 || pwrite(fd, block, sizeof(block), 0) != 4096 ||
	    pwrite(fd, block, sizeof(block), 1052672) != 4096 || ftruncate(fd, 4194304) < 0)
		exit(99);
	r = file_extents(fd, 4194304, note_extent, &s);
	ok(r == 0 && s.n == 2, "file_extents: two data ranges, the holes skipped (%zu)", s.n);
	ok(s.off[0] == 0 && s.len[0] == 4096, "  the first at 0, 4096 bytes");
	ok(s.off[1] == 1052672 && s.len[1] == 4096, "  the second after the 1 MiB hole");
	s = (struct seen){ .stop_at = 1 };
	ok(file_extents(fd, 4194304, note_extent, &s) == -EINTR && s.n == 1,
	   "file_extents: the callback's error stops the walk and is returned");
	s = (struct seen){ 0 };
	ok(file_extents(fd, 2048, note_extent, &s) == 0 && s.n == 1 && s.len[0] == 2048,
	   "file_extents: a range ends at the size asked for");
	close(fd);
	unlink(path);
	free(path);
}

int main(void)
{
	char dir[] = "/tmp/vmb-fsutil-XXXXXX";
	char *tree, *outside, *p, *data = NULL;
	size_t len;

	if (!mkdtemp(dir))
		return 99;
	tree = xasprintf("%s/tree", dir);
	outside = xasprintf("%s/outside", dir);
	p = xasprintf("%s/a/b/c", tree);
	ok(mkdir_p(p, 0755) == 0, "mkdir_p makes every level");
	free(p);
	p = xasprintf("%s/a/b/file", tree);
	touch(p);
	free(p);
	touch(outside);
	p = xasprintf("%s/a/link", tree);
	ok(symlink(outside, p) == 0, "a symlink out of the tree");
	free(p);

	ok(remove_tree(tree) == 0, "remove_tree removes a tree");
	ok(access(tree, F_OK) < 0, "the tree is gone");
	ok(read_file(outside, &data, &len) == 0 && len == 1, "what a symlink pointed at survives");
	free(data);
	ok(remove_tree(tree) == 0, "removing what is not there is fine");
	ok(remove_tree(outside) == 0 && access(outside, F_OK) < 0, "a plain file is removed too");

	test_extents(dir);
	rmdir(dir);
	free(tree);
	free(outside);
	return done_testing();
}
