/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle sysroot: the target architecture's Debian packages, resolved
 * against apt's index and the lock, fetched into the cache, unpacked into
 * one sysroot (doc/packages.md). --check resolves only, for configure.
 */
#include "commands.h"
#include "pkg/pkg.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/strlist.h"
#include "shared/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle sysroot --arch=DEBARCH --cache=DIR --lock=FILE --out=DIR\n"
	      "                        [--resolved=FILE] [--update] [--wanted=FILE] [PKG...]\n"
	      "       vmbundle sysroot --arch=DEBARCH --check [--lock=FILE] PKG...\n"
	      "Resolve Debian packages for a target architecture (with their Pre-Depends and\n"
	      "Depends), fetch them into a package cache and unpack them into a sysroot.\n"
	      "  --arch=DEBARCH   Debian architecture: amd64, arm64\n"
	      "  --cache=DIR      package cache (verified .debs in DIR/debs, trees in DIR/unpacked)\n"
	      "  --lock=FILE      honoured when it exists; written with new entries\n"
	      "  --update         resolve afresh from the index and rewrite the lock\n"
	      "  --out=DIR        the sysroot to make (replaced in one rename)\n"
	      "  --resolved=FILE  the resolved package list, rewritten only when it changes\n"
	      "  --wanted=FILE    package names, one per line ('#' comments), besides PKG...\n"
	      "  --index=FILE     read this Packages file instead of apt's indexes (repeatable)\n"
	      "  --offline        never download: every package must be in the cache\n"
	      "  --check          resolve only; print 'NAME VERSION' for each PKG\n",
	      f);
}

struct options {
	const char *arch, *cache, *lock, *out, *resolved, *wanted;
	char **indexes;
	size_t nindexes;
	bool update, offline, check;
};

static int read_wanted(const char *path, char ***v, size_t *n)
{
	char *text, *save = NULL;
	size_t len;
	int r = read_file(path, &text, &len);

	if (r < 0) {
		vmb_error("cannot read '%s': %s", path, strerror(-r));
		return -1;
	}
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		l[strcspn(l, " \t#\r")] = '\0';
		if (*l && !strlist_has(*v, *n, l))
			strlist_push(v, n, l);
	}
	free(text);
	return 0;
}

static int load_index(const struct options *o, struct deb_index *ix, char **err)
{
	if (o->nindexes == 0)
		return deb_index_add_apt(ix, err);
	for (size_t i = 0; i < o->nindexes; i++)
		if (deb_index_add_file(ix, o->indexes[i], err) < 0)
			return -1;
	return 0;
}

/* The lock with every resolved package in it: the old entries stay (another
 * configuration sharing the lock may need them) unless resolving afresh. */
static int write_lock(const struct options *o, const struct pkg_lock *old, bool existed,
		      const struct pkg_set *set, char **err)
{
	struct pkg_lock l = { 0 };
	bool changed = !existed || o->update;
	int r;

	if (!o->update)
		for (size_t i = 0; i < old->n; i++)
			pkg_lock_set(&l, old->v[i].name, old->v[i].arch, old->v[i].version, old->v[i].sha256);
	for (size_t i = 0; i < set->n; i++) {
		const struct deb_pkg *p = set->v[i].pkg;
		const struct pkg_lock_entry *e = pkg_lock_find(&l, p->name, p->arch);

		if (!e || !streq(e->version, p->version) || !streq(e->sha256, p->sha256)) {
			changed = true;
			pkg_lock_set(&l, p->name, p->arch, p->version, p->sha256);
		}
	}
	r = changed ? pkg_lock_write(o->lock, &l, err) : 0;
	pkg_lock_free(&l);
	return r;
}

