/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the declarations that make up one root filesystem into a plan.
 *
 * Every declaration lives in a directory that may also hold an overlay/
 * directory and a permissions table (guests: guests/NAME.overlay/ and
 * guests/NAME.permissions beside guests/NAME.conf). What a declaration
 * pulls in (requires, features) is loaded before the declaration's own
 * overlay, so the more specific declaration's files win.
 */
#include "decl/conf.h"
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void rootfs_items_add(struct rootfs_items *l, const char *value, const char *file, unsigned line,
		      const char *dir)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].value = xstrdup(value);
	l->v[l->n].file = xstrdup(file);
	l->v[l->n].line = line;
	l->v[l->n].dir = xstrdup(dir);
	l->n++;
}

static void item_free(struct rootfs_item *it)
{
	free(it->value);
	free(it->file);
	free(it->dir);
}

static void items_free(struct rootfs_items *l)
{
	for (size_t i = 0; i < l->n; i++)
		item_free(&l->v[i]);
	free(l->v);
}

void rootfs_plan_free(struct rootfs_plan *p)
{
	free(p->type);
	items_free(&p->programs);
	items_free(&p->libraries);
	items_free(&p->files);
	items_free(&p->fstab);
	items_free(&p->modules);
	items_free(&p->users);
	items_free(&p->groups);
	items_free(&p->packages);
	free(p->arch);
	free(p->sysroot);
	namelist_free(&p->imports);
	item_free(&p->hostname);
	item_free(&p->shares);
	strlist_free(p->overlays, p->noverlays);
	strlist_free(p->permtabs, p->npermtabs);
	strlist_free(p->deps, p->ndeps);
	strlist_free(p->templates_seen, p->ntemplates_seen);
	memset(p, 0, sizeof(*p));
}

char *rootfs_item_error(const struct rootfs_item *it, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = where_vmsg(it->file, it->line, fmt, ap);
	va_end(ap);
	return msg;
}

void rootfs_add_dep(struct rootfs_plan *p, const char *path)
{
	if (!strlist_has(p->deps, p->ndeps, path))
		strlist_push(&p->deps, &p->ndeps, path);
}

/* The physical line of @path, at or after @from, where @text stands as a
 * whole word: a list key's words can come from later "+=" lines. */
static unsigned line_of(const char *path, unsigned from, const char *text)
{
	FILE *f = fopen(path, "re");
	char buf[65536];
	unsigned n = 0, found = 0;
	size_t tl = strlen(text);

	if (!f)
		return from;
	while (!found && fgets(buf, sizeof(buf), f)) {
		if (++n < from || buf[strspn(buf, " \t")] == '#')
			continue;
		for (char *p = strstr(buf, text); p; p = strstr(p + 1, text)) {
			char before = p == buf ? ' ' : p[-1], after = p[tl];

			if (strchr(" \t=", before) && strchr(" \t\\\r\n", after)) {
				found = n;
				break;
			}
		}
	}
	fclose(f);
	return found ? found : from;
}

/* Split a key's value at @seps ("words" for lists, "\n" for CONF_LINES)
 * into items that remember their own line. */
static void add_split(struct rootfs_items *l, const struct conf *c, const char *key,
		      const char *dir, const char *seps)
{
	const struct conf_entry *e = conf_find(c, key);
	char *copy, *save = NULL;

	if (!e)
		return;
	if (conf_list_is_none(e->value)) { /* the empty list (conf.h): nothing to add */
		l->none = true;
		return;
	}
	copy = xstrdup(e->value);
	for (char *w = strtok_r(copy, seps, &save); w; w = strtok_r(NULL, seps, &save))
		rootfs_items_add(l, w, c->path, line_of(c->path, e->line, w), dir);
	free(copy);
}

/* KEY's items, then KEY:ARCH's for the plan's architecture. */
static void add_key(const struct rootfs_plan *p, struct rootfs_items *l, const struct conf *c,
		    const char *key, const char *dir, const char *seps)
{
	add_split(l, c, key, dir, seps);
	if (p->arch) {
		char *k = xasprintf("%s:%s", key, p->arch);

		add_split(l, c, k, dir, seps);
		free(k);
	}
}

/* nftw() passes no context to its callback: the plan being filled. */
static struct rootfs_plan *walk_plan;

