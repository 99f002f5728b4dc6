/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge.h"
#include "shared/run.h"

#include <stdlib.h>

/* ip's own words go to the launcher's stderr when it fails for real; the
 * probes whose failure is an answer run quietly. */
static const struct run_opts ip_opts = { .in = { RUN_NULL, NULL, 0 } };
static const struct run_opts quiet_opts = { .in = { RUN_NULL, NULL, 0 },
					    .out = { RUN_NULL, NULL, 0 },
					    .err = { RUN_NULL, NULL, 0 } };

static int ip(const char *const argv[], char **err)
{
	char *why = NULL;

	if (run(argv, &ip_opts, &why) == 0)
		return 0;
	*err = xasprintf("bridge networking: 'ip %s %s %s' failed: %s (is iproute2's ip in the host, and TUN and BRIDGE in its kernel?)",
			 argv[1], argv[2], argv[3] ? argv[3] : "", why);
	free(why);
	return -1;
}

int bridge_add_tap(const char *tap, char **err)
{
	const char *const show[] = { "ip", "link", "show", VMGUEST_BRIDGE, NULL };
	const char *const add_br[] = { "ip", "link", "add", "name", VMGUEST_BRIDGE, "type", "bridge",
				       NULL };
	const char *const up_br[] = { "ip", "link", "set", VMGUEST_BRIDGE, "up", NULL };
	const char *const add_tap[] = { "ip", "tuntap", "add", "dev", tap, "mode", "tap", NULL };
	const char *const enslave[] = { "ip", "link", "set", tap, "master", VMGUEST_BRIDGE, "up",
					NULL };
	char *ignored = NULL;

	if (run(show, &quiet_opts, &ignored) < 0) {
		free(ignored);
		if (ip(add_br, err) < 0 || ip(up_br, err) < 0)
			return -1;
	}
	/* A tap left by a guest that died without cleaning up. */
	bridge_remove_tap(tap);
	if (ip(add_tap, err) < 0 || ip(enslave, err) < 0)
		return -1;
	return 0;
}

void bridge_remove_tap(const char *tap)
{
	const char *const del[] = { "ip", "link", "delete", tap, NULL };
	char *ignored = NULL;

	if (run(del, &quiet_opts, &ignored) < 0)
		free(ignored);
}
