/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle rootfs: assemble one root filesystem tree from its declarations. */
#include "commands.h"
#include "rootfs/rootfs.h"
#include "shared/options.h"
#include "shared/input.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle rootfs --out=DIR --templates-dir=DIR [OPTION...]\n"
	      "Assemble a root filesystem tree in DIR/tree and its permissions table in\n"
	      "DIR/permissions (for 'vmbundle mkimage'), without root. The earlier tree is\n"
	      "replaced only when the new one is complete.\n"
	      "  --out=DIR             where the tree and table go\n"
	      "  --templates-dir=DIR   a templates/ directory to search (repeatable, first wins)\n"
	      "  --name=NAME           host or the guest's name (messages; default hostname)\n"
	      "  --type=TYPE           rootfs type (default: the guest's 'rootfs', else busybox)\n"
	      "  --template=NAME       a template such as feature/kvm (repeatable)\n"
	      "  --board=FILE          the board declaration (its overlay/ and permissions)\n"
	      "  --guest=FILE          the guest declaration guests/NAME.conf; repeat for\n"
	      "                        what it extends, the base first\n"
	      "  --overlay=DIR         a user overlay, applied last (repeatable, in order)\n"
	      "  --modules=TGZ         the kernel's modules tarball\n"
	      "  --hostname=NAME       overrides the declared hostname\n"
	      "  --add=SRC:DEST[:MODE] a build product to install (repeatable)\n"
	      "  --post-build=SCRIPT   run SCRIPT TREE NAME (TARGET_DIR=TREE) before the rename\n"
	      "  --busybox=FILE        the static busybox (default /bin/busybox, in the sysroot\n"
	      "                        with --sysroot)\n"
	      "  --sysroot=DIR         take programs, libraries, absolute files and busybox from\n"
	      "                        DIR (a sysroot of Debian packages, doc/packages.md)\n"
	      "                        instead of the build machine\n"
	      "  --arch=ARCH           the board's arch: KEY:ARCH declarations for it apply\n"
	      "                        (default: this machine's, x86_64 or arm64)\n"
	      "  --list-packages       print the Debian packages the declarations name, and exit\n"
	      "  --depfile=FILE        write a make fragment listing every input\n"
	      "  --depfile-target=T    the target that fragment names (default: DIR)\n",
	      f);
}

struct options {
	struct rootfs_job job;
	struct rootfs_search search;
	char **templates, **overlays, **guests;
	size_t ntemplates, noverlays, nguests;
	const char *type, *board, *sysroot, *arch;
	bool list_packages;
};

static int add_spec(struct options *o, const char *spec)
{
	struct rootfs_add a;
	char *why = NULL;

	if (files_parse_spec(spec, &a.src, &a.dest, &a.mode, &why) < 0) {
		vmb_error("--add=%s: %s", spec, why);
		free(why);
		return -1;
	}
	*VEC_APPEND(o->job.adds, o->job.nadds) = a;
	return 0;
}

/* A directory option's path, where something is there already, must be a
 * directory (followed through symlinks): say what it is instead (a FIFO,
 * a regular file), before anything is made below it. */
static bool dir_option_ok(const char *opt, const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0 || S_ISDIR(st.st_mode))
		return true;
	vmb_error("%s '%s' is %s, not a directory", opt, path, file_kind(st.st_mode));
	return false;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "templates-dir", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "template", required_argument, NULL, 'l' },
		{ "board", required_argument, NULL, 'b' },
		{ "guest", required_argument, NULL, 'g' },
		{ "overlay", required_argument, NULL, 'O' },
		{ "modules", required_argument, NULL, 'm' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "add", required_argument, NULL, 'a' },
		{ "post-build", required_argument, NULL, 'p' },
		{ "busybox", required_argument, NULL, 'B' },
		{ "depfile", required_argument, NULL, 'd' },
		{ "depfile-target", required_argument, NULL, 'D' },
		{ "sysroot", required_argument, NULL, 'S' },
		{ "arch", required_argument, NULL, 'A' },
		{ "list-packages", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "TlgOa");
	int c;

	/* Lists may repeat; every other option is given once. */
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'o': o->job.out = optarg; break;
		case 'T': strlist_push(&o->search.dirs, &o->search.n, optarg); break;
		case 'n': o->job.name = optarg; break;
		case 't': o->type = optarg; break;
		case 'l': strlist_push(&o->templates, &o->ntemplates, optarg); break;
		case 'b': o->board = optarg; break;
		case 'g': strlist_push(&o->guests, &o->nguests, optarg); break;
		case 'O': strlist_push(&o->overlays, &o->noverlays, optarg); break;
		case 'm': o->job.modules = optarg; break;
		case 'H': o->job.hostname = optarg; break;
		case 'a':
			if (add_spec(o, optarg) < 0)
				return 1;
			break;
		case 'p': o->job.post_build = optarg; break;
		case 'B': o->job.busybox = optarg; break;
		case 'd': o->job.depfile = optarg; break;
		case 'D': o->job.depfile_target = optarg; break;
		case 'S': o->sysroot = optarg; break;
		case 'A': o->arch = optarg; break;
		case 'L': o->list_packages = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		vmb_error("unexpected argument '%s' (options only; see --help)", argv[optind]);
		return 2;
	}
	if ((!o->job.out && !o->list_packages) || o->search.n == 0) {
		vmb_error("--out and --templates-dir are required (see --help)");
		return 2;
	}
	if (o->arch && !valid_object_name(o->arch)) {
		vmb_error("--arch '%s' is not an architecture name (x86_64, arm64)", o->arch);
		return 2;
	}
	if (!dir_option_ok("--out", o->job.out))
		return 2;
	for (size_t i = 0; i < o->search.n; i++)
		if (!dir_option_ok("--templates-dir", o->search.dirs[i]))
			return 2;
	return -1;
}