static int add_walked(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	rootfs_add_dep(walk_plan, path);
	return 0;
}

int rootfs_add_overlay(struct rootfs_plan *p, const char *dir, const char *what, char **err)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		char *why = input_problem(dir, errno);

		*err = xasprintf("%s %s; create it or leave it out", what, why);
		free(why);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s '%s' is %s, not a directory; give a directory or leave it out",
				 what, dir, S_ISREG(st.st_mode) ? "a regular file" : file_kind(st.st_mode));
		return -1;
	}
	strlist_push(&p->overlays, &p->noverlays, dir);
	/* Every file and directory of an overlay is a dependency: a directory's
	 * time changes when a file is added to or removed from it. */
	walk_plan = p;
	nftw(dir, add_walked, 16, FTW_PHYS);
	walk_plan = NULL;
	return 0;
}

/* overlay/ and permissions beside a declaration, when they exist. */
static int add_companions(struct rootfs_plan *p, const char *overlay, const char *permissions,
			  char **err)
{
	struct stat st;

	if (lstat(permissions, &st) == 0) {
		strlist_push(&p->permtabs, &p->npermtabs, permissions);
		rootfs_add_dep(p, permissions);
	}
	if (lstat(overlay, &st) == 0)
		return rootfs_add_overlay(p, overlay, "overlay", err);
	return 0;
}

static int add_dir_companions(struct rootfs_plan *p, const char *dir, char **err)
{
	char *ov = xasprintf("%s/overlay", dir), *perm = xasprintf("%s/permissions", dir);
	int r = add_companions(p, ov, perm, err);

	free(ov);
	free(perm);
	return r;
}

