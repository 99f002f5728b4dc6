/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel store and the deploy directory.
 *
 * vmbundle kernel-store puts a finished kernel build's results into the
 * store, under its content key: the image, .config, System.map, the audit
 * report, the build log and a reproducible modules tarball. The entry is
 * written under a temporary name and renamed, so a reader (another build tree
 * sharing the store) sees a complete entry or none.
 *
 * vmbundle kernel-deploy copies a stored kernel to the deploy directory
 * under versioned names, PREFIX--KVER-NAME-DATETIME[SUFFIX] (DATETIME from
 * SOURCE_DATE_EPOCH, so the same kernel always gets the same name), with
 * the stable names IMAGE-NAME, config-NAME, System.map-NAME and, with
 * modules, modules-NAME.tgz as links to them (src/deploy/deploy.h); the
 * reports kaudit-NAME.txt and kbuild-NAME.log keep one plain name.
 *
 * Every entry has a MANIFEST (its key, and each file's size and SHA-256),
 * so that it can be published to a mirror and verified wherever it is
 * fetched (kstore.h).
 *
 * The modules tarball leaves out lib/modules/KVER/build and source: they
 * are links into the tree that built the kernel, so the tarball would
 * differ between build directories and point nowhere on the target.
 */
#include "commands.h"
#include "deploy/deploy.h"
#include "kernel/kstore.h"
#include "shared/options.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a store entry holds: the name in the O= directory (NULL: the image,
 * whose path the board gives), the name in the store, whether optional. */
static const struct stored {
	const char *in_obj, *in_store;
	bool optional;
} stored[] = {
	{ NULL, "image", false },
	{ ".config", "config", false },
	{ "System.map", "System.map", false },
	{ "kaudit.txt", "kaudit.txt", true },
	{ "build.log", "build.log", true },
};

static int copy(const char *from, const char *to, bool optional)
{
	char *err = NULL;

	if (optional && access(from, F_OK) < 0)
		return 0;
	if (copy_file_atomic(from, to, &err) == 0)
		return 0;
	vmb_error("%s", err);
	free(err);
	return -1;
}

static int remove_or_say(const char *path)
{
	int e = remove_tree(path);

	if (e < 0)
		vmb_error("cannot remove '%s': %s", path, strerror(-e));
	return e;
}

/* tar | gzip -n: sorted, numeric root owners, every time SOURCE_DATE_EPOCH,
 * so the same modules always give the same tarball. */
static int modules_tarball(const char *staging, const char *to)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *mtime = xasprintf("--mtime=@%s", epoch && *epoch ? epoch : "0");
	const char *tar[] = { tool_path("tar"), "--sort=name", mtime, "--owner=0", "--group=0", "--numeric-owner",
			      "--format=gnu", "--exclude=lib/modules/*/build", "--exclude=lib/modules/*/source",
			      "-C", staging, "-cf", "-", "lib", NULL };
	const char *gzip[] = { tool_path("gzip"), "-n", "-9", NULL };
	struct run_opts to_pipe = { .out = { RUN_PIPE, NULL, -1 } };
	struct run_child t;
	char *err = NULL;
	int r = -1;

	if (run_start(tar, &to_pipe, &t, &err) == 0) {
		struct run_opts z = { .in = { RUN_FD, NULL, t.out_fd }, .out = { RUN_FILE, to, -1 } };
		int zr = run(gzip, &z, &err);

		if (zr < 0) {
			vmb_error("%s", err);
			free(err);
			err = NULL;
		}
		if (run_wait(&t, &err) < 0)
			vmb_error("%s", err);
		else if (zr == 0)
			r = 0;
	} else {
		vmb_error("%s", err);
	}
	free(err);
	free(mtime);
	return r;
}

