/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The static busybox (Debian's busybox-static) and its applet links. The
 * applet list comes from the binary itself (--list-full), so the links
 * always match the busybox installed. Links are relative, so the tree also
 * works when inspected or chrooted on the build machine. An applet whose
 * name the tree already has as a program in /bin, /sbin, /usr/bin or
 * /usr/sbin (an imported /usr/sbin/ip) gets no link: the real program
 * beats the applet, whatever the order of PATH. A busybox for another
 * architecture (arm64 on an x86 build machine) is asked under QEMU's user
 * emulation: its list is the truth, whatever the build machine's busybox is.
 */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Everything @argv prints; an empty output is an error. */
static int read_output(const char *const argv[], char **out, char **err)
{
	size_t len;

	if (run_output(argv, NULL, out, &len, err) < 0)
		return -1;
	if (len == 0) {
		*err = xasprintf("'%s --list-full' listed no applets", argv[argv[2] ? 1 : 0]);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int read_list(const char *busybox, char **out, char **err)
{
	const char *machine = elf_machine(busybox);
	struct utsname u;
	char *qemu = NULL;
	int r;

	if (machine && uname(&u) == 0 && !streq(machine, u.machine))
		qemu = xasprintf("qemu-%s", machine);
	{
		const char *native[] = { busybox, "--list-full", NULL };
		const char *emulated[] = { qemu, busybox, "--list-full", NULL };

		r = read_output(qemu ? emulated : native, out, err);
	}
	if (r < 0 && qemu) {
		char *e = *err;

		*err = xasprintf("%s (the busybox is for %s: its applets are listed under QEMU's user "
				 "emulation, Debian's qemu-user; build-aux/install-deps installs it)", e,
				 machine);
		free(e);
	}
	free(qemu);
	return r;
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

int busybox_install(const struct rootfs_importer *im, const char *busybox, char **err)
{
	char *real = realpath_in_root(im->root, busybox), *full, *list = NULL, *save = NULL;
	int r = -1;

	full = xasprintf("%s%s", im->root, real ? real : busybox);
	if (access(full, X_OK) < 0) {
		*err = xasprintf("busybox '%s': %s; %s", full, strerror(errno),
				 *im->root ? "add busybox-static to the rootfs type's 'packages'"
					   : "install Debian's busybox-static (build-aux/install-deps does)");
	} else if (read_list(full, &list, err) == 0) {
		r = import_from(im, busybox, "/bin/busybox", false, 0755, err);
		for (char *l = strtok_r(list, "\n", &save); l && r == 0; l = strtok_r(NULL, "\n", &save))
			if (*l && !streq(l, "bin/busybox"))
				r = add_link(im->tree, l, err);
	}
	free(list);
	free(full);
	free(real);
	return r;
}
