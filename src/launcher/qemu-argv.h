/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU command line for a guest, built as an argv array (no shell ever
 * sees it). Pure: everything it depends on is in its arguments, so the unit
 * tests can pin every word.
 */
#ifndef VMB_QEMU_ARGV_H
#define VMB_QEMU_ARGV_H

#include "guest.h"
#include "strv.h"

enum accel { ACCEL_KVM, ACCEL_TCG };

struct qemu_plan {
	const char *qemu;   /* the program: qemu-system-x86_64 */
	enum accel accel;
	/* The console: on stdio (start --console), else a unix socket whose
	 * output is also logged. */
	bool console_stdio;
	const char *console_socket;
	const char *console_log;
	const char *tap;    /* bridge networking: the tap interface to use */
	const char *monitor_socket; /* QEMU's human monitor (vmguest monitor, screendump) */
	/* A guest with display = vga: shown on the machine's own screen with
	 * curses (QEMU's stdio is then that terminal, and the serial console
	 * goes to @console_tty, or to the socket and log when NULL), else on a
	 * VNC server at the unix socket @vnc_socket. */
	enum { SCREEN_VNC, SCREEN_CURSES } screen;
	const char *vnc_socket;
	const char *console_tty;
	char **mice;        /* the host's mice, passed through with input-linux */
	size_t nmice;
};

/* The whole argv, argv[0] = plan->qemu. */
void qemu_argv(const struct launch_guest *g, const struct qemu_plan *plan, struct strv *out);

/* @path with every ',' doubled, as QEMU's option syntax wants. Malloc'd. */
char *qemu_escape_commas(const char *path);

/* A locally administered MAC address that is the same for the same guest
 * name on every boot (52:54:00 is QEMU's prefix). Writes 18 bytes. */
void guest_mac(const char *name, char out[18]);

/* The tap interface name for a guest in bridge mode: "vmtap" + 8 hex digits
 * of a hash of the name (interface names have at most 15 characters, and
 * guest names share long prefixes). Writes 14 bytes. */
void guest_tap_name(const char *name, char out[14]);

#endif
