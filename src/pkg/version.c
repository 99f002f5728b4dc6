/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian version comparison (Debian Policy 5.6.12): [epoch:]upstream[-revision].
 * Epochs compare as numbers; upstream and revision alternate runs of
 * non-digits (compared character by character, letters before other
 * characters, '~' before anything, even the end) and runs of digits
 * (compared as numbers).
 */
#include "pkg/pkg.h"
#include "shared/util.h"

#include <ctype.h>
#include <stdlib.h>

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* One part (upstream or revision), [a, ae) against [b, be). */
static int part_cmp(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int first_diff = 0;

		while ((a < ae && !isdigit((unsigned char)*a)) || (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;

			if (ac != bc)
				return ac - bc;
			a += a < ae;
			b += b < be;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

struct parts {
	unsigned long epoch;
	const char *up, *up_end, *rev, *rev_end;
};

static void split(const char *v, struct parts *p)
{
	const char *colon = strchr(v, ':'), *dash;

	p->epoch = 0;
	if (colon) {
		p->epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	p->up = v;
	p->up_end = dash ? dash : v + strlen(v);
	p->rev = dash ? dash + 1 : v + strlen(v);
	p->rev_end = v + strlen(v);
}

int deb_version_cmp(const char *a, const char *b)
{
	struct parts pa, pb;
	int r;

	split(a, &pa);
	split(b, &pb);
	if (pa.epoch != pb.epoch)
		return pa.epoch < pb.epoch ? -1 : 1;
	r = part_cmp(pa.up, pa.up_end, pb.up, pb.up_end);
	if (r)
		return r;
	return part_cmp(pa.rev, pa.rev_end, pb.rev, pb.rev_end);
}

bool deb_version_satisfies(const char *version, const char *op, const char *want)
{
	int c;

	if (!op || !want)
		return true;
	c = deb_version_cmp(version, want);
	if (streq(op, "<<"))
		return c < 0;
	if (streq(op, "<=") || streq(op, "<"))
		return c <= 0;
	if (streq(op, "="))
		return c == 0;
	if (streq(op, ">=") || streq(op, ">"))
		return c >= 0;
	if (streq(op, ">>"))
		return c > 0;
	return false;
}
