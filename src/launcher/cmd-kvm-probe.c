/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle kvm-probe: can QEMU use KVM on this machine? Asked by running it:
 * a /dev/kvm that opens and makes VMs can still fail under QEMU (on some
 * build machines -cpu host aborts and other models hang silently), so the
 * probe boots something with -accel kvm and waits for it to speak on the
 * serial console. Prints "kvm: WHY" or "tcg: WHY" (--quiet: the word only);
 * runqemu and make check-kvm decide with it.
 */
#include "commands.h"
#include "launcher/kvmdev.h"
#include "shared/options.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD_MARKER "vmb-kvm-ok"
#define KERNEL_MARKER "Linux version"

/*
 * A multiboot image (QEMU loads it with -kernel, no files needed) whose
 * 32-bit code writes PAYLOAD_MARKER to the first serial port and halts.
 * It proves KVM runs guest code, not that it runs a Linux kernel: with
 * --kernel the probe boots a real one instead.
 */
static size_t make_payload(uint8_t *buf)
{
	const uint32_t magic = 0x1BADB002, flags = 0x00010000, base = 0x100000;
	const uint32_t header[8] = { magic, flags, -(magic + flags), base, base, 0, 0, base + 32 };
	static const uint8_t code[] = {
		0xBE, 0x34, 0x00, 0x10, 0x00, /* mov esi, message (base + 32 + 20) */
		0x66, 0xBA, 0xF8, 0x03,       /* mov dx, 0x3f8 */
		0xAC,                         /* next: lodsb */
		0x84, 0xC0,                   /* test al, al */
		0x74, 0x03,                   /* jz halt */
		0xEE,                         /* out dx, al */
		0xEB, 0xF8,                   /* jmp next */
		0xF4,                         /* halt: hlt */
		0xEB, 0xFD,                   /* jmp halt */
	};
	static const char message[] = PAYLOAD_MARKER "\n";

	memcpy(buf, header, sizeof(header));
	memcpy(buf + sizeof(header), code, sizeof(code));
	memcpy(buf + sizeof(header) + sizeof(code), message, sizeof(message));
	return sizeof(header) + sizeof(code) + sizeof(message);
}

static int write_payload(char *path, char **why)
{
	uint8_t buf[128];
	size_t len = make_payload(buf);
	int fd = mkstemp(path), w;

	if (fd < 0) {
		*why = xasprintf("%s: cannot create the probe payload: %s", path, strerror(errno));
		return -1;
	}
	w = write_all(fd, buf, len);
	close(fd);
	if (w < 0) {
		*why = xasprintf("%s: cannot write the probe payload: %s", path, strerror(-w));
		unlink(path);
		return -1;
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read QEMU's console until @marker shows or @timeout_s passes. 1: seen,
 * 0: timed out, -1: the console closed (QEMU ended). */
static int wait_marker(int fd, const char *marker, int timeout_s)
{
	char buf[8192];
	size_t have = 0;
	long deadline = now_ms() + timeout_s * 1000L;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = '\0';
		if (memmem(buf, have, marker, strlen(marker)))
			return 1;
		/* Keep a tail long enough to hold a marker split between reads. */
		if (have > sizeof(buf) / 2) {
			memmove(buf, buf + have - 64, 64);
			have = 64;
		}
	}
}

/* How QEMU runs the probe: the board's QEMU, machine and serial console. */
struct probe_qemu {
	const char *qemu, *machine, *console;
};

static int qemu_runs_kvm(const struct probe_qemu *q, const char *kernel, int timeout_s, char **why)
{
	char payload[] = "/tmp/vmbundle-kvm-probe.XXXXXX";
	const char *image = kernel ? kernel : payload;
	const char *marker = kernel ? KERNEL_MARKER : PAYLOAD_MARKER;
	char *append = xasprintf("console=%s earlyprintk=%s panic=-1", q->console, q->console);
	const char *argv[] = { q->qemu, "-nodefaults", "-no-user-config", "-display", "none",
			       "-machine", q->machine, "-accel", "kvm", "-cpu", "max", "-m", "128",
			       "-kernel", image, "-append", append,
			       "-serial", "stdio", "-no-reboot", NULL };
	struct run_opts o = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_PIPE, NULL, 0 } };
	struct run_child c;
	char *err = NULL;
	int seen = -1;

	if (!kernel && write_payload(payload, why) < 0)
		goto out;
	if (run_start(argv, &o, &c, &err) < 0) {
		*why = xasprintf("cannot run QEMU: %s", err);
		goto out;
	}
	seen = wait_marker(c.out_fd, marker, timeout_s);
	if (seen != -1)
		kill(c.pid, SIGKILL);
	if (run_wait(&c, &err) < 0 && seen == -1)
		*why = xasprintf("QEMU -accel kvm failed: %s", err);
	else if (seen == 0)
		*why = xasprintf("QEMU -accel kvm printed nothing from %s in %d s: KVM hangs here",
				 kernel ? kernel : "the probe payload", timeout_s);
	else if (seen == -1)
		*why = xasprintf("QEMU -accel kvm ended before %s spoke", kernel ? kernel : "the probe payload");
