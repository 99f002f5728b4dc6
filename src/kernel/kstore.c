/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-store entries, their manifests, and mirrors (see kstore.h).
 *
 * Nothing from a mirror is trusted: the manifest is fetched first, only the
 * names it lists are fetched (plain names, so no path can escape the entry),
 * into a temporary directory of the store, and the whole entry is checked
 * against the manifest before it is renamed into place. The rename makes
 * concurrent fetchers and builders safe: whoever comes second finds the
 * entry there and drops its own copy (same key, same content).
 */
#include "kernel/kstore.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/run.h"
#include "sha256.h"
#include "shared/tool.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAGIC "vmbundle kernel-store entry 1"
/* What every entry must have; the rest (modules.tgz, reports) is optional. */
static const char *const required[] = { "image", "config", "System.map" };

struct mfile {
	char *name;
	char sha[SHA256_HEX_LEN + 1];
	long long size;
};

struct manifest {
	char *key;
	struct mfile *files;
	size_t nfiles;
};

static void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].name);
	free(m->files);
	free(m->key);
	memset(m, 0, sizeof(*m));
}

/* A file name an entry may hold: no directory, no dot file, nothing a URL
 * or a shell would read differently. */
static bool entry_name_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 128 || streq(s, KSTORE_MANIFEST))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool key_ok(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n > 0 && n <= SHA256_HEX_LEN && !s[n];
}

static bool is_hex64(const char *s)
{
	return strspn(s, "0123456789abcdef") == SHA256_HEX_LEN && !s[SHA256_HEX_LEN];
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kstore_write_manifest(const char *entry, const char *key, char **err)
{
	DIR *d = opendir(entry);
	char **names = NULL, *text = NULL, *tmp = NULL, *path = NULL;
	size_t n = 0;
	int rc = -1;
	struct dirent *de;

	if (!d) {
		*err = xasprintf("cannot read '%s': %s", entry, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || streq(de->d_name, KSTORE_MANIFEST))
			continue;
		*VEC_APPEND(names, n) = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	text = xasprintf("%s\nkey %s\n", MANIFEST_MAGIC, key);
	for (size_t i = 0; i < n; i++) {
		char hex[SHA256_HEX_LEN + 1];
		struct stat st;
		int e;

		free(path);
		path = xasprintf("%s/%s", entry, names[i]);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || !entry_name_ok(names[i])) {
			*err = xasprintf("'%s' is not a plain file an entry may hold", path);
			goto out;
		}
		e = sha256_file(path, hex);
		if (e < 0) {
			*err = xasprintf("cannot read '%s': %s", path, strerror(-e));
			goto out;
		}
		strappendf(&text, "file %s %lld %s\n", hex, (long long)st.st_size, names[i]);
	}
	free(path);
	path = xasprintf("%s/%s", entry, KSTORE_MANIFEST);
	tmp = xasprintf("%s/.%s.tmp", entry, KSTORE_MANIFEST);
	FILE *f = fopen(tmp, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) == EOF || rename(tmp, path) < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(text);
	free(tmp);
	free(path);
	return rc;
}

/* Parse MANIFEST text; the first thing wrong goes into *why. */
static int manifest_parse(const char *text, struct manifest *m, char **why)
{
	const char *p = text;
	size_t lineno = 0;

	memset(m, 0, sizeof(*m));
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len), name[160], sha[80];
		long long size;
		int used = 0;

		p += len + (p[len] == '\n');
		lineno++;
		if (lineno == 1) {
			if (!streq(line, MANIFEST_MAGIC)) {
				*why = xasprintf("MANIFEST does not start with '%s'", MANIFEST_MAGIC);
				free(line);
				goto bad;
			}
		} else if (startswith(line, "key ") && !m->key) {
			m->key = xstrdup(line + 4);
		} else if (sscanf(line, "file %79s %lld %159s%n", sha, &size, name, &used) == 3 &&
			   !line[used] && is_hex64(sha) && size >= 0 && entry_name_ok(name)) {
			for (size_t i = 0; i < m->nfiles; i++)
				if (streq(m->files[i].name, name)) {
					*why = xasprintf("MANIFEST:%zu: '%s' is listed twice", lineno, name);
					free(line);
					goto bad;
				}
			m->files = xrealloc(m->files, (m->nfiles + 1) * sizeof(*m->files));
			m->files[m->nfiles].name = xstrdup(name);
			memcpy(m->files[m->nfiles].sha, sha, sizeof(m->files[0].sha));
			m->files[m->nfiles++].size = size;
		} else {
			*why = xasprintf("MANIFEST:%zu: not a line of a manifest", lineno);
			free(line);
			goto bad;
		}
		free(line);
	}
	if (!m->key) {
		*why = xasprintf("MANIFEST names no key");
		goto bad;
	}
	for (size_t r = 0; r < ARRAY_SIZE(required); r++) {
		bool have = false;

		for (size_t i = 0; i < m->nfiles; i++)
			have = have || streq(m->files[i].name, required[r]);
		if (!have) {
			*why = xasprintf("MANIFEST lists no '%s'", required[r]);
			goto bad;
		}
	}
	return 0;
