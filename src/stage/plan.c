/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deciding what a carrier receives: every source checked by its content,
 * every target named, before anything is written. */
#include "stage.h"
#include "probe/fileprobe.h"
#include "shared/input.h"
#include "image/image.h"
#include "image/tree.h"
#include "shared/fsutil.h"
#include "shared/target-paths.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

char *stage_image_path(const struct stage_opts *o, const char *name, const char *format)
{
	return xasprintf("%s/%s-%s.rootfs.%s", o->deploy, name, o->board, format);
}

static const char *images_dir(const struct stage_opts *o)
{
	return o->hv == HV_XEN ? TARGET_XEN_IMAGES : TARGET_KVM_IMAGES;
}

static int count_run(void *ctx, uint64_t off, uint64_t len)
{
	struct staged_file *f = ctx;

	(void)off;
	f->allocated += (len + TREE_BLOCK - 1) / TREE_BLOCK * TREE_BLOCK;
	f->regions++;
	return 0;
}

int staged_file_measure(const struct stage_opts *o, struct staged_file *f, char **err)
{
	struct probe_result pr;
	char *why = NULL;
	int fd = input_open(f->src, &f->st, &why);
	int r;

	if (fd < 0) {
		*err = xasprintf("%s (%s of the guest)", why, f->role);
		free(why);
		return -1;
	}
	f->size = (uint64_t)f->st.st_size;
	r = 0;
	if (!hash_cache_get(o->cache, &f->st, f->sha256, &f->allocated, &f->regions)) {
		/* The digest is made while the image is written (hashpool.h); the
		 * data runs are needed now (the manifest's allocated bytes, the
		 * image's size), and cost reading the data only. */
		memset(f->sha256, '0', SHA256_HEX_LEN);
		f->sha256[SHA256_HEX_LEN] = '\0';
		f->pending = true;
		f->allocated = 0;
		f->regions = 0;
		r = tree_data_runs(fd, f->size, count_run, f);
	}
	if (r == 0)
		r = probe_fd(fd, &pr);
	close(fd);
	if (r < 0) {
		*err = xasprintf(r == -ESTALE ? "'%s' changed while it was read; stage when nothing "
				 "writes to it" : "cannot read '%s': %s", f->src, strerror(-r));
		return -1;
	}
	snprintf(f->format, sizeof(f->format), "%s", pr.format);
	return 0;
}

bool staged_file_is_kernel(const struct staged_file *f)
{
	return streq(f->format, "bzImage") || streq(f->format, "Image") ||
	       streq(f->format, "vmlinux");
}

static struct staged_file *add_file(struct staged_guest *sg, const char *role, const char *src,
				    char *target)
{
	struct staged_file *f;
	char real[PATH_MAX];

	f = VEC_APPEND(sg->files, sg->nfiles);
	memset(f, 0, sizeof(*f));
	f->role = role;
	/* The image writer never follows links: hand it the file itself. */
	f->src = xstrdup(realpath(src, real) ? real : src);
	f->target = target;
	return f;
}

/* The kernel's release as its file says it (fileprobe), or NULL. */
static char *kernel_version_of(const char *path)
{
	struct probe_result pr;

	if (probe_file(path, &pr) < 0 || pr.cls != PROBE_KERNEL || !pr.version[0])
		return NULL;
	return xstrdup(pr.version);
}

static char *config_sha_of(const struct stage_opts *o, const char *kname)
{
	char hex[SHA256_HEX_LEN + 1];
	char *path = xasprintf("%s/config-%s", o->deploy, kname);
	int r = sha256_file(path, hex);

	free(path);
	return r < 0 ? NULL : xstrdup(hex);
}

/* Check a planned file by content: a kernel must be a kernel (for the
 * board's @arch, when not NULL), a root image an image. */
