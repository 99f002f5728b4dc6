/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Does this kernel's KVM work? Asked of the device itself, never of its
 * existence: a /dev/kvm that opens can still refuse to make VMs. Shared by
 * the launcher (on the target) and `vmbundle kvm-probe` (on the build side).
 */
#ifndef VMB_KVMDEV_H
#define VMB_KVMDEV_H

/* Open @dev (normally /dev/kvm), check KVM_GET_API_VERSION is 12 and create
 * (and drop) a VM. Returns 0 when all of it works, else -1 with *why set
 * (malloc'd, e.g. "/dev/kvm: cannot open: No such file or directory"). */
int kvm_dev_probe(const char *dev, char **why);

/* The KVM module for the CPU described by @cpuinfo (normally /proc/cpuinfo):
 * "kvm_amd" for AuthenticAMD, "kvm_intel" for GenuineIntel, NULL when the
 * vendor is another or the file cannot be read. */
const char *kvm_module_for_cpu(const char *cpuinfo);

#endif
