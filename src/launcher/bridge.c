/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bridge.h"
#include "spawn.h"

#include <stdlib.h>

static int ip(char *const argv[], char **err)
{
	char *why = NULL;

	if (spawn_wait(argv, false, &why) == 0)
		return 0;
	*err = xasprintf("bridge networking: 'ip %s %s %s' failed: %s (is iproute2's ip in the host, and TUN and BRIDGE in its kernel?)",
			 argv[1], argv[2], argv[3] ? argv[3] : "", why);
	free(why);
	return -1;
}

int bridge_add_tap(const char *tap, char **err)
{
	char *const show[] = { "ip", "link", "show", VMGUEST_BRIDGE, NULL };
	char *const add_br[] = { "ip", "link", "add", "name", VMGUEST_BRIDGE, "type", "bridge", NULL };
	char *const up_br[] = { "ip", "link", "set", VMGUEST_BRIDGE, "up", NULL };
	char *const add_tap[] = { "ip", "tuntap", "add", "dev", (char *)tap, "mode", "tap", NULL };
	char *const enslave[] = { "ip", "link", "set", (char *)tap, "master", VMGUEST_BRIDGE, "up", NULL };
	char *ignored = NULL;

	if (spawn_wait(show, true, &ignored) < 0) {
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
	char *const del[] = { "ip", "link", "delete", (char *)tap, NULL };
	char *ignored = NULL;

	if (spawn_wait(del, true, &ignored) < 0)
		free(ignored);
}
