/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The regular files of an ext2/3/4 image, read through libext2fs (read
 * only, the image is never changed): every directory from the root, each
 * regular file's content hashed, its allocated bytes from i_blocks. Each
 * directory is entered once (a corrupt image whose entries loop, or a
 * directory hard link, cannot make us walk forever).
 */
#include "sbom/sbom.h"
#include "shared/util.h"

#include <et/com_err.h>
#include <ext2fs/ext2fs.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

struct entry {
	char *name;
	ext2_ino_t ino;
};

struct walk {
	ext2_filsys fs;
	const char *image;
	struct img_listing *l;
	unsigned char *seen;    /* directories entered, one bit per inode */
	char *err;
	struct entry *entries;  /* the directory being listed */
	size_t nentries;
};

static char *ext_error(const char *image, errcode_t code, const char *what, const char *path)
{
	return xasprintf("%s: %s while %s%s%s; is it an ext2/3/4 image (e2fsck -fn %s)?", image,
			 error_message(code), what, path ? " " : "", path ? path : "", image);
}

static int collect(ext2_ino_t dir, int entry, struct ext2_dir_entry *de, int offset, int blocksize,
		   char *buf, void *priv)
{
	struct walk *w = priv;
	int len = ext2fs_dirent_name_len(de);

	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if ((len == 1 && de->name[0] == '.') || (len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	w->entries = xrealloc(w->entries, (w->nentries + 1) * sizeof(*w->entries));
	w->entries[w->nentries].name = xstrndup(de->name, (size_t)len);
	w->entries[w->nentries].ino = de->inode;
	w->nentries++;
	return 0;
}

static int hash_file(struct walk *w, ext2_ino_t ino, struct ext2_inode *inode, const char *path)
{
	static char buf[1 << 16];
	struct digest *d = digest_new();
	struct digests dg;
	ext2_file_t f;
	errcode_t code = ext2fs_file_open(w->fs, ino, 0, &f);
	uint64_t size = EXT2_I_SIZE(inode), total = 0;
	unsigned got;

	if (code) {
		w->err = ext_error(w->image, code, "opening", path);
		digest_finish(d, &dg);
		return -1;
	}
	do {
		code = ext2fs_file_read(f, buf, sizeof(buf), &got);
		if (code)
			break;
		digest_update(d, buf, got);
		total += got;
	} while (got > 0);
	ext2fs_file_close(f);
	digest_finish(d, &dg);
	if (code || total != size) {
		w->err = code ? ext_error(w->image, code, "reading", path) :
			 xasprintf("%s: %s holds %llu bytes of its %llu; the image is damaged "
				   "(e2fsck -fn %s)", w->image, path, (unsigned long long)total,
				   (unsigned long long)size, w->image);
		return -1;
	}
	img_add(w->l, path, size, ext2fs_get_stat_i_blocks(w->fs, inode) * 512ULL, ino, &dg);
	return 0;
}

static int walk_dir(struct walk *w, ext2_ino_t dir, const char *prefix, unsigned depth)
{
	struct entry *entries;
	size_t n;
	errcode_t code;
	int rc = 0;

	if (dir > w->fs->super->s_inodes_count || (w->seen[dir / 8] & (1u << (dir % 8))))
		return 0;
	w->seen[dir / 8] |= (unsigned char)(1u << (dir % 8));
	if (depth > 256) {
		w->err = xasprintf("%s: directories nested more than 256 deep at '%s'; is the image "
				   "damaged (e2fsck -fn %s)?", w->image, prefix, w->image);
		return -1;
	}
	w->entries = NULL;
	w->nentries = 0;
	code = ext2fs_dir_iterate2(w->fs, dir, 0, NULL, collect, w);
	entries = w->entries;
	n = w->nentries;
	if (code) {
		w->err = ext_error(w->image, code, "reading the directory", *prefix ? prefix : "/");
		rc = -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *path = xasprintf("%s/%s", prefix, entries[i].name);
		struct ext2_inode inode;

		code = ext2fs_read_inode(w->fs, entries[i].ino, &inode);
		if (code) {
			w->err = ext_error(w->image, code, "reading the inode of", path);
			rc = -1;
		} else if (LINUX_S_ISDIR(inode.i_mode)) {
			rc = walk_dir(w, entries[i].ino, path, depth + 1);
		} else if (LINUX_S_ISREG(inode.i_mode)) {
			rc = hash_file(w, entries[i].ino, &inode, path);
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(entries[i].name);
	free(entries);
	return rc;
}

int img_read_ext(const char *path, struct img_listing *l, char **err)
{
	struct walk w = { .image = path, .l = l };
	errcode_t code;
	int rc;

	initialize_ext2_error_table();
	code = ext2fs_open2(path, NULL, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &w.fs);
	if (code) {
		*err = ext_error(path, code, "opening it", NULL);
		return -1;
	}
	w.seen = xcalloc((size_t)w.fs->super->s_inodes_count / 8 + 1, 1);
	rc = walk_dir(&w, EXT2_ROOT_INO, "", 0);
	l->has_fs = true;
	l->fs_bytes = ext2fs_blocks_count(w.fs->super) * (uint64_t)w.fs->blocksize;
	l->free_bytes = ext2fs_free_blocks_count(w.fs->super) * (uint64_t)w.fs->blocksize;
	ext2fs_close_free(&w.fs);
	free(w.seen);
	if (rc < 0)
		*err = w.err;
	return rc;
}
