/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where an image's bytes go (make graph-size), from the image model
 * (src/sbom): every regular file read back from the image is counted once
 * (hard links share their blocks) by its allocated bytes in a filesystem
 * image, or the bytes an archive holds for it (uncompressed), under its
 * category (origin.c). For a
 * filesystem, what no file holds is its metadata (inode tables, bitmaps,
 * directories, the journal) or free: the rows then add up to the
 * filesystem's size exactly. Free space is the image's headroom: what can
 * still be added without making it larger.
 */
#include "graph/graph.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <inttypes.h>
#include <stdlib.h>

#define WIDTH 900
#define BAR_Y 60
#define BAR_H 40
#define ROW_H 20

static struct size_row *row(struct size_table *t, const char *label)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->v[i].label, label))
			return &t->v[i];
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n] = (struct size_row){ .label = xstrdup(label) };
	return &t->v[t->n++];
}

static int by_inode(const void *a, const void *b)
{
	const struct img_file *x = *(const struct img_file *const *)a, *y = *(const struct img_file *const *)b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x < y ? -1 : x > y; /* the first name keeps the blocks */
}

/* Which files are a later name of an inode counted already (hard links). */
static bool *later_links(const struct img_listing *l)
{
	const struct img_file **v = xcalloc(l->n + 1, sizeof(*v));
	bool *later = xcalloc(l->n + 1, sizeof(*later));
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->files[i].inode)
			v[n++] = &l->files[i];
	qsort(v, n, sizeof(*v), by_inode);
	for (size_t i = 1; i < n; i++)
		if (v[i]->inode == v[i - 1]->inode)
			later[v[i] - l->files] = true;
	free(v);
	return later;
}

void size_table_build(const struct sbom *s, struct size_table *t)
{
	static const char *const fixed[] = { "toolstack", "libraries", "busybox", "kernel modules" };
	const struct img_listing *l = &s->img;
	bool *later = later_links(l);
	uint64_t counted = 0;

	*t = (struct size_table){ .has_fs = l->has_fs, .image = xstrdup(strrchr(s->read_path, '/') ?
						   strrchr(s->read_path, '/') + 1 : s->read_path) };
	/* The rows in a fixed order: guests first, as staged. */
	for (size_t i = 0; i < s->ncomps; i++)
		if (s->comps[i].kind == COMP_GUEST) {
			static const char *const parts[] = { "kernel", "images", "disks" };

			for (size_t k = 0; k < ARRAY_SIZE(parts); k++) {
				char *label = xasprintf("guest %s: %s", s->comps[i].guest, parts[k]);

				row(t, label);
				free(label);
			}
		}
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		row(t, fixed[i]);
	for (size_t i = 0; i < l->n; i++) {
		const struct img_file *f = &l->files[i];
		char *label = f->guest ? xasprintf("guest %s: %s", f->guest, f->category) : xstrdup(f->category);
		struct size_row *r = row(t, label);
		uint64_t bytes = later[i] ? 0 : f->allocated;

		free(label);
		r->bytes += bytes;
		r->files++;
		counted += bytes;
		t->files++;
	}
	/* "the rest" last among the files' rows. */
	struct size_row rest = *row(t, "the rest");

	for (size_t i = 0, k = 0; i < t->n; i++)
		if (!streq(t->v[i].label, "the rest"))
			t->v[k++] = t->v[i];
	t->v[t->n - 1] = rest;
	if (l->has_fs) {
		uint64_t used = l->fs_bytes - l->free_bytes;

		row(t, "filesystem metadata")->bytes = used > counted ? used - counted : 0;
		row(t, "free (headroom)")->bytes = l->free_bytes;
		t->free_bytes = l->free_bytes;
		t->total = l->fs_bytes;
	} else {
		t->total = counted;
	}
	free(later);
}

void size_table_free(struct size_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].label);
	free(t->v);
	free(t->image);
	*t = (struct size_table){ 0 };
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

char *size_csv(const struct size_table *t)
{
	struct strbuf b = { 0 };

	strbuf_puts(&b, "category,bytes,files,percent\n");
	for (size_t i = 0; i < t->n; i++) {
		/* Labels hold no commas or quotes (guest names cannot). */
		strbuf_printf(&b, "%s,%" PRIu64 ",%zu,%.2f\n", t->v[i].label, t->v[i].bytes, t->v[i].files,
			      percent(t->v[i].bytes, t->total));
	}
	strbuf_printf(&b, "total,%" PRIu64 ",%" PRIu64 ",100.00\n", t->total, t->files);
	return strbuf_take(&b);
}

char *size_headroom(const struct size_table *t)
{
	char *free_h = human_bytes(t->free_bytes), *total_h = human_bytes(t->total), *s;

	if (t->has_fs)
		s = xasprintf("headroom: %s free of %s (%.1f %%)", free_h, total_h, percent(t->free_bytes, t->total));
	else
		s = xasprintf("headroom: none to speak of (%s is an archive of %s: it grows with its content)",
			      t->image, total_h);
	free(free_h);
	free(total_h);
	return s;
}

char *size_svg(const struct size_table *t)
{
	struct strbuf b = { 0 };
	unsigned height = BAR_Y + BAR_H + 30 + (unsigned)t->n * ROW_H + 20;
	char *total_h = human_bytes(t->total), *head = size_headroom(t);
	char *title = xasprintf("%s: %s; %s", t->image, total_h, head);
	double x = 10, scale = t->total ? (WIDTH - 20) / (double)t->total : 0;

	svg_begin(&b, WIDTH, height, title);
	svg_label(&b, 10, 22, "start", 15, "font-weight=\"bold\"", t->image);
	svg_label(&b, 10, 42, "start", 12, "id=\"summary\"", title + strlen(t->image) + 2);
	for (size_t i = 0; i < t->n; i++) {
		const struct size_row *r = &t->v[i];
		bool is_free = streq(r->label, "free (headroom)");
		const char *colour = is_free ? "#f0f0f0" : streq(r->label, "filesystem metadata") ? "#bab0ac" :
				     svg_colour(i);
		char *h = human_bytes(r->bytes);
		char *tip = xasprintf("%s: %s (%.1f %%), %zu files", r->label, h, percent(r->bytes, t->total), r->files);
		double w = (double)r->bytes * scale, y = BAR_Y + BAR_H + 30 + (double)i * ROW_H;

		strbuf_puts(&b, "<g class=\"row\" data-label=\"");
		xml_text(&b, r->label);
		strbuf_printf(&b, "\" data-bytes=\"%" PRIu64 "\" data-files=\"%zu\">\n<title>", r->bytes, r->files);
		xml_text(&b, tip);
		strbuf_printf(&b, "</title>\n<rect x=\"%.3f\" y=\"%d\" width=\"%.3f\" height=\"%d\" fill=\"%s\"%s/>\n", x,
			      BAR_Y, w, BAR_H, colour, is_free ? " stroke=\"#999999\"" : "");
		strbuf_printf(&b, "<rect x=\"10\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"%s/>\n", y - 10, colour,
			      is_free ? " stroke=\"#999999\"" : "");
		svg_label(&b, 28, y, "start", 12, NULL, r->label);
		{
			char *n = xasprintf("%s  %.1f %%", h, percent(r->bytes, t->total));

			svg_label(&b, 420, y, "end", 12, NULL, n);
			free(n);
		}
		strbuf_puts(&b, "</g>\n");
		x += w;
		free(h);
		free(tip);
	}
	svg_end(&b);
	free(total_h);
	free(head);
	free(title);
	return strbuf_take(&b);
}
