/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "spp --find": which board description defines KMACHINE and KTYPE. The file
 * name is not what counts (a board may carry several KMACHINE aliases); the
 * define lines are. Unlike spp, a value must match exactly (spp accepts any
 * define line ending in the name) and the first file in search order wins
 * (spp takes the second of equally good ones in sorted order).
 */
#include "scc/scc.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "scc/words.h"
#include "shared/util.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

struct paths {
	char **v;
	size_t n, cap;
};

/* Every *.scc below @dir, without following symbolic links to directories
 * (a link back up the tree would otherwise never end). */
static void collect(const char *dir, unsigned depth, struct paths *out)
{
	DIR *d;
	struct dirent *de;
	struct paths here = { 0 };

	if (depth > 32)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			*VEC_PUSH(here.v, here.n, here.cap) = p;
		else if (endswith(de->d_name, ".scc") && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			*VEC_PUSH(here.v, here.n, here.cap) = p;
		else
			free(p);
	}
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof(*here.v), cmp_strings);
	for (size_t i = 0; i < here.n; i++) {
		struct stat st;

		if (lstat(here.v[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			collect(here.v[i], depth + 1, out);
			free(here.v[i]);
		} else {
			*VEC_PUSH(out->v, out->n, out->cap) = here.v[i];
		}
	}
	free(here.v);
}

/* Does @path say "define KMACHINE <m>" and "define KTYPE <t>"? */
static bool defines_both(const char *path, const char *kmachine, const char *ktype)
{
	char *buf, *err = NULL;
	size_t len;
	struct text_lines lines;
	bool m = false, t = false;

	if (text_read(path, &buf, &len, &err) < 0) {
		free(err);
		return false;
	}
	if (!strstr(buf, "define") || text_split(path, buf, len, true, &lines, &err) < 0) {
		free(err);
		free(buf);
		return false;
	}
	free(buf);
	for (size_t i = 0; i < lines.n && !(m && t); i++) {
		struct words w;

		if (!strstr(lines.v[i].text, "define"))
			continue;
		if (words_split(lines.v[i].text, NULL, NULL, &w, &err) < 0) {
			free(err);
			continue;
		}
		if (w.n == 3 && word_is(&w, 0, "define")) {
			if (streq(w.v[1].text, "KMACHINE") && streq(w.v[2].text, kmachine))
				m = true;
			if (streq(w.v[1].text, "KTYPE") && streq(w.v[2].text, ktype))
				t = true;
		}
		words_free(&w);
	}
	text_lines_free(&lines);
	return m && t;
}

char *scc_find_bsp(const char *const *dirs, size_t ndirs, const char *kmachine, const char *ktype,
		   char **others, char **err)
{
	char *found = NULL, *rest = NULL;

	for (size_t i = 0; i < ndirs; i++) {
		struct paths all = { 0 };

		collect(dirs[i], 0, &all);
		for (size_t j = 0; j < all.n; j++) {
			if (defines_both(all.v[j], kmachine, ktype)) {
				char *real = realpath(all.v[j], NULL);

				if (!real)
					real = xstrdup(all.v[j]);
				if (!found) {
					found = real;
				} else {
					char *t = rest ? xasprintf("%s, %s", rest, real) : xstrdup(real);

					free(rest);
					free(real);
					rest = t;
				}
			}
			free(all.v[j]);
		}
		free(all.v);
	}
	if (!found) {
		char *list = NULL;

		for (size_t i = 0; i < ndirs; i++) {
			char *t = list ? xasprintf("%s, %s", list, dirs[i]) : xstrdup(dirs[i]);

			free(list);
			list = t;
		}
		*err = xasprintf("no description defines KMACHINE %s and KTYPE %s (searched the .scc "
				 "files under: %s); check the board and kernel type names",
				 kmachine, ktype, list ? list : "no directories");
		free(list);
	}
	if (others)
		*others = rest;
	else
		free(rest);
	return found;
}
