/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target host's own devices that a guest is given (doc/guest-devices.md),
 * checked and prepared when the guest starts: block devices (which must not be
 * mounted, swapped on or held by the host), PCI functions (bound to vfio-pci,
 * IOMMU group checked) and USB devices (present). The paths of sysfs, the
 * mount table and /dev/vfio are parameters so the unit tests can point
 * them at a made-up tree.
 */
#ifndef VMB_HOSTDEV_H
#define VMB_HOSTDEV_H

#include "shared/util.h"

#include <stdbool.h>

struct hostdev_env {
	const char *sysfs;     /* /sys */
	const char *mountinfo; /* /proc/self/mountinfo */
	const char *swaps;     /* /proc/swaps */
	const char *dev_vfio;  /* /dev/vfio */
	const char *dev_input; /* /dev/input */
};

extern const struct hostdev_env hostdev_default_env;

/* Is @path a block device the host does not use itself? Returns 0, or -1
 * with *why set to the reason and what to do (malloc'd; no file name of the
 * guest's, the caller adds it). */
int hostdev_check_disk(const struct hostdev_env *env, const char *path, char **why) _must_check_;

/* Make PCI function @addr ("0000:03:00.0") ready for QEMU's vfio-pci: it
 * exists, has an IOMMU group whose other members are free (bound to
 * vfio-pci, to nothing, or bridges), and is bound to vfio-pci (done here,
 * through driver_override). Returns 0 or -1 with *why set. */
int hostdev_prepare_pci(const struct hostdev_env *env, const char *addr, char **why) _must_check_;

/* Is a USB device VENDOR:PRODUCT plugged in? Returns 0 or -1 with *why. */
int hostdev_find_usb(const struct hostdev_env *env, unsigned vendor, unsigned product,
		     char **why) _must_check_;

/* The host's mice, as /dev/input/eventN paths (evdev devices whose events
 * include relative motion), for QEMU's input-linux. Returns how many
 * (*paths malloc'd, each entry malloc'd). */
size_t hostdev_mice(const struct hostdev_env *env, char ***paths);

#endif
