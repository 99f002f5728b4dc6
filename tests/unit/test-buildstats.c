/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build-statistics records read back: numbers that are no time or count are
 * errors (found by fuzz/buildstats.c). */
#include "buildstats/buildstats.h"
#include "tap.h"

#include <stdlib.h>

static char *parse(const char *text)
{
	struct step_record r;
	char *err = NULL;

	if (buildstats_parse("BZIMAGE.host", text, &r, &err) == 0)
		step_record_free(&r);
	return err;
}

int main(void)
{
	struct step_record r;
	char *err = NULL;

	ok(buildstats_parse("BZIMAGE.host", "Step: BZIMAGE\nName: host\nStarted: 1\nEnded: 2.5\n"
			    "Max RSS: 123456 KiB\nUnits: 1360 objects\nUnits: -1\n", &r, &err) == 0 &&
	   r.maxrss_kib == 123456 && r.units == 1360 && r.end == 2.5, "a record parses");
	if (!err)
		step_record_free(&r);
	free(err);
	err = parse("Step: BZIMAGE\nName: host\nStarted: nan\nEnded: inf\n");
	is_str(err, "BZIMAGE.host:3: Started: 'nan' is not a number", "nan is no time");
	free(err);
	err = parse("Step: BZIMAGE\nName: host\nStarted: 1\nEnded: 2\nMax RSS: 1e34 KiB\n");
	is_str(err, "BZIMAGE.host:5: Max RSS: '1e34 KiB' is not a count between 0 and 10^15",
	       "a count that fits no long");
	free(err);
	err = parse("Step: BZIMAGE\nName: host\nStarted: 1\nEnded: 2\nUnits: 1e300 objects\n");
	is_str(err, "BZIMAGE.host:5: Units: '1e300 objects' is not a count between 0 and 10^15",
	       "units too");
	free(err);
	return done_testing();
}
