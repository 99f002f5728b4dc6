/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tool.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>

const char *tool_path(const char *name)
{
	char var[64] = "VMBUNDLE_";
	size_t n = strlen(var);
	const char *path;

	for (const char *p = name; *p && n < sizeof(var) - 1; p++)
		var[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	var[n] = '\0';
	path = getenv(var);
	return path && *path ? path : name;
}
