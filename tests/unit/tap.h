/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the unit tests (Automake's tap-driver reads it). */
#ifndef VMB_TAP_H
#define VMB_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3))) static bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond), __VA_ARGS__)

/* Compare strings, showing both on failure. NULL compares equal only to NULL. */
#define is_str(got, want, ...)                                                          \
	do {                                                                            \
		const char *g_ = (got), *w_ = (want);                                   \
		bool same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;               \
		if (!tap_ok(same_, __VA_ARGS__))                                        \
			printf("#   got:      '%s'\n#   expected: '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                                     \
	} while (0)

#define is_int(got, want, ...)                                                          \
	do {                                                                            \
		long long g_ = (long long)(got), w_ = (long long)(want);                \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                                     \
			printf("#   got:      %lld\n#   expected: %lld\n", g_, w_);      \
	} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
