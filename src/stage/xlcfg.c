/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-written Xen guest configurations (xen-guest-bundle*.cfg), read with
 * Xen's own parser (libxlutil) and written anew from the parsed values:
 *
 * - every setting is kept, in file order, with its value as xl parsed it;
 * - kernel, ramdisk and device_tree, and the target of every disk (parsed
 *   with xlu_disk_parse, Xen's disk-spec parser), name files that are staged
 *   into /var/lib/xen/images/NAME/ and rewritten to that path;
 * - such a file must exist and lie inside "the bundle": the directory of
 *   the configuration, a --xen-configs directory or the deploy directory.
 *
 * libxlutil has no call that lists a file's settings, so their names are
 * found by a lexical scan (identifiers that start a statement, outside
 * strings and comments); every value comes from libxlutil.
 */
#include "stage.h"
#include "shared/devspec.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/target-paths.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef HAVE_XLUTIL
#include <libxl.h>
#include <libxlutil.h>

/* Setting names in file order, each once. */
static void scan_names(const char *text, struct namelist *names)
{
	const char *p = text;
	bool stmt_start = true;
	int depth = 0;

	while (*p) {
		if (*p == '#') {
			p += strcspn(p, "\n");
		} else if (*p == '"' || *p == '\'') {
			const char *end = strchr(p + 1, *p);

			p = end ? end + 1 : p + strlen(p);
			stmt_start = false;
		} else if (*p == '[') {
			depth++, p++;
		} else if (*p == ']') {
			depth--, p++;
		} else if ((*p == '\n' || *p == ';') && depth == 0) {
			stmt_start = true, p++;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else if (stmt_start && depth == 0 && (isalpha((unsigned char)*p) || *p == '_')) {
			size_t len = 0;
			char *name;

			while (isalnum((unsigned char)p[len]) || p[len] == '_')
				len++;
			name = xstrndup(p, len);
			if (!namelist_has(names, name))
				namelist_push(names, name);
			free(name);
			p += len;
			stmt_start = false;
		} else {
			p++;
			stmt_start = false;
		}
	}
}

struct xl_job {
	const struct stage_opts *o;
	const char *file;
	char *dir;          /* the configuration's directory */
	const char *name;
	struct staged_guest *sg;
	XLU_Config *cfg;
	char *report;       /* what libxlutil printed */
	size_t report_len;
	FILE *report_f;
};

static bool inside(const char *path, const char *dir)
{
	char real[PATH_MAX];
	size_t n;

	if (!realpath(dir, real))
		return false;
	n = strlen(real);
	return strncmp(path, real, n) == 0 && path[n] == '/';
}

/* Resolve a path-bearing value, check it is in the bundle, plan its staging;
 * returns the on-target path. */
static char *stage_path(struct xl_job *j, const char *key, const char *role, const char *v,
			char **err)
{
	char *cand = v[0] == '/' ? xstrdup(v) : xasprintf("%s/%s", j->dir, v);
	char real[PATH_MAX];
	const char *base;
	bool ok;
	struct staged_file *f;

	if (v[0] != '/' && access(cand, F_OK) < 0) {
		free(cand);
		cand = xasprintf("%s/%s", j->o->deploy, v);
	}
	if (!realpath(cand, real)) {
		*err = xasprintf("%s: %s '%s' %s (looked for %s); a guest whose files are missing "
				 "cannot be bundled", j->file, key, v, input_reason(errno), cand);
		free(cand);
		return NULL;
	}
	free(cand);
	ok = inside(real, j->dir) || inside(real, j->o->deploy);
	for (size_t i = 0; i < j->o->xl_dirs.n && !ok; i++)
		ok = inside(real, j->o->xl_dirs.v[i]);
	if (!ok) {
		*err = xasprintf("%s: %s '%s' is outside the bundle (the configuration's directory "
				 "and the deploy directory '%s'); put the file there", j->file, key,
				 v, j->o->deploy);
		return NULL;
	}
	base = strrchr(real, '/') + 1;
	f = VEC_APPEND(j->sg->files, j->sg->nfiles);
	memset(f, 0, sizeof(*f));
	f->role = role;
	f->src = xstrdup(real);
	f->target = xasprintf(TARGET_XEN_IMAGES "/%s/%s", j->name, base);
	if (staged_file_measure(j->o, f, err) < 0)
		return NULL;
	if (streq(role, "kernel") && !staged_file_is_kernel(f)) {
		*err = xasprintf("%s: kernel '%s' is not a kernel image (it holds %s); give a "
				 "bzImage, an arm64 Image or an ELF vmlinux", j->file, v, f->format);
		return NULL;
	}
	return xstrdup(f->target);
}

/* A value as an xl string that Xen's parser reads back as the same bytes.
 * libxlutil's quoted strings take backslash escapes: a backslash, the
 * quote and a newline must be escaped (a raw newline ends the string, a
 * lone backslash starts an escape); every other byte may stand as it is,
 * and is left so, since xl's octal and hex escapes do not read back
 * reliably (4.17 takes the digit after "\x41" into the number). */
static void append_quoted(char **out, const char *v)
{
	bool digits = v[0] != '\0';

	for (const char *p = v; *p; p++)
		digits = digits && isdigit((unsigned char)*p);
	if (digits) {
		strappendf(out, "%s", v);
		return;
	}
	char *q = xmalloc(2 * strlen(v) + 3), *w = q;

	*w++ = '\'';
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '\'' || *p == '\n')
			*w++ = '\\';
		*w++ = *p == '\n' ? 'n' : *p;
	}
	*w++ = '\'';
	*w = '\0';
	strappendf(out, "%s", q);
	free(q);
}

