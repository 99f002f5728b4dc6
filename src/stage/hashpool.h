/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The staged files' SHA-256s, computed on every core while the carrier's
 * image is being written.
 *
 * A file's digest is one sequential stream, and a sparse disk's holes are
 * part of it (fed as zeros from memory: no reading, but the hashing costs
 * time in proportion to the apparent size). So the digests are the one cost
 * of staging that follows apparent size, and the only parallelism there is
 * is across files: one worker per file (hashpool.c says why not per core),
 * largest first, while the image writer copies the data runs; the manifest, the only
 * thing that needs the digests, is written last (tree_defer).
 */
#ifndef VMB_STAGE_HASHPOOL_H
#define VMB_STAGE_HASHPOOL_H

#include <stddef.h>

struct staged_file;
struct hash_pool;

/* Start hashing @files (each staged_file_measure'd, with pending set). The
 * files must stay where they are until hash_pool_wait. Never fails: without
 * threads the work is done in hash_pool_wait. */
struct hash_pool *hash_pool_start(struct staged_file *const *files, size_t n);

/* Wait for every digest and free @hp; each file's sha256 is filled and its
 * pending flag cleared. Returns 0, or -1 with *err naming the first file
 * that could not be read or changed since it was planned. */
int hash_pool_wait(struct hash_pool *hp, char **err);

#endif