bad:
	manifest_free(m);
	return -1;
}

static int manifest_read(const char *entry, struct manifest *m, char **why)
{
	char *path = xasprintf("%s/%s", entry, KSTORE_MANIFEST), *text = NULL, *err = NULL;
	size_t len;
	int rc;

	/* A manifest lists a handful of files: a big one is not a manifest
	 * (and a mirror is not trusted with our memory). */
	if (input_read(path, 1 << 20, &text, &len, &err) < 0) {
		*why = xasprintf("no readable MANIFEST (%s)", err);
		free(err);
		free(path);
		return -1;
	}
	free(path);
	if (strlen(text) != len) {
		*why = xasprintf("MANIFEST is not text");
		free(text);
		return -1;
	}
	rc = manifest_parse(text, m, why);
	free(text);
	return rc;
}

/* Every listed file of @entry is there with its size and digest. */
static int files_match(const char *entry, const struct manifest *m, char **why)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		char *path = xasprintf("%s/%s", entry, m->files[i].name), hex[SHA256_HEX_LEN + 1];
		struct stat st;
		int e;

		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			*why = xasprintf("%s: missing or not a plain file", m->files[i].name);
			free(path);
			return -1;
		}
		if ((long long)st.st_size != m->files[i].size) {
			*why = xasprintf("%s: size %lld is not the manifest's %lld", m->files[i].name,
					 (long long)st.st_size, m->files[i].size);
			free(path);
			return -1;
		}
		e = sha256_file(path, hex);
		free(path);
		if (e < 0) {
			*why = xasprintf("%s: cannot read it: %s", m->files[i].name, strerror(-e));
			return -1;
		}
		if (!streq(hex, m->files[i].sha)) {
			*why = xasprintf("%s: SHA-256 %.12s... is not the manifest's %.12s...", m->files[i].name,
					 hex, m->files[i].sha);
			return -1;
		}
	}
	return 0;
}

/* @entry's manifest, for key @key, into @m: read and parsed once, for the
 * caller to check or fetch its files with. */
static int manifest_for(const char *entry, const char *key, struct manifest *m, char **why)
{
	if (manifest_read(entry, m, why) < 0)
		return -1;
	if (!streq(m->key, key)) {
		*why = xasprintf("MANIFEST is for key %s, not %s", m->key, key);
		manifest_free(m);
		return -1;
	}
	return 0;
}

int kstore_verify(const char *entry, const char *key, char **why)
{
	struct manifest m;
	int rc;

	if (manifest_for(entry, key, &m, why) < 0)
		return -1;
	rc = files_match(entry, &m, why);
	manifest_free(&m);
	return rc;
}

static bool is_http(const char *url)
{
	return startswith(url, "http://") || startswith(url, "https://");
}

/* The directory of a directory mirror, or NULL for an HTTP one. */
static const char *mirror_dir(const char *url)
{
	if (startswith(url, "file://"))
		return url + strlen("file://");
	return url[0] == '/' ? url : NULL;
}

