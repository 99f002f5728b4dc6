/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle audit: which requested kernel options did not make it, and why. */
#include "audit/audit.h"
#include "audit/helper.h"
#include "audit/kenv.h"
#include "commands.h"
#include "shared/options.h"
#include "shared/outfile.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle audit --queue=FILE [--config=FILE] --ksrc=DIR --kobj=DIR --arch=ARCH\n"
	      "                      [--report=FILE] [--mode=warn|error] [OPTION]...\n"
	      "       vmbundle audit --build-helper --ksrc=DIR --kobj=DIR [--helper=FILE]\n"
	      "Compare what a fragment queue (vmbundle scc --queue) requested with the .config\n"
	      "kbuild produced, and explain every difference from the kernel's own Kconfig.\n"
	      "\n"
	      "  --queue=FILE        the fragment queue\n"
	      "  --config=FILE       the resulting .config (default: KOBJ/.config)\n"
	      "  --ksrc=DIR          the kernel source tree\n"
	      "  --kobj=DIR          its O= build directory (holds the compiled Kconfig parser)\n"
	      "  --arch=ARCH         the kernel ARCH (x86_64, arm64, ...)\n"
	      "  --make-var=NAME=VALUE  a variable as given to the kernel's make (CC=clang, \n"
	      "                      CROSS_COMPILE=..., LD=...); may be repeated\n"
	      "  --helper=FILE       the Kconfig helper (default: KOBJ/vmb-kconfig-why; built\n"
	      "                      when missing or older than the tree's Kconfig parser)\n"
	      "  --hostcc=CC         compiler for the helper (default: HOSTCC, else gcc)\n"
	      "  --build-helper      only build the helper\n"
	      "  --answers=FILE      use saved helper output instead of asking Kconfig\n"
	      "  --report=FILE       write the report there (default: standard output)\n"
	      "  --label=TEXT        name the kernel in the summary line (e.g. host, guest1)\n"
	      "  --mode=warn|error   error: exit 1 on any mismatch of a hardware or required\n"
	      "                      option (default: warn)\n"
	      "  --strict            the same as --mode=error\n",
	      f);
}

