/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image writers: one handler per format, each with a setup step (check the
 * options against the tree, decide sizes; writes nothing) separate from its
 * generate step (write the image).
 *
 * image_build() owns the output file: generate writes to a temporary file
 * next to the output, which is renamed into place only when everything
 * succeeded. On any error the temporary file is removed, so no partial image
 * is ever left, and an earlier image at the output path stays as it was.
 */
#ifndef VMB_IMAGE_H
#define VMB_IMAGE_H

#include "tree.h"
#include "shared/util.h"

#include <stdint.h>

/* The latest time every format can store (newc and 32-bit ext inodes). */
#define IMAGE_EPOCH_MAX 2147483647ULL

struct image_opts {
	const char *output;   /* final path */
	const char *name;     /* seeds the ext UUID and hash seed; default: output's base name */
	const char *label;    /* ext volume label (at most 16 bytes); NULL: none */
	uint64_t size;        /* explicit image size in bytes (ext formats); 0: automatic */
	uint64_t extra;       /* free space to add on top of the automatic size */
	uint64_t epoch;       /* every timestamp in the image */
	const char *arch;     /* uImage: mkimage -A value */
};

struct image_job;

/* What a format is, so that callers (mkimage's options, the check before
 * the rename, reading an image back for the SBOM, the stager) ask the
 * handler instead of matching format names. */
enum image_cap {
	/* Holds an ext filesystem: --size, --extra-space and --label apply. */
	IMAGE_CAP_EXT = 1u << 0,
	/* The file is that ext filesystem itself: e2fsck and libext2fs open it
	 * as it is (without: it must be unwrapped first, see .unwrap). */
	IMAGE_CAP_EXT_RAW = 1u << 1,
	/* A cpio newc archive, gzip'd or not: walked to its trailer in process. */
	IMAGE_CAP_CPIO = 1u << 2,
	/* --name means something: it seeds the ext UUID or names the uImage. */
	IMAGE_CAP_NAMED = 1u << 3,
	/* --arch means something: the uImage header's architecture. */
	IMAGE_CAP_ARCH = 1u << 4,
	/* A U-Boot uImage: a 64-byte header before a cpio.gz ramdisk. */
	IMAGE_CAP_UIMAGE = 1u << 5,
	/* A bzip2'd POSIX tar archive. */
	IMAGE_CAP_TAR_BZ2 = 1u << 6,
};

/* How a wrapped ext image (without IMAGE_CAP_EXT_RAW) becomes raw again. */
enum image_unwrap {
	IMAGE_UNWRAP_NONE,
	IMAGE_UNWRAP_GZIP,    /* zlib */
	IMAGE_UNWRAP_QCOW2,   /* qemu-img convert -O raw */
};

struct image_handler {
	const char *type;     /* format name as users type it: "ext4", "cpio.gz" */
	const char *summary;
	unsigned caps;        /* enum image_cap bits */
	enum image_unwrap unwrap;
	/* The format's own checker, run on the written image with its path
	 * last ("e2fsck", "-fn"); NULL when the check is in process (cpio) or
	 * the writer's own (uImage: mkimage checksums the cpio.gz we checked). */
	const char *check_tool, *check_arg;
	/* Validate options and decide sizes. Optional. */
	int (*setup)(struct image_job *j, char **err);
	/* Write the image to j->tmp (an empty file that exists). */
	int (*generate)(struct image_job *j, char **err);
};

struct image_job {
	const struct image_handler *handler;
	const struct image_opts *opts;
	struct tree *tree;
	const char *name;     /* opts->name or the output's base name */
	char *tmp;            /* where generate writes */
	uint64_t size;        /* ext: chosen filesystem size in bytes */
	uint64_t min_size;    /* ext: smallest size that holds the tree, once known */
};

/* All formats, in the order --help lists them. */
extern const struct image_handler *const image_handlers[];
extern const size_t image_nhandlers;

const struct image_handler *image_handler_find(const char *type);

/* Whether format @type is known and has every bit of @caps. */
bool image_format_has(const char *type, unsigned caps);

/* The formats with every bit of @caps, "ext4, ext3, ..." for messages. Caller frees. */
char *image_formats_with(unsigned caps);

/* "ext4, ext3, ..." for messages. Caller frees. */
char *image_format_list(void);

/* Build one image from a finished tree (tree_finish done). Returns 0, or a
 * negative value with *err set; the output path then holds what it held
 * before. */
int image_build(const struct image_handler *h, struct tree *t, const struct image_opts *o,
		char **err);

/* ---- helpers the handlers share ---- */

/* A new empty temporary file next to j->opts->output ("<dir>/.<base>.<what>-XXXXXX"),
 * for formats built from another image. Caller unlinks and frees. */
/* Check the finished image at @path of format @h with its own format's
 * tool (h->check_tool; a cpio archive is walked to its trailer). Returns 0,
 * or -1 with *err. */
int image_verify(const struct image_handler *h, const char *path, char **err) _must_check_;

char *image_sibling_tmp(const struct image_job *j, const char *what, char **err);

/* Run a nested handler (e.g. ext2 inside ext2.gz) into @path, an existing
 * empty file, with the same options and tree. */
int image_generate_into(const struct image_handler *h, const struct image_job *outer,
			const char *path, uint64_t *size_out, char **err);

/* 16 bytes derived from @purpose, @name and @epoch (SHA-512 of them), shaped
 * as an RFC 9562 version 8 UUID, printed as 36 characters plus NUL. */
void image_derive_uuid(const char *purpose, const char *name, uint64_t epoch, char out[37]);

/* Parse "123", "64K", "512M", "2G" (binary units; bytes without a suffix).
 * Returns false when @s is not a size. */
bool image_parse_size(const char *s, uint64_t *out);

/* A size option (@opt, "--size") of a command: 0, or -1 with *err
 * ("OPT 'S' is not a size (...)"). */
int image_size_arg(const char *opt, const char *s, uint64_t *out, char **err);

/* The images' epoch: @arg (from --epoch) if given, else $SOURCE_DATE_EPOCH.
 * 0, or -1 with *err saying what is missing or wrong, naming where the
 * value came from (ext inodes hold times up to IMAGE_EPOCH_MAX). */
int image_epoch_arg(const char *arg, uint64_t *out, char **err);

/* Write a cpio newc archive of the job's tree to @path (an existing file). */
int image_write_cpio(struct image_job *j, const char *path, bool gzip, char **err);

/* Handlers. */
extern const struct image_handler image_ext2, image_ext3, image_ext4;
extern const struct image_handler image_cpio, image_cpio_gz, image_ext2_gz;
extern const struct image_handler image_tar_bz2, image_qcow2, image_uimage;

#endif
