/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "output.h"
#include "fsutil.h"
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Follow @path's symlinks (relative targets from the link's directory).
 * Returns the final path, malloc'd, with *st its lstat (st_mode 0 when it
 * does not exist), or NULL with errno ELOOP or another lstat error. */
static char *follow_links(const char *path, struct stat *st)
{
	char *cur = xstrdup(path);

	for (int hops = 0; hops <= 40; hops++) {
		char target[PATH_MAX];
		ssize_t n;
		char *next;

		if (lstat(cur, st) < 0) {
			if (errno == ENOENT) {
				st->st_mode = 0;
				return cur;
			}
			free(cur);
			return NULL;
		}
		if (!S_ISLNK(st->st_mode))
			return cur;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/') {
			next = xstrdup(target);
		} else {
			char *dir = path_dir(cur);

			next = xasprintf("%s/%s", dir, target);
			free(dir);
		}
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

int output_resolve(const char *path, bool stream, struct output_target *t, char **err)
{
	struct stat st;
	char *final = follow_links(path, &st);

	t->path = NULL;
	t->in_place = false;
	if (!final) {
		*err = errno == ELOOP ? xasprintf("output '%s' is a symlink loop; remove it or choose "
						  "another name", path)
				      : xasprintf("output '%s' cannot be examined: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_mode == 0 || S_ISREG(st.st_mode)) {
		t->path = final;
		return 0;
	}
	if (stream && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
		t->path = final;
		t->in_place = true;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		*err = xasprintf("output '%s' is a directory; give the output's file name", final);
	else if (streq(final, path))
		*err = xasprintf("output '%s' is %s: an output is never written over one; remove it "
				 "or choose another name", path, file_kind(st.st_mode));
	else
		*err = xasprintf("output '%s' is a symlink to '%s', which is %s: an output is never "
				 "written over one; remove it or choose another name",
				 path, final, file_kind(st.st_mode));
	free(final);
	return -1;
}

int output_check(const char *path, bool stream, char **err)
{
	struct output_target t;

	if (output_resolve(path, stream, &t, err) < 0)
		return -1;
	free(t.path);
	return 0;
}

char *output_tmp(const char *path, const char *what, char **err)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	int fd;

	/* The PID in the name lets a later run remove what a killed one left. */
	if (slash)
		tmp = xasprintf("%.*s/.%s.%s-%ld-XXXXXX", (int)(slash - path), path, slash + 1, what,
				(long)getpid());
	else
		tmp = xasprintf(".%s.%s-%ld-XXXXXX", path, what, (long)getpid());
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

/* The PID in a temporary name ".BASE.WHAT-PID-XXXXXX" (or one with a
 * ".SUFFIX" after it, such as a checker's log) after @prefix, or 0. */
static long tmp_owner(const char *name, size_t prefix)
{
	const char *dash = strrchr(name, '-'), *p;
	char *end;
	long pid;

	if (!dash || strcspn(dash + 1, ".") != 6 || (size_t)(dash - name) <= prefix)
		return 0;
	for (p = dash - 1; p > name + prefix && *p >= '0' && *p <= '9'; p--)
		;
	if (*p != '-')
		return 0;
	pid = strtol(p + 1, &end, 10);
	return end == dash && pid > 0 ? pid : 0;
}

void output_remove_stale_tmps(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = path_dir(path);
	char *prefix = xasprintf(".%s.", slash ? slash + 1 : path);
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		long pid;
		char *p;
		struct stat st;

		if (!startswith(de->d_name, prefix) || !(pid = tmp_owner(de->d_name, strlen(prefix))))
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* ours, or its writer still runs */
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

char *output_space_problem(const char *path)
{
	char *dir = path_dir(path), *msg = NULL;
	struct statvfs vfs;

	/* Less than 1 MiB left: a write of the image's next extent fails. */
	if (statvfs(dir, &vfs) == 0 && (unsigned long long)vfs.f_bavail * vfs.f_frsize < (1u << 20))
		msg = xasprintf("No space left on device: the filesystem holding '%s' has %llu KiB free", dir,
				(unsigned long long)vfs.f_bavail * vfs.f_frsize / 1024);
	free(dir);
	return msg;
}

/* fsync the directory that holds @path: the rename itself must survive. */
static int sync_dir_of(const char *path)
{
	char *dir = path_dir(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	free(dir);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	close(fd);
	return r;
}

int output_publish(const char *tmp, const char *path, char **err)
{
	mode_t mask = umask(0);
	int fd, r = 0;

	umask(mask);
	fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fsync(fd) < 0 || fchmod(fd, 0644 & ~mask) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		*err = xasprintf("cannot put the finished '%s' in place: %s", path, strerror(-r));
		unlink(tmp);
		return -1;
	}
	r = sync_dir_of(path);
	if (r < 0) {
		*err = xasprintf("'%s' was written, but its directory could not be synced: %s", path,
				 strerror(-r));
		return -1;
	}
	return 0;
}

static int write_in_place(const char *path, const void *data, size_t len, char **err)
{
	/* O_NONBLOCK: a FIFO without a reader is an error (ENXIO), not a hang. */
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r = 0;

	if (fd < 0) {
		*err = errno == ENXIO ? xasprintf("cannot write '%s': it is a FIFO no one is reading", path)
				      : xasprintf("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 || (r = write_all(fd, data, len)) < 0) {
		*err = xasprintf("cannot write '%s': %s", path, strerror(r < 0 ? -r : errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int output_write_buffer(const char *path, const void *data, size_t len, char **err)
{
	struct output_target t;
	char *tmp;
	int fd, r;

	if (output_resolve(path, true, &t, err) < 0)
		return -1;
	if (t.in_place) {
		r = write_in_place(t.path, data, len, err);
		free(t.path);
		return r;
	}
	tmp = output_tmp(t.path, "tmp", err);
	if (!tmp) {
		free(t.path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	r = fd < 0 ? -errno : write_all(fd, data, len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		*err = xasprintf("cannot write '%s': %s", t.path, strerror(-r));
		unlink(tmp);
	} else {
		r = output_publish(tmp, t.path, err);
	}
	free(tmp);
	free(t.path);
	return r < 0 ? -1 : 0;
}