struct args {
	const char *queue, *config, *ksrc, *kobj, *arch, *helper, *hostcc, *answers, *report, *label;
	bool build_only, strict;
	const char **make_vars;
	size_t nmake_vars, capmake_vars;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	enum { O_QUEUE = 256, O_CONFIG, O_KSRC, O_KOBJ, O_ARCH, O_HELPER, O_HOSTCC, O_ANSWERS,
	       O_REPORT, O_MODE, O_STRICT, O_BUILD, O_MAKEVAR, O_LABEL };
	static const struct option opts[] = {
		{ "queue", required_argument, NULL, O_QUEUE },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "ksrc", required_argument, NULL, O_KSRC },
		{ "kobj", required_argument, NULL, O_KOBJ },
		{ "arch", required_argument, NULL, O_ARCH },
		{ "helper", required_argument, NULL, O_HELPER },
		{ "hostcc", required_argument, NULL, O_HOSTCC },
		{ "answers", required_argument, NULL, O_ANSWERS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "mode", required_argument, NULL, O_MODE },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "build-helper", no_argument, NULL, O_BUILD },
		{ "make-var", required_argument, NULL, O_MAKEVAR },
		{ "label", required_argument, NULL, O_LABEL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_QUEUE: a->queue = optarg; break;
		case O_CONFIG: a->config = optarg; break;
		case O_KSRC: a->ksrc = optarg; break;
		case O_KOBJ: a->kobj = optarg; break;
		case O_ARCH: a->arch = optarg; break;
		case O_HELPER: a->helper = optarg; break;
		case O_HOSTCC: a->hostcc = optarg; break;
		case O_ANSWERS: a->answers = optarg; break;
		case O_REPORT: a->report = optarg; break;
		case O_LABEL: a->label = optarg; break;
		case O_STRICT: a->strict = true; break;
		case O_BUILD: a->build_only = true; break;
		case O_MAKEVAR: *VEC_PUSH(a->make_vars, a->nmake_vars, a->capmake_vars) = optarg; break;
		case O_MODE:
			if (streq(optarg, "warn") || streq(optarg, "error")) {
				a->strict = streq(optarg, "error");
				break;
			}
			vmb_error("--mode wants warn or error, not '%s'", optarg);
			return 2;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		vmb_error("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return -1;
}

/* The value of make variable @name given with --make-var, if any. */
static const char *make_var(const struct args *a, const char *name)
{
	size_t l = strlen(name);
	const char *r = NULL;

	for (size_t i = 0; i < a->nmake_vars; i++)
		if (strncmp(a->make_vars[i], name, l) == 0 && a->make_vars[i][l] == '=')
			r = a->make_vars[i] + l + 1;
	return r;
}

static int ensure_helper(const struct args *a, const char *helper, bool force)
{
	const char *hostcc = a->hostcc ? a->hostcc : make_var(a, "HOSTCC");
	char *err = NULL;

	if (!force && helper_is_current(helper, a->kobj))
		return 0;
	if (helper_build(a->ksrc, a->kobj, hostcc ? hostcc : "gcc", helper, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* Kconfig's answers: saved ones, or the helper's. Returns 1 with none asked. */
static int get_answers(const struct args *a, const struct audit *au, struct kc_answers *kc)
{
	const char **names, **values;
	size_t n = audit_questions(au, &names, &values);
	char *helper = a->helper ? xstrdup(a->helper) : xasprintf("%s/vmb-kconfig-why", a->kobj);
	char *err = NULL, *buf;
	struct kenv env;
	size_t len;
	int r = -1;

	if (a->answers) {
		if (text_read(a->answers, &buf, &len, &err) == 0) {
			r = helper_parse(buf, kc, &err);
			free(buf);
		}
	} else if (ensure_helper(a, helper, false) < 0) {
		goto out_quiet;
	} else if (kenv_build(a->ksrc, a->arch, a->make_vars, a->nmake_vars, &env, &err) == 0) {
		const char *config = a->config;

		r = helper_ask(helper, &env, a->kobj, config, names, values, n, kc, &err);
		kenv_free(&env);
	}
	if (r < 0) {
		vmb_error("%s", err);
		free(err);
	}
out_quiet:
	free(names);
	free(values);
	free(helper);
	return r;
}

static int audit(struct args *a)
{
	struct audit au;
	struct kc_answers kc = { 0 };
	/* The report is stored and deployed: paths in the build tree are shown
	 * relative to it, so it does not depend on where the tree is. */
	struct audit_report_info info = { path_shown(a->queue), path_shown(a->config),
					  a->ksrc ? path_shown(a->ksrc) : NULL, a->arch };
	char *err = NULL, *report, *summary;
	int rc = 2;

	if (audit_load(&au, a->queue, a->config, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		audit_free(&au);
		return 2;
	}
	if (get_answers(a, &au, &kc) < 0)
		goto out;
	audit_explain(&au, &kc, a->arch);
	report = audit_report(&au, &info);
	summary = audit_summary(&au);
	if (a->report) {
		if (outfile_write(a->report, report, strlen(report), &err) < 0) {
			vmb_error("%s", err);
			free(err);
			free(report);
			free(summary);
			goto out;
		}
		/* In a build, one kbuild-style line per kernel; alone, a sentence. */
		if (a->label && startswith(summary, "clean"))
			printf("  %-7s %s (clean)\n", "KAUDIT", a->label);
		else if (a->label)
			printf("  %-7s %s (%s; see %s)\n", "KAUDIT", a->label, summary, a->report);
		else
			printf("kconfig audit: %s; see %s\n", summary, a->report);
	} else {
		fputs(report, stdout);
	}
	fflush(stdout); /* the summary before any error below */
	if (a->strict && au.nfatal) {
		vmb_error("%zu hardware or required option%s did not make it into %s (--mode=error)",
			  au.nfatal, au.nfatal == 1 ? "" : "s", a->config);
		rc = 1;
	} else {
		rc = 0;
	}
	free(report);
	free(summary);
out:
	helper_answers_free(&kc);
	audit_free(&au);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	struct args a = { 0 };
	char *config = NULL, *helper = NULL;
	int rc = parse_args(argc, argv, &a);

	if (rc >= 0)
		goto out;
	rc = 2;
	if (a.build_only) {
		const struct given_option unused[] = {
			{ "queue", a.queue },	{ "config", a.config }, { "answers", a.answers },
			{ "report", a.report }, { "label", a.label },	{ "strict", a.strict },
		};

		if (options_unused("--build-helper (it only builds the helper)", unused,
				   ARRAY_SIZE(unused)))
			goto out;
		if (!a.ksrc || !a.kobj) {
			vmb_error("--build-helper needs --ksrc and --kobj");
			goto out;
		}
		helper = a.helper ? xstrdup(a.helper) : xasprintf("%s/vmb-kconfig-why", a.kobj);
		rc = ensure_helper(&a, helper, true) < 0 ? 1 : 0;
		goto out;
	}
	if (!a.queue) {
		vmb_error("--queue is required (the file 'vmbundle scc --queue' wrote)");
		goto out;
	}
	if (!a.answers && (!a.ksrc || !a.kobj || !a.arch)) {
		vmb_error("--ksrc, --kobj and --arch are required: the reasons come from the "
			  "kernel's own Kconfig");
		goto out;
	}
	if (!a.config) {
		if (!a.kobj) {
			vmb_error("give --config (or --kobj, whose .config is then used)");
			goto out;
		}
		a.config = config = xasprintf("%s/.config", a.kobj);
	}
	rc = audit(&a);
out:
	free(config);
	free(helper);
	free(a.make_vars);
	return rc;
}
