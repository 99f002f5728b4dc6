/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replay test of one harness (built with the project's compiler, run by
 * make check, and under ASan/UBSan by CI): every file of the committed seed
 * corpus fuzz/corpus/NAME and of the regression corpus fuzz/regress/NAME (the
 * inputs that once crashed, hung or leaked) goes through the harness once,
 * one TAP line each. A crash ends the test; so does an input that takes
 * longer than 30 s (times VMB_TIMEOUT_MULT): SIGALRM, named in the log.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the harness"
#endif

static int tests;
static unsigned timeout = 30; /* seconds per input */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Returns -1 when the directory cannot be listed (a missing one is empty). */
static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || !(names[n++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		unsigned char *data;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		/* Named before it runs: a crash leaves the culprit in the log. */
		printf("# %s\n", path);
		fflush(stdout);
		data = slurp(path, &len);
		alarm(timeout);
		if (data)
			LLVMFuzzerTestOneInput(data, len);
		alarm(0);
		printf("%s %d - %s/%s\n", data ? "ok" : "not ok", ++tests, FUZZ_NAME, names[i]);
		free(data);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(void)
{
	const char *top = getenv("top_srcdir"), *mult = getenv("VMB_TIMEOUT_MULT");
	char corpus[4096], regress[4096];

	if (mult && atoi(mult) > 0)
		timeout *= (unsigned)atoi(mult);

	snprintf(corpus, sizeof(corpus), "%s/fuzz/corpus/%s", top ? top : ".", FUZZ_NAME);
	snprintf(regress, sizeof(regress), "%s/fuzz/regress/%s", top ? top : ".", FUZZ_NAME);
	if (replay_dir(corpus) < 0 || replay_dir(regress) < 0) {
		printf("Bail out! cannot list %s or %s\n", corpus, regress);
		return 1;
	}
	if (tests == 0) {
		printf("Bail out! no seed corpus in %s\n", corpus);
		return 1;
	}
	printf("1..%d\n", tests);
	return 0;
}
