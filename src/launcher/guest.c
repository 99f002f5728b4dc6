/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest.h"
#include "decl/conf.h"
#include "shared/input.h"
#include "shared/strlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The launch configuration's keys (doc/pipeline.md, "On the target"). Kept
 * here, not in conf-schemas.c: only the launcher reads these files. hostname
 * and description are accepted so a stager may record them. */
static const struct conf_key launch_keys[] = {
	{ "name", CONF_STRING },      { "description", CONF_STRING }, { "hostname", CONF_STRING },
	{ "kernel", CONF_STRING },    { "initrd", CONF_STRING },      { "disks", CONF_LIST },
	{ "memory", CONF_UINT },      { "vcpus", CONF_UINT },         { "network", CONF_STRING },
	{ "cmdline", CONF_STRING },   { "machine", CONF_STRING },     { "accel", CONF_STRING },
	{ "autostart", CONF_BOOL },   { "autostart_order", CONF_UINT },
	{ "entropy", CONF_BOOL },     { "shares", CONF_LIST },
	{ "host_disks", CONF_LIST },  { "display", CONF_STRING },     { "pci", CONF_LIST },
	{ "usb", CONF_LIST },
};
static const struct conf_schema launch_schema = { "launch", launch_keys, ARRAY_SIZE(launch_keys) };

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static unsigned uint_or(const struct conf *c, const char *key, unsigned dflt)
{
	const char *v = conf_get(c, key);

	return v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

_printf_format_(4, 5) static int bad(char **err, const struct conf *c, const char *key,
				     const char *fmt, ...)
{
	const struct conf_entry *e = conf_find(c, key);
	va_list ap;

	va_start(ap, fmt);
	*err = where_vmsg(c->path, e ? e->line : 0, fmt, ap);
	va_end(ap);
	return -1;
}

static void split_disks(struct launch_guest *g, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		strlist_push(&g->disks, &g->ndisks, w);
	}
	free(copy);
}

/* The blank-separated words of @list, each checked by @one; the first bad
 * one is the error. */
static int each_word(const struct conf *c, const char *key, struct launch_guest *g,
		     int (*one)(struct launch_guest *g, const char *w, const char **why), char **err)
{
	const char *list = conf_get(c, key), *why = NULL;
	char *copy, *save = NULL;
	int r = 0;

	if (!list)
		return 0;
	copy = xstrdup(list);
	for (char *w = strtok_r(copy, " \t", &save); w && !r; w = strtok_r(NULL, " \t", &save))
		if (one(g, w, &why) < 0)
			r = bad(err, c, key, "%s '%s': %s", key, w, why);
	free(copy);
	return r;
}

static int add_host_disk(struct launch_guest *g, const char *w, const char **why)
{
	char *path;
	bool ro;

	*why = devspec_host_disk(w, &path, &ro);
	if (*why)
		return -1;
	g->host_disk_ro = xrealloc(g->host_disk_ro, (g->nhost_disks + 1) * sizeof(*g->host_disk_ro));
	g->host_disk_ro[g->nhost_disks] = ro;
	strlist_push(&g->host_disks, &g->nhost_disks, path);
	free(path);
	return 0;
}

static int add_pci(struct launch_guest *g, const char *w, const char **why)
{
	char addr[13];

	*why = devspec_pci(w, addr);
	if (*why)
		return -1;
	strlist_push(&g->pci, &g->npci, addr);
	return 0;
}

static int add_usb(struct launch_guest *g, const char *w, const char **why)
{
	unsigned v, p;

	*why = devspec_usb(w, &v, &p);
	if (*why)
		return -1;
	g->usb = xrealloc(g->usb, (g->nusb + 1) * sizeof(*g->usb));
	g->usb[g->nusb][0] = v;
	g->usb[g->nusb++][1] = p;
	return 0;
}

bool launch_guest_on_mmio(const struct launch_guest *g)
{
	return streq(g->machine, "microvm") || startswith(g->machine, "microvm,");
}

