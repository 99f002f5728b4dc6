/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle kernel-find: configure's lookup of the kernel descriptions its
 * options name (built into the bootstrap tool), through the same code as
 * `vmbundle scc --guest` (scc/lookup.h). Prints shell assignments for
 * configure to eval:
 *
 *   vmb_ktypes='standard tiny'            every kernel type
 *   vmb_ktype_scc='/src/kernel-configs/ktypes/standard/standard.scc'
 *   vmb_host_scc='/src/kernel-configs/bsp/B/B-standard.scc'   with --board
 *   vmb_available_guests='g1 g2'          guests with a description of the type
 *   vmb_guest_sccs='g1=/src/kernel-configs/g1-standard.scc web='
 *
 * A missing description is an error naming the configure option it came
 * from, what was looked for and where; --guest-if-any names a guest that
 * needs no description (it runs the host's kernel or a file) but uses its
 * own if there is one.
 */
#include "commands.h"
#include "scc/lookup.h"
#include "shared/options.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
	"usage: vmbundle kernel-find -I DIR... [--ktype=TYPE [--board=BOARD] [--guest=NAME]...]\n"
	"Find the kernel descriptions configure's options name and print them as shell\n"
	"assignments (the first search directory that has one wins); without --ktype,\n"
	"list the kernel types.\n"
	"\n"
	"  -I DIR               a .scc search directory (repeatable, in order)\n"
	"      --root=DIR       show directories under DIR relative to it in messages\n"
	"      --ktype=TYPE     the kernel type: ktypes/TYPE/TYPE.scc\n"
	"      --board=BOARD    the host kernel: bsp/BOARD/BOARD-TYPE.scc\n"
	"      --guest=NAME     a guest whose kernel is built here: NAME-TYPE.scc\n"
	"      --guest-if-any=NAME  a guest that uses NAME-TYPE.scc only if there is one\n";

struct find_args {
	struct namelist dirs, guests, optional;
	const char *root, *ktype, *board;
};

/* The assignments are collected here and printed only when every lookup
 * succeeded, so that configure shows the error alone. */
static FILE *out;

static void print_var(const char *var, const char *value)
{
	fprintf(out, "%s=", var);
	fputs_shell_quoted(value ? value : "", out);
	fputc('\n', out);
}

static char *joined(const struct namelist *l, const char *sep)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < l->n; i++)
		strappendf(&s, "%s%s", i ? sep : "", l->v[i]);
	return s;
}

/* "(did you mean 'x'?)" when @word looks like a typo of one of @known. */
static const char *typo_hint(const char *word, const struct namelist *known, char **buf)
{
	const char *best = closest_word(word, (const char *const *)known->v, known->n);

	*buf = best ? xasprintf(" (did you mean '%s'?)", best) : xstrdup("");
	return *buf;
}

static int find_ktype(const struct find_args *a, const struct scc_search *s, const struct namelist *ktypes)
{
	char *path = scc_lookup_ktype(s, a->ktype);
	char *hint, *valid;

	if (path) {
		print_var("vmb_ktype_scc", path);
		free(path);
		return 0;
	}
	valid = joined(ktypes, ", ");
	vmb_error("--enable-kernel: unknown kernel type '%s'%s; valid types: %s", a->ktype,
		  typo_hint(a->ktype, ktypes, &hint), *valid ? valid : "none (no ktypes/TYPE/TYPE.scc found)");
	free(hint);
	free(valid);
	return 1;
}

static int find_bsp(const struct find_args *a, const struct scc_search *s)
{
	char *path = scc_lookup_bsp(s, a->board, a->ktype);
	char *dirs;

	if (path) {
		print_var("vmb_host_scc", path);
		free(path);
		return 0;
	}
	dirs = scc_search_text(s);
	vmb_error("--enable-kernel: board '%s' has no '%s' kernel description (looked for bsp/%s/%s-%s.scc in %s)",
		  a->board, a->ktype, a->board, a->board, a->ktype, dirs);
	free(dirs);
	return 1;
}

/* Every guest's description, "NAME=PATH" (PATH empty for an optional guest
 * without one); a required guest without one is an error. */
