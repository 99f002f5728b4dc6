/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "options.h"

#include <string.h>

int opt_next(struct opt_parser *p)
{
	int idx = -1;
	int c = getopt_long(p->argc, p->argv, p->shortopts, p->opts, &idx);

	if (c == -1 || c == '?' || c == ':')
		return c;
	if (!option_given_once(p->opts, idx, optarg, p->seen, p->repeatable))
		return '?';
	return c;
}

bool option_given_once(const struct option *opts, int idx, const char *value,
		       struct given_value *seen, const char *repeatable)
{
	const struct option *o;
	struct given_value *g;

	if (idx < 0 || !value)
		return true;
	o = &opts[idx];
	g = &seen[idx];
	/* Codes above 255 (enums of long-only options) are never in @repeatable. */
	if (o->has_arg != required_argument ||
	    (o->val > 0 && o->val < 256 && strchr(repeatable, o->val)))
		return true;
	if (g->times++ == 0) {
		g->value = value;
		return true;
	}
	if (!streq(g->value, value)) {
		vmb_error("--%s is given twice, '%s' and then '%s'; give it once", o->name,
			  g->value, value);
		return false;
	}
	if (g->times == 2)
		vmb_warn("--%s '%s' is given more than once; it is used once", o->name, value);
	return true;
}

bool options_unused(const char *mode, const struct given_option *opts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].given) {
			vmb_error("option --%s has no effect with %s; leave it out", opts[i].name,
				  mode);
			return true;
		}
	return false;
}
