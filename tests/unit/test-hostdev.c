/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a guest is given of its host's own hardware: the declaration syntax
 * (src/shared/devspec.c), the launch configuration's keys and QEMU's argv
 * for them, and the on-target checks against a made-up sysfs. */
#include "launcher/guest.h"
#include "launcher/hostdev.h"
#include "launcher/monitor.h"
#include "launcher/qemu-argv.h"
#include "shared/devspec.h"
#include "tap.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/test-hostdev.XXXXXX";

static void put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel), *slash = strrchr(path, '/');
	FILE *f;

	*slash = '\0';
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
	*slash = '/';
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

static void link_at(const char *target, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);

	if (symlink(target, path) < 0)
		fprintf(stderr, "symlink %s: %s\n", path, strerror(errno));
	free(path);
}

static void unlink_at(const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);

	unlink(path);
	free(path);
}

static void test_devspec(void)
{
	char *path = NULL, addr[13];
	bool ro;
	unsigned v, p;
	enum guest_display d;

	ok(devspec_host_disk("/dev/sda", &path, &ro) == NULL && streq(path, "/dev/sda") && !ro,
	   "host disk: /dev/sda, read-write by default");
	free(path);
	ok(devspec_host_disk("/dev/disk/by-path/pci-0000:00:04.0,ro", &path, &ro) == NULL && ro &&
		   streq(path, "/dev/disk/by-path/pci-0000:00:04.0"),
	   "host disk: a stable by-path name, read-only");
	free(path);
	ok(devspec_host_disk("/dev/vdb,rw", &path, &ro) == NULL && !ro, "host disk: ,rw");
	free(path);
	ok(devspec_host_disk("/dev/vdb,ro,rw", &path, &ro) != NULL && !path, "host disk: two options refused");
	ok(devspec_host_disk("/dev/vdb,cache=none", &path, &ro) != NULL, "host disk: unknown option refused");
	ok(devspec_host_disk("/dev/../etc/passwd", &path, &ro) != NULL, "host disk: '..' refused");
	ok(devspec_host_disk("/dev//sda", &path, &ro) != NULL, "host disk: empty component refused");
	ok(devspec_host_disk("/dev/", &path, &ro) != NULL, "host disk: /dev/ alone refused");
	ok(devspec_host_disk("/dev/sd\"a", &path, &ro) != NULL, "host disk: a quote refused");
	ok(devspec_host_disk("/srv/disk.img", &path, &ro) != NULL, "host disk: not under /dev/");

	ok(devspec_pci("03:00.0", addr) == NULL && streq(addr, "0000:03:00.0"), "pci: the domain defaults to 0000");
	ok(devspec_pci("0001:3A:1f.7", addr) == NULL && streq(addr, "0001:3a:1f.7"), "pci: hex, lower-cased");
	ok(devspec_pci("03:20.0", addr) != NULL, "pci: device 20 refused (at most 1f)");
	ok(devspec_pci("03:00.8", addr) != NULL, "pci: function 8 refused");
	ok(devspec_pci("3:0.0", addr) != NULL, "pci: short fields refused");
	ok(devspec_pci("0000:03:00.0x", addr) != NULL, "pci: trailing junk refused");
	ok(devspec_pci("", addr) != NULL, "pci: empty refused");

	ok(devspec_usb("046d:C52B", &v, &p) == NULL && v == 0x046d && p == 0xc52b, "usb: VENDOR:PRODUCT");
	ok(devspec_usb("46d:c52b", &v, &p) != NULL, "usb: three digits refused");
	ok(devspec_usb("0000:0001", &v, &p) != NULL, "usb: vendor 0000 refused");
	ok(devspec_usb("046d-c52b", &v, &p) != NULL, "usb: wrong separator refused");

	ok(devspec_display("vga", &d) == 0 && d == DISPLAY_VGA, "display vga");
	ok(devspec_display("none", &d) == 0 && d == DISPLAY_NONE, "display none");
	ok(devspec_display("sdl", &d) < 0, "display sdl refused");
}

static char *write_conf(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.conf", dir, name);

	put(strrchr(path, '/') + 1, text);
	return path;
}