static int check_kind(const struct staged_file *f, const struct guest *g, enum probe_class want,
		      const char *arch, char **err)
{
	struct probe_result pr;

	int e = probe_file(f->src, &pr);

	if (e < 0) {
		char *why = input_problem(f->src, -e);

		*err = xasprintf("guest '%s': its %s: %s", g->name, f->role, why);
		free(why);
		return -1;
	}
	if (pr.cls == want && pr.problem[0]) {
		*err = xasprintf("guest '%s': its %s '%s' is a damaged %s: %s; rebuild or copy it again",
				 g->name, f->role, f->src, pr.description, pr.problem);
		return -1;
	}
	if (pr.cls == want && want == PROBE_KERNEL && arch && !probe_kernel_fits_arch(&pr, arch)) {
		*err = xasprintf("guest '%s': its kernel '%s' (%s) is not for this %s board; give %s",
				 g->name, f->src, pr.description, arch, probe_kernels_for_arch(arch));
		return -1;
	}
	if (pr.cls == want)
		return 0;
	*err = xasprintf("guest '%s': '%s' is not a %s (it holds %s); give %s", g->name, f->src,
			 want == PROBE_KERNEL ? "kernel image" : "root filesystem image",
			 pr.description, want == PROBE_KERNEL ?
			 "a bzImage, an arm64 Image or an ELF vmlinux" :
			 "an ext2/3/4, cpio(.gz) or qcow2 image");
	return -1;
}

static int plan_kernel(const struct stage_opts *o, struct staged_guest *sg, char **err)
{
	struct guest *g = sg->g;
	const char *kname = g->kernel == GUEST_KERNEL_HOST ? "host" : g->name;
	char *src = g->kernel == GUEST_KERNEL_FILE ? xstrdup(g->kernel_path) :
		    xasprintf("%s/%s-%s", o->deploy, o->kernel_image, kname);
	struct staged_file *f;
	struct probe_result pr;
	const char *file_name = o->kernel_image;

	/* Xen boots an ELF vmlinux far faster than a bzImage (mk/xen.mk
	 * deploys vmlinux-NAME beside bzImage-NAME for a Xen host). */
	if (o->hv == HV_XEN && g->kernel != GUEST_KERNEL_FILE) {
		char *elf = xasprintf("%s/vmlinux-%s", o->deploy, kname);

		if (access(elf, R_OK) == 0) {
			free(src);
			src = elf;
		} else {
			free(elf);
		}
	}

	if (access(src, R_OK) < 0) {
		char *why = input_problem(src, errno);

		*err = xasprintf("guest '%s': kernel %s; %s", g->name, why,
				 g->kernel == GUEST_KERNEL_FILE ? "fix 'kernel =' in its declaration" :
				 "build it first (make kernels)");
		free(why);
		free(src);
		return -1;
	}
	if (probe_file(src, &pr) == 0 && pr.cls == PROBE_KERNEL)
		file_name = pr.format; /* bzImage, Image or vmlinux */
	f = add_file(sg, "kernel", src, xasprintf("%s/%s/%s", images_dir(o), g->name, file_name));
	free(src);
	if (check_kind(f, g, PROBE_KERNEL, o->arch, err) < 0)
		return -1;
	sg->kernel_version = kernel_version_of(f->src);
	if (g->kernel != GUEST_KERNEL_FILE)
		sg->config_sha256 = config_sha_of(o, kname);
	return 0;
}

static int plan_rootfs(const struct stage_opts *o, struct staged_guest *sg, char **err)
{
	struct guest *g = sg->g;
	const char *fmt = g->formats.v[0];
	char *src = g->image_path ? xstrdup(g->image_path) : stage_image_path(o, g->name, fmt);
	struct staged_file *f;
	struct probe_result pr;
	bool initrd;
	char *name;

	if (access(src, R_OK) < 0) {
		char *why = input_problem(src, errno);

		*err = xasprintf("guest '%s': root filesystem image %s; %s", g->name, why,
				 g->image_path ? "give an existing image" :
				 "build it first (make rootfs)");
		free(why);
		free(src);
		return -1;
	}
	if (g->image_path && probe_file(src, &pr) == 0 && pr.cls == PROBE_ROOTFS)
		fmt = pr.format; /* an external image is named by what it holds */
	initrd = image_format_has(fmt, IMAGE_CAP_CPIO); /* a guest initramfs */
	name = g->install_name ? xstrdup(g->install_name) : xasprintf("rootfs.%s", fmt);
	f = add_file(sg, initrd ? "initrd" : "rootfs", src,
		     xasprintf("%s/%s/%s", images_dir(o), g->name, name));
	free(name);
	free(src);
	return check_kind(f, g, PROBE_ROOTFS, NULL, err);
}

