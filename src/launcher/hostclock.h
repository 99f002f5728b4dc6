/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Not starting a KVM guest while the host still measures its TSC's rate.
 * QEMU reads the host's TSC rate from KVM when it makes the VM and sets it
 * on each vCPU; when the host's kernel refines the rate in between (its
 * tsc-early clocksource becomes tsc, about a second after boot, later on a
 * slow or busy host) and the CPU cannot scale TSCs, KVM runs the vCPU in
 * catch-up mode ("user requested TSC rate below hardware speed" in the
 * host's log) and the guest's timers fire seconds late: its kernel stalled
 * (an RCU stall, then silence) in a CI run of tests/boot/nested.test whose
 * guest started just as the host refined its rate.
 */
#ifndef VMB_HOSTCLOCK_H
#define VMB_HOSTCLOCK_H

/* How long vmguest waits: the refinement is a second after the TSC's
 * first clocksource registers, seconds on an emulated host. */
#define HOSTCLOCK_WAIT_MS 20000

/* Where the host's kernel says which clocksource it uses. */
#define HOSTCLOCK_CURRENT "/sys/devices/system/clocksource/clocksource0/current_clocksource"

/* Wait while the clocksource named in @path is tsc-early, at most
 * @timeout_ms. Returns 0 when it is (or becomes) something else or cannot
 * be read (nothing to wait for), -1 when it is still tsc-early at the end. */
int hostclock_wait_settled(const char *path, long timeout_ms);

#endif
