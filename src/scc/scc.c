/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The .scc engine: see scc.h for the model, doc/scc.md for the language. */
#include "scc/scc.h"
#include "scc/cond.h"
#include "scc/resolve.h"
#include "scc/symtab.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "scc/words.h"
#include "shared/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *const ftype_names[] = {
	[SCC_HARDWARE] = "hardware",
	[SCC_NON_HARDWARE] = "non-hardware",
	[SCC_REQUIRED] = "required",
	[SCC_OPTIONAL] = "optional",
};

const char *scc_ftype_name(enum scc_ftype t)
{
	return ftype_names[t];
}

int scc_ftype_parse(const char *s, enum scc_ftype *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(ftype_names); i++) {
		if (streq(s, ftype_names[i])) {
			*t = (enum scc_ftype)i;
			return 0;
		}
	}
	return -1;
}

char *scc_where_str(struct scc_where w)
{
	if (!w.file)
		return xasprintf("command line input %u", w.line);
	return xasprintf("%s:%u", w.file, w.line);
}

/* A description file, read and split once however often it is included. */
struct loaded {
	const char *path; /* interned */
	char *dir;
	struct text_lines lines;
};

/* One open if/elif/else block. */
struct cond_frame {
	bool parent_active; /* were we running lines when the 'if' was reached? */
	bool taken;         /* are we running the lines of the current branch? */
	bool done;          /* has some branch been taken already? */
	bool seen_else;
	bool need_then;     /* 'if'/'elif' seen, 'then' expected on the next line */
	unsigned line;
};

struct inherit {
	bool nocfg, nopatch;
	struct scc_where nocfg_from, nopatch_from;
};

struct engine {
	const struct scc_options *o;
	struct scc_result *r;
	struct resolve_dirs dirs;
	const char **dirv;
	struct symtab files; /* path -> index in loaded */
	struct loaded **loaded; /* pointers: a file stays put while others are loaded */
	size_t nloaded, caploaded;
	struct symtab vars; /* name -> index in r->vars */
	const char **stack; /* the include chain being processed */
	size_t nstack, capstack;
	size_t nincludes;
	size_t text_bytes; /* of every line processed, after expansion (SCC_MAX_TEXT) */
	char *branch;
};

/* What one line is being processed in. */
struct ctx {
	struct engine *e;
	struct loaded *f;
	unsigned line;
	unsigned depth;
	struct inherit inh;
	bool active;
	char **err;
};

_printf_format_(2, 3) static int fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*c->err = where_vmsg(c->f->path, c->line, fmt, ap);
	va_end(ap);
	return -1;
}

_printf_format_(2, 3) static void warn(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *what;
	struct scc_result *r = c->e->r;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	*VEC_PUSH(r->warnings, r->nwarnings, r->capwarnings) =
		xasprintf("%s:%u: %s", c->f->path, c->line, what ? what : "out of memory");
	free(what);
}

_printf_format_(3, 4) static void explain(struct engine *e, unsigned depth, const char *fmt, ...)
{
	va_list ap;
	char *what;

	if (!e->o->explain)
		return;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	*VEC_PUSH(e->r->explain, e->r->nexplain, e->r->capexplain) =
		xasprintf("%*s%s", (int)(2 * depth), "", what ? what : "out of memory");
	free(what);
}

#define EXPLAIN(c, ...) explain((c)->e, (c)->depth, __VA_ARGS__)

static const char *intern(struct engine *e, const char *path)
{
	*VEC_PUSH(e->r->files, e->r->nfiles, e->r->capfiles) = xstrdup(path);
	return e->r->files[e->r->nfiles - 1];
}

static const char *lookup_var(void *ctx, const char *name)
{
	struct engine *e = ctx;
	size_t i = symtab_get(&e->vars, name);

	return i == SYMTAB_NONE ? NULL : e->r->vars[i].value;
}

static void set_var(struct engine *e, const char *name, const char *value, struct scc_where from)
{
	size_t i = symtab_get(&e->vars, name);
	struct scc_var *v;

	if (i == SYMTAB_NONE) {
		v = VEC_PUSH(e->r->vars, e->r->nvars, e->r->capvars);
		v->name = xstrdup(name);
		symtab_put(&e->vars, name, e->r->nvars - 1);
	} else {
		v = &e->r->vars[i];
		free(v->value);
	}
	v->value = xstrdup(value);
	v->from = from;
}

