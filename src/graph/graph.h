/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pictures of a build, written directly as SVG (no plotting library):
 *   timeline.c   the build timeline and its critical path (make graph-build)
 *   sizes.c      where the host image's bytes go, SVG and CSV (make graph-size)
 *   depends.c    what depends on what, as graphviz dot (make graph-depends)
 *   svg.c        the SVG and XML text helpers they share
 * The data comes from the build statistics (src/buildstats) and the image
 * model (src/sbom); nothing here prints or exits.
 */
#ifndef VMB_GRAPH_H
#define VMB_GRAPH_H

#include "buildstats/buildstats.h"
#include "sbom/sbom.h"
#include "shared/strbuf.h"

#include <stdint.h>

/* ---- svg.c ---------------------------------------------------------------- */

/* @s as XML character data or attribute text (&, <, >, ", ' escaped; bytes
 * that are not UTF-8 as U+FFFD). */
void xml_text(struct strbuf *b, const char *s);
/* The document's opening tag (and a white background), and its end. */
void svg_begin(struct strbuf *b, unsigned width, unsigned height, const char *title);
void svg_end(struct strbuf *b);
/* Text at (x, y); @anchor "start", "middle" or "end"; @extra more attributes. */
void svg_label(struct strbuf *b, double x, double y, const char *anchor, unsigned size, const char *extra,
	       const char *text);
/* A fill colour for item @i of a palette that stays distinguishable. */
const char *svg_colour(size_t i);
/* "1.5 MiB", "812 KiB", "900 B" */
char *human_bytes(uint64_t n);

/* ---- timeline.c ---------------------------------------------------------- */

struct timeline_opts {
	const char *title;   /* the build's name */
	unsigned slots;      /* lanes at least (make -j); 0: from the records */
};

/* The SVG of one build's records, and its critical path as text lines
 * ("critical path: ..."). Returns 0, or -1 with *err. */
int timeline_svg(const struct step_records *rs, const struct timeline_opts *o, char **svg, char **path_text,
		 char **err);

/* ---- sizes.c ----------------------------------------------------------- */

struct size_row {
	char *label;      /* "guest x86-kvm-guest1: images", "libraries", ... */
	uint64_t bytes;
	size_t files;
};

struct size_table {
	struct size_row *v;
	size_t n;
	uint64_t total;   /* the filesystem's size (ext), else the files' bytes */
	uint64_t files;
	bool has_fs;      /* with "filesystem metadata" and "free" rows */
	uint64_t free_bytes;
	char *image;      /* the image's file name */
};

/* Where the bytes of @s's image go: each staged guest's kernel, images and
 * disks, the toolstack, libraries, busybox, kernel modules, the rest, and
 * for a filesystem its metadata and free space. The rows add up to the total. */
void size_table_build(const struct sbom *s, struct size_table *t);
void size_table_free(struct size_table *t);
char *size_csv(const struct size_table *t);
char *size_svg(const struct size_table *t);
/* "headroom: 120.3 MiB free of 512.0 MiB (23.5 %)", or why there is none. */
char *size_headroom(const struct size_table *t);

/* ---- depends.c ---------------------------------------------------------- */

/* What graph-depends is told (make passes what configure resolved). */
struct depends_opts {
	struct namelist images;   /* NAME:ROOTFS-TYPE:KERNEL (KERNEL a kernel name, or a file path) */
	struct namelist carries;  /* CARRIER:GUEST */
	struct namelist templates;/* NAME:TEMPLATE (a feature template of an image) */
	struct namelist decls;    /* NAME:FILE (a guest's declarations, its own first) */
	struct namelist layers;   /* LAYER:DIR (where declarations are found; the project first) */
	const char *kernel_dir;   /* kernels/: NAME/key.mk lists each kernel's description files */
};

/* The graph as graphviz dot text. Returns 0, or -1 with *err. */
int depends_dot(const struct depends_opts *o, char **dot, char **err);

#endif
