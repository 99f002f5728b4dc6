/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmb-kconfig-why: asks the kernel's own Kconfig why options have the values
 * they have. It is built per kernel tree by "vmbundle audit --build-helper",
 * linked with the objects of the tree's scripts/kconfig parser that kbuild
 * compiled in the O= directory (as menuconfig is built), so every answer
 * comes from that kernel's Kconfig files and that parser, never from rules
 * copied by hand.
 *
 * usage: vmb-kconfig-why OBJDIR DOTCONFIG REQUESTS
 *   OBJDIR     the O= directory: Kconfig's $(shell,...) probes run there
 *   DOTCONFIG  the .config to load (the build's result)
 *   REQUESTS   lines "NAME VALUE" (NAME without CONFIG_)
 * The environment must be the one kbuild gives Kconfig (srctree, ARCH,
 * SRCARCH, CC, LD, CC_VERSION_TEXT, ...); "vmbundle audit" sets it up.
 *
 * Output, one block per requested symbol:
 *   symbol NAME
 *   exists yes|no
 *   type bool|tristate|int|hex|string|unknown
 *   value VALUE             what this .config gives it (n for off)
 *   written yes|no          whether .config carries a line for it
 *   prompt yes|no           whether it has a prompt at all
 *   visible n|m|y           the highest value a user can give it
 *   depends TRI EXPR        direct dependencies (menus, ifs included)
 *   blocking EXPR, ...      when they are n: the parts of "&&" that are n
 *   selected TRI EXPR       reverse dependencies (select)
 *   implied TRI EXPR        weak reverse dependencies (imply)
 *   default TRI VALUE if COND   one per default, in order
 *   range MIN MAX           the active range of an int or hex
 *   valid yes|no            whether the requested value suits the type
 *   choice CHOSEN           for a choice member: the member chosen
 *   defined FILE:LINE       one per definition
 *   end
 * EXPR shows each symbol with its value: "KVM(=m) && NET(=y)".
 */
#include "lkc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *tri_name(tristate t)
{
	return t == yes ? "y" : t == mod ? "m" : "n";
}

static void print_sym(FILE *out, struct symbol *s)
{
	if (s == &symbol_yes || s == &symbol_mod || s == &symbol_no) {
		fputs(s == &symbol_yes ? "y" : s == &symbol_mod ? "m" : "n", out);
		return;
	}
	if (s->flags & SYMBOL_CONST) {
		fprintf(out, "\"%s\"", s->name);
		return;
	}
	if (!s->name) {
		fputs("<choice>", out);
		return;
	}
	if (s->type == S_UNKNOWN) {
		/* a number, or a symbol no Kconfig file defines (Kconfig reads it as n) */
		if (strspn(s->name, "0123456789abcdefxABCDEFX-") == strlen(s->name))
			fputs(s->name, out);
		else
			fprintf(out, "%s(=n, undefined)", s->name);
		return;
	}
	sym_calc_value(s);
	fprintf(out, "%s(=%s)", s->name, sym_get_string_value(s));
}

/* Precedence, loosest first, so parentheses appear only where needed. */
static int prec(enum expr_type t)
{
	switch (t) {
	case E_OR: return 1;
	case E_AND: return 2;
	case E_NOT: return 4;
	case E_SYMBOL: return 5;
	default: return 3; /* comparisons */
	}
}

static void print_expr(FILE *out, struct expr *e, int outer)
{
	const char *op = NULL;
	int p;

	if (!e) {
		fputs("y", out);
		return;
	}
	p = prec(e->type);
	if (p < outer)
		fputc('(', out);
	switch (e->type) {
	case E_SYMBOL:
		print_sym(out, e->left.sym);
		break;
	case E_NOT:
		fputc('!', out);
		print_expr(out, e->left.expr, p);
		break;
	case E_OR:
	case E_AND:
		print_expr(out, e->left.expr, p);
		fputs(e->type == E_OR ? " || " : " && ", out);
		print_expr(out, e->right.expr, p);
		break;
	case E_EQUAL: op = "="; break;
	case E_UNEQUAL: op = "!="; break;
	case E_LTH: op = "<"; break;
	case E_LEQ: op = "<="; break;
	case E_GTH: op = ">"; break;
	case E_GEQ: op = ">="; break;
	case E_RANGE:
		print_sym(out, e->left.sym);
		fputs(" ", out);
		print_sym(out, e->right.sym);
		break;
	default:
		fputs("?", out);
		break;
	}
	if (op) {
		print_sym(out, e->left.sym);
		fprintf(out, " %s ", op);
		print_sym(out, e->right.sym);
	}
	if (p < outer)
		fputc(')', out);
}

/* The parts of an unmet dependency that make it unmet: walking down through
 * "&&", every operand that is n. */
static void print_blockers(FILE *out, struct expr *e, bool *first)
{
	if (!e || expr_calc_value(e) != no)
		return;
	if (e->type == E_AND) {
		print_blockers(out, e->left.expr, first);
		print_blockers(out, e->right.expr, first);
		return;
	}
	fputs(*first ? "" : ", ", out);
	*first = false;
	print_expr(out, e, 0);
}

static void print_dep(FILE *out, const char *key, struct expr_value *v)
{
	if (!v->expr)
		return;
	fprintf(out, "%s %s ", key, tri_name(expr_calc_value(v->expr)));
	print_expr(out, v->expr, 0);
	fputc('\n', out);
}

static bool has_prompt(struct symbol *sym)
{
	for (struct property *p = sym->prop; p; p = p->next)
		if (p->type == P_PROMPT)
			return true;
	return false;
}

static void print_defaults(FILE *out, struct symbol *sym)
{
	for (struct property *p = sym->prop; p; p = p->next) {
		if (p->type != P_DEFAULT)
			continue;
		fprintf(out, "default %s ", tri_name(p->visible.expr ? expr_calc_value(p->visible.expr) : yes));
		print_expr(out, p->expr, 0);
		fputs(" if ", out);
		print_expr(out, p->visible.expr, 0);
		fputc('\n', out);
	}
}

static void print_range(FILE *out, struct symbol *sym)
{
	struct property *p = sym_get_range_prop(sym);

	if (p && p->expr && p->expr->left.sym && p->expr->right.sym) {
		struct symbol *lo = p->expr->left.sym, *hi = p->expr->right.sym;

		sym_calc_value(lo);
		sym_calc_value(hi);
		fprintf(out, "range %s %s\n", sym_get_string_value(lo), sym_get_string_value(hi));
	}
}

static void print_choice(FILE *out, struct symbol *sym)
{
	struct property *p;
	struct symbol *cs, *chosen;

	if (!sym_is_choice_value(sym))
		return;
	p = sym_get_choice_prop(sym);
	if (!p)
		return;
	cs = prop_get_symbol(p);
	if (!cs)
		return;
	sym_calc_value(cs);
	chosen = sym_get_choice_value(cs);
	fprintf(out, "choice %s\n", chosen && chosen->name ? chosen->name : "-");
}

static void describe(FILE *out, const char *name, const char *requested)
{
	struct symbol *sym = sym_find(name);
	bool exists = false;

	fprintf(out, "symbol %s\n", name);
	if (sym)
		for (struct property *p = sym->prop; p; p = p->next)
			if (p->type == P_SYMBOL)
				exists = true;
	if (!sym || !exists || sym->type == S_UNKNOWN) {
		fputs("exists no\nend\n", out);
		return;
	}
	sym_calc_value(sym);
	fprintf(out, "exists yes\ntype %s\nvalue %s\nwritten %s\nprompt %s\nvisible %s\n",
		sym_type_name(sym->type), sym_get_string_value(sym),
		(sym->flags & SYMBOL_WRITE) && !(sym->flags & SYMBOL_NO_WRITE) ? "yes" : "no",
		has_prompt(sym) ? "yes" : "no", tri_name(sym->visible));
	print_dep(out, "depends", &sym->dir_dep);
	if (sym->dir_dep.expr && expr_calc_value(sym->dir_dep.expr) == no) {
		bool first = true;

		fputs("blocking ", out);
		print_blockers(out, sym->dir_dep.expr, &first);
		fputc('\n', out);
	}
	print_dep(out, "selected", &sym->rev_dep);
	print_dep(out, "implied", &sym->implied);
	print_defaults(out, sym);
	print_range(out, sym);
	if (requested && !(requested[0] == 'n' && !requested[1]))
		fprintf(out, "valid %s\n",
			sym_string_valid(sym, requested) && sym_string_within_range(sym, requested)
				? "yes" : "no");
	print_choice(out, sym);
	for (struct property *p = sym->prop; p; p = p->next)
		if (p->type == P_SYMBOL && p->file)
			fprintf(out, "defined %s:%d\n", p->file->name, p->lineno);
	fputs("end\n", out);
}

int main(int argc, char **argv)
{
	FILE *req;
	char line[4096];

	if (argc != 4) {
		fprintf(stderr, "usage: %s OBJDIR DOTCONFIG REQUESTS\n", argv[0]);
		return 2;
	}
	if (chdir(argv[1]) < 0) {
		fprintf(stderr, "%s: cannot enter '%s': %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	req = fopen(argv[3], "r");
	if (!req) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", argv[0], argv[3], strerror(errno));
		return 1;
	}
	/* "Kconfig" is found through $srctree, as kbuild's conf finds it */
	conf_parse("Kconfig");
	if (conf_read(argv[2])) {
		fprintf(stderr, "%s: cannot read '%s'\n", argv[0], argv[2]);
		return 1;
	}
	while (fgets(line, sizeof(line), req)) {
		char *sp, *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		if (*line)
			describe(stdout, line, sp);
	}
	fclose(req);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot write the answers\n", argv[0]);
		return 1;
	}
	return 0;
}
