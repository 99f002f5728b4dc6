/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The closure of the wanted packages over Pre-Depends and Depends, the way
 * a minimal installation would resolve it, made deterministic:
 *   - a clause is satisfied by a package already chosen (or one that
 *     Provides the name), else by its first alternative that a real package
 *     satisfies, else by the first provider of a virtual name (by name);
 *   - a real package gets its locked version, else the newest that
 *     satisfies the relation;
 *   - packages are visited breadth first from the wanted list in order.
 * Recommends and Suggests are not followed: an image holds only what its
 * declarations name, so the sysroot needs what those programs need to run.
 */
#include "pkg/pkg.h"
#include "shared/vec.h"
#include "shared/run.h"
#include "sha256.h"
#include "shared/strlist.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>

struct resolver {
	struct deb_index *ix;
	const struct pkg_lock *lock;
	const char *cache_dir;
	struct pkg_set *set;
	struct namelist provided; /* names the chosen packages Provide */
};

static const struct pkg_lock_entry *locked(const struct resolver *rs, const char *name)
{
	const struct pkg_lock_entry *e = rs->lock ? pkg_lock_find(rs->lock, name,
								  deb_index_arch(rs->ix)) : NULL;

	return e ? e : rs->lock ? pkg_lock_find(rs->lock, name, "all") : NULL;
}

static void control_cb(struct deb_pkg *p, void *ctx)
{
	struct deb_pkg **out = ctx;

	if (*out)
		deb_pkg_free(p);
	else
		*out = p;
}

/* A locked version the index no longer has, from the cache's verified
 * .deb: its control fields, as if the index still listed it. */
static struct deb_pkg *from_cache(struct resolver *rs, const struct pkg_lock_entry *e)
{
	char *deb = pkg_deb_path(rs->cache_dir, e->name, e->version, e->arch), hex[SHA256_HEX_LEN + 1];
	const char *argv[] = { tool_path("dpkg-deb"), "--field", deb, NULL };
	struct deb_pkg *p = NULL;
	char *text = NULL, *err = NULL;
	size_t len = 0;

	if (!rs->cache_dir || sha256_file(deb, hex) < 0 || !streq(hex, e->sha256) ||
	    run_output(argv, NULL, &text, &len, &err) < 0)
		goto out;
	if (deb822_parse(deb, text, len, control_cb, &p, &err) == 0 && p) {
		free(p->sha256);
		p->sha256 = xstrdup(e->sha256);
		deb_index_add(rs->ix, p); /* the index owns it now */
	} else {
		deb_pkg_free(p);
		p = NULL;
	}
out:
	free(err);
	free(text);
	free(deb);
	return p;
}

/* The record to use for real package @name under an optional version
 * relation; NULL when there is none. A locked package that cannot be had is
 * an error (*err set, -1 in *fatal). */
