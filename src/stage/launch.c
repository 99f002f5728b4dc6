/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Launch configuration: /etc/vmbundle/guests/NAME.conf for the on-target
 * launcher (the key = value format of doc/pipeline.md, read back with
 * src/decl/conf.c), or /etc/xen/NAME.cfg for xl. Both list the files by their
 * on-target paths, in a fixed key order, so the text depends on the
 * declaration only.
 */
#include "stage.h"
#include "decl/guest-defaults.h"
#include "shared/util.h"

#include <stdlib.h>

static const struct staged_file *file_of(const struct staged_guest *sg, const char *role)
{
	for (size_t i = 0; i < sg->nfiles; i++)
		if (streq(sg->files[i].role, role))
			return &sg->files[i];
	return NULL;
}

/* Root disk first (absent for an initramfs guest), then the extra disks. */
static char *disk_list(const struct staged_guest *sg)
{
	char *list = NULL;

	for (size_t i = 0; i < sg->nfiles; i++) {
		const struct staged_file *f = &sg->files[i];

		if (!streq(f->role, "rootfs") && !streq(f->role, "disk"))
			continue;
		strappendf(&list, "%s%s", list ? " " : "", f->target);
	}
	return list;
}

static char *default_cmdline(const struct staged_guest *sg, const char *console,
			     const char *root_dev, const char *quiet)
{
	/* A guest with a screen prints its kernel messages there too; the
	 * last console= stays /dev/console, the serial line the launcher logs.
	 * @quiet: GUEST_BOOT_QUIET for a KVM guest, whose console is an
	 * emulated UART (src/decl/guest-defaults.h says why); "" for Xen's PV
	 * console, which costs no exit a byte. */
	const char *screen = sg->g->display == DISPLAY_VGA ? "console=tty0 " : "";

	/* A screen is read by a person: it shows the whole log. */
	if (*screen)
		quiet = "";

	if (sg->g->cmdline)
		return xstrdup(sg->g->cmdline);
	if (file_of(sg, "initrd"))
		return xasprintf("%sconsole=%s %spanic=-1", screen, console, quiet);
	return xasprintf("%sconsole=%s root=%s rw %spanic=-1", screen, console, root_dev, quiet);
}

static void append_list(char **text, const char *key, const struct namelist *l)
{
	if (!l->n)
		return;
	strappendf(text, "%s =", key);
	for (size_t i = 0; i < l->n; i++)
		strappendf(text, " %s", l->v[i]);
	strappendf(text, "\n");
}

/* Entropy, then the shares in their declared order (without mount=: that
 * is the guest's business, in its fstab). */
static void add_devices(char **text, const struct guest *g)
{
	strappendf(text, "entropy = %s\n", g->entropy ? "yes" : "no");
	if (!g->shares.n)
		return;
	strappendf(text, "shares =");
	for (size_t i = 0; i < g->shares.n; i++) {
		char *item = share_launch_item(&g->shares.v[i]);

		strappendf(text, " %s", item);
		free(item);
	}
	strappendf(text, "\n");
}

char *launch_kvm_text(const struct stage_opts *o, const struct staged_guest *sg)
{
	const struct guest *g = sg->g;
	const struct staged_file *initrd = file_of(sg, "initrd");
	char *disks = disk_list(sg);
	char *cmdline = default_cmdline(sg, o->console, "/dev/vda", GUEST_BOOT_QUIET);
	char *text = NULL;

	strappendf(&text, "# Written by vmbundle stage for guest %s; read by vmguest.\n", g->name);
	strappendf(&text, "name = %s\n", g->name);
	strappendf(&text, "kernel = %s\n", file_of(sg, "kernel")->target);
	if (initrd)
		strappendf(&text, "initrd = %s\n", initrd->target);
	if (disks)
		strappendf(&text, "disks = %s\n", disks);
	strappendf(&text, "memory = %u\n", g->memory);
	strappendf(&text, "vcpus = %u\n", g->vcpus);
	strappendf(&text, "network = %s\n", guest_network_name(g->network));
	strappendf(&text, "cmdline = %s\n", cmdline);
	strappendf(&text, "machine = %s\n", sg->machine);
	if (g->hostname)
		strappendf(&text, "hostname = %s\n", g->hostname);
	strappendf(&text, "autostart = %s\n", g->autostart ? "yes" : "no");
	strappendf(&text, "autostart_order = %u\n", g->autostart_order);
	add_devices(&text, g);
	append_list(&text, "host_disks", &g->host_disks);
	if (g->display != DISPLAY_NONE)
		strappendf(&text, "display = %s\n", devspec_display_name(g->display));
	append_list(&text, "pci", &g->pci);
	append_list(&text, "usb", &g->usb);
	free(disks);
	free(cmdline);
	return text;
}

