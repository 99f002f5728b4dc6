/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is in an image and where each piece came from: the model behind the
 * SPDX 2.3 documents (vmbundle sbom), the Yocto-style package manifests and
 * the size graph (vmbundle graph-size).
 *
 * The files are read back from the image itself, never from the tree it
 * was made from, so the document lists exactly what is there. Each file is
 * then given its origin (a component):
 *   - a Debian package: the file's source path (rootfs/NAME/imports) looked
 *     up in the sysroot's file list (.vmb/files) or, for images made from
 *     the build machine (--with-userland=host), in dpkg's database
 *   - a kernel: the image's own kernel's modules (/lib/modules/), and a
 *     staged guest kernel, recognised by its content
 *   - a build product of this project (the vmguest launcher)
 *   - a staged guest image, by its content
 *   - a prebuilt file given to configure, by its content
 *   - otherwise the image itself: what vmbundle generated from the
 *     declarations (skeleton, /etc files, overlays, launch configurations)
 *
 * The steps, one file each:
 *   digest.c      SHA-1 and SHA-256 of a stream (SPDX wants both)
 *   read-ext.c    ext2/3/4 images through libext2fs
 *   read-cpio.c   cpio (newc) archives, gzip'd or not (and uImage ramdisks)
 *   read-tar.c    tar archives through bzip2
 *   read-image.c  choose a format to read; qcow2 and ext2.gz via a raw copy
 *   pkgdb.c       dpkg's database and the sysroot's package lists
 *   kernel.c      a kernel's release, checksums, patches and descriptions
 *   origin.c      the components, and each file's origin and size category
 *   spdx.c        the SPDX 2.3 JSON document (sorted, reproducible)
 *   manifest.c    the Yocto-style package list
 *   options.c     the command line both commands share
 *
 * Nothing here prints or exits; errors come back as malloc'd messages that
 * name the file and what to do.
 */
#ifndef VMB_SBOM_H
#define VMB_SBOM_H

#include "sha256.h"
#include "shared/strlist.h"
#include "shared/strmap.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#define SHA1_HEX_LEN 40

/* ---- digest.c ---------------------------------------------------------- */

struct digests {
	char sha1[SHA1_HEX_LEN + 1];
	char sha256[SHA256_HEX_LEN + 1];
};

struct digest;
struct digest *digest_new(void);
void digest_update(struct digest *d, const void *p, size_t n);
/* Finish into @out and free @d. */
void digest_finish(struct digest *d, struct digests *out);
/* Both digests of a whole file. Returns 0, or -1 with *err. */
int digest_file(const char *path, struct digests *out, char **err);

/* ---- reading images ---------------------------------------------------- */

struct img_file {
	char *path;           /* in the image: "/usr/bin/qemu-system-x86_64" */
	uint64_t size;        /* bytes */
	uint64_t allocated;   /* bytes in the image's blocks (ext), or the archive's data for it */
	uint64_t inode;       /* hard links share one (counted once for sizes); 0: none */
	struct digests d;
	int comp;             /* origin.c: the component, or -1 for the image's own */
	int copy_of;          /* origin.c: the component whose file this is an exact copy of, or -1 */
	const char *category; /* origin.c: where its bytes are counted in the size graph */
	const char *guest;    /* origin.c: the staged guest it belongs to, or NULL */
	char *comment;        /* origin.c: what the document says about its origin, or NULL */
};

struct img_listing {
	struct img_file *files;
	size_t n;
	char *format;         /* the format that was read */
	bool has_fs;          /* a filesystem: the numbers below are known */
	uint64_t fs_bytes, free_bytes;
};

/* Read the regular files of @path, an image in @format (ext2/3/4, cpio,
 * cpio.gz, uImage, ext2.gz, qcow2, tar.bz2), with their digests. Sorted by
 * path. Returns 0, or -1 with *err. */
int img_read(const char *path, const char *format, struct img_listing *l, char **err);
/* How cheap @format is to read back (0 the cheapest: ext4), or -1 for a
 * format img_read does not know. */
int img_format_rank(const char *format);
void img_listing_free(struct img_listing *l);

