/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The .scc engine: directives, name resolution, errors and hostile input. */
#include "scc/resolve.h"
#include "scc/scc.h"
#include "shared/util.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *root; /* scratch directory of this run */

static void test_expansion_limits(void);

/* Write @text to root/@rel, creating directories. */
static void put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel);
	FILE *f;

	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
	free(path);
}

static char *at(const char *rel) { return xasprintf("%s/%s", root, rel); }

struct run {
	struct scc_result r;
	char *err;
	int rc;
};

/* Run the engine with -I root/d1 [root/d2] and the given inputs. */
static struct run go(bool config_only, const char *const *defines, size_t nd, size_t ninputs,
		     const char *const *inputs)
{
	char *d1 = at("d1"), *d2 = at("d2"), *missing = at("missing");
	const char *dirs[] = { d1, missing, d2 };
	struct scc_options o = { .dirs = dirs, .ndirs = 3, .defines = defines, .ndefines = nd,
				 .config_only = config_only, .explain = true };
	struct run x;

	x.rc = scc_process(&o, inputs, ninputs, &x.r, &x.err);
	free(d1);
	free(d2);
	free(missing);
	return x;
}

#define GO(...) go(false, NULL, 0, ARRAY_SIZE(((const char *const[]){ __VA_ARGS__ })), \
		   (const char *const[]){ __VA_ARGS__ })

/* The queue as "type rel-path" lines relative to root, for comparisons. */
static char *queue_of(const struct scc_result *r)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < r->nfrags; i++) {
		const char *p = r->frags[i].path;
		char *t;

		if (startswith(p, root))
			p += strlen(root) + 1;
		t = xasprintf("%s%s%s %s", s, i ? "; " : "", scc_ftype_name(r->frags[i].type), p);
		free(s);
		s = t;
	}
	return s;
}

/* The error with root replaced by "@", for stable comparisons. */
static char *err_of(const struct run *x)
{
	char *s = xstrdup(x->err ? x->err : "(no error)");
	size_t l = strlen(root);
	char *p;

	while ((p = strstr(s, root))) {
		memmove(p + 1, p + l, strlen(p + l) + 1);
		*p = '@';
	}
	return s;
}

static void is_queue(const struct scc_result *r, const char *want, const char *what)
{
	char *q = queue_of(r);

	is_str(q, want, "%s", what);
	free(q);
}

static void done(struct run *x)
{
	scc_result_free(&x->r);
	free(x->err);
}

static void expect_queue(struct run x, const char *want, const char *what)
{
	char *q = queue_of(&x.r);
	char *e = err_of(&x);

	if (x.rc != 0)
		printf("# error: %s\n", e);
	is_str(q, want, "%s", what);
	free(q);
	free(e);
	done(&x);
}

static void expect_error(struct run x, const char *want, const char *what)
{
	char *e = err_of(&x);

	ok(x.rc < 0, "%s: fails", what);
	is_str(e, want, "%s: message", what);
	free(e);
	done(&x);
}

static bool has_explain(const struct scc_result *r, const char *needle)
{
	for (size_t i = 0; i < r->nexplain; i++)
		if (strstr(r->explain[i], needle))
			return true;
	return false;
}

static const char *meta(const struct scc_result *r, const char *directive, size_t nth)
{
	for (size_t i = 0; i < r->nmeta; i++)
		if (streq(r->meta[i].directive, directive) && nth-- == 0)
			return r->meta[i].text;
	return NULL;
}