/* microvm has no PCI bus and GUEST_MICROVM_SLOTS virtio-mmio slots: a
 * configuration that asks for more there is refused before QEMU would be,
 * with the line to change. */
static int check_machine_devices(const struct conf *c, const struct launch_guest *g, char **err)
{
	const char *need = g->display != DISPLAY_NONE ? "display = vga" : g->npci ? "pci" : g->nusb ? "usb" : NULL;
	size_t virtio = g->ndisks + g->nhost_disks + (g->network != GUEST_NET_NONE) + g->shares.n + g->entropy;

	if (!launch_guest_on_mmio(g))
		return 0;
	if (need)
		return bad(err, c, "machine", "machine '%s' has no PCI bus, which %s needs; use machine = q35 "
			   "for this guest", g->machine, need);
	if (virtio > GUEST_MICROVM_SLOTS)
		return bad(err, c, "machine", "machine '%s' has %u virtio-mmio slots, and this guest has %zu "
			   "virtio devices (disks, NIC, shares, entropy); use machine = q35 for it",
			   g->machine, GUEST_MICROVM_SLOTS, virtio);
	return 0;
}

static int fill_guest(const struct conf *c, const char *path, struct launch_guest *g, char **err)
{
	const char *name = conf_get(c, "name"), *base = strrchr(path, '/');
	const char *net = conf_get(c, "network"), *accel = conf_get(c, "accel");
	const char *v;

	base = base ? base + 1 : path;
	if (!name)
		return bad(err, c, "name", "%s", "no 'name': add 'name = NAME' (the file name without .conf)");
	if (!valid_object_name(name) || strlen(base) != strlen(name) + 5 ||
	    strncmp(base, name, strlen(name)) || !streq(base + strlen(name), ".conf"))
		return bad(err, c, "name", "name '%s' must be a plain name and match the file name NAME.conf",
			   name);
	if (!conf_get(c, "kernel"))
		return bad(err, c, "kernel", "%s", "no 'kernel': add 'kernel = /path/to/bzImage'");
	if (net && !streq(net, "user") && !streq(net, "bridge") && !streq(net, "none"))
		return bad(err, c, "network", "network '%s' is not one of user, bridge, none", net);
	if (accel && !streq(accel, "auto") && !streq(accel, "kvm") && !streq(accel, "tcg"))
		return bad(err, c, "accel", "accel '%s' is not one of auto, kvm, tcg", accel);

	g->name = xstrdup(name);
	g->conf_path = xstrdup(path);
	g->kernel = xstrdup(conf_get(c, "kernel"));
	g->initrd = dup_or_null(conf_get(c, "initrd"));
	g->cmdline = dup_or_null(conf_get(c, "cmdline"));
	g->machine = xstrdup((v = conf_get(c, "machine")) ? v : GUEST_DEFAULT_MACHINE);
	g->accel = xstrdup(accel ? accel : "auto");
	g->memory = uint_or(c, "memory", GUEST_DEFAULT_MEMORY);
	g->vcpus = uint_or(c, "vcpus", GUEST_DEFAULT_VCPUS);
	g->autostart_order = uint_or(c, "autostart_order", GUEST_DEFAULT_ORDER);
	v = conf_get(c, "autostart");
	g->autostart = v && (streq(v, "yes") || streq(v, "true") || streq(v, "1"));
	g->network = !net || streq(net, "user") ? GUEST_NET_USER
		   : streq(net, "bridge")      ? GUEST_NET_BRIDGE
					       : GUEST_NET_NONE;
	if ((v = conf_get(c, "disks")))
		split_disks(g, v);
	v = conf_get(c, "entropy");
	g->entropy = !v || streq(v, "yes") || streq(v, "true") || streq(v, "1");
	if ((v = conf_get(c, "shares"))) {
		char *why = shares_parse(v, SHARE_LAUNCH, &g->shares);

		if (why) {
			bad(err, c, "shares", "%s", why);
			free(why);
			return -1;
		}
	}
	if ((v = conf_get(c, "display")) && devspec_display(v, &g->display) < 0)
		return bad(err, c, "display", "display '%s' is not one of none, vga", v);
	if (each_word(c, "host_disks", g, add_host_disk, err) < 0 || each_word(c, "pci", g, add_pci, err) < 0 ||
	    each_word(c, "usb", g, add_usb, err) < 0)
		return -1;
	return check_machine_devices(c, g, err);
}