static const char *lower(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

/* A disk's target on the target: a device of the Xen host itself
 * (phy:/dev/..., /dev/vg0/x) passes through as it is, anything else is a
 * file of the bundle to stage. */
static char *disk_target(struct xl_job *j, const char *spec, const libxl_device_disk *d, char **err)
{
	char *path;
	bool ro;
	const char *why;

	/* libxlutil takes the old "phy:" prefix and drops it (the back end
	 * stays unknown): look for it in the text. */
	const char *t = spec + strspn(spec, " \t");
	bool phy = startswith(t, "phy:") || strstr(spec, "target=phy:") ||
		   d->backend == LIBXL_DISK_BACKEND_PHY;

	if (!devspec_is_host_disk(d->pdev_path)) {
		if (phy) {
			*err = xasprintf("%s: disk '%s': a phy disk is a device of the Xen host, and "
					 "'%s' is not under /dev/; give the device, or a file without phy:",
					 j->file, spec, d->pdev_path);
			return NULL;
		}
		return stage_path(j, "disk target", "disk", d->pdev_path, err);
	}
	why = devspec_host_disk(d->pdev_path, &path, &ro);
	if (why) {
		*err = xasprintf("%s: disk '%s': device '%s': %s", j->file, spec, d->pdev_path, why);
		return NULL;
	}
	return path;
}

/* One disk spec, parsed by Xen, written anew with its target on the target. */
static char *rewrite_disk(struct xl_job *j, const char *spec, char **err)
{
	libxl_device_disk d;
	char *out = NULL, *target = NULL, fmt[32];
	int r;

	libxl_device_disk_init(&d);
	r = xlu_disk_parse(j->cfg, 1, &spec, &d);
	if (r) {
		fflush(j->report_f);
		*err = xasprintf("%s: disk '%s' does not parse: %.*s", j->file, spec,
				 (int)j->report_len, j->report ? j->report : "");
		libxl_device_disk_dispose(&d);
		return NULL;
	}
	/* Options whose meaning involves another host or a device model this
	 * rewrite cannot vouch for are refused, never silently dropped. */
	if (!libxl_defbool_is_default(d.colo_enable) || d.colo_host || d.active_disk ||
	    d.hidden_disk || d.specification != LIBXL_DISK_SPECIFICATION_UNKNOWN ||
	    d.transport != LIBXL_DISK_TRANSPORT_UNKNOWN) {
		*err = xasprintf("%s: disk '%s': COLO, specification= and transport= options are "
				 "not staged; bundle this guest without them and add them on the "
				 "target", j->file, spec);
		libxl_device_disk_dispose(&d);
		return NULL;
	}
	if (d.pdev_path && d.pdev_path[0]) {
		target = disk_target(j, spec, &d, err);
		if (!target) {
			libxl_device_disk_dispose(&d);
			return NULL;
		}
	}
	strappendf(&out, "format=%s, vdev=%s, access=%s",
		   lower(libxl_disk_format_to_string(d.format), fmt, sizeof(fmt)),
		   d.vdev ? d.vdev : "", d.readwrite ? "rw" : "ro");
	if (d.is_cdrom)
		strappendf(&out, ", devtype=cdrom");
	if (d.backend != LIBXL_DISK_BACKEND_UNKNOWN)
		strappendf(&out, ", backendtype=%s",
			   lower(libxl_disk_backend_to_string(d.backend), fmt, sizeof(fmt)));
	if (d.backend_domname)
		strappendf(&out, ", backend=%s", d.backend_domname);
	if (d.script)
		strappendf(&out, ", script=%s", d.script);
	if (d.direct_io_safe)
		strappendf(&out, ", direct-io-safe");
	if (!libxl_defbool_is_default(d.discard_enable))
		strappendf(&out, ", %s", libxl_defbool_val(d.discard_enable) ? "discard" : "no-discard");
	if (!libxl_defbool_is_default(d.trusted))
		strappendf(&out, ", %s", libxl_defbool_val(d.trusted) ? "trusted" : "untrusted");
	if (target)
		strappendf(&out, ", target=%s", target);
	free(target);
	libxl_device_disk_dispose(&d);
	return out;
}

static const char *path_role(const char *key)
{
	if (streq(key, "kernel"))
		return "kernel";
	if (streq(key, "ramdisk"))
		return "ramdisk";
	if (streq(key, "device_tree"))
		return "device_tree";
	return NULL;
}

static int write_setting(struct xl_job *j, const char *key, char **out, char **err)
{
	XLU_ConfigList *list;
	const char *v;
	int n;

	if (xlu_cfg_get_list(j->cfg, key, &list, &n, 1) == 0) {
		strappendf(out, "%s = [", key);
		for (int i = 0; i < n; i++) {
			const char *item = xlu_cfg_get_listitem(list, i);
			char *fresh = NULL;

			if (!item) {
				*err = xasprintf("%s: '%s' holds a nested list; the stager writes "
						 "lists of strings only", j->file, key);
				return -1;
			}
			if (streq(key, "disk") && !(item = fresh = rewrite_disk(j, item, err)))
				return -1;
			strappendf(out, "%s ", i ? "," : "");
			append_quoted(out, item);
			free(fresh);
		}
		strappendf(out, " ]\n");
		return 0;
	}
	if (xlu_cfg_get_string(j->cfg, key, &v, 1) != 0) {
		*err = xasprintf("%s: cannot read the value of '%s'", j->file, key);
		return -1;
	}
	strappendf(out, "%s = ", key);
	if (path_role(key)) {
		char *t = stage_path(j, key, path_role(key), v, err);

		if (!t)
			return -1;
		append_quoted(out, t);
		free(t);
		strappendf(out, "\n");
		return 0;
	}
	append_quoted(out, v);
	strappendf(out, "\n");
	return 0;
}

static int plan_parsed(struct xl_job *j, const char *text, char **err)
{
	struct namelist names = { 0 };
	const char *name, *why_name;
	char *out = NULL;
	int r = 0;

	if (xlu_cfg_get_string(j->cfg, "name", &name, 1) != 0) {
		*err = xasprintf("%s: no 'name = \"...\"' setting; every guest needs a name",
				 j->file);
		return -1;
	}
	why_name = guest_name_problem(name);
	if (why_name) {
		*err = xasprintf("%s: name '%s': %s", j->file, name, why_name);
		return -1;
	}
	j->name = name;
	j->sg->name = xstrdup(name);
	scan_names(text, &names);
	strappendf(&out, "# Written by vmbundle stage from %s, paths rewritten.\n",
		   strrchr(j->file, '/') ? strrchr(j->file, '/') + 1 : j->file);
	for (size_t i = 0; i < names.n && r == 0; i++)
		r = write_setting(j, names.v[i], &out, err);
	namelist_free(&names);
	if (r < 0) {
		free(out);
		return -1;
	}
	j->sg->launch_text = out;
	j->sg->launch_target = xasprintf(TARGET_XEN_DIR "/%s.cfg", name);
	return 0;
}

int xlcfg_plan(const struct stage_opts *o, const char *file, struct staged_guest *sg, char **err)
{
	struct xl_job j = { .o = o, .file = file, .sg = sg };
	char *text = NULL, *why = NULL;
	size_t len;
	int r;

	memset(sg, 0, sizeof(*sg));
	sg->origin = xstrdup(file);
	r = input_read(file, 0, &text, &len, &why);
	if (r < 0) {
		*err = xasprintf("cannot read Xen configuration: %s", why);
		free(why);
		return -1;
	}
	/* libxlutil's lexer passes a NUL inside a string on to code that
	 * measures it with strlen, and asserts (the process aborts): refuse. */
	if (memchr(text, '\0', len)) {
		*err = xasprintf("%s: byte %zu is a NUL byte: not an xl configuration (a text file); "
				 "check that the right file was given", file,
				 (size_t)((char *)memchr(text, '\0', len) - text) + 1);
		free(text);
		return -1;
	}
	j.dir = xstrdup(file);
	*(strrchr(j.dir, '/') ? strrchr(j.dir, '/') : j.dir) = '\0';
	if (!j.dir[0]) {
		free(j.dir);
		j.dir = xstrdup(".");
	}
	j.report_f = open_memstream(&j.report, &j.report_len);
	j.cfg = j.report_f ? xlu_cfg_init(j.report_f, file) : NULL;
	if (!j.cfg) {
		*err = xasprintf("%s: cannot start Xen's configuration parser", file);
		r = -1;
	} else if (xlu_cfg_readdata(j.cfg, text, (int)len) != 0) {
		fflush(j.report_f);
		/* Xen's own words, which start with file:line. */
		if (j.report && j.report[0])
			*err = xasprintf("%.*s (Xen's parser, libxlutil)",
					 (int)strcspn(j.report, "\n"), j.report);
		else
			*err = xasprintf("%s: Xen's parser (libxlutil) rejects it", file);
		r = -1;
	} else {
		r = plan_parsed(&j, text, err);
	}
	if (j.cfg)
		xlu_cfg_destroy(j.cfg);
	if (j.report_f)
		fclose(j.report_f);
	free(j.report);
	free(j.dir);
	free(text);
	return r;
}

#else

int xlcfg_plan(const struct stage_opts *o, const char *file, struct staged_guest *sg, char **err)
{
	(void)o;
	memset(sg, 0, sizeof(*sg));
	*err = xasprintf("%s: this vmbundle was built without libxlutil, Xen's configuration "
			 "parser; install libxen-dev and re-run configure", file);
	return -1;
}

#endif
