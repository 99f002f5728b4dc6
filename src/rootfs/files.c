/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declared files ("files = SRC:DEST[:MODE]") and --add build products.
 * SRC is relative to the declaring file's directory, or absolute: target
 * software, from the sysroot (or the build machine with
 * --with-userland=host). An absolute SRC alone means "the same path on the
 * target", and is imported with its symlinks reproduced (QEMU's firmware
 * directory is full of links into seabios and ipxe); a directory comes with
 * everything below it; with an explicit DEST the content is copied. MODE is
 * octal; without it, 0755 when SRC is executable, else 0644.
 */
#include "rootfs/rootfs.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int files_parse_spec(const char *spec, char **src, char **dest, int *mode, char **why)
{
	char *copy = xstrdup(spec), *c1 = strchr(copy, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	int r = -1;

	*mode = -1;
	if (c1)
		*c1++ = '\0';
	if (c2)
		*c2++ = '\0';
	if (!*copy) {
		*why = xstrdup("SRC is empty");
	} else if (!c1 && copy[0] != '/') {
		*why = xstrdup("a relative SRC needs a DEST (SRC:DEST[:MODE])");
	} else if (c1 && !import_dest_ok(c1)) {
		*why = xasprintf("DEST '%s' must be an absolute path without '.' or '..' components",
				 c1);
	} else if (c2 && (strspn(c2, "01234567") != strlen(c2) || !*c2 || strlen(c2) > 4)) {
		*why = xasprintf("MODE '%s' is not an octal mode such as 0755", c2);
	} else if (!c1 && !import_dest_ok(copy)) {
		*why = xasprintf("'%s' must not contain '.' or '..' components", copy);
	} else {
		*src = xstrdup(copy);
		*dest = xstrdup(c1 ? c1 : copy);
		*mode = c2 ? (int)strtol(c2, NULL, 8) : -1;
		r = 0;
	}
	free(copy);
	return r;
}

int files_import(const struct rootfs_importer *local, const struct rootfs_importer *target,
		 struct rootfs_plan *p, char **err)
{
	for (size_t i = 0; i < p->files.n; i++) {
		const struct rootfs_item *it = &p->files.v[i];
		char *src, *dest, *why = NULL, *full, *e = NULL, *there;
		const struct rootfs_importer *im;
		int mode, r;

		if (files_parse_spec(it->value, &src, &dest, &mode, &why) < 0) {
			*err = rootfs_item_error(it, "files entry '%s': %s", it->value, why);
			free(why);
			return -1;
		}
		/* An absolute SRC is target software (the sysroot's, or the build
		 * machine's); a relative one sits beside its declaration. */
		im = src[0] == '/' ? target : local;
		full = src[0] == '/' ? xstrdup(src) : xasprintf("%s/%s", it->dir, src);
		there = xasprintf("%s%s", im->root, full);
		if (access(there, R_OK) < 0) {
			*err = rootfs_item_error(it, "file '%s' (%s%s): %s", src, full,
						 *im->root ? " in the sysroot" : "", strerror(errno));
			r = -1;
		} else {
			if (!*im->root)
				rootfs_add_dep(p, full);
			r = import_from(im, full, dest, streq(full, dest), mode, &e);
			if (r < 0)
				*err = rootfs_item_error(it, "%s", e);
		}
		free(there);
		free(e);
		free(full);
		free(src);
		free(dest);
		if (r < 0)
			return -1;
	}
	return 0;
}
