/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sink.h"
#include "shared/fsutil.h"
#include "tree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define ZBUF 65536U
#define COPY_BUF (1024U * 1024U)
#define GZIP_LEVEL 9      /* initramfs and images are built once, read often */
#define GZIP_OS_UNIX 3    /* RFC 1952 OS field */

static int write_fail(struct sink *s, int r, char **err)
{
	*err = xasprintf("cannot write '%s': %s", s->what, strerror(-r));
	return r;
}

int sink_open(struct sink *s, int fd, const char *what, bool gzip, char **err)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->what = what;
	s->gzip = gzip;
	if (!gzip)
		return 0;
	s->gzh.os = GZIP_OS_UNIX; /* no name, no time (0) */
	/* windowBits 15 + 16 asks zlib for a gzip wrapper instead of zlib's. */
	if (deflateInit2(&s->z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
	    deflateSetHeader(&s->z, &s->gzh) != Z_OK) {
		*err = xasprintf("cannot start gzip compression for '%s': %s", what,
				 s->z.msg ? s->z.msg : "zlib error");
		deflateEnd(&s->z);
		s->gzip = false;
		return -EINVAL;
	}
	s->zbuf = xmalloc(ZBUF);
	return 0;
}

static int deflate_some(struct sink *s, int flush, char **err)
{
	int zr;

	do {
		s->z.next_out = s->zbuf;
		s->z.avail_out = ZBUF;
		zr = deflate(&s->z, flush);
		if (zr == Z_STREAM_ERROR) {
			*err = xasprintf("gzip compression of '%s' failed", s->what);
			return -EIO;
		}
		if (ZBUF - s->z.avail_out > 0) {
			int r = write_all(s->fd, s->zbuf, ZBUF - s->z.avail_out);

			if (r < 0)
				return write_fail(s, r, err);
		}
	} while (s->z.avail_out == 0);
	return 0;
}

int sink_write(struct sink *s, const void *p, size_t n, char **err)
{
	s->offset += n;
	if (!s->gzip) {
		int r = write_all(s->fd, p, n);

		return r < 0 ? write_fail(s, r, err) : 0;
	}
	while (n > 0) {
		/* avail_in is 32 bits wide: feed large buffers in slices. */
		uInt slice = n > (1U << 30) ? (1U << 30) : (uInt)n;
		int r;

		s->z.next_in = (Bytef *)(uintptr_t)p;
		s->z.avail_in = slice;
		r = deflate_some(s, Z_NO_FLUSH, err);
		if (r < 0)
			return r;
		p = (const unsigned char *)p + slice;
		n -= slice;
	}
	return 0;
}

int sink_zeros(struct sink *s, uint64_t n, char **err)
{
	static const unsigned char zeros[65536];

	while (n > 0) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		int r = sink_write(s, zeros, k, err);

		if (r < 0)
			return r;
		n -= k;
	}
	return 0;
}

int sink_pad(struct sink *s, unsigned align, char **err)
{
	uint64_t rem = s->offset % align;

	return rem ? sink_zeros(s, align - rem, err) : 0;
}

int sink_finish(struct sink *s, char **err)
{
	int r;

	if (!s->gzip)
		return 0;
	s->z.next_in = NULL;
	s->z.avail_in = 0;
	r = deflate_some(s, Z_FINISH, err);
	sink_free(s);
	return r;
}

void sink_free(struct sink *s)
{
	if (s->gzip)
		deflateEnd(&s->z);
	s->gzip = false;
	free(s->zbuf);
	s->zbuf = NULL;
}

struct copy_job {
	struct sink *s;
	int fd;
	bool runs_only;
	uint64_t pos;        /* source offset written up to */
	unsigned char *buf;
	char **err;
	bool sink_failed;
};

static int copy_run(void *ctx, uint64_t off, uint64_t len)
{
	struct copy_job *c = ctx;
	int r;

	if (!c->runs_only && off > c->pos && (r = sink_zeros(c->s, off - c->pos, c->err)) < 0) {
		c->sink_failed = true;
		return r;
	}
	while (len > 0) {
		size_t want = len < COPY_BUF ? (size_t)len : COPY_BUF;
		ssize_t got = pread_full(c->fd, c->buf, want, (off_t)off);

		if (got < 0)
			return (int)got;
		if (got == 0)
			return -ESTALE; /* the file shrank while we copied it */
		if ((r = sink_write(c->s, c->buf, (size_t)got, c->err)) < 0) {
			c->sink_failed = true;
			return r;
		}
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	c->pos = off;
	return 0;
}

int sink_copy_file(struct sink *s, const char *src, uint64_t size, bool runs_only, char **err)
{
	struct copy_job c = { .s = s, .runs_only = runs_only, .err = err };
	int r;

	c.fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (c.fd < 0) {
		r = -errno;
		*err = xasprintf("cannot read '%s': %s", src, strerror(-r));
		return r;
	}
	c.buf = xmalloc(COPY_BUF);
	r = tree_data_runs(c.fd, size, copy_run, &c);
	if (r == 0 && !runs_only && size > c.pos)
		r = sink_zeros(s, size - c.pos, err);
	else if (r < 0 && !c.sink_failed)
		*err = r == -ESTALE
			? xasprintf("'%s' changed while the image was being built; build images "
				    "when nothing writes to the tree", src)
			: xasprintf("cannot read '%s': %s", src, strerror(-r));
	free(c.buf);
	close(c.fd);
	return r;
}