static struct deb_pkg *best(struct resolver *rs, const char *name, const char *op,
			    const char *version, int *fatal, char **err)
{
	const struct pkg_lock_entry *e = locked(rs, name);
	struct deb_pkg **recs, *b = NULL;
	size_t n;

	recs = deb_index_lookup(rs->ix, name, &n);
	if (e) {
		for (size_t i = 0; i < n; i++)
			if (streq(recs[i]->version, e->version) && streq(recs[i]->arch, e->arch))
				return recs[i];
		b = from_cache(rs, e);
		if (b)
			return b;
		for (size_t i = 0; i < n; i++)
			if (!b || deb_version_cmp(recs[i]->version, b->version) > 0)
				b = recs[i];
		*err = xasprintf("package %s:%s is locked at version %s, which apt's index no longer "
				 "has (it has %s) and the package cache does not hold; run 'make "
				 "packages-update' to take the new version", name, e->arch, e->version,
				 b ? b->version : "none");
		*fatal = -1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (deb_version_satisfies(recs[i]->version, op, version) &&
		    (!b || deb_version_cmp(recs[i]->version, b->version) > 0))
			b = recs[i];
	return b;
}

static struct pkg_pick *chosen(const struct resolver *rs, const char *name)
{
	for (size_t i = 0; i < rs->set->n; i++)
		if (streq(rs->set->v[i].pkg->name, name))
			return &rs->set->v[i];
	return NULL;
}

static void choose(struct resolver *rs, struct deb_pkg *p, const char *wanted_by)
{
	struct pkg_pick *k = VEC_PUSH(rs->set->v, rs->set->n, rs->set->cap);
	struct deb_relation rel;
	char *why = NULL;

	k->pkg = p;
	k->wanted_by = wanted_by ? xstrdup(wanted_by) : NULL;
	if (p->provides && deb_relation_parse(p->provides, &rel, &why) == 0) {
		for (size_t c = 0; c < rel.n; c++)
			if (!namelist_has(&rs->provided, rel.clauses[c].alts[0].name))
				namelist_push(&rs->provided, rel.clauses[c].alts[0].name);
		deb_relation_free(&rel);
	}
	free(why);
}

static char *clause_text(const struct deb_clause *c)
{
	char *s = NULL;

	for (size_t i = 0; i < c->nalts; i++) {
		const struct deb_alt *a = &c->alts[i];

		strappendf(&s, "%s%s", i ? " | " : "", a->name);
		if (a->op)
			strappendf(&s, " (%s %s)", a->op, a->version);
	}
	return s;
}

/* Satisfy one clause of package @by. */
static int satisfy(struct resolver *rs, const struct deb_pkg *by, const struct deb_clause *c,
		   char **err)
{
	int fatal = 0;

	for (size_t i = 0; i < c->nalts; i++)
		if (chosen(rs, c->alts[i].name) || namelist_has(&rs->provided, c->alts[i].name))
			return 0;
	for (size_t i = 0; i < c->nalts; i++) {
		struct deb_pkg *p = best(rs, c->alts[i].name, c->alts[i].op, c->alts[i].version, &fatal,
					 err);

		if (fatal)
			return -1;
		if (p) {
			choose(rs, p, by->name);
			return 0;
		}
	}
	for (size_t i = 0; i < c->nalts; i++) {
		size_t n;
		struct deb_pkg **prov = deb_index_providers(rs->ix, c->alts[i].name, &n);
		struct deb_pkg *p = NULL;

		for (size_t j = 0; j < n && !p; j++)
			p = best(rs, prov[j]->name, NULL, NULL, &fatal, err);
		free(prov);
		if (fatal)
			return -1;
		if (p) {
			/* The name is provided from now on, even when the provider's
			 * own Provides field does not parse (choose() reads it again):
			 * otherwise every later clause naming it chose the provider
			 * once more, and the set grew for ever. */
			if (!chosen(rs, p->name))
				choose(rs, p, by->name);
			if (!namelist_has(&rs->provided, c->alts[i].name))
				namelist_push(&rs->provided, c->alts[i].name);
			return 0;
		}
	}
	char *text = clause_text(c);

	*err = xasprintf("package %s %s depends on '%s', which nothing in apt's index for %s "
			 "satisfies", by->name, by->version, text, deb_index_arch(rs->ix));
	free(text);
	return -1;
}

static int follow(struct resolver *rs, const struct deb_pkg *p, const char *field, char **err)
{
	struct deb_relation rel;
	char *why = NULL;
	int r = 0;

	if (deb_relation_parse(field, &rel, &why) < 0) {
		*err = xasprintf("package %s %s: its dependencies cannot be read: %s", p->name,
				 p->version, why);
		free(why);
		return -1;
	}
	for (size_t c = 0; c < rel.n && r == 0; c++)
		r = satisfy(rs, p, &rel.clauses[c], err);
	deb_relation_free(&rel);
	return r;
}

static int want(struct resolver *rs, const char *spec, char **err)
{
	char *name = xstrndup(spec, strcspn(spec, ":")), *arch = strchr(spec, ':');
	struct deb_pkg *p;
	int fatal = 0, r = 0;

	if (arch && !streq(arch + 1, deb_index_arch(rs->ix)) && !streq(arch + 1, "all") &&
	    !streq(arch + 1, "any")) {
		*err = xasprintf("package '%s' is for another architecture than this build's (%s)",
				 spec, deb_index_arch(rs->ix));
		free(name);
		return -1;
	}
	if (!chosen(rs, name)) {
		p = best(rs, name, NULL, NULL, &fatal, err);
		if (!p && !fatal) {
			size_t n;
			struct deb_pkg **prov = deb_index_providers(rs->ix, name, &n);

			if (n)
				*err = xasprintf("package '%s' is a virtual package; name one of its "
						 "providers (%s%s)", name, prov[0]->name, n > 1 ? ", ..." : "");
			else {
				const char *near = deb_index_suggest(rs->ix, name);

				*err = xasprintf("unknown package '%s': apt's index for %s has no such "
						 "package%s%s%s", name, deb_index_arch(rs->ix),
						 near ? " (did you mean '" : "", near ? near : "",
						 near ? "'?)" : "");
			}
			free(prov);
			r = -1;
		} else if (p) {
			choose(rs, p, NULL);
		} else {
			r = -1;
		}
	}
	free(name);
	return r;
}

static int pick_cmp(const void *a, const void *b)
{
	const struct pkg_pick *x = a, *y = b;

	return strcmp(x->pkg->name, y->pkg->name);
}

int pkg_resolve(struct deb_index *ix, const char *const *wanted, size_t nwanted,
		const struct pkg_lock *lock, const char *cache_dir, struct pkg_set *set,
		char **err)
{
	struct resolver rs = { ix, lock, cache_dir, set, { 0 } };
	int r = 0;

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < nwanted && r == 0; i++)
		r = want(&rs, wanted[i], err);
	/* set->v grows while it is walked: index, never pointers. */
	for (size_t i = 0; i < set->n && r == 0; i++) {
		const struct deb_pkg *p = set->v[i].pkg;

		r = follow(&rs, p, p->pre_depends, err);
		if (r == 0)
			r = follow(&rs, p, p->depends, err);
	}
	namelist_free(&rs.provided);
	if (r < 0) {
		pkg_set_free(set);
		return -1;
	}
	qsort(set->v, set->n, sizeof(*set->v), pick_cmp);
	return 0;
}

void pkg_set_free(struct pkg_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].wanted_by);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
