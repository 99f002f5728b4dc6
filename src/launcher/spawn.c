/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* In the child: exec, or say why not on stderr and end with 127 (the
 * shell's "command not found", so the parent's message is the usual one). */
static void exec_or_die(char *const argv[])
{
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run '%s': %s\n", vmb_progname, argv[0], strerror(errno));
	_exit(127);
}

static void redirect(int fd, const char *path, int flags)
{
	int f = open(path, flags, 0644);

	if (f < 0) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", vmb_progname, path, strerror(errno));
		_exit(127);
	}
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
}

static pid_t fork_or_fail(char **err)
{
	pid_t pid = fork();

	if (pid < 0)
		*err = xasprintf("cannot fork: %s", strerror(errno));
	return pid;
}

int spawn_reap(pid_t pid, const char *name, char **err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			*err = xasprintf("waiting for '%s': %s", name, strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		*err = xasprintf("'%s' failed with exit status %d", name, WEXITSTATUS(status));
	else
		*err = xasprintf("'%s' was killed by signal %d (%s)", name, WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
	return -1;
}

int spawn_wait(char *const argv[], bool quiet, char **err)
{
	pid_t pid = fork_or_fail(err);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
		if (quiet) {
			redirect(STDOUT_FILENO, "/dev/null", O_WRONLY);
			redirect(STDERR_FILENO, "/dev/null", O_WRONLY);
		}
		exec_or_die(argv);
	}
	return spawn_reap(pid, base_name(argv[0]), err);
}

pid_t spawn_detached(char *const argv[], const char *log, char **err)
{
	pid_t pid = fork_or_fail(err);

	if (pid != 0)
		return pid;
	/* Its own session: the guest outlives the shell that started it and
	 * no terminal's signals reach it. */
	setsid();
	redirect(STDIN_FILENO, "/dev/null", O_RDONLY);
	redirect(STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC);
	dup2(STDOUT_FILENO, STDERR_FILENO);
	exec_or_die(argv);
	return -1;
}

pid_t spawn_attached(char *const argv[], int screen_fd, char **err)
{
	pid_t pid = fork_or_fail(err);

	if (pid != 0)
		return pid;
	if (screen_fd == 3)
		screen_fd = dup(screen_fd);
	if (screen_fd >= 0) {
		/* A curses display draws on its stdio: the screen's terminal. The
		 * console the launcher runs on stays reachable as fd 3, which
		 * the serial console opens as /proc/self/fd/3. */
		dup2(STDIN_FILENO, 3);
		dup2(screen_fd, STDIN_FILENO);
		dup2(screen_fd, STDOUT_FILENO);
		setenv("TERM", "linux", 1);
	}
	exec_or_die(argv);
	return -1;
}
