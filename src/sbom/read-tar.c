/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The regular files of a tar.bz2 image: bzip2 -dc (through the runner)
 * into a ustar/GNU/pax reader. Long names come as pax "path" records or
 * GNU 'L'/'K' entries; a hard link ('1') gets the digests of the file it
 * names; a sparse file in the GNU sparse format 1.0 (pax GNU.sparse.*
 * records, the map at the start of the data; what vmbundle mkimage writes)
 * is hashed as its real content, holes as zeros.
 */
#include "sbom/sbom.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCK 512
#define TEXT_MAX 65536          /* a long name or pax header larger than this is not ours */
#define SPARSE_MAP_MAX 100000   /* data runs in one sparse file */

struct tar_in {
	int fd;
	const char *archive;
	char **err;
};

static int read_exact(struct tar_in *t, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(t->fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Read @n bytes into @d (NULL: skip them). */
static int stream(struct tar_in *t, uint64_t n, struct digest *d)
{
	static char buf[1 << 16];

	while (n > 0) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);

		if (read_exact(t, buf, k) < 0)
			return -1;
		if (d)
			digest_update(d, buf, k);
		n -= k;
	}
	return 0;
}

static void zeros(struct digest *d, uint64_t n)
{
	static const char z[1 << 16];

	while (n > 0) {
		size_t k = n < sizeof(z) ? (size_t)n : sizeof(z);

		digest_update(d, z, k);
		n -= k;
	}
}

static uint64_t padding(uint64_t size)
{
	return (BLOCK - size % BLOCK) % BLOCK;
}

/* Octal, or base-256 when the first byte has its top bit set. */
static bool tar_number(const unsigned char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return false;
			v = (v << 8) | p[i];
		}
		*out = v;
		return true;
	}
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 61)
			return false;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return i == n || p[i] == '\0' || p[i] == ' ';
}

/* Entry data of @size bytes (and its padding) as a string, or NULL. */
static char *read_text(struct tar_in *t, uint64_t size)
{
	char *s;

	if (size > TEXT_MAX)
		return NULL;
	s = xmalloc((size_t)size + 1);
	if (read_exact(t, s, (size_t)size) < 0 || stream(t, padding(size), NULL) < 0) {
		free(s);
		return NULL;
	}
	s[size] = '\0';
	return s;
}

/* What the next entry's pax header and GNU long entries say. */
struct pending {
	char *path, *link, *sparse_name;
	uint64_t realsize;
	bool sparse;
};

static void pending_free(struct pending *p)
{
	free(p->path);
	free(p->link);
	free(p->sparse_name);
	*p = (struct pending){ 0 };
}

/* pax records: "LEN KEY=VALUE\n"... */
static bool parse_pax(const char *rec, size_t size, struct pending *p)
{
	const char *at = rec, *end = rec + size;

	while (at < end) {
		char *sp;
		unsigned long len = strtoul(at, &sp, 10);

		if (*sp != ' ' || len < 4 || len > (unsigned long)(end - at) || at[len - 1] != '\n')
			return false;
		const char *key = sp + 1, *eq = memchr(key, '=', (size_t)(at + len - key));

		if (!eq)
			return false;
		size_t klen = (size_t)(eq - key), vlen = (size_t)(at + len - 1 - (eq + 1));
		char *value = xstrndup(eq + 1, vlen);

		if (klen == 4 && !strncmp(key, "path", 4)) {
			free(p->path);
			p->path = value;
		} else if (klen == 8 && !strncmp(key, "linkpath", 8)) {
			free(p->link);
			p->link = value;
		} else if (klen == 15 && !strncmp(key, "GNU.sparse.name", 15)) {
			free(p->sparse_name);
			p->sparse_name = value;
		} else if (klen == 19 && !strncmp(key, "GNU.sparse.realsize", 19)) {
			p->realsize = strtoull(value, NULL, 10);
			free(value);
		} else if (klen == 16 && !strncmp(key, "GNU.sparse.major", 16)) {
			p->sparse = streq(value, "1");
			free(value);
		} else {
			free(value);
		}
		at += len;
	}
	return true;
}

/* One decimal number and its newline from the sparse map, counting bytes. */
static int map_number(struct tar_in *t, uint64_t *v, uint64_t *used)
{
	char c;
	int digits = 0;

	*v = 0;
	for (;;) {
		if (read_exact(t, &c, 1) < 0)
			return -1;
		(*used)++;
		if (c == '\n')
			return digits ? 0 : -1;
		if (c < '0' || c > '9' || ++digits > 19)
			return -1;
		*v = *v * 10 + (uint64_t)(c - '0');
	}
}

