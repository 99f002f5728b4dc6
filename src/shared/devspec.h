/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The syntax of what a guest may be given of its host's own hardware
 * (doc/guest-devices.md): a host block device as a disk ("/dev/...[,ro]"),
 * PCI functions and USB devices to pass through, and the display. Checked
 * once here, by the stager at build time and again by the on-target
 * launcher, which shares this file. Syntax only: whether the device exists
 * is a question for the target (src/launcher/hostdev.c).
 */
#ifndef VMB_SHARED_DEVSPEC_H
#define VMB_SHARED_DEVSPEC_H

#include <stdbool.h>
#include <stddef.h>

/* A disk item that names a device of the host rather than a file to stage. */
bool devspec_is_host_disk(const char *item);

/* "/dev/PATH[,ro|,rw]": *path gets the device path (malloc'd), *readonly the
 * option (default read-write). Returns NULL, or why not (static text). */
const char *devspec_host_disk(const char *item, char **path, bool *readonly);

/* A PCI function, "[DOMAIN:]BUS:DEVICE.FUNCTION" in hex (lspci -D's form).
 * @out (13 bytes) gets it with the domain: "0000:03:00.0". Returns NULL or
 * why not. */
const char *devspec_pci(const char *text, char out[13]);

/* A USB device by vendor and product, "VVVV:PPPP" in hex (lsusb's form).
 * Returns NULL or why not. */
const char *devspec_usb(const char *text, unsigned *vendor, unsigned *product);

/* The display a guest may have. */
enum guest_display { DISPLAY_NONE, DISPLAY_VGA };
/* "none" or "vga". Returns 0, or -1 for anything else. */
int devspec_display(const char *text, enum guest_display *out);
const char *devspec_display_name(enum guest_display d);

#endif
