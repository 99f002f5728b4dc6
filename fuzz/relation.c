/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian relation fields and versions (src/pkg/relation.c, version.c): the
 * input up to the first newline is a Depends field; each parsed version is
 * compared with the rest of the input as a version, both ways.
 */
#include "fuzz.h"
#include "pkg/pkg.h"

#include <stdlib.h>
#include <string.h>

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *nl = strchr(text, '\n');
	const char *other = nl ? nl + 1 : "1.0";
	struct deb_relation r = { 0 };
	char *why = NULL;

	if (nl)
		*nl = '\0';
	if (deb_relation_parse(text, &r, &why) == 0) {
		for (size_t i = 0; i < r.n; i++)
			for (size_t k = 0; k < r.clauses[i].nalts; k++) {
				const struct deb_alt *a = &r.clauses[i].alts[k];

				if (!a->version)
					continue;
				/* An order must be antisymmetric. */
				if (sign(deb_version_cmp(a->version, other)) !=
				    -sign(deb_version_cmp(other, a->version)))
					abort();
				(void)deb_version_satisfies(other, a->op, a->version);
			}
		deb_relation_free(&r);
	}
	free(why);
	free(text);
	return 0;
}
