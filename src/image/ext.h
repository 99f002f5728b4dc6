/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the ext2/3/4 writer's files. */
#ifndef VMB_IMAGE_EXT_H
#define VMB_IMAGE_EXT_H

#include "image.h"

#include <ext2fs/ext2fs.h>

#define EXT_BLOCK 4096U     /* fixed: images must not depend on mke2fs.conf's size rules */
#define EXT_INODE_SIZE 256U

struct ext_kind {
	const char *type;
	const char *features; /* mke2fs -O, starting from "none" so nothing comes from a profile */
	bool journal;
	bool extents;
	unsigned desc_size;   /* group descriptor bytes (64 with the 64bit feature) */
};

/* What the tree needs from a filesystem. */
struct ext_need {
	uint64_t blocks;         /* data, directory, symlink and block-map blocks */
	uint64_t inodes;         /* inodes to allocate (the root exists already) */
	uint64_t content_blocks; /* blocks plus the inodes' share of the inode table */
};

const struct ext_kind *ext_kind_of(const struct image_handler *h);
struct ext_need ext_need_of(const struct ext_kind *k, const struct tree *t);
uint64_t ext_inode_count(const struct ext_need *n, uint64_t blocks);
uint64_t ext_floor_blocks(const struct ext_kind *k);

/* ext-mkfs.c: make an empty filesystem of j->size bytes in j->tmp that can
 * hold @n, and open it. With an explicit size that is too small this fails
 * with the size needed; an automatic size is grown until it fits. */
int ext_make_fitting(struct image_job *j, const struct ext_kind *k, const struct ext_need *n,
		     ext2_filsys *fs, char **err);

/* ext-populate.c: write the tree into @fs and close it (freeing it either way). */
int ext_populate(struct image_job *j, const struct ext_kind *k, ext2_filsys fs, char **err);

/* "while ..." messages with libext2fs's own words for @code. */
char *ext_error(errcode_t code, const char *fmt, ...) _printf_format_(2, 3);

#endif
