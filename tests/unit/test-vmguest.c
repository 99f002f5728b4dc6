/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launcher's pure parts: launch configurations and the QEMU argv. */
#include "launcher/guest.h"
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
	struct guest g;
	struct strv a = { 0 };
	char *err = NULL, *line, mac[18];
	struct qemu_plan plan = { .qemu = "qemu-system-x86_64", .accel = ACCEL_KVM,
				  .console_socket = "/run/vmguest/g1.console",
				  .console_log = "/var/log/vmguest/g1.log" };

	ok(guest_load(path, &g, &err) == 0, "a complete launch configuration parses");
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
		"-chardev socket,id=console,path=/run/vmguest/g1.console,server=on,wait=off,"
		"logfile=/var/log/vmguest/g1.log,logappend=on -serial chardev:console -no-reboot",
		mac);
	is_str(line, want, "background KVM guest: the whole argv");
	is_str(a.v[a.n], NULL, "argv ends with NULL");
	ok(startswith(mac, "52:54:00:") && strlen(mac) == 17, "MAC in QEMU's prefix (%s)", mac);
	free(want);
	free(line);
	strv_free(&a);
	guest_free(&g);
	free(path);
}

static void test_defaults_tcg_console_bridge(void)
{
	char *path = write_conf("tiny", "name = tiny\nkernel = /k\ninitrd = /i.cpio.gz\nnetwork = bridge\n");
	struct guest g;
	struct strv a = { 0 };
	char *err = NULL, *line, tap[14];
	struct qemu_plan plan = { .qemu = "qemu", .accel = ACCEL_TCG, .console_stdio = true };

	ok(guest_load(path, &g, &err) == 0, "a minimal configuration parses");
	is_int(g.memory, GUEST_DEFAULT_MEMORY, "default memory");
	is_str(g.machine, "q35", "default machine");
	is_str(guest_cmdline(&g), "console=ttyS0 panic=-1", "no disk: no root= in the default cmdline");
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
	guest_free(&g);
	free(path);
}

static void expect_error(const char *name, const char *text, const char *want, const char *what)
{
	char *path = write_conf(name, text), *err = NULL;
	struct guest g;

	if (ok(guest_load(path, &g, &err) < 0, "rejected: %s", what))
		ok(err && strstr(err, want), "message names it: %s", err ? err : "(none)");
	else
		guest_free(&g);
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
}

static void test_dir_and_order(void)
{
	struct guest *v;
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
	is_int(guests_load_dir(dir, &v, &n, &err), 1, "one configuration cannot be read");
	ok(err && strstr(err, "broken.conf:3: 'vcpus' wants a whole number"), "its message: %s", err ? err : "");
	free(err);
	err = NULL;
	guests_free(v, n);
	{
		char *p = xasprintf("%s/broken.conf", dir);

		unlink(p);
		free(p);
	}
	ok(guests_load_dir(dir, &v, &n, &err) == 0, "the directory loads (%s)", err ? err : "");
	is_int(n, 5, "five guests");
	is_str(v[0].name, "alpha", "listed by name");
	qsort(v, n, sizeof(*v), guest_cmp_autostart);
	is_str(v[0].name, "alpha", "autostart: order 1, then name: alpha");
	is_str(v[1].name, "zeta", "then zeta");
	is_str(v[4].name, "tiny", "default order 100 comes after; ties by name");
	guests_free(v, n);
	ok(guests_load_dir("/nonexistent-vmguest", &v, &n, &err) == 0 && n == 0, "no directory: no guests");
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
	test_dir_and_order();
	test_escape();
	for (const char *const *name = (const char *const[]){ "g1", "tiny", "zeta", "alpha", "beta", NULL };
	     *name; name++) {
		char *p = xasprintf("%s/%s.conf", dir, *name);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	return done_testing();
}
