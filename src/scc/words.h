/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Splitting one .scc line into shell words, the part of shell syntax that
 * kernel descriptions use: blanks separate words; '...' and "..." quote;
 * a backslash escapes; $VAR and ${VAR} expand (not inside '...'); a word
 * starting with '#' starts a comment; ';', '&&' and '||' are operators.
 * Everything else the shell would do (pipes, redirections, $(...), `...`)
 * is refused, so a description cannot mean something we silently ignore.
 */
#ifndef VMB_SCC_WORDS_H
#define VMB_SCC_WORDS_H

#include <stdbool.h>
#include <stddef.h>

enum word_kind {
	WORD_TEXT,
	WORD_OP, /* ';', '&&' or '||' */
};

struct word {
	enum word_kind kind;
	char *text;     /* after quote removal and expansion */
	bool quoted;    /* some part was quoted or escaped: never an operator or keyword */
	bool expanded;  /* some part came from a $VARIABLE */
};

struct words {
	struct word *v;
	size_t n, cap;
};

/* The most bytes variable expansion may add to one line (a define's value
 * is one line, so this also bounds every variable). */
#define WORDS_MAX_EXPANSION (1 << 20)

/* Value of variable @name, or NULL when unset (expands to nothing). */
typedef const char *(*word_lookup_fn)(void *ctx, const char *name);

/* Split @line. On error returns -1 with *err describing the problem (without
 * a file:line prefix, which the caller adds). */
int words_split(const char *line, word_lookup_fn lookup, void *ctx, struct words *out, char **err);
void words_free(struct words *w);

/* Is word @i the unquoted text @s? */
bool word_is(const struct words *w, size_t i, const char *s);

#endif
