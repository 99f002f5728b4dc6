/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The declaration format shared by boards, rootfs types, templates and
 * guests: one "key = value" per line, "key += value" to append, '#' comments,
 * a trailing '\' continues a line. Parsing is strict: an unknown key, a key
 * set twice or a malformed line is an error naming file:line, with a
 * suggestion when the key looks like a typo of a known one.
 */
#ifndef VMB_CONF_H
#define VMB_CONF_H

#include <stdbool.h>
#include <stddef.h>

enum conf_type {
	CONF_STRING,
	CONF_LIST,  /* whitespace-separated words, stored one space apart with
		     * none at either end; "none" alone is the empty list (it
		     * undoes an inherited value); += appends */
	CONF_UINT,  /* decimal, > 0 */
	CONF_BOOL,  /* yes/no/true/false/1/0 */
	CONF_LINES, /* whole lines (fstab entries); += appends a line */
};

struct conf_key {
	const char *name;
	enum conf_type type;
};

struct conf_schema {
	const char *kind; /* "board", "rootfs", ... */
	const struct conf_key *keys;
	size_t nkeys;
};

struct conf_entry {
	char *key;
	char *value;
	unsigned line;
	size_t len, cap; /* value's length and allocation: += appends in place */
};

struct conf {
	char *path;
	struct conf_entry *v;
	size_t n;
};

/* Parse @path against @schema. On error returns a negative errno-style value
 * and sets *errmsg (malloc'd, "path:line: ...") for the caller to print. */
int conf_parse_file(const char *path, const struct conf_schema *schema, struct conf *out,
		    char **errmsg);

/* Parse an in-memory buffer; @name is used in messages. */
int conf_parse_buffer(const char *name, const char *buf, size_t len,
		      const struct conf_schema *schema, struct conf *out, char **errmsg);

const char *conf_get(const struct conf *c, const char *key);
const struct conf_entry *conf_find(const struct conf *c, const char *key);
void conf_free(struct conf *c);

/* Whether a list key's value is "none": the empty list, given on purpose. */
bool conf_list_is_none(const char *value);

/* The architectures a "KEY:ARCH" override may name (board 'arch' values). */
extern const char *const conf_arches[];
extern const size_t conf_narches;

/* The schemas the project knows (defined in conf-schemas.c). */
const struct conf_schema *conf_schema_lookup(const char *kind);
extern const struct conf_schema *const conf_schemas[];
extern const size_t conf_nschemas;

#endif
