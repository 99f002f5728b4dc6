/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an SBOM says about a kernel: its release (from its .config), the
 * deployed image's and configuration's digests, its patches and the
 * description files (.scc/.cfg) it was resolved from: kernel-plan lists
 * them as the prerequisites of KDIR/NAME/key.mk, and its patches, one
 * absolute path per line, in KDIR/NAME/patches.
 */
#include "sbom/sbom.h"
#include "deploy/deploy.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

const char *sbom_shown_path(const struct sbom_opts *o, const char *path)
{
	for (size_t i = 0; i < o->roots.n; i++) {
		const char *rel = path_below(path, o->roots.v[i]);

		if (rel)
			return rel;
	}
	return path;
}

int source_file_load(struct source_file *f, const char *path, const struct sbom_opts *o, char **err)
{
	char real[PATH_MAX];

	/* "build/../templates/x" and links name the file as the source tree has it. */
	f->path = xstrdup(realpath(path, real) ? real : path);
	f->shown = xstrdup(sbom_shown_path(o, f->path));
	if (digest_file(f->path, &f->d, err) < 0) {
		source_file_free(f);
		return -1;
	}
	return 0;
}

void source_file_free(struct source_file *f)
{
	free(f->path);
	free(f->shown);
	*f = (struct source_file){ 0 };
}

static int add_source(struct source_file **v, size_t *n, const char *path, const struct sbom_opts *o,
		      char **err)
{
	struct source_file f;

	for (size_t i = 0; i < *n; i++)
		if (streq((*v)[i].path, path))
			return 0;
	if (source_file_load(&f, path, o, err) < 0)
		return -1;
	*VEC_APPEND(*v, *n) = f;
	return 0;
}

/* The prerequisites of "KDIR/NAME/key.mk:" in key.mk (kernel-plan's format). */
static int read_descs(struct kernel_info *k, const struct sbom_opts *o, const char *keymk, char **err)
{
	char *text = NULL, *want = xasprintf("/%s/key.mk:", k->name), *at;
	size_t len;
	int e = read_file(keymk, &text, &len), rc = 0;

	if (e < 0) {
		*err = xasprintf("cannot read '%s': %s; plan the kernel first (make kernel-%s)", keymk,
				 strerror(-e), k->name);
		free(want);
		return -1;
	}
	at = strstr(text, want);
	if (at) {
		char *p = at + strlen(want);

		for (;;) {
			size_t n = strcspn(p, "\n");
			bool more = n > 0 && p[n - 1] == '\\';
			char *line = xstrndup(p, n - more), *save = NULL;

			for (char *w = strtok_r(line, " \t", &save); w && rc == 0; w = strtok_r(NULL, " \t", &save))
				rc = add_source(&k->descs, &k->ndescs, w, o, err);
			free(line);
			p += n + (p[n] == '\n');
			if (!more || !*p || rc < 0)
				break;
		}
	}
	free(want);
	free(text);
	return rc;
}

static int read_patches(struct kernel_info *k, const struct sbom_opts *o, const char *list, char **err)
{
	char *text = NULL;
	size_t len;
	int e = read_file(list, &text, &len), rc = 0;

	if (e == -ENOENT)
		return 0;
	if (e < 0) {
		*err = xasprintf("cannot read '%s': %s", list, strerror(-e));
		return -1;
	}
	for (char *l = text; *l && rc == 0;) {
		size_t n = strcspn(l, "\n");
		char c = l[n];

		l[n] = '\0';
		if (*l == '/')
			rc = add_source(&k->patches, &k->npatches, l, o, err);
		l += n + (c == '\n');
	}
	free(text);
	return rc;
}

int kernel_info_load(struct kernel_info *k, const struct sbom_opts *o, const char *name, char **err)
{
	char *image = xasprintf("%s/%s-%s", o->deploy, o->kernel_image, name);
	char *config = xasprintf("%s/config-%s", o->deploy, name);
	int rc = -1;

	*k = (struct kernel_info){ .name = xstrdup(name) };
	if (source_file_load(&k->image, image, o, err) < 0 || source_file_load(&k->config, config, o, err) < 0)
		goto out;
	/* Deploy paths are shown by their stable names. */
	free(k->image.shown);
	free(k->config.shown);
	k->image.shown = xasprintf("%s-%s", o->kernel_image, name);
	k->config.shown = xasprintf("config-%s", name);
	if (!(k->release = deploy_kernel_release(config, err)))
		goto out;
	if (o->kernel_dir) {
		char *keymk = xasprintf("%s/%s/key.mk", o->kernel_dir, name);
		char *patches = xasprintf("%s/%s/patches", o->kernel_dir, name);

		rc = read_descs(k, o, keymk, err);
		if (rc == 0)
			rc = read_patches(k, o, patches, err);
		free(keymk);
		free(patches);
	} else {
		rc = 0;
	}
out:
	if (rc < 0)
		kernel_info_free(k);
	free(image);
	free(config);
	return rc;
}

void kernel_info_free(struct kernel_info *k)
{
	free(k->name);
	free(k->release);
	source_file_free(&k->image);
	source_file_free(&k->config);
	for (size_t i = 0; i < k->npatches; i++)
		source_file_free(&k->patches[i]);
	free(k->patches);
	for (size_t i = 0; i < k->ndescs; i++)
		source_file_free(&k->descs[i]);
	free(k->descs);
	*k = (struct kernel_info){ 0 };
}
