/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "conf.h"
#include "shared/input.h"
#include "shared/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* A declaration line longer than this is not a declaration. */
#define CONF_MAX_LINE (64 * 1024)

_printf_format_(4, 5) static int fail(char **errmsg, const char *name, unsigned line,
				      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errmsg = where_vmsg(name, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct conf_key *schema_key(const struct conf_schema *s, const char *key)
{
	for (size_t i = 0; i < s->nkeys; i++)
		if (streq(s->keys[i].name, key))
			return &s->keys[i];
	return NULL;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* A list's items are its words: runs of white space (inside quotes too,
 * and a '\r' of a DOS line end) become one space, none is left at either
 * end, so "none " is the word none and " a  b" is a and b. In place. */
static void normalize_list(char *v)
{
	char *out = v;

	for (const char *p = v; *p;) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (out != v)
			*out++ = ' ';
		while (*p && !isspace((unsigned char)*p))
			*out++ = *p++;
	}
	*out = '\0';
}

static int list_none_error(const char *key, const char *name, unsigned line, char **errmsg)
{
	return fail(errmsg, name, line, "'%s' lists 'none' with other items; none is the "
		    "empty list and stands alone: remove it, or the other items", key);
}

/* "none", the empty list of every list key (it undoes a value inherited),
 * stands alone: with other items it is a mistake, not an item named none. */
static int check_list_none(const char *key, const char *v, const char *name, unsigned line,
			   char **errmsg)
{
	bool none = false, other = false;

	for (const char *p = v; *p;) {
		size_t n = strcspn(p, " ");

		if (n == 4 && strncmp(p, "none", 4) == 0)
			none = true;
		else
			other = true;
		p += n + (p[n] == ' ');
	}
	return none && other ? list_none_error(key, name, line, errmsg) : 0;
}

bool conf_list_is_none(const char *value)
{
	return value && streq(value, "none");
}

static int check_value(const struct conf_key *k, const char *v, const char *name, unsigned line,
		       char **errmsg)
{
	switch (k->type) {
	case CONF_UINT: {
		char *end;
		unsigned long long x;

		errno = 0;
		x = strtoull(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || x == 0)
			return fail(errmsg, name, line, "'%s' wants a whole number greater than 0, not '%s'",
				    k->name, v);
		/* Every reader keeps it in an unsigned int: a bigger one would
		 * wrap round (autostart_order 4294967297 became 1). */
		if (x > UINT_MAX)
			return fail(errmsg, name, line, "'%s' = %s is more than %u", k->name, v, UINT_MAX);
		return 0;
	}
	case CONF_BOOL:
		if (streq(v, "yes") || streq(v, "no") || streq(v, "true") || streq(v, "false") ||
		    streq(v, "1") || streq(v, "0"))
			return 0;
		return fail(errmsg, name, line, "'%s' wants yes or no, not '%s'", k->name, v);
	default:
		return 0;
	}
}

static void add_entry(struct conf *c, const char *key, const char *value, unsigned line)
{
	size_t len = strlen(value);

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n] = (struct conf_entry){ .key = xstrdup(key), .value = xstrdup(value), .line = line,
					  .len = len, .cap = len + 1 };
	c->n++;
}

/* "KEY += VALUE" onto @e: @sep and @value appended in place, the allocation
 * doubled when it is full, so a file of a million += lines costs what its
 * size says, not the square of it. */
static void append_value(struct conf_entry *e, char sep, const char *value)
{
	size_t add = strlen(value), need = e->len + (e->len ? 1 : 0) + add + 1;

	if (need > e->cap) {
		e->cap = need > 2 * e->cap ? need : 2 * e->cap;
		e->value = xrealloc(e->value, e->cap);
	}
	if (e->len)
		e->value[e->len++] = sep;
	memcpy(e->value + e->len, value, add + 1);
	e->len += add;
}

static int unknown_key(const struct conf_schema *s, const char *key, const char *name, unsigned line,
		       char **errmsg)
{
	const char **names = xcalloc(s->nkeys, sizeof(*names));
	const char *guess;
	int r;

	for (size_t i = 0; i < s->nkeys; i++)
		names[i] = s->keys[i].name;
	guess = closest_word(key, names, s->nkeys);
	free(names);
	if (guess)
		r = fail(errmsg, name, line, "unknown key '%s' (did you mean '%s'?)", key, guess);
	else
		r = fail(errmsg, name, line, "unknown key '%s' in a %s declaration", key, s->kind);
	return r;
}

const char *const conf_arches[] = { "x86_64", "arm64" };
const size_t conf_narches = ARRAY_SIZE(conf_arches);

/* "KEY:ARCH": a list key's entries for one architecture only (Yocto's
 * :append:arch). @arch points at the ':' in @key. */
static int override_error(const struct conf_schema *s, char *key, char *arch, const char *name,
			  unsigned line, char **errmsg)
{
	const struct conf_key *k;
	bool known = false;

	*arch = '\0';
	k = schema_key(s, key);
	*arch = ':';
	for (size_t i = 0; i < conf_narches; i++)
		known = known || streq(arch + 1, conf_arches[i]);
	if (!known) {
		const char *guess = closest_word(arch + 1, conf_arches, conf_narches);

		return fail(errmsg, name, line, "unknown architecture '%s' in '%s'%s%s%s; known: x86_64, arm64",
			    arch + 1, key, guess ? " (did you mean '" : "", guess ? guess : "",
			    guess ? "'?)" : "");
	}
	if (k && k->type != CONF_LIST && k->type != CONF_LINES)
		return fail(errmsg, name, line, "'%.*s' is not a list, so it has no per-architecture "
			    "form '%s'", (int)(arch - key), key, key);
	return 0;
}

