/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * posix_spawnp does the fork/exec: glibc reports a failed exec (missing
 * program, no permission) as the spawn's own error, so there is no window
 * where a child exists that never became the program.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static const char *signal_name(int sig)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev) {
		static __thread char buf[32];

		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
		return buf;
	}
#endif
	(void)sig;
	return "signal";
}

char *run_describe_status(const char *name, int status)
{
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 0)
			return NULL;
		return xasprintf("'%s' failed with exit status %d", name, WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status))
		return xasprintf("'%s' was killed by signal %s (%s)%s", name,
				 signal_name(WTERMSIG(status)), strsignal(WTERMSIG(status)),
				 WCOREDUMP(status) ? ", core dumped" : "");
	return xasprintf("'%s' ended in an unexpected state (wait status %#x)", name,
			 (unsigned)status);
}

/* environ with the entries of @extra replacing variables of the same name. */
static char **merged_env(const char *const *extra)
{
	size_t n = 0, m = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = xcalloc(n + m + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
		bool replaced = false;

		for (size_t j = 0; j < m && !replaced; j++)
			replaced = strncmp(extra[j], environ[i], len) == 0;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	return env;
}

static const char *const stream_names[] = { "standard input", "standard output",
					      "standard error", "descriptor 3" };

/* Where the child's descriptor @target (0-3) comes from: *child_fd is what
 * the child gets (closed by us after the spawn; -1: nothing to set up), *our_fd
 * the pipe end we keep. Descriptors are duplicated above 9 so that none can
 * be one of the targets and be overwritten before it is passed on. Returns 0,
 * or -errno with *err set. */
static int prepare_io(const struct run_io *io, int target, bool append, const char *name,
		      int *child_fd, int *our_fd, char **err)
{
	const char *what = stream_names[target];
	bool is_input = target == STDIN_FILENO;
	int fds[2];

	*child_fd = -1;
	*our_fd = -1;
	switch (io->how) {
	case RUN_INHERIT:
		return 0;
	case RUN_NULL:
	case RUN_FILE: {
		const char *path = io->how == RUN_NULL ? "/dev/null" : io->path;
		int flags = is_input ? O_RDONLY : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);

		*child_fd = open(path, flags | O_CLOEXEC, 0644);
		if (*child_fd < 0) {
			int e = errno;

			*err = xasprintf("cannot open '%s' as %s of '%s': %s", path, what, name,
					 strerror(e));
			return -e;
		}
		return 0;
	}
	case RUN_FD:
		*child_fd = fcntl(io->fd, F_DUPFD_CLOEXEC, 10);
		if (*child_fd < 0) {
			int e = errno;

			*err = xasprintf("cannot pass descriptor %d as %s of '%s': %s", io->fd, what,
					 name, strerror(e));
			return -e;
		}
		return 0;
	case RUN_PIPE:
		if (target > STDOUT_FILENO)
			break;
		if (pipe2(fds, O_CLOEXEC) < 0) {
			int e = errno;

			*err = xasprintf("cannot make a pipe for %s of '%s': %s", what, name, strerror(e));
			return -e;
		}
		*child_fd = is_input ? fds[0] : fds[1];
		*our_fd = is_input ? fds[1] : fds[0];
		return 0;
	case RUN_STDOUT:
		if (target != STDERR_FILENO)
			break;
		return 0; /* a dup2 of the child's own stdout, in run_start */
	}
	*err = xasprintf("internal error: bad redirection %d of %s for '%s'", (int)io->how, what,
			 name);
	return -EINVAL;
}

static void close_if_open(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int run_start(const char *const argv[], const struct run_opts *opts, struct run_child *c,
	      char **err)
{
	static const struct run_opts none;
	const struct run_io *io[4];
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t all, empty;
	int child[4] = { -1, -1, -1, -1 }, ours[4] = { -1, -1, -1, -1 };
	short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
	char **env;
	int r = 0;

	if (!opts)
		opts = &none;
	io[0] = &opts->in;
	io[1] = &opts->out;
	io[2] = &opts->err;
	io[3] = &opts->fd3;
	c->pid = -1;
	c->name = xstrdup(base_name(argv[0]));
	for (int t = 0; t < 4 && r == 0; t++)
		r = prepare_io(io[t], t, opts->append, c->name, &child[t], &ours[t], err);
	c->in_fd = ours[0];
	c->out_fd = ours[1];
	if (r < 0)
		goto fail;

	/* In order: stdin, stdout, then stderr (which may copy the new stdout),
	 * then fd 3. */
	posix_spawn_file_actions_init(&actions);
	for (int t = 0; t < 4; t++) {
		if (child[t] >= 0)
			posix_spawn_file_actions_adddup2(&actions, child[t], t);
		else if (t == STDERR_FILENO && opts->err.how == RUN_STDOUT)
			posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
	}
	if (opts->dir)
		posix_spawn_file_actions_addchdir_np(&actions, opts->dir);
	posix_spawnattr_init(&attr);
	sigfillset(&all);
	sigemptyset(&empty);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &empty);
	if (opts->new_session)
		flags |= POSIX_SPAWN_SETSID;
	posix_spawnattr_setflags(&attr, flags);
	env = merged_env(opts->env);
	r = posix_spawnp(&c->pid, argv[0], &actions, &attr, (char *const *)argv, env);
	free(env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (r != 0) {
		*err = xasprintf("cannot run '%s': %s", argv[0], strerror(r));
		c->pid = -1;
		r = -r;
		goto fail;
	}
	for (int t = 0; t < 4; t++)
		close_if_open(&child[t]);
	return 0;

fail:
	for (int t = 0; t < 4; t++)
		close_if_open(&child[t]);
	close_if_open(&c->in_fd);
	close_if_open(&c->out_fd);
	free(c->name);
	c->name = NULL;
	return r;
}

pid_t run_background(const char *const argv[], const struct run_opts *opts, char **err)
{
	struct run_child c;

	if (opts && (opts->in.how == RUN_PIPE || opts->out.how == RUN_PIPE)) {
		*err = xasprintf("internal error: '%s' started in the background with a pipe", argv[0]);
		return -1;
	}
	if (run_start(argv, opts, &c, err) < 0)
		return -1;
	free(c.name);
	return c.pid;
}

int run_wait(struct run_child *c, char **err)
{
	int status;
	pid_t r;

	close_if_open(&c->in_fd);
	close_if_open(&c->out_fd);
	do
		r = waitpid(c->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*err = xasprintf("cannot wait for '%s': %s", c->name, strerror(errno));
	} else {
		*err = run_describe_status(c->name, status);
	}
	free(c->name);
	c->name = NULL;
	c->pid = -1;
	return *err ? -1 : 0;
}

int run(const char *const argv[], const struct run_opts *opts, char **err)
{
	struct run_child c;
	int r;

	r = run_start(argv, opts, &c, err);
	if (r < 0)
		return r;
	return run_wait(&c, err);
}

int run_output(const char *const argv[], const struct run_opts *opts, char **out, size_t *len,
	       char **err)
{
	struct run_opts o = opts ? *opts : (struct run_opts){ 0 };
	struct run_child c;
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int r;

	o.out = (struct run_io){ RUN_PIPE, NULL, 0 };
	*out = NULL;
	*len = 0;
	r = run_start(argv, &o, &c, err);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t got;

		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap ? 2 * cap : 65536);
		got = read(c.out_fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (run_wait(&c, err) < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
}
