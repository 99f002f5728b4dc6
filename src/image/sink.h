/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An output byte stream for the archive writers: written straight to a
 * descriptor, or gzip-compressed on the way with zlib. The gzip member is
 * reproducible: no file name, modification time 0, OS "Unix", fixed level,
 * so the same input always gives the same bytes (with the same zlib).
 */
#ifndef VMB_SINK_H
#define VMB_SINK_H

#include "shared/fsutil.h"
#include "shared/util.h"

#include <stdint.h>
#include <zlib.h>

struct sink {
	int fd;
	const char *what;    /* the output's name, for messages */
	bool gzip;
	z_stream z;
	gz_header gzh;     /* zlib reads it during compression: must live here */
	unsigned char *zbuf;
	uint64_t offset;     /* uncompressed bytes written so far */
};

int sink_open(struct sink *s, int fd, const char *what, bool gzip, char **err) _must_check_;
int sink_write(struct sink *s, const void *p, size_t n, char **err) _must_check_;
int sink_zeros(struct sink *s, uint64_t n, char **err) _must_check_;
/* Pad with zeros to a multiple of @align bytes. */
int sink_pad(struct sink *s, unsigned align, char **err) _must_check_;
/* Finish the gzip member (if any); does not close the descriptor. */
int sink_finish(struct sink *s, char **err) _must_check_;
/* Free resources after an error (or after sink_finish). */
void sink_free(struct sink *s);

/* Copy the regular file @src (@size bytes, as the tree saw it) to @s: all of
 * it, holes as zeros, or with @runs_only just its non-zero runs
 * (tree_data_runs), back to back, for sparse archive entries. */
int sink_copy_file(struct sink *s, const char *src, uint64_t size, bool runs_only,
		   char **err) _must_check_;

#endif