static void test_directives(void)
{
	struct run x;

	put("d1/a.cfg", "CONFIG_A=y\n");
	put("d1/b.cfg", "CONFIG_B=y\n");
	put("d1/types.scc", "kconf hardware a.cfg\nkconf non-hardware b.cfg\n"
			    "kconf required a.cfg\nkconf optional b.cfg\n");
	expect_queue(GO("types.scc"),
		     "hardware d1/a.cfg; non-hardware d1/b.cfg; required d1/a.cfg; optional d1/b.cfg",
		     "kconf with the four fragment types, in order");

	put("d1/inner.scc", "kconf hardware a.cfg\npatch p.patch\n");
	put("d1/p.patch", "--- a\n");
	put("d1/nocfg.scc", "include inner.scc nocfg\nkconf hardware b.cfg\n");
	x = GO("nocfg.scc");
	is_queue(&x.r, "hardware d1/b.cfg", "include nocfg drops the included kconf only");
	is_int(x.r.npatches, 1, "nocfg keeps patches");
	ok(has_explain(&x.r, "not used (nocfg, from"), "the trace says why a fragment was dropped");
	done(&x);

	put("d1/outer.scc", "include middle.scc nocfg\n");
	put("d1/middle.scc", "include inner.scc\nforce kconf non-hardware b.cfg\n");
	x = GO("outer.scc");
	is_queue(&x.r, "non-hardware d1/b.cfg", "nocfg is inherited; force kconf still counts");
	ok(x.r.nfrags == 1 && x.r.frags[0].forced, "force kconf is marked forced");
	done(&x);

	put("d1/nopatch.scc", "include inner.scc nopatch inherit\n");
	x = GO("nopatch.scc");
	is_int(x.r.npatches, 0, "include nopatch drops patches (and 'inherit' is accepted)");
	is_queue(&x.r, "hardware d1/a.cfg", "nopatch keeps fragments");
	done(&x);

	put("d1/patches.scc", "patch p.patch\npatch absent.patch\n");
	x = go(true, NULL, 0, 1, (const char *const[]){ "patches.scc" });
	ok(x.rc == 0 && x.r.npatches == 2 && x.r.patches[0].path && !x.r.patches[1].path,
	   "--config-only records a missing patch without failing");
	done(&x);
	expect_error(GO("patches.scc"),
		     "@/d1/patches.scc:2: cannot find 'absent.patch' (searched: @/d1, @/d1, @/d2; with "
		     "--config-only missing patches are only recorded)",
		     "a missing patch");

	put("d1/defs.scc", "define KARCH arm64\ndefine DESC \"two words\" more\n#define SPP 1\n#define FLAG\n"
			   "if [ \"$KARCH\" = \"arm64\" ]; then\nkconf hardware a.cfg\nfi\n");
	x = go(false, (const char *const[]){ "KARCH=x86_64" }, 1, 1, (const char *const[]){ "defs.scc" });
	is_queue(&x.r, "hardware d1/a.cfg", "a define overrides -D for later lines");
	is_str(meta(&x.r, "define", 1), "DESC two words more", "define joins its words");
	is_str(meta(&x.r, "#define", 0), "SPP 1", "#define is recorded");
	is_str(meta(&x.r, "#define", 1), "FLAG t", "#define without a value is t");
	done(&x);

	put("d1/rec.scc", "branch standard\nbranch x86\nmerge emgd-1.18\nmark a b c\n"
			  "git branch gma500 master\ntag v1\nkconf hardware a.cfg\n");
	x = GO("rec.scc");
	is_str(meta(&x.r, "branch", 1), "standard/x86", "branches nest");
	is_str(meta(&x.r, "merge", 0), "emgd-1.18", "merge is recorded");
	is_str(meta(&x.r, "mark", 0), "a b c", "mark is recorded");
	is_str(meta(&x.r, "git", 0), "branch gma500 master", "git is recorded");
	is_str(meta(&x.r, "tag", 0), "v1", "tag is recorded");
	ok(x.r.nfrags == 1 && streq(x.r.frags[0].branch, "standard/x86"), "a fragment knows its branch");
	done(&x);

	put("d1/kconfig.scc", "kconfig hardware a.cfg\n");
	x = GO("kconfig.scc");
	is_queue(&x.r, "hardware d1/a.cfg", "'kconfig' is read as 'kconf'");
	ok(x.r.nwarnings == 1 && strstr(x.r.warnings[0], "kconfig.scc:1: 'kconfig' is read as 'kconf'"),
	   "... with a warning naming file:line");
	done(&x);

	put("d1/incfrag.scc", "include a.cfg\ninclude b.cfg:hardware\ninclude p.patch\n");
	x = GO("incfrag.scc");
	is_queue(&x.r, "non-hardware d1/a.cfg; hardware d1/b.cfg",
	       "include of a fragment queues it (non-hardware unless :TYPE)");
	is_int(x.r.npatches, 1, "include of a patch queues the patch");
	done(&x);

	put("d1/twice.scc", "include inner.scc\nkconf hardware b.cfg\ninclude inner.scc\n");
	expect_queue(GO("twice.scc"), "hardware d1/a.cfg; hardware d1/b.cfg; hardware d1/a.cfg",
		     "a repeated include is processed again (re-asserting its fragments)");

	expect_queue(GO("a.cfg", "b.cfg:required", "types.scc"),
		     "non-hardware d1/a.cfg; required d1/b.cfg; hardware d1/a.cfg; non-hardware d1/b.cfg; "
		     "required d1/a.cfg; optional d1/b.cfg",
		     "command-line fragments (with :TYPE) and descriptions, in order");
}

