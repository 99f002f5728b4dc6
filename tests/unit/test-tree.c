/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image/tree.h"
#include "shared/util.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char dir[] = "/tmp/test-tree-XXXXXX";

static void put(const char *rel, const char *content)
{
	char *p = xasprintf("%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, content, strlen(content)) < 0)
		abort();
	close(fd);
	free(p);
}

static void mk(const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	mkdir(p, 0755);
	free(p);
}

static struct tree_entry *find(struct tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->order[i]->path, path))
			return t->order[i];
	return NULL;
}

static int collect(void *ctx, uint64_t off, uint64_t len)
{
	char *s = ctx;

	sprintf(s + strlen(s), "%llu+%llu ", (unsigned long long)off, (unsigned long long)len);
	return 0;
}

static char *load_with(const char *table, struct tree *t)
{
	struct permtab p = { 0 };
	char *err = NULL;

	if (tree_load(dir, t, &err) < 0)
		return err;
	if (table && (permtab_parse_buffer("perms", table, strlen(table), &p, &err) < 0 ||
		      tree_apply_permtab(t, &p, &err) < 0)) {
		permtab_free(&p);
		return err;
	}
	permtab_free(&p);
	tree_finish(t);
	return NULL;
}

int main(void)
{
	struct tree t;
	char *err, *p, *q, runs[256];
	struct tree_entry *e;
	int fd;

	if (!mkdtemp(dir))
		return 99;
	mk("b");
	mk("a");
	mk("a/empty");
	put("a/file", "hello");
	put("B", "upper");
	p = xasprintf("%s/a/file", dir);
	q = xasprintf("%s/b/hard", dir);
	ok(link(p, q) == 0, "made a hard link");
	free(p);
	free(q);
	p = xasprintf("%s/b/link", dir);
	ok(symlink("../a/file", p) == 0, "made a symlink");
	free(p);

	/* A sparse file: 1 MiB with data in its second block only. */
	p = xasprintf("%s/sparse", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && ftruncate(fd, 1 << 20) == 0 && pwrite(fd, "x", 1, 4096 + 10) == 1,
	   "made a sparse file");
	close(fd);
	free(p);

	err = load_with("/dev d 755 0 0 - - - - -\n"
			"/dev/console c 600 0 5 5 1 - - -\n"
			"/dev/tty c 620 0 5 4 0 1 1 2\n"
			"/a/file f 4755 0 0 - - - - -\n"
			"/a r - 7 8 - - - - -\n"
			"/sparse f 640 1000 100 - - - - -\n",
			&t);
	is_str(err, NULL, "tree and table load");
	free(err);
	{
		char order[512] = "";

		for (size_t i = 0; i < t.n; i++)
			sprintf(order + strlen(order), "%s ", t.order[i]->path);
		is_str(order, "/ /B /a /a/empty /a/file /b /b/hard /b/link /dev /dev/console /dev/tty1 "
		       "/dev/tty2 /sparse ",
		       "pre-order, names sorted bytewise (upper case first)");
	}
	e = find(&t, "/a/file");
	ok(e && e->inode == find(&t, "/b/hard")->inode, "hard links share one inode");
	is_int(e->inode->nlink, 2, "the inode has two names");
	ok(e->inode->first == e, "the first name in order carries the content");
	is_int(e->inode->mode, S_IFREG | 04755, "the table set the mode (then r kept it)");
	is_int(e->inode->uid, 7, "r set the owner below /a");
	is_int(find(&t, "/a/empty")->inode->gid, 8, "r reaches empty directories");
	is_int(find(&t, "/b/link")->inode->uid, 0, "owners default to root");
	is_str(find(&t, "/b/link")->inode->target, "../a/file", "symlink target");
	e = find(&t, "/dev/console");
	ok(e && S_ISCHR(e->inode->mode) && e->inode->major == 5 && e->inode->minor == 1,
	   "/dev/console c 5:1 from the table");
	is_int(e->inode->gid, 5, "device owner");
	is_int(find(&t, "/dev/tty2")->inode->minor, 1, "series: tty1 minor 0, tty2 minor 1 (inc 1)");
	e = find(&t, "/sparse");
	is_int(e->inode->size, 1 << 20, "sparse file size");
	is_int(e->inode->data_blocks, 1, "sparse file: one block of data");
	is_int(t.root->inode->mode, S_IFDIR | 0755, "the root is 0755 whatever the staging dir's mode");
	is_int(t.stats.inodes, 12, "inodes counted once per hard-linked file");
	is_int(t.stats.hardlinks, 1, "one extra name");
	is_int(t.stats.devices, 3, "three devices");
	tree_free(&t);

	/* The runs of a file depend on its bytes, not on its holes. */
	p = xasprintf("%s/runs", dir);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	{
		char block[4096] = { 0 };

		for (int i = 0; i < 6; i++) {
			block[0] = (i == 1 || i == 2 || i == 4) ? 'd' : 0;
			if (write(fd, block, sizeof(block)) != sizeof(block))
				abort();
		}
		if (write(fd, "tail", 4) != 4)
			abort();
	}
	runs[0] = '\0';
	ok(tree_data_runs(fd, 6 * 4096 + 4, collect, runs) == 0, "runs of a file with zero blocks");
	is_str(runs, "4096+8192 16384+4096 24576+4 ", "zero blocks split runs; the tail ends at the size");
	close(fd);
	unlink(p);
	free(p);

	ok(!tree_symlink_escapes(1, "../a"), "../a from /b stays inside");
	ok(tree_symlink_escapes(1, "../../etc"), "../../etc from /b escapes");
	ok(!tree_symlink_escapes(0, "/usr/lib"), "absolute targets are read inside the image");
	ok(tree_symlink_escapes(1, "x/../../../y") && !tree_symlink_escapes(2, "x/../../../y"), "climbing after descending is counted");
	ok(!tree_symlink_escapes(0, "./././a"), "'.' is no step");

	/* Errors. */
	p = xasprintf("%s/b/evil", dir);
	ok(symlink("../../../etc/passwd", p) == 0, "made an escaping symlink");
	err = load_with(NULL, &t);
	q = xasprintf("'%s/b/evil' is a symlink to '../../../etc/passwd', which points outside the "
		      "root filesystem; make the target stay inside the tree (an absolute target "
		      "is read inside the image)", dir);
	is_str(err, q, "an escaping symlink is refused");
	free(err);
	free(q);
	tree_free(&t);
	unlink(p);
	free(p);

	err = load_with("/nothere f 644 0 0 - - - - -\n", &t);
	is_str(err, "perms:1: '/nothere' is not in the tree (the table sets owners and modes of "
	       "existing files; use 'd' to make a directory)", "f on a missing file");
	free(err);
	tree_free(&t);
	err = load_with("/net/tun c 666 0 0 10 200 - - -\n", &t);
	is_str(err, "perms:1: parent directory '/net' of '/net/tun' is neither in the tree nor "
	       "made by an earlier 'd' line; add '/net d 755 0 0 - - - - -' before this line",
	       "a node without its directory");
	free(err);
	tree_free(&t);
	err = load_with("/B c 666 0 0 1 3 - - -\n", &t);
	is_str(err, "perms:1: '/B' is already in the tree as a regular file; remove it from the "
	       "tree or change the table", "a node over a file");
	free(err);
	tree_free(&t);
	err = load_with("/a f 644 0 0 - - - - -\n", &t);
	is_str(err, "perms:1: '/a' is a directory; use type 'd' (or 'r' for everything below it)",
	       "f on a directory");
	free(err);
	tree_free(&t);
	err = NULL;
	ok(tree_load("/nonexistent/tree", &t, &err) < 0, "a missing tree fails");
	is_str(err, "root filesystem tree '/nonexistent/tree' does not exist", "missing tree message");
	free(err);
	tree_free(&t);

	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		return 99;
	free(p);
	return done_testing();
}
