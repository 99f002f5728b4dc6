/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/resolve.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

const char *resolve_extension(const char *name)
{
	static const char *const known[] = { ".scc", ".cfg", ".config", ".patch" };

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (endswith(name, known[i]))
			return known[i];
	if (endswith(name, "defconfig"))
		return "";
	return ".scc";
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *canonical(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : xstrdup(path);
}

/* The exact path @dir/@name, when it is a regular file. */
static char *try_exact(const char *dir, const char *name)
{
	char *p = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	char *r = NULL;

	if (is_regular(p))
		r = canonical(p);
	free(p);
	return r;
}

/* The spp candidates of @name in @dir (NULL: @name is absolute or relative
 * to the current directory). */
static char *try_candidates(const char *dir, const char *name)
{
	const char *ext = resolve_extension(name);
	size_t tl = strlen(name);
	char *t, *b, *r = NULL;
	const char *slash;

	if (*ext && endswith(name, ext))
		tl -= strlen(ext);
	t = xstrndup(name, tl);
	slash = strrchr(t, '/');
	b = xstrdup(slash ? slash + 1 : t);
	{
		const char *pre = dir ? dir : "", *sep = dir ? "/" : "";
		char *cand[] = {
			xasprintf("%s%s%s%s", pre, sep, t, ext),
			xasprintf("%s%s%s", pre, sep, t),
			/* T/T only makes sense for a relative T */
			dir ? xasprintf("%s/%s/%s%s", pre, t, t, ext) : NULL,
			dir ? xasprintf("%s/%s/%s", pre, t, t) : NULL,
			xasprintf("%s%s%s/%s%s", pre, sep, t, b, ext),
			xasprintf("%s%s%s/%s", pre, sep, t, b),
		};

		for (size_t i = 0; i < ARRAY_SIZE(cand); i++) {
			if (!r && cand[i] && *b && is_regular(cand[i]))
				r = canonical(cand[i]);
			free(cand[i]);
		}
	}
	free(t);
	free(b);
	return r;
}

static void add_searched(char **searched, const char *dir)
{
	char *s = *searched ? xasprintf("%s, %s", *searched, dir) : xstrdup(dir);

	free(*searched);
	*searched = s;
}

/* Why the absolute @name was not found: when something is there (a FIFO,
 * a dangling symlink, a loop), say what, rather than "cannot find" alone. */
static void not_found_absolute(char **searched, const char *name)
{
	struct stat st;
	char *why;

	if (lstat(name, &st) < 0) {
		add_searched(searched, "(an absolute name is only looked up as itself)");
		return;
	}
	if (stat(name, &st) < 0)
		why = input_problem(name, errno);
	else
		why = xasprintf("'%s' is %s, not a regular file", name, file_kind(st.st_mode));
	add_searched(searched, why);
	free(why);
}

char *resolve_name(const struct resolve_dirs *d, enum resolve_kind kind, const char *name,
		   const char *includer_dir, char **searched)
{
	char *r = NULL;

	*searched = NULL;
	if (!*name)
		return NULL;
	if (name[0] == '/') {
		r = kind == RESOLVE_FILE ? try_exact(NULL, name) : try_candidates(NULL, name);
		if (!r)
			not_found_absolute(searched, name);
		return r;
	}
	if (kind == RESOLVE_FILE && includer_dir) {
		r = try_exact(includer_dir, name);
		if (r)
			return r;
		add_searched(searched, includer_dir);
	}
	if (kind == RESOLVE_INPUT) {
		r = try_exact(NULL, name);
		if (r)
			return r;
		add_searched(searched, ".");
	}
	for (size_t i = 0; i < d->n; i++) {
		r = try_candidates(d->dirs[i], name);
		if (r) {
			free(*searched);
			*searched = NULL;
			return r;
		}
		add_searched(searched, d->dirs[i]);
	}
	if (kind == RESOLVE_INCLUDE && includer_dir) {
		r = try_candidates(includer_dir, name);
		if (r) {
			free(*searched);
			*searched = NULL;
			return r;
		}
		add_searched(searched, includer_dir);
	}
	return r;
}
