/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An injected I/O error, for tests only (tests/functional/fault-eio.test;
 * never installed): loaded with LD_PRELOAD into vmbundle and the programs
 * it runs, it makes one kind of call fail with EIO on the files whose path
 * matches a pattern, the way a failing disk does. The kernel here has no
 * device-mapper (its error and flakey targets would be the real thing), so
 * the failure is injected at the calls vmbundle and libext2fs make.
 *
 *   VMB_FAULT_PATH   fnmatch(3) pattern for the file's path (the path
 *                    /proc/self/fd gives for a descriptor; either name of a
 *                    rename)
 *   VMB_FAULT_OP     write (write, pwrite, writev, fwrite), fsync (fsync,
 *                    fdatasync) or rename (rename, renameat, renameat2)
 *   VMB_FAULT_AFTER  for write: how many bytes to matching files succeed
 *                    first, in this process (default 0)
 *   VMB_FAULT_PROG   only in the programs of this name (vmbundle: not in
 *                    the mke2fs it runs); default every program
 *
 * Once a call has failed, every later one of that kind on a matching file
 * fails too, as on a disk that has gone bad.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long written; /* bytes to matching files so far */

static const char *want(const char *op)
{
	const char *o = getenv("VMB_FAULT_OP"), *p = getenv("VMB_FAULT_PATH");
	const char *prog = getenv("VMB_FAULT_PROG");

	if (prog && strcmp(prog, program_invocation_short_name) != 0)
		return NULL;
	return o && p && strcmp(o, op) == 0 ? p : NULL;
}

static int path_matches(const char *pattern, const char *path)
{
	return path && fnmatch(pattern, path, 0) == 0;
}

static int fd_matches(const char *pattern, int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return path_matches(pattern, path);
}

/* Whether a write of @len bytes to @fd fails. */
static int write_fails(int fd, size_t len)
{
	const char *pattern = want("write"), *after;

	if (!pattern || !fd_matches(pattern, fd))
		return 0;
	after = getenv("VMB_FAULT_AFTER");
	if (written + (long long)len > (after ? atoll(after) : 0))
		return 1;
	written += (long long)len;
	return 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t len)
{
	if (write_fails(fd, len)) {
		errno = EIO;
		return -1;
	}
	return REAL(write)(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (write_fails(fd, len)) {
		errno = EIO;
		return -1;
	}
	return REAL(pwrite)(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	if (write_fails(fd, len)) {
		errno = EIO;
		return -1;
	}
	return REAL(pwrite64)(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (write_fails(fd, len)) {
		errno = EIO;
		return -1;
	}
	return REAL(writev)(fd, iov, n);
}

/* bzip2 writes its output with stdio, whose own write(2) is not ours. */
size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
	if (size && write_fails(fileno(f), size * n)) {
		errno = EIO;
		return 0;
	}
	return REAL(fwrite)(buf, size, n, f);
}

static int sync_fails(int fd)
{
	const char *pattern = want("fsync");

	return pattern && fd_matches(pattern, fd);
}

int fsync(int fd)
{
	if (sync_fails(fd)) {
		errno = EIO;
		return -1;
	}
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	if (sync_fails(fd)) {
		errno = EIO;
		return -1;
	}
	return REAL(fdatasync)(fd);
}

static int rename_fails(const char *from, const char *to)
{
	const char *pattern = want("rename");

	return pattern && (path_matches(pattern, from) || path_matches(pattern, to));
}

int rename(const char *from, const char *to)
{
	if (rename_fails(from, to)) {
		errno = EIO;
		return -1;
	}
	return REAL(rename)(from, to);
}

int renameat(int fromdir, const char *from, int todir, const char *to)
{
	if (rename_fails(from, to)) {
		errno = EIO;
		return -1;
	}
	return REAL(renameat)(fromdir, from, todir, to);
}

int renameat2(int fromdir, const char *from, int todir, const char *to, unsigned flags)
{
	if (rename_fails(from, to)) {
		errno = EIO;
		return -1;
	}
	return REAL(renameat2)(fromdir, from, todir, to, flags);
}
