/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel descriptions found by name in a search path (lookup.h). */
#include "scc/lookup.h"
#include "shared/util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first directory's DIR/@rel that is a file. */
static char *first_file(const struct scc_search *s, const char *rel)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		char *p = xasprintf("%s/%s", s->dirs[i], rel);

		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

char *scc_lookup_ktype(const struct scc_search *s, const char *ktype)
{
	char *rel = xasprintf("ktypes/%s/%s.scc", ktype, ktype);
	char *r = first_file(s, rel);

	free(rel);
	return r;
}

char *scc_lookup_bsp(const struct scc_search *s, const char *board, const char *ktype)
{
	char *rel = xasprintf("bsp/%s/%s-%s.scc", board, board, ktype);
	char *r = first_file(s, rel);

	free(rel);
	return r;
}

char *scc_lookup_guest(const struct scc_search *s, const char *guest, const char *ktype)
{
	char *rel = xasprintf("%s-%s.scc", guest, ktype);
	char *r = first_file(s, rel);

	free(rel);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_sorted_once(struct namelist *out, const char *name)
{
	if (namelist_has(out, name))
		return;
	namelist_push(out, name);
	qsort(out->v, out->n, sizeof(*out->v), cmp_names);
}

void scc_list_ktypes(const struct scc_search *s, struct namelist *out)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		char *top = xasprintf("%s/ktypes", s->dirs[i]);
		DIR *d = opendir(top);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *p;

			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s/%s.scc", top, de->d_name, de->d_name);
			if (is_file(p))
				add_sorted_once(out, de->d_name);
			free(p);
		}
		if (d)
			closedir(d);
		free(top);
	}
}

void scc_list_guests(const struct scc_search *s, const char *ktype, struct namelist *out)
{
	char *suffix = xasprintf("-%s.scc", ktype);
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < s->ndirs; i++) {
		DIR *d = opendir(s->dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t l = strlen(de->d_name);
			char *p;

			if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
				continue;
			p = xasprintf("%s/%s", s->dirs[i], de->d_name);
			if (is_file(p)) {
				char *name = xasprintf("%.*s", (int)(l - sl), de->d_name);

				add_sorted_once(out, name);
				free(name);
			}
			free(p);
		}
		if (d)
			closedir(d);
	}
	free(suffix);
}

static const char *shown(const struct scc_search *s, const char *dir)
{
	size_t l = s->root ? strlen(s->root) : 0;

	if (l && strncmp(dir, s->root, l) == 0 && dir[l] == '/' && dir[l + 1])
		return dir + l + 1;
	return dir;
}

char *scc_search_text(const struct scc_search *s)
{
	char *t = xstrdup("");

	for (size_t i = 0; i < s->ndirs; i++)
		strappendf(&t, "%s%s/", i ? ", " : "", shown(s, s->dirs[i]));
	return t;
}

char *scc_guest_missing(const struct scc_search *s, const char *guest, const char *ktype)
{
	char *dirs = scc_search_text(s);
	char *rel = xasprintf("%s.scc", guest);
	char *seed = first_file(s, rel);
	char *why = xasprintf("no kernel description for guest '%s' (looked for %s-%s.scc in %s)", guest, guest,
			      ktype, *dirs ? dirs : "no directories");

	if (seed)
		strappendf(&why, " (%s.scc exists but there is no %s-%s.scc for kernel type '%s')", guest, guest,
			   ktype, ktype);
	free(seed);
	free(rel);
	free(dirs);
	return why;
}
