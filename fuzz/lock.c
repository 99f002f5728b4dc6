/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package lock file (src/pkg/lock.c): a lock that reads must write back
 * and read again to the same entries.
 */
#include "fuzz.h"
#include "pkg/pkg.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_lock l = { 0 }, back = { 0 };
	char *path, *again, *err = NULL;
	bool exists = false;

	fuzz_scratch();
	path = fuzz_write("packages.lock", data, size);
	again = fuzz_write("again.lock", "", 0);
	if (pkg_lock_read(path, &l, &exists, &err) == 0 && pkg_lock_write(again, &l, &err) == 0) {
		if (pkg_lock_read(again, &back, &exists, &err) != 0) {
			fprintf(stderr, "a lock we wrote does not read back: %s\n", err);
			abort();
		}
		for (size_t i = 0; i < l.n; i++) {
			const struct pkg_lock_entry *e = &l.v[i],
				*b = pkg_lock_find(&back, e->name, e->arch);

			if (!b || !same(b->version, e->version) || !same(b->sha256, e->sha256)) {
				fprintf(stderr, "lock entry %s:%s changed when written back\n", e->name,
					e->arch);
				abort();
			}
		}
	}
	pkg_lock_free(&l);
	pkg_lock_free(&back);
	free(err);
	free(path);
	free(again);
	return 0;
}
