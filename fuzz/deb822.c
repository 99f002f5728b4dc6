/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apt's Packages indexes (src/pkg/deb822.c, src/pkg/index.c) and what the
 * resolver does with them (src/pkg/relation.c, version.c, resolve.c): the
 * stanzas go into an index; every package's relations are parsed, its
 * versions compared, and the first package's closure resolved.
 */
#include "fuzz.h"
#include "pkg/pkg.h"

#include <stdlib.h>
#include <string.h>

struct names {
	char *v[64];
	size_t n;
};

struct ctx {
	struct deb_index *ix;
	struct names names;
};

static void add(struct deb_pkg *p, void *arg)
{
	struct ctx *c = arg;

	if (c->names.n < 64 && p->name)
		c->names.v[c->names.n++] = strdup(p->name);
	deb_index_add(c->ix, p);
}

static void exercise(const struct deb_index *ix, const char *name)
{
	size_t n = 0, np = 0;
	struct deb_pkg **same = deb_index_lookup(ix, name, &n), **prov;

	for (size_t i = 0; i < n; i++) {
		const struct deb_pkg *p = same[i];
		const char *fields[] = { p->pre_depends, p->depends, p->provides };
		char *src = NULL, *ver = NULL;

		for (size_t k = 0; k < 3; k++) {
			struct deb_relation r = { 0 };
			char *why = NULL;

			if (deb_relation_parse(fields[k], &r, &why) == 0)
				deb_relation_free(&r);
			free(why);
		}
		deb_source_of(p, &src, &ver);
		free(src);
		free(ver);
		(void)deb_version_cmp(p->version, same[0]->version);
		(void)deb_version_satisfies(p->version, ">=", same[0]->version);
	}
	prov = deb_index_providers(ix, name, &np);
	free(prov);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { .ix = deb_index_new("arm64") };
	char *err = NULL;

	if (deb822_parse("Packages", (const char *)data, size, add, &c, &err) == 0) {
		(void)deb_index_suggest(c.ix, "busybox");
		for (size_t i = 0; i < c.names.n; i++)
			exercise(c.ix, c.names.v[i]);
		if (c.names.n > 0) {
			const char *wanted[] = { c.names.v[0] };
			struct pkg_lock lock = { 0 };
			struct pkg_set set = { 0 };
			char *why = NULL;

			pkg_resolve(c.ix, wanted, 1, &lock, fuzz_scratch(), &set, &why);
			pkg_set_free(&set);
			free(why);
		}
	}
	free(err);
	for (size_t i = 0; i < c.names.n; i++)
		free(c.names.v[i]);
	deb_index_free(c.ix);
	return 0;
}
