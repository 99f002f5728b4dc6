/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell words and conditions of .scc lines. */
#include "scc/cond.h"
#include "scc/words.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>

static const char *vars(void *ctx, const char *name)
{
	(void)ctx;
	if (streq(name, "KARCH"))
		return "x86_64";
	if (streq(name, "EMPTY"))
		return "";
	return NULL;
}

/* The words of @line joined by '|', operators in <>. */
static char *split(const char *line)
{
	struct words w;
	char *err, *s;

	if (words_split(line, vars, NULL, &w, &err) < 0)
		return err;
	s = xstrdup("");
	for (size_t i = 0; i < w.n; i++) {
		char *t = xasprintf(w.v[i].kind == WORD_OP ? "%s%s<%s>" : "%s%s%s", s, i ? "|" : "",
				    w.v[i].text);

		free(s);
		s = t;
	}
	words_free(&w);
	return s;
}

static void check(const char *line, const char *want)
{
	char *got = split(line);

	is_str(got, want, "words of: %s", line);
	free(got);
}

static void cond(const char *line, int want, const char *why_want)
{
	struct words w;
	char *err = NULL, *why = NULL;
	bool r = false;
	int rc;

	if (words_split(line, vars, NULL, &w, &err) < 0) {
		ok(0, "split %s: %s", line, err);
		free(err);
		return;
	}
	rc = cond_eval(&w, 0, w.n, &r, &why, &err);
	if (want < 0) {
		ok(rc < 0, "condition fails: %s", line);
		is_str(err, why_want, "... with: %s", why_want);
	} else {
		ok(rc == 0 && r == (want != 0), "condition %s is %s", line, want ? "true" : "false");
		if (why_want)
			is_str(why, why_want, "... explained");
	}
	free(err);
	free(why);
	words_free(&w);
}

int main(void)
{
	check("kconf hardware x.cfg", "kconf|hardware|x.cfg");
	check("  \tkconf   hardware\tx.cfg  ", "kconf|hardware|x.cfg");
	check("define X \"a b\" 'c d' e\\ f", "define|X|a b|c d|e f");
	check("define X \"it's\" 'say \"hi\"'", "define|X|it's|say \"hi\"");
	check("echo \"$KARCH\" ${KARCH} '$KARCH' \\$KARCH", "echo|x86_64|x86_64|$KARCH|$KARCH");
	check("echo \"[$UNSET]\" \"$EMPTY\" $", "echo|[]||$");
	check("echo a#b # comment", "echo|a#b");
	check("# only a comment", "");
	check("", "");
	check("if [ a = b ]; then", "if|[|a|=|b|]|<;>|then");
	check("[ a = b ]||[ c = d ]&&[ e = f ]", "[|a|=|b|]|<||>|[|c|=|d|]|<&&>|[|e|=|f|]");
	check("echo \"a\\\"b\\\\c\\$d\\x\"", "echo|a\"b\\c$d\\x");
	check("x \"unclosed", "unterminated double quote (add the closing \")");
	check("x 'unclosed", "unterminated single quote (add the closing ')");
	check("x $(cmd)", "command substitution '$(...)' is not supported in .scc files");
	check("x `cmd`", "shell syntax '`' is not supported in .scc files");
	check("x | y", "shell syntax '|' is not supported in .scc files");
	check("x & y", "shell syntax '&' is not supported in .scc files");
	check("x < y", "shell syntax '<' is not supported in .scc files");
	check("x (y)", "shell syntax '(' is not supported in .scc files");
	check("x ${1}", "only '${NAME}' is supported inside '${...}'");

	cond("[ \"$KARCH\" = \"x86_64\" ]", 1, "[ \"x86_64\" = \"x86_64\" ] is true");
	cond("[ \"$KARCH\" == x86_64 ]", 1, NULL);
	cond("[ \"$KARCH\" != \"x86_64\" ]", 0, "[ \"x86_64\" != \"x86_64\" ] is false");
	cond("[ \"$KARCH\" = arm ] || [ \"$KARCH\" = x86_64 ]", 1, NULL);
	cond("[ \"$KARCH\" = x86_64 ] && [ \"$KARCH\" = arm ]", 0, NULL);
	/* as in the shell: (true || x) && false = false; not true || (x && false) */
	cond("[ a = a ] || [ a = b ] && [ a = b ]", 0, NULL);
	cond("[ a = b ] && [ a = a ] || [ a = a ]", 1, NULL);
	cond("[ \"$UNSET\" = \"\" ]", 1, NULL);
	cond("[ a = ]", -1, "a test must be exactly [ \"$VAR\" = \"value\" ] or [ \"$VAR\" != \"value\" ]");
	cond("[ a \"=\" a ]", -1, "unsupported test operator '=' (use = or !=)");
	cond("[ a = a ] ||", -1, "expected '[' to start a test, got 'end of line' (conditions are [ \"$VAR\" = \"value\" ] or != joined by || and &&)");
	return done_testing();
}
