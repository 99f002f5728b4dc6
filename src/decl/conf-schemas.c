/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which keys each kind of declaration may use. The meaning of every key is
 * documented in doc/declarations.md and the section 5 man pages; a key added
 * here must be added there too (tests/functional/doc-coverage.test checks).
 */
#include "conf.h"
#include "shared/util.h"

/* What rootfs types, templates and guests may add to a root filesystem
 * (src/rootfs/decl.c reads them). */
#define ROOTFS_CONTENT_KEYS \
	{ "libraries", CONF_LIST },       /* shared libraries by soname, with their closure */ \
	{ "files", CONF_LIST },           /* SRC:DEST[:MODE], or an absolute host SRC alone */ \
	{ "fstab", CONF_LINES },          /* /etc/fstab lines; += adds a line */ \
	{ "modules", CONF_LIST },         /* kernel modules to keep and load at boot, or "all" */ \
	{ "users", CONF_LIST },           /* NAME:UID:GID:HOME:SHELL[:PASSWORD] */ \
	{ "groups", CONF_LIST },          /* NAME:GID[:MEMBER,MEMBER...] */ \
	{ "packages", CONF_LIST },        /* Debian packages of the sysroot (doc/packages.md) */

static const struct conf_key board_keys[] = {
	{ "description", CONF_STRING },
	{ "arch", CONF_STRING },          /* kbuild ARCH: x86_64, arm64 */
	{ "karch", CONF_STRING },         /* KARCH defined for .scc conditionals */
	{ "kmachine", CONF_STRING },      /* KMACHINE of the board's BSP description */
	{ "cross_compile", CONF_STRING }, /* kbuild CROSS_COMPILE on other build machines */
	{ "cross_compile_package", CONF_STRING }, /* the Debian package providing it */
	{ "qemu_system", CONF_STRING },   /* qemu-system-x86_64 */
	{ "qemu_package", CONF_STRING },  /* the Debian package providing it */
	{ "qemu_machine", CONF_STRING },  /* q35, virt, microvm: the host and its guests */
	{ "qemu_host_machine", CONF_STRING }, /* the host's own, when it differs */
	{ "qemu_cpu", CONF_STRING },
	{ "console", CONF_STRING },       /* serial console device: ttyS0 */
	{ "kernel_image", CONF_STRING },  /* kbuild target: bzImage, Image */
	{ "kernel_image_path", CONF_STRING }, /* where kbuild leaves it, relative to O= */
	{ "xen_boot", CONF_STRING },      /* how QEMU boots Xen: multiboot, guest-loader */
	{ "packages", CONF_LIST },        /* Debian packages every rootfs of the board needs */
};

static const struct conf_key rootfs_keys[] = {
	{ "description", CONF_STRING },
	{ "libc", CONF_STRING },          /* none (static busybox only) or glibc */
	{ "programs", CONF_LIST },        /* programs imported from the build machine */
	{ "features", CONF_LIST },
	{ "image_formats", CONF_LIST },   /* default image formats for this type */
	ROOTFS_CONTENT_KEYS
};

static const struct conf_key template_keys[] = {
	{ "description", CONF_STRING },
	{ "kernel_features", CONF_LIST }, /* .scc/.cfg added to the host kernel description */
	{ "programs", CONF_LIST },        /* added to the host rootfs */
	{ "features", CONF_LIST },
	{ "requires", CONF_LIST },        /* other templates this one needs */
	ROOTFS_CONTENT_KEYS
};

/* A guest (guests/NAME.conf). Its kernel description is found by name in
 * kernel-configs/ (NAME-<ktype>.scc); these keys say how it is packaged and run. */
static const struct conf_key guest_keys[] = {
	{ "description", CONF_STRING },
	{ "extends", CONF_STRING },       /* another guest whose settings this one starts from */
	{ "kernel", CONF_STRING },        /* "own" (default), "host", or an absolute path */
	{ "rootfs", CONF_STRING },        /* rootfs type; default busybox */
	{ "image_formats", CONF_LIST },
	{ "memory", CONF_UINT },          /* MiB */
	{ "vcpus", CONF_UINT },
	{ "disks", CONF_LIST },           /* files to stage, or the target's /dev/...[,ro] */
	{ "display", CONF_STRING },       /* none, vga (doc/guest-devices.md) */
	{ "pci", CONF_LIST },             /* PCI functions passed through with vfio */
	{ "usb", CONF_LIST },             /* USB devices passed through, VENDOR:PRODUCT */
	{ "network", CONF_STRING },       /* user, bridge, none */
	{ "xen_type", CONF_STRING },      /* pvh (default) or pv: the xl type on a Xen host */
	{ "machine", CONF_STRING },       /* auto (default), q35, microvm: the QEMU machine on a KVM host */
	{ "cmdline", CONF_STRING },
	{ "hostname", CONF_STRING },
	{ "features", CONF_LIST },
	{ "autostart", CONF_BOOL },
	{ "autostart_order", CONF_UINT }, /* autostarted guests start in ascending order */
	{ "install_name", CONF_STRING },  /* file name of the rootfs image on the host */
	{ "carries", CONF_LIST },         /* guests nested inside this one */
	{ "programs", CONF_LIST },        /* added to this guest's rootfs */
	{ "shares", CONF_LIST },          /* TAG=HOST_PATH[,ro][,mount=DIR][,security=M] (src/decl/share.h) */
	{ "entropy", CONF_BOOL },         /* virtio-rng; default yes */
	ROOTFS_CONTENT_KEYS
};

#define SCHEMA(kind, keys) { kind, keys, ARRAY_SIZE(keys) }

static const struct conf_schema board_schema = SCHEMA("board", board_keys);
static const struct conf_schema rootfs_schema = SCHEMA("rootfs", rootfs_keys);
static const struct conf_schema template_schema = SCHEMA("template", template_keys);
static const struct conf_schema guest_schema = SCHEMA("guest", guest_keys);

const struct conf_schema *const conf_schemas[] = {
	&board_schema,
	&rootfs_schema,
	&template_schema,
	&guest_schema,
};
const size_t conf_nschemas = ARRAY_SIZE(conf_schemas);