static int plan_disks(const struct stage_opts *o, struct staged_guest *sg, char **err)
{
	struct guest *g = sg->g;

	for (size_t i = 0; i < g->disks.n; i++) {
		const char *d = g->disks.v[i];
		bool shared = startswith(d, "shared:");
		const char *path = shared ? d + strlen("shared:") : d;
		char *src = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", g->dir, path);
		const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
		const char *why = guest_name_problem(base);
		struct probe_result pr;
		int e = why ? 0 : probe_file(src, &pr);

		if (why || e < 0) {
			char *what = why ? xstrdup("its file name is not a plain name") : input_problem(src, -e);

			*err = xasprintf("%s: disk: %s", g->conf ? g->conf : g->name, what);
			free(what);
			free(src);
			return -1;
		}
		/* A disk may be raw data; one in a known format must be whole. */
		if (pr.problem[0]) {
			*err = xasprintf("%s: disk '%s' is a damaged %s: %s", g->conf ? g->conf : g->name, src,
					 pr.description, pr.problem);
			free(src);
			return -1;
		}
		add_file(sg, "disk", src, shared ? xasprintf("%s/shared/%s", images_dir(o), base) :
			 xasprintf("%s/%s/%s", images_dir(o), g->name, base));
		free(src);
	}
	return 0;
}

/* What a Xen PVH guest cannot be given here, said at staging rather than
 * when xl create fails on the target. */
static int xen_devices_problem(const struct guest *g, char **err)
{
	const char *what = g->display != DISPLAY_NONE ? "display"
			 : g->pci.n		       ? "pci"
			 : g->usb.n		       ? "usb"
						       : NULL;
	const char *why = g->display != DISPLAY_NONE
				  ? "a PVH guest has no emulated graphics; its console is hvc0 (xl console)"
			  : g->pci.n ? "Xen 4.17 passes PCI devices through to PV and HVM guests only, and "
				       "vmbundle's Xen guests are PVH"
				     : "xl's USB pass-through needs QEMU as dom0's device model, which "
				       "this dom0 does not carry";

	if (!what)
		return 0;
	*err = xasprintf("%s: %s: not available to a Xen guest: %s; remove it or use "
			 "--with-hypervisor=kvm", g->conf ? g->conf : g->name, what, why);
	return -1;
}

/* Does DEPLOY/config-@kname set @opt to y or m? */
static bool kconfig_has(const char *config, const char *opt)
{
	FILE *f = fopen(config, "re");
	char line[512];
	size_t n = strlen(opt);
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = startswith(line, opt) && line[n] == '=' && (line[n + 1] == 'y' || line[n + 1] == 'm');
	fclose(f);
	return found;
}

/* DEPLOY/config-NAME of the guest's kernel, or NULL for a prebuilt kernel:
 * its configuration is not ours to read. */
static char *guest_kconfig(const struct stage_opts *o, const struct guest *g)
{
	if (g->kernel == GUEST_KERNEL_FILE)
		return NULL;
	return xasprintf("%s/config-%s", o->deploy, g->kernel == GUEST_KERNEL_HOST ? "host" : g->name);
}

/* Shares need QEMU's virtio-9p (KVM only, doc/guest-devices.md) and a
 * guest kernel with 9p over virtio, when its configuration is known. */
