/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle scc: resolve kernel descriptions into a fragment queue and merge it. */
#include "commands.h"
#include "scc/cfg.h"
#include "scc/lookup.h"
#include "scc/merge.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "scc/pipeline.h"
#include "scc/queue.h"
#include "scc/scc.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle scc [OPTION]... INPUT...\n"
	      "Resolve kernel descriptions (.scc) into the ordered fragment queue and merge the\n"
	      "fragments as merge_config.sh does. INPUTs are .scc names or paths, fragments\n"
	      "(NAME.cfg, NAME.cfg:TYPE, *defconfig) and patches, processed in order.\n"
	      "\n"
	      "  -I, --include-dir=DIR  search DIR for names (in the order given)\n"
	      "  -D VAR=VALUE           set a variable (KARCH, KMACHINE, KTYPE, ...)\n"
	      "      --config-only      patches need not exist (they are only recorded)\n"
	      "      --queue=FILE       write the fragment queue ('<type> <absolute path>' lines)\n"
	      "      --patches=FILE     write the patch queue\n"
	      "      --merged=FILE      write the merged fragment\n"
	      "      --meta=FILE        write the recorded directives (define, branch, merge, ...)\n"
	      "      --explain[=FILE]   trace which file included which and why (stderr by default)\n"
	      "      --redundant        also report options set again to the same value\n"
	      "  -q, --quiet            do not report redefinitions\n"
	      "      --find=KMACHINE:KTYPE  find the board description defining both; alone, print it\n"
	      "      --guest=NAME       add guest NAME's description, NAME-<KTYPE>.scc\n"
	      "      --ktype=KTYPE      the kernel type for --guest (default: -D KTYPE=...)\n"
	      "With no output file, the fragment queue goes to standard output.\n",
	      f);
}

struct strv {
	const char **v;
	size_t n, cap;
};

