/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The empty filesystem, made by mke2fs with every input pinned so that the
 * same tree, name and epoch give the same bytes on any machine:
 * - our own mke2fs.conf (MKE2FS_CONFIG), and -O starting from "none", so
 *   the distribution's profile adds nothing;
 * - block size, inode size, inode count and reserved ratio given;
 * - UUID and directory hash seed derived from the image name and epoch;
 * - E2FSPROGS_FAKE_TIME (1.47.0) and SOURCE_DATE_EPOCH (1.47.1+) for every
 *   time mke2fs stamps;
 * - a freshly zeroed, pre-sized file and -E nodiscard, so no host property
 *   (whether the file system can punch holes) changes the result;
 * - inode tables and journal written out now (lazy_*_init=0), so the flags
 *   recording that are always the same.
 */
#include "ext.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MIB_BLOCKS (1048576 / EXT_BLOCK)

static const char mke2fs_conf[] =
	"# written by vmbundle for one mke2fs run; every value is also on the command line\n"
	"[defaults]\n"
	"\tdefault_mntopts = acl,user_xattr\n"
	"\tenable_periodic_fsck = 0\n"
	"\tblocksize = 4096\n"
	"\tinode_size = 256\n"
	"\tinode_ratio = 16384\n"
	"\treserved_ratio = 0\n"
	"\thash_alg = half_md4\n"
	"\tflex_bg_size = 16\n"
	"\tlazy_itable_init = false\n"
	"\tlazy_journal_init = false\n"
	"\n[fs_types]\n"
	"\text2 = {\n\t}\n"
	"\text3 = {\n\t}\n"
	"\text4 = {\n\t}\n"
	"\tdefault = {\n\t}\n";

static char *write_conf(const struct image_job *j, char **err)
{
	char *path = image_sibling_tmp(j, "mke2fs.conf", err);
	int fd, r;

	if (!path)
		return NULL;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	r = fd < 0 ? -errno : write_all(fd, mke2fs_conf, sizeof(mke2fs_conf) - 1);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(-r));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

/* A zeroed file of exactly @blocks blocks. */
static int presize(const char *path, uint64_t blocks, char **err)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int r = 0;

	if (fd < 0 || ftruncate(fd, (off_t)(blocks * EXT_BLOCK)) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		*err = xasprintf("cannot size '%s' to %llu KiB: %s", path,
				 (unsigned long long)(blocks * (EXT_BLOCK / 1024)), strerror(-r));
	return r;
}

static int mkfs_once(const struct image_job *j, const struct ext_kind *k, const char *conf,
		     uint64_t blocks, const struct ext_need *n, char **err)
{
	char uuid[37], seed[37];
	char *inodes, *ext_opts, *fake_time, *sde, *conf_env, *msg = NULL;
	const char *argv[32];
	const char *env[6];
	struct run_opts ro = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_NULL, NULL, 0 } };
	size_t a = 0;
	int r;

	r = presize(j->tmp, blocks, err);
	if (r < 0)
		return r;
	image_derive_uuid("ext uuid", j->name, j->opts->epoch, uuid);
	image_derive_uuid("ext hash seed", j->name, j->opts->epoch, seed);
	inodes = xasprintf("%llu", (unsigned long long)ext_inode_count(n, blocks));
	ext_opts = xasprintf("hash_seed=%s,root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0,"
			     "nodiscard", seed);
	fake_time = xasprintf("E2FSPROGS_FAKE_TIME=%llu", (unsigned long long)j->opts->epoch);
	sde = xasprintf("SOURCE_DATE_EPOCH=%llu", (unsigned long long)j->opts->epoch);
	conf_env = xasprintf("MKE2FS_CONFIG=%s", conf);

	argv[a++] = tool_path("mke2fs");
	argv[a++] = "-q";
	argv[a++] = "-F";
	argv[a++] = "-t";
	argv[a++] = k->type;
	argv[a++] = "-T";
	argv[a++] = "default";
	argv[a++] = "-b";
	argv[a++] = "4096";
	argv[a++] = "-I";
	argv[a++] = "256";
	argv[a++] = "-N";
	argv[a++] = inodes;
	argv[a++] = "-m";
	argv[a++] = "0";
	argv[a++] = "-o";
	argv[a++] = "Linux";
	argv[a++] = "-O";
	argv[a++] = k->features;
	argv[a++] = "-U";
	argv[a++] = uuid;
	argv[a++] = "-E";
	argv[a++] = ext_opts;
	if (j->opts->label) {
		argv[a++] = "-L";
		argv[a++] = j->opts->label;
	}
	argv[a++] = j->tmp;
	argv[a] = NULL;

	env[0] = fake_time;
	env[1] = sde;
	env[2] = conf_env;
	env[3] = "LC_ALL=C";
	env[4] = "E2FSPROGS_LIBMAGIC_SUPPRESS=1";
	env[5] = NULL;
	ro.env = env;

	r = run(argv, &ro, &msg);
	if (r < 0) {
		*err = xasprintf("cannot create the %s filesystem in '%s': %s", k->type, j->tmp, msg);
		free(msg);
	}
	free(inodes);
	free(ext_opts);
	free(fake_time);
	free(sde);
	free(conf_env);
	return r < 0 ? -EIO : 0;
}

