/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "audit/kenv.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/run.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

const char *kenv_srcarch(const char *arch)
{
	static const struct {
		const char *arch, *srcarch;
	} map[] = {
		{ "i386", "x86" },     { "x86_64", "x86" }, { "sparc32", "sparc" },
		{ "sparc64", "sparc" }, { "parisc64", "parisc" }, { "sh64", "sh" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (streq(arch, map[i].arch))
			return map[i].srcarch;
	return arch;
}

/* The value of "NAME = value" in a Makefile text (first occurrence). */
static char *makefile_var(const char *text, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + l, *end;

		if (strncmp(p, name, l) != 0)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		end = strchr(q, '\n');
		if (!end)
			end = q + strlen(q);
		while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		return xstrndup(q, (size_t)(end - q));
	}
	return NULL;
}

char *kenv_kernelversion(const char *ksrc, char **err)
{
	char *path = xasprintf("%s/Makefile", ksrc), *buf, *v, *p, *s, *x, *r;
	size_t len;

	if (text_read(path, &buf, &len, err) < 0) {
		free(path);
		return NULL;
	}
	v = makefile_var(buf, "VERSION");
	p = makefile_var(buf, "PATCHLEVEL");
	s = makefile_var(buf, "SUBLEVEL");
	x = makefile_var(buf, "EXTRAVERSION");
	if (!v || !*v) {
		*err = xasprintf("'%s' has no VERSION line: is '%s' a Linux source tree?", path, ksrc);
		r = NULL;
	} else {
		/* as the top Makefile: VERSION[.PATCHLEVEL[.SUBLEVEL]]EXTRAVERSION */
		r = xasprintf("%s%s%s%s%s%s", v, p && *p ? "." : "", p && *p ? p : "",
			      p && *p && s && *s ? "." : "", p && *p && s && *s ? s : "", x ? x : "");
	}
	free(v);
	free(p);
	free(s);
	free(x);
	free(buf);
	free(path);
	return r;
}

static void set(struct kenv *env, const char *name, const char *value)
{
	size_t l = strlen(name);

	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], name, l) == 0 && env->v[i][l] == '=') {
			free(env->v[i]);
			env->v[i] = xasprintf("%s=%s", name, value);
			return;
		}
	}
	*VEC_PUSH(env->v, env->n, env->cap) = xasprintf("%s=%s", name, value);
}

const char *kenv_get(const struct kenv *env, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, l) == 0 && env->v[i][l] == '=')
			return env->v[i] + l + 1;
	return NULL;
}

/* "$CC --version | head -n 1" without '#', as kbuild computes it; CC may
 * be several words ("ccache gcc"), which the shell would split. */
static char *cc_version_text(const char *cc, char **err)
{
	char *copy = xstrdup(cc), *save = NULL, *tok;
	const char **argv = NULL;
	size_t n = 0, cap = 0;
	struct run_opts opts = { 0 };
	struct run_child child;
	char buf[512];
	size_t got = 0;
	ssize_t r;
	char *line = NULL, *rerr = NULL;

	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		*VEC_PUSH(argv, n, cap) = tok;
	if (!n) {
		*err = xstrdup("CC is empty: give the compiler as CC=...");
		free(copy);
		return NULL;
	}
	*VEC_PUSH(argv, n, cap) = "--version";
	*VEC_PUSH(argv, n, cap) = NULL;
	opts.out.how = RUN_PIPE;
	opts.in.how = RUN_NULL;
	if (run_start(argv, &opts, &child, err) < 0) {
		free(argv);
		free(copy);
		return NULL;
	}
	while (got < sizeof(buf) - 1 && (r = read(child.out_fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	if (run_wait(&child, &rerr) < 0) {
		*err = xasprintf("cannot learn the compiler version from '%s --version': %s", cc, rerr);
		free(rerr);
	} else {
		char *nl = strchr(buf, '\n'), *o;

		if (nl)
			*nl = '\0';
		line = o = xstrdup(buf);
		for (const char *i = buf; *i; i++) /* kbuild drops '#', which would start a comment */
			if (*i != '#')
				*o++ = *i;
		*o = '\0';
	}
	free(argv);
	free(copy);
	return line;
}

int kenv_build(const char *ksrc, const char *arch, const char *const *overrides, size_t noverrides,
	       struct kenv *env, char **err)
{
	const char *cross, *cc;
	char *abs_src = realpath(ksrc, NULL), *kv, *ccv;

	memset(env, 0, sizeof(*env));
	if (!abs_src) {
		char *why = input_problem(ksrc, errno);

		*err = xasprintf("kernel source %s", why);
		free(why);
		return -1;
	}
	set(env, "srctree", abs_src);
	free(abs_src);
	set(env, "ARCH", arch);
	set(env, "SRCARCH", kenv_srcarch(arch));
	set(env, "CROSS_COMPILE", "");
	/* overrides first, so CROSS_COMPILE shapes the tool defaults */
	for (size_t i = 0; i < noverrides; i++) {
		const char *eq = strchr(overrides[i], '=');
		char *name;

		if (!eq || eq == overrides[i]) {
			*err = xasprintf("'%s' is not NAME=VALUE", overrides[i]);
			kenv_free(env);
			return -1;
		}
		name = xstrndup(overrides[i], (size_t)(eq - overrides[i]));
		set(env, name, eq + 1);
		free(name);
	}
	cross = kenv_get(env, "CROSS_COMPILE");
	{
		static const struct {
			const char *name, *tool;
			bool cross;
		} tools[] = {
			{ "CC", "gcc", true },        { "LD", "ld", true },        { "NM", "nm", true },
			{ "OBJCOPY", "objcopy", true }, { "AR", "ar", true },       { "HOSTCC", "gcc", false },
			{ "HOSTCXX", "g++", false },  { "PAHOLE", "pahole", false }, { "RUSTC", "rustc", false },
			{ "BINDGEN", "bindgen", false },
		};

		for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
			char *v;

			if (kenv_get(env, tools[i].name))
				continue;
			v = xasprintf("%s%s", tools[i].cross ? cross : "", tools[i].tool);
			set(env, tools[i].name, v);
			free(v);
		}
	}
	if (!kenv_get(env, "KERNELVERSION")) {
		kv = kenv_kernelversion(ksrc, err);
		if (!kv) {
			kenv_free(env);
			return -1;
		}
		set(env, "KERNELVERSION", kv);
		free(kv);
	}
	cc = kenv_get(env, "CC");
	if (!kenv_get(env, "CC_VERSION_TEXT")) {
		ccv = cc_version_text(cc, err);
		if (!ccv) {
			kenv_free(env);
			return -1;
		}
		set(env, "CC_VERSION_TEXT", ccv);
		free(ccv);
	}
	*VEC_PUSH(env->v, env->n, env->cap) = NULL;
	env->n--;
	return 0;
}

void kenv_free(struct kenv *env)
{
	for (size_t i = 0; i < env->n; i++)
		free(env->v[i]);
	free(env->v);
	memset(env, 0, sizeof(*env));
}
