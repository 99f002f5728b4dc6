/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the tree into an open, empty filesystem with libext2fs.
 *
 * Entries go in tree order (parents first, names sorted), so inode and block
 * allocation is the same every run. Every inode gets its mode and owner from
 * the tree (the permissions table) and all its times from the epoch; no host
 * time is ever read. Regular files are written by their non-zero blocks only
 * (tree_data_runs), so holes and zero blocks take no space. On extent
 * filesystems each run is allocated at once with ext2fs_fallocate and its
 * data written straight to the mapped blocks, which avoids the
 * block-at-a-time path of ext2fs_file_write that mke2fs -d takes.
 */
#include "ext.h"
#include "shared/fsutil.h"
#include "shared/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define IO_BLOCKS 256U /* 1 MiB per read and write */

struct ctx {
	ext2_filsys fs;
	const struct image_job *j;
	const struct ext_kind *k;
	uint32_t epoch;
	unsigned char *buf;
	int wb_fd; /* the image file once more, to start writeback early; or -1 */
	char **err;
};

char *ext_error(errcode_t code, const char *fmt, ...)
{
	static bool table_ready;
	va_list ap;
	char *what, *msg;

	if (!table_ready) {
		initialize_ext2_error_table();
		table_ready = true;
	}
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	msg = xasprintf("%s %s", error_message(code), what ? what : "");
	free(what);
	return msg;
}

static int fail(struct ctx *c, errcode_t code, const struct tree_entry *e, const char *doing)
{
	char *full = code == EXT2_ET_SHORT_WRITE ? output_space_problem(c->j->tmp) : NULL;

	if (full) {
		*c->err = xasprintf("%s, while %s '%s' in the image; free some space or write the image "
				    "elsewhere", full, doing, e->path);
		free(full);
	} else if (code == EXT2_ET_BLOCK_ALLOC_FAIL || code == EXT2_ET_INODE_ALLOC_FAIL)
		*c->err = ext_error(code, "while %s '%s': the filesystem is full although its size "
				    "was checked first; this is a bug, please report it", doing,
				    e->path);
	else
		*c->err = ext_error(code, "while %s '%s' in the image", doing, e->path);
	return -EIO;
}

static int file_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	default: return EXT2_FT_UNKNOWN;
	}
}

/* The on-disk inode mode: Linux's S_IF* values are the ext2 values. */
static uint16_t disk_mode(uint32_t mode) { return (uint16_t)(mode & (S_IFMT | 07777)); }

static void set_owner_and_times(struct ctx *c, struct ext2_inode *ino, const struct tree_inode *in)
{
	ino->i_uid = (uint16_t)(in->uid & 0xFFFF);
	ino->i_gid = (uint16_t)(in->gid & 0xFFFF);
	ext2fs_set_i_uid_high(*ino, in->uid >> 16);
	ext2fs_set_i_gid_high(*ino, in->gid >> 16);
	ino->i_atime = ino->i_mtime = ino->i_ctime = c->epoch;
}

/* Add a name, growing the directory when its blocks are full. */
static errcode_t add_name(ext2_filsys fs, ext2_ino_t dir, const char *name, ext2_ino_t ino,
			  int type)
{
	errcode_t code = ext2fs_link(fs, dir, name, ino, type);

	if (code == EXT2_ET_DIR_NO_SPACE) {
		code = ext2fs_expand_dir(fs, dir);
		if (!code)
			code = ext2fs_link(fs, dir, name, ino, type);
	}
	return code;
}

