/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stager: one carrier (the host, or a guest that carries others) gets
 * its carried guests' kernels, images and launch configuration.
 *
 * How (one pass, one writer): the carrier's tree is loaded with the image
 * module's reader, every staged file is grafted into that tree model as a
 * name whose content is the source file on the build machine
 * (tree_graft), and the image module writes the carrier's images from the
 * tree. So the guest files go into the ext4 with libext2fs by their data
 * runs only (SEEK_DATA/SEEK_HOLE, all-zero blocks skipped), the size is
 * computed from the whole content before anything is written, every time is
 * the epoch, the output appears by rename only when complete, and the other
 * formats (qcow2, a cpio.gz carrier for an initramfs host) carry the same
 * files without a second code path.
 *
 * stage_plan() decides everything (and checks every input) before
 * stage_write() writes anything.
 */
#ifndef VMB_STAGE_H
#define VMB_STAGE_H

#include "decl/guest.h"
#include "hashcache.h"
#include "sha256.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

enum hypervisor { HV_KVM, HV_XEN };

/* One file staged into a carrier. */
struct staged_file {
	const char *role;   /* "kernel", "rootfs", "initrd", "disk", "ramdisk", "device_tree" */
	char *src;          /* on the build machine (resolved, no symlinks) */
	char *target;       /* absolute path in the carrier's image */
	uint64_t size;      /* apparent bytes */
	uint64_t allocated; /* bytes in non-zero blocks: what it costs in the image */
	uint32_t regions;   /* runs of such blocks (tree_data_runs) */
	char sha256[SHA256_HEX_LEN + 1]; /* all '0' while pending */
	char format[16];    /* fileprobe's token */
	bool pending;       /* sha256 still to compute (hashpool.h) */
	struct stat st;     /* the source as measured: it must not change */
};

/* A guest as staged into one carrier, with what it carries in turn. */
struct staged_guest {
	struct guest *g;     /* NULL for a user-written Xen configuration */
	char *name;
	char *origin;        /* declaration, "external", or the xl file */
	struct staged_file *files;
	size_t nfiles;
	char *kernel_version; /* from the kernel image's header; NULL when unknown */
	char *config_sha256;  /* of DEPLOY/config-NAME; NULL for kernels not built here */
	char *launch_text;   /* KVM launch config, or the xl config */
	char *launch_target; /* where launch_text goes in the image */
	const char *machine; /* the QEMU machine it runs on (KVM): the board's, or microvm */
	struct staged_guest *kids;
	size_t nkids;
};

struct stage_opts {
	const char *carrier;     /* "host" or a guest name */
	const char *tree;        /* the carrier's assembled root filesystem */
	const char *const *permtabs;
	size_t npermtabs;
	const char *deploy;      /* DEPLOY: kernels, configs and images by name */
	const char *board;
	const char *work;        /* scratch directory for generated files */
	const char *manifest;    /* also publish the manifest here (NULL: no) */
	char *packages;          /* the sysroot's resolved packages (sysroot/packages), recorded
				    in the manifest; NULL: none (--with-userland=host) */
	const char *depfile;     /* write make dependencies here (NULL: no) */
	struct namelist formats;  /* the carrier's image formats, outputs DEPLOY/NAME-BOARD.rootfs.FMT */
	struct namelist xl_files; /* user-written Xen configurations */
	struct namelist xl_dirs;  /* directories whose files xl disks may name ("the bundle") */
	struct namelist source_roots; /* resolved; the manifest shows paths under them relative */
	enum hypervisor hv;
	uint64_t size, extra, epoch;
	const char *console;     /* guests' serial console: ttyS0 */
	const char *machine;     /* qemu machine: q35 */
	const char *kernel_image; /* the board's kernel image name, deploy prefix: bzImage, Image */
	const char *arch;        /* the board's kbuild arch: x86_64, arm64; every guest kernel must be for it */
	struct hash_cache *cache; /* known SHA-256s of sources; may be NULL */
};

struct stage_plan {
	const struct stage_opts *o;
	struct guest_set *set;
	struct staged_guest *guests; /* the carrier's direct guests */
	size_t nguests;
	char *host_kernel_version, *host_config_sha256;
};

/* Check every input and decide every file (plan.c). Returns 0 or -1 with *err. */
int stage_plan(struct stage_plan *p, const struct stage_opts *o, struct guest_set *set,
	       const struct namelist *carried, char **err);
void stage_plan_free(struct stage_plan *p);
void staged_guest_free(struct staged_guest *sg);

/* Plan one guest as staged under @base ("/var/lib/kvm/images" ...). */
int stage_plan_guest(const struct stage_opts *o, struct guest_set *set, struct guest *g,
		     struct staged_guest *sg, char **err);

/* Launch configuration texts (launch.c). */
char *launch_kvm_text(const struct stage_opts *o, const struct staged_guest *sg);
char *launch_xl_text(const struct stage_opts *o, const struct staged_guest *sg);

/* A user-written xl file parsed with libxlutil, every path rewritten (xlcfg.c). */
int xlcfg_plan(const struct stage_opts *o, const char *file, struct staged_guest *sg, char **err);

/* The manifest's JSON (manifest.c). */
char *manifest_json(const struct stage_plan *p);

/* Write the carrier's images (carrier.c); fills the pending SHA-256s.
 * Returns 0 or -1 with *err. */
int stage_write(struct stage_plan *p, char **err);

/* Where a carrier's or a leaf guest's images are: DEPLOY/NAME-BOARD.rootfs.FMT. */
char *stage_image_path(const struct stage_opts *o, const char *name, const char *format);

/* Fill size, allocated bytes and format of a planned file, and its SHA-256
 * when the hash cache knows it (else it is left pending for stage_write). */
int staged_file_measure(const struct stage_opts *o, struct staged_file *f, char **err);

/* Did staged_file_measure find a kernel image? */
bool staged_file_is_kernel(const struct staged_file *f);

/* Remove temporary files a killed run left next to @output. */
void stage_remove_stale_tmps(const char *output);

#endif
