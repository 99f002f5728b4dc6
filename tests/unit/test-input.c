/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared input helper: every kind of special file gets one clear error
 * and nothing blocks (alarm() turns a block into a failure, not a hang). */
#include "probe/fileprobe.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char *dir;

static char *in_dir(const char *name) { return xasprintf("%s/%s", dir, name); }

/* input_open's error for @name, or "opened" when it opened. */
static char *open_error(const char *path)
{
	struct stat st;
	char *err = NULL;
	int fd = input_open(path, &st, &err);

	if (fd >= 0) {
		close(fd);
		return xstrdup("opened");
	}
	return err;
}

static void expect_error(const char *name, const char *what)
{
	char *path = in_dir(name), *want = xasprintf("'%s' %s", path, what);
	char *got = open_error(path), *data = NULL;
	size_t len;

	is_str(got, want, "input_open: %s %s", name, what);
	free(got);
	got = NULL;
	ok(input_read(path, 0, &data, &len, &got) < 0 && got && streq(got, want),
	   "input_read: the same words for %s", name);
	free(got);
	free(data);
	ok(read_file(path, &data, &len) < 0, "read_file refuses %s without blocking", name);
	free(want);
	free(path);
}

static void make_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0 || strlen(path) >= sizeof(a.sun_path))
		exit(99);
	strcpy(a.sun_path, path);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		exit(99);
	close(s);
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || close(fd) < 0)
		exit(99);
}

int main(void)
{
	char tmpl[] = "/tmp/vmb-input-XXXXXX";
	char *p, *q, *err = NULL, *data = NULL;
	struct probe_result r;
	struct stat st;
	size_t len;
	int fd;

	alarm(20);
	if (!(dir = mkdtemp(tmpl)))
		return 99;
	p = in_dir("fifo");
	if (mkfifo(p, 0644) < 0)
		return 99;
	free(p);
	p = in_dir("sock");
	make_socket(p);
	free(p);
	p = in_dir("sub");
	if (mkdir(p, 0755) < 0)
		return 99;
	free(p);
	p = in_dir("loop1");
	q = in_dir("loop2");
	if (symlink(q, p) < 0 || symlink(p, q) < 0)
		return 99;
	free(p);
	free(q);
	p = in_dir("dangling");
	if (symlink("nowhere/file", p) < 0)
		return 99;
	free(p);
	p = in_dir("to-fifo");
	if (symlink("fifo", p) < 0)
		return 99;
	free(p);
	p = in_dir("file");
	write_text(p, "hello\n");
	free(p);
	p = in_dir("to-file");
	if (symlink("file", p) < 0)
		return 99;
	free(p);
	p = in_dir("dev-null");
	if (symlink("/dev/null", p) < 0)
		return 99;
	free(p);

	expect_error("fifo", "is a FIFO, not a regular file");
	expect_error("to-fifo", "is a FIFO, not a regular file");
	expect_error("sock", "is a socket, not a regular file");
	expect_error("dev-null", "is a character device, not a regular file");
	expect_error("sub", "is a directory, not a regular file");
	expect_error("loop1", "is a symlink loop");
	expect_error("dangling", "is a dangling symlink to 'nowhere/file'");
	expect_error("missing", "does not exist");
	expect_error("file/below", "cannot be followed: a component of it is not a directory");
	expect_error("loop1/below", "cannot be followed: a directory on its way is a symlink loop");

	p = in_dir("to-file");
	ok(input_read(p, 0, &data, &len, &err) == 0 && len == 6 && streq(data, "hello\n"),
	   "a symlink to a regular file is followed and read");
	free(data);
	data = NULL;
	ok(input_read(p, 3, &data, &len, &err) < 0 && errno == EFBIG && strstr(err, "is 6 bytes"),
	   "a file over the bound is refused with its size");
	free(err);
	err = NULL;
	free(p);

	/* A file that grows or shrinks while open is noticed. */
	p = in_dir("file");
	fd = input_open(p, &st, &err);
	ok(fd >= 0, "a regular file opens");
	ok(input_unchanged(fd, &st, p, &err) == 0, "an untouched file is unchanged");
	if (truncate(p, 2) < 0)
		return 99;
	ok(input_unchanged(fd, &st, p, &err) < 0 && strstr(err, "changed while it was read (6 bytes before, 2 after)"),
	   "a file that shrank is noticed");
	free(err);
	err = NULL;
	close(fd);
	free(p);

	/* The prober describes special files without opening them. */
	p = in_dir("fifo");
	ok(probe_file(p, &r) == 0 && streq(r.format, "special") && streq(r.description, "a FIFO"),
	   "probe_file describes a FIFO without blocking");
	free(p);
	p = in_dir("dangling");
	ok(probe_file(p, &r) == -ENOENT, "probe_file: a dangling link is -ENOENT");
	free(p);

	ok(remove_tree(dir) == 0, "clean up");
	return done_testing();
}