bool kstore_mirror_valid(const char *url, char **why)
{
	const char *dir = mirror_dir(url);

	if (is_http(url)) {
		if (strpbrk(url, " \t\n\"'\\"))
			goto bad;
		return true;
	}
	if (dir && dir[0] == '/')
		return true;
bad:
	*why = xasprintf("'%s' is not a kernel-store mirror (an absolute directory, file:///DIR, "
			 "http://HOST/PATH or https://HOST/PATH)", url);
	return false;
}

/* GET @url into @to with curl. Returns 0, 1 for "not there" (HTTP 404 or
 * 410), or -1 with *why. curl gives up on a server that stops sending
 * (under 1 KiB/s for 30 s), so a dead mirror never hangs the build. */
static int http_get(const char *url, const char *to, char **why)
{
	const char *argv[] = { tool_path("curl"), "-sS", "-L", "--connect-timeout", "10", "--speed-limit", "1024",
			       "--speed-time", "30", "-o", to, "-w", "%{http_code}", url, NULL };
	char *out = NULL, *err = NULL;
	size_t len;
	int rc;

	if (run_output(argv, NULL, &out, &len, &err) < 0) {
		*why = xasprintf("%s: %s", url, err);
		free(err);
		return -1;
	}
	if (streq(out, "200"))
		rc = 0;
	else if (streq(out, "404") || streq(out, "410"))
		rc = 1;
	else {
		*why = xasprintf("%s: HTTP status %s", url, out);
		rc = -1;
	}
	if (rc != 0)
		unlink(to);
	free(out);
	return rc;
}

/* Get @name of entry @key from @url into @tmp. Returns 0, 1 (not there), -1. */
static int get_file(const char *url, const char *key, const char *name, const char *tmp, char **why)
{
	char *to = xasprintf("%s/%s", tmp, name);
	int rc;

	if (is_http(url)) {
		char *src = xasprintf("%s%s%s/%s", url, url[strlen(url) - 1] == '/' ? "" : "/", key, name);

		rc = http_get(src, to, why);
		free(src);
	} else {
		char *src = xasprintf("%s/%s/%s", mirror_dir(url), key, name), *err = NULL;

		if (access(src, F_OK) < 0 && errno == ENOENT) {
			rc = 1;
		} else if (copy_file_atomic(src, to, &err) < 0) {
			*why = err;
			rc = -1;
		} else {
			rc = 0;
		}
		free(src);
	}
	free(to);
	return rc;
}

/* One mirror: 0 fetched into @tmp and checked, 1 not there, -1 bad (*why). */
static int fetch_one(const char *url, const char *key, const char *tmp, char **why)
{
	struct manifest m;
	int r = get_file(url, key, KSTORE_MANIFEST, tmp, why);

	if (r != 0)
		return r;
	/* The key is checked before anything else is fetched: an entry of
	 * another kernel costs one small file, not a kernel's worth. */
	if (manifest_for(tmp, key, &m, why) < 0)
		return -1;
	for (size_t i = 0; i < m.nfiles && r == 0; i++) {
		r = get_file(url, key, m.files[i].name, tmp, why);
		if (r == 1) {
			*why = xasprintf("%s: listed in MANIFEST but not there (a partial entry)", m.files[i].name);
			r = -1;
		}
	}
	if (r == 0)
		r = files_match(tmp, &m, why);
	manifest_free(&m);
	return r;
}

