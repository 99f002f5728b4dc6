/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "audit/helper.h"
#include "shared/outfile.h"
#include "scc/symtab.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/run.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Front ends (they have their own main or need a GUI library); every other
 * object in scripts/kconfig is the parser, whatever its version calls them. */
static bool is_front_end(const char *name)
{
	static const char *const skip[] = { "conf.o",  "mconf.o",  "nconf.o",   "nconf.gui.o",
					    "gconf.o", "qconf.o",  "images.o",  "qconf-moc.o" };

	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (streq(name, skip[i]))
			return true;
	return false;
}

/* The parser objects in @dir, sorted (so the command line is stable). */
static char **parser_objects(const char *dir, size_t *n, char **err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;
	bool have_parser = false;

	*n = 0;
	if (!d) {
		*err = xasprintf("cannot open '%s': %s; run a configuration target there first "
				 "(make O=... ARCH=... olddefconfig)",
				 dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!endswith(de->d_name, ".o") || is_front_end(de->d_name))
			continue;
		if (startswith(de->d_name, "parser.tab") || startswith(de->d_name, "zconf.tab"))
			have_parser = true;
		*VEC_PUSH(v, *n, cap) = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (!have_parser) {
		for (size_t i = 0; i < *n; i++)
			free(v[i]);
		free(v);
		*err = xasprintf("'%s' has no compiled Kconfig parser (parser.tab.o); run a "
				 "configuration target in that O= directory first (make O=... ARCH=... "
				 "olddefconfig)",
				 dir);
		return NULL;
	}
	qsort(v, *n, sizeof(*v), cmp_strings);
	return v;
}

int helper_build(const char *ksrc, const char *kobj, const char *hostcc, const char *out, char **err)
{
	char *kdir = xasprintf("%s/scripts/kconfig", kobj);
	char *src = xasprintf("%s.c", out), *tmp = xasprintf("%s.tmp", out);
	char *inc_src = xasprintf("-I%s/scripts/kconfig", ksrc), *inc_obj = xasprintf("-I%s", kdir);
	char **objs;
	size_t nobj, n = 0, cap = 0;
	const char **argv = NULL;
	int r = -1;

	objs = parser_objects(kdir, &nobj, err);
	if (!objs)
		goto out;
	if (outfile_write(src, kconfig_why_source, strlen(kconfig_why_source), err) < 0)
		goto out;
	*VEC_PUSH(argv, n, cap) = hostcc;
	*VEC_PUSH(argv, n, cap) = "-O2";
	*VEC_PUSH(argv, n, cap) = inc_src;
	*VEC_PUSH(argv, n, cap) = inc_obj;
	*VEC_PUSH(argv, n, cap) = "-o";
	*VEC_PUSH(argv, n, cap) = tmp;
	*VEC_PUSH(argv, n, cap) = src;
	for (size_t i = 0; i < nobj; i++)
		*VEC_PUSH(argv, n, cap) = objs[i];
	*VEC_PUSH(argv, n, cap) = NULL;
	if (run(argv, NULL, err) < 0) {
		char *e = xasprintf("building the Kconfig helper against %s: %s", kdir, *err);

		free(*err);
		*err = e;
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, out) < 0) {
		*err = xasprintf("cannot create '%s': %s", out, strerror(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	for (size_t i = 0; objs && i < nobj; i++)
		free(objs[i]);
	free(objs);
	free(argv);
	free(kdir);
	free(src);
	free(tmp);
	free(inc_src);
	free(inc_obj);
	return r;
}

bool helper_is_current(const char *helper, const char *kobj)
{
	struct stat h, p;
	char *parser = xasprintf("%s/scripts/kconfig/parser.tab.o", kobj);
	char *src = xasprintf("%s.c", helper), *text = NULL, *err = NULL;
	size_t len;
	bool ok = stat(helper, &h) == 0 && access(helper, X_OK) == 0;

	/* rebuilt when the tree's parser is newer, or this vmbundle carries
	 * another version of the helper than the one it was built from */
	if (ok && stat(parser, &p) == 0 && p.st_mtime > h.st_mtime)
		ok = false;
	if (ok && (text_read(src, &text, &len, &err) < 0 || !streq(text, kconfig_why_source)))
		ok = false;
	free(err);
	free(text);
	free(src);
	free(parser);
	return ok;
}

static struct kc_info *new_info(struct kc_answers *a, const char *name)
{
	struct kc_info *k = VEC_PUSH(a->v, a->n, a->cap);

	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	k->valid = -1;
	return k;
}

/* "TRI EXPR" into *tri and *expr. */
static void tri_expr(const char *v, char *tri, char **expr)
{
	*tri = v[0] ? v[0] : 'n';
	free(*expr);
	*expr = xstrdup(v[0] && v[1] == ' ' ? v + 2 : "");
}

int helper_parse(const char *text, struct kc_answers *a, char **err)
{
	char *copy = xstrdup(text), *save = NULL, *line;
	struct kc_info *k = NULL;

	(void)err; /* every line is either understood or skipped */
	memset(a, 0, sizeof(*a));
	symtab_init(&a->index);
	/* lines can be long (a symbol selected by hundreds): no length limit here */
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *key = line, *v = strchr(key, ' ');

		if (v)
			*v++ = '\0';
		else
			v = key + strlen(key);
		if (streq(key, "symbol")) {
			k = new_info(a, v);
			symtab_put(&a->index, v, a->n - 1);
			continue;
		}
		if (!k || streq(key, "end")) {
			k = NULL;
			continue;
		}
		if (streq(key, "exists"))
			k->exists = streq(v, "yes");
		else if (streq(key, "type"))
			k->type = xstrdup(streq(v, "integer") ? "int" : v);
		else if (streq(key, "value"))
			k->value = xstrdup(v);
		else if (streq(key, "written"))
			k->written = streq(v, "yes");
		else if (streq(key, "prompt"))
			k->prompt = streq(v, "yes");
		else if (streq(key, "visible"))
			k->visible = v[0];
		else if (streq(key, "depends"))
			tri_expr(v, &k->dep_tri, &k->dep);
		else if (streq(key, "blocking")) {
			free(k->blocking);
			k->blocking = xstrdup(v);
		} else if (streq(key, "selected"))
			tri_expr(v, &k->sel_tri, &k->sel);
		else if (streq(key, "implied"))
			tri_expr(v, &k->imp_tri, &k->imp);
		else if (streq(key, "default"))
			*VEC_PUSH(k->defaults, k->ndefaults, k->capdefaults) = xstrdup(v);
		else if (streq(key, "range")) {
			char *sp = strchr(v, ' ');

			free(k->range);
			k->range = sp ? xasprintf("%.*s..%s", (int)(sp - v), v, sp + 1) : xstrdup(v);
		}
		else if (streq(key, "valid"))
			k->valid = streq(v, "yes");
		else if (streq(key, "choice"))
			k->choice = xstrdup(v);
		else if (streq(key, "defined"))
			*VEC_PUSH(k->defined, k->ndefined, k->capdefined) = xstrdup(v);
		/* unknown keys: a newer helper; ignore */
	}
	free(copy);
	return 0;
}

const struct kc_info *helper_find(const struct kc_answers *a, const char *name)
{
	size_t i = a->index.slots ? symtab_get(&a->index, name) : SYMTAB_NONE;

	return i == SYMTAB_NONE ? NULL : &a->v[i];
}

int helper_ask(const char *helper, const struct kenv *env, const char *kobj, const char *dotconfig,
	       const char *const *names, const char *const *values, size_t n, struct kc_answers *a,
	       char **err)
{
	char *dir = xasprintf("%s/.vmb-audit-XXXXXX", kobj);
	char *req = NULL, *ans = NULL, *text = NULL, *buf = NULL;
	char *abs_config = realpath(dotconfig, NULL);
	size_t len = 0, blen;
	int r = -1;

	memset(a, 0, sizeof(*a));
	if (!abs_config) {
		*err = xasprintf("cannot read '%s': %s", dotconfig, strerror(errno));
		free(dir);
		return -1;
	}
	if (!mkdtemp(dir)) {
		*err = xasprintf("cannot create a scratch directory in '%s': %s", kobj, strerror(errno));
		goto out;
	}
	req = xasprintf("%s/requests", dir);
	ans = xasprintf("%s/answers", dir);
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + (values && values[i] ? strlen(values[i]) : 0) + 2;
	text = xmalloc(len + 1);
	text[0] = '\0';
	{
		char *p = text;

		for (size_t i = 0; i < n; i++) {
			/* one request per line: a value with a newline cannot be asked about */
			const char *v = values && values[i] && !strchr(values[i], '\n') ? values[i] : NULL;

			p += sprintf(p, v ? "%s %s\n" : "%s\n", names[i], v);
		}
	}
	if (outfile_write(req, text, strlen(text), err) < 0)
		goto out;
	{
		const char *argv[] = { helper, kobj, abs_config, req, NULL };
		struct run_opts opts = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_FILE, ans, 0 },
					 .env = (const char *const *)env->v };
		char *rerr = NULL;

		if (run(argv, &opts, &rerr) < 0) {
			*err = xasprintf("asking Kconfig about the requested options: %s", rerr);
			free(rerr);
			goto out;
		}
	}
	if (text_read(ans, &buf, &blen, err) < 0 || helper_parse(buf, a, err) < 0)
		goto out;
	r = 0;
out:
	if (req)
		unlink(req);
	if (ans)
		unlink(ans);
	rmdir(dir);
	free(dir);
	free(req);
	free(ans);
	free(text);
	free(buf);
	free(abs_config);
	return r;
}

void helper_answers_free(struct kc_answers *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct kc_info *k = &a->v[i];

		free(k->name);
		free(k->type);
		free(k->value);
		free(k->dep);
		free(k->sel);
		free(k->imp);
		free(k->blocking);
		for (size_t j = 0; j < k->ndefaults; j++)
			free(k->defaults[j]);
		free(k->defaults);
		free(k->range);
		free(k->choice);
		for (size_t j = 0; j < k->ndefined; j++)
			free(k->defined[j]);
		free(k->defined);
	}
	free(a->v);
	if (a->index.slots)
		symtab_free(&a->index);
	memset(a, 0, sizeof(*a));
}