static bool valid_var_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static struct loaded *load(struct engine *e, const char *path, struct scc_where from, char **err)
{
	size_t i = symtab_get(&e->files, path);
	struct loaded *f;
	char *buf;
	size_t len;
	const char *slash;

	if (i != SYMTAB_NONE)
		return e->loaded[i];
	if (text_read(path, &buf, &len, err) < 0) {
		char *where = scc_where_str(from);
		char *msg = xasprintf("%s: %s", where, *err);

		free(where);
		free(*err);
		*err = msg;
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->path = intern(e, path);
	slash = strrchr(path, '/');
	f->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (!*f->dir) {
		free(f->dir);
		f->dir = xstrdup("/");
	}
	if (text_split(f->path, buf, len, true, &f->lines, err) < 0) {
		free(buf);
		free(f->dir);
		free(f);
		return NULL;
	}
	free(buf);
	*VEC_PUSH(e->loaded, e->nloaded, e->caploaded) = f;
	symtab_put(&e->files, path, e->nloaded - 1);
	return f;
}

static void record_meta(const struct ctx *c, const char *directive, const char *text)
{
	struct scc_result *r = c->e->r;
	struct scc_meta *m = VEC_PUSH(r->meta, r->nmeta, r->capmeta);

	m->directive = directive;
	m->text = xstrdup(text);
	m->from = (struct scc_where){ c->f->path, c->line };
}

/* Words [from, n) joined by single blanks. */
static char *join_words(const struct words *w, size_t from)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = from; i < w->n; i++)
		len += strlen(w->v[i].text) + 1;
	s = p = xmalloc(len);
	*p = '\0';
	for (size_t i = from; i < w->n; i++) {
		if (i > from)
			*p++ = ' ';
		p = stpcpy(p, w->v[i].text);
	}
	return s;
}

static int need_args(const struct ctx *c, const struct words *w, size_t at, size_t min, size_t max,
		     const char *usage)
{
	size_t nargs = w->n - at;

	if (nargs >= min && nargs <= max)
		return 0;
	/* the directive is the usage text up to its first upper-case word */
	{
		size_t len = 0;

		while (usage[len] && !(usage[len] == ' ' && isupper((unsigned char)usage[len + 1])))
			len++;
		return fail(c, "'%.*s' %s (usage: %s)", (int)len, usage,
			    nargs < min ? "is missing an argument" : "has too many arguments", usage);
	}
}

static int file_arg(const struct ctx *c, const struct word *w)
{
	const char *name;
	size_t len;

	if (w->expanded)
		return fail(c, "'%s': variables are not expanded in file names; write the name out",
			    w->text);
	if (!*w->text)
		return fail(c, "empty file name");
	switch (path_check_limits(w->text, &name, &len)) {
	case PATH_TOO_LONG:
		return fail(c, "file name '%.40s...' is %zu bytes long; paths hold at most %d bytes",
			    w->text, strlen(w->text), VMB_PATH_MAX);
	case PATH_NAME_TOO_LONG:
		return fail(c, "file name '%.*s%.40s...' has a name of %zu bytes; names hold at "
			       "most %d bytes: shorten it",
			    (int)(name - w->text), w->text, name, len, VMB_NAME_MAX);
	case PATH_FITS:
		break;
	}
	return 0;
}

static int process_file(struct engine *e, const char *path, struct inherit inh, unsigned depth,
			struct scc_where from, char **err);

static char *include_chain(struct engine *e, size_t first, const char *closing)
{
	char *s = xstrdup(e->stack[first]);

	for (size_t i = first + 1; i < e->nstack; i++) {
		char *t = xasprintf("%s -> %s", s, e->stack[i]);

		free(s);
		s = t;
	}
	{
		char *t = xasprintf("%s -> %s", s, closing);

		free(s);
		s = t;
	}
	return s;
}

static bool is_fragment_name(const char *name)
{
	return endswith(name, ".cfg") || endswith(name, ".config") || endswith(name, "defconfig");
}

static int queue_fragment(struct ctx *c, enum scc_ftype type, const char *name, bool forced,
			  const char *how);
static int queue_patch(struct ctx *c, const char *name, const char *how);

