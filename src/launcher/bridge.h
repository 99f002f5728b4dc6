/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bridge networking (seed 001's xenbr0, seed 000's qemu-ifup): one bridge,
 * vmbr0, and a tap per guest on it, made with iproute2's ip before QEMU
 * starts, so QEMU needs no ifup script and no shell.
 */
#ifndef VMB_BRIDGE_H
#define VMB_BRIDGE_H

#include "shared/util.h"

#define VMGUEST_BRIDGE "vmbr0"

/* Make the bridge if missing (and bring it up), then a fresh tap @tap on it. */
int bridge_add_tap(const char *tap, char **err) _must_check_;

/* Remove @tap; quiet, for cleaning up after a guest. */
void bridge_remove_tap(const char *tap);

#endif
