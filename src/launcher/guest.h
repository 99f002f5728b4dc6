/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A staged guest as the launcher sees it: /etc/vmbundle/guests/NAME.conf,
 * written by the stager in the format of doc/pipeline.md and parsed with the
 * project's strict declaration parser (src/decl/conf.c). A struct launch_guest
 * is one launch configuration; the stager's struct guest (src/decl/guest.h)
 * is a declared guest, before staging.
 */
#ifndef VMB_GUEST_H
#define VMB_GUEST_H

#include "decl/guest-defaults.h"
#include "decl/share.h"
#include "shared/devspec.h"
#include "shared/util.h"

#include <stdbool.h>
#include <stddef.h>

enum guest_net { GUEST_NET_USER, GUEST_NET_BRIDGE, GUEST_NET_NONE };
enum disk_format { DISK_RAW, DISK_QCOW2 };

/* Defaults for keys a launch configuration leaves out: src/decl/guest-defaults.h. */

struct launch_guest {
	char *name;
	char *conf_path;
	char *kernel;
	char *initrd;  /* NULL: none */
	char *cmdline; /* NULL: a default that suits the disks (launch_guest_cmdline) */
	char *machine;
	char *accel;   /* "auto" (probe), "kvm" or "tcg" */
	char **disks;  /* the first is the root disk */
	enum disk_format *disk_formats; /* filled by launch_guest_check_files */
	size_t ndisks;
	unsigned memory, vcpus;
	enum guest_net network;
	bool autostart;
	unsigned autostart_order;
	bool entropy;              /* virtio-rng (default yes) */
	struct share_list shares;  /* shared folders, launch syntax (src/decl/share.h) */
	/* The target's own devices (doc/guest-devices.md). */
	char **host_disks;     /* block devices, after the staged disks */
	bool *host_disk_ro;
	size_t nhost_disks;
	enum guest_display display;
	char **pci;            /* "0000:03:00.0", bound to vfio-pci at start */
	size_t npci;
	unsigned (*usb)[2];    /* vendor, product */
	size_t nusb;
};

/* Parse one launch configuration. The file must be named NAME.conf and say
 * "name = NAME". Returns 0, or -1 with *err ("path:line: ...") set. */
int launch_guest_load(const char *path, struct launch_guest *g, char **err) _must_check_;

/* Every DIR/ *.conf that parses, sorted by name: one broken configuration
 * must not keep the other guests from running. Returns how many could not
 * be read (their messages in *err, one a line), or -1 with *err set when DIR
 * cannot be listed. A missing directory is no guests. */
int launch_guests_load_dir(const char *dir, struct launch_guest **out, size_t *n, char **err) _must_check_;

/* Check that the kernel, initrd and disks exist and look like what they
 * claim to be; learn each disk's format. Returns 0 or -1 with *err set. */
int launch_guest_check_files(struct launch_guest *g, char **err) _must_check_;

/* Check that every share's host path is a directory on this machine.
 * Returns 0 or -1 with *err naming the guest, its configuration and the
 * path. */
int launch_guest_check_shares(const struct launch_guest *g, char **err) _must_check_;

/* The kernel command line to boot with (never NULL; points into @g or at a
 * static default). */
const char *launch_guest_cmdline(const struct launch_guest *g);

/* Does the guest run on QEMU's microvm ("microvm" or "microvm,OPTIONS"),
 * whose virtio devices sit on the MMIO bus? */
bool launch_guest_on_mmio(const struct launch_guest *g);

/* Autostart order: ascending autostart_order, then name. */
int launch_guest_cmp_autostart(const void *a, const void *b);

void launch_guest_free(struct launch_guest *g);
void launch_guests_free(struct launch_guest *v, size_t n);

#endif
