/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bare reference of bench/boot: an /init that prints one marker line and
 * ends the machine. Nothing else runs, so a boot with it measures QEMU, the
 * firmware and the kernel alone; an image's own boot is compared with it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	int fd = open("/dev/console", O_WRONLY);
	char line[256];
	int n;

	uname(&u);
	n = snprintf(line, sizeof(line), "vmb-bare-ready kernel=%s\n", u.release);
	if (fd >= 0 && n > 0 && write(fd, line, (size_t)n) < 0)
		return 1;
	sync();
	/* With -no-reboot a restart ends QEMU, with or without ACPI. */
	reboot(RB_AUTOBOOT);
	return 0;
}
