/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing outputs so that nothing is ever clobbered. The rules, in one place
 * (doc/inputs.md, "Outputs"):
 *   - absent, or a regular file: written to a temporary file in the same
 *     directory, fsync'd, then renamed over it; the old file stays whole
 *     until the new one is complete;
 *   - a symlink: the file it finally points to is written by those rules
 *     (the link itself stays; a dangling link's target is created when its
 *     directory exists); a symlink loop is refused;
 *   - a FIFO or character device: written in place when the output is a
 *     stream (text such as a queue or a merged fragment), refused for an
 *     image (it needs seeks and a size); never replaced;
 *   - a block device, socket or directory: refused, never replaced.
 */
#ifndef VMB_OUTPUT_H
#define VMB_OUTPUT_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

struct output_target {
	char *path;	/* where to write: @path, or the file its symlinks lead to */
	bool in_place;	/* a FIFO or character device: open and write, no rename */
};

/* Apply the rules to @path. @stream: the output may be written in place
 * (FIFO, character device). Returns 0 with *t filled (free t->path), or -1
 * with *err ("'PATH' is a block device: an output is never written over
 * one; choose another name"). */
int output_resolve(const char *path, bool stream, struct output_target *t, char **err) _must_check_;

/* output_resolve's verdict alone, for a command that checks its outputs
 * before its work so that a refused one fails first. Returns 0, or -1 with
 * *err. */
int output_check(const char *path, bool stream, char **err) _must_check_;

/* A new, empty "<dir>/.<base>.<what>-PID-XXXXXX" beside @path (its resolved
 * target), mode 0600 until published. Returns the malloc'd name, or NULL
 * with *err. */
char *output_tmp(const char *path, const char *what, char **err);

/* Remove the temporary files output_tmp made beside @path for runs that
 * are no longer running (killed, or the machine went down): a rerun after
 * an interruption leaves nothing behind. */
void output_remove_stale_tmps(const char *path);

/* Make @tmp the file @path: fsync it, give it 0644 minus the umask, rename
 * it over @path and fsync the directory, so a crash leaves either the old
 * or the new file. @tmp is removed on failure. Returns 0, or -1 with *err. */
int output_publish(const char *tmp, const char *path, char **err) _must_check_;

/* After a short or failed write to @path: "No space left on device: the
 * filesystem holding 'DIR' has N KiB free" when that filesystem is (all
 * but) full, else NULL. Malloc'd. A library that reports a full disk as
 * a "short write" then still says what ran out. */
char *output_space_problem(const char *path);

/* Write @len bytes of @data as the output @path (a stream: in place on a
 * FIFO or character device). Returns 0, or -1 with *err. */
int output_write_buffer(const char *path, const void *data, size_t len, char **err) _must_check_;

#endif
