/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest.h"
#include "conf.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_EXTENDS 16 /* longer chains are almost certainly a mistake */

const char *guest_network_name(enum guest_network n)
{
	switch (n) {
	case GUEST_NET_BRIDGE: return "bridge";
	case GUEST_NET_NONE: return "none";
	default: return "user";
	}
}

const char *guest_machine_name(enum guest_machine m)
{
	switch (m) {
	case GUEST_MACHINE_Q35: return "q35";
	case GUEST_MACHINE_MICROVM: return "microvm";
	default: return "auto";
	}
}

const char *guest_name_problem(const char *name)
{
	if (!name[0])
		return "a guest name is empty";
	if (strstr(name, ".."))
		return "a guest name must not contain '..'";
	if (!valid_object_name(name))
		return "a guest name uses letters, digits, '.', '_' and '-' only, and starts with a "
		       "letter or digit";
	return NULL;
}

/* What a guest can be given: Linux boots in 32 MiB at the least; QEMU's x86
 * q35 and arm64 virt boards address 4 TiB and run 288 (q35) vCPUs. */
#define GUEST_MEMORY_MIN 32u
#define GUEST_MEMORY_MAX (4u * 1024 * 1024)
#define GUEST_VCPUS_MAX 288u

_printf_format_(4, 5) static int fail(char **err, const char *file, unsigned line,
				      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = where_vmsg(file, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct guest *new_guest(const char *name)
{
	struct guest *g = xcalloc(1, sizeof(*g));

	g->name = xstrdup(name);
	g->kernel = GUEST_KERNEL_OWN;
	g->rootfs = xstrdup("busybox");
	namelist_push(&g->formats, IMAGE_DEFAULT_FORMAT);
	g->memory = GUEST_DEFAULT_MEMORY;
	g->vcpus = GUEST_DEFAULT_VCPUS;
	g->autostart_order = GUEST_DEFAULT_ORDER;
	g->entropy = true;
	return g;
}

static void free_guest(struct guest *g)
{
	free(g->name);
	free(g->conf);
	free(g->dir);
	for (size_t i = 0; i < g->nchain; i++)
		free(g->chain[i]);
	free(g->chain);
	free(g->kernel_path);
	free(g->rootfs);
	namelist_free(&g->formats);
	namelist_free(&g->disks);
	namelist_free(&g->host_disks);
	namelist_free(&g->pci);
	namelist_free(&g->usb);
	free(g->cmdline);
	free(g->hostname);
	free(g->xen_type_file);
	free(g->machine_file);
	namelist_free(&g->features);
	free(g->install_name);
	namelist_free(&g->carries);
	free(g->image_path);
	shares_free(&g->shares);
	free(g);
}

void guest_set_free(struct guest_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free_guest(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static struct guest *find(const struct guest_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i]->name, name))
			return s->v[i];
	return NULL;
}

/* The first guests/NAME.conf along the search path, or NULL. */
static char *find_conf(const struct guest_set *s, const char *name)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		char *p = xasprintf("%s/%s.conf", s->dirs[i], name);

		if (access(p, F_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static bool truthy(const char *v)
{
	return streq(v, "yes") || streq(v, "true") || streq(v, "1");
}

/* A list key's words; "none" is the empty list (conf.h). */
static void list_split(struct namelist *l, const char *v)
{
	namelist_split(l, conf_list_is_none(v) ? "" : v);
}

/* disks: files to stage, and devices of the target host ("/dev/...[,ro]"),
 * which are passed through as they are and never staged. A child's list
 * replaces its parent's, both kinds. */
static int apply_disks(struct guest *g, const struct conf *c, const struct conf_entry *e, char **err)
{
	struct namelist items = { 0 };
	int r = 0;

	list_split(&items, e->value);
	namelist_free(&g->disks);
	namelist_free(&g->host_disks);
	for (size_t i = 0; i < items.n && !r; i++) {
		const char *it = items.v[i];
		char *path;
		bool ro;
		const char *why;

		if (!devspec_is_host_disk(it)) {
			namelist_push(&g->disks, it);
			continue;
		}
		why = devspec_host_disk(it, &path, &ro);
		if (why) {
			r = fail(err, c->path, e->line, "disk '%s': %s", it, why);
			break;
		}
		for (size_t j = 0; j < g->host_disks.n; j++) {
			const char *o = g->host_disks.v[j];

			if (startswith(o, path) && (!o[strlen(path)] || o[strlen(path)] == ','))
				r = fail(err, c->path, e->line, "disk '%s' is listed twice", path);
		}
		if (!r)
			namelist_push(&g->host_disks, it);
		free(path);
	}
	namelist_free(&items);
	return r;
}

/* A device id in its canonical form ("0000:03:00.0", "046d:c52b") in @out
 * (16 bytes), or why not. */
typedef const char *(*canon_fn)(const char *item, char out[16]);

static const char *canon_pci(const char *item, char out[16])
{
	return devspec_pci(item, out);
}

static const char *canon_usb(const char *item, char out[16])
{
	unsigned vid, pid;
	const char *why = devspec_usb(item, &vid, &pid);

	if (!why)
		snprintf(out, 16, "%04x:%04x", vid, pid);
	return why;
}

/* pci and usb: each item checked and kept in its canonical form, none twice. */
static int apply_ids(struct namelist *list, canon_fn canon, const struct conf *c,
		     const struct conf_entry *e, char **err)
{
	struct namelist items = { 0 };
	int r = 0;

	list_split(&items, e->value);
	namelist_free(list);
	for (size_t i = 0; i < items.n && !r; i++) {
		char id[16];
		const char *why = canon(items.v[i], id);

		if (why)
			r = fail(err, c->path, e->line, "%s '%s': %s", e->key, items.v[i], why);
		else if (namelist_has(list, id))
			r = fail(err, c->path, e->line, "%s lists %s twice", e->key, id);
		else
			namelist_push(list, id);
	}
	namelist_free(&items);
	return r;
}

/* Apply one declaration's keys on top of what @g holds. */
static int apply(struct guest *g, const struct conf *c, char **err)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct conf_entry *e = &c->v[i];
		const char *k = e->key, *v = e->value;

		if (streq(k, "kernel")) {
			if (streq(v, "own")) {
				g->kernel = GUEST_KERNEL_OWN;
			} else if (streq(v, "host")) {
				g->kernel = GUEST_KERNEL_HOST;
			} else if (v[0] == '/') {
				g->kernel = GUEST_KERNEL_FILE;
				set_str(&g->kernel_path, v);
			} else {
				return fail(err, c->path, e->line, "kernel '%s' is none of own, host or an "
					    "absolute path of a kernel image", v);
			}
		} else if (streq(k, "rootfs")) {
			set_str(&g->rootfs, v);
		} else if (streq(k, "image_formats")) {
			list_split(&g->formats, v);
			g->formats_declared = true;
			if (!g->formats.n)
				return fail(err, c->path, e->line, "image_formats is empty; give at "
					    "least one format (the first is staged)");
		} else if (streq(k, "memory")) {
			unsigned long m = strtoul(v, NULL, 10);

			if (m < GUEST_MEMORY_MIN || m > GUEST_MEMORY_MAX)
				return fail(err, c->path, e->line, "memory = %s MiB is outside what a guest "
					    "can be given (%u to %u MiB: Linux needs %u, QEMU's x86 and arm64 "
					    "boards address at most %u)", v, GUEST_MEMORY_MIN, GUEST_MEMORY_MAX,
					    GUEST_MEMORY_MIN, GUEST_MEMORY_MAX);
			g->memory = (unsigned)m;
		} else if (streq(k, "vcpus")) {
			unsigned long n = strtoul(v, NULL, 10);

			if (n > GUEST_VCPUS_MAX)
				return fail(err, c->path, e->line, "vcpus = %s is more than a guest can be "
					    "given (%u, QEMU's q35 and virt machines' limit)", v, GUEST_VCPUS_MAX);
			g->vcpus = (unsigned)n;
		} else if (streq(k, "disks")) {
			if (apply_disks(g, c, e, err) < 0)
				return -EINVAL;
		} else if (streq(k, "display")) {
			if (devspec_display(v, &g->display) < 0)
				return fail(err, c->path, e->line, "display '%s' is none of none, vga", v);
		} else if (streq(k, "pci")) {
			if (apply_ids(&g->pci, canon_pci, c, e, err) < 0)
				return -EINVAL;
		} else if (streq(k, "usb")) {
			if (apply_ids(&g->usb, canon_usb, c, e, err) < 0)
				return -EINVAL;
		} else if (streq(k, "network")) {
			if (streq(v, "user"))
				g->network = GUEST_NET_USER;
			else if (streq(v, "bridge"))
				g->network = GUEST_NET_BRIDGE;
			else if (streq(v, "none"))
				g->network = GUEST_NET_NONE;
			else
				return fail(err, c->path, e->line, "network '%s' is none of user, "
					    "bridge, none", v);
		} else if (streq(k, "xen_type")) {
			if (streq(v, "pvh"))
				g->xen_type = GUEST_XEN_PVH;
			else if (streq(v, "pv"))
				g->xen_type = GUEST_XEN_PV;
			else
				return fail(err, c->path, e->line, "xen_type '%s' is neither pvh nor pv "
					    "(xl's guest types this Xen host runs; HVM needs a device "
					    "model dom0 does not carry)", v);
			set_str(&g->xen_type_file, c->path);
			g->xen_type_line = e->line;
		} else if (streq(k, "machine")) {
			if (streq(v, "auto"))
				g->machine = GUEST_MACHINE_AUTO;
			else if (streq(v, "q35"))
				g->machine = GUEST_MACHINE_Q35;
			else if (streq(v, "microvm"))
				g->machine = GUEST_MACHINE_MICROVM;
			else
				return fail(err, c->path, e->line, "machine '%s' is none of auto, q35, "
					    "microvm (auto: microvm when the guest needs no PCI device "
					    "and its kernel has virtio-mmio, else q35)", v);
			set_str(&g->machine_file, c->path);
			g->machine_line = e->line;
		} else if (streq(k, "cmdline")) {
			const char *why = cmdline_problem(v);

			if (why)
				return fail(err, c->path, e->line, "cmdline: %s; it is passed to the "
					    "target as the kernel command line", why);
			set_str(&g->cmdline, v);
		} else if (streq(k, "hostname")) {
			const char *why = hostname_problem(v);

			if (why)
				return fail(err, c->path, e->line, "hostname '%s' is not a host name: %s "
					    "(RFC 1123)", v, why);
			set_str(&g->hostname, v);
		} else if (streq(k, "features")) {
			list_split(&g->features, v);
		} else if (streq(k, "autostart")) {
			g->autostart = truthy(v);
		} else if (streq(k, "autostart_order")) {
			g->autostart_order = (unsigned)strtoul(v, NULL, 10);
		} else if (streq(k, "install_name")) {
			const char *why = guest_name_problem(v);

			if (why)
				return fail(err, c->path, e->line, "install_name '%s': %s (it is a file "
					    "name in /var/lib/kvm/images/%s/)", v, why + 2, g->name);
			set_str(&g->install_name, v);
		} else if (streq(k, "carries")) {
			list_split(&g->carries, v);
			for (size_t j = 0; j < g->carries.n; j++) {
				const char *why = guest_name_problem(g->carries.v[j]);

				if (why)
					return fail(err, c->path, e->line, "carries '%s': %s",
						    g->carries.v[j], why);
				for (size_t m = 0; m < j; m++)
					if (streq(g->carries.v[m], g->carries.v[j]))
						return fail(err, c->path, e->line, "carries lists '%s' "
							    "twice", g->carries.v[j]);
			}
		} else if (streq(k, "shares")) {
			char *why = shares_parse(v, SHARE_DECLARATION, &g->shares);

			if (why) {
				int r = fail(err, c->path, e->line, "%s", why);

				free(why);
				return r;
			}
		} else if (streq(k, "entropy")) {
			g->entropy = truthy(v);
		}
		/* description and extends: read by the caller. */
	}
	return 0;
}

/* Read @name's declaration chain (itself, what it extends, ...), base first
 * into @g. @depth guards against cycles. */
static int load_chain(struct guest_set *s, struct guest *g, const char *name, unsigned depth,
		      const char *from, unsigned from_line, char **err)
{
	const struct conf_schema *schema = conf_schema_lookup("guest");
	struct conf c = { 0 };
	char *path = find_conf(s, name);
	const char *base;
	int r;

	if (!path) {
		if (from)
			return fail(err, from, from_line, "extends '%s', but there is no guests/%s.conf "
				    "in the guest directories", name, name);
		return 0; /* a guest without a declaration: all defaults */
	}
	for (size_t i = 0; i < g->nchain; i++)
		if (streq(g->chain[i], path)) {
			r = fail(err, from, from_line, "extends '%s', which extends back to this "
				 "declaration (a cycle); remove one 'extends'", name);
			free(path);
			return r;
		}
	if (depth > MAX_EXTENDS) {
		free(path);
		return fail(err, from, from_line, "more than %d levels of 'extends'", MAX_EXTENDS);
	}
	*VEC_APPEND(g->chain, g->nchain) = path;
	r = conf_parse_file(path, schema, &c, err);
	if (r < 0)
		return r;
	base = conf_get(&c, "extends");
	if (base) {
		const struct conf_entry *e = conf_find(&c, "extends");
		const char *why = guest_name_problem(base);

		if (why)
			r = fail(err, path, e->line, "extends '%s': %s", base, why);
		else
			r = load_chain(s, g, base, depth + 1, path, e->line, err);
	}
	if (r == 0)
		r = apply(g, &c, err);
	conf_free(&c);
	return r;
}

static void add(struct guest_set *s, struct guest *g)
{
	*VEC_APPEND(s->v, s->n) = g;
}

struct guest *guest_get(struct guest_set *s, const char *name, char **err)
{
	struct guest *g = find(s, name);
	const char *why;

	if (g)
		return g;
	why = guest_name_problem(name);
	if (why) {
		*err = xasprintf("guest '%s': %s", name, why);
		return NULL;
	}
	g = new_guest(name);
	if (load_chain(s, g, name, 0, NULL, 0, err) < 0) {
		free_guest(g);
		return NULL;
	}
	if (g->nchain) {
		const char *slash;

		g->conf = xstrdup(g->chain[0]);
		slash = strrchr(g->conf, '/');
		g->dir = slash ? xstrndup(g->conf, (size_t)(slash - g->conf)) : xstrdup(".");
	} else {
		g->dir = xstrdup(".");
	}
	add(s, g);
	return g;
}

struct guest *guest_add_external(struct guest_set *s, const char *name, const char *kernel,
				 const char *image, char **err)
{
	const char *why = guest_name_problem(name);
	struct guest *g;

	if (why) {
		*err = xasprintf("external guest '%s': %s", name, why);
		return NULL;
	}
	if (find(s, name)) {
		*err = xasprintf("external guest '%s': a guest of that name exists already; "
				 "give the external one another name", name);
		return NULL;
	}
	g = new_guest(name);
	g->dir = xstrdup(".");
	g->kernel = GUEST_KERNEL_FILE;
	g->kernel_path = xstrdup(kernel);
	g->image_path = xstrdup(image);
	add(s, g);
	return g;
}

/* Depth-first over carries; @path holds the guests on the way down. */
static int visit(struct guest_set *s, struct guest *g, struct namelist *path,
		 struct namelist *order, struct namelist *carried_by, char **err)
{
	if (namelist_has(path, g->name)) {
		char *cycle = xstrdup("");

		for (size_t i = 0; i < path->n; i++)
			strappendf(&cycle, "%s carries ", path->v[i]);
		strappendf(&cycle, "%s", g->name);
		*err = xasprintf("%s: nesting cycle: %s; a guest cannot carry itself", g->conf ?
				 g->conf : g->name, cycle);
		free(cycle);
		return -1;
	}
	if (namelist_has(order, g->name))
		return 0;
	namelist_push(path, g->name);
	for (size_t i = 0; i < g->carries.n; i++) {
		const char *kid = g->carries.v[i];
		struct guest *k = guest_get(s, kid, err);

		if (!k)
			return -1;
		/* carried_by holds "kid carrier" pairs, one entry each. */
		for (size_t j = 0; j + 1 < carried_by->n; j += 2)
			if (streq(carried_by->v[j], kid) && !streq(carried_by->v[j + 1], g->name)) {
				*err = xasprintf("%s: guest '%s' is carried by both '%s' and '%s'; a "
						 "guest lives in one image: keep one of them", g->conf ?
						 g->conf : g->name, kid, carried_by->v[j + 1], g->name);
				return -1;
			}
		namelist_push(carried_by, kid);
		namelist_push(carried_by, g->name);
		if (visit(s, k, path, order, carried_by, err) < 0)
			return -1;
	}
	free(path->v[--path->n]);
	namelist_push(order, g->name);
	return 0;
}

const char *guest_carrier_of(const struct guest_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (namelist_has(&s->v[i]->carries, name))
			return s->v[i]->name;
	return NULL;
}

int guest_resolve(struct guest_set *s, const char *const *roots, size_t nroots,
		  struct namelist *order, char **err)
{
	struct namelist path = { 0 }, carried_by = { 0 };
	int r = 0;

	for (size_t i = 0; i < nroots && r == 0; i++) {
		struct guest *g;

		for (size_t j = 0; j < i; j++)
			if (streq(roots[i], roots[j])) {
				*err = xasprintf("guest '%s' is listed twice", roots[i]);
				r = -1;
			}
		if (r == 0 && !(g = guest_get(s, roots[i], err)))
			r = -1;
		if (r == 0)
			r = visit(s, g, &path, order, &carried_by, err);
	}
	/* A listed guest that another one carries would be staged twice. */
	for (size_t i = 0; i < nroots && r == 0; i++) {
		const char *by = guest_carrier_of(s, roots[i]);

		if (by) {
			*err = xasprintf("guest '%s' is carried by '%s' and also listed beside it; "
					 "list only '%s' (it brings '%s' along)", roots[i], by, by,
					 roots[i]);
			r = -1;
		}
	}
	namelist_free(&path);
	namelist_free(&carried_by);
	return r;
}
