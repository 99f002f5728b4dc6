/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hostdev.h"
#include "shared/input.h"
#include "shared/vec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const struct hostdev_env hostdev_default_env = {
	.sysfs = "/sys",
	.mountinfo = "/proc/self/mountinfo",
	.swaps = "/proc/swaps",
	.dev_vfio = "/dev/vfio",
	.dev_input = "/dev/input",
};

/* A small text file of the kernel's (sysfs, /proc), at most @max bytes, NUL
 * terminated, its trailing newline dropped. NULL when it cannot be read. */
static char *read_small(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t len = 0;
	ssize_t got;

	if (fd < 0)
		return NULL;
	buf = xmalloc(max + 1);
	while (len < max && (got = read(fd, buf + len, max - len)) > 0)
		len += (size_t)got;
	close(fd);
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return buf;
}

static char *read_at(const char *dir, const char *name, size_t max)
{
	char *p = xasprintf("%s/%s", dir, name), *v = read_small(p, max);

	free(p);
	return v;
}

/* The device numbers of @dev and its partitions (sysfs lists a disk's
 * partitions as its subdirectories with a "partition" file). */
static size_t disk_and_partitions(const struct hostdev_env *env, dev_t dev, dev_t **out)
{
	char *dir = xasprintf("%s/dev/block/%u:%u", env->sysfs, major(dev), minor(dev));
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 1;

	*out = xmalloc(sizeof(**out));
	(*out)[0] = dev;
	while (d && (e = readdir(d))) {
		char *sub, *part, *num;
		unsigned ma, mi;

		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		part = read_at(sub, "partition", 32);
		num = part ? read_at(sub, "dev", 32) : NULL;
		if (num && sscanf(num, "%u:%u", &ma, &mi) == 2) {
			*VEC_APPEND(*out, n) = makedev(ma, mi);
		}
		free(part);
		free(num);
		free(sub);
	}
	if (d)
		closedir(d);
	free(dir);
	return n;
}

static bool in_set(const dev_t *v, size_t n, dev_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Where one of @devs is mounted ("/ (254:0)"), from mountinfo's third field
 * (MAJ:MIN) and fifth (the mount point), or NULL. */
static char *mounted_at(const struct hostdev_env *env, const dev_t *devs, size_t n)
{
	char *text = read_small(env->mountinfo, 1 << 20), *save = NULL, *found = NULL;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned ma, mi;
		char point[4096];

		if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &ma, &mi, point) == 3 &&
		    in_set(devs, n, makedev(ma, mi)))
			found = xasprintf("%s (device %u:%u)", point, ma, mi);
	}
	free(text);
	return found;
}

/* The swap area on one of @devs, from /proc/swaps' first column, or NULL. */
static char *swapped_on(const struct hostdev_env *env, const dev_t *devs, size_t n)
{
	char *text = read_small(env->swaps, 1 << 16), *save = NULL, *found = NULL;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[4096];
		struct stat st;

		if (sscanf(line, "%4095s", name) == 1 && name[0] == '/' && stat(name, &st) == 0 &&
		    S_ISBLK(st.st_mode) && in_set(devs, n, st.st_rdev))
			found = xstrdup(name);
	}
	free(text);
	return found;
}

/* The first holder of @dev (device mapper, md, bcache), or NULL. */
static char *held_by(const struct hostdev_env *env, dev_t dev)
{
	char *dir = xasprintf("%s/dev/block/%u:%u/holders", env->sysfs, major(dev), minor(dev));
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	while (d && !found && (e = readdir(d)))
		if (e->d_name[0] != '.')
			found = xstrdup(e->d_name);
	if (d)
		closedir(d);
	free(dir);
	return found;
}

