/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What depends on what (make graph-depends), as graphviz dot: the host
 * image, the guests it carries (and what they carry), each image's kernel,
 * rootfs type and feature templates, each kernel's description files, and
 * the guests' declarations; files are grouped by the layer (or the
 * project's own tree) they come from. An arrow points from what is built to
 * what it is built from, so everything upstream of a changed file is what
 * the change rebuilds.
 */
#include "graph/graph.h"
#include "shared/fsutil.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

struct graph {
	struct strbuf nodes, edges;
	struct namelist seen;           /* node ids written */
	struct namelist *layer_files;   /* per layer: the file nodes in it */
	const struct depends_opts *o;
};

static void quoted(struct strbuf *b, const char *s)
{
	strbuf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_puts(b, "\\");
		if (*s == '\n')
			strbuf_puts(b, "\\n");
		else
			strbuf_add(b, s, 1);
	}
	strbuf_puts(b, "\"");
}

static void node(struct graph *g, struct strbuf *into, const char *id, const char *label, const char *attrs)
{
	if (namelist_has(&g->seen, id))
		return;
	namelist_push(&g->seen, id);
	strbuf_puts(into, "  ");
	quoted(into, id);
	strbuf_puts(into, " [label=");
	quoted(into, label);
	strbuf_printf(into, "%s%s];\n", attrs ? ", " : "", attrs ? attrs : "");
}

static void edge(struct graph *g, const char *from, const char *to, const char *label)
{
	strbuf_puts(&g->edges, "  ");
	quoted(&g->edges, from);
	strbuf_puts(&g->edges, " -> ");
	quoted(&g->edges, to);
	if (label) {
		strbuf_puts(&g->edges, " [label=");
		quoted(&g->edges, label);
		strbuf_puts(&g->edges, "]");
	}
	strbuf_puts(&g->edges, ";\n");
}

/* A file node, labelled relative to the layer (or the project's tree) it is
 * in; depends_dot puts it into that layer's cluster. */
static void file_node(struct graph *g, const char *path, char **id)
{
	char real[PATH_MAX];
	const char *p = realpath(path, real) ? real : path, *label = p;
	size_t layer = 0;

	for (size_t i = 0; i < g->o->layers.n && label == p; i++) {
		char *dir = realpath(strchr(g->o->layers.v[i], ':') + 1, NULL);
		const char *rel = dir ? path_below(p, dir) : NULL;

		if (rel)
			label = rel, layer = i + 1;
		free(dir);
	}
	/* Named by layer and relative path, so the graph does not depend on
	 * where the trees are. */
	*id = layer ? xasprintf("file:%zu:%s", layer, label) : xasprintf("file:%s", p);
	if (layer && !namelist_has(&g->seen, *id))
		namelist_push(&g->layer_files[layer - 1], *id);
	node(g, &g->nodes, *id, label, "shape=note, fillcolor=\"#ffffff\"");
}

static void kernel_files(struct graph *g, const char *kernel_id, const char *kname)
{
	char *keymk = xasprintf("%s/%s/key.mk", g->o->kernel_dir, kname), *text = NULL;
	char *want = xasprintf("/%s/key.mk:", kname);
	size_t len;

	if (g->o->kernel_dir && read_file(keymk, &text, &len) == 0 && strstr(text, want)) {
		char *p = strstr(text, want) + strlen(want), *save = NULL;
		/* The prerequisite list: up to the first line without a continuation. */
		char *end = p;

		while (*end && !(end[0] == '\n' && (end == p || end[-1] != '\\')))
			end++;
		*end = '\0';
		for (char *w = strtok_r(p, " \t\n\\", &save); w; w = strtok_r(NULL, " \t\n\\", &save)) {
			char *id;

			file_node(g, w, &id);
			edge(g, kernel_id, id, NULL);
			free(id);
		}
	}
	free(text);
	free(keymk);
	free(want);
}

/* Split "A:B:C" into at most @n fields (the last takes the rest). */
static size_t fields(const char *s, char **out, size_t n)
{
	size_t k = 0;

	while (k + 1 < n) {
		const char *colon = strchr(s, ':');

		if (!colon)
			break;
		out[k++] = xstrndup(s, (size_t)(colon - s));
		s = colon + 1;
	}
	out[k++] = xstrdup(s);
	return k;
}

enum pair_kind { PAIR_CARRIES, PAIR_TEMPLATE, PAIR_DECL };

/* Edges from image A of each "A:B": to guest B's image (carries), to
 * template B, or to declaration file B. */
static void pair_edges(struct graph *g, const struct namelist *l, enum pair_kind kind)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *colon = strchr(l->v[i], ':'), *b = colon + 1;
		char *a = xstrndup(l->v[i], (size_t)(colon - l->v[i]));
		char *img = xasprintf("image:%s", a), *to = NULL, *label;

		if (kind == PAIR_CARRIES) {
			to = xasprintf("image:%s", b);
			edge(g, img, to, "carries");
		} else if (kind == PAIR_TEMPLATE) {
			to = xasprintf("template:%s", b);
			label = xasprintf("template\n%s", b);
			node(g, &g->nodes, to, label, "fillcolor=\"#edc948\"");
			edge(g, img, to, NULL);
			free(label);
		} else {
			file_node(g, b, &to);
			edge(g, img, to, "declared by");
		}
		free(to);
		free(img);
		free(a);
	}
}

