/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A command's options: getopt_long, with every single-valued option
 * checked to be given once (the last one never silently wins), and the
 * options a mode does not use refused. Messages go through the reporter,
 * which names the command. */
#ifndef VMB_OPTIONS_H
#define VMB_OPTIONS_H

#include "util.h"

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct given_value {
	const char *value;
	unsigned times;
};

/* One parse of argc/argv. @repeatable lists the getopt codes of options
 * that may be given several times (lists); every other option with a
 * value is given once. OPT_PARSER() declares the bookkeeping with it:
 *
 *	struct opt_parser op = OPT_PARSER(argc, argv, "I:", opts, "I");
 *	while ((c = opt_next(&op)) != -1)
 *		switch (c) { ... default: return usage; }
 */
struct opt_parser {
	int argc;
	char **argv;
	const char *shortopts;
	const struct option *opts;
	const char *repeatable;
	struct given_value *seen; /* one per entry of @opts */
};
/* (clang-format would spread the compound literal over ten lines) */
/* clang-format off */
#define OPT_PARSER(argc_, argv_, shortopts_, opts_, repeatable_)                                   \
	{ (argc_), (argv_), (shortopts_), (opts_), (repeatable_),                                  \
	  (struct given_value[ARRAY_SIZE(opts_)]){ { NULL, 0 } } }
/* clang-format on */

/* The next option's code (optarg set as getopt_long sets it), -1 after
 * the last. '?' is a usage error already said: getopt's own, or an option
 * given twice with two values ("--OPT is given twice, 'A' and then 'B';
 * give it once"). The same value twice is a warning, said once. */
int opt_next(struct opt_parser *p);

/* The same check for a caller with its own getopt loop: call it after
 * each getopt_long() with its long index (-1 when none); false when the
 * option was given twice with two values (said). */
bool option_given_once(const struct option *opts, int idx, const char *value,
		       struct given_value *seen, const char *repeatable);

/* Options that @mode of the command does not use: for the first of @opts
 * given, say "option --NAME has no effect with MODE; leave it out" and
 * return true (the caller exits 2: a usage error, never silently ignored). */
struct given_option {
	const char *name;
	bool given;
};
bool options_unused(const char *mode, const struct given_option *opts, size_t n);

#endif
