/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle diffconfig: turn a menuconfig session into a fragment. The options
 * whose value in .config differs from the .config we generated (changed,
 * newly set, or no longer set) are written as a .cfg fragment; with --update
 * they are folded into the kernel's own NAME.cfg instead: an option already
 * there has its line replaced, a new one is appended, and nothing else in the
 * file moves.
 */
#include "commands.h"
#include "scc/cfg.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "scc/symtab.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

/* The line that states @o's value, in .config's own spelling. */
static char *option_line(const struct cfg_option *o)
{
	if (cfg_is_no(o->value))
		return xasprintf("# %s is not set", o->name);
	return xasprintf("%s=%s", o->name, o->value);
}

static int load(const char *path, struct cfg_file *f)
{
	char *err = NULL;

	if (cfg_parse_file(path, f, &err) == 0)
		return 0;
	vmb_error("%s", err);
	free(err);
	return -1;
}

/* Lines for every option whose value differs between @was and @now. */
static char **changed_lines(const struct cfg_file *was, const struct cfg_file *now, size_t *n,
			    char ***names)
{
	struct symtab before, after;
	char **lines = xcalloc(was->nopts + now->nopts + 1, sizeof(*lines));
	char **syms = xcalloc(was->nopts + now->nopts + 1, sizeof(*syms));
	size_t k = 0;

	symtab_init(&before);
	symtab_init(&after);
	for (size_t i = 0; i < was->nopts; i++)
		symtab_put(&before, was->opts[i].name, i);
	for (size_t i = 0; i < now->nopts; i++) {
		size_t b = symtab_get(&before, now->opts[i].name);

		symtab_put(&after, now->opts[i].name, i);
		if (b != SYMTAB_NONE && cfg_same_value(was->opts[b].value, now->opts[i].value))
			continue;
		if (b == SYMTAB_NONE && cfg_is_no(now->opts[i].value))
			continue;
		syms[k] = now->opts[i].name;
		lines[k++] = option_line(&now->opts[i]);
	}
	/* Gone from .config altogether: its dependency was switched off. */
	for (size_t i = 0; i < was->nopts; i++) {
		if (cfg_is_no(was->opts[i].value) || symtab_get(&after, was->opts[i].name) != SYMTAB_NONE)
			continue;
		syms[k] = was->opts[i].name;
		lines[k++] = xasprintf("# %s is not set", was->opts[i].name);
	}
	symtab_free(&before);
	symtab_free(&after);
	*n = k;
	*names = syms;
	return lines;
}

/* NAME.cfg with @lines folded in (replaced in place or appended). */
static char *fold_into(const char *path, const struct cfg_file *own, char **lines, char **syms, size_t n)
{
	char *text = NULL, *out = xstrdup("");
	size_t len;
	struct symtab replace;
	bool *used = xcalloc(n + 1, sizeof(*used));
	unsigned lineno = 0;

	symtab_init(&replace);
	for (size_t i = 0; i < n; i++)
		symtab_put(&replace, syms[i], i);
	if (read_file(path, &text, &len) < 0)
		text = xstrdup("");
	for (char *line = text, *next; *line; line = next) {
		const char *chosen = NULL;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		lineno++;
		for (size_t i = 0; i < own->nopts; i++) {
			size_t at;

			if (own->opts[i].line != lineno)
				continue;
			at = symtab_get(&replace, own->opts[i].name);
			if (at != SYMTAB_NONE) {
				chosen = lines[at];
				used[at] = true;
			}
		}
		if (chosen)
			strappendf(&out, "%s\n", chosen);
		else
			strappendf(&out, "%.*s%s", (int)(next - line), line, next[-1] == '\n' ? "" : "\n");
	}
	for (size_t i = 0; i < n; i++)
		if (!used[i])
			strappendf(&out, "%s\n", lines[i]);
	symtab_free(&replace);
	free(used);
	free(text);
	return out;
}

int cmd_diffconfig(int argc, char **argv)
{
	static const char synopsis[] = "usage: vmbundle diffconfig --name=NAME --obj=DIR --out=FILE [--update=NAME.cfg]\n";
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' }, { "obj", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'O' },  { "update", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *obj = NULL, *out = NULL, *update = NULL;
	struct cfg_file was, now, own = { 0 };
	char **lines, **syms, *text, *err = NULL, *wasp, *nowp;
	size_t n;
	int c, rc = 1;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'o': obj = optarg; break;
		case 'O': out = optarg; break;
		case 'u': update = optarg; break;
		case 'h': return cmd_usage(synopsis, 1);
		default: goto usage;
		}
	}
	if (!name || !obj || !out || optind != argc)
		goto usage;
	if (update && !*update) {
		vmb_error("kernel %s has no %s.cfg of its own in its description to update; "
			  "use the fragment %s instead", name, name, out);
		return 1;
	}
	wasp = xasprintf("%s/.config.vmb-generated", obj);
	nowp = xasprintf("%s/.config", obj);
	if (load(wasp, &was) < 0) {
		free(wasp);
		free(nowp);
		return 1;
	}
	if (load(nowp, &now) < 0)
		goto out_was;
	lines = changed_lines(&was, &now, &n, &syms);
	if (n == 0) {
		printf("diffconfig: %s: menuconfig changed nothing\n", name);
		rc = 0;
		goto out_lines;
	}
	if (update) {
		if (load(update, &own) < 0)
			goto out_lines;
		text = fold_into(update, &own, lines, syms, n);
		cfg_file_free(&own);
	} else {
		text = xasprintf("# Options changed in menuconfig for kernel %s\n", name);
		for (size_t i = 0; i < n; i++)
			strappendf(&text, "%s\n", lines[i]);
	}
	if (outfile_write(update ? update : out, text, strlen(text), &err) < 0) {
		vmb_error("%s", err);
		free(err);
	} else if (update) {
		printf("diffconfig: %s: %zu option%s folded into %s\n", name, n, n == 1 ? "" : "s", update);
		rc = 0;
	} else {
		printf("diffconfig: %s: %zu option%s written to %s\n"
		       "  Put it beside the kernel's description (kernel-configs/) and add\n"
		       "  'kconf non-hardware <file>' to %s.scc, or run 'make diffconfig-%s UPDATE=1'\n"
		       "  to fold the options into the kernel's own %s.cfg.\n",
		       name, n, n == 1 ? "" : "s", out, name, name, name);
		rc = 0;
	}
	free(text);
out_lines:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(syms);
	cfg_file_free(&now);
out_was:
	cfg_file_free(&was);
	free(wasp);
	free(nowp);
	return rc;
usage:
	return cmd_usage(synopsis, 0);
}