static char *joined(const struct strv *a)
{
	char *s = NULL;

	for (size_t i = 0; i < a->n; i++)
		strappendf(&s, "%s%s", i ? " " : "", a->v[i]);
	return s;
}

static void test_launch_keys(void)
{
	char *path = write_conf("hal", "name = hal\nkernel = /k\ndisks = /img/root.ext4\n"
				       "host_disks = /dev/vdb /dev/disk/by-id/x,,y,ro\n");
	char *err = NULL, *line, *mice[] = { "/dev/input/event2" };
	struct launch_guest g;
	struct strv a = { 0 };
	struct qemu_plan plan = { .qemu = "qemu", .accel = ACCEL_KVM, .console_socket = "/run/c",
				  .console_log = "/l", .monitor_socket = "/run/vmguest/hal.monitor" };

	ok(launch_guest_load(path, &g, &err) < 0 && err && strstr(err, "hal.conf:4: host_disks '/dev/disk/by-id/x,,y,ro'"),
	   "a host disk with a comma in its path is refused, with its line: %s", err ? err : "");
	free(err);
	err = NULL;
	free(path);
	path = write_conf("hal", "name = hal\nkernel = /k\ndisks = /img/root.ext4\n"
				 "host_disks = /dev/vdb /dev/sdc,ro\ndisplay = vga\npci = 0000:03:00.0\n"
				 "usb = 046d:c52b\n");
	if (!ok(launch_guest_load(path, &g, &err) == 0, "host_disks, display, pci and usb parse: %s", err ? err : ""))
		return;
	is_int(g.nhost_disks, 2, "two host disks");
	is_str(launch_guest_cmdline(&g), "console=tty0 console=ttyS0 root=/dev/vda rw panic=-1",
	       "no cmdline, a screen: kernel messages on it too, the serial line stays /dev/console");
	ok(!g.host_disk_ro[0] && g.host_disk_ro[1], "the second is read-only");
	g.disk_formats = xcalloc(1, sizeof(*g.disk_formats));
	plan.screen = SCREEN_VNC;
	plan.vnc_socket = "/run/vmguest/hal.vnc";
	plan.mice = mice;
	plan.nmice = 1;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	ok(strstr(line, " -display none -vnc unix:/run/vmguest/hal.vnc -device VGA "
			"-object input-linux,id=mouse0,evdev=/dev/input/event2 -machine q35 ") != NULL,
	   "vga in the background: VNC on the guest's socket, standard VGA, the host's mouse");
	ok(strstr(line, " -drive file=/img/root.ext4,if=virtio,format=raw "
			"-drive file=/dev/vdb,if=virtio,format=raw,cache=none "
			"-drive file=/dev/sdc,if=virtio,format=raw,cache=none,readonly=on ") != NULL,
	   "host disks after the staged one, uncached, the read-only one read-only");
	ok(strstr(line, " -device vfio-pci,host=0000:03:00.0 -device qemu-xhci,id=xhci "
			"-device usb-host,bus=xhci.0,vendorid=0x046d,productid=0xc52b ") != NULL,
	   "PCI through vfio-pci, USB through usb-host on an xHCI controller");
	ok(endswith(line, " -monitor unix:/run/vmguest/hal.monitor,server=on,wait=off -no-reboot"),
	   "a monitor socket for vmguest monitor and screendump");
	free(line);
	strv_free(&a);

	plan.console_stdio = true;
	plan.screen = SCREEN_CURSES;
	plan.console_tty = "/proc/self/fd/3";
	plan.nmice = 0;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	ok(strstr(line, " -display curses,charset=ASCII -device VGA -machine ") != NULL, "on the console: curses");
	ok(strstr(line, " -chardev serial,id=console,path=/proc/self/fd/3,mux=on -serial chardev:console "
			"-mon chardev=console,mode=readline ") != NULL,
	   "curses owns stdio: the serial console on the launcher's terminal, monitor muxed");
	ok(!strstr(line, "mon:stdio") && !strstr(line, "-vnc"), "neither mon:stdio nor VNC then");
	free(line);
	strv_free(&a);
	launch_guest_free(&g);
	free(path);

	path = write_conf("bad", "name = bad\nkernel = /k\ndisplay = sdl\n");
	ok(launch_guest_load(path, &g, &err) < 0 && strstr(err, "bad.conf:3: display 'sdl'"), "display sdl refused: %s", err ? err : "");
	free(err);
	err = NULL;
	free(path);
	path = write_conf("bad", "name = bad\nkernel = /k\npci = 3:0.0\n");
	ok(launch_guest_load(path, &g, &err) < 0 && strstr(err, "bad.conf:3: pci '3:0.0'"), "bad pci refused: %s", err ? err : "");
	free(err);
	free(path);
}

