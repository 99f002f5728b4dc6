/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kconfig fragments (.cfg) and .config files: "CONFIG_X=value" and
 * "# CONFIG_X is not set" lines, comments and blank lines. The two ways of
 * saying no ("CONFIG_X=n" and "# CONFIG_X is not set") are the same request.
 *
 * Lines that look like options but are not (CONFIG_X = y, #CONFIG_X is not
 * set, X=y without the prefix, a commented-out assignment) are recorded as
 * issues with their line and ignored, as Kconfig ignores them.
 */
#ifndef VMB_SCC_CFG_H
#define VMB_SCC_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct cfg_option {
	char *name;  /* "CONFIG_FOO" */
	char *value; /* the value without a trailing comment; "n" for "is not set" */
	char *text;  /* the line as written */
	unsigned line;
	bool not_set; /* written as "# CONFIG_FOO is not set" */
};

struct cfg_issue {
	unsigned line;
	bool duplicate; /* an option set twice in this file (otherwise: malformed) */
	char *msg;      /* without "file:line: " */
};

struct cfg_file {
	char *path;
	struct cfg_option *opts; /* in line order, repeated options included */
	size_t nopts, capopts;
	struct cfg_issue *issues;
	size_t nissues, capissues;
};

/* Parse a fragment held in memory. Returns -1 with *err ("name:line: ...")
 * only for data that is not text at all; everything else is an issue. */
int cfg_parse_buffer(const char *name, const char *buf, size_t len, struct cfg_file *out, char **err);
int cfg_parse_file(const char *path, struct cfg_file *out, char **err);
void cfg_file_free(struct cfg_file *f);

/* Do two values mean the same? ("n" is "not set"; identical text otherwise.) */
bool cfg_same_value(const char *a, const char *b);

/* The value as a person reads it: "n" for not set, else the value. */
static inline bool cfg_is_no(const char *value) { return value[0] == 'n' && !value[1]; }

#endif