out:
	free(err);
	free(append);
	if (!kernel)
		unlink(payload);
	return seen == 1 ? 0 : -1;
}

static void usage(FILE *f)
{
	fputs("usage: vmbundle kvm-probe [--kernel=IMAGE] [--qemu=PROGRAM] [--machine=TYPE] [--console=DEV]\n"
	      "                          [--timeout=SECONDS] [--quiet]\n"
	      "Say whether QEMU can use KVM here (\"kvm: ...\") or must use TCG (\"tcg: ...\").\n"
	      "Opens /dev/kvm (API version, VM creation), then boots IMAGE (a Linux kernel:\n"
	      "the real test) or a tiny built-in payload with -accel kvm and waits for its\n"
	      "console. Exit status 0 either way; 2 on bad usage.\n"
	      "  --kernel=IMAGE     boot this kernel (recommended; the payload runs no Linux)\n"
	      "  --qemu=PROGRAM     default qemu-system-x86_64\n"
	      "  --machine=TYPE     QEMU machine (default q35; the payload is x86 code)\n"
	      "  --console=DEV      the kernel's serial console (default ttyS0)\n"
	      "  --timeout=SECONDS  how long the boot may stay silent (default 10)\n"
	      "  --quiet            print only kvm or tcg\n",
	      f);
}

int cmd_kvm_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "qemu", required_argument, NULL, 'q' },
		{ "timeout", required_argument, NULL, 't' }, { "quiet", no_argument, NULL, 's' },
		{ "machine", required_argument, NULL, 'm' }, { "console", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	struct probe_qemu q = { .qemu = "qemu-system-x86_64", .machine = "q35", .console = "ttyS0" };
	const char *kernel = NULL;
	int c, timeout_s = 10;
	bool quiet = false, kvm;
	char *why = NULL;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 'q': q.qemu = optarg; break;
		case 'm': q.machine = optarg; break;
		case 'c': q.console = optarg; break;
		case 't':
			timeout_s = atoi(optarg);
			if (timeout_s <= 0) {
				vmb_error("--timeout wants a number of seconds, not '%s'", optarg);
				return 2;
			}
			break;
		case 's': quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (kernel && access(kernel, R_OK) < 0) {
		vmb_error("%s: cannot read: %s", kernel, strerror(errno));
		return 2;
	}
	kvm = kvm_dev_probe("/dev/kvm", &why) == 0 && qemu_runs_kvm(&q, kernel, timeout_s, &why) == 0;
	if (kvm)
		why = kernel ? xasprintf("QEMU ran %s with -accel kvm", kernel)
			     : xstrdup("QEMU ran the probe payload with -accel kvm (32-bit code only: --kernel tries a real kernel)");
	if (quiet)
		puts(kvm ? "kvm" : "tcg");
	else
		printf("%s: %s\n", kvm ? "kvm" : "tcg", why);
	free(why);
	return 0;
}