/* One logical line (continuations already joined). */
static int parse_line(char *text, unsigned line, const char *name, const struct conf_schema *s,
		      struct conf *c, char **errmsg)
{
	char *p = trim(text), *eq, *key, *value;
	const struct conf_key *k;
	struct conf_entry *prev;
	bool append = false;
	char *arch;

	if (!*p || *p == '#')
		return 0;
	eq = strchr(p, '=');
	if (!eq)
		return fail(errmsg, name, line, "expected 'key = value', got '%s'", p);
	if (eq > p && eq[-1] == '+') {
		append = true;
		eq[-1] = '\0';
	}
	*eq = '\0';
	key = trim(p);
	value = trim(eq + 1);
	if (!*key)
		return fail(errmsg, name, line, "missing key before '='");
	arch = strchr(key, ':');
	for (char *q = key; *q && q != arch; q++)
		if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_'))
			return fail(errmsg, name, line,
				    "bad key '%s': keys are lower-case letters, digits and '_'", key);
	if (arch && override_error(s, key, arch, name, line, errmsg) < 0)
		return -EINVAL;
	/* Quotes are allowed around a whole value and removed. */
	size_t vl = strlen(value);
	if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
		value[vl - 1] = '\0';
		value++;
	} else if (value[0] == '"') {
		return fail(errmsg, name, line, "unterminated quote in the value of '%s'", key);
	}

	if (arch)
		*arch = '\0';
	k = schema_key(s, key);
	if (arch)
		*arch = ':';
	if (!k)
		return unknown_key(s, key, name, line, errmsg);
	if (k->type == CONF_LIST)
		normalize_list(value);
	prev = (struct conf_entry *)conf_find(c, key);
	if (append) {
		if (k->type != CONF_LIST && k->type != CONF_LINES)
			return fail(errmsg, name, line, "'%s' is not a list: use '=' instead of '+='", key);
		if (prev) {
			/* Only what is added is looked at: none among the items
			 * already there was refused when they were set. */
			if (k->type == CONF_LIST && check_list_none(key, value, name, line, errmsg) < 0)
				return -EINVAL;
			if (k->type == CONF_LIST && prev->len && *value &&
			    (conf_list_is_none(prev->value) || conf_list_is_none(value)))
				return list_none_error(key, name, line, errmsg);
			append_value(prev, k->type == CONF_LINES ? '\n' : ' ', value);
			return 0;
		}
	} else if (prev) {
		return fail(errmsg, name, line, "'%s' is already set at line %u (use '+=' to add to a list)",
			    key, prev->line);
	}
	if (check_value(k, value, name, line, errmsg) < 0 ||
	    (k->type == CONF_LIST && check_list_none(key, value, name, line, errmsg) < 0))
		return -EINVAL;
	add_entry(c, key, value, line);
	return 0;
}

int conf_parse_buffer(const char *name, const char *buf, size_t len,
		      const struct conf_schema *schema, struct conf *out, char **errmsg)
{
	char *logical = NULL;
	size_t llen = 0;
	unsigned lineno = 0, start_line = 0;
	const char *p = buf, *end = buf + len;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(name);
	*errmsg = NULL;

	if (memchr(buf, '\0', len)) {
		unsigned nl = 1;

		for (const char *q = buf; *q; q++)
			nl += *q == '\n';
		r = fail(errmsg, name, nl, "contains a NUL byte: this is not a text declaration");
		goto out;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool cont;

		lineno++;
		if (!logical)
			start_line = lineno;
		if (llen + n > CONF_MAX_LINE) {
			r = fail(errmsg, name, start_line, "line is longer than 64 KiB");
			goto out;
		}
		cont = n > 0 && p[n - 1] == '\\';
		logical = xrealloc(logical, llen + n + 2);
		memcpy(logical + llen, p, n - cont);
		llen += n - cont;
		logical[llen] = '\0';
		p += n + (nl != NULL);
		if (cont && p < end) {
			logical[llen++] = ' ';
			logical[llen] = '\0';
			continue;
		}
		r = parse_line(logical, start_line, name, schema, out, errmsg);
		free(logical);
		logical = NULL;
		llen = 0;
		if (r < 0)
			goto out;
	}
out:
	free(logical);
	if (r < 0)
		conf_free(out);
	return r;
}

/* A declaration is a few lines; anything this big is not one. */
#define CONF_MAX_FILE (16u * 1024 * 1024)

int conf_parse_file(const char *path, const struct conf_schema *schema, struct conf *out,
		    char **errmsg)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (input_read(path, CONF_MAX_FILE, &buf, &len, &why) < 0) {
		int e = errno ? errno : EIO;

		*errmsg = why;
		return -e;
	}
	r = conf_parse_buffer(path, buf, len, schema, out, errmsg);
	free(buf);
	return r;
}

const struct conf_entry *conf_find(const struct conf *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->v[i].key, key))
			return &c->v[i];
	return NULL;
}

const char *conf_get(const struct conf *c, const char *key)
{
	const struct conf_entry *e = conf_find(c, key);

	return e ? e->value : NULL;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

const struct conf_schema *conf_schema_lookup(const char *kind)
{
	for (size_t i = 0; i < conf_nschemas; i++)
		if (streq(conf_schemas[i]->kind, kind))
			return conf_schemas[i];
	return NULL;
}
