/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The audit: requests against .config, classes, and reasons (see audit.h). */
#include "audit/audit.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <stdlib.h>
#include <sys/stat.h>

static bool is_no(const char *v) { return !v || cfg_is_no(v); }

static struct audit_symbol *symbol(struct audit *a, const char *name)
{
	size_t i = symtab_get(&a->sym_index, name);
	struct audit_symbol *s;

	if (i != SYMTAB_NONE)
		return &a->syms[i];
	s = VEC_PUSH(a->syms, a->nsyms, a->capsyms);
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	symtab_put(&a->sym_index, name, a->nsyms - 1);
	return s;
}

static int load_files(struct audit *a, char **err)
{
	struct symtab seen;
	const struct cfg_file **order;
	int r = 0;

	symtab_init(&seen);
	a->files = xcalloc(a->queue.n, sizeof(*a->files));
	a->entry_file = xcalloc(a->queue.n, sizeof(*a->entry_file));
	order = xcalloc(a->queue.n, sizeof(*order));
	for (size_t i = 0; i < a->queue.n && r == 0; i++) {
		size_t at = symtab_get(&seen, a->queue.v[i].path);

		if (at == SYMTAB_NONE) {
			char *why;

			if (cfg_parse_file(a->queue.v[i].path, &a->files[a->nfiles], &why) < 0) {
				*err = xasprintf("fragment %zu of the queue: %s", i + 1, why);
				free(why);
				r = -1;
				break;
			}
			at = a->nfiles++;
			symtab_put(&seen, a->queue.v[i].path, at);
		}
		a->entry_file[i] = at;
		order[i] = &a->files[at];
	}
	if (r == 0)
		merge_fragments(order, a->queue.n, &a->merged);
	free(order);
	symtab_free(&seen);
	return r;
}

/* Every line of every fragment, once (a fragment queued twice asks once). */
static void collect_requests(struct audit *a)
{
	for (size_t f = 0; f < a->nfiles; f++) {
		for (size_t i = 0; i < a->files[f].nopts; i++) {
			const struct cfg_option *o = &a->files[f].opts[i];
			struct audit_symbol *s = symbol(a, o->name);

			*VEC_PUSH(s->req, s->nreq, s->capreq) = (struct audit_request){ f, o };
		}
	}
	for (size_t i = 0; i < a->nsyms; i++) {
		const struct merge_entry *m = &a->merged.v[symtab_get(&a->merged.index, a->syms[i].name)];

		a->syms[i].want = m->opt;
		a->syms[i].want_entry = m->frag;
	}
}

/* Names listed in a classifier (.cfg: options; .kcf: Kconfig files). */
static void read_list(struct audit *a, const char *path, struct symtab *into, bool options)
{
	char *buf, *err = NULL;
	size_t len;
	struct text_lines lines;

	if (text_read(path, &buf, &len, &err) < 0) {
		free(err);
		return;
	}
	if (text_split(path, buf, len, false, &lines, &err) < 0) {
		free(err);
		free(buf);
		return;
	}
	*VEC_PUSH(a->classifier_files, a->nclassifier_files, a->capclassifier_files) = xstrdup(path);
	for (size_t i = 0; i < lines.n; i++) {
		char *t = lines.v[i].text, *end;

		while (*t == ' ' || *t == '\t')
			t++;
		if (!*t || *t == '#')
			continue;
		end = t + strcspn(t, options ? " \t=" : " \t");
		*end = '\0';
		if (!options || startswith(t, "CONFIG_"))
			symtab_put(into, t, a->nclassifier_files - 1);
	}
	text_lines_free(&lines);
	free(buf);
}

static void load_classifiers(struct audit *a)
{
	static const char *const names[] = { "hardware.kcf", "non-hardware.kcf", "hardware.cfg",
					     "non-hardware.cfg", "y_or_m_enabled.cfg" };
	struct symtab *tables[] = { &a->hw_kcf, &a->nonhw_kcf, &a->hw_cfg, &a->nonhw_cfg, &a->y_or_m };
	struct symtab dirs;

	symtab_init(&dirs);
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		symtab_init(tables[i]);
	for (size_t i = 0; i < a->queue.n; i++) {
		const char *p = a->queue.v[i].path, *slash = strrchr(p, '/');
		char *dir = xstrndup(p, (size_t)(slash - p));

		if (symtab_get(&dirs, dir) == SYMTAB_NONE) {
			symtab_put(&dirs, dir, 0);
			for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
				char *c = xasprintf("%s/%s", dir, names[k]);
				struct stat st;

				if (stat(c, &st) == 0 && S_ISREG(st.st_mode))
					read_list(a, c, tables[k], !endswith(names[k], ".kcf"));
				free(c);
			}
		}
		free(dir);
	}
	symtab_free(&dirs);
}

