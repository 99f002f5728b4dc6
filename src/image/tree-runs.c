/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A regular file's content as runs of non-zero blocks (tree_data_runs). */
#include "tree-node.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define CHUNK (1024U * 1024U)

static bool all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

struct run_state {
	uint64_t start, end; /* the open run, if end > start */
	int (*fn)(void *ctx, uint64_t off, uint64_t len);
	void *ctx;
};

static int run_block(struct run_state *rs, uint64_t off, uint64_t len, bool zero)
{
	int r;

	if (!zero && rs->end > rs->start && rs->end == off) {
		rs->end = off + len;
		return 0;
	}
	if (rs->end > rs->start && (r = rs->fn(rs->ctx, rs->start, rs->end - rs->start)) != 0)
		return r;
	rs->start = rs->end = 0;
	if (!zero) {
		rs->start = off;
		rs->end = off + len;
	}
	return 0;
}

/* Scan [from, to) of the file block by block. */
static int scan_range(int fd, uint64_t from, uint64_t to, unsigned char *buf, struct run_state *rs)
{
	while (from < to) {
		size_t want = (size_t)(to - from < CHUNK ? to - from : CHUNK);
		ssize_t got = pread(fd, buf, want, (off_t)from);
		int r;

		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -ESTALE; /* the file shrank under us */
		for (size_t o = 0; o < want; o += TREE_BLOCK) {
			size_t n = want - o < TREE_BLOCK ? want - o : TREE_BLOCK;

			r = run_block(rs, from + o, n, all_zero(buf + o, n));
			if (r)
				return r;
		}
		from += want;
	}
	return 0;
}

/* tree_data_runs' walk: each allocated range, widened to whole blocks, is
 * scanned from where the last one ended. */
struct runs_walk {
	struct run_state rs;
	int fd;
	uint64_t size, pos; /* pos: scanned up to here */
	unsigned char *buf;
};

static int scan_extent(void *ctx, uint64_t off, uint64_t len)
{
	struct runs_walk *w = ctx;
	uint64_t s = off / TREE_BLOCK * TREE_BLOCK;
	uint64_t e = (off + len + TREE_BLOCK - 1) / TREE_BLOCK * TREE_BLOCK;
	int r = 0;

	if (s < w->pos)
		s = w->pos;
	if (e > w->size)
		e = w->size;
	/* A hole between regions ends any open run. */
	if (w->rs.end > w->rs.start && s > w->rs.end)
		r = run_block(&w->rs, w->rs.end, 0, true);
	if (r == 0)
		r = scan_range(w->fd, s, e, w->buf, &w->rs);
	if (e > w->pos)
		w->pos = e;
	return r;
}

int tree_data_runs(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		   void *ctx)
{
	struct runs_walk w = {
		.rs = { .fn = fn, .ctx = ctx }, .fd = fd, .size = size, .buf = xmalloc(CHUNK),
	};
	int r = file_extents(fd, size, scan_extent, &w);

	if (r == 0 && w.rs.end > w.rs.start)
		r = fn(ctx, w.rs.start, w.rs.end - w.rs.start);
	free(w.buf);
	return r;
}

int tree_count_region(void *ctx, uint64_t off, uint64_t len)
{
	struct region_count *rc = ctx;

	(void)off;
	rc->blocks += (len + TREE_BLOCK - 1) / TREE_BLOCK;
	rc->regions++;
	return 0;
}
