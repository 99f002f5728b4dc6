/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Relation fields (Debian Policy 7.1): clauses separated by ',', each a
 * list of alternatives separated by '|', each "name[:arch] [(op version)]".
 * Architecture restrictions "[...]" and build profiles "<...>" belong to
 * source relations; they are accepted and ignored.
 */
#include "pkg/pkg.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

static bool name_char(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

/* One alternative at *pp; advances past it. */
static int parse_alt(const char **pp, struct deb_alt *a, char **why)
{
	const char *p = skip_blanks(*pp), *s = p;

	memset(a, 0, sizeof(*a));
	while (name_char((unsigned char)*p))
		p++;
	if (p == s) {
		*why = xasprintf("expected a package name at '%.20s'", s);
		return -EINVAL;
	}
	a->name = xstrndup(s, (size_t)(p - s));
	if (*p == ':') {
		s = ++p;
		while (isalnum((unsigned char)*p) || *p == '-')
			p++;
		a->archq = xstrndup(s, (size_t)(p - s));
	}
	p = skip_blanks(p);
	if (*p == '(') {
		p = skip_blanks(p + 1);
		s = p;
		while (*p == '<' || *p == '>' || *p == '=')
			p++;
		if (p == s || p - s > 2) {
			*why = xasprintf("bad version relation in '%s (...)'", a->name);
			return -EINVAL;
		}
		a->op = xstrndup(s, (size_t)(p - s));
		p = skip_blanks(p);
		s = p;
		while (*p && *p != ')' && *p != ' ' && *p != '\t')
			p++;
		if (p == s) {
			*why = xasprintf("no version after '%s (%s'", a->name, a->op);
			return -EINVAL;
		}
		a->version = xstrndup(s, (size_t)(p - s));
		p = skip_blanks(p);
		if (*p != ')') {
			*why = xasprintf("unclosed '(' after '%s'", a->name);
			return -EINVAL;
		}
		p++;
	}
	/* [arch restrictions] and <build profiles>: source relations only */
	for (p = skip_blanks(p); *p == '[' || *p == '<'; p = skip_blanks(p)) {
		const char *close = strchr(p, *p == '[' ? ']' : '>');

		if (!close) {
			*why = xasprintf("unclosed '%c' after '%s'", *p, a->name);
			return -EINVAL;
		}
		p = close + 1;
	}
	*pp = p;
	return 0;
}

static void alt_free(struct deb_alt *a)
{
	free(a->name);
	free(a->archq);
	free(a->op);
	free(a->version);
}

int deb_relation_parse(const char *text, struct deb_relation *r, char **why)
{
	const char *p = text ? text : "";
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	for (p = skip_blanks(p); *p; p = skip_blanks(p)) {
		struct deb_clause *c = VEC_PUSH(r->clauses, r->n, cap);
		size_t acap = 0;

		memset(c, 0, sizeof(*c));
		for (;;) {
			struct deb_alt *a = VEC_PUSH(c->alts, c->nalts, acap);

			if (parse_alt(&p, a, why) < 0) {
				alt_free(a);
				c->nalts--;
				deb_relation_free(r);
				return -EINVAL;
			}
			p = skip_blanks(p);
			if (*p != '|')
				break;
			p++;
		}
		if (*p == ',') {
			p++;
		} else if (*p) {
			*why = xasprintf("unexpected '%c' after '%s'", *p, c->alts[c->nalts - 1].name);
			deb_relation_free(r);
			return -EINVAL;
		}
	}
	return 0;
}

void deb_relation_free(struct deb_relation *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = 0; j < r->clauses[i].nalts; j++)
			alt_free(&r->clauses[i].alts[j]);
		free(r->clauses[i].alts);
	}
	free(r->clauses);
	memset(r, 0, sizeof(*r));
}