/* Apply mode, owner, link count and times to an inode the library made. */
static int fix_inode(struct ctx *c, const struct tree_entry *e, ext2_ino_t ino)
{
	const struct tree_inode *in = e->inode;
	struct ext2_inode inode;
	errcode_t code;

	code = ext2fs_read_inode(c->fs, ino, &inode);
	if (code)
		return fail(c, code, e, "reading back");
	if (!S_ISLNK(in->mode))
		inode.i_mode = (uint16_t)((inode.i_mode & LINUX_S_IFMT) | (in->mode & 07777));
	if (!S_ISDIR(in->mode))
		inode.i_links_count = (uint16_t)in->nlink;
	set_owner_and_times(c, &inode, in);
	code = ext2fs_write_inode(c->fs, ino, &inode);
	return code ? fail(c, code, e, "setting owner and mode of") : 0;
}

static int make_dir(struct ctx *c, const struct tree_entry *e, ext2_ino_t parent)
{
	ext2_ino_t ino = 0;
	errcode_t code;

	/* mke2fs made lost+found already: take it over. */
	if (parent == EXT2_ROOT_INO && streq(e->name, "lost+found") &&
	    ext2fs_lookup(c->fs, parent, e->name, (int)strlen(e->name), NULL, &ino) == 0) {
		e->inode->ino = ino;
		return fix_inode(c, e, ino);
	}
	code = ext2fs_new_inode(c->fs, parent, LINUX_S_IFDIR | 0755, NULL, &ino);
	if (!code) {
		code = ext2fs_mkdir(c->fs, parent, ino, e->name);
		if (code == EXT2_ET_DIR_NO_SPACE) {
			code = ext2fs_expand_dir(c->fs, parent);
			if (!code)
				code = ext2fs_mkdir(c->fs, parent, ino, e->name);
		}
	}
	if (code)
		return fail(c, code, e, "creating directory");
	e->inode->ino = ino;
	return fix_inode(c, e, ino);
}

static int make_symlink(struct ctx *c, const struct tree_entry *e, ext2_ino_t parent)
{
	ext2_ino_t ino = 0;
	errcode_t code;

	code = ext2fs_new_inode(c->fs, parent, LINUX_S_IFLNK | 0777, NULL, &ino);
	if (!code) {
		code = ext2fs_symlink(c->fs, parent, ino, e->name, e->inode->target);
		if (code == EXT2_ET_DIR_NO_SPACE) {
			code = ext2fs_expand_dir(c->fs, parent);
			if (!code)
				code = ext2fs_symlink(c->fs, parent, ino, e->name, e->inode->target);
		}
	}
	if (code)
		return fail(c, code, e, "creating symlink");
	e->inode->ino = ino;
	return fix_inode(c, e, ino);
}

/* A new inode of any non-directory type, linked under @parent. */
static int new_inode(struct ctx *c, const struct tree_entry *e, ext2_ino_t parent,
		     struct ext2_inode *inode, ext2_ino_t *ino)
{
	const struct tree_inode *in = e->inode;
	errcode_t code;

	code = ext2fs_new_inode(c->fs, parent, disk_mode(in->mode), NULL, ino);
	if (!code)
		code = add_name(c->fs, parent, e->name, *ino, file_type(in->mode));
	if (code)
		return fail(c, code, e, "adding");
	ext2fs_inode_alloc_stats2(c->fs, *ino, +1, 0);
	memset(inode, 0, sizeof(*inode));
	inode->i_mode = disk_mode(in->mode);
	inode->i_links_count = (uint16_t)in->nlink;
	set_owner_and_times(c, inode, in);
	e->inode->ino = *ino;
	return 0;
}

static int make_node(struct ctx *c, const struct tree_entry *e, ext2_ino_t parent)
{
	const struct tree_inode *in = e->inode;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t code;
	int r = new_inode(c, e, parent, &inode, &ino);

	if (r < 0)
		return r;
	if (S_ISCHR(in->mode) || S_ISBLK(in->mode)) {
		/* Linux's two device number encodings: the old 8:8 one when it
		 * fits, else the new 12:20 one in the second slot. */
		if (in->major < 256 && in->minor < 256) {
			inode.i_block[0] = in->major << 8 | in->minor;
		} else {
			inode.i_block[1] = (in->minor & 0xff) | (in->major << 8) |
					   ((in->minor & ~0xffU) << 12);
		}
	}
	code = ext2fs_write_new_inode(c->fs, ino, &inode);
	return code ? fail(c, code, e, "writing") : 0;
}

