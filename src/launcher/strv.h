/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growing, NULL-terminated array of owned strings: an argv being built. */
#ifndef VMB_STRV_H
#define VMB_STRV_H

#include "shared/util.h"

#include <stddef.h>

struct strv {
	char **v; /* always NULL-terminated once anything was added */
	size_t n;
};

void strv_add(struct strv *s, const char *word);
void strv_addf(struct strv *s, const char *fmt, ...) _printf_format_(2, 3);
void strv_free(struct strv *s);

#endif
