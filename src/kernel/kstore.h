/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-store entries and their mirrors.
 *
 * An entry, STORE/KEY/, holds a finished kernel's results (image, config,
 * System.map, modules.tgz, reports) and a MANIFEST naming its key and the
 * size and SHA-256 of every file:
 *
 *   vmbundle kernel-store entry 1
 *   key KEY
 *   file SHA256 SIZE NAME
 *   ...
 *
 * A mirror is a read-only store somewhere else: a directory (local or NFS,
 * "/path" or "file:///path") or a plain static HTTP server ("http://",
 * "https://") serving such a directory. An entry from a mirror is used only
 * after every file listed in its MANIFEST has been fetched and checked
 * against it, and the MANIFEST names the key asked for; anything else is
 * ignored with one line saying why, and the next mirror is asked.
 */
#ifndef VMB_KSTORE_H
#define VMB_KSTORE_H
#include <stdbool.h>
#include <stddef.h>

#define KSTORE_MANIFEST "MANIFEST"

/* Write @entry/MANIFEST for key @key from the files in @entry. Returns 0, or
 * -1 with *err (malloc'd). */
int kstore_write_manifest(const char *entry, const char *key, char **err);
/* Check @entry against its MANIFEST for key @key. Returns 0, or -1 with *why
 * (malloc'd: "image: size 12 is not the manifest's 13"). */
int kstore_verify(const char *entry, const char *key, char **why);
/* Whether @url is a mirror this code can read; *why otherwise (malloc'd). */
bool kstore_mirror_valid(const char *url, char **why);
/* Fetch key @key from the first of @mirrors that has a good entry into
 * @store/@key (through a temporary directory renamed into place). Returns 0
 * with *from set to the mirror used, 1 when no mirror has a good entry (each
 * bad one ignored with a warning saying why), or -1 on a local error, with
 * *err (malloc'd). */
int kstore_fetch(const char *store, const char *key, char *const *mirrors, size_t nmirrors,
		 const char **from, char **err);
/* Publish @store/@key into the mirror directory @to as @to/@key, atomically:
 * concurrent publishers of one key leave one complete entry. An entry with
 * no MANIFEST (written before there were mirrors) gets one first. Returns
 * 0, or -1 with *err (malloc'd). */
int kstore_publish(const char *store, const char *key, const char *to, char **err);
#endif