static int plan_shares(const struct stage_opts *o, const struct staged_guest *sg, char **err)
{
	static const char *const needed[] = { "CONFIG_NET_9P", "CONFIG_NET_9P_VIRTIO", "CONFIG_9P_FS" };
	const struct guest *g = sg->g;
	const char *kname = g->kernel == GUEST_KERNEL_HOST ? "host" : g->name;
	char *config;

	if (!g->shares.n)
		return 0;
	if (o->hv == HV_XEN) {
		*err = xasprintf("%s: shares: guest '%s' is a Xen guest, and Xen shares folders "
				 "through QEMU's 9pfs back end, a device model in dom0 that this Xen "
				 "host does not carry (Debian 12's Xen 4.17 has no other); remove "
				 "'shares' from the guest, or run it on a KVM host",
				 g->conf ? g->conf : g->name, g->name);
		return -1;
	}
	config = guest_kconfig(o, g);
	if (!config)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		if (access(config, R_OK) == 0 && !kconfig_has(config, needed[i])) {
			char *where = g->kernel == GUEST_KERNEL_HOST ?
				xstrdup("the host's kernel (a template's kernel_features)") :
				xasprintf("its kernel description (kernel-configs/%s.scc)", kname);

			*err = xasprintf("%s: shares: guest '%s' declares shared folders, but its "
					 "kernel (%s) has no %s; add features/9p/9p.scc to %s, or "
					 "remove 'shares'", g->conf ? g->conf : g->name, g->name,
					 config, needed[i], where);
			free(where);
			free(config);
			return -1;
		}
	}
	free(config);
	return 0;
}

/* Does the kernel configuration @config boot on QEMU's microvm? It must
 * find the virtio devices on the MMIO bus where microvm lists them, in its
 * ACPI tables (only with acpi=off are they on the command line, and then a
 * guest cannot power itself off), and read its TSC's rate from KVM's clock:
 * microvm has no HPET and no ACPI PM timer, and calibrating against the PIT
 * fails on a slow vCPU and hangs the kernel (doc/launcher.md). */
static const char *const microvm_kconfig[] = { "CONFIG_VIRTIO_MMIO", "CONFIG_ACPI", "CONFIG_KVM_GUEST" };

static const char *kernel_microvm_lack(const char *config)
{
	for (size_t i = 0; i < ARRAY_SIZE(microvm_kconfig); i++)
		if (!kconfig_has(config, microvm_kconfig[i]))
			return microvm_kconfig[i];
	return NULL;
}

/* What the guest declares that needs a PCI bus, or NULL. */
static const char *pci_need(const struct guest *g)
{
	return g->display != DISPLAY_NONE ? "display = vga" : g->pci.n ? "pci" : g->usb.n ? "usb" : NULL;
}

/* The virtio devices the launcher gives the guest: its root disk and
 * disks, the target's disks, the NIC, the shares, entropy. */
static size_t virtio_devices(const struct staged_guest *sg)
{
	const struct guest *g = sg->g;
	size_t n = g->host_disks.n + (g->network != GUEST_NET_NONE) + g->shares.n + g->entropy;

	for (size_t i = 0; i < sg->nfiles; i++)
		n += streq(sg->files[i].role, "rootfs") || streq(sg->files[i].role, "disk");
	return n;
}

/* Where to point at the guest's machine line (or its declaration). */
static char *machine_where(const struct guest *g)
{
	if (g->machine_file)
		return xasprintf("%s:%u", g->machine_file, g->machine_line);
	return xstrdup(g->conf ? g->conf : g->name);
}

/* The QEMU machine of a KVM guest (doc/staging.md, "machine"): microvm
 * when nothing it has needs PCI, its virtio devices fit microvm's slots and
 * its kernel boots there (kernel_microvm_lack; it boots in about half of
 * q35's time), else the board's. A guest with
 * a prebuilt kernel stays on the board's machine unless it says microvm:
 * which buses that kernel knows is not written anywhere we can read. */
