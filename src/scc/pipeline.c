/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/pipeline.h"
#include "scc/symtab.h"
#include "shared/util.h"

#include <stdlib.h>

/* A fragment queued many times (repeated includes) is parsed once. */
static int load_fragments(struct scc_pipeline *p, char **err)
{
	const struct scc_result *r = &p->res;
	struct symtab seen;
	int rc = 0;

	symtab_init(&seen);
	p->files = xcalloc(r->nfrags, sizeof(*p->files));
	p->order = xcalloc(r->nfrags, sizeof(*p->order));
	for (size_t i = 0; i < r->nfrags; i++) {
		size_t at = symtab_get(&seen, r->frags[i].path);

		if (at == SYMTAB_NONE) {
			char *why = NULL;

			if (cfg_parse_file(r->frags[i].path, &p->files[p->nfiles], &why) < 0) {
				char *where = scc_where_str(r->frags[i].from);

				*err = xasprintf("%s: %s", where, why);
				free(where);
				free(why);
				rc = -1;
				break;
			}
			at = p->nfiles++;
			symtab_put(&seen, r->frags[i].path, at);
		}
		p->order[i] = &p->files[at];
	}
	symtab_free(&seen);
	return rc;
}

int scc_pipeline_run(const struct scc_options *o, const char *const *inputs, size_t ninputs,
		     struct scc_pipeline *p, char **err)
{
	memset(p, 0, sizeof(*p));
	if (scc_process(o, inputs, ninputs, &p->res, err) < 0)
		return -1;
	if (load_fragments(p, err) < 0)
		return -1;
	merge_fragments(p->order, p->res.nfrags, &p->merged);
	return 0;
}

void scc_pipeline_free(struct scc_pipeline *p)
{
	merge_result_free(&p->merged);
	for (size_t i = 0; i < p->nfiles; i++)
		cfg_file_free(&p->files[i]);
	free(p->files);
	free(p->order);
	scc_result_free(&p->res);
	memset(p, 0, sizeof(*p));
}

const char *scc_pipeline_var(const struct scc_pipeline *p, const char *name)
{
	for (size_t i = 0; i < p->res.nvars; i++)
		if (streq(p->res.vars[i].name, name))
			return p->res.vars[i].value;
	return NULL;
}
