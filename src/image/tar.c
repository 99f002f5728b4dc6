/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tar.bz2: a POSIX ustar archive, with pax extended headers where ustar
 * falls short (names over 100 bytes, link targets over 100 bytes, sizes of
 * 8 GiB and more, ids above 2097151), compressed by bzip2 run through run.c.
 *
 * Reproducible: entries in tree order ("./" first), numeric owners from the
 * table and no user or group names, every time the epoch (host times are
 * never read, so "clamping" to the epoch is total), no process ids or host
 * names in pax header names.
 *
 * Files with at least SPARSE_MIN bytes of holes or zero blocks are stored
 * in the GNU sparse format 1.0 in pax headers (GNU tar, bsdtar and Python's
 * tarfile restore them); the decision depends only on the file's bytes.
 */
#include "image.h"
#include "sink.h"
#include "shared/run.h"
#include "shared/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define RECORD (20 * BLOCK)           /* tar's default blocking factor */
#define SPARSE_MIN (1024ULL * 1024)   /* zero bytes that make a file sparse */

struct ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag;
	char linkname[100], magic[6], version[2], uname[32], gname[32];
	char devmajor[8], devminor[8], prefix[155], pad[12];
};

struct tar_state {
	struct sink s;
	uint64_t epoch;
	char **err;
};

/* An octal field with its terminating NUL; false if @v does not fit. */
static bool octal(char *field, size_t len, uint64_t v)
{
	char tmp[32];

	if (len - 1 < 22 && v >> (3 * (len - 1)))
		return false;
	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(len - 1), (unsigned long long)v);
	memcpy(field, tmp, len - 1);
	field[len - 1] = '\0';
	return true;
}

/* Append "LEN key=value\n" to @recs, LEN counting the whole record. */
static void pax_add(char **recs, const char *key, const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3; /* ' ', '=', '\n' */
	size_t len = body + 1;
	char *next;

	while (snprintf(NULL, 0, "%zu", len) + body != len)
		len = snprintf(NULL, 0, "%zu", len) + body;
	next = xasprintf("%s%zu %s=%s\n", *recs ? *recs : "", len, key, value);
	free(*recs);
	*recs = next;
}

static void pax_add_u64(char **recs, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	pax_add(recs, key, buf);
}

static void copy_field(char *field, size_t len, const char *s)
{
	size_t n = strlen(s);

	memcpy(field, s, n < len ? n : len);
}

static int emit_header(struct tar_state *t, struct ustar *h)
{
	unsigned sum = 0;
	const unsigned char *p = (const unsigned char *)h;

	memcpy(h->magic, "ustar", 6);
	memcpy(h->version, "00", 2);
	memset(h->chksum, ' ', sizeof(h->chksum));
	for (size_t i = 0; i < sizeof(*h); i++)
		sum += p[i];
	snprintf(h->chksum, sizeof(h->chksum), "%06o", sum);
	h->chksum[7] = ' ';
	return sink_write(&t->s, h, sizeof(*h), t->err);
}

/* A header with the fields every entry shares. */
static void base_header(struct tar_state *t, struct ustar *h, const char *name, uint32_t mode,
			uint64_t size, char type, char **pax, const struct tree_inode *in)
{
	memset(h, 0, sizeof(*h));
	copy_field(h->name, sizeof(h->name), name);
	if (strlen(name) > sizeof(h->name))
		pax_add(pax, "path", name);
	octal(h->mode, sizeof(h->mode), mode & 07777);
	if (!octal(h->size, sizeof(h->size), size)) {
		octal(h->size, sizeof(h->size), 0);
		pax_add_u64(pax, "size", size);
	}
	octal(h->mtime, sizeof(h->mtime), t->epoch);
	h->typeflag = type;
	if (in) {
		if (!octal(h->uid, sizeof(h->uid), in->uid)) {
			octal(h->uid, sizeof(h->uid), 0);
			pax_add_u64(pax, "uid", in->uid);
		}
		if (!octal(h->gid, sizeof(h->gid), in->gid)) {
			octal(h->gid, sizeof(h->gid), 0);
			pax_add_u64(pax, "gid", in->gid);
		}
		octal(h->devmajor, sizeof(h->devmajor), in->major);
		octal(h->devminor, sizeof(h->devminor), in->minor);
	} else {
		octal(h->uid, sizeof(h->uid), 0);
		octal(h->gid, sizeof(h->gid), 0);
	}
}

