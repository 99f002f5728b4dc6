/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model of an image (sbom.h): its files read back, the components they
 * come from, and where each file's bytes go in the size graph.
 */
#include "sbom/sbom.h"
#include "deploy/deploy.h"
#include "shared/fsutil.h"
#include "shared/outfile.h"
#include "sha256.h"
#include "shared/target-paths.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Packages whose files are the hypervisor's toolstack (QEMU and its
 * firmware, Xen's tools), by name prefix. */
static const char *const toolstack_prefixes[] = { "qemu-", "xen-", "seabios", "ipxe-qemu", "ovmf",
						  "qemu-efi" };

char *sbom_id(const char *prefix, const char *text)
{
	char *id = xasprintf("%s%s", prefix, text), *p = id + strlen(prefix);
	bool changed = false;

	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-')) {
			*p = '-';
			changed = true;
		}
	if (changed) {
		struct sha256_ctx *h = sha256_new();
		char hex[SHA256_HEX_LEN + 1];

		sha256_update(h, text, strlen(text));
		sha256_finish(h, hex);
		hex[8] = '\0';
		strappendf(&id, "-%s", hex);
	}
	return id;
}

static struct component *add_comp(struct sbom *s, enum comp_kind kind, const char *id_prefix,
				  const char *id_text)
{
	struct component *c;

	c = VEC_APPEND(s->comps, s->ncomps);
	*c = (struct component){ .kind = kind, .id = sbom_id(id_prefix, id_text), .kernel = -1,
				 .category = "the rest" };
	return c;
}

static int find_comp(const struct sbom *s, const char *id)
{
	for (size_t i = 0; i < s->ncomps; i++)
		if (streq(s->comps[i].id, id))
			return (int)i;
	return -1;
}

static char *image_path(const struct sbom_opts *o, const char *name, const char *format)
{
	return xasprintf("%s/%s-%s.rootfs.%s", o->deploy, name, o->board, format);
}

/* ---- the image itself, and its formats ---------------------------------- */

