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

#include "sha256.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct hash_cache {
	char *path;
	char **lines;  /* "KEY SHA256 ALLOCATED REGIONS" */
	bool *used;    /* looked up or stored by this run: only those are kept */
	size_t n;
	bool dirty;
};

/* Read @path if it exists (a cache that does not parse is ignored). */
void hash_cache_open(struct hash_cache *c, const char *path);
/* @allocated: bytes in data runs; @regions: how many runs (tree_data_runs). */
bool hash_cache_get(struct hash_cache *c, const struct stat *st, char sha[SHA256_HEX_LEN + 1],
		    uint64_t *allocated, uint32_t *regions);
void hash_cache_put(struct hash_cache *c, const struct stat *st,
		    const char sha[SHA256_HEX_LEN + 1], uint64_t allocated, uint32_t regions);
/* Write it back (temp + rename) when it changed; with @prune (a run that
 * went through), keep only the entries this run used, so it does not grow
 * with every version of every file. Failures are ignored. */
void hash_cache_close(struct hash_cache *c, bool prune);

#endif