int launch_guest_load(const char *path, struct launch_guest *g, char **err)
{
	struct conf c;
	int r;

	memset(g, 0, sizeof(*g));
	if (conf_parse_file(path, &launch_schema, &c, err) < 0)
		return -1;
	r = fill_guest(&c, path, g, err);
	conf_free(&c);
	if (r < 0)
		launch_guest_free(g);
	return r;
}

static int is_conf_file(const struct dirent *d)
{
	return d->d_name[0] != '.' && endswith(d->d_name, ".conf");
}

int launch_guests_load_dir(const char *dir, struct launch_guest **out, size_t *n, char **err)
{
	struct dirent **names = NULL;
	int count = scandir(dir, &names, is_conf_file, alphasort), bad = 0;

	*out = NULL;
	*n = 0;
	if (count < 0) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("%s: cannot list the guest configurations: %s", dir, strerror(errno));
		return -1;
	}
	*out = xcalloc(count ? (size_t)count : 1, sizeof(**out));
	for (int i = 0; i < count; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name), *why = NULL;

		if (launch_guest_load(path, &(*out)[*n], &why) == 0) {
			(*n)++;
		} else {
			strappendf(err, "%s%s", bad ? "\n" : "", why);
			free(why);
			bad++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return bad;
}

/* Read the first @len bytes at @off; short files compare as zeroes. */
static int read_at(int fd, off_t off, void *buf, size_t len)
{
	ssize_t got = pread(fd, buf, len, off);

	if (got < 0)
		return -1;
	memset((char *)buf + got, 0, len - (size_t)got);
	return 0;
}

/* bzImage ("HdrS" at 0x202), ELF vmlinux, or arm64 Image ("ARM\x64" at 56). */
static bool looks_like_kernel(int fd)
{
	char hdrs[4], elf[4], arm[4];

	if (read_at(fd, 0x202, hdrs, 4) || read_at(fd, 0, elf, 4) || read_at(fd, 56, arm, 4))
		return false;
	return !memcmp(hdrs, "HdrS", 4) || !memcmp(elf, "\177ELF", 4) || !memcmp(arm, "ARM\x64", 4);
}

