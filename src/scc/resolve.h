/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the file a name in a description means.
 *
 * Candidates, as in Yocto's spp: with T the name without its extension and B
 * the last component of T, the first regular file of
 *   D/T.ext  D/T  D/T/T.ext  D/T/T  D/T/B.ext  D/T/B
 * in a directory D. The extension comes from the name (.scc, .cfg, .config,
 * .patch; none for *defconfig) and is .scc when the name has none of these,
 * so "include features/kvm" finds features/kvm/kvm.scc.
 *
 * Directories, in this order (unlike spp, never ordered by string length):
 *   include NAME:      the -I directories in the order given, then the
 *                      directory of the including file;
 *   kconf/patch NAME:  the including file's directory (the exact name only),
 *                      then the -I directories;
 *   a command-line input: the name as given (relative to the current
 *                      directory), then the -I directories.
 * An absolute name is only ever itself (with the candidate rules for include).
 */
#ifndef VMB_SCC_RESOLVE_H
#define VMB_SCC_RESOLVE_H

#include <stddef.h>

enum resolve_kind {
	RESOLVE_INCLUDE,
	RESOLVE_FILE, /* kconf, patch */
	RESOLVE_INPUT,
};

struct resolve_dirs {
	const char *const *dirs; /* the -I directories, in search order */
	size_t n;
};

/* The canonical absolute path of what @name means, or NULL when nothing
 * matches; then *searched lists the directories tried ("a, b, c"). Either
 * result is malloc'd. @includer_dir may be NULL (command line). */
char *resolve_name(const struct resolve_dirs *d, enum resolve_kind kind, const char *name,
		   const char *includer_dir, char **searched);

/* The extension rule above: ".scc", ".cfg", ".config", ".patch" or "". */
const char *resolve_extension(const char *name);

#endif
