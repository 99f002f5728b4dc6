/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"
#include "shared/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

char *state_path(const char *dir, const char *name, const char *ext)
{
	return xasprintf("%s/%s.%s", dir, name, ext);
}

/* Is @pid a QEMU started for guest @name? Its argv holds "-name" "NAME"
 * (a recycled pid would not). */
static bool is_guest_qemu(pid_t pid, const char *name)
{
	char *path = xasprintf("/proc/%ld/cmdline", (long)pid), *data = NULL;
	size_t len = 0;
	bool yes = false;

	if (read_file(path, &data, &len) == 0) {
		for (size_t i = 0; i + 1 < len && !yes; i += strlen(data + i) + 1)
			yes = streq(data + i, "-name") && i + 6 < len && streq(data + i + 6, name);
	}
	free(path);
	free(data);
	return yes;
}

pid_t state_running(const struct vmguest_dirs *d, const char *name, char **accel)
{
	char *path = state_path(d->run, name, "pid"), *data = NULL, word[8] = "";
	size_t len = 0;
	long pid = 0;

	if (accel)
		*accel = NULL;
	if (read_file(path, &data, &len) == 0 && sscanf(data, "%ld %7s", &pid, word) >= 1 && pid > 0 &&
	    (kill((pid_t)pid, 0) == 0 || errno == EPERM) && is_guest_qemu((pid_t)pid, name)) {
		if (accel)
			*accel = xstrdup(word[0] ? word : "?");
	} else {
		if (data)
			state_forget(d, name);
		pid = 0;
	}
	free(data);
	free(path);
	return (pid_t)pid;
}

int state_record(const struct vmguest_dirs *d, const char *name, pid_t pid, const char *accel,
		 char **err)
{
	char *path = state_path(d->run, name, "pid");
	char *text = xasprintf("%ld %s\n", (long)pid, accel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int r = 0, w = fd < 0 ? -errno : write_all(fd, text, strlen(text));

	if (w < 0) {
		*err = xasprintf("%s: cannot write: %s", path, strerror(-w));
		r = -1;
	}
	if (fd >= 0 && close(fd) < 0 && r == 0) {
		*err = xasprintf("%s: cannot write: %s", path, strerror(errno));
		r = -1;
	}
	free(text);
	free(path);
	return r;
}

void state_forget(const struct vmguest_dirs *d, const char *name)
{
	static const char *const exts[] = { "pid", "console", "monitor", "vnc" };

	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		char *p = state_path(d->run, name, exts[i]);

		unlink(p);
		free(p);
	}
}