/* The pax extended header (if any records) and then the entry's header.
 * The pax header's own name is fixed text plus @base, never a process id. */
static int emit(struct tar_state *t, struct ustar *h, char *pax, const char *base)
{
	int r = 0;

	if (pax) {
		char *pname = xasprintf("PaxHeaders/%.80s", base[0] ? base : "root");
		size_t len = strlen(pax);
		struct ustar x;

		base_header(t, &x, pname, 0644, len, 'x', NULL, NULL);
		free(pname);
		r = emit_header(t, &x);
		if (r == 0)
			r = sink_write(&t->s, pax, len, t->err);
		if (r == 0)
			r = sink_pad(&t->s, BLOCK, t->err);
		free(pax);
	}
	return r ? r : emit_header(t, h);
}

/* ---- sparse files ------------------------------------------------------- */

struct runs {
	uint64_t *v; /* offset, length pairs */
	size_t n, cap;
	uint64_t bytes;
};

static int collect_run(void *ctx, uint64_t off, uint64_t len)
{
	struct runs *rs = ctx;

	if (rs->n + 2 > rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n++] = off;
	rs->v[rs->n++] = len;
	rs->bytes += len;
	return 0;
}

static int sparse_file(struct tar_state *t, const struct tree_entry *e, const char *name)
{
	const struct tree_inode *in = e->inode;
	struct runs rs = { 0 };
	char *pax = NULL, *map, *sname;
	struct ustar h;
	size_t maplen;
	int fd, r;

	fd = open(in->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		*t->err = xasprintf("cannot read '%s': %s", in->src, strerror(errno));
		return -EIO;
	}
	r = tree_data_runs(fd, in->size, collect_run, &rs);
	close(fd);
	if (r < 0) {
		*t->err = xasprintf("cannot read '%s': %s", in->src, strerror(-r));
		free(rs.v);
		return r;
	}
	/* A file ending in a hole gets a final empty run at its size. */
	if (rs.n == 0 || rs.v[rs.n - 2] + rs.v[rs.n - 1] < in->size)
		collect_run(&rs, in->size, 0);
	map = xasprintf("%zu\n", rs.n / 2);
	for (size_t i = 0; i < rs.n; i++) {
		char *next = xasprintf("%s%llu\n", map, (unsigned long long)rs.v[i]);

		free(map);
		map = next;
	}
	maplen = (strlen(map) + BLOCK - 1) / BLOCK * BLOCK;
	free(rs.v);

	pax_add(&pax, "GNU.sparse.major", "1");
	pax_add(&pax, "GNU.sparse.minor", "0");
	pax_add(&pax, "GNU.sparse.name", name);
	pax_add_u64(&pax, "GNU.sparse.realsize", in->size);
	sname = xasprintf("GNUSparseFile.0/%.80s", e->name);
	base_header(t, &h, sname, in->mode, maplen + rs.bytes, '0', &pax, in);
	r = emit(t, &h, pax, e->name);
	free(sname);
	if (r == 0)
		r = sink_write(&t->s, map, strlen(map), t->err);
	free(map);
	if (r == 0)
		r = sink_pad(&t->s, BLOCK, t->err);
	if (r == 0)
		r = sink_copy_file(&t->s, in->src, in->size, true, t->err);
	return r;
}

/* ---- entries ------------------------------------------------------------ */

static char *tar_name(const struct tree_entry *e)
{
	bool dir = S_ISDIR(e->inode->mode);

	if (!e->parent)
		return xstrdup("./");
	return xasprintf(".%s%s", e->path, dir ? "/" : "");
}

