/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The harnesses' scratch directory and the input's split into files (fuzz.h). */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[4096];

static void die(const char *what)
{
	perror(what);
	abort();
}

/* Remove everything below @dir (harnesses may make directories). */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		die(dir);
	while ((e = readdir(d))) {
		char path[sizeof(scratch) + 600];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			empty_dir(path);
			if (rmdir(path) < 0)
				die(path);
		} else if (unlink(path) < 0) {
			die(path);
		}
	}
	closedir(d);
}

static void empty_scratch(void)
{
	empty_dir(scratch);
}

static void remove_scratch(void)
{
	empty_scratch();
	rmdir(scratch);
}

const char *fuzz_scratch(void)
{
	if (!scratch[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(scratch, sizeof(scratch), "%s/vmb-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(scratch))
			die(scratch);
		atexit(remove_scratch);
	}
	empty_scratch();
	return scratch;
}

const char *fuzz_scratch_path(void)
{
	return scratch;
}

char *fuzz_write(const char *name, const void *data, size_t size)
{
	size_t n = strlen(scratch) + strlen(name) + 2;
	char *path = malloc(n);
	FILE *f;

	if (!path || !scratch[0])
		abort();
	snprintf(path, n, "%s/%s", scratch, name);
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		die(path);
	return path;
}

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static int good_name(const char *s, size_t n)
{
	if (n == 0 || n > 40 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) ||
		    !s[i])
			return 0;
	return 1;
}

size_t fuzz_write_files(const uint8_t *data, size_t size, const char *first, char **paths,
			size_t max)
{
	const char *p = (const char *)data, *end = p + size;
	char name[64];
	size_t n = 0;

	fuzz_scratch();
	snprintf(name, sizeof(name), "%s", first);
	while (n < max) {
		const char *body = p, *next = NULL, *sep = p;

		/* Find the next "--- NAME" line at a line start. */
		while (sep < end) {
			if ((sep == (const char *)data || sep[-1] == '\n') && end - sep >= 4 &&
			    !memcmp(sep, "--- ", 4)) {
				next = sep;
				break;
			}
			const char *nl = memchr(sep, '\n', (size_t)(end - sep));

			sep = nl ? nl + 1 : end;
		}
		if (next != (const char *)data || n > 0) {
			char path[sizeof(scratch) + 80];

			snprintf(path, sizeof(path), "%s/%s", scratch, name);
			if (access(path, F_OK) < 0) /* a repeated name keeps the first file */
				paths[n++] = fuzz_write(name, body, (size_t)((next ? next : end) - body));
		}
		if (!next)
			break;
		const char *nm = next + 4, *nl = memchr(nm, '\n', (size_t)(end - nm));
		size_t len = (size_t)((nl ? nl : end) - nm);

		if (good_name(nm, len))
			snprintf(name, sizeof(name), "%.*s", (int)len, nm);
		else
			snprintf(name, sizeof(name), "file%zu", n);
		p = nl ? nl + 1 : end;
	}
	return n;
}
