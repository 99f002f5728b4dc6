/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFLNK: return "a symlink";
	default: return "a file of unknown type";
	}
}

/* The target of the symlink @path, malloc'd, or NULL. */
static char *link_target(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

char *input_problem(const char *path, int e)
{
	struct stat lst;
	bool is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);

	if (e == ENOENT && is_link) {
		char *to = link_target(path);
		char *msg = xasprintf("'%s' is a dangling symlink to '%s'", path, to ? to : "?");

		free(to);
		return msg;
	}
	if (e == ENOENT)
		return xasprintf("'%s' does not exist", path);
	if (e == ELOOP)
		return is_link ? xasprintf("'%s' is a symlink loop", path)
			       : xasprintf("'%s' cannot be followed: a directory on its way is a symlink loop", path);
	if (e == ENOTDIR)
		return xasprintf("'%s' cannot be followed: a component of it is not a directory", path);
	if (e == EACCES)
		return xasprintf("'%s' is not readable (check its permissions)", path);
	if (e == ENAMETOOLONG)
		return xasprintf("'%s' cannot be followed: the path or a name in it is too long", path);
	return xasprintf("'%s' cannot be read: %s", path, strerror(e));
}

const char *input_reason(int e)
{
	switch (e) {
	case ENOENT: return "does not exist";
	case ELOOP: return "cannot be followed: a symlink loop on its way";
	case ENOTDIR: return "cannot be followed: a component of it is not a directory";
	case EACCES: return "cannot be looked at (check the permissions of its directories)";
	case ENAMETOOLONG: return "cannot be followed: the path or a name in it is too long";
	default: return strerror(e);
	}
}

static char *not_regular(const char *path, mode_t mode)
{
	char *msg = xasprintf("'%s' is %s, not a regular file", path, file_kind(mode));

	errno = S_ISDIR(mode) ? EISDIR : EINVAL;
	return msg;
}

/* input_problem() with errno kept for callers that only want the number. */
static char *problem_keep_errno(const char *path, int e)
{
	char *msg = input_problem(path, e);

	errno = e;
	return msg;
}

int input_open(const char *path, struct stat *st, char **err)
{
	struct stat first;
	int fd, flags;

	/* Looking first means a FIFO or a device is never opened at all: an
	 * open can have effects (a tape rewinds, a FIFO's writer wakes up). */
	if (stat(path, &first) < 0) {
		*err = problem_keep_errno(path, errno);
		return -1;
	}
	if (!S_ISREG(first.st_mode)) {
		*err = not_regular(path, first.st_mode);
		return -1;
	}
	/* O_NONBLOCK: the path may have become a FIFO since the stat. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*err = problem_keep_errno(path, errno);
		return -1;
	}
	if (fstat(fd, st) < 0) {
		*err = input_problem(path, errno);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		*err = not_regular(path, st->st_mode);
		close(fd);
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		*err = input_problem(path, errno);
		close(fd);
		return -1;
	}
	return fd;
}

int input_unchanged(int fd, const struct stat *before, const char *path, char **err)
{
	struct stat now;

	if (fstat(fd, &now) < 0) {
		*err = input_problem(path, errno);
		return -1;
	}
	if (now.st_size != before->st_size || now.st_mtim.tv_sec != before->st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != before->st_mtim.tv_nsec) {
		*err = xasprintf("'%s' changed while it was read (%lld bytes before, %lld after): "
				 "run again when nothing is writing it",
				 path, (long long)before->st_size, (long long)now.st_size);
		return -1;
	}
	return 0;
}

int input_read(const char *path, size_t max, char **data, size_t *len, char **err)
{
	struct stat st;
	size_t size, got = 0;
	char *buf;
	int fd = input_open(path, &st, err);

	if (fd < 0)
		return -1;
	size = (size_t)st.st_size;
	if (max && size > max) {
		*err = xasprintf("'%s' is %zu bytes, more than such a file may have (%zu MiB)", path, size,
				 max >> 20);
		close(fd);
		errno = EFBIG;
		return -1;
	}
	buf = xmalloc(size + 1);
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = xasprintf("'%s' cannot be read: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break; /* shrank: input_unchanged says so */
		got += (size_t)r;
	}
	if (input_unchanged(fd, &st, path, err) < 0)
		goto fail;
	if (got != size) {
		*err = xasprintf("'%s' changed while it was read (it ended at byte %zu of %zu)", path, got, size);
		goto fail;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
fail:
	free(buf);
	close(fd);
	errno = EIO;
	return -1;
}