static void test_conditionals(void)
{
	struct run x;
	const char *def[] = { "KARCH=x86_64", "KMACHINE=pc" };

	put("d1/c1.cfg", "CONFIG_C1=y\n");
	put("d1/c2.cfg", "CONFIG_C2=y\n");
	put("d1/c3.cfg", "CONFIG_C3=y\n");
	put("d1/cond.scc",
	    "if [ \"$KARCH\" = \"arm\" ] || [ \"$KARCH\" = \"x86_64\" ]; then\n"
	    "\tkconf hardware c1.cfg\n"
	    "elif [ \"$KARCH\" = \"x86_64\" ]; then\n"
	    "\tkconf hardware c2.cfg\n"
	    "else\n"
	    "\tkconf hardware c3.cfg\n"
	    "fi\n"
	    "if [ \"$KARCH\" != \"mips\" ] && [ \"${KMACHINE}\" == pc ]\n"
	    "then\n"
	    "  if [ \"$UNSET\" = \"\" ]; then\n"
	    "    kconf hardware c2.cfg\n"
	    "  fi\n"
	    "else\n"
	    "  kconf hardware missing-but-not-taken.cfg\n"
	    "  include not/there.scc\n"
	    "fi\n"
	    "if [ a = b ] || [ a = a ] && [ a = b ]; then\n"
	    "kconf hardware c3.cfg\n"
	    "fi\n");
	x = go(false, def, 2, 1, (const char *const[]){ "cond.scc" });
	is_queue(&x.r, "hardware d1/c1.cfg; hardware d1/c2.cfg",
	       "if/elif/else/fi, != and ==, || and && (left to right), nested ifs, then on its own line; "
	       "untaken branches need no files");
	ok(has_explain(&x.r, "[ \"x86_64\" = \"arm\" ] is false || [ \"x86_64\" = \"x86_64\" ] is true: taken"),
	   "the trace says why a condition was taken");
	done(&x);
}

static void test_resolution(void)
{
	struct run x;
	char *p;

	put("d1/r/one.scc", "kconf hardware one.cfg\n");
	put("d1/r/one.cfg", "CONFIG_ONE=y\n");
	put("d1/r/plain", "kconf hardware one.cfg\n");
	put("d1/r/dir/dir.scc", "kconf hardware ../one.cfg\n");
	put("d1/r/nox/nox", "kconf hardware ../one.cfg\n");
	put("d1/feat/kvm/kvm.scc", "kconf hardware ../../r/one.cfg\n");
	put("d1/feat/bare/bare", "kconf hardware ../../r/one.cfg\n");
	put("d1/feat/bare/feat/bare/feat/bare.scc", "#\n");
	put("d1/res.scc", "include r/one\ninclude r/plain\ninclude feat/kvm\ninclude feat/bare\n");
	x = GO("res.scc");
	ok(x.rc == 0 && x.r.nfrags == 4, "T.scc, T, T/B.scc and T/B all resolve");
	done(&x);

	p = at("d1");
	{
		struct resolve_dirs d = { (const char *const[]){ p }, 1 };
		char *s = NULL, *r;

		r = resolve_name(&d, RESOLVE_INCLUDE, "r/dir", NULL, &s);
		ok(r && endswith(r, "/d1/r/dir/dir.scc"), "T/T.scc: 'r/dir' finds r/dir/dir.scc? (T/B)");
		free(r);
		r = resolve_name(&d, RESOLVE_INCLUDE, "r/nox", NULL, &s);
		ok(r && endswith(r, "/d1/r/nox/nox"), "T/B without extension");
		free(r);
		put("d1/tt/tt/tt/tt.scc", "#\n");
		r = resolve_name(&d, RESOLVE_INCLUDE, "tt/tt", NULL, &s);
		ok(r && endswith(r, "/d1/tt/tt/tt/tt.scc"), "T/T.scc with a relative T of two parts");
		free(r);
		put("d1/tt/tt/tt/tt", "#\n");
		{
			char *f = at("d1/tt/tt/tt/tt.scc");

			unlink(f);
			free(f);
		}
		r = resolve_name(&d, RESOLVE_INCLUDE, "tt/tt", NULL, &s);
		ok(r && endswith(r, "/d1/tt/tt/tt/tt"), "T/T without extension");
		free(r);
		is_str(resolve_extension("x.cfg"), ".cfg", "extension .cfg");
		is_str(resolve_extension("x.config"), ".config", "extension .config");
		is_str(resolve_extension("x.patch"), ".patch", "extension .patch");
		is_str(resolve_extension("x86_64_defconfig"), "", "defconfig has none");
		is_str(resolve_extension("features/kvm"), ".scc", ".scc by default");
		r = resolve_name(&d, RESOLVE_INCLUDE, "nothing/here", NULL, &s);
		ok(!r && s && streq(s, p), "not found: the searched directories are listed");
		free(s);
	}
	free(p);

	/* -I order: the first directory given wins, not the longest name */
	put("d1/same.scc", "kconf hardware which.cfg\n");
	put("d1/which.cfg", "CONFIG_D1=y\n");
	put("d2/same.scc", "kconf hardware which.cfg\n");
	put("d2/which.cfg", "CONFIG_D2=y\n");
	expect_queue(GO("same.scc"), "hardware d1/which.cfg", "the first -I directory wins");

	/* include: -I dirs before the includer's directory; kconf: includer's first */
	put("d2/sub/top.scc", "include same.scc\nkconf hardware which.cfg\n");
	put("d2/sub/same.scc", "kconf hardware local.cfg\n");
	put("d2/sub/which.cfg", "CONFIG_LOCAL=y\n");
	put("d2/sub/local.cfg", "CONFIG_LOCAL=y\n");
	expect_queue(GO("sub/top.scc"), "hardware d1/which.cfg; hardware d2/sub/which.cfg",
		     "include searches -I first, kconf the includer's directory first");
	put("d2/sub/only.scc", "include onlyhere.scc\n");
	put("d2/sub/onlyhere.scc", "kconf hardware local.cfg\n");
	expect_queue(GO("sub/only.scc"), "hardware d2/sub/local.cfg",
		     "include falls back to the includer's directory");

	p = at("d1/a.cfg");
	{
		char *scc = xasprintf("kconf hardware %s\n", p);

		put("d2/abs.scc", scc);
		free(scc);
	}
	expect_queue(GO("abs.scc"), "hardware d1/a.cfg", "an absolute fragment name");
	free(p);
}

