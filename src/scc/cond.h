/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shell conditions kernel descriptions use in if/elif lines:
 *   [ "$VAR" = "value" ]   [ "$VAR" != "value" ]   ('==' is taken as '=')
 * joined by '||' and '&&', which, as in the shell, have equal precedence and
 * group from the left: "a || b && c" is "(a || b) && c".
 */
#ifndef VMB_SCC_COND_H
#define VMB_SCC_COND_H

#include "scc/words.h"

/* Evaluate words [begin, end) of @w (already expanded). Returns 0 with
 * *result and *why (how it was decided, e.g. '"x86_64" = "x86_64" is true',
 * malloc'd), or -1 with *err (no file:line prefix). */
int cond_eval(const struct words *w, size_t begin, size_t end, bool *result, char **why, char **err);

#endif