/* First SEARCH_DIR/@rel that exists, or NULL. */
static char *search_find(const struct rootfs_search *s, const char *rel)
{
	for (size_t i = 0; i < s->n; i++) {
		char *path = xasprintf("%s/%s", s->dirs[i], rel);

		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

static int parse(const char *path, const char *kind, struct conf *c, char **err)
{
	return conf_parse_file(path, conf_schema_lookup(kind), c, err) < 0 ? -1 : 0;
}

static int load_features(struct rootfs_plan *p, const struct rootfs_search *s,
			 const struct conf *c, const char *key, const char *prefix, char **err)
{
	struct rootfs_items names = { 0 };
	int r = 0;

	add_key(p, &names, c, key, ".", " \t");
	for (size_t i = 0; i < names.n && r == 0; i++) {
		char *t = xasprintf("%s%s", prefix, names.v[i].value);

		r = rootfs_load_template(p, s, t, names.v[i].file, names.v[i].line, err);
		free(t);
	}
	items_free(&names);
	return r;
}

/* The content keys every rootfs type, template and guest may set. */
static void add_content(struct rootfs_plan *p, const struct conf *c, const char *dir)
{
	static const char words[] = " \t";

	add_key(p, &p->programs, c, "programs", dir, words);
	add_key(p, &p->libraries, c, "libraries", dir, words);
	add_key(p, &p->files, c, "files", dir, words);
	add_key(p, &p->fstab, c, "fstab", dir, "\n");
	add_key(p, &p->modules, c, "modules", dir, words);
	add_key(p, &p->users, c, "users", dir, words);
	add_key(p, &p->groups, c, "groups", dir, words);
	add_key(p, &p->packages, c, "packages", dir, words);
}

static int load_decl(struct rootfs_plan *p, const struct rootfs_search *s, const char *path,
		     const char *kind, char **err)
{
	char *dir = path_dir(path);
	struct conf c;
	int r = -1;

	rootfs_add_dep(p, path);
	if (parse(path, kind, &c, err) < 0)
		goto out;
	if (load_features(p, s, &c, "requires", "", err) < 0 ||
	    load_features(p, s, &c, "features", "feature/", err) < 0)
		goto out_conf;
	add_content(p, &c, dir);
	r = add_dir_companions(p, dir, err);
out_conf:
	conf_free(&c);
out:
	free(dir);
	return r;
}

int rootfs_load_skeleton(struct rootfs_plan *p, const struct rootfs_search *s, char **err)
{
	char *dir = search_find(s, "skeleton");
	int r;

	if (!dir) {
		*err = xasprintf("no skeleton/ in the template directories (%s%s); the project's "
				 "templates/skeleton/ is missing", s->n ? s->dirs[0] : "none",
				 s->n > 1 ? ", ..." : "");
		return -1;
	}
	r = add_dir_companions(p, dir, err);
	free(dir);
	return r;
}

int rootfs_load_type(struct rootfs_plan *p, const struct rootfs_search *s, const char *name,
		     char **err)
{
	char *rel = xasprintf("rootfs/%s/rootfs.conf", name), *path = search_find(s, rel);
	int r;

	free(rel);
	if (!path || !valid_object_name(name)) {
		*err = xasprintf("unknown rootfs type '%s': there is no templates/rootfs/%s/rootfs.conf",
				 name, name);
		free(path);
		return -1;
	}
	free(p->type);
	p->type = xstrdup(name);
	r = load_decl(p, s, path, "rootfs", err);
	free(path);
	return r;
}

int rootfs_load_template(struct rootfs_plan *p, const struct rootfs_search *s, const char *name,
			 const char *from_file, unsigned from_line, char **err)
{
	char *rel, *path;
	int r;

	if (strlist_has(p->templates_seen, p->ntemplates_seen, name))
		return 0; /* loaded already (or being loaded: a cycle adds nothing twice) */
	strlist_push(&p->templates_seen, &p->ntemplates_seen, name);
	rel = xasprintf("%s/template.conf", name);
	path = strstr(name, "..") || *name == '/' ? NULL : search_find(s, rel);
	free(rel);
	if (!path) {
		if (from_file)
			*err = xasprintf("%s:%u: unknown template '%s': there is no "
					 "templates/%s/template.conf", from_file, from_line, name, name);
		else
			*err = xasprintf("unknown template '%s': there is no templates/%s/template.conf",
					 name, name);
		return -1;
	}
	r = load_decl(p, s, path, "template", err);
	free(path);
	return r;
}

int rootfs_load_board(struct rootfs_plan *p, const char *board_conf, char **err)
{
	struct conf c;
	char *dir;
	int r;

	if (access(board_conf, R_OK) < 0) {
		*err = xasprintf("board declaration '%s': %s", board_conf, strerror(errno));
		return -1;
	}
	rootfs_add_dep(p, board_conf);
	if (parse(board_conf, "board", &c, err) < 0)
		return -1;
	dir = path_dir(board_conf);
	add_key(p, &p->packages, &c, "packages", dir, " \t");
	conf_free(&c);
	r = add_dir_companions(p, dir, err);
	free(dir);
	return r;
}

int rootfs_guest_type(const char *guest_conf, char **type_out, char **err)
{
	struct conf c;

	if (parse(guest_conf, "guest", &c, err) < 0)
		return -1;
	if (conf_get(&c, "rootfs")) {
		free(*type_out);
		*type_out = xstrdup(conf_get(&c, "rootfs"));
	}
	conf_free(&c);
	return 0;
}

int rootfs_load_guest(struct rootfs_plan *p, const struct rootfs_search *s, const char *guest_conf,
		      char **err)
{
	char *base = xstrndup(guest_conf, endswith(guest_conf, ".conf") ? strlen(guest_conf) - 5
									 : strlen(guest_conf));
	char *dir = path_dir(guest_conf), *ov, *perm;
	const struct conf_entry *h;
	struct conf c;
	int r = -1;

	rootfs_add_dep(p, guest_conf);
	if (parse(guest_conf, "guest", &c, err) < 0)
		goto out;
	h = conf_find(&c, "hostname");
	if (h) {
		item_free(&p->hostname);
		p->hostname = (struct rootfs_item){ xstrdup(h->value), xstrdup(guest_conf), h->line,
						    xstrdup(dir) };
	}
	h = conf_find(&c, "shares");
	if (h) {
		item_free(&p->shares);
		p->shares = (struct rootfs_item){ xstrdup(h->value), xstrdup(guest_conf), h->line,
						  xstrdup(dir) };
	}
	if (load_features(p, s, &c, "features", "feature/", err) < 0)
		goto out_conf;
	add_content(p, &c, dir);
	ov = xasprintf("%s.overlay", base);
	perm = xasprintf("%s.permissions", base);
	r = add_companions(p, ov, perm, err);
	free(ov);
	free(perm);
out_conf:
	conf_free(&c);
out:
	free(dir);
	free(base);
	return r;
}