static void test_find(void)
{
	char *d1 = at("d1"), *d2 = at("d2"), *others = NULL, *err = NULL, *r;
	const char *dirs[] = { d1, d2 };

	put("d1/bsp/pc/pc-standard.scc", "define KMACHINE pc\ndefine KMACHINE qemux86-64\ndefine KTYPE standard\n");
	put("d1/bsp/pc/pc-tiny.scc", "define KMACHINE pc\ndefine KTYPE tiny\n");
	put("d1/bsp/my-pc/my-pc-standard.scc", "define KMACHINE my-pc\ndefine KTYPE standard\n");
	put("d2/bsp/pc2/pc-standard.scc", "define KMACHINE pc\ndefine KTYPE standard\n");
	r = scc_find_bsp(dirs, 2, "qemux86-64", "standard", &others, &err);
	ok(r && endswith(r, "d1/bsp/pc/pc-standard.scc"), "--find by an alias KMACHINE");
	free(r);
	free(others);
	r = scc_find_bsp(dirs, 2, "pc", "standard", &others, &err);
	ok(r && endswith(r, "d1/bsp/pc/pc-standard.scc") && others && strstr(others, "d2/bsp/pc2"),
	   "--find: the first in search order wins, the others are listed (no suffix match of my-pc)");
	free(r);
	free(others);
	r = scc_find_bsp(dirs, 2, "pc", "preempt-rt", &others, &err);
	ok(!r && err && strstr(err, "no description defines KMACHINE pc and KTYPE preempt-rt"),
	   "--find without a match says what it looked for");
	free(err);
	free(d1);
	free(d2);
}

