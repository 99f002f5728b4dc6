/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Content checks beyond the magic: once fileprobe.c has said what a file is,
 * these read its header fields and structure and say what is wrong with a
 * truncated or corrupt one (an ext filesystem larger than its file, a qcow2
 * table beyond the end, a cpio archive without its trailer, a kernel shorter
 * than its header says).
 */
#ifndef VMB_PROBE_CHECK_H
#define VMB_PROBE_CHECK_H

#include "fileprobe.h"

#include <sys/types.h>

/* Check the file open on @fd (@size bytes; 0 for a block device, whose
 * geometry is not compared) as the format r->format says. Fills
 * r->problem with what is wrong, or leaves it empty. */
void probe_check(int fd, off_t size, struct probe_result *r);

#endif
