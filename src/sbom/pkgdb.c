/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which Debian package a file came from.
 *
 * A sysroot (doc/packages.md) says it itself: .vmb/packages has one line
 * per package, "NAME ARCH VERSION SHA256 SOURCE SOURCE-VERSION", and
 * .vmb/files one per file, "PATH<TAB>NAME".
 *
 * The build machine (--with-userland=host) has dpkg's database: the
 * stanzas of ADMINDIR/status ("Package", "Status", "Architecture",
 * "Version", "Source: NAME (VERSION)") and ADMINDIR/info/PKG[:ARCH].list,
 * one path per line. Debian 12 is merged-/usr: packages still list
 * /lib/x86_64-linux-gnu/libc.so.6 while the file is found (and imported)
 * as /usr/lib/x86_64-linux-gnu/libc.so.6, because /lib is a link to usr/lib.
 * Paths are therefore compared in a canonical form, /usr/... for each of
 * /bin /sbin /lib /lib32 /lib64 /libx32 that is such a link in the root.
 * dpkg's diversions are not followed: a diverted file is attributed to the
 * package that lists its path.
 */
#include "sbom/sbom.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const usr_dirs[6] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };

/* dpkg's status file or a package list larger than this is not one. */
#define DB_FILE_MAX (256u << 20)

static void detect_merged(struct pkg_db *db)
{
	for (size_t i = 0; i < ARRAY_SIZE(usr_dirs); i++) {
		char *p = xasprintf("%s/%s", db->root, usr_dirs[i]), target[PATH_MAX];
		ssize_t n = readlink(p, target, sizeof(target) - 1);

		if (n > 0) {
			target[n] = '\0';
			char *want = xasprintf("usr/%s", usr_dirs[i]), *want_abs = xasprintf("/usr/%s", usr_dirs[i]);

			db->merged[i] = streq(target, want) || streq(target, want_abs);
			free(want);
			free(want_abs);
		}
		free(p);
	}
}

/* @path as a key: absolute, no "./", no doubled or trailing slashes, and
 * merged directories under /usr. */
static char *canonical(const struct pkg_db *db, const char *path)
{
	char *s = xmalloc(strlen(path) + 8), *o = s;

	*o++ = '/';
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || !p[1])) {
			p++;
			continue;
		}
		if (!*p)
			break;
		if (o[-1] != '/')
			*o++ = '/';
		while (*p && *p != '/')
			*o++ = *p++;
	}
	*o = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(usr_dirs); i++) {
		size_t n = strlen(usr_dirs[i]);

		if (db->merged[i] && strncmp(s + 1, usr_dirs[i], n) == 0 && (s[n + 1] == '/' || !s[n + 1])) {
			char *u = xasprintf("/usr%s", s);

			free(s);
			return u;
		}
	}
	return s;
}

static int load_text(const char *path, char **text, char **err)
{
	struct stat st;
	size_t len;
	int e;

	if (stat(path, &st) < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("cannot read '%s': not a regular file", path);
		return -1;
	}
	if ((uint64_t)st.st_size > DB_FILE_MAX) {
		*err = xasprintf("'%s' is %lld bytes, too large for a package list", path,
				 (long long)st.st_size);
		return -1;
	}
	if ((e = read_file(path, text, &len)) < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(-e));
		return -1;
	}
	return 0;
}

static size_t add_package(struct pkg_db *db, const struct pkg_info *p)
{
	db->v = xrealloc(db->v, (db->n + 1) * sizeof(*db->v));
	db->v[db->n] = *p;
	return db->n++;
}

static void add_path(struct pkg_db *db, const char *path, size_t pkg)
{
	char *key = canonical(db, path);

	/* The first package that lists a path keeps it (directories are listed
	 * by many; files by one, unless diverted). */
	if (!strmap_get(&db->by_path, key))
		strmap_put(&db->by_path, key, (void *)(uintptr_t)(pkg + 1));
	free(key);
}

/* ---- dpkg -------------------------------------------------------------- */

struct stanza {
	char *package, *status, *arch, *version, *source;
};

static void stanza_free(struct stanza *s)
{
	free(s->package);
	free(s->status);
	free(s->arch);
	free(s->version);
	free(s->source);
	*s = (struct stanza){ 0 };
}

static void read_list(struct pkg_db *db, const char *admindir, size_t pkg)
{
	const struct pkg_info *p = &db->v[pkg];
	char *path = xasprintf("%s/info/%s:%s.list", admindir, p->name, p->arch), *text = NULL, *err = NULL;

	if (access(path, R_OK) < 0) {
		free(path);
		path = xasprintf("%s/info/%s.list", admindir, p->name);
	}
	if (load_text(path, &text, &err) == 0) {
		for (char *l = text; *l;) {
			size_t n = strcspn(l, "\n");
			char c = l[n];

			l[n] = '\0';
			if (l[0] == '/')
				add_path(db, l, pkg);
			l += n + (c == '\n');
		}
	}
	/* A package without a list (a metapackage) owns no files. */
	free(err);
	free(text);
	free(path);
}

