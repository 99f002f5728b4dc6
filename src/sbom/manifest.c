/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The package manifest of an image, as Yocto writes IMAGE.manifest: one
 * "NAME ARCH VERSION" line per package installed into it, sorted. Here the
 * packages are the Debian packages files were taken from, this project's
 * own programs ("vmbundle"), and the kernel whose modules are installed
 * ("kernel-modules-NAME", its release as the version). Staged guests are
 * not packages: their images are listed in the SBOM.
 */
#include "sbom/sbom.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <stdlib.h>

char *manifest_text(const struct sbom *s)
{
	const char *arch = s->o->arch ? s->o->arch : "all";
	char **lines = NULL;
	size_t n = 0;
	struct strbuf b = { 0 };

	for (size_t i = 0; i < s->ncomps; i++) {
		const struct component *c = &s->comps[i];
		bool installed = false;
		char *line = NULL;

		for (size_t k = 0; k < s->img.n && !installed; k++)
			installed = s->img.files[k].comp == (int)i;
		if (!installed)
			continue;
		if (c->kind == COMP_PACKAGE)
			line = xasprintf("%s %s %s", c->name, c->arch, c->version);
		else if (c->kind == COMP_PRODUCT)
			line = xasprintf("%s %s %s", c->name, arch, c->version);
		else if (c->kind == COMP_KERNEL)
			line = xasprintf("kernel-modules-%s %s %s", s->kernels[c->kernel].name, arch, c->version);
		if (line) {
			strlist_push(&lines, &n, line);
			free(line);
		}
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_strings);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&b, "%s\n", lines[i]);
	strlist_free(lines, n);
	return strbuf_take(&b);
}
