/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle guests: configure's check of the guest selection (built into the
 * bootstrap tool). Reads every guests/NAME.conf the selection reaches
 * (extends and carries included), checks names, cycles and double
 * carrying, and prints shell assignments for configure to eval:
 *
 *   vmb_guests_all='user-vm driver-vm g2'   every guest, carried ones first
 *   vmb_host_carries='driver-vm g2'         the listed guests nobody else carries
 *   vmb_carriers='driver-vm'                guests that carry others, inner first
 *   vmb_guests_own='user-vm g2'             guests whose kernel is built here
 *   vmb_guest_mk='VMB_GUEST_driver-vm_CARRIES = user-vm ...'  lines for config.mk
 */
#include "commands.h"
#include "guest.h"
#include "probe/fileprobe.h"
#include "guest-defaults.h"
#include "shared/options.h"
#include "shared/input.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void print_list(const char *var, const struct namelist *l)
{
	char *joined = xstrdup("");

	for (size_t i = 0; i < l->n; i++)
		strappendf(&joined, "%s%s", i ? " " : "", l->v[i]);
	printf("%s=", var);
	fputs_shell_quoted(joined, stdout);
	putchar('\n');
	free(joined);
}

static void add_mk(char **mk, const struct guest *g)
{
	const char *kernel = g->kernel == GUEST_KERNEL_HOST ? "host" :
			     g->kernel == GUEST_KERNEL_FILE ? g->kernel_path : "own";

	strappendf(mk, "VMB_GUEST_%s_KERNEL = %s\n", g->name, kernel);
	strappendf(mk, "VMB_GUEST_%s_ROOTFS = %s\n", g->name, g->rootfs);
	/* Undeclared formats are the rootfs type's (configure writes
	 * VMB_ROOTFS_FORMATS_TYPE for every type it knows). */
	strappendf(mk, "VMB_GUEST_%s_FORMATS =", g->name);
	if (!g->formats_declared)
		strappendf(mk, " $(or $(VMB_ROOTFS_FORMATS_%s),%s)", g->rootfs, IMAGE_DEFAULT_FORMAT);
	for (size_t i = 0; g->formats_declared && i < g->formats.n; i++)
		strappendf(mk, " %s", g->formats.v[i]);
	strappendf(mk, "\nVMB_GUEST_%s_CARRIES =", g->name);
	for (size_t i = 0; i < g->carries.n; i++)
		strappendf(mk, " %s", g->carries.v[i]);
	strappendf(mk, "\nVMB_GUEST_%s_DECLS =", g->name);
	for (size_t i = 0; i < g->nchain; i++)
		strappendf(mk, " %s", g->chain[i]);
	strappendf(mk, "\n");
}

/* What configure can know about @path, a guest's kernel (@want
 * PROBE_KERNEL) or disk (PROBE_UNKNOWN: raw data is fine): that it is there,
 * readable, and, when in a known format, whole (probe-check.h). */
static int check_file(const struct guest *g, const char *what, const char *path,
		      enum probe_class want, char **err)
{
	const char *decl = g->conf ? g->conf : g->name;
	struct probe_result pr;
	char *why;
	int e = probe_file(path, &pr);

	if (e < 0) {
		why = input_problem(path, -e);
		*err = xasprintf("%s: %s: %s", decl, what, why);
		free(why);
		return -1;
	}
	if (!streq(pr.format, "special") && !streq(pr.format, "directory") &&
	    (want == PROBE_UNKNOWN || pr.cls == want) && !pr.problem[0])
		return 0;
	if (pr.problem[0])
		*err = xasprintf("%s: %s '%s' is a damaged %s: %s", decl, what, path, pr.description,
				 pr.problem);
	else
		*err = xasprintf("%s: %s '%s' is not a %s (it holds %s)", decl, what, path,
				 want == PROBE_KERNEL ? "kernel image" : "disk image", pr.description);
	return -1;
}