static int run_sysroot(const struct options *o, char **wanted, size_t nwanted)
{
	struct deb_index *ix = deb_index_new(o->arch);
	struct pkg_lock lock = { 0 };
	struct pkg_set set = { 0 };
	bool existed = false;
	char *err = NULL, *text = NULL;
	int rc = 1;

	if (load_index(o, ix, &err) < 0) {
		err_while(&err, "reading apt's package index for %s", o->arch);
		goto out;
	}
	if (o->lock && !o->update && pkg_lock_read(o->lock, &lock, &existed, &err) < 0)
		goto out;
	if (pkg_resolve(ix, (const char *const *)wanted, nwanted, &lock, o->cache, &set, &err) < 0) {
		err_while(&err, "resolving the %zu wanted %s packages%s%s", nwanted, o->arch,
			  existed ? " against the lock " : "", existed ? o->lock : "");
		goto out;
	}
	if (o->check) {
		for (size_t i = 0; i < nwanted; i++)
			for (size_t j = 0; j < set.n; j++)
				if (streq(set.v[j].pkg->name, wanted[i]) ||
				    (startswith(wanted[i], set.v[j].pkg->name) &&
				     wanted[i][strlen(set.v[j].pkg->name)] == ':'))
					printf("%s %s\n", set.v[j].pkg->name, set.v[j].pkg->version);
		rc = 0;
		goto out;
	}
	if (pkg_fetch(o->cache, &set, o->offline, &err) < 0) {
		err_while(&err, "fetching %zu packages into the package cache '%s'", set.n, o->cache);
		goto out;
	}
	if (pkg_make_sysroot(o->cache, &set, o->out, &err) < 0) {
		err_while(&err, "unpacking the sysroot '%s'", o->out);
		goto out;
	}
	if (write_lock(o, &lock, existed, &set, &err) < 0)
		goto out;
	text = pkg_set_describe(&set);
	if (o->resolved && outfile_update(o->resolved, text, strlen(text), &err) < 0)
		goto out;
	printf("sysroot %s: %zu packages for %s\n", o->out, set.n, o->arch);
	rc = 0;
out:
	if (rc)
		vmb_report(err);
	free(err);
	free(text);
	pkg_set_free(&set);
	pkg_lock_free(&lock);
	deb_index_free(ix);
	return rc;
}

int cmd_sysroot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "cache", required_argument, NULL, 'c' },
		{ "lock", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "resolved", required_argument, NULL, 'r' },
		{ "wanted", required_argument, NULL, 'w' },
		{ "index", required_argument, NULL, 'i' },
		{ "update", no_argument, NULL, 'u' },
		{ "offline", no_argument, NULL, 'n' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	char **wanted = NULL;
	size_t nwanted = 0;
	int c, rc = 2;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "i");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'a': o.arch = optarg; break;
		case 'c': o.cache = optarg; break;
		case 'l': o.lock = optarg; break;
		case 'o': o.out = optarg; break;
		case 'r': o.resolved = optarg; break;
		case 'w': o.wanted = optarg; break;
		case 'i': strlist_push(&o.indexes, &o.nindexes, optarg); break;
		case 'u': o.update = true; break;
		case 'n': o.offline = true; break;
		case 'k': o.check = true; break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (!o.arch || (!o.check && (!o.cache || !o.lock || !o.out))) {
		vmb_error("--arch%s are required", o.check ? "" : ", --cache, --lock and --out");
		usage(stderr);
		goto out;
	}
	if (o.check) {
		const struct given_option unused[] = { { "out", o.out }, { "cache", o.cache },
						       { "resolved", o.resolved },
						       { "offline", o.offline } };

		if (options_unused("--check (it only resolves)", unused, ARRAY_SIZE(unused)))
			goto out;
	}
	if (!valid_object_name(o.arch)) {
		vmb_error("'%s' is not a Debian architecture name (amd64, arm64)", o.arch);
		goto out;
	}
	if (o.out) {
		struct stat st;

		if (lstat(o.out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			vmb_error("--out '%s' exists and is not a directory; it is not replaced",
				  o.out);
			rc = 1;
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		if (!strlist_has(wanted, nwanted, argv[i]))
			strlist_push(&wanted, &nwanted, argv[i]);
	if (o.wanted && read_wanted(o.wanted, &wanted, &nwanted) < 0) {
		rc = 1;
		goto out;
	}
	if (nwanted == 0) {
		vmb_error("no packages named (give PKG... or --wanted=FILE)");
		goto out;
	}
	rc = run_sysroot(&o, wanted, nwanted);
out:
	strlist_free(wanted, nwanted);
	strlist_free(o.indexes, o.nindexes);
	return rc;
}