static int guest_machine(const struct stage_opts *o, struct staged_guest *sg, char **err)
{
	const struct guest *g = sg->g;
	bool pc = streq(o->machine, "q35") || startswith(o->machine, "pc");
	const char *need = pci_need(g);
	size_t virtio = virtio_devices(sg);
	char *config, *where;
	const char *lack;
	bool known, mmio;

	sg->machine = o->machine;
	if (o->hv == HV_XEN || (g->machine == GUEST_MACHINE_AUTO && !pc))
		return 0;
	where = machine_where(g);
	if (!pc) {
		*err = xasprintf("%s: machine = %s: guest '%s' runs on this %s board's '%s' machine, "
				 "and q35 and microvm are x86 PC machines; remove the line",
				 where, guest_machine_name(g->machine), g->name, o->arch, o->machine);
		free(where);
		return -1;
	}
	if (g->machine == GUEST_MACHINE_Q35) {
		sg->machine = "q35";
		free(where);
		return 0;
	}
	if (g->machine == GUEST_MACHINE_MICROVM && need) {
		*err = xasprintf("%s: machine = microvm: guest '%s' has %s, which needs a PCI bus, and "
				 "microvm has none; use machine = q35 (or leave machine out)",
				 where, g->name, need);
		free(where);
		return -1;
	}
	if (g->machine == GUEST_MACHINE_MICROVM && virtio > GUEST_MICROVM_SLOTS) {
		*err = xasprintf("%s: machine = microvm: guest '%s' has %zu virtio devices (disks, NIC, "
				 "shares, entropy), and microvm has %u slots; use machine = q35 (or "
				 "leave machine out)", where, g->name, virtio, GUEST_MICROVM_SLOTS);
		free(where);
		return -1;
	}
	config = guest_kconfig(o, g);
	known = config && access(config, R_OK) == 0;
	lack = known ? kernel_microvm_lack(config) : NULL;
	mmio = known && !lack;
	if (g->machine == GUEST_MACHINE_MICROVM && lack) {
		*err = xasprintf("%s: machine = microvm: the kernel of guest '%s' (%s) has no %s, "
				 "which a kernel on microvm needs (its devices, in ACPI tables, on "
				 "virtio-mmio; its clock from KVM); add features/guest-boot/guest-boot.scc "
				 "to its kernel description, or use machine = q35", where, g->name,
				 config, lack);
		free(config);
		free(where);
		return -1;
	}
	if (g->machine == GUEST_MACHINE_MICROVM || (mmio && !need && virtio <= GUEST_MICROVM_SLOTS))
		sg->machine = "microvm";
	free(config);
	free(where);
	return 0;
}

int stage_plan_guest(const struct stage_opts *o, struct guest_set *set, struct guest *g,
		     struct staged_guest *sg, char **err)
{
	memset(sg, 0, sizeof(*sg));
	sg->g = g;
	sg->name = xstrdup(g->name);
	sg->origin = xstrdup(g->image_path ? "external" : g->conf ? g->conf : "defaults");
	if (plan_kernel(o, sg, err) < 0 || plan_rootfs(o, sg, err) < 0 ||
	    plan_disks(o, sg, err) < 0 || plan_shares(o, sg, err) < 0)
		return -1;
	for (size_t i = 0; i < sg->nfiles; i++)
		if (staged_file_measure(o, &sg->files[i], err) < 0)
			return -1;
	if (o->hv == HV_XEN && xen_devices_problem(g, err) < 0)
		return -1;
	/* arm64 Xen runs one kind of guest (xl's "pvh": a virtual machine with
	 * the GIC and timer); PV is x86's. */
	if (o->hv == HV_XEN && g->xen_type == GUEST_XEN_PV && !streq(o->arch, "x86_64")) {
		*err = xasprintf("%s:%u: xen_type = pv: guest '%s' would run on %s Xen, which has "
				 "no PV guests (only x86 has); remove the line (the default, pvh, is "
				 "what %s Xen runs)", g->xen_type_file ? g->xen_type_file : g->name,
				 g->xen_type_line, g->name, o->arch, o->arch);
		return -1;
	}
	if (o->hv != HV_XEN && g->display != DISPLAY_NONE && !streq(o->machine, "q35") &&
	    !startswith(o->machine, "pc")) {
		*err = xasprintf("%s: display = %s needs a PC machine (q35), and this board's guests "
				 "run on '%s': leave display out, the guest's console is its serial line",
				 g->conf ? g->conf : g->name, devspec_display_name(g->display), o->machine);
		return -1;
	}
	if (guest_machine(o, sg, err) < 0)
		return -1;
	if (o->hv == HV_XEN) {
		sg->launch_target = xasprintf(TARGET_XEN_DIR "/%s.cfg", g->name);
		sg->launch_text = launch_xl_text(o, sg);
	} else {
		sg->launch_target = xasprintf(TARGET_GUESTS_DIR "/%s.conf", g->name);
		sg->launch_text = launch_kvm_text(o, sg);
	}
	/* What it carries is inside its own image already: described, not staged. */
	if (g->carries.n)
		sg->kids = xcalloc(g->carries.n, sizeof(*sg->kids));
	for (size_t i = 0; i < g->carries.n; i++) {
		struct guest *k = guest_get(set, g->carries.v[i], err);

		if (!k || stage_plan_guest(o, set, k, &sg->kids[sg->nkids++], err) < 0)
			return -1;
	}
	return 0;
}