/* For the readers: add one file. */
struct img_file *img_add(struct img_listing *l, const char *path, uint64_t size, uint64_t allocated,
			 uint64_t inode, const struct digests *d);
/* An archive entry's name as an image path ("./usr/x", "usr/x" -> "/usr/x");
 * NULL with *err for a name with ".." (it would leave the root). */
char *img_entry_path(const char *archive, const char *name, char **err);
int img_read_ext(const char *path, struct img_listing *l, char **err);
int img_read_cpio(const char *path, long offset, struct img_listing *l, char **err);
int img_read_tar_bz2(const char *path, struct img_listing *l, char **err);

/* ---- pkgdb.c ----------------------------------------------------------- */

struct pkg_info {
	char *name, *arch, *version, *source, *source_version;
	char *sha256;         /* of the .deb (sysroot lock), or NULL */
};

struct pkg_db {
	struct pkg_info *v;
	size_t n;
	struct strmap by_path;   /* canonical path -> package index + 1 */
	char *root;              /* the tree the paths are in */
	bool merged[6];          /* which of /bin /sbin /lib /lib32 /lib64 /libx32 are links into usr */
	bool host;               /* dpkg's database of the build machine */
};

/* dpkg's database in @admindir (status, info/PKG.list) for files under
 * @root (merged-/usr: /lib is usr/lib when @root's /lib is that link). */
int pkgdb_load_dpkg(struct pkg_db *db, const char *root, const char *admindir, char **err);
/* A sysroot's .vmb/packages and .vmb/files (doc/packages.md). */
int pkgdb_load_sysroot(struct pkg_db *db, const char *sysroot, char **err);
/* The package that owns @path (absolute, or relative to the db's root), or NULL. */
const struct pkg_info *pkgdb_owner(const struct pkg_db *db, const char *path);
void pkgdb_free(struct pkg_db *db);

/* ---- options.c: what both commands are told ----------------------------- */

struct sbom_opts {
	const char *name;          /* host or a guest */
	const char *board;
	const char *deploy;        /* the deploy directory */
	const char *arch;          /* Debian architecture (amd64, arm64) */
	const char *imports;       /* rootfs/NAME/imports (may not exist) */
	const char *sysroot;       /* --with-userland=packages: the sysroot tree */
	const char *host_root;     /* --with-userland=host: "/" */
	const char *dpkg_admindir; /* default HOST_ROOT/var/lib/dpkg */
	const char *kernel_dir;    /* kernels/ (NAME/key.mk, NAME/patches) */
	const char *kernel_image;  /* the board's image name: bzImage, Image */
	const char *kernel_source; /* the tarball or tree */
	const char *own_kernel;    /* whose modules are in /lib/modules, or NULL */
	const char *version;       /* this tool's version */
	struct namelist formats;   /* NAME's image formats; the first is the one staged */
	struct namelist kernels;   /* kernels whose files may be in the image */
	struct namelist products;  /* DEST paths of this project's programs in the image */
	struct namelist guests;    /* G:FMT,FMT...: guests staged directly into this image */
	struct namelist prebuilt;  /* files given to configure (external kernels, images) */
	struct namelist decls;     /* rootfs/NAME/deps.mk: the declarations are read from it */
	struct namelist roots;     /* paths are shown relative to these */
};

/* A command's own option ("--spdx=FILE"), its value filled in by parsing. */
struct sbom_extra {
	const char *name;
	bool required;
	const char *value;   /* NULL when not given */
};

/* Parse a command line of the shared options and @nextra of the command's
 * own. Returns 0, 1 when --help was asked for, or -1 with *err (a usage
 * error: an unknown option, a missing one, a bad value). */
int sbom_parse_args(int argc, char **argv, struct sbom_opts *o, struct sbom_extra *extra, size_t nextra,
		    char **err);
void sbom_opts_free(struct sbom_opts *o);
/* "Options:" text for --help. */
extern const char sbom_options_help[];

/* ---- kernel.c ---------------------------------------------------------- */

struct source_file {
	char *path;       /* on the build machine */
	char *shown;      /* as documents show it: relative to a source root */
	struct digests d;
};

