/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hostclock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define POLL_MS 50

static bool still_early(const char *path)
{
	char name[64] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	if (!fgets(name, sizeof(name), f))
		name[0] = '\0';
	fclose(f);
	return strcmp(name, "tsc-early\n") == 0 || strcmp(name, "tsc-early") == 0;
}

int hostclock_wait_settled(const char *path, long timeout_ms)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };

	for (long waited = 0; still_early(path); waited += POLL_MS) {
		if (waited >= timeout_ms)
			return -1;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ts.tv_nsec = POLL_MS * 1000000L;
	}
	return 0;
}
