/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Planning one kernel: its content key and its build directory. The logic
 * behind `vmbundle kernel-plan` (cmd-kernel-plan.c parses options, runs the
 * description through the scc pipeline and writes what make reads), kept
 * here so it can be tested without the command line (tests/unit/test-kplan).
 *
 * A kernel's content key is the SHA-256, cut to 80 bits, of everything that
 * decides its build: the key format, ARCH, the image target, the
 * configuration mode, the patch set, the merged configuration, the source
 * (a tarball by its content, a tree by where it is and its top Makefile's
 * time) and the compiler's own version line. Nothing in it is a path of the
 * build tree, so trees at different paths and machines share kernels
 * through the store and its mirrors (doc/kernels.md).
 */
#ifndef VMB_KPLAN_H
#define VMB_KPLAN_H

#include "sha256.h"

#include <stdbool.h>

#define KPLAN_KEY_LEN 20 /* hex digits: 80 bits */

struct kplan_key_in {
	const char *dir;      /* the kernels directory: holds the cached source digest */
	const char *arch;     /* kbuild's ARCH */
	const char *image;    /* the image target (bzImage, Image) */
	const char *mode;     /* KCONFIG_MODE, e.g. alldefconfig */
	const char *patchset; /* the patch set's digest, "" for none */
	const char *merged;   /* the merged configuration fragment's text */
	const char *source;   /* the kernel source: tarball or tree */
	const char *cc;       /* the kernel compiler, asked for --version */
};

/* The content key of @in into @key (KPLAN_KEY_LEN hex digits). 0, or -1
 * with *err (malloc'd) naming the source or compiler that failed. */
int kplan_key(const struct kplan_key_in *in, char key[SHA256_HEX_LEN + 1], char **err);

/*
 * Give @key a build directory under @dir. kbuild records absolute paths
 * (Linux 6.1 builds objtool with them), so a build directory that moved
 * would be rebuilt from scratch: kernel @name therefore always builds in
 * DIR/build/NAME, and DIR/obj/KEY is a symbolic link to it. When @name's
 * configuration changes, the link for its old key goes and the same
 * directory serves the new key, so kbuild recompiles only what the change
 * touches. A key that already has a directory (another kernel with the
 * same configuration planned first) keeps it; if a kernel that still uses
 * @name's directory under another key exists, the new key gets a fresh
 * directory of its own. 0, or -1 with *err.
 */
int kplan_link_build_dir(const char *dir, const char *name, const char *key, char **err);

/* Where @key's build directory really is, relative to @dir (kbuild must be
 * given that path, not the link's); malloc'd. */
char *kplan_build_dir_of(const char *dir, const char *key);

/* The key kernel @name had before this plan, from DIR/NAME/key.mk
 * (malloc'd), or NULL. */
char *kplan_previous_key(const char *dir, const char *name);

#endif
