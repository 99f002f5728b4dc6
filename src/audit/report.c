/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit report: plain words, one block per option that did not make it,
 * then fragment problems, options set to different values by several
 * fragments, and options requested off that this kernel does not have.
 */
#include "audit/audit.h"
#include "shared/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct sbuf {
	char *s;
	size_t len, cap;
};

_printf_format_(2, 3) static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = 2 * (b->cap + (size_t)n + 64);
		b->s = xrealloc(b->s, b->cap);
	}
}

static const char *shown(const char *v)
{
	return v ? v : "not set (absent from .config)";
}

static void symbol_block(struct sbuf *b, const struct audit *a, const struct audit_symbol *s)
{
	const struct kc_info *k = s->kc;

	sb_printf(b, "%s: requested %s, got %s (%s%s)\n", s->name, s->want->value,
		  s->got ? s->got : "nothing", s->hardware ? "hardware" : "non-hardware",
		  a->queue.v[s->want_entry].type == SCC_REQUIRED ? ", required" : "");
	sb_printf(b, "  requested:   %s\n", s->want->text);
	sb_printf(b, "  actual:      %s\n", shown(s->got));
	for (size_t i = 0; i < s->nreq; i++) {
		const struct audit_request *r = &s->req[i];

		sb_printf(b, "  %s %s:%u: %s\n", i ? "            " : "asked by:   ",
			  a->files[r->file].path, r->opt->line, r->opt->text);
	}
	sb_printf(b, "  class:       %s (%s)\n", s->hardware ? "hardware" : "non-hardware",
		  s->class_why);
	sb_printf(b, "  reason:      %s\n", s->reason ? s->reason : "unknown");
	if (!k || !k->exists) {
		sb_printf(b, "\n");
		return;
	}
	{
		bool tri = k->type && (streq(k->type, "bool") || streq(k->type, "tristate"));
		const char *how = k->visible == 'n' ? "not settable now"
				  : !tri           ? "settable"
				  : k->visible == 'm' ? "settable up to m"
						      : "settable up to y";

		sb_printf(b, "  kconfig:     %s %s, %s\n", k->type ? k->type : "?",
			  k->prompt ? "with a prompt" : "without a prompt", how);
	}
	if (k->dep)
		sb_printf(b, "  depends on:  %s  [= %c]\n", k->dep, k->dep_tri);
	if (k->sel)
		sb_printf(b, "  selected by: %s  [= %c]\n", k->sel, k->sel_tri);
	if (k->imp)
		sb_printf(b, "  implied by:  %s  [= %c]\n", k->imp, k->imp_tri);
	if (!k->prompt || k->visible == 'n')
		for (size_t i = 0; i < k->ndefaults; i++)
			sb_printf(b, "  default:     %s\n", k->defaults[i] + 2);
	if (k->range)
		sb_printf(b, "  range:       %s\n", k->range);
	if (k->choice)
		sb_printf(b, "  choice:      CONFIG_%s is the chosen member\n", k->choice);
	for (size_t i = 0; i < k->ndefined; i++)
		sb_printf(b, "  %s %s\n", i ? "            " : "defined at: ", k->defined[i]);
	sb_printf(b, "\n");
}

static size_t fragment_problems(const struct audit *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nfiles; i++)
		n += a->files[i].nissues;
	return n;
}

static size_t conflicts(const struct audit *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->merged.nchanges; i++)
		n += !a->merged.changes[i].redundant;
	return n;
}

static size_t absent_off(const struct audit *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nsyms; i++)
		if (!a->syms[i].mismatch && a->syms[i].kc && !a->syms[i].kc->exists)
			n++;
	return n;
}

char *audit_summary(const struct audit *a)
{
	size_t probs = fragment_problems(a), conf = conflicts(a);

	if (!a->nmismatches && !probs && !conf)
		return xstrdup("clean: every requested option is in .config");
	return xasprintf("%zu mismatch%s (%zu hardware or required), %zu fragment problem%s, %zu "
			 "option%s redefined",
			 a->nmismatches, a->nmismatches == 1 ? "" : "es", a->nfatal, probs,
			 probs == 1 ? "" : "s", conf, conf == 1 ? "" : "s");
}

char *audit_report(const struct audit *a, const struct audit_report_info *info)
{
	struct sbuf b = { 0 };
	char *summary = audit_summary(a);
	size_t n;

	sb_printf(&b, "Kernel configuration audit\n");
	sb_printf(&b, "  fragment queue: %s (%zu fragments, %zu options requested)\n", info->queue,
		  a->queue.n, a->nsyms);
	sb_printf(&b, "  configuration:  %s\n", info->config);
	if (info->ksrc)
		sb_printf(&b, "  kernel:         %s (ARCH=%s)\n", info->ksrc, info->arch ? info->arch : "?");
	sb_printf(&b, "  summary:        %s\n\n", summary);
	free(summary);

	sb_printf(&b, "Requested values not in .config: %zu\n\n", a->nmismatches);
	for (size_t i = 0; i < a->nsyms; i++)
		if (a->syms[i].mismatch)
			symbol_block(&b, a, &a->syms[i]);

	n = fragment_problems(a);
	sb_printf(&b, "Fragments with duplicated or malformed lines: %zu\n", n);
	for (size_t i = 0; i < a->nfiles; i++)
		for (size_t k = 0; k < a->files[i].nissues; k++)
			sb_printf(&b, "  %s:%u: %s\n", a->files[i].path, a->files[i].issues[k].line,
				  a->files[i].issues[k].msg);

	sb_printf(&b, "\nOptions set by several fragments to different values: %zu\n", conflicts(a));
	for (size_t i = 0; i < a->merged.nchanges; i++) {
		const struct merge_change *c = &a->merged.changes[i];

		if (c->redundant)
			continue;
		sb_printf(&b, "  %s: '%s' (%s:%u) is replaced by '%s' (%s:%u)\n", c->new->name,
			  c->old->text, a->queue.v[c->old_frag].path, c->old->line, c->new->text,
			  a->queue.v[c->new_frag].path, c->new->line);
	}

	n = absent_off(a);
	sb_printf(&b, "\nRequested off, and not in this kernel at all (harmless): %zu\n", n);
	for (size_t i = 0; i < a->nsyms; i++)
		if (!a->syms[i].mismatch && a->syms[i].kc && !a->syms[i].kc->exists)
			sb_printf(&b, "  %s (%s:%u)\n", a->syms[i].name,
				  a->queue.v[a->syms[i].want_entry].path, a->syms[i].want->line);
	for (size_t i = 0, first = 1; i < a->nsyms; i++) {
		if (!a->syms[i].y_or_m)
			continue;
		if (first)
			sb_printf(&b, "\nAccepted as y or m (y_or_m_enabled.cfg):\n");
		first = 0;
		sb_printf(&b, "  %s: requested %s, got %s\n", a->syms[i].name, a->syms[i].want->value,
			  a->syms[i].got);
	}
	return b.s ? b.s : xstrdup("");
}
