/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hashcache.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *key_of(const struct stat *st)
{
	return xasprintf("%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", (uintmax_t)st->st_dev,
			 (uintmax_t)st->st_ino, (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
			 st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

void hash_cache_open(struct hash_cache *c, const char *path)
{
	char *data = NULL, *p, *nl;
	size_t len;

	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	if (read_file(path, &data, &len) < 0) {
		c->used = xcalloc(1, sizeof(*c->used));
		return;
	}
	for (p = data; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*VEC_APPEND(c->lines, c->n) = xstrndup(p, (size_t)(nl - p));
	}
	c->used = xcalloc(c->n ? c->n : 1, sizeof(*c->used));
	free(data);
}

/* The index of @key's line, or c->n. */
static size_t find(const struct hash_cache *c, const char *key)
{
	size_t klen = strlen(key), i;

	for (i = 0; i < c->n; i++)
		if (strncmp(c->lines[i], key, klen) == 0 && c->lines[i][klen] == ' ')
			break;
	return i;
}

bool hash_cache_get(struct hash_cache *c, const struct stat *st, char sha[SHA256_HEX_LEN + 1],
		    uint64_t *allocated, uint32_t *regions)
{
	char *key, hex[SHA256_HEX_LEN + 1];
	uint64_t alloc;
	uint32_t runs;
	size_t i;
	char tail;
	bool hit;

	if (!c)
		return false;
	key = key_of(st);
	i = find(c, key);
	hit = i < c->n &&
	      sscanf(c->lines[i] + strlen(key), " %64[0-9a-f] %" SCNu64 " %" SCNu32 "%c", hex,
		     &alloc, &runs, &tail) == 3 &&
	      strlen(hex) == SHA256_HEX_LEN;
	if (hit) {
		memcpy(sha, hex, sizeof(hex));
		*allocated = alloc;
		*regions = runs;
		c->used[i] = true;
	}
	free(key);
	return hit;
}

void hash_cache_put(struct hash_cache *c, const struct stat *st,
		    const char sha[SHA256_HEX_LEN + 1], uint64_t allocated, uint32_t regions)
{
	char *key = key_of(st);
	char *line = xasprintf("%s %s %" PRIu64 " %" PRIu32, key, sha, allocated, regions);
	size_t i = find(c, key);

	free(key);
	if (i < c->n) {
		free(c->lines[i]);
	} else {
		c->lines = xrealloc(c->lines, (c->n + 1) * sizeof(*c->lines));
		c->used = xrealloc(c->used, (c->n + 1) * sizeof(*c->used));
		c->n++;
	}
	c->lines[i] = line;
	c->used[i] = true;
	c->dirty = true;
}

void hash_cache_close(struct hash_cache *c, bool prune)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!prune)
			c->used[i] = true;
		else if (!c->used[i])
			c->dirty = true; /* an entry to drop */
	}
	if (c->dirty) {
		char *tmp = xasprintf("%s.tmp", c->path);
		FILE *f = fopen(tmp, "we");
		bool ok = f != NULL;

		for (size_t i = 0; ok && i < c->n; i++)
			ok = !c->used[i] || fprintf(f, "%s\n", c->lines[i]) > 0;
		if (f && fclose(f) != 0)
			ok = false;
		if (!ok || rename(tmp, c->path) < 0)
			unlink(tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	free(c->used);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