static void compare(struct audit *a)
{
	for (size_t i = 0; i < a->nsyms; i++) {
		struct audit_symbol *s = &a->syms[i];
		size_t at = symtab_get(&a->config_index, s->name);
		const char *want = s->want->value;

		s->got = at == SYMTAB_NONE ? NULL : a->config.opts[at].value;
		if (cfg_is_no(want))
			s->mismatch = !is_no(s->got);
		else
			s->mismatch = !s->got || !streq(s->got, want);
		if (s->mismatch && symtab_get(&a->y_or_m, s->name) != SYMTAB_NONE && s->got &&
		    (streq(want, "y") || streq(want, "m")) && (streq(s->got, "y") || streq(s->got, "m"))) {
			s->mismatch = false;
			s->y_or_m = true;
		}
		if (s->mismatch)
			a->nmismatches++;
	}
}

int audit_load(struct audit *a, const char *queue_path, const char *dotconfig, char **err)
{
	memset(a, 0, sizeof(*a));
	symtab_init(&a->sym_index);
	symtab_init(&a->config_index);
	if (queue_read(queue_path, &a->queue, err) < 0)
		return -1;
	if (!a->queue.n) {
		*err = xasprintf("%s: the fragment queue is empty; regenerate it with 'vmbundle scc --queue'",
				 queue_path);
		return -1;
	}
	if (load_files(a, err) < 0)
		return -1;
	if (cfg_parse_file(dotconfig, &a->config, err) < 0)
		return -1;
	for (size_t i = 0; i < a->config.nopts; i++)
		symtab_put(&a->config_index, a->config.opts[i].name, i);
	collect_requests(a);
	load_classifiers(a);
	compare(a);
	return 0;
}

size_t audit_questions(const struct audit *a, const char ***names, const char ***values)
{
	size_t n = 0;

	*names = xcalloc(a->nsyms, sizeof(**names));
	*values = xcalloc(a->nsyms, sizeof(**values));
	for (size_t i = 0; i < a->nsyms; i++) {
		const struct audit_symbol *s = &a->syms[i];

		if (s->mismatch || (cfg_is_no(s->want->value) && !s->got)) {
			(*names)[n] = s->name + 7; /* without CONFIG_ */
			(*values)[n] = s->want->value;
			n++;
		}
	}
	return n;
}

/* The class: the winning fragment's queue type, then the classifiers. */
static void classify(struct audit *a, struct audit_symbol *s)
{
	enum scc_ftype t = a->queue.v[s->want_entry].type;
	size_t c;

	s->hardware = t == SCC_HARDWARE || t == SCC_REQUIRED;
	s->class_why = xasprintf("the winning fragment is queued as %s", scc_ftype_name(t));
	for (size_t i = 0; s->kc && i < s->kc->ndefined; i++) {
		char *file = xstrdup(s->kc->defined[i]), *colon = strrchr(file, ':');

		if (colon)
			*colon = '\0';
		for (int hw = 1; hw >= 0; hw--) {
			c = symtab_get(hw ? &a->hw_kcf : &a->nonhw_kcf, file);
			if (c != SYMTAB_NONE) {
				s->hardware = hw;
				free(s->class_why);
				s->class_why = xasprintf("defined in %s, listed in %s", file,
							 a->classifier_files[c]);
			}
		}
		free(file);
	}
	for (int hw = 1; hw >= 0; hw--) {
		c = symtab_get(hw ? &a->hw_cfg : &a->nonhw_cfg, s->name);
		if (c != SYMTAB_NONE) {
			s->hardware = hw;
			free(s->class_why);
			s->class_why = xasprintf("listed in %s", a->classifier_files[c]);
		}
	}
	s->fatal = s->mismatch && (s->hardware || t == SCC_REQUIRED);
}

static bool is(const char *a, const char *b) { return a && streq(a, b); }

/* Why a requested "off" is on. */
static char *why_on(const struct audit_symbol *s, const struct kc_info *k)
{
	if (k->sel_tri == 'y' || k->sel_tri == 'm')
		return xasprintf("it is forced on by 'select': selected by %s", k->sel);
	if (k->choice && is(k->choice, s->name + 7))
		return xstrdup("it is the chosen member of a choice: a choice always has one member "
			       "on; request another member instead");
	if (!k->prompt)
		return xstrdup("it cannot be switched off: it has no prompt, so its default decides "
			       "(see the defaults below)");
	if (k->visible == 'n')
		return xstrdup("its prompt is hidden (the prompt's condition is false), so its default "
			       "decides");
	return xasprintf("Kconfig turned it on although it can be switched off; was .config changed "
			 "after the merge?");
}

