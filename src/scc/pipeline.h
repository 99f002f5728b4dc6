/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resolve a description, parse each queued fragment once, and merge them in
 * queue order: what `vmbundle scc` and the kernel planner both need.
 */
#ifndef VMB_SCC_PIPELINE_H
#define VMB_SCC_PIPELINE_H

#include "scc/cfg.h"
#include "scc/merge.h"
#include "scc/scc.h"

struct scc_pipeline {
	struct scc_result res;
	struct cfg_file *files;         /* each distinct fragment, parsed once */
	size_t nfiles;
	const struct cfg_file **order;  /* the parsed fragment of each queue entry */
	struct merge_result merged;
};

/* Returns 0, or -1 with *err ("file:line: ...", malloc'd). p->res is valid
 * (for the --explain trace) even on error; free with scc_pipeline_free. */
int scc_pipeline_run(const struct scc_options *o, const char *const *inputs, size_t ninputs,
		     struct scc_pipeline *p, char **err);
void scc_pipeline_free(struct scc_pipeline *p);

/* The value of variable @name after processing (define or -D), or NULL. */
const char *scc_pipeline_var(const struct scc_pipeline *p, const char *name);

#endif
