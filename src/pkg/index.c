/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package index of one target architecture: every record apt knows for
 * it (and for "all"), grouped by package name. apt finds and decompresses
 * its own indexes (`apt-get indextargets`, `apt-helper cat-file`), so the
 * mirror, the suites and the compression are whatever the machine's apt
 * uses; we only read the records.
 */
#include "pkg/pkg.h"
#include "shared/vec.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NBUCKETS 8192u

struct name_entry {
	char *name;
	struct deb_pkg **recs;
	size_t n, cap;
	struct name_entry *next;
};

struct deb_index {
	char *arch;
	struct name_entry *buckets[NBUCKETS];
	struct deb_pkg **all;  /* every record, in the order added */
	size_t nall, capall;
};

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct deb_index *deb_index_new(const char *arch)
{
	struct deb_index *ix = xcalloc(1, sizeof(*ix));

	ix->arch = xstrdup(arch);
	return ix;
}

void deb_index_free(struct deb_index *ix)
{
	if (!ix)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		for (struct name_entry *e = ix->buckets[b], *next; e; e = next) {
			next = e->next;
			free(e->name);
			free(e->recs);
			free(e);
		}
	for (size_t i = 0; i < ix->nall; i++)
		deb_pkg_free(ix->all[i]);
	free(ix->all);
	free(ix->arch);
	free(ix);
}

const char *deb_index_arch(const struct deb_index *ix)
{
	return ix->arch;
}

size_t deb_index_size(const struct deb_index *ix)
{
	return ix->nall;
}

static struct name_entry *entry_of(const struct deb_index *ix, const char *name, bool create)
{
	uint32_t b = hash_name(name) % NBUCKETS;
	struct name_entry *e;

	for (e = ix->buckets[b]; e; e = e->next)
		if (streq(e->name, name))
			return e;
	if (!create)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(name);
	e->next = ix->buckets[b];
	((struct deb_index *)ix)->buckets[b] = e;
	return e;
}

void deb_index_add(struct deb_index *ix, struct deb_pkg *p)
{
	struct name_entry *e;

	if (!streq(p->arch, ix->arch) && !streq(p->arch, "all")) {
		deb_pkg_free(p);
		return;
	}
	/* The same record from two suites (a package unchanged in -updates):
	 * once is enough. */
	e = entry_of(ix, p->name, true);
	for (size_t i = 0; i < e->n; i++)
		if (streq(e->recs[i]->version, p->version) && streq(e->recs[i]->arch, p->arch)) {
			deb_pkg_free(p);
			return;
		}
	*VEC_PUSH(e->recs, e->n, e->cap) = p;
	*VEC_PUSH(ix->all, ix->nall, ix->capall) = p;
}

static void add_cb(struct deb_pkg *p, void *ctx)
{
	deb_index_add(ctx, p);
}

int deb_index_add_text(struct deb_index *ix, const char *name, const char *text, size_t len,
		       char **err)
{
	return deb822_parse(name, text, len, add_cb, ix, err);
}

int deb_index_add_file(struct deb_index *ix, const char *path, char **err)
{
	char *text;
	size_t len;
	struct stat st;
	int r;

	/* A FIFO would block the build for ever, a device read without end. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*err = xasprintf("package index '%s' is %s, not a file", path,
				 S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a directory"
				 : S_ISSOCK(st.st_mode) ? "a socket" : "a device");
		return -EINVAL;
	}
	r = read_file(path, &text, &len);
	if (r < 0) {
		*err = xasprintf("cannot read package index '%s': %s", path, strerror(-r));
		return r;
	}
	r = deb_index_add_text(ix, path, text, len, err);
	free(text);
	return r;
}

int deb_index_add_apt(struct deb_index *ix, char **err)
{
	char *archq = xasprintf("Architecture: %s", ix->arch), *list = NULL, *save = NULL;
	const char *argv[] = { tool_path("apt-get"), "indextargets", "--format", "$(FILENAME)",
			       "Created-By: Packages", archq, NULL };
	size_t len, nread = 0;
	int r;

	r = run_output(argv, NULL, &list, &len, err);
	free(archq);
	if (r < 0) {
		char *e = *err;

		*err = xasprintf("cannot list apt's package indexes: %s", e);
		free(e);
		return -1;
	}
	for (char *f = strtok_r(list, "\n", &save); f && r == 0; f = strtok_r(NULL, "\n", &save)) {
		const char *cat[] = { "/usr/lib/apt/apt-helper", "cat-file", f, NULL };
		char *text;

		if (access(f, R_OK) < 0)
			continue; /* configured, but not downloaded (apt-get update not run) */
		r = run_output(cat, NULL, &text, &len, err);
		if (r == 0) {
			r = deb_index_add_text(ix, f, text, len, err);
			free(text);
			nread++;
		}
	}
	free(list);
	if (r == 0 && nread == 0) {
		*err = xasprintf("apt has no package index for architecture %s; run 'dpkg "
				 "--add-architecture %s && apt-get update' (build-aux/install-deps does)",
				 ix->arch, ix->arch);
		r = -1;
	}
	return r;
}

struct deb_pkg **deb_index_lookup(const struct deb_index *ix, const char *name, size_t *n)
{
	struct name_entry *e = entry_of(ix, name, false);

	*n = e ? e->n : 0;
	return e ? e->recs : NULL;
}

static int provider_cmp(const void *a, const void *b)
{
	const struct deb_pkg *x = *(struct deb_pkg *const *)a, *y = *(struct deb_pkg *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : -deb_version_cmp(x->version, y->version);
}

struct deb_pkg **deb_index_providers(const struct deb_index *ix, const char *name, size_t *n)
{
	struct deb_pkg **v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < ix->nall; i++) {
		struct deb_relation rel;
		char *why = NULL;
		const char *pv = ix->all[i]->provides;

		if (!pv || !strstr(pv, name) || deb_relation_parse(pv, &rel, &why) < 0) {
			free(why);
			continue;
		}
		for (size_t c = 0; c < rel.n; c++)
			if (streq(rel.clauses[c].alts[0].name, name)) {
				*VEC_PUSH(v, *n, cap) = ix->all[i];
				break;
			}
		deb_relation_free(&rel);
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), provider_cmp);
	return v;
}

const char *deb_index_suggest(const struct deb_index *ix, const char *name)
{
	const char **names = xcalloc(ix->nall + 1, sizeof(*names));
	const char *best;
	size_t n = 0;

	/* Only names of a similar length can be close: keeps this cheap. */
	for (size_t i = 0; i < ix->nall; i++) {
		size_t l = strlen(ix->all[i]->name), want = strlen(name);

		if (l + 3 >= want && l <= want + 16 && (n == 0 || !streq(names[n - 1], ix->all[i]->name)))
			names[n++] = ix->all[i]->name;
	}
	best = closest_word(name, names, n);
	free(names);
	return best;
}