/* "include x.cfg[:TYPE]" queues a fragment and "include x.patch" a patch,
 * as spp does. Returns false when @name is an ordinary include. */
static bool include_of_file(struct ctx *c, const char *name, int *r)
{
	enum scc_ftype type = SCC_NON_HARDWARE;
	const char *colon = strrchr(name, ':');
	char *plain;

	if (endswith(name, ".patch")) {
		*r = queue_patch(c, name, "include");
		return true;
	}
	if (colon && scc_ftype_parse(colon + 1, &type) == 0)
		plain = xstrndup(name, (size_t)(colon - name));
	else
		plain = xstrdup(name);
	if (!is_fragment_name(plain)) {
		free(plain);
		return false;
	}
	*r = queue_fragment(c, type, plain, false, "include");
	free(plain);
	return true;
}

static int do_include(struct ctx *c, const struct words *w)
{
	struct inherit inh = c->inh;
	char *path, *searched;
	int r;

	if (w->n < 2)
		return fail(c, "'include' is missing an argument (usage: include NAME [nocfg] [nopatch])");
	if (file_arg(c, &w->v[1]) < 0)
		return -1;
	for (size_t i = 2; i < w->n; i++) {
		const char *opt = w->v[i].text;
		struct scc_where here = { c->f->path, c->line };

		if (streq(opt, "nocfg") && !inh.nocfg) {
			inh.nocfg = true;
			inh.nocfg_from = here;
		} else if (streq(opt, "nopatch") && !inh.nopatch) {
			inh.nopatch = true;
			inh.nopatch_from = here;
		} else if (!streq(opt, "nocfg") && !streq(opt, "nopatch") && !streq(opt, "inherit")) {
			return fail(c, "unknown include option '%s' (known: nocfg, nopatch, inherit)", opt);
		}
	}
	if (!c->active)
		return 0;
	if (include_of_file(c, w->v[1].text, &r))
		return r;
	path = resolve_name(&c->e->dirs, RESOLVE_INCLUDE, w->v[1].text, c->f->dir, &searched);
	if (!path) {
		r = fail(c, "cannot find '%s' (searched: %s)", w->v[1].text, searched);
		free(searched);
		return r;
	}
	EXPLAIN(c, "%s:%u: include %s -> %s%s%s", c->f->path, c->line, w->v[1].text, path,
		inh.nocfg ? " [nocfg]" : "", inh.nopatch ? " [nopatch]" : "");
	for (size_t i = 0; i < c->e->nstack; i++) {
		if (streq(c->e->stack[i], path)) {
			char *chain = include_chain(c->e, i, path);

			r = fail(c, "include cycle: %s (a file may be included many times, but never "
				    "from inside itself; remove one of these includes)",
				 chain);
			free(chain);
			free(path);
			return r;
		}
	}
	if (c->depth + 1 > SCC_MAX_DEPTH) {
		r = fail(c, "includes nested more than %d deep (at '%s'); flatten the descriptions",
			 SCC_MAX_DEPTH, w->v[1].text);
		free(path);
		return r;
	}
	if (++c->e->nincludes > SCC_MAX_INCLUDES) {
		r = fail(c, "more than %d files processed: descriptions that include each other "
			    "repeatedly grow without bound; remove repeated includes",
			 SCC_MAX_INCLUDES);
		free(path);
		return r;
	}
	r = process_file(c->e, path, inh, c->depth + 1, (struct scc_where){ c->f->path, c->line },
			 c->err);
	free(path);
	return r;
}

static void add_fragment(struct engine *e, enum scc_ftype type, const char *path,
			 struct scc_where from, bool forced)
{
	struct scc_fragment *f = VEC_PUSH(e->r->frags, e->r->nfrags, e->r->capfrags);

	f->type = type;
	f->path = xstrdup(path);
	f->from = from;
	f->forced = forced;
	f->branch = xstrdup(e->branch ? e->branch : "");
}

static int bad_type(const struct ctx *c, const char *type)
{
	const char *guess = closest_word(type, ftype_names, ARRAY_SIZE(ftype_names));

	if (guess)
		return fail(c, "unknown fragment type '%s' (did you mean '%s'?)", type, guess);
	return fail(c, "unknown fragment type '%s' (known: hardware, non-hardware, required, optional)",
		    type);
}