static void test_errors(void)
{
	put("d1/x.cfg", "CONFIG_X=y\n");
	put("d1/cyc-a.scc", "include cyc-b.scc\n");
	put("d1/cyc-b.scc", "kconf hardware x.cfg\ninclude cyc-c.scc\n");
	put("d1/cyc-c.scc", "include cyc-a.scc\n");
	expect_error(GO("cyc-a.scc"),
		     "@/d1/cyc-c.scc:1: include cycle: @/d1/cyc-a.scc -> @/d1/cyc-b.scc -> @/d1/cyc-c.scc "
		     "-> @/d1/cyc-a.scc (a file may be included many times, but never from inside itself; "
		     "remove one of these includes)",
		     "an include cycle names the whole chain");
	put("d1/self.scc", "include self.scc\n");
	expect_error(GO("self.scc"),
		     "@/d1/self.scc:1: include cycle: @/d1/self.scc -> @/d1/self.scc (a file may be "
		     "included many times, but never from inside itself; remove one of these includes)",
		     "a file including itself");
	put("d1/miss.scc", "\n# comment\ninclude nowhere/nothing.scc\n");
	expect_error(GO("miss.scc"),
		     "@/d1/miss.scc:3: cannot find 'nowhere/nothing.scc' (searched: @/d1, @/d2, @/d1)",
		     "a missing include lists where it looked");
	put("d1/missfrag.scc", "kconf hardware nothing.cfg\n");
	expect_error(GO("missfrag.scc"),
		     "@/d1/missfrag.scc:1: cannot find 'nothing.cfg' (searched: @/d1, @/d1, @/d2)",
		     "a missing fragment");
	expect_error(GO("nothing.scc"),
		     "command line input 1: cannot find 'nothing.scc' (searched: ., @/d1, @/d2)",
		     "a missing input");

#define BAD(text, want, what)                     \
	do {                                      \
		put("d1/bad.scc", text);          \
		expect_error(GO("bad.scc"), want, what); \
	} while (0)
	BAD("kconf hardware x.cfg\nincldue foo.scc\n",
	    "@/d1/bad.scc:2: unknown directive 'incldue' (did you mean 'include'?)",
	    "an unknown directive with a suggestion");
	BAD("frobnicate\n",
	    "@/d1/bad.scc:1: unknown directive 'frobnicate' (known: include, kconf, force kconf, patch, "
	    "define, #define, branch, merge, mark, git, tag, if/elif/else/fi)",
	    "an unknown directive");
	BAD("kconf hardwar x.cfg\n", "@/d1/bad.scc:1: unknown fragment type 'hardwar' (did you mean 'hardware'?)",
	    "a misspelt fragment type");
	BAD("kconf weird x.cfg\n",
	    "@/d1/bad.scc:1: unknown fragment type 'weird' (known: hardware, non-hardware, required, optional)",
	    "an unknown fragment type");
	BAD("kconf hardware\n",
	    "@/d1/bad.scc:1: 'kconf' is missing an argument (usage: kconf TYPE FRAGMENT)", "kconf without a fragment");
	BAD("kconf hardware a b\n",
	    "@/d1/bad.scc:1: 'kconf' has too many arguments (usage: kconf TYPE FRAGMENT)", "kconf with too much");
	BAD("force hardware x.cfg\n",
	    "@/d1/bad.scc:1: 'force' must be followed by 'kconf' (usage: force kconf TYPE FRAGMENT)",
	    "force without kconf");
	BAD("as_module kconf hardware x.cfg\n",
	    "@/d1/bad.scc:1: 'as_module kconf' is not supported (it is broken in the reference tools); "
	    "write the module values in the fragment",
	    "as_module");
	BAD("include x.scc sometimes\n",
	    "@/d1/bad.scc:1: unknown include option 'sometimes' (known: nocfg, nopatch, inherit)",
	    "an unknown include option");
	BAD("include\n", "@/d1/bad.scc:1: 'include' is missing an argument (usage: include NAME [nocfg] [nopatch])",
	    "include without a name");
	BAD("define 9x y\n",
	    "@/d1/bad.scc:1: '9x' is not a variable name (letters, digits and '_', not starting with a digit)",
	    "a bad variable name");
	BAD("define X\n", "@/d1/bad.scc:1: 'define' needs a name and a value (usage: define VAR VALUE)",
	    "define without a value");
	BAD("#define\n", "@/d1/bad.scc:1: '#define' needs a variable name (usage: #define VAR [VALUE])",
	    "#define without a name");
	BAD("branch\n", "@/d1/bad.scc:1: 'branch' is missing an argument (usage: branch NAME)", "branch without a name");
	BAD("merge a b\n", "@/d1/bad.scc:1: 'merge' has too many arguments (usage: merge BRANCH)", "merge with two");
	BAD("tag\n", "@/d1/bad.scc:1: 'tag' is missing an argument (usage: tag NAME)", "tag without a name");
	BAD("mark\n", "@/d1/bad.scc:1: 'mark' is missing an argument (usage: mark WORDS...)", "mark without words");
	BAD("git\n", "@/d1/bad.scc:1: 'git' is missing an argument (usage: git ARGS...)", "git without words");
	BAD("patch\n", "@/d1/bad.scc:1: 'patch' is missing an argument (usage: patch FILE)", "patch without a file");
	BAD("kconf hardware $X.cfg\n",
	    "@/d1/bad.scc:1: '.cfg': variables are not expanded in file names; write the name out",
	    "a variable in a file name");
	BAD("kconf hardware \"\"\n", "@/d1/bad.scc:1: empty file name", "an empty file name");
	BAD("define X \"unterminated\n", "@/d1/bad.scc:1: unterminated double quote (add the closing \")",
	    "an unterminated double quote");
	BAD("define X 'unterminated\n", "@/d1/bad.scc:1: unterminated single quote (add the closing ')",
	    "an unterminated single quote");
	BAD("define X $(uname)\n", "@/d1/bad.scc:1: command substitution '$(...)' is not supported in .scc files",
	    "$(...)");
	BAD("define X \"`uname`\"\n",
	    "@/d1/bad.scc:1: command substitution '`...`' is not supported in .scc files", "backquotes");
	BAD("define X ${A-b}\n", "@/d1/bad.scc:1: only '${NAME}' is supported inside '${...}'", "${...} forms");
	BAD("kconf hardware x.cfg | cat\n", "@/d1/bad.scc:1: shell syntax '|' is not supported in .scc files",
	    "a pipe");
	BAD("kconf hardware x.cfg > y\n", "@/d1/bad.scc:1: shell syntax '>' is not supported in .scc files",
	    "a redirection");
	BAD("kconf hardware x.cfg; kconf hardware x.cfg\n",
	    "@/d1/bad.scc:1: ';' after 'kconf': one directive per line (and '&&', '||' only in if/elif "
	    "conditions)",
	    "two directives on a line");
	BAD("&& x\n", "@/d1/bad.scc:1: a line cannot start with '&&'", "a line starting with an operator");
	BAD("\"kconf\" hardware x.cfg\n", "@/d1/bad.scc:1: a quoted directive name ('kconf') is not a directive",
	    "a quoted directive");
	BAD("if [ a = a ]; then\nkconf hardware x.cfg\n",
	    "@/d1/bad.scc:1: this 'if' is never closed: add 'fi' before the end of the file", "if without fi");
	BAD("fi\n", "@/d1/bad.scc:1: 'fi' without 'if'", "fi without if");
	BAD("else\n", "@/d1/bad.scc:1: 'else' without 'if'", "else without if");
	BAD("elif [ a = a ]; then\n", "@/d1/bad.scc:1: 'elif' without 'if'", "elif without if");
	BAD("then\n", "@/d1/bad.scc:1: 'then' without 'if' or 'elif'", "then without if");
	BAD("if [ a = a ]; then\nelse\nelse\nfi\n", "@/d1/bad.scc:3: a second 'else' (the 'if' is at line 1)",
	    "two elses");
	BAD("if [ a = a ]; then\nelse\nelif [ a = b ]; then\nfi\n",
	    "@/d1/bad.scc:3: 'elif' after 'else' (the 'if' is at line 1)", "elif after else");
	BAD("if [ a = a ]\nkconf hardware x.cfg\nfi\n",
	    "@/d1/bad.scc:2: expected 'then' after the 'if' on line 1, got 'kconf'", "if without then");
	BAD("if [ a = a ] then\nfi\n", "@/d1/bad.scc:1: missing ';' before 'then'", "then without ;");
	BAD("if [ a = a ]; then kconf hardware x.cfg; fi\n",
	    "@/d1/bad.scc:1: put the lines after 'then' on their own lines (a directive on the 'then' line "
	    "is not supported)",
	    "a one-line if");
	BAD("if [ a = a ]; fi\n", "@/d1/bad.scc:1: expected 'then' after ';', got 'fi'", "if ...; fi");
	BAD("if; then\nfi\n", "@/d1/bad.scc:1: 'if' without a condition", "if without a condition");
	BAD("if [ -n x ]; then\nfi\n",
	    "@/d1/bad.scc:1: a test must be exactly [ \"$VAR\" = \"value\" ] or [ \"$VAR\" != \"value\" ]",
	    "an unsupported test");
	BAD("if [ a -eq a ]; then\nfi\n", "@/d1/bad.scc:1: unsupported test operator '-eq' (use = or !=)",
	    "an unsupported operator");
	BAD("if test a = a; then\nfi\n",
	    "@/d1/bad.scc:1: expected '[' to start a test, got 'test' (conditions are [ \"$VAR\" = \"value\" ] "
	    "or != joined by || and &&)",
	    "test instead of [");
	BAD("if [ a = a ] [ b = b ]; then\nfi\n",
	    "@/d1/bad.scc:1: expected '||', '&&' or '; then' after a test, got '['", "two tests without ||");
	BAD("fi fi\n", "@/d1/bad.scc:1: 'fi' must be alone on its line", "fi with more");
	BAD("include bad.cfg:nonsense\n",
	    "@/d1/bad.scc:1: cannot find 'bad.cfg:nonsense' (searched: @/d1, @/d2, @/d1)",
	    "an unknown :TYPE is part of the name");
	expect_error(GO("x.scc:hardware"),
		     "command line input 1: ':TYPE' only applies to fragments (.cfg), not to 'x.scc'",
		     ":TYPE on a description");
	expect_error(go(false, (const char *const[]){ "NOEQUALS" }, 1, 1, (const char *const[]){ "x.cfg" }),
		     "-D 'NOEQUALS': expected VAR=VALUE with VAR made of letters, digits and '_'", "a bad -D");
}