static void test_disk_checks(const struct hostdev_env *env)
{
	char *why = NULL, *file = xasprintf("%s/plain", dir);

	put("plain", "x");
	ok(hostdev_check_disk(env, "/dev/nonexistent-vmb", &why) < 0 && strstr(why, "does not exist"),
	   "a device that does not exist: %s", why ? why : "");
	free(why);
	why = NULL;
	ok(hostdev_check_disk(env, file, &why) < 0 && strstr(why, "not a block device"),
	   "a regular file where a device is needed: %s", why ? why : "");
	free(why);
	why = NULL;
	ok(hostdev_check_disk(env, "/dev/null", &why) < 0 && strstr(why, "character device"),
	   "a character device: %s", why ? why : "");
	free(why);
	free(file);
}

static void test_pci(const struct hostdev_env *env)
{
	char *why = NULL;

	ok(hostdev_prepare_pci(env, "0000:05:00.0", &why) < 0 && strstr(why, "no PCI device 0000:05:00.0"),
	   "a PCI function that is not there: %s", why ? why : "");
	free(why);
	why = NULL;
	put("sys/bus/pci/devices/0000:03:00.0/class", "0x020000\n");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) < 0 && strstr(why, "no IOMMU group"),
	   "no IOMMU: %s", why ? why : "");
	free(why);
	why = NULL;
	put("sys/kernel/iommu_groups/7/devices/.keep", "");
	link_at("../../../kernel/iommu_groups/7", "sys/bus/pci/devices/0000:03:00.0/iommu_group");
	put("sys/bus/pci/devices/0000:03:00.1/class", "0x040300\n");
	put("sys/bus/pci/drivers/snd_hda_intel/.keep", "");
	link_at("../../../bus/pci/drivers/snd_hda_intel", "sys/bus/pci/devices/0000:03:00.1/driver");
	link_at("../../../../bus/pci/devices/0000:03:00.1", "sys/kernel/iommu_groups/7/devices/0000:03:00.1");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) < 0 && strstr(why, "shares IOMMU group 7 with 0000:03:00.1 (driver snd_hda_intel)"),
	   "a group member the host still drives: %s", why ? why : "");
	free(why);
	why = NULL;
	unlink_at("sys/bus/pci/devices/0000:03:00.1/driver");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) < 0 && strstr(why, "no vfio-pci driver"),
	   "no vfio-pci in the kernel: %s", why ? why : "");
	free(why);
	why = NULL;
	put("sys/bus/pci/drivers/vfio-pci/.keep", "");
	put("sys/bus/pci/drivers_probe", "");
	put("sys/bus/pci/devices/0000:03:00.0/driver_override", "");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) < 0 && strstr(why, "did not bind to vfio-pci"),
	   "a probe that does not bind is an error: %s", why ? why : "");
	free(why);
	why = NULL;
	{
		char *ov = xasprintf("%s/sys/bus/pci/devices/0000:03:00.0/driver_override", dir);
		FILE *f = fopen(ov, "r");
		char buf[32] = "";

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		is_str(buf, "vfio-pci", "driver_override says vfio-pci");
		free(ov);
	}
	link_at("../../../bus/pci/drivers/vfio-pci", "sys/bus/pci/devices/0000:03:00.0/driver");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) < 0 && strstr(why, "/vfio/7 is missing"),
	   "bound, but no /dev/vfio/GROUP: %s", why ? why : "");
	free(why);
	why = NULL;
	put("vfio/7", "");
	ok(hostdev_prepare_pci(env, "0000:03:00.0", &why) == 0, "bound to vfio-pci, group free: ready (%s)",
	   why ? why : "");
	free(why);
}

