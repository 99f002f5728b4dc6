/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a carrier's images: its tree plus the planned guest files and
 * generated configs (grafted into the tree model), through the image
 * module. Each output is built under ".BASE.staging" next to it, checked
 * with e2fsck -fn when it is an ext image, and only then renamed over the
 * previous one; a run killed at any moment leaves the previous image as it
 * was, and the next run removes the leftovers.
 */
#include "stage.h"
#include "hashpool.h"
#include "image/image.h"
#include "image/permtab.h"
#include "image/tree.h"
#include "shared/fsutil.h"
#include "shared/output.h"
#include "shared/run.h"
#include "shared/target-paths.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void stage_remove_stale_tmps(const char *output)
{
	char *dir = path_dir(output);
	char *ours = xasprintf(".%s.", base_of(output));        /* .BASE.staging */
	char *nested = xasprintf("..%s.staging.", base_of(output)); /* image_build's temps of it */
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (startswith(de->d_name, ours) || startswith(de->d_name, nested)) {
			char *p = xasprintf("%s/%s", dir, de->d_name);
			struct stat st;

			if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
				unlink(p);
			free(p);
		}
	if (d)
		closedir(d);
	free(dir);
	free(ours);
	free(nested);
}

/* A generated text as a file in the work directory, for the tree to point at. */
static char *work_file(const struct stage_opts *o, const char *target, const char *text,
		       char **err)
{
	char *flat = xstrdup(target + 1), *path, *tmp;
	int fd;

	for (char *p = flat; *p; p++)
		if (*p == '/')
			*p = '_';
	path = xasprintf("%s/%s", o->work, flat);
	tmp = xasprintf("%s.tmp", path);
	free(flat);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
		free(path);
		return NULL;
	}
	free(tmp);
	return path;
}

static int graft_text(struct tree *t, const struct stage_opts *o, const char *target,
		      const char *text, char **err)
{
	char *src = work_file(o, target, text, err);
	int r;

	if (!src)
		return -1;
	r = tree_graft(t, target, src, NULL, 0644, err);
	free(src);
	return r < 0 ? -1 : 0;
}

static bool grafted_before(const struct stage_plan *p, size_t gi, size_t fi)
{
	const char *target = p->guests[gi].files[fi].target;

	for (size_t a = 0; a <= gi; a++)
		for (size_t b = 0; b < (a == gi ? fi : p->guests[a].nfiles); b++)
			if (streq(p->guests[a].files[b].target, target))
				return true;
	return false;
}

