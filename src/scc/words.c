/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/words.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <ctype.h>
#include <stdlib.h>

/* A word under construction. */
struct buf {
	char *s;
	size_t n, cap;
};

static void put(struct buf *b, char c)
{
	*VEC_PUSH(b->s, b->n, b->cap) = c;
}

static void puts_buf(struct buf *b, const char *s)
{
	for (; *s; s++)
		put(b, *s);
}

static bool is_name_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool is_name_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Expand the variable reference at *p (pointing at '$'). Returns false with
 * *err set for syntax the shell would run but we refuse. A '$' not followed
 * by a name stays a literal '$', as in the shell. */
static bool expand(const char **p, struct buf *b, word_lookup_fn lookup, void *ctx, bool *expanded,
		   size_t *total, char **err)
{
	const char *s = *p + 1;
	const char *name_start, *name_end;
	char *name;
	const char *value;

	if (*s == '(') {
		*err = xstrdup("command substitution '$(...)' is not supported in .scc files");
		return false;
	}
	if (*s == '{') {
		name_start = s + 1;
		name_end = name_start;
		while (is_name_char(*name_end))
			name_end++;
		if (*name_end != '}' || name_end == name_start || !is_name_start(*name_start)) {
			*err = xstrdup("only '${NAME}' is supported inside '${...}'");
			return false;
		}
		*p = name_end + 1;
	} else if (is_name_start(*s)) {
		name_start = s;
		name_end = s;
		while (is_name_char(*name_end))
			name_end++;
		*p = name_end;
	} else {
		put(b, '$');
		*p = s;
		return true;
	}
	name = xstrndup(name_start, (size_t)(name_end - name_start));
	value = lookup ? lookup(ctx, name) : NULL;
	if (value && (*total += strlen(value)) > WORDS_MAX_EXPANSION) {
		/* Checked before copying: a few defines that each double the one
		 * before would otherwise take gigabytes within a few lines. */
		*err = xasprintf("variables expand this line to more than %d bytes (at '$%s'); "
				 "no kernel description needs that: shorten the defines",
				 WORDS_MAX_EXPANSION, name);
		free(name);
		return false;
	}
	free(name);
	if (value)
		puts_buf(b, value);
	*expanded = true;
	return true;
}

static void push_word(struct words *w, enum word_kind kind, struct buf *b, bool quoted, bool expanded)
{
	struct word *x = VEC_PUSH(w->v, w->n, w->cap);

	put(b, '\0');
	x->kind = kind;
	x->text = b->s;
	x->quoted = quoted;
	x->expanded = expanded;
	b->s = NULL;
	b->n = b->cap = 0;
}

static void push_op(struct words *w, const char *op)
{
	struct buf b = { 0 };

	puts_buf(&b, op);
	push_word(w, WORD_OP, &b, false, false);
}

void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].text);
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

bool word_is(const struct words *w, size_t i, const char *s)
{
	return i < w->n && w->v[i].kind == WORD_TEXT && !w->v[i].quoted && streq(w->v[i].text, s);
}

int words_split(const char *line, word_lookup_fn lookup, void *ctx, struct words *out, char **err)
{
	const char *p = line;
	struct buf b = { 0 };
	bool in_word = false, quoted = false, expanded = false;
	size_t total = 0; /* bytes variables added to this line */

	out->v = NULL;
	out->n = out->cap = 0;
	*err = NULL;
	for (;;) {
		char c = *p;

		if (c == '\0' || c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|') {
			if (in_word)
				push_word(out, WORD_TEXT, &b, quoted, expanded);
			in_word = quoted = expanded = false;
			if (c == '\0')
				break;
			if (c == ';') {
				push_op(out, ";");
				p++;
			} else if ((c == '&' || c == '|') && p[1] == c) {
				push_op(out, c == '&' ? "&&" : "||");
				p += 2;
			} else if (c == '&' || c == '|') {
				*err = xasprintf("shell syntax '%c' is not supported in .scc files", c);
				goto fail;
			} else {
				p++;
			}
			continue;
		}
		if (c == '#' && !in_word)
			break; /* a comment runs to the end of the line */
		if (strchr("<>()`", c)) {
			*err = xasprintf("shell syntax '%c' is not supported in .scc files", c);
			goto fail;
		}
		in_word = true;
		if (c == '\\') {
			quoted = true;
			if (p[1])
				put(&b, p[1]), p += 2;
			else
				p++;
		} else if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end) {
				*err = xstrdup("unterminated single quote (add the closing ')");
				goto fail;
			}
			quoted = true;
			for (const char *q = p + 1; q < end; q++)
				put(&b, *q);
			p = end + 1;
		} else if (c == '"') {
			quoted = true;
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("$`\"\\", p[1])) {
					put(&b, p[1]);
					p += 2;
				} else if (*p == '$') {
					if (!expand(&p, &b, lookup, ctx, &expanded, &total, err))
						goto fail;
				} else if (*p == '`') {
					*err = xstrdup("command substitution '`...`' is not supported in .scc files");
					goto fail;
				} else {
					put(&b, *p++);
				}
			}
			if (!*p) {
				*err = xstrdup("unterminated double quote (add the closing \")");
				goto fail;
			}
			p++;
		} else if (c == '$') {
			if (!expand(&p, &b, lookup, ctx, &expanded, &total, err))
				goto fail;
		} else {
			put(&b, c);
			p++;
		}
	}
	return 0;
fail:
	free(b.s);
	words_free(out);
	return -1;
}