static void finish_stanza(struct pkg_db *db, const char *admindir, struct stanza *s)
{
	/* Only what is installed owns files: "install ok installed" (or hold). */
	if (s->package && s->version && s->status && endswith(s->status, " ok installed")) {
		struct pkg_info p = { .name = s->package, .version = s->version,
				      .arch = s->arch ? s->arch : xstrdup("all") };

		s->package = s->version = s->arch = NULL;
		if (s->source) {
			/* "Source: NAME" or "Source: NAME (VERSION)" */
			char *sp = strchr(s->source, ' ');

			if (sp && sp[1] == '(' && endswith(sp, ")")) {
				p.source_version = xstrndup(sp + 2, strlen(sp + 2) - 1);
				*sp = '\0';
			}
			p.source = s->source;
			s->source = NULL;
		} else {
			p.source = xstrdup(p.name);
		}
		if (!p.source_version)
			p.source_version = xstrdup(p.version);
		read_list(db, admindir, add_package(db, &p));
	}
	stanza_free(s);
}

int pkgdb_load_dpkg(struct pkg_db *db, const char *root, const char *admindir, char **err)
{
	char *status = xasprintf("%s/status", admindir), *text = NULL;
	struct stanza s = { 0 };
	int rc;

	*db = (struct pkg_db){ .root = xstrdup(root), .host = true };
	detect_merged(db);
	rc = load_text(status, &text, err);
	if (rc < 0) {
		char *e = *err;

		*err = xasprintf("%s (dpkg's database: is this a Debian machine? --dpkg-admindir "
				 "names another)", e);
		free(e);
	}
	for (char *l = text; rc == 0 && l && *l;) {
		size_t n = strcspn(l, "\n");
		char c = l[n];

		l[n] = '\0';
		if (!*l) {
			finish_stanza(db, admindir, &s);
		} else if (l[0] != ' ' && l[0] != '\t') {
			char *colon = strchr(l, ':');

			if (colon) {
				char *v = colon + 1;

				while (*v == ' ')
					v++;
				*colon = '\0';
				char **slot = streq(l, "Package") ? &s.package : streq(l, "Status") ? &s.status :
					      streq(l, "Architecture") ? &s.arch : streq(l, "Version") ? &s.version :
					      streq(l, "Source") ? &s.source : NULL;
				if (slot) {
					free(*slot);
					*slot = xstrdup(v);
				}
			}
		}
		l += n + (c == '\n');
	}
	finish_stanza(db, admindir, &s);
	free(text);
	free(status);
	if (rc < 0)
		pkgdb_free(db);
	return rc;
}

/* ---- the sysroot ----------------------------------------------------------- */

int pkgdb_load_sysroot(struct pkg_db *db, const char *sysroot, char **err)
{
	char *pkgs = xasprintf("%s/.vmb/packages", sysroot), *files = xasprintf("%s/.vmb/files", sysroot);
	char *text = NULL;
	struct strmap by_name = { 0 };
	unsigned line = 0;
	int rc;

	*db = (struct pkg_db){ .root = xstrdup(sysroot) };
	detect_merged(db);
	rc = load_text(pkgs, &text, err);
	for (char *l = text; rc == 0 && *l;) {
		size_t n = strcspn(l, "\n");
		char c = l[n], f[6][256];

		l[n] = '\0';
		line++;
		if (*l && *l != '#') {
			if (n > 1500 || sscanf(l, "%255s %255s %255s %255s %255s %255s", f[0], f[1], f[2], f[3],
					       f[4], f[5]) != 6) {
				*err = xasprintf("%s:%u: not 'NAME ARCH VERSION SHA256 SOURCE "
						 "SOURCE-VERSION'; run make again to remake the sysroot",
						 pkgs, line);
				rc = -1;
				break;
			}
			struct pkg_info p = { xstrdup(f[0]), xstrdup(f[1]), xstrdup(f[2]), xstrdup(f[4]),
					      xstrdup(f[5]), xstrdup(f[3]) };

			strmap_put(&by_name, p.name, (void *)(uintptr_t)(add_package(db, &p) + 1));
		}
		l += n + (c == '\n');
	}
	free(text);
	text = NULL;
	line = 0;
	if (rc == 0)
		rc = load_text(files, &text, err);
	for (char *l = text; rc == 0 && *l;) {
		size_t n = strcspn(l, "\n");
		char c = l[n], *tab;

		l[n] = '\0';
		line++;
		if (*l) {
			uintptr_t pkg;

			tab = strchr(l, '\t');
			if (!tab || !(pkg = (uintptr_t)strmap_get(&by_name, tab + 1))) {
				*err = xasprintf("%s:%u: %s; run make again to remake the sysroot", files, line,
						 tab ? "a package that .vmb/packages does not list" :
						 "not 'PATH<TAB>PACKAGE'");
				rc = -1;
				break;
			}
			*tab = '\0';
			add_path(db, l, pkg - 1);
		}
		l += n + (c == '\n');
	}
	free(text);
	strmap_free(&by_name);
	free(pkgs);
	free(files);
	if (rc < 0)
		pkgdb_free(db);
	return rc;
}

const struct pkg_info *pkgdb_owner(const struct pkg_db *db, const char *path)
{
	char *key = canonical(db, path);
	uintptr_t i = (uintptr_t)strmap_get(&db->by_path, key);

	free(key);
	return i ? &db->v[i - 1] : NULL;
}

void pkgdb_free(struct pkg_db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		free(db->v[i].name);
		free(db->v[i].arch);
		free(db->v[i].version);
		free(db->v[i].source);
		free(db->v[i].source_version);
		free(db->v[i].sha256);
	}
	free(db->v);
	strmap_free(&db->by_path);
	free(db->root);
	*db = (struct pkg_db){ 0 };
}
