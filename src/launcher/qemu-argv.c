/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemu-argv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

char *qemu_escape_commas(const char *path)
{
	size_t extra = 0;
	char *out, *q;

	for (const char *p = path; *p; p++)
		extra += *p == ',';
	out = q = xmalloc(strlen(path) + extra + 1);
	for (const char *p = path; *p; p++) {
		*q++ = *p;
		if (*p == ',')
			*q++ = ',';
	}
	*q = '\0';
	return out;
}

/* FNV-1a: small, stable across builds and machines. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

void guest_mac(const char *name, char out[18])
{
	uint32_t h = name_hash(name);

	snprintf(out, 18, "52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}

void guest_tap_name(const char *name, char out[14])
{
	snprintf(out, 14, "vmtap%08x", (unsigned)name_hash(name));
}

static void add_accel(const struct qemu_plan *plan, struct strv *a)
{
	/* -cpu host passes the real CPU through under KVM; under TCG, max is
	 * the richest model QEMU can emulate (it includes SVM, so a guest that
	 * is itself a KVM host can run KVM_AMD guests). */
	strv_add(a, "-accel");
	strv_add(a, plan->accel == ACCEL_KVM ? "kvm" : "tcg");
	strv_add(a, "-cpu");
	strv_add(a, plan->accel == ACCEL_KVM ? "host" : "max");
}

/* Which virtio transport the guest's devices sit on: the MMIO bus of a
 * microvm (virtio-*-device), else PCI (virtio-*-pci). */
static const char *virtio_bus(const struct launch_guest *g)
{
	return launch_guest_on_mmio(g) ? "device" : "pci";
}

/* One disk: on PCI, if=virtio makes the virtio-blk-pci itself; microvm has
 * no PCI bus for it, so the drive is a backend and the device is named.
 * No bus= on microvm, for any device: QEMU fills the virtio-mmio transports
 * from the last one down, and Linux finds them in that order too (in ACPI's
 * DSDT, or on the command line QEMU appends with acpi=off), so the guest
 * sees the devices in the argv's order and the first disk is its /dev/vda.
 * (Measured with QEMU 7.2: a disk named onto bus 0 hung the guest's boot.) */
static void add_disk(const struct launch_guest *g, struct strv *a, const char *id, size_t i,
		     const char *file, const char *opts)
{
	char *esc = qemu_escape_commas(file);

	strv_add(a, "-drive");
	if (!launch_guest_on_mmio(g)) {
		strv_addf(a, "file=%s,if=virtio,%s", esc, opts);
		free(esc);
		return;
	}
	strv_addf(a, "file=%s,if=none,id=%s%zu,%s", esc, id, i, opts);
	strv_add(a, "-device");
	strv_addf(a, "virtio-blk-device,drive=%s%zu", id, i);
	free(esc);
}

static void add_disks(const struct launch_guest *g, struct strv *a)
{
	for (size_t i = 0; i < g->ndisks; i++) {
		bool qcow2 = g->disk_formats && g->disk_formats[i] == DISK_QCOW2;

		add_disk(g, a, "disk", i, g->disks[i], qcow2 ? "format=qcow2" : "format=raw");
	}
}

/* The target's own block devices, after the staged disks. cache=none:
 * the guest has the device to itself, the host's page cache only doubles
 * what the guest caches. */
static void add_host_disks(const struct launch_guest *g, struct strv *a)
{
	for (size_t i = 0; i < g->nhost_disks; i++)
		add_disk(g, a, "hostdisk", i, g->host_disks[i],
			 g->host_disk_ro[i] ? "format=raw,cache=none,readonly=on"
					    : "format=raw,cache=none");
}

/* PCI functions (bound to vfio-pci by the launcher) and USB devices. */
static void add_passthrough(const struct launch_guest *g, struct strv *a)
{
	for (size_t i = 0; i < g->npci; i++) {
		strv_add(a, "-device");
		strv_addf(a, "vfio-pci,host=%s", g->pci[i]);
	}
	if (!g->nusb)
		return;
	strv_add(a, "-device");
	strv_add(a, "qemu-xhci,id=xhci");
	for (size_t i = 0; i < g->nusb; i++) {
		strv_add(a, "-device");
		strv_addf(a, "usb-host,bus=xhci.0,vendorid=0x%04x,productid=0x%04x", g->usb[i][0],
			  g->usb[i][1]);
	}
}

static void add_display(const struct launch_guest *g, const struct qemu_plan *plan, struct strv *a)
{
	strv_add(a, "-display");
	if (g->display == DISPLAY_NONE) {
		strv_add(a, "none");
		return;
	}
	/* The VGA font's glyphs are CP437, which glibc converts only with its
	 * gconv modules, and a host rootfs carries none: read them as ASCII
	 * (built into glibc's iconv); the line-drawing ones fall back to
	 * curses' own. */
	strv_add(a, plan->screen == SCREEN_CURSES ? "curses,charset=ASCII" : "none");
	if (plan->screen == SCREEN_VNC) {
		char *sock = qemu_escape_commas(plan->vnc_socket);

		strv_add(a, "-vnc");
		strv_addf(a, "unix:%s", sock);
		free(sock);
	}
	/* Standard VGA: text mode for the console, and the bochs framebuffer
	 * for a guest that wants pixels. */
	strv_add(a, "-device");
	strv_add(a, "VGA");
	for (size_t i = 0; i < plan->nmice; i++) {
		char *dev = qemu_escape_commas(plan->mice[i]);

		strv_add(a, "-object");
		strv_addf(a, "input-linux,id=mouse%zu,evdev=%s", i, dev);
		free(dev);
	}
}

