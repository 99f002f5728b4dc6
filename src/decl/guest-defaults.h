/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a guest gets for a key its declaration (guests/NAME.conf) or its
 * launch configuration leaves out: one value for the stager, which writes
 * every key it knows, and for the launcher, which reads configurations
 * written by hand too. doc/declarations.md lists them for users.
 */
#ifndef VMB_GUEST_DEFAULTS_H
#define VMB_GUEST_DEFAULTS_H

#define GUEST_DEFAULT_MEMORY 256 /* MiB */
#define GUEST_DEFAULT_VCPUS 1
#define GUEST_DEFAULT_ORDER 100 /* autostart_order */
#define GUEST_DEFAULT_MACHINE "q35"
/* QEMU's x86 microvm has this many virtio-mmio transports: a guest with
 * more virtio devices (disks, NIC, shares, entropy) runs on q35. */
#define GUEST_MICROVM_SLOTS 24
/* In a guest's default kernel command line (stager and launcher): the
 * console shows warnings and worse (levels 0-4), not the info and notice
 * lines of every boot. Each byte on a guest's emulated UART is a VM exit,
 * which under nested KVM costs seconds a boot (doc/benchmarks.md, "Boots");
 * dmesg keeps everything, and trouble (WARNING, BUG, Oops, panic) still
 * reaches the console. A guest with a screen (display = vga) keeps the
 * whole log: a person reads it. A declared cmdline replaces the default. */
#define GUEST_BOOT_QUIET "loglevel=5 "
/* The image format of a root filesystem that names none (a guest's
 * image_formats, a rootfs type's, `vmbundle stage` without --format);
 * configure reads it from this line for rootfs types that name none. */
#define IMAGE_DEFAULT_FORMAT "ext4"

#endif