static int find_guests(const struct find_args *a, const struct scc_search *s, const struct namelist *available)
{
	struct namelist pairs = { 0 };
	int rc = 0;

	for (size_t i = 0; i < a->guests.n + a->optional.n && rc == 0; i++) {
		bool required = i < a->guests.n;
		const char *g = required ? a->guests.v[i] : a->optional.v[i - a->guests.n];
		char *path = scc_lookup_guest(s, g, a->ktype);
		char *pair = xasprintf("%s=%s", g, path ? path : "");

		if (!path && required) {
			char *why = scc_guest_missing(s, g, a->ktype), *hint, *list = joined(available, ", ");

			vmb_error("--enable-kvm-multi-guest-build: %s%s; available: %s", why,
				  typo_hint(g, available, &hint), *list ? list : "none");
			free(why);
			free(hint);
			free(list);
			rc = 1;
		}
		namelist_push(&pairs, pair);
		free(pair);
		free(path);
	}
	if (rc == 0) {
		char *all = joined(&pairs, " ");

		print_var("vmb_guest_sccs", all);
		free(all);
	}
	namelist_free(&pairs);
	return rc;
}

static int parse(int argc, char **argv, struct find_args *a)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },	  { "ktype", required_argument, NULL, 'k' },
		{ "board", required_argument, NULL, 'b' },	  { "guest", required_argument, NULL, 'g' },
		{ "guest-if-any", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "I:", opts, "Igo");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'I': namelist_push(&a->dirs, optarg); break;
		case 'r': a->root = optarg; break;
		case 'k': a->ktype = optarg; break;
		case 'b': a->board = optarg; break;
		case 'g': namelist_push(&a->guests, optarg); break;
		case 'o': namelist_push(&a->optional, optarg); break;
		case 'h': cmd_usage(usage, 1); return -1;
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind < argc || (a->ktype && !*a->ktype))
		return cmd_usage(usage, 0);
	if (!a->ktype && (a->board || a->guests.n || a->optional.n)) {
		vmb_error("--board and --guest need --ktype");
		return 2;
	}
	/* Names become paths: "../x" or "a/b" would find files elsewhere. */
	if (a->ktype && !valid_object_name(a->ktype)) {
		vmb_error("--enable-kernel: '%s' is not a kernel type name (letters, digits, '.', '_' and '-')",
			  a->ktype);
		return 1;
	}
	if (a->board && !valid_object_name(a->board)) {
		vmb_error("--enable-board: '%s' is not a board name (letters, digits, '.', '_' and '-')",
			  a->board);
		return 1;
	}
	for (size_t i = 0; i < a->guests.n + a->optional.n; i++) {
		const char *g = i < a->guests.n ? a->guests.v[i] : a->optional.v[i - a->guests.n];

		if (!valid_object_name(g)) {
			vmb_error("--enable-kvm-multi-guest-build: '%s' is not a guest name", g);
			return 1;
		}
	}
	return 0;
}

int cmd_kernel_find(int argc, char **argv)
{
	struct find_args a = { 0 };
	struct namelist ktypes = { 0 }, available = { 0 };
	int rc = parse(argc, argv, &a);
	struct scc_search s = { (const char *const *)a.dirs.v, a.dirs.n, a.root };
	char *text = NULL;
	size_t len = 0;

	if (rc)
		return rc < 0 ? 0 : rc;
	out = open_memstream(&text, &len);
	if (!out)
		return vmb_error("cannot buffer the output: out of memory"), 1;
	scc_list_ktypes(&s, &ktypes);
	if (a.ktype)
		scc_list_guests(&s, a.ktype, &available);
	{
		char *t = joined(&ktypes, " "), *g = joined(&available, " ");

		print_var("vmb_ktypes", t);
		print_var("vmb_available_guests", g);
		free(t);
		free(g);
	}
	rc = a.ktype ? find_ktype(&a, &s, &ktypes) : 0;
	if (rc == 0 && a.board)
		rc = find_bsp(&a, &s);
	if (rc == 0 && a.ktype)
		rc = find_guests(&a, &s, &available);
	fclose(out);
	if (rc == 0)
		fputs(text, stdout);
	free(text);
	namelist_free(&ktypes);
	namelist_free(&available);
	namelist_free(&a.dirs);
	namelist_free(&a.guests);
	namelist_free(&a.optional);
	return rc;
}