static int open_file(const char *path, const char *what, const struct launch_guest *g, int *fd, char **err)
{
	struct stat st;

	/* Look first: a FIFO or character device there must not block us. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		*fd = -1;
		*err = xasprintf("%s: guest %s's %s '%s' is %s, not a file", g->conf_path, g->name, what,
				 path, file_kind(st.st_mode));
		return -1;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0 || fstat(*fd, &st) < 0) {
		*err = xasprintf("%s: guest %s's %s '%s' cannot be read: %s (restage the guest or fix the path)",
				 g->conf_path, g->name, what, path, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		*err = xasprintf("%s: guest %s's %s '%s' is not a file", g->conf_path, g->name, what, path);
		close(*fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		*err = xasprintf("%s: guest %s's %s '%s' is empty (restage the guest)", g->conf_path, g->name,
				 what, path);
		close(*fd);
		return -1;
	}
	return 0;
}

int launch_guest_check_files(struct launch_guest *g, char **err)
{
	int fd;
	bool kernel_ok;

	if (open_file(g->kernel, "kernel", g, &fd, err) < 0)
		return -1;
	kernel_ok = looks_like_kernel(fd);
	close(fd);
	if (!kernel_ok) {
		*err = xasprintf("%s: guest %s's kernel '%s' is not a bzImage, Image or ELF kernel (corrupt? restage the guest)",
				 g->conf_path, g->name, g->kernel);
		return -1;
	}
	if (g->initrd) {
		if (open_file(g->initrd, "initrd", g, &fd, err) < 0)
			return -1;
		close(fd);
	}
	free(g->disk_formats);
	g->disk_formats = xcalloc(g->ndisks ? g->ndisks : 1, sizeof(*g->disk_formats));
	for (size_t i = 0; i < g->ndisks; i++) {
		char magic[4];
		int r;

		if (open_file(g->disks[i], "disk", g, &fd, err) < 0)
			return -1;
		r = read_at(fd, 0, magic, 4);
		close(fd);
		if (r < 0) {
			*err = xasprintf("%s: cannot read: %s", g->disks[i], strerror(errno));
			return -1;
		}
		g->disk_formats[i] = memcmp(magic, "QFI\xfb", 4) ? DISK_RAW : DISK_QCOW2;
	}
	return 0;
}

int launch_guest_check_shares(const struct launch_guest *g, char **err)
{
	for (size_t i = 0; i < g->shares.n; i++) {
		const struct share *s = &g->shares.v[i];
		struct stat st;

		if (stat(s->path, &st) < 0) {
			*err = xasprintf("%s: guest %s's share '%s': host directory '%s' %s; create it "
					 "(mkdir -p %s) or change the guest's shares", g->conf_path,
					 g->name, s->tag, s->path, errno == ENOENT ? "does not exist" :
					 strerror(errno), s->path);
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			*err = xasprintf("%s: guest %s's share '%s': host path '%s' is %s, not a "
					 "directory; a share is a directory", g->conf_path, g->name,
					 s->tag, s->path, file_kind(st.st_mode));
			return -1;
		}
		if (access(s->path, s->readonly ? R_OK | X_OK : R_OK | W_OK | X_OK) < 0) {
			*err = xasprintf("%s: guest %s's share '%s': host directory '%s' is not %s "
					 "for the launcher: %s", g->conf_path, g->name, s->tag, s->path,
					 s->readonly ? "readable" : "readable and writable",
					 strerror(errno));
			return -1;
		}
	}
	return 0;
}

const char *launch_guest_cmdline(const struct launch_guest *g)
{
	if (g->cmdline)
		return g->cmdline;
	/* As the stager writes it: a guest with a screen prints there too. */
	if (g->display != DISPLAY_NONE)
		/* A screen is read by a person: the whole log, no loglevel. */
		return g->ndisks ? "console=tty0 console=ttyS0 root=/dev/vda rw panic=-1"
				 : "console=tty0 console=ttyS0 panic=-1";
	return g->ndisks ? "console=ttyS0 root=/dev/vda rw " GUEST_BOOT_QUIET "panic=-1"
			 : "console=ttyS0 " GUEST_BOOT_QUIET "panic=-1";
}

int launch_guest_cmp_autostart(const void *a, const void *b)
{
	const struct launch_guest *x = a, *y = b;

	if (x->autostart_order != y->autostart_order)
		return x->autostart_order < y->autostart_order ? -1 : 1;
	return strcmp(x->name, y->name);
}

void launch_guest_free(struct launch_guest *g)
{
	free(g->name);
	free(g->conf_path);
	free(g->kernel);
	free(g->initrd);
	free(g->cmdline);
	free(g->machine);
	free(g->accel);
	strlist_free(g->disks, g->ndisks);
	free(g->disk_formats);
	strlist_free(g->host_disks, g->nhost_disks);
	free(g->host_disk_ro);
	strlist_free(g->pci, g->npci);
	free(g->usb);
	shares_free(&g->shares);
	memset(g, 0, sizeof(*g));
}

void launch_guests_free(struct launch_guest *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		launch_guest_free(&v[i]);
	free(v);
}