static void test_usb_and_mice(const struct hostdev_env *env)
{
	char *why = NULL, **mice;
	size_t n;

	put("sys/bus/usb/devices/1-1/idVendor", "046d\n");
	put("sys/bus/usb/devices/1-1/idProduct", "c52b\n");
	ok(hostdev_find_usb(env, 0x046d, 0xc52b, &why) == 0, "a plugged-in USB device is found");
	ok(hostdev_find_usb(env, 0x046d, 0xc52c, &why) < 0 && strstr(why, "no USB device 046d:c52c"),
	   "a missing one is named: %s", why ? why : "");
	free(why);
	put("input/event0", "");
	put("input/event1", "");
	put("sys/class/input/event0/device/capabilities/rel", "0\n");
	put("sys/class/input/event1/device/capabilities/rel", "1 903\n");
	n = hostdev_mice(env, &mice);
	if (ok(n == 1, "one of two input devices moves in X and Y"))
		ok(endswith(mice[0], "/input/event1"), "the mouse: %s", mice[0]);
	for (size_t i = 0; i < n; i++)
		free(mice[i]);
	free(mice);
}

/* A monitor as QEMU's HMP behaves on a socket: banner and prompt in two
 * writes, the command echoed with terminal redraws, the output, a prompt. */
static void fake_monitor(int lfd)
{
	static const char *const parts[] = {
		"QEMU 7.2 monitor - type 'help' for more information\r\n", "(qemu) ",
	};
	char line[256];
	ssize_t got;
	int c = accept(lfd, NULL, NULL);

	if (c < 0)
		_exit(1);
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (write(c, parts[i], strlen(parts[i])) < 0)
			_exit(1);
		usleep(20000);
	}
	got = read(c, line, sizeof(line) - 1);
	if (got <= 0)
		_exit(1);
	line[got] = '\0';
	dprintf(c, "i\033[K\033[Dinfo status\r\nVM status: %s\r\n(qemu) ",
		strncmp(line, "info status\n", 12) ? "confused" : "running");
	usleep(200000);
	_exit(0);
}

static void test_monitor(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *sock = xasprintf("%s/mon.sock", dir), *out = NULL, *err = NULL;
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct timespec t0, t1;
	pid_t pid;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0) {
		ok(false, "a listening socket for the fake monitor");
		free(sock);
		return;
	}
	pid = fork();
	if (pid == 0)
		fake_monitor(lfd);
	close(lfd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(monitor_command(sock, "info status", 10000, &out, &err) == 0, "a monitor command runs: %s",
	   err ? err : "ok");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	is_str(out, "VM status: running\n", "its output, without the echo, escapes, CRs and the prompt");
	ok(t1.tv_sec - t0.tv_sec < 5, "the answer is taken at the prompt, not at the timeout");
	free(out);
	waitpid(pid, NULL, 0);
	err = NULL;
	ok(monitor_command(sock, "info status", 1000, &out, &err) < 0 && err && strstr(err, "cannot connect"),
	   "no QEMU behind the socket: %s", err ? err : "");
	free(err);
	free(sock);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) < 0 ? -1 : 0;
}

int main(void)
{
	if (!mkdtemp(dir))
		return 99;
	char *sys = xasprintf("%s/sys", dir), *mi = xasprintf("%s/mountinfo", dir);
	char *sw = xasprintf("%s/swaps", dir), *vfio = xasprintf("%s/vfio", dir), *inp = xasprintf("%s/input", dir);
	struct hostdev_env env = { sys, mi, sw, vfio, inp };

	mkdir(sys, 0755);
	test_devspec();
	test_launch_keys();
	test_disk_checks(&env);
	test_pci(&env);
	test_usb_and_mice(&env);
	test_monitor();
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(sys);
	free(mi);
	free(sw);
	free(vfio);
	free(inp);
	return done_testing();
}
