/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SBOM's package databases (src/sbom/pkgdb.c): dpkg's (status and
 * info/NAME.list, of the build machine or inside an image) and a sysroot's
 * .vmb/packages and .vmb/files, which the sysroot step writes and the SBOM
 * reads back. The first byte picks which; the rest is split at "--- NAME"
 * lines (fuzz.h): the first file is status (or .vmb/packages), the others
 * go to info/ (or a file called "files" becomes .vmb/files).
 */
#include "fuzz.h"
#include "sbom/sbom.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void move(const char *from, const char *dir, const char *name)
{
	const char *base = strrchr(from, '/') + 1;
	char to[8192];

	snprintf(to, sizeof(to), "%s/%s/%s", fuzz_scratch_path(), dir, name ? name : base);
	if (rename(from, to) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *paths[16], dir[8192], *err = NULL;
	bool dpkg = size > 0 && (data[0] & 1);
	size_t n = size ? fuzz_write_files(data + 1, size - 1, "status", paths, 16) : 0;
	struct pkg_db db;

	if (n == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", fuzz_scratch_path(), dpkg ? "info" : ".vmb");
	if (mkdir(dir, 0755) < 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(paths[i], '/') + 1;

		if (dpkg && i > 0)
			move(paths[i], "info", NULL);
		else if (!dpkg && i == 0)
			move(paths[i], ".vmb", "packages");
		else if (!dpkg && !strcmp(base, "files"))
			move(paths[i], ".vmb", "files");
	}
	if ((dpkg ? pkgdb_load_dpkg(&db, fuzz_scratch_path(), fuzz_scratch_path(), &err)
		  : pkgdb_load_sysroot(&db, fuzz_scratch_path(), &err)) == 0) {
		(void)pkgdb_owner(&db, "/bin/busybox");
		(void)pkgdb_owner(&db, "usr/lib/x86_64-linux-gnu/libc.so.6");
		pkgdb_free(&db);
	}
	free(err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return 0;
}
