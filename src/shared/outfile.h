/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing an output file atomically: the text goes to a temporary file next
 * to it, which is renamed over the target only when complete, so make never
 * sees half a queue or half a merged fragment after an interruption.
 */
#ifndef VMB_OUTFILE_H
#define VMB_OUTFILE_H

#include <stddef.h>

/* Write @len bytes of @data to @path ("-" is standard output). Returns 0, or
 * -1 with *err ("cannot write 'path': reason", malloc'd). */
int outfile_write(const char *path, const char *data, size_t len, char **err);

/* outfile_write, unless @path already holds exactly those bytes: its time
 * then stays, so make sees no change (kbuild's filechk). */
int outfile_update(const char *path, const char *data, size_t len, char **err);

#endif