/* The files a guest's declaration names, checked now rather than at make. */
static int check_files(const struct guest *g, char **err)
{
	if (g->kernel == GUEST_KERNEL_FILE && check_file(g, "kernel", g->kernel_path, PROBE_KERNEL, err) < 0)
		return -1;
	for (size_t i = 0; i < g->disks.n; i++) {
		const char *d = g->disks.v[i];
		const char *p = startswith(d, "shared:") ? d + strlen("shared:") : d;
		char *path = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", g->dir, p);
		int r = check_file(g, "disk", path, PROBE_UNKNOWN, err);

		free(path);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Load @name and all it carries, at any depth (the graph is acyclic here). */
static int load_reachable(struct guest_set *set, const char *name, char **err)
{
	struct guest *g = guest_get(set, name, err);

	if (!g)
		return -1;
	for (size_t i = 0; i < g->carries.n; i++)
		if (load_reachable(set, g->carries.v[i], err) < 0)
			return -1;
	return 0;
}

int cmd_guests(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "guests-dir", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct namelist dirs = { 0 }, roots = { 0 }, order = { 0 }, host = { 0 }, carriers = { 0 },
			own = { 0 };
	struct guest_set set = { 0 };
	char *err = NULL, *mk = NULL;
	int c, rc = 2;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "G");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'G': namelist_push(&dirs, optarg); break;
		case 'h':
			fputs("usage: vmbundle guests [--guests-dir DIR]... NAME...\n"
			      "Check the guests NAME... and all they extend and carry; print the\n"
			      "resolved selection as shell assignments (for configure).\n", stdout);
			rc = 0;
			goto out;
		default:
			goto out;
		}
	}
	set.dirs = (const char *const *)dirs.v;
	set.ndirs = dirs.n;
	rc = 1;
	/* Load everything reachable first, so "carried by someone" is known. */
	for (int i = optind; i < argc; i++) {
		if (namelist_has(&roots, argv[i])) {
			vmb_error("guest '%s' is listed twice", argv[i]);
			goto out;
		}
		namelist_push(&roots, argv[i]);
	}
	/* Each listed guest on its own first, in a fresh set (one listed guest
	 * carrying another is not an error yet), then everything into @set. */
	for (size_t i = 0; i < roots.n; i++) {
		struct guest_set alone = { .dirs = set.dirs, .ndirs = set.ndirs };
		struct namelist scratch = { 0 };
		int r = guest_resolve(&alone, (const char *const *)&roots.v[i], 1, &scratch, &err);

		namelist_free(&scratch);
		guest_set_free(&alone);
		if (r < 0 || load_reachable(&set, roots.v[i], &err) < 0)
			goto fail;
	}
	for (size_t i = 0; i < roots.n; i++)
		if (!guest_carrier_of(&set, roots.v[i]))
			namelist_push(&host, roots.v[i]);
	if (guest_resolve(&set, (const char *const *)host.v, host.n, &order, &err) < 0)
		goto fail;
	for (size_t i = 0; i < order.n; i++) {
		struct guest *g = guest_get(&set, order.v[i], &err);

		if (!g || check_files(g, &err) < 0)
			goto fail;
		if (guest_is_carrier(g))
			namelist_push(&carriers, g->name);
		if (g->kernel == GUEST_KERNEL_OWN)
			namelist_push(&own, g->name);
		add_mk(&mk, g);
	}
	print_list("vmb_guests_all", &order);
	print_list("vmb_host_carries", &host);
	print_list("vmb_carriers", &carriers);
	print_list("vmb_guests_own", &own);
	printf("vmb_guest_mk=");
	fputs_shell_quoted(mk ? mk : "", stdout);
	putchar('\n');
	rc = 0;
	goto out;
fail:
	vmb_error("%s", err);
	free(err);
out:
	free(mk);
	guest_set_free(&set);
	namelist_free(&dirs);
	namelist_free(&roots);
	namelist_free(&order);
	namelist_free(&host);
	namelist_free(&carriers);
	namelist_free(&own);
	return rc;
}