static void test_hostile(void)
{
	size_t big = 10 * 1024 * 1024;
	char *text;
	FILE *f;
	char *p;

	/* a 10 MB line */
	text = xmalloc(big + 32);
	memcpy(text, "define X ", 9);
	memset(text + 9, 'a', big);
	strcpy(text + 9 + big, "\n");
	put("d1/huge.scc", text);
	free(text);
	expect_error(GO("huge.scc"),
		     "@/d1/huge.scc:1: line longer than 65536 bytes: this is not a kernel description or "
		     "fragment",
		     "a 10 MB line");

	/* binary garbage */
	p = at("d1/bin.scc");
	f = fopen(p, "wb");
	{
		static const char garbage[] = "kconf \0\1\2\3\xff\xfe garbage\n";

		fwrite(garbage, 1, sizeof(garbage) - 1, f);
	}
	fclose(f);
	free(p);
	expect_error(GO("bin.scc"), "@/d1/bin.scc:1: binary data (a NUL byte): this is not a text file",
		     "binary garbage");
	put("d1/bin2.scc", "\x7f\x45\x4c\x46\x02\x01\n");
	expect_error(GO("bin2.scc"), "@/d1/bin2.scc:1: unknown directive '\x7f\x45LF\x02\x01' (known: include, "
				      "kconf, force kconf, patch, define, #define, branch, merge, mark, git, "
				      "tag, if/elif/else/fi)",
		     "garbage without NUL bytes is an unknown directive");

	/* 10 000 nested includes */
	for (int i = 0; i < 10000; i++) {
		char name[64], body[64];

		snprintf(name, sizeof(name), "d1/deep/n%d.scc", i);
		snprintf(body, sizeof(body), "include deep/n%d.scc\n", i + 1);
		put(name, body);
	}
	expect_error(GO("deep/n0.scc"),
		     "@/d1/deep/n63.scc:1: includes nested more than 64 deep (at 'deep/n64.scc'); flatten "
		     "the descriptions",
		     "10 000-deep include nesting");

	/* 10 000 nested ifs */
	{
		size_t n = 10000, len = 0;

		text = xmalloc(n * 40 + 1);
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(text + len, "if [ a = a ]; then\n");
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(text + len, "fi\n");
		put("d1/deepif.scc", text);
		free(text);
	}
	expect_error(GO("deepif.scc"), "@/d1/deepif.scc:257: if/fi nested more than 256 deep",
		     "10 000-deep if nesting");

	/* includes that repeat at every level: bounded work */
	for (int i = 0; i < 40; i++) {
		char name[64], body[128];

		snprintf(name, sizeof(name), "d1/fan/f%d.scc", i);
		snprintf(body, sizeof(body), "include fan/f%d.scc\ninclude fan/f%d.scc\n", i + 1, i + 1);
		put(name, body);
	}
	put("d1/fan/f40.scc", "#\n");
	{
		struct run x = GO("fan/f0.scc");
		char *e = err_of(&x);

		ok(x.rc < 0 && strstr(e, "more than 100000 files processed"),
		   "exponentially repeated includes stop with a message");
		free(e);
		done(&x);
	}
	test_expansion_limits();
	put("d1/continued.scc", "define X \"a \\\nb\"\nkconf \\\n  hardware x.cfg\n");
	put("d1/x.cfg", "CONFIG_X=y\n");
	expect_queue(GO("continued.scc"), "hardware d1/x.cfg", "a backslash continues a line");
}

