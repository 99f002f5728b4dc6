/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ext2/ext3/ext4 images: an empty filesystem from a pinned, deterministic
 * mke2fs run (ext-mkfs.c), populated in-process with libext2fs
 * (ext-populate.c). This file decides the size.
 *
 * Size rule (documented in doc/images.md, "Size of ext images"):
 *   content  = blocks the tree's files, directories, long symlinks and their
 *              block maps take, plus one 256-byte inode per entry;
 *   minimum  = the smallest filesystem whose free blocks and inodes, as
 *              mke2fs lays it out, hold the content;
 *   automatic size = minimum + 30% of content + --extra-space, rounded up
 *              to a whole MiB.
 * An explicit --size is used as given; when it is below the minimum the
 * build fails and says the minimum.
 */
#include "ext.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MARGIN_PERCENT 30
#define MIB_BLOCKS (1048576 / EXT_BLOCK)
#define BLOCKS_PER_GROUP (8 * EXT_BLOCK)
#define INODES_PER_BLOCK (EXT_BLOCK / EXT_INODE_SIZE)
#define BYTES_PER_INODE 16384 /* mke2fs's default density, kept as a floor */
#define SLACK_BLOCKS 16       /* allocator rounding: never plan to the last block */

static const struct ext_kind kinds[] = {
	{ "ext2", "none,ext_attr,dir_index,filetype,sparse_super,large_file", false, false, 32 },
	{ "ext3", "none,has_journal,ext_attr,dir_index,filetype,sparse_super,large_file", true,
	  false, 32 },
	{ "ext4",
	  "none,has_journal,ext_attr,dir_index,filetype,extent,64bit,flex_bg,sparse_super,"
	  "large_file,huge_file,dir_nlink,extra_isize,metadata_csum",
	  true, true, 64 },
};

const struct ext_kind *ext_kind_of(const struct image_handler *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (streq(kinds[i].type, h->type))
			return &kinds[i];
	return NULL;
}

static uint64_t div_up(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* Blocks a file's block map needs beyond its data: extent tree leaves or
 * indirect blocks. Generous on purpose: an estimate that is too low would
 * fail half-way through writing. */
static uint64_t map_blocks(const struct ext_kind *k, uint64_t data, uint64_t runs)
{
	if (k->extents) {
		/* Extents: one per run at least, more where a run crosses group
		 * metadata or exceeds the longest extent (32768 blocks). */
		uint64_t extents = runs + 2 * (data / 32768 + 1);

		if (extents <= 4)
			return 0;
		return div_up(extents, 340) + (extents > 4 * 340 ? 1 : 0);
	}
	if (data <= 12 && runs <= 1)
		return 0;
	return div_up(data, 1024) + 3 * runs + 3;
}

static uint64_t dir_blocks(const struct ext_kind *k, const struct tree_entry *d)
{
	uint64_t bytes = 24, blocks;

	for (size_t i = 0; i < d->nkids; i++)
		bytes += (8 + strlen(d->kids[i]->name) + 3) & ~3ULL;
	/* Each block loses its checksum tail and at most one entry's worth of
	 * space to first-fit packing. */
	blocks = div_up(bytes, EXT_BLOCK - 12 - 264);
	return blocks + map_blocks(k, blocks, blocks);
}

struct ext_need ext_need_of(const struct ext_kind *k, const struct tree *t)
{
	struct ext_need n = { 0 };

	for (size_t i = 0; i < t->n; i++) {
		const struct tree_entry *e = t->order[i];
		const struct tree_inode *in = e->inode;

		if (in->first != e)
			continue;
		if (e != t->root)
			n.inodes++;
		if (S_ISREG(in->mode))
			n.blocks += in->data_blocks + map_blocks(k, in->data_blocks, in->regions);
		else if (S_ISDIR(in->mode))
			n.blocks += dir_blocks(k, e);
		else if (S_ISLNK(in->mode) && in->size >= 60)
			n.blocks += 1 + map_blocks(k, 1, 1);
	}
	n.blocks += SLACK_BLOCKS;
	n.content_blocks = n.blocks + div_up(n.inodes * EXT_INODE_SIZE, EXT_BLOCK);
	return n;
}

uint64_t ext_inode_count(const struct ext_need *n, uint64_t blocks)
{
	uint64_t want = n->inodes + n->inodes / 4 + 64 + 11;
	uint64_t density = blocks * EXT_BLOCK / BYTES_PER_INODE;

	return want > density ? want : density;
}

/* Filesystem metadata for @blocks as mke2fs lays it out: a model, checked
 * afterwards against the real free counts. */
static uint64_t overhead(const struct ext_kind *k, const struct ext_need *n, uint64_t blocks)
{
	uint64_t groups = div_up(blocks, BLOCKS_PER_GROUP);
	uint64_t inodes = ext_inode_count(n, blocks);
	uint64_t ipg = div_up(div_up(inodes, groups), INODES_PER_BLOCK) * INODES_PER_BLOCK;
	uint64_t gdt = div_up(groups * k->desc_size, EXT_BLOCK);
	uint64_t backups = 0, total;

	for (uint64_t g = 0; g < groups; g++) {
		uint64_t x = g;

		if (g <= 1) {
			backups++;
			continue;
		}
		for (unsigned base = 3; base <= 7; base += 2) {
			x = g;
			while (x % base == 0)
				x /= base;
			if (x == 1) {
				backups++;
				break;
			}
		}
	}
	total = groups * (2 + ipg / INODES_PER_BLOCK) + backups * (1 + gdt);
	if (k->journal) {
		int j = ext2fs_default_journal_size(blocks);

		total += j > 0 ? (uint64_t)j : 1024;
	}
	return total + 8; /* root directory, lost+found */
}

uint64_t ext_floor_blocks(const struct ext_kind *k)
{
	return k->journal ? 8 * MIB_BLOCKS : MIB_BLOCKS;
}

/* The model's smallest size holding @n. */
static uint64_t model_minimum(const struct ext_kind *k, const struct ext_need *n)
{
	uint64_t s = n->blocks;

	for (int i = 0; i < 32; i++) {
		uint64_t want = n->blocks + overhead(k, n, s);

		if (want <= s)
			break;
		s = want;
	}
	/* Inodes per group cannot exceed the bits of one bitmap block. */
	if (div_up(ext_inode_count(n, s), div_up(s, BLOCKS_PER_GROUP)) > BLOCKS_PER_GROUP)
		s = div_up(ext_inode_count(n, s), BLOCKS_PER_GROUP) * BLOCKS_PER_GROUP;
	return s > ext_floor_blocks(k) ? s : ext_floor_blocks(k);
}

/* ext directory entries store a name's length in one byte: a longer name
 * would be cut (or the directory corrupted), never stored. Checked before
 * anything is written. */
static int check_name_lengths(const struct ext_kind *k, const struct tree *t, char **err)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct tree_entry *e = t->order[i];
		size_t len = strlen(e->name);

		if (len > EXT2_NAME_LEN) {
			const char *dir = e->parent && e->parent->depth ? e->parent->path : "";

			*err = xasprintf("entry '%s/%.40s...': its name is %zu bytes long; %s names "
					 "hold at most %d bytes: shorten it",
					 dir, e->name, len, k->type, EXT2_NAME_LEN);
			return -ENAMETOOLONG;
		}
	}
	return 0;
}

