/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Kconfig helper (kconfig-why.c): building it against a kernel tree's
 * own scripts/kconfig objects, running it, and reading its answers.
 */
#ifndef VMB_AUDIT_HELPER_H
#define VMB_AUDIT_HELPER_H

#include "audit/kenv.h"
#include "scc/symtab.h"

#include <stdbool.h>
#include <stddef.h>

/* What Kconfig says about one symbol (see kconfig-why.c for the fields). */
struct kc_info {
	char *name; /* without CONFIG_ */
	bool exists;
	char *type, *value;
	bool written, prompt;
	char visible;  /* 'n', 'm', 'y' */
	char dep_tri, sel_tri, imp_tri; /* 0 when there is no such expression */
	char *dep, *sel, *imp;
	char *blocking; /* the parts of an unmet dependency that are n */
	char **defaults; /* "TRI VALUE if COND" */
	size_t ndefaults, capdefaults;
	char *range; /* "MIN MAX" */
	int valid;   /* -1: not asked, 0, 1 */
	char *choice;
	char **defined; /* "FILE:LINE" */
	size_t ndefined, capdefined;
};

struct kc_answers {
	struct kc_info *v;
	size_t n, cap;
	struct symtab index; /* name -> index in v */
};

/* The helper's C source, embedded at build time. */
extern const char kconfig_why_source[];

/* Compile the helper for kernel source @ksrc configured in @kobj (which
 * must hold the scripts/kconfig objects any "make O=... *config" leaves)
 * into @out, with host compiler @hostcc. */
int helper_build(const char *ksrc, const char *kobj, const char *hostcc, const char *out, char **err);

/* Does @helper exist and is it newer than @kobj's Kconfig parser? */
bool helper_is_current(const char *helper, const char *kobj);

/* Ask @helper about @names (without CONFIG_), with requested values @values
 * (may hold NULLs), for the .config @dotconfig. */
int helper_ask(const char *helper, const struct kenv *env, const char *kobj, const char *dotconfig,
	       const char *const *names, const char *const *values, size_t n, struct kc_answers *a,
	       char **err);
int helper_parse(const char *text, struct kc_answers *a, char **err);
const struct kc_info *helper_find(const struct kc_answers *a, const char *name);
void helper_answers_free(struct kc_answers *a);

#endif
