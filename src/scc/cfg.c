/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/cfg.h"
#include "scc/symtab.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>

#define PREFIX "CONFIG_"
#define PREFIX_LEN 7

bool cfg_same_value(const char *a, const char *b)
{
	return streq(a, b);
}

static bool is_sym_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Length of the symbol name (after CONFIG_) at @s. */
static size_t sym_len(const char *s)
{
	size_t n = 0;

	while (is_sym_char(s[n]))
		n++;
	return n;
}

_printf_format_(4, 5) static void issue(struct cfg_file *f, unsigned line, bool duplicate,
					 const char *fmt, ...)
{
	struct cfg_issue *x = VEC_PUSH(f->issues, f->nissues, f->capissues);
	va_list ap;

	x->line = line;
	x->duplicate = duplicate;
	va_start(ap, fmt);
	if (vasprintf(&x->msg, fmt, ap) < 0)
		x->msg = xstrdup("out of memory");
	va_end(ap);
}

static void add(struct cfg_file *f, const char *name, size_t nlen, const char *value, size_t vlen,
		const char *text, unsigned line, bool not_set)
{
	struct cfg_option *o = VEC_PUSH(f->opts, f->nopts, f->capopts);

	o->name = xstrndup(name, nlen);
	o->value = xstrndup(value, vlen);
	o->text = xstrdup(text);
	o->line = line;
	o->not_set = not_set;
}

/* The value part of "CONFIG_X=<v>": its length without a trailing comment,
 * or (size_t)-1 with an issue recorded when it cannot be read. */
static size_t value_len(struct cfg_file *f, unsigned line, const char *name, size_t nlen,
			const char *v)
{
	size_t n = 0;
	const char *rest;

	if (v[0] == '"') {
		for (n = 1; v[n] && v[n] != '"'; n++)
			if (v[n] == '\\' && v[n + 1])
				n++;
		if (v[n] != '"') {
			issue(f, line, false, "%.*s: unterminated quote in the value; line ignored",
			      (int)nlen, name);
			return (size_t)-1;
		}
		n++;
	} else {
		while (v[n] && v[n] != ' ' && v[n] != '\t')
			n++;
	}
	if (n == 0) {
		issue(f, line, false, "%.*s has an empty value; line ignored (write %.*s=n or "
				      "'# %.*s is not set' to turn it off)",
		      (int)nlen, name, (int)nlen, name, (int)nlen, name);
		return (size_t)-1;
	}
	rest = v + n;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest && *rest != '#') {
		issue(f, line, false, "%.*s: unexpected text '%s' after the value; line ignored",
		      (int)nlen, name, rest);
		return (size_t)-1;
	}
	return n;
}

/* A comment line: the "is not set" form, or something that looks like a
 * mistaken option (reported), or an ordinary comment. */
static void comment_line(struct cfg_file *f, const char *text, unsigned line)
{
	const char *p = text + 1;
	size_t n;

	if (p[0] == ' ' && startswith(p + 1, PREFIX)) {
		const char *name = p + 1;

		n = sym_len(name + PREFIX_LEN);
		if (n && streq(name + PREFIX_LEN + n, " is not set")) {
			add(f, name, PREFIX_LEN + n, "n", 1, text, line, true);
			return;
		}
		if (n && startswith(name + PREFIX_LEN + n, " is not set"))
			issue(f, line, false, "unexpected text after '# %.*s is not set'; line ignored",
			      (int)(PREFIX_LEN + n), name);
		else if (n && name[PREFIX_LEN + n] == '=')
			issue(f, line, false, "'%s' is a commented-out assignment and requests nothing "
					      "(write '# %.*s is not set' to turn the option off)",
			      text, (int)(PREFIX_LEN + n), name);
		return;
	}
	if (startswith(p, PREFIX)) {
		n = sym_len(p + PREFIX_LEN);
		if (n && startswith(p + PREFIX_LEN + n, " is not set"))
			issue(f, line, false, "'%s' is missing the blank after '#'; line ignored (write "
					      "'# %.*s is not set')",
			      text, (int)(PREFIX_LEN + n), p);
		else if (n && p[PREFIX_LEN + n] == '=')
			issue(f, line, false, "'%s' is a commented-out assignment and requests nothing "
					      "(write '# %.*s is not set' to turn the option off)",
			      text, (int)(PREFIX_LEN + n), p);
	}
}

