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

struct image_handler {
	const char *type;     /* format name as users type it: "ext4", "cpio.gz" */
	const char *summary;
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
/* Check the finished image at @path of format @type with its own format's
 * tool (e2fsck -fn, qemu-img check, gzip -t, bzip2 -t; a cpio archive is
 * walked to its trailer). Returns 0, or -1 with *err. */
int image_verify(const char *type, const char *path, char **err) _must_check_;

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

/* A size option of command @cmd ("mkimage", "stage"): 0, or -1 after
 * printing "vmbundle: CMD: OPT 'S' is not a size (...)". */
int image_size_arg(const char *cmd, const char *opt, const char *s, uint64_t *out);

/* The images' epoch: @arg (from --epoch) if given, else $SOURCE_DATE_EPOCH.
 * 0, or -1 after printing what is missing or wrong, naming where the value
 * came from (ext inodes hold times up to IMAGE_EPOCH_MAX). */
int image_epoch_arg(const char *cmd, const char *arg, uint64_t *out);

/* Write a cpio newc archive of the job's tree to @path (an existing file). */
int image_write_cpio(struct image_job *j, const char *path, bool gzip, char **err);

/* Handlers. */
extern const struct image_handler image_ext2, image_ext3, image_ext4;
extern const struct image_handler image_cpio, image_cpio_gz, image_ext2_gz;
extern const struct image_handler image_tar_bz2, image_qcow2, image_uimage;

#endif
