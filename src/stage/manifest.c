/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manifest (/etc/vmbundle/manifest.json in the carrier, and a copy in the
 * deploy directory): the carrier, then every guest at every nesting level
 * with its kernel's version and configuration hash, its image formats, and
 * every staged file's on-target path, source, size, allocated bytes and
 * SHA-256. Keys in a fixed order, two-space indentation, so the text is
 * reproducible and diffable. The format is described in doc/staging.md.
 */
#include "stage.h"
#include "shared/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static void json_string(char **out, const char *s)
{
	strappendf(out, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strappendf(out, "\\%c", *p);
		else if (*p < 0x20)
			strappendf(out, "\\u%04x", *p);
		else
			strappendf(out, "%c", *p);
	}
	strappendf(out, "\"");
}

static void key_string(char **out, const char *ind, const char *key, const char *v, bool comma)
{
	strappendf(out, "%s\"%s\": ", ind, key);
	if (v)
		json_string(out, v);
	else
		strappendf(out, "null");
	strappendf(out, "%s\n", comma ? "," : "");
}

static void string_list(char **out, const char *ind, const char *key, const struct namelist *l)
{
	strappendf(out, "%s\"%s\": [", ind, key);
	for (size_t i = 0; l && i < l->n; i++) {
		strappendf(out, "%s", i ? ", " : "");
		json_string(out, l->v[i]);
	}
	strappendf(out, "],\n");
}

/* A build machine's path as the manifest shows it: relative to the first
 * --source-root it is under, so that where the tree was built does not end
 * up in the image. */
static const char *shown_path(const struct stage_opts *o, const char *path)
{
	for (size_t i = 0; path && i < o->source_roots.n; i++) {
		const char *root = o->source_roots.v[i];
		size_t n = strlen(root);

		if (strncmp(path, root, n) == 0 && path[n] == '/' && path[n + 1])
			return path + n + 1;
	}
	return path;
}

static void file_json(char **out, const char *ind, const struct stage_opts *o,
		      const struct staged_file *f, bool comma)
{
	char *in = xasprintf("%s  ", ind);

	strappendf(out, "%s{\n", ind);
	key_string(out, in, "role", f->role, true);
	key_string(out, in, "path", f->target, true);
	key_string(out, in, "source", shown_path(o, f->src), true);
	key_string(out, in, "format", f->format, true);
	strappendf(out, "%s\"size\": %" PRIu64 ",\n", in, f->size);
	strappendf(out, "%s\"allocated\": %" PRIu64 ",\n", in, f->allocated);
	key_string(out, in, "sha256", f->sha256, false);
	strappendf(out, "%s}%s\n", ind, comma ? "," : "");
	free(in);
}

static void guests_json(char **out, const char *ind, const struct stage_opts *o,
			const struct staged_guest *v, size_t n);

static void guest_json(char **out, const char *ind, const struct stage_opts *o,
		       const struct staged_guest *sg, bool comma)
{
	char *in = xasprintf("%s  ", ind), *in2 = xasprintf("%s    ", ind);

	strappendf(out, "%s{\n", ind);
	key_string(out, in, "name", sg->name, true);
	key_string(out, in, "declaration", shown_path(o, sg->origin), true);
	key_string(out, in, "kernel_version", sg->kernel_version, true);
	key_string(out, in, "kernel_config_sha256", sg->config_sha256, true);
	string_list(out, in, "image_formats", sg->g && !sg->g->image_path ? &sg->g->formats : NULL);
	key_string(out, in, "launch_config", sg->launch_target, true);
	strappendf(out, "%s\"files\": [\n", in);
	for (size_t i = 0; i < sg->nfiles; i++)
		file_json(out, in2, o, &sg->files[i], i + 1 < sg->nfiles);
	strappendf(out, "%s],\n", in);
	guests_json(out, in, o, sg->kids, sg->nkids);
	strappendf(out, "%s}%s\n", ind, comma ? "," : "");
	free(in);
	free(in2);
}

static void guests_json(char **out, const char *ind, const struct stage_opts *o,
			const struct staged_guest *v, size_t n)
{
	char *in = xasprintf("%s  ", ind);

	strappendf(out, "%s\"guests\": [%s", ind, n ? "\n" : "");
	for (size_t i = 0; i < n; i++)
		guest_json(out, in, o, &v[i], i + 1 < n);
	strappendf(out, "%s]\n", n ? ind : "");
	free(in);
}

/* The sysroot's packages ("NAME ARCH VERSION SHA256 SOURCE SOURCE-VERSION"
 * lines), one object a line so that line-oriented readers of the files
 * below never take a package's digest for a file's. */
static void packages_json(char **out, const char *text)
{
	char *copy = xstrdup(text ? text : ""), *save = NULL;
	bool first = true;

	strappendf(out, "  \"packages\": [");
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[6], *fs = NULL;
		size_t n = 0;

		for (char *w = strtok_r(l, " ", &fs); w && n < 6; w = strtok_r(NULL, " ", &fs))
			f[n++] = w;
		if (n < 4)
			continue;
		strappendf(out, "%s\n    {\"name\": ", first ? "" : ",");
		json_string(out, f[0]);
		strappendf(out, ", \"arch\": ");
		json_string(out, f[1]);
		strappendf(out, ", \"version\": ");
		json_string(out, f[2]);
		strappendf(out, ", \"deb_sha256\": ");
		json_string(out, f[3]);
		if (n == 6) {
			strappendf(out, ", \"source\": ");
			json_string(out, f[4]);
			strappendf(out, ", \"source_version\": ");
			json_string(out, f[5]);
		}
		strappendf(out, "}");
		first = false;
	}
	strappendf(out, "%s],\n", first ? "" : "\n  ");
	free(copy);
}

char *manifest_json(const struct stage_plan *p)
{
	const struct stage_opts *o = p->o;
	char *out = NULL;

	strappendf(&out, "{\n");
	strappendf(&out, "  \"manifest_version\": 1,\n");
	key_string(&out, "  ", "board", o->board, true);
	key_string(&out, "  ", "hypervisor", o->hv == HV_XEN ? "xen" : "kvm", true);
	strappendf(&out, "  \"source_date_epoch\": %" PRIu64 ",\n", o->epoch);
	packages_json(&out, o->packages);
	strappendf(&out, "  \"carrier\": {\n");
	key_string(&out, "    ", "name", o->carrier, true);
	key_string(&out, "    ", "kernel_version", p->host_kernel_version, true);
	key_string(&out, "    ", "kernel_config_sha256", p->host_config_sha256, true);
	string_list(&out, "    ", "image_formats", &o->formats);
	guests_json(&out, "    ", o, p->guests, p->nguests);
	strappendf(&out, "  }\n}\n");
	return out;
}