/* ---- regular files ------------------------------------------------------ */

struct file_job {
	struct ctx *c;
	const struct tree_entry *e;
	int fd;
	ext2_ino_t ino;
	struct ext2_inode *inode;
	ext2_file_t file; /* block-mapped filesystems */
	errcode_t code;
	const char *doing;
};

/* Read @len bytes at @off of the source into c->buf, zero-padded to whole blocks. */
static int read_source(struct file_job *f, uint64_t off, size_t len)
{
	size_t padded = (len + EXT_BLOCK - 1) / EXT_BLOCK * EXT_BLOCK;
	ssize_t got = pread_full(f->fd, f->c->buf, len, (off_t)off);

	if (got < 0)
		return (int)got;
	if ((size_t)got < len)
		return -ESTALE; /* the file shrank while we copied it */
	memset(f->c->buf + len, 0, padded - len);
	return 0;
}

/*
 * @bytes of the source at @off into the image's blocks from @pblk on,
 * through the buffer (which pads a partial last block with zeros). Each
 * chunk's writeback is started at once (SYNC_FILE_RANGE_WRITE): the disk
 * writes while the next chunk is copied, and the final fsync has little
 * left to wait for (a warm staging 0.21-0.25 s instead of 0.34-0.46 s,
 * benchmarks.md). copy_file_range was measured too and was slower here
 * (0.26-0.36 s): ext4 has no reflink, so it only moves the same copy into
 * the kernel's splice path.
 */
static int put_data(struct file_job *f, uint64_t off, blk64_t pblk, size_t bytes)
{
	struct ctx *c = f->c;
	int r = read_source(f, off, bytes);

	if (r < 0)
		return r;
	f->doing = "writing data of";
	f->code = io_channel_write_blk64(c->fs->io, pblk, (int)((bytes + EXT_BLOCK - 1) / EXT_BLOCK),
					 c->buf);
	if (f->code)
		return -EIO;
	/* Only a hint: the fsync at the end is what makes the data durable. */
	if (c->wb_fd >= 0)
		sync_file_range(c->wb_fd, (off_t)(pblk * EXT_BLOCK), (off_t)bytes,
				SYNC_FILE_RANGE_WRITE);
	return 0;
}

/* Extent filesystems: allocate the run, then write it where it landed. */
static int write_run_extents(struct file_job *f, uint64_t off, uint64_t len)
{
	ext2_filsys fs = f->c->fs;
	blk64_t lblk = off / EXT_BLOCK, nblk = (len + EXT_BLOCK - 1) / EXT_BLOCK, done = 0;
	ext2_extent_handle_t h;
	int r = 0;

	f->doing = "allocating blocks for";
	f->code = ext2fs_fallocate(fs, EXT2_FALLOCATE_FORCE_INIT, f->ino, f->inode, ~0ULL, lblk,
				   nblk);
	if (f->code)
		return -EIO;
	f->doing = "mapping blocks of";
	f->code = ext2fs_extent_open2(fs, f->ino, f->inode, &h);
	if (f->code)
		return -EIO;
	while (done < nblk && r == 0) {
		struct ext2fs_extent ex;
		blk64_t want = nblk - done, in_extent;
		uint64_t bytes;

		f->code = ext2fs_extent_goto(h, lblk + done);
		if (!f->code)
			f->code = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
		if (f->code) {
			r = -EIO;
			break;
		}
		in_extent = ex.e_lblk + ex.e_len - (lblk + done);
		if (want > in_extent)
			want = in_extent;
		if (want > IO_BLOCKS)
			want = IO_BLOCKS;
		bytes = want * EXT_BLOCK;
		if (done * EXT_BLOCK + bytes > len)
			bytes = len - done * EXT_BLOCK;
		r = put_data(f, off + done * EXT_BLOCK, ex.e_pblk + (lblk + done - ex.e_lblk),
			     (size_t)bytes);
		done += want;
	}
	ext2fs_extent_free(h);
	return r;
}

