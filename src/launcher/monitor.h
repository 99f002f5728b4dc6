/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client for the human monitor each guest's QEMU serves on
 * RUN/NAME.monitor: one command, its output back (vmguest monitor and
 * screendump). QEMU's HMP greets with a banner and a "(qemu) " prompt,
 * echoes what it is sent, prints the output, and prompts again.
 */
#ifndef VMB_MONITOR_H
#define VMB_MONITOR_H

#include "shared/util.h"

/* Run @cmd (one line) on the monitor at @sock, waiting at most @timeout_ms
 * for each reply. *out gets the output without the echo, the prompt and
 * terminal escapes (malloc'd). Returns 0, or -1 with *err set. */
int monitor_command(const char *sock, const char *cmd, int timeout_ms, char **out,
		    char **err) _must_check_;

#endif