static void option_line(struct cfg_file *f, const char *text, unsigned line)
{
	const char *name = text;
	size_t n = sym_len(text + PREFIX_LEN);
	const char *after = text + PREFIX_LEN + n;
	size_t vl;

	if (!n) {
		issue(f, line, false, "'%s' has no option name after CONFIG_; line ignored", text);
		return;
	}
	if (*after != '=') {
		const char *q = after;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=')
			issue(f, line, false, "'%s': blanks around '=' are not allowed; line ignored "
					      "(write %.*s=%s)",
			      text, (int)(PREFIX_LEN + n), name, q[1] == ' ' ? q + 2 : q + 1);
		else
			issue(f, line, false, "'%s' has no '=value'; line ignored (write %.*s=y, =m, =n "
					      "or a value)",
			      text, (int)(PREFIX_LEN + n), name);
		return;
	}
	vl = value_len(f, line, name, PREFIX_LEN + n, after + 1);
	if (vl == (size_t)-1)
		return;
	add(f, name, PREFIX_LEN + n, after + 1, vl, text, line, false);
}

static void other_line(struct cfg_file *f, const char *text, unsigned line)
{
	size_t n = sym_len(text);
	const char *t = text;

	while (*t == ' ' || *t == '\t')
		t++;
	if (t != text && (*t == '#' || startswith(t, PREFIX))) {
		issue(f, line, false, "'%.60s%s' starts with blanks, so Kconfig does not read it as %s; "
				      "line ignored (remove the leading blanks)",
		      text, strlen(text) > 60 ? "..." : "", *t == '#' ? "a comment" : "an option");
		return;
	}
	if (n && text[n] == '=' && isupper((unsigned char)text[0]))
		issue(f, line, false, "'%s' lacks the CONFIG_ prefix; line ignored (write CONFIG_%s)",
		      text, text);
	else
		issue(f, line, false, "'%.60s%s' is neither an option nor a comment; line ignored", text,
		      strlen(text) > 60 ? "..." : "");
}

/* Report options set twice within this file (the later line wins). */
static void find_duplicates(struct cfg_file *f)
{
	struct symtab seen;

	symtab_init(&seen);
	for (size_t i = 0; i < f->nopts; i++) {
		size_t prev = symtab_get(&seen, f->opts[i].name);

		if (prev != SYMTAB_NONE) {
			const struct cfg_option *a = &f->opts[prev], *b = &f->opts[i];

			if (streq(a->value, b->value))
				issue(f, b->line, true, "%s is set again (same value as line %u)", b->name,
				      a->line);
			else
				issue(f, b->line, true, "%s is set again: '%s' here replaces '%s' from "
							"line %u",
				      b->name, b->value, a->value, a->line);
		}
		symtab_put(&seen, f->opts[i].name, i);
	}
	symtab_free(&seen);
	/* keep issues in line order (insertion sort: they are few, and stable) */
	for (size_t i = 1; i < f->nissues; i++) {
		struct cfg_issue x = f->issues[i];
		size_t j = i;

		for (; j > 0 && f->issues[j - 1].line > x.line; j--)
			f->issues[j] = f->issues[j - 1];
		f->issues[j] = x;
	}
}

int cfg_parse_buffer(const char *name, const char *buf, size_t len, struct cfg_file *out, char **err)
{
	struct text_lines lines;

	memset(out, 0, sizeof(*out));
	if (text_split(name, buf, len, false, &lines, err) < 0)
		return -1;
	out->path = xstrdup(name);
	for (size_t i = 0; i < lines.n; i++) {
		char *t = lines.v[i].text;
		unsigned line = lines.v[i].lineno;
		size_t l = strlen(t);

		/* trailing blanks are invisible and kconfig ignores them */
		while (l && (t[l - 1] == ' ' || t[l - 1] == '\t'))
			t[--l] = '\0';
		if (!*t)
			continue;
		if (*t == '#')
			comment_line(out, t, line);
		else if (startswith(t, PREFIX))
			option_line(out, t, line);
		else
			other_line(out, t, line);
	}
	text_lines_free(&lines);
	find_duplicates(out);
	return 0;
}

int cfg_parse_file(const char *path, struct cfg_file *out, char **err)
{
	char *buf;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	if (text_read(path, &buf, &len, err) < 0)
		return -1;
	r = cfg_parse_buffer(path, buf, len, out, err);
	free(buf);
	return r;
}

void cfg_file_free(struct cfg_file *f)
{
	for (size_t i = 0; i < f->nopts; i++) {
		free(f->opts[i].name);
		free(f->opts[i].value);
		free(f->opts[i].text);
	}
	for (size_t i = 0; i < f->nissues; i++)
		free(f->issues[i].msg);
	free(f->opts);
	free(f->issues);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