static int entry(struct tar_state *t, const struct tree_entry *e)
{
	struct tree_inode *in = e->inode;
	char *name = tar_name(e), *pax = NULL, type;
	uint64_t size = 0;
	struct ustar h;
	int r;

	if (in->first != e) {
		char *target = tar_name(in->first);

		base_header(t, &h, name, in->mode, 0, '1', &pax, in);
		copy_field(h.linkname, sizeof(h.linkname), target);
		if (strlen(target) > sizeof(h.linkname))
			pax_add(&pax, "linkpath", target);
		free(target);
		r = emit(t, &h, pax, e->name);
		free(name);
		return r;
	}
	switch (in->mode & S_IFMT) {
	case S_IFDIR: type = '5'; break;
	case S_IFLNK: type = '2'; break;
	case S_IFCHR: type = '3'; break;
	case S_IFBLK: type = '4'; break;
	case S_IFIFO: type = '6'; break;
	default:
		type = '0';
		size = in->size;
		if (in->size - in->data_blocks * TREE_BLOCK >= SPARSE_MIN &&
		    in->data_blocks * TREE_BLOCK < in->size) {
			r = sparse_file(t, e, name);
			free(name);
			return r;
		}
		break;
	}
	base_header(t, &h, name, in->mode, size, type, &pax, in);
	if (type == '2') {
		copy_field(h.linkname, sizeof(h.linkname), in->target);
		if (strlen(in->target) > sizeof(h.linkname))
			pax_add(&pax, "linkpath", in->target);
	}
	r = emit(t, &h, pax, e->name);
	free(name);
	if (r == 0 && size > 0) {
		r = sink_copy_file(&t->s, in->src, size, false, t->err);
		if (r == 0)
			r = sink_pad(&t->s, BLOCK, t->err);
	}
	return r;
}

static int write_tar(struct image_job *j, int fd, char **err)
{
	struct tar_state t = { .epoch = j->opts->epoch, .err = err };
	/* Late content must be ready before the first entry (see write_cpio). */
	int r = tree_run_late_hook(j->tree, err);

	if (r < 0)
		return r;
	r = sink_open(&t.s, fd, "the tar stream", false, err);
	for (size_t i = 0; i < j->tree->n && r == 0; i++)
		r = entry(&t, j->tree->order[i]);
	/* Two zero blocks end the archive; pad to a whole record as tar does. */
	if (r == 0)
		r = sink_zeros(&t.s, 2 * BLOCK, err);
	if (r == 0)
		r = sink_pad(&t.s, RECORD, err);
	sink_free(&t.s);
	return r;
}

static int tar_bz2_generate(struct image_job *j, char **err)
{
	const char *const argv[] = { tool_path("bzip2"), "-9", "-c", NULL };
	struct run_opts ro = { .in = { RUN_PIPE, NULL, 0 }, .out = { RUN_FILE, j->tmp, 0 } };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct run_child child;
	char *werr = NULL, *cerr = NULL;
	int r, rw;

	r = run_start(argv, &ro, &child, &cerr);
	if (r < 0) {
		*err = xasprintf("cannot compress the tar archive: %s (Debian: bzip2)", cerr);
		free(cerr);
		return r;
	}
	/* A bzip2 that dies must give us EPIPE, not kill us. */
	sigaction(SIGPIPE, &ign, &old);
	rw = write_tar(j, child.in_fd, &werr);
	r = run_wait(&child, &cerr);
	sigaction(SIGPIPE, &old, NULL);
	if (r < 0) {
		/* The child's failure explains a write error (EPIPE) too. */
		*err = xasprintf("cannot compress the tar archive: %s", cerr);
		free(cerr);
		free(werr);
		return -EIO;
	}
	if (rw < 0) {
		*err = werr;
		return rw;
	}
	return 0;
}

const struct image_handler image_tar_bz2 = {
	.type = "tar.bz2", .summary = "bzip2'd POSIX tar archive (numeric owners)",
	.caps = IMAGE_CAP_TAR_BZ2, .check_tool = "bzip2", .check_arg = "-t",
	.generate = tar_bz2_generate,
};
