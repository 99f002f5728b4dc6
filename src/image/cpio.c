/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpio "newc" archives (the format the kernel unpacks as initramfs), plain
 * or gzip'd: entries in tree order, names relative to the root ("." first
 * so the root's own mode and owner come along), every mtime the epoch,
 * inode numbers counted from 1 in tree order, owners from the table. Hard
 * links share an inode number; the data travels with the last name only,
 * the earlier names having size 0, as newc readers expect.
 */
#include "image.h"
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEWC_MAX_SIZE 0xFFFFFFFFULL

struct cpio_state {
	struct sink s;
	uint32_t next_ino;
	uint32_t epoch;
	char **err;
};

static int header(struct cpio_state *c, const char *name, uint32_t ino, uint32_t mode,
		  uint32_t uid, uint32_t gid, uint32_t nlink, uint32_t size, uint32_t rmajor,
		  uint32_t rminor)
{
	char h[111];
	size_t namesize = strlen(name) + 1;
	int r;

	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, uid,
		 gid, nlink, c->epoch, size, 0U, 0U, rmajor, rminor, (unsigned)namesize, 0U);
	if ((r = sink_write(&c->s, h, 110, c->err)) < 0 ||
	    (r = sink_write(&c->s, name, namesize, c->err)) < 0)
		return r;
	return sink_pad(&c->s, 4, c->err);
}

static uint32_t subdirs(const struct tree_entry *e)
{
	uint32_t n = 0;

	for (size_t i = 0; i < e->nkids; i++)
		n += S_ISDIR(e->kids[i]->inode->mode);
	return n;
}

static int entry(struct cpio_state *c, const struct tree_entry *e, uint32_t *left)
{
	struct tree_inode *in = e->inode;
	const char *name = e->parent ? e->path + 1 : ".";
	uint32_t nlink = S_ISDIR(in->mode) ? 2 + subdirs(e) : in->nlink;
	bool data_here = true;
	uint64_t size = 0;
	int r;

	if (in->first == e)
		in->ino = ++c->next_ino;
	/* left[] counts names still to come per inode: data goes with the last. */
	if (!S_ISDIR(in->mode) && in->nlink > 1)
		data_here = --left[in->ino - 1] == 0;
	if (S_ISREG(in->mode) && data_here)
		size = in->size;
	else if (S_ISLNK(in->mode))
		size = in->size;
	if (size > NEWC_MAX_SIZE) {
		*c->err = xasprintf("'%s' is %llu bytes; cpio newc archives cannot hold files of "
				    "4 GiB or more", in->src, (unsigned long long)size);
		return -EFBIG;
	}
	r = header(c, name, in->ino, in->mode, in->uid, in->gid, nlink, (uint32_t)size, in->major,
		   in->minor);
	if (r < 0)
		return r;
	if (S_ISLNK(in->mode))
		r = sink_write(&c->s, in->target, (size_t)in->size, c->err);
	else if (S_ISREG(in->mode) && size > 0)
		r = sink_copy_file(&c->s, in->src, size, false, c->err);
	if (r < 0)
		return r;
	return sink_pad(&c->s, 4, c->err);
}

/* Write the archive of @t to @fd. */
static int write_cpio(struct image_job *j, int fd, bool gzip, char **err)
{
	struct cpio_state c = { .epoch = (uint32_t)j->opts->epoch, .err = err };
	uint32_t *left;
	int r;

	/* A stream has each file's bytes right after its header: late content
	 * must be ready before the first entry. */
	r = tree_run_late_hook(j->tree, err);
	if (r == 0)
		r = sink_open(&c.s, fd, j->opts->output, gzip, err);
	if (r < 0)
		return r;
	/* Inode numbers are given in tree order; count each inode's names. */
	left = xcalloc(j->tree->stats.inodes + 1, sizeof(*left));
	for (size_t i = 0, n = 0; i < j->tree->n; i++) {
		struct tree_inode *in = j->tree->order[i]->inode;

		if (in->first == j->tree->order[i])
			left[n++] = in->nlink;
	}
	for (size_t i = 0; i < j->tree->n && r == 0; i++)
		r = entry(&c, j->tree->order[i], left);
	free(left);
	if (r == 0)
		r = header(&c, "TRAILER!!!", 0, 0, 0, 0, 1, 0, 0, 0);
	/* The kernel reads initramfs in 512-byte blocks, like cpio(1) writes. */
	if (r == 0)
		r = sink_pad(&c.s, 512, err);
	if (r == 0)
		r = sink_finish(&c.s, err);
	sink_free(&c.s);
	return r;
}

int image_write_cpio(struct image_job *j, const char *path, bool gzip, char **err)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int r;

	if (fd < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		return -EIO;
	}
	r = write_cpio(j, fd, gzip, err);
	if (close(fd) < 0 && r == 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		r = -EIO;
	}
	return r;
}

static int cpio_generate(struct image_job *j, char **err)
{
	return image_write_cpio(j, j->tmp, false, err);
}

static int cpio_gz_generate(struct image_job *j, char **err)
{
	return image_write_cpio(j, j->tmp, true, err);
}

const struct image_handler image_cpio = {
	.type = "cpio", .summary = "cpio newc archive (initramfs)", .caps = IMAGE_CAP_CPIO,
	.generate = cpio_generate,
};
const struct image_handler image_cpio_gz = {
	.type = "cpio.gz", .summary = "gzip'd cpio newc archive (initramfs)", .caps = IMAGE_CAP_CPIO,
	.generate = cpio_gz_generate,
};
