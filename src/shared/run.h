/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place vmbundle runs other programs.
 *
 * Programs get an argv array, never a shell string, so no quoting can go
 * wrong. Standard input and output can each be inherited, redirected from or
 * to a file or a descriptor, /dev/null, or a pipe back to the caller;
 * standard error is inherited unless asked otherwise, so the user sees the
 * tool's own words (a caller that reports them itself folds it into standard
 * output). The caller's environment is passed on, with extra "NAME=value"
 * entries overriding variables of the same name. The on-target launcher uses
 * the same runner for what it needs besides: a child in its own session (a
 * guest outliving the shell that started it) and a descriptor passed as the
 * child's fd 3 (the console when QEMU's stdio is a screen).
 *
 * A child succeeds only when it exits with status 0. One killed by a signal
 * has failed, and the message says which signal. Every error message names
 * the program, for the caller to prefix with what it was doing:
 *   "'mke2fs' failed with exit status 1"
 *   "'bzip2' was killed by signal SIGKILL (Killed)"
 *   "cannot run 'qemu-img': No such file or directory"
 *
 * The child starts with default signal dispositions and an empty signal
 * mask, so a caller that ignores SIGPIPE (to see EPIPE when writing to a
 * pipe whose reader died) does not pass that on.
 */
#ifndef VMB_RUN_H
#define VMB_RUN_H

#include "util.h"

#include <stdbool.h>
#include <sys/types.h>

enum run_how {
	RUN_INHERIT = 0, /* the caller's own stdin/stdout */
	RUN_NULL,        /* /dev/null */
	RUN_FILE,        /* path: read it (stdin) or create/truncate it, mode 0644 (stdout) */
	RUN_FD,          /* fd: an open descriptor of the caller (left open) */
	RUN_PIPE,        /* run_start only: a pipe whose other end the caller gets */
	RUN_STDOUT,      /* .err only: wherever standard output goes (2>&1) */
};

struct run_io {
	enum run_how how;
	const char *path;
	int fd;
};

/* Zero-initialise, then set what differs: { .out = { RUN_FILE, "x.bz2", 0 } }. */
struct run_opts {
	struct run_io in, out;
	struct run_io err;      /* RUN_INHERIT, RUN_NULL, RUN_FILE, RUN_FD or RUN_STDOUT */
	struct run_io fd3;      /* RUN_FD: the child's fd 3; RUN_INHERIT: none is set up */
	const char *const *env; /* extra "NAME=value" entries, NULL-terminated; may be NULL */
	const char *dir;        /* the child's working directory; NULL: the caller's */
	bool append;            /* RUN_FILE outputs are appended to, not truncated */
	bool new_session;       /* the child leads a session of its own (setsid) */
};

struct run_child {
	pid_t pid;
	char *name;  /* argv[0] without its directory, for messages */
	int in_fd;   /* write end of the child's stdin pipe, or -1 */
	int out_fd;  /* read end of the child's stdout pipe, or -1 */
};

/* Start argv[0] (searched in PATH) with argv. For RUN_PIPE the caller gets the
 * other end in c->in_fd / c->out_fd (close-on-exec) and must close it: the
 * child sees end of input only when in_fd is closed. Returns 0, or a negative
 * errno value with *err set (malloc'd); on error nothing is left running. */
int run_start(const char *const argv[], const struct run_opts *opts, struct run_child *c,
	      char **err) _must_check_;

/* Start argv and leave it running: for a child that outlives the caller's
 * interest (a background guest). No pipes (RUN_PIPE is refused). Returns its
 * pid, which the caller may waitpid() on, or -1 with *err set. */
pid_t run_background(const char *const argv[], const struct run_opts *opts, char **err) _must_check_;

/* Close any pipe ends still open, wait for the child and judge its end.
 * Returns 0 when it exited with status 0; otherwise -1 with *err set. */
int run_wait(struct run_child *c, char **err) _must_check_;

/* run_start + run_wait for children without pipes. @opts may be NULL. */
int run(const char *const argv[], const struct run_opts *opts, char **err) _must_check_;

/* run, with the child's standard output collected into *out (malloc'd,
 * NUL-terminated; *len bytes). @opts may be NULL; its .out is ignored.
 * On failure nothing is returned in *out. */
int run_output(const char *const argv[], const struct run_opts *opts, char **out, size_t *len,
	       char **err) _must_check_;

/* How a wait status reads in a message about @name: "exited with status 2",
 * "was killed by signal SIGSEGV (Segmentation fault)". NULL for success. */
char *run_describe_status(const char *name, int status);

#endif
