/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The build timeline (make graph-build), drawn from one build's records.
 *
 * Lanes are make's job slots: each step goes into the lowest-numbered lane
 * free when it started (interval partitioning), so a build never needs more
 * lanes than steps ran at once, and at least as many as make's -j. Time a
 * lane spends with no step is idle, drawn hatched and added up per lane;
 * busy and idle time together are the lanes times the build's length. Each
 * step's bar is coloured by its kind (its label), and says its length and
 * how many CPUs it kept busy on average (CPU time / length: kbuild runs
 * many compilers inside one step).
 *
 * The critical path: from the step that ended last, back through the step
 * that ended last before each one started (what it waited for: a
 * prerequisite, or the job slot that freed up), to the first. It is what
 * to shorten to make the build shorter.
 */
#include "graph/graph.h"
#include "shared/util.h"

#include <math.h>
#include <stdlib.h>

#define WIDTH 1200
#define LEFT 110      /* lane labels */
#define RIGHT 20
#define TOP 60
#define LANE_H 34
#define LEGEND_H 30
#define SLACK 0.5     /* seconds between one step's end and the next one's start still "waiting for it" */

/* Colours by kind of step, in legend order. */
static const struct kind {
	const char *label, *colour, *what;
} kinds[] = {
	{ "SYSROOT", "#86bcb6", "Debian packages" },
	{ "EXTRACT", "#9c755f", "kernel source" },
	{ "PATCH", "#bab0ac", "patches" },
	{ "KCONFIG", "#76b7b2", "configuration" },
	{ "KAUDIT", "#edc948", "audit" },
	{ "BZIMAGE", "#4e79a7", "kernel build" },
	{ "MODINST", "#a0cbe8", "modules" },
	{ "ROOTFS", "#59a14f", "root filesystem" },
	{ "IMAGE", "#f28e2b", "image" },
	{ "STAGE", "#e15759", "staging" },
	{ "SBOM", "#b07aa1", "SBOM" },
};

static const struct kind *kind_of(const char *label)
{
	static const struct kind other = { "other", "#d3d3d3", "other" };

	/* The board's image target is the kernel build: BZIMAGE, VMLINUX ... */
	if (!streq(label, "IMAGE") && (endswith(label, "IMAGE") || startswith(label, "VMLINU")))
		label = "BZIMAGE";
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (streq(label, kinds[i].label))
			return &kinds[i];
	return &other;
}

/* The step the critical path waited for before @i: the latest to end no
 * later than @i started (with a little slack for make's own time). */
static long waited_for(const struct step_records *rs, size_t i)
{
	long best = -1;

	for (size_t j = 0; j < rs->n; j++) {
		if (j == i || rs->v[j].end > rs->v[i].start + SLACK || rs->v[j].start >= rs->v[i].start)
			continue;
		if (best < 0 || rs->v[j].end > rs->v[best].end)
			best = (long)j;
	}
	return best;
}

static char *step_name(const struct step_record *r)
{
	return xasprintf("%s %s", r->label, r->name);
}

