/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stager's hash cache (src/stage/hashcache.c), read back from the work
 * directory: any file must open (a damaged cache only costs time), and an
 * entry stored and written back must be found again.
 */
#include "fuzz.h"
#include "stage/hashcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The identity the seeds' lines are keyed on: 1:2:3:4.000000005:6.000000007. */
	struct stat known = { .st_dev = 1, .st_ino = 2, .st_size = 3,
			      .st_mtim = { 4, 5 }, .st_ctim = { 6, 7 } };
	struct stat other = known;
	static const char fresh[SHA256_HEX_LEN + 1] =
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char sha[SHA256_HEX_LEN + 1];
	uint64_t allocated;
	uint32_t regions;
	struct hash_cache c;
	char *path;

	fuzz_scratch();
	path = fuzz_write("hash-cache", data, size);
	other.st_ino = 99;
	hash_cache_open(&c, path);
	(void)hash_cache_get(&c, &known, sha, &allocated, &regions);
	hash_cache_put(&c, &other, fresh, 4096, 1);
	hash_cache_close(&c, false);
	hash_cache_open(&c, path);
	if (!hash_cache_get(&c, &other, sha, &allocated, &regions) || strcmp(sha, fresh) ||
	    allocated != 4096 || regions != 1) {
		fprintf(stderr, "an entry written to the hash cache was not read back\n");
		abort();
	}
	hash_cache_close(&c, true);
	free(path);
	return 0;
}