/* Queue fragment @name (as written in the current file) with @type. */
static int queue_fragment(struct ctx *c, enum scc_ftype type, const char *name, bool forced,
			  const char *how)
{
	char *path, *searched;
	int r;

	if (c->inh.nocfg && !forced) {
		EXPLAIN(c, "%s:%u: %s %s %s: not used (nocfg, from %s:%u)", c->f->path, c->line, how,
			scc_ftype_name(type), name, c->inh.nocfg_from.file, c->inh.nocfg_from.line);
		return 0;
	}
	if (c->e->r->nfrags >= SCC_MAX_FRAGMENTS)
		return fail(c, "more than %d fragments queued: repeated includes multiply them; "
			       "remove repeated includes", SCC_MAX_FRAGMENTS);
	path = resolve_name(&c->e->dirs, RESOLVE_FILE, name, c->f->dir, &searched);
	if (!path) {
		r = fail(c, "cannot find '%s' (searched: %s)", name, searched);
		free(searched);
		return r;
	}
	add_fragment(c->e, type, path, (struct scc_where){ c->f->path, c->line }, forced);
	EXPLAIN(c, "%s:%u: %s %s %s -> %s (queue %zu)", c->f->path, c->line, how,
		scc_ftype_name(type), name, path, c->e->r->nfrags);
	free(path);
	return 0;
}

/* kconf TYPE FRAGMENT, at word @at (after "kconf", "force kconf"). */
static int do_kconf(struct ctx *c, const struct words *w, size_t at, bool forced)
{
	enum scc_ftype type;

	if (need_args(c, w, at, 2, 2, forced ? "force kconf TYPE FRAGMENT" : "kconf TYPE FRAGMENT") < 0)
		return -1;
	if (scc_ftype_parse(w->v[at].text, &type) < 0)
		return bad_type(c, w->v[at].text);
	if (file_arg(c, &w->v[at + 1]) < 0)
		return -1;
	if (!c->active)
		return 0;
	return queue_fragment(c, type, w->v[at + 1].text, forced, forced ? "force kconf" : "kconf");
}

static void add_patch(struct engine *e, const char *name, const char *path, struct scc_where from)
{
	struct scc_patch *p = VEC_PUSH(e->r->patches, e->r->npatches, e->r->cappatches);

	p->name = xstrdup(name);
	p->path = path ? xstrdup(path) : NULL;
	p->from = from;
	p->branch = xstrdup(e->branch ? e->branch : "");
}

static int queue_patch(struct ctx *c, const char *name, const char *how)
{
	char *path, *searched;
	int r;

	if (c->inh.nopatch) {
		EXPLAIN(c, "%s:%u: %s %s: not used (nopatch, from %s:%u)", c->f->path, c->line, how, name,
			c->inh.nopatch_from.file, c->inh.nopatch_from.line);
		return 0;
	}
	if (c->e->r->npatches >= SCC_MAX_PATCHES)
		return fail(c, "more than %d patches queued: repeated includes multiply them; "
			       "remove repeated includes", SCC_MAX_PATCHES);
	path = resolve_name(&c->e->dirs, RESOLVE_FILE, name, c->f->dir, &searched);
	if (!path && !c->e->o->config_only) {
		r = fail(c, "cannot find '%s' (searched: %s; with --config-only missing patches are "
			    "only recorded)",
			 name, searched);
		free(searched);
		return r;
	}
	free(searched);
	add_patch(c->e, name, path, (struct scc_where){ c->f->path, c->line });
	EXPLAIN(c, "%s:%u: %s %s -> %s", c->f->path, c->line, how, name,
		path ? path : "(not found; recorded, --config-only)");
	free(path);
	return 0;
}

static int do_patch(struct ctx *c, const struct words *w)
{
	if (need_args(c, w, 1, 1, 1, "patch FILE") < 0 || file_arg(c, &w->v[1]) < 0)
		return -1;
	if (!c->active)
		return 0;
	return queue_patch(c, w->v[1].text, "patch");
}

