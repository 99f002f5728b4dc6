/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

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

	rmdir(dir);
	free(tree);
	free(outside);
	return done_testing();
}