int hostdev_check_disk(const struct hostdev_env *env, const char *path, char **why)
{
	struct stat st;
	dev_t *devs;
	size_t n;
	char *use;

	if (stat(path, &st) < 0) {
		*why = errno == ENOENT
			       ? xasprintf("host disk '%s' does not exist on this host (ls -l /dev/disk/by-id "
					   "shows the stable names)", path)
			       : xasprintf("host disk '%s' cannot be looked at: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		*why = xasprintf("host disk '%s' is %s, not a block device (a disk image to stage is "
				 "listed without /dev/)", path, file_kind(st.st_mode));
		return -1;
	}
	n = disk_and_partitions(env, st.st_rdev, &devs);
	if ((use = mounted_at(env, devs, n))) {
		*why = xasprintf("host disk '%s' is mounted on this host at %s: a guest must not write a "
				 "file system the host has mounted; unmount it first", path, use);
	} else if ((use = swapped_on(env, devs, n))) {
		*why = xasprintf("host disk '%s' is in use as swap (%s); swapoff it first", path, use);
	} else {
		for (size_t i = 0; i < n && !use; i++)
			use = held_by(env, devs[i]);
		if (use)
			*why = xasprintf("host disk '%s' is held by %s (LVM, dm-crypt or md): release it "
					 "first", path, use);
	}
	free(devs);
	if (use) {
		free(use);
		return -1;
	}
	return 0;
}

/* The name of the driver bound to @devdir, or NULL. */
static char *driver_of(const char *devdir)
{
	char *link = xasprintf("%s/driver", devdir), target[4096];
	ssize_t len = readlink(link, target, sizeof(target) - 1);

	free(link);
	if (len <= 0)
		return NULL;
	target[len] = '\0';
	return xstrdup(strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
}

static int write_sysfs(const char *path, const char *value, char **why)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t w;

	if (fd < 0) {
		*why = xasprintf("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	w = write(fd, value, strlen(value));
	e = errno;
	close(fd);
	if (w != (ssize_t)strlen(value)) {
		*why = xasprintf("%s: writing '%s' failed: %s", path, value, w < 0 ? strerror(e) : "short write");
		return -1;
	}
	return 0;
}

/* Every other device of @addr's IOMMU group must be free for the guest:
 * bound to vfio-pci or to nothing, or a bridge (class 0x0604), which
 * stays with the host. */
static int group_free(const char *groupdir, const char *group, const char *addr, char **why)
{
	char *devs = xasprintf("%s/devices", groupdir);
	DIR *d = opendir(devs);
	struct dirent *e;
	int r = 0;

	while (d && !r && (e = readdir(d))) {
		char *dir, *drv, *cls;

		if (e->d_name[0] == '.' || streq(e->d_name, addr))
			continue;
		dir = xasprintf("%s/%s", devs, e->d_name);
		drv = driver_of(dir);
		cls = read_at(dir, "class", 32);
		if (drv && !streq(drv, "vfio-pci") && !(cls && startswith(cls, "0x0604"))) {
			*why = xasprintf("PCI device %s shares IOMMU group %s with %s (driver %s): give "
					 "the guest every device of the group, or unbind %s first",
					 addr, group, e->d_name, drv, e->d_name);
			r = -1;
		}
		free(dir);
		free(drv);
		free(cls);
	}
	if (d)
		closedir(d);
	free(devs);
	return r;
}

int hostdev_prepare_pci(const struct hostdev_env *env, const char *addr, char **why)
{
	char *dir = xasprintf("%s/bus/pci/devices/%s", env->sysfs, addr);
	char *glink = xasprintf("%s/iommu_group", dir), gtarget[4096], *group, *groupdir = NULL;
	char *vfio_drv = xasprintf("%s/bus/pci/drivers/vfio-pci", env->sysfs), *drv = NULL, *p;
	ssize_t len;
	struct stat st;
	int r = -1;

	if (stat(dir, &st) < 0) {
		*why = xasprintf("there is no PCI device %s on this host (lspci -D lists them)", addr);
		goto out;
	}
	len = readlink(glink, gtarget, sizeof(gtarget) - 1);
	if (len <= 0) {
		*why = xasprintf("PCI device %s has no IOMMU group: the host's IOMMU is off or absent; "
				 "enable VT-d or AMD-Vi in the firmware and boot the host with "
				 "intel_iommu=on (or amd_iommu=on)", addr);
		goto out;
	}
	gtarget[len] = '\0';
	group = strrchr(gtarget, '/') ? strrchr(gtarget, '/') + 1 : gtarget;
	groupdir = xasprintf("%s/kernel/iommu_groups/%s", env->sysfs, group);
	if (group_free(groupdir, group, addr, why) < 0)
		goto out;
	if (stat(vfio_drv, &st) < 0) {
		*why = xasprintf("PCI device %s: the host kernel has no vfio-pci driver (%s is missing: "
				 "CONFIG_VFIO_PCI, or modprobe vfio-pci)", addr, vfio_drv);
		goto out;
	}
	drv = driver_of(dir);
	if (!drv || !streq(drv, "vfio-pci")) {
		/* driver_override makes the next probe choose vfio-pci, and only
		 * for this device; the old driver lets go of it first. */
		p = xasprintf("%s/driver_override", dir);
		r = write_sysfs(p, "vfio-pci", why);
		free(p);
		if (r == 0 && drv) {
			p = xasprintf("%s/driver/unbind", dir);
			r = write_sysfs(p, addr, why);
			free(p);
		}
		if (r == 0) {
			p = xasprintf("%s/bus/pci/drivers_probe", env->sysfs);
			r = write_sysfs(p, addr, why);
			free(p);
		}
		if (r < 0)
			goto out;
		r = -1;
		free(drv);
		drv = driver_of(dir);
		if (!drv || !streq(drv, "vfio-pci")) {
			*why = xasprintf("PCI device %s did not bind to vfio-pci (now: %s); see dmesg",
					 addr, drv ? drv : "no driver");
			goto out;
		}
	}
	p = xasprintf("%s/%s", env->dev_vfio, group);
	if (stat(p, &st) < 0) {
		*why = xasprintf("PCI device %s is bound to vfio-pci but %s is missing (is devtmpfs "
				 "mounted on /dev?)", addr, p);
		free(p);
		goto out;
	}
	free(p);
	r = 0;
out:
	free(dir);
	free(glink);
	free(groupdir);
	free(vfio_drv);
	free(drv);
	return r;
}

static bool hex_file_is(const char *dir, const char *name, unsigned want)
{
	char *v = read_at(dir, name, 16);
	bool ok = v && strtoul(v, NULL, 16) == want;

	free(v);
	return ok;
}

int hostdev_find_usb(const struct hostdev_env *env, unsigned vendor, unsigned product, char **why)
{
	char *base = xasprintf("%s/bus/usb/devices", env->sysfs);
	DIR *d = opendir(base);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		char *dir;

		if (e->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", base, e->d_name);
		found = hex_file_is(dir, "idVendor", vendor) && hex_file_is(dir, "idProduct", product);
		free(dir);
	}
	if (d)
		closedir(d);
	free(base);
	if (found)
		return 0;
	*why = xasprintf("no USB device %04x:%04x is plugged into this host (lsusb lists them)", vendor,
			 product);
	return -1;
}

static int is_event(const struct dirent *e)
{
	return startswith(e->d_name, "event");
}

size_t hostdev_mice(const struct hostdev_env *env, char ***paths)
{
	struct dirent **names = NULL;
	int count = scandir(env->dev_input, &names, is_event, alphasort);
	size_t n = 0;

	*paths = NULL;
	for (int i = 0; i < count; i++) {
		/* capabilities/rel is a hex bitmap of relative axes: a mouse
		 * moves in X and Y (bits 0 and 1). */
		char *cap = xasprintf("%s/class/input/%s/device/capabilities", env->sysfs, names[i]->d_name);
		char *rel = read_at(cap, "rel", 64);

		if (rel && (strtoul(rel + (strrchr(rel, ' ') ? strrchr(rel, ' ') - rel + 1 : 0), NULL, 16) & 3) == 3) {
			*VEC_APPEND(*paths, n) = xasprintf("%s/%s", env->dev_input, names[i]->d_name);
		}
		free(rel);
		free(cap);
		free(names[i]);
	}
	free(names);
	return n;
}