static int do_define(struct ctx *c, const struct words *w)
{
	char *value;

	if (w->n < 3)
		return fail(c, "'define' needs a name and a value (usage: define VAR VALUE)");
	if (!valid_var_name(w->v[1].text))
		return fail(c, "'%s' is not a variable name (letters, digits and '_', not starting "
			       "with a digit)",
			    w->v[1].text);
	if (!c->active)
		return 0;
	value = join_words(w, 2);
	set_var(c->e, w->v[1].text, value, (struct scc_where){ c->f->path, c->line });
	{
		char *text = xasprintf("%s %s", w->v[1].text, value);

		record_meta(c, "define", text);
		free(text);
	}
	EXPLAIN(c, "%s:%u: define %s '%s'", c->f->path, c->line, w->v[1].text, value);
	free(value);
	return 0;
}

/* "#define VAR [VALUE]": spp's own variables. Nothing reads them; recorded. */
static int do_hash_define(struct ctx *c, const char *rest)
{
	struct words w;
	char *what, *text;
	int r = 0;

	if (words_split(rest, NULL, NULL, &w, &what) < 0) {
		r = fail(c, "%s", what);
		free(what);
		return r;
	}
	if (w.n < 1 || !valid_var_name(w.v[0].text))
		r = fail(c, "'#define' needs a variable name (usage: #define VAR [VALUE])");
	else if (c->active) {
		char *value = w.n > 1 ? join_words(&w, 1) : xstrdup("t");

		text = xasprintf("%s %s", w.v[0].text, value);
		record_meta(c, "#define", text);
		EXPLAIN(c, "%s:%u: #define %s (recorded; nothing reads it)", c->f->path, c->line, text);
		free(text);
		free(value);
	}
	words_free(&w);
	return r;
}

static int do_branch(struct ctx *c, const struct words *w)
{
	struct engine *e = c->e;
	char *full;

	if (need_args(c, w, 1, 1, 1, "branch NAME") < 0)
		return -1;
	if (!c->active)
		return 0;
	/* Branches nest, as in scc: a branch under "standard" is "standard/NAME". */
	full = e->branch && *e->branch ? xasprintf("%s/%s", e->branch, w->v[1].text)
				       : xstrdup(w->v[1].text);
	free(e->branch);
	e->branch = full;
	record_meta(c, "branch", full);
	EXPLAIN(c, "%s:%u: branch %s (recorded)", c->f->path, c->line, full);
	return 0;
}

/* merge, mark, git, tag: recorded for whoever manages the source tree. */
static int do_record(struct ctx *c, const struct words *w, const char *directive, size_t min,
		     size_t max, const char *usage)
{
	char *text;

	if (need_args(c, w, 1, min, max, usage) < 0)
		return -1;
	if (!c->active)
		return 0;
	text = join_words(w, 1);
	record_meta(c, directive, text);
	EXPLAIN(c, "%s:%u: %s %s (recorded)", c->f->path, c->line, directive, text);
	free(text);
	return 0;
}

static const char *const directive_names[] = {
	"include", "kconf", "force", "patch", "define", "branch", "merge",
	"mark",    "git",   "tag",   "if",    "elif",   "else",   "fi",
};

static int unknown_directive(const struct ctx *c, const char *word)
{
	const char *guess = closest_word(word, directive_names, ARRAY_SIZE(directive_names));

	if (guess)
		return fail(c, "unknown directive '%s' (did you mean '%s'?)", word, guess);
	return fail(c, "unknown directive '%s' (known: include, kconf, force kconf, patch, define, "
		       "#define, branch, merge, mark, git, tag, if/elif/else/fi)",
		    word);
}