/* A sparse file's content: the map, then its data runs; holes are zeros. */
static int sparse_content(struct tar_in *t, uint64_t size, const struct pending *p, struct digests *out)
{
	uint64_t used = 0, runs, pos = 0, data = 0;
	uint64_t (*map)[2] = NULL;
	struct digest *d = digest_new();
	int rc = -1;

	if (map_number(t, &runs, &used) < 0 || runs > SPARSE_MAP_MAX)
		goto out;
	map = xcalloc((size_t)runs + 1, sizeof(*map));
	for (uint64_t i = 0; i < runs; i++)
		if (map_number(t, &map[i][0], &used) < 0 || map_number(t, &map[i][1], &used) < 0)
			goto out;
	/* The map is padded to a block; then come the runs, back to back. */
	if (stream(t, padding(used), NULL) < 0)
		goto out;
	used += padding(used);
	for (uint64_t i = 0; i < runs; i++) {
		if (map[i][0] < pos || map[i][0] + map[i][1] > p->realsize || used + data + map[i][1] > size)
			goto out;
		zeros(d, map[i][0] - pos);
		if (stream(t, map[i][1], d) < 0)
			goto out;
		data += map[i][1];
		pos = map[i][0] + map[i][1];
	}
	zeros(d, p->realsize - pos);
	rc = stream(t, size - used - data + padding(size), NULL);
out:
	digest_finish(d, out);
	free(map);
	return rc;
}

static int read_entries(struct tar_in *t, struct img_listing *l)
{
	const char *archive = t->archive;
	unsigned char h[BLOCK];
	struct pending pend = { 0 };
	size_t first_new = l->n;

	for (;;) {
		uint64_t size;
		char *name, *p;
		int rc = 0;

		if (read_exact(t, h, BLOCK) < 0) {
			*t->err = xasprintf("%s: the archive ends without its end-of-archive blocks; is it "
					    "a complete tar.bz2?", archive);
			break;
		}
		if (h[0] == '\0') {
			pending_free(&pend);
			return 0;
		}
		if (memcmp(h + 257, "ustar", 5) != 0 || !tar_number(h + 124, 12, &size) || size > (1ULL << 50)) {
			*t->err = xasprintf("%s: not a tar archive (a header without the ustar magic or "
					    "with a bad size)", archive);
			break;
		}
		char type = (char)h[156];

		if (type == 'L' || type == 'K' || type == 'x') {
			char *text = read_text(t, size);

			if (!text || (type == 'x' && !parse_pax(text, (size_t)size, &pend))) {
				*t->err = xasprintf("%s: a long name or pax header of %llu bytes is damaged",
						    archive, (unsigned long long)size);
				free(text);
				break;
			}
			if (type == 'L' || type == 'K') {
				char **slot = type == 'L' ? &pend.path : &pend.link;

				free(*slot);
				*slot = text;
			} else {
				free(text);
			}
			continue;
		}
		if (pend.sparse && pend.sparse_name)
			name = xstrdup(pend.sparse_name);
		else if (pend.path)
			name = xstrdup(pend.path);
		else if (h[345])
			name = xasprintf("%.155s/%.100s", (char *)h + 345, (char *)h);
		else
			name = xasprintf("%.100s", (char *)h);
		p = img_entry_path(archive, name, t->err);
		if (!p) {
			free(name);
			break;
		}
		if ((type == '0' || type == '\0' || type == '7') && pend.sparse) {
			struct digests dg;

			rc = sparse_content(t, size, &pend, &dg);
			if (rc == 0)
				img_add(l, p, pend.realsize, size, 0, &dg);
		} else if (type == '0' || type == '\0' || type == '7') {
			struct digest *d = digest_new();
			struct digests dg;

			rc = stream(t, size, d) < 0 || stream(t, padding(size), NULL) < 0 ? -1 : 0;
			digest_finish(d, &dg);
			if (rc == 0)
				img_add(l, p, size, size, 0, &dg);
		} else {
			if (type == '1') {
				char *linkname = pend.link ? xstrdup(pend.link) : xasprintf("%.100s", (char *)h + 157);
				char *target = img_entry_path(archive, linkname, t->err);

				free(linkname);
				if (!target) {
					free(p);
					free(name);
					break;
				}
				for (size_t j = first_new; j < l->n; j++)
					if (streq(l->files[j].path, target)) {
						struct digests dg = l->files[j].d;
						uint64_t sz = l->files[j].size;

						img_add(l, p, sz, 0, 0, &dg);
						break;
					}
				free(target);
			}
			rc = stream(t, size + padding(size), NULL);
		}
		pending_free(&pend);
		free(p);
		if (rc < 0) {
			*t->err = xasprintf("%s: truncated or damaged in '%s'", archive, name);
			free(name);
			break;
		}
		free(name);
	}
	pending_free(&pend);
	return -1;
}

int img_read_tar_bz2(const char *path, struct img_listing *l, char **err)
{
	const char *argv[] = { tool_path("bzip2"), "-dc", path, NULL };
	struct run_opts ro = { .out = { RUN_PIPE, NULL, -1 } };
	struct run_child c;
	struct tar_in t = { .archive = path, .err = err };
	char *werr = NULL, drain[4096];
	int rc;

	if (run_start(argv, &ro, &c, err) < 0)
		return -1;
	t.fd = c.out_fd;
	rc = read_entries(&t, l);
	/* What is left (the closing blocks) is read, so bzip2 ends cleanly. */
	while (read(t.fd, drain, sizeof(drain)) > 0)
		;
	if (run_wait(&c, &werr) < 0) {
		if (rc == 0)
			*err = xasprintf("%s: %s (Debian: bzip2)", path, werr);
		else
			strappendf(err, " (%s)", werr);
		rc = -1;
	}
	free(werr);
	return rc;
}
