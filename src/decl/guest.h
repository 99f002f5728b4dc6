/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest model: guests/NAME.conf read strictly (src/decl/conf.c), its
 * `extends` chain folded in (the child's keys win), defaults applied, and
 * the `carries` graph checked (names, duplicates, cycles, a guest carried by
 * two carriers). Everything here only parses and checks: it returns data or
 * an error message ("file:line: ...") and prints nothing.
 */
#ifndef VMB_STAGE_GUEST_H
#define VMB_STAGE_GUEST_H

#include "guest-defaults.h"
#include "share.h"
#include "shared/devspec.h"
#include "shared/strlist.h"

#include <stdbool.h>
#include <stddef.h>

enum guest_kernel {
	GUEST_KERNEL_OWN,  /* built from kernel-configs/NAME-<ktype>.scc: DEPLOY/bzImage-NAME */
	GUEST_KERNEL_HOST, /* the host's kernel: DEPLOY/bzImage-host */
	GUEST_KERNEL_FILE, /* an absolute path on the build machine */
};

enum guest_network { GUEST_NET_USER, GUEST_NET_BRIDGE, GUEST_NET_NONE };

/* How Xen runs the guest (xl's type): PVH (the default: one kernel entry,
 * hardware paging) or PV (no virtualisation extensions needed). */
enum guest_xen_type { GUEST_XEN_PVH, GUEST_XEN_PV };

/* The QEMU machine a KVM guest runs on. auto: microvm when the guest needs
 * no PCI device and its kernel can boot there (virtio-mmio, ACPI, KVM's
 * clock; it boots in about half of q35's time: no PCI bus to enumerate, no
 * PC devices to probe), else the board's (q35). The stager decides
 * (src/stage/plan.c, guest_machine). */
enum guest_machine { GUEST_MACHINE_AUTO, GUEST_MACHINE_Q35, GUEST_MACHINE_MICROVM };

struct guest {
	char *name;
	char *conf;           /* the declaration read, NULL when the guest has none */
	char *dir;            /* its directory: relative disk paths start there */
	char **chain;         /* declarations read, the guest's own first, for make's deps */
	size_t nchain;
	enum guest_kernel kernel;
	char *kernel_path;    /* GUEST_KERNEL_FILE */
	char *rootfs;
	struct namelist formats; /* image formats; the first is the one staged and booted */
	bool formats_declared;   /* image_formats given; else the rootfs type's apply */
	unsigned memory, vcpus;
	struct namelist disks; /* extra disks: "PATH" or "shared:PATH" */
	struct namelist host_disks; /* the target's own block devices: "/dev/...[,ro]" */
	enum guest_display display;
	struct namelist pci;  /* PCI functions to pass through: "0000:03:00.0" */
	struct namelist usb;  /* USB devices to pass through: "046d:c52b" */
	enum guest_network network;
	enum guest_xen_type xen_type; /* Xen hosts only; KVM ignores it */
	char *xen_type_file;  /* where xen_type was declared (NULL: the default), */
	unsigned xen_type_line; /* for errors that depend on the host (arm64 has no PV) */
	enum guest_machine machine; /* KVM hosts only; Xen ignores it */
	char *machine_file;   /* where machine was declared (NULL: the default), */
	unsigned machine_line; /* for errors that depend on the kernel and board */
	char *cmdline;        /* NULL: the default for the staged image's format */
	char *hostname;
	struct namelist features;
	bool autostart;
	unsigned autostart_order;
	char *install_name;   /* the staged rootfs image's file name; NULL: rootfs.FMT */
	struct namelist carries;
	struct share_list shares; /* shared folders (src/decl/share.h) */
	bool entropy;             /* virtio-rng; default yes */
	/* External guests (configure's prebuilt pair, --with-bundled-guests):
	 * the image file itself rather than DEPLOY/NAME-BOARD.rootfs.FMT. */
	char *image_path;
};

struct guest_set {
	struct guest **v;
	size_t n;
	const char *const *dirs; /* where guests/NAME.conf are looked for, in order */
	size_t ndirs;
};


const char *guest_network_name(enum guest_network n);
const char *guest_machine_name(enum guest_machine m);

/* The guest called @name in @s, loading guests/NAME.conf (and what it
 * extends) from s->dirs on first use. Returns NULL with *err set. */
struct guest *guest_get(struct guest_set *s, const char *name, char **err);

/* Add an external guest (kernel and image files given directly); its name
 * must be new. Returns NULL with *err set. */
struct guest *guest_add_external(struct guest_set *s, const char *name, const char *kernel,
				 const char *image, char **err);

/* Load @roots and everything they carry, and check the carries graph: no
 * cycle, no guest carried twice, none of @roots carried by another. Fills
 * @order with every guest once, carried ones before their carriers (the
 * order staging needs). Returns 0, or -1 with *err set. */
int guest_resolve(struct guest_set *s, const char *const *roots, size_t nroots,
		  struct namelist *order, char **err);

/* The loaded guest that carries @name, or NULL. */
const char *guest_carrier_of(const struct guest_set *s, const char *name);

/* Does guest @g carry others? */
static inline bool guest_is_carrier(const struct guest *g) { return g->carries.n > 0; }

/* Check a name: [A-Za-z0-9._-], no "..", not empty. Returns NULL or why not. */
const char *guest_name_problem(const char *name);

void guest_set_free(struct guest_set *s);

#endif