static int do_directive(struct ctx *c, const struct words *w)
{
	const char *d = w->v[0].text;

	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].kind == WORD_OP)
			return fail(c, "'%s' after '%s': one directive per line (and '&&', '||' only in "
				       "if/elif conditions)",
				    w->v[i].text, d);
	if (w->v[0].quoted)
		return fail(c, "a quoted directive name ('%s') is not a directive", d);
	if (streq(d, "include"))
		return do_include(c, w);
	if (streq(d, "kconf"))
		return do_kconf(c, w, 1, false);
	if (streq(d, "kconfig")) {
		if (c->active)
			warn(c, "'kconfig' is read as 'kconf' (as Yocto's spp does); write 'kconf'");
		return do_kconf(c, w, 1, false);
	}
	if (streq(d, "force")) {
		if (!word_is(w, 1, "kconf"))
			return fail(c, "'force' must be followed by 'kconf' (usage: force kconf TYPE FRAGMENT)");
		return do_kconf(c, w, 2, true);
	}
	if (streq(d, "as_module"))
		return fail(c, "'as_module kconf' is not supported (it is broken in the reference tools); "
			       "write the module values in the fragment");
	if (streq(d, "patch"))
		return do_patch(c, w);
	if (streq(d, "define"))
		return do_define(c, w);
	if (streq(d, "branch"))
		return do_branch(c, w);
	if (streq(d, "merge"))
		return do_record(c, w, "merge", 1, 1, "merge BRANCH");
	if (streq(d, "mark"))
		return do_record(c, w, "mark", 1, (size_t)-1, "mark WORDS...");
	if (streq(d, "git"))
		return do_record(c, w, "git", 1, (size_t)-1, "git ARGS...");
	if (streq(d, "tag"))
		return do_record(c, w, "tag", 1, 1, "tag NAME");
	if (streq(d, "then"))
		return fail(c, "'then' without 'if' or 'elif'");
	return unknown_directive(c, d);
}

struct conds {
	struct cond_frame *v;
	size_t n, cap;
};

/* The words of an if/elif condition: [1, *end), and whether "; then" closed it. */
static int split_condition(const struct ctx *c, const struct words *w, size_t *end, bool *has_then)
{
	for (size_t i = 1; i < w->n; i++) {
		if (w->v[i].kind == WORD_OP && streq(w->v[i].text, ";")) {
			*end = i;
			if (i + 1 == w->n) {
				*has_then = false;
				return 0;
			}
			if (!word_is(w, i + 1, "then"))
				return fail(c, "expected 'then' after ';', got '%s'", w->v[i + 1].text);
			if (i + 2 != w->n)
				return fail(c, "put the lines after 'then' on their own lines (a directive "
					       "on the 'then' line is not supported)");
			*has_then = true;
			return 0;
		}
		if (word_is(w, i, "then"))
			return fail(c, "missing ';' before 'then'");
	}
	*end = w->n;
	*has_then = false;
	return 0;
}

static int do_if(struct ctx *c, struct conds *cs, const struct words *w, bool is_elif)
{
	struct cond_frame *fr;
	size_t end = 0;
	bool has_then = false, value = false, evaluate;
	char *why = NULL, *what = NULL;

	if (split_condition(c, w, &end, &has_then) < 0)
		return -1;
	if (end == 1)
		return fail(c, "'%s' without a condition", w->v[0].text);
	if (is_elif) {
		if (!cs->n)
			return fail(c, "'elif' without 'if'");
		fr = &cs->v[cs->n - 1];
		if (fr->seen_else)
			return fail(c, "'elif' after 'else' (the 'if' is at line %u)", fr->line);
	} else {
		bool parent = cs->n ? cs->v[cs->n - 1].taken : true;

		if (cs->n >= SCC_MAX_IF_DEPTH)
			return fail(c, "if/fi nested more than %d deep", SCC_MAX_IF_DEPTH);
		fr = VEC_PUSH(cs->v, cs->n, cs->cap);
		*fr = (struct cond_frame){ .parent_active = parent, .line = c->line };
	}
	/* Conditions in lines that will not run are checked, not explained. */
	evaluate = fr->parent_active && !fr->done;
	if (cond_eval(w, 1, end, &value, &why, &what) < 0) {
		int r = fail(c, "%s", what);

		free(what);
		return r;
	}
	fr->taken = evaluate && value;
	fr->done |= fr->taken;
	fr->need_then = !has_then;
	if (evaluate)
		EXPLAIN(c, "%s:%u: %s %s: %s", c->f->path, c->line, w->v[0].text, why,
			value ? "taken" : "not taken");
	free(why);
	return 0;
}

static int do_else_fi(struct ctx *c, struct conds *cs, const struct words *w)
{
	const char *kw = w->v[0].text;
	struct cond_frame *fr;

	if (!(w->n == 1 || (w->n == 2 && w->v[1].kind == WORD_OP && streq(w->v[1].text, ";"))))
		return fail(c, "'%s' must be alone on its line", kw);
	if (!cs->n)
		return fail(c, "'%s' without 'if'", kw);
	fr = &cs->v[cs->n - 1];
	if (streq(kw, "fi")) {
		cs->n--;
		return 0;
	}
	if (fr->seen_else)
		return fail(c, "a second 'else' (the 'if' is at line %u)", fr->line);
	fr->seen_else = true;
	fr->taken = fr->parent_active && !fr->done;
	fr->done = true;
	if (fr->parent_active)
		EXPLAIN(c, "%s:%u: else: %s", c->f->path, c->line, fr->taken ? "taken" : "not taken");
	return 0;
}

