/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the stager learnt about a source file (SHA-256, allocated bytes),
 * remembered in the work directory under the file's identity (device,
 * inode, size, modification and change times to the nanosecond), so that
 * restaging after a setting changed does not read and hash gigabytes again.
 * Any write to the file changes its change time, so a stale entry cannot
 * match. A missing or damaged cache only costs time.
 */
#ifndef VMB_STAGE_HASHCACHE_H
#define VMB_STAGE_HASHCACHE_H

#include "shared/sha256.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct hash_cache {
	char *path;
	char **lines;  /* "KEY SHA256 ALLOCATED" */
	size_t n;
	bool dirty;
};

/* Read @path if it exists (a cache that does not parse is ignored). */
void hash_cache_open(struct hash_cache *c, const char *path);
bool hash_cache_get(const struct hash_cache *c, const struct stat *st,
		    char sha[SHA256_HEX_LEN + 1], uint64_t *allocated);
void hash_cache_put(struct hash_cache *c, const struct stat *st,
		    const char sha[SHA256_HEX_LEN + 1], uint64_t allocated);
/* Write it back (temp + rename) when it changed; failures are ignored. */
void hash_cache_close(struct hash_cache *c);

#endif
