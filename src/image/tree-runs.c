/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A regular file's content as runs of non-zero blocks (tree_data_runs). */
#include "tree-node.h"
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

int tree_data_runs(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		   void *ctx)
{
	struct run_state rs = { .fn = fn, .ctx = ctx };
	unsigned char *buf = xmalloc(CHUNK);
	uint64_t pos = 0;
	int r = 0;

	while (pos < size && r == 0) {
		off_t data = lseek(fd, (off_t)pos, SEEK_DATA);
		off_t hole;
		uint64_t s, e;

		if (data < 0) {
			if (errno == ENXIO)
				break;
			if (errno != EINVAL && errno != EOPNOTSUPP) {
				r = -errno;
				break;
			}
			/* The file system cannot tell: read everything. */
			r = scan_range(fd, pos, size, buf, &rs);
			break;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			r = -errno;
			break;
		}
		s = (uint64_t)data / TREE_BLOCK * TREE_BLOCK;
		e = ((uint64_t)hole + TREE_BLOCK - 1) / TREE_BLOCK * TREE_BLOCK;
		if (s < pos)
			s = pos;
		if (e > size)
			e = size;
		/* A hole between regions ends any open run. */
		if (rs.end > rs.start && s > rs.end)
			r = run_block(&rs, rs.end, 0, true);
		if (r == 0)
			r = scan_range(fd, s, e, buf, &rs);
		pos = e;
	}
	if (r == 0 && rs.end > rs.start)
		r = fn(ctx, rs.start, rs.end - rs.start);
	free(buf);
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
