/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formats that wrap another one: the inner image is built into a temporary
 * file next to the output (removed in every case), then converted:
 *   ext2.gz  ext2, gzip'd in-process (reproducible gzip, see sink.h)
 *   qcow2    ext4, converted by qemu-img (Debian: qemu-utils)
 *   uImage   cpio.gz, wrapped by mkimage (Debian: u-boot-tools) as a U-Boot
 *            ramdisk, uncompressed type since the kernel unpacks the gzip
 */
#include "image.h"
#include "sink.h"
#include "shared/run.h"
#include "shared/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define UIMAGE_NAME_MAX 31 /* mkimage's name field holds 32 bytes with the NUL */

static int ext2_gz_generate(struct image_job *j, char **err)
{
	char *raw = image_sibling_tmp(j, "ext2", err);
	struct sink s;
	struct stat st;
	int fd = -1, r;

	if (!raw)
		return -EIO;
	r = image_generate_into(&image_ext2, j, raw, NULL, err);
	if (r == 0 && stat(raw, &st) < 0) {
		r = -errno;
		*err = xasprintf("cannot stat '%s': %s", raw, strerror(-r));
	}
	if (r == 0 && (fd = open(j->tmp, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0) {
		r = -errno;
		*err = xasprintf("cannot write '%s': %s", j->tmp, strerror(-r));
	}
	if (r == 0)
		r = sink_open(&s, fd, j->opts->output, true, err);
	if (r == 0) {
		r = sink_copy_file(&s, raw, (uint64_t)st.st_size, false, err);
		if (r == 0)
			r = sink_finish(&s, err);
		sink_free(&s);
	}
	if (fd >= 0 && close(fd) < 0 && r == 0) {
		r = -errno;
		*err = xasprintf("cannot write '%s': %s", j->tmp, strerror(-r));
	}
	unlink(raw);
	free(raw);
	return r;
}

static int qcow2_generate(struct image_job *j, char **err)
{
	char *raw = image_sibling_tmp(j, "ext4", err);
	struct run_opts ro = { .in = { RUN_NULL, NULL, 0 } };
	char *msg = NULL;
	int r;

	if (!raw)
		return -EIO;
	r = image_generate_into(&image_ext4, j, raw, NULL, err);
	if (r == 0) {
		const char *argv[] = { tool_path("qemu-img"), "convert", "-q", "-f", "raw", "-O", "qcow2",
				       raw, j->tmp, NULL };

		if (run(argv, &ro, &msg) < 0) {
			*err = xasprintf("cannot convert the ext4 image to qcow2: %s (Debian: "
					 "qemu-utils)", msg);
			free(msg);
			r = -EIO;
		}
	}
	unlink(raw);
	free(raw);
	return r;
}

static int uimage_setup(struct image_job *j, char **err)
{
	const char *a = j->opts->arch;

	if (a && (!*a || strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(a))) {
		*err = xasprintf("architecture '%s' is not a mkimage -A name (e.g. x86_64, arm64, "
				 "arm, riscv)", a);
		return -EINVAL;
	}
	return 0;
}

static int uimage_generate(struct image_job *j, char **err)
{
	char *cpio = image_sibling_tmp(j, "cpio.gz", err);
	char *name, *sde, *msg = NULL;
	const char *env[2];
	struct run_opts ro = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_NULL, NULL, 0 } };
	int r;

	if (!cpio)
		return -EIO;
	r = image_write_cpio(j, cpio, true, err);
	if (r < 0) {
		unlink(cpio);
		free(cpio);
		return r;
	}
	name = xstrndup(j->name, UIMAGE_NAME_MAX);
	/* mkimage stamps the header with the time unless told the epoch. */
	sde = xasprintf("SOURCE_DATE_EPOCH=%llu", (unsigned long long)j->opts->epoch);
	env[0] = sde;
	env[1] = NULL;
	ro.env = env;
	{
		const char *argv[] = { tool_path("mkimage"), "-A", j->opts->arch ? j->opts->arch : "x86_64",
				       "-O", "linux", "-T", "ramdisk", "-C", "none", "-a", "0",
				       "-e", "0", "-n", name, "-d", cpio, j->tmp, NULL };

		if (run(argv, &ro, &msg) < 0) {
			*err = xasprintf("cannot wrap the initramfs as a uImage: %s (Debian: "
					 "u-boot-tools)", msg);
			free(msg);
			r = -EIO;
		}
	}
	free(name);
	free(sde);
	unlink(cpio);
	free(cpio);
	return r;
}

const struct image_handler image_ext2_gz = {
	.type = "ext2.gz", .summary = "gzip'd ext2 image",
	.caps = IMAGE_CAP_EXT | IMAGE_CAP_NAMED, .unwrap = IMAGE_UNWRAP_GZIP,
	.check_tool = "gzip", .check_arg = "-t", .generate = ext2_gz_generate,
};
const struct image_handler image_qcow2 = {
	.type = "qcow2", .summary = "ext4 image in a QEMU qcow2 container (qemu-img)",
	.caps = IMAGE_CAP_EXT | IMAGE_CAP_NAMED, .unwrap = IMAGE_UNWRAP_QCOW2,
	.check_tool = "qemu-img", .check_arg = "check",
	.generate = qcow2_generate,
};
const struct image_handler image_uimage = {
	.type = "uImage", .summary = "U-Boot ramdisk of the cpio.gz initramfs (mkimage)",
	.caps = IMAGE_CAP_NAMED | IMAGE_CAP_ARCH | IMAGE_CAP_UIMAGE,
	.setup = uimage_setup, .generate = uimage_generate,
};