/* The build machine's architecture as boards name it: KEY:ARCH
 * declarations for it apply when no --arch is given. */
static char *build_arch(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return NULL;
	return xstrdup(streq(u.machine, "aarch64") ? "arm64" : u.machine);
}

/* Declarations in overlay order: skeleton, board, type, templates, guest, user. */
static int load_plan(struct options *o, struct rootfs_plan *p, char **err)
{
	char *type = NULL;
	int r;

	p->arch = o->arch ? xstrdup(o->arch) : build_arch();
	p->sysroot = o->sysroot ? xstrdup(o->sysroot) : NULL;
	for (size_t i = 0; i < o->nguests && !o->type; i++)
		if (rootfs_guest_type(o->guests[i], &type, err) < 0) {
			free(type);
			return -1;
		}
	r = rootfs_load_skeleton(p, &o->search, err);
	if (r == 0 && o->board)
		r = rootfs_load_board(p, o->board, err);
	if (r == 0)
		r = rootfs_load_type(p, &o->search, o->type ? o->type : type ? type : "busybox", err);
	for (size_t i = 0; i < o->ntemplates && r == 0; i++)
		r = rootfs_load_template(p, &o->search, o->templates[i], NULL, 0, err);
	for (size_t i = 0; i < o->nguests && r == 0; i++)
		r = rootfs_load_guest(p, &o->search, o->guests[i], err);
	for (size_t i = 0; i < o->noverlays && r == 0; i++)
		r = rootfs_add_overlay(p, o->overlays[i], "--overlay", err);
	free(type);
	return r;
}

/* The declared packages, one per line, sorted and unique. */
static int list_packages(const struct rootfs_plan *p)
{
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < p->packages.n; i++) {
		const struct rootfs_item *it = &p->packages.v[i];

		if (!valid_object_name(it->value)) {
			char *e = rootfs_item_error(it, "'%s' is not a Debian package name", it->value);

			vmb_error("%s", e);
			free(e);
			strlist_free(v, n);
			return 1;
		}
		if (!strlist_has(v, n, it->value))
			strlist_push(&v, &n, it->value);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_strings);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", v[i]);
	strlist_free(v, n);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* A sysroot is a directory vmbundle sysroot made (it has .vmb/packages). */
static int check_sysroot(const char *dir, char **err)
{
	char *marker;
	struct stat st;
	int r = 0;

	if (!dir)
		return 0;
	marker = xasprintf("%s/.vmb/packages", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || stat(marker, &st) < 0) {
		*err = xasprintf("rootfs: --sysroot '%s' is not a sysroot made by 'vmbundle sysroot' "
				 "(no .vmb/packages in it)", dir);
		r = -1;
	}
	free(marker);
	return r;
}

static void options_free(struct options *o)
{
	for (size_t i = 0; i < o->job.nadds; i++) {
		free(o->job.adds[i].src);
		free(o->job.adds[i].dest);
	}
	free(o->job.adds);
	strlist_free(o->search.dirs, o->search.n);
	strlist_free(o->templates, o->ntemplates);
	strlist_free(o->overlays, o->noverlays);
	strlist_free(o->guests, o->nguests);
}

int cmd_rootfs(int argc, char **argv)
{
	struct options o = { .job = { .name = "host", .busybox = "/bin/busybox" } };
	struct rootfs_plan plan = { 0 };
	char *err = NULL;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		goto out;
	/* Modes in the tree must not depend on the build user's umask: every
	 * directory made and file written starts from the same mask. */
	umask(022);
	rc = 1;
	if (load_plan(&o, &plan, &err) < 0) {
		err_while(&err, "reading the declarations of the root filesystem%s%s",
			  o.job.name ? " of " : "", o.job.name ? o.job.name : "");
		vmb_report(err);
	} else if (o.list_packages) {
		rc = list_packages(&plan);
	} else if (check_sysroot(o.sysroot, &err) < 0 || rootfs_assemble(&o.job, &plan, &err) < 0) {
		err_while(&err, "assembling the root filesystem%s%s in '%s'", o.job.name ? " of " : "",
			  o.job.name ? o.job.name : "", o.job.out);
		vmb_report(err);
	} else {
		rc = 0;
	}
	free(err);
	rootfs_plan_free(&plan);
out:
	options_free(&o);
	return rc;
}
