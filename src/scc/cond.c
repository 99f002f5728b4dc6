/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/cond.h"
#include "shared/util.h"

#include <stdlib.h>

/* One "[ a OP b ]" starting at word *i. */
static int eval_test(const struct words *w, size_t *i, size_t end, bool *result, char **why,
		     char **err)
{
	size_t k = *i;
	const char *op, *a, *b;
	bool equal;

	if (!word_is(w, k, "[")) {
		*err = xasprintf("expected '[' to start a test, got '%s' (conditions are "
				 "[ \"$VAR\" = \"value\" ] or != joined by || and &&)",
				 k < end ? w->v[k].text : "end of line");
		return -1;
	}
	if (k + 4 >= end || !word_is(w, k + 4, "]") || w->v[k + 1].kind != WORD_TEXT ||
	    w->v[k + 3].kind != WORD_TEXT || w->v[k + 2].kind != WORD_TEXT) {
		*err = xstrdup("a test must be exactly [ \"$VAR\" = \"value\" ] or "
			       "[ \"$VAR\" != \"value\" ]");
		return -1;
	}
	op = w->v[k + 2].text;
	if (w->v[k + 2].quoted || !(streq(op, "=") || streq(op, "==") || streq(op, "!="))) {
		*err = xasprintf("unsupported test operator '%s' (use = or !=)", op);
		return -1;
	}
	a = w->v[k + 1].text;
	b = w->v[k + 3].text;
	equal = streq(a, b);
	*result = streq(op, "!=") ? !equal : equal;
	*why = xasprintf("[ \"%s\" %s \"%s\" ] is %s", a, op, b, *result ? "true" : "false");
	*i = k + 5;
	return 0;
}

int cond_eval(const struct words *w, size_t begin, size_t end, bool *result, char **why, char **err)
{
	size_t i = begin;
	bool acc;
	char *text = NULL, *part = NULL;

	if (eval_test(w, &i, end, &acc, &text, err) < 0)
		return -1;
	while (i < end) {
		bool is_or = w->v[i].kind == WORD_OP && streq(w->v[i].text, "||");
		bool is_and = w->v[i].kind == WORD_OP && streq(w->v[i].text, "&&");
		bool next;
		char *joined;

		if (!is_or && !is_and) {
			*err = xasprintf("expected '||', '&&' or '; then' after a test, got '%s'",
					 w->v[i].text);
			free(text);
			return -1;
		}
		i++;
		if (eval_test(w, &i, end, &next, &part, err) < 0) {
			free(text);
			return -1;
		}
		acc = is_or ? (acc || next) : (acc && next);
		joined = xasprintf("%s %s %s", text, is_or ? "||" : "&&", part);
		free(text);
		free(part);
		text = joined;
	}
	*result = acc;
	*why = text;
	return 0;
}
