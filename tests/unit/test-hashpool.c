/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stager's digests made on every core: the same SHA-256 as reading the
 * whole file, holes and all; more files than cores; a file that changes or
 * vanishes between planning and hashing is an error, never a wrong digest.
 * And the cache that remembers them between runs. */
#include "stage/hashpool.h"
#include "stage/stage.h"
#include "sha256.h"
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

	/* The cache: what a run stores the next one finds (a planned file is
	 * then not pending); a run that went through keeps only what it used. */
	{
		char *path = xasprintf("%s/cache", dir), sha[SHA256_HEX_LEN + 1];
		struct hash_cache c;
		struct stage_opts o = { .cache = &c };
		uint64_t alloc = 0;
		uint32_t runs = 0;
		char *e = NULL;
		FILE *f;

		hash_cache_open(&c, path);
		hash_cache_put(&c, &files[3].st, files[3].sha256, files[3].allocated,
			       files[3].regions);
		hash_cache_put(&c, &files[4].st, files[4].sha256, files[4].allocated,
			       files[4].regions);
		hash_cache_close(&c, true);
		hash_cache_open(&c, path);
		strcpy(want, files[3].sha256);
		memset(&files[3].sha256, 0, sizeof(files[3].sha256));
		ok(staged_file_measure(&o, &files[3], &e) == 0 && !files[3].pending &&
		   streq(files[3].sha256, want) && files[3].regions > 0,
		   "a cached digest is used, with the file's data runs");
		hash_cache_close(&c, false);
		hash_cache_open(&c, path);
		is_int(c.n, 2, "a run that failed drops nothing from the cache");
		ok(hash_cache_get(&c, &files[3].st, sha, &alloc, &runs), "an entry is found");
		hash_cache_close(&c, true);
		hash_cache_open(&c, path);
		is_int(c.n, 1, "a run that went through keeps only the entries it used");
		hash_cache_close(&c, true);
		f = fopen(path, "w");
		fprintf(f, "junk\n");
		fclose(f);
		hash_cache_open(&c, path);
		ok(!hash_cache_get(&c, &files[3].st, sha, &alloc, &runs),
		   "a damaged cache is a miss, not an error");
		hash_cache_close(&c, true);
		unlink(path);
		free(path);
	}

	for (unsigned i = 0; i < 5; i++) {
		unlink(files[i].src);
		free(files[i].src);
	}
	rmdir(dir);
	return done_testing();
}