/* @head, @unit @n times, @tail (malloc'd). */
static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
	char *text = xstrdup(head);

	for (int i = 0; i < n; i++)
		strappendf(&text, "%s", unit);
	strappendf(&text, "%s", tail);
	return text;
}

/* root/@rel holding @line @n times. */
static void put_repeated(const char *rel, const char *line, int n)
{
	char *text = repeat("", line, n, "");

	put(rel, text);
	free(text);
}

/* Text that grows as it is processed: each bounded, each failing fast. */
static char *doubling(int lines)
{
	char *t = xstrdup("define A 0123456789abcdef\n");

	for (int i = 1; i < lines; i++)
		strappendf(&t, "define A \"$A$A\"\n");
	return t;
}

static void test_expansion_limits(void)
{
	char *text;

	/* 1 KiB of defines, each doubling the last: 16 bytes * 2^63 unbounded */
	text = doubling(64);
	put("d1/bomb.scc", text);
	free(text);
	expect_error(GO("bomb.scc"),
		     "@/d1/bomb.scc:18: variables expand this line to more than 1048576 bytes (at "
		     "'$A'); no kernel description needs that: shorten the defines",
		     "defines that double at every line");

	/* 512 KiB in a variable, then a leaf that uses it included 200 times */
	text = doubling(16);
	for (int i = 0; i < 200; i++)
		strappendf(&text, "include txt/leaf.scc\n");
	put("d1/txt/top.scc", text);
	put("d1/txt/leaf.scc", "mark $A\n");
	free(text);
	expect_error(GO("txt/top.scc"),
		     "@/d1/txt/leaf.scc:1: the descriptions expand to more than 64 MiB of text; "
		     "repeated includes or growing defines multiply them: remove repeated includes",
		     "a large variable used by a file included many times");

	/* 1000 kconf lines included 101 times; the same for patches */
	put_repeated("d1/many/frags.scc", "kconf hardware x.cfg\n", 1000);
	put_repeated("d1/many/patches.scc", "patch p.patch\n", 1000);
	put("d1/many/x.cfg", "CONFIG_X=y\n");
	put("d1/many/p.patch", "--- a\n+++ b\n");
	put_repeated("d1/many/top-frags.scc", "include many/frags.scc\n", 101);
	put_repeated("d1/many/top-patches.scc", "include many/patches.scc\n", 101);
	expect_error(GO("many/top-frags.scc"),
		     "@/d1/many/frags.scc:1: more than 100000 fragments queued: repeated includes "
		     "multiply them; remove repeated includes",
		     "101 000 fragments");
	expect_error(GO("many/top-patches.scc"),
		     "@/d1/many/patches.scc:1: more than 100000 patches queued: repeated includes "
		     "multiply them; remove repeated includes",
		     "101 000 patches");

	/* names no filesystem holds: said so, not "cannot find" */
	text = repeat("include sub/", "x", 300, ".scc\n");
	put("d1/longname.scc", text);
	free(text);
	expect_error(GO("longname.scc"),
		     "@/d1/longname.scc:1: file name 'sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' "
		     "has a name of 304 bytes; names hold at most 255 bytes: shorten it",
		     "a 304-byte name in an include");
	text = repeat("kconf hardware ", "d/", 2100, "x.cfg\n");
	put("d1/longpath.scc", text);
	free(text);
	expect_error(GO("longpath.scc"),
		     "@/d1/longpath.scc:1: file name 'd/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/...' is "
		     "4205 bytes long; paths hold at most 4095 bytes",
		     "a 4205-byte fragment path");
}

int main(void)
{
	char tmpl[] = "/tmp/vmb-test-scc-XXXXXX";

	root = mkdtemp(tmpl);
	if (!root)
		return 99;
	put("d2/.keep", "");
	test_directives();
	test_conditionals();
	test_resolution();
	test_find();
	test_errors();
	test_hostile();
	{
		/* clean up the scratch tree */
		const char *argv0 = "rm";
		char *cmd[] = { (char *)argv0, (char *)"-rf", root, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execvp("rm", cmd);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return done_testing();
}