static bool starts_hash_define(const char *s, const char **rest)
{
	if (!startswith(s, "#define"))
		return false;
	if (s[7] && s[7] != ' ' && s[7] != '\t')
		return false;
	*rest = s + 7;
	return true;
}

static int process_line(struct ctx *c, struct conds *cs, const char *text)
{
	struct words w;
	char *what;
	const char *rest;
	int r;

	while (*text == ' ' || *text == '\t')
		text++;
	if (!*text)
		return 0;
	c->active = cs->n ? cs->v[cs->n - 1].taken : true;
	if (!(cs->n && cs->v[cs->n - 1].need_then) && starts_hash_define(text, &rest))
		return do_hash_define(c, rest);
	if (words_split(text, lookup_var, c->e, &w, &what) < 0) {
		r = fail(c, "%s", what);
		free(what);
		return r;
	}
	/* Everything the result keeps (meta, warnings, the trace) comes from
	 * processed lines: bounding their total bounds the memory. */
	c->e->text_bytes += strlen(text);
	for (size_t i = 0; i < w.n; i++)
		c->e->text_bytes += strlen(w.v[i].text);
	if (c->e->text_bytes > SCC_MAX_TEXT) {
		words_free(&w);
		return fail(c, "the descriptions expand to more than %d MiB of text; repeated "
			       "includes or growing defines multiply them: remove repeated includes",
			    SCC_MAX_TEXT >> 20);
	}
	if (w.n && cs->n && cs->v[cs->n - 1].need_then) {
		/* only "then" may follow an if/elif that did not end in "; then" */
		r = 0;
		if (word_is(&w, 0, "then") && w.n == 1)
			cs->v[cs->n - 1].need_then = false;
		else
			r = fail(c, "expected 'then' after the '%s' on line %u, got '%s'",
				 "if", cs->v[cs->n - 1].line, w.v[0].text);
	} else if (!w.n) {
		r = 0;
	} else if (w.v[0].kind == WORD_OP) {
		r = fail(c, "a line cannot start with '%s'", w.v[0].text);
	} else if (word_is(&w, 0, "if")) {
		r = do_if(c, cs, &w, false);
	} else if (word_is(&w, 0, "elif")) {
		r = do_if(c, cs, &w, true);
	} else if (word_is(&w, 0, "else") || word_is(&w, 0, "fi")) {
		r = do_else_fi(c, cs, &w);
	} else {
		r = do_directive(c, &w);
		if (r == 0 && !c->active && c->e->o->explain)
			EXPLAIN(c, "%s:%u: %s: skipped (in an if branch not taken)", c->f->path, c->line,
				w.v[0].text);
	}
	words_free(&w);
	return r;
}

static int process_file(struct engine *e, const char *path, struct inherit inh, unsigned depth,
			struct scc_where from, char **err)
{
	struct loaded *f;
	struct conds cs = { 0 };
	struct ctx c = { .e = e, .depth = depth, .inh = inh, .err = err };
	int r = 0;

	f = load(e, path, from, err);
	if (!f)
		return -1;
	c.f = f;
	*VEC_PUSH(e->stack, e->nstack, e->capstack) = f->path;
	for (size_t i = 0; i < f->lines.n && r == 0; i++) {
		c.line = f->lines.v[i].lineno;
		r = process_line(&c, &cs, f->lines.v[i].text);
	}
	if (r == 0 && cs.n) {
		c.line = cs.v[cs.n - 1].line;
		r = fail(&c, "this 'if' is never closed: add 'fi' before the end of the file");
	}
	e->nstack--;
	free(cs.v);
	return r;
}