int timeline_svg(const struct step_records *rs, const struct timeline_opts *o, char **svg, char **path_text,
		 char **err)
{
	if (!rs->n) {
		*err = xstrdup("the build has no step records; run make first");
		return -1;
	}
	double t0 = rs->v[0].start, t1 = rs->v[0].end;
	size_t *lane = xcalloc(rs->n, sizeof(*lane)), nlanes = 0;
	double *lane_end = xcalloc(rs->n, sizeof(*lane_end));
	bool *critical = xcalloc(rs->n, sizeof(*critical));

	for (size_t i = 0; i < rs->n; i++) {
		if (rs->v[i].end > t1)
			t1 = rs->v[i].end;
		size_t l = 0;

		while (l < nlanes && lane_end[l] > rs->v[i].start)
			l++;
		if (l == nlanes)
			nlanes++;
		lane[i] = l;
		lane_end[l] = rs->v[i].end;
	}
	unsigned jobs = o->slots;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].jobs > jobs)
			jobs = rs->v[i].jobs;
	if (jobs > nlanes && jobs < 256)
		nlanes = jobs;
	double wall = t1 - t0 > 0 ? t1 - t0 : 1e-6, scale = (WIDTH - LEFT - RIGHT) / wall;

	/* The critical path, from the step that ended last. */
	struct strbuf pt = { 0 };
	size_t last = 0;
	double on_path = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].end > rs->v[last].end)
			last = i;
	{
		long chain[4096];
		size_t n = 0;

		for (long i = (long)last; i >= 0 && n < ARRAY_SIZE(chain); i = waited_for(rs, (size_t)i)) {
			if (critical[i])
				break;
			critical[i] = true;
			chain[n++] = i;
		}
		strbuf_puts(&pt, "critical path:");
		for (size_t k = n; k-- > 0;) {
			const struct step_record *r = &rs->v[chain[k]];

			strbuf_printf(&pt, "%s %s %s (%.1f s)", k + 1 == n ? "" : " ->", r->label, r->name,
				      r->end - r->start);
			on_path += r->end - r->start;
		}
		strbuf_printf(&pt, "\ncritical path: %.1f s of steps in a build of %.1f s (the rest is make and "
			      "waiting between them)\n", on_path, wall);
	}

	/* Busy and idle time per lane. */
	double *busy = xcalloc(nlanes, sizeof(*busy)), total_busy = 0;

	for (size_t i = 0; i < rs->n; i++) {
		busy[lane[i]] += rs->v[i].end - rs->v[i].start;
		total_busy += rs->v[i].end - rs->v[i].start;
	}

	struct strbuf b = { 0 };
	unsigned height = TOP + (unsigned)nlanes * LANE_H + 40 + LEGEND_H + 24;
	char *title = xasprintf("vmbundle build %s: %.1f s, %zu steps on %zu job slots", o->title ? o->title : "",
				wall, rs->n, nlanes);

	svg_begin(&b, WIDTH, height, title);
	svg_label(&b, 10, 22, "start", 16, "font-weight=\"bold\"", title);
	{
		char *sum = xasprintf("busy %.1f s, idle %.1f s of %zu slots x %.1f s; critical path %.1f s (outlined)",
				      total_busy, (double)nlanes * wall - total_busy, nlanes, wall, on_path);

		svg_label(&b, 10, 42, "start", 12, "id=\"summary\"", sum);
		free(sum);
	}
	strbuf_printf(&b, "<defs><pattern id=\"idle\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
			  "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
			  "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#cccccc\" stroke-width=\"2\"/>"
			  "</pattern></defs>\n");
	for (size_t l = 0; l < nlanes; l++) {
		double y = TOP + (double)l * LANE_H;
		char *label = xasprintf("slot %zu", l + 1), *idle = xasprintf("idle %.1f s", wall - busy[l]);

		strbuf_printf(&b, "<g class=\"lane\" data-slot=\"%zu\" data-busy=\"%.6f\" data-idle=\"%.6f\">\n", l + 1,
			      busy[l], wall - busy[l]);
		strbuf_printf(&b, "<rect class=\"idle\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
				  "fill=\"url(#idle)\"/>\n", LEFT, y, wall * scale, LANE_H - 6);
		svg_label(&b, LEFT - 8, y + 13, "end", 12, NULL, label);
		svg_label(&b, LEFT - 8, y + 26, "end", 10, "fill=\"#888888\"", idle);
		strbuf_puts(&b, "</g>\n");
		free(label);
		free(idle);
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct step_record *r = &rs->v[i];
		const struct kind *k = kind_of(r->label);
		double x = LEFT + (r->start - t0) * scale, w = (r->end - r->start) * scale;
		double y = TOP + (double)lane[i] * LANE_H, len = r->end - r->start;
		double cpus = len > 0 ? (r->utime + r->stime) / len : 0;
		char *name = step_name(r);
		char *tip = xasprintf("%s: %.1f s from %.1f s, CPU %.1f s (%.1f CPUs), %ld KiB peak%s%s", name, len,
				      r->start - t0, r->utime + r->stime, cpus, r->maxrss_kib,
				      step_record_passed(r) ? "" : ", ", step_record_passed(r) ? "" : r->status);

		strbuf_printf(&b, "<g class=\"step\" data-label=\"");
		xml_text(&b, r->label);
		strbuf_puts(&b, "\" data-name=\"");
		xml_text(&b, r->name);
		strbuf_printf(&b, "\" data-start=\"%.6f\" data-end=\"%.6f\" data-slot=\"%zu\" data-cpu=\"%.2f\" "
				  "data-critical=\"%s\">\n<title>", r->start - t0, r->end - t0, lane[i] + 1,
			      r->utime + r->stime, critical[i] ? "yes" : "no");
		xml_text(&b, tip);
		strbuf_printf(&b, "</title>\n<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s/>\n",
			      x, y, w > 0.5 ? w : 0.5, LANE_H - 6, step_record_passed(r) ? k->colour : "#ff0000",
			      critical[i] ? " stroke=\"#000000\" stroke-width=\"2\"" : " stroke=\"#ffffff\"");
		/* The name inside the bar when it fits (about 6.5 px a character). */
		char *text = xasprintf("%s %.0fs", name, len);

		if (w > 6.5 * (double)strlen(text) + 6)
			svg_label(&b, x + 4, y + 18, "start", 11, "fill=\"#ffffff\"", text);
		strbuf_puts(&b, "</g>\n");
		free(text);
		free(tip);
		free(name);
	}
	/* The time axis: a tick about every tenth of the build, on round seconds. */
	double y_axis = TOP + (double)nlanes * LANE_H + 6, step = 1;

	while (wall / step > 12)
		step *= step == 1 ? 5 : step == 5 ? 2 : step == 10 ? 3 : 2;
	strbuf_printf(&b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n", LEFT, y_axis,
		      LEFT + wall * scale, y_axis);
	for (double t = 0; t <= wall + 1e-9; t += step) {
		char *l = xasprintf("%.0f s", t);

		strbuf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n",
			      LEFT + t * scale, y_axis, LEFT + t * scale, y_axis + 5);
		svg_label(&b, LEFT + t * scale, y_axis + 18, "middle", 10, NULL, l);
		free(l);
	}
	/* The legend: the kinds this build has. */
	double lx = LEFT, ly = y_axis + 40;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		bool present = false;

		for (size_t j = 0; j < rs->n && !present; j++)
			present = kind_of(rs->v[j].label) == &kinds[i];
		if (!present)
			continue;
		char *l = xasprintf("%s (%s)", kinds[i].label, kinds[i].what);

		strbuf_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx, ly - 10,
			      kinds[i].colour);
		svg_label(&b, lx + 16, ly, "start", 11, NULL, l);
		lx += 16 + 6.5 * (double)strlen(l) + 14;
		free(l);
	}
	svg_end(&b);
	*svg = strbuf_take(&b);
	*path_text = strbuf_take(&pt);
	free(title);
	free(busy);
	free(lane);
	free(lane_end);
	free(critical);
	return 0;
}
