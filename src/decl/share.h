/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared folders (doc/guest-devices.md, "Shared folders"): the one parser
 * of a `shares` value, used where it is declared (guests/NAME.conf: the
 * stager's guest model and the guest's root filesystem, which mounts them)
 * and where it is launched (the launch configuration vmguest reads). libc
 * only, so the static launcher compiles it too. It parses and checks; the
 * messages it returns name the item and say what to do, the callers add
 * file:line.
 *
 *   declaration:  TAG=HOST_PATH[,ro][,mount=GUEST_DIR|,mount=none][,security=MODEL]
 *   launch:       TAG=HOST_PATH[,ro],security=MODEL
 */
#ifndef VMB_SHARE_H
#define VMB_SHARE_H

#include <stdbool.h>
#include <stddef.h>

/* QEMU's -fsdev security_model. */
enum share_security {
	SHARE_SECURITY_NONE,         /* the default: plain files, owned by QEMU's user */
	SHARE_SECURITY_MAPPED_XATTR, /* guest owners and modes in user.virtfs.* xattrs */
	SHARE_SECURITY_MAPPED_FILE,  /* the same in .virtfs_metadata files */
	SHARE_SECURITY_PASSTHROUGH,  /* real owners: QEMU must run as root */
};

enum share_syntax {
	SHARE_DECLARATION, /* mount= allowed, security= optional */
	SHARE_LAUNCH,      /* no mount=; security= written by the stager */
};

/* 9p's mount tag: older QEMUs (and the virtio config field they fill) hold
 * 31 bytes; [A-Za-z0-9_.-] keeps it one fstab word and one QEMU value. */
#define SHARE_TAG_MAX 31

struct share {
	char *tag;
	char *path;  /* on the target host: absolute, normalised */
	char *mount; /* in the guest; NULL: not mounted (mount=none) */
	bool readonly;
	enum share_security security;
};

struct share_list {
	struct share *v;
	size_t n;
};

/* Parse a blank-separated list of items into @out (its old contents are
 * freed first). Tags and mount points must be unique. In a declaration,
 * "none" is the empty list (it undoes the shares of a guest extended). Returns NULL, or a
 * malloc'd message ("share 'ITEM': ...") with @out left empty. */
char *shares_parse(const char *value, enum share_syntax syntax, struct share_list *out);

/* One item in the launch syntax: "TAG=PATH[,ro],security=MODEL". Malloc'd. */
char *share_launch_item(const struct share *s);

const char *share_security_name(enum share_security m);

void shares_free(struct share_list *l);

#endif
