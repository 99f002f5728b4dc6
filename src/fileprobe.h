/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identify guest kernels and root filesystem images by their content, never
 * by their file name: the stager and configure both refuse a "kernel" that is
 * a disk image, or an "image" that is a text file someone renamed.
 */
#ifndef VMB_FILEPROBE_H
#define VMB_FILEPROBE_H

#include <stddef.h>

enum probe_class {
	PROBE_UNKNOWN = 0,
	PROBE_KERNEL,
	PROBE_ROOTFS,
};

struct probe_result {
	enum probe_class cls;
	/* Short, stable token: bzImage, Image, vmlinux, ext2, ext3, ext4,
	 * cpio, cpio.gz, ext2.gz, qcow2, disk-mbr, disk-gpt, squashfs, erofs,
	 * or a descriptive token for unknown content (empty, text, elf, ...). */
	char format[16];
	/* Human description, e.g. "x86 bzImage (Linux 6.1.192)". */
	char description[160];
	/* Empty, or what is wrong with a file of this format (probe-check.h):
	 * "truncated: the superblock says 4194304 bytes, the file has 1048576". */
	char problem[192];
};

/* Probe the file at @path. Returns 0 with @r filled in (r->cls may be
 * PROBE_UNKNOWN), or a negative errno when the file cannot be read. */
int probe_file(const char *path, struct probe_result *r);

/* Probe an open file descriptor (read with pread, position untouched). */
int probe_fd(int fd, struct probe_result *r);

const char *probe_class_name(enum probe_class c);

#endif