struct args {
	struct strv dirs, defines, inputs;
	const char *queue, *patches, *merged, *meta, *explain, *find, *guest, *ktype;
	bool config_only, want_explain, redundant, quiet;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	enum { O_CONFIG_ONLY = 256, O_QUEUE, O_PATCHES, O_MERGED, O_META, O_EXPLAIN, O_REDUNDANT,
	       O_FIND, O_GUEST, O_KTYPE };
	static const struct option opts[] = {
		{ "include-dir", required_argument, NULL, 'I' },
		{ "define", required_argument, NULL, 'D' },
		{ "config-only", no_argument, NULL, O_CONFIG_ONLY },
		{ "queue", required_argument, NULL, O_QUEUE },
		{ "patches", required_argument, NULL, O_PATCHES },
		{ "merged", required_argument, NULL, O_MERGED },
		{ "meta", required_argument, NULL, O_META },
		{ "explain", optional_argument, NULL, O_EXPLAIN },
		{ "redundant", no_argument, NULL, O_REDUNDANT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "find", required_argument, NULL, O_FIND },
		{ "guest", required_argument, NULL, O_GUEST },
		{ "ktype", required_argument, NULL, O_KTYPE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "I:D:qh", opts, "ID");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'I': *VEC_PUSH(a->dirs.v, a->dirs.n, a->dirs.cap) = optarg; break;
		case 'D': *VEC_PUSH(a->defines.v, a->defines.n, a->defines.cap) = optarg; break;
		case 'q': a->quiet = true; break;
		case O_CONFIG_ONLY: a->config_only = true; break;
		case O_QUEUE: a->queue = optarg; break;
		case O_PATCHES: a->patches = optarg; break;
		case O_MERGED: a->merged = optarg; break;
		case O_META: a->meta = optarg; break;
		case O_EXPLAIN: a->want_explain = true; a->explain = optarg; break;
		case O_REDUNDANT: a->redundant = true; break;
		case O_FIND: a->find = optarg; break;
		case O_GUEST: a->guest = optarg; break;
		case O_KTYPE: a->ktype = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		*VEC_PUSH(a->inputs.v, a->inputs.n, a->inputs.cap) = argv[i];
	return -1;
}

/* The -D value of @name, if given. */
static const char *define_value(const struct args *a, const char *name)
{
	const char *r = NULL;
	size_t l = strlen(name);

	for (size_t i = 0; i < a->defines.n; i++)
		if (strncmp(a->defines.v[i], name, l) == 0 && a->defines.v[i][l] == '=')
			r = a->defines.v[i] + l + 1;
	return r;
}

/* Guest NAME is described by NAME-<ktype>.scc at the top of a search
 * directory (scc/lookup.h, the lookup configure uses too). */
static char *find_guest(const struct args *a, const char *ktype)
{
	struct scc_search s = { a->dirs.v, a->dirs.n, NULL };
	char *found = scc_lookup_guest(&s, a->guest, ktype), *why;

	if (found)
		return found;
	why = scc_guest_missing(&s, a->guest, ktype);
	vmb_error("%s; add it, or check the guest name and kernel type%s", why,
		  a->dirs.n ? "" : " (give -I)");
	free(why);
	return NULL;
}

static int write_out(const char *path, const char *text)
{
	char *err;

	if (!path)
		return 0;
	if (outfile_write(path, text, strlen(text), &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

static char *patches_text(const struct scc_result *r)
{
	char *s = xstrdup("# vmbundle patch queue: one absolute path per line, applied in this order\n");

	for (size_t i = 0; i < r->npatches; i++) {
		const struct scc_patch *p = &r->patches[i];
		char *where = scc_where_str(p->from), *t;

		if (p->path)
			t = xasprintf("%s%s\n", s, p->path);
		else
			t = xasprintf("%s# not found (--config-only): %s (from %s)\n", s, p->name, where);
		free(where);
		free(s);
		s = t;
	}
	return s;
}

static char *meta_text(const struct scc_result *r)
{
	char *s = xstrdup("# vmbundle recorded directives: <directive> <arguments> # <file:line>\n");

	for (size_t i = 0; i < r->nmeta; i++) {
		char *where = scc_where_str(r->meta[i].from);
		char *t = xasprintf("%s%s %s # %s\n", s, r->meta[i].directive, r->meta[i].text, where);

		free(where);
		free(s);
		s = t;
	}
	return s;
}

static int write_explain(const struct args *a, const struct scc_result *r)
{
	size_t len = 1;
	char *s, *p;
	int rc;

	if (!a->want_explain)
		return 0;
	for (size_t i = 0; i < r->nexplain; i++)
		len += strlen(r->explain[i]) + 1;
	s = p = xmalloc(len);
	for (size_t i = 0; i < r->nexplain; i++) {
		p = stpcpy(p, r->explain[i]);
		*p++ = '\n';
	}
	*p = '\0';
	if (a->explain && *a->explain)
		rc = write_out(a->explain, s);
	else
		rc = fputs(s, stderr) < 0 ? -1 : 0;
	free(s);
	return rc;
}

static int resolve_and_merge(const struct args *a)
{
	struct scc_options o = {
		.dirs = a->dirs.v,
		.ndirs = a->dirs.n,
		.defines = a->defines.v,
		.ndefines = a->defines.n,
		.config_only = a->config_only,
		.explain = a->want_explain,
	};
	struct scc_pipeline p;
	const struct scc_result *r = &p.res;
	const struct merge_result *m = &p.merged;
	char *err = NULL, *q = NULL;
	int rc = 1;

	if (scc_pipeline_run(&o, a->inputs.v, a->inputs.n, &p, &err) < 0) {
		write_explain(a, r);
		vmb_error("%s", err);
		free(err);
		scc_pipeline_free(&p);
		return 1;
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		vmb_warn("%s", r->warnings[i]);
	for (size_t f = 0; f < p.nfiles; f++)
		for (size_t k = 0; k < p.files[f].nissues; k++)
			vmb_warn("%s:%u: %s", p.files[f].path, p.files[f].issues[k].line,
				 p.files[f].issues[k].msg);
	if (write_explain(a, r) < 0)
		goto out;
	for (size_t i = 0; i < m->nchanges && !a->quiet; i++) {
		const struct merge_change *c = &m->changes[i];
		const char *newf = r->frags[c->new_frag].path, *oldf = r->frags[c->old_frag].path;

		if (!c->redundant)
			fprintf(stderr, "%s:%u: %s redefined: '%s' (from %s:%u) becomes '%s'\n", newf,
				c->new->line, c->new->name, c->old->text, oldf, c->old->line, c->new->text);
		else if (a->redundant)
			fprintf(stderr, "%s:%u: %s is redundant: already '%s' (from %s:%u)\n", newf,
				c->new->line, c->new->name, c->old->text, oldf, c->old->line);
	}
	q = queue_format(r, &err);
	if (!q) {
		vmb_error("%s", err);
		free(err);
		goto out;
	}
	{
		char *merged = a->merged ? merge_text(m) : NULL;
		char *patches = a->patches ? patches_text(r) : NULL;
		char *meta = a->meta ? meta_text(r) : NULL;
		bool any = a->queue || a->merged || a->patches || a->meta;

		rc = write_out(any ? a->queue : "-", q) < 0 || write_out(a->merged, merged) < 0 ||
				     write_out(a->patches, patches) < 0 || write_out(a->meta, meta) < 0
			     ? 1
			     : 0;
		free(merged);
		free(patches);
		free(meta);
	}
out:
	free(q);
	scc_pipeline_free(&p);
	return rc;
}

int cmd_scc(int argc, char **argv)
{
	struct args a = { 0 };
	char *bsp = NULL, *guest = NULL;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out;
	rc = 2;
	if (a.find) {
		const char *colon = strchr(a.find, ':');
		char *kmachine, *others = NULL, *err = NULL;

		if (!colon || colon == a.find || !colon[1]) {
			vmb_error("--find wants KMACHINE:KTYPE, e.g. --find=qemux86-64:standard");
			goto out;
		}
		kmachine = xstrndup(a.find, (size_t)(colon - a.find));
		bsp = scc_find_bsp(a.dirs.v, a.dirs.n, kmachine, colon + 1, &others, &err);
		free(kmachine);
		if (!bsp) {
			vmb_error("%s", err);
			free(err);
			rc = 1;
			goto out;
		}
		if (others)
			vmb_warn("--find=%s: using %s; these match too: %s", a.find, bsp, others);
		free(others);
		if (!a.inputs.n && !a.guest) {
			/* Alone, --find prints the file: no queue is resolved. */
			const struct given_option unused[] = {
				{ "queue", a.queue }, { "merged", a.merged },
				{ "patches", a.patches }, { "meta", a.meta },
				{ "explain", a.want_explain }, { "redundant", a.redundant },
			};

			if (options_unused("--find alone (it prints the board's description; "
					   "give inputs to resolve them too)", unused, ARRAY_SIZE(unused)))
				goto out;
			printf("%s\n", bsp);
			rc = 0;
			goto out;
		}
	}
	if (a.guest) {
		const char *ktype = a.ktype ? a.ktype : define_value(&a, "KTYPE");

		if (!ktype) {
			vmb_error("--guest needs the kernel type: give --ktype=TYPE or -D KTYPE=TYPE");
			goto out;
		}
		guest = find_guest(&a, ktype);
		if (!guest) {
			rc = 1;
			goto out;
		}
	}
	/* The board description, then the guest's, then the inputs as given. */
	if (guest || bsp) {
		struct strv all = { 0 };

		if (bsp)
			*VEC_PUSH(all.v, all.n, all.cap) = bsp;
		if (guest)
			*VEC_PUSH(all.v, all.n, all.cap) = guest;
		for (size_t i = 0; i < a.inputs.n; i++)
			*VEC_PUSH(all.v, all.n, all.cap) = a.inputs.v[i];
		free(a.inputs.v);
		a.inputs = all;
	}
	if (!a.inputs.n) {
		vmb_error("no input (give .scc names, fragments, --guest or --find)");
		usage(stderr);
		goto out;
	}
	rc = resolve_and_merge(&a);
out:
	free(bsp);
	free(guest);
	free(a.dirs.v);
	free(a.defines.v);
	free(a.inputs.v);
	return rc;
}
