/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accounts: /etc/passwd, /etc/group and /etc/shadow from a fixed base (root
 * with an empty password, as Yocto's debug-tweaks, so tests can log in on
 * the console and over SSH) plus the declared users and groups:
 *
 *   users  = NAME:UID:GID:HOME:SHELL[:PASSWORD]   (PASSWORD: a crypt(3) hash,
 *            "" for none, "*" locked; default "*"; "root:..." replaces root)
 *   groups = NAME:GID[:MEMBER,MEMBER...]
 *
 * Home directories are created and given to their owners through the
 * permissions table (the build runs unprivileged, so it cannot chown).
 */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

struct account {
	char *name, *pass, *home, *shell, *members;
	unsigned long id, gid;
};

struct accounts {
	struct account *v;
	size_t n;
};

static void account_free(struct account *ac)
{
	free(ac->name);
	free(ac->pass);
	free(ac->home);
	free(ac->shell);
	free(ac->members);
}

static void accounts_free(struct accounts *a)
{
	for (size_t i = 0; i < a->n; i++)
		account_free(&a->v[i]);
	free(a->v);
}

static bool valid_name(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !*end && !errno && *out < 4294967295UL;
}

/* Split @s at ':' into at most @max fields (the last keeps any ':'). */
static size_t split_fields(char *s, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = s;
	while (n < max && (s = strchr(s, ':'))) {
		*s++ = '\0';
		f[n++] = s;
	}
	return n;
}

/* Add or replace (same name) an account; a different name with the same
 * id is a mistake worth stopping for. */
static int put(struct accounts *a, struct account *ac, const struct rootfs_item *it,
	       const char *what, char **err)
{
	for (size_t i = 0; i < a->n; i++) {
		if (streq(a->v[i].name, ac->name)) {
			account_free(&a->v[i]);
			a->v[i] = *ac;
			return 0;
		}
		if (a->v[i].id == ac->id) {
			*err = rootfs_item_error(it, "%s '%s' has id %lu, which %s '%s' already has; "
						 "choose another id", what, ac->name, ac->id, what,
						 a->v[i].name);
			return -1;
		}
	}
	*VEC_APPEND(a->v, a->n) = *ac;
	return 0;
}

static int parse_user(const struct rootfs_item *it, struct account *ac, char **err)
{
	char *copy = xstrdup(it->value), *f[6];
	size_t n = split_fields(copy, f, 6);
	int r = -1;

	memset(ac, 0, sizeof(*ac));
	if (n < 5) {
		*err = rootfs_item_error(it, "user '%s' is not NAME:UID:GID:HOME:SHELL[:PASSWORD]",
					 it->value);
	} else if (!valid_name(f[0])) {
		*err = rootfs_item_error(it, "user name '%s' is not valid (lower-case letters, "
					 "digits, '_' and '-', not starting with a digit)", f[0]);
	} else if (!parse_id(f[1], &ac->id) || !parse_id(f[2], &ac->gid)) {
		*err = rootfs_item_error(it, "user '%s': UID and GID must be numbers ('%s', '%s')",
					 f[0], f[1], f[2]);
	} else if (f[3][0] != '/' || !import_dest_ok(f[3]) || f[4][0] != '/') {
		*err = rootfs_item_error(it, "user '%s': HOME and SHELL must be absolute paths "
					 "without '..' ('%s', '%s')", f[0], f[3], f[4]);
	} else {
		ac->name = xstrdup(f[0]);
		ac->home = xstrdup(f[3]);
		ac->shell = xstrdup(f[4]);
		ac->pass = xstrdup(n > 5 ? f[5] : "*");
		r = 0;
	}
	free(copy);
	return r;
}

