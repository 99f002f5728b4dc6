/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The permissions table: owners, modes and device nodes for an image, so the
 * build never needs root. The format is the makedevs device table Buildroot
 * and Yocto use, one entry a line:
 *
 *   <path> <type> <mode> <uid> <gid> <major> <minor> <start> <inc> <count>
 *
 *   /dev          d 755 0 0 - - - - -
 *   /dev/console  c 600 0 0 5 1 - - -
 *   /dev/ttyS     c 660 0 5 4 64 0 1 4    ttyS0..ttyS3, minors 64..67
 *
 * Types: f (a regular file of the tree: set mode/owner), d (a directory:
 * created when the tree lacks it), c and b (character and block devices),
 * p (a FIFO), and r (a directory and everything below it: set the owner, and
 * the mode when one is given). Modes are octal, owners numeric. '-' stands
 * for "not used"; for f, d and r it also means "keep" in the mode, uid and
 * gid columns. With a count, c/b lines make <path><start+i> for i < count
 * with minor + i*inc. '#' starts a comment line; blank lines are skipped.
 *
 * The parser only parses: it checks each line strictly and reports the first
 * problem as "file:line: what is wrong", for the caller to print.
 */
#ifndef VMB_PERMTAB_H
#define VMB_PERMTAB_H

#include <stddef.h>
#include <stdint.h>

#define PERM_KEEP (-1LL)

struct perm_entry {
	char *path;        /* absolute, no "." or ".." components, no trailing '/' */
	char type;         /* one of "fdcbpr" */
	long long mode;    /* 0..07777, or PERM_KEEP */
	long long uid;     /* 0..2^32-2, or PERM_KEEP */
	long long gid;
	uint32_t major, minor; /* c/b only */
	uint32_t start, inc, count; /* count 0: a single node named <path> */
	const char *file;  /* the table it came from (owned by struct permtab) */
	unsigned line;
};

/* Entries all tables together may make, counts included (Yocto's and
 * Buildroot's device tables make a few hundred). */
#define PERM_MAX_NODES 65536

struct permtab {
	struct perm_entry *v;
	size_t n;
	size_t nodes; /* entries made, counts included (PERM_MAX_NODES) */
	char **files; /* names of the tables read, for the messages */
	size_t nfiles;
};

/* Append the entries of the table at @path to @t (zero-initialised before the
 * first call). Returns 0, or a negative errno value with *err set (malloc'd,
 * "path:line: ..."); on error @t keeps what earlier tables added. */
int permtab_parse_file(const char *path, struct permtab *t, char **err);

/* The same for a table in memory; @name is used in messages. */
int permtab_parse_buffer(const char *name, const char *buf, size_t len, struct permtab *t,
			 char **err);

void permtab_free(struct permtab *t);

#endif
