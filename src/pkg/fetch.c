/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package cache's .deb files. apt does the downloading (its mirror,
 * proxy and authentication settings are the machine's); we ask for exact
 * versions, into a private temporary directory, and only a file whose
 * SHA-256 is the index's (or the lock's) is renamed into CACHE/debs/. A
 * cache can therefore be shared between build trees and machines: every
 * file in it is verified before it is used.
 */
#include "pkg/pkg.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "sha256.h"
#include "shared/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

char *pkg_deb_path(const char *cache_dir, const char *name, const char *version,
		   const char *arch)
{
	char *v = NULL;

	for (const char *p = version; *p; p++)
		if (*p == ':')
			strappendf(&v, "%%3a");
		else
			strappendf(&v, "%c", *p);
	char *path = xasprintf("%s/debs/%s_%s_%s.deb", cache_dir, name, v, arch);

	free(v);
	return path;
}

bool pkg_deb_cached(const char *cache_dir, const struct deb_pkg *p)
{
	char *path = pkg_deb_path(cache_dir, p->name, p->version, p->arch), hex[SHA256_HEX_LEN + 1];
	bool ok = p->sha256 && sha256_file(path, hex) == 0 && streq(hex, p->sha256);

	free(path);
	return ok;
}

/* Move the downloaded file for @p from @tmp into the cache, verified. */
static int adopt(const char *cache_dir, const char *tmp, const struct deb_pkg *p, char **err)
{
	char *dest = pkg_deb_path(cache_dir, p->name, p->version, p->arch);
	char *src = xasprintf("%s/%s", tmp, strrchr(dest, '/') + 1), hex[SHA256_HEX_LEN + 1];
	int r = sha256_file(src, hex);

	if (r < 0) {
		*err = xasprintf("apt-get download did not leave %s for %s %s: %s", strrchr(dest, '/') + 1,
				 p->name, p->version, strerror(-r));
	} else if (!streq(hex, p->sha256)) {
		*err = xasprintf("downloaded %s %s (%s) has SHA-256 %s, but apt's index says %s; the "
				 "mirror or a proxy served other bytes: try again later", p->name,
				 p->version, p->arch, hex, p->sha256);
		r = -1;
	} else if (rename(src, dest) < 0) {
		*err = xasprintf("cannot move %s into the package cache: %s", src, strerror(errno));
		r = -1;
	}
	free(src);
	free(dest);
	return r;
}

int pkg_fetch(const char *cache_dir, const struct pkg_set *set, bool offline, char **err)
{
	char *debs = xasprintf("%s/debs", cache_dir), *tmp = NULL;
	const char **argv = xcalloc(set->n + 8, sizeof(*argv));
	char **specs = xcalloc(set->n + 1, sizeof(*specs));
	size_t nargs = 0, nmissing = 0;
	int r = mkdir_p(debs, 0755);

	if (r < 0) {
		*err = xasprintf("cannot create the package cache '%s': %s", debs, strerror(-r));
		goto out;
	}
	argv[nargs++] = "apt-get";
	argv[nargs++] = "download";
	argv[nargs++] = "-q";
	/* As root, apt would hand the download to its sandbox user, who cannot
	 * write our directory (and says so on every package). */
	if (geteuid() == 0) {
		argv[nargs++] = "-o";
		argv[nargs++] = "APT::Sandbox::User=root";
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct deb_pkg *p = set->v[i].pkg;

		if (pkg_deb_cached(cache_dir, p))
			continue;
		if (!p->sha256) {
			*err = xasprintf("package %s %s has no SHA-256 in apt's index; it cannot be "
					 "verified, so it is not used", p->name, p->version);
			r = -1;
			goto out;
		}
		if (offline) {
			*err = xasprintf("package %s %s (%s) is not in the package cache %s and "
					 "downloading is off", p->name, p->version, p->arch, cache_dir);
			r = -1;
			goto out;
		}
		specs[nmissing] = xasprintf("%s:%s=%s", p->name, p->arch, p->version);
		argv[nargs++] = specs[nmissing++];
	}
	if (nmissing == 0)
		goto out;
	tmp = xasprintf("%s/partial-XXXXXX", cache_dir);
	if (!mkdtemp(tmp)) {
		*err = xasprintf("cannot make a download directory in '%s': %s", cache_dir,
				 strerror(errno));
		r = -1;
		goto out;
	}
	/* apt checks the index's hashes as well; ours is the one that counts. */
	r = run(argv, &(struct run_opts){ .out = { RUN_NULL, NULL, 0 }, .dir = tmp }, err);
	if (r < 0) {
		char *e = *err;

		*err = xasprintf("cannot download %zu package%s with apt (%s ...): %s", nmissing,
				 nmissing == 1 ? "" : "s", specs[0], e);
		free(e);
	}
	for (size_t i = 0; i < set->n && r == 0; i++)
		if (!pkg_deb_cached(cache_dir, set->v[i].pkg))
			r = adopt(cache_dir, tmp, set->v[i].pkg, err);
out:
	if (tmp && remove_tree(tmp) < 0 && r == 0) {
		*err = xasprintf("cannot remove the download directory '%s'", tmp);
		r = -1;
	}
	for (size_t i = 0; i < nmissing; i++)
		free(specs[i]);
	free(specs);
	free(argv);
	free(tmp);
	free(debs);
	return r < 0 ? -1 : 0;
}