static int read_image(struct sbom *s, char **err)
{
	const struct sbom_opts *o = s->o;
	const char *best = NULL;

	for (size_t i = 0; i < o->formats.n; i++)
		if (!best || img_format_rank(o->formats.v[i]) < img_format_rank(best))
			best = o->formats.v[i];
	s->read_path = image_path(o, o->name, best);
	if (img_read(s->read_path, best, &s->img, err) < 0)
		return -1;
	/* comps[0]: the image as staged or booted (its first format), then the
	 * other formats as its variants. */
	for (size_t i = 0; i < o->formats.n; i++) {
		char *path = image_path(o, o->name, o->formats.v[i]);
		char *text = i ? xasprintf("%s-%s", o->name, o->formats.v[i]) : xstrdup(o->name);
		struct component *c = add_comp(s, COMP_IMAGE, "SPDXRef-Image-", text);
		int rc;

		free(text);
		c->name = xasprintf("%s-%s.rootfs", o->name, o->board);
		c->version = xstrdup(s->datetime);
		c->file_name = xasprintf("%s-%s.rootfs.%s", o->name, o->board, o->formats.v[i]);
		c->purpose = "OPERATING_SYSTEM";
		c->arch = o->arch ? xstrdup(o->arch) : NULL;
		c->used = true;
		c->comment = i ? xasprintf("the same files as %s-%s.rootfs.%s, as %s", o->name, o->board,
					   o->formats.v[0], o->formats.v[i]) : NULL;
		rc = digest_file(path, &c->d, err);
		c->has_digests = rc == 0;
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- kernels -------------------------------------------------------------- */

static int add_kernel(struct sbom *s, const char *name, char **err)
{
	for (size_t i = 0; i < s->nkernels; i++)
		if (streq(s->kernels[i].name, name))
			return 0;
	s->kernels = xrealloc(s->kernels, (s->nkernels + 1) * sizeof(*s->kernels));
	if (kernel_info_load(&s->kernels[s->nkernels], s->o, name, err) < 0)
		return -1;
	const struct kernel_info *k = &s->kernels[s->nkernels];
	struct component *c = add_comp(s, COMP_KERNEL, "SPDXRef-Kernel-", name);

	c->kernel = (int)s->nkernels++;
	c->name = xasprintf("linux-%s", name);
	c->version = xstrdup(k->release);
	c->file_name = xstrdup(k->image.shown);
	c->purpose = "OPERATING_SYSTEM";
	c->category = "kernel modules";
	c->d = k->image.d;
	c->has_digests = true;
	c->arch = s->o->arch ? xstrdup(s->o->arch) : NULL;
	c->source_info = xasprintf("built by vmbundle with kbuild from the kernel source, configuration "
				   "%s (SHA-256 %s)%s", k->config.shown, k->config.d.sha256,
				   k->npatches ? " and the patches it names" : "");
	return 0;
}

static char *purl_escape(const char *s)
{
	char *out = xstrdup("");

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_' || *p == '~')
			strappendf(&out, "%c", *p);
		else
			strappendf(&out, "%%%02X", *p);
	return out;
}

/* The component of Debian package @p, made on first use. */
static int package_comp(struct sbom *s, const struct pkg_info *p, bool host)
{
	char *text = xasprintf("%s-%s", p->name, p->arch);
	char *id = sbom_id("SPDXRef-Package-deb-", text);
	int i = find_comp(s, id);

	free(id);
	if (i >= 0) {
		free(text);
		return i;
	}
	struct component *c = add_comp(s, COMP_PACKAGE, "SPDXRef-Package-deb-", text);
	const char *colon = strchr(p->version, ':');
	char *n = purl_escape(p->name), *v = purl_escape(p->version);
	bool other_source = strcmp(p->source, p->name) || strcmp(p->source_version, p->version);

	free(text);
	c->name = xstrdup(p->name);
	c->version = xstrdup(p->version);
	c->arch = xstrdup(p->arch);
	c->supplier = xstrdup("Organization: Debian");
	/* The .deb's name as Debian's pool has it: no epoch. */
	c->file_name = xasprintf("%s_%s_%s.deb", p->name, colon ? colon + 1 : p->version, p->arch);
	c->purl = xasprintf("pkg:deb/debian/%s@%s?arch=%s", n, v, p->arch);
	if (other_source) {
		char *sn = purl_escape(p->source), *sv = purl_escape(p->source_version);

		strappendf(&c->purl, "&upstream=%s%%40%s", sn, sv);
		free(sn);
		free(sv);
	}
	free(n);
	free(v);
	c->source_info = xasprintf("built package from: %s %s%s", p->source, p->source_version,
				   host ? " (as installed on the build machine)" : "");
	if (p->sha256 && strlen(p->sha256) == SHA256_HEX_LEN) {
		memcpy(c->d.sha256, p->sha256, SHA256_HEX_LEN + 1);
		c->has_digests = true;
	}
	c->purpose = "LIBRARY";
	if (startswith(p->name, "busybox"))
		c->purpose = "APPLICATION", c->category = "busybox";
	for (size_t k = 0; k < ARRAY_SIZE(toolstack_prefixes); k++)
		if (startswith(p->name, toolstack_prefixes[k]))
			c->purpose = "APPLICATION", c->category = "toolstack";
	return (int)(s->ncomps - 1);
}

/* The kernel source tarball's digests, remembered in KDIR/.source-digests
 * ("SIZE MTIME SHA1 SHA256 PATH") while the tarball's size and time stay
 * the same: every image's SBOM names it, and it is some hundred MB. */
static int source_digests(const struct sbom_opts *o, const struct stat *st, struct digests *d, char **err)
{
	char *cache = o->kernel_dir ? xasprintf("%s/.source-digests", o->kernel_dir) : NULL, *text = NULL, *line;
	char *key = xasprintf("%lld %lld.%09ld", (long long)st->st_size, (long long)st->st_mtim.tv_sec,
			      st->st_mtim.tv_nsec);
	struct digests have;
	size_t len;
	int rc = 0;

	if (cache && read_file(cache, &text, &len) == 0 && startswith(text, key) && text[strlen(key)] == ' ' &&
	    sscanf(text + strlen(key) + 1, "%40s %64s", have.sha1, have.sha256) == 2) {
		line = xasprintf("%s %s %s %s\n", key, have.sha1, have.sha256, o->kernel_source);
		if (streq(text, line)) {
			*d = have;
			free(line);
			goto out;
		}
		free(line);
	}
	rc = digest_file(o->kernel_source, d, err);
	if (rc == 0 && cache) {
		char *werr = NULL;

		line = xasprintf("%s %s %s %s\n", key, d->sha1, d->sha256, o->kernel_source);
		/* A cache that cannot be written only costs the next SBOM the time. */
		if (outfile_write(cache, line, strlen(line), &werr) < 0)
			free(werr);
		free(line);
	}
out:
	free(cache);
	free(text);
	free(key);
	return rc;
}

static int add_kernel_source(struct sbom *s, char **err)
{
	const struct sbom_opts *o = s->o;
	const char *base = strrchr(o->kernel_source, '/') ? strrchr(o->kernel_source, '/') + 1 : o->kernel_source;
	struct pkg_db host = { 0 };
	const struct pkg_db *db = &host;
	const struct pkg_info *p = NULL;
	struct stat st;
	char *perr = NULL;
	struct component *c = add_comp(s, COMP_SOURCE, "SPDXRef-Source-kernel-", base);

	s->kernel_source = (int)(s->ncomps - 1);
	c->name = xstrdup(base);
	c->file_name = xstrdup(base);
	c->purpose = "SOURCE";
	c->used = true;
	if (stat(o->kernel_source, &st) == 0 && S_ISREG(st.st_mode)) {
		if (source_digests(o, &st, &c->d, err) < 0)
			return -1;
		c->has_digests = true;
	}
	/* The source is the build machine's, whatever the target's userland:
	 * dpkg's database, read once (the image's own one when that is it). */
	if (s->pkgs.host) {
		db = &s->pkgs;
	} else {
		const char *root = o->host_root ? o->host_root : "/";
		char *admin = o->dpkg_admindir ? xstrdup(o->dpkg_admindir) : xasprintf("%s/var/lib/dpkg", root);

		if (pkgdb_load_dpkg(&host, streq(root, "/") ? "" : root, admin, &perr) < 0)
			db = NULL;
		free(admin);
	}
	if (db)
		p = pkgdb_owner(db, o->kernel_source);
	if (p) {
		c->version = xstrdup(p->version);
		c->supplier = xstrdup("Organization: Debian");
		c->source_info = xasprintf("from the Debian package %s %s (source %s %s)", p->name, p->version,
					   p->source, p->source_version);
		char *n = purl_escape(p->name), *v = purl_escape(p->version);

		c->purl = xasprintf("pkg:deb/debian/%s@%s?arch=%s", n, v, p->arch);
		free(n);
		free(v);
	} else if (s->nkernels) {
		/* The kernel's own version without its local suffix. */
		c->version = xstrndup(s->kernels[0].release, strcspn(s->kernels[0].release, "-"));
	}
	if (db == &host)
		pkgdb_free(&host);
	free(perr);
	return 0;
}

/* ---- everything else the image may hold ----------------------------------- */

static int add_guests(struct sbom *s, char **err)
{
	const struct sbom_opts *o = s->o;

	for (size_t i = 0; i < o->guests.n; i++) {
		const char *g = o->guests.v[i], *colon = strchr(g, ':');
		char *name = xstrndup(g, (size_t)(colon - g));
		char *fmt = xstrndup(colon + 1, strcspn(colon + 1, ","));
		char *path = image_path(o, name, fmt), *doc = image_path(o, name, "spdx.json");
		struct component *c = add_comp(s, COMP_GUEST, "SPDXRef-Image-", name);
		struct digests dd;
		int rc = digest_file(path, &c->d, err);

		c->has_digests = rc == 0;
		c->guest = xstrdup(name);
		c->name = xasprintf("%s-%s.rootfs", name, o->board);
		c->file_name = xasprintf("%s-%s.rootfs.%s", name, o->board, fmt);
		c->purpose = "OPERATING_SYSTEM";
		c->category = NULL; /* by guest, see classify() */
		c->version = xstrdup(s->datetime);
		c->used = true;
		c->comment = xasprintf("guest %s, staged into this image; its own SBOM is %s-%s.rootfs.spdx.json",
				       name, name, o->board);
		if (rc == 0 && (c->guest_doc_ns = spdx_read_namespace(doc, err)) && digest_file(doc, &dd, err) == 0)
			c->guest_doc_sha1 = xstrdup(dd.sha1);
		else if (rc == 0)
			rc = -1;
		free(name);
		free(fmt);
		free(path);
		free(doc);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < o->prebuilt.n; i++) {
		const char *p = o->prebuilt.v[i], *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
		struct component *c = add_comp(s, COMP_PREBUILT, "SPDXRef-Prebuilt-", base);

		if (digest_file(p, &c->d, err) < 0)
			return -1;
		c->has_digests = true;
		c->name = xstrdup(base);
		c->file_name = xstrdup(base);
		c->purpose = "FILE";
		c->comment = xasprintf("given to configure as %s", sbom_shown_path(o, p));
	}
	if (o->products.n) {
		struct component *c = add_comp(s, COMP_PRODUCT, "SPDXRef-Package-", "vmbundle");

		c->name = xstrdup("vmbundle");
		c->version = xstrdup(o->version ? o->version : "NOASSERTION");
		c->purpose = "APPLICATION";
		c->category = "toolstack";
		c->comment = xstrdup("programs of this project installed into the image (the vmguest launcher)");
	}
	return 0;
}

/* A declaration: a *.conf or a permissions table below a source root. */
static bool is_declaration(const struct sbom_opts *o, const char *real)
{
	const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	bool below = false;

	for (size_t i = 0; i < o->roots.n && !below; i++)
		below = path_below(real, o->roots.v[i]) != NULL;
	/* An overlay's files are files of the image, not declarations. */
	if (strstr(real, "/overlay/") || strstr(real, ".overlay/"))
		return false;
	return below && (endswith(base, ".conf") || streq(base, "permissions") || endswith(base, ".permissions"));
}

static int add_decls(struct sbom *s, char **err)
{
	for (size_t i = 0; i < s->o->decls.n; i++) {
		char *text = NULL, *save = NULL;
		size_t len;
		int e = read_file(s->o->decls.v[i], &text, &len), rc = 0;

		if (e < 0) {
			*err = xasprintf("cannot read '%s': %s; assemble the root filesystem first (make rootfs)",
					 s->o->decls.v[i], strerror(-e));
			return -1;
		}
		for (char *w = strtok_r(text, " \t\n\\", &save); w && rc == 0; w = strtok_r(NULL, " \t\n\\", &save)) {
			char *real = endswith(w, ":") ? NULL : realpath(w, NULL);
			struct stat st;
			bool seen = false;

			if (real && stat(real, &st) == 0 && S_ISREG(st.st_mode) && is_declaration(s->o, real)) {
				for (size_t k = 0; k < s->ndecls && !seen; k++)
					seen = streq(s->decls[k].path, real);
				if (!seen) {
					s->decls = xrealloc(s->decls, (s->ndecls + 1) * sizeof(*s->decls));
					rc = source_file_load(&s->decls[s->ndecls], real, s->o, err);
					if (rc == 0)
						s->ndecls++;
				}
			}
			free(real);
		}
		free(text);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- each file's origin ------------------------------------------------------ */

static bool library_path(const char *path)
{
	const char *base = strrchr(path, '/') + 1;

	return strstr(path, "/lib") && (endswith(base, ".so") || strstr(base, ".so."));
}

/* The guest whose directory @path is in (/var/lib/kvm/images/G/...), or NULL. */
static const char *guest_of(const struct sbom *s, const char *path)
{
	static const char *const dirs[] = { TARGET_KVM_IMAGES "/", TARGET_XEN_IMAGES "/" };

	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		if (!startswith(path, dirs[d]))
			continue;
		const char *g = path + strlen(dirs[d]);
		size_t n = strcspn(g, "/");

		for (size_t i = 0; i < s->ncomps; i++)
			if (s->comps[i].kind == COMP_GUEST && strlen(s->comps[i].guest) == n &&
			    strncmp(s->comps[i].guest, g, n) == 0 && g[n] == '/')
				return s->comps[i].guest;
	}
	return NULL;
}

/* Where an imported file came from: rootfs/NAME/imports, DEST<TAB>SRC. */
static int load_imports(struct sbom *s, struct strmap *m, char **err)
{
	char *text = NULL;
	size_t len;
	unsigned line = 0;
	int e;

	if (!s->o->imports)
		return 0;
	e = read_file(s->o->imports, &text, &len);
	if (e == -ENOENT)
		return 0;
	if (e < 0) {
		*err = xasprintf("cannot read '%s': %s", s->o->imports, strerror(-e));
		return -1;
	}
	for (char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		char c = l[n], *tab;

		l[n] = '\0';
		line++;
		if (*l) {
			tab = strchr(l, '\t');
			if (!tab || l[0] != '/' || !tab[1]) {
				*err = xasprintf("%s:%u: not 'DEST<TAB>SRC'; assemble the root filesystem "
						 "again (make clean-rootfs-%s rootfs)", s->o->imports, line, s->o->name);
				free(text);
				return -1;
			}
			*tab = '\0';
			strmap_put(m, l, xstrdup(tab + 1));
		}
		l += n + (c == '\n');
	}
	free(text);
	return 0;
}

/* Does the file at @path (in the build machine or sysroot) have the bytes
 * @d? A file is a package's only when it is the package's file: an
 * imported one unchanged, or one without a record of where it came from
 * whose path the package lists and whose bytes are those. */
static bool same_content(const struct sbom *s, const char *path, const struct digests *d)
{
	char *full = xasprintf("%s%s%s", s->pkgs.root, path[0] == '/' ? "" : "/", path), *err = NULL;
	struct digests have;
	bool same = digest_file(full, &have, &err) == 0 && streq(have.sha256, d->sha256);

	free(err);
	free(full);
	return same;
}

static void classify(struct sbom *s, struct img_file *f, const struct strmap *imports)
{
	const struct sbom_opts *o = s->o;
	const char *guest = guest_of(s, f->path);

	f->guest = guest;
	/* An exact copy of an artefact of this build (a staged guest image or kernel). */
	for (size_t i = 0; i < s->ncomps; i++) {
		struct component *c = &s->comps[i];

		if (c->has_digests && (c->kind == COMP_GUEST || c->kind == COMP_KERNEL || c->kind == COMP_PREBUILT) &&
		    streq(c->d.sha256, f->d.sha256)) {
			f->copy_of = (int)i;
			c->used = true;
			f->category = c->kind == COMP_KERNEL ? "kernel" : "images";
			return;
		}
	}
	if (guest) {
		f->category = "disks";
		return;
	}
	if (o->own_kernel && (startswith(f->path, "/lib/modules/") || startswith(f->path, "/usr/lib/modules/"))) {
		char *id = sbom_id("SPDXRef-Kernel-", o->own_kernel);

		f->comp = find_comp(s, id);
		free(id);
	} else if (namelist_has(&o->products, f->path)) {
		char *id = sbom_id("SPDXRef-Package-", "vmbundle");

		f->comp = find_comp(s, id);
		free(id);
	} else if (s->have_pkgs) {
		/* imports says "sysroot:PATH" for the sysroot's files, a plain
		 * path for the build machine's (doc/packages.md). */
		const char *src = strmap_get(imports, f->path), *from = src ? src : f->path;
		bool in_sysroot = src ? startswith(src, "sysroot:") : !s->pkgs.host;

		if (src && in_sysroot)
			from = src + strlen("sysroot:");
		/* Looked up only in the database of where it came from. */
		const struct pkg_info *p = in_sysroot != s->pkgs.host ? pkgdb_owner(&s->pkgs, from) : NULL;
		const char *where = in_sysroot ? "sysroot" : "build machine";
		char real[PATH_MAX];
		/* A build machine's path as the source tree names it ("build/../templates"). */
		const char *shown = sbom_shown_path(o, !in_sysroot && realpath(from, real) ? real : from);

		/* The bytes must still be the package's: a file changed since it
		 * was imported (or not imported at all) is not its version. */
		if (p && same_content(s, from, &f->d))
			f->comp = package_comp(s, p, s->pkgs.host);
		else if (p && src)
			f->comment = xasprintf("copied from %s in the %s, which %s %s lists, but that file has "
					       "changed since", shown, where, p->name, p->version);
		else if (src)
			f->comment = xasprintf("copied from %s %s, which no Debian package lists", shown,
					       shown[0] == '/' ? (in_sysroot ? "in the sysroot" : "on the build machine") :
					       "in the source or build tree");
	}
	if (f->comp >= 0) {
		s->comps[f->comp].used = true;
		f->category = s->comps[f->comp].category;
	}
	if (library_path(f->path) && (!f->category || !streq(f->category, "kernel modules")))
		f->category = "libraries";
	if (!f->category)
		f->category = "the rest";
}

int sbom_build(struct sbom *s, const struct sbom_opts *o, char **err)
{
	struct strmap imports = { 0 };
	int rc = -1;

	*s = (struct sbom){ .o = o, .kernel_source = -1 };
	if (deploy_datetime(s->datetime, err) < 0 || read_image(s, err) < 0)
		goto out;
	if (o->own_kernel && add_kernel(s, o->own_kernel, err) < 0)
		goto out;
	for (size_t i = 0; i < o->kernels.n; i++)
		if (add_kernel(s, o->kernels.v[i], err) < 0)
			goto out;
	if (add_guests(s, err) < 0 || add_decls(s, err) < 0 || load_imports(s, &imports, err) < 0)
		goto out;
	if (o->sysroot) {
		if (pkgdb_load_sysroot(&s->pkgs, o->sysroot, err) < 0)
			goto out;
		s->have_pkgs = true;
	} else {
		const char *root = o->host_root ? o->host_root : "/";
		char *admin = o->dpkg_admindir ? xstrdup(o->dpkg_admindir) : xasprintf("%s/var/lib/dpkg", root);

		rc = pkgdb_load_dpkg(&s->pkgs, streq(root, "/") ? "" : root, admin, err);
		free(admin);
		if (rc < 0)
			goto out;
		rc = -1;
		s->have_pkgs = true;
	}
	if (s->nkernels && o->kernel_source && add_kernel_source(s, err) < 0)
		goto out;
	for (size_t i = 0; i < s->img.n; i++)
		classify(s, &s->img.files[i], &imports);
	rc = 0;
out:
	for (size_t i = 0; i < imports.cap; i++)
		free(imports.slots[i].value);
	strmap_free(&imports);
	if (rc < 0)
		sbom_free(s);
	return rc;
}

void sbom_free(struct sbom *s)
{
	img_listing_free(&s->img);
	free(s->read_path);
	for (size_t i = 0; i < s->ncomps; i++) {
		struct component *c = &s->comps[i];

		free(c->id);
		free(c->name);
		free(c->version);
		free(c->arch);
		free(c->supplier);
		free(c->file_name);
		free(c->purl);
		free(c->source_info);
		free(c->comment);
		free(c->guest);
		free(c->guest_doc_ns);
		free(c->guest_doc_sha1);
	}
	free(s->comps);
	for (size_t i = 0; i < s->nkernels; i++)
		kernel_info_free(&s->kernels[i]);
	free(s->kernels);
	for (size_t i = 0; i < s->ndecls; i++)
		source_file_free(&s->decls[i]);
	free(s->decls);
	if (s->have_pkgs)
		pkgdb_free(&s->pkgs);
	*s = (struct sbom){ 0 };
}
