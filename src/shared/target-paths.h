/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where things live on the target (the host image), decided once for the
 * stager that puts them there, the launcher that reads them, and the SBOM
 * that describes them. doc/staging.md and doc/launcher.md describe the
 * layout; the init scripts (src/launcher/vmguest.init, templates/feature/xen)
 * use the same paths.
 */
#ifndef VMB_TARGET_PATHS_H
#define VMB_TARGET_PATHS_H

/* One launch configuration per KVM guest: TARGET_GUESTS_DIR/NAME.conf. */
#define TARGET_GUESTS_DIR "/etc/vmbundle/guests"
/* What the stager put into the image, for tools and people on the target. */
#define TARGET_MANIFEST "/etc/vmbundle/manifest.json"
/* Each guest's kernel, initramfs and disks: DIR/NAME/FILE. */
#define TARGET_KVM_IMAGES "/var/lib/kvm/images"
#define TARGET_XEN_IMAGES "/var/lib/xen/images"
/* xl configurations (TARGET_XEN_DIR/NAME.cfg) and the autostart links. */
#define TARGET_XEN_DIR "/etc/xen"
#define TARGET_XEN_AUTO_DIR "/etc/xen/auto"
/* The launcher's pid files, monitor and console sockets, and guest logs. */
#define TARGET_RUN_DIR "/run/vmguest"
#define TARGET_LOG_DIR "/var/log/vmguest"

#endif