static int store(const char *obj, const char *image, const char *entry)
{
	char *tmp = xasprintf("%s.tmp-%ld", entry, (long)getpid());
	char *staging = xasprintf("%s/modules-staging/lib", obj);
	int rc = 0, e;

	e = mkdir_p(tmp, 0755);
	if (e < 0) {
		vmb_error("cannot create %s: %s", tmp, strerror(-e));
		rc = -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(stored) && rc == 0; i++) {
		char *from = xasprintf("%s/%s", obj, stored[i].in_obj ? stored[i].in_obj : image);
		char *to = xasprintf("%s/%s", tmp, stored[i].in_store);

		rc = copy(from, to, stored[i].optional);
		free(from);
		free(to);
	}
	if (rc == 0 && access(staging, F_OK) == 0) {
		char *from = xasprintf("%s/modules-staging", obj), *to = xasprintf("%s/modules.tgz", tmp);

		rc = modules_tarball(from, to);
		free(from);
		free(to);
	}
	/* The manifest lets the entry be published to a mirror and checked
	 * wherever it is fetched (kstore.h). */
	if (rc == 0) {
		const char *key = strrchr(entry, '/') ? strrchr(entry, '/') + 1 : entry;
		char *err = NULL;

		rc = kstore_write_manifest(tmp, key, &err);
		if (rc < 0) {
			vmb_error("%s", err);
			free(err);
		}
	}
	/* Replace an older entry of the same key (rebuilt after menuconfig). */
	if (rc == 0 && access(entry, F_OK) == 0)
		rc = remove_or_say(entry);
	if (rc == 0 && rename(tmp, entry) < 0) {
		vmb_error("cannot rename %s to %s: %s", tmp, entry, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		remove_or_say(tmp);
	free(tmp);
	free(staging);
	return rc;
}

static int deploy(const char *entry, const char *name, const char *image, const char *to)
{
	const char *base = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
	int rc = 0, e = mkdir_p(to, 0755);

	if (e < 0) {
		vmb_error("cannot create %s: %s", to, strerror(-e));
		return -1;
	}
	/* Deployed as PREFIX-NAME[SUFFIX], or versioned with a link of that name. */
	struct { const char *in_store, *prefix, *suffix; bool optional, versioned; } files[] = {
		{ "image", base, "", false, true },
		{ "config", "config", "", false, true },
		{ "System.map", "System.map", "", false, true },
		{ "kaudit.txt", "kaudit", ".txt", true, false },
		{ "build.log", "kbuild", ".log", true, false },
		{ "modules.tgz", "modules", ".tgz", true, true },
	};
	char datetime[DEPLOY_DATETIME_LEN + 1], *err = NULL, *config = xasprintf("%s/config", entry);
	char *kver = deploy_kernel_release(config, &err);

	free(config);
	if (!kver || deploy_datetime(datetime, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		free(kver);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files) && rc == 0; i++) {
		char *from = xasprintf("%s/%s", entry, files[i].in_store);
		char *stable = xasprintf("%s-%s%s", files[i].prefix, name, files[i].suffix);
		char *dest = xasprintf("%s/%s", to, stable);

		if (files[i].optional && access(from, F_OK) < 0) {
			/* A kernel without modules has no tarball, not an old one. */
			deploy_unlink(to, stable);
			unlink(dest);
		} else if (!files[i].versioned) {
			rc = copy(from, dest, files[i].optional);
		} else {
			char *versioned = xasprintf("%s--%s-%s-%s%s", files[i].prefix, kver, name, datetime,
						    files[i].suffix);

			rc = deploy_copy(from, to, stable, versioned, &err);
			if (rc < 0) {
				vmb_error("%s", err);
				free(err);
			}
			free(versioned);
		}
		free(from);
		free(stable);
		free(dest);
	}
	free(kver);
	return rc;
}

int cmd_kernel_store(int argc, char **argv)
{
	static const char synopsis[] = "usage: vmbundle kernel-store --obj=DIR --image=PATH --entry=STORE/KEY\n";
	static const struct option opts[] = {
		{ "obj", required_argument, NULL, 'o' }, { "image", required_argument, NULL, 'i' },
		{ "entry", required_argument, NULL, 'e' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *obj = NULL, *image = NULL, *entry = NULL;
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'o': obj = optarg; break;
		case 'i': image = optarg; break;
		case 'e': entry = optarg; break;
		case 'h': return cmd_usage(synopsis, 1);
		default: goto usage;
		}
	}
	if (!obj || !image || !entry || optind != argc)
		goto usage;
	return store(obj, image, entry) < 0 ? 1 : 0;
usage:
	return cmd_usage(synopsis, 0);
}

int cmd_kernel_deploy(int argc, char **argv)
{
	static const char synopsis[] = "usage: vmbundle kernel-deploy --name=NAME --entry=STORE/KEY --image=PATH --to=DIR\n";
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' }, { "entry", required_argument, NULL, 'e' },
		{ "image", required_argument, NULL, 'i' }, { "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *entry = NULL, *image = NULL, *to = NULL;
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'e': entry = optarg; break;
		case 'i': image = optarg; break;
		case 't': to = optarg; break;
		case 'h': return cmd_usage(synopsis, 1);
		default: goto usage;
		}
	}
	if (!name || !entry || !image || !to || optind != argc)
		goto usage;
	return deploy(entry, name, image, to) < 0 ? 1 : 0;
usage:
	return cmd_usage(synopsis, 0);
}