static int parse_group(const struct rootfs_item *it, struct account *ac, char **err)
{
	char *copy = xstrdup(it->value), *f[3];
	size_t n = split_fields(copy, f, 3);
	int r = -1;

	memset(ac, 0, sizeof(*ac));
	if (n < 2 || !valid_name(f[0]) || !parse_id(f[1], &ac->id)) {
		*err = rootfs_item_error(it, "group '%s' is not NAME:GID[:MEMBER,...] with a valid "
					 "name and a numeric GID", it->value);
	} else {
		ac->name = xstrdup(f[0]);
		ac->members = xstrdup(n > 2 ? f[2] : "");
		r = 0;
	}
	free(copy);
	return r;
}

static void add_base(struct accounts *users, struct accounts *groups)
{
	static const struct { const char *name; unsigned long id; } base_groups[] = {
		{ "root", 0 }, { "tty", 5 }, { "disk", 6 }, { "kvm", 78 }, { "nogroup", 65534 },
	};

	users->v = xcalloc(2, sizeof(*users->v));
	users->v[0] = (struct account){ xstrdup("root"), xstrdup(""), xstrdup("/root"),
					xstrdup("/bin/sh"), NULL, 0, 0 };
	users->v[1] = (struct account){ xstrdup("nobody"), xstrdup("*"), xstrdup("/nonexistent"),
					xstrdup("/bin/false"), NULL, 65534, 65534 };
	users->n = 2;
	groups->v = xcalloc(ARRAY_SIZE(base_groups), sizeof(*groups->v));
	for (size_t i = 0; i < ARRAY_SIZE(base_groups); i++)
		groups->v[i] = (struct account){ xstrdup(base_groups[i].name), NULL, NULL, NULL,
						 xstrdup(""), base_groups[i].id, 0 };
	groups->n = ARRAY_SIZE(base_groups);
}

static int write_files(const char *tree, const struct accounts *u, const struct accounts *g,
		       char **perms, char **err)
{
	char *passwd = NULL, *shadow = NULL, *group = NULL;
	int r;

	for (size_t i = 0; i < u->n; i++) {
		const struct account *a = &u->v[i];

		strappendf(&passwd, "%s:x:%lu:%lu:%s:%s:%s\n", a->name, a->id, a->gid, a->name,
			   a->home, a->shell);
		strappendf(&shadow, "%s:%s:::::::\n", a->name, a->pass);
		if (a->id != 0 && !streq(a->home, "/nonexistent"))
			strappendf(perms, "%s d 700 %lu %lu - - - - -\n", a->home, a->id, a->gid);
	}
	for (size_t i = 0; i < g->n; i++)
		strappendf(&group, "%s:x:%lu:%s\n", g->v[i].name, g->v[i].id, g->v[i].members);
	r = import_write(tree, "/etc/passwd", passwd, 0644, err);
	if (r == 0)
		r = import_write(tree, "/etc/group", group, 0644, err);
	/* 0600 in the tree too: the build user's copy is no one else's business. */
	if (r == 0)
		r = import_write(tree, "/etc/shadow", shadow, 0600, err);
	if (r == 0)
		strappendf(perms, "/etc/shadow f 600 0 0 - - - - -\n");
	free(passwd);
	free(shadow);
	free(group);
	return r;
}

int users_write(const char *tree, const struct rootfs_plan *p, char **perms, char **err)
{
	struct accounts users = { 0 }, groups = { 0 };
	int r = 0;

	add_base(&users, &groups);
	for (size_t i = 0; i < p->groups.n && r == 0; i++) {
		struct account ac;

		r = parse_group(&p->groups.v[i], &ac, err);
		if (r == 0 && put(&groups, &ac, &p->groups.v[i], "group", err) < 0) {
			account_free(&ac);
			r = -1;
		}
	}
	for (size_t i = 0; i < p->users.n && r == 0; i++) {
		struct account ac;

		r = parse_user(&p->users.v[i], &ac, err);
		if (r == 0 && put(&users, &ac, &p->users.v[i], "user", err) < 0) {
			account_free(&ac);
			r = -1;
		}
	}
	if (r == 0)
		r = write_files(tree, &users, &groups, perms, err);
	accounts_free(&users);
	accounts_free(&groups);
	return r;
}
