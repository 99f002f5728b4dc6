/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scc-bench: resolve and merge kernel descriptions repeatedly, in process,
 * and print the time per description. bench/scc.sh runs it against the
 * corpus and compares with merge_config.sh.
 *
 * usage: scc-bench OUTDIR ITERATIONS NAME -I DIR... -D VAR=VAL... -- INPUT...
 * writes OUTDIR/NAME.queue and OUTDIR/NAME.merged (from the last run).
 */
#include "shared/outfile.h"
#include "scc/pipeline.h"
#include "scc/queue.h"
#include "shared/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One full run: what "vmbundle scc --queue --merged" computes. */
static int once(const struct scc_options *o, const char *const *inputs, size_t n, char **queue,
		char **merged, size_t *nfrags, size_t *nopts)
{
	struct scc_pipeline p;
	char *err;

	if (scc_pipeline_run(o, inputs, n, &p, &err) < 0) {
		fprintf(stderr, "scc-bench: %s\n", err);
		return -1;
	}
	*merged = merge_text(&p.merged);
	*queue = queue_format(&p.res, &err);
	*nfrags = p.res.nfrags;
	*nopts = p.merged.n;
	scc_pipeline_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dirs[64], *defs[64];
	struct scc_options o = { .dirs = dirs, .defines = defs, .config_only = true };
	const char *outdir, *name;
	int iterations, i = 4;
	char *queue = NULL, *merged = NULL, *err, *path;
	size_t nfrags = 0, nopts = 0;
	double t0, ms;

	if (argc < 6) {
		fputs("usage: scc-bench OUTDIR ITERATIONS NAME [-I DIR]... [-D VAR=VAL]... -- INPUT...\n", stderr);
		return 2;
	}
	outdir = argv[1];
	iterations = atoi(argv[2]);
	name = argv[3];
	for (; i < argc && !streq(argv[i], "--"); i += 2) {
		if (i + 1 >= argc || o.ndirs >= 64 || o.ndefines >= 64)
			return 2;
		if (streq(argv[i], "-I"))
			dirs[o.ndirs++] = argv[i + 1];
		else if (streq(argv[i], "-D"))
			defs[o.ndefines++] = argv[i + 1];
		else
			return 2;
	}
	if (i >= argc || iterations < 1)
		return 2;
	i++;
	/* one warm-up run fills the page cache, as in a real build */
	if (once(&o, (const char *const *)argv + i, (size_t)(argc - i), &queue, &merged, &nfrags, &nopts) < 0)
		return 1;
	t0 = now_ms();
	for (int k = 0; k < iterations; k++) {
		free(queue);
		free(merged);
		if (once(&o, (const char *const *)argv + i, (size_t)(argc - i), &queue, &merged, &nfrags,
			 &nopts) < 0)
			return 1;
	}
	ms = (now_ms() - t0) / iterations;
	printf("%s: %.2f ms per description (resolve + parse + merge; %zu fragments, %zu options; "
	       "mean of %d runs)\n",
	       name, ms, nfrags, nopts, iterations);
	path = xasprintf("%s/%s.queue", outdir, name);
	if (outfile_write(path, queue, strlen(queue), &err) < 0) {
		fprintf(stderr, "scc-bench: %s\n", err);
		return 1;
	}
	free(path);
	path = xasprintf("%s/%s.merged", outdir, name);
	if (outfile_write(path, merged, strlen(merged), &err) < 0) {
		fprintf(stderr, "scc-bench: %s\n", err);
		return 1;
	}
	free(path);
	free(queue);
	free(merged);
	return 0;
}