static void add_network(const struct launch_guest *g, const struct qemu_plan *plan, struct strv *a)
{
	char mac[18];

	if (g->network == GUEST_NET_NONE)
		return;
	guest_mac(g->name, mac);
	strv_add(a, "-netdev");
	if (g->network == GUEST_NET_BRIDGE)
		/* The launcher made the tap and put it on the bridge already:
		 * QEMU runs no ifup script. */
		strv_addf(a, "tap,id=net0,ifname=%s,script=no,downscript=no", plan->tap);
	else
		strv_add(a, "user,id=net0");
	/* romfile= (none): the guest boots with -kernel, never from the
	 * network, and hosts carry no NIC option ROMs (an MMIO device has no
	 * ROM to leave out). */
	strv_add(a, "-device");
	strv_addf(a, "virtio-net-%s,netdev=net0,mac=%s%s", virtio_bus(g), mac,
		  launch_guest_on_mmio(g) ? "" : ",romfile=");
}

static void add_monitor(const struct qemu_plan *plan, struct strv *a)
{
	char *sock;

	if (!plan->monitor_socket)
		return;
	sock = qemu_escape_commas(plan->monitor_socket);
	strv_add(a, "-monitor");
	strv_addf(a, "unix:%s,server=on,wait=off", sock);
	free(sock);
}

/* One virtio-9p device per share, fsN in the declared order. */
static void add_shares(const struct launch_guest *g, struct strv *a)
{
	for (size_t i = 0; i < g->shares.n; i++) {
		const struct share *s = &g->shares.v[i];
		char *path = qemu_escape_commas(s->path);

		strv_add(a, "-fsdev");
		strv_addf(a, "local,id=fs%zu,path=%s,security_model=%s%s", i, path,
			  share_security_name(s->security), s->readonly ? ",readonly=on" : "");
		strv_add(a, "-device");
		strv_addf(a, "virtio-9p-%s,fsdev=fs%zu,mount_tag=%s", virtio_bus(g), i, s->tag);
		free(path);
	}
}

/* virtio-rng fed from the host's /dev/urandom (never blocks; the host's
 * pool is the guest's). */
static void add_entropy(const struct launch_guest *g, struct strv *a)
{
	if (!g->entropy)
		return;
	strv_add(a, "-object");
	strv_add(a, "rng-random,id=rng0,filename=/dev/urandom");
	strv_add(a, "-device");
	strv_addf(a, "virtio-rng-%s,rng=rng0", virtio_bus(g));
}

static void add_console(const struct qemu_plan *plan, struct strv *a)
{
	if (plan->console_stdio && plan->console_tty) {
		/* stdio is the screen (curses): the serial console goes to the
		 * terminal the launcher was started on, monitor multiplexed. */
		char *tty = qemu_escape_commas(plan->console_tty);

		strv_add(a, "-chardev");
		strv_addf(a, "serial,id=console,path=%s,mux=on", tty);
		strv_add(a, "-serial");
		strv_add(a, "chardev:console");
		strv_add(a, "-mon");
		strv_add(a, "chardev=console,mode=readline");
		free(tty);
		return;
	}
	if (plan->console_stdio && !(plan->screen == SCREEN_CURSES)) {
		/* mon: multiplexes the monitor, so Ctrl-a x quits and Ctrl-a c
		 * reaches the monitor, as with -nographic. */
		strv_add(a, "-serial");
		strv_add(a, "mon:stdio");
		return;
	}
	char *sock = qemu_escape_commas(plan->console_socket);
	char *log = qemu_escape_commas(plan->console_log);

	strv_add(a, "-chardev");
	strv_addf(a, "socket,id=console,path=%s,server=on,wait=off,logfile=%s,logappend=on", sock, log);
	strv_add(a, "-serial");
	strv_add(a, "chardev:console");
	free(sock);
	free(log);
}

/* microvm leaves a guest kernel one timer to calibrate its TSC against, the
 * PIT (no HPET, no ACPI PM timer; under KVM, KVM's clock gives the rate).
 * Under TCG that calibration fails when the vCPU is slow and the kernel
 * hangs in its timer setup (nested.test: silent for 180 s; a direct TCG
 * boot beside another hung too), so under TCG a microvm guest runs on q35,
 * which has both: its kernel finds its devices there too (virtio-pci). */
static char tcg_machine[] = "q35";

void qemu_argv(const struct launch_guest *guest, const struct qemu_plan *plan, struct strv *a)
{
	struct launch_guest run = *guest;
	const struct launch_guest *g = &run;

	if (plan->accel == ACCEL_TCG && launch_guest_on_mmio(guest))
		run.machine = tcg_machine;
	strv_add(a, plan->qemu);
	strv_add(a, "-name");
	strv_add(a, g->name);
	/* Only the devices asked for: no default NIC, VGA or config file. */
	strv_add(a, "-nodefaults");
	strv_add(a, "-no-user-config");
	add_display(g, plan, a);
	strv_add(a, "-machine");
	strv_add(a, g->machine);
	add_accel(plan, a);
	strv_add(a, "-m");
	strv_addf(a, "%u", g->memory);
	strv_add(a, "-smp");
	strv_addf(a, "%u", g->vcpus);
	strv_add(a, "-kernel");
	strv_add(a, g->kernel);
	if (g->initrd) {
		strv_add(a, "-initrd");
		strv_add(a, g->initrd);
	}
	strv_add(a, "-append");
	strv_add(a, launch_guest_cmdline(g));
	add_disks(g, a);
	add_host_disks(g, a);
	add_network(g, plan, a);
	add_shares(g, a);
	add_entropy(g, a);
	add_passthrough(g, a);
	add_console(plan, a);
	add_monitor(plan, a);
	/* A guest that reboots or powers off ends its QEMU: "stopped" then
	 * means stopped, and HAL mode's init sees the guest end. */
	strv_add(a, "-no-reboot");
}
