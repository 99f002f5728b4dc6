/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which accelerator a guest gets: KVM when it really works, else TCG. */
#ifndef VMB_ACCEL_H
#define VMB_ACCEL_H

#include "qemu-argv.h"

/* @want is the guest's "accel" (auto, kvm or tcg). For auto: load the KVM
 * module for this CPU's vendor when /dev/kvm is missing, probe the device,
 * and on failure choose TCG with *fallback saying why KVM did not work
 * (malloc'd; the caller tells the user, since that is why the guest is
 * slow). An explicit "kvm" that does not work is an error (-1, *err set). */
int accel_choose(const char *want, const char *guest, enum accel *out, char **fallback,
		 char **err) _must_check_;

#endif
