/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launcher's pure parts: launch configurations and the QEMU argv. */
#include "launcher/guest.h"
#include "launcher/hostclock.h"
#include "launcher/qemu-argv.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test-vmguest.XXXXXX";

static char *write_conf(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.conf", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

/* The argv joined with single spaces, for whole-line comparisons. */
static char *joined(const struct strv *a)
{
	char *s = NULL;

	for (size_t i = 0; i < a->n; i++)
		strappendf(&s, "%s%s", i ? " " : "", a->v[i]);
	return s;
}

static void test_full_conf(void)
{
	char *path = write_conf("g1", "name = g1\nkernel = /img/g1/bzImage\n"
				      "disks = /img/g1/rootfs.ext4 /img/g1/data,1.qcow2\n"
				      "memory = 512\nvcpus = 2\nnetwork = user\nmachine = pc\n"
				      "cmdline = console=ttyS0 root=/dev/vda quiet\n"
				      "autostart = yes\nautostart_order = 5\nhostname = guest1\n");
	struct launch_guest g;
	struct strv a = { 0 };
	char *err = NULL, *line, mac[18];
	struct qemu_plan plan = { .qemu = "qemu-system-x86_64", .accel = ACCEL_KVM,
				  .console_socket = "/run/vmguest/g1.console",
				  .console_log = "/var/log/vmguest/g1.log" };

	ok(launch_guest_load(path, &g, &err) == 0, "a complete launch configuration parses");
	is_int(g.memory, 512, "memory");
	is_int(g.ndisks, 2, "two disks");
	ok(g.autostart && g.autostart_order == 5, "autostart and its order");
	g.disk_formats = xcalloc(2, sizeof(*g.disk_formats));
	g.disk_formats[1] = DISK_QCOW2;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	guest_mac("g1", mac);
	char *want = xasprintf(
		"qemu-system-x86_64 -name g1 -nodefaults -no-user-config -display none -machine pc "
		"-accel kvm -cpu host -m 512 -smp 2 -kernel /img/g1/bzImage "
		"-append console=ttyS0 root=/dev/vda quiet "
		"-drive file=/img/g1/rootfs.ext4,if=virtio,format=raw "
		"-drive file=/img/g1/data,,1.qcow2,if=virtio,format=qcow2 "
		"-netdev user,id=net0 -device virtio-net-pci,netdev=net0,mac=%s,romfile= "
		"-object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0 "
		"-chardev socket,id=console,path=/run/vmguest/g1.console,server=on,wait=off,"
		"logfile=/var/log/vmguest/g1.log,logappend=on -serial chardev:console -no-reboot",
		mac);
	is_str(line, want, "background KVM guest: the whole argv");
	is_str(a.v[a.n], NULL, "argv ends with NULL");
	ok(startswith(mac, "52:54:00:") && strlen(mac) == 17, "MAC in QEMU's prefix (%s)", mac);
	free(want);
	free(line);
	strv_free(&a);
	launch_guest_free(&g);
	free(path);
}

static void test_defaults_tcg_console_bridge(void)
{
	char *path = write_conf("tiny", "name = tiny\nkernel = /k\ninitrd = /i.cpio.gz\nnetwork = bridge\n");
	struct launch_guest g;
	struct strv a = { 0 };
	char *err = NULL, *line, tap[14];
	struct qemu_plan plan = { .qemu = "qemu", .accel = ACCEL_TCG, .console_stdio = true };

	ok(launch_guest_load(path, &g, &err) == 0, "a minimal configuration parses");
	is_int(g.memory, GUEST_DEFAULT_MEMORY, "default memory");
	is_str(g.machine, "q35", "default machine");
	is_str(launch_guest_cmdline(&g), "console=ttyS0 loglevel=5 panic=-1", "no disk: no root= in the default cmdline");
	guest_tap_name("tiny", tap);
	plan.tap = tap;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	ok(strstr(line, " -accel tcg -cpu max ") != NULL, "TCG uses -cpu max");
	ok(strstr(line, " -initrd /i.cpio.gz ") != NULL, "initrd");
	ok(strstr(line, " -serial mon:stdio ") != NULL, "--console: serial on stdio");
	char *want = xasprintf(" -netdev tap,id=net0,ifname=%s,script=no,downscript=no ", tap);
	ok(strstr(line, want) != NULL, "bridge: the launcher's tap, no ifup script");
	ok(strlen(tap) <= 15 && startswith(tap, "vmtap"), "tap name fits IFNAMSIZ (%s)", tap);
	free(want);
	free(line);
	strv_free(&a);
	launch_guest_free(&g);
	free(path);
}

/* microvm: every virtio device on the MMIO bus, disks as named devices
 * (if=virtio would ask for a PCI one), in the argv's order and no bus= (the
 * guest finds them in that order), no NIC ROM to leave out. */
static void test_microvm(void)
{
	char *path = write_conf("mv", "name = mv\nkernel = /img/mv/bzImage\n"
				      "disks = /img/mv/rootfs.ext4 /img/mv/data.qcow2\n"
				      "host_disks = /dev/sdb,ro\nmachine = microvm\nnetwork = user\n"
				      "shares = data=/srv/d,security=none\n"
				      "cmdline = console=ttyS0 root=/dev/vda\n");
	struct launch_guest g;
	struct strv a = { 0 };
	char *err = NULL, *line, *want, mac[18];
	struct qemu_plan plan = { .qemu = "qemu-system-x86_64", .accel = ACCEL_KVM, .console_stdio = true };

	ok(launch_guest_load(path, &g, &err) == 0, "machine = microvm parses (%s)", err ? err : "");
	ok(launch_guest_on_mmio(&g), "microvm: the MMIO bus");
	g.disk_formats = xcalloc(2, sizeof(*g.disk_formats));
	g.disk_formats[1] = DISK_QCOW2;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	guest_mac("mv", mac);
	want = xasprintf(
		"qemu-system-x86_64 -name mv -nodefaults -no-user-config -display none -machine microvm "
		"-accel kvm -cpu host -m 256 -smp 1 -kernel /img/mv/bzImage "
		"-append console=ttyS0 root=/dev/vda "
		"-drive file=/img/mv/rootfs.ext4,if=none,id=disk0,format=raw "
		"-device virtio-blk-device,drive=disk0 "
		"-drive file=/img/mv/data.qcow2,if=none,id=disk1,format=qcow2 "
		"-device virtio-blk-device,drive=disk1 "
		"-drive file=/dev/sdb,if=none,id=hostdisk0,format=raw,cache=none,readonly=on "
		"-device virtio-blk-device,drive=hostdisk0 "
		"-netdev user,id=net0 -device virtio-net-device,netdev=net0,mac=%s "
		"-fsdev local,id=fs0,path=/srv/d,security_model=none "
		"-device virtio-9p-device,fsdev=fs0,mount_tag=data "
		"-object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-device,rng=rng0 "
		"-serial mon:stdio -no-reboot",
		mac);
	is_str(line, want, "microvm guest: the whole argv");
	free(want);
	free(line);
	strv_free(&a);
	/* Under TCG, q35 and PCI: microvm's only timer there is the PIT. */
	plan.accel = ACCEL_TCG;
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	ok(strstr(line, " -machine q35 -accel tcg ") && strstr(line, " -device virtio-net-pci,") &&
	   strstr(line, "file=/img/mv/rootfs.ext4,if=virtio,format=raw ") && !strstr(line, "-device virtio-blk-device"),
	   "a microvm guest under TCG runs on q35 with PCI devices: %s", line);
	is_str(g.machine, "microvm", "and its configuration still says microvm");
	free(line);
	strv_free(&a);
	for (const char *const *m = (const char *const[]){ "microvm,acpi=off", "microvmx", "q35", "pc", NULL };
	     *m; m++) {
		free(g.machine);
		g.machine = xstrdup(*m);
		ok(launch_guest_on_mmio(&g) == startswith(*m, "microvm,"), "machine %s: %s", *m,
		   startswith(*m, "microvm,") ? "MMIO" : "PCI");
	}
	launch_guest_free(&g);
	unlink(path);
	free(path);
}

static void expect_error(const char *name, const char *text, const char *want, const char *what)
{
	char *path = write_conf(name, text), *err = NULL;
	struct launch_guest g;

	if (ok(launch_guest_load(path, &g, &err) < 0, "rejected: %s", what))
		ok(err && strstr(err, want), "message names it: %s", err ? err : "(none)");
	else
		launch_guest_free(&g);
	free(err);
	free(path);
}

static void test_errors(void)
{
	expect_error("a", "kernel = /k\n", "no 'name'", "no name");
	expect_error("b", "name = other\nkernel = /k\n", "match the file name", "name differs from the file");
	expect_error("c", "name = c\n", "no 'kernel'", "no kernel");
	expect_error("d", "name = d\nkernel = /k\nnetwork = tap\n", "d.conf:3: network 'tap'", "bad network, with its line");
	expect_error("e", "name = e\nkernel = /k\nmemroy = 5\n", "did you mean 'memory'", "typo of a key");
	expect_error("s1", "name = s1\nkernel = /k\nshares = t=/x,mount=/m,security=none\n",
		     "s1.conf:3: share 't=/x,mount=/m,security=none': unknown option 'mount=/m'",
		     "mount= in a launch configuration, with its line");
	expect_error("s2", "name = s2\nkernel = /k\nshares = t=rel,security=none\n",
		     "s2.conf:3: share 't=rel,security=none': host path 'rel' is not absolute", "a relative share path");
	expect_error("s3", "name = s3\nkernel = /k\nentropy = maybe\n", "s3.conf:3:", "entropy that is not yes or no");
	expect_error("s4", "name = s4\nkernel = /k\nmachine = microvm\ndisplay = vga\n",
		     "s4.conf:3: machine 'microvm' has no PCI bus, which display = vga needs; use machine = q35",
		     "a screen on microvm, at the machine line");
	expect_error("s5", "name = s5\nkernel = /k\nusb = 046d:c52b\nmachine = microvm,acpi=off\n",
		     "s5.conf:4: machine 'microvm,acpi=off' has no PCI bus, which usb needs", "USB on microvm");
	{
		char *text = xstrdup("name = s6\nkernel = /k\nmachine = microvm\ndisks =");

		for (int i = 0; i < GUEST_MICROVM_SLOTS; i++)
			strappendf(&text, " /d%d", i);
		strappendf(&text, "\n");
		expect_error("s6", text, "s6.conf:3: machine 'microvm' has 24 virtio-mmio slots, and this guest has 26",
			     "more virtio devices than microvm has slots");
		free(text);
	}
	for (const char *n = "123456"; *n; n++) {
		char *p = xasprintf("%s/s%c.conf", dir, *n);

		unlink(p);
		free(p);
	}
}

static void test_dir_and_order(void)
{
	struct launch_guest *v;
	size_t n;
	char *err = NULL;

	free(write_conf("zeta", "name = zeta\nkernel = /k\nautostart = yes\nautostart_order = 1\n"));
	free(write_conf("alpha", "name = alpha\nkernel = /k\nautostart = yes\nautostart_order = 1\n"));
	free(write_conf("beta", "name = beta\nkernel = /k\nautostart = yes\n"));
	/* Leave only the valid ones from earlier tests. */
	for (const char *bad = "abcde"; *bad; bad++) {
		char *p = xasprintf("%s/%c.conf", dir, *bad);

		unlink(p);
		free(p);
	}
	/* One broken configuration is reported and left out; the rest load. */
	free(write_conf("broken", "name = broken\nkernel = /k\nvcpus = many\n"));
	is_int(launch_guests_load_dir(dir, &v, &n, &err), 1, "one configuration cannot be read");
	ok(err && strstr(err, "broken.conf:3: 'vcpus' wants a whole number"), "its message: %s", err ? err : "");
	free(err);
	err = NULL;
	launch_guests_free(v, n);
	{
		char *p = xasprintf("%s/broken.conf", dir);

		unlink(p);
		free(p);
	}
	ok(launch_guests_load_dir(dir, &v, &n, &err) == 0, "the directory loads (%s)", err ? err : "");
	is_int(n, 5, "five guests");
	is_str(v[0].name, "alpha", "listed by name");
	qsort(v, n, sizeof(*v), launch_guest_cmp_autostart);
	is_str(v[0].name, "alpha", "autostart: order 1, then name: alpha");
	is_str(v[1].name, "zeta", "then zeta");
	is_str(v[4].name, "tiny", "default order 100 comes after; ties by name");
	launch_guests_free(v, n);
	ok(launch_guests_load_dir("/nonexistent-vmguest", &v, &n, &err) == 0 && n == 0, "no directory: no guests");
}

/* Shares and entropy: the argv, and the host-side checks at start. */
static void test_shares_entropy(void)
{
	char *share_dir = xasprintf("%s/share1", dir), *file = xasprintf("%s/plain", dir);
	char *missing = xasprintf("%s/missing", dir);
	char *text = xasprintf("name = sh\nkernel = /k\nnetwork = none\nentropy = no\n"
			       "shares = data=%s,ro,security=mapped-xattr logs=/var/log/sh,security=none\n",
			       share_dir);
	char *path = write_conf("sh", text), *err = NULL, *line, *want, *esc;
	struct launch_guest g;
	struct strv a = { 0 };
	struct qemu_plan plan = { .qemu = "qemu", .accel = ACCEL_KVM, .console_stdio = true };
	FILE *f;

	ok(launch_guest_load(path, &g, &err) == 0, "shares and entropy = no parse (%s)", err ? err : "");
	is_int(g.shares.n, 2, "two shares");
	ok(!g.entropy, "entropy = no");
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	want = xasprintf(" -fsdev local,id=fs0,path=%s,security_model=mapped-xattr,readonly=on "
			 "-device virtio-9p-pci,fsdev=fs0,mount_tag=data "
			 "-fsdev local,id=fs1,path=/var/log/sh,security_model=none "
			 "-device virtio-9p-pci,fsdev=fs1,mount_tag=logs -serial ", share_dir);
	ok(strstr(line, want) != NULL, "virtio-9p per share, in order, ro as readonly=on: %s", line);
	free(want);
	free(line);
	strv_free(&a);
	/* The parser refuses ',' in a path; the argv escapes it all the same. */
	free(g.shares.v[1].path);
	g.shares.v[1].path = xstrdup("/a,b");
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	esc = qemu_escape_commas("/a,b");
	want = xasprintf("-fsdev local,id=fs1,path=%s,security_model=none ", esc);
	ok(strstr(line, want) != NULL, "a ',' in a share's path is doubled");
	ok(!strstr(line, "virtio-rng"), "entropy = no: no virtio-rng");
	free(want);
	free(esc);
	free(line);
	strv_free(&a);

	/* The first share's directory is checked first. */
	ok(launch_guest_check_shares(&g, &err) < 0, "a missing share directory is refused");
	want = xasprintf("%s: guest sh's share 'data': host directory '%s' does not exist; create it", path,
			 share_dir);
	ok(err && startswith(err, want), "its message names the configuration, guest and path: %s",
	   err ? err : "(none)");
	free(want);
	free(err);
	err = NULL;
	f = fopen(share_dir, "w");
	fclose(f);
	ok(launch_guest_check_shares(&g, &err) < 0 && err && strstr(err, "is a regular file, not a directory"),
	   "a file where the share directory should be is refused: %s", err ? err : "(none)");
	free(err);
	err = NULL;
	unlink(share_dir);
	mkdir(share_dir, 0755);
	free(g.shares.v[1].path);
	g.shares.v[1].path = xstrdup(dir);
	ok(launch_guest_check_shares(&g, &err) == 0, "existing directories pass (%s)", err ? err : "");
	free(err);
	err = NULL;
	free(g.shares.v[1].path);
	g.shares.v[1].path = xstrdup(missing);
	ok(launch_guest_check_shares(&g, &err) < 0 && err && strstr(err, "share 'logs'") && strstr(err, missing),
	   "the second share is checked too: %s", err ? err : "(none)");
	free(err);
	rmdir(share_dir);
	launch_guest_free(&g);
	unlink(path);
	free(path);
	free(text);

	/* Entropy is on by default (older launch configurations say nothing). */
	path = write_conf("rng", "name = rng\nkernel = /k\nnetwork = none\n");
	ok(launch_guest_load(path, &g, &err) == 0 && g.entropy && g.shares.n == 0, "entropy by default, no shares");
	qemu_argv(&g, &plan, &a);
	line = joined(&a);
	ok(strstr(line, " -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0 ") != NULL,
	   "virtio-rng fed from /dev/urandom");
	ok(!strstr(line, "-fsdev"), "no shares: no -fsdev");
	free(line);
	strv_free(&a);
	launch_guest_free(&g);
	unlink(path);
	free(path);
	free(file);
	free(missing);
	free(share_dir);
}

/* The host's clocksource: no wait unless it is tsc-early, a bounded one then. */
static void test_hostclock(void)
{
	char *path = xasprintf("%s/current_clocksource", dir);
	FILE *f;

	ok(hostclock_wait_settled(path, 0) == 0, "no clocksource file: nothing to wait for");
	f = fopen(path, "w");
	fputs("tsc\n", f);
	fclose(f);
	ok(hostclock_wait_settled(path, 0) == 0, "tsc: settled");
	f = fopen(path, "w");
	fputs("tsc-early\n", f);
	fclose(f);
	ok(hostclock_wait_settled(path, 120) == -1, "tsc-early to the end: -1 after the wait");
	f = fopen(path, "w");
	fputs("kvm-clock\n", f);
	fclose(f);
	ok(hostclock_wait_settled(path, 120) == 0, "another clocksource: settled");
	unlink(path);
	free(path);
}

static void test_escape(void)
{
	char *s = qemu_escape_commas("a,b,,c");

	is_str(s, "a,,b,,,,c", "commas doubled for QEMU's option syntax");
	free(s);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 99;
	test_full_conf();
	test_defaults_tcg_console_bridge();
	test_errors();
	test_microvm();
	test_dir_and_order();
	test_shares_entropy();
	test_escape();
	test_hostclock();
	for (const char *const *name = (const char *const[]){ "g1", "tiny", "zeta", "alpha", "beta", NULL };
	     *name; name++) {
		char *p = xasprintf("%s/%s.conf", dir, *name);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	return done_testing();
}
