/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The static busybox (Debian's busybox-static) and its applet links. The
 * applet list comes from the binary itself (--list-full), so the links
 * always match the busybox installed. Links are relative, so the tree also
 * works when inspected or chrooted on the build machine. An applet whose
 * name the tree already has as a program in /bin, /sbin, /usr/bin or
 * /usr/sbin (an imported /usr/sbin/ip) gets no link: the real program
 * beats the applet, whatever the order of PATH.
 */
#include "rootfs/rootfs.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_list(const char *busybox, char **out, char **err)
{
	const char *argv[] = { busybox, "--list-full", NULL };
	struct run_opts o = { .out = { RUN_PIPE, NULL, 0 } };
	struct run_child c;
	size_t len = 0, cap = 4096;
	char *buf;
	int r;

	if (run_start(argv, &o, &c, err) < 0)
		return -1;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
		n = read(c.out_fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	r = run_wait(&c, err);
	free(c.name);
	if (r < 0 || len == 0) {
		if (r == 0)
			*err = xasprintf("'%s --list-full' listed no applets", busybox);
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* "../../bin/busybox" for usr/bin/x, "busybox" for bin/x. */
static char *link_target(const char *applet)
{
	char *t = NULL;

	if (startswith(applet, "bin/") && !strchr(applet + 4, '/'))
		return xstrdup("busybox");
	for (const char *p = applet; (p = strchr(p, '/')); p++)
		strappendf(&t, "../");
	strappendf(&t, "bin/busybox");
	return t;
}

/* Does the tree already have a program called like @applet in any of the
 * directories of PATH? Then that one is the real thing and wins, wherever
 * busybox would have put its applet. */
static bool program_exists(const char *tree, const char *applet)
{
	static const char *const dirs[] = { "bin", "sbin", "usr/bin", "usr/sbin" };
	const char *base = strrchr(applet, '/') ? strrchr(applet, '/') + 1 : applet;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xasprintf("%s/%s/%s", tree, dirs[i], base);
		struct stat st;
		bool found = lstat(p, &st) == 0;

		free(p);
		if (found)
			return true;
	}
	return false;
}

static int add_link(const char *tree, const char *applet, char **err)
{
	char *dest = xasprintf("/%s", applet), *full = xasprintf("%s/%s", tree, applet);
	char *target = link_target(applet);
	struct stat st;
	int r = 0;

	if (!import_dest_ok(dest)) {
		*err = xasprintf("busybox lists an applet at '%s', which is not a plain path", applet);
		r = -1;
	} else if (lstat(full, &st) < 0 && !program_exists(tree, applet)) {
		*strrchr(dest, '/') = '\0';
		if (*dest && import_mkdir(tree, dest, err) < 0) {
			r = -1;
		} else if (symlink(target, full) < 0) {
			*err = xasprintf("cannot create the applet link '%s': %s", full, strerror(errno));
			r = -1;
		}
	}
	free(dest);
	free(full);
	free(target);
	return r;
}

int busybox_install(const char *tree, const char *busybox, char **err)
{
	char *list, *save = NULL;
	int r;

	if (access(busybox, X_OK) < 0) {
		*err = xasprintf("busybox '%s': %s; install Debian's busybox-static "
				 "(build-aux/install-deps does)", busybox, strerror(errno));
		return -1;
	}
	if (read_list(busybox, &list, err) < 0)
		return -1;
	r = import_path(tree, busybox, "/bin/busybox", false, 0755, err);
	for (char *l = strtok_r(list, "\n", &save); l && r == 0; l = strtok_r(NULL, "\n", &save))
		if (*l && !streq(l, "bin/busybox"))
			r = add_link(tree, l, err);
	free(list);
	return r;
}
