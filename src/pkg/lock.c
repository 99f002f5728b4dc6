/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package lock: which version of each package a build uses, with the
 * SHA-256 of its .deb, so a rebuild on another day or machine gets the same
 * bytes or says which package changed. One "NAME:ARCH VERSION SHA256" line
 * per package, sorted; '#' lines are comments.
 */
#include "pkg/pkg.h"
#include "shared/outfile.h"
#include "shared/vec.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static bool is_sha256(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return false;
	return n == 64;
}

int pkg_lock_read(const char *path, struct pkg_lock *l, bool *exists, char **err)
{
	char *text, *save = NULL;
	size_t len;
	unsigned line = 0;
	int r;

	memset(l, 0, sizeof(*l));
	*exists = false;
	r = read_file(path, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		*err = xasprintf("%s: cannot read the package lock: %s", path, strerror(-r));
		return r;
	}
	*exists = true;
	if (memchr(text, '\0', len)) {
		*err = xasprintf("%s: contains a NUL byte: not a package lock", path);
		free(text);
		return -EINVAL;
	}
	/* Lines are counted by hand: strtok_r would skip empty ones. */
	for (char *p = text; *p; ) {
		char *nl = strchr(p, '\n'), *name, *version, *sha, *extra, *colon;

		line++;
		if (nl)
			*nl = '\0';
		name = strtok_r(p, " \t", &save);
		version = name ? strtok_r(NULL, " \t", &save) : NULL;
		sha = version ? strtok_r(NULL, " \t", &save) : NULL;
		extra = sha ? strtok_r(NULL, " \t", &save) : NULL;
		p = nl ? nl + 1 : p + strlen(p);
		if (!name || name[0] == '#')
			continue;
		colon = strchr(name, ':');
		if (!sha || extra || !colon || colon == name || !colon[1] || !is_sha256(sha)) {
			*err = xasprintf("%s:%u: expected 'NAME:ARCH VERSION SHA256', got '%s%s%s%s%s'; "
					 "fix the line or remove the file to resolve afresh", path, line,
					 name, version ? " " : "", version ? version : "", sha ? " " : "",
					 sha ? sha : "");
			free(text);
			pkg_lock_free(l);
			return -EINVAL;
		}
		*colon = '\0';
		if (pkg_lock_find(l, name, colon + 1)) {
			*err = xasprintf("%s:%u: %s:%s is locked twice", path, line, name, colon + 1);
			free(text);
			pkg_lock_free(l);
			return -EINVAL;
		}
		pkg_lock_set(l, name, colon + 1, version, sha);
	}
	free(text);
	return 0;
}

const struct pkg_lock_entry *pkg_lock_find(const struct pkg_lock *l, const char *name,
					   const char *arch)
{
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i].name, name) && streq(l->v[i].arch, arch))
			return &l->v[i];
	return NULL;
}

void pkg_lock_set(struct pkg_lock *l, const char *name, const char *arch, const char *version,
		  const char *sha256)
{
	struct pkg_lock_entry *e = (struct pkg_lock_entry *)pkg_lock_find(l, name, arch);

	if (e) {
		free(e->version);
		free(e->sha256);
	} else {
		e = VEC_PUSH(l->v, l->n, l->cap);
		e->name = xstrdup(name);
		e->arch = xstrdup(arch);
	}
	e->version = xstrdup(version);
	e->sha256 = xstrdup(sha256);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct pkg_lock_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->arch, y->arch);
}

int pkg_lock_write(const char *path, const struct pkg_lock *l, char **err)
{
	struct pkg_lock_entry *sorted = xcalloc(l->n + 1, sizeof(*sorted));
	char *text = xstrdup("# vmbundle package lock (doc/packages.md): NAME:ARCH VERSION SHA256.\n"
			     "# Honoured by every build; 'make packages-update' resolves afresh.\n");
	int r;

	if (l->n) /* an empty lock has no array to copy */
		memcpy(sorted, l->v, l->n * sizeof(*sorted));
	qsort(sorted, l->n, sizeof(*sorted), entry_cmp);
	for (size_t i = 0; i < l->n; i++)
		strappendf(&text, "%s:%s %s %s\n", sorted[i].name, sorted[i].arch, sorted[i].version,
			   sorted[i].sha256);
	r = outfile_write(path, text, strlen(text), err);
	free(sorted);
	free(text);
	return r;
}

void pkg_lock_free(struct pkg_lock *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].arch);
		free(l->v[i].version);
		free(l->v[i].sha256);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