/* Why a requested value (y, m or a number/string) is not what .config has. */
static char *why_not(const struct audit_symbol *s, const struct kc_info *k)
{
	const char *want = s->want->value;
	bool wy = streq(want, "y"), wm = streq(want, "m");
	bool boolish = is(k->type, "bool") || is(k->type, "tristate");

	if (is(k->type, "bool") && wm)
		return xstrdup("it is a bool: it can be y or n, not m");
	if (boolish && !wy && !wm)
		return xasprintf("'%s' is not a value for a %s (use y%s or n)", want, k->type,
				 is(k->type, "tristate") ? ", m" : "");
	if (k->dep && k->dep_tri == 'n')
		return xasprintf("its dependencies are not met: %s %s n (it depends on %s)",
				 k->blocking ? k->blocking : k->dep,
				 k->blocking && strstr(k->blocking, ", ") ? "are" : "is", k->dep);
	if (wm && k->sel_tri == 'y')
		return xasprintf("it is forced to y by 'select': selected by %s", k->sel);
	if (wy && is(k->type, "tristate") && k->sel_tri != 'y' &&
	    (k->dep_tri == 'm' || k->visible == 'm')) {
		if (k->dep_tri == 'm')
			return xasprintf("only m is possible: it depends on %s, which is m", k->dep);
		return xstrdup("only m is possible: its prompt's condition is m");
	}
	if (wy && k->choice && !is(k->choice, s->name + 7))
		return xasprintf("it is one member of a choice, and the choice has CONFIG_%s on "
				 "(only one member can be y; a later request or a default chose it)",
				 k->choice);
	if (!k->prompt)
		return xstrdup("it cannot be set by hand: it has no prompt, so only its defaults and "
			       "'select' give it a value");
	if (k->visible == 'n')
		return xstrdup("its prompt is hidden (the prompt's condition is false), so the request "
			       "is ignored and its default applies");
	if (k->valid == 0) {
		if (k->range)
			return xasprintf("'%s' is outside the allowed range %s", want, k->range);
		return xasprintf("'%s' is not a valid %s value", want, k->type ? k->type : "");
	}
	return xasprintf("Kconfig accepts the request, yet .config has %s; was .config changed after "
			 "the merge?",
			 s->got ? s->got : "nothing");
}

void audit_explain(struct audit *a, const struct kc_answers *kc, const char *arch)
{
	a->nfatal = 0;
	for (size_t i = 0; i < a->nsyms; i++) {
		struct audit_symbol *s = &a->syms[i];

		s->kc = kc ? helper_find(kc, s->name + 7) : NULL;
		classify(a, s);
		if (s->fatal)
			a->nfatal++;
		if (!s->mismatch)
			continue;
		free(s->reason);
		if (!kc)
			s->reason = xstrdup("not analysed: give the kernel tree (--ksrc, --kobj) to learn why "
					    "from its Kconfig");
		else if (!s->kc)
			s->reason = xstrdup("Kconfig gave no answer about it");
		else if (!s->kc->exists)
			s->reason = xasprintf("it does not exist in this kernel: no Kconfig file defines %s "
					      "for ARCH=%s (renamed or removed?)",
					      s->name + 7, arch ? arch : "?");
		else if (cfg_is_no(s->want->value))
			s->reason = why_on(s, s->kc);
		else
			s->reason = why_not(s, s->kc);
	}
}

void audit_free(struct audit *a)
{
	for (size_t i = 0; i < a->nsyms; i++) {
		free(a->syms[i].name);
		free(a->syms[i].req);
		free(a->syms[i].class_why);
		free(a->syms[i].reason);
	}
	free(a->syms);
	for (size_t i = 0; i < a->nfiles; i++)
		cfg_file_free(&a->files[i]);
	free(a->files);
	free(a->entry_file);
	merge_result_free(&a->merged);
	cfg_file_free(&a->config);
	queue_free(&a->queue);
	if (a->sym_index.slots) {
		symtab_free(&a->sym_index);
		symtab_free(&a->config_index);
	}
	if (a->hw_cfg.slots) {
		symtab_free(&a->hw_cfg);
		symtab_free(&a->nonhw_cfg);
		symtab_free(&a->hw_kcf);
		symtab_free(&a->nonhw_kcf);
		symtab_free(&a->y_or_m);
	}
	for (size_t i = 0; i < a->nclassifier_files; i++)
		free(a->classifier_files[i]);
	free(a->classifier_files);
	memset(a, 0, sizeof(*a));
}