static int ext_setup(struct image_job *j, char **err)
{
	const struct ext_kind *k = ext_kind_of(j->handler);
	const struct image_opts *o = j->opts;
	struct ext_need n = ext_need_of(k, j->tree);
	uint64_t blocks;
	int r = check_name_lengths(k, j->tree, err);

	if (r < 0)
		return r;
	if (o->epoch == 0) {
		*err = xasprintf("%s images need an epoch of at least 1 (SOURCE_DATE_EPOCH=0 "
				 "makes libext2fs use the current time)", k->type);
		return -EINVAL;
	}
	if (o->label && strlen(o->label) > 16) {
		*err = xasprintf("label '%s' is %zu bytes long; ext labels hold at most 16", o->label,
				 strlen(o->label));
		return -EINVAL;
	}
	if (o->size) {
		if (o->size % EXT_BLOCK) {
			*err = xasprintf("size %llu bytes is not a multiple of 4 KiB, the block size "
					 "of the image", (unsigned long long)o->size);
			return -EINVAL;
		}
		if (o->size / EXT_BLOCK > (1ULL << 32)) {
			*err = xasprintf("size %llu KiB is above the 16 TiB vmbundle builds",
					 (unsigned long long)(o->size >> 10));
			return -EINVAL;
		}
		j->size = o->size;
		return 0;
	}
	blocks = model_minimum(k, &n);
	blocks += div_up(n.content_blocks * MARGIN_PERCENT, 100) + div_up(o->extra, EXT_BLOCK);
	blocks = div_up(blocks, MIB_BLOCKS) * MIB_BLOCKS;
	j->size = blocks * EXT_BLOCK;
	return 0;
}

static int ext_generate(struct image_job *j, char **err)
{
	const struct ext_kind *k = ext_kind_of(j->handler);
	struct ext_need n = ext_need_of(k, j->tree);
	ext2_filsys fs = NULL;
	int r;

	r = ext_make_fitting(j, k, &n, &fs, err);
	if (r < 0)
		return r;
	return ext_populate(j, k, fs, err);
}

const struct image_handler image_ext2 = {
	.type = "ext2", .summary = "ext2 filesystem image (libext2fs)",
	.caps = IMAGE_CAP_EXT | IMAGE_CAP_EXT_RAW | IMAGE_CAP_NAMED,
	.check_tool = "e2fsck", .check_arg = "-fn",
	.setup = ext_setup, .generate = ext_generate,
};
const struct image_handler image_ext3 = {
	.type = "ext3", .summary = "ext3 filesystem image (ext2 + journal)",
	.caps = IMAGE_CAP_EXT | IMAGE_CAP_EXT_RAW | IMAGE_CAP_NAMED,
	.check_tool = "e2fsck", .check_arg = "-fn",
	.setup = ext_setup, .generate = ext_generate,
};
const struct image_handler image_ext4 = {
	.type = "ext4", .summary = "ext4 filesystem image (extents, metadata checksums)",
	.caps = IMAGE_CAP_EXT | IMAGE_CAP_EXT_RAW | IMAGE_CAP_NAMED,
	.check_tool = "e2fsck", .check_arg = "-fn",
	.setup = ext_setup, .generate = ext_generate,
};
