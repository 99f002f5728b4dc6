/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File helpers: whole-file reads, atomic copies, directory creation. */
#ifndef VMB_FSUTIL_H
#define VMB_FSUTIL_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read all of @path into a NUL-terminated buffer (binary-safe: *len says how
 * much), opened with input_open (never blocks on a FIFO or device). Returns
 * 0, or a negative errno (-EINVAL: not a regular file); input_read says why
 * in words. */
int read_file(const char *path, char **data, size_t *len);

/* Copy @from to @to through a temporary file renamed into place, keeping
 * @from's permission bits. Returns 0, or -1 with *err (malloc'd). */
int copy_file_atomic(const char *from, const char *to, char **err);

/* write(2) until all @n bytes are out. Returns 0, or a negative errno. */
int write_all(int fd, const void *p, size_t n) _must_check_;

/* pread(2) until @len bytes are in or the file ends. Returns how many bytes
 * were read (fewer than @len only at end of file), or a negative errno. */
ssize_t pread_full(int fd, void *buf, size_t len, off_t off) _must_check_;

/* The allocated ranges of the first @size bytes of open file @fd, in order:
 * calls @fn(@ctx, offset, length) for each range SEEK_DATA/SEEK_HOLE finds
 * (holes are skipped without reading), or once for the rest of the file
 * when its file system cannot tell. Returns 0, @fn's first non-zero value,
 * or a negative errno. */
int file_extents(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		 void *ctx) _must_check_;

/* rm -rf, without following symlinks and without a process. A missing
 * @path is not an error. Returns 0, or a negative errno. */
int remove_tree(const char *path) _must_check_;

/* The directory part of @path, malloc'd: "." when it has none, "/" for
 * "/name". */
char *path_dir(const char *path);

/* The part of @path below directory @root ("a/b" for "/r/a/b" under "/r"),
 * or NULL when @path is not below it. */
const char *path_below(const char *path, const char *root);

/* @path as output should show it: relative to the working directory when
 * below it, so that what a build writes does not name where it was built.
 * Returns @path itself or a pointer into it. */
const char *path_shown(const char *path);

/* @path resolved as if @root were "/" (symlinks followed inside it, never
 * above it); @root "" is the machine's own root. Malloc'd, or NULL with
 * errno set. */
char *realpath_in_root(const char *root, const char *path);

/* mkdir -p. Returns 0, or a negative errno. */
int mkdir_p(const char *path, unsigned mode);

#endif