void staged_guest_free(struct staged_guest *sg)
{
	for (size_t i = 0; i < sg->nfiles; i++) {
		free(sg->files[i].src);
		free(sg->files[i].target);
	}
	free(sg->files);
	for (size_t i = 0; i < sg->nkids; i++)
		staged_guest_free(&sg->kids[i]);
	free(sg->kids);
	free(sg->name);
	free(sg->origin);
	free(sg->kernel_version);
	free(sg->config_sha256);
	free(sg->launch_text);
	free(sg->launch_target);
}

void stage_plan_free(struct stage_plan *p)
{
	for (size_t i = 0; i < p->nguests; i++)
		staged_guest_free(&p->guests[i]);
	free(p->guests);
	free(p->host_kernel_version);
	free(p->host_config_sha256);
	memset(p, 0, sizeof(*p));
}

/* Two guests may name the same target only for one shared disk. */
static int check_targets(const struct stage_plan *p, char **err)
{
	for (size_t a = 0; a < p->nguests; a++)
		for (size_t i = 0; i < p->guests[a].nfiles; i++) {
			const struct staged_file *x = &p->guests[a].files[i];

			for (size_t b = a; b < p->nguests; b++)
				for (size_t j = b == a ? i + 1 : 0; j < p->guests[b].nfiles; j++) {
					const struct staged_file *y = &p->guests[b].files[j];

					if (!streq(x->target, y->target))
						continue;
					if (streq(x->role, "disk") && streq(y->role, "disk") &&
					    streq(x->src, y->src))
						continue;
					*err = xasprintf("'%s' and '%s' would both be staged as '%s'; "
							 "give one another install name or file name",
							 x->src, y->src, x->target);
					return -1;
				}
		}
	return 0;
}

/* Two guests of one carrier with one name (declared, external or
 * user-written xl) would share a launch configuration: name both sources. */
static int check_names(const struct stage_plan *p, char **err)
{
	for (size_t a = 0; a < p->nguests; a++)
		for (size_t b = a + 1; b < p->nguests; b++)
			if (streq(p->guests[a].name, p->guests[b].name)) {
				*err = xasprintf("two guests are named '%s': %s and %s; rename one",
						 p->guests[a].name, p->guests[a].origin,
						 p->guests[b].origin);
				return -1;
			}
	return 0;
}

int stage_plan(struct stage_plan *p, const struct stage_opts *o, struct guest_set *set,
	       const struct namelist *carried, char **err)
{
	struct namelist order = { 0 };
	int r;

	memset(p, 0, sizeof(*p));
	p->o = o;
	p->set = set;
	r = guest_resolve(set, (const char *const *)carried->v, carried->n, &order, err);
	namelist_free(&order);
	if (r < 0)
		return -1;
	p->guests = xcalloc(carried->n + o->xl_files.n + 1, sizeof(*p->guests));
	for (size_t i = 0; i < carried->n; i++) {
		struct guest *g = guest_get(set, carried->v[i], err);

		if (!g || stage_plan_guest(o, set, g, &p->guests[p->nguests++], err) < 0)
			return -1;
	}
	for (size_t i = 0; i < o->xl_files.n; i++)
		if (xlcfg_plan(o, o->xl_files.v[i], &p->guests[p->nguests++], err) < 0)
			return -1;
	{
		char *k = xasprintf("%s/%s-%s", o->deploy, o->kernel_image, o->carrier);

		p->host_kernel_version = kernel_version_of(k);
		p->host_config_sha256 = config_sha_of(o, o->carrier);
		free(k);
	}
	return check_names(p, err) < 0 ? -1 : check_targets(p, err);
}