int kstore_fetch(const char *store, const char *key, char *const *mirrors, size_t nmirrors,
		 const char **from, char **err)
{
	char *dest = xasprintf("%s/%s", store, key);
	int rc = 1, e;

	if (!key_ok(key)) {
		*err = xasprintf("'%s' is not a kernel key", key);
		free(dest);
		return -1;
	}
	e = mkdir_p(store, 0755);
	if (e < 0) {
		*err = xasprintf("cannot create kernel store '%s': %s", store, strerror(-e));
		free(dest);
		return -1;
	}
	for (size_t i = 0; i < nmirrors && rc == 1; i++) {
		char *tmp = xasprintf("%s/.%s.fetch-XXXXXX", store, key), *why = NULL;
		int r;

		if (!mkdtemp(tmp)) {
			*err = xasprintf("cannot create a directory in kernel store '%s': %s", store,
					 strerror(errno));
			free(tmp);
			rc = -1;
			break;
		}
		r = fetch_one(mirrors[i], key, tmp, &why);
		if (r == 0 && chmod(tmp, 0755) < 0) {
			*err = xasprintf("cannot make '%s' readable: %s", tmp, strerror(errno));
			rc = -1;
		} else if (r == 0 && rename(tmp, dest) == 0) {
			*from = mirrors[i];
			rc = 0;
		} else if (r == 0 && (errno == EEXIST || errno == ENOTEMPTY)) {
			*from = mirrors[i]; /* fetched or built beside us meanwhile: the same kernel */
			rc = 0;
		} else if (r == 0) {
			*err = xasprintf("cannot rename '%s' to '%s': %s", tmp, dest, strerror(errno));
			rc = -1;
		} else if (r < 0) {
			vmb_warn("kernel-store mirror %s: entry %s ignored: %s", mirrors[i], key, why);
		}
		if (remove_tree(tmp) < 0 && rc != 0)
			vmb_warn("cannot remove '%s'", tmp);
		free(why);
		free(tmp);
	}
	free(dest);
	return rc;
}

/* Copy the files @m lists, and the manifest last, from @entry to @dir. */
static int copy_entry(const char *entry, const struct manifest *m, const char *dir, char **err)
{
	for (size_t i = 0; i <= m->nfiles; i++) {
		const char *name = i < m->nfiles ? m->files[i].name : KSTORE_MANIFEST;
		char *from = xasprintf("%s/%s", entry, name), *to = xasprintf("%s/%s", dir, name);
		int r = copy_file_atomic(from, to, err);

		free(from);
		free(to);
		if (r < 0)
			return -1;
	}
	return 0;
}

int kstore_publish(const char *store, const char *key, const char *to, char **err)
{
	char *entry = xasprintf("%s/%s", store, key), *dest = xasprintf("%s/%s", to, key);
	char *tmp = xasprintf("%s/.%s.publish-XXXXXX", to, key), *path = NULL, *why = NULL;
	struct manifest m = { 0 };
	struct stat st;
	bool there;
	int rc = -1, e;

	if (!key_ok(key)) {
		*err = xasprintf("'%s' is not a kernel key", key);
		goto out;
	}
	there = lstat(entry, &st) == 0;
	if (!there || !S_ISDIR(st.st_mode)) {
		*err = xasprintf("'%s' is not a good entry: %s", entry,
				 there ? "not a directory" : strerror(errno));
		goto out;
	}
	path = xasprintf("%s/%s", entry, KSTORE_MANIFEST);
	if (access(path, F_OK) < 0 && kstore_write_manifest(entry, key, err) < 0)
		goto out;
	if (manifest_for(entry, key, &m, &why) < 0 || files_match(entry, &m, &why) < 0) {
		*err = xasprintf("'%s' is not a good entry: %s", entry, why);
		goto out;
	}
	e = mkdir_p(to, 0755);
	if (e < 0) {
		*err = xasprintf("cannot create '%s': %s", to, strerror(-e));
		goto out;
	}
	if (!mkdtemp(tmp)) {
		*err = xasprintf("cannot create a directory in '%s': %s", to, strerror(errno));
		goto out;
	}
	if (copy_entry(entry, &m, tmp, err) < 0 || chmod(tmp, 0755) < 0)
		goto drop;
	if (rename(tmp, dest) == 0) {
		rc = 0;
		goto out;
	}
	if (errno != EEXIST && errno != ENOTEMPTY) {
		*err = xasprintf("cannot rename '%s' to '%s': %s", tmp, dest, strerror(errno));
		goto drop;
	}
	/* Someone published this key first: keep theirs if it is good. */
	free(why);
	why = NULL;
	if (kstore_verify(dest, key, &why) == 0)
		rc = 0;
	else
		*err = xasprintf("'%s' exists and is not a good entry (%s): remove it and publish again", dest,
				 why);
drop:
	if (remove_tree(tmp) < 0)
		vmb_warn("cannot remove '%s'", tmp);
out:
	manifest_free(&m);
	free(entry);
	free(dest);
	free(tmp);
	free(path);
	free(why);
	return rc;
}