/* Block-mapped filesystems (ext2/ext3): the library's file interface. */
static int write_run_blockmap(struct file_job *f, uint64_t off, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		size_t chunk = len - done > IO_BLOCKS * EXT_BLOCK ? IO_BLOCKS * EXT_BLOCK
								: (size_t)(len - done);
		unsigned written = 0;
		int r = read_source(f, off + done, chunk);

		if (r < 0)
			return r;
		f->doing = "writing data of";
		f->code = ext2fs_file_llseek(f->file, off + done, EXT2_SEEK_SET, NULL);
		if (!f->code)
			f->code = ext2fs_file_write(f->file, f->c->buf, (unsigned)chunk, &written);
		if (!f->code && written != chunk)
			f->code = EXT2_ET_SHORT_WRITE;
		if (f->code)
			return -EIO;
		done += chunk;
	}
	return 0;
}

static int write_run(void *ctx, uint64_t off, uint64_t len)
{
	struct file_job *f = ctx;

	return f->c->k->extents ? write_run_extents(f, off, len) : write_run_blockmap(f, off, len);
}

/* Copy a regular file's data runs into its inode, made by make_file. */
static int fill_file(struct ctx *c, const struct tree_entry *e, ext2_ino_t ino,
		     struct ext2_inode *inode)
{
	const struct tree_inode *in = e->inode;
	struct file_job f = { .c = c, .e = e, .fd = -1, .ino = ino, .inode = inode };
	struct stat st;
	errcode_t code;
	int r;

