/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The on-target launcher's reader of /etc/vmbundle/guests/NAME.conf
 * (src/launcher/guest.c): the input is g.conf and, after "--- NAME" lines,
 * more configurations or the files they name, read as vmguest reads its
 * directory. A guest whose files check out (relative paths are taken in
 * the scratch directory) gets its QEMU command line; its shares' host
 * directories are checked too.
 */
#include "fuzz.h"
#include "launcher/guest.h"
#include "launcher/qemu-argv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paths on the target are absolute; a relative one is rooted in the scratch
 * directory, so that the files the input carries are found. */
static void root_path(char **path)
{
	char *full;
	size_t n;

	if (!*path || (*path)[0] == '/')
		return;
	n = strlen(fuzz_scratch_path()) + strlen(*path) + 2;
	full = malloc(n);
	if (!full)
		abort();
	snprintf(full, n, "%s/%s", fuzz_scratch_path(), *path);
	free(*path);
	*path = full;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *paths[8], *err = NULL;
	size_t n = fuzz_write_files(data, size, "g.conf", paths, 8);
	struct launch_guest *v = NULL;
	size_t ng = 0;

	if (launch_guests_load_dir(fuzz_scratch_path(), &v, &ng, &err) >= 0) {
		for (size_t i = 0; i < ng; i++) {
			char *why = NULL;
			struct qemu_plan plan = { .qemu = "qemu-system-x86_64", .accel = ACCEL_TCG,
						  .console_socket = "/run/c.sock",
						  .console_log = "/var/log/c.log" };
			struct strv argv = { 0 };

			(void)launch_guest_cmdline(&v[i]);
			root_path(&v[i].kernel);
			root_path(&v[i].initrd);
			for (size_t k = 0; k < v[i].ndisks; k++)
				root_path(&v[i].disks[k]);
			/* Share paths are absolute (the parser says so): only looked at. */
			if (launch_guest_check_shares(&v[i], &why) < 0) {
				free(why);
				why = NULL;
			}
			if (launch_guest_check_files(&v[i], &why) == 0) {
				qemu_argv(&v[i], &plan, &argv);
				strv_free(&argv);
			}
			free(why);
		}
		launch_guests_free(v, ng);
	}
	free(err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return 0;
}
