/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identify guest kernels and root filesystem images by their content, never
 * by their file name: the stager and configure both refuse a "kernel" that is
 * a disk image, or an "image" that is a text file someone renamed.
 */
#ifndef VMB_FILEPROBE_H
#define VMB_FILEPROBE_H

#include <stdbool.h>
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
	/* A kernel's release ("6.1.192") when the file says it (a bzImage's
	 * header, an Image's banner), else empty: callers read it here, never
	 * out of the description. */
	char version[72];
	/* Empty, or what is wrong with a file of this format (probe-check.h):
	 * "truncated: the superblock says 4194304 bytes, the file has 1048576". */
	char problem[192];
	/* A kernel's architecture, in a board's terms (board.conf "arch"):
	 * x86_64, i386, arm64, arm, riscv64; "x86" for a bzImage (its header
	 * does not say 32 or 64 bit for every boot protocol); empty when
	 * unknown or not a kernel. */
	char arch[16];
};

/* Probe the file at @path. Returns 0 with @r filled in (r->cls may be
 * PROBE_UNKNOWN), or a negative errno when the file cannot be read. */
int probe_file(const char *path, struct probe_result *r);

/* Probe an open file descriptor (read with pread, position untouched). */
int probe_fd(int fd, struct probe_result *r);

const char *probe_class_name(enum probe_class c);

/* Does a kernel of @r run on a board of architecture @board_arch? False for
 * a kernel of unknown architecture. */
bool probe_kernel_fits_arch(const struct probe_result *r, const char *board_arch);

/* What a board of @board_arch boots, for messages: "an arm64 Image or an
 * arm64 ELF vmlinux". */
const char *probe_kernels_for_arch(const char *board_arch);

#endif
