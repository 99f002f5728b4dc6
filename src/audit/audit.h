/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration audit: what the fragment queue asked for, against what
 * kbuild put in .config, and, from the kernel's own Kconfig (helper.h), why
 * each difference happened.
 *
 * A request is the value the merged queue gives an option (the last
 * fragment wins, as in the merge). "=n", "is not set" and absence from
 * .config are the same thing. A symbol's class is hardware or non-hardware:
 * first the type of the fragment whose value won (hardware and required
 * fragments are hardware), then classifier files found next to any queued
 * fragment, later ones overriding earlier: hardware.kcf / non-hardware.kcf
 * (lists of Kconfig files: the symbols they define), then hardware.cfg /
 * non-hardware.cfg (lists of options). y_or_m_enabled.cfg lists options for
 * which y and m are equally good.
 */
#ifndef VMB_AUDIT_AUDIT_H
#define VMB_AUDIT_AUDIT_H

#include "audit/helper.h"
#include "scc/cfg.h"
#include "scc/merge.h"
#include "scc/queue.h"
#include "scc/symtab.h"

#include <stdbool.h>

struct audit_request {
	size_t file; /* index in audit.files */
	const struct cfg_option *opt;
};

struct audit_symbol {
	char *name; /* "CONFIG_X" */
	struct audit_request *req; /* every line asking for it, in queue order */
	size_t nreq, capreq;
	const struct cfg_option *want; /* the winning request */
	size_t want_entry;             /* its queue entry */
	const char *got;               /* value in .config, NULL when absent */
	bool mismatch;
	bool fatal;      /* a mismatch of a hardware or required option */
	bool y_or_m;     /* y and m both accepted (y_or_m_enabled.cfg) */
	bool hardware;
	char *class_why; /* where the class came from */
	char *reason;    /* for a mismatch: why, in plain words */
	const struct kc_info *kc;
};

struct audit {
	struct queue queue;
	struct cfg_file *files; /* each queued fragment once */
	size_t nfiles;
	size_t *entry_file; /* queue entry -> files index */
	struct merge_result merged;
	struct cfg_file config;
	struct symtab config_index;
	struct audit_symbol *syms; /* every requested symbol, in order of first request */
	size_t nsyms, capsyms;
	struct symtab sym_index;
	/* classifiers: symbol or Kconfig file -> index in classifier_files */
	struct symtab hw_cfg, nonhw_cfg, hw_kcf, nonhw_kcf, y_or_m;
	char **classifier_files;
	size_t nclassifier_files, capclassifier_files;
	size_t nmismatches, nfatal;
};

/* Read the queue, its fragments and .config, and compare. Errors name the
 * file (and line) and come back in *err. */
int audit_load(struct audit *a, const char *queue_path, const char *dotconfig, char **err);

/* The symbol names (without CONFIG_) and requested values worth asking
 * Kconfig about: every mismatch, and every "off" request absent from
 * .config (to tell options this kernel lacks). Arrays point into @a. */
size_t audit_questions(const struct audit *a, const char ***names, const char ***values);

/* Classify and explain with Kconfig's answers (NULL: no answers; the
 * reasons then say so). */
void audit_explain(struct audit *a, const struct kc_answers *kc, const char *arch);

struct audit_report_info {
	const char *queue, *config, *ksrc, *arch;
};

char *audit_report(const struct audit *a, const struct audit_report_info *info);
/* One line for build logs: "2 mismatches (1 hardware or required), ..." */
char *audit_summary(const struct audit *a);

void audit_free(struct audit *a);

#endif