struct kernel_info {
	char *name;       /* host, x86-kvm-guest1 */
	char *release;    /* 6.1.192-kvm-guest1 */
	struct source_file image, config;
	struct source_file *patches;
	size_t npatches;
	struct source_file *descs;  /* the .scc/.cfg it was resolved from */
	size_t ndescs;
};

/* Deployed kernel @name: DEPLOY/IMAGE-NAME, DEPLOY/config-NAME,
 * KDIR/NAME/patches and the description files KDIR/NAME/key.mk lists. */
int kernel_info_load(struct kernel_info *k, const struct sbom_opts *o, const char *name, char **err);
void kernel_info_free(struct kernel_info *k);
int source_file_load(struct source_file *f, const char *path, const struct sbom_opts *o, char **err);
void source_file_free(struct source_file *f);
/* @path as documents show it: relative to the first --source-root above it. */
const char *sbom_shown_path(const struct sbom_opts *o, const char *path);

/* ---- origin.c: the model ------------------------------------------------ */

enum comp_kind { COMP_IMAGE, COMP_PACKAGE, COMP_KERNEL, COMP_PRODUCT, COMP_GUEST, COMP_PREBUILT,
		 COMP_SOURCE };

struct component {
	enum comp_kind kind;
	char *id;             /* SPDXRef-... */
	char *name, *version, *arch;
	char *supplier;       /* "Organization: Debian", or NULL (NOASSERTION) */
	char *file_name;      /* packageFileName */
	char *purl;           /* pkg:deb/... */
	char *source_info, *comment;
	const char *purpose;  /* SPDX primaryPackagePurpose */
	const char *category; /* size graph: where its files' bytes go */
	bool has_digests;
	struct digests d;
	int kernel;           /* COMP_KERNEL: index into sbom.kernels */
	char *guest;          /* COMP_GUEST: the guest's name */
	char *guest_doc_ns;   /* COMP_GUEST: the guest's own SPDX document */
	char *guest_doc_sha1;
	bool used;            /* something in the image comes from it */
};

struct sbom {
	const struct sbom_opts *o;
	char datetime[16];
	struct img_listing img;
	char *read_path;                /* the image file the listing came from */
	struct component *comps;        /* [0] is the image itself */
	size_t ncomps;
	struct kernel_info *kernels;
	size_t nkernels;
	struct source_file *decls;      /* declarations the image was made from */
	size_t ndecls;
	int kernel_source;              /* component index of the kernel source, or -1 */
	struct pkg_db pkgs;
	bool have_pkgs;
};

/* An SPDX id: PREFIX + TEXT with every character SPDX does not allow as
 * '-', and then 8 hex digits of TEXT's SHA-256 so distinct texts stay
 * distinct. Malloc'd. */
char *sbom_id(const char *prefix, const char *text);

/* Read NAME's image and work out every file's origin. Returns 0, or -1
 * with *err. */
int sbom_build(struct sbom *s, const struct sbom_opts *o, char **err);
void sbom_free(struct sbom *s);

/* ---- cmd-sbom.c: for the commands that read an image ---------------------- */

/* Parse the command line (sbom_parse_args) and build @s; on --help print
 * @print_usage. Prints its own errors, prefixed with @cmd. Returns -1 to go on
 * (@s built), or the command's exit status (0 after --help, 2 for a usage
 * error, 1 when the image could not be read). */
int sbom_command_start(int argc, char **argv, struct sbom_opts *o, struct sbom_extra *extra,
		       size_t nextra, void (*print_usage)(FILE *), struct sbom *s);

/* ---- spdx.c, manifest.c -------------------------------------------------- */

/* The SPDX 2.3 JSON document (malloc'd). */
char *spdx_document(const struct sbom *s);
/* The documentNamespace of an SPDX JSON document we wrote, or NULL. */
char *spdx_read_namespace(const char *path, char **err);
/* Yocto's IMAGE.manifest: "NAME ARCH VERSION" per package, sorted. */
char *manifest_text(const struct sbom *s);

#endif
