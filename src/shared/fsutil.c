/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fsutil.h"
#include "input.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int read_file(const char *path, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	struct stat st;
	char *buf, *err = NULL;
	int fd = input_open(path, &st, &err);

	/* Read to the end, not to st_size: /proc files say 0 bytes. */
	if (fd < 0) {
		int e = errno;

		free(err);
		return -e;
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t got = pread(fd, (char *)buf + done, len - done, off + (off_t)done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

int copy_file_atomic(const char *from, const char *to, char **err)
{
	char *tmp = xasprintf("%s.tmp-%ld", to, (long)getpid());
	char buf[1 << 16];
	struct stat st;
	int in, out, e = 0;
	ssize_t n;

	/* Through the input helper: a FIFO or device given as @from is named,
	 * never opened for a read that would wait for ever. */
	in = input_open(from, &st, err);
	if (in < 0) {
		free(tmp);
		return -1;
	}
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
	if (out < 0) {
		*err = xasprintf("cannot create '%s': %s", tmp, strerror(errno));
		close(in);
		free(tmp);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			break;
		}
		e = write_all(out, buf, (size_t)n);
		if (e < 0)
			break;
	}
	close(in);
	if (e == 0 && fsync(out) < 0)
		e = -errno;
	if (close(out) < 0 && e == 0)
		e = -errno;
	if (e == 0 && rename(tmp, to) < 0)
		e = -errno;
	if (e < 0) {
		*err = xasprintf("cannot copy '%s' to '%s': %s", from, to, strerror(-e));
		unlink(tmp);
	}
	free(tmp);
	return e < 0 ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int file_extents(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		 void *ctx)
{
	uint64_t pos = 0;

	while (pos < size) {
		off_t data = lseek(fd, (off_t)pos, SEEK_DATA), hole;
		uint64_t end;
		int r;

		if (data < 0 && errno == ENXIO)
			return 0; /* only a hole is left */
		if (data < 0 && errno != EINVAL && errno != EOPNOTSUPP)
			return -errno;
		if (data < 0) /* the file system cannot tell: all of the rest */
			return fn(ctx, pos, size - pos);
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		end = (uint64_t)hole < size ? (uint64_t)hole : size;
		if ((uint64_t)data >= end)
			return 0;
		r = fn(ctx, (uint64_t)data, end - (uint64_t)data);
		if (r)
			return r;
		pos = end;
	}
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	r = nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
	if (r < 0)
		return -errno;
	return r;
}

int mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1; *s && r == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			r = -errno;
		*s = '/';
	}
	if (r == 0 && mkdir(p, mode) < 0 && errno != EEXIST)
		r = -errno;
	free(p);
	return r;
}

char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_below(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) == 0 && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return NULL;
}

const char *path_shown(const char *path)
{
	char *cwd = getcwd(NULL, 0);
	const char *rel = cwd && path ? path_below(path, cwd) : NULL;

	free(cwd);
	return rel ? rel : path;
}

/*
 * Resolve @path as if @root were "/": symlinks are followed inside the
 * root, an absolute target starts again at the root and ".." never climbs
 * above it (as in a chroot). Every component but the last must exist; a
 * missing last component is returned as it is (so a path to be created can
 * be resolved too). Returns a malloc'd absolute path inside the root, or
 * NULL with errno set (ELOOP after 40 links, ENOTDIR, ENOENT).
 */
char *realpath_in_root(const char *root, const char *path)
{
	char *todo = xstrdup(path), *done = xstrdup("");
	unsigned links = 0;

	while (*todo) {
		char *p = todo, *comp, *rest, *cand, target[4096];
		size_t len = strspn(p, "/");
		struct stat st;
		ssize_t n;

		p += len;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		comp = xstrndup(p, len);
		rest = xstrdup(p + len);
		free(todo);
		todo = rest;
		if (streq(comp, ".")) {
			free(comp);
			continue;
		}
		if (streq(comp, "..")) {
			char *slash = strrchr(done, '/');

			if (slash)
				*slash = '\0';
			free(comp);
			continue;
		}
		cand = xasprintf("%s/%s", done, comp);
		free(comp);
		char *full = xasprintf("%s%s", root, cand);

		if (lstat(full, &st) < 0) {
			int e = errno;

			free(full);
			if (e == ENOENT && !todo[strspn(todo, "/")]) {
				free(done);
				done = cand;
				break;
			}
			free(cand);
			errno = e;
			goto fail;
		}
		if (!S_ISLNK(st.st_mode)) {
			free(full);
			if (!S_ISDIR(st.st_mode) && todo[strspn(todo, "/")]) {
				free(cand);
				errno = ENOTDIR;
				goto fail;
			}
			free(done);
			done = cand;
			continue;
		}
		n = readlink(full, target, sizeof(target) - 1);
		free(full);
		free(cand);
		if (n < 0)
			goto fail;
		if (++links > 40) {
			errno = ELOOP;
			goto fail;
		}
		target[n] = '\0';
		rest = xasprintf("%s%s", target, todo);
		free(todo);
		todo = rest;
		if (target[0] == '/')
			done[0] = '\0';
	}
	free(todo);
	if (!*done) {
		free(done);
		return xstrdup("/");
	}
	return done;
fail:
	{
		int e = errno;

		free(todo);
		free(done);
		errno = e;
	}
	return NULL;
}