	f.fd = open(in->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (f.fd < 0) {
		*c->err = xasprintf("cannot read '%s': %s", in->src, strerror(errno));
		return -errno;
	}
	/* The tree was measured earlier: a file that grew since would be cut. */
	if (fstat(f.fd, &st) == 0 && (uint64_t)st.st_size != in->size) {
		close(f.fd);
		*c->err = xasprintf("'%s' changed while the image was being built; build images "
				    "when nothing writes to the tree", in->src);
		return -ESTALE;
	}
	if (!c->k->extents) {
		code = ext2fs_file_open2(c->fs, f.ino, inode, EXT2_FILE_WRITE, &f.file);
		if (code) {
			close(f.fd);
			return fail(c, code, e, "opening");
		}
	}
	r = tree_data_runs(f.fd, in->size, write_run, &f);
	if (f.file) {
		code = ext2fs_file_close(f.file);
		if (!r && code) {
			f.code = code;
			f.doing = "closing";
			r = -EIO;
		}
	} else if (r == 0) {
		/* fallocate kept i_blocks and the extent root in our copy. */
		f.code = ext2fs_write_inode(c->fs, f.ino, inode);
		f.doing = "writing the inode of";
		if (f.code)
			r = -EIO;
	}
	close(f.fd);
	if (r == -EIO && f.code)
		return fail(c, f.code, e, f.doing);
	if (r == -ESTALE) {
		*c->err = xasprintf("'%s' changed while the image was being built; build images "
				    "when nothing writes to the tree", in->src);
		return r;
	}
	if (r < 0)
		*c->err = xasprintf("cannot read '%s': %s", in->src, strerror(-r));
	return r;
}

static int make_file(struct ctx *c, const struct tree_entry *e, ext2_ino_t parent)
{
	const struct tree_inode *in = e->inode;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t code;
	int r = new_inode(c, e, parent, &inode, &ino);

	if (r < 0)
		return r;
	code = ext2fs_inode_size_set(c->fs, &inode, in->size);
	if (!code && c->k->extents) {
		ext2_extent_handle_t h;

		/* An empty extent header in i_block, and the extents flag. */
		code = ext2fs_extent_open2(c->fs, ino, &inode, &h);
		if (!code)
			ext2fs_extent_free(h);
	}
	if (!code)
		code = ext2fs_write_new_inode(c->fs, ino, &inode);
	if (code)
		return fail(c, code, e, "writing");
	/* Late content is copied after every other file's (fill_late). */
	if (in->data_blocks == 0 || in->late)
		return 0;
	return fill_file(c, e, ino, &inode);
}

/* The late files' data, once the tree's hook has finished their content:
 * their inodes and names are in place already, so the layout does not
 * depend on when the hook finished. */
static int fill_late(struct ctx *c, struct tree *t)
{
	int r = 0;

	for (size_t i = 1; i < t->n && r == 0; i++) {
		const struct tree_entry *e = t->order[i];
		struct ext2_inode inode;
		errcode_t code;

		if (!e->inode->late || e->inode->first != e || e->inode->data_blocks == 0)
			continue;
		r = tree_run_late_hook(t, c->err);
		if (r < 0)
			return r;
		code = ext2fs_read_inode(c->fs, e->inode->ino, &inode);
		if (code)
			return fail(c, code, e, "reading the inode of");
		r = fill_file(c, e, e->inode->ino, &inode);
	}
	return r;
}

/* ---- the whole tree ----------------------------------------------------- */

static int add_entry(struct ctx *c, const struct tree_entry *e)
{
	const struct tree_inode *in = e->inode;
	ext2_ino_t parent = e->parent->inode->ino;
	errcode_t code;

	if (parent == EXT2_ROOT_INO && streq(e->name, "lost+found") && !S_ISDIR(in->mode)) {
		*c->err = xasprintf("the tree's '/lost+found' is %s; ext images need that name for "
				    "e2fsck's directory: remove it from the tree",
				    S_ISLNK(in->mode) ? "a symlink" : "not a directory");
		return -EINVAL;
	}
	if (in->first != e) {
		/* A further name of an inode written already: a hard link. */
		code = add_name(c->fs, parent, e->name, in->ino, file_type(in->mode));
		return code ? fail(c, code, e, "adding hard link") : 0;
	}
	switch (in->mode & S_IFMT) {
	case S_IFDIR: return make_dir(c, e, parent);
	case S_IFREG: return make_file(c, e, parent);
	case S_IFLNK: return make_symlink(c, e, parent);
	default: return make_node(c, e, parent);
	}
}

int ext_populate(struct image_job *j, const struct ext_kind *k, ext2_filsys fs, char **err)
{
	struct ctx c = {
		.fs = fs, .j = j, .k = k, .epoch = (uint32_t)j->opts->epoch, .err = err,
	};
	errcode_t code;
	int r;

	c.buf = xmalloc(IO_BLOCKS * EXT_BLOCK);
	c.wb_fd = k->extents ? open(j->tmp, O_WRONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	j->tree->root->inode->ino = EXT2_ROOT_INO;
	r = fix_inode(&c, j->tree->root, EXT2_ROOT_INO);
	for (size_t i = 1; i < j->tree->n && r == 0; i++)
		r = add_entry(&c, j->tree->order[i]);
	if (r == 0)
		r = fill_late(&c, j->tree);
	free(c.buf);
	if (c.wb_fd >= 0)
		close(c.wb_fd);
	if (r < 0) {
		/* Never write back a half-made filesystem. */
		ext2fs_free(fs);
		return r;
	}
	code = ext2fs_close_free(&fs);
	if (code) {
		char *full = output_space_problem(j->tmp);

		*err = full ? xasprintf("%s, while writing the filesystem's metadata to '%s'; free some "
					"space or write the image elsewhere", full, j->tmp)
			    : ext_error(code, "while writing the filesystem's metadata to '%s'", j->tmp);
		free(full);
		if (fs)
			ext2fs_free(fs);
		return -EIO;
	}
	return 0;
}
