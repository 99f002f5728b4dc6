/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fragment queue file: the contract between "vmbundle scc" and whatever
 * reads its result (the kernel build rules, "vmbundle audit").
 *
 *   # comment lines and blank lines are ignored
 *   <type> <absolute path>
 *
 * one line per fragment in merge order; <type> is hardware, non-hardware,
 * required or optional; the path is everything after the first blank.
 */
#ifndef VMB_SCC_QUEUE_H
#define VMB_SCC_QUEUE_H

#include "scc/scc.h"

struct queue_entry {
	enum scc_ftype type;
	char *path;
	unsigned line; /* in the queue file */
};

struct queue {
	struct queue_entry *v;
	size_t n, cap;
};

/* The queue file text for a resolved description (malloc'd), or NULL with
 * *err when a path cannot be written in this format (a newline in it). */
char *queue_format(const struct scc_result *r, char **err);

/* Read a queue file. Errors: "file:line: what". */
int queue_read(const char *path, struct queue *q, char **err);
int queue_parse(const char *name, const char *buf, size_t len, struct queue *q, char **err);
void queue_free(struct queue *q);

#endif
