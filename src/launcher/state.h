/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the launcher keeps what it knows about running guests: RUN/NAME.pid
 * (QEMU's pid and the accelerator) and RUN/NAME.console (the console socket);
 * LOG/NAME.log is the console's log. A guest is running when its pid file
 * names a live process whose command line is QEMU's "-name NAME".
 */
#ifndef VMB_STATE_H
#define VMB_STATE_H

#include "shared/util.h"

#include <sys/types.h>

struct vmguest_dirs {
	const char *conf; /* /etc/vmbundle/guests */
	const char *run;  /* /run/vmguest */
	const char *log;  /* /var/log/vmguest */
};

/* DIR/NAME.EXT, malloc'd. */
char *state_path(const char *dir, const char *name, const char *ext);

/* The running guest's QEMU pid, or 0; *accel (may be NULL) gets "kvm" or
 * "tcg" as recorded (malloc'd). A stale pid file is removed. */
pid_t state_running(const struct vmguest_dirs *d, const char *name, char **accel);

int state_record(const struct vmguest_dirs *d, const char *name, pid_t pid, const char *accel,
		 char **err) _must_check_;

/* Remove the pid file and the console, monitor and VNC sockets. */
void state_forget(const struct vmguest_dirs *d, const char *name);

#endif