/* xl strings are single- or double-quoted with no escapes: pick a quote the
 * value does not contain (values come from our own declarations). */
static const char *quote_for(const char *v)
{
	return strchr(v, '"') ? "'" : "\"";
}

char *launch_xl_text(const struct stage_opts *o, const struct staged_guest *sg)
{
	const struct guest *g = sg->g;
	const struct staged_file *initrd = file_of(sg, "initrd");
	char *cmdline = default_cmdline(sg, "hvc0", "/dev/xvda", "");
	char *text = NULL;
	unsigned n = 0;

	strappendf(&text, "# Written by vmbundle stage for guest %s.\n", g->name);
	strappendf(&text, "name = \"%s\"\n", g->name);
	strappendf(&text, "type = \"%s\"\n", g->xen_type == GUEST_XEN_PV ? "pv" : "pvh");
	/* Xen intercepts RDTSCP in a PVH guest by default, and QEMU's TCG SVM
	 * reports it as RDTSC without NRIP-save, so the guest dies at its first
	 * RDTSCP under emulation; "native" lets the guest read the TSC itself,
	 * which is also the fastest mode on real hardware. A PV guest gets it
	 * too: emulating its TSC reads traps every read into Xen. The TSC is
	 * x86's: xl ignores tsc_mode on arm64, so it is not written there. */
	if (streq(o->arch, "x86_64"))
		strappendf(&text, "tsc_mode = \"native\"\n");
	strappendf(&text, "kernel = \"%s\"\n", file_of(sg, "kernel")->target);
	if (initrd)
		strappendf(&text, "ramdisk = \"%s\"\n", initrd->target);
	strappendf(&text, "memory = %u\n", g->memory);
	strappendf(&text, "vcpus = %u\n", g->vcpus);
	strappendf(&text, "extra = %s%s%s\n", quote_for(cmdline), cmdline, quote_for(cmdline));
	strappendf(&text, "disk = [");
	for (size_t i = 0; i < sg->nfiles; i++) {
		const struct staged_file *f = &sg->files[i];

		if (!streq(f->role, "rootfs") && !streq(f->role, "disk"))
			continue;
		strappendf(&text, "%s 'format=%s, vdev=xvd%c, access=rw, target=%s'", n ? "," : "",
			   streq(f->format, "qcow2") ? "qcow2" : "raw", 'a' + n, f->target);
		n++;
	}
	/* The target's own block devices: xl gives a device target the phy
	 * back end by itself. */
	for (size_t i = 0; i < g->host_disks.n; i++) {
		char *path;
		bool ro;

		if (devspec_host_disk(g->host_disks.v[i], &path, &ro))
			continue; /* checked when the declaration was read */
		strappendf(&text, "%s 'format=raw, vdev=xvd%c, access=%s, target=%s'", n ? "," : "",
			   'a' + n, ro ? "ro" : "rw", path);
		free(path);
		n++;
	}
	strappendf(&text, " ]\n");
	if (g->network != GUEST_NET_NONE)
		strappendf(&text, "vif = [ 'bridge=xenbr0' ]\n");
	if (g->network == GUEST_NET_USER)
		strappendf(&text, "# network = user has no xl equivalent: bridged on xenbr0.\n");
	/* Read by dom0's /etc/init.d/S95xendomains (feature/xen): xl has no
	 * start order of its own. */
	if (g->autostart)
		strappendf(&text, "# autostart_order = %u\n", g->autostart_order);
	free(cmdline);
	return text;
}
