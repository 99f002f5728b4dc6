/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target software from Debian packages (doc/packages.md): apt's indexes are
 * read, the wanted packages' dependency closure is resolved against them and
 * a lock file, the .debs are fetched into a cache and verified, and every
 * package is unpacked once into the cache and linked into a sysroot.
 *
 * The steps, one file each:
 *   deb822.c    the stanza format of Packages indexes and .deb control files
 *   version.c   Debian version comparison (dpkg's rules)
 *   index.c     loading apt's indexes for an architecture; lookups by name
 *   relation.c  Depends-style relation fields: clauses, alternatives, versions
 *   resolve.c   the closure of the wanted packages over Pre-Depends/Depends
 *   lock.c      the lock file: read, honour, write
 *   fetch.c     apt-get download into the cache, SHA-256 verified
 *   unpack.c    dpkg-deb -x once per package; the sysroot as a link farm
 *   cmd-sysroot.c  the command
 *
 * Errors come back as malloc'd messages naming the package, file and line
 * where there is one, and what to do; nothing here prints or exits.
 */
#ifndef VMB_PKG_H
#define VMB_PKG_H

#include <stdbool.h>
#include <stddef.h>

/* ---- deb822.c ------------------------------------------------------------- */

/* One stanza: the fields a resolver needs, copied out (NULL when absent). */
struct deb_pkg {
	char *name, *arch, *version;
	char *pre_depends, *depends, *provides;
	char *filename, *sha256, *source, *multi_arch;
	unsigned long long size;
};

void deb_pkg_free(struct deb_pkg *p);

/* Call @fn for every stanza of @text (a Packages index or `dpkg-deb -f`
 * output); @fn takes ownership of the record. Stanzas without Package,
 * Version or Architecture are skipped. A line that is neither a field nor a
 * continuation is an error naming @name:line. */
int deb822_parse(const char *name, const char *text, size_t len,
		 void (*fn)(struct deb_pkg *p, void *ctx), void *ctx, char **err);

/* The source package and its version: "Source: foo (1.2-1)", "Source: foo",
 * or none (the binary package's own name and version). Malloc'd. */
void deb_source_of(const struct deb_pkg *p, char **name, char **version);

/* ---- version.c ------------------------------------------------------------ */

/* <0, 0, >0 as @a sorts before, equal to or after @b (epoch, upstream with
 * '~' sorting before everything, revision). */
int deb_version_cmp(const char *a, const char *b);

/* Does @version satisfy "@op @want" (op one of << <= = >= >>)? */
bool deb_version_satisfies(const char *version, const char *op, const char *want);

/* ---- index.c -------------------------------------------------------------- */

struct deb_index;

/* An empty index for architecture @arch (amd64, arm64): records of @arch and
 * of "all" are kept, others dropped. */
struct deb_index *deb_index_new(const char *arch);
void deb_index_free(struct deb_index *ix);
/* Add every stanza of a Packages text. */
int deb_index_add_text(struct deb_index *ix, const char *name, const char *text, size_t len,
		       char **err);
/* Add a Packages file (plain text), for tests and --index. */
int deb_index_add_file(struct deb_index *ix, const char *path, char **err);
/* apt's own indexes for the architecture (apt-get indextargets, decompressed
 * by apt-helper cat-file). An architecture apt has no index for is an error
 * that says how to add it. */
int deb_index_add_apt(struct deb_index *ix, char **err);
/* Take ownership of one record (a .deb's own control, for a locked version
 * the index no longer has). */
void deb_index_add(struct deb_index *ix, struct deb_pkg *p);

const char *deb_index_arch(const struct deb_index *ix);
size_t deb_index_size(const struct deb_index *ix);
/* Every record named @name (all versions), in the order they were added;
 * *n says how many. */
struct deb_pkg **deb_index_lookup(const struct deb_index *ix, const char *name, size_t *n);
/* The records that Provide @name, sorted by package name then version
 * (newest first). Caller frees the array (not the records). */
struct deb_pkg **deb_index_providers(const struct deb_index *ix, const char *name, size_t *n);
/* The package names closest to @name, for "did you mean". */
const char *deb_index_suggest(const struct deb_index *ix, const char *name);

/* ---- relation.c ----------------------------------------------------------- */

struct deb_alt {
	char *name;     /* without the :arch qualifier */
	char *archq;    /* "any", "native", an architecture, or NULL */
	char *op;       /* "<<", "<=", "=", ">=", ">>", or NULL */
	char *version;  /* NULL when op is */
};

struct deb_clause {
	struct deb_alt *alts;
	size_t nalts;
};

struct deb_relation {
	struct deb_clause *clauses;
	size_t n;
};

/* Parse "a (>= 1), b | c:any, d" (empty or NULL: no clauses). A malformed
 * field is an error saying what is wrong with which part. */
int deb_relation_parse(const char *text, struct deb_relation *r, char **why);
void deb_relation_free(struct deb_relation *r);

/* ---- lock.c --------------------------------------------------------------- */

struct pkg_lock_entry {
	char *name, *arch, *version, *sha256;
};

struct pkg_lock {
	struct pkg_lock_entry *v;
	size_t n, cap;
};

/* Read @path; a missing file is an empty lock. Errors name path:line. */
int pkg_lock_read(const char *path, struct pkg_lock *l, bool *exists, char **err);
const struct pkg_lock_entry *pkg_lock_find(const struct pkg_lock *l, const char *name,
					   const char *arch);
void pkg_lock_set(struct pkg_lock *l, const char *name, const char *arch, const char *version,
		  const char *sha256);
/* Write the lock sorted, through a temporary file renamed into place. */
int pkg_lock_write(const char *path, const struct pkg_lock *l, char **err);
void pkg_lock_free(struct pkg_lock *l);

/* ---- resolve.c ------------------------------------------------------------ */

/* A resolved package and why it is there (for messages and the SBOM). */
struct pkg_pick {
	struct deb_pkg *pkg;  /* owned by the index */
	char *wanted_by;      /* NULL for a package asked for by name */
};

struct pkg_set {
	struct pkg_pick *v;
	size_t n, cap;
};

/* The closure of @wanted ("name" or "name:arch") over Pre-Depends and
 * Depends. A package in @lock keeps its locked version: when the index has
 * no such record, @cache_dir's copy of the .deb (verified) provides its
 * control data; otherwise the error names both versions. @set is sorted by
 * name on return. */
int pkg_resolve(struct deb_index *ix, const char *const *wanted, size_t nwanted,
		const struct pkg_lock *lock, const char *cache_dir, struct pkg_set *set,
		char **err);
void pkg_set_free(struct pkg_set *s);

/* ---- fetch.c -------------------------------------------------------------- */

/* CACHE/debs/NAME_VERSION_ARCH.deb (':' in a version written "%3a", as apt
 * does). Malloc'd. */
char *pkg_deb_path(const char *cache_dir, const char *name, const char *version,
		   const char *arch);
/* Is the cached .deb there with the record's SHA-256? */
bool pkg_deb_cached(const char *cache_dir, const struct deb_pkg *p);
/* Make every package of @set present in the cache: one `apt-get download`
 * for those missing (unless @offline: then a missing one is an error), each
 * verified against its SHA-256 before it is renamed into the cache. */
int pkg_fetch(const char *cache_dir, const struct pkg_set *set, bool offline, char **err);

/* ---- unpack.c ------------------------------------------------------------- */

/* Unpack each package once into CACHE/unpacked/NAME_VERSION_ARCH/, then
 * build @out from them (hard links, copies across filesystems) through a
 * temporary directory renamed over the old @out. Writes @out/.vmb/packages
 * and @out/.vmb/files (doc/packages.md). */
int pkg_make_sysroot(const char *cache_dir, const struct pkg_set *set, const char *out,
		     char **err);
/* The text of OUT/.vmb/packages for @set (also the "resolved" file). */
char *pkg_set_describe(const struct pkg_set *set);

#endif
