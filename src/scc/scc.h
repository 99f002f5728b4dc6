/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .scc engine: turns kernel descriptions into the ordered queue of
 * configuration fragments (and patches) the reference tools would produce.
 *
 * Files are processed depth first, in line order, as Yocto's spp+scc do
 * after inlining: an include is processed where it stands, and processed
 * again every time it is included (a repeated include re-asserts its
 * fragments, which real descriptions rely on). Variables (-D, define) are
 * visible to every later line. Unlike the reference, an include cycle, a
 * runaway depth or a syntax error stops with a message naming file:line.
 *
 * The engine prints nothing: errors come back as strings, and warnings and
 * the --explain trace are collected in the result.
 */
#ifndef VMB_SCC_SCC_H
#define VMB_SCC_SCC_H

#include <stdbool.h>
#include <stddef.h>

/* The fragment types the reference tools give meaning to. */
enum scc_ftype {
	SCC_HARDWARE,
	SCC_NON_HARDWARE,
	SCC_REQUIRED,
	SCC_OPTIONAL,
};

const char *scc_ftype_name(enum scc_ftype t);
/* 0 and *t for a known type name, -1 otherwise. */
int scc_ftype_parse(const char *s, enum scc_ftype *t);

/* Where a directive was: file NULL means the command line, and then line is
 * the position of the input (1 = first). file points into the result. */
struct scc_where {
	const char *file;
	unsigned line;
};

struct scc_fragment {
	enum scc_ftype type;
	char *path; /* canonical absolute path */
	struct scc_where from;
	bool forced;  /* "force kconf" */
	char *branch; /* the branch active then ("" when none) */
};

struct scc_patch {
	char *name; /* as written */
	char *path; /* canonical absolute path, NULL when not found (--config-only) */
	struct scc_where from;
	char *branch;
};

/* Directives that are recorded, not acted on: define, #define, branch,
 * merge, mark, git, tag (the reference's meta-series). */
struct scc_meta {
	const char *directive;
	char *text; /* its arguments */
	struct scc_where from;
};

struct scc_var {
	char *name, *value;
	struct scc_where from; /* file NULL: from -D */
};

struct scc_result {
	struct scc_fragment *frags;
	size_t nfrags, capfrags;
	struct scc_patch *patches;
	size_t npatches, cappatches;
	struct scc_meta *meta;
	size_t nmeta, capmeta;
	struct scc_var *vars; /* final values, in order of first definition */
	size_t nvars, capvars;
	char **warnings; /* "file:line: ..." */
	size_t nwarnings, capwarnings;
	char **explain; /* the --explain trace, one line each */
	size_t nexplain, capexplain;
	char **files; /* every file name a scc_where points to */
	size_t nfiles, capfiles;
};

struct scc_options {
	const char *const *dirs; /* -I, in search order (missing ones are skipped) */
	size_t ndirs;
	const char *const *defines; /* "VAR=VALUE", in order */
	size_t ndefines;
	bool config_only; /* patches need not exist */
	bool explain;     /* fill result.explain */
};

/* Includes may nest this deep; the corpus needs about ten. */
#define SCC_MAX_DEPTH 64
/* Total files processed: repeated includes are legal, so a small tree of
 * files including each other twice per level could otherwise run for ever. */
#define SCC_MAX_INCLUDES 100000
/* Fragments and patches queued: the corpus's largest kernel queues a few
 * hundred; repeated includes of a file full of kconf lines would multiply. */
#define SCC_MAX_FRAGMENTS 100000
#define SCC_MAX_PATCHES 100000
/* Bytes of all lines processed, after variable expansion (a line's own
 * expansion is bounded by WORDS_MAX_EXPANSION, src/scc/words.h). */
#define SCC_MAX_TEXT (64 << 20)
/* if/fi nesting within one file. */
#define SCC_MAX_IF_DEPTH 256

/* Process @inputs in order, as if included one after another from the
 * command line: .cfg, .config and defconfig files become "kconf non-hardware" (NAME.cfg:TYPE
 * gives another type), .patch becomes "patch", anything else is an .scc.
 * Returns 0, or -1 with *err ("file:line: what; what to do", malloc'd).
 * @r is filled in both cases (free it with scc_result_free). */
int scc_process(const struct scc_options *o, const char *const *inputs, size_t ninputs,
		struct scc_result *r, char **err);
void scc_result_free(struct scc_result *r);

/* "file:line" or "command line input N" for messages (malloc'd). */
char *scc_where_str(struct scc_where w);

/* Yocto's "spp --find": the .scc under the -I directories that says
 * "define KMACHINE <kmachine>" and "define KTYPE <ktype>". Directories are
 * searched in order, files in each in sorted path order; the first match
 * wins and later ones are listed in *others (may be NULL). Returns the
 * canonical path or NULL with *err. */
char *scc_find_bsp(const char *const *dirs, size_t ndirs, const char *kmachine, const char *ktype,
		   char **others, char **err);

#endif
