/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The environment kbuild gives Kconfig, rebuilt for running Kconfig's parser
 * outside make. Linux 6.1's Kconfig files read: srctree (to find every
 * Kconfig file and the scripts/ probes), ARCH and SRCARCH ("source arch/$(SRCARCH)/
 * Kconfig", 64BIT on x86), CC and LD (scripts/Kconfig.include stops without
 * them and probes their versions and options), NM, OBJCOPY, PAHOLE, RUSTC,
 * BINDGEN (tool probes in init/Kconfig), CC_VERSION_TEXT (the first line of
 * "$CC --version" without '#', as the top Makefile computes it) and
 * KERNELVERSION (the main menu title). kbuild also exports CROSS_COMPILE,
 * HOSTCC and HOSTCXX, which some Kconfig scripts use.
 *
 * Defaults follow the top Makefile (CC = $(CROSS_COMPILE)gcc, ...); any of
 * them can be overridden with NAME=VALUE pairs, as on make's command line.
 */
#ifndef VMB_AUDIT_KENV_H
#define VMB_AUDIT_KENV_H

#include <stddef.h>

struct kenv {
	char **v; /* "NAME=VALUE", NULL-terminated */
	size_t n, cap;
};

/* SRCARCH for an ARCH, as the top Makefile maps it (x86_64 -> x86). */
const char *kenv_srcarch(const char *arch);

/* "6.1.192" from @ksrc/Makefile, or NULL with *err. */
char *kenv_kernelversion(const char *ksrc, char **err);

/* Build the environment. @overrides are "NAME=VALUE" (may be NULL). */
int kenv_build(const char *ksrc, const char *arch, const char *const *overrides, size_t noverrides,
	       struct kenv *env, char **err);
void kenv_free(struct kenv *env);
/* The value of @name in @env, or NULL. */
const char *kenv_get(const struct kenv *env, const char *name);

#endif
