/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tree model every image writer consumes: a staged root filesystem
 * directory read once, in a fixed order, with the permissions table applied.
 *
 * - Order: every directory's entries sorted bytewise by name (strcmp), and
 *   tree.order lists all entries parents first (pre-order), so writers that
 *   follow it allocate inodes and blocks the same way every run.
 * - Names and inodes are separate: hard links (same st_dev/st_ino in the
 *   staged tree) are several names of one tree_inode, whose first name in
 *   tree.order carries the content.
 * - Owners default to 0:0 and modes to the staged permission bits (the root
 *   directory: 0755); the permissions table overrides both and adds
 *   directories and device nodes. Host timestamps are never read.
 * - Safety: a relative symlink whose target climbs above the root ("..", read
 *   lexically from the link's own directory) is refused, and so are sockets.
 */
#ifndef VMB_TREE_H
#define VMB_TREE_H

#include "permtab.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Size accounting unit: the ext writers' block size (also used for the
 * content size every format reports). */
#define TREE_BLOCK 4096U

struct tree_entry;

struct tree_inode {
	uint32_t mode;         /* S_IF* type | permission bits (Linux values) */
	uint32_t uid, gid;
	uint32_t major, minor; /* devices */
	uint64_t size;         /* regular: bytes; symlink: target length */
	uint64_t data_blocks;  /* regular: TREE_BLOCK blocks with a non-zero byte */
	uint32_t regions;      /* regular: runs of such blocks (tree_data_runs) */
	char *target;          /* symlink target */
	char *src;             /* host path of a regular file's content; NULL if synthesized */
	uint32_t nlink;        /* names of this inode in the image */
	bool late;             /* content ready only after tree.late_hook ran (tree_defer) */
	uint32_t ino;          /* writer scratch: the inode number the writer gave it */
	struct tree_entry *first; /* the first name in tree.order */
	dev_t host_dev;        /* hard-link detection */
	ino_t host_ino;
};

struct tree_entry {
	char *name;            /* "" for the root */
	char *path;            /* "/" for the root, else "/a/b" */
	struct tree_entry *parent;
	struct tree_entry **kids; /* sorted by name, bytewise */
	size_t nkids, cap;
	struct tree_inode *inode;
	unsigned depth;        /* 0 for the root */
};

struct tree_stats {
	size_t entries;         /* names, the root included */
	size_t inodes;          /* distinct inodes, the root included */
	size_t dirs, regular, symlinks, devices, fifos, hardlinks;
	uint64_t data_blocks;   /* regular file data, TREE_BLOCK units */
	uint64_t dir_bytes;     /* directory entry bytes in ext2 format (8 + name, 4-aligned) */
	uint64_t long_symlinks; /* symlinks too long to live in an ext inode (>= 60 bytes) */
	uint64_t apparent_bytes;/* sum of regular file sizes */
};

struct tree {
	char *dir;                 /* the staged directory as given */
	struct tree_entry *root;
	struct tree_entry **order; /* all entries, pre-order (valid after tree_finish) */
	size_t n;
	struct tree_stats stats;
	/* Content that is finished while the image is written (tree_defer). */
	int (*late_hook)(void *ctx, char **err);
	void *late_ctx;
	bool late_ran;
	int late_rc;               /* its result, once it ran */
	char *late_err;
};

/* Read the staged tree under @dir. Returns 0 or a negative errno value with
 * *err set (malloc'd). @t needs tree_free in both cases. */
int tree_load(const char *dir, struct tree *t, char **err);

/* Apply a permissions table, entry by entry in table order (a later line for
 * the same path wins). Errors name the table's file:line. */
int tree_apply_permtab(struct tree *t, const struct permtab *p, char **err);

/* Compute tree.order and tree.stats; call after the last change. */
void tree_finish(struct tree *t);

void tree_free(struct tree *t);

/* The content of an open regular file as runs of TREE_BLOCK blocks holding
 * at least one non-zero byte: calls @fn(offset, length) for each run in
 * order, stopping at the first non-zero return. Offsets are multiples of
 * TREE_BLOCK; a run ending at the end of the file ends at @size exactly.
 * Holes (SEEK_DATA/SEEK_HOLE) are skipped without reading, and all-zero
 * blocks are treated as holes too, so the runs depend on the bytes only,
 * never on how the staged copy happens to be laid out. Returns 0, @fn's
 * value, -ESTALE when the file got shorter than @size, or -errno. */
int tree_data_runs(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		   void *ctx);

/* Add a name to a loaded tree that the staged directory does not have: a
 * regular file at image path @path whose content is the host file @src
 * (@mode: permission bits, owner 0:0), or, with @src NULL and @target set, a
 * symlink to @target. Missing parent directories are made (0755, 0:0); an
 * existing parent that is not a directory (a symlink, say) is an error, so
 * nothing is ever written through a link. @path must not exist yet. Call
 * tree_finish afterwards. Returns 0 or a negative errno with *err set. */
int tree_graft(struct tree *t, const char *path, const char *src, const char *target,
	       uint32_t mode, char **err);

/* tree_graft for a regular file whose size, data blocks and regions the
 * caller has from tree_data_runs already (the stager's plan), so its
 * content is not read twice. */
int tree_graft_measured(struct tree *t, const char *path, const char *src, uint32_t mode,
			uint64_t size, uint64_t data_blocks, uint32_t regions, char **err);

/* Mark the regular file at @path as late: its size is final but its bytes
 * are not, and @hook(@ctx) makes them so. Writers create the file in its
 * place but read its content only after tree_run_late_hook(), which they
 * call as late as their format allows (the ext writers after every other
 * file's data, the streaming formats before the first entry), so the hook's
 * work can overlap with the copying. One hook per tree. */
int tree_defer(struct tree *t, const char *path, int (*hook)(void *ctx, char **err), void *ctx,
	       char **err);

/* Run the late hook once (later calls return its first result); 0 when
 * there is none. */
int tree_run_late_hook(struct tree *t, char **err);

/* Would a symlink in directory @dir_depth levels deep with @target climb
 * above the root? Exposed for the tests. */
bool tree_symlink_escapes(unsigned dir_depth, const char *target);

#endif