static int graft_guests(struct tree *t, const struct stage_plan *p, char **err)
{
	for (size_t i = 0; i < p->nguests; i++) {
		const struct staged_guest *sg = &p->guests[i];

		for (size_t j = 0; j < sg->nfiles; j++) {
			/* A shared disk is staged once for all its guests. */
			if (grafted_before(p, i, j))
				continue;
			/* Measured by the plan already: not read again. */
			const struct staged_file *f = &sg->files[j];

			if (tree_graft_measured(t, f->target, f->src, 0644, f->size,
						f->allocated / TREE_BLOCK, f->regions, err) < 0)
				return -1;
		}
		if (graft_text(t, p->o, sg->launch_target, sg->launch_text, err) < 0)
			return -1;
		if (p->o->hv == HV_XEN && sg->g && sg->g->autostart) {
			char *link = xasprintf(TARGET_XEN_AUTO_DIR "/%s.cfg", sg->name);
			char *to = xasprintf("../%s.cfg", sg->name);
			int r = tree_graft(t, link, NULL, to, 0777, err);

			free(link);
			free(to);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

static int load_tree(const struct stage_opts *o, struct tree *t, char **err)
{
	struct permtab pt = { 0 };
	int r = tree_load(o->tree, t, err);

	for (size_t i = 0; i < o->npermtabs && r == 0; i++)
		r = permtab_parse_file(o->permtabs[i], &pt, err);
	if (r == 0)
		r = tree_apply_permtab(t, &pt, err);
	permtab_free(&pt);
	return r < 0 ? -1 : 0;
}

/* Build one format under ".BASE.staging" next to @output (already resolved
 * by the output rules); @staging gets that path. The output itself is not
 * touched yet. */
static int build_one(const struct stage_plan *p, struct tree *t, const char *format,
		     const char *output, char **staging, char **err)
{
	const struct stage_opts *o = p->o;
	const struct image_handler *h = image_handler_find(format);
	char *dir = path_dir(output);
	char *name = xasprintf("%s-%s.rootfs", o->carrier, o->board);
	struct image_opts io = {
		.name = name, .size = o->size, .extra = o->extra, .epoch = o->epoch,
	};
	char *why = NULL;
	int r = -1;

	*staging = xasprintf("%s/.%s.staging", dir, base_of(output));
	io.output = *staging;
	stage_remove_stale_tmps(output);
	if (!h)
		*err = xasprintf("unknown image format '%s' for '%s'", format, o->carrier);
	else if (image_build(h, t, &io, &why) < 0) /* which checks it (image_verify) */
		*err = xasprintf("%s: %s", output, why);
	else
		r = 0;
	free(why);
	free(dir);
	free(name);
	return r;
}

/*
 * Replacing an image frees the previous one's blocks inside rename(2): on
 * this kind of disk (ext4 mounted with discard) 0.1 s for every 300 MB,
 * more than a third of a warm staging (benchmarks.md). So, when the
 * previous image is a large regular file with one name, it first gets a
 * second name (".BASE.previous"; a leftover regular file there is removed
 * first): the rename then only drops a name, and the blocks are freed by an
 * rm in the background once the new image is in place. Any failure here keeps the
 * plain path: the rename frees them itself.
 */
#define FREE_LATER_MIN (32ULL << 20)

static char *keep_previous(const char *output)
{
	char *dir = path_dir(output);
	char *keep = xasprintf("%s/.%s.previous", dir, base_of(output));
	struct stat st;

	free(dir);
	/* A leftover of ours is a regular file; anything else there is not
	 * ours to remove, and link() below then fails and keeps the plain path. */
	if (lstat(keep, &st) == 0 && S_ISREG(st.st_mode))
		unlink(keep);
	if (lstat(output, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    (uint64_t)st.st_blocks * 512 >= FREE_LATER_MIN && link(output, keep) == 0)
		return keep;
	free(keep);
	return NULL;
}

/* Free the kept previous images in the background; no output, no waiting. */
static void free_previous(char **keep, size_t n)
{
	const char **argv = xcalloc(n + 4, sizeof(*argv));
	struct run_opts ro = {
		.in = { RUN_NULL, NULL, 0 }, .out = { RUN_NULL, NULL, 0 },
		.err = { RUN_NULL, NULL, 0 }, .new_session = true,
	};
	size_t argc = 0;
	char *why = NULL;

	argv[argc++] = "rm";
	argv[argc++] = "-f";
	argv[argc++] = "--";
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			argv[argc++] = keep[i];
	/* rm not started: free them here, as the rename would have. */
	if (argc > 3 && run_background(argv, &ro, &why) < 0)
		for (size_t i = 0; i < n; i++)
			if (keep[i])
				unlink(keep[i]);
	free(why);
	free(argv);
}

/* Every format is built before any replaces its output, so a failure in the
 * last one still leaves all the previous images as they were. */
static int write_images(const struct stage_plan *p, struct tree *t, char **err)
{
	const struct namelist *formats = &p->o->formats;
	char **staging = xcalloc(formats->n, sizeof(*staging));
	char **keep = xcalloc(formats->n, sizeof(*keep));
	struct output_target *out = xcalloc(formats->n, sizeof(*out));
	int r = 0;

	/* Every output is judged before anything is built (shared/output.h). */
	for (size_t i = 0; i < formats->n && r == 0; i++) {
		char *output = stage_image_path(p->o, p->o->carrier, formats->v[i]);

		r = output_resolve(output, false, &out[i], err);
		free(output);
	}
	for (size_t i = 0; i < formats->n && r == 0; i++)
		r = build_one(p, t, formats->v[i], out[i].path, &staging[i], err);
	for (size_t i = 0; i < formats->n && r == 0; i++) {
		keep[i] = keep_previous(out[i].path);
		r = output_publish(staging[i], out[i].path, err);
		free(staging[i]);
		staging[i] = NULL;
	}
	free_previous(keep, formats->n);
	for (size_t i = 0; i < formats->n; i++) {
		if (staging[i] && r < 0)
			unlink(staging[i]);
		free(staging[i]);
		free(keep[i]);
		free(out[i].path);
	}
	free(staging);
	free(keep);
	free(out);
	return r;
}

/* Every planned file still waiting for its digest, the carried guests'
 * own guests included (the manifest describes them too). */
static void collect_pending(struct staged_guest *sg, size_t n, struct staged_file ***v,
			    size_t *nv)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < sg[i].nfiles; j++)
			if (sg[i].files[j].pending) {
				*VEC_APPEND(*v, *nv) = &sg[i].files[j];
			}
		collect_pending(sg[i].kids, sg[i].nkids, v, nv);
	}
}

struct manifest_job {
	struct stage_plan *p;
	struct hash_pool *pool;    /* NULL once waited for */
	struct staged_file **files;
	size_t nfiles;
	size_t length;             /* of the manifest with placeholder digests */
};

/* The tree's late hook: the digests are done, so the manifest is final. Its
 * placeholder had the same length (64 '0's per digest), which the image
 * writers sized and placed already. */
static int finish_manifest(void *ctx, char **err)
{
	struct manifest_job *m = ctx;
	const struct stage_opts *o = m->p->o;
	char *text, *path;
	int r = hash_pool_wait(m->pool, err);

	m->pool = NULL;
	if (r < 0)
		return -1;
	for (size_t i = 0; i < m->nfiles && o->cache; i++)
		hash_cache_put(o->cache, &m->files[i]->st, m->files[i]->sha256,
			       m->files[i]->allocated, m->files[i]->regions);
	text = manifest_json(m->p);
	if (strlen(text) != m->length) {
		*err = xasprintf("the manifest's length changed from %zu to %zu bytes when its "
				 "digests were filled in; this is a bug, please report it", m->length,
				 strlen(text));
		free(text);
		return -1;
	}
	path = work_file(o, TARGET_MANIFEST, text, err);
	free(text);
	free(path);
	return path ? 0 : -1;
}

int stage_write(struct stage_plan *p, char **err)
{
	const struct stage_opts *o = p->o;
	struct manifest_job m = { .p = p };
	char *manifest;
	struct tree t = { 0 };
	int r;

	r = mkdir_p(o->work, 0755);
	if (r < 0) {
		*err = xasprintf("cannot create work directory '%s': %s", o->work, strerror(-r));
		return -1;
	}
	/* The placeholder first: from here on the workers write the digests. */
	manifest = manifest_json(p);
	m.length = strlen(manifest);
	collect_pending(p->guests, p->nguests, &m.files, &m.nfiles);
	m.pool = hash_pool_start(m.files, m.nfiles);
	r = load_tree(o, &t, err);
	if (r == 0)
		r = graft_guests(&t, p, err);
	if (r == 0)
		r = graft_text(&t, o, TARGET_MANIFEST, manifest, err);
	if (r == 0)
		r = tree_defer(&t, TARGET_MANIFEST, finish_manifest, &m, err) < 0 ? -1 : 0;
	if (r == 0) {
		tree_finish(&t);
		r = write_images(p, &t, err);
	}
	/* Every writer reads the manifest, so the hook ran unless one failed
	 * first; the threads still read the plan's files either way. */
	if (r == 0)
		r = tree_run_late_hook(&t, err);
	if (m.pool) {
		char *why = NULL;

		hash_pool_wait(m.pool, &why);
		free(why);
	}
	tree_free(&t);
	if (r == 0 && o->manifest) {
		char *src = xasprintf("%s/etc_vmbundle_manifest.json", o->work), *text = NULL;
		size_t len = 0;

		/* The output rules (shared/output.h): through a symlink to its
		 * target, in place on a FIFO or character device. */
		r = read_file(src, &text, &len);
		if (r < 0) {
			*err = xasprintf("cannot read the manifest written to '%s': %s", src,
					 strerror(-r));
			r = -1;
		} else {
			r = output_write_buffer(o->manifest, text, len, err);
		}
		free(text);
		free(src);
	}
	free(manifest);
	free(m.files);
	return r < 0 ? -1 : 0;
}