/* Every "A:B" option has its colon. */
static int check_pairs(const struct namelist *l, const char *option, const char *shape, char **err)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strchr(l->v[i], ':') || l->v[i][0] == ':') {
			*err = xasprintf("--%s '%s' is not %s", option, l->v[i], shape);
			return -1;
		}
	return 0;
}

int depends_dot(const struct depends_opts *o, char **dot, char **err)
{
	struct graph g = { .o = o };
	struct strbuf b = { 0 };

	if (check_pairs(&o->layers, "layer", "NAME:DIR", err) < 0 ||
	    check_pairs(&o->carries, "carries", "CARRIER:GUEST", err) < 0 ||
	    check_pairs(&o->templates, "template", "NAME:TEMPLATE", err) < 0 ||
	    check_pairs(&o->decls, "decl", "NAME:FILE", err) < 0)
		return -1;
	g.layer_files = xcalloc(o->layers.n + 1, sizeof(*g.layer_files));
	for (size_t i = 0; i < o->images.n; i++) {
		char *f[3] = { 0 };

		if (fields(o->images.v[i], f, 3) != 3 || !*f[0]) {
			*err = xasprintf("--image '%s' is not NAME:ROOTFS-TYPE:KERNEL", o->images.v[i]);
			for (size_t k = 0; k < 3; k++)
				free(f[k]);
			strbuf_free(&g.nodes);
			strbuf_free(&g.edges);
			namelist_free(&g.seen);
			for (size_t k = 0; k < o->layers.n; k++)
				namelist_free(&g.layer_files[k]);
			free(g.layer_files);
			return -1;
		}
		char *img = xasprintf("image:%s", f[0]), *label = xasprintf("%s\nimage", f[0]);

		node(&g, &g.nodes, img, label, streq(f[0], "host") ? "fillcolor=\"#e15759\", fontcolor=\"#ffffff\"" :
					       "fillcolor=\"#f28e2b\"");
		if (*f[1]) {
			char *rt = xasprintf("rootfs:%s", f[1]), *rl = xasprintf("rootfs type\n%s", f[1]);

			node(&g, &g.nodes, rt, rl, "fillcolor=\"#59a14f\"");
			edge(&g, img, rt, NULL);
			free(rt);
			free(rl);
		}
		if (*f[2] == '/') {
			char *id;

			file_node(&g, f[2], &id);
			edge(&g, img, id, "kernel");
			free(id);
		} else if (*f[2]) {
			char *k = xasprintf("kernel:%s", f[2]), *kl = xasprintf("kernel\n%s", f[2]);

			node(&g, &g.nodes, k, kl, "fillcolor=\"#4e79a7\", fontcolor=\"#ffffff\"");
			edge(&g, img, k, NULL);
			kernel_files(&g, k, f[2]);
			free(k);
			free(kl);
		}
		free(img);
		free(label);
		for (size_t k = 0; k < 3; k++)
			free(f[k]);
	}
	pair_edges(&g, &o->carries, PAIR_CARRIES);
	pair_edges(&g, &o->templates, PAIR_TEMPLATE);
	pair_edges(&g, &o->decls, PAIR_DECL);

	strbuf_puts(&b, "// What depends on what: written by vmbundle graph-depends (make graph-depends).\n"
			"digraph vmbundle {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", "
			"fontname=\"sans-serif\", fontsize=11];\n  edge [fontname=\"sans-serif\", fontsize=9];\n");
	/* Files in their layers' clusters: graphviz groups them by subgraph. */
	for (size_t i = 0; i < o->layers.n; i++) {
		const char *l = o->layers.v[i];
		char *name = xstrndup(l, strcspn(l, ":"));

		if (g.layer_files[i].n) {
			strbuf_printf(&b, "  subgraph cluster_%zu {\n    label=", i);
			quoted(&b, name);
			strbuf_puts(&b, ";\n    style=\"rounded\";\n");
			for (size_t k = 0; k < g.layer_files[i].n; k++) {
				strbuf_puts(&b, "    ");
				quoted(&b, g.layer_files[i].v[k]);
				strbuf_puts(&b, ";\n");
			}
			strbuf_puts(&b, "  }\n");
		}
		free(name);
	}
	strbuf_add(&b, g.nodes.s ? g.nodes.s : "", g.nodes.len);
	strbuf_add(&b, g.edges.s ? g.edges.s : "", g.edges.len);
	strbuf_puts(&b, "}\n");
	*dot = strbuf_take(&b);
	strbuf_free(&g.nodes);
	strbuf_free(&g.edges);
	namelist_free(&g.seen);
	for (size_t i = 0; i < o->layers.n; i++)
		namelist_free(&g.layer_files[i]);
	free(g.layer_files);
	return 0;
}
