/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening input files safely. Every path a user or a declaration gives us is
 * opened here: a FIFO, socket or device never blocks us (the kind is looked
 * at before anything is opened, and the open itself is non-blocking), a
 * symlink loop or a dangling symlink is named as such, and "does not exist"
 * is said only of a path that really is not there.
 */
#ifndef VMB_INPUT_H
#define VMB_INPUT_H

#include "util.h"

#include <stddef.h>
#include <sys/stat.h>

/* What a non-regular file is, as a noun phrase: "a FIFO", "a socket",
 * "a character device", "a block device", "a directory", "a symlink". */
const char *file_kind(mode_t mode);

/* Why @path could not be opened or examined, given the errno @e of the
 * failed call: "'PATH' does not exist", "'PATH' is a dangling symlink to
 * 'X'", "'PATH' is a symlink loop", "'PATH' cannot be read: Permission
 * denied", ... Malloc'd. */
char *input_problem(const char *path, int e);

/* The same words for a path that is not the machine's own (inside a
 * sysroot or image), without looking at it: "does not exist", "cannot be
 * followed: a symlink loop on its way", ... Static text. */
const char *input_reason(int e);

/* Open @path, a regular file (symlinks to one are followed), for reading.
 * Returns a descriptor (O_RDONLY, O_CLOEXEC, blocking reads) with *st its
 * fstat, or -1 with *err (malloc'd): input_problem()'s words, or "'PATH' is
 * a FIFO, not a regular file" and the like; errno is set too (EISDIR or
 * EINVAL for a file that is not regular). Never blocks on the open. */
int input_open(const char *path, struct stat *st, char **err) _must_check_;

/* Whether the file open on @fd is still what *before says (size and
 * modification time): a file rewritten or truncated while we read it is
 * an error ("'PATH' changed while it was read"), never half-read data.
 * Returns 0, or -1 with *err. */
int input_unchanged(int fd, const struct stat *before, const char *path, char **err) _must_check_;

/* All of @path (opened with input_open) in a NUL-terminated buffer; *len
 * says how much (binary-safe). @max bounds the size (0: no bound); a bigger
 * file is an error saying both sizes. Returns 0, or -1 with *err. */
int input_read(const char *path, size_t max, char **data, size_t *len, char **err) _must_check_;

#endif