static int open_fs(const struct image_job *j, ext2_filsys *fs, char **err)
{
	errcode_t code;

	code = ext2fs_open2(j->tmp, NULL, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0, unix_io_manager,
			    fs);
	if (code) {
		*err = ext_error(code, "while opening the new filesystem '%s'", j->tmp);
		*fs = NULL;
		return -EIO;
	}
	/* The library's clock: every inode and superblock time it stamps. */
	(*fs)->now = (time_t)j->opts->epoch;
	(*fs)->umask = 0;
	code = ext2fs_read_bitmaps(*fs);
	if (code) {
		*err = ext_error(code, "while reading the bitmaps of '%s'", j->tmp);
		ext2fs_free(*fs);
		*fs = NULL;
		return -EIO;
	}
	return 0;
}

int ext_make_fitting(struct image_job *j, const struct ext_kind *k, const struct ext_need *n,
		     ext2_filsys *fs, char **err)
{
	uint64_t blocks = j->size / EXT_BLOCK;
	bool explicit_size = j->opts->size != 0, too_small = false;
	char *conf = write_conf(j, err);
	int r = -EIO;

	*fs = NULL;
	if (!conf)
		return -EIO;
	if (blocks < ext_floor_blocks(k)) {
		too_small = true;
		blocks = ext_floor_blocks(k);
	}
	for (int attempt = 0; attempt < 16; attempt++) {
		uint64_t free_blocks, free_inodes, grow;

		r = mkfs_once(j, k, conf, blocks, n, err);
		if (r == 0)
			r = open_fs(j, fs, err);
		if (r < 0)
			break;
		free_blocks = ext2fs_free_blocks_count((*fs)->super);
		free_inodes = (*fs)->super->s_free_inodes_count;
		if (free_blocks >= n->blocks && free_inodes >= n->inodes)
			break;
		ext2fs_free(*fs);
		*fs = NULL;
		r = -ENOSPC;
		too_small = true;
		/* Grow by what is missing; metadata grows a little with the size,
		 * so this converges in a step or two. */
		grow = free_blocks < n->blocks ? n->blocks - free_blocks : 0;
		if (free_inodes < n->inodes)
			grow += (n->inodes - free_inodes) * EXT_INODE_SIZE / EXT_BLOCK + 1;
		blocks += grow;
		if (!explicit_size)
			blocks = (blocks + MIB_BLOCKS - 1) / MIB_BLOCKS * MIB_BLOCKS;
	}
	unlink(conf);
	free(conf);
	if (r == -ENOSPC) {
		*err = xasprintf("internal error: could not find a size for the %s filesystem; "
				 "please report this with the tree's size", k->type);
		return r;
	}
	if (r < 0)
		return r;
	j->min_size = blocks * EXT_BLOCK;
	if (explicit_size && too_small) {
		ext2fs_free(*fs);
		*fs = NULL;
		*err = xasprintf("size %llu KiB is too small for the tree in '%s': this %s image "
				 "needs at least %llu KiB (%llu KiB of content, the rest is "
				 "filesystem metadata); give --size %lluK or more, or leave --size "
				 "out to size it automatically",
				 (unsigned long long)(j->opts->size >> 10), j->tree->dir, k->type,
				 (unsigned long long)(blocks * (EXT_BLOCK / 1024)),
				 (unsigned long long)(n->content_blocks * (EXT_BLOCK / 1024)),
				 (unsigned long long)(blocks * (EXT_BLOCK / 1024)));
		return -ENOSPC;
	}
	j->size = blocks * EXT_BLOCK;
	return 0;
}
