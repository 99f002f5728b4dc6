/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Versioned deploy names and their stable links (see deploy.h). */
#include "deploy/deploy.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int deploy_datetime(char out[DEPLOY_DATETIME_LEN + 1], char **err)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	unsigned long long epoch = 0;
	char *end;
	struct tm tm;
	time_t t;

	if (v && *v) {
		errno = 0;
		epoch = strtoull(v, &end, 10);
		if (*end || errno || epoch > 253402300799ULL /* 9999-12-31 */) {
			*err = xasprintf("SOURCE_DATE_EPOCH '%s' is not a number of seconds; "
					 "give e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%%ct)", v);
			return -1;
		}
	}
	t = (time_t)epoch;
	if (!gmtime_r(&t, &tm) || strftime(out, DEPLOY_DATETIME_LEN + 1, "%Y%m%d%H%M%S", &tm) != DEPLOY_DATETIME_LEN) {
		*err = xasprintf("SOURCE_DATE_EPOCH '%s' has no date", v);
		return -1;
	}
	return 0;
}

/* Is @path a symlink of ours: its target a plain name in the same directory? */
static bool our_link(const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strchr(target, '/') && !streq(target, ".") && !streq(target, "..");
}

/* Atomically replace @dir/@name with a symlink to @target. */
static int replace_with_link(const char *dir, const char *name, const char *target, char **err)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.link-%ld", dir, name, (long)getpid());
	int rc = 0;

	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
		*err = xasprintf("cannot link '%s' to '%s': %s", path, target, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(path);
	free(tmp);
	return rc;
}

/*
 * A producer that writes the stable name (the stager) writes through our
 * link when one is there (the output rules, shared/output.h): the link's
 * target, the previous epoch's versioned file, now holds the new content.
 * It is renamed to the new versioned name, so no file is named for an
 * epoch whose content it does not hold.
 */
static int rename_link_target(const char *dir, const char *spath, const char *vpath, char **err)
{
	char target[PATH_MAX], *tpath;
	ssize_t n = readlink(spath, target, sizeof(target) - 1);
	struct stat st;
	int rc = 0;

	if (n <= 0)
		return 0;
	target[n] = '\0';
	tpath = xasprintf("%s/%s", dir, target);
	if (lstat(tpath, &st) == 0 && S_ISREG(st.st_mode) && rename(tpath, vpath) < 0) {
		*err = xasprintf("cannot move '%s' to '%s': %s", tpath, vpath, strerror(errno));
		rc = -1;
	}
	free(tpath);
	return rc;
}

int deploy_link(const char *dir, const char *stable, const char *versioned, char **err)
{
	char *spath = xasprintf("%s/%s", dir, stable), *vpath = xasprintf("%s/%s", dir, versioned);
	char *tmp = xasprintf("%s/.%s.new-%ld", dir, versioned, (long)getpid());
	struct stat st, vst;
	int rc = -1;

	if (strchr(stable, '/') || strchr(versioned, '/') || streq(stable, versioned)) {
		*err = xasprintf("deploy names must be distinct plain names: '%s', '%s'", stable, versioned);
		goto out;
	}
	if (lstat(vpath, &vst) == 0 && !S_ISREG(vst.st_mode)) {
		*err = xasprintf("'%s' exists and is not a regular file; remove it (the deploy "
				 "directory's versioned names are files)", vpath);
		goto out;
	}
	if (lstat(spath, &st) < 0) {
		if (errno != ENOENT) {
			*err = xasprintf("cannot read '%s': %s", spath, strerror(errno));
			goto out;
		}
	} else if (S_ISREG(st.st_mode)) {
		/* Just written by its producer: it becomes the versioned file. */
		unlink(tmp);
		if (link(spath, tmp) < 0 || rename(tmp, vpath) < 0) {
			*err = xasprintf("cannot move '%s' to '%s': %s", spath, vpath, strerror(errno));
			unlink(tmp);
			goto out;
		}
	} else if (!S_ISLNK(st.st_mode) || !our_link(spath)) {
		*err = xasprintf("'%s' is %s, not a file or a link the build made; remove it or "
				 "move it out of the deploy directory",
				 spath, S_ISLNK(st.st_mode) ? "someone else's symlink" :
				 S_ISDIR(st.st_mode) ? "a directory" : "a special file");
		goto out;
	} else if (access(vpath, F_OK) < 0 && errno == ENOENT && rename_link_target(dir, spath, vpath, err) < 0) {
		goto out;
	}
	if (access(vpath, F_OK) < 0) {
		char *why = input_problem(vpath, errno);

		*err = xasprintf("cannot link '%s': %s", spath, why);
		free(why);
		goto out;
	}
	rc = replace_with_link(dir, stable, versioned, err);
out:
	free(spath);
	free(vpath);
	free(tmp);
	return rc;
}

int deploy_copy(const char *from, const char *dir, const char *stable, const char *versioned, char **err)
{
	char *vpath = xasprintf("%s/%s", dir, versioned);
	int rc = copy_file_atomic(from, vpath, err);

	free(vpath);
	return rc < 0 ? -1 : deploy_link(dir, stable, versioned, err);
}

void deploy_unlink(const char *dir, const char *stable)
{
	char *spath = xasprintf("%s/%s", dir, stable), target[PATH_MAX];
	ssize_t n = readlink(spath, target, sizeof(target) - 1);

	if (n > 0 && our_link(spath)) {
		target[n] = '\0';
		char *vpath = xasprintf("%s/%s", dir, target);
		struct stat st;

		if (lstat(vpath, &st) == 0 && S_ISREG(st.st_mode))
			unlink(vpath);
		free(vpath);
		unlink(spath);
	}
	free(spath);
}

char *deploy_kernel_release(const char *config, char **err)
{
	char *text = NULL, *version = NULL, *local = NULL, *release = NULL;
	size_t len;
	int e = read_file(config, &text, &len);

	if (e < 0) {
		*err = xasprintf("cannot read '%s': %s", config, strerror(-e));
		return NULL;
	}
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = xstrndup(l, n);

		/* "# Linux/x86 6.1.192 Kernel Configuration" */
		if (!version && startswith(line, "# Linux/") && strstr(line, " Kernel Configuration")) {
			char *sp = strchr(line + 2, ' ');

			if (sp)
				version = xstrndup(sp + 1, strcspn(sp + 1, " "));
		} else if (!local && startswith(line, "CONFIG_LOCALVERSION=\"") && n > 22 && line[n - 1] == '"') {
			local = xstrndup(line + 21, n - 22);
		}
		free(line);
		l += n + (l[n] == '\n');
	}
	if (version && *version)
		release = xasprintf("%s%s", version, local ? local : "");
	else
		*err = xasprintf("%s: no '# Linux/ARCH VERSION Kernel Configuration' line; is it a "
				 "kernel .config?", config);
	free(version);
	free(local);
	free(text);
	return release;
}