/* Command-line inputs: NAME.cfg[:TYPE], *.config, *defconfig, *.patch, or an .scc. */
static int process_input(struct engine *e, const char *input, unsigned index, char **err)
{
	struct scc_where here = { NULL, index };
	enum scc_ftype type = SCC_NON_HARDWARE;
	char *name = xstrdup(input), *colon = strrchr(name, ':');
	char *path, *searched;
	bool fragment, patch, typed = false;
	int r = 0;

	if (colon && scc_ftype_parse(colon + 1, &type) == 0) {
		*colon = '\0';
		typed = true;
	}
	fragment = is_fragment_name(name);
	patch = endswith(name, ".patch");
	if (typed && !fragment) {
		*err = xasprintf("command line input %u: ':TYPE' only applies to fragments (.cfg), not "
				 "to '%s'",
				 index, name);
		free(name);
		return -1;
	}
	path = resolve_name(&e->dirs, RESOLVE_INPUT, name, NULL, &searched);
	if (!path && !(patch && e->o->config_only)) {
		*err = xasprintf("command line input %u: cannot find '%s' (searched: %s)", index, name,
				 searched);
		free(searched);
		free(name);
		return -1;
	}
	free(searched);
	explain(e, 0, "input %u: %s -> %s", index, input, path ? path : "(not found; recorded)");
	if (fragment) {
		add_fragment(e, type, path, here, false);
	} else if (patch) {
		add_patch(e, name, path, here);
	} else {
		struct inherit none = { 0 };

		e->nincludes++;
		r = process_file(e, path, none, 1, here, err);
	}
	free(path);
	free(name);
	return r;
}

static int add_command_line_defines(struct engine *e, char **err)
{
	for (size_t i = 0; i < e->o->ndefines; i++) {
		const char *d = e->o->defines[i];
		const char *eq = strchr(d, '=');
		char *name;

		name = eq ? xstrndup(d, (size_t)(eq - d)) : xstrdup(d);
		if (!eq || !valid_var_name(name)) {
			*err = xasprintf("-D '%s': expected VAR=VALUE with VAR made of letters, digits "
					 "and '_'",
					 d);
			free(name);
			return -1;
		}
		set_var(e, name, eq + 1, (struct scc_where){ NULL, 0 });
		explain(e, 0, "-D %s", d);
		free(name);
	}
	return 0;
}

static void usable_dirs(struct engine *e)
{
	/* Missing -I directories are skipped, as the reference does: a layer
	 * without kernel-configs, or an arch without arch/<arch>/configs. */
	e->dirv = xcalloc(e->o->ndirs + 1, sizeof(*e->dirv));
	for (size_t i = 0; i < e->o->ndirs; i++) {
		struct stat st;

		if (stat(e->o->dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			e->dirv[e->dirs.n++] = e->o->dirs[i];
	}
	e->dirs.dirs = e->dirv;
}

int scc_process(const struct scc_options *o, const char *const *inputs, size_t ninputs,
		struct scc_result *r, char **err)
{
	struct engine e = { .o = o, .r = r };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	*err = NULL;
	symtab_init(&e.files);
	symtab_init(&e.vars);
	usable_dirs(&e);
	rc = add_command_line_defines(&e, err);
	for (size_t i = 0; i < ninputs && rc == 0; i++)
		rc = process_input(&e, inputs[i], (unsigned)i + 1, err);
	for (size_t i = 0; i < e.nloaded; i++) {
		text_lines_free(&e.loaded[i]->lines);
		free(e.loaded[i]->dir);
		free(e.loaded[i]);
	}
	free(e.loaded);
	free(e.stack);
	free(e.dirv);
	free(e.branch);
	symtab_free(&e.files);
	symtab_free(&e.vars);
	return rc;
}

void scc_result_free(struct scc_result *r)
{
	for (size_t i = 0; i < r->nfrags; i++) {
		free(r->frags[i].path);
		free(r->frags[i].branch);
	}
	for (size_t i = 0; i < r->npatches; i++) {
		free(r->patches[i].name);
		free(r->patches[i].path);
		free(r->patches[i].branch);
	}
	for (size_t i = 0; i < r->nmeta; i++)
		free(r->meta[i].text);
	for (size_t i = 0; i < r->nvars; i++) {
		free(r->vars[i].name);
		free(r->vars[i].value);
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	for (size_t i = 0; i < r->nexplain; i++)
		free(r->explain[i]);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->frags);
	free(r->patches);
	free(r->meta);
	free(r->vars);
	free(r->warnings);
	free(r->explain);
	free(r->files);
	memset(r, 0, sizeof(*r));
}
