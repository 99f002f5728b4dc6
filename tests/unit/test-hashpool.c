/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stager's digests made on every core: the same SHA-256 as reading the
 * whole file, holes and all; more files than cores; a file that changes or
 * vanishes between planning and hashing is an error, never a wrong digest. */
#include "stage/hashpool.h"
#include "stage/stage.h"
#include "shared/sha256.h"
#include "shared/util.h"
#include "tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test-hashpool-XXXXXX";

/* A sparse file of @mib MiB: a few random-ish runs, an all-zero written
 * block, and data in its last, partial block. */
static char *sparse_file(unsigned mib, unsigned seed)
{
	char *path = xasprintf("%s/f%u", dir, seed);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	unsigned char buf[8192];
	off_t size = (off_t)mib << 20;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 5));
	if (ftruncate(fd, size + 1000) < 0 ||
	    pwrite(fd, buf, sizeof(buf), (off_t)seed * 4096) != (ssize_t)sizeof(buf) ||
	    pwrite(fd, buf, sizeof(buf), size / 2 + 100) != (ssize_t)sizeof(buf) ||
	    pwrite(fd, buf, 500, size + 400) != 500)
		abort();
	memset(buf, 0, sizeof(buf));
	if (pwrite(fd, buf, 4096, size / 4) != 4096)
		abort();
	close(fd);
	return path;
}

static void plan_file(struct staged_file *f, char *path)
{
	struct stage_opts o = { 0 };
	char *err = NULL;

	memset(f, 0, sizeof(*f));
	f->role = "disk";
	f->src = path;
	if (staged_file_measure(&o, f, &err) < 0) {
		printf("# %s\n", err);
		abort();
	}
}

int main(void)
{
	struct staged_file files[5], *ptrs[5];
	char want[SHA256_HEX_LEN + 1], *err = NULL;
	struct hash_pool *hp;
	bool all = true;
	int r;

	if (!mkdtemp(dir))
		return 99;

	/* More files than this machine has cores, of different sizes. */
	for (unsigned i = 0; i < 5; i++) {
		plan_file(&files[i], sparse_file(1 + 3 * i, i + 1));
		ptrs[i] = &files[i];
	}
	ok(files[0].pending && strspn(files[0].sha256, "0") == SHA256_HEX_LEN,
	   "a planned file waits for its digest, with a placeholder of the same length");
	is_int(files[0].allocated, 3 * 4096 + 2 * 4096 + 4096,
	       "its allocated bytes are known from planning (the zero block is a hole)");
	hp = hash_pool_start(ptrs, 5);
	r = hash_pool_wait(hp, &err);
	is_int(r, 0, "five files hashed on every core");
	for (unsigned i = 0; i < 5; i++) {
		sha256_file(files[i].src, want);
		all = all && !files[i].pending && streq(files[i].sha256, want);
	}
	ok(all, "every digest equals sha256 of the whole file, holes read as zeros");

	hp = hash_pool_start(NULL, 0);
	is_int(hash_pool_wait(hp, &err), 0, "no files: nothing to wait for");

	/* Changed after planning: a write changes its times and size. */
	plan_file(&files[0], files[0].src);
	plan_file(&files[1], files[1].src);
	{
		int fd = open(files[1].src, O_WRONLY | O_APPEND);

		if (fd < 0 || write(fd, "x", 1) != 1)
			abort();
		close(fd);
	}
	hp = hash_pool_start(ptrs, 2);
	r = hash_pool_wait(hp, &err);
	ok(r < 0 && err && strstr(err, files[1].src) && strstr(err, "changed while it was staged"),
	   "a file written to after planning is an error naming it");
	printf("# %s\n", err ? err : "(no error)");
	free(err);
	err = NULL;

	/* Gone after planning. */
	plan_file(&files[2], files[2].src);
	unlink(files[2].src);
	hp = hash_pool_start(&ptrs[2], 1);
	r = hash_pool_wait(hp, &err);
	ok(r < 0 && err && strstr(err, "cannot read") && strstr(err, files[2].src),
	   "a file removed after planning is an error naming it");
	free(err);

	for (unsigned i = 0; i < 5; i++) {
		unlink(files[i].src);
		free(files[i].src);
	}
	rmdir(dir);
	return done_testing();
}
